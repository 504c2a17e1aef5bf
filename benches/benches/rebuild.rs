//! Rebuilding every view from a realistic log, on SQLite and on Postgres, and
//! what one page load of the rota costs under that data. See benches/README.md.
//!
//! The history is made by running commands through the domain's rules
//! (`Circle::decide`, then `apply`), one append per command, circles
//! interleaved as real traffic would be. It is deterministic: both backends get
//! the same circles with the same events (ids included).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use kring_benches::traffic::{targets, History, Sim, SEED, SPAN_DAYS};
use kring_benches::{
    env_number, median, mib, peak_rss_mib, reset_peak_rss, rss_mib, Database, Run, ScratchDir,
};
use kring_domain::{Actor, CircleId, PersonId};
use kring_store::{
    Durability, ExpectedVersion, GlobalCursor, OpenOptions, SqliteLog, Store, ViewRow,
};
use kring_testkit::history::Rng;
use kring_views::{CircleView, CHECKPOINT, CIRCLE_VIEW};
use sqlx::{Connection, PgConnection};

/// Concurrent writers; each owns the circles i ≡ w (mod WRITERS).
const WRITERS: usize = 16;
/// Postgres connections: the writers, the doorbell and its listener, and a few spare.
const POOL: u32 = 24;
/// The projector's page size (`Projector::open`) and its catch-up flush interval
/// (`CATCH_UP_FLUSH_EVERY`), replicated by the phase breakdown.
const PAGE: usize = 5_000;
const FLUSH_EVERY: usize = 100_000;
const ROTA_DAYS: u32 = 28;
const ROTA_WARM_UP: usize = 200;
const ROUND_LIMIT: Duration = Duration::from_secs(30 * 60);

// ------------------------------------------------------------------ the writers' histories
// The traffic model itself is in kring_benches::traffic (shared with the notify bench).

#[derive(Default)]
struct Generated {
    events: u64,
    appends: u64,
    refused: usize,
    first_refusal: Option<String>,
    /// One (circle, member) per circle, for the rota query.
    viewers: Vec<(CircleId, PersonId)>,
}

/// Writes the whole history into `log` with `WRITERS` concurrent writers. On
/// Postgres (`analyze`: its URL) the tables are analyzed every 30 s meanwhile.
async fn generate(
    label: &str,
    log: Arc<dyn Store>,
    targets: Arc<Vec<u64>>,
    end: DateTime<Utc>,
    analyze: Option<String>,
) -> anyhow::Result<Generated> {
    let total: u64 = targets.iter().sum();
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let ticker = {
        let (written, label) = (written.clone(), label.to_owned());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(30)).await;
                let n = written.load(Ordering::Relaxed);
                println!(
                    "{label:<8} generating: {n}/{total} events, {:.0}/s",
                    n as f64 / started.elapsed().as_secs_f64()
                );
                // Without statistics, plpgsql keeps the generic plans it made on the
                // empty tables (before migration 0009, `append_events`' event-id
                // probe then scanned the whole log on every append: ~1,000/s fell to
                // under 200/s by 200,000 events). Autovacuum would analyze, but it
                // may be off (it is here).
                if let Some(url) = &analyze {
                    if let Ok(mut c) = PgConnection::connect(url).await {
                        let _ = sqlx::query("ANALYZE").execute(&mut c).await;
                    }
                }
            }
        })
    };
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (log, targets, written) = (log.clone(), targets.clone(), written.clone());
            tokio::spawn(async move {
                let mut history = History::new(w, WRITERS, &targets, end);
                let mut appends = 0;
                while let Some(batch) = history.next() {
                    let n = batch.events.len() as u64;
                    log.append(
                        &batch.stream,
                        ExpectedVersion::Exact(batch.expected),
                        &batch.events,
                    )
                    .await
                    .with_context(|| format!("append to {}", batch.stream))?;
                    written.fetch_add(n, Ordering::Relaxed);
                    appends += 1;
                }
                let mut g = Generated {
                    events: history.sims.iter().map(|s| s.version).sum(),
                    appends,
                    refused: history.refused,
                    first_refusal: history.first_refusal.take(),
                    viewers: vec![],
                };
                g.viewers = history.sims.iter_mut().map(Sim::rota_viewer).collect();
                anyhow::Ok(g)
            })
        })
        .collect();
    let mut all = Generated::default();
    for task in tasks {
        let g = task.await??;
        all.events += g.events;
        all.appends += g.appends;
        all.refused += g.refused;
        all.first_refusal = all.first_refusal.or(g.first_refusal);
        all.viewers.extend(g.viewers);
    }
    ticker.abort();
    all.viewers.sort();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{label:<8} generated {} events in {} appends ({} circles) in {seconds:.0} s ({:.0} events/s); {} commands refused{}",
        all.events,
        all.appends,
        all.viewers.len(),
        all.events as f64 / seconds,
        all.refused,
        all.first_refusal
            .as_deref()
            .map_or(String::new(), |f| format!(", the first: {f}")),
    );
    Ok(all)
}

