//! Group commit. A commit costs a WAL flush and a round trip, more than an
//! append's own work on a busy server, so appends that arrive while others are
//! being written wait in a queue and go to Postgres together: one
//! `append_batch` call, one transaction, one flush for all of them. A few
//! writer tasks take turns emptying the queue; an append that finds one idle
//! goes out at once, alone.
//!
//! Every append keeps its own outcome. `append_batch` writes only the appends
//! whose streams are where their writers expect them; each other one goes to
//! `append_events` on its own, which tells a retried batch from a conflict
//! exactly as before. A batch refused as a whole (an event id stored before,
//! a deadlock) is sent again append by append, so only the guilty one fails.

use std::sync::Arc;

use sqlx::postgres::PgPool;
use sqlx::Row;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::append_error;
use crate::event::EncodedEvent;
use crate::{Appended, ExpectedVersion, StoreError};

/// The most appends, and about the most events, one transaction carries:
/// bounds how long it holds its streams' locks.
const MAX_APPENDS: usize = 64;
const MAX_EVENTS: usize = 512;

type Reply = oneshot::Sender<Result<Appended, StoreError>>;

struct Append {
    stream: String,
    expected: ExpectedVersion,
    events: Vec<EncodedEvent>,
    reply: Reply,
}

/// The queue of appends and its writer tasks.
pub(super) struct Appender {
    queue: mpsc::UnboundedSender<Append>,
}

impl Appender {
    /// Starts `writers` tasks on `pool`; the caller aborts their handles.
    pub(super) fn start(pool: &PgPool, writers: usize) -> (Self, Vec<JoinHandle<()>>) {
        let (queue, waiting) = mpsc::unbounded_channel();
        let waiting = Arc::new(Mutex::new(waiting));
        let tasks = (0..writers.max(1))
            .map(|_| tokio::spawn(writer(pool.clone(), waiting.clone())))
            .collect();
        (Self { queue }, tasks)
    }

    pub(super) async fn append(
        &self,
        stream: &str,
        expected: ExpectedVersion,
        events: Vec<EncodedEvent>,
    ) -> Result<Appended, StoreError> {
        let (reply, answer) = oneshot::channel();
        let append = Append {
            stream: stream.to_owned(),
            expected,
            events,
            reply,
        };
        self.queue.send(append).map_err(|_| writers_gone())?;
        answer.await.map_err(|_| writers_gone())?
    }
}

fn writers_gone() -> StoreError {
    StoreError::Unavailable(sqlx::Error::WorkerCrashed)
}

async fn writer(pool: PgPool, waiting: Arc<Mutex<mpsc::UnboundedReceiver<Append>>>) {
    while let Some(batch) = next_batch(&waiting).await {
        write(&pool, batch).await;
    }
}

/// Waits for an append, then takes whatever else is waiting, up to the limits.
async fn next_batch(waiting: &Mutex<mpsc::UnboundedReceiver<Append>>) -> Option<Vec<Append>> {
    let mut waiting = waiting.lock().await;
    let first = waiting.recv().await?;
    // Writers woken by the last commit are about to send their next appends:
    // let them, so they join this transaction instead of waiting for the next.
    tokio::task::yield_now().await;
    let mut events = first.events.len();
    let mut batch = vec![first];
    while batch.len() < MAX_APPENDS && events < MAX_EVENTS {
        let Ok(next) = waiting.try_recv() else { break };
        events += next.events.len();
        batch.push(next);
    }
    Some(batch)
}

async fn write(pool: &PgPool, batch: Vec<Append>) {
    match append_batch(pool, &batch).await {
        Ok(written) => {
            let mut left_out = vec![];
            for (append, written) in batch.into_iter().zip(written) {
                match written {
                    Some(appended) => {
                        let _ = append.reply.send(Ok(appended));
                    }
                    None => left_out.push(append),
                }
            }
            one_by_one(pool, left_out).await;
        }
        // The outcome is unknown: every writer retries with its event ids.
        Err(e) if crate::error::is_unavailable(&e) => {
            let text = e.to_string();
            let mut first = Some(e);
            for append in batch {
                let e = first
                    .take()
                    .unwrap_or_else(|| sqlx::Error::Protocol(text.clone()));
                let _ = append.reply.send(Err(StoreError::Unavailable(e)));
            }
        }
        // Nothing was written: each append on its own gets its own answer.
        Err(_) => one_by_one(pool, batch).await,
    }
}

