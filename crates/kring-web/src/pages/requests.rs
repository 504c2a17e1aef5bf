//! `/circles/{id}/requests`: help requests: ask, widen, take, confirm, done,
//! cancel, no-show; and a thank-you once the help was given.

use axum::extract::{Path, Query};
use axum::response::Response;
use chrono::{Duration, Utc};
use http::StatusCode;
use kring_protocol::v1::{self, Category, RequestStatus, Ring};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;

use super::{changed, circle_of, id, read, read_if_allowed};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::{word_of, Fields};
use crate::i18n::{self, fill, T};
use crate::layout::{self, for_reader, hidden, person, CirclePage, Section};
use crate::time;

#[derive(Deserialize, Default)]
pub struct Thank {
    thank: Option<String>,
    to: Option<String>,
}

pub async fn show(ctx: Ctx, Path(circle): Path<String>, Query(query): Query<Thank>) -> Response {
    match render(&ctx, &circle, &query, None).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

/// What a refused ask form held, to show it again with the reason.
struct Refused<'a> {
    fields: &'a Fields,
    detail: String,
    status: StatusCode,
}

async fn render(
    ctx: &Ctx,
    circle: &str,
    query: &Thank,
    refused: Option<Refused<'_>>,
) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let base = format!("/circles/{}", circle.id);
    let requests: v1::Requests = read(ctx, &format!("{base}/requests")).await?;
    let categories: v1::Categories = read(ctx, "/categories").await?;
    let suggestions: Option<v1::Suggestions> = if circle.may.read_health {
        read_if_allowed(ctx, &format!("{base}/suggestions")).await?
    } else {
        None
    };
    let thank = match (
        query.thank.as_deref().and_then(|t| t.parse::<Uuid>().ok()),
        query.to.as_deref().and_then(|t| t.parse::<Uuid>().ok()),
    ) {
        (Some(request), Some(to)) if to != circle.you.person => {
            let members: Option<v1::Members> =
                read_if_allowed(ctx, &format!("{base}/members")).await?;
            let name = members
                .iter()
                .flat_map(|m| &m.members)
                .find(|m| m.person.id == to)
                .map(|m| m.person.name.clone());
            Some((request, to, name))
        }
        _ => None,
    };
    let market = super::listing::Market::of(ctx, &base, &requests.requests).await?;
    let title = ctx.t(T::NavRequests);
    let content = html! {
        h1 { (title) }
        @if let Some(refused) = &refused {
            div.flash.problem role="alert" { p { strong { (ctx.t(T::NotDone)) } " " (refused.detail) } }
        }
        @if let Some((request, to, name)) = &thank {
            section.thanks aria-labelledby="thank-heading" {
                h2 #thank-heading {
                    (fill(ctx.t(T::SayThanksTo), &[name.as_deref().unwrap_or(ctx.t(T::TheHelper))]))
                }
                form.stack method="post" action=(format!("{base}/requests/thanks")) {
                    (hidden("request", request)) (hidden("to", to))
                    div.field {
                        label for="thanks-note" { (ctx.t(T::ThanksNote)) }
                        input #thanks-note type="text" name="note" maxlength="500";
                    }
                    div.actions {
                        button type="submit" { (ctx.t(T::SayThanks)) }
                        " "
                        a href=(format!("{base}/requests")) { (ctx.t(T::NotNow)) }
                    }
                }
            }
        }
        @if requests.requests.is_empty() {
            p { (ctx.t(T::NoOpenRequests)) }
        }
        p { a href=(format!("{base}/requests/history")) { (ctx.t(T::FinishedRequests)) } }
        @for request in &requests.requests {
            @let people = suggestions.iter().flat_map(|s| &s.suggestions)
                .find(|s| s.request == request.id).map(|s| &s.people);
            (request_card(ctx, &circle, request, people, tz))
            (market.block(ctx, &circle, request))
        }
        (ask_form(ctx, &circle, &categories, refused.as_ref().map(|r| r.fields), tz))
    };
    let status = refused.map_or(StatusCode::OK, |r| r.status);
    Ok(ctx.html(
        status,
        layout::page(
            ctx,
            title,
            Some(CirclePage {
                circle: &circle,
                section: Section::Requests,
                version: requests.version,
            }),
            content,
        ),
    ))
}

