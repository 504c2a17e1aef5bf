//! `/metrics`: what this process counted, in Prometheus's text format, for a
//! scraper on the inside (outside `/api/v1`, not in the OpenAPI description).
//! A request that a trusted proxy (`Settings::trusted_proxies`) passed on from
//! outside is answered 404, as for any unknown path: behind a proxy only
//! direct scrapes of the node see it.
//!
//! Every crate counts with the `metrics` facade (`metrics::counter!`,
//! `gauge!`, `histogram!`) and needs nothing from this one: until a recorder
//! is installed those calls do nothing. [`install`] puts in the Prometheus
//! recorder of `metrics-exporter-prometheus`, once per process (a `OnceLock`),
//! so tests that start several servers in one process share it. Counters
//! therefore only grow; a test compares before with after.
//!
//! The names, by where they are counted:
//!
//! | name | kind | labels | where |
//! |---|---|---|---|
//! | `kring_appends_total` | counter | `backend` | kring-store: appends that succeeded (retries included) |
//! | `kring_appended_events_total` | counter | `backend` | kring-store: events written (a retried batch writes none) |
//! | `kring_append_conflicts_total` | counter | `backend` | kring-store: appends refused for a stale expected version |
//! | `kring_projector_batches_total` | counter | | kring-views: commits of views with their checkpoint |
//! | `kring_projector_events_total` | counter | | kring-views: events those commits covered |
//! | `kring_projector_committed_position` | gauge | | kring-views: log position of the last commit (on the leading node) |
//! | `kring_projector_failures_total` | counter | | kring-views: batches that failed and were retried |
//! | `kring_projector_lag_events` | gauge | | here, at each scrape: readable events after the stored checkpoint, counted up to [`LAG_COUNTED_UP_TO`] |
//! | `kring_projector_lag_seconds` | gauge | | here, at each scrape: age of the oldest of them (0 when the views are up to date) |
//! | `kring_http_requests_total` | counter | `class` (`2xx`…) | here: every answered request |
//! | `kring_http_request_duration_seconds` | histogram | `class` | here: until the head of the answer |
//! | `kring_live_sockets` | gauge | | kring-live: open WebSockets on `/api/v1/live` |
//! | `kring_live_frames_sent_total` | counter | | kring-live: frames written to sockets |
//! | `kring_live_slow_consumers_dropped_total` | counter | | kring-live: sockets closed because they fell too far behind |
//!
//! The projector's lag is measured here, from the checkpoint in the database,
//! rather than in the projector: only one node projects, and a projector that
//! is stuck commits nothing that could report it. So every node answers the
//! same, true figure, and a lag that grows is seen while it grows.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kring_store::ReadSide;
use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::{ApiError, AppState};

/// The projector's lag in events is counted up to this many: a figure this
/// high means "at least". Reading more to count them would cost each scrape.
pub const LAG_COUNTED_UP_TO: usize = 1000;

/// Histogram buckets (seconds), for every histogram of the process: from a
/// quick read to the 30 s request timeout.
const BUCKETS: &[f64] = &[
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often histograms are folded into their buckets between scrapes, so
/// that samples do not pile up in memory when nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The content type of Prometheus's text format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// One scrape at a time measures and renders, so that an answer shows the lag
/// it measured itself (several servers in one test process share the gauges).
static SCRAPING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Installs the Prometheus recorder for the whole process, the first time it
/// is called; later calls (another server in the same process) return the same
/// handle. If some other recorder was installed first, `/metrics` shows only
/// what it measures itself at each scrape, and says so in a warning.
pub(crate) fn install() -> &'static PrometheusHandle {
    RECORDER.get_or_init(|| {
        let builder = || {
            PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .expect("the buckets are not empty")
        };
        let handle = match builder().install_recorder() {
            Ok(handle) => handle,
            Err(e) => {
                tracing::warn!(error = %e, "another metrics recorder is installed; /metrics shows only what it measures itself");
                builder().build_recorder().handle()
            }
        };
        describe();
        let upkeep = handle.clone();
        let _ = std::thread::Builder::new()
            .name("kring-metrics".into())
            .spawn(move || loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            });
        handle
    })
}

