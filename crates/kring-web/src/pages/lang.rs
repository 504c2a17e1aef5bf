//! `POST /lang`: the language switch in the header; remembered in a cookie
//! for a year, then back to the page it was pressed on.

use axum::response::Response;
use http::header::SET_COOKIE;
use http::HeaderValue;

use crate::ctx::{see_other, LANG_COOKIE};
use crate::form::Fields;
use crate::i18n::Lang;

pub async fn switch(fields: Fields) -> Response {
    let lang = match fields.get("lang") {
        Some("en") => Lang::En,
        _ => Lang::Nl,
    };
    let mut response = see_other(&fields.back_or("/"));
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}
