use std::sync::Arc;

use crate::{Forgetting, PgLog, SqliteLog, Store, StoreError};

/// What to do when the database could lose acknowledged events on a crash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// Refuse settings that can corrupt the log; warn about ones that can lose the last events.
    #[default]
    Require,
    /// Only warn (for throw-away test databases).
    WarnOnly,
}

#[derive(Clone, Debug)]
pub struct OpenOptions {
    pub durability: Durability,
    pub max_connections: u32,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Require,
            max_connections: 20,
        }
    }
}

/// Opens the store a URL names (`postgres://…`, `postgresql://…` or `sqlite:…`),
/// runs the embedded migrations and checks durability. Warnings are logged.
pub async fn open(url: &str, options: &OpenOptions) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match connect(url, options).await? {
        Connected::Postgres(log) => Arc::new(log),
        Connected::Sqlite(log) => Arc::new(log),
    })
}

/// Opens the same database as [`open`], as the one thing that can destroy
/// person keys (with the person's mail, which forgetting removes too). Only
/// the application's forgetting calls this.
pub async fn open_key_eraser(
    url: &str,
    options: &OpenOptions,
) -> Result<Arc<dyn Forgetting>, StoreError> {
    Ok(match connect(url, options).await? {
        Connected::Postgres(log) => Arc::new(log),
        Connected::Sqlite(log) => Arc::new(log),
    })
}

enum Connected {
    Postgres(PgLog),
    Sqlite(SqliteLog),
}

async fn connect(url: &str, options: &OpenOptions) -> Result<Connected, StoreError> {
    let (connected, warnings) =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let log = PgLog::connect(url, options.max_connections).await?;
            let warnings = durability_outcome(log.check_durability().await, options)?;
            (Connected::Postgres(log), warnings)
        } else if url.starts_with("sqlite:") {
            let log = SqliteLog::connect(url).await?;
            let warnings = log.check_durability().await?;
            (Connected::Sqlite(log), warnings)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    Ok(connected)
}

fn durability_outcome(
    checked: Result<Vec<String>, StoreError>,
    options: &OpenOptions,
) -> Result<Vec<String>, StoreError> {
    match (checked, options.durability) {
        (Err(StoreError::Durability(problem)), Durability::WarnOnly) => Ok(vec![problem]),
        (checked, _) => checked,
    }
}
