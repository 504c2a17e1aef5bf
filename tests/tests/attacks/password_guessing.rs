//! Attack 6, unlimited password guessing through `PUT /me/password` with a
//! stolen session (each guess also holding one of the hashing permits every
//! log-in needs). The same limits as log-in apply, per address and per
//! account: spreading the guesses over many addresses gains nothing.

use kring_e2e::{Backend, Client, Node};
use reqwest::StatusCode;
use serde_json::json;

use super::common::{node, verified};

fn guess(n: usize) -> serde_json::Value {
    json!({"current_password": format!("guess number {n}"), "new_password": "the thief's own pass"})
}

/// Guesses from `client` until one is refused with 429; how many were judged.
async fn guesses_until_stopped(
    client: &Client,
    path: &str,
    from: impl Fn(usize) -> Option<String>,
) -> usize {
    for n in 0..30 {
        let client = match from(n) {
            Some(address) => client.with_header("x-forwarded-for", &address),
            None => client.clone(),
        };
        let answer = client.put(path, guess(n)).await;
        match answer.status {
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(answer.code(), Some("too-many-requests"));
                return n;
            }
            StatusCode::FORBIDDEN => assert_eq!(answer.code(), Some("wrong-password")),
            other => panic!("guess {n}: {other} {answer:?}"),
        }
    }
    panic!("30 guesses in a row were all judged");
}

async fn guessing_a_password_with_a_stolen_session_is_stopped(backend: Backend) {
    let node = node(&backend, &[]).await;
    let (_, email) = verified(&node, "Ann").await;
    let thief = Client::new(&node.base).log_in(&email).await;
    let judged = guesses_until_stopped(&thief, "/api/v1/me/password", |_| None).await;
    assert!((3..=10).contains(&judged), "stopped after {judged}");
}

async fn spreading_guesses_over_addresses_gains_nothing(backend: Backend) {
    // Behind a proxy Kring trusts, each guess seems to come from elsewhere.
    let node: Node = node(&backend, &["--trusted-proxy", "127.0.0.1/32"]).await;
    let (_, email) = verified(&node, "Ann").await;
    let thief = Client::new(&node.base)
        .with_header("x-forwarded-for", "198.51.100.200")
        .log_in(&email)
        .await;
    let judged = guesses_until_stopped(&thief, "/api/v1/me/password", |n| {
        Some(format!("203.0.113.{n}"))
    })
    .await;
    assert!((3..=10).contains(&judged), "stopped after {judged}");
    // Log-in guesses at one account from many addresses are stopped as well.
    let stranger = Client::new(&node.base);
    let mut stopped = None;
    for n in 0..30 {
        let answer = stranger
            .with_header("x-forwarded-for", &format!("192.0.2.{n}"))
            .post(
                "/api/v1/session",
                json!({"email": email, "password": format!("guess {n}")}),
            )
            .await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            stopped = Some(n);
            break;
        }
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer:?}");
    }
    let stopped = stopped.expect("30 log-in guesses from 30 addresses were all judged");
    assert!(stopped <= 10, "stopped after {stopped}");
}

on_both!(
    guessing_a_password_with_a_stolen_session_is_stopped,
    spreading_guesses_over_addresses_gains_nothing,
);
