//! Kring's application facade: the one place where the domain meets the store.
//!
//! [`Commands`] runs the domain's commands through cqrs-es onto the log. The [`Vault`] seals personal data (names, contact
//! details, what a person wrote) with that person's own key before it goes into an
//! event, opens it again for display, and forgets a person by destroying their key.
//! The events stay in the log untouched; only their sealed fields become unreadable.
//!
//! [`Accounts`] signs people up, logs them in and out and finds whose a session
//! is; `credentials` holds its parts (e-mail lookup hash, argon2id, the secrets
//! of sessions and links). [`calendar_feeds`] keeps people's calendar feeds and
//! their limit. The store is handed in as the narrow traits each part uses
//! ([`kring_store::Store`]); only the [`Forgetter`] destroys person keys.

mod accounts;
pub mod calendar_feeds;
mod commands;
mod credentials;
pub mod erasure;
mod request_keys;
pub mod templates;
mod vault;
pub mod volunteering;

pub use accounts::{
    AccountError, Accounts, EmailState, InvalidInput, MailAddress, NewSession, Profile,
    SESSION_LIFETIME,
};
pub use commands::{CommandError, Commands};

pub use credentials::{
    check_name, check_password, hash_password, server_secret, verify_password, Email, EmailLookup,
    ForLink, ForSession, LinkSecret, Secret256, SecretKind, SessionToken, MIN_PASSWORD_CHARS,
};
pub use erasure::{Erased, ErasureError};
pub use request_keys::{RequestKey, RequestKeys};
pub use vault::{Forgetter, KeyRing, Opened, Vault, VaultError};
