//! Crash safety of the projector with a real process kill: `kring serve` runs the
//! projector over a large SQLite log, is SIGKILLed mid-way, started again, and
//! the views it leaves must equal a fresh rebuild of the same database.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use kring_store::{open, EventLog, GlobalCursor, OpenOptions, Store};
use kring_views::{rebuild, CHECKPOINT, CIRCLE_VIEW};
use tokio::process::{Child, Command};

use kring_testkit::history::{Appender, CircleHistory, Rng};

fn kring(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kring"));
    c.current_dir(dir)
        .env_remove("KRING_DATABASE_URL")
        .env_remove("KRING_LISTEN")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    c
}

/// `kring serve` on the database, its output in `log_file` (read on failure).
fn serve(dir: &Path, url: &str, log_file: &Path) -> Child {
    let output = std::fs::File::create(log_file).expect("a log file");
    kring(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .stdout(Stdio::null())
        .stderr(Stdio::from(output))
        .spawn()
        .expect("start kring serve")
}

/// SIGKILL: no shutdown handler runs, nothing is flushed.
async fn kill(child: &mut Child) {
    child.start_kill().expect("kill kring");
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("kring ends after a kill")
        .unwrap();
    assert!(!status.success(), "{status}");
}

fn server_output(log_file: &Path) -> String {
    std::fs::read_to_string(log_file).unwrap_or_default()
}

/// Polls the checkpoint (from this process's own handle) until `done` says so.
async fn wait_for_checkpoint(
    log: &dyn Store,
    seconds: u64,
    what: &str,
    log_file: &Path,
    mut done: impl FnMut(GlobalCursor) -> bool,
) -> GlobalCursor {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let at = log.load_checkpoint(CHECKPOINT).await.unwrap();
        if done(at) {
            return at;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {seconds} s waiting for {what}; the checkpoint is at {at:?}; kring said:\n{}",
            server_output(log_file)
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Writes the histories to a fresh SQLite file through kring_store; answers the
/// log handle, the cursor of the last event and the event count.
async fn write_log(url: &str, histories: &[CircleHistory]) -> (Arc<dyn Store>, GlobalCursor, u64) {
    let log = open(url, &OpenOptions::default())
        .await
        .expect("open the log");
    let mut appender = Appender::new(11, histories, 40);
    appender.append(log.as_ref(), histories, usize::MAX).await;
    let total = log.event_count().await.unwrap();
    assert_eq!(total as usize, appender.appended());
    let end = kring_testkit::history::last_cursor(log.as_ref()).await;
    (log, end, total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projector_killed_mid_way_resumes_and_its_views_equal_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("kring.db").display());
    let mut rng = Rng::new(2026);
    let histories = kring_testkit::history::generate(&mut rng, 200, 150);
    let (log, end, total) = write_log(&url, &histories).await;
    assert!(total >= 30_000, "{total} events");

    // First run: killed while the checkpoint is somewhere in the middle.
    let first_log = dir.path().join("serve-1.log");
    let mut first = serve(dir.path(), &url, &first_log);
    let mid = wait_for_checkpoint(
        log.as_ref(),
        300,
        "the projector to be part-way",
        &first_log,
        |at| {
            assert_ne!(
                at, end,
                "the projector finished before it could be caught part-way: make the history bigger"
            );
            at != GlobalCursor::START
        },
    )
    .await;
    kill(&mut first).await;
    let after_kill = log.load_checkpoint(CHECKPOINT).await.unwrap();
    assert!(
        after_kill >= mid && after_kill < end,
        "killed at {after_kill:?} (seen {mid:?}, end {end:?})"
    );
    let partial = log.load_views(CIRCLE_VIEW).await.unwrap();
    let finished = partial
        .iter()
        .filter(|row| {
            histories
                .iter()
                .any(|h| h.id.to_string() == row.key && h.events as u64 == row.version)
        })
        .count();
    assert!(
        finished < histories.len(),
        "every view was complete when the projector was killed"
    );

    // Second run: resumes from the checkpoint and reaches the end. The node's
    // own workers may write meanwhile (a volunteer's task long over ends), so
    // what is compared below is the log as the node left it.
    let second_log = dir.path().join("serve-2.log");
    let mut second = serve(dir.path(), &url, &second_log);
    wait_for_checkpoint(
        log.as_ref(),
        600,
        "the projector to reach the last event",
        &second_log,
        |at| at >= end,
    )
    .await;
    kill(&mut second).await;
    let total = log.event_count().await.unwrap();
    let mut heads = std::collections::HashMap::new();
    for h in &histories {
        let head = log
            .stream_head(&h.stream())
            .await
            .unwrap()
            .expect("a stream");
        heads.insert(h.id, head.version);
    }

    // Every view: stored at most an eighth of its version behind its stream's
    // head (a snapshot), and with the rest of the stream folded in equal to a
    // fold done here, and to a rebuild.
    let before = log.load_views(CIRCLE_VIEW).await.unwrap();
    assert_eq!(before.len(), histories.len());
    let mut current = vec![];
    for h in &histories {
        let row = before
            .iter()
            .find(|row| row.key == h.id.to_string())
            .expect("a view of every circle");
        let behind = heads[&h.id] - row.version;
        assert!(
            behind < (row.version / 8).max(1),
            "{} is {behind} behind",
            h.id
        );
        let now = kring_views::current(log.as_ref(), h.id)
            .await
            .unwrap()
            .unwrap();
        let folded = fold_stream(log.as_ref(), &h.stream()).await;
        assert!(
            now == folded,
            "the view of {} is not the fold of its stream",
            h.id
        );
        current.push(now);
    }
    let read = rebuild(log.clone(), |_| {}).await.unwrap();
    assert_eq!(read, total);
    for (h, before) in histories.iter().zip(current) {
        let after = kring_views::load(log.as_ref(), h.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            after.version, heads[&h.id],
            "a rebuild stores every view at its head"
        );
        assert!(
            after == before,
            "after the crash against a rebuild: {}",
            h.id
        );
    }
}

#[tokio::test]
async fn kring_rebuild_reports_how_many_events_it_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("kring.db").display());
    let mut rng = Rng::new(7);
    let histories = kring_testkit::history::generate(&mut rng, 12, 100);
    let (log, _, total) = write_log(&url, &histories).await;

    for run in 0..2 {
        let out = kring(dir.path())
            .args(["rebuild", "--database-url", &url])
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("Rebuilt every view from {total} events")),
            "run {run}: {stdout}"
        );
        let views = log.load_views(CIRCLE_VIEW).await.unwrap();
        assert_eq!(views.len(), histories.len());
        for h in &histories {
            let row = views.iter().find(|r| r.key == h.id.to_string()).unwrap();
            assert_eq!(row.version, h.events as u64);
            let stored = kring_views::load(log.as_ref(), h.id)
                .await
                .unwrap()
                .unwrap();
            assert!(stored == fold_stream(log.as_ref(), &h.stream()).await);
        }
        assert_eq!(
            log.load_checkpoint(CHECKPOINT).await.unwrap(),
            kring_testkit::history::last_cursor(log.as_ref()).await
        );
    }
}

/// A fold of the stream as stored, done here.
async fn fold_stream(log: &dyn EventLog, stream: &str) -> kring_views::CircleView {
    let mut view = kring_views::CircleView::default();
    for (version, at, event) in kring_testkit::history::stored_events(log, stream).await {
        view.apply(version, at, &event);
    }
    view
}
