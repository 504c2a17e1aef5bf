//! Exports over real HTTP: a coordinator's whole circle, a person's own data,
//! each showing no more than its reader may see.

mod common;

use common::Server;
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn texts_of(events: &Value, kind: &str) -> Vec<String> {
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| {
            e["data"]["text"]
                .as_str()
                .unwrap_or("<forgotten>")
                .to_owned()
        })
        .collect()
}

async fn a_coordinator_exports_the_circle_a_member_exports_their_own(s: Server) {
    let (ann, ann_id) = s.person("Ann", "ann@example.org").await;
    let (_, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    let circle = created["id"].as_str().unwrap().to_owned();
    let (bob, _) = s.join(&ann, &circle, "lukewarm").await;
    let (status, _) = ann
        .post(
            &format!("/api/v1/circles/{circle}/logbook"),
            json!({"text": "Cardiologist on Tuesday", "visibility": "warm_only"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, written) = bob
        .post(
            &format!("/api/v1/circles/{circle}/logbook"),
            json!({"text": "Brought soup, \"lentil\"", "visibility": "whole_circle"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let version = written["version"].as_u64().unwrap();

    // The coordinator: every event, names and text opened.
    let response = ann
        .client
        .get(format!(
            "{}/api/v1/circles/{circle}/export?min_version={version}",
            s.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let export: Value = response.json().await.unwrap();
    assert_eq!(export["version"], version);
    assert_eq!(export["focus"]["name"], "Mam");
    let names: Vec<&str> = export["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Ann") && names.contains(&"Mam"),
        "{names:?}"
    );
    let events = &export["events"];
    assert_eq!(events[0]["kind"], "CircleCreated");
    assert_eq!(events[0]["data"]["focus_name"], "Mam");
    assert_eq!(events[0]["by"], ann_id.as_str());
    assert_eq!(
        texts_of(events, "LogbookEntryWritten"),
        ["Cardiologist on Tuesday", "Brought soup, \"lentil\""]
    );
    assert!(
        !export.to_string().contains("\"data\":{\"owner\""),
        "sealed left: {export}"
    );

    // A lukewarm member may not export the circle...
    let (status, body) = bob.get(&format!("/api/v1/circles/{circle}/export")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // ...but exports their own data: only what they did, nothing of Ann's.
    let (status, own) = bob.get("/api/v1/me/export").await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["account"]["name"], "A lukewarm member");
    let circles = own["circles"].as_array().unwrap();
    assert_eq!(circles.len(), 1, "{own}");
    assert_eq!(circles[0]["you"]["ring"], "lukewarm");
    assert_eq!(
        texts_of(&circles[0]["events"], "LogbookEntryWritten"),
        ["Brought soup, \"lentil\""]
    );
    assert!(!own.to_string().contains("Cardiologist"), "{own}");

    // Someone outside the circle learns nothing of it.
    let (stranger, _) = s.person("Eve", "eve@example.org").await;
    let (status, _) = stranger
        .get(&format!("/api/v1/circles/{circle}/export"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, own) = stranger.get("/api/v1/me/export").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["circles"], json!([]));
}

async fn my_circles_lists_the_circles_i_am_in(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, none) = ann.get("/api/v1/circles").await;
    assert_eq!((status, none), (StatusCode::OK, json!([])));
    let mut ids = vec![];
    for focus in ["Pa", "Mam"] {
        let (_, created) = ann
            .post("/api/v1/circles", json!({"focus_name": focus}))
            .await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let (bob, bob_id) = s.join(&ann, &ids[1], "warm").await;
    let mine = ann
        .get_until("/api/v1/circles", |mine| {
            mine.as_array().unwrap().len() == 2
        })
        .await;
    assert_eq!(mine[0]["focus"]["name"], "Mam", "sorted by name: {mine}");
    assert_eq!(mine[1]["focus"]["name"], "Pa");
    assert_eq!(mine[0]["you"]["coordinator"], true);
    let (_, bobs) = bob.get("/api/v1/circles").await;
    assert_eq!(bobs.as_array().unwrap().len(), 1, "{bobs}");
    assert_eq!(bobs[0]["id"], ids[1].as_str());
    assert_eq!(bobs[0]["you"]["ring"], "warm");
    // Removed: gone from the list.
    let (status, body) = ann
        .delete(&format!("/api/v1/circles/{}/members/{bob_id}", ids[1]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    bob.get_until("/api/v1/circles", |bobs| bobs == &json!([]))
        .await;
}

async fn the_logbook_lists_what_one_may_read_and_redaction_hides_it(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (_, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    let circle = created["id"].as_str().unwrap().to_owned();
    let (bob, _) = s.join(&ann, &circle, "lukewarm").await;
    let logbook = format!("/api/v1/circles/{circle}/logbook");
    let mut last = 0;
    let mut ids = vec![];
    for (text, visibility) in [("warm news", "warm_only"), ("for all", "whole_circle")] {
        let (status, body) = ann
            .post(&logbook, json!({"text": text, "visibility": visibility}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        last = body["version"].as_u64().unwrap();
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    let (_, seen) = bob.get(&format!("{logbook}?min_version={last}")).await;
    let texts: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["for all"], "newest first, warm-only hidden");
    // Bob cannot redact Ann's entry; nothing is written.
    let before = s.events().await;
    let (status, body) = bob.delete(&format!("{logbook}/{}", ids[1])).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(s.events().await, before);
    let (status, body) = ann.delete(&format!("{logbook}/{}", ids[1])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let version = body["version"].as_u64().unwrap();
    let (_, seen) = bob.get(&format!("{logbook}?min_version={version}")).await;
    assert_eq!(seen, json!([]), "redacted: only its author still sees it");
    let (_, own) = ann.get(&format!("{logbook}?min_version={version}")).await;
    assert_eq!(own[0]["redacted"], true);
    let (status, _) = ann.delete(&format!("{logbook}/not-an-entry")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    Server::start =>
    a_coordinator_exports_the_circle_a_member_exports_their_own,
    my_circles_lists_the_circles_i_am_in,
    the_logbook_lists_what_one_may_read_and_redaction_hides_it,
);
