//! Identifiers. Callers create them (the domain has no randomness) and the
//! aggregates refuse a second use.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.parse()?))
            }
        }
    )*};
}

id!(
    /// A circle: one stream, `circle-<id>`.
    CircleId,
    /// A person: an account holder, or a focus person represented by the family.
    /// Personal data is sealed with this person's key.
    PersonId,
    OrganisationId,
    InvitationId,
    RequestId,
    OfferId,
    ShiftId,
    SwapId,
    EntryId,
    /// A person's volunteering for one organisation: `volunteer-<id>`.
    VolunteerId,
);

impl VolunteerId {
    /// The one id of `person`'s volunteering for `organisation`: joining twice
    /// lands in the same stream, whoever sends it.
    pub fn of(organisation: OrganisationId, person: PersonId) -> VolunteerId {
        let mut name = [0u8; 32];
        name[..16].copy_from_slice(organisation.0.as_bytes());
        name[16..].copy_from_slice(person.0.as_bytes());
        VolunteerId(Uuid::new_v5(&VOLUNTEER_NAMESPACE, &name))
    }
}

/// The namespace of volunteer ids (a fixed, random UUID).
const VOLUNTEER_NAMESPACE: Uuid = uuid::uuid!("6b1f3c2e-9a4d-4f7e-8c35-2d9e1a7b5c40");
