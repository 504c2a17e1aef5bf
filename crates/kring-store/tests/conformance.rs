//! The behaviour every backend of the event log must show.

mod common;

use std::time::Duration;

use common::{event, read_everything, within, Harness, WAIT};
use kring_store::{
    verify_all, verify_stream, ExpectedVersion, GlobalCursor, NewEvent, PersonKey, StoreError,
    Subscription,
};
use kring_testkit::on_both_backends;
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    one_process_leads_at_a_time,
    views_commit_with_their_checkpoint,
    a_thousand_views_commit_at_once,
    the_whole_log_reads_every_event_as_its_stream_does,
    pages_read_ahead_arrive_in_order_and_a_rewind_reads_again,
    appends_and_reads_a_stream,
    a_stale_expected_version_is_a_conflict_and_writes_nothing,
    a_retried_batch_is_stored_once,
    an_id_reused_for_other_content_is_refused,
    an_empty_batch_is_refused,
    read_all_returns_every_stream_in_commit_order,
    an_intact_log_verifies,
    an_edited_event_breaks_the_chain,
    a_removed_event_breaks_the_chain,
    reordered_events_break_the_chain,
    a_removed_last_event_breaks_the_chain,
    truncating_history_changes_the_epoch,
    checkpoints_are_durable,
    a_subscription_wakes_on_a_hint_without_polling,
    a_reader_from_the_end_gets_only_what_comes_later,
    a_person_key_is_made_once,
    racing_callers_get_the_same_person_key,
    a_forgotten_person_key_is_gone_for_good,
    forgetting_an_unknown_person_changes_nothing,
    credentials_are_unique_per_account_and_email,
    removing_credentials_ends_their_sessions,
    a_session_is_found_by_its_token_hash_until_it_expires,
    a_session_needs_credentials,
    a_server_secret_is_made_once,
);

async fn appends_and_reads_a_stream(h: Harness) {
    let first = h
        .log
        .append(
            "circle-a",
            ExpectedVersion::Exact(0),
            &[event("Created", 1), event("Joined", 2)],
        )
        .await
        .unwrap();
    assert_eq!(first.stream_version, 2);
    assert!(!first.duplicate);
    let second = h
        .log
        .append("circle-a", ExpectedVersion::Exact(2), &[event("Posted", 3)])
        .await
        .unwrap();
    assert_eq!(second.stream_version, 3);
    assert_eq!(second.epoch, first.epoch, "appends keep the epoch");
    assert!(second.first_position > first.last_position);

    let all = h.log.read_stream("circle-a", 1, 100).await.unwrap();
    let seen: Vec<(u64, &str, u64)> = all
        .iter()
        .map(|e| {
            (
                e.version,
                e.event_type.as_str(),
                e.payload()["n"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![(1, "Created", 1), (2, "Joined", 2), (3, "Posted", 3)]
    );
    assert_eq!(all[0].metadata(), &json!({}));

    let tail = h.log.read_stream("circle-a", 3, 100).await.unwrap();
    assert_eq!(tail.len(), 1);
    assert_eq!(tail[0].version, 3);
    assert_eq!(
        h.log.read_stream("circle-a", 1, 2).await.unwrap().len(),
        2,
        "limit is honoured"
    );
    assert!(h
        .log
        .read_stream("circle-none", 1, 10)
        .await
        .unwrap()
        .is_empty());

    let head = h.log.stream_head("circle-a").await.unwrap().unwrap();
    assert_eq!(head.version, 3);
    assert_eq!(head.head_hash, all[2].hash());
    assert!(h.log.stream_head("circle-none").await.unwrap().is_none());

    let any = h
        .log
        .append("circle-a", ExpectedVersion::Any, &[event("Posted", 4)])
        .await
        .unwrap();
    assert_eq!(any.stream_version, 4, "Any appends at the end");
}

async fn a_stale_expected_version_is_a_conflict_and_writes_nothing(h: Harness) {
    h.log
        .append(
            "s",
            ExpectedVersion::Exact(0),
            &[event("A", 1), event("B", 2)],
        )
        .await
        .unwrap();
    let err = h
        .log
        .append("s", ExpectedVersion::Exact(1), &[event("C", 3)])
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict {
            stream,
            expected,
            actual,
        } => {
            assert_eq!((stream.as_str(), expected, actual), ("s", 1, 2));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let err = h
        .log
        .append("s", ExpectedVersion::Exact(0), &[event("C", 3)])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { actual: 2, .. }),
        "{err:?}"
    );
    assert_eq!(h.log.read_stream("s", 1, 10).await.unwrap().len(), 2);

    let err = h
        .log
        .append("new", ExpectedVersion::Exact(4), &[event("A", 1)])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { actual: 0, .. }),
        "{err:?}"
    );
    assert!(
        h.log.stream_head("new").await.unwrap().is_none(),
        "a refused append creates no stream"
    );
    assert_eq!(read_everything(h.log.as_ref()).await.len(), 2);
}

