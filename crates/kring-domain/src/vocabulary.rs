//! The words of a circle: rings, kinds of help, visibility, consent scope, and
//! the small value types that are parsed at the edge and valid ever after.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::Refusal;

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
    /// Every ring, from close to far.
    pub const ALL: [Ring; 3] = [Ring::Warm, Ring::Lukewarm, Ring::Cold];

    /// Reads a ring's name (`warm`, `lukewarm`, `cold`).
    pub fn parse(text: &str) -> Result<Ring, DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "warm" => Ok(Ring::Warm),
            "lukewarm" => Ok(Ring::Lukewarm),
            "cold" => Ok(Ring::Cold),
            _ => Err(DomainError::UnknownWord {
                refusal: Refusal::UnknownRing,
                word: text.to_owned(),
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

/// The kind of a category, which bounds how far a request may be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Practical,
    Company,
    PersonalMatters,
    PersonalCare,
}

impl Category {
    /// Every category.
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

    /// The kind this category is of.
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

    /// Reads a category's name, such as `groceries` or `odd jobs`.
    pub fn parse(text: &str) -> Result<Category, DomainError> {
        let wanted = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Category::ALL
            .into_iter()
            .find(|c| {
                serde_json::to_value(c)
                    .ok()
                    .and_then(|v| v.as_str().map(|s| s == wanted))
                    == Some(true)
            })
            .ok_or_else(|| DomainError::UnknownWord {
                refusal: Refusal::UnknownCategory,
                word: text.to_owned(),
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
    /// Reads a capacity: an amount per `hours_per_week` or `tasks_per_month`.
    pub fn parse(amount: u16, per: &str) -> Result<Capacity, DomainError> {
        let capacity = match per {
            "week" | "hours_per_week" => Capacity::HoursPerWeek(amount),
            "month" | "tasks_per_month" => Capacity::TasksPerMonth(amount),
            _ => {
                return Err(DomainError::UnknownWord {
                    refusal: Refusal::UnknownCapacity,
                    word: per.to_owned(),
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
            _ => Err(Refusal::Capacity.into()),
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
    /// A window from `start` to `end`: at most two months, ending after it starts.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<TimeWindow, DomainError> {
        if end <= start {
            return Err(Refusal::WindowEndsBeforeStart.into());
        }
        if end - start > chrono::Duration::days(62) {
            return Err(Refusal::WindowTooLong.into());
        }
        Ok(TimeWindow { start, end })
    }

    /// When the window opens.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// When the window closes.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

/// Minutes a piece of help is expected to take: 5 minutes to 12 hours (a
/// shift, such as a weekend's stay: up to 3 days).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Minutes(u16);

impl TryFrom<u16> for Minutes {
    type Error = DomainError;
    /// Anything stored: the longest is a shift's.
    fn try_from(minutes: u16) -> Result<Self, DomainError> {
        Minutes::for_shift(minutes)
    }
}

impl From<Minutes> for u16 {
    fn from(minutes: Minutes) -> u16 {
        minutes.0
    }
}

/// The longest shift: three days.
pub const MAX_SHIFT_MINUTES: u16 = 3 * 24 * 60;

impl Minutes {
    /// A duration of 5 minutes to 12 hours.
    pub fn new(minutes: u16) -> Result<Minutes, DomainError> {
        if !(5..=720).contains(&minutes) {
            return Err(Refusal::Duration.into());
        }
        Ok(Minutes(minutes))
    }

    /// A shift's length: 5 minutes to 3 days (Friday 18:00 to Monday 18:00).
    pub fn for_shift(minutes: u16) -> Result<Minutes, DomainError> {
        if !(5..=MAX_SHIFT_MINUTES).contains(&minutes) {
            return Err(Refusal::ShiftDuration.into());
        }
        Ok(Minutes(minutes))
    }

    /// The minutes.
    pub fn get(self) -> u16 {
        self.0
    }
}

/// What an intermediary looked at, on the record with each look
/// (`IntermediaryLooked`, shown in "who looked"). Stored as its code, so the
/// record holds no sentence in any one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Looked {
    /// The organisation's dashboard, with the circle's signals.
    #[serde(rename = "dashboard")]
    Dashboard,
    /// The dashboard, with the signals and next week's rota (full consent).
    #[serde(rename = "dashboard-rota")]
    DashboardRota,
    /// The circle itself, its signals only.
    #[serde(rename = "circle")]
    Circle,
    /// The circle itself: signals, rota, open requests and shared logbook.
    #[serde(rename = "circle-full")]
    CircleFull,
    /// The circle's live updates.
    #[serde(rename = "live")]
    Live,
    /// A mail about the circle crossing one of the organisation's thresholds:
    /// the intermediary learns the signal without opening Kring.
    #[serde(rename = "signals-mail")]
    SignalsMail,
    /// The organisation's marketplace: a listed request's kind of help, time
    /// and neighbourhood, on the board or while matching.
    #[serde(rename = "marketplace")]
    Marketplace,
    /// The same, by one of the organisation's volunteers.
    #[serde(rename = "marketplace-volunteer")]
    MarketplaceVolunteer,
    /// Something recorded before looks had codes, in words no longer known.
    #[serde(rename = "other")]
    Other,
}

impl Looked {
    /// A look by an organisation's dashboard, which shows many circles at
    /// once: recorded once a day per circle and intermediary. Opening the
    /// circle itself is recorded every time. The marketplace shows many
    /// listings at once too.
    pub fn is_dashboard(self) -> bool {
        matches!(
            self,
            Looked::Dashboard
                | Looked::DashboardRota
                | Looked::Marketplace
                | Looked::MarketplaceVolunteer
        )
    }
}

impl Looked {
    /// Every kind of look.
    pub const ALL: [Looked; 9] = [
        Looked::Dashboard,
        Looked::DashboardRota,
        Looked::Circle,
        Looked::CircleFull,
        Looked::Live,
        Looked::SignalsMail,
        Looked::Marketplace,
        Looked::MarketplaceVolunteer,
        Looked::Other,
    ];

    /// The stable code, as stored and as the API says it.
    pub const fn code(self) -> &'static str {
        match self {
            Looked::Dashboard => "dashboard",
            Looked::DashboardRota => "dashboard-rota",
            Looked::Circle => "circle",
            Looked::CircleFull => "circle-full",
            Looked::Live => "live",
            Looked::SignalsMail => "signals-mail",
            Looked::Marketplace => "marketplace",
            Looked::MarketplaceVolunteer => "marketplace-volunteer",
            Looked::Other => "other",
        }
    }

    /// In English, as the record said before it held codes.
    pub const fn message(self) -> &'static str {
        match self {
            Looked::Dashboard => "the dashboard: signals",
            Looked::DashboardRota => "the dashboard: signals and next week's rota",
            Looked::Circle => "the circle: signals",
            Looked::CircleFull => "the circle: signals, rota, open requests and shared logbook",
            Looked::Live => "live updates",
            Looked::SignalsMail => "a mail: the circle crossed a threshold",
            Looked::Marketplace => "the marketplace: a listed request",
            Looked::MarketplaceVolunteer => "the marketplace, as a volunteer: a listed request",
            Looked::Other => "something else",
        }
    }

    /// The look an old record's English sentence stands for (`Other` for words
    /// no longer known).
    pub fn of_old_words(words: &str) -> Looked {
        Looked::ALL
            .into_iter()
            .find(|l| *l != Looked::Other && l.message() == words)
            .unwrap_or(Looked::Other)
    }
}
