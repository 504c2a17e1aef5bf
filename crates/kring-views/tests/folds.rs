//! Every view of a circle from hand-written event histories: the fold
//! (`CircleView::apply`) and each query, for each kind of viewer.
//!
//! The circle lives in Europe/Amsterdam (UTC+1 in November and December 2026).
//! Tuesday 2026-11-24 is in the ISO week of Monday 2026-11-23.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use kring_domain::circle::state::RequestStatus;
use kring_domain::*;
use kring_testkit::world::{
    done, id, joined, local, mins, redacted, sealed, taken, widened, written, CIRCLE, COORD, FOCUS,
    LUKEWARM as LUKE, ORG, SOCIAL_WORKER, STRANGER, VOLUNTEER, WARM,
};
use kring_views::{iso_week_start, CircleView, MemberLoad, Reciprocity};
use uuid::Uuid;

const LUKE2: PersonId = PersonId(Uuid::from_u128(7));
const LUKE3: PersonId = PersonId(Uuid::from_u128(8));
const LUKE4: PersonId = PersonId(Uuid::from_u128(9));
const LUKE5: PersonId = PersonId(Uuid::from_u128(10));
const LUKE6: PersonId = PersonId(Uuid::from_u128(11));
const WARM2: PersonId = PersonId(Uuid::from_u128(12));
const SIGNALS_ORG: OrganisationId = OrganisationId(Uuid::from_u128(200));
const ANALYST: PersonId = PersonId(Uuid::from_u128(201));

// ------------------------------------------------------------------ fixture

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Monday 2026-11-02 09:00 UTC: the circle is created.
fn t0() -> DateTime<Utc> {
    utc(2026, 11, 2, 9, 0)
}

/// Tuesday 2026-11-24 10:00 UTC (11:00 in Amsterdam).
fn tuesday() -> DateTime<Utc> {
    utc(2026, 11, 24, 10, 0)
}

fn window(start: DateTime<Utc>, hours: i64) -> TimeWindow {
    TimeWindow::new(start, start + Duration::hours(hours)).unwrap()
}

/// A hand-written history: `(version, recorded at, event)`, versions from 1.
#[derive(Clone)]
struct History {
    events: Vec<(u64, DateTime<Utc>, CircleEvent)>,
    clock: DateTime<Utc>,
}

impl History {
    /// FOCUS's circle, created by COORD at `t0()`, with WARM in the warm ring
    /// and LUKE in the lukewarm ring.
    fn new() -> History {
        let mut h = History {
            events: vec![],
            clock: t0(),
        };
        h.push(CircleEvent::CircleCreated {
            circle: CIRCLE,
            focus: FOCUS,
            focus_name: sealed(FOCUS, "Mam"),
            coordinator: COORD,
            time_zone: "Europe/Amsterdam".into(),
            at: t0(),
        });
        h.push(joined(WARM, Ring::Warm));
        h.push(joined(LUKE, Ring::Lukewarm));
        h
    }

    /// Appends `event`, recorded a minute after the previous one.
    fn push(&mut self, event: CircleEvent) -> &mut History {
        self.clock += Duration::minutes(1);
        let at = self.clock;
        self.push_at(at, event)
    }

    /// Appends `event` recorded at `at` (the clock moves on from there).
    fn push_at(&mut self, at: DateTime<Utc>, event: CircleEvent) -> &mut History {
        self.clock = at;
        let version = self.events.len() as u64 + 1;
        self.events.push((version, at, event));
        self
    }

    /// `person` leaves a minute after the previous event (or at `at`).
    fn leave(&mut self, person: PersonId) -> &mut History {
        let at = self.clock + Duration::minutes(1);
        self.leave_at(person, at)
    }

    fn leave_at(&mut self, person: PersonId, at: DateTime<Utc>) -> &mut History {
        self.push_at(at, CircleEvent::MemberLeft { person, at })
    }

    fn version(&self) -> u64 {
        self.events.len() as u64
    }

    fn fold(&self) -> CircleView {
        fold(&self.events)
    }
}

fn fold(events: &[(u64, DateTime<Utc>, CircleEvent)]) -> CircleView {
    let mut view = CircleView::default();
    for (version, at, event) in events {
        view.apply(*version, *at, event);
    }
    view
}

fn member(view: &CircleView, person: PersonId, now: DateTime<Utc>) -> Viewer {
    view.viewer(Actor::person(person), now)
}

fn social_worker(view: &CircleView, now: DateTime<Utc>) -> Viewer {
    view.viewer(Actor::intermediary(SOCIAL_WORKER, ORG), now)
}

fn analyst(view: &CircleView, now: DateTime<Utc>) -> Viewer {
    view.viewer(Actor::intermediary(ANALYST, SIGNALS_ORG), now)
}

fn requested(
    request: RequestId,
    category: Category,
    asked_by: PersonId,
    window: TimeWindow,
    minutes: u16,
) -> CircleEvent {
    CircleEvent::HelpRequested {
        request,
        category,
        window,
        duration: mins(minutes),
        details: sealed(asked_by, "wat er nodig is"),
        asked_by,
        on_behalf_of_focus: false,
    }
}

fn requested_for_focus(
    request: RequestId,
    category: Category,
    asked_by: PersonId,
    window: TimeWindow,
    minutes: u16,
) -> CircleEvent {
    CircleEvent::HelpRequested {
        request,
        category,
        window,
        duration: mins(minutes),
        details: sealed(asked_by, "voor mam"),
        asked_by,
        on_behalf_of_focus: true,
    }
}

fn place_noted(request: RequestId, by: PersonId) -> CircleEvent {
    CircleEvent::RequestPlaceNoted {
        request,
        place: sealed(by, "Dorpsstraat 1"),
    }
}

fn cancelled(request: RequestId) -> CircleEvent {
    CircleEvent::RequestCancelled { request, by: COORD }
}

fn offered(offer: OfferId, by: PersonId, will: &[Category], capacity: Capacity) -> CircleEvent {
    CircleEvent::OfferMade {
        offer,
        by,
        will: will.to_vec(),
        wont: vec![],
        capacity,
        note: None,
    }
}

fn withdrawn(offer: OfferId, by: PersonId) -> CircleEvent {
    CircleEvent::OfferWithdrawn { offer, by }
}

fn scheduled(
    shift: ShiftId,
    starts: NaiveDateTime,
    minutes: u16,
    recurrence: Recurrence,
    helpers_needed: u8,
    rings: &[Ring],
) -> CircleEvent {
    CircleEvent::ShiftScheduled {
        shift,
        title: sealed(COORD, &format!("dienst {}", shift.0.as_u128())),
        starts,
        duration: mins(minutes),
        recurrence,
        helpers_needed,
        rings: rings.to_vec(),
        by: COORD,
    }
}

fn weekly() -> Recurrence {
    Recurrence::Weekly { until: None }
}

fn claimed(shift: ShiftId, date: NaiveDate, by: PersonId) -> CircleEvent {
    CircleEvent::ShiftClaimed { shift, date, by }
}

fn released(shift: ShiftId, date: NaiveDate, by: PersonId) -> CircleEvent {
    CircleEvent::ShiftReleased {
        shift,
        date,
        by,
        reason: sealed(by, "ziek"),
    }
}

fn thanked(thanks_for: ThanksFor, from: PersonId, to: PersonId) -> CircleEvent {
    CircleEvent::ThanksGiven {
        thanks_for,
        from,
        to,
        note: None,
    }
}

fn consent(organisation: OrganisationId, scope: ConsentScope, from: DateTime<Utc>) -> CircleEvent {
    CircleEvent::ConsentGranted {
        organisation,
        scope,
        from,
        by: COORD,
    }
}

fn entry_ids(entries: &[&kring_views::EntryView]) -> Vec<EntryId> {
    entries.iter().map(|e| e.entry).collect()
}

fn request_ids(requests: &[&kring_views::RequestView]) -> Vec<RequestId> {
    requests.iter().map(|r| r.request).collect()
}

// ------------------------------------------------------------------ logbook

