//! The projector on both backends, over a large random but valid history: every
//! event comes out of `Circle::decide`, so the log holds only what the domain
//! allows. Incremental projection, a rebuild and a fold done here must agree.

use std::num::NonZeroUsize;
use std::time::Duration;

use kring_store::{EventLog, GlobalCursor, Store};
use kring_testkit::{on_both_backends, within, TestLog};
use kring_views::{
    current, load, rebuild, CurrentViews, Projector, CHECKPOINT, CIRCLE_VIEW, ORGANISATION_VIEW,
};

use kring_testkit::history::{Appender, CircleHistory, Rng};

on_both_backends!(
    incremental_views_equal_a_rebuild_and_a_fold_of_each_stream,
    a_restarted_projector_resumes_from_its_checkpoint_and_counts_nothing_twice,
    current_views_fold_in_the_stream_without_a_projector,
);

/// 20 circles of at least `events` events each.
fn world(seed: u64, events: usize) -> Vec<CircleHistory> {
    let mut rng = Rng::new(seed);
    let histories = kring_testkit::history::generate(&mut rng, 20, events);
    let total: usize = histories.iter().map(|h| h.events).sum();
    assert!(total >= 20 * events, "{total} events");
    histories
}

/// Every event of every kind should turn up in a history this size.
fn assert_varied(histories: &[CircleHistory]) {
    let mut kinds = std::collections::BTreeSet::new();
    for event in histories.iter().flat_map(|h| h.decisions.iter().flatten()) {
        kinds.insert(event.name());
    }
    for kind in [
        "CircleCreated",
        "InvitationIssued",
        "InvitationRevoked",
        "MemberJoined",
        "MemberLeft",
        "HelpRequested",
        "RequestPlaceNoted",
        "RequestWidened",
        "RequestTaken",
        "RequestDone",
        "RequestCancelled",
        "ThanksGiven",
        "OfferMade",
        "ShiftScheduled",
        "ShiftDateSkipped",
        "ShiftClaimed",
        "ShiftReleased",
        "SwapProposed",
        "SwapAccepted",
        "LogbookEntryWritten",
        "LogbookEntryRedacted",
        "ConsentGranted",
        "ConsentRevoked",
        "IntermediaryLooked",
    ] {
        assert!(kinds.contains(kind), "no {kind} in the generated history");
    }
}

/// Folds batches until the projector has stored every stream's head: a view
/// itself is stored once it is due (see `assert_views_are_folds`).
async fn catch_up_to_heads(projector: &mut Projector, log: &dyn Store, heads: &[(String, u64)]) {
    within(
        Duration::from_secs(120),
        "the projector to reach every stream's head",
        async {
            loop {
                if projector.catch_up_once().await.unwrap() > 0 {
                    continue;
                }
                if views_at(log, heads).await {
                    return;
                }
                // Postgres: committed events can be hidden briefly behind a running transaction.
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        },
    )
    .await
}

async fn views_at(log: &dyn Store, heads: &[(String, u64)]) -> bool {
    let rows = log.load_views(CIRCLE_VIEW).await.unwrap();
    let end = kring_testkit::history::last_cursor(log).await;
    rows.len() == heads.len() && log.load_checkpoint(CHECKPOINT).await.unwrap() == end
}

/// The stored views equal, row by row (named on failure, without megabytes of JSON).
fn assert_same_views(left: &[kring_store::ViewRow], right: &[kring_store::ViewRow], what: &str) {
    assert_eq!(left.len(), right.len(), "{what}: number of views");
    for (l, r) in left.iter().zip(right) {
        assert_eq!((&l.kind, &l.key), (&r.kind, &r.key), "{what}");
        assert_eq!(l.version, r.version, "{what}: version of {}", l.key);
        assert!(l.body == r.body, "{what}: the bodies of {} differ", l.key);
    }
}

/// The organisation rows' versions are batch positions, so only their bodies compare.
async fn organisation_bodies(log: &dyn Store) -> Vec<(String, String)> {
    log.load_views(ORGANISATION_VIEW)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.key, r.body))
        .collect()
}

