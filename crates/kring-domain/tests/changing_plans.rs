//! Changing plans on the rota: one date of a shift, or a weekly shift from a
//! date on, at another time of day or for another length, also across a
//! change of the clocks (summer time begins in Amsterdam on 2027-03-28).

mod common;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use common::*;
use kring_domain::*;
use uuid::Uuid;

const SHIFT: ShiftId = ShiftId(Uuid::from_u128(40));

fn at(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap()
}

/// Saturdays from 2026-11-28, 10:00 for two hours, one helper, Ann on the first.
fn rota() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.push(weekly_shift_scheduled(SHIFT, vec![Ring::Warm], 1));
    events.push(CircleEvent::ShiftClaimed {
        shift: SHIFT,
        date: saturday(),
        by: WARM,
    });
    events
}

fn change_date(date: NaiveDate, time: NaiveTime, minutes: u16) -> Action {
    Action::ChangeShiftDate {
        shift: SHIFT,
        date,
        time,
        duration: mins(minutes),
    }
}

fn change_series(from: NaiveDate, time: NaiveTime, minutes: u16) -> Action {
    Action::ChangeShiftSeries {
        shift: SHIFT,
        from,
        time,
        duration: mins(minutes),
    }
}

fn fold(events: &[CircleEvent]) -> Circle {
    let mut circle = Circle::default();
    for event in events {
        circle.apply(event.clone());
    }
    circle
}

fn decided(events: Vec<CircleEvent>, action: Action) -> Vec<CircleEvent> {
    let mut all = events.clone();
    let new = circle()
        .given(events)
        .when(by(COORD, action))
        .inspect_result()
        .unwrap();
    all.extend(new);
    all
}

#[test]
fn one_date_moves_to_another_time_and_length_and_its_helper_stays_on_it() {
    circle()
        .given(rota())
        .when(by(COORD, change_date(saturday(), at(14, 30), 90)))
        .then_expect_events(vec![CircleEvent::ShiftDateChanged {
            shift: SHIFT,
            date: saturday(),
            time: at(14, 30),
            duration: mins(90),
            by: COORD,
        }]);
    let circle = fold(&decided(rota(), change_date(saturday(), at(14, 30), 90)));
    let shift = &circle.shifts[&SHIFT];
    assert_eq!(shift.timing_on(saturday()).time, at(14, 30));
    assert_eq!(shift.timing_on(saturday()).duration, mins(90));
    // 14:30 in Amsterdam in November is 13:30 UTC.
    assert_eq!(
        shift.start_on(saturday(), &circle.time_zone),
        Utc.with_ymd_and_hms(2026, 11, 28, 13, 30, 0).unwrap()
    );
    // The next week is as scheduled, and Ann is still on the changed date.
    let next = saturday() + Duration::weeks(1);
    assert_eq!(shift.timing_on(next).time, at(10, 0));
    assert_eq!(shift.timing_on(next).duration, mins(120));
    assert_eq!(shift.claims_on(saturday()), [WARM]);
}

#[test]
fn a_series_changes_from_a_date_on_at_the_same_local_time_across_the_clock_change() {
    let before_summer = NaiveDate::from_ymd_opt(2027, 3, 20).unwrap();
    let after_summer = NaiveDate::from_ymd_opt(2027, 4, 3).unwrap();
    let events = decided(rota(), change_series(before_summer, at(14, 0), 60));
    let circle = fold(&events);
    let shift = &circle.shifts[&SHIFT];
    let zone = &circle.time_zone;
    // 14:00 local on both sides: 13:00 UTC in winter, 12:00 UTC in summer.
    assert_eq!(
        shift.start_on(before_summer, zone),
        Utc.with_ymd_and_hms(2027, 3, 20, 13, 0, 0).unwrap()
    );
    assert_eq!(
        shift.start_on(after_summer, zone),
        Utc.with_ymd_and_hms(2027, 4, 3, 12, 0, 0).unwrap()
    );
    assert_eq!(shift.timing_on(after_summer).duration, mins(60));
    // Dates before it are as they were.
    let week_before = before_summer - Duration::weeks(1);
    assert_eq!(shift.timing_on(week_before).time, at(10, 0));
}

