//! The per-stream hash chain. Postgres computes the same function in SQL
//! (`append_events` and `append_batch` in the migrations); the conformance
//! tests check that both agree.

use sha2::{Digest, Sha256};
use uuid::Uuid;

pub type Hash = [u8; 32];

/// What the first event of a stream stores as its predecessor.
pub const GENESIS_HASH: Hash = [0; 32];

/// sha256 over fixed-width fields and the sha256 of each variable-width one, so
/// that no two different events can produce the same input bytes.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    prev: &Hash,
    stream_id: &str,
    version: u64,
    event_id: Uuid,
    event_type: &str,
    schema_version: i32,
    recorded_at_micros: i64,
    payload: &str,
    metadata: &str,
) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update((version as i64).to_be_bytes());
    h.update(event_id.as_bytes());
    h.update(schema_version.to_be_bytes());
    h.update(recorded_at_micros.to_be_bytes());
    for text in [stream_id, event_type, payload, metadata] {
        h.update(Sha256::digest(text.as_bytes()));
    }
    h.finalize().into()
}

pub(crate) fn to_hash(bytes: &[u8]) -> Result<Hash, crate::StoreError> {
    bytes.try_into().map_err(|_| {
        crate::StoreError::Corrupt(format!("a stored hash has {} bytes, not 32", bytes.len()))
    })
}
