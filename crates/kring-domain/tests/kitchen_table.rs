//! A circle's start: set up at the kitchen table by an intermediary and
//! handed over to the family, started from a plan (a template's shifts,
//! requests and welcome entry), and the person it is for claiming their place.

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use kring_domain::*;
use uuid::Uuid;

const INVITATION: InvitationId = InvitationId(Uuid::from_u128(10));
const FOCUS_INVITATION: InvitationId = InvitationId(Uuid::from_u128(11));
/// The daughter who becomes the first coordinator from the family.
const DAUGHTER: PersonId = PersonId(Uuid::from_u128(7));
/// The person the circle is for, signing up with an account of their own.
const MOTHER: PersonId = PersonId(Uuid::from_u128(8));
const SHIFT: ShiftId = ShiftId(Uuid::from_u128(30));
const REQUEST: RequestId = RequestId(Uuid::from_u128(31));
const ENTRY: EntryId = EntryId(Uuid::from_u128(32));

fn set_up_by_intermediary(plan: Vec<Action>) -> CircleCommand {
    looking(Action::CreateCircle {
        circle: CIRCLE,
        focus: FOCUS,
        focus_name: sealed(FOCUS, "Mam"),
        time_zone: "Europe/Amsterdam".into(),
        plan,
    })
}

fn created_by(coordinator: PersonId) -> CircleEvent {
    CircleEvent::CircleCreated {
        circle: CIRCLE,
        focus: FOCUS,
        focus_name: sealed(FOCUS, "Mam"),
        coordinator,
        time_zone: "Europe/Amsterdam".into(),
        at: now(),
    }
}

fn set_up() -> Vec<CircleEvent> {
    vec![
        created_by(SOCIAL_WORKER),
        CircleEvent::CircleSetUp {
            organisation: ORG,
            by: SOCIAL_WORKER,
        },
    ]
}

fn invitation(invitation: InvitationId, role: InvitedAs, by: PersonId) -> CircleEvent {
    CircleEvent::InvitationIssued {
        invitation,
        ring: Ring::Warm,
        role,
        task: None,
        token_hash: TOKEN.into(),
        expires_at: now() + Duration::days(7),
        by,
    }
}

fn accept(invitation: InvitationId, focus_name: Option<Sealed>) -> Action {
    Action::AcceptInvitation {
        invitation,
        token_hash: TOKEN.into(),
        focus_name,
    }
}

