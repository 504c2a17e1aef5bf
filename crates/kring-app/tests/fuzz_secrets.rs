//! Fuzzing what a stranger hands in before anything is looked up: the secret of
//! a session cookie, an invitation code or a calendar feed's address
//! (`Secret256::hash_of`, the one gate all three pass), a calendar feed found by
//! its secret (`Feeds::find`, what `GET /calendar/{token}.ics` calls), and an
//! e-mail address (`Email::parse`, at sign-up and log-in).
//!
//! A fixed case count and a fixed seed: the same cases on every run and machine.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64_URL;
use base64::Engine;
use kring_app::calendar_feeds::Feeds;
use std::sync::Arc;

use kring_app::{
    server_secret, AccountError, Accounts, Commands, Email, EmailLookup, InvalidInput, LinkSecret,
    SessionToken,
};
use kring_domain::{CircleId, Services};
use kring_store::CalendarScope;
use kring_testkit::TestLog;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x6b72_696e_6701),
        ..ProptestConfig::default()
    }
}

fn is_base64url(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Text near a real secret: every way a copy can go wrong.
fn near_a_secret() -> impl Strategy<Value = String> {
    (any::<[u8; 32]>(), 0usize..43, any::<char>(), 0u8..6).prop_map(|(bytes, at, c, how)| {
        let text = BASE64_URL.encode(bytes);
        match how {
            0 => text[..at].to_owned(),                            // cut short
            1 => format!("{text}{c}"),                             // one too many
            2 => format!("{text}="),                               // padded
            3 => format!("{}{c}{}", &text[..at], &text[at + 1..]), // one changed
            4 => format!(" {text}"),                               // a space before it
            _ => BASE64_URL.encode(&bytes[..31]),                  // 31 bytes
        }
    })
}

proptest! {
    #![proptest_config(config(512))]

    /// Anything at all: no panic, and only 43 base64url characters can pass.
    #[test]
    fn any_text_is_refused_unless_it_is_43_base64url_characters(text in any::<String>()) {
        if SessionToken::hash_of(&text).is_some() {
            prop_assert_eq!(text.len(), 43);
            prop_assert!(is_base64url(&text));
        }
        prop_assert_eq!(LinkSecret::hash_of(&text), SessionToken::hash_of(&text));
    }

    /// 43 characters of the right alphabet: accepted only in the one spelling
    /// that encodes its 32 bytes, so two texts never open the same secret.
    #[test]
    fn only_the_canonical_spelling_of_32_bytes_is_accepted(text in "[A-Za-z0-9_-]{43}") {
        match LinkSecret::hash_of(&text) {
            Some(hash) => {
                let bytes = BASE64_URL.decode(&text).unwrap();
                prop_assert_eq!(BASE64_URL.encode(&bytes), text);
                prop_assert_eq!(hash, <[u8; 32]>::from(Sha256::digest(&bytes)));
            }
            None => prop_assert_ne!(BASE64_URL.decode(&text).map(|b| BASE64_URL.encode(b)).ok(), Some(text)),
        }
    }

    /// Every secret of ours reads back as the hash that was stored for it.
    #[test]
    fn every_secret_round_trips(bytes in any::<[u8; 32]>()) {
        let text = BASE64_URL.encode(bytes);
        let stored: [u8; 32] = Sha256::digest(bytes).into();
        prop_assert_eq!(SessionToken::hash_of(&text), Some(stored));
        prop_assert_eq!(LinkSecret::hex_hash_of(&text), Some(hex::encode(stored)));
    }

    /// A secret cut, lengthened, padded or with one character changed opens
    /// nothing (or, when the change kept it a valid spelling, another secret).
    #[test]
    fn a_damaged_secret_is_refused(text in near_a_secret()) {
        if let Some(hash) = LinkSecret::hash_of(&text) {
            let bytes = BASE64_URL.decode(&text).unwrap();
            prop_assert_eq!(hash, <[u8; 32]>::from(Sha256::digest(bytes)));
        } else {
            prop_assert!(text.len() != 43 || !is_base64url(&text) || BASE64_URL.decode(&text).is_err());
        }
    }

    /// Addresses: no panic; a refusal is one of the two address codes; an
    /// accepted address is trimmed, one `@`, lower-cased for lookup, and at most
    /// 254 characters.
    #[test]
    fn any_address_is_parsed_or_refused_with_its_code(text in any::<String>()) {
        match Email::parse(&text) {
            Ok(email) => {
                prop_assert_eq!(email.as_typed.as_str(), text.trim());
                prop_assert_eq!(email.normalised, text.trim().to_lowercase());
                prop_assert_eq!(email.as_typed.matches('@').count(), 1);
                prop_assert!(email.as_typed.chars().count() <= 254);
            }
            Err(AccountError::Invalid(InvalidInput::NotAnEmail | InvalidInput::EmailTooLong)) => {}
            Err(other) => prop_assert!(false, "{text:?}: {other}"),
        }
    }

    /// Addresses of the plausible shape are accepted, and their lookup form is
    /// the same whatever their case.
    #[test]
    fn plausible_addresses_are_accepted(
        local in "[a-zA-Z0-9._+-]{1,64}",
        domain in "[a-zA-Z0-9-]{1,30}(\\.[a-zA-Z]{2,10}){1,3}",
    ) {
        let text = format!("{local}@{domain}");
        let email = Email::parse(&text).unwrap();
        prop_assert_eq!(&email.as_typed, &text);
        prop_assert_eq!(Email::parse(&text.to_uppercase()).unwrap().normalised, email.normalised);
    }
}

/// The feed's own secret finds it; anything else finds nothing (and is no
/// error), through the function the calendar route calls.
#[test]
fn a_calendar_feed_is_found_by_its_secret_only() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let test = runtime.block_on(TestLog::sqlite());
    let feeds = Feeds::new(test.log.clone());
    let secret = runtime
        .block_on(server_secret(test.log.as_ref(), None))
        .unwrap();
    let commands = Arc::new(Commands::new(test.log.clone(), Services::system()));
    let accounts = Accounts::new(test.log.clone(), commands, EmailLookup::new(&secret));
    let person = runtime
        .block_on(accounts.sign_up("Ann", "ann@example.org", "correct horse battery"))
        .unwrap();
    let circle = CircleId(Uuid::new_v4());
    let feed = runtime
        .block_on(feeds.create(person, circle, CalendarScope::Mine))
        .unwrap();
    let found = runtime
        .block_on(feeds.find(feed.secret.as_str()))
        .unwrap()
        .expect("its own secret finds it");
    assert_eq!(found.id, feed.id);

    let mut runner = proptest::test_runner::TestRunner::new(config(128));
    runner
        .run(&prop_oneof![any::<String>(), near_a_secret()], |text| {
            let answer = runtime.block_on(feeds.find(&text)).unwrap();
            prop_assert!(
                answer.is_none() || text == feed.secret.as_str(),
                "{text:?} found a feed"
            );
            Ok(())
        })
        .unwrap();
}