pub(super) fn request_card(
    ctx: &Ctx,
    circle: &v1::Circle,
    request: &v1::HelpRequest,
    suggested: Option<&Vec<v1::Person>>,
    tz: chrono_tz::Tz,
) -> Markup {
    let lang = ctx.lang;
    let base = format!("/circles/{}", circle.id);
    let me = circle.you.person;
    let asker = request.asked_by.id == me;
    let taker = request.taker.as_ref().is_some_and(|t| t.id == me);
    let coordinator = circle.you.coordinator;
    let running = matches!(
        request.status,
        RequestStatus::Taken | RequestStatus::Confirmed
    );
    let category = ctx.t(i18n::category(request.category));
    let what = format!(
        ": {category}, {}",
        time::moment(lang, request.window_start, tz, time::today(tz))
    );
    let step = |action: &str, label: T, secondary: bool| {
        html! {
            form.inline method="post" action=(format!("{base}/requests/{}/{action}", request.id)) {
                @if action == "done" {
                    @if let Some(t) = &request.taker { (hidden("taker", t.id)) }
                }
                @if secondary {
                    button.secondary type="submit" { (ctx.t(label)) (for_reader(&what)) }
                } @else {
                    button type="submit" { (ctx.t(label)) (for_reader(&what)) }
                }
            }
        }
    };
    let widen = &request.widen_to;
    html! {
        article.request #(format!("request-{}", request.id)) data-testid="request"
            aria-labelledby=(format!("request-{}-title", request.id)) {
            h2 #(format!("request-{}-title", request.id)) {
                (category) " " span.badge.status { (ctx.t(i18n::status(request.status))) }
            }
            @if let Some(details) = &request.details { (layout::written(details)) }
            dl.facts {
                dt { (ctx.t(T::When)) }
                dd { (layout::span(lang, request.window_start, request.window_end, tz)) }
                dt { (ctx.t(T::HowLong)) }
                dd { (time::duration(lang, request.duration_minutes.into())) }
                dt { (ctx.t(T::AskedBy)) }
                dd {
                    (person(ctx, &request.asked_by))
                    @if request.on_behalf_of_focus { " " (fill(ctx.t(T::OnBehalfOf), &[&circle.focus.name])) }
                }
                dt { (ctx.t(T::OpenTo)) }
                dd { (ctx.t(i18n::reach(request.reach))) }
                @if let Some(t) = &request.taker {
                    dt { (ctx.t(T::TakenBy)) }
                    dd { (person(ctx, t)) @if taker { " (" (ctx.t(T::You)) ")" } }
                }
                @if let Some(place) = &request.place {
                    dt { (ctx.t(T::Place)) }
                    dd { (place) }
                }
            }
            @if let Some(people) = suggested {
                @if !people.is_empty() && request.status == RequestStatus::Open {
                    p.hint {
                        (ctx.t(T::SuggestedToAsk)) ": "
                        @for (i, p) in people.iter().enumerate() {
                            @if i > 0 { ", " }
                            (person(ctx, p))
                        }
                    }
                }
            }
            div.actions {
                @if request.status == RequestStatus::Open && !asker {
                    (step("take", T::Take, false))
                }
                @if request.status == RequestStatus::Taken && (asker || coordinator) {
                    (step("confirm", T::Confirm, false))
                }
                @if running && (taker || asker || coordinator) {
                    (step("done", T::MarkDone, false))
                }
                @if running && (asker || coordinator) && request.window_start <= Utc::now() {
                    (step("no-show", T::NoShow, true))
                }
                @if (asker || coordinator) && request.status != RequestStatus::Done {
                    (step("cancel", T::CancelRequest, true))
                }
            }
            // A request on a marketplace stays as strangers read it.
            @if (asker || coordinator) && request.status != RequestStatus::Done && request.reach != Ring::Cold {
                (super::request_change::form(ctx, &base, request, &what, tz))
            }
            div.actions {
                @if !widen.is_empty() {
                    form.inline method="post" action=(format!("{base}/requests/{}/widen", request.id)) {
                        label for=(format!("widen-{}", request.id)) { (ctx.t(T::WidenTo)) (for_reader(&what)) }
                        " "
                        select #(format!("widen-{}", request.id)) name="to" {
                            @for ring in widen {
                                option value=(word_of(ring)) { (ctx.t(i18n::reach(*ring))) }
                            }
                        }
                        " "
                        button type="submit" { (ctx.t(T::Widen)) (for_reader(&what)) }
                    }
                }
            }
        }
    }
}

/// The name of a group of categories.
fn group_name(group: v1::CategoryGroup) -> T {
    match group {
        v1::CategoryGroup::Practical => T::GroupPractical,
        v1::CategoryGroup::Company => T::GroupCompany,
        v1::CategoryGroup::PersonalMatters => T::GroupPersonal,
        v1::CategoryGroup::PersonalCare => T::GroupCare,
    }
}

/// The categories in the API's order, each group with its own.
fn groups(categories: &v1::Categories) -> Vec<(v1::CategoryGroup, Vec<Category>)> {
    let mut groups: Vec<(v1::CategoryGroup, Vec<Category>)> = vec![];
    for info in &categories.categories {
        match groups.last_mut() {
            Some((group, members)) if *group == info.group => members.push(info.category),
            _ => groups.push((info.group, vec![info.category])),
        }
    }
    groups
}

