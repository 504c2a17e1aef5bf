//! The projector on both backends, over a large random but valid history: every
//! event comes out of `Circle::decide`, so the log holds only what the domain
//! allows. Incremental projection, a rebuild and a fold done here must agree.

use std::time::{Duration, Instant};

use kring_store::{EventLog, GlobalCursor, Store};
use kring_testkit::{on_both_backends, within, TestLog};
use kring_views::{
    load, load_at_least, rebuild, Projector, CHECKPOINT, CIRCLE_VIEW, ORGANISATION_VIEW,
};

use kring_testkit::history::{Appender, CircleHistory, Rng};

on_both_backends!(
    incremental_views_equal_a_rebuild_and_a_fold_of_each_stream,
    a_restarted_projector_resumes_from_its_checkpoint_and_counts_nothing_twice,
    load_at_least_waits_for_the_projector_and_gives_up_after_its_patience,
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

/// Folds batches until every circle's stored view is at its stream's head.
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
    rows.len() == heads.len()
        && heads
            .iter()
            .all(|(key, version)| rows.iter().any(|r| &r.key == key && r.version == *version))
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

/// The stored view of every circle equals a fold of its stream done here.
async fn assert_views_are_folds(log: &dyn Store, histories: &[CircleHistory]) {
    for h in histories {
        let folded = fold_stream(log, &h.stream()).await;
        assert_eq!(folded.version as usize, h.events);
        assert_eq!(
            folded.state, h.state,
            "the fold and the domain agree on the state"
        );
        let stored = load(log, h.id).await.unwrap().expect("a stored view");
        assert!(
            stored == folded,
            "the stored view of {} is not the fold of its stream",
            h.id
        );
    }
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
    let incremental = log.load_views(CIRCLE_VIEW).await.unwrap();
    assert_eq!(incremental.len(), histories.len());
    let organisations = organisation_bodies(log.as_ref()).await;
    assert!(!organisations.is_empty());
    assert_views_are_folds(log.as_ref(), &histories).await;

    // (c) A rebuild from the log gives the same views, version for version.
    let read = rebuild(log.clone(), |_| {}).await.unwrap();
    assert_eq!(read as usize, total);
    let rebuilt = log.load_views(CIRCLE_VIEW).await.unwrap();
    assert_same_views(&incremental, &rebuilt, "incremental against rebuilt");
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

async fn load_at_least_waits_for_the_projector_and_gives_up_after_its_patience(t: TestLog) {
    let log = t.log.clone();
    let mut rng = Rng::new(6);
    let histories = kring_testkit::history::generate(&mut rng, 1, 120);
    let circle = histories[0].id;
    let mut appender = Appender::new(7, &histories, 1);
    appender.append(log.as_ref(), &histories, 60).await;
    let first = appender.heads(&histories)[0].1;
    let patience = Duration::from_millis(300);

    // Nobody projects yet: the view never comes, and the wait ends with the patience.
    let started = Instant::now();
    let none = load_at_least(log.as_ref(), circle, first, None, patience)
        .await
        .unwrap();
    assert!(none.is_none());
    let waited = started.elapsed();
    assert!(
        waited >= patience && waited < Duration::from_secs(10),
        "{waited:?}"
    );

    let projector = Projector::open(log.clone()).await.unwrap();
    let progress = projector.progress();
    let running = tokio::spawn(projector.run());

    let view = within(
        Duration::from_secs(60),
        "the view at the first version",
        load_at_least(
            log.as_ref(),
            circle,
            first,
            Some(progress.clone()),
            Duration::from_secs(60),
        ),
    )
    .await
    .unwrap()
    .expect("the view once the projector reached the version");
    assert!(view.version >= first);

    // Read-your-writes: append, then ask for the version just written.
    appender.append(log.as_ref(), &histories, usize::MAX).await;
    let head = appender.heads(&histories)[0].1;
    assert!(head > first);
    let view = within(
        Duration::from_secs(60),
        "the view at the head",
        load_at_least(
            log.as_ref(),
            circle,
            head,
            Some(progress.clone()),
            Duration::from_secs(60),
        ),
    )
    .await
    .unwrap()
    .expect("the view at the head");
    assert_eq!(view.version, head);
    assert!(view == fold_stream(log.as_ref(), &histories[0].stream()).await);

    // A version that does not exist (yet): None, after the patience.
    let started = Instant::now();
    let ahead = load_at_least(
        log.as_ref(),
        circle,
        head + 1,
        Some(progress.clone()),
        patience,
    )
    .await
    .unwrap();
    assert!(ahead.is_none());
    let waited = started.elapsed();
    assert!(
        waited >= patience && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    // A circle nobody knows: None.
    let unknown = kring_domain::CircleId(uuid::Uuid::from_u128(42));
    assert!(
        load_at_least(log.as_ref(), unknown, 1, Some(progress.clone()), patience)
            .await
            .unwrap()
            .is_none()
    );

    // With the projector gone its receiver is closed: still a patient None.
    running.abort();
    let _ = running.await;
    let started = Instant::now();
    let closed = load_at_least(log.as_ref(), circle, head + 1, Some(progress), patience)
        .await
        .unwrap();
    assert!(closed.is_none());
    assert!(started.elapsed() >= patience);
    // What is there is still served at once.
    let started = Instant::now();
    let stored = load_at_least(log.as_ref(), circle, head, None, patience)
        .await
        .unwrap();
    assert_eq!(stored.map(|v| v.version), Some(head));
    assert!(started.elapsed() < patience);
}

/// A fold of the stream as stored, done here.
async fn fold_stream(log: &dyn EventLog, stream: &str) -> kring_views::CircleView {
    let mut view = kring_views::CircleView::default();
    for (version, at, event) in kring_testkit::history::stored_events(log, stream).await {
        view.apply(version, at, &event);
    }
    view
}
