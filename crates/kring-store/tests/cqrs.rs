//! The cqrs-es repository on the log, driven through `CqrsFramework` on both backends.

mod common;

use std::collections::HashMap;

use common::Harness;
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{
    PersistedEventRepository, PersistedEventStore, PersistenceError, SerializedEvent,
};
use cqrs_es::{Aggregate, AggregateError, CqrsFramework, DomainEvent, EventStore};
use kring_store::{LogRepository, StreamName};
use kring_testkit::on_both_backends;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A tally that can be added to until it is closed.
#[derive(Default, Serialize, Deserialize)]
struct Tally {
    total: u64,
    closed: bool,
}

enum TallyCommand {
    Add(u64),
    Close,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum TallyEvent {
    Added { amount: u64 },
    Closed,
}

impl DomainEvent for TallyEvent {
    fn event_type(&self) -> String {
        match self {
            TallyEvent::Added { .. } => "Added".into(),
            TallyEvent::Closed => "Closed".into(),
        }
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct TallyError(&'static str);

impl Aggregate for Tally {
    const TYPE: &'static str = "tally";
    type Command = TallyCommand;
    type Event = TallyEvent;
    type Error = TallyError;
    type Services = ();

    async fn handle(
        &mut self,
        command: TallyCommand,
        _: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), TallyError> {
        if self.closed {
            return Err(TallyError("the tally is closed"));
        }
        match command {
            TallyCommand::Add(0) => return Err(TallyError("add at least one")),
            TallyCommand::Add(amount) => sink.write(TallyEvent::Added { amount }, self).await,
            TallyCommand::Close => sink.write(TallyEvent::Closed, self).await,
        }
        Ok(())
    }

    fn apply(&mut self, event: TallyEvent) {
        match event {
            TallyEvent::Added { amount } => self.total += amount,
            TallyEvent::Closed => self.closed = true,
        }
    }
}

on_both_backends!(
    commands_are_stored_in_the_aggregate_stream,
    a_refused_command_writes_nothing,
    a_concurrent_commit_is_an_optimistic_lock_error,
);

fn framework(h: &Harness) -> CqrsFramework<Tally, PersistedEventStore<LogRepository, Tally>> {
    let store = PersistedEventStore::new_event_store(LogRepository::new(h.log.clone()));
    CqrsFramework::new(store, vec![], ())
}

async fn commands_are_stored_in_the_aggregate_stream(h: Harness) {
    let cqrs = framework(&h);
    let metadata = HashMap::from([("actor".to_owned(), "ann".to_owned())]);
    cqrs.execute_with_metadata("t1", TallyCommand::Add(2), metadata)
        .await
        .unwrap();
    cqrs.execute("t1", TallyCommand::Add(3)).await.unwrap();
    cqrs.execute("t2", TallyCommand::Add(7)).await.unwrap();

    let stored = h.log.read_stream("tally-t1", 1, 10).await.unwrap();
    let payloads: Vec<_> = stored
        .iter()
        .map(|e| (e.version, e.event_type.as_str(), e.payload().clone()))
        .collect();
    assert_eq!(
        payloads,
        vec![
            (1, "Added", json!({ "Added": { "amount": 2 } })),
            (2, "Added", json!({ "Added": { "amount": 3 } })),
        ]
    );
    assert_eq!(stored[0].metadata(), &json!({ "actor": "ann" }));

    // A fresh framework on a reopened log rebuilds the aggregate from its stream.
    let reopened = h.reopen().await;
    let store = PersistedEventStore::<_, Tally>::new_event_store(LogRepository::new(reopened));
    let context = store.load_aggregate("t1").await.unwrap();
    assert_eq!(context.aggregate.total, 5);
    assert_eq!(StreamName::of(Tally::TYPE, "t1"), "tally-t1");
}

async fn a_refused_command_writes_nothing(h: Harness) {
    let cqrs = framework(&h);
    cqrs.execute("t1", TallyCommand::Add(1)).await.unwrap();
    cqrs.execute("t1", TallyCommand::Close).await.unwrap();
    let err = cqrs.execute("t1", TallyCommand::Add(1)).await.unwrap_err();
    assert!(
        matches!(
            err,
            AggregateError::UserError(TallyError("the tally is closed"))
        ),
        "{err:?}"
    );
    let err = cqrs.execute("t3", TallyCommand::Add(0)).await.unwrap_err();
    assert!(matches!(err, AggregateError::UserError(_)), "{err:?}");
    assert_eq!(h.log.read_stream("tally-t1", 1, 10).await.unwrap().len(), 2);
    assert!(h.log.stream_head("tally-t3").await.unwrap().is_none());
}

fn added(sequence: usize, amount: u64) -> SerializedEvent {
    SerializedEvent::new(
        "t1".into(),
        sequence,
        "tally".into(),
        "Added".into(),
        "1".into(),
        json!({ "Added": { "amount": amount } }),
        json!({}),
    )
}

async fn a_concurrent_commit_is_an_optimistic_lock_error(h: Harness) {
    let repo = LogRepository::new(h.log.clone());
    repo.persist::<Tally>(&[added(1, 1)], None).await.unwrap();
    // The same commit sent again (its answer was lost) is stored once.
    repo.persist::<Tally>(&[added(1, 1)], None).await.unwrap();
    // Another writer that also decided event 1 loses.
    let err = repo
        .persist::<Tally>(&[added(1, 9)], None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, PersistenceError::OptimisticLockError),
        "{err:?}"
    );
    let events = repo.get_events::<Tally>("t1").await.unwrap();
    assert_eq!(events, vec![added(1, 1)]);
    assert_eq!(
        repo.get_last_events::<Tally>("t1", 1).await.unwrap(),
        vec![]
    );
}
