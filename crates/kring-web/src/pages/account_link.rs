//! The account links of `/m/{token}` (see `mail_link`): proving an address,
//! choosing a new password, accepting an invitation to an organisation.
//! Opening one shows what it does and one button; only the POST does it. A
//! used or expired link says so, and what to do next. One arm per purpose.

use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, LinkPurpose, LinkState};
use maud::{html, Markup};

use crate::api::Failure;
use crate::ctx::{login_for, see_other, Ctx};
use crate::form::Fields;
use crate::i18n::{fill, T};
use crate::layout;

/// Whether this module answers links of `purpose`.
pub fn handles(purpose: LinkPurpose) -> bool {
    matches!(
        purpose,
        LinkPurpose::VerifyEmail | LinkPurpose::ResetPassword | LinkPurpose::ColleagueInvitation
    )
}

pub fn show(ctx: &Ctx, token: &str, info: &v1::LinkInfo) -> Response {
    ctx.html(StatusCode::OK, confirm(ctx, token, info, None))
}

pub async fn submit(ctx: &Ctx, token: &str, info: v1::LinkInfo, fields: Fields) -> Response {
    let body = v1::UseLink {
        password: (info.purpose == LinkPurpose::ResetPassword).then(|| fields.text("password")),
    };
    match ctx
        .client
        .post::<_, v1::LinkUsed>(&format!("/links/{token}"), &body)
        .await
    {
        Ok(used) => done(ctx, &used),
        // An invitation is accepted by a signed-in account: log in, come back.
        Err(Failure::SignedOut) => see_other(&login_for(&format!("/m/{token}"))),
        Err(Failure::Refused { code, .. }) if code == "link-used" => {
            gone(ctx, StatusCode::CONFLICT, Some(&info), T::LinkUsedOnceText)
        }
        Err(Failure::Refused { code, .. }) if code == "link-expired" => {
            gone(ctx, StatusCode::CONFLICT, Some(&info), T::LinkTimeUpText)
        }
        Err(Failure::Refused { status, detail, .. }) => ctx.html(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            confirm(ctx, token, &info, Some(&detail)),
        ),
        Err(failure) => ctx.failure(failure),
    }
}

/// The page with the one button (and, for a reset, the new password).
fn confirm(ctx: &Ctx, token: &str, info: &v1::LinkInfo, problem: Option<&str>) -> Markup {
    match info.state {
        LinkState::Used => return gone_page(ctx, Some(info), T::LinkUsedOnceText),
        LinkState::Expired => return gone_page(ctx, Some(info), T::LinkTimeUpText),
        LinkState::Valid | LinkState::Settled => {}
    }
    let action = format!("/m/{token}");
    let organisation = info.organisation.as_deref().unwrap_or_default();
    let (title, text, button) = match info.purpose {
        LinkPurpose::VerifyEmail => (
            ctx.t(T::LinkVerifyTitle).to_owned(),
            Some(ctx.t(T::LinkVerifyText)),
            ctx.t(T::LinkVerifyButton),
        ),
        LinkPurpose::ResetPassword => (
            ctx.t(T::LinkResetTitle).to_owned(),
            None,
            ctx.t(T::LinkResetButton),
        ),
        LinkPurpose::ColleagueInvitation => (
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
            @if info.purpose == LinkPurpose::ResetPassword {
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
    let (text, next, label) = match used.purpose {
        LinkPurpose::ResetPassword => (T::LinkResetDone, "/login".to_owned(), T::LogIn),
        LinkPurpose::ColleagueInvitation => (
            T::LinkColleagueDone,
            used.organisation
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
    let purpose = info.map(|i| i.purpose);
    let content = html! {
        h1 { (ctx.t(why)) }
        @match purpose {
            Some(LinkPurpose::ResetPassword) => p { a.button href="/forgot" { (ctx.t(T::LinkAskNewReset)) } },
            Some(LinkPurpose::ColleagueInvitation) => p { (ctx.t(T::LinkAskNewInvitation)) },
            _ => {
                p { (ctx.t(T::LinkAskNewVerify)) }
                p { a.button href="/" { (ctx.t(T::GoToKring)) } }
            }
        }
    };
    layout::page(ctx, ctx.t(why), None, content)
}
