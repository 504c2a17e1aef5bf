//! The JSON API, version 1 (`/api/v1`). One module per resource, each with a
//! `router()`; the shared parts are the extractors (`extract`), the session
//! cookie (`auth`) and the translation between domain and wire (`wire`).

mod accounts;
mod auth;
mod circles;
mod extract;
mod logbook;
mod me;
mod session;
mod wire;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use kring_protocol::v1::PROBLEM_JSON;
use tower_http::limit::RequestBodyLimitLayer;

pub use auth::SessionCookie;

use crate::{ApiError, AppState};

/// The largest request body the API reads: far above any form a person fills in.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(accounts::router())
        .merge(session::router())
        .merge(me::router())
        .merge(circles::router())
        .merge(logbook::router())
        .fallback(|| async { ApiError::NotFound("there is nothing at this address".into()) })
        // One limit, enforced by tower-http whether or not the length is announced.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::map_response(api_response))
}

/// Every API answer: never cached (it is personal), and every error as
/// problem+json, including those made outside the handlers (axum's 405, the
/// body limit's 413).
async fn api_response(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes() == PROBLEM_JSON.as_bytes());
    let mut response = if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let (parts, _) = response.into_parts();
        let mut problem = ApiError::for_status(status).into_response();
        // Keep what the original said besides its body (such as 405's Allow).
        for (name, value) in &parts.headers {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                problem.headers_mut().insert(name, value.clone());
            }
        }
        problem
    } else {
        response
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
