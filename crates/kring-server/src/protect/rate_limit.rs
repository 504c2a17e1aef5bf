//! Rate limits on the addresses a script would hammer: log-in (guessing
//! passwords), sign-up (making accounts by the thousand) and invitations
//! (sending or trying them in bulk), and a roomy one on every write, in the
//! API and in the pages' forms
//! (kring-web calls the API in-process, past this guard, so its forms are
//! counted here as their API counterparts). Each is a GCRA limiter from `governor`,
//! keyed by the client's address: a burst at once, then one attempt more per
//! interval. Every attempt counts, right or wrong, and is counted before the
//! handler runs (and so before any password hashing).
//!
//! The client address is the TCP peer (`ConnectInfo`, see `kring_server::serve`),
//! or behind a trusted reverse proxy the address it saw (`client.rs`; without
//! `Settings::trusted_proxies` every client of a proxy shares its allowance).
//! IPv6 addresses count per /64, the block one home or phone is usually given,
//! so that walking through one's own block gains nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::Method;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::ApiError;

/// The allowances per client address (see the module's documentation for
/// which address that is behind a proxy). The numbers live here, in `Default`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// `POST /api/v1/session` and the page's `POST /login`; also asking for
    /// mail (`/api/v1/password-reset[/{token}]`, `/api/v1/me/email/verification`,
    /// the pages' `/forgot` and `/me/email/verification`); deleting one's
    /// account (`/api/v1/me/deletion`, the page's `POST /me/delete`).
    pub log_in: Limit,
    /// `POST /api/v1/accounts` and the page's `POST /signup`.
    pub sign_up: Limit,
    /// `POST /api/v1/circles/{id}/invitations[/mail]`, `POST /api/v1/invitations/accept`
    /// and `POST /api/v1/organisations/{org}/intermediaries` (a mailed invitation),
    /// and the pages' `POST /circles/{id}/members` (invite) and `POST /join`, together.
    pub invitations: Limit,
    /// Every other write too (`POST`, `PUT`, `PATCH`, `DELETE`, API and pages),
    /// per client address: one address is often many people (a care home's
    /// wifi), so this only stops a flood; [`RateLimits::writes_per_account`]
    /// is each person's own quota.
    pub writes: Limit,
    /// Every write a signed-in person makes, per account (however many
    /// addresses or sessions they use): no one makes a circle costly for the
    /// others by writing at machine speed.
    pub writes_per_account: Limit,
    /// Checks of one account's password (log-in, a new password, a new
    /// address), from any number of addresses: guessing spread over a botnet
    /// is as slow as from one address.
    pub password_checks: Limit,
}

impl Default for RateLimits {
    /// One address can be a whole family, a care home's wifi or a mobile
    /// carrier's shared address, so each burst leaves room for several people
    /// at once; the steady pace after it is what stops a script.
    fn default() -> Self {
        RateLimits {
            // Retyping a password, or a household logging in together; then one
            // try every 6 s: 600 guesses an hour, each also paying for argon2id.
            log_in: Limit::per_minute(10),
            // One every 12 s after a burst of 10 (a family signing up together):
            // nobody makes an account every few seconds for long.
            sign_up: Limit::per_minute(5).with_burst(10),
            // A coordinator inviting a whole family at once, and the invited
            // accepting; one every 2 s after that.
            invitations: Limit::per_minute(30),
            // A coordinator filling the rota at once: 60 quick steps, then one a
            // second. Nobody types faster for long.
            writes_per_account: Limit::per_minute(60),
            // Ten such people behind one address at full speed.
            writes: Limit::per_minute(600),
            // As a log-in from one address: ten at once, then one every 6 s.
            password_checks: Limit::per_minute(10),
        }
    }
}

impl RateLimits {
    /// Every allowance `n` times the default's pace and burst: for a machine
    /// under load tests, whose clients write far faster than people do.
    pub fn roomy(n: u32) -> RateLimits {
        let roomy = Limit::per_minute(600 * n.max(1));
        RateLimits {
            log_in: roomy,
            sign_up: roomy,
            invitations: roomy,
            writes: roomy,
            writes_per_account: roomy,
            password_checks: roomy,
        }
    }
}

