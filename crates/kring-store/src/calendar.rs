//! Calendar feeds, kept beside the log and never in it: a feed is found by the
//! SHA-256 of the secret token in its address (like a session), and names a
//! person, a circle and which shifts it holds. What the feed shows is worked
//! out when it is asked for; only who may ask is stored here.
//! Like the rest of this crate it knows no domain type: people and circles are UUIDs.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::StoreError;

/// Which shifts a feed holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CalendarScope {
    /// The shifts the person is on.
    Mine,
    /// Every shift of the circle the person may see.
    Circle,
}

impl CalendarScope {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarScope::Mine => "mine",
            CalendarScope::Circle => "circle",
        }
    }

    pub(crate) fn from_stored(word: &str) -> Result<CalendarScope, StoreError> {
        match word {
            "mine" => Ok(CalendarScope::Mine),
            "circle" => Ok(CalendarScope::Circle),
            other => Err(StoreError::Corrupt(format!(
                "calendar feed scope {other:?} is neither mine nor circle"
            ))),
        }
    }
}

/// A feed that has not been revoked. Its token is not here: only its hash is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalendarFeed {
    pub id: Uuid,
    pub person: Uuid,
    pub circle: Uuid,
    pub scope: CalendarScope,
    pub created_at: DateTime<Utc>,
}

impl CalendarFeed {
    pub(crate) fn from_row(
        (id, person, circle, scope, created_at): (Uuid, Uuid, Uuid, String, DateTime<Utc>),
    ) -> Result<CalendarFeed, StoreError> {
        Ok(CalendarFeed {
            id,
            person,
            circle,
            scope: CalendarScope::from_stored(&scope)?,
            created_at,
        })
    }
}
