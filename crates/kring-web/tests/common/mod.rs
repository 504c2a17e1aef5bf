//! The harness of the browser tests: a Kring server in this process over a
//! fresh SQLite file ([`kring::Kring`]), headless Chromium driven through
//! chromedriver with fantoccini ([`browser::Browser`]), axe-core in the page
//! ([`axe`]), and an API client to set the scene ([`api::Person`]).
//!
//! Chromium and chromedriver are Debian's `chromium` and `chromium-driver`
//! (`scripts/test.sh` installs them); without them the tests fail, they are
//! not skipped. Every process a test starts (chromedriver, Chromium, the
//! server) is stopped by a guard's `Drop`, also when the test fails.
//!
//! Waiting is always for a condition with a deadline ([`WAIT`], [`eventually`]), never a sleep.
#![allow(dead_code)]

pub mod api;
pub mod axe;
pub mod browser;
pub mod kring;

use std::time::Duration;

pub use api::Person;
pub use browser::{Browser, Size};
pub use kring::{Kring, Server};

/// How long a test waits for what a person would see before it fails. Generous
/// for a loaded two-core CI machine; a wait ends as soon as the condition holds.
pub const WAIT: Duration = Duration::from_secs(15);

/// How often a port is tried again while chromedriver starts.
pub const POLL: Duration = Duration::from_millis(50);

/// The password of everyone the tests make.
pub const PASSWORD: &str = "correct horse battery";

pub use kring_testkit::eventually;

/// A unique e-mail address for one person of one test.
pub fn email(who: &str) -> String {
    format!(
        "{}-{}@example.org",
        who.to_lowercase().replace(' ', "."),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}
