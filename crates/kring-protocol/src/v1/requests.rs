//! Help requests, standing offers of help, and thanks.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Person, Ring};

/// What a request or an offer is about. The kind of help bounds who may be
/// asked: practical help and company may go as far as the marketplace;
/// finances, paperwork and emotional support stay in the warm ring; personal
/// care (washing, dressing, medication) is for the family and professionals,
/// never for neighbours or volunteers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Groceries,
    Transport,
    Chores,
    OddJobs,
    Visit,
    Walk,
    Coffee,
    Finances,
    Paperwork,
    EmotionalSupport,
    Washing,
    Dressing,
    Medication,
}

/// The group a category belongs to; it decides how far a request of the
/// category may be widened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryGroup {
    /// Groceries, transport, chores, odd jobs.
    Practical,
    /// Visits, walks, coffee.
    Company,
    /// Finances, paperwork, emotional support.
    PersonalMatters,
    /// Washing, dressing, medication.
    PersonalCare,
}

/// `GET /api/v1/categories`: every kind of help, in the order a form offers them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Categories {
    pub categories: Vec<CategoryInfo>,
}

/// One kind of help and its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CategoryInfo {
    pub category: Category,
    pub group: CategoryGroup,
    /// The farthest ring a request of this category may be opened to.
    pub widest_ring: Ring,
}

/// Where a request is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for someone to take it.
    Open,
    /// Someone said they will do it.
    Taken,
    /// Whoever asked (or a coordinator) confirmed the helper.
    Confirmed,
    Done,
    Cancelled,
    /// The helper did not come.
    NoShow,
}

/// `POST /api/v1/circles/{id}/requests`: ask the circle for help. A request
/// starts open to the warm ring; a coordinator may widen it. Answers
/// [`Created`](super::Created).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AskForHelp {
    pub category: Category,
    /// The earliest moment the help can be given.
    pub window_start: DateTime<Utc>,
    /// The latest moment the help must be done by; after `window_start`, at
    /// most two months later, and not yet past.
    pub window_end: DateTime<Utc>,
    /// How long the help takes: 5 to 720 minutes, and no longer than the window.
    #[schema(minimum = 5, maximum = 720)]
    pub duration_minutes: u16,
    /// What is needed, in the asker's words: 1 to 2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub details: String,
    /// The address. Only whoever asked, whoever takes the request and the
    /// coordinators ever see it. At most 300 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 300)]
    pub place: Option<String>,
    /// Asked by the family for the person the circle is for (warm ring only).
    #[serde(default)]
    pub on_behalf_of_focus: bool,
}

/// `PUT /api/v1/circles/{id}/requests/{request}`: change when, how long or
/// what (the one who asked, or a coordinator). The category, the place and
/// who may take it stay; whoever took it keeps it and is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangeRequest {
    pub window_start: DateTime<Utc>,
    /// After `window_start`, at most two months later, and not yet past.
    pub window_end: DateTime<Utc>,
    /// 5 to 720 minutes, and no longer than the window.
    #[schema(minimum = 5, maximum = 720)]
    pub duration_minutes: u16,
    /// 1 to 2000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub details: String,
}

/// `GET /api/v1/circles/{id}/requests`: the open and running requests the
/// caller may see, soonest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Requests {
    /// The version of the circle's log this list reflects.
    pub version: u64,
    pub requests: Vec<HelpRequest>,
}

