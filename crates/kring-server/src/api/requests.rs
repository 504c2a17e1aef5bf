//! Requests for help.
//!
//! - `GET /api/v1/circles/{id}/requests`: the open and running requests the
//!   caller may see (the audience rules: the rings a request is open to, whoever
//!   asked or took it, the coordinators), with the address only for those the
//!   domain lets see it.
//! - `GET /api/v1/circles/{id}/requests/history`: the finished ones, a page
//!   at a time, the last asked first.
//! - `POST /api/v1/circles/{id}/requests`: ask for help; it starts open to the warm ring.
//! - `POST /api/v1/circles/{id}/requests/{request}/widen`: a coordinator opens
//!   it to a farther ring, never beyond what its category allows.
//! - `POST /api/v1/circles/{id}/requests/{request}/{action}`: take, confirm,
//!   done, cancel, no-show. The domain decides who may do each.
//! - `GET /api/v1/categories`: the kinds of help, their groups, and how far a
//!   request of each may be widened (the domain's bounds).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::Json;
use kring_domain::circle::state::RequestStatus;
use kring_domain::{Action, Category, CircleId, Kind, Minutes, RequestId, TimeWindow};
use kring_protocol::v1;
use kring_views::RequestView;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::extract::{Body, Query};
use super::policy::Resource;
use super::{command, idempotency::ids, page, wire, Problems};
use crate::{ApiError, AppState};

/// Most characters of a request's details.
const MAX_DETAILS_CHARS: usize = v1::limits::DETAILS_CHARS;
/// Most characters of an address.
const MAX_PLACE_CHARS: usize = v1::limits::PLACE_CHARS;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, ask))
        .routes(routes!(history))
        .routes(routes!(widen))
        .routes(routes!(change))
        .routes(routes!(step))
        .routes(routes!(categories))
}

/// The open and running requests the caller may see, soonest first.
#[utoipa::path(get, path = "/circles/{id}/requests", tag = "requests",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Requests), Problems))]
async fn list(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Requests>, ApiError> {
    member.may(Resource::Requests)?;
    let running = member.view.requests(&member.viewer);
    Ok(Json(presented(&state, &member, &running).await?))
}

/// A page of the finished requests (done, cancelled, no-show) the caller may
/// see, the last asked first (`limit`, `before`; the next page's address in
/// the `Link` header).
#[utoipa::path(get, path = "/circles/{id}/requests/history", tag = "requests",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery, v1::PageQuery),
    responses((status = 200, body = v1::Requests,
        headers(("Link" = String, description = "the next (older) page, rel=\"next\", when there is one"))),
        Problems))]
async fn history(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<v1::PageQuery>,
) -> Result<(HeaderMap, Json<v1::Requests>), ApiError> {
    member.may(Resource::Requests)?;
    let at = page::at(&query)?;
    let finished = member.view.request_history(&member.viewer, at);
    let path = format!("/circles/{}/requests/history", member.circle);
    let link = page::link(&path, at, &finished);
    Ok((
        link,
        Json(presented(&state, &member, &finished.items).await?),
    ))
}

