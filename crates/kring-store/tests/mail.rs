//! Mail beside the log, on both backends: the outbox queues a notice once, commits
//! with its reader's checkpoint or not at all, hands out what is due, and keeps
//! what became of each mail; a link is used once, even by racing callers;
//! settings round-trip; forgetting an account removes its mail and nobody else's.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::Harness;
use kring_store::{GlobalCursor, MailLink, MailStore, OutboxMessage, OutboxRow, OutboxStatus};
use kring_testkit::on_both_backends;
use tokio::sync::Barrier;
use uuid::Uuid;

on_both_backends!(
    a_notice_is_queued_once,
    notifications_commit_with_their_checkpoint_or_not_at_all,
    due_messages_are_pending_due_oldest_first_and_limited,
    digest_parts_are_one_recipients_pending_batch,
    sending_retrying_and_giving_up_are_kept,
    a_link_is_used_once_even_by_racing_callers,
    an_expired_or_unknown_link_cannot_be_used,
    ending_links_ends_the_unused_ones_of_one_purpose,
    mail_settings_round_trip,
    forgetting_mail_removes_one_accounts_mail_only,
);

/// A fixed time, `minutes` after a whole hour (the stores keep microseconds).
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn message(dedupe_key: &str, recipient: Uuid, due_at: DateTime<Utc>) -> OutboxMessage {
    OutboxMessage {
        id: Uuid::new_v4(),
        dedupe_key: dedupe_key.to_owned(),
        recipient,
        kind: "request-open".to_owned(),
        circle: Some(Uuid::new_v4()),
        body: format!(r#"{{"notice":"{dedupe_key}"}}"#),
        batch: "now".to_owned(),
        due_at,
    }
}

fn digest(dedupe_key: &str, recipient: Uuid, batch: &str, due_at: DateTime<Utc>) -> OutboxMessage {
    OutboxMessage {
        batch: batch.to_owned(),
        circle: None,
        ..message(dedupe_key, recipient, due_at)
    }
}

fn link(byte: u8, purpose: &str, account: Uuid, expires_at: DateTime<Utc>) -> MailLink {
    MailLink {
        token_hash: vec![byte; 32],
        purpose: purpose.to_owned(),
        account,
        subject: format!(r#"{{"link":{byte}}}"#),
        expires_at,
        used_at: None,
    }
}

fn ids(rows: &[OutboxRow]) -> Vec<Uuid> {
    rows.iter().map(|r| r.message.id).collect()
}

async fn a_notice_is_queued_once(h: Harness) {
    let ann = Uuid::new_v4();
    let first = message("request-1/ann", ann, at(10));
    let verify = link(1, "claim-request", ann, at(60));
    assert_eq!(
        h.log
            .enqueue(std::slice::from_ref(&first), std::slice::from_ref(&verify))
            .await
            .unwrap(),
        1
    );
    let again = message("request-1/ann", ann, at(20));
    assert_eq!(
        h.log
            .enqueue(std::slice::from_ref(&again), &[])
            .await
            .unwrap(),
        0,
        "the same notice again"
    );
    let twice_in_one = [
        message("request-2/ann", ann, at(5)),
        message("request-2/ann", ann, at(6)),
    ];
    assert_eq!(h.log.enqueue(&twice_in_one, &[]).await.unwrap(), 1);

    let stored = h.log.outbox_of(ann).await.unwrap();
    assert_eq!(stored.len(), 2, "{stored:?}");
    let row = h
        .log
        .outbox_message(first.id)
        .await
        .unwrap()
        .expect("queued");
    assert_eq!(
        row,
        OutboxRow {
            message: first.clone(),
            status: OutboxStatus::Pending,
            attempts: 0,
            next_attempt_at: at(10),
            last_error: None,
            sent_at: None,
        }
    );
    assert_eq!(h.log.outbox_message(again.id).await.unwrap(), None);
    assert_eq!(h.log.link(&[1; 32]).await.unwrap(), Some(verify));
}

async fn notifications_commit_with_their_checkpoint_or_not_at_all(h: Harness) {
    let ann = Uuid::new_v4();
    assert_eq!(
        h.log.load_checkpoint("notifier").await.unwrap(),
        GlobalCursor::START
    );
    let first = GlobalCursor {
        xid: 7,
        position: 12,
    };
    let queued = message("shift-1/ann", ann, at(0));
    let new = h
        .log
        .commit_notifications(
            "notifier",
            first,
            std::slice::from_ref(&queued),
            &[link(1, "accept-swap", ann, at(60))],
        )
        .await
        .unwrap();
    assert_eq!(new, 1);
    assert_eq!(h.log.load_checkpoint("notifier").await.unwrap(), first);
    assert!(h.log.link(&[1; 32]).await.unwrap().is_some());

    // The second message reuses the first one's id: the batch fails as a whole.
    let fresh = message("shift-2/ann", ann, at(1));
    let clash = OutboxMessage {
        id: queued.id,
        ..message("shift-3/ann", ann, at(2))
    };
    let failed = h
        .log
        .commit_notifications(
            "notifier",
            GlobalCursor {
                xid: 8,
                position: 20,
            },
            &[fresh.clone(), clash],
            &[link(2, "decline-swap", ann, at(60))],
        )
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        h.log.load_checkpoint("notifier").await.unwrap(),
        first,
        "the checkpoint did not move"
    );
    assert_eq!(h.log.outbox_message(fresh.id).await.unwrap(), None);
    assert_eq!(h.log.link(&[2; 32]).await.unwrap(), None);
    assert_eq!(ids(&h.log.outbox_of(ann).await.unwrap()), vec![queued.id]);

    // Nothing new still moves the checkpoint.
    let later = GlobalCursor {
        xid: 9,
        position: 30,
    };
    let none_new = h
        .log
        .commit_notifications("notifier", later, std::slice::from_ref(&queued), &[])
        .await
        .unwrap();
    assert_eq!(none_new, 0);
    assert_eq!(h.log.load_checkpoint("notifier").await.unwrap(), later);
}

async fn due_messages_are_pending_due_oldest_first_and_limited(h: Harness) {
    let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let late = message("a", ann, at(30));
    let early = message("b", bob, at(10));
    let middle = message("c", ann, at(20));
    let future = message("d", bob, at(90));
    let sent = message("e", ann, at(5));
    let given_up = message("f", bob, at(6));
    let retried = message("g", ann, at(1));
    let all = [
        late.clone(),
        early.clone(),
        middle.clone(),
        future.clone(),
        sent.clone(),
        given_up.clone(),
        retried.clone(),
    ];
    assert_eq!(h.log.enqueue(&all, &[]).await.unwrap(), 7);
    h.log.mark_sent(&[sent.id], at(5)).await.unwrap();
    h.log
        .mark_given_up(&[given_up.id], OutboxStatus::Failed, "550 no such user")
        .await
        .unwrap();
    h.log
        .mark_retry(&[retried.id], at(25), "421 try again")
        .await
        .unwrap();

    let now = at(30);
    assert_eq!(
        ids(&h.log.due_messages(now, 10).await.unwrap()),
        vec![early.id, middle.id, retried.id, late.id],
        "pending and due, by next attempt"
    );
    assert_eq!(
        ids(&h.log.due_messages(now, 2).await.unwrap()),
        vec![early.id, middle.id]
    );
    assert_eq!(
        ids(&h.log.due_messages(at(20), 10).await.unwrap()),
        vec![early.id, middle.id],
        "next_attempt_at <= now"
    );
    assert_eq!(h.log.due_messages(at(0), 10).await.unwrap(), vec![]);
}

async fn digest_parts_are_one_recipients_pending_batch(h: Harness) {
    let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let morning = at(0);
    let parts = [
        digest("1", ann, "daily", morning),
        digest("2", ann, "daily", morning),
        digest("3", ann, "daily", morning),
    ];
    let others = [
        digest("4", ann, "daily", at(24 * 60)),
        digest("5", ann, "weekly", morning),
        digest("6", bob, "daily", morning),
    ];
    // Another of Ann's circles: a digest of its own.
    let elsewhere = Uuid::new_v4();
    let other_circle = OutboxMessage {
        circle: Some(elsewhere),
        ..digest("7", ann, "daily", morning)
    };
    h.log.enqueue(&[other_circle.clone()], &[]).await.unwrap();
    h.log.enqueue(&parts, &[]).await.unwrap();
    h.log.enqueue(&others, &[]).await.unwrap();
    h.log.mark_sent(&[parts[2].id], at(1)).await.unwrap();

    let mut found = ids(&h
        .log
        .digest_parts(ann, "daily", morning, None)
        .await
        .unwrap());
    found.sort();
    let mut expected = vec![parts[0].id, parts[1].id];
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(
        ids(&h
            .log
            .digest_parts(bob, "daily", morning, None)
            .await
            .unwrap()),
        vec![others[2].id]
    );
    assert_eq!(
        h.log
            .digest_parts(bob, "weekly", morning, None)
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(
        ids(&h
            .log
            .digest_parts(ann, "daily", morning, Some(elsewhere))
            .await
            .unwrap()),
        vec![other_circle.id]
    );
}

async fn sending_retrying_and_giving_up_are_kept(h: Harness) {
    let ann = Uuid::new_v4();
    let [a, b, c, d] = ["a", "b", "c", "d"].map(|key| message(key, ann, at(0)));
    h.log
        .enqueue(&[a.clone(), b.clone(), c.clone(), d.clone()], &[])
        .await
        .unwrap();

    h.log
        .mark_retry(&[a.id, b.id], at(5), "timeout")
        .await
        .unwrap();
    h.log.mark_retry(&[a.id], at(15), "421 busy").await.unwrap();
    let retried = h.log.outbox_message(a.id).await.unwrap().unwrap();
    assert_eq!(
        (
            retried.status,
            retried.attempts,
            retried.next_attempt_at,
            retried.last_error.as_deref(),
            retried.sent_at
        ),
        (OutboxStatus::Pending, 2, at(15), Some("421 busy"), None)
    );
    assert_eq!(retried.message, a, "the message itself is unchanged");

    h.log.mark_sent(&[a.id, b.id], at(16)).await.unwrap();
    for id in [a.id, b.id] {
        let sent = h.log.outbox_message(id).await.unwrap().unwrap();
        assert_eq!(
            (sent.status, sent.sent_at),
            (OutboxStatus::Sent, Some(at(16)))
        );
    }
    assert_eq!(
        h.log.outbox_message(b.id).await.unwrap().unwrap().attempts,
        1
    );

    h.log
        .mark_given_up(&[c.id], OutboxStatus::Failed, "550 mailbox unknown")
        .await
        .unwrap();
    h.log
        .mark_given_up(&[d.id], OutboxStatus::Skipped, "turned off")
        .await
        .unwrap();
    let failed = h.log.outbox_message(c.id).await.unwrap().unwrap();
    assert_eq!(
        (failed.status, failed.last_error.as_deref(), failed.sent_at),
        (OutboxStatus::Failed, Some("550 mailbox unknown"), None)
    );
    let skipped = h.log.outbox_message(d.id).await.unwrap().unwrap();
    assert_eq!(skipped.status, OutboxStatus::Skipped);
    assert_eq!(h.log.due_messages(at(100), 10).await.unwrap(), vec![]);
}

async fn a_link_is_used_once_even_by_racing_callers(h: Harness) {
    let ann = Uuid::new_v4();
    let links: Vec<MailLink> = (0..10)
        .map(|n| link(n, "claim-request", ann, at(60)))
        .collect();
    h.log.enqueue(&[], &links).await.unwrap();

    // Two handles on the same database, as two server processes would have.
    let other: Arc<dyn MailStore> = h.reopen().await;
    let here: Arc<dyn MailStore> = h.log.clone();
    for (n, link) in links.iter().enumerate() {
        let start = Arc::new(Barrier::new(2));
        let racers = [here.clone(), other.clone()].map(|store| {
            let (start, hash) = (start.clone(), link.token_hash.clone());
            tokio::spawn(async move {
                start.wait().await;
                store.use_link(&hash, at(10 + n as i64)).await.unwrap()
            })
        });
        let mut won = 0;
        for racer in racers {
            won += u32::from(racer.await.unwrap());
        }
        assert_eq!(won, 1, "exactly one use of link {n}");
        let used = h.log.link(&link.token_hash).await.unwrap().unwrap();
        assert_eq!(used.used_at, Some(at(10 + n as i64)));
        assert!(
            !h.log.use_link(&link.token_hash, at(11)).await.unwrap(),
            "a used link is not used again"
        );
    }
}

async fn an_expired_or_unknown_link_cannot_be_used(h: Harness) {
    let ann = Uuid::new_v4();
    h.log
        .enqueue(&[], &[link(1, "reset-password", ann, at(60))])
        .await
        .unwrap();
    assert!(!h.log.use_link(&[1; 32], at(60)).await.unwrap(), "expired");
    assert!(!h.log.use_link(&[1; 32], at(61)).await.unwrap(), "expired");
    assert_eq!(h.log.link(&[1; 32]).await.unwrap().unwrap().used_at, None);
    assert!(!h.log.use_link(&[2; 32], at(0)).await.unwrap(), "unknown");
    assert!(h.log.use_link(&[1; 32], at(59)).await.unwrap(), "in time");
}

async fn ending_links_ends_the_unused_ones_of_one_purpose(h: Harness) {
    let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let links = [
        link(1, "reset-password", ann, at(60)),
        link(2, "reset-password", ann, at(60)),
        link(3, "reset-password", ann, at(60)),
        link(4, "verify-email", ann, at(60)),
        link(5, "reset-password", bob, at(60)),
    ];
    h.log.enqueue(&[], &links).await.unwrap();
    assert!(h.log.use_link(&[3; 32], at(1)).await.unwrap());

    assert_eq!(
        h.log.end_links(ann, "reset-password", at(2)).await.unwrap(),
        2
    );
    for byte in [1, 2] {
        let ended = h.log.link(&[byte; 32]).await.unwrap().unwrap();
        assert_eq!(ended.used_at, Some(at(2)));
        assert!(!h.log.use_link(&[byte; 32], at(3)).await.unwrap());
    }
    assert_eq!(
        h.log.link(&[3; 32]).await.unwrap().unwrap().used_at,
        Some(at(1)),
        "a used link keeps when it was used"
    );
    assert!(
        h.log.use_link(&[4; 32], at(3)).await.unwrap(),
        "another purpose"
    );
    assert!(
        h.log.use_link(&[5; 32], at(3)).await.unwrap(),
        "another account"
    );
    assert_eq!(
        h.log.end_links(ann, "reset-password", at(4)).await.unwrap(),
        0
    );
}

async fn mail_settings_round_trip(h: Harness) {
    let (ann, bob, cas) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    assert_eq!(h.log.mail_settings(ann).await.unwrap(), None);
    h.log
        .save_mail_settings(ann, r#"{"digest":"daily"}"#)
        .await
        .unwrap();
    h.log
        .save_mail_settings(ann, r#"{"digest":"weekly"}"#)
        .await
        .unwrap();
    h.log
        .save_mail_settings(bob, r#"{"digest":"never"}"#)
        .await
        .unwrap();
    assert_eq!(
        h.log.mail_settings(ann).await.unwrap().as_deref(),
        Some(r#"{"digest":"weekly"}"#)
    );

    let mut of = h.log.mail_settings_of(&[ann, bob, cas]).await.unwrap();
    of.sort();
    let mut expected = vec![
        (ann, r#"{"digest":"weekly"}"#.to_owned()),
        (bob, r#"{"digest":"never"}"#.to_owned()),
    ];
    expected.sort();
    assert_eq!(of, expected);
    assert_eq!(h.log.mail_settings_of(&[]).await.unwrap(), vec![]);

    // More accounts than one statement takes.
    let many: Vec<Uuid> = (0..1200).map(|_| Uuid::new_v4()).chain([bob]).collect();
    assert_eq!(
        h.log.mail_settings_of(&many).await.unwrap(),
        vec![(bob, r#"{"digest":"never"}"#.to_owned())]
    );
}

async fn forgetting_mail_removes_one_accounts_mail_only(h: Harness) {
    let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let anns = [message("1", ann, at(0)), digest("2", ann, "daily", at(0))];
    let bobs = message("3", bob, at(0));
    h.log
        .enqueue(
            &[anns[0].clone(), anns[1].clone(), bobs.clone()],
            &[
                link(1, "claim-request", ann, at(60)),
                link(2, "unsubscribe", ann, at(60)),
                link(3, "claim-request", bob, at(60)),
            ],
        )
        .await
        .unwrap();
    h.log.save_mail_settings(ann, "{}").await.unwrap();
    h.log.save_mail_settings(bob, "{}").await.unwrap();

    h.log.forget_mail(ann).await.unwrap();
    assert_eq!(h.log.outbox_of(ann).await.unwrap(), vec![]);
    assert_eq!(h.log.outbox_message(anns[0].id).await.unwrap(), None);
    assert_eq!(h.log.link(&[1; 32]).await.unwrap(), None);
    assert_eq!(h.log.link(&[2; 32]).await.unwrap(), None);
    assert_eq!(h.log.mail_settings(ann).await.unwrap(), None);
    assert_eq!(h.log.due_messages(at(0), 10).await.unwrap().len(), 1);

    assert_eq!(ids(&h.log.outbox_of(bob).await.unwrap()), vec![bobs.id]);
    assert!(h.log.link(&[3; 32]).await.unwrap().is_some());
    assert_eq!(
        h.log.mail_settings(bob).await.unwrap().as_deref(),
        Some("{}")
    );
    h.log.forget_mail(ann).await.unwrap();
}