// ------------------------------------------------------------------ measurements

/// The 1-minute load average: other work on the machine shows in the figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `kring_views::rebuild` as `kring rebuild` runs it; the median of `rounds`.
async fn rebuild(
    label: &str,
    log: &Arc<dyn Store>,
    expected: u64,
    rounds: usize,
) -> anyhow::Result<f64> {
    let mut rates = vec![];
    for round in 1..=rounds {
        let before = rss_mib();
        let reset = reset_peak_rss();
        let started = Instant::now();
        // Once (2026-11-24, Postgres) a rebuild stalled for good with a connection idle
        // in its transaction after the views' INSERT: fail rather than hang.
        let read = tokio::time::timeout(ROUND_LIMIT, kring_views::rebuild(log.clone(), |_| ()))
            .await
            .with_context(|| {
                format!("{label}: rebuild round {round} still running after {ROUND_LIMIT:?}")
            })??;
        let seconds = started.elapsed().as_secs_f64();
        let peak = peak_rss_mib();
        anyhow::ensure!(
            read == expected,
            "rebuilt from {read} events, wrote {expected}"
        );
        let rate = read as f64 / seconds;
        println!(
            "{label:<8} rebuild round {round}: {read} events in {seconds:.2} s = {rate:.0} events/s, peak RSS {} ({} before{}), load average {}",
            mib(peak),
            mib(before),
            if reset { "" } else { "; peak since the start" },
            load_average(),
        );
        rates.push(rate);
    }
    let rate = median(&rates);
    println!("{label:<8} rebuild median {rate:.0} events/s over {rounds} rounds");
    Ok(rate)
}

#[derive(Default)]
struct Phases {
    read: Duration,
    decode: Duration,
    fold: Duration,
    serialise: Duration,
    commit: Duration,
    rows: usize,
    body_bytes: usize,
    flushes: usize,
}

/// The rebuild again, step by step as the projector takes them (organisation
/// views left out), timing each: where the time goes.
async fn phases(label: &str, log: &Arc<dyn Store>) -> anyhow::Result<()> {
    let started = Instant::now();
    log.clear_views(CHECKPOINT).await?;
    let upcasters = kring_domain::upcasters::all();
    let mut p = Phases::default();
    let mut views: HashMap<CircleId, CircleView> = HashMap::new();
    let mut touched: BTreeSet<CircleId> = BTreeSet::new();
    let (mut cursor, mut since_flush, mut events) = (GlobalCursor::START, 0, 0);
    loop {
        let t = Instant::now();
        let page = log.read_all(cursor, PAGE).await?;
        p.read += t.elapsed();
        let Some(last) = page.last() else { break };
        cursor = last.cursor();
        let t = Instant::now();
        let mut decoded = Vec::with_capacity(page.len());
        for recorded in &page {
            if let Some((circle, event)) = kring_views::decode(&upcasters, recorded)? {
                decoded.push((circle, recorded.version, recorded.recorded_at, event));
            }
        }
        p.decode += t.elapsed();
        for (circle, version, at, event) in &decoded {
            // A rebuild starts from empty views: it looks nothing up.
            let t = Instant::now();
            let view = views.entry(*circle).or_default();
            if *version > view.version {
                view.apply(*version, *at, event);
                touched.insert(*circle);
            }
            p.fold += t.elapsed();
        }
        events += page.len();
        since_flush += page.len();
        // As the projector: at least a hundred events per view it stores.
        if since_flush >= FLUSH_EVERY && since_flush >= 100 * touched.len() {
            flush(log, &views, &mut touched, cursor, &mut p).await?;
            since_flush = 0;
        }
    }
    flush(log, &views, &mut touched, cursor, &mut p).await?;
    let s = |d: Duration| d.as_secs_f64();
    println!(
        "{label:<8} phases over {events} events ({:.1} s in all): read_all {:.2} s, decode {:.2} s, \
         {} circles, fold {:.2} s, serialise {:.2} s, commit {:.2} s; \
         {} flushes wrote {} view rows, {:.0} MiB of JSON ({:.1} KiB a row)",
        s(started.elapsed()),
        s(p.read),
        s(p.decode),
        views.len(),
        s(p.fold),
        s(p.serialise),
        s(p.commit),
        p.flushes,
        p.rows,
        p.body_bytes as f64 / (1 << 20) as f64,
        p.body_bytes as f64 / p.rows.max(1) as f64 / 1024.0,
    );
    Ok(())
}