const E1: EntryId = EntryId(Uuid::from_u128(41));
const E2: EntryId = EntryId(Uuid::from_u128(42));
const E3: EntryId = EntryId(Uuid::from_u128(43));
const E4: EntryId = EntryId(Uuid::from_u128(44));
const E5: EntryId = EntryId(Uuid::from_u128(45));
const R_TASK: RequestId = RequestId(Uuid::from_u128(60));

/// E1 warm only (by the focus person), E2 warm and lukewarm (COORD), E3 the
/// whole circle (LUKE), E4 warm only (COORD, redacted), E5 the whole circle
/// (WARM, redacted). A volunteer joined for one task; ORG has full consent,
/// SIGNALS_ORG only signals.
fn logbook_history() -> History {
    let mut h = History::new();
    h.push(requested(
        R_TASK,
        Category::Walk,
        COORD,
        window(tuesday() + Duration::days(2), 3),
        60,
    ))
    .push(widened(R_TASK, Ring::Cold))
    .push(CircleEvent::MemberJoined {
        invitation: id(900),
        person: VOLUNTEER,
        ring: Ring::Cold,
        coordinator: false,
        task: Some(R_TASK),
    })
    .push(consent(ORG, ConsentScope::Full, t0()))
    .push(consent(SIGNALS_ORG, ConsentScope::Signals, t0()))
    .push(written(E1, FOCUS, Visibility::WarmOnly))
    .push(written(E2, COORD, Visibility::WarmAndLukewarm))
    .push(written(E3, LUKE, Visibility::WholeCircle))
    .push(written(E4, COORD, Visibility::WarmOnly))
    .push(written(E5, WARM, Visibility::WholeCircle))
    .push(redacted(E4, COORD))
    .push(redacted(E5, WARM))
    .push(thanked(ThanksFor::Entry(E3), WARM, LUKE));
    h
}

#[test]
fn the_logbook_shows_each_viewer_what_the_entries_rings_allow_newest_first() {
    let h = logbook_history();
    let view = h.fold();
    let now = tuesday();
    let sees = |viewer: Viewer| entry_ids(&view.logbook(&viewer));

    // The warm ring reads everything that is not withdrawn.
    assert_eq!(sees(member(&view, FOCUS, now)), vec![E3, E2, E1]);
    // Lukewarm: warm-and-lukewarm and whole-circle entries.
    assert_eq!(sees(member(&view, LUKE, now)), vec![E3, E2]);
    // A volunteer: whole-circle entries only.
    assert_eq!(sees(member(&view, VOLUNTEER, now)), vec![E3]);
    // Full consent: what is shared beyond the warm ring. Signals: nothing.
    assert_eq!(sees(social_worker(&view, now)), vec![E3, E2]);
    assert_eq!(sees(analyst(&view, now)), Vec::<EntryId>::new());
    assert_eq!(sees(member(&view, STRANGER, now)), Vec::<EntryId>::new());

    // A redacted entry stays for its author only: not even a coordinator sees
    // someone else's, nor the whole circle a whole-circle one.
    let coord = view.logbook(&member(&view, COORD, now));
    assert_eq!(entry_ids(&coord), vec![E4, E3, E2, E1]);
    assert!(coord[0].redacted && !coord[1].redacted);
    let warm = view.logbook(&member(&view, WARM, now));
    assert_eq!(entry_ids(&warm), vec![E5, E3, E2, E1]);
    assert!(warm[0].redacted);

    // Thanks for an entry are counted for those who may know of them: the
    // author and the coordinators, not every reader; the last entry's time is kept.
    assert_eq!(view.entry_thanks(E3, &member(&view, LUKE, now)), 1);
    assert_eq!(view.entry_thanks(E3, &member(&view, COORD, now)), 1);
    assert_eq!(view.entry_thanks(E3, &member(&view, VOLUNTEER, now)), 0);
    assert_eq!(view.entry_thanks(E3, &social_worker(&view, now)), 0);
    let e3 = view.entries.iter().find(|e| e.entry == E3).unwrap();
    assert_eq!(e3.author, LUKE);
    let e5_written = h
        .events
        .iter()
        .find(
            |(_, _, e)| matches!(e, CircleEvent::LogbookEntryWritten { entry, .. } if *entry == E5),
        )
        .unwrap()
        .1;
    assert_eq!(view.last_entry_at, Some(e5_written));
    assert_eq!(view.version, h.version());
}

#[test]
fn a_redaction_hides_the_entry_at_once_from_everyone_who_read_it() {
    let mut h = History::new();
    h.push(written(E1, WARM, Visibility::WholeCircle));
    let before = h.fold();
    let now = tuesday();
    assert_eq!(
        entry_ids(&before.logbook(&member(&before, LUKE, now))),
        vec![E1]
    );
    assert_eq!(
        entry_ids(&before.logbook(&member(&before, COORD, now))),
        vec![E1]
    );

    h.push(redacted(E1, WARM));
    let after = h.fold();
    for reader in [LUKE, COORD, FOCUS] {
        assert!(
            after.logbook(&member(&after, reader, now)).is_empty(),
            "{reader} still sees a redacted entry"
        );
    }
    assert_eq!(
        entry_ids(&after.logbook(&member(&after, WARM, now))),
        vec![E1]
    );
}

#[test]
fn a_member_moved_to_another_ring_reads_accordingly_at_once() {
    let mut h = logbook_history();
    let now = tuesday();
    h.push(CircleEvent::MemberRingChanged {
        person: LUKE,
        ring: Ring::Warm,
        by: COORD,
    });
    let view = h.fold();
    // Old warm-only entries too: the audience is worked out as the circle is now.
    assert_eq!(
        entry_ids(&view.logbook(&member(&view, LUKE, now))),
        vec![E3, E2, E1]
    );

    h.push(CircleEvent::MemberRingChanged {
        person: WARM,
        ring: Ring::Lukewarm,
        by: COORD,
    });
    let view = h.fold();
    // WARM loses the focus person's warm-only entry but keeps their own (redacted) one.
    assert_eq!(
        entry_ids(&view.logbook(&member(&view, WARM, now))),
        vec![E5, E3, E2]
    );

    // Whoever leaves reads nothing any more, not even what they wrote.
    h.leave(LUKE);
    let view = h.fold();
    assert_eq!(member(&view, LUKE, now), Viewer::Outsider);
    assert!(view.logbook(&member(&view, LUKE, now)).is_empty());
}

// ------------------------------------------------------------------ requests

const R1: RequestId = RequestId(Uuid::from_u128(61));
const R2: RequestId = RequestId(Uuid::from_u128(62));
const R3: RequestId = RequestId(Uuid::from_u128(63));
const R4: RequestId = RequestId(Uuid::from_u128(64));
const R5: RequestId = RequestId(Uuid::from_u128(65));
const R6: RequestId = RequestId(Uuid::from_u128(66));
const R7: RequestId = RequestId(Uuid::from_u128(67));

