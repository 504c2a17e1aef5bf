//! One harness for both backends, so every test runs on Postgres and on SQLite.
#![allow(dead_code)]

use std::time::Duration;

use kring_store::{EventLog, NewEvent};
use serde_json::json;

pub use kring_testkit::within;

/// A fresh log on either backend (`reopen`, `tamper` and `is_postgres` included).
pub type Harness = kring_testkit::TestLog;

/// How long a store test waits for something before it fails.
pub const WAIT: Duration = Duration::from_secs(30);

pub fn event(kind: &str, n: u64) -> NewEvent {
    NewEvent::new(kind, json!({ "n": n, "note": format!("event {n}") }))
}

/// Every event in the log committed before the call (on Postgres an
/// unrelated running transaction can briefly hide new events: it waits).
pub async fn read_everything(log: &dyn EventLog) -> Vec<kring_store::RecordedEvent> {
    let target = log.last_committed().await.unwrap();
    let mut all = vec![];
    let mut cursor = kring_store::GlobalCursor::START;
    within(WAIT, "committed events to become readable", async {
        while cursor < target {
            let page = log.read_all(cursor, 1000).await.unwrap();
            match page.last() {
                Some(last) => cursor = last.cursor(),
                None => tokio::time::sleep(Duration::from_millis(5)).await,
            }
            all.extend(page);
        }
    })
    .await;
    all
}
