//! Exports over real HTTP: a coordinator's whole circle, a person's own data,
//! each showing no more than its reader may see.

mod common;

use common::{Browser, Server};
use kring_protocol::v1::{self, Event, Visibility};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::Value;

fn texts_of(events: &[v1::ExportedEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::LogbookEntryWritten { text, .. } => {
                Some(text.clone().unwrap_or_else(|| "<forgotten>".into()))
            }
            _ => None,
        })
        .collect()
}

async fn create(ann: &Browser, focus_name: &str) -> String {
    let (_, created) = ann
        .post_as::<v1::Created>(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: focus_name.into(),
                time_zone: None,
                for_myself: false,
                template: None,
                language: None,
            },
        )
        .await;
    created.expect("a circle").id.to_string()
}

fn entry(text: &str, visibility: Visibility) -> v1::WriteLogbookEntry {
    v1::WriteLogbookEntry {
        text: text.into(),
        visibility,
    }
}

async fn a_coordinator_exports_the_circle_a_member_exports_their_own(s: Server) {
    let (ann, ann_id) = s.person("Ann", "ann@example.org").await;
    let circle = create(&ann, "Mam").await;
    let (bob, _) = s.join(&ann, &circle, "lukewarm").await;
    let _: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/logbook"),
            &entry("Cardiologist on Tuesday", Visibility::WarmOnly),
            StatusCode::CREATED,
        )
        .await;
    let written: v1::Created = bob
        .post_ok(
            &format!("/api/v1/circles/{circle}/logbook"),
            &entry("Brought soup, \"lentil\"", Visibility::WholeCircle),
            StatusCode::CREATED,
        )
        .await;
    let version = written.version;

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
    let raw: Value = response.json().await.unwrap();
    // The whole answer as sent, to be sure no sealed payload is left in it.
    assert!(
        !raw.to_string().contains("\"data\":{\"owner\""),
        "sealed left: {raw}"
    );
    let export: v1::CircleExport = serde_json::from_value(raw).unwrap();
    assert_eq!(export.version, version);
    assert_eq!(export.focus.name, "Mam");
    let names: Vec<&str> = export.people.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names.contains(&"Ann") && names.contains(&"Mam"),
        "{names:?}"
    );
    let events = &export.events;
    match &events[0].event {
        Event::CircleCreated { focus_name, .. } => assert_eq!(focus_name.as_deref(), Some("Mam")),
        other => panic!("first comes CircleCreated, not {other:?}"),
    }
    assert_eq!(events[0].by.map(|by| by.to_string()), Some(ann_id));
    assert_eq!(
        texts_of(events),
        ["Cardiologist on Tuesday", "Brought soup, \"lentil\""]
    );

    // A lukewarm member may not export the circle...
    let (status, body) = bob
        .get_as::<v1::CircleExport>(&format!("/api/v1/circles/{circle}/export"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body:?}");
    // ...but exports their own data: only what they did, nothing of Ann's.
    // (Which circles one is in is the projector's, which may lag on a busy
    // machine beyond the export's own wait: read until it shows the circle.)
    let raw = bob
        .get_until("/api/v1/me/export", |raw| {
            raw["circles"].as_array().is_some_and(|c| !c.is_empty())
        })
        .await;
    assert!(!raw.to_string().contains("Cardiologist"), "{raw}");
    let own: v1::PersonalExport = serde_json::from_value(raw).unwrap();
    assert_eq!(own.account.name, "A lukewarm member");
    let circles = &own.circles;
    assert_eq!(circles.len(), 1, "{own:?}");
    assert_eq!(circles[0].you.ring, v1::Ring::Lukewarm);
    assert_eq!(texts_of(&circles[0].events), ["Brought soup, \"lentil\""]);

    // Someone outside the circle learns nothing of it.
    let (stranger, _) = s.person("Eve", "eve@example.org").await;
    let (status, _) = stranger
        .get_as::<v1::CircleExport>(&format!("/api/v1/circles/{circle}/export"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let own: v1::PersonalExport = stranger.get_ok("/api/v1/me/export").await;
    assert_eq!(own.circles, vec![]);
}

async fn my_circles_lists_the_circles_i_am_in(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let none: Vec<v1::CircleSummary> = ann.get_ok("/api/v1/circles").await;
    assert_eq!(none, vec![]);
    let mut ids = vec![];
    for focus in ["Pa", "Mam"] {
        ids.push(create(&ann, focus).await);
    }
    let (bob, bob_id) = s.join(&ann, &ids[1], "warm").await;
    let mine = ann
        .get_until_as("/api/v1/circles", |mine: &Vec<v1::CircleSummary>| {
            mine.len() == 2
        })
        .await;
    assert_eq!(mine[0].focus.name, "Mam", "sorted by name: {mine:?}");
    assert_eq!(mine[1].focus.name, "Pa");
    assert!(mine[0].you.coordinator);
    let bobs: Vec<v1::CircleSummary> = bob.get_ok("/api/v1/circles").await;
    assert_eq!(bobs.len(), 1, "{bobs:?}");
    assert_eq!(bobs[0].id.to_string(), ids[1]);
    assert_eq!(bobs[0].you.ring, v1::Ring::Warm);
    // Removed: gone from the list.
    let (status, body) = ann
        .delete_as::<v1::Changed>(&format!("/api/v1/circles/{}/members/{bob_id}", ids[1]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    bob.get_until_as("/api/v1/circles", |bobs: &Vec<v1::CircleSummary>| {
        bobs.is_empty()
    })
    .await;
}

async fn the_logbook_lists_what_one_may_read_and_redaction_hides_it(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let circle = create(&ann, "Mam").await;
    let (bob, _) = s.join(&ann, &circle, "lukewarm").await;
    let logbook = format!("/api/v1/circles/{circle}/logbook");
    let mut last = 0;
    let mut ids = vec![];
    for (text, visibility) in [
        ("warm news", Visibility::WarmOnly),
        ("for all", Visibility::WholeCircle),
    ] {
        let body: v1::Created = ann
            .post_ok(&logbook, &entry(text, visibility), StatusCode::CREATED)
            .await;
        last = body.version;
        ids.push(body.id);
    }
    let seen: Vec<v1::LogbookEntry> = bob.get_ok(&format!("{logbook}?min_version={last}")).await;
    let texts: Vec<&str> = seen.iter().map(|e| e.text.as_deref().unwrap()).collect();
    assert_eq!(texts, ["for all"], "newest first, warm-only hidden");
    // Bob cannot redact Ann's entry; nothing is written.
    let before = s.events().await;
    let (status, body) = bob
        .delete_as::<v1::Changed>(&format!("{logbook}/{}", ids[1]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body:?}");
    assert_eq!(s.events().await, before);
    let (status, body) = ann
        .delete_as::<v1::Changed>(&format!("{logbook}/{}", ids[1]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    let version = body.unwrap().version;
    let seen: Vec<v1::LogbookEntry> = bob
        .get_ok(&format!("{logbook}?min_version={version}"))
        .await;
    assert_eq!(seen, vec![], "redacted: only its author still sees it");
    let own: Vec<v1::LogbookEntry> = ann
        .get_ok(&format!("{logbook}?min_version={version}"))
        .await;
    assert!(own[0].redacted);
    let (status, _) = ann
        .delete_as::<v1::Changed>(&format!("{logbook}/not-an-entry"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    Server::start =>
    a_coordinator_exports_the_circle_a_member_exports_their_own,
    my_circles_lists_the_circles_i_am_in,
    the_logbook_lists_what_one_may_read_and_redaction_hides_it,
);