/// One request for help, as the caller may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HelpRequest {
    pub id: Uuid,
    pub category: Category,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub duration_minutes: u16,
    /// `None` when the asker was forgotten.
    pub details: Option<String>,
    pub asked_by: Person,
    /// Asked for the person the circle is for.
    pub on_behalf_of_focus: bool,
    /// The farthest ring that may take it.
    pub reach: Ring,
    /// The farther rings the caller may open it to now, nearest first: empty
    /// unless it is open and the caller may widen it (a coordinator), and
    /// never beyond its category's widest ring.
    pub widen_to: Vec<Ring>,
    /// The organisations whose marketplace the caller may put it on now (a
    /// coordinator; consent given, the neighbourhood named, fit for volunteers).
    #[serde(default)]
    pub list_with: Vec<Uuid>,
    /// The organisation whose marketplace lists it: told to the coordinators only.
    #[serde(default)]
    pub listed_with: Option<Uuid>,
    pub status: RequestStatus,
    /// Who took it, if anyone.
    pub taker: Option<Person>,
    /// The address: present only for whoever asked, whoever took it and the
    /// coordinators, and only when one was given (and its writer not forgotten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub requested_at: DateTime<Utc>,
}

/// `POST /api/v1/circles/{id}/requests/{request}/widen`: open a request to a
/// farther ring (coordinators only). Answers [`Changed`](super::Changed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WidenRequest {
    /// `lukewarm`, or `cold` for the marketplace; never beyond what the
    /// category allows.
    pub to: Ring,
}

/// The step named in `POST /api/v1/circles/{id}/requests/{request}/{action}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequestAction {
    /// Say you will do it (a member of a ring the request is open to).
    Take,
    /// Confirm the helper (whoever asked, or a coordinator).
    Confirm,
    /// The help was given (the helper, whoever asked, or a coordinator).
    Done,
    /// Call it off (whoever asked, or a coordinator).
    Cancel,
    /// The helper did not come (whoever asked, or a coordinator, once it was due).
    NoShow,
}

impl RequestAction {
    pub const ALL: [RequestAction; 5] = [
        RequestAction::Take,
        RequestAction::Confirm,
        RequestAction::Done,
        RequestAction::Cancel,
        RequestAction::NoShow,
    ];

    /// The word in the path.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestAction::Take => "take",
            RequestAction::Confirm => "confirm",
            RequestAction::Done => "done",
            RequestAction::Cancel => "cancel",
            RequestAction::NoShow => "no-show",
        }
    }

    /// The action a path word names, if any.
    pub fn parse(word: &str) -> Option<RequestAction> {
        RequestAction::ALL.into_iter().find(|a| a.as_str() == word)
    }
}

// ---- offers ---------------------------------------------------------------

/// How much a member can give: `{"hours_per_week": 4}` (1 to 80) or
/// `{"tasks_per_month": 2}` (1 to 60).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    HoursPerWeek(u16),
    TasksPerMonth(u16),
}

// By hand: utoipa takes no bounds on a tuple variant's field, and the bounds
// are what a client needs to know.
impl utoipa::PartialSchema for Capacity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        let one = |name: &str, most: u16| {
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .required(name)
                .property(
                    name,
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                        .minimum(Some(1))
                        .maximum(Some(most)),
                )
        };
        OneOfBuilder::new()
            .item(one("hours_per_week", super::limits::MAX_HOURS_PER_WEEK))
            .item(one("tasks_per_month", super::limits::MAX_TASKS_PER_MONTH))
            .description(Some(
                "How much a member can give: `{\"hours_per_week\": 4}` (1 to 80) or\n\
                 `{\"tasks_per_month\": 2}` (1 to 60).",
            ))
            .into()
    }
}

impl ToSchema for Capacity {}

/// `POST /api/v1/circles/{id}/offers`: a standing offer of help. Answers
/// [`Created`](super::Created).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MakeOffer {
    /// What you will do: at least one kind of help.
    #[schema(min_items = 1)]
    pub will: Vec<Category>,
    /// What you would rather not be asked for.
    #[serde(default)]
    pub wont: Vec<Category>,
    pub capacity: Capacity,
    /// At most 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `GET /api/v1/circles/{id}/offers`: the standing offers the caller may see
/// (the warm ring and the coordinators see all; others their own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Offers {
    /// The version of the circle's log this list reflects.
    pub version: u64,
    pub offers: Vec<Offer>,
}

