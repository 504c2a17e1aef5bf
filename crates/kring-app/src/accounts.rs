//! Accounts: signing up, logging in and out, and whose a session is.
//!
//! The account itself is an aggregate in the log (`account-<id>`), its name and
//! e-mail address sealed with the account holder's key. What lets a person log
//! in lives beside the log: credentials (the e-mail lookup hash and an argon2id
//! password hash) and sessions (the SHA-256 of a random token). No plaintext
//! e-mail address, password or session token is stored anywhere.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use kring_domain::{AccountCommand, AccountEvent, PersonId, Sealed};
use kring_store::{Store, StoreError, StreamName};
use uuid::Uuid;

use crate::credentials::{
    check_name, check_password, hash_password, verify_password, Email, EmailLookup, SessionToken,
};
use crate::{CommandError, Commands, Opened, Vault, VaultError};

/// How long a session lasts after logging in.
pub const SESSION_LIFETIME: Duration = Duration::days(30);

/// Credentials whose account was never registered (the process stopped between
/// the two steps of signing up) free their e-mail address after this long.
const ABANDONED_AFTER: Duration = Duration::minutes(10);

macro_rules! invalid_inputs {
    ($($variant:ident = $code:literal, $message:literal;)*) => {
        /// Account input that can never be right, each with a stable code
        /// (problem+json's `code`; written out, so renaming a variant does not
        /// change it) and an English message.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum InvalidInput {
            $(
                #[doc = $message]
                $variant,
            )*
        }

        impl InvalidInput {
            /// Every kind of invalid input.
            pub const ALL: &'static [InvalidInput] = &[$(InvalidInput::$variant),*];

            /// The stable, machine-readable code.
            pub const fn code(self) -> &'static str {
                match self {
                    $(InvalidInput::$variant => $code,)*
                }
            }

            /// The English sentence.
            pub const fn message(self) -> &'static str {
                match self {
                    $(InvalidInput::$variant => $message,)*
                }
            }
        }
    };
}

invalid_inputs! {
    NotAnEmail = "not-an-email", "this is not an e-mail address (it looks like name@example.org)";
    EmailTooLong = "email-too-long", "an e-mail address has at most 254 characters";
    NameLength = "name-length", "a name has 1 to 100 characters";
    NameControl = "name-control", "a name cannot contain control or invisible characters, such as line breaks or direction overrides";
    PasswordShort = "password-short", "a password has at least 10 characters";
    PasswordLong = "password-long", "a password has at most 1000 characters";
    SecretShort = "secret-short", "the server secret (KRING_SECRET) must be at least 32 characters long";
}

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// Why an account operation did not happen. The first three are the person's
/// to fix; the rest are failures of the system.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Input that can never be right (a short password, not an e-mail address).
    #[error("{0}")]
    Invalid(InvalidInput),
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    /// Deliberately vague: says neither which of the two was wrong.
    #[error("the e-mail address or the password is wrong")]
    WrongCredentials,
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a password could not be hashed or checked: {0}")]
    Hashing(String),
    #[error("the system could not provide random numbers")]
    NoRandomness(#[source] getrandom::Error),
    #[error("the account's events cannot be read: {0}")]
    Undecodable(#[source] serde_json::Error),
}

/// A session that was just started: the token goes to the browser, once.
#[derive(Debug)]
pub struct NewSession {
    pub token: SessionToken,
    pub account: PersonId,
    pub expires_at: DateTime<Utc>,
}

/// What an account holder may read about themself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub account: PersonId,
    pub name: Opened,
    pub email: Opened,
}

#[derive(Clone)]
pub struct Accounts {
    log: Arc<dyn Store>,
    commands: Arc<Commands>,
    vault: Vault,
    lookup: EmailLookup,
    /// Sealed names read before: a page names up to fifty people, and reading
    /// each one's account stream for every page would make reads cost what
    /// the circle's history holds. Only ciphertext is kept: opening a name
    /// takes its owner's key, fetched per request, so a forgotten person is
    /// "a former member" at once. (No command renames an account; one that
    /// does must forget the name here.)
    names: Arc<std::sync::Mutex<std::collections::HashMap<PersonId, Sealed>>>,
}

/// Sealed names a node keeps before it starts again from none.
const NAMES_KEPT: usize = 100_000;

impl Accounts {
    /// `lookup` is keyed with the server secret ([`crate::server_secret`]).
    pub fn new(log: Arc<dyn Store>, commands: Arc<Commands>, lookup: EmailLookup) -> Self {
        Self {
            vault: Vault::new(log.clone()),
            log,
            commands,
            lookup,
            names: Default::default(),
        }
    }

