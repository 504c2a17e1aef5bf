//! Live fan-out: many idle WebSockets on one node, and how long an event takes
//! from the HTTP answer of its command to the last member of its circle. The
//! floor is a bare tokio-tungstenite server that broadcasts the same frames to
//! the same sockets. See benches/README.md.
//!
//! Processes: this one is the node (Kring's server in-process, on SQLite).
//! The clients are a child, this same binary with
//! `KRING_BENCH_FANOUT_ROLE=clients`: it holds every client socket and makes
//! the commands. One process may not hold both sides here (10,000 sockets on
//! each side and the database need more than the hard limit of 20,000 open
//! files), and apart, the node's memory holds none of the clients'. The floor
//! server is a child too (`=floor`), so that its memory is measured in a fresh
//! process, and each phase gets a fresh clients' process. They talk over the
//! children's stdin and stdout, one JSON line each way.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use chrono::{TimeDelta, Utc};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt, TryStreamExt};
use kring_app::{Commands, SessionToken, Vault, SESSION_LIFETIME};
use kring_benches::{env_number, rss_mib, Run, ScratchDir};
use kring_domain::{
    AccountCommand, Action, Actor, CircleCommand, CircleId, InvitationId, InvitedAs, PersonId,
    Ring, Services,
};
use kring_protocol::v1::{ClientMessage, ServerMessage};
use kring_server::{AppState, Limit, RateLimits, Settings};
use kring_store::{SqliteLog, Store};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

const ROLE: &str = "KRING_BENCH_FANOUT_ROLE";
const PLAN: &str = "KRING_BENCH_FANOUT_PLAN";
/// Circles made at once while setting up.
const SETUP_TASKS: usize = 8;
/// Client sockets opening (or subscribing) at once.
const CONNECTING: usize = 32;
/// How long the node's memory settles before it is read.
const SETTLE: Duration = Duration::from_millis(700);
/// Longest wait for one frame at every member, and for a stage of the clients.
const FRAME_DEADLINE: Duration = Duration::from_secs(10);
const STAGE_DEADLINE: Duration = Duration::from_secs(300);

// ------------------------------------------------------------------ what the two processes share

/// The circles with their members' session cookies (member 0 is the coordinator).
#[derive(Serialize, Deserialize)]
struct Plan {
    circles: Vec<PlannedCircle>,
}

#[derive(Serialize, Deserialize)]
struct PlannedCircle {
    id: Uuid,
    /// The circle's version when the sockets subscribe: nothing to replay.
    version: u64,
    cookies: Vec<String>,
}

