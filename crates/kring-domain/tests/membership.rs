//! Who is in a circle, and how they come and go: creating the circle,
//! invitations, rings, coordinators, leaving and removal. Every command and
//! every refusal of `decide` for these, as given/when/then.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use kring_domain::*;
use uuid::Uuid;

const INVITATION: InvitationId = InvitationId(Uuid::from_u128(10));
const OTHER_INVITATION: InvitationId = InvitationId(Uuid::from_u128(11));
/// A request of the warm member's, widened to the marketplace (cold ring).
const TASK: RequestId = RequestId(Uuid::from_u128(20));
const OTHER_REQUEST: RequestId = RequestId(Uuid::from_u128(21));
/// Someone with an invitation link, not yet in the circle.
const NEWCOMER: PersonId = PersonId(Uuid::from_u128(7));
/// A second coordinator in the warm ring.
const COORD2: PersonId = PersonId(Uuid::from_u128(8));

fn in_a_week() -> DateTime<Utc> {
    now() + Duration::days(7)
}

fn invite(ring: Ring, role: InvitedAs, task: Option<RequestId>) -> Action {
    invite_until(ring, role, task, in_a_week())
}

fn invite_until(
    ring: Ring,
    role: InvitedAs,
    task: Option<RequestId>,
    expires_at: DateTime<Utc>,
) -> Action {
    Action::Invite {
        invitation: INVITATION,
        ring,
        role,
        task,
        token_hash: TOKEN.into(),
        expires_at,
    }
}

fn issued(ring: Ring, role: InvitedAs, task: Option<RequestId>) -> CircleEvent {
    issued_until(ring, role, task, in_a_week())
}

fn issued_until(
    ring: Ring,
    role: InvitedAs,
    task: Option<RequestId>,
    expires_at: DateTime<Utc>,
) -> CircleEvent {
    CircleEvent::InvitationIssued {
        invitation: INVITATION,
        ring,
        role,
        task,
        token_hash: TOKEN.into(),
        expires_at,
        by: COORD,
    }
}

fn accept(token_hash: &str) -> Action {
    Action::AcceptInvitation {
        invitation: INVITATION,
        token_hash: token_hash.into(),
        focus_name: None,
    }
}

fn coordinator_joined(person: PersonId) -> CircleEvent {
    CircleEvent::MemberJoined {
        invitation: id(person.0.as_u128() + 600),
        person,
        ring: Ring::Warm,
        coordinator: true,
        task: None,
    }
}

/// The warm member's groceries request, widened to the marketplace.
fn task_on_the_marketplace() -> Vec<CircleEvent> {
    vec![
        help_requested(TASK, Category::Groceries, WARM),
        CircleEvent::RequestWidened {
            request: TASK,
            to: Ring::Cold,
            by: COORD,
        },
    ]
}

fn with(
    mut events: Vec<CircleEvent>,
    more: impl IntoIterator<Item = CircleEvent>,
) -> Vec<CircleEvent> {
    events.extend(more);
    events
}

/// Focus, coordinator, warm, lukewarm, and a volunteer for TASK.
fn circle_with_volunteer() -> Vec<CircleEvent> {
    with(
        with(circle_with_members(), task_on_the_marketplace()),
        [volunteer_joined(TASK)],
    )
}

fn circle_with_two_coordinators() -> Vec<CircleEvent> {
    with(circle_with_members(), [coordinator_joined(COORD2)])
}

fn create(
    by_person: PersonId,
    focus: PersonId,
    focus_name: Sealed,
    time_zone: &str,
) -> CircleCommand {
    by(
        by_person,
        Action::CreateCircle {
            circle: CIRCLE,
            focus,
            focus_name,
            time_zone: time_zone.into(),
            plan: vec![],
        },
    )
}

fn outcome(
    given: Vec<CircleEvent>,
    command: CircleCommand,
) -> Result<Vec<CircleEvent>, DomainError> {
    circle().given(given).when(command).inspect_result()
}

fn coordinators_only() -> DomainError {
    DomainError::Refused(Refusal::OnlyCoordinators)
}

fn volunteers_act_on_their_own_task() -> DomainError {
    DomainError::Refused(Refusal::OnlyWarmAndLukewarm)
}

// ---------------------------------------------------------------- CreateCircle

