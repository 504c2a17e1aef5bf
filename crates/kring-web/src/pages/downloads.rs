//! Downloads: one's own data (`/me/export`) and, for its coordinators, a
//! circle's (`/circles/{id}/export`), as the API gives them, saved as a file.

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::Method;

use super::id;
use crate::api::Failure;
use crate::ctx::Ctx;

/// `GET /me/export`: everything Kring holds of the reader.
pub async fn mine(ctx: Ctx) -> Response {
    download(&ctx, "/me/export", "kring-my-data.json").await
}

/// `GET /circles/{id}/export`: the whole circle (its coordinators; others
/// get the API's refusal as a page).
pub async fn circle(ctx: Ctx, Path(circle): Path<String>) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let name = format!("kring-circle-{circle}.json");
    download(&ctx, &format!("/circles/{circle}/export"), &name).await
}

async fn download(ctx: &Ctx, path: &str, name: &str) -> Response {
    match ctx.client.send(Method::GET, path, None::<&()>).await {
        Ok(answer) => (
            [
                (CONTENT_TYPE, "application/json".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                // Personal data: never kept by a shared cache.
                (CACHE_CONTROL, "no-store".to_owned()),
            ],
            answer.body,
        )
            .into_response(),
        Err(failure) => ctx.failure(failure),
    }
}
