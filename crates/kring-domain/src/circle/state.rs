//! The circle as its events leave it. `apply` (in `apply/`) only records; every rule lives in `decide`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::circle::events::{EndReason, InvitedAs, Recurrence};
use crate::{
    Capacity, Category, CircleId, ConsentScope, EntryId, InvitationId, Looked, Minutes,
    Neighbourhood, OfferId, OrganisationId, PersonId, RequestId, Ring, ShiftId, SwapId, TimeWindow,
    Visibility,
};

/// The circle as its events left it: what `decide` judges commands against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Circle {
    pub id: Option<CircleId>,
    pub focus: Option<PersonId>,
    pub time_zone: String,
    pub members: BTreeMap<PersonId, Member>,
    /// People who left or were removed: their events stay, as "a former member".
    pub former: BTreeSet<PersonId>,
    pub invitations: BTreeMap<InvitationId, Invitation>,
    pub requests: BTreeMap<RequestId, Request>,
    pub offers: BTreeMap<OfferId, Offer>,
    pub shifts: BTreeMap<ShiftId, Shift>,
    pub swaps: BTreeMap<SwapId, Swap>,
    pub entries: BTreeMap<EntryId, Entry>,
    pub consents: BTreeMap<OrganisationId, Consent>,
    /// The latest day (in the circle's time zone) each intermediary's
    /// dashboard showed the circle, per kind of dashboard look: a dashboard is
    /// on the record once a day, however often it is loaded.
    #[serde(default)]
    pub dashboard_looks: Vec<DashboardLook>,
    /// Where the circle is for the marketplace: an area or district, never an address.
    #[serde(default)]
    pub neighbourhood: Option<Neighbourhood>,
    /// Volunteers not to be asked here again: declined (by the family or
    /// themselves) or did not come.
    #[serde(default)]
    pub kept_away: BTreeSet<PersonId>,
    /// Places in the lukewarm ring offered to volunteers, not yet answered
    /// (see [`Circle::place_offered_to`] for whether one still stands).
    #[serde(default)]
    pub places_offered: BTreeMap<PersonId, PlaceOffer>,
    /// Volunteers who said no to a place: not offered one again.
    #[serde(default)]
    pub places_declined: BTreeSet<PersonId>,
    /// Active, paused or ended.
    #[serde(default)]
    pub life: Life,
    /// Pauses that are over, `[from, until)`: no shift took place in them.
    #[serde(default)]
    pub pauses: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Coordination offered, by the member asked, to whom asked (see
    /// [`Circle::coordination_offered_to`] for whether it still stands).
    #[serde(default)]
    pub coordination_offers: BTreeMap<PersonId, PersonId>,
    /// Whether the focus person acts with an account of their own: they
    /// started the circle, or claimed their place (see [`Circle::focus_has_account`]).
    #[serde(default)]
    pub focus_joined: bool,
    /// Set up at the kitchen table and not yet handed over to the family.
    #[serde(default)]
    pub set_up_by: Option<SetUp>,
}

/// The intermediary who set a circle up with the family, and for which organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUp {
    pub organisation: OrganisationId,
    pub by: PersonId,
}

/// Where a circle is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Life {
    #[default]
    Active,
    /// No shift takes place from `since` until it resumes.
    Paused { since: DateTime<Utc> },
    /// Read-only from `at` on.
    Ended {
        at: DateTime<Utc>,
        reason: EndReason,
    },
}

impl Circle {
    /// Whether a shift starting at `starts` does not take place because the
    /// circle is (or was) paused then, or has ended.
    pub fn shifts_suspended_at(&self, starts: DateTime<Utc>) -> bool {
        self.life
            .no_shifts_from()
            .is_some_and(|from| starts >= from)
            || self
                .pauses
                .iter()
                .any(|(from, until)| *from <= starts && starts < *until)
    }
}

impl Life {
    /// From when no shift takes place (paused or ended), if so.
    pub fn no_shifts_from(&self) -> Option<DateTime<Utc>> {
        match *self {
            Life::Active => None,
            Life::Paused { since } => Some(since),
            Life::Ended { at, .. } => Some(at),
        }
    }

    pub fn ended(&self) -> bool {
        matches!(self, Life::Ended { .. })
    }
}

/// How many tasks a volunteer from the marketplace does for a circle before
/// its coordinators are offered to invite them to the lukewarm ring.
pub const TASKS_FOR_A_PLACE: usize = 3;

/// A place in the lukewarm ring offered to a volunteer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceOffer {
    pub invitation: InvitationId,
    pub by: PersonId,
}

/// A member: their ring, whether they coordinate, and a volunteer's one task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub ring: Ring,
    pub coordinator: bool,
    /// The one request a cold-ring volunteer joined for.
    pub task: Option<RequestId>,
}

