//! Shared pieces of Kring's benchmarks: throw-away databases and directories,
//! the concurrent writer workload every system runs, latency figures and the
//! process's memory, the traffic model of lived-in circles (`traffic`), and
//! Kring's node inside a bench with the accounts and sessions HTTP needs (`node`).

pub mod node;
pub mod traffic;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

/// A database of its own for one measured system, on the server the tests use.
pub struct Database {
    pub url: String,
    name: String,
    server: &'static str,
}

impl Database {
    pub async fn create(label: &str) -> anyhow::Result<Database> {
        let server = kring_testkit::server_url();
        let name = format!("kring_bench_{label}_{}", std::process::id());
        let mut admin = admin(server).await?;
        // A run that died earlier may have left one with the same pid behind.
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .with_context(|| format!("create database {name} on {server}"))?;
        Ok(Database {
            url: format!("{server}/{name}"),
            name,
            server,
        })
    }

    /// Drops the database; FORCE because a pool may still hold idle connections.
    pub async fn drop(self) -> anyhow::Result<()> {
        let mut admin = admin(self.server).await?;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin)
        .await?;
        Ok(())
    }

    /// Average stored size of a table's rows, to check that the systems write alike rows.
    pub async fn avg_row_bytes(&self, table: &str) -> anyhow::Result<f64> {
        let mut c = PgConnection::connect(&self.url).await?;
        let sql = format!("SELECT coalesce(avg(pg_column_size(t.*)), 0)::float8 FROM {table} t");
        Ok(sqlx::query_scalar(&sql).fetch_one(&mut c).await?)
    }

    /// Gives the planner statistics, as a database that has been running a while has.
    /// Without them, connections that planned while the tables were nearly empty keep
    /// generic plans sized for empty tables until autovacuum next analyzes them
    /// (see README.md: Kring's append then scans the whole events table).
    pub async fn analyze(&self) -> anyhow::Result<()> {
        let mut c = PgConnection::connect(&self.url).await?;
        sqlx::query("ANALYZE").execute(&mut c).await?;
        Ok(())
    }

    /// Flushes dirty pages first, so that no measurement pays for an earlier one's checkpoint.
    /// Needs superuser or pg_checkpoint; without it the measurement just runs as is.
    pub async fn checkpoint(&self) {
        if let Ok(mut c) = PgConnection::connect(&self.url).await {
            let _ = sqlx::query("CHECKPOINT").execute(&mut c).await;
        }
    }
}

async fn admin(server: &str) -> anyhow::Result<PgConnection> {
    PgConnection::connect(&format!("{server}/postgres"))
        .await
        .with_context(|| format!("connect to {server}/postgres"))
}

/// A directory of its own under the system's temp dir, removed when dropped.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn create(label: &str) -> anyhow::Result<ScratchDir> {
        let path = std::env::temp_dir().join(format!("kring_bench_{label}_{}", std::process::id()));
        // A run that died earlier may have left one with the same pid behind.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).with_context(|| format!("create {}", path.display()))?;
        Ok(ScratchDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `Vm…` line of /proc/self/status in MiB (Linux only).
fn proc_status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The process's peak resident set (VmHWM) in MiB, since start or the last [`reset_peak_rss`].
pub fn peak_rss_mib() -> Option<f64> {
    proc_status_mib("VmHWM:")
}

/// The process's resident set now (VmRSS) in MiB.
pub fn rss_mib() -> Option<f64> {
    proc_status_mib("VmRSS:")
}

/// Starts the peak resident set over from the current one (Linux: `5` into
/// /proc/self/clear_refs). False when the kernel does not allow it.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `1234 MiB`, or `?` where /proc is not there.
pub fn mib(value: Option<f64>) -> String {
    value.map_or_else(|| "?".into(), |v| format!("{v:.0} MiB"))
}

/// An env var as a number, or the default when it is unset.
pub fn env_number(name: &str, default: usize) -> anyhow::Result<usize> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .with_context(|| format!("{name}={v:?} is not a number")),
        Err(_) => Ok(default),
    }
}

