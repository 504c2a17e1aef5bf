//! Live updates across nodes, with the real binary: two `kring serve` processes
//! on one Postgres database, whose only channel to each other is the shared log.
//!
//! - Sockets on node A receive every event of the commands sent to node B (four
//!   writers at once), in version order, each exactly once; so does a socket
//!   that subscribes from the start while the writes flow (replay, then live).
//! - Node A is SIGKILLed while a writer keeps writing through node B; A's
//!   clients reconnect to B with the last version (and epoch) they saw, some
//!   at once and some after missing a few, and what they received before and
//!   after is every version exactly once, in order.
//!
//! Every process a test starts is killed by a guard when the test ends, also
//! when it fails; every wait has a deadline.

use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use kring_e2e::{Backend, Node};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "correct horse battery";
const EMAIL: &str = "ann@example.org";

/// How long any one awaited message or condition may take.
const PATIENCE: Duration = Duration::from_secs(60);
/// After the last expected event, this long without a message shows nothing
/// more (no duplicate) is on its way.
const QUIET: Duration = Duration::from_millis(500);

// ---------------------------------------------------------------------------
// Nodes

/// Two `kring serve` on one Postgres database (kring-e2e's harness: killed
/// when dropped, their logs printed when a test fails). Four writers at
/// machine speed from one address: no write quota in the way.
async fn two_nodes(db: &Backend) -> (Node, Node) {
    let roomy = ["--writes-per-minute", "1000000"];
    tokio::join!(Node::start("A", db, &roomy), Node::start("B", db, &roomy))
}

// ---------------------------------------------------------------------------
// HTTP: accounts, circles, logbook entries

/// A client without a cookie store and without `Origin`: the cookie is sent by
/// hand, like an app would.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

async fn post(
    client: &reqwest::Client,
    url: String,
    cookie: Option<&str>,
    body: Value,
) -> (StatusCode, Value, Option<String>) {
    let mut request = client.post(&url).json(&body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = response.status();
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned());
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body, set_cookie)
}

async fn sign_up(client: &reqwest::Client, node: &Node, name: &str, email: &str) {
    let (status, body, _) = post(
        client,
        format!("{}/api/v1/accounts", node.base),
        None,
        json!({"name": name, "email": email, "password": PASSWORD}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "sign-up on {}: {body}",
        node.name()
    );
}

/// A fresh session of `email`, made on `node`: the `Cookie` header to send.
async fn log_in(client: &reqwest::Client, node: &Node, email: &str) -> String {
    let (status, body, cookie) = post(
        client,
        format!("{}/api/v1/session", node.base),
        None,
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "log-in on {}: {body}", node.name());
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.starts_with("kring_session="), "{cookie}");
    cookie
}

async fn create_circle(client: &reqwest::Client, node: &Node, cookie: &str) -> String {
    let (status, body, _) = post(
        client,
        format!("{}/api/v1/circles", node.base),
        Some(cookie),
        json!({"focus_name": "Mam"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().expect("the circle's id").to_owned()
}

/// Writes one logbook entry; answers the circle's version after it and how
/// often the server said the circle was busy (503: writers of one circle at
/// once ran out of attempts), which a client is told to try again after.
async fn write(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    circle: &str,
    text: &str,
) -> (u64, u32) {
    let mut busy = 0;
    loop {
        let (status, body, _) = post(
            client,
            format!("{base}/api/v1/circles/{circle}/logbook"),
            Some(cookie),
            json!({"text": text, "visibility": "whole_circle"}),
        )
        .await;
        if status == StatusCode::SERVICE_UNAVAILABLE && busy < 100 {
            busy += 1;
            tokio::time::sleep(Duration::from_millis(5 * u64::from(busy.min(10)))).await;
            continue;
        }
        assert_eq!(status, StatusCode::CREATED, "writing {text:?}: {body}");
        return (body["version"].as_u64().expect("a version"), busy);
    }
}

// ---------------------------------------------------------------------------
// WebSocket

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(base: &str, cookie: &str) -> Socket {
    let url = format!("{}/api/v1/live", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("a request");
    request
        .headers_mut()
        .insert("cookie", cookie.parse().expect("a header value"));
    let (socket, _) = tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(request))
        .await
        .unwrap_or_else(|_| panic!("no WebSocket to {base} within {PATIENCE:?}"))
        .unwrap_or_else(|e| panic!("WebSocket to {base}: {e}"));
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("send a message");
}

#[derive(Debug)]
enum Frame {
    Json(Value),
    /// The connection closed or broke (what it said, for messages).
    Ended(String),
}

/// The next JSON message or the end of the connection; `None` when nothing
/// came within `within`.
async fn next_within(socket: &mut Socket, within: Duration) -> Option<Frame> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()?;
        return Some(match message {
            Some(Ok(Message::Text(text))) => Frame::Json(
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")),
            ),
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Ok(Message::Binary(bytes))) => panic!("a binary message: {bytes:?}"),
            Some(Ok(Message::Close(frame))) => Frame::Ended(format!("closed: {frame:?}")),
            Some(Err(e)) => Frame::Ended(format!("broke: {e}")),
            None => Frame::Ended("ended".into()),
        });
    }
}

