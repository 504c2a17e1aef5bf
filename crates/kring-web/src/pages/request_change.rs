//! Changing a request: when, how long, what is needed (whoever asked it, or
//! a coordinator). Whoever took it keeps it and is told by mail.

use axum::extract::Path;
use axum::response::Response;
use chrono_tz::Tz;
use kring_protocol::v1;
use maud::{html, Markup};

use super::{changed, circle_of, id};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::T;
use crate::layout::for_reader;
use crate::time;

/// The form on a request's card, filled in as it stands.
pub fn form(ctx: &Ctx, base: &str, request: &v1::HelpRequest, what: &str, tz: Tz) -> Markup {
    let key = request.id;
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&tz).naive_local();
    let (from, until) = (local(request.window_start), local(request.window_end));
    html! {
        details #(format!("change-{key}")) {
            summary { (ctx.t(T::ChangeRequest)) (for_reader(what)) }
            form.stack method="post" action=(format!("{base}/requests/{key}/change")) {
                div.field {
                    label for=(format!("details-{key}")) { (ctx.t(T::WhatIsNeeded)) }
                    textarea #(format!("details-{key}")) name="details" required maxlength="2000" rows="2" {
                        (request.details.as_deref().unwrap_or_default())
                    }
                }
                div.row {
                    div.field {
                        label for=(format!("from-date-{key}")) { (ctx.t(T::FromDate)) }
                        input #(format!("from-date-{key}")) type="date" name="from_date" required value=(from.date());
                    }
                    div.field {
                        label for=(format!("from-time-{key}")) { (ctx.t(T::FromTime)) }
                        input #(format!("from-time-{key}")) type="time" name="from_time" required value=(from.format("%H:%M"));
                    }
                    div.field {
                        label for=(format!("until-date-{key}")) { (ctx.t(T::UntilDate)) }
                        input #(format!("until-date-{key}")) type="date" name="until_date" required value=(until.date());
                    }
                    div.field {
                        label for=(format!("until-time-{key}")) { (ctx.t(T::UntilTime)) }
                        input #(format!("until-time-{key}")) type="time" name="until_time" required value=(until.format("%H:%M"));
                    }
                }
                div.field {
                    label for=(format!("duration-{key}")) { (ctx.t(T::DurationMinutes)) }
                    input #(format!("duration-{key}")) type="number" name="duration_minutes" required
                        min="5" max="720" step="5" value=(request.duration_minutes);
                }
                button type="submit" { (ctx.t(T::ChangeRequestButton)) (for_reader(what)) }
            }
        }
    }
}

/// `POST /circles/{id}/requests/{request}/change`.
pub async fn change(
    ctx: Ctx,
    Path((circle, request)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(request)) = (id(&circle), id(&request)) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/circles/{circle}/requests");
    let outcome = match body(&ctx, circle, &fields).await {
        Ok(body) => {
            ctx.client
                .put::<_, v1::Changed>(&format!("/circles/{circle}/requests/{request}"), &body)
                .await
        }
        Err(failure) => Err(failure),
    };
    ctx.after(changed(outcome), &back, T::RequestChanged)
}

async fn body(
    ctx: &Ctx,
    circle: uuid::Uuid,
    fields: &Fields,
) -> Result<v1::ChangeRequest, Failure> {
    let incomplete = || Failure::Refused {
        status: 422,
        code: String::new(),
        detail: ctx.t(T::FormIncomplete).to_owned(),
    };
    // The circle's zone turns the form's wall-clock times into moments.
    let zone = time::zone(&circle_of(ctx, circle).await?.time_zone);
    let moment = |date: &str, clock: &str| {
        let date = time::parse_date(fields.get(date)?)?;
        let clock = time::parse_time(fields.get(clock)?)?;
        Some(time::local_to_utc(date.and_time(clock), zone))
    };
    Ok(v1::ChangeRequest {
        window_start: moment("from_date", "from_time").ok_or_else(incomplete)?,
        window_end: moment("until_date", "until_time").ok_or_else(incomplete)?,
        duration_minutes: fields.parse("duration_minutes").ok_or_else(incomplete)?,
        details: fields.text("details").trim().to_owned(),
    })
}
