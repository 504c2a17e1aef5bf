//! Version 1, served under `/api/v1`.
//!
//! Request bodies ignore fields they do not know; response bodies may gain
//! fields, so clients should ignore unknown ones too.

mod accounts;
mod calendar;
mod circles;
mod codes;
mod events;
mod export;
mod life;
pub mod limits;
mod live;
mod logbook;
mod mail;
mod marketplace;
mod members;
mod organisations;
mod requests;
mod rota;

pub use accounts::*;
pub use calendar::*;
pub use circles::*;
pub use codes::*;
pub use events::*;
pub use export::*;
pub use life::*;
pub use live::*;
pub use logbook::*;
pub use mail::*;
pub use marketplace::*;
pub use members::*;
pub use organisations::*;
pub use requests::*;
pub use rota::*;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The path prefix of this version.
pub const PREFIX: &str = "/api/v1";

/// The media type of every error body (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

// ---- shared by every resource --------------------------------------------

/// The answer to a change (201): what was made, and the circle's version after
/// it. Pass `version` as `min_version` to read your own write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Created {
    pub id: Uuid,
    pub version: u64,
}

/// The answer to a change that makes nothing new (200): the circle's version
/// after it, to pass as `min_version`. With others writing at the same time it
/// can be higher than your change's own event: reading at it still shows your
/// change. (For live updates, resume from versions the socket delivered.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Changed {
    pub version: u64,
}

/// The query of every circle read: wait (briefly) until the view holds at
/// least `min_version`, the version a change of yours answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<u64>,
}

/// A page of a list, newest first: at most `limit` items (1 to 100; 50 when
/// left out), all older than `before`. When there are older ones, the answer's
/// `Link` header (RFC 8288) holds the address of the next page, `rel="next"`,
/// whose `before` is the cursor to send.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The cursor from the `Link` of the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<u64>,
}

/// Someone, as shown to others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub id: Uuid,
    /// "a former member" when the person was forgotten.
    pub name: String,
    /// The person was forgotten: their name and writing can no longer be read.
    #[serde(default)]
    pub forgotten: bool,
}

/// How close a member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ring {
    /// Family and close friends.
    Warm,
    /// Neighbours, the schoolyard, the club.
    Lukewarm,
    /// Volunteers matched to one task.
    Cold,
}

// ---- errors -------------------------------------------------------------

/// Every error, as `application/problem+json` (RFC 9457).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, such as `urn:kring:problem:not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary that is the same for every problem of this kind.
    pub title: String,
    pub status: u16,
    /// What went wrong this time, written in English for the person who tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Why, as a stable machine-readable code in kebab-case, such as
    /// `shift-full` or `not-logged-in` (every code is listed in
    /// `kring_protocol::v1::PROBLEM_CODES`). Clients translate it and act on
    /// it; the `detail` is only a fallback text.
    #[schema(example = "shift-full")]
    pub code: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn words_are_snake_case_and_problems_say_type() {
        assert_eq!(
            serde_json::to_value(Visibility::WarmAndLukewarm).unwrap(),
            json!("warm_and_lukewarm")
        );
        assert_eq!(
            serde_json::to_value(Ring::Lukewarm).unwrap(),
            json!("lukewarm")
        );
        let problem = Problem {
            kind: "urn:kring:problem:not-found".into(),
            title: "Not found".into(),
            status: 404,
            detail: None,
            code: "nothing-here".into(),
        };
        assert_eq!(
            serde_json::to_value(&problem).unwrap(),
            json!({"type": "urn:kring:problem:not-found", "title": "Not found", "status": 404, "code": "nothing-here"})
        );
    }

    #[test]
    fn optional_request_fields_may_be_left_out_and_unknown_ones_are_ignored() {
        let create: CreateCircle =
            serde_json::from_value(json!({"focus_name": "Mam", "colour": "blue"})).unwrap();
        assert_eq!(create.time_zone, None);
        let query: ReadQuery = serde_json::from_value(json!({})).unwrap();
        assert_eq!(query.min_version, None);
    }

    #[test]
    fn passwords_stay_out_of_debug_output() {
        let sign_up = SignUp {
            name: "Ann".into(),
            email: "ann@example.org".into(),
            password: "correct horse battery".into(),
        };
        assert!(!format!("{sign_up:?}").contains("horse"));
        let log_in = LogIn {
            email: "ann@example.org".into(),
            password: "correct horse battery".into(),
        };
        assert!(!format!("{log_in:?}").contains("horse"));
    }
}