#[test]
fn a_daughter_creates_a_circle_for_her_mother_and_coordinates_it() {
    circle()
        .given_no_previous_events()
        .when(create(
            COORD,
            FOCUS,
            sealed(FOCUS, "Mam"),
            "Europe/Amsterdam",
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
fn the_focus_person_may_create_their_own_circle_and_is_then_its_coordinator() {
    let own = CircleEvent::CircleCreated {
        circle: CIRCLE,
        focus: FOCUS,
        focus_name: sealed(FOCUS, "Ik"),
        coordinator: FOCUS,
        time_zone: "Europe/Brussels".into(),
        at: now(),
    };
    circle()
        .given_no_previous_events()
        .when(create(FOCUS, FOCUS, sealed(FOCUS, "Ik"), "Europe/Brussels"))
        .then_expect_events(vec![own.clone()]);
    // They coordinate: they may invite...
    circle()
        .given(vec![own.clone()])
        .when(by(FOCUS, invite(Ring::Warm, InvitedAs::Member, None)))
        .then_expect_events(vec![CircleEvent::InvitationIssued {
            invitation: INVITATION,
            ring: Ring::Warm,
            role: InvitedAs::Member,
            task: None,
            token_hash: TOKEN.into(),
            expires_at: in_a_week(),
            by: FOCUS,
        }]);
    // ...and they are the only coordinator.
    circle()
        .given(vec![own])
        .when(by(FOCUS, Action::StepDownAsCoordinator))
        .then_expect_error(DomainError::Refused(Refusal::LastCoordinator));
}

#[test]
fn a_circle_that_exists_cannot_be_created_again() {
    circle()
        .given(vec![created()])
        .when(create(
            COORD,
            FOCUS,
            sealed(FOCUS, "Mam"),
            "Europe/Amsterdam",
        ))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyExists));
}

#[test]
fn a_circle_needs_a_time_zone_that_exists() {
    circle()
        .given_no_previous_events()
        .when(create(
            COORD,
            FOCUS,
            sealed(FOCUS, "Mam"),
            "Europe/Amsterdm",
        ))
        .then_expect_error(DomainError::UnknownWord {
            refusal: Refusal::UnknownTimeZone,
            word: "Europe/Amsterdm".into(),
        });
    circle()
        .given_no_previous_events()
        .when(create(COORD, FOCUS, sealed(FOCUS, "Mam"), ""))
        .then_expect_error(DomainError::UnknownWord {
            refusal: Refusal::UnknownTimeZone,
            word: String::new(),
        });
}

#[test]
fn the_focus_persons_name_must_be_sealed_with_their_own_key() {
    circle()
        .given_no_previous_events()
        .when(create(
            COORD,
            FOCUS,
            sealed(COORD, "Mam"),
            "Europe/Amsterdam",
        ))
        .then_expect_error(DomainError::Refused(Refusal::FocusNameKeyNotOwn));
}

#[test]
fn an_intermediary_cannot_create_a_circle_for_themself() {
    circle()
        .given_no_previous_events()
        .when(looking(Action::CreateCircle {
            circle: CIRCLE,
            focus: SOCIAL_WORKER,
            focus_name: sealed(SOCIAL_WORKER, "Ik"),
            time_zone: "Europe/Amsterdam".into(),
            plan: vec![],
        }))
        .then_expect_error(DomainError::Refused(Refusal::OnlyPerson));
}

#[test]
fn before_a_circle_is_created_every_other_command_finds_no_circle() {
    for action in every_action_but_create(COORD) {
        let name = action_name(&action);
        assert_eq!(
            outcome(vec![], by(COORD, action)),
            Err(DomainError::Refused(Refusal::NoSuchCircle)),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------- Invite

#[test]
fn a_coordinator_invites_someone_to_each_ring() {
    for ring in [Ring::Warm, Ring::Lukewarm] {
        circle()
            .given(circle_with_members())
            .when(by(COORD, invite(ring, InvitedAs::Member, None)))
            .then_expect_events(vec![issued(ring, InvitedAs::Member, None)]);
    }
    circle()
        .given(with(circle_with_members(), task_on_the_marketplace()))
        .when(by(COORD, invite(Ring::Cold, InvitedAs::Member, Some(TASK))))
        .then_expect_events(vec![issued(Ring::Cold, InvitedAs::Member, Some(TASK))]);
}

#[test]
fn a_coordinator_invites_a_fellow_coordinator_to_the_warm_ring() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, invite(Ring::Warm, InvitedAs::Coordinator, None)))
        .then_expect_events(vec![issued(Ring::Warm, InvitedAs::Coordinator, None)]);
}

#[test]
fn only_a_coordinator_invites() {
    for person in [FOCUS, WARM, LUKEWARM] {
        circle()
            .given(circle_with_members())
            .when(by(person, invite(Ring::Warm, InvitedAs::Member, None)))
            .then_expect_error(coordinators_only());
    }
}

#[test]
fn an_invitation_id_is_used_once() {
    circle()
        .given(with(
            circle_with_members(),
            [issued(Ring::Warm, InvitedAs::Member, None)],
        ))
        .when(by(COORD, invite(Ring::Lukewarm, InvitedAs::Member, None)))
        .then_expect_error(DomainError::Refused(Refusal::InvitationExists));
}

#[test]
fn an_invitation_expires_in_the_future_and_within_thirty_days() {
    let refused = DomainError::Refused(Refusal::InvitationExpiry);
    for expires_at in [
        now() - Duration::hours(1),
        now(),
        now() + Duration::days(30) + Duration::seconds(1),
        now() + Duration::days(365),
    ] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                invite_until(Ring::Warm, InvitedAs::Member, None, expires_at),
            ))
            .then_expect_error(refused.clone());
    }
    for expires_at in [now() + Duration::seconds(1), now() + Duration::days(30)] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                invite_until(Ring::Warm, InvitedAs::Member, None, expires_at),
            ))
            .then_expect_events(vec![issued_until(
                Ring::Warm,
                InvitedAs::Member,
                None,
                expires_at,
            )]);
    }
}

#[test]
fn coordinators_are_only_invited_to_the_warm_ring() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            invite(Ring::Lukewarm, InvitedAs::Coordinator, None),
        ))
        .then_expect_error(DomainError::Refused(Refusal::CoordinatorsAreWarm));
    circle()
        .given(with(circle_with_members(), task_on_the_marketplace()))
        .when(by(
            COORD,
            invite(Ring::Cold, InvitedAs::Coordinator, Some(TASK)),
        ))
        .then_expect_error(DomainError::Refused(Refusal::CoordinatorsAreWarm));
}

#[test]
fn a_volunteer_is_invited_for_one_request() {
    circle()
        .given(with(circle_with_members(), task_on_the_marketplace()))
        .when(by(COORD, invite(Ring::Cold, InvitedAs::Member, None)))
        .then_expect_error(DomainError::Refused(Refusal::VolunteerNeedsTask));
}

#[test]
fn a_volunteer_is_invited_for_a_request_that_exists() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            invite(Ring::Cold, InvitedAs::Member, Some(OTHER_REQUEST)),
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
}

