//! A volunteer's place in a circle ends with their task: `TaskEnds` leaves the
//! volunteer out of the circle once the task is over and the days for thanks
//! have passed, keeping the thanks, and never before; on both backends.

use std::time::Duration;

use chrono::{DateTime, Utc};
use kring_app::Commands;
use kring_domain::*;
use kring_notify::task_ends::TaskEnds;
use kring_testkit::{on_both_backends, within, TestLog};
use kring_views::Projector;
use uuid::Uuid;

on_both_backends!(a_volunteer_leaves_once_the_task_and_the_days_for_thanks_are_over);

const ORG: OrganisationId = OrganisationId(Uuid::from_u128(10));
const COORD: PersonId = PersonId(Uuid::from_u128(11));
const FOCUS: PersonId = PersonId(Uuid::from_u128(12));
const MATCHMAKER: PersonId = PersonId(Uuid::from_u128(13));
const VOLUNTEER: PersonId = PersonId(Uuid::from_u128(14));
const CIRCLE: CircleId = CircleId(Uuid::from_u128(15));
const REQUEST: RequestId = RequestId(Uuid::from_u128(16));

fn sealed(owner: PersonId) -> Sealed {
    Sealed {
        owner,
        data: "not opened here".into(),
    }
}

/// A request ten days ago that a volunteer from the marketplace did and was thanked for.
async fn helped(commands: &Commands) -> DateTime<Utc> {
    let start = Utc::now() - chrono::Duration::days(10);
    let run = |actor: Actor, action: Action| async move {
        let metadata = kring_store::metadata::of(actor.person.0, actor.organisation.map(|o| o.0));
        commands
            .circle(CIRCLE, CircleCommand { actor, action }, metadata)
            .await
            .expect("the command is allowed");
    };
    let coordinator = Actor::person(COORD);
    let window = TimeWindow::new(
        start + chrono::Duration::hours(1),
        start + chrono::Duration::hours(3),
    )
    .unwrap();
    for action in [
        Action::CreateCircle {
            circle: CIRCLE,
            focus: FOCUS,
            focus_name: sealed(FOCUS),
            time_zone: "Europe/Amsterdam".into(),
            plan: vec![],
        },
        Action::GrantConsent {
            organisation: ORG,
            scope: ConsentScope::Signals,
            from: start,
        },
        Action::NameNeighbourhood {
            neighbourhood: Some(Neighbourhood::Postcode(3512)),
        },
        Action::RequestHelp {
            request: REQUEST,
            category: Category::Groceries,
            window,
            duration: Minutes::new(60).unwrap(),
            details: sealed(COORD),
            place: None,
            on_behalf_of_focus: false,
        },
        Action::ListRequest {
            request: REQUEST,
            organisation: ORG,
            summary: sealed(COORD),
        },
    ] {
        run(coordinator, action).await;
    }
    let propose = Action::ProposeVolunteer {
        request: REQUEST,
        volunteer: VOLUNTEER,
        note: None,
    };
    run(Actor::intermediary(MATCHMAKER, ORG), propose).await;
    let accept = Action::AcceptVolunteer {
        request: REQUEST,
        volunteer: VOLUNTEER,
        invitation: InvitationId(Uuid::from_u128(17)),
    };
    run(coordinator, accept).await;
    run(
        Actor::person(VOLUNTEER),
        Action::MarkRequestDone { request: REQUEST },
    )
    .await;
    let thanks = Action::Thank {
        thanks_for: ThanksFor::Request(REQUEST),
        to: VOLUNTEER,
        note: None,
    };
    run(coordinator, thanks).await;
    window.end()
}

async fn a_volunteer_leaves_once_the_task_and_the_days_for_thanks_are_over(t: TestLog) {
    let log = t.log.clone();
    // The commands decide at the time they happened, ten days ago.
    let then = Utc::now() - chrono::Duration::days(10);
    let commands = Commands::new(
        log.clone(),
        Services::at(then + chrono::Duration::minutes(5)),
    );
    let ended = helped(&commands).await;
    let mut projector = Projector::open(log.clone()).await.unwrap();
    within(
        Duration::from_secs(30),
        "the projector to fold the circle",
        async { while projector.catch_up_once().await.unwrap() > 0 {} },
    )
    .await;
    let mut tasks = TaskEnds::new(log.clone());
    let now_commands = Commands::new(log.clone(), Services::system());

    // Within the days for thanks: nothing happens.
    let almost = ended + chrono::Duration::days(2) - chrono::Duration::minutes(1);
    assert_eq!(tasks.tick(almost).await.unwrap(), 0);
    assert!(
        member(&now_commands, VOLUNTEER).await.is_some(),
        "still in the circle for thanks"
    );

    // After them: the volunteer leaves, once; the thanks stay.
    assert_eq!(tasks.tick(Utc::now()).await.unwrap(), 1);
    assert!(
        member(&now_commands, VOLUNTEER).await.is_none(),
        "gone from the circle"
    );
    assert_eq!(tasks.tick(Utc::now()).await.unwrap(), 0, "and nothing more");
    let view = now_commands.circle_view(CIRCLE).await.unwrap().unwrap();
    assert!(view.state.former.contains(&VOLUNTEER));
    assert_eq!(view.thanks.len(), 1, "the thanks are kept");
}

async fn member(
    commands: &Commands,
    person: PersonId,
) -> Option<kring_domain::circle::state::Member> {
    let view = commands.circle_view(CIRCLE).await.unwrap().unwrap();
    view.state.member(person).cloned()
}
