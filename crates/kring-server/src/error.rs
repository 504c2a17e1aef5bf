//! Every way a request can fail, and how each is answered: a status and an
//! `application/problem+json` body (RFC 9457) whose `detail` a person
//! understands. Causes of server faults go to the log, never to the client.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kring_app::{AccountError, CommandError, VaultError};
use kring_domain::{DomainError, Refusal, RefusalKind};
use kring_protocol::v1::{Problem, PROBLEM_JSON};
use kring_store::StoreError;
use kring_views::ProjectionError;

type Cause = Box<dyn std::error::Error + Send + Sync>;

macro_rules! codes {
    ($($variant:ident = $code:literal,)*) => {
        /// The server's own reasons for a problem, each with a stable code
        /// (problem+json's `code`), written out so that renaming a variant does
        /// not change it. The domain's refusals carry their own codes
        /// ([`Refusal::code`]); account input its own ([`kring_app::InvalidInput`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code of the server's own, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable, machine-readable code.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }
        }
    };
}

codes! {
    MalformedJson = "malformed-json",
    BadRequest = "bad-request",
    BodyUnreadable = "body-unreadable",
    BodyFields = "body-fields",
    QueryUnreadable = "query-unreadable",
    NoHost = "no-host",
    NotLoggedIn = "not-logged-in",
    WrongCredentials = "wrong-credentials",
    WrongPassword = "wrong-password",
    CrossSite = "cross-site",
    LiveOrigin = "live-origin",
    CrossSiteLook = "cross-site-look",
    StepDownYourself = "step-down-yourself",
    ReadSignalsOnly = "read-signals-only",
    ReadMembersOnly = "read-members-only",
    ReadVolunteersNoRota = "read-volunteers-no-rota",
    ReadInvitationsCoordinators = "read-invitations-coordinators",
    ReadHealthCoordinators = "read-health-coordinators",
    ReadExportCoordinators = "read-export-coordinators",
    ReadConsentWarm = "read-consent-warm",
    ReadLooksCoordinatorsFocus = "read-looks-coordinators-focus",
    ReadProposalsCoordinators = "read-proposals-coordinators",
    NoSuchCircle = "no-such-circle",
    NothingHere = "nothing-here",
    NoSuchOrganisation = "unknown-organisation",
    NotYourOrganisation = "not-your-organisation",
    NoSuchFeed = "no-such-feed",
    NoCalendar = "no-calendar",
    InvitationLinkGone = "invitation-link-gone",
    NoSuchLink = "no-such-link",
    LinkUsed = "link-used",
    LinkExpired = "link-expired",
    NotATimeOfDay = "not-a-time-of-day",
    QuietHoursIncomplete = "quiet-hours-incomplete",
    ReminderHoursRange = "reminder-hours-range",
    EntryLength = "entry-length",
    ShiftTitleLength = "shift-title-length",
    ReasonLength = "reason-length",
    MessageLength = "message-length",
    DetailsLength = "details-length",
    PlaceLength = "place-length",
    NoteLength = "note-length",
    SummaryLength = "summary-length",
    NoSuchListing = "no-such-listing",
    NoSuchVolunteer = "no-such-volunteer",
    NotAVolunteer = "not-a-volunteer",
    SignUpLinkGone = "sign-up-link-gone",
    DaysRange = "days-range",
    NotADate = "not-a-date",
    NotALocalTime = "not-a-local-time",
    TooManyFeeds = "too-many-feeds",
    MinVersionAhead = "min-version-ahead",
    PageLimit = "page-limit",
    EmailNotVerified = "email-not-verified",
    NotYourAddress = "not-your-address",
    InvitationDays = "invitation-days",
    EmailTaken = "email-taken",
    Forgotten = "forgotten",
    MethodNotAllowed = "method-not-allowed",
    TooLarge = "too-large",
    UnsupportedMediaType = "unsupported-media-type",
    TooManyRequests = "too-many-requests",
    NotReady = "not-ready",
    Busy = "busy",
    IdempotencyKeyMalformed = "idempotency-key-malformed",
    IdempotencyKeyReused = "idempotency-key-reused",
    TimedOut = "timed-out",
    Internal = "internal",
}

