use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::config::StoreArgs;

/// Replays the whole log into fresh views and reports the speed.
pub async fn run(store: &StoreArgs) -> anyhow::Result<ExitCode> {
    let log = store.open().await?;
    let total = log.event_count().await?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} events ({per_sec}, {eta} left)")
            .expect("a valid template"),
    );
    let started = Instant::now();
    let read = kring_views::rebuild(log, |read| bar.set_position(read)).await?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Rebuilt every view from {read} events in {seconds:.1} s ({:.0} events/s).",
        read as f64 / seconds.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
