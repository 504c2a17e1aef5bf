//! Safe retries over real HTTP on both backends: a write sent again with the
//! same `Idempotency-Key` answers the first answer and stores nothing; another
//! request under the same key is 422; keys are per account; a malformed key is
//! 400; the same key twice at once writes once; and a retry after the answer
//! was lost (a node that died between storing the events and the answer) finds
//! its events and answers as the first run would have.

mod common;

use common::{read, Browser, Server};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    Server::start =>
    the_same_key_and_body_answer_the_first_answer_and_write_nothing,
    the_same_key_with_another_body_is_422_and_writes_nothing,
    one_accounts_key_never_answers_anothers_request,
    a_malformed_key_is_400_and_writes_nothing,
    the_same_key_twice_at_once_writes_once,
    a_refused_request_leaves_its_key_free,
    a_retry_after_a_lost_answer_finds_its_events_and_writes_nothing,
    an_invitation_retried_after_a_lost_answer_hands_out_the_same_code,
    reads_ignore_the_key,
);

/// `POST path` with `body` and, when given, an `Idempotency-Key`; answers the
/// status, the body and whether the answer was replayed.
async fn post_keyed(
    who: &Browser,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Value, bool) {
    let response = who
        .client
        .post(format!("{}{path}", who.base))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await;
    let replayed = response
        .as_ref()
        .ok()
        .and_then(|r| r.headers().get("idempotent-replayed"))
        .is_some();
    let (status, body) = read(response).await;
    (status, body, replayed)
}

async fn circle_of(s: &Server) -> (Browser, String) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (ann, created["id"].as_str().unwrap().to_owned())
}

fn entry(text: &str) -> Value {
    json!({"text": text, "visibility": "whole_circle"})
}

/// The entries `who` reads, once the views hold `version`.
async fn entries(who: &Browser, circle: &str, version: u64) -> Vec<Value> {
    let (status, body) = who
        .get(&format!(
            "/api/v1/circles/{circle}/logbook?min_version={version}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

async fn the_same_key_and_body_answer_the_first_answer_and_write_nothing(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let path = format!("/api/v1/circles/{circle}/logbook");
    let (status, first, replayed) = post_keyed(&ann, &path, "k-1", &entry("Slept well")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(!replayed);
    let events = s.events().await;
    for _ in 0..3 {
        let (status, again, replayed) = post_keyed(&ann, &path, "k-1", &entry("Slept well")).await;
        assert_eq!((status, &again), (StatusCode::CREATED, &first));
        assert!(replayed, "a retry is marked as replayed");
    }
    assert_eq!(s.events().await, events, "a retry writes nothing");
    let version = first["version"].as_u64().unwrap();
    assert_eq!(entries(&ann, &circle, version).await.len(), 1);

    // The draft's quoted form of the same key is the same key.
    let (status, again, _) = post_keyed(&ann, &path, "\"k-1\"", &entry("Slept well")).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &first));
    // Creating a circle is a write like any other.
    let body = json!({"focus_name": "Pap"});
    let (_, made, _) = post_keyed(&ann, "/api/v1/circles", "c-1", &body).await;
    let events = s.events().await;
    let (status, again, _) = post_keyed(&ann, "/api/v1/circles", "c-1", &body).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &made));
    assert_eq!(s.events().await, events, "one circle");
}

