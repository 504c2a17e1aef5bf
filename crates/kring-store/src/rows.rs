//! Row mapping and SQL shared by both backends. Postgres stores times as
//! `timestamptz`, SQLite as microseconds since the epoch ([`StoredTime`]); the
//! rest maps the same way. Statements here use `$n` placeholders, which both
//! dialects accept.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};
use uuid::Uuid;

use crate::chain::to_hash;
use crate::{
    Credentials, GlobalCursor, MailLink, OutboxMessage, OutboxRow, OutboxStatus, RecordedEvent,
    Session, StoreError, StreamHead, ViewRow,
};

/// A time as a backend stores it.
pub(crate) trait StoredTime {
    fn into_utc(self) -> Result<DateTime<Utc>, StoreError>;
}

impl StoredTime for DateTime<Utc> {
    fn into_utc(self) -> Result<DateTime<Utc>, StoreError> {
        Ok(self)
    }
}

/// Microseconds since the epoch (SQLite).
impl StoredTime for i64 {
    fn into_utc(self) -> Result<DateTime<Utc>, StoreError> {
        DateTime::from_timestamp_micros(self)
            .ok_or_else(|| StoreError::Corrupt(format!("time {self} is out of range")))
    }
}

/// The columns [`event_from_row`] reads, after `SELECT`; `xid` is the backend's own.
pub(crate) fn event_columns(xid: &str) -> String {
    format!(
        "position, {xid} AS xid, stream_id, version, event_id, event_type, \
         schema_version, payload, metadata, recorded_at, prev_hash"
    )
}

/// An event from a row of [`event_columns`]; `T` is how the backend stores times.
pub(crate) fn event_from_row<'r, R, T>(row: &'r R) -> Result<RecordedEvent, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Uuid: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
    T: StoredTime + Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(RecordedEvent::stored(
        row.try_get::<i64, _>("position")? as u64,
        row.try_get::<i64, _>("xid")? as u64,
        row.try_get("stream_id")?,
        row.try_get::<i64, _>("version")? as u64,
        row.try_get("event_id")?,
        row.try_get("event_type")?,
        row.try_get("schema_version")?,
        row.try_get::<T, _>("recorded_at")?.into_utc()?,
        to_hash(&row.try_get::<Vec<u8>, _>("prev_hash")?)?,
        row.try_get("payload")?,
        row.try_get("metadata")?,
    ))
}

/// A stream head from a row of `streams`.
pub(crate) fn head_from_row<'r, R>(row: &'r R) -> Result<StreamHead, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Uuid: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(StreamHead {
        stream_id: row.try_get("stream_id")?,
        version: row.try_get::<i64, _>("version")? as u64,
        first_version: row.try_get::<i64, _>("first_version")? as u64,
        base_hash: to_hash(&row.try_get::<Vec<u8>, _>("base_hash")?)?,
        head_hash: to_hash(&row.try_get::<Vec<u8>, _>("head_hash")?)?,
        epoch: row.try_get("epoch")?,
    })
}

/// A limit as SQL takes it.
pub(crate) fn sql_limit(limit: usize) -> i64 {
    limit.min(i64::MAX as usize) as i64
}

pub(crate) const STREAM_HEAD: &str = "SELECT * FROM streams WHERE stream_id = $1";
pub(crate) const LIST_STREAMS: &str = "SELECT stream_id FROM streams \
     WHERE CAST($1 AS TEXT) IS NULL OR stream_id > $1 ORDER BY stream_id LIMIT $2";
pub(crate) const BASE_HASH: &str =
    "SELECT prev_hash FROM events WHERE stream_id = $1 AND version = $2";
pub(crate) const DELETE_BEFORE: &str = "DELETE FROM events WHERE stream_id = $1 AND version < $2";
pub(crate) const EVENT_COUNT: &str = "SELECT count(*) FROM events";
pub(crate) const FIND_EVENT: &str = "SELECT stream_id, version FROM events WHERE event_id = $1";

pub(crate) const CLAIM_KEY: &str =
    "INSERT INTO idempotency_keys (key_hash, fingerprint, created_at) VALUES ($1, $2, $3) \
     ON CONFLICT (key_hash) DO NOTHING";
pub(crate) const KEY_RECORD: &str =
    "SELECT fingerprint, answer FROM idempotency_keys WHERE key_hash = $1";
pub(crate) const FINISH_KEY: &str = "UPDATE idempotency_keys SET answer = $2 WHERE key_hash = $1";
pub(crate) const RELEASE_KEY: &str =
    "DELETE FROM idempotency_keys WHERE key_hash = $1 AND answer IS NULL";
pub(crate) const SWEEP_KEYS: &str = "DELETE FROM idempotency_keys WHERE created_at < $1";

