//! The words of a circle: rings, kinds of help, visibility, consent scope, and
//! the small value types that are parsed at the edge and valid ever after.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// How close a member is. Ordered from close to far: a request open to a ring
/// is open to every closer ring too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ring {
    /// Family and close friends.
    Warm,
    /// The schoolyard, the club, neighbours one knows.
    Lukewarm,
    /// Volunteers from an organisation's marketplace, matched to one task.
    Cold,
}

impl Ring {
    pub const ALL: [Ring; 3] = [Ring::Warm, Ring::Lukewarm, Ring::Cold];

    pub fn parse(text: &str) -> Result<Ring, DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "warm" => Ok(Ring::Warm),
            "lukewarm" => Ok(Ring::Lukewarm),
            "cold" => Ok(Ring::Cold),
            _ => Err(DomainError::UnknownWord {
                what: "ring",
                word: text.to_owned(),
                expected: "warm, lukewarm or cold",
            }),
        }
    }
}

/// What a request or offer is about. The kind bounds who may be asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Practical,
    Company,
    PersonalMatters,
    PersonalCare,
}

impl Category {
    pub const ALL: [Category; 13] = [
        Category::Groceries,
        Category::Transport,
        Category::Chores,
        Category::OddJobs,
        Category::Visit,
        Category::Walk,
        Category::Coffee,
        Category::Finances,
        Category::Paperwork,
        Category::EmotionalSupport,
        Category::Washing,
        Category::Dressing,
        Category::Medication,
    ];

    pub fn kind(self) -> Kind {
        use Category::*;
        match self {
            Groceries | Transport | Chores | OddJobs => Kind::Practical,
            Visit | Walk | Coffee => Kind::Company,
            Finances | Paperwork | EmotionalSupport => Kind::PersonalMatters,
            Washing | Dressing | Medication => Kind::PersonalCare,
        }
    }

    /// The farthest ring a request of this category may be opened to.
    pub fn widest_ring(self) -> Ring {
        match self.kind() {
            Kind::Practical | Kind::Company => Ring::Cold,
            // Finances and feelings stay in the family; personal care is the
            // work of professionals, not of neighbours or volunteers.
            Kind::PersonalMatters | Kind::PersonalCare => Ring::Warm,
        }
    }

    pub fn parse(text: &str) -> Result<Category, DomainError> {
        let wanted = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Category::ALL
            .into_iter()
            .find(|c| serde_json::to_value(c).ok().and_then(|v| v.as_str().map(|s| s == wanted)) == Some(true))
            .ok_or_else(|| DomainError::UnknownWord {
                what: "category",
                word: text.to_owned(),
                expected: "groceries, transport, chores, odd_jobs, visit, walk, coffee, finances, paperwork, \
                           emotional_support, washing, dressing or medication",
            })
    }
}

/// Who may read a logbook entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    WarmOnly,
    WarmAndLukewarm,
    WholeCircle,
}

impl Visibility {
    /// The farthest ring that may read it.
    pub fn widest_ring(self) -> Ring {
        match self {
            Visibility::WarmOnly => Ring::Warm,
            Visibility::WarmAndLukewarm => Ring::Lukewarm,
            Visibility::WholeCircle => Ring::Cold,
        }
    }
}

/// What an organisation may see of a circle that consented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// The health of the circle, no content.
    Signals,
    /// Signals, the rota and the logbook.
    Full,
}

/// How much a member can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    HoursPerWeek(u16),
    TasksPerMonth(u16),
}

impl Capacity {
    pub fn parse(amount: u16, per: &str) -> Result<Capacity, DomainError> {
        let capacity = match per {
            "week" | "hours_per_week" => Capacity::HoursPerWeek(amount),
            "month" | "tasks_per_month" => Capacity::TasksPerMonth(amount),
            _ => {
                return Err(DomainError::UnknownWord {
                    what: "capacity",
                    word: per.to_owned(),
                    expected: "hours_per_week or tasks_per_month",
                })
            }
        };
        capacity.validate()?;
        Ok(capacity)
    }

    pub(crate) fn validate(self) -> Result<(), DomainError> {
        match self {
            Capacity::HoursPerWeek(h) if (1..=80).contains(&h) => Ok(()),
            Capacity::TasksPerMonth(t) if (1..=60).contains(&t) => Ok(()),
            _ => Err(DomainError::Invalid(
                "a capacity is between 1 and 80 hours a week, or between 1 and 60 tasks a month",
            )),
        }
    }
}

/// When something may happen: a start strictly before an end. Checked when
/// deserialised too, so a command read from JSON cannot skip the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawWindow")]
pub struct TimeWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

#[derive(Deserialize)]
struct RawWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TryFrom<RawWindow> for TimeWindow {
    type Error = DomainError;
    fn try_from(raw: RawWindow) -> Result<Self, DomainError> {
        TimeWindow::new(raw.start, raw.end)
    }
}

impl TimeWindow {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<TimeWindow, DomainError> {
        if end <= start {
            return Err(DomainError::Invalid(
                "a time window must end after it starts",
            ));
        }
        if end - start > chrono::Duration::days(62) {
            return Err(DomainError::Invalid(
                "a time window can be at most two months long",
            ));
        }
        Ok(TimeWindow { start, end })
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

/// Minutes a piece of help is expected to take: 5 minutes to 12 hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Minutes(u16);

impl TryFrom<u16> for Minutes {
    type Error = DomainError;
    fn try_from(minutes: u16) -> Result<Self, DomainError> {
        Minutes::new(minutes)
    }
}

impl From<Minutes> for u16 {
    fn from(minutes: Minutes) -> u16 {
        minutes.0
    }
}

impl Minutes {
    pub fn new(minutes: u16) -> Result<Minutes, DomainError> {
        if !(5..=720).contains(&minutes) {
            return Err(DomainError::Invalid(
                "a duration is between 5 minutes and 12 hours",
            ));
        }
        Ok(Minutes(minutes))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}