/// `requests` as the member may see them, with names and text opened.
async fn presented(
    state: &AppState,
    member: &Member,
    requests: &[&RequestView],
) -> Result<v1::Requests, ApiError> {
    let (view, viewer) = (&member.view, &member.viewer);
    let now = chrono::Utc::now();
    let mut names = wire::Names::default();
    // Every key the page needs, at once.
    let mut owners = vec![];
    for r in requests {
        owners.extend([r.asked_by, r.details.owner]);
        owners.extend(r.taker);
        owners.extend(view.place(r.request, viewer).map(|p| p.owner));
    }
    names.fetch(state, owners).await?;
    let mut presented = vec![];
    for r in requests {
        let taker = match r.taker {
            Some(taker) => Some(names.of(state, taker).await?),
            None => None,
        };
        let place = match view.place(r.request, viewer) {
            Some(sealed) => names.open(state, sealed).await?,
            None => None,
        };
        presented.push(v1::HelpRequest {
            id: r.request.0,
            category: wire::category(r.category),
            window_start: r.window.start(),
            window_end: r.window.end(),
            duration_minutes: r.duration.get(),
            details: names.open(state, &r.details).await?,
            asked_by: names.of(state, r.asked_by).await?,
            on_behalf_of_focus: r.on_behalf_of_focus,
            reach: wire::ring(r.reach),
            widen_to: view
                .state
                .widen_choices(member.me, r.request, now)
                .into_iter()
                .map(wire::ring)
                .collect(),
            list_with: view
                .state
                .list_choices(member.me, r.request, now)
                .into_iter()
                .map(|o| o.0)
                .collect(),
            listed_with: view
                .state
                .requests
                .get(&r.request)
                .and_then(|s| s.listed_with)
                .filter(|_| view.state.is_coordinator(member.me))
                .map(|o| o.0),
            status: status(r.status),
            taker,
            place,
            requested_at: r.requested_at,
        });
    }
    Ok(v1::Requests {
        version: view.version,
        requests: presented,
    })
}

/// Every kind of help, with its group and the farthest ring a request of it
/// may be opened to; the same for everyone, signed in or not.
#[utoipa::path(get, path = "/categories", tag = "requests",
    responses((status = 200, body = v1::Categories), Problems))]
async fn categories() -> Json<v1::Categories> {
    let categories = Category::ALL
        .into_iter()
        .map(|c| v1::CategoryInfo {
            category: wire::category(c),
            group: match c.kind() {
                Kind::Practical => v1::CategoryGroup::Practical,
                Kind::Company => v1::CategoryGroup::Company,
                Kind::PersonalMatters => v1::CategoryGroup::PersonalMatters,
                Kind::PersonalCare => v1::CategoryGroup::PersonalCare,
            },
            widest_ring: wire::ring(c.widest_ring()),
        })
        .collect();
    Json(v1::Categories { categories })
}

/// 201 with the request's id; 422 for a window, duration or text that cannot
/// be right; 403 to ask for the focus person from outside the warm ring.
#[utoipa::path(post, path = "/circles/{id}/requests", tag = "requests",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::AskForHelp,
    responses((status = 201, body = v1::Created), Problems))]
async fn ask(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::AskForHelp>,
) -> Result<(StatusCode, Json<v1::Created>), ApiError> {
    let circle = circle_id(&id)?;
    let window = TimeWindow::new(body.window_start, body.window_end)?;
    let duration = Minutes::new(body.duration_minutes)?;
    let details = checked_details(&body.details)?;
    let place = optional_text(
        body.place.as_deref(),
        MAX_PLACE_CHARS,
        crate::error::Code::PlaceLength,
        "an address has at most",
    )?;
    let request = RequestId(ids::new_id("request"));
    let details = state.app.vault.seal(me, details).await?;
    let place = match place {
        Some(place) => Some(state.app.vault.seal(me, place).await?),
        None => None,
    };
    let action = Action::RequestHelp {
        request,
        category: wire::domain_category(body.category),
        window,
        duration,
        details,
        place,
        on_behalf_of_focus: body.on_behalf_of_focus,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok((
        StatusCode::CREATED,
        Json(v1::Created {
            id: request.0,
            version,
        }),
    ))
}

/// 200 with the circle's version; 403 unless the caller asked it or
/// coordinates; 409 when it is closed (`request-closed`) or on a marketplace
/// (`listed-request-stays`); 422 for a window, length or text that cannot be.
#[utoipa::path(put, path = "/circles/{id}/requests/{request}", tag = "requests",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("request" = Uuid, Path, description = "the request"),
    ),
    request_body = v1::ChangeRequest,
    responses((status = 200, body = v1::Changed), Problems))]
