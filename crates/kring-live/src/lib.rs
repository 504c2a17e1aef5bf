//! The live hub: each node tails the shared log and pushes every circle event
//! to the sockets subscribed to that circle whose viewer may see it.
//!
//! - `hub.rs`: the [`Hub`]: one tailer per node (the log is the only channel
//!   between nodes) and a room per circle that has subscribers.
//! - `room.rs`: a room's task: the circle's state as it is now (to ask the
//!   domain's audience), its subscribers, replay on subscribe, fan-out.
//! - `outbox.rs`: a socket's bounded queue. A full queue marks the socket slow:
//!   it is closed with its positions instead of holding anyone else up.
//! - `frame.rs`: events as the JSON frames of `kring_protocol::v1::ServerMessage`.
//! - [`wire`]: domain events and words as `kring_protocol::v1` types, the one
//!   translation between the two, which the server uses too.
//!
//! Ordering: within a circle, versions are gapless and the tailer delivers them
//! in order; a room applies each version once, and a subscriber gets the
//! replay up to the room's version, then live events after it: no gap and no
//! duplicate at the hand-over.

mod frame;
mod hub;
mod outbox;
mod room;
pub mod wire;

pub use hub::{Hub, LiveSettings, SubscribeError};
pub use outbox::{Inbox, Next, Outbox, Outgoing, SocketId};
