//! The notifier against the projector on the same log, and how long a notice
//! takes from the commit of its event to its outbox row. See benches/README.md.
//!
//! The history is the rebuild bench's traffic model (`kring_benches::traffic`),
//! with circles of ten members and the sender of each command in the metadata,
//! as `kring_app::Commands` writes it (the notifier never tells people of what
//! they did themselves). Accounts do not exist: the notifier reads only circle
//! events and mail settings, and nobody has stored any (the defaults apply).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, TimeDelta, Utc};
use kring_benches::traffic::{sealed, targets, History, Sim};
use kring_benches::{env_number, mib, peak_rss_mib, reset_peak_rss, Database, Run, ScratchDir};
use kring_domain::{Action, Actor, Category, CircleCommand, Minutes, PersonId, Ring, TimeWindow};
use kring_notify::links::LinkKeys;
use kring_notify::notices::notices;
use kring_notify::notifier::Notifier;
use kring_store::{Durability, ExpectedVersion, OpenOptions, ReadSide, SqliteLog, Store};
use kring_views::Projector;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// Concurrent writers while the history is generated; each owns the circles i ≡ w (mod WRITERS).
const WRITERS: usize = 16;
/// Postgres connections: the writers, the doorbell and its listener, and a few spare.
const POOL: u32 = 24;
/// Members per circle (the coordinator and the focus person among them).
const MEMBERS: usize = 10;
/// How long the notifier may take to reach the last live event before the run fails.
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

struct Spec {
    targets: Arc<Vec<u64>>,
    end: DateTime<Utc>,
    rate: usize,
    seconds: usize,
}

/// The sims after generation: their states, to go on living from.
struct Generated {
    events: u64,
    sims: Vec<Sim>,
}

async fn generate(log: Arc<dyn Store>, spec: &Spec) -> anyhow::Result<Generated> {
    let total: u64 = spec.targets.iter().sum();
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let ticker = {
        let written = written.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(30)).await;
                let n = written.load(Ordering::Relaxed);
                println!(
                    "generating: {n}/{total} events, {:.0}/s",
                    n as f64 / started.elapsed().as_secs_f64()
                );
            }
        })
    };
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (log, targets, written, end) =
                (log.clone(), spec.targets.clone(), written.clone(), spec.end);
            tokio::spawn(async move {
                let mut history = History::new(w, WRITERS, &targets, end);
                for sim in &mut history.sims {
                    sim.members_wanted = MEMBERS;
                }
                while let Some(batch) = history.next() {
                    let batch = batch.with_actor();
                    let n = batch.events.len() as u64;
                    log.append(
                        &batch.stream,
                        ExpectedVersion::Exact(batch.expected),
                        &batch.events,
                    )
                    .await
                    .with_context(|| format!("append to {}", batch.stream))?;
                    written.fetch_add(n, Ordering::Relaxed);
                }
                anyhow::Ok(history)
            })
        })
        .collect();
    let mut sims = vec![];
    let (mut refused, mut first_refusal) = (0, None);
    for task in tasks {
        let history = task.await??;
        refused += history.refused;
        first_refusal = first_refusal.or(history.first_refusal);
        sims.extend(history.sims);
    }
    ticker.abort();
    let events: u64 = sims.iter().map(|s| s.version).sum();
    let seconds = started.elapsed().as_secs_f64();
    let members: usize = sims.iter().map(|s| s.state.members.len()).sum();
    println!(
        "generated {events} events ({} circles, {:.1} members a circle) in {seconds:.0} s; {refused} commands refused{}",
        sims.len(),
        members as f64 / sims.len().max(1) as f64,
        first_refusal.map_or(String::new(), |f| format!(", the first: {f}")),
    );
    Ok(Generated { events, sims })
}

// ------------------------------------------------------------------ catching up

/// The 1-minute load average: other work on the machine shows in the figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// The projector from an empty checkpoint to the end of the log, as `kring serve` starts it.
async fn projector_catch_up(log: Arc<dyn ReadSide>, expected: u64) -> anyhow::Result<f64> {
    reset_peak_rss();
    let started = Instant::now();
    let mut projector = Projector::open(log).await?;
    let read = projector.catch_up(|_| ()).await?;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        read == expected,
        "projector read {read} of {expected} events"
    );
    let rate = read as f64 / seconds;
    println!(
        "projector caught up: {read} events in {seconds:.2} s = {rate:.0} events/s, peak RSS {}, load average {}",
        mib(peak_rss_mib()),
        load_average()
    );
    Ok(rate)
}

