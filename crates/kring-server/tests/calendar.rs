//! Calendar feeds over real HTTP, on both backends. Feeds are read by a client
//! without cookies (as a calendar app) and parsed by an independent iCalendar
//! parser (the `ical` crate), not by the crate that wrote them.

mod common;

use std::io::BufReader;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, Utc};
use common::{Browser, Empty, Server};
use kring_protocol::v1::{self, CalendarScope, Ring};
use kring_server::Settings;
use kring_testkit::on_both_backends;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    Server::start =>
    a_feed_holds_the_shifts_in_utc_with_titles_and_who_is_on_them,
    mine_holds_only_the_shifts_i_am_on,
    a_revoked_feed_is_404_and_only_its_owner_revokes_it,
    the_feed_of_a_member_who_was_removed_is_404,
    unknown_feed_addresses_are_404,
    a_non_member_cannot_make_or_list_feeds,
    a_shift_whose_author_was_forgotten_is_a_shift,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_address_starts_with_the_public_url() {
    let settings = Settings {
        // Plain http, so that the test client may carry the session cookie.
        public_url: Some("http://kring.example.org/".into()),
        ..Settings::default()
    };
    let s = Server::start_with(kring_testkit::TestLog::sqlite().await, settings).await;
    let (ann, circle) = coordinator(&s).await;
    let feed = make_feed(&ann, &circle, CalendarScope::Circle).await;
    let url = &feed.url;
    let token = url
        .strip_prefix("http://kring.example.org/calendar/")
        .and_then(|rest| rest.strip_suffix(".ics"))
        .unwrap_or_else(|| panic!("{url}"));
    assert_eq!(token.len(), 43, "256 bits in base64url: {token}");
    // The same feed through the address the test server really has.
    let (status, _, _) = fetch(&s.url(&format!("/calendar/{token}.ics"))).await;
    assert_eq!(status, StatusCode::OK);
}

// ---- the feeds' content --------------------------------------------------

const SOUP: &str = "Soup, bread; and a \\ backslash\nthen the dishes";
const LONG: &str = "Avondeten bij Mam — soep, brood; daarna samen de krant lezen, \
                    thee drinken en de planten water geven (ongeveer anderhalf uur) ☕";

