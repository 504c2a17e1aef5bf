//! Mail, kept beside the log and never in it: the outbox of mails still to
//! send (and what became of them), the links in those mails, and each person's
//! mail settings. Like the rest of this crate it knows no domain type: people
//! and circles are UUIDs, what a mail is about and a person's settings are JSON.
//!
//! No e-mail address, token or personal text is stored here: a mail names its
//! recipient's account, whose sealed address is opened when sending, and a link
//! is found by the SHA-256 of its token.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{GlobalCursor, StoreError};

/// One mail to send (or a part of a digest). No address and no personal text: the recipient is an
/// account, whose address is opened when sending; `body` is JSON saying what the mail is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The Message-ID is derived from it: stable across retries.
    pub id: Uuid,
    /// Unique: the same notice is never queued twice.
    pub dedupe_key: String,
    /// The account the mail is for.
    pub recipient: Uuid,
    /// What kind of mail, e.g. "request-open", "verify-email", "reminder-shift".
    pub kind: String,
    pub circle: Option<Uuid>,
    /// JSON.
    pub body: String,
    /// "now" | "daily" | "weekly": rows of one recipient with the same batch and
    /// due_at (not "now") go out as one digest mail.
    pub batch: String,
    /// Not sent before (quiet hours, digest time, reminder time).
    pub due_at: DateTime<Utc>,
}

/// What became of a queued mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Still to send (perhaps again, after a failed attempt).
    Pending,
    Sent,
    /// Given up after attempts that failed.
    Failed,
    /// Not sent on purpose (say the person turned this kind of mail off).
    Skipped,
}

impl OutboxStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Skipped => "skipped",
        }
    }

    pub(crate) fn from_stored(word: &str) -> Result<OutboxStatus, StoreError> {
        match word {
            "pending" => Ok(OutboxStatus::Pending),
            "sent" => Ok(OutboxStatus::Sent),
            "failed" => Ok(OutboxStatus::Failed),
            "skipped" => Ok(OutboxStatus::Skipped),
            other => Err(StoreError::Corrupt(format!(
                "outbox status {other:?} is not pending, sent, failed or skipped"
            ))),
        }
    }
}

/// A queued mail and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub message: OutboxMessage,
    pub status: OutboxStatus,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not tried before this; `due_at` when queued.
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A link in a mail. Only the SHA-256 of its token is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailLink {
    /// 32 bytes, the primary key.
    pub token_hash: Vec<u8>,
    /// "verify-email", "reset-password", "claim-request", "accept-swap",
    /// "decline-swap", "unsubscribe", "invitation", ...
    pub purpose: String,
    /// The account the link was sent to.
    pub account: Uuid,
    /// JSON: what the link acts on.
    pub subject: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// The outbox, mail links and mail settings.
#[async_trait]
pub trait MailStore: Send + Sync + 'static {
    /// Queues messages and their links; a message whose dedupe_key is stored already is skipped
    /// (with its links). Answers how many messages were new.
    async fn enqueue(
        &self,
        messages: &[OutboxMessage],
        links: &[MailLink],
    ) -> Result<u64, StoreError>;

    /// The same, and the named reader's checkpoint, in one transaction (the notifier).
    async fn commit_notifications(
        &self,
        checkpoint: &str,
        at: GlobalCursor,
        messages: &[OutboxMessage],
        links: &[MailLink],
    ) -> Result<u64, StoreError>;

    /// Pending rows whose next_attempt_at <= now, oldest first, at most `limit`.
    async fn due_messages(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, StoreError>;

    /// Pending rows of one recipient and circle with this batch and due_at (a
    /// digest's parts: one digest a circle, so that each names its own circle
    /// and follows that circle's settings).
    async fn digest_parts(
        &self,
        recipient: Uuid,
        batch: &str,
        due_at: DateTime<Utc>,
        circle: Option<Uuid>,
    ) -> Result<Vec<OutboxRow>, StoreError>;

    /// Marks the rows sent at `at`.
    async fn mark_sent(&self, ids: &[Uuid], at: DateTime<Utc>) -> Result<(), StoreError>;

    /// attempts += 1, next_attempt_at, last_error; status stays pending.
    async fn mark_retry(
        &self,
        ids: &[Uuid],
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError>;

    /// Gives the rows up with `status` (failed or skipped) and why.
    async fn mark_given_up(
        &self,
        ids: &[Uuid],
        status: OutboxStatus,
        error: &str,
    ) -> Result<(), StoreError>;

    /// One row of the outbox, if stored.
    async fn outbox_message(&self, id: Uuid) -> Result<Option<OutboxRow>, StoreError>;

    /// Every row of a recipient, newest first (tests, the person's export).
    async fn outbox_of(&self, recipient: Uuid) -> Result<Vec<OutboxRow>, StoreError>;

    /// The link stored under `token_hash`, used or not.
    async fn link(&self, token_hash: &[u8]) -> Result<Option<MailLink>, StoreError>;

    /// Marks the link used if it is unused and not expired at `now`; true when this call used it.
    async fn use_link(&self, token_hash: &[u8], now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Ends (marks used) every unused link of an account with this purpose; answers how many.
    async fn end_links(
        &self,
        account: Uuid,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    /// A person's mail settings and preferences, as JSON (kring-notify owns the shape).
    async fn mail_settings(&self, account: Uuid) -> Result<Option<String>, StoreError>;

    /// The stored settings of those accounts that have any.
    async fn mail_settings_of(&self, accounts: &[Uuid]) -> Result<Vec<(Uuid, String)>, StoreError>;

    /// Stores (or replaces) a person's mail settings.
    async fn save_mail_settings(&self, account: Uuid, body: &str) -> Result<(), StoreError>;

    /// Forgetting or deleting an account: its outbox rows, links and settings go.
    async fn forget_mail(&self, account: Uuid) -> Result<(), StoreError>;
}