    /// Makes an account. Nothing enters the log unless the e-mail address was
    /// free and the account was registered; a refused sign-up leaves no trace.
    pub async fn sign_up(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result<PersonId, AccountError> {
        let name = check_name(name)?;
        let email = Email::parse(email)?;
        check_password(password)?;
        let lookup = self.lookup.of(&email);
        let password_hash = hash_password(password).await?;
        let account = PersonId(Uuid::new_v4());
        // First the unique claim on the address, so that a second sign-up with it
        // writes nothing at all; then the account's event.
        self.claim_email(account, &lookup, &password_hash).await?;
        if let Err(e) = self.register(account, &name, &email).await {
            if let Err(undo) = self.log.remove_credentials(account.0).await {
                tracing::warn!(
                    %account,
                    error = %undo,
                    "signing up failed and its e-mail claim could not be undone; \
                     the address is free again in a few minutes"
                );
            }
            return Err(e);
        }
        Ok(account)
    }

    async fn claim_email(
        &self,
        account: PersonId,
        lookup: &str,
        password_hash: &str,
    ) -> Result<(), AccountError> {
        if self
            .log
            .add_credentials(account.0, lookup, password_hash)
            .await?
        {
            return Ok(());
        }
        // Taken: by an account, or by a sign-up that stopped between its two steps.
        if let Some(existing) = self.log.credentials_by_email(lookup).await? {
            let abandoned = Utc::now() - existing.created_at > ABANDONED_AFTER
                && !self.is_registered(PersonId(existing.account)).await?;
            if abandoned {
                self.log.remove_credentials(existing.account).await?;
                if self
                    .log
                    .add_credentials(account.0, lookup, password_hash)
                    .await?
                {
                    return Ok(());
                }
            }
        }
        Err(AccountError::EmailTaken)
    }

    async fn register(
        &self,
        account: PersonId,
        name: &str,
        email: &Email,
    ) -> Result<(), AccountError> {
        let name = self.vault.seal(account, name).await?;
        let email = self.vault.seal(account, &email.as_typed).await?;
        self.commands
            .account(
                account,
                AccountCommand::Register {
                    account,
                    name,
                    email,
                },
            )
            .await?;
        Ok(())
    }

    async fn is_registered(&self, account: PersonId) -> Result<bool, AccountError> {
        let stream = StreamName::account(account.0);
        Ok(self.log.stream_head(&stream).await?.is_some())
    }

    /// Starts a session when the password matches the account of this address.
    pub async fn log_in(&self, email: &str, password: &str) -> Result<NewSession, AccountError> {
        let email = Email::parse(email)?;
        let found = self
            .log
            .credentials_by_email(&self.lookup.of(&email))
            .await?;
        let matches =
            verify_password(password, found.as_ref().map(|c| c.password_hash.as_str())).await?;
        let Some(found) = found.filter(|_| matches) else {
            return Err(AccountError::WrongCredentials);
        };
        let account = PersonId(found.account);
        // Registered and not erased (an erasure that stopped half-way may have
        // left its credentials for a moment).
        if self.sealed_account(account).await?.is_none() {
            return Err(AccountError::WrongCredentials);
        }
        let now = Utc::now();
        if let Err(e) = self.log.end_expired_sessions(now).await {
            tracing::warn!(error = %e, "could not remove expired sessions; trying again at the next log-in");
        }
        let token = SessionToken::generate()?;
        let expires_at = now + SESSION_LIFETIME;
        self.log
            .start_session(&token.hash(), account.0, expires_at)
            .await?;
        Ok(NewSession {
            token,
            account,
            expires_at,
        })
    }

    /// The account registered under an e-mail address, if any: for adding a
    /// colleague to an organisation, which must not reveal more than that.
    pub async fn find(&self, email: &str) -> Result<Option<PersonId>, AccountError> {
        let email = Email::parse(email)?;
        let found = self
            .log
            .credentials_by_email(&self.lookup.of(&email))
            .await?;
        match found {
            Some(found) if self.is_registered(PersonId(found.account)).await? => {
                Ok(Some(PersonId(found.account)))
            }
            _ => Ok(None),
        }
    }

    /// The account a browser's session token belongs to, while the session lasts.
    pub async fn session(&self, token: &str) -> Result<Option<PersonId>, AccountError> {
        let Some(hash) = SessionToken::hash_of(token) else {
            return Ok(None);
        };
        Ok(self
            .log
            .session(&hash, Utc::now())
            .await?
            .map(|s| PersonId(s.account)))
    }

    /// Ends the session of this token. True when there was one.
    /// Changes the password after checking the current one; every other
    /// session of the account ends (a stolen session does not outlive it).
    pub async fn change_password(
        &self,
        account: PersonId,
        session_token: &str,
        current: &str,
        new: &str,
    ) -> Result<(), AccountError> {
        check_password(new)?;
        let Some(Opened::Text(email)) = self.profile(account).await?.map(|p| p.email) else {
            return Err(AccountError::WrongCredentials);
        };
        let lookup = self.lookup.of(&Email::parse(&email)?);
        let found = self.log.credentials_by_email(&lookup).await?;
        let found = found.filter(|c| c.account == account.0);
        if !verify_password(current, found.as_ref().map(|c| c.password_hash.as_str())).await? {
            return Err(AccountError::WrongCredentials);
        }
        let keep = SessionToken::hash_of(session_token).unwrap_or_default();
        let hash = hash_password(new).await?;
        if !self.log.change_password(account.0, &hash, &keep).await? {
            return Err(AccountError::WrongCredentials);
        }
        Ok(())
    }

    pub async fn log_out(&self, token: &str) -> Result<bool, AccountError> {
        let Some(hash) = SessionToken::hash_of(token) else {
            return Ok(false);
        };
        Ok(self.log.end_session(&hash).await?)
    }

    /// The account holder's name and e-mail address, opened; `None` when there
    /// is no such account.
    pub async fn profile(&self, account: PersonId) -> Result<Option<Profile>, AccountError> {
        let Some((name, email)) = self.sealed_profile(account).await? else {
            return Ok(None);
        };
        Ok(Some(Profile {
            account,
            name: self.vault.open(&name).await?,
            email: self.vault.open(&email).await?,
        }))
    }

    /// A person's name, sealed, as others see it: `None` without an account.
    pub async fn sealed_name(&self, person: PersonId) -> Result<Option<Sealed>, AccountError> {
        if let Some(name) = self.kept_names().get(&person) {
            return Ok(Some(name.clone()));
        }
        let name = self.sealed_profile(person).await?.map(|(name, _)| name);
        if let Some(name) = &name {
            let mut kept = self.kept_names();
            if kept.len() >= NAMES_KEPT {
                kept.clear();
            }
            kept.insert(person, name.clone());
        }
        Ok(name)
    }

    fn kept_names(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<PersonId, Sealed>> {
        self.names.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A person's name as others see it: `None` when they have no account.
    pub async fn name_of(&self, person: PersonId) -> Result<Option<Opened>, AccountError> {
        match self.sealed_profile(person).await? {
            Some((name, _)) => Ok(Some(self.vault.open(&name).await?)),
            None => Ok(None),
        }
    }

    /// The lookup hash of the account's current address: what a verification
    /// link carries, so that it proves nothing once the address changed.
    pub async fn current_lookup(&self, account: PersonId) -> Result<Option<String>, AccountError> {
        Ok(self.email_state(account).await?.map(|state| state.lookup))
    }

    /// Where to mail an account holder: their address, opened, and whether
    /// they proved it is theirs. `None` when there is no such account or the
    /// person was forgotten.
    pub async fn mail_address(
        &self,
        account: PersonId,
    ) -> Result<Option<MailAddress>, AccountError> {
        let Some(sealed) = self.sealed_account(account).await? else {
            return Ok(None);
        };
        match self.vault.open(&sealed.email).await? {
            Opened::Text(email) => Ok(Some(MailAddress {
                email,
                verified: sealed.verified,
            })),
            Opened::Forgotten => Ok(None),
        }
    }

    /// The lookup hash of the account's current address and whether it was
    /// proven; `None` when there is no such account.
    pub async fn email_state(&self, account: PersonId) -> Result<Option<EmailState>, AccountError> {
        let Some(sealed) = self.sealed_account(account).await? else {
            return Ok(None);
        };
        // The lookup lives only beside the log, in the credentials.
        let Some(credentials) = self.log.credentials_of(account.0).await? else {
            return Ok(None);
        };
        Ok(Some(EmailState {
            lookup: credentials.email_lookup,
            verified: sealed.verified,
        }))
    }

    /// Checks the account's password: `WrongCredentials` when it is not
    /// right or the account has no credentials.
    pub async fn check_password_of(
        &self,
        account: PersonId,
        password: &str,
    ) -> Result<(), AccountError> {
        let found = self.log.credentials_of(account.0).await?;
        if !verify_password(password, found.as_ref().map(|c| c.password_hash.as_str())).await? {
            return Err(AccountError::WrongCredentials);
        }
        Ok(())
    }

    /// The lookup hash of an address someone typed.
    pub fn lookup_of(&self, email: &str) -> Result<String, AccountError> {
        Ok(self.lookup.of(&Email::parse(email)?))
    }

    /// Records that the address with this lookup is the account's: the link
    /// mailed to it was followed. Refused (`email-changed-since`) when the
    /// address changed after the mail was sent.
    pub async fn verify_email(&self, account: PersonId, lookup: &str) -> Result<(), AccountError> {
        // Which address is current, before comparing lookups: should the
        // address change in between, the account refuses this generation.
        let Some(sealed) = self.sealed_account(account).await? else {
            return Err(refused(kring_domain::Refusal::NoSuchAccount));
        };
        let current = self.log.credentials_of(account.0).await?;
        if current.map(|c| c.email_lookup).as_deref() != Some(lookup) {
            return Err(refused(kring_domain::Refusal::EmailChangedSince));
        }
        self.commands
            .account(
                account,
                AccountCommand::VerifyEmail {
                    address: sealed.address,
                },
            )
            .await?;
        Ok(())
    }

    /// Sets a new password without the old one (a reset link proved the
    /// address) and ends every session of the account.
    pub async fn reset_password(&self, account: PersonId, new: &str) -> Result<(), AccountError> {
        check_password(new)?;
        let hash = hash_password(new).await?;
        if !self.log.change_password(account.0, &hash, &[]).await? {
            return Err(AccountError::WrongCredentials);
        }
        Ok(())
    }

    /// Moves the account to a new address after checking the password. The
    /// new address is unproven until its link is followed; answers its lookup.
    pub async fn change_email(
        &self,
        account: PersonId,
        password: &str,
        new_email: &str,
    ) -> Result<String, AccountError> {
        let email = Email::parse(new_email)?;
        let Some(current) = self.email_state(account).await? else {
            return Err(AccountError::WrongCredentials);
        };
        self.check_password_of(account, password).await?;
        let lookup = self.lookup.of(&email);
        if lookup == current.lookup {
            return Err(refused(kring_domain::Refusal::EmailUnchanged));
        }
        if !self.log.change_email_lookup(account.0, &lookup).await? {
            return Err(AccountError::EmailTaken);
        }
        let sealed = self.vault.seal(account, &email.as_typed).await?;
        let changed = self
            .commands
            .account(account, AccountCommand::ChangeEmail { email: sealed })
            .await;
        if let Err(e) = changed {
            // Give the old address back its credentials.
            if let Err(undo) = self
                .log
                .change_email_lookup(account.0, &current.lookup)
                .await
            {
                tracing::warn!(%account, error = %undo, "a failed address change could not be undone");
            }
            return Err(e.into());
        }
        Ok(lookup)
    }

    /// The latest sealed name and e-mail address from the account's events.
    async fn sealed_profile(
        &self,
        account: PersonId,
    ) -> Result<Option<(Sealed, Sealed)>, AccountError> {
        Ok(self
            .sealed_account(account)
            .await?
            .map(|a| (a.name, a.email)))
    }

    /// The account as its events leave it: sealed name and address, and
    /// whether the address was proven. (Version 1 events also hold the
    /// address's lookup hash, which decoding ignores.)
    async fn sealed_account(
        &self,
        account: PersonId,
    ) -> Result<Option<SealedAccount>, AccountError> {
        let stream = StreamName::account(account.0);
        let mut found: Option<SealedAccount> = None;
        let mut from = 1;
        loop {
            let page = self.log.read_stream(&stream, from, 500).await?;
            let Some(last) = page.last() else { break };
            from = last.version + 1;
            for recorded in &page {
                let event: AccountEvent = recorded
                    .decode_payload()
                    .map_err(AccountError::Undecodable)?;
                match (event, &mut found) {
                    (AccountEvent::AccountRegistered { name, email, .. }, _) => {
                        found = Some(SealedAccount {
                            name,
                            email,
                            address: 0,
                            verified: false,
                        })
                    }
                    (AccountEvent::AccountRenamed { name }, Some(a)) => a.name = name,
                    (AccountEvent::EmailChanged { email }, Some(a)) => {
                        a.email = email;
                        a.address += 1;
                        a.verified = false;
                    }
                    (AccountEvent::EmailVerified {}, Some(a)) => a.verified = true,
                    // Gone: as if there never was an account.
                    (AccountEvent::AccountErased {}, _) => found = None,
                    (_, None) => {}
                }
            }
        }
        Ok(found)
    }
}

struct SealedAccount {
    name: Sealed,
    email: Sealed,
    /// Which of the account's addresses is current (0: the first).
    address: u32,
    verified: bool,
}

fn refused(refusal: kring_domain::Refusal) -> AccountError {
    AccountError::Command(CommandError::Refused(refusal.into()))
}

/// An account's address as a lookup hash, and whether it was proven.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailState {
    pub lookup: String,
    pub verified: bool,
}

/// An account holder's address for mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailAddress {
    pub email: String,
    /// Proven by following a link mailed to it. Only then does Kring mail it
    /// anything but that link (and a password reset).
    pub verified: bool,
}
