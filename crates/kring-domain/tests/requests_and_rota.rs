//! Requests for help, offers and the rota: every command, and every refusal
//! `decide` has for it, as given/when/then.
//!
//! The fixture's clock stands at Tuesday 2026-11-24 10:00 UTC (11:00 in
//! Amsterdam); `saturday()` is 2026-11-28.

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::*;
use cqrs_es::test::TestFramework;
use kring_domain::*;
use uuid::Uuid;

const R1: RequestId = RequestId(Uuid::from_u128(10));
const R2: RequestId = RequestId(Uuid::from_u128(11));
const O1: OfferId = OfferId(Uuid::from_u128(20));
const S1: ShiftId = ShiftId(Uuid::from_u128(30));
const S2: ShiftId = ShiftId(Uuid::from_u128(31));
const W1: SwapId = SwapId(Uuid::from_u128(40));
const W2: SwapId = SwapId(Uuid::from_u128(41));

const COLD_MAY_NOT: DomainError = DomainError::Refused(Refusal::OnlyWarmAndLukewarm);
const COORDINATORS_ONLY: DomainError = DomainError::Refused(Refusal::OnlyCoordinators);
const OWN_KEY: DomainError = DomainError::Refused(Refusal::TextKeyNotOwn);

// ---------------------------------------------------------------- helpers

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The Saturday `weeks` weeks after `saturday()` (negative: before).
fn saturday_plus(weeks: i64) -> NaiveDate {
    saturday() + Duration::weeks(weeks)
}

/// Sunday 2026-11-29.
fn sunday() -> NaiveDate {
    saturday() + Duration::days(1)
}

/// Saturday 2026-11-21, before the fixture's now.
fn last_saturday() -> NaiveDate {
    saturday_plus(-1)
}

fn ask(request: RequestId, category: Category, asker: PersonId) -> Action {
    Action::RequestHelp {
        request,
        category,
        window: window(24, 48),
        duration: mins(60),
        details: sealed(asker, "boodschappen"),
        place: None,
        on_behalf_of_focus: false,
    }
}

fn confirmed(request: RequestId, by: PersonId) -> CircleEvent {
    CircleEvent::RequestConfirmed { request, by }
}

/// The circle with members, a groceries request R1 by WARM, taken by COORD.
fn r1_taken_by_coord() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(taken(R1, COORD));
    events
}

/// The circle with members and a volunteer for R1, a groceries request of
/// WARM widened to the marketplace.
fn with_volunteer() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(widened(R1, Ring::Cold));
    events.push(volunteer_joined(R1));
    events
}

fn offer(will: Vec<Category>, wont: Vec<Category>, capacity: Capacity, by: PersonId) -> Action {
    Action::MakeOffer {
        offer: O1,
        will,
        wont,
        capacity,
        note: Some(sealed(by, "op woensdag")),
    }
}

fn offer_made(by: PersonId, will: Vec<Category>) -> CircleEvent {
    CircleEvent::OfferMade {
        offer: O1,
        by,
        will,
        wont: vec![],
        capacity: Capacity::HoursPerWeek(2),
        note: None,
    }
}

/// A shift whose first occurrence is `first` at 10:00 Amsterdam time.
fn shift_from(
    shift: ShiftId,
    first: NaiveDate,
    recurrence: Recurrence,
    helpers_needed: u8,
    rings: Vec<Ring>,
) -> CircleEvent {
    CircleEvent::ShiftScheduled {
        shift,
        title: sealed(COORD, "Bij mam op bezoek"),
        starts: local(first, 10),
        duration: mins(120),
        recurrence,
        helpers_needed,
        rings,
        by: COORD,
    }
}

fn both_rings() -> Vec<Ring> {
    vec![Ring::Warm, Ring::Lukewarm]
}

/// The circle with members and a weekly Saturday shift S1 for the warm and
/// lukewarm rings.
fn with_weekly_shift(helpers_needed: u8) -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.push(weekly_shift_scheduled(S1, both_rings(), helpers_needed));
    events
}

/// A weekly Saturday shift S1 that started last Saturday (before now).
fn with_shift_since_last_saturday() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.push(shift_from(
        S1,
        last_saturday(),
        Recurrence::Weekly { until: None },
        2,
        both_rings(),
    ));
    events
}

fn claimed(date: NaiveDate, by: PersonId) -> CircleEvent {
    CircleEvent::ShiftClaimed {
        shift: S1,
        date,
        by,
    }
}

fn claim(date: NaiveDate) -> Action {
    Action::ClaimShift { shift: S1, date }
}

fn release(date: NaiveDate, by: PersonId) -> Action {
    Action::ReleaseShift {
        shift: S1,
        date,
        reason: sealed(by, "ziek"),
    }
}

fn schedule(
    starts: chrono::NaiveDateTime,
    recurrence: Recurrence,
    helpers_needed: u8,
    rings: Vec<Ring>,
) -> Action {
    Action::ScheduleShift {
        shift: S1,
        title: sealed(COORD, "Bij mam op bezoek"),
        starts,
        duration: mins(120),
        recurrence,
        helpers_needed,
        rings,
    }
}

fn propose(swap: SwapId, date: NaiveDate, to: PersonId) -> Action {
    Action::ProposeSwap {
        swap,
        shift: S1,
        date,
        to,
    }
}

fn swap_proposed(swap: SwapId, date: NaiveDate, from: PersonId, to: PersonId) -> CircleEvent {
    CircleEvent::SwapProposed {
        swap,
        shift: S1,
        date,
        from,
        to,
    }
}

/// WARM is on S1 (two helpers, both rings) on Saturday and asked LUKEWARM to swap.
fn with_swap_proposed() -> Vec<CircleEvent> {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    events.push(swap_proposed(W1, saturday(), WARM, LUKEWARM));
    events
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn circle_at(now: chrono::DateTime<Utc>) -> TestFramework<Circle> {
    TestFramework::with(Services::at(now))
}

// ---------------------------------------------------------------- RequestHelp

#[test]
fn a_member_asks_for_help() {
    circle()
        .given(circle_with_members())
        .when(by(LUKEWARM, ask(R1, Category::Transport, LUKEWARM)))
        .then_expect_events(vec![CircleEvent::HelpRequested {
            request: R1,
            category: Category::Transport,
            window: window(24, 48),
            duration: mins(60),
            details: sealed(LUKEWARM, "boodschappen"),
            asked_by: LUKEWARM,
            on_behalf_of_focus: false,
        }]);
}

#[test]
fn the_place_is_noted_in_an_event_of_its_own() {
    circle()
        .given(circle_with_members())
        .when(by(
            WARM,
            Action::RequestHelp {
                request: R1,
                category: Category::Transport,
                window: window(2, 6),
                duration: mins(90),
                details: sealed(WARM, "naar het ziekenhuis"),
                place: Some(sealed(WARM, "Dorpsstraat 1")),
                on_behalf_of_focus: true,
            },
        ))
        .then_expect_events(vec![
            CircleEvent::HelpRequested {
                request: R1,
                category: Category::Transport,
                window: window(2, 6),
                duration: mins(90),
                details: sealed(WARM, "naar het ziekenhuis"),
                asked_by: WARM,
                on_behalf_of_focus: true,
            },
            CircleEvent::RequestPlaceNoted {
                request: R1,
                place: sealed(WARM, "Dorpsstraat 1"),
            },
        ]);
}

#[test]
fn a_request_id_is_used_once() {
    circle()
        .given(vec![
            created(),
            help_requested(R1, Category::Groceries, COORD),
        ])
        .when(by(COORD, ask(R1, Category::Groceries, COORD)))
        .then_expect_error(DomainError::Refused(Refusal::RequestExists));
}

#[test]
fn help_cannot_be_asked_for_a_window_that_has_passed() {
    let passed = DomainError::Refused(Refusal::WindowPassed);
    for window in [window(-5, -1), window(-5, 0)] {
        circle()
            .given(circle_with_members())
            .when(by(
                WARM,
                Action::RequestHelp {
                    request: R1,
                    category: Category::Groceries,
                    window,
                    duration: mins(30),
                    details: sealed(WARM, "boodschappen"),
                    place: None,
                    on_behalf_of_focus: false,
                },
            ))
            .then_expect_error(passed.clone());
    }
}

#[test]
fn help_can_be_asked_for_a_window_that_has_begun() {
    let action = Action::RequestHelp {
        request: R1,
        category: Category::Groceries,
        window: window(-1, 2),
        duration: mins(30),
        details: sealed(WARM, "boodschappen"),
        place: None,
        on_behalf_of_focus: false,
    };
    let events = circle()
        .given(circle_with_members())
        .when(by(WARM, action))
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].name(), "HelpRequested");
}

#[test]
fn the_help_must_fit_in_its_window() {
    let asking = |duration| Action::RequestHelp {
        request: R1,
        category: Category::Visit,
        window: window(24, 25),
        duration: mins(duration),
        details: sealed(WARM, "koffie"),
        place: None,
        on_behalf_of_focus: false,
    };
    circle()
        .given(circle_with_members())
        .when(by(WARM, asking(61)))
        .then_expect_error(DomainError::Refused(Refusal::HelpLongerThanWindow));
    circle()
        .given(circle_with_members())
        .when(by(WARM, asking(60)))
        .then_expect_events(vec![CircleEvent::HelpRequested {
            request: R1,
            category: Category::Visit,
            window: window(24, 25),
            duration: mins(60),
            details: sealed(WARM, "koffie"),
            asked_by: WARM,
            on_behalf_of_focus: false,
        }]);
}

#[test]
fn only_the_warm_ring_asks_on_behalf_of_the_focus_person() {
    let on_behalf = |asker| Action::RequestHelp {
        request: R1,
        category: Category::Groceries,
        window: window(24, 48),
        duration: mins(60),
        details: sealed(asker, "boodschappen"),
        place: None,
        on_behalf_of_focus: true,
    };
    circle()
        .given(circle_with_members())
        .when(by(LUKEWARM, on_behalf(LUKEWARM)))
        .then_expect_error(DomainError::Refused(Refusal::OnlyWarmForFocus));
    circle()
        .given(circle_with_members())
        .when(by(WARM, on_behalf(WARM)))
        .then_expect_events(vec![CircleEvent::HelpRequested {
            request: R1,
            category: Category::Groceries,
            window: window(24, 48),
            duration: mins(60),
            details: sealed(WARM, "boodschappen"),
            asked_by: WARM,
            on_behalf_of_focus: true,
        }]);
}