async fn flush(
    log: &Arc<dyn Store>,
    views: &HashMap<CircleId, CircleView>,
    touched: &mut BTreeSet<CircleId>,
    cursor: GlobalCursor,
    p: &mut Phases,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let mut rows = Vec::with_capacity(touched.len());
    for circle in std::mem::take(touched) {
        let view = &views[&circle];
        rows.push(ViewRow {
            kind: CIRCLE_VIEW.into(),
            key: circle.to_string(),
            version: view.version,
            body: serde_json::to_string(view)?,
        });
    }
    p.serialise += t.elapsed();
    p.rows += rows.len();
    p.body_bytes += rows.iter().map(|r| r.body.len()).sum::<usize>();
    p.flushes += 1;
    let t = Instant::now();
    log.commit_views(CHECKPOINT, cursor, &rows).await?;
    p.commit += t.elapsed();
    Ok(())
}

/// The rota of one circle as a page asks for it now: the node's current view
/// (`CurrentViews`: kept in memory, brought to its stream's head with one read
/// of the log) and `rota` for a member. Every sampled circle is read once
/// first, as a node's first read of it (the stored view and the rest of its
/// stream), and timed apart; the samples are the reads after that.
async fn rota_query(
    label: &str,
    log: &Arc<dyn Store>,
    viewers: &[(CircleId, PersonId)],
    samples: usize,
) -> anyhow::Result<Run> {
    let mut rng = Rng::new(SEED ^ 0x707);
    let chosen: Vec<(CircleId, PersonId)> = (0..samples.min(viewers.len()))
        .map(|_| viewers[rng.below(viewers.len())])
        .collect();
    let capacity = std::num::NonZeroUsize::new(chosen.len().max(1)).expect("positive");
    let views = kring_views::CurrentViews::new(log.clone(), capacity);
    let started = Instant::now();
    let mut first = vec![];
    for (circle, _) in &chosen {
        let t0 = Instant::now();
        views
            .current(*circle)
            .await?
            .with_context(|| format!("no circle {circle}"))?;
        first.push(t0.elapsed());
    }
    let first = Run::new(chosen.len(), started.elapsed(), first);
    let (mut total, mut loads, mut rotas) = (vec![], vec![], vec![]);
    let (mut slots, mut empty) = (0, 0);
    let started = Instant::now();
    for i in 0..ROTA_WARM_UP + samples {
        let (circle, person) = chosen[rng.below(chosen.len())];
        let t0 = Instant::now();
        let view = views
            .current(circle)
            .await?
            .with_context(|| format!("no circle {circle}"))?;
        let t1 = Instant::now();
        let now = Utc::now();
        let viewer = view.viewer(Actor::person(person), now);
        let rota = view.rota(&viewer, now.date_naive(), ROTA_DAYS);
        let t2 = Instant::now();
        if i >= ROTA_WARM_UP {
            total.push(t2 - t0);
            loads.push(t1 - t0);
            rotas.push(t2 - t1);
            slots += rota.len();
            empty += usize::from(rota.is_empty());
        }
    }
    let elapsed = started.elapsed();
    let (total, loads, rotas) = (
        Run::new(samples, elapsed, total),
        Run::new(samples, elapsed, loads),
        Run::new(samples, elapsed, rotas),
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label:<8} rota query ({samples} samples after {ROTA_WARM_UP} warm-up): p50 {:.2} ms, p99 {:.2} ms \
         (current view p50 {:.2} / p99 {:.2} ms, rota p50 {:.3} / p99 {:.3} ms); {:.1} slots a page, {empty} empty; \
         a node's first read of a circle p50 {:.2} / p99 {:.2} ms",
        ms(total.percentile(50.0)),
        ms(total.percentile(99.0)),
        ms(loads.percentile(50.0)),
        ms(loads.percentile(99.0)),
        ms(rotas.percentile(50.0)),
        ms(rotas.percentile(99.0)),
        slots as f64 / samples as f64,
        ms(first.percentile(50.0)),
        ms(first.percentile(99.0)),
    );
    Ok(total)
}

// ------------------------------------------------------------------ the two backends

struct Spec {
    targets: Arc<Vec<u64>>,
    end: DateTime<Utc>,
    rounds: usize,
    samples: usize,
    phases: bool,
}

struct Figures {
    rebuild: f64,
    rota_p99_ms: f64,
}

