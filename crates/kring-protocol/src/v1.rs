//! Version 1, served under `/api/v1`.
//!
//! Request bodies ignore fields they do not know; response bodies may gain
//! fields, so clients should ignore unknown ones too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The path prefix of this version.
pub const PREFIX: &str = "/api/v1";

/// The media type of every error body (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

// ---- accounts and sessions ----------------------------------------------

/// `POST /api/v1/accounts`: sign up.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    /// At least 10 characters.
    pub password: String,
}

/// `POST /api/v1/session`: log in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogIn {
    pub email: String,
    pub password: String,
}

// By hand, so a password never ends up in a log line or a panic message.
impl std::fmt::Debug for SignUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignUp").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for LogIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogIn").finish_non_exhaustive()
    }
}

/// The answer to signing up (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCreated {
    pub id: Uuid,
}

/// `GET /api/v1/me`, and the answer to logging in: the account holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: Uuid,
    pub name: String,
    pub email: String,
}

// ---- circles ------------------------------------------------------------

/// `POST /api/v1/circles`: start a circle around a person. The caller becomes
/// its first coordinator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCircle {
    /// The name of the person the circle is for.
    pub focus_name: String,
    /// An IANA time zone name; `Europe/Amsterdam` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// The answer to a change (201): what was made, and the circle's version after
/// it. Pass `version` as `min_version` to read your own write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub id: Uuid,
    pub version: u64,
}

/// The query of `GET /api/v1/circles/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircleQuery {
    /// Wait (briefly) until the view holds at least this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_version: Option<u64>,
}

/// `GET /api/v1/circles/{id}`: the circle as the caller may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Circle {
    pub id: Uuid,
    /// The version of the circle's log this view reflects.
    pub version: u64,
    pub time_zone: String,
    /// The person the circle is for.
    pub focus: Person,
    /// The caller's place in the circle.
    pub you: Membership,
    /// Members per ring, as far as the caller may see them.
    pub members: RingCounts,
    /// Newest first; only entries the caller may read.
    pub logbook: Vec<LogbookEntry>,
}

/// Someone, as shown to others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Uuid,
    /// "a former member" when the person was forgotten.
    pub name: String,
    /// The person was forgotten: their name and writing can no longer be read.
    #[serde(default)]
    pub forgotten: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub person: Uuid,
    pub ring: Ring,
    pub coordinator: bool,
    pub focus: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RingCounts {
    pub warm: u32,
    pub lukewarm: u32,
    pub cold: u32,
}

/// How close a member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ring {
    /// Family and close friends.
    Warm,
    /// Neighbours, the schoolyard, the club.
    Lukewarm,
    /// Volunteers matched to one task.
    Cold,
}

// ---- logbook ------------------------------------------------------------

/// Who may read a logbook entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    WarmOnly,
    WarmAndLukewarm,
    WholeCircle,
}

/// `POST /api/v1/circles/{id}/logbook`: write an entry. Answers [`Created`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteLogbookEntry {
    pub text: String,
    pub visibility: Visibility,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

// ---- errors -------------------------------------------------------------

/// Every error, as `application/problem+json` (RFC 9457).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the kind of problem, such as `urn:kring:problem:not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary that is the same for every problem of this kind.
    pub title: String,
    pub status: u16,
    /// What went wrong this time, written for the person who tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
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
        };
        assert_eq!(
            serde_json::to_value(&problem).unwrap(),
            json!({"type": "urn:kring:problem:not-found", "title": "Not found", "status": 404})
        );
    }

    #[test]
    fn optional_request_fields_may_be_left_out_and_unknown_ones_are_ignored() {
        let create: CreateCircle =
            serde_json::from_value(json!({"focus_name": "Mam", "colour": "blue"})).unwrap();
        assert_eq!(create.time_zone, None);
        let query: CircleQuery = serde_json::from_value(json!({})).unwrap();
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
