//! `/organisations/{org}`: an organisation's dashboard for its intermediaries:
//! the circles that consented, with their signals, those that need attention
//! first (the API's order), narrowed by a plain GET form (`needs_attention`,
//! `signal`, `q`: it works without JavaScript and the address can be kept);
//! every consenting circle is recorded in that circle as a look; its
//! colleagues; the thresholds at which its intermediaries hear of a circle by
//! mail, which also decide what needs attention here; and
//! `/organisations/{org}/circles/{id}`: one circle as far as its consent goes.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, Attention, Scope};
use maud::{html, Markup};

use super::figures::signals_list;
use super::{changed, id};
use crate::api::{with_min_version, Failure};
use crate::ctx::{percent_encode, see_other, Ctx};
use crate::form::Fields;
use crate::i18n::{self, fill, T};
use crate::layout::{self, person};
use crate::time;

/// Every reason for attention, worst first: the signal filter's choices.
const ATTENTION: [Attention; 6] = [
    Attention::CarerAtRisk,
    Attention::OverCapacity,
    Attention::UnansweredRequests,
    Attention::OpenPlaces,
    Attention::Silent,
    Attention::OnlyWarm,
];

pub async fn show(
    ctx: Ctx,
    Path(org): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match render(&ctx, &org, &filter_of(&query)).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

/// The search form's query as the API takes it. An empty field, an unknown
/// signal or an unticked box ask for nothing (a GET form sends them all).
fn filter_of(query: &HashMap<String, String>) -> v1::DashboardQuery {
    let given = |name: &str| query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    v1::DashboardQuery {
        needs_attention: given("needs_attention")
            .filter(|v| *v == "true")
            .map(|_| true),
        signal: given("signal").and_then(|v| ATTENTION.into_iter().find(|a| code(*a) == v)),
        q: given("q").map(str::to_owned),
    }
}

/// An attention's code on the wire (`open_places`).
fn code(attention: Attention) -> String {
    serde_json::to_value(attention)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn is_filtered(filter: &v1::DashboardQuery) -> bool {
    filter.needs_attention.is_some() || filter.signal.is_some() || filter.q.is_some()
}

fn dashboard_path(org: uuid::Uuid, filter: &v1::DashboardQuery) -> String {
    let mut params = vec![];
    if filter.needs_attention == Some(true) {
        params.push("needs_attention=true".to_owned());
    }
    if let Some(signal) = filter.signal {
        params.push(format!("signal={}", code(signal)));
    }
    if let Some(q) = &filter.q {
        params.push(format!("q={}", percent_encode(q)));
    }
    match params.is_empty() {
        true => format!("/organisations/{org}/dashboard"),
        false => format!("/organisations/{org}/dashboard?{}", params.join("&")),
    }
}

async fn render(ctx: &Ctx, org: &str, filter: &v1::DashboardQuery) -> Result<Response, Failure> {
    let org = id(org)?;
    let organisation: v1::Organisation = ctx.client.get(&format!("/organisations/{org}")).await?;
    let circles: Vec<v1::DashboardCircle> = ctx.client.get(&dashboard_path(org, filter)).await?;
    let content = html! {
        h1 { (organisation.name) }
        p.hint { (ctx.t(T::DashboardText)) }
        p { a href=(format!("/organisations/{org}/marketplace")) { (ctx.t(T::Marketplace)) } }
        p { a href=(format!("/organisations/{org}/circles/new")) { (ctx.t(T::KitchenTable)) } }
        section aria-labelledby="circles-heading" {
            h2 #circles-heading { (ctx.t(T::ConsentedCircles)) " (" (circles.len()) ")" }
            p.hint { (ctx.t(T::DashboardOrder)) }
            (search_form(ctx, org, filter))
            @if circles.is_empty() {
                @if is_filtered(filter) {
                    p { (ctx.t(T::NoCircleMatches)) }
                } @else {
                    p { (ctx.t(T::NoConsentedCircles)) }
                }
            }
            ul.cards {
                @for circle in &circles {
                    (dashboard_card(ctx, org, circle))
                }
            }
        }
        (thresholds(ctx, org, &organisation.thresholds))
        section aria-labelledby="code-heading" {
            h2 #code-heading { (ctx.t(T::OrganisationCode)) }
            p { (ctx.t(T::GiveCirclesCode)) }
            div.field {
                label for="org-code" { (ctx.t(T::OrganisationCode)) }
                div.copy-row {
                    input #org-code type="text" readonly value=(org);
                    button type="button" data-copy="org-code" { (ctx.t(T::CopyCode)) }
                }
            }
        }
        section aria-labelledby="colleagues-heading" {
            h2 #colleagues-heading { (ctx.t(T::Colleagues)) }
            ul.list {
                @for colleague in &organisation.intermediaries {
                    li { (person(ctx, colleague)) }
                }
            }
            form.stack method="post" action=(format!("/organisations/{org}/intermediaries")) {
                div.field {
                    label for="colleague-email" { (ctx.t(T::ColleagueEmail)) }
                    input #colleague-email type="email" name="email" required autocomplete="off";
                }
                button type="submit" { (ctx.t(T::AddColleague)) }
            }
        }
    };
    Ok(ctx.html(
        StatusCode::OK,
        layout::page(ctx, &organisation.name, None, content),
    ))
}

/// The dashboard's search: a GET form, so it works without JavaScript and
/// its address can be kept or shared with a colleague.
fn search_form(ctx: &Ctx, org: uuid::Uuid, filter: &v1::DashboardQuery) -> Markup {
    html! {
        form.stack method="get" action=(format!("/organisations/{org}")) role="search"
            aria-label=(ctx.t(T::FindCircles)) {
            div.check {
                input #filter-attention type="checkbox" name="needs_attention" value="true"
                    checked[filter.needs_attention == Some(true)];
                label for="filter-attention" { (ctx.t(T::FilterNeedsAttention)) }
            }
            div.field {
                label for="filter-signal" { (ctx.t(T::FilterSignal)) }
                select #filter-signal name="signal" {
                    option value="" { (ctx.t(T::FilterAnySignal)) }
                    @for attention in ATTENTION {
                        option value=(code(attention)) selected[filter.signal == Some(attention)] {
                            (ctx.t(i18n::attention(attention)))
                        }
                    }
                }
            }
            div.field {
                label for="filter-name" { (ctx.t(T::FilterName)) }
                input #filter-name type="search" name="q" value=(filter.q.as_deref().unwrap_or(""))
                    maxlength="100" autocomplete="off";
            }
            p.actions {
                button type="submit" { (ctx.t(T::FilterShow)) }
                @if is_filtered(filter) {
                    " " a.button.secondary href=(format!("/organisations/{org}")) { (ctx.t(T::FilterClear)) }
                }
            }
        }
    }
}

/// One circle on the dashboard, with what needs attention in words.
fn dashboard_card(ctx: &Ctx, org: uuid::Uuid, circle: &v1::DashboardCircle) -> Markup {
    let needs_attention = !circle.attention.is_empty();
    html! {
        li.card .risk[needs_attention] data-testid="dashboard-circle" {
            h3 {
                a href=(format!("/organisations/{org}/circles/{}", circle.circle)) {
                    (fill(ctx.t(T::CircleAround), &[&display(ctx, &circle.focus)]))
                }
                " " span.badge.role { (ctx.t(i18n::scope(circle.scope))) }
            }
            @if needs_attention {
                p data-testid="attention" {
                    span.badge.gap { (ctx.t(T::NeedsAttention)) } ": "
                    @for (i, attention) in circle.attention.iter().enumerate() {
                        @if i > 0 { ", " }
                        (ctx.t(i18n::attention(*attention)))
                    }
                }
            }
            (signals_list(ctx, &circle.signals))
            @if let Some(rota) = &circle.rota {
                (cover(ctx, rota, time::DEFAULT_ZONE))
            }
        }
    }
}

/// The thresholds form: when the intermediaries hear of a circle by mail.
fn thresholds(ctx: &Ctx, org: uuid::Uuid, t: &v1::Thresholds) -> Markup {
    html! {
        section aria-labelledby="thresholds-heading" {
            h2 #thresholds-heading { (ctx.t(T::Thresholds)) }
            p.hint { (ctx.t(T::ThresholdsText)) }
            p.hint { (ctx.t(T::ThresholdsOrderText)) }
            form.stack method="post" action=(format!("/organisations/{org}/thresholds")) {
                div.field {
                    label for="threshold-open-places" { (ctx.t(T::ThresholdOpenPlaces)) }
                    input #threshold-open-places type="number" name="open_places" min="0" max="500"
                        value=(t.open_places) inputmode="numeric";
                }
                div.check {
                    input #threshold-carer type="checkbox" name="carer_at_risk" value="yes"
                        checked[t.carer_at_risk];
                    label for="threshold-carer" { (ctx.t(T::ThresholdCarerAtRisk)) }
                }
                div.field {
                    label for="threshold-silent-days" { (ctx.t(T::ThresholdSilentDays)) }
                    input #threshold-silent-days type="number" name="silent_days" min="0" max="365"
                        value=(t.silent_days) inputmode="numeric";
                }
                button type="submit" { (ctx.t(T::SaveThresholds)) }
            }
        }
    }
}

fn display(ctx: &Ctx, p: &v1::Person) -> String {
    if p.forgotten {
        ctx.t(T::FormerMember).to_owned()
    } else {
        p.name.clone()
    }
}

fn cover(ctx: &Ctx, rota: &[v1::CoverSlot], zone: chrono_tz::Tz) -> Markup {
    html! {
        details {
            summary { (ctx.t(T::Cover)) }
            (cover_list(ctx, rota, zone))
        }
    }
}

fn cover_list(ctx: &Ctx, rota: &[v1::CoverSlot], zone: chrono_tz::Tz) -> Markup {
    let lang = ctx.lang;
    html! {
        @if rota.is_empty() {
                p { (ctx.t(T::NothingPlanned)) }
            }
            ul.list {
                @for slot in rota {
                    li {
                        (layout::moment(lang, slot.starts_at, zone)) " ("
                        (time::duration(lang, slot.duration_minutes.into())) "): "
                        @if slot.open_places > 0 {
                            span.badge.gap { (i18n::count(lang, slot.open_places, T::PlaceOpen, T::PlacesOpen)) }
                        } @else {
                            span.badge.full { (ctx.t(T::Covered)) }
                        }
                    }
                }
            }
    }
}

/// `GET /organisations/{org}/circles/{id}`: recorded in the circle as a look.
pub async fn circle(ctx: Ctx, Path((org, circle)): Path<(String, String)>) -> Response {
    let (Ok(org), Ok(circle)) = (id(&org), id(&circle)) else {
        return ctx.failure(Failure::NotFound);
    };
    let seen: v1::ConsentedCircle = match ctx
        .client
        .get(&format!("/organisations/{org}/circles/{circle}"))
        .await
    {
        Ok(seen) => seen,
        Err(failure) => return ctx.failure(failure),
    };
    let lang = ctx.lang;
    let zone = time::DEFAULT_ZONE;
    let title = fill(ctx.t(T::CircleAround), &[&display(&ctx, &seen.focus)]);
    let content = html! {
        p { a href=(format!("/organisations/{org}")) { "← " (ctx.t(T::BackToDashboard)) } }
        h1 { (title) }
        p.hint { (ctx.t(T::LookRecorded)) " " (ctx.t(i18n::scope_explained(seen.scope))) }
        section aria-labelledby="signals-heading" {
            h2 #signals-heading { (ctx.t(T::Signals)) }
            (signals_list(&ctx, &seen.signals))
        }
        @if seen.scope == Scope::Full {
            @if let Some(open) = seen.open_requests {
                p { (fill(ctx.t(T::OpenRequestsCount), &[&open.to_string()])) }
            }
            @if let Some(rota) = &seen.rota {
                section aria-labelledby="cover-heading" {
                    h2 #cover-heading { (ctx.t(T::Cover)) }
                    (cover_list(&ctx, rota, zone))
                }
            }
            @if let Some(entries) = &seen.logbook {
                section aria-labelledby="shared-heading" {
                    h2 #shared-heading { (ctx.t(T::SharedLogbook)) }
                    @if entries.is_empty() { p { (ctx.t(T::NoEntries)) } }
                    @for entry in entries {
                        article.entry {
                            p.meta { strong { (person(&ctx, &entry.author)) } ", " (layout::moment(lang, entry.written_at, zone)) }
                            @if let Some(text) = &entry.text { (layout::written(text)) }
                        }
                    }
                }
            }
        }
    };
    ctx.html(StatusCode::OK, layout::page(&ctx, &title, None, content))
}

/// `POST /organisations`: register an organisation; its page comes next.
pub async fn register(ctx: Ctx, fields: Fields) -> Response {
    let body = v1::RegisterOrganisation {
        name: fields.get("name").unwrap_or_default().to_owned(),
    };
    match ctx
        .client
        .post::<_, v1::Created>("/organisations", &body)
        .await
    {
        Ok(created) => see_other(&format!("/organisations/{}", created.id)),
        Err(failure) => ctx.refused(failure, "/"),
    }
}

/// `POST /organisations/{org}/intermediaries`: invite a colleague by mail.
pub async fn add_colleague(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    let Ok(org) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/organisations/{org}");
    let body = v1::AddIntermediary {
        email: fields.get("email").unwrap_or_default().to_owned(),
    };
    let outcome = ctx
        .client
        .post::<_, v1::MailAccepted>(&format!("/organisations/{org}/intermediaries"), &body)
        .await;
    // The organisation's version is not a circle's: no min_version to pass.
    ctx.after(
        outcome.map(|_| None),
        &with_min_version(&back, None),
        T::ColleagueAdded,
    )
}

/// `POST /organisations/{org}/thresholds`: the organisation's thresholds.
pub async fn set_thresholds(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    let Ok(org) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/organisations/{org}");
    // An empty field is 0 (off); anything but a number is refused here, as the
    // API would refuse a number out of range.
    let number = |name: &str, code: &str| match fields.get(name) {
        None => Ok(0),
        Some(text) => text.parse::<u32>().map_err(|_| Failure::Refused {
            status: 422,
            code: code.to_owned(),
            detail: crate::refusals::refusal(ctx.lang, code)
                .unwrap_or(code)
                .to_owned(),
        }),
    };
    let body = match (
        number("open_places", "threshold-open-places"),
        number("silent_days", "threshold-silence"),
    ) {
        (Ok(open_places), Ok(silent_days)) => v1::Thresholds {
            open_places,
            carer_at_risk: fields.get("carer_at_risk").is_some(),
            silent_days,
        },
        (Err(failure), _) | (_, Err(failure)) => return ctx.refused(failure, &back),
    };
    let outcome = ctx
        .client
        .put::<_, v1::Changed>(&format!("/organisations/{org}/thresholds"), &body)
        .await;
    ctx.after(
        changed(outcome).map(|_| None),
        &with_min_version(&back, None),
        T::ThresholdsSaved,
    )
}