/// The `# HELP` lines.
fn describe() {
    describe_counter!(
        "kring_appends_total",
        "Appends to the event log that succeeded (idempotent retries included)"
    );
    describe_counter!(
        "kring_appended_events_total",
        "Events written to the event log"
    );
    describe_counter!(
        "kring_append_conflicts_total",
        "Appends refused because the stream had moved past the expected version"
    );
    describe_counter!(
        "kring_projector_batches_total",
        "Commits of views with the projector's checkpoint"
    );
    describe_counter!(
        "kring_projector_events_total",
        "Events covered by the projector's commits"
    );
    describe_gauge!(
        "kring_projector_committed_position",
        "Log position of the projector's last commit on this node"
    );
    describe_counter!(
        "kring_projector_failures_total",
        "Projector batches that failed and were retried from the checkpoint"
    );
    describe_gauge!(
        "kring_projector_lag_events",
        "Readable events the stored views do not hold yet (counted up to 1000)"
    );
    describe_gauge!(
        "kring_projector_lag_seconds",
        Unit::Seconds,
        "Age of the oldest event the stored views do not hold yet (0: up to date)"
    );
    describe_counter!(
        "kring_http_requests_total",
        "HTTP requests answered, by status class"
    );
    describe_histogram!(
        "kring_http_request_duration_seconds",
        Unit::Seconds,
        "Time from a request to the head of its answer, by status class"
    );
    describe_gauge!("kring_live_sockets", "Open WebSockets on /api/v1/live");
    describe_counter!(
        "kring_live_frames_sent_total",
        "Frames written to live sockets"
    );
    describe_counter!(
        "kring_live_slow_consumers_dropped_total",
        "Live sockets closed because they fell too far behind"
    );
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>, request: Request) -> Response {
    if state.app.protection.forwarded(&request) {
        return ApiError::for_status(StatusCode::NOT_FOUND).into_response();
    }
    let text = {
        let _alone = SCRAPING.lock().await;
        measure_projector_lag(state.log.as_ref()).await;
        install().render()
    };
    (
        [
            (header::CONTENT_TYPE, TEXT_FORMAT),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// Sets the two lag gauges from the stored checkpoint of the views. When the
/// database does not answer in time they keep their last figures (the
/// readiness probe reports the database).
async fn measure_projector_lag(log: &dyn ReadSide) {
    let behind = tokio::time::timeout(Duration::from_secs(2), async {
        let committed = log.load_checkpoint(kring_views::CHECKPOINT).await?;
        log.read_all(committed, LAG_COUNTED_UP_TO).await
    })
    .await;
    match behind {
        Ok(Ok(behind)) => {
            let seconds = behind.first().map_or(0.0, |oldest| {
                let age = chrono::Utc::now() - oldest.recorded_at;
                age.num_milliseconds().max(0) as f64 / 1000.0
            });
            metrics::gauge!("kring_projector_lag_events").set(behind.len() as f64);
            metrics::gauge!("kring_projector_lag_seconds").set(seconds);
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: cannot read the projector's lag"),
        Err(_) => tracing::warn!("metrics: the database took too long to tell the projector's lag"),
    }
}

/// Middleware around everything: counts each answer by its status class.
pub(crate) async fn count_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    let class = status_class(response.status());
    metrics::counter!("kring_http_requests_total", "class" => class).increment(1);
    metrics::histogram!("kring_http_request_duration_seconds", "class" => class)
        .record(started.elapsed().as_secs_f64());
    response
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_fall_in_their_class() {
        for (status, class) in [
            (StatusCode::SWITCHING_PROTOCOLS, "1xx"),
            (StatusCode::OK, "2xx"),
            (StatusCode::NO_CONTENT, "2xx"),
            (StatusCode::SEE_OTHER, "3xx"),
            (StatusCode::TOO_MANY_REQUESTS, "4xx"),
            (StatusCode::SERVICE_UNAVAILABLE, "5xx"),
        ] {
            assert_eq!(status_class(status), class, "{status}");
        }
    }

    #[test]
    fn installing_twice_gives_the_same_recorder() {
        let first: *const PrometheusHandle = install();
        let second: *const PrometheusHandle = install();
        assert_eq!(first, second);
    }
}