async fn a_retried_batch_is_stored_once(h: Harness) {
    let batch = [event("A", 1), event("B", 2)];
    let first = h
        .log
        .append("s", ExpectedVersion::Exact(0), &batch)
        .await
        .unwrap();
    h.log
        .append("s", ExpectedVersion::Exact(2), &[event("C", 3)])
        .await
        .unwrap();
    // The writer never heard back and sends the same batch with its old expectation.
    let again = h
        .log
        .append("s", ExpectedVersion::Exact(0), &batch)
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(
        (
            again.stream_version,
            again.first_position,
            again.last_position
        ),
        (
            first.stream_version,
            first.first_position,
            first.last_position
        )
    );
    assert_eq!(h.log.read_stream("s", 1, 10).await.unwrap().len(), 3);
    assert_eq!(read_everything(h.log.as_ref()).await.len(), 3);
}

async fn an_id_reused_for_other_content_is_refused(h: Harness) {
    let original = event("A", 1);
    h.log
        .append(
            "s",
            ExpectedVersion::Exact(0),
            std::slice::from_ref(&original),
        )
        .await
        .unwrap();

    let mut changed = original.clone();
    changed.payload = json!({ "n": 2 });
    let err = h
        .log
        .append("s", ExpectedVersion::Any, &[changed])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::EventIdReused(id) if id == original.event_id),
        "{err:?}"
    );

    let err = h
        .log
        .append(
            "other",
            ExpectedVersion::Exact(0),
            std::slice::from_ref(&original),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::EventIdReused(_)),
        "the same event in another stream: {err:?}"
    );

    // A batch of which only a part was stored before is not a retry either.
    let err = h
        .log
        .append("s", ExpectedVersion::Exact(0), &[original, event("B", 2)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::EventIdReused(_)), "{err:?}");

    assert_eq!(read_everything(h.log.as_ref()).await.len(), 1);
    assert!(h.log.stream_head("other").await.unwrap().is_none());
}

async fn an_empty_batch_is_refused(h: Harness) {
    let err = h
        .log
        .append("s", ExpectedVersion::Any, &[])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::EmptyBatch), "{err:?}");
}