#[test]
fn a_volunteer_is_invited_only_for_an_open_request_on_the_marketplace() {
    let refused = DomainError::Refused(Refusal::VolunteerTaskNotOnMarketplace);
    // Not widened at all: the family's own request.
    circle()
        .given(with(
            circle_with_members(),
            [help_requested(TASK, Category::Groceries, WARM)],
        ))
        .when(by(COORD, invite(Ring::Cold, InvitedAs::Member, Some(TASK))))
        .then_expect_error(refused.clone());
    // Widened to the lukewarm ring only.
    circle()
        .given(with(
            circle_with_members(),
            [
                help_requested(TASK, Category::Groceries, WARM),
                CircleEvent::RequestWidened {
                    request: TASK,
                    to: Ring::Lukewarm,
                    by: COORD,
                },
            ],
        ))
        .when(by(COORD, invite(Ring::Cold, InvitedAs::Member, Some(TASK))))
        .then_expect_error(refused.clone());
    // On the marketplace, but someone already took it, or it was cancelled.
    for closing in [
        CircleEvent::RequestTaken {
            request: TASK,
            by: LUKEWARM,
        },
        CircleEvent::RequestCancelled {
            request: TASK,
            by: WARM,
        },
    ] {
        circle()
            .given(with(
                with(circle_with_members(), task_on_the_marketplace()),
                [closing],
            ))
            .when(by(COORD, invite(Ring::Cold, InvitedAs::Member, Some(TASK))))
            .then_expect_error(refused.clone());
    }
}

#[test]
fn only_a_cold_ring_invitation_names_a_request() {
    for ring in [Ring::Warm, Ring::Lukewarm] {
        circle()
            .given(with(circle_with_members(), task_on_the_marketplace()))
            .when(by(COORD, invite(ring, InvitedAs::Member, Some(TASK))))
            .then_expect_error(DomainError::Refused(Refusal::TaskOnlyForColdRing));
    }
}

#[test]
fn an_invitation_secret_must_be_long_enough() {
    for token_hash in ["", "abc", &TOKEN[..31]] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                Action::Invite {
                    invitation: INVITATION,
                    ring: Ring::Warm,
                    role: InvitedAs::Member,
                    task: None,
                    token_hash: token_hash.into(),
                    expires_at: in_a_week(),
                },
            ))
            .then_expect_error(DomainError::Refused(Refusal::InvitationSecretTooShort));
    }
}

// ------------------------------------------------------------ RevokeInvitation

#[test]
fn a_coordinator_withdraws_an_open_invitation() {
    circle()
        .given(with(
            circle_with_members(),
            [issued(Ring::Warm, InvitedAs::Member, None)],
        ))
        .when(by(
            COORD,
            Action::RevokeInvitation {
                invitation: INVITATION,
            },
        ))
        .then_expect_events(vec![CircleEvent::InvitationRevoked {
            invitation: INVITATION,
            by: COORD,
        }]);
}

#[test]
fn only_a_coordinator_withdraws_an_invitation() {
    for person in [FOCUS, WARM, LUKEWARM] {
        circle()
            .given(with(
                circle_with_members(),
                [issued(Ring::Warm, InvitedAs::Member, None)],
            ))
            .when(by(
                person,
                Action::RevokeInvitation {
                    invitation: INVITATION,
                },
            ))
            .then_expect_error(coordinators_only());
    }
}

#[test]
fn an_unknown_invitation_cannot_be_withdrawn() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            Action::RevokeInvitation {
                invitation: INVITATION,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchInvitation));
}

#[test]
fn a_used_or_withdrawn_invitation_cannot_be_withdrawn() {
    for settled in [
        CircleEvent::InvitationRevoked {
            invitation: INVITATION,
            by: COORD,
        },
        CircleEvent::MemberJoined {
            invitation: INVITATION,
            person: NEWCOMER,
            ring: Ring::Warm,
            coordinator: false,
            task: None,
        },
    ] {
        circle()
            .given(with(
                circle_with_members(),
                [issued(Ring::Warm, InvitedAs::Member, None), settled],
            ))
            .when(by(
                COORD,
                Action::RevokeInvitation {
                    invitation: INVITATION,
                },
            ))
            .then_expect_error(DomainError::Refused(Refusal::InvitationUsedOrRevoked));
    }
}

// ------------------------------------------------------------ AcceptInvitation

#[test]
fn someone_with_the_link_joins_the_ring_they_were_invited_to() {
    for ring in [Ring::Warm, Ring::Lukewarm] {
        circle()
            .given(with(
                circle_with_members(),
                [issued(ring, InvitedAs::Member, None)],
            ))
            .when(by(NEWCOMER, accept(TOKEN)))
            .then_expect_events(vec![CircleEvent::MemberJoined {
                invitation: INVITATION,
                person: NEWCOMER,
                ring,
                coordinator: false,
                task: None,
            }]);
    }
}

#[test]
fn someone_invited_as_coordinator_joins_as_coordinator() {
    circle()
        .given(with(
            circle_with_members(),
            [issued(Ring::Warm, InvitedAs::Coordinator, None)],
        ))
        .when(by(NEWCOMER, accept(TOKEN)))
        .then_expect_events(vec![CircleEvent::MemberJoined {
            invitation: INVITATION,
            person: NEWCOMER,
            ring: Ring::Warm,
            coordinator: true,
            task: None,
        }]);
}

#[test]
fn a_volunteer_joins_the_cold_ring_with_their_task() {
    circle()
        .given(with(
            with(circle_with_members(), task_on_the_marketplace()),
            [issued(Ring::Cold, InvitedAs::Member, Some(TASK))],
        ))
        .when(by(VOLUNTEER, accept(TOKEN)))
        .then_expect_events(vec![CircleEvent::MemberJoined {
            invitation: INVITATION,
            person: VOLUNTEER,
            ring: Ring::Cold,
            coordinator: false,
            task: Some(TASK),
        }]);
}

