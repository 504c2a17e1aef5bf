//! Every route of the API against every kind of viewer, over real HTTP.
//!
//! Reads are checked exactly: the status each viewer must get. Changes are
//! checked for who reaches the circle's rules at all: an anonymous caller is
//! asked to log in (401), anyone the circle does not know gets the same 404 as
//! for a circle that does not exist (and nothing is written), and a member gets
//! the rules' own answer (never that 404). Each change runs in a fresh circle,
//! so one viewer's change cannot make another's check pass or fail.
//!
//! The routes come from `proto/openapi.json`: a route without a row here fails
//! the test, so a new route cannot skip the matrix.

mod common;

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, Utc};
use common::{Browser, Server};
use kring_testkit::on_both_backends;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The kinds of viewer, in the order of each row's expectations.
const VIEWERS: [&str; 10] = [
    "anonymous",
    "non-member",
    "cold volunteer",
    "lukewarm member",
    "warm member",
    "coordinator",
    "focus person",
    "intermediary (full)",
    "intermediary (signals)",
    "intermediary (no consent)",
];

/// What a viewer must get.
#[derive(Clone, Copy, Debug)]
enum Want {
    Status(u16),
    /// A member of the circle reaches the rules: any answer but 401, 5xx, or
    /// "no such circle".
    Rules,
}

use Want::{Rules, Status as S};

const ANON: Want = S(401);
const HIDDEN: Want = S(404);
const OK: Want = S(200);
const NO: Want = S(403);

/// A change to a circle: 401, then 404 for the non-member and every
/// intermediary, and the rules for every member.
const CIRCLE_CHANGE: [Want; 10] = [
    ANON, HIDDEN, Rules, Rules, Rules, Rules, Rules, HIDDEN, HIDDEN, HIDDEN,
];

