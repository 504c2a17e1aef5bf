//! No request holds the server forever: tower-http's `TimeoutLayer` answers
//! 503 when the handler (reading the body included) has not answered in time,
//! and drops its work. 503 rather than 408: the client was not too slow, and
//! browsers resend a 408 on their own, which could repeat a write.
//!
//! The layer's own answer has no body; it becomes problem+json here. Responses
//! from inside are marked, so that a 503 a handler made itself (`/readyz`'s
//! plain text) stays as it is.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::timeout::TimeoutLayer;

use crate::ApiError;

pub(crate) fn limit(router: Router, after: Duration) -> Router {
    router
        .layer(map_response(mark_answered))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            after,
        ))
        .layer(map_response(explain_timeout))
}

/// On every response that came from inside the timeout.
#[derive(Clone, Copy)]
struct Answered;

async fn mark_answered(mut response: Response) -> Response {
    response.extensions_mut().insert(Answered);
    response
}

async fn explain_timeout(response: Response) -> Response {
    if response.extensions().get::<Answered>().is_some()
        || response.status() != StatusCode::SERVICE_UNAVAILABLE
    {
        return response;
    }
    let mut problem = ApiError::for_status(response.status()).into_response();
    problem
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    problem
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::extract::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    fn app() -> Router {
        let routes = Router::new()
            .route("/never", get(std::future::pending::<&'static str>))
            .route("/quick", get(|| async { "done" }))
            .route(
                "/busy",
                get(|| async {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "the database does not answer\n",
                    )
                }),
            );
        limit(routes, Duration::from_millis(100))
    }

    async fn get_text(path: &str) -> (StatusCode, Option<String>, String) {
        let request = Request::builder().uri(path).body(Body::empty()).unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|t| t.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn a_request_that_never_ends_is_answered_503_problem_json() {
        let (status, content_type, body) = get_text("/never").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(content_type.as_deref(), Some("application/problem+json"));
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["type"], "urn:kring:problem:timed-out");
        assert_eq!(problem["status"], 503);
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .contains("took too long"));
    }

    #[tokio::test]
    async fn answers_in_time_pass_unchanged_even_a_handlers_own_503() {
        assert_eq!(
            get_text("/quick").await,
            (
                StatusCode::OK,
                Some("text/plain; charset=utf-8".into()),
                "done".into()
            )
        );
        assert_eq!(
            get_text("/busy").await,
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("text/plain; charset=utf-8".into()),
                "the database does not answer\n".into()
            )
        );
    }
}
