//! An organisation's marketplace, for its matchmakers (intermediaries) and its
//! volunteers. Everything here is 404 to anyone else, as for no organisation.
//!
//! - `POST /organisations/{org}/volunteer-sign-up`: a new public sign-up link.
//! - `POST /organisations/{org}/volunteer-invitations`: an invitation by mail.
//! - `GET /organisations/{org}/marketplace`: the board (listed, proposed,
//!   matched, done) with each week's fill rate and time to match.
//! - `GET /organisations/{org}/marketplace/{listing}/candidates`: its
//!   volunteers who fit a listing, best first.
//! - `POST /organisations/{org}/marketplace/{listing}/proposals`: a matchmaker
//!   proposes a volunteer, or a volunteer offers themself.
//!
//! A listing names no circle: the server finds it from the listing's id in the
//! organisation's view. Every listing shown is a look on its circle's record
//! (once a day per person, as for dashboards).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use kring_domain::circle::state::ProposalState;
use kring_domain::{
    Action, Actor, Looked, OrganisationAction, OrganisationCommand, OrganisationId, PersonId,
    RefusalKind, VolunteerId,
};
use kring_protocol::v1;
use kring_views::{Listing, Stage};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::access::{no_such_organisation, not_from_elsewhere, organisation_id, works_for};
use super::auth::SignedIn;
use super::extract::Body;
use super::{addresses, command, wire, Problems};

mod cache;
mod invitations;
mod live;
use crate::{ApiError, AppState};
use cache::volunteers;
pub(crate) use cache::{listings, looked, MarketplaceCache};
pub(crate) use live::MarketWatch;

/// The most candidates a matchmaker is shown for one listing: the best first.
const CANDIDATES_SHOWN: usize = 20;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_sign_up))
        .routes(routes!(invitations::invite_volunteer))
        .routes(routes!(board))
        .routes(routes!(candidates))
        .routes(routes!(propose))
}

/// 201: a new sign-up link for volunteers; the one before stops working. The
/// code is shown once (only its hash is kept).
#[utoipa::path(post, path = "/organisations/{org}/volunteer-sign-up", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation")),
    responses((status = 201, body = v1::SignUpLink), Problems))]
async fn open_sign_up(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<v1::SignUpLink>), ApiError> {
    let organisation = organisation_id(&org)?;
    works_for(&state, me, organisation).await?;
    let secret = match super::idempotency::ids::new_secret("volunteer-sign-up") {
        Some(bytes) => kring_app::LinkSecret::from_bytes(bytes),
        None => kring_app::LinkSecret::generate()?,
    };
    let action = OrganisationAction::OpenVolunteerSignUp {
        token_hash: secret.hash_hex(),
    };
    let command = OrganisationCommand { actor: me, action };
    state
        .app
        .commands
        .organisation(organisation, command)
        .await?;
    let code = secret.as_str().to_owned();
    let base = addresses::public_base(&state, &headers)?;
    let url = format!("{base}/volunteer/{organisation}#{code}");
    Ok((StatusCode::CREATED, Json(v1::SignUpLink { url, code })))
}

/// The matchmaker's board: every listing still wanted or closed in the last
/// weeks, soonest first, and each week's figures. Each circle shown is on its
/// record once a day.
#[utoipa::path(get, path = "/organisations/{org}/marketplace", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation")),
    responses((status = 200, body = v1::Board), Problems))]
async fn board(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    headers: HeaderMap,
) -> Result<Json<v1::Board>, ApiError> {
    let organisation = organisation_id(&org)?;
    works_for(&state, me, organisation).await?;
    not_from_elsewhere(&headers)?;
    let now = Utc::now();
    let consented = listings(&state, organisation).await?;
    let listings = &consented.listings;
    let mut names = wire::Names::default();
    // Every summary's writer and proposed volunteer at once: one key lookup.
    let owners = listings
        .values()
        .flat_map(|l| std::iter::once(l.summary.owner).chain(l.proposals.keys().copied()));
    names.fetch(&state, owners).await?;
    let mut shown = vec![];
    for (id, listing) in listings {
        if !listing.consent
            || !looked(&state, listing, me, organisation, Looked::Marketplace).await?
        {
            continue;
        }
        let mut proposals = vec![];
        for (volunteer, p) in &listing.proposals {
            proposals.push(v1::BoardProposal {
                volunteer: names.of(&state, *volunteer).await?,
                offered: p.by == *volunteer,
                state: proposal_state(p.state),
                at: p.at,
            });
        }
        shown.push(v1::BoardListing {
            request: listed_request(&state, &mut names, *id, listing).await?,
            stage: stage(listing.stage, listing, now),
            listed_at: listing.listed_at,
            matched_at: listing.matched_at,
            proposals,
        });
    }
    shown.sort_by_key(|l| (l.request.window.start, l.request.listing));
    let weeks = weeks(listings.values(), now);
    Ok(Json(v1::Board {
        listings: shown,
        weeks,
    }))
}

