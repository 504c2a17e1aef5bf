//! Between the domain's words and the wire's: the protocol crate knows no
//! domain type, so the server translates here. The words clients and events
//! share (ring, category, visibility, consent scope, capacity, role) and the
//! events themselves are translated once, in `kring_live::wire` (which the
//! live frames use too), and re-exported here; this module adds what needs
//! the server's state (names, opened text).

use std::collections::HashMap;

use kring_app::Opened;
use kring_domain::PersonId;
use kring_protocol::v1;

pub(crate) use kring_live::wire::{
    capacity, category, domain_capacity, domain_category, domain_end_reason, domain_ring,
    domain_role, domain_scope, domain_visibility, end_reason, event, ring, role, scope, sealed_in,
    visibility,
};

use crate::{ApiError, AppState};

/// What is shown for a person whose key was destroyed.
pub(crate) const FORMER_MEMBER: &str = "a former member";

/// Opened text, or `None` when its owner was forgotten.
pub(crate) fn text(opened: Opened) -> Option<String> {
    match opened {
        Opened::Text(text) => Some(text),
        Opened::Forgotten => None,
    }
}

/// A person as others see them. `name` is `None` when they were forgotten
/// (or never had a name here).
pub(crate) fn person(id: PersonId, name: Option<String>) -> v1::Person {
    v1::Person {
        id: id.0,
        forgotten: name.is_none(),
        name: name.unwrap_or_else(|| FORMER_MEMBER.to_owned()),
    }
}

/// Account names looked up once per request.
#[derive(Default)]
pub(crate) struct Names {
    people: HashMap<PersonId, v1::Person>,
    /// The request's keys: a page fetches them in one query ([`Names::fetch`]).
    keys: Option<kring_app::KeyRing>,
}

impl Names {
    pub(crate) async fn of(
        &mut self,
        state: &AppState,
        person: PersonId,
    ) -> Result<v1::Person, ApiError> {
        if let Some(known) = self.people.get(&person) {
            return Ok(known.clone());
        }
        let name = match state.app.accounts.sealed_name(person).await? {
            Some(sealed) => self.open(state, &sealed).await?,
            None => None,
        };
        let shown = self::person(person, name);
        self.people.insert(person, shown.clone());
        Ok(shown)
    }

    /// Fetches the keys of everyone whose names or fields a page shows, at once.
    pub(crate) async fn fetch(
        &mut self,
        state: &AppState,
        owners: impl IntoIterator<Item = PersonId>,
    ) -> Result<(), ApiError> {
        Ok(self.keys(state).fetch(owners).await?)
    }

    /// A sealed field, opened with the request's keys.
    pub(crate) async fn open(
        &mut self,
        state: &AppState,
        sealed: &kring_domain::Sealed,
    ) -> Result<Option<String>, ApiError> {
        Ok(text(self.keys(state).open(sealed).await?))
    }

    fn keys(&mut self, state: &AppState) -> &mut kring_app::KeyRing {
        self.keys.get_or_insert_with(|| state.app.vault.keyring())
    }
}

/// How a circle is doing, without content: for coordinators and organisations alike.
pub(crate) fn signals(health: &kring_views::Health) -> v1::Signals {
    let count = |ring| health.members_per_ring.get(&ring).copied().unwrap_or(0);
    v1::Signals {
        open_shift_places_next_7_days: health.open_shift_places_next_7_days,
        requests_unanswered_48h: health.requests_unanswered_48h,
        members_over_capacity: health.members_over_capacity,
        primary_carer_at_risk: health.primary_carer_at_risk,
        days_since_last_entry: health.days_since_last_entry,
        members: v1::RingCounts {
            warm: count(kring_domain::Ring::Warm),
            lukewarm: count(kring_domain::Ring::Lukewarm),
            cold: count(kring_domain::Ring::Cold),
        },
        only_warm: health.only_warm,
        minutes_this_week: health.minutes_this_week,
        minutes_last_week: health.minutes_last_week,
    }
}

/// Why a circle on a dashboard needs attention.
pub(crate) fn attention(a: kring_views::Attention) -> v1::Attention {
    use kring_views::Attention as A;
    match a {
        A::CarerAtRisk => v1::Attention::CarerAtRisk,
        A::OverCapacity => v1::Attention::OverCapacity,
        A::UnansweredRequests => v1::Attention::UnansweredRequests,
        A::OpenPlaces => v1::Attention::OpenPlaces,
        A::Silent => v1::Attention::Silent,
        A::OnlyWarm => v1::Attention::OnlyWarm,
    }
}
