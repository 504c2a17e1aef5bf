//! A realistic history of care circles, made through the domain's rules
//! (`Circle::decide`, then `apply`): circles set up by invitation, then weighted
//! everyday activities, interleaved across circles as real traffic would be.
//! Shared by the benchmarks that need a lived-in log (rebuild, notify).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use kring_domain::circle::events::schema_version;
use kring_domain::circle::state::{Member, RequestStatus};
use kring_domain::{
    Action, Actor, Capacity, Category, Circle, CircleCommand, CircleEvent, CircleId, ConsentScope,
    InvitationId, InvitedAs, Kind, Minutes, OrganisationId, PersonId, Recurrence, RequestId, Ring,
    Sealed, ShiftId, ThanksFor, TimeWindow, Visibility,
};
use kring_store::NewEvent;
use kring_testkit::history::Rng;
use serde_json::json;
use uuid::Uuid;

/// The history covers this many days up to its end (the start of the run).
pub const SPAN_DAYS: i64 = 182;
pub const SEED: u64 = 0x6b72_696e_6721;
const ORGANISATIONS: usize = 20;
// ------------------------------------------------------------------ randomness
// The test kit's splitmix64 `Rng`: the same everywhere, so both backends get the
// same history. The traffic below is this benchmark's own model of a year of use
// (weighted activities, realistic text sizes), not the test kit's generator, which
// aims at reaching every kind of event rather than at realistic proportions.

/// What the vault stores for `plain` bytes of text: base64 of a 24-byte nonce,
/// the ciphertext and a 16-byte tag, under its writer's own key.
pub fn sealed(rng: &mut Rng, owner: PersonId, plain: usize) -> Sealed {
    const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    Sealed {
        owner,
        data: rng.text((plain + 40).div_ceil(3) * 4, BASE64),
    }
}

fn organisation(n: usize) -> OrganisationId {
    OrganisationId(Uuid::from_u128(0x0a00 + n as u128))
}

/// The one person of each organisation who looks at circles.
fn intermediary(organisation: OrganisationId) -> PersonId {
    PersonId(Uuid::from_u128(organisation.0.as_u128() + 0x1_0000))
}

// ------------------------------------------------------------------ one circle

type Command = (Actor, Action);
/// An invitation and who is going to accept it.
pub type Invited = (InvitationId, String, PersonId);

#[derive(Clone, Copy)]
enum Activity {
    Claim,
    Release,
    ThankShift,
    RequestHelp,
    Widen,
    Take,
    Confirm,
    Done,
    ThankRequest,
    Cancel,
    Entry,
    ThankEntry,
    Redact,
    Offer,
    Withdraw,
    Invite,
    InviteVolunteer,
    ProposeSwap,
    SettleSwap,
    Leave,
    ChangeRing,
    Look,
    Skip,
}

/// How often each activity is tried, once a circle is set up.
const ACTIVITIES: [(Activity, usize); 23] = [
    (Activity::Claim, 26),
    (Activity::Release, 3),
    (Activity::ThankShift, 6),
    (Activity::RequestHelp, 7),
    (Activity::Widen, 4),
    (Activity::Take, 20),
    (Activity::Confirm, 3),
    (Activity::Done, 8),
    (Activity::ThankRequest, 6),
    (Activity::Cancel, 1),
    (Activity::Entry, 11),
    (Activity::ThankEntry, 4),
    (Activity::Redact, 1),
    (Activity::Offer, 2),
    (Activity::Withdraw, 1),
    (Activity::Invite, 1),
    (Activity::InviteVolunteer, 1),
    (Activity::ProposeSwap, 2),
    (Activity::SettleSwap, 3),
    (Activity::Leave, 1),
    (Activity::ChangeRing, 1),
    (Activity::Look, 3),
    (Activity::Skip, 1),
];

