//! Single-event appends: Kring's log against postgres-es and against plain
//! one-row INSERT commits, all on the same Postgres in one run, then reading
//! Kring's whole log back. See benches/README.md.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{PersistedEventRepository, SerializedEvent};
use cqrs_es::{Aggregate, DomainEvent};
use futures::future::{BoxFuture, FutureExt};
use kring_benches::{env_number, median, payload, Database, Run, Workload};
use kring_store::{Durability, EventLog, ExpectedVersion, GlobalCursor, NewEvent, OpenOptions};
use postgres_es::PostgresEventRepository;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::postgres::{PgPool, PgPoolOptions};

const WRITERS: usize = 16;
const STREAMS: usize = 1_000;
/// Every system gets the same pool; Kring needs two connections beyond the
/// writers' (its NOTIFY doorbell and its LISTEN task).
const POOL: u32 = 20;
const PAGE: usize = 5_000;

/// postgres-es 0.5.0's db/init.sql, without its sample row, view table and user.
const POSTGRES_ES_SCHEMA: &str = "
CREATE TABLE events (
    aggregate_type text NOT NULL,
    aggregate_id   text NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text NOT NULL,
    event_version  text NOT NULL,
    payload        json NOT NULL,
    metadata       json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);
CREATE TABLE snapshots (
    aggregate_type   text NOT NULL,
    aggregate_id     text NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0) NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);";

/// The ceiling: what an event row costs with nothing but a primary key, one
/// statement per commit. The id and timestamp keep the row about Kring's size.
const RAW_SCHEMA: &str = "
CREATE TABLE raw_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id   text NOT NULL,
    version     bigint NOT NULL,
    event_id    uuid NOT NULL DEFAULT gen_random_uuid(),
    event_type  text NOT NULL,
    payload     text NOT NULL,
    metadata    text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);";

/// postgres-es needs an aggregate type only for `A::TYPE`; nothing here runs.
#[derive(Default, Serialize, Deserialize)]
struct Circle;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct VisitLogged;

impl DomainEvent for VisitLogged {
    fn event_type(&self) -> String {
        "VisitLogged".into()
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

impl Aggregate for Circle {
    const TYPE: &'static str = "circle";
    type Command = ();
    type Event = VisitLogged;
    type Error = std::convert::Infallible;
    type Services = ();

    async fn handle(&mut self, _: (), _: &(), _: &EventSink<Self>) -> Result<(), Self::Error> {
        Ok(())
    }
    fn apply(&mut self, _: VisitLogged) {}
}

fn stream_id(stream: usize) -> String {
    format!("circle-{stream:04}")
}

async fn pool(db: &Database) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(POOL)
        .connect(&db.url)
        .await?)
}

/// One append of one event: `(stream, its current version)`.
type Op = Arc<dyn Fn(usize, u64) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// A measured system: its database, its writers' stream versions (kept across
/// rounds, so every round continues the streams) and the figures of its rounds.
struct System<'a> {
    label: &'static str,
    db: &'a Database,
    table: &'static str,
    workload: Workload,
    op: Op,
    rates: Vec<f64>,
}

impl<'a> System<'a> {
    fn new<F, Fut>(label: &'static str, db: &'a Database, table: &'static str, op: F) -> Self
    where
        F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        System {
            label,
            db,
            table,
            workload: Workload::new(WRITERS, STREAMS),
            op: Arc::new(move |stream, version| op(stream, version).boxed()),
            rates: Vec::new(),
        }
    }

    /// Warm-up (one append to every stream: the first round creates them all and
    /// opens the pool's connections), ANALYZE, then `appends` measured appends.
    async fn round(&mut self, round: usize, appends: usize) -> anyhow::Result<()> {
        let op = self.op.clone();
        let op = move |stream, version| op(stream, version);
        self.db.checkpoint().await;
        self.workload
            .run(self.workload.streams(), op.clone())
            .await
            .with_context(|| format!("{}: warm-up", self.label))?;
        self.db.analyze().await?;
        let run = self.workload.run(appends, op).await.context(self.label)?;
        println!("{:<20} round {round}: {}", self.label, run.summary());
        self.rates.push(run.per_second());
        Ok(())
    }

    async fn report(&self) -> anyhow::Result<f64> {
        let rate = median(&self.rates);
        println!(
            "{:<20} median {rate:.0} appends/s over {} rounds ({:.0} B/row)",
            self.label,
            self.rates.len(),
            self.db.avg_row_bytes(self.table).await?
        );
        Ok(rate)
    }
}

async fn kring(db: &Database) -> anyhow::Result<(System<'_>, Arc<dyn EventLog>)> {
    let options = OpenOptions {
        // The header line shows the server's settings; a lax server is reported, not refused.
        durability: Durability::WarnOnly,
        max_connections: POOL,
    };
    let log = kring_store::open(&db.url, &options).await?;
    let op = {
        let log = log.clone();
        move |stream: usize, version: u64| {
            let log = log.clone();
            async move {
                let event = NewEvent::new("VisitLogged", payload(stream, version + 1));
                log.append(
                    &stream_id(stream),
                    ExpectedVersion::Exact(version),
                    &[event],
                )
                .await?;
                Ok(())
            }
        }
    };
    Ok((System::new("kring append", db, "events", op), log))
}

