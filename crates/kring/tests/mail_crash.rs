//! Mail survives crashes: `kring serve` mails the demo's people through a real
//! SMTP server (aiosmtpd) that takes its time to accept each mail, and is
//! SIGKILLed again and again, mid-batch of the notifier and mid-send. Every
//! mail an undisturbed run of a copy of the same database sends must arrive,
//! with the same Message-ID; a mail the SMTP server acknowledged is never
//! sent again. Only the mail on the wire at a kill, never acknowledged to
//! Kring, may reach the server twice, under the same Message-ID.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use kring_store::{open, OpenOptions, OutboxStatus, Store, StreamKind, StreamName};
use kring_testkit::history::Rng;
use kring_testkit::SmtpServer;
use tokio::process::{Child, Command};

fn kring(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kring"));
    c.current_dir(dir)
        .env_remove("KRING_DATABASE_URL")
        .env_remove("KRING_LISTEN")
        .env_remove("KRING_SMTP_URL")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    c
}

fn serve(dir: &Path, db: &str, smtp: &SmtpServer, log_file: &Path) -> Child {
    let output = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_file)
        .expect("a log file");
    kring(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url"])
        .arg(format!("sqlite:{db}"))
        .args(["--public-url", "https://kring.example.org"])
        .env("KRING_SMTP_URL", smtp.url())
        .stdout(Stdio::null())
        .stderr(Stdio::from(output))
        .spawn()
        .expect("start kring serve")
}

async fn kill(child: &mut Child) {
    child.start_kill().expect("kill kring");
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("kring ends after a kill")
        .unwrap();
    assert!(!status.success(), "{status}");
}

/// Message-ID → how often the SMTP server received it.
fn received(smtp: &SmtpServer) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for mail in smtp.messages() {
        let id = mail.header("Message-ID").expect("a Message-ID").to_owned();
        *seen.entry(id).or_insert(0) += 1;
    }
    seen
}

/// Every outbox row of the demo's people that is due is sent, or the
/// deadline passes (the weekly "who looked" waits for Monday).
async fn wait_until_all_sent(db: &Path, log_file: &Path) {
    let store = open(&format!("sqlite:{}", db.display()), &OpenOptions::default())
        .await
        .expect("open the database beside kring serve");
    kring_testkit::eventually(Duration::from_secs(120), "every mail is sent", || {
        let store = store.clone();
        async move {
            let rows = outbox(store.as_ref()).await;
            let pending = rows.iter().filter(|s| **s == OutboxStatus::Pending).count();
            let other = rows
                .iter()
                .filter(|s| **s != OutboxStatus::Pending && **s != OutboxStatus::Sent)
                .count();
            match (rows.len(), pending, other) {
                (0, _, _) => Err("no mail queued yet".to_owned()),
                (_, 0, 0) => Ok(()),
                (n, p, o) => {
                    let said = std::fs::read_to_string(log_file).unwrap_or_default();
                    let tail = &said[said.len().saturating_sub(2000)..];
                    Err(format!(
                        "{n} queued, {p} pending, {o} not sent; kring said: {tail}"
                    ))
                }
            }
        }
    })
    .await;
}

async fn outbox(store: &dyn Store) -> Vec<OutboxStatus> {
    let now = chrono::Utc::now();
    let mut statuses = vec![];
    for person in people(store).await {
        statuses.extend(
            store
                .outbox_of(person)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| r.message.due_at <= now)
                .map(|r| r.status),
        );
    }
    statuses
}

/// `kring demo` sends its mails itself: back to a log nobody has notified
/// of yet (the outbox, its links and the notifier's checkpoint as before the
/// notifier first ran), so that the runs below do the work.
async fn forget_that_mail_was_sent(db: &Path) {
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    for statement in [
        "DELETE FROM mail_outbox",
        "DELETE FROM mail_links",
        "DELETE FROM checkpoints WHERE name = 'notifier'",
    ] {
        sqlx::query(statement).execute(&mut db).await.unwrap();
    }
    db.close().await.unwrap();
}

/// The Message-IDs of every sent outbox row, and of those made from the
/// log's events (their dedupe key starts with the event's id).
async fn sent_mail(db: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let store = open(&format!("sqlite:{}", db.display()), &OpenOptions::default())
        .await
        .unwrap();
    let mut all = BTreeSet::new();
    let mut from_events = BTreeSet::new();
    for person in people(store.as_ref()).await {
        for row in store.outbox_of(person).await.unwrap() {
            if row.status != OutboxStatus::Sent {
                continue;
            }
            let id = format!("<{}@kring.example.org>", row.message.id);
            let key = &row.message.dedupe_key;
            if key
                .split(':')
                .next()
                .is_some_and(|e| e.parse::<uuid::Uuid>().is_ok())
            {
                from_events.insert(id.clone());
            }
            all.insert(id);
        }
    }
    (all, from_events)
}