/// The notifier from an empty checkpoint to the end of the log; answers it caught up.
async fn notifier_catch_up(
    log: Arc<dyn Store>,
    keys: LinkKeys,
    expected: u64,
) -> anyhow::Result<(f64, Notifier)> {
    reset_peak_rss();
    let started = Instant::now();
    let mut notifier = Notifier::open(log, keys).await?;
    let mut read = 0;
    loop {
        let n = notifier.catch_up_once().await?;
        if n == 0 {
            break;
        }
        read += n as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        read == expected,
        "notifier read {read} of {expected} events"
    );
    let rate = read as f64 / seconds;
    println!(
        "notifier caught up: {read} events in {seconds:.2} s = {rate:.0} events/s, peak RSS {}, load average {}",
        mib(peak_rss_mib()),
        load_average()
    );
    Ok((rate, notifier))
}

// ------------------------------------------------------------------ live

/// A help request open to the warm ring, by a warm member whom another warm
/// member will hear of: the command, and who should hear of it.
fn live_request(sim: &mut Sim, now: DateTime<Utc>) -> Option<(Actor, Action, Vec<PersonId>)> {
    let warm = sim.people(|_, m| m.ring == Ring::Warm && m.task.is_none());
    if warm.len() < 2 {
        return None;
    }
    let by = warm[sim.rng.below(warm.len())];
    let start = now + TimeDelta::hours(sim.rng.range(24, 240));
    let window = TimeWindow::new(start, start + TimeDelta::hours(2)).ok()?;
    let action = Action::RequestHelp {
        request: sim.rng.id(),
        category: Category::ALL[sim.rng.below(Category::ALL.len())],
        window,
        duration: Minutes::new(30).ok()?,
        details: sealed(&mut sim.rng, by, 80),
        place: None,
        on_behalf_of_focus: false,
    };
    let actor = Actor::person(by);
    let events = sim
        .state
        .decide(
            CircleCommand {
                actor,
                action: action.clone(),
            },
            now,
        )
        .ok()?;
    let mut after = sim.state.clone();
    let mut told = vec![];
    for event in &events {
        let before = after.clone();
        after.apply(event.clone());
        told.extend(
            notices(&before, event, &after, Some(by), now)
                .into_iter()
                .map(|n| n.recipient),
        );
    }
    (!told.is_empty()).then_some((actor, action, told))
}

/// One live append: when it was sent and committed, where it ended in the log,
/// its first event and someone who should hear of it.
struct Appended {
    sent: Instant,
    committed: Instant,
    position: u64,
    event: Uuid,
    recipient: PersonId,
}

struct Live {
    /// Commit → the notifier's commit of its outbox rows.
    from_commit: Run,
    /// The append called → the same.
    from_send: Run,
    appends: Vec<Appended>,
    /// How often the outbox was there before the append returned.
    before_answer: usize,
}

