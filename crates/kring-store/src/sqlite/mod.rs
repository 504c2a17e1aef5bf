//! The embedded SQLite backend. All writes go through one connection, so the
//! order of positions is the order of commits and `read_all` can walk positions.
//! One module per concern: `log`, `views`, `keys`, `accounts`, `calendar`, `mail`,
//! `idempotency`.

mod accounts;
mod calendar;
mod idempotency;
mod keys;
mod log;
mod mail;
mod views;

crate::shared::backend_queries!(
    db: sqlx::Sqlite,
    time: i64,
    bind_time: |at: chrono::DateTime<Utc>| at.timestamp_micros(),
    xid: "0",
);

use std::str::FromStr;
use std::time::Duration;

use chrono::Utc;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use tokio::sync::watch;

use crate::StoreError;

pub struct SqliteLog {
    writer: SqlitePool,
    reader: SqlitePool,
    wake: watch::Sender<u64>,
    leases: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
}

impl SqliteLog {
    /// Opens (creating if needed) the database in WAL mode with `synchronous = FULL`
    /// and runs the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Deleted and overwritten content is zeroed, so a forgotten person's
            // key does not linger in free space inside the file.
            .pragma("secure_delete", "ON");
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // A connection to a local file does not break between queries: no ping
        // (a trip to SQLite's thread) before each.
        let mut writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false);
        if in_memory {
            // Closing the only connection would drop the whole database.
            writer = writer
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        let writer = writer.connect_with(options.clone()).await?;
        // An in-memory database exists once per connection: read through the writer.
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .connect_with(options.read_only(true))
                .await?
        };
        sqlx::migrate!("migrations/sqlite").run(&writer).await?;
        let (wake, _) = watch::channel(0u64);
        Ok(Self {
            writer,
            reader,
            wake,
            leases: Default::default(),
        })
    }

    pub fn writer_pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// WAL with synchronous = FULL keeps every acknowledged event across a power
    /// loss; anything else is reported.
    pub async fn check_durability(&self) -> Result<Vec<String>, StoreError> {
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.writer)
            .await?;
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&self.writer)
            .await?;
        let mut warnings = vec![];
        if !mode.eq_ignore_ascii_case("wal") {
            warnings.push(format!(
                "SQLite journal_mode is {mode}, not WAL: nothing is kept after the process ends or crashes"
            ));
        }
        if sync < 2 {
            warnings.push(format!(
                "SQLite synchronous is {sync}, not FULL (2): events acknowledged just before a power loss may be lost"
            ));
        }
        Ok(warnings)
    }
}

/// Now, as SQLite stores times (microseconds since the epoch).
fn now_micros() -> i64 {
    Utc::now().timestamp_micros()
}

/// A write transaction that takes the write lock up front, so another process
/// writing the same file waits (busy_timeout) instead of failing half-way.
async fn begin_write(writer: &SqlitePool) -> Result<Transaction<'static, Sqlite>, StoreError> {
    Ok(writer.begin_with("BEGIN IMMEDIATE").await?)
}
