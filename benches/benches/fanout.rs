//! Live fan-out: many idle WebSockets on one node, and how long an event takes
//! from the HTTP answer of its command to the last member of its circle. The
//! floor is a bare tokio-tungstenite server that broadcasts the same frames to
//! the same sockets. See benches/README.md.
//!
//! Two processes: this one is the node (Kring's server in-process on SQLite,
//! later the floor server); a child, this same binary with
//! `KRING_BENCH_FANOUT_ROLE=clients`, holds every client socket and makes the
//! commands. One process may not hold both sides: 10,000 sockets on each side
//! and the database need more than the 20,000 descriptors the hard limit
//! allows here. It also keeps the node's memory free of the clients' own.
//! The two talk over the child's stdin and stdout, one JSON line each way.

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
    Action, Actor, CircleCommand, CircleId, InvitationId, InvitedAs, PersonId, Ring, Services,
};
use kring_protocol::v1::{ClientMessage, ServerMessage};
use kring_server::{AppState, Limit, RateLimits, Settings};
use kring_store::{EventLog, SqliteLog};
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
    Measure {
        target: Target,
        warm_up: usize,
        commands: usize,
    },
    /// Every socket closes.
    Close,
    /// Nothing: just the reply, with the clients' memory.
    Report,
    Quit,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Target {
    /// Logbook entries through Kring's API.
    Kring { base: String },
    /// The frames Kring sent in its measurement, published on the floor server.
    Floor { base: String },
}

/// The clients' answer to each order, once it is done.
#[derive(Serialize, Deserialize)]
struct Reply {
    /// The clients' process's VmRSS.
    rss_kib: f64,
    #[serde(default)]
    measured: Option<Measured>,
}

#[derive(Serialize, Deserialize)]
struct Measured {
    /// From the command's answer to its frame at the last member (0 when the
    /// last frame came before the answer).
    after_answer_us: Vec<u64>,
    /// From sending the command to its frame at the last member.
    after_request_us: Vec<u64>,
    /// The command's HTTP round trip.
    answer_us: Vec<u64>,
    /// Commands whose frames had all arrived before their answer.
    early: usize,
    /// Length of the frames, in bytes.
    frame_bytes: usize,
    elapsed_ms: u64,
}

