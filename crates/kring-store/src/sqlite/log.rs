//! The log on SQLite.

use chrono::Utc;
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::queries::{self, event_from_row, EVENT_COLUMNS};
use super::{begin_write, SqliteLog};
use crate::chain::{event_hash, GENESIS_HASH};
use crate::event::EncodedEvent;
use crate::rows::sql_limit;
use crate::{
    Appended, Backend, ExpectedVersion, GlobalCursor, NewEvent, RecordedEvent, StoreError,
    StreamHead,
};

impl SqliteLog {
    async fn head_in(
        tx: &mut Transaction<'_, Sqlite>,
        stream: &str,
    ) -> Result<Option<StreamHead>, StoreError> {
        queries::stream_head(&mut **tx, stream).await
    }

    /// A retried batch is one whose ids are all stored, in this stream, with the
    /// same content in the same order. `None` when none of the ids is stored.
    async fn find_retry(
        tx: &mut Transaction<'_, Sqlite>,
        stream: &str,
        batch: &[EncodedEvent],
    ) -> Result<Option<Appended>, StoreError> {
        let mut stored = Vec::with_capacity(batch.len());
        for event in batch {
            let row = sqlx::query(&format!(
                "SELECT {} FROM events WHERE event_id = ?",
                *EVENT_COLUMNS
            ))
            .bind(event.event_id)
            .fetch_optional(&mut **tx)
            .await?;
            stored.push(row.as_ref().map(event_from_row).transpose()?);
        }
        if stored.iter().all(Option::is_none) {
            return Ok(None);
        }
        for (event, found) in batch.iter().zip(&stored) {
            let same = found.as_ref().is_some_and(|s| {
                s.stream_id == stream
                    && s.event_type == event.event_type
                    && s.schema_version == event.schema_version
                    && s.raw_payload == event.payload
                    && s.raw_metadata == event.metadata
            });
            if !same {
                return Err(StoreError::EventIdReused(event.event_id));
            }
        }
        let stored: Vec<RecordedEvent> = stored.into_iter().flatten().collect();
        let head = Self::head_in(tx, stream).await?.ok_or_else(|| {
            StoreError::Corrupt(format!("events of {stream} without a stream row"))
        })?;
        Ok(Some(Appended {
            stream_version: stored.iter().map(|e| e.version).max().unwrap_or(0),
            first_position: stored.iter().map(|e| e.position).min().unwrap_or(0),
            last_position: stored.iter().map(|e| e.position).max().unwrap_or(0),
            epoch: head.epoch,
            duplicate: true,
        }))
    }

