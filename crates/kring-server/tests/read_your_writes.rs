//! Reads with `min_version` while the views lag: whoever the circle knows is
//! told to try again (503 with Retry-After), or that the version has not
//! happened (422); everyone else still gets the 404 of a circle that does not
//! exist. Here no projector runs at all, so the views never catch up.

mod common;

use std::time::Duration;

use common::Server;
use kring_server::{AppState, Settings};
use kring_testkit::{on_both_backends, TestLog};
use reqwest::StatusCode;
use serde_json::json;
use tokio::net::TcpListener;

/// A server whose views stay empty: no projector.
async fn without_views(test: TestLog) -> (Server, tokio::task::JoinHandle<()>) {
    let settings = Settings {
        read_patience: Duration::from_millis(200),
        ..Settings::default()
    };
    let state = AppState::new(test.log.clone(), settings, None)
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

async fn a_member_is_told_to_wait_a_stranger_sees_nothing(test: TestLog) {
    let (s, serving) = without_views(test).await;
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let circle = created["id"].as_str().unwrap();
    let version = created["version"].as_u64().unwrap();

    let response = ann
        .client
        .get(format!(
            "{}/api/v1/circles/{circle}?min_version={version}",
            s.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");

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

on_both_backends!(a_member_is_told_to_wait_a_stranger_sees_nothing);
