//! The HTTP side of Kring: the JSON API under `/api/v1` (wire types in
//! `kring-protocol`), live updates at `/api/v1/live`, calendar feeds,
//! `/metrics`, and the probes that a process supervisor or load balancer asks
//! (`/healthz`, `/readyz`).
//!
//! The pages are not this crate's: [`router`] and [`serve`] take them as a
//! router of their own (the binary hands in `kring-web`'s, built on
//! [`api_router`]) and put them behind the same protection, security headers,
//! timeout, tracing and metrics as the API.
//!
//! Each API resource is one module under `api/` with its own `router()`;
//! every failure is an [`ApiError`], answered as `application/problem+json`.

mod api;
mod error;
mod health;
mod metrics;
mod protect;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use kring_app::{AccountError, Accounts, Commands, EmailLookup, Vault};
use kring_domain::Services;
use kring_store::Store;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use api::live::LiveOptions;
pub use api::{openapi, SessionCookie, MAX_BODY_BYTES};
pub use error::{all_codes, ApiError, Code};
pub use protect::{Limit, RateLimits};

/// How the server is set up, apart from its database.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where people reach this server (`https://kring.example.org`). It decides
    /// the session cookie: see [`SessionCookie`]. `None`: plain HTTP (local use).
    pub public_url: Option<String>,
    /// The key of the e-mail lookup hash (`KRING_SECRET`); `None`: the one made
    /// and stored in the database on first start.
    pub secret: Option<String>,
    /// How often one client address may log in, sign up and invite.
    pub rate_limits: RateLimits,
    /// Reverse proxies whose `X-Forwarded-For` is believed: a request from one
    /// of these counts against the right-most address in that header that is
    /// not one of them (see `protect/client.rs`). Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Live updates: queues, pings, limits, allowed origins.
    pub live: LiveOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: None,
            secret: None,
            rate_limits: RateLimits::default(),
            trusted_proxies: Vec::new(),
            live: LiveOptions::default(),
        }
    }
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("the public URL {0:?} must start with https:// or http://")]
    PublicUrl(String),
    #[error("cannot set up the server secret")]
    Secret(#[source] AccountError),
    #[error("cannot start the live hub")]
    Live(#[source] kring_store::StoreError),
}

#[derive(Clone)]
pub struct AppState {
    pub log: Arc<dyn Store>,
    pub(crate) app: Arc<App>,
}

/// What the handlers share.
pub(crate) struct App {
    pub commands: Arc<Commands>,
    /// Erases accounts (`POST /me/deletion`); `None` answers that with 500.
    pub forgetter: Option<kring_app::Forgetter>,
    pub accounts: Accounts,
    pub vault: Vault,
    pub calendar_feeds: kring_app::calendar_feeds::Feeds,
    pub cookie: SessionCookie,
    /// `Settings::public_url`: where people reach this server (calendar feed addresses).
    pub public_url: Option<String>,
    /// Same origin, rate limits, timeout and security headers (see `protect`).
    pub protection: Arc<protect::Protection>,
    /// This node's live hub (`/api/v1/live`).
    pub live: kring_live::Hub,
    /// Tells open sockets that the server stops; counts them.
    pub live_stopping: api::live::Stopping,
    /// Tells this node's sockets that a person's sessions ended.
    pub session_ends: api::live::SessionEnds,
    pub live_options: LiveOptions,
    /// Makes and recognises the links in mails (keyed with the server secret).
    pub links: kring_notify::LinkKeys,
    /// Mails per address and per account (reset links, verification links),
    /// whoever asks.
    pub mails_per_key: protect::PerKey,
    /// Invitations mailed per inviting account: a family at once, not a spam run.
    pub invitations_per_account: protect::PerKey,
    /// Every write per signed-in account (`RateLimits::writes_per_account`).
    pub writes_per_account: protect::PerKey,
    /// Password checks per account, from any number of addresses: log-ins by
    /// the address typed (`log-in:<lookup>`), a changed password or address
    /// by the account (`account:<id>`).
    pub password_checks: protect::PerKey,
    /// Names, ids and sealed answers of requests with an `Idempotency-Key`.
    pub request_keys: kring_app::RequestKeys,
    /// Requests with the same key on this node take turns.
    pub in_flight: api::idempotency::InFlight,
    /// Parsed marketplace views and the looks recorded today (see `api::marketplace`).
    pub marketplace: api::marketplace::MarketplaceCache,
    /// This node's sockets watching marketplaces (see `api::marketplace::live`).
    pub market_watch: Arc<api::marketplace::MarketWatch>,
}

impl AppState {
    /// Circle reads fold in the log themselves (see `kring_views::CurrentViews`);
    /// a projector must still run against the same database for "my circles",
    /// dashboards and mail.
    pub async fn new(log: Arc<dyn Store>, settings: Settings) -> Result<AppState, SetupError> {
        let cookie = SessionCookie::for_public_url(settings.public_url.as_deref())?;
        let writes_per_account = protect::PerKey::new(settings.rate_limits.writes_per_account);
        let protection = Arc::new(protect::Protection::new(
            settings.public_url.as_deref(),
            cookie.clone(),
            &settings.rate_limits,
            &settings.trusted_proxies,
        ));
        metrics::install();
        let secret = kring_app::server_secret(log.as_ref(), settings.secret.as_deref())
            .await
            .map_err(SetupError::Secret)?;
        let commands = Arc::new(Commands::new(log.clone(), Services::system()));
        let live = kring_live::Hub::start(log.clone(), settings.live.hub.clone())
            .await
            .map_err(SetupError::Live)?;
        let accounts = Accounts::new(log.clone(), commands.clone(), EmailLookup::new(&secret));
        Ok(AppState {
            app: Arc::new(App {
                commands,
                forgetter: None,
                accounts,
                vault: Vault::new(log.clone()),
                calendar_feeds: kring_app::calendar_feeds::Feeds::new(log.clone()),
                cookie,
                public_url: settings.public_url.clone(),
                protection,
                live,
                live_stopping: api::live::Stopping::default(),
                session_ends: api::live::SessionEnds::default(),
                live_options: settings.live,
                links: kring_notify::LinkKeys::new(&secret),
                // Three at once, then one every 10 minutes.
                mails_per_key: protect::PerKey::new(protect::Limit::per_hour(6).with_burst(3)),
                // Twenty at once, then one a minute.
                invitations_per_account: protect::PerKey::new(
                    protect::Limit::per_hour(60).with_burst(20),
                ),
                writes_per_account,
                password_checks: protect::PerKey::new(settings.rate_limits.password_checks),
                request_keys: kring_app::RequestKeys::new(&secret),
                in_flight: Default::default(),
                marketplace: Default::default(),
                market_watch: Default::default(),
            }),
            log,
        })
    }
}

impl AppState {
    /// The same state, able to erase accounts with `forgetter` (opened on the
    /// same database: [`kring_app::Forgetter::open`]). Call before serving.
    pub fn with_forgetter(mut self, forgetter: kring_app::Forgetter) -> AppState {
        match Arc::get_mut(&mut self.app) {
            Some(app) => app.forgetter = Some(forgetter),
            None => panic!("with_forgetter is called before the state is shared"),
        }
        self
    }
}

/// The JSON API with its state, as [`router`] nests it under `/api/v1` (its
/// paths are `/circles`, `/session`, ...): what the pages call in-process, as
/// a browser would call it over HTTP.
pub fn api_router(state: &AppState) -> Router {
    api::router(state).with_state(state.clone())
}

/// Everything a node answers: the probes, `/metrics`, the API under `/api/v1`,
/// the calendar feeds, and `pages` at the root, all behind the protection of
/// `protect` (same origin, rate limits, timeout, security headers), tracing
/// and the request metrics. `pages` may be `Router::new()`: the API alone.
pub fn router(state: AppState, pages: Router) -> Router {
    let protection = state.app.protection.clone();
    let routes = health::router()
        .merge(metrics::router())
        .nest(kring_protocol::v1::PREFIX, api::router(&state))
        .merge(api::calendar::feeds())
        .with_state(state)
        .merge(pages);
    let traced = TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %loggable_path(request.uri().path()),
        )
    });
    protect::around(routes, protection)
        .layer(traced)
        .layer(axum::middleware::from_fn(metrics::count_requests))
}

