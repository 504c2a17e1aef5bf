//! Which circles each person is in: the index behind "my circles". Kept by the
//! projector next to the circle views, one row per person.

use std::collections::BTreeSet;

use kring_domain::{CircleEvent, CircleId, PersonId};
use kring_store::ViewStore;
use serde::{Deserialize, Serialize};

use crate::ProjectionError;

/// The kind under which a person's circles are stored.
pub const MEMBERSHIP_VIEW: &str = "member";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCircles {
    pub circles: BTreeSet<CircleId>,
    /// Circles that offer the person a place in their lukewarm ring, not yet answered.
    #[serde(default)]
    pub places_offered: BTreeSet<CircleId>,
    /// Grows with every change: the stored row's version.
    pub revision: u64,
}

/// Whom `event` brings into (`true`) or takes out of (`false`) its circle.
pub fn membership_change(event: &CircleEvent) -> Option<(PersonId, bool)> {
    match event {
        CircleEvent::CircleCreated { coordinator, .. } => Some((*coordinator, true)),
        CircleEvent::MemberJoined { person, .. } | CircleEvent::FocusClaimed { person, .. } => {
            Some((*person, true))
        }
        CircleEvent::MemberLeft { person, .. } | CircleEvent::MemberRemoved { person, .. } => {
            Some((*person, false))
        }
        _ => None,
    }
}

/// Whom `event` offers a place in its circle (`true`), or whose offer it settles (`false`).
pub fn place_change(event: &CircleEvent) -> Option<(PersonId, bool)> {
    match event {
        CircleEvent::PlaceOffered { volunteer, .. } => Some((*volunteer, true)),
        CircleEvent::PlaceAnswered { volunteer, .. } => Some((*volunteer, false)),
        _ => None,
    }
}

impl PersonCircles {
    pub fn offer(&mut self, circle: CircleId, open: bool) {
        if open {
            self.places_offered.insert(circle);
        } else {
            self.places_offered.remove(&circle);
        }
        self.revision += 1;
    }

    pub fn apply(&mut self, circle: CircleId, joined: bool) {
        if joined {
            self.circles.insert(circle);
        } else {
            self.circles.remove(&circle);
        }
        self.revision += 1;
    }
}

/// The circles `person` is in, as far as the projector got.
pub async fn circles_of(
    log: &dyn ViewStore,
    person: PersonId,
) -> Result<PersonCircles, ProjectionError> {
    match log.load_view(MEMBERSHIP_VIEW, &person.to_string()).await? {
        Some(row) => {
            let mut circles: PersonCircles =
                serde_json::from_str(&row.body).map_err(kring_store::StoreError::Json)?;
            circles.revision = circles.revision.max(row.version);
            Ok(circles)
        }
        None => Ok(PersonCircles::default()),
    }
}
