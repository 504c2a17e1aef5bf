//! A person's own volunteering for an organisation's marketplace.
//!
//! - `POST /volunteering`: sign up with the code of the organisation's public link.
//! - `GET /me/volunteering/{org}`: their profile, the requests open to them
//!   (anonymised; each shown is a look on its circle's record, once a day) and
//!   their proposals; the circle only once the family accepted.
//! - `PUT /me/volunteering/{org}`: a new profile; `PUT .../status`: pause, resume, leave.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use kring_domain::circle::state::ProposalState;
use kring_domain::{
    Looked, Neighbourhood, OrganisationId, PartOfDay, PersonId, Profile, Slot, VolunteerAction,
    VolunteerCommand, VolunteerId, VolunteerStatus,
};
use kring_protocol::v1;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::SignedIn;
use super::extract::Body;
use super::marketplace::{listed_request, listings, looked, proposal_state};
use super::{wire, Problems};
use crate::error::Code;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(join))
        .routes(routes!(mine, set_profile))
        .routes(routes!(set_status))
}

/// 201 with the volunteering's id. 404 `sign-up-link-gone` for a code that is
/// neither the organisation's open link nor an unused invitation mailed for
/// it (or no such organisation); 422 for a
/// profile that cannot be (nothing to do, personal care, no time, no place).
#[utoipa::path(post, path = "/volunteering", tag = "marketplace",
    request_body = v1::JoinVolunteering,
    responses((status = 201, body = v1::Created), Problems))]
async fn join(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Body(body): Body<v1::JoinVolunteering>,
) -> Result<(StatusCode, Json<v1::Created>), ApiError> {
    let organisation = OrganisationId(body.organisation);
    let profile = profile(&body.profile)?;
    // A refused profile leaves a mailed invitation working.
    profile.check().map_err(ApiError::from)?;
    // Someone who volunteers here already is told so before a mailed
    // invitation is spent on them.
    let id = VolunteerId::of(organisation, me);
    let status = state.app.commands.volunteer_state(id).await?.status;
    if matches!(status, VolunteerStatus::Active | VolunteerStatus::Paused) {
        return Err(ApiError::from(kring_domain::Refusal::AlreadyVolunteer));
    }
    let code = body.code.trim();
    let hash = kring_app::LinkSecret::hex_hash_of(code);
    let open = match hash {
        Some(hash) => state
            .app
            .commands
            .organisation_state(organisation)
            .await?
            .is_some_and(|o| o.signs_up_volunteers_with(&hash)),
        None => false,
    };
    if !open && !super::links::spend_volunteer_invitation(&state, organisation, code).await? {
        return Err(ApiError::NotFound(
            Code::SignUpLinkGone,
            "this sign-up link no longer works: ask the organisation for a new one".into(),
        ));
    }
    let action = VolunteerAction::Join {
        organisation,
        profile,
    };
    let version = run(&state, me, id, action).await?;
    Ok((StatusCode::CREATED, Json(v1::Created { id: id.0, version })))
}

/// The caller's volunteering for the organisation: 404 `not-a-volunteer` if
/// they never signed up.
#[utoipa::path(get, path = "/me/volunteering/{org}", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation")),
    responses((status = 200, body = v1::Volunteering), Problems))]
async fn mine(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<v1::Volunteering>, ApiError> {
    let organisation: OrganisationId = org.parse().map_err(|_| not_a_volunteer())?;
    let volunteer = state
        .app
        .commands
        .volunteer_state(VolunteerId::of(organisation, me))
        .await?;
    if volunteer.status == VolunteerStatus::None {
        return Err(not_a_volunteer());
    }
    // A volunteer's page puts looks on circles' records: never at another
    // site's asking (someone not yet volunteering, following a shared sign-up
    // link from anywhere, gets the 404 that shows them the sign-up form).
    super::access::not_from_elsewhere(&headers)?;
    let organisation_name = state
        .app
        .commands
        .organisation_state(organisation)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let now = Utc::now();
    let mut names = wire::Names::default();
    let mut open = vec![];
    let mut proposals = vec![];
    let consented = listings(&state, organisation).await?;
    for (id, listing) in &consented.listings {
        let id = *id;
        if let Some(p) = listing.proposals.get(&me) {
            let accepted = p.state == ProposalState::Accepted;
            proposals.push(v1::MyProposal {
                request: listed_request(&state, &mut names, id, listing).await?,
                state: proposal_state(p.state),
                circle: accepted.then_some(listing.circle.0),
            });
        } else if volunteer.may_be_asked()
            && listing.open_to(me, now)
            && looked(
                &state,
                listing,
                me,
                organisation,
                Looked::MarketplaceVolunteer,
            )
            .await?
        {
            open.push(listed_request(&state, &mut names, id, listing).await?);
        }
    }
    open.sort_by_key(|l| (l.window.start, l.listing));
    proposals.sort_by_key(|p| (p.request.window.start, p.request.listing));
    Ok(Json(v1::Volunteering {
        organisation: organisation.0,
        organisation_name,
        status: status(volunteer.status),
        profile: wire_profile(&volunteer.profile),
        listings: open,
        proposals,
    }))
}

/// 200 with the volunteering's version.
#[utoipa::path(put, path = "/me/volunteering/{org}", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation")),
    request_body = v1::VolunteerProfile,
    responses((status = 200, body = v1::Changed), Problems))]
