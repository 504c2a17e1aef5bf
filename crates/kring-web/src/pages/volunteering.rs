//! `/volunteer/{org}`: volunteering for an organisation's marketplace. Its
//! sign-up link carries the code after `#` (kept in the tab across logging in,
//! as for joining a circle). Someone who volunteers sees the requests open to
//! them (never whose they are), offers to do one, sees their proposals (the
//! circle once the family said yes), and changes, pauses or ends their
//! volunteering.

use axum::extract::Path;
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, Category, PartOfDay, VolunteerStatus};
use maud::{html, Markup};

use super::{changed, id};
use crate::api::Failure;
use crate::ctx::{login_for, see_other, Ctx};
use crate::form::{word, word_of, Fields};
use crate::i18n::{self, fill, T};
use crate::layout::{self, for_reader, hidden};
use crate::time;

/// The kinds of help volunteers give: practical things and company.
pub(crate) const COLD: [Category; 7] = [
    Category::Groceries,
    Category::Transport,
    Category::Chores,
    Category::OddJobs,
    Category::Visit,
    Category::Walk,
    Category::Coffee,
];
const PARTS: [(PartOfDay, T); 3] = [
    (PartOfDay::Morning, T::Morning),
    (PartOfDay::Afternoon, T::Afternoon),
    (PartOfDay::Evening, T::Evening),
];
const DAYS: [T; 7] = [
    T::Monday,
    T::Tuesday,
    T::Wednesday,
    T::Thursday,
    T::Friday,
    T::Saturday,
    T::Sunday,
];

pub async fn show(mut ctx: Ctx, Path(org): Path<String>) -> Response {
    let Ok(org) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let here = format!("/volunteer/{org}");
    match ctx
        .client
        .get::<v1::Volunteering>(&format!("/me/volunteering/{org}"))
        .await
    {
        Ok(mine) => ctx.html(StatusCode::OK, volunteering(&ctx, &mine)),
        Err(Failure::NotFound) => ctx.html(StatusCode::OK, sign_up(&ctx, &here, None, None, None)),
        Err(Failure::SignedOut) => {
            ctx.signed_in = false;
            ctx.html(StatusCode::OK, signed_out(&ctx, &here))
        }
        Err(failure) => ctx.failure(failure),
    }
}

/// `POST /volunteer/{org}`: sign up with the link's code and a profile.
pub async fn join(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    let Ok(org) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let here = format!("/volunteer/{org}");
    let body = v1::JoinVolunteering {
        organisation: org,
        code: fields.text("code"),
        profile: profile_of(&fields),
    };
    match ctx
        .client
        .post::<_, v1::Created>("/volunteering", &body)
        .await
    {
        Ok(_) => ctx.after(Ok(None), &here, T::VolunteerWelcome),
        Err(Failure::SignedOut) => see_other(&login_for(&here)),
        Err(failure) => {
            let status = failure.status();
            let detail = match failure {
                Failure::Refused { detail, .. } => detail,
                Failure::NotFound => ctx.t(T::NotFoundAction).to_owned(),
                _ => ctx.t(T::TryAgainLater).to_owned(),
            };
            ctx.html(
                status,
                sign_up(
                    &ctx,
                    &here,
                    Some(&detail),
                    Some(&body.code),
                    Some(&body.profile),
                ),
            )
        }
    }
}

/// `POST /volunteer/{org}/profile`.
pub async fn set_profile(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    let Ok(org) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .put::<_, v1::Changed>(&format!("/me/volunteering/{org}"), &profile_of(&fields))
        .await;
    ctx.after(
        changed(outcome).map(|_| None),
        &format!("/volunteer/{org}"),
        T::Saved,
    )
}

/// `POST /volunteer/{org}/status`: pause, resume or stop.
pub async fn set_status(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    let Ok(org) = id(&org) else {
        return ctx.failure(Failure::NotFound);
    };
    let back = format!("/volunteer/{org}");
    let Some(status) = fields.word::<VolunteerStatus>("status") else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .put::<_, v1::Changed>(
            &format!("/me/volunteering/{org}/status"),
            &v1::SetVolunteerStatus { status },
        )
        .await;
    ctx.after(changed(outcome).map(|_| None), &back, T::Saved)
}

