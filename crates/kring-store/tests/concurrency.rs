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
use kring_store::{ExpectedVersion, RecordedEvent, Subscription};
use kring_testkit::on_both_backends;
use sqlx::Row;
use uuid::Uuid;

const WRITERS: u64 = 16;
const STREAMS: u64 = 200;
const APPENDS_PER_WRITER: u64 = 40;

on_both_backends!(sixteen_writers_over_two_hundred_streams_and_a_tailer);

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