/// Whether an invitation can still be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    Open,
    Accepted,
    Revoked,
}

/// An invitation, with the hash of its secret (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub ring: Ring,
    pub role: InvitedAs,
    pub task: Option<RequestId>,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub state: InvitationState,
    /// The coordinator who made it: it ends when they stop coordinating.
    /// (`None` only in views stored before this was kept.)
    #[serde(default)]
    pub issued_by: Option<PersonId>,
}

/// Where a request for help stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Open,
    Taken,
    Confirmed,
    Done,
    Cancelled,
    NoShow,
}

/// A request for help, as far as the rules need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub category: Category,
    pub window: TimeWindow,
    pub duration: Minutes,
    /// The farthest ring that may take it.
    pub reach: Ring,
    pub asked_by: PersonId,
    pub status: RequestStatus,
    pub taker: Option<PersonId>,
    /// The organisation whose marketplace lists it.
    #[serde(default)]
    pub listed_with: Option<OrganisationId>,
    /// Volunteers proposed for it, and what became of each proposal.
    #[serde(default)]
    pub proposals: BTreeMap<PersonId, Proposal>,
}

/// A volunteer proposed for a listed request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The matchmaker who proposed them, or the volunteer themself.
    pub by: PersonId,
    pub state: ProposalState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Waiting for a coordinator.
    Waiting,
    Accepted,
    Declined,
}

/// The days after a task's time in which the family and the volunteer can still thank each other.
pub const DAYS_FOR_THANKS: i64 = 2;
/// A task nobody closed ends this long after its time.
pub const DAYS_UNTIL_UNCLOSED_TASK_ENDS: i64 = 14;

impl Request {
    /// Whether a volunteer's task is over for good: closed and the days for
    /// thanks gone by after its time, or long past its time however it stands.
    pub fn task_over(&self, now: DateTime<Utc>) -> bool {
        let closed = matches!(
            self.status,
            RequestStatus::Done | RequestStatus::Cancelled | RequestStatus::NoShow
        );
        let end = self.window.end();
        (closed && now >= end + chrono::Duration::days(DAYS_FOR_THANKS))
            || now >= end + chrono::Duration::days(DAYS_UNTIL_UNCLOSED_TASK_ENDS)
    }

    /// Whether `organisation`'s marketplace shows it at `now`: listed there, open, not past.
    pub fn on_marketplace(&self, organisation: OrganisationId, now: DateTime<Utc>) -> bool {
        self.listed_with == Some(organisation)
            && self.status == RequestStatus::Open
            && self.window.end() > now
    }
}

/// An offer of help by a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub by: PersonId,
    pub will: Vec<Category>,
    pub capacity: Capacity,
    pub withdrawn: bool,
}

/// A shift on the rota, once or weekly, with who claimed which date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub starts: NaiveDateTime,
    pub duration: Minutes,
    pub recurrence: Recurrence,
    pub helpers_needed: u8,
    pub rings: Vec<Ring>,
    pub skipped: BTreeSet<NaiveDate>,
    pub claims: BTreeMap<NaiveDate, Vec<PersonId>>,
    /// Dates that take place at another time or length than the series.
    #[serde(default)]
    pub changed_dates: BTreeMap<NaiveDate, Timing>,
    /// The series' time and length from each date on (the latest applies).
    #[serde(default)]
    pub series_changes: BTreeMap<NaiveDate, Timing>,
}

/// When an occurrence starts (local time) and how long it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    pub time: NaiveTime,
    pub duration: Minutes,
}

impl Shift {
    /// Whether the shift happens on `date` (skipped dates excluded).
    pub fn occurs_on(&self, date: NaiveDate) -> bool {
        let first = self.starts.date();
        let scheduled = match self.recurrence.weeks_apart() {
            None => date == first,
            Some(weeks) => {
                let days = (date - first).num_days();
                days >= 0
                    && days % (7 * i64::from(weeks.max(1))) == 0
                    && self.recurrence.until().is_none_or(|until| date <= until)
            }
        };
        scheduled && !self.skipped.contains(&date)
    }

    /// The time and length of the occurrence on `date`: its own change, else
    /// the series' latest change from a date up to it, else as scheduled.
    pub fn timing_on(&self, date: NaiveDate) -> Timing {
        if let Some(timing) = self.changed_dates.get(&date) {
            return *timing;
        }
        match self.series_changes.range(..=date).next_back() {
            Some((_, timing)) => *timing,
            None => Timing {
                time: self.starts.time(),
                duration: self.duration,
            },
        }
    }

    /// The moment the occurrence on `date` starts, in the circle's time zone.
    pub fn start_on(&self, date: NaiveDate, time_zone: &str) -> DateTime<Utc> {
        local_to_utc(date.and_time(self.timing_on(date).time), time_zone)
    }

