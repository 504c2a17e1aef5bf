//! `POST /api/v1/circles`: start a circle; the caller is its first coordinator.
//! `GET /api/v1/circles/{id}?min_version=N`: the circle as the caller may see it.
//!
//! Reads come from the projector's stored view (see `access`). A circle that
//! does not exist and one the caller is not in get the same 404.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use chrono::Utc;
use kring_app::check_name;
use kring_domain::{may_see, Action, Actor, CircleEvent, CircleId, PersonId, Viewer};
use kring_protocol::v1;
use kring_views::CircleView;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::Member;
use super::auth::SignedIn;
use super::extract::Body;
use super::policy::{decide, Decision, Resource};
use super::{command, idempotency::ids, wire, Problems};
use crate::{ApiError, AppState};

/// Where a new circle is, unless the caller says otherwise.
const DEFAULT_TIME_ZONE: &str = "Europe/Amsterdam";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine, create))
        .routes(routes!(read))
}

/// 201 with the circle's id and version; 422 for an empty name or an unknown
/// time zone. With a template, its shifts, requests and welcome entry are
/// stored with the circle in one step.
#[utoipa::path(post, path = "/circles", tag = "circles", request_body = v1::CreateCircle,
    responses((status = 201, body = v1::Created), Problems))]
async fn create(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Body(body): Body<v1::CreateCircle>,
) -> Result<impl IntoResponse, ApiError> {
    start(&state, Actor::person(me), body).await
}

/// Starts a circle as `actor` (a person, or an intermediary at the kitchen
/// table) and answers 201 with where it is.
pub(super) async fn start(
    state: &AppState,
    actor: Actor,
    body: v1::CreateCircle,
) -> Result<impl IntoResponse, ApiError> {
    let focus_name = check_name(&body.focus_name)?;
    let circle = CircleId(ids::new_id("circle"));
    // The focus person gets an id of their own, and their name is sealed with
    // their own key: it can be forgotten apart from whoever typed it. Someone
    // starting a circle around themself is its focus person too.
    let focus = if body.for_myself {
        actor.person
    } else {
        PersonId(ids::new_id("focus"))
    };
    let focus_name = state.app.vault.seal(focus, &focus_name).await?;
    let time_zone = body
        .time_zone
        .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
    let plan = super::plan::actions(
        state,
        actor.person,
        body.template,
        body.language,
        &time_zone,
    )
    .await?;
    let action = Action::CreateCircle {
        circle,
        focus,
        focus_name,
        time_zone,
        plan,
    };
    let version = command::run_as(state, circle, actor, action).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{}/circles/{circle}", v1::PREFIX))],
        Json(v1::Created {
            id: circle.0,
            version,
        }),
    ))
}

/// How long "my circles" waits for the projector to reach the log's end.
pub(super) const MEMBERSHIPS_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// The circles the caller is in, by the name of the person each is for.
#[utoipa::path(get, path = "/circles", tag = "circles",
    responses((status = 200, body = Vec<v1::CircleSummary>), Problems))]
async fn mine(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
) -> Result<Json<Vec<v1::CircleSummary>>, ApiError> {
    let log = state.log.as_ref();
    // Which circles a person is in is the projector's: a circle just made or
    // joined shows once it has read that far (it is not waited for longer).
    kring_views::caught_up(log, MEMBERSHIPS_PATIENCE).await?;
    let mut circles = vec![];
    for circle in kring_views::circles_of(log, me).await?.circles {
        // Whether they are in it still is the circle's own say, as it is now.
        let Some(view) = super::access::current_view(&state, circle).await? else {
            continue;
        };
        let viewer = view.viewer(Actor::person(me), Utc::now());
        let Some(you) = membership(&viewer) else {
            continue;
        };
        circles.push(v1::CircleSummary {
            id: circle.0,
            version: view.version,
            focus: focus(&state, circle, &view).await?,
            you,
            life: super::life::state_of(&view),
        });
    }
    circles.sort_by(|a, b| a.focus.name.cmp(&b.focus.name));
    Ok(Json(circles))
}