/// R1 groceries (WARM asks, warm ring, COORD took it, with a place); R2 transport
/// (COORD asks, widened to lukewarm, open, with a place); R3 a walk for the focus
/// person widened to the marketplace with a volunteer; R4 cancelled; R5 a visit
/// widened to lukewarm, taken by LUKE and confirmed; R6 done; R7 a no-show.
fn requests_history() -> History {
    let now = tuesday();
    let mut h = History::new();
    h.push(CircleEvent::MemberJoined {
        invitation: id(901),
        person: WARM2,
        ring: Ring::Warm,
        coordinator: true,
        task: None,
    })
    .push(consent(ORG, ConsentScope::Full, t0()))
    .push(requested(
        R1,
        Category::Groceries,
        WARM,
        window(now + Duration::hours(24), 24),
        60,
    ))
    .push(place_noted(R1, WARM))
    .push(taken(R1, COORD))
    .push(requested(
        R2,
        Category::Transport,
        COORD,
        window(now + Duration::hours(2), 3),
        90,
    ))
    .push(place_noted(R2, COORD))
    .push(widened(R2, Ring::Lukewarm))
    .push(requested_for_focus(
        R3,
        Category::Walk,
        COORD,
        window(now + Duration::hours(72), 3),
        60,
    ))
    .push(widened(R3, Ring::Cold))
    .push(CircleEvent::MemberJoined {
        invitation: id(900),
        person: VOLUNTEER,
        ring: Ring::Cold,
        coordinator: false,
        task: Some(R3),
    })
    .push(requested(
        R4,
        Category::Chores,
        WARM,
        window(now + Duration::hours(5), 2),
        60,
    ))
    .push(cancelled(R4))
    .push(requested(
        R5,
        Category::Visit,
        WARM,
        window(now + Duration::hours(10), 2),
        60,
    ))
    .push(widened(R5, Ring::Lukewarm))
    .push(taken(R5, LUKE))
    .push(CircleEvent::RequestConfirmed {
        request: R5,
        by: WARM,
    })
    .push(requested(
        R6,
        Category::Groceries,
        WARM,
        window(now + Duration::hours(1), 2),
        30,
    ))
    .push(taken(R6, COORD))
    .push(done(R6, COORD))
    .push(requested(
        R7,
        Category::Paperwork,
        FOCUS,
        window(now + Duration::hours(3), 2),
        30,
    ))
    .push(taken(R7, WARM))
    .push(CircleEvent::NoShowRecorded {
        request: R7,
        helper: WARM,
        by: FOCUS,
    });
    h
}

#[test]
fn open_requests_show_who_took_what_to_those_the_request_is_open_to() {
    let view = requests_history().fold();
    let now = tuesday();
    let sees = |viewer: Viewer| request_ids(&view.requests(&viewer));

    // Open, taken and confirmed requests, soonest first; cancelled, done and
    // no-show ones are gone.
    for warm in [FOCUS, COORD, WARM, WARM2] {
        assert_eq!(sees(member(&view, warm, now)), vec![R2, R5, R1, R3]);
    }
    // Lukewarm: what was widened to them (or farther); not the warm-only R1.
    assert_eq!(sees(member(&view, LUKE, now)), vec![R2, R5, R3]);
    // The volunteer: their own task only.
    assert_eq!(sees(member(&view, VOLUNTEER, now)), vec![R3]);
    assert_eq!(sees(social_worker(&view, now)), vec![R2, R5, R1, R3]);
    assert_eq!(sees(member(&view, STRANGER, now)), Vec::<RequestId>::new());

    let r = |id: RequestId| &view.requests[&id];
    assert_eq!(
        (r(R1).status, r(R1).taker, r(R1).reach),
        (RequestStatus::Taken, Some(COORD), Ring::Warm)
    );
    assert_eq!(
        (r(R2).status, r(R2).taker, r(R2).reach),
        (RequestStatus::Open, None, Ring::Lukewarm)
    );
    assert_eq!(
        (r(R3).status, r(R3).taker, r(R3).reach),
        (RequestStatus::Open, None, Ring::Cold)
    );
    assert_eq!(
        (r(R5).status, r(R5).taker),
        (RequestStatus::Confirmed, Some(LUKE))
    );
    assert_eq!(r(R6).status, RequestStatus::Done);
    assert_eq!(r(R7).status, RequestStatus::NoShow);
    assert_eq!(r(R4).status, RequestStatus::Cancelled);
    // The help R3 asks for is for the focus person.
    assert_eq!(r(R3).receiver(view.state.focus), FOCUS);
    assert_eq!(r(R1).receiver(view.state.focus), WARM);
}

#[test]
fn the_place_is_only_for_the_asker_the_taker_and_coordinators() {
    let mut h = requests_history();
    let now = tuesday();
    let view = h.fold();
    let place = |view: &CircleView, request, person| {
        view.place(request, &member(view, person, now)).is_some()
    };
    // R1: asked by WARM, taken by COORD.
    assert!(place(&view, R1, WARM));
    assert!(place(&view, R1, COORD));
    assert!(place(&view, R1, WARM2), "every coordinator sees it");
    assert!(!place(&view, R1, FOCUS), "the warm ring as such does not");
    assert!(!place(&view, R1, LUKE));
    assert!(!place(&view, R1, VOLUNTEER));
    assert!(view.place(R1, &social_worker(&view, now)).is_none());
    assert_eq!(
        view.place(R1, &member(&view, WARM, now)),
        Some(&sealed(WARM, "Dorpsstraat 1"))
    );
    // R2 is open to the lukewarm ring: LUKE sees the request but not where.
    assert!(view
        .requests(&member(&view, LUKE, now))
        .iter()
        .any(|r| r.request == R2));
    assert!(!place(&view, R2, LUKE));
    // No place noted: nothing to show, even to coordinators.
    assert!(!place(&view, R5, COORD));

    // Once LUKE takes R2, LUKE sees the place.
    h.push(taken(R2, LUKE));
    let view = h.fold();
    assert!(place(&view, R2, LUKE));
    assert!(!place(&view, R2, WARM));
    assert_eq!(view.requests[&R2].taker, Some(LUKE));
}

// ------------------------------------------------------------------ rota

const S1: ShiftId = ShiftId(Uuid::from_u128(71));
const S2: ShiftId = ShiftId(Uuid::from_u128(72));
const S3: ShiftId = ShiftId(Uuid::from_u128(73));
const S4: ShiftId = ShiftId(Uuid::from_u128(74));
const S5: ShiftId = ShiftId(Uuid::from_u128(75));

/// S1: every Saturday 10:00 from 2026-11-28, two helpers, warm and lukewarm;
/// 12-05 skipped. S2: once, Wednesday 12-02 14:00, warm. S3: Sundays 18:00
/// from 11-29 up to and including 12-13, lukewarm.
fn rota_history() -> History {
    let mut h = History::new();
    h.push(consent(ORG, ConsentScope::Full, t0()))
        .push(consent(SIGNALS_ORG, ConsentScope::Signals, t0()))
        .push(joined(LUKE2, Ring::Lukewarm))
        .push(scheduled(
            S1,
            local(date(2026, 11, 28), 10),
            120,
            weekly(),
            2,
            &[Ring::Warm, Ring::Lukewarm],
        ))
        .push(scheduled(
            S2,
            local(date(2026, 12, 2), 14),
            60,
            Recurrence::Once,
            1,
            &[Ring::Warm],
        ))
        .push(scheduled(
            S3,
            local(date(2026, 11, 29), 18),
            90,
            Recurrence::Weekly {
                until: Some(date(2026, 12, 13)),
            },
            1,
            &[Ring::Lukewarm],
        ))
        .push(CircleEvent::ShiftDateSkipped {
            shift: S1,
            date: date(2026, 12, 5),
            by: COORD,
        })
        .push(claimed(S1, date(2026, 11, 28), WARM))
        .push(claimed(S1, date(2026, 11, 28), LUKE))
        .push(claimed(S1, date(2026, 12, 12), WARM))
        .push(claimed(S1, date(2026, 12, 19), COORD))
        .push(claimed(S2, date(2026, 12, 2), COORD))
        .push(claimed(S3, date(2026, 12, 6), LUKE));
    h
}

type SlotSummary = (ShiftId, NaiveDate, DateTime<Utc>, Vec<PersonId>, u8);

fn summary(slots: &[kring_views::Slot]) -> Vec<SlotSummary> {
    slots
        .iter()
        .map(|s| {
            (
                s.shift,
                s.date,
                s.starts_at,
                s.claimed_by.clone(),
                s.open_places(),
            )
        })
        .collect()
}

