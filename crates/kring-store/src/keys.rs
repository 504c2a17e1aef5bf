//! Person keys, kept beside the log and never in it: personal data in events is
//! sealed with its owner's key, and forgetting a person destroys the key.
//!
//! Two traits, so that destroying a key is a separate capability: [`PersonKeys`]
//! reads and makes keys and is part of every [`Store`](crate::Store);
//! [`KeyEraser`] destroys them and comes only from [`open_key_eraser`](crate::open_key_eraser),
//! which only the application's forgetting is meant to call.

use async_trait::async_trait;
use uuid::Uuid;

use crate::StoreError;

/// What the store holds for one person's key (personal data in events is
/// encrypted with it; the key itself never enters the log).
#[derive(Clone, PartialEq, Eq)]
pub enum PersonKey {
    /// No key was ever stored for this person.
    Missing,
    Active(Vec<u8>),
    /// The key was destroyed: what was sealed with it can never be read again.
    Forgotten,
}

impl PersonKey {
    /// From the `key` column of the person's row, if there is a row.
    pub(crate) fn from_row(row: Option<Option<Vec<u8>>>) -> Self {
        match row {
            None => PersonKey::Missing,
            Some(Some(key)) => PersonKey::Active(key),
            Some(None) => PersonKey::Forgotten,
        }
    }
}

// By hand, so a key never ends up in a log line or a panic message.
impl std::fmt::Debug for PersonKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PersonKey::Missing => f.write_str("Missing"),
            PersonKey::Active(_) => f.write_str("Active(..)"),
            PersonKey::Forgotten => f.write_str("Forgotten"),
        }
    }
}

/// Reading and making person keys.
#[async_trait]
pub trait PersonKeys: Send + Sync + 'static {
    /// The key that seals this person's personal data, if any.
    async fn person_key(&self, person: Uuid) -> Result<PersonKey, StoreError>;

    /// The keys of several people at once (a page's authors): one query.
    async fn person_keys(
        &self,
        people: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, PersonKey>, StoreError>;

    /// Stores `new_key` unless the person already has a row, then returns what is
    /// stored: racing callers all get the same key. A forgotten person stays
    /// [`PersonKey::Forgotten`]; no key is ever made for them again.
    async fn ensure_person_key(
        &self,
        person: Uuid,
        new_key: &[u8],
    ) -> Result<PersonKey, StoreError>;
}

/// Destroying person keys: not part of [`Store`](crate::Store), so a crate that is
/// handed the store cannot forget anyone.
#[async_trait]
pub trait KeyEraser: Send + Sync + 'static {
    /// Destroys the person's key and leaves a tombstone, then asks the database to
    /// drop the old bytes from its files. True when a key was destroyed.
    async fn forget_person_key(&self, person: Uuid) -> Result<bool, StoreError>;

    /// Asks the database to drop the bytes of deleted rows from its files
    /// (after an erasure deleted a person's credentials, sessions, feeds and
    /// mail): SQLite clears its write-ahead log (deleted content itself is
    /// zeroed, `secure_delete`); Postgres vacuums the tables rows were deleted
    /// from. Best effort: a warning is logged when it could not finish.
    async fn scrub(&self) -> Result<(), StoreError>;
}