pub(crate) const LOAD_CHECKPOINT: &str = "SELECT xid, position FROM checkpoints WHERE name = $1";
pub(crate) const DELETE_VIEWS: &str = "DELETE FROM views";
pub(crate) const DELETE_CHECKPOINT: &str = "DELETE FROM checkpoints WHERE name = $1";
pub(crate) const LOAD_VIEW: &str = "SELECT version, body FROM views WHERE kind = $1 AND key = $2";
pub(crate) const VIEW_VERSION: &str = "SELECT version FROM views WHERE kind = $1 AND key = $2";
pub(crate) const LOAD_VIEWS: &str =
    "SELECT key, version, body FROM views WHERE kind = $1 ORDER BY key";

/// A stored checkpoint, or the start of the log.
pub(crate) fn checkpoint(row: Option<(i64, i64)>) -> GlobalCursor {
    row.map_or(GlobalCursor::START, |(xid, position)| GlobalCursor {
        xid: xid as u64,
        position: position as u64,
    })
}

pub(crate) fn view_row(kind: &str, key: String, version: i64, body: String) -> ViewRow {
    ViewRow {
        kind: kind.to_owned(),
        key,
        version: version as u64,
        body,
    }
}

pub(crate) fn view_rows(kind: &str, rows: Vec<(String, i64, String)>) -> Vec<ViewRow> {
    rows.into_iter()
        .map(|(key, version, body)| view_row(kind, key, version, body))
        .collect()
}

pub(crate) const PERSON_KEY: &str = "SELECT key FROM person_keys WHERE person_id = $1";
/// Followed by the ids, separated by commas, and `)`.
pub(crate) const PERSON_KEYS: &str = "SELECT person_id, key FROM person_keys WHERE person_id IN (";

pub(crate) const CREDENTIALS_BY_EMAIL: &str = "SELECT account_id, email_lookup, password_hash, \
     created_at FROM credentials WHERE email_lookup = $1";
pub(crate) const CREDENTIALS_OF_ACCOUNT: &str = "SELECT account_id, email_lookup, \
     password_hash, created_at FROM credentials WHERE account_id = $1";
pub(crate) const REMOVE_CREDENTIALS: &str = "DELETE FROM credentials WHERE account_id = $1";
pub(crate) const CHANGE_PASSWORD: &str =
    "UPDATE credentials SET password_hash = $1 WHERE account_id = $2";
/// Only when no other credentials hold the new lookup (the unique index
/// catches a race between two changes).
pub(crate) const CHANGE_EMAIL_LOOKUP: &str = "UPDATE credentials SET email_lookup = $1 \
     WHERE account_id = $2 AND NOT EXISTS (SELECT 1 FROM credentials WHERE email_lookup = $1)";
pub(crate) const END_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2";
pub(crate) const SESSION: &str =
    "SELECT account_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2";
pub(crate) const END_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
pub(crate) const END_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
pub(crate) const SERVER_SECRET: &str = "SELECT secret FROM server_secrets WHERE name = $1";

pub(crate) fn credentials<T: StoredTime>(
    row: Option<(Uuid, String, String, T)>,
) -> Result<Option<Credentials>, StoreError> {
    row.map(|(account, email_lookup, password_hash, created_at)| {
        Ok(Credentials {
            account,
            email_lookup,
            password_hash,
            created_at: created_at.into_utc()?,
        })
    })
    .transpose()
}

pub(crate) fn session<T: StoredTime>(
    row: Option<(Uuid, T)>,
) -> Result<Option<Session>, StoreError> {
    row.map(|(account, expires_at)| {
        Ok(Session {
            account,
            expires_at: expires_at.into_utc()?,
        })
    })
    .transpose()
}

pub(crate) const CALENDAR_FEED: &str = "SELECT id, person_id, circle_id, scope, created_at \
     FROM calendar_feeds WHERE token_hash = $1 AND revoked_at IS NULL";
pub(crate) const CALENDAR_FEEDS: &str = "SELECT id, person_id, circle_id, scope, created_at \
     FROM calendar_feeds WHERE person_id = $1 AND circle_id = $2 AND revoked_at IS NULL \
     ORDER BY created_at, id";
pub(crate) const REVOKE_CALENDAR_FEED: &str = "UPDATE calendar_feeds SET revoked_at = $4 \
     WHERE id = $1 AND person_id = $2 AND circle_id = $3 AND revoked_at IS NULL";

pub(crate) const REVOKE_CALENDAR_FEEDS_OF_PERSON: &str =
    "UPDATE calendar_feeds SET revoked_at = $2 \
     WHERE person_id = $1 AND revoked_at IS NULL";

pub(crate) const REVOKE_CALENDAR_FEEDS_IN_CIRCLE: &str =
    "UPDATE calendar_feeds SET revoked_at = $3 \
     WHERE person_id = $1 AND circle_id = $2 AND revoked_at IS NULL";

/// True when a statement that touches at most one row touched one.
pub(crate) fn one_row(rows_affected: u64) -> bool {
    rows_affected == 1
}

/// The columns [`outbox_row`] reads, after `SELECT`.
const OUTBOX_COLUMNS: &str = "id, dedupe_key, recipient, kind, circle, body, batch, due_at, \
     status, attempts, next_attempt_at, last_error, sent_at";