fn rss_kib() -> f64 {
    rss_mib().map_or(f64::NAN, |m| m * 1024.0)
}

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
        commands: env_number("KRING_BENCH_FANOUT_COMMANDS", 400)?,
    };
    raise_open_files(spec.sockets() + 200)?;
    println!(
        "fanout: {} sockets = {} circles x {} members; {} commands after {} warm-up ones; SQLite; 2 processes (node, clients)",
        spec.sockets(),
        spec.circles,
        spec.members,
        spec.commands,
        spec.warm_up
    );

    // The database, made directly (no argon2, no rate limits): see README.md.
    let dir = ScratchDir::create("fanout")?;
    let file = dir.path().join("kring.db");
    let sqlite = Arc::new(SqliteLog::connect(&format!("sqlite:{}", file.display())).await?);
    // Setup only: no fsync per commit. FULL again before anything is measured.
    sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(sqlite.writer_pool())
        .await?;
    let log: Arc<dyn EventLog> = sqlite.clone();
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
    let views = projector.progress();
    let projector = tokio::spawn(projector.run());
    println!(
        "setup    {} events, {} sessions, {projected} projected in {:.1} s",
        log.event_count().await?,
        spec.sockets(),
        started.elapsed().as_secs_f64()
    );
    let roomy = Limit::per_minute(1_000_000);
    let settings = Settings {
        rate_limits: RateLimits {
            log_in: roomy,
            sign_up: roomy,
            invitations: roomy,
        },
        ..Settings::default()
    };
    let state = AppState::new(log.clone(), settings, Some(views)).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let kring = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kring_server::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let mut clients = Clients::spawn(&plan_file).await?;
    let ours = phase(
        &mut clients,
        &spec,
        &format!("ws://{kring}/api/v1/live"),
        Target::Kring {
            base: format!("http://{kring}"),
        },
    )
    .await?;
    ours.print("kring");
    let _ = stop.send(());
    server.abort();
    projector.abort();

    let floor_server = Floor::start().await?;
    let floor = phase(
        &mut clients,
        &spec,
        &format!("ws://{}", floor_server.ws),
        Target::Floor {
            base: format!("http://{}", floor_server.http),
        },
    )
    .await?;
    floor.print("floor");
    clients.quit().await?;
    floor_server.stop();

    let p50 = ours.latency.percentile(50.0);
    let p99 = ours.latency.percentile(99.0);
    let floor_p99 = floor.latency.percentile(99.0);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let kib = ours.memory.per_socket();
    let goals = [
        ("p99 <= 50 ms", ms(p99) <= 50.0),
        ("ours/floor p99 <= 3", ms(p99) <= 3.0 * ms(floor_p99)),
        ("<= 16 KiB per idle socket", kib <= 16.0),
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

/// Circles through `kring_app::Commands` (the rules, cqrs-es, the log) as the
/// API runs them; each person's key made by the vault, as signing up does; a
/// session row per member, as logging in makes it. No Account aggregate and no
/// credentials: nothing on the measured path reads them.
async fn populate(log: Arc<dyn EventLog>, spec: &Spec) -> anyhow::Result<Plan> {
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
    log: Arc<dyn EventLog>,
    commands: Arc<Commands>,
    vault: Vault,
    members: usize,
) -> anyhow::Result<PlannedCircle> {
    let circle = CircleId(Uuid::new_v4());
    let people: Vec<PersonId> = (0..members).map(|_| PersonId(Uuid::new_v4())).collect();
    let coordinator = people[0];
    for (i, person) in people.iter().enumerate() {
        vault.seal(*person, &format!("Member {i}")).await?;
    }
    let focus = PersonId(Uuid::new_v4());
    let focus_name = vault.seal(focus, "Mam").await?;
    let run = |by: PersonId, action: Action| {
        let commands = commands.clone();
        async move {
            let metadata = HashMap::from([("actor".to_owned(), by.to_string())]);
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
    answer: Run,
    early: usize,
    frame_bytes: usize,
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
            "{label:<8} request -> last member: p50 {:.2} ms, p99 {:.2} ms; the command's HTTP round trip: p50 {:.2} ms, p99 {:.2} ms",
            ms(self.after_request.percentile(50.0)),
            ms(self.after_request.percentile(99.0)),
            ms(self.answer.percentile(50.0)),
            ms(self.answer.percentile(99.0)),
        );
    }
}

/// Opens and subscribes every socket in two halves (by circle), reading the
/// node's memory after each step, then measures and closes them all.
async fn phase(
    clients: &mut Clients,
    spec: &Spec,
    url: &str,
    target: Target,
) -> anyhow::Result<Phase> {
    let half = spec.circles / 2;
    let settled = || async {
        tokio::time::sleep(SETTLE).await;
        rss_kib()
    };
    let clients_before = clients.ask(&Order::Report).await?.rss_kib;
    let before = settled().await;
    clients
        .ask(&Order::Connect {
            url: url.into(),
            from: 0,
            to: half,
        })
        .await?;
    let half_connected = settled().await;
    clients.ask(&Order::Subscribe { from: 0, to: half }).await?;
    let half_subscribed = settled().await;
    clients
        .ask(&Order::Connect {
            url: url.into(),
            from: half,
            to: spec.circles,
        })
        .await?;
    let connected = settled().await;
    let clients_subscribed = clients
        .ask(&Order::Subscribe {
            from: half,
            to: spec.circles,
        })
        .await?
        .rss_kib;
    let subscribed = settled().await;
    let measured = clients
        .ask(&Order::Measure {
            target,
            warm_up: spec.warm_up,
            commands: spec.commands,
        })
        .await?
        .measured
        .context("no measurement came back")?;
    clients.ask(&Order::Close).await?;
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
    Ok(Phase {
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
        answer: run(&measured.answer_us),
        early: measured.early,
        frame_bytes: measured.frame_bytes,
    })
}

/// The clients' process, from the node's side.
struct Clients {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Clients {
    async fn spawn(plan: &Path) -> anyhow::Result<Clients> {
        let mut child = tokio::process::Command::new(std::env::current_exe()?)
            .env(ROLE, "clients")
            .env(PLAN, plan)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("start the clients' process")?;
        let stdin = child.stdin.take().context("stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("stdout")?).lines();
        let mut clients = Clients {
            child,
            stdin,
            stdout,
        };
        clients.reply().await?; // ready
        Ok(clients)
    }

    async fn ask(&mut self, order: &Order) -> anyhow::Result<Reply> {
        let mut line = serde_json::to_string(order)?;
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).await?;
        self.stdin.flush().await?;
        self.reply().await
    }

    async fn reply(&mut self) -> anyhow::Result<Reply> {
        let line = tokio::time::timeout(STAGE_DEADLINE, self.stdout.next_line())
            .await
            .context("the clients' process did not answer in time")??
            .context("the clients' process ended")?;
        serde_json::from_str(&line).with_context(|| format!("from the clients: {line}"))
    }

    async fn quit(mut self) -> anyhow::Result<()> {
        let line = serde_json::to_string(&Order::Quit)? + "\n";
        self.stdin.write_all(line.as_bytes()).await?;
        self.stdin.flush().await?;
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => ensure!(status?.success(), "the clients' process failed"),
            Err(_) => {
                self.child.kill().await?;
                bail!("the clients' process did not stop");
            }
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ the floor

type ServerSink = SplitSink<WebSocketStream<TcpStream>, Message>;
type Groups = Arc<Mutex<HashMap<Uuid, Vec<Arc<tokio::sync::Mutex<ServerSink>>>>>>;

/// The least a server can do: tokio-tungstenite with the buffers Kring's
/// sockets get, each socket in the group of the circle its first message
/// names, and each published frame written to that group's sockets one after
/// another. No store, no filtering, no queue per socket, no ping.
struct Floor {
    ws: SocketAddr,
    http: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Floor {
    async fn start() -> anyhow::Result<Floor> {
        let groups: Groups = Arc::default();
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
            .with_state(groups);
        let publishing = tokio::spawn(async move {
            let _ = axum::serve(http_listener, router).await;
        });
        Ok(Floor {
            ws,
            http,
            tasks: vec![accepting, publishing],
        })
    }

    fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

async fn floor_socket(tcp: TcpStream, groups: Groups) {
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
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
    State(groups): State<Groups>,
    UrlPath(circle): UrlPath<Uuid>,
    frame: String,
) -> StatusCode {
    let sockets = groups
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
    last: Instant,
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
        let at = Instant::now();
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
                        })
                        .or_insert_with(|| Arrival {
                            count: 1,
                            last: at,
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
    /// Kring's frames of the last measurement, in command order, for the floor.
    recorded: Vec<(usize, u64, String)>,
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
        recorded: vec![],
    };
    let mut out = tokio::io::stdout();
    let mut orders = BufReader::new(tokio::io::stdin()).lines();
    let mut reply = Reply {
        rss_kib: rss_kib(),
        measured: None,
    };
    loop {
        let line = serde_json::to_string(&reply)? + "\n";
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
            } => measured = Some(side.measure(&target, warm_up, commands).await?),
            Order::Close => side.close().await,
            Order::Report => {}
            Order::Quit => return Ok(()),
        }
        reply = Reply {
            rss_kib: rss_kib(),
            measured,
        };
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
    ) -> anyhow::Result<Measured> {
        let circles = self.plan.circles.len();
        let mut measured = Measured {
            after_answer_us: vec![],
            after_request_us: vec![],
            answer_us: vec![],
            early: 0,
            frame_bytes: 0,
            elapsed_ms: 0,
        };
        let replay = std::mem::take(&mut self.recorded);
        let started = Instant::now();
        for k in 0..warm_up + commands {
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
                Target::Floor { base } => {
                    let (circle, version, frame) = replay
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
            let (last, frame) = self
                .shared
                .until(FRAME_DEADLINE, |a| {
                    let complete = a.events.get(&key).is_some_and(|e| e.count >= members);
                    complete
                        .then(|| a.events.remove(&key))
                        .flatten()
                        .map(|e| (e.last, e.frame))
                })
                .await
                .with_context(|| {
                    format!("command {k}: version {version} of circle {c} at all {members} members")
                })?;
            if matches!(target, Target::Kring { .. }) {
                self.recorded.push((c, version, frame.clone()));
            }
            if k < warm_up {
                continue;
            }
            measured.frame_bytes = frame.len();
            let us = |d: Duration| d.as_micros() as u64;
            if last < answered {
                measured.early += 1;
            }
            measured
                .after_answer_us
                .push(us(last.saturating_duration_since(answered)));
            measured.after_request_us.push(us(last - sent));
            measured.answer_us.push(us(answered - sent));
        }
        measured.elapsed_ms = started.elapsed().as_millis() as u64;
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
    if std::env::var(ROLE).as_deref() == Ok("clients") {
        clients().await
    } else {
        node().await
    }
}
