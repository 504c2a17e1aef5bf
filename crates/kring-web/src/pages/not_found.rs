//! Any other address: a page that says so (404).

use axum::response::Response;
use http::StatusCode;

use crate::ctx::Ctx;
use crate::layout;

pub async fn show(ctx: Ctx) -> Response {
    ctx.html(StatusCode::NOT_FOUND, layout::not_found(&ctx))
}
