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

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures::{SinkExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use kring_domain::{Actor, CircleId, OrganisationId, PersonId};
use kring_live::{Outbox, SubscribeError};
use kring_protocol::v1::{ClientMessage, Position, ServerMessage};

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
        // Small buffers: an idle socket should cost little memory.
        .read_buffer_size(4 * 1024)
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

/// Whether the socket's session still lasts. A store that cannot answer counts
/// as "ended": the socket closes and the client reconnects (and is asked again).
async fn session_lasts(state: &AppState, me: PersonId, session: &str) -> bool {
    matches!(state.app.accounts.session(session).await, Ok(Some(account)) if account == me)
}

async fn serve_socket(socket: WebSocket, state: AppState, me: PersonId, session: String) {
    metrics::gauge!("kring_live_sockets").increment(1.0);
    let mut session_ends = state.app.session_ends.0.subscribe();
    let mut session_checked = Instant::now();
    let stopping = state.app.live_stopping.clone();
    stopping.open.fetch_add(1, Ordering::SeqCst);
    let mut stop = stopping.signal.subscribe();
    let options = state.app.live_options.clone();
    let (outbox, mut inbox) = Outbox::channel(options.queue);
    let fell_behind = inbox.fell_behind();
    let (mut sink, mut stream) = socket.split();
    let mut following: HashSet<CircleId> = HashSet::new();
    let mut positions: HashMap<CircleId, u64> = HashMap::new();
    let per_second = NonZeroU32::new(options.messages_per_second.max(1)).expect("at least one");
    let limiter: DefaultDirectRateLimiter = RateLimiter::direct(
        Quota::per_second(per_second)
            .allow_burst(per_second.saturating_mul(NonZeroU32::new(2).expect("two"))),
    );
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(options.ping_every);
    ping.tick().await;
    loop {
        tokio::select! {
            biased;
            () = async { let _ = stop.wait_for(|stopping| *stopping).await; } => {
                let closing = ServerMessage::Closing {
                    reason: "the server is stopping: reconnect and subscribe from these positions".into(),
                    positions: positions_of(&positions),
                };
                let _ = tokio::time::timeout(Duration::from_secs(1), async {
                    sink.send(text(&closing)).await?;
                    sink.send(Message::Close(Some(CloseFrame {
                        code: axum::extract::ws::close_code::RESTART,
                        reason: "server stopping".into(),
                    }))).await
                }).await;
                break;
            }
            () = fell_behind.wait() => {
                let closing = ServerMessage::Closing {
                    reason: "this connection fell behind: reconnect and subscribe from these positions".into(),
                    positions: positions_of(&positions),
                };
                let _ = tokio::time::timeout(Duration::from_secs(1), async {
                    sink.send(text(&closing)).await?;
                    sink.send(Message::Close(Some(CloseFrame { code: CLOSE_TOO_SLOW, reason: "too slow".into() }))).await
                }).await;
                break;
            }
            ended = session_ends.recv() => {
                let mine = match ended {
                    Ok(person) => person == me,
                    // Missed some: look anyway.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => false,
                };
                if mine && !session_lasts(&state, me, &session).await {
                    close_ended_session(&mut sink).await;
                    break;
                }
                session_checked = Instant::now();
            }
            frame = inbox.recv() => {
                let Some(frame) = frame else { break };
                if session_checked.elapsed() > SESSION_CHECK {
                    if !session_lasts(&state, me, &session).await {
                        close_ended_session(&mut sink).await;
                        break;
                    }
                    session_checked = Instant::now();
                }
                if frame.resumable {
                    positions.insert(frame.circle, frame.version);
                } else {
                    // Told to reload, or no longer theirs: nothing to resume from.
                    positions.remove(&frame.circle);
                }
                let sent = tokio::time::timeout(
                    options.write_timeout,
                    sink.send(Message::Text(Utf8Bytes::from(frame.text.as_ref()))),
                ).await;
                if !matches!(sent, Ok(Ok(()))) {
                    break;
                }
            }
            message = stream.next() => {
                let Some(Ok(message)) = message else { break };
                last_heard = Instant::now();
                match message {
                    Message::Text(text) => {
                        if limiter.check().is_err() {
                            let _ = sink.send(Message::Close(Some(CloseFrame {
                                code: axum::extract::ws::close_code::POLICY,
                                reason: "too many messages".into(),
                            }))).await;
                            break;
                        }
                        let answer = handle(&state, me, &outbox, &mut following, &options, text.as_str()).await;
                        if let Some(answer) = answer {
                            if sink.send(self::text(&answer)).await.is_err() {
                                break;
                            }
                        }
                    }
                    Message::Binary(_) => {
                        let error = ServerMessage::Error { circle: None, message: "send JSON text messages".into() };
                        if sink.send(text(&error)).await.is_err() {
                            break;
                        }
                    }
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > options.idle_timeout {
                    let _ = sink.send(Message::Close(Some(CloseFrame {
                        code: axum::extract::ws::close_code::AWAY,
                        reason: "idle".into(),
                    }))).await;
                    break;
                }
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
        }
    }
    for circle in following {
        state.app.live.unsubscribe(circle, &outbox);
    }
    metrics::gauge!("kring_live_sockets").decrement(1.0);
    stopping.open.fetch_sub(1, Ordering::SeqCst);
}

async fn close_ended_session(sink: &mut futures::stream::SplitSink<WebSocket, Message>) {
    let _ = tokio::time::timeout(
        Duration::from_secs(1),
        sink.send(Message::Close(Some(CloseFrame {
            code: CLOSE_SESSION_ENDED,
            reason: "signed out".into(),
        }))),
    )
    .await;
}

/// One client message; the answer to send at once, if any.
async fn handle(
    state: &AppState,
    me: PersonId,
    outbox: &Outbox,
    following: &mut HashSet<CircleId>,
    options: &LiveOptions,
    text: &str,
) -> Option<ServerMessage> {
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
                    // Looking as an organisation is a look like any other: on the record.
                    let known = works_for(state, me, organisation).await.is_ok()
                        && record_look(state, circle, me, organisation, kring_domain::Looked::Live)
                            .await
                            .is_ok();
                    if !known {
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
    }
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
