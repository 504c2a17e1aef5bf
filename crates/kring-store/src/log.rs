//! The log itself: appending to streams and reading them back.

use async_trait::async_trait;
use tokio::sync::watch;

use crate::{
    Appended, ExpectedVersion, GlobalCursor, NewEvent, RecordedEvent, StoreError, StreamHead,
};

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

    /// The cursor of the last event committed now, readable or not: once a
    /// reader's cursor reaches it (or passes it), that reader has read every
    /// event committed before this call. On SQLite the same as `end_cursor`;
    /// on Postgres it may lie beyond `end_cursor` while an older transaction
    /// holds events back.
    async fn last_committed(&self) -> Result<GlobalCursor, StoreError> {
        self.end_cursor().await
    }

    /// A counter that moves whenever new events may be readable: a doorbell, not
    /// a queue. Readers always fetch from the log, and poll as well.
    fn wake_signal(&self) -> watch::Receiver<u64>;

    /// A cheap round trip to the database, for readiness probes.
    async fn ping(&self) -> Result<(), StoreError>;

    /// How many events the log holds.
    async fn event_count(&self) -> Result<u64, StoreError>;

    /// The stream and version of the event stored under `event_id`, if any:
    /// how a retried command learns that its events are already in the log.
    async fn find_event(&self, event_id: uuid::Uuid) -> Result<Option<(String, u64)>, StoreError>;
}
