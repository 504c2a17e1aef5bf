use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::chain::Hash;

/// An event to be appended. The id makes appends idempotent: sending the same
/// id with the same content again is a no-op, with other content an error.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: Value,
    pub metadata: Value,
}

impl NewEvent {
    pub fn new(event_type: impl Into<String>, payload: Value) -> Self {
        Self {
            event_id: Uuid::new_v4(),
            event_type: event_type.into(),
            schema_version: 1,
            payload,
            metadata: Value::Object(Default::default()),
        }
    }

    pub fn with_metadata(mut self, metadata: Value) -> Self {
        self.metadata = metadata;
        self
    }

    /// The exact text stored and hashed; serde_json's map keeps keys sorted, so
    /// the same value always gives the same text.
    pub(crate) fn encoded(&self) -> Result<EncodedEvent, serde_json::Error> {
        Ok(EncodedEvent {
            event_id: self.event_id,
            event_type: self.event_type.clone(),
            schema_version: self.schema_version,
            payload: serde_json::to_string(&self.payload)?,
            metadata: serde_json::to_string(&self.metadata)?,
        })
    }
}

/// A [`NewEvent`] with its JSON already rendered to the text that is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EncodedEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: String,
    pub metadata: String,
}

/// What the writer believes the stream's current version is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Append whatever the version is.
    Any,
    /// The stream's last version must be exactly this; 0 means the stream must not exist yet.
    Exact(u64),
}

impl ExpectedVersion {
    pub(crate) fn as_sql(self) -> Option<i64> {
        match self {
            ExpectedVersion::Any => None,
            ExpectedVersion::Exact(v) => Some(v as i64),
        }
    }
}

/// Where a reader of the whole log stands. On Postgres events are read in
/// `(xid, position)` order, so the cursor holds both; on SQLite `xid` is always 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlobalCursor {
    pub xid: u64,
    pub position: u64,
}

impl GlobalCursor {
    pub const START: GlobalCursor = GlobalCursor {
        xid: 0,
        position: 0,
    };
}

/// An event as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedEvent {
    pub position: u64,
    /// Postgres transaction id that wrote it (0 on SQLite).
    pub xid: u64,
    pub stream_id: String,
    pub version: u64,
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: Value,
    pub metadata: Value,
    pub recorded_at: DateTime<Utc>,
    pub prev_hash: Hash,
    /// The stored JSON text of payload and metadata, exactly as hashed.
    pub(crate) raw_payload: String,
    pub(crate) raw_metadata: String,
}

impl RecordedEvent {
    pub fn cursor(&self) -> GlobalCursor {
        GlobalCursor {
            xid: self.xid,
            position: self.position,
        }
    }

    /// The hash of this event, which its successor stores as `prev_hash`.
    pub fn hash(&self) -> Hash {
        crate::chain::event_hash(
            &self.prev_hash,
            &self.stream_id,
            self.version,
            self.event_id,
            &self.event_type,
            self.schema_version,
            self.recorded_at.timestamp_micros(),
            &self.raw_payload,
            &self.raw_metadata,
        )
    }
}

/// The result of a successful append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The stream's version after the append (the version of the last event of the batch).
    pub stream_version: u64,
    pub first_position: u64,
    pub last_position: u64,
    pub epoch: Uuid,
    /// True when every event was already stored by an earlier identical append.
    pub duplicate: bool,
}

/// The state of a stream as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamHead {
    pub stream_id: String,
    /// The version of the last event (0 for none).
    pub version: u64,
    /// The oldest version still in the log (1 unless history was truncated).
    pub first_version: u64,
    /// The hash that the event at `first_version` stores as its predecessor.
    pub base_hash: Hash,
    /// The hash of the last event.
    pub head_hash: Hash,
    /// Changes whenever the stream's history can no longer be replayed as it was.
    pub epoch: Uuid,
}
