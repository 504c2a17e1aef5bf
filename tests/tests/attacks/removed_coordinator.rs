//! Attack 3, a removed coordinator walks back in: issue a long coordinator
//! invitation, get removed, accept it. An invitation ends when its maker
//! leaves, is removed or stops coordinating; the list says who made each.

use kring_e2e::Backend;
use reqwest::StatusCode;
use serde_json::json;

use super::common::{circle, id_of, invitation, member, roomy_node, verified};

async fn a_removed_coordinator_cannot_return_through_their_own_invitation(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    let (bob, _) = member(&node, &ann, &family, "Bob", "warm", "coordinator").await;
    let back_door = invitation(&bob, &family, "warm", "coordinator").await;
    let (carol, _) = verified(&node, "Carol").await;
    let by_ann = invitation(&ann, &family, "warm", "member").await;

    // The list says who made each invitation.
    let list = ann
        .get(&format!("/api/v1/circles/{family}/invitations"))
        .await
        .expect(StatusCode::OK);
    let makers: Vec<&str> = list["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["issued_by"]["name"].as_str().unwrap_or("?"))
        .collect();
    assert!(makers.contains(&"Bob") && makers.contains(&"Ann"), "{list}");

    let bob_id = id_of(&bob).await;
    ann.delete(&format!("/api/v1/circles/{family}/members/{bob_id}"))
        .await
        .expect(StatusCode::OK);
    let answer = bob
        .post("/api/v1/invitations/accept", json!({"code": back_door}))
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
    assert_eq!(answer.code(), Some("invitation-link-gone"));
    let answer = bob.get(&format!("/api/v1/circles/{family}")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
    // Nobody else can use it either; the remaining coordinator's still works.
    let answer = carol
        .post("/api/v1/invitations/accept", json!({"code": back_door}))
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
    carol
        .post("/api/v1/invitations/accept", json!({"code": by_ann}))
        .await
        .expect(StatusCode::OK);
    let list = ann
        .get(&format!("/api/v1/circles/{family}/invitations"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        list["invitations"].as_array().map(Vec::len),
        Some(0),
        "{list}"
    );
}

async fn a_coordinator_who_steps_down_takes_their_invitations_along(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    let (bob, _) = member(&node, &ann, &family, "Bob", "warm", "coordinator").await;
    let code = invitation(&bob, &family, "warm", "coordinator").await;
    let bob_id = id_of(&bob).await;
    bob.delete(&format!(
        "/api/v1/circles/{family}/members/{bob_id}/coordinator"
    ))
    .await
    .expect(StatusCode::OK);
    let (dan, _) = verified(&node, "Dan").await;
    let answer = dan
        .post("/api/v1/invitations/accept", json!({"code": code}))
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
}

on_both!(
    a_removed_coordinator_cannot_return_through_their_own_invitation,
    a_coordinator_who_steps_down_takes_their_invitations_along,
);
