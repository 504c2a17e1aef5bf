//! The JSON API, called in-process: the pages' only way to the circle.
//!
//! A [`Client`] carries the browser's `Cookie` (so the API knows the caller as
//! it would over HTTP) and `Host` (invitation links are made under it when no
//! public URL is set). Answers are read into `kring_protocol::v1` types; what
//! the API refused becomes a [`Failure`] with the problem's `code`, and a
//! `detail` for the person who tried: the code's text in the client's language
//! ([`crate::refusals`]), else the API's own English words.

use axum::body::{to_bytes, Body, Bytes};
use axum::Router;
use http::header::{CONTENT_TYPE, COOKIE, HOST};

/// `Sec-Fetch-Site` (Fetch Metadata): which site made the browser ask.
const SEC_FETCH_SITE: &str = "sec-fetch-site";
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use kring_protocol::v1;

use crate::i18n::Lang;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tower::ServiceExt;

/// The largest API answer a page reads.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// The API router, as kring-server nests it under `/api/v1`.
#[derive(Clone)]
pub struct Api {
    router: Router,
}

impl Api {
    pub fn new(router: Router) -> Api {
        Api { router }
    }

    /// A client that asks as the browser that sent `headers`.
    /// A posted form's key (see `once`) goes with its writes.
    pub fn client(&self, headers: &HeaderMap) -> Client {
        Client {
            api: self.clone(),
            cookie: headers.get(COOKIE).cloned(),
            host: headers.get(HOST).cloned(),
            fetch_site: headers.get(SEC_FETCH_SITE).cloned(),
            lang: None,
            key: headers
                .get(crate::once::KEY_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            writes: Default::default(),
        }
    }
}

/// Calls the API as one browser.
#[derive(Clone)]
pub struct Client {
    api: Api,
    cookie: Option<HeaderValue>,
    host: Option<HeaderValue>,
    /// The browser's `Sec-Fetch-Site`: the API records no intermediary's look
    /// for a page another site made the browser open.
    fetch_site: Option<HeaderValue>,
    /// The language refusals are told in; without one, the API's own words.
    lang: Option<Lang>,
    /// The key of the form being handled: its writes are stored once.
    key: Option<String>,
    /// Writes sent so far: the n-th write of one form has a key of its own
    /// (`key.n`), the same each time the form is sent.
    writes: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

/// What the API answered, whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why the API did not do or answer what a page asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Nobody is logged in (401): the page sends the visitor to log in.
    SignedOut,
    /// No such thing, or nothing the caller may know of (404).
    NotFound,
    /// A request the API refused (4xx): the problem's `code` (empty when the
    /// page refused by itself) and its reason for the person.
    Refused {
        status: u16,
        code: String,
        detail: String,
    },
    /// The server could not answer now (5xx, or an answer a page cannot read).
    Unavailable,
}

impl Failure {
    /// The status a page answers with when it shows this failure.
    pub fn status(&self) -> StatusCode {
        match self {
            Failure::SignedOut => StatusCode::UNAUTHORIZED,
            Failure::NotFound => StatusCode::NOT_FOUND,
            Failure::Refused { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST)
            }
            Failure::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// The failure an answer that is not a success stands for.
pub fn failure_of(status: StatusCode, body: &[u8]) -> Failure {
    match status {
        StatusCode::UNAUTHORIZED => Failure::SignedOut,
        StatusCode::NOT_FOUND => Failure::NotFound,
        status if status.is_client_error() => {
            let problem = serde_json::from_slice::<v1::Problem>(body).ok();
            let code = problem
                .as_ref()
                .map_or_else(String::new, |problem| problem.code.clone());
            let detail = problem
                .map(|problem| problem.detail.unwrap_or(problem.title))
                .filter(|detail| !detail.trim().is_empty())
                .unwrap_or_else(|| {
                    status
                        .canonical_reason()
                        .unwrap_or("the request was refused")
                        .to_owned()
                });
            Failure::Refused {
                status: status.as_u16(),
                code,
                detail,
            }
        }
        _ => Failure::Unavailable,
    }
}

impl Failure {
    /// The same failure, its reason told in `lang` when its code is one the
    /// pages know.
    pub fn told_in(self, lang: Option<Lang>) -> Failure {
        match (self, lang) {
            (
                Failure::Refused {
                    status,
                    code,
                    detail,
                },
                Some(lang),
            ) => {
                let detail = crate::refusals::refusal(lang, &code).map_or(detail, str::to_owned);
                Failure::Refused {
                    status,
                    code,
                    detail,
                }
            }
            (failure, _) => failure,
        }
    }
}

impl Client {
    /// The same client, telling refusals in `lang`.
    pub fn speaking(mut self, lang: Lang) -> Client {
        self.lang = Some(lang);
        self
    }

    /// `GET path`, read as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        self.call(Method::GET, path, None::<&()>).await
    }

    /// `POST path` with a JSON body, read as `T`.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        self.call(Method::POST, path, Some(body)).await
    }

