//! Ids that follow from a request's idempotency key instead of from chance or
//! content: a retry of the request makes the same ids, so the log, which stores
//! an event id at most once, stores its events once however often it runs.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// 256 bits from which a command's ids are derived. Made by the server from the
/// caller and the idempotency key under the server secret, so nobody can make
/// another caller's ids. Carried to [`crate::LogRepository`] in the command's
/// metadata under [`crate::metadata::IDS_FROM`], which is never stored.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct IdSeed([u8; 32]);

impl std::fmt::Debug for IdSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdSeed(..)")
    }
}

impl IdSeed {
    pub fn new(bytes: [u8; 32]) -> IdSeed {
        IdSeed(bytes)
    }

    /// A seed of its own for the `n`-th use of `purpose` (say the n-th command
    /// of one request).
    pub fn derive(&self, purpose: &str, n: u64) -> IdSeed {
        IdSeed(self.digest(&[purpose.as_bytes(), &n.to_le_bytes()]))
    }

    /// The id named `name` (a new entry's, a new circle's).
    pub fn id(&self, name: &str) -> Uuid {
        self.uuid(&[b"id", name.as_bytes()])
    }

    /// 256 bits named `name`, secret as the seed is (a link's secret).
    pub fn secret(&self, name: &str) -> [u8; 32] {
        self.digest(&[b"secret", name.as_bytes()])
    }

    /// The id of the `index`-th event this seed's command appends to `stream`.
    pub fn event_id(&self, stream: &str, index: usize) -> Uuid {
        self.uuid(&[b"event", stream.as_bytes(), &(index as u64).to_le_bytes()])
    }

    pub fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<IdSeed> {
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(IdSeed(bytes))
    }

    fn digest(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.0);
        for part in parts {
            // Length-prefixed, so no two lists of parts hash alike.
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        h.finalize().into()
    }

    fn uuid(&self, parts: &[&[u8]]) -> Uuid {
        let digest = self.digest(parts);
        uuid::Builder::from_sha1_bytes(digest[..16].try_into().expect("16 bytes")).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_ids_and_others_differ() {
        let seed = IdSeed::new([7; 32]);
        assert_eq!(seed.event_id("circle-1", 0), seed.event_id("circle-1", 0));
        assert_ne!(seed.event_id("circle-1", 0), seed.event_id("circle-1", 1));
        assert_ne!(seed.event_id("circle-1", 0), seed.event_id("circle-2", 0));
        assert_ne!(seed.derive("command", 0), seed.derive("command", 1));
        assert_ne!(seed.id("entry"), IdSeed::new([8; 32]).id("entry"));
        assert_eq!(IdSeed::from_hex(&seed.to_hex()), Some(seed));
    }
}