async fn read_all_returns_every_stream_in_commit_order(h: Harness) {
    let mut written = vec![];
    for n in 0..30u64 {
        let stream = format!("s{}", n % 4);
        let appended = h
            .log
            .append(&stream, ExpectedVersion::Any, &[event("E", n)])
            .await
            .unwrap();
        written.push((stream, appended.stream_version, n));
    }
    let all = read_everything(h.log.as_ref()).await;
    let read: Vec<(String, u64, u64)> = all
        .iter()
        .map(|e| {
            (
                e.stream_id.clone(),
                e.version,
                e.payload()["n"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        read, written,
        "sequential appends come back in the order they committed"
    );

    // Paging with the cursor gives the same events.
    let mut paged = vec![];
    let mut cursor = GlobalCursor::START;
    loop {
        let page = h.log.read_all(cursor, 7).await.unwrap();
        let Some(last) = page.last() else { break };
        cursor = last.cursor();
        paged.extend(page.into_iter().map(|e| e.event_id));
    }
    assert_eq!(paged, all.iter().map(|e| e.event_id).collect::<Vec<_>>());
}

async fn write_three(h: &Harness) {
    h.log
        .append(
            "s",
            ExpectedVersion::Exact(0),
            &[event("A", 1), event("B", 2), event("C", 3), event("D", 4)],
        )
        .await
        .unwrap();
    h.log
        .append("t", ExpectedVersion::Exact(0), &[event("X", 1)])
        .await
        .unwrap();
}

async fn an_intact_log_verifies(h: Harness) {
    write_three(&h).await;
    let report = verify_all(h.log.as_ref()).await.unwrap();
    assert_eq!((report.streams, report.events), (2, 5));
    assert!(report.is_intact(), "{:?}", report.breaks);
}

async fn broken_at(h: &Harness) -> (u64, String) {
    let (_, problem) = verify_stream(h.log.as_ref(), "s").await.unwrap();
    let problem = problem.expect("the change is detected");
    let report = verify_all(h.log.as_ref()).await.unwrap();
    assert_eq!(
        report.breaks.len(),
        1,
        "only the damaged stream is reported"
    );
    (problem.version, problem.reason)
}

async fn an_edited_event_breaks_the_chain(h: Harness) {
    write_three(&h).await;
    h.tamper(r#"UPDATE events SET payload = '{"n":20}' WHERE stream_id = 's' AND version = 2"#)
        .await;
    let (version, reason) = broken_at(&h).await;
    assert_eq!(version, 3, "{reason}");
}

async fn a_removed_event_breaks_the_chain(h: Harness) {
    write_three(&h).await;
    h.tamper("DELETE FROM events WHERE stream_id = 's' AND version = 2")
        .await;
    let (version, reason) = broken_at(&h).await;
    assert_eq!(version, 2, "{reason}");
    assert!(reason.contains("missing"), "{reason}");
}

async fn reordered_events_break_the_chain(h: Harness) {
    write_three(&h).await;
    h.tamper(
        "UPDATE events SET version = -1 WHERE stream_id = 's' AND version = 2;
         UPDATE events SET version = 2 WHERE stream_id = 's' AND version = 3;
         UPDATE events SET version = 3 WHERE stream_id = 's' AND version = -1;",
    )
    .await;
    let (version, _) = broken_at(&h).await;
    assert_eq!(version, 2);
}

async fn a_removed_last_event_breaks_the_chain(h: Harness) {
    write_three(&h).await;
    h.tamper("DELETE FROM events WHERE stream_id = 's' AND version = 4")
        .await;
    let (version, _) = broken_at(&h).await;
    assert_eq!(version, 4);
}

async fn truncating_history_changes_the_epoch(h: Harness) {
    write_three(&h).await;
    let before = h.log.stream_head("s").await.unwrap().unwrap();
    let after = h.log.truncate_before("s", 3).await.unwrap();
    assert_ne!(after.epoch, before.epoch, "readers learn history was cut");
    assert_eq!((after.first_version, after.version), (3, 4));
    let left: Vec<u64> = h
        .log
        .read_stream("s", 1, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.version)
        .collect();
    assert_eq!(left, vec![3, 4]);
    assert!(
        verify_all(h.log.as_ref()).await.unwrap().is_intact(),
        "the chain continues from its base"
    );
    let next = h
        .log
        .append("s", ExpectedVersion::Exact(4), &[event("E", 5)])
        .await
        .unwrap();
    assert_eq!((next.stream_version, next.epoch), (5, after.epoch));

    for bad in [1, 3, 9] {
        let err = h.log.truncate_before("s", bad).await.unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidTruncation { .. }),
            "{bad}: {err:?}"
        );
    }
    assert!(matches!(
        h.log.truncate_before("none", 2).await.unwrap_err(),
        StoreError::StreamNotFound(_)
    ));
}

async fn checkpoints_are_durable(h: Harness) {
    assert_eq!(
        h.log.load_checkpoint("views").await.unwrap(),
        GlobalCursor::START
    );
    let at = GlobalCursor {
        xid: 7,
        position: 42,
    };
    h.log.save_checkpoint("views", at).await.unwrap();
    let moved = GlobalCursor {
        xid: 8,
        position: 50,
    };
    h.log.save_checkpoint("views", moved).await.unwrap();
    let reopened = h.reopen().await;
    assert_eq!(reopened.load_checkpoint("views").await.unwrap(), moved);
    assert_eq!(
        reopened.load_checkpoint("other").await.unwrap(),
        GlobalCursor::START
    );
}

async fn a_subscription_wakes_on_a_hint_without_polling(h: Harness) {
    // Polling once an hour: only the doorbell can wake the reader in time.
    let mut sub = Subscription::open(h.log.clone(), "test")
        .await
        .unwrap()
        .poll_every(Duration::from_secs(3600));
    let reader = tokio::spawn(async move { sub.next_batch().await.unwrap() });
    // Let the reader find the log empty first, then append.
    tokio::task::yield_now().await;
    h.log
        .append("s", ExpectedVersion::Any, &[event("A", 1)])
        .await
        .unwrap();
    let batch = within(WAIT, "the woken subscription", reader)
        .await
        .unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].event_type, "A");
}