/// A request's path as the logs show it: a calendar feed's address and a
/// mail's link are their own secrets, so they never reach a log line; query
/// strings are left out too.
pub fn loggable_path(path: &str) -> &str {
    const SECRET_AFTER: [(&str, &str); 5] = [
        ("/calendar/", "/calendar/<secret>"),
        ("/m/", "/m/<secret>"),
        ("/links/", "/links/<secret>"),
        ("/api/v1/links/", "/api/v1/links/<secret>"),
        ("/api/v1/password-reset/", "/api/v1/password-reset/<secret>"),
    ];
    SECRET_AFTER
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or(path, |(_, shown)| shown)
}

#[cfg(test)]
mod loggable_path_tests {
    use super::loggable_path;

    #[test]
    fn secrets_in_paths_never_reach_the_logs() {
        let token = "n_fXDcNNoDwISrUECPuBjItbl_KpjSUjAilPdtyLsDQ";
        for path in [
            format!("/m/{token}"),
            format!("/api/v1/links/{token}"),
            format!("/links/{token}"),
            format!("/api/v1/password-reset/{token}"),
            format!("/calendar/{token}.ics"),
        ] {
            assert!(!loggable_path(&path).contains(token), "{path}");
        }
        assert_eq!(loggable_path("/api/v1/circles"), "/api/v1/circles");
    }
}

/// Serves [`router`]`(state, pages)` until `shutdown` completes, then lets
/// open requests finish. Knows each client's address (`ConnectInfo`): the rate
/// limits count per address.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    pages: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let live = api::live::Stopping::of(&state);
    let app = router(state, pages).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Open sockets are not HTTP requests the server waits for: tell
            // each to close with its positions, and give them a moment.
            live.stop_all(Duration::from_secs(2)).await;
        })
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_calendar_secret_never_reaches_the_logs() {
        assert_eq!(
            super::loggable_path("/calendar/3q2-Fz_x9.ics"),
            "/calendar/<secret>"
        );
        assert_eq!(super::loggable_path("/api/v1/me"), "/api/v1/me");
    }
}