    /// Who is on the shift on `date`.
    pub fn claims_on(&self, date: NaiveDate) -> &[PersonId] {
        self.claims.get(&date).map_or(&[], Vec::as_slice)
    }
}

/// Wall-clock time in a zone to an instant; a time skipped by a clock change
/// moves forward by an hour, as a person would.
pub fn local_to_utc(local: NaiveDateTime, time_zone: &str) -> DateTime<Utc> {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// The calendar date of an instant in a zone (for weeks as people count them).
pub fn local_date(at: DateTime<Utc>, time_zone: &str) -> NaiveDate {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    at.with_timezone(&tz).date_naive()
}

/// A proposal to hand one date of a shift to another member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swap {
    pub shift: ShiftId,
    pub date: NaiveDate,
    pub from: PersonId,
    pub to: PersonId,
    pub open: bool,
}

/// A logbook entry, as far as the rules need it (its text is in the event).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub author: PersonId,
    pub visibility: Visibility,
    pub redacted: bool,
}

/// The day an intermediary's dashboard last showed the circle (one of kind).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardLook {
    pub person: PersonId,
    pub organisation: OrganisationId,
    pub what: Looked,
    pub on: NaiveDate,
}

/// An organisation's consent to look at the circle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub scope: ConsentScope,
    pub from: DateTime<Utc>,
    pub revoked: bool,
}

impl Consent {
    /// Whether the consent is in force at `now`.
    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.from <= now
    }
}

impl Circle {
    /// Whether the circle was created.
    pub fn exists(&self) -> bool {
        self.id.is_some()
    }

    /// The member `person`, if they are in the circle now.
    pub fn member(&self, person: PersonId) -> Option<&Member> {
        self.members.get(&person)
    }

    /// Whether `person` coordinates the circle.
    pub fn is_coordinator(&self, person: PersonId) -> bool {
        self.member(person).is_some_and(|m| m.coordinator)
    }

    /// Whether the circle is there for `person`.
    pub fn is_focus(&self, person: PersonId) -> bool {
        self.focus == Some(person)
    }

    /// Whether the focus person has an account: a circle that knows them only
    /// by name may invite them to claim their place. (A view stored before
    /// `focus_joined` existed knows a focus who started the circle as a coordinator.)
    pub fn focus_has_account(&self) -> bool {
        self.focus_joined || self.focus.is_some_and(|f| self.is_coordinator(f))
    }

    /// How many coordinators the circle has.
    pub fn coordinator_count(&self) -> usize {
        self.members.values().filter(|m| m.coordinator).count()
    }

    /// How many requests `volunteer` did here as a volunteer the family accepted.
    pub fn tasks_done_by(&self, volunteer: PersonId) -> usize {
        self.requests
            .values()
            .filter(|r| {
                r.status == RequestStatus::Done
                    && r.taker == Some(volunteer)
                    && r.proposals
                        .get(&volunteer)
                        .is_some_and(|p| p.state == ProposalState::Accepted)
            })
            .count()
    }

    /// The volunteers who did at least [`TASKS_FOR_A_PLACE`] tasks here and
    /// are in no warm or lukewarm ring, with how many tasks.
    pub fn helpers_for_a_place(&self) -> Vec<(PersonId, usize)> {
        let mut helpers: Vec<PersonId> = self.requests.values().filter_map(|r| r.taker).collect();
        helpers.sort();
        helpers.dedup();
        helpers
            .into_iter()
            .filter(|p| self.member(*p).is_none_or(|m| m.ring == Ring::Cold))
            .filter(|p| !self.kept_away.contains(p) && !self.places_declined.contains(p))
            .map(|p| (p, self.tasks_done_by(p)))
            .filter(|(_, tasks)| *tasks >= TASKS_FOR_A_PLACE)
            .collect()
    }

    /// The place in the lukewarm ring offered to `volunteer`, while it still
    /// stands: not kept away since (a no-show, say), and in no warm or
    /// lukewarm ring already.
    pub fn place_offered_to(&self, volunteer: PersonId) -> Option<&PlaceOffer> {
        let in_a_ring = self.member(volunteer).is_some_and(|m| m.ring != Ring::Cold);
        if in_a_ring || self.kept_away.contains(&volunteer) {
            return None;
        }
        self.places_offered.get(&volunteer)
    }

    /// The consent of `organisation` in force at `now`, if any.
    pub fn consent_at(
        &self,
        organisation: OrganisationId,
        now: DateTime<Utc>,
    ) -> Option<ConsentScope> {
        self.consents
            .get(&organisation)
            .filter(|c| c.active_at(now))
            .map(|c| c.scope)
    }
}