async fn a_feed_holds_the_shifts_in_utc_with_titles_and_who_is_on_them(s: Server) {
    let (ann, circle) = coordinator(&s).await;
    let (bob, _) = s
        .join_with(
            &ann,
            &circle,
            "Bob; \"the neighbour\", jr.",
            v1::Invite {
                ring: Ring::Warm,
                role: v1::Role::Member,
                task: None,
                expires_in_days: None,
            },
        )
        .await;
    let first = winter_date();
    let soup = schedule(&ann, &circle, SOUP, first, "10:00", 120, Some(2), 2).await;
    let dinner = schedule(&ann, &circle, LONG, next(first), "19:30", 90, None, 1).await;
    claim(&ann, &circle, &soup, first).await;
    claim(&bob, &circle, &soup, first).await;
    let version = claim(&bob, &circle, &dinner, next(first)).await;
    caught_up(&ann, &circle, version).await;

    let feed = make_feed(&bob, &circle, CalendarScope::Circle).await;
    assert_eq!(feed.scope, CalendarScope::Circle);
    let (status, headers, body) = fetch(&feed.url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[CONTENT_TYPE], "text/calendar; charset=utf-8");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    well_formed(&body);

    let calendar = parse(&body);
    assert_eq!(
        calendar.name.as_deref(),
        Some("Kring: shifts for Mam, \"our\" mother; at home")
    );
    let seen: Vec<(&str, DateTime<Utc>, DateTime<Utc>, &str)> = calendar
        .events
        .iter()
        .map(|e| (e.uid.as_str(), e.starts, e.ends, e.status.as_str()))
        .collect();
    let soup_uid = |date: NaiveDate| format!("{soup}-{date}@kring");
    let dinner_uid = format!("{dinner}-{}@kring", next(first));
    let second = first + Days::new(7);
    let third = first + Days::new(14);
    assert_eq!(
        seen,
        vec![
            // 10:00 in Amsterdam in winter (UTC+1) is 09:00Z.
            (
                soup_uid(first).as_str(),
                utc(first, 9, 0),
                utc(first, 11, 0),
                "CONFIRMED"
            ),
            (
                dinner_uid.as_str(),
                utc(next(first), 18, 30),
                utc(next(first), 20, 0),
                "CONFIRMED"
            ),
            (
                soup_uid(second).as_str(),
                utc(second, 9, 0),
                utc(second, 11, 0),
                "TENTATIVE"
            ),
            (
                soup_uid(third).as_str(),
                utc(third, 9, 0),
                utc(third, 11, 0),
                "TENTATIVE"
            ),
        ]
    );
    let by_uid = |uid: &str| calendar.events.iter().find(|e| e.uid == uid).unwrap();
    assert_eq!(by_uid(&soup_uid(first)).summary, SOUP);
    assert_eq!(by_uid(&dinner_uid).summary, LONG);
    assert_eq!(
        by_uid(&soup_uid(first)).description,
        "On it: Ann de Vries, Bob; \"the neighbour\", jr..\nEvery place is taken."
    );
    assert_eq!(
        by_uid(&soup_uid(second)).description,
        "Nobody is on it yet.\n2 of 2 places are open."
    );
    // Two reminders a shift: two hours before, and at 19:00 in Amsterdam the
    // evening before (from 10:00 that is 15 hours; from 19:30, 24.5 hours).
    let reminder = |text: &str, minutes: i64| Reminder {
        action: "DISPLAY".into(),
        description: text.into(),
        before_start: chrono::Duration::minutes(minutes),
    };
    assert_eq!(
        by_uid(&soup_uid(first)).alarms,
        vec![reminder(SOUP, 120), reminder(SOUP, 15 * 60)]
    );
    assert_eq!(
        by_uid(&dinner_uid).alarms,
        vec![reminder(LONG, 120), reminder(LONG, 24 * 60 + 30)]
    );
    for event in &calendar.events {
        assert_eq!(event.alarms.len(), 2, "{}", event.uid);
        // The evening before at 19:00, as a moment.
        let evening = event.starts - event.alarms[1].before_start;
        assert_eq!(
            evening.format("%H:%M").to_string(),
            "18:00",
            "19:00 in Amsterdam in winter"
        );
        assert_eq!(
            evening.date_naive().succ_opt(),
            Some(event.starts.date_naive())
        );
    }
    for event in &calendar.events {
        let stamp = event.stamp;
        assert!(
            (Utc::now() - stamp).num_minutes().abs() < 5,
            "DTSTAMP is when the feed was made: {stamp}"
        );
    }
}