async fn a_reader_from_the_end_gets_only_what_comes_later(h: Harness) {
    for n in 1..=3 {
        h.log
            .append("before", ExpectedVersion::Any, &[event("Old", n)])
            .await
            .unwrap();
    }
    let mut sub = Subscription::from_end(h.log.clone())
        .await
        .unwrap()
        .poll_every(Duration::from_secs(3600));
    h.log
        .append(
            "after",
            ExpectedVersion::Any,
            &[event("New", 1), event("New", 2)],
        )
        .await
        .unwrap();
    // On Postgres the end is the readable horizon, which a transaction of
    // another database in the same cluster can hold back: events committed
    // just before may come too. Nothing after the start is ever missed.
    let mut seen = vec![];
    while seen.iter().filter(|(stream, _)| stream == "after").count() < 2 {
        for e in within(WAIT, "the next events", sub.next_batch())
            .await
            .unwrap()
        {
            seen.push((e.stream_id.clone(), e.version));
        }
    }
    let after: Vec<_> = seen.iter().filter(|(s, _)| s == "after").collect();
    assert_eq!(after, [&("after".to_owned(), 1), &("after".to_owned(), 2)]);
    if !h.is_postgres() {
        assert!(seen.iter().all(|(s, _)| s == "after"), "{seen:?}");
    }
    // It remembers nothing: a checkpoint stores no reader.
    sub.checkpoint().await.unwrap();
    assert_eq!(
        h.log.load_checkpoint("").await.unwrap(),
        GlobalCursor::START
    );
}

async fn a_person_key_is_made_once(h: Harness) {
    let person = Uuid::new_v4();
    assert_eq!(h.log.person_key(person).await.unwrap(), PersonKey::Missing);
    let first = h.log.ensure_person_key(person, &[1; 32]).await.unwrap();
    assert_eq!(first, PersonKey::Active(vec![1; 32]));
    let second = h.log.ensure_person_key(person, &[2; 32]).await.unwrap();
    assert_eq!(second, first, "a second call keeps the first key");
    assert_eq!(h.log.person_key(person).await.unwrap(), first);
    assert_eq!(
        h.reopen().await.person_key(person).await.unwrap(),
        first,
        "keys are durable"
    );
}

async fn racing_callers_get_the_same_person_key(h: Harness) {
    let person = Uuid::new_v4();
    let racers: Vec<_> = (0..16u8)
        .map(|n| {
            let log = h.log.clone();
            tokio::spawn(async move { log.ensure_person_key(person, &[n; 32]).await })
        })
        .collect();
    let mut keys = vec![];
    for racer in racers {
        keys.push(racer.await.unwrap().unwrap());
    }
    let stored = h.log.person_key(person).await.unwrap();
    assert!(matches!(stored, PersonKey::Active(_)), "{stored:?}");
    assert!(
        keys.iter().all(|k| *k == stored),
        "every racer got the stored key"
    );
}

async fn a_forgotten_person_key_is_gone_for_good(h: Harness) {
    let person = Uuid::new_v4();
    let bystander = Uuid::new_v4();
    h.log.ensure_person_key(person, &[7; 32]).await.unwrap();
    h.log.ensure_person_key(bystander, &[8; 32]).await.unwrap();

    assert!(h.eraser().await.forget_person_key(person).await.unwrap());
    assert_eq!(
        h.log.person_key(person).await.unwrap(),
        PersonKey::Forgotten
    );
    assert_eq!(
        h.log.ensure_person_key(person, &[9; 32]).await.unwrap(),
        PersonKey::Forgotten,
        "no new key for a forgotten person"
    );
    assert_eq!(
        h.log.person_key(person).await.unwrap(),
        PersonKey::Forgotten
    );
    assert!(
        !h.eraser().await.forget_person_key(person).await.unwrap(),
        "forgetting twice destroys nothing more"
    );
    assert_eq!(
        h.reopen().await.person_key(person).await.unwrap(),
        PersonKey::Forgotten,
        "the tombstone is durable"
    );
    assert_eq!(
        h.log.person_key(bystander).await.unwrap(),
        PersonKey::Active(vec![8; 32]),
        "other people keep their keys"
    );
}

