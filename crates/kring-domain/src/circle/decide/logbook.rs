//! The logbook.

use super::{own_writing, Decision};
use crate::circle::commands::Action;
use crate::circle::events::CircleEvent;
use crate::circle::state::Circle;
use crate::{DomainError, PersonId};

impl Circle {
    pub(super) fn decide_logbook(&self, action: Action, by: PersonId) -> Decision {
        match action {
            Action::WriteLogbookEntry {
                entry,
                visibility,
                text,
            } => {
                if self.entries.contains_key(&entry) {
                    return Err(DomainError::Conflict("this logbook entry already exists"));
                }
                own_writing(by, &text)?;
                Ok(vec![CircleEvent::LogbookEntryWritten {
                    entry,
                    author: by,
                    visibility,
                    text,
                }])
            }
            Action::RedactLogbookEntry { entry } => {
                let e = self
                    .entries
                    .get(&entry)
                    .ok_or(DomainError::NotFound("logbook entry"))?;
                if e.author != by {
                    return Err(DomainError::NotAllowed("the author of the entry"));
                }
                if e.redacted {
                    return Err(DomainError::Conflict("this entry was already redacted"));
                }
                Ok(vec![CircleEvent::LogbookEntryRedacted { entry, by }])
            }
            _ => unreachable!("decide dispatches by area"),
        }
    }
}