/// The notifier (and the projector, as `kring serve` runs both) tailing the
/// log while help requests are appended at `rate` per second for `seconds`.
async fn live(
    log: Arc<dyn Store>,
    mut notifier: Notifier,
    sims: &mut [Sim],
    spec: &Spec,
) -> anyhow::Result<Live> {
    let reader: Arc<dyn ReadSide> = log.clone();
    let mut projector = Projector::open(reader).await?;
    projector.catch_up(|_| ()).await?;
    let projecting = tokio::spawn(async move {
        loop {
            projector.step().await?;
        }
        #[allow(unreachable_code)]
        anyhow::Ok(())
    });

    // Where the notifier's committed outbox stands, and when it got there.
    let mut progress = notifier.progress();
    let seen: Arc<Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let watching = {
        let seen = seen.clone();
        tokio::spawn(async move {
            while progress.changed().await.is_ok() {
                let at = progress.borrow_and_update().position;
                seen.lock()
                    .expect("not poisoned")
                    .push((at, Instant::now()));
            }
        })
    };
    let notifying = tokio::spawn(async move {
        loop {
            notifier.step().await?;
        }
        #[allow(unreachable_code)]
        anyhow::Ok(())
    });

    let total = spec.rate * spec.seconds;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / spec.rate as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut appending = Vec::with_capacity(total);
    let mut next = 0;
    let started = Instant::now();
    for _ in 0..total {
        tick.tick().await;
        // The next circle that has a warm member to ask and one to hear of it.
        let circles = sims.len();
        let (i, (actor, action, told)) = loop {
            let i = next % circles;
            next += 1;
            anyhow::ensure!(
                next < total + 10 * circles,
                "too few circles with two warm members"
            );
            if let Some(found) = live_request(&mut sims[i], Utc::now()) {
                break (i, found);
            }
        };
        let sim = &mut sims[i];
        let now = Utc::now();
        let events = sim.state.decide(CircleCommand { actor, action }, now)?;
        let batch = sim.record(actor, events, None).with_actor();
        let event = batch.events[0].event_id;
        let log = log.clone();
        appending.push(tokio::spawn(async move {
            let sent = Instant::now();
            let appended = log
                .append(
                    &batch.stream,
                    ExpectedVersion::Exact(batch.expected),
                    &batch.events,
                )
                .await
                .with_context(|| format!("append to {}", batch.stream))?;
            anyhow::Ok(Appended {
                sent,
                committed: Instant::now(),
                position: appended.last_position,
                event,
                recipient: told[0],
            })
        }));
    }
    let mut appends = Vec::with_capacity(total);
    for task in appending {
        appends.push(task.await??);
    }
    let spent = started.elapsed();
    println!(
        "live: {total} help requests appended in {:.2} s ({:.0}/s), load average {}",
        spent.as_secs_f64(),
        total as f64 / spent.as_secs_f64(),
        load_average()
    );
    let last = appends.iter().map(|a| a.position).max().unwrap_or(0);
    let drained = Instant::now();
    loop {
        let reached = seen.lock().expect("not poisoned").last().map(|(p, _)| *p);
        if reached.is_some_and(|p| p >= last) {
            break;
        }
        anyhow::ensure!(
            drained.elapsed() < DRAIN_LIMIT,
            "the notifier did not reach position {last} within {DRAIN_LIMIT:?}"
        );
        if notifying.is_finished() {
            notifying.await??;
            anyhow::bail!("the notifier stopped");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    notifying.abort();
    projecting.abort();
    watching.abort();

    let seen = seen.lock().expect("not poisoned").clone();
    let (mut from_commit, mut from_send, mut before_answer) = (vec![], vec![], 0);
    for a in &appends {
        let i = seen.partition_point(|(p, _)| *p < a.position);
        let (_, at) = seen[i];
        if at < a.committed {
            before_answer += 1;
        }
        from_commit.push(at.saturating_duration_since(a.committed));
        from_send.push(at.saturating_duration_since(a.sent));
    }
    Ok(Live {
        from_commit: Run::new(total, spent, from_commit),
        from_send: Run::new(total, spent, from_send),
        appends,
        before_answer,
    })
}

/// Every live request reached the outbox of someone it should reach.
async fn check_outbox(log: &dyn Store, appends: &[Appended]) -> anyhow::Result<()> {
    for a in appends {
        let rows = log.outbox_of(a.recipient.0).await?;
        let prefix = format!("{}:", a.event);
        anyhow::ensure!(
            rows.iter()
                .any(|r| r.message.dedupe_key.starts_with(&prefix)
                    && r.message.kind == "request-open"),
            "no request-open row for {} of event {}",
            a.recipient.0,
            a.event
        );
    }
    println!("live: every request is in the outbox of a member who should hear of it");
    Ok(())
}

// ------------------------------------------------------------------ the run

struct Figures {
    projector: f64,
    notifier: f64,
    live: Live,
}

/// Both readers over the generated log, then the live phase. `outbox_rows`
/// counts the rows the notifier's catch-up queued.
async fn measure<F>(
    label: &str,
    log: Arc<dyn Store>,
    generated: &mut Generated,
    spec: &Spec,
    outbox_rows: F,
) -> anyhow::Result<Figures>
where
    F: std::future::Future<Output = anyhow::Result<i64>>,
{
    let expected = generated.events;
    let reader: Arc<dyn ReadSide> = log.clone();
    let projector = projector_catch_up(reader, expected).await?;
    let keys = LinkKeys::new(b"a server secret for the notify bench, 32+ bytes");
    let (notifier, caught_up) = notifier_catch_up(log.clone(), keys, expected).await?;
    println!(
        "{label}: notifier/projector = {:.2}; the notifier queued {} outbox rows",
        notifier / projector,
        outbox_rows.await?
    );
    let live = live(log.clone(), caught_up, &mut generated.sims, spec).await?;
    check_outbox(log.as_ref(), &live.appends).await?;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label}: commit → outbox p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms \
         ({} of {} there before the append returned); append called → outbox p50 {:.1} ms, p99 {:.1} ms",
        ms(live.from_commit.percentile(50.0)),
        ms(live.from_commit.percentile(90.0)),
        ms(live.from_commit.percentile(99.0)),
        ms(live.from_commit.percentile(100.0)),
        live.before_answer,
        live.appends.len(),
        ms(live.from_send.percentile(50.0)),
        ms(live.from_send.percentile(99.0)),
    );
    Ok(Figures {
        projector,
        notifier,
        live,
    })
}

