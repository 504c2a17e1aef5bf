//! `proto/openapi.json` is the API's contract for other clients. It is
//! generated from the handlers' own descriptions; this test fails when the
//! file and the code part ways. To accept a change of the API:
//! `KRING_WRITE_OPENAPI=1 cargo test -p kring-server --test openapi`.

use std::path::PathBuf;

fn contract_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto/openapi.json")
}

fn generated() -> String {
    let mut json =
        serde_json::to_string_pretty(&kring_server::openapi()).expect("the description serialises");
    json.push('\n');
    json
}

#[test]
fn proto_openapi_json_is_what_the_code_describes() {
    let path = contract_path();
    let generated = generated();
    if std::env::var_os("KRING_WRITE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write proto/openapi.json");
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == generated,
        "proto/openapi.json differs from the API the code serves; if the change is meant, \
         run: KRING_WRITE_OPENAPI=1 cargo test -p kring-server --test openapi"
    );
}

#[test]
fn operation_ids_are_unique() {
    let doc: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for operations in doc["paths"].as_object().unwrap().values() {
        for operation in operations.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().expect("an operationId");
            assert!(seen.insert(id.to_owned()), "{id} twice");
        }
    }
    assert!(seen.contains("get_circles_id_rota"), "{seen:?}");
}

#[test]
fn every_operation_describes_its_problems_and_a_success() {
    let doc: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/circles/{id}"), "{:?}", paths.keys());
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("4XX"), "{method} {path} lacks 4XX");
            assert!(
                responses.keys().any(|status| status.starts_with('2')),
                "{method} {path} has no success answer"
            );
        }
    }
}
