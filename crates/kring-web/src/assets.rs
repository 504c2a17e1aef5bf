//! The one stylesheet and the one script, compiled in. Their addresses carry
//! a hash of their content (`?v=…`), so browsers may keep them for a year and
//! still fetch a new build's at once.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};

const CSS: &str = include_str!("../assets/kring.css");
const JS: &str = include_str!("../assets/live.js");
const ICON: &str = include_str!("../assets/icon.svg");

/// FNV-1a, 64 bits: enough to tell two builds' files apart.
const fn fingerprint(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

const CSS_VERSION: u64 = fingerprint(CSS);
const JS_VERSION: u64 = fingerprint(JS);
const ICON_VERSION: u64 = fingerprint(ICON);

pub fn css_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| format!("/assets/kring.css?v={CSS_VERSION:016x}"))
}

pub fn js_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| format!("/assets/live.js?v={JS_VERSION:016x}"))
}

pub fn icon_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| format!("/assets/icon.svg?v={ICON_VERSION:016x}"))
}

/// `GET /assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "kring.css" => (CSS, "text/css; charset=utf-8"),
        "live.js" => (JS, "text/javascript; charset=utf-8"),
        "icon.svg" => (ICON, "image/svg+xml"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_change_with_the_content() {
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert!(css_href().starts_with("/assets/kring.css?v="));
        assert!(js_href().starts_with("/assets/live.js?v="));
    }

    #[test]
    fn the_files_keep_to_the_content_security_policy() {
        // Everything the script touches it finds by data- attributes or ids;
        // it never writes markup with handlers or styles of its own.
        for forbidden in [
            "eval(",
            "new Function",
            "onclick",
            ".style.",
            "setAttribute('style",
        ] {
            assert!(!JS.contains(forbidden), "live.js uses {forbidden}");
        }
    }
}
