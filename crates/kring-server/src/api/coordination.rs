//! Coordination handed over in one step:
//!
//! - `POST /circles/{id}/members/{person}/hand-over`: a coordinator asks a warm
//!   member to take over coordinating;
//! - `POST /circles/{id}/coordination`: the member asked answers; a yes makes
//!   them coordinator and steps the one who asked down (they stay a member).
//!   404 for anyone nobody asked.
//!
//! `GET /circles/{id}` shows a standing request to the coordinators and the
//! member asked (`coordination_offer`).

use axum::extract::{Path, State};
use axum::Json;
use kring_domain::{Action, PersonId, Viewer};
use kring_protocol::v1;
use kring_views::CircleView;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::Member;
use super::extract::Body;
use super::{command, wire, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(hand_over))
        .routes(routes!(answer))
}

/// 200 with the circle's version. Coordinators only (403); 422 for yourself
/// or a member outside the warm ring (`coordinators-are-warm`: move them
/// first); 409 `already-coordinator`, `coordination-already-offered`.
#[utoipa::path(post, path = "/circles/{id}/members/{person}/hand-over", tag = "members",
    params(("id" = Uuid, Path, description = "the circle"),
        ("person" = Uuid, Path, description = "the warm member asked")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn hand_over(
    State(state): State<AppState>,
    member: Member,
    Path((_, person)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let to = person
        .parse()
        .map(PersonId)
        .map_err(|_| ApiError::Refused(kring_domain::Refusal::NoSuchMember.into()))?;
    let action = Action::HandOverCoordination { to };
    let version = command::run(&state, member.circle, member.me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// 200 with the circle's version; 404 `no-coordination-offered` where nobody
/// asked the caller (or the request lapsed), nothing written.
#[utoipa::path(post, path = "/circles/{id}/coordination", tag = "members",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::AnswerCoordination,
    responses((status = 200, body = v1::Changed), Problems))]
async fn answer(
    State(state): State<AppState>,
    member: Member,
    Body(body): Body<v1::AnswerCoordination>,
) -> Result<Json<v1::Changed>, ApiError> {
    let action = Action::AnswerCoordination {
        accept: body.accept,
    };
    let version = command::run(&state, member.circle, member.me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// The request to take over coordinating that stands, for the coordinators
/// and the member asked; `None` for everyone else.
pub(super) async fn offer(
    state: &AppState,
    names: &mut wire::Names,
    view: &CircleView,
    viewer: &Viewer,
) -> Result<Option<v1::CoordinationOffer>, ApiError> {
    let Viewer::Member {
        person,
        coordinator,
        ..
    } = *viewer
    else {
        return Ok(None);
    };
    let circle = &view.state;
    for &to in circle.coordination_offers.keys() {
        let Some(from) = circle.coordination_offered_to(to) else {
            continue;
        };
        if coordinator || to == person {
            return Ok(Some(v1::CoordinationOffer {
                from: names.of(state, from).await?,
                to: names.of(state, to).await?,
            }));
        }
    }
    Ok(None)
}
