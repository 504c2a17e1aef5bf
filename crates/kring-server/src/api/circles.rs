//! `POST /api/v1/circles`: start a circle; the caller is its first coordinator.
//! `GET /api/v1/circles/{id}?min_version=N`: the circle as the caller may see it.
//!
//! Reads come from the projector's stored view. A write answers the circle's
//! new version; passing it as `min_version` waits (briefly) until the view
//! holds that write. A circle that does not exist and one the caller is not in
//! get the same 404.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use kring_app::{check_name, circle_stream};
use kring_domain::{
    may_see, Action, Actor, CircleCommand, CircleEvent, CircleId, PersonId, Viewer,
};
use kring_protocol::v1;
use kring_views::CircleView;
use uuid::Uuid;

use super::auth::SignedIn;
use super::extract::{Body, Query};
use super::wire;
use crate::{ApiError, AppState};

/// Where a new circle is, unless the caller says otherwise.
const DEFAULT_TIME_ZONE: &str = "Europe/Amsterdam";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/circles", post(create))
        .route("/circles/{id}", get(read))
}

/// A circle id from the path. Anything that is not one is "no such circle",
/// like an id nobody uses.
pub(super) fn circle_id(text: &str) -> Result<CircleId, ApiError> {
    text.parse().map_err(|_| ApiError::NoSuchCircle)
}

/// 201 with the circle's id and version; 422 for an empty name or an unknown time zone.
async fn create(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Body(body): Body<v1::CreateCircle>,
) -> Result<impl IntoResponse, ApiError> {
    let focus_name = check_name(&body.focus_name)?;
    let circle = CircleId(Uuid::new_v4());
    // The focus person gets an id of their own, and their name is sealed with
    // their own key: it can be forgotten apart from whoever typed it.
    let focus = PersonId(Uuid::new_v4());
    let focus_name = state.app.vault.seal(focus, &focus_name).await?;
    let command = CircleCommand {
        actor: Actor::person(me),
        action: Action::CreateCircle {
            circle,
            focus,
            focus_name,
            time_zone: body
                .time_zone
                .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned()),
        },
    };
    let metadata = HashMap::from([("actor".to_owned(), me.to_string())]);
    let version = state.app.commands.circle(circle, command, metadata).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{}/circles/{circle}", v1::PREFIX))],
        Json(v1::Created {
            id: circle.0,
            version,
        }),
    ))
}

async fn read(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<v1::CircleQuery>,
) -> Result<Json<v1::Circle>, ApiError> {
    let circle = circle_id(&id)?;
    let (view, viewer) = view_for(&state, circle, me, query.min_version.unwrap_or(0)).await?;
    Ok(Json(present(&state, circle, &view, &viewer).await?))
}

/// The stored view and who the caller is in it; waits up to the read patience
/// for `min_version`.
async fn view_for(
    state: &AppState,
    circle: CircleId,
    me: PersonId,
    min_version: u64,
) -> Result<(CircleView, Viewer), ApiError> {
    let log = state.log.as_ref();
    let viewer_in = |view: &CircleView| view.viewer(Actor::person(me), Utc::now());
    let view = if min_version == 0 {
        kring_views::load(log, circle).await?
    } else {
        let progress = state.app.views.clone().map(|mut progress| {
            progress.borrow_and_update();
            progress
        });
        let caught_up =
            kring_views::load_at_least(log, circle, min_version, progress, state.app.read_patience)
                .await?;
        if caught_up.is_none() {
            // Still behind: a member learns to try again (or that the version
            // does not exist); everyone else sees no circle, as always.
            if let Some(view) = kring_views::load(log, circle).await? {
                if viewer_in(&view).sees_circle() {
                    return Err(behind(state, circle, min_version).await);
                }
            }
        }
        caught_up
    };
    let view = view.ok_or(ApiError::NoSuchCircle)?;
    let viewer = viewer_in(&view);
    if !viewer.sees_circle() {
        return Err(ApiError::NoSuchCircle);
    }
    Ok((view, viewer))
}

/// Why a member's view is behind `min_version`.
async fn behind(state: &AppState, circle: CircleId, min_version: u64) -> ApiError {
    match state.log.stream_head(&circle_stream(circle)).await {
        Ok(Some(head)) if head.version < min_version => ApiError::Invalid(format!(
            "this circle is at version {}: min_version {min_version} has not happened",
            head.version
        )),
        Ok(_) => ApiError::NotReady,
        Err(e) => e.into(),
    }
}

async fn present(
    state: &AppState,
    circle: CircleId,
    view: &CircleView,
    viewer: &Viewer,
) -> Result<v1::Circle, ApiError> {
    let Viewer::Member {
        person,
        ring,
        coordinator,
        focus,
        ..
    } = *viewer
    else {
        // Only members read circles through this slice of the API.
        return Err(ApiError::NoSuchCircle);
    };
    let focus_id = view.state.focus.ok_or_else(|| {
        ApiError::internal(format!("the view of circle {circle} has no focus person"))
    })?;
    let focus_name = match &view.focus_name {
        Some(sealed) => wire::text(state.app.vault.open(sealed).await?),
        None => None,
    };
    let mut names = Names::default();
    let mut logbook = vec![];
    for entry in view.logbook(viewer) {
        let author = names.of(state, entry.author).await?;
        logbook.push(v1::LogbookEntry {
            id: entry.entry.0,
            author,
            visibility: wire::visibility(entry.visibility),
            text: wire::text(state.app.vault.open(&entry.text).await?),
            written_at: entry.written_at,
            redacted: entry.redacted,
            thanks: u32::try_from(view.entry_thanks(entry.entry, viewer)).unwrap_or(u32::MAX),
        });
    }
    Ok(v1::Circle {
        id: circle.0,
        version: view.version,
        time_zone: view.state.time_zone.clone(),
        focus: wire::person(focus_id, focus_name),
        you: v1::Membership {
            person: person.0,
            ring: wire::ring(ring),
            coordinator,
            focus,
        },
        members: members(view, viewer),
        logbook,
    })
}

/// Members per ring, counting each member the viewer may know of: membership
/// is seen as its events are (a volunteer in the cold ring sees only themself),
/// so the audience rules decide here too.
fn members(view: &CircleView, viewer: &Viewer) -> v1::RingCounts {
    let mut counts = v1::RingCounts::default();
    for (person, member) in &view.state.members {
        let membership = CircleEvent::MemberRingChanged {
            person: *person,
            ring: member.ring,
            by: *person,
        };
        if may_see(&view.state, &membership, viewer) {
            match wire::ring(member.ring) {
                v1::Ring::Warm => counts.warm += 1,
                v1::Ring::Lukewarm => counts.lukewarm += 1,
                v1::Ring::Cold => counts.cold += 1,
            }
        }
    }
    counts
}

/// Account names looked up once per request.
#[derive(Default)]
struct Names(HashMap<PersonId, v1::Person>);

impl Names {
    async fn of(&mut self, state: &AppState, person: PersonId) -> Result<v1::Person, ApiError> {
        if let Some(known) = self.0.get(&person) {
            return Ok(known.clone());
        }
        let name = state
            .app
            .accounts
            .name_of(person)
            .await?
            .and_then(wire::text);
        let shown = wire::person(person, name);
        self.0.insert(person, shown.clone());
        Ok(shown)
    }
}
