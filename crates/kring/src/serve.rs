use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use kring_server::{AppState, Settings};
use tokio::net::TcpListener;

use crate::config::{ServeArgs, StoreArgs};

pub async fn run(store: &StoreArgs, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let log = store.open().await?;
    // Keeps the views up to date; ends with the process. Its progress wakes
    // reads that wait for a version (read-your-writes).
    let projector = kring_views::Projector::open(log.clone()).await?;
    let views = projector.progress();
    tokio::spawn(projector.run());
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    let settings = Settings {
        public_url: args.public_url.clone(),
        secret: args.secret.as_ref().map(|s| s.0.clone()),
        trusted_proxies: args.trusted_proxies.clone(),
        ..Settings::default()
    };
    let state = AppState::new(log, settings, Some(views))
        .await
        .context("cannot set up the HTTP server")?;
    // A closed stdout (a detached supervisor) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Kring is running: open http://{address}/");
    let _ = writeln!(out, "Event log: {}. Stop with Ctrl+C.", store.display_url());
    let _ = out.flush();
    drop(out);
    tracing::info!(%address, database = %store.display_url(), "serving");
    // The pages call the API in-process, as a browser would; both stand
    // behind the same protection.
    let pages = kring_web::routes(kring_server::api_router(&state));
    kring_server::serve(listener, state, pages, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Ctrl+C or SIGTERM (what systemd, Docker and Kubernetes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
