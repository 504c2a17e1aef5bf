//! A circle's cost as its history grows: a command, the first logbook page,
//! the rota's week, and the projector's work per event, for a circle of 100,
//! 1,000 and 10,000 events, on SQLite and Postgres. See benches/README.md.
//!
//! Circles grow through the traffic model (every event out of
//! `Circle::decide`, sealed for real, appended straight to the log); what is
//! measured goes from outside, over HTTP, to Kring's server in this process,
//! with the projector running beside it as in `kring serve`. The sizes are
//! three circles of the same kind at three ages, on one node, measured in
//! turn request by request, so that the machine's other work (which moves a
//! p50 by a factor of two from one minute to the next here) weighs on every
//! size alike.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use chrono::{DateTime, TimeDelta, Utc};
use kring_benches::node::{caught_up, Db, Node, People, Projecting, Registered};
use kring_benches::traffic::History;
use kring_benches::{env_number, median, Run};
use kring_domain::{CircleEvent, PersonId, Ring};
use kring_store::Store;
use kring_views::{Projector, CIRCLE_VIEW};

/// Events every circle would reach by the end of its life; the largest size
/// comes after about three of its five years (some nine events a day).
const LIFE_EVENTS: u64 = 17_000;
/// The traffic model spreads a circle's events over its life: 10,000 events
/// in the half year of the other benches would skip and fill every coming
/// shift date, so these circles live five years.
const LIFE_DAYS: i64 = 5 * 365;
/// Unmeasured requests of each kind per circle first: the server's view of the
/// circle catches up on its growth, and the connection opens.
const WARM_UP: usize = 3;
/// Commands start at least this far apart, as in the fanout bench: each meets
/// a node done with the one before (the projector's commit, the live hub), so
/// that it pays its own fsync and not, now and then, another's.
const COMMAND_EVERY: Duration = Duration::from_millis(25);
/// Every circle has the same shape: members invited at first (more join and
/// leave over the years) and weekly shifts.
const MEMBERS: usize = 10;
const SHIFTS: usize = 2;

struct Spec {
    sizes: Vec<u64>,
    backends: Vec<String>,
    commands: usize,
    pages: usize,
    rotas: usize,
    /// The least events the projector's window holds.
    projected: usize,
    /// Members who write the measured entries; 0: every member (warm and lukewarm).
    writers: usize,
}

/// The figures of one size on one backend.
struct Figures {
    size: u64,
    command: Run,
    page: Run,
    rota: Run,
    entries: usize,
    authors: usize,
    slots: usize,
    names: usize,
    projector: Window,
    /// The stored view's JSON at the window's end.
    view_bytes: u64,
}

/// The projector's steps over whole snapshot periods (see `projector_window`).
#[derive(Default)]
struct Window {
    /// Per step: its time, its events, whether it stored the circle's view.
    steps: Vec<(Duration, usize, bool)>,
    /// Reads that found nothing (Postgres: an event behind a running transaction).
    empty_reads: usize,
}

impl Window {
    fn events(&self) -> usize {
        self.steps.iter().map(|s| s.1).sum()
    }

    fn snapshots(&self) -> usize {
        self.steps.iter().filter(|s| s.2).count()
    }

    /// Everything the window took, over its events.
    fn mean(&self) -> Duration {
        let spent: Duration = self.steps.iter().map(|s| s.0).sum();
        spent / self.events().max(1) as u32
    }

    /// The figure compared: the steps that stored the view count in full, the
    /// others at their median per event, so that a step that waited for a core
    /// weighs no more than a typical one.
    fn per_event(&self) -> Duration {
        let plain: Vec<f64> = self
            .steps
            .iter()
            .filter(|s| !s.2)
            .map(|s| s.0.as_secs_f64() / s.1 as f64)
            .collect();
        let plain_events: usize = self.steps.iter().filter(|s| !s.2).map(|s| s.1).sum();
        let storing: f64 = self
            .steps
            .iter()
            .filter(|s| s.2)
            .map(|s| s.0.as_secs_f64())
            .sum();
        let median = if plain.is_empty() {
            0.0
        } else {
            median(&plain)
        };
        Duration::from_secs_f64(
            (median * plain_events as f64 + storing) / self.events().max(1) as f64,
        )
    }
}