async fn change(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, request)): Path<(String, String)>,
    Body(body): Body<v1::ChangeRequest>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, request) = ids(&id, &request)?;
    let window = TimeWindow::new(body.window_start, body.window_end)?;
    let duration = Minutes::new(body.duration_minutes)?;
    let details = checked_details(&body.details)?;
    let action = Action::ChangeRequest {
        request,
        window,
        duration,
        details: state.app.vault.seal(me, details).await?,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// What is needed, trimmed: 1 to [`MAX_DETAILS_CHARS`] characters.
fn checked_details(details: &str) -> Result<&str, ApiError> {
    let details = details.trim();
    if details.is_empty() || details.chars().count() > MAX_DETAILS_CHARS {
        return Err(ApiError::Invalid(
            crate::error::Code::DetailsLength,
            format!("say what is needed in 1 to {MAX_DETAILS_CHARS} characters"),
        ));
    }
    Ok(details)
}

/// 200 with the circle's version; 403 unless the caller is a coordinator; 422
/// beyond what the category allows (personal care and personal matters stay
/// warm); 409 when the request is closed or already open to that ring.
#[utoipa::path(post, path = "/circles/{id}/requests/{request}/widen", tag = "requests",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("request" = Uuid, Path, description = "the request"),
    ),
    request_body = v1::WidenRequest,
    responses((status = 200, body = v1::Changed), Problems))]
async fn widen(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, request)): Path<(String, String)>,
    Body(body): Body<v1::WidenRequest>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, request) = ids(&id, &request)?;
    let action = Action::WidenRequest {
        request,
        to: wire::domain_ring(body.to),
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// A step in the life of a request: `take`, `confirm`, `done`, `cancel` or
/// `no-show`. 200 with the circle's version; 403 for someone the step is not
/// for; 409 when the request is not at a point where the step fits; 404 for
/// another word.
#[utoipa::path(post, path = "/circles/{id}/requests/{request}/{action}", tag = "requests",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("request" = Uuid, Path, description = "the request"),
        ("action" = inline(v1::RequestAction), Path, description = "the step"),
    ),
    responses((status = 200, body = v1::Changed), Problems))]
async fn step(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, request, action)): Path<(String, String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let step = v1::RequestAction::parse(&action).ok_or_else(ApiError::nothing_here)?;
    let (circle, request) = ids(&id, &request)?;
    let action = match step {
        v1::RequestAction::Take => Action::TakeRequest { request },
        v1::RequestAction::Confirm => Action::ConfirmRequest { request },
        v1::RequestAction::Done => Action::MarkRequestDone { request },
        v1::RequestAction::Cancel => Action::CancelRequest { request },
        v1::RequestAction::NoShow => Action::RecordNoShow { request },
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// The circle and request ids from the path; anything that is not an id is no
/// such circle or no such request, as for an id nobody uses.
fn ids(circle: &str, request: &str) -> Result<(CircleId, RequestId), ApiError> {
    let circle = circle_id(circle)?;
    let request = request
        .parse()
        .map_err(|_| no_such(kring_domain::Refusal::NoSuchRequest))?;
    Ok((circle, request))
}

/// The domain's own words for something that is not there.
pub(super) fn no_such(what: kring_domain::Refusal) -> ApiError {
    what.into()
}

/// Optional text: trimmed, blank counts as left out, at most `max` characters.
pub(super) fn optional_text<'a>(
    text: Option<&'a str>,
    max: usize,
    code: crate::error::Code,
    what: &str,
) -> Result<Option<&'a str>, ApiError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) if text.chars().count() > max => {
            Err(ApiError::Invalid(code, format!("{what} {max} characters")))
        }
        Some(text) => Ok(Some(text)),
    }
}

fn status(status: RequestStatus) -> v1::RequestStatus {
    match status {
        RequestStatus::Open => v1::RequestStatus::Open,
        RequestStatus::Taken => v1::RequestStatus::Taken,
        RequestStatus::Confirmed => v1::RequestStatus::Confirmed,
        RequestStatus::Done => v1::RequestStatus::Done,
        RequestStatus::Cancelled => v1::RequestStatus::Cancelled,
        RequestStatus::NoShow => v1::RequestStatus::NoShow,
    }
}