/// The next JSON message, within `PATIENCE`.
async fn next(socket: &mut Socket, what: &str) -> Value {
    match next_within(socket, PATIENCE).await {
        Some(Frame::Json(message)) => message,
        Some(Frame::Ended(how)) => panic!("{what}: the socket {how}"),
        None => panic!("{what}: no message within {PATIENCE:?}"),
    }
}

/// Subscribes to `circle` after `after`; answers the replayed events and the
/// `subscribed` message (anything else fails the test).
async fn subscribe(
    socket: &mut Socket,
    circle: &str,
    after: u64,
    epoch: Option<&Value>,
    who: &str,
) -> (Vec<Value>, Value) {
    let mut message = json!({"type": "subscribe", "circle": circle, "after": after});
    if let Some(epoch) = epoch {
        message["epoch"] = epoch.clone();
    }
    send(socket, message).await;
    let mut replayed = vec![];
    loop {
        let message = next(socket, &format!("{who} subscribing after {after}")).await;
        match message["type"].as_str() {
            Some("event") => replayed.push(message),
            Some("subscribed") => return (replayed, message),
            _ => panic!("{who} subscribing after {after}: {message} (after {replayed:?})"),
        }
    }
}

fn version(event: &Value) -> u64 {
    event["version"].as_u64().expect("an event's version")
}

/// An event frame of a logbook entry of `circle`, without its text.
fn assert_entry(event: &Value, circle: &str, who: &str) {
    assert_eq!(event["type"], "event", "{who}: {event}");
    assert_eq!(event["circle"], circle, "{who}: {event}");
    assert_eq!(event["kind"], "LogbookEntryWritten", "{who}: {event}");
    assert_eq!(
        event["data"]["text"],
        Value::Null,
        "{who}: no personal text: {event}"
    );
}

/// The versions of `got` must be exactly `from..=to`, each once, in order;
/// the message names the first difference rather than printing hundreds.
fn assert_exactly(got: &[u64], from: u64, to: u64, who: &str) {
    let want: Vec<u64> = (from..=to).collect();
    if got == want.as_slice() {
        return;
    }
    let at = got
        .iter()
        .zip(&want)
        .position(|(g, w)| g != w)
        .unwrap_or(got.len().min(want.len()));
    let around = |v: &[u64]| v[at.saturating_sub(3)..(at + 4).min(v.len())].to_vec();
    panic!(
        "{who}: received {} versions, expected {from}..={to} ({}); first difference at index {at}: got {:?}, expected {:?}",
        got.len(),
        want.len(),
        around(got),
        around(&want),
    );
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and largest of `samples` (milliseconds), for the timings printed.
fn median_max(mut samples: Vec<f64>) -> (f64, f64) {
    if samples.is_empty() {
        return (0.0, 0.0);
    }
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[samples.len() - 1])
}

// ---------------------------------------------------------------------------
// 1. Commands through B, sockets on A

/// Events, each with the moment it arrived.
type Arrivals = Vec<(Value, Instant)>;

