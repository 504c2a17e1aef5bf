//! Requests with the same key on this node take turns, so a double click waits
//! for the first and then gets its answer instead of running beside it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

type Lookup = [u8; 32];
type Turns = Mutex<HashMap<Lookup, Arc<tokio::sync::Mutex<()>>>>;

#[derive(Default)]
pub(crate) struct InFlight {
    turns: Arc<Turns>,
    /// When keys were last swept (seconds since the epoch).
    swept_at: AtomicI64,
}

/// Holding it is this request's turn; dropping it hands the key on.
pub(crate) struct Turn {
    lookup: Lookup,
    guard: Option<OwnedMutexGuard<()>>,
    turns: Arc<Turns>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        // Nobody else waits for this key: forget it.
        if turns
            .get(&self.lookup)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            turns.remove(&self.lookup);
        }
    }
}

impl InFlight {
    pub(crate) async fn wait_turn(&self, lookup: Lookup) -> Turn {
        let lock = {
            let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
            turns.entry(lookup).or_default().clone()
        };
        Turn {
            lookup,
            guard: Some(lock.lock_owned().await),
            turns: self.turns.clone(),
        }
    }

    /// True at most once an hour per node.
    pub(crate) fn time_to_sweep(&self) -> bool {
        let now = chrono::Utc::now().timestamp();
        let last = self.swept_at.load(Ordering::Relaxed);
        now - last >= 3600
            && self
                .swept_at
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}