async fn one_by_one(pool: &PgPool, appends: Vec<Append>) {
    for append in appends {
        let outcome = append_one(pool, &append).await;
        let _ = append.reply.send(outcome);
    }
}

/// One `append_batch` call: per append, what was written (`None`: left out).
async fn append_batch(
    pool: &PgPool,
    batch: &[Append],
) -> Result<Vec<Option<Appended>>, sqlx::Error> {
    let streams: Vec<&str> = batch.iter().map(|a| a.stream.as_str()).collect();
    let expected: Vec<Option<i64>> = batch.iter().map(|a| a.expected.as_sql()).collect();
    let counts: Vec<i32> = batch.iter().map(|a| a.events.len() as i32).collect();
    let events = || batch.iter().flat_map(|a| &a.events);
    let ids: Vec<Uuid> = events().map(|e| e.event_id).collect();
    let types: Vec<&str> = events().map(|e| e.event_type.as_str()).collect();
    let schema_versions: Vec<i32> = events().map(|e| e.schema_version).collect();
    let payloads: Vec<&str> = events().map(|e| e.payload.as_str()).collect();
    let metadata: Vec<&str> = events().map(|e| e.metadata.as_str()).collect();
    let rows = sqlx::query("SELECT * FROM append_batch($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&streams)
        .bind(&expected)
        .bind(&counts)
        .bind(&ids)
        .bind(&types)
        .bind(&schema_versions)
        .bind(&payloads)
        .bind(&metadata)
        .fetch_all(pool)
        .await?;
    if rows.len() != batch.len() {
        return Err(sqlx::Error::Protocol(format!(
            "append_batch answered {} rows for {} appends",
            rows.len(),
            batch.len()
        )));
    }
    rows.iter()
        .map(|row| {
            let Some(first) = row.try_get::<Option<i64>, _>("first_position")? else {
                return Ok(None);
            };
            Ok(Some(Appended {
                stream_version: row.try_get::<i64, _>("stream_version")? as u64,
                first_position: first as u64,
                last_position: row.try_get::<i64, _>("last_position")? as u64,
                epoch: row.try_get("epoch")?,
                duplicate: false,
            }))
        })
        .collect()
}

/// One append in a transaction of its own: `append_events` decides between
/// writing it, a retried batch (`duplicate`), a conflict and a reused id.
async fn append_one(pool: &PgPool, append: &Append) -> Result<Appended, StoreError> {
    let events = &append.events;
    let ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    let schema_versions: Vec<i32> = events.iter().map(|e| e.schema_version).collect();
    let payloads: Vec<&str> = events.iter().map(|e| e.payload.as_str()).collect();
    let metadata: Vec<&str> = events.iter().map(|e| e.metadata.as_str()).collect();
    let row = sqlx::query("SELECT * FROM append_events($1, $2, $3, $4, $5, $6, $7)")
        .bind(&append.stream)
        .bind(append.expected.as_sql())
        .bind(&ids)
        .bind(&types)
        .bind(&schema_versions)
        .bind(&payloads)
        .bind(&metadata)
        .fetch_one(pool)
        .await
        .map_err(|e| append_error(e, &append.stream, append.expected, &ids))?;
    Ok(Appended {
        stream_version: row.try_get::<i64, _>("stream_version")? as u64,
        first_position: row.try_get::<i64, _>("first_position")? as u64,
        last_position: row.try_get::<i64, _>("last_position")? as u64,
        epoch: row.try_get("epoch")?,
        duplicate: row.try_get("duplicate")?,
    })
}