#[test]
fn an_invitation_works_once() {
    let used = vec![
        created(),
        issued(Ring::Warm, InvitedAs::Member, None),
        CircleEvent::MemberJoined {
            invitation: INVITATION,
            person: NEWCOMER,
            ring: Ring::Warm,
            coordinator: false,
            task: None,
        },
    ];
    circle()
        .given(used.clone())
        .when(by(STRANGER, accept(TOKEN)))
        .then_expect_error(DomainError::Refused(Refusal::InvitationUsed));
}

#[test]
fn without_the_right_secret_there_is_no_circle() {
    let given = with(
        circle_with_members(),
        [issued(Ring::Warm, InvitedAs::Member, None)],
    );
    let wrong = "0000000000000000000000000000000000000000000000000000000000000000";
    circle()
        .given(given.clone())
        .when(by(NEWCOMER, accept(wrong)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
    circle()
        .given(given)
        .when(by(
            NEWCOMER,
            Action::AcceptInvitation {
                invitation: OTHER_INVITATION,
                token_hash: TOKEN.into(),
                focus_name: None,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
}

#[test]
fn an_expired_invitation_cannot_be_accepted() {
    for expires_at in [now() - Duration::days(1), now()] {
        circle()
            .given(with(
                circle_with_members(),
                [issued_until(
                    Ring::Warm,
                    InvitedAs::Member,
                    None,
                    expires_at,
                )],
            ))
            .when(by(NEWCOMER, accept(TOKEN)))
            .then_expect_error(DomainError::Refused(Refusal::InvitationExpired));
    }
}

#[test]
fn a_withdrawn_invitation_cannot_be_accepted() {
    circle()
        .given(with(
            circle_with_members(),
            [
                issued(Ring::Warm, InvitedAs::Member, None),
                CircleEvent::InvitationRevoked {
                    invitation: INVITATION,
                    by: COORD,
                },
            ],
        ))
        .when(by(NEWCOMER, accept(TOKEN)))
        .then_expect_error(DomainError::Refused(Refusal::InvitationWithdrawn));
}

/// An invitation speaks for the coordinator who made it: once they leave, are
/// removed or step down, nobody can join with it (they least of all: a
/// removed coordinator must not walk back in through their own link).
#[test]
fn an_invitation_ends_when_its_maker_stops_coordinating() {
    let gone = [
        CircleEvent::MemberRemoved {
            person: COORD,
            by: COORD2,
            at: now(),
        },
        CircleEvent::MemberLeft {
            person: COORD,
            at: now(),
        },
        CircleEvent::CoordinatorStepped {
            person: COORD,
            by: COORD,
        },
    ];
    for end in gone {
        for joiner in [COORD, NEWCOMER] {
            let given = with(
                circle_with_two_coordinators(),
                [
                    issued(Ring::Warm, InvitedAs::Coordinator, None),
                    end.clone(),
                ],
            );
            if joiner == COORD && matches!(end, CircleEvent::CoordinatorStepped { .. }) {
                continue; // still a member: "already a member" says nothing new
            }
            circle()
                .given(given)
                .when(by(joiner, accept(TOKEN)))
                .then_expect_error(DomainError::Refused(Refusal::InvitationWithdrawn));
        }
    }
}

#[test]
fn another_coordinators_invitation_outlives_a_removal() {
    let by_coord2 = CircleEvent::InvitationIssued {
        invitation: INVITATION,
        ring: Ring::Warm,
        role: InvitedAs::Member,
        task: None,
        token_hash: TOKEN.into(),
        expires_at: in_a_week(),
        by: COORD2,
    };
    let removed = CircleEvent::MemberRemoved {
        person: COORD,
        by: COORD2,
        at: now(),
    };
    let events = outcome(
        with(circle_with_two_coordinators(), [by_coord2, removed]),
        by(NEWCOMER, accept(TOKEN)),
    )
    .expect("the invitation of a coordinator who stays still works");
    assert!(matches!(
        events[..],
        [CircleEvent::MemberJoined {
            person: NEWCOMER,
            ..
        }]
    ));
}

#[test]
fn a_member_cannot_join_a_second_time() {
    for person in [FOCUS, COORD, WARM, LUKEWARM] {
        circle()
            .given(with(
                circle_with_members(),
                [issued(Ring::Warm, InvitedAs::Member, None)],
            ))
            .when(by(person, accept(TOKEN)))
            .then_expect_error(DomainError::Refused(Refusal::AlreadyMember));
    }
}

#[test]
fn a_former_member_may_come_back_with_a_new_invitation() {
    circle()
        .given(with(
            circle_with_members(),
            [
                CircleEvent::MemberRemoved {
                    person: LUKEWARM,
                    by: COORD,
                    at: now(),
                },
                issued(Ring::Lukewarm, InvitedAs::Member, None),
            ],
        ))
        .when(by(LUKEWARM, accept(TOKEN)))
        .then_expect_events(vec![CircleEvent::MemberJoined {
            invitation: INVITATION,
            person: LUKEWARM,
            ring: Ring::Lukewarm,
            coordinator: false,
            task: None,
        }]);
}

// ------------------------------------------------------------------ ChangeRing

#[test]
fn a_coordinator_moves_a_member_between_the_warm_and_lukewarm_rings() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            Action::ChangeRing {
                person: LUKEWARM,
                ring: Ring::Warm,
            },
        ))
        .then_expect_events(vec![CircleEvent::MemberRingChanged {
            person: LUKEWARM,
            ring: Ring::Warm,
            by: COORD,
        }]);
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            Action::ChangeRing {
                person: WARM,
                ring: Ring::Lukewarm,
            },
        ))
        .then_expect_events(vec![CircleEvent::MemberRingChanged {
            person: WARM,
            ring: Ring::Lukewarm,
            by: COORD,
        }]);
}