async fn forgetting_an_unknown_person_changes_nothing(h: Harness) {
    let person = Uuid::new_v4();
    assert!(!h.eraser().await.forget_person_key(person).await.unwrap());
    assert_eq!(h.log.person_key(person).await.unwrap(), PersonKey::Missing);
    assert_eq!(
        h.log.ensure_person_key(person, &[3; 32]).await.unwrap(),
        PersonKey::Active(vec![3; 32]),
        "a person who was never known can still get a key"
    );
}

async fn views_commit_with_their_checkpoint(h: Harness) {
    use kring_store::ViewRow;
    let row = |key: &str, version: u64, body: &str| ViewRow {
        kind: "circle".into(),
        key: key.into(),
        version,
        body: body.into(),
    };
    let at = GlobalCursor {
        xid: 3,
        position: 9,
    };
    h.log
        .commit_views("views", at, &[row("a", 1, "{}"), row("b", 2, "[]")])
        .await
        .unwrap();
    h.log
        .commit_views(
            "views",
            GlobalCursor {
                xid: 3,
                position: 10,
            },
            &[row("a", 3, "{\"x\":1}")],
        )
        .await
        .unwrap();
    assert_eq!(
        h.log.load_view("circle", "a").await.unwrap(),
        Some(row("a", 3, "{\"x\":1}"))
    );
    assert_eq!(h.log.load_view("circle", "none").await.unwrap(), None);
    let all = h.log.load_views("circle").await.unwrap();
    assert_eq!(all, vec![row("a", 3, "{\"x\":1}"), row("b", 2, "[]")]);
    assert_eq!(
        h.log.load_checkpoint("views").await.unwrap(),
        GlobalCursor {
            xid: 3,
            position: 10
        }
    );
    h.log.clear_views("views").await.unwrap();
    assert!(h.log.load_views("circle").await.unwrap().is_empty());
    assert_eq!(
        h.log.load_checkpoint("views").await.unwrap(),
        GlobalCursor::START
    );
}

/// Reading the whole log gives each event exactly as its stream holds it,
/// whatever its text: quotes, backslashes, escapes, other scripts, emoji.
async fn the_whole_log_reads_every_event_as_its_stream_does(h: Harness) {
    let texts = [
        "plain",
        "she said \"tomorrow\" \\ then left",
        "tab\tnew line\n\u{1} control",
        "Zoë, 李, مرحبا, 🚲",
        "\\u00e9 is not é",
    ];
    for (n, text) in texts.iter().enumerate() {
        let event = NewEvent::new("Noted", json!({ "text": text, "n": n }))
            .with_metadata(json!({ "actor": format!("ann \"{n}\"") }));
        h.log
            .append(&format!("s{}", n % 2), ExpectedVersion::Any, &[event])
            .await
            .unwrap();
    }
    let all = read_everything(h.log.as_ref()).await;
    assert_eq!(all.len(), texts.len());
    for (n, event) in all.iter().enumerate() {
        assert_eq!(event.payload()["text"], texts[n], "{event:?}");
        let in_stream = h
            .log
            .read_stream(&event.stream_id, event.version, 1)
            .await
            .unwrap();
        assert_eq!(in_stream, vec![event.clone()]);
        assert_eq!(in_stream[0].hash(), event.hash());
    }
}

/// A rebuild stores every view in one commit, sent in several statements.
async fn a_thousand_views_commit_at_once(h: Harness) {
    use kring_store::ViewRow;
    let rows: Vec<ViewRow> = (0..1_000u64)
        .map(|n| ViewRow {
            kind: "circle".into(),
            key: format!("{n:04}"),
            version: n + 1,
            body: format!("{{\"n\":{n},\"text\":\"{}\"}}", "x".repeat(n as usize)),
        })
        .collect();
    let at = GlobalCursor {
        xid: 1,
        position: 1_000,
    };
    h.log.commit_views("views", at, &rows).await.unwrap();
    assert_eq!(h.log.load_views("circle").await.unwrap(), rows);
    assert_eq!(h.log.load_checkpoint("views").await.unwrap(), at);
    // An older version of a view never overwrites a newer one, in any statement.
    let mut older = rows.clone();
    for row in &mut older {
        row.version -= 1;
        row.body = "{}".into();
    }
    h.log.commit_views("views", at, &older).await.unwrap();
    assert_eq!(h.log.load_views("circle").await.unwrap(), rows);
    // A view's version alone, as stored (none for a view never stored).
    assert_eq!(
        h.log.view_version("circle", "0041").await.unwrap(),
        Some(42)
    );
    assert_eq!(h.log.view_version("circle", "nope").await.unwrap(), None);
    assert_eq!(
        h.log.view_version("organisation", "0041").await.unwrap(),
        None
    );
}