async fn sqlite(spec: &Spec) -> anyhow::Result<Figures> {
    let dir = ScratchDir::create("notify")?;
    let file = dir.path().join("kring.db");
    let sqlite = Arc::new(SqliteLog::connect(&format!("sqlite:{}", file.display())).await?);
    // Generation only: no fsync per append. FULL again before anything is measured.
    sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(sqlite.writer_pool())
        .await?;
    let log: Arc<dyn Store> = sqlite.clone();
    let mut generated = generate(log.clone(), spec).await?;
    sqlx::query("PRAGMA synchronous = FULL")
        .execute(sqlite.writer_pool())
        .await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(sqlite.writer_pool())
        .await?;
    let warnings = sqlite.check_durability().await?;
    anyhow::ensure!(warnings.is_empty(), "SQLite is not durable: {warnings:?}");
    println!(
        "sqlite: file {:.0} MiB; synchronous = FULL, WAL",
        std::fs::metadata(&file)?.len() as f64 / (1 << 20) as f64
    );
    let count = async {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox")
            .fetch_one(sqlite.writer_pool())
            .await?;
        anyhow::Ok(n)
    };
    measure("sqlite", log, &mut generated, spec, count).await
}

async fn postgres(spec: &Spec, db: &Database) -> anyhow::Result<Figures> {
    let options = OpenOptions {
        durability: Durability::WarnOnly,
        max_connections: POOL,
    };
    let log = kring_store::open(&db.url, &options).await?;
    let mut generated = generate(log.clone(), spec).await?;
    let mut c = PgConnection::connect(&db.url).await?;
    // A database that has been running a while has been analyzed (see the rebuild bench).
    sqlx::query("VACUUM ANALYZE").execute(&mut c).await?;
    db.checkpoint().await;
    let count = async {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox")
            .fetch_one(&mut c)
            .await?;
        anyhow::Ok(n)
    };
    measure("postgres", log, &mut generated, spec, count).await
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let circles = env_number("KRING_BENCH_CIRCLES", 10_000)?.max(1);
    let events = env_number("KRING_BENCH_EVENTS", circles * 40)?.max(circles) as u64;
    let spec = Spec {
        targets: Arc::new(targets(circles, events)),
        end: DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now is in range"),
        rate: env_number("KRING_BENCH_NOTIFY_RATE", 200)?.max(1),
        seconds: env_number("KRING_BENCH_NOTIFY_SECONDS", 10)?.max(1),
    };
    let backend = std::env::var("KRING_BENCH_NOTIFY_BACKEND").unwrap_or_else(|_| "sqlite".into());
    println!(
        "{circles} circles of {MEMBERS} members, {events} events up to {}; live {} requests/s for {} s; {} CPUs; {backend}",
        spec.end,
        spec.rate,
        spec.seconds,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let figures = match backend.as_str() {
        "sqlite" => sqlite(&spec).await?,
        "postgres" => {
            let db = Database::create("notify").await?;
            let figures = postgres(&spec, &db).await;
            db.drop().await?;
            figures?
        }
        other => anyhow::bail!("KRING_BENCH_NOTIFY_BACKEND={other:?}: sqlite or postgres"),
    };
    println!(
        "notify: notifier/projector={:.2} outbox_p99_ms={:.1}",
        figures.notifier / figures.projector,
        figures.live.from_commit.percentile(99.0).as_secs_f64() * 1e3,
    );
    Ok(())
}
