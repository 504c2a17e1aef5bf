//! The pieces of logging in, each checkable on its own: e-mail addresses and
//! their keyed lookup hash, password hashing, session tokens, and the server
//! secret the lookup hash is keyed with.

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64_URL;
use base64::Engine;
use hmac::{Hmac, Mac};
use kring_store::AccountStore;
use sha2::{Digest, Sha256};

use crate::accounts::{AccountError, InvalidInput};

/// Fewest characters of a password.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Most characters of a password: long enough for any passphrase.
pub const MAX_PASSWORD_CHARS: usize = 1000;
/// Most characters of a person's name.
pub const MAX_NAME_CHARS: usize = 100;
/// The name under which the server keeps the key of the e-mail lookup hash.
pub const EMAIL_LOOKUP_SECRET: &str = "email_lookup";
/// Fewest bytes of a server secret the operator passes.
pub const MIN_SECRET_BYTES: usize = 32;

/// OWASP's argon2id settings: 19 MiB of memory, 2 passes, 1 lane.
const ARGON2_M_KIB: u32 = 19_456;
const ARGON2_T: u32 = 2;
const ARGON2_P: u32 = 1;

/// An e-mail address as the person typed it (trimmed), and the form it is
/// looked up by.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    pub as_typed: String,
    pub normalised: String,
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Email(..)")
    }
}

impl Email {
    /// A plausible address: one `@`, something before it, a domain with a dot
    /// after it, no spaces. Whether it receives mail is for a later check.
    /// Normalised: trimmed and lower-cased (mail providers treat addresses
    /// case-insensitively, and people type them either way).
    pub fn parse(text: &str) -> Result<Email, AccountError> {
        const NOT_AN_ADDRESS: AccountError = AccountError::Invalid(InvalidInput::NotAnEmail);
        let trimmed = text.trim();
        if trimmed.chars().count() > 254 {
            return Err(AccountError::Invalid(InvalidInput::EmailTooLong));
        }
        let Some((local, domain)) = trimmed.split_once('@') else {
            return Err(NOT_AN_ADDRESS);
        };
        let plausible = !local.is_empty()
            && local.chars().count() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !trimmed
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ','));
        if !plausible {
            return Err(NOT_AN_ADDRESS);
        }
        Ok(Email {
            as_typed: trimmed.to_owned(),
            normalised: trimmed.to_lowercase(),
        })
    }
}

/// A person's name: trimmed, 1 to 100 characters, no control or invisible
/// format characters (a direction override could disguise it).
pub fn check_name(text: &str) -> Result<String, AccountError> {
    let name = text.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AccountError::Invalid(InvalidInput::NameLength));
    }
    if kring_domain::hidden_character(name, false).is_some() {
        return Err(AccountError::Invalid(InvalidInput::NameControl));
    }
    Ok(name.to_owned())
}

/// A password long enough to resist guessing; any characters are allowed.
pub fn check_password(password: &str) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AccountError::Invalid(InvalidInput::PasswordShort));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AccountError::Invalid(InvalidInput::PasswordLong));
    }
    Ok(())
}

/// The keyed hash that finds an account by its e-mail address without the
/// address being stored in the clear: HMAC-SHA256 under the server secret.
/// Without the secret, a stolen database cannot be searched for a known address.
#[derive(Clone)]
pub struct EmailLookup {
    key: Arc<[u8]>,
}

impl std::fmt::Debug for EmailLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmailLookup(..)")
    }
}

impl EmailLookup {
    pub fn new(secret: &[u8]) -> EmailLookup {
        EmailLookup { key: secret.into() }
    }