#[test]
fn only_a_coordinator_changes_rings() {
    for person in [FOCUS, WARM] {
        circle()
            .given(circle_with_members())
            .when(by(
                person,
                Action::ChangeRing {
                    person: LUKEWARM,
                    ring: Ring::Warm,
                },
            ))
            .then_expect_error(coordinators_only());
    }
    // Not even one's own ring.
    circle()
        .given(circle_with_members())
        .when(by(
            LUKEWARM,
            Action::ChangeRing {
                person: LUKEWARM,
                ring: Ring::Warm,
            },
        ))
        .then_expect_error(coordinators_only());
}

#[test]
fn only_a_member_changes_ring() {
    for person in [STRANGER, NEWCOMER] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                Action::ChangeRing {
                    person,
                    ring: Ring::Lukewarm,
                },
            ))
            .then_expect_error(DomainError::Refused(Refusal::NoSuchMember));
    }
}

#[test]
fn a_member_already_in_that_ring_is_not_moved() {
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            Action::ChangeRing {
                person: LUKEWARM,
                ring: Ring::Lukewarm,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyInRing));
}

#[test]
fn the_focus_person_and_coordinators_stay_in_the_warm_ring() {
    let refused = DomainError::Refused(Refusal::FocusAndCoordinatorsStayWarm);
    for (person, ring) in [
        (FOCUS, Ring::Lukewarm),
        (FOCUS, Ring::Cold),
        (COORD2, Ring::Lukewarm),
        (COORD, Ring::Lukewarm),
    ] {
        circle()
            .given(circle_with_two_coordinators())
            .when(by(COORD, Action::ChangeRing { person, ring }))
            .then_expect_error(refused.clone());
    }
}

#[test]
fn the_cold_ring_is_neither_entered_nor_left_by_a_change_of_ring() {
    let refused = DomainError::Refused(Refusal::ColdRingThroughMarketplace);
    for (person, ring) in [
        (WARM, Ring::Cold),
        (LUKEWARM, Ring::Cold),
        (VOLUNTEER, Ring::Lukewarm),
        (VOLUNTEER, Ring::Warm),
    ] {
        circle()
            .given(circle_with_volunteer())
            .when(by(COORD, Action::ChangeRing { person, ring }))
            .then_expect_error(refused.clone());
    }
}

// ---------------------------------------------------------- AppointCoordinator

#[test]
fn a_coordinator_appoints_a_warm_member() {
    for person in [WARM, FOCUS] {
        circle()
            .given(circle_with_members())
            .when(by(COORD, Action::AppointCoordinator { person }))
            .then_expect_events(vec![CircleEvent::CoordinatorAppointed {
                person,
                by: COORD,
            }]);
    }
}

#[test]
fn only_a_coordinator_appoints() {
    for person in [FOCUS, WARM, LUKEWARM] {
        circle()
            .given(circle_with_members())
            .when(by(person, Action::AppointCoordinator { person: WARM }))
            .then_expect_error(coordinators_only());
    }
}

#[test]
fn only_a_member_is_appointed() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::AppointCoordinator { person: STRANGER }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchMember));
}

#[test]
fn a_coordinator_is_not_appointed_twice() {
    circle()
        .given(circle_with_two_coordinators())
        .when(by(COORD, Action::AppointCoordinator { person: COORD2 }))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyCoordinator));
}

#[test]
fn a_coordinator_is_appointed_from_the_warm_ring() {
    for person in [LUKEWARM, VOLUNTEER] {
        circle()
            .given(circle_with_volunteer())
            .when(by(COORD, Action::AppointCoordinator { person }))
            .then_expect_error(DomainError::Refused(Refusal::CoordinatorsAreWarm));
    }
}

// ------------------------------------------------------- StepDownAsCoordinator

#[test]
fn a_coordinator_steps_down_when_another_remains() {
    circle()
        .given(circle_with_two_coordinators())
        .when(by(COORD, Action::StepDownAsCoordinator))
        .then_expect_events(vec![CircleEvent::CoordinatorStepped {
            person: COORD,
            by: COORD,
        }]);
}

#[test]
fn the_last_coordinator_cannot_step_down() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::StepDownAsCoordinator))
        .then_expect_error(DomainError::Refused(Refusal::LastCoordinator));
    // After the other stepped down, the one left is the last.
    circle()
        .given(with(
            circle_with_two_coordinators(),
            [CircleEvent::CoordinatorStepped {
                person: COORD2,
                by: COORD2,
            }],
        ))
        .when(by(COORD, Action::StepDownAsCoordinator))
        .then_expect_error(DomainError::Refused(Refusal::LastCoordinator));
}

#[test]
fn only_a_coordinator_steps_down() {
    for person in [FOCUS, WARM, LUKEWARM] {
        circle()
            .given(circle_with_members())
            .when(by(person, Action::StepDownAsCoordinator))
            .then_expect_error(coordinators_only());
    }
}

// ----------------------------------------------------------------------- Leave

#[test]
fn a_member_leaves() {
    for person in [WARM, LUKEWARM, VOLUNTEER] {
        circle()
            .given(circle_with_volunteer())
            .when(by(person, Action::Leave))
            .then_expect_events(vec![CircleEvent::MemberLeft { person, at: now() }]);
    }
}

#[test]
fn a_coordinator_leaves_when_another_remains() {
    circle()
        .given(circle_with_two_coordinators())
        .when(by(COORD2, Action::Leave))
        .then_expect_events(vec![CircleEvent::MemberLeft {
            person: COORD2,
            at: now(),
        }]);
}

