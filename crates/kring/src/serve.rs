use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use kring_server::AppState;
use tokio::net::TcpListener;

use crate::config::{ServeArgs, StoreArgs};

pub async fn run(store: &StoreArgs, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let log = store.open().await?;
    // Keeps the views up to date; ends with the process.
    let projector = kring_views::Projector::open(log.clone()).await?;
    tokio::spawn(projector.run());
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    // A closed stdout (a detached supervisor) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Kring is running: open http://{address}/");
    let _ = writeln!(out, "Event log: {}. Stop with Ctrl+C.", store.display_url());
    let _ = out.flush();
    drop(out);
    tracing::info!(%address, database = %store.display_url(), "serving");
    kring_server::serve(listener, AppState { log }, shutdown_signal()).await?;
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