#[test]
fn the_rota_expands_weekly_shifts_over_several_weeks_without_skipped_dates() {
    let mut h = rota_history();
    let now = tuesday();
    let view = h.fold();
    let from = date(2026, 11, 23);
    let rota = view.rota(&member(&view, COORD, now), from, 28);
    assert_eq!(
        summary(&rota),
        vec![
            (
                S1,
                date(2026, 11, 28),
                utc(2026, 11, 28, 9, 0),
                vec![WARM, LUKE],
                0
            ),
            (S3, date(2026, 11, 29), utc(2026, 11, 29, 17, 0), vec![], 1),
            (
                S2,
                date(2026, 12, 2),
                utc(2026, 12, 2, 13, 0),
                vec![COORD],
                0
            ),
            // 12-05 was skipped.
            (
                S3,
                date(2026, 12, 6),
                utc(2026, 12, 6, 17, 0),
                vec![LUKE],
                0
            ),
            (
                S1,
                date(2026, 12, 12),
                utc(2026, 12, 12, 9, 0),
                vec![WARM],
                1
            ),
            (S3, date(2026, 12, 13), utc(2026, 12, 13, 17, 0), vec![], 1),
            // S3 ended on 12-13: no slot on 12-20.
            (
                S1,
                date(2026, 12, 19),
                utc(2026, 12, 19, 9, 0),
                vec![COORD],
                1
            ),
        ]
    );
    let first = &rota[0];
    assert_eq!(first.title, sealed(COORD, &format!("dienst {}", 71)));
    assert_eq!((first.duration, first.helpers_needed), (mins(120), 2));
    assert_eq!(first.rings, vec![Ring::Warm, Ring::Lukewarm]);

    // A window in the middle.
    let middle = view.rota(&member(&view, LUKE, now), date(2026, 12, 10), 7);
    assert_eq!(
        middle.iter().map(|s| (s.shift, s.date)).collect::<Vec<_>>(),
        vec![(S1, date(2026, 12, 12)), (S3, date(2026, 12, 13))]
    );
    assert!(view
        .rota(&member(&view, COORD, now), date(2026, 12, 5), 1)
        .is_empty());

    // WARM releases 12-12: the place opens; LUKE claims it again.
    h.push(released(S1, date(2026, 12, 12), WARM));
    let view = h.fold();
    let on_12_12 = |view: &CircleView| {
        view.rota(&member(view, COORD, now), date(2026, 12, 12), 1)
            .into_iter()
            .map(|s| (s.claimed_by.clone(), s.open_places()))
            .collect::<Vec<_>>()
    };
    assert_eq!(on_12_12(&view), vec![(vec![], 2)]);
    h.push(claimed(S1, date(2026, 12, 12), LUKE));
    let view = h.fold();
    assert_eq!(on_12_12(&view), vec![(vec![LUKE], 1)]);

    // A swap moves the place from one member to the other.
    h.push(CircleEvent::SwapProposed {
        swap: id(80),
        shift: S1,
        date: date(2026, 11, 28),
        from: LUKE,
        to: LUKE2,
    })
    .push(CircleEvent::SwapAccepted {
        swap: id(80),
        by: LUKE2,
    });
    let view = h.fold();
    let rota = view.rota(&member(&view, COORD, now), date(2026, 11, 28), 1);
    assert_eq!(rota[0].claimed_by, vec![WARM, LUKE2]);
}

#[test]
fn the_rota_is_for_the_warm_and_lukewarm_rings_and_full_consent() {
    let view = rota_history().fold();
    let now = tuesday();
    let from = date(2026, 11, 23);
    let everything = view.rota(&member(&view, COORD, now), from, 28);
    assert_eq!(everything.len(), 7);
    for viewer in [
        member(&view, FOCUS, now),
        member(&view, WARM, now),
        member(&view, LUKE, now),
        social_worker(&view, now),
    ] {
        assert_eq!(view.rota(&viewer, from, 28), everything, "{viewer:?}");
    }
    assert!(view.rota(&analyst(&view, now), from, 28).is_empty());
    assert!(view
        .rota(&member(&view, STRANGER, now), from, 28)
        .is_empty());
    // An empty rota is empty for everyone.
    let empty = History::new().fold();
    assert!(empty.rota(&member(&empty, COORD, now), from, 28).is_empty());
}

// ------------------------------------------------------------------ load

const O1: OfferId = OfferId(Uuid::from_u128(81));
const O2: OfferId = OfferId(Uuid::from_u128(82));
const O3: OfferId = OfferId(Uuid::from_u128(83));
const O4: OfferId = OfferId(Uuid::from_u128(84));
const O5: OfferId = OfferId(Uuid::from_u128(85));
const O6: OfferId = OfferId(Uuid::from_u128(86));
const O7: OfferId = OfferId(Uuid::from_u128(87));
const RA: RequestId = RequestId(Uuid::from_u128(91));
const RB: RequestId = RequestId(Uuid::from_u128(92));
const RC: RequestId = RequestId(Uuid::from_u128(93));
const RD: RequestId = RequestId(Uuid::from_u128(94));
const RE: RequestId = RequestId(Uuid::from_u128(95));

/// Week of 11-23: WARM 120 (S1 Saturday), 60 (S4 Sunday night) and 90 (RA),
/// 270 minutes against 2 and 1 hours declared: over. LUKE 120 (S1), 60 (RC)
/// and 60 (RD), 240 against 4 hours: exactly full, not over. Week of 11-30:
/// WARM 60 (S5 Monday), LUKE 120 (S1 12-05). LUKE2 served S1 on 11-28, had
/// claimed 12-05 too, and left on Sunday 11-29.
fn load_history() -> History {
    let mut h = History::new();
    let thursday = utc(2026, 11, 26, 10, 0);
    h.push(joined(LUKE2, Ring::Lukewarm))
        .push(consent(ORG, ConsentScope::Full, t0()))
        .push(offered(
            O1,
            WARM,
            &[Category::Groceries],
            Capacity::HoursPerWeek(2),
        ))
        .push(offered(
            O2,
            WARM,
            &[Category::Visit],
            Capacity::HoursPerWeek(1),
        ))
        .push(offered(
            O3,
            LUKE,
            &[Category::Chores],
            Capacity::HoursPerWeek(4),
        ))
        .push(offered(
            O4,
            LUKE,
            &[Category::Walk],
            Capacity::HoursPerWeek(10),
        ))
        .push(withdrawn(O4, LUKE))
        .push(offered(
            O5,
            COORD,
            &[Category::Transport],
            Capacity::TasksPerMonth(5),
        ))
        .push(offered(
            O6,
            LUKE2,
            &[Category::Walk],
            Capacity::HoursPerWeek(1),
        ))
        .push(scheduled(
            S1,
            local(date(2026, 11, 28), 10),
            120,
            weekly(),
            3,
            &[Ring::Warm, Ring::Lukewarm],
        ))
        // Sunday 22:00 in Amsterdam: still the week of 11-23.
        .push(scheduled(
            S4,
            local(date(2026, 11, 29), 22),
            60,
            Recurrence::Once,
            1,
            &[Ring::Warm],
        ))
        // Monday 09:00: the next week.
        .push(scheduled(
            S5,
            local(date(2026, 11, 30), 9),
            60,
            Recurrence::Once,
            1,
            &[Ring::Warm],
        ))
        .push(claimed(S1, date(2026, 11, 28), WARM))
        .push(claimed(S1, date(2026, 11, 28), LUKE))
        .push(claimed(S4, date(2026, 11, 29), WARM))
        .push(claimed(S5, date(2026, 11, 30), WARM))
        .push(claimed(S1, date(2026, 12, 5), LUKE))
        .push(claimed(S1, date(2026, 12, 5), LUKE2))
        .push(requested(
            RA,
            Category::Groceries,
            COORD,
            window(thursday, 4),
            90,
        ))
        .push(taken(RA, WARM))
        // Taken and cancelled: no longer counts.
        .push(requested(
            RB,
            Category::Visit,
            COORD,
            window(thursday, 4),
            45,
        ))
        .push(taken(RB, WARM))
        .push(cancelled(RB))
        // Done counts; so does a confirmed one.
        .push(requested(
            RC,
            Category::Chores,
            COORD,
            window(thursday, 4),
            60,
        ))
        .push(widened(RC, Ring::Lukewarm))
        .push(taken(RC, LUKE))
        .push(done(RC, LUKE))
        .push(requested(
            RD,
            Category::Chores,
            WARM,
            window(thursday, 4),
            60,
        ))
        .push(widened(RD, Ring::Lukewarm))
        .push(taken(RD, LUKE))
        .push(CircleEvent::RequestConfirmed {
            request: RD,
            by: WARM,
        })
        // Open: nobody committed to it.
        .push(requested(
            RE,
            Category::Chores,
            WARM,
            window(thursday, 4),
            60,
        ))
        .push(claimed(S1, date(2026, 11, 28), LUKE2))
        // Leaving on Sunday: the Saturday served stays, next Saturday opens up.
        .leave_at(LUKE2, utc(2026, 11, 29, 12, 0));
    h
}

