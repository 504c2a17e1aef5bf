//! One file per page (and the forms it posts).

pub mod account_link;
pub mod calendar;
pub mod circle;
pub mod consent;
pub mod coordination;
pub mod delete_account;
pub mod downloads;
pub mod figures;
pub mod focus_home;
pub mod forgot;
pub mod home;
pub mod join;
pub mod lang;
pub mod life;
pub mod listing;
pub mod logbook;
pub mod login;
pub mod logout;
pub mod mail_link;
pub mod mail_prefs;
pub mod marketplace;
pub mod members;
pub mod new_circle;
pub mod not_found;
pub mod organisation;
pub mod places;
pub mod request_change;
pub mod request_history;
pub mod requests;
pub mod rota;
pub mod rota_change;
pub mod signup;
#[cfg(test)]
mod tests;
pub mod volunteering;

use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use uuid::Uuid;

use crate::api::{with_min_version, Failure};
use crate::ctx::Ctx;
use crate::layout;

/// An id from a page's path; anything else is a page that does not exist.
pub(crate) fn id(text: &str) -> Result<Uuid, Failure> {
    text.parse().map_err(|_| Failure::NotFound)
}

/// The circle a page is about, as the caller may see it, at least at the
/// version the page was asked for.
pub(crate) async fn circle_of(ctx: &Ctx, circle: Uuid) -> Result<v1::Circle, Failure> {
    ctx.client
        .get(&with_min_version(
            &format!("/circles/{circle}"),
            ctx.min_version,
        ))
        .await
}

/// A read of the circle, at least at the version the page was asked for.
pub(crate) async fn read<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    path: &str,
) -> Result<T, Failure> {
    ctx.client
        .get(&with_min_version(path, ctx.min_version))
        .await
}

/// One page of a list the API pages (newest first), from `before` on, with
/// the cursor of the next (older) page when there is one.
pub(crate) async fn read_page<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    path: &str,
    before: Option<u64>,
) -> Result<(T, Option<u64>), Failure> {
    let path = match before {
        Some(before) => format!("{path}?before={before}"),
        None => path.to_owned(),
    };
    let answer = ctx
        .client
        .send(
            http::Method::GET,
            &with_min_version(&path, ctx.min_version),
            None::<&()>,
        )
        .await?;
    let next = answer
        .headers
        .get(http::header::LINK)
        .and_then(|link| link.to_str().ok())
        .and_then(next_before);
    let page = serde_json::from_slice(&answer.body).map_err(|_| Failure::Unavailable)?;
    Ok((page, next))
}

/// The `before` of a `Link: <...&before=N>; rel="next"` header.
fn next_before(link: &str) -> Option<u64> {
    let (target, rel) = link.split_once(';')?;
    if !rel.contains("rel=\"next\"") {
        return None;
    }
    let query = target.trim().trim_start_matches('<').trim_end_matches('>');
    let (_, query) = query.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("before="))
        .and_then(|n| n.parse().ok())
}

/// The `before` of a page's own address (`?before=N`); anything else: the newest.
pub(crate) fn before_of(query: &std::collections::HashMap<String, String>) -> Option<u64> {
    query.get("before").and_then(|b| b.parse().ok())
}

/// A read that some viewers may not make (403): `None` for them.
pub(crate) async fn read_if_allowed<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    path: &str,
) -> Result<Option<T>, Failure> {
    match read(ctx, path).await {
        Ok(value) => Ok(Some(value)),
        Err(Failure::Refused { status: 403, .. }) => Ok(None),
        Err(failure) => Err(failure),
    }
}

/// The version a change answered.
pub(crate) fn changed(outcome: Result<v1::Changed, Failure>) -> Result<Option<u64>, Failure> {
    outcome.map(|changed| Some(changed.version))
}

pub(crate) fn created(outcome: Result<v1::Created, Failure>) -> Result<Option<u64>, Failure> {
    outcome.map(|created| Some(created.version))
}

/// A page of a circle with the given content.
pub(crate) fn circle_page(
    ctx: &Ctx,
    circle: &v1::Circle,
    section: layout::Section,
    version: u64,
    title: &str,
    content: maud::Markup,
) -> Response {
    ctx.html(
        StatusCode::OK,
        layout::page(
            ctx,
            title,
            Some(layout::CirclePage {
                circle,
                section,
                version,
            }),
            content,
        ),
    )
}
