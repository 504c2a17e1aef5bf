//! A circle's life: paused for a while, ended for good.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Why a circle ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Recovered,
    MovedToCareHome,
    Died,
    Other,
}

/// Where a circle is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifeState {
    Active,
    /// No shift takes place or can be taken until a coordinator resumes it.
    Paused,
    /// Read-only: nothing can be changed; the keepsake can be read.
    Ended,
}

/// `life` of `GET /api/v1/circles/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Life {
    pub state: LifeState,
    /// When it paused or ended.
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// The coordinator who paused or ended it.
    #[serde(default)]
    pub by: Option<Uuid>,
    #[serde(default)]
    pub reason: Option<EndReason>,
    /// Personal text: the message they left for the circle.
    #[serde(default)]
    pub message: Option<String>,
}

/// `POST /api/v1/circles/{id}/pause`: no shift takes place or can be taken
/// from now until the circle resumes (coordinators).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PauseCircle {
    /// For the members, such as why and for how long: at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub message: Option<String>,
}

/// `POST /api/v1/circles/{id}/end`: end the circle for good (coordinators).
/// Requests still to come, open invitations, standing offers and consents
/// close; the rota and calendar feeds empty; the circle becomes read-only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EndCircle {
    pub reason: EndReason,
    /// A closing message for the members: at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub message: Option<String>,
}