/// A circle being lived: its domain state, and what its people are about to do.
pub struct Sim {
    pub rng: Rng,
    pub id: CircleId,
    pub stream: String,
    pub state: Circle,
    pub version: u64,
    /// Events this circle will have.
    pub target: u64,
    pub coordinator: PersonId,
    pub focus: PersonId,
    pub time_zone: &'static str,
    pub members_wanted: usize,
    pub shifts_wanted: usize,
    pub consent: Option<(OrganisationId, ConsentScope)>,
    /// Issued invitations whose person has not accepted yet.
    pub invited: Vec<Invited>,
    /// Requests done and not thanked for yet.
    pub done: Vec<RequestId>,
}

impl Sim {
    fn new(index: usize, target: u64) -> Sim {
        let mut rng = Rng::new(SEED ^ (index as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let id: CircleId = rng.id();
        let consent = rng.happens(0.2).then(|| {
            let scope = if rng.happens(0.5) {
                ConsentScope::Full
            } else {
                ConsentScope::Signals
            };
            (organisation(rng.below(ORGANISATIONS)), scope)
        });
        Sim {
            id,
            stream: kring_store::StreamName::circle(id.0).into(),
            state: Circle::default(),
            version: 0,
            target,
            coordinator: rng.id(),
            focus: rng.id(),
            time_zone: if rng.happens(0.8) {
                "Europe/Amsterdam"
            } else {
                "Europe/Brussels"
            },
            members_wanted: rng.range(5, 10) as usize,
            shifts_wanted: rng.range(1, 3) as usize,
            consent,
            invited: vec![],
            done: vec![],
            rng,
        }
    }

    pub fn remaining(&self) -> u64 {
        self.target.saturating_sub(self.version)
    }

    fn setting_up(&self) -> bool {
        !self.state.exists()
            || !self.invited.is_empty()
            || self.state.members.len() + self.invited.len() < self.members_wanted
            || self.state.shifts.len() < self.shifts_wanted
    }

    /// Time to this circle's next command: hours while it is being set up, then
    /// its remaining events spread over the time left.
    fn gap(&mut self, now: DateTime<Utc>, end: DateTime<Utc>) -> TimeDelta {
        let mean = if self.setting_up() {
            4.0 * 3600.0
        } else {
            (end - now).num_seconds().max(60) as f64 / self.remaining().max(1) as f64
        };
        let seconds = -(1.0 - self.rng.unit()).ln() * mean;
        TimeDelta::seconds(seconds.clamp(1.0, 14.0 * 86_400.0) as i64)
    }

    /// Members who act for themselves (everyone but the focus person) that `keep` accepts.
    pub fn people(&self, keep: impl Fn(PersonId, &Member) -> bool) -> Vec<PersonId> {
        self.state
            .members
            .iter()
            .filter(|(p, m)| **p != self.focus && keep(**p, m))
            .map(|(p, _)| *p)
            .collect()
    }

    pub fn ring_of(&self, person: PersonId) -> Option<Ring> {
        self.state.members.get(&person).map(|m| m.ring)
    }

    /// The next command, and the invitation it issues (accepted later).
    fn next_command(&mut self, now: DateTime<Utc>) -> (Command, Option<Invited>) {
        if !self.state.exists() {
            let focus_name = sealed(&mut self.rng, self.focus, 20);
            let create = Action::CreateCircle {
                circle: self.id,
                focus: self.focus,
                focus_name,
                time_zone: self.time_zone.into(),
                plan: vec![],
            };
            return ((Actor::person(self.coordinator), create), None);
        }
        let members = self.state.members.len();
        if !self.invited.is_empty()
            && (self.rng.happens(0.6) || members + self.invited.len() >= self.members_wanted)
        {
            let (invitation, token_hash, person) = self.invited.remove(0);
            let accept = Action::AcceptInvitation {
                invitation,
                token_hash,
                focus_name: None,
            };
            return ((Actor::person(person), accept), None);
        }
        if members + self.invited.len() < self.members_wanted {
            let ring = if self.rng.happens(0.4) {
                Ring::Warm
            } else {
                Ring::Lukewarm
            };
            return self.invite(now, ring, None);
        }
        if self.state.shifts.len() < self.shifts_wanted {
            return (self.schedule_shift(now), None);
        }
        if let Some((organisation, scope)) = self.consent {
            if !self.state.consents.contains_key(&organisation) {
                let grant = Action::GrantConsent {
                    organisation,
                    scope,
                    from: now,
                };
                return ((Actor::person(self.coordinator), grant), None);
            }
        }
        let total: usize = ACTIVITIES.iter().map(|(_, w)| w).sum();
        for _ in 0..20 {
            let mut roll = self.rng.below(total);
            let activity = ACTIVITIES
                .iter()
                .find(|(_, w)| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .map_or(Activity::Entry, |(a, _)| *a);
            if let Some(found) = self.activity(activity, now) {
                return found;
            }
        }
        (self.write_entry(), None)
    }

    fn activity(
        &mut self,
        activity: Activity,
        now: DateTime<Utc>,
    ) -> Option<(Command, Option<Invited>)> {
        let command = match activity {
            Activity::Claim => self.claim(now),
            Activity::Release => self.release(now),
            Activity::ThankShift => self.thank_shift(now),
            Activity::RequestHelp => self.request_help(now),
            Activity::Widen => self.widen(now),
            Activity::Take => self.take(now),
            Activity::Confirm => self.confirm(),
            Activity::Done => self.mark_done(now),
            Activity::ThankRequest => self.thank_request(),
            Activity::Cancel => self.cancel(),
            Activity::Entry => Some(self.write_entry()),
            Activity::ThankEntry => self.thank_entry(),
            Activity::Redact => self.redact(),
            Activity::Offer => self.offer(),
            Activity::Withdraw => self.withdraw(),
            Activity::Invite => {
                let ring = if self.rng.happens(0.4) {
                    Ring::Warm
                } else {
                    Ring::Lukewarm
                };
                return Some(self.invite(now, ring, None));
            }
            Activity::InviteVolunteer => return self.invite_volunteer(now),
            Activity::ProposeSwap => self.propose_swap(now),
            Activity::SettleSwap => self.settle_swap(now),
            Activity::Leave => self.leave(),
            Activity::ChangeRing => self.change_ring(),
            Activity::Look => self.look(now),
            Activity::Skip => self.skip(now),
        };
        command.map(|c| (c, None))
    }

    fn invite(
        &mut self,
        now: DateTime<Utc>,
        ring: Ring,
        task: Option<RequestId>,
    ) -> (Command, Option<Invited>) {
        let invitation: InvitationId = self.rng.id();
        let token_hash = self.rng.text(64, b"0123456789abcdef");
        let person: PersonId = self.rng.id();
        let action = Action::Invite {
            invitation,
            ring,
            role: InvitedAs::Member,
            task,
            token_hash: token_hash.clone(),
            expires_at: now + TimeDelta::days(14),
        };
        (
            (Actor::person(self.coordinator), action),
            Some((invitation, token_hash, person)),
        )
    }

    fn schedule_shift(&mut self, now: DateTime<Utc>) -> Command {
        let day = now.date_naive() + TimeDelta::days(self.rng.range(2, 8));
        let hour = [9, 13, 17, 19][self.rng.below(4)];
        let rings = if self.rng.happens(0.3) {
            vec![Ring::Warm]
        } else {
            vec![Ring::Warm, Ring::Lukewarm]
        };
        let action = Action::ScheduleShift {
            shift: self.rng.id(),
            title: sealed(&mut self.rng, self.coordinator, 16),
            starts: day.and_hms_opt(hour, 0, 0).expect("a valid hour"),
            duration: Minutes::new(30 * self.rng.range(2, 6) as u16).expect("in range"),
            recurrence: Recurrence::Weekly { until: None },
            helpers_needed: self.rng.range(1, 2) as u8,
            rings,
        };
        (Actor::person(self.coordinator), action)
    }

    /// Claims by current members on coming dates: (shift, date, person).
    fn coming_claims(&self, now: DateTime<Utc>) -> Vec<(ShiftId, NaiveDate, PersonId)> {
        let mut found = vec![];
        for (id, s) in &self.state.shifts {
            for (date, people) in s.claims.range(now.date_naive()..) {
                if s.start_on(*date, &self.state.time_zone) > now {
                    found.extend(
                        people
                            .iter()
                            .filter(|p| self.state.members.contains_key(p))
                            .map(|p| (*id, *date, *p)),
                    );
                }
            }
        }
        found
    }

    /// Open coming dates of a shift within three weeks.
    fn open_dates(&self, shift: ShiftId, now: DateTime<Utc>) -> Vec<NaiveDate> {
        let s = &self.state.shifts[&shift];
        (0..21)
            .map(|d| now.date_naive() + TimeDelta::days(d))
            .filter(|d| {
                s.occurs_on(*d)
                    && s.start_on(*d, &self.state.time_zone) > now
                    && s.claims_on(*d).len() < usize::from(s.helpers_needed)
            })
            .collect()
    }

    fn claim(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let shifts: Vec<ShiftId> = self.state.shifts.keys().copied().collect();
        let shift = self.rng.pick(&shifts)?;
        let dates = self.open_dates(shift, now);
        let date = self.rng.pick(&dates)?;
        let s = &self.state.shifts[&shift];
        let who = self.people(|p, m| s.rings.contains(&m.ring) && !s.claims_on(date).contains(&p));
        let by = self.rng.pick(&who)?;
        Some((Actor::person(by), Action::ClaimShift { shift, date }))
    }

    fn release(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let claims = self.coming_claims(now);
        let (shift, date, by) = self.rng.pick(&claims)?;
        let reason = sealed(&mut self.rng, by, 50);
        let action = Action::ReleaseShift {
            shift,
            date,
            reason,
        };
        Some((Actor::person(by), action))
    }

    fn thank_shift(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let since = now.date_naive() - TimeDelta::days(14);
        let mut past = vec![];
        for (id, s) in &self.state.shifts {
            for (date, people) in s.claims.range(since..) {
                let ends = s.start_on(*date, &self.state.time_zone)
                    + TimeDelta::minutes(i64::from(s.duration.get()));
                if ends <= now {
                    past.extend(people.iter().map(|p| (*id, *date, *p)));
                }
            }
        }
        let (shift, date, to) = self.rng.pick(&past)?;
        let from = self
            .rng
            .pick(&self.people(|p, m| p != to && m.ring != Ring::Cold))?;
        let note = self
            .rng
            .happens(0.4)
            .then(|| sealed(&mut self.rng, from, 40));
        let action = Action::Thank {
            thanks_for: ThanksFor::Shift(shift, date),
            to,
            note,
        };
        Some((Actor::person(from), action))
    }

    fn request_help(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let by = self.rng.pick(&self.people(|_, m| m.ring != Ring::Cold))?;
        let warm = self.ring_of(by) == Some(Ring::Warm);
        let category = self.rng.pick(&Category::ALL)?;
        let start = now + TimeDelta::hours(self.rng.range(24, 240));
        let window = TimeWindow::new(start, start + TimeDelta::hours(self.rng.range(1, 8))).ok()?;
        let duration = Minutes::new(self.rng.range(15, 60) as u16).ok()?;
        let plain = self.rng.range(20, 200) as usize;
        let details = sealed(&mut self.rng, by, plain);
        // A place makes the command two events; the last event of a circle is one.
        let place =
            (self.remaining() > 1 && self.rng.happens(0.3)).then(|| sealed(&mut self.rng, by, 40));
        let action = Action::RequestHelp {
            request: self.rng.id(),
            category,
            window,
            duration,
            details,
            place,
            on_behalf_of_focus: warm && self.rng.happens(0.5),
        };
        Some((Actor::person(by), action))
    }

    fn requests_where(
        &self,
        keep: impl Fn(&kring_domain::circle::state::Request) -> bool,
    ) -> Vec<RequestId> {
        self.state
            .requests
            .iter()
            .filter(|(_, r)| keep(r))
            .map(|(id, _)| *id)
            .collect()
    }

    fn coordinators(&self) -> Vec<PersonId> {
        self.people(|_, m| m.coordinator)
    }

    fn widen(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let open = self.requests_where(|r| {
            r.status == RequestStatus::Open
                && r.reach < r.category.widest_ring()
                && r.window.end() > now
        });
        let request = self.rng.pick(&open)?;
        let to = match self.state.requests[&request].reach {
            Ring::Warm => Ring::Lukewarm,
            // The marketplace is a last resort.
            _ if self.rng.happens(0.3) => Ring::Cold,
            _ => return None,
        };
        let by = self.rng.pick(&self.coordinators())?;
        Some((Actor::person(by), Action::WidenRequest { request, to }))
    }

    fn take(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let open = self.requests_where(|r| r.status == RequestStatus::Open && r.window.end() > now);
        // Requests someone may take, with who may.
        let takeable: Vec<(RequestId, Vec<PersonId>)> = open
            .into_iter()
            .map(|request| {
                let r = &self.state.requests[&request];
                let who = self.people(|p, m| {
                    p != r.asked_by
                        && if m.ring == Ring::Cold {
                            m.task == Some(request) && r.category.kind() != Kind::PersonalCare
                        } else {
                            m.ring <= r.reach
                        }
                });
                (request, who)
            })
            .filter(|(_, who)| !who.is_empty())
            .collect();
        let (request, who) = self.rng.pick(&takeable)?;
        let by = self.rng.pick(&who)?;
        Some((Actor::person(by), Action::TakeRequest { request }))
    }

    /// Whoever asked, while still a member; a coordinator otherwise.
    fn asker_or_coordinator(&mut self, request: RequestId) -> Option<PersonId> {
        let asker = self.state.requests[&request].asked_by;
        if self.state.members.contains_key(&asker) {
            return Some(asker);
        }
        self.rng.pick(&self.coordinators())
    }

    fn confirm(&mut self) -> Option<Command> {
        let taken = self.requests_where(|r| r.status == RequestStatus::Taken);
        let request = self.rng.pick(&taken)?;
        let by = self.asker_or_coordinator(request)?;
        Some((Actor::person(by), Action::ConfirmRequest { request }))
    }

    fn mark_done(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let running = self.requests_where(|r| {
            matches!(r.status, RequestStatus::Taken | RequestStatus::Confirmed)
                && r.window.start() <= now
        });
        let request = self.rng.pick(&running)?;
        let taker = self.state.requests[&request].taker;
        let by = match taker.filter(|t| self.state.members.contains_key(t)) {
            Some(taker) if self.rng.happens(0.7) => taker,
            _ => self.asker_or_coordinator(request)?,
        };
        Some((Actor::person(by), Action::MarkRequestDone { request }))
    }

    fn thank_request(&mut self) -> Option<Command> {
        if self.done.is_empty() {
            return None;
        }
        let request = self.done.swap_remove(self.rng.below(self.done.len()));
        let r = self.state.requests.get(&request)?;
        let to = r.taker.filter(|_| r.status == RequestStatus::Done)?;
        let reach = r.reach.min(Ring::Lukewarm);
        let sees = |m: &Member| m.ring <= reach || m.coordinator;
        let asker = r.asked_by;
        let from = match self.state.members.get(&asker) {
            Some(m) if asker != to && m.ring != Ring::Cold && sees(m) => asker,
            _ => self
                .rng
                .pick(&self.people(|p, m| m.coordinator && p != to))?,
        };
        let note = self
            .rng
            .happens(0.5)
            .then(|| sealed(&mut self.rng, from, 60));
        let action = Action::Thank {
            thanks_for: ThanksFor::Request(request),
            to,
            note,
        };
        Some((Actor::person(from), action))
    }

    fn cancel(&mut self) -> Option<Command> {
        let open = self.requests_where(|r| r.status == RequestStatus::Open);
        let request = self.rng.pick(&open)?;
        let by = self.asker_or_coordinator(request)?;
        Some((Actor::person(by), Action::CancelRequest { request }))
    }

    fn write_entry(&mut self) -> Command {
        let author = self
            .rng
            .pick(&self.people(|_, _| true))
            .unwrap_or(self.coordinator);
        let visibility = if self.ring_of(author) == Some(Ring::Cold) {
            Visibility::WholeCircle
        } else {
            [
                Visibility::WarmOnly,
                Visibility::WarmAndLukewarm,
                Visibility::WarmAndLukewarm,
                Visibility::WholeCircle,
            ][self.rng.below(4)]
        };
        let plain = self.rng.range(40, 600) as usize;
        let action = Action::WriteLogbookEntry {
            entry: self.rng.id(),
            visibility,
            text: sealed(&mut self.rng, author, plain),
        };
        (Actor::person(author), action)
    }

    fn thank_entry(&mut self) -> Option<Command> {
        let entries: Vec<_> = self
            .state
            .entries
            .iter()
            .filter(|(_, e)| !e.redacted)
            .map(|(id, e)| (*id, e.author, e.visibility.widest_ring()))
            .collect();
        let (entry, author, widest) = self.rng.pick(&entries)?;
        let from = self
            .rng
            .pick(&self.people(|p, m| p != author && m.ring != Ring::Cold && m.ring <= widest))?;
        let action = Action::Thank {
            thanks_for: ThanksFor::Entry(entry),
            to: author,
            note: None,
        };
        Some((Actor::person(from), action))
    }

    fn redact(&mut self) -> Option<Command> {
        let entries: Vec<_> = self
            .state
            .entries
            .iter()
            .filter(|(_, e)| !e.redacted && self.state.members.contains_key(&e.author))
            .map(|(id, e)| (*id, e.author))
            .collect();
        let (entry, by) = self.rng.pick(&entries)?;
        Some((Actor::person(by), Action::RedactLogbookEntry { entry }))
    }

    fn offer(&mut self) -> Option<Command> {
        let by = self.rng.pick(&self.people(|_, m| m.ring != Ring::Cold))?;
        let warm = self.ring_of(by) == Some(Ring::Warm);
        let allowed: Vec<Category> = Category::ALL
            .into_iter()
            .filter(|c| warm || c.kind() != Kind::PersonalCare)
            .collect();
        let mut will = vec![];
        for _ in 0..self.rng.range(1, 3) {
            let c = self.rng.pick(&allowed)?;
            if !will.contains(&c) {
                will.push(c);
            }
        }
        let wont: Vec<Category> = self
            .rng
            .pick(&Category::ALL)
            .filter(|c| !will.contains(c))
            .into_iter()
            .collect();
        let capacity = if self.rng.happens(0.5) {
            Capacity::HoursPerWeek(self.rng.range(1, 10) as u16)
        } else {
            Capacity::TasksPerMonth(self.rng.range(1, 8) as u16)
        };
        let note = self.rng.happens(0.3).then(|| sealed(&mut self.rng, by, 80));
        let action = Action::MakeOffer {
            offer: self.rng.id(),
            will,
            wont,
            capacity,
            note,
        };
        Some((Actor::person(by), action))
    }

    fn withdraw(&mut self) -> Option<Command> {
        let offers: Vec<_> = self
            .state
            .offers
            .iter()
            .filter(|(_, o)| !o.withdrawn && self.state.members.contains_key(&o.by))
            .map(|(id, o)| (*id, o.by))
            .collect();
        let (offer, by) = self.rng.pick(&offers)?;
        Some((Actor::person(by), Action::WithdrawOffer { offer }))
    }

    /// A volunteer from the marketplace for a request that was widened that far.
    fn invite_volunteer(&mut self, now: DateTime<Utc>) -> Option<(Command, Option<Invited>)> {
        let matched: BTreeSet<RequestId> =
            self.state.members.values().filter_map(|m| m.task).collect();
        let open = self.requests_where(|r| {
            r.status == RequestStatus::Open && r.reach == Ring::Cold && r.window.end() > now
        });
        let open: Vec<RequestId> = open.into_iter().filter(|r| !matched.contains(r)).collect();
        let request = self.rng.pick(&open)?;
        Some(self.invite(now, Ring::Cold, Some(request)))
    }

    fn propose_swap(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let claims = self.coming_claims(now);
        let (shift, date, from) = self.rng.pick(&claims)?;
        let asked = self
            .state
            .swaps
            .values()
            .any(|w| w.open && w.shift == shift && w.date == date && w.from == from);
        if asked {
            return None;
        }
        let s = &self.state.shifts[&shift];
        let to = self.rng.pick(
            &self.people(|p, m| s.rings.contains(&m.ring) && !s.claims_on(date).contains(&p)),
        )?;
        let action = Action::ProposeSwap {
            swap: self.rng.id(),
            shift,
            date,
            to,
        };
        Some((Actor::person(from), action))
    }

    fn settle_swap(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let open: Vec<_> = self
            .state
            .swaps
            .iter()
            .filter(|(_, w)| w.open)
            .map(|(id, w)| (*id, w.clone()))
            .collect();
        let (swap, w) = self.rng.pick(&open)?;
        let s = self.state.shifts.get(&w.shift)?;
        let acceptable = self
            .state
            .members
            .get(&w.to)
            .is_some_and(|m| s.rings.contains(&m.ring))
            && s.claims_on(w.date).contains(&w.from)
            && !s.claims_on(w.date).contains(&w.to)
            && s.start_on(w.date, &self.state.time_zone) > now;
        if acceptable && self.rng.happens(0.8) {
            return Some((Actor::person(w.to), Action::AcceptSwap { swap }));
        }
        let by = [w.to, w.from]
            .into_iter()
            .find(|p| self.state.members.contains_key(p))?;
        Some((Actor::person(by), Action::DeclineSwap { swap }))
    }

    fn leave(&mut self) -> Option<Command> {
        if self.state.members.len() <= 4 {
            return None;
        }
        let by = self.rng.pick(&self.people(|_, m| !m.coordinator))?;
        Some((Actor::person(by), Action::Leave))
    }

    fn change_ring(&mut self) -> Option<Command> {
        let person = self
            .rng
            .pick(&self.people(|_, m| !m.coordinator && m.ring != Ring::Cold))?;
        let ring = match self.ring_of(person)? {
            Ring::Warm => Ring::Lukewarm,
            _ => Ring::Warm,
        };
        let by = self.rng.pick(&self.coordinators())?;
        Some((Actor::person(by), Action::ChangeRing { person, ring }))
    }

    fn look(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let (organisation, _) = self.consent?;
        self.state.consent_at(organisation, now)?;
        let what = kring_domain::Looked::ALL[self.rng.below(3)];
        let actor = Actor::intermediary(intermediary(organisation), organisation);
        Some((actor, Action::RecordLook { what }))
    }

    fn skip(&mut self, now: DateTime<Utc>) -> Option<Command> {
        let shifts: Vec<ShiftId> = self.state.shifts.keys().copied().collect();
        let shift = self.rng.pick(&shifts)?;
        let s = &self.state.shifts[&shift];
        let dates: Vec<NaiveDate> = (1..21)
            .map(|d| now.date_naive() + TimeDelta::days(d))
            .filter(|d| s.occurs_on(*d) && s.start_on(*d, &self.state.time_zone) > now)
            .collect();
        let date = self.rng.pick(&dates)?;
        let by = self.rng.pick(&self.coordinators())?;
        Some((Actor::person(by), Action::SkipShiftDate { shift, date }))
    }

    /// Folds the decided events in and turns them into one append.
    pub fn record(
        &mut self,
        actor: Actor,
        events: Vec<CircleEvent>,
        invited: Option<Invited>,
    ) -> Batch {
        let expected = self.version;
        let mut batch = Vec::with_capacity(events.len());
        for event in events {
            if let CircleEvent::RequestDone { request, .. } = &event {
                self.done.push(*request);
            }
            batch.push(NewEvent {
                event_id: self.rng.uuid(),
                event_type: event.name().into(),
                schema_version: schema_version(event.name()) as i32,
                payload: serde_json::to_value(&event).expect("events serialise"),
                metadata: json!({}),
            });
            self.state.apply(event);
        }
        self.version += batch.len() as u64;
        self.invited.extend(invited);
        Batch {
            stream: self.stream.clone(),
            expected,
            events: batch,
            actor,
        }
    }

    /// A member who may see the rota (warm or lukewarm), to look at it as.
    pub fn rota_viewer(&mut self) -> (CircleId, PersonId) {
        let who = self.people(|_, m| m.ring != Ring::Cold);
        (self.id, self.rng.pick(&who).unwrap_or(self.coordinator))
    }
}

// ------------------------------------------------------------------ the writers' histories

pub struct Batch {
    pub stream: String,
    pub expected: u64,
    pub events: Vec<NewEvent>,
    /// Who sent the command (the events' metadata is left empty: see `Batch::with_actor`).
    pub actor: Actor,
}

impl Batch {
    /// The events with their sender in the metadata, as `kring_app::Commands` writes it.
    pub fn with_actor(mut self) -> Batch {
        let metadata =
            kring_store::metadata::of(self.actor.person.0, self.actor.organisation.map(|o| o.0));
        let metadata = serde_json::to_value(metadata).expect("metadata serialises");
        for event in &mut self.events {
            event.metadata = metadata.clone();
        }
        self
    }
}

/// Events per circle: 0.4 to 1.6 times the mean, summing to `events` exactly.
pub fn targets(circles: usize, events: u64) -> Vec<u64> {
    let mut rng = Rng::new(SEED);
    let weights: Vec<f64> = (0..circles).map(|_| 0.4 + 1.2 * rng.unit()).collect();
    let sum: f64 = weights.iter().sum();
    let mut targets: Vec<u64> = weights
        .iter()
        .map(|w| (events as f64 * w / sum).floor() as u64)
        .collect();
    let short = events - targets.iter().sum::<u64>();
    for i in 0..short as usize {
        targets[i % circles] += 1;
    }
    targets
}

/// One writer's circles, each acting at its own times; `next` hands out the
/// earliest command of any of them, so the circles interleave.
pub struct History {
    pub sims: Vec<Sim>,
    queue: BinaryHeap<Reverse<(i64, usize)>>,
    end: DateTime<Utc>,
    /// The simulated time of the last command handed out (or tried).
    pub now: DateTime<Utc>,
    pub refused: usize,
    pub first_refusal: Option<String>,
}

impl History {
    pub fn new(writer: usize, writers: usize, targets: &[u64], end: DateTime<Utc>) -> History {
        let begin = end - TimeDelta::days(SPAN_DAYS);
        let mut sims = vec![];
        let mut queue = BinaryHeap::new();
        for index in (writer..targets.len()).step_by(writers) {
            let mut sim = Sim::new(index, targets[index]);
            // Circles start during the first 70 % of the span and live until its end.
            let offset = (SPAN_DAYS * 86_400) as f64 * 0.7 * sim.rng.unit();
            let start = begin + TimeDelta::seconds(offset as i64);
            queue.push(Reverse((start.timestamp_micros(), sims.len())));
            sims.push(sim);
        }
        History {
            sims,
            queue,
            end,
            now: begin,
            refused: 0,
            first_refusal: None,
        }
    }

    /// Circle `index` of the traffic model alone, created at `begin` and living
    /// until `end` (the growth bench grows one circle over years).
    pub fn one(index: usize, target: u64, begin: DateTime<Utc>, end: DateTime<Utc>) -> History {
        let mut queue = BinaryHeap::new();
        queue.push(Reverse((begin.timestamp_micros(), 0)));
        History {
            sims: vec![Sim::new(index, target)],
            queue,
            end,
            now: begin,
            refused: 0,
            first_refusal: None,
        }
    }

    pub fn next(&mut self) -> Option<Batch> {
        loop {
            let Reverse((micros, i)) = self.queue.pop()?;
            let now = DateTime::from_timestamp_micros(micros).expect("in range");
            self.now = now;
            let sim = &mut self.sims[i];
            let ((actor, action), invited) = sim.next_command(now);
            let shown = format!("{action:?}");
            let batch = match sim.state.decide(CircleCommand { actor, action }, now) {
                // A dashboard look already on the record today: nothing happened.
                Ok(events) if events.is_empty() => None,
                Ok(events) => Some(sim.record(actor, events, invited)),
                Err(e) => {
                    self.refused += 1;
                    self.first_refusal
                        .get_or_insert_with(|| format!("{e}: {shown:.160}"));
                    None
                }
            };
            if sim.remaining() > 0 {
                let next = now + sim.gap(now, self.end);
                self.queue.push(Reverse((next.timestamp_micros(), i)));
            }
            if batch.is_some() {
                return batch;
            }
        }
    }
}