#[test]
fn the_details_of_a_request_are_sealed_with_the_askers_key() {
    circle()
        .given(circle_with_members())
        .when(by(WARM, ask(R1, Category::Groceries, FOCUS)))
        .then_expect_error(OWN_KEY);
}

#[test]
fn the_place_of_a_request_is_sealed_with_the_askers_key() {
    circle()
        .given(circle_with_members())
        .when(by(
            WARM,
            Action::RequestHelp {
                request: R1,
                category: Category::Groceries,
                window: window(24, 48),
                duration: mins(60),
                details: sealed(WARM, "boodschappen"),
                place: Some(sealed(FOCUS, "Dorpsstraat 1")),
                on_behalf_of_focus: true,
            },
        ))
        .then_expect_error(OWN_KEY);
}

#[test]
fn a_volunteer_does_not_ask_for_help() {
    circle()
        .given(with_volunteer())
        .when(by(VOLUNTEER, ask(R2, Category::Groceries, VOLUNTEER)))
        .then_expect_error(COLD_MAY_NOT);
}

#[test]
fn a_stranger_cannot_ask_for_help() {
    circle()
        .given(circle_with_members())
        .when(by(STRANGER, ask(R1, Category::Groceries, STRANGER)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
}

// ---------------------------------------------------------------- WidenRequest

#[test]
fn a_coordinator_widens_a_practical_request_to_the_lukewarm_ring() {
    circle()
        .given(vec![
            created(),
            help_requested(R1, Category::Groceries, COORD),
        ])
        .when(by(
            COORD,
            Action::WidenRequest {
                request: R1,
                to: Ring::Lukewarm,
            },
        ))
        .then_expect_events(vec![widened(R1, Ring::Lukewarm)]);
}

#[test]
fn practical_help_and_company_may_go_to_the_marketplace() {
    for category in Category::ALL
        .into_iter()
        .filter(|c| matches!(c.kind(), Kind::Practical | Kind::Company))
    {
        for (given, to) in [
            (None, Ring::Lukewarm),
            (None, Ring::Cold),
            (Some(Ring::Lukewarm), Ring::Cold),
        ] {
            let mut events = circle_with_members();
            events.push(help_requested(R1, category, WARM));
            events.extend(given.map(|ring| widened(R1, ring)));
            circle()
                .given(events)
                .when(by(COORD, Action::WidenRequest { request: R1, to }))
                .then_expect_events(vec![widened(R1, to)]);
        }
    }
}

#[test]
fn only_a_coordinator_widens_a_request() {
    circle()
        .given(vec![
            created(),
            joined(WARM, Ring::Warm),
            help_requested(R1, Category::Groceries, WARM),
        ])
        .when(by(
            WARM,
            Action::WidenRequest {
                request: R1,
                to: Ring::Lukewarm,
            },
        ))
        .then_expect_error(COORDINATORS_ONLY);
}

#[test]
fn widening_an_unknown_request_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            Action::WidenRequest {
                request: R1,
                to: Ring::Lukewarm,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

#[test]
fn only_an_open_request_is_widened() {
    for closing in [
        taken(R1, COORD),
        CircleEvent::RequestCancelled {
            request: R1,
            by: WARM,
        },
    ] {
        let mut events = circle_with_members();
        events.push(help_requested(R1, Category::Groceries, WARM));
        events.push(closing);
        circle()
            .given(events)
            .when(by(
                COORD,
                Action::WidenRequest {
                    request: R1,
                    to: Ring::Lukewarm,
                },
            ))
            .then_expect_error(DomainError::Refused(Refusal::OnlyOpenRequestWidens));
    }
}

#[test]
fn widening_is_never_narrowing_or_standing_still() {
    let already = DomainError::Refused(Refusal::AlreadyOpenToRing);
    // Equal: a new request is open to the warm ring.
    circle()
        .given(vec![
            created(),
            help_requested(R1, Category::Groceries, COORD),
        ])
        .when(by(
            COORD,
            Action::WidenRequest {
                request: R1,
                to: Ring::Warm,
            },
        ))
        .then_expect_error(already.clone());
    // Equal and narrower after widening to the marketplace.
    for to in [Ring::Cold, Ring::Lukewarm, Ring::Warm] {
        circle()
            .given(vec![
                created(),
                help_requested(R1, Category::Groceries, COORD),
                widened(R1, Ring::Cold),
            ])
            .when(by(COORD, Action::WidenRequest { request: R1, to }))
            .then_expect_error(already.clone());
    }
}

#[test]
fn personal_matters_stay_in_the_warm_ring() {
    for category in [
        Category::Finances,
        Category::Paperwork,
        Category::EmotionalSupport,
    ] {
        for to in [Ring::Lukewarm, Ring::Cold] {
            circle()
                .given(vec![created(), help_requested(R1, category, COORD)])
                .when(by(COORD, Action::WidenRequest { request: R1, to }))
                .then_expect_error(DomainError::Refused(Refusal::PersonalMattersStayWarm));
        }
    }
}

#[test]
fn personal_care_is_for_professionals() {
    for category in [Category::Washing, Category::Dressing, Category::Medication] {
        for to in [Ring::Lukewarm, Ring::Cold] {
            circle()
                .given(vec![created(), help_requested(R1, category, COORD)])
                .when(by(COORD, Action::WidenRequest { request: R1, to }))
                .then_expect_error(DomainError::Refused(Refusal::PersonalCareIsProfessional));
        }
    }
}

// ---------------------------------------------------------------- TakeRequest

#[test]
fn a_warm_member_takes_a_request() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    circle()
        .given(events)
        .when(by(COORD, Action::TakeRequest { request: R1 }))
        .then_expect_events(vec![taken(R1, COORD)]);
}

#[test]
fn the_ring_must_be_within_the_requests_reach() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    circle()
        .given(events.clone())
        .when(by(LUKEWARM, Action::TakeRequest { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::OnlyRequestRings));

    events.push(widened(R1, Ring::Lukewarm));
    circle()
        .given(events)
        .when(by(LUKEWARM, Action::TakeRequest { request: R1 }))
        .then_expect_events(vec![taken(R1, LUKEWARM)]);
}

#[test]
fn nobody_takes_their_own_request() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    circle()
        .given(events)
        .when(by(WARM, Action::TakeRequest { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::OwnRequest));
}

#[test]
fn a_request_is_taken_once_so_help_is_not_duplicated() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(widened(R1, Ring::Lukewarm));
    events.push(taken(R1, COORD));
    for taker in [LUKEWARM, COORD, FOCUS] {
        circle()
            .given(events.clone())
            .when(by(taker, Action::TakeRequest { request: R1 }))
            .then_expect_error(DomainError::Refused(Refusal::RequestNotOpen));
    }
}

#[test]
fn a_closed_request_cannot_be_taken() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(CircleEvent::RequestCancelled {
        request: R1,
        by: WARM,
    });
    circle()
        .given(events)
        .when(by(COORD, Action::TakeRequest { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::RequestNotOpen));
}

#[test]
fn taking_an_unknown_request_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::TakeRequest { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

#[test]
fn a_volunteer_takes_their_own_task() {
    circle()
        .given(with_volunteer())
        .when(by(VOLUNTEER, Action::TakeRequest { request: R1 }))
        .then_expect_events(vec![taken(R1, VOLUNTEER)]);
}

#[test]
fn a_volunteer_takes_only_their_own_task() {
    let mut events = with_volunteer();
    events.push(help_requested(R2, Category::Chores, WARM));
    events.push(widened(R2, Ring::Cold));
    circle()
        .given(events)
        .when(by(VOLUNTEER, Action::TakeRequest { request: R2 }))
        .then_expect_error(COLD_MAY_NOT);
}

// ---------------------------------------------------------------- ConfirmRequest

#[test]
fn whoever_asked_or_a_coordinator_confirms() {
    for confirmer in [WARM, COORD] {
        circle()
            .given(r1_taken_by_coord())
            .when(by(confirmer, Action::ConfirmRequest { request: R1 }))
            .then_expect_events(vec![confirmed(R1, confirmer)]);
    }
}

#[test]
fn others_do_not_confirm() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(widened(R1, Ring::Lukewarm));
    events.push(taken(R1, LUKEWARM));
    for other in [LUKEWARM, FOCUS] {
        circle()
            .given(events.clone())
            .when(by(other, Action::ConfirmRequest { request: R1 }))
            .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinatorOrAsker));
    }
}

#[test]
fn only_a_taken_request_is_confirmed() {
    let open = vec![
        created(),
        joined(WARM, Ring::Warm),
        help_requested(R1, Category::Groceries, WARM),
    ];
    let mut twice = r1_taken_by_coord();
    twice.push(confirmed(R1, WARM));
    for events in [open, twice] {
        circle()
            .given(events)
            .when(by(WARM, Action::ConfirmRequest { request: R1 }))
            .then_expect_error(DomainError::Refused(Refusal::ConfirmUntaken));
    }
}

#[test]
fn confirming_an_unknown_request_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::ConfirmRequest { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

// ---------------------------------------------------------------- MarkRequestDone

#[test]
fn the_helper_whoever_asked_or_a_coordinator_marks_help_done() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(widened(R1, Ring::Lukewarm));
    events.push(taken(R1, LUKEWARM));
    for marker in [LUKEWARM, WARM, COORD] {
        circle()
            .given(events.clone())
            .when(by(marker, Action::MarkRequestDone { request: R1 }))
            .then_expect_events(vec![done(R1, marker)]);
    }
    events.push(confirmed(R1, WARM));
    circle()
        .given(events)
        .when(by(LUKEWARM, Action::MarkRequestDone { request: R1 }))
        .then_expect_events(vec![done(R1, LUKEWARM)]);
}