async fn the_same_key_with_another_body_is_422_and_writes_nothing(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let path = format!("/api/v1/circles/{circle}/logbook");
    let (status, _, _) = post_keyed(&ann, &path, "k-1", &entry("Slept well")).await;
    assert_eq!(status, StatusCode::CREATED);
    let events = s.events().await;
    let (status, problem, _) = post_keyed(&ann, &path, "k-1", &entry("Slept badly")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "idempotency-key-reused");
    // Another path under the same key is another request too.
    let (status, problem, _) =
        post_keyed(&ann, "/api/v1/circles", "k-1", &json!({"focus_name": "X"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(s.events().await, events);
}

async fn one_accounts_key_never_answers_anothers_request(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let path = format!("/api/v1/circles/{circle}/logbook");
    let (_, by_ann, _) = post_keyed(&ann, &path, "same", &entry("Visited")).await;
    let (status, by_bob, replayed) = post_keyed(&bob, &path, "same", &entry("Visited")).await;
    assert_eq!(status, StatusCode::CREATED, "{by_bob}");
    assert!(!replayed);
    assert_ne!(by_ann["id"], by_bob["id"]);
    let version = by_bob["version"].as_u64().unwrap();
    assert_eq!(entries(&ann, &circle, version).await.len(), 2);
}

async fn a_malformed_key_is_400_and_writes_nothing(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let path = format!("/api/v1/circles/{circle}/logbook");
    let events = s.events().await;
    let too_long = "x".repeat(256);
    for key in ["", "\"\"", too_long.as_str(), "tab\there"] {
        let (status, problem, _) = post_keyed(&ann, &path, key, &entry("Hello")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{key:?}: {problem}");
        assert_eq!(problem["code"], "idempotency-key-malformed", "{key:?}");
    }
    let response = ann
        .client
        .post(format!("{}{path}", ann.base))
        .header(
            "idempotency-key",
            reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        )
        .json(&entry("Hello"))
        .send()
        .await;
    let (status, problem) = read(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(s.events().await, events);
    // The longest key there may be is fine.
    let longest = "x".repeat(255);
    let (status, _, _) = post_keyed(&ann, &path, &longest, &entry("Hello")).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn the_same_key_twice_at_once_writes_once(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let path = format!("/api/v1/circles/{circle}/logbook");
    let events = s.events().await;
    let body = entry("Groceries done");
    let sends = (0..8).map(|_| post_keyed(&ann, &path, "at-once", &body));
    let answers = futures::future::join_all(sends).await;
    let first = &answers[0].1;
    for (status, body, _) in &answers {
        assert_eq!((*status, body), (StatusCode::CREATED, first));
    }
    assert_eq!(s.events().await, events + 1, "one entry, one event");
    let version = first["version"].as_u64().unwrap();
    assert_eq!(entries(&ann, &circle, version).await.len(), 1);
}

async fn a_refused_request_leaves_its_key_free(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let path = format!("/api/v1/circles/{circle}/logbook");
    let (status, problem, _) = post_keyed(&ann, &path, "k-2", &entry("  ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "entry-length");
    let (status, _, replayed) = post_keyed(&ann, &path, "k-2", &entry("Now with text")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(!replayed);
}

async fn a_retry_after_a_lost_answer_finds_its_events_and_writes_nothing(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let path = format!("/api/v1/circles/{circle}/logbook");
    let (_, first, _) = post_keyed(&ann, &path, "lost", &entry("Doctor at 3")).await;
    let events = s.events().await;
    // As if the node died after the append and before it stored the answer:
    // the claim is there, its answer is not.
    s.test
        .tamper("UPDATE idempotency_keys SET answer = NULL")
        .await;
    let (status, again, replayed) = post_keyed(&ann, &path, "lost", &entry("Doctor at 3")).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert!(!replayed, "run again, not replayed");
    assert_eq!(again, first, "the same entry at the same version");
    assert_eq!(s.events().await, events, "its events were stored once");
    // And when even the claim was lost.
    s.test.tamper("DELETE FROM idempotency_keys").await;
    let (status, again, _) = post_keyed(&ann, &path, "lost", &entry("Doctor at 3")).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &first));
    assert_eq!(s.events().await, events);
    let version = first["version"].as_u64().unwrap();
    assert_eq!(entries(&ann, &circle, version).await.len(), 1);
    let report = kring_store::verify_all(s.test.log.as_ref()).await.unwrap();
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
}

async fn an_invitation_retried_after_a_lost_answer_hands_out_the_same_code(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    let path = format!("/api/v1/circles/{circle}/invitations");
    let body = json!({"ring": "warm"});
    let (status, first, _) = post_keyed(&ann, &path, "invite", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let events = s.events().await;
    s.test.tamper("DELETE FROM idempotency_keys").await;
    let (status, again, _) = post_keyed(&ann, &path, "invite", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(
        (&again["id"], &again["code"], &again["version"]),
        (&first["id"], &first["code"], &first["version"]),
        "the code it hands out is the one the first run stored"
    );
    assert_eq!(s.events().await, events);
    // And that code works.
    let (bob, _) = s.person("Bob", "bob@example.org").await;
    let (status, joined) = bob
        .post("/api/v1/invitations/accept", json!({"code": again["code"]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{joined}");
}

async fn reads_ignore_the_key(s: Server) {
    let (ann, circle) = circle_of(&s).await;
    for _ in 0..2 {
        let response = ann
            .client
            .get(format!("{}/api/v1/circles/{circle}", ann.base))
            .header("idempotency-key", "")
            .send()
            .await;
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}
