//! Each person's organisations, kept by the projector from the organisation
//! streams: who registers one or is added works there; who is removed, leaves
//! or is erased no longer does. On both backends, and equal to a rebuild.

use std::collections::{BTreeSet, HashMap};

use cqrs_es::{Aggregate, DomainEvent};
use kring_domain::{
    Organisation, OrganisationAction, OrganisationCommand, OrganisationId, PersonId,
};
use kring_store::{EventLog, ExpectedVersion, NewEvent, StreamName};
use kring_testkit::{on_both_backends, TestLog};
use kring_views::{organisations_of, Projector};
use uuid::Uuid;

const ANN: PersonId = PersonId(Uuid::from_u128(1));
const BOB: PersonId = PersonId(Uuid::from_u128(2));
const CAS: PersonId = PersonId(Uuid::from_u128(3));
const NORTH: OrganisationId = OrganisationId(Uuid::from_u128(10));
const SOUTH: OrganisationId = OrganisationId(Uuid::from_u128(11));

/// Organisations as their events leave them, with their stream's version.
#[derive(Default)]
struct Organisations(HashMap<OrganisationId, (Organisation, u64)>);

impl Organisations {
    /// Decides `action` by `actor` with the domain's rules and appends what it decides.
    async fn run(
        &mut self,
        log: &dyn EventLog,
        id: OrganisationId,
        actor: PersonId,
        action: OrganisationAction,
    ) {
        let (state, version) = self.0.entry(id).or_default();
        let events = state
            .decide(OrganisationCommand { actor, action })
            .expect("the rules allow it");
        if events.is_empty() {
            return;
        }
        let batch: Vec<NewEvent> = events
            .iter()
            .map(|e| NewEvent::new(e.event_type(), serde_json::to_value(e).unwrap()))
            .collect();
        let stream = StreamName::organisation(id.0);
        *version = log
            .append(&stream, ExpectedVersion::Exact(*version), &batch)
            .await
            .unwrap()
            .stream_version;
        for event in events {
            state.apply(event);
        }
    }
}

async fn projected(test: &TestLog) {
    let mut projector = Projector::open(test.log.clone()).await.unwrap();
    projector.catch_up(|_| ()).await.unwrap();
}

async fn of(test: &TestLog, person: PersonId) -> BTreeSet<OrganisationId> {
    organisations_of(test.log.as_ref(), person)
        .await
        .unwrap()
        .organisations
}

fn set<const N: usize>(ids: [OrganisationId; N]) -> BTreeSet<OrganisationId> {
    ids.into_iter().collect()
}

async fn who_works_where_follows_the_organisations_events(test: TestLog) {
    let log = test.log.as_ref();
    let mut orgs = Organisations::default();
    let register = |organisation: OrganisationId, name: &str| OrganisationAction::Register {
        organisation,
        name: name.into(),
    };
    orgs.run(log, NORTH, ANN, register(NORTH, "Wijkteam Noord"))
        .await;
    orgs.run(log, SOUTH, BOB, register(SOUTH, "Wijkteam Zuid"))
        .await;
    orgs.run(
        log,
        SOUTH,
        BOB,
        OrganisationAction::AddIntermediary { person: ANN },
    )
    .await;
    // Events that change nobody's place change no index.
    orgs.run(
        log,
        SOUTH,
        ANN,
        OrganisationAction::SetThresholds {
            thresholds: kring_domain::Thresholds {
                open_places: 2,
                ..Default::default()
            },
        },
    )
    .await;
    projected(&test).await;
    assert_eq!(of(&test, ANN).await, set([NORTH, SOUTH]));
    assert_eq!(of(&test, BOB).await, set([SOUTH]));
    assert_eq!(of(&test, CAS).await, set([]), "works nowhere");

    // Removed by a colleague: Ann is of the north alone.
    orgs.run(
        log,
        SOUTH,
        BOB,
        OrganisationAction::RemoveIntermediary { person: ANN },
    )
    .await;
    projected(&test).await;
    assert_eq!(of(&test, ANN).await, set([NORTH]));
    assert_eq!(of(&test, BOB).await, set([SOUTH]));

    // Erased: she leaves the north too, as its last intermediary; the south,
    // where she no longer works, records nothing.
    for organisation in [NORTH, SOUTH] {
        orgs.run(log, organisation, ANN, OrganisationAction::Erase)
            .await;
    }
    assert!(orgs.0[&NORTH].0.intermediaries.is_empty());
    projected(&test).await;
    assert_eq!(of(&test, ANN).await, set([]));
    assert_eq!(of(&test, BOB).await, set([SOUTH]));

    // A rebuild folds the same index from the log alone.
    kring_views::rebuild(test.log.clone(), |_| ())
        .await
        .unwrap();
    assert_eq!(of(&test, ANN).await, set([]));
    assert_eq!(of(&test, BOB).await, set([SOUTH]));
}

