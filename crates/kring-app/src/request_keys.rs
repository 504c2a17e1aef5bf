//! What the server keeps of a request sent with an `Idempotency-Key`, derived
//! from the key under the server secret: the name its record is stored under,
//! the seed of the ids its commands make, and the cipher its answer is sealed
//! with. The key itself is never stored, so the stored answer (which may hold a
//! link's secret or a name) opens only for a client that presents the key again.

use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use kring_store::IdSeed;
use sha2::Sha256;
use uuid::Uuid;

/// Makes each request's [`RequestKey`]; keyed with the server secret.
#[derive(Clone)]
pub struct RequestKeys {
    secret: Box<[u8]>,
}

/// One caller's key: `caller` is the signed-in account, or `None` for
/// signed-out requests (signing up), so one person's key never names another's request.
pub struct RequestKey {
    /// Under which the record is stored.
    pub lookup: [u8; 32],
    /// Where the request's ids come from.
    pub seed: IdSeed,
    cipher: [u8; 32],
    fingerprints: [u8; 32],
}

impl RequestKeys {
    pub fn new(server_secret: &[u8]) -> RequestKeys {
        RequestKeys {
            secret: server_secret.into(),
        }
    }

    pub fn of(&self, caller: Option<Uuid>, key: &str) -> RequestKey {
        let part = |purpose: &str| -> [u8; 32] {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
            mac.update(b"kring idempotency v1\0");
            mac.update(purpose.as_bytes());
            mac.update(b"\0");
            mac.update(caller.unwrap_or_default().as_bytes());
            mac.update(key.as_bytes());
            mac.finalize().into_bytes().into()
        };
        RequestKey {
            lookup: part("lookup"),
            seed: IdSeed::new(part("ids")),
            cipher: part("answer"),
            fingerprints: part("fingerprint"),
        }
    }
}

impl RequestKey {
    /// What tells one request from another under this key (method, path and
    /// body, say): keyed, so a short body cannot be guessed from the stored value.
    pub fn fingerprint(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.fingerprints).expect("HMAC takes any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// Seals an answer; the lookup is the associated data, so a sealed answer
    /// cannot be moved to another key's record.
    pub fn seal(&self, answer: &[u8]) -> Vec<u8> {
        let nonce = XNonce::try_generate().expect("the system provides random numbers");
        let sealed = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: answer,
                    aad: &self.lookup,
                },
            )
            .expect("an answer is far below the cipher's limit");
        let mut data = nonce.to_vec();
        data.extend_from_slice(&sealed);
        data
    }

    /// The answer [`RequestKey::seal`] sealed, or `None` when it was not this key's.
    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(24);
        let nonce = XNonce::try_from(nonce).ok()?;
        self.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: &self.lookup,
                },
            )
            .ok()
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new_from_slice(&self.cipher).expect("a 32-byte key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_the_callers_own_and_its_answer_opens_only_with_it() {
        let keys = RequestKeys::new(b"server secret");
        let ann = Uuid::from_u128(1);
        let bob = Uuid::from_u128(2);
        let mine = keys.of(Some(ann), "k-1");
        assert_eq!(mine.lookup, keys.of(Some(ann), "k-1").lookup);
        assert_ne!(mine.lookup, keys.of(Some(bob), "k-1").lookup);
        assert_ne!(mine.lookup, keys.of(None, "k-1").lookup);
        assert_ne!(mine.seed, keys.of(Some(bob), "k-1").seed);
        let sealed = mine.seal(b"201 created");
        assert_eq!(mine.open(&sealed).as_deref(), Some(&b"201 created"[..]));
        assert_eq!(keys.of(Some(bob), "k-1").open(&sealed), None);
        assert_eq!(
            RequestKeys::new(b"another")
                .of(Some(ann), "k-1")
                .open(&sealed),
            None
        );
    }
}
