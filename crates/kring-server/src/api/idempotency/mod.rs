//! Safe retries: every write may carry an `Idempotency-Key` header (IETF draft
//! "The Idempotency-Key HTTP Header Field"). A retry with the same key and the
//! same request gets the first answer and writes nothing; the same key with
//! another request is 422 `idempotency-key-reused`. GETs ignore the header.
//!
//! Keys are per caller (the signed-in account, or none for signed-out writes
//! such as signing up). A finished answer is kept (sealed) beside the log for
//! at least a day. A node may die after its events were stored but before its
//! answer was: the retry, on any node, runs again with the same ids (`ids`),
//! the log finds those ids already stored, and the command answers as the
//! first would have. On one node, two requests with the same key run one after
//! the other (`in_flight`), so the second gets the first's answer.

mod answer;
pub(crate) mod ids;
mod in_flight;
mod key;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kring_store::KeyRecord;

pub(crate) use in_flight::InFlight;
pub(crate) use key::MAX_CHARS as MAX_KEY_CHARS;

use crate::error::Code;
use crate::{ApiError, AppState};

/// The header's name.
pub const HEADER: &str = "idempotency-key";

/// How long a key is kept, at least; older ones are swept.
pub const KEEP: chrono::Duration = chrono::Duration::hours(24);

/// The middleware around the API's routes.
pub(crate) async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let key = match key::from_headers(request.headers()) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(e) => return e.into_response(),
    };
    once(state, key, request, next)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn once(
    state: AppState,
    key: String,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = match state.app.cookie.token(request.headers()) {
        Some(token) => state.app.accounts.session(&token).await?.map(|p| p.0),
        None => None,
    };
    let request_key = state.app.request_keys.of(caller, &key);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, crate::MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::TooLarge)?;
    let path = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let fingerprint =
        request_key.fingerprint(&[parts.method.as_str().as_bytes(), path.as_bytes(), &body[..]]);
    sweep_now_and_then(&state);

    // Same key on this node: one after the other, so the second finds the answer.
    let _turn = state.app.in_flight.wait_turn(request_key.lookup).await;
    let log = &state.log;
    match log.claim_key(&request_key.lookup, &fingerprint).await? {
        Some(held) if held.fingerprint() != fingerprint.as_slice() => {
            return Err(ApiError::Invalid(
                Code::IdempotencyKeyReused,
                "this Idempotency-Key was used for a different request".to_owned(),
            ));
        }
        Some(KeyRecord::Done { answer, .. }) => {
            let answer = request_key
                .open(&answer)
                .and_then(|a| answer::Answer::decode(&a))
                .ok_or_else(|| ApiError::internal("a stored answer does not open with its key"))?;
            return Ok(answer.replayed());
        }
        // Claimed now, or before by a run that has not answered (it died, or
        // runs on another node): run with the key's ids, the log keeps one.
        None | Some(KeyRecord::Pending { .. }) => {}
    }
    let request = Request::from_parts(parts, Body::from(body));
    let response = ids::IDS
        .scope(ids::Ids::new(request_key.seed), next.run(request))
        .await;
    let status = response.status();
    if status.is_success() && !response.headers().contains_key(header::SET_COOKIE) {
        let (answer, response) = answer::Answer::take(response).await?;
        log.finish_key(&request_key.lookup, &request_key.seal(&answer.encode()))
            .await?;
        Ok(response)
    } else if status.is_client_error() || status.is_success() {
        // Refused (a refusal writes nothing), or an answer that sets a session
        // cookie, which is never stored: the key is free again.
        log.release_key(&request_key.lookup).await?;
        Ok(response)
    } else {
        // A fault: whether something was written is unknown, so the claim and
        // its fingerprint stay; a retry runs again with the same ids.
        Ok(response)
    }
}

/// Keys older than [`KEEP`] go, checked at most once an hour per node, in the background.
fn sweep_now_and_then(state: &AppState) {
    if !state.app.in_flight.time_to_sweep() {
        return;
    }
    let log = state.log.clone();
    tokio::spawn(async move {
        if let Err(e) = log.sweep_keys(Utc::now() - KEEP).await {
            tracing::warn!(error = %e, "sweeping old idempotency keys failed; trying again later");
        }
    });
}
