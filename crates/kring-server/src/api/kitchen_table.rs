//! `POST /api/v1/organisations/{org}/circles`: an intermediary starts a
//! circle with a family at the kitchen table. They coordinate it (and invite
//! its first coordinator; the link for the person it is for to claim their
//! place is the family's to make) until the family's first coordinator
//! joins; then they hand it over and leave it, their open invitations with
//! them, keeping only what a consent of the family gives.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use kring_domain::Actor;
use kring_protocol::v1;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{organisation_id, works_for};
use super::auth::SignedIn;
use super::extract::Body;
use super::Problems;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(set_up))
}

/// 201 with the circle's id and version, as `POST /circles`; 404 for an
/// organisation the caller does not work for; 403 (`only-person`) for a
/// circle for the intermediary themself.
#[utoipa::path(post, path = "/organisations/{org}/circles", tag = "organisations",
    params(("org" = Uuid, Path, description = "the organisation")),
    request_body = v1::CreateCircle,
    responses((status = 201, body = v1::Created), Problems))]
async fn set_up(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    Body(body): Body<v1::CreateCircle>,
) -> Result<impl IntoResponse, ApiError> {
    let organisation = organisation_id(&org)?;
    works_for(&state, me, organisation).await?;
    super::circles::start(&state, Actor::intermediary(me, organisation), body).await
}