/// A standing offer that has not been withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    pub id: Uuid,
    pub by: Person,
    pub will: Vec<Category>,
    /// What they would rather not do.
    pub wont: Vec<Category>,
    pub capacity: Capacity,
    /// `None` when there is none, or its writer was forgotten.
    pub note: Option<String>,
}

// ---- thanks ---------------------------------------------------------------

/// What a thank-you is for: `{"request": id}` (once it is done),
/// `{"shift": id, "date": "YYYY-MM-DD"}` (once it took place) or
/// `{"entry": id}` (a logbook entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(untagged, try_from = "RawThanksFor")]
pub enum ThanksFor {
    Request { request: Uuid },
    Shift { shift: Uuid, date: NaiveDate },
    Entry { entry: Uuid },
}

/// What `for` may hold, before it is known to name exactly one thing.
#[derive(Deserialize)]
struct RawThanksFor {
    request: Option<Uuid>,
    shift: Option<Uuid>,
    date: Option<NaiveDate>,
    entry: Option<Uuid>,
}

impl TryFrom<RawThanksFor> for ThanksFor {
    type Error = &'static str;

    fn try_from(raw: RawThanksFor) -> Result<Self, Self::Error> {
        match raw {
            RawThanksFor {
                request: Some(request),
                shift: None,
                date: None,
                entry: None,
            } => Ok(ThanksFor::Request { request }),
            RawThanksFor {
                request: None,
                shift: Some(shift),
                date: Some(date),
                entry: None,
            } => Ok(ThanksFor::Shift { shift, date }),
            RawThanksFor {
                request: None,
                shift: None,
                date: None,
                entry: Some(entry),
            } => Ok(ThanksFor::Entry { entry }),
            _ => Err("`for` names one thing: {\"request\": id}, \
                      {\"shift\": id, \"date\": \"YYYY-MM-DD\"} or {\"entry\": id}"),
        }
    }
}

/// `POST /api/v1/circles/{id}/thanks`: thank someone for their help. Seen only
/// by the two of you and the coordinators. Answers [`Changed`](super::Changed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Thank {
    /// The person thanked.
    pub to: Uuid,
    #[serde(rename = "for")]
    pub thanks_for: ThanksFor,
    /// At most 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn thanks_name_exactly_one_thing() {
        let id = Uuid::nil();
        let thank: Thank =
            serde_json::from_value(json!({"to": id, "for": {"request": id}})).unwrap();
        assert_eq!(thank.thanks_for, ThanksFor::Request { request: id });
        let thank: Thank = serde_json::from_value(
            json!({"to": id, "for": {"shift": id, "date": "2030-05-01"}, "note": "thank you"}),
        )
        .unwrap();
        assert_eq!(
            thank.thanks_for,
            ThanksFor::Shift {
                shift: id,
                date: NaiveDate::from_ymd_opt(2030, 5, 1).unwrap()
            }
        );
        assert_eq!(
            serde_json::to_value(&thank).unwrap()["for"],
            json!({"shift": id, "date": "2030-05-01"})
        );
        for wrong in [
            json!({}),
            json!({"shift": id}),
            json!({"request": id, "entry": id}),
        ] {
            let error = serde_json::from_value::<ThanksFor>(wrong).unwrap_err();
            assert!(error.to_string().contains("names one thing"), "{error}");
        }
    }

    #[test]
    fn capacities_and_actions_read_as_documented() {
        assert_eq!(
            serde_json::from_value::<Capacity>(json!({"hours_per_week": 4})).unwrap(),
            Capacity::HoursPerWeek(4)
        );
        assert_eq!(
            serde_json::to_value(Category::EmotionalSupport).unwrap(),
            json!("emotional_support")
        );
        for action in RequestAction::ALL {
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                json!(action.as_str())
            );
            assert_eq!(RequestAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(RequestAction::parse("no_show"), None);
    }
}