/// A burst of attempts at once, then one more each time an interval has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    burst: NonZeroU32,
    interval: Duration,
}

impl Limit {
    /// `n` attempts a minute, all of which may come at once. Panics when `n` is 0.
    pub const fn per_minute(n: u32) -> Limit {
        Limit::spread(n, 60)
    }

    /// `n` attempts an hour, all of which may come at once. Panics when `n` is 0.
    pub const fn per_hour(n: u32) -> Limit {
        Limit::spread(n, 3600)
    }

    /// The same pace, with `burst` attempts at once. Panics when `burst` is 0.
    pub const fn with_burst(self, burst: u32) -> Limit {
        match NonZeroU32::new(burst) {
            Some(burst) => Limit { burst, ..self },
            None => panic!("a rate limit allows at least one attempt"),
        }
    }

    const fn spread(n: u32, seconds: u64) -> Limit {
        match NonZeroU32::new(n) {
            Some(burst) => Limit {
                burst,
                interval: Duration::from_nanos(seconds * 1_000_000_000 / n as u64),
            },
            None => panic!("a rate limit allows at least one attempt"),
        }
    }

    fn quota(self) -> Quota {
        Quota::with_period(self.interval)
            .expect("the interval of a limit is not zero")
            .allow_burst(self.burst)
    }
}

/// Every this many checks, addresses whose allowance is whole again are
/// forgotten. An address is kept at most burst × interval after its last
/// attempt (two minutes with the defaults), so memory stays proportional to
/// the addresses seen in that time, plus at most this many.
const SWEEP_EVERY: u64 = 1024;

type Limiter = DefaultKeyedRateLimiter<IpAddr>;

pub(crate) struct Limiters {
    log_in: Limiter,
    sign_up: Limiter,
    invitations: Limiter,
    writes: Limiter,
    checks: AtomicU64,
}

impl Limiters {
    pub(crate) fn new(limits: &RateLimits) -> Limiters {
        Limiters {
            log_in: Limiter::keyed(limits.log_in.quota()),
            sign_up: Limiter::keyed(limits.sign_up.quota()),
            invitations: Limiter::keyed(limits.invitations.quota()),
            writes: Limiter::keyed(limits.writes.quota()),
            checks: AtomicU64::new(0),
        }
    }