/// The stored view of every circle is a fold of the start of its stream, at
/// most an eighth of its version behind; with the rest folded in, it is the
/// fold of the whole stream done here.
async fn assert_views_are_folds(log: &dyn Store, histories: &[CircleHistory]) {
    for h in histories {
        let folded = fold_stream(log, &h.stream()).await;
        assert_eq!(folded.version as usize, h.events);
        assert_eq!(
            folded.state, h.state,
            "the fold and the domain agree on the state"
        );
        let stored = load(log, h.id).await.unwrap().expect("a stored view");
        let behind = folded.version - stored.version;
        assert!(
            behind < (stored.version / 8).max(1),
            "the stored view of {} is {behind} events behind its version {}",
            h.id,
            stored.version
        );
        assert!(
            stored == fold_until(log, &h.stream(), stored.version).await,
            "the stored view of {} is not a fold of its stream",
            h.id
        );
        let now = current(log, h.id).await.unwrap().expect("a view");
        assert!(
            now == folded,
            "the current view of {} is not the fold",
            h.id
        );
        assert!(
            now.indexes_agree() && folded.indexes_agree(),
            "the indexes of {}",
            h.id
        );
    }
}

/// Every circle's view as it stands, from the stored ones and the log.
async fn current_views(
    log: &dyn Store,
    histories: &[CircleHistory],
) -> Vec<kring_views::CircleView> {
    let mut views = vec![];
    for h in histories {
        views.push(current(log, h.id).await.unwrap().expect("a view"));
    }
    views
}

async fn incremental_views_equal_a_rebuild_and_a_fold_of_each_stream(t: TestLog) {
    let log = t.log.clone();
    let histories = world(1, 200);
    assert_varied(&histories);
    let total: usize = histories.iter().map(|h| h.events).sum();
    let mut appender = Appender::new(2, &histories, 6);
    let mut projector = Projector::open(log.clone()).await.unwrap();
    let mut rng = Rng::new(3);

    // (a) Append a little, fold one batch, append more: the views grow incrementally.
    let mut rounds = 0;
    let mut folded_between = 0;
    loop {
        let appended = appender
            .append(log.as_ref(), &histories, 50 + rng.below(200) as usize)
            .await;
        if appended == 0 {
            break;
        }
        rounds += 1;
        for _ in 0..rng.below(3) {
            folded_between += projector.catch_up_once().await.unwrap();
        }
    }
    assert_eq!(appender.appended(), total);
    assert!(rounds >= 15, "{rounds} rounds");
    assert!(folded_between > 0);
    let heads = appender.heads(&histories);
    catch_up_to_heads(&mut projector, log.as_ref(), &heads).await;

    // (b) What the projector stored.
    let incremental = current_views(log.as_ref(), &histories).await;
    assert_eq!(
        log.load_views(CIRCLE_VIEW).await.unwrap().len(),
        histories.len()
    );
    let organisations = organisation_bodies(log.as_ref()).await;
    assert!(!organisations.is_empty());
    assert_views_are_folds(log.as_ref(), &histories).await;

    // (c) A rebuild from the log gives the same views; it stores every view
    // at its head.
    let read = rebuild(log.clone(), |_| {}).await.unwrap();
    assert_eq!(read as usize, total);
    assert!(incremental == current_views(log.as_ref(), &histories).await);
    let rebuilt = log.load_views(CIRCLE_VIEW).await.unwrap();
    for (row, h) in rebuilt.iter().zip(sorted(&histories)) {
        assert_eq!(
            (row.key.as_str(), row.version as usize),
            (h.id.to_string().as_str(), h.events)
        );
    }
    assert_eq!(organisation_bodies(log.as_ref()).await, organisations);
    assert_eq!(
        log.load_checkpoint(CHECKPOINT).await.unwrap(),
        kring_testkit::history::last_cursor(log.as_ref()).await
    );
}

