//! Consent for organisations, and their looks.

use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Consent};

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
            IntermediaryLooked { .. } => {}
            _ => unreachable!("apply dispatches by area"),
        }
    }
}