    /// 429 when `client` has used up its allowance for this kind of request;
    /// `client` is `None` when the server does not know it (all such share one).
    pub(crate) fn check(
        &self,
        method: &Method,
        path: &str,
        client: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        let write = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        let specific = self.limiter_for(method, path);
        if specific.is_none() && !write {
            return Ok(());
        }
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep();
        }
        let key = key(client);
        for limiter in specific.into_iter().chain(write.then_some(&self.writes)) {
            limiter
                .check_key(&key)
                .map_err(|not_until| too_many(not_until.wait_time_from(limiter.clock().now())))?;
        }
        Ok(())
    }

    /// The limited requests, matched by method and path (so a route that is
    /// added or moved later stays limited as long as its address is the same).
    fn limiter_for(&self, method: &Method, path: &str) -> Option<&Limiter> {
        // Changing one's address mails the new one and checks the password:
        // as much a probe (and a way to mail someone) as a log-in.
        if method == Method::PUT {
            let rest = path.strip_prefix(kring_protocol::v1::PREFIX)?;
            return (rest == "/me/email" || rest == "/me/password").then_some(&self.log_in);
        }
        if method != Method::POST {
            return None;
        }
        let (api, rest) = match path.strip_prefix(kring_protocol::v1::PREFIX) {
            Some(rest) => (true, rest),
            None => (false, path),
        };
        let mut segments = rest.strip_prefix('/')?.split('/');
        let segments = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        );
        match (api, segments) {
            (true, (Some("session"), None, None, None)) => Some(&self.log_in),
            // Asking for a password reset or a new link is as much a probe of
            // addresses as a log-in: the same allowance.
            (true, (Some("password-reset"), _, None, None)) => Some(&self.log_in),
            (true, (Some("me"), Some("email"), Some("verification"), None)) => Some(&self.log_in),
            // Deleting one's account checks the password: a probe like a log-in.
            (true, (Some("me"), Some("deletion"), None, None)) => Some(&self.log_in),
            (true, (Some("organisations"), Some(id), Some("intermediaries"), None))
                if !id.is_empty() =>
            {
                Some(&self.invitations)
            }
            (true, (Some("accounts"), None, None, None)) => Some(&self.sign_up),
            (true, (Some("circles"), Some(id), Some("invitations"), None)) if !id.is_empty() => {
                Some(&self.invitations)
            }
            (true, (Some("invitations"), Some("accept"), None, None)) => Some(&self.invitations),
            (true, (Some("circles"), Some(id), Some("invitations"), Some("mail")))
                if !id.is_empty() =>
            {
                Some(&self.invitations)
            }
            // The pages' forms (kring-web).
            (false, (Some("login"), None, None, None)) => Some(&self.log_in),
            (false, (Some("forgot"), None, None, None)) => Some(&self.log_in),
            (false, (Some("me"), Some("email"), Some("verification"), None)) => Some(&self.log_in),
            (false, (Some("me"), Some("delete"), None, None)) => Some(&self.log_in),
            (false, (Some("signup"), None, None, None)) => Some(&self.sign_up),
            (false, (Some("join"), None, None, None)) => Some(&self.invitations),
            (false, (Some("circles"), Some(id), Some("members"), None)) if !id.is_empty() => {
                Some(&self.invitations)
            }
            _ => None,
        }
    }

    fn sweep(&self) {
        for limiter in [&self.log_in, &self.sign_up, &self.invitations, &self.writes] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Mails one address or account may cause: a few at once, then one per
/// `interval`. Keyed by something other than the client (an address's lookup,
/// an account), so that many clients together cannot flood one mailbox.
pub(crate) struct PerKey {
    limiter: DefaultKeyedRateLimiter<String>,
    checks: AtomicU64,
}

impl PerKey {
    pub(crate) fn new(limit: Limit) -> PerKey {
        PerKey {
            limiter: DefaultKeyedRateLimiter::keyed(limit.quota()),
            checks: AtomicU64::new(0),
        }
    }

    /// True when `key` may cause one more mail now (and counts it).
    pub(crate) fn allows(&self, key: &str) -> bool {
        self.check(key).is_ok()
    }

    /// 429 (with how long to wait) unless `key` may do one more now; counts it.
    pub(crate) fn check(&self, key: &str) -> Result<(), ApiError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| too_many(not_until.wait_time_from(self.limiter.clock().now())))
    }
}

fn too_many(wait: Duration) -> ApiError {
    ApiError::TooManyRequests {
        // Whole seconds, rounded up: waiting that long is always enough.
        retry_after_secs: (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1),
    }
}

