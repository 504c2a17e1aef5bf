//! Organisations and what their intermediaries see.
//!
//! - `POST /organisations`: register one; the caller is its first intermediary.
//! - `GET /organisations/{org}`, `POST .../intermediaries` (a mailed invitation),
//!   `DELETE .../intermediaries/{person}`: for its intermediaries only (404 for
//!   everyone else, as for no organisation).
//! - `PUT /organisations/{org}/thresholds`: when its intermediaries hear of a
//!   consenting circle by mail (kring-notify's signals).
//! - `GET /organisations/{org}/dashboard`: every circle that consented, with its
//!   signals, what needs attention first; filtered by `needs_attention`, `signal`, `q`.
//! - `GET /organisations/{org}/circles/{id}`: one circle, as far as its consent goes.
//! - `GET /me/organisations`: the organisations the caller works for.
//!
//! Each circle an intermediary sees is recorded in that circle first ("who
//! looked at our circle"); a circle whose consent ended in between is left out.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use kring_domain::circle::state::local_date;
use kring_domain::{
    ConsentScope, OrganisationAction, OrganisationCommand, OrganisationId, PersonId, Viewer,
};
use kring_notify::direct::{self, Direct};
use kring_protocol::v1;
use kring_views::Slot;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::access::{no_such_organisation, organisation_id, record_look, works_for, Intermediary};
use super::auth::SignedIn;
use super::extract::{Body, Query};
use super::policy::Resource;
use super::{wire, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(read))
        .routes(routes!(add_intermediary))
        .routes(routes!(remove_intermediary))
        .routes(routes!(set_thresholds))
        .routes(routes!(dashboard))
        .routes(routes!(circle))
        .routes(routes!(mine))
}

/// The organisations the caller works for, by name. Which ones is the
/// projector's index (an organisation just registered shows once it has read
/// that far); whether they still work there is each organisation's own say,
/// as it is now, so one who left sees it no more at once.
#[utoipa::path(get, path = "/me/organisations", tag = "organisations",
    responses((status = 200, body = Vec<v1::MyOrganisation>), Problems))]
async fn mine(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
) -> Result<Json<Vec<v1::MyOrganisation>>, ApiError> {
    let log = state.log.as_ref();
    kring_views::caught_up(log, super::circles::MEMBERSHIPS_PATIENCE).await?;
    let mut mine = vec![];
    for id in kring_views::organisations_of(log, me).await?.organisations {
        match state.app.commands.organisation_state(id).await? {
            Some(o) if o.intermediaries.contains(&me) => mine.push(v1::MyOrganisation {
                id: id.0,
                name: o.name,
            }),
            _ => {}
        }
    }
    mine.sort_by_key(|o| (o.name.to_lowercase(), o.id));
    Ok(Json(mine))
}

#[utoipa::path(post, path = "/organisations", tag = "organisations",
    request_body = v1::RegisterOrganisation,
    responses((status = 201, body = v1::Created), Problems))]
async fn register(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Body(body): Body<v1::RegisterOrganisation>,
) -> Result<(StatusCode, Json<v1::Created>), ApiError> {
    let organisation = OrganisationId(Uuid::new_v4());
    let command = OrganisationCommand {
        actor: me,
        action: OrganisationAction::Register {
            organisation,
            name: body.name,
        },
    };
    let version = state
        .app
        .commands
        .organisation(organisation, command)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(v1::Created {
            id: organisation.0,
            version,
        }),
    ))
}

#[utoipa::path(get, path = "/organisations/{org}", tag = "organisations",
    params(("org" = Uuid, Path, description = "the organisation")),
    responses((status = 200, body = v1::Organisation), Problems))]
async fn read(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
) -> Result<Json<v1::Organisation>, ApiError> {
    let id = organisation_id(&org)?;
    let organisation = state
        .app
        .commands
        .organisation_state(id)
        .await?
        .filter(|o| o.intermediaries.contains(&me))
        .ok_or_else(no_such_organisation)?;
    let mut names = wire::Names::default();
    let mut intermediaries = vec![];
    for person in &organisation.intermediaries {
        intermediaries.push(names.of(&state, *person).await?);
    }
    Ok(Json(v1::Organisation {
        id: id.0,
        name: organisation.name,
        intermediaries,
        thresholds: v1::Thresholds {
            open_places: organisation.thresholds.open_places,
            carer_at_risk: organisation.thresholds.carer_at_risk,
            silent_days: organisation.thresholds.silent_days,
        },
    }))
}

/// 202, the same whatever the address: an invitation is mailed to it. The
/// colleague is added when the account that verified this address accepts
/// through the mailed link; until then nothing about them shows.
#[utoipa::path(put, path = "/organisations/{org}/thresholds", tag = "organisations",
    params(("org" = Uuid, Path, description = "the organisation")),
    request_body = v1::Thresholds,
    responses((status = 200, body = v1::Changed), Problems))]