#[test]
fn others_do_not_mark_help_done() {
    circle()
        .given(r1_taken_by_coord())
        .when(by(LUKEWARM, Action::MarkRequestDone { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::OnlyHelperAskerOrCoordinator));
}

#[test]
fn only_taken_help_is_done() {
    let open = vec![
        created(),
        joined(WARM, Ring::Warm),
        help_requested(R1, Category::Groceries, WARM),
    ];
    let mut twice = r1_taken_by_coord();
    twice.push(done(R1, COORD));
    for events in [open, twice] {
        circle()
            .given(events)
            .when(by(WARM, Action::MarkRequestDone { request: R1 }))
            .then_expect_error(DomainError::Refused(Refusal::DoneUntaken));
    }
}

#[test]
fn marking_an_unknown_request_done_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::MarkRequestDone { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

#[test]
fn a_volunteer_marks_their_own_task_done() {
    let mut events = with_volunteer();
    events.push(taken(R1, VOLUNTEER));
    circle()
        .given(events)
        .when(by(VOLUNTEER, Action::MarkRequestDone { request: R1 }))
        .then_expect_events(vec![done(R1, VOLUNTEER)]);
}

#[test]
fn a_volunteer_does_not_mark_other_help_done() {
    let mut events = with_volunteer();
    events.push(help_requested(R2, Category::Chores, WARM));
    events.push(taken(R2, COORD));
    circle()
        .given(events)
        .when(by(VOLUNTEER, Action::MarkRequestDone { request: R2 }))
        .then_expect_error(COLD_MAY_NOT);
}

// ---------------------------------------------------------------- CancelRequest

#[test]
fn whoever_asked_cancels_an_open_request() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    circle()
        .given(events)
        .when(by(WARM, Action::CancelRequest { request: R1 }))
        .then_expect_events(vec![CircleEvent::RequestCancelled {
            request: R1,
            by: WARM,
        }]);
}

#[test]
fn a_coordinator_cancels_a_taken_or_confirmed_request() {
    let mut events = r1_taken_by_coord();
    for _ in 0..2 {
        circle()
            .given(events.clone())
            .when(by(COORD, Action::CancelRequest { request: R1 }))
            .then_expect_events(vec![CircleEvent::RequestCancelled {
                request: R1,
                by: COORD,
            }]);
        events.push(confirmed(R1, WARM));
    }
}

#[test]
fn the_helper_does_not_cancel() {
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(widened(R1, Ring::Lukewarm));
    events.push(taken(R1, LUKEWARM));
    circle()
        .given(events)
        .when(by(LUKEWARM, Action::CancelRequest { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinatorOrAsker));
}

#[test]
fn a_closed_request_is_not_cancelled() {
    for closing in [
        done(R1, COORD),
        CircleEvent::RequestCancelled {
            request: R1,
            by: WARM,
        },
        CircleEvent::NoShowRecorded {
            request: R1,
            helper: COORD,
            by: WARM,
        },
    ] {
        let mut events = r1_taken_by_coord();
        events.push(closing);
        circle()
            .given(events)
            .when(by(WARM, Action::CancelRequest { request: R1 }))
            .then_expect_error(DomainError::Refused(Refusal::RequestClosed));
    }
}

#[test]
fn cancelling_an_unknown_request_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::CancelRequest { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

// ---------------------------------------------------------------- RecordNoShow

/// R1 by WARM, due from an hour ago, taken by LUKEWARM.
fn due_request_taken() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.push(CircleEvent::HelpRequested {
        request: R1,
        category: Category::Groceries,
        window: window(-1, 5),
        duration: mins(60),
        details: sealed(WARM, "boodschappen"),
        asked_by: WARM,
        on_behalf_of_focus: false,
    });
    events.push(widened(R1, Ring::Lukewarm));
    events.push(taken(R1, LUKEWARM));
    events
}

#[test]
fn whoever_asked_records_a_no_show() {
    for recorder in [WARM, COORD] {
        circle()
            .given(due_request_taken())
            .when(by(recorder, Action::RecordNoShow { request: R1 }))
            .then_expect_events(vec![CircleEvent::NoShowRecorded {
                request: R1,
                helper: LUKEWARM,
                by: recorder,
            }]);
    }
}

#[test]
fn no_show_of_a_confirmed_request() {
    let mut events = due_request_taken();
    events.push(confirmed(R1, WARM));
    circle()
        .given(events)
        .when(by(WARM, Action::RecordNoShow { request: R1 }))
        .then_expect_events(vec![CircleEvent::NoShowRecorded {
            request: R1,
            helper: LUKEWARM,
            by: WARM,
        }]);
}

#[test]
fn no_show_is_not_recorded_before_the_window_starts() {
    circle()
        .given(r1_taken_by_coord())
        .when(by(WARM, Action::RecordNoShow { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::HelpNotDue));
}

#[test]
fn no_show_is_recorded_by_whoever_asked_or_a_coordinator_only() {
    for other in [LUKEWARM, FOCUS] {
        circle()
            .given(due_request_taken())
            .when(by(other, Action::RecordNoShow { request: R1 }))
            .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinatorOrAsker));
    }
}

#[test]
fn no_show_needs_someone_who_took_the_request() {
    let mut open = circle_with_members();
    open.push(help_requested(R1, Category::Groceries, WARM));
    let mut finished = due_request_taken();
    finished.push(done(R1, LUKEWARM));
    for events in [open, finished] {
        circle()
            .given(events)
            .when(by(WARM, Action::RecordNoShow { request: R1 }))
            .then_expect_error(DomainError::Refused(Refusal::NobodyTookRequest));
    }
}

#[test]
fn no_show_of_an_unknown_request_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(WARM, Action::RecordNoShow { request: R1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

// ---------------------------------------------------------------- Thank (request)

fn thank_for(thanks_for: ThanksFor, to: PersonId, from: PersonId) -> Action {
    Action::Thank {
        thanks_for,
        to,
        note: Some(sealed(from, "dank je wel!")),
    }
}

#[test]
fn whoever_asked_thanks_the_helper_once_done() {
    let mut events = r1_taken_by_coord();
    events.push(done(R1, COORD));
    circle()
        .given(events)
        .when(by(WARM, thank_for(ThanksFor::Request(R1), COORD, WARM)))
        .then_expect_events(vec![CircleEvent::ThanksGiven {
            thanks_for: ThanksFor::Request(R1),
            from: WARM,
            to: COORD,
            note: Some(sealed(WARM, "dank je wel!")),
        }]);
}

#[test]
fn thanks_for_help_wait_until_it_is_done() {
    let mut confirmed_only = r1_taken_by_coord();
    confirmed_only.push(confirmed(R1, WARM));
    for events in [r1_taken_by_coord(), confirmed_only] {
        circle()
            .given(events)
            .when(by(WARM, thank_for(ThanksFor::Request(R1), COORD, WARM)))
            .then_expect_error(DomainError::Refused(Refusal::ThankHelperWhenDone));
    }
}

#[test]
fn thanks_for_help_go_to_the_helper_only() {
    let mut events = r1_taken_by_coord();
    events.push(done(R1, COORD));
    circle()
        .given(events)
        .when(by(WARM, thank_for(ThanksFor::Request(R1), LUKEWARM, WARM)))
        .then_expect_error(DomainError::Refused(Refusal::ThankHelperWhenDone));
}

#[test]
fn nobody_thanks_themselves() {
    let mut events = r1_taken_by_coord();
    events.push(done(R1, COORD));
    circle()
        .given(events)
        .when(by(COORD, thank_for(ThanksFor::Request(R1), COORD, COORD)))
        .then_expect_error(DomainError::Refused(Refusal::ThankSelf));
}

#[test]
fn a_thank_you_note_is_sealed_with_the_thankers_key() {
    let mut events = r1_taken_by_coord();
    events.push(done(R1, COORD));
    circle()
        .given(events)
        .when(by(WARM, thank_for(ThanksFor::Request(R1), COORD, FOCUS)))
        .then_expect_error(OWN_KEY);
}

#[test]
fn thanks_for_an_unknown_request_are_refused() {
    circle()
        .given(circle_with_members())
        .when(by(WARM, thank_for(ThanksFor::Request(R1), COORD, WARM)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

#[test]
fn a_volunteer_learns_nothing_of_other_requests_through_thanks() {
    let mut events = with_volunteer();
    events.push(help_requested(R2, Category::Chores, WARM));
    events.push(taken(R2, COORD));
    events.push(done(R2, COORD));
    circle()
        .given(events)
        .when(by(
            VOLUNTEER,
            thank_for(ThanksFor::Request(R2), COORD, VOLUNTEER),
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

#[test]
fn only_who_could_see_a_request_thanks_for_it() {
    let mut events = r1_taken_by_coord();
    events.push(done(R1, COORD));
    circle()
        .given(events.clone())
        .when(by(
            LUKEWARM,
            thank_for(ThanksFor::Request(R1), COORD, LUKEWARM),
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
    // Once the request was open to the lukewarm ring, they may.
    let mut events = circle_with_members();
    events.push(help_requested(R1, Category::Groceries, WARM));
    events.push(widened(R1, Ring::Lukewarm));
    events.push(taken(R1, COORD));
    events.push(done(R1, COORD));
    circle()
        .given(events)
        .when(by(
            LUKEWARM,
            thank_for(ThanksFor::Request(R1), COORD, LUKEWARM),
        ))
        .then_expect_events(vec![CircleEvent::ThanksGiven {
            thanks_for: ThanksFor::Request(R1),
            from: LUKEWARM,
            to: COORD,
            note: Some(sealed(LUKEWARM, "dank je wel!")),
        }]);
}

#[test]
fn whoever_asked_thanks_the_volunteer() {
    let mut events = with_volunteer();
    events.push(taken(R1, VOLUNTEER));
    events.push(done(R1, VOLUNTEER));
    circle()
        .given(events)
        .when(by(
            WARM,
            Action::Thank {
                thanks_for: ThanksFor::Request(R1),
                to: VOLUNTEER,
                note: None,
            },
        ))
        .then_expect_events(vec![CircleEvent::ThanksGiven {
            thanks_for: ThanksFor::Request(R1),
            from: WARM,
            to: VOLUNTEER,
            note: None,
        }]);
}

// ---------------------------------------------------------------- Thank (shift)

#[test]
fn thanks_for_a_shift_that_took_place() {
    let mut events = with_shift_since_last_saturday();
    events.push(claimed(last_saturday(), LUKEWARM));
    circle()
        .given(events)
        .when(by(
            FOCUS,
            thank_for(ThanksFor::Shift(S1, last_saturday()), LUKEWARM, FOCUS),
        ))
        .then_expect_events(vec![CircleEvent::ThanksGiven {
            thanks_for: ThanksFor::Shift(S1, last_saturday()),
            from: FOCUS,
            to: LUKEWARM,
            note: Some(sealed(FOCUS, "dank je wel!")),
        }]);
}

#[test]
fn thanks_for_a_shift_wait_until_it_took_place() {
    let mut events = with_shift_since_last_saturday();
    events.push(claimed(saturday(), LUKEWARM));
    circle()
        .given(events)
        .when(by(
            FOCUS,
            thank_for(ThanksFor::Shift(S1, saturday()), LUKEWARM, FOCUS),
        ))
        .then_expect_error(DomainError::Refused(Refusal::ThankAfterShift));
}

#[test]
fn thanks_for_a_shift_go_to_someone_who_was_on_it() {
    let mut events = with_shift_since_last_saturday();
    events.push(claimed(last_saturday(), LUKEWARM));
    circle()
        .given(events)
        .when(by(
            FOCUS,
            thank_for(ThanksFor::Shift(S1, last_saturday()), WARM, FOCUS),
        ))
        .then_expect_error(DomainError::Refused(Refusal::NotOnThatShift));
}

#[test]
fn a_volunteer_does_not_thank_for_shifts() {
    let mut events = with_volunteer();
    events.push(shift_from(
        S1,
        last_saturday(),
        Recurrence::Weekly { until: None },
        2,
        both_rings(),
    ));
    events.push(claimed(last_saturday(), LUKEWARM));
    circle()
        .given(events)
        .when(by(
            VOLUNTEER,
            thank_for(ThanksFor::Shift(S1, last_saturday()), LUKEWARM, VOLUNTEER),
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

#[test]
fn thanks_for_an_unknown_shift_are_refused() {
    circle()
        .given(circle_with_members())
        .when(by(
            FOCUS,
            thank_for(ThanksFor::Shift(S1, last_saturday()), WARM, FOCUS),
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

// ---------------------------------------------------------------- MakeOffer

#[test]
fn a_member_offers_help() {
    circle()
        .given(circle_with_members())
        .when(by(
            LUKEWARM,
            offer(
                vec![Category::Groceries, Category::Visit],
                vec![Category::Finances],
                Capacity::HoursPerWeek(4),
                LUKEWARM,
            ),
        ))
        .then_expect_events(vec![CircleEvent::OfferMade {
            offer: O1,
            by: LUKEWARM,
            will: vec![Category::Groceries, Category::Visit],
            wont: vec![Category::Finances],
            capacity: Capacity::HoursPerWeek(4),
            note: Some(sealed(LUKEWARM, "op woensdag")),
        }]);
}

#[test]
fn the_focus_person_offers_too() {
    circle()
        .given(circle_with_members())
        .when(by(
            FOCUS,
            offer(
                vec![Category::Coffee, Category::EmotionalSupport],
                vec![],
                Capacity::TasksPerMonth(2),
                FOCUS,
            ),
        ))
        .then_expect_events(vec![CircleEvent::OfferMade {
            offer: O1,
            by: FOCUS,
            will: vec![Category::Coffee, Category::EmotionalSupport],
            wont: vec![],
            capacity: Capacity::TasksPerMonth(2),
            note: Some(sealed(FOCUS, "op woensdag")),
        }]);
}

#[test]
fn personal_care_is_offered_from_the_warm_ring_only() {
    for category in [Category::Washing, Category::Dressing, Category::Medication] {
        circle()
            .given(circle_with_members())
            .when(by(
                LUKEWARM,
                offer(
                    vec![Category::Groceries, category],
                    vec![],
                    Capacity::HoursPerWeek(2),
                    LUKEWARM,
                ),
            ))
            .then_expect_error(DomainError::Refused(Refusal::PersonalCareIsProfessional));
        circle()
            .given(circle_with_members())
            .when(by(
                WARM,
                offer(vec![category], vec![], Capacity::HoursPerWeek(2), WARM),
            ))
            .then_expect_events(vec![CircleEvent::OfferMade {
                offer: O1,
                by: WARM,
                will: vec![category],
                wont: vec![],
                capacity: Capacity::HoursPerWeek(2),
                note: Some(sealed(WARM, "op woensdag")),
            }]);
    }
}

#[test]
fn an_offer_names_at_least_one_kind_of_help() {
    circle()
        .given(circle_with_members())
        .when(by(
            WARM,
            offer(
                vec![],
                vec![Category::Finances],
                Capacity::HoursPerWeek(2),
                WARM,
            ),
        ))
        .then_expect_error(DomainError::Refused(Refusal::OfferNeedsHelp));
}

#[test]
fn an_offer_does_not_both_give_and_decline_a_kind_of_help() {
    circle()
        .given(circle_with_members())
        .when(by(
            WARM,
            offer(
                vec![Category::Groceries, Category::Walk],
                vec![Category::Walk],
                Capacity::HoursPerWeek(2),
                WARM,
            ),
        ))
        .then_expect_error(DomainError::Refused(Refusal::OfferedAndDeclined));
}

#[test]
fn capacity_stays_within_bounds() {
    for capacity in [
        Capacity::HoursPerWeek(0),
        Capacity::HoursPerWeek(81),
        Capacity::TasksPerMonth(0),
        Capacity::TasksPerMonth(61),
    ] {
        circle()
            .given(circle_with_members())
            .when(by(
                WARM,
                offer(vec![Category::Groceries], vec![], capacity, WARM),
            ))
            .then_expect_error(DomainError::Refused(Refusal::Capacity));
    }
    for capacity in [
        Capacity::HoursPerWeek(1),
        Capacity::HoursPerWeek(80),
        Capacity::TasksPerMonth(1),
        Capacity::TasksPerMonth(60),
    ] {
        circle()
            .given(circle_with_members())
            .when(by(
                WARM,
                offer(vec![Category::Groceries], vec![], capacity, WARM),
            ))
            .then_expect_events(vec![CircleEvent::OfferMade {
                offer: O1,
                by: WARM,
                will: vec![Category::Groceries],
                wont: vec![],
                capacity,
                note: Some(sealed(WARM, "op woensdag")),
            }]);
    }
}

#[test]
fn an_offers_note_is_sealed_by_the_offerer() {
    circle()
        .given(circle_with_members())
        .when(by(
            WARM,
            offer(
                vec![Category::Groceries],
                vec![],
                Capacity::HoursPerWeek(2),
                COORD,
            ),
        ))
        .then_expect_error(OWN_KEY);
}

#[test]
fn an_offer_id_is_used_once() {
    let mut events = circle_with_members();
    events.push(offer_made(WARM, vec![Category::Groceries]));
    circle()
        .given(events)
        .when(by(
            LUKEWARM,
            offer(
                vec![Category::Walk],
                vec![],
                Capacity::HoursPerWeek(2),
                LUKEWARM,
            ),
        ))
        .then_expect_error(DomainError::Refused(Refusal::OfferExists));
}

#[test]
fn a_volunteer_does_not_make_offers() {
    circle()
        .given(with_volunteer())
        .when(by(
            VOLUNTEER,
            offer(
                vec![Category::Walk],
                vec![],
                Capacity::HoursPerWeek(2),
                VOLUNTEER,
            ),
        ))
        .then_expect_error(COLD_MAY_NOT);
}

// ---------------------------------------------------------------- WithdrawOffer

#[test]
fn the_offerer_or_a_coordinator_withdraws_an_offer() {
    let mut events = circle_with_members();
    events.push(offer_made(LUKEWARM, vec![Category::Walk]));
    for withdrawer in [LUKEWARM, COORD] {
        circle()
            .given(events.clone())
            .when(by(withdrawer, Action::WithdrawOffer { offer: O1 }))
            .then_expect_events(vec![CircleEvent::OfferWithdrawn {
                offer: O1,
                by: withdrawer,
            }]);
    }
}

#[test]
fn others_do_not_withdraw_an_offer() {
    let mut events = circle_with_members();
    events.push(offer_made(LUKEWARM, vec![Category::Walk]));
    circle()
        .given(events)
        .when(by(WARM, Action::WithdrawOffer { offer: O1 }))
        .then_expect_error(DomainError::Refused(Refusal::OnlyOfferMakerOrCoordinator));
}

#[test]
fn an_offer_is_withdrawn_once() {
    let mut events = circle_with_members();
    events.push(offer_made(LUKEWARM, vec![Category::Walk]));
    events.push(CircleEvent::OfferWithdrawn {
        offer: O1,
        by: LUKEWARM,
    });
    circle()
        .given(events)
        .when(by(LUKEWARM, Action::WithdrawOffer { offer: O1 }))
        .then_expect_error(DomainError::Refused(Refusal::OfferWithdrawn));
}

#[test]
fn withdrawing_an_unknown_offer_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(LUKEWARM, Action::WithdrawOffer { offer: O1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchOffer));
}

// ---------------------------------------------------------------- ScheduleShift

#[test]
fn a_coordinator_schedules_a_weekly_shift_and_duplicate_rings_go() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            schedule(
                local(saturday(), 10),
                Recurrence::Weekly {
                    until: Some(saturday_plus(4)),
                },
                2,
                vec![Ring::Lukewarm, Ring::Warm, Ring::Lukewarm, Ring::Warm],
            ),
        ))
        .then_expect_events(vec![CircleEvent::ShiftScheduled {
            shift: S1,
            title: sealed(COORD, "Bij mam op bezoek"),
            starts: local(saturday(), 10),
            duration: mins(120),
            recurrence: Recurrence::Weekly {
                until: Some(saturday_plus(4)),
            },
            helpers_needed: 2,
            rings: vec![Ring::Warm, Ring::Lukewarm],
            by: COORD,
        }]);
}

#[test]
fn only_a_coordinator_schedules_a_shift() {
    circle()
        .given(circle_with_members())
        .when(by(
            WARM,
            schedule(local(saturday(), 10), Recurrence::Once, 1, vec![Ring::Warm]),
        ))
        .then_expect_error(COORDINATORS_ONLY);
}

#[test]
fn a_shift_id_is_used_once() {
    circle()
        .given(with_weekly_shift(1))
        .when(by(
            COORD,
            schedule(local(sunday(), 10), Recurrence::Once, 1, vec![Ring::Warm]),
        ))
        .then_expect_error(DomainError::Refused(Refusal::ShiftExists));
}

#[test]
fn a_shift_needs_up_to_ten_helpers_or_none_for_professionals() {
    for helpers in [11, u8::MAX] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                schedule(
                    local(saturday(), 10),
                    Recurrence::Once,
                    helpers,
                    vec![Ring::Warm],
                ),
            ))
            .then_expect_error(DomainError::Refused(Refusal::ShiftHelpers));
    }
    for helpers in [0, 1, 10] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                schedule(
                    local(saturday(), 10),
                    Recurrence::Once,
                    helpers,
                    vec![Ring::Warm],
                ),
            ))
            .then_expect_events(vec![CircleEvent::ShiftScheduled {
                shift: S1,
                title: sealed(COORD, "Bij mam op bezoek"),
                starts: local(saturday(), 10),
                duration: mins(120),
                recurrence: Recurrence::Once,
                helpers_needed: helpers,
                rings: vec![Ring::Warm],
                by: COORD,
            }]);
    }
}

#[test]
fn a_shift_is_open_to_the_warm_or_lukewarm_ring() {
    for rings in [
        vec![],
        vec![Ring::Cold],
        vec![Ring::Warm, Ring::Cold],
        vec![Ring::Warm, Ring::Lukewarm, Ring::Cold],
    ] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                schedule(local(saturday(), 10), Recurrence::Once, 1, rings),
            ))
            .then_expect_error(DomainError::Refused(Refusal::ShiftRings));
    }
}

#[test]
fn a_weekly_shift_does_not_end_before_it_starts() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            schedule(
                local(saturday(), 10),
                Recurrence::Weekly {
                    until: Some(saturday() - Duration::days(1)),
                },
                1,
                vec![Ring::Warm],
            ),
        ))
        .then_expect_error(DomainError::Refused(Refusal::WeeklyShiftEndsBeforeStart));
    // Ending on its first day is a single occurrence, and fine.
    let events = circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            schedule(
                local(saturday(), 10),
                Recurrence::Weekly {
                    until: Some(saturday()),
                },
                1,
                vec![Ring::Warm],
            ),
        ))
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].name(), "ShiftScheduled");
}

