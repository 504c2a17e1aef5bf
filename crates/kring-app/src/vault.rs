//! Sealing personal data with its owner's key, and forgetting people.
//!
//! Each person has one 256-bit key, kept by the store next to the log but never in
//! it. A sealed field is XChaCha20-Poly1305 ciphertext under that key, with the
//! owner's id as associated data, so a field cannot be passed off as someone
//! else's. Forgetting destroys the key: every field the person owns becomes
//! unreadable at once, while the events, and the hash chain over them, stay as
//! they are.

use std::collections::HashMap;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use kring_domain::{PersonId, Sealed};
use kring_store::{Forgetting, OpenOptions, PersonKey, PersonKeys, StoreError};

/// XChaCha20's nonce: 24 random bytes make a repeat under one key negligible.
const NONCE_LEN: usize = 24;

/// Seals and opens personal data.
#[derive(Clone)]
pub struct Vault {
    keys: Arc<dyn PersonKeys>,
}

/// Erases people (see [`crate::erasure`]): records them leaving, deletes what
/// lets them log in and what mails them, and destroys their key. The only
/// holder of the store's [`KeyEraser`](kring_store::KeyEraser): no other crate
/// is handed one. Both `kring forget` and a person deleting their own account
/// go through it.
#[derive(Clone)]
pub struct Forgetter {
    pub(crate) eraser: Arc<dyn Forgetting>,
    pub(crate) commands: Arc<crate::Commands>,
    /// For reading events the projector has not read yet.
    pub(crate) upcasters: Arc<[Box<dyn cqrs_es::persist::EventUpcaster>]>,
}

/// What an opened field turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    Text(String),
    /// Its owner was forgotten: show "a former member" instead.
    Forgotten,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the text holds an invisible or control character ({0:?}) that can disguise it")]
    HiddenCharacter(char),
    #[error("person {0} has been forgotten: no new personal data can be stored for them")]
    Forgotten(PersonId),
    #[error(
        "there is no key for person {0}'s personal data: it was sealed with a key \
         this database does not have"
    )]
    NoKey(PersonId),
    #[error("personal data of person {0} is damaged or was changed, and cannot be read")]
    Damaged(PersonId),
    #[error("the stored key of person {0} is damaged: their personal data cannot be read")]
    KeyDamaged(PersonId),
    #[error("the system could not provide random numbers to make a key or nonce")]
    NoRandomness(#[source] chacha20poly1305::aead::common::getrandom::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Vault {
    pub fn new(keys: Arc<dyn PersonKeys>) -> Self {
        Self { keys }
    }

    /// Encrypts `plaintext` with the owner's key, making the key on first use.
    pub async fn seal(&self, owner: PersonId, plaintext: &str) -> Result<Sealed, VaultError> {
        // Every text a person types is sealed here, so this one check covers
        // names, entries, notes and titles alike (see `hidden_character`).
        if let Some(c) = kring_domain::hidden_character(plaintext, true) {
            return Err(VaultError::HiddenCharacter(c));
        }
        let key = match self.keys.person_key(owner.0).await? {
            PersonKey::Active(key) => key,
            PersonKey::Forgotten => return Err(VaultError::Forgotten(owner)),
            PersonKey::Missing => {
                let fresh = Key::try_generate().map_err(VaultError::NoRandomness)?;
                // Another caller may have made a key first: use whichever is stored.
                match self.keys.ensure_person_key(owner.0, &fresh).await? {
                    PersonKey::Active(key) => key,
                    PersonKey::Forgotten => return Err(VaultError::Forgotten(owner)),
                    PersonKey::Missing => return Err(VaultError::NoKey(owner)),
                }
            }
        };
        let cipher = cipher(owner, &key)?;
        let nonce = XNonce::try_generate().map_err(VaultError::NoRandomness)?;
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: owner.0.as_bytes(),
                },
            )
            // Only fails for plaintexts far larger than any field.
            .map_err(|_| VaultError::Damaged(owner))?;
        let mut data = nonce.to_vec();
        data.extend_from_slice(&ciphertext);
        Ok(Sealed {
            owner,
            data: BASE64.encode(data),
        })
    }

    /// Decrypts a sealed field, or says that its owner was forgotten.
    pub async fn open(&self, sealed: &Sealed) -> Result<Opened, VaultError> {
        open_with(&self.keys.person_key(sealed.owner.0).await?, sealed)
    }

    /// A key ring for one request: it fetches a page's keys in one query and
    /// keeps them only as long as the request, so no node goes on opening
    /// fields of a person forgotten meanwhile.
    pub fn keyring(&self) -> KeyRing {
        KeyRing {
            keys: self.keys.clone(),
            known: HashMap::new(),
        }
    }
}

