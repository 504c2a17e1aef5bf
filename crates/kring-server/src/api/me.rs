//! `GET /api/v1/me`: the logged-in account holder.

use axum::extract::State;
use axum::Json;
use kring_domain::PersonId;
use kring_protocol::v1;

use super::auth::SignedIn;
use super::wire::{self, FORMER_MEMBER};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Problems;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

#[utoipa::path(get, path = "/me", tag = "accounts",
    responses((status = 200, body = v1::Me), Problems))]
async fn me(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
) -> Result<Json<v1::Me>, ApiError> {
    Ok(Json(me_of(&state, account).await?))
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
    Ok(v1::Me {
        id: account.0,
        name: wire::text(profile.name).unwrap_or_else(|| FORMER_MEMBER.to_owned()),
        email: wire::text(profile.email).unwrap_or_default(),
    })
}
