//! Personal data in events is sealed: encrypted with a key that belongs to one
//! person and is kept outside the log. Destroying that key forgets the person
//! while every event stays in place ("a former member").

use serde::{Deserialize, Serialize};

use crate::PersonId;

/// Ciphertext of a personal field, and whose key opens it.
/// The domain never sees plaintext; the application seals and opens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sealed {
    pub owner: PersonId,
    /// Base64 of nonce and ciphertext.
    pub data: String,
}
