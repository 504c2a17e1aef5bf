//! Organisations over real HTTP: registering, colleagues, the dashboard, one
//! consented circle as far as its consent goes, and every look on the record.

mod common;

use common::{Browser, Server};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A circle with a coordinator, a warm-only and a whole-circle logbook entry,
/// and an organisation with one intermediary. Returns (coordinator, circle,
/// intermediary, organisation).
async fn setting(s: &Server) -> (Browser, String, Browser, String) {
    let (family, _) = s.person("Ann", "ann@example.org").await;
    let (status, created) = family
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let circle = created["id"].as_str().unwrap().to_owned();
    for (text, visibility) in [
        ("Mam slept badly", "warm_only"),
        ("Thanks all for the soup", "whole_circle"),
    ] {
        let (status, body) = family
            .post(
                &format!("/api/v1/circles/{circle}/logbook"),
                json!({"text": text, "visibility": visibility}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (worker, _) = s.person("Wim", "wim@wijkteam.example").await;
    let (status, org) = worker
        .post("/api/v1/organisations", json!({"name": "Wijkteam Noord"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    let org = org["id"].as_str().unwrap().to_owned();
    (family, circle, worker, org)
}

async fn consent(family: &Browser, circle: &str, org: &str, scope: &str) -> u64 {
    let (status, body) = family
        .put(
            &format!("/api/v1/circles/{circle}/consents/{org}"),
            json!({ "scope": scope }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["version"].as_u64().unwrap()
}

async fn looks(family: &Browser, circle: &str, min_version: u64) -> Vec<Value> {
    let (status, body) = family
        .get(&format!(
            "/api/v1/circles/{circle}/looks?min_version={min_version}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["looks"].as_array().unwrap().clone()
}

async fn an_intermediary_sees_nothing_before_consent_and_signals_after(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let path = format!("/api/v1/organisations/{org}/circles/{circle}");
    let before = s.events().await;
    let (status, _) = worker.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no consent: no circle");
    let (status, rows) = worker
        .get(&format!("/api/v1/organisations/{org}/dashboard"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows, json!([]));
    assert_eq!(s.events().await, before, "a refused look writes nothing");

    let version = consent(&family, &circle, &org, "signals").await;
    let (status, seen) = worker.get(&format!("{path}?min_version={version}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["scope"], "signals");
    assert_eq!(seen["focus"]["name"], "Mam");
    // Mam herself and Ann.
    assert_eq!(seen["signals"]["members"]["warm"], 2);
    assert!(
        seen["rota"].is_null() && seen["logbook"].is_null(),
        "{seen}"
    );
    assert!(
        !seen.to_string().contains("soup"),
        "signals carry no content"
    );

    let looked = looks(&family, &circle, version + 1).await;
    assert_eq!(looked.len(), 1, "{looked:?}");
    assert_eq!(looked[0]["who"]["name"], "Wim");
    assert_eq!(looked[0]["scope"], "signals");
    assert_eq!(looked[0]["organisation"]["name"], "Wijkteam Noord");
}

async fn full_consent_shows_shared_writing_but_not_the_warm_ring_s(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let version = consent(&family, &circle, &org, "full").await;
    let (status, seen) = worker
        .get(&format!(
            "/api/v1/organisations/{org}/circles/{circle}?min_version={version}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["scope"], "full");
    let texts: Vec<&str> = seen["logbook"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Thanks all for the soup"]);
    assert_eq!(seen["open_requests"], 0);
    assert!(seen["rota"].is_array());
}

async fn the_dashboard_lists_consented_circles_and_records_each_look(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let version = consent(&family, &circle, &org, "signals").await;
    let dashboard = format!("/api/v1/organisations/{org}/dashboard");
    let rows = worker
        .get_until(&dashboard, |rows| rows.as_array().unwrap().len() == 1)
        .await;
    assert_eq!(rows[0]["circle"], circle.as_str());
    assert_eq!(rows[0]["focus"]["name"], "Mam");
    assert!(rows[0]["rota"].is_null(), "signals only: {rows}");
    let looked = looks(&family, &circle, version + 1).await;
    assert!(
        looked
            .iter()
            .all(|l| l["what"].as_str().unwrap().contains("dashboard")),
        "{looked:?}"
    );

    // Revoked: the circle leaves the dashboard and its routes are closed again.
    let (status, body) = family
        .delete(&format!("/api/v1/circles/{circle}/consents/{org}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    worker
        .get_until(&dashboard, |rows| rows == &json!([]))
        .await;
    let (status, _) = worker
        .get(&format!("/api/v1/organisations/{org}/circles/{circle}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn only_intermediaries_reach_an_organisation(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let version = consent(&family, &circle, &org, "full").await;
    // The family's coordinator is not of the organisation: 404 everywhere.
    for path in [
        format!("/api/v1/organisations/{org}"),
        format!("/api/v1/organisations/{org}/dashboard"),
        format!("/api/v1/organisations/{org}/circles/{circle}?min_version={version}"),
    ] {
        let (status, body) = family.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    // A colleague added by e-mail gets in.
    let (colleague, colleague_id) = s.person("Cor", "cor@wijkteam.example").await;
    let (status, body) = worker
        .post(
            &format!("/api/v1/organisations/{org}/intermediaries"),
            json!({"email": "COR@wijkteam.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, seen) = colleague.get(&format!("/api/v1/organisations/{org}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["name"], "Wijkteam Noord");
    assert_eq!(seen["intermediaries"].as_array().unwrap().len(), 2);
    // Someone without an account cannot be added; nothing is written.
    let before = s.events().await;
    let (status, body) = worker
        .post(
            &format!("/api/v1/organisations/{org}/intermediaries"),
            json!({"email": "nobody@example.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(s.events().await, before);
    // Removed again: the colleague is out.
    let (status, body) = worker
        .delete(&format!(
            "/api/v1/organisations/{org}/intermediaries/{colleague_id}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = colleague.get(&format!("/api/v1/organisations/{org}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An organisation's name is checked.
    let (status, body) = worker
        .post("/api/v1/organisations", json!({"name": "  "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

on_both_backends!(
    Server::start =>
    an_intermediary_sees_nothing_before_consent_and_signals_after,
    full_consent_shows_shared_writing_but_not_the_warm_ring_s,
    the_dashboard_lists_consented_circles_and_records_each_look,
    only_intermediaries_reach_an_organisation,
);
