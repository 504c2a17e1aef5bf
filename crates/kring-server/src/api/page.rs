//! Pages of a list, newest first (`v1::PageQuery`): the limit checked, and the
//! next page's address in a `Link` header (RFC 8288), as GitHub's API does, so
//! the answers' bodies keep their shape.

use axum::http::{header, HeaderMap, HeaderValue};
use kring_protocol::v1::{self, limits};
use kring_views::{Page, PageAt};

use crate::ApiError;

/// Where the page asked for starts, and its size; 400 for a limit out of bounds.
pub(crate) fn at(query: &v1::PageQuery) -> Result<PageAt, ApiError> {
    let limit = query
        .limit
        .map_or(limits::PAGE_DEFAULT_ITEMS, |l| l as usize);
    if !(1..=limits::PAGE_ITEMS).contains(&limit) {
        return Err(ApiError::BadRequest(
            crate::error::Code::PageLimit,
            format!("a page holds 1 to {} items", limits::PAGE_ITEMS),
        ));
    }
    Ok(PageAt {
        before: query.before,
        limit,
    })
}

/// The `Link` to the page after `page` (`path` under `/api/v1`), when there is one.
pub(crate) fn link<T>(path: &str, at: PageAt, page: &Page<T>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(next) = page.next {
        let link = format!(
            "<{}{path}?limit={}&before={next}>; rel=\"next\"",
            v1::PREFIX,
            at.limit
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, value);
        }
    }
    headers
}
