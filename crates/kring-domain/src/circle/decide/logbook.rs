//! The logbook.

use super::{own_writing, Decision};
use crate::circle::commands::Action;
use crate::circle::events::CircleEvent;
use crate::circle::state::Circle;
use crate::PersonId;
use crate::Refusal;

impl Circle {
    pub(super) fn decide_logbook(&self, action: Action, by: PersonId) -> Decision {
        match action {
            Action::WriteLogbookEntry {
                entry,
                visibility,
                text,
            } => {
                if self.entries.contains_key(&entry) {
                    return Err(Refusal::EntryExists.into());
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
                let e = self.entries.get(&entry).ok_or(Refusal::NoSuchEntry)?;
                if e.author != by {
                    return Err(Refusal::OnlyAuthor.into());
                }
                if e.redacted {
                    return Err(Refusal::EntryAlreadyRedacted.into());
                }
                Ok(vec![CircleEvent::LogbookEntryRedacted { entry, by }])
            }
            _ => unreachable!("decide dispatches by area"),
        }
    }
}
