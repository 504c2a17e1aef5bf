//! Many writers and one tailer: the tailer sees every committed event exactly
//! once, and each stream in version order, even when transactions commit out of
//! position order.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use common::{event, within, Harness, WAIT};
use kring_store::{verify_all, ExpectedVersion, RecordedEvent, StoreError, Subscription};
use kring_testkit::on_both_backends;
use sqlx::Row;
use uuid::Uuid;

const WRITERS: u64 = 16;
const STREAMS: u64 = 200;
const APPENDS_PER_WRITER: u64 = 40;

on_both_backends!(
    sixteen_writers_over_two_hundred_streams_and_a_tailer,
    appends_sent_together_keep_their_own_outcomes,
);

async fn sixteen_writers_over_two_hundred_streams_and_a_tailer(h: Harness) {
    let outcome = run_workload(&h, 0).await;
    outcome.check();
}

/// On Postgres, two writers hold their transaction open (and so an early
/// position) while the others commit later positions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_late_commits_with_earlier_positions_are_not_skipped() {
    let h = Harness::postgres().await;
    let outcome = run_workload(&h, 2).await;
    outcome.check();
    assert!(
        outcome.overtaken.load(Ordering::SeqCst) > 0,
        "the test must include a slow transaction overtaken by later positions"
    );
}

/// An event committed behind an older, still open transaction cannot be read
/// yet, but `last_committed` already names it: a reader that waits until its
/// cursor reaches that point misses nothing committed before it asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_last_committed_names_an_event_still_held_back() {
    let h = Harness::postgres().await;
    let holder = sqlx::PgPool::connect(&h.url).await.unwrap();
    let mut open = holder.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *open)
        .await
        .unwrap();
    let appended = h
        .log
        .append("late", ExpectedVersion::Exact(0), &[event("Late", 1)])
        .await
        .unwrap();
    let readable = h
        .log
        .read_all(kring_store::GlobalCursor::START, 10)
        .await
        .unwrap();
    assert!(readable.is_empty(), "held back behind the open transaction");
    let target = h.log.last_committed().await.unwrap();
    assert_eq!(target.position, appended.last_position);
    assert!(h.log.end_cursor().await.unwrap() < target);

    open.rollback().await.unwrap();
    let everything = common::read_everything(h.log.as_ref()).await;
    assert_eq!(everything.len(), 1);
    assert_eq!(everything[0].cursor(), target);
}

struct Outcome {
    acknowledged: Vec<Uuid>,
    seen: Vec<RecordedEvent>,
    overtaken: Arc<AtomicU64>,
}

impl Outcome {
    fn check(&self) {
        let seen_ids: Vec<Uuid> = self.seen.iter().map(|e| e.event_id).collect();
        let unique: HashSet<Uuid> = seen_ids.iter().copied().collect();
        assert_eq!(unique.len(), seen_ids.len(), "no event is delivered twice");
        let acknowledged: HashSet<Uuid> = self.acknowledged.iter().copied().collect();
        assert_eq!(
            unique, acknowledged,
            "every acknowledged event is delivered, and nothing else"
        );
        let mut last_version: HashMap<&str, u64> = HashMap::new();
        for e in &self.seen {
            let last = last_version.entry(&e.stream_id).or_insert(0);
            assert_eq!(
                e.version,
                *last + 1,
                "{} arrives in version order",
                e.stream_id
            );
            *last = e.version;
        }
    }
}

async fn run_workload(h: &Harness, slow_writers: u64) -> Outcome {
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let fast_acks = Arc::new(watch::channel(0u64).0);
    let overtaken = Arc::new(AtomicU64::new(0));

    let mut writers = vec![];
    for w in 0..WRITERS {
        let log = h.log.clone();
        let acknowledged = acknowledged.clone();
        let fast_acks = fast_acks.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..APPENDS_PER_WRITER {
                let stream = format!("circle-{}", (w * 31 + i * 17) % STREAMS);
                let batch: Vec<_> = (0..1 + (w + i) % 3)
                    .map(|k| event("E", w * 1000 + i * 10 + k))
                    .collect();
                log.append(&stream, ExpectedVersion::Any, &batch)
                    .await
                    .unwrap();
                acknowledged
                    .lock()
                    .unwrap()
                    .extend(batch.iter().map(|e| e.event_id));
                fast_acks.send_modify(|n| *n += 1);
            }
        }));
    }
    for s in 0..slow_writers {
        let url = h.url.clone();
        let acknowledged = acknowledged.clone();
        let fast_acks = fast_acks.clone();
        let overtaken = overtaken.clone();
        writers.push(tokio::spawn(async move {
            slow_writer(&url, s, &acknowledged, &fast_acks, &overtaken).await
        }));
    }

    let total_events: usize = {
        let per_fast: u64 = (0..WRITERS)
            .flat_map(|w| (0..APPENDS_PER_WRITER).map(move |i| 1 + (w + i) % 3))
            .sum();
        (per_fast + slow_writers * SLOW_APPENDS) as usize
    };
    let mut sub = Subscription::open(h.log.clone(), "tailer")
        .await
        .unwrap()
        .batch_size(64)
        .poll_every(Duration::from_millis(200));
    let tailer = tokio::spawn(async move {
        let mut seen = vec![];
        while seen.len() < total_events {
            seen.extend(sub.next_batch().await.unwrap());
        }
        seen
    });
    for w in writers {
        within(WAIT, "the writers", w).await.unwrap();
    }
    let seen = within(WAIT, "the tailer to see every event", tailer)
        .await
        .unwrap();
    let acknowledged = acknowledged.lock().unwrap().clone();
    Outcome {
        acknowledged,
        seen,
        overtaken,
    }
}

