//! An organisation's dashboard: the circles that consented to it, each with its
//! health signals, and the coming rota where the consent is `full`.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kring_domain::circle::state::local_date;
use kring_domain::{
    Actor, CircleEvent, CircleId, ConsentScope, OrganisationId, PersonId, Sealed, Thresholds,
};
use kring_store::ViewStore;
use serde::{Deserialize, Serialize};

use crate::{load, Health, ProjectionError, Slot};

/// The kind under which each organisation's consenting circles are stored.
pub const ORGANISATION_VIEW: &str = "organisation";

/// Which circles gave an organisation consent, kept by the projector.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsentedCircles {
    pub circles: BTreeMap<CircleId, ConsentEntry>,
    /// Grows with every change: the stored row's version.
    #[serde(default)]
    pub revision: u64,
    /// The requests its consenting circles put on its marketplace, by listing id.
    #[serde(default)]
    pub listings: BTreeMap<uuid::Uuid, crate::marketplace::Listing>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    pub scope: ConsentScope,
    pub from: DateTime<Utc>,
    pub revoked: bool,
}

impl ConsentedCircles {
    /// Folds a circle's consent event in; other events change nothing.
    pub fn apply(&mut self, circle: CircleId, event: &CircleEvent) {
        self.revision += 1;
        match event {
            CircleEvent::ConsentGranted { scope, from, .. } => {
                self.circles.insert(
                    circle,
                    ConsentEntry {
                        scope: *scope,
                        from: *from,
                        revoked: false,
                    },
                );
            }
            CircleEvent::ConsentRevoked { .. } => {
                if let Some(c) = self.circles.get_mut(&circle) {
                    c.revoked = true;
                }
            }
            _ => {}
        }
    }
}

