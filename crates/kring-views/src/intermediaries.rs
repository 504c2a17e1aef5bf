//! Which organisations each person works for (as an intermediary): the index
//! behind "my organisations". Kept by the projector from the organisation
//! streams, one row per person, as [`crate::memberships`] keeps their circles.
//! Only ids: the name, and whether they still work there, are the
//! organisation's own say as it is now (its aggregate), read by whoever shows it.

use std::collections::BTreeSet;

use kring_domain::{OrganisationEvent, OrganisationId, PersonId};
use kring_store::ViewStore;
use serde::{Deserialize, Serialize};

use crate::ProjectionError;

/// The kind under which a person's organisations are stored.
pub const INTERMEDIARY_VIEW: &str = "intermediary";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonOrganisations {
    pub organisations: BTreeSet<OrganisationId>,
    /// Grows with every change: the stored row's version.
    pub revision: u64,
}

/// Whom `event` makes an intermediary (`true`) or stops being one (`false`).
/// An erasure is an `IntermediaryRemoved` of the person themself.
pub fn intermediary_change(event: &OrganisationEvent) -> Option<(PersonId, bool)> {
    match event {
        OrganisationEvent::OrganisationRegistered { by, .. } => Some((*by, true)),
        OrganisationEvent::IntermediaryAdded { person, .. } => Some((*person, true)),
        OrganisationEvent::IntermediaryRemoved { person, .. } => Some((*person, false)),
        OrganisationEvent::ThresholdsSet { .. }
        | OrganisationEvent::VolunteerSignUpOpened { .. }
        | OrganisationEvent::VolunteerSignUpClosed { .. } => None,
    }
}

impl PersonOrganisations {
    pub fn apply(&mut self, organisation: OrganisationId, works_there: bool) {
        if works_there {
            self.organisations.insert(organisation);
        } else {
            self.organisations.remove(&organisation);
        }
        self.revision += 1;
    }
}

/// The organisations `person` works for, as far as the projector got.
pub async fn organisations_of(
    log: &dyn ViewStore,
    person: PersonId,
) -> Result<PersonOrganisations, ProjectionError> {
    match log
        .load_view(INTERMEDIARY_VIEW, &person.to_string())
        .await?
    {
        Some(row) => {
            let mut organisations: PersonOrganisations =
                serde_json::from_str(&row.body).map_err(kring_store::StoreError::Json)?;
            organisations.revision = organisations.revision.max(row.version);
            Ok(organisations)
        }
        None => Ok(PersonOrganisations::default()),
    }
}