async fn a_restarted_projector_adds_to_the_stored_index(test: TestLog) {
    let log = test.log.as_ref();
    let mut orgs = Organisations::default();
    orgs.run(
        log,
        NORTH,
        ANN,
        OrganisationAction::Register {
            organisation: NORTH,
            name: "Wijkteam Noord".into(),
        },
    )
    .await;
    projected(&test).await;
    // A new projector reads the stored row and folds on from its checkpoint.
    orgs.run(
        log,
        SOUTH,
        ANN,
        OrganisationAction::Register {
            organisation: SOUTH,
            name: "Wijkteam Zuid".into(),
        },
    )
    .await;
    projected(&test).await;
    assert_eq!(of(&test, ANN).await, set([NORTH, SOUTH]));
}

/// A store from before the index: its projector read past the organisation
/// events. Leading again, it fills the index once from the streams.
async fn a_store_from_before_the_index_is_filled_once(test: TestLog) {
    let log = test.log.as_ref();
    let mut orgs = Organisations::default();
    let register = |organisation: OrganisationId, name: &str| OrganisationAction::Register {
        organisation,
        name: name.into(),
    };
    orgs.run(log, NORTH, ANN, register(NORTH, "Wijkteam Noord"))
        .await;
    orgs.run(log, SOUTH, BOB, register(SOUTH, "Wijkteam Zuid"))
        .await;
    orgs.run(
        log,
        SOUTH,
        BOB,
        OrganisationAction::AddIntermediary { person: ANN },
    )
    .await;
    orgs.run(
        log,
        SOUTH,
        BOB,
        OrganisationAction::RemoveIntermediary { person: ANN },
    )
    .await;
    // As an older projector left it: past every event, no index.
    let end = log.end_cursor().await.unwrap();
    test.log
        .save_checkpoint(kring_views::CHECKPOINT, end)
        .await
        .unwrap();
    assert!(of(&test, ANN).await.is_empty());

    let written = kring_views::backfill_intermediaries(test.log.as_ref(), end)
        .await
        .unwrap();
    assert_eq!(written, 2);
    assert_eq!(of(&test, ANN).await, set([NORTH]));
    assert_eq!(of(&test, BOB).await, set([SOUTH]));
    assert_eq!(
        test.log
            .load_checkpoint(kring_views::CHECKPOINT)
            .await
            .unwrap(),
        end
    );
    // Once: marked complete, it reads nothing again.
    let again = kring_views::backfill_intermediaries(test.log.as_ref(), end)
        .await
        .unwrap();
    assert_eq!(again, 0);
    // And the projector folds on from there as ever.
    orgs.run(
        log,
        NORTH,
        ANN,
        OrganisationAction::AddIntermediary { person: CAS },
    )
    .await;
    projected(&test).await;
    assert_eq!(of(&test, CAS).await, set([NORTH]));
}

on_both_backends!(
    who_works_where_follows_the_organisations_events,
    a_restarted_projector_adds_to_the_stored_index,
    a_store_from_before_the_index_is_filled_once,
);