fn load_row(
    person: PersonId,
    week: NaiveDate,
    minutes: u32,
    hours: Option<u32>,
    over: bool,
) -> MemberLoad {
    MemberLoad {
        person,
        week,
        committed_minutes: minutes,
        capacity_hours: hours,
        over_capacity: over,
    }
}

#[test]
fn load_is_per_member_per_iso_week_against_the_hours_they_declared() {
    let view = load_history().fold();
    let now = tuesday();
    let week = iso_week_start(now.date_naive());
    assert_eq!(week, date(2026, 11, 23));
    assert_eq!(
        iso_week_start(date(2026, 11, 29)),
        week,
        "Sunday ends the ISO week"
    );
    assert_eq!(iso_week_start(date(2026, 11, 30)), date(2026, 11, 30));

    let coordinator = member(&view, COORD, now);
    assert_eq!(
        view.load(&coordinator, week),
        vec![
            load_row(FOCUS, week, 0, None, false),
            // Tasks a month are no hours a week.
            load_row(COORD, week, 0, None, false),
            load_row(WARM, week, 270, Some(3), true),
            // Exactly at capacity is not over it; the withdrawn offer does not count.
            load_row(LUKE, week, 240, Some(4), false),
        ]
    );
    let next = date(2026, 11, 30);
    assert_eq!(
        view.load(&coordinator, next),
        vec![
            load_row(FOCUS, next, 0, None, false),
            load_row(COORD, next, 0, None, false),
            load_row(WARM, next, 60, Some(3), false),
            load_row(LUKE, next, 120, Some(4), false),
        ]
    );
    // The Saturday LUKE2 served before leaving stays in the figures, but the load
    // shows current members only; the claim after leaving was freed.
    assert_eq!(view.committed_minutes(week).get(&LUKE2), Some(&120));
    assert_eq!(view.committed_minutes(next).get(&LUKE2), None);
    for week in [week, next] {
        assert!(view
            .load(&coordinator, week)
            .iter()
            .all(|row| row.person != LUKE2));
    }
}

#[test]
fn load_is_private_a_member_sees_their_own_and_coordinators_everyones() {
    let view = load_history().fold();
    let now = tuesday();
    let week = date(2026, 11, 23);
    assert_eq!(
        view.load(&member(&view, WARM, now), week),
        vec![load_row(WARM, week, 270, Some(3), true)]
    );
    assert_eq!(
        view.load(&member(&view, LUKE, now), week),
        vec![load_row(LUKE, week, 240, Some(4), false)]
    );
    assert_eq!(view.load(&member(&view, FOCUS, now), week).len(), 1);
    assert_eq!(view.load(&member(&view, COORD, now), week).len(), 4);
    assert!(view.load(&social_worker(&view, now), week).is_empty());
    assert!(view.load(&member(&view, STRANGER, now), week).is_empty());
    assert!(view.load(&member(&view, LUKE2, now), week).is_empty());
    // And health counts who is over.
    assert_eq!(view.health(now).members_over_capacity, 1);
}

// ------------------------------------------------------------------ reciprocity

/// Up to Tuesday 12-01 12:00: LUKE did RA for WARM; WARM did RB for the focus
/// person; RC was cancelled; WARM and LUKE served S1 on 11-28 (COORD is down for
/// 12-05, still ahead); the focus person has one standing offer (a second was
/// withdrawn). LUKE2 did RD and left.
fn reciprocity_history() -> History {
    let mut h = History::new();
    let day = utc(2026, 11, 26, 10, 0);
    h.push(joined(LUKE2, Ring::Lukewarm))
        .push(consent(ORG, ConsentScope::Full, t0()))
        .push(requested(RA, Category::Groceries, WARM, window(day, 4), 60))
        .push(widened(RA, Ring::Lukewarm))
        .push(taken(RA, LUKE))
        .push(done(RA, LUKE))
        .push(requested_for_focus(
            RB,
            Category::Visit,
            COORD,
            window(day, 4),
            60,
        ))
        .push(taken(RB, WARM))
        .push(done(RB, WARM))
        .push(requested(RC, Category::Chores, COORD, window(day, 4), 60))
        .push(widened(RC, Ring::Lukewarm))
        .push(taken(RC, LUKE))
        .push(cancelled(RC))
        .push(requested(RD, Category::Chores, COORD, window(day, 4), 60))
        .push(widened(RD, Ring::Lukewarm))
        .push(taken(RD, LUKE2))
        .push(done(RD, LUKE2))
        .push(scheduled(
            S1,
            local(date(2026, 11, 28), 10),
            120,
            weekly(),
            2,
            &[Ring::Warm, Ring::Lukewarm],
        ))
        .push(claimed(S1, date(2026, 11, 28), WARM))
        .push(claimed(S1, date(2026, 11, 28), LUKE))
        .push(claimed(S1, date(2026, 12, 5), COORD))
        .push(offered(
            O1,
            FOCUS,
            &[Category::Coffee],
            Capacity::TasksPerMonth(2),
        ))
        .push(offered(
            O2,
            FOCUS,
            &[Category::Walk],
            Capacity::TasksPerMonth(1),
        ))
        .push(withdrawn(O2, FOCUS))
        .push(thanked(ThanksFor::Request(RA), WARM, LUKE))
        .push(thanked(
            ThanksFor::Shift(S1, date(2026, 11, 28)),
            FOCUS,
            WARM,
        ))
        .push(thanked(
            ThanksFor::Shift(S1, date(2026, 11, 28)),
            FOCUS,
            LUKE,
        ))
        .push(thanked(ThanksFor::Request(RD), COORD, LUKE2))
        .leave(LUKE2);
    h
}

fn reciprocity_row(
    person: PersonId,
    given: u32,
    received: u32,
    thanks_received: u32,
    thanks_given: u32,
) -> Reciprocity {
    Reciprocity {
        person,
        given,
        received,
        thanks_received,
        thanks_given,
    }
}

#[test]
fn reciprocity_counts_help_given_received_and_thanks() {
    let view = reciprocity_history().fold();
    let now = utc(2026, 12, 1, 12, 0);
    let focus = reciprocity_row(FOCUS, 1, 2, 0, 2);
    // COORD asked for RD (for themself) and thanked LUKE2 for it.
    let coord = reciprocity_row(COORD, 0, 1, 0, 1);
    let warm = reciprocity_row(WARM, 2, 1, 1, 1);
    let luke = reciprocity_row(LUKE, 2, 0, 2, 0);
    assert_eq!(
        view.reciprocity(&member(&view, COORD, now), now),
        // The focus person gives through a standing offer and receives the request
        // done for them and the served shift: a net receiver, shown like anyone.
        // The member who left (LUKE2) is not shown.
        vec![focus.clone(), coord.clone(), warm.clone(), luke.clone()]
    );
    // Once 12-05 has passed, COORD's shift counts as given (and received by the focus person).
    let later = utc(2026, 12, 6, 12, 0);
    let rows = view.reciprocity(&member(&view, COORD, later), later);
    assert_eq!(rows[0], reciprocity_row(FOCUS, 1, 3, 0, 2));
    assert_eq!(rows[1], reciprocity_row(COORD, 1, 1, 0, 1));
}

