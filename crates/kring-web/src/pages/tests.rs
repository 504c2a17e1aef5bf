//! Every page rendered against a stand-in API (canned answers in the
//! protocol's shapes): each answers, in the asked language, and keeps the
//! rules of the frame: no inline script or style, a label for every field,
//! unique ids, the circle and version on `<main>` for the live script.

use std::collections::HashSet;

use axum::body::{to_bytes, Body};
use axum::routing::get;
use axum::{Json, Router};
use http::{Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;

const CIRCLE: &str = "a2f08ad9-ff28-4d3e-a966-a089445b8c87";
const ANN: &str = "11111111-1111-4111-8111-111111111111";
const BOB: &str = "22222222-2222-4222-8222-222222222222";
const SHIFT: &str = "33333333-3333-4333-8333-333333333333";
const REQUEST: &str = "44444444-4444-4444-8444-444444444444";
const ORG: &str = "55555555-5555-4555-8555-555555555555";
/// A circle whose focus person is the one looking (Mam, with her own account).
const HERS: &str = "99999999-9999-4999-8999-999999999999";
const MAM: &str = "77777777-7777-4777-8777-777777777777";

fn person(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "forgotten": false})
}

fn signals() -> Value {
    json!({"open_shift_places_next_7_days": 1, "requests_unanswered_48h": 0,
        "members_over_capacity": 1, "primary_carer_at_risk": true, "days_since_last_entry": 3,
        "members": {"warm": 2, "lukewarm": 1, "cold": 0}, "only_warm": false,
        "minutes_this_week": 150, "minutes_last_week": 60})
}

