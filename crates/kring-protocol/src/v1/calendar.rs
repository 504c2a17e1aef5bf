//! Calendar feeds: a secret address per feed that a calendar app (which has no
//! cookie) subscribes to, answering the shifts as iCalendar.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Which shifts a calendar feed holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CalendarScope {
    /// The shifts you are on.
    Mine,
    /// Every shift of the circle you may see.
    Circle,
}

/// `POST /api/v1/circles/{id}/calendar-feeds`: make a calendar feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreateCalendarFeed {
    pub scope: CalendarScope,
}

/// A new calendar feed. `url` holds its secret and is shown this once: whoever
/// has it can read the feed, until you revoke it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CalendarFeedCreated {
    pub id: Uuid,
    /// The address to subscribe to in a calendar app (`…/calendar/<secret>.ics`).
    pub url: String,
    pub scope: CalendarScope,
}

/// One of your calendar feeds (without its secret address).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CalendarFeed {
    pub id: Uuid,
    pub scope: CalendarScope,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/circles/{id}/calendar-feeds`: your feeds of this circle that
/// are not revoked, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CalendarFeeds {
    pub feeds: Vec<CalendarFeed>,
}
