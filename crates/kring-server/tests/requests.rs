//! Requests for help, standing offers and thanks over real HTTP, on both backends.

mod common;

use std::collections::HashMap;

use chrono::{Duration, SecondsFormat, Utc};
use common::{Browser, Server};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    Server::start =>
    post_and_widen_a_request,
    refused_requests_leave_the_log_as_it_was,
    offers_are_made_withdrawn_and_seen_by_the_right_people,
    a_place_is_seen_only_by_the_asker_the_taker_and_the_coordinators,
    requests_widen_only_as_far_as_their_kind_allows,
);

/// Ann starts a circle for Mam; answers Ann, her id and the circle's id.
async fn circle(s: &Server) -> (Browser, String, String) {
    let (ann, ann_id) = s.person("Ann", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (ann, ann_id, created["id"].as_str().unwrap().to_owned())
}

/// A new account that joins the circle in `ring` through an invitation from
/// the coordinator `ann`; answers its browser and id.
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

/// A request body for tomorrow afternoon.
fn ask(category: &str, details: &str) -> Value {
    let start = Utc::now() + Duration::days(1);
    let end = start + Duration::hours(3);
    json!({
        "category": category,
        "window_start": start.to_rfc3339_opts(SecondsFormat::Secs, true),
        "window_end": end.to_rfc3339_opts(SecondsFormat::Secs, true),
        "duration_minutes": 60,
        "details": details,
    })
}

fn version(answer: &Value) -> u64 {
    answer["version"]
        .as_u64()
        .unwrap_or_else(|| panic!("no version in {answer}"))
}

/// The requests `browser` sees once the view holds `at_least`.
async fn requests(browser: &Browser, circle: &str, at_least: u64) -> Vec<Value> {
    let (status, list) = browser
        .get(&format!(
            "/api/v1/circles/{circle}/requests?min_version={at_least}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(version(&list) >= at_least, "{list}");
    list["requests"].as_array().unwrap().clone()
}

async fn offers(browser: &Browser, circle: &str, at_least: u64) -> Vec<Value> {
    let (status, list) = browser
        .get(&format!(
            "/api/v1/circles/{circle}/offers?min_version={at_least}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["offers"].as_array().unwrap().clone()
}

/// Posts `body` and expects a refusal with `status`; answers the problem's
/// code and detail.
async fn refused(
    s: &Server,
    browser: &Browser,
    path: &str,
    body: Value,
    status: StatusCode,
) -> (String, String) {
    let events = s.events().await;
    let (answer, problem) = browser.post(path, body).await;
    assert_eq!(answer, status, "{path}: {problem}");
    assert_eq!(
        s.events().await,
        events,
        "a refusal writes nothing: {problem}"
    );
    (
        problem["code"].as_str().unwrap().to_owned(),
        problem["detail"].as_str().unwrap().to_owned(),
    )
}

async fn post_and_widen_a_request(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, bob_id) = member(&s, &ann, &circle, "Bob", "lukewarm").await;
    let base = format!("/api/v1/circles/{circle}/requests");

    let mut body = ask("groceries", "Milk, bread and the newspaper");
    body["place"] = json!("Dorpsstraat 1, Ede");
    let (status, created) = ann.post(&base, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let request = created["id"].as_str().unwrap().to_owned();
    let asked = version(&created);

    let mine = requests(&ann, &circle, asked).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    let r = &mine[0];
    assert_eq!(r["id"], request.as_str());
    assert_eq!(r["category"], "groceries");
    assert_eq!(r["duration_minutes"], 60);
    assert_eq!(r["details"], "Milk, bread and the newspaper");
    assert_eq!(
        r["asked_by"],
        json!({"id": ann_id, "name": "Ann", "forgotten": false})
    );
    assert_eq!(r["on_behalf_of_focus"], false);
    assert_eq!(r["reach"], "warm");
    assert_eq!(r["status"], "open");
    assert_eq!(r["taker"], Value::Null);
    assert_eq!(r["place"], "Dorpsstraat 1, Ede");

    // Open to the warm ring only: the neighbour neither sees nor takes it.
    assert_eq!(requests(&bob, &circle, asked).await, Vec::<Value>::new());
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{request}/take"),
        json!({}),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(code, "only-request-rings");

    let (status, widened) = ann
        .post(
            &format!("{base}/{request}/widen"),
            json!({"to": "lukewarm"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{widened}");
    let widened = version(&widened);
    let seen = requests(&bob, &circle, widened).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["reach"], "lukewarm");
    assert_eq!(seen[0]["details"], "Milk, bread and the newspaper");
    assert!(
        seen[0].get("place").is_none(),
        "not the neighbour's yet: {}",
        seen[0]
    );

    let (status, taken) = bob.post(&format!("{base}/{request}/take"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    let seen = requests(&bob, &circle, version(&taken)).await;
    assert_eq!(seen[0]["status"], "taken");
    assert_eq!(
        seen[0]["taker"],
        json!({"id": bob_id, "name": "Bob", "forgotten": false})
    );
    assert_eq!(
        seen[0]["place"], "Dorpsstraat 1, Ede",
        "the helper needs the address"
    );

    let (status, confirmed) = ann
        .post(&format!("{base}/{request}/confirm"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let seen = requests(&bob, &circle, version(&confirmed)).await;
    assert_eq!(seen[0]["status"], "confirmed");

    // Thanks come once the help is done.
    let thanks = format!("/api/v1/circles/{circle}/thanks");
    let thank_bob = json!({"to": bob_id, "for": {"request": request}, "note": "Thank you, Bob!"});
    let (code, _) = refused(
        &s,
        &ann,
        &thanks,
        thank_bob.clone(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "thank-helper-when-done");

    let (status, done) = ann.post(&format!("{base}/{request}/done"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    // Done requests leave the list of open and running ones.
    assert_eq!(
        requests(&ann, &circle, version(&done)).await,
        Vec::<Value>::new()
    );
    assert_eq!(
        requests(&bob, &circle, version(&done)).await,
        Vec::<Value>::new()
    );
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{request}/done"),
        json!({}),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(code, "done-untaken");

    let events = s.events().await;
    let (status, thanked) = ann.post(&thanks, thank_bob).await;
    assert_eq!(status, StatusCode::OK, "{thanked}");
    assert!(version(&thanked) > version(&done));
    assert_eq!(s.events().await, events + 1);
    let (code, _) = refused(
        &s,
        &bob,
        &thanks,
        json!({"to": bob_id, "for": {"request": request}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "thank-self");
    let (_, detail) = refused(
        &s,
        &ann,
        &thanks,
        json!({"to": bob_id, "for": {"shift": request}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(detail.contains("names one thing"), "{detail}");
}

async fn refused_requests_leave_the_log_as_it_was(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bob, _) = member(&s, &ann, &circle, "Bob", "lukewarm").await;
    let (eve, _) = s.person("Eve", "eve@example.org").await;
    let base = format!("/api/v1/circles/{circle}/requests");

    // Personal care is for the family and professionals, not the neighbours.
    let (status, washing) = ann.post(&base, ask("washing", "Help Mam shower")).await;
    assert_eq!(status, StatusCode::CREATED, "{washing}");
    let washing = washing["id"].as_str().unwrap().to_owned();
    let widen = format!("{base}/{washing}/widen");
    let (_, detail) = refused(
        &s,
        &ann,
        &widen,
        json!({"to": "lukewarm"}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        detail,
        "volunteers do not give personal care (washing, dressing, medication): \
         ask the home-care team or the GP (huisarts) for professional care"
    );
    let (status, money) = ann
        .post(&base, ask("finances", "Sort out the bank letters"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{money}");
    let money = money["id"].as_str().unwrap().to_owned();
    let (code, _) = refused(
        &s,
        &ann,
        &format!("{base}/{money}/widen"),
        json!({"to": "lukewarm"}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "personal-matters-stay-warm");

    // Only coordinators widen.
    let (status, walk) = ann.post(&base, ask("walk", "A walk in the park")).await;
    assert_eq!(status, StatusCode::CREATED, "{walk}");
    let walk = walk["id"].as_str().unwrap().to_owned();
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{walk}/widen"),
        json!({"to": "lukewarm"}),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(code, "only-coordinators");
    let (code, _) = refused(
        &s,
        &ann,
        &format!("{base}/{walk}/widen"),
        json!({"to": "warm"}),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(code, "already-open-to-ring");

    // Input that cannot be right.
    let (_, detail) = refused(
        &s,
        &ann,
        &base,
        ask("gardening", "Mow the lawn"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        detail.contains("gardening") && detail.contains("groceries"),
        "says what to use: {detail}"
    );
    let mut backwards = ask("groceries", "Milk");
    backwards["window_end"] = json!((Utc::now() + Duration::hours(1)).to_rfc3339());
    backwards["window_start"] = json!((Utc::now() + Duration::hours(2)).to_rfc3339());
    let (code, _) = refused(&s, &ann, &base, backwards, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(code, "window-ends-before-start");
    let mut quick = ask("groceries", "Milk");
    quick["duration_minutes"] = json!(2);
    let (code, _) = refused(&s, &ann, &base, quick, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(code, "duration");
    let (code, _) = refused(
        &s,
        &ann,
        &base,
        ask("groceries", "   "),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "details-length");
    let mut past = ask("groceries", "Milk");
    past["window_start"] = json!((Utc::now() - Duration::hours(3)).to_rfc3339());
    past["window_end"] = json!((Utc::now() - Duration::hours(1)).to_rfc3339());
    let (code, _) = refused(&s, &ann, &base, past, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(code, "window-passed");

    // Asking for Mam is for the warm ring.
    let mut for_mam = ask("visit", "Keep Mam company");
    for_mam["on_behalf_of_focus"] = json!(true);
    let (code, _) = refused(&s, &bob, &base, for_mam, StatusCode::FORBIDDEN).await;
    assert_eq!(code, "only-warm-for-focus");

    // Unknown steps and requests are not there; a stranger learns nothing.
    refused(
        &s,
        &ann,
        &format!("{base}/{walk}/dance"),
        json!({}),
        StatusCode::NOT_FOUND,
    )
    .await;
    refused(
        &s,
        &ann,
        &format!("{base}/{walk}/no_show"),
        json!({}),
        StatusCode::NOT_FOUND,
    )
    .await;
    let (code, _) = refused(
        &s,
        &ann,
        &format!("{base}/not-an-id/take"),
        json!({}),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(code, "no-such-request");
    let nobody = uuid::Uuid::new_v4();
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{nobody}/take"),
        json!({}),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(code, "no-such-request");
    let (_, no_circle) = eve
        .get(&format!(
            "/api/v1/circles/{}/requests",
            uuid::Uuid::new_v4()
        ))
        .await;
    let (status, problem) = eve.get(&base).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        problem, no_circle,
        "the same answer as for no circle at all"
    );
    refused(
        &s,
        &eve,
        &base,
        ask("groceries", "Milk"),
        StatusCode::NOT_FOUND,
    )
    .await;
    refused(
        &s,
        &eve,
        &format!("{base}/{walk}/take"),
        json!({}),
        StatusCode::NOT_FOUND,
    )
    .await;
}

async fn offers_are_made_withdrawn_and_seen_by_the_right_people(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (carol, _) = member(&s, &ann, &circle, "Carol", "warm").await;
    let (bob, bob_id) = member(&s, &ann, &circle, "Bob", "lukewarm").await;
    let (dave, _) = member(&s, &ann, &circle, "Dave", "lukewarm").await;
    let base = format!("/api/v1/circles/{circle}/offers");

    let (status, bobs) = bob
        .post(
            &base,
            json!({
                "will": ["groceries", "transport"],
                "wont": ["finances"],
                "capacity": {"hours_per_week": 3},
                "note": "Evenings are best"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bobs}");
    let bobs_offer = bobs["id"].as_str().unwrap().to_owned();
    let (status, carols) = carol
        .post(
            &base,
            json!({"will": ["visit"], "capacity": {"tasks_per_month": 2}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{carols}");
    let carols_offer = carols["id"].as_str().unwrap().to_owned();
    let made = version(&carols);
    assert!(made > version(&bobs));

    // Refusals: personal care from a neighbour, nothing offered, odd capacities.
    let (_, detail) = refused(
        &s,
        &bob,
        &base,
        json!({"will": ["washing"], "capacity": {"hours_per_week": 1}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        detail.starts_with("volunteers do not give personal care"),
        "{detail}"
    );
    let (code, _) = refused(
        &s,
        &bob,
        &base,
        json!({"will": [], "capacity": {"hours_per_week": 1}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "offer-needs-help");
    let (code, _) = refused(
        &s,
        &bob,
        &base,
        json!({"will": ["walk"], "capacity": {"hours_per_week": 0}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "capacity");
    let (_, detail) = refused(
        &s,
        &bob,
        &base,
        json!({"will": ["walk"], "capacity": {"days": 1}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        detail.contains("hours_per_week"),
        "says what to use: {detail}"
    );

    // The warm ring and the coordinators see every offer; a neighbour their own.
    let ids = |offers: Vec<Value>| -> Vec<String> {
        let mut ids: Vec<String> = offers
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let mut both = vec![bobs_offer.clone(), carols_offer.clone()];
    both.sort();
    assert_eq!(ids(offers(&ann, &circle, made).await), both);
    assert_eq!(ids(offers(&carol, &circle, made).await), both);
    let own = offers(&bob, &circle, made).await;
    assert_eq!(
        own,
        vec![json!({
            "id": bobs_offer,
            "by": {"id": bob_id, "name": "Bob", "forgotten": false},
            "will": ["groceries", "transport"],
            "wont": ["finances"],
            "capacity": {"hours_per_week": 3},
            "note": "Evenings are best",
        })]
    );
    assert_eq!(offers(&dave, &circle, made).await, Vec::<Value>::new());

    // Only whoever made it, or a coordinator, withdraws it.
    let bobs_path = format!("{base}/{bobs_offer}");
    let events = s.events().await;
    let (status, problem) = dave.delete(&bobs_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "only-offer-maker-or-coordinator");
    let (status, problem) = dave.delete(&format!("{base}/not-an-offer")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(problem["code"], "no-such-offer");
    assert_eq!(s.events().await, events);

    let (status, withdrawn) = bob.delete(&bobs_path).await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    let withdrawn = version(&withdrawn);
    assert_eq!(
        ids(offers(&ann, &circle, withdrawn).await),
        vec![carols_offer.clone()]
    );
    assert_eq!(offers(&bob, &circle, withdrawn).await, Vec::<Value>::new());
    let (status, problem) = bob.delete(&bobs_path).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "offer-withdrawn");

    // A coordinator may withdraw someone else's.
    let (status, answer) = ann.delete(&format!("{base}/{carols_offer}")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        offers(&carol, &circle, version(&answer)).await,
        Vec::<Value>::new()
    );

    // A volunteer from the marketplace sees the task they joined for, not the offers.
    let requests_path = format!("/api/v1/circles/{circle}/requests");
    let (status, walk) = ann
        .post(&requests_path, ask("walk", "A walk along the river"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{walk}");
    let walk = walk["id"].as_str().unwrap().to_owned();
    let (status, widened) = ann
        .post(
            &format!("{requests_path}/{walk}/widen"),
            json!({"to": "cold"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{widened}");
    let (vera, _) = s
        .join_with(&ann, &circle, "Vera", json!({"ring": "cold", "task": walk}))
        .await;
    let (status, problem) = vera.get(&base).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "read-volunteers-no-rota");
    let (status, list) = vera.get(&requests_path).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let seen = list["requests"].as_array().unwrap();
    assert_eq!(seen.len(), 1, "{list}");
    assert_eq!(seen[0]["id"], walk.as_str());
    assert_eq!(seen[0]["reach"], "cold");
}

async fn a_place_is_seen_only_by_the_asker_the_taker_and_the_coordinators(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (carol, carol_id) = member(&s, &ann, &circle, "Carol", "warm").await;
    let (frank, _) = member(&s, &ann, &circle, "Frank", "warm").await;
    let (bob, _) = member(&s, &ann, &circle, "Bob", "lukewarm").await;
    let (dave, _) = member(&s, &ann, &circle, "Dave", "lukewarm").await;
    let base = format!("/api/v1/circles/{circle}/requests");

    let mut body = ask("transport", "A lift to the hospital");
    body["place"] = json!("  Kerkstraat 5, Ede  ");
    let (status, created) = carol.post(&base, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let request = created["id"].as_str().unwrap().to_owned();
    let (status, plain) = carol.post(&base, ask("groceries", "Fruit")).await;
    assert_eq!(status, StatusCode::CREATED, "{plain}");
    let (status, widened) = ann
        .post(
            &format!("{base}/{request}/widen"),
            json!({"to": "lukewarm"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{widened}");
    let at = version(&widened);

    let place_seen_by = |list: Vec<Value>| -> Option<Value> {
        let r = list
            .into_iter()
            .find(|r| r["id"] == request.as_str())
            .expect("the request is listed");
        assert_eq!(r["asked_by"]["id"], carol_id.as_str());
        r.get("place").cloned()
    };
    let place = Some(json!("Kerkstraat 5, Ede"));
    assert_eq!(
        place_seen_by(requests(&carol, &circle, at).await),
        place,
        "the asker"
    );
    assert_eq!(
        place_seen_by(requests(&ann, &circle, at).await),
        place,
        "a coordinator"
    );
    assert_eq!(
        place_seen_by(requests(&frank, &circle, at).await),
        None,
        "the warm ring is not enough"
    );
    assert_eq!(place_seen_by(requests(&bob, &circle, at).await), None);
    assert_eq!(place_seen_by(requests(&dave, &circle, at).await), None);
    // Without a place given, nobody sees one.
    let fruit = requests(&carol, &circle, at).await;
    let fruit = fruit.iter().find(|r| r["id"] == plain["id"]).unwrap();
    assert!(fruit.get("place").is_none(), "{fruit}");

    let (status, taken) = bob.post(&format!("{base}/{request}/take"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    let at = version(&taken);
    assert_eq!(
        place_seen_by(requests(&bob, &circle, at).await),
        place,
        "the taker"
    );
    assert_eq!(place_seen_by(requests(&dave, &circle, at).await), None);
    assert_eq!(place_seen_by(requests(&frank, &circle, at).await), None);
    assert_eq!(place_seen_by(requests(&ann, &circle, at).await), place);

    // Someone else cannot take it now.
    let (code, _) = refused(
        &s,
        &dave,
        &format!("{base}/{request}/take"),
        json!({}),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(code, "request-not-open");
    // The asker calls it off: it leaves everyone's list.
    let (status, cancelled) = carol
        .post(&format!("{base}/{request}/cancel"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    let left = requests(&bob, &circle, version(&cancelled)).await;
    assert!(left.iter().all(|r| r["id"] != request.as_str()), "{left:?}");
}

/// Each request says how much farther it may go; practical help and company
/// as far as the cold ring, personal matters and care never beyond the warm.
async fn requests_widen_only_as_far_as_their_kind_allows(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let base = format!("/api/v1/circles/{circle}/requests");
    let mut ids = HashMap::new();
    let mut at = 0;
    for category in ["groceries", "walk", "coffee", "finances", "washing"] {
        let (status, created) = ann.post(&base, ask(category, "Something")).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.insert(category, created["id"].as_str().unwrap().to_owned());
        at = version(&created);
    }
    for (category, to) in [("walk", "lukewarm"), ("coffee", "cold")] {
        let (status, widened) = ann
            .post(
                &format!("{base}/{}/widen", ids[category]),
                json!({ "to": to }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{widened}");
        at = version(&widened);
    }
    let seen = requests(&ann, &circle, at).await;
    let widen_to = |category: &str| {
        seen.iter()
            .find(|r| r["id"] == ids[category].as_str())
            .map(|r| r["widen_to"].clone())
            .unwrap_or_else(|| panic!("{category} in {seen:?}"))
    };
    assert_eq!(widen_to("groceries"), json!(["lukewarm", "cold"]));
    assert_eq!(widen_to("walk"), json!(["cold"]));
    assert_eq!(widen_to("coffee"), json!([]));
    assert_eq!(widen_to("finances"), json!([]));
    assert_eq!(widen_to("washing"), json!([]));

    // Only a coordinator may widen: a warm member is offered nothing, and
    // trying anyway is refused.
    let (wim, _) = member(&s, &ann, &circle, "Wim", "warm").await;
    let offered = requests(&wim, &circle, at).await;
    assert_eq!(offered.len(), 5, "{offered:?}");
    assert!(
        offered.iter().all(|r| r["widen_to"] == json!([])),
        "{offered:?}"
    );
    let (status, refused) = wim
        .post(
            &format!("{base}/{}/widen", ids["groceries"]),
            json!({ "to": "lukewarm" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["code"], "only-coordinators", "{refused}");

    // The bounds themselves, for a form that offers the kinds of help.
    let (status, categories) = s.browser().get("/api/v1/categories").await;
    assert_eq!(status, StatusCode::OK, "{categories}");
    let categories = categories["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 13);
    assert_eq!(
        categories[0],
        json!({"category": "groceries", "group": "practical", "widest_ring": "cold"})
    );
    for (category, group, widest) in [
        ("walk", "company", "cold"),
        ("finances", "personal_matters", "warm"),
        ("medication", "personal_care", "warm"),
    ] {
        assert!(
            categories
                .contains(&json!({"category": category, "group": group, "widest_ring": widest})),
            "{category}"
        );
    }
}
