//! Beside the log, for its readers: stored read models, the checkpoints of
//! named readers and the leases that let one worker of a kind run at a time.

use async_trait::async_trait;

use crate::{GlobalCursor, Lease, StoreError};

/// One stored read model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewRow {
    pub kind: String,
    pub key: String,
    /// The version of the key's stream that the body reflects.
    pub version: u64,
    pub body: String,
}

/// Read models, checkpoints and leases: what the read side keeps next to the log.
#[async_trait]
pub trait ViewStore: Send + Sync + 'static {
    /// The stored position of a named reader (the start of the log when none is stored).
    async fn load_checkpoint(&self, name: &str) -> Result<GlobalCursor, StoreError>;
    async fn save_checkpoint(&self, name: &str, at: GlobalCursor) -> Result<(), StoreError>;

    /// Takes the lease named `name` if nobody holds it; `None` when another
    /// process (or task) leads.
    async fn try_lead(&self, name: &str) -> Result<Option<Lease>, StoreError>;

    /// One read model, if stored.
    async fn load_view(&self, kind: &str, key: &str) -> Result<Option<ViewRow>, StoreError>;

    /// The version of one read model, if stored: whether a copy read before is still current.
    async fn view_version(&self, kind: &str, key: &str) -> Result<Option<u64>, StoreError>;

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
}
