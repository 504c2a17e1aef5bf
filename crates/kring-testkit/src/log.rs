//! An event log on a fresh database, for tests that run on both backends.

use std::path::PathBuf;
use std::sync::Arc;

use kring_store::{open, Durability, OpenOptions, Store};

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
            max_connections: 20,
        };
        let log = open(&url, &options).await.expect("open the log");
        TestLog { log, url, backing }
    }

    /// The SQLite database file, when on SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &self.backing {
            Backing::Sqlite(dir) => Some(dir.path().join("kring.db")),
            Backing::Postgres(_) => None,
        }
    }
}
