//! Members and rings.
//!
//! - `GET /api/v1/circles/{id}/members`: the members the caller may know of.
//! - `PUT /api/v1/circles/{id}/members/{person}/ring`: move between warm and lukewarm.
//! - `POST /api/v1/circles/{id}/members/{person}/coordinator`: appoint a coordinator.
//! - `DELETE /api/v1/circles/{id}/members/{person}/coordinator`: step down (yourself only).
//! - `DELETE /api/v1/circles/{id}/members/{person}`: remove someone; yourself: leave.
//!
//! Who is shown follows the audience of membership events, as the ring counts
//! of `GET /circles/{id}` do: the warm and lukewarm rings see everyone, a
//! volunteer in the cold ring only themself. The rules of every change (only
//! coordinators, never the last coordinator, the focus person stays) are the
//! domain's.

use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use kring_domain::{may_see, Action, Actor, CircleEvent, PersonId, Ring};
use kring_protocol::v1;
use kring_views::CircleView;
use uuid::Uuid;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::command;
use super::extract::Body;
use super::policy::Resource;
use super::{wire, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(change_ring))
        .routes(routes!(appoint, step_down))
        .routes(routes!(remove))
}

/// A person id from the path. One that cannot be an id is one nobody has: the
/// domain answers it as it answers any stranger, after it has checked that the
/// caller is a member (a non-member learns nothing about the circle).
fn person_id(text: &str) -> PersonId {
    PersonId(text.parse().unwrap_or(Uuid::nil()))
}

/// Names of the people of one circle, looked up once per request. The focus
/// person may have no account: their name is the circle's own (sealed with
/// their key).
pub(super) struct People<'a> {
    view: &'a CircleView,
    names: wire::Names,
}

impl<'a> People<'a> {
    pub(super) fn of(view: &'a CircleView) -> People<'a> {
        People {
            view,
            names: wire::Names::default(),
        }
    }

    pub(super) async fn person(
        &mut self,
        state: &AppState,
        person: PersonId,
    ) -> Result<v1::Person, ApiError> {
        if self.view.state.focus == Some(person) {
            if let Some(sealed) = &self.view.focus_name {
                let name = wire::text(state.app.vault.open(sealed).await?);
                return Ok(wire::person(person, name));
            }
        }
        self.names.of(state, person).await
    }
}

/// Whether `viewer` may know that `person` is a member: membership is seen as
/// its events are (the same rule as the ring counts of the circle).
fn knows_of(
    view: &CircleView,
    viewer: &kring_domain::Viewer,
    person: PersonId,
    ring: Ring,
) -> bool {
    let membership = CircleEvent::MemberRingChanged {
        person,
        ring,
        by: person,
    };
    may_see(&view.state, &membership, viewer)
}

/// The members the caller may know of: the focus person first, then by ring
/// (warm first) and name.
#[utoipa::path(get, path = "/circles/{id}/members", tag = "members",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Members), Problems))]
async fn list(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Members>, ApiError> {
    member.may(Resource::Members)?;
    let view = &member.view;
    let mut people = People::of(view);
    let mut members = vec![];
    for (&person, m) in &view.state.members {
        if !knows_of(view, &member.viewer, person, m.ring) {
            continue;
        }
        members.push(v1::Member {
            person: people.person(&state, person).await?,
            ring: wire::ring(m.ring),
            coordinator: m.coordinator,
            focus: view.state.is_focus(person),
            task: m.task.map(|t| t.0),
        });
    }
    members.sort_by(|a, b| {
        (!a.focus, ring_order(a.ring), &a.person.name, a.person.id).cmp(&(
            !b.focus,
            ring_order(b.ring),
            &b.person.name,
            b.person.id,
        ))
    });
    Ok(Json(v1::Members {
        version: view.version,
        members,
    }))
}

fn ring_order(ring: v1::Ring) -> u8 {
    match ring {
        v1::Ring::Warm => 0,
        v1::Ring::Lukewarm => 1,
        v1::Ring::Cold => 2,
    }
}

/// Moves a member between the warm and lukewarm rings (coordinators). The
/// focus person and coordinators stay warm (422); volunteers come and go
/// through the marketplace, not by a change of ring (422).
#[utoipa::path(put, path = "/circles/{id}/members/{person}/ring", tag = "members",
    params(("id" = Uuid, Path, description = "the circle"),
        ("person" = Uuid, Path, description = "the member")),
    request_body = v1::ChangeRing,
    responses((status = 200, body = v1::Changed), Problems))]
async fn change_ring(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, person)): Path<(String, String)>,
    Body(body): Body<v1::ChangeRing>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let action = Action::ChangeRing {
        person: person_id(&person),
        ring: wire::domain_ring(body.ring),
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// Makes a member of the warm ring a coordinator too (coordinators).
#[utoipa::path(post, path = "/circles/{id}/members/{person}/coordinator", tag = "members",
    params(("id" = Uuid, Path, description = "the circle"),
        ("person" = Uuid, Path, description = "the member")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn appoint(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let action = Action::AppointCoordinator {
        person: person_id(&person),
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// Steps down as coordinator: only for yourself (403 for anyone else), and
/// never as the last one (409: appoint another first).
#[utoipa::path(delete, path = "/circles/{id}/members/{person}/coordinator", tag = "members",
    params(("id" = Uuid, Path, description = "the circle"),
        ("person" = Uuid, Path, description = "yourself")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn step_down(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    if person_id(&person) != me {
        // Tell a member why; anyone else learns nothing about the circle.
        let view = super::access::current_view(&state, circle).await?;
        let member = view.is_some_and(|v| v.viewer(Actor::person(me), Utc::now()).sees_circle());
        return Err(if member {
            ApiError::NotAllowed(
                crate::error::Code::StepDownYourself,
                "only a coordinator themself can step down; another can be removed from the circle"
                    .into(),
            )
        } else {
            ApiError::NoSuchCircle
        });
    }
    let version = command::run(&state, circle, me, Action::StepDownAsCoordinator).await?;
    Ok(Json(v1::Changed { version }))
}

/// Removes a member from the circle (coordinators); with your own id: leave
/// it. The focus person cannot be removed nor leave (422); the last
/// coordinator cannot leave (409). Whoever is gone no longer sees the circle,
/// and their coming shifts and taken requests open up again.
#[utoipa::path(delete, path = "/circles/{id}/members/{person}", tag = "members",
    params(("id" = Uuid, Path, description = "the circle"),
        ("person" = Uuid, Path, description = "the member, or yourself to leave")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn remove(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, person)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let person = person_id(&person);
    let action = if person == me {
        Action::Leave
    } else {
        Action::RemoveMember { person }
    };
    let version = command::run(&state, circle, me, action).await?;
    // Gone from the circle: their calendar feeds of it stop serving. (Reads
    // already refuse them; this keeps a rejoin from reviving an old address.)
    state.app.calendar_feeds.revoke_in(person, circle).await?;
    Ok(Json(v1::Changed { version }))
}
