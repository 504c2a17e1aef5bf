//! The links in mails: one-tap answers, address verification, password reset,
//! invitations and unsubscribing. A link's token is derived from the outbox
//! message and the action under the server secret, so the sender can write it
//! again at every retry while the store keeps only its SHA-256 (`MailLink`).
//! Whoever reads the database learns no working link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
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
    /// An invitation to volunteer for an organisation: a sign-up code of one use.
    VolunteerInvitation,
}

impl Purpose {
    pub const ALL: [Purpose; 9] = [
        Purpose::VerifyEmail,
        Purpose::ResetPassword,
        Purpose::ClaimRequest,
        Purpose::AcceptSwap,
        Purpose::DeclineSwap,
        Purpose::Unsubscribe,
        Purpose::CircleInvitation,
        Purpose::ColleagueInvitation,
        Purpose::VolunteerInvitation,
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
            Purpose::VolunteerInvitation => "volunteer-invitation",
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
            Purpose::CircleInvitation
            | Purpose::ColleagueInvitation
            | Purpose::VolunteerInvitation => Duration::days(14),
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

impl LinkKeys {
    /// Seals an invited address for the outbox row `message`: nobody reading
    /// the database learns it; only a holder of the server secret opens it.
    /// The message id is the associated data, so a sealed address cannot be
    /// moved to another row.
    pub fn seal_address(&self, message: Uuid, address: &str) -> String {
        let nonce = XNonce::try_generate().expect("the system provides random numbers");
        let sealed = self
            .address_cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: address.as_bytes(),
                    aad: message.as_bytes(),
                },
            )
            .expect("an address is far below the cipher's limit");
        let mut data = nonce.to_vec();
        data.extend_from_slice(&sealed);
        BASE64URL.encode(data)
    }

    /// The address sealed by [`LinkKeys::seal_address`] for `message`.
    pub fn open_address(&self, message: Uuid, sealed: &str) -> Option<String> {
        let data = BASE64URL.decode(sealed).ok()?;
        if data.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = data.split_at(24);
        let nonce = XNonce::try_from(nonce).ok()?;
        let plain = self
            .address_cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: message.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// A key of its own for addresses, derived from the server secret.
    fn address_cipher(&self) -> XChaCha20Poly1305 {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"kring invited address v1\0");
        XChaCha20Poly1305::new_from_slice(&mac.finalize().into_bytes())
            .expect("HMAC-SHA256 gives a 32-byte key")
    }
}

impl LinkKeys {
    /// The unsubscribe link of a notice mail: stops `topic` of `circle` for `account`.
    pub fn unsubscribe(
        &self,
        message: Uuid,
        account: Uuid,
        circle: Option<Uuid>,
        topic: crate::notices::Topic,
        now: DateTime<Utc>,
    ) -> MailLink {
        let subject = serde_json::json!({ "circle": circle, "topic": topic });
        let p = Purpose::Unsubscribe;
        self.link(message, p, account, &subject, now + p.lifetime())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_address_opens_only_for_its_message() {
        let keys = LinkKeys::new(b"a server secret of at least thirty-two bytes");
        let message = Uuid::new_v4();
        let sealed = keys.seal_address(message, "ann@example.org");
        assert!(!sealed.contains("ann"));
        assert_eq!(
            keys.open_address(message, &sealed).as_deref(),
            Some("ann@example.org")
        );
        assert_eq!(keys.open_address(Uuid::new_v4(), &sealed), None);
        let other = LinkKeys::new(b"another server secret of thirty-two bytes");
        assert_eq!(other.open_address(message, &sealed), None);
    }
}