/// The organisation a consent event concerns.
pub(crate) fn consent_organisation(event: &CircleEvent) -> Option<OrganisationId> {
    match event {
        CircleEvent::ConsentGranted { organisation, .. }
        | CircleEvent::ConsentRevoked { organisation, .. } => Some(*organisation),
        _ => None,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardRow {
    pub circle: CircleId,
    pub scope: ConsentScope,
    pub focus: Option<PersonId>,
    pub focus_name: Option<Sealed>,
    pub health: Health,
    /// The next 7 days of the rota: only under `full` consent.
    pub rota: Option<Vec<Slot>>,
}

/// What `intermediary` of `organisation` may see of every circle that consented,
/// checked against each circle's own consent as it is now.
pub async fn dashboard(
    log: &dyn ViewStore,
    organisation: OrganisationId,
    intermediary: PersonId,
    now: DateTime<Utc>,
) -> Result<Vec<DashboardRow>, ProjectionError> {
    let Some(row) = log
        .load_view(ORGANISATION_VIEW, &organisation.to_string())
        .await?
    else {
        return Ok(vec![]);
    };
    let consented: ConsentedCircles =
        serde_json::from_str(&row.body).map_err(kring_store::StoreError::Json)?;
    let mut rows = vec![];
    for (circle, entry) in consented.circles {
        if entry.revoked || entry.from > now {
            continue;
        }
        let Some(view) = load(log, circle).await? else {
            continue;
        };
        let viewer = view.viewer(Actor::intermediary(intermediary, organisation), now);
        let kring_domain::Viewer::Intermediary { scope, .. } = viewer else {
            continue;
        };
        rows.push(DashboardRow {
            circle,
            scope,
            focus: view.state.focus,
            focus_name: view.focus_name.clone(),
            health: view.health(now),
            rota: (scope == ConsentScope::Full)
                .then(|| view.rota(&viewer, local_date(now, &view.state.time_zone), 7)),
        });
    }
    Ok(rows)
}

/// Why a consenting circle needs an intermediary's attention, worst first
/// (the order of the variants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attention {
    CarerAtRisk,
    OverCapacity,
    UnansweredRequests,
    OpenPlaces,
    Silent,
    OnlyWarm,
}

/// What of `health` needs attention under the organisation's `thresholds`,
/// worst first. The thresholds raise the bar for open places (any open place
/// counts when none is set) and switch silence on, as they do for the mail;
/// the other signals always count, mailed or not.
pub fn attention(health: &Health, thresholds: &Thresholds) -> Vec<Attention> {
    let silent = thresholds.silent_days > 0
        && health
            .days_since_last_entry
            .is_some_and(|days| days >= i64::from(thresholds.silent_days));
    [
        (Attention::CarerAtRisk, health.primary_carer_at_risk),
        (Attention::OverCapacity, health.members_over_capacity > 0),
        (
            Attention::UnansweredRequests,
            health.requests_unanswered_48h > 0,
        ),
        (
            Attention::OpenPlaces,
            health.open_shift_places_next_7_days >= thresholds.open_places.max(1),
        ),
        (Attention::Silent, silent),
        (Attention::OnlyWarm, health.only_warm),
    ]
    .into_iter()
    .filter_map(|(signal, on)| on.then_some(signal))
    .collect()
}

/// How urgent a circle is, smallest first: the most reasons first, then the
/// worst reasons, then the most open places, unanswered requests and silent
/// days. Ties are left to the caller (by name).
pub type Urgency = (
    Reverse<usize>,
    Vec<Attention>,
    Reverse<u32>,
    Reverse<u32>,
    Reverse<i64>,
);

pub fn urgency(attention: &[Attention], health: &Health) -> Urgency {
    (
        Reverse(attention.len()),
        attention.to_vec(),
        Reverse(health.open_shift_places_next_7_days),
        Reverse(health.requests_unanswered_48h),
        Reverse(health.days_since_last_entry.unwrap_or(0)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health() -> Health {
        Health {
            open_shift_places_next_7_days: 0,
            requests_unanswered_48h: 0,
            members_over_capacity: 0,
            primary_carer_at_risk: false,
            days_since_last_entry: Some(20),
            members_per_ring: BTreeMap::new(),
            only_warm: false,
            minutes_this_week: 0,
            minutes_last_week: 0,
        }
    }

    #[test]
    fn the_thresholds_decide_open_places_and_silence_and_the_rest_always_counts() {
        let none = Thresholds::default();
        assert_eq!(attention(&health(), &none), vec![], "silence is off");
        let quiet = Thresholds {
            silent_days: 14,
            ..none
        };
        assert_eq!(attention(&health(), &quiet), vec![Attention::Silent]);
        let never_wrote = Health {
            days_since_last_entry: None,
            ..health()
        };
        assert_eq!(
            attention(&never_wrote, &quiet),
            vec![],
            "no day it went quiet"
        );
        let busy = Health {
            open_shift_places_next_7_days: 2,
            primary_carer_at_risk: true,
            only_warm: true,
            ..health()
        };
        assert_eq!(
            attention(&busy, &none),
            vec![
                Attention::CarerAtRisk,
                Attention::OpenPlaces,
                Attention::OnlyWarm
            ],
            "worst first; any open place without a threshold"
        );
        let three = Thresholds {
            open_places: 3,
            ..none
        };
        assert_eq!(
            attention(&busy, &three),
            vec![Attention::CarerAtRisk, Attention::OnlyWarm]
        );
    }

    #[test]
    fn more_reasons_then_worse_ones_then_bigger_numbers_come_first() {
        let key = |a: &[Attention], open: u32| {
            urgency(
                a,
                &Health {
                    open_shift_places_next_7_days: open,
                    ..health()
                },
            )
        };
        let two = key(&[Attention::OpenPlaces, Attention::OnlyWarm], 1);
        let carer = key(&[Attention::CarerAtRisk], 0);
        let warm = key(&[Attention::OnlyWarm], 0);
        let calm = key(&[], 0);
        assert!(two < carer && carer < warm && warm < calm);
        let more_places = key(&[Attention::OpenPlaces, Attention::OnlyWarm], 5);
        assert!(more_places < two);
    }
}
