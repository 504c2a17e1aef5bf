//! Circles, and who one is in them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{LogbookEntry, Person, Ring};

/// `POST /api/v1/circles`: start a circle around a person. The caller becomes
/// its first coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreateCircle {
    /// The name of the person the circle is for: 1 to 100 characters, no
    /// control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub focus_name: String,
    /// An IANA time zone name; `Europe/Amsterdam` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The circle is for the caller: they are its focus person as well as
    /// its first coordinator.
    #[serde(default)]
    pub for_myself: bool,
    /// Start from a template: its suggested weekly shifts, first requests and
    /// a welcome entry in the logbook, all changeable afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<CircleTemplate>,
    /// The language of the template's words; Dutch when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// Who set a circle up at the kitchen table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SetUpBy {
    pub organisation: Uuid,
    pub intermediary: Uuid,
}

/// The situations a new circle can start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CircleTemplate {
    /// Six weeks of help at home after a stay in hospital.
    HomeAfterHospital,
    /// Ongoing care for someone with dementia who lives at home.
    DementiaAtHome,
    /// Four weeks of recovery after an operation.
    RecoveryAfterSurgery,
    /// Being there in the last phase of life.
    LastPhase,
}

/// A language Kring speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Nl,
    En,
}

/// `GET /api/v1/circles/{id}`: the circle as the caller may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Circle {
    pub id: Uuid,
    /// The version of the circle's log this view reflects.
    pub version: u64,
    pub time_zone: String,
    /// The person the circle is for.
    pub focus: Person,
    /// The caller's place in the circle.
    pub you: Membership,
    /// What the caller may read and decide here, as the server's policy and
    /// the circle's rules say: a client leaves out what would be refused.
    pub may: May,
    /// Members per ring, as far as the caller may see them.
    pub members: RingCounts,
    /// Where the circle is for the marketplace (a postcode area or district):
    /// told to its coordinators.
    #[serde(default)]
    pub neighbourhood: Option<String>,
    /// Active, paused or ended, with the message left when it paused or ended.
    pub life: super::Life,
    /// A request to take over coordinating that waits for an answer: told to
    /// the coordinators and the member asked.
    #[serde(default)]
    pub coordination_offer: Option<super::CoordinationOffer>,
    /// Set up at the kitchen table by an intermediary of this organisation,
    /// who coordinates it until the family's first coordinator joins.
    #[serde(default)]
    pub set_up_by: Option<SetUpBy>,
    /// The newest entries the caller may read (at most
    /// `limits::OVERVIEW_ENTRIES`, 10), newest first; the rest are in the
    /// logbook's pages.
    pub logbook: Vec<LogbookEntry>,
}

/// What the caller of `GET /api/v1/circles/{id}` may read and decide in the
/// circle. Every read is also open to the circle itself, its members, its
/// requests, its logbook and its figures (load and reciprocity).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct May {
    /// The rota, its shifts and swaps, standing offers, calendar feeds.
    pub read_rota: bool,
    /// The open invitations.
    pub read_invitations: bool,
    /// Which organisations the circle shares with.
    pub read_consents: bool,
    /// Who of an organisation looked at the circle.
    pub read_looks: bool,
    /// The circle's health signals and whom to ask next.
    pub read_health: bool,
    /// The whole circle, exported.
    pub export: bool,
    /// Give and revoke an organisation's consent.
    pub decide_consent: bool,
    /// Invite the person the circle is for to claim their place (a
    /// coordinator, while that person has no account in it).
    #[serde(default)]
    pub invite_focus: bool,
}

/// One row of `GET /api/v1/circles`: a circle the caller is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CircleSummary {
    pub id: Uuid,
    pub version: u64,
    pub focus: Person,
    pub you: Membership,
    /// Active, paused or ended.
    pub life: super::LifeState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    pub person: Uuid,
    pub ring: Ring,
    pub coordinator: bool,
    pub focus: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RingCounts {
    pub warm: u32,
    pub lukewarm: u32,
    pub cold: u32,
}
