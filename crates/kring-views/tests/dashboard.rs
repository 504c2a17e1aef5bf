//! An organisation's dashboard over the stored views, on both backends.

use chrono::{Duration, Utc};
use kring_domain::*;
use kring_store::{EventLog, ExpectedVersion, NewEvent};
use kring_testkit::world::sealed;
use kring_testkit::{on_both_backends, TestLog};
use kring_views::{dashboard, Projector};
use uuid::Uuid;

const ORG: OrganisationId = OrganisationId(Uuid::from_u128(7));
const OTHER_ORG: OrganisationId = OrganisationId(Uuid::from_u128(8));
const WORKER: PersonId = PersonId(Uuid::from_u128(9));

/// Runs the coordinator's actions through the domain's rules and appends what they decide.
async fn circle_with(log: &dyn EventLog, actions: Vec<Action>) -> CircleId {
    let circle = CircleId(Uuid::new_v4());
    let coordinator = PersonId(Uuid::new_v4());
    let focus = PersonId(Uuid::new_v4());
    let now = Utc::now();
    let stream = kring_store::StreamName::circle(circle.0);
    let mut state = Circle::default();
    let create = Action::CreateCircle {
        circle,
        focus,
        focus_name: sealed(focus, "Mam"),
        time_zone: "Europe/Amsterdam".into(),
        plan: vec![],
    };
    let mut version = 0;
    for action in std::iter::once(create).chain(actions) {
        let action = match action {
            Action::ScheduleShift {
                shift,
                starts,
                duration,
                recurrence,
                helpers_needed,
                rings,
                ..
            } => Action::ScheduleShift {
                shift,
                title: sealed(coordinator, "Koken"),
                starts,
                duration,
                recurrence,
                helpers_needed,
                rings,
            },
            other => other,
        };
        let events = state
            .decide(
                CircleCommand {
                    actor: Actor::person(coordinator),
                    action,
                },
                now,
            )
            .unwrap();
        let batch: Vec<NewEvent> = events
            .iter()
            .map(|e| NewEvent {
                schema_version: circle::events::schema_version(e.name()) as i32,
                ..NewEvent::new(e.name(), serde_json::to_value(e).unwrap())
            })
            .collect();
        version = log
            .append(&stream, ExpectedVersion::Exact(version), &batch)
            .await
            .unwrap()
            .stream_version;
        for e in events {
            state.apply(e);
        }
    }
    circle
}

fn consent(organisation: OrganisationId, scope: ConsentScope) -> Action {
    Action::GrantConsent {
        organisation,
        scope,
        from: Utc::now(),
    }
}

fn shift() -> Action {
    Action::ScheduleShift {
        shift: ShiftId(Uuid::new_v4()),
        title: sealed(PersonId(Uuid::nil()), "replaced by the coordinator's"),
        starts: (Utc::now() + Duration::days(2))
            .date_naive()
            .and_hms_opt(12, 0, 0)
            .unwrap(),
        duration: Minutes::new(60).unwrap(),
        recurrence: Recurrence::Once,
        helpers_needed: 2,
        rings: vec![Ring::Warm],
    }
}

async fn caught_up(test: &TestLog) {
    let mut projector = Projector::open(test.log.clone()).await.unwrap();
    projector.catch_up(|_| ()).await.unwrap();
}

async fn a_dashboard_shows_only_consenting_circles(test: TestLog) {
    let log = test.log.as_ref();
    let full = circle_with(log, vec![consent(ORG, ConsentScope::Full)]).await;
    let signals = circle_with(log, vec![consent(ORG, ConsentScope::Signals)]).await;
    let revoked = circle_with(
        log,
        vec![
            consent(ORG, ConsentScope::Full),
            Action::RevokeConsent { organisation: ORG },
        ],
    )
    .await;
    let elsewhere = circle_with(log, vec![consent(OTHER_ORG, ConsentScope::Full)]).await;
    caught_up(&test).await;

    let later = Utc::now() + Duration::seconds(1);
    let rows = dashboard(log, ORG, WORKER, later).await.unwrap();
    let mut seen: Vec<(CircleId, ConsentScope, bool)> = rows
        .iter()
        .map(|r| (r.circle, r.scope, r.rota.is_some()))
        .collect();
    seen.sort();
    let mut expected = vec![
        (full, ConsentScope::Full, true),
        (signals, ConsentScope::Signals, false),
    ];
    expected.sort();
    assert_eq!(
        seen, expected,
        "revoked ({revoked}) and other organisations' ({elsewhere}) circles stay hidden"
    );
    assert!(
        rows.iter().all(|r| r.health.only_warm),
        "new circles have only the warm ring"
    );
    let other = dashboard(log, OTHER_ORG, WORKER, later).await.unwrap();
    assert_eq!(
        other.iter().map(|r| r.circle).collect::<Vec<_>>(),
        vec![elsewhere]
    );
}

async fn the_rota_reaches_the_dashboard_only_under_full_consent(test: TestLog) {
    let log = test.log.as_ref();
    let full = circle_with(log, vec![shift(), consent(ORG, ConsentScope::Full)]).await;
    caught_up(&test).await;
    let rows = dashboard(log, ORG, WORKER, Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].circle, full);
    let rota = rows[0].rota.as_ref().expect("full consent shows the rota");
    assert_eq!(rota.len(), 1);
    assert_eq!(rota[0].open_places(), 2);
    assert_eq!(rows[0].health.open_shift_places_next_7_days, 2);
}

on_both_backends!(
    a_dashboard_shows_only_consenting_circles,
    the_rota_reaches_the_dashboard_only_under_full_consent,
);
