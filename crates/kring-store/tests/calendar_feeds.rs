//! Calendar feeds beside the log, on both backends: found by the hash of their
//! token until revoked, listed per person and circle, revoked only by their
//! owner, and gone with the owner's credentials.

mod common;

use chrono::{Duration, Utc};
use common::Harness;
use kring_store::{CalendarFeed, CalendarScope};
use kring_testkit::on_both_backends;
use uuid::Uuid;

on_both_backends!(
    a_feed_is_found_by_its_token_hash,
    feeds_are_listed_per_person_and_circle_oldest_first,
    only_the_owner_revokes_a_feed_and_only_once,
    a_revoked_feed_is_not_found_and_its_row_stays,
    a_feed_needs_credentials_and_ends_with_them,
    a_token_hash_is_used_once,
);

async fn with_credentials(h: &Harness, name: &str) -> Uuid {
    let account = Uuid::new_v4();
    assert!(h.log.add_credentials(account, name, "h").await.unwrap());
    account
}

async fn a_feed_is_found_by_its_token_hash(h: Harness) {
    let ann = with_credentials(&h, "ann").await;
    let (feed, circle) = (Uuid::new_v4(), Uuid::new_v4());
    let before = Utc::now() - Duration::seconds(5);
    h.log
        .add_calendar_feed(feed, &[1; 32], ann, circle, CalendarScope::Mine)
        .await
        .unwrap();
    let found = h
        .log
        .calendar_feed(&[1; 32])
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(
        (found.id, found.person, found.circle, found.scope),
        (feed, ann, circle, CalendarScope::Mine)
    );
    assert!(
        found.created_at > before && found.created_at <= Utc::now() + Duration::seconds(5),
        "{}",
        found.created_at
    );
    assert_eq!(h.log.calendar_feed(&[2; 32]).await.unwrap(), None);
}

async fn feeds_are_listed_per_person_and_circle_oldest_first(h: Harness) {
    let ann = with_credentials(&h, "ann").await;
    let bob = with_credentials(&h, "bob").await;
    let (home, club) = (Uuid::new_v4(), Uuid::new_v4());
    let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    h.log
        .add_calendar_feed(ids[0], &[1; 32], ann, home, CalendarScope::Mine)
        .await
        .unwrap();
    h.log
        .add_calendar_feed(ids[1], &[2; 32], ann, home, CalendarScope::Circle)
        .await
        .unwrap();
    h.log
        .add_calendar_feed(ids[2], &[3; 32], ann, club, CalendarScope::Circle)
        .await
        .unwrap();
    h.log
        .add_calendar_feed(Uuid::new_v4(), &[4; 32], bob, home, CalendarScope::Mine)
        .await
        .unwrap();

    let listed = |feeds: Vec<CalendarFeed>| -> Vec<(Uuid, CalendarScope)> {
        feeds.into_iter().map(|f| (f.id, f.scope)).collect()
    };
    assert_eq!(
        listed(h.log.calendar_feeds(ann, home).await.unwrap()),
        vec![
            (ids[0], CalendarScope::Mine),
            (ids[1], CalendarScope::Circle)
        ]
    );
    assert_eq!(
        listed(h.log.calendar_feeds(ann, club).await.unwrap()),
        vec![(ids[2], CalendarScope::Circle)]
    );
    assert_eq!(h.log.calendar_feeds(bob, club).await.unwrap(), vec![]);
}

async fn only_the_owner_revokes_a_feed_and_only_once(h: Harness) {
    let ann = with_credentials(&h, "ann").await;
    let bob = with_credentials(&h, "bob").await;
    let (feed, circle) = (Uuid::new_v4(), Uuid::new_v4());
    h.log
        .add_calendar_feed(feed, &[1; 32], ann, circle, CalendarScope::Circle)
        .await
        .unwrap();
    let now = Utc::now();
    assert!(
        !h.log
            .revoke_calendar_feed(feed, bob, circle, now)
            .await
            .unwrap(),
        "not bob's"
    );
    assert!(
        !h.log
            .revoke_calendar_feed(feed, ann, Uuid::new_v4(), now)
            .await
            .unwrap(),
        "not of that circle"
    );
    assert!(h.log.calendar_feed(&[1; 32]).await.unwrap().is_some());
    assert!(h
        .log
        .revoke_calendar_feed(feed, ann, circle, now)
        .await
        .unwrap());
    assert!(
        !h.log
            .revoke_calendar_feed(feed, ann, circle, now)
            .await
            .unwrap(),
        "already revoked"
    );
}

