//! `/circles/{id}/consent`: which organisations may see the circle, and how
//! much (signals, or full); and "who looked at our circle": every look an
//! organisation's intermediary took.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::response::Response;
use kring_protocol::v1::{self, Scope};
use maud::html;
use uuid::Uuid;

use super::{before_of, changed, circle_of, circle_page, id, read_if_allowed, read_page};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::{word_of, Fields};
use crate::i18n::{self, T};
use crate::layout::{self, for_reader, person, Section};
use crate::time;

pub async fn show(
    ctx: Ctx,
    Path(circle): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match render(&ctx, &circle, before_of(&query)).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

/// The page, with the looks older than `before` (the newest without).
async fn render(ctx: &Ctx, circle: &str, before: Option<u64>) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let base = format!("/circles/{}", circle.id);
    let consents: Option<v1::Consents> = read_if_allowed(ctx, &format!("{base}/consents")).await?;
    let (looks, older) = match read_page::<v1::Looks>(ctx, &format!("{base}/looks"), before).await {
        Ok((looks, older)) => (Some(looks), older),
        Err(Failure::Refused { status: 403, .. }) => (None, None),
        Err(failure) => return Err(failure),
    };
    let decides = circle.may.decide_consent;
    let lang = ctx.lang;
    let title = ctx.t(T::NavConsent);
    let content = html! {
        h1 { (title) }
        p.hint { (ctx.t(T::ConsentText)) }
        (super::listing::neighbourhood_form(ctx, &circle))
        @match &consents {
            None => p { (ctx.t(T::ConsentNotForYou)) },
            Some(consents) => {
                section aria-labelledby="consents-heading" {
                    h2 #consents-heading { (ctx.t(T::Consents)) }
                    @if consents.consents.is_empty() {
                        p { (ctx.t(T::NoConsents)) }
                    }
                    ul.cards {
                        @for consent in &consents.consents {
                            li.card data-testid="consent" {
                                p {
                                    strong { (consent.organisation.name) } " — "
                                    (ctx.t(i18n::scope(consent.scope)))
                                }
                                p.meta {
                                    @if consent.active {
                                        (ctx.t(T::ConsentActiveSince)) " " (layout::moment(lang, consent.from, tz))
                                    } @else {
                                        (ctx.t(T::ConsentStartsAt)) " " (layout::moment(lang, consent.from, tz))
                                    }
                                }
                                @if decides {
                                    form.inline method="post" action=(format!("{base}/consent/{}/revoke", consent.organisation.id)) {
                                        button.danger type="submit" {
                                            (ctx.t(T::RevokeConsent)) (for_reader(&format!(": {}", consent.organisation.name)))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if decides {
                    section aria-labelledby="grant-heading" {
                        h2 #grant-heading { (ctx.t(T::GrantConsent)) }
                        form.stack method="post" action=(format!("{base}/consent")) {
                            div.field {
                                label for="consent-org" { (ctx.t(T::OrganisationCode)) }
                                input #consent-org type="text" name="organisation" required
                                    aria-describedby="consent-org-hint" autocomplete="off" spellcheck="false";
                                p #consent-org-hint .hint { (ctx.t(T::OrganisationCodeHint)) }
                            }
                            fieldset {
                                legend { (ctx.t(T::HowMuchMaySee)) }
                                @for scope in [Scope::Signals, Scope::Full] {
                                    @let word = word_of(&scope);
                                    div.check {
                                        input #(format!("scope-{word}")) type="radio" name="scope" value=(word) checked[scope == Scope::Signals];
                                        label for=(format!("scope-{word}")) { (ctx.t(i18n::scope_explained(scope))) }
                                    }
                                }
                            }
                            div.field {
                                label for="consent-from" { (ctx.t(T::ConsentFrom)) }
                                input #consent-from type="date" name="from" aria-describedby="consent-from-hint";
                                p #consent-from-hint .hint { (ctx.t(T::ConsentFromHint)) }
                            }
                            button type="submit" { (ctx.t(T::GrantConsentButton)) }
                        }
                    }
                }
            }
        }
        @if let Some(looks) = &looks {
            section aria-labelledby="looks-heading" {
                h2 #looks-heading { (ctx.t(T::WhoLooked)) }
                @if looks.looks.is_empty() {
                    p { (ctx.t(T::NobodyLooked)) }
                } @else {
                    div.table-wrap role="region" aria-labelledby="looks-caption" tabindex="0" {
                        table {
                            caption #looks-caption { (ctx.t(T::LooksCaption)) }
                            thead {
                                tr {
                                    th scope="col" { (ctx.t(T::When)) }
                                    th scope="col" { (ctx.t(T::Who)) }
                                    th scope="col" { (ctx.t(T::Organisation)) }
                                    th scope="col" { (ctx.t(T::Scope)) }
                                    th scope="col" { (ctx.t(T::WhatTheySaw)) }
                                }
                            }
                            tbody {
                                @for look in &looks.looks {
                                    tr data-testid="look" {
                                        td { (layout::moment(lang, look.at, tz)) }
                                        td { (person(ctx, &look.who)) }
                                        td { (look.organisation.name) }
                                        td { (ctx.t(i18n::scope(look.scope))) }
                                        td { (i18n::look_what(lang, &look.code, &look.what)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(older) = older {
                    p { a rel="next" href=(format!("{base}/consent?before={older}#looks-heading")) { (ctx.t(T::OlderLooks)) } }
                }
            }
        }
    };
    let version = [
        Some(circle.version),
        consents.as_ref().map(|c| c.version),
        looks.as_ref().map(|l| l.version),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(circle.version);
    Ok(circle_page(
        ctx,
        &circle,
        Section::Consent,
        version,
        title,
        content,
    ))
}

/// `POST /circles/{id}/consent`: let an organisation see the circle.
pub async fn grant(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/circles/{circle}/consent");
    let Some(organisation) = fields.parse::<Uuid>("organisation") else {
        return ctx.refused(
            Failure::Refused {
                status: 422,
                code: String::new(),
                detail: ctx.t(T::OrganisationCodeWrong).to_owned(),
            },
            &back,
        );
    };
    // A start date means the start of that day in the circle's zone.
    let from = match fields.get("from").and_then(time::parse_date) {
        Some(date) => {
            let zone = match circle_of(&ctx, circle).await {
                Ok(c) => time::zone(&c.time_zone),
                Err(failure) => return ctx.refused(failure, &back),
            };
            if date <= time::today(zone) {
                None
            } else {
                Some(time::local_to_utc(
                    date.and_time(chrono::NaiveTime::MIN),
                    zone,
                ))
            }
        }
        None => None,
    };
    let body = v1::GrantConsent {
        scope: fields.word("scope").unwrap_or(Scope::Signals),
        from,
    };
    let outcome = ctx
        .client
        .put::<_, v1::Changed>(&format!("/circles/{circle}/consents/{organisation}"), &body)
        .await;
    ctx.after(changed(outcome), &back, T::ConsentGiven)
}

/// `POST /circles/{id}/consent/{organisation}/revoke`.
pub async fn revoke(ctx: Ctx, Path((circle, organisation)): Path<(String, String)>) -> Response {
    let (Ok(circle), Ok(organisation)) = (id(&circle), id(&organisation)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .delete::<v1::Changed>(&format!("/circles/{circle}/consents/{organisation}"))
        .await;
    ctx.after(
        changed(outcome),
        &format!("/circles/{circle}/consent"),
        T::ConsentRevoked,
    )
}