async fn a_restarted_projector_resumes_from_its_checkpoint_and_counts_nothing_twice(t: TestLog) {
    let log = t.log.clone();
    // More than one batch of the projector (5000 events).
    let histories = world(4, 400);
    let total: usize = histories.iter().map(|h| h.events).sum();
    let mut appender = Appender::new(5, &histories, 6);
    appender.append(log.as_ref(), &histories, usize::MAX).await;
    let heads = appender.heads(&histories);

    // One batch and the projector is gone, mid-way.
    let mut first = Projector::open(log.clone()).await.unwrap();
    let n = within(Duration::from_secs(30), "a first batch", async {
        loop {
            match first.catch_up_once().await.unwrap() {
                0 => tokio::time::sleep(Duration::from_millis(5)).await,
                n => return n,
            }
        }
    })
    .await;
    drop(first);
    assert!(n < total, "one batch read everything ({n} events)");
    assert_ne!(
        log.load_checkpoint(CHECKPOINT).await.unwrap(),
        GlobalCursor::START
    );
    assert!(
        !views_at(log.as_ref(), &heads).await,
        "not every view is done yet"
    );

    // Re-opened, it starts after its checkpoint: it reads exactly what is left.
    let mut second = Projector::open(log.clone()).await.unwrap();
    let rest = within(
        Duration::from_secs(120),
        "the rest of the log",
        second.catch_up(|_| {}),
    )
    .await
    .unwrap();
    assert_eq!(rest as usize + n, total);
    assert!(views_at(log.as_ref(), &heads).await);
    assert_views_are_folds(log.as_ref(), &histories).await;
    let resumed = log.load_views(CIRCLE_VIEW).await.unwrap();
    rebuild(log.clone(), |_| {}).await.unwrap();
    assert_same_views(
        &resumed,
        &log.load_views(CIRCLE_VIEW).await.unwrap(),
        "resumed against rebuilt",
    );

    // At-least-once: events handed out again (a checkpoint behind the views, as
    // after a crash between reading and committing) change no view.
    log.save_checkpoint(CHECKPOINT, GlobalCursor::START)
        .await
        .unwrap();
    let mut third = Projector::open(log.clone()).await.unwrap();
    let again = within(
        Duration::from_secs(120),
        "the whole log again",
        third.catch_up(|_| {}),
    )
    .await
    .unwrap();
    assert_eq!(again as usize, total);
    assert_same_views(
        &resumed,
        &log.load_views(CIRCLE_VIEW).await.unwrap(),
        "after everything was delivered twice",
    );
}

async fn current_views_fold_in_the_stream_without_a_projector(t: TestLog) {
    let log = t.log.clone();
    let histories = world(7, 120);
    let mut appender = Appender::new(8, &histories, 6);
    appender.append(log.as_ref(), &histories, 1_000).await;
    // Two nodes' caches; no projector has stored anything.
    let first = CurrentViews::new(log.clone(), NonZeroUsize::new(8).unwrap());
    let second = CurrentViews::new(log.clone(), NonZeroUsize::new(8).unwrap());
    assert!(log.load_views(CIRCLE_VIEW).await.unwrap().is_empty());
    let mut held = vec![];
    for h in &histories {
        if let Some(view) = first.current(h.id).await.unwrap() {
            assert!(*view == fold_stream(log.as_ref(), &h.stream()).await);
            held.push((h.id, view));
        }
    }
    assert!(!held.is_empty());

    // More events, appended beside both: each cache folds in what came since,
    // and a view a reader still holds does not change under it.
    appender.append(log.as_ref(), &histories, usize::MAX).await;
    for (circle, before) in &held {
        let stream = kring_store::StreamName::circle(circle.0);
        let now = fold_stream(log.as_ref(), &stream).await;
        let current = first.current(*circle).await.unwrap().unwrap();
        assert!(
            *current == now,
            "the first node's view of {circle} is the fold"
        );
        assert!(*second.current(*circle).await.unwrap().unwrap() == now);
        if current.version > before.version {
            assert!(**before == fold_until(log.as_ref(), &stream, before.version).await);
        }
    }
    // The cache holds 8 of 20 circles; the others are read again, right.
    for h in &histories {
        let view = first.current(h.id).await.unwrap().expect("every circle");
        assert!(*view == fold_stream(log.as_ref(), &h.stream()).await);
        assert_eq!(view.state, h.state);
    }
    // A circle that has no events: none.
    let nobody = kring_domain::CircleId(uuid::Uuid::new_v4());
    assert!(first.current(nobody).await.unwrap().is_none());
}

/// A fold of the stream as stored, done here.
async fn fold_stream(log: &dyn EventLog, stream: &str) -> kring_views::CircleView {
    fold_until(log, stream, u64::MAX).await
}

/// A fold of the stream's events up to `last`, done here.
async fn fold_until(log: &dyn EventLog, stream: &str, last: u64) -> kring_views::CircleView {
    let mut view = kring_views::CircleView::default();
    for (version, at, event) in kring_testkit::history::stored_events(log, stream).await {
        if version <= last {
            view.apply(version, at, &event);
        }
    }
    view
}

/// The histories in the order of their views' keys.
fn sorted(histories: &[CircleHistory]) -> Vec<&CircleHistory> {
    let mut sorted: Vec<&CircleHistory> = histories.iter().collect();
    sorted.sort_by_key(|h| h.id.to_string());
    sorted
}
