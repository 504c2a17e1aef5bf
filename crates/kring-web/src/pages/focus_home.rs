//! The circle's home for the person it is for: simpler than the family's.
//! Today and the next days (who comes), ask for something, offer something,
//! say thank you; large text and plain words. The whole circle is one link
//! away (`?all=1`).

use axum::response::Response;
use kring_protocol::v1;
use maud::{html, Markup};

use super::{circle_page, read_if_allowed};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::i18n::{fill, T};
use crate::layout::{self, for_reader, hidden, Section};
use crate::time;

/// How far ahead "the coming days" look, and how far back "thank you" does.
const DAYS_AHEAD: u32 = 3;
const DAYS_BACK: u64 = 3;

/// Whether `circle`'s home should be the simple one: for its focus person
/// (not when they coordinate it too, nor when they asked for everything).
pub fn is_for(circle: &v1::Circle, all: bool) -> bool {
    circle.you.focus && !circle.you.coordinator && !all
}

pub async fn render(ctx: &Ctx, circle: &v1::Circle) -> Result<Response, Failure> {
    let tz = time::zone(&circle.time_zone);
    let today = time::today(tz);
    let from = today - chrono::Days::new(DAYS_BACK);
    let base = format!("/circles/{}", circle.id);
    let days = DAYS_BACK as u32 + DAYS_AHEAD;
    let rota: Option<v1::Rota> =
        read_if_allowed(ctx, &format!("{base}/rota?from={from}&days={days}")).await?;
    let slots = rota
        .as_ref()
        .map(|r| r.slots.as_slice())
        .unwrap_or_default();
    let (past, coming): (Vec<&v1::RotaSlot>, Vec<&v1::RotaSlot>) =
        slots.iter().partition(|s| s.date < today);
    let version = rota
        .as_ref()
        .map_or(circle.version, |r| r.version.min(circle.version));
    let title = fill(ctx.t(T::FocusHello), &[&circle.focus.name]);
    let content = html! {
        div.simple {
            h1 { (title) }
            (super::coordination::section(ctx, circle))
            (coming_days(ctx, &coming, tz))
            nav.big-actions aria-label=(ctx.t(T::FocusAsk)) {
                a.button href=(format!("{base}/requests#ask-heading")) { (ctx.t(T::FocusAsk)) }
                a.button href=(format!("{base}/members#offer-form")) { (ctx.t(T::FocusOffer)) }
            }
            (thanks(ctx, &base, circle.you.person, &past, tz))
            p { a href=(format!("{base}?all=1")) { (ctx.t(T::FocusWholeCircle)) } }
        }
    };
    Ok(circle_page(
        ctx,
        circle,
        Section::Home,
        version,
        &title,
        content,
    ))
}

fn coming_days(ctx: &Ctx, coming: &[&v1::RotaSlot], tz: chrono_tz::Tz) -> Markup {
    html! {
        section aria-labelledby="coming-heading" {
            h2 #coming-heading { (ctx.t(T::FocusComing)) }
            @if coming.is_empty() {
                p { (ctx.t(T::FocusNothingComing)) }
            } @else {
                ul.list {
                    @for slot in coming {
                        li data-testid="coming" {
                            strong { (layout::moment(ctx.lang, slot.starts_at, tz)) } ": "
                            (slot.title.as_deref().unwrap_or(ctx.t(T::Untitled))) " — "
                            (fill(ctx.t(T::FocusWhoComes), &[&who(ctx, slot)]))
                        }
                    }
                }
            }
        }
    }
}

fn who(ctx: &Ctx, slot: &v1::RotaSlot) -> String {
    if slot.claimed_by.is_empty() {
        return ctx.t(T::FocusNobodyYet).to_owned();
    }
    let names: Vec<&str> = slot.claimed_by.iter().map(|p| p.name.as_str()).collect();
    names.join(", ")
}

/// A button per person who was on a shift in the last days.
fn thanks(
    ctx: &Ctx,
    base: &str,
    me: uuid::Uuid,
    past: &[&v1::RotaSlot],
    tz: chrono_tz::Tz,
) -> Markup {
    let helpers: Vec<(&v1::RotaSlot, &v1::Person)> = past
        .iter()
        .flat_map(|s| s.claimed_by.iter().map(move |p| (*s, p)))
        .filter(|(_, p)| p.id != me && !p.forgotten)
        .collect();
    html! {
        section aria-labelledby="thanks-heading" {
            h2 #thanks-heading { (ctx.t(T::FocusThanks)) }
            @if helpers.is_empty() {
                p { (ctx.t(T::FocusNoOneToThank)) }
            } @else {
                p { (ctx.t(T::FocusThanksText)) }
                ul.plain {
                    @for (slot, helper) in helpers {
                        li {
                            form.inline method="post" action=(format!("{base}/rota/thanks")) {
                                (hidden("shift", slot.shift)) (hidden("date", slot.date))
                                (hidden("to", helper.id)) (hidden("back", base))
                                button type="submit" {
                                    (fill(ctx.t(T::ThankPerson), &[&helper.name]))
                                    (for_reader(&format!(": {}", time::moment(ctx.lang, slot.starts_at, tz, time::today(tz)))))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
