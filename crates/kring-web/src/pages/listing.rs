//! The marketplace as a circle's coordinators see it on the requests page: put
//! a request on a consenting organisation's marketplace with a summary for
//! strangers, and answer the volunteers proposed for it; the circle's
//! neighbourhood on the consent page.

use std::collections::HashMap;

use axum::extract::Path;
use axum::response::Response;
use kring_protocol::v1::{self, RequestStatus};
use maud::{html, Markup};
use uuid::Uuid;

use super::volunteering::proposal_state;
use super::{changed, id, read_if_allowed};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::{fill, T};
use crate::layout::{self, for_reader, hidden};

/// What the requests page shows of the marketplace: the organisations' names
/// and, per listed open request, who was proposed.
#[derive(Default)]
pub(crate) struct Market {
    names: HashMap<Uuid, String>,
    proposals: HashMap<Uuid, Vec<v1::CircleProposal>>,
}

impl Market {
    /// Reads what the page needs (nothing when no request may be or is listed).
    pub(crate) async fn of(
        ctx: &Ctx,
        base: &str,
        requests: &[v1::HelpRequest],
    ) -> Result<Market, Failure> {
        let mut market = Market::default();
        if requests
            .iter()
            .any(|r| !r.list_with.is_empty() || r.listed_with.is_some())
        {
            let consents: Option<v1::Consents> =
                read_if_allowed(ctx, &format!("{base}/consents")).await?;
            for c in consents.iter().flat_map(|c| &c.consents) {
                market
                    .names
                    .insert(c.organisation.id, c.organisation.name.clone());
            }
        }
        for r in requests
            .iter()
            .filter(|r| r.listed_with.is_some() && r.status == RequestStatus::Open)
        {
            let path = format!("{base}/requests/{}/proposals", r.id);
            if let Some(found) = read_if_allowed::<Vec<v1::CircleProposal>>(ctx, &path).await? {
                market.proposals.insert(r.id, found);
            }
        }
        Ok(market)
    }

    /// The block under a request's card.
    pub(crate) fn block(
        &self,
        ctx: &Ctx,
        circle: &v1::Circle,
        request: &v1::HelpRequest,
    ) -> Markup {
        let base = format!("/circles/{}/requests/{}", circle.id, request.id);
        let name = |org: &Uuid| {
            self.names
                .get(org)
                .cloned()
                .unwrap_or_else(|| org.to_string())
        };
        html! {
            @if let Some(org) = &request.listed_with {
                div.marketplace data-testid="listed" {
                    p { (fill(ctx.t(T::OnMarketplaceOf), &[&name(org)])) }
                    @for p in self.proposals.get(&request.id).into_iter().flatten() {
                        div.card data-testid="proposal" {
                            p {
                                strong { (p.first_name) }
                                " " (ctx.t(if p.offered { T::OfferedThemself } else { T::ProposedByMatchmaker }))
                                " " span.badge { (ctx.t(proposal_state(p.state))) }
                            }
                            @if let Some(note) = &p.note { (layout::written(note)) }
                            @if p.state == v1::ProposalState::Waiting {
                                div.actions {
                                    form.inline method="post" action=(format!("{base}/proposals/{}", p.volunteer)) {
                                        (hidden("accept", "true"))
                                        button type="submit" { (ctx.t(T::AcceptVolunteer)) (for_reader(&p.first_name)) }
                                    }
                                    form.inline method="post" action=(format!("{base}/proposals/{}", p.volunteer)) {
                                        (hidden("accept", "false"))
                                        button.secondary type="submit" { (ctx.t(T::DeclineVolunteer)) (for_reader(&p.first_name)) }
                                    }
                                }
                            }
                        }
                    }
                }
            } @else if !request.list_with.is_empty() {
                details.marketplace {
                    summary { (ctx.t(T::PutOnMarketplace)) }
                    form.stack method="post" action=(format!("{base}/listing")) {
                        div.field {
                            label for=(format!("org-{}", request.id)) { (ctx.t(T::WhichOrganisation)) }
                            select #(format!("org-{}", request.id)) name="organisation" {
                                @for org in &request.list_with { option value=(org) { (name(org)) } }
                            }
                        }
                        div.field {
                            label for=(format!("summary-{}", request.id)) { (ctx.t(T::SummaryForVolunteers)) }
                            textarea #(format!("summary-{}", request.id)) name="summary" required maxlength="280" rows="2"
                                aria-describedby=(format!("summary-hint-{}", request.id)) {}
                            p.hint #(format!("summary-hint-{}", request.id)) { (ctx.t(T::SummaryHint)) }
                        }
                        button type="submit" { (ctx.t(T::ListIt)) }
                    }
                }
            }
        }
    }
}

/// `POST /circles/{id}/requests/{request}/listing`.
pub async fn list(
    ctx: Ctx,
    Path((circle, request)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(request)) = (id(&circle), id(&request)) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/circles/{circle}/requests");
    let Some(organisation) = fields.parse::<Uuid>("organisation") else {
        return ctx.failure(Failure::NotFound);
    };
    let body = v1::ListOnMarketplace {
        organisation,
        summary: fields.text("summary"),
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(
            &format!("/circles/{circle}/requests/{request}/listing"),
            &body,
        )
        .await;
    ctx.after(changed(outcome), &back, T::Listed)
}

/// `POST /circles/{id}/requests/{request}/proposals/{volunteer}`: yes or no.
pub async fn answer(
    ctx: Ctx,
    Path((circle, request, volunteer)): Path<(String, String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(request), Ok(volunteer)) = (id(&circle), id(&request), id(&volunteer))
    else {
        return ctx.failure(Failure::NotFound);
    };
    let accept = fields.get("accept") == Some("true");
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(
            &format!("/circles/{circle}/requests/{request}/proposals/{volunteer}"),
            &v1::AnswerProposal { accept },
        )
        .await;
    let done = if accept {
        T::VolunteerAccepted
    } else {
        T::VolunteerDeclined
    };
    ctx.after(
        changed(outcome),
        &format!("/circles/{circle}/requests"),
        done,
    )
}

/// `POST /circles/{id}/neighbourhood`.
pub async fn neighbourhood(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let text = fields.text("neighbourhood");
    let body = v1::SetNeighbourhood {
        neighbourhood: (!text.trim().is_empty()).then_some(text),
    };
    let outcome = ctx
        .client
        .put::<_, v1::Changed>(&format!("/circles/{circle}/neighbourhood"), &body)
        .await;
    ctx.after(
        changed(outcome),
        &format!("/circles/{circle}/consent"),
        T::Saved,
    )
}

/// The neighbourhood form for the consent page (coordinators).
pub(crate) fn neighbourhood_form(ctx: &Ctx, circle: &v1::Circle) -> Markup {
    html! {
        @if circle.you.coordinator {
            section aria-labelledby="neighbourhood-heading" {
                h2 #neighbourhood-heading { (ctx.t(T::Neighbourhood)) }
                p { (ctx.t(T::CircleNeighbourhoodText)) }
                form.stack method="post" action=(format!("/circles/{}/neighbourhood", circle.id)) {
                    div.field {
                        label for="neighbourhood" { (ctx.t(T::Neighbourhood)) }
                        input #neighbourhood type="text" name="neighbourhood" maxlength="60"
                            aria-describedby="neighbourhood-hint"
                            value=(circle.neighbourhood.as_deref().unwrap_or(""));
                        p #neighbourhood-hint .hint { (ctx.t(T::NeighbourhoodHint)) }
                    }
                    button type="submit" { (ctx.t(T::Save)) }
                }
            }
        }
    }
}
