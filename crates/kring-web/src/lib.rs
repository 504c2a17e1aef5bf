//! The pages people use: server-rendered HTML in Dutch and English, built on
//! the JSON API and nothing else.
//!
//! [`routes`] takes the API router (as it is mounted under `/api/v1`, with its
//! state) and answers the pages at the root. A page handler calls the API
//! in-process ([`api::Client`], `tower::ServiceExt::oneshot`) with the
//! browser's own cookie, reads the JSON answer into `kring_protocol::v1`
//! types and renders HTML with maud (escaped by default). A form posts to a
//! page route, which calls the API with JSON and answers `303 See Other` back
//! to the page (post/redirect/get); what the API refused is shown on that page
//! in a `role="alert"` region, in the API's own words (its problem `detail`).
//!
//! No inline script or style anywhere (the server's Content-Security-Policy is
//! `default-src 'self'`): one CSS file and one JavaScript file, served under
//! `/assets/` (see [`assets`]). The script keeps circle pages live: it opens
//! the WebSocket at `/api/v1/live`, subscribes with the page's version, and on
//! each event fetches the same page again (with `min_version`) and swaps the
//! content of `<main>`.

pub mod api;
mod assets;
mod ctx;
mod form;
pub mod i18n;
mod layout;
mod once;
mod pages;
pub mod refusals;
pub mod time;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

pub use api::Api;

/// The largest form a page takes: like the API's own limit.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// What every page handler shares: the way to the API.
#[derive(Clone)]
pub(crate) struct Web {
    pub api: Api,
}

