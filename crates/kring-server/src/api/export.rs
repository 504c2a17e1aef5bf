//! Exports, as readable JSON:
//! - `GET /circles/{id}/export`: a coordinator takes the whole circle (see
//!   `circle_export`).
//! - `GET /me/export`: anyone takes their own data: their account and, per
//!   circle they are in, every event they caused.
//!
//! Visibility is the audience function's, as everywhere: an export shows no
//! more than the exporter could read in Kring itself.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use chrono::Utc;
use kring_domain::{Actor, CircleId, PersonId, Viewer};
use kring_protocol::v1;
use kring_views::{circle_history, HistoryEvent};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::SignedIn;
use super::{wire, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(personal))
}

#[utoipa::path(get, path = "/me/export", tag = "export",
    responses((status = 200, body = v1::PersonalExport), Problems))]
async fn personal(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
) -> Result<impl IntoResponse, ApiError> {
    let account = super::me::me_of(&state, me).await?;
    let log = state.log.as_ref();
    // Which circles a person is in is the projector's: one just joined belongs
    // in the export, so wait for it as "my circles" does.
    kring_views::caught_up(log, super::circles::MEMBERSHIPS_PATIENCE).await?;
    let mut circles = vec![];
    for circle in kring_views::circles_of(log, me).await?.circles {
        if let Some(yours) = circle_of_yours(&state, circle, me).await? {
            circles.push(yours);
        }
    }
    let export = v1::PersonalExport {
        exported_at: Utc::now(),
        account,
        circles,
    };
    Ok(download(&format!("kring-{me}.json"), export))
}

async fn circle_of_yours(
    state: &AppState,
    circle: CircleId,
    me: PersonId,
) -> Result<Option<v1::CircleOfYours>, ApiError> {
    let Some(view) = super::access::current_view(state, circle).await? else {
        return Ok(None);
    };
    let Viewer::Member {
        ring,
        coordinator,
        focus,
        ..
    } = view.viewer(Actor::person(me), Utc::now())
    else {
        return Ok(None);
    };
    let mine = me.to_string();
    let mut events = vec![];
    for event in circle_history(state.log.as_ref(), circle).await? {
        if event.actor.as_deref() == Some(mine.as_str()) {
            events.push(exported(state, &event).await?);
        }
    }
    Ok(Some(v1::CircleOfYours {
        circle: circle.0,
        focus: super::circles::focus(state, circle, &view).await?,
        you: v1::Membership {
            person: me.0,
            ring: wire::ring(ring),
            coordinator,
            focus,
        },
        events,
    }))
}

/// The JSON, offered as a file to save.
pub(super) fn download(file_name: &str, body: impl serde::Serialize) -> impl IntoResponse {
    (
        [(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        )],
        Json(body),
    )
}

/// An event as readable JSON: its kind, who did it, its fields with every
/// sealed text opened (`null` when its owner was forgotten).
pub(super) async fn exported(
    state: &AppState,
    event: &HistoryEvent,
) -> Result<v1::ExportedEvent, ApiError> {
    let mut opened = HashMap::new();
    for sealed in wire::sealed_in(&event.event) {
        let text = wire::text(state.app.vault.open(&sealed).await?);
        opened.insert(sealed, text);
    }
    Ok(v1::ExportedEvent {
        version: event.version,
        at: event.recorded_at,
        by: event.actor.as_deref().and_then(|a| a.parse().ok()),
        event: wire::event(&event.event, |sealed| opened.get(sealed).cloned().flatten()),
    })
}
