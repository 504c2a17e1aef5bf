//! Idempotency keys beside the log, on both backends: a key is claimed once,
//! a claim holds its fingerprint until it is finished or released, a finished
//! key keeps its answer, and old keys are swept. And the log finds an event by
//! its id, which is how a retried command learns it was already stored.

mod common;

use chrono::{Duration, Utc};
use common::{event, Harness};
use kring_store::{ExpectedVersion, KeyRecord};
use kring_testkit::on_both_backends;

on_both_backends!(
    a_key_is_claimed_once_and_holds_its_fingerprint,
    a_finished_key_keeps_its_answer_and_cannot_be_released,
    a_released_key_can_be_claimed_again,
    racing_claims_of_one_key_give_it_to_one,
    keys_are_swept_after_they_are_old,
    an_event_is_found_by_its_id,
);

async fn a_key_is_claimed_once_and_holds_its_fingerprint(h: Harness) {
    assert_eq!(h.log.claim_key(&[1; 32], b"fp-a").await.unwrap(), None);
    let held = h.log.claim_key(&[1; 32], b"fp-b").await.unwrap();
    assert_eq!(
        held,
        Some(KeyRecord::Pending {
            fingerprint: b"fp-a".to_vec()
        })
    );
    assert_eq!(h.log.claim_key(&[2; 32], b"fp-b").await.unwrap(), None);
}

async fn a_finished_key_keeps_its_answer_and_cannot_be_released(h: Harness) {
    h.log.claim_key(&[1; 32], b"fp").await.unwrap();
    h.log.finish_key(&[1; 32], b"sealed answer").await.unwrap();
    h.log.release_key(&[1; 32]).await.unwrap();
    let held = h.log.claim_key(&[1; 32], b"fp").await.unwrap();
    assert_eq!(
        held,
        Some(KeyRecord::Done {
            fingerprint: b"fp".to_vec(),
            answer: b"sealed answer".to_vec()
        })
    );
}

async fn a_released_key_can_be_claimed_again(h: Harness) {
    h.log.claim_key(&[1; 32], b"fp-a").await.unwrap();
    h.log.release_key(&[1; 32]).await.unwrap();
    assert_eq!(h.log.claim_key(&[1; 32], b"fp-b").await.unwrap(), None);
}

async fn racing_claims_of_one_key_give_it_to_one(h: Harness) {
    let claims = (0..8).map(|_| h.log.claim_key(&[9; 32], b"fp"));
    let outcomes = futures::future::join_all(claims).await;
    let won = outcomes.iter().filter(|o| matches!(o, Ok(None))).count();
    assert_eq!(won, 1, "{outcomes:?}");
}

async fn keys_are_swept_after_they_are_old(h: Harness) {
    h.log.claim_key(&[1; 32], b"fp").await.unwrap();
    assert_eq!(
        h.log
            .sweep_keys(Utc::now() - Duration::hours(24))
            .await
            .unwrap(),
        0
    );
    assert!(h.log.claim_key(&[1; 32], b"fp").await.unwrap().is_some());
    assert_eq!(
        h.log
            .sweep_keys(Utc::now() + Duration::seconds(5))
            .await
            .unwrap(),
        1
    );
    assert_eq!(h.log.claim_key(&[1; 32], b"fp").await.unwrap(), None);
}

async fn an_event_is_found_by_its_id(h: Harness) {
    let batch = [event("A", 1), event("B", 2)];
    h.log
        .append("s", ExpectedVersion::Exact(0), &batch)
        .await
        .unwrap();
    assert_eq!(
        h.log.find_event(batch[1].event_id).await.unwrap(),
        Some(("s".to_owned(), 2))
    );
    assert_eq!(h.log.find_event(uuid::Uuid::new_v4()).await.unwrap(), None);
}
