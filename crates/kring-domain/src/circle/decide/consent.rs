//! Consent for organisations, and their looks.

use chrono::{DateTime, Duration, Utc};

use super::Decision;
use crate::circle::commands::{Action, Actor};
use crate::circle::events::CircleEvent;
use crate::circle::state::{local_date, Circle};
use crate::Refusal;
use crate::{DomainError, Looked, PersonId};

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
                // Not even through someone else the intermediary brought in.
                if self
                    .set_up_by
                    .is_some_and(|s| s.organisation == organisation)
                {
                    return Err(Refusal::ConsentFromFamily.into());
                }
                if from < now - Duration::minutes(5) {
                    return Err(Refusal::ConsentInPast.into());
                }
                if let Some(c) = self.consents.get(&organisation) {
                    if !c.revoked && c.scope == scope && c.from == from {
                        return Err(Refusal::ConsentAlreadyGiven.into());
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
                    _ => Err(Refusal::NoSuchConsent.into()),
                }
            }
            Action::RecordLook { .. } => Err(Refusal::OnlyIntermediaryUnderConsent.into()),
            _ => unreachable!("decide dispatches by area"),
        }
    }

    /// Whether `actor`'s dashboard already put a look of this kind on the
    /// record today (the circle's day).
    pub(super) fn dashboard_looked_today(
        &self,
        actor: Actor,
        what: Looked,
        now: DateTime<Utc>,
    ) -> bool {
        let Some(organisation) = actor.organisation else {
            return false;
        };
        let today = local_date(now, &self.time_zone);
        what.is_dashboard()
            && self.dashboard_looks.iter().any(|l| {
                (l.person, l.organisation, l.what, l.on)
                    == (actor.person, organisation, what, today)
            })
    }

    /// Consent is the family's: the intermediary who set the circle up at
    /// the kitchen table may not give (or take back) their own organisation's.
    pub(super) fn require_coordinator_or_focus(&self, person: PersonId) -> Result<(), DomainError> {
        if self.set_up_by.is_some_and(|s| s.by == person) {
            return Err(Refusal::ConsentFromFamily.into());
        }
        if self.is_coordinator(person) || self.is_focus(person) {
            Ok(())
        } else {
            Err(Refusal::OnlyCoordinatorsOrFocus.into())
        }
    }
}