#[test]
fn the_focus_person_cannot_leave_their_own_circle() {
    circle()
        .given(circle_with_members())
        .when(by(FOCUS, Action::Leave))
        .then_expect_error(DomainError::Refused(Refusal::FocusCannotLeave));
}

#[test]
fn the_last_coordinator_cannot_leave() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::Leave))
        .then_expect_error(DomainError::Refused(Refusal::LastCoordinator));
    circle()
        .given(with(
            circle_with_two_coordinators(),
            [CircleEvent::MemberLeft {
                person: COORD,
                at: now(),
            }],
        ))
        .when(by(COORD2, Action::Leave))
        .then_expect_error(DomainError::Refused(Refusal::LastCoordinator));
}

#[test]
fn someone_who_left_can_do_nothing_more() {
    let given = with(
        circle_with_members(),
        [CircleEvent::MemberLeft {
            person: WARM,
            at: now(),
        }],
    );
    for action in every_action_but_create(WARM) {
        let name = action_name(&action);
        assert_eq!(
            outcome(given.clone(), by(WARM, action)),
            Err(DomainError::Refused(Refusal::NoSuchCircle)),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------- RemoveMember

#[test]
fn a_coordinator_removes_a_member() {
    for person in [WARM, LUKEWARM, VOLUNTEER] {
        circle()
            .given(circle_with_volunteer())
            .when(by(COORD, Action::RemoveMember { person }))
            .then_expect_events(vec![CircleEvent::MemberRemoved {
                person,
                by: COORD,
                at: now(),
            }]);
    }
    circle()
        .given(circle_with_two_coordinators())
        .when(by(COORD, Action::RemoveMember { person: COORD2 }))
        .then_expect_events(vec![CircleEvent::MemberRemoved {
            person: COORD2,
            by: COORD,
            at: now(),
        }]);
}

#[test]
fn only_a_coordinator_removes_a_member() {
    for person in [FOCUS, WARM] {
        circle()
            .given(circle_with_members())
            .when(by(person, Action::RemoveMember { person: LUKEWARM }))
            .then_expect_error(coordinators_only());
    }
}

#[test]
fn a_coordinator_does_not_remove_themself() {
    circle()
        .given(circle_with_two_coordinators())
        .when(by(COORD, Action::RemoveMember { person: COORD }))
        .then_expect_error(DomainError::Refused(Refusal::RemoveSelf));
}

#[test]
fn the_focus_person_cannot_be_removed() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::RemoveMember { person: FOCUS }))
        .then_expect_error(DomainError::Refused(Refusal::FocusCannotBeRemoved));
}

#[test]
fn only_a_member_is_removed() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, Action::RemoveMember { person: STRANGER }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchMember));
    circle()
        .given(with(
            circle_with_members(),
            [CircleEvent::MemberRemoved {
                person: LUKEWARM,
                by: COORD,
                at: now(),
            }],
        ))
        .when(by(COORD, Action::RemoveMember { person: LUKEWARM }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchMember));
}

#[test]
fn a_removed_member_can_do_nothing_more() {
    let given = with(
        circle_with_members(),
        [CircleEvent::MemberRemoved {
            person: LUKEWARM,
            by: COORD,
            at: now(),
        }],
    );
    for action in every_action_but_create(LUKEWARM) {
        let name = action_name(&action);
        assert_eq!(
            outcome(given.clone(), by(LUKEWARM, action)),
            Err(DomainError::Refused(Refusal::NoSuchCircle)),
            "{name}"
        );
    }
    // A removed coordinator is no coordinator any more.
    let given = with(
        circle_with_two_coordinators(),
        [CircleEvent::MemberRemoved {
            person: COORD2,
            by: COORD,
            at: now(),
        }],
    );
    for action in every_action_but_create(COORD2) {
        let name = action_name(&action);
        assert_eq!(
            outcome(given.clone(), by(COORD2, action)),
            Err(DomainError::Refused(Refusal::NoSuchCircle)),
            "{name}"
        );
    }
}

// -------------------------------------------------------------- Non-members

#[test]
fn the_list_of_commands_has_one_of_every_kind() {
    let names: BTreeSet<_> = every_action_but_create(STRANGER)
        .iter()
        .map(action_name)
        .collect();
    assert_eq!(names.len(), 48, "{names:?}");
    assert!(!names.contains("CreateCircle"));
}

#[test]
fn a_stranger_gets_no_such_circle_for_every_command() {
    for action in every_action_but_create(STRANGER) {
        let name = action_name(&action);
        assert_eq!(
            outcome(circle_with_volunteer(), by(STRANGER, action)),
            Err(DomainError::Refused(Refusal::NoSuchCircle)),
            "{name}"
        );
    }
}

#[test]
fn an_intermediary_without_consent_gets_no_such_circle_for_every_command() {
    for action in every_action_but_create(SOCIAL_WORKER) {
        let name = action_name(&action);
        assert_eq!(
            outcome(circle_with_volunteer(), looking(action)),
            Err(DomainError::Refused(Refusal::NoSuchCircle)),
            "{name}"
        );
    }
}

#[test]
fn a_stranger_who_creates_a_circle_under_a_taken_id_is_only_told_it_is_taken() {
    // A create cannot pretend the id is free; it reveals nothing else.
    circle()
        .given(circle_with_members())
        .when(create(
            STRANGER,
            STRANGER,
            sealed(STRANGER, "Ik"),
            "Europe/Amsterdam",
        ))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyExists));
}

// --------------------------------------------------------- Cold-ring volunteer

