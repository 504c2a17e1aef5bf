use uuid::Uuid;

/// Everything the log can refuse or fail with. Messages are written for the
/// person who reads them in a log line or an error page.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The stream moved on since the writer read it; nothing was written.
    #[error("stream {stream} is at version {actual}, not {expected}: someone changed it first")]
    Conflict {
        stream: String,
        expected: u64,
        actual: u64,
    },
    /// An event id in the batch is already stored with other content (or in another stream).
    #[error("event id {0} is already used for a different event")]
    EventIdReused(Uuid),
    #[error("an append needs at least one event")]
    EmptyBatch,
    #[error("stream {0} does not exist")]
    StreamNotFound(String),
    #[error("cannot truncate stream {stream} before version {version}: {reason}")]
    InvalidTruncation {
        stream: String,
        version: u64,
        reason: &'static str,
    },
    #[error("the database is not durable enough: {0}")]
    Durability(String),
    #[error("unsupported database URL {0:?}: use postgres://… or sqlite:…")]
    UnsupportedUrl(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("could not encode or decode an event's JSON")]
    Json(#[from] serde_json::Error),
    #[error("database migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The outcome of the operation is unknown (for example the connection broke
    /// during commit): retry with the same event ids.
    #[error("the database could not be reached")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    /// True when retrying the same operation (with the same event ids) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if is_unavailable(&e) {
            StoreError::Unavailable(e)
        } else {
            StoreError::Database(e)
        }
    }
}

/// True when the operation's outcome is unknown or the database could not be reached.
pub(crate) fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => is_connection_loss(db.code().as_deref()),
        _ => false,
    }
}

/// Postgres error classes after which the transaction's outcome is unknown or
/// the session is gone (admin shutdown, connection exception, crash recovery).
fn is_connection_loss(code: Option<&str>) -> bool {
    matches!(code, Some(c) if c.starts_with("08") || c.starts_with("57P"))
}
