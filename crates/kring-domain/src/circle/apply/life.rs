//! Pausing, resuming and ending the circle.

use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Life};

impl Circle {
    pub(super) fn apply_life(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            CirclePaused { at, .. } => self.life = Life::Paused { since: at },
            CircleResumed { at, .. } => {
                if let Life::Paused { since } = self.life {
                    self.pauses.push((since, at));
                }
                self.life = Life::Active;
            }
            CircleEnded { at, reason, .. } => {
                self.life = Life::Ended { at, reason };
                // Nothing can be answered any more.
                self.places_offered.clear();
                self.coordination_offers.clear();
                for swap in self.swaps.values_mut() {
                    swap.open = false;
                }
            }
            _ => unreachable!("apply dispatches by area"),
        }
    }
}
