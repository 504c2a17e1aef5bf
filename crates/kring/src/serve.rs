use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use kring_server::{AppState, Limit, RateLimits, Settings};
use tokio::net::TcpListener;

use crate::config::{ServeArgs, StoreArgs};

pub async fn run(store: &StoreArgs, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let log = store.open().await?;
    // Keeps the stored views up to date ("my circles", dashboards, mail);
    // ends with the process.
    let projector = kring_views::Projector::open(log.clone()).await?;
    tokio::spawn(projector.run());
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    let settings = Settings {
        public_url: args.public_url.clone(),
        secret: args.secret.as_ref().map(|s| s.0.clone()),
        trusted_proxies: args.trusted_proxies.clone(),
        rate_limits: RateLimits {
            writes_per_account: Limit::per_minute(args.writes_per_minute),
            writes: Limit::per_minute(args.writes_per_minute.saturating_mul(10)),
            password_checks: Limit::per_minute(args.password_checks_per_minute),
            ..RateLimits::default()
        },
        ..Settings::default()
    };
    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    let state = AppState::new(log.clone(), settings)
        .await
        .context("cannot set up the HTTP server")?
        .with_forgetter(store.open_forgetter().await?);
    let _mail = start_mail(store, args, log, public_url).await?;
    // A closed stdout (a detached supervisor) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Kring is running: open http://{address}/");
    let _ = writeln!(out, "Event log: {}. Stop with Ctrl+C.", store.display_url());
    if args.mail.smtp_url.is_none() {
        let _ = writeln!(
            out,
            "Mails (no SMTP server set): {}",
            store.mail_folder().display()
        );
    }
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

/// The notifier and the sender: over SMTP when `KRING_SMTP_URL` is set, else
/// into .eml files beside the database.
async fn start_mail(
    store: &StoreArgs,
    args: &ServeArgs,
    log: std::sync::Arc<dyn kring_store::Store>,
    public_url: String,
) -> anyhow::Result<kring_notify::MailTasks> {
    let mail = &args.mail;
    let transport = match (&mail.smtp_url, &mail.smtp_password_file) {
        (Some(url), Some(file)) => {
            let password = kring_notify::transport::read_password_file(file)?;
            kring_notify::Transport::from_url_with_password(url, &password)?
        }
        (Some(url), None) => kring_notify::Transport::from_url(url)?,
        (None, _) => {
            let folder = store.mail_folder();
            tracing::info!(folder = %folder.display(), "no SMTP server set: mails are written as .eml files");
            kring_notify::Transport::files(folder)
        }
    };
    let secret = kring_app::server_secret(log.as_ref(), args.secret.as_ref().map(|s| s.0.as_str()))
        .await
        .context("cannot read the server secret")?;
    let server = kring_notify::MailSettingsOfServer {
        public_url,
        from: mail.mail_from.clone(),
    };
    kring_notify::start(log, &secret, transport, server)
        .await
        .context("cannot start sending mail")
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