#[test]
fn a_shift_starts_in_the_future_in_the_circles_time_zone() {
    let today = now().date_naive();
    // 10:00 and 11:00 in Amsterdam are 09:00 and 10:00 UTC: not after now.
    for hour in [10, 11] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                schedule(local(today, hour), Recurrence::Once, 1, vec![Ring::Warm]),
            ))
            .then_expect_error(DomainError::Refused(Refusal::ShiftInPast));
    }
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            schedule(
                local(last_saturday(), 10),
                Recurrence::Weekly { until: None },
                1,
                vec![Ring::Warm],
            ),
        ))
        .then_expect_error(DomainError::Refused(Refusal::ShiftInPast));
    // 12:00 in Amsterdam is 11:00 UTC, an hour from now.
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            schedule(local(today, 12), Recurrence::Once, 1, vec![Ring::Warm]),
        ))
        .then_expect_events(vec![CircleEvent::ShiftScheduled {
            shift: S1,
            title: sealed(COORD, "Bij mam op bezoek"),
            starts: local(today, 12),
            duration: mins(120),
            recurrence: Recurrence::Once,
            helpers_needed: 1,
            rings: vec![Ring::Warm],
            by: COORD,
        }]);
}

#[test]
fn a_shifts_title_is_sealed_by_the_coordinator() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            Action::ScheduleShift {
                shift: S1,
                title: sealed(FOCUS, "Bij mam op bezoek"),
                starts: local(saturday(), 10),
                duration: mins(120),
                recurrence: Recurrence::Once,
                helpers_needed: 1,
                rings: vec![Ring::Warm],
            },
        ))
        .then_expect_error(OWN_KEY);
}

