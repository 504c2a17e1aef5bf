//! An organisation's dashboard: the circles that consented to it, each with its
//! health signals, and the coming rota where the consent is `full`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kring_domain::circle::state::local_date;
use kring_domain::{Actor, CircleEvent, CircleId, ConsentScope, OrganisationId, PersonId, Sealed};
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
