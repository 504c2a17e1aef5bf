//! `/circles/{id}/calendar`: your calendar feeds of this circle. Make one (its
//! address is shown on the page the form answers, this once: it is never put
//! in a redirect, a cookie or a log), see which you have, revoke one.
//! Listing and revoking need only membership; making one needs the rota.

use axum::extract::Path;
use axum::response::Response;
use http::{Method, StatusCode};
use kring_protocol::v1::{self, CalendarScope};
use maud::html;

use super::{circle_of, id, read};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::{word_of, Fields};
use crate::i18n::{fill, T};
use crate::layout::{self, for_reader, CirclePage, Section};
use crate::time;

pub async fn show(ctx: Ctx, Path(circle): Path<String>) -> Response {
    match render(&ctx, &circle, None, StatusCode::OK).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

/// What the form made, or why not.
enum Made {
    Feed(v1::CalendarFeedCreated),
    Refused(String),
}

fn scope_name(scope: CalendarScope) -> T {
    match scope {
        CalendarScope::Mine => T::CalendarScopeMine,
        CalendarScope::Circle => T::CalendarScopeCircle,
    }
}

async fn render(
    ctx: &Ctx,
    circle: &str,
    made: Option<Made>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let today = time::today(tz);
    let base = format!("/circles/{}", circle.id);
    let feeds: v1::CalendarFeeds = read(ctx, &format!("{base}/calendar-feeds")).await?;
    let lang = ctx.lang;
    let title = ctx.t(T::CalendarTitle);
    let content = html! {
        h1 { (title) }
        p { (ctx.t(T::CalendarIntro)) }
        @match &made {
            Some(Made::Feed(feed)) => {
                section #calendar-link .flash.done data-keep aria-labelledby="calendar-link-heading" {
                    h2 #calendar-link-heading { (ctx.t(T::CalendarLinkReady)) }
                    div.field {
                        label for="calendar-address" { (ctx.t(T::CalendarLinkLabel)) }
                        div.copy-row {
                            input #calendar-address type="text" readonly value=(feed.url)
                                data-select-on-focus data-testid="calendar-address";
                            button type="button" data-copy="calendar-address" { (ctx.t(T::CopyLink)) }
                        }
                    }
                    p.hint { (ctx.t(T::CalendarLinkOnce)) }
                }
            }
            Some(Made::Refused(detail)) => {
                div.flash.problem role="alert" { p { strong { (ctx.t(T::NotDone)) } " " (detail) } }
            }
            None => {}
        }
        @if circle.may.read_rota {
            section aria-labelledby="make-feed-heading" {
                h2 #make-feed-heading { (ctx.t(T::MakeCalendarLink)) }
                form.stack method="post" action=(format!("{base}/calendar")) {
                    fieldset {
                        legend { (ctx.t(T::CalendarWhichShifts)) }
                        @for scope in [CalendarScope::Mine, CalendarScope::Circle] {
                            @let word = word_of(&scope);
                            div.check {
                                input #(format!("scope-{word}")) type="radio" name="scope" value=(word)
                                    checked[scope == CalendarScope::Mine];
                                label for=(format!("scope-{word}")) { (ctx.t(scope_name(scope))) }
                            }
                        }
                    }
                    button type="submit" { (ctx.t(T::MakeCalendarLinkButton)) }
                }
            }
        } @else {
            p.hint { (ctx.t(T::CalendarNoRota)) }
        }
        section aria-labelledby="feeds-heading" {
            h2 #feeds-heading { (ctx.t(T::YourCalendarLinks)) }
            @if feeds.feeds.is_empty() {
                p { (ctx.t(T::NoCalendarLinks)) }
            } @else {
                ul.list {
                    @for feed in &feeds.feeds {
                        @let made_at = time::moment(lang, feed.created_at, tz, today);
                        li.row data-testid="calendar-feed" {
                            span {
                                (ctx.t(scope_name(feed.scope))) " — "
                                (fill(ctx.t(T::CalendarLinkMade), &[&made_at]))
                            }
                            form.inline method="post" action=(format!("{base}/calendar/{}/revoke", feed.id)) {
                                button.secondary type="submit" {
                                    (ctx.t(T::RevokeCalendarLink)) (for_reader(&format!(": {}, {made_at}", ctx.t(scope_name(feed.scope)))))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.html(
        status,
        layout::page(
            ctx,
            title,
            Some(CirclePage {
                circle: &circle,
                section: Section::Calendar,
                version: circle.version,
            }),
            content,
        ),
    ))
}

/// `POST /circles/{id}/calendar`: make a feed. Its address is shown on the
/// page this answers (200), not after a redirect: the address is the key.
pub async fn make(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle_id) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let body = v1::CreateCalendarFeed {
        scope: fields.word("scope").unwrap_or(CalendarScope::Mine),
    };
    let outcome = ctx
        .client
        .post::<_, v1::CalendarFeedCreated>(&format!("/circles/{circle_id}/calendar-feeds"), &body)
        .await;
    let (made, status) = match outcome {
        Ok(feed) => (Made::Feed(feed), StatusCode::OK),
        Err(Failure::Refused { status, detail, .. }) => (
            Made::Refused(detail),
            StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
        ),
        Err(failure) => return ctx.refused(failure, &back(circle_id)),
    };
    match render(&ctx, &circle, Some(made), status).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

/// `POST /circles/{id}/calendar/{feed}/revoke`: its address answers 404 from now on.
pub async fn revoke(ctx: Ctx, Path((circle, feed)): Path<(String, String)>) -> Response {
    let (Ok(circle), Ok(feed)) = (id(&circle), id(&feed)) else {
        return ctx.failure(Failure::NotFound);
    };
    // 204 without a body: nothing to read, so the whole answer.
    let outcome = ctx
        .client
        .send(
            Method::DELETE,
            &format!("/circles/{circle}/calendar-feeds/{feed}"),
            None::<&()>,
        )
        .await
        .map(|_| None);
    ctx.after(outcome, &back(circle), T::CalendarLinkRevoked)
}

fn back(circle: uuid::Uuid) -> String {
    format!("/circles/{circle}/calendar")
}