async fn sqlite(spec: &Spec) -> anyhow::Result<(Figures, Generated)> {
    let dir = ScratchDir::create("rebuild")?;
    let file = dir.path().join("kring.db");
    let sqlite = Arc::new(SqliteLog::connect(&format!("sqlite:{}", file.display())).await?);
    // Generation only: no fsync per append (WAL keeps every commit across a crash
    // of the process). FULL again before anything is measured.
    sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(sqlite.writer_pool())
        .await?;
    let log: Arc<dyn Store> = sqlite.clone();
    let generated = generate("sqlite", log.clone(), spec.targets.clone(), spec.end, None).await?;
    sqlx::query("PRAGMA synchronous = FULL")
        .execute(sqlite.writer_pool())
        .await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(sqlite.writer_pool())
        .await?;
    let warnings = sqlite.check_durability().await?;
    anyhow::ensure!(warnings.is_empty(), "SQLite is not durable: {warnings:?}");
    let (count, payload): (i64, f64) =
        sqlx::query_as("SELECT count(*), avg(length(payload)) FROM events")
            .fetch_one(sqlite.writer_pool())
            .await?;
    println!(
        "sqlite   {count} events, payload {payload:.0} B on average, file {:.0} MiB; synchronous = FULL, WAL",
        std::fs::metadata(&file)?.len() as f64 / (1 << 20) as f64
    );
    let mix: Vec<(String, i64)> = sqlx::query_as(
        "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY 2 DESC, 1",
    )
    .fetch_all(sqlite.writer_pool())
    .await?;
    let mix: Vec<String> = mix
        .iter()
        .map(|(t, n)| format!("{t} {:.1} %", *n as f64 * 100.0 / count as f64))
        .collect();
    println!("sqlite   event mix: {}", mix.join(", "));
    let figures = measure("sqlite", &log, &generated, spec).await?;
    drop(log);
    drop(sqlite);
    Ok((figures, generated))
}

async fn postgres(spec: &Spec, db: &Database) -> anyhow::Result<(Figures, Generated)> {
    let options = OpenOptions {
        durability: Durability::WarnOnly,
        max_connections: POOL,
    };
    let log = kring_store::open(&db.url, &options).await?;
    let generated = generate(
        "postgres",
        log.clone(),
        spec.targets.clone(),
        spec.end,
        Some(db.url.clone()),
    )
    .await?;
    // A database that has been running a while has been vacuumed and analyzed:
    // the rebuild should not pay for setting hint bits on a million fresh rows.
    let mut c = PgConnection::connect(&db.url).await?;
    sqlx::query("VACUUM ANALYZE").execute(&mut c).await?;
    db.checkpoint().await;
    let (server, size): (String, String) = sqlx::query_as(
        "SELECT current_setting('server_version'), pg_size_pretty(pg_database_size(current_database()))",
    )
    .fetch_one(&mut c)
    .await?;
    println!(
        "postgres PostgreSQL {server}, database {size}, {WRITERS} writers during generation, pool {POOL}"
    );
    c.close().await?;
    let figures = measure("postgres", &log, &generated, spec).await?;
    Ok((figures, generated))
}

async fn measure(
    label: &str,
    log: &Arc<dyn Store>,
    generated: &Generated,
    spec: &Spec,
) -> anyhow::Result<Figures> {
    let rebuild = rebuild(label, log, generated.events, spec.rounds).await?;
    if spec.phases {
        phases(label, log).await?;
    }
    let rota = rota_query(label, log, &generated.viewers, spec.samples).await?;
    Ok(Figures {
        rebuild,
        rota_p99_ms: rota.percentile(99.0).as_secs_f64() * 1e3,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let circles = env_number("KRING_BENCH_CIRCLES", 10_000)?.max(1);
    let events = env_number("KRING_BENCH_EVENTS", 1_000_000)?.max(circles) as u64;
    let spec = Spec {
        targets: Arc::new(targets(circles, events)),
        end: DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now is in range"),
        rounds: env_number("KRING_BENCH_ROUNDS", 3)?.max(1),
        samples: env_number("KRING_BENCH_ROTA_SAMPLES", 2_000)?.max(1),
        phases: env_number("KRING_BENCH_PHASES", 1)? != 0,
    };
    println!(
        "{circles} circles, {events} events over {SPAN_DAYS} days up to {}; {} CPUs; rebuild rounds {}",
        spec.end,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        spec.rounds
    );
    let (lite, lite_history) = sqlite(&spec).await?;
    let db = Database::create("rebuild").await?;
    let pg = postgres(&spec, &db).await;
    db.drop().await?;
    let (pg, pg_history) = pg?;
    anyhow::ensure!(
        lite_history.events == pg_history.events && lite_history.viewers == pg_history.viewers,
        "the two backends got different histories"
    );
    println!(
        "rebuild: sqlite_events_per_s={:.0} postgres_events_per_s={:.0} rota_query_p99_ms={:.2}",
        lite.rebuild, pg.rebuild, lite.rota_p99_ms,
    );
    Ok(())
}