/// The API as Ann, a coordinator in the warm ring, sees a small circle.
fn api() -> Router {
    let entry = json!({"id": "66666666-6666-4666-8666-666666666666", "author": person(BOB, "Bob"),
        "visibility": "whole_circle", "text": "Mam slaapt <b>goed</b>", "written_at": "2026-05-04T08:00:00Z",
        "redacted": false, "thanks": 1});
    let circle = json!({"id": CIRCLE, "version": 7, "time_zone": "Europe/Amsterdam",
        "focus": person("77777777-7777-4777-8777-777777777777", "Mam"),
        "you": {"person": ANN, "ring": "warm", "coordinator": true, "focus": false},
        "may": {"read_rota": true, "read_invitations": true, "read_consents": true, "read_looks": true,
            "read_health": true, "export": true, "decide_consent": true, "invite_focus": true},
        "set_up_by": {"organisation": ORG, "intermediary": ANN},
        "members": {"warm": 2, "lukewarm": 1, "cold": 0}, "logbook": [entry.clone()],
        "life": {"state": "paused", "since": "2026-05-03T08:00:00Z", "by": ANN,
            "message": "Mam ligt <i>in</i> het ziekenhuis"},
        "coordination_offer": {"from": person(BOB, "Bob"), "to": person(ANN, "Ann")}});
    let request = json!({"id": REQUEST, "category": "groceries", "window_start": "2030-05-04T08:00:00Z",
        "window_end": "2030-05-06T16:00:00Z", "duration_minutes": 60, "details": "Melk en brood",
        "asked_by": person(ANN, "Ann"), "on_behalf_of_focus": true, "reach": "warm",
        "widen_to": ["lukewarm", "cold"], "status": "open",
        "taker": null, "place": "Dorpsstraat 1", "requested_at": "2026-05-01T08:00:00Z"});
    let slot = json!({"shift": SHIFT, "title": "Avondeten", "date": "2030-05-06",
        "starts_at": "2030-05-06T16:00:00Z", "starts_local": "2030-05-06T18:00:00", "duration_minutes": 90,
        "helpers_needed": 2, "open_places": 1, "rings": ["warm", "lukewarm"], "weekly": true,
        "claimed_by": [person(ANN, "Ann")], "you_are_on": true});
    let rota = json!({"version": 7, "time_zone": "Europe/Amsterdam", "from": "2030-05-06", "days": 7,
        "slots": [slot], "swaps": [{"id": "88888888-8888-4888-8888-888888888888", "shift": SHIFT,
        "title": "Avondeten", "date": "2030-05-06", "starts_at": "2030-05-06T16:00:00Z",
        "from": person(BOB, "Bob"), "to": person(ANN, "Ann")}]});
    let members = json!({"version": 7, "members": [
        {"person": person(ANN, "Ann"), "ring": "warm", "coordinator": true, "focus": false},
        {"person": person(BOB, "Bob"), "ring": "lukewarm", "coordinator": false, "focus": false}]});
    let categories: Vec<Value> = [
        ("groceries", "practical", "cold"), ("transport", "practical", "cold"),
        ("chores", "practical", "cold"), ("odd_jobs", "practical", "cold"),
        ("visit", "company", "cold"), ("walk", "company", "cold"), ("coffee", "company", "cold"),
        ("finances", "personal_matters", "warm"), ("paperwork", "personal_matters", "warm"),
        ("emotional_support", "personal_matters", "warm"), ("washing", "personal_care", "warm"),
        ("dressing", "personal_care", "warm"), ("medication", "personal_care", "warm"),
    ]
    .into_iter()
    .map(|(category, group, widest)| json!({"category": category, "group": group, "widest_ring": widest}))
    .collect();
    let base = format!("/circles/{CIRCLE}");
    let answer = |value: Value| get(move || async move { Json(value) });
    let (hers, her_rota) = her_circle(&circle);
    Router::new()
        .route(&format!("/circles/{HERS}"), answer(hers))
        .route(&format!("/circles/{HERS}/rota"), answer(her_rota))
        .route(&format!("/circles/{HERS}/requests"), answer(json!({"version": 7, "requests": []})))
        .route("/circles", axum::routing::post(stand_in_create))
        .route(&format!("/organisations/{ORG}/circles"), axum::routing::post(stand_in_create))
        .route("/me", answer(json!({"id": ANN, "name": "Ann", "email": "ann@example.org"})))
        .route("/circles", answer(json!([{"id": CIRCLE, "version": 7, "focus": circle["focus"],
            "you": circle["you"], "life": "paused"}])))
        .route("/categories", answer(json!({"categories": categories})))
        .route("/me/export", answer(json!({"account": {"name": "Ann"}})))
        .route(&format!("{base}/export"), answer(json!({"circle": CIRCLE, "events": []})))
        .route(&base, answer(circle))
        .route(&format!("{base}/requests"), answer(json!({"version": 7, "requests": [request]})))
        .route(&format!("{base}/suggestions"), answer(json!({"version": 7,
            "suggestions": [{"request": REQUEST, "people": [person(BOB, "Bob")]}]})))
        .route(&format!("{base}/rota"), answer(rota))
        .route(&format!("{base}/members"), answer(members))
        .route(&format!("{base}/helpers"), answer(json!([{"person": BOB, "first_name": "Bob",
            "tasks": 3, "offered": false}])))
        .route("/me/places", answer(json!([{"circle": CIRCLE, "focus": {"id": ANN, "name": "Mam"}}])))
        .route(&format!("{base}/offers"), answer(json!({"version": 7, "offers": [{"id": SHIFT,
            "by": person(BOB, "Bob"), "will": ["groceries", "walk"], "wont": ["finances"],
            "capacity": {"hours_per_week": 3}, "note": "Dinsdag"},
            {"id": REQUEST, "by": person(ANN, "Ann"), "will": ["visit"], "wont": [],
            "capacity": {"tasks_per_month": 2}, "note": null}]})))
        .route(&format!("{base}/invitations"), answer(json!({"version": 7, "invitations": [
            {"id": SHIFT, "ring": "lukewarm", "role": "member", "expires_at": "2030-05-06T16:00:00Z"}]})))
        // A first page with an older one after it; the page after `before=1` is the last.
        .route(&format!("{base}/logbook"), {
            let link = format!("</api/v1{base}/logbook?limit=50&before=1>; rel=\"next\"");
            get(move |query: axum::extract::RawQuery| async move {
                let last = query.0.is_some_and(|q| q.contains("before=1"));
                let link = if last { vec![] } else { vec![(http::header::LINK, link)] };
                (axum::response::AppendHeaders(link), Json(json!([entry])))
            })
        })
        .route(&format!("{base}/requests/history"), answer(json!({"version": 7, "requests": [
            {"id": SHIFT, "category": "walk", "window_start": "2026-05-04T08:00:00Z",
            "window_end": "2026-05-04T16:00:00Z", "duration_minutes": 60, "details": "Een rondje",
            "asked_by": person(ANN, "Ann"), "on_behalf_of_focus": true, "reach": "warm",
            "widen_to": [], "status": "done", "taker": person(BOB, "Bob"), "place": null,
            "requested_at": "2026-05-01T08:00:00Z"}]})))
        .route(&format!("{base}/calendar-feeds"), answer(json!({"feeds": [{"id": SHIFT,
            "scope": "mine", "created_at": "2026-05-02T08:00:00Z"}]})))
        .route(&format!("{base}/load"), answer(json!({"version": 7, "week": "2030-05-06", "members": [
            {"person": person(ANN, "Ann"), "committed_minutes": 270, "capacity_hours": 4, "over_capacity": true}]})))
        .route(&format!("{base}/reciprocity"), answer(json!({"version": 7, "members": [
            {"person": person(ANN, "Ann"), "given": 3, "received": 0, "thanks_received": 2, "thanks_given": 1}]})))
        .route(&format!("{base}/health"), answer(json!({"version": 7, "signals": signals(),
            "primary_carer": person(ANN, "Ann")})))
        .route(&format!("{base}/consents"), answer(json!({"version": 7, "consents": [{"organisation":
            {"id": ORG, "name": "Welzijn Oost"}, "scope": "full", "from": "2026-05-01T08:00:00Z", "active": true}]})))
        .route(&format!("{base}/looks"), answer(json!({"version": 7, "looks": [{"at": "2026-05-02T08:00:00Z",
            "who": person(BOB, "Carla"), "organisation": {"id": ORG, "name": "Welzijn Oost"}, "scope": "full",
            "what": "the circle: signals", "code": "circle"}]})))
        .route(&format!("/organisations/{ORG}"), answer(json!({"id": ORG, "name": "Welzijn Oost",
            "intermediaries": [person(BOB, "Carla")],
            "thresholds": {"open_places": 4, "carer_at_risk": true, "silent_days": 0}})))
        .route(&format!("/organisations/{ORG}/dashboard"), get(stand_in_dashboard))
        .route("/me/organisations", get(stand_in_organisations))
}