/// A circle lives for years: a shift served three years after the rota began
/// counts like the first one, and counting costs what was claimed, not every
/// day since (a weekly shift on a 1,100-day rota, here with two claims).
#[test]
fn reciprocity_counts_shifts_served_years_after_the_rota_began() {
    let mut h = History::new();
    h.push(scheduled(
        S1,
        local(date(2026, 11, 28), 10),
        120,
        weekly(),
        2,
        &[Ring::Warm, Ring::Lukewarm],
    ))
    .push(claimed(S1, date(2026, 11, 28), WARM))
    .push(claimed(S1, date(2029, 12, 1), WARM));
    let view = h.fold();
    let now = utc(2029, 12, 2, 12, 0);
    let rows = view.reciprocity(&member(&view, COORD, now), now);
    let warm = rows.iter().find(|r| r.person == WARM).expect("WARM's row");
    assert_eq!(warm.given, 2, "{rows:?}");
    let focus = rows
        .iter()
        .find(|r| r.person == FOCUS)
        .expect("the focus person's row");
    assert_eq!(focus.received, 2, "{rows:?}");
}

#[test]
fn reciprocity_is_private_own_row_for_members_all_for_coordinators() {
    let view = reciprocity_history().fold();
    let now = utc(2026, 12, 1, 12, 0);
    let own = |person| {
        view.reciprocity(&member(&view, person, now), now)
            .into_iter()
            .map(|r| r.person)
            .collect::<Vec<_>>()
    };
    assert_eq!(own(WARM), vec![WARM]);
    assert_eq!(own(LUKE), vec![LUKE]);
    assert_eq!(own(FOCUS), vec![FOCUS]);
    assert_eq!(own(COORD).len(), 4);
    assert_eq!(own(LUKE2), vec![], "who left sees nothing");
    assert_eq!(own(STRANGER), vec![]);
    assert!(view.reciprocity(&social_worker(&view, now), now).is_empty());
}

// ------------------------------------------------------------------ health

#[test]
fn health_counts_open_places_in_the_next_seven_days() {
    let now = tuesday();
    let mut h = History::new();
    h.push(scheduled(
        S1,
        local(date(2026, 11, 28), 10),
        120,
        weekly(),
        2,
        &[Ring::Warm, Ring::Lukewarm],
    ))
    // Started an hour ago: no longer open.
    .push(scheduled(
        S2,
        local(date(2026, 11, 24), 10),
        60,
        Recurrence::Once,
        1,
        &[Ring::Warm],
    ))
    // 09:00 UTC next Tuesday: inside the 7 days.
    .push(scheduled(
        S3,
        local(date(2026, 12, 1), 10),
        60,
        Recurrence::Once,
        3,
        &[Ring::Warm],
    ))
    // 11:00 UTC next Tuesday: just past them.
    .push(scheduled(
        S4,
        local(date(2026, 12, 1), 12),
        60,
        Recurrence::Once,
        4,
        &[Ring::Warm],
    ))
    .push(claimed(S1, date(2026, 11, 28), WARM))
    .push(claimed(S3, date(2026, 12, 1), COORD));
    let view = h.fold();
    // S1 on 11-28: 1 open; S3: 2 open; S1 on 12-05 is more than 7 days away.
    assert_eq!(view.health(now).open_shift_places_next_7_days, 3);
    h.push(claimed(S1, date(2026, 11, 28), LUKE));
    assert_eq!(h.fold().health(now).open_shift_places_next_7_days, 2);
}

#[test]
fn open_places_count_by_the_moment_a_shift_starts_in_any_time_zone() {
    // 01:00 UTC on Tuesday is 20:00 on Monday in New York: a shift at 21:00
    // local tonight starts within the next 7 days although its date is "yesterday" in UTC.
    let now = utc(2026, 11, 24, 1, 0);
    let mut events = vec![(
        1,
        t0(),
        CircleEvent::CircleCreated {
            circle: CIRCLE,
            focus: FOCUS,
            focus_name: sealed(FOCUS, "Mom"),
            coordinator: COORD,
            time_zone: "America/New_York".into(),
            at: t0(),
        },
    )];
    events.push((
        2,
        t0(),
        scheduled(
            S1,
            local(date(2026, 11, 23), 21),
            60,
            Recurrence::Once,
            2,
            &[Ring::Warm],
        ),
    ));
    let view = fold(&events);
    let slot = &view.rota(&member(&view, COORD, now), date(2026, 11, 23), 1)[0];
    assert_eq!(slot.starts_at, utc(2026, 11, 24, 2, 0));
    assert_eq!(view.health(now).open_shift_places_next_7_days, 2);
}

#[test]
fn health_counts_requests_nobody_answered_for_48_hours() {
    let now = tuesday();
    let later = window(now + Duration::days(3), 4);
    let mut h = History::new();
    h.push_at(
        now - Duration::hours(100),
        requested(R4, Category::Chores, WARM, later, 60),
    )
    .push(cancelled(R4))
    .push_at(
        now - Duration::hours(72),
        requested(R3, Category::Chores, WARM, later, 60),
    )
    .push(taken(R3, COORD))
    .push_at(
        now - Duration::hours(50),
        requested(R1, Category::Groceries, WARM, later, 60),
    )
    .push_at(
        now - Duration::hours(47),
        requested(R2, Category::Groceries, WARM, later, 60),
    );
    let view = h.fold();
    assert_eq!(view.health(now).requests_unanswered_48h, 1);
    assert_eq!(
        view.health(now + Duration::hours(1))
            .requests_unanswered_48h,
        2
    );
    let mut h = h.clone();
    h.push(taken(R1, COORD));
    assert_eq!(h.fold().health(now).requests_unanswered_48h, 0);
}

#[test]
fn health_reports_the_logbook_rings_and_the_weeks_minutes() {
    let now = tuesday();
    let bare = History::new().fold();
    let health = bare.health(now);
    assert_eq!(health.days_since_last_entry, None);
    assert_eq!(health.open_shift_places_next_7_days, 0);
    assert!(!health.primary_carer_at_risk);
    assert_eq!(
        health.members_per_ring,
        [(Ring::Warm, 3), (Ring::Lukewarm, 1)].into()
    );
    assert!(!health.only_warm);

    let mut h = History::new();
    h.push(CircleEvent::MemberRemoved {
        person: LUKE,
        by: COORD,
        at: t0() + Duration::hours(1),
    })
    .push_at(
        now - Duration::days(3) - Duration::hours(2),
        written(E1, WARM, Visibility::WarmOnly),
    );
    let health = h.fold().health(now);
    assert_eq!(health.days_since_last_entry, Some(3));
    assert_eq!(health.members_per_ring, [(Ring::Warm, 3)].into());
    assert!(health.only_warm, "only the warm ring carries the circle");

    let view = load_history().fold();
    let health = view.health(now);
    // Week of 11-23: WARM 270 + LUKE 240 + the Saturday LUKE2 served before leaving.
    assert_eq!(health.minutes_this_week, 630);
    assert_eq!(health.minutes_last_week, 0);
    let next_week = view.health(utc(2026, 12, 1, 10, 0));
    assert_eq!(next_week.minutes_last_week, 630);
    // Next week: WARM 60 and LUKE 120; LUKE2's claim was freed when they left.
    assert_eq!(next_week.minutes_this_week, 180);
    assert_eq!(next_week.members_over_capacity, 0);
}

/// Weekly Tuesday shifts from 12-01: S1 at 10:00 for `big` minutes and S2 at
/// 15:00 for `small` minutes, with who served each week (weeks of 11-30, 12-07
/// and 12-14).
fn carer_history(big: u16, small: u16, weeks: [(PersonId, PersonId); 3]) -> History {
    let mut h = History::new();
    h.push(scheduled(
        S1,
        local(date(2026, 12, 1), 10),
        big,
        weekly(),
        1,
        &[Ring::Warm, Ring::Lukewarm],
    ))
    .push(scheduled(
        S2,
        local(date(2026, 12, 1), 15),
        small,
        weekly(),
        1,
        &[Ring::Warm, Ring::Lukewarm],
    ));
    for (week, (on_big, on_small)) in weeks.into_iter().enumerate() {
        let day = date(2026, 12, 1) + Duration::weeks(week as i64);
        h.push(claimed(S1, day, on_big));
        h.push(claimed(S2, day, on_small));
    }
    h
}