async fn set_thresholds(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    Body(body): Body<v1::Thresholds>,
) -> Result<Json<v1::Changed>, ApiError> {
    let organisation = organisation_id(&org)?;
    works_for(&state, me, organisation).await?;
    let thresholds = kring_domain::Thresholds {
        open_places: body.open_places,
        carer_at_risk: body.carer_at_risk,
        silent_days: body.silent_days,
    };
    change(
        &state,
        me,
        organisation,
        OrganisationAction::SetThresholds { thresholds },
    )
    .await
}

#[utoipa::path(post, path = "/organisations/{org}/intermediaries", tag = "organisations",
    params(("org" = Uuid, Path, description = "the organisation")),
    request_body = v1::AddIntermediary,
    responses((status = 202, body = v1::MailAccepted), Problems))]
async fn add_intermediary(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    Body(body): Body<v1::AddIntermediary>,
) -> Result<(StatusCode, Json<v1::MailAccepted>), ApiError> {
    let organisation = organisation_id(&org)?;
    let (lookup, name) = may_mail_invitation(&state, me, organisation, &body.email).await?;
    let invitation = Uuid::new_v4();
    let direct = Direct::ColleagueInvitation {
        organisation: organisation.0,
        organisation_name: name.clone(),
        to_sealed: state.app.links.seal_address(invitation, &body.email),
    };
    let subject = json!({
        "organisation": organisation.0,
        "organisation_name": name,
        "email_lookup": lookup,
    });
    direct::queue_invitation(
        state.log.as_ref(),
        &state.app.links,
        invitation,
        direct,
        Some((me.0, subject)),
        Utc::now(),
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(v1::MailAccepted { accepted: true }),
    ))
}

/// Before an invitation to `email` is mailed for `organisation`: `me` works
/// for it, the address is one (its lookup), and `me` has not mailed too many
/// invitations lately. Answers the lookup and the organisation's name.
pub(super) async fn may_mail_invitation(
    state: &AppState,
    me: PersonId,
    organisation: OrganisationId,
    email: &str,
) -> Result<(String, String), ApiError> {
    works_for(state, me, organisation).await?;
    let lookup = state.app.accounts.lookup_of(email)?;
    if !state.app.invitations_per_account.allows(&me.0.to_string()) {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: 600,
        });
    }
    let name = state
        .app
        .commands
        .organisation_state(organisation)
        .await?
        .ok_or_else(no_such_organisation)?
        .name;
    Ok((lookup, name))
}

#[utoipa::path(delete, path = "/organisations/{org}/intermediaries/{person}", tag = "organisations",
    params(("org" = Uuid, Path, description = "the organisation"),
           ("person" = Uuid, Path, description = "the intermediary")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn remove_intermediary(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((org, person)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let organisation = organisation_id(&org)?;
    works_for(&state, me, organisation).await?;
    let person: Uuid = person
        .parse()
        .map_err(|_| ApiError::from(kring_domain::Refusal::NoSuchIntermediary))?;
    let action = OrganisationAction::RemoveIntermediary {
        person: PersonId(person),
    };
    change(&state, me, organisation, action).await
}

async fn change(
    state: &AppState,
    me: PersonId,
    organisation: OrganisationId,
    action: OrganisationAction,
) -> Result<Json<v1::Changed>, ApiError> {
    let command = OrganisationCommand { actor: me, action };
    let version = state
        .app
        .commands
        .organisation(organisation, command)
        .await?;
    Ok(Json(v1::Changed { version }))
}

/// Every consented circle with its signals (and, under `full`, the next week's
/// cover), what needs attention first under the organisation's thresholds,
/// then by the focus person's name; only those the query asks for. Each
/// consenting circle is recorded in that circle as a look, also one the
/// filter leaves out: leaving it out tells something of it too.
#[utoipa::path(get, path = "/organisations/{org}/dashboard", tag = "organisations",
    params(("org" = Uuid, Path, description = "the organisation"), v1::DashboardQuery),
    responses((status = 200, body = Vec<v1::DashboardCircle>), Problems))]