    /// `POST path` without a body (the steps whose path says everything).
    pub async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        self.call(Method::POST, path, None::<&()>).await
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        self.call(Method::DELETE, path, None::<&()>).await
    }

    /// A call whose successful answer is read as `T`.
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, Failure> {
        let answer = self.send(method.clone(), path, body).await?;
        serde_json::from_slice(&answer.body).map_err(|error| {
            tracing::error!(%method, path, %error, "a page cannot read the API's answer");
            Failure::Unavailable
        })
    }

    /// A call whose answer is wanted whole (headers too), when it succeeded.
    pub async fn send<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Answer, Failure> {
        let mut request = Request::builder().method(method.clone()).uri(path);
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie.clone());
        }
        if let Some(host) = &self.host {
            request = request.header(HOST, host.clone());
        }
        if let Some(site) = &self.fetch_site {
            request = request.header(SEC_FETCH_SITE, site.clone());
        }
        if let Some(key) = self.key_of_next_write(&method) {
            request = request.header(crate::once::KEY_HEADER, key);
        }
        let body = match body {
            Some(body) => {
                request = request.header(CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(body).map_err(|_| Failure::Unavailable)?)
            }
            None => Body::empty(),
        };
        let request = request.body(body).map_err(|error| {
            tracing::error!(%method, path, %error, "a page made a request the API cannot take");
            Failure::Unavailable
        })?;
        let response = match self.api.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let body = to_bytes(body, MAX_ANSWER_BYTES).await.map_err(|error| {
            tracing::error!(%method, path, %error, "cannot read the API's answer");
            Failure::Unavailable
        })?;
        if parts.status.is_success() {
            Ok(Answer {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        } else {
            let failure = failure_of(parts.status, &body).told_in(self.lang);
            if failure == Failure::Unavailable {
                // A mail link's path is its secret: it never reaches a log line.
                let shown = if path.starts_with("/links/") {
                    "/links/<secret>"
                } else {
                    path
                };
                tracing::warn!(%method, path = shown, status = %parts.status, "the API could not answer a page");
            }
            Err(failure)
        }
    }
}

impl Client {
    fn key_of_next_write(&self, method: &Method) -> Option<String> {
        let key = self.key.as_ref()?;
        if *method == Method::GET || *method == Method::HEAD {
            return None;
        }
        let n = self
            .writes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(if n == 0 {
            key.clone()
        } else {
            format!("{key}.{n}")
        })
    }
}

