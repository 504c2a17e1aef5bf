//! Proving an address and getting back in by mail:
//!
//! - `POST /api/v1/me/email/verification`: mail a new verification link.
//! - `PUT /api/v1/me/email`: a new address (with the password); unproven until
//!   its link is followed.
//! - `POST /api/v1/password-reset`: mail a reset link, if the address has an
//!   account. The answer is the same either way (202), and so is the work
//!   done before answering: the mail is queued after the answer.
//! - `POST /api/v1/password-reset/{token}`: the new password.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use kring_app::AccountError;
use kring_domain::PersonId;
use kring_notify::direct::{self, Direct};
use kring_protocol::v1;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::SignedIn;
use super::extract::Body;
use super::{links, Problems};
use crate::error::Code;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_verification))
        .routes(routes!(change_email))
        .routes(routes!(request_reset))
        .routes(routes!(reset))
}

fn accepted() -> (StatusCode, Json<v1::MailAccepted>) {
    (
        StatusCode::ACCEPTED,
        Json(v1::MailAccepted { accepted: true }),
    )
}

/// Queues a mail with a link that proves the account's current address.
pub(super) async fn queue_verification(
    state: &AppState,
    account: PersonId,
    lookup: &str,
) -> Result<(), ApiError> {
    direct::queue(
        state.log.as_ref(),
        &state.app.links,
        account.0,
        Direct::VerifyEmail,
        json!({ "email_lookup": lookup }),
        Utc::now(),
    )
    .await?;
    Ok(())
}

/// 202: a new link is on its way. 409 when the address is proven already;
/// 429 after a few in a short time.
#[utoipa::path(post, path = "/me/email/verification", tag = "accounts",
    responses((status = 202, body = v1::MailAccepted), Problems))]
async fn send_verification(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
) -> Result<(StatusCode, Json<v1::MailAccepted>), ApiError> {
    let email = state
        .app
        .accounts
        .email_state(me)
        .await?
        .ok_or(ApiError::NotLoggedIn)?;
    if email.verified {
        return Err(kring_domain::Refusal::EmailAlreadyVerified.into());
    }
    if !state.app.mails_per_key.allows(&format!("verify:{}", me.0)) {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: 600,
        });
    }
    queue_verification(&state, me, &email.lookup).await?;
    Ok(accepted())
}

/// 202: the address changed and a link to prove it is on its way. 403 for a
/// wrong password, 409 when another account has the address.
#[utoipa::path(put, path = "/me/email", tag = "accounts", request_body = v1::ChangeEmail,
    responses((status = 202, body = v1::MailAccepted), Problems))]
async fn change_email(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Body(body): Body<v1::ChangeEmail>,
) -> Result<(StatusCode, Json<v1::MailAccepted>), ApiError> {
    state
        .app
        .password_checks
        .check(&format!("account:{}", me.0))?;
    let lookup = match state
        .app
        .accounts
        .change_email(me, &body.password, &body.email)
        .await
    {
        Ok(lookup) => lookup,
        Err(AccountError::WrongCredentials) => {
            return Err(ApiError::NotAllowed(
                Code::WrongPassword,
                "your password is not right".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    queue_verification(&state, me, &lookup).await?;
    Ok(accepted())
}

/// 202, whether or not the address has an account: nothing in the answer or
/// its timing says which. A link goes out only when it has, at most a few per
/// address in a while.
#[utoipa::path(post, path = "/password-reset", tag = "accounts",
    request_body = v1::PasswordResetRequest,
    responses((status = 202, body = v1::MailAccepted), Problems))]
async fn request_reset(
    State(state): State<AppState>,
    Body(body): Body<v1::PasswordResetRequest>,
) -> Result<(StatusCode, Json<v1::MailAccepted>), ApiError> {
    // Not an address at all: the same answer as for any other (422 would say
    // nothing about accounts, but the same answer is simpler to reason about).
    let Ok(lookup) = state.app.accounts.lookup_of(&body.email) else {
        return Ok(accepted());
    };
    let found = state.app.accounts.find(&body.email).await.ok().flatten();
    // Counted for every address, with or without an account.
    let allowed = state.app.mails_per_key.allows(&format!("reset:{lookup}"));
    if let (Some(account), true) = (found, allowed) {
        // After the answer: queueing is a write that an unknown address does
        // not cause, and its time must not show.
        let state = state.clone();
        tokio::spawn(async move {
            let queued = direct::queue(
                state.log.as_ref(),
                &state.app.links,
                account.0,
                Direct::ResetPassword,
                json!({ "email_lookup": lookup }),
                Utc::now(),
            )
            .await;
            if let Err(e) = queued {
                tracing::error!(error = %e, "a password reset mail could not be queued");
            }
        });
    }
    Ok(accepted())
}

/// 200: the password is changed, every session of the account ended, and
/// other reset links too. 409 for a used or expired link, 404 for no such link.
#[utoipa::path(post, path = "/password-reset/{token}", tag = "accounts",
    params(("token" = String, Path, description = "the token after /m/ in the mail")),
    request_body = v1::NewPassword,
    responses((status = 200, body = v1::LinkUsed), Problems))]
async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Body(body): Body<v1::NewPassword>,
) -> Result<Json<v1::LinkUsed>, ApiError> {
    let (link, _) = links::find(&state, &token).await?;
    Ok(Json(
        links::reset_password(&state, &token, &link, &body.password).await?,
    ))
}
