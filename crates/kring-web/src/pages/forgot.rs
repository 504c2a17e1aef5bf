//! `/forgot`: a forgotten password. The answer is the same whether or not the
//! address has an account (the API's is too).

use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use maud::html;

use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::T;
use crate::layout;

pub async fn show(ctx: Ctx) -> Response {
    ctx.html(StatusCode::OK, page(&ctx, false, None))
}

pub async fn submit(ctx: Ctx, fields: Fields) -> Response {
    let body = v1::PasswordResetRequest {
        email: fields.get("email").unwrap_or_default().to_owned(),
    };
    match ctx
        .client
        .post::<_, v1::MailAccepted>("/password-reset", &body)
        .await
    {
        Ok(_) => ctx.html(StatusCode::OK, page(&ctx, true, None)),
        Err(failure) => {
            let status = failure.status();
            let detail = match failure {
                Failure::Refused { detail, .. } => detail,
                _ => ctx.t(T::TryAgainLater).to_owned(),
            };
            ctx.html(status, page(&ctx, false, Some(&detail)))
        }
    }
}

fn page(ctx: &Ctx, sent: bool, problem: Option<&str>) -> maud::Markup {
    let content = html! {
        h1 { (ctx.t(T::ForgotTitle)) }
        (layout::alert(ctx, problem))
        @if sent {
            div.flash.done role="status" { p { (ctx.t(T::ResetSent)) } }
            p { a href="/login" { (ctx.t(T::LogIn)) } }
        } @else {
            p { (ctx.t(T::ForgotText)) }
            form.stack method="post" action="/forgot" {
                div.field {
                    label for="email" { (ctx.t(T::Email)) }
                    input #email type="email" name="email" required autocomplete="email";
                }
                button type="submit" { (ctx.t(T::SendMeALink)) }
            }
        }
    };
    layout::page(ctx, ctx.t(T::ForgotTitle), None, content)
}