// ---------------------------------------------------------------- SkipShiftDate

#[test]
fn a_coordinator_skips_a_date() {
    circle()
        .given(with_weekly_shift(1))
        .when(by(
            COORD,
            Action::SkipShiftDate {
                shift: S1,
                date: saturday_plus(1),
            },
        ))
        .then_expect_events(vec![CircleEvent::ShiftDateSkipped {
            shift: S1,
            date: saturday_plus(1),
            by: COORD,
        }]);
}

#[test]
fn only_a_coordinator_skips_a_date() {
    circle()
        .given(with_weekly_shift(1))
        .when(by(
            WARM,
            Action::SkipShiftDate {
                shift: S1,
                date: saturday(),
            },
        ))
        .then_expect_error(COORDINATORS_ONLY);
}

#[test]
fn skipping_a_date_of_an_unknown_shift_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            Action::SkipShiftDate {
                shift: S1,
                date: saturday(),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

#[test]
fn only_a_date_the_shift_occurs_on_is_skipped() {
    let mut events = with_weekly_shift(1);
    events.push(CircleEvent::ShiftDateSkipped {
        shift: S1,
        date: saturday_plus(1),
        by: COORD,
    });
    for date in [sunday(), last_saturday(), saturday_plus(1)] {
        circle()
            .given(events.clone())
            .when(by(COORD, Action::SkipShiftDate { shift: S1, date }))
            .then_expect_error(DomainError::Refused(Refusal::NoShiftOnDate));
    }
}

#[test]
fn skipping_a_date_drops_its_claims() {
    let mut events = with_weekly_shift(1);
    events.push(claimed(saturday(), WARM));
    events.push(claimed(saturday_plus(1), LUKEWARM));
    let skipped = CircleEvent::ShiftDateSkipped {
        shift: S1,
        date: saturday(),
        by: COORD,
    };

    // As the circle records it.
    let mut state = Circle::default();
    for event in events.iter().cloned().chain([skipped.clone()]) {
        state.apply(event);
    }
    assert!(state.shifts[&S1].claims_on(saturday()).is_empty());
    assert_eq!(state.shifts[&S1].claims_on(saturday_plus(1)), &[LUKEWARM]);

    events.push(skipped);
    // WARM is no longer on the skipped date, so has nothing to release there…
    circle()
        .given(events.clone())
        .when(by(WARM, release(saturday(), WARM)))
        .then_expect_error(DomainError::Refused(Refusal::YouAreNotOnShift));
    // …and nobody can claim the skipped date again.
    circle()
        .given(events.clone())
        .when(by(WARM, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::NoShiftOnDate));
    // The next free Saturday can be claimed by WARM as before.
    circle()
        .given(events)
        .when(by(WARM, claim(saturday_plus(2))))
        .then_expect_events(vec![claimed(saturday_plus(2), WARM)]);
}

// ---------------------------------------------------------------- ClaimShift

#[test]
fn a_member_claims_a_shift() {
    for member in [WARM, LUKEWARM, FOCUS, COORD] {
        circle()
            .given(with_weekly_shift(1))
            .when(by(member, claim(saturday())))
            .then_expect_events(vec![claimed(saturday(), member)]);
    }
}

#[test]
fn a_weekly_shift_occurs_on_later_saturdays() {
    for weeks in [1, 2, 10, 52] {
        circle()
            .given(with_weekly_shift(1))
            .when(by(WARM, claim(saturday_plus(weeks))))
            .then_expect_events(vec![claimed(saturday_plus(weeks), WARM)]);
    }
}

#[test]
fn a_weekly_shift_does_not_occur_on_other_days() {
    for date in [
        sunday(),
        saturday() - Duration::days(1),
        saturday_plus(1) + Duration::days(3),
        last_saturday(),
        saturday_plus(-2),
    ] {
        circle()
            .given(with_weekly_shift(1))
            .when(by(WARM, claim(date)))
            .then_expect_error(DomainError::Refused(Refusal::NoShiftOnDate));
    }
}

#[test]
fn a_weekly_shift_ends_after_until() {
    let mut events = circle_with_members();
    events.push(shift_from(
        S1,
        saturday(),
        Recurrence::Weekly {
            until: Some(saturday_plus(1)),
        },
        1,
        both_rings(),
    ));
    circle()
        .given(events.clone())
        .when(by(WARM, claim(saturday_plus(1))))
        .then_expect_events(vec![claimed(saturday_plus(1), WARM)]);
    circle()
        .given(events)
        .when(by(WARM, claim(saturday_plus(2))))
        .then_expect_error(DomainError::Refused(Refusal::NoShiftOnDate));
}

#[test]
fn a_single_shift_occurs_once() {
    let mut events = circle_with_members();
    events.push(shift_from(
        S1,
        saturday(),
        Recurrence::Once,
        1,
        both_rings(),
    ));
    circle()
        .given(events.clone())
        .when(by(WARM, claim(saturday())))
        .then_expect_events(vec![claimed(saturday(), WARM)]);
    circle()
        .given(events)
        .when(by(WARM, claim(saturday_plus(1))))
        .then_expect_error(DomainError::Refused(Refusal::NoShiftOnDate));
}

#[test]
fn a_skipped_date_is_not_claimed() {
    let mut events = with_weekly_shift(1);
    events.push(CircleEvent::ShiftDateSkipped {
        shift: S1,
        date: saturday_plus(1),
        by: COORD,
    });
    circle()
        .given(events)
        .when(by(WARM, claim(saturday_plus(1))))
        .then_expect_error(DomainError::Refused(Refusal::NoShiftOnDate));
}

#[test]
fn a_shift_is_claimed_by_the_rings_it_is_open_to() {
    let mut events = circle_with_members();
    events.push(weekly_shift_scheduled(S1, vec![Ring::Warm], 2));
    circle()
        .given(events)
        .when(by(LUKEWARM, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::OnlyShiftRings));
    let mut events = circle_with_members();
    events.push(weekly_shift_scheduled(S1, vec![Ring::Lukewarm], 2));
    circle()
        .given(events.clone())
        .when(by(WARM, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::OnlyShiftRings));
    circle()
        .given(events)
        .when(by(LUKEWARM, claim(saturday())))
        .then_expect_events(vec![claimed(saturday(), LUKEWARM)]);
}

#[test]
fn a_volunteer_does_not_claim_shifts() {
    let mut events = with_volunteer();
    events.push(weekly_shift_scheduled(S1, both_rings(), 2));
    circle()
        .given(events)
        .when(by(VOLUNTEER, claim(saturday())))
        .then_expect_error(COLD_MAY_NOT);
}

#[test]
fn a_past_occurrence_is_not_claimed() {
    circle()
        .given(with_shift_since_last_saturday())
        .when(by(WARM, claim(last_saturday())))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
    // The shift that is on now (today is a Tuesday, so a shift from today 10:30
    // Amsterdam time, 09:30 UTC).
    let mut events = circle_with_members();
    events.push(CircleEvent::ShiftScheduled {
        shift: S2,
        title: sealed(COORD, "Ochtend"),
        starts: now().date_naive().and_hms_opt(10, 30, 0).unwrap(),
        duration: mins(120),
        recurrence: Recurrence::Weekly { until: None },
        helpers_needed: 1,
        rings: both_rings(),
        by: COORD,
    });
    circle()
        .given(events)
        .when(by(
            WARM,
            Action::ClaimShift {
                shift: S2,
                date: now().date_naive(),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
}

#[test]
fn a_shift_since_last_saturday_is_claimed_this_saturday() {
    circle()
        .given(with_shift_since_last_saturday())
        .when(by(WARM, claim(saturday())))
        .then_expect_events(vec![claimed(saturday(), WARM)]);
}

#[test]
fn nobody_claims_the_same_date_twice() {
    let mut events = with_weekly_shift(3);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyOnShift));
}

#[test]
fn a_shift_takes_no_more_helpers_than_it_needs() {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events.clone())
        .when(by(LUKEWARM, claim(saturday())))
        .then_expect_events(vec![claimed(saturday(), LUKEWARM)]);
    events.push(claimed(saturday(), LUKEWARM));
    circle()
        .given(events.clone())
        .when(by(COORD, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::ShiftFull));
    // Another Saturday is still open.
    circle()
        .given(events)
        .when(by(COORD, claim(saturday_plus(1))))
        .then_expect_events(vec![claimed(saturday_plus(1), COORD)]);
}

#[test]
fn claiming_an_unknown_shift_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(WARM, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

// ---------------------------------------------------------------- ReleaseShift

#[test]
fn a_member_releases_their_claim() {
    let mut events = with_weekly_shift(1);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, release(saturday(), WARM)))
        .then_expect_events(vec![CircleEvent::ShiftReleased {
            shift: S1,
            date: saturday(),
            by: WARM,
            reason: sealed(WARM, "ziek"),
        }]);
}

