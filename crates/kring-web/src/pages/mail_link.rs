//! `/m/{token}`: the page of a link in a mail. Opening it changes nothing (mail
//! scanners open links); it says what the link does and offers one button.
//! The button posts to the same address, which does it and shows the outcome.
//! A mail client's one-click unsubscribe (RFC 8058) posts there too, without
//! a session and from elsewhere: the token alone is the authority.
//!
//! The page shows no more than the mail did: the kind of help and its time.

use axum::extract::Path;
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, LinkPurpose, LinkState};
use maud::{html, Markup};

use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::{self, fill, T};
use crate::pages::account_link;
use crate::{layout, time};

pub async fn show(ctx: Ctx, Path(token): Path<String>) -> Response {
    let info = match ctx
        .client
        .get::<v1::LinkInfo>(&format!("/links/{}", path_safe(&token)))
        .await
    {
        Ok(info) => info,
        Err(failure) => return gone(&ctx, failure, None),
    };
    if account_link::handles(info.purpose) {
        return account_link::show(&ctx, &token, &info);
    }
    match info.state {
        LinkState::Valid => {}
        LinkState::Used => return kind(&ctx, StatusCode::OK, T::LinkUsedText, info.circle),
        LinkState::Expired => return kind(&ctx, StatusCode::OK, T::LinkExpiredText, info.circle),
        LinkState::Settled => {
            let text = match info.purpose {
                LinkPurpose::ClaimRequest => T::LinkTakenText,
                _ => T::LinkSwapSettledText,
            };
            return kind(&ctx, StatusCode::OK, text, info.circle);
        }
    }
    let (question, button) = match info.purpose {
        LinkPurpose::ClaimRequest => (
            fill(
                ctx.t(T::LinkClaimQuestion),
                &[&thing(&ctx, &info), &when(&ctx, &info)],
            ),
            T::LinkClaimButton,
        ),
        LinkPurpose::AcceptSwap => (
            fill(ctx.t(T::LinkAcceptQuestion), &[&when(&ctx, &info)]),
            T::LinkAcceptButton,
        ),
        LinkPurpose::DeclineSwap => (
            fill(ctx.t(T::LinkDeclineQuestion), &[&when(&ctx, &info)]),
            T::LinkDeclineButton,
        ),
        LinkPurpose::Unsubscribe => (
            fill(ctx.t(T::LinkUnsubscribeQuestion), &[&topic(&ctx, &info)]),
            T::LinkUnsubscribeButton,
        ),
        // Links followed on pages of their own.
        _ => return neutral(&ctx),
    };
    let content = html! {
        h1 { (question) }
        form.stack method="post" action=(format!("/m/{}", path_safe(&token))) {
            button type="submit" { (ctx.t(button)) }
        }
        p { (ctx.t(T::LinkNothingYet)) }
    };
    ctx.html(StatusCode::OK, layout::page(&ctx, &question, None, content))
}

/// Does what the link says. The form's fields are not needed (a one-click
/// unsubscribe sends `List-Unsubscribe=One-Click`; the button sends nothing).
pub async fn submit(ctx: Ctx, Path(token): Path<String>, fields: Fields) -> Response {
    let path = format!("/links/{}", path_safe(&token));
    // What it is about, for the words of the outcome (read before it is used).
    let info = ctx.client.get::<v1::LinkInfo>(&path).await.ok();
    if let Some(info) = info.clone().filter(|i| account_link::handles(i.purpose)) {
        return account_link::submit(&ctx, &path_safe(&token), info, fields).await;
    }
    let used = match ctx.client.post_empty::<v1::LinkUsed>(&path).await {
        Ok(used) => used,
        Err(failure) => return gone(&ctx, failure, info.and_then(|i| i.circle)),
    };
    let text = match (used.purpose, &info) {
        (LinkPurpose::ClaimRequest, Some(info)) => fill(
            ctx.t(T::LinkClaimDone),
            &[&thing(&ctx, info), &when(&ctx, info)],
        ),
        (LinkPurpose::AcceptSwap, Some(info)) => {
            fill(ctx.t(T::LinkAcceptDone), &[&when(&ctx, info)])
        }
        (LinkPurpose::DeclineSwap, Some(info)) => {
            fill(ctx.t(T::LinkDeclineDone), &[&when(&ctx, info)])
        }
        (LinkPurpose::Unsubscribe, _) => {
            let words = used
                .topic
                .map_or(String::new(), |t| ctx.t(i18n::topic(t)).to_owned());
            fill(ctx.t(T::LinkUnsubscribeDone), &[&words])
        }
        _ => ctx.t(T::Saved).to_owned(),
    };
    let content = html! {
        h1 { (ctx.t(T::Saved)) }
        div.flash.done role="status" { p data-testid="outcome" { (text) } }
        (onwards(&ctx, used.circle))
        @if used.purpose == LinkPurpose::Unsubscribe {
            p { a href="/me/mail" { (ctx.t(T::MailPrefsLink)) } }
        }
    };
    ctx.html(
        StatusCode::OK,
        layout::page(&ctx, ctx.t(T::Saved), None, content),
    )
}

