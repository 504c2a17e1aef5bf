//! Which organisations may see the circle, and who of them looked.
//!
//! - `GET /api/v1/circles/{id}/consents`: the consents in force or to come
//!   (the warm ring and the coordinators).
//! - `PUT /api/v1/circles/{id}/consents/{organisation}`: grant or change one;
//!   `DELETE` the same address: revoke it (coordinators and the focus person).
//! - `GET /api/v1/circles/{id}/looks`: "who looked at our circle" (the
//!   coordinators and the focus person): every read by an intermediary is on
//!   the circle's record (see `access::Intermediary`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::Utc;
use kring_domain::{Action, CircleEvent, OrganisationId};
use kring_protocol::v1;
use uuid::Uuid;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::command;
use super::extract::{Body, Query};
use super::members::People;
use super::policy::Resource;
use super::{page, wire, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(grant, revoke))
        .routes(routes!(looks))
}

/// Organisations' names, looked up once per request. One that was never
/// registered (it cannot be: consent needs one) shows its id.
#[derive(Default)]
struct Organisations(HashMap<OrganisationId, v1::OrganisationName>);

impl Organisations {
    async fn of(
        &mut self,
        state: &AppState,
        organisation: OrganisationId,
    ) -> Result<v1::OrganisationName, ApiError> {
        if let Some(known) = self.0.get(&organisation) {
            return Ok(known.clone());
        }
        let name = state
            .app
            .commands
            .organisation_state(organisation)
            .await?
            .map_or_else(|| organisation.to_string(), |o| o.name);
        let shown = v1::OrganisationName {
            id: organisation.0,
            name,
        };
        self.0.insert(organisation, shown.clone());
        Ok(shown)
    }
}

/// The organisations that may see the circle now or from a later moment, by name.
#[utoipa::path(get, path = "/circles/{id}/consents", tag = "consent",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Consents), Problems))]
async fn list(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Consents>, ApiError> {
    member.may(Resource::Consent)?;
    let now = Utc::now();
    let mut organisations = Organisations::default();
    let mut consents = vec![];
    for (organisation, consent) in &member.view.state.consents {
        let granted = CircleEvent::ConsentGranted {
            organisation: *organisation,
            scope: consent.scope,
            from: consent.from,
            by: member.me,
        };
        if consent.revoked || !kring_domain::may_see(&member.view.state, &granted, &member.viewer) {
            continue;
        }
        consents.push(v1::Consent {
            organisation: organisations.of(&state, *organisation).await?,
            scope: wire::scope(consent.scope),
            from: consent.from,
            active: consent.active_at(now),
        });
    }
    consents.sort_by(|a, b| {
        (&a.organisation.name, a.organisation.id).cmp(&(&b.organisation.name, b.organisation.id))
    });
    Ok(Json(v1::Consents {
        version: member.view.version,
        consents,
    }))
}

/// Lets the organisation see the circle with `scope` from `from` (now when
/// left out), replacing what it was allowed before. Coordinators and the
/// focus person; 404 for an organisation that does not exist; 422 for a
/// start in the past.
#[utoipa::path(put, path = "/circles/{id}/consents/{organisation}", tag = "consent",
    params(("id" = Uuid, Path, description = "the circle"),
        ("organisation" = Uuid, Path, description = "the organisation")),
    request_body = v1::GrantConsent,
    responses((status = 200, body = v1::Changed), Problems))]
async fn grant(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, organisation)): Path<(String, String)>,
    Body(body): Body<v1::GrantConsent>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let organisation: OrganisationId = organisation.parse().map_err(|_| no_such_organisation())?;
    if state
        .app
        .commands
        .organisation_state(organisation)
        .await?
        .is_none()
    {
        return Err(no_such_organisation());
    }
    let action = Action::GrantConsent {
        organisation,
        scope: wire::domain_scope(body.scope),
        from: body.from.unwrap_or_else(Utc::now),
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// Ends the organisation's consent at once: its intermediaries no longer see
/// the circle. Coordinators and the focus person; 404 when there is none.
#[utoipa::path(delete, path = "/circles/{id}/consents/{organisation}", tag = "consent",
    params(("id" = Uuid, Path, description = "the circle"),
        ("organisation" = Uuid, Path, description = "the organisation")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn revoke(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, organisation)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    // An id that cannot be one has no consent: the domain says so, to members only.
    let organisation = OrganisationId(organisation.parse().unwrap_or(Uuid::nil()));
    let action = Action::RevokeConsent { organisation };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// A page of the looks by someone of an organisation, newest first: when,
/// who, for which organisation, under which consent, and at what (`limit`,
/// `before`; the next page's address in the `Link` header).
#[utoipa::path(get, path = "/circles/{id}/looks", tag = "consent",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery, v1::PageQuery),
    responses((status = 200, body = v1::Looks,
        headers(("Link" = String, description = "the next (older) page, rel=\"next\", when there is one"))),
        Problems))]
async fn looks(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<v1::PageQuery>,
) -> Result<(HeaderMap, Json<v1::Looks>), ApiError> {
    member.may(Resource::Looks)?;
    let at = page::at(&query)?;
    let page = member.view.looks(&member.viewer, at);
    let link = page::link(&format!("/circles/{}/looks", member.circle), at, &page);
    let mut people = People::of(&member.view);
    let mut organisations = Organisations::default();
    let mut looks = vec![];
    for (at, event) in page.items {
        let CircleEvent::IntermediaryLooked {
            organisation,
            person,
            scope: looked_under,
            what,
            ..
        } = event
        else {
            continue;
        };
        looks.push(v1::Look {
            at: *at,
            who: people.person(&state, *person).await?,
            organisation: organisations.of(&state, *organisation).await?,
            scope: wire::scope(*looked_under),
            what: what.message().to_owned(),
            code: what.code().to_owned(),
        });
    }
    Ok((
        link,
        Json(v1::Looks {
            version: member.view.version,
            looks,
        }),
    ))
}

fn no_such_organisation() -> ApiError {
    ApiError::NotFound(
        crate::error::Code::NoSuchOrganisation,
        "there is no such organisation".into(),
    )
}