    async fn append_in(
        tx: &mut Transaction<'_, Sqlite>,
        stream: &str,
        expected: ExpectedVersion,
        batch: &[EncodedEvent],
    ) -> Result<Appended, StoreError> {
        if let Some(retry) = Self::find_retry(tx, stream, batch).await? {
            return Ok(retry);
        }
        let now = Utc::now();
        let micros = now.timestamp_micros();
        let head = match Self::head_in(tx, stream).await? {
            Some(head) => head,
            None => {
                let epoch = Uuid::new_v4();
                sqlx::query(
                    "INSERT INTO streams (stream_id, version, first_version, base_hash, head_hash, epoch, created_at) \
                     VALUES (?, 0, 1, ?, ?, ?, ?)",
                )
                .bind(stream)
                .bind(&GENESIS_HASH[..])
                .bind(&GENESIS_HASH[..])
                .bind(epoch)
                .bind(micros)
                .execute(&mut **tx)
                .await?;
                StreamHead {
                    stream_id: stream.to_owned(),
                    version: 0,
                    first_version: 1,
                    base_hash: GENESIS_HASH,
                    head_hash: GENESIS_HASH,
                    epoch,
                }
            }
        };
        if let ExpectedVersion::Exact(expected) = expected {
            if head.version != expected {
                metrics::counter!("kring_append_conflicts_total", "backend" => "sqlite")
                    .increment(1);
                return Err(StoreError::Conflict {
                    stream: stream.to_owned(),
                    expected,
                    actual: head.version,
                });
            }
        }
        let mut hash = head.head_hash;
        let mut version = head.version;
        let mut positions = Vec::with_capacity(batch.len());
        for event in batch {
            version += 1;
            let position: i64 = sqlx::query_scalar(
                "INSERT INTO events (stream_id, version, event_id, event_type, schema_version, payload, metadata, recorded_at, prev_hash) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING position",
            )
            .bind(stream)
            .bind(version as i64)
            .bind(event.event_id)
            .bind(&event.event_type)
            .bind(event.schema_version)
            .bind(&event.payload)
            .bind(&event.metadata)
            .bind(micros)
            .bind(&hash[..])
            .fetch_one(&mut **tx)
            .await?;
            positions.push(position as u64);
            hash = event_hash(
                &hash,
                stream,
                version,
                event.event_id,
                &event.event_type,
                event.schema_version,
                micros,
                &event.payload,
                &event.metadata,
            );
        }
        sqlx::query("UPDATE streams SET version = ?, head_hash = ? WHERE stream_id = ?")
            .bind(version as i64)
            .bind(&hash[..])
            .bind(stream)
            .execute(&mut **tx)
            .await?;
        Ok(Appended {
            stream_version: version,
            first_position: positions[0],
            last_position: positions[positions.len() - 1],
            epoch: head.epoch,
            duplicate: false,
        })
    }
}

crate::shared::event_log_impl!(SqliteLog, read: reader, own: {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn append(
        &self,
        stream: &str,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, StoreError> {
        if events.is_empty() {
            return Err(StoreError::EmptyBatch);
        }
        let batch = events
            .iter()
            .map(NewEvent::encoded)
            .collect::<Result<Vec<_>, _>>()?;
        let mut tx = begin_write(&self.writer).await?;
        let appended = Self::append_in(&mut tx, stream, expected, &batch).await?;
        tx.commit().await?;
        metrics::counter!("kring_appends_total", "backend" => "sqlite").increment(1);
        if !appended.duplicate {
            metrics::counter!("kring_appended_events_total", "backend" => "sqlite")
                .increment(batch.len() as u64);
            self.wake.send_modify(|n| *n += 1);
        }
        Ok(appended)
    }

    async fn read_all(
        &self,
        after: GlobalCursor,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        sqlx::query(&format!(
            "SELECT {} FROM events WHERE position > ? ORDER BY position LIMIT ?",
            *EVENT_COLUMNS
        ))
        .bind(after.position as i64)
        .bind(sql_limit(limit))
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(event_from_row)
        .collect()
    }

    async fn end_cursor(&self) -> Result<GlobalCursor, StoreError> {
        // One writer: positions become visible in order, so the largest is the end.
        let last: Option<i64> = sqlx::query_scalar("SELECT max(position) FROM events")
            .fetch_one(&self.reader)
            .await?;
        Ok(GlobalCursor {
            xid: 0,
            position: last.unwrap_or(0) as u64,
        })
    }

    async fn truncate_before(&self, stream: &str, version: u64) -> Result<StreamHead, StoreError> {
        let mut tx = begin_write(&self.writer).await?;
        let head = Self::head_in(&mut tx, stream)
            .await?
            .ok_or_else(|| StoreError::StreamNotFound(stream.to_owned()))?;
        crate::verify::check_truncation(&head, version)?;
        let base = queries::delete_before(&mut tx, stream, version).await?;
        sqlx::query(
            "UPDATE streams SET first_version = ?, base_hash = ?, epoch = ? WHERE stream_id = ?",
        )
        .bind(version as i64)
        .bind(&base)
        .bind(Uuid::new_v4())
        .bind(stream)
        .execute(&mut *tx)
        .await?;
        let head = Self::head_in(&mut tx, stream)
            .await?
            .ok_or_else(|| StoreError::StreamNotFound(stream.to_owned()))?;
        tx.commit().await?;
        Ok(head)
    }
});