/// The median of some rates; rounds of one system vary a lot on a small, shared machine.
pub fn median(rates: &[f64]) -> f64 {
    let mut sorted = rates.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The same event body for every system, so that row sizes stay comparable.
pub fn payload(stream: usize, version: u64) -> Value {
    json!({
        "circle": format!("circle-{stream:04}"),
        "seq": version,
        "note": "visited on Tuesday, brought groceries, next visit Friday",
    })
}

/// `writers` tasks append to `streams` streams; writer w owns the streams
/// s ≡ w (mod writers), so exact expected versions never conflict and no
/// stream is written by two tasks at once.
pub struct Workload {
    writers: usize,
    /// The last version written to each stream (0: none yet).
    versions: Arc<Vec<AtomicU64>>,
}

impl Workload {
    pub fn new(writers: usize, streams: usize) -> Workload {
        assert!(streams >= writers, "every writer needs a stream");
        Workload {
            writers,
            versions: Arc::new((0..streams).map(|_| AtomicU64::new(0)).collect()),
        }
    }

    pub fn streams(&self) -> usize {
        self.versions.len()
    }

    /// Makes `total` calls of `op(stream, current_version)`, each writer going
    /// round its own streams one call at a time. `total == streams()` touches
    /// every stream exactly once.
    pub async fn run<F, Fut>(&self, total: usize, op: F) -> anyhow::Result<Run>
    where
        F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let op = Arc::new(op);
        let started = Instant::now();
        let tasks: Vec<_> = (0..self.writers)
            .map(|w| {
                let share = total / self.writers + usize::from(w < total % self.writers);
                let owned: Vec<usize> = (w..self.versions.len()).step_by(self.writers).collect();
                let (op, versions) = (op.clone(), self.versions.clone());
                tokio::spawn(async move {
                    let mut latencies = Vec::with_capacity(share);
                    for i in 0..share {
                        let stream = owned[i % owned.len()];
                        // Only this task touches this stream, so Relaxed is enough.
                        let version = versions[stream].load(Ordering::Relaxed);
                        let t = Instant::now();
                        op(stream, version).await?;
                        latencies.push(t.elapsed());
                        versions[stream].store(version + 1, Ordering::Relaxed);
                    }
                    anyhow::Ok(latencies)
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(total);
        for task in tasks {
            latencies.extend(task.await??);
        }
        Ok(Run::new(latencies.len(), started.elapsed(), latencies))
    }
}

/// What one measured run did and how long it took.
pub struct Run {
    pub ops: usize,
    pub elapsed: Duration,
    /// Sorted, for percentiles.
    latencies: Vec<Duration>,
}

impl Run {
    pub fn new(ops: usize, elapsed: Duration, mut latencies: Vec<Duration>) -> Run {
        latencies.sort_unstable();
        Run {
            ops,
            elapsed,
            latencies,
        }
    }

    pub fn per_second(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64()
    }

    /// Nearest-rank percentile of the per-call latencies (zero when none were kept).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    /// `20000 in 4.21 s = 4750/s, p50 3.10 ms, p99 9.80 ms`
    pub fn summary(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        format!(
            "{} in {:.2} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
            self.ops,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let run = Run::new(
            100,
            Duration::from_secs(2),
            (1..=100).rev().map(Duration::from_millis).collect(),
        );
        assert_eq!(run.percentile(50.0), Duration::from_millis(50));
        assert_eq!(run.percentile(99.0), Duration::from_millis(99));
        assert_eq!(run.percentile(100.0), Duration::from_millis(100));
        assert_eq!(run.per_second(), 50.0);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[tokio::test]
    async fn each_stream_once_then_round_robin() {
        let workload = Workload::new(16, 1000);
        let seen = Arc::new(std::sync::Mutex::new(vec![Vec::new(); 1000]));
        let record = {
            let seen = seen.clone();
            move |stream: usize, version: u64| {
                seen.lock().unwrap()[stream].push(version);
                async { Ok(()) }
            }
        };
        workload.run(1000, record.clone()).await.unwrap();
        assert!(seen.lock().unwrap().iter().all(|v| v == &[0]));
        workload.run(1000, record).await.unwrap();
        assert!(seen.lock().unwrap().iter().all(|v| v == &[0, 1]));
    }
}
