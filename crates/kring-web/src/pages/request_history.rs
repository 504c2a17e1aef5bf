//! `/circles/{id}/requests/history`: the finished requests (done, cancelled,
//! nobody came), the last asked first, a page at a time.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use maud::html;

use super::requests::request_card;
use super::{before_of, circle_of, id, read_page};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::i18n::T;
use crate::layout::{self, CirclePage, Section};
use crate::time;

pub async fn show(
    ctx: Ctx,
    Path(circle): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match render(&ctx, &circle, before_of(&query)).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

async fn render(ctx: &Ctx, circle: &str, before: Option<u64>) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let base = format!("/circles/{}", circle.id);
    let (finished, older): (v1::Requests, _) =
        read_page(ctx, &format!("{base}/requests/history"), before).await?;
    let title = ctx.t(T::FinishedRequests);
    let content = html! {
        h1 { (title) }
        @if finished.requests.is_empty() && before.is_none() {
            p { (ctx.t(T::NoFinishedRequests)) }
        }
        @for request in &finished.requests {
            (request_card(ctx, &circle, request, None, tz))
        }
        nav.pages aria-label=(title) {
            @if let Some(older) = older {
                a rel="next" href=(format!("{base}/requests/history?before={older}")) { (ctx.t(T::OlderRequests)) }
                " "
            }
            a href=(format!("{base}/requests")) { (ctx.t(T::OpenRequests)) }
        }
    };
    Ok(ctx.html(
        StatusCode::OK,
        layout::page(
            ctx,
            title,
            Some(CirclePage {
                circle: &circle,
                section: Section::Requests,
                version: finished.version,
            }),
            content,
        ),
    ))
}
