//! `/circles/new`: start a circle around someone (the caller becomes its
//! first coordinator).

use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use maud::{html, Markup};

use crate::api::{with_min_version, Failure};
use crate::ctx::{see_other, Ctx};
use crate::form::Fields;
use crate::i18n::T;
use crate::layout;
use crate::time::DEFAULT_ZONE;

/// The zones offered; the circle's own is kept whatever it is.
const ZONES: [&str; 8] = [
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "America/Paramaribo",
    "America/Curacao",
    "UTC",
];

pub async fn show(ctx: Ctx) -> Response {
    if !ctx.signed_in {
        return see_other(&crate::ctx::login_for("/circles/new"));
    }
    ctx.html(StatusCode::OK, page(&ctx, &Fields::default(), None))
}

pub async fn submit(ctx: Ctx, fields: Fields) -> Response {
    let zone = fields.get("time_zone").unwrap_or(DEFAULT_ZONE.name());
    let body = v1::CreateCircle {
        focus_name: fields.get("focus_name").unwrap_or_default().to_owned(),
        time_zone: Some(zone.to_owned()),
        for_myself: fields.checked("for_myself"),
    };
    match ctx.client.post::<_, v1::Created>("/circles", &body).await {
        Ok(created) => see_other(&with_min_version(
            &format!("/circles/{}", created.id),
            Some(created.version),
        )),
        Err(Failure::SignedOut) => see_other(&crate::ctx::login_for("/circles/new")),
        Err(failure) => {
            let status = failure.status();
            let detail = match failure {
                Failure::Refused { detail, .. } => detail,
                _ => ctx.t(T::TryAgainLater).to_owned(),
            };
            ctx.html(status, page(&ctx, &fields, Some(&detail)))
        }
    }
}

fn page(ctx: &Ctx, fields: &Fields, problem: Option<&str>) -> Markup {
    let chosen = fields.get("time_zone").unwrap_or(DEFAULT_ZONE.name());
    let content = html! {
        h1 { (ctx.t(T::StartCircle)) }
        p { (ctx.t(T::StartCircleText)) }
        (layout::alert(ctx, problem))
        form.stack method="post" action="/circles/new" {
            div.field {
                label for="focus_name" { (ctx.t(T::FocusName)) }
                input #focus_name type="text" name="focus_name" required maxlength="120"
                    value=(fields.get("focus_name").unwrap_or_default()) aria-describedby="focus-hint";
                p #focus-hint .hint { (ctx.t(T::FocusNameHint)) }
            }
            div.check {
                input #for_myself type="checkbox" name="for_myself" value="yes" checked[fields.checked("for_myself")];
                label for="for_myself" { (ctx.t(T::ForMyself)) }
            }
            div.field {
                label for="time_zone" { (ctx.t(T::TimeZone)) }
                select #time_zone name="time_zone" {
                    @for zone in ZONES {
                        option value=(zone) selected[zone == chosen] { (zone) }
                    }
                }
            }
            button type="submit" { (ctx.t(T::StartCircle)) }
        }
    };
    layout::page(ctx, ctx.t(T::StartCircle), None, content)
}
