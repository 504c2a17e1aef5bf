//! Reads never wait for the projector: a circle's reads fold in its stream up
//! to its head, so a member reads their own write at once (here no projector
//! runs at all); a `min_version` the circle has not reached is refused (422);
//! everyone else gets the 404 of a circle that does not exist.

mod common;

use common::Server;
use kring_server::{AppState, Settings};
use kring_testkit::{on_both_backends, TestLog};
use reqwest::StatusCode;
use serde_json::json;
use tokio::net::TcpListener;

/// A server whose stored views stay empty: no projector.
async fn without_views(test: TestLog) -> (Server, tokio::task::JoinHandle<()>) {
    let settings = Settings::default();
    let state = AppState::new(test.log.clone(), settings)
        .await
        .expect("set up");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let serving = tokio::spawn(async move {
        kring_server::serve(listener, state, axum::Router::new(), std::future::pending())
            .await
            .unwrap();
    });
    (Server::detached(format!("http://{address}"), test), serving)
}

async fn a_member_reads_their_write_at_once_a_stranger_sees_nothing(test: TestLog) {
    let (s, serving) = without_views(test).await;
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let circle = created["id"].as_str().unwrap();
    let version = created["version"].as_u64().unwrap();

    let (status, body) = ann
        .get(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"], version);
    let (status, written) = ann
        .post(
            &format!("/api/v1/circles/{circle}/logbook"),
            json!({"text": "Mam slept well", "visibility": "whole_circle"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    let (status, logbook) = ann.get(&format!("/api/v1/circles/{circle}/logbook")).await;
    assert_eq!(status, StatusCode::OK, "{logbook}");
    assert_eq!(logbook[0]["text"], "Mam slept well", "{logbook}");
    let version = written["version"].as_u64().unwrap();

    let (status, body) = ann
        .get(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            version + 5
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "min-version-ahead");

    let (eve, _) = s.person("Eve", "eve@example.org").await;
    for min_version in [0, version, version + 5] {
        let (status, _) = eve
            .get(&format!(
                "/api/v1/circles/{circle}?min_version={min_version}"
            ))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "min_version {min_version}");
    }
    serving.abort();
}

on_both_backends!(a_member_reads_their_write_at_once_a_stranger_sees_nothing);
