//! `/circles/new`: start a circle around someone (the caller becomes its
//! first coordinator), from a template if they like.
//! `/organisations/{org}/circles/new`: an intermediary sets one up with a
//! family at the kitchen table (and is taken to invite its first coordinator).

use axum::extract::Path;
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use maud::{html, Markup};

use crate::api::{with_min_version, Failure};
use crate::ctx::{see_other, Ctx};
use crate::form::{word_of, Fields};
use crate::i18n::{Lang, T};
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

/// Where the form posts, and for whom it starts a circle.
enum Starter {
    /// The caller, for someone (or themself).
    Family,
    /// An intermediary of this organisation, with a family.
    KitchenTable(uuid::Uuid),
}

impl Starter {
    fn here(&self) -> String {
        match self {
            Starter::Family => "/circles/new".to_owned(),
            Starter::KitchenTable(org) => format!("/organisations/{org}/circles/new"),
        }
    }

    fn api(&self) -> String {
        match self {
            Starter::Family => "/circles".to_owned(),
            Starter::KitchenTable(org) => format!("/organisations/{org}/circles"),
        }
    }

    /// Where a new circle is shown: at the kitchen table, the members page,
    /// to invite the family's first coordinator.
    fn next(&self, created: &v1::Created) -> String {
        let page = match self {
            Starter::Family => "",
            Starter::KitchenTable(_) => "/members",
        };
        with_min_version(
            &format!("/circles/{}{page}", created.id),
            Some(created.version),
        )
    }
}

pub async fn show(ctx: Ctx) -> Response {
    form(ctx, Starter::Family).await
}

pub async fn submit(ctx: Ctx, fields: Fields) -> Response {
    start(ctx, Starter::Family, fields).await
}

pub async fn show_kitchen_table(ctx: Ctx, Path(org): Path<String>) -> Response {
    match org.parse() {
        Ok(org) => form(ctx, Starter::KitchenTable(org)).await,
        Err(_) => ctx.failure(Failure::NotFound),
    }
}

pub async fn submit_kitchen_table(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    match org.parse() {
        Ok(org) => start(ctx, Starter::KitchenTable(org), fields).await,
        Err(_) => ctx.failure(Failure::NotFound),
    }
}

async fn form(ctx: Ctx, starter: Starter) -> Response {
    if !ctx.signed_in {
        return see_other(&crate::ctx::login_for(&starter.here()));
    }
    ctx.html(
        StatusCode::OK,
        page(&ctx, &starter, &Fields::default(), None),
    )
}

async fn start(ctx: Ctx, starter: Starter, fields: Fields) -> Response {
    let zone = fields.get("time_zone").unwrap_or(DEFAULT_ZONE.name());
    let body = v1::CreateCircle {
        focus_name: fields.get("focus_name").unwrap_or_default().to_owned(),
        time_zone: Some(zone.to_owned()),
        for_myself: matches!(starter, Starter::Family) && fields.checked("for_myself"),
        template: fields.word("template"),
        language: Some(match ctx.lang {
            Lang::Nl => v1::Language::Nl,
            Lang::En => v1::Language::En,
        }),
    };
    match ctx
        .client
        .post::<_, v1::Created>(&starter.api(), &body)
        .await
    {
        Ok(created) => see_other(&starter.next(&created)),
        Err(Failure::SignedOut) => see_other(&crate::ctx::login_for(&starter.here())),
        Err(Failure::NotFound) => ctx.failure(Failure::NotFound),
        Err(failure) => {
            let status = failure.status();
            let detail = match failure {
                Failure::Refused { detail, .. } => detail,
                _ => ctx.t(T::TryAgainLater).to_owned(),
            };
            ctx.html(status, page(&ctx, &starter, &fields, Some(&detail)))
        }
    }
}

const TEMPLATES: [(v1::CircleTemplate, T); 4] = [
    (
        v1::CircleTemplate::HomeAfterHospital,
        T::TemplateHomeAfterHospital,
    ),
    (
        v1::CircleTemplate::DementiaAtHome,
        T::TemplateDementiaAtHome,
    ),
    (
        v1::CircleTemplate::RecoveryAfterSurgery,
        T::TemplateRecoveryAfterSurgery,
    ),
    (v1::CircleTemplate::LastPhase, T::TemplateLastPhase),
];

fn page(ctx: &Ctx, starter: &Starter, fields: &Fields, problem: Option<&str>) -> Markup {
    let chosen = fields.get("time_zone").unwrap_or(DEFAULT_ZONE.name());
    let template = fields.get("template").unwrap_or_default();
    let (title, text) = match starter {
        Starter::Family => (T::StartCircle, T::StartCircleText),
        Starter::KitchenTable(_) => (T::KitchenTable, T::KitchenTableText),
    };
    let content = html! {
        h1 { (ctx.t(title)) }
        p { (ctx.t(text)) }
        (layout::alert(ctx, problem))
        form.stack method="post" action=(starter.here()) {
            div.field {
                label for="focus_name" { (ctx.t(T::FocusName)) }
                input #focus_name type="text" name="focus_name" required maxlength="120"
                    value=(fields.get("focus_name").unwrap_or_default()) aria-describedby="focus-hint";
                p #focus-hint .hint { (ctx.t(T::FocusNameHint)) }
            }
            @if matches!(starter, Starter::Family) {
                div.check {
                    input #for_myself type="checkbox" name="for_myself" value="yes" checked[fields.checked("for_myself")];
                    label for="for_myself" { (ctx.t(T::ForMyself)) }
                }
            }
            div.field {
                label for="template" { (ctx.t(T::TemplateLabel)) }
                select #template name="template" aria-describedby="template-hint" {
                    option value="" { (ctx.t(T::TemplateNone)) }
                    @for (value, name) in TEMPLATES {
                        @let word = word_of(&value);
                        option value=(word) selected[word == template] { (ctx.t(name)) }
                    }
                }
                p #template-hint .hint { (ctx.t(T::TemplateHint)) }
            }
            div.field {
                label for="time_zone" { (ctx.t(T::TimeZone)) }
                select #time_zone name="time_zone" {
                    @for zone in ZONES {
                        option value=(zone) selected[zone == chosen] { (zone) }
                    }
                }
            }
            button type="submit" { (ctx.t(title)) }
        }
    };
    layout::page(ctx, ctx.t(title), None, content)
}
