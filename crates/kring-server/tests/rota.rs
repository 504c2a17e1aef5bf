//! The rota over real HTTP, on both backends: shifts a coordinator schedules,
//! places members claim, release and swap, and who may see and do what.

mod common;

use std::time::Duration as StdDuration;

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use common::{Browser, Server};
use kring_protocol::v1::{self, Ring};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::time::Instant;
use uuid::Uuid;

on_both_backends!(
    Server::start =>
    claim_and_release_a_shift,
    a_claim_beyond_the_helpers_needed_is_409_and_writes_nothing,
    a_volunteer_of_the_cold_ring_does_not_see_the_rota,
    a_ring_the_shift_is_not_open_to_cannot_claim_it,
    ten_o_clock_stays_ten_o_clock_when_summer_time_ends,
    a_swap_proposed_and_accepted_moves_the_claim,
    only_coordinators_schedule_and_skip,
    dates_days_and_ids_that_cannot_be_right,
    a_weekly_shift_ends_from_a_date_and_frees_those_on_later_dates,
    a_professionals_visit_and_a_weekend_stay_on_the_rota,
    a_shift_every_other_week,
    a_date_and_a_series_change_their_time_across_the_clock_change,
);

/// A circle around Mam with Ann as its coordinator: (Ann's browser, the circle).
async fn circle(s: &Server) -> (Browser, String) {
    let (ann, _) = s.person("Ann de Vries", "ann@example.org").await;
    let created: v1::Created = ann
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: "Mam".into(),
                time_zone: None,
                for_myself: false,
                template: None,
                language: None,
            },
            StatusCode::CREATED,
        )
        .await;
    let circle = created.id.to_string();
    // Until the projector has folded the new circle nobody is in it, not even
    // Ann (404); a busy database can take longer than the read patience.
    let path = format!("/api/v1/circles/{circle}?min_version=1");
    let deadline = Instant::now() + StdDuration::from_secs(30);
    loop {
        let (status, seen) = ann.get(&path).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(
            matches!(
                status,
                StatusCode::NOT_FOUND | StatusCode::SERVICE_UNAVAILABLE
            ) && Instant::now() < deadline,
            "{status}: {seen}"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    (ann, circle)
}

/// `GET path`, asked again while the view is still catching up (503, with
/// `Retry-After`), for at most 30 seconds.
async fn get(browser: &Browser, path: &str) -> (StatusCode, Value) {
    let deadline = Instant::now() + StdDuration::from_secs(30);
    loop {
        let (status, body) = browser.get(path).await;
        if status != StatusCode::SERVICE_UNAVAILABLE || Instant::now() >= deadline {
            return (status, body);
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// A new account that joins the circle in `ring` through an invitation from
/// the coordinator `ann`: its browser and id.
async fn member(
    s: &Server,
    ann: &Browser,
    circle: &str,
    name: &str,
    ring: Ring,
) -> (Browser, String) {
    s.join_with(ann, circle, name, invite(ring, None)).await
}

fn invite(ring: Ring, task: Option<Uuid>) -> v1::Invite {
    v1::Invite {
        ring,
        role: v1::Role::Member,
        task,
        expires_in_days: None,
    }
}

fn person(id: &str, name: &str) -> v1::Person {
    v1::Person {
        id: id.parse().unwrap(),
        name: name.into(),
        forgotten: false,
    }
}

/// A volunteer of the cold ring, as the marketplace brings one: `ann` asks for
/// help with groceries, opens the request to the cold ring and invites them for it.
async fn volunteer(s: &Server, ann: &Browser, circle: &str, name: &str) -> (Browser, String) {
    let start = Utc::now() + Duration::days(1);
    let requests = format!("/api/v1/circles/{circle}/requests");
    let asked: v1::Created = ann
        .post_ok(
            &requests,
            &v1::AskForHelp {
                category: v1::Category::Groceries,
                window_start: start,
                window_end: start + Duration::hours(3),
                duration_minutes: 60,
                details: "Fruit and bread from the market".into(),
                place: None,
                on_behalf_of_focus: false,
            },
            StatusCode::CREATED,
        )
        .await;
    let request = asked.id;
    let _: v1::Changed = ann
        .post_ok(
            &format!("{requests}/{request}/widen"),
            &v1::WidenRequest { to: Ring::Cold },
            StatusCode::OK,
        )
        .await;
    s.join_with(ann, circle, name, invite(Ring::Cold, Some(request)))
        .await
}

/// A date a few days ahead: its shifts have surely not started.
fn soon() -> NaiveDate {
    (Utc::now() + Duration::days(3)).date_naive()
}

async fn schedule(browser: &Browser, circle: &str, body: v1::ScheduleShift) -> (String, u64) {
    let created: v1::Created = browser
        .post_ok(
            &format!("/api/v1/circles/{circle}/shifts"),
            &body,
            StatusCode::CREATED,
        )
        .await;
    (created.id.to_string(), created.version)
}

/// A weekly shift at 10:00 local from `first`.
fn weekly(first: NaiveDate, helpers: u8, rings: Vec<Ring>) -> v1::ScheduleShift {
    v1::ScheduleShift {
        title: "Morning coffee with Mam".into(),
        starts: format!("{first}T10:00"),
        duration_minutes: 90,
        weekly: Some(v1::WeeklyShift::default()),
        helpers_needed: helpers,
        rings,
    }
}

/// A shift at `starts` (local) that takes place once, for the warm ring.
fn once_at(title: &str, starts: String) -> v1::ScheduleShift {
    v1::ScheduleShift {
        title: title.into(),
        starts,
        duration_minutes: 60,
        weekly: None,
        helpers_needed: 1,
        rings: vec![Ring::Warm],
    }
}

/// The rota as `browser` sees it once the circle is at `version`.
async fn rota(
    browser: &Browser,
    circle: &str,
    from: NaiveDate,
    days: u32,
    version: u64,
) -> v1::Rota {
    let path =
        format!("/api/v1/circles/{circle}/rota?from={from}&days={days}&min_version={version}");
    let (status, rota) = get(browser, &path).await;
    assert_eq!(status, StatusCode::OK, "{rota}");
    let rota: v1::Rota = serde_json::from_value(rota).unwrap();
    assert!(rota.version >= version, "{rota:?}");
    rota
}

fn slot(rota: &v1::Rota, date: NaiveDate) -> &v1::RotaSlot {
    rota.slots
        .iter()
        .find(|slot| slot.date == date)
        .unwrap_or_else(|| panic!("no slot on {date}: {rota:?}"))
}

fn ten_o_clock(date: NaiveDate) -> chrono::NaiveDateTime {
    date.and_hms_opt(10, 0, 0).unwrap()
}

fn shift_path(circle: &str, shift: &str, date: NaiveDate, what: &str) -> String {
    format!("/api/v1/circles/{circle}/shifts/{shift}/dates/{date}/{what}")
}

/// Posts `body` (`&()` for none: JSON `null`), expects 200; answers the version.
async fn changed(browser: &Browser, path: &str, body: &impl serde::Serialize) -> u64 {
    let changed: v1::Changed = browser.post_ok(path, body, StatusCode::OK).await;
    changed.version
}

/// Posts `body` and answers the status and the problem (when refused).
async fn post(
    browser: &Browser,
    path: &str,
    body: &impl serde::Serialize,
) -> (StatusCode, Option<v1::Problem>) {
    let (status, answer) = browser.post_as::<Value>(path, body).await;
    (status, answer.err())
}

fn release(reason: &str) -> v1::ReleaseShift {
    v1::ReleaseShift {
        reason: reason.into(),
    }
}

async fn claim_and_release_a_shift(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, bea_id) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let first = soon();
    let (shift, version) = schedule(
        &ann,
        &circle,
        weekly(first, 2, vec![Ring::Warm, Ring::Lukewarm]),
    )
    .await;

    let second = first + Duration::days(7);
    let before = rota(&bea, &circle, first, 14, version).await;
    assert_eq!(before.from, first);
    assert_eq!(before.days, 14);
    assert_eq!(before.time_zone, "Europe/Amsterdam");
    assert_eq!(before.swaps, vec![]);
    let slots = &before.slots;
    assert_eq!(
        slots.len(),
        2,
        "a weekly shift, twice in two weeks: {before:?}"
    );
    for (slot, date) in slots.iter().zip([first, second]) {
        assert_eq!(slot.shift.to_string(), shift);
        assert_eq!(slot.date, date);
        assert_eq!(slot.title.as_deref(), Some("Morning coffee with Mam"));
        assert_eq!(slot.starts_local, ten_o_clock(date));
        assert_eq!(slot.duration_minutes, 90);
        assert_eq!(slot.helpers_needed, 2);
        assert_eq!(slot.open_places, 2);
        assert_eq!(slot.rings, vec![Ring::Warm, Ring::Lukewarm]);
        assert_eq!(slot.claimed_by, vec![]);
        assert!(!slot.you_are_on);
    }

    let version = changed(&bea, &shift_path(&circle, &shift, second, "claim"), &()).await;
    let claimed = rota(&bea, &circle, first, 14, version).await;
    let on = slot(&claimed, second);
    assert_eq!(on.claimed_by, vec![person(&bea_id, "Bea")]);
    assert!(on.you_are_on);
    assert_eq!(on.open_places, 1);
    assert_eq!(slot(&claimed, first).claimed_by, vec![], "only that date");
    let seen_by_ann = rota(&ann, &circle, first, 14, version).await;
    assert_eq!(slot(&seen_by_ann, second).claimed_by, on.claimed_by);
    assert!(!slot(&seen_by_ann, second).you_are_on);

    // Claiming the same place twice is refused and changes nothing.
    let events = s.events().await;
    let twice = bea
        .post_refused(
            &shift_path(&circle, &shift, second, "claim"),
            &(),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(twice.code, "already-on-shift");
    // A release says why.
    bea.post_refused(
        &shift_path(&circle, &shift, second, "release"),
        &release("  "),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Ann was never on it.
    ann.post_refused(
        &shift_path(&circle, &shift, second, "release"),
        &release("busy"),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(s.events().await, events);

    let version = changed(
        &bea,
        &shift_path(&circle, &shift, second, "release"),
        &release("I have the flu"),
    )
    .await;
    let after = rota(&bea, &circle, first, 14, version).await;
    let open = slot(&after, second);
    assert_eq!(open.claimed_by, vec![]);
    assert_eq!(open.open_places, 2);
    assert!(!open.you_are_on);

    // The reason is sealed in the log, never in the clear.
    let mut stored = String::new();
    for stream in s.test.log.list_streams(None, 100).await.unwrap() {
        for event in s.test.log.read_stream(&stream, 1, 100).await.unwrap() {
            stored.push_str(&event.payload_text());
        }
    }
    // (With spaces: base64 ciphertext never holds one, so no chance match.)
    for secret in ["have the flu", "Morning coffee"] {
        assert!(!stored.contains(secret), "{secret:?} is in the log");
    }
}

async fn a_claim_beyond_the_helpers_needed_is_409_and_writes_nothing(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, bea_id) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let (cas, _) = member(&s, &ann, &circle, "Cas", Ring::Warm).await;
    let date = soon();
    let (shift, _) = schedule(&ann, &circle, weekly(date, 1, vec![Ring::Warm])).await;
    let version = changed(&bea, &shift_path(&circle, &shift, date, "claim"), &()).await;

    let events = s.events().await;
    let full = cas
        .post_refused(
            &shift_path(&circle, &shift, date, "claim"),
            &(),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(full.code, "shift-full");
    assert_eq!(s.events().await, events);

    let rota = rota(&cas, &circle, date, 1, version).await;
    let only = slot(&rota, date);
    assert_eq!(only.open_places, 0);
    assert_eq!(only.claimed_by.len(), 1);
    assert_eq!(only.claimed_by[0].id.to_string(), bea_id);
    assert!(!only.you_are_on);
}

async fn a_volunteer_of_the_cold_ring_does_not_see_the_rota(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (stranger, _) = s.person("Sam", "sam@example.org").await;
    let date = soon();
    let (shift, _) = schedule(
        &ann,
        &circle,
        weekly(date, 2, vec![Ring::Warm, Ring::Lukewarm]),
    )
    .await;
    let (vic, _) = volunteer(&s, &ann, &circle, "Vic").await;

    let (status, refused) = vic
        .get_as::<v1::Rota>(&format!("/api/v1/circles/{circle}/rota"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused:?}");
    assert_eq!(refused.unwrap_err().code, "read-volunteers-no-rota");
    let events = s.events().await;
    vic.post_refused(
        &shift_path(&circle, &shift, date, "claim"),
        &(),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(s.events().await, events);

    // Someone outside the circle learns nothing at all.
    let (status, hidden) = stranger
        .get_as::<v1::Rota>(&format!("/api/v1/circles/{circle}/rota"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{hidden:?}");
    let nothing = stranger
        .post_refused(
            &shift_path(&circle, &shift, date, "claim"),
            &(),
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(nothing.detail, hidden.unwrap_err().detail);
    assert_eq!(s.events().await, events);
}

async fn a_ring_the_shift_is_not_open_to_cannot_claim_it(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (dirk, _) = member(&s, &ann, &circle, "Dirk", Ring::Lukewarm).await;
    let date = soon();
    let (shift, version) = schedule(&ann, &circle, weekly(date, 2, vec![Ring::Warm])).await;

    // The neighbour sees the rota, and that the shift is for the family.
    let seen = rota(&dirk, &circle, date, 1, version).await;
    assert_eq!(slot(&seen, date).rings, vec![Ring::Warm]);

    let events = s.events().await;
    let refused = dirk
        .post_refused(
            &shift_path(&circle, &shift, date, "claim"),
            &(),
            StatusCode::FORBIDDEN,
        )
        .await;
    assert_eq!(refused.code, "only-shift-rings");
    assert_eq!(s.events().await, events);
    let after = rota(&dirk, &circle, date, 1, version).await;
    assert_eq!(slot(&after, date).claimed_by, vec![]);
}

/// The last Sunday of October in `year`: the night European summer time ends.
fn end_of_summer_time(year: i32) -> NaiveDate {
    let mut day = NaiveDate::from_ymd_opt(year, 10, 31).unwrap();
    while day.weekday() != Weekday::Sun {
        day -= Duration::days(1);
    }
    day
}

async fn ten_o_clock_stays_ten_o_clock_when_summer_time_ends(s: Server) {
    let (ann, circle) = circle(&s).await;
    let today = Utc::now().date_naive();
    let mut change = end_of_summer_time(today.year());
    if change - Duration::days(7) <= today + Duration::days(1) {
        change = end_of_summer_time(today.year() + 1);
    }
    let before = change - Duration::days(7);
    let (shift, version) = schedule(&ann, &circle, weekly(before, 1, vec![Ring::Warm])).await;

    let shown = rota(&ann, &circle, before, 8, version).await;
    let slots = &shown.slots;
    assert_eq!(slots.len(), 2, "{shown:?}");
    let (summer, winter) = (&slots[0], &slots[1]);
    assert_eq!(summer.date, before);
    assert_eq!(winter.date, change);
    assert_eq!(summer.starts_local, ten_o_clock(before));
    assert_eq!(winter.starts_local, ten_o_clock(change));
    // 10:00 is 08:00 UTC in summer time (+02:00) and 09:00 UTC after it (+01:00).
    assert_eq!(
        summer.starts_at,
        before.and_hms_opt(8, 0, 0).unwrap().and_utc()
    );
    assert_eq!(
        winter.starts_at,
        change.and_hms_opt(9, 0, 0).unwrap().and_utc()
    );

    // A date after the change is claimed like any other.
    let version = changed(&ann, &shift_path(&circle, &shift, change, "claim"), &()).await;
    let claimed = rota(&ann, &circle, change, 1, version).await;
    assert!(slot(&claimed, change).you_are_on);
}

async fn a_swap_proposed_and_accepted_moves_the_claim(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, bea_id) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let (cas, cas_id) = member(&s, &ann, &circle, "Cas", Ring::Lukewarm).await;
    let (dirk, _) = member(&s, &ann, &circle, "Dirk", Ring::Warm).await;
    let date = soon();
    let (shift, _) = schedule(
        &ann,
        &circle,
        weekly(date, 1, vec![Ring::Warm, Ring::Lukewarm]),
    )
    .await;
    changed(&bea, &shift_path(&circle, &shift, date, "claim"), &()).await;

    let swaps = format!("/api/v1/circles/{circle}/swaps");
    let propose = |to: &str| v1::ProposeSwap {
        shift: shift.parse().unwrap(),
        date,
        to: to.parse().unwrap(),
    };
    let proposed: v1::Created = bea
        .post_ok(&swaps, &propose(&cas_id), StatusCode::CREATED)
        .await;
    let swap = proposed.id;
    let version = proposed.version;

    // The two of them and the coordinator see the swap waiting; Dirk does not.
    let bea_person = person(&bea_id, "Bea");
    let cas_person = person(&cas_id, "Cas");
    for who in [&cas, &bea, &ann] {
        let waiting = rota(who, &circle, date, 1, version).await;
        let swaps = &waiting.swaps;
        assert_eq!(swaps.len(), 1, "{waiting:?}");
        assert_eq!(swaps[0].id, swap);
        assert_eq!(swaps[0].shift.to_string(), shift);
        assert_eq!(swaps[0].date, date);
        assert_eq!(swaps[0].title.as_deref(), Some("Morning coffee with Mam"));
        assert_eq!(swaps[0].from, bea_person);
        assert_eq!(swaps[0].to, cas_person);
    }
    assert_eq!(rota(&dirk, &circle, date, 1, version).await.swaps, vec![]);

    // Only Cas, who was asked, takes it over.
    let events = s.events().await;
    let accept = format!("/api/v1/circles/{circle}/swaps/{swap}/accept");
    dirk.post_refused(&accept, &(), StatusCode::FORBIDDEN).await;
    assert_eq!(s.events().await, events);

    let version = changed(&cas, &accept, &()).await;
    let after = rota(&cas, &circle, date, 1, version).await;
    let moved = slot(&after, date);
    assert_eq!(moved.claimed_by, vec![cas_person.clone()]);
    assert!(moved.you_are_on);
    assert_eq!(after.swaps, vec![], "settled");
    assert!(!slot(&rota(&bea, &circle, date, 1, version).await, date).you_are_on);
    cas.post_refused(&accept, &(), StatusCode::CONFLICT).await;

    // Cas asks Bea back; Bea declines, and the place stays with Cas.
    let back: v1::Created = cas
        .post_ok(&swaps, &propose(&bea_id), StatusCode::CREATED)
        .await;
    let back = back.id;
    let version = changed(
        &bea,
        &format!("/api/v1/circles/{circle}/swaps/{back}/decline"),
        &(),
    )
    .await;
    let declined = rota(&bea, &circle, date, 1, version).await;
    assert_eq!(slot(&declined, date).claimed_by, vec![cas_person]);
    assert_eq!(declined.swaps, vec![]);
}

async fn only_coordinators_schedule_and_skip(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, _) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let first = soon();
    let second = first + Duration::days(7);

    let events = s.events().await;
    bea.post_refused(
        &format!("/api/v1/circles/{circle}/shifts"),
        &weekly(first, 1, vec![Ring::Warm]),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(s.events().await, events);

    // A shift that takes place once, ending on a date.
    let (once, _) = schedule(
        &ann,
        &circle,
        once_at("To the GP", format!("{first}T14:30")),
    )
    .await;
    let until = v1::ScheduleShift {
        weekly: Some(v1::WeeklyShift {
            until: Some(second),
            every_weeks: None,
        }),
        ..once_at("Evening meal", format!("{first}T18:00"))
    };
    let (weekly_shift, version) = schedule(&ann, &circle, until).await;
    let all = rota(&bea, &circle, first, 28, version).await;
    let dates: Vec<(String, NaiveDate)> = all
        .slots
        .iter()
        .map(|slot| (slot.shift.to_string(), slot.date))
        .collect();
    assert_eq!(
        dates,
        [
            (once.clone(), first),
            (weekly_shift.clone(), first),
            (weekly_shift.clone(), second),
        ],
        "in time order, the weekly one up to its last date"
    );

    changed(
        &bea,
        &shift_path(&circle, &weekly_shift, second, "claim"),
        &(),
    )
    .await;
    let events = s.events().await;
    bea.post_refused(
        &shift_path(&circle, &weekly_shift, second, "skip"),
        &(),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(s.events().await, events);

    let version = changed(
        &ann,
        &shift_path(&circle, &weekly_shift, second, "skip"),
        &(),
    )
    .await;
    let skipped = rota(&bea, &circle, first, 28, version).await;
    assert_eq!(skipped.slots.len(), 2, "{skipped:?}");
    assert!(skipped.slots.iter().all(|slot| slot.date != second));
    let gone = bea
        .post_refused(
            &shift_path(&circle, &weekly_shift, second, "claim"),
            &(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(gone.code, "no-shift-on-date");
}

async fn dates_days_and_ids_that_cannot_be_right(s: Server) {
    let (ann, circle) = circle(&s).await;
    let date = soon();
    let (shift, version) = schedule(&ann, &circle, weekly(date, 1, vec![Ring::Warm])).await;
    let events = s.events().await;

    for query in [
        "days=0",
        "days=63",
        "days=many",
        "from=2026-13-01",
        "from=tomorrow",
    ] {
        let path = format!("/api/v1/circles/{circle}/rota?{query}&min_version={version}");
        let (status, problem) = get(&ann, &path).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {problem}"
        );
    }
    // Left out: from today (in the circle's zone), for a week.
    let week: v1::Rota = ann.get_ok(&format!("/api/v1/circles/{circle}/rota")).await;
    assert_eq!(week.days, 7);
    let today = week.from;
    assert!(
        (today - Utc::now().date_naive()).num_days().abs() <= 1,
        "{week:?}"
    );

    for bad in ["2026-02-30", "05-12-2026", "soon"] {
        let path = format!("/api/v1/circles/{circle}/shifts/{shift}/dates/{bad}/claim");
        let problem = ann
            .post_refused(&path, &(), StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let detail = problem.detail.unwrap_or_default();
        assert!(detail.contains("YYYY-MM-DD"), "{bad}: {detail}");
    }
    ann.post_refused(
        &shift_path(&circle, "not-a-shift", date, "claim"),
        &(),
        StatusCode::NOT_FOUND,
    )
    .await;
    let unknown = Uuid::new_v4().to_string();
    let problem = ann
        .post_refused(
            &shift_path(&circle, &unknown, date, "claim"),
            &(),
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(problem.code, "no-such-shift");
    ann.post_refused(
        &format!("/api/v1/circles/{circle}/swaps/not-a-swap/accept"),
        &(),
        StatusCode::NOT_FOUND,
    )
    .await;

    // Shifts that cannot be.
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let coffee = || once_at("Coffee", format!("{date}T10:00"));
    let wrong = [
        once_at("", format!("{date}T10:00")),
        once_at("Coffee", format!("{date}T10:00Z")),
        once_at("Coffee", format!("{yesterday}T10:00")),
        v1::ScheduleShift {
            duration_minutes: 1,
            ..coffee()
        },
        v1::ScheduleShift {
            helpers_needed: 11,
            ..coffee()
        },
        v1::ScheduleShift {
            duration_minutes: 4321,
            ..coffee()
        },
        v1::ScheduleShift {
            rings: vec![Ring::Cold],
            ..coffee()
        },
        v1::ScheduleShift {
            rings: vec![],
            ..coffee()
        },
        v1::ScheduleShift {
            weekly: Some(v1::WeeklyShift {
                until: Some(yesterday),
                every_weeks: None,
            }),
            ..coffee()
        },
    ];
    for body in wrong {
        let (status, problem) =
            post(&ann, &format!("/api/v1/circles/{circle}/shifts"), &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body:?}: {problem:?}"
        );
    }
    assert_eq!(s.events().await, events);
}

async fn a_weekly_shift_ends_from_a_date_and_frees_those_on_later_dates(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, _) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let first = soon();
    let (shift, _) = schedule(&ann, &circle, weekly(first, 1, vec![Ring::Warm])).await;
    let second = first + Duration::days(7);
    let third = first + Duration::days(14);
    changed(&bea, &shift_path(&circle, &shift, first, "claim"), &()).await;
    changed(&bea, &shift_path(&circle, &shift, third, "claim"), &()).await;

    // Bea may not; a stranger learns nothing; a date that is not one is 422.
    let end = shift_path(&circle, &shift, second, "end-series");
    let events = s.events().await;
    let (status, problem) = post(&bea, &end, &()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");
    let (stranger, _) = s.person("Sam", "sam@example.org").await;
    let events = events + (s.events().await - events);
    let (status, _) = post(&stranger, &end, &()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = post(&ann, &end.replace(&second.to_string(), "2030-02-31"), &()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap().code, "not-a-date");
    assert_eq!(s.events().await, events, "nothing written");

    let version = changed(&ann, &end, &()).await;
    let rota = rota(&bea, &circle, first, 28, version).await;
    let dates: Vec<NaiveDate> = rota.slots.iter().map(|s| s.date).collect();
    assert_eq!(dates, vec![first], "only the first date is left");
    assert!(slot(&rota, first).you_are_on);
    // Once more from a later date: nothing is left to end.
    let (status, problem) =
        post(&ann, &shift_path(&circle, &shift, third, "end-series"), &()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap().code, "no-shift-from-then");
    // A shift that takes place once has no series.
    let (once, _) = schedule(&ann, &circle, once_at("Huisarts", format!("{first}T14:00"))).await;
    let (status, problem) = post(&ann, &shift_path(&circle, &once, first, "end-series"), &()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap().code, "shift-not-weekly");
}

async fn a_professionals_visit_and_a_weekend_stay_on_the_rota(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, _) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let day = soon();
    let visit = v1::ScheduleShift {
        helpers_needed: 0,
        ..once_at("Thuiszorg: wondverzorging", format!("{day}T09:00"))
    };
    let (visit, _) = schedule(&ann, &circle, visit).await;
    let weekend = v1::ScheduleShift {
        duration_minutes: 2880,
        ..once_at("Weekend bij mam", format!("{day}T18:00"))
    };
    let (weekend, version) = schedule(&ann, &circle, weekend).await;
    let rota = rota(&bea, &circle, day, 1, version).await;
    let on = |id: &str| {
        rota.slots
            .iter()
            .find(|s| s.shift.to_string() == id)
            .unwrap()
    };
    assert_eq!((on(&visit).helpers_needed, on(&visit).open_places), (0, 0));
    assert_eq!(on(&weekend).duration_minutes, 2880);
    // Nobody takes the professionals' visit; the weekend is Bea's.
    let (status, problem) = post(&bea, &shift_path(&circle, &visit, day, "claim"), &()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem.unwrap().code, "shift-full");
    changed(&bea, &shift_path(&circle, &weekend, day, "claim"), &()).await;
    // Longer than three days is refused, with words a person understands.
    let too_long = v1::ScheduleShift {
        duration_minutes: 4321,
        ..once_at("Een week", format!("{day}T18:00"))
    };
    let (status, problem) =
        post(&ann, &format!("/api/v1/circles/{circle}/shifts"), &too_long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem.unwrap();
    assert_eq!(problem.code, "shift-duration");
    assert_eq!(
        problem.detail.as_deref(),
        Some("a shift lasts from 5 minutes to 3 days")
    );
}

async fn a_shift_every_other_week(s: Server) {
    let (ann, circle) = circle(&s).await;
    let first = soon();
    let every_other = v1::ScheduleShift {
        weekly: Some(v1::WeeklyShift {
            until: None,
            every_weeks: Some(2),
        }),
        ..weekly(first, 1, vec![Ring::Warm])
    };
    let (_, version) = schedule(&ann, &circle, every_other).await;
    let rota = rota(&ann, &circle, first, 35, version).await;
    let dates: Vec<NaiveDate> = rota.slots.iter().map(|s| s.date).collect();
    let expected: Vec<NaiveDate> = (0..3).map(|n| first + Duration::weeks(2 * n)).collect();
    assert_eq!(dates, expected);
    let every_five = v1::ScheduleShift {
        weekly: Some(v1::WeeklyShift {
            until: None,
            every_weeks: Some(5),
        }),
        ..weekly(first, 1, vec![Ring::Warm])
    };
    let (status, problem) = post(
        &ann,
        &format!("/api/v1/circles/{circle}/shifts"),
        &every_five,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap().code, "shift-weeks-apart");
}

fn timing(time: &str, minutes: u16) -> v1::ChangeShiftTiming {
    v1::ChangeShiftTiming {
        time: time.into(),
        duration_minutes: minutes,
    }
}

/// Ann moves one date and then the series from a week before summer time
/// ends to 14:00: 14:00 local on both sides of the change (12:00 UTC, then
/// 13:00 UTC). Bea, on a changed date, keeps her place. Only a coordinator
/// may; a wrong time is 422; refusals write nothing.
async fn a_date_and_a_series_change_their_time_across_the_clock_change(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, _) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let today = Utc::now().date_naive();
    let mut change = end_of_summer_time(today.year());
    if change - Duration::days(14) <= today + Duration::days(1) {
        change = end_of_summer_time(today.year() + 1);
    }
    let first = change - Duration::days(14);
    let before = change - Duration::days(7);
    let (shift, _) = schedule(&ann, &circle, weekly(first, 1, vec![Ring::Warm])).await;
    changed(&bea, &shift_path(&circle, &shift, change, "claim"), &()).await;

    let events = s.events().await;
    let one = shift_path(&circle, &shift, first, "change");
    let (status, _) = post(&bea, &one, &timing("09:00", 30)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) = post(&ann, &one, &timing("9 uur", 30)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap().code, "not-a-local-time");
    let (status, problem) = post(&ann, &one, &timing("09:00", 4321)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap().code, "shift-duration");
    assert_eq!(s.events().await, events, "nothing written");

    changed(&ann, &one, &timing("09:00", 30)).await;
    let series = shift_path(&circle, &shift, before, "change-series");
    let version = changed(&ann, &series, &timing("14:00", 90)).await;
    let shown = rota(&bea, &circle, first, 15, version).await;
    let (a, b, c) = (
        slot(&shown, first),
        slot(&shown, before),
        slot(&shown, change),
    );
    assert_eq!(a.starts_local, first.and_hms_opt(9, 0, 0).unwrap());
    assert_eq!(a.duration_minutes, 30);
    assert_eq!(b.starts_local, before.and_hms_opt(14, 0, 0).unwrap());
    assert_eq!(c.starts_local, change.and_hms_opt(14, 0, 0).unwrap());
    assert_eq!(b.starts_at, before.and_hms_opt(12, 0, 0).unwrap().and_utc());
    assert_eq!(c.starts_at, change.and_hms_opt(13, 0, 0).unwrap().and_utc());
    assert_eq!(c.duration_minutes, 90);
    assert!(c.you_are_on, "Bea keeps her place on the changed date");
}
