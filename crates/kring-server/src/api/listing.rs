//! The marketplace as a circle's coordinators use it.
//!
//! - `PUT /circles/{id}/neighbourhood`: where the circle is (an area or district, never the address).
//! - `POST /circles/{id}/requests/{request}/listing`: on a consenting organisation's marketplace.
//! - `GET /circles/{id}/requests/{request}/proposals`: who was proposed (first name, the note).
//! - `POST /circles/{id}/requests/{request}/proposals/{volunteer}`: accept or decline one.

use axum::extract::{Path, State};
use axum::Json;
use kring_domain::{Action, InvitationId, Neighbourhood, OrganisationId, PersonId, RequestId};
use kring_protocol::v1;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::extract::Body;
use super::marketplace::{first_name, is_active_volunteer, proposal_state};
use super::policy::Resource;
use super::{command, idempotency::ids, wire, Problems};
use crate::error::Code;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_neighbourhood))
        .routes(routes!(list))
        .routes(routes!(proposals))
        .routes(routes!(answer))
}

/// 200 with the circle's version; coordinators only. A four-digit postcode
/// area (3512) or a district's name; `null` unnames it.
#[utoipa::path(put, path = "/circles/{id}/neighbourhood", tag = "marketplace",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::SetNeighbourhood,
    responses((status = 200, body = v1::Changed), Problems))]
async fn set_neighbourhood(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::SetNeighbourhood>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let neighbourhood = match body.neighbourhood.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Neighbourhood::parse(text)?),
    };
    let action = Action::NameNeighbourhood { neighbourhood };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// 200 with the circle's version; coordinators only. Opens the request to the
/// cold ring if it was not. 409 without the organisation's consent or a
/// neighbourhood; 422 for personal care and personal matters.
#[utoipa::path(post, path = "/circles/{id}/requests/{request}/listing", tag = "marketplace",
    params(("id" = Uuid, Path, description = "the circle"),
           ("request" = Uuid, Path, description = "the request")),
    request_body = v1::ListOnMarketplace,
    responses((status = 200, body = v1::Changed), Problems))]
async fn list(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, request)): Path<(String, String)>,
    Body(body): Body<v1::ListOnMarketplace>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let request = request_id(&request)?;
    let summary = body.summary.trim();
    if summary.is_empty() || summary.chars().count() > v1::limits::SUMMARY_CHARS {
        return Err(ApiError::Invalid(
            Code::SummaryLength,
            format!(
                "write a summary for volunteers in 1 to {} characters",
                v1::limits::SUMMARY_CHARS
            ),
        ));
    }
    let action = Action::ListRequest {
        request,
        organisation: OrganisationId(body.organisation),
        summary: state.app.vault.seal(me, summary).await?,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// The volunteers proposed for the request, with their first name and what
/// the matchmaker wrote; coordinators only (403 for other members).
#[utoipa::path(get, path = "/circles/{id}/requests/{request}/proposals", tag = "marketplace",
    params(("id" = Uuid, Path, description = "the circle"),
           ("request" = Uuid, Path, description = "the request"), v1::ReadQuery),
    responses((status = 200, body = Vec<v1::CircleProposal>), Problems))]
async fn proposals(
    State(state): State<AppState>,
    member: Member,
    Path((_, request)): Path<(String, String)>,
) -> Result<Json<Vec<v1::CircleProposal>>, ApiError> {
    member.may(Resource::Proposals)?;
    let request = request_id(&request)?;
    let Some(r) = member.view.state.requests.get(&request) else {
        return Err(ApiError::Refused(
            kring_domain::Refusal::NoSuchRequest.into(),
        ));
    };
    let notes = member.view.proposal_notes.get(&request);
    let mut names = wire::Names::default();
    let mut answer = vec![];
    for (volunteer, p) in &r.proposals {
        let note = match notes.and_then(|n| n.get(volunteer)) {
            Some(sealed) => names.open(&state, sealed).await?,
            None => None,
        };
        answer.push(v1::CircleProposal {
            volunteer: volunteer.0,
            first_name: first_name(names.of(&state, *volunteer).await?).name,
            offered: p.by == *volunteer,
            note,
            state: proposal_state(p.state),
        });
    }
    Ok(Json(answer))
}

/// 200 with the circle's version; coordinators only. Accepting lets the
/// volunteer join the cold ring for this request and take it; declining means
/// the circle does not ask them again. 404 `no-such-volunteer` when they
/// stopped volunteering meanwhile.
#[utoipa::path(post, path = "/circles/{id}/requests/{request}/proposals/{volunteer}", tag = "marketplace",
    params(("id" = Uuid, Path, description = "the circle"),
           ("request" = Uuid, Path, description = "the request"),
           ("volunteer" = Uuid, Path, description = "the volunteer")),
    request_body = v1::AnswerProposal,
    responses((status = 200, body = v1::Changed), Problems))]
async fn answer(
    State(state): State<AppState>,
    member: Member,
    Path((_, request, volunteer)): Path<(String, String, String)>,
    Body(body): Body<v1::AnswerProposal>,
) -> Result<Json<v1::Changed>, ApiError> {
    let request = request_id(&request)?;
    let volunteer = PersonId(volunteer.parse().map_err(|_| no_proposal())?);
    let action = if body.accept {
        let organisation = member
            .view
            .state
            .requests
            .get(&request)
            .and_then(|r| r.listed_with);
        let still = match organisation {
            Some(org) => is_active_volunteer(&state, org, volunteer).await?,
            None => true, // the domain answers for a request never listed
        };
        if !still {
            return Err(ApiError::NotFound(
                Code::NoSuchVolunteer,
                "this volunteer stopped volunteering or paused".into(),
            ));
        }
        Action::AcceptVolunteer {
            request,
            volunteer,
            invitation: InvitationId(ids::new_id("volunteer-accepted")),
        }
    } else {
        Action::DeclineVolunteer { request, volunteer }
    };
    let version = command::run(&state, member.circle, member.me, action).await?;
    Ok(Json(v1::Changed { version }))
}

fn request_id(text: &str) -> Result<RequestId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::Refused(kring_domain::Refusal::NoSuchRequest.into()))
}

fn no_proposal() -> ApiError {
    ApiError::Refused(kring_domain::Refusal::NoSuchProposal.into())
}
