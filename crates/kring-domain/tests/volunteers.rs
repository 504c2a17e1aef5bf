//! A volunteer of an organisation's marketplace: joining with a profile,
//! changing it, pausing, resuming, leaving and erasure. Given/when/then, every
//! refusal.

mod common;

use common::now;
use cqrs_es::test::TestFramework;
use kring_domain::*;
use uuid::Uuid;

const ORG: OrganisationId = OrganisationId(Uuid::from_u128(300));
const OTHER_ORG: OrganisationId = OrganisationId(Uuid::from_u128(301));
const SANNE: PersonId = PersonId(Uuid::from_u128(310));
const STRANGER: PersonId = PersonId(Uuid::from_u128(311));

fn volunteer() -> TestFramework<Volunteer> {
    TestFramework::<Volunteer>::with(Services::at(now()))
}

fn by(actor: PersonId, action: VolunteerAction) -> VolunteerCommand {
    VolunteerCommand { actor, action }
}

/// Groceries and walks around 3512, Saturday mornings and Wednesday evenings, twice a month.
fn profile() -> Profile {
    Profile {
        will: [Category::Groceries, Category::Walk].into(),
        neighbourhood: Some(Neighbourhood::Postcode(3512)),
        available: [
            Slot {
                weekday: 5,
                part: PartOfDay::Morning,
            },
            Slot {
                weekday: 2,
                part: PartOfDay::Evening,
            },
        ]
        .into(),
        tasks_per_month: 2,
    }
}

fn join(profile: Profile) -> VolunteerAction {
    VolunteerAction::Join {
        organisation: ORG,
        profile,
    }
}

fn joined() -> VolunteerEvent {
    VolunteerEvent::VolunteerJoined {
        organisation: ORG,
        person: SANNE,
        profile: profile(),
    }
}

#[test]
fn a_person_joins_an_organisation_as_a_volunteer_with_a_profile() {
    volunteer()
        .given_no_previous_events()
        .when(by(SANNE, join(profile())))
        .then_expect_events(vec![joined()]);
}

#[test]
fn a_volunteer_says_what_where_when_and_how_much() {
    let cases = [
        (
            Profile {
                will: Default::default(),
                ..profile()
            },
            Refusal::VolunteerNothingToDo,
        ),
        (
            Profile {
                neighbourhood: None,
                ..profile()
            },
            Refusal::Neighbourhood,
        ),
        (
            Profile {
                available: Default::default(),
                ..profile()
            },
            Refusal::VolunteerAvailability,
        ),
        (
            Profile {
                available: [Slot {
                    weekday: 7,
                    part: PartOfDay::Morning,
                }]
                .into(),
                ..profile()
            },
            Refusal::VolunteerAvailability,
        ),
        (
            Profile {
                tasks_per_month: 0,
                ..profile()
            },
            Refusal::VolunteerCapacity,
        ),
        (
            Profile {
                tasks_per_month: 32,
                ..profile()
            },
            Refusal::VolunteerCapacity,
        ),
    ];
    for (profile, refusal) in cases {
        volunteer()
            .given_no_previous_events()
            .when(by(SANNE, join(profile.clone())))
            .then_expect_error(DomainError::Refused(refusal));
        volunteer()
            .given(vec![joined()])
            .when(by(SANNE, VolunteerAction::SetProfile { profile }))
            .then_expect_error(DomainError::Refused(refusal));
    }
}

#[test]
fn volunteers_never_take_on_money_paperwork_feelings_or_personal_care() {
    for category in Category::ALL {
        let profile = Profile {
            will: [category].into(),
            ..profile()
        };
        let outcome = volunteer()
            .given_no_previous_events()
            .when(by(SANNE, join(profile.clone())));
        if category.widest_ring() == Ring::Cold {
            outcome.then_expect_events(vec![VolunteerEvent::VolunteerJoined {
                organisation: ORG,
                person: SANNE,
                profile,
            }]);
        } else {
            outcome.then_expect_error(DomainError::Refused(Refusal::VolunteerCategory));
        }
    }
}

#[test]
fn a_volunteer_joins_once_until_they_leave() {
    volunteer()
        .given(vec![joined()])
        .when(by(SANNE, join(profile())))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyVolunteer));
    volunteer()
        .given(vec![joined(), VolunteerEvent::VolunteerPaused])
        .when(by(SANNE, join(profile())))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyVolunteer));
    volunteer()
        .given(vec![joined(), VolunteerEvent::VolunteerLeft])
        .when(by(SANNE, join(profile())))
        .then_expect_events(vec![joined()]);
}

#[test]
fn nobody_else_joins_changes_pauses_or_ends_someone_s_volunteering() {
    let refused = DomainError::Refused(Refusal::NotYourVolunteering);
    volunteer()
        .given(vec![joined()])
        .when(by(STRANGER, join(profile())))
        .then_expect_error(refused.clone());
    volunteer()
        .given(vec![joined(), VolunteerEvent::VolunteerLeft])
        .when(by(
            SANNE,
            VolunteerAction::Join {
                organisation: OTHER_ORG,
                profile: profile(),
            },
        ))
        .then_expect_error(refused.clone());
    for action in [
        VolunteerAction::SetProfile { profile: profile() },
        VolunteerAction::Pause,
        VolunteerAction::Resume,
        VolunteerAction::Leave,
    ] {
        volunteer()
            .given(vec![joined()])
            .when(by(STRANGER, action.clone()))
            .then_expect_error(refused.clone());
        volunteer()
            .given_no_previous_events()
            .when(by(SANNE, action))
            .then_expect_error(refused.clone());
    }
}

