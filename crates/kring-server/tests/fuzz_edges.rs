//! Fuzzing, over real HTTP and a real socket, every door a stranger can knock
//! on with a made-up secret: a calendar feed's address, a mail link's token, an
//! invitation code, a session cookie, and the live socket's messages. Each
//! guess gets its door's one refusal (never a 5xx, never another answer), and
//! the server goes on serving. The parsers behind these doors are fuzzed on
//! their own beside them (kring-app `tests/fuzz_secrets.rs`, kring-notify
//! `tests/fuzz_links.rs`, kring-protocol `tests/fuzz_live.rs`, the `fuzz`
//! modules of `api/invitations.rs` and `api/auth.rs`).
//!
//! A fixed case count and a fixed seed: the same guesses on every run.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64_URL;
use base64::Engine;
use common::live::{connect, next, send, session_cookie};
use common::Server;
use futures::SinkExt;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngSeed, TestRunner};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const CASES: usize = 48;

fn runner() -> TestRunner {
    TestRunner::new(ProptestConfig {
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x6b72_696e_6706),
        ..ProptestConfig::default()
    })
}

/// What a stranger might try: random text, text of a secret's length and
/// alphabet, a real-looking secret, and texts with the characters that
/// confuse paths and parsers.
fn guess() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9_-]{43}",
        any::<[u8; 32]>().prop_map(|b| BASE64_URL.encode(b)),
        "[A-Za-z0-9_./%=+ -]{0,60}",
    ]
}

/// `count` values of `strategy`, the same ones on every run.
fn samples<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
    let mut runner = runner();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).expect("a value").current())
        .collect()
}

fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

kring_testkit::on_both_backends!(Server::start => made_up_secrets_get_their_doors_one_refusal);

async fn made_up_secrets_get_their_doors_one_refusal(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let _: Value = ann
        .post_ok(
            "/api/v1/circles",
            &json!({"focus_name": "Mam"}),
            StatusCode::CREATED,
        )
        .await;
    let stranger = reqwest::Client::new();
    let events = s.events().await;
    for guess in samples(guess(), CASES) {
        let segment = path_segment(&guess);

        let feed = stranger
            .get(s.url(&format!("/calendar/{segment}.ics")))
            .send()
            .await
            .unwrap();
        assert_eq!(feed.status(), StatusCode::NOT_FOUND, "calendar {guess:?}");

        // "", "." and ".." name another path (the client resolves them).
        if !matches!(segment.as_str(), "" | "." | "..") {
            let (status, body) = common::read(
                stranger
                    .get(s.url(&format!("/api/v1/links/{segment}")))
                    .send()
                    .await,
            )
            .await;
            assert_problem(status, &body, StatusCode::NOT_FOUND, "no-such-link", &guess);
        }

        let (status, body) = ann
            .post("/api/v1/invitations/accept", json!({ "code": guess }))
            .await;
        assert_problem(
            status,
            &body,
            StatusCode::NOT_FOUND,
            "invitation-link-gone",
            &guess,
        );

        if let Ok(cookie) =
            reqwest::header::HeaderValue::from_str(&format!("kring_session={guess}"))
        {
            let (status, body) = common::read(
                stranger
                    .get(s.url("/api/v1/me"))
                    .header(reqwest::header::COOKIE, cookie)
                    .send()
                    .await,
            )
            .await;
            assert_problem(
                status,
                &body,
                StatusCode::UNAUTHORIZED,
                "not-logged-in",
                &guess,
            );
        }
    }
    assert_eq!(s.events().await, events, "no guess wrote anything");
}

fn assert_problem(status: StatusCode, body: &Value, wanted: StatusCode, code: &str, guess: &str) {
    assert_eq!(
        (status, body["code"].as_str()),
        (wanted, Some(code)),
        "{guess:?}: {body}"
    );
}

/// Garbage on the live socket: each message is answered with an `error` and
/// the socket stays usable (a real subscription after it still works).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_socket_answers_garbage_with_an_error_and_stays_open() {
    // Room for every message: the per-socket rate limit is not what this tests.
    let s = Server::start(kring_testkit::TestLog::sqlite().await).await;
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let circle: Value = ann
        .post_ok(
            "/api/v1/circles",
            &json!({"focus_name": "Mam"}),
            StatusCode::CREATED,
        )
        .await;
    let cookie = session_cookie(&s.base, "ann@example.org").await;
    let garbage = samples(
        prop_oneof![
            any::<String>(),
            "\\{\"type\":\"(subscribe|unsubscribe|x)\",\"circle\":\"[0-9a-f-]{0,40}\"\\}",
        ],
        CASES,
    );
    let mut socket = connect(&s.base, &cookie).await;
    for (n, text) in garbage.iter().enumerate() {
        if n % 8 == 7 {
            // Below the socket's message rate limit: a fresh socket now and then.
            socket = connect(&s.base, &cookie).await;
        }
        if serde_json::from_str::<kring_protocol::v1::ClientMessage>(text).is_ok() {
            continue; // a well-formed message is not garbage
        }
        socket
            .send(Message::Text(text.clone().into()))
            .await
            .unwrap();
        let answer = next(&mut socket).await;
        assert_eq!(answer["type"], "error", "{text:?}: {answer}");
    }
    send(
        &mut socket,
        json!({"type": "subscribe", "circle": circle["id"], "after": 0}),
    )
    .await;
    loop {
        let message = next(&mut socket).await;
        assert_ne!(message["type"], "error", "{message}");
        if message["type"] == "subscribed" {
            break;
        }
    }
}
