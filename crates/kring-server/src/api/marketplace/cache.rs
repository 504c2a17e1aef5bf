//! What a node keeps for marketplace reads, and the reads through it: the
//! organisation's listings and volunteers as the projector stored them (parsed
//! once per stored version), and the looks this node put on circles' records
//! today.

use std::sync::Arc;

use chrono::Utc;
use kring_domain::circle::state::local_date;
use kring_domain::{Action, Actor, Looked, OrganisationId, PersonId, RefusalKind};
use kring_views::{ConsentedCircles, Listing, ParsedViews, Volunteers};

use crate::api::command;
use crate::{ApiError, AppState};

/// What a node keeps for marketplace reads: parsed views while they stay
/// current, and the looks it already put on a circle's record today.
pub(crate) struct MarketplaceCache {
    listings: ParsedViews<ConsentedCircles>,
    volunteers: ParsedViews<Volunteers>,
    looks_today: LooksToday,
}

impl Default for MarketplaceCache {
    fn default() -> MarketplaceCache {
        MarketplaceCache {
            listings: ParsedViews::new(kring_views::ORGANISATION_VIEW),
            volunteers: ParsedViews::new(kring_views::VOLUNTEERS_VIEW),
            looks_today: LooksToday::default(),
        }
    }
}

/// A look this node recorded: on the circle's local day, by whom, for which
/// organisation, in which circle, of what kind.
type Look = (
    chrono::NaiveDate,
    PersonId,
    OrganisationId,
    kring_domain::CircleId,
    Looked,
);

/// The marketplace's looks are on a circle's record once a day (the domain
/// records nothing for a repeat); a node that recorded one today need not ask
/// the circle again, so a board of a thousand listings costs no thousand
/// commands. Another node asks once itself; the domain still records one.
#[derive(Default)]
struct LooksToday(std::sync::Mutex<std::collections::HashSet<Look>>);

/// Past this many, the looks of earlier days are forgotten.
const LOOKS_KEPT: usize = 100_000;

impl LooksToday {
    fn contains(&self, look: &Look) -> bool {
        self.lock().contains(look)
    }

    fn insert(&self, look: Look) {
        let mut looks = self.lock();
        if looks.len() >= LOOKS_KEPT {
            let today = look.0;
            looks.retain(|l| l.0 >= today);
        }
        looks.insert(look);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<Look>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The organisation's listings, as the projector has stored them: they may
/// lag the log by a moment (every board load writes looks, so waiting for the
/// projector would chase it). Whatever acts on a listing or shows it checks
/// its circle as it is now first (`wanted_listing`, `looked`).
pub(crate) async fn listings(
    state: &AppState,
    organisation: OrganisationId,
) -> Result<Arc<ConsentedCircles>, ApiError> {
    let key = organisation.to_string();
    Ok(state
        .app
        .marketplace
        .listings
        .get(state.log.as_ref(), &key)
        .await?)
}

/// The organisation's volunteers as the projector has stored them (ranking
/// may miss a profile changed a moment ago; proposing checks the volunteer now).
pub(super) async fn volunteers(
    state: &AppState,
    organisation: OrganisationId,
) -> Result<Arc<Volunteers>, ApiError> {
    let key = organisation.to_string();
    Ok(state
        .app
        .marketplace
        .volunteers
        .get(state.log.as_ref(), &key)
        .await?)
}

/// Puts the look on the circle's record; false when its consent ended meanwhile.
pub(crate) async fn looked(
    state: &AppState,
    listing: &Listing,
    me: PersonId,
    organisation: OrganisationId,
    what: Looked,
) -> Result<bool, ApiError> {
    let today = local_date(Utc::now(), &listing.time_zone);
    let look = (today, me, organisation, listing.circle, what);
    if state.app.marketplace.looks_today.contains(&look) {
        return Ok(true);
    }
    let action = Action::RecordLook { what };
    let actor = Actor::intermediary(me, organisation);
    match command::run_as(state, listing.circle, actor, action).await {
        Ok(_) => {
            state.app.marketplace.looks_today.insert(look);
            Ok(true)
        }
        Err(ApiError::NoSuchCircle) => Ok(false),
        Err(ApiError::Refused(e)) if e.kind() == RefusalKind::NotAllowed => Ok(false),
        Err(e) => Err(e),
    }
}