#[test]
fn a_date_changed_on_its_own_keeps_its_change_when_the_series_changes_and_a_later_series_change_wins(
) {
    let date = saturday() + Duration::weeks(3);
    let from = saturday() + Duration::weeks(1);
    let events = decided(rota(), change_date(date, at(9, 0), 30));
    let events = decided(events, change_series(from, at(16, 0), 60));
    let circle = fold(&events);
    let shift = &circle.shifts[&SHIFT];
    assert_eq!(shift.timing_on(date).time, at(9, 0));
    assert_eq!(shift.timing_on(date + Duration::weeks(1)).time, at(16, 0));
    // The series changed again from an earlier date: that change applies on.
    let events = decided(events, change_series(saturday(), at(11, 0), 45));
    let shift = &fold(&events).shifts[&SHIFT];
    assert_eq!(shift.timing_on(from + Duration::weeks(3)).time, at(11, 0));
    assert_eq!(shift.timing_on(date).time, at(9, 0));
}

#[test]
fn only_a_coordinator_changes_plans_and_only_for_what_has_not_begun() {
    circle()
        .given(rota())
        .when(by(WARM, change_date(saturday(), at(14, 0), 60)))
        .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinators));
    circle()
        .given(rota())
        .when(by(COORD, change_series(saturday(), at(14, 0), 60)))
        .then_expect_events(vec![CircleEvent::ShiftSeriesChanged {
            shift: SHIFT,
            from: saturday(),
            time: at(14, 0),
            duration: mins(60),
            by: COORD,
        }]);
    // A day it does not take place on.
    circle()
        .given(rota())
        .when(by(
            COORD,
            change_date(saturday() + Duration::days(1), at(14, 0), 60),
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoShiftOnDate));
    circle()
        .given(rota())
        .when(by(
            COORD,
            Action::ChangeShiftDate {
                shift: ShiftId(Uuid::from_u128(41)),
                date: saturday(),
                time: at(14, 0),
                duration: mins(60),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

#[test]
fn a_date_that_began_or_a_new_time_that_passed_is_refused() {
    // A shift today, 2026-11-24 (a Tuesday), at 12:00 local; it is 11:00 local now.
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut events = circle_with_members();
    events.push(CircleEvent::ShiftScheduled {
        shift: SHIFT,
        title: sealed(COORD, "Lunch"),
        starts: today.and_time(at(12, 0)),
        duration: mins(60),
        recurrence: Recurrence::Weekly { until: None },
        helpers_needed: 1,
        rings: vec![Ring::Warm],
        by: COORD,
    });
    // Moved to 10:00 today: that time has passed.
    circle()
        .given(events.clone())
        .when(by(COORD, change_date(today, at(10, 0), 60)))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
    // Moved later today is fine.
    circle()
        .given(events.clone())
        .when(by(COORD, change_date(today, at(15, 0), 60)))
        .inspect_result()
        .unwrap();
    // A shift that takes place once has no series to change.
    let mut once = circle_with_members();
    once.push(CircleEvent::ShiftScheduled {
        shift: SHIFT,
        title: sealed(COORD, "Bezoek"),
        starts: saturday().and_time(at(10, 0)),
        duration: mins(60),
        recurrence: Recurrence::Once,
        helpers_needed: 1,
        rings: vec![Ring::Warm],
        by: COORD,
    });
    circle()
        .given(once)
        .when(by(COORD, change_series(saturday(), at(14, 0), 60)))
        .then_expect_error(DomainError::Refused(Refusal::ShiftNotWeekly));
}

#[test]
fn a_date_in_the_past_stays_as_it_was() {
    let last_week = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let mut events = circle_with_members();
    events.push(CircleEvent::ShiftScheduled {
        shift: SHIFT,
        title: sealed(COORD, "Bezoek"),
        starts: last_week.and_time(at(10, 0)),
        duration: mins(60),
        recurrence: Recurrence::Weekly { until: None },
        helpers_needed: 1,
        rings: vec![Ring::Warm],
        by: COORD,
    });
    circle()
        .given(events.clone())
        .when(by(COORD, change_date(last_week, at(14, 0), 60)))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
    circle()
        .given(events)
        .when(by(COORD, change_series(last_week, at(14, 0), 60)))
        .then_expect_error(DomainError::Refused(Refusal::ShiftStarted));
}

// ---- A request changed ----

const REQUEST: RequestId = RequestId(Uuid::from_u128(50));

fn change_request(by_whom: PersonId, from_hours: i64) -> CircleCommand {
    by(
        by_whom,
        Action::ChangeRequest {
            request: REQUEST,
            window: window(from_hours, from_hours + 4),
            duration: mins(90),
            details: sealed(by_whom, "Boodschappen en de apotheek"),
        },
    )
}

fn asked() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.push(help_requested(REQUEST, Category::Groceries, WARM));
    events
}

#[test]
fn the_one_who_asked_or_a_coordinator_changes_a_request_and_its_taker_keeps_it() {
    let mut taken = asked();
    taken.push(taken_by(LUKEWARM));
    circle()
        .given(taken.clone())
        .when(change_request(WARM, 30))
        .then_expect_events(vec![CircleEvent::RequestChanged {
            request: REQUEST,
            window: window(30, 34),
            duration: mins(90),
            details: sealed(WARM, "Boodschappen en de apotheek"),
            by: WARM,
        }]);
    let changed = decided_by(taken.clone(), change_request(COORD, 30));
    let r = &fold(&changed).requests[&REQUEST];
    assert_eq!(r.window, window(30, 34));
    assert_eq!(r.duration, mins(90));
    assert_eq!(r.taker, Some(LUKEWARM));
    // Not the taker, nor anyone else; not with someone else's words.
    circle()
        .given(taken.clone())
        .when(change_request(LUKEWARM, 30))
        .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinatorOrAsker));
    circle()
        .given(taken)
        .when(by(
            WARM,
            Action::ChangeRequest {
                request: REQUEST,
                window: window(30, 34),
                duration: mins(60),
                details: sealed(COORD, "anders"),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::TextKeyNotOwn));
}

#[test]
fn a_request_closed_past_or_on_a_marketplace_is_not_changed() {
    let mut done = asked();
    done.extend([taken_by(LUKEWARM), done_by(LUKEWARM)]);
    circle()
        .given(done)
        .when(change_request(WARM, 30))
        .then_expect_error(DomainError::Refused(Refusal::RequestClosed));
    circle()
        .given(asked())
        .when(change_request(WARM, -10))
        .then_expect_error(DomainError::Refused(Refusal::WindowPassed));
    circle()
        .given(asked())
        .when(by(
            WARM,
            Action::ChangeRequest {
                request: REQUEST,
                window: window(30, 31),
                duration: mins(90),
                details: sealed(WARM, "te lang"),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::HelpLongerThanWindow));
    let mut listed = asked();
    listed.extend([
        CircleEvent::ConsentGranted {
            organisation: ORG,
            scope: ConsentScope::Signals,
            from: now() - Duration::days(1),
            by: COORD,
        },
        CircleEvent::NeighbourhoodNamed {
            neighbourhood: Some(Neighbourhood::Postcode(3581)),
            by: COORD,
        },
        CircleEvent::RequestListed {
            request: REQUEST,
            organisation: ORG,
            summary: sealed(COORD, "Boodschappen"),
            by: COORD,
        },
    ]);
    circle()
        .given(listed)
        .when(change_request(WARM, 30))
        .then_expect_error(DomainError::Refused(Refusal::ListedRequestStays));
}

fn taken_by(person: PersonId) -> CircleEvent {
    CircleEvent::RequestTaken {
        request: REQUEST,
        by: person,
    }
}

fn done_by(person: PersonId) -> CircleEvent {
    CircleEvent::RequestDone {
        request: REQUEST,
        by: person,
    }
}

fn decided_by(events: Vec<CircleEvent>, command: CircleCommand) -> Vec<CircleEvent> {
    let mut all = events.clone();
    all.extend(
        circle()
            .given(events)
            .when(command)
            .inspect_result()
            .unwrap(),
    );
    all
}
