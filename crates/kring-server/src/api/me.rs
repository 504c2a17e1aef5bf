//! `GET /api/v1/me`: the logged-in account holder.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use kring_app::AccountError;
use kring_domain::PersonId;
use kring_protocol::v1;

use super::auth::SignedIn;
use super::extract::Body;
use super::wire::{self, FORMER_MEMBER};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Problems;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(delete_account))
}

/// Deletes the caller's own account for good, after checking the password
/// (counted by the log-in rate limit). The person leaves every circle and
/// organisation (their history stays as "a former member"; invitations they
/// issued are revoked, their offers withdrawn, their shifts and taken requests
/// open again); their credentials, sessions, calendar feeds and mail are
/// deleted; the key of their personal data is destroyed, so their name,
/// address and writing can no longer be read; the address is free for a new
/// account. 204 with the session cookie cleared; 403 `wrong-password`.
#[utoipa::path(post, path = "/me/deletion", tag = "accounts", request_body = v1::DeleteAccount,
    responses((status = 204, description = "deleted; the cookie is cleared"), Problems))]
async fn delete_account(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Body(body): Body<v1::DeleteAccount>,
) -> Result<impl IntoResponse, ApiError> {
    state
        .app
        .password_checks
        .check(&format!("account:{}", account.0))?;
    match state
        .app
        .accounts
        .check_password_of(account, &body.password)
        .await
    {
        Ok(()) => {}
        Err(AccountError::WrongCredentials) => {
            return Err(ApiError::NotAllowed(
                crate::error::Code::WrongPassword,
                "your password is not right".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let Some(forgetter) = state.app.forgetter.as_ref() else {
        return Err(ApiError::internal(NoErasure));
    };
    let erased = forgetter
        .forget(account)
        .await
        .map_err(ApiError::internal)?;
    tracing::info!(%account, ?erased, "an account was deleted by its owner");
    // Its sessions are gone with its credentials: close their sockets now.
    super::live::SessionEnds::ended(&state, account);
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, state.app.cookie.clear())],
    ))
}

/// The server was set up without the means to erase (`AppState::with_forgetter`).
#[derive(Debug, thiserror::Error)]
#[error("this server cannot erase accounts: it was started without a forgetter")]
struct NoErasure;

#[utoipa::path(get, path = "/me", tag = "accounts",
    responses((status = 200, body = v1::Me), Problems))]
async fn me(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
) -> Result<Json<v1::Me>, ApiError> {
    Ok(Json(me_of(&state, account).await?))
}

/// 204; 403 when the current password is wrong; 422 for a new one that is too short.
#[utoipa::path(put, path = "/me/password", tag = "accounts", request_body = v1::ChangePassword,
    responses((status = 204, description = "changed; other sessions have ended"), Problems))]
async fn change_password(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    headers: HeaderMap,
    Body(body): Body<v1::ChangePassword>,
) -> Result<StatusCode, ApiError> {
    let token = state.app.cookie.token(&headers).unwrap_or_default();
    state
        .app
        .password_checks
        .check(&format!("account:{}", account.0))?;
    match state
        .app
        .accounts
        .change_password(account, &token, &body.current_password, &body.new_password)
        .await
    {
        Ok(()) => {
            password_changed(&state, account).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        Err(AccountError::WrongCredentials) => Err(ApiError::NotAllowed(
            crate::error::Code::WrongPassword,
            "your current password is not right".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// After a new password (changed or reset; the store has ended the other
/// sessions): whoever held a stolen session or feed address loses it. Open
/// sockets of the ended sessions close, and every calendar feed is revoked
/// (the owner can make new ones).
pub(super) async fn password_changed(state: &AppState, account: PersonId) -> Result<(), ApiError> {
    state.app.calendar_feeds.revoke_all_of(account).await?;
    super::live::SessionEnds::ended(state, account);
    Ok(())
}

/// The account's name and address, opened. An account without events (which a
/// session cannot have) counts as not logged in.
pub(super) async fn me_of(state: &AppState, account: PersonId) -> Result<v1::Me, ApiError> {
    let profile = state
        .app
        .accounts
        .profile(account)
        .await?
        .ok_or(ApiError::NotLoggedIn)?;
    let verified = state
        .app
        .accounts
        .email_state(account)
        .await?
        .is_some_and(|e| e.verified);
    Ok(v1::Me {
        id: account.0,
        name: wire::text(profile.name).unwrap_or_else(|| FORMER_MEMBER.to_owned()),
        email: wire::text(profile.email).unwrap_or_default(),
        email_verified: verified,
    })
}
