//! Failures: Postgres connections killed under load, and a tailer restarted mid-stream.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{event, read_everything, within, Harness, WAIT};
use kring_store::{verify_all, ExpectedVersion, Subscription};
use kring_testkit::on_both_backends;
use uuid::Uuid;

on_both_backends!(a_restarted_tailer_resumes_from_its_checkpoint);

const WRITERS: u64 = 8;
const STREAMS_PER_WRITER: u64 = 5;
const APPENDS_PER_WRITER: u64 = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backends_terminated_during_appends_lose_and_duplicate_nothing() {
    let h = Harness::postgres().await;
    let acknowledged = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let retries = Arc::new(AtomicU64::new(0));
    let mut writers = vec![];
    for w in 0..WRITERS {
        let log = h.log.clone();
        let acknowledged = acknowledged.clone();
        let retries = retries.clone();
        writers.push(tokio::spawn(async move {
            let mut versions = vec![0u64; STREAMS_PER_WRITER as usize];
            for i in 0..APPENDS_PER_WRITER {
                let s = (i % STREAMS_PER_WRITER) as usize;
                let stream = format!("w{w}-s{s}");
                let batch: Vec<_> = (0..1 + i % 2).map(|k| event("E", i * 10 + k)).collect();
                // Retry the very same batch until the log gives an answer.
                let appended = loop {
                    match log
                        .append(&stream, ExpectedVersion::Exact(versions[s]), &batch)
                        .await
                    {
                        Ok(appended) => break appended,
                        Err(e) if e.is_retryable() => {
                            retries.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) => panic!("append failed for good: {e:?}"),
                    }
                };
                versions[s] = appended.stream_version;
                acknowledged
                    .lock()
                    .unwrap()
                    .extend(batch.iter().map(|e| e.event_id));
            }
        }));
    }
    let writers = futures::future::join_all(writers);

    // Terminate every other session of this database, again and again, while the writers run.
    let killer = sqlx::PgPool::connect(&h.url).await.unwrap();
    let mut killed = 0i64;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tokio::pin!(writers);
    let results = within(WAIT, "the writers under fire", async {
        loop {
            tokio::select! {
                results = &mut writers => return results,
                _ = tick.tick() => {
                    killed += sqlx::query_scalar::<_, i64>(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity \
                         WHERE datname = current_database() AND pid <> pg_backend_pid() \
                           AND backend_type = 'client backend'",
                    )
                    .fetch_one(&killer)
                    .await
                    .unwrap();
                }
            }
        }
    })
    .await;
    for r in results {
        r.unwrap();
    }
    assert!(killed > 0, "sessions were terminated");
    assert!(
        retries.load(Ordering::SeqCst) > 0,
        "some appends were interrupted and retried"
    );

    let stored = read_everything(h.log.as_ref()).await;
    let stored_ids: Vec<Uuid> = stored.iter().map(|e| e.event_id).collect();
    let unique: HashSet<Uuid> = stored_ids.iter().copied().collect();
    assert_eq!(unique.len(), stored_ids.len(), "no event is stored twice");
    let acknowledged: HashSet<Uuid> = acknowledged.lock().unwrap().iter().copied().collect();
    assert_eq!(
        unique, acknowledged,
        "every acknowledged event is stored, and nothing else"
    );
    let report = verify_all(h.log.as_ref()).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.breaks);
    assert_eq!(report.streams, WRITERS * STREAMS_PER_WRITER);
}

async fn a_restarted_tailer_resumes_from_its_checkpoint(h: Harness) {
    let mut written = vec![];
    for n in 0..300u64 {
        let e = event("E", n);
        written.push(e.event_id);
        h.log
            .append(&format!("circle-{}", n % 30), ExpectedVersion::Any, &[e])
            .await
            .unwrap();
    }
    let everything: Vec<Uuid> = read_everything(h.log.as_ref())
        .await
        .iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(everything.len(), 300);

    let mut handled = vec![];
    let mut first = Subscription::open(h.log.clone(), "projector")
        .await
        .unwrap()
        .batch_size(40);
    for _ in 0..3 {
        handled.extend(
            first
                .next_batch()
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.event_id),
        );
    }
    first.checkpoint().await.unwrap();
    // One more batch is handed out, then the tailer dies before its checkpoint.
    let lost = first.next_batch().await.unwrap();
    assert_eq!(lost.len(), 40);
    drop(first);

    let restarted = h.reopen().await;
    let mut second = Subscription::open(restarted, "projector")
        .await
        .unwrap()
        .batch_size(40);
    let mut after_restart = vec![];
    within(WAIT, "the restarted tailer to finish", async {
        while handled.len() + after_restart.len() < 300 {
            after_restart.extend(
                second
                    .next_batch()
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|e| e.event_id),
            );
        }
    })
    .await;
    assert_eq!(
        after_restart[0], everything[120],
        "resumes right after the checkpoint"
    );
    assert_eq!(
        after_restart[0], lost[0].event_id,
        "what was not checkpointed comes again"
    );
    handled.extend(after_restart);
    assert_eq!(
        handled, everything,
        "every event exactly once, in log order"
    );
}
