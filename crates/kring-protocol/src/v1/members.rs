//! Who is in a circle and how they got there: members and rings, invitations
//! and joining, consent to organisations and "who looked", and the figures
//! that show how the work is shared (load, reciprocity, health, suggestions).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Person, Ring, Scope, Signals};

// ---- members --------------------------------------------------------------

/// `GET /api/v1/circles/{id}/members`: the members the caller may know of.
/// A volunteer in the cold ring sees only themself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Members {
    /// The version of the circle's log this list reflects.
    pub version: u64,
    /// The focus person first, then by ring (warm first) and name.
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub person: Person,
    pub ring: Ring,
    pub coordinator: bool,
    /// The person the circle is for.
    pub focus: bool,
    /// The one request a volunteer in the cold ring joined for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Uuid>,
}

/// `PUT /api/v1/circles/{id}/members/{person}/ring`: move a member between the
/// warm and lukewarm rings (coordinators). Answers [`super::Changed`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangeRing {
    pub ring: Ring,
}

// ---- invitations ----------------------------------------------------------

/// What an invitation makes of whoever accepts it besides their ring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Member,
    /// A coordinator too (warm ring only).
    Coordinator,
    /// "Claim your place": the person the circle is for, who has no account
    /// in it yet, takes their place as its focus person (warm ring only).
    Focus,
}

/// `POST /api/v1/circles/{id}/invitations/mail`: invite someone by mail
/// (coordinators). The invitation is made as with [`Invite`], and its join
/// link is mailed to `email`, naming the circle's focus person. Answers
/// [`InvitationCreated`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InviteByMail {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[serde(flatten)]
    pub invite: Invite,
}

/// `POST /api/v1/circles/{id}/invitations`: invite someone (coordinators).
/// Answers [`InvitationCreated`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Invite {
    /// The ring the invited person joins.
    pub ring: Ring,
    /// `member` when left out; a coordinator joins the warm ring.
    #[serde(default)]
    pub role: Role,
    /// For the cold ring: the request (widened to the marketplace) the
    /// volunteer is invited for. Only cold-ring invitations have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Uuid>,
    /// 1 to 30; 14 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 30)]
    pub expires_in_days: Option<u32>,
}

/// A new invitation, with its secret: shown once, never stored by the server
/// (only its SHA-256 is). Give `link` (or `code`) to the invited person.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InvitationCreated {
    pub id: Uuid,
    pub version: u64,
    /// `<circle>.<invitation>.<secret>`: what `POST /invitations/accept` takes.
    pub code: String,
    /// `<server>/join#<code>`: the code travels in the fragment, which
    /// browsers never send to a server, so it stays out of access logs.
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for InvitationCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationCreated")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// `GET /api/v1/circles/{id}/invitations`: invitations nobody used yet, that
/// have not expired or been revoked (coordinators). Without their secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Invitations {
    pub version: u64,
    /// Soonest to expire first.
    pub invitations: Vec<Invitation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Invitation {
    pub id: Uuid,
    pub ring: Ring,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    /// The coordinator who made it; it ends when they stop coordinating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<Person>,
}

/// `POST /api/v1/invitations/accept`: join a circle with an invitation's code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AcceptInvitation {
    /// The code of the invitation, as in its link after `#`.
    pub code: String,
}

impl std::fmt::Debug for AcceptInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AcceptInvitation { .. }")
    }
}

/// The circle the caller joined, and its version: read it with
/// `GET /api/v1/circles/{circle}?min_version={version}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Joined {
    pub circle: Uuid,
    pub version: u64,
}

// ---- consent and looks ----------------------------------------------------

/// An organisation, as a circle sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrganisationName {
    pub id: Uuid,
    pub name: String,
}

/// `PUT /api/v1/circles/{id}/consents/{organisation}`: let an organisation see
/// the circle (coordinators and the focus person). Replaces an earlier
/// consent of the same organisation. Answers [`super::Changed`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GrantConsent {
    pub scope: Scope,
    /// When the consent starts; now when left out. Not in the past.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
}

/// `GET /api/v1/circles/{id}/consents`: the organisations that may see the
/// circle, or will from `from` (the warm ring and the coordinators).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Consents {
    pub version: u64,
    pub consents: Vec<Consent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Consent {
    pub organisation: OrganisationName,
    pub scope: Scope,
    pub from: DateTime<Utc>,
    /// In force now (`false`: it starts at `from`).
    pub active: bool,
}

/// `GET /api/v1/circles/{id}/looks`: every time someone of an organisation
/// looked at the circle (the coordinators and the focus person).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Looks {
    pub version: u64,
    /// Newest first.
    pub looks: Vec<Look>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Look {
    pub at: DateTime<Utc>,
    /// The person who looked.
    pub who: Person,
    pub organisation: OrganisationName,
    /// The consent they looked under.
    pub scope: Scope,
    /// What they looked at, in English, such as `the dashboard: signals`.
    pub what: String,
    /// What they looked at, as a stable code (every code is listed in
    /// `kring_protocol::v1::LOOK_CODES`; `other` for a look recorded before
    /// looks had codes). Clients translate it.
    #[schema(example = "dashboard")]
    pub code: String,
}

// ---- figures --------------------------------------------------------------

/// The query of `GET /api/v1/circles/{id}/load`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoadQuery {
    /// A day of the week to show (`YYYY-MM-DD`, best its Monday); this week
    /// when left out. Weeks start on Monday in the circle's time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<NaiveDate>,
}

/// `GET /api/v1/circles/{id}/load`: hours committed against what each member
/// said they can give. Private: a member sees their own, coordinators everyone's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Load {
    pub version: u64,
    /// The Monday the week starts.
    pub week: NaiveDate,
    pub members: Vec<MemberLoad>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberLoad {
    pub person: Person,
    /// Shifts claimed and requests taken that week.
    pub committed_minutes: u32,
    /// Hours a week the member offered; `None` when they declared none in hours.
    pub capacity_hours: Option<u32>,
    pub over_capacity: bool,
}

/// `GET /api/v1/circles/{id}/reciprocity`: help given and received, and
/// thanks. Private: a member sees their own, coordinators everyone's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reciprocities {
    pub version: u64,
    pub members: Vec<Reciprocity>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reciprocity {
    pub person: Person,
    /// Requests done, shifts served, and (for the focus person) standing offers.
    pub given: u32,
    /// Requests done for them; the focus person receives the rota.
    pub received: u32,
    pub thanks_received: u32,
    pub thanks_given: u32,
}

/// `GET /api/v1/circles/{id}/health`: how the circle is doing (coordinators).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub version: u64,
    pub signals: Signals,
    /// Who carried more than 60% of the hours for three weeks running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_carer: Option<Person>,
}

/// `GET /api/v1/circles/{id}/suggestions`: whom in the lukewarm ring to ask for
/// each open request (coordinators): members whose offers fit and who have
/// room that week, whoever helped least recently first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Suggestions {
    pub version: u64,
    pub suggestions: Vec<Suggestion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Suggestion {
    pub request: Uuid,
    pub people: Vec<Person>,
}

/// `POST /api/v1/circles/{id}/coordination`: the answer of the member asked
/// to take over coordinating. Answers [`super::Changed`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AnswerCoordination {
    pub accept: bool,
}

/// A coordinator asked a warm member to take over coordinating; shown to the
/// coordinators and the member asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CoordinationOffer {
    pub from: super::Person,
    pub to: super::Person,
}