#[test]
fn only_your_own_claim_is_released() {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    for other in [LUKEWARM, COORD] {
        circle()
            .given(events.clone())
            .when(by(other, release(saturday(), other)))
            .then_expect_error(DomainError::Refused(Refusal::YouAreNotOnShift));
    }
    circle()
        .given(events)
        .when(by(WARM, release(saturday_plus(1), WARM)))
        .then_expect_error(DomainError::Refused(Refusal::YouAreNotOnShift));
}

#[test]
fn a_started_shift_is_not_released() {
    let mut events = with_shift_since_last_saturday();
    events.push(claimed(last_saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, release(last_saturday(), WARM)))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
}

#[test]
fn the_reason_for_releasing_is_sealed_by_the_member() {
    let mut events = with_weekly_shift(1);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, release(saturday(), COORD)))
        .then_expect_error(OWN_KEY);
}

#[test]
fn releasing_an_unknown_shift_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(WARM, release(saturday(), WARM)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

#[test]
fn a_released_slot_is_open_again() {
    let mut events = with_weekly_shift(1);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events.clone())
        .when(by(LUKEWARM, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::ShiftFull));
    events.push(CircleEvent::ShiftReleased {
        shift: S1,
        date: saturday(),
        by: WARM,
        reason: sealed(WARM, "ziek"),
    });
    circle()
        .given(events)
        .when(by(LUKEWARM, claim(saturday())))
        .then_expect_events(vec![claimed(saturday(), LUKEWARM)]);
}

/// A family expects a member who is gone to be gone from the rota too: their
/// claim on a coming Saturday must not keep the slot taken for ever (nobody
/// else can release it).
#[test]
fn a_member_who_leaves_frees_their_coming_shifts() {
    for gone in [
        CircleEvent::MemberLeft {
            person: WARM,
            at: now(),
        },
        CircleEvent::MemberRemoved {
            person: WARM,
            by: COORD,
            at: now(),
        },
    ] {
        let mut events = with_weekly_shift(1);
        events.push(claimed(saturday(), WARM));
        events.push(gone);
        circle()
            .given(events)
            .when(by(LUKEWARM, claim(saturday())))
            .then_expect_events(vec![claimed(saturday(), LUKEWARM)]);
    }
}

// ---------------------------------------------------------------- ProposeSwap

#[test]
fn a_member_proposes_a_swap() {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, propose(W1, saturday(), LUKEWARM)))
        .then_expect_events(vec![swap_proposed(W1, saturday(), WARM, LUKEWARM)]);
}

#[test]
fn a_swap_id_is_used_once() {
    let mut events = with_swap_proposed();
    events.push(claimed(saturday_plus(1), COORD));
    circle()
        .given(events)
        .when(by(COORD, propose(W1, saturday_plus(1), FOCUS)))
        .then_expect_error(DomainError::Refused(Refusal::SwapExists));
}

#[test]
fn a_swap_of_an_unknown_shift_is_refused() {
    circle()
        .given(circle_with_members())
        .when(by(WARM, propose(W1, saturday(), LUKEWARM)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

#[test]
fn only_someone_on_the_shift_proposes_a_swap() {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events.clone())
        .when(by(COORD, propose(W1, saturday(), LUKEWARM)))
        .then_expect_error(DomainError::Refused(Refusal::YouAreNotOnShift));
    circle()
        .given(events)
        .when(by(WARM, propose(W1, saturday_plus(1), LUKEWARM)))
        .then_expect_error(DomainError::Refused(Refusal::YouAreNotOnShift));
}

#[test]
fn nobody_swaps_with_themselves() {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, propose(W1, saturday(), WARM)))
        .then_expect_error(DomainError::Refused(Refusal::SwapWithSelf));
}

#[test]
fn a_swap_is_with_a_member() {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, propose(W1, saturday(), STRANGER)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchMember));
}

#[test]
fn a_swap_is_with_a_ring_the_shift_is_open_to() {
    let mut events = with_volunteer();
    events.push(weekly_shift_scheduled(S1, vec![Ring::Warm], 2));
    events.push(claimed(saturday(), WARM));
    for to in [LUKEWARM, VOLUNTEER] {
        circle()
            .given(events.clone())
            .when(by(WARM, propose(W1, saturday(), to)))
            .then_expect_error(DomainError::Refused(Refusal::SwapRingNotOnShift));
    }
}

#[test]
fn a_swap_is_with_someone_not_yet_on_the_shift() {
    let mut events = with_weekly_shift(2);
    events.push(claimed(saturday(), WARM));
    events.push(claimed(saturday(), LUKEWARM));
    circle()
        .given(events)
        .when(by(WARM, propose(W1, saturday(), LUKEWARM)))
        .then_expect_error(DomainError::Refused(Refusal::SwapMemberAlreadyOnShift));
}

#[test]
fn a_started_shift_is_not_swapped() {
    let mut events = with_shift_since_last_saturday();
    events.push(claimed(last_saturday(), WARM));
    circle()
        .given(events)
        .when(by(WARM, propose(W1, last_saturday(), LUKEWARM)))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
}

#[test]
fn one_open_swap_per_shift_date() {
    circle()
        .given(with_swap_proposed())
        .when(by(WARM, propose(W2, saturday(), COORD)))
        .then_expect_error(DomainError::Refused(Refusal::SwapAlreadyAsked));
    // Once that swap is declined, another may be proposed.
    let mut events = with_swap_proposed();
    events.push(CircleEvent::SwapDeclined {
        swap: W1,
        by: LUKEWARM,
    });
    circle()
        .given(events)
        .when(by(WARM, propose(W2, saturday(), COORD)))
        .then_expect_events(vec![swap_proposed(W2, saturday(), WARM, COORD)]);
}

#[test]
fn a_volunteer_does_not_propose_swaps() {
    let mut events = with_volunteer();
    events.push(weekly_shift_scheduled(S1, both_rings(), 2));
    circle()
        .given(events)
        .when(by(VOLUNTEER, propose(W1, saturday(), WARM)))
        .then_expect_error(COLD_MAY_NOT);
}

// ---------------------------------------------------------------- AcceptSwap

#[test]
fn the_member_asked_accepts_a_swap() {
    circle()
        .given(with_swap_proposed())
        .when(by(LUKEWARM, Action::AcceptSwap { swap: W1 }))
        .then_expect_events(vec![CircleEvent::SwapAccepted {
            swap: W1,
            by: LUKEWARM,
        }]);
}

