//! The circle's logbook.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Person;

/// Who may read a logbook entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    WarmOnly,
    WarmAndLukewarm,
    WholeCircle,
}

/// `POST /api/v1/circles/{id}/logbook`: write an entry. Answers [`Created`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WriteLogbookEntry {
    /// 1 to 5000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    pub visibility: Visibility,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LogbookEntry {
    pub id: Uuid,
    pub author: Person,
    pub visibility: Visibility,
    /// `None` when the author was forgotten.
    pub text: Option<String>,
    pub written_at: DateTime<Utc>,
    /// Withdrawn by its author (only the author still sees it).
    pub redacted: bool,
    pub thanks: u32,
}
