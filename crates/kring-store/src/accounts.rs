//! What lets a person log in, kept beside the log and never in it: credentials
//! (a keyed hash of the e-mail address and a password hash), server-side
//! sessions (the hash of a random token) and the server's own secrets.
//! Like the rest of this crate it knows no domain type: accounts are UUIDs.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::StoreError;

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

/// Credentials, sessions and the server's secrets.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Stores an account's log-in credentials, unless the account or the e-mail
    /// lookup already has some. True when stored; false (and nothing written) when taken.
    async fn add_credentials(
        &self,
        account: Uuid,
        email_lookup: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError>;

    /// The credentials stored under an e-mail lookup.
    async fn credentials_by_email(
        &self,
        email_lookup: &str,
    ) -> Result<Option<Credentials>, StoreError>;

    /// The credentials of an account.
    async fn credentials_of(&self, account: Uuid) -> Result<Option<Credentials>, StoreError>;

    /// Removes an account's credentials and ends all its sessions and calendar
    /// feeds. True when there were credentials.
    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError>;

    /// Replaces an account's password hash and ends every session of the
    /// account but `keep` (the one that changed it), in one transaction. True
    /// when the account has credentials.
    async fn change_password(
        &self,
        account: Uuid,
        password_hash: &str,
        keep: &[u8],
    ) -> Result<bool, StoreError>;

    /// Moves an account's credentials to a new e-mail lookup (a changed
    /// address). False, and nothing changed, when another account holds it
    /// or the account has no credentials.
    async fn change_email_lookup(
        &self,
        account: Uuid,
        email_lookup: &str,
    ) -> Result<bool, StoreError>;

    /// Stores a session under the hash of its token. The account must have credentials.
    async fn start_session(
        &self,
        token_hash: &[u8],
        account: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The session stored under `token_hash`, unless it expired at or before `now`.
    async fn session(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError>;

    /// Ends one session. True when there was one.
    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError>;

    /// Removes every session that expired at or before `now`; answers how many.
    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Stores `new_secret` under `name` unless a secret of that name exists, then
    /// returns what is stored: racing callers (and nodes) all get the same secret.
    async fn ensure_server_secret(
        &self,
        name: &str,
        new_secret: &[u8],
    ) -> Result<Vec<u8>, StoreError>;
}