/// What the node asks of the clients' process.
#[derive(Serialize, Deserialize)]
#[serde(tag = "order", rename_all = "snake_case")]
enum Order {
    /// One socket per member of the circles `from..to`.
    Connect {
        url: String,
        from: usize,
        to: usize,
    },
    /// Each of those sockets subscribes to its circle; done when all are subscribed.
    Subscribe {
        from: usize,
        to: usize,
    },
    /// `warm_up` commands, then `commands` measured ones, one at a time,
    /// started `every_us` apart (or as soon as the previous one's frames are
    /// all there, if later).
    Measure {
        target: Target,
        warm_up: usize,
        commands: usize,
        every_us: u64,
    },
    /// Every socket closes.
    Close,
    /// Nothing: just the reply, with the process's memory.
    Report,
    /// The floor: when each publish began (and forget them).
    Starts,
    Quit,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Target {
    /// Logbook entries through Kring's API.
    Kring { base: String },
    /// The frames Kring sent in its measurement (circle, version, text, in
    /// command order), published on the floor server.
    Floor {
        base: String,
        frames: Vec<(usize, u64, String)>,
    },
}

/// The clients' answer to each order, once it is done.
#[derive(Serialize, Deserialize)]
struct Reply {
    /// The replying process's VmRSS, and the CPU time it has used.
    rss_kib: f64,
    #[serde(default)]
    cpu_s: f64,
    #[serde(default)]
    measured: Option<Measured>,
    /// The floor's answer to `Starts`: wall-clock microseconds.
    #[serde(default)]
    starts_us: Vec<u64>,
}

#[derive(Serialize, Deserialize)]
struct Measured {
    /// From the command's answer to its frame at the last member (0 when the
    /// last frame came before the answer).
    after_answer_us: Vec<u64>,
    /// From sending the command to its frame at the last member.
    after_request_us: Vec<u64>,
    /// Wall clock of the last member's frame, for every command (warm-up
    /// included), to set against when the node began (another process).
    last_wall_us: Vec<u64>,
    /// The command's HTTP round trip.
    answer_us: Vec<u64>,
    /// From the first member's frame to the last one's.
    spread_us: Vec<u64>,
    /// Commands whose frames had all arrived before their answer.
    early: usize,
    /// Length of the frames, in bytes.
    frame_bytes: usize,
    /// The measured commands, from the first to the last frame of the last.
    elapsed_ms: u64,
    /// All commands, warm-up included.
    window_ms: u64,
    /// Every frame that arrived, as for `Target::Floor`.
    frames: Vec<(usize, u64, String)>,
}

/// What the floor's process says when it has started.
#[derive(Serialize, Deserialize)]
struct FloorReady {
    ws: SocketAddr,
    http: SocketAddr,
}

fn rss_kib() -> f64 {
    rss_mib().map_or(f64::NAN, |m| m * 1024.0)
}

/// User and system CPU time of this process so far, in seconds (Linux).
fn cpu_s() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<f64>().ok());
    match (ticks(14), ticks(15)) {
        // The kernel counts in USER_HZ, 100 on Linux.
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

fn reply(measured: Option<Measured>) -> Reply {
    Reply {
        rss_kib: rss_kib(),
        cpu_s: cpu_s(),
        measured,
        starts_us: vec![],
    }
}

/// The wall clock in microseconds: the one clock the processes share.
fn wall_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

type Starts = Arc<Mutex<Vec<u64>>>;

/// Soft limit up to the hard limit: each process holds one side of every socket.
fn raise_open_files(needed: usize) -> anyhow::Result<()> {
    let limit = rlimit::increase_nofile_limit(u64::MAX).context("raise RLIMIT_NOFILE")?;
    ensure!(
        limit as usize >= needed,
        "{needed} open files are needed, RLIMIT_NOFILE allows {limit} (raise the hard limit, or use KRING_BENCH_FANOUT_SOCKETS)"
    );
    Ok(())
}

/// Each command goes to another circle: a fixed stride that visits them all.
fn circle_of(k: usize, circles: usize) -> usize {
    let mut stride = 379 % circles.max(1);
    while gcd(stride, circles) != 1 {
        stride += 1;
    }
    (k * stride) % circles
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

// ------------------------------------------------------------------ the node

struct Spec {
    circles: usize,
    members: usize,
    warm_up: usize,
    commands: usize,
    every: Duration,
}

impl Spec {
    fn sockets(&self) -> usize {
        self.circles * self.members
    }
}

async fn node() -> anyhow::Result<()> {
    let sockets = env_number("KRING_BENCH_FANOUT_SOCKETS", 10_000)?;
    let members = env_number("KRING_BENCH_FANOUT_MEMBERS", 10)?;
    ensure!(
        members >= 2 && sockets >= 2 * members,
        "at least two circles of two members"
    );
    let spec = Spec {
        circles: sockets / members,
        members,
        warm_up: env_number("KRING_BENCH_FANOUT_WARM_UP", 20)?,
        commands: env_number("KRING_BENCH_FANOUT_COMMANDS", 1_000)?,
        every: Duration::from_secs_f64(
            1.0 / env_number("KRING_BENCH_FANOUT_RATE", 40)?.max(1) as f64,
        ),
    };
    raise_open_files(spec.sockets() + 200)?;
    println!(
        "fanout: {} sockets = {} circles x {} members; {} commands after {} warm-up ones, {:.0} ms apart; SQLite",
        spec.sockets(),
        spec.circles,
        spec.members,
        spec.commands,
        spec.warm_up,
        spec.every.as_secs_f64() * 1e3,
    );

    // The database, made directly (no argon2, no rate limits): see README.md.
    let dir = ScratchDir::create("fanout")?;
    let file = dir.path().join("kring.db");
    let sqlite = Arc::new(SqliteLog::connect(&format!("sqlite:{}", file.display())).await?);
    // Setup only: no fsync per commit. FULL again before anything is measured.
    sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(sqlite.writer_pool())
        .await?;
    let log: Arc<dyn Store> = sqlite.clone();
    let started = Instant::now();
    let plan = populate(log.clone(), &spec).await?;
    sqlx::query("PRAGMA synchronous = FULL")
        .execute(sqlite.writer_pool())
        .await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(sqlite.writer_pool())
        .await?;
    let warnings = sqlite.check_durability().await?;
    ensure!(warnings.is_empty(), "SQLite is not durable: {warnings:?}");
    let plan_file = dir.path().join("plan.json");
    std::fs::write(&plan_file, serde_json::to_vec(&plan)?)?;

    // The node as `kring serve` runs it: projector, then the server with its live hub.
    let mut projector = kring_views::Projector::open(log.clone()).await?;
    let projected = projector.catch_up(|_| {}).await?;
    // Diagnostic: without a projector the node does only the command and the fan-out.
    let projector = if env_number("KRING_BENCH_FANOUT_PROJECTOR", 1)? == 0 {
        println!("setup    NO projector runs (KRING_BENCH_FANOUT_PROJECTOR=0): a diagnostic, not Kring as it runs");
        tokio::spawn(async {})
    } else {
        tokio::spawn(projector.run())
    };
    println!(
        "setup    {} events, {} sessions, {projected} projected in {:.1} s",
        log.event_count().await?,
        spec.sockets(),
        started.elapsed().as_secs_f64()
    );
    let roomy = Limit::per_minute(1_000_000);
    let mut settings = Settings {
        rate_limits: RateLimits {
            log_in: roomy,
            sign_up: roomy,
            invitations: roomy,
            writes: roomy,
            writes_per_account: roomy,
            password_checks: roomy,
        },
        ..Settings::default()
    };
    // Diagnostic: another ping interval than Kring's (the idle timeout follows).
    if let Ok(seconds) = std::env::var("KRING_BENCH_FANOUT_PING_S") {
        let every = Duration::from_secs(seconds.parse().context("KRING_BENCH_FANOUT_PING_S")?);
        println!("setup    pings every {every:?} (KRING_BENCH_FANOUT_PING_S): a diagnostic, not Kring's default");
        settings.live.ping_every = every;
        settings.live.idle_timeout = every * 3;
    }
    let state = AppState::new(log.clone(), settings).await?;
    // When each append rang the doorbell that wakes the live hub's tailer (and
    // the projector): where Kring's fan-out begins. One append per command.
    let doorbells: Starts = Arc::default();
    let ringing = {
        let (doorbells, mut wake) = (doorbells.clone(), log.wake_signal());
        tokio::spawn(async move {
            while wake.changed().await.is_ok() {
                doorbells.lock().expect("doorbells").push(wall_us());
            }
        })
    };
    // Diagnostic: a second reader like the hub's tailer, to time its first step
    // (the doorbell to the new event read back from the log). It adds a read per event.
    let read_back: Option<Starts> = if env_number("KRING_BENCH_FANOUT_PROBE", 0)? == 1 {
        let read_back = Starts::default();
        let mut subscription = kring_store::Subscription::from_end(log.clone())
            .await?
            .poll_every(Duration::from_millis(500));
        let times = read_back.clone();
        tokio::spawn(async move {
            while let Ok(batch) = subscription.next_batch().await {
                let now = wall_us();
                times
                    .lock()
                    .expect("read back")
                    .extend(batch.iter().map(|_| now));
            }
        });
        Some(read_back)
    } else {
        None
    };
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let kring = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kring_server::serve(
        listener,
        state,
        axum::Router::new(),
        async {
            let _ = stopped.await;
        },
    ));

    let (ours, frames) = phase(
        &plan_file,
        &spec,
        &mut Node::Kring(doorbells),
        &format!("ws://{kring}/api/v1/live"),
        Target::Kring {
            base: format!("http://{kring}"),
        },
    )
    .await?;
    ours.print("kring");
    if let Some(read_back) = read_back {
        let read_back = std::mem::take(&mut *read_back.lock().expect("read back"));
        let (rings, lasts) = (&ours.starts, &ours.last_wall);
        let n = read_back.len();
        if n >= lasts.len() && rings.len() == lasts.len() {
            // The measurement's commands are the last ones read back.
            let read_back = &read_back[n - lasts.len()..];
            let spans = |from: &[u64], to: &[u64]| {
                let us: Vec<Duration> = from
                    .iter()
                    .zip(to)
                    .skip(spec.warm_up)
                    .map(|(a, b)| Duration::from_micros(b.saturating_sub(*a)))
                    .collect();
                Run::new(us.len(), Duration::from_secs(1), us)
            };
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let (read, rest) = (spans(rings, read_back), spans(read_back, lasts));
            println!(
                "probe    doorbell -> event read back by a second tailer: p50 {:.2} ms, p99 {:.2} ms; read back -> last member: p50 {:.2} ms, p99 {:.2} ms",
                ms(read.percentile(50.0)),
                ms(read.percentile(99.0)),
                ms(rest.percentile(50.0)),
                ms(rest.percentile(99.0)),
            );
        } else {
            println!(
                "probe    {n} events read back, {} commands: no split",
                lasts.len()
            );
        }
    }
    let _ = stop.send(());
    server.abort();
    projector.abort();
    ringing.abort();

    let mut floor_process = Peer::spawn("floor", None).await?;
    let ready: FloorReady = floor_process.line().await?;
    let (floor, _) = phase(
        &plan_file,
        &spec,
        &mut Node::Floor(&mut floor_process),
        &format!("ws://{}", ready.ws),
        Target::Floor {
            base: format!("http://{}", ready.http),
            frames,
        },
    )
    .await?;
    floor.print("floor");
    floor_process.quit().await?;

    let p50 = ours.latency.percentile(50.0);
    let p99 = ours.latency.percentile(99.0);
    let floor_p99 = floor.latency.percentile(99.0);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let kib = ours.memory.per_socket();
    let goals = [
        ("p99 <= 50 ms", ms(p99) <= 50.0),
        ("ours/floor p99 <= 3", ms(p99) <= 3.0 * ms(floor_p99)),
        ("<= 8 KiB per idle socket", kib <= 8.0),
    ];
    for (goal, met) in goals {
        println!("goal     {goal}: {}", if met { "met" } else { "NOT met" });
    }
    println!(
        "fanout: p50_ms={:.2} p99_ms={:.2} floor_p99_ms={:.2} ours/floor_p99={:.2} kib_per_socket={:.1}",
        ms(p50),
        ms(p99),
        ms(floor_p99),
        ms(p99) / ms(floor_p99),
        kib
    );
    Ok(())
}

/// Accounts, circles and memberships through `kring_app::Commands` (the rules,
/// cqrs-es, the log) as the API runs them, personal fields sealed by the
/// vault, and a session row per member as logging in makes it; only argon2
/// (and so the real password check) is left out.
async fn populate(log: Arc<dyn Store>, spec: &Spec) -> anyhow::Result<Plan> {
    let commands = Arc::new(Commands::new(log.clone(), Services::system()));
    let vault = Vault::new(log.clone());
    let members = spec.members;
    let circles = futures::stream::iter(0..spec.circles)
        .map(|_| make_circle(log.clone(), commands.clone(), vault.clone(), members))
        .buffered(SETUP_TASKS)
        .try_collect()
        .await?;
    Ok(Plan { circles })
}

async fn make_circle(
    log: Arc<dyn Store>,
    commands: Arc<Commands>,
    vault: Vault,
    members: usize,
) -> anyhow::Result<PlannedCircle> {
    let circle = CircleId(Uuid::new_v4());
    let people: Vec<PersonId> = (0..members).map(|_| PersonId(Uuid::new_v4())).collect();
    let coordinator = people[0];
    for (i, person) in people.iter().enumerate() {
        // What signing up does, but for argon2: the e-mail claim (with a hash
        // nobody checks), the person's key and the account's event.
        let email_lookup = format!("bench-{}", person.0.simple());
        log.add_credentials(person.0, &email_lookup, "$argon2id$not-used-by-this-bench")
            .await?;
        let register = AccountCommand::Register {
            account: *person,
            name: vault.seal(*person, &format!("Member {i}")).await?,
            email: vault
                .seal(*person, &format!("member{i}@example.org"))
                .await?,
        };
        commands.account(*person, register).await?;
    }
    let focus = PersonId(Uuid::new_v4());
    let focus_name = vault.seal(focus, "Mam").await?;
    let run = |by: PersonId, action: Action| {
        let commands = commands.clone();
        async move {
            let metadata = kring_store::metadata::of(by.0, None);
            let command = CircleCommand {
                actor: Actor::person(by),
                action,
            };
            commands.circle(circle, command, metadata).await
        }
    };
    let mut version = run(
        coordinator,
        Action::CreateCircle {
            circle,
            focus,
            focus_name,
            time_zone: "Europe/Amsterdam".into(),
            plan: vec![],
        },
    )
    .await?;
    for (i, person) in people.iter().enumerate().skip(1) {
        let invitation = InvitationId(Uuid::new_v4());
        let token_hash = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        let ring = if i % 2 == 1 {
            Ring::Warm
        } else {
            Ring::Lukewarm
        };
        let invite = Action::Invite {
            invitation,
            ring,
            role: InvitedAs::Member,
            task: None,
            token_hash: token_hash.clone(),
            expires_at: Utc::now() + TimeDelta::days(14),
        };
        run(coordinator, invite).await?;
        let accept = Action::AcceptInvitation {
            invitation,
            token_hash,
            focus_name: None,
        };
        version = run(*person, accept).await?;
    }
    let mut cookies = Vec::with_capacity(members);
    for person in &people {
        let token = SessionToken::generate()?;
        log.start_session(&token.hash(), person.0, Utc::now() + SESSION_LIFETIME)
            .await?;
        cookies.push(format!("kring_session={}", token.as_str()));
    }
    Ok(PlannedCircle {
        id: circle.0,
        version,
        cookies,
    })
}

/// The node's resident memory at each stage of one phase.
struct Memory {
    sockets: usize,
    before: f64,
    half_connected: f64,
    half_subscribed: f64,
    connected: f64,
    subscribed: f64,
    clients_before: f64,
    clients_subscribed: f64,
}

impl Memory {
    /// KiB of the node per idle, subscribed socket.
    fn per_socket(&self) -> f64 {
        (self.subscribed - self.before) / self.sockets as f64
    }

    /// The second half only: memory the first half may have found free
    /// (left from the setup, or from an earlier phase) does not count.
    fn slope(&self) -> f64 {
        let second = self.sockets - self.sockets / 2;
        (self.subscribed - self.half_subscribed) / second as f64
    }

    fn connecting(&self) -> f64 {
        (self.half_connected - self.before + self.connected - self.half_subscribed)
            / self.sockets as f64
    }

    fn subscribing(&self) -> f64 {
        (self.half_subscribed - self.half_connected + self.subscribed - self.connected)
            / self.sockets as f64
    }

    fn clients(&self) -> f64 {
        (self.clients_subscribed - self.clients_before) / self.sockets as f64
    }
}

struct Phase {
    memory: Memory,
    latency: Run,
    after_request: Run,
    /// From the node's start of the fan-out (Kring: the append's doorbell;
    /// the floor: its publish handler) to the last member; the wall clock.
    after_start: Option<Run>,
    answer: Run,
    spread: Run,
    early: usize,
    frame_bytes: usize,
    /// Wall clock of each command's start of fan-out and of its last frame (warm-up included).
    starts: Vec<u64>,
    last_wall: Vec<u64>,
    /// The node's CPU seconds while the commands ran (warm-up included), and
    /// how long that took.
    cpu: f64,
    window: Duration,
}

impl Phase {
    fn print(&self, label: &str) {
        let m = &self.memory;
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{label:<8} memory: node {:.0} -> {:.0} MiB: {:.1} KiB per idle socket ({:.1} connecting + {:.1} subscribing; second half alone {:.1}); clients' process {:.1} KiB per socket",
            m.before / 1024.0,
            m.subscribed / 1024.0,
            m.per_socket(),
            m.connecting(),
            m.subscribing(),
            m.slope(),
            m.clients(),
        );
        println!(
            "{label:<8} answer -> last member: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} commands, {} all there before the answer; frame {} B)",
            ms(self.latency.percentile(50.0)),
            ms(self.latency.percentile(90.0)),
            ms(self.latency.percentile(99.0)),
            ms(self.latency.percentile(100.0)),
            self.latency.ops,
            self.early,
            self.frame_bytes,
        );
        println!(
            "{label:<8} request -> last member: p50 {:.2} ms, p99 {:.2} ms; the command's HTTP round trip: p50 {:.2} ms, p99 {:.2} ms; first -> last member: p50 {:.2} ms, p99 {:.2} ms",
            ms(self.after_request.percentile(50.0)),
            ms(self.after_request.percentile(99.0)),
            ms(self.answer.percentile(50.0)),
            ms(self.answer.percentile(99.0)),
            ms(self.spread.percentile(50.0)),
            ms(self.spread.percentile(99.0)),
        );
        if let Some(run) = &self.after_start {
            println!(
                "{label:<8} fan-out start ({}) -> last member: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
                if label == "kring" { "the append's doorbell" } else { "the publish handler" },
                ms(run.percentile(50.0)),
                ms(run.percentile(90.0)),
                ms(run.percentile(99.0)),
            );
        }
        println!(
            "{label:<8} node CPU while the commands ran: {:.2} s in {:.1} s = {:.0} % of one core (pings of the idle sockets included)",
            self.cpu,
            self.window.as_secs_f64(),
            100.0 * self.cpu / self.window.as_secs_f64(),
        );
    }
}

