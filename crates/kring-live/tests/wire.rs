//! The wire carries the protocol's events, never the domain's JSON.
//!
//! Every kind of event the random-history generator makes is mapped to
//! `v1::Event` (as in exports, personal text opened; as in live frames, left
//! out), serialised, and checked against the published contract
//! (`proto/openapi.json`): no key the contract does not name, none it requires
//! missing, every value of its declared type. Then it must read back into the
//! protocol type unchanged. A domain event's shape leaking onto the wire (its
//! own field names, a sealed `{owner, data}` object, free JSON) fails here.

use std::collections::BTreeSet;
use std::path::PathBuf;

use kring_domain::{CircleEvent, Sealed};
use kring_live::wire;
use kring_protocol::v1;
use kring_testkit::history::{generate, Rng};
use serde_json::Value;
use uuid::Uuid;

/// Every kind of circle event, named as on the wire. The match has no
/// wildcard: a new kind does not compile until it is named here (and mapped
/// in `kring_live::wire`), and the test then fails until it is generated too.
fn kind(event: &CircleEvent) -> &'static str {
    use CircleEvent::*;
    match event {
        CircleCreated { .. } => "CircleCreated",
        InvitationIssued { .. } => "InvitationIssued",
        InvitationRevoked { .. } => "InvitationRevoked",
        MemberJoined { .. } => "MemberJoined",
        MemberRingChanged { .. } => "MemberRingChanged",
        CoordinatorAppointed { .. } => "CoordinatorAppointed",
        CoordinatorStepped { .. } => "CoordinatorStepped",
        MemberLeft { .. } => "MemberLeft",
        MemberRemoved { .. } => "MemberRemoved",
        HelpRequested { .. } => "HelpRequested",
        RequestPlaceNoted { .. } => "RequestPlaceNoted",
        RequestChanged { .. } => "RequestChanged",
        RequestWidened { .. } => "RequestWidened",
        RequestTaken { .. } => "RequestTaken",
        RequestConfirmed { .. } => "RequestConfirmed",
        RequestDone { .. } => "RequestDone",
        RequestCancelled { .. } => "RequestCancelled",
        NoShowRecorded { .. } => "NoShowRecorded",
        ThanksGiven { .. } => "ThanksGiven",
        OfferMade { .. } => "OfferMade",
        OfferWithdrawn { .. } => "OfferWithdrawn",
        ShiftScheduled { .. } => "ShiftScheduled",
        ShiftDateSkipped { .. } => "ShiftDateSkipped",
        ShiftDateChanged { .. } => "ShiftDateChanged",
        ShiftSeriesChanged { .. } => "ShiftSeriesChanged",
        ShiftClaimed { .. } => "ShiftClaimed",
        ShiftReleased { .. } => "ShiftReleased",
        SwapProposed { .. } => "SwapProposed",
        SwapAccepted { .. } => "SwapAccepted",
        SwapDeclined { .. } => "SwapDeclined",
        LogbookEntryWritten { .. } => "LogbookEntryWritten",
        LogbookEntryRedacted { .. } => "LogbookEntryRedacted",
        ConsentGranted { .. } => "ConsentGranted",
        ConsentRevoked { .. } => "ConsentRevoked",
        IntermediaryLooked { .. } => "IntermediaryLooked",
        NeighbourhoodNamed { .. } => "NeighbourhoodNamed",
        RequestListed { .. } => "RequestListed",
        VolunteerProposed { .. } => "VolunteerProposed",
        VolunteerAccepted { .. } => "VolunteerAccepted",
        VolunteerDeclined { .. } => "VolunteerDeclined",
        PlaceOffered { .. } => "PlaceOffered",
        PlaceAnswered { .. } => "PlaceAnswered",
        CirclePaused { .. } => "CirclePaused",
        CircleResumed { .. } => "CircleResumed",
        CircleEnded { .. } => "CircleEnded",
        FocusClaimed { .. } => "FocusClaimed",
        CircleSetUp { .. } => "CircleSetUp",
        CircleHandedOver { .. } => "CircleHandedOver",
        ShiftSeriesEnded { .. } => "ShiftSeriesEnded",
        CoordinationOffered { .. } => "CoordinationOffered",
        CoordinationAnswered { .. } => "CoordinationAnswered",
        OfferChanged { .. } => "OfferChanged",
    }
}

