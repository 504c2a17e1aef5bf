//! Fuzzing the one-tap links of mails: `looks_like_token` is the gate of
//! `/links/{token}` and `/m/{token}` before the store is asked, `token_hash` what
//! the store is asked with, `Purpose::from_code` how a stored link is read back.
//! A fixed case count and a fixed seed: the same cases on every run and machine.

use kring_notify::links::{looks_like_token, token_hash, LinkKeys, Purpose};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use uuid::Uuid;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x6b72_696e_6703),
        ..ProptestConfig::default()
    }
}

fn purpose() -> impl Strategy<Value = Purpose> {
    proptest::sample::select(Purpose::ALL.to_vec())
}

proptest! {
    #![proptest_config(config(512))]

    /// Every token Kring writes into a mail passes the gate, and its stored
    /// form is the SHA-256 of exactly that text.
    #[test]
    fn every_token_we_write_is_recognised(
        secret in proptest::collection::vec(any::<u8>(), 32..64),
        message in any::<u128>(),
        purpose in purpose(),
    ) {
        let keys = LinkKeys::new(&secret);
        let token = keys.token(Uuid::from_u128(message), purpose);
        prop_assert!(looks_like_token(&token), "{token}");
        prop_assert_eq!(token_hash(&token).len(), 32);
        let link = keys.link(Uuid::from_u128(message), purpose, Uuid::nil(), &serde_json::json!({}), chrono::Utc::now());
        prop_assert_eq!(link.token_hash, token_hash(&token));
        prop_assert_eq!(Purpose::from_code(&link.purpose), Some(purpose));
        // Another purpose or message never gives the same token.
        let other = Purpose::ALL.into_iter().find(|p| *p != purpose).unwrap();
        prop_assert_ne!(keys.token(Uuid::from_u128(message), other), token.clone());
        prop_assert_ne!(keys.token(Uuid::from_u128(message ^ 1), purpose), token);
    }

    /// Anything at all: no panic; only 43 URL-safe characters pass the gate.
    #[test]
    fn any_text_passes_the_gate_only_as_43_url_safe_characters(text in any::<String>()) {
        if looks_like_token(&text) {
            prop_assert_eq!(text.len(), 43);
            prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
        prop_assert_eq!(token_hash(&text).len(), 32);
    }

    /// A token cut short, lengthened, or with a character outside the alphabet
    /// (a mail client's line break, `=`, `%`, a space) is turned away.
    #[test]
    fn a_damaged_token_is_turned_away(
        message in any::<u128>(),
        at in 0usize..43,
        bad in prop_oneof![Just('='), Just('%'), Just(' '), Just('\n'), Just('/'), Just('+'), Just('é')],
        how in 0u8..3,
    ) {
        let token = LinkKeys::new(&[7; 32]).token(Uuid::from_u128(message), Purpose::ClaimRequest);
        let damaged = match how {
            0 => token[..at].to_owned(),
            1 => format!("{token}{}", &token[at..=at]),
            _ => format!("{}{bad}{}", &token[..at], &token[at + 1..]),
        };
        prop_assert!(!looks_like_token(&damaged), "{damaged:?}");
    }

    /// Stored purposes read back; anything else names none.
    #[test]
    fn purposes_round_trip_and_garbage_names_none(purpose in purpose(), text in any::<String>()) {
        prop_assert_eq!(Purpose::from_code(purpose.code()), Some(purpose));
        if let Some(read) = Purpose::from_code(&text) {
            prop_assert_eq!(read.code(), text.as_str());
        }
    }
}
