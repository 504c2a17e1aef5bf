//! The Postgres backend: concurrent appends committed together (`append`),
//! `(xid, position)` reads below the oldest running transaction, LISTEN/NOTIFY
//! as a doorbell. One module per concern: `log`, `views`, `keys`, `accounts`,
//! `calendar`, `mail`, `idempotency`.

mod accounts;
mod append;
mod calendar;
mod idempotency;
mod keys;
mod log;
mod mail;
mod views;

crate::shared::backend_queries!(
    db: sqlx::Postgres,
    time: chrono::DateTime<chrono::Utc>,
    bind_time: |at| at,
    xid: "xid::text::bigint",
);

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgDatabaseError, PgListener, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use uuid::Uuid;

use self::append::Appender;
use crate::{ExpectedVersion, StoreError};

const CHANNEL: &str = "kring_events";

pub struct PgLog {
    pool: PgPool,
    appender: Appender,
    wake: watch::Sender<u64>,
    appended_here: Arc<Notify>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for PgLog {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl PgLog {
    /// Connects, runs the embedded migrations and starts the doorbell tasks.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Self::from_pool(pool).await
    }

    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        let (wake, _) = watch::channel(0u64);
        let appended_here = Arc::new(Notify::new());
        let (appender, mut tasks) = Appender::start(&pool, append_writers(&pool));
        tasks.push(tokio::spawn(ring_doorbell(
            pool.clone(),
            appended_here.clone(),
        )));
        tasks.push(tokio::spawn(listen_for_doorbell(
            pool.clone(),
            wake.clone(),
        )));
        Ok(Self {
            pool,
            appender,
            wake,
            appended_here,
            tasks,
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// `fsync` off can corrupt the database on a crash: refused.
    /// `synchronous_commit` off can lose acknowledged events on a crash: a warning.
    pub async fn check_durability(&self) -> Result<Vec<String>, StoreError> {
        let fsync: String = sqlx::query_scalar("SHOW fsync")
            .fetch_one(&self.pool)
            .await?;
        if fsync != "on" {
            return Err(StoreError::Durability(format!(
                "Postgres runs with fsync = {fsync}; a crash could corrupt the log. Set fsync = on."
            )));
        }
        let sync: String = sqlx::query_scalar("SHOW synchronous_commit")
            .fetch_one(&self.pool)
            .await?;
        Ok(match sync.as_str() {
            // `local` waits for the local flush: durable on a single server.
            "on" | "remote_apply" | "remote_write" | "local" => vec![],
            other => vec![format!(
                "Postgres runs with synchronous_commit = {other}; events acknowledged just before a crash may be lost. Set synchronous_commit = on."
            )],
        })
    }
}

/// How many append transactions run at once: a fifth of the pool, so that reads
/// keep their connections and, under load, each transaction carries the appends
/// of several writers (benches/README.md, `append`, measured 3 to 5 of 20).
fn append_writers(pool: &PgPool) -> usize {
    (pool.options().get_max_connections() as usize / 5).clamp(1, 8)
}

/// After local commits, tell other nodes (and our own listener) that events may be
/// readable. `Notify` keeps one permit, so a burst of appends becomes one NOTIFY.
async fn ring_doorbell(pool: PgPool, appended_here: Arc<Notify>) {
    loop {
        appended_here.notified().await;
        if let Err(e) = sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&pool)
            .await
        {
            tracing::debug!(error = %e, "could not send the new-events hint; readers will poll");
        }
    }
}

async fn listen_for_doorbell(pool: PgPool, wake: watch::Sender<u64>) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::debug!(error = %e, "cannot LISTEN for new events yet; readers poll");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if listener.listen(CHANNEL).await.is_err() {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // After (re)connecting a hint may have been missed: wake readers once.
        wake.send_modify(|n| *n += 1);
        while listener.try_recv().await.ok().flatten().is_some() {
            wake.send_modify(|n| *n += 1);
        }
    }
}

fn append_error(
    e: sqlx::Error,
    stream: &str,
    expected: ExpectedVersion,
    ids: &[Uuid],
) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let detail = db
            .try_downcast_ref::<PgDatabaseError>()
            .and_then(|pg| pg.detail())
            .unwrap_or_default();
        match db.code().as_deref() {
            Some("KR001") => {
                metrics::counter!("kring_append_conflicts_total", "backend" => "postgres")
                    .increment(1);
                return StoreError::Conflict {
                    stream: stream.to_owned(),
                    expected: match expected {
                        ExpectedVersion::Exact(v) => v,
                        ExpectedVersion::Any => 0,
                    },
                    actual: detail.parse().unwrap_or(0),
                };
            }
            Some("KR002") => {
                return StoreError::EventIdReused(detail.parse().unwrap_or(ids[0]));
            }
            // Two streams raced to store the same event id.
            Some("23505") if db.constraint() == Some("events_event_id_key") => {
                return StoreError::EventIdReused(ids[0]);
            }
            _ => {}
        }
    }
    StoreError::from(e)
}

/// A write transaction; Postgres takes row locks as it goes.
async fn begin_write(pool: &PgPool) -> Result<Transaction<'static, Postgres>, StoreError> {
    Ok(pool.begin().await?)
}
