//! A place in the lukewarm ring for a volunteer who helped a circle three
//! times or more: the coordinators are offered to invite them, and the
//! volunteer (usually no longer in the circle, their task over) answers.
//!
//! - `GET /circles/{id}/helpers`: such volunteers (coordinators only).
//! - `POST /circles/{id}/helpers/{person}/place`: a coordinator offers one a place.
//! - `GET /me/places`: the circles that offer the caller a place.
//! - `POST /me/places/{id}`: the caller's answer for circle `id`; 404 where none is offered.

use axum::extract::{Path, State};
use axum::Json;
use kring_domain::{Action, Actor, InvitationId, PersonId, Refusal};
use kring_protocol::v1;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, current_view, Member};
use super::auth::SignedIn;
use super::extract::Body;
use super::marketplace::first_name;
use super::policy::Resource;
use super::{command, idempotency::ids, wire, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(helpers))
        .routes(routes!(offer))
        .routes(routes!(offered_to_me))
        .routes(routes!(answer))
}

/// The volunteers who helped three times or more; coordinators only.
#[utoipa::path(get, path = "/circles/{id}/helpers", tag = "marketplace",
    params(("id" = Uuid, Path, description = "the circle")),
    responses((status = 200, body = Vec<v1::Helper>), Problems))]
async fn helpers(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<Vec<v1::Helper>>, ApiError> {
    member.may(Resource::Proposals)?;
    let circle = &member.view.state;
    let mut names = wire::Names::default();
    let mut answer = vec![];
    for (person, tasks) in circle.helpers_for_a_place() {
        answer.push(v1::Helper {
            person: person.0,
            first_name: first_name(names.of(&state, person).await?).name,
            tasks: u32::try_from(tasks).unwrap_or(u32::MAX),
            offered: circle.place_offered_to(person).is_some(),
        });
    }
    Ok(Json(answer))
}

/// 200 with the circle's version; coordinators only. 409 `not-helped-enough`
/// for anyone but such a volunteer, `place-already-offered` when it is.
#[utoipa::path(post, path = "/circles/{id}/helpers/{person}/place", tag = "marketplace",
    params(("id" = Uuid, Path, description = "the circle"),
           ("person" = Uuid, Path, description = "the volunteer")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn offer(
    State(state): State<AppState>,
    member: Member,
    Path((_, person)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let volunteer = PersonId(
        person
            .parse()
            .map_err(|_| ApiError::Refused(Refusal::NotHelpedEnough.into()))?,
    );
    let action = Action::OfferPlace {
        volunteer,
        invitation: InvitationId(ids::new_id("place-offered")),
    };
    let version = command::run(&state, member.circle, member.me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// The circles that offer the caller a place in their lukewarm ring, each as
/// it is now (an offer answered meanwhile is not shown).
#[utoipa::path(get, path = "/me/places", tag = "marketplace",
    responses((status = 200, body = Vec<v1::PlaceOffered>), Problems))]
async fn offered_to_me(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
) -> Result<Json<Vec<v1::PlaceOffered>>, ApiError> {
    let offered = kring_views::circles_of(state.log.as_ref(), me)
        .await?
        .places_offered;
    let mut answer = vec![];
    for circle in offered {
        let Some(view) = current_view(&state, circle).await? else {
            continue;
        };
        if view.state.place_offered_to(me).is_none() {
            continue;
        }
        answer.push(v1::PlaceOffered {
            circle: circle.0,
            focus: super::circles::focus(&state, circle, &view).await?,
        });
    }
    Ok(Json(answer))
}

/// 200 with the circle's version. 404 (as for no circle) where no place is
/// offered to the caller.
#[utoipa::path(post, path = "/me/places/{id}", tag = "marketplace",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::AnswerProposal,
    responses((status = 200, body = v1::Changed), Problems))]
async fn answer(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(circle): Path<String>,
    Body(body): Body<v1::AnswerProposal>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&circle)?;
    let action = Action::AnswerPlace {
        accept: body.accept,
    };
    let version = command::run_as(&state, circle, Actor::person(me), action).await?;
    Ok(Json(v1::Changed { version }))
}
