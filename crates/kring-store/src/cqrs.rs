//! cqrs-es's `PersistedEventRepository` on the event log, so aggregates are
//! loaded from and committed to their stream (`<aggregate type>-<id>`).
//!
//! Snapshots are not supported yet: the repository always replays the stream.

use std::sync::Arc;

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    metadata, EventLog, ExpectedVersion, GlobalCursor, IdSeed, NewEvent, RecordedEvent, StoreError,
    StreamName,
};

#[derive(Clone)]
pub struct LogRepository {
    log: Arc<dyn EventLog>,
}

impl LogRepository {
    pub fn new(log: Arc<dyn EventLog>) -> Self {
        Self { log }
    }
}

/// Ids follow from the content and place of an event: a commit whose outcome
/// was unknown can be sent again and is stored once, while a different event
/// for the same place gets another id and meets a version conflict.
fn content_id(stream: &str, event: &SerializedEvent) -> Result<Uuid, serde_json::Error> {
    let mut h = Sha256::new();
    for part in [
        stream,
        &event.sequence.to_string(),
        &event.event_type,
        &event.event_version,
        &serde_json::to_string(&event.payload)?,
        &serde_json::to_string(&event.metadata)?,
    ] {
        h.update(Sha256::digest(part.as_bytes()));
    }
    let digest = h.finalize();
    Ok(uuid::Builder::from_sha1_bytes(digest[..16].try_into().expect("16 bytes")).into_uuid())
}

/// The event without the seed its command's ids come from (never stored), and
/// that seed: events of a request with an idempotency key get ids from it, so
/// its retry makes the same ids whatever the events hold (times, sealed text).
fn without_seed(event: &SerializedEvent) -> (SerializedEvent, Option<IdSeed>) {
    let mut event = event.clone();
    let seed = match &mut event.metadata {
        Value::Object(map) => map
            .remove(metadata::IDS_FROM)
            .and_then(|v| v.as_str().and_then(IdSeed::from_hex)),
        _ => None,
    };
    (event, seed)
}

fn schema_version(event: &SerializedEvent) -> Result<i32, PersistenceError> {
    event.event_version.parse().map_err(|_| {
        PersistenceError::UnknownError(
            format!(
                "event version {:?} of {} must be a whole number",
                event.event_version, event.event_type
            )
            .into(),
        )
    })
}

fn to_serialized<A: Aggregate>(aggregate_id: &str, event: RecordedEvent) -> SerializedEvent {
    let sequence = event.version as usize;
    let event_version = event.schema_version.to_string();
    let event_type = event.event_type.clone();
    let (payload, metadata) = event.into_values();
    SerializedEvent {
        aggregate_id: aggregate_id.to_owned(),
        sequence,
        aggregate_type: A::TYPE.to_owned(),
        event_type,
        event_version,
        payload,
        metadata,
    }
}

fn persistence_error(e: StoreError) -> PersistenceError {
    match e {
        StoreError::Conflict { .. } | StoreError::EventIdReused(_) => {
            PersistenceError::OptimisticLockError
        }
        StoreError::Unavailable(_) => PersistenceError::ConnectionError(Box::new(e)),
        StoreError::Json(e) => PersistenceError::DeserializationError(Box::new(e)),
        other => PersistenceError::UnknownError(Box::new(other)),
    }
}

impl LogRepository {
    async fn read_from<A: Aggregate>(
        &self,
        aggregate_id: &str,
        from_version: u64,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let stream = StreamName::of(A::TYPE, aggregate_id);
        let events = self
            .log
            .read_stream(&stream, from_version, usize::MAX)
            .await
            .map_err(persistence_error)?;
        Ok(events
            .into_iter()
            .map(|e| to_serialized::<A>(aggregate_id, e))
            .collect())
    }
}

impl PersistedEventRepository for LogRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.read_from::<A>(aggregate_id, 1).await
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.read_from::<A>(aggregate_id, last_sequence as u64 + 1)
            .await
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        _aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        Ok(None)
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        if snapshot_update.is_some() {
            return Err(PersistenceError::UnknownError(
                "snapshots are not supported: build the store with PersistedEventStore::new_event_store".into(),
            ));
        }
        let Some(first) = events.first() else {
            return Ok(());
        };
        let stream = StreamName::of(A::TYPE, &first.aggregate_id);
        let batch = events
            .iter()
            .enumerate()
            .map(|(index, e)| {
                let (e, seed) = without_seed(e);
                let event_id = match seed {
                    Some(seed) => seed.event_id(&stream, index),
                    None => content_id(&stream, &e)?,
                };
                Ok(NewEvent {
                    event_id,
                    event_type: e.event_type.clone(),
                    schema_version: schema_version(&e)?,
                    payload: e.payload,
                    metadata: e.metadata,
                })
            })
            .collect::<Result<Vec<_>, PersistenceError>>()?;
        let expected = ExpectedVersion::Exact(first.sequence as u64 - 1);
        self.log
            .append(&stream, expected, &batch)
            .await
            .map_err(persistence_error)?;
        Ok(())
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        let events = self.read_from::<A>(aggregate_id, 1).await?;
        let (mut feed, stream) = ReplayStream::new(events.len().max(1));
        for event in events {
            feed.push(Ok(event)).await?;
        }
        Ok(stream)
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        let prefix = StreamName::of(A::TYPE, "");
        let (mut feed, stream) = ReplayStream::new(1000);
        let log = self.log.clone();
        tokio::spawn(async move {
            let mut cursor = GlobalCursor::START;
            loop {
                let page = match log.read_all(cursor, 1000).await {
                    Ok(page) => page,
                    Err(e) => {
                        let _ = feed.push(Err(persistence_error(e))).await;
                        return;
                    }
                };
                let Some(last) = page.last() else { return };
                cursor = last.cursor();
                for event in page {
                    if let Some(id) = event.stream_id.strip_prefix(prefix.as_str()) {
                        let id = id.to_owned();
                        if feed.push(Ok(to_serialized::<A>(&id, event))).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Ok(stream)
    }
}