/// The pages, at the root. `api` is the JSON API router with its state
/// applied, exactly as it is nested under `/api/v1` (its paths are
/// `/circles`, `/session`, ...).
pub fn routes(api: Router) -> Router {
    use pages::*;
    let web = Web { api: Api::new(api) };
    Router::new()
        .route("/", get(home::show))
        .route("/me/places/{id}", post(places::answer))
        .route("/circles/{id}/helpers/{person}/place", post(places::offer))
        .route("/lang", post(lang::switch))
        .route("/login", get(login::show).post(login::submit))
        .route("/signup", get(signup::show).post(signup::submit))
        .route("/logout", get(logout::show).post(logout::submit))
        .route("/forgot", get(forgot::show).post(forgot::submit))
        .route("/m/{token}", get(mail_link::show).post(mail_link::submit))
        .route("/me/email/verification", post(home::send_verification))
        .route("/join", get(join::show).post(join::submit))
        .route("/me/mail", get(mail_prefs::show).post(mail_prefs::save))
        .route(
            "/me/delete",
            get(delete_account::show).post(delete_account::submit),
        )
        .route("/organisations", post(organisation::register))
        .route(
            "/circles/new",
            get(new_circle::show).post(new_circle::submit),
        )
        .route(
            "/organisations/{org}/circles/new",
            get(new_circle::show_kitchen_table).post(new_circle::submit_kitchen_table),
        )
        .route("/circles/{id}", get(circle::show))
        .route("/circles/{id}/coordination", post(coordination::answer))
        .route(
            "/circles/{id}/members/{person}/hand-over",
            post(coordination::hand_over),
        )
        .route("/me/export", get(downloads::mine))
        .route("/circles/{id}/export", get(downloads::circle))
        .route("/circles/{id}/pause", post(life::pause))
        .route("/circles/{id}/resume", post(life::resume))
        .route("/circles/{id}/end", post(life::end))
        .route("/circles/{id}/keepsake", get(life::keepsake))
        .route("/circles/{id}/rota", get(rota::show))
        .route("/circles/{id}/rota/shifts", post(rota::schedule))
        .route("/circles/{id}/rota/claim", post(rota::claim))
        .route("/circles/{id}/rota/release", post(rota::release))
        .route("/circles/{id}/rota/skip", post(rota::skip))
        .route("/circles/{id}/rota/end-series", post(rota::end_series))
        .route("/circles/{id}/rota/change", post(rota_change::change))
        .route("/circles/{id}/rota/swap", post(rota::propose_swap))
        .route("/circles/{id}/rota/swaps/{swap}", post(rota::answer_swap))
        .route("/circles/{id}/rota/thanks", post(rota::thank))
        .route(
            "/circles/{id}/requests",
            get(requests::show).post(requests::ask),
        )
        .route("/circles/{id}/requests/thanks", post(requests::thank))
        .route("/circles/{id}/requests/history", get(request_history::show))
        .route(
            "/circles/{id}/requests/{request}/widen",
            post(requests::widen),
        )
        .route(
            "/circles/{id}/requests/{request}/{action}",
            post(requests::step),
        )
        .route(
            "/circles/{id}/logbook",
            get(logbook::show).post(logbook::write),
        )
        .route(
            "/circles/{id}/logbook/{entry}/redact",
            post(logbook::redact),
        )
        .route("/circles/{id}/logbook/{entry}/thanks", post(logbook::thank))
        .route(
            "/circles/{id}/members",
            get(members::show).post(members::invite),
        )
        .route(
            "/circles/{id}/members/{person}/ring",
            post(members::change_ring),
        )
        .route(
            "/circles/{id}/members/{person}/coordinator",
            post(members::coordinator),
        )
        .route(
            "/circles/{id}/members/{person}/remove",
            post(members::remove),
        )
        .route(
            "/circles/{id}/invitations/{invitation}/revoke",
            post(members::revoke_invitation),
        )
        .route(
            "/circles/{id}/requests/{request}/change",
            post(request_change::change),
        )
        .route("/circles/{id}/offers", post(members::offer))
        .route(
            "/circles/{id}/offers/{offer}/change",
            post(members::change_offer),
        )
        .route(
            "/circles/{id}/offers/{offer}/withdraw",
            post(members::withdraw_offer),
        )
        .route(
            "/circles/{id}/calendar",
            get(calendar::show).post(calendar::make),
        )
        .route(
            "/circles/{id}/calendar/{feed}/revoke",
            post(calendar::revoke),
        )
        .route("/circles/{id}/figures", get(figures::show))
        .route(
            "/circles/{id}/consent",
            get(consent::show).post(consent::grant),
        )
        .route(
            "/circles/{id}/consent/{organisation}/revoke",
            post(consent::revoke),
        )
        .route("/organisations/{org}", get(organisation::show))
        .route(
            "/organisations/{org}/intermediaries",
            post(organisation::add_colleague),
        )
        .route(
            "/organisations/{org}/thresholds",
            post(organisation::set_thresholds),
        )
        .route(
            "/organisations/{org}/circles/{id}",
            get(organisation::circle),
        )
        .route("/organisations/{org}/marketplace", get(marketplace::board))
        .route(
            "/organisations/{org}/marketplace/sign-up",
            post(marketplace::sign_up_link),
        )
        .route(
            "/organisations/{org}/marketplace/invite",
            post(marketplace::invite),
        )
        .route(
            "/organisations/{org}/marketplace/{listing}",
            get(marketplace::listing).post(marketplace::propose),
        )
        .route(
            "/volunteer/{org}",
            get(volunteering::show).post(volunteering::join),
        )
        .route("/volunteer/{org}/profile", post(volunteering::set_profile))
        .route("/volunteer/{org}/status", post(volunteering::set_status))
        .route("/volunteer/{org}/offer", post(volunteering::offer))
        .route(
            "/circles/{id}/requests/{request}/listing",
            post(listing::list),
        )
        .route(
            "/circles/{id}/requests/{request}/proposals/{volunteer}",
            post(listing::answer),
        )
        .route("/circles/{id}/neighbourhood", post(listing::neighbourhood))
        .route("/assets/{file}", get(assets::serve))
        .fallback(not_found::show)
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(axum::middleware::from_fn(once::key_from_form))
        .with_state(web)
}
