//! An event this build cannot read says why: written by a newer version of
//! Kring, or not a circle event of its stated version at all.

use kring_store::{ExpectedVersion, NewEvent, StreamName};
use kring_testkit::TestLog;
use kring_views::{decode, ProjectionError};
use serde_json::json;
use uuid::Uuid;

async fn stored(t: &TestLog, schema_version: i32) -> kring_store::RecordedEvent {
    let stream = StreamName::circle(Uuid::new_v4());
    let mut event = NewEvent::new("LogbookEntryWritten", json!({ "a": "shape from later" }));
    event.schema_version = schema_version;
    t.log
        .append(&stream, ExpectedVersion::Exact(0), &[event])
        .await
        .unwrap();
    t.log.read_stream(&stream, 1, 1).await.unwrap().remove(0)
}

#[tokio::test]
async fn an_event_of_a_newer_schema_version_is_reported_as_newer_not_damaged() {
    let t = TestLog::sqlite().await;
    let upcasters = kring_domain::upcasters::all();
    let newer = stored(&t, 3).await;
    let err = decode(&upcasters, &newer).unwrap_err();
    assert!(
        matches!(
            &err,
            ProjectionError::NewerVersion { schema_version: 3, known: 2, event_type, .. }
                if event_type == "LogbookEntryWritten"
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("upgrade Kring"), "{err}");

    let garbled = stored(&t, 2).await;
    let err = decode(&upcasters, &garbled).unwrap_err();
    assert!(
        matches!(err, ProjectionError::Undecodable { .. }),
        "{err:?}"
    );
}
