//! Who is asking: the session cookie and the extractor that turns it into an account.
//!
//! The cookie holds a random 256-bit token; the store keeps only its SHA-256
//! (see `kring_app::SessionToken`). It is `HttpOnly` (no script reads it),
//! `SameSite=Lax` (a cross-site form post does not carry it; the API also only
//! takes JSON bodies, which a cross-site form cannot send) and `Path=/`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use cookie::{Cookie, SameSite};
use kring_app::SESSION_LIFETIME;
use kring_domain::PersonId;

use crate::{ApiError, AppState, SetupError};

/// How the session cookie is named and flagged.
///
/// Behind HTTPS it is `__Host-kring_session` with `Secure`: the `__Host-`
/// prefix makes browsers refuse it unless it is Secure, has `Path=/` and no
/// `Domain`, so no other host or plain-HTTP page can plant or overwrite it.
/// Browsers reject a `__Host-` cookie without `Secure`, and `Secure` cookies
/// are not sent over plain HTTP (browsers only make an exception for
/// `localhost`, not for `127.0.0.1`, and clients such as curl and reqwest make
/// none): so without TLS, as in the embedded default on 127.0.0.1, it is plain
/// `kring_session` without `Secure`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionCookie {
    pub name: &'static str,
    pub secure: bool,
}

impl SessionCookie {
    pub const SECURE_NAME: &'static str = "__Host-kring_session";
    pub const PLAIN_NAME: &'static str = "kring_session";

    pub fn for_public_url(public_url: Option<&str>) -> Result<SessionCookie, SetupError> {
        let url = public_url.unwrap_or("http://");
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("https://") {
            Ok(SessionCookie {
                name: Self::SECURE_NAME,
                secure: true,
            })
        } else if lower.starts_with("http://") {
            Ok(SessionCookie {
                name: Self::PLAIN_NAME,
                secure: false,
            })
        } else {
            Err(SetupError::PublicUrl(url.to_owned()))
        }
    }

    /// `Set-Cookie` for a new session.
    pub(crate) fn set(&self, token: &str) -> HeaderValue {
        let lifetime = cookie::time::Duration::seconds(SESSION_LIFETIME.num_seconds());
        self.header(self.cookie(token.to_owned()).max_age(lifetime).build())
    }

    /// `Set-Cookie` that makes the browser drop the cookie.
    pub(crate) fn clear(&self) -> HeaderValue {
        let mut cookie = self.cookie(String::new()).build();
        cookie.make_removal();
        self.header(cookie)
    }

    fn cookie(&self, value: String) -> cookie::CookieBuilder<'static> {
        Cookie::build((self.name, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.secure)
    }

    fn header(&self, cookie: Cookie<'_>) -> HeaderValue {
        HeaderValue::from_str(&cookie.to_string()).expect("a cookie is a valid header value")
    }

    /// The session token the request carries, if any.
    pub(crate) fn token(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == self.name)
            .map(|cookie| cookie.value().to_owned())
    }
}

