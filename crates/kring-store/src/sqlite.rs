//! The embedded SQLite backend. All writes go through one connection, so the
//! order of positions is the order of commits and `read_all` can walk positions.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use tokio::sync::watch;
use uuid::Uuid;

use crate::chain::{event_hash, to_hash, GENESIS_HASH};
use crate::event::EncodedEvent;
use crate::{
    Appended, Backend, CalendarFeed, CalendarScope, Credentials, EventLog, ExpectedVersion,
    GlobalCursor, NewEvent, PersonKey, RecordedEvent, Session, StoreError, StreamHead, ViewRow,
};

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
        let mut writer = SqlitePoolOptions::new().max_connections(1);
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

    async fn head_in(
        tx: &mut Transaction<'_, Sqlite>,
        stream: &str,
    ) -> Result<Option<StreamHead>, StoreError> {
        sqlx::query("SELECT * FROM streams WHERE stream_id = ?")
            .bind(stream)
            .fetch_optional(&mut **tx)
            .await?
            .as_ref()
            .map(head_from_row)
            .transpose()
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
                "SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ?"
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

const EVENT_COLUMNS: &str = "position, 0 AS xid, stream_id, version, event_id, event_type, \
     schema_version, payload, metadata, recorded_at, prev_hash";

fn event_from_row(row: &SqliteRow) -> Result<RecordedEvent, StoreError> {
    let raw_payload: String = row.try_get("payload")?;
    let raw_metadata: String = row.try_get("metadata")?;
    let micros: i64 = row.try_get("recorded_at")?;
    Ok(RecordedEvent {
        position: row.try_get::<i64, _>("position")? as u64,
        xid: 0,
        stream_id: row.try_get("stream_id")?,
        version: row.try_get::<i64, _>("version")? as u64,
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        schema_version: row.try_get("schema_version")?,
        payload: serde_json::from_str(&raw_payload)?,
        metadata: serde_json::from_str(&raw_metadata)?,
        recorded_at: DateTime::from_timestamp_micros(micros)
            .ok_or_else(|| StoreError::Corrupt(format!("recorded_at {micros} is out of range")))?,
        prev_hash: to_hash(&row.try_get::<Vec<u8>, _>("prev_hash")?)?,
        raw_payload,
        raw_metadata,
    })
}

fn head_from_row(row: &SqliteRow) -> Result<StreamHead, StoreError> {
    Ok(StreamHead {
        stream_id: row.try_get("stream_id")?,
        version: row.try_get::<i64, _>("version")? as u64,
        first_version: row.try_get::<i64, _>("first_version")? as u64,
        base_hash: to_hash(&row.try_get::<Vec<u8>, _>("base_hash")?)?,
        head_hash: to_hash(&row.try_get::<Vec<u8>, _>("head_hash")?)?,
        epoch: row.try_get("epoch")?,
    })
}

#[async_trait]
impl EventLog for SqliteLog {
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
        // IMMEDIATE takes the write lock up front, so another process writing the
        // same file waits (busy_timeout) instead of failing half-way.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
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

    async fn read_stream(
        &self,
        stream: &str,
        from_version: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?"
        ))
        .bind(stream)
        .bind(from_version as i64)
        .bind(limit.min(i64::MAX as usize) as i64)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(event_from_row)
        .collect()
    }

    async fn read_all(
        &self,
        after: GlobalCursor,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?"
        ))
        .bind(after.position as i64)
        .bind(limit.min(i64::MAX as usize) as i64)
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

    async fn stream_head(&self, stream: &str) -> Result<Option<StreamHead>, StoreError> {
        sqlx::query("SELECT * FROM streams WHERE stream_id = ?")
            .bind(stream)
            .fetch_optional(&self.reader)
            .await?
            .as_ref()
            .map(head_from_row)
            .transpose()
    }

    async fn list_streams(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT stream_id FROM streams WHERE ?1 IS NULL OR stream_id > ?1 ORDER BY stream_id LIMIT ?2",
        )
        .bind(after)
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn truncate_before(&self, stream: &str, version: u64) -> Result<StreamHead, StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let head = Self::head_in(&mut tx, stream)
            .await?
            .ok_or_else(|| StoreError::StreamNotFound(stream.to_owned()))?;
        crate::verify::check_truncation(&head, version)?;
        let base: Vec<u8> =
            sqlx::query_scalar("SELECT prev_hash FROM events WHERE stream_id = ? AND version = ?")
                .bind(stream)
                .bind(version as i64)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM events WHERE stream_id = ? AND version < ?")
            .bind(stream)
            .bind(version as i64)
            .execute(&mut *tx)
            .await?;
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

    async fn load_checkpoint(&self, name: &str) -> Result<GlobalCursor, StoreError> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT xid, position FROM checkpoints WHERE name = ?")
                .bind(name)
                .fetch_optional(&self.reader)
                .await?;
        Ok(
            row.map_or(GlobalCursor::START, |(xid, position)| GlobalCursor {
                xid: xid as u64,
                position: position as u64,
            }),
        )
    }

    async fn save_checkpoint(&self, name: &str, at: GlobalCursor) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO checkpoints (name, xid, position, updated_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (name) DO UPDATE SET xid = ?2, position = ?3, updated_at = ?4",
        )
        .bind(name)
        .bind(at.xid as i64)
        .bind(at.position as i64)
        .bind(Utc::now().timestamp_micros())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    fn wake_signal(&self) -> watch::Receiver<u64> {
        self.wake.subscribe()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn person_key(&self, person: Uuid) -> Result<PersonKey, StoreError> {
        let row = sqlx::query_scalar("SELECT key FROM person_keys WHERE person_id = ?")
            .bind(person)
            .fetch_optional(&self.reader)
            .await?;
        Ok(PersonKey::from_row(row))
    }

    async fn ensure_person_key(
        &self,
        person: Uuid,
        new_key: &[u8],
    ) -> Result<PersonKey, StoreError> {
        // One writer, and IMMEDIATE for other processes: insert and read back
        // cannot interleave with another caller's.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO person_keys (person_id, key, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (person_id) DO NOTHING",
        )
        .bind(person)
        .bind(new_key)
        .bind(Utc::now().timestamp_micros())
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query_scalar("SELECT key FROM person_keys WHERE person_id = ?")
            .bind(person)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(PersonKey::from_row(row))
    }

    async fn forget_person_key(&self, person: Uuid) -> Result<bool, StoreError> {
        let forgotten = sqlx::query(
            "UPDATE person_keys SET key = NULL, forgotten_at = ? \
             WHERE person_id = ? AND key IS NOT NULL",
        )
        .bind(Utc::now().timestamp_micros())
        .bind(person)
        .execute(&self.writer)
        .await?
        .rows_affected()
            == 1;
        if forgotten {
            // Older copies of the key's page may still sit in the WAL file, also
            // in stale frames past its current end: copy the zeroed page into the
            // database file and truncate the WAL to zero bytes.
            let checkpoint: Result<(i64, i64, i64), _> =
                sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_one(&self.writer)
                    .await;
            if !matches!(checkpoint, Ok((0, _, _))) {
                tracing::warn!(
                    %person,
                    outcome = ?checkpoint,
                    "the key is destroyed, but SQLite could not clear its write-ahead log \
                     (a long read may be running); old copies of the key may stay in the \
                     -wal file until it is next cleared"
                );
            }
        }
        Ok(forgotten)
    }

    async fn try_lead(&self, name: &str) -> Result<Option<crate::Lease>, StoreError> {
        let mut names = self.leases.lock().expect("lease set");
        if !names.insert(name.to_owned()) {
            return Ok(None);
        }
        Ok(Some(crate::Lease::new(crate::leadership::LocalLease {
            names: self.leases.clone(),
            name: name.to_owned(),
        })))
    }

    async fn event_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(&self.reader)
            .await?;
        Ok(n as u64)
    }

    async fn load_view(&self, kind: &str, key: &str) -> Result<Option<ViewRow>, StoreError> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT version, body FROM views WHERE kind = ? AND key = ?")
                .bind(kind)
                .bind(key)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.map(|(version, body)| ViewRow {
            kind: kind.to_owned(),
            key: key.to_owned(),
            version: version as u64,
            body,
        }))
    }

    async fn load_views(&self, kind: &str) -> Result<Vec<ViewRow>, StoreError> {
        let rows: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT key, version, body FROM views WHERE kind = ? ORDER BY key")
                .bind(kind)
                .fetch_all(&self.reader)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(key, version, body)| ViewRow {
                kind: kind.to_owned(),
                key,
                version: version as u64,
                body,
            })
            .collect())
    }

    async fn commit_views(
        &self,
        checkpoint: &str,
        at: GlobalCursor,
        rows: &[ViewRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        for row in rows {
            sqlx::query(
                "INSERT INTO views (kind, key, version, body) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (kind, key) DO UPDATE SET version = ?3, body = ?4 WHERE views.version <= ?3",
            )
            .bind(&row.kind)
            .bind(&row.key)
            .bind(row.version as i64)
            .bind(&row.body)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO checkpoints (name, xid, position, updated_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (name) DO UPDATE SET xid = ?2, position = ?3, updated_at = ?4",
        )
        .bind(checkpoint)
        .bind(at.xid as i64)
        .bind(at.position as i64)
        .bind(Utc::now().timestamp_micros())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn clear_views(&self, checkpoint: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM views").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM checkpoints WHERE name = ?")
            .bind(checkpoint)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_credentials(
        &self,
        account: Uuid,
        email_lookup: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "INSERT INTO credentials (account_id, email_lookup, password_hash, created_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .bind(email_lookup)
        .bind(password_hash)
        .bind(Utc::now().timestamp_micros())
        .execute(&self.writer)
        .await?
        .rows_affected()
            == 1)
    }

    async fn credentials_by_email(
        &self,
        email_lookup: &str,
    ) -> Result<Option<Credentials>, StoreError> {
        let row: Option<(Uuid, String, String, i64)> = sqlx::query_as(
            "SELECT account_id, email_lookup, password_hash, created_at \
             FROM credentials WHERE email_lookup = ?",
        )
        .bind(email_lookup)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|(account, email_lookup, password_hash, created_at)| {
            Ok(Credentials {
                account,
                email_lookup,
                password_hash,
                created_at: from_micros(created_at)?,
            })
        })
        .transpose()
    }

    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError> {
        // Sessions go with them (ON DELETE CASCADE; connections enforce foreign keys).
        Ok(sqlx::query("DELETE FROM credentials WHERE account_id = ?")
            .bind(account)
            .execute(&self.writer)
            .await?
            .rows_affected()
            == 1)
    }

    async fn change_password(
        &self,
        account: Uuid,
        password_hash: &str,
        keep: &[u8],
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query("UPDATE credentials SET password_hash = ? WHERE account_id = ?")
            .bind(password_hash)
            .bind(account)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        sqlx::query("DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?")
            .bind(account)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed)
    }

    async fn start_session(
        &self,
        token_hash: &[u8],
        account: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(Utc::now().timestamp_micros())
        .bind(expires_at.timestamp_micros())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<(Uuid, i64)> = sqlx::query_as(
            "SELECT account_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
        )
        .bind(token_hash)
        .bind(now.timestamp_micros())
        .fetch_optional(&self.reader)
        .await?;
        row.map(|(account, expires_at)| {
            Ok(Session {
                account,
                expires_at: from_micros(expires_at)?,
            })
        })
        .transpose()
    }

    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.writer)
            .await?
            .rows_affected()
            == 1)
    }

    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now.timestamp_micros())
            .execute(&self.writer)
            .await?
            .rows_affected())
    }

    async fn ensure_server_secret(
        &self,
        name: &str,
        new_secret: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        // As for person keys: insert and read back cannot interleave with another caller's.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(new_secret)
        .bind(Utc::now().timestamp_micros())
        .execute(&mut *tx)
        .await?;
        let secret = sqlx::query_scalar("SELECT secret FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(secret)
    }

    async fn add_calendar_feed(
        &self,
        id: Uuid,
        token_hash: &[u8],
        person: Uuid,
        circle: Uuid,
        scope: CalendarScope,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_feeds (id, token_hash, person_id, circle_id, scope, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(person)
        .bind(circle)
        .bind(scope.as_str())
        .bind(Utc::now().timestamp_micros())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn calendar_feed(&self, token_hash: &[u8]) -> Result<Option<CalendarFeed>, StoreError> {
        let row: Option<(Uuid, Uuid, Uuid, String, i64)> = sqlx::query_as(
            "SELECT id, person_id, circle_id, scope, created_at FROM calendar_feeds \
             WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await?;
        row.map(calendar_feed_from_row).transpose()
    }

    async fn calendar_feeds(
        &self,
        person: Uuid,
        circle: Uuid,
    ) -> Result<Vec<CalendarFeed>, StoreError> {
        let rows: Vec<(Uuid, Uuid, Uuid, String, i64)> = sqlx::query_as(
            "SELECT id, person_id, circle_id, scope, created_at FROM calendar_feeds \
             WHERE person_id = ? AND circle_id = ? AND revoked_at IS NULL \
             ORDER BY created_at, id",
        )
        .bind(person)
        .bind(circle)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(calendar_feed_from_row).collect()
    }

    async fn revoke_calendar_feed(
        &self,
        id: Uuid,
        person: Uuid,
        circle: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE calendar_feeds SET revoked_at = ? \
             WHERE id = ? AND person_id = ? AND circle_id = ? AND revoked_at IS NULL",
        )
        .bind(at.timestamp_micros())
        .bind(id)
        .bind(person)
        .bind(circle)
        .execute(&self.writer)
        .await?
        .rows_affected()
            == 1)
    }
}

fn calendar_feed_from_row(
    (id, person, circle, scope, created_at): (Uuid, Uuid, Uuid, String, i64),
) -> Result<CalendarFeed, StoreError> {
    CalendarFeed::from_row((id, person, circle, scope, from_micros(created_at)?))
}

fn from_micros(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Corrupt(format!("time {micros} is out of range")))
}
