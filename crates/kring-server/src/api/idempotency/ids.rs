//! The ids a request makes. With an idempotency key they follow from it (see
//! `kring_store::IdSeed`): a retry names the same new entry and appends events
//! with the same ids, which the log stores once. Without one they are random.
//!
//! The middleware sets them for the handler's task (`IDS.scope`), so no
//! handler can forget to pass them on; a handler makes its ids in the same
//! order on every run, which is what keeps them the same.

use std::collections::HashMap;
use std::sync::Mutex;

use kring_store::IdSeed;
use uuid::Uuid;

tokio::task_local! {
    pub(super) static IDS: Ids;
}

pub(crate) struct Ids {
    seed: IdSeed,
    /// How many of each purpose were made so far.
    made: Mutex<HashMap<&'static str, u64>>,
}

impl Ids {
    pub(super) fn new(seed: IdSeed) -> Ids {
        Ids {
            seed,
            made: Mutex::new(HashMap::new()),
        }
    }

    fn next(&self, purpose: &'static str) -> IdSeed {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let n = made.entry(purpose).or_default();
        let seed = self.seed.derive(purpose, *n);
        *n += 1;
        seed
    }
}

/// A new id for a new thing called `name` (an entry, a circle).
pub(crate) fn new_id(name: &'static str) -> Uuid {
    IDS.try_with(|ids| ids.next(name).id(name))
        .unwrap_or_else(|_| Uuid::new_v4())
}

/// Where the ids of the request's next command come from, when it has a key.
pub(crate) fn next_command() -> Option<IdSeed> {
    IDS.try_with(|ids| ids.next("command")).ok()
}

/// 256 secret bits for a new thing's link (an invitation's), when the request
/// has a key: its retry hands out the same link as the first run stored.
pub(crate) fn new_secret(name: &'static str) -> Option<[u8; 32]> {
    IDS.try_with(|ids| ids.next(name).secret(name)).ok()
}