async fn people(store: &dyn Store) -> Vec<uuid::Uuid> {
    let streams = store
        .list_streams(Some(&StreamKind::Account.prefix()), 1000)
        .await
        .unwrap();
    streams
        .iter()
        .filter_map(|s| StreamName::id_of(StreamKind::Account, s))
        .collect()
}

/// How often `kring serve` said it is serving, in the shared log file.
fn serving_lines(log_file: &Path) -> usize {
    std::fs::read_to_string(log_file)
        .unwrap_or_default()
        .matches("serving")
        .count()
}

fn copy_database(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let source = format!("{}{suffix}", from.display());
        if Path::new(&source).exists() {
            std::fs::copy(&source, format!("{}{suffix}", to.display())).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mail_arrives_once_across_kills_of_the_notifier_and_the_sender() {
    let dir = tempfile::tempdir().unwrap();
    let demo = kring(dir.path())
        .args(["demo", "--database-url", "sqlite:demo.db"])
        .stdout(Stdio::null())
        .status()
        .await
        .unwrap();
    assert!(demo.success());
    forget_that_mail_was_sent(&dir.path().join("demo.db")).await;
    copy_database(&dir.path().join("demo.db"), &dir.path().join("calm.db"));
    copy_database(&dir.path().join("demo.db"), &dir.path().join("killed.db"));

    // The undisturbed run: what must arrive.
    let calm_smtp = SmtpServer::start();
    let calm_log = dir.path().join("calm.log");
    let mut calm = serve(dir.path(), "calm.db", &calm_smtp, &calm_log);
    wait_until_all_sent(&dir.path().join("calm.db"), &calm_log).await;
    kill(&mut calm).await;
    let (calm_sent, expected) = sent_mail(&dir.path().join("calm.db")).await;
    assert!(
        expected.len() >= 15,
        "the demo's events mail its people: {expected:?}"
    );
    let calm_received = received(&calm_smtp);
    assert!(calm_received.values().all(|n| *n == 1), "{calm_received:?}");
    assert_eq!(
        calm_received.keys().cloned().collect::<BTreeSet<_>>(),
        calm_sent
    );

    // The same database, killed again and again: the first kills come as soon
    // as the node serves, while the notifier reads the log; the later ones
    // once one or two more mails have arrived, so that the next is on the
    // wire (each takes the SMTP server 40 ms to accept).
    let smtp = SmtpServer::start_with_delay(Duration::from_millis(40));
    let log_file = dir.path().join("killed.log");
    let mut rng = Rng::new(12);
    let mut kills = 0;
    for round in 0..8 {
        let started = serving_lines(&log_file);
        let mut node = serve(dir.path(), "killed.db", &smtp, &log_file);
        kring_testkit::eventually(Duration::from_secs(30), "kring serve is up", || async {
            (serving_lines(&log_file) > started)
                .then_some(())
                .ok_or_else(|| "not yet".to_owned())
        })
        .await;
        if round >= 2 {
            let more = smtp.messages().len() + 1 + rng.below(2);
            let target = more.min(calm_sent.len().saturating_sub(1));
            kring_testkit::eventually(Duration::from_secs(30), "a mail on its way", || async {
                let now = smtp.messages().len();
                (now >= target)
                    .then_some(())
                    .ok_or_else(|| format!("{now} of {target}"))
            })
            .await;
        }
        kill(&mut node).await;
        kills += 1;
        eprintln!(
            "kill {kills}: {} mails received so far",
            smtp.messages().len()
        );
    }
    let mut node = serve(dir.path(), "killed.db", &smtp, &log_file);
    wait_until_all_sent(&dir.path().join("killed.db"), &log_file).await;
    kill(&mut node).await;

    // Every notice of the log was queued once and sent: the same ones as in
    // the calm run. (Reminders depend on when the views were ready; they are
    // held to the rule below like every other mail.)
    let (sent, from_events) = sent_mail(&dir.path().join("killed.db")).await;
    assert_eq!(
        from_events, expected,
        "the notices of the log, queued once each"
    );
    // What the SMTP server received is exactly what the outbox says was sent.
    let got = received(&smtp);
    let lost: Vec<_> = sent.iter().filter(|id| !got.contains_key(*id)).collect();
    assert!(lost.is_empty(), "marked sent but never received: {lost:?}");
    let unknown: Vec<_> = got.keys().filter(|id| !sent.contains(*id)).collect();
    assert!(
        unknown.is_empty(),
        "received but not marked sent: {unknown:?}"
    );
    let twice: usize = got.values().map(|n| n - 1).sum();
    assert!(
        twice <= kills,
        "at most the one unacknowledged mail per kill may arrive again; {twice} extra in {kills} kills: {got:?}"
    );
}