/// Every code a problem of the API can carry: the domain's, account input's
/// and the server's own.
pub fn all_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Refusal::ALL.iter().map(|r| r.code()).collect();
    codes.extend(kring_app::InvalidInput::ALL.iter().map(|i| i.code()));
    codes.extend(Code::ALL.iter().map(|c| c.code()));
    codes.sort_unstable();
    codes.dedup();
    codes
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON at all.
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// 400: a query string or header that cannot be read.
    #[error("{1}")]
    BadRequest(Code, String),
    /// 401
    #[error("you are not logged in: log in first")]
    NotLoggedIn,
    /// 401: says neither which of the two was wrong.
    #[error("the e-mail address or the password is wrong")]
    WrongCredentials,
    /// 403: a member who may not do this (the domain's `NotAllowed`).
    #[error("{1}")]
    NotAllowed(Code, String),
    /// 404: the same for a circle that does not exist and one the caller is
    /// not in, so that nobody learns which circles exist.
    #[error("there is no such circle, or it is not yours to see")]
    NoSuchCircle,
    /// 404: anything else that is not there.
    #[error("{1}")]
    NotFound(Code, String),
    /// 405
    #[error("this address does not take that method")]
    MethodNotAllowed,
    /// 409
    #[error("{1}")]
    Conflict(Code, String),
    /// 413
    #[error("the request body is too large: at most {} KiB", crate::MAX_BODY_BYTES / 1024)]
    TooLarge,
    /// 415
    #[error("send the request body as JSON, with Content-Type: application/json")]
    UnsupportedMediaType,
    /// 422: well-formed, but not acceptable (a short password, an unknown word).
    #[error("{1}")]
    Invalid(Code, String),
    /// 422: account input that can never be right (a short password).
    #[error("{0}")]
    InvalidInput(kring_app::InvalidInput),
    /// The domain refused the command: 403, 404, 409 or 422 by its kind.
    #[error("{0}")]
    Refused(DomainError),
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
            MalformedJson(_) | BadRequest(..) => StatusCode::BAD_REQUEST,
            NotLoggedIn | WrongCredentials => StatusCode::UNAUTHORIZED,
            NotAllowed(..) => StatusCode::FORBIDDEN,
            NoSuchCircle | NotFound(..) => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Conflict(..) => StatusCode::CONFLICT,
            TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Invalid(..) | InvalidInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refused(e) => match e.kind() {
                RefusalKind::NotAllowed => StatusCode::FORBIDDEN,
                RefusalKind::NotFound => StatusCode::NOT_FOUND,
                RefusalKind::Conflict => StatusCode::CONFLICT,
                RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            },
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
            BadRequest(..) => ("bad-request", "Bad request"),
            NotLoggedIn => ("not-logged-in", "Not logged in"),
            WrongCredentials => ("wrong-credentials", "Wrong e-mail address or password"),
            NotAllowed(..) => ("not-allowed", "Not allowed"),
            NoSuchCircle | NotFound(..) => ("not-found", "Not found"),
            MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            Conflict(..) => ("conflict", "Conflict"),
            TooLarge => ("too-large", "Request body too large"),
            UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            Invalid(..) | InvalidInput(_) => ("invalid", "Invalid input"),
            Refused(e) => match e.kind() {
                RefusalKind::NotAllowed => ("not-allowed", "Not allowed"),
                RefusalKind::NotFound => ("not-found", "Not found"),
                RefusalKind::Conflict => ("conflict", "Conflict"),
                RefusalKind::Invalid => ("invalid", "Invalid input"),
            },
            NotReady => ("not-ready", "Not ready yet"),
            Busy => ("busy", "Busy"),
            TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            TimedOut => ("timed-out", "Timed out"),
            Internal(_) => ("internal", "Internal error"),
        }
    }

    /// The stable code of this problem (problem+json's `code`).
    pub fn code(&self) -> &'static str {
        use ApiError::*;
        match self {
            MalformedJson(_) => Code::MalformedJson.code(),
            BadRequest(code, _)
            | NotAllowed(code, _)
            | NotFound(code, _)
            | Conflict(code, _)
            | Invalid(code, _) => code.code(),
            InvalidInput(input) => input.code(),
            Refused(e) => e.code(),
            NotLoggedIn => Code::NotLoggedIn.code(),
            WrongCredentials => Code::WrongCredentials.code(),
            NoSuchCircle => Code::NoSuchCircle.code(),
            MethodNotAllowed => Code::MethodNotAllowed.code(),
            TooLarge => Code::TooLarge.code(),
            UnsupportedMediaType => Code::UnsupportedMediaType.code(),
            TooManyRequests { .. } => Code::TooManyRequests.code(),
            NotReady => Code::NotReady.code(),
            Busy => Code::Busy.code(),
            TimedOut => Code::TimedOut.code(),
            Internal(_) => Code::Internal.code(),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.kind();
        Problem {
            kind: format!("urn:kring:problem:{slug}"),
            title: title.to_owned(),
            status: self.status().as_u16(),
            detail: Some(self.to_string()),
            code: self.code().to_owned(),
        }
    }

    /// 404 for an address that names nothing.
    pub(crate) fn nothing_here() -> ApiError {
        ApiError::NotFound(Code::NothingHere, "there is nothing at this address".into())
    }

    pub(crate) fn internal(cause: impl Into<Cause>) -> ApiError {
        ApiError::Internal(cause.into())
    }

    /// The error a bare status stands for (answers made outside the handlers,
    /// such as axum's 405 or the body limit's 413).
    pub(crate) fn for_status(status: StatusCode) -> ApiError {
        match status {
            StatusCode::BAD_REQUEST => {
                ApiError::BadRequest(Code::BadRequest, "the request cannot be read".into())
            }
            StatusCode::UNAUTHORIZED => ApiError::NotLoggedIn,
            StatusCode::NOT_FOUND => ApiError::nothing_here(),
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
        match e.refusal() {
            Refusal::NoSuchCircle => ApiError::NoSuchCircle,
            _ => ApiError::Refused(e),
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        DomainError::from(refusal).into()
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
            AccountError::Invalid(input) => ApiError::InvalidInput(input),
            AccountError::EmailTaken => ApiError::Conflict(Code::EmailTaken, e.to_string()),
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
            VaultError::HiddenCharacter(_) => {
                ApiError::Refused(DomainError::Refused(Refusal::HiddenCharacters))
            }
            VaultError::Forgotten(_) => ApiError::Conflict(
                Code::Forgotten,
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
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::Invalid(
                Code::BodyFields,
                format!("the request body does not have the expected fields: {reason}"),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            _ => ApiError::BadRequest(
                Code::BodyUnreadable,
                format!("the request body cannot be read: {reason}"),
            ),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(
            Code::QueryUnreadable,
            format!("the query string cannot be read: {}", innermost(&rejection)),
        )
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
            (DomainError::from(Refusal::NoSuchCircle), 404),
            (Refusal::OnlyCoordinators.into(), 403),
            (Refusal::AlreadyExists.into(), 409),
            (Refusal::EntryAlreadyRedacted.into(), 409),
            (Refusal::NoSuchRequest.into(), 404),
            (Refusal::WindowEndsBeforeStart.into(), 422),
            (Refusal::PersonalCareIsProfessional.into(), 422),
            (
                DomainError::UnknownWord {
                    refusal: Refusal::UnknownRing,
                    word: "hot".into(),
                },
                422,
            ),
        ];
        for (refusal, status) in cases {
            let message = refusal.to_string();
            let code = refusal.code();
            let problem = ApiError::from(refusal).problem();
            assert_eq!(problem.status, status, "{message}");
            assert_eq!(problem.code, code);
            if status != 404 {
                assert_eq!(problem.detail.as_deref(), Some(message.as_str()));
            }
        }
    }

    #[test]
    fn every_code_a_problem_can_carry_is_in_the_protocols_list() {
        let mut listed: Vec<&str> = kring_protocol::v1::PROBLEM_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(
            all_codes(),
            listed,
            "kring_protocol::v1::PROBLEM_CODES is out of date"
        );
    }

    #[test]
    fn every_look_the_domain_records_is_in_the_protocols_list() {
        let mut recorded: Vec<&str> = kring_domain::Looked::ALL.iter().map(|l| l.code()).collect();
        let mut listed: Vec<&str> = kring_protocol::v1::LOOK_CODES.to_vec();
        recorded.sort_unstable();
        listed.sort_unstable();
        assert_eq!(
            recorded, listed,
            "kring_protocol::v1::LOOK_CODES is out of date"
        );
    }

    #[test]
    fn a_server_fault_shows_no_cause() {
        let problem = ApiError::internal("password column is missing").problem();
        assert_eq!(problem.status, 500);
        assert_eq!(problem.kind, "urn:kring:problem:internal");
        assert_eq!(problem.code, "internal");
        assert!(!problem.detail.unwrap().contains("password"));
    }
}