async fn set_profile(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    Body(body): Body<v1::VolunteerProfile>,
) -> Result<Json<v1::Changed>, ApiError> {
    let organisation: OrganisationId = org.parse().map_err(|_| not_a_volunteer())?;
    require_volunteer(&state, organisation, me).await?;
    let action = VolunteerAction::SetProfile {
        profile: profile(&body)?,
    };
    let version = run(&state, me, VolunteerId::of(organisation, me), action).await?;
    Ok(Json(v1::Changed { version }))
}

/// 200 with the volunteering's version: `paused` (asked for nothing until
/// `active` again) or `left` (proposals still waiting for a family are withdrawn).
#[utoipa::path(put, path = "/me/volunteering/{org}/status", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation")),
    request_body = v1::SetVolunteerStatus,
    responses((status = 200, body = v1::Changed), Problems))]
async fn set_status(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    Body(body): Body<v1::SetVolunteerStatus>,
) -> Result<Json<v1::Changed>, ApiError> {
    let organisation: OrganisationId = org.parse().map_err(|_| not_a_volunteer())?;
    require_volunteer(&state, organisation, me).await?;
    let action = match body.status {
        v1::VolunteerStatus::Active => VolunteerAction::Resume,
        v1::VolunteerStatus::Paused => VolunteerAction::Pause,
        v1::VolunteerStatus::Left => VolunteerAction::Leave,
    };
    let leaving = matches!(action, VolunteerAction::Leave);
    let version = run(&state, me, VolunteerId::of(organisation, me), action).await?;
    if leaving {
        let commands = &state.app.commands;
        kring_app::volunteering::withdraw_proposals(commands, state.log.as_ref(), organisation, me)
            .await?;
    }
    Ok(Json(v1::Changed { version }))
}

async fn run(
    state: &AppState,
    me: PersonId,
    id: VolunteerId,
    action: VolunteerAction,
) -> Result<u64, ApiError> {
    let command = VolunteerCommand { actor: me, action };
    Ok(state.app.commands.volunteer(id, command).await?)
}

/// 404 unless `me` ever signed up as a volunteer of `organisation`.
async fn require_volunteer(
    state: &AppState,
    organisation: OrganisationId,
    me: PersonId,
) -> Result<(), ApiError> {
    let id = VolunteerId::of(organisation, me);
    match state.app.commands.volunteer_state(id).await?.status {
        VolunteerStatus::None => Err(not_a_volunteer()),
        _ => Ok(()),
    }
}

fn not_a_volunteer() -> ApiError {
    ApiError::NotFound(
        Code::NotAVolunteer,
        "you do not volunteer for this organisation".into(),
    )
}

/// A profile as sent, in the domain's terms (the domain checks the rest).
fn profile(sent: &v1::VolunteerProfile) -> Result<Profile, ApiError> {
    Ok(Profile {
        will: sent
            .will
            .iter()
            .map(|c| wire::domain_category(*c))
            .collect(),
        neighbourhood: Some(Neighbourhood::parse(&sent.neighbourhood)?),
        available: sent
            .available
            .iter()
            .map(|s| Slot {
                weekday: s.weekday,
                part: match s.part {
                    v1::PartOfDay::Morning => PartOfDay::Morning,
                    v1::PartOfDay::Afternoon => PartOfDay::Afternoon,
                    v1::PartOfDay::Evening => PartOfDay::Evening,
                },
            })
            .collect(),
        tasks_per_month: sent.tasks_per_month,
    })
}

fn wire_profile(profile: &Profile) -> v1::VolunteerProfile {
    v1::VolunteerProfile {
        will: profile.will.iter().map(|c| wire::category(*c)).collect(),
        neighbourhood: profile
            .neighbourhood
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        available: profile
            .available
            .iter()
            .map(|s| v1::WeekSlot {
                weekday: s.weekday,
                part: match s.part {
                    PartOfDay::Morning => v1::PartOfDay::Morning,
                    PartOfDay::Afternoon => v1::PartOfDay::Afternoon,
                    PartOfDay::Evening => v1::PartOfDay::Evening,
                },
            })
            .collect(),
        tasks_per_month: profile.tasks_per_month,
    }
}

fn status(status: VolunteerStatus) -> v1::VolunteerStatus {
    match status {
        VolunteerStatus::Active | VolunteerStatus::None => v1::VolunteerStatus::Active,
        VolunteerStatus::Paused => v1::VolunteerStatus::Paused,
        VolunteerStatus::Left => v1::VolunteerStatus::Left,
    }
}
