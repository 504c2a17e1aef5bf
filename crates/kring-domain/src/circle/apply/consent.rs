//! Consent for organisations, and their looks.

use crate::circle::events::CircleEvent;
use crate::circle::state::{local_date, Circle, Consent, DashboardLook};

impl Circle {
    pub(super) fn apply_consent(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            ConsentGranted {
                organisation,
                scope,
                from,
                ..
            } => {
                self.consents.insert(
                    organisation,
                    Consent {
                        scope,
                        from,
                        revoked: false,
                    },
                );
            }
            ConsentRevoked { organisation, .. } => {
                if let Some(c) = self.consents.get_mut(&organisation) {
                    c.revoked = true;
                }
            }
            IntermediaryLooked {
                organisation,
                person,
                what,
                at,
                ..
            } => {
                if what.is_dashboard() {
                    let on = local_date(at, &self.time_zone);
                    self.dashboard_looks.retain(|l| {
                        (l.person, l.organisation, l.what) != (person, organisation, what)
                    });
                    self.dashboard_looks.push(DashboardLook {
                        person,
                        organisation,
                        what,
                        on,
                    });
                }
            }
            _ => unreachable!("apply dispatches by area"),
        }
    }
}
