//! Standing offers of help ("I can do groceries, three hours a week").
//!
//! - `GET /api/v1/circles/{id}/offers`: the offers the caller may see. The
//!   audience of an offer is the warm ring, the coordinators and whoever made
//!   it, so a neighbour sees their own offers and nobody else's.
//! - `POST /api/v1/circles/{id}/offers`: make one; the domain refuses personal
//!   care offered from outside the warm ring.
//! - `DELETE /api/v1/circles/{id}/offers/{offer}`: withdraw it (whoever made
//!   it, or a coordinator).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kring_domain::{may_see, Action, CircleEvent, OfferId};
use kring_protocol::v1;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::extract::Body;
use super::policy::Resource;
use super::requests::{no_such, optional_text};
use super::wire::{category, domain_category};
use super::{command, idempotency::ids, wire, Problems};
use crate::{ApiError, AppState};

/// Most characters of an offer's note.
const MAX_NOTE_CHARS: usize = v1::limits::NOTE_CHARS;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, make))
        .routes(routes!(withdraw, change))
}

/// The standing offers the caller may see; 403 for volunteers of the cold ring.
#[utoipa::path(get, path = "/circles/{id}/offers", tag = "offers",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Offers), Problems))]
async fn list(State(state): State<AppState>, member: Member) -> Result<Json<v1::Offers>, ApiError> {
    member.may(Resource::Offers)?;
    let (view, viewer) = (&member.view, &member.viewer);
    let mut names = wire::Names::default();
    let mut offers = vec![];
    for (id, offer) in &view.state.offers {
        if offer.withdrawn {
            continue;
        }
        // The audience is decided on the offer's own event, as folded by the
        // read side; offers stored before it kept them are read without the
        // parts the domain state leaves out.
        let made = view
            .offers
            .get(id)
            .cloned()
            .unwrap_or(CircleEvent::OfferMade {
                offer: *id,
                by: offer.by,
                will: offer.will.clone(),
                wont: vec![],
                capacity: offer.capacity,
                note: None,
            });
        if !may_see(&view.state, &made, viewer) {
            continue;
        }
        let CircleEvent::OfferMade { wont, note, .. } = &made else {
            continue;
        };
        let note = match note {
            Some(sealed) => wire::text(state.app.vault.open(sealed).await?),
            None => None,
        };
        offers.push(v1::Offer {
            id: id.0,
            by: names.of(&state, offer.by).await?,
            will: offer.will.iter().copied().map(category).collect(),
            wont: wont.iter().copied().map(category).collect(),
            capacity: wire::capacity(offer.capacity),
            note,
        });
    }
    Ok(Json(v1::Offers {
        version: view.version,
        offers,
    }))
}

/// 201 with the offer's id; 422 for no kind of help, one both offered and
/// declined, a capacity out of range, or personal care from outside the warm ring.
#[utoipa::path(post, path = "/circles/{id}/offers", tag = "offers",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::MakeOffer,
    responses((status = 201, body = v1::Created), Problems))]
async fn make(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::MakeOffer>,
) -> Result<(StatusCode, Json<v1::Created>), ApiError> {
    let circle = circle_id(&id)?;
    let note = optional_text(
        body.note.as_deref(),
        MAX_NOTE_CHARS,
        crate::error::Code::NoteLength,
        "a note has at most",
    )?;
    let offer = OfferId(ids::new_id("offer"));
    let note = match note {
        Some(note) => Some(state.app.vault.seal(me, note).await?),
        None => None,
    };
    let action = Action::MakeOffer {
        offer,
        will: categories(&body.will),
        wont: categories(&body.wont),
        capacity: wire::domain_capacity(body.capacity),
        note,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok((
        StatusCode::CREATED,
        Json(v1::Created {
            id: offer.0,
            version,
        }),
    ))
}

/// 200 with the circle's version; 403 unless the caller made the offer or is a
/// coordinator; 409 when it was already withdrawn.
#[utoipa::path(delete, path = "/circles/{id}/offers/{offer}", tag = "offers",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("offer" = Uuid, Path, description = "the offer"),
    ),
    responses((status = 200, body = v1::Changed), Problems))]
async fn withdraw(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, offer)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let offer = offer
        .parse()
        .map_err(|_| no_such(kring_domain::Refusal::NoSuchOffer))?;
    let version = command::run(&state, circle, me, Action::WithdrawOffer { offer }).await?;
    Ok(Json(v1::Changed { version }))
}

/// 200 with the circle's version; 403 for anyone but the one who made it; 409
/// when it was withdrawn; 422 as for making one.
#[utoipa::path(put, path = "/circles/{id}/offers/{offer}", tag = "offers",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("offer" = Uuid, Path, description = "the offer"),
    ),
    request_body = v1::MakeOffer,
    responses((status = 200, body = v1::Changed), Problems))]
async fn change(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, offer)): Path<(String, String)>,
    Body(body): Body<v1::MakeOffer>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    let offer = offer
        .parse()
        .map_err(|_| no_such(kring_domain::Refusal::NoSuchOffer))?;
    let note = optional_text(
        body.note.as_deref(),
        MAX_NOTE_CHARS,
        crate::error::Code::NoteLength,
        "a note has at most",
    )?;
    let note = match note {
        Some(note) => Some(state.app.vault.seal(me, note).await?),
        None => None,
    };
    let action = Action::ChangeOffer {
        offer,
        will: categories(&body.will),
        wont: categories(&body.wont),
        capacity: wire::domain_capacity(body.capacity),
        note,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// Each kind once, in the order given.
fn categories(words: &[v1::Category]) -> Vec<kring_domain::Category> {
    let mut seen = vec![];
    for c in words.iter().copied().map(domain_category) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen
}