async fn a_revoked_feed_is_not_found_and_its_row_stays(h: Harness) {
    let ann = with_credentials(&h, "ann").await;
    let circle = Uuid::new_v4();
    let (kept, revoked) = (Uuid::new_v4(), Uuid::new_v4());
    h.log
        .add_calendar_feed(kept, &[1; 32], ann, circle, CalendarScope::Mine)
        .await
        .unwrap();
    h.log
        .add_calendar_feed(revoked, &[2; 32], ann, circle, CalendarScope::Mine)
        .await
        .unwrap();
    assert!(h
        .log
        .revoke_calendar_feed(revoked, ann, circle, Utc::now())
        .await
        .unwrap());
    assert_eq!(h.log.calendar_feed(&[2; 32]).await.unwrap(), None);
    assert!(h.log.calendar_feed(&[1; 32]).await.unwrap().is_some());
    let listed: Vec<Uuid> = h
        .log
        .calendar_feeds(ann, circle)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(listed, vec![kept]);
    // The row stays (when it was revoked is on record), so its token cannot come back.
    let again = h
        .log
        .add_calendar_feed(Uuid::new_v4(), &[2; 32], ann, circle, CalendarScope::Mine)
        .await;
    assert!(again.is_err(), "a revoked token hash is not reused");
    assert_eq!(h.log.calendar_feed(&[2; 32]).await.unwrap(), None);
}

async fn a_feed_needs_credentials_and_ends_with_them(h: Harness) {
    let nobody = Uuid::new_v4();
    let circle = Uuid::new_v4();
    let refused = h
        .log
        .add_calendar_feed(
            Uuid::new_v4(),
            &[1; 32],
            nobody,
            circle,
            CalendarScope::Mine,
        )
        .await;
    assert!(
        refused.is_err(),
        "an account without credentials has no feeds"
    );
    assert_eq!(h.log.calendar_feed(&[1; 32]).await.unwrap(), None);

    let ann = with_credentials(&h, "ann").await;
    let bob = with_credentials(&h, "bob").await;
    h.log
        .add_calendar_feed(Uuid::new_v4(), &[2; 32], ann, circle, CalendarScope::Mine)
        .await
        .unwrap();
    h.log
        .add_calendar_feed(Uuid::new_v4(), &[3; 32], bob, circle, CalendarScope::Mine)
        .await
        .unwrap();
    assert!(h.log.remove_credentials(ann).await.unwrap());
    assert_eq!(h.log.calendar_feed(&[2; 32]).await.unwrap(), None);
    assert_eq!(h.log.calendar_feeds(ann, circle).await.unwrap(), vec![]);
    assert!(
        h.log.calendar_feed(&[3; 32]).await.unwrap().is_some(),
        "other accounts keep their feeds"
    );
}

async fn a_token_hash_is_used_once(h: Harness) {
    let ann = with_credentials(&h, "ann").await;
    let circle = Uuid::new_v4();
    h.log
        .add_calendar_feed(Uuid::new_v4(), &[1; 32], ann, circle, CalendarScope::Mine)
        .await
        .unwrap();
    let twice = h
        .log
        .add_calendar_feed(Uuid::new_v4(), &[1; 32], ann, circle, CalendarScope::Circle)
        .await;
    assert!(twice.is_err());
    let feeds = h.log.calendar_feeds(ann, circle).await.unwrap();
    assert_eq!(feeds.len(), 1, "the refused feed wrote nothing");
    assert_eq!(feeds[0].scope, CalendarScope::Mine);
}