    /// 64 hex digits.
    pub fn of(&self, email: &Email) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        // Domain separation: the same secret may key other hashes later.
        mac.update(b"kring e-mail lookup v1\0");
        mac.update(email.normalised.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The key of the e-mail lookup hash: the operator's `KRING_SECRET` when given,
/// else the one made and stored on first start (every node then uses that one).
///
/// Changing it makes every stored lookup unfindable, so nobody can log in: pass
/// one before the first start or never.
pub async fn server_secret(
    log: &dyn AccountStore,
    configured: Option<&str>,
) -> Result<Vec<u8>, AccountError> {
    if let Some(secret) = configured {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(AccountError::Invalid(InvalidInput::SecretShort));
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(AccountError::NoRandomness)?;
    Ok(log
        .ensure_server_secret(EMAIL_LOOKUP_SECRET, &fresh)
        .await?)
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None)
        .expect("OWASP's argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// An argon2id hash of the password in PHC string format, with a random salt.
/// Takes tens of milliseconds of CPU on purpose: it runs off the async threads.
pub async fn hash_password(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    let _turn = hashing_turn().await;
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| AccountError::Hashing(e.to_string()))
    })
    .await
    .map_err(|e| AccountError::Hashing(e.to_string()))?
}

/// Whether `password` matches `stored` (a PHC string, whose own parameters are
/// used). With no stored hash it checks against a stand-in, so that an unknown
/// e-mail address takes as long to refuse as a wrong password.
pub async fn verify_password(password: &str, stored: Option<&str>) -> Result<bool, AccountError> {
    let known = stored.is_some();
    let stored = stored.map(str::to_owned);
    let password = password.to_owned();
    let _turn = hashing_turn().await;
    let matches = tokio::task::spawn_blocking(move || {
        let stored = match stored {
            Some(hash) => hash,
            None => stand_in_hash()?,
        };
        let hash = PasswordHash::new(&stored).map_err(|e| {
            AccountError::Hashing(format!("a stored password hash is not a PHC string: {e}"))
        })?;
        Ok::<_, AccountError>(argon2().verify_password(password.as_bytes(), &hash).is_ok())
    })
    .await
    .map_err(|e| AccountError::Hashing(e.to_string()))??;
    Ok(known && matches)
}

/// Each hash takes 19 MiB and a core for tens of milliseconds: a burst of
/// sign-ups or log-ins queues for these turns instead of exhausting memory.
async fn hashing_turn() -> tokio::sync::SemaphorePermit<'static> {
    static TURNS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    TURNS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            tokio::sync::Semaphore::new(cores * 2)
        })
        .acquire()
        .await
        .expect("the semaphore is never closed")
}

/// The hash of a random password nobody knows, made once per process.
fn stand_in_hash() -> Result<String, AccountError> {
    static STAND_IN: OnceLock<String> = OnceLock::new();
    if let Some(hash) = STAND_IN.get() {
        return Ok(hash.clone());
    }
    let mut password = [0u8; 32];
    getrandom::fill(&mut password).map_err(AccountError::NoRandomness)?;
    let hash = argon2()
        .hash_password(&password)
        .map_err(|e| AccountError::Hashing(e.to_string()))?
        .to_string();
    Ok(STAND_IN.get_or_init(|| hash).clone())
}

/// 256 random bits, written as base64url. Only their SHA-256 is stored, so a
/// copy of the database opens nothing. `K` says what the secret is for, so a
/// session token cannot be passed where a link's secret is meant, or back.
pub struct Secret256<K> {
    text: String,
    kind: PhantomData<K>,
}

/// What a [`Secret256`] is for.
pub trait SecretKind {
    /// For `Debug`, which never shows the secret itself.
    const NAME: &'static str;
}

/// The secret a browser holds for a session (the cookie).
pub enum ForSession {}

/// The secret a link carries: an invitation code, a calendar feed's address.
pub enum ForLink {}

impl SecretKind for ForSession {
    const NAME: &'static str = "SessionToken";
}

impl SecretKind for ForLink {
    const NAME: &'static str = "LinkSecret";
}

/// A session's secret, in the browser's cookie.
pub type SessionToken = Secret256<ForSession>;

/// The secret in a link (after `#` in an invitation link, in a calendar feed's
/// address): whoever has the link may use it.
pub type LinkSecret = Secret256<ForLink>;

impl<K> Clone for Secret256<K> {
    fn clone(&self) -> Self {
        Secret256 {
            text: self.text.clone(),
            kind: PhantomData,
        }
    }
}

impl<K> PartialEq for Secret256<K> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<K> Eq for Secret256<K> {}

