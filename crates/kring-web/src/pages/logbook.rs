//! `/circles/{id}/logbook`: how it is going, newest first; write an entry with
//! who may read it, withdraw your own, thank someone for theirs.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, Ring, Visibility};
use maud::html;

use super::{before_of, changed, circle_of, id, read_page};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::{word_of, Fields};
use crate::i18n::{self, T};
use crate::layout::{self, for_reader, person, CirclePage, Section};
use crate::time;

pub async fn show(
    ctx: Ctx,
    Path(circle): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match render(&ctx, &circle, before_of(&query), None).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

/// The page with the entries older than `before` (the newest without).
async fn render(
    ctx: &Ctx,
    circle: &str,
    before: Option<u64>,
    refused: Option<(&Fields, String, StatusCode)>,
) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let base = format!("/circles/{}", circle.id);
    let (entries, older): (Vec<v1::LogbookEntry>, _) =
        read_page(ctx, &format!("{base}/logbook"), before).await?;
    let me = circle.you.person;
    let lang = ctx.lang;
    let default_visibility = match circle.you.ring {
        Ring::Warm => Visibility::WarmOnly,
        Ring::Lukewarm => Visibility::WarmAndLukewarm,
        Ring::Cold => Visibility::WholeCircle,
    };
    let chosen = refused
        .as_ref()
        .and_then(|(fields, ..)| fields.word::<Visibility>("visibility"))
        .unwrap_or(default_visibility);
    let title = ctx.t(T::NavLogbook);
    let content = html! {
        h1 { (title) }
        @if let Some((_, detail, _)) = &refused {
            div.flash.problem role="alert" { p { strong { (ctx.t(T::NotDone)) } " " (detail) } }
        }
        @if circle.life.state != v1::LifeState::Ended {
        section aria-labelledby="write-heading" {
            h2 #write-heading { (ctx.t(T::WriteEntry)) }
            form.stack method="post" action=(format!("{base}/logbook")) {
                div.field {
                    label for="entry-text" { (ctx.t(T::HowIsItGoing)) }
                    textarea #entry-text name="text" required maxlength="5000" rows="4" {
                        (refused.as_ref().map(|(f, ..)| f.text("text")).unwrap_or_default())
                    }
                }
                fieldset {
                    legend { (ctx.t(T::WhoMayRead)) }
                    @for visibility in [Visibility::WarmOnly, Visibility::WarmAndLukewarm, Visibility::WholeCircle] {
                        @let word = word_of(&visibility);
                        div.check {
                            input #(format!("visibility-{word}")) type="radio" name="visibility" value=(word)
                                checked[visibility == chosen];
                            label for=(format!("visibility-{word}")) { (ctx.t(i18n::visibility(visibility))) }
                        }
                    }
                }
                button type="submit" { (ctx.t(T::WriteEntryButton)) }
            }
        }
        }
        section aria-labelledby="entries-heading" {
            h2 #entries-heading { (ctx.t(T::Entries)) }
            @if entries.is_empty() && before.is_none() {
                p { (ctx.t(T::NoEntries)) }
            }
            @for entry in &entries {
                @let mine = entry.author.id == me;
                @let when = time::moment(lang, entry.written_at, tz, time::today(tz));
                @let about = format!(": {}, {when}", if entry.author.forgotten { ctx.t(T::FormerMember) } else { entry.author.name.as_str() });
                article.entry #(format!("entry-{}", entry.id)) data-testid="entry" {
                    p.meta {
                        strong { (person(ctx, &entry.author)) } ", "
                        (layout::moment(lang, entry.written_at, tz)) " · "
                        span.badge.visibility { (ctx.t(i18n::visibility(entry.visibility))) }
                    }
                    @if entry.redacted {
                        p.quiet { em { (ctx.t(T::Withdrawn)) } }
                        @if let Some(text) = &entry.text { (layout::written(text)) }
                    } @else if let Some(text) = &entry.text {
                        (layout::written(text))
                    } @else {
                        p.quiet { em { (ctx.t(T::TextGone)) } }
                    }
                    @if entry.thanks > 0 {
                        p.meta { (i18n::count(lang, entry.thanks, T::ThankedOnce, T::ThanksCount)) }
                    }
                    div.actions {
                        @if mine && !entry.redacted {
                            form.inline method="post" action=(format!("{base}/logbook/{}/redact", entry.id)) {
                                button.secondary type="submit" { (ctx.t(T::Withdraw)) (for_reader(&about)) }
                            }
                        }
                        @if !mine && !entry.redacted && !entry.author.forgotten {
                            form.inline method="post" action=(format!("{base}/logbook/{}/thanks", entry.id)) {
                                (layout::hidden("to", entry.author.id))
                                button.secondary type="submit" { (ctx.t(T::SayThanks)) (for_reader(&about)) }
                            }
                        }
                    }
                }
            }
            nav.pages aria-label=(ctx.t(T::Entries)) {
                @if let Some(older) = older {
                    a rel="next" href=(format!("{base}/logbook?before={older}")) { (ctx.t(T::OlderEntries)) }
                    " "
                }
                @if before.is_some() {
                    a href=(format!("{base}/logbook")) { (ctx.t(T::NewestEntries)) }
                }
            }
        }
    };
    let status = refused.map_or(StatusCode::OK, |(_, _, status)| status);
    Ok(ctx.html(
        status,
        layout::page(
            ctx,
            title,
            Some(CirclePage {
                circle: &circle,
                section: Section::Logbook,
                version: circle.version,
            }),
            content,
        ),
    ))
}

/// `POST /circles/{id}/logbook`: write. A refusal shows the text again.
pub async fn write(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle_id) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/circles/{circle_id}/logbook");
    let body = v1::WriteLogbookEntry {
        text: fields.text("text").trim().to_owned(),
        visibility: fields
            .word::<Visibility>("visibility")
            .unwrap_or(Visibility::WarmOnly),
    };
    match ctx.client.post::<_, v1::Created>(&back, &body).await {
        Ok(created) => ctx.after(Ok(Some(created.version)), &back, T::EntryWritten),
        Err(Failure::Refused { status, detail, .. }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            match render(&ctx, &circle, None, Some((&fields, detail, status))).await {
                Ok(response) => response,
                Err(failure) => ctx.failure(failure),
            }
        }
        Err(failure) => ctx.refused(failure, &back),
    }
}

/// `POST /circles/{id}/logbook/{entry}/redact`: withdraw your own entry.
pub async fn redact(ctx: Ctx, Path((circle, entry)): Path<(String, String)>) -> Response {
    let (Ok(circle), Ok(entry)) = (id(&circle), id(&entry)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .delete::<v1::Changed>(&format!("/circles/{circle}/logbook/{entry}"))
        .await;
    ctx.after(
        changed(outcome),
        &format!("/circles/{circle}/logbook"),
        T::EntryWithdrawn,
    )
}

/// `POST /circles/{id}/logbook/{entry}/thanks`: thank its author.
pub async fn thank(
    ctx: Ctx,
    Path((circle, entry)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(entry)) = (id(&circle), id(&entry)) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/circles/{circle}/logbook");
    let Some(to) = fields.parse("to") else {
        return ctx.failure(Failure::NotFound);
    };
    let body = v1::Thank {
        to,
        thanks_for: v1::ThanksFor::Entry { entry },
        note: None,
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(&format!("/circles/{circle}/thanks"), &body)
        .await;
    ctx.after(changed(outcome), &back, T::Thanked)
}
