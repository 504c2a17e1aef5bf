//! One file per page (and the forms it posts).

pub mod account_link;
pub mod calendar;
pub mod circle;
pub mod consent;
pub mod delete_account;
pub mod figures;
pub mod forgot;
pub mod home;
pub mod join;
pub mod lang;
pub mod logbook;
pub mod login;
pub mod logout;
pub mod mail_link;
pub mod mail_prefs;
pub mod members;
pub mod new_circle;
pub mod not_found;
pub mod organisation;
pub mod requests;
pub mod rota;
pub mod signup;
#[cfg(test)]
mod tests;

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
