//! The marketplace: an organisation's volunteers and the requests its
//! consenting circles list there, anonymised (never the circle, a name, the
//! place or the details).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Category, Person, Window};

/// A part of a day: `morning` (until noon), `afternoon` (noon to six), `evening`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
}

/// A part of a day of the week: `weekday` 0 is Monday, 6 Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub struct WeekSlot {
    #[schema(minimum = 0, maximum = 6)]
    pub weekday: u8,
    pub part: PartOfDay,
}

/// What a volunteer offers: the kinds of help (practical things and company
/// only), where (a four-digit postcode area or a district's name, never an
/// address), when, and how many tasks a month across all circles (1 to 31).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VolunteerProfile {
    pub will: Vec<Category>,
    #[schema(min_length = 1, max_length = 60)]
    pub neighbourhood: String,
    pub available: Vec<WeekSlot>,
    #[schema(minimum = 1, maximum = 31)]
    pub tasks_per_month: u8,
}

/// `POST /api/v1/volunteering`: sign up as a volunteer of `organisation`
/// with the code of its public sign-up link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JoinVolunteering {
    pub organisation: Uuid,
    /// The part of the sign-up link after `#`.
    #[schema(max_length = 200)]
    pub code: String,
    pub profile: VolunteerProfile,
}

/// Whether a volunteer is asked: `active`, `paused` or `left`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerStatus {
    Active,
    Paused,
    Left,
}

/// `PUT /api/v1/me/volunteering/{org}/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SetVolunteerStatus {
    pub status: VolunteerStatus,
}

/// `GET /api/v1/me/volunteering`: each organisation the caller volunteers for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Volunteering {
    pub organisation: Uuid,
    pub organisation_name: String,
    pub status: VolunteerStatus,
    pub profile: VolunteerProfile,
    /// Requests on its marketplace open to the caller (none while paused), soonest first.
    pub listings: Vec<ListedRequest>,
    /// The requests the caller was proposed for or offered to do, and where that stands.
    pub proposals: Vec<MyProposal>,
}

/// A request on a marketplace as volunteers see it: no circle, name, place or details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListedRequest {
    pub listing: Uuid,
    pub category: Category,
    pub window: Window,
    pub duration_minutes: u16,
    /// The circle's time zone, in which the window is meant.
    pub time_zone: String,
    pub neighbourhood: Option<String>,
    /// What the family wrote for strangers (`null`: its writer was forgotten).
    pub summary: Option<String>,
}

/// Where a proposal stands: `waiting` for the family, `accepted`, `declined`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    Waiting,
    Accepted,
    Declined,
}

/// A volunteer's own proposal. `circle` only once the family accepted them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MyProposal {
    pub request: ListedRequest,
    pub state: ProposalState,
    pub circle: Option<Uuid>,
}

/// `POST /api/v1/organisations/{org}/volunteer-sign-up`: a new public link
/// (the previous one stops working). Answered once: only its hash is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignUpLink {
    /// The page to share, with the code after `#`.
    pub url: String,
    pub code: String,
}

/// Where a listing stands on the matchmaker's board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingStage {
    Listed,
    Proposed,
    Matched,
    Done,
    Closed,
}

/// A proposal as the matchmaker sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BoardProposal {
    pub volunteer: Person,
    /// Whether the volunteer offered themself (else a matchmaker proposed them).
    pub offered: bool,
    pub state: ProposalState,
    pub at: DateTime<Utc>,
}

/// A listing on the matchmaker's board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BoardListing {
    #[serde(flatten)]
    pub request: ListedRequest,
    pub stage: ListingStage,
    pub listed_at: DateTime<Utc>,
    pub matched_at: Option<DateTime<Utc>>,
    pub proposals: Vec<BoardProposal>,
}

/// One week (from Monday) of a marketplace: how many requests were listed,
/// how many of those found a volunteer, and the median hours it took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MarketplaceWeek {
    pub week: NaiveDate,
    pub listed: u32,
    pub matched: u32,
    pub median_hours_to_match: Option<f64>,
}

/// `GET /api/v1/organisations/{org}/marketplace`: the matchmaker's board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Board {
    pub listings: Vec<BoardListing>,
    pub weeks: Vec<MarketplaceWeek>,
}

/// A volunteer who fits a listing, best first (`GET .../marketplace/{listing}/candidates`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    pub volunteer: Person,
    pub neighbourhood: Option<String>,
    pub last_asked: Option<DateTime<Utc>>,
    pub tasks_this_month: u32,
    pub tasks_per_month: u8,
}

/// `POST /api/v1/organisations/{org}/marketplace/{listing}/proposals`: a
/// matchmaker proposes `volunteer`; a volunteer leaves it out to offer themself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Propose {
    #[serde(default)]
    pub volunteer: Option<Uuid>,
    /// For the family: why this volunteer (at most 1000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `PUT /api/v1/circles/{id}/neighbourhood`: where the circle is for the
/// marketplace, never the address (`null` unnames it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SetNeighbourhood {
    #[schema(max_length = 60)]
    pub neighbourhood: Option<String>,
}

/// `POST /api/v1/circles/{id}/requests/{request}/listing`: put an open
/// request on a consenting organisation's marketplace (coordinators).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListOnMarketplace {
    pub organisation: Uuid,
    /// For strangers: no name, address or personal details (1 to 280 characters).
    #[schema(min_length = 1, max_length = 280)]
    pub summary: String,
}

/// A volunteer proposed for a request, as the family sees them: their first
/// name and what the matchmaker wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CircleProposal {
    pub volunteer: Uuid,
    pub first_name: String,
    pub offered: bool,
    pub note: Option<String>,
    pub state: ProposalState,
}

/// `POST /api/v1/circles/{id}/requests/{request}/proposals/{volunteer}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AnswerProposal {
    pub accept: bool,
}

/// `POST /organisations/{org}/volunteer-invitations`: invite someone by mail
/// to volunteer. Answers [`super::MailAccepted`], the same whatever the
/// address; the mail's link opens the sign-up page with a code of one use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InviteVolunteer {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
}

/// `GET /circles/{id}/helpers` (coordinators): a volunteer who helped the
/// circle three times or more and is in no warm or lukewarm ring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Helper {
    pub person: Uuid,
    pub first_name: String,
    /// Tasks they did here as a volunteer the family accepted.
    pub tasks: u32,
    /// A place in the lukewarm ring is offered and not yet answered.
    pub offered: bool,
}

/// `GET /me/places`: a circle that offers the caller a place in its lukewarm ring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlaceOffered {
    pub circle: Uuid,
    /// The person the circle is for.
    pub focus: super::Person,
}
