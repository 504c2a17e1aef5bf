//! `GET /api/v1/live`: the WebSocket of live updates (messages:
//! `kring_protocol::v1::{ClientMessage, ServerMessage}`).
//!
//! Authenticated by the session cookie, like every other route (no token in
//! the URL); a browser's `Origin` must be this server's own or one allowed in
//! the settings, so no other site can open a socket in a member's name. The
//! hub (`kring-live`) decides what each socket receives; this module is the
//! socket itself: its queue, ping and idle timeout, message size and rate
//! limits, closing a socket that falls behind with its positions, and closing
//! one whose session ended (`SessionEnds`).

use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::future::Future;

use axum::extract::ws::{close_code, CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use kring_domain::{Actor, CircleId, OrganisationId, PersonId};
use kring_live::{Inbox, Next, Outbox, Outgoing, SubscribeError};
use kring_protocol::v1::{ClientMessage, Position, ServerMessage};
use tokio::sync::{broadcast, watch};

use super::access::{record_look, works_for};
use super::addresses;
use super::auth::SignedIn;
use crate::{ApiError, AppState};

/// How sockets behave; the defaults suit production.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// Frames waiting for one socket before it counts as too slow.
    pub queue: usize,
    /// A ping this often...
    pub ping_every: Duration,
    /// ...and a socket silent this long is closed.
    pub idle_timeout: Duration,
    /// A write that takes longer than this means the client stopped reading.
    pub write_timeout: Duration,
    /// Messages a client may send per second (with a burst of twice that).
    pub messages_per_second: u32,
    /// Circles one socket may follow at once.
    pub max_subscriptions: usize,
    /// Origins besides this server's own that may open a socket.
    pub allowed_origins: Vec<String>,
    pub hub: kring_live::LiveSettings,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            queue: 1024,
            ping_every: Duration::from_secs(25),
            idle_timeout: Duration::from_secs(70),
            write_timeout: Duration::from_secs(10),
            messages_per_second: 10,
            max_subscriptions: 100,
            allowed_origins: vec![],
            hub: kring_live::LiveSettings::default(),
        }
    }
}

/// Tells every open socket of this server that it stops, and counts them, so
/// that stopping can wait (briefly) until each has said goodbye.
#[derive(Clone)]
pub(crate) struct Stopping {
    signal: tokio::sync::watch::Sender<bool>,
    open: Arc<AtomicUsize>,
}