#[test]
fn one_member_carrying_over_60_percent_three_weeks_running_is_a_primary_carer_at_risk() {
    // Wednesday 12-16: this week is that of 12-14.
    let now = utc(2026, 12, 16, 12, 0);
    let three = [(WARM, LUKE); 3];
    let view = carer_history(240, 120, three).fold();
    assert_eq!(view.primary_carer(now), Some(WARM));
    assert!(view.health(now).primary_carer_at_risk);

    // Only the last two weeks.
    let two = [(LUKE, WARM), (WARM, LUKE), (WARM, LUKE)];
    let view = carer_history(240, 120, two).fold();
    assert_eq!(view.primary_carer(now), None);
    assert!(!view.health(now).primary_carer_at_risk);
    // ...until a third week runs.
    let mut h = carer_history(240, 120, two);
    h.push(claimed(S1, date(2026, 12, 22), WARM))
        .push(claimed(S2, date(2026, 12, 22), LUKE));
    assert_eq!(h.fold().primary_carer(utc(2026, 12, 23, 12, 0)), Some(WARM));

    // Exactly 60%: not at risk.
    let view = carer_history(180, 120, three).fold();
    assert_eq!(view.primary_carer(now), None);
    assert!(!view.health(now).primary_carer_at_risk);
    // 61%: at risk.
    let view = carer_history(185, 115, three).fold();
    assert_eq!(view.primary_carer(now), Some(WARM));

    // A different member on top each week is not one primary carer.
    let turns = [(WARM, LUKE), (LUKE, WARM), (WARM, LUKE)];
    assert_eq!(
        carer_history(240, 120, turns).fold().primary_carer(now),
        None
    );

    // A week without any hours breaks the run.
    let mut h = History::new();
    h.push(scheduled(
        S1,
        local(date(2026, 12, 1), 10),
        240,
        weekly(),
        1,
        &[Ring::Warm],
    ))
    .push(claimed(S1, date(2026, 12, 1), WARM))
    .push(claimed(S1, date(2026, 12, 15), WARM));
    assert_eq!(h.fold().primary_carer(now), None);
    h.push(claimed(S1, date(2026, 12, 8), WARM));
    assert_eq!(h.fold().primary_carer(now), Some(WARM));
}

// ------------------------------------------------------------------ suggestions

const RQ: RequestId = RequestId(Uuid::from_u128(96));
const RQ2: RequestId = RequestId(Uuid::from_u128(97));
const RQ3: RequestId = RequestId(Uuid::from_u128(98));
const RX: RequestId = RequestId(Uuid::from_u128(99));

/// Lukewarm: LUKE offers groceries and walks (2 h/week, helped on 11-05); LUKE2
/// groceries (tasks a month, never helped); LUKE3 walks only; LUKE4 groceries
/// (1 h/week, already 30 minutes this week); LUKE5 withdrew; LUKE6 groceries
/// (3 h/week, helped on 11-10). WARM offers groceries but is warm.
/// RQ: groceries this Thursday; RQ2: a walk LUKE3 asked for; RQ3: paperwork.
fn suggestions_history() -> History {
    let mut h = History::new();
    let thursday = utc(2026, 11, 26, 10, 0);
    for person in [LUKE2, LUKE3, LUKE4, LUKE5, LUKE6] {
        h.push(joined(person, Ring::Lukewarm));
    }
    h.push(offered(
        O1,
        LUKE,
        &[Category::Groceries, Category::Walk, Category::Paperwork],
        Capacity::HoursPerWeek(2),
    ))
    .push(offered(
        O2,
        LUKE2,
        &[Category::Groceries],
        Capacity::TasksPerMonth(4),
    ))
    .push(offered(
        O3,
        LUKE3,
        &[Category::Walk],
        Capacity::HoursPerWeek(5),
    ))
    .push(offered(
        O4,
        LUKE4,
        &[Category::Groceries],
        Capacity::HoursPerWeek(1),
    ))
    .push(offered(
        O5,
        LUKE5,
        &[Category::Groceries],
        Capacity::HoursPerWeek(5),
    ))
    .push(withdrawn(O5, LUKE5))
    .push(offered(
        O6,
        LUKE6,
        &[Category::Groceries, Category::Coffee],
        Capacity::HoursPerWeek(3),
    ))
    .push(offered(
        O7,
        WARM,
        &[Category::Groceries],
        Capacity::HoursPerWeek(5),
    ))
    .push(scheduled(
        S1,
        local(date(2026, 11, 7), 10),
        60,
        Recurrence::Once,
        1,
        &[Ring::Lukewarm],
    ))
    .push_at(
        utc(2026, 11, 5, 12, 0),
        claimed(S1, date(2026, 11, 7), LUKE),
    )
    .push(requested(
        RA,
        Category::Coffee,
        COORD,
        window(utc(2026, 11, 12, 10, 0), 2),
        30,
    ))
    .push(widened(RA, Ring::Lukewarm))
    .push_at(utc(2026, 11, 10, 12, 0), taken(RA, LUKE6))
    .push(requested(
        RX,
        Category::Chores,
        COORD,
        window(utc(2026, 11, 25, 10, 0), 2),
        30,
    ))
    .push(widened(RX, Ring::Lukewarm))
    .push(taken(RX, LUKE4))
    .push(requested(
        RQ,
        Category::Groceries,
        COORD,
        window(thursday, 4),
        60,
    ))
    .push(requested(
        RQ2,
        Category::Walk,
        LUKE3,
        window(thursday, 4),
        60,
    ))
    .push(requested(
        RQ3,
        Category::Paperwork,
        COORD,
        window(thursday, 4),
        60,
    ));
    h
}

#[test]
fn lukewarm_suggestions_name_members_whose_offer_fits_and_who_have_room() {
    let mut h = suggestions_history();
    let now = tuesday();
    let view = h.fold();
    let suggestions = view.lukewarm_suggestions(&member(&view, COORD, now), now);
    let as_pairs = |s: Vec<kring_views::Suggestion>| {
        s.into_iter()
            .map(|s| (s.request, s.people))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        as_pairs(suggestions),
        vec![
            // Never helped first, then least recently helped.
            (RQ, vec![LUKE2, LUKE, LUKE6]),
            // Not whoever asked.
            (RQ2, vec![LUKE]),
            // Paperwork stays in the warm ring: nobody lukewarm can be asked (RQ3).
        ]
    );
    // Only coordinators get suggestions.
    for person in [FOCUS, WARM, LUKE] {
        assert!(view
            .lukewarm_suggestions(&member(&view, person, now), now)
            .is_empty());
    }
    assert!(view
        .lukewarm_suggestions(&member(&view, STRANGER, now), now)
        .is_empty());

    // Taken requests are no longer suggested; helping moves LUKE2 to the back.
    h.push(widened(RQ2, Ring::Lukewarm))
        .push_at(now, taken(RQ2, LUKE2));
    let view = h.fold();
    assert_eq!(
        as_pairs(view.lukewarm_suggestions(&member(&view, COORD, now), now)),
        vec![(RQ, vec![LUKE, LUKE6, LUKE2])]
    );
    // Once the window has passed, there is nothing left to ask.
    let after = utc(2026, 11, 26, 15, 0);
    assert!(view
        .lukewarm_suggestions(&member(&view, COORD, after), after)
        .is_empty());
}

#[test]
fn room_is_measured_in_the_week_of_the_request() {
    let mut h = suggestions_history();
    let now = tuesday();
    // LUKE commits 90 minutes this week: no room left for an hour (2 h/week).
    h.push(scheduled(
        S2,
        local(date(2026, 11, 27), 10),
        90,
        Recurrence::Once,
        1,
        &[Ring::Lukewarm],
    ))
    .push(claimed(S2, date(2026, 11, 27), LUKE))
    // A groceries request next week: LUKE has room there.
    .push(requested(
        R1,
        Category::Groceries,
        COORD,
        window(utc(2026, 12, 2, 10, 0), 4),
        60,
    ));
    let view = h.fold();
    let suggestions = view.lukewarm_suggestions(&member(&view, COORD, now), now);
    let people = |request| {
        suggestions
            .iter()
            .find(|s| s.request == request)
            .map(|s| s.people.clone())
            .unwrap_or_default()
    };
    assert_eq!(people(RQ), vec![LUKE2, LUKE6]);
    // LUKE4's 30 minutes were this week: next week there is room for the hour.
    // LUKE helped last (the claim just now), LUKE6 (11-10 12:00) before LUKE4 (12:03).
    assert_eq!(people(R1), vec![LUKE2, LUKE6, LUKE4, LUKE]);
}

