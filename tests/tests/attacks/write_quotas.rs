//! Attack 12, heavy requests: one signed-in person could make a circle costly
//! for everyone by writing at machine speed. Every account has a write quota
//! (and every address a roomier one); a refused write stores nothing.

use kring_e2e::Backend;
use reqwest::StatusCode;
use serde_json::json;

use super::common::{circle, node, verified};

async fn writing_at_machine_speed_is_stopped_and_stores_nothing_more(backend: Backend) {
    let node = node(&backend, &[]).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    let logbook = format!("/api/v1/circles/{family}/logbook");
    let mut stored = 0;
    let mut refused = 0;
    for n in 0..80 {
        let answer = ann
            .post(
                &logbook,
                json!({"text": format!("regel {n}"), "visibility": "whole_circle"}),
            )
            .await;
        match answer.status {
            StatusCode::CREATED => stored += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(answer.code(), Some("too-many-requests"));
                refused += 1;
            }
            other => panic!("{other}: {answer:?}"),
        }
    }
    assert!(refused > 0, "80 writes in a row were all stored");
    assert!(
        stored >= 50,
        "a coordinator at work is stopped too soon: {stored}"
    );
    let entries = ann.get_all(&logbook, None).await;
    assert_eq!(entries.len(), stored, "refused writes stored something");
}

on_both!(writing_at_machine_speed_is_stopped_and_stores_nothing_more);
