//! Coordination handed over: a coordinator asks a warm member on the members
//! page; the member answers on the circle's home page.

use axum::extract::Path;
use axum::response::Response;
use kring_protocol::v1;
use maud::{html, Markup};

use super::{changed, id};
use crate::api::Failure;
use crate::ctx::Ctx;
use crate::form::Fields;
use crate::i18n::{fill, T};

/// On the home page: the question for the member asked, or for the
/// coordinators whom they wait for.
pub fn section(ctx: &Ctx, circle: &v1::Circle) -> Markup {
    let Some(offer) = &circle.coordination_offer else {
        return html! {};
    };
    let action = format!("/circles/{}/coordination", circle.id);
    html! {
        section aria-labelledby="coordination-heading" data-testid="coordination-offer" {
            h2 #coordination-heading { (ctx.t(T::CoordinationHeading)) }
            @if offer.to.id == circle.you.person {
                p { (fill(ctx.t(T::CoordinationAsked), &[&offer.from.name])) }
                div.actions {
                    form.inline method="post" action=(action) {
                        input type="hidden" name="accept" value="yes";
                        button type="submit" { (ctx.t(T::CoordinationAccept)) }
                    }
                    form.inline method="post" action=(action) {
                        input type="hidden" name="accept" value="no";
                        button.secondary type="submit" { (ctx.t(T::CoordinationDecline)) }
                    }
                }
            } @else {
                p { (fill(ctx.t(T::CoordinationWaiting), &[&offer.to.name])) }
            }
        }
    }
}

/// `POST /circles/{id}/members/{person}/hand-over`: a coordinator asks.
pub async fn hand_over(ctx: Ctx, Path((circle, member)): Path<(String, String)>) -> Response {
    let (Ok(circle), Ok(member)) = (id(&circle), id(&member)) else {
        return ctx.failure(Failure::NotFound);
    };
    let outcome = ctx
        .client
        .post_empty::<v1::Changed>(&format!("/circles/{circle}/members/{member}/hand-over"))
        .await;
    ctx.after(
        changed(outcome),
        &format!("/circles/{circle}/members"),
        T::CoordinationAskedDone,
    )
}

/// `POST /circles/{id}/coordination`: the member asked answers.
pub async fn answer(ctx: Ctx, Path(circle): Path<String>, fields: Fields) -> Response {
    let Ok(circle) = id(&circle) else {
        return ctx.failure(Failure::NotFound);
    };
    let accept = fields.get("accept") == Some("yes");
    let outcome = ctx
        .client
        .post::<_, v1::Changed>(
            &format!("/circles/{circle}/coordination"),
            &v1::AnswerCoordination { accept },
        )
        .await;
    let done = match accept {
        true => T::CoordinationTaken,
        false => T::CoordinationDeclined,
    };
    ctx.after(changed(outcome), &format!("/circles/{circle}"), done)
}