const SLOW_APPENDS: u64 = 5;

/// Appends inside an explicit transaction and commits only after the fast
/// writers have committed more appends, which took later positions.
async fn slow_writer(
    url: &str,
    s: u64,
    acknowledged: &Mutex<Vec<Uuid>>,
    fast_acks: &watch::Sender<u64>,
    overtaken: &AtomicU64,
) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let target_total = WRITERS * APPENDS_PER_WRITER;
    for i in 0..SLOW_APPENDS {
        let e = event("Slow", s * 100 + i);
        let mut tx = pool.begin().await.unwrap();
        let row =
            sqlx::query("SELECT last_position FROM append_events($1, NULL, $2, $3, $4, $5, $6)")
                .bind(format!("slow-{s}"))
                .bind(vec![e.event_id])
                .bind(vec![e.event_type.clone()])
                .bind(vec![1i32])
                .bind(vec![serde_json::to_string(&e.payload).unwrap()])
                .bind(vec![serde_json::to_string(&e.metadata).unwrap()])
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        let my_position: i64 = row.get(0);
        // Hold the transaction until a few fast appends committed after us (or all are done).
        let mut acks = fast_acks.subscribe();
        let enough = (*acks.borrow() + 20).min(target_total);
        within(
            WAIT,
            "fast writers to overtake",
            acks.wait_for(|n| *n >= enough),
        )
        .await
        .unwrap();
        let later: i64 = sqlx::query_scalar("SELECT coalesce(max(position), 0) FROM events")
            .fetch_one(&pool)
            .await
            .unwrap();
        if later > my_position {
            overtaken.fetch_add(1, Ordering::SeqCst);
        }
        tx.commit().await.unwrap();
        acknowledged.lock().unwrap().push(e.event_id);
    }
}

/// Appends sent at the same time (on Postgres, written in one transaction when
/// they queue up together) each get their own answer: a retried batch, a
/// conflict and a reused event id, and the appends beside them are stored.
async fn appends_sent_together_keep_their_own_outcomes(h: Harness) {
    let retried = [event("A", 1), event("B", 2)];
    let first = h
        .log
        .append("s", ExpectedVersion::Exact(0), &retried)
        .await
        .unwrap();
    let taken = event("X", 3);
    h.log
        .append("t", ExpectedVersion::Exact(0), std::slice::from_ref(&taken))
        .await
        .unwrap();

    // Left out of a transaction that writes the others.
    let outcomes = send_together(
        &h,
        vec![
            ("s", ExpectedVersion::Exact(0), retried.to_vec()),
            ("s", ExpectedVersion::Exact(1), vec![event("C", 4)]),
            ("t", ExpectedVersion::Any, vec![event("Y", 5)]),
        ],
        "one",
    )
    .await;
    let again = outcomes[0].as_ref().unwrap();
    assert!(again.duplicate, "the retried batch is not stored twice");
    assert_eq!(
        (again.first_position, again.last_position),
        (first.first_position, first.last_position)
    );
    assert!(
        matches!(outcomes[1], Err(StoreError::Conflict { actual: 2, .. })),
        "{:?}",
        outcomes[1]
    );
    assert_eq!(outcomes[2].as_ref().unwrap().stream_version, 2);

    // Refusing a whole transaction, whose other appends are then stored one by one.
    let mut reused = taken.clone();
    reused.payload = serde_json::json!({ "n": 6 });
    let outcomes = send_together(
        &h,
        vec![("u", ExpectedVersion::Exact(0), vec![reused])],
        "two",
    )
    .await;
    assert!(
        matches!(outcomes[0], Err(StoreError::EventIdReused(id)) if id == taken.event_id),
        "{:?}",
        outcomes[0]
    );

    let stored = common::read_everything(h.log.as_ref()).await;
    assert_eq!(
        stored.len(),
        2 + 1 + 1 + 2 * 36,
        "Y and every fresh event, nothing else"
    );
    assert!(h.log.stream_head("u").await.unwrap().is_none());
    let report = verify_all(h.log.as_ref()).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.breaks);
}

/// Sends `appends` and 24 appends to new streams `<fresh>-<i>` at once; checks
/// the fresh ones and returns the outcomes of `appends`.
async fn send_together(
    h: &Harness,
    appends: Vec<(&str, ExpectedVersion, Vec<kring_store::NewEvent>)>,
    fresh: &str,
) -> Vec<Result<kring_store::Appended, StoreError>> {
    let given = appends.len();
    let mut all: Vec<_> = appends
        .into_iter()
        .map(|(stream, expected, events)| (stream.to_owned(), expected, events))
        .collect();
    for i in 0..24u64 {
        let events = (0..1 + i % 2)
            .map(|k| event("F", 100 + i * 10 + k))
            .collect();
        all.push((format!("{fresh}-{i}"), ExpectedVersion::Exact(0), events));
    }
    let tasks: Vec<_> = all
        .into_iter()
        .map(|(stream, expected, events)| {
            let log = h.log.clone();
            tokio::spawn(async move { log.append(&stream, expected, &events).await })
        })
        .collect();
    let mut outcomes = vec![];
    for task in tasks {
        outcomes.push(within(WAIT, "an append", task).await.unwrap());
    }
    for (i, outcome) in outcomes[given..].iter().enumerate() {
        let appended = outcome.as_ref().unwrap();
        assert!(!appended.duplicate);
        assert_eq!(appended.stream_version, 1 + i as u64 % 2);
    }
    outcomes.truncate(given);
    outcomes
}
