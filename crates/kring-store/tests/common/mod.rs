//! One harness for both backends, so every test runs on Postgres and on SQLite.
#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use kring_store::{
    open, open_key_eraser, Durability, EventLog, KeyEraser, NewEvent, OpenOptions, Store,
};
use kring_testkit::TestDatabase;
use serde_json::json;

pub enum Keep {
    Postgres(TestDatabase),
    Sqlite(tempfile::TempDir),
}

pub struct Harness {
    pub log: Arc<dyn Store>,
    pub url: String,
    _keep: Keep,
}

impl Harness {
    pub async fn postgres() -> Harness {
        let db = TestDatabase::postgres().await;
        let url = db.url.clone();
        Harness::open(url, Keep::Postgres(db)).await
    }

    pub async fn sqlite() -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("kring.db").display());
        Harness::open(url, Keep::Sqlite(dir)).await
    }

    async fn open(url: String, keep: Keep) -> Harness {
        let options = OpenOptions {
            durability: Durability::Require,
            max_connections: 40,
        };
        let log = open(&url, &options).await.expect("open the log");
        Harness {
            log,
            url,
            _keep: keep,
        }
    }

    /// Opens a second, independent handle on the same database (a restart).
    pub async fn reopen(&self) -> Arc<dyn Store> {
        open(&self.url, &OpenOptions::default())
            .await
            .expect("reopen the log")
    }

    /// The one handle that can destroy person keys, on the same database.
    pub async fn eraser(&self) -> Arc<dyn KeyEraser> {
        open_key_eraser(&self.url, &OpenOptions::default())
            .await
            .expect("open the key eraser")
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self._keep, Keep::Postgres(_))
    }

    /// Runs raw SQL behind the log's back, as an intruder or a broken disk would.
    pub async fn tamper(&self, sql: &str) {
        match &self._keep {
            Keep::Postgres(_) => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
            }
            Keep::Sqlite(_) => {
                let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
            }
        }
    }
}

pub fn event(kind: &str, n: u64) -> NewEvent {
    NewEvent::new(kind, json!({ "n": n, "note": format!("event {n}") }))
}

/// Waits for `condition` with a deadline instead of sleeping and hoping.
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// Declares each listed `async fn name(h: Harness)` as a test on both backends.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::common::Harness::postgres().await).await
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::common::Harness::sqlite().await).await
                }
            )*
        }
    };
}

/// Every event in the log, once nothing committed is held back any more
/// (on Postgres an unrelated running transaction can briefly hide new events).
pub async fn read_everything(log: &dyn EventLog) -> Vec<kring_store::RecordedEvent> {
    within("committed events to become readable", async {
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
