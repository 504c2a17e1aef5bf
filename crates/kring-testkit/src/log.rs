//! An event log on a fresh database, for tests that run on both backends.

use std::path::PathBuf;
use std::sync::Arc;

use kring_store::{open, open_key_eraser, Durability, KeyEraser, OpenOptions, Store};

use crate::TestDatabase;

/// What keeps the database alive (and removes it when the test ends).
pub enum Backing {
    Postgres(TestDatabase),
    Sqlite(tempfile::TempDir),
}

pub struct TestLog {
    pub log: Arc<dyn Store>,
    pub url: String,
    pub backing: Backing,
}

impl TestLog {
    pub async fn postgres() -> TestLog {
        let db = TestDatabase::postgres().await;
        let url = db.url.clone();
        TestLog::open(url, Backing::Postgres(db)).await
    }

    pub async fn sqlite() -> TestLog {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("kring.db").display());
        TestLog::open(url, Backing::Sqlite(dir)).await
    }

    async fn open(url: String, backing: Backing) -> TestLog {
        let options = OpenOptions {
            durability: Durability::Require,
            // Room for the store's concurrency tests (sixteen writers and a tailer).
            max_connections: 40,
        };
        let log = open(&url, &options).await.expect("open the log");
        TestLog { log, url, backing }
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
        matches!(self.backing, Backing::Postgres(_))
    }

    /// Runs raw SQL behind the log's back, as an intruder or a broken disk would.
    pub async fn tamper(&self, sql: &str) {
        match &self.backing {
            Backing::Postgres(_) => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
            }
            Backing::Sqlite(_) => {
                let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
            }
        }
    }

    /// The SQLite database file, when on SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &self.backing {
            Backing::Sqlite(dir) => Some(dir.path().join("kring.db")),
            Backing::Postgres(_) => None,
        }
    }
}
