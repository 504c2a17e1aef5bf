//! A circle's life on the pages: the banner every page of a paused or ended
//! circle shows, the coordinators' forms to pause, resume and end it, and the
//! keepsake (the logbook and its thanks as one printable page).

use axum::extract::Path;
use axum::response::Response;
use kring_protocol::v1;
use maud::{html, Markup};

use super::{changed, circle_of, circle_page, id, read_page};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::{fill, T};
use crate::layout::{self, person, Section};
use crate::time;

/// The most logbook pages (of 100) a keepsake gathers.
const KEEPSAKE_PAGES: usize = 100;

/// Above every page of a paused or ended circle: since when, why, the
/// message left, and for an ended circle the keepsake.
pub fn banner(ctx: &Ctx, circle: &v1::Circle) -> Markup {
    let life = &circle.life;
    let tz = time::zone(&circle.time_zone);
    let since = life
        .since
        .map(|at| time::date_long(ctx.lang, at.with_timezone(&tz).date_naive()))
        .unwrap_or_default();
    html! {
        @match life.state {
            v1::LifeState::Active => {}
            v1::LifeState::Paused => {
                section.life.paused data-testid="life" aria-labelledby="life-heading" {
                    h2 #life-heading { (fill(ctx.t(T::PausedSince), &[&since])) }
                    p { (ctx.t(T::PausedMeaning)) }
                    @if let Some(message) = &life.message { (layout::written(message)) }
                    @if circle.you.coordinator {
                        form.inline method="post" action=(format!("/circles/{}/resume", circle.id)) {
                            button type="submit" { (ctx.t(T::ResumeCircle)) }
                        }
                    }
                }
            }
            v1::LifeState::Ended => {
                section.life.ended data-testid="life" aria-labelledby="life-heading" {
                    h2 #life-heading { (fill(ctx.t(T::EndedOn), &[&since])) }
                    @if let Some(reason) = life.reason { p { (ctx.t(reason_word(reason))) } }
                    @if let Some(message) = &life.message { (layout::written(message)) }
                    p { (ctx.t(T::EndedMeaning)) }
                    p { a href=(format!("/circles/{}/keepsake", circle.id)) { (ctx.t(T::Keepsake)) } }
                }
            }
        }
    }
}

/// On the home page, for coordinators of a circle that has not ended.
pub fn controls(ctx: &Ctx, circle: &v1::Circle) -> Markup {
    let base = format!("/circles/{}", circle.id);
    html! {
        @if circle.you.coordinator && circle.life.state != v1::LifeState::Ended {
            section aria-labelledby="life-controls-heading" {
                h2 #life-controls-heading { (ctx.t(T::CircleLifeHeading)) }
                @if circle.life.state == v1::LifeState::Active {
                    form.stack method="post" action=(format!("{base}/pause")) {
                        p.hint { (ctx.t(T::PauseHint)) }
                        label for="pause-message" { (ctx.t(T::MessageForMembers)) }
                        textarea #pause-message name="message" maxlength="500" rows="2" {}
                        button type="submit" { (ctx.t(T::PauseCircle)) }
                    }
                }
                form.stack method="post" action=(format!("{base}/end")) {
                    p.hint { (ctx.t(T::EndHint)) }
                    label for="end-reason" { (ctx.t(T::EndReasonLabel)) }
                    select #end-reason name="reason" {
                        @for reason in REASONS {
                            option value=(crate::form::word_of(&reason)) { (ctx.t(reason_word(reason))) }
                        }
                    }
                    label for="end-message" { (ctx.t(T::ClosingMessage)) }
                    textarea #end-message name="message" maxlength="500" rows="3" {}
                    div.check {
                        input #end-sure type="checkbox" name="sure" value="yes" required;
                        label for="end-sure" { (ctx.t(T::EndSure)) }
                    }
                    button.danger type="submit" { (ctx.t(T::EndCircle)) }
                }
            }
        }
    }
}

