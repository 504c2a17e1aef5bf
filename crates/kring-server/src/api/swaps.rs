//! Swaps on the rota:
//!
//! - `POST /api/v1/circles/{id}/swaps`: ask another member to take over your
//!   place on a shift on one date;
//! - `POST .../swaps/{swap}/accept`: the member asked takes the place over;
//! - `POST .../swaps/{swap}/decline`: either of the two calls it off.
//!
//! Swaps waiting for an answer are listed in the rota (`GET .../rota`) for the
//! two members and the coordinators.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kring_domain::{Action, PersonId, ShiftId, SwapId};
use kring_protocol::v1;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::circle_id;
use super::auth::SignedIn;
use super::extract::Body;
use super::{command, idempotency::ids, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(propose))
        .routes(routes!(accept))
        .routes(routes!(decline))
}

/// 201 with the swap's id. 409 when you are not on the shift that day, they
/// are already on it, or you already asked someone; 422 when their ring may
/// not take the shift or it has started; 404 for a shift or member the circle
/// does not have.
#[utoipa::path(post, path = "/circles/{id}/swaps", tag = "rota",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::ProposeSwap,
    responses((status = 201, body = v1::Created), Problems))]
async fn propose(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::ProposeSwap>,
) -> Result<(StatusCode, Json<v1::Created>), ApiError> {
    let circle = circle_id(&id)?;
    let swap = SwapId(ids::new_id("swap"));
    let action = Action::ProposeSwap {
        swap,
        shift: ShiftId(body.shift),
        date: body.date,
        to: PersonId(body.to),
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok((
        StatusCode::CREATED,
        Json(v1::Created {
            id: swap.0,
            version,
        }),
    ))
}

/// Take over the place (only the member who was asked: 403 for others). 409
/// when the swap is settled or the shift changed since; 422 once it started.
#[utoipa::path(post, path = "/circles/{id}/swaps/{swap}/accept", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("swap" = Uuid, Path, description = "the swap"),
    ),
    responses((status = 200, body = v1::Changed), Problems))]
async fn accept(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, swap)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let swap = swap_id(&swap)?;
    let version = command::run(&state, circle, me, Action::AcceptSwap { swap }).await?;
    Ok(Json(v1::Changed { version }))
}

/// Call the swap off (either of its two members: 403 for others); 409 when it
/// is already settled.
#[utoipa::path(post, path = "/circles/{id}/swaps/{swap}/decline", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("swap" = Uuid, Path, description = "the swap"),
    ),
    responses((status = 200, body = v1::Changed), Problems))]
async fn decline(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, swap)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let swap = swap_id(&swap)?;
    let version = command::run(&state, circle, me, Action::DeclineSwap { swap }).await?;
    Ok(Json(v1::Changed { version }))
}

/// A swap id from the path; anything else is a swap the circle does not have.
fn swap_id(text: &str) -> Result<SwapId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::from(kring_domain::Refusal::NoSuchSwap))
}