/// The account of a logged-in caller; 401 otherwise. A write (any method but
/// GET, HEAD and OPTIONS) also counts against the account's own quota
/// (`RateLimits::writes_per_account`): 429 when it is used up.
pub(crate) struct SignedIn(pub PersonId);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = state
            .app
            .cookie
            .token(&parts.headers)
            .ok_or(ApiError::NotLoggedIn)?;
        let account = state
            .app
            .accounts
            .session(&token)
            .await?
            .ok_or(ApiError::NotLoggedIn)?;
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            state.app.writes_per_account.check(&account.0.to_string())?;
        }
        Ok(SignedIn(account))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_https_the_cookie_is_host_bound_and_secure() {
        let cookie = SessionCookie::for_public_url(Some("https://kring.example.org")).unwrap();
        assert_eq!(cookie.name, "__Host-kring_session");
        let set = cookie.set("token");
        let set = set.to_str().unwrap();
        for part in [
            "__Host-kring_session=token",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Secure",
            "Max-Age=2592000",
        ] {
            assert!(set.contains(part), "{set} lacks {part}");
        }
        assert!(!set.contains("Domain"), "{set}");
    }

    #[test]
    fn without_tls_the_cookie_has_no_prefix_and_is_not_secure() {
        for url in [None, Some("http://127.0.0.1:8080/")] {
            let cookie = SessionCookie::for_public_url(url).unwrap();
            assert_eq!(cookie.name, "kring_session");
            let set = cookie.set("token");
            let set = set.to_str().unwrap();
            assert!(set.starts_with("kring_session=token"), "{set}");
            assert!(!set.contains("Secure"), "{set}");
            assert!(set.contains("HttpOnly"), "{set}");
        }
        assert!(SessionCookie::for_public_url(Some("kring.example.org")).is_err());
    }

    #[test]
    fn clearing_expires_the_cookie() {
        let cookie = SessionCookie::for_public_url(None).unwrap();
        let clear = cookie.clear();
        let clear = clear.to_str().unwrap();
        assert!(clear.starts_with("kring_session=;"), "{clear}");
        assert!(clear.contains("Max-Age=0"), "{clear}");
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let cookie = SessionCookie::for_public_url(None).unwrap();
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("theme=dark"));
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=b; kring_session=abc; c=d"),
        );
        assert_eq!(cookie.token(&headers).as_deref(), Some("abc"));
        assert_eq!(cookie.token(&HeaderMap::new()), None);
    }

    /// Fuzzing the `Cookie` headers a stranger sends, with a fixed case count
    /// and seed: no panic; the session's value is found among any other cookies
    /// (for both names); a header without our cookie yields no token; and what
    /// is found is only ever handed to `SessionToken::hash_of`, which refuses
    /// anything but a secret of ours.
    mod fuzz {
        use proptest::prelude::*;
        use proptest::test_runner::RngSeed;

        use super::*;

        fn other_cookie() -> impl Strategy<Value = String> {
            ("[a-zA-Z0-9_-]{1,12}", "[a-zA-Z0-9_.=-]{0,20}")
                .prop_filter("not ours", |(name, _)| !name.ends_with("kring_session"))
                .prop_map(|(name, value)| format!("{name}={value}"))
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 512,
                failure_persistence: None,
                rng_seed: RngSeed::Fixed(0x6b72_696e_6705),
                ..ProptestConfig::default()
            })]

            #[test]
            fn any_header_bytes_give_a_token_or_none(
                headers in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..4),
                secure in any::<bool>(),
            ) {
                let cookie = if secure {
                    SessionCookie::for_public_url(Some("https://kring.example.org")).unwrap()
                } else {
                    SessionCookie::for_public_url(None).unwrap()
                };
                let mut map = HeaderMap::new();
                for bytes in &headers {
                    if let Ok(value) = HeaderValue::from_bytes(bytes) {
                        map.append(header::COOKIE, value);
                    }
                }
                if let Some(token) = cookie.token(&map) {
                    let text = headers.iter().map(|b| String::from_utf8_lossy(b)).collect::<Vec<_>>().join(";");
                    prop_assert!(text.contains(cookie.name), "{text:?} gave {token:?}");
                    let _ = kring_app::SessionToken::hash_of(&token);
                }
            }

            #[test]
            fn the_session_is_found_among_other_cookies(
                before in proptest::collection::vec(other_cookie(), 0..4),
                after in proptest::collection::vec(other_cookie(), 0..4),
                secure in any::<bool>(),
                split in any::<bool>(),
            ) {
                let cookie = if secure {
                    SessionCookie::for_public_url(Some("https://kring.example.org")).unwrap()
                } else {
                    SessionCookie::for_public_url(None).unwrap()
                };
                let token = kring_app::SessionToken::generate().unwrap();
                let ours = format!("{}={}", cookie.name, token.as_str());
                let mut map = HeaderMap::new();
                if split {
                    for part in before.iter().chain([&ours]).chain(&after) {
                        map.append(header::COOKIE, HeaderValue::from_str(part).unwrap());
                    }
                } else {
                    let all: Vec<&str> = before.iter().map(String::as_str).chain([ours.as_str()]).chain(after.iter().map(String::as_str)).collect();
                    map.append(header::COOKIE, HeaderValue::from_str(&all.join("; ")).unwrap());
                }
                let found = cookie.token(&map);
                prop_assert_eq!(found.as_deref(), Some(token.as_str()));
                prop_assert_eq!(kring_app::SessionToken::hash_of(token.as_str()), Some(token.hash()));

                let mut without = HeaderMap::new();
                for part in before.iter().chain(&after) {
                    without.append(header::COOKIE, HeaderValue::from_str(part).unwrap());
                }
                prop_assert_eq!(cookie.token(&without), None);
            }
        }
    }
}
