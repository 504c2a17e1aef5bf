//! `/logout`: a button (GET shows it, for whoever typed the address); the
//! post ends the session through the API and passes on its cookie removal.

use axum::response::Response;
use http::header::SET_COOKIE;
use http::{Method, StatusCode};
use maud::html;

use crate::ctx::{see_other, Ctx};
use crate::i18n::T;
use crate::layout;

pub async fn show(ctx: Ctx) -> Response {
    let content = html! {
        h1 { (ctx.t(T::LogOut)) }
        form method="post" action="/logout" {
            button type="submit" { (ctx.t(T::LogOut)) }
        }
    };
    ctx.html(
        StatusCode::OK,
        layout::page(&ctx, ctx.t(T::LogOut), None, content),
    )
}

pub async fn submit(ctx: Ctx) -> Response {
    let mut response = see_other("/");
    match ctx
        .client
        .send(Method::DELETE, "/session", None::<&()>)
        .await
    {
        Ok(answer) => {
            for cookie in answer.headers.get_all(SET_COOKIE) {
                response.headers_mut().append(SET_COOKIE, cookie.clone());
            }
        }
        Err(failure) => return ctx.refused(failure, "/"),
    }
    response
}