/// At most 20 of the organisation's volunteers who fit the listing, best first: the
/// category, a part of the day the window touches, room in their month, near
/// the circle's neighbourhood, never one kept away from the circle; the very
/// neighbourhood first, then whoever was asked longest ago.
#[utoipa::path(get, path = "/organisations/{org}/marketplace/{listing}/candidates", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation"),
           ("listing" = Uuid, Path, description = "the listing")),
    responses((status = 200, body = Vec<v1::Candidate>), Problems))]
async fn candidates(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((org, listing)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Vec<v1::Candidate>>, ApiError> {
    let organisation = organisation_id(&org)?;
    works_for(&state, me, organisation).await?;
    not_from_elsewhere(&headers)?;
    let (_, listing) = wanted_listing(&state, organisation, &listing, None).await?;
    if !looked(&state, &listing, me, organisation, Looked::Marketplace).await? {
        return Err(no_such_listing());
    }
    let volunteers = volunteers(&state, organisation).await?;
    let ranked = kring_views::ranked(organisation, &listing, &volunteers);
    let mut names = wire::Names::default();
    let mut answer = vec![];
    for person in ranked.into_iter().take(CANDIDATES_SHOWN) {
        let entry = &volunteers.volunteers[&person];
        let profile = &entry.volunteer.profile;
        answer.push(v1::Candidate {
            volunteer: first_name(names.of(&state, person).await?),
            neighbourhood: profile.neighbourhood.as_ref().map(ToString::to_string),
            last_asked: entry.last_asked,
            tasks_this_month: entry
                .tasks
                .get(&kring_views::month_of(listing.window.start()))
                .copied()
                .unwrap_or(0),
            tasks_per_month: profile.tasks_per_month,
        });
    }
    Ok(Json(answer))
}

/// 200 with the circle's version. A matchmaker names the volunteer (one of
/// the organisation's, active); a volunteer of the organisation leaves
/// `volunteer` out (or names themself) to offer to do it. The family hears of
/// it and answers.
#[utoipa::path(post, path = "/organisations/{org}/marketplace/{listing}/proposals", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation"),
           ("listing" = Uuid, Path, description = "the listing")),
    request_body = v1::Propose,
    responses((status = 200, body = v1::Changed), Problems))]
async fn propose(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((org, listing)): Path<(String, String)>,
    Body(body): Body<v1::Propose>,
) -> Result<Json<v1::Changed>, ApiError> {
    let organisation = organisation_id(&org)?;
    let matchmaker = works_for(&state, me, organisation).await.is_ok();
    let volunteer = match body.volunteer.map(PersonId) {
        Some(other) if other != me && matchmaker => other,
        _ => me,
    };
    if volunteer == me && !is_active_volunteer(&state, organisation, me).await? {
        return Err(no_such_organisation());
    }
    if volunteer != me && !is_active_volunteer(&state, organisation, volunteer).await? {
        return Err(ApiError::NotFound(
            crate::error::Code::NoSuchVolunteer,
            "there is no such volunteer here, or they are not taking tasks now".into(),
        ));
    }
    let (_, listing) = wanted_listing(&state, organisation, &listing, Some(volunteer)).await?;
    let note = match body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(note) if note.chars().count() > v1::limits::NOTE_CHARS => {
            return Err(ApiError::Invalid(
                crate::error::Code::NoteLength,
                format!("a note has at most {} characters", v1::limits::NOTE_CHARS),
            ))
        }
        Some(note) => Some(state.app.vault.seal(me, note).await?),
        None => None,
    };
    let action = Action::ProposeVolunteer {
        request: listing.request,
        volunteer,
        note,
    };
    let actor = Actor::intermediary(me, organisation);
    let version = command::run_as(&state, listing.circle, actor, action)
        .await
        .map_err(hide_circle)?;
    Ok(Json(v1::Changed { version }))
}

/// A refusal that would say something of the circle becomes "no such listing".
fn hide_circle(e: ApiError) -> ApiError {
    match e {
        ApiError::NoSuchCircle => no_such_listing(),
        ApiError::Refused(r) if r.kind() == RefusalKind::NotFound => no_such_listing(),
        other => other,
    }
}

pub(crate) fn no_such_listing() -> ApiError {
    ApiError::NotFound(
        crate::error::Code::NoSuchListing,
        "this request is no longer on the marketplace".into(),
    )
}