/// The dashboard as the API answers it: two circles, the one needing
/// attention first, narrowed by the query (which must be one the API reads).
async fn stand_in_dashboard(
    axum::extract::Query(query): axum::extract::Query<kring_protocol::v1::DashboardQuery>,
) -> Json<Value> {
    let calm = json!({"open_shift_places_next_7_days": 0, "requests_unanswered_48h": 0,
        "members_over_capacity": 0, "primary_carer_at_risk": false, "days_since_last_entry": 1,
        "members": {"warm": 2, "lukewarm": 3, "cold": 1}, "only_warm": false,
        "minutes_this_week": 60, "minutes_last_week": 60});
    let circles = [
        json!({"circle": CIRCLE, "focus": person(ANN, "Mam"), "scope": "full", "signals": signals(),
            "rota": [{"date": "2030-05-06", "starts_at": "2030-05-06T16:00:00Z", "duration_minutes": 90,
                "helpers_needed": 2, "open_places": 1}],
            "attention": ["carer_at_risk", "over_capacity", "open_places"]}),
        json!({"circle": SHIFT, "focus": person(BOB, "Piet"), "scope": "signals", "signals": calm,
            "rota": null, "attention": []}),
    ];
    let signal = query.signal.map(|s| serde_json::to_value(s).unwrap());
    let q = query.q.unwrap_or_default().to_lowercase();
    Json(Value::Array(
        circles
            .into_iter()
            .filter(|c| query.needs_attention != Some(true) || c["attention"] != json!([]))
            .filter(|c| {
                signal
                    .as_ref()
                    .is_none_or(|s| c["attention"].as_array().unwrap().contains(s))
            })
            .filter(|c| {
                c["focus"]["name"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains(&q)
            })
            .collect(),
    ))
}

/// Mam's own view of her circle, and its rota: Ann came yesterday, Bob comes
/// tomorrow, nobody yet the day after.
fn her_circle(circle: &Value) -> (Value, Value) {
    let mut hers = circle.clone();
    hers["id"] = json!(HERS);
    hers["you"] = json!({"person": MAM, "ring": "warm", "coordinator": false, "focus": true});
    hers["may"]["invite_focus"] = json!(false);
    hers["life"] = json!({"state": "active"});
    hers["set_up_by"] = Value::Null;
    hers["coordination_offer"] = Value::Null;
    let day = |days: i64| chrono::Utc::now().date_naive() + chrono::Duration::days(days);
    let slot = |days: i64, title: &str, by: Vec<Value>| {
        let date = day(days);
        json!({"shift": SHIFT, "title": title, "date": date.to_string(),
            "starts_at": format!("{date}T08:00:00Z"), "starts_local": format!("{date}T10:00:00"),
            "duration_minutes": 60, "helpers_needed": 1, "open_places": 1 - by.len(),
            "rings": ["warm"], "weekly": true, "claimed_by": by, "you_are_on": false})
    };
    let rota = json!({"version": 7, "time_zone": "Europe/Amsterdam", "from": day(-3).to_string(),
        "days": 6, "swaps": [], "slots": [
            slot(-1, "Koffie", vec![person(ANN, "Ann")]),
            slot(1, "Boodschappen", vec![person(BOB, "Bob")]),
            slot(2, "Wandelen", vec![])]});
    (hers, rota)
}

/// `POST /circles` (and at the kitchen table): made when the template and its
/// language came along as the page's language says; refused otherwise.
async fn stand_in_create(Json(body): Json<Value>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let fine = body["template"] == "last_phase" && body["language"] == "en";
    if !fine {
        let problem = json!({"status": 422, "code": "invalid", "detail": format!("{body}")});
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(problem)).into_response();
    }
    (
        StatusCode::CREATED,
        Json(json!({"id": CIRCLE, "version": 8})),
    )
        .into_response()
}