/// `POST /volunteer/{org}/offer`: "I'll do it" for a listed request.
pub async fn offer(ctx: Ctx, Path(org): Path<String>, fields: Fields) -> Response {
    let (Ok(org), Some(listing)) = (id(&org), fields.parse::<uuid::Uuid>("listing")) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(
            &format!("/organisations/{org}/marketplace/{listing}/proposals"),
            &v1::Propose {
                volunteer: None,
                note: None,
            },
        )
        .await;
    ctx.after(
        changed(outcome).map(|_| None),
        &format!("/volunteer/{org}"),
        T::Offered,
    )
}

/// The profile a form sent (the API and the domain check it).
fn profile_of(fields: &Fields) -> v1::VolunteerProfile {
    let available = fields
        .all("slot")
        .into_iter()
        .filter_map(|slot| {
            let (day, part) = slot.split_once('-')?;
            Some(v1::WeekSlot {
                weekday: day.parse().ok()?,
                part: word(part)?,
            })
        })
        .collect();
    v1::VolunteerProfile {
        will: fields.all("will").into_iter().filter_map(word).collect(),
        neighbourhood: fields.text("neighbourhood"),
        available,
        tasks_per_month: fields.parse("tasks_per_month").unwrap_or(0),
    }
}

fn signed_out(ctx: &Ctx, here: &str) -> Markup {
    let content = html! {
        h1 { (ctx.t(T::VolunteerTitle)) }
        p data-join-keep { (ctx.t(T::VolunteerSignedOut)) }
        p.actions {
            a.button href=(login_for(here)) { (ctx.t(T::LogIn)) }
            " "
            a.button.secondary href=(format!("/signup?next={}", crate::ctx::percent_encode(here))) { (ctx.t(T::SignUp)) }
        }
    };
    layout::page(ctx, ctx.t(T::VolunteerTitle), None, content)
}

/// The sign-up form; after a refusal with what was sent, the code kept.
fn sign_up(
    ctx: &Ctx,
    here: &str,
    problem: Option<&str>,
    code: Option<&str>,
    sent: Option<&v1::VolunteerProfile>,
) -> Markup {
    let content = html! {
        h1 { (ctx.t(T::VolunteerTitle)) }
        (layout::alert(ctx, problem))
        p { (ctx.t(T::VolunteerText)) }
        form.stack method="post" action=(here) data-join {
            div.field {
                label for="code" { (ctx.t(T::SignUpCode)) }
                input #code type="text" name="code" required autocomplete="off" spellcheck="false" data-join-code
                    value=(code.unwrap_or(""));
            }
            (profile_fields(ctx, sent))
            button type="submit" { (ctx.t(T::VolunteerJoin)) }
        }
    };
    layout::page(ctx, ctx.t(T::VolunteerTitle), None, content)
}

/// What a volunteer will do, where, when and how often.
fn profile_fields(ctx: &Ctx, profile: Option<&v1::VolunteerProfile>) -> Markup {
    let will = |c: &Category| profile.is_some_and(|p| p.will.contains(c));
    let at = |d: u8, part: PartOfDay| {
        profile.is_some_and(|p| p.available.iter().any(|s| s.weekday == d && s.part == part))
    };
    html! {
        fieldset {
            legend { (ctx.t(T::VolunteerWill)) }
            @for c in COLD {
                label.check {
                    input type="checkbox" name="will" value=(word_of(&c)) checked[will(&c)];
                    " " (ctx.t(i18n::category(c)))
                }
            }
        }
        div.field {
            label for="neighbourhood" { (ctx.t(T::Neighbourhood)) }
            input #neighbourhood type="text" name="neighbourhood" maxlength="60" required aria-describedby="neighbourhood-hint"
                value=(profile.map(|p| p.neighbourhood.as_str()).unwrap_or(""));
            p #neighbourhood-hint .hint { (ctx.t(T::NeighbourhoodHint)) }
        }
        fieldset {
            legend { (ctx.t(T::VolunteerWhen)) }
            table.week {
                thead { tr { th {} @for (_, part) in PARTS { th scope="col" { (ctx.t(part)) } } } }
                tbody {
                    @for (d, day) in DAYS.iter().enumerate() {
                        tr {
                            th scope="row" { (ctx.t(*day)) }
                            @for (part, name) in PARTS {
                                td {
                                    input type="checkbox" name="slot" value=(format!("{d}-{}", word_of(&part)))
                                        aria-label=(format!("{} {}", ctx.t(*day), ctx.t(name)))
                                        checked[at(d as u8, part)];
                                }
                            }
                        }
                    }
                }
            }
        }
        div.field {
            label for="tasks" { (ctx.t(T::HowManyTasks)) }
            input #tasks type="number" name="tasks_per_month" min="1" max="31" required
                value=(profile.map_or(2, |p| p.tasks_per_month));
        }
    }
}

