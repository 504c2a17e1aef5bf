//! `/signup`: name, e-mail address and password; the new account is logged
//! in at once (the API's session cookie is passed on).

use axum::extract::Query;
use axum::response::Response;
use http::header::SET_COOKIE;
use http::{Method, StatusCode};
use kring_protocol::v1;
use maud::{html, Markup};

use super::login::{next_or_home, Next};
use crate::api::Failure;
use crate::ctx::{see_other, Ctx};
use crate::form::Fields;
use crate::i18n::T;
use crate::layout;

pub async fn show(ctx: Ctx, Query(query): Query<Next>) -> Response {
    let next = next_or_home(query.next.as_deref());
    ctx.html(StatusCode::OK, page(&ctx, &next, "", "", None))
}

pub async fn submit(ctx: Ctx, fields: Fields) -> Response {
    let next = next_or_home(fields.get("next"));
    let name = fields.get("name").unwrap_or_default().to_owned();
    let email = fields.get("email").unwrap_or_default().to_owned();
    let password = fields.text("password");
    let sign_up = v1::SignUp {
        name: name.clone(),
        email: email.clone(),
        password: password.clone(),
    };
    let refused = |failure: Failure| {
        let status = failure.status();
        let detail = match failure {
            Failure::Refused { detail, .. } => detail,
            _ => ctx.t(T::TryAgainLater).to_owned(),
        };
        ctx.html(status, page(&ctx, &next, &name, &email, Some(&detail)))
    };
    if let Err(failure) = ctx
        .client
        .send(Method::POST, "/accounts", Some(&sign_up))
        .await
    {
        return refused(failure);
    }
    let log_in = v1::LogIn {
        email: email.clone(),
        password,
    };
    match ctx
        .client
        .send(Method::POST, "/session", Some(&log_in))
        .await
    {
        Ok(answer) => {
            let mut response = see_other(&next);
            for cookie in answer.headers.get_all(SET_COOKIE) {
                response.headers_mut().append(SET_COOKIE, cookie.clone());
            }
            response
        }
        // The account exists; logging in is all that is left.
        Err(_) => see_other(&crate::ctx::login_for(&next)),
    }
}

fn page(ctx: &Ctx, next: &str, name: &str, email: &str, problem: Option<&str>) -> Markup {
    let login = if next == "/" {
        "/login".to_owned()
    } else {
        crate::ctx::login_for(next)
    };
    let content = html! {
        h1 { (ctx.t(T::SignUp)) }
        (layout::alert(ctx, problem))
        form.stack method="post" action="/signup" {
            (layout::hidden("next", next))
            div.field {
                label for="name" { (ctx.t(T::YourName)) }
                input #name type="text" name="name" value=(name) required autocomplete="name";
            }
            div.field {
                label for="email" { (ctx.t(T::Email)) }
                input #email type="email" name="email" value=(email) required autocomplete="email"
                    aria-describedby="email-hint";
                p #email-hint .hint { (ctx.t(T::SignUpMailHint)) }
            }
            div.field {
                label for="password" { (ctx.t(T::Password)) }
                input #password type="password" name="password" required minlength="10"
                    autocomplete="new-password" aria-describedby="password-hint";
                p #password-hint .hint { (ctx.t(T::PasswordHint)) }
            }
            button type="submit" { (ctx.t(T::SignUp)) }
        }
        p { (ctx.t(T::HaveAccount)) " " a href=(login) { (ctx.t(T::LogIn)) } }
    };
    layout::page(ctx, ctx.t(T::SignUp), None, content)
}
