//! Consent for organisations, and their looks.

use chrono::{DateTime, Duration, Utc};

use super::Decision;
use crate::circle::commands::Action;
use crate::circle::events::CircleEvent;
use crate::circle::state::Circle;
use crate::{DomainError, PersonId};

impl Circle {
    pub(super) fn decide_consent(
        &self,
        action: Action,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> Decision {
        match action {
            Action::GrantConsent {
                organisation,
                scope,
                from,
            } => {
                self.require_coordinator_or_focus(by)?;
                if from < now - Duration::minutes(5) {
                    return Err(DomainError::Invalid("consent cannot start in the past"));
                }
                if let Some(c) = self.consents.get(&organisation) {
                    if !c.revoked && c.scope == scope && c.from == from {
                        return Err(DomainError::Conflict("this consent is already given"));
                    }
                }
                Ok(vec![CircleEvent::ConsentGranted {
                    organisation,
                    scope,
                    from,
                    by,
                }])
            }
            Action::RevokeConsent { organisation } => {
                self.require_coordinator_or_focus(by)?;
                match self.consents.get(&organisation) {
                    Some(c) if !c.revoked => {
                        Ok(vec![CircleEvent::ConsentRevoked { organisation, by }])
                    }
                    _ => Err(DomainError::NotFound("consent")),
                }
            }
            Action::RecordLook { .. } => {
                Err(DomainError::NotAllowed("an intermediary under consent"))
            }
            _ => unreachable!("decide dispatches by area"),
        }
    }

    pub(super) fn require_coordinator_or_focus(&self, person: PersonId) -> Result<(), DomainError> {
        if self.is_coordinator(person) || self.is_focus(person) {
            Ok(())
        } else {
            Err(DomainError::NotAllowed("a coordinator or the focus person"))
        }
    }
}
