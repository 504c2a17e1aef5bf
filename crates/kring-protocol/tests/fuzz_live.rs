//! Fuzzing the live socket's client messages: what `/api/v1/live` reads from
//! every text frame (`serde_json::from_str::<ClientMessage>`). A fixed case
//! count and a fixed seed: the same cases on every run and machine.

use kring_protocol::v1::ClientMessage;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{json, Value};
use uuid::Uuid;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x6b72_696e_6702),
        ..ProptestConfig::default()
    }
}

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn message() -> impl Strategy<Value = ClientMessage> {
    prop_oneof![
        (
            uuid(),
            any::<u64>(),
            proptest::option::of(uuid()),
            proptest::option::of(uuid())
        )
            .prop_map(
                |(circle, after, epoch, organisation)| ClientMessage::Subscribe {
                    circle,
                    after,
                    epoch,
                    organisation,
                }
            ),
        uuid().prop_map(|circle| ClientMessage::Unsubscribe { circle }),
    ]
}

/// Any JSON value, a few levels deep, with the message's own keys among the
/// random ones so that near misses are common.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("type".to_owned()),
        Just("circle".to_owned()),
        Just("after".to_owned()),
        Just("epoch".to_owned()),
        "[a-z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("subscribe".to_owned()),
            Just("unsubscribe".to_owned()),
            uuid().prop_map(|u| u.to_string()),
            any::<String>(),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(key.clone(), inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Whether `value` is a message the server must accept.
fn well_formed(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let is_uuid = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .is_some_and(|s| Uuid::parse_str(s).is_ok())
    };
    let optional_uuid = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || is_uuid(Some(v)));
    match object.get("type").and_then(Value::as_str) {
        Some("subscribe") => {
            is_uuid(object.get("circle"))
                && object.get("after").is_none_or(|a| a.as_u64().is_some())
                && optional_uuid(object.get("epoch"))
                && optional_uuid(object.get("organisation"))
        }
        Some("unsubscribe") => is_uuid(object.get("circle")),
        _ => false,
    }
}

proptest! {
    #![proptest_config(config(1024))]

    /// Every message a client may send reads back as itself.
    #[test]
    fn every_message_round_trips(message in message()) {
        let text = serde_json::to_string(&message).unwrap();
        prop_assert!(text.len() < 4096, "well within the socket's 4 KiB");
        prop_assert_eq!(serde_json::from_str::<ClientMessage>(&text).unwrap(), message);
    }

    /// Arbitrary text: no panic; what is not JSON is refused.
    #[test]
    fn any_text_is_read_or_refused(text in any::<String>()) {
        let read = serde_json::from_str::<ClientMessage>(&text);
        if serde_json::from_str::<Value>(&text).is_err() {
            prop_assert!(read.is_err());
        }
    }

    /// Arbitrary JSON: an object is read exactly when it is a well-formed
    /// message (unknown extra keys are ignored) and refused otherwise; no
    /// panic on anything. (serde also reads an internally tagged enum from an
    /// array, `["unsubscribe", "<circle>"]`: harmless, as it names the same
    /// message, so arrays are only checked not to panic.)
    #[test]
    fn any_json_is_read_exactly_when_well_formed(value in any_json()) {
        let text = value.to_string();
        let read = serde_json::from_str::<ClientMessage>(&text);
        if !value.is_array() {
            prop_assert_eq!(read.is_ok(), well_formed(&value), "{}: {:?}", text, read);
        }
    }

    /// A real message with one field spoiled is refused.
    #[test]
    fn a_spoiled_message_is_refused(
        message in message(),
        field in prop_oneof![Just("type"), Just("circle")],
        spoiled in prop_oneof![Just(Value::Null), Just(json!(42)), Just(json!("x")), Just(json!([]))],
    ) {
        let mut value = serde_json::to_value(&message).unwrap();
        value[field] = spoiled;
        prop_assert!(serde_json::from_value::<ClientMessage>(value).is_err());
    }
}
