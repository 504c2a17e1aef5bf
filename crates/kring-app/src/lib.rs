//! Kring's application facade: the one place where the domain meets the store.
//!
//! For now it holds the [`Vault`], which seals personal data (names, contact
//! details, what a person wrote) with that person's own key before it goes into an
//! event, opens it again for display, and forgets a person by destroying their key.
//! The events stay in the log untouched; only their sealed fields become unreadable.

mod vault;

pub use vault::{Opened, Vault, VaultError};
