//! One circle's room: its state as it is now, its subscribers, and the
//! fan-out of each new event to the subscribers who may see it.
//!
//! A room is one task: it handles its messages (events from the tailer,
//! subscriptions) one at a time, so a replay and the live events after it can
//! never interleave. It loads the circle when first subscribed to and retires
//! when its last subscriber leaves.

use std::sync::{Arc, Weak};

use chrono::{DateTime, Utc};
use cqrs_es::persist::EventUpcaster;
use kring_domain::{audience, Actor, Circle, CircleEvent, CircleId, Viewer};
use kring_store::{EventLog, RecordedEvent, StreamName};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::hub::Inner;
use crate::{frame, Outbox, Outgoing, SocketId, SubscribeError};

/// What is larger than a word is boxed: a room's channel allocates its first
/// 32 slots at once, so the largest variant sets what every room costs.
pub(crate) enum RoomMessage {
    Event(Box<RecordedEvent>),
    Subscribe(Box<Subscribe>),
    Unsubscribe(SocketId),
    /// This actor may no longer look (an intermediary left their organisation).
    Dismiss(Box<Actor>),
}

pub(crate) struct Subscribe {
    pub actor: Actor,
    pub after: u64,
    pub epoch: Option<Uuid>,
    pub outbox: Outbox,
    pub reply: oneshot::Sender<Result<(), SubscribeError>>,
}

pub(crate) struct Room {
    circle: CircleId,
    stream: StreamName,
    hub: Weak<Inner>,
    loaded: Option<Loaded>,
    subscribers: Vec<Subscriber>,
    /// Made once: reading old event versions as today's.
    upcasters: Vec<Box<dyn EventUpcaster>>,
}

struct Loaded {
    state: Circle,
    version: u64,
    epoch: Uuid,
}

struct Subscriber {
    actor: Actor,
    outbox: Outbox,
}

/// Events read from the log per page.
const PAGE: usize = 500;

