use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::watch;
use uuid::Uuid;

use crate::{
    Appended, CalendarFeed, CalendarScope, Credentials, ExpectedVersion, GlobalCursor, NewEvent,
    RecordedEvent, Session, StoreError, StreamHead,
};

/// What the store holds for one person's key (personal data in events is
/// encrypted with it; the key itself never enters the log).
#[derive(Clone, PartialEq, Eq)]
pub enum PersonKey {
    /// No key was ever stored for this person.
    Missing,
    Active(Vec<u8>),
    /// The key was destroyed: what was sealed with it can never be read again.
    Forgotten,
}

impl PersonKey {
    /// From the `key` column of the person's row, if there is a row.
    pub(crate) fn from_row(row: Option<Option<Vec<u8>>>) -> Self {
        match row {
            None => PersonKey::Missing,
            Some(Some(key)) => PersonKey::Active(key),
            Some(None) => PersonKey::Forgotten,
        }
    }
}

// By hand, so a key never ends up in a log line or a panic message.
impl std::fmt::Debug for PersonKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PersonKey::Missing => f.write_str("Missing"),
            PersonKey::Active(_) => f.write_str("Active(..)"),
            PersonKey::Forgotten => f.write_str("Forgotten"),
        }
    }
}

/// One stored read model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewRow {
    pub kind: String,
    pub key: String,
    /// The version of the key's stream that the body reflects.
    pub version: u64,
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// The event log. Both backends pass the same conformance suite
/// (`crates/kring-store/tests/conformance.rs`).
#[async_trait]
pub trait EventLog: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Appends a batch to one stream, atomically. A stale `expected` version is a
    /// [`StoreError::Conflict`] and writes nothing.
    async fn append(
        &self,
        stream: &str,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, StoreError>;

    /// Events of one stream with `version >= from_version`, in version order.
    async fn read_stream(
        &self,
        stream: &str,
        from_version: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Events of all streams after `after`, in an order in which no event can
    /// later appear before a position already returned.
    async fn read_all(
        &self,
        after: GlobalCursor,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// True when events after `after` are committed but not yet readable because an
    /// older transaction is still running (Postgres only): worth a quick retry.
    async fn held_back(&self, _after: GlobalCursor) -> Result<bool, StoreError> {
        Ok(false)
    }

    async fn stream_head(&self, stream: &str) -> Result<Option<StreamHead>, StoreError>;

    /// Stream ids in lexical order, after `after`.
    async fn list_streams(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>, StoreError>;

    /// Removes the stream's events before `version` and gives it a new epoch:
    /// readers that had seen less than `version` must start over.
    async fn truncate_before(&self, stream: &str, version: u64) -> Result<StreamHead, StoreError>;

    /// The position after the last event a reader of the whole log can see
    /// now: a reader starting here gets every event that becomes readable later.
    async fn end_cursor(&self) -> Result<GlobalCursor, StoreError>;

    /// The stored position of a named reader (the start of the log when none is stored).
    async fn load_checkpoint(&self, name: &str) -> Result<GlobalCursor, StoreError>;
    async fn save_checkpoint(&self, name: &str, at: GlobalCursor) -> Result<(), StoreError>;

    /// A counter that moves whenever new events may be readable: a doorbell, not
    /// a queue. Readers always fetch from the log, and poll as well.
    fn wake_signal(&self) -> watch::Receiver<u64>;

    /// A cheap round trip to the database, for readiness probes.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The key that seals this person's personal data, if any.
    async fn person_key(&self, person: Uuid) -> Result<PersonKey, StoreError>;

    /// Stores `new_key` unless the person already has a row, then returns what is
    /// stored: racing callers all get the same key. A forgotten person stays
    /// [`PersonKey::Forgotten`]; no key is ever made for them again.
    async fn ensure_person_key(
        &self,
        person: Uuid,
        new_key: &[u8],
    ) -> Result<PersonKey, StoreError>;

    /// Destroys the person's key and leaves a tombstone, then asks the database to
    /// drop the old bytes from its files. True when a key was destroyed.
    async fn forget_person_key(&self, person: Uuid) -> Result<bool, StoreError>;

    /// Takes the lease named `name` if nobody holds it; `None` when another
    /// process (or task) leads.
    async fn try_lead(&self, name: &str) -> Result<Option<crate::Lease>, StoreError>;

    /// How many events the log holds.
    async fn event_count(&self) -> Result<u64, StoreError>;

    /// One read model, if stored.
    async fn load_view(&self, kind: &str, key: &str) -> Result<Option<ViewRow>, StoreError>;

    /// Every read model of a kind.
    async fn load_views(&self, kind: &str) -> Result<Vec<ViewRow>, StoreError>;

    /// Stores read models and the projector's checkpoint in one transaction, so
    /// a crash never counts an event twice nor drops one. A row never replaces
    /// one of a later version (two projectors racing cannot move a view back).
    async fn commit_views(
        &self,
        checkpoint: &str,
        at: GlobalCursor,
        rows: &[ViewRow],
    ) -> Result<(), StoreError>;

    /// Removes every read model and the projector's checkpoint (before a rebuild).
    async fn clear_views(&self, checkpoint: &str) -> Result<(), StoreError>;

    /// Stores an account's log-in credentials, unless the account or the e-mail
    /// lookup already has some. True when stored; false (and nothing written) when taken.
    async fn add_credentials(
        &self,
        account: Uuid,
        email_lookup: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError>;

    /// The credentials stored under an e-mail lookup.
    async fn credentials_by_email(
        &self,
        email_lookup: &str,
    ) -> Result<Option<Credentials>, StoreError>;

    /// Removes an account's credentials and ends all its sessions. True when
    /// there were credentials.
    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError>;

    /// Replaces an account's password hash and ends every session of the
    /// account but `keep` (the one that changed it), in one transaction. True
    /// when the account has credentials.
    async fn change_password(
        &self,
        account: Uuid,
        password_hash: &str,
        keep: &[u8],
    ) -> Result<bool, StoreError>;

    /// Stores a session under the hash of its token. The account must have credentials.
    async fn start_session(
        &self,
        token_hash: &[u8],
        account: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The session stored under `token_hash`, unless it expired at or before `now`.
    async fn session(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError>;

    /// Ends one session. True when there was one.
    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError>;

    /// Removes every session that expired at or before `now`; answers how many.
    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Stores `new_secret` under `name` unless a secret of that name exists, then
    /// returns what is stored: racing callers (and nodes) all get the same secret.
    async fn ensure_server_secret(
        &self,
        name: &str,
        new_secret: &[u8],
    ) -> Result<Vec<u8>, StoreError>;

    /// Stores a calendar feed under the hash of its token. The person must have
    /// credentials; removing them ends the person's feeds, as it ends sessions.
    async fn add_calendar_feed(
        &self,
        id: Uuid,
        token_hash: &[u8],
        person: Uuid,
        circle: Uuid,
        scope: CalendarScope,
    ) -> Result<(), StoreError>;

    /// The feed stored under `token_hash`, unless it was revoked.
    async fn calendar_feed(&self, token_hash: &[u8]) -> Result<Option<CalendarFeed>, StoreError>;

    /// A person's feeds of one circle that are not revoked, oldest first.
    async fn calendar_feeds(
        &self,
        person: Uuid,
        circle: Uuid,
    ) -> Result<Vec<CalendarFeed>, StoreError>;

    /// Revokes the feed `id` if it is `person`'s, of `circle`, and not revoked
    /// yet; the row stays with `revoked_at = at`. True when it was revoked now.
    async fn revoke_calendar_feed(
        &self,
        id: Uuid,
        person: Uuid,
        circle: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}
