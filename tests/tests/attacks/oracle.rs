//! Attack 2, the address and name oracle: register an organisation, "add" any
//! address as an intermediary and learn from the answer whether it has an
//! account, and from the organisation page whose name it is. The answer is the
//! same either way, no name shows before the invitation is accepted, and the
//! route is limited per account and per address.

use kring_e2e::{Backend, Client};
use reqwest::StatusCode;
use serde_json::json;

use super::common::{address, node, organisation, verified};

async fn adding_an_intermediary_tells_nothing_about_an_address(backend: Backend) {
    let node = node(&backend, &[]).await;
    let (prober, _) = verified(&node, "Prober").await;
    let org = organisation(&prober).await;
    let existing = address("existing");
    Client::new(&node.base)
        .sign_up("Eva Bestaand", &existing)
        .await;
    let nobody = address("nobody");

    let path = format!("/api/v1/organisations/{org}/intermediaries");
    let a = prober.post(&path, json!({"email": existing})).await;
    let b = prober.post(&path, json!({"email": nobody})).await;
    assert_eq!(a.status, b.status, "{a:?} / {b:?}");
    assert!(a.status.is_success(), "{a:?}");
    assert_eq!(a.body, b.body, "the answer depends on the address");
    let page = prober
        .get(&format!("/api/v1/organisations/{org}"))
        .await
        .expect(StatusCode::OK);
    assert!(
        !page.to_string().contains("Eva"),
        "a name before acceptance: {page}"
    );
    assert_eq!(
        page["intermediaries"].as_array().map(Vec::len),
        Some(1),
        "{page}"
    );
}

async fn adding_intermediaries_in_bulk_is_stopped(backend: Backend) {
    let node = node(&backend, &[]).await;
    let (prober, _) = verified(&node, "Prober").await;
    let org = organisation(&prober).await;
    let path = format!("/api/v1/organisations/{org}/intermediaries");
    let mut refused_after = None;
    for n in 0..40 {
        let answer = prober.post(&path, json!({"email": address("probe")})).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(answer.code(), Some("too-many-requests"));
            refused_after = Some(n);
            break;
        }
        assert!(answer.status.is_success(), "{answer:?}");
    }
    let refused_after = refused_after.expect("40 invitations in a row were all sent");
    assert!(
        refused_after >= 10,
        "a family inviting colleagues is not stopped: {refused_after}"
    );
}

on_both!(
    adding_an_intermediary_tells_nothing_about_an_address,
    adding_intermediaries_in_bulk_is_stopped,
);