impl Room {
    pub(crate) fn spawn(circle: CircleId, hub: Weak<Inner>) -> mpsc::UnboundedSender<RoomMessage> {
        let (tx, rx) = mpsc::unbounded_channel();
        let room = Room {
            circle,
            stream: StreamName::circle(circle.0),
            hub,
            loaded: None,
            subscribers: vec![],
            upcasters: kring_domain::upcasters::all(),
        };
        tokio::spawn(room.run(rx));
        tx
    }

    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<RoomMessage>) {
        while let Some(message) = inbox.recv().await {
            let Some(hub) = self.hub.upgrade() else {
                return;
            };
            let log = hub.log.clone();
            match message {
                RoomMessage::Event(recorded) => {
                    if let Err(e) = self.on_event(log.as_ref(), *recorded).await {
                        tracing::warn!(circle = %self.circle, error = %e, "a live room lost its place; its subscribers reload");
                        self.reset();
                    }
                }
                RoomMessage::Subscribe(subscribe) => {
                    let Subscribe {
                        actor,
                        after,
                        epoch,
                        outbox,
                        reply,
                    } = *subscribe;
                    let max_replay = hub.settings.max_replay;
                    let answer = self
                        .subscribe(log.as_ref(), actor, after, epoch, outbox, max_replay)
                        .await;
                    let _ = reply.send(answer);
                }
                RoomMessage::Unsubscribe(socket) => {
                    self.subscribers.retain(|s| s.outbox.socket != socket);
                }
                RoomMessage::Dismiss(actor) => self.dismiss(*actor),
            }
            self.subscribers.retain(|s| s.outbox.is_open());
            if self.subscribers.is_empty() && hub.retire(self.circle, || !inbox.is_empty()) {
                return;
            }
        }
    }

    /// Reads the circle from its log the first time it is needed.
    async fn loaded(&mut self, log: &dyn EventLog) -> Result<&mut Loaded, SubscribeError> {
        if self.loaded.is_none() {
            let mut state = Circle::default();
            let mut version = 0;
            for event in kring_views::circle_history(log, self.circle).await? {
                state.apply(event.event);
                version = event.version;
            }
            let epoch = log
                .stream_head(&self.stream)
                .await?
                .map_or(Uuid::nil(), |head| head.epoch);
            self.loaded = Some(Loaded {
                state,
                version,
                epoch,
            });
        }
        Ok(self.loaded.as_mut().expect("loaded above"))
    }

    async fn on_event(
        &mut self,
        log: &dyn EventLog,
        recorded: RecordedEvent,
    ) -> Result<(), SubscribeError> {
        let Some(loaded) = &self.loaded else {
            // Nobody subscribed yet: the first subscription reads the log itself.
            return Ok(());
        };
        if recorded.version <= loaded.version {
            return Ok(()); // already read while catching up
        }
        if recorded.version > loaded.version + 1 {
            // Events between arrived before this room existed: read them first.
            return self.catch_up(log).await;
        }
        self.fold(&recorded)
    }

    /// Applies and fans out every event of the log after the room's version.
    async fn catch_up(&mut self, log: &dyn EventLog) -> Result<(), SubscribeError> {
        loop {
            let from = self.loaded(log).await?.version + 1;
            let page = log.read_stream(&self.stream, from, PAGE).await?;
            if let Some(first) = page.first() {
                if first.version != from {
                    return Err(SubscribeError::Store(kring_store::StoreError::Corrupt(
                        format!(
                            "circle {} history starts at {} now",
                            self.circle, first.version
                        ),
                    )));
                }
            }
            for recorded in &page {
                self.fold(recorded)?;
            }
            if page.len() < PAGE {
                return Ok(());
            }
        }
    }

    /// One new event: the state moves, then each subscriber who may see it
    /// gets it, judged against the circle as it is now.
    fn fold(&mut self, recorded: &RecordedEvent) -> Result<(), SubscribeError> {
        let Some((_, event)) = kring_views::decode(&self.upcasters, recorded)? else {
            return Ok(());
        };
        let loaded = self.loaded.as_mut().expect("folding needs a loaded room");
        loaded.state.apply(event.clone());
        loaded.version = recorded.version;
        let (circle, version) = (self.circle, recorded.version);
        let audience = audience(&loaded.state, &event);
        let now = Utc::now();
        // One frame for everyone it goes to, made when the first may see it.
        let mut shared = None;
        let state = &loaded.state;
        self.subscribers.retain(|subscriber| {
            let viewer = Viewer::of(state, subscriber.actor, now);
            if !viewer.sees_circle() {
                subscriber.outbox.offer(Outgoing {
                    circle: Some(circle),
                    version,
                    resumable: false,
                    text: frame::removed(circle),
                });
                return false;
            }
            if audience.includes(&viewer) {
                let outgoing = shared.get_or_insert_with(|| {
                    Arc::new(Outgoing {
                        circle: Some(circle),
                        version,
                        resumable: true,
                        text: frame::event(circle, version, recorded.recorded_at, &event),
                    })
                });
                if subscriber.outbox.offer(outgoing.clone()) {
                    metrics::counter!("kring_live_frames_sent_total").increment(1);
                }
            }
            subscriber.outbox.is_open()
        });
        Ok(())
    }

    async fn subscribe(
        &mut self,
        log: &dyn EventLog,
        actor: Actor,
        after: u64,
        epoch: Option<Uuid>,
        outbox: Outbox,
        max_replay: u64,
    ) -> Result<(), SubscribeError> {
        self.loaded(log).await?;
        self.catch_up(log).await?;
        let circle = self.circle;
        let loaded = self.loaded.as_ref().expect("loaded above");
        let now = Utc::now();
        if !Viewer::of(&loaded.state, actor, now).sees_circle() {
            return Err(SubscribeError::NoSuchCircle);
        }
        let version = loaded.version;
        let head = log.stream_head(&self.stream).await?;
        let first = head.as_ref().map_or(1, |head| head.first_version);
        // History cut since this room loaded: the stream's epoch is the truth.
        let epoch_now = head.map_or(loaded.epoch, |head| head.epoch);
        let cannot_replay = if epoch.is_some_and(|e| e != epoch_now) || after > version {
            Some("the circle's history changed since you last saw it")
        } else if after + 1 < first {
            Some("the events you missed are no longer kept")
        } else if version - after > max_replay {
            Some("you missed too much to catch up event by event")
        } else {
            None
        };
        if let Some(reason) = cannot_replay {
            outbox.offer(Outgoing {
                circle: Some(circle),
                version,
                resumable: false,
                text: frame::reload(circle, reason),
            });
            return Ok(());
        }
        if version > after {
            let missed = log
                .read_stream(&self.stream, after + 1, (version - after) as usize)
                .await?;
            for recorded in &missed {
                let Some((_, event)) = kring_views::decode(&self.upcasters, recorded)? else {
                    continue;
                };
                let viewer = Viewer::of(&loaded.state, actor, now);
                if audience(&loaded.state, &event).includes(&viewer) {
                    outbox.offer(replayed(circle, recorded, &event));
                }
            }
        }
        outbox.offer(Outgoing {
            circle: Some(circle),
            version,
            resumable: true,
            text: frame::subscribed(circle, version, epoch_now),
        });
        self.subscribers
            .retain(|s| s.outbox.socket != outbox.socket);
        self.subscribers.push(Subscriber { actor, outbox });
        Ok(())
    }

    fn dismiss(&mut self, actor: Actor) {
        let (circle, version) = (self.circle, self.loaded.as_ref().map_or(0, |l| l.version));
        self.subscribers.retain(|subscriber| {
            if subscriber.actor != actor {
                return true;
            }
            subscriber.outbox.offer(Outgoing {
                circle: Some(circle),
                version,
                resumable: false,
                text: frame::removed(circle),
            });
            false
        });
    }

    /// Everyone reloads: the room lost its place in the log.
    fn reset(&mut self) {
        for subscriber in self.subscribers.drain(..) {
            let version = self.loaded.as_ref().map_or(0, |l| l.version);
            subscriber.outbox.offer(Outgoing {
                circle: Some(self.circle),
                version,
                resumable: false,
                text: frame::reload(
                    self.circle,
                    "the server lost its place in the circle's history",
                ),
            });
        }
        self.loaded = None;
    }
}

fn replayed(circle: CircleId, recorded: &RecordedEvent, event: &CircleEvent) -> Outgoing {
    let at: DateTime<Utc> = recorded.recorded_at;
    Outgoing {
        circle: Some(circle),
        version: recorded.version,
        resumable: true,
        text: frame::event(circle, recorded.version, at, event),
    }
}
