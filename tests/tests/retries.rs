//! A retried request stores nothing twice, with the real binary. Six writers
//! send logbook entries, each entry with its own `Idempotency-Key`; the node
//! they write to is SIGKILLed twice while requests are in flight and started
//! again. Every request that failed is sent again with the same key (on
//! Postgres to the other node, on SQLite to the restarted node). At the end
//! every entry was acknowledged, and the logbook holds exactly one entry per
//! key: the acknowledged ids, no more. The hash chains verify.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kring_e2e::{binary, Backend, Client, Node};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Entries each writer sends.
const ENTRIES: usize = 16;
const WRITERS: usize = 6;
/// How long one entry may take to be acknowledged, retries included.
const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn on_postgres_a_retry_on_the_other_node_stores_nothing_twice() {
    writers_survive_kills(Backend::postgres().await).await;
}

#[tokio::test]
async fn on_sqlite_a_retry_after_a_restart_stores_nothing_twice() {
    writers_survive_kills(Backend::sqlite()).await;
}

/// The nodes that answer now, by address; the killer takes one out and puts
/// its successor in.
type Nodes = Arc<Mutex<Vec<String>>>;

async fn writers_survive_kills(backend: Backend) {
    let mut victim = Node::start("a", &backend, &[]).await;
    let survivor = if backend.is_postgres() {
        Some(Node::start("b", &backend, &[]).await)
    } else {
        None
    };
    let nodes: Nodes = Arc::new(Mutex::new(
        std::iter::once(victim.base.clone())
            .chain(survivor.as_ref().map(|n| n.base.clone()))
            .collect(),
    ));

    let (circle, writers) = a_circle_with_writers(&victim.base).await;
    let acked = Arc::new(Mutex::new(Vec::<(String, Value)>::new()));
    let tasks: Vec<_> = writers
        .into_iter()
        .enumerate()
        .map(|(w, cookie)| {
            let (nodes, acked, circle) = (nodes.clone(), acked.clone(), circle.clone());
            tokio::spawn(async move { write_entries(w, &cookie, &circle, &nodes, &acked).await })
        })
        .collect();

    // Kill the node while writers are busy with it, twice, and start it again.
    for (round, after) in [(1, WRITERS * 3), (2, WRITERS * 9)] {
        wait_for_acks(&acked, after).await;
        let status = victim.kill();
        assert!(!status.success(), "SIGKILL ends the node: {status}");
        nodes.lock().unwrap().retain(|b| *b != victim.base);
        victim = Node::start(&format!("a{round}"), &backend, &[]).await;
        nodes.lock().unwrap().push(victim.base.clone());
    }
    let mut retries = 0;
    for task in tasks {
        retries += task.await.expect("a writer finished");
    }

    // How many sends failed and were sent again: timing decides, so it is
    // told, not asserted (the kills land while requests are in flight).
    eprintln!("{retries} sends failed and were retried with their key");
    let acked = acked.lock().unwrap().clone();
    assert_eq!(
        acked.len(),
        WRITERS * ENTRIES,
        "every entry was acknowledged"
    );
    let mut keys: Vec<&String> = acked.iter().map(|(key, _)| key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), WRITERS * ENTRIES);
    let mut ids: Vec<&str> = acked
        .iter()
        .map(|(_, a)| a["id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), keys.len(), "one entry per key");

    // The logbook as any member reads it, on the node that never died (or the restarted one).
    let newest = acked
        .iter()
        .map(|(_, a)| a["version"].as_u64().unwrap())
        .max()
        .unwrap();
    let reader = survivor.as_ref().unwrap_or(&victim);
    let coordinator = Client::new(&reader.base).log_in(&email(0)).await;
    let entries = coordinator
        .get_all(
            &format!("/api/v1/circles/{circle}/logbook?min_version={newest}"),
            None,
        )
        .await;
    let mut stored: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    stored.sort();
    assert_eq!(
        stored.len(),
        keys.len(),
        "the logbook holds one entry per key ({retries} requests were retried)"
    );
    assert_eq!(stored, ids, "and those are the acknowledged entries");

    drop(victim);
    drop(survivor);
    let verified = std::process::Command::new(binary())
        .args(["verify", "--database-url"])
        .arg(backend.url())
        .output()
        .expect("run kring verify");
    assert!(
        verified.status.success(),
        "kring verify: {}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

fn email(n: usize) -> String {
    format!("writer{n}@example.org")
}

/// A circle whose coordinator and five members each write; answers the
/// circle and each writer's session cookie.
async fn a_circle_with_writers(base: &str) -> (String, Vec<String>) {
    let node = Client::new(base);
    let coordinator = node.person("Ann", &email(0)).await;
    let circle = coordinator.create_circle("Mam").await;
    let mut cookies = vec![coordinator.cookie.clone().unwrap()];
    for n in 1..WRITERS {
        let member = node.person(&format!("Writer {n}"), &email(n)).await;
        let invited = coordinator
            .post(
                &format!("/api/v1/circles/{circle}/invitations"),
                json!({"ring": "warm"}),
            )
            .await
            .expect(StatusCode::CREATED);
        member
            .post(
                "/api/v1/invitations/accept",
                json!({"code": invited["code"]}),
            )
            .await
            .expect(StatusCode::OK);
        cookies.push(member.cookie.clone().unwrap());
    }
    (circle, cookies)
}

/// Writer `w` sends its entries one after the other, each with its own key,
/// sending a failed one again with the same key to another node (or the same,
/// once it is back) until it is acknowledged. Answers how many sends failed.
async fn write_entries(
    w: usize,
    cookie: &str,
    circle: &str,
    nodes: &Nodes,
    acked: &Mutex<Vec<(String, Value)>>,
) -> usize {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut failed = 0;
    for n in 0..ENTRIES {
        let key = format!("writer-{w}-entry-{n}");
        let body =
            json!({"text": format!("Entry {n} by writer {w}"), "visibility": "whole_circle"});
        let deadline = Instant::now() + PATIENCE;
        for attempt in 0.. {
            assert!(
                Instant::now() < deadline,
                "{key} not acknowledged within {PATIENCE:?}"
            );
            let base = {
                let nodes = nodes.lock().unwrap();
                nodes.get((w + attempt) % nodes.len().max(1)).cloned()
            };
            let Some(base) = base else {
                // Every node is down for a moment: look again shortly.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            let sent = http
                .post(format!("{base}/api/v1/circles/{circle}/logbook"))
                .header("cookie", cookie)
                .header("idempotency-key", &key)
                .json(&body)
                .send()
                .await;
            let answer = match sent {
                Ok(response) if response.status() == StatusCode::CREATED => {
                    response.json::<Value>().await.ok()
                }
                Ok(response) => {
                    // Only a fault or a busy moment is worth a retry; a refusal is a bug.
                    assert!(
                        response.status().is_server_error(),
                        "{key}: {}",
                        response.status()
                    );
                    None
                }
                Err(_) => None,
            };
            match answer {
                Some(answer) => {
                    acked.lock().unwrap().push((key.clone(), answer));
                    break;
                }
                None => {
                    failed += 1;
                    // The node is down or busy: a short pause, not a guess at when it is back.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
    failed
}

async fn wait_for_acks(acked: &Mutex<Vec<(String, Value)>>, at_least: usize) {
    kring_testkit::eventually(PATIENCE, "writers making progress", || async {
        let done = acked.lock().unwrap().len();
        if done >= at_least {
            Ok(())
        } else {
            Err(format!("{done} of {at_least} acknowledged"))
        }
    })
    .await;
}