/// Reads events after version `from` until `last` arrived, then checks that
/// nothing follows.
async fn collect(
    mut socket: Socket,
    circle: String,
    from: u64,
    last: u64,
    who: String,
) -> Arrivals {
    let mut got = vec![];
    let deadline = Instant::now() + PATIENCE;
    while got.last().map_or(from, |(e, _)| version(e)) < last {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match next_within(&mut socket, remaining).await {
            Some(Frame::Json(message)) => {
                assert_entry(&message, &circle, &who);
                got.push((message, Instant::now()));
            }
            Some(Frame::Ended(how)) => {
                panic!("{who}: the socket {how} after {} events", got.len())
            }
            None => panic!(
                "{who}: version {last} did not arrive within {PATIENCE:?}; got {} events, the last {:?}",
                got.len(),
                got.last().map(|(e, _)| version(e))
            ),
        }
    }
    if let Some(extra) = next_within(&mut socket, QUIET).await {
        panic!("{who}: something after the last event: {extra:?}");
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_on_node_a_receive_every_event_written_through_node_b_in_order() {
    const ENTRIES: u64 = 200;
    const WRITERS: u64 = 4;
    /// The late socket subscribes once B answered this version.
    const LATE_AT: u64 = 60;
    let db = Backend::postgres().await;
    let (a, b) = two_nodes(&db).await;
    let client = http();
    sign_up(&client, &b, "Ann", EMAIL).await;
    let writer = log_in(&client, &b, EMAIL).await;
    let circle = create_circle(&client, &b, &writer).await;

    // Three sockets on A, each with its own session made on A, and one on B
    // for comparison; each replays the circle's first event and subscribes.
    let mut collectors: Vec<(String, JoinHandle<Arrivals>)> = vec![];
    for (who, node) in [("A1", &a), ("A2", &a), ("A3", &a), ("B1", &b)] {
        let cookie = log_in(&client, node, EMAIL).await;
        let mut socket = connect(&node.base, &cookie).await;
        let (replayed, subscribed) = subscribe(&mut socket, &circle, 0, None, who).await;
        let replayed: Vec<u64> = replayed.iter().map(version).collect();
        assert_eq!(replayed, [1], "{who}: the circle's creation");
        assert_eq!(subscribed["version"], 1, "{who}: {subscribed}");
        let task = tokio::spawn(collect(
            socket,
            circle.clone(),
            1,
            1 + ENTRIES,
            who.to_owned(),
        ));
        collectors.push((who.to_owned(), task));
    }

    // Four writers at once through B: 200 entries; each write answers its version.
    // One more socket on A subscribes while the writes flow, from the start:
    // its replay and the live events after it meet without gap or duplicate.
    let (answered, mut answered_rx) = watch::channel(1u64);
    let answered = Arc::new(answered);
    let late = tokio::spawn({
        let cookie = log_in(&client, &a, EMAIL).await;
        let (base, circle) = (a.base.clone(), circle.clone());
        async move {
            let who = "A-late";
            tokio::time::timeout(PATIENCE, answered_rx.wait_for(|v| *v >= LATE_AT))
                .await
                .expect("the writers get going")
                .expect("the writers are there");
            let mut socket = connect(&base, &cookie).await;
            let (replayed, subscribed) = subscribe(&mut socket, &circle, 1, None, who).await;
            let at = subscribed["version"].as_u64().expect("a version");
            for event in &replayed {
                assert_entry(event, &circle, who);
            }
            let replayed: Vec<u64> = replayed.iter().map(version).collect();
            assert_exactly(&replayed, 2, at, "A-late's replay");
            let live = collect(socket, circle, at, 1 + ENTRIES, who.to_owned()).await;
            (
                replayed,
                live.iter().map(|(e, _)| version(e)).collect::<Vec<_>>(),
            )
        }
    });

    let started = Instant::now();
    let busy = Arc::new(AtomicU64::new(0));
    let writes: Vec<JoinHandle<Vec<(u64, Instant)>>> = (0..WRITERS)
        .map(|w| {
            let (client, base, cookie, circle) = (
                client.clone(),
                b.base.clone(),
                writer.clone(),
                circle.clone(),
            );
            let (busy, answered) = (busy.clone(), answered.clone());
            tokio::spawn(async move {
                let mut acknowledged = vec![];
                for n in 0..ENTRIES / WRITERS {
                    let text = format!("writer {w}, entry {n}");
                    let (version, retries) = write(&client, &base, &cookie, &circle, &text).await;
                    busy.fetch_add(u64::from(retries), Ordering::SeqCst);
                    answered.send_modify(|v| *v = (*v).max(version));
                    acknowledged.push((version, Instant::now()));
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = vec![];
    for task in writes {
        acknowledged.extend(
            tokio::time::timeout(PATIENCE, task)
                .await
                .expect("the writers finish in time")
                .expect("a writer"),
        );
    }
    let written_in = started.elapsed();
    // Each answer is the circle's version read after the write, so with
    // writers at once it can be a later writer's (two answers of 8, none of
    // 7): all that holds is that the last answer is the last version.
    assert_eq!(acknowledged.len() as u64, ENTRIES);
    let last = 1 + ENTRIES;
    assert_eq!(
        acknowledged.iter().map(|(v, _)| *v).max(),
        Some(last),
        "B's answers end at the last version"
    );
    assert!(acknowledged.iter().all(|(v, _)| (2..=last).contains(v)));
    // When B had answered (some write with) version `v` or later: by then `v` was committed.
    let mut committed_by = vec![None::<Instant>; last as usize + 1];
    for (v, answered) in &acknowledged {
        for slot in &mut committed_by[..=*v as usize] {
            if slot.is_none_or(|t| *answered < t) {
                *slot = Some(*answered);
            }
        }
    }

    for (who, task) in collectors {
        let got = tokio::time::timeout(PATIENCE + QUIET * 2, task)
            .await
            .unwrap_or_else(|_| panic!("{who} finishes in time"))
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        let versions: Vec<u64> = got.iter().map(|(e, _)| version(e)).collect();
        assert_exactly(&versions, 2, last, &who);
        // From B's answer to the frame's arrival (negative: before the answer).
        let lag: Vec<f64> = got
            .iter()
            .map(|(event, arrived)| {
                let answered = committed_by[version(event) as usize].expect("answered");
                if *arrived >= answered {
                    millis(arrived.duration_since(answered))
                } else {
                    -millis(answered.duration_since(*arrived))
                }
            })
            .collect();
        let (median, max) = median_max(lag);
        let done = millis(got.last().expect("events").1.duration_since(started));
        eprintln!(
            "{who}: {ENTRIES} events in order; last one {done:.0} ms after the first write; lag after B's answer: median {median:.1} ms, max {max:.1} ms"
        );
    }
    let (replayed, live) = tokio::time::timeout(PATIENCE + QUIET * 2, late)
        .await
        .expect("A-late finishes in time")
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let union: Vec<u64> = replayed.iter().chain(&live).copied().collect();
    assert_exactly(&union, 2, last, "A-late");
    eprintln!(
        "A-late: subscribed after B answered {LATE_AT}: {} replayed, then {} live, in order",
        replayed.len(),
        live.len()
    );
    eprintln!(
        "{ENTRIES} entries written through B by {WRITERS} writers at once in {:.0} ms; B said \"busy, try again\" {} times",
        millis(written_in),
        busy.load(Ordering::SeqCst)
    );
}

// ---------------------------------------------------------------------------
// 2. Node A killed while events flow; its clients resume on B

/// How far one client got, watched by the test.
#[derive(Clone, Debug, Default)]
struct Progress {
    /// Live events received from A.
    from_a: u64,
    /// Subscribed again, on B.
    resumed: bool,
    /// Live events received from B after its `subscribed`.
    live_on_b: u64,
}

/// What one client received, for the checks at the end.
struct Trace {
    who: String,
    /// Versions from A (including the first replay), in arrival order.
    from_a: Vec<u64>,
    /// How A's socket ended.
    ended: String,
    /// Versions B replayed on resubscribing, then those it sent live.
    replayed: Vec<u64>,
    live: Vec<u64>,
    /// From the socket's end to B's `subscribed`.
    reconnect: Duration,
}

/// One client of node A and what it needs to move to node B.
struct Moving {
    who: String,
    socket: Socket,
    /// Its session, made on A (sessions live in the shared database).
    cookie: String,
    circle: String,
    /// From A's `subscribed`.
    epoch: Value,
    /// Node B's address.
    b: String,
    /// Versions B is to answer after the last one seen before reconnecting.
    away_for: u64,
    /// The newest version the writer was answered.
    answered: watch::Receiver<u64>,
    progress: watch::Sender<Progress>,
    /// How far the writer went, once it stopped.
    last: watch::Receiver<Option<u64>>,
}

/// One client: follows the circle on A until A's socket ends, reconnects to B
/// with its last version and epoch, and follows on B until `last` says how
/// far the writer got and that version arrived.
async fn client_that_moves(client: Moving) -> Trace {
    let Moving {
        who,
        mut socket,
        cookie,
        circle,
        epoch,
        b,
        away_for,
        mut answered,
        progress,
        mut last,
    } = client;
    let mut from_a = vec![1];
    let ended = loop {
        match next_within(&mut socket, PATIENCE).await {
            Some(Frame::Json(event)) => {
                assert_entry(&event, &circle, &who);
                from_a.push(version(&event));
                progress.send_modify(|p| p.from_a += 1);
            }
            Some(Frame::Ended(how)) => break how,
            None => panic!("{who}: A's socket neither sent nor ended within {PATIENCE:?}"),
        }
    };
    let gone = Instant::now();
    let seen = *from_a.last().expect("at least the first event");
    // Away for a while (a tunnel, a phone asleep): B answers more writes meanwhile.
    tokio::time::timeout(PATIENCE, answered.wait_for(|v| *v >= seen + away_for))
        .await
        .unwrap_or_else(|_| panic!("{who}: the writer did not reach {}", seen + away_for))
        .expect("the writer is there");

    let mut socket = connect(&b, &cookie).await;
    let (replayed, subscribed) = subscribe(&mut socket, &circle, seen, Some(&epoch), &who).await;
    let reconnect = gone.elapsed();
    for event in &replayed {
        assert_entry(event, &circle, &who);
    }
    assert_eq!(
        subscribed["epoch"], epoch,
        "{who}: B knows the circle's epoch as A did"
    );
    let replayed: Vec<u64> = replayed.iter().map(version).collect();
    assert!(
        replayed.len() as u64 >= away_for,
        "{who}: away for {away_for} versions, {} replayed",
        replayed.len()
    );
    assert_eq!(
        subscribed["version"].as_u64(),
        Some(replayed.last().copied().unwrap_or(seen)),
        "{who}: `subscribed` follows the replay: {subscribed}"
    );
    progress.send_modify(|p| p.resumed = true);

    let mut live = vec![];
    let deadline = Instant::now() + PATIENCE;
    loop {
        let newest = live.last().or(replayed.last()).copied().unwrap_or(seen);
        if last.borrow().is_some_and(|last| newest >= last) {
            break;
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        assert!(
            !remaining.is_zero(),
            "{who}: stuck at version {newest} on B; the writer reached {:?}",
            *last.borrow()
        );
        tokio::select! {
            frame = next_within(&mut socket, remaining) => match frame {
                Some(Frame::Json(event)) => {
                    assert_entry(&event, &circle, &who);
                    live.push(version(&event));
                    progress.send_modify(|p| p.live_on_b += 1);
                }
                Some(Frame::Ended(how)) => panic!("{who}: B's socket {how} at version {newest}"),
                None => {}
            },
            _ = last.changed() => {}
        }
    }
    if let Some(extra) = next_within(&mut socket, QUIET).await {
        panic!("{who}: something after the last event: {extra:?}");
    }
    Trace {
        who,
        from_a,
        ended,
        replayed,
        live,
        reconnect,
    }
}

/// Waits until every client's progress satisfies `done`.
async fn until_all(
    progress: &mut [watch::Receiver<Progress>],
    what: &str,
    done: impl Fn(&Progress) -> bool + Copy,
) {
    for p in progress.iter_mut() {
        tokio::time::timeout(PATIENCE, p.wait_for(done))
            .await
            .unwrap_or_else(|_| panic!("not every client {what} within {PATIENCE:?}"))
            .unwrap_or_else(|_| panic!("a client ended early (its panic is above)"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_of_a_killed_node_resume_on_the_other_without_gap_or_duplicate() {
    const CLIENTS: usize = 3;
    /// Live events every client has from A before A is killed...
    const BEFORE_KILL: u64 = 30;
    /// ...and from B after it resubscribed, before the writer stops.
    const AFTER_RESUME: u64 = 30;
    let db = Backend::postgres().await;
    let (mut a, b) = two_nodes(&db).await;
    let client = http();
    sign_up(&client, &b, "Ann", EMAIL).await;
    let writer_cookie = log_in(&client, &b, EMAIL).await;
    let circle = create_circle(&client, &b, &writer_cookie).await;

    let (last_tx, last_rx) = watch::channel(None::<u64>);
    let (answered, answered_rx) = watch::channel(1u64);
    let mut progress = vec![];
    let mut clients = vec![];
    for n in 1..=CLIENTS {
        let who = format!("client {n}");
        let cookie = log_in(&client, &a, EMAIL).await;
        let mut socket = connect(&a.base, &cookie).await;
        let (replayed, subscribed) = subscribe(&mut socket, &circle, 0, None, &who).await;
        assert_eq!(
            replayed.iter().map(version).collect::<Vec<_>>(),
            [1],
            "{who}"
        );
        assert_eq!(subscribed["version"], 1, "{who}: {subscribed}");
        let epoch = subscribed["epoch"].clone();
        assert!(epoch.is_string(), "{who}: {subscribed}");
        let (tx, rx) = watch::channel(Progress::default());
        progress.push(rx);
        clients.push(tokio::spawn(client_that_moves(Moving {
            who,
            socket,
            cookie,
            circle: circle.clone(),
            epoch,
            b: b.base.clone(),
            // The first reconnects at once, the others after missing some.
            away_for: 5 * (n as u64 - 1),
            answered: answered_rx.clone(),
            progress: tx,
            last: last_rx.clone(),
        })));
    }

    // One writer through B, one entry after the other, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(answered);
    let writer = tokio::spawn({
        let (client, base, cookie, circle) = (
            client.clone(),
            b.base.clone(),
            writer_cookie,
            circle.clone(),
        );
        let (stop, answered) = (stop.clone(), answered.clone());
        async move {
            let mut written = vec![];
            while !stop.load(Ordering::SeqCst) {
                let text = format!("entry {}", written.len());
                let (version, _) = write(&client, &base, &cookie, &circle, &text).await;
                answered.send_replace(version);
                written.push(version);
            }
            written
        }
    });

    until_all(&mut progress, "received events from A", |p| {
        p.from_a >= BEFORE_KILL
    })
    .await;
    if writer.is_finished() {
        match writer.await {
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            _ => panic!("the writer stopped before A was killed"),
        }
    }
    let written_at_kill = *answered.borrow();
    let killed = Instant::now();
    let status = a.kill();
    assert_eq!(status.signal(), Some(9), "A was killed: {status}");

    until_all(&mut progress, "resubscribed on B", |p| p.resumed).await;
    let resumed_in = killed.elapsed();
    until_all(&mut progress, "received live events from B", |p| {
        p.live_on_b >= AFTER_RESUME
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    let written = tokio::time::timeout(PATIENCE, writer)
        .await
        .expect("the writer stops in time")
        .expect("the writer");
    let last = *written.last().expect("entries written");
    assert_exactly(&written, 2, last, "the versions B answered");
    last_tx.send(Some(last)).expect("the clients listen");

    let mut replays = 0;
    for task in clients {
        let trace = tokio::time::timeout(PATIENCE + QUIET * 2, task)
            .await
            .expect("a client finishes in time")
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        let who = &trace.who;
        assert!(
            trace.ended.starts_with("broke") || trace.ended == "ended",
            "{who}: a killed node says no goodbye: {}",
            trace.ended
        );
        let union: Vec<u64> = trace
            .from_a
            .iter()
            .chain(&trace.replayed)
            .chain(&trace.live)
            .copied()
            .collect();
        assert_exactly(&union, 1, last, who);
        replays += trace.replayed.len();
        eprintln!(
            "{who}: {} versions from A (up to {}), then {} replayed and {} live from B; subscribed on B {:.1} ms after A's socket {}",
            trace.from_a.len(),
            trace.from_a.last().expect("some"),
            trace.replayed.len(),
            trace.live.len(),
            millis(trace.reconnect),
            trace.ended,
        );
    }
    eprintln!(
        "{last} versions in all; A killed when B had answered version {written_at_kill}; every client resubscribed on B within {:.0} ms of the kill; {replays} events replayed in all",
        millis(resumed_in)
    );
}