async fn mine_holds_only_the_shifts_i_am_on(s: Server) {
    let (ann, circle) = coordinator(&s).await;
    let (bob, _) = s.join(&ann, &circle, "lukewarm").await;
    let first = winter_date();
    let soup = schedule(&ann, &circle, SOUP, first, "10:00", 60, Some(2), 1).await;
    let dinner = schedule(&ann, &circle, LONG, next(first), "19:30", 90, None, 1).await;
    let second = first + Days::new(7);
    claim(&bob, &circle, &soup, second).await;
    let version = claim(&ann, &circle, &dinner, next(first)).await;
    caught_up(&ann, &circle, version).await;

    let bobs = make_feed(&bob, &circle, CalendarScope::Mine).await;
    assert_eq!(bobs.scope, CalendarScope::Mine);
    let anns = make_feed(&ann, &circle, CalendarScope::Mine).await;
    let everything = make_feed(&ann, &circle, CalendarScope::Circle).await;
    let uids = |feed: &v1::CalendarFeedCreated| {
        let url = feed.url.clone();
        async move {
            let (status, _, body) = fetch(&url).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            parse(&body)
                .events
                .into_iter()
                .map(|e| e.uid)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(uids(&bobs).await, vec![format!("{soup}-{second}@kring")]);
    assert_eq!(
        uids(&anns).await,
        vec![format!("{dinner}-{}@kring", next(first))]
    );
    assert_eq!(uids(&everything).await.len(), 4, "three soups and a dinner");
    let (_, _, body) = fetch(&anns.url).await;
    assert!(parse(&body)
        .name
        .unwrap()
        .starts_with("Kring: my shifts for "));

    // Giving a place back takes it out of "mine" at the next look.
    let released: v1::Changed = bob
        .post_ok(
            &format!("/api/v1/circles/{circle}/shifts/{soup}/dates/{second}/release"),
            &v1::ReleaseShift {
                reason: "away that week".into(),
            },
            StatusCode::OK,
        )
        .await;
    caught_up(&bob, &circle, released.version).await;
    assert_eq!(uids(&bobs).await, Vec::<String>::new());
}

// ---- who may see a feed --------------------------------------------------

async fn a_revoked_feed_is_404_and_only_its_owner_revokes_it(s: Server) {
    let (ann, circle) = coordinator(&s).await;
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let kept = make_feed(&bob, &circle, CalendarScope::Mine).await;
    let revoked = make_feed(&bob, &circle, CalendarScope::Circle).await;
    let anns = make_feed(&ann, &circle, CalendarScope::Circle).await;
    for feed in [&kept, &revoked, &anns] {
        let (status, _, _) = fetch(&feed.url).await;
        assert_eq!(status, StatusCode::OK);
    }

    let feeds = format!("/api/v1/circles/{circle}/calendar-feeds");
    let (status, raw) = bob.get(&feeds).await;
    assert_eq!(status, StatusCode::OK, "{raw}");
    // The whole answer as sent, to be sure no address is anywhere in it.
    assert!(
        !raw.to_string().contains("/calendar/"),
        "a list shows no addresses: {raw}"
    );
    let listed: v1::CalendarFeeds = serde_json::from_value(raw).unwrap();
    let ids: Vec<uuid::Uuid> = listed.feeds.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        vec![kept.id, revoked.id],
        "only bob's own, oldest first"
    );
    assert_eq!(listed.feeds[0].scope, CalendarScope::Mine);
    // `created_at` is a timestamp: reading it as `DateTime<Utc>` checks that.

    let revoke = format!("{feeds}/{}", revoked.id);
    let (status, refused) = ann.delete(&revoke).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not ann's to revoke: {refused}"
    );
    let (status, _, _) = fetch(&revoked.url).await;
    assert_eq!(status, StatusCode::OK, "still there");

    let (status, body) = bob.delete(&revoke).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, headers, body) = fetch(&revoked.url).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let (status, _) = bob.delete(&revoke).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "already revoked");
    let (status, _) = bob.delete(&format!("{feeds}/not-a-feed")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for feed in [&kept, &anns] {
        let (status, _, _) = fetch(&feed.url).await;
        assert_eq!(status, StatusCode::OK, "the others stay");
    }
    let listed: v1::CalendarFeeds = bob.get_ok(&feeds).await;
    assert_eq!(listed.feeds.len(), 1);
    assert_eq!(listed.feeds[0].id, kept.id);
}

