//! Attack 10, spoofed names: a name or text with a direction override
//! (U+202E) or another invisible character shows something other than what it
//! is. Every text a person types refuses them, with a clear error.

use kring_e2e::{Backend, Client, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

use super::common::{address, circle, node, verified};

const DISGUISES: [&str; 4] = [
    "Jan \u{202E}loM",
    "Ann\u{200B}a",
    "\u{2066}Piet\u{2069}",
    "Mam\u{0007}",
];

async fn invisible_and_control_characters_are_refused_everywhere(backend: Backend) {
    let node = node(&backend, &[]).await;
    let stranger = Client::new(&node.base);
    for name in DISGUISES {
        let email = address("spoof");
        let answer = stranger
            .post(
                "/api/v1/accounts",
                json!({"name": name, "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}: {answer:?}"
        );
        assert_eq!(answer.code(), Some("name-control"), "{name:?}");
    }
    let (ann, _) = verified(&node, "Ann").await;
    for name in DISGUISES {
        let answer = ann
            .post("/api/v1/circles", json!({"focus_name": name}))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}: {answer:?}"
        );
        let answer = ann
            .post("/api/v1/organisations", json!({"name": name}))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}: {answer:?}"
        );
        assert_eq!(answer.code(), Some("hidden-characters"), "{name:?}");
    }
    let family = circle(&ann).await;
    let logbook = format!("/api/v1/circles/{family}/logbook");
    let answer = ann
        .post(
            &logbook,
            json!({"text": "Medicijnen \u{202E}nedoog", "visibility": "whole_circle"}),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{answer:?}"
    );
    assert_eq!(answer.code(), Some("hidden-characters"));
    // Line breaks and emoji in an entry are a person's own writing.
    ann.post(
        &logbook,
        json!({"text": "Goed gegeten.\nMorgen 👨\u{200D}👩\u{200D}👧 op bezoek.", "visibility": "whole_circle"}),
    )
    .await
    .expect(StatusCode::CREATED);
    let entries = ann.get(&logbook).await.expect(StatusCode::OK);
    assert_eq!(entries.as_array().map(Vec::len), Some(1), "{entries}");
}

on_both!(invisible_and_control_characters_are_refused_everywhere);
