//! `/organisations/{org}/marketplace`: the matchmaker's board (every listed
//! request by stage, each week's fill rate and time to match) and the
//! volunteers' sign-up link; `/organisations/{org}/marketplace/{listing}`:
//! the volunteers who fit one listing, best first, to propose one. Every
//! listing shown is on its circle's record (once a day).

use axum::extract::Path;
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, ListingStage};
use maud::{html, Markup};

use super::id;
use super::volunteering::{listed, proposal_state};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::T;
use crate::layout::{self, for_reader, hidden, person};

pub async fn board(ctx: Ctx, Path(org): Path<String>) -> Response {
    match render_board(&ctx, &org, None).await {
        Ok(page) => ctx.html(StatusCode::OK, page),
        Err(failure) => ctx.failure(failure),
    }
}

async fn render_board(
    ctx: &Ctx,
    org: &str,
    link: Option<&v1::SignUpLink>,
) -> Result<Markup, Failure> {
    let org = id(org)?;
    let organisation: v1::Organisation = ctx.client.get(&format!("/organisations/{org}")).await?;
    let board: v1::Board = ctx
        .client
        .get(&format!("/organisations/{org}/marketplace"))
        .await?;
    let stages = [
        (ListingStage::Listed, T::StageListed),
        (ListingStage::Proposed, T::StageProposed),
        (ListingStage::Matched, T::StageMatched),
        (ListingStage::Done, T::StageDone),
        (ListingStage::Closed, T::StageClosed),
    ];
    let content = html! {
        h1 { (ctx.t(T::Marketplace)) ": " (organisation.name) }
        p.hint { (ctx.t(T::MarketplaceText)) }
        @for (stage, name) in stages {
            @let here: Vec<&v1::BoardListing> = board.listings.iter().filter(|l| l.stage == stage).collect();
            section aria-labelledby=(format!("stage-{}", crate::form::word_of(&stage))) data-testid="stage" {
                h2 #(format!("stage-{}", crate::form::word_of(&stage))) { (ctx.t(name)) " (" (here.len()) ")" }
                ul.cards {
                    @for l in here {
                        li.card data-testid="board-listing" {
                            (listed(ctx, &l.request))
                            @if !l.proposals.is_empty() {
                                ul.list {
                                    @for p in &l.proposals {
                                        li {
                                            (person(ctx, &p.volunteer))
                                            @if p.offered { " (" (ctx.t(T::OfferedThemself)) ")" }
                                            " " span.badge { (ctx.t(proposal_state(p.state))) }
                                        }
                                    }
                                }
                            }
                            @if matches!(stage, ListingStage::Listed | ListingStage::Proposed) {
                                p { a href=(format!("/organisations/{org}/marketplace/{}", l.request.listing)) {
                                    (ctx.t(T::FindVolunteers)) (for_reader(ctx.t(crate::i18n::category(l.request.category))))
                                } }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="weeks-heading" {
            h2 #weeks-heading { (ctx.t(T::MarketplaceWeeks)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(T::MarketWeekOf)) }
                    th scope="col" { (ctx.t(T::Listed)) }
                    th scope="col" { (ctx.t(T::Matched)) }
                    th scope="col" { (ctx.t(T::HoursToMatch)) }
                } }
                tbody {
                    @for w in &board.weeks {
                        tr {
                            td { (w.week) }
                            td { (w.listed) }
                            td { (w.matched) }
                            td { @if let Some(h) = w.median_hours_to_match { (format!("{h:.1}")) } @else { "–" } }
                        }
                    }
                }
            }
        }
        section aria-labelledby="sign-up-heading" {
            h2 #sign-up-heading { (ctx.t(T::VolunteerSignUpLink)) }
            p { (ctx.t(T::VolunteerSignUpText)) }
            @if let Some(link) = link {
                div.field {
                    label for="sign-up-link" { (ctx.t(T::VolunteerSignUpLink)) }
                    div.copy-row {
                        input #sign-up-link type="text" readonly value=(link.url) data-select-on-focus;
                        button type="button" data-copy="sign-up-link" { (ctx.t(T::CopyCode)) }
                    }
                }
            }
            form.inline method="post" action=(format!("/organisations/{org}/marketplace/sign-up")) {
                button type="submit" { (ctx.t(T::MakeSignUpLink)) }
            }
        }
        section aria-labelledby="invite-volunteer-heading" {
            h2 #invite-volunteer-heading { (ctx.t(T::InviteVolunteerHeading)) }
            p { (ctx.t(T::InviteVolunteerText)) }
            form.stack method="post" action=(format!("/organisations/{org}/marketplace/invite")) {
                div.field {
                    label for="volunteer-email" { (ctx.t(T::InviteVolunteerEmail)) }
                    input #volunteer-email type="email" name="email" required autocomplete="off";
                }
                button type="submit" { (ctx.t(T::InviteVolunteer)) }
            }
        }
    };
    // A link just made is shown once: that page does not fetch itself again.
    Ok(match link {
        Some(_) => layout::page(ctx, ctx.t(T::Marketplace), None, content),
        None => layout::marketplace_page(ctx, ctx.t(T::Marketplace), org, content),
    })
}

/// `POST /organisations/{org}/marketplace/sign-up`: a new link, shown once.
pub async fn sign_up_link(ctx: Ctx, Path(org): Path<String>) -> Response {
    let Ok(org_id) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let made = ctx
        .client
        .post_empty::<v1::SignUpLink>(&format!("/organisations/{org_id}/volunteer-sign-up"))
        .await;
    match made {
        Ok(link) => match render_board(&ctx, &org, Some(&link)).await {
            Ok(page) => ctx.html(StatusCode::CREATED, page),
            Err(failure) => ctx.failure(failure),
        },
        Err(failure) => ctx.refused(failure, &format!("/organisations/{org_id}/marketplace")),
    }
}

/// `POST /organisations/{org}/marketplace/invite`: an invitation by mail.
pub async fn invite(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    let Ok(org) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/organisations/{org}/marketplace");
    let body = v1::InviteVolunteer {
        email: fields.get("email").unwrap_or_default().to_owned(),
    };
    let outcome = ctx
        .client
        .post::<_, v1::MailAccepted>(
            &format!("/organisations/{org}/volunteer-invitations"),
            &body,
        )
        .await;
    ctx.after(outcome.map(|_| None), &back, T::VolunteerInvited)
}

/// One listing and the volunteers who fit it, best first.
pub async fn listing(ctx: Ctx, Path((org, listing)): Path<(String, String)>) -> Response {
    let (Ok(org), Ok(listing)) = (id(&org), id(&listing)) else {
        return ctx.failure(Failure::NotFound);
    };
    let board: Result<v1::Board, Failure> = ctx
        .client
        .get(&format!("/organisations/{org}/marketplace"))
        .await;
    let candidates: Result<Vec<v1::Candidate>, Failure> = ctx
        .client
        .get(&format!(
            "/organisations/{org}/marketplace/{listing}/candidates"
        ))
        .await;
    let (board, candidates) = match (board, candidates) {
        (Ok(b), Ok(c)) => (b, c),
        (Err(f), _) | (_, Err(f)) => return ctx.failure(f),
    };
    let Some(shown) = board.listings.iter().find(|l| l.request.listing == listing) else {
        return ctx.failure(Failure::NotFound);
    };
    let content = html! {
        p { a href=(format!("/organisations/{org}/marketplace")) { (ctx.t(T::BackToMarketplace)) } }
        h1 { (ctx.t(T::FindVolunteers)) }
        (listed(&ctx, &shown.request))
        section aria-labelledby="candidates-heading" {
            h2 #candidates-heading { (ctx.t(T::Candidates)) }
            p.hint { (ctx.t(T::CandidatesText)) }
            @if candidates.is_empty() { p { (ctx.t(T::NoCandidates)) } }
            ol.cards {
                @for c in &candidates {
                    li.card data-testid="candidate" {
                        h3 { (person(&ctx, &c.volunteer)) }
                        dl.facts {
                            @if let Some(n) = &c.neighbourhood { dt { (ctx.t(T::Neighbourhood)) } dd { (n) } }
                            dt { (ctx.t(T::TasksThisMonth)) } dd { (c.tasks_this_month) " / " (c.tasks_per_month) }
                        }
                        form.stack method="post" action=(format!("/organisations/{org}/marketplace/{listing}")) {
                            (hidden("volunteer", c.volunteer.id))
                            div.field {
                                label for=(format!("note-{}", c.volunteer.id)) { (ctx.t(T::NoteForFamily)) }
                                textarea #(format!("note-{}", c.volunteer.id)) name="note" maxlength="1000" rows="2" {}
                            }
                            button type="submit" { (ctx.t(T::Propose)) (for_reader(&c.volunteer.name)) }
                        }
                    }
                }
            }
        }
    };
    ctx.html(
        StatusCode::OK,
        layout::page(&ctx, ctx.t(T::FindVolunteers), None, content),
    )
}

/// `POST /organisations/{org}/marketplace/{listing}`: propose a volunteer.
pub async fn propose(
    ctx: Ctx,
    Path((org, listing)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(org), Ok(listing)) = (id(&org), id(&listing)) else {
        return ctx.failure(Failure::NotFound);
    };
    let note = fields.text("note");
    let body = v1::Propose {
        volunteer: fields.parse("volunteer"),
        note: (!note.trim().is_empty()).then_some(note),
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(
            &format!("/organisations/{org}/marketplace/{listing}/proposals"),
            &body,
        )
        .await;
    ctx.after(
        outcome.map(|_| None),
        &format!("/organisations/{org}/marketplace"),
        T::Proposed,
    )
}