/// The keys one request opens fields with (see [`Vault::keyring`]).
pub struct KeyRing {
    keys: Arc<dyn PersonKeys>,
    known: HashMap<PersonId, PersonKey>,
}

impl KeyRing {
    /// Fetches the keys of `owners` it does not hold yet, in one query.
    pub async fn fetch(
        &mut self,
        owners: impl IntoIterator<Item = PersonId>,
    ) -> Result<(), VaultError> {
        let mut wanted: Vec<uuid::Uuid> = owners
            .into_iter()
            .filter(|o| !self.known.contains_key(o))
            .map(|o| o.0)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(());
        }
        for (person, key) in self.keys.person_keys(&wanted).await? {
            self.known.insert(PersonId(person), key);
        }
        Ok(())
    }

    /// Decrypts a sealed field with a key fetched before (or fetched now).
    pub async fn open(&mut self, sealed: &Sealed) -> Result<Opened, VaultError> {
        self.fetch([sealed.owner]).await?;
        let key = self.known.get(&sealed.owner).unwrap_or(&PersonKey::Missing);
        open_with(key, sealed)
    }
}

/// Decrypts a sealed field with its owner's key as stored.
fn open_with(key: &PersonKey, sealed: &Sealed) -> Result<Opened, VaultError> {
    let owner = sealed.owner;
    let key = match key {
        PersonKey::Active(key) => key,
        PersonKey::Forgotten => return Ok(Opened::Forgotten),
        PersonKey::Missing => return Err(VaultError::NoKey(owner)),
    };
    let damaged = || VaultError::Damaged(owner);
    let data = BASE64.decode(&sealed.data).map_err(|_| damaged())?;
    if data.len() < NONCE_LEN {
        return Err(damaged());
    }
    let (nonce, ciphertext) = data.split_at(NONCE_LEN);
    let nonce = XNonce::try_from(nonce).map_err(|_| damaged())?;
    let plaintext = cipher(owner, key)?
        .decrypt(
            &nonce,
            Payload {
                msg: ciphertext,
                aad: owner.0.as_bytes(),
            },
        )
        .map_err(|_| damaged())?;
    String::from_utf8(plaintext)
        .map(Opened::Text)
        .map_err(|_| damaged())
}

impl Forgetter {
    /// Opens the database at `url` for erasing people.
    pub async fn open(url: &str, options: &OpenOptions) -> Result<Forgetter, VaultError> {
        Ok(Forgetter::new(
            kring_store::open_key_eraser(url, options).await?,
        ))
    }

    pub fn new(eraser: Arc<dyn Forgetting>) -> Forgetter {
        let log: Arc<dyn kring_store::ReadSide> = eraser.clone();
        Forgetter {
            commands: Arc::new(crate::Commands::new(log, kring_domain::Services::system())),
            upcasters: kring_domain::upcasters::all().into(),
            eraser,
        }
    }

    /// Destroys the person's key only. True when there was a key.
    pub(crate) async fn destroy_key(&self, person: PersonId) -> Result<bool, VaultError> {
        Ok(self.eraser.forget_person_key(person.0).await?)
    }
}

fn cipher(owner: PersonId, key: &[u8]) -> Result<XChaCha20Poly1305, VaultError> {
    XChaCha20Poly1305::new_from_slice(key).map_err(|_| VaultError::KeyDamaged(owner))
}

