//! Care organisations, their intermediaries, and what they see of the circles
//! that consented: signals always, the rota and shared writing under `full`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{LogbookEntry, Person, RingCounts};

/// `POST /api/v1/organisations`: register an organisation; the caller becomes
/// its first intermediary. Answers [`super::Created`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RegisterOrganisation {
    /// Public: circles see it when they consent. 1 to 120 characters.
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
}

/// `GET /api/v1/organisations/{org}`: for its intermediaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub intermediaries: Vec<Person>,
    /// When its intermediaries hear of a consenting circle by mail.
    #[serde(default)]
    pub thresholds: Thresholds,
}

/// `PUT /api/v1/organisations/{org}/thresholds` (answers [`super::Changed`]),
/// and part of [`Organisation`]: the signals of a consenting circle that its
/// intermediaries hear of by mail, once each time a circle crosses one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Thresholds {
    /// At least this many open places on shifts in the next 7 days; 0 to 500, 0 for off.
    #[schema(maximum = 500)]
    pub open_places: u32,
    /// One member has carried most of the help for three weeks running.
    pub carer_at_risk: bool,
    /// No logbook entry for this many days; 0 to 365, 0 for off.
    #[schema(maximum = 365)]
    pub silent_days: u32,
}

/// `POST /api/v1/organisations/{org}/intermediaries`: invite a colleague by
/// mail. Answers [`super::MailAccepted`], the same whatever the address; the
/// colleague is added when the account that verified this address accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AddIntermediary {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
}

/// How much of a circle an organisation may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// How the circle is doing, without any content.
    Signals,
    /// Also the rota, requests, and logbook entries shared beyond the warm ring.
    Full,
}

/// How a circle is doing, without content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Signals {
    /// Places still open on shifts in the next 7 days.
    pub open_shift_places_next_7_days: u32,
    /// Requests nobody answered for 48 hours.
    pub requests_unanswered_48h: u32,
    pub members_over_capacity: u32,
    /// One member carried more than 60% of the hours for three weeks running.
    pub primary_carer_at_risk: bool,
    pub days_since_last_entry: Option<i64>,
    pub members: RingCounts,
    /// Only the warm ring carries the circle.
    pub only_warm: bool,
    /// Minutes of help committed this week and last week.
    pub minutes_this_week: u32,
    pub minutes_last_week: u32,
}

/// A slot of the rota as an organisation sees it: when, and whether it is covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CoverSlot {
    pub date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u16,
    pub helpers_needed: u8,
    pub open_places: u8,
}

/// One row of `GET /api/v1/organisations/{org}/dashboard`. The rows come
/// in the order of what needs attention: the most signals first, then the
/// worst (`attention`'s order), then by the focus person's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DashboardCircle {
    pub circle: Uuid,
    /// The person the circle is for.
    pub focus: Person,
    pub scope: Scope,
    pub signals: Signals,
    /// The next 7 days, under `full` consent only.
    pub rota: Option<Vec<CoverSlot>>,
    /// What asks for attention under the organisation's thresholds, worst
    /// first; empty when nothing does.
    #[serde(default)]
    pub attention: Vec<Attention>,
}

/// Why a circle on the dashboard needs attention, from worst to mildest.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Attention {
    /// One member carried most of the help for three weeks running.
    CarerAtRisk,
    /// A member committed to more this week than they offered.
    OverCapacity,
    /// A request nobody answered for 48 hours.
    UnansweredRequests,
    /// Open places on shifts in the next 7 days: at least the organisation's
    /// threshold `open_places`, or any when it set none.
    OpenPlaces,
    /// No logbook entry for the organisation's `silent_days` (only when it set them).
    Silent,
    /// Only the warm ring carries the circle.
    OnlyWarm,
}

/// The query of `GET /api/v1/organisations/{org}/dashboard`: which circles.
/// Every consenting circle when left out. Whatever the filter, reading the
/// dashboard is a look at every consenting circle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Only the circles that need attention (any `attention`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_attention: Option<bool>,
    /// Only the circles with this reason for attention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<Attention>,
    /// Only the circles whose focus person's name holds this text (case does
    /// not matter; a forgotten name holds nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// One row of `GET /api/v1/me/organisations`: an organisation the caller
/// works for (as an intermediary, who also matches volunteers on its
/// marketplace), by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MyOrganisation {
    pub id: Uuid,
    pub name: String,
}

/// `GET /api/v1/organisations/{org}/circles/{id}`: one circle as the
/// organisation may see it. Every such read is recorded in the circle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConsentedCircle {
    pub id: Uuid,
    pub version: u64,
    pub focus: Person,
    pub scope: Scope,
    pub signals: Signals,
    /// Under `full`: the next 14 days of the rota.
    pub rota: Option<Vec<CoverSlot>>,
    /// Under `full`: requests still open.
    pub open_requests: Option<u32>,
    /// Under `full`: the newest entries shared beyond the warm ring (at most
    /// `limits::PAGE_DEFAULT_ITEMS`, 50), newest first.
    pub logbook: Option<Vec<LogbookEntry>>,
}
