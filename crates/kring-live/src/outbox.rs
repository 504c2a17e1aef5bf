//! A socket's queue of frames: bounded, never awaited by the fan-out.
//!
//! Not a tokio `mpsc`: that allocates its first block (32 slots) with the
//! channel, about 2 KiB per socket whether or not a frame ever waits. Here the
//! queue is a `VecDeque` that takes memory with its first frame and gives it
//! back when a burst has drained, so an idle socket's queue costs about 200
//! bytes.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use kring_domain::CircleId;
use tokio::sync::Notify;

/// Identifies one socket within this node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(u64);

impl SocketId {
    pub fn next() -> SocketId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        SocketId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// One frame for one socket (or, shared, for every socket an event goes to).
/// `version` is the circle's version it brings the socket to, when it does
/// (`resumable`: an event, or `subscribed`); a socket closed later names it as
/// where to resume. A frame of no circle (a marketplace changed) has no place
/// to resume from.
#[derive(Debug)]
pub struct Outgoing {
    pub circle: Option<CircleId>,
    pub version: u64,
    pub resumable: bool,
    pub text: Arc<str>,
}

/// The sending side, held by the rooms the socket is subscribed to.
pub struct Outbox {
    pub socket: SocketId,
    queue: Arc<Queue>,
}

/// The receiving side, held by the socket's task.
pub struct Inbox {
    queue: Arc<Queue>,
}

/// What the socket's task is to do next.
#[derive(Debug)]
pub enum Next {
    /// Send this frame.
    Frame(Arc<Outgoing>),
    /// The queue overflowed: close the socket (with its positions).
    FellBehind,
    /// Every sender let go of the socket: nothing more will come.
    Closed,
}

struct Queue {
    capacity: usize,
    state: Mutex<State>,
    /// Wakes the socket's task: a first frame, an overflow, the last sender gone.
    wake: Notify,
}

#[derive(Default)]
struct State {
    frames: VecDeque<Arc<Outgoing>>,
    slow: bool,
    receiver_gone: bool,
    senders: usize,
}

/// Room kept after a burst drains: beyond it the queue's memory is given back.
const KEPT: usize = 16;

impl Outbox {
    /// A queue of at most `capacity` frames.
    pub fn channel(capacity: usize) -> (Outbox, Inbox) {
        let queue = Arc::new(Queue {
            capacity: capacity.max(1),
            state: Mutex::new(State {
                senders: 1,
                ..State::default()
            }),
            wake: Notify::new(),
        });
        let outbox = Outbox {
            socket: SocketId::next(),
            queue: queue.clone(),
        };
        (outbox, Inbox { queue })
    }

    /// Queues a frame of no circle (`text`, a whole server message) as
    /// [`Outbox::offer`] does.
    pub fn offer_text(&self, text: Arc<str>) -> bool {
        self.offer(Outgoing {
            circle: None,
            version: 0,
            resumable: false,
            text,
        })
    }

    /// Queues a frame without waiting. False when the socket is gone or its
    /// queue is full; a full queue marks it slow, once.
    pub(crate) fn offer(&self, frame: impl Into<Arc<Outgoing>>) -> bool {
        let mut state = self.queue.lock();
        if state.receiver_gone || state.slow {
            return false;
        }
        if state.frames.len() >= self.queue.capacity {
            state.slow = true;
            drop(state);
            metrics::counter!("kring_live_slow_consumers_dropped_total").increment(1);
            self.queue.wake.notify_one();
            return false;
        }
        let was_empty = state.frames.is_empty();
        state.frames.push_back(frame.into());
        drop(state);
        if was_empty {
            // The task looks at the queue before it waits: a frame behind
            // others is found without a wake-up of its own.
            self.queue.wake.notify_one();
        }
        true
    }

