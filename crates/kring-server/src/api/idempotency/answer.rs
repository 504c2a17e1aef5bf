//! A finished answer as it is kept: status, the headers a client reads
//! (`Content-Type`, `Location`) and the body.

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::ApiError;

/// Most bytes of an answer that is kept (API answers are far smaller).
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Kept headers, in this order.
const KEPT: [HeaderName; 2] = [header::CONTENT_TYPE, header::LOCATION];

#[derive(Serialize, Deserialize)]
pub(super) struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    /// Reads the answer out of `response` and gives back a response like it.
    pub(super) async fn take(response: Response) -> Result<(Answer, Response), ApiError> {
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, MAX_ANSWER_BYTES)
            .await
            .map_err(ApiError::internal)?;
        let headers = KEPT
            .iter()
            .filter_map(|name| {
                let value = parts.headers.get(name)?.to_str().ok()?;
                Some((name.as_str().to_owned(), value.to_owned()))
            })
            .collect();
        let answer = Answer {
            status: parts.status.as_u16(),
            headers,
            body: body.to_vec(),
        };
        Ok((answer, Response::from_parts(parts, Body::from(body))))
    }

    pub(super) fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an answer serialises")
    }

    pub(super) fn decode(bytes: &[u8]) -> Option<Answer> {
        serde_json::from_slice(bytes).ok()
    }

    /// The kept answer again, marked `Idempotent-Replayed: true`.
    pub(super) fn replayed(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) =
                (HeaderName::try_from(name), HeaderValue::try_from(value))
            {
                response.headers_mut().insert(name, value);
            }
        }
        response.headers_mut().insert(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
        response
    }
}