#[test]
fn accepting_a_swap_moves_the_claim() {
    let mut events = with_swap_proposed();
    events.push(CircleEvent::SwapAccepted {
        swap: W1,
        by: LUKEWARM,
    });
    let mut state = Circle::default();
    for event in events.iter().cloned() {
        state.apply(event);
    }
    assert_eq!(state.shifts[&S1].claims_on(saturday()), &[LUKEWARM]);

    // The proposer is free again, and may claim the date anew…
    circle()
        .given(events.clone())
        .when(by(WARM, claim(saturday())))
        .then_expect_events(vec![claimed(saturday(), WARM)]);
    // …while the member who accepted is on it already.
    circle()
        .given(events.clone())
        .when(by(LUKEWARM, claim(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyOnShift));
    // The claim is now the acceptor's to release, not the proposer's.
    circle()
        .given(events.clone())
        .when(by(WARM, release(saturday(), WARM)))
        .then_expect_error(DomainError::Refused(Refusal::YouAreNotOnShift));
    circle()
        .given(events)
        .when(by(LUKEWARM, release(saturday(), LUKEWARM)))
        .then_expect_events(vec![CircleEvent::ShiftReleased {
            shift: S1,
            date: saturday(),
            by: LUKEWARM,
            reason: sealed(LUKEWARM, "ziek"),
        }]);
}

#[test]
fn accepting_an_unknown_swap_is_refused() {
    circle()
        .given(with_weekly_shift(2))
        .when(by(LUKEWARM, Action::AcceptSwap { swap: W1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchSwap));
}

#[test]
fn only_the_member_asked_accepts_a_swap() {
    for other in [WARM, COORD, FOCUS] {
        circle()
            .given(with_swap_proposed())
            .when(by(other, Action::AcceptSwap { swap: W1 }))
            .then_expect_error(DomainError::Refused(Refusal::OnlyAskedToSwap));
    }
}

#[test]
fn a_settled_swap_is_not_accepted() {
    for settled in [
        CircleEvent::SwapDeclined {
            swap: W1,
            by: LUKEWARM,
        },
        CircleEvent::SwapDeclined { swap: W1, by: WARM },
        CircleEvent::SwapAccepted {
            swap: W1,
            by: LUKEWARM,
        },
    ] {
        let mut events = with_swap_proposed();
        events.push(settled);
        circle()
            .given(events)
            .when(by(LUKEWARM, Action::AcceptSwap { swap: W1 }))
            .then_expect_error(DomainError::Refused(Refusal::SwapSettled));
    }
}

#[test]
fn a_swap_is_not_accepted_once_the_shift_changed() {
    let released = CircleEvent::ShiftReleased {
        shift: S1,
        date: saturday(),
        by: WARM,
        reason: sealed(WARM, "ziek"),
    };
    let acceptor_claimed = claimed(saturday(), LUKEWARM);
    let skipped = CircleEvent::ShiftDateSkipped {
        shift: S1,
        date: saturday(),
        by: COORD,
    };
    for change in [released, acceptor_claimed, skipped] {
        let mut events = with_swap_proposed();
        events.push(change);
        circle()
            .given(events)
            .when(by(LUKEWARM, Action::AcceptSwap { swap: W1 }))
            .then_expect_error(DomainError::Refused(Refusal::ShiftChangedSinceSwap));
    }
}

#[test]
fn a_swap_is_accepted_only_from_a_ring_the_shift_is_open_to() {
    let mut events = circle_with_members();
    events.push(weekly_shift_scheduled(S1, vec![Ring::Warm], 2));
    events.push(claimed(saturday(), COORD));
    events.push(swap_proposed(W1, saturday(), COORD, WARM));
    events.push(CircleEvent::MemberRingChanged {
        person: WARM,
        ring: Ring::Lukewarm,
        by: COORD,
    });
    circle()
        .given(events)
        .when(by(WARM, Action::AcceptSwap { swap: W1 }))
        .then_expect_error(DomainError::Refused(Refusal::OnlyShiftRings));
}

#[test]
fn a_swap_is_not_accepted_once_the_shift_started() {
    let mut events = with_shift_since_last_saturday();
    events.push(claimed(saturday(), WARM));
    events.push(swap_proposed(W1, saturday(), WARM, LUKEWARM));
    // Saturday 10:00 in Amsterdam is 09:00 UTC.
    let saturday_morning = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    circle_at(saturday_morning)
        .given(events.clone())
        .when(by(LUKEWARM, Action::AcceptSwap { swap: W1 }))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
    circle_at(saturday_morning - Duration::minutes(1))
        .given(events)
        .when(by(LUKEWARM, Action::AcceptSwap { swap: W1 }))
        .then_expect_events(vec![CircleEvent::SwapAccepted {
            swap: W1,
            by: LUKEWARM,
        }]);
}

// ---------------------------------------------------------------- DeclineSwap

#[test]
fn either_member_of_a_swap_declines_it() {
    for decliner in [LUKEWARM, WARM] {
        circle()
            .given(with_swap_proposed())
            .when(by(decliner, Action::DeclineSwap { swap: W1 }))
            .then_expect_events(vec![CircleEvent::SwapDeclined {
                swap: W1,
                by: decliner,
            }]);
    }
}

#[test]
fn others_do_not_decline_a_swap() {
    for other in [COORD, FOCUS] {
        circle()
            .given(with_swap_proposed())
            .when(by(other, Action::DeclineSwap { swap: W1 }))
            .then_expect_error(DomainError::Refused(Refusal::OnlySwapMembers));
    }
}

#[test]
fn a_settled_swap_is_not_declined() {
    for settled in [
        CircleEvent::SwapDeclined {
            swap: W1,
            by: LUKEWARM,
        },
        CircleEvent::SwapAccepted {
            swap: W1,
            by: LUKEWARM,
        },
    ] {
        let mut events = with_swap_proposed();
        events.push(settled);
        circle()
            .given(events)
            .when(by(WARM, Action::DeclineSwap { swap: W1 }))
            .then_expect_error(DomainError::Refused(Refusal::SwapSettled));
    }
}

#[test]
fn declining_an_unknown_swap_is_refused() {
    circle()
        .given(with_weekly_shift(2))
        .when(by(WARM, Action::DeclineSwap { swap: W1 }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchSwap));
}

#[test]
fn a_declined_swap_leaves_the_claim_where_it_was() {
    let mut events = with_swap_proposed();
    events.push(CircleEvent::SwapDeclined {
        swap: W1,
        by: LUKEWARM,
    });
    let mut state = Circle::default();
    for event in events {
        state.apply(event);
    }
    assert_eq!(state.shifts[&S1].claims_on(saturday()), &[WARM]);
}

// ---------------------------------------------------------------- time zone

/// A weekly shift at 10:00 in Amsterdam stays at 10:00 there when the clocks
/// go back on Sunday 2026-10-25: 08:00 UTC before, 09:00 UTC after.
#[test]
fn a_recurring_shift_keeps_its_local_time_across_the_end_of_summer_time() {
    let first = date(2026, 10, 10);
    let mut state = Circle::default();
    state.apply(created());
    state.apply(shift_from(
        S1,
        first,
        Recurrence::Weekly { until: None },
        1,
        both_rings(),
    ));
    let shift = &state.shifts[&S1];
    for (date, expected) in [
        (date(2026, 10, 10), utc(2026, 10, 10, 8)),
        (date(2026, 10, 17), utc(2026, 10, 17, 8)),
        (date(2026, 10, 24), utc(2026, 10, 24, 8)),
        (date(2026, 10, 31), utc(2026, 10, 31, 9)),
        (date(2026, 11, 7), utc(2026, 11, 7, 9)),
        (saturday(), utc(2026, 11, 28, 9)),
    ] {
        assert!(shift.occurs_on(date), "{date} is an occurrence");
        assert_eq!(shift.start_on(date, &state.time_zone), expected, "{date}");
    }
    // And in summer time again after the clocks go forward (29 March 2027).
    assert_eq!(
        shift.start_on(date(2027, 4, 3), &state.time_zone),
        utc(2027, 4, 3, 8)
    );
}

/// The rules use the local start too: at 08:30 UTC on 31 October (09:30 in
/// Amsterdam) that day's 10:00 shift has not started yet.
#[test]
fn claims_follow_the_local_start_after_the_clocks_go_back() {
    let mut events = circle_with_members();
    events.push(shift_from(
        S1,
        date(2026, 10, 10),
        Recurrence::Weekly { until: None },
        1,
        both_rings(),
    ));
    let halloween = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 10, 31, h, m, 0).unwrap();
    circle_at(halloween(8, 30))
        .given(events.clone())
        .when(by(WARM, claim(date(2026, 10, 31))))
        .then_expect_events(vec![claimed(date(2026, 10, 31), WARM)]);
    circle_at(halloween(9, 0))
        .given(events)
        .when(by(WARM, claim(date(2026, 10, 31))))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
}

// ------------------------------------------------- the past stays on the record

/// A weekly Saturday 10:00 shift that started in October, so some dates are past.
fn shift_since_october() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    let mut shift = weekly_shift_scheduled(S1, both_rings(), 2);
    if let CircleEvent::ShiftScheduled { starts, .. } = &mut shift {
        *starts = local(NaiveDate::from_ymd_opt(2026, 10, 10).unwrap(), 10);
    }
    events.push(shift);
    events
}

