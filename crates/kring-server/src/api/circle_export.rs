//! `GET /circles/{id}/export`: a coordinator takes the whole circle: every
//! event they may see, personal text opened, with everyone's names.
//!
//! Without `limit` or `before` it is the whole history as a file, oldest first,
//! streamed as it is read from the log a page at a time: a circle of years
//! costs the server a page of memory, not its history. With them it is one
//! page of events, newest first, the next page's address in the `Link` header.
//!
//! Visibility is the audience function's, as everywhere: an export shows no
//! more than the exporter could read in Kring itself, and nothing written
//! after the export began.

use std::collections::BTreeSet;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures::{stream, StreamExt};
use kring_domain::{may_see, PersonId};
use kring_protocol::v1;
use kring_views::{circle_history_from, HistoryEvent, Page, PageAt};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::Member;
use super::export::{download, exported};
use super::extract::Query;
use super::policy::Resource;
use super::{page, wire, Problems};
use crate::{ApiError, AppState};

/// Events read from the log per step, streaming or paging.
const READ: u64 = 500;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(circle))
}

#[utoipa::path(get, path = "/circles/{id}/export", tag = "export",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery, v1::PageQuery),
    responses((status = 200, body = v1::CircleExport,
        headers(("Link" = String, description = "with `limit` or `before`: the next (older) page, rel=\"next\", when there is one"))),
        Problems))]
async fn circle(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<v1::PageQuery>,
) -> Result<Response, ApiError> {
    member.may(Resource::Export)?;
    let paged = query.limit.is_some() || query.before.is_some();
    let at = page::at(&query)?;
    let head = head(&state, &member).await?;
    let file = format!("kring-circle-{}.json", member.circle);
    if !paged {
        return streamed(state, member, head, &file);
    }
    let page = newest_first(&state, &member, at).await?;
    let link = page::link(&format!("/circles/{}/export", member.circle), at, &page);
    let export = v1::CircleExport {
        events: page.items,
        ..head
    };
    Ok((link, download(&file, export)).into_response())
}

/// The export without its events: who is who in the circle.
async fn head(state: &AppState, member: &Member) -> Result<v1::CircleExport, ApiError> {
    let view = &member.view;
    let focus = super::circles::focus(state, member.circle, view).await?;
    let mut names = wire::Names::default();
    let mut people = vec![focus.clone()];
    let known: BTreeSet<PersonId> = view
        .state
        .members
        .keys()
        .chain(&view.state.former)
        .copied()
        .filter(|person| Some(*person) != view.state.focus)
        .collect();
    names.fetch(state, known.iter().copied()).await?;
    for person in known {
        people.push(names.of(state, person).await?);
    }
    Ok(v1::CircleExport {
        exported_at: Utc::now(),
        circle: member.circle.0,
        version: view.version,
        time_zone: view.state.time_zone.clone(),
        focus,
        people,
        events: vec![],
    })
}

/// The whole export as a file, its events streamed from the log.
fn streamed(
    state: AppState,
    member: Member,
    head: v1::CircleExport,
    file: &str,
) -> Result<Response, ApiError> {
    // `events` is the last field: the file is the head up to its `[`, the
    // events, and `]}`.
    let head = serde_json::to_string(&head).map_err(|e| ApiError::internal(e.to_string()))?;
    let opening = head
        .strip_suffix("[]}")
        .ok_or_else(|| ApiError::internal("an export's events are not its last field"))?
        .to_owned()
        + "[";
    // The stream's state: the next version to read, and whether an event was
    // written yet (every later one follows a comma).
    let events = stream::unfold(Some((1u64, false)), move |next| {
        let (state, member) = (
            state.clone(),
            (member.circle, member.view.clone(), member.viewer),
        );
        async move {
            let (from, mut wrote) = next?;
            let (circle, view, viewer) = member;
            if from > view.version {
                return Some((Ok(Bytes::from_static(b"]}")), None));
            }
            let read = async {
                let limit = READ.min(view.version + 1 - from) as usize;
                let mut chunk = String::new();
                for event in circle_history_from(state.log.as_ref(), circle, from, limit).await? {
                    if may_see(&view.state, &event.event, &viewer) {
                        if wrote {
                            chunk.push(',');
                        }
                        wrote = true;
                        let event = exported(&state, &event).await?;
                        chunk += &serde_json::to_string(&event)
                            .map_err(|e| ApiError::internal(e.to_string()))?;
                    }
                }
                Ok::<_, ApiError>(chunk)
            };
            match read.await {
                Ok(chunk) => Some((Ok(Bytes::from(chunk)), Some((from + READ, wrote)))),
                // The answer has begun: all that is left is to cut it short.
                Err(e) => {
                    tracing::error!(error = %e, "an export stopped half-way");
                    Some((
                        Err(std::io::Error::other("the export could not be read")),
                        None,
                    ))
                }
            }
        }
    });
    let body = stream::once(async move { Ok(Bytes::from(opening)) }).chain(events);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        "application/json".parse().expect("a header"),
    );
    let disposition = format!("attachment; filename=\"{file}\"");
    if let Ok(value) = disposition.parse() {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok((headers, Body::from_stream(body)).into_response())
}

/// A page of the events the member may see, newest first; the cursor is an
/// event's version.
async fn newest_first(
    state: &AppState,
    member: &Member,
    at: PageAt,
) -> Result<Page<v1::ExportedEvent>, ApiError> {
    let view = &member.view;
    let mut end = at.before.unwrap_or(u64::MAX).min(view.version + 1);
    let mut visible: Vec<HistoryEvent> = vec![];
    // Read back a stretch at a time until the page and one more are found.
    while end > 1 && visible.len() <= at.limit {
        let from = end.saturating_sub(READ).max(1);
        let stretch = circle_history_from(
            state.log.as_ref(),
            member.circle,
            from,
            (end - from) as usize,
        )
        .await?;
        for event in stretch.into_iter().rev() {
            if may_see(&view.state, &event.event, &member.viewer) {
                visible.push(event);
            }
        }
        end = from;
    }
    let next = (visible.len() > at.limit).then(|| visible[at.limit - 1].version);
    let mut items = vec![];
    for event in visible.iter().take(at.limit) {
        items.push(exported(state, event).await?);
    }
    Ok(Page { items, next })
}
