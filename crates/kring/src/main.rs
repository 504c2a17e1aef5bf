//! `kring`: run the service and look after its event log.

mod config;
mod demo;
mod rebuild;
mod serve;

use std::io::IsTerminal;
use std::process::ExitCode;

use config::{Cli, Command, LogFormat};
use kring_domain::PersonId;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_with_default();
    init_logs(cli.log_format);
    let outcome = match cli.command.clone().expect("a subcommand, serve by default") {
        Command::Serve(args) if args.demo => {
            let secret = args.secret.as_ref().map(|s| s.0.as_str());
            match demo::fill(&cli.store, secret).await {
                Ok(_) => serve::run(&cli.store, &args).await,
                Err(e) => Err(e),
            }
        }
        Command::Serve(args) => serve::run(&cli.store, &args).await,
        Command::Demo { secret } => {
            demo::run(&cli.store, secret.as_ref().map(|s| s.0.as_str())).await
        }
        Command::Migrate => migrate(&cli.store).await,
        Command::Verify => verify(&cli.store).await,
        Command::Rebuild => rebuild::run(&cli.store).await,
        Command::Forget { person } => forget(&cli.store, person).await,
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kring: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Log lines to stderr, filtered by `RUST_LOG`: text for people, or one JSON
/// object a line (`timestamp`, `level`, `target`, the event's fields such as
/// `message` at the top level, and the request's `span`) for a log collector.
fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    // Colours only for a person at a terminal, not in journald or a file.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

async fn migrate(store: &config::StoreArgs) -> anyhow::Result<ExitCode> {
    store.open().await?;
    println!("The database is up to date ({}).", store.display_url());
    Ok(ExitCode::SUCCESS)
}

async fn verify(store: &config::StoreArgs) -> anyhow::Result<ExitCode> {
    let log = store.open().await?;
    let report = kring_store::verify_all(log.as_ref()).await?;
    println!(
        "Checked {} streams with {} events in {}.",
        report.streams,
        report.events,
        store.display_url()
    );
    if report.is_intact() {
        println!("Every hash chain is intact.");
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &report.breaks {
        println!("BROKEN: {problem}");
    }
    println!(
        "{} stream(s) have a broken hash chain: events were changed, removed or reordered outside Kring.",
        report.breaks.len()
    );
    Ok(ExitCode::from(2))
}

async fn forget(store: &config::StoreArgs, person: PersonId) -> anyhow::Result<ExitCode> {
    let forgetter = store.open_forgetter().await?;
    let erased = forgetter.forget(person).await?;
    if !erased.anything() {
        println!("Nobody with id {person} has anything left to erase here.");
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "Erased {person}: they left {} circle(s) and {} organisation(s); their log-in, \
         sessions, calendar feeds and mail are deleted and their address is free; their \
         name, contact details and writing can no longer be read; their events stay as \
         \"a former member\".",
        erased.circles, erased.organisations
    );
    Ok(ExitCode::SUCCESS)
}