/// Whose memory a phase measures.
enum Node<'a> {
    /// This process, and when its doorbell rang.
    Kring(Starts),
    /// The floor's process.
    Floor(&'a mut Peer),
}

impl Node<'_> {
    /// The node's VmRSS in KiB, once what it was doing has settled.
    async fn rss_kib(&mut self) -> anyhow::Result<f64> {
        tokio::time::sleep(SETTLE).await;
        Ok(self.report().await?.rss_kib)
    }

    fn pid(&self) -> u32 {
        match self {
            Node::Kring(_) => std::process::id(),
            Node::Floor(peer) => peer.child.id().unwrap_or(0),
        }
    }

    async fn report(&mut self) -> anyhow::Result<Reply> {
        match self {
            Node::Kring(_) => Ok(reply(None)),
            Node::Floor(peer) => peer.ask(&Order::Report).await,
        }
    }

    /// When the node began each command's fan-out since the last call.
    async fn starts(&mut self) -> anyhow::Result<Vec<u64>> {
        match self {
            Node::Kring(doorbells) => {
                Ok(std::mem::take(&mut *doorbells.lock().expect("doorbells")))
            }
            Node::Floor(peer) => Ok(peer.ask(&Order::Starts).await?.starts_us),
        }
    }
}

/// With a fresh clients' process: opens and subscribes every socket in two
/// halves (by circle), reading the node's memory after each step, then
/// measures and closes them all. Also answers the frames that arrived.
async fn phase(
    plan: &Path,
    spec: &Spec,
    node: &mut Node<'_>,
    url: &str,
    target: Target,
) -> anyhow::Result<(Phase, Vec<(usize, u64, String)>)> {
    let half = spec.circles / 2;
    let mut clients = Peer::spawn("clients", Some(plan)).await?;
    let clients_before = clients.reply().await?.rss_kib;
    let before = node.rss_kib().await?;
    clients
        .ask(&Order::Connect {
            url: url.into(),
            from: 0,
            to: half,
        })
        .await?;
    let half_connected = node.rss_kib().await?;
    clients.ask(&Order::Subscribe { from: 0, to: half }).await?;
    let half_subscribed = node.rss_kib().await?;
    clients
        .ask(&Order::Connect {
            url: url.into(),
            from: half,
            to: spec.circles,
        })
        .await?;
    let connected = node.rss_kib().await?;
    let clients_subscribed = clients
        .ask(&Order::Subscribe {
            from: half,
            to: spec.circles,
        })
        .await?
        .rss_kib;
    let subscribed = node.rss_kib().await?;
    if matches!(node, Node::Kring(_)) && env_number("KRING_BENCH_FANOUT_EXIT_IDLE", 0)? == 1 {
        // Diagnostic: what is alive with every socket idle, for a heap profiler.
        println!("exit     with every socket subscribed and idle (KRING_BENCH_FANOUT_EXIT_IDLE=1)");
        std::process::exit(0);
    }
    let cpu_before = node.report().await?.cpu_s;
    node.starts().await?;
    // For a profiler: what runs now, and where.
    eprintln!(
        "fanout: measuring {url} (node pid {}, clients pid {})",
        node.pid(),
        clients.child.id().unwrap_or(0)
    );
    let measured = clients
        .ask(&Order::Measure {
            target,
            warm_up: spec.warm_up,
            commands: spec.commands,
            every_us: spec.every.as_micros() as u64,
        })
        .await?
        .measured
        .context("no measurement came back")?;
    let cpu = node.report().await?.cpu_s - cpu_before;
    let starts = node.starts().await?;
    let after_start_us: Option<Vec<u64>> =
        (starts.len() == measured.last_wall_us.len()).then(|| {
            starts
                .iter()
                .zip(&measured.last_wall_us)
                .skip(spec.warm_up)
                .map(|(start, last)| last.saturating_sub(*start))
                .collect()
        });
    if after_start_us.is_none() {
        println!(
            "         ({} fan-outs began for {} commands: no start -> last member figure)",
            starts.len(),
            measured.last_wall_us.len()
        );
    }
    clients.ask(&Order::Close).await?;
    clients.quit().await?;
    // The node's side of the sockets ends with the clients'.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let elapsed = Duration::from_millis(measured.elapsed_ms);
    let run = |us: &[u64]| {
        Run::new(
            us.len(),
            elapsed,
            us.iter().map(|&u| Duration::from_micros(u)).collect(),
        )
    };
    let phase = Phase {
        memory: Memory {
            sockets: spec.sockets(),
            before,
            half_connected,
            half_subscribed,
            connected,
            subscribed,
            clients_before,
            clients_subscribed,
        },
        latency: run(&measured.after_answer_us),
        after_request: run(&measured.after_request_us),
        after_start: after_start_us.map(|us| run(&us)),
        answer: run(&measured.answer_us),
        spread: run(&measured.spread_us),
        early: measured.early,
        frame_bytes: measured.frame_bytes,
        cpu,
        window: Duration::from_millis(measured.window_ms),
        starts,
        last_wall: measured.last_wall_us.clone(),
    };
    Ok((phase, measured.frames))
}

