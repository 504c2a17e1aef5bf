//! The rota: shifts a coordinator schedules, the dates they take place on, who
//! is on each, and swaps between members.
//!
//! Times of a shift are wall-clock times in the circle's time zone: a weekly
//! shift at 10:00 stays at 10:00 when the clocks change, so its moment in UTC
//! moves by an hour.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Person, Ring};

/// `POST /api/v1/circles/{id}/shifts` (coordinators): schedule a shift.
/// Answers [`ShiftScheduled`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScheduleShift {
    /// What the shift is, as the members read it: "Evening meal with Mam".
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The first start: a local date and time in the circle's time zone,
    /// without an offset (`YYYY-MM-DDTHH:MM`). It must lie in the future.
    #[schema(
        example = "2026-12-05T10:00",
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
    )]
    pub starts: String,
    /// How long the shift takes: 5 minutes to 3 days (4320 minutes), such
    /// as a weekend's stay from Friday 18:00 to Sunday 18:00.
    #[schema(minimum = 5, maximum = 4320)]
    pub duration_minutes: u16,
    /// Present: the shift comes back every week on the same weekday and local
    /// time. Absent: it takes place once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly: Option<WeeklyShift>,
    /// How many people the shift needs on each date: 1 to 10; 0 for a visit
    /// by professionals (home care, the GP) that is on the rota for everyone
    /// to know and that nobody takes.
    #[schema(minimum = 0, maximum = 10)]
    pub helpers_needed: u8,
    /// The rings whose members may take the shift: `warm`, `lukewarm`, or both.
    #[schema(min_items = 1)]
    pub rings: Vec<Ring>,
}

/// `POST .../shifts/{shift}/dates/{date}/change` (that date only) and
/// `.../change-series` (that date and every later one): another time of day
/// or length. The day stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangeShiftTiming {
    /// The local time of day it starts, in the circle's time zone: `HH:MM`.
    #[schema(example = "14:30", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub time: String,
    /// How long it takes: 5 minutes to 3 days (4320 minutes).
    #[schema(minimum = 5, maximum = 4320)]
    pub duration_minutes: u16,
}

/// The answer to scheduling a shift (201): what [`Created`](super::Created)
/// says, and the local date the shift first takes place on, the `{date}` of
/// claim, release and skip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ShiftScheduled {
    pub id: Uuid,
    pub version: u64,
    pub first_date: NaiveDate,
}

/// A shift that comes back every week, or every few weeks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WeeklyShift {
    /// The last date it may take place on (inclusive); absent: no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// Every how many weeks: 1 (absent) to 4; 2 is every other week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 4)]
    pub every_weeks: Option<u8>,
}

/// `POST /api/v1/circles/{id}/shifts/{shift}/dates/{date}/release`: step down
/// from a shift you claimed. Answers [`Changed`](super::Changed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseShift {
    /// Why, in a few words, for the coordinators who look for someone else:
    /// 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// `POST /api/v1/circles/{id}/swaps`: ask another member to take over your
/// place on a shift on one date. Answers [`Created`](super::Created) with the
/// swap's id; nothing changes until they accept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProposeSwap {
    pub shift: Uuid,
    pub date: NaiveDate,
    /// The member asked to take over.
    pub to: Uuid,
}

/// The query of `GET /api/v1/circles/{id}/rota`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RotaQuery {
    /// The first date shown (`YYYY-MM-DD`); today in the circle's time zone
    /// when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// How many days are shown: 1 to 62; 7 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(minimum = 1, maximum = 62)]
    pub days: Option<u32>,
}

/// `GET /api/v1/circles/{id}/rota`: the dated places of the circle's shifts,
/// for members of the warm and lukewarm rings and the coordinators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rota {
    /// The version of the circle's log this view reflects.
    pub version: u64,
    /// The zone the local times are in.
    pub time_zone: String,
    pub from: NaiveDate,
    pub days: u32,
    /// Every date a shift takes place in the period, in time order.
    pub slots: Vec<RotaSlot>,
    /// Swaps still waiting for an answer that concern the caller (all of them
    /// for coordinators), whatever their date.
    pub swaps: Vec<RotaSwap>,
}

/// One shift on one date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RotaSlot {
    pub shift: Uuid,
    /// `None` when the coordinator who wrote it was forgotten.
    pub title: Option<String>,
    /// The local date; the path of claim, release and skip takes this.
    pub date: NaiveDate,
    /// The moment it starts.
    pub starts_at: DateTime<Utc>,
    /// The wall-clock start in the circle's time zone, without an offset
    /// (`YYYY-MM-DDTHH:MM:SS`): the same every week, whatever the clocks do.
    #[schema(value_type = String, example = "2026-12-05T10:00:00")]
    pub starts_local: NaiveDateTime,
    pub duration_minutes: u16,
    pub helpers_needed: u8,
    /// Places still free on this date.
    pub open_places: u8,
    /// The rings whose members may take it.
    pub rings: Vec<Ring>,
    /// Who is on it, in the order they claimed.
    pub claimed_by: Vec<Person>,
    /// The caller is one of them.
    pub you_are_on: bool,
    /// The shift comes back every week (its series can end from a date on).
    #[serde(default)]
    pub weekly: bool,
}

/// A member asked another to take over their place on a shift.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RotaSwap {
    pub id: Uuid,
    pub shift: Uuid,
    /// `None` when the coordinator who wrote it was forgotten.
    pub title: Option<String>,
    pub date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    /// Who is on the shift now.
    pub from: Person,
    /// Who is asked to take over; they accept or decline.
    pub to: Person,
}
