//! The circle as its events leave it. `apply` only records; every rule lives in `handle`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::circle::events::{CircleEvent, InvitedAs, Recurrence};
use crate::{
    Capacity, Category, CircleId, ConsentScope, EntryId, InvitationId, Minutes, OfferId,
    OrganisationId, PersonId, RequestId, Ring, ShiftId, SwapId, TimeWindow, Visibility,
};

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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub ring: Ring,
    pub coordinator: bool,
    /// The one request a cold-ring volunteer joined for.
    pub task: Option<RequestId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    Open,
    Accepted,
    Revoked,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub ring: Ring,
    pub role: InvitedAs,
    pub task: Option<RequestId>,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub state: InvitationState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Open,
    Taken,
    Confirmed,
    Done,
    Cancelled,
    NoShow,
}

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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub by: PersonId,
    pub will: Vec<Category>,
    pub capacity: Capacity,
    pub withdrawn: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub starts: NaiveDateTime,
    pub duration: Minutes,
    pub recurrence: Recurrence,
    pub helpers_needed: u8,
    pub rings: Vec<Ring>,
    pub skipped: BTreeSet<NaiveDate>,
    pub claims: BTreeMap<NaiveDate, Vec<PersonId>>,
}

impl Shift {
    /// Whether the shift happens on `date` (skipped dates excluded).
    pub fn occurs_on(&self, date: NaiveDate) -> bool {
        let first = self.starts.date();
        let scheduled = match &self.recurrence {
            Recurrence::Once => date == first,
            Recurrence::Weekly { until } => {
                date >= first
                    && date.weekday() == first.weekday()
                    && until.is_none_or(|until| date <= until)
            }
        };
        scheduled && !self.skipped.contains(&date)
    }

    /// The moment the occurrence on `date` starts, in the circle's time zone.
    pub fn start_on(&self, date: NaiveDate, time_zone: &str) -> DateTime<Utc> {
        local_to_utc(date.and_time(self.starts.time()), time_zone)
    }

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swap {
    pub shift: ShiftId,
    pub date: NaiveDate,
    pub from: PersonId,
    pub to: PersonId,
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub author: PersonId,
    pub visibility: Visibility,
    pub redacted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub scope: ConsentScope,
    pub from: DateTime<Utc>,
    pub revoked: bool,
}

impl Consent {
    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.from <= now
    }
}

impl Circle {
    pub fn exists(&self) -> bool {
        self.id.is_some()
    }

    pub fn member(&self, person: PersonId) -> Option<&Member> {
        self.members.get(&person)
    }

    pub fn is_coordinator(&self, person: PersonId) -> bool {
        self.member(person).is_some_and(|m| m.coordinator)
    }

    pub fn is_focus(&self, person: PersonId) -> bool {
        self.focus == Some(person)
    }