// ------------------------------------------------------------------ leaving

#[test]
fn a_member_who_leaves_frees_what_they_had_taken_and_drops_out_of_load_and_reciprocity() {
    let now = tuesday();
    let saturday = date(2026, 11, 28);
    let mut h = History::new();
    h.push(joined(LUKE2, Ring::Lukewarm))
        .push(offered(
            O1,
            LUKE2,
            &[Category::Groceries],
            Capacity::HoursPerWeek(3),
        ))
        .push(requested(
            R1,
            Category::Groceries,
            WARM,
            window(now + Duration::days(1), 4),
            60,
        ))
        .push(place_noted(R1, WARM))
        .push(widened(R1, Ring::Lukewarm))
        .push(taken(R1, LUKE))
        .push(CircleEvent::RequestConfirmed {
            request: R1,
            by: WARM,
        })
        .push(requested(
            R2,
            Category::Chores,
            WARM,
            window(t0() + Duration::days(1), 4),
            60,
        ))
        .push(widened(R2, Ring::Lukewarm))
        .push(taken(R2, LUKE))
        .push(done(R2, LUKE))
        .push(scheduled(
            S1,
            local(saturday, 10),
            120,
            weekly(),
            2,
            &[Ring::Warm, Ring::Lukewarm],
        ))
        .push(claimed(S1, saturday, LUKE))
        .push(claimed(S1, saturday, WARM))
        .leave_at(LUKE, now);
    let view = h.fold();
    let warm = member(&view, WARM, now);

    // The running request is open again, with nobody on it, for everyone it is open to.
    let r1 = &view.requests[&R1];
    assert_eq!((r1.status, r1.taker), (RequestStatus::Open, None));
    assert_eq!(
        view.requests(&warm)
            .iter()
            .map(|r| (r.request, r.status, r.taker))
            .collect::<Vec<_>>(),
        vec![(R1, RequestStatus::Open, None)]
    );
    assert_eq!(
        view.requests(&member(&view, LUKE2, now))
            .iter()
            .map(|r| r.request)
            .collect::<Vec<_>>(),
        vec![R1]
    );
    // ...and can be suggested to the lukewarm ring again.
    let suggestions = view.lukewarm_suggestions(&member(&view, COORD, now), now);
    assert_eq!(suggestions.len(), 1);
    assert_eq!(
        (suggestions[0].request, suggestions[0].people.clone()),
        (R1, vec![LUKE2])
    );
    // The coming shift has a place open again.
    let rota = view.rota(&warm, saturday, 1);
    assert_eq!(
        (rota[0].claimed_by.clone(), rota[0].open_places()),
        (vec![WARM], 1)
    );

    // Nothing of theirs is committed any more, and they are in neither figure.
    let week = iso_week_start(now.date_naive());
    assert_eq!(view.committed_minutes(week).get(&LUKE), None);
    let coordinator = member(&view, COORD, now);
    assert!(view
        .load(&coordinator, week)
        .iter()
        .all(|r| r.person != LUKE));
    let later = utc(2026, 12, 1, 12, 0);
    let reciprocity = view.reciprocity(&coordinator, later);
    assert!(reciprocity.iter().all(|r| r.person != LUKE));
    // What they did stays on the record for the others: WARM received R2.
    assert_eq!(
        reciprocity
            .iter()
            .find(|r| r.person == WARM)
            .map(|r| (r.given, r.received)),
        Some((1, 1))
    );
    assert_eq!(
        view.health(now).members_per_ring.get(&Ring::Lukewarm),
        Some(&1)
    );
}

// ------------------------------------------------------------------ consent

#[test]
fn an_intermediary_whose_consent_is_revoked_becomes_an_outsider_and_sees_nothing() {
    let now = tuesday();
    let mut h = History::new();
    h.push(consent(ORG, ConsentScope::Full, t0()))
        .push(written(E1, WARM, Visibility::WholeCircle))
        .push(written(E2, WARM, Visibility::WarmOnly))
        .push(scheduled(
            S1,
            local(date(2026, 11, 28), 10),
            120,
            weekly(),
            2,
            &[Ring::Warm],
        ))
        .push(requested(
            R1,
            Category::Groceries,
            WARM,
            window(now + Duration::days(1), 4),
            60,
        ))
        .push(place_noted(R1, WARM))
        .push(CircleEvent::IntermediaryLooked {
            organisation: ORG,
            person: SOCIAL_WORKER,
            scope: ConsentScope::Full,
            what: Looked::CircleFull,
            at: now,
        });
    let view = h.fold();
    let from = date(2026, 11, 23);
    let worker = social_worker(&view, now);
    assert!(matches!(worker, Viewer::Intermediary { .. }));
    assert_eq!(entry_ids(&view.logbook(&worker)), vec![E1]);
    assert_eq!(view.rota(&worker, from, 14).len(), 2);
    assert_eq!(request_ids(&view.requests(&worker)), vec![R1]);
    assert!(view.place(R1, &worker).is_none());
    // Every look is on the record, for the coordinators and the focus person.
    assert_eq!(view.looks(&member(&view, COORD, now), all()).items.len(), 1);
    assert_eq!(view.looks(&member(&view, FOCUS, now), all()).items.len(), 1);
    assert!(view
        .looks(&member(&view, WARM, now), all())
        .items
        .is_empty());
    assert!(view.looks(&worker, all()).items.is_empty());

    h.push(CircleEvent::ConsentRevoked {
        organisation: ORG,
        by: COORD,
    });
    let view = h.fold();
    let worker = social_worker(&view, now);
    assert_eq!(worker, Viewer::Outsider);
    assert!(view.logbook(&worker).is_empty());
    assert!(view.rota(&worker, from, 14).is_empty());
    assert!(view.requests(&worker).is_empty());
    assert!(view.load(&worker, from).is_empty());
    assert!(view.reciprocity(&worker, now).is_empty());
    // Members are unaffected.
    assert_eq!(view.rota(&member(&view, WARM, now), from, 14).len(), 2);
}

#[test]
fn consent_from_a_later_date_shows_nothing_before_it() {
    let now = tuesday();
    let mut h = History::new();
    h.push(consent(ORG, ConsentScope::Full, now + Duration::days(1)))
        .push(written(E1, WARM, Visibility::WholeCircle));
    let view = h.fold();
    assert_eq!(social_worker(&view, now), Viewer::Outsider);
    assert!(view.logbook(&social_worker(&view, now)).is_empty());
    let tomorrow = now + Duration::days(1);
    assert_eq!(
        entry_ids(&view.logbook(&social_worker(&view, tomorrow))),
        vec![E1]
    );
}

// ------------------------------------------------------------------ the fold itself

#[test]
fn the_fold_is_deterministic_and_survives_storage_as_json() {
    for h in [
        logbook_history(),
        requests_history(),
        rota_history(),
        load_history(),
        reciprocity_history(),
        suggestions_history(),
    ] {
        let view = h.fold();
        assert_eq!(view, h.fold());
        assert!(view.indexes_agree(), "the indexes kept while folding");
        assert_eq!(view.version, h.version());
        let json = serde_json::to_string(&view).unwrap();
        let back: CircleView = serde_json::from_str(&json).unwrap();
        assert_eq!(back, view);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        // Folding on from a stored view is folding from the start.
        let half = h.events.len() / 2;
        let mut resumed: CircleView =
            serde_json::from_str(&serde_json::to_string(&fold(&h.events[..half])).unwrap())
                .unwrap();
        for (version, at, event) in &h.events[half..] {
            resumed.apply(*version, *at, event);
        }
        assert_eq!(resumed, view);
    }
}

/// A page that holds everything.
fn all() -> kring_views::PageAt {
    kring_views::PageAt::newest(usize::MAX)
}
