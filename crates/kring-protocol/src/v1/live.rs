//! Live updates: the messages of the WebSocket at `/api/v1/live`.
//!
//! The socket is opened with the session cookie. The client subscribes to
//! circles with the last version it has seen; the server sends what was
//! missed, then `subscribed`, then every new event the client may see, in
//! order, each once. Events carry no personal text (names, details, writing
//! stay behind the HTTP API, which opens them for the reader): a page fetches
//! what changed with `min_version` set to the event's version.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Event;

/// What a client sends, as a JSON text message of at most 4 KiB.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Start receiving a circle's events after `after` (0: from its start).
    /// `epoch` is the one `subscribed` gave last time, if any; an organisation's
    /// intermediary names the organisation they look for.
    Subscribe {
        circle: Uuid,
        #[serde(default)]
        after: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organisation: Option<Uuid>,
    },
    Unsubscribe {
        circle: Uuid,
    },
    /// Hear when an organisation's marketplace changes (its matchmakers and
    /// volunteers): `marketplace_changed` comes once the change can be read.
    WatchMarketplace {
        organisation: Uuid,
    },
}

/// What the server sends, as JSON text messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// One event of the circle, at its version: `kind` and `data` as in
    /// [`Event`]. Personal text is left out (`null`).
    Event {
        circle: Uuid,
        version: u64,
        at: DateTime<Utc>,
        #[serde(flatten)]
        event: Event,
    },
    /// Everything missed has been sent; from here on events come as they happen.
    Subscribed {
        circle: Uuid,
        version: u64,
        /// Keep it: a later `subscribe` with another epoch is told to reload.
        epoch: Uuid,
    },
    /// What was missed cannot be replayed (history was cut, or too much was
    /// missed): load the circle again over HTTP and subscribe from its version.
    Reload { circle: Uuid, reason: String },
    /// The circle is no longer yours to see (you left or were removed, or the
    /// consent ended): nothing more of it comes.
    Removed { circle: Uuid },
    /// Something changed on a watched marketplace: fetch the board or the
    /// volunteer's page again. Nothing of what changed travels here.
    MarketplaceChanged { organisation: Uuid },
    /// A subscription that could not be made, or a message that could not be read.
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        circle: Option<Uuid>,
        message: String,
    },
    /// The server closes this socket (it fell too far behind, or the server
    /// stops); reconnect and subscribe from `positions`.
    Closing {
        reason: String,
        positions: Vec<Position>,
    },
}

/// The last version of a circle sent on this socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Position {
    pub circle: Uuid,
    pub version: u64,
}
