//! The hub: rooms by circle, and the tailer that feeds them from the log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use kring_domain::{Actor, CircleId, OrganisationId};
use kring_store::{EventLog, RecordedEvent, StoreError, StreamKind, StreamName, Subscription};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::room::{Room, RoomMessage, Subscribe};
use crate::Outbox;

/// How a hub behaves; the defaults suit production.
#[derive(Clone, Debug)]
pub struct LiveSettings {
    /// More missed events than this are not replayed: the client reloads.
    pub max_replay: u64,
    /// How often the tailer looks at the log when no doorbell rings.
    pub poll_every: Duration,
}

impl Default for LiveSettings {
    fn default() -> Self {
        LiveSettings {
            max_replay: 500,
            poll_every: Duration::from_millis(500),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    /// Not a circle the viewer may see (or none at all): one answer for both.
    #[error("there is no such circle, or it is not yours to see")]
    NoSuchCircle,
    #[error("the event log failed")]
    Store(#[from] StoreError),
    /// An event of the circle cannot be read (for example a newer version of
    /// Kring wrote it): the log is fine, this node cannot fold it.
    #[error("an event of the circle cannot be read")]
    Unreadable(#[source] kring_views::ProjectionError),
    #[error("the live hub stopped")]
    Stopped,
}

impl From<kring_views::ProjectionError> for SubscribeError {
    fn from(e: kring_views::ProjectionError) -> Self {
        match e {
            kring_views::ProjectionError::Store(e) => SubscribeError::Store(e),
            other => SubscribeError::Unreadable(other),
        }
    }
}

/// The live hub of this node. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub log: Arc<dyn EventLog>,
    pub settings: LiveSettings,
    /// Every send to a room happens under this lock, so a room that finds
    /// itself idle can take itself out without losing a message.
    pub rooms: Mutex<HashMap<CircleId, mpsc::UnboundedSender<RoomMessage>>>,
}

impl Hub {
    /// Starts the hub and its tailer, from the end of the log as it is now.
    pub async fn start(log: Arc<dyn EventLog>, settings: LiveSettings) -> Result<Hub, StoreError> {
        let subscription = Subscription::from_end(log.clone())
            .await?
            .poll_every(settings.poll_every);
        let inner = Arc::new(Inner {
            log,
            settings,
            rooms: Mutex::new(HashMap::new()),
        });
        tokio::spawn(tail(Arc::downgrade(&inner), subscription));
        Ok(Hub { inner })
    }

    /// Subscribes `outbox` to `circle` as `actor` sees it, from after version
    /// `after`. The missed events and then a `subscribed` frame are queued in
    /// the outbox before this returns (or a `reload` frame, when they cannot be
    /// replayed); live events follow.
    pub async fn subscribe(
        &self,
        circle: CircleId,
        actor: Actor,
        after: u64,
        epoch: Option<Uuid>,
        outbox: Outbox,
    ) -> Result<(), SubscribeError> {
        let (reply, answer) = oneshot::channel();
        self.send(
            circle,
            RoomMessage::Subscribe(Box::new(Subscribe {
                actor,
                after,
                epoch,
                outbox,
                reply,
            })),
        );
        answer.await.map_err(|_| SubscribeError::Stopped)?
    }

    /// Stops sending `circle`'s events to `outbox`.
    pub fn unsubscribe(&self, circle: CircleId, outbox: &Outbox) {
        let rooms = self.inner.rooms.lock().expect("rooms lock");
        if let Some(room) = rooms.get(&circle) {
            let _ = room.send(RoomMessage::Unsubscribe(outbox.socket));
        }
    }

    /// The number of circles with subscribers on this node.
    pub fn rooms(&self) -> usize {
        self.inner.rooms.lock().expect("rooms lock").len()
    }

    fn send(&self, circle: CircleId, message: RoomMessage) {
        let mut rooms = self.inner.rooms.lock().expect("rooms lock");
        let room = rooms
            .entry(circle)
            .or_insert_with(|| Room::spawn(circle, Arc::downgrade(&self.inner)));
        if let Err(mpsc::error::SendError(message)) = room.send(message) {
            // The room ended between its last message and this one: start anew.
            let room = Room::spawn(circle, Arc::downgrade(&self.inner));
            let _ = room.send(message);
            rooms.insert(circle, room);
        }
    }
}

impl Inner {
    /// Takes an idle room out, unless a message reached it meanwhile.
    pub(crate) fn retire(&self, circle: CircleId, pending: impl FnOnce() -> bool) -> bool {
        let mut rooms = self.rooms.lock().expect("rooms lock");
        if pending() {
            return false;
        }
        rooms.remove(&circle);
        true
    }
}

/// Reads the shared log and hands each circle event to its room, if any.
async fn tail(hub: Weak<Inner>, mut subscription: Subscription) {
    loop {
        let batch = match subscription.next_batch().await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "the live hub cannot read the log; trying again");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let Some(hub) = hub.upgrade() else { return };
        for recorded in batch {
            deliver(&hub, recorded);
        }
    }
}

fn deliver(hub: &Inner, recorded: RecordedEvent) {
    if let Some(organisation) = organisation_of(&recorded) {
        // Someone who no longer works for an organisation sees nothing more
        // through it, on any circle this node serves them.
        if recorded.event_type == "IntermediaryRemoved" {
            if let Some(person) = recorded.payload()["IntermediaryRemoved"]["person"]
                .as_str()
                .and_then(|p| p.parse().ok())
            {
                let rooms = hub.rooms.lock().expect("rooms lock");
                for room in rooms.values() {
                    let _ = room.send(RoomMessage::Dismiss(Box::new(Actor::intermediary(
                        person,
                        organisation,
                    ))));
                }
            }
        }
        return;
    }
    let Some(circle) = circle_of(&recorded) else {
        return;
    };
    let rooms = hub.rooms.lock().expect("rooms lock");
    if let Some(room) = rooms.get(&circle) {
        let _ = room.send(RoomMessage::Event(Box::new(recorded)));
    }
}

fn organisation_of(recorded: &RecordedEvent) -> Option<OrganisationId> {
    StreamName::id_of(StreamKind::Organisation, &recorded.stream_id).map(OrganisationId)
}

fn circle_of(recorded: &RecordedEvent) -> Option<CircleId> {
    StreamName::id_of(StreamKind::Circle, &recorded.stream_id).map(CircleId)
}
