//! One worker of a kind at a time across nodes (a projector, say): whoever holds
//! the lease does the work; the others wait and take over when it is gone.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use sqlx::PgConnection;

/// Held while this process leads; dropping it lets another take over.
pub struct Lease(Box<dyn Held>);

impl Lease {
    pub(crate) fn new(held: impl Held + 'static) -> Lease {
        Lease(Box::new(held))
    }

    /// False once the lease was lost (on Postgres: the session holding it ended).
    pub async fn still_held(&mut self) -> bool {
        self.0.still_held().await
    }
}

#[async_trait]
pub(crate) trait Held: Send {
    async fn still_held(&mut self) -> bool;
}

/// A Postgres session-level advisory lock, held by one connection taken out of
/// the pool; closing it (or losing it) releases the lock.
pub(crate) struct PgLease(pub PgConnection);

#[async_trait]
impl Held for PgLease {
    async fn still_held(&mut self) -> bool {
        sqlx::query("SELECT 1").execute(&mut self.0).await.is_ok()
    }
}

/// In one process (the embedded store): a name in a shared set.
pub(crate) struct LocalLease {
    pub names: Arc<Mutex<HashSet<String>>>,
    pub name: String,
}

#[async_trait]
impl Held for LocalLease {
    async fn still_held(&mut self) -> bool {
        true
    }
}

impl Drop for LocalLease {
    fn drop(&mut self) {
        if let Ok(mut names) = self.names.lock() {
            names.remove(&self.name);
        }
    }
}
