//! The hub on its own: a consumer that stops reading is dropped without
//! holding up anyone else, and subscribers get each version once, in order.

use std::sync::Arc;
use std::time::Duration;

use kring_app::{Commands, Vault};
use kring_domain::{
    Action, Actor, CircleCommand, CircleId, EntryId, PersonId, Services, Visibility,
};
use kring_live::{Hub, LiveSettings, Next, Outbox, Outgoing};
use kring_testkit::{on_both_backends, within, TestLog};
use serde_json::Value;
use uuid::Uuid;

/// How long the hub gets for what it should do at once.
const WAIT: Duration = Duration::from_secs(10);

async fn a_slow_consumer_is_dropped_and_the_others_keep_up(test: TestLog) {
    let commands = Commands::new(test.log.clone(), Services::system());
    let vault = Vault::new(test.log.clone());
    let (circle, ann) = (CircleId(Uuid::new_v4()), PersonId(Uuid::new_v4()));
    let focus = PersonId(Uuid::new_v4());
    let run = |action: Action| {
        let command = CircleCommand {
            actor: Actor::person(ann),
            action,
        };
        let metadata = kring_store::metadata::of(ann.0, None);
        commands.circle(circle, command, metadata)
    };
    run(Action::CreateCircle {
        circle,
        focus,
        focus_name: vault.seal(focus, "Mam").await.unwrap(),
        time_zone: "Europe/Amsterdam".into(),
        plan: vec![],
    })
    .await
    .unwrap();

    let hub = Hub::start(test.log.clone(), LiveSettings::default())
        .await
        .unwrap();
    let (fast, mut fast_inbox) = Outbox::channel(1000);
    let (slow, mut slow_inbox) = Outbox::channel(3);
    hub.subscribe(circle, Actor::person(ann), 1, None, fast)
        .await
        .unwrap();
    hub.subscribe(circle, Actor::person(ann), 1, None, slow)
        .await
        .unwrap();

    let text = vault.seal(ann, "an entry").await.unwrap();
    let mut last = 1;
    for _ in 0..30 {
        last = run(Action::WriteLogbookEntry {
            entry: EntryId(Uuid::new_v4()),
            visibility: Visibility::WholeCircle,
            text: text.clone(),
        })
        .await
        .unwrap();
    }

    // The fast one got `subscribed` and then every version, in order, once.
    let first = frame(within(WAIT, "subscribed", fast_inbox.next()).await);
    let subscribed: Value = serde_json::from_str(&first.text).unwrap();
    assert_eq!(subscribed["type"], "subscribed", "{subscribed}");
    let mut versions = vec![];
    while versions.last() != Some(&last) {
        let next = within(WAIT, "every event at the fast consumer", fast_inbox.next()).await;
        versions.push(frame(next).version);
    }
    assert_eq!(versions, (2..=last).collect::<Vec<_>>());
    // The room offered each event to both in turn: the slow one's queue of 3
    // overflowed long ago, and its task hears that before the frames waiting.
    let next = within(WAIT, "the slow consumer being dropped", slow_inbox.next()).await;
    assert!(matches!(next, Next::FellBehind), "{next:?}");
    // The slow one's task goes away; the room goes on for the others.
    drop(slow_inbox);
    let later = run(Action::WriteLogbookEntry {
        entry: EntryId(Uuid::new_v4()),
        visibility: Visibility::WholeCircle,
        text,
    })
    .await
    .unwrap();
    let next = within(WAIT, "the next event", fast_inbox.next()).await;
    assert_eq!(frame(next).version, later);
}

fn frame(next: Next) -> Arc<Outgoing> {
    match next {
        Next::Frame(frame) => frame,
        other => panic!("a frame, not {other:?}"),
    }
}

on_both_backends!(a_slow_consumer_is_dropped_and_the_others_keep_up);