/// Why a link does nothing (any more), kindly.
fn gone(ctx: &Ctx, failure: Failure, circle: Option<uuid::Uuid>) -> Response {
    let (status, text) = match &failure {
        Failure::NotFound => (StatusCode::NOT_FOUND, T::LinkUnknown),
        Failure::Refused { code, status, .. } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::CONFLICT);
            match code.as_str() {
                "request-not-open" => (status, T::LinkTakenText),
                "swap-settled" | "shift-changed-since-swap" => (status, T::LinkSwapSettledText),
                "link-used" => (status, T::LinkUsedText),
                "link-expired" => (status, T::LinkExpiredText),
                _ => return ctx.failure(failure),
            }
        }
        _ => return ctx.failure(failure),
    };
    kind(ctx, status, text, circle)
}

fn kind(ctx: &Ctx, status: StatusCode, text: T, circle: Option<uuid::Uuid>) -> Response {
    let content = html! {
        h1 { (ctx.t(T::LinkGoneTitle)) }
        p data-testid="outcome" { (ctx.t(text)) }
        (onwards(ctx, circle))
    };
    ctx.html(
        status,
        layout::page(ctx, ctx.t(T::LinkGoneTitle), None, content),
    )
}

/// A link this page does not act on itself.
fn neutral(ctx: &Ctx) -> Response {
    let content = html! {
        h1 { "Kring" }
        p { (ctx.t(T::LinkOther)) }
        (onwards(ctx, None))
    };
    ctx.html(StatusCode::OK, layout::page(ctx, "Kring", None, content))
}

/// On to the circle (which asks to log in first when needed), or to Kring.
fn onwards(ctx: &Ctx, circle: Option<uuid::Uuid>) -> Markup {
    html! {
        p.actions {
            @match circle {
                Some(circle) => a.button href=(format!("/circles/{circle}")) { (ctx.t(T::LinkOpenCircle)) },
                None => a.button href="/" { "Kring" },
            }
        }
    }
}

/// "vervoer" / "transport", or "hulp" when the mail did not name it.
fn thing(ctx: &Ctx, info: &v1::LinkInfo) -> String {
    info.category
        .map_or(ctx.t(T::LinkHelp), |c| ctx.t(i18n::category(c)))
        .to_lowercase()
}

/// The day and time in the circle's zone, as the mail showed it.
fn when(ctx: &Ctx, info: &v1::LinkInfo) -> String {
    let Some(at) = info.starts else {
        return String::new();
    };
    let tz = time::zone(info.time_zone.as_deref().unwrap_or_default());
    time::moment(ctx.lang, at, tz, time::today(tz))
}

fn topic(ctx: &Ctx, info: &v1::LinkInfo) -> String {
    info.topic
        .map_or(String::new(), |t| ctx.t(i18n::topic(t)).to_owned())
}

/// The token as a path segment: anything but its own characters is no token,
/// and must not change the API path it is put into.
fn path_safe(token: &str) -> String {
    token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect()
}
