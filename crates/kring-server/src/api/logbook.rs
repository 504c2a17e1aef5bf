//! `POST /api/v1/circles/{id}/logbook`: write a logbook entry. The text is
//! sealed with the writer's key; who may read it is the writer's choice
//! (`visibility`) and the domain's audience rules.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use kring_domain::{Action, Actor, CircleCommand, EntryId};
use kring_protocol::v1;
use uuid::Uuid;

use super::auth::SignedIn;
use super::circles::circle_id;
use super::extract::Body;
use super::wire;
use crate::{ApiError, AppState};

/// Most characters of one entry.
const MAX_ENTRY_CHARS: usize = 5000;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/circles/{id}/logbook", post(write))
}

/// 201 with the entry's id and the circle's version after it; 404 for a
/// circle that does not exist or that the caller is not in.
async fn write(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::WriteLogbookEntry>,
) -> Result<(StatusCode, Json<v1::Created>), ApiError> {
    let circle = circle_id(&id)?;
    let text = body.text.trim();
    if text.is_empty() || text.chars().count() > MAX_ENTRY_CHARS {
        return Err(ApiError::Invalid(format!(
            "a logbook entry has 1 to {MAX_ENTRY_CHARS} characters"
        )));
    }
    let entry = EntryId(Uuid::new_v4());
    let text = state.app.vault.seal(me, text).await?;
    let command = CircleCommand {
        actor: Actor::person(me),
        action: Action::WriteLogbookEntry {
            entry,
            visibility: wire::domain_visibility(body.visibility),
            text,
        },
    };
    let metadata = HashMap::from([("actor".to_owned(), me.to_string())]);
    let version = state.app.commands.circle(circle, command, metadata).await?;
    Ok((
        StatusCode::CREATED,
        Json(v1::Created {
            id: entry.0,
            version,
        }),
    ))
}
