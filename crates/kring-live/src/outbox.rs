//! A socket's queue of frames: bounded, never awaited by the fan-out.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use kring_domain::CircleId;
use tokio::sync::{mpsc, Notify};

/// Identifies one socket within this node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(u64);

impl SocketId {
    pub fn next() -> SocketId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        SocketId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// One frame for one socket. `version` is the circle's version it brings the
/// socket to, when it does (`resumable`: an event, or `subscribed`); a socket
/// closed later names it as where to resume.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub circle: CircleId,
    pub version: u64,
    pub resumable: bool,
    pub text: Arc<str>,
}

/// The sending side, held by the rooms the socket is subscribed to.
#[derive(Clone)]
pub struct Outbox {
    pub socket: SocketId,
    tx: mpsc::Sender<Outgoing>,
    slow: Arc<Slow>,
}

/// The receiving side, held by the socket's task.
pub struct Inbox {
    rx: mpsc::Receiver<Outgoing>,
    slow: Arc<Slow>,
}

#[derive(Default)]
struct Slow {
    flag: AtomicBool,
    notify: Notify,
}

impl Outbox {
    /// A queue of at most `capacity` frames.
    pub fn channel(capacity: usize) -> (Outbox, Inbox) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let slow = Arc::new(Slow::default());
        (
            Outbox {
                socket: SocketId::next(),
                tx,
                slow: slow.clone(),
            },
            Inbox { rx, slow },
        )
    }

    /// Queues a frame without waiting. False when the socket is gone or its
    /// queue is full; a full queue marks it slow, once.
    pub(crate) fn offer(&self, frame: Outgoing) -> bool {
        match self.tx.try_send(frame) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                if !self.slow.flag.swap(true, Ordering::SeqCst) {
                    metrics::counter!("kring_live_slow_consumers_dropped_total").increment(1);
                    self.slow.notify.notify_one();
                }
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    pub(crate) fn is_open(&self) -> bool {
        !self.tx.is_closed() && !self.slow.flag.load(Ordering::SeqCst)
    }
}

impl Inbox {
    /// The next frame; `None` once every room let go of the socket.
    pub async fn recv(&mut self) -> Option<Outgoing> {
        self.rx.recv().await
    }

    /// What tells the socket's task that it fell behind.
    pub fn fell_behind(&self) -> FellBehind {
        FellBehind(self.slow.clone())
    }
}

/// Tells a socket's task that its queue overflowed: it is to be closed.
pub struct FellBehind(Arc<Slow>);

impl FellBehind {
    pub async fn wait(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.0.flag.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}
