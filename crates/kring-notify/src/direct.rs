//! Mails someone asked for or that carry an invitation, sent whatever the
//! person's settings say: address verification and password reset. Their
//! outbox body says which (`Direct`); the link in them is made again from the
//! message id when the mail is written.

use chrono::{DateTime, Utc};
use kring_domain::PersonId;
use kring_store::{MailStore, OutboxMessage, OutboxStatus, StoreError};
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
    /// An invitation to work for an organisation, to an address someone typed.
    /// The outbox row's recipient is the invitation's id, not an account; the
    /// address waits sealed ([`LinkKeys::seal_address`]) under that id.
    ColleagueInvitation {
        organisation: Uuid,
        /// Public, not personal: the organisation's name for the mail.
        organisation_name: String,
        to_sealed: String,
    },
    /// An invitation to volunteer for an organisation, to an address one of
    /// its intermediaries typed; the link opens its sign-up page with a code
    /// of one use (the link's own token).
    VolunteerInvitation {
        organisation: Uuid,
        organisation_name: String,
        to_sealed: String,
    },
    /// An invitation to a circle, to an address a coordinator typed; the join
    /// code is sealed as the address is (it is a working link).
    CircleInvitation {
        circle: Uuid,
        to_sealed: String,
        code_sealed: String,
        /// For the person the circle is for: to claim their own place.
        #[serde(default)]
        claim: bool,
    },
}

impl Direct {
    /// The outbox row's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Direct::VerifyEmail => "verify-email",
            Direct::ResetPassword => "reset-password",
            Direct::ColleagueInvitation { .. } => "colleague-invitation",
            Direct::CircleInvitation { .. } => "circle-invitation",
            Direct::VolunteerInvitation { .. } => "volunteer-invitation",
        }
    }

    pub fn purpose(&self) -> Purpose {
        match self {
            Direct::VerifyEmail => Purpose::VerifyEmail,
            Direct::ResetPassword => Purpose::ResetPassword,
            Direct::ColleagueInvitation { .. } => Purpose::ColleagueInvitation,
            Direct::CircleInvitation { .. } => Purpose::CircleInvitation,
            Direct::VolunteerInvitation { .. } => Purpose::VolunteerInvitation,
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
    let links = sender.links().clone();
    let invited = |sealed: &str| {
        links.open_address(id, sealed).ok_or_else(|| {
            anyhow::anyhow!("the sealed address of outbox message {id} does not open")
        })
    };
    let (to, mail, url) = match direct {
        Direct::VerifyEmail | Direct::ResetPassword => {
            let Some(address) = sender.accounts().mail_address(PersonId(recipient)).await? else {
                return Ok(Err(sender.nobody(recipient).await?));
            };
            let mail = if *direct == Direct::VerifyEmail {
                AccountMail::VerifyEmail
            } else {
                AccountMail::ResetPassword
            };
            (address.email, mail, sender.link_url(id, direct.purpose()))
        }
        Direct::ColleagueInvitation {
            organisation_name,
            to_sealed,
            ..
        } => (
            invited(to_sealed)?,
            AccountMail::ColleagueInvitation {
                organisation: organisation_name.clone(),
            },
            sender.link_url(id, direct.purpose()),
        ),
        Direct::VolunteerInvitation {
            organisation,
            organisation_name,
            to_sealed,
        } => {
            let code = links.token(id, direct.purpose());
            let url = format!(
                "{}/volunteer/{organisation}#{code}",
                sender.server().public_url
            );
            let mail = AccountMail::VolunteerInvitation {
                organisation: organisation_name.clone(),
            };
            (invited(to_sealed)?, mail, url)
        }
        Direct::CircleInvitation {
            circle,
            to_sealed,
            code_sealed,
            claim,
        } => {
            let focus_name = match sender.circle_focus(kring_domain::CircleId(*circle)).await? {
                kring_app::Opened::Text(name) => name,
                kring_app::Opened::Forgotten => {
                    return Ok(Err(Skip::Because(
                        OutboxStatus::Skipped,
                        "the circle's focus person was forgotten",
                    )))
                }
            };
            let code = invited(code_sealed)?;
            let url = format!("{}/join#{code}", sender.server().public_url);
            (
                invited(to_sealed)?,
                AccountMail::CircleInvitation {
                    focus_name,
                    claim: *claim,
                },
                url,
            )
        }
    };
    let settings = sender.settings_of(recipient).await?;
    let lang = settings.language;
    let words = text::account_mail(&mail, lang, &url, &sender.server().public_url);
    Ok(Ok(Mail {
        to,
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

/// Queues an invitation mail to an address typed by someone: the outbox row's
/// recipient is `invitation` (no account), `make` builds the body from the
/// sealing function, and `link` (account, subject), when given, is stored for
/// the mail's `/m/` link. The account of such a link is the inviter.
pub async fn queue_invitation(
    store: &dyn MailStore,
    links: &LinkKeys,
    invitation: Uuid,
    direct: Direct,
    link: Option<(Uuid, serde_json::Value)>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let purpose = direct.purpose();
    let message = OutboxMessage {
        id: invitation,
        dedupe_key: format!("direct:{invitation}"),
        recipient: invitation,
        kind: direct.kind().to_owned(),
        circle: match &direct {
            Direct::CircleInvitation { circle, .. } => Some(*circle),
            _ => None,
        },
        body: direct.body(),
        batch: "now".to_owned(),
        due_at: now,
    };
    let links: Vec<_> = link
        .map(|(account, subject)| {
            links.link(
                invitation,
                purpose,
                account,
                &subject,
                now + purpose.lifetime(),
            )
        })
        .into_iter()
        .collect();
    store.enqueue(&[message], &links).await?;
    Ok(())
}
