//! `POST /api/v1/session`: log in (sets the session cookie).
//! `DELETE /api/v1/session`: log out (ends the session, clears the cookie).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use kring_protocol::v1;

use super::extract::Body;
use super::me::me_of;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Problems;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(log_in, log_out))
}

/// 200 with the account and a fresh session cookie; 401 when the address or
/// password is wrong (which one is not said).
#[utoipa::path(post, path = "/session", tag = "accounts", request_body = v1::LogIn,
    responses((status = 200, body = v1::Me, description = "logged in; the session cookie is set"), Problems))]
async fn log_in(
    State(state): State<AppState>,
    Body(body): Body<v1::LogIn>,
) -> Result<impl IntoResponse, ApiError> {
    // Per address typed, whether it has an account or not (the same answer).
    if let Ok(lookup) = state.app.accounts.lookup_of(&body.email) {
        state
            .app
            .password_checks
            .check(&format!("log-in:{lookup}"))?;
    }
    let session = state
        .app
        .accounts
        .log_in(&body.email, &body.password)
        .await?;
    let me = me_of(&state, session.account).await?;
    Ok((
        [(
            header::SET_COOKIE,
            state.app.cookie.set(session.token.as_str()),
        )],
        Json(me),
    ))
}

/// 204, logged in or not: afterwards the caller is logged out either way, and
/// the session's live sockets are closed.
#[utoipa::path(delete, path = "/session", tag = "accounts",
    responses((status = 204, description = "logged out; the cookie is cleared"), Problems))]
async fn log_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = state.app.cookie.token(&headers) {
        let account = state.app.accounts.session(&token).await?;
        state.app.accounts.log_out(&token).await?;
        if let Some(account) = account {
            super::live::SessionEnds::ended(&state, account);
        }
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, state.app.cookie.clear())],
    ))
}