async fn dashboard(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    Query(query): Query<v1::DashboardQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Vec<v1::DashboardCircle>>, ApiError> {
    let organisation = organisation_id(&org)?;
    let thresholds = state
        .app
        .commands
        .organisation_state(organisation)
        .await?
        .filter(|o| o.intermediaries.contains(&me))
        .ok_or_else(no_such_organisation)?
        .thresholds;
    super::access::not_from_elsewhere(&headers)?;
    let rows = kring_views::dashboard(state.log.as_ref(), organisation, me, Utc::now()).await?;
    let mut circles = vec![];
    for row in rows {
        if !looked_at(&state, &row, me, organisation).await? {
            continue;
        }
        let attention = kring_views::attention(&row.health, &thresholds);
        let urgency = kring_views::urgency(&attention, &row.health);
        let circle = dashboard_circle(&state, row, &attention).await?;
        if admits(&query, &circle) {
            circles.push((urgency, circle));
        }
    }
    circles.sort_by(|(a, x), (b, y)| {
        (a, x.focus.name.to_lowercase(), x.circle).cmp(&(b, y.focus.name.to_lowercase(), y.circle))
    });
    Ok(Json(circles.into_iter().map(|(_, c)| c).collect()))
}

/// Records the dashboard's look at `row`'s circle; `false` when its consent
/// ended since the dashboard was read (then nothing of it is shown).
async fn looked_at(
    state: &AppState,
    row: &kring_views::DashboardRow,
    me: PersonId,
    organisation: OrganisationId,
) -> Result<bool, ApiError> {
    let what = match row.scope {
        ConsentScope::Signals => kring_domain::Looked::Dashboard,
        ConsentScope::Full => kring_domain::Looked::DashboardRota,
    };
    match record_look(state, row.circle, me, organisation, what).await {
        Ok(()) => Ok(true),
        Err(ApiError::NoSuchCircle | ApiError::NotAllowed(..)) => Ok(false),
        Err(ApiError::Refused(e)) if e.kind() == kring_domain::RefusalKind::NotAllowed => Ok(false),
        Err(e) => Err(e),
    }
}

async fn dashboard_circle(
    state: &AppState,
    row: kring_views::DashboardRow,
    attention: &[kring_views::Attention],
) -> Result<v1::DashboardCircle, ApiError> {
    let focus_name = match &row.focus_name {
        Some(sealed) => wire::text(state.app.vault.open(sealed).await?),
        None => None,
    };
    let focus_id = row.focus.ok_or_else(|| {
        ApiError::internal(format!(
            "the view of circle {} has no focus person",
            row.circle
        ))
    })?;
    Ok(v1::DashboardCircle {
        circle: row.circle.0,
        focus: wire::person(focus_id, focus_name),
        scope: wire::scope(row.scope),
        signals: wire::signals(&row.health),
        rota: row.rota.as_deref().map(cover),
        attention: attention.iter().map(|a| wire::attention(*a)).collect(),
    })
}

/// Whether `circle` is one the dashboard's query asks for.
fn admits(query: &v1::DashboardQuery, circle: &v1::DashboardCircle) -> bool {
    if query.needs_attention == Some(true) && circle.attention.is_empty() {
        return false;
    }
    if query.signal.is_some_and(|s| !circle.attention.contains(&s)) {
        return false;
    }
    let wanted = query.q.as_deref().map(str::trim).unwrap_or_default();
    wanted.is_empty()
        || (!circle.focus.forgotten
            && circle
                .focus
                .name
                .to_lowercase()
                .contains(&wanted.to_lowercase()))
}

/// One consented circle, as far as its consent goes.
#[utoipa::path(get, path = "/organisations/{org}/circles/{id}", tag = "organisations",
    params(("org" = Uuid, Path, description = "the organisation"),
           ("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::ConsentedCircle), Problems))]
async fn circle(
    State(state): State<AppState>,
    look: Intermediary,
) -> Result<Json<v1::ConsentedCircle>, ApiError> {
    let Viewer::Intermediary { scope: granted, .. } = look.viewer else {
        return Err(ApiError::NoSuchCircle);
    };
    let full = granted == ConsentScope::Full;
    let what = if full {
        kring_domain::Looked::CircleFull
    } else {
        kring_domain::Looked::Circle
    };
    look.look(&state, Resource::Health, what).await?;
    let view = &look.view;
    let now = Utc::now();
    let focus = super::circles::focus(&state, look.circle, view).await?;
    let (rota, open_requests, logbook) = if full {
        let today = local_date(now, &view.state.time_zone);
        let rota = cover(&view.rota(&look.viewer, today, 14));
        let open = view
            .requests(&look.viewer)
            .iter()
            .filter(|r| r.taker.is_none())
            .count();
        let logbook = super::logbook::newest(
            &state,
            &mut wire::Names::default(),
            view,
            &look.viewer,
            v1::limits::PAGE_DEFAULT_ITEMS,
        )
        .await?;
        (
            Some(rota),
            Some(u32::try_from(open).unwrap_or(u32::MAX)),
            Some(logbook),
        )
    } else {
        (None, None, None)
    };
    Ok(Json(v1::ConsentedCircle {
        id: look.circle.0,
        version: view.version,
        focus,
        scope: wire::scope(granted),
        signals: wire::signals(&view.health(now)),
        rota,
        open_requests,
        logbook,
    }))
}

/// Cover without names or titles: an organisation sees gaps, not who or what.
fn cover(slots: &[Slot]) -> Vec<v1::CoverSlot> {
    slots
        .iter()
        .map(|slot| v1::CoverSlot {
            date: slot.date,
            starts_at: slot.starts_at,
            duration_minutes: slot.duration.get(),
            helpers_needed: slot.helpers_needed,
            open_places: slot.open_places(),
        })
        .collect()
}