fn ask_form(
    ctx: &Ctx,
    circle: &v1::Circle,
    categories: &v1::Categories,
    fields: Option<&Fields>,
    tz: chrono_tz::Tz,
) -> Markup {
    let today = time::today(tz);
    let value = |name: &str, default: String| {
        fields
            .and_then(|f| f.get(name))
            .map(str::to_owned)
            .unwrap_or(default)
    };
    let chosen = fields
        .and_then(|f| f.get("category"))
        .unwrap_or("groceries");
    let base = format!("/circles/{}", circle.id);
    html! {
        section aria-labelledby="ask-heading" {
            h2 #ask-heading { (ctx.t(T::AskForHelp)) }
            p.hint { (ctx.t(T::AskForHelpText)) }
            form.stack method="post" action=(format!("{base}/requests")) {
                div.field {
                    label for="ask-category" { (ctx.t(T::WhatKindOfHelp)) }
                    select #ask-category name="category" aria-describedby="ask-category-hint" {
                        @for (group, categories) in groups(categories) {
                            optgroup label=(ctx.t(group_name(group))) {
                                @for category in categories.iter() {
                                    option value=(word_of(category)) selected[word_of(category) == chosen] {
                                        (ctx.t(i18n::category(*category)))
                                    }
                                }
                            }
                        }
                    }
                    p #ask-category-hint .hint { (ctx.t(T::CategoryHint)) }
                }
                div.field {
                    label for="ask-details" { (ctx.t(T::WhatIsNeeded)) }
                    textarea #ask-details name="details" required maxlength="2000" rows="3" {
                        (fields.map(|f| f.text("details")).unwrap_or_default())
                    }
                }
                div.row-fields {
                    div.field {
                        label for="ask-from-date" { (ctx.t(T::FromDate)) }
                        input #ask-from-date type="date" name="from_date" required value=(value("from_date", today.to_string()));
                    }
                    div.field {
                        label for="ask-from-time" { (ctx.t(T::FromTime)) }
                        input #ask-from-time type="time" name="from_time" required value=(value("from_time", "09:00".into()));
                    }
                    div.field {
                        label for="ask-until-date" { (ctx.t(T::UntilDate)) }
                        input #ask-until-date type="date" name="until_date" required
                            value=(value("until_date", (today + Duration::days(7)).to_string()));
                    }
                    div.field {
                        label for="ask-until-time" { (ctx.t(T::UntilTime)) }
                        input #ask-until-time type="time" name="until_time" required value=(value("until_time", "17:00".into()));
                    }
                }
                div.field {
                    label for="ask-duration" { (ctx.t(T::DurationMinutes)) }
                    input #ask-duration type="number" name="duration_minutes" required min="5" max="720" step="5"
                        value=(value("duration_minutes", "60".into()));
                }
                div.field {
                    label for="ask-place" { (ctx.t(T::PlaceOptional)) }
                    input #ask-place type="text" name="place" maxlength="300" autocomplete="street-address"
                        value=(value("place", String::new())) aria-describedby="ask-place-hint";
                    p #ask-place-hint .hint { (ctx.t(T::PlaceHint)) }
                }
                @if circle.you.ring == Ring::Warm && !circle.you.focus {
                    div.check {
                        input #ask-behalf type="checkbox" name="on_behalf_of_focus" value="yes"
                            checked[fields.is_some_and(|f| f.checked("on_behalf_of_focus"))];
                        label for="ask-behalf" { (fill(ctx.t(T::AskOnBehalf), &[&circle.focus.name])) }
                    }
                }
                button type="submit" { (ctx.t(T::AskForHelp)) }
            }
        }
    }
}

/// `POST /circles/{id}/requests`: ask. A refusal shows the form again as filled in.
pub async fn ask(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle_id) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = match body(&ctx, circle_id, &fields).await {
        Ok(body) => {
            ctx.client
                .post::<_, v1::Created>(&format!("/circles/{circle_id}/requests"), &body)
                .await
        }
        Err(failure) => Err(failure),
    };
    match outcome {
        Ok(created) => ctx.after(
            Ok(Some(created.version)),
            &format!("/circles/{circle_id}/requests"),
            T::RequestAsked,
        ),
        Err(Failure::Refused { status, detail, .. }) => {
            let refused = Refused {
                fields: &fields,
                detail,
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            };
            match render(&ctx, &circle, &Thank::default(), Some(refused)).await {
                Ok(response) => response,
                Err(failure) => ctx.failure(failure),
            }
        }
        Err(failure) => ctx.refused(failure, &format!("/circles/{circle_id}/requests")),
    }
}