impl<K: SecretKind> std::fmt::Debug for Secret256<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}(..)", K::NAME)
    }
}

impl<K> Secret256<K> {
    pub fn generate() -> Result<Self, AccountError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(AccountError::NoRandomness)?;
        Ok(Secret256 {
            text: BASE64_URL.encode(bytes),
            kind: PhantomData,
        })
    }

    /// A secret made elsewhere from 256 unpredictable bits (derived from a
    /// request's idempotency key, so a retry hands out the same one).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Secret256 {
            text: BASE64_URL.encode(bytes),
            kind: PhantomData,
        }
    }

    /// What the holder keeps (the cookie, or the secret part of a link).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The stored form of a secret someone sent; `None` when it cannot be one of ours.
    pub fn hash_of(secret: &str) -> Option<[u8; 32]> {
        let bytes = BASE64_URL.decode(secret.as_bytes()).ok()?;
        if bytes.len() != 32 {
            return None;
        }
        Some(Sha256::digest(bytes).into())
    }

    pub fn hash(&self) -> [u8; 32] {
        Self::hash_of(&self.text).expect("a generated secret decodes")
    }
}

impl LinkSecret {
    /// The stored form as lower-case hex, as events hold it (an invitation's `token_hash`).
    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash())
    }

    /// [`LinkSecret::hash_of`] as lower-case hex.
    pub fn hex_hash_of(secret: &str) -> Option<String> {
        Self::hash_of(secret).map(hex::encode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased_for_lookup() {
        let email = Email::parse("  Ann.de.Vries@Example.ORG ").unwrap();
        assert_eq!(email.as_typed, "Ann.de.Vries@Example.ORG");
        assert_eq!(email.normalised, "ann.de.vries@example.org");
        let lookup = EmailLookup::new(&[7; 32]);
        assert_eq!(
            lookup.of(&email),
            lookup.of(&Email::parse("ann.de.vries@example.org").unwrap())
        );
        assert_eq!(lookup.of(&email).len(), 64);
        assert_ne!(
            lookup.of(&email),
            EmailLookup::new(&[8; 32]).of(&email),
            "the lookup is keyed"
        );
        assert!(!format!("{email:?}").contains("ann"), "no address in logs");
    }

    #[test]
    fn implausible_addresses_are_refused() {
        for text in [
            "",
            "ann",
            "@example.org",
            "ann@",
            "ann@localhost",
            "ann@example.org.",
            "ann@.example.org",
            "ann@exa..mple.org",
            "ann de vries@example.org",
            "ann@b@example.org",
            "<ann@example.org>",
        ] {
            assert!(Email::parse(text).is_err(), "{text:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn names_and_passwords_have_bounds() {
        assert_eq!(check_name("  Ann  ").unwrap(), "Ann");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert!(check_name("Ann\nBob").is_err());
        assert!(check_password("123456789").is_err());
        assert!(check_password("1234567890").is_ok());
        assert!(
            check_password("ééééééééééé").is_ok(),
            "characters, not bytes"
        );
        assert!(check_password(&"x".repeat(1001)).is_err());
    }

    #[tokio::test]
    async fn a_password_hash_is_argon2id_with_owasp_parameters() {
        let hash = hash_password("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", Some(&hash))
            .await
            .unwrap());
        assert!(!verify_password("wrong horse battery", Some(&hash))
            .await
            .unwrap());
        assert!(
            !verify_password("correct horse battery", None)
                .await
                .unwrap(),
            "no stored hash never matches"
        );
        assert_ne!(
            hash,
            hash_password("correct horse battery").await.unwrap(),
            "every hash has its own salt"
        );
    }

    #[test]
    fn a_session_token_is_256_random_bits_stored_as_its_hash() {
        let token = SessionToken::generate().unwrap();
        assert_eq!(token.as_str().len(), 43);
        assert_ne!(token, SessionToken::generate().unwrap());
        assert_eq!(SessionToken::hash_of(token.as_str()), Some(token.hash()));
        assert_eq!(SessionToken::hash_of("not a token"), None);
        assert_eq!(SessionToken::hash_of("AAAA"), None, "too short");
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
