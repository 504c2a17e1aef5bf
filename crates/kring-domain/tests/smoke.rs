mod common;
use common::*;
use kring_domain::*;

#[test]
fn a_coordinator_creates_a_circle() {
    circle()
        .given_no_previous_events()
        .when(by(
            COORD,
            Action::CreateCircle {
                circle: CIRCLE,
                focus: FOCUS,
                focus_name: sealed(FOCUS, "Mam"),
                time_zone: "Europe/Amsterdam".into(),
                plan: vec![],
            },
        ))
        .then_expect_events(vec![CircleEvent::CircleCreated {
            circle: CIRCLE,
            focus: FOCUS,
            focus_name: sealed(FOCUS, "Mam"),
            coordinator: COORD,
            time_zone: "Europe/Amsterdam".into(),
            at: now(),
        }]);
}

#[test]
fn a_stranger_learns_nothing() {
    circle()
        .given(circle_with_members())
        .when(by(STRANGER, Action::Leave))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
}