fn volunteering(ctx: &Ctx, mine: &v1::Volunteering) -> Markup {
    let base = format!("/volunteer/{}", mine.organisation);
    let status_button = |status: VolunteerStatus, label: T, secondary: bool| {
        html! {
            form.inline method="post" action=(format!("{base}/status")) {
                (hidden("status", word_of(&status)))
                @if secondary { button.secondary type="submit" { (ctx.t(label)) } }
                @else { button type="submit" { (ctx.t(label)) } }
            }
        }
    };
    let content = html! {
        h1 { (fill(ctx.t(T::VolunteerAt), &[&mine.organisation_name])) }
        p {
            span.badge.status data-testid="volunteer-status" { (ctx.t(match mine.status {
                VolunteerStatus::Active => T::VolunteerActive,
                VolunteerStatus::Paused => T::VolunteerPaused,
                VolunteerStatus::Left => T::VolunteerStopped,
            })) }
        }
        section aria-labelledby="listings-heading" {
            h2 #listings-heading { (ctx.t(T::OpenForYou)) }
            @if mine.listings.is_empty() {
                p { (ctx.t(T::NothingOpenForYou)) }
            }
            ul.cards {
                @for listing in &mine.listings {
                    li.card data-testid="listing" {
                        (listed(ctx, listing))
                        form.inline method="post" action=(format!("{base}/offer")) {
                            (hidden("listing", listing.listing))
                            button type="submit" { (ctx.t(T::IllDoIt)) (for_reader(ctx.t(i18n::category(listing.category)))) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="proposals-heading" {
            h2 #proposals-heading { (ctx.t(T::MyProposals)) }
            @if mine.proposals.is_empty() {
                p { (ctx.t(T::NoProposals)) }
            }
            ul.cards {
                @for p in &mine.proposals {
                    li.card data-testid="my-proposal" {
                        (listed(ctx, &p.request))
                        p { span.badge { (ctx.t(proposal_state(p.state))) } }
                        @if let Some(circle) = p.circle {
                            p { a href=(format!("/circles/{circle}/requests")) { (ctx.t(T::GoToTheCircle)) } }
                        }
                    }
                }
            }
        }
        section aria-labelledby="profile-heading" {
            h2 #profile-heading { (ctx.t(T::VolunteerProfile)) }
            form.stack method="post" action=(format!("{base}/profile")) {
                (profile_fields(ctx, Some(&mine.profile)))
                button type="submit" { (ctx.t(T::Save)) }
            }
            div.actions {
                @match mine.status {
                    VolunteerStatus::Active => (status_button(VolunteerStatus::Paused, T::VolunteerPause, true)),
                    _ => (status_button(VolunteerStatus::Active, T::VolunteerResume, false)),
                }
                @if mine.status != VolunteerStatus::Left {
                    (status_button(VolunteerStatus::Left, T::VolunteerStop, true))
                }
            }
        }
    };
    match mine.status {
        VolunteerStatus::Active => {
            layout::marketplace_page(ctx, ctx.t(T::VolunteerTitle), mine.organisation, content)
        }
        _ => layout::page(ctx, ctx.t(T::VolunteerTitle), None, content),
    }
}

/// A listed request as strangers see it: what, when, where roughly, the summary.
pub(crate) fn listed(ctx: &Ctx, listing: &v1::ListedRequest) -> Markup {
    let tz = time::zone(&listing.time_zone);
    html! {
        h3 { (ctx.t(i18n::category(listing.category))) }
        @if let Some(summary) = &listing.summary { (layout::written(summary)) }
        dl.facts {
            dt { (ctx.t(T::When)) }
            dd { (layout::span(ctx.lang, listing.window.start, listing.window.end, tz)) }
            dt { (ctx.t(T::HowLong)) }
            dd { (time::duration(ctx.lang, listing.duration_minutes.into())) }
            @if let Some(n) = &listing.neighbourhood {
                dt { (ctx.t(T::Neighbourhood)) }
                dd { (n) }
            }
        }
    }
}

pub(crate) fn proposal_state(state: v1::ProposalState) -> T {
    match state {
        v1::ProposalState::Waiting => T::ProposalWaiting,
        v1::ProposalState::Accepted => T::ProposalAccepted,
        v1::ProposalState::Declined => T::ProposalDeclined,
    }
}
