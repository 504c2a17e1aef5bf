//! The Postgres backend: one `append_events` call per append, `(xid, position)`
//! reads below the oldest running transaction, LISTEN/NOTIFY as a doorbell.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgDatabaseError, PgListener, PgPool, PgPoolOptions, PgRow};
use sqlx::Row;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::chain::to_hash;
use crate::{
    Appended, Backend, CalendarFeed, CalendarScope, Credentials, EventLog, ExpectedVersion,
    GlobalCursor, NewEvent, PersonKey, RecordedEvent, Session, StoreError, StreamHead, ViewRow,
};

const CHANNEL: &str = "kring_events";

pub struct PgLog {
    pool: PgPool,
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
        let tasks = vec![
            tokio::spawn(ring_doorbell(pool.clone(), appended_here.clone())),
            tokio::spawn(listen_for_doorbell(pool.clone(), wake.clone())),
        ];
        Ok(Self {
            pool,
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

const EVENT_COLUMNS: &str =
    "position, xid::text::bigint AS xid, stream_id, version, event_id, event_type, \
     schema_version, payload, metadata, recorded_at, prev_hash";

fn event_from_row(row: &PgRow) -> Result<RecordedEvent, StoreError> {
    let raw_payload: String = row.try_get("payload")?;
    let raw_metadata: String = row.try_get("metadata")?;
    let prev: Vec<u8> = row.try_get("prev_hash")?;
    Ok(RecordedEvent {
        position: row.try_get::<i64, _>("position")? as u64,
        xid: row.try_get::<i64, _>("xid")? as u64,
        stream_id: row.try_get("stream_id")?,
        version: row.try_get::<i64, _>("version")? as u64,
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        schema_version: row.try_get("schema_version")?,
        payload: serde_json::from_str(&raw_payload)?,
        metadata: serde_json::from_str(&raw_metadata)?,
        recorded_at: row.try_get::<DateTime<Utc>, _>("recorded_at")?,
        prev_hash: to_hash(&prev)?,
        raw_payload,
        raw_metadata,
    })
}

fn head_from_row(row: &PgRow) -> Result<StreamHead, StoreError> {
    Ok(StreamHead {
        stream_id: row.try_get("stream_id")?,
        version: row.try_get::<i64, _>("version")? as u64,
        first_version: row.try_get::<i64, _>("first_version")? as u64,
        base_hash: to_hash(&row.try_get::<Vec<u8>, _>("base_hash")?)?,
        head_hash: to_hash(&row.try_get::<Vec<u8>, _>("head_hash")?)?,
        epoch: row.try_get("epoch")?,
    })
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

#[async_trait]
impl EventLog for PgLog {
    fn backend(&self) -> Backend {
        Backend::Postgres
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
        let encoded = events
            .iter()
            .map(NewEvent::encoded)
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<Uuid> = encoded.iter().map(|e| e.event_id).collect();
        let types: Vec<&str> = encoded.iter().map(|e| e.event_type.as_str()).collect();
        let schema_versions: Vec<i32> = encoded.iter().map(|e| e.schema_version).collect();
        let payloads: Vec<&str> = encoded.iter().map(|e| e.payload.as_str()).collect();
        let metadata: Vec<&str> = encoded.iter().map(|e| e.metadata.as_str()).collect();
        let row = sqlx::query("SELECT * FROM append_events($1, $2, $3, $4, $5, $6, $7)")
            .bind(stream)
            .bind(expected.as_sql())
            .bind(&ids)
            .bind(&types)
            .bind(&schema_versions)
            .bind(&payloads)
            .bind(&metadata)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| append_error(e, stream, expected, &ids))?;
        let appended = Appended {
            stream_version: row.try_get::<i64, _>("stream_version")? as u64,
            first_position: row.try_get::<i64, _>("first_position")? as u64,
            last_position: row.try_get::<i64, _>("last_position")? as u64,
            epoch: row.try_get("epoch")?,
            duplicate: row.try_get("duplicate")?,
        };
        metrics::counter!("kring_appends_total", "backend" => "postgres").increment(1);
        // A retried batch (`duplicate`) wrote no event.
        metrics::counter!("kring_appended_events_total", "backend" => "postgres")
            .increment(u64::from(!appended.duplicate) * ids.len() as u64);
        self.wake.send_modify(|n| *n += 1);
        self.appended_here.notify_one();
        Ok(appended)
    }

    async fn read_stream(
        &self,
        stream: &str,
        from_version: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3"
        );
        sqlx::query(&sql)
            .bind(stream)
            .bind(from_version as i64)
            .bind(limit.min(i64::MAX as usize) as i64)
            .fetch_all(&self.pool)
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
        // Every transaction with an xid below the snapshot's xmin has finished, so
        // no row can still appear below that horizon: reading in (xid, position)
        // order up to it never skips an event that commits late. The ORDER BY names
        // the table columns: bare `xid` would bind to the text-cast output alias
        // and sort every page instead of walking the (xid, position) index.
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events \
             WHERE (xid, position) > ($1::text::xid8, $2) \
               AND xid < pg_snapshot_xmin(pg_current_snapshot()) \
             ORDER BY events.xid, events.position LIMIT $3"
        );
        sqlx::query(&sql)
            .bind(after.xid.to_string())
            .bind(after.position as i64)
            .bind(limit.min(i64::MAX as usize) as i64)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(event_from_row)
            .collect()
    }

    async fn end_cursor(&self) -> Result<GlobalCursor, StoreError> {
        // Below the horizon every transaction has ended: what appears later has
        // a larger xid, so it sorts after this cursor.
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT xid::text, position FROM events \
             WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) \
             ORDER BY events.xid DESC, events.position DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((xid, position)) => GlobalCursor {
                xid: xid
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("xid {xid:?}")))?,
                position: position as u64,
            },
            None => GlobalCursor::START,
        })
    }

    async fn held_back(&self, after: GlobalCursor) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM events WHERE (xid, position) > ($1::text::xid8, $2) \
               AND xid >= pg_snapshot_xmin(pg_current_snapshot()))",
        )
        .bind(after.xid.to_string())
        .bind(after.position as i64)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn stream_head(&self, stream: &str) -> Result<Option<StreamHead>, StoreError> {
        sqlx::query("SELECT * FROM streams WHERE stream_id = $1")
            .bind(stream)
            .fetch_optional(&self.pool)
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
            "SELECT stream_id FROM streams WHERE $1::text IS NULL OR stream_id > $1 ORDER BY stream_id LIMIT $2",
        )
        .bind(after)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn truncate_before(&self, stream: &str, version: u64) -> Result<StreamHead, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(stream)
            .execute(&mut *tx)
            .await?;
        let head = sqlx::query("SELECT * FROM streams WHERE stream_id = $1")
            .bind(stream)
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(head_from_row)
            .transpose()?
            .ok_or_else(|| StoreError::StreamNotFound(stream.to_owned()))?;
        crate::verify::check_truncation(&head, version)?;
        let base: Vec<u8> = sqlx::query_scalar(
            "SELECT prev_hash FROM events WHERE stream_id = $1 AND version = $2",
        )
        .bind(stream)
        .bind(version as i64)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM events WHERE stream_id = $1 AND version < $2")
            .bind(stream)
            .bind(version as i64)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "UPDATE streams SET first_version = $2, base_hash = $3, epoch = $4 WHERE stream_id = $1 RETURNING *",
        )
        .bind(stream)
        .bind(version as i64)
        .bind(&base)
        .bind(Uuid::new_v4())
        .fetch_one(&mut *tx)
        .await?;
        let head = head_from_row(&row)?;
        tx.commit().await?;
        Ok(head)
    }

    async fn load_checkpoint(&self, name: &str) -> Result<GlobalCursor, StoreError> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT xid, position FROM checkpoints WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
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
            "INSERT INTO checkpoints (name, xid, position) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET xid = $2, position = $3, updated_at = now()",
        )
        .bind(name)
        .bind(at.xid as i64)
        .bind(at.position as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    fn wake_signal(&self) -> watch::Receiver<u64> {
        self.wake.subscribe()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn person_key(&self, person: Uuid) -> Result<PersonKey, StoreError> {
        let row = sqlx::query_scalar("SELECT key FROM person_keys WHERE person_id = $1")
            .bind(person)
            .fetch_optional(&self.pool)
            .await?;
        Ok(PersonKey::from_row(row))
    }

    async fn ensure_person_key(
        &self,
        person: Uuid,
        new_key: &[u8],
    ) -> Result<PersonKey, StoreError> {
        // DO NOTHING waits for a racing insert of the same person to commit; the
        // next statement then sees the winner's key. (DO UPDATE would return it in
        // one statement but write a new copy of the key on every call.)
        sqlx::query(
            "INSERT INTO person_keys (person_id, key) VALUES ($1, $2) \
             ON CONFLICT (person_id) DO NOTHING",
        )
        .bind(person)
        .bind(new_key)
        .execute(&self.pool)
        .await?;
        self.person_key(person).await
    }

    async fn forget_person_key(&self, person: Uuid) -> Result<bool, StoreError> {
        let forgotten = sqlx::query(
            "UPDATE person_keys SET key = NULL, forgotten_at = now() \
             WHERE person_id = $1 AND key IS NOT NULL",
        )
        .bind(person)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        if forgotten {
            // The UPDATE left the old row version, key included, in the table
            // file; VACUUM removes it and compacts the page over it (it cannot run
            // inside a transaction, hence after the commit). PostgreSQL does not
            // promise to zero freed space, and while an older snapshot is open the
            // old version stays until a later (auto)vacuum. WAL segments keep the
            // old page until they are recycled; archived WAL and backups keep it
            // as long as they are kept.
            if let Err(e) = sqlx::raw_sql("VACUUM person_keys")
                .execute(&self.pool)
                .await
            {
                tracing::warn!(
                    %person,
                    error = %e,
                    "the key is destroyed, but VACUUM failed; autovacuum will remove \
                     the old key bytes from the table later"
                );
            }
        }
        Ok(forgotten)
    }

    async fn try_lead(&self, name: &str) -> Result<Option<crate::Lease>, StoreError> {
        // The lock belongs to the session: keep that connection for as long as we lead.
        let mut conn = self.pool.acquire().await?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 1))")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
        if !got {
            return Ok(None);
        }
        Ok(Some(crate::Lease::new(crate::leadership::PgLease(
            conn.detach(),
        ))))
    }

    async fn event_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    async fn load_view(&self, kind: &str, key: &str) -> Result<Option<ViewRow>, StoreError> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT version, body FROM views WHERE kind = $1 AND key = $2")
                .bind(kind)
                .bind(key)
                .fetch_optional(&self.pool)
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
            sqlx::query_as("SELECT key, version, body FROM views WHERE kind = $1 ORDER BY key")
                .bind(kind)
                .fetch_all(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        if !rows.is_empty() {
            let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
            let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
            let versions: Vec<i64> = rows.iter().map(|r| r.version as i64).collect();
            let bodies: Vec<&str> = rows.iter().map(|r| r.body.as_str()).collect();
            sqlx::query(
                "INSERT INTO views (kind, key, version, body) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) \
                 ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, body = excluded.body \
                 WHERE views.version <= excluded.version",
            )
            .bind(&kinds)
            .bind(&keys)
            .bind(&versions)
            .bind(&bodies)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO checkpoints (name, xid, position) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET xid = $2, position = $3, updated_at = now()",
        )
        .bind(checkpoint)
        .bind(at.xid as i64)
        .bind(at.position as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn clear_views(&self, checkpoint: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM views").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM checkpoints WHERE name = $1")
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
            "INSERT INTO credentials (account_id, email_lookup, password_hash) \
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .bind(email_lookup)
        .bind(password_hash)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    async fn credentials_by_email(
        &self,
        email_lookup: &str,
    ) -> Result<Option<Credentials>, StoreError> {
        let row: Option<(Uuid, String, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT account_id, email_lookup, password_hash, created_at \
             FROM credentials WHERE email_lookup = $1",
        )
        .bind(email_lookup)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(account, email_lookup, password_hash, created_at)| Credentials {
                account,
                email_lookup,
                password_hash,
                created_at,
            },
        ))
    }

    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError> {
        // Sessions go with them (ON DELETE CASCADE).
        Ok(sqlx::query("DELETE FROM credentials WHERE account_id = $1")
            .bind(account)
            .execute(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        let changed =
            sqlx::query("UPDATE credentials SET password_hash = $1 WHERE account_id = $2")
                .bind(password_hash)
                .bind(account)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
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
            "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<(Uuid, DateTime<Utc>)> = sqlx::query_as(
            "SELECT account_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(account, expires_at)| Session {
            account,
            expires_at,
        }))
    }

    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?
            .rows_affected()
            == 1)
    }

    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    async fn ensure_server_secret(
        &self,
        name: &str,
        new_secret: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        // DO NOTHING waits for a racing insert of the same name to commit; the
        // next statement then sees the winner's secret.
        sqlx::query(
            "INSERT INTO server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(new_secret)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT secret FROM server_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
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
            "INSERT INTO calendar_feeds (id, token_hash, person_id, circle_id, scope) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(person)
        .bind(circle)
        .bind(scope.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn calendar_feed(&self, token_hash: &[u8]) -> Result<Option<CalendarFeed>, StoreError> {
        let row: Option<(Uuid, Uuid, Uuid, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, person_id, circle_id, scope, created_at FROM calendar_feeds \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(CalendarFeed::from_row).transpose()
    }

    async fn calendar_feeds(
        &self,
        person: Uuid,
        circle: Uuid,
    ) -> Result<Vec<CalendarFeed>, StoreError> {
        let rows: Vec<(Uuid, Uuid, Uuid, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, person_id, circle_id, scope, created_at FROM calendar_feeds \
             WHERE person_id = $1 AND circle_id = $2 AND revoked_at IS NULL \
             ORDER BY created_at, id",
        )
        .bind(person)
        .bind(circle)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CalendarFeed::from_row).collect()
    }

    async fn revoke_calendar_feed(
        &self,
        id: Uuid,
        person: Uuid,
        circle: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE calendar_feeds SET revoked_at = $4 \
             WHERE id = $1 AND person_id = $2 AND circle_id = $3 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(person)
        .bind(circle)
        .bind(at)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }
}