#[test]
fn a_volunteer_is_refused_everything_outside_their_own_task() {
    let may = [
        "Thank",
        "WriteLogbookEntry",
        "RedactLogbookEntry",
        "Leave",
        "AcceptInvitation",
        "EndTask",
        // Answered only where a place was offered (tests/marketplace.rs).
        "AnswerPlace",
    ];
    let mut tried = 0;
    for action in every_action_but_create(VOLUNTEER) {
        let name = action_name(&action);
        if may.contains(&name) {
            continue;
        }
        tried += 1;
        assert_eq!(
            outcome(circle_with_volunteer(), by(VOLUNTEER, action)),
            Err(volunteers_act_on_their_own_task()),
            "{name}"
        );
    }
    assert_eq!(tried, 41);
}

#[test]
fn a_volunteer_takes_and_finishes_only_their_own_task() {
    let given = with(
        circle_with_volunteer(),
        [
            help_requested(OTHER_REQUEST, Category::Groceries, WARM),
            CircleEvent::RequestWidened {
                request: OTHER_REQUEST,
                to: Ring::Cold,
                by: COORD,
            },
        ],
    );
    circle()
        .given(given.clone())
        .when(by(VOLUNTEER, Action::TakeRequest { request: TASK }))
        .then_expect_events(vec![CircleEvent::RequestTaken {
            request: TASK,
            by: VOLUNTEER,
        }]);
    // Another request on the marketplace is not theirs to take.
    circle()
        .given(given.clone())
        .when(by(
            VOLUNTEER,
            Action::TakeRequest {
                request: OTHER_REQUEST,
            },
        ))
        .then_expect_error(volunteers_act_on_their_own_task());
    let taken = with(
        given,
        [CircleEvent::RequestTaken {
            request: TASK,
            by: VOLUNTEER,
        }],
    );
    circle()
        .given(taken.clone())
        .when(by(VOLUNTEER, Action::MarkRequestDone { request: TASK }))
        .then_expect_events(vec![CircleEvent::RequestDone {
            request: TASK,
            by: VOLUNTEER,
        }]);
    // Nor may they confirm or cancel their own task: that is for the family.
    for action in [
        Action::ConfirmRequest { request: TASK },
        Action::CancelRequest { request: TASK },
        Action::RecordNoShow { request: TASK },
        Action::WidenRequest {
            request: TASK,
            to: Ring::Cold,
        },
    ] {
        circle()
            .given(taken.clone())
            .when(by(VOLUNTEER, action))
            .then_expect_error(volunteers_act_on_their_own_task());
    }
}

#[test]
fn a_volunteer_thanks_nobody_for_what_is_outside_their_task() {
    let entry: EntryId = id(40);
    let given = with(
        circle_with_volunteer(),
        [
            // Someone else's request, done by the lukewarm member.
            help_requested(OTHER_REQUEST, Category::Groceries, WARM),
            CircleEvent::RequestWidened {
                request: OTHER_REQUEST,
                to: Ring::Cold,
                by: COORD,
            },
            CircleEvent::RequestTaken {
                request: OTHER_REQUEST,
                by: LUKEWARM,
            },
            CircleEvent::RequestDone {
                request: OTHER_REQUEST,
                by: LUKEWARM,
            },
            // A logbook entry for the family only.
            CircleEvent::LogbookEntryWritten {
                entry,
                author: WARM,
                visibility: Visibility::WarmOnly,
                text: sealed(WARM, "Mam was verdrietig"),
            },
        ],
    );
    circle()
        .given(given.clone())
        .when(by(
            VOLUNTEER,
            Action::Thank {
                thanks_for: ThanksFor::Request(OTHER_REQUEST),
                to: LUKEWARM,
                note: None,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchRequest));
    circle()
        .given(given.clone())
        .when(by(
            VOLUNTEER,
            Action::Thank {
                thanks_for: ThanksFor::Entry(entry),
                to: WARM,
                note: None,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchEntry));
    // Redacting someone else's entry is refused as for anyone.
    circle()
        .given(given)
        .when(by(VOLUNTEER, Action::RedactLogbookEntry { entry }))
        .then_expect_error(DomainError::Refused(Refusal::OnlyAuthor));
}

#[test]
fn a_volunteer_cannot_thank_anyone_for_a_shift_on_the_rota_they_cannot_see() {
    // The rota is for the warm and lukewarm rings (a shift is never open to the
    // cold ring): a volunteer neither sees it nor has anything to do with it.
    let last_saturday = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    let shift: ShiftId = id(30);
    let given = with(
        circle_with_volunteer(),
        [
            // Last Saturday's visit on the family's rota, done by the warm member.
            CircleEvent::ShiftScheduled {
                shift,
                title: sealed(COORD, "Bij mam op bezoek"),
                starts: local(last_saturday, 10),
                duration: Minutes::new(120).unwrap(),
                recurrence: Recurrence::Once,
                helpers_needed: 1,
                rings: vec![Ring::Warm, Ring::Lukewarm],
                by: COORD,
            },
            CircleEvent::ShiftClaimed {
                shift,
                date: last_saturday,
                by: WARM,
            },
        ],
    );
    circle()
        .given(given)
        .when(by(
            VOLUNTEER,
            Action::Thank {
                thanks_for: ThanksFor::Shift(shift, last_saturday),
                to: WARM,
                note: None,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchShift));
}

#[test]
fn a_volunteer_may_write_in_the_logbook() {
    let entry: EntryId = id(41);
    circle()
        .given(circle_with_volunteer())
        .when(by(
            VOLUNTEER,
            Action::WriteLogbookEntry {
                entry,
                visibility: Visibility::WholeCircle,
                text: sealed(VOLUNTEER, "Boodschappen staan in de koelkast"),
            },
        ))
        .then_expect_events(vec![CircleEvent::LogbookEntryWritten {
            entry,
            author: VOLUNTEER,
            visibility: Visibility::WholeCircle,
            text: sealed(VOLUNTEER, "Boodschappen staan in de koelkast"),
        }]);
}

// ------------------------------------------------- Handing over coordination

fn offered_to(to: PersonId) -> CircleEvent {
    CircleEvent::CoordinationOffered { to, by: COORD }
}

fn hand_over(to: PersonId) -> Action {
    Action::HandOverCoordination { to }
}

#[test]
fn a_coordinator_hands_over_and_the_warm_member_takes_it_in_one_step() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, hand_over(WARM)))
        .then_expect_events(vec![offered_to(WARM)]);
    circle()
        .given(with(circle_with_members(), [offered_to(WARM)]))
        .when(by(WARM, Action::AnswerCoordination { accept: true }))
        .then_expect_events(vec![
            CircleEvent::CoordinationAnswered {
                to: WARM,
                accepted: true,
            },
            CircleEvent::CoordinatorAppointed {
                person: WARM,
                by: WARM,
            },
            CircleEvent::CoordinatorStepped {
                person: COORD,
                by: WARM,
            },
        ]);
    // The one who handed over stays, as a warm member.
    let mut state = Circle::default();
    let events = with(circle_with_members(), [offered_to(WARM)]);
    let accepted = outcome(
        events.clone(),
        by(WARM, Action::AnswerCoordination { accept: true }),
    )
    .unwrap();
    for event in events.into_iter().chain(accepted) {
        state.apply(event);
    }
    assert!(state.is_coordinator(WARM) && !state.is_coordinator(COORD));
    assert_eq!(state.member(COORD).map(|m| m.ring), Some(Ring::Warm));
    assert_eq!(state.coordination_offered_to(WARM), None);
}

