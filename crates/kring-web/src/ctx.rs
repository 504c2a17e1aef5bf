//! What every page handler knows of its request ([`Ctx`]), and the answers
//! pages give: HTML, a redirect after a form, a failure shown as a page.
//!
//! After a form, a short-lived cookie (`kring_flash`) carries what happened to
//! the page the browser is sent back to: the API's reason when it refused, or
//! a short "done". The next page shows it once and clears it.

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};
use maud::Markup;

use crate::api::{Client, Failure};
use crate::i18n::{Lang, T};
use crate::{layout, Web};

/// The cookies the API's session goes by (plain HTTP, and behind HTTPS).
const SESSION_COOKIES: [&str; 2] = ["kring_session", "__Host-kring_session"];
/// The language someone chose with the switch.
pub const LANG_COOKIE: &str = "kring_lang";
const FLASH_COOKIE: &str = "kring_flash";

/// What a form's outcome says on the next page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flash {
    /// Refused: the reason, shown in a `role="alert"` region.
    Problem(String),
    /// Done: shown in a polite `role="status"` region.
    Done(String),
}

/// The request as a page sees it.
pub struct Ctx {
    pub lang: Lang,
    pub client: Client,
    /// This page's path and query, without `min_version`: where the language
    /// switch and logging in come back to.
    pub here: String,
    /// `min_version` of the query, passed on to the API's reads.
    pub min_version: Option<u64>,
    pub flash: Option<Flash>,
    /// The browser holds a session cookie (a hint for the header; the API decides).
    pub signed_in: bool,
}

impl FromRequestParts<Web> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let lang = Lang::choose(
            cookie(headers, LANG_COOKIE).as_deref(),
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok()),
        );
        let (here, min_version) =
            split_min_version(parts.uri.path_and_query().map_or("/", |pq| pq.as_str()));
        Ok(Ctx {
            lang,
            client: web.api.client(headers).speaking(lang),
            here,
            min_version,
            flash: cookie(headers, FLASH_COOKIE).and_then(|value| decode_flash(&value)),
            signed_in: SESSION_COOKIES
                .iter()
                .any(|name| cookie(headers, name).is_some_and(|v| !v.is_empty())),
        })
    }
}

impl Ctx {
    pub fn t(&self, key: T) -> &'static str {
        self.lang.t(key)
    }

    /// An HTML page; clears the flash it showed.
    pub fn html(&self, status: StatusCode, page: Markup) -> Response {
        // Every form gets its key here, once for all pages (see `once`).
        let html = crate::once::add_keys(page.into_string());
        let mut response = (status, html).into_response();
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // Pages are personal, like the API's answers.
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.flash.is_some() {
            headers.append(SET_COOKIE, clear_flash());
        }
        response
    }

    /// A failed read, as a page: log in first, not found, refused, or try again.
    pub fn failure(&self, failure: Failure) -> Response {
        match failure {
            Failure::SignedOut => see_other(&login_for(&self.here)),
            Failure::NotFound => self.html(StatusCode::NOT_FOUND, layout::not_found(self)),
            Failure::Refused { status, detail, .. } => self.html(
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                layout::problem(self, &detail),
            ),
            Failure::Unavailable => {
                let detail = self.t(T::TryAgainLater);
                self.html(
                    StatusCode::SERVICE_UNAVAILABLE,
                    layout::problem(self, detail),
                )
            }
        }
    }

    /// The answer to a form: back to `back` (with `min_version` when the API
    /// answered a version), saying what happened.
    pub fn after(&self, outcome: Result<Option<u64>, Failure>, back: &str, done: T) -> Response {
        match outcome {
            Ok(version) => see_other_with(
                &crate::api::with_min_version(back, version),
                &Flash::Done(self.t(done).to_owned()),
            ),
            Err(failure) => self.refused(failure, back),
        }
    }

    /// Back to `back`, showing why the API did not do it.
    pub fn refused(&self, failure: Failure, back: &str) -> Response {
        let detail = match failure {
            Failure::SignedOut => return see_other(&login_for(back)),
            Failure::NotFound => self.t(T::NotFoundAction).to_owned(),
            Failure::Refused { detail, .. } => detail,
            Failure::Unavailable => self.t(T::TryAgainLater).to_owned(),
        };
        see_other_with(back, &Flash::Problem(detail))
    }
}

