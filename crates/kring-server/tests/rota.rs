//! The rota over real HTTP, on both backends: shifts a coordinator schedules,
//! places members claim, release and swap, and who may see and do what.

mod common;

use std::time::Duration as StdDuration;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use common::{Browser, Server};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::time::Instant;

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
);

/// A circle around Mam with Ann as its coordinator: (Ann's browser, the circle).
async fn circle(s: &Server) -> (Browser, String) {
    let (ann, _) = s.person("Ann de Vries", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let circle = created["id"].as_str().unwrap().to_owned();
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
    ring: &str,
) -> (Browser, String) {
    s.join_with(ann, circle, name, json!({ "ring": ring }))
        .await
}

/// A volunteer of the cold ring, as the marketplace brings one: `ann` asks for
/// help with groceries, opens the request to the cold ring and invites them for it.
async fn volunteer(s: &Server, ann: &Browser, circle: &str, name: &str) -> (Browser, String) {
    let start = Utc::now() + Duration::days(1);
    let requests = format!("/api/v1/circles/{circle}/requests");
    let (status, asked) = ann
        .post(
            &requests,
            json!({
                "category": "groceries",
                "window_start": start,
                "window_end": start + Duration::hours(3),
                "duration_minutes": 60,
                "details": "Fruit and bread from the market",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    let request = asked["id"].as_str().unwrap();
    let (status, widened) = ann
        .post(
            &format!("{requests}/{request}/widen"),
            json!({"to": "cold"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{widened}");
    s.join_with(ann, circle, name, json!({"ring": "cold", "task": request}))
        .await
}

/// A date a few days ahead: its shifts have surely not started.
fn soon() -> NaiveDate {
    (Utc::now() + Duration::days(3)).date_naive()
}

async fn schedule(browser: &Browser, circle: &str, body: Value) -> (String, u64) {
    let (status, created) = browser
        .post(&format!("/api/v1/circles/{circle}/shifts"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (
        created["id"].as_str().unwrap().to_owned(),
        created["version"].as_u64().unwrap(),
    )
}

/// A weekly shift at 10:00 local from `first`.
fn weekly(first: NaiveDate, helpers: u8, rings: Value) -> Value {
    json!({
        "title": "Morning coffee with Mam",
        "starts": format!("{first}T10:00"),
        "duration_minutes": 90,
        "weekly": {},
        "helpers_needed": helpers,
        "rings": rings,
    })
}

/// The rota as `browser` sees it once the circle is at `version`.
async fn rota(browser: &Browser, circle: &str, from: NaiveDate, days: u32, version: u64) -> Value {
    let path =
        format!("/api/v1/circles/{circle}/rota?from={from}&days={days}&min_version={version}");
    let (status, rota) = get(browser, &path).await;
    assert_eq!(status, StatusCode::OK, "{rota}");
    assert!(rota["version"].as_u64().unwrap() >= version, "{rota}");
    rota
}

fn slot(rota: &Value, date: NaiveDate) -> &Value {
    rota["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|slot| slot["date"] == date.to_string())
        .unwrap_or_else(|| panic!("no slot on {date}: {rota}"))
}

fn shift_path(circle: &str, shift: &str, date: NaiveDate, what: &str) -> String {
    format!("/api/v1/circles/{circle}/shifts/{shift}/dates/{date}/{what}")
}

async fn changed(browser: &Browser, path: &str, body: Value) -> u64 {
    let (status, changed) = browser.post(path, body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {changed}");
    changed["version"].as_u64().unwrap()
}

fn at(text: &Value) -> DateTime<Utc> {
    text.as_str().unwrap().parse().unwrap()
}

async fn claim_and_release_a_shift(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, bea_id) = member(&s, &ann, &circle, "Bea", "warm").await;
    let first = soon();
    let (shift, version) =
        schedule(&ann, &circle, weekly(first, 2, json!(["warm", "lukewarm"]))).await;

    let second = first + Duration::days(7);
    let before = rota(&bea, &circle, first, 14, version).await;
    assert_eq!(before["from"], first.to_string());
    assert_eq!(before["days"], 14);
    assert_eq!(before["time_zone"], "Europe/Amsterdam");
    assert_eq!(before["swaps"], json!([]));
    let slots = before["slots"].as_array().unwrap();
    assert_eq!(
        slots.len(),
        2,
        "a weekly shift, twice in two weeks: {before}"
    );
    for (slot, date) in slots.iter().zip([first, second]) {
        assert_eq!(slot["shift"], shift.as_str());
        assert_eq!(slot["date"], date.to_string());
        assert_eq!(slot["title"], "Morning coffee with Mam");
        assert_eq!(slot["starts_local"], format!("{date}T10:00:00"));
        assert_eq!(slot["duration_minutes"], 90);
        assert_eq!(slot["helpers_needed"], 2);
        assert_eq!(slot["open_places"], 2);
        assert_eq!(slot["rings"], json!(["warm", "lukewarm"]));
        assert_eq!(slot["claimed_by"], json!([]));
        assert_eq!(slot["you_are_on"], false);
    }

    let version = changed(
        &bea,
        &shift_path(&circle, &shift, second, "claim"),
        json!(null),
    )
    .await;
    let claimed = rota(&bea, &circle, first, 14, version).await;
    let on = slot(&claimed, second);
    assert_eq!(
        on["claimed_by"],
        json!([{"id": bea_id, "name": "Bea", "forgotten": false}])
    );
    assert_eq!(on["you_are_on"], true);
    assert_eq!(on["open_places"], 1);
    assert_eq!(
        slot(&claimed, first)["claimed_by"],
        json!([]),
        "only that date"
    );
    let seen_by_ann = rota(&ann, &circle, first, 14, version).await;
    assert_eq!(slot(&seen_by_ann, second)["claimed_by"], on["claimed_by"]);
    assert_eq!(slot(&seen_by_ann, second)["you_are_on"], false);

    // Claiming the same place twice is refused and changes nothing.
    let events = s.events().await;
    let (status, twice) = bea
        .post(&shift_path(&circle, &shift, second, "claim"), json!(null))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{twice}");
    assert_eq!(twice["code"], "already-on-shift");
    // A release says why.
    let (status, silent) = bea
        .post(
            &shift_path(&circle, &shift, second, "release"),
            json!({"reason": "  "}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{silent}");
    // Ann was never on it.
    let (status, not_on) = ann
        .post(
            &shift_path(&circle, &shift, second, "release"),
            json!({"reason": "busy"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{not_on}");
    assert_eq!(s.events().await, events);

    let version = changed(
        &bea,
        &shift_path(&circle, &shift, second, "release"),
        json!({"reason": "I have the flu"}),
    )
    .await;
    let after = rota(&bea, &circle, first, 14, version).await;
    let open = slot(&after, second);
    assert_eq!(open["claimed_by"], json!([]));
    assert_eq!(open["open_places"], 2);
    assert_eq!(open["you_are_on"], false);

    // The reason is sealed in the log, never in the clear.
    let mut stored = String::new();
    for stream in s.test.log.list_streams(None, 100).await.unwrap() {
        for event in s.test.log.read_stream(&stream, 1, 100).await.unwrap() {
            stored.push_str(&event.payload.to_string());
        }
    }
    // (With spaces: base64 ciphertext never holds one, so no chance match.)
    for secret in ["have the flu", "Morning coffee"] {
        assert!(!stored.contains(secret), "{secret:?} is in the log");
    }
}

async fn a_claim_beyond_the_helpers_needed_is_409_and_writes_nothing(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, bea_id) = member(&s, &ann, &circle, "Bea", "warm").await;
    let (cas, _) = member(&s, &ann, &circle, "Cas", "warm").await;
    let date = soon();
    let (shift, _) = schedule(&ann, &circle, weekly(date, 1, json!(["warm"]))).await;
    let version = changed(
        &bea,
        &shift_path(&circle, &shift, date, "claim"),
        json!(null),
    )
    .await;

    let events = s.events().await;
    let (status, full) = cas
        .post(&shift_path(&circle, &shift, date, "claim"), json!(null))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{full}");
    assert_eq!(full["code"], "shift-full");
    assert_eq!(s.events().await, events);

    let rota = rota(&cas, &circle, date, 1, version).await;
    let only = slot(&rota, date);
    assert_eq!(only["open_places"], 0);
    assert_eq!(only["claimed_by"].as_array().unwrap().len(), 1);
    assert_eq!(only["claimed_by"][0]["id"], bea_id.as_str());
    assert_eq!(only["you_are_on"], false);
}

async fn a_volunteer_of_the_cold_ring_does_not_see_the_rota(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (stranger, _) = s.person("Sam", "sam@example.org").await;
    let date = soon();
    let (shift, _) = schedule(&ann, &circle, weekly(date, 2, json!(["warm", "lukewarm"]))).await;
    let (vic, _) = volunteer(&s, &ann, &circle, "Vic").await;

    let (status, refused) = vic.get(&format!("/api/v1/circles/{circle}/rota")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["code"], "read-volunteers-no-rota");
    let events = s.events().await;
    let (status, claim) = vic
        .post(&shift_path(&circle, &shift, date, "claim"), json!(null))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{claim}");
    assert_eq!(s.events().await, events);

    // Someone outside the circle learns nothing at all.
    let (status, hidden) = stranger
        .get(&format!("/api/v1/circles/{circle}/rota"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{hidden}");
    let (status, nothing) = stranger
        .post(&shift_path(&circle, &shift, date, "claim"), json!(null))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{nothing}");
    assert_eq!(nothing["detail"], hidden["detail"]);
    assert_eq!(s.events().await, events);
}

async fn a_ring_the_shift_is_not_open_to_cannot_claim_it(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (dirk, _) = member(&s, &ann, &circle, "Dirk", "lukewarm").await;
    let date = soon();
    let (shift, version) = schedule(&ann, &circle, weekly(date, 2, json!(["warm"]))).await;

    // The neighbour sees the rota, and that the shift is for the family.
    let seen = rota(&dirk, &circle, date, 1, version).await;
    assert_eq!(slot(&seen, date)["rings"], json!(["warm"]));

    let events = s.events().await;
    let (status, refused) = dirk
        .post(&shift_path(&circle, &shift, date, "claim"), json!(null))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["code"], "only-shift-rings");
    assert_eq!(s.events().await, events);
    let after = rota(&dirk, &circle, date, 1, version).await;
    assert_eq!(slot(&after, date)["claimed_by"], json!([]));
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
    let (shift, version) = schedule(&ann, &circle, weekly(before, 1, json!(["warm"]))).await;

    let shown = rota(&ann, &circle, before, 8, version).await;
    let slots = shown["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 2, "{shown}");
    let (summer, winter) = (&slots[0], &slots[1]);
    assert_eq!(summer["date"], before.to_string());
    assert_eq!(winter["date"], change.to_string());
    assert_eq!(summer["starts_local"], format!("{before}T10:00:00"));
    assert_eq!(winter["starts_local"], format!("{change}T10:00:00"));
    // 10:00 is 08:00 UTC in summer time (+02:00) and 09:00 UTC after it (+01:00).
    assert_eq!(
        at(&summer["starts_at"]),
        before.and_hms_opt(8, 0, 0).unwrap().and_utc()
    );
    assert_eq!(
        at(&winter["starts_at"]),
        change.and_hms_opt(9, 0, 0).unwrap().and_utc()
    );

    // A date after the change is claimed like any other.
    let version = changed(
        &ann,
        &shift_path(&circle, &shift, change, "claim"),
        json!(null),
    )
    .await;
    let claimed = rota(&ann, &circle, change, 1, version).await;
    assert_eq!(slot(&claimed, change)["you_are_on"], true);
}

async fn a_swap_proposed_and_accepted_moves_the_claim(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, bea_id) = member(&s, &ann, &circle, "Bea", "warm").await;
    let (cas, cas_id) = member(&s, &ann, &circle, "Cas", "lukewarm").await;
    let (dirk, _) = member(&s, &ann, &circle, "Dirk", "warm").await;
    let date = soon();
    let (shift, _) = schedule(&ann, &circle, weekly(date, 1, json!(["warm", "lukewarm"]))).await;
    changed(
        &bea,
        &shift_path(&circle, &shift, date, "claim"),
        json!(null),
    )
    .await;

    let (status, proposed) = bea
        .post(
            &format!("/api/v1/circles/{circle}/swaps"),
            json!({"shift": shift, "date": date, "to": cas_id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{proposed}");
    let swap = proposed["id"].as_str().unwrap().to_owned();
    let version = proposed["version"].as_u64().unwrap();

    // The two of them and the coordinator see the swap waiting; Dirk does not.
    let bea_person = json!({"id": bea_id, "name": "Bea", "forgotten": false});
    let cas_person = json!({"id": cas_id, "name": "Cas", "forgotten": false});
    for who in [&cas, &bea, &ann] {
        let waiting = rota(who, &circle, date, 1, version).await;
        let swaps = waiting["swaps"].as_array().unwrap();
        assert_eq!(swaps.len(), 1, "{waiting}");
        assert_eq!(swaps[0]["id"], swap.as_str());
        assert_eq!(swaps[0]["shift"], shift.as_str());
        assert_eq!(swaps[0]["date"], date.to_string());
        assert_eq!(swaps[0]["title"], "Morning coffee with Mam");
        assert_eq!(swaps[0]["from"], bea_person);
        assert_eq!(swaps[0]["to"], cas_person);
    }
    assert_eq!(
        rota(&dirk, &circle, date, 1, version).await["swaps"],
        json!([])
    );

    // Only Cas, who was asked, takes it over.
    let events = s.events().await;
    let accept = format!("/api/v1/circles/{circle}/swaps/{swap}/accept");
    let (status, not_yours) = dirk.post(&accept, json!(null)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{not_yours}");
    assert_eq!(s.events().await, events);

    let version = changed(&cas, &accept, json!(null)).await;
    let after = rota(&cas, &circle, date, 1, version).await;
    let moved = slot(&after, date);
    assert_eq!(moved["claimed_by"], json!([cas_person]));
    assert_eq!(moved["you_are_on"], true);
    assert_eq!(after["swaps"], json!([]), "settled");
    assert_eq!(
        slot(&rota(&bea, &circle, date, 1, version).await, date)["you_are_on"],
        false
    );
    let (status, again) = cas.post(&accept, json!(null)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    // Cas asks Bea back; Bea declines, and the place stays with Cas.
    let (status, back) = cas
        .post(
            &format!("/api/v1/circles/{circle}/swaps"),
            json!({"shift": shift, "date": date, "to": bea_id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{back}");
    let back = back["id"].as_str().unwrap();
    let version = changed(
        &bea,
        &format!("/api/v1/circles/{circle}/swaps/{back}/decline"),
        json!(null),
    )
    .await;
    let declined = rota(&bea, &circle, date, 1, version).await;
    assert_eq!(slot(&declined, date)["claimed_by"], json!([cas_person]));
    assert_eq!(declined["swaps"], json!([]));
}

async fn only_coordinators_schedule_and_skip(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bea, _) = member(&s, &ann, &circle, "Bea", "warm").await;
    let first = soon();
    let second = first + Duration::days(7);

    let events = s.events().await;
    let (status, refused) = bea
        .post(
            &format!("/api/v1/circles/{circle}/shifts"),
            weekly(first, 1, json!(["warm"])),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(s.events().await, events);

    // A shift that takes place once, ending on a date.
    let once = json!({
        "title": "To the GP",
        "starts": format!("{first}T14:30"),
        "duration_minutes": 60,
        "helpers_needed": 1,
        "rings": ["warm"],
    });
    let (once, _) = schedule(&ann, &circle, once).await;
    let until = json!({
        "title": "Evening meal",
        "starts": format!("{first}T18:00"),
        "duration_minutes": 60,
        "weekly": {"until": second},
        "helpers_needed": 1,
        "rings": ["warm"],
    });
    let (weekly_shift, version) = schedule(&ann, &circle, until).await;
    let all = rota(&bea, &circle, first, 28, version).await;
    let dates: Vec<(String, String)> = all["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|slot| {
            (
                slot["shift"].as_str().unwrap().to_owned(),
                slot["date"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        dates,
        [
            (once.clone(), first.to_string()),
            (weekly_shift.clone(), first.to_string()),
            (weekly_shift.clone(), second.to_string()),
        ],
        "in time order, the weekly one up to its last date"
    );

    changed(
        &bea,
        &shift_path(&circle, &weekly_shift, second, "claim"),
        json!(null),
    )
    .await;
    let events = s.events().await;
    let (status, refused) = bea
        .post(
            &shift_path(&circle, &weekly_shift, second, "skip"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(s.events().await, events);

    let version = changed(
        &ann,
        &shift_path(&circle, &weekly_shift, second, "skip"),
        json!(null),
    )
    .await;
    let skipped = rota(&bea, &circle, first, 28, version).await;
    assert_eq!(skipped["slots"].as_array().unwrap().len(), 2, "{skipped}");
    assert!(skipped["slots"]
        .as_array()
        .unwrap()
        .iter()
        .all(|slot| slot["date"] != second.to_string()));
    let (status, gone) = bea
        .post(
            &shift_path(&circle, &weekly_shift, second, "claim"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{gone}");
    assert_eq!(gone["code"], "no-shift-on-date");
}

async fn dates_days_and_ids_that_cannot_be_right(s: Server) {
    let (ann, circle) = circle(&s).await;
    let date = soon();
    let (shift, version) = schedule(&ann, &circle, weekly(date, 1, json!(["warm"]))).await;
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
    let (status, week) = ann.get(&format!("/api/v1/circles/{circle}/rota")).await;
    assert_eq!(status, StatusCode::OK, "{week}");
    assert_eq!(week["days"], 7);
    let today: NaiveDate = week["from"].as_str().unwrap().parse().unwrap();
    assert!(
        (today - Utc::now().date_naive()).num_days().abs() <= 1,
        "{week}"
    );

    for bad in ["2026-02-30", "05-12-2026", "soon"] {
        let path = format!("/api/v1/circles/{circle}/shifts/{shift}/dates/{bad}/claim");
        let (status, problem) = ann.post(&path, json!(null)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("YYYY-MM-DD"),
            "{problem}"
        );
    }
    let (status, problem) = ann
        .post(
            &shift_path(&circle, "not-a-shift", date, "claim"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let unknown = uuid::Uuid::new_v4().to_string();
    let (status, problem) = ann
        .post(&shift_path(&circle, &unknown, date, "claim"), json!(null))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(problem["code"], "no-such-shift");
    let (status, problem) = ann
        .post(
            &format!("/api/v1/circles/{circle}/swaps/not-a-swap/accept"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");

    // Shifts that cannot be.
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let wrong = [
        json!({"title": "", "starts": format!("{date}T10:00"), "duration_minutes": 60, "helpers_needed": 1, "rings": ["warm"]}),
        json!({"title": "Coffee", "starts": format!("{date}T10:00Z"), "duration_minutes": 60, "helpers_needed": 1, "rings": ["warm"]}),
        json!({"title": "Coffee", "starts": format!("{yesterday}T10:00"), "duration_minutes": 60, "helpers_needed": 1, "rings": ["warm"]}),
        json!({"title": "Coffee", "starts": format!("{date}T10:00"), "duration_minutes": 1, "helpers_needed": 1, "rings": ["warm"]}),
        json!({"title": "Coffee", "starts": format!("{date}T10:00"), "duration_minutes": 60, "helpers_needed": 0, "rings": ["warm"]}),
        json!({"title": "Coffee", "starts": format!("{date}T10:00"), "duration_minutes": 60, "helpers_needed": 1, "rings": ["cold"]}),
        json!({"title": "Coffee", "starts": format!("{date}T10:00"), "duration_minutes": 60, "helpers_needed": 1, "rings": []}),
        json!({"title": "Coffee", "starts": format!("{date}T10:00"), "duration_minutes": 60, "helpers_needed": 1, "rings": ["warm"], "weekly": {"until": yesterday}}),
    ];
    for body in wrong {
        let (status, problem) = ann
            .post(&format!("/api/v1/circles/{circle}/shifts"), body.clone())
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
    }
    assert_eq!(s.events().await, events);
}