/// A row of [`OUTBOX_COLUMNS`]; `T` is how the backend stores times.
pub(crate) type OutboxTuple<T> = (
    Uuid,
    String,
    Uuid,
    String,
    Option<Uuid>,
    String,
    String,
    T,
    String,
    i64,
    T,
    Option<String>,
    Option<T>,
);

pub(crate) fn outbox_row<T: StoredTime>(
    (
        id,
        dedupe_key,
        recipient,
        kind,
        circle,
        body,
        batch,
        due_at,
        status,
        attempts,
        next,
        last_error,
        sent_at,
    ): OutboxTuple<T>,
) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        message: OutboxMessage {
            id,
            dedupe_key,
            recipient,
            kind,
            circle,
            body,
            batch,
            due_at: due_at.into_utc()?,
        },
        status: OutboxStatus::from_stored(&status)?,
        attempts: u32::try_from(attempts)
            .map_err(|_| StoreError::Corrupt(format!("outbox attempts {attempts} out of range")))?,
        next_attempt_at: next.into_utc()?,
        last_error,
        sent_at: sent_at.map(StoredTime::into_utc).transpose()?,
    })
}

/// A row of `token_hash, purpose, account, subject, expires_at, used_at`.
pub(crate) type LinkTuple<T> = (Vec<u8>, String, Uuid, String, T, Option<T>);

pub(crate) fn mail_link<T: StoredTime>(
    (token_hash, purpose, account, subject, expires_at, used_at): LinkTuple<T>,
) -> Result<MailLink, StoreError> {
    Ok(MailLink {
        token_hash,
        purpose,
        account,
        subject,
        expires_at: expires_at.into_utc()?,
        used_at: used_at.map(StoredTime::into_utc).transpose()?,
    })
}

/// A message whose dedupe key is stored already is left out (0 rows affected).
pub(crate) const ENQUEUE_MESSAGE: &str = "INSERT INTO mail_outbox (id, dedupe_key, recipient, \
     kind, circle, body, batch, due_at, status, attempts, next_attempt_at, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $8, $9) \
     ON CONFLICT (dedupe_key) DO NOTHING";
/// A link's hash comes from its message's id and action: a stored one is the same link.
pub(crate) const ADD_LINK: &str = "INSERT INTO mail_links (token_hash, purpose, account, \
     subject, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO NOTHING";
pub(crate) static DUE_MESSAGES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE status = 'pending' \
         AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at, id LIMIT $2"
    )
});
pub(crate) static DIGEST_PARTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE status = 'pending' \
         AND recipient = $1 AND batch = $2 AND due_at = $3 AND circle IS NOT DISTINCT FROM $4 \
         ORDER BY created_at, id"
    )
});
pub(crate) static OUTBOX_MESSAGE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE id = $1"));
pub(crate) static OUTBOX_OF: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE recipient = $1 \
         ORDER BY created_at DESC, due_at DESC, id"
    )
});
pub(crate) const MARK_SENT: &str =
    "UPDATE mail_outbox SET status = 'sent', sent_at = $2 WHERE id = $1";
pub(crate) const MARK_RETRY: &str = "UPDATE mail_outbox SET attempts = attempts + 1, \
     next_attempt_at = $2, last_error = $3 WHERE id = $1";
pub(crate) const MARK_GIVEN_UP: &str =
    "UPDATE mail_outbox SET status = $2, last_error = $3 WHERE id = $1";
pub(crate) const LINK: &str = "SELECT token_hash, purpose, account, subject, expires_at, used_at \
     FROM mail_links WHERE token_hash = $1";
/// One statement, so of two racing uses exactly one finds the link unused.
pub(crate) const USE_LINK: &str = "UPDATE mail_links SET used_at = $2 \
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
pub(crate) const END_LINKS: &str = "UPDATE mail_links SET used_at = $3 \
     WHERE account = $1 AND purpose = $2 AND used_at IS NULL";
pub(crate) const MAIL_SETTINGS: &str = "SELECT body FROM mail_settings WHERE account = $1";
/// The start of a select of several accounts' settings; `IN (…)` follows.
pub(crate) const MAIL_SETTINGS_OF: &str =
    "SELECT account, body FROM mail_settings WHERE account IN";
pub(crate) const SAVE_MAIL_SETTINGS: &str =
    "INSERT INTO mail_settings (account, body, updated_at) \
     VALUES ($1, $2, $3) ON CONFLICT (account) DO UPDATE SET body = $2, updated_at = $3";
pub(crate) const FORGET_OUTBOX: &str = "DELETE FROM mail_outbox WHERE recipient = $1";
pub(crate) const FORGET_LINKS: &str = "DELETE FROM mail_links WHERE account = $1";
pub(crate) const FORGET_SETTINGS: &str = "DELETE FROM mail_settings WHERE account = $1";

/// `($1, $2, …, $n)`: placeholders for an `IN` list of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    let list: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!("({})", list.join(", "))
}