/// The key of a client: its IPv4 address, or its IPv6 /64.
fn key(client: Option<IpAddr>) -> IpAddr {
    match client.map(|address| address.to_canonical()) {
        Some(IpAddr::V6(v6)) => {
            let prefix = u128::from(v6) & !(u128::MAX >> 64);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        Some(v4) => v4,
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::Instant;

    use super::*;

    /// The address of a peer written with its port (which makes no difference).
    fn address(text: &str) -> Option<IpAddr> {
        Some(text.parse::<SocketAddr>().unwrap().ip())
    }

    fn tight() -> RateLimits {
        RateLimits {
            log_in: Limit::per_hour(3),
            sign_up: Limit::per_hour(1),
            invitations: Limit::per_hour(2),
            writes: Limit::per_hour(1000),
            writes_per_account: Limit::per_hour(1000),
            password_checks: Limit::per_hour(1000),
        }
    }

    #[test]
    fn every_write_counts_against_the_address_also_past_its_own_allowance() {
        let limiters = Limiters::new(&RateLimits {
            writes: Limit::per_hour(4),
            ..RateLimits::roomy(10)
        });
        let carol = address("192.0.2.9:5000");
        for (method, path) in [
            (Method::POST, "/api/v1/circles/c1/logbook"),
            (Method::PUT, "/api/v1/circles/c1/members/p1/ring"),
            (Method::DELETE, "/api/v1/circles/c1/invitations/i1"),
            (Method::POST, "/circles/c1/logbook"),
        ] {
            assert!(
                limiters.check(&method, path, carol).is_ok(),
                "{method} {path}"
            );
        }
        for (method, path) in [
            (Method::POST, "/api/v1/organisations"),
            (Method::POST, "/api/v1/session"),
            (Method::PATCH, "/anything"),
        ] {
            assert!(
                limiters.check(&method, path, carol).is_err(),
                "{method} {path}"
            );
        }
        // Reads are not writes; another address has its own allowance.
        assert!(limiters
            .check(&Method::GET, "/api/v1/circles", carol)
            .is_ok());
        let dave = address("192.0.2.10:5000");
        assert!(limiters
            .check(&Method::POST, "/api/v1/organisations", dave)
            .is_ok());
    }

    #[test]
    fn each_kind_has_its_own_allowance_per_address() {
        let limiters = Limiters::new(&tight());
        let post = Method::POST;
        let ann = address("192.0.2.1:5000");
        for _ in 0..3 {
            assert!(limiters.check(&post, "/api/v1/session", ann).is_ok());
        }
        let refused = limiters.check(&post, "/api/v1/session", ann).unwrap_err();
        let ApiError::TooManyRequests { retry_after_secs } = refused else {
            panic!("{refused:?}");
        };
        assert!(
            (1_195..=1_200).contains(&retry_after_secs),
            "one attempt comes back every 20 minutes: {retry_after_secs}"
        );
        assert_eq!(refused.problem().status, 429);
        assert_eq!(
            refused.problem().kind,
            "urn:kring:problem:too-many-requests"
        );
        assert_eq!(refused.problem().title, "Too many requests");
        assert!(
            refused
                .to_string()
                .starts_with("too many attempts: try again in 1"),
            "{refused}"
        );
        // Another port of the same address is the same client; another address is not.
        assert!(limiters
            .check(&post, "/api/v1/session", address("192.0.2.1:6000"))
            .is_err());
        assert!(limiters
            .check(&post, "/api/v1/session", address("192.0.2.2:5000"))
            .is_ok());
        // Another kind of request has its own allowance.
        assert!(limiters.check(&post, "/api/v1/accounts", ann).is_ok());
        assert!(limiters.check(&post, "/api/v1/accounts", ann).is_err());
        // The two invitation addresses share one.
        assert!(limiters
            .check(&post, "/api/v1/circles/c1/invitations", ann)
            .is_ok());
        assert!(limiters
            .check(&post, "/api/v1/invitations/accept", ann)
            .is_ok());
        assert!(limiters
            .check(&post, "/api/v1/circles/c2/invitations", ann)
            .is_err());
        assert!(limiters
            .check(&post, "/api/v1/invitations/accept", ann)
            .is_err());
        // The pages' forms count with their API counterparts.
        let bob = address("192.0.2.7:5000");
        for _ in 0..2 {
            assert!(limiters.check(&post, "/login", bob).is_ok());
        }
        assert!(limiters.check(&post, "/api/v1/session", bob).is_ok());
        assert!(limiters.check(&post, "/login", bob).is_err());
        assert!(limiters.check(&post, "/signup", bob).is_ok());
        assert!(limiters.check(&post, "/api/v1/accounts", bob).is_err());
        assert!(limiters.check(&post, "/circles/c1/members", bob).is_ok());
        assert!(limiters.check(&post, "/join", bob).is_ok());
        assert!(limiters
            .check(&post, "/api/v1/invitations/accept", bob)
            .is_err());
        // Reads and other addresses are not limited.
        for (method, path) in [
            (Method::GET, "/api/v1/session"),
            (Method::DELETE, "/api/v1/session"),
            (Method::GET, "/api/v1/circles/c1/invitations"),
            (Method::POST, "/api/v1/circles"),
            (Method::POST, "/api/v1/circles/c1/logbook"),
            (Method::POST, "/api/v1/session/extra"),
            (Method::POST, "/api/v1/circles//invitations"),
            (Method::POST, "/api/v1/invitations"),
            (Method::POST, "/session"),
            (Method::GET, "/login"),
            (Method::GET, "/join"),
            (Method::POST, "/login/extra"),
            (Method::POST, "/circles/c1/logbook"),
            (Method::POST, "/circles//members"),
            (Method::POST, "/circles/c1/members/p1/ring"),
        ] {
            assert!(
                limiters.check(&method, path, ann).is_ok(),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn ipv6_counts_per_64_block_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            key(address("[2001:db8:1:2:aaaa::1]:443")),
            key(address("[2001:db8:1:2:ffff::9]:80"))
        );
        assert_ne!(
            key(address("[2001:db8:1:2::1]:443")),
            key(address("[2001:db8:1:3::1]:443"))
        );
        assert_eq!(
            key(address("[::ffff:192.0.2.1]:1")),
            key(address("192.0.2.1:2"))
        );
        assert_eq!(key(None), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    }

    #[test]
    fn addresses_whose_allowance_is_whole_again_are_forgotten() {
        let quick = Limit {
            burst: NonZeroU32::MIN,
            interval: Duration::from_millis(1),
        };
        let limiters = Limiters::new(&RateLimits {
            log_in: quick,
            ..tight()
        });
        for n in 0..=255u8 {
            let client = Some(IpAddr::from([198, 51, 100, n]));
            limiters
                .check(&Method::POST, "/api/v1/session", client)
                .unwrap();
        }
        assert_eq!(limiters.log_in.len(), 256);
        // Checks of any kind sweep now and then; a millisecond after their
        // attempt, those 256 addresses have their whole allowance back.
        let deadline = Instant::now() + Duration::from_secs(10);
        let other = address("203.0.113.1:1");
        while !limiters.log_in.is_empty() {
            assert!(
                Instant::now() < deadline,
                "{} still remembered",
                limiters.log_in.len()
            );
            for _ in 0..SWEEP_EVERY {
                let _ = limiters.check(&Method::POST, "/api/v1/accounts", other);
            }
        }
        assert_eq!(limiters.sign_up.len(), 1, "a recent one is kept");
    }

    #[test]
    fn asking_for_mail_counts_as_a_log_in_and_inviting_as_an_invitation() {
        let limiters = Limiters::new(&tight());
        let post = Method::POST;
        let ann = address("192.0.2.7:5000");
        for path in [
            "/api/v1/password-reset",
            "/api/v1/password-reset/some-token",
            "/forgot",
        ] {
            assert!(limiters.check(&post, path, ann).is_ok(), "{path}");
        }
        // Three log-ins' worth used up: a log-in is refused too.
        assert!(limiters.check(&post, "/api/v1/session", ann).is_err());
        let bob = address("192.0.2.8:5000");
        assert!(limiters
            .check(&post, "/api/v1/organisations/o1/intermediaries", bob)
            .is_ok());
        assert!(limiters
            .check(&post, "/api/v1/circles/c1/invitations/mail", bob)
            .is_ok());
        assert!(limiters
            .check(&post, "/api/v1/circles/c1/invitations", bob)
            .is_err());
        // Every key has its own few mails, whoever asks.
        let per_key = PerKey::new(Limit::per_hour(2));
        assert!(per_key.allows("reset:a") && per_key.allows("reset:a"));
        assert!(!per_key.allows("reset:a"));
        assert!(per_key.allows("reset:b"));
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let limits = RateLimits::default();
        assert_eq!(
            limits.log_in.quota(),
            Quota::per_minute(NonZeroU32::new(10).unwrap())
        );
        assert_eq!(limits.sign_up.interval, Duration::from_secs(12));
        assert_eq!(limits.sign_up.burst.get(), 10);
        assert_eq!(limits.invitations.interval, Duration::from_secs(2));
        assert_eq!(limits.writes_per_account.interval, Duration::from_secs(1));
        assert_eq!(limits.writes_per_account.burst.get(), 60);
        assert_eq!(limits.writes.interval, Duration::from_millis(100));
    }
}