/// The circle as the caller may see it: 404 for anyone who is not a member.
#[utoipa::path(get, path = "/circles/{id}", tag = "circles",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Circle), Problems))]
async fn read(State(state): State<AppState>, member: Member) -> Result<Json<v1::Circle>, ApiError> {
    member.may(Resource::Circle)?;
    Ok(Json(
        present(&state, member.circle, &member.view, &member.viewer).await?,
    ))
}

async fn present(
    state: &AppState,
    circle: CircleId,
    view: &CircleView,
    viewer: &Viewer,
) -> Result<v1::Circle, ApiError> {
    // Only members read circles through these routes.
    let you = membership(viewer).ok_or(ApiError::NoSuchCircle)?;
    let mut names = wire::Names::default();
    // The focus person's key with the logbook's (one query for the page).
    names
        .fetch(state, view.focus_name.as_ref().map(|n| n.owner))
        .await?;
    let limit = v1::limits::OVERVIEW_ENTRIES;
    let logbook = super::logbook::newest(state, &mut names, view, viewer, limit).await?;
    Ok(v1::Circle {
        id: circle.0,
        version: view.version,
        time_zone: view.state.time_zone.clone(),
        focus: focus_named(state, &mut names, circle, view).await?,
        you,
        may: may(view, viewer),
        members: members(view, viewer),
        neighbourhood: match *viewer {
            Viewer::Member {
                coordinator: true, ..
            } => view.state.neighbourhood.as_ref().map(ToString::to_string),
            _ => None,
        },
        life: super::life::life(state, &mut names, view, viewer).await?,
        coordination_offer: super::coordination::offer(state, &mut names, view, viewer).await?,
        set_up_by: set_up_by(view, viewer),
        logbook,
    })
}

/// Who set the circle up, for those who see its `CircleSetUp` (not the cold ring).
fn set_up_by(view: &CircleView, viewer: &Viewer) -> Option<v1::SetUpBy> {
    let set_up = view.state.set_up_by?;
    let event = CircleEvent::CircleSetUp {
        organisation: set_up.organisation,
        by: set_up.by,
    };
    may_see(&view.state, &event, viewer).then_some(v1::SetUpBy {
        organisation: set_up.organisation.0,
        intermediary: set_up.by.0,
    })
}

/// What the caller may read (the policy's answers) and decide (the domain's
/// own answer for consent), so that clients need neither.
fn may(view: &CircleView, viewer: &Viewer) -> v1::May {
    let reads = |resource| decide(viewer, resource) == Decision::Allow;
    v1::May {
        read_rota: reads(Resource::Rota),
        read_invitations: reads(Resource::Invitations),
        read_consents: reads(Resource::Consent),
        read_looks: reads(Resource::Looks),
        read_health: reads(Resource::Health),
        export: reads(Resource::Export),
        decide_consent: match *viewer {
            Viewer::Member { person, .. } => view.state.may_decide_consent(person),
            _ => false,
        },
        invite_focus: match *viewer {
            Viewer::Member { person, .. } => view.state.may_invite_focus(person, Utc::now()),
            _ => false,
        },
    }
}

/// The caller's place in the circle, if they are a member.
fn membership(viewer: &Viewer) -> Option<v1::Membership> {
    match *viewer {
        Viewer::Member {
            person,
            ring,
            coordinator,
            focus,
            ..
        } => Some(v1::Membership {
            person: person.0,
            ring: wire::ring(ring),
            coordinator,
            focus,
        }),
        _ => None,
    }
}

/// The person the circle is for, with their name opened.
pub(super) async fn focus(
    state: &AppState,
    circle: CircleId,
    view: &CircleView,
) -> Result<v1::Person, ApiError> {
    focus_named(state, &mut wire::Names::default(), circle, view).await
}

/// The focus person, their name opened with the request's keys.
async fn focus_named(
    state: &AppState,
    names: &mut wire::Names,
    circle: CircleId,
    view: &CircleView,
) -> Result<v1::Person, ApiError> {
    let focus = view.state.focus.ok_or_else(|| {
        ApiError::internal(format!("the view of circle {circle} has no focus person"))
    })?;
    let name = match &view.focus_name {
        Some(sealed) => names.open(state, sealed).await?,
        None => None,
    };
    Ok(wire::person(focus, name))
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