    pub(crate) fn is_open(&self) -> bool {
        let state = self.queue.lock();
        !state.receiver_gone && !state.slow
    }
}

impl Clone for Outbox {
    fn clone(&self) -> Outbox {
        self.queue.lock().senders += 1;
        Outbox {
            socket: self.socket,
            queue: self.queue.clone(),
        }
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        let mut state = self.queue.lock();
        state.senders -= 1;
        if state.senders == 0 {
            drop(state);
            self.queue.wake.notify_one();
        }
    }
}

impl Inbox {
    /// What to do next: an overflow comes before the frames still queued, so
    /// a socket that fell behind sends nothing more. Cancel-safe: a frame is
    /// taken only by the call that returns it.
    pub async fn next(&mut self) -> Next {
        loop {
            if let Some(next) = self.try_next() {
                return next;
            }
            self.queue.wake.notified().await;
        }
    }

    fn try_next(&mut self) -> Option<Next> {
        let mut state = self.queue.lock();
        if state.slow {
            return Some(Next::FellBehind);
        }
        if let Some(frame) = state.frames.pop_front() {
            if state.frames.is_empty() && state.frames.capacity() > KEPT {
                state.frames = VecDeque::new();
            }
            return Some(Next::Frame(frame));
        }
        (state.senders == 0).then_some(Next::Closed)
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        let mut state = self.queue.lock();
        state.receiver_gone = true;
        state.frames = VecDeque::new();
    }
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding it; a poisoned lock's state is still whole.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::task::Poll;
    use std::time::Duration;

    use kring_testkit::within;
    use uuid::Uuid;

    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    fn frame(version: u64) -> Outgoing {
        Outgoing {
            circle: Some(CircleId(Uuid::nil())),
            version,
            resumable: true,
            text: "{}".into(),
        }
    }

    fn version(next: Next) -> u64 {
        match next {
            Next::Frame(frame) => frame.version,
            other => panic!("a frame, not {other:?}"),
        }
    }

    #[tokio::test]
    async fn frames_come_in_order_and_an_overflow_comes_first() {
        let (outbox, mut inbox) = Outbox::channel(2);
        assert!(outbox.offer(frame(1)));
        assert!(outbox.offer(frame(2)));
        assert_eq!(version(inbox.next().await), 1);
        assert!(outbox.offer(frame(3)));
        assert!(
            !outbox.offer(frame(4)),
            "the third frame waiting is one too many"
        );
        assert!(!outbox.is_open());
        assert!(!outbox.offer(frame(5)), "a slow socket gets nothing more");
        assert!(matches!(inbox.next().await, Next::FellBehind));
        assert!(matches!(inbox.next().await, Next::FellBehind), "for good");
    }

    #[tokio::test]
    async fn a_waiting_task_wakes_for_a_frame() {
        let (outbox, mut inbox) = Outbox::channel(8);
        let mut next = std::pin::pin!(inbox.next());
        let waiting = std::future::poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx).is_pending()));
        assert!(waiting.await, "nothing to take yet");
        outbox.offer(frame(7));
        assert_eq!(version(within(WAIT, "the frame", next).await), 7);
    }

    #[tokio::test]
    async fn closed_once_every_sender_let_go_and_the_queue_is_read() {
        let (outbox, mut inbox) = Outbox::channel(8);
        let room = outbox.clone();
        room.offer(frame(1));
        drop(outbox);
        drop(room);
        assert_eq!(version(inbox.next().await), 1);
        assert!(matches!(
            within(WAIT, "closed", inbox.next()).await,
            Next::Closed
        ));
    }

    #[tokio::test]
    async fn a_gone_socket_takes_nothing_and_a_drained_burst_gives_back_its_memory() {
        let (outbox, mut inbox) = Outbox::channel(1024);
        for version in 0..500 {
            assert!(outbox.offer(frame(version)));
        }
        for expected in 0..500 {
            assert_eq!(version(inbox.next().await), expected);
        }
        assert_eq!(outbox.queue.lock().frames.capacity(), 0);
        drop(inbox);
        assert!(!outbox.offer(frame(1)));
        assert!(!outbox.is_open());
    }
}
