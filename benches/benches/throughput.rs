//! A node's reads against its writes: 16 keep-alive HTTP clients on loopback
//! against Kring's server in this process (projector running), over 200
//! circles of about 10 members with some history; first only logbook
//! entries written, then only circle overviews read, on SQLite and Postgres.
//! See benches/README.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use chrono::{DateTime, Utc};
use kring_benches::node::{Db, Node, People, Projecting, Registered};
use kring_benches::traffic::{targets, History};
use kring_benches::{env_number, Run};
use kring_domain::Ring;
use kring_testkit::history::Rng;
use kring_views::Projector;

/// Writers while the history is made; each owns the circles i ≡ w (mod WRITERS).
const WRITERS: usize = 4;

struct Spec {
    circles: usize,
    members: usize,
    events: u64,
    clients: usize,
    warm_up: Duration,
    measured: Duration,
    backends: Vec<String>,
    /// Diagnostics: only some phases (`writes`, `reads`).
    phases: Vec<Phase>,
}

/// A circle and the session cookies of its members who write and read
/// (everyone of the warm and lukewarm rings but the focus person).
struct Planned {
    id: String,
    cookies: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Writes,
    Reads,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Writes => "writes",
            Phase::Reads => "reads",
        }
    }
}

/// Makes the circles through the traffic model, their members' accounts and sessions.
async fn populate(spec: &Spec, db: &Db) -> anyhow::Result<Vec<Planned>> {
    let end = DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now is in range");
    let targets = Arc::new(targets(spec.circles, spec.events));
    let people = People::new(db.log.clone());
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (targets, people, members) = (targets.clone(), people.clone(), spec.members);
            tokio::spawn(async move {
                let mut history = History::new(w, WRITERS, &targets, end);
                for sim in &mut history.sims {
                    sim.members_wanted = members;
                }
                let mut registered = Registered::default();
                while let Some(batch) = history.next() {
                    registered.ensure(&people, batch.actor.person).await?;
                    people.append(batch).await?;
                }
                let mut planned = vec![];
                for sim in &mut history.sims {
                    let mut cookies = vec![];
                    for person in sim.people(|_, m| m.ring != Ring::Cold) {
                        registered.ensure(&people, person).await?;
                        cookies.push(people.session(person).await?);
                    }
                    ensure!(!cookies.is_empty(), "a circle without members");
                    planned.push(Planned {
                        id: sim.id.to_string(),
                        cookies,
                    });
                }
                anyhow::Ok((planned, history.refused, history.first_refusal))
            })
        })
        .collect();
    let mut circles = vec![];
    let mut refused = 0;
    for task in tasks {
        let (planned, r, first) = task.await??;
        circles.extend(planned);
        refused += r;
        if let Some(first) = first {
            println!("throughput: a refused command of the history: {first}");
        }
    }
    println!("throughput: {refused} commands of the history refused");
    Ok(circles)
}

/// What one client did in the measured window.
#[derive(Default)]
struct Done {
    latencies: Vec<Duration>,
}

/// `spec.clients` clients, each on its own keep-alive connection, each request
/// by a random member of a random circle; requests started during the warm-up
/// are not counted.
async fn load(
    spec: &Spec,
    base: &str,
    circles: &Arc<Vec<Planned>>,
    phase: Phase,
    seed: u64,
) -> anyhow::Result<Run> {
    let started = Instant::now();
    let measuring = started + spec.warm_up;
    let end = measuring + spec.measured;
    // Each client's own sequence: splitmix64 states a multiple of its step
    // apart would walk the same circles in lockstep.
    let mut seeds = Rng::new(seed);
    let tasks: Vec<_> = (0..spec.clients)
        .map(|c| {
            let (circles, base) = (circles.clone(), base.to_owned());
            let mut rng = Rng::new(seeds.next());
            tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .timeout(Duration::from_secs(30))
                    .build()?;
                let mut done = Done::default();
                let mut k = 0usize;
                loop {
                    let sent = Instant::now();
                    if sent >= end {
                        return anyhow::Ok(done);
                    }
                    let circle = &circles[rng.below(circles.len())];
                    let cookie = &circle.cookies[rng.below(circle.cookies.len())];
                    let url = format!("{base}/api/v1/circles/{}", circle.id);
                    let (request, expected) = match phase {
                        Phase::Writes => (
                            http.post(format!("{url}/logbook"))
                                .json(&serde_json::json!({
                                    "text": format!("Client {c}, entry {k}: visited Mam, she ate well and slept after lunch."),
                                    "visibility": "whole_circle",
                                })),
                            201,
                        ),
                        Phase::Reads => (http.get(url), 200),
                    };
                    let response = request.header("cookie", cookie).send().await?;
                    let status = response.status();
                    let body = response.bytes().await?;
                    ensure!(
                        status.as_u16() == expected,
                        "{} answered {status}: {}",
                        phase.name(),
                        String::from_utf8_lossy(&body)
                    );
                    if sent >= measuring {
                        done.latencies.push(sent.elapsed());
                    }
                    k += 1;
                }
            })
        })
        .collect();
    let mut latencies = vec![];
    for task in tasks {
        latencies.extend(task.await??.latencies);
    }
    // Requests started in the window; the last ones end a little after it.
    let elapsed = measuring.elapsed().max(spec.measured);
    Ok(Run::new(latencies.len(), elapsed, latencies))
}

