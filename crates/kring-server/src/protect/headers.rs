//! The security headers of every response, pages, probes and API alike. Each
//! is set only when the response has none of its own, so a page that needs a
//! different policy can say so.

use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// Only Kring's own scripts, styles and images; no plugins; no page may frame
/// Kring (clickjacking); forms post only to Kring; no `<base>` to redirect links.
pub(crate) const CONTENT_SECURITY_POLICY_VALUE: &str =
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// A year. Without `includeSubDomains`: other hosts under the same domain are
/// not Kring's to decide for.
pub(crate) const STRICT_TRANSPORT_SECURITY_VALUE: &str = "max-age=31536000";

pub(crate) fn add(router: Router, https: bool) -> Router {
    let header = |value: &'static str| HeaderValue::from_static(value);
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            header(CONTENT_SECURITY_POLICY_VALUE),
        ))
        // Browsers take a body for what its Content-Type says, never sniff.
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            header("nosniff"),
        ))
        // frame-ancestors for browsers that predate it.
        .layer(SetResponseHeaderLayer::if_not_present(
            X_FRAME_OPTIONS,
            header("DENY"),
        ))
        // Addresses can hold secrets (calendar tokens, invitations) and always
        // say which circle someone looks at: no other site learns them.
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            header("no-referrer"),
        ))
        // Only behind https: over plain HTTP browsers ignore it anyway, and
        // claiming it for a local test address would be wrong.
        .layer(SetResponseHeaderLayer::if_not_present(
            STRICT_TRANSPORT_SECURITY,
            https.then(|| header(STRICT_TRANSPORT_SECURITY_VALUE)),
        ))
}
