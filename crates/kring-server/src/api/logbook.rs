//! The logbook: `GET` the entries one may read, `POST` one (its text sealed
//! with the writer's key; who may read it is the writer's `visibility` and the
//! domain's audience rules), `DELETE` one's own (redaction: the text stays the
//! writer's, nobody else sees it any more).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::Json;
use kring_domain::{Action, EntryId, Viewer};
use kring_protocol::v1;
use kring_views::{CircleView, EntryView, PageAt};

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::extract::{Body, Query};
use super::policy::Resource;
use super::{command, idempotency::ids, page, wire, Problems};
use crate::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most characters of one entry.
const MAX_ENTRY_CHARS: usize = v1::limits::ENTRY_CHARS;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, write))
        .routes(routes!(redact))
}

/// A page of the entries the caller may read, newest first (`limit`, `before`;
/// the next page's address in the `Link` header).
#[utoipa::path(get, path = "/circles/{id}/logbook", tag = "logbook",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery, v1::PageQuery),
    responses((status = 200, body = Vec<v1::LogbookEntry>,
        headers(("Link" = String, description = "the next (older) page, rel=\"next\", when there is one"))),
        Problems))]
async fn list(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<v1::PageQuery>,
) -> Result<(HeaderMap, Json<Vec<v1::LogbookEntry>>), ApiError> {
    member.may(Resource::Logbook)?;
    let at = page::at(&query)?;
    let logbook = member.view.logbook_page(&member.viewer, at);
    let path = format!("/circles/{}/logbook", member.circle);
    let link = page::link(&path, at, &logbook);
    let mut names = wire::Names::default();
    let entries = entries(
        &state,
        &mut names,
        &member.view,
        &member.viewer,
        &logbook.items,
    )
    .await?;
    Ok((link, Json(entries)))
}

/// Withdraw an entry you wrote: afterwards only you still see it. 404 for an
/// entry that is not there; 403 for someone else's.
#[utoipa::path(delete, path = "/circles/{id}/logbook/{entry}", tag = "logbook",
    params(("id" = Uuid, Path, description = "the circle"),
           ("entry" = Uuid, Path, description = "the entry")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn redact(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, entry)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let entry = entry
        .parse()
        .map(EntryId)
        .map_err(|_| ApiError::from(kring_domain::Refusal::NoSuchEntry))?;
    let version = command::run(&state, circle, me, Action::RedactLogbookEntry { entry }).await?;
    Ok(Json(v1::Changed { version }))
}

/// 201 with the entry's id and the circle's version after it; 404 for a
/// circle that does not exist or that the caller is not in.
#[utoipa::path(post, path = "/circles/{id}/logbook", tag = "logbook",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::WriteLogbookEntry,
    responses((status = 201, body = v1::Created), Problems))]
async fn write(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::WriteLogbookEntry>,
) -> Result<(StatusCode, Json<v1::Created>), ApiError> {
    let circle = circle_id(&id)?;
    let text = body.text.trim();
    if text.is_empty() || text.chars().count() > MAX_ENTRY_CHARS {
        return Err(ApiError::Invalid(
            crate::error::Code::EntryLength,
            format!("a logbook entry has 1 to {MAX_ENTRY_CHARS} characters"),
        ));
    }
    let entry = EntryId(ids::new_id("entry"));
    let text = state.app.vault.seal(me, text).await?;
    let action = Action::WriteLogbookEntry {
        entry,
        visibility: wire::domain_visibility(body.visibility),
        text,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok((
        StatusCode::CREATED,
        Json(v1::Created {
            id: entry.0,
            version,
        }),
    ))
}

/// The newest `limit` entries `viewer` may read, opened.
pub(super) async fn newest(
    state: &AppState,
    names: &mut wire::Names,
    view: &CircleView,
    viewer: &Viewer,
    limit: usize,
) -> Result<Vec<v1::LogbookEntry>, ApiError> {
    let page = view.logbook_page(viewer, PageAt::newest(limit));
    entries(state, names, view, viewer, &page.items).await
}

/// `page`'s entries as `viewer` reads them, with names and text opened.
pub(super) async fn entries(
    state: &AppState,
    names: &mut wire::Names,
    view: &CircleView,
    viewer: &Viewer,
    page: &[&EntryView],
) -> Result<Vec<v1::LogbookEntry>, ApiError> {
    // Every author's key at once: their names and their texts are sealed with it.
    let owners: Vec<_> = page.iter().flat_map(|e| [e.author, e.text.owner]).collect();
    names.fetch(state, owners).await?;
    let mut logbook = vec![];
    for entry in page {
        let author = names.of(state, entry.author).await?;
        logbook.push(v1::LogbookEntry {
            id: entry.entry.0,
            author,
            visibility: wire::visibility(entry.visibility),
            text: names.open(state, &entry.text).await?,
            written_at: entry.written_at,
            redacted: entry.redacted,
            thanks: u32::try_from(view.entry_thanks(entry.entry, viewer)).unwrap_or(u32::MAX),
        });
    }
    Ok(logbook)
}
