//! Addresses Kring hands out (invitation links, calendar feeds): under the
//! public URL when one is set, else under the host the request was sent to.

use axum::http::{header, HeaderMap};

use crate::{ApiError, AppState};

/// Where people reach this server: the public URL when set, otherwise plain
/// HTTP to the host the request was sent to (local use).
pub(crate) fn public_base(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    if let Some(url) = &state.app.public_url {
        return Ok(url.trim_end_matches('/').to_owned());
    }
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .ok_or_else(|| {
            ApiError::BadRequest(
                crate::error::Code::NoHost,
                "the request names no host to make an address with".into(),
            )
        })?;
    Ok(format!("http://{host}"))
}