/// A circle of the traffic model: its history (to go on growing it) and the
/// session of its coordinator, who reads it over HTTP.
struct Circle {
    size: u64,
    history: History,
    stream: String,
    key: String,
    coordinator: PersonId,
    /// The coordinator's session: reads the logbook and the rota.
    cookie: String,
    /// Sessions of the members who write the measured entries, in turn.
    writers: Vec<String>,
    rota_from: chrono::NaiveDate,
    command: Vec<Duration>,
    page: Vec<Duration>,
    rota: Vec<Duration>,
    entries: usize,
    authors: usize,
    slots: usize,
    names: usize,
}

impl Circle {
    fn version(&self) -> u64 {
        self.history.sims[0].version
    }

    /// A week near where the history has reached (the small circle's is years
    /// ago) with every shift on and someone on each, the fewest people on
    /// them: the rota shows every circle about the same, so that what it
    /// costs is compared, not what it holds. The week reached when none is.
    fn comparable_week(&self) -> chrono::NaiveDate {
        let state = &self.history.sims[0].state;
        let reached = self.history.now.date_naive();
        // People on the week's slots, if every shift is on and taken.
        let people_on = |from: chrono::NaiveDate| {
            let mut slots = 0;
            let mut people = std::collections::BTreeSet::new();
            for shift in state.shifts.values() {
                for date in (0..7).map(|day| from + TimeDelta::days(day)) {
                    if shift.occurs_on(date) {
                        let on = shift.claims_on(date);
                        if on.is_empty() {
                            return None;
                        }
                        slots += 1;
                        people.extend(on.iter().copied());
                    }
                }
            }
            (slots == state.shifts.len()).then_some(people.len())
        };
        (-21..=84)
            .map(|back| reached - TimeDelta::days(back))
            .filter_map(|from| Some((people_on(from)?, from)))
            .min_by_key(|(people, _)| *people)
            .map_or(reached, |(_, from)| from)
    }

    /// Folds what the server appended (the measured commands) into the
    /// history's state, so that it goes on from the stream's head.
    async fn absorb(&mut self, log: &dyn Store) -> anyhow::Result<()> {
        let sim = &mut self.history.sims[0];
        let added = log
            .read_stream(&self.stream, sim.version + 1, 100_000)
            .await?;
        for recorded in added {
            let event: CircleEvent = recorded.decode_payload()?;
            sim.state.apply(event);
            sim.version = recorded.version;
        }
        Ok(())
    }
}

/// Makes circles and appends their histories, registering whoever acts.
struct Grower {
    people: People,
    registered: Registered,
    /// The next traffic model index to try.
    next_index: usize,
}

impl Grower {
    /// A circle with an organisation's consent (so its intermediary looks now
    /// and then), grown to `size` events.
    async fn circle(
        &mut self,
        spec: &Spec,
        size: u64,
        end: DateTime<Utc>,
    ) -> anyhow::Result<Circle> {
        let begin = end - TimeDelta::days(LIFE_DAYS);
        let mut history = loop {
            let history = History::one(self.next_index, LIFE_EVENTS, begin, end);
            self.next_index += 1;
            if history.sims[0].consent.is_some() {
                break history;
            }
        };
        history.sims[0].members_wanted = MEMBERS;
        history.sims[0].shifts_wanted = SHIFTS;
        let sim = &history.sims[0];
        let mut circle = Circle {
            size,
            stream: sim.stream.clone(),
            key: sim.id.to_string(),
            coordinator: sim.coordinator,
            history,
            cookie: String::new(),
            writers: vec![],
            rota_from: end.date_naive(),
            command: vec![],
            page: vec![],
            rota: vec![],
            entries: 0,
            authors: 0,
            slots: 0,
            names: 0,
        };
        while circle.version() < size {
            self.step(&mut circle).await?;
        }
        circle.cookie = self.people.session(circle.coordinator).await?;
        let mut writers = circle.history.sims[0].people(|_, m| m.ring != Ring::Cold);
        if spec.writers > 0 {
            writers.truncate(spec.writers);
        }
        for person in writers {
            self.registered.ensure(&self.people, person).await?;
            circle.writers.push(self.people.session(person).await?);
        }
        circle.rota_from = circle.comparable_week();
        Ok(circle)
    }