/// A child process of this bench (clients or floor), from the node's side.
struct Peer {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Peer {
    async fn spawn(role: &str, plan: Option<&Path>) -> anyhow::Result<Peer> {
        let mut command = tokio::process::Command::new(std::env::current_exe()?);
        // A heap profiler preloaded into the node stays out of its children.
        command.env(ROLE, role).env_remove("LD_PRELOAD");
        if let Some(plan) = plan {
            command.env(PLAN, plan);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("start the {role} process"))?;
        let stdin = child.stdin.take().context("stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("stdout")?).lines();
        Ok(Peer {
            child,
            stdin,
            stdout,
        })
    }

    async fn ask(&mut self, order: &Order) -> anyhow::Result<Reply> {
        let mut line = serde_json::to_string(order)?;
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).await?;
        self.stdin.flush().await?;
        self.reply().await
    }

    async fn reply(&mut self) -> anyhow::Result<Reply> {
        self.line().await
    }

    async fn line<T: serde::de::DeserializeOwned>(&mut self) -> anyhow::Result<T> {
        let line = tokio::time::timeout(STAGE_DEADLINE, self.stdout.next_line())
            .await
            .context("a child process did not answer in time")??
            .context("a child process ended")?;
        serde_json::from_str(&line).with_context(|| format!("from a child process: {line}"))
    }

