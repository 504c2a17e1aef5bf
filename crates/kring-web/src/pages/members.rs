//! `/circles/{id}/members`: who is in the circle and in which ring, their
//! standing offers and capacity; coordinators invite (a link to copy, shown
//! once), move members between rings, name coordinators and remove members.

use axum::extract::Path;
use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, Capacity, Category, Ring, Role};
use maud::{html, Markup};
use uuid::Uuid;

use super::{changed, circle_of, created, id, read, read_if_allowed};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::{word_of, Fields};
use crate::i18n::{self, fill, T};
use crate::layout::{self, for_reader, hidden, person, ring_badge, CirclePage, Section};
use crate::time;

const CATEGORIES: [Category; 13] = [
    Category::Groceries,
    Category::Transport,
    Category::Chores,
    Category::OddJobs,
    Category::Visit,
    Category::Walk,
    Category::Coffee,
    Category::Finances,
    Category::Paperwork,
    Category::EmotionalSupport,
    Category::Washing,
    Category::Dressing,
    Category::Medication,
];

pub async fn show(ctx: Ctx, Path(circle): Path<String>) -> Response {
    match render(&ctx, &circle, None, StatusCode::OK).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

/// What the invite form made, or why not.
enum Invited {
    /// The invitation, and whether its link was mailed too.
    Link(v1::InvitationCreated, bool),
    Refused(String),
}

async fn render(
    ctx: &Ctx,
    circle: &str,
    invited: Option<Invited>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let circle = circle_of(ctx, id(circle)?).await?;
    let tz = time::zone(&circle.time_zone);
    let base = format!("/circles/{}", circle.id);
    let members: v1::Members = read(ctx, &format!("{base}/members")).await?;
    let offers: Option<v1::Offers> = read_if_allowed(ctx, &format!("{base}/offers")).await?;
    let invitations: Option<v1::Invitations> = if circle.may.read_invitations {
        read_if_allowed(ctx, &format!("{base}/invitations")).await?
    } else {
        None
    };
    // Requests widened to the marketplace: a volunteer is invited for one of them.
    let marketplace: Vec<v1::HelpRequest> = if circle.you.coordinator {
        read_if_allowed::<v1::Requests>(ctx, &format!("{base}/requests"))
            .await?
            .map(|r| r.requests)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.reach == Ring::Cold && r.status == v1::RequestStatus::Open)
            .collect()
    } else {
        Vec::new()
    };
    let helpers: Vec<v1::Helper> = if circle.you.coordinator {
        read_if_allowed(ctx, &format!("{base}/helpers"))
            .await?
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let me = circle.you.person;
    let lang = ctx.lang;
    let coordinator = circle.you.coordinator;
    let title = ctx.t(T::NavMembers);
    let content = html! {
        h1 { (title) }
        @match &invited {
            Some(Invited::Link(created, mailed)) => {
                section #invitation-link .flash.done data-keep aria-labelledby="invitation-link-heading" {
                    h2 #invitation-link-heading { (ctx.t(T::InvitationReady)) }
                    @if *mailed { p { (ctx.t(T::InvitationMailed)) } }
                    div.field {
                        label for="invite-link" { (ctx.t(T::InvitationLinkLabel)) }
                        div.copy-row {
                            input #invite-link type="text" readonly value=(created.link) data-testid="invite-link";
                            button type="button" data-copy="invite-link" { (ctx.t(T::CopyLink)) }
                        }
                    }
                    p.hint {
                        (ctx.t(T::InvitationOnce)) " "
                        (fill(ctx.t(T::ValidUntil), &[&time::moment(lang, created.expires_at, tz, time::today(tz))]))
                    }
                }
            }
            Some(Invited::Refused(detail)) => {
                div.flash.problem role="alert" { p { strong { (ctx.t(T::NotDone)) } " " (detail) } }
            }
            None => {}
        }
        section aria-labelledby="members-heading" {
            h2 #members-heading { (ctx.t(T::WhoIsInIt)) " (" (members.members.len()) ")" }
            ul.cards {
                @for member in &members.members {
                    (member_card(ctx, &base, member, me, coordinator))
                }
            }
        }
        (super::places::helpers(ctx, circle.id, &helpers))
        @if let Some(offers) = &offers {
            section aria-labelledby="offers-heading" {
                h2 #offers-heading { (ctx.t(T::Offers)) }
                p.hint { (ctx.t(T::OffersText)) }
                @if offers.offers.is_empty() {
                    p { (ctx.t(T::NoOffers)) }
                }
                ul.cards {
                    @for offer in &offers.offers {
                        li.card data-testid="offer" {
                            p { strong { (person(ctx, &offer.by)) } ": " (capacity(ctx, offer.capacity)) }
                            p { (ctx.t(T::WillDo)) ": " (categories(ctx, &offer.will)) }
                            @if !offer.wont.is_empty() {
                                p { (ctx.t(T::WontDo)) ": " (categories(ctx, &offer.wont)) }
                            }
                            @if let Some(note) = &offer.note { (layout::written(note)) }
                            @if offer.by.id == me {
                                form.inline method="post" action=(format!("{base}/offers/{}/withdraw", offer.id)) {
                                    button.secondary type="submit" { (ctx.t(T::WithdrawOffer)) }
                                }
                                (offer_form(ctx, &base, Some(offer)))
                            }
                        }
                    }
                }
                (offer_form(ctx, &base, None))
            }
        }
        @if coordinator {
            section aria-labelledby="invite-heading" {
                h2 #invite-heading { (ctx.t(T::Invite)) }
                p.hint { (ctx.t(T::InviteText)) }
                form.stack method="post" action=(format!("{base}/members")) {
                    div.field {
                        label for="invite-ring" { (ctx.t(T::Ring)) }
                        select #invite-ring name="ring" {
                            @for ring in [Ring::Warm, Ring::Lukewarm, Ring::Cold] {
                                option value=(word_of(&ring)) { (ctx.t(i18n::ring_explained(ring))) }
                            }
                        }
                    }
                    div.check {
                        input #invite-coordinator type="checkbox" name="coordinator" value="yes";
                        label for="invite-coordinator" { (ctx.t(T::InviteAsCoordinator)) }
                    }
                    @if !marketplace.is_empty() {
                        div.field {
                            label for="invite-task" { (ctx.t(T::InviteTask)) }
                            select #invite-task name="task" aria-describedby="invite-task-hint" {
                                option value="" { (ctx.t(T::NoTask)) }
                                @for request in &marketplace {
                                    option value=(request.id) {
                                        (ctx.t(i18n::category(request.category))) ", "
                                        (time::moment(lang, request.window_start, tz, time::today(tz)))
                                    }
                                }
                            }
                            p #invite-task-hint .hint { (ctx.t(T::InviteTaskHint)) }
                        }
                    }
                    div.field {
                        label for="invite-email" { (ctx.t(T::InviteEmail)) }
                        input #invite-email type="email" name="email" autocomplete="off" aria-describedby="invite-email-hint";
                        p #invite-email-hint .hint { (ctx.t(T::InviteEmailHint)) }
                    }
                    div.field {
                        label for="invite-days" { (ctx.t(T::ValidForDays)) }
                        input #invite-days type="number" name="expires_in_days" min="1" max="30" value="14";
                    }
                    button type="submit" { (ctx.t(T::MakeInvitation)) }
                }
                @if circle.may.invite_focus {
                    (focus_invitation(ctx, &base, &circle.focus.name))
                }
                @if let Some(invitations) = &invitations {
                    @if !invitations.invitations.is_empty() {
                        h3 { (ctx.t(T::OpenInvitations)) }
                        ul.list {
                            @for invitation in &invitations.invitations {
                                @let about = format!(": {}, {}", ctx.t(i18n::ring(invitation.ring)),
                                    time::moment(lang, invitation.expires_at, tz, time::today(tz)));
                                li.row data-testid="invitation" {
                                    span {
                                        (ring_badge(ctx, invitation.ring))
                                        @if invitation.role == Role::Coordinator { " " (ctx.t(T::Coordinator)) }
                                        @if invitation.role == Role::Focus { " " (ctx.t(T::FocusPerson)) }
                                        " — " (ctx.t(T::ValidUntilShort)) " " (layout::moment(lang, invitation.expires_at, tz))
                                        @if let Some(by) = &invitation.issued_by {
                                            " — " (ctx.t(T::MadeBy)) " " (by.name)
                                        }
                                    }
                                    form.inline method="post" action=(format!("{base}/invitations/{}/revoke", invitation.id)) {
                                        button.secondary type="submit" { (ctx.t(T::Revoke)) (for_reader(&about)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(ctx.html(
        status,
        layout::page(
            ctx,
            title,
            Some(CirclePage {
                circle: &circle,
                section: Section::Members,
                version: members.version,
            }),
            content,
        ),
    ))
}

fn member_card(ctx: &Ctx, base: &str, member: &v1::Member, me: Uuid, coordinator: bool) -> Markup {
    let id = member.person.id;
    let name = if member.person.forgotten {
        ctx.t(T::FormerMember).to_owned()
    } else {
        member.person.name.clone()
    };
    let about = format!(": {name}");
    html! {
        li.card data-testid="member" {
            p {
                strong { (person(ctx, &member.person)) }
                @if id == me { " (" (ctx.t(T::You)) ")" }
                " " (ring_badge(ctx, member.ring))
                @if member.coordinator { " " span.badge.role { (ctx.t(T::Coordinator)) } }
                @if member.focus { " " span.badge.role { (ctx.t(T::FocusPerson)) } }
            }
            @if member.task.is_some() { p.hint { (ctx.t(T::VolunteerForTask)) } }
            @if coordinator && !member.focus {
                div.actions {
                    @if member.ring != Ring::Cold {
                        @let other = if member.ring == Ring::Warm { Ring::Lukewarm } else { Ring::Warm };
                        form.inline method="post" action=(format!("{base}/members/{id}/ring")) {
                            (hidden("ring", word_of(&other)))
                            button.secondary type="submit" {
                                (fill(ctx.t(T::MoveToRing), &[ctx.t(i18n::ring(other))])) (for_reader(&about))
                            }
                        }
                    }
                    @if member.ring == Ring::Warm && !member.coordinator {
                        form.inline method="post" action=(format!("{base}/members/{id}/coordinator")) {
                            (hidden("coordinator", "yes"))
                            button.secondary type="submit" { (ctx.t(T::MakeCoordinator)) (for_reader(&about)) }
                        }
                        form.inline method="post" action=(format!("{base}/members/{id}/hand-over")) {
                            button.secondary type="submit" { (ctx.t(T::HandOver)) (for_reader(&about)) }
                        }
                    }
                    // Only a coordinator themself steps down.
                    @if member.coordinator && id == me {
                        form.inline method="post" action=(format!("{base}/members/{id}/coordinator")) {
                            (hidden("coordinator", "no"))
                            button.secondary type="submit" { (ctx.t(T::StopCoordinator)) }
                        }
                    }
                    @if id != me {
                        form.inline method="post" action=(format!("{base}/members/{id}/remove")) {
                            button.danger type="submit" { (ctx.t(T::RemoveMember)) (for_reader(&about)) }
                        }
                    }
                }
            }
            @if id == me && !member.focus {
                details #leave {
                    summary { (ctx.t(T::LeaveCircle)) }
                    p { (ctx.t(T::LeaveCircleText)) }
                    form.inline method="post" action=(format!("{base}/members/{id}/remove")) {
                        button.danger type="submit" { (ctx.t(T::LeaveCircleButton)) }
                    }
                }
            }
        }
    }
}

/// "Claim your place": a link for the person the circle is for, who has no
/// account in it yet (warm ring; they take their own place, not a new one).
fn focus_invitation(ctx: &Ctx, base: &str, name: &str) -> Markup {
    html! {
        details #invite-focus {
            summary { (fill(ctx.t(T::InviteFocusHeading), &[name])) }
            p { (fill(ctx.t(T::InviteFocusText), &[name])) }
            form.stack method="post" action=(format!("{base}/members")) {
                (layout::hidden("ring", "warm"))
                (layout::hidden("role", "focus"))
                div.field {
                    label for="invite-focus-email" { (ctx.t(T::InviteEmail)) }
                    input #invite-focus-email type="email" name="email" autocomplete="off";
                }
                button type="submit" { (ctx.t(T::InviteFocusButton)) }
            }
        }
    }
}

fn capacity(ctx: &Ctx, capacity: Capacity) -> String {
    match capacity {
        Capacity::HoursPerWeek(n) => i18n::count(ctx.lang, n, T::HourPerWeek, T::HoursPerWeek),
        Capacity::TasksPerMonth(n) => i18n::count(ctx.lang, n, T::TaskPerMonth, T::TasksPerMonth),
    }
}

fn categories(ctx: &Ctx, categories: &[Category]) -> String {
    categories
        .iter()
        .map(|c| ctx.t(i18n::category(*c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A new offer, or (with `existing`) a change to one's own, filled in as it is.
fn offer_form(ctx: &Ctx, base: &str, existing: Option<&v1::Offer>) -> Markup {
    let (key, action, summary, button) = match existing {
        Some(o) => (
            format!("offer-{}", o.id),
            format!("{base}/offers/{}/change", o.id),
            T::ChangeOffer,
            T::ChangeOfferButton,
        ),
        None => (
            "offer".to_owned(),
            format!("{base}/offers"),
            T::MakeOffer,
            T::MakeOfferButton,
        ),
    };
    let will = |c: &Category| existing.is_some_and(|o| o.will.contains(c));
    let wont = |c: &Category| existing.is_some_and(|o| o.wont.contains(c));
    let (tasks, amount) = match existing.map(|o| o.capacity) {
        Some(Capacity::TasksPerMonth(n)) => (true, n),
        Some(Capacity::HoursPerWeek(n)) => (false, n),
        None => (false, 2),
    };
    html! {
        details #(format!("{key}-form")) {
            summary { (ctx.t(summary)) }
            form.stack method="post" action=(action) {
                fieldset {
                    legend { (ctx.t(T::WillDo)) }
                    div.checks {
                        @for category in CATEGORIES {
                            @let word = word_of(&category);
                            div.check {
                                input #(format!("{key}-will-{word}")) type="checkbox" name="will" value=(word) checked[will(&category)];
                                label for=(format!("{key}-will-{word}")) { (ctx.t(i18n::category(category))) }
                            }
                        }
                    }
                }
                fieldset {
                    legend { (ctx.t(T::WontDo)) }
                    div.checks {
                        @for category in CATEGORIES {
                            @let word = word_of(&category);
                            div.check {
                                input #(format!("{key}-wont-{word}")) type="checkbox" name="wont" value=(word) checked[wont(&category)];
                                label for=(format!("{key}-wont-{word}")) { (ctx.t(i18n::category(category))) }
                            }
                        }
                    }
                }
                fieldset {
                    legend { (ctx.t(T::HowMuch)) }
                    div.check {
                        input #(format!("{key}-capacity-hours")) type="radio" name="capacity_kind" value="hours_per_week" checked[!tasks];
                        label for=(format!("{key}-capacity-hours")) { (ctx.t(T::HoursPerWeekLabel)) }
                    }
                    div.check {
                        input #(format!("{key}-capacity-tasks")) type="radio" name="capacity_kind" value="tasks_per_month" checked[tasks];
                        label for=(format!("{key}-capacity-tasks")) { (ctx.t(T::TasksPerMonthLabel)) }
                    }
                    div.field {
                        label for=(format!("{key}-capacity-amount")) { (ctx.t(T::Amount)) }
                        input #(format!("{key}-capacity-amount")) type="number" name="capacity_amount" min="1" max="80" value=(amount) required;
                    }
                }
                div.field {
                    label for=(format!("{key}-note")) { (ctx.t(T::NoteOptional)) }
                    input #(format!("{key}-note")) type="text" name="note" maxlength="500" aria-describedby=(format!("{key}-note-hint"))
                        value=[existing.and_then(|o| o.note.as_deref())];
                    p #(format!("{key}-note-hint")) .hint { (ctx.t(T::OfferNoteHint)) }
                }
                button type="submit" { (ctx.t(button)) }
            }
        }
    }
}

fn incomplete(ctx: &Ctx) -> Failure {
    Failure::Refused {
        status: 422,
        code: String::new(),
        detail: ctx.t(T::FormIncomplete).to_owned(),
    }
}

/// `POST /circles/{id}/members`: invite. The link is shown on the page this
/// answers, once: it is never stored (nor put in a cookie or an address).
pub async fn invite(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle_id) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let task = fields.parse::<Uuid>("task");
    let body = v1::Invite {
        ring: fields.word("ring").unwrap_or(Ring::Warm),
        role: if fields.get("role") == Some("focus") {
            Role::Focus
        } else if fields.checked("coordinator") {
            Role::Coordinator
        } else {
            Role::Member
        },
        task,
        expires_in_days: fields.parse("expires_in_days"),
    };
    // With an address, Kring mails the link as well.
    let email = fields.get("email").map(str::to_owned);
    let outcome = match &email {
        Some(email) => {
            let body = v1::InviteByMail {
                email: email.clone(),
                invite: body,
            };
            let path = format!("/circles/{circle_id}/invitations/mail");
            ctx.client
                .post::<_, v1::InvitationCreated>(&path, &body)
                .await
        }
        None => {
            ctx.client
                .post::<_, v1::InvitationCreated>(
                    &format!("/circles/{circle_id}/invitations"),
                    &body,
                )
                .await
        }
    };
    let (invited, status) = match outcome {
        Ok(created) => (Invited::Link(created, email.is_some()), StatusCode::OK),
        Err(Failure::Refused { status, detail, .. }) => (
            Invited::Refused(detail),
            StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
        ),
        Err(failure) => return ctx.refused(failure, &format!("/circles/{circle_id}/members")),
    };
    match render(&ctx, &circle, Some(invited), status).await {
        Ok(response) => response,
        Err(failure) => ctx.failure(failure),
    }
}

fn back(circle: Uuid) -> String {
    format!("/circles/{circle}/members")
}

/// `POST /circles/{id}/members/{person}/ring`.
pub async fn change_ring(
    ctx: Ctx,
    Path((circle, member)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(member)) = (id(&circle), id(&member)) else {
        return ctx.failure(Failure::NotFound);
    };
    let Some(ring) = fields.word::<Ring>("ring") else {
        return ctx.refused(incomplete(&ctx), &back(circle));
    };
    let outcome = ctx
        .client
        .put::<_, v1::Changed>(
            &format!("/circles/{circle}/members/{member}/ring"),
            &v1::ChangeRing { ring },
        )
        .await;
    ctx.after(changed(outcome), &back(circle), T::RingChanged)
}

/// `POST /circles/{id}/members/{person}/coordinator`: `coordinator=yes|no`.
pub async fn coordinator(
    ctx: Ctx,
    Path((circle, member)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(member)) = (id(&circle), id(&member)) else {
        return ctx.failure(Failure::NotFound);
    };
    let path = format!("/circles/{circle}/members/{member}/coordinator");
    let outcome = if fields.get("coordinator") == Some("no") {
        ctx.client.delete::<v1::Changed>(&path).await
    } else {
        ctx.client.post_empty::<v1::Changed>(&path).await
    };
    ctx.after(changed(outcome), &back(circle), T::Saved)
}

/// `POST /circles/{id}/members/{person}/remove`: remove a member, or leave.
pub async fn remove(ctx: Ctx, Path((circle, member)): Path<(String, String)>) -> Response {
    let (Ok(circle), Ok(member)) = (id(&circle), id(&member)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .delete::<v1::Changed>(&format!("/circles/{circle}/members/{member}"))
        .await;
    // Whoever left is no longer in the circle: back to their circles.
    let me = ctx
        .client
        .get::<v1::Circle>(&format!("/circles/{circle}"))
        .await;
    let back = match me {
        Err(Failure::NotFound) => "/".to_owned(),
        _ => back(circle),
    };
    let version = match &back[..] {
        "/" => outcome.map(|_| None),
        _ => changed(outcome),
    };
    ctx.after(version, &back, T::MemberRemoved)
}

/// `POST /circles/{id}/invitations/{invitation}/revoke`.
pub async fn revoke_invitation(
    ctx: Ctx,
    Path((circle, invitation)): Path<(String, String)>,
) -> Response {
    let (Ok(circle), Ok(invitation)) = (id(&circle), id(&invitation)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .delete::<v1::Changed>(&format!("/circles/{circle}/invitations/{invitation}"))
        .await;
    ctx.after(changed(outcome), &back(circle), T::InvitationRevoked)
}

/// `POST /circles/{id}/offers`: a standing offer.
pub async fn offer(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .post::<_, v1::Created>(&format!("/circles/{circle}/offers"), &offer_of(&fields))
        .await;
    ctx.after(created(outcome), &back(circle), T::OfferMade)
}

/// `POST /circles/{id}/offers/{offer}/change`: one's own offer, changed.
pub async fn change_offer(
    ctx: Ctx,
    Path((circle, offer)): Path<(String, String)>,
    fields: Fields,
) -> Response {
    let (Ok(circle), Ok(offer)) = (id(&circle), id(&offer)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .put::<_, v1::Changed>(
            &format!("/circles/{circle}/offers/{offer}"),
            &offer_of(&fields),
        )
        .await;
    ctx.after(changed(outcome), &back(circle), T::OfferChanged)
}

/// The offer a form describes.
fn offer_of(fields: &Fields) -> v1::MakeOffer {
    let amount: u16 = fields.parse("capacity_amount").unwrap_or(0);
    let capacity = match fields.get("capacity_kind") {
        Some("tasks_per_month") => Capacity::TasksPerMonth(amount),
        _ => Capacity::HoursPerWeek(amount),
    };
    let words = |name: &str| -> Vec<Category> {
        fields
            .all(name)
            .into_iter()
            .filter_map(crate::form::word)
            .collect()
    };
    v1::MakeOffer {
        will: words("will"),
        wont: words("wont"),
        capacity,
        note: fields.get("note").map(str::to_owned),
    }
}

/// `POST /circles/{id}/offers/{offer}/withdraw`.
pub async fn withdraw_offer(ctx: Ctx, Path((circle, offer)): Path<(String, String)>) -> Response {
    let (Ok(circle), Ok(offer)) = (id(&circle), id(&offer)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .delete::<v1::Changed>(&format!("/circles/{circle}/offers/{offer}"))
        .await;
    ctx.after(changed(outcome), &back(circle), T::OfferWithdrawn)
}