#[cfg(test)]
mod tests {
    use kring_store::SqliteLog;
    use uuid::Uuid;

    use super::*;

    async fn vault() -> Vault {
        vault_and_forgetter().await.0
    }

    /// One in-memory database for both (it exists once per connection pool).
    async fn vault_and_forgetter() -> (Vault, Forgetter) {
        let log = Arc::new(SqliteLog::connect("sqlite::memory:").await.unwrap());
        (Vault::new(log.clone()), Forgetter::new(log))
    }

    fn person() -> PersonId {
        PersonId(Uuid::new_v4())
    }

    #[tokio::test]
    async fn a_sealed_field_opens_to_its_text() {
        let vault = vault().await;
        let ann = person();
        let sealed = vault.seal(ann, "Ann de Vries").await.unwrap();
        assert_eq!(sealed.owner, ann);
        assert!(!sealed.data.contains("Ann"), "{}", sealed.data);
        assert_eq!(
            vault.open(&sealed).await.unwrap(),
            Opened::Text("Ann de Vries".into())
        );
        let again = vault.seal(ann, "Ann de Vries").await.unwrap();
        assert_ne!(again.data, sealed.data, "every seal has its own nonce");
        assert_eq!(
            vault.open(&again).await.unwrap(),
            Opened::Text("Ann de Vries".into())
        );
        let empty = vault.seal(ann, "").await.unwrap();
        assert_eq!(vault.open(&empty).await.unwrap(), Opened::Text("".into()));
    }

    #[tokio::test]
    async fn a_field_passed_off_as_someone_elses_does_not_open() {
        let vault = vault().await;
        let (ann, bob) = (person(), person());
        vault.seal(bob, "Bob").await.unwrap();
        let mut sealed = vault.seal(ann, "Ann").await.unwrap();
        sealed.owner = bob;
        let err = vault.open(&sealed).await.unwrap_err();
        assert!(matches!(err, VaultError::Damaged(p) if p == bob), "{err:?}");
    }

    #[tokio::test]
    async fn changed_or_garbled_data_is_damaged_not_misread() {
        let vault = vault().await;
        let ann = person();
        let sealed = vault.seal(ann, "Ann").await.unwrap();
        let mut bytes = BASE64.decode(&sealed.data).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        for data in [BASE64.encode(bytes), "not base64!".into(), "AAAA".into()] {
            let tampered = Sealed { owner: ann, data };
            let err = vault.open(&tampered).await.unwrap_err();
            assert!(matches!(err, VaultError::Damaged(_)), "{err:?}");
        }
    }

    #[tokio::test]
    async fn a_field_of_an_unknown_person_has_no_key() {
        let vault = vault().await;
        let stranger = person();
        let sealed = Sealed {
            owner: stranger,
            data: BASE64.encode([0u8; 40]),
        };
        let err = vault.open(&sealed).await.unwrap_err();
        assert!(
            matches!(err, VaultError::NoKey(p) if p == stranger),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_forgotten_person_stays_forgotten() {
        let (vault, forgetter) = vault_and_forgetter().await;
        let (ann, bob) = (person(), person());
        let name = vault.seal(ann, "Ann").await.unwrap();
        let other = vault.seal(bob, "Bob").await.unwrap();
        assert!(forgetter.destroy_key(ann).await.unwrap());
        assert_eq!(vault.open(&name).await.unwrap(), Opened::Forgotten);
        assert_eq!(
            vault.open(&other).await.unwrap(),
            Opened::Text("Bob".into()),
            "only the forgotten person's data goes"
        );
        let err = vault.seal(ann, "Ann again").await.unwrap_err();
        assert!(
            matches!(err, VaultError::Forgotten(p) if p == ann),
            "{err:?}"
        );
        assert!(err.to_string().contains("has been forgotten"), "{err}");
        assert!(
            !forgetter.destroy_key(ann).await.unwrap(),
            "nothing left to forget"
        );
        assert!(
            !forgetter.destroy_key(person()).await.unwrap(),
            "nobody to forget"
        );
    }
}