    async fn quit(mut self) -> anyhow::Result<()> {
        let line = serde_json::to_string(&Order::Quit)? + "\n";
        self.stdin.write_all(line.as_bytes()).await?;
        self.stdin.flush().await?;
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => ensure!(status?.success(), "a child process failed"),
            Err(_) => {
                self.child.kill().await?;
                bail!("a child process did not stop");
            }
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ the floor

type ServerSink = SplitSink<WebSocketStream<TcpStream>, Message>;
type Groups = Arc<Mutex<HashMap<Uuid, Vec<Arc<tokio::sync::Mutex<ServerSink>>>>>>;

#[derive(Clone, Default)]
struct FloorState {
    groups: Groups,
    starts: Starts,
}

/// The least a server can do: tokio-tungstenite with the buffers Kring's
/// sockets get, each socket in the group of the circle its first message
/// names, and each published frame written to that group's sockets one after
/// another. No store, no filtering, no queue per socket, no ping.
struct Floor {
    ws: SocketAddr,
    http: SocketAddr,
    starts: Starts,
    tasks: Vec<JoinHandle<()>>,
}

impl Floor {
    async fn start() -> anyhow::Result<Floor> {
        let state = FloorState::default();
        let (groups, starts) = (state.groups.clone(), state.starts.clone());
        let ws_listener = TcpListener::bind("127.0.0.1:0").await?;
        let http_listener = TcpListener::bind("127.0.0.1:0").await?;
        let (ws, http) = (ws_listener.local_addr()?, http_listener.local_addr()?);
        let accepting = {
            let groups = groups.clone();
            tokio::spawn(async move {
                while let Ok((tcp, _)) = ws_listener.accept().await {
                    tokio::spawn(floor_socket(tcp, groups.clone()));
                }
            })
        };
        let router = axum::Router::new()
            .route("/publish/{circle}", axum::routing::post(publish))
            .with_state(state);
        let publishing = tokio::spawn(async move {
            let _ = axum::serve(http_listener, router).await;
        });
        Ok(Floor {
            ws,
            http,
            starts,
            tasks: vec![accepting, publishing],
        })
    }

    fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

/// The floor's process: says where it listens, then answers each order with
/// its memory until it is told to quit.
async fn floor() -> anyhow::Result<()> {
    let sockets = env_number("KRING_BENCH_FANOUT_SOCKETS", 10_000)?;
    raise_open_files(sockets + 200)?;
    let floor = Floor::start().await?;
    let mut out = tokio::io::stdout();
    let ready = FloorReady {
        ws: floor.ws,
        http: floor.http,
    };
    out.write_all((serde_json::to_string(&ready)? + "\n").as_bytes())
        .await?;
    out.flush().await?;
    let mut orders = BufReader::new(tokio::io::stdin()).lines();
    while let Some(order) = orders.next_line().await? {
        let mut reply = reply(None);
        match serde_json::from_str(&order)? {
            Order::Quit => break,
            Order::Starts => {
                reply.starts_us = std::mem::take(&mut *floor.starts.lock().expect("starts"));
            }
            _ => {}
        }
        out.write_all((serde_json::to_string(&reply)? + "\n").as_bytes())
            .await?;
        out.flush().await?;
    }
    floor.stop();
    Ok(())
}

async fn floor_socket(tcp: TcpStream, groups: Groups) {
    // Kring's socket buffers (crates/kring-server/src/api/live.rs, `upgrade`).
    let config = WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .max_message_size(Some(4 * 1024))
        .max_frame_size(Some(4 * 1024));
    let Ok(socket) = tokio_tungstenite::accept_async_with_config(tcp, Some(config)).await else {
        return;
    };
    let (sink, mut stream) = socket.split();
    let sink = Arc::new(tokio::sync::Mutex::new(sink));
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        if let Ok(ClientMessage::Subscribe { circle, after, .. }) = serde_json::from_str(&text) {
            groups
                .lock()
                .expect("groups")
                .entry(circle)
                .or_default()
                .push(sink.clone());
            let subscribed = ServerMessage::Subscribed {
                circle,
                version: after,
                epoch: Uuid::nil(),
            };
            let text = serde_json::to_string(&subscribed).expect("serialises");
            if sink.lock().await.send(Message::text(text)).await.is_err() {
                break;
            }
        }
    }
    // Closed: out of its group (the floor keeps no stale sockets between phases).
    let mut groups = groups.lock().expect("groups");
    for sockets in groups.values_mut() {
        sockets.retain(|s| !Arc::ptr_eq(s, &sink));
    }
}

/// The floor's "command": answers at once and writes the frame to the group.
async fn publish(
    State(state): State<FloorState>,
    UrlPath(circle): UrlPath<Uuid>,
    frame: String,
) -> StatusCode {
    state.starts.lock().expect("starts").push(wall_us());
    let sockets = state
        .groups
        .lock()
        .expect("groups")
        .get(&circle)
        .cloned()
        .unwrap_or_default();
    if sockets.is_empty() {
        return StatusCode::NOT_FOUND;
    }
    let frame = Utf8Bytes::from(frame);
    tokio::spawn(async move {
        for socket in sockets {
            let _ = socket.lock().await.send(Message::Text(frame.clone())).await;
        }
    });
    StatusCode::CREATED
}

// ------------------------------------------------------------------ the clients' process

type ClientSocket = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Socket {
    circle: usize,
    sink: SplitSink<ClientSocket, Message>,
    reader: JoinHandle<()>,
}

#[derive(Default)]
struct Shared {
    arrivals: Mutex<Arrivals>,
    changed: Notify,
}

#[derive(Default)]
struct Arrivals {
    events: HashMap<(Uuid, u64), Arrival>,
    subscribed: usize,
    problems: Vec<String>,
}

struct Arrival {
    count: usize,
    first: Instant,
    last: Instant,
    last_wall: u64,
    frame: String,
}

#[derive(Deserialize)]
struct Incoming {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    circle: Option<Uuid>,
    #[serde(default)]
    version: Option<u64>,
}

impl Shared {
    fn heard(&self, text: &str) {
        let (at, wall) = (Instant::now(), wall_us());
        let incoming: Incoming = match serde_json::from_str(text) {
            Ok(incoming) => incoming,
            Err(e) => {
                self.problem(format!("unreadable frame ({e}): {text}"));
                return;
            }
        };
        {
            let mut arrivals = self.arrivals.lock().expect("arrivals");
            match (incoming.kind.as_str(), incoming.circle, incoming.version) {
                ("event", Some(circle), Some(version)) => {
                    arrivals
                        .events
                        .entry((circle, version))
                        .and_modify(|a| {
                            a.count += 1;
                            a.last = at;
                            a.last_wall = wall;
                        })
                        .or_insert_with(|| Arrival {
                            count: 1,
                            first: at,
                            last: at,
                            last_wall: wall,
                            frame: text.to_owned(),
                        });
                }
                ("subscribed", _, _) => arrivals.subscribed += 1,
                _ => arrivals.problems.push(text.to_owned()),
            }
        }
        self.changed.notify_waiters();
    }

    fn problem(&self, what: String) {
        self.arrivals.lock().expect("arrivals").problems.push(what);
        self.changed.notify_waiters();
    }

    /// Waits until `done` says yes about the arrivals; fails on a problem frame.
    async fn until<T>(
        &self,
        deadline: Duration,
        mut done: impl FnMut(&mut Arrivals) -> Option<T>,
    ) -> anyhow::Result<T> {
        let until = tokio::time::Instant::now() + deadline;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut arrivals = self.arrivals.lock().expect("arrivals");
                if let Some(problem) = arrivals.problems.first() {
                    bail!("a socket got {problem}");
                }
                if let Some(found) = done(&mut arrivals) {
                    return Ok(found);
                }
            }
            if tokio::time::timeout_at(until, changed).await.is_err() {
                bail!("not within {deadline:?}");
            }
        }
    }
}

struct ClientSide {
    plan: Plan,
    sockets: Vec<Socket>,
    shared: Arc<Shared>,
    http: reqwest::Client,
}

async fn clients() -> anyhow::Result<()> {
    let plan: Plan = serde_json::from_slice(&std::fs::read(
        std::env::var(PLAN).context("the plan's path")?,
    )?)?;
    let sockets: usize = plan.circles.iter().map(|c| c.cookies.len()).sum();
    raise_open_files(sockets + 200)?;
    let mut side = ClientSide {
        plan,
        sockets: vec![],
        shared: Arc::default(),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?,
    };
    let mut out = tokio::io::stdout();
    let mut orders = BufReader::new(tokio::io::stdin()).lines();
    let mut answer = reply(None);
    loop {
        let line = serde_json::to_string(&answer)? + "\n";
        out.write_all(line.as_bytes()).await?;
        out.flush().await?;
        let Some(order) = orders.next_line().await? else {
            return Ok(()); // the node is gone
        };
        let order: Order = serde_json::from_str(&order)?;
        let mut measured = None;
        match order {
            Order::Connect { url, from, to } => side.connect(&url, from, to).await?,
            Order::Subscribe { from, to } => side.subscribe(from, to).await?,
            Order::Measure {
                target,
                warm_up,
                commands,
                every_us,
            } => {
                let every = Duration::from_micros(every_us);
                measured = Some(side.measure(&target, warm_up, commands, every).await?);
            }
            Order::Close => side.close().await,
            Order::Report | Order::Starts => {}
            Order::Quit => return Ok(()),
        }
        answer = reply(measured);
    }
}

impl ClientSide {
    async fn connect(&mut self, url: &str, from: usize, to: usize) -> anyhow::Result<()> {
        let wanted: Vec<(usize, String)> = (from..to)
            .flat_map(|c| {
                self.plan.circles[c]
                    .cookies
                    .iter()
                    .map(move |cookie| (c, cookie.clone()))
            })
            .collect();
        let shared = self.shared.clone();
        let opened: Vec<Socket> = futures::stream::iter(wanted)
            .map(|(circle, cookie)| {
                let shared = shared.clone();
                async move {
                    let socket = open(url, &cookie).await?;
                    let (sink, stream) = socket.split();
                    let reader = tokio::spawn(read(stream, shared));
                    anyhow::Ok(Socket {
                        circle,
                        sink,
                        reader,
                    })
                }
            })
            .buffer_unordered(CONNECTING)
            .try_collect()
            .await?;
        self.sockets.extend(opened);
        Ok(())
    }

