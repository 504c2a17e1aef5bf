//! A form stores what it sends once, however often it is sent (a double click,
//! a resubmitted page): every form carries a hidden key made when the page was
//! shown, which the page route hands to the API as `Idempotency-Key`. The
//! API's answer to a repeated key is the first answer, and nothing is written.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method, StatusCode};

/// The hidden field of every form.
pub const KEY_FIELD: &str = "idempotency_key";
/// The header the API reads it from.
pub const KEY_HEADER: &str = "idempotency-key";

/// `html` with a fresh key in every form that posts. Maud escapes `<`, `>`
/// and `"` in text and attributes, so every `<form` here is a real tag.
pub fn add_keys(html: String) -> String {
    const OPEN: &str = "<form";
    if !html.contains(OPEN) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html.as_str();
    while let Some(at) = rest.find(OPEN) {
        let Some(end) = rest[at..].find('>').map(|e| at + e + 1) else {
            break;
        };
        out.push_str(&rest[..end]);
        let tag = &rest[at..end];
        if tag.contains("method=\"post\"") {
            out.push_str(&format!(
                r#"<input type="hidden" name="{KEY_FIELD}" value="{}">"#,
                uuid::Uuid::new_v4()
            ));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Around the page routes: a posted form's key becomes the request's
/// `Idempotency-Key` header, which [`crate::api::Api::client`] passes on.
pub async fn key_from_form(request: Request, next: Next) -> Response {
    let is_form = request.method() == Method::POST
        && request.headers().get(CONTENT_TYPE).is_some_and(|t| {
            t.as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
    if !is_form {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, crate::MAX_FORM_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    parts.headers.remove(KEY_HEADER);
    if let Some(key) = key_in(&body) {
        parts.headers.insert(KEY_HEADER, key);
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// The key field of a url-encoded form. Keys are UUIDs, which need no
/// decoding; anything else is handed on for the API to judge.
fn key_in(body: &[u8]) -> Option<HeaderValue> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let value = pair
            .strip_prefix(KEY_FIELD.as_bytes())?
            .strip_prefix(b"=")?;
        HeaderValue::from_bytes(value).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_posting_form_gets_a_key_of_its_own() {
        let html = r#"<p>a</p><form class="stack" method="post" action="/x"><button>go</button></form><form method="get" action="/y"></form><form method="post" action="/z"></form>"#;
        let keyed = add_keys(html.to_owned());
        assert_eq!(keyed.matches(KEY_FIELD).count(), 2, "{keyed}");
        assert!(
            keyed.contains(r#"action="/x"><input type="hidden" name="idempotency_key" value=""#)
        );
        let keys: Vec<&str> = keyed
            .split(r#"name="idempotency_key" value=""#)
            .skip(1)
            .map(|rest| &rest[..36])
            .collect();
        assert_ne!(keys[0], keys[1]);
        assert_eq!(add_keys("<p>no form</p>".to_owned()), "<p>no form</p>");
    }

    #[test]
    fn the_key_is_read_from_the_form() {
        let key = key_in(b"text=hi&idempotency_key=0f0e-11&x=1").unwrap();
        assert_eq!(key, "0f0e-11");
        assert_eq!(key_in(b"text=hi"), None);
        assert_eq!(key_in(b"idempotency_keyx=1"), None);
    }
}