struct Figures {
    writes: Run,
    reads: Run,
}

async fn measure_backend(spec: &Spec, backend: &str) -> anyhow::Result<Figures> {
    let db = Db::open(backend, "throughput").await?;
    let outcome = measure_on(spec, &db).await;
    db.close().await?;
    outcome
}

async fn measure_on(spec: &Spec, db: &Db) -> anyhow::Result<Figures> {
    let started = Instant::now();
    let circles = Arc::new(populate(spec, db).await?);
    db.ready().await?;
    let events = db.log.event_count().await?;
    let sessions: usize = circles.iter().map(|c| c.cookies.len()).sum();
    // The node as `kring serve` starts it: the projector caught up, then the server.
    let mut projector = Projector::open(db.log.clone()).await?;
    projector.catch_up(|_| {}).await?;
    let projecting = Projecting::start(&db.log, projector);
    let node = Node::start(db.log.clone()).await?;
    println!(
        "throughput {}: {} circles, {events} events (accounts included), {sessions} member sessions; set up in {:.1} s",
        db.label,
        circles.len(),
        started.elapsed().as_secs_f64()
    );
    let mut figures = vec![];
    for (n, phase) in [Phase::Writes, Phase::Reads].into_iter().enumerate() {
        if !spec.phases.contains(&phase) {
            figures.push(Run::new(0, Duration::from_secs(1), vec![]));
            continue;
        }
        let run = load(spec, &node.base, &circles, phase, n as u64 + 1).await?;
        println!(
            "throughput {} {}: {} requests in {:.1} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms ({} clients; load average {})",
            db.label,
            phase.name(),
            run.ops,
            run.elapsed.as_secs_f64(),
            run.per_second(),
            run.percentile(50.0).as_secs_f64() * 1e3,
            run.percentile(99.0).as_secs_f64() * 1e3,
            spec.clients,
            load_average(),
        );
        figures.push(run);
    }
    projecting.stop().await?;
    node.stop().await?;
    let reads = figures.pop().context("reads")?;
    let writes = figures.pop().context("writes")?;
    Ok(Figures { writes, reads })
}

/// The 1-minute load average: other work on the machine shows in the figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let circles = env_number("KRING_BENCH_THROUGHPUT_CIRCLES", 200)?.max(1);
    let spec = Spec {
        circles,
        members: env_number("KRING_BENCH_THROUGHPUT_MEMBERS", 10)?.max(3),
        events: env_number("KRING_BENCH_THROUGHPUT_EVENTS", circles * 60)?.max(circles * 30) as u64,
        clients: env_number("KRING_BENCH_THROUGHPUT_CLIENTS", 16)?.max(1),
        warm_up: Duration::from_secs(env_number("KRING_BENCH_THROUGHPUT_WARM_UP_S", 2)? as u64),
        measured: Duration::from_secs(
            env_number("KRING_BENCH_THROUGHPUT_SECONDS", 10)?.max(1) as u64
        ),
        backends: std::env::var("KRING_BENCH_THROUGHPUT_BACKENDS")
            .unwrap_or_else(|_| "sqlite,postgres".into())
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        phases: match std::env::var("KRING_BENCH_THROUGHPUT_PHASES").as_deref() {
            Ok("writes") => vec![Phase::Writes],
            Ok("reads") => vec![Phase::Reads],
            _ => vec![Phase::Writes, Phase::Reads],
        },
    };
    println!(
        "throughput: {} circles of {} members, {} events of history; {} clients, {:?} warm-up + {:?} per phase; {} CPUs",
        spec.circles,
        spec.members,
        spec.events,
        spec.clients,
        spec.warm_up,
        spec.measured,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let mut ratios = vec![];
    for backend in &spec.backends {
        let figures = measure_backend(&spec, backend).await?;
        ratios.push(format!(
            "{backend}_reads/writes={:.2}",
            figures.reads.per_second() / figures.writes.per_second()
        ));
    }
    println!("throughput: {}", ratios.join(" "));
    Ok(())
}
