//! `/join`: accept an invitation. Its link carries the code after `#`, which
//! browsers never send to a server: the script puts it in the form (and keeps
//! it in the tab's session storage across logging in or signing up), and the
//! form posts it to the API's `/invitations/accept`.

use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use maud::{html, Markup};

use crate::api::{with_min_version, Failure};
use crate::ctx::{login_for, see_other_with, Ctx, Flash};
use crate::form::Fields;
use crate::i18n::T;
use crate::layout;

pub async fn show(mut ctx: Ctx) -> Response {
    match ctx.client.get::<v1::Me>("/me").await {
        Ok(_) => ctx.html(StatusCode::OK, page(&ctx, true, None)),
        Err(Failure::SignedOut) => {
            ctx.signed_in = false;
            ctx.html(StatusCode::OK, page(&ctx, false, None))
        }
        Err(failure) => ctx.failure(failure),
    }
}

pub async fn submit(ctx: Ctx, fields: Fields) -> Response {
    let body = v1::AcceptInvitation {
        code: fields.get("code").unwrap_or_default().to_owned(),
    };
    match ctx
        .client
        .post::<_, v1::Joined>("/invitations/accept", &body)
        .await
    {
        Ok(joined) => see_other_with(
            &with_min_version(&format!("/circles/{}", joined.circle), Some(joined.version)),
            &Flash::Done(ctx.t(T::Joined).to_owned()),
        ),
        Err(Failure::SignedOut) => crate::ctx::see_other(&login_for("/join")),
        Err(failure) => {
            let status = failure.status();
            let detail = match failure {
                Failure::Refused { detail, .. } => detail,
                Failure::NotFound => ctx.t(T::InvitationUnknown).to_owned(),
                _ => ctx.t(T::TryAgainLater).to_owned(),
            };
            ctx.html(status, page(&ctx, true, Some(&detail)))
        }
    }
}

fn page(ctx: &Ctx, signed_in: bool, problem: Option<&str>) -> Markup {
    let content = html! {
        h1 { (ctx.t(T::JoinTitle)) }
        (layout::alert(ctx, problem))
        @if signed_in {
            p { (ctx.t(T::JoinText)) }
            form.stack method="post" action="/join" data-join {
                div.field {
                    label for="code" { (ctx.t(T::InvitationCode)) }
                    input #code type="text" name="code" required autocomplete="off" spellcheck="false"
                        aria-describedby="code-hint" data-join-code;
                    p #code-hint .hint { (ctx.t(T::InvitationCodeHint)) }
                }
                button type="submit" { (ctx.t(T::JoinButton)) }
            }
        } @else {
            p data-join-keep { (ctx.t(T::JoinSignedOut)) }
            p.actions {
                a.button href=(login_for("/join")) { (ctx.t(T::LogIn)) }
                " "
                a.button.secondary href="/signup?next=%2Fjoin" { (ctx.t(T::SignUp)) }
            }
        }
    };
    layout::page(ctx, ctx.t(T::JoinTitle), None, content)
}
