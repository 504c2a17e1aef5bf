//! `/m/{token}`: a link from a mail. Opening it shows what it does and one
//! button; only pressing the button (a POST) does it, so a mail scanner that
//! fetches links changes nothing. A used or expired link says so, and what to
//! do next. One arm per purpose.

use axum::extract::Path;
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use maud::{html, Markup};

use crate::api::Failure;
use crate::ctx::{login_for, see_other, Ctx};
use crate::form::Fields;
use crate::i18n::{fill, T};
use crate::layout;

pub async fn show(ctx: Ctx, Path(token): Path<String>) -> Response {
    match ctx
        .client
        .get::<v1::LinkInfo>(&format!("/links/{token}"))
        .await
    {
        Ok(info) => ctx.html(StatusCode::OK, confirm(&ctx, &token, &info, None)),
        Err(Failure::NotFound) => gone(&ctx, StatusCode::NOT_FOUND, None, T::LinkUnknownText),
        Err(failure) => ctx.failure(failure),
    }
}

pub async fn submit(ctx: Ctx, Path(token): Path<String>, fields: Fields) -> Response {
    let info = match ctx
        .client
        .get::<v1::LinkInfo>(&format!("/links/{token}"))
        .await
    {
        Ok(info) => info,
        Err(Failure::NotFound) => {
            return gone(&ctx, StatusCode::NOT_FOUND, None, T::LinkUnknownText)
        }
        Err(failure) => return ctx.failure(failure),
    };
    let body = v1::UseLink {
        password: (info.purpose == "reset-password").then(|| fields.text("password")),
    };
    match ctx
        .client
        .post::<_, v1::LinkUsed>(&format!("/links/{token}"), &body)
        .await
    {
        Ok(used) => done(&ctx, &used),
        // An invitation is accepted by a signed-in account: log in, come back.
        Err(Failure::SignedOut) => see_other(&login_for(&format!("/m/{token}"))),
        Err(Failure::Refused { code, .. }) if code == "link-used" => {
            gone(&ctx, StatusCode::CONFLICT, Some(&info), T::LinkUsedText)
        }
        Err(Failure::Refused { code, .. }) if code == "link-expired" => {
            gone(&ctx, StatusCode::CONFLICT, Some(&info), T::LinkExpiredText)
        }
        Err(Failure::Refused { status, detail, .. }) => ctx.html(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            confirm(&ctx, &token, &info, Some(&detail)),
        ),
        Err(failure) => ctx.failure(failure),
    }
}

/// The page with the one button (and, for a reset, the new password).
fn confirm(ctx: &Ctx, token: &str, info: &v1::LinkInfo, problem: Option<&str>) -> Markup {
    match info.state.as_str() {
        "used" => return gone_page(ctx, Some(info), T::LinkUsedText),
        "expired" => return gone_page(ctx, Some(info), T::LinkExpiredText),
        _ => {}
    }
    let action = format!("/m/{token}");
    let organisation = info.organisation.as_deref().unwrap_or_default();
    let (title, text, button) = match info.purpose.as_str() {
        "verify-email" => (
            ctx.t(T::LinkVerifyTitle).to_owned(),
            Some(ctx.t(T::LinkVerifyText)),
            ctx.t(T::LinkVerifyButton),
        ),
        "reset-password" => (
            ctx.t(T::LinkResetTitle).to_owned(),
            None,
            ctx.t(T::LinkResetButton),
        ),
        "colleague-invitation" => (
            fill(ctx.t(T::LinkColleagueTitle), &[organisation]),
            Some(ctx.t(T::LinkColleagueText)),
            ctx.t(T::LinkColleagueButton),
        ),
        _ => return gone_page(ctx, None, T::LinkUnknownText),
    };
    let content = html! {
        h1 { (title) }
        (layout::alert(ctx, problem))
        @if let Some(text) = text { p { (text) } }
        form.stack method="post" action=(action) {
            @if info.purpose == "reset-password" {
                div.field {
                    label for="password" { (ctx.t(T::NewPassword)) }
                    input #password type="password" name="password" required minlength="10"
                        autocomplete="new-password" aria-describedby="password-hint";
                    p #password-hint .hint { (ctx.t(T::PasswordHint)) }
                }
            }
            button type="submit" { (button) }
        }
    };
    layout::page(ctx, &title, None, content)
}

/// What the link did.
fn done(ctx: &Ctx, used: &v1::LinkUsed) -> Response {
    let (text, next, label) = match used.purpose.as_str() {
        "reset-password" => (T::LinkResetDone, "/login".to_owned(), T::LogIn),
        "colleague-invitation" => (
            T::LinkColleagueDone,
            used.id
                .map_or("/".to_owned(), |org| format!("/organisations/{org}")),
            T::GoToKring,
        ),
        _ => (T::LinkVerified, "/".to_owned(), T::GoToKring),
    };
    let content = html! {
        h1 { (ctx.t(text)) }
        p { a.button href=(next) { (ctx.t(label)) } }
    };
    ctx.html(
        StatusCode::OK,
        layout::page(ctx, ctx.t(text), None, content),
    )
}

fn gone(ctx: &Ctx, status: StatusCode, info: Option<&v1::LinkInfo>, why: T) -> Response {
    ctx.html(status, gone_page(ctx, info, why))
}

/// A link that no longer works, kindly, with what to do next.
fn gone_page(ctx: &Ctx, info: Option<&v1::LinkInfo>, why: T) -> Markup {
    let purpose = info.map(|i| i.purpose.as_str()).unwrap_or_default();
    let content = html! {
        h1 { (ctx.t(why)) }
        @match purpose {
            "reset-password" => p { a.button href="/forgot" { (ctx.t(T::LinkAskNewReset)) } },
            "colleague-invitation" => p { (ctx.t(T::LinkAskNewInvitation)) },
            _ => {
                p { (ctx.t(T::LinkAskNewVerify)) }
                p { a.button href="/" { (ctx.t(T::GoToKring)) } }
            }
        }
    };
    layout::page(ctx, ctx.t(why), None, content)
}
