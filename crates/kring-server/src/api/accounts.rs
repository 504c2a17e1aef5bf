//! `POST /api/v1/accounts`: sign up. Signing up does not log in: that is a
//! separate step (`POST /api/v1/session`), so a later e-mail check can sit between.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use kring_protocol::v1;

use super::extract::Body;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Problems;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_up))
}

/// 201 with the new account's id, and a mail with a link that proves the
/// address on its way; 409 when the address has an account; 422
/// for a name, address or password that cannot be right.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = v1::SignUp,
    responses((status = 201, body = v1::AccountCreated), Problems))]
async fn sign_up(
    State(state): State<AppState>,
    Body(body): Body<v1::SignUp>,
) -> Result<impl IntoResponse, ApiError> {
    let account = state
        .app
        .accounts
        .sign_up(&body.name, &body.email, &body.password)
        .await?;
    // The account exists either way; without the mail, the person asks for
    // another from the home page.
    let lookup = state.app.accounts.lookup_of(&body.email)?;
    if let Err(e) = super::email::queue_verification(&state, account, &lookup).await {
        tracing::error!(error = %e, "the verification mail of a new account could not be queued");
    }
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{}/me", v1::PREFIX))],
        Json(v1::AccountCreated { id: account.0 }),
    ))
}