#[test]
fn a_member_may_say_no_and_is_not_asked_twice_at_once() {
    circle()
        .given(with(circle_with_members(), [offered_to(WARM)]))
        .when(by(WARM, Action::AnswerCoordination { accept: false }))
        .then_expect_events(vec![CircleEvent::CoordinationAnswered {
            to: WARM,
            accepted: false,
        }]);
    assert_eq!(
        outcome(
            with(circle_with_members(), [offered_to(WARM)]),
            by(COORD, hand_over(WARM))
        ),
        Err(DomainError::Refused(Refusal::CoordinationAlreadyOffered))
    );
    // After a no they may be asked again.
    let declined = CircleEvent::CoordinationAnswered {
        to: WARM,
        accepted: false,
    };
    assert!(outcome(
        with(circle_with_members(), [offered_to(WARM), declined]),
        by(COORD, hand_over(WARM))
    )
    .is_ok());
}

#[test]
fn coordination_goes_from_a_coordinator_to_another_warm_member_only() {
    let refused = |given: Vec<CircleEvent>, actor, to| outcome(given, by(actor, hand_over(to)));
    assert_eq!(
        refused(circle_with_members(), WARM, FOCUS),
        Err(coordinators_only())
    );
    assert_eq!(
        refused(circle_with_members(), COORD, COORD),
        Err(DomainError::Refused(Refusal::HandOverToSelf))
    );
    assert_eq!(
        refused(circle_with_members(), COORD, LUKEWARM),
        Err(DomainError::Refused(Refusal::CoordinatorsAreWarm))
    );
    assert_eq!(
        refused(circle_with_two_coordinators(), COORD, COORD2),
        Err(DomainError::Refused(Refusal::AlreadyCoordinator))
    );
    assert_eq!(
        refused(circle_with_members(), COORD, STRANGER),
        Err(DomainError::Refused(Refusal::NoSuchMember))
    );
}

#[test]
fn an_offer_ends_when_its_coordinator_stops_or_its_member_leaves_the_warm_ring() {
    let answer = || by(WARM, Action::AnswerCoordination { accept: true });
    let no_offer = Err(DomainError::Refused(Refusal::NoCoordinationOffered));
    assert_eq!(outcome(circle_with_members(), answer()), no_offer);
    assert_eq!(
        outcome(
            with(circle_with_members(), [offered_to(WARM)]),
            by(LUKEWARM, Action::AnswerCoordination { accept: true })
        ),
        no_offer
    );
    let stepped = with(
        circle_with_two_coordinators(),
        [
            offered_to(WARM),
            CircleEvent::CoordinatorStepped {
                person: COORD,
                by: COORD,
            },
        ],
    );
    assert_eq!(outcome(stepped, answer()), no_offer);
    let moved = with(
        circle_with_members(),
        [
            offered_to(WARM),
            CircleEvent::MemberRingChanged {
                person: WARM,
                ring: Ring::Lukewarm,
                by: COORD,
            },
        ],
    );
    assert_eq!(outcome(moved, answer()), no_offer);
}

#[test]
fn a_lapsed_request_to_coordinate_never_comes_back() {
    let answer = || by(WARM, Action::AnswerCoordination { accept: true });
    let moved_and_back = with(
        circle_with_members(),
        [
            offered_to(WARM),
            CircleEvent::MemberRingChanged {
                person: WARM,
                ring: Ring::Lukewarm,
                by: COORD,
            },
            CircleEvent::MemberRingChanged {
                person: WARM,
                ring: Ring::Warm,
                by: COORD,
            },
        ],
    );
    assert_eq!(
        outcome(moved_and_back, answer()),
        Err(DomainError::Refused(Refusal::NoCoordinationOffered))
    );
    let stepped_and_back = with(
        circle_with_two_coordinators(),
        [
            offered_to(WARM),
            CircleEvent::CoordinatorStepped {
                person: COORD,
                by: COORD,
            },
            CircleEvent::CoordinatorAppointed {
                person: COORD,
                by: COORD2,
            },
        ],
    );
    assert_eq!(
        outcome(stepped_and_back, answer()),
        Err(DomainError::Refused(Refusal::NoCoordinationOffered))
    );
}