    async fn subscribe(&mut self, from: usize, to: usize) -> anyhow::Result<()> {
        let before = self.shared.arrivals.lock().expect("arrivals").subscribed;
        let plan = &self.plan;
        let mut sent = 0;
        {
            let sending = self
                .sockets
                .iter_mut()
                .filter(|s| (from..to).contains(&s.circle))
                .map(|socket| {
                    let planned = &plan.circles[socket.circle];
                    let subscribe = ClientMessage::Subscribe {
                        circle: planned.id,
                        after: planned.version,
                        epoch: None,
                        organisation: None,
                    };
                    let text = serde_json::to_string(&subscribe).expect("serialises");
                    async move { socket.sink.send(Message::text(text)).await }
                });
            let mut sending = futures::stream::iter(sending).buffer_unordered(CONNECTING);
            while let Some(done) = sending.next().await {
                done?;
                sent += 1;
            }
        }
        self.shared
            .until(STAGE_DEADLINE, |a| {
                (a.subscribed >= before + sent).then_some(())
            })
            .await
            .context("subscribing")
    }

    async fn measure(
        &mut self,
        target: &Target,
        warm_up: usize,
        commands: usize,
        every: Duration,
    ) -> anyhow::Result<Measured> {
        let circles = self.plan.circles.len();
        let mut measured = Measured {
            after_answer_us: vec![],
            after_request_us: vec![],
            last_wall_us: vec![],
            answer_us: vec![],
            spread_us: vec![],
            early: 0,
            frame_bytes: 0,
            elapsed_ms: 0,
            window_ms: 0,
            frames: vec![],
        };
        let started = tokio::time::Instant::now();
        let mut measuring = None;
        for k in 0..warm_up + commands {
            tokio::time::sleep_until(started + every * k as u32).await;
            if k == warm_up {
                measuring = Some(Instant::now());
            }
            let c = circle_of(k, circles);
            let planned = &self.plan.circles[c];
            let members = planned.cookies.len();
            let sent = Instant::now();
            let version = match target {
                Target::Kring { base } => {
                    let response = self
                        .http
                        .post(format!("{base}/api/v1/circles/{}/logbook", planned.id))
                        .header("cookie", &planned.cookies[k % members])
                        .json(&serde_json::json!({
                            "text": format!("Command {k}: visited Mam, she ate well and slept after lunch."),
                            "visibility": "whole_circle",
                        }))
                        .send()
                        .await?;
                    let status = response.status();
                    let body: serde_json::Value = response.json().await?;
                    ensure!(
                        status.as_u16() == 201,
                        "a logbook entry answered {status}: {body}"
                    );
                    body["version"].as_u64().context("a version")?
                }
                Target::Floor { base, frames } => {
                    let (circle, version, frame) = frames
                        .get(k)
                        .cloned()
                        .context("the floor replays Kring's frames: measure Kring first")?;
                    ensure!(circle == c, "the floor replays the same circles");
                    let response = self
                        .http
                        .post(format!("{base}/publish/{}", planned.id))
                        .body(frame)
                        .send()
                        .await?;
                    let status = response.status();
                    response.bytes().await?;
                    ensure!(status.as_u16() == 201, "the floor answered {status}");
                    version
                }
            };
            let answered = Instant::now();
            let key = (planned.id, version);
            let (first, last, last_wall, frame) = self
                .shared
                .until(FRAME_DEADLINE, |a| {
                    let complete = a.events.get(&key).is_some_and(|e| e.count >= members);
                    complete
                        .then(|| a.events.remove(&key))
                        .flatten()
                        .map(|e| (e.first, e.last, e.last_wall, e.frame))
                })
                .await
                .with_context(|| {
                    format!("command {k}: version {version} of circle {c} at all {members} members")
                })?;
            measured.frame_bytes = frame.len();
            measured.frames.push((c, version, frame));
            measured.last_wall_us.push(last_wall);
            if k < warm_up {
                continue;
            }
            let us = |d: Duration| d.as_micros() as u64;
            if last < answered {
                measured.early += 1;
            }
            measured
                .after_answer_us
                .push(us(last.saturating_duration_since(answered)));
            measured.after_request_us.push(us(last - sent));
            measured.answer_us.push(us(answered - sent));
            measured.spread_us.push(us(last - first));
        }
        measured.elapsed_ms = measuring.map_or(0, |m| m.elapsed().as_millis() as u64);
        measured.window_ms = started.elapsed().as_millis() as u64;
        Ok(measured)
    }