const REASONS: [v1::EndReason; 4] = [
    v1::EndReason::Recovered,
    v1::EndReason::MovedToCareHome,
    v1::EndReason::Died,
    v1::EndReason::Other,
];

fn reason_word(reason: v1::EndReason) -> T {
    match reason {
        v1::EndReason::Recovered => T::EndRecovered,
        v1::EndReason::MovedToCareHome => T::EndCareHome,
        v1::EndReason::Died => T::EndDied,
        v1::EndReason::Other => T::EndOther,
    }
}

fn message(fields: &Fields) -> Option<String> {
    Some(fields.text("message").trim().to_owned()).filter(|m| !m.is_empty())
}

/// `POST /circles/{id}/pause`.
pub async fn pause(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let base = format!("/circles/{circle}");
    let body = v1::PauseCircle {
        message: message(&fields),
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(&format!("{base}/pause"), &body)
        .await;
    ctx.after(changed(outcome), &base, T::CirclePausedDone)
}

/// `POST /circles/{id}/resume`.
pub async fn resume(ctx: Ctx, Path(circle): Path<String>) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let base = format!("/circles/{circle}");
    let outcome = ctx
        .client
        .post_empty::<v1::Changed>(&format!("{base}/resume"))
        .await;
    ctx.after(changed(outcome), &base, T::CircleResumedDone)
}

/// `POST /circles/{id}/end`: only with "I am sure" ticked.
pub async fn end(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let base = format!("/circles/{circle}");
    let (Some(reason), true) = (
        fields.word::<v1::EndReason>("reason"),
        fields.checked("sure"),
    ) else {
        let sure = ctx.t(T::EndNotSure).to_owned();
        return crate::ctx::see_other_with(&base, &crate::ctx::Flash::Problem(sure));
    };
    let body = v1::EndCircle {
        reason,
        message: message(&fields),
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(&format!("{base}/end"), &body)
        .await;
    ctx.after(changed(outcome), &base, T::CircleEndedDone)
}

/// `GET /circles/{id}/keepsake`: the logbook the reader may read, oldest
/// first, with its thanks and the closing words: one page to print or save.
pub async fn keepsake(ctx: Ctx, Path(circle): Path<String>) -> Response {
    match render_keepsake(&ctx, &circle).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

async fn render_keepsake(ctx: &Ctx, circle: &str) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let path = format!("/circles/{}/logbook", circle.id);
    let mut entries: Vec<v1::LogbookEntry> = vec![];
    let mut before = None;
    for _ in 0..KEEPSAKE_PAGES {
        let (page, older): (Vec<v1::LogbookEntry>, _) = read_page(ctx, &path, before).await?;
        entries.extend(page.into_iter().filter(|e| !e.redacted));
        match older {
            Some(older) => before = Some(older),
            None => break,
        }
    }
    entries.reverse();
    let thanks: u32 = entries.iter().map(|e| e.thanks).sum();
    let title = fill(ctx.t(T::KeepsakeTitle), &[&circle.focus.name]);
    let content = html! {
        article.keepsake {
            h1 { (title) }
            @if let Some(message) = &circle.life.message {
                section aria-labelledby="closing-heading" {
                    h2 #closing-heading { (ctx.t(T::ClosingWords)) }
                    (layout::written(message))
                }
            }
            p { (fill(ctx.t(T::KeepsakeCounts), &[&entries.len().to_string(), &thanks.to_string()])) }
            p.no-print { button type="button" data-print { (ctx.t(T::Print)) } }
            @for entry in &entries {
                article.entry {
                    p.meta {
                        (person(ctx, &entry.author)) ", " (layout::moment(ctx.lang, entry.written_at, tz))
                        @if entry.thanks > 0 { " · " (fill(ctx.t(T::ThanksCount), &[&entry.thanks.to_string()])) }
                    }
                    @if let Some(text) = &entry.text { (layout::written(text)) }
                }
            }
        }
    };
    Ok(circle_page(
        ctx,
        &circle,
        Section::Home,
        circle.version,
        &title,
        content,
    ))
}