async fn body(ctx: &Ctx, circle: Uuid, fields: &Fields) -> Result<v1::AskForHelp, Failure> {
    let incomplete = || Failure::Refused {
        status: 422,
        code: String::new(),
        detail: ctx.t(T::FormIncomplete).to_owned(),
    };
    let category = fields.word::<Category>("category").ok_or_else(incomplete)?;
    // The circle's zone turns the form's wall-clock times into moments.
    let zone = match circle_of(ctx, circle).await {
        Ok(c) => time::zone(&c.time_zone),
        Err(failure) => return Err(failure),
    };
    let moment = |date: &str, clock: &str| -> Option<chrono::DateTime<Utc>> {
        let date = time::parse_date(fields.get(date)?)?;
        let clock = time::parse_time(fields.get(clock)?)?;
        Some(time::local_to_utc(date.and_time(clock), zone))
    };
    let window_start = moment("from_date", "from_time").ok_or_else(incomplete)?;
    let window_end = moment("until_date", "until_time").ok_or_else(incomplete)?;
    Ok(v1::AskForHelp {
        category,
        window_start,
        window_end,
        duration_minutes: fields.parse("duration_minutes").ok_or_else(incomplete)?,
        details: fields.text("details").trim().to_owned(),
        place: fields.get("place").map(str::to_owned),
        on_behalf_of_focus: fields.checked("on_behalf_of_focus"),
    })
}

/// `POST /circles/{id}/requests/{request}/{action}`: take, confirm, done,
/// cancel, no-show. After "done" the page offers to say thank you.
pub async fn step(
    ctx: Ctx,
    Path((circle, request, action)): Path<(String, String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(request), Some(action)) =
        (id(&circle), id(&request), v1::RequestAction::parse(&action))
    else {
        return ctx.failure(Failure::NotFound);
    };
    let mut back = format!("/circles/{circle}/requests");
    let done = match action {
        v1::RequestAction::Take => T::Taken,
        v1::RequestAction::Confirm => T::Confirmed,
        v1::RequestAction::Done => T::MarkedDone,
        v1::RequestAction::Cancel => T::Cancelled,
        v1::RequestAction::NoShow => T::NoShowNoted,
    };
    let outcome = ctx
        .client
        .post_empty::<v1::Changed>(&format!(
            "/circles/{circle}/requests/{request}/{}",
            action.as_str()
        ))
        .await;
    // Once the help was given, the page offers to thank the helper.
    if outcome.is_ok() && action == v1::RequestAction::Done {
        if let Some(taker) = fields.parse::<Uuid>("taker") {
            back = format!("{back}?thank={request}&to={taker}");
        }
    }
    ctx.after(changed(outcome), &back, done)
}

/// `POST /circles/{id}/requests/{request}/widen`.
pub async fn widen(
    ctx: Ctx,
    Path((circle, request)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(request)) = (id(&circle), id(&request)) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/circles/{circle}/requests");
    let Some(to) = fields.word::<Ring>("to") else {
        return ctx.refused(
            Failure::Refused {
                status: 422,
                code: String::new(),
                detail: ctx.t(T::FormIncomplete).to_owned(),
            },
            &back,
        );
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(
            &format!("/circles/{circle}/requests/{request}/widen"),
            &v1::WidenRequest { to },
        )
        .await;
    ctx.after(changed(outcome), &back, T::Widened)
}

/// `POST /circles/{id}/requests/thanks`: thank the helper of a request done.
pub async fn thank(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/circles/{circle}/requests");
    let (Some(request), Some(to)) = (fields.parse::<Uuid>("request"), fields.parse::<Uuid>("to"))
    else {
        return ctx.failure(Failure::NotFound);
    };
    let body = v1::Thank {
        to,
        thanks_for: v1::ThanksFor::Request { request },
        note: fields.get("note").map(str::to_owned),
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(&format!("/circles/{circle}/thanks"), &body)
        .await;
    ctx.after(changed(outcome), &back, T::Thanked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ask_form_groups_categories_as_the_api_lists_them() {
        use v1::CategoryGroup::*;
        let info = |category, group| v1::CategoryInfo {
            category,
            group,
            widest_ring: Ring::Cold,
        };
        let categories = v1::Categories {
            categories: vec![
                info(Category::Groceries, Practical),
                info(Category::Chores, Practical),
                info(Category::Walk, Company),
                info(Category::Washing, PersonalCare),
            ],
        };
        assert_eq!(
            groups(&categories),
            [
                (Practical, vec![Category::Groceries, Category::Chores]),
                (Company, vec![Category::Walk]),
                (PersonalCare, vec![Category::Washing]),
            ]
        );
    }
}
