//! Attack 1, seat squatting: sign up with a colleague's address before the
//! real intermediary adds it, and take the organisation's seat (its dashboard
//! and every consenting circle). Only a proven address can join an
//! organisation, and only through the link mailed to it.

use kring_e2e::Backend;
use reqwest::StatusCode;
use serde_json::json;

use super::common::{
    address, circle, colleague_invitation, consent, node, organisation, unproven, verified,
};

async fn a_squatter_of_a_colleagues_address_gets_no_seat(backend: Backend) {
    let node = node(&backend, &[]).await;
    let (ina, _) = verified(&node, "Ina").await;
    let org = organisation(&ina).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    consent(&ann, &family, &org, "full").await;

    let colleague = address("colleague");
    let mallory = unproven(&node, "Mallory", &colleague).await;
    // The intermediary adds the colleague, by address: a mail to it, no seat yet.
    let token = colleague_invitation(&ina, &org, &colleague).await;
    for path in [
        format!("/api/v1/organisations/{org}"),
        format!("/api/v1/organisations/{org}/dashboard"),
        format!("/api/v1/organisations/{org}/circles/{family}"),
    ] {
        let answer = mallory.get(&path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {answer:?}");
    }
    // Even holding the mailed link, an account whose address nobody proved
    // cannot take the seat.
    let answer = mallory
        .post(&format!("/api/v1/links/{token}"), json!({}))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    assert_eq!(answer.code(), Some("email-not-verified"));
    let answer = mallory
        .get(&format!("/api/v1/organisations/{org}/dashboard"))
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
    // Nor can a proven account of another address.
    let (eve, _) = verified(&node, "Eve").await;
    let answer = eve.post(&format!("/api/v1/links/{token}"), json!({})).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    assert_eq!(answer.code(), Some("not-your-address"));
    let organisation = ina
        .get(&format!("/api/v1/organisations/{org}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        organisation["intermediaries"].as_array().map(Vec::len),
        Some(1),
        "{organisation}"
    );
}

on_both!(a_squatter_of_a_colleagues_address_gets_no_seat);
