//! Events and notices as the JSON text the sockets carry.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kring_domain::{CircleEvent, CircleId};
use kring_protocol::v1::ServerMessage;
use uuid::Uuid;

use crate::wire;

/// An event as a frame: the same text for every viewer who may see it, so it
/// is made once per event. Sealed personal text is left out.
pub(crate) fn event(
    circle: CircleId,
    version: u64,
    at: DateTime<Utc>,
    event: &CircleEvent,
) -> Arc<str> {
    text(&ServerMessage::Event {
        circle: circle.0,
        version,
        at,
        event: wire::event_without_personal_text(event),
    })
}

pub(crate) fn subscribed(circle: CircleId, version: u64, epoch: Uuid) -> Arc<str> {
    text(&ServerMessage::Subscribed {
        circle: circle.0,
        version,
        epoch,
    })
}

pub(crate) fn reload(circle: CircleId, reason: &str) -> Arc<str> {
    text(&ServerMessage::Reload {
        circle: circle.0,
        reason: reason.to_owned(),
    })
}

pub(crate) fn removed(circle: CircleId) -> Arc<str> {
    text(&ServerMessage::Removed { circle: circle.0 })
}

pub(crate) fn text(message: &ServerMessage) -> Arc<str> {
    serde_json::to_string(message)
        .expect("a server message serialises")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kring_domain::{EntryId, PersonId, Sealed, Visibility};
    use kring_protocol::v1;

    #[test]
    fn a_frame_carries_no_sealed_text() {
        let author = PersonId(Uuid::new_v4());
        let written = CircleEvent::LogbookEntryWritten {
            entry: EntryId(Uuid::new_v4()),
            author,
            visibility: Visibility::WholeCircle,
            text: Sealed {
                owner: author,
                data: "Y2lwaGVydGV4dA==".into(),
            },
        };
        let frame = event(CircleId(Uuid::new_v4()), 7, Utc::now(), &written);
        let message: ServerMessage = serde_json::from_str(&frame).unwrap();
        let ServerMessage::Event { event, version, .. } = message else {
            panic!("{frame}");
        };
        assert_eq!((event.kind(), version), ("LogbookEntryWritten", 7));
        let v1::Event::LogbookEntryWritten {
            text, visibility, ..
        } = event
        else {
            panic!("{frame}");
        };
        assert_eq!((text, visibility), (None, v1::Visibility::WholeCircle));
        let json: serde_json::Value = serde_json::from_str(&frame).unwrap();
        assert_eq!(json["kind"], "LogbookEntryWritten");
        assert_eq!(json["data"]["text"], serde_json::Value::Null);
        assert_eq!(json["data"]["visibility"], "whole_circle");
        assert!(!frame.contains("Y2lwaGVydGV4dA"), "{frame}");
    }
}