fn with(
    mut events: Vec<CircleEvent>,
    more: impl IntoIterator<Item = CircleEvent>,
) -> Vec<CircleEvent> {
    events.extend(more);
    events
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn planned_shift(by: PersonId) -> Action {
    Action::ScheduleShift {
        shift: SHIFT,
        title: sealed(by, "Ochtendbezoek"),
        starts: local(monday(), 9),
        duration: mins(60),
        recurrence: Recurrence::Weekly {
            until: Some(monday() + Duration::weeks(6)),
        },
        helpers_needed: 1,
        rings: vec![Ring::Warm, Ring::Lukewarm],
    }
}

fn planned_request(by: PersonId) -> Action {
    Action::RequestHelp {
        request: REQUEST,
        category: Category::Groceries,
        window: window(24, 72),
        duration: mins(60),
        details: sealed(by, "De koelkast vullen"),
        place: None,
        on_behalf_of_focus: true,
    }
}

fn planned_welcome(by: PersonId) -> Action {
    Action::WriteLogbookEntry {
        entry: ENTRY,
        visibility: Visibility::WarmAndLukewarm,
        text: sealed(by, "Welkom in deze kring."),
    }
}

fn plan(by: PersonId) -> Vec<Action> {
    vec![planned_shift(by), planned_request(by), planned_welcome(by)]
}

// ---- At the kitchen table ----

#[test]
fn an_intermediary_sets_a_circle_up_with_the_family_and_coordinates_it_meanwhile() {
    let events = circle()
        .given_no_previous_events()
        .when(set_up_by_intermediary(vec![]))
        .inspect_result()
        .unwrap();
    assert_eq!(events, set_up());
    let circle = fold(&events);
    assert!(circle.is_coordinator(SOCIAL_WORKER));
    assert_eq!(
        circle.set_up_by,
        Some(kring_domain::circle::state::SetUp {
            organisation: ORG,
            by: SOCIAL_WORKER
        })
    );
}

#[test]
fn an_intermediary_cannot_set_up_a_circle_for_themself() {
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
fn the_intermediary_who_set_it_up_cannot_give_their_organisation_consent() {
    circle()
        .given(set_up())
        .when(by(
            SOCIAL_WORKER,
            Action::GrantConsent {
                organisation: ORG,
                scope: ConsentScope::Full,
                from: now(),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::ConsentFromFamily));
}

#[test]
fn the_familys_first_coordinator_joining_hands_the_circle_over_and_the_intermediary_leaves() {
    let given = with(
        set_up(),
        [invitation(
            INVITATION,
            InvitedAs::Coordinator,
            SOCIAL_WORKER,
        )],
    );
    circle()
        .given(given)
        .when(by(DAUGHTER, accept(INVITATION, None)))
        .then_expect_events(vec![
            CircleEvent::MemberJoined {
                invitation: INVITATION,
                person: DAUGHTER,
                ring: Ring::Warm,
                coordinator: true,
                task: None,
            },
            CircleEvent::CircleHandedOver {
                organisation: ORG,
                from: SOCIAL_WORKER,
                to: DAUGHTER,
            },
            CircleEvent::MemberLeft {
                person: SOCIAL_WORKER,
                at: now(),
            },
        ]);
}

fn handed_over() -> Vec<CircleEvent> {
    with(
        set_up(),
        [
            invitation(INVITATION, InvitedAs::Coordinator, SOCIAL_WORKER),
            invitation(FOCUS_INVITATION, InvitedAs::Focus, SOCIAL_WORKER),
            CircleEvent::MemberJoined {
                invitation: INVITATION,
                person: DAUGHTER,
                ring: Ring::Warm,
                coordinator: true,
                task: None,
            },
            CircleEvent::CircleHandedOver {
                organisation: ORG,
                from: SOCIAL_WORKER,
                to: DAUGHTER,
            },
            CircleEvent::MemberLeft {
                person: SOCIAL_WORKER,
                at: now(),
            },
        ],
    )
}

#[test]
fn after_the_hand_over_the_intermediary_keeps_nothing_without_the_familys_consent() {
    let circle_now = fold(&handed_over());
    assert_eq!(circle_now.set_up_by, None);
    assert!(circle_now.member(SOCIAL_WORKER).is_none());
    // As a person: no longer a member. As the organisation: no consent.
    circle()
        .given(handed_over())
        .when(by(
            SOCIAL_WORKER,
            Action::WriteLogbookEntry {
                entry: ENTRY,
                visibility: Visibility::WarmOnly,
                text: sealed(SOCIAL_WORKER, "nog één ding"),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
    circle()
        .given(handed_over())
        .when(looking(Action::RecordLook {
            what: Looked::Circle,
        }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
    // The family may give it.
    circle()
        .given(handed_over())
        .when(by(
            DAUGHTER,
            Action::GrantConsent {
                organisation: ORG,
                scope: ConsentScope::Signals,
                from: now(),
            },
        ))
        .then_expect_events(vec![CircleEvent::ConsentGranted {
            organisation: ORG,
            scope: ConsentScope::Signals,
            from: now(),
            by: DAUGHTER,
        }]);
}

#[test]
fn the_intermediarys_invitations_end_with_the_hand_over_as_they_hold_the_codes() {
    circle()
        .given(handed_over())
        .when(by(
            MOTHER,
            accept(FOCUS_INVITATION, Some(sealed(MOTHER, "Mam"))),
        ))
        .then_expect_error(DomainError::Refused(Refusal::InvitationWithdrawn));
    // The family makes a new one.
    assert!(fold(&handed_over()).may_invite_focus(DAUGHTER, now()));
}

#[test]
fn appointing_someone_of_the_family_or_handing_coordination_over_hands_the_circle_over() {
    let with_daughter = with(
        set_up(),
        [CircleEvent::MemberJoined {
            invitation: INVITATION,
            person: DAUGHTER,
            ring: Ring::Warm,
            coordinator: false,
            task: None,
        }],
    );
    let handed = vec![
        CircleEvent::CircleHandedOver {
            organisation: ORG,
            from: SOCIAL_WORKER,
            to: DAUGHTER,
        },
        CircleEvent::MemberLeft {
            person: SOCIAL_WORKER,
            at: now(),
        },
    ];
    let appointed = circle()
        .given(with_daughter.clone())
        .when(by(
            SOCIAL_WORKER,
            Action::AppointCoordinator { person: DAUGHTER },
        ))
        .inspect_result()
        .unwrap();
    assert_eq!(appointed[1..], handed[..]);
    let offered = with(
        with_daughter,
        [CircleEvent::CoordinationOffered {
            to: DAUGHTER,
            by: SOCIAL_WORKER,
        }],
    );
    let answered = circle()
        .given(offered)
        .when(by(DAUGHTER, Action::AnswerCoordination { accept: true }))
        .inspect_result()
        .unwrap();
    assert_eq!(answered[3..], handed[..]);
}

#[test]
fn an_intermediary_who_leaves_before_the_hand_over_leaves_nothing_to_hand_over() {
    let mut events = set_up();
    events.push(CircleEvent::MemberLeft {
        person: SOCIAL_WORKER,
        at: now(),
    });
    assert_eq!(fold(&events).set_up_by, None);
}

#[test]
fn nobody_gives_the_setting_up_organisation_consent_before_the_hand_over() {
    // The focus person (or anyone the intermediary brought in) may give
    // another organisation consent, not this one, until the hand-over.
    let grant = |organisation| {
        by(
            FOCUS,
            Action::GrantConsent {
                organisation,
                scope: ConsentScope::Full,
                from: now(),
            },
        )
    };
    circle()
        .given(set_up())
        .when(grant(ORG))
        .then_expect_error(DomainError::Refused(Refusal::ConsentFromFamily));
    let other = OrganisationId(Uuid::from_u128(102));
    circle()
        .given(set_up())
        .when(grant(other))
        .inspect_result()
        .unwrap();
}
#[test]
fn a_member_joining_during_the_set_up_hands_nothing_over() {
    let given = with(
        set_up(),
        [invitation(INVITATION, InvitedAs::Member, SOCIAL_WORKER)],
    );
    circle()
        .given(given)
        .when(by(DAUGHTER, accept(INVITATION, None)))
        .then_expect_events(vec![CircleEvent::MemberJoined {
            invitation: INVITATION,
            person: DAUGHTER,
            ring: Ring::Warm,
            coordinator: false,
            task: None,
        }]);
}

#[test]
fn a_circle_made_by_the_family_is_handed_over_to_nobody() {
    let given = with(
        circle_with_members(),
        [invitation(INVITATION, InvitedAs::Coordinator, COORD)],
    );
    let events = circle()
        .given(given)
        .when(by(DAUGHTER, accept(INVITATION, None)))
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 1);
}

// ---- A plan (a template) ----

#[test]
fn a_plan_is_stored_with_the_circle_in_one_step() {
    let events = circle()
        .given_no_previous_events()
        .when(by(
            COORD,
            Action::CreateCircle {
                circle: CIRCLE,
                focus: FOCUS,
                focus_name: sealed(FOCUS, "Mam"),
                time_zone: "Europe/Amsterdam".into(),
                plan: plan(COORD),
            },
        ))
        .inspect_result()
        .unwrap();
    let names: Vec<&str> = events.iter().map(CircleEvent::name).collect();
    assert_eq!(
        names,
        [
            "CircleCreated",
            "ShiftScheduled",
            "HelpRequested",
            "LogbookEntryWritten"
        ]
    );
    let circle = fold(&events);
    assert!(circle.shifts.contains_key(&SHIFT));
    assert_eq!(circle.requests[&REQUEST].asked_by, COORD);
}

#[test]
fn an_intermediary_sets_up_a_circle_from_a_plan_they_wrote() {
    let events = circle()
        .given_no_previous_events()
        .when(set_up_by_intermediary(plan(SOCIAL_WORKER)))
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 5);
}

#[test]
fn a_plan_holds_only_shifts_requests_and_logbook_entries() {
    let invite = Action::Invite {
        invitation: INVITATION,
        ring: Ring::Warm,
        role: InvitedAs::Coordinator,
        task: None,
        token_hash: TOKEN.into(),
        expires_at: now() + Duration::days(7),
    };
    circle()
        .given_no_previous_events()
        .when(set_up_by_intermediary(vec![
            planned_welcome(SOCIAL_WORKER),
            invite,
        ]))
        .then_expect_error(DomainError::Refused(
            Refusal::PlanHoldsOnlyRotaRequestsAndLogbook,
        ));
}

#[test]
fn a_plan_with_one_wrong_part_refuses_the_whole_circle() {
    // The welcome entry sealed with someone else's key.
    circle()
        .given_no_previous_events()
        .when(set_up_by_intermediary(vec![
            planned_shift(SOCIAL_WORKER),
            planned_welcome(COORD),
        ]))
        .then_expect_error(DomainError::Refused(Refusal::TextKeyNotOwn));
}

// ---- The person the circle is for claims their place ----

fn invite_focus(ring: Ring) -> Action {
    Action::Invite {
        invitation: FOCUS_INVITATION,
        ring,
        role: InvitedAs::Focus,
        task: None,
        token_hash: TOKEN.into(),
        expires_at: now() + Duration::days(7),
    }
}

#[test]
fn a_coordinator_invites_the_person_the_circle_is_for_to_claim_their_place() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, invite_focus(Ring::Warm)))
        .then_expect_events(vec![invitation(FOCUS_INVITATION, InvitedAs::Focus, COORD)]);
    circle()
        .given(circle_with_members())
        .when(by(COORD, invite_focus(Ring::Lukewarm)))
        .then_expect_error(DomainError::Refused(Refusal::FocusIsWarm));
    circle()
        .given(circle_with_members())
        .when(by(WARM, invite_focus(Ring::Warm)))
        .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinators));
}

#[test]
fn a_circle_started_by_its_focus_person_has_no_place_to_claim() {
    let for_myself = vec![CircleEvent::CircleCreated {
        circle: CIRCLE,
        focus: COORD,
        focus_name: sealed(COORD, "Ik"),
        coordinator: COORD,
        time_zone: "Europe/Amsterdam".into(),
        at: now(),
    }];
    circle()
        .given(for_myself)
        .when(by(COORD, invite_focus(Ring::Warm)))
        .then_expect_error(DomainError::Refused(Refusal::FocusHasAccount));
}

fn focus_invited() -> Vec<CircleEvent> {
    with(
        circle_with_members(),
        [invitation(FOCUS_INVITATION, InvitedAs::Focus, COORD)],
    )
}

fn claimed() -> CircleEvent {
    CircleEvent::FocusClaimed {
        invitation: FOCUS_INVITATION,
        person: MOTHER,
        was: FOCUS,
        name: sealed(MOTHER, "Mam"),
    }
}

#[test]
fn the_focus_person_claims_their_place_with_their_name_under_their_own_key() {
    circle()
        .given(focus_invited())
        .when(by(
            MOTHER,
            accept(FOCUS_INVITATION, Some(sealed(MOTHER, "Mam"))),
        ))
        .then_expect_events(vec![claimed()]);
    circle()
        .given(focus_invited())
        .when(by(MOTHER, accept(FOCUS_INVITATION, None)))
        .then_expect_error(DomainError::Refused(Refusal::FocusNameKeyNotOwn));
    circle()
        .given(focus_invited())
        .when(by(
            MOTHER,
            accept(FOCUS_INVITATION, Some(sealed(COORD, "Mam"))),
        ))
        .then_expect_error(DomainError::Refused(Refusal::FocusNameKeyNotOwn));
    // The wrong secret: no such circle, as for any invitation.
    circle()
        .given(focus_invited())
        .when(by(
            MOTHER,
            Action::AcceptInvitation {
                invitation: FOCUS_INVITATION,
                token_hash: "0".repeat(64),
                focus_name: Some(sealed(MOTHER, "Mam")),
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
}

#[test]
fn once_claimed_the_person_is_the_focus_person_and_the_old_place_is_gone() {
    let events = with(focus_invited(), [claimed()]);
    let circle_now = fold(&events);
    assert!(circle_now.is_focus(MOTHER));
    assert!(circle_now.member(FOCUS).is_none());
    assert_eq!(circle_now.member(MOTHER).map(|m| m.ring), Some(Ring::Warm));
    assert!(circle_now.focus_has_account());
    // They decide on consent, cannot leave, and their place is not claimed twice.
    circle()
        .given(events.clone())
        .when(by(MOTHER, Action::RevokeConsent { organisation: ORG }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchConsent));
    circle()
        .given(events.clone())
        .when(by(MOTHER, Action::Leave))
        .then_expect_error(DomainError::Refused(Refusal::FocusCannotLeave));
    let again = Action::Invite {
        invitation: INVITATION,
        ring: Ring::Warm,
        role: InvitedAs::Focus,
        task: None,
        token_hash: TOKEN.into(),
        expires_at: now() + Duration::days(7),
    };
    circle()
        .given(events.clone())
        .when(by(COORD, again))
        .then_expect_error(DomainError::Refused(Refusal::FocusHasAccount));
    // A second claim invitation issued before the first was used: refused too.
    let two = with(
        with(
            circle_with_members(),
            [invitation(FOCUS_INVITATION, InvitedAs::Focus, COORD)],
        ),
        [
            CircleEvent::InvitationIssued {
                invitation: INVITATION,
                ring: Ring::Warm,
                role: InvitedAs::Focus,
                task: None,
                token_hash: TOKEN.into(),
                expires_at: now() + Duration::days(7),
                by: COORD,
            },
            claimed(),
        ],
    );
    circle()
        .given(two)
        .when(by(
            STRANGER,
            accept(INVITATION, Some(sealed(STRANGER, "Mam"))),
        ))
        .then_expect_error(DomainError::Refused(Refusal::FocusHasAccount));
}

#[test]
fn someone_in_the_circle_already_cannot_claim_the_focus_persons_place() {
    circle()
        .given(focus_invited())
        .when(by(
            WARM,
            accept(FOCUS_INVITATION, Some(sealed(WARM, "Mam"))),
        ))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyMember));
}

fn fold(events: &[CircleEvent]) -> Circle {
    let mut circle = Circle::default();
    for event in events {
        circle.apply(event.clone());
    }
    circle
}

#[test]
fn the_claim_link_is_the_familys_to_make_not_the_intermediarys() {
    circle()
        .given(set_up())
        .when(by(SOCIAL_WORKER, invite_focus(Ring::Warm)))
        .then_expect_error(DomainError::Refused(Refusal::ClaimFromFamily));
    assert!(!fold(&set_up()).may_invite_focus(SOCIAL_WORKER, now()));
}
