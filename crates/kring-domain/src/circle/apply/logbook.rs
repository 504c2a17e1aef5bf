//! The logbook.

use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Entry};

impl Circle {
    pub(super) fn apply_logbook(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            LogbookEntryWritten {
                entry,
                author,
                visibility,
                ..
            } => {
                self.entries.insert(
                    entry,
                    Entry {
                        author,
                        visibility,
                        redacted: false,
                    },
                );
            }
            LogbookEntryRedacted { entry, .. } => {
                if let Some(e) = self.entries.get_mut(&entry) {
                    e.redacted = true;
                }
            }
            _ => unreachable!("apply dispatches by area"),
        }
    }
}