impl Default for Stopping {
    fn default() -> Self {
        Stopping {
            signal: tokio::sync::watch::channel(false).0,
            open: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl Stopping {
    pub(crate) fn of(state: &AppState) -> Stopping {
        state.app.live_stopping.clone()
    }

    /// Asks every socket to close, then waits until they have or `patience` passed.
    pub(crate) async fn stop_all(&self, patience: Duration) {
        self.signal.send_replace(true);
        let deadline = tokio::time::Instant::now() + patience;
        while self.open.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Tells this node's sockets that some sessions of a person ended (log-out, a
/// changed or reset password, a deleted account): each socket of that person
/// checks its own session at once and closes when it is over. Sockets on other
/// nodes learn it from the sessions table: each checks its session before it
/// sends a frame, when its last check is more than [`SESSION_CHECK`] old.
#[derive(Clone)]
pub(crate) struct SessionEnds(tokio::sync::broadcast::Sender<PersonId>);

impl Default for SessionEnds {
    fn default() -> Self {
        SessionEnds(tokio::sync::broadcast::channel(256).0)
    }
}

impl SessionEnds {
    /// Some of `person`'s sessions have ended.
    pub(crate) fn ended(state: &AppState, person: PersonId) {
        let _ = state.app.session_ends.0.send(person);
    }
}

/// How old a socket's last look at its session may be before it sends a
/// frame. A socket that sends nothing reveals nothing, so an idle one never
/// asks; a busy one asks at most this often (a store query each time).
const SESSION_CHECK: Duration = Duration::from_secs(5);

/// The close code for a socket whose session ended (private range).
const CLOSE_SESSION_ENDED: u16 = 4001;

/// The largest message a client may send: subscriptions are small.
const MAX_CLIENT_MESSAGE: usize = 4 * 1024;

/// The close code for a socket closed because it fell behind (private range).
const CLOSE_TOO_SLOW: u16 = 4008;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/live", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    check_origin(&state, &headers)?;
    let session = state.app.cookie.token(&headers).unwrap_or_default();
    Ok(upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        // Small buffers: an idle socket should cost little memory. A larger
        // message (up to the limit above) is read in several reads.
        .read_buffer_size(1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| serve_socket(socket, state, me, session)))
}

/// A browser names the page that opens the socket: it must be ours.
fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(()); // not a browser: the cookie alone decides
    };
    let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
    let own = addresses::public_base(state, headers).ok();
    let allowed = own.as_deref() == Some(origin)
        || (state.app.public_url.is_none()
            && headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .is_some_and(|host| origin == format!("https://{host}")))
        || state
            .app
            .live_options
            .allowed_origins
            .iter()
            .any(|o| o.trim_end_matches('/') == origin);
    if allowed {
        Ok(())
    } else {
        Err(ApiError::NotAllowed(
            crate::error::Code::LiveOrigin,
            "live updates open only from Kring's own pages".into(),
        ))
    }
}

/// The socket's task. Its future keeps room for everything it ever holds
/// across an await, for as long as the socket is open, idle or not: so what
/// it holds for good is made before it ([`Socket::open`]), and what is large
/// and rare (a client's message, a look at the session, a goodbye) lives on
/// the heap only while it happens.
fn serve_socket(
    socket: WebSocket,
    state: AppState,
    me: PersonId,
    session: String,
) -> impl Future<Output = ()> + Send {
    let mut socket = Socket::open(socket, state, me, session);
    async move { socket.serve().await }
}

/// One open socket: what its task holds while it waits.
struct Socket {
    state: AppState,
    me: PersonId,
    session: Box<str>,
    sink: SplitSink<WebSocket, Message>,
    stream: SplitStream<WebSocket>,
    /// Given to the rooms this socket follows; `inbox` is its other end.
    outbox: Outbox,
    inbox: Inbox,
    session_ends: broadcast::Receiver<PersonId>,
    session_checked: Instant,
    stop: watch::Receiver<bool>,
    following: HashSet<CircleId>,
    /// The marketplaces it watches (a board or a volunteer's page: one).
    watching: Vec<OrganisationId>,
    /// The version of each circle the client has, for a goodbye.
    positions: HashMap<CircleId, u64>,
    limiter: DefaultDirectRateLimiter,
    last_heard: Instant,
    ping: tokio::time::Interval,
}

impl Socket {
    fn open(socket: WebSocket, state: AppState, me: PersonId, session: String) -> Socket {
        metrics::gauge!("kring_live_sockets").increment(1.0);
        let stopping = &state.app.live_stopping;
        stopping.open.fetch_add(1, Ordering::SeqCst);
        let stop = stopping.signal.subscribe();
        let session_ends = state.app.session_ends.0.subscribe();
        let options = &state.app.live_options;
        let (outbox, inbox) = Outbox::channel(options.queue);
        let per_second = NonZeroU32::new(options.messages_per_second.max(1)).expect("at least one");
        let limiter = RateLimiter::direct(
            Quota::per_second(per_second)
                .allow_burst(per_second.saturating_mul(NonZeroU32::new(2).expect("two"))),
        );
        let first_ping = tokio::time::Instant::now() + options.ping_every;
        let ping = tokio::time::interval_at(first_ping, options.ping_every);
        let (sink, stream) = socket.split();
        Socket {
            state,
            me,
            session: session.into(),
            sink,
            stream,
            outbox,
            inbox,
            session_ends,
            session_checked: Instant::now(),
            stop,
            following: HashSet::new(),
            watching: Vec::new(),
            positions: HashMap::new(),
            limiter,
            last_heard: Instant::now(),
            ping,
        }
    }

    async fn serve(&mut self) {
        loop {
            tokio::select! {
                biased;
                () = stopping(&mut self.stop) => {
                    let reason = "the server is stopping: reconnect and subscribe from these positions";
                    Box::pin(self.goodbye(reason, close_code::RESTART, "server stopping")).await;
                    return;
                }
                ended = self.session_ends.recv() => {
                    let mine = match ended {
                        Ok(person) => person == self.me,
                        // Missed some: look anyway.
                        Err(broadcast::error::RecvError::Lagged(_)) => true,
                        Err(broadcast::error::RecvError::Closed) => false,
                    };
                    if mine && !Box::pin(self.session_lasts()).await {
                        return;
                    }
                }
                next = self.inbox.next() => match next {
                    Next::Frame(frame) => {
                        if !self.send_frame(&frame).await {
                            return;
                        }
                    }
                    Next::FellBehind => {
                        let reason = "this connection fell behind: reconnect and subscribe from these positions";
                        Box::pin(self.goodbye(reason, CLOSE_TOO_SLOW, "too slow")).await;
                        return;
                    }
                    Next::Closed => return,
                },
                message = self.stream.next() => {
                    let Some(Ok(message)) = message else { return };
                    self.last_heard = Instant::now();
                    match message {
                        Message::Ping(_) | Message::Pong(_) => {}
                        Message::Close(_) => return,
                        message => {
                            if !Box::pin(self.on_message(message)).await {
                                return;
                            }
                        }
                    }
                }
                _ = self.ping.tick() => {
                    let idle_timeout = self.state.app.live_options.idle_timeout;
                    if self.last_heard.elapsed() > idle_timeout {
                        Box::pin(self.close(close_code::AWAY, "idle")).await;
                        return;
                    }
                    if self.sink.send(Message::Ping(Default::default())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Sends one frame from the rooms, unless the session ended meanwhile;
    /// false when the socket is to close.
    async fn send_frame(&mut self, frame: &Outgoing) -> bool {
        if self.session_checked.elapsed() > SESSION_CHECK && !Box::pin(self.session_lasts()).await {
            return false;
        }
        match frame.circle {
            Some(circle) if frame.resumable => {
                self.positions.insert(circle, frame.version);
            }
            // Told to reload, or no longer theirs: nothing to resume from.
            Some(circle) => {
                self.positions.remove(&circle);
            }
            None => {}
        }
        let sent = tokio::time::timeout(
            self.state.app.live_options.write_timeout,
            self.sink
                .send(Message::Text(Utf8Bytes::from(frame.text.as_ref()))),
        )
        .await;
        matches!(sent, Ok(Ok(())))
    }

    /// Whether the socket's session still lasts; when it does not, the socket
    /// says so and is to close. A store that cannot answer counts as "ended":
    /// the client reconnects (and is asked again).
    async fn session_lasts(&mut self) -> bool {
        let account = self.state.app.accounts.session(&self.session).await;
        if matches!(account, Ok(Some(account)) if account == self.me) {
            self.session_checked = Instant::now();
            return true;
        }
        self.close(CLOSE_SESSION_ENDED, "signed out").await;
        false
    }

    /// A client's text or binary message; false when the socket is to close.
    async fn on_message(&mut self, message: Message) -> bool {
        let Message::Text(text) = message else {
            let error = ServerMessage::Error {
                circle: None,
                message: "send JSON text messages".into(),
            };
            return self.sink.send(self::text(&error)).await.is_ok();
        };
        if self.limiter.check().is_err() {
            self.close(close_code::POLICY, "too many messages").await;
            return false;
        }
        let answer = handle(
            &self.state,
            self.me,
            &self.outbox,
            Following {
                circles: &mut self.following,
                marketplaces: &mut self.watching,
            },
            text.as_str(),
        )
        .await;
        match answer {
            Some(answer) => self.sink.send(self::text(&answer)).await.is_ok(),
            None => true,
        }
    }

    /// Tells the client why the socket closes and where to resume, then closes it.
    async fn goodbye(&mut self, reason: &str, code: u16, why: &'static str) {
        let closing = ServerMessage::Closing {
            reason: reason.into(),
            positions: positions_of(&self.positions),
        };
        let sink = &mut self.sink;
        let _ = tokio::time::timeout(GOODBYE, async {
            sink.send(text(&closing)).await?;
            sink.send(close_frame(code, why)).await
        })
        .await;
    }

    async fn close(&mut self, code: u16, why: &'static str) {
        let _ = tokio::time::timeout(GOODBYE, self.sink.send(close_frame(code, why))).await;
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        for circle in &self.following {
            self.state.app.live.unsubscribe(*circle, &self.outbox);
        }
        for organisation in &self.watching {
            let watch = &self.state.app.market_watch;
            watch.unwatch(*organisation, self.outbox.socket);
        }
        metrics::gauge!("kring_live_sockets").decrement(1.0);
        let open = &self.state.app.live_stopping.open;
        open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Once the server stops. (The `Ref` that `wait_for` answers would hold on to `stop`.)
async fn stopping(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopping| *stopping).await;
}

/// How long a closing socket waits for a client that may not read.
const GOODBYE: Duration = Duration::from_secs(1);

fn close_frame(code: u16, why: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: why.into(),
    }))
}

/// What a socket follows: circles, and marketplaces.
struct Following<'a> {
    circles: &'a mut HashSet<CircleId>,
    marketplaces: &'a mut Vec<OrganisationId>,
}

/// One client message; the answer to send at once, if any.
async fn handle(
    state: &AppState,
    me: PersonId,
    outbox: &Outbox,
    following: Following<'_>,
    text: &str,
) -> Option<ServerMessage> {
    let Following {
        circles: following,
        marketplaces,
    } = following;
    let error = |circle: Option<CircleId>, message: String| {
        Some(ServerMessage::Error {
            circle: circle.map(|c| c.0),
            message,
        })
    };
    let message: ClientMessage = match serde_json::from_str(text) {
        Ok(message) => message,
        Err(e) => return error(None, format!("this message cannot be read: {e}")),
    };
    let hub = &state.app.live;
    match message {
        ClientMessage::Subscribe {
            circle,
            after,
            epoch,
            organisation,
        } => {
            let circle = CircleId(circle);
            let options = &state.app.live_options;
            if !following.contains(&circle) && following.len() >= options.max_subscriptions {
                return error(
                    Some(circle),
                    format!(
                        "one connection follows at most {} circles",
                        options.max_subscriptions
                    ),
                );
            }
            let actor = match organisation.map(OrganisationId) {
                None => Actor::person(me),
                Some(organisation) => {
                    if !Box::pin(look_as(state, me, circle, organisation)).await {
                        return error(Some(circle), SubscribeError::NoSuchCircle.to_string());
                    }
                    Actor::intermediary(me, organisation)
                }
            };
            match hub
                .subscribe(circle, actor, after, epoch, outbox.clone())
                .await
            {
                Ok(()) => {
                    following.insert(circle);
                    None
                }
                Err(SubscribeError::NoSuchCircle) => {
                    error(Some(circle), SubscribeError::NoSuchCircle.to_string())
                }
                Err(e) => {
                    tracing::error!(error = %e, %circle, "a live subscription failed");
                    error(
                        Some(circle),
                        "something went wrong on our side; try again".into(),
                    )
                }
            }
        }
        ClientMessage::Unsubscribe { circle } => {
            let circle = CircleId(circle);
            if following.remove(&circle) {
                hub.unsubscribe(circle, outbox);
            }
            None
        }
        ClientMessage::WatchMarketplace { organisation } => {
            let organisation = OrganisationId(organisation);
            if !Box::pin(sees_marketplace(state, me, organisation)).await {
                return error(
                    None,
                    "there is no such marketplace, or it is not yours to see".into(),
                );
            }
            if marketplaces.len() >= MAX_MARKETPLACES && !marketplaces.contains(&organisation) {
                return error(
                    None,
                    format!("one connection watches at most {MAX_MARKETPLACES} marketplaces"),
                );
            }
            if !marketplaces.contains(&organisation) {
                marketplaces.push(organisation);
            }
            let watch = &state.app.market_watch;
            watch.watch(
                organisation,
                outbox.clone(),
                &state.log,
                &state.app.commands,
            );
            None
        }
    }
}

/// Marketplaces one socket may watch at once (a person of a few organisations).
const MAX_MARKETPLACES: usize = 8;

/// Whether `me` sees `organisation`'s marketplace: they work for it, or volunteer for it.
async fn sees_marketplace(state: &AppState, me: PersonId, organisation: OrganisationId) -> bool {
    works_for(state, me, organisation).await.is_ok()
        || super::marketplace::is_active_volunteer(state, organisation, me)
            .await
            .unwrap_or(false)
}

/// Whether `me` may look at `circle` for `organisation`. Looking as an
/// organisation is a look like any other: on the record. (Boxed by the
/// caller: a command is a large future.)
async fn look_as(
    state: &AppState,
    me: PersonId,
    circle: CircleId,
    organisation: OrganisationId,
) -> bool {
    works_for(state, me, organisation).await.is_ok()
        && record_look(state, circle, me, organisation, kring_domain::Looked::Live)
            .await
            .is_ok()
}

fn positions_of(positions: &HashMap<CircleId, u64>) -> Vec<Position> {
    positions
        .iter()
        .map(|(circle, version)| Position {
            circle: circle.0,
            version: *version,
        })
        .collect()
}

fn text(message: &ServerMessage) -> Message {
    Message::Text(Utf8Bytes::from(
        serde_json::to_string(message).expect("a server message serialises"),
    ))
}
