//! Kring's application facade: the one place where the domain meets the store.
//!
//! [`Commands`] runs the domain's commands through cqrs-es onto the log. The [`Vault`] seals personal data (names, contact
//! details, what a person wrote) with that person's own key before it goes into an
//! event, opens it again for display, and forgets a person by destroying their key.
//! The events stay in the log untouched; only their sealed fields become unreadable.

mod commands;
mod vault;

pub use commands::{circle_stream, CommandError, Commands};

pub use vault::{Opened, Vault, VaultError};
