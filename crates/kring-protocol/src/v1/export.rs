//! Exports: readable JSON for keeping, or for moving elsewhere. Personal text
//! is opened; what a forgotten person wrote reads as `null`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Event, Me, Membership, Person};

/// One event of a circle's log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExportedEvent {
    /// Its place in the circle's log.
    pub version: u64,
    pub at: DateTime<Utc>,
    /// Who did it, when known.
    pub by: Option<Uuid>,
    /// `kind` and `data`: personal text opened, people by id (see `people`).
    #[serde(flatten)]
    pub event: Event,
}

/// `GET /api/v1/circles/{id}/export`: the whole circle, for a coordinator:
/// every event they may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CircleExport {
    pub exported_at: DateTime<Utc>,
    pub circle: Uuid,
    pub version: u64,
    pub time_zone: String,
    pub focus: Person,
    /// Everyone the events name, with their names.
    pub people: Vec<Person>,
    pub events: Vec<ExportedEvent>,
}

/// What one person did in one circle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CircleOfYours {
    pub circle: Uuid,
    pub focus: Person,
    pub you: Membership,
    /// Every event of the circle that you caused.
    pub events: Vec<ExportedEvent>,
}

/// `GET /api/v1/me/export`: your own data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonalExport {
    pub exported_at: DateTime<Utc>,
    pub account: Me,
    pub circles: Vec<CircleOfYours>,
}