#[test]
fn a_date_that_has_passed_cannot_be_skipped() {
    circle()
        .given(shift_since_october())
        .when(by(
            COORD,
            Action::SkipShiftDate {
                shift: S1,
                date: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
}

#[test]
fn a_shift_is_thanked_for_once_it_is_over() {
    let last_saturday = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let mut events = shift_since_october();
    events.push(claimed(last_saturday, WARM));
    circle()
        .given(events)
        .when(by(
            COORD,
            Action::Thank {
                thanks_for: ThanksFor::Shift(S1, last_saturday),
                to: WARM,
                note: None,
            },
        ))
        .then_expect_events(vec![CircleEvent::ThanksGiven {
            thanks_for: ThanksFor::Shift(S1, last_saturday),
            from: COORD,
            to: WARM,
            note: None,
        }]);
}

#[test]
fn a_shift_still_under_way_is_not_thanked_for_yet() {
    // Today (Tuesday) 10:30 Amsterdam = 09:30 UTC, two hours: still running at 10:00 UTC.
    let today = now().date_naive();
    let mut events = circle_with_members();
    events.push(CircleEvent::ShiftScheduled {
        shift: S2,
        title: sealed(COORD, "Koffie"),
        starts: today.and_hms_opt(10, 30, 0).unwrap(),
        duration: Minutes::new(120).unwrap(),
        recurrence: Recurrence::Once,
        helpers_needed: 1,
        rings: both_rings(),
        by: COORD,
    });
    events.push(CircleEvent::ShiftClaimed {
        shift: S2,
        date: today,
        by: WARM,
    });
    circle()
        .given(events)
        .when(by(
            COORD,
            Action::Thank {
                thanks_for: ThanksFor::Shift(S2, today),
                to: WARM,
                note: None,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::ThankAfterShift));
}

#[test]
fn a_request_whose_time_has_passed_cannot_be_taken() {
    let mut events = circle_with_members();
    events.push(CircleEvent::HelpRequested {
        request: id(77),
        category: Category::Groceries,
        window: window(-5, -1),
        duration: Minutes::new(60).unwrap(),
        details: sealed(COORD, "boodschappen"),
        asked_by: COORD,
        on_behalf_of_focus: false,
    });
    circle()
        .given(events)
        .when(by(WARM, Action::TakeRequest { request: id(77) }))
        .then_expect_error(DomainError::Refused(Refusal::HelpTimePassed));
}

#[test]
fn a_lukewarm_member_thanks_the_helper_of_their_own_request() {
    let mut events = circle_with_members();
    events.push(help_requested(id(78), Category::Groceries, LUKEWARM));
    events.push(CircleEvent::RequestTaken {
        request: id(78),
        by: WARM,
    });
    events.push(CircleEvent::RequestDone {
        request: id(78),
        by: WARM,
    });
    circle()
        .given(events)
        .when(by(
            LUKEWARM,
            Action::Thank {
                thanks_for: ThanksFor::Request(id(78)),
                to: WARM,
                note: None,
            },
        ))
        .then_expect_events(vec![CircleEvent::ThanksGiven {
            thanks_for: ThanksFor::Request(id(78)),
            from: LUKEWARM,
            to: WARM,
            note: None,
        }]);
}

#[test]
fn minutes_and_windows_read_from_json_keep_their_rules() {
    assert!(serde_json::from_str::<Minutes>("0").is_err());
    assert_eq!(
        serde_json::from_str::<Minutes>("30").unwrap(),
        Minutes::new(30).unwrap()
    );
    let backwards = r#"{"start":"2026-11-25T10:00:00Z","end":"2026-11-25T09:00:00Z"}"#;
    assert!(serde_json::from_str::<TimeWindow>(backwards).is_err());
    let fine = r#"{"start":"2026-11-25T09:00:00Z","end":"2026-11-25T10:00:00Z"}"#;
    assert_eq!(
        serde_json::to_string(&serde_json::from_str::<TimeWindow>(fine).unwrap()).unwrap(),
        fine
    );
}

/// A visit by professionals (0 helpers) is on the rota for context: nobody
/// takes it, whatever their ring.
#[test]
fn nobody_takes_a_professionals_visit() {
    let given = with_weekly_shift(0);
    for person in [COORD, WARM, LUKEWARM] {
        circle()
            .given(given.clone())
            .when(by(
                person,
                Action::ClaimShift {
                    shift: S1,
                    date: saturday(),
                },
            ))
            .then_expect_error(DomainError::Refused(Refusal::ShiftFull));
    }
}

#[test]
fn a_shift_lasts_five_minutes_to_three_days() {
    assert_eq!(
        Minutes::for_shift(4).unwrap_err(),
        DomainError::Refused(Refusal::ShiftDuration)
    );
    assert_eq!(
        Minutes::for_shift(4321).unwrap_err(),
        DomainError::Refused(Refusal::ShiftDuration)
    );
    // A weekend's stay: Friday 18:00 to Sunday 18:00.
    assert_eq!(Minutes::for_shift(2880).unwrap().get(), 2880);
    // A request's help stays within a day's twelve hours.
    assert!(Minutes::new(2880).is_err());
    // What was stored reads back, the longest shift included.
    let stored: Minutes = serde_json::from_str("4320").unwrap();
    assert_eq!(stored.get(), 4320);
    assert!(serde_json::from_str::<Minutes>("4321").is_err());
}

// ------------------------------------------------------------ EndShiftSeries

fn end_series(from: NaiveDate) -> Action {
    Action::EndShiftSeries { shift: S1, from }
}

#[test]
fn a_coordinator_ends_a_weekly_shift_from_a_date_and_its_later_claims_lapse() {
    let mut given = with_weekly_shift(2);
    given.extend([
        claimed(saturday(), WARM),
        claimed(saturday_plus(1), WARM),
        claimed(saturday_plus(2), LUKEWARM),
    ]);
    circle()
        .given(given.clone())
        .when(by(COORD, end_series(saturday_plus(1))))
        .then_expect_events(vec![CircleEvent::ShiftSeriesEnded {
            shift: S1,
            from: saturday_plus(1),
            by: COORD,
        }]);
    let mut state = Circle::default();
    for event in given {
        state.apply(event);
    }
    state.apply(CircleEvent::ShiftSeriesEnded {
        shift: S1,
        from: saturday_plus(1),
        by: COORD,
    });
    let shift = &state.shifts[&S1];
    assert!(shift.occurs_on(saturday()));
    assert!(!shift.occurs_on(saturday_plus(1)) && !shift.occurs_on(saturday_plus(5)));
    assert_eq!(shift.claims_on(saturday()), &[WARM]);
    assert!(shift.claims_on(saturday_plus(2)).is_empty());
    // Nobody takes a date that no longer takes place.
    assert_eq!(
        circle()
            .given(with(
                with_weekly_shift(2),
                [CircleEvent::ShiftSeriesEnded {
                    shift: S1,
                    from: saturday_plus(1),
                    by: COORD,
                }]
            ))
            .when(by(
                LUKEWARM,
                Action::ClaimShift {
                    shift: S1,
                    date: saturday_plus(3)
                }
            ))
            .inspect_result(),
        Err(DomainError::Refused(Refusal::NoShiftOnDate))
    );
}

#[test]
fn ending_a_series_from_its_first_date_ends_all_of_it() {
    circle()
        .given(with_weekly_shift(1))
        .when(by(COORD, end_series(saturday() - Duration::days(30))))
        .then_expect_events(vec![CircleEvent::ShiftSeriesEnded {
            shift: S1,
            from: saturday(),
            by: COORD,
        }]);
}

#[test]
fn a_series_ends_by_a_coordinator_for_a_weekly_shift_from_a_date_still_to_come() {
    circle()
        .given(with_weekly_shift(1))
        .when(by(WARM, end_series(saturday())))
        .then_expect_error(COORDINATORS_ONLY);
    circle()
        .given(with_weekly_shift(1))
        .when(by(
            COORD,
            Action::EndShiftSeries {
                shift: S2,
                from: saturday(),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
    circle()
        .given(with(
            circle_with_members(),
            [CircleEvent::ShiftScheduled {
                shift: S1,
                title: sealed(COORD, "Huisarts"),
                starts: local(saturday(), 10),
                duration: mins(30),
                recurrence: Recurrence::Once,
                helpers_needed: 0,
                rings: vec![Ring::Warm],
                by: COORD,
            }],
        ))
        .when(by(COORD, end_series(saturday())))
        .then_expect_error(DomainError::Refused(Refusal::ShiftNotWeekly));
    // Started already: what happened stays.
    circle()
        .given(with_shift_since_last_saturday())
        .when(by(COORD, end_series(last_saturday())))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
    // Ended already before then.
    circle()
        .given(with(
            with_weekly_shift(1),
            [CircleEvent::ShiftSeriesEnded {
                shift: S1,
                from: saturday_plus(1),
                by: COORD,
            }],
        ))
        .when(by(COORD, end_series(saturday_plus(3))))
        .then_expect_error(DomainError::Refused(Refusal::NoShiftFromThen));
}

fn with(
    mut events: Vec<CircleEvent>,
    more: impl IntoIterator<Item = CircleEvent>,
) -> Vec<CircleEvent> {
    events.extend(more);
    events
}

// ------------------------------------------------------- Every other week

#[test]
fn a_shift_every_other_week_takes_place_on_every_second_saturday_until_its_end() {
    let every_other = Recurrence::EveryWeeks {
        weeks: 2,
        until: Some(saturday_plus(6)),
    };
    let action = schedule(
        local(saturday(), 10),
        every_other.clone(),
        1,
        vec![Ring::Warm],
    );
    let events = outcome_of(circle_with_members(), by(COORD, action)).unwrap();
    let mut state = Circle::default();
    for event in circle_with_members().into_iter().chain(events) {
        state.apply(event);
    }
    let shift = &state.shifts[&S1];
    let on: Vec<i64> = (0..10)
        .filter(|w| shift.occurs_on(saturday_plus(*w)))
        .collect();
    assert_eq!(on, vec![0, 2, 4, 6]);
    assert!(!shift.occurs_on(sunday()));
    // Ending the series from week 3 keeps weeks 0 and 2.
    state.apply(CircleEvent::ShiftSeriesEnded {
        shift: S1,
        from: saturday_plus(3),
        by: COORD,
    });
    let shift = &state.shifts[&S1];
    let on: Vec<i64> = (0..10)
        .filter(|w| shift.occurs_on(saturday_plus(*w)))
        .collect();
    assert_eq!(on, vec![0, 2]);
}

#[test]
fn a_shift_comes_back_every_two_to_four_weeks_at_most() {
    for weeks in [0, 1, 5, u8::MAX] {
        let recurrence = Recurrence::EveryWeeks { weeks, until: None };
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                schedule(local(saturday(), 10), recurrence, 1, vec![Ring::Warm]),
            ))
            .then_expect_error(DomainError::Refused(Refusal::ShiftWeeksApart));
    }
    let ends_before = Recurrence::EveryWeeks {
        weeks: 2,
        until: Some(last_saturday()),
    };
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            schedule(local(saturday(), 10), ends_before, 1, vec![Ring::Warm]),
        ))
        .then_expect_error(DomainError::Refused(Refusal::WeeklyShiftEndsBeforeStart));
}

fn outcome_of(
    given: Vec<CircleEvent>,
    command: CircleCommand,
) -> Result<Vec<CircleEvent>, DomainError> {
    circle().given(given).when(command).inspect_result()
}

#[test]
fn a_request_asks_for_at_most_twelve_hours_of_help_though_a_shift_may_last_days() {
    let long = Action::RequestHelp {
        request: R1,
        category: Category::Groceries,
        window: window(24, 96),
        duration: Minutes::for_shift(2880).unwrap(),
        details: sealed(WARM, "boodschappen"),
        place: None,
        on_behalf_of_focus: false,
    };
    circle()
        .given(circle_with_members())
        .when(by(WARM, long))
        .then_expect_error(DomainError::Refused(Refusal::Duration));
}

// ------------------------------------------------------------ ChangeOffer

fn change_offer(by: PersonId, will: Vec<Category>, hours: u16) -> CircleCommand {
    self::by(
        by,
        Action::ChangeOffer {
            offer: O1,
            will,
            wont: vec![],
            capacity: Capacity::HoursPerWeek(hours),
            note: Some(sealed(by, "Alleen op dinsdag")),
        },
    )
}

#[test]
fn the_one_who_made_an_offer_changes_it_and_nobody_else() {
    let given = with(
        circle_with_members(),
        [offer_made(LUKEWARM, vec![Category::Groceries])],
    );
    circle()
        .given(given.clone())
        .when(change_offer(LUKEWARM, vec![Category::Walk], 4))
        .then_expect_events(vec![CircleEvent::OfferChanged {
            offer: O1,
            by: LUKEWARM,
            will: vec![Category::Walk],
            wont: vec![],
            capacity: Capacity::HoursPerWeek(4),
            note: Some(sealed(LUKEWARM, "Alleen op dinsdag")),
        }]);
    let mut state = Circle::default();
    for event in given.clone() {
        state.apply(event);
    }
    state.apply(CircleEvent::OfferChanged {
        offer: O1,
        by: LUKEWARM,
        will: vec![Category::Walk],
        wont: vec![],
        capacity: Capacity::HoursPerWeek(4),
        note: None,
    });
    assert_eq!(state.offers[&O1].capacity, Capacity::HoursPerWeek(4));
    assert_eq!(state.offers[&O1].will, vec![Category::Walk]);
    // Not even a coordinator changes someone's offer (they may withdraw it).
    circle()
        .given(given.clone())
        .when(change_offer(COORD, vec![Category::Walk], 4))
        .then_expect_error(DomainError::Refused(Refusal::OnlyOfferMaker));
    // The same rules as making one.
    circle()
        .given(given.clone())
        .when(change_offer(LUKEWARM, vec![], 4))
        .then_expect_error(DomainError::Refused(Refusal::OfferNeedsHelp));
    circle()
        .given(given.clone())
        .when(change_offer(LUKEWARM, vec![Category::Washing], 4))
        .then_expect_error(DomainError::Refused(Refusal::PersonalCareIsProfessional));
    let withdrawn = with(
        given,
        [CircleEvent::OfferWithdrawn {
            offer: O1,
            by: LUKEWARM,
        }],
    );
    circle()
        .given(withdrawn)
        .when(change_offer(LUKEWARM, vec![Category::Walk], 4))
        .then_expect_error(DomainError::Refused(Refusal::OfferWithdrawn));
}