/// Whether `person` volunteers for `organisation` and may be asked now.
pub(crate) async fn is_active_volunteer(
    state: &AppState,
    organisation: OrganisationId,
    person: PersonId,
) -> Result<bool, ApiError> {
    let volunteer = state
        .app
        .commands
        .volunteer_state(VolunteerId::of(organisation, person))
        .await?;
    Ok(volunteer.may_be_asked())
}

/// A listing that still wants someone (and, for `volunteer`, is open to them),
/// checked against its circle as it is now.
async fn wanted_listing(
    state: &AppState,
    organisation: OrganisationId,
    listing: &str,
    volunteer: Option<PersonId>,
) -> Result<(Uuid, Listing), ApiError> {
    let id: Uuid = listing.parse().map_err(|_| no_such_listing())?;
    let listing = listings(state, organisation)
        .await?
        .listings
        .get(&id)
        .cloned()
        .ok_or_else(no_such_listing)?;
    let now = Utc::now();
    let open = match volunteer {
        Some(v) => listing.open_to(v, now),
        None => listing.wanted(now),
    };
    let circle = super::access::current_view(state, listing.circle).await?;
    let still = circle.is_some_and(|c| {
        c.state
            .requests
            .get(&listing.request)
            .is_some_and(|r| r.on_marketplace(organisation, now))
            && c.state.consent_at(organisation, now).is_some()
    });
    if !open || !still {
        return Err(no_such_listing());
    }
    Ok((id, listing))
}

/// A listing as volunteers see it.
pub(crate) async fn listed_request(
    state: &AppState,
    names: &mut wire::Names,
    id: Uuid,
    listing: &Listing,
) -> Result<v1::ListedRequest, ApiError> {
    Ok(v1::ListedRequest {
        listing: id,
        category: wire::category(listing.category),
        window: v1::Window {
            start: listing.window.start(),
            end: listing.window.end(),
        },
        duration_minutes: listing.duration.get(),
        time_zone: listing.time_zone.clone(),
        neighbourhood: listing.neighbourhood.as_ref().map(ToString::to_string),
        summary: names.open(state, &listing.summary).await?,
    })
}

pub(crate) fn proposal_state(state: ProposalState) -> v1::ProposalState {
    match state {
        ProposalState::Waiting => v1::ProposalState::Waiting,
        ProposalState::Accepted => v1::ProposalState::Accepted,
        ProposalState::Declined => v1::ProposalState::Declined,
    }
}

/// A listing whose time passed unmatched is closed on the board.
fn stage(stage: Stage, listing: &Listing, now: DateTime<Utc>) -> v1::ListingStage {
    match stage {
        Stage::Listed | Stage::Proposed if listing.window.end() <= now => v1::ListingStage::Closed,
        Stage::Listed => v1::ListingStage::Listed,
        Stage::Proposed => v1::ListingStage::Proposed,
        Stage::Matched => v1::ListingStage::Matched,
        Stage::Done => v1::ListingStage::Done,
        Stage::Closed => v1::ListingStage::Closed,
    }
}

/// Only the first word of a volunteer's name goes to matchmakers and families.
pub(crate) fn first_name(mut person: v1::Person) -> v1::Person {
    if let Some(first) = person.name.split_whitespace().next() {
        person.name = first.to_owned();
    }
    person
}

/// The last five weeks (Monday to Sunday, UTC) of listings: how many were
/// listed, how many of those found a volunteer, and the median hours it took.
fn weeks<'a>(
    listings: impl Iterator<Item = &'a Listing>,
    now: DateTime<Utc>,
) -> Vec<v1::MarketplaceWeek> {
    let this_week = kring_views::iso_week_start(now.date_naive());
    let mut weeks: Vec<(chrono::NaiveDate, u32, Vec<f64>)> = (0..5)
        .rev()
        .map(|back| (this_week - Duration::weeks(back), 0, vec![]))
        .collect();
    for listing in listings {
        let week = kring_views::iso_week_start(listing.listed_at.date_naive());
        if let Some((_, listed, hours)) = weeks.iter_mut().find(|(w, _, _)| *w == week) {
            *listed += 1;
            if let Some(matched) = listing.matched_at {
                hours.push((matched - listing.listed_at).num_minutes() as f64 / 60.0);
            }
        }
    }
    weeks
        .into_iter()
        .map(|(week, listed, mut hours)| {
            hours.sort_by(f64::total_cmp);
            let median = match hours.len() {
                0 => None,
                n if n % 2 == 1 => Some(hours[n / 2]),
                n => Some((hours[n / 2 - 1] + hours[n / 2]) / 2.0),
            };
            v1::MarketplaceWeek {
                week,
                listed,
                matched: hours.len() as u32,
                median_hours_to_match: median,
            }
        })
        .collect()
}
