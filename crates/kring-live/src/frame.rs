//! Events and notices as the JSON text the sockets carry.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kring_domain::{CircleEvent, CircleId};
use kring_protocol::v1::ServerMessage;
use serde_json::Value;
use uuid::Uuid;

/// An event as a frame: the same text for every viewer who may see it, so it
/// is made once per event. Sealed personal text is left out.
pub(crate) fn event(
    circle: CircleId,
    version: u64,
    at: DateTime<Utc>,
    event: &CircleEvent,
) -> Arc<str> {
    let tagged = serde_json::to_value(event).unwrap_or(Value::Null);
    let (kind, mut data) = match tagged {
        Value::Object(map) if map.len() == 1 => map.into_iter().next().expect("one entry"),
        Value::String(kind) => (kind, Value::Null),
        other => ("Unknown".to_owned(), other),
    };
    strip_sealed(&mut data);
    text(&ServerMessage::Event {
        circle: circle.0,
        version,
        kind,
        at,
        data,
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

/// Replaces every sealed field (an object of exactly `owner` and `data`) by null.
fn strip_sealed(value: &mut Value) {
    match value {
        Value::Object(map)
            if map.len() == 2 && map.contains_key("owner") && map.contains_key("data") =>
        {
            *value = Value::Null;
        }
        Value::Object(map) => map.values_mut().for_each(strip_sealed),
        Value::Array(items) => items.iter_mut().for_each(strip_sealed),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kring_domain::{EntryId, PersonId, Sealed, Visibility};

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
        let ServerMessage::Event {
            kind,
            version,
            data,
            ..
        } = message
        else {
            panic!("{frame}");
        };
        assert_eq!((kind.as_str(), version), ("LogbookEntryWritten", 7));
        assert_eq!(data["text"], Value::Null);
        assert_eq!(data["visibility"], "whole_circle");
        assert!(!frame.contains("Y2lwaGVydGV4dA"), "{frame}");
    }
}
