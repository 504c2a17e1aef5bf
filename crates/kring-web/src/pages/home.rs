//! `/`: my circles, or (logged out) a welcome with log-in and sign-up.

use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1;
use maud::{html, Markup};

use crate::api::Failure;
use crate::ctx::Ctx;
use crate::i18n::{fill, T};
use crate::layout::{self, ring_badge};

pub async fn show(mut ctx: Ctx) -> Response {
    let circles = match ctx.client.get::<Vec<v1::CircleSummary>>("/circles").await {
        Ok(circles) => circles,
        Err(Failure::SignedOut) => {
            ctx.signed_in = false;
            return welcome(&ctx);
        }
        Err(failure) => return ctx.failure(failure),
    };
    ctx.signed_in = true;
    let me = ctx.client.get::<v1::Me>("/me").await.ok();
    let places = ctx
        .client
        .get::<Vec<v1::PlaceOffered>>("/me/places")
        .await
        .unwrap_or_default();
    let organisations = ctx
        .client
        .get::<Vec<v1::MyOrganisation>>("/me/organisations")
        .await
        .unwrap_or_default();
    let content = html! {
        h1 { (ctx.t(T::MyCircles)) }
        @if let Some(me) = &me {
            p { (fill(ctx.t(T::LoggedInAs), &[&me.name])) }
            @if !me.email_verified {
                div.flash.done role="status" data-testid="verify-notice" {
                    p { (ctx.t(T::VerifyNotice)) }
                    form method="post" action="/me/email/verification" {
                        button.secondary type="submit" { (ctx.t(T::SendAgain)) }
                    }
                }
            }
        }
        (super::places::offered(&ctx, &places))
        @if circles.is_empty() {
            p { (ctx.t(T::NoCirclesYet)) }
        } @else {
            ul.cards aria-label=(ctx.t(T::MyCircles)) {
                @for circle in &circles {
                    li.card data-testid="circle" {
                        h2 {
                            a href=(format!("/circles/{}", circle.id)) {
                                (fill(ctx.t(T::CircleAround), &[&circle.focus.name]))
                            }
                        }
                        p {
                            (ctx.t(T::YourPlace)) ": " (ring_badge(&ctx, circle.you.ring))
                            @if circle.you.coordinator { " " span.badge.role { (ctx.t(T::Coordinator)) } }
                            @if circle.you.focus { " " span.badge.role { (ctx.t(T::FocusPerson)) } }
                            @match circle.life {
                                v1::LifeState::Paused => { " " span.badge.status { (ctx.t(T::LifePaused)) } }
                                v1::LifeState::Ended => { " " span.badge.status { (ctx.t(T::LifeEnded)) } }
                                v1::LifeState::Active => {}
                            }
                        }
                    }
                }
            }
        }
        p.actions {
            a.button href="/circles/new" { (ctx.t(T::StartCircle)) }
            " "
            a.button.secondary href="/join" { (ctx.t(T::JoinWithInvitation)) }
        }
        p { a href="/me/mail" { (ctx.t(T::MailPrefsLink)) } }
        p { a href="/me/export" download { (ctx.t(T::DownloadMyData)) } }
        p { a href="/me/delete" { (ctx.t(T::DeleteAccountLink)) } }
        (my_organisations(&ctx, &organisations))
        section aria-labelledby="org-heading" {
            h2 #org-heading { (ctx.t(T::ForOrganisations)) }
            p { (ctx.t(T::ForOrganisationsText)) }
            form.stack method="post" action="/organisations" {
                div.field {
                    label for="org-name" { (ctx.t(T::OrganisationName)) }
                    input #org-name type="text" name="name" required maxlength="120" autocomplete="organization";
                }
                button type="submit" { (ctx.t(T::RegisterOrganisation)) }
            }
        }
    };
    ctx.html(
        StatusCode::OK,
        layout::page(&ctx, ctx.t(T::MyCircles), None, content),
    )
}

/// The organisations the person works for, each a link to its page; nothing
/// for someone who works for none.
fn my_organisations(ctx: &Ctx, organisations: &[v1::MyOrganisation]) -> Markup {
    html! {
        @if !organisations.is_empty() {
            section aria-labelledby="my-orgs-heading" {
                h2 #my-orgs-heading { (ctx.t(T::MyOrganisations)) }
                p { (ctx.t(T::MyOrganisationsText)) }
                ul.list {
                    @for organisation in organisations {
                        li data-testid="my-organisation" {
                            a href=(format!("/organisations/{}", organisation.id)) { (organisation.name) }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /me/email/verification`: another mail with a link that proves the address.
pub async fn send_verification(ctx: Ctx) -> Response {
    let outcome = ctx
        .client
        .post_empty::<v1::MailAccepted>("/me/email/verification")
        .await;
    ctx.after(outcome.map(|_| None), "/", T::VerificationSent)
}

fn welcome(ctx: &Ctx) -> Response {
    let content = html! {
        h1 { "Kring" }
        p.lead { (ctx.t(T::WelcomeLead)) }
        ul.plain {
            li { (ctx.t(T::WelcomePoint1)) }
            li { (ctx.t(T::WelcomePoint2)) }
            li { (ctx.t(T::WelcomePoint3)) }
        }
        p.actions {
            a.button href="/login" { (ctx.t(T::LogIn)) }
            " "
            a.button.secondary href="/signup" { (ctx.t(T::SignUp)) }
        }
        p { (ctx.t(T::WelcomeInvited)) }
    };
    ctx.html(StatusCode::OK, layout::page(ctx, "Kring", None, content))
}