/// All but a place offered and answered, and an ending (after which a random
/// history could not go on).
const KINDS: usize = 49;

fn contract() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto/openapi.json");
    let text = std::fs::read_to_string(&path).expect("proto/openapi.json");
    serde_json::from_str(&text).expect("the contract is JSON")
}

/// Whether `value` is exactly what `schema` describes; `Err` says where not.
fn conforms(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{at}: unexpected reference {reference}"));
        return conforms(value, &doc["components"]["schemas"][name], doc, at);
    }
    if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
        let mut why = vec![];
        let matching = alternatives
            .iter()
            .filter(|alternative| match conforms(value, alternative, doc, at) {
                Ok(()) => true,
                Err(e) => {
                    why.push(e);
                    false
                }
            })
            .count();
        return match matching {
            1 => Ok(()),
            0 => Err(format!("{at}: {value} matches none of oneOf: {why:?}")),
            n => Err(format!("{at}: {value} matches {n} alternatives of oneOf")),
        };
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        // Flattened parts: each key belongs to a part, each part checks its own keys.
        let map = value
            .as_object()
            .ok_or_else(|| format!("{at}: {value} is not an object"))?;
        let owners: Vec<BTreeSet<String>> = parts.iter().map(|p| declared(p, doc)).collect();
        if let Some(key) = map.keys().find(|k| !owners.iter().any(|o| o.contains(*k))) {
            return Err(format!(
                "{at}: `{key}` is on the wire but not in the contract"
            ));
        }
        for (part, owned) in parts.iter().zip(&owners) {
            let own: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| owned.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            conforms(&Value::Object(own), part, doc, at)?;
        }
        return Ok(());
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_of = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let typed = types.contains(&type_of) || (type_of == "integer" && types.contains(&"number"));
    if !types.is_empty() && !typed {
        return Err(format!("{at}: {value} is {type_of}, not {types:?}"));
    }
    if types.is_empty() && schema.get("enum").is_none() {
        return Err(format!(
            "{at}: the contract says nothing of this value ({schema}): free JSON on the wire"
        ));
    }
    match value {
        Value::Object(map) => {
            let properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .ok_or_else(|| format!("{at}: an object the contract gives no properties"))?;
            for (key, field) in map {
                let declared = properties.get(key).ok_or_else(|| {
                    format!("{at}: `{key}` is on the wire but not in the contract")
                })?;
                conforms(field, declared, doc, &format!("{at}.{key}"))?;
            }
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = required.as_str().expect("a property name");
                if !map.contains_key(key) {
                    return Err(format!("{at}: required `{key}` is missing"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(each) = schema.get("prefixItems").and_then(Value::as_array) {
                if each.len() != items.len() {
                    return Err(format!("{at}: {} items, not {}", items.len(), each.len()));
                }
                for (i, (item, s)) in items.iter().zip(each).enumerate() {
                    conforms(item, s, doc, &format!("{at}[{i}]"))?;
                }
            } else if let Some(each) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    conforms(item, each, doc, &format!("{at}[{i}]"))?;
                }
            } else {
                return Err(format!("{at}: an array the contract gives no items"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The keys an object schema names (through references and alternatives).
fn declared(schema: &Value, doc: &Value) -> BTreeSet<String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        return declared(&doc["components"]["schemas"][name], doc);
    }
    let mut keys: BTreeSet<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for combined in ["oneOf", "allOf"] {
        for part in schema
            .get(combined)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            keys.extend(declared(part, doc));
        }
    }
    keys
}

/// Personal text as an export shows it: opened (here, a stand-in).
fn opened(sealed: &Sealed) -> Option<String> {
    Some(format!("opened text of {}", sealed.owner))
}

#[test]
fn every_event_kind_reaches_the_wire_in_the_protocol_shape_only() {
    let doc = contract();
    let schema = &doc["components"]["schemas"]["Event"];
    assert!(schema.is_object(), "proto/openapi.json has no Event schema");
    let frame_schema = &doc["components"]["schemas"]["ServerMessage"];

    let mut seen = BTreeSet::new();
    let mut rng = Rng::new(11);
    for history in generate(&mut rng, 12, 400) {
        for (i, event) in history.decisions.iter().flatten().enumerate() {
            let name = kind(event);
            seen.insert(name);
            let ciphertexts = wire::sealed_in(event);
            if !ciphertexts.is_empty() {
                // The check has teeth: the domain's own JSON of the event (a
                // sealed `{owner, data}` object in place of text) is refused.
                let Value::Object(tagged) = serde_json::to_value(event).unwrap() else {
                    panic!("{name} is not an object");
                };
                let (_, data) = tagged.into_iter().next().expect("one entry");
                let domain_json = serde_json::json!({"kind": name, "data": data});
                assert!(
                    conforms(&domain_json, schema, &doc, name).is_err(),
                    "the contract accepts the domain's JSON of {name}: {domain_json}"
                );
            }

            for (how, mapped) in [
                ("exported", wire::event(event, opened)),
                ("live", wire::event_without_personal_text(event)),
            ] {
                assert_eq!(mapped.kind(), name, "{how}: the kind is the event's name");
                let json = serde_json::to_value(&mapped).unwrap();
                assert_eq!(json["kind"], name);
                if let Err(why) = conforms(&json, schema, &doc, name) {
                    panic!("{how} {name} leaves the contract: {why}\n{json:#}");
                }
                // Read back into the protocol type: the same event, the same JSON.
                let back: v1::Event = serde_json::from_value(json.clone())
                    .unwrap_or_else(|e| panic!("{how} {name} does not read back: {e}\n{json:#}"));
                assert_eq!(back, mapped, "{how} {name}");
                assert_eq!(serde_json::to_value(&back).unwrap(), json, "{how} {name}");
                // No sealed object, no ciphertext.
                let text = json.to_string();
                for sealed in &ciphertexts {
                    assert!(
                        !text.contains(&sealed.data),
                        "{how} {name}: ciphertext {text}"
                    );
                }
                assert!(!text.contains("\"owner\""), "{how} {name}: {text}");

                let frame = v1::ServerMessage::Event {
                    circle: history.id.0,
                    version: i as u64 + 1,
                    at: chrono::Utc::now(),
                    event: mapped,
                };
                let json = serde_json::to_value(&frame).unwrap();
                if let Err(why) = conforms(&json, frame_schema, &doc, "frame") {
                    panic!("a {how} frame of {name} leaves the contract: {why}\n{json:#}");
                }
                let back: v1::ServerMessage = serde_json::from_value(json).unwrap();
                assert_eq!(back, frame, "{name}");
            }
        }
    }
    assert_eq!(
        seen.len(),
        KINDS,
        "the generator must make every kind of event (and KINDS count them); made: {seen:?}"
    );
}

#[test]
fn live_events_carry_no_personal_text_and_exports_open_it() {
    let mut rng = Rng::new(7);
    let mut personal = 0;
    for history in generate(&mut rng, 2, 300) {
        for event in history.decisions.iter().flatten() {
            let sealed = wire::sealed_in(event);
            personal += sealed.len();
            let live = serde_json::to_string(&wire::event_without_personal_text(event)).unwrap();
            assert!(!live.contains("opened text"), "{live}");
            let exported = serde_json::to_string(&wire::event(event, opened)).unwrap();
            for s in &sealed {
                let text = opened(s).unwrap();
                assert!(exported.contains(&text), "{exported} lacks {text}");
            }
        }
    }
    assert!(personal > 0, "the histories hold personal text");
}

#[test]
fn a_forgotten_persons_text_is_null() {
    let author = kring_domain::PersonId(Uuid::new_v4());
    let written = CircleEvent::LogbookEntryWritten {
        entry: kring_domain::EntryId(Uuid::new_v4()),
        author,
        visibility: kring_domain::Visibility::WarmOnly,
        text: Sealed {
            owner: author,
            data: "c2VhbGVk".into(),
        },
    };
    let json = serde_json::to_value(wire::event(&written, |_| None)).unwrap();
    assert_eq!(json["data"]["text"], Value::Null);
    assert_eq!(json["data"]["visibility"], "warm_only");
}