/// `303 See Other` to a path of ours.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `303 See Other` with a flash for the next page.
pub fn see_other_with(location: &str, flash: &Flash) -> Response {
    let mut response = see_other(location);
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={}; Path=/; Max-Age=120; HttpOnly; SameSite=Lax",
        encode_flash(flash)
    )) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

fn clear_flash() -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
    ))
    .expect("a valid header")
}

/// The log-in page, coming back to `back` afterwards.
pub fn login_for(back: &str) -> String {
    format!("/login?next={}", percent_encode(back))
}

/// A path to come back to, when it is one of ours: `/…`, never `//host` or
/// anything with control characters.
pub fn local_path(path: &str) -> Option<&str> {
    let ours = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control() || c == '\\');
    ours.then_some(path)
}

/// The value of one cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
}

/// A path and query without its `min_version`, and that version.
fn split_min_version(path_and_query: &str) -> (String, Option<u64>) {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return (path_and_query.to_owned(), None);
    };
    let mut min_version = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("min_version=") {
            Some(value) => {
                min_version = value.parse().ok();
                false
            }
            None => !pair.is_empty(),
        })
        .collect();
    if rest.is_empty() {
        (path.to_owned(), min_version)
    } else {
        (format!("{path}?{}", rest.join("&")), min_version)
    }
}

/// Percent-encoding of everything but unreserved characters (RFC 3986).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The reverse of [`percent_encode`] (and of form encoding's `+`); `None`
/// for text that does not decode to UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The longest flash kept: a reason is a sentence or two.
const MAX_FLASH_CHARS: usize = 600;

fn encode_flash(flash: &Flash) -> String {
    let (kind, text) = match flash {
        Flash::Problem(text) => ("p", text),
        Flash::Done(text) => ("d", text),
    };
    let text: String = text.chars().take(MAX_FLASH_CHARS).collect();
    format!("{kind}.{}", percent_encode(&text))
}

fn decode_flash(value: &str) -> Option<Flash> {
    let (kind, text) = value.split_once('.')?;
    let text: String = percent_decode(text)?
        .chars()
        .take(MAX_FLASH_CHARS)
        .collect();
    match kind {
        "p" => Some(Flash::Problem(text)),
        "d" => Some(Flash::Done(text)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_survives_its_cookie() {
        for flash in [
            Flash::Problem("de dienst is al vol; kies een andere — 100% zeker?".into()),
            Flash::Done("Saved.".into()),
        ] {
            let encoded = encode_flash(&flash);
            assert!(encoded
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~%".contains(c)));
            assert_eq!(decode_flash(&encoded), Some(flash));
        }
        assert_eq!(decode_flash("x.abc"), None);
        assert_eq!(decode_flash("p.%ZZ"), None);
    }

    #[test]
    fn only_our_own_paths_are_come_back_to() {
        assert_eq!(
            local_path("/circles/1?week=2026-05-04"),
            Some("/circles/1?week=2026-05-04")
        );
        for elsewhere in [
            "//evil.test/",
            "https://evil.test/",
            "/\\evil.test",
            "",
            "circles",
            "/a\nb",
        ] {
            assert_eq!(local_path(elsewhere), None, "{elsewhere:?}");
        }
        assert_eq!(login_for("/join"), "/login?next=%2Fjoin");
    }

    #[test]
    fn min_version_is_taken_out_of_the_address() {
        assert_eq!(split_min_version("/circles/c"), ("/circles/c".into(), None));
        assert_eq!(
            split_min_version("/circles/c?min_version=7"),
            ("/circles/c".into(), Some(7))
        );
        assert_eq!(
            split_min_version("/circles/c/rota?week=2026-05-04&min_version=7"),
            ("/circles/c/rota?week=2026-05-04".into(), Some(7))
        );
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; kring_lang=en;kring_flash=d.ok"),
        );
        assert_eq!(cookie(&headers, "kring_lang").as_deref(), Some("en"));
        assert_eq!(cookie(&headers, "kring_flash").as_deref(), Some("d.ok"));
        assert_eq!(cookie(&headers, "lang"), None);
        assert_eq!(percent_decode("a+b%20c").as_deref(), Some("a b c"));
    }
}
