//! Calendar feeds, kept beside the log and never in it: a feed is found by the
//! SHA-256 of the secret token in its address (like a session), and names a
//! person, a circle and which shifts it holds. What the feed shows is worked
//! out when it is asked for; only who may ask is stored here.
//! Like the rest of this crate it knows no domain type: people and circles are UUIDs.

use async_trait::async_trait;
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
    /// From a row of `id, person_id, circle_id, scope, created_at`, on either backend.
    pub(crate) fn from_row<T: crate::rows::StoredTime>(
        (id, person, circle, scope, created_at): (Uuid, Uuid, Uuid, String, T),
    ) -> Result<CalendarFeed, StoreError> {
        Ok(CalendarFeed {
            id,
            person,
            circle,
            scope: CalendarScope::from_stored(&scope)?,
            created_at: created_at.into_utc()?,
        })
    }
}

/// Calendar feeds by the hash of their token.
#[async_trait]
pub trait CalendarFeeds: Send + Sync + 'static {
    /// Stores a calendar feed under the hash of its token. The person must have
    /// credentials; removing them ends the person's feeds, as it ends sessions.
    async fn add_calendar_feed(
        &self,
        id: Uuid,
        token_hash: &[u8],
        person: Uuid,
        circle: Uuid,
        scope: CalendarScope,
    ) -> Result<(), StoreError>;

    /// The feed stored under `token_hash`, unless it was revoked.
    async fn calendar_feed(&self, token_hash: &[u8]) -> Result<Option<CalendarFeed>, StoreError>;

    /// A person's feeds of one circle that are not revoked, oldest first.
    async fn calendar_feeds(
        &self,
        person: Uuid,
        circle: Uuid,
    ) -> Result<Vec<CalendarFeed>, StoreError>;

    /// Revokes the feed `id` if it is `person`'s, of `circle`, and not revoked
    /// yet; the row stays with `revoked_at = at`. True when it was revoked now.
    async fn revoke_calendar_feed(
        &self,
        id: Uuid,
        person: Uuid,
        circle: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Revokes every feed of `person` that is not revoked yet: of `circle`
    /// only, or of every circle when `None`. Answers how many it revoked.
    async fn revoke_calendar_feeds_of(
        &self,
        person: Uuid,
        circle: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
}