/// (method, path as in the description, body, expectations per viewer).
#[rustfmt::skip] // a table: one route per line
fn rows(w: &World) -> Vec<(&'static str, &'static str, Value, [Want; 10])> {
    let soon = Utc::now() + Duration::days(2);
    let next_week = (Utc::now() + Duration::days(9)).date_naive();
    vec![
        // ---- reads of a circle ------------------------------------------
        ("GET", "/circles/{id}", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/members", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/requests", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/requests/history", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/logbook", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/load", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/reciprocity", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/rota", json!(null), [ANON, HIDDEN, NO, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/offers", json!(null), [ANON, HIDDEN, NO, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        // One's own feeds stay listable (and revocable) after a move to the cold ring.
        ("GET", "/circles/{id}/calendar-feeds", json!(null), [ANON, HIDDEN, OK, OK, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/consents", json!(null), [ANON, HIDDEN, NO, NO, OK, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/looks", json!(null), [ANON, HIDDEN, NO, NO, NO, OK, OK, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/invitations", json!(null), [ANON, HIDDEN, NO, NO, NO, OK, NO, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/health", json!(null), [ANON, HIDDEN, NO, NO, NO, OK, NO, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/suggestions", json!(null), [ANON, HIDDEN, NO, NO, NO, OK, NO, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/export", json!(null), [ANON, HIDDEN, NO, NO, NO, OK, NO, HIDDEN, HIDDEN, HIDDEN]),
        // ---- one's own ----------------------------------------------------
        ("GET", "/me", json!(null), [ANON, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
        ("GET", "/me/export", json!(null), [ANON, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
        ("PUT", "/me/password", json!({"current_password": "not the password", "new_password": "a longer new secret"}), [ANON, NO, NO, NO, NO, NO, NO, NO, NO, NO]),
        // With the right password it deletes the caller (tests/erasure.rs); the
        // matrix's viewers must survive it, so only the wrong one is tried here.
        ("POST", "/me/deletion", json!({"password": "not the password"}), [ANON, NO, NO, NO, NO, NO, NO, NO, NO, NO]),
        ("GET", "/circles", json!(null), [ANON, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
        // Always the caller's own list (no one else's can be named): tests/organisations.rs.
        ("GET", "/me/organisations", json!(null), [ANON, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
        ("GET", "/me/mail", json!(null), [ANON, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
        ("PUT", "/me/mail", json!({"language": "en", "time_zone": "Europe/Amsterdam", "quiet_from": "22:00", "quiet_until": "07:00", "evening_before": true, "remind_hours_before": 2, "topics": [{"topic": "swaps", "delivery": "daily"}]}), [ANON, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
        // ---- links in mails: the token alone decides (a made-up one is no link for anyone)
        ("GET", "/links/{token}", json!(null), [HIDDEN; 10]),
        ("POST", "/links/{token}", json!(null), [HIDDEN; 10]),
        // ---- the same for everyone -------------------------------------------
        ("GET", "/categories", json!(null), [OK; 10]),
        // ---- organisations (an intermediary's own; the first one for everyone else)
        ("GET", "/organisations/{org}", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, OK, OK]),
        ("GET", "/organisations/{org}/dashboard", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, OK, OK]),
        ("GET", "/organisations/{org}/circles/{id}", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, OK, HIDDEN]),
        // The kitchen table: an intermediary of the organisation sets a circle up with a family.
        ("POST", "/organisations/{org}/circles", json!({"focus_name": "Opa"}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, S(201), S(201), S(201)]),
        ("POST", "/organisations", json!({"name": "Buurtzorg Oost"}), [ANON, S(201), S(201), S(201), S(201), S(201), S(201), S(201), S(201), S(201)]),
        // A mailed invitation: the same 202 for any address (no oracle).
        ("POST", "/organisations/{org}/intermediaries", json!({"email": "nobody@example.org"}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, S(202), S(202), S(202)]),
        ("DELETE", "/organisations/{org}/intermediaries/{person}", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("PUT", "/organisations/{org}/thresholds", json!({"open_places": 3, "carer_at_risk": true, "silent_days": 14}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, OK, OK]),
        // ---- the marketplace: its intermediaries and volunteers only (a made-up listing is none)
        ("POST", "/organisations/{org}/volunteer-sign-up", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, S(201), S(201), S(201)]),
        ("POST", "/organisations/{org}/volunteer-invitations", json!({"email": "someone@example.org"}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, S(202), S(202), S(202)]),
        ("GET", "/organisations/{org}/marketplace", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK, OK, OK]),
        ("GET", "/organisations/{org}/marketplace/{listing}/candidates", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("POST", "/organisations/{org}/marketplace/{listing}/proposals", json!({}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("POST", "/volunteering", json!({"organisation": w.circle, "code": "made-up", "profile": {"will": ["groceries"], "neighbourhood": "3512", "available": [{"weekday": 1, "part": "morning"}], "tasks_per_month": 2}}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/me/volunteering/{org}", json!(null), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("PUT", "/me/volunteering/{org}", json!({"will": ["groceries"], "neighbourhood": "3512", "available": [{"weekday": 1, "part": "morning"}], "tasks_per_month": 2}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("PUT", "/me/volunteering/{org}/status", json!({"status": "paused"}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/requests/{request}/proposals", json!(null), [ANON, HIDDEN, NO, NO, NO, OK, NO, HIDDEN, HIDDEN, HIDDEN]),
        ("GET", "/circles/{id}/helpers", json!(null), [ANON, HIDDEN, NO, NO, NO, OK, NO, HIDDEN, HIDDEN, HIDDEN]),
        ("POST", "/circles/{id}/helpers/{person}/place", json!(null), CIRCLE_CHANGE),
        ("GET", "/me/places", json!(null), [ANON, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
        // Nobody here was offered a place: the same 404 for all.
        ("POST", "/me/places/{id}", json!({"accept": true}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        ("PUT", "/circles/{id}/neighbourhood", json!({"neighbourhood": "3512"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/requests/{request}/listing", json!({"organisation": w.circle, "summary": "Groceries on Tuesday"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/requests/{request}/proposals/{volunteer}", json!({"accept": true}), CIRCLE_CHANGE),
        // ---- accounts and sessions ------------------------------------------
        ("POST", "/accounts", json!({"name": "New", "email": "{fresh-email}", "password": "correct horse battery"}), [S(201); 10]),
        ("POST", "/session", json!({"email": "nobody@example.org", "password": "wrong password!"}), [S(401); 10]),
        ("DELETE", "/session", json!(null), [S(204); 10]),
        ("POST", "/me/email/verification", json!(null), [ANON, S(202), S(202), S(202), S(202), S(202), S(202), S(202), S(202), S(202)]),
        ("PUT", "/me/email", json!({"email": "new@example.org", "password": "not the password"}), [ANON, NO, NO, NO, NO, NO, NO, NO, NO, NO]),
        ("POST", "/password-reset", json!({"email": "nobody@example.org"}), [S(202); 10]),
        ("POST", "/password-reset/{token}", json!({"password": "a longer new secret"}), [HIDDEN; 10]),
        ("GET", "/links/{token}", json!(null), [HIDDEN; 10]),
        ("POST", "/links/{token}", json!({}), [HIDDEN; 10]),
        ("POST", "/invitations/accept", json!({"code": "not-a-code"}), [ANON, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
        // ---- changes to a circle ----------------------------------------------
        ("POST", "/circles", json!({"focus_name": "Opa"}), [ANON, S(201), S(201), S(201), S(201), S(201), S(201), S(201), S(201), S(201)]),
        ("POST", "/circles/{id}/members/{person}/hand-over", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/coordination", json!({"accept": true}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/pause", json!({"message": "Mam is in hospital"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/resume", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/end", json!({"reason": "recovered", "message": "Thank you"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/logbook", json!({"text": "A good day", "visibility": "whole_circle"}), CIRCLE_CHANGE),
        ("DELETE", "/circles/{id}/logbook/{entry}", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/invitations", json!({"ring": "lukewarm"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/invitations/mail", json!({"ring": "lukewarm", "email": "someone@example.org"}), CIRCLE_CHANGE),
        ("DELETE", "/circles/{id}/invitations/{invitation}", json!(null), CIRCLE_CHANGE),
        ("PUT", "/circles/{id}/members/{person}/ring", json!({"ring": "warm"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/members/{person}/coordinator", json!(null), CIRCLE_CHANGE),
        ("DELETE", "/circles/{id}/members/{person}/coordinator", json!(null), CIRCLE_CHANGE),
        ("DELETE", "/circles/{id}/members/{person}", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/requests", json!({"category": "groceries", "window_start": soon, "window_end": soon + Duration::hours(2), "duration_minutes": 60, "details": "Bread"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/requests/{request}/widen", json!({"to": "lukewarm"}), CIRCLE_CHANGE),
        ("PUT", "/circles/{id}/requests/{request}", json!({"window_start": "2030-01-01T10:00:00Z", "window_end": "2030-01-01T12:00:00Z", "duration_minutes": 60, "details": "Melk"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/requests/{request}/{action}", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/offers", json!({"will": ["visit"], "capacity": {"hours_per_week": 2}}), CIRCLE_CHANGE),
        ("DELETE", "/circles/{id}/offers/{offer}", json!(null), CIRCLE_CHANGE),
        ("PUT", "/circles/{id}/offers/{offer}", json!({"will": ["walk"], "capacity": {"hours_per_week": 1}}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/thanks", json!({"to": w.ann_id, "for": {"entry": w.entry}}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/shifts", json!({"title": "Dinner", "starts": format!("{next_week}T18:00"), "duration_minutes": 90, "helpers_needed": 1, "rings": ["warm", "lukewarm"]}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/shifts/{shift}/dates/{date}/claim", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/shifts/{shift}/dates/{date}/release", json!({"reason": "ill"}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/shifts/{shift}/dates/{date}/skip", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/shifts/{shift}/dates/{date}/end-series", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/shifts/{shift}/dates/{date}/change", json!({"time": "14:30", "duration_minutes": 60}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/shifts/{shift}/dates/{date}/change-series", json!({"time": "14:30", "duration_minutes": 60}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/swaps", json!({"shift": w.shift, "date": w.date, "to": w.lia_id}), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/swaps/{swap}/accept", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/swaps/{swap}/decline", json!(null), CIRCLE_CHANGE),
        ("PUT", "/circles/{id}/consents/{organisation}", json!({"scope": "signals"}), CIRCLE_CHANGE),
        ("DELETE", "/circles/{id}/consents/{organisation}", json!(null), CIRCLE_CHANGE),
        ("POST", "/circles/{id}/calendar-feeds", json!({"scope": "mine"}), CIRCLE_CHANGE),
        ("DELETE", "/circles/{id}/calendar-feeds/{feed}", json!(null), CIRCLE_CHANGE),
    ]
}

/// The people, made once: accounts cost a password hash each.
struct People {
    /// Browsers in the order of [`VIEWERS`] (the first never logs in).
    browsers: Vec<Browser>,
    emails: Vec<String>,
    ids: Vec<String>,
    /// The organisation of each intermediary: full, signals, none.
    orgs: [String; 3],
}

const PASSWORD: &str = "correct horse battery";

async fn people(s: &Server) -> People {
    let mut browsers = vec![s.browser()];
    let mut emails = vec![String::new()];
    let mut ids = vec![String::new()];
    for (i, viewer) in VIEWERS.iter().enumerate().skip(1) {
        let email = format!("viewer{i}@example.org");
        let (browser, id) = s.person(viewer, &email).await;
        browsers.push(browser);
        emails.push(email);
        ids.push(id);
    }
    let mut orgs = vec![];
    for (i, name) in [(7, "Wijkteam"), (8, "Mantelzorg NL"), (9, "Buurthuis")] {
        let (status, org) = browsers[i]
            .post("/api/v1/organisations", json!({ "name": name }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{org}");
        orgs.push(org["id"].as_str().unwrap().to_owned());
    }
    People {
        browsers,
        emails,
        ids,
        orgs: orgs.try_into().unwrap(),
    }
}

/// One circle with something of every kind in it.
struct World {
    circle: String,
    ann_id: String,
    lia_id: String,
    request: String,
    offer: String,
    shift: String,
    date: String,
    swap: String,
    entry: String,
    invitation: String,
    feed: String,
    version: u64,
}

fn id_of(body: &Value) -> String {
    body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {body}"))
        .to_owned()
}

async fn expect(browser: &Browser, method: Method, path: &str, body: Value, status: u16) -> Value {
    let (got, answer) = send(browser, method.clone(), path, &body).await;
    assert_eq!(got.as_u16(), status, "{method} {path}: {answer}");
    answer
}

async fn send(browser: &Browser, method: Method, path: &str, body: &Value) -> (StatusCode, Value) {
    let mut request = browser
        .client
        .request(method, format!("{}{path}", browser.base));
    if !body.is_null() {
        request = request.json(body);
    }
    common::read(request.send().await).await
}

/// `who` joins `circle` through an invitation `inviter` makes.
async fn join(inviter: &Browser, who: &Browser, circle: &str, invitation: Value) -> u64 {
    let invited = expect(
        inviter,
        Method::POST,
        &format!("/api/v1/circles/{circle}/invitations"),
        invitation,
        201,
    )
    .await;
    let joined = expect(
        who,
        Method::POST,
        "/api/v1/invitations/accept",
        json!({"code": invited["code"]}),
        200,
    )
    .await;
    joined["version"].as_u64().unwrap()
}

/// Viewers: 2 cold, 3 lukewarm, 4 warm, 5 coordinator, 6 focus; 7–9 intermediaries.
async fn world(p: &People) -> World {
    let b = &p.browsers;
    let (focus, coordinator) = (&b[6], &b[5]);
    let created = expect(
        focus,
        Method::POST,
        "/api/v1/circles",
        json!({"focus_name": "Riet", "for_myself": true}),
        201,
    )
    .await;
    let circle = id_of(&created);
    let c = format!("/api/v1/circles/{circle}");
    join(
        focus,
        coordinator,
        &circle,
        json!({"ring": "warm", "role": "coordinator"}),
    )
    .await;
    // Riet hands coordinating to her daughter: she stays the focus person, in the warm ring.
    expect(
        focus,
        Method::DELETE,
        &format!("{c}/members/{}/coordinator", p.ids[6]),
        json!(null),
        200,
    )
    .await;
    join(coordinator, &b[4], &circle, json!({"ring": "warm"})).await;
    join(coordinator, &b[3], &circle, json!({"ring": "lukewarm"})).await;
    let soon = Utc::now() + Duration::days(1);
    let request = id_of(
        &expect(
            coordinator,
            Method::POST,
            &format!("{c}/requests"),
            json!({"category": "groceries", "window_start": soon, "window_end": soon + Duration::hours(3), "duration_minutes": 60, "details": "Fruit"}),
            201,
        )
        .await,
    );
    expect(
        coordinator,
        Method::POST,
        &format!("{c}/requests/{request}/widen"),
        json!({"to": "cold"}),
        200,
    )
    .await;
    join(
        coordinator,
        &b[2],
        &circle,
        json!({"ring": "cold", "task": request}),
    )
    .await;
    // A weekly shift from next Monday, which the warm member claims and offers to swap.
    let today = Utc::now().date_naive();
    let monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let shift = id_of(
        &expect(
            coordinator,
            Method::POST,
            &format!("{c}/shifts"),
            json!({"title": "Morning visit", "starts": format!("{monday}T10:00"), "duration_minutes": 60, "weekly": {}, "helpers_needed": 2, "rings": ["warm", "lukewarm"]}),
            201,
        )
        .await,
    );
    let date = monday.to_string();
    expect(
        &b[4],
        Method::POST,
        &format!("{c}/shifts/{shift}/dates/{date}/claim"),
        json!(null),
        200,
    )
    .await;
    let swap = id_of(
        &expect(
            &b[4],
            Method::POST,
            &format!("{c}/swaps"),
            json!({"shift": shift, "date": date, "to": p.ids[3]}),
            201,
        )
        .await,
    );
    let offer = id_of(
        &expect(
            &b[4],
            Method::POST,
            &format!("{c}/offers"),
            json!({"will": ["visit", "walk"], "capacity": {"hours_per_week": 3}}),
            201,
        )
        .await,
    );
    let entry = id_of(
        &expect(
            coordinator,
            Method::POST,
            &format!("{c}/logbook"),
            json!({"text": "Riet is home", "visibility": "whole_circle"}),
            201,
        )
        .await,
    );
    let invited = expect(
        coordinator,
        Method::POST,
        &format!("{c}/invitations"),
        json!({"ring": "lukewarm"}),
        201,
    )
    .await;
    let invitation = id_of(&invited);
    // A feed is made from the stored view: wait until it holds everything above.
    let feeds = format!("{c}/calendar-feeds?min_version={}", invited["version"]);
    let feed = id_of(&expect(&b[4], Method::POST, &feeds, json!({"scope": "mine"}), 201).await);
    expect(
        focus,
        Method::PUT,
        &format!("{c}/consents/{}", p.orgs[0]),
        json!({"scope": "full"}),
        200,
    )
    .await;
    let version = expect(
        focus,
        Method::PUT,
        &format!("{c}/consents/{}", p.orgs[1]),
        json!({"scope": "signals"}),
        200,
    )
    .await["version"]
        .as_u64()
        .unwrap();
    World {
        circle,
        ann_id: p.ids[5].clone(),
        lia_id: p.ids[3].clone(),
        request,
        offer,
        shift,
        date,
        swap,
        entry,
        invitation,
        feed,
        version,
    }
}

/// The path with the world's ids; `{org}` is the viewer's own organisation
/// for an intermediary, the first organisation for everyone else.
fn fill(path: &str, w: &World, p: &People, viewer: usize) -> String {
    let org = match viewer {
        7..=9 => &p.orgs[viewer - 7],
        _ => &p.orgs[0],
    };
    let path = path
        .replace("{id}", &w.circle)
        .replace("{org}", org)
        .replace("{organisation}", &p.orgs[0])
        .replace("{person}", &w.lia_id)
        .replace("{request}", &w.request)
        .replace("{action}", "take")
        .replace("{offer}", &w.offer)
        .replace("{shift}", &w.shift)
        .replace("{date}", &w.date)
        // A token Kring never made: the same 404 for everyone.
        .replace("{token}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .replace("{swap}", &w.swap)
        .replace("{entry}", &w.entry)
        .replace("{invitation}", &w.invitation)
        .replace("{feed}", &w.feed)
        // No listing or volunteer of the matrix's organisations: made up.
        .replace("{listing}", "7d3c1e52-0b8f-4a61-9e27-5f4a8c2d1b90")
        .replace("{volunteer}", &w.lia_id)
        .replace("{token}", &"t".repeat(43));
    assert!(
        !path.contains('{'),
        "a path parameter without a value: {path}"
    );
    format!("/api/v1{path}")
}

async fn check(s: &Server, p: &People, w: &World, row: (&str, &str, Value, [Want; 10])) {
    let (method, path, body, wants) = row;
    let method: Method = method.parse().unwrap();
    for (viewer, want) in wants.iter().enumerate() {
        let mut body = body.clone();
        if body["email"] == "{fresh-email}" {
            body["email"] = json!(format!("{}@example.org", uuid::Uuid::new_v4().simple()));
        }
        // Logging out would end the viewer's session for the rows after this one.
        let fresh;
        let browser = if path == "/session" && method == Method::DELETE && viewer > 0 {
            fresh = s.browser();
            expect(
                &fresh,
                Method::POST,
                "/api/v1/session",
                json!({"email": p.emails[viewer], "password": PASSWORD}),
                200,
            )
            .await;
            &fresh
        } else {
            &p.browsers[viewer]
        };
        let mut url = fill(path, w, p, viewer);
        if method == Method::GET && path.contains("{id}") {
            url.push_str(&format!("?min_version={}", w.version));
        }
        let before = s.events().await;
        let (status, answer) = send(browser, method.clone(), &url, &body).await;
        let who = VIEWERS[viewer];
        match *want {
            Want::Status(expected) => {
                assert_eq!(
                    status.as_u16(),
                    expected,
                    "{method} {path} as {who}: {answer}"
                )
            }
            Want::Rules => {
                assert!(
                    status != StatusCode::UNAUTHORIZED && !status.is_server_error(),
                    "{method} {path} as {who}: {status} {answer}"
                );
                let detail = answer["detail"].as_str().unwrap_or("");
                assert!(
                    !(status == StatusCode::NOT_FOUND && detail.contains("no such circle")),
                    "{method} {path} as {who}: a member was told the circle is not there"
                );
            }
        }
        if matches!(status.as_u16(), 401 | 403 | 404) && method != Method::GET {
            assert_eq!(
                s.events().await,
                before,
                "{method} {path} as {who} was refused but wrote"
            );
        }
    }
}

async fn every_route_answers_every_viewer_as_the_policy_says(s: Server) {
    let p = people(&s).await;
    let reads = world(&p).await;
    let table = rows(&reads);

    // Every described route has a row, and every row a described route.
    let description: Value =
        serde_json::from_str(include_str!("../../../proto/openapi.json")).unwrap();
    let mut described = BTreeSet::new();
    for (path, operations) in description["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            described.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let covered: BTreeSet<String> = table.iter().map(|(m, p, ..)| format!("{m} {p}")).collect();
    let without_row: Vec<_> = described.difference(&covered).collect();
    let without_route: Vec<_> = covered.difference(&described).collect();
    assert!(
        without_row.is_empty() && without_route.is_empty(),
        "routes without a row: {without_row:?}; rows without a route: {without_route:?}"
    );

    for row in table {
        if row.0 == "GET" {
            check(&s, &p, &reads, row).await;
        } else {
            // A fresh circle per change; its ids go into the row's body too.
            let w = world(&p).await;
            let (method, path, ..) = row;
            let fresh = rows(&w)
                .into_iter()
                .find(|r| r.0 == method && r.1 == path)
                .unwrap();
            check(&s, &p, &w, fresh).await;
        }
    }
}

on_both_backends!(Server::start => every_route_answers_every_viewer_as_the_policy_says);