async fn the_feed_of_a_member_who_was_removed_is_404(s: Server) {
    let (ann, circle) = coordinator(&s).await;
    let (bob, bob_id) = s.join(&ann, &circle, "warm").await;
    let first = winter_date();
    let soup = schedule(&ann, &circle, SOUP, first, "10:00", 60, None, 1).await;
    let version = claim(&bob, &circle, &soup, first).await;
    caught_up(&ann, &circle, version).await;
    let feed = make_feed(&bob, &circle, CalendarScope::Mine).await;
    let url = &feed.url;
    let (status, _, body) = fetch(url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(parse(&body).events.len(), 1);

    let (status, removed) = ann
        .delete_as::<v1::Changed>(&format!("/api/v1/circles/{circle}/members/{bob_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{removed:?}");
    caught_up(&ann, &circle, removed.unwrap().version).await;

    let (status, headers, body) = fetch(url).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(headers[CONTENT_TYPE], "application/problem+json");
    let unknown = fetch(&s.url(&format!("/calendar/{}.ics", "A".repeat(43)))).await;
    assert_eq!(
        body, unknown.2,
        "the same answer as for an address that never existed"
    );
    let (status, _) = bob
        .get(&format!("/api/v1/circles/{circle}/calendar-feeds"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "bob no longer sees the circle"
    );
}

async fn unknown_feed_addresses_are_404(s: Server) {
    let (ann, circle) = coordinator(&s).await;
    let real = make_feed(&ann, &circle, CalendarScope::Circle).await;
    let real = &real.url;
    let without_suffix = real.strip_suffix(".ics").unwrap();
    for url in [
        s.url(&format!("/calendar/{}.ics", "A".repeat(43))),
        s.url("/calendar/not-a-token.ics"),
        s.url("/calendar/.ics"),
        without_suffix.to_owned(),
        format!("{without_suffix}.ICS"),
        format!("{without_suffix}x.ics"),
    ] {
        let (status, headers, body) = fetch(&url).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{url}: {body}");
        assert_eq!(headers[CACHE_CONTROL], "no-store", "{url}");
        let problem: v1::Problem = serde_json::from_str(&body).unwrap();
        assert_eq!(problem.code, "no-calendar");
    }
    let (status, _, _) = fetch(real).await;
    assert_eq!(status, StatusCode::OK);
}

async fn a_non_member_cannot_make_or_list_feeds(s: Server) {
    let (ann, circle) = coordinator(&s).await;
    let (stranger, _) = s.person("Sam", "sam@example.org").await;
    let events = s.events().await;
    let feeds = format!("/api/v1/circles/{circle}/calendar-feeds");
    let circle_feed = v1::CreateCalendarFeed {
        scope: CalendarScope::Circle,
    };
    let body = stranger
        .post_refused(&feeds, &circle_feed, StatusCode::NOT_FOUND)
        .await;
    let no_circle = stranger
        .post_refused(
            &format!("/api/v1/circles/{}/calendar-feeds", uuid::Uuid::new_v4()),
            &circle_feed,
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(
        body, no_circle,
        "the same as for a circle that does not exist"
    );
    let (status, _) = stranger.get_as::<v1::CalendarFeeds>(&feeds).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    s.browser()
        .post_refused(&feeds, &circle_feed, StatusCode::UNAUTHORIZED)
        .await;
    // A scope that does not exist: the types cannot say it.
    let (status, body) = ann.post(&feeds, json!({"scope": "everything"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(s.events().await, events, "nothing was written to the log");
    let listed: v1::CalendarFeeds = ann.get_ok(&feeds).await;
    assert_eq!(listed.feeds, vec![], "nor a feed made");
}

async fn a_shift_whose_author_was_forgotten_is_a_shift(s: Server) {
    let (ann, circle) = coordinator(&s).await;
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let first = winter_date();
    let soup = schedule(&ann, &circle, SOUP, first, "10:00", 60, None, 2).await;
    claim(&ann, &circle, &soup, first).await;
    let version = claim(&bob, &circle, &soup, first).await;
    caught_up(&bob, &circle, version).await;
    let feed = make_feed(&bob, &circle, CalendarScope::Mine).await;
    let me: v1::Me = ann.get_ok("/api/v1/me").await;
    let ann_id = me.id;

    let forgetter = kring_app::Forgetter::open(&s.test.url, &Default::default())
        .await
        .unwrap();
    let erased = forgetter
        .forget(kring_domain::PersonId(ann_id))
        .await
        .unwrap();
    assert!(erased.key && erased.circles == 1, "{erased:?}");

    // The shift stays (its title, sealed by Ann, reads "a shift"); erased, Ann
    // left the circle, so her place on it is open again (once the projector
    // has read her leaving, written by another connection).
    kring_testkit::eventually(
        std::time::Duration::from_secs(10),
        "the feed without Ann",
        || async {
            let (status, _, body) = fetch(&feed.url).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let calendar = parse(&body);
            assert_eq!(calendar.events.len(), 1);
            assert_eq!(calendar.events[0].summary, "a shift");
            let description = calendar.events[0].description.clone();
            (description == "On it: A warm member.\n1 of 2 places is open.")
                .then_some(())
                .ok_or(description)
        },
    )
    .await;
}

// ---- helpers ---------------------------------------------------------------

/// A coordinator and their circle around "Mam" (in Europe/Amsterdam).
async fn coordinator(s: &Server) -> (Browser, String) {
    let email = format!("{}@example.org", uuid::Uuid::new_v4().simple());
    let (ann, _) = s.person("Ann de Vries", &email).await;
    let created: v1::Created = ann
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: "Mam, \"our\" mother; at home".into(),
                time_zone: Some("Europe/Amsterdam".into()),
                for_myself: false,
                template: None,
                language: None,
            },
            StatusCode::CREATED,
        )
        .await;
    let circle = created.id.to_string();
    caught_up(&ann, &circle, created.version).await;
    (ann, circle)
}

/// The first date at least two days from now that lies, with the two weeks
/// after it, in Amsterdam's winter time (UTC+1): early December to early February.
fn winter_date() -> NaiveDate {
    let mut date = Utc::now().date_naive() + Days::new(2);
    while !(date.month() == 12 || date.month() == 1 || (date.month() == 2 && date.day() <= 7)) {
        date = date + Days::new(1);
    }
    date
}

fn next(date: NaiveDate) -> NaiveDate {
    date + Days::new(1)
}

fn utc(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, minute, 0).unwrap().and_utc()
}

/// Schedules a shift; `weekly_for`: weekly until that many weeks after `date`.
#[allow(clippy::too_many_arguments)]
async fn schedule(
    coordinator: &Browser,
    circle: &str,
    title: &str,
    date: NaiveDate,
    time: &str,
    minutes: u16,
    weekly_for: Option<u64>,
    helpers: u8,
) -> String {
    let body = v1::ScheduleShift {
        title: title.into(),
        starts: format!("{date}T{time}"),
        duration_minutes: minutes,
        weekly: weekly_for.map(|weeks| v1::WeeklyShift {
            until: Some(date + Days::new(7 * weeks)),
            every_weeks: None,
        }),
        helpers_needed: helpers,
        rings: vec![Ring::Warm, Ring::Lukewarm],
    };
    let created: v1::Created = coordinator
        .post_ok(
            &format!("/api/v1/circles/{circle}/shifts"),
            &body,
            StatusCode::CREATED,
        )
        .await;
    created.id.to_string()
}

/// Claims a place; answers the circle's version after it.
async fn claim(member: &Browser, circle: &str, shift: &str, date: NaiveDate) -> u64 {
    let claimed: v1::Changed = member
        .post_ok(
            &format!("/api/v1/circles/{circle}/shifts/{shift}/dates/{date}/claim"),
            &Empty {},
            StatusCode::OK,
        )
        .await;
    claimed.version
}

/// Waits until the stored view holds `version`: feeds are read from it.
async fn caught_up(member: &Browser, circle: &str, version: u64) {
    let _: v1::Circle = member
        .get_ok(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await;
}

async fn make_feed(
    member: &Browser,
    circle: &str,
    scope: CalendarScope,
) -> v1::CalendarFeedCreated {
    member
        .post_ok(
            &format!("/api/v1/circles/{circle}/calendar-feeds"),
            &v1::CreateCalendarFeed { scope },
            StatusCode::CREATED,
        )
        .await
}

/// A calendar app: no cookies, no session.
async fn fetch(url: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = reqwest::get(url).await.expect("the server answers");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("a body"))
}

/// RFC 5545 §3.1: CRLF line ends, and no line longer than 75 octets.
fn well_formed(body: &str) {
    assert!(body.ends_with("\r\n"));
    for line in body.split_terminator("\r\n") {
        assert!(!line.contains(['\r', '\n']), "a bare line break: {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
}

struct Feed {
    name: Option<String>,
    events: Vec<FeedEvent>,
}

struct FeedEvent {
    uid: String,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    stamp: DateTime<Utc>,
    summary: String,
    description: String,
    status: String,
    alarms: Vec<Reminder>,
}

#[derive(Debug, PartialEq)]
struct Reminder {
    action: String,
    description: String,
    /// How long before the start it goes off (TRIGGER, relative to the start).
    before_start: chrono::Duration,
}

/// Unfolds the content lines as RFC 5545 §3.1 says (remove CRLF and the one
/// space or tab after it), then lets `ical` read the rest. Not `ical`'s own
/// unfolding: ical 0.11 also trims whitespace at the end of every folded
/// line, so a space just before a fold (valid, and what icalendar writes when
/// a fold lands after one) would be lost.
fn parse(body: &str) -> Feed {
    let unfolded = body.replace("\r\n ", "").replace("\r\n\t", "");
    let mut parser = ical::IcalParser::new(BufReader::new(unfolded.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("it parses");
    assert!(parser.next().is_none(), "one calendar");
    let value = |properties: &[ical::property::Property], name: &str| {
        properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.as_deref())
            .map(unescape)
    };
    assert_eq!(
        value(&calendar.properties, "VERSION").as_deref(),
        Some("2.0")
    );
    let time = |properties: &[ical::property::Property], name: &str| {
        let property = properties
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(property.params, None, "{name} in UTC, without TZID");
        let text = property.value.as_deref().unwrap();
        NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ")
            .unwrap_or_else(|e| panic!("{name}:{text}: {e}"))
            .and_utc()
    };
    let events = calendar
        .events
        .iter()
        .map(|e| {
            let p = &e.properties;
            FeedEvent {
                uid: value(p, "UID").expect("a UID"),
                starts: time(p, "DTSTART"),
                ends: time(p, "DTEND"),
                stamp: time(p, "DTSTAMP"),
                summary: value(p, "SUMMARY").expect("a SUMMARY"),
                description: value(p, "DESCRIPTION").expect("a DESCRIPTION"),
                status: value(p, "STATUS").expect("a STATUS"),
                alarms: e
                    .alarms
                    .iter()
                    .map(|a| {
                        let p = &a.properties;
                        let trigger = p.iter().find(|p| p.name == "TRIGGER").expect("a TRIGGER");
                        let related = trigger
                            .params
                            .iter()
                            .flatten()
                            .find(|(k, _)| k == "RELATED");
                        assert!(
                            related.is_none_or(|(_, v)| v == &["START"]),
                            "relative to the start: {trigger:?}"
                        );
                        Reminder {
                            action: value(p, "ACTION").expect("an ACTION"),
                            description: value(p, "DESCRIPTION").expect("a DESCRIPTION"),
                            before_start: -duration(trigger.value.as_deref().unwrap()),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    Feed {
        name: value(&calendar.properties, "X-WR-CALNAME"),
        events,
    }
}

/// A DURATION value (RFC 5545 §3.3.6), e.g. `-PT15H`, `-P1DT30M`, `PT0S`.
fn duration(text: &str) -> chrono::Duration {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest
        .strip_prefix('P')
        .unwrap_or_else(|| panic!("not a duration: {text}"));
    let mut seconds = 0;
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'T' => in_time = true,
            unit => {
                let n: i64 = number.parse().unwrap_or_else(|_| panic!("{text}"));
                number.clear();
                seconds += n * match (unit, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => panic!("not a duration: {text}"),
                };
            }
        }
    }
    assert!(number.is_empty(), "not a duration: {text}");
    chrono::Duration::seconds(sign * seconds)
}

/// TEXT values (RFC 5545 §3.3.11): `ical` unfolds lines but leaves escapes.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(escaped @ ('\\' | ';' | ',')) => out.push(escaped),
            other => panic!("not an RFC 5545 escape: \\{other:?} in {text:?}"),
        }
    }
    out
}
