//! Idempotency keys, kept beside the log and never in it: what a request sent
//! with an `Idempotency-Key` header did, so that its retry answers the same and
//! writes nothing. A key is stored as a keyed hash that the server makes (this
//! crate never sees the key), the request as a fingerprint, and the answer as
//! bytes the server sealed. Rows are swept after a day or more.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreError;

/// What a key that was already claimed holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRecord {
    /// Claimed by a request that has not stored its answer: still running,
    /// or its node died (its events, if any, are in the log).
    Pending { fingerprint: Vec<u8> },
    /// Finished: the answer to give every retry with the same fingerprint.
    Done {
        fingerprint: Vec<u8>,
        answer: Vec<u8>,
    },
}

impl KeyRecord {
    pub fn fingerprint(&self) -> &[u8] {
        match self {
            KeyRecord::Pending { fingerprint } | KeyRecord::Done { fingerprint, .. } => fingerprint,
        }
    }

    pub(crate) fn from_row((fingerprint, answer): (Vec<u8>, Option<Vec<u8>>)) -> KeyRecord {
        match answer {
            Some(answer) => KeyRecord::Done {
                fingerprint,
                answer,
            },
            None => KeyRecord::Pending { fingerprint },
        }
    }
}

/// Idempotency keys by their hash.
#[async_trait]
pub trait IdempotencyKeys: Send + Sync + 'static {
    /// Claims `key` for a request with `fingerprint`: `None` when the key was
    /// free and is now this request's, else what the key already holds (the
    /// claim is left as it was).
    async fn claim_key(
        &self,
        key: &[u8],
        fingerprint: &[u8],
    ) -> Result<Option<KeyRecord>, StoreError>;

    /// Stores the answer of a claimed key; a retry with the same fingerprint
    /// gets it from now on.
    async fn finish_key(&self, key: &[u8], answer: &[u8]) -> Result<(), StoreError>;

    /// Frees a claim whose request wrote nothing (it was refused); a finished
    /// key stays.
    async fn release_key(&self, key: &[u8]) -> Result<(), StoreError>;

    /// Removes the keys claimed before `before`; answers how many went.
    async fn sweep_keys(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}
