//! Every way a request can fail, and how each is answered: a status and an
//! `application/problem+json` body (RFC 9457) whose `detail` a person
//! understands. Causes of server faults go to the log, never to the client.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kring_app::{AccountError, CommandError, VaultError};
use kring_domain::DomainError;
use kring_protocol::v1::{Problem, PROBLEM_JSON};
use kring_store::StoreError;
use kring_views::ProjectionError;

type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON at all.
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// 400: a query string or header that cannot be read.
    #[error("{0}")]
    BadRequest(String),
    /// 401
    #[error("you are not logged in: log in first")]
    NotLoggedIn,
    /// 401: says neither which of the two was wrong.
    #[error("the e-mail address or the password is wrong")]
    WrongCredentials,
    /// 403: a member who may not do this (the domain's `NotAllowed`).
    #[error("{0}")]
    NotAllowed(String),
    /// 404: the same for a circle that does not exist and one the caller is
    /// not in, so that nobody learns which circles exist.
    #[error("there is no such circle, or it is not yours to see")]
    NoSuchCircle,
    /// 404: anything else that is not there.
    #[error("{0}")]
    NotFound(String),
    /// 405
    #[error("this address does not take that method")]
    MethodNotAllowed,
    /// 409
    #[error("{0}")]
    Conflict(String),
    /// 413
    #[error("the request body is too large: at most {} KiB", crate::MAX_BODY_BYTES / 1024)]
    TooLarge,
    /// 415
    #[error("send the request body as JSON, with Content-Type: application/json")]
    UnsupportedMediaType,
    /// 422: well-formed, but not acceptable (a short password, an unknown word).
    #[error("{0}")]
    Invalid(String),
    /// 429: this address made too many attempts (log-in, sign-up, invitations);
    /// answered with `Retry-After`.
    #[error(
        "too many attempts: try again in {retry_after_secs} second{}",
        if *.retry_after_secs == 1 { "" } else { "s" }
    )]
    TooManyRequests { retry_after_secs: u64 },
    /// 503: the circle's view has not caught up with the asked version yet.
    #[error("the circle is being updated: try again in a moment")]
    NotReady,
    /// 503: others kept changing the same circle.
    #[error("the circle is busy: please try again")]
    Busy,
    /// 503: the answer took longer than the server waits (see `protect::timeout`).
    #[error(
        "the server took too long to answer: try again in a moment \
         (a change you sent may have been made all the same, so look first)"
    )]
    TimedOut,
    /// 500: the cause is logged, not shown.
    #[error("something went wrong on our side; it has been logged")]
    Internal(#[source] Cause),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        use ApiError::*;
        match self {
            MalformedJson(_) | BadRequest(_) => StatusCode::BAD_REQUEST,
            NotLoggedIn | WrongCredentials => StatusCode::UNAUTHORIZED,
            NotAllowed(_) => StatusCode::FORBIDDEN,
            NoSuchCircle | NotFound(_) => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Conflict(_) => StatusCode::CONFLICT,
            TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            NotReady | Busy | TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type's slug and its title, the same for every problem of the kind.
    fn kind(&self) -> (&'static str, &'static str) {
        use ApiError::*;
        match self {
            MalformedJson(_) => ("malformed-json", "Malformed JSON"),
            BadRequest(_) => ("bad-request", "Bad request"),
            NotLoggedIn => ("not-logged-in", "Not logged in"),
            WrongCredentials => ("wrong-credentials", "Wrong e-mail address or password"),
            NotAllowed(_) => ("not-allowed", "Not allowed"),
            NoSuchCircle | NotFound(_) => ("not-found", "Not found"),
            MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            Conflict(_) => ("conflict", "Conflict"),
            TooLarge => ("too-large", "Request body too large"),
            UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            Invalid(_) => ("invalid", "Invalid input"),
            NotReady => ("not-ready", "Not ready yet"),
            Busy => ("busy", "Busy"),
            TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            TimedOut => ("timed-out", "Timed out"),
            Internal(_) => ("internal", "Internal error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.kind();
        Problem {
            kind: format!("urn:kring:problem:{slug}"),
            title: title.to_owned(),
            status: self.status().as_u16(),
            detail: Some(self.to_string()),
        }
    }

    pub(crate) fn internal(cause: impl Into<Cause>) -> ApiError {
        ApiError::Internal(cause.into())
    }

    /// The error a bare status stands for (answers made outside the handlers,
    /// such as axum's 405 or the body limit's 413).
    pub(crate) fn for_status(status: StatusCode) -> ApiError {
        match status {
            StatusCode::BAD_REQUEST => ApiError::BadRequest("the request cannot be read".into()),
            StatusCode::UNAUTHORIZED => ApiError::NotLoggedIn,
            StatusCode::NOT_FOUND => ApiError::NotFound("there is nothing at this address".into()),
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            // Handlers answer their own 503s with a problem body; a bare one is
            // the request timeout's (see `protect::timeout`).
            StatusCode::SERVICE_UNAVAILABLE => ApiError::TimedOut,
            other => {
                ApiError::internal(format!("an answer with status {other} and no problem body"))
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %chain(cause.as_ref()), "request failed");
        }
        let status = self.status();
        let body = serde_json::to_vec(&self.problem()).expect("a problem serialises");
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if matches!(self, ApiError::NotReady | ApiError::Busy) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// An error and its causes on one line, for the log.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NoSuchCircle => ApiError::NoSuchCircle,
            DomainError::NotAllowed(_) => ApiError::NotAllowed(e.to_string()),
            DomainError::AlreadyExists | DomainError::Conflict(_) => {
                ApiError::Conflict(e.to_string())
            }
            DomainError::NotFound(_) => ApiError::NotFound(e.to_string()),
            DomainError::Invalid(_)
            | DomainError::UnknownWord { .. }
            | DomainError::PersonalCareIsProfessional
            | DomainError::PersonalMattersStayWarm => ApiError::Invalid(e.to_string()),
        }
    }
}

impl From<CommandError> for ApiError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Refused(e) => e.into(),
            CommandError::Busy => ApiError::Busy,
            CommandError::Store(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(_) => ApiError::Invalid(e.to_string()),
            AccountError::EmailTaken => ApiError::Conflict(e.to_string()),
            AccountError::WrongCredentials => ApiError::WrongCredentials,
            AccountError::Command(e) => e.into(),
            AccountError::Vault(e) => e.into(),
            other => ApiError::internal(other),
        }
    }
}

