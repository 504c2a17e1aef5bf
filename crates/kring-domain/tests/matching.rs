//! Ranking an organisation's volunteers for a listed request: who fits at all,
//! and in which order they are asked.

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::Aggregate;
use kring_domain::matching::{rank, Candidate, Wanted};
use kring_domain::*;
use uuid::Uuid;

const ORG: OrganisationId = OrganisationId(Uuid::from_u128(300));

/// Saturday 12 December 2026, 10:00–12:00 in Amsterdam (09:00–11:00 UTC).
fn saturday_morning() -> TimeWindow {
    let start = Utc.with_ymd_and_hms(2026, 12, 12, 9, 0, 0).unwrap();
    TimeWindow::new(start, start + chrono::Duration::hours(2)).unwrap()
}

fn wanted() -> Wanted {
    Wanted {
        category: Category::Groceries,
        window: saturday_morning(),
        time_zone: chrono_tz::Europe::Amsterdam,
        neighbourhood: Neighbourhood::Postcode(3512),
    }
}

fn slot(weekday: u8, part: PartOfDay) -> Slot {
    Slot { weekday, part }
}

/// An active volunteer for groceries in 3512 on Saturday mornings, 2 tasks a month.
fn candidate(n: u128) -> Candidate {
    let person = PersonId(Uuid::from_u128(1_000 + n));
    let mut volunteer = Volunteer::default();
    volunteer.apply(VolunteerEvent::VolunteerJoined {
        organisation: ORG,
        person,
        profile: Profile {
            will: [Category::Groceries, Category::Walk].into(),
            neighbourhood: Some(Neighbourhood::Postcode(3512)),
            available: [slot(5, PartOfDay::Morning)].into(),
            tasks_per_month: 2,
        },
    });
    Candidate {
        id: VolunteerId::of(ORG, person),
        person,
        volunteer,
        tasks_this_month: 0,
        last_asked: None,
        kept_away: false,
    }
}

fn at(day: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap())
}

#[test]
fn only_who_fits_is_ranked() {
    let fits = candidate(0);
    let mut wrong_category = candidate(1);
    wrong_category.volunteer.profile.will = [Category::Walk].into();
    let mut far_away = candidate(2);
    far_away.volunteer.profile.neighbourhood = Some(Neighbourhood::Postcode(3584));
    let mut other_day = candidate(3);
    other_day.volunteer.profile.available = [slot(6, PartOfDay::Morning)].into();
    let mut afternoons = candidate(4);
    afternoons.volunteer.profile.available = [slot(5, PartOfDay::Afternoon)].into();
    let mut full = candidate(5);
    full.tasks_this_month = 2;
    let mut paused = candidate(6);
    paused.volunteer.apply(VolunteerEvent::VolunteerPaused);
    let mut left = candidate(7);
    left.volunteer.apply(VolunteerEvent::VolunteerLeft);
    let mut declined_before = candidate(8);
    declined_before.kept_away = true;
    let all = [
        fits.clone(),
        wrong_category,
        far_away,
        other_day,
        afternoons,
        full,
        paused,
        left,
        declined_before,
    ];
    assert_eq!(rank(&wanted(), &all), vec![fits.id]);
}

#[test]
fn the_very_neighbourhood_first_then_whoever_was_asked_longest_ago() {
    let mut next_door_never_asked = candidate(0);
    next_door_never_asked.volunteer.profile.neighbourhood = Some(Neighbourhood::Postcode(3513));
    let mut asked_lately = candidate(1);
    asked_lately.last_asked = at(28);
    let mut asked_long_ago = candidate(2);
    asked_long_ago.last_asked = at(2);
    let never_asked = candidate(3);
    let all = [
        next_door_never_asked.clone(),
        asked_lately.clone(),
        asked_long_ago.clone(),
        never_asked.clone(),
    ];
    assert_eq!(
        rank(&wanted(), &all),
        vec![
            never_asked.id,
            asked_long_ago.id,
            asked_lately.id,
            next_door_never_asked.id
        ]
    );
}

#[test]
fn parts_of_days_are_meant_in_the_circle_s_time_zone() {
    // 11:30–12:30 UTC is 12:30–13:30 in Amsterdam: Saturday afternoon there.
    let start = Utc.with_ymd_and_hms(2026, 12, 12, 11, 30, 0).unwrap();
    let mut wanted = wanted();
    wanted.window = TimeWindow::new(start, start + chrono::Duration::hours(1)).unwrap();
    let mornings = candidate(0);
    let mut afternoons = candidate(1);
    afternoons.volunteer.profile.available = [slot(5, PartOfDay::Afternoon)].into();
    assert_eq!(
        rank(&wanted, &[mornings, afternoons.clone()]),
        vec![afternoons.id]
    );
}

#[test]
fn a_window_across_parts_of_days_fits_whoever_is_free_in_any_of_them() {
    // Friday 23:00 to Saturday 01:00 in Amsterdam: Friday evening and Saturday morning.
    let start = Utc.with_ymd_and_hms(2026, 12, 11, 22, 0, 0).unwrap();
    let mut wanted = wanted();
    wanted.window = TimeWindow::new(start, start + chrono::Duration::hours(2)).unwrap();
    let saturday_mornings = candidate(0);
    let mut friday_evenings = candidate(1);
    friday_evenings.volunteer.profile.available = [slot(4, PartOfDay::Evening)].into();
    let mut thursday_evenings = candidate(2);
    thursday_evenings.volunteer.profile.available = [slot(3, PartOfDay::Evening)].into();
    assert_eq!(
        rank(
            &wanted,
            &[
                saturday_mornings.clone(),
                friday_evenings.clone(),
                thursday_evenings
            ]
        ),
        vec![saturday_mornings.id, friday_evenings.id]
    );
}