    async fn close(&mut self) {
        for socket in self.sockets.drain(..) {
            socket.reader.abort();
            drop(socket.sink);
        }
        let mut arrivals = self.shared.arrivals.lock().expect("arrivals");
        *arrivals = Arrivals::default();
    }
}

/// A client socket with small buffers, like the node's own.
async fn open(url: &str, cookie: &str) -> anyhow::Result<ClientSocket> {
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let mut tries = 0;
    loop {
        let mut request = url.into_client_request()?;
        request.headers_mut().insert("cookie", cookie.parse()?);
        match tokio_tungstenite::connect_async_with_config(request, Some(config), false).await {
            Ok((socket, _)) => return Ok(socket),
            Err(e) if tries < 5 => {
                tries += 1;
                eprintln!("fanout clients: connecting failed ({e}); again");
                tokio::time::sleep(Duration::from_millis(100 * tries)).await;
            }
            Err(e) => return Err(e).context("connect"),
        }
    }
}

/// Reads a socket until it closes; pongs go out as tungstenite reads.
async fn read(mut stream: SplitStream<ClientSocket>, shared: Arc<Shared>) {
    while let Some(message) = stream.next().await {
        match message {
            Ok(Message::Text(text)) => shared.heard(text.as_str()),
            Ok(Message::Close(frame)) => {
                shared.problem(format!("closed by the server: {frame:?}"));
                return;
            }
            Ok(_) => {}
            Err(e) => {
                shared.problem(format!("socket error: {e}"));
                return;
            }
        }
    }
}

// ------------------------------------------------------------------ main

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match std::env::var(ROLE).as_deref() {
        Ok("clients") => clients().await,
        Ok("floor") => floor().await,
        _ => node().await,
    }
}