    /// Appends the circle's next command's events; how many.
    async fn step(&mut self, circle: &mut Circle) -> anyhow::Result<usize> {
        let batch = circle
            .history
            .next()
            .context("the circle's history ended")?;
        let n = batch.events.len();
        self.registered
            .ensure(&self.people, batch.actor.person)
            .await?;
        self.people.append(batch).await?;
        Ok(n)
    }
}

async fn measure_backend(spec: &Spec, backend: &str) -> anyhow::Result<Vec<Figures>> {
    let db = Db::open(backend, "growth").await?;
    let outcome = measure_on(spec, &db).await;
    db.close().await?;
    outcome
}

async fn measure_on(spec: &Spec, db: &Db) -> anyhow::Result<Vec<Figures>> {
    let started = Instant::now();
    let end = DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now is in range");
    let mut grower = Grower {
        people: People::new(db.log.clone()),
        registered: Registered::default(),
        next_index: 0,
    };
    let mut circles = vec![];
    for &size in &spec.sizes {
        circles.push(grower.circle(spec, size, end).await?);
    }
    db.ready().await?;
    // The node as `kring serve` starts it: the projector caught up, then the server.
    let mut projector = Projector::open(db.log.clone()).await?;
    caught_up(&mut projector).await?;
    let projecting = Projecting::start(&db.log, projector);
    let node = Node::start(db.log.clone()).await?;
    println!(
        "growth {}: {} events in the log; set up in {:.1} s",
        db.label,
        db.log.event_count().await?,
        started.elapsed().as_secs_f64()
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    over_http(spec, &http, &node.base, &mut circles).await?;
    let mut projector = projecting.stop().await?;
    node.stop().await?;
    let mut all = vec![];
    for mut circle in circles {
        circle.absorb(db.log.as_ref()).await?;
        let window = projector_window(spec, db, &mut grower, &mut circle, &mut projector).await?;
        let figures = Figures {
            size: circle.size,
            command: run_of(circle.command),
            page: run_of(circle.page),
            rota: run_of(circle.rota),
            entries: circle.entries,
            authors: circle.authors,
            slots: circle.slots,
            names: circle.names,
            projector: window,
            view_bytes: db.stored_bytes(CIRCLE_VIEW, &circle.key).await?,
        };
        print(db.label, &figures);
        all.push(figures);
    }
    Ok(all)
}

/// The measured requests, one at a time on one keep-alive connection, the
/// circles taking turns (each round starting at the next circle): first the
/// commands, logbook entries by the circle's members in turn (so that even the
/// smallest circle fills a page, written as a circle writes it), then the
/// coordinator's first logbook page, then the coordinator's rota week.
async fn over_http(
    spec: &Spec,
    http: &reqwest::Client,
    base: &str,
    circles: &mut [Circle],
) -> anyhow::Result<()> {
    let urls: Vec<(String, String)> = circles
        .iter()
        .map(|c| {
            let circle = format!("{base}/api/v1/circles/{}", c.key);
            let rota = format!("{circle}/rota?from={}&days=7", c.rota_from);
            (format!("{circle}/logbook"), rota)
        })
        .collect();
    let n = circles.len();
    let mut next_command = tokio::time::Instant::now();
    for kind in 0..3 {
        let rounds = [spec.commands, spec.pages, spec.rotas][kind];
        for round in 0..WARM_UP + rounds {
            for turn in 0..n {
                let i = (round + turn) % n;
                let circle = &mut circles[i];
                let (logbook, rota) = &urls[i];
                let reader = &circle.cookie;
                let (took, body) = match kind {
                    0 => {
                        tokio::time::sleep_until(next_command).await;
                        next_command = tokio::time::Instant::now() + COMMAND_EVERY;
                        let writer = &circle.writers[round % circle.writers.len()];
                        let entry = serde_json::json!({
                            "text": format!("Entry {round}: visited Mam, she ate well and slept after lunch; the pharmacy comes on Thursday."),
                            "visibility": "whole_circle",
                        });
                        timed(
                            http.post(logbook).json(&entry).header("cookie", writer),
                            201,
                        )
                        .await?
                    }
                    1 => timed(http.get(logbook).header("cookie", reader), 200).await?,
                    _ => timed(http.get(rota).header("cookie", reader), 200).await?,
                };
                if round < WARM_UP {
                    continue;
                }
                match kind {
                    0 => circle.command.push(took),
                    1 => {
                        let entries = body.as_array().map_or(&[][..], Vec::as_slice);
                        circle.entries = entries.len();
                        circle.authors = distinct(entries.iter().map(|e| &e["author"]["id"]));
                        circle.page.push(took);
                    }
                    _ => {
                        let slots = body["slots"].as_array().map_or(&[][..], Vec::as_slice);
                        circle.slots = slots.len();
                        circle.names = distinct(slots.iter().flat_map(|s| {
                            s["claimed_by"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|p| &p["id"])
                        }));
                        circle.rota.push(took);
                    }
                }
            }
        }
    }
    Ok(())
}

fn distinct<'a>(ids: impl Iterator<Item = &'a serde_json::Value>) -> usize {
    ids.map(|id| id.to_string())
        .collect::<std::collections::HashSet<_>>()
        .len()
}

