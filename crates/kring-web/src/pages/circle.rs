//! `/circles/{id}`: the circle's home: what happens next, open requests,
//! gaps in the rota and the latest of the logbook.

use axum::extract::{Path, Query};
use axum::response::Response;
use kring_protocol::v1;
use maud::html;

use super::{circle_of, circle_page, id, read_if_allowed};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::i18n::{self, fill, T};
use crate::layout::{self, for_reader, person, ring_badge, Section};
use crate::time;

/// How far ahead the home page looks.
const DAYS_AHEAD: u32 = 14;

/// `?all=1`: the whole home, also for the person the circle is for.
#[derive(serde::Deserialize)]
pub struct HomeQuery {
    all: Option<String>,
}

pub async fn show(
    ctx: Ctx,
    Path(circle): Path<String>,
    Query(query): Query<HomeQuery>,
) -> Response {
    match render(&ctx, &circle, query.all.is_some()).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

async fn render(ctx: &Ctx, circle: &str, all: bool) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    if super::focus_home::is_for(&circle, all) {
        return super::focus_home::render(ctx, &circle).await;
    }
    let tz = time::zone(&circle.time_zone);
    let today = time::today(tz);
    let base = format!("/circles/{}", circle.id);
    let requests: Option<v1::Requests> = read_if_allowed(ctx, &format!("{base}/requests")).await?;
    let rota: Option<v1::Rota> = if !circle.may.read_rota {
        None
    } else {
        read_if_allowed(ctx, &format!("{base}/rota?from={today}&days={DAYS_AHEAD}")).await?
    };
    let version = [
        Some(circle.version),
        requests.as_ref().map(|r| r.version),
        rota.as_ref().map(|r| r.version),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(circle.version);
    let me = circle.you.person;
    let lang = ctx.lang;
    let requests = requests.map(|r| r.requests).unwrap_or_default();
    let mine_slots: Vec<&v1::RotaSlot> = rota
        .iter()
        .flat_map(|r| &r.slots)
        .filter(|s| s.you_are_on)
        .take(5)
        .collect();
    let mine_requests: Vec<&v1::HelpRequest> = requests
        .iter()
        .filter(|r| r.taker.as_ref().is_some_and(|t| t.id == me))
        .collect();
    let open: Vec<&v1::HelpRequest> = requests
        .iter()
        .filter(|r| r.status == v1::RequestStatus::Open)
        .collect();
    let gaps: Vec<&v1::RotaSlot> = rota
        .iter()
        .flat_map(|r| &r.slots)
        .filter(|s| s.open_places > 0)
        .collect();
    let entries: Vec<&v1::LogbookEntry> = circle
        .logbook
        .iter()
        .filter(|e| !e.redacted)
        .take(3)
        .collect();
    let title = fill(ctx.t(T::CircleAround), &[&circle.focus.name]);
    let content = html! {
        h1 { (title) }
        @if let Some(set_up) = &circle.set_up_by {
            p.flash.info {
                @if set_up.intermediary == me { (ctx.t(T::SetUpByYou)) } @else { (ctx.t(T::SetUpByOrganisation)) }
            }
        }
        @if circle.you.focus && !circle.you.coordinator {
            p { a href=(format!("/circles/{}", circle.id)) { (ctx.t(T::FocusSimpleView)) } }
        }
        (super::coordination::section(ctx, &circle))
        p {
            (ctx.t(T::YourPlace)) ": " (ring_badge(ctx, circle.you.ring))
            @if circle.you.coordinator { " " span.badge.role { (ctx.t(T::Coordinator)) } }
            @if circle.you.focus { " " span.badge.role { (ctx.t(T::FocusPerson)) } }
        }
        section aria-labelledby="next-heading" {
            h2 #next-heading { (ctx.t(T::WhatsNext)) }
            @if mine_slots.is_empty() && mine_requests.is_empty() {
                p { (ctx.t(T::NothingPlannedForYou)) }
            } @else {
                ul.list {
                    @for slot in &mine_slots {
                        li {
                            (layout::moment(lang, slot.starts_at, tz)) ": "
                            (slot.title.as_deref().unwrap_or(ctx.t(T::Untitled)))
                            " (" (time::duration(lang, slot.duration_minutes.into())) ")"
                        }
                    }
                    @for request in &mine_requests {
                        li {
                            (layout::span(lang, request.window_start, request.window_end, tz)) ": "
                            (ctx.t(i18n::category(request.category)))
                            " — " (ctx.t(i18n::status(request.status)))
                        }
                    }
                }
            }
        }
        section aria-labelledby="open-heading" {
            h2 #open-heading { (ctx.t(T::OpenRequests)) " (" (open.len()) ")" }
            @if open.is_empty() {
                p { (ctx.t(T::NoOpenRequests)) }
            } @else {
                ul.list {
                    @for request in open.iter().take(5) {
                        li {
                            a href=(format!("{base}/requests#request-{}", request.id)) {
                                (ctx.t(i18n::category(request.category)))
                            }
                            ", " (layout::span(lang, request.window_start, request.window_end, tz))
                            @if let Some(details) = &request.details { " — " (details) }
                        }
                    }
                }
            }
            p { a href=(format!("{base}/requests")) { (ctx.t(T::AllRequests)) } }
        }
        @if rota.is_some() {
            section aria-labelledby="gaps-heading" {
                h2 #gaps-heading { (ctx.t(T::RotaGaps)) " (" (gaps.len()) ")" }
                @if gaps.is_empty() {
                    p { (fill(ctx.t(T::NoRotaGaps), &[&DAYS_AHEAD.to_string()])) }
                } @else {
                    ul.list {
                        @for slot in gaps.iter().take(8) {
                            @let what = format!("{}, {}", slot.title.as_deref().unwrap_or(ctx.t(T::Untitled)),
                                time::moment(lang, slot.starts_at, tz, today));
                            li.row data-testid="gap" {
                                span {
                                    (layout::moment(lang, slot.starts_at, tz)) ": "
                                    (slot.title.as_deref().unwrap_or(ctx.t(T::Untitled))) " — "
                                    (i18n::count(lang, slot.open_places, T::PlaceOpen, T::PlacesOpen))
                                }
                                @if !slot.you_are_on && (circle.you.ring != v1::Ring::Cold) {
                                    form.inline method="post" action=(format!("{base}/rota/claim")) {
                                        (layout::hidden("shift", slot.shift))
                                        (layout::hidden("date", slot.date))
                                        (layout::hidden("back", &base))
                                        button type="submit" { (ctx.t(T::Claim)) (for_reader(&format!(": {what}"))) }
                                    }
                                }
                            }
                        }
                    }
                }
                p { a href=(format!("{base}/rota")) { (ctx.t(T::WholeRota)) } }
            }
        }
        section aria-labelledby="logbook-heading" {
            h2 #logbook-heading { (ctx.t(T::RecentLogbook)) }
            @if entries.is_empty() {
                p { (ctx.t(T::NoEntries)) }
            } @else {
                @for entry in &entries {
                    article.entry {
                        p.meta {
                            (person(ctx, &entry.author)) ", " (layout::moment(lang, entry.written_at, tz))
                        }
                        @if let Some(text) = &entry.text { (layout::written(text)) }
                    }
                }
            }
            p { a href=(format!("{base}/logbook")) { (ctx.t(T::WholeLogbook)) } }
        }
        section aria-labelledby="rings-heading" {
            h2 #rings-heading { (ctx.t(T::WhoIsInIt)) }
            ul.plain {
                li { (ring_badge(ctx, v1::Ring::Warm)) " " (circle.members.warm) }
                li { (ring_badge(ctx, v1::Ring::Lukewarm)) " " (circle.members.lukewarm) }
                li { (ring_badge(ctx, v1::Ring::Cold)) " " (circle.members.cold) }
            }
            @if circle.you.ring == v1::Ring::Warm && circle.members.lukewarm == 0 && circle.members.cold == 0
                && circle.life.state != v1::LifeState::Ended {
                p.hint { (ctx.t(T::OnlyWarmHint)) }
            }
            p { a href=(format!("{base}/members")) { (ctx.t(T::MembersAndOffers)) } }
        }
        @if circle.may.export {
            p { a href=(format!("{base}/export")) download { (ctx.t(T::DownloadCircleData)) } }
        }
        (super::life::controls(ctx, &circle))
    };
    Ok(circle_page(
        ctx,
        &circle,
        Section::Home,
        version,
        &title,
        content,
    ))
}
