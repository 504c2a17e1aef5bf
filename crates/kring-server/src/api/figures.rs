//! How the work is shared and how the circle is doing.
//!
//! - `GET /api/v1/circles/{id}/load?week=YYYY-MM-DD`: hours committed against capacity;
//! - `GET /api/v1/circles/{id}/reciprocity`: help given and received, thanks.
//!
//! Both are private: a member sees their own figures, coordinators everyone's
//! (the views' queries filter by viewer).
//!
//! - `GET /api/v1/circles/{id}/health`: the circle's signals (coordinators);
//! - `GET /api/v1/circles/{id}/suggestions`: whom in the lukewarm ring to ask
//!   for each open request (coordinators).

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use kring_domain::circle::state::local_date;

use kring_protocol::v1;
use kring_views::iso_week_start;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::Member;
use super::extract::Query;
use super::members::People;
use super::policy::Resource;
use super::{wire, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(load))
        .routes(routes!(reciprocity))
        .routes(routes!(health))
        .routes(routes!(suggestions))
}

/// The week of `week` (its Monday; this week when left out): minutes each
/// member committed (shifts claimed, requests taken) against the hours a week
/// they offered. Your own row; coordinators see every member's.
#[utoipa::path(get, path = "/circles/{id}/load", tag = "figures",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery, v1::LoadQuery),
    responses((status = 200, body = v1::Load), Problems))]
async fn load(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<v1::LoadQuery>,
) -> Result<Json<v1::Load>, ApiError> {
    member.may(Resource::Figures)?;
    let view = &member.view;
    let day = query
        .week
        .unwrap_or_else(|| local_date(Utc::now(), &view.state.time_zone));
    let week = iso_week_start(day);
    let mut people = People::of(view);
    let mut members = vec![];
    for row in view.load(&member.viewer, week) {
        members.push(v1::MemberLoad {
            person: people.person(&state, row.person).await?,
            committed_minutes: row.committed_minutes,
            capacity_hours: row.capacity_hours,
            over_capacity: row.over_capacity,
        });
    }
    Ok(Json(v1::Load {
        version: view.version,
        week,
        members,
    }))
}

/// Up to now: help each member gave (requests done, shifts served; the focus
/// person's standing offers count too) and received, and thanks. Your own
/// row; coordinators see every member's.
#[utoipa::path(get, path = "/circles/{id}/reciprocity", tag = "figures",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Reciprocities), Problems))]
async fn reciprocity(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Reciprocities>, ApiError> {
    member.may(Resource::Figures)?;
    let view = &member.view;
    let mut people = People::of(view);
    let mut members = vec![];
    for row in view.reciprocity(&member.viewer, Utc::now()) {
        members.push(v1::Reciprocity {
            person: people.person(&state, row.person).await?,
            given: row.given,
            received: row.received,
            thanks_received: row.thanks_received,
            thanks_given: row.thanks_given,
        });
    }
    Ok(Json(v1::Reciprocities {
        version: view.version,
        members,
    }))
}

/// The circle's signals (the same an organisation with consent sees), and
/// who carries too much. Coordinators only.
#[utoipa::path(get, path = "/circles/{id}/health", tag = "figures",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Health), Problems))]
async fn health(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Health>, ApiError> {
    member.may(Resource::Health)?;
    let view = &member.view;
    let now = Utc::now();
    let health = view.health(now);
    let signals = wire::signals(&health);
    let primary_carer = match view.primary_carer(now) {
        Some(person) => Some(People::of(view).person(&state, person).await?),
        None => None,
    };
    Ok(Json(v1::Health {
        version: view.version,
        signals,
        primary_carer,
    }))
}

/// Per open request that the lukewarm ring could take: its members whose
/// offers fit and who have room that week, whoever helped least recently
/// first. Coordinators only.
#[utoipa::path(get, path = "/circles/{id}/suggestions", tag = "figures",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Suggestions), Problems))]
async fn suggestions(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Suggestions>, ApiError> {
    member.may(Resource::Health)?;
    let view = &member.view;
    let mut people = People::of(view);
    let mut suggestions = vec![];
    for suggestion in view.lukewarm_suggestions(&member.viewer, Utc::now()) {
        let mut shown = vec![];
        for person in suggestion.people {
            shown.push(people.person(&state, person).await?);
        }
        suggestions.push(v1::Suggestion {
            request: suggestion.request.0,
            people: shown,
        });
    }
    Ok(Json(v1::Suggestions {
        version: view.version,
        suggestions,
    }))
}
