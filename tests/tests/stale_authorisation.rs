//! Attack 9, stale authorisation: reads were authorised against the
//! projector's stored view, so while it lagged a removed member still read
//! the circle and an organisation narrowed from `full` to `signals` still got
//! the logbook. Who may read is decided against the circle at the head of its
//! stream (a read waits for the view to catch up, or is refused).
//!
//! On Postgres the projector is held back for real: a transaction left open
//! keeps the log's read horizon (`pg_snapshot_xmin`) before the removal, so
//! the projector cannot see it while the command itself is stored. SQLite has
//! no such horizon; there the same reads run right after the change.
//!
//! The horizon is the whole cluster's: while it is held, no projector of any
//! database on it moves. So this is a test binary of its own (cargo runs test
//! binaries one after another), and its scenarios run one after another.

use kring_e2e::Backend;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

#[path = "attacks/common.rs"]
#[allow(dead_code)] // shared with the attack suite, which uses all of it
mod common;

use common::{circle, consent, id_of, member, organisation, roomy_node, verified};

/// Keeps the projector from seeing anything committed after it began (Postgres).
async fn hold_the_horizon(backend: &Backend) -> Option<sqlx::PgConnection> {
    let Backend::Postgres(db) = backend else {
        return None;
    };
    let mut connection = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    sqlx::query("BEGIN")
        .execute(&mut connection)
        .await
        .expect("begin");
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut connection)
        .await
        .expect("an xid");
    Some(connection)
}

async fn release(held: Option<sqlx::PgConnection>) {
    if let Some(mut connection) = held {
        sqlx::query("COMMIT")
            .execute(&mut connection)
            .await
            .expect("commit");
    }
}

async fn a_removed_member_reads_nothing_while_the_views_lag(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    let (bob, _) = member(&node, &ann, &family, "Bob", "warm", "member").await;
    for path in ["", "/logbook", "/rota", "/members"] {
        bob.get(&format!("/api/v1/circles/{family}{path}"))
            .await
            .expect(StatusCode::OK);
    }
    let held = hold_the_horizon(&backend).await;
    let bob_id = id_of(&bob).await;
    ann.delete(&format!("/api/v1/circles/{family}/members/{bob_id}"))
        .await
        .expect(StatusCode::OK);
    for path in ["", "/logbook", "/rota", "/members", "/requests"] {
        let answer = bob.get(&format!("/api/v1/circles/{family}{path}")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {answer:?}");
    }
    let mine = bob.get("/api/v1/circles").await.expect(StatusCode::OK);
    assert!(
        !mine.to_string().contains(&family),
        "still in my circles: {mine}"
    );
    release(held).await;
}

async fn a_narrowed_consent_shows_no_more_than_signals_while_the_views_lag(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ina, _) = verified(&node, "Ina").await;
    let org = organisation(&ina).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    consent(&ann, &family, &org, "full").await;
    ann.post(
        &format!("/api/v1/circles/{family}/logbook"),
        json!({"text": "Mam sliep slecht", "visibility": "whole_circle"}),
    )
    .await
    .expect(StatusCode::CREATED);
    let opened = format!("/api/v1/organisations/{org}/circles/{family}");
    let full = ina.get(&opened).await.expect(StatusCode::OK);
    assert!(full.to_string().contains("Mam sliep slecht"), "{full}");

    let held = hold_the_horizon(&backend).await;
    consent(&ann, &family, &org, "signals").await;
    let answer = ina.get(&opened).await;
    assert!(
        !answer.body.to_string().contains("Mam sliep slecht"),
        "the logbook after consent was narrowed: {answer:?}"
    );
    assert!(
        matches!(
            answer.status,
            StatusCode::OK | StatusCode::SERVICE_UNAVAILABLE
        ),
        "{answer:?}"
    );
    release(held).await;
    let narrowed = ina.get(&opened).await.expect(StatusCode::OK);
    assert!(
        !narrowed.to_string().contains("Mam sliep slecht"),
        "{narrowed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite() {
    a_removed_member_reads_nothing_while_the_views_lag(Backend::sqlite()).await;
    a_narrowed_consent_shows_no_more_than_signals_while_the_views_lag(Backend::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres() {
    a_removed_member_reads_nothing_while_the_views_lag(Backend::postgres().await).await;
    a_narrowed_consent_shows_no_more_than_signals_while_the_views_lag(Backend::postgres().await)
        .await;
}
