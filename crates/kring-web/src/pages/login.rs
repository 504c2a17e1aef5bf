//! `/login`: e-mail address and password; the API's session cookie is passed
//! on to the browser, then back to where the visitor was going.

use axum::extract::Query;
use axum::response::Response;
use http::header::SET_COOKIE;
use http::{Method, StatusCode};
use kring_protocol::v1;
use maud::{html, Markup};
use serde::Deserialize;

use crate::api::Failure;
use crate::ctx::{local_path, see_other, Ctx};
use crate::form::Fields;
use crate::i18n::T;
use crate::layout;

#[derive(Deserialize)]
pub struct Next {
    pub(crate) next: Option<String>,
}

/// Where to go after logging in: `next` when it is one of our paths.
pub(crate) fn next_or_home(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or("/").to_owned()
}

pub async fn show(ctx: Ctx, Query(query): Query<Next>) -> Response {
    let next = next_or_home(query.next.as_deref());
    ctx.html(StatusCode::OK, page(&ctx, &next, "", None))
}

pub async fn submit(ctx: Ctx, fields: Fields) -> Response {
    let next = next_or_home(fields.get("next"));
    let email = fields.get("email").unwrap_or_default().to_owned();
    let body = v1::LogIn {
        email: email.clone(),
        password: fields.text("password"),
    };
    match ctx.client.send(Method::POST, "/session", Some(&body)).await {
        Ok(answer) => {
            let mut response = see_other(&next);
            for cookie in answer.headers.get_all(SET_COOKIE) {
                response.headers_mut().append(SET_COOKIE, cookie.clone());
            }
            response
        }
        Err(failure) => {
            let status = failure.status();
            let detail = match failure {
                Failure::SignedOut => ctx.t(T::WrongLogIn).to_owned(),
                Failure::Refused { detail, .. } => detail,
                Failure::NotFound | Failure::Unavailable => ctx.t(T::TryAgainLater).to_owned(),
            };
            ctx.html(status, page(&ctx, &next, &email, Some(&detail)))
        }
    }
}

fn page(ctx: &Ctx, next: &str, email: &str, problem: Option<&str>) -> Markup {
    let signup = if next == "/" {
        "/signup".to_owned()
    } else {
        format!("/signup?next={}", crate::ctx::percent_encode(next))
    };
    let content = html! {
        h1 { (ctx.t(T::LogIn)) }
        (layout::alert(ctx, problem))
        form.stack method="post" action="/login" {
            (layout::hidden("next", next))
            div.field {
                label for="email" { (ctx.t(T::Email)) }
                input #email type="email" name="email" value=(email) required autocomplete="email";
            }
            div.field {
                label for="password" { (ctx.t(T::Password)) }
                input #password type="password" name="password" required autocomplete="current-password";
            }
            button type="submit" { (ctx.t(T::LogIn)) }
        }
        p { a href="/forgot" { (ctx.t(T::ForgotPassword)) } }
        p { (ctx.t(T::NoAccountYet)) " " a href=(signup) { (ctx.t(T::SignUp)) } }
    };
    layout::page(ctx, ctx.t(T::LogIn), None, content)
}
