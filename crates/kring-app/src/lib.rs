//! Kring's application facade: the one place where the domain meets the store.
//!
//! [`Commands`] runs the domain's commands through cqrs-es onto the log. The [`Vault`] seals personal data (names, contact
//! details, what a person wrote) with that person's own key before it goes into an
//! event, opens it again for display, and forgets a person by destroying their key.
//! The events stay in the log untouched; only their sealed fields become unreadable.
//!
//! [`Accounts`] signs people up, logs them in and out and finds whose a session
//! is; `credentials` holds its parts (e-mail lookup hash, argon2id, session tokens).

mod accounts;
mod commands;
mod credentials;
mod vault;

pub use accounts::{AccountError, Accounts, InvalidInput, NewSession, Profile, SESSION_LIFETIME};
pub use commands::{circle_stream, CommandError, Commands};

pub use credentials::{
    check_name, check_password, hash_password, server_secret, verify_password, Email, EmailLookup,
    SessionToken, MIN_PASSWORD_CHARS,
};
pub use vault::{Opened, Vault, VaultError};
