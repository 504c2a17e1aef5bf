//! `/circles/{id}/figures?week=YYYY-MM-DD`: load (hours committed against
//! what each said they can give) and reciprocity (given, received, thanks);
//! private: a member sees their own, coordinators everyone's, with the
//! circle's signals.

use axum::extract::{Path, Query};
use axum::response::Response;
use chrono::Duration;
use kring_protocol::v1;
use maud::{html, Markup};
use serde::Deserialize;

use super::{circle_of, circle_page, id, read, read_if_allowed};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::i18n::{fill, T};
use crate::layout::{person, Section};
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

async fn render(ctx: &Ctx, circle: &str, week: Option<&str>) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let today = time::today(tz);
    let monday = time::monday_of(week.and_then(time::parse_date).unwrap_or(today));
    let base = format!("/circles/{}", circle.id);
    let load: v1::Load = read(ctx, &format!("{base}/load?week={monday}")).await?;
    let reciprocity: v1::Reciprocities = read(ctx, &format!("{base}/reciprocity")).await?;
    let health: Option<v1::Health> = if circle.may.read_health {
        read_if_allowed(ctx, &format!("{base}/health")).await?
    } else {
        None
    };
    let lang = ctx.lang;
    let me = circle.you.person;
    let week_link = |date: chrono::NaiveDate| format!("{base}/figures?week={date}");
    let title = ctx.t(T::NavFigures);
    let content = html! {
        h1 { (title) }
        p.hint { (ctx.t(T::FiguresPrivate)) }
        @if let Some(health) = &health {
            (signals(ctx, health))
        }
        section aria-labelledby="load-heading" {
            h2 #load-heading { (ctx.t(T::Load)) ": " (fill(ctx.t(T::WeekOf), &[&time::date_short(lang, load.week, today), &time::date_short(lang, load.week + Duration::days(6), today)])) }
            nav.week-nav aria-label=(ctx.t(T::OtherWeeks)) {
                a href=(week_link(monday - Duration::days(7))) rel="prev" { "← " (ctx.t(T::PreviousWeek)) }
                a href=(week_link(time::monday_of(today))) { (ctx.t(T::ThisWeek)) }
                a href=(week_link(monday + Duration::days(7))) rel="next" { (ctx.t(T::NextWeek)) " →" }
            }
            @if load.members.is_empty() {
                p { (ctx.t(T::NothingCommitted)) }
            } @else {
                div.table-wrap role="region" aria-labelledby="load-caption" tabindex="0" {
                    table {
                        caption #load-caption { (ctx.t(T::LoadCaption)) }
                        thead {
                            tr {
                                th scope="col" { (ctx.t(T::Member)) }
                                th scope="col" { (ctx.t(T::HoursCommitted)) }
                                th scope="col" { (ctx.t(T::HoursOffered)) }
                                th scope="col" { (ctx.t(T::State)) }
                            }
                        }
                        tbody {
                            @for row in &load.members {
                                tr data-testid="load-row" {
                                    th scope="row" { (person(ctx, &row.person)) @if row.person.id == me { " (" (ctx.t(T::You)) ")" } }
                                    td { (time::hours(lang, row.committed_minutes)) }
                                    td { @match row.capacity_hours { Some(h) => (h), None => "—" } }
                                    td {
                                        @if row.over_capacity {
                                            strong.warn { (ctx.t(T::OverCapacity)) }
                                        } @else {
                                            (ctx.t(T::WithinCapacity))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="reciprocity-heading" {
            h2 #reciprocity-heading { (ctx.t(T::Reciprocity)) }
            p.hint { (ctx.t(T::ReciprocityText)) }
            div.table-wrap role="region" aria-labelledby="reciprocity-caption" tabindex="0" {
                table {
                    caption #reciprocity-caption { (ctx.t(T::ReciprocityCaption)) }
                    thead {
                        tr {
                            th scope="col" { (ctx.t(T::Member)) }
                            th scope="col" { (ctx.t(T::Given)) }
                            th scope="col" { (ctx.t(T::Received)) }
                            th scope="col" { (ctx.t(T::ThanksReceived)) }
                            th scope="col" { (ctx.t(T::ThanksGiven)) }
                        }
                    }
                    tbody {
                        @for row in &reciprocity.members {
                            tr data-testid="reciprocity-row" {
                                th scope="row" { (person(ctx, &row.person)) @if row.person.id == me { " (" (ctx.t(T::You)) ")" } }
                                td { (row.given) }
                                td { (row.received) }
                                td { (row.thanks_received) }
                                td { (row.thanks_given) }
                            }
                        }
                    }
                }
            }
        }
    };
    let version = [
        Some(load.version),
        Some(reciprocity.version),
        health.as_ref().map(|h| h.version),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(circle.version);
    Ok(circle_page(
        ctx,
        &circle,
        Section::Figures,
        version,
        title,
        content,
    ))
}

/// The circle's signals, for its coordinators.
pub(crate) fn signals_list(ctx: &Ctx, s: &v1::Signals) -> Markup {
    let lang = ctx.lang;
    html! {
        ul.signals {
            li class=[(s.open_shift_places_next_7_days > 0).then_some("alert")] {
                (fill(ctx.t(T::SignalOpenPlaces), &[&s.open_shift_places_next_7_days.to_string()]))
            }
            li class=[(s.requests_unanswered_48h > 0).then_some("alert")] {
                (fill(ctx.t(T::SignalUnanswered), &[&s.requests_unanswered_48h.to_string()]))
            }
            li class=[(s.members_over_capacity > 0).then_some("alert")] {
                (fill(ctx.t(T::SignalOverCapacity), &[&s.members_over_capacity.to_string()]))
            }
            @if s.primary_carer_at_risk {
                li.alert { (ctx.t(T::SignalPrimaryCarer)) }
            }
            li {
                @match s.days_since_last_entry {
                    Some(days) => (fill(ctx.t(T::SignalDaysSinceEntry), &[&days.to_string()])),
                    None => (ctx.t(T::SignalNoEntry)),
                }
            }
            li class=[(s.only_warm).then_some("alert")] {
                (fill(ctx.t(T::SignalRings), &[&s.members.warm.to_string(), &s.members.lukewarm.to_string(), &s.members.cold.to_string()]))
                @if s.only_warm { " " (ctx.t(T::SignalOnlyWarm)) }
            }
            li {
                (fill(ctx.t(T::SignalTrend), &[&time::hours(lang, s.minutes_this_week), &time::hours(lang, s.minutes_last_week)]))
            }
        }
    }
}

fn signals(ctx: &Ctx, health: &v1::Health) -> Markup {
    html! {
        section aria-labelledby="signals-heading" {
            h2 #signals-heading { (ctx.t(T::Signals)) }
            (signals_list(ctx, &health.signals))
            @if let Some(carer) = &health.primary_carer {
                p.warn { (fill(ctx.t(T::PrimaryCarerIs), &[&carer.name])) }
            }
        }
    }
}
