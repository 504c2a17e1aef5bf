//! What stands between the internet and the handlers, around the whole router:
//!
//! - `csrf`: a write that carries the session cookie must come from Kring's own
//!   pages (403 otherwise);
//! - `rate_limit`: log-in, sign-up and invitations, per client address (429),
//!   which `client` finds (the TCP peer, or behind trusted proxies `X-Forwarded-For`);
//! - `timeout`: no request holds the server longer than [`REQUEST_TIMEOUT`] (503);
//! - `headers`: the security headers on every response, pages and API alike.
//!
//! From the outside in: trace (in `lib.rs`), headers, timeout, then the guard
//! (same origin first, then the rate limit), then the routes.

mod client;
mod csrf;
mod headers;
mod rate_limit;
mod timeout;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use ipnet::IpNet;

pub(crate) use rate_limit::PerKey;
pub use rate_limit::{Limit, RateLimits};

use crate::SessionCookie;

/// How long one request may take, from its head to the head of its answer
/// (reading a slowly sent body included). Far above any honest request: the
/// longest wait a handler makes on purpose is the read patience of a few seconds.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The state of the guard, shared by every copy of the router.
pub(crate) struct Protection {
    same_origin: csrf::SameOrigin,
    limits: rate_limit::Limiters,
    clients: client::ClientAddress,
    /// The public URL is `https://`: browsers are told to keep to it (HSTS).
    https: bool,
}

impl Protection {
    pub(crate) fn new(
        public_url: Option<&str>,
        cookie: SessionCookie,
        limits: &RateLimits,
        trusted_proxies: &[IpNet],
    ) -> Protection {
        Protection {
            https: cookie.secure,
            same_origin: csrf::SameOrigin::new(public_url),
            limits: rate_limit::Limiters::new(limits),
            clients: client::ClientAddress::new(trusted_proxies),
        }
    }
}

impl Protection {
    /// True when a trusted reverse proxy passed this request on from outside
    /// (see `client.rs`); `/metrics` is not for such requests.
    pub(crate) fn forwarded(&self, request: &Request) -> bool {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        self.clients.forwarded(peer, request.headers())
    }
}

/// `router` with every protection of this module around it.
pub(crate) fn around(router: Router, protection: Arc<Protection>) -> Router {
    let https = protection.https;
    let router = router.layer(middleware::from_fn_with_state(protection, guard));
    let router = timeout::limit(router, REQUEST_TIMEOUT);
    headers::add(router, https)
}

/// Same origin, then the rate limit; both refuse before a handler runs, so a
/// refused request reads no body and writes nothing.
async fn guard(
    State(protection): State<Arc<Protection>>,
    request: Request,
    next: Next,
) -> Response {
    let checked = protection
        .same_origin
        .check(request.method(), request.uri(), request.headers())
        .and_then(|()| {
            let peer = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(address)| address.ip());
            let client = protection.clients.of(peer, request.headers());
            protection
                .limits
                .check(request.method(), request.uri().path(), client)
        });
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            let mut response = refusal.into_response();
            // Like every API answer (see `api::api_response`, which runs inside this guard).
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Method, StatusCode};
    use axum::routing::post;
    use tower::ServiceExt;

    use super::*;

    fn app(limits: &RateLimits) -> Router {
        let cookie = SessionCookie::for_public_url(None).unwrap();
        let protection = Arc::new(Protection::new(None, cookie, limits, &[]));
        let routes = Router::new().route("/api/v1/session", post(|| async { "welcome" }));
        around(routes, protection)
    }

    fn log_in() -> Request {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/session")
            .body(Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn without_a_client_address_everyone_shares_one_allowance() {
        let limits = RateLimits {
            log_in: Limit::per_hour(2),
            ..RateLimits::default()
        };
        let app = app(&limits);
        for _ in 0..2 {
            let response = app.clone().oneshot(log_in()).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        let response = app.clone().oneshot(log_in()).await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = response.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (1..=1800).contains(&wait),
            "one attempt comes back every 30 minutes: {wait}"
        );
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        assert_eq!(
            response.headers()[header::X_FRAME_OPTIONS],
            "DENY",
            "refusals carry the security headers too"
        );
    }

    #[tokio::test]
    async fn a_cross_site_write_with_the_cookie_never_reaches_the_handler() {
        let app = app(&RateLimits::default());
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/session")
            .header(header::HOST, "kring.test")
            .header(header::ORIGIN, "http://evil.test")
            .header(header::COOKIE, "kring_session=abc")
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["type"], "urn:kring:problem:not-allowed");
    }
}
