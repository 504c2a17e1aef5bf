//! A circle's life (coordinators):
//!
//! - `POST /circles/{id}/pause`: no shift takes place or can be taken until it resumes.
//! - `POST /circles/{id}/resume`.
//! - `POST /circles/{id}/end`: for good, with a reason; the circle becomes read-only.
//!
//! `GET /circles/{id}` tells where the circle is in its life (`life`).

use axum::extract::State;
use axum::Json;
use kring_domain::circle::state::Life;
use kring_domain::{Action, CircleEvent, PersonId, Ring, Sealed, Viewer};
use kring_protocol::v1;
use kring_views::CircleView;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::Member;
use super::extract::Body;
use super::{command, wire, Problems};
use crate::error::Code;
use crate::{ApiError, AppState};

/// The longest message left when a circle pauses or ends.
const MAX_MESSAGE_CHARS: usize = 500;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pause))
        .routes(routes!(resume))
        .routes(routes!(end))
}

/// 200 with the circle's version. 403 for anyone but a coordinator; 409
/// `circle-already-paused`, `circle-ended`.
#[utoipa::path(post, path = "/circles/{id}/pause", tag = "circles",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::PauseCircle,
    responses((status = 200, body = v1::Changed), Problems))]
async fn pause(
    State(state): State<AppState>,
    member: Member,
    Body(body): Body<v1::PauseCircle>,
) -> Result<Json<v1::Changed>, ApiError> {
    let message = seal_message(&state, member.me, body.message).await?;
    let action = Action::PauseCircle { message };
    let version = command::run(&state, member.circle, member.me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// 200 with the circle's version. 409 `circle-not-paused`, `circle-ended`.
#[utoipa::path(post, path = "/circles/{id}/resume", tag = "circles",
    params(("id" = Uuid, Path, description = "the circle")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn resume(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Changed>, ApiError> {
    let version = command::run(&state, member.circle, member.me, Action::ResumeCircle).await?;
    Ok(Json(v1::Changed { version }))
}

/// 200 with the circle's version. Requests still to come, open invitations,
/// standing offers and consents close first; then the circle is read-only
/// (409 `circle-ended` for every change after). 403 for anyone but a coordinator.
#[utoipa::path(post, path = "/circles/{id}/end", tag = "circles",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::EndCircle,
    responses((status = 200, body = v1::Changed), Problems))]
async fn end(
    State(state): State<AppState>,
    member: Member,
    Body(body): Body<v1::EndCircle>,
) -> Result<Json<v1::Changed>, ApiError> {
    let message = seal_message(&state, member.me, body.message).await?;
    let action = Action::EndCircle {
        reason: wire::domain_end_reason(body.reason),
        message,
    };
    let version = command::run(&state, member.circle, member.me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// A message of at most 500 characters, sealed with its writer's key; an
/// empty one is no message.
async fn seal_message(
    state: &AppState,
    me: PersonId,
    message: Option<String>,
) -> Result<Option<Sealed>, ApiError> {
    let Some(message) = message.as_deref().map(str::trim).filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::Invalid(
            Code::MessageLength,
            format!("a message has at most {MAX_MESSAGE_CHARS} characters"),
        ));
    }
    Ok(Some(state.app.vault.seal(me, message).await?))
}

/// Where the circle is in its life, with the message left, opened for the
/// warm and lukewarm rings (a volunteer of the cold ring came for one task:
/// they learn that the circle paused or ended, not the family's words).
pub(super) async fn life(
    state: &AppState,
    names: &mut wire::Names,
    view: &CircleView,
    viewer: &Viewer,
) -> Result<v1::Life, ApiError> {
    let (by, message) = match &view.life_event {
        Some(CircleEvent::CirclePaused { by, message, .. })
        | Some(CircleEvent::CircleEnded { by, message, .. }) => (Some(by.0), message.as_ref()),
        _ => (None, None),
    };
    let family = matches!(viewer, Viewer::Member { ring, .. } if *ring != Ring::Cold);
    let message = message.filter(|_| family);
    let message = match message {
        Some(sealed) => names.open(state, sealed).await?,
        None => None,
    };
    Ok(match view.state.life {
        Life::Active => v1::Life {
            state: v1::LifeState::Active,
            since: None,
            by: None,
            reason: None,
            message: None,
        },
        Life::Paused { since } => v1::Life {
            state: v1::LifeState::Paused,
            since: Some(since),
            by,
            reason: None,
            message,
        },
        Life::Ended { at, reason } => v1::Life {
            state: v1::LifeState::Ended,
            since: Some(at),
            by,
            reason: Some(wire::end_reason(reason)),
            message,
        },
    })
}

/// Active, paused or ended, in a word.
pub(super) fn state_of(view: &CircleView) -> v1::LifeState {
    match view.state.life {
        Life::Active => v1::LifeState::Active,
        Life::Paused { .. } => v1::LifeState::Paused,
        Life::Ended { .. } => v1::LifeState::Ended,
    }
}