/// After a full page the next is read ahead; what the reader gets is the log
/// in order all the same, and a rewind drops what was read ahead.
async fn pages_read_ahead_arrive_in_order_and_a_rewind_reads_again(h: Harness) {
    for n in 1..=7 {
        h.log
            .append("s", ExpectedVersion::Any, &[event("E", n)])
            .await
            .unwrap();
    }
    read_everything(h.log.as_ref()).await;
    let mut sub = Subscription::open(h.log.clone(), "test")
        .await
        .unwrap()
        .batch_size(3);
    let mut pages = vec![];
    loop {
        let page = next_versions(&mut sub).await;
        if page.is_empty() {
            break;
        }
        pages.push(page);
    }
    assert_eq!(pages, vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]]);

    let mut sub = Subscription::open(h.log.clone(), "test")
        .await
        .unwrap()
        .batch_size(3);
    let start = sub.cursor();
    let page = sub.try_batch().await.unwrap();
    let after_first = sub.cursor();
    assert_eq!(page.len(), 3);
    sub.rewind(start);
    let again = next_versions(&mut sub).await;
    assert_eq!(
        again,
        vec![1, 2, 3],
        "read again from where it was rewound to"
    );
    assert_eq!(sub.cursor(), after_first);
    assert_eq!(next_versions(&mut sub).await, vec![4, 5, 6]);
}

/// The versions of the subscription's next page.
async fn next_versions(sub: &mut Subscription) -> Vec<u64> {
    let page = sub.try_batch().await.unwrap();
    page.iter().map(|e| e.version).collect()
}

