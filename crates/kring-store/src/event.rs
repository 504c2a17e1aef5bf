use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
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

/// An event as stored. Payload and metadata are kept as their stored text
/// (exactly as hashed) and parsed into a [`Value`] only when asked: a reader
/// that decodes into its own type reads the text once ([`Self::decode_payload`]).
#[derive(Clone, Debug)]
pub struct RecordedEvent {
    pub position: u64,
    /// Postgres transaction id that wrote it (0 on SQLite).
    pub xid: u64,
    pub stream_id: String,
    pub version: u64,
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    pub recorded_at: DateTime<Utc>,
    pub prev_hash: Hash,
    pub(crate) raw_payload: String,
    pub(crate) raw_metadata: String,
    payload: OnceLock<Value>,
    metadata: OnceLock<Value>,
}

impl PartialEq for RecordedEvent {
    fn eq(&self, other: &Self) -> bool {
        self.cursor() == other.cursor()
            && self.stream_id == other.stream_id
            && self.version == other.version
            && self.event_id == other.event_id
            && self.event_type == other.event_type
            && self.schema_version == other.schema_version
            && self.recorded_at == other.recorded_at
            && self.prev_hash == other.prev_hash
            && self.raw_payload == other.raw_payload
            && self.raw_metadata == other.raw_metadata
    }
}

/// The stored text as a value. Text that is not JSON (only a damaged store
/// holds it: appends store what they serialised, and `verify` finds changed
/// rows) reads as `null`, which no reader takes for an event.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn parsed<'a>(cell: &'a OnceLock<Value>, text: &str) -> &'a Value {
    cell.get_or_init(|| parse(text))
}

impl RecordedEvent {
    /// An event from its stored columns; payload and metadata stay text.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn stored(
        position: u64,
        xid: u64,
        stream_id: String,
        version: u64,
        event_id: Uuid,
        event_type: String,
        schema_version: i32,
        recorded_at: DateTime<Utc>,
        prev_hash: Hash,
        raw_payload: String,
        raw_metadata: String,
    ) -> Self {
        Self {
            position,
            xid,
            stream_id,
            version,
            event_id,
            event_type,
            schema_version,
            recorded_at,
            prev_hash,
            raw_payload,
            raw_metadata,
            payload: OnceLock::new(),
            metadata: OnceLock::new(),
        }
    }

    pub fn cursor(&self) -> GlobalCursor {
        GlobalCursor {
            xid: self.xid,
            position: self.position,
        }
    }

    /// The payload as a JSON value, parsed on first use.
    pub fn payload(&self) -> &Value {
        parsed(&self.payload, &self.raw_payload)
    }

    /// The metadata as a JSON value, parsed on first use.
    pub fn metadata(&self) -> &Value {
        parsed(&self.metadata, &self.raw_metadata)
    }

    /// The payload as its stored JSON text.
    pub fn payload_text(&self) -> &str {
        &self.raw_payload
    }

    /// The payload read straight from its stored text into `T`.
    pub fn decode_payload<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match self.payload.get() {
            Some(value) => T::deserialize(value),
            None => serde_json::from_str(&self.raw_payload),
        }
    }

    /// Payload and metadata as owned values, for whoever keeps them.
    pub fn into_values(mut self) -> (Value, Value) {
        let take =
            |cell: &mut OnceLock<Value>, text: &str| cell.take().unwrap_or_else(|| parse(text));
        let payload = take(&mut self.payload, &self.raw_payload);
        let metadata = take(&mut self.metadata, &self.raw_metadata);
        (payload, metadata)
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