/// A request's round trip, body read; fails on another status than `expected`.
async fn timed(
    request: reqwest::RequestBuilder,
    expected: u16,
) -> anyhow::Result<(Duration, serde_json::Value)> {
    let sent = Instant::now();
    let response = request.send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    let took = sent.elapsed();
    ensure!(
        status.as_u16() == expected,
        "answered {status}: {}",
        String::from_utf8_lossy(&body)
    );
    Ok((took, serde_json::from_slice(&body)?))
}

fn run_of(samples: Vec<Duration>) -> Run {
    let total = samples.iter().sum();
    Run::new(samples.len(), total, samples)
}

/// The projector's cost per event, live: each command's events appended alone
/// and folded by one `catch_up_once` (read, decode, fold, commit with the
/// checkpoint), timed. A circle's view is stored once it gained an eighth of
/// its version, so a window of a fixed number of events would hold a snapshot
/// at one size and none at another. The window therefore starts just after a
/// snapshot and ends with one, covering whole snapshot periods and at least
/// `spec.projected` events: every size pays its snapshots in proportion.
async fn projector_window(
    spec: &Spec,
    db: &Db,
    grower: &mut Grower,
    circle: &mut Circle,
    projector: &mut Projector,
) -> anyhow::Result<Window> {
    caught_up(projector).await?;
    // Untimed: up to the next snapshot.
    let stored = stored_version(db, circle).await?;
    let due = stored + (stored / 8).max(1);
    while circle.version() < due {
        grower.step(circle).await?;
    }
    caught_up(projector).await?;
    let mut last = stored_version(db, circle).await?;
    ensure!(
        last == circle.version(),
        "the projector stored the view at {last}, not at {}: its snapshot rule changed?",
        circle.version()
    );
    let mut window = Window::default();
    loop {
        let n = grower.step(circle).await?;
        if n == 0 {
            continue; // a look already on the record today
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let (mut read, mut spent) = (0, Duration::ZERO);
        while read < n {
            let started = Instant::now();
            let got = projector.catch_up_once().await?;
            spent += started.elapsed();
            if got == 0 {
                window.empty_reads += 1;
                ensure!(
                    Instant::now() < deadline,
                    "the projector did not read the event"
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            read += got;
        }
        let now = stored_version(db, circle).await?;
        window.steps.push((spent, n, now != last));
        if now != last {
            last = now;
            if window.events() >= spec.projected {
                return Ok(window);
            }
        }
    }
}

async fn stored_version(db: &Db, circle: &Circle) -> anyhow::Result<u64> {
    Ok(db
        .stored_version(CIRCLE_VIEW, &circle.key)
        .await?
        .unwrap_or(0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn print(backend: &str, f: &Figures) {
    let p = |run: &Run| {
        format!(
            "p50 {:.2} ms (p90 {:.2})",
            ms(run.percentile(50.0)),
            ms(run.percentile(90.0))
        )
    };
    let w = &f.projector;
    println!(
        "growth {backend} {:>6} events: command {}, logbook page {} [{} entries by {} people], rota week {} [{} slots, {} people], \
         projector {:.3} ms/event (mean {:.3}; {} events, {} snapshots of up to {:.0} KiB, {} empty reads)",
        f.size,
        p(&f.command),
        p(&f.page),
        f.entries,
        f.authors,
        p(&f.rota),
        f.slots,
        f.names,
        ms(w.per_event()),
        ms(w.mean()),
        w.events(),
        w.snapshots(),
        f.view_bytes as f64 / 1024.0,
        w.empty_reads,
    );
}

/// The largest size's figure over the smallest's, the worse of the backends.
fn worst_ratio(results: &[(String, Vec<Figures>)], figure: impl Fn(&Figures) -> f64) -> f64 {
    results
        .iter()
        .filter_map(|(_, sizes)| {
            let (first, last) = (sizes.first()?, sizes.last()?);
            Some(figure(last) / figure(first))
        })
        .fold(f64::NAN, f64::max)
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sizes = env_list("KRING_BENCH_GROWTH_SIZES", "100,1000,10000")
        .iter()
        .map(|s| s.parse::<u64>().with_context(|| format!("size {s:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    ensure!(
        sizes.len() >= 2
            && sizes.windows(2).all(|w| w[0] < w[1])
            && sizes.iter().all(|s| *s <= LIFE_EVENTS / 3 * 2),
        "KRING_BENCH_GROWTH_SIZES: two or more sizes, growing, at most {}",
        LIFE_EVENTS / 3 * 2
    );
    let spec = Spec {
        sizes,
        backends: env_list("KRING_BENCH_GROWTH_BACKENDS", "sqlite,postgres"),
        commands: env_number("KRING_BENCH_GROWTH_COMMANDS", 40)?.max(1),
        pages: env_number("KRING_BENCH_GROWTH_PAGES", 20)?.max(1),
        rotas: env_number("KRING_BENCH_GROWTH_ROTAS", 20)?.max(1),
        projected: env_number("KRING_BENCH_GROWTH_PROJECTED", 200)?.max(1),
        writers: env_number("KRING_BENCH_GROWTH_WRITERS", 0)?,
    };
    println!(
        "growth: circles of {:?} events; {} commands, {} pages, {} rota weeks each; projector window ≥ {} events; {} CPUs",
        spec.sizes,
        spec.commands,
        spec.pages,
        spec.rotas,
        spec.projected,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let mut results = vec![];
    for backend in &spec.backends {
        let figures = measure_backend(&spec, backend).await?;
        results.push((backend.clone(), figures));
    }
    let p50 = |run: &Run| run.percentile(50.0).as_secs_f64();
    let (small, large) = (spec.sizes[0], spec.sizes[spec.sizes.len() - 1]);
    for (backend, sizes) in &results {
        let (first, last) = (&sizes[0], &sizes[sizes.len() - 1]);
        println!(
            "growth {backend} {large}/{small}: command {:.2}, page {:.2}, rota {:.2}, projector {:.2}",
            p50(&last.command) / p50(&first.command),
            p50(&last.page) / p50(&first.page),
            p50(&last.rota) / p50(&first.rota),
            last.projector.per_event().as_secs_f64() / first.projector.per_event().as_secs_f64(),
        );
    }
    println!(
        "growth: command_10k/100={:.2} page_10k/100={:.2} rota_10k/100={:.2} projector_10k/100={:.2}",
        worst_ratio(&results, |f| p50(&f.command)),
        worst_ratio(&results, |f| p50(&f.page)),
        worst_ratio(&results, |f| p50(&f.rota)),
        worst_ratio(&results, |f| f.projector.per_event().as_secs_f64()),
    );
    Ok(())
}
