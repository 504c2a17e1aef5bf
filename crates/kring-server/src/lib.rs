//! The HTTP side of Kring. For now: the front page and the probes that a
//! process supervisor or load balancer asks (`/healthz`, `/readyz`).

mod health;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use kring_store::EventLog;
use tokio::net::TcpListener;

#[derive(Clone)]
pub struct AppState {
    pub log: Arc<dyn EventLog>,
}

pub fn router(state: AppState) -> Router {
    health::router().with_state(state)
}

/// Serves until `shutdown` completes, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
