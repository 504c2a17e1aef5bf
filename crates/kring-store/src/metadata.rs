//! The keys of an event's metadata, in one place: who sent the command
//! (`actor`) and, for an intermediary, on behalf of which organisation.
//! Metadata is stored and hashed with the event, but never decides anything:
//! the rules read the event's payload.

use std::collections::HashMap;

use serde_json::Value;
use uuid::Uuid;

/// The person who sent the command.
pub const ACTOR: &str = "actor";
/// The organisation an intermediary acted for.
pub const ORGANISATION: &str = "organisation";
/// The [`crate::IdSeed`] a command's event ids are derived from, in hex: read
/// and removed by [`crate::LogRepository`] before the events are stored.
pub const IDS_FROM: &str = "ids-from";

/// The metadata of an event sent by `actor`, for `organisation` when an
/// intermediary acts for one (cqrs-es takes metadata as a string map).
pub fn of(actor: Uuid, organisation: Option<Uuid>) -> HashMap<String, String> {
    let mut metadata = HashMap::from([(ACTOR.to_owned(), actor.to_string())]);
    if let Some(organisation) = organisation {
        metadata.insert(ORGANISATION.to_owned(), organisation.to_string());
    }
    metadata
}

/// Who sent the event, as stored (absent on old events).
pub fn actor(metadata: &Value) -> Option<&str> {
    metadata[ACTOR].as_str()
}

/// The organisation an intermediary acted for, if any.
pub fn organisation(metadata: &Value) -> Option<Uuid> {
    metadata[ORGANISATION].as_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let (person, org) = (Uuid::new_v4(), Uuid::new_v4());
        let written = serde_json::to_value(of(person, Some(org))).unwrap();
        assert_eq!(actor(&written), Some(person.to_string().as_str()));
        assert_eq!(organisation(&written), Some(org));
        let alone = serde_json::to_value(of(person, None)).unwrap();
        assert_eq!(organisation(&alone), None);
        assert_eq!(actor(&Value::Null), None);
    }
}