async fn one_process_leads_at_a_time(h: Harness) {
    let other = if h.is_postgres() {
        h.reopen().await
    } else {
        h.log.clone()
    };
    let mut lease = h
        .log
        .try_lead("projector")
        .await
        .unwrap()
        .expect("nobody leads yet");
    assert!(
        other.try_lead("projector").await.unwrap().is_none(),
        "a second leader is refused"
    );
    assert!(
        other.try_lead("mailer").await.unwrap().is_some(),
        "leases are per name"
    );
    assert!(lease.still_held().await);
    drop(lease);
    within(WAIT, "the lease to be released", async {
        loop {
            if other.try_lead("projector").await.unwrap().is_some() {
                return;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
}

async fn credentials_are_unique_per_account_and_email(h: Harness) {
    let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
    assert!(h
        .log
        .credentials_by_email("lookup-ann")
        .await
        .unwrap()
        .is_none());
    assert!(h
        .log
        .add_credentials(ann, "lookup-ann", "$argon2id$ann")
        .await
        .unwrap());
    let stored = h
        .log
        .credentials_by_email("lookup-ann")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(stored.account, ann);
    assert_eq!(stored.email_lookup, "lookup-ann");
    assert_eq!(stored.password_hash, "$argon2id$ann");
    assert!((chrono::Utc::now() - stored.created_at).num_seconds().abs() < 60);
    assert!(
        !format!("{stored:?}").contains("$argon2id"),
        "a password hash stays out of log lines"
    );

    assert!(
        !h.log
            .add_credentials(bob, "lookup-ann", "$argon2id$bob")
            .await
            .unwrap(),
        "one account per e-mail address"
    );
    assert!(
        !h.log
            .add_credentials(ann, "lookup-other", "$argon2id$ann2")
            .await
            .unwrap(),
        "one e-mail address per account"
    );
    let again = h.log.credentials_by_email("lookup-ann").await.unwrap();
    assert_eq!(again, Some(stored), "a refused insert changes nothing");
    assert!(h
        .log
        .credentials_by_email("lookup-other")
        .await
        .unwrap()
        .is_none());
    assert!(h
        .reopen()
        .await
        .credentials_by_email("lookup-ann")
        .await
        .unwrap()
        .is_some());
}

async fn removing_credentials_ends_their_sessions(h: Harness) {
    let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    let now = chrono::Utc::now();
    h.log.add_credentials(ann, "ann", "h").await.unwrap();
    h.log.add_credentials(bob, "bob", "h").await.unwrap();
    h.log.start_session(&[1; 32], ann, later).await.unwrap();
    h.log.start_session(&[2; 32], ann, later).await.unwrap();
    h.log.start_session(&[3; 32], bob, later).await.unwrap();

    assert!(h.log.remove_credentials(ann).await.unwrap());
    assert!(
        !h.log.remove_credentials(ann).await.unwrap(),
        "already gone"
    );
    assert!(h.log.credentials_by_email("ann").await.unwrap().is_none());
    assert!(h.log.session(&[1; 32], now).await.unwrap().is_none());
    assert!(h.log.session(&[2; 32], now).await.unwrap().is_none());
    assert!(
        h.log.session(&[3; 32], now).await.unwrap().is_some(),
        "other accounts keep their sessions"
    );
    assert!(
        h.log
            .add_credentials(Uuid::new_v4(), "ann", "h")
            .await
            .unwrap(),
        "the e-mail address is free again"
    );
}

async fn a_session_is_found_by_its_token_hash_until_it_expires(h: Harness) {
    let ann = Uuid::new_v4();
    h.log.add_credentials(ann, "ann", "h").await.unwrap();
    let now = chrono::Utc::now();
    // Whole microseconds: what both backends store.
    let expires = chrono::DateTime::from_timestamp_micros(
        (now + chrono::Duration::hours(1)).timestamp_micros(),
    )
    .unwrap();
    h.log.start_session(&[7; 32], ann, expires).await.unwrap();
    h.log
        .start_session(&[8; 32], ann, now - chrono::Duration::seconds(1))
        .await
        .unwrap();

    let found = h.log.session(&[7; 32], now).await.unwrap();
    assert_eq!(
        found,
        Some(kring_store::Session {
            account: ann,
            expires_at: expires
        })
    );
    assert!(
        h.log.session(&[9; 32], now).await.unwrap().is_none(),
        "unknown token"
    );
    assert!(
        h.log.session(&[8; 32], now).await.unwrap().is_none(),
        "an expired session is no session"
    );
    assert!(
        h.log.session(&[7; 32], expires).await.unwrap().is_none(),
        "a session ends at its expiry"
    );
    assert!(
        h.log.start_session(&[7; 32], ann, expires).await.is_err(),
        "a token hash is stored once"
    );

    assert_eq!(h.log.end_expired_sessions(now).await.unwrap(), 1);
    assert_eq!(h.log.end_expired_sessions(now).await.unwrap(), 0);
    assert!(h.log.session(&[7; 32], now).await.unwrap().is_some());
    assert!(h.log.end_session(&[7; 32]).await.unwrap());
    assert!(!h.log.end_session(&[7; 32]).await.unwrap(), "already ended");
    assert!(h.log.session(&[7; 32], now).await.unwrap().is_none());
}

async fn a_session_needs_credentials(h: Harness) {
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    assert!(h
        .log
        .start_session(&[1; 32], Uuid::new_v4(), later)
        .await
        .is_err());
    assert!(h
        .log
        .session(&[1; 32], chrono::Utc::now())
        .await
        .unwrap()
        .is_none());
}

async fn a_server_secret_is_made_once(h: Harness) {
    let first = h
        .log
        .ensure_server_secret("email_lookup", &[1; 32])
        .await
        .unwrap();
    assert_eq!(first, vec![1; 32]);
    let second = h
        .log
        .ensure_server_secret("email_lookup", &[2; 32])
        .await
        .unwrap();
    assert_eq!(second, first, "a second call keeps the first secret");
    assert_eq!(
        h.log.ensure_server_secret("other", &[3; 32]).await.unwrap(),
        vec![3; 32],
        "secrets are per name"
    );
    let racers: Vec<_> = (10..18u8)
        .map(|n| {
            let log = h.log.clone();
            tokio::spawn(async move { log.ensure_server_secret("raced", &[n; 32]).await })
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for racer in racers {
        seen.insert(racer.await.unwrap().unwrap());
    }
    assert_eq!(seen.len(), 1, "racing callers get the same secret");
    assert_eq!(
        h.reopen()
            .await
            .ensure_server_secret("email_lookup", &[4; 32])
            .await
            .unwrap(),
        first,
        "secrets are durable"
    );
}
