//! `POST /api/v1/circles/{id}/thanks`: thank someone for a request they did, a
//! shift they stood, or a logbook entry they wrote. Reciprocity is private: a
//! thank-you is seen by the two people and the coordinators. It has no address
//! of its own, so the answer is the circle's version (200).

use axum::extract::{Path, State};
use axum::Json;
use kring_domain::{Action, EntryId, PersonId, RequestId, ShiftId, ThanksFor};
use kring_protocol::v1;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::circle_id;
use super::auth::SignedIn;
use super::extract::Body;
use super::requests::optional_text;
use super::{command, Problems};
use crate::{ApiError, AppState};

/// Most characters of a thank-you note.
const MAX_NOTE_CHARS: usize = v1::limits::NOTE_CHARS;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(thank))
}

/// 200 with the circle's version; 422 for thanking yourself, or before the help
/// was done (the shift took place); 404 for something the caller cannot see.
#[utoipa::path(post, path = "/circles/{id}/thanks", tag = "thanks",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::Thank,
    responses((status = 200, body = v1::Changed), Problems))]
async fn thank(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::Thank>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let note = optional_text(
        body.note.as_deref(),
        MAX_NOTE_CHARS,
        crate::error::Code::NoteLength,
        "a note has at most",
    )?;
    let note = match note {
        Some(note) => Some(state.app.vault.seal(me, note).await?),
        None => None,
    };
    let thanks_for = match body.thanks_for {
        v1::ThanksFor::Request { request } => ThanksFor::Request(RequestId(request)),
        v1::ThanksFor::Shift { shift, date } => ThanksFor::Shift(ShiftId(shift), date),
        v1::ThanksFor::Entry { entry } => ThanksFor::Entry(EntryId(entry)),
    };
    let action = Action::Thank {
        thanks_for,
        to: PersonId(body.to),
        note,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}
