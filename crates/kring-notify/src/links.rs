//! The links in mails: one-tap answers, address verification, password reset,
//! invitations and unsubscribing. A link's token is derived from the outbox
//! message and the action under the server secret, so the sender can write it
//! again at every retry while the store keeps only its SHA-256 (`MailLink`).
//! Whoever reads the database learns no working link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use kring_store::MailLink;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What a link does when its page's button is pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    /// "I'll do it": take an open request.
    ClaimRequest,
    AcceptSwap,
    DeclineSwap,
    /// Stop mails of one topic of one circle (RFC 8058 one-click too).
    Unsubscribe,
    /// An invitation to a circle mailed to an address.
    CircleInvitation,
    /// An invitation to work for an organisation.
    ColleagueInvitation,
}

impl Purpose {
    pub const ALL: [Purpose; 8] = [
        Purpose::VerifyEmail,
        Purpose::ResetPassword,
        Purpose::ClaimRequest,
        Purpose::AcceptSwap,
        Purpose::DeclineSwap,
        Purpose::Unsubscribe,
        Purpose::CircleInvitation,
        Purpose::ColleagueInvitation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify-email",
            Purpose::ResetPassword => "reset-password",
            Purpose::ClaimRequest => "claim-request",
            Purpose::AcceptSwap => "accept-swap",
            Purpose::DeclineSwap => "decline-swap",
            Purpose::Unsubscribe => "unsubscribe",
            Purpose::CircleInvitation => "circle-invitation",
            Purpose::ColleagueInvitation => "colleague-invitation",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.code() == code)
    }

    /// How long a link of this kind works at most.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::VerifyEmail => Duration::hours(48),
            Purpose::ResetPassword => Duration::minutes(30),
            Purpose::ClaimRequest | Purpose::AcceptSwap | Purpose::DeclineSwap => {
                Duration::days(14)
            }
            Purpose::Unsubscribe => Duration::days(365),
            Purpose::CircleInvitation | Purpose::ColleagueInvitation => Duration::days(14),
        }
    }

    /// Whether using the link once ends it. Unsubscribing twice does no harm,
    /// and a mail client may post it more than once.
    pub fn single_use(self) -> bool {
        !matches!(self, Purpose::Unsubscribe)
    }
}

/// Makes and recognises link tokens under the server secret.
#[derive(Clone)]
pub struct LinkKeys {
    key: std::sync::Arc<[u8]>,
}

impl std::fmt::Debug for LinkKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKeys(..)")
    }
}

impl LinkKeys {
    pub fn new(server_secret: &[u8]) -> LinkKeys {
        LinkKeys {
            key: server_secret.into(),
        }
    }

    /// The token of `purpose`'s link in outbox message `message`: 43 URL-safe characters.
    pub fn token(&self, message: Uuid, purpose: Purpose) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"kring mail link v1\0");
        mac.update(message.as_bytes());
        mac.update(purpose.code().as_bytes());
        BASE64URL.encode(mac.finalize().into_bytes())
    }

    /// The stored row of that link.
    pub fn link(
        &self,
        message: Uuid,
        purpose: Purpose,
        account: Uuid,
        subject: &serde_json::Value,
        expires_at: DateTime<Utc>,
    ) -> MailLink {
        MailLink {
            token_hash: token_hash(&self.token(message, purpose)),
            purpose: purpose.code().to_owned(),
            account,
            subject: subject.to_string(),
            expires_at,
            used_at: None,
        }
    }
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `text` could be a token at all (before touching the store).
pub fn looks_like_token(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
