//! A place in the lukewarm ring for a volunteer who helped a circle three
//! times or more: offered by the coordinators on the members page, answered
//! by the volunteer on their home page.

use axum::extract::Path;
use axum::response::Response;
use kring_protocol::v1;
use maud::{html, Markup};
use uuid::Uuid;

use super::{changed, id};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::{fill, T};

/// On the members page, for coordinators: who helped often, and the offer.
pub fn helpers(ctx: &Ctx, circle: Uuid, helpers: &[v1::Helper]) -> Markup {
    html! {
        @if !helpers.is_empty() {
            section aria-labelledby="helpers-heading" {
                h2 #helpers-heading { (ctx.t(T::HelpersHeading)) }
                p.hint { (ctx.t(T::HelpersText)) }
                ul.cards {
                    @for helper in helpers {
                        li.card data-testid="helper" {
                            p { (fill(ctx.t(T::HelperTasks), &[&helper.first_name, &helper.tasks.to_string()])) }
                            @if helper.offered {
                                p { (ctx.t(T::PlaceOfferedWaiting)) }
                            } @else {
                                form.inline method="post" action=(format!("/circles/{circle}/helpers/{}/place", helper.person)) {
                                    button type="submit" { (ctx.t(T::OfferPlace)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /circles/{id}/helpers/{person}/place`: a coordinator offers a place.
pub async fn offer(ctx: Ctx, Path((circle, person)): Path<(String, String)>) -> Response {
    let (Ok(circle), Ok(person)) = (id(&circle), id(&person)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .post_empty::<v1::Changed>(&format!("/circles/{circle}/helpers/{person}/place"))
        .await;
    let back = format!("/circles/{circle}/members");
    ctx.after(changed(outcome), &back, T::PlaceOfferedDone)
}

/// On the home page: the circles that offer the reader a place.
pub fn offered(ctx: &Ctx, places: &[v1::PlaceOffered]) -> Markup {
    html! {
        @if !places.is_empty() {
            section aria-labelledby="places-heading" {
                h2 #places-heading { (ctx.t(T::PlacesHeading)) }
                ul.cards {
                    @for place in places {
                        li.card data-testid="place-offered" {
                            p { (fill(ctx.t(T::PlaceInvite), &[&place.focus.name])) }
                            div.actions {
                                @for (accept, label) in [("yes", T::PlaceYes), ("no", T::PlaceNo)] {
                                    form.inline method="post" action=(format!("/me/places/{}", place.circle)) {
                                        input type="hidden" name="accept" value=(accept);
                                        button type="submit" class=[(accept == "no").then_some("secondary")] { (ctx.t(label)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /me/places/{id}`: the reader's answer (`accept=yes|no`).
pub async fn answer(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let accept = fields.get("accept") == Some("yes");
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(
            &format!("/me/places/{circle}"),
            &v1::AnswerProposal { accept },
        )
        .await;
    match accept {
        true => ctx.after(
            changed(outcome),
            &format!("/circles/{circle}"),
            T::PlaceTaken,
        ),
        false => ctx.after(outcome.map(|_| None), "/", T::PlaceDeclined),
    }
}