async fn postgres_es(db: &Database) -> anyhow::Result<System<'_>> {
    let pool = pool(db).await?;
    sqlx::raw_sql(POSTGRES_ES_SCHEMA).execute(&pool).await?;
    let repo = Arc::new(PostgresEventRepository::new(pool));
    let op = move |stream: usize, version: u64| {
        let repo = repo.clone();
        async move {
            let event = SerializedEvent::new(
                stream_id(stream),
                version as usize + 1,
                Circle::TYPE.into(),
                "VisitLogged".into(),
                "1".into(),
                payload(stream, version + 1),
                json!({}),
            );
            repo.persist::<Circle>(&[event], None).await?;
            Ok(())
        }
    };
    Ok(System::new("postgres-es persist", db, "events", op))
}

async fn raw(db: &Database) -> anyhow::Result<System<'_>> {
    let pool = pool(db).await?;
    sqlx::raw_sql(RAW_SCHEMA).execute(&pool).await?;
    let op = move |stream: usize, version: u64| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO raw_events (stream_id, version, event_type, payload, metadata) \
                 VALUES ($1, $2, 'VisitLogged', $3, '{}')",
            )
            .bind(stream_id(stream))
            .bind(version as i64 + 1)
            .bind(payload(stream, version + 1).to_string())
            .execute(&pool)
            .await?;
            Ok(())
        }
    };
    Ok(System::new("raw insert", db, "raw_events", op))
}

/// Reads the whole log from the start, one reader, `PAGE` events a call.
async fn read_all(log: &dyn EventLog, expected: usize) -> anyhow::Result<Run> {
    // Reads stop below the oldest running transaction: wait for stragglers
    // (the doorbell's last NOTIFY) so the measured pass sees everything.
    let deadline = Instant::now() + Duration::from_secs(30);
    while log.held_back(GlobalCursor::START).await? {
        anyhow::ensure!(
            Instant::now() < deadline,
            "events still held back after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    log.read_all(GlobalCursor::START, PAGE).await?;
    let started = Instant::now();
    let (mut cursor, mut events, mut pages) = (GlobalCursor::START, 0, Vec::new());
    loop {
        let t = Instant::now();
        let page = log.read_all(cursor, PAGE).await?;
        let Some(last) = page.last() else { break };
        pages.push(t.elapsed());
        cursor = last.cursor();
        events += page.len();
    }
    let run = Run::new(events, started.elapsed(), pages);
    anyhow::ensure!(events == expected, "read {events} events, wrote {expected}");
    println!(
        "{:<20} {} per page of {PAGE}",
        "kring read_all",
        run.summary()
    );
    Ok(run)
}

async fn server_line(db: &Database) -> anyhow::Result<String> {
    let pool = pool(db).await?;
    let show = |what: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, String>(what).fetch_one(&pool).await }
    };
    let line = format!(
        "server: PostgreSQL {}, fsync={}, synchronous_commit={}; {} CPUs; {WRITERS} writers, {STREAMS} streams, pool {POOL}",
        show("SHOW server_version").await?,
        show("SHOW fsync").await?,
        show("SHOW synchronous_commit").await?,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    pool.close().await;
    Ok(line)
}

struct Figures {
    kring: f64,
    postgres_es: f64,
    raw: f64,
    read_all: f64,
}

async fn run_all(appends: usize, rounds: usize, dbs: &[Database; 3]) -> anyhow::Result<Figures> {
    let [kring_db, es_db, raw_db] = dbs;
    println!("{}", server_line(raw_db).await?);
    let (kring, log) = kring(kring_db).await?;
    let mut systems = [kring, postgres_es(es_db).await?, raw(raw_db).await?];
    for round in 0..rounds {
        // Rotate who goes first, so that no system always meets the coldest machine.
        for k in 0..systems.len() {
            let i = (round + k) % systems.len();
            systems[i].round(round + 1, appends).await?;
        }
    }
    let mut rates = Vec::new();
    for system in &systems {
        rates.push(system.report().await?);
    }
    drop(systems);
    let read_all = read_all(log.as_ref(), rounds * (STREAMS + appends)).await?;
    Ok(Figures {
        kring: rates[0],
        postgres_es: rates[1],
        raw: rates[2],
        read_all: read_all.per_second(),
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let appends = env_number("KRING_BENCH_APPENDS", 20_000)?;
    let rounds = env_number("KRING_BENCH_ROUNDS", 3)?.max(1);
    let dbs = [
        Database::create("kring").await?,
        Database::create("postgres_es").await?,
        Database::create("raw").await?,
    ];
    let figures = run_all(appends, rounds, &dbs).await;
    for db in dbs {
        db.drop().await?;
    }
    let f = figures?;
    println!(
        "append: ours/raw={:.2} ours/postgres-es={:.2} read_all_events_per_s={:.0}",
        f.kring / f.raw,
        f.kring / f.postgres_es,
        f.read_all,
    );
    Ok(())
}
