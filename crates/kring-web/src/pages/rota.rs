//! `/circles/{id}/rota?week=YYYY-MM-DD`: one week of the rota, Monday to
//! Sunday in the circle's zone, with claim, release, swap, skip and thanks;
//! coordinators schedule shifts here.

use axum::extract::{Path, Query};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use kring_protocol::v1;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;

use super::{changed, circle_of, circle_page, created, id, read, read_if_allowed};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::{self, fill, T};
use crate::layout::{self, for_reader, hidden, person, Section};
use crate::time;

#[derive(Deserialize)]
pub struct Week {
    week: Option<String>,
}

pub async fn show(ctx: Ctx, Path(circle): Path<String>, Query(query): Query<Week>) -> Response {
    match render(&ctx, &circle, query.week.as_deref()).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

fn rota_path(circle: Uuid, monday: NaiveDate) -> String {
    format!("/circles/{circle}/rota?week={monday}")
}

async fn render(ctx: &Ctx, circle: &str, week: Option<&str>) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let today = time::today(tz);
    let monday = time::monday_of(week.and_then(time::parse_date).unwrap_or(today));
    let base = format!("/circles/{}", circle.id);
    let rota: v1::Rota = read(ctx, &format!("{base}/rota?from={monday}&days=7")).await?;
    let members: Option<v1::Members> = read_if_allowed(ctx, &format!("{base}/members")).await?;
    let me = circle.you.person;
    let others: Vec<&v1::Member> = members
        .iter()
        .flat_map(|m| &m.members)
        .filter(|m| m.person.id != me && m.ring != v1::Ring::Cold && !m.person.forgotten)
        .collect();
    let lang = ctx.lang;
    let here = rota_path(circle.id, monday);
    let title = ctx.t(T::NavRota);
    let sunday = monday + Duration::days(6);
    let content = html! {
        h1 { (title) ": " (fill(ctx.t(T::WeekOf), &[&time::date_short(lang, monday, today), &time::date_short(lang, sunday, today)])) }
        nav.week-nav aria-label=(ctx.t(T::OtherWeeks)) {
            a href=(rota_path(circle.id, monday - Duration::days(7))) rel="prev" { "← " (ctx.t(T::PreviousWeek)) }
            a href=(rota_path(circle.id, time::monday_of(today))) { (ctx.t(T::ThisWeek)) }
            a href=(rota_path(circle.id, monday + Duration::days(7))) rel="next" { (ctx.t(T::NextWeek)) " →" }
        }
        p.no-print { button type="button" data-print { (ctx.t(T::PrintWeek)) } }
        @if !rota.swaps.is_empty() {
            section.no-print aria-labelledby="swaps-heading" {
                h2 #swaps-heading { (ctx.t(T::SwapsWaiting)) }
                ul.list {
                    @for swap in &rota.swaps {
                        li.row data-testid="swap" {
                            span {
                                (swap.title.as_deref().unwrap_or(ctx.t(T::Untitled))) ", "
                                (layout::moment(lang, swap.starts_at, tz)) ": "
                                (fill(ctx.t(T::SwapFromTo), &[&display(ctx, &swap.from), &display(ctx, &swap.to)]))
                            }
                            @if swap.to.id == me {
                                form.inline method="post" action=(format!("{base}/rota/swaps/{}", swap.id)) {
                                    (hidden("back", &here))
                                    button type="submit" name="answer" value="accept" { (ctx.t(T::AcceptSwap)) }
                                    " "
                                    button.secondary type="submit" name="answer" value="decline" { (ctx.t(T::DeclineSwap)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @for offset in 0..7 {
            @let date = monday + Duration::days(offset);
            @let slots: Vec<&v1::RotaSlot> = rota.slots.iter().filter(|s| s.date == date).collect();
            section.day aria-labelledby=(format!("day-{date}")) {
                h2 #(format!("day-{date}")) {
                    (time::date_long(lang, date))
                    @if date == today { " " span.badge.role { (ctx.t(T::Today)) } }
                }
                @if slots.is_empty() {
                    p.quiet { (ctx.t(T::NothingPlanned)) }
                } @else {
                    @for slot in slots {
                        (slot_card(ctx, &circle, slot, today, &here, &others))
                    }
                }
            }
        }
        @if circle.you.coordinator {
            (schedule_form(ctx, &base, monday.max(today)))
        }
    };
    Ok(circle_page(
        ctx,
        &circle,
        Section::Rota,
        rota.version,
        title,
        content,
    ))
}

fn display(ctx: &Ctx, p: &v1::Person) -> String {
    if p.forgotten {
        ctx.t(T::FormerMember).to_owned()
    } else {
        p.name.clone()
    }
}

fn slot_card(
    ctx: &Ctx,
    circle: &v1::Circle,
    slot: &v1::RotaSlot,
    today: NaiveDate,
    here: &str,
    others: &[&v1::Member],
) -> Markup {
    let lang = ctx.lang;
    let base = format!("/circles/{}", circle.id);
    let name = slot.title.as_deref().unwrap_or(ctx.t(T::Untitled));
    let start = slot.starts_local.time();
    let ends = slot.starts_local + Duration::minutes(slot.duration_minutes.into());
    let end = match ends.date() == slot.date {
        true => time::clock(ends.time()),
        false => format!(
            "{} {}",
            time::date_short(lang, ends.date(), today),
            time::clock(ends.time())
        ),
    };
    let what = format!(
        "{name}, {} {}",
        time::date_short(lang, slot.date, today),
        time::clock(start)
    );
    let key = format!("{}-{}", slot.shift, slot.date);
    let me = circle.you.person;
    html! {
        article.slot #(format!("slot-{key}")) data-testid="slot" aria-labelledby=(format!("slot-{key}-title")) {
            h3 #(format!("slot-{key}-title")) {
                time datetime=(time::iso(slot.starts_at)) { (time::clock(start)) "–" (end) }
                " " (name)
            }
            p.meta {
                @if slot.helpers_needed == 0 {
                    span.badge.role { (ctx.t(T::ProfessionalsVisit)) }
                } @else if slot.open_places > 0 {
                    span.badge.gap { (i18n::count(lang, slot.open_places, T::PlaceOpen, T::PlacesOpen)) }
                } @else {
                    span.badge.full { (ctx.t(T::Covered)) }
                }
                @if slot.helpers_needed > 0 {
                    " " (fill(ctx.t(T::HelpersNeeded), &[&slot.helpers_needed.to_string()]))
                }
                " · " (ctx.t(T::OpenTo)) " "
                @for (i, ring) in slot.rings.iter().enumerate() {
                    @if i > 0 { ", " }
                    (ctx.t(i18n::ring(*ring)))
                }
            }
            p {
                (ctx.t(T::OnIt)) ": "
                @if slot.claimed_by.is_empty() {
                    (ctx.t(T::Nobody))
                } @else {
                    @for (i, p) in slot.claimed_by.iter().enumerate() {
                        @if i > 0 { ", " }
                        (person(ctx, p))
                        @if p.id == me { " (" (ctx.t(T::You)) ")" }
                    }
                }
            }
            div.actions {
                @if slot.open_places > 0 && !slot.you_are_on && slot.date >= today {
                    form.inline method="post" action=(format!("{base}/rota/claim")) {
                        (hidden("shift", slot.shift)) (hidden("date", slot.date)) (hidden("back", here))
                        button type="submit" { (ctx.t(T::Claim)) (for_reader(&format!(": {what}"))) }
                    }
                }
                @if slot.you_are_on && slot.date >= today {
                    details #(format!("release-{key}")) {
                        summary { (ctx.t(T::Release)) (for_reader(&format!(": {what}"))) }
                        form.stack method="post" action=(format!("{base}/rota/release")) {
                            (hidden("shift", slot.shift)) (hidden("date", slot.date)) (hidden("back", here))
                            div.field {
                                label for=(format!("reason-{key}")) { (ctx.t(T::ReleaseReason)) }
                                input #(format!("reason-{key}")) type="text" name="reason" required maxlength="500";
                            }
                            button type="submit" { (ctx.t(T::Release)) (for_reader(&format!(": {what}"))) }
                        }
                    }
                    @if !others.is_empty() {
                        details #(format!("swap-{key}")) {
                            summary { (ctx.t(T::AskSwap)) (for_reader(&format!(": {what}"))) }
                            form.stack method="post" action=(format!("{base}/rota/swap")) {
                                (hidden("shift", slot.shift)) (hidden("date", slot.date)) (hidden("back", here))
                                div.field {
                                    label for=(format!("swap-to-{key}")) { (ctx.t(T::SwapWith)) }
                                    select #(format!("swap-to-{key}")) name="to" required {
                                        @for m in others {
                                            option value=(m.person.id) { (m.person.name) }
                                        }
                                    }
                                }
                                button type="submit" { (ctx.t(T::SendSwap)) (for_reader(&format!(": {what}"))) }
                            }
                        }
                    }
                }
                @if circle.you.coordinator && slot.date >= today {
                    form.inline method="post" action=(format!("{base}/rota/skip")) {
                        (hidden("shift", slot.shift)) (hidden("date", slot.date)) (hidden("back", here))
                        button.secondary type="submit" { (ctx.t(T::SkipDate)) (for_reader(&format!(": {what}"))) }
                    }
                    @if slot.weekly {
                        form.inline method="post" action=(format!("{base}/rota/end-series")) {
                            (hidden("shift", slot.shift)) (hidden("date", slot.date)) (hidden("back", here))
                            button.secondary type="submit" { (ctx.t(T::EndSeries)) (for_reader(&format!(": {what}"))) }
                        }
                    }
                    (super::rota_change::form(ctx, &base, &here, &key, slot, &what))
                }
                @if slot.date < today {
                    @for p in slot.claimed_by.iter().filter(|p| p.id != me && !p.forgotten) {
                        form.inline method="post" action=(format!("{base}/rota/thanks")) {
                            (hidden("shift", slot.shift)) (hidden("date", slot.date))
                            (hidden("to", p.id)) (hidden("back", here))
                            button.secondary type="submit" {
                                (fill(ctx.t(T::ThankPerson), &[&p.name])) (for_reader(&format!(": {what}")))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn schedule_form(ctx: &Ctx, base: &str, first: NaiveDate) -> Markup {
    html! {
        section aria-labelledby="schedule-heading" {
            h2 #schedule-heading { (ctx.t(T::ScheduleShift)) }
            form.stack method="post" action=(format!("{base}/rota/shifts")) {
                div.field {
                    label for="shift-title" { (ctx.t(T::ShiftTitle)) }
                    input #shift-title type="text" name="title" required maxlength="200"
                        aria-describedby="shift-title-hint";
                    p #shift-title-hint .hint { (ctx.t(T::ShiftTitleHint)) }
                }
                div.row-fields {
                    div.field {
                        label for="shift-date" { (ctx.t(T::Date)) }
                        input #shift-date type="date" name="date" required value=(first);
                    }
                    div.field {
                        label for="shift-time" { (ctx.t(T::StartTime)) }
                        input #shift-time type="time" name="time" required value="10:00";
                    }
                    div.field {
                        label for="shift-duration" { (ctx.t(T::DurationMinutes)) }
                        input #shift-duration type="number" name="duration_minutes" required min="5" max="4320" step="5" value="60"
                            aria-describedby="shift-duration-hint";
                        p #shift-duration-hint .hint { (ctx.t(T::DurationHint)) }
                    }
                    div.field {
                        label for="shift-helpers" { (ctx.t(T::HelpersNeededLabel)) }
                        input #shift-helpers type="number" name="helpers_needed" required min="0" max="10" value="1"
                            aria-describedby="shift-helpers-hint";
                        p #shift-helpers-hint .hint { (ctx.t(T::HelpersHint)) }
                    }
                }
                fieldset {
                    legend { (ctx.t(T::WhoMayTakeIt)) }
                    div.check {
                        input #shift-ring-warm type="checkbox" name="rings" value="warm" checked;
                        label for="shift-ring-warm" { (ctx.t(T::RingWarm)) }
                    }
                    div.check {
                        input #shift-ring-lukewarm type="checkbox" name="rings" value="lukewarm";
                        label for="shift-ring-lukewarm" { (ctx.t(T::RingLukewarm)) }
                    }
                }
                div.check {
                    input #shift-weekly type="checkbox" name="weekly" value="yes";
                    label for="shift-weekly" { (ctx.t(T::EveryWeek)) }
                }
                div.field {
                    label for="shift-every" { (ctx.t(T::HowOften)) }
                    select #shift-every name="every_weeks" {
                        option value="1" selected { (ctx.t(T::EveryOneWeek)) }
                        option value="2" { (ctx.t(T::EveryOtherWeek)) }
                        option value="3" { (ctx.t(T::EveryThreeWeeks)) }
                        option value="4" { (ctx.t(T::EveryFourWeeks)) }
                    }
                }
                div.field {
                    label for="shift-until" { (ctx.t(T::WeeklyUntil)) }
                    input #shift-until type="date" name="until" aria-describedby="shift-until-hint";
                    p #shift-until-hint .hint { (ctx.t(T::WeeklyUntilHint)) }
                }
                button type="submit" { (ctx.t(T::ScheduleShift)) }
            }
        }
    }
}

/// The shift and date a form names, checked before they enter an API path.
pub(super) fn shift_date(fields: &Fields) -> Option<(Uuid, NaiveDate)> {
    Some((
        fields.parse::<Uuid>("shift")?,
        time::parse_date(fields.get("date")?)?,
    ))
}

pub(super) fn back(fields: &Fields, circle: Uuid, date: Option<NaiveDate>) -> String {
    let default = match date {
        Some(date) => rota_path(circle, time::monday_of(date)),
        None => format!("/circles/{circle}/rota"),
    };
    fields.back_or(&default)
}

pub(super) fn incomplete(ctx: &Ctx) -> Failure {
    Failure::Refused {
        status: 422,
        code: String::new(),
        detail: ctx.t(T::FormIncomplete).to_owned(),
    }
}

/// `POST /circles/{id}/rota/shifts`.
pub async fn schedule(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let date = fields.get("date").and_then(time::parse_date);
    let back = back(&fields, circle, date);
    let (Some(date), Some(start)) = (date, fields.get("time").and_then(time::parse_time)) else {
        return ctx.refused(incomplete(&ctx), &back);
    };
    let rings: Vec<v1::Ring> = fields
        .all("rings")
        .into_iter()
        .filter_map(crate::form::word)
        .collect();
    let body = v1::ScheduleShift {
        title: fields.get("title").unwrap_or_default().to_owned(),
        starts: date.and_time(start).format("%Y-%m-%dT%H:%M").to_string(),
        duration_minutes: fields.parse("duration_minutes").unwrap_or(0),
        weekly: fields.checked("weekly").then(|| v1::WeeklyShift {
            until: fields.get("until").and_then(time::parse_date),
            every_weeks: fields.parse("every_weeks").filter(|weeks| *weeks != 1),
        }),
        helpers_needed: fields.parse("helpers_needed").unwrap_or(0),
        rings,
    };
    let outcome = ctx
        .client
        .post::<_, v1::Created>(&format!("/circles/{circle}/shifts"), &body)
        .await;
    ctx.after(created(outcome), &back, T::ShiftScheduled)
}

/// The step on one date of a shift named by the form: claim, release, skip
/// or end the series from it.
async fn date_step(ctx: Ctx, circle: String, fields: Fields, step: &str, done: T) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let Some((shift, date)) = shift_date(&fields) else {
        return ctx.refused(incomplete(&ctx), &back(&fields, circle, None));
    };
    let back = back(&fields, circle, Some(date));
    let path = format!("/circles/{circle}/shifts/{shift}/dates/{date}/{step}");
    let outcome = if step == "release" {
        let body = v1::ReleaseShift {
            reason: fields.get("reason").unwrap_or_default().to_owned(),
        };
        ctx.client.post::<_, v1::Changed>(&path, &body).await
    } else {
        ctx.client.post_empty::<v1::Changed>(&path).await
    };
    ctx.after(changed(outcome), &back, done)
}

pub async fn claim(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    date_step(ctx, circle, fields, "claim", T::Claimed).await
}

pub async fn release(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    date_step(ctx, circle, fields, "release", T::Released).await
}

pub async fn skip(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    date_step(ctx, circle, fields, "skip", T::Skipped).await
}

pub async fn end_series(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    date_step(ctx, circle, fields, "end-series", T::SeriesEnded).await
}

/// `POST /circles/{id}/rota/swap`: ask someone to take over.
pub async fn propose_swap(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let (Some((shift, date)), Some(to)) = (shift_date(&fields), fields.parse::<Uuid>("to")) else {
        return ctx.refused(incomplete(&ctx), &back(&fields, circle, None));
    };
    let back = back(&fields, circle, Some(date));
    let body = v1::ProposeSwap { shift, date, to };
    let outcome = ctx
        .client
        .post::<_, v1::Created>(&format!("/circles/{circle}/swaps"), &body)
        .await;
    ctx.after(created(outcome), &back, T::SwapAsked)
}

/// `POST /circles/{id}/rota/swaps/{swap}`: accept or decline (`answer`).
pub async fn answer_swap(
    ctx: Ctx,
    Path((circle, swap)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(swap)) = (id(&circle), id(&swap)) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = back(&fields, circle, None);
    let (answer, done) = match fields.get("answer") {
        Some("accept") => ("accept", T::SwapAccepted),
        _ => ("decline", T::SwapDeclined),
    };
    let outcome = ctx
        .client
        .post_empty::<v1::Changed>(&format!("/circles/{circle}/swaps/{swap}/{answer}"))
        .await;
    ctx.after(changed(outcome), &back, done)
}

/// `POST /circles/{id}/rota/thanks`: thank someone for a shift that took place.
pub async fn thank(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let (Some((shift, date)), Some(to)) = (shift_date(&fields), fields.parse::<Uuid>("to")) else {
        return ctx.refused(incomplete(&ctx), &back(&fields, circle, None));
    };
    let back = back(&fields, circle, Some(date));
    let body = v1::Thank {
        to,
        thanks_for: v1::ThanksFor::Shift { shift, date },
        note: fields.get("note").map(str::to_owned),
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(&format!("/circles/{circle}/thanks"), &body)
        .await;
    ctx.after(changed(outcome), &back, T::Thanked)
}