/// Ann works for one organisation; a session named `none` for none.
async fn stand_in_organisations(headers: http::HeaderMap) -> Json<Value> {
    let cookie = headers
        .get("cookie")
        .and_then(|c| c.to_str().ok())
        .unwrap_or("");
    match cookie.contains("kring_session=none") {
        true => Json(json!([])),
        false => Json(json!([{"id": ORG, "name": "Welzijn Oost"}])),
    }
}

async fn page(path: &str, lang: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .uri(path)
        .header("cookie", format!("kring_session=abc; kring_lang={lang}"))
        .body(Body::empty())
        .unwrap();
    let response = crate::routes(api()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// The values of `attribute` in the markup, in order.
fn values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

fn check_frame(path: &str, html: &str) {
    for forbidden in [
        " style=",
        " onclick=",
        " onload=",
        " onsubmit=",
        "<script>",
        "javascript:",
    ] {
        assert!(!html.contains(forbidden), "{path}: {forbidden}");
    }
    let ids = values(html, "id");
    let mut seen = HashSet::new();
    for id in &ids {
        assert!(seen.insert(*id), "{path}: the id {id} twice");
    }
    // Every field a person fills in has a label.
    let labelled: HashSet<&str> = values(html, "for").into_iter().collect();
    for tag in html.split('<').filter(|t| {
        (t.starts_with("input ") && !t.contains("type=\"hidden\""))
            || t.starts_with("select ")
            || t.starts_with("textarea ")
    }) {
        let tag = format!("<{tag}");
        let id = values(&tag, "id");
        assert!(
            id.first().is_some_and(|id| labelled.contains(id)),
            "{path}: a field without a label: {tag}"
        );
    }
    assert!(
        html.contains("<main id=\"main\""),
        "{path}: the main landmark"
    );
    assert!(html.contains("href=\"#main\""), "{path}: the skip link");
}

#[tokio::test]
async fn every_page_renders_in_both_languages_by_the_frames_rules() {
    let circle = format!("/circles/{CIRCLE}");
    let pages = [
        "/".to_owned(),
        "/login".to_owned(),
        "/signup".to_owned(),
        "/join".to_owned(),
        "/circles/new".to_owned(),
        circle.clone(),
        format!("{circle}/rota?week=2030-05-08"),
        format!("{circle}/requests?thank={REQUEST}&to={BOB}"),
        format!("{circle}/logbook"),
        format!("{circle}/logbook?before=1"),
        format!("{circle}/requests/history"),
        format!("{circle}/members"),
        format!("{circle}/calendar"),
        format!("{circle}/figures"),
        format!("{circle}/consent"),
        format!("{circle}/keepsake"),
        format!("/organisations/{ORG}"),
        format!("/organisations/{ORG}/circles/new"),
        format!("/circles/{HERS}"),
    ];
    for lang in ["nl", "en"] {
        for path in &pages {
            let (status, html) = page(path, lang).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path}");
            check_frame(path, &html);
            if path.starts_with("/circles/a") {
                assert!(
                    html.contains(&format!("data-circle=\"{CIRCLE}\" data-version=\"7\"")),
                    "{path}: live needs the circle and version"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_organisation_page_shows_its_thresholds_in_both_languages() {
    let path = format!("/organisations/{ORG}");
    let (_, nl) = page(&path, "nl").await;
    assert!(nl.contains("E-mail bij zorgen"), "{nl}");
    assert!(nl.contains(&format!("action=\"/organisations/{ORG}/thresholds\"")));
    assert!(
        nl.contains("name=\"open_places\" min=\"0\" max=\"500\" value=\"4\""),
        "{nl}"
    );
    assert!(
        nl.contains("name=\"carer_at_risk\" value=\"yes\" checked"),
        "{nl}"
    );
    assert!(
        nl.contains("name=\"silent_days\" min=\"0\" max=\"365\" value=\"0\""),
        "{nl}"
    );
    let (_, en) = page(&path, "en").await;
    assert!(en.contains("Mail when a circle needs attention"), "{en}");
    assert!(en.contains("Save thresholds"));
}

#[tokio::test]
async fn the_logbook_leads_to_older_entries_and_back_in_both_languages() {
    let path = format!("/circles/{CIRCLE}/logbook");
    let (_, nl) = page(&path, "nl").await;
    let older = format!("href=\"/circles/{CIRCLE}/logbook?before=1\"");
    assert!(
        nl.contains(&older) && nl.contains("Oudere berichten"),
        "{nl}"
    );
    assert!(!nl.contains("Naar de nieuwste berichten"));
    let (_, en) = page(&format!("{path}?before=1"), "en").await;
    assert!(!en.contains(&older), "the last page leads no further");
    assert!(en.contains("To the newest entries"), "{en}");
    let (_, history) = page(&format!("/circles/{CIRCLE}/requests/history"), "nl").await;
    assert!(
        history.contains("Afgeronde hulpvragen") && history.contains("Een rondje"),
        "{history}"
    );
}

#[tokio::test]
async fn what_people_wrote_is_escaped_and_times_are_local() {
    let (_, html) = page(&format!("/circles/{CIRCLE}/logbook"), "en").await;
    assert!(
        html.contains("Mam slaapt &lt;b&gt;goed&lt;/b&gt;"),
        "{html}"
    );
    let (_, html) = page(&format!("/circles/{CIRCLE}/rota?week=2030-05-08"), "nl").await;
    assert!(
        html.contains("maandag 6 mei 2030"),
        "the week of the date asked"
    );
    assert!(html.contains("18:00–19:30"), "local wall-clock times");
    assert!(html.contains("Bob vraagt Ann om het over te nemen"));
    let (_, html) = page(&format!("/circles/{CIRCLE}/requests"), "en").await;
    assert!(html.contains("Dorpsstraat 1"));
    assert!(html.contains("(for Mam)"));
    assert!(html.contains("These people might help"));
}

#[tokio::test]
async fn strangers_are_sent_to_log_in_and_unknown_circles_are_not_found() {
    let request = Request::builder()
        .uri(format!("/circles/{CIRCLE}/rota"))
        .body(Body::empty())
        .unwrap();
    let unauthorised = Router::new().fallback(|| async {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({"type": "x", "title": "t", "status": 401})),
        )
    });
    let response = crate::routes(unauthorised).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/login?next=%2Fcircles%2F{CIRCLE}%2Frota")
    );
    let (status, html) = page("/circles/not-a-circle", "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Not found"));
}

#[tokio::test]
async fn a_paused_circle_says_so_on_every_page_and_its_coordinator_may_resume_or_end_it() {
    for (lang, paused, resume, end) in [
        (
            "nl",
            "De kring is gepauzeerd sinds",
            "Laat de kring weer verder gaan",
            "Sluit de kring af",
        ),
        (
            "en",
            "The circle is paused since",
            "Resume the circle",
            "End the circle",
        ),
    ] {
        for path in ["", "/rota?week=2030-05-08", "/logbook", "/members"] {
            let (status, html) = page(&format!("/circles/{CIRCLE}{path}"), lang).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(html.contains(paused), "{lang} {path}");
            // The message is text, never markup.
            assert!(
                html.contains("Mam ligt &lt;i&gt;in&lt;/i&gt; het ziekenhuis"),
                "{path}"
            );
            assert!(
                html.contains(&format!("action=\"/circles/{CIRCLE}/resume\"")),
                "{path}"
            );
            assert!(html.contains(resume), "{lang} {path}");
        }
        let (_, home) = page(&format!("/circles/{CIRCLE}"), lang).await;
        assert!(home.contains(&format!("action=\"/circles/{CIRCLE}/end\"")));
        assert!(home.contains(end), "{lang}");
        // Paused already: no second pause.
        assert!(!home.contains(&format!("action=\"/circles/{CIRCLE}/pause\"")));
    }
}

#[tokio::test]
async fn the_keepsake_gathers_the_logbook_oldest_first_to_print() {
    for (lang, title, print) in [
        ("nl", "Aandenken aan de kring van Mam", "Afdrukken"),
        ("en", "Keepsake of Mam's circle", "Print"),
    ] {
        let (status, html) = page(&format!("/circles/{CIRCLE}/keepsake"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(title), "{lang}");
        assert!(
            html.contains(print) && html.contains("data-print"),
            "{lang}"
        );
        assert!(
            html.contains("Mam slaapt &lt;b&gt;goed&lt;/b&gt;"),
            "{lang}"
        );
    }
}

#[tokio::test]
async fn a_coordinator_may_end_a_weekly_shift_from_a_date_and_schedule_professionals_and_weekends()
{
    for (lang, end, hint) in [
        (
            "nl",
            "Stop deze wekelijkse dienst vanaf deze datum",
            "0: een bezoek van professionals",
        ),
        (
            "en",
            "End this weekly shift from this date",
            "0: a visit by professionals",
        ),
    ] {
        let (status, html) = page(&format!("/circles/{CIRCLE}/rota?week=2030-05-06"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("action=\"/circles/{CIRCLE}/rota/end-series\"")));
        assert!(html.contains(end), "{lang}");
        assert!(html.contains(hint), "{lang}");
        assert!(html.contains("min=\"0\" max=\"10\""));
        assert!(html.contains("max=\"4320\""));
    }
}

#[tokio::test]
async fn the_member_asked_to_coordinate_answers_on_the_home_page() {
    for (lang, asked, yes, no) in [
        (
            "nl",
            "Bob vraagt of jij de coördinatie",
            "Ja, ik neem het over",
            "Nee, liever niet",
        ),
        (
            "en",
            "Bob asks whether you will take over coordinating",
            "Yes, I take it over",
            "No, rather not",
        ),
    ] {
        let (status, html) = page(&format!("/circles/{CIRCLE}"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(asked), "{lang}");
        assert!(html.contains(yes) && html.contains(no), "{lang}");
        assert!(html.contains(&format!("action=\"/circles/{CIRCLE}/coordination\"")));
    }
}

#[tokio::test]
async fn ones_own_data_and_a_circles_download_as_files() {
    for (path, name, link) in [
        (
            "/me/export".to_owned(),
            "kring-my-data.json",
            "/".to_owned(),
        ),
        (
            format!("/circles/{CIRCLE}/export"),
            "kring-circle-",
            format!("/circles/{CIRCLE}"),
        ),
    ] {
        let request = Request::builder()
            .uri(&path)
            .header("cookie", "kring_session=abc; kring_lang=nl")
            .body(Body::empty())
            .unwrap();
        let response = crate::routes(api()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(disposition.starts_with("attachment; filename=\"") && disposition.contains(name));
        assert_eq!(response.headers()["cache-control"], "no-store");
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let _: Value = serde_json::from_slice(&body).unwrap();
        // The page the link is on.
        let (_, html) = page(&link, "en").await;
        assert!(
            html.contains(&format!("href=\"{path}\" download")),
            "{link}"
        );
    }
    // Outside a circle: the API's 404, as a page.
    let (status, _) = page(&format!("/circles/{}/export", uuid::Uuid::nil()), "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ones_own_offer_can_be_changed_as_it_stands() {
    // The stand-in's offer is Bob's; as Bob it shows the change form filled in.
    for (lang, change) in [("nl", "Verander je aanbod"), ("en", "Change your offer")] {
        let (status, html) = page(&format!("/circles/{CIRCLE}/members"), lang).await;
        assert_eq!(status, StatusCode::OK);
        // Ann changes her own offer (filled in as it stands), not Bob's.
        assert_eq!(html.matches(change).count(), 1, "{lang}");
        let action = format!("action=\"/circles/{CIRCLE}/offers/{REQUEST}/change\"");
        assert!(html.contains(&action), "{lang}");
        assert!(!html.contains(&format!("/offers/{SHIFT}/change")), "{lang}");
        let form = &html[html.find(&action).unwrap()..];
        assert!(form.contains("value=\"visit\" checked"), "{lang}");
        assert!(form.contains("value=\"tasks_per_month\" checked"), "{lang}");
    }
}

#[tokio::test]
async fn an_intermediary_reaches_their_organisations_from_home_in_both_languages() {
    let link = format!("<a href=\"/organisations/{ORG}\">Welzijn Oost</a>");
    for (lang, heading) in [("nl", "Jouw organisaties"), ("en", "Your organisations")] {
        let (status, html) = page("/", lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(heading), "{lang}: {html}");
        assert!(html.contains(&link), "{lang}: {html}");
        // Registering another stays possible.
        assert!(html.contains("action=\"/organisations\""), "{lang}");
    }
    // Someone who works for no organisation sees no such list.
    let request = Request::builder()
        .uri("/")
        .header("cookie", "kring_session=none; kring_lang=en")
        .body(Body::empty())
        .unwrap();
    let response = crate::routes(api()).oneshot(request).await.unwrap();
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let html = String::from_utf8(body.to_vec()).unwrap();
    assert!(html.contains("action=\"/organisations\""), "{html}");
    assert!(
        !html.contains("Your organisations") && !html.contains(&link),
        "{html}"
    );
}

/// The focus names of the dashboard's cards, in the order shown.
fn cards(html: &str) -> Vec<&str> {
    html.split("data-testid=\"dashboard-circle\"")
        .skip(1)
        .map(|card| {
            ["Mam", "Piet"]
                .into_iter()
                .find(|name| card.contains(&format!("{name}</a>")))
                .unwrap_or("?")
        })
        .collect()
}

#[tokio::test]
async fn the_dashboard_shows_what_needs_attention_first_and_filters_by_a_plain_get_form() {
    for (lang, why, only, clear, none) in [
        ("nl", "één persoon doet al drie weken het meeste, iemand doet meer dan aangeboden, open plekken in het rooster",
            "Alleen kringen die aandacht nodig hebben", "Toon alle kringen", "Geen kring past bij wat je zoekt."),
        ("en", "one person has done most for three weeks, someone does more than offered, open places in the rota",
            "Only circles that need attention", "Show all circles", "No circle matches what you are looking for."),
    ] {
        let path = format!("/organisations/{ORG}");
        let (status, html) = page(&path, lang).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(cards(&html), ["Mam", "Piet"], "{lang}: the API's order");
        assert!(html.contains(why), "{lang}: {html}");
        assert_eq!(html.matches("data-testid=\"attention\"").count(), 1, "{lang}");
        // A GET form: no idempotency key, and it works without a script.
        let form = &html[html.find(&format!("<form class=\"stack\" method=\"get\" action=\"{path}\"")).expect("the search form")..];
        let form = &form[..form.find("</form>").unwrap()];
        assert!(form.contains(only) && !form.contains("idempotency_key"), "{lang}: {form}");
        assert!(form.contains("name=\"needs_attention\" value=\"true\"") && form.contains("name=\"q\""));
        assert!(form.contains("<option value=\"open_places\">"), "{form}");
        assert!(!html.contains(clear), "{lang}: nothing to clear yet");

        // What the form sends: an unticked box and an empty field ask nothing.
        let (status, html) = page(&format!("{path}?needs_attention=true&signal=&q="), lang).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert_eq!(cards(&html), ["Mam"], "{lang}");
        assert!(html.contains("value=\"true\" checked"), "{lang}: the box stays ticked");
        assert!(html.contains(clear) && html.contains(&format!("href=\"{path}\"")));

        let (_, html) = page(&format!("{path}?signal=open_places&q="), lang).await;
        assert_eq!(cards(&html), ["Mam"], "{lang}");
        assert!(html.contains("<option value=\"open_places\" selected>"), "{lang}");

        let (_, html) = page(&format!("{path}?q=+pi%C3%ABt+"), lang).await;
        assert_eq!(cards(&html), Vec::<&str>::new(), "{lang}: no match for piët");
        assert!(html.contains(none) && html.contains("value=\"piët\""), "{lang}: {html}");
        let (_, html) = page(&format!("{path}?q=PIE"), lang).await;
        assert_eq!(cards(&html), ["Piet"], "{lang}: case does not matter");
        assert!(html.contains("value=\"PIE\""));
    }
}

#[tokio::test]
async fn the_thresholds_say_what_they_decide_on_the_dashboard() {
    let path = format!("/organisations/{ORG}");
    for (lang, text) in [
        (
            "nl",
            "Deze grenzen bepalen ook welke kringen hierboven aandacht nodig hebben.",
        ),
        (
            "en",
            "These thresholds also decide which circles above need attention.",
        ),
    ] {
        let (_, html) = page(&path, lang).await;
        let thresholds = html
            .find(&format!("action=\"{path}/thresholds\""))
            .expect("the form");
        let explained = html.find(text).unwrap_or_else(|| panic!("{lang}: {html}"));
        let circles = html.find("data-testid=\"dashboard-circle\"").unwrap();
        assert!(
            circles < explained && explained < thresholds,
            "{lang}: after the circles, before the form"
        );
    }
}

async fn submit(path: &str, form: &str, lang: &str) -> (StatusCode, Option<String>) {
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header("cookie", format!("kring_session=abc; kring_lang={lang}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    let response = crate::routes(api()).oneshot(request).await.unwrap();
    let location = response
        .headers()
        .get(http::header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (response.status(), location)
}

#[tokio::test]
async fn the_person_a_circle_is_for_gets_a_simple_home_in_both_languages() {
    for (lang, hello, coming, ask, offer, thank, all) in [
        (
            "nl",
            "Hallo Mam",
            "komt: Bob",
            "Iets vragen",
            "Iets aanbieden",
            "Bedank Ann",
            "Alles van de kring zien",
        ),
        (
            "en",
            "Hello Mam",
            "coming: Bob",
            "Ask for something",
            "Offer something",
            "Thank Ann",
            "See everything in the circle",
        ),
    ] {
        let (status, html) = page(&format!("/circles/{HERS}"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("class=\"simple\""), "{lang}");
        for text in [hello, coming, ask, offer, thank, all] {
            assert!(html.contains(text), "{lang}: {text} in {html}");
        }
        // Tomorrow's helper is named, the day after says nobody yet; the
        // past is for thanks only.
        assert!(html.contains(if lang == "nl" {
            "nog niemand"
        } else {
            "nobody yet"
        }));
        assert_eq!(html.matches("data-testid=\"coming\"").count(), 2);
        assert!(html.contains(&format!("action=\"/circles/{HERS}/rota/thanks\"")));
        assert!(html.contains(&format!("href=\"/circles/{HERS}/requests#ask-heading\"")));
        assert!(html.contains(&format!("href=\"/circles/{HERS}/members#offer-form\"")));
        // Everything is one link away, and from there back.
        let (status, full) = page(&format!("/circles/{HERS}?all=1"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!full.contains("class=\"simple\""));
        assert!(full.contains(&format!("href=\"/circles/{HERS}\"")));
    }
    // A coordinator's home is the whole one.
    let (_, html) = page(&format!("/circles/{CIRCLE}"), "en").await;
    assert!(!html.contains("class=\"simple\""));
}

#[tokio::test]
async fn a_coordinator_lets_the_focus_person_join_and_sees_the_kitchen_table_note() {
    for (lang, heading, note) in [
        (
            "nl",
            "Mam zelf laten meedoen",
            "Je zette deze kring op met de familie.",
        ),
        (
            "en",
            "Let Mam join in themself",
            "You set this circle up with the family.",
        ),
    ] {
        let (status, html) = page(&format!("/circles/{CIRCLE}/members"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(heading), "{lang}");
        assert!(html.contains("name=\"role\" value=\"focus\""));
        let (_, home) = page(&format!("/circles/{CIRCLE}"), lang).await;
        assert!(home.contains(note), "{lang}");
    }
}

#[tokio::test]
async fn a_circle_starts_from_a_template_and_an_intermediary_sets_one_up() {
    for (lang, template, kitchen) in [
        (
            "nl",
            "Thuis na het ziekenhuis (zes weken)",
            "Een kring opzetten met een familie",
        ),
        (
            "en",
            "Home after hospital (six weeks)",
            "Set up a circle with a family",
        ),
    ] {
        let (status, html) = page("/circles/new", lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(template), "{lang}");
        assert_eq!(
            html.matches("<option value=\"").count() - 8,
            5,
            "no plan and four templates"
        );
        let (_, organisation) = page(&format!("/organisations/{ORG}"), lang).await;
        assert!(organisation.contains(&format!("href=\"/organisations/{ORG}/circles/new\"")));
        let (status, html) = page(&format!("/organisations/{ORG}/circles/new"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(kitchen), "{lang}");
        assert!(html.contains(&format!("action=\"/organisations/{ORG}/circles/new\"")));
        assert!(
            !html.contains("for_myself"),
            "an intermediary sets up a circle for a family"
        );
    }
    // The template goes along in the page's language; at the kitchen table
    // the next page is the members page, to invite the first coordinator.
    let form = "focus_name=Opa&template=last_phase&time_zone=Europe%2FAmsterdam";
    let (status, location) = submit("/circles/new", form, "en").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.unwrap(),
        format!("/circles/{CIRCLE}?min_version=8")
    );
    let (status, location) = submit(&format!("/organisations/{ORG}/circles/new"), form, "en").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.unwrap(),
        format!("/circles/{CIRCLE}/members?min_version=8")
    );
    let (status, _) = submit("/circles/new", form, "nl").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Dutch words for a Dutch page"
    );
}

#[tokio::test]
async fn a_coordinator_changes_a_dates_time_or_the_series_from_it_in_both_languages() {
    for (lang, summary, one, all) in [
        (
            "nl",
            "Tijd of duur veranderen",
            "Alleen deze datum",
            "Deze en alle latere datums",
        ),
        (
            "en",
            "Change the time or length",
            "This date only",
            "This and every later date",
        ),
    ] {
        let (status, html) = page(&format!("/circles/{CIRCLE}/rota?week=2030-05-06"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("action=\"/circles/{CIRCLE}/rota/change\"")));
        for text in [summary, one, all] {
            assert!(html.contains(text), "{lang}: {text}");
        }
        // Filled in as the slot stands: 18:00 for 90 minutes.
        assert!(html.contains("type=\"time\" name=\"time\" required value=\"18:00\""));
        assert!(html.contains("value=\"90\""));
        assert!(html.contains("name=\"scope\" value=\"series\""));
    }
}

#[tokio::test]
async fn the_one_who_asked_changes_a_request_as_it_stands_in_both_languages() {
    for (lang, summary, save) in [
        ("nl", "Hulpvraag veranderen", "Bewaar de verandering"),
        ("en", "Change this request", "Save the change"),
    ] {
        let (status, html) = page(&format!("/circles/{CIRCLE}/requests"), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(summary) && html.contains(save), "{lang}");
        assert!(html.contains(&format!(
            "action=\"/circles/{CIRCLE}/requests/{REQUEST}/change\""
        )));
        // Filled in as it stands, in the circle's time: 10:00 to 18:00.
        assert!(html.contains(">Melk en brood</textarea>"));
        assert!(html.contains("name=\"from_time\" required value=\"10:00\""));
        assert!(html.contains("name=\"until_time\" required value=\"18:00\""));
    }
}