/// A path with `min_version` added when there is one.
pub fn with_min_version(path: &str, min_version: Option<u64>) -> String {
    match min_version {
        Some(version) => {
            let joiner = if path.contains('?') { '&' } else { '?' };
            format!("{path}{joiner}min_version={version}")
        }
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use axum::routing::{get, post};
    use serde_json::json;

    use super::*;

    fn problem(status: u16, detail: Option<&str>) -> Vec<u8> {
        let mut problem = json!({"type": "urn:kring:problem:x", "title": "Refused", "status": status, "code": "shift-full"});
        if let Some(detail) = detail {
            problem["detail"] = json!(detail);
        }
        serde_json::to_vec(&problem).unwrap()
    }

    #[test]
    fn refusals_carry_the_apis_words_for_the_person() {
        assert_eq!(
            failure_of(
                StatusCode::UNPROCESSABLE_ENTITY,
                &problem(422, Some("the shift is already full"))
            ),
            Failure::Refused {
                status: 422,
                code: "shift-full".into(),
                detail: "the shift is already full".into()
            }
        );
        // Told in the reader's language by its code.
        let failure = failure_of(
            StatusCode::CONFLICT,
            &problem(409, Some("this shift already has all the helpers it needs")),
        );
        assert_eq!(
            failure.clone().told_in(Some(Lang::Nl)),
            Failure::Refused {
                status: 409,
                code: "shift-full".into(),
                detail: "Deze dienst heeft al genoeg helpers.".into()
            }
        );
        assert_eq!(failure.clone().told_in(None), failure);
        // Without a detail, the title; without a body, the status's own words.
        assert_eq!(
            failure_of(StatusCode::CONFLICT, &problem(409, None)),
            Failure::Refused {
                status: 409,
                code: "shift-full".into(),
                detail: "Refused".into()
            }
        );
        assert_eq!(
            failure_of(StatusCode::FORBIDDEN, b"not json"),
            Failure::Refused {
                status: 403,
                code: String::new(),
                detail: "Forbidden".into()
            }
        );
    }

    #[test]
    fn signed_out_missing_and_broken_are_told_apart() {
        assert_eq!(
            failure_of(
                StatusCode::UNAUTHORIZED,
                &problem(401, Some("log in first"))
            ),
            Failure::SignedOut
        );
        assert_eq!(
            failure_of(StatusCode::NOT_FOUND, &problem(404, Some("no such circle"))),
            Failure::NotFound
        );
        for status in [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::SERVICE_UNAVAILABLE,
        ] {
            assert_eq!(failure_of(status, b""), Failure::Unavailable);
        }
        assert_eq!(Failure::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            Failure::Refused {
                status: 429,
                code: "too-many-requests".into(),
                detail: "later".into()
            }
            .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }

    #[test]
    fn min_version_is_added_to_a_path_with_or_without_a_query() {
        assert_eq!(
            with_min_version("/circles/c", Some(4)),
            "/circles/c?min_version=4"
        );
        assert_eq!(
            with_min_version("/circles/c/rota?days=7", Some(4)),
            "/circles/c/rota?days=7&min_version=4"
        );
        assert_eq!(with_min_version("/circles/c", None), "/circles/c");
    }

    #[tokio::test]
    async fn a_client_forwards_the_cookie_and_sends_json() {
        let router = Router::new()
            .route(
                "/me",
                get(|headers: HeaderMap| async move {
                    match headers.get(COOKIE) {
                        Some(cookie) if cookie == "kring_session=abc" => (
                            StatusCode::OK,
                            axum::Json(
                                json!({"id": uuid::Uuid::nil(), "name": "Ann", "email": "a@b"}),
                            ),
                        ),
                        _ => (StatusCode::UNAUTHORIZED, axum::Json(json!({}))),
                    }
                }),
            )
            .route(
                "/echo",
                post(|headers: HeaderMap, body: String| async move {
                    assert_eq!(headers[CONTENT_TYPE], "application/json");
                    body
                }),
            );
        let api = Api::new(router);
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("kring_session=abc"));
        let me: v1::Me = api.client(&headers).get("/me").await.unwrap();
        assert_eq!(me.name, "Ann");
        let anonymous = api.client(&HeaderMap::new());
        assert_eq!(
            anonymous.get::<v1::Me>("/me").await.unwrap_err(),
            Failure::SignedOut
        );
        let echoed: serde_json::Value = anonymous
            .post("/echo", &json!({"text": "hello"}))
            .await
            .unwrap();
        assert_eq!(echoed, json!({"text": "hello"}));
    }
}