    pub fn coordinator_count(&self) -> usize {
        self.members.values().filter(|m| m.coordinator).count()
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

    pub fn apply(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            CircleCreated {
                circle,
                focus,
                coordinator,
                time_zone,
                ..
            } => {
                self.id = Some(circle);
                self.focus = Some(focus);
                self.time_zone = time_zone;
                let warm = |coordinator| Member {
                    ring: Ring::Warm,
                    coordinator,
                    task: None,
                };
                self.members.insert(focus, warm(focus == coordinator));
                self.members.insert(coordinator, warm(true));
            }
            InvitationIssued {
                invitation,
                ring,
                role,
                task,
                token_hash,
                expires_at,
                ..
            } => {
                self.invitations.insert(
                    invitation,
                    Invitation {
                        ring,
                        role,
                        task,
                        token_hash,
                        expires_at,
                        state: InvitationState::Open,
                    },
                );
            }
            InvitationRevoked { invitation, .. } => {
                self.set_invitation(invitation, InvitationState::Revoked)
            }
            MemberJoined {
                invitation,
                person,
                ring,
                coordinator,
                task,
            } => {
                self.set_invitation(invitation, InvitationState::Accepted);
                self.former.remove(&person);
                self.members.insert(
                    person,
                    Member {
                        ring,
                        coordinator,
                        task,
                    },
                );
            }
            MemberRingChanged { person, ring, .. } => {
                if let Some(m) = self.members.get_mut(&person) {
                    m.ring = ring;
                }
            }
            CoordinatorAppointed { person, .. } => self.set_coordinator(person, true),
            CoordinatorStepped { person, .. } => self.set_coordinator(person, false),
            MemberLeft { person, at } | MemberRemoved { person, at, .. } => {
                self.members.remove(&person);
                self.former.insert(person);
                self.free_commitments(person, at);
            }
            HelpRequested {
                request,
                category,
                window,
                duration,
                asked_by,
                ..
            } => {
                self.requests.insert(
                    request,
                    Request {
                        category,
                        window,
                        duration,
                        reach: Ring::Warm,
                        asked_by,
                        status: RequestStatus::Open,
                        taker: None,
                    },
                );
            }
            RequestPlaceNoted { .. } => {}
            RequestWidened { request, to, .. } => {
                if let Some(r) = self.requests.get_mut(&request) {
                    r.reach = to;
                }
            }
            RequestTaken { request, by } => {
                if let Some(r) = self.requests.get_mut(&request) {
                    r.status = RequestStatus::Taken;
                    r.taker = Some(by);
                }
            }
            RequestConfirmed { request, .. } => self.set_request(request, RequestStatus::Confirmed),
            RequestDone { request, .. } => self.set_request(request, RequestStatus::Done),
            RequestCancelled { request, .. } => self.set_request(request, RequestStatus::Cancelled),
            NoShowRecorded { request, .. } => self.set_request(request, RequestStatus::NoShow),
            ThanksGiven { .. } => {}
            OfferMade {
                offer,
                by,
                will,
                capacity,
                ..
            } => {
                self.offers.insert(
                    offer,
                    Offer {
                        by,
                        will,
                        capacity,
                        withdrawn: false,
                    },
                );
            }
            OfferWithdrawn { offer, .. } => {
                if let Some(o) = self.offers.get_mut(&offer) {
                    o.withdrawn = true;
                }
            }
            ShiftScheduled {
                shift,
                starts,
                duration,
                recurrence,
                helpers_needed,
                rings,
                ..
            } => {
                self.shifts.insert(
                    shift,
                    Shift {
                        starts,
                        duration,
                        recurrence,
                        helpers_needed,
                        rings,
                        skipped: BTreeSet::new(),
                        claims: BTreeMap::new(),
                    },
                );
            }
            ShiftDateSkipped { shift, date, .. } => {
                if let Some(s) = self.shifts.get_mut(&shift) {
                    s.skipped.insert(date);
                    s.claims.remove(&date);
                }
            }
            ShiftClaimed { shift, date, by } => {
                if let Some(s) = self.shifts.get_mut(&shift) {
                    s.claims.entry(date).or_default().push(by);
                }
            }
            ShiftReleased {
                shift, date, by, ..
            } => self.unclaim(shift, date, by),
            SwapProposed {
                swap,
                shift,
                date,
                from,
                to,
            } => {
                self.swaps.insert(
                    swap,
                    Swap {
                        shift,
                        date,
                        from,
                        to,
                        open: true,
                    },
                );
            }
            SwapAccepted { swap, .. } => {
                let Some(s) = self.swaps.get_mut(&swap) else {
                    return;
                };
                s.open = false;
                let (shift, date, from, to) = (s.shift, s.date, s.from, s.to);
                self.unclaim(shift, date, from);
                if let Some(shift) = self.shifts.get_mut(&shift) {
                    shift.claims.entry(date).or_default().push(to);
                }
            }
            SwapDeclined { swap, .. } => {
                if let Some(s) = self.swaps.get_mut(&swap) {
                    s.open = false;
                }
            }
            LogbookEntryWritten {
                entry,
                author,
                visibility,
                ..
            } => {
                self.entries.insert(
                    entry,
                    Entry {
                        author,
                        visibility,
                        redacted: false,
                    },
                );
            }
            LogbookEntryRedacted { entry, .. } => {
                if let Some(e) = self.entries.get_mut(&entry) {
                    e.redacted = true;
                }
            }
            ConsentGranted {
                organisation,
                scope,
                from,
                ..
            } => {
                self.consents.insert(
                    organisation,
                    Consent {
                        scope,
                        from,
                        revoked: false,
                    },
                );
            }
            ConsentRevoked { organisation, .. } => {
                if let Some(c) = self.consents.get_mut(&organisation) {
                    c.revoked = true;
                }
            }
            IntermediaryLooked { .. } => {}
        }
    }

    /// Someone who is gone cannot come: their shifts from `at` on open up again
    /// (past ones stay, as history), their open swaps close, and requests they
    /// had taken but not done are open again.
    fn free_commitments(&mut self, person: PersonId, at: DateTime<Utc>) {
        for shift in self.shifts.values_mut() {
            let coming: Vec<NaiveDate> = shift
                .claims
                .keys()
                .filter(|date| shift.start_on(**date, &self.time_zone) >= at)
                .copied()
                .collect();
            for date in coming {
                if let Some(claims) = shift.claims.get_mut(&date) {
                    claims.retain(|p| *p != person);
                    if claims.is_empty() {
                        shift.claims.remove(&date);
                    }
                }
            }
        }
        for swap in self.swaps.values_mut() {
            if swap.from == person || swap.to == person {
                swap.open = false;
            }
        }
        for request in self.requests.values_mut() {
            let running = matches!(
                request.status,
                RequestStatus::Taken | RequestStatus::Confirmed
            );
            if running && request.taker == Some(person) {
                request.status = RequestStatus::Open;
                request.taker = None;
            }
        }
    }

    fn set_invitation(&mut self, invitation: InvitationId, state: InvitationState) {
        if let Some(i) = self.invitations.get_mut(&invitation) {
            i.state = state;
        }
    }

    fn set_coordinator(&mut self, person: PersonId, coordinator: bool) {
        if let Some(m) = self.members.get_mut(&person) {
            m.coordinator = coordinator;
        }
    }

    fn set_request(&mut self, request: RequestId, status: RequestStatus) {
        if let Some(r) = self.requests.get_mut(&request) {
            r.status = status;
        }
    }

    fn unclaim(&mut self, shift: ShiftId, date: NaiveDate, person: PersonId) {
        if let Some(s) = self.shifts.get_mut(&shift) {
            if let Some(claims) = s.claims.get_mut(&date) {
                claims.retain(|p| *p != person);
                if claims.is_empty() {
                    s.claims.remove(&date);
                }
            }
        }
    }
}
