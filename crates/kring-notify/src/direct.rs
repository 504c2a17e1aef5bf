//! Mails someone asked for or that carry an invitation, sent whatever the
//! person's settings say: address verification and password reset. Their
//! outbox body says which (`Direct`); the link in them is made again from the
//! message id when the mail is written.

use chrono::{DateTime, Utc};
use kring_domain::PersonId;
use kring_store::{MailStore, OutboxMessage, StoreError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::links::{LinkKeys, Purpose};
use crate::sender::{Sender, Skip};
use crate::text::{self, AccountMail};
use crate::transport::Mail;

/// The outbox body of a direct mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "direct", rename_all = "kebab-case")]
pub enum Direct {
    /// "Is this your address?": to the account's current address, proven or not.
    VerifyEmail,
    /// A link to choose a new password.
    ResetPassword,
}

impl Direct {
    /// The outbox row's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Direct::VerifyEmail => "verify-email",
            Direct::ResetPassword => "reset-password",
        }
    }

    pub fn purpose(&self) -> Purpose {
        match self {
            Direct::VerifyEmail => Purpose::VerifyEmail,
            Direct::ResetPassword => Purpose::ResetPassword,
        }
    }

    pub fn body(&self) -> String {
        serde_json::to_string(self).expect("a direct mail serialises")
    }

    /// A direct mail's body, or `None` for a notice's.
    pub fn parse(body: &str) -> Option<Direct> {
        serde_json::from_str(body).ok()
    }
}

/// The mail of a direct message, or why there is none.
pub(crate) async fn write(
    sender: &mut Sender,
    id: Uuid,
    recipient: Uuid,
    direct: &Direct,
) -> anyhow::Result<Result<Mail, Skip>> {
    let Some(address) = sender.accounts().mail_address(PersonId(recipient)).await? else {
        return Ok(Err(sender.nobody(recipient).await?));
    };
    let settings = sender.settings_of(recipient).await?;
    let lang = settings.language;
    let url = sender.link_url(id, direct.purpose());
    let mail = match direct {
        Direct::VerifyEmail => AccountMail::VerifyEmail,
        Direct::ResetPassword => AccountMail::ResetPassword,
    };
    let words = text::account_mail(&mail, lang, &url, &sender.server().public_url);
    Ok(Ok(Mail {
        to: address.email,
        from: sender.server().from.clone(),
        subject: words.subject,
        text: words.text,
        html: words.html,
        message_id: sender.message_id_of(id),
        language: lang.code().to_owned(),
        unsubscribe: None,
    }))
}

/// Queues a direct mail to `account` with its one link, whose `subject` says
/// what the link acts on (for a verification: the address's lookup, so a link
/// to an address changed since proves nothing).
pub async fn queue(
    store: &dyn MailStore,
    links: &LinkKeys,
    account: Uuid,
    direct: Direct,
    subject: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = Uuid::new_v4();
    let purpose = direct.purpose();
    let message = OutboxMessage {
        id,
        dedupe_key: format!("direct:{id}"),
        recipient: account,
        kind: direct.kind().to_owned(),
        circle: None,
        body: direct.body(),
        batch: "now".to_owned(),
        due_at: now,
    };
    let link = links.link(id, purpose, account, &subject, now + purpose.lifetime());
    store.enqueue(&[message], &[link]).await?;
    Ok(())
}