impl From<VaultError> for ApiError {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::Forgotten(_) => ApiError::Conflict(
                "this person was forgotten: nothing new can be written in their name".into(),
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e)
    }
}

impl From<ProjectionError> for ApiError {
    fn from(e: ProjectionError) -> Self {
        ApiError::internal(e)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let reason = innermost(&rejection);
        match rejection.status() {
            StatusCode::BAD_REQUEST => ApiError::MalformedJson(reason),
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::Invalid(format!(
                "the request body does not have the expected fields: {reason}"
            )),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            _ => ApiError::BadRequest(format!("the request body cannot be read: {reason}")),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(format!(
            "the query string cannot be read: {}",
            innermost(&rejection)
        ))
    }
}

/// The deepest cause's message: serde's own words, without axum's wrapping.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error;
    while let Some(cause) = deepest.source() {
        deepest = cause;
    }
    deepest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_refusals_map_to_statuses_a_client_can_act_on() {
        let cases = [
            (DomainError::NoSuchCircle, 404),
            (DomainError::NotAllowed("a coordinator of the circle"), 403),
            (DomainError::AlreadyExists, 409),
            (
                DomainError::Conflict("this entry was already redacted"),
                409,
            ),
            (DomainError::NotFound("request"), 404),
            (
                DomainError::Invalid("a time window must end after it starts"),
                422,
            ),
            (DomainError::PersonalCareIsProfessional, 422),
            (
                DomainError::UnknownWord {
                    what: "ring",
                    word: "hot".into(),
                    expected: "warm, lukewarm or cold",
                },
                422,
            ),
        ];
        for (refusal, status) in cases {
            let message = refusal.to_string();
            let problem = ApiError::from(refusal).problem();
            assert_eq!(problem.status, status, "{message}");
            if status != 404 {
                assert_eq!(problem.detail.as_deref(), Some(message.as_str()));
            }
        }
    }

    #[test]
    fn a_server_fault_shows_no_cause() {
        let problem = ApiError::internal("password column is missing").problem();
        assert_eq!(problem.status, 500);
        assert_eq!(problem.kind, "urn:kring:problem:internal");
        assert!(!problem.detail.unwrap().contains("password"));
    }
}
