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

/// Every event in the log, once nothing committed is held back any more
/// (on Postgres an unrelated running transaction can briefly hide new events).
pub async fn read_everything(log: &dyn EventLog) -> Vec<kring_store::RecordedEvent> {
    within(WAIT, "committed events to become readable", async {
        while log
            .held_back(kring_store::GlobalCursor::START)
            .await
            .unwrap()
        {
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    let mut all = vec![];
    let mut cursor = kring_store::GlobalCursor::START;
    loop {
        let page = log.read_all(cursor, 1000).await.unwrap();
        let Some(last) = page.last() else { return all };
        cursor = last.cursor();
        all.extend(page);
    }
}
