//! What lets a person log in, kept beside the log and never in it: credentials
//! (a keyed hash of the e-mail address and a password hash), server-side
//! sessions (the hash of a random token) and the server's own secrets.
//! Like the rest of this crate it knows no domain type: accounts are UUIDs.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An account's log-in credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub account: Uuid,
    /// A keyed hash of the normalised e-mail address; unique.
    pub email_lookup: String,
    /// A password hash in PHC string format.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

// By hand, so a password hash never ends up in a log line or a panic message.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account", &self.account)
            .field("email_lookup", &self.email_lookup)
            .field("password_hash", &"..")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A session that has not expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub account: Uuid,
    pub expires_at: DateTime<Utc>,
}