#[test]
fn a_volunteer_changes_their_profile_and_the_same_profile_changes_nothing() {
    let wider = Profile {
        will: [Category::Groceries, Category::Walk, Category::Coffee].into(),
        neighbourhood: Some(Neighbourhood::District("Lombok".into())),
        tasks_per_month: 4,
        ..profile()
    };
    volunteer()
        .given(vec![joined()])
        .when(by(
            SANNE,
            VolunteerAction::SetProfile {
                profile: wider.clone(),
            },
        ))
        .then_expect_events(vec![VolunteerEvent::VolunteerProfileSet { profile: wider }]);
    volunteer()
        .given(vec![joined()])
        .when(by(
            SANNE,
            VolunteerAction::SetProfile { profile: profile() },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn a_volunteer_pauses_resumes_and_leaves() {
    volunteer()
        .given(vec![joined()])
        .when(by(SANNE, VolunteerAction::Pause))
        .then_expect_events(vec![VolunteerEvent::VolunteerPaused]);
    volunteer()
        .given(vec![joined(), VolunteerEvent::VolunteerPaused])
        .when(by(SANNE, VolunteerAction::Pause))
        .then_expect_events(vec![]);
    volunteer()
        .given(vec![joined(), VolunteerEvent::VolunteerPaused])
        .when(by(SANNE, VolunteerAction::Resume))
        .then_expect_events(vec![VolunteerEvent::VolunteerResumed]);
    volunteer()
        .given(vec![joined()])
        .when(by(SANNE, VolunteerAction::Resume))
        .then_expect_events(vec![]);
    volunteer()
        .given(vec![joined(), VolunteerEvent::VolunteerPaused])
        .when(by(SANNE, VolunteerAction::Leave))
        .then_expect_events(vec![VolunteerEvent::VolunteerLeft]);
    for action in [
        VolunteerAction::SetProfile { profile: profile() },
        VolunteerAction::Pause,
        VolunteerAction::Resume,
        VolunteerAction::Leave,
    ] {
        volunteer()
            .given(vec![joined(), VolunteerEvent::VolunteerLeft])
            .when(by(SANNE, action))
            .then_expect_error(DomainError::Refused(Refusal::VolunteerLeft));
    }
}

#[test]
fn only_an_active_volunteer_may_be_asked() {
    let mut state = Volunteer::default();
    assert!(!state.may_be_asked());
    for (event, askable) in [
        (joined(), true),
        (VolunteerEvent::VolunteerPaused, false),
        (VolunteerEvent::VolunteerResumed, true),
        (VolunteerEvent::VolunteerLeft, false),
    ] {
        cqrs_es::Aggregate::apply(&mut state, event);
        assert_eq!(state.may_be_asked(), askable, "{state:?}");
    }
}

#[test]
fn erasing_the_person_ends_their_volunteering_and_cannot_be_refused() {
    for given in [
        vec![joined()],
        vec![joined(), VolunteerEvent::VolunteerPaused],
    ] {
        volunteer()
            .given(given)
            .when(by(SANNE, VolunteerAction::Erase))
            .then_expect_events(vec![VolunteerEvent::VolunteerLeft]);
    }
    for given in [vec![], vec![joined(), VolunteerEvent::VolunteerLeft]] {
        volunteer()
            .given(given)
            .when(by(SANNE, VolunteerAction::Erase))
            .then_expect_events(vec![]);
    }
    volunteer()
        .given(vec![joined()])
        .when(by(STRANGER, VolunteerAction::Erase))
        .then_expect_events(vec![]);
}

#[test]
fn a_neighbourhood_is_a_postcode_area_or_a_district_never_an_address() {
    assert_eq!(
        Neighbourhood::parse(" 3512 ").unwrap(),
        Neighbourhood::Postcode(3512)
    );
    assert_eq!(
        Neighbourhood::parse("Lombok").unwrap(),
        Neighbourhood::District("Lombok".into())
    );
    for text in [
        "",
        "0999",
        "3512 AB",
        "Kanaalstraat 12",
        "351",
        &"a".repeat(61),
    ] {
        let refused = Neighbourhood::parse(text).unwrap_err();
        assert_eq!(
            refused,
            DomainError::Refused(Refusal::Neighbourhood),
            "{text:?}"
        );
    }
    assert_eq!(
        Neighbourhood::parse("Lom\u{202e}bok").unwrap_err(),
        DomainError::Refused(Refusal::HiddenCharacters)
    );
}

#[test]
fn neighbouring_postcode_areas_are_near_and_districts_only_to_themselves() {
    let area = Neighbourhood::Postcode;
    assert!(area(3512).is_near(&area(3512)));
    assert!(area(3512).is_near(&area(3513)));
    assert!(area(3512).is_near(&area(3511)));
    assert!(!area(3512).is_near(&area(3514)));
    let lombok = Neighbourhood::District("Lombok".into());
    assert!(lombok.is_near(&lombok.clone()));
    assert!(!lombok.is_near(&Neighbourhood::District("Ondiep".into())));
    assert!(!lombok.is_near(&area(3512)));
}

#[test]
fn one_person_has_one_volunteering_per_organisation() {
    assert_eq!(VolunteerId::of(ORG, SANNE), VolunteerId::of(ORG, SANNE));
    assert_ne!(
        VolunteerId::of(ORG, SANNE),
        VolunteerId::of(OTHER_ORG, SANNE)
    );
    assert_ne!(VolunteerId::of(ORG, SANNE), VolunteerId::of(ORG, STRANGER));
}
