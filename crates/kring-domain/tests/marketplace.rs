//! The marketplace as a circle sees it, given/when/then: naming the
//! neighbourhood, listing a request, volunteers proposed by a matchmaker or
//! offering themselves, accepted or declined, and their access ending with the task.

mod common;

use chrono::Duration;
use common::*;
use cqrs_es::test::TestFramework;
use kring_domain::*;

const REQUEST: RequestId = RequestId(uuid::Uuid::from_u128(7100));
const INVITATION: InvitationId = InvitationId(uuid::Uuid::from_u128(7101));
const OTHER_REQUEST: RequestId = RequestId(uuid::Uuid::from_u128(7103));
const OTHER_ORG: OrganisationId = OrganisationId(uuid::Uuid::from_u128(7102));
const MATCHMAKER: PersonId = SOCIAL_WORKER;

fn with(
    mut events: Vec<CircleEvent>,
    more: impl IntoIterator<Item = CircleEvent>,
) -> Vec<CircleEvent> {
    events.extend(more);
    events
}

fn outcome(
    given: Vec<CircleEvent>,
    command: CircleCommand,
) -> Result<Vec<CircleEvent>, DomainError> {
    circle().given(given).when(command).inspect_result()
}

fn refused(refusal: Refusal) -> Result<Vec<CircleEvent>, DomainError> {
    Err(DomainError::Refused(refusal))
}

fn of_org(person: PersonId, action: Action) -> CircleCommand {
    CircleCommand {
        actor: Actor::intermediary(person, ORG),
        action,
    }
}

fn consent() -> CircleEvent {
    CircleEvent::ConsentGranted {
        organisation: ORG,
        scope: ConsentScope::Signals,
        from: now() - Duration::days(1),
        by: COORD,
    }
}

fn named() -> CircleEvent {
    CircleEvent::NeighbourhoodNamed {
        neighbourhood: Some(Neighbourhood::Postcode(3512)),
        by: COORD,
    }
}

/// A circle with consent to ORG, a neighbourhood and an open groceries request.
fn ready_to_list() -> Vec<CircleEvent> {
    with(
        circle_with_members(),
        [
            consent(),
            named(),
            help_requested(REQUEST, Category::Groceries, WARM),
        ],
    )
}

fn summary() -> Sealed {
    sealed(COORD, "Boodschappen doen op dinsdag")
}

fn list() -> Action {
    Action::ListRequest {
        request: REQUEST,
        organisation: ORG,
        summary: summary(),
    }
}

fn listed() -> Vec<CircleEvent> {
    with(
        ready_to_list(),
        [
            widened(REQUEST, Ring::Cold),
            CircleEvent::RequestListed {
                request: REQUEST,
                organisation: ORG,
                summary: summary(),
                by: COORD,
            },
        ],
    )
}

fn propose(volunteer: PersonId) -> Action {
    Action::ProposeVolunteer {
        request: REQUEST,
        volunteer,
        note: None,
    }
}

fn proposed() -> Vec<CircleEvent> {
    with(
        listed(),
        [CircleEvent::VolunteerProposed {
            request: REQUEST,
            organisation: ORG,
            volunteer: VOLUNTEER,
            note: Some(sealed(MATCHMAKER, "Kees woont twee straten verder")),
            by: MATCHMAKER,
        }],
    )
}

fn accept() -> Action {
    Action::AcceptVolunteer {
        request: REQUEST,
        volunteer: VOLUNTEER,
        invitation: INVITATION,
    }
}

fn decline() -> Action {
    Action::DeclineVolunteer {
        request: REQUEST,
        volunteer: VOLUNTEER,
    }
}

fn accepted() -> Vec<CircleEvent> {
    with(
        proposed(),
        [
            CircleEvent::VolunteerAccepted {
                request: REQUEST,
                volunteer: VOLUNTEER,
                by: COORD,
            },
            CircleEvent::MemberJoined {
                invitation: INVITATION,
                person: VOLUNTEER,
                ring: Ring::Cold,
                coordinator: false,
                task: Some(REQUEST),
            },
            taken(REQUEST, VOLUNTEER),
        ],
    )
}

// ---------------------------------------------------------------- Neighbourhood

#[test]
fn a_coordinator_names_and_unnames_the_neighbourhood_and_no_one_else_does() {
    for neighbourhood in [Some(Neighbourhood::Postcode(3512)), None] {
        circle()
            .given(circle_with_members())
            .when(by(
                COORD,
                Action::NameNeighbourhood {
                    neighbourhood: neighbourhood.clone(),
                },
            ))
            .then_expect_events(vec![CircleEvent::NeighbourhoodNamed {
                neighbourhood,
                by: COORD,
            }]);
    }
    let action = Action::NameNeighbourhood {
        neighbourhood: Some(Neighbourhood::District("Lombok".into())),
    };
    assert_eq!(
        outcome(circle_with_members(), by(WARM, action)),
        refused(Refusal::OnlyCoordinators)
    );
}

// ---------------------------------------------------------------------- Listing

#[test]
fn listing_opens_the_request_to_the_cold_ring_and_puts_it_on_the_marketplace() {
    circle()
        .given(ready_to_list())
        .when(by(COORD, list()))
        .then_expect_events(listed()[ready_to_list().len()..].to_vec());
    // Already open to the cold ring: only listed.
    circle()
        .given(with(ready_to_list(), [widened(REQUEST, Ring::Cold)]))
        .when(by(COORD, list()))
        .then_expect_events(listed()[ready_to_list().len() + 1..].to_vec());
}

#[test]
fn listing_needs_a_coordinator_consent_a_neighbourhood_and_a_request_for_strangers() {
    assert_eq!(
        outcome(ready_to_list(), by(WARM, list())),
        refused(Refusal::OnlyCoordinators)
    );
    let no_consent = with(
        circle_with_members(),
        [named(), help_requested(REQUEST, Category::Groceries, WARM)],
    );
    assert_eq!(
        outcome(no_consent, by(COORD, list())),
        refused(Refusal::ListingNeedsConsent)
    );
    let other_org = Action::ListRequest {
        request: REQUEST,
        organisation: OTHER_ORG,
        summary: summary(),
    };
    assert_eq!(
        outcome(ready_to_list(), by(COORD, other_org)),
        refused(Refusal::ListingNeedsConsent)
    );
    let nowhere = with(
        circle_with_members(),
        [
            consent(),
            help_requested(REQUEST, Category::Groceries, WARM),
        ],
    );
    assert_eq!(
        outcome(nowhere, by(COORD, list())),
        refused(Refusal::ListingNeedsNeighbourhood)
    );
    let money = with(
        circle_with_members(),
        [
            consent(),
            named(),
            help_requested(REQUEST, Category::Finances, WARM),
        ],
    );
    assert_eq!(
        outcome(money, by(COORD, list())),
        refused(Refusal::PersonalMattersStayWarm)
    );
    let washing = with(
        circle_with_members(),
        [
            consent(),
            named(),
            help_requested(REQUEST, Category::Washing, WARM),
        ],
    );
    assert_eq!(
        outcome(washing, by(COORD, list())),
        refused(Refusal::PersonalCareIsProfessional)
    );
    assert_eq!(
        outcome(listed(), by(COORD, list())),
        refused(Refusal::AlreadyListed)
    );
    let taken_already = with(ready_to_list(), [taken(REQUEST, LUKEWARM)]);
    assert_eq!(
        outcome(taken_already, by(COORD, list())),
        refused(Refusal::RequestNotOpen)
    );
    let someone_elses_words = Action::ListRequest {
        request: REQUEST,
        organisation: ORG,
        summary: sealed(WARM, "Boodschappen"),
    };
    assert_eq!(
        outcome(ready_to_list(), by(COORD, someone_elses_words)),
        refused(Refusal::TextKeyNotOwn)
    );
}

#[test]
fn a_past_request_is_not_listed() {
    let later = TestFramework::<Circle>::with(Services::at(now() + Duration::hours(49)));
    later
        .given(ready_to_list())
        .when(by(COORD, list()))
        .then_expect_error(DomainError::Refused(Refusal::HelpTimePassed));
}

// -------------------------------------------------------------------- Proposing

#[test]
fn a_matchmaker_proposes_a_volunteer_and_a_volunteer_offers_themself() {
    let note = Some(sealed(MATCHMAKER, "Kees woont twee straten verder"));
    circle()
        .given(listed())
        .when(of_org(
            MATCHMAKER,
            Action::ProposeVolunteer {
                request: REQUEST,
                volunteer: VOLUNTEER,
                note,
            },
        ))
        .then_expect_events(proposed()[listed().len()..].to_vec());
    circle()
        .given(listed())
        .when(of_org(VOLUNTEER, propose(VOLUNTEER)))
        .then_expect_events(vec![CircleEvent::VolunteerProposed {
            request: REQUEST,
            organisation: ORG,
            volunteer: VOLUNTEER,
            note: None,
            by: VOLUNTEER,
        }]);
}

#[test]
fn a_proposal_is_only_for_an_open_request_on_the_organisations_own_marketplace() {
    // Not listed, or listed elsewhere: to the organisation there is no such request.
    assert_eq!(
        outcome(ready_to_list(), of_org(MATCHMAKER, propose(VOLUNTEER))),
        refused(Refusal::NoSuchRequest)
    );
    let elsewhere = CircleCommand {
        actor: Actor::intermediary(MATCHMAKER, OTHER_ORG),
        action: propose(VOLUNTEER),
    };
    let with_both = with(
        listed(),
        [CircleEvent::ConsentGranted {
            organisation: OTHER_ORG,
            scope: ConsentScope::Full,
            from: now() - Duration::days(1),
            by: COORD,
        }],
    );
    assert_eq!(
        outcome(with_both, elsewhere),
        refused(Refusal::NoSuchRequest)
    );
    // Without consent the circle does not exist for the organisation.
    let revoked = with(
        listed(),
        [CircleEvent::ConsentRevoked {
            organisation: ORG,
            by: COORD,
        }],
    );
    assert_eq!(
        outcome(revoked, of_org(MATCHMAKER, propose(VOLUNTEER))),
        refused(Refusal::NoSuchCircle)
    );
    let gone = with(listed(), [taken(REQUEST, LUKEWARM)]);
    assert_eq!(
        outcome(gone, of_org(MATCHMAKER, propose(VOLUNTEER))),
        refused(Refusal::RequestNotOpen)
    );
    assert_eq!(
        outcome(proposed(), of_org(VOLUNTEER, propose(VOLUNTEER))),
        refused(Refusal::AlreadyProposed)
    );
    assert_eq!(
        outcome(listed(), of_org(MATCHMAKER, propose(LUKEWARM))),
        refused(Refusal::VolunteerInCircle)
    );
    // A member cannot propose; a volunteer's note is their own writing.
    assert_eq!(
        outcome(listed(), by(COORD, propose(VOLUNTEER))),
        refused(Refusal::OnlyIntermediaries)
    );
    let forged = Action::ProposeVolunteer {
        request: REQUEST,
        volunteer: VOLUNTEER,
        note: Some(sealed(COORD, "vertrouwd")),
    };
    assert_eq!(
        outcome(listed(), of_org(MATCHMAKER, forged)),
        refused(Refusal::TextKeyNotOwn)
    );
}

// ------------------------------------------------------------ Accept and decline

#[test]
fn accepting_lets_the_volunteer_join_the_cold_ring_for_the_task_and_take_it() {
    circle()
        .given(proposed())
        .when(by(COORD, accept()))
        .then_expect_events(accepted()[proposed().len()..].to_vec());
}

#[test]
fn only_a_coordinator_accepts_and_only_a_waiting_proposal() {
    assert_eq!(
        outcome(proposed(), by(WARM, accept())),
        refused(Refusal::OnlyCoordinators)
    );
    assert_eq!(
        outcome(listed(), by(COORD, accept())),
        refused(Refusal::NoSuchProposal)
    );
    assert_eq!(
        outcome(accepted(), by(COORD, accept())),
        refused(Refusal::NoSuchProposal)
    );
    let taken_meanwhile = with(proposed(), [taken(REQUEST, LUKEWARM)]);
    assert_eq!(
        outcome(taken_meanwhile, by(COORD, accept())),
        refused(Refusal::RequestNotOpen)
    );
    // The matchmaker cannot accept for the family.
    assert_eq!(
        outcome(proposed(), of_org(MATCHMAKER, accept())),
        refused(Refusal::OnlyMembers)
    );
}

#[test]
fn a_declined_volunteer_is_not_asked_by_this_circle_again() {
    circle()
        .given(proposed())
        .when(by(COORD, decline()))
        .then_expect_events(vec![CircleEvent::VolunteerDeclined {
            request: REQUEST,
            volunteer: VOLUNTEER,
            by: COORD,
        }]);
    let declined = with(
        proposed(),
        [CircleEvent::VolunteerDeclined {
            request: REQUEST,
            volunteer: VOLUNTEER,
            by: COORD,
        }],
    );
    assert_eq!(
        outcome(declined.clone(), by(COORD, accept())),
        refused(Refusal::NoSuchProposal)
    );
    let again = with(
        declined,
        [help_requested(OTHER_REQUEST, Category::Groceries, WARM)],
    );
    let mut state = Circle::default();
    for event in again.iter().cloned() {
        state.apply(event);
    }
    assert!(state.kept_away.contains(&VOLUNTEER));
}

#[test]
fn a_volunteer_withdraws_their_own_proposal_and_the_matchmaker_theirs_but_no_one_elses() {
    circle()
        .given(proposed())
        .when(of_org(VOLUNTEER, decline()))
        .then_expect_events(vec![CircleEvent::VolunteerDeclined {
            request: REQUEST,
            volunteer: VOLUNTEER,
            by: VOLUNTEER,
        }]);
    circle()
        .given(proposed())
        .when(of_org(MATCHMAKER, decline()))
        .then_expect_events(vec![CircleEvent::VolunteerDeclined {
            request: REQUEST,
            volunteer: VOLUNTEER,
            by: MATCHMAKER,
        }]);
    assert_eq!(
        outcome(proposed(), of_org(STRANGER, decline())),
        refused(Refusal::NoSuchProposal)
    );
}

#[test]
fn a_volunteer_who_did_not_come_is_kept_away_and_cannot_be_proposed_again() {
    let no_show = with(
        accepted(),
        [
            CircleEvent::NoShowRecorded {
                request: REQUEST,
                helper: VOLUNTEER,
                by: COORD,
            },
            CircleEvent::MemberLeft {
                person: VOLUNTEER,
                at: now(),
            },
            help_requested(OTHER_REQUEST, Category::Groceries, WARM),
            widened(OTHER_REQUEST, Ring::Cold),
            CircleEvent::RequestListed {
                request: OTHER_REQUEST,
                organisation: ORG,
                summary: summary(),
                by: COORD,
            },
        ],
    );
    let again = Action::ProposeVolunteer {
        request: OTHER_REQUEST,
        volunteer: VOLUNTEER,
        note: None,
    };
    assert_eq!(
        outcome(no_show, of_org(MATCHMAKER, again)),
        refused(Refusal::VolunteerKeptAway)
    );
}

// ----------------------------------------------------------------- Task ending

fn at(hours_after_now: i64) -> TestFramework<Circle> {
    TestFramework::<Circle>::with(Services::at(now() + Duration::hours(hours_after_now)))
}

#[test]
fn a_volunteers_place_ends_two_days_after_the_task_is_done_keeping_the_thanks() {
    let done_and_thanked = with(
        accepted(),
        [
            done(REQUEST, VOLUNTEER),
            CircleEvent::ThanksGiven {
                thanks_for: ThanksFor::Request(REQUEST),
                from: WARM,
                to: VOLUNTEER,
                note: None,
            },
        ],
    );
    // The window ends 48 hours from now; thanks can come until two days later.
    at(48 + 47)
        .given(done_and_thanked.clone())
        .when(by(VOLUNTEER, Action::EndTask))
        .then_expect_error(DomainError::Refused(Refusal::TaskNotOver));
    at(48 + 48)
        .given(done_and_thanked)
        .when(by(VOLUNTEER, Action::EndTask))
        .then_expect_events(vec![CircleEvent::MemberLeft {
            person: VOLUNTEER,
            at: now() + Duration::hours(96),
        }]);
}

#[test]
fn a_task_nobody_closed_ends_two_weeks_after_its_time_and_members_have_no_task_to_end() {
    at(48 + 14 * 24 - 1)
        .given(accepted())
        .when(by(VOLUNTEER, Action::EndTask))
        .then_expect_error(DomainError::Refused(Refusal::TaskNotOver));
    at(48 + 14 * 24)
        .given(accepted())
        .when(by(VOLUNTEER, Action::EndTask))
        .then_expect_events(vec![CircleEvent::MemberLeft {
            person: VOLUNTEER,
            at: now() + Duration::hours(48 + 14 * 24),
        }]);
    at(48 + 14 * 24)
        .given(accepted())
        .when(by(WARM, Action::EndTask))
        .then_expect_error(DomainError::Refused(Refusal::TaskNotOver));
}

// --------------------------------------------------------------------- Audience

#[test]
fn a_proposal_is_seen_by_the_coordinators_the_volunteer_and_the_listing_organisation_only() {
    let mut state = Circle::default();
    for event in proposed() {
        state.apply(event);
    }
    let event = proposed().last().cloned().unwrap();
    let intermediary = |organisation| Viewer::Intermediary {
        person: MATCHMAKER,
        organisation,
        scope: ConsentScope::Signals,
    };
    let member = |person, ring, coordinator| Viewer::Member {
        person,
        ring,
        coordinator,
        focus: false,
        task: None,
    };
    assert!(may_see(&state, &event, &member(COORD, Ring::Warm, true)));
    assert!(may_see(&state, &event, &intermediary(ORG)));
    assert!(!may_see(&state, &event, &intermediary(OTHER_ORG)));
    assert!(!may_see(&state, &event, &member(WARM, Ring::Warm, false)));
    assert!(!may_see(
        &state,
        &event,
        &member(LUKEWARM, Ring::Lukewarm, false)
    ));
}

// -------------------------------------------------- A place in the lukewarm ring

const PLACE: InvitationId = InvitationId(uuid::Uuid::from_u128(7200));

/// The volunteer did `tasks` grocery runs the family accepted them for, and
/// left after each (their place ended with the task).
fn helped(tasks: u128) -> Vec<CircleEvent> {
    let mut events = with(circle_with_members(), [consent(), named()]);
    for n in 0..tasks {
        let request = RequestId(uuid::Uuid::from_u128(7300 + n));
        events.extend([
            help_requested(request, Category::Groceries, WARM),
            widened(request, Ring::Cold),
            CircleEvent::RequestListed {
                request,
                organisation: ORG,
                summary: summary(),
                by: COORD,
            },
            CircleEvent::VolunteerProposed {
                request,
                organisation: ORG,
                volunteer: VOLUNTEER,
                note: None,
                by: MATCHMAKER,
            },
            CircleEvent::VolunteerAccepted {
                request,
                volunteer: VOLUNTEER,
                by: COORD,
            },
            CircleEvent::MemberJoined {
                invitation: InvitationId(uuid::Uuid::from_u128(7400 + n)),
                person: VOLUNTEER,
                ring: Ring::Cold,
                coordinator: false,
                task: Some(request),
            },
            taken(request, VOLUNTEER),
            done(request, VOLUNTEER),
            CircleEvent::MemberLeft {
                person: VOLUNTEER,
                at: now(),
            },
        ]);
    }
    events
}

fn offer_place() -> Action {
    Action::OfferPlace {
        volunteer: VOLUNTEER,
        invitation: PLACE,
    }
}

fn place_offered() -> CircleEvent {
    CircleEvent::PlaceOffered {
        volunteer: VOLUNTEER,
        invitation: PLACE,
        by: COORD,
    }
}

#[test]
fn after_three_tasks_a_coordinator_offers_the_volunteer_a_place_in_the_lukewarm_ring() {
    circle()
        .given(helped(3))
        .when(by(COORD, offer_place()))
        .then_expect_events(vec![place_offered()]);
    assert_eq!(
        circle_after(helped(3)).helpers_for_a_place(),
        vec![(VOLUNTEER, 3)]
    );
    assert!(circle_after(helped(2)).helpers_for_a_place().is_empty());
}

#[test]
fn a_place_is_offered_only_after_three_tasks_by_a_coordinator_once() {
    assert_eq!(
        outcome(helped(2), by(COORD, offer_place())),
        refused(Refusal::NotHelpedEnough)
    );
    assert_eq!(
        outcome(helped(3), by(WARM, offer_place())),
        refused(Refusal::OnlyCoordinators)
    );
    assert_eq!(
        outcome(with(helped(3), [place_offered()]), by(COORD, offer_place())),
        refused(Refusal::PlaceAlreadyOffered)
    );
    // Someone who never volunteered here, and a warm member, are not helpers.
    let offer_to = |volunteer| Action::OfferPlace {
        volunteer,
        invitation: PLACE,
    };
    for person in [STRANGER, WARM] {
        assert_eq!(
            outcome(helped(3), by(COORD, offer_to(person))),
            refused(Refusal::NotHelpedEnough)
        );
    }
    // Kept away (a no-show since, say): not offered.
    let kept_away = with(
        helped(3),
        [CircleEvent::VolunteerDeclined {
            request: RequestId(uuid::Uuid::from_u128(7300)),
            volunteer: VOLUNTEER,
            by: COORD,
        }],
    );
    assert_eq!(
        outcome(kept_away, by(COORD, offer_place())),
        refused(Refusal::NotHelpedEnough)
    );
}

#[test]
fn the_volunteer_accepts_and_joins_the_lukewarm_ring_or_declines_and_stays_out() {
    let offered = with(helped(3), [place_offered()]);
    circle()
        .given(offered.clone())
        .when(by(VOLUNTEER, Action::AnswerPlace { accept: true }))
        .then_expect_events(vec![
            CircleEvent::PlaceAnswered {
                volunteer: VOLUNTEER,
                accepted: true,
            },
            CircleEvent::MemberJoined {
                invitation: PLACE,
                person: VOLUNTEER,
                ring: Ring::Lukewarm,
                coordinator: false,
                task: None,
            },
        ]);
    circle()
        .given(offered.clone())
        .when(by(VOLUNTEER, Action::AnswerPlace { accept: false }))
        .then_expect_events(vec![CircleEvent::PlaceAnswered {
            volunteer: VOLUNTEER,
            accepted: false,
        }]);
    // Answered once: the offer is gone; a stranger learns nothing either way.
    let answered = with(
        offered,
        [CircleEvent::PlaceAnswered {
            volunteer: VOLUNTEER,
            accepted: false,
        }],
    );
    for (given, who) in [(answered, VOLUNTEER), (helped(3), STRANGER)] {
        assert_eq!(
            outcome(given, by(who, Action::AnswerPlace { accept: true })),
            refused(Refusal::NoSuchCircle)
        );
    }
}

#[test]
fn a_volunteer_still_in_the_circle_for_a_task_moves_to_the_lukewarm_ring() {
    // The third task is done; the days for thanks keep them in the cold ring.
    let mut given = helped(3);
    given.pop();
    let given = with(given, [place_offered()]);
    circle()
        .given(given)
        .when(by(VOLUNTEER, Action::AnswerPlace { accept: true }))
        .then_expect_events(vec![
            CircleEvent::PlaceAnswered {
                volunteer: VOLUNTEER,
                accepted: true,
            },
            CircleEvent::MemberRingChanged {
                person: VOLUNTEER,
                ring: Ring::Lukewarm,
                by: VOLUNTEER,
            },
        ]);
    // Without an offer, a member is told so.
    assert_eq!(
        outcome(
            accepted(),
            by(VOLUNTEER, Action::AnswerPlace { accept: true })
        ),
        refused(Refusal::NoPlaceOffered)
    );
}

#[test]
fn a_place_offered_is_seen_by_the_coordinators_and_the_volunteer_only() {
    let state = circle_after(with(helped(3), [place_offered()]));
    let member = |person, ring, coordinator| Viewer::Member {
        person,
        ring,
        coordinator,
        focus: false,
        task: None,
    };
    let event = place_offered();
    assert!(may_see(&state, &event, &member(COORD, Ring::Warm, true)));
    assert!(may_see(
        &state,
        &event,
        &member(VOLUNTEER, Ring::Cold, false)
    ));
    assert!(!may_see(&state, &event, &member(WARM, Ring::Warm, false)));
    let matchmaker = Viewer::Intermediary {
        person: MATCHMAKER,
        organisation: ORG,
        scope: ConsentScope::Full,
    };
    assert!(!may_see(&state, &event, &matchmaker));
}

fn circle_after(events: Vec<CircleEvent>) -> Circle {
    let mut state = Circle::default();
    for event in events {
        state.apply(event);
    }
    state
}

#[test]
fn an_offer_ends_with_removal_a_no_show_or_another_ring_and_a_no_is_not_asked_again() {
    let offered = with(helped(3), [place_offered()]);
    let yes = || Action::AnswerPlace { accept: true };
    // Back for a fourth task and removed by the family: the offer is gone.
    let back = CircleEvent::MemberJoined {
        invitation: InvitationId(uuid::Uuid::from_u128(7500)),
        person: VOLUNTEER,
        ring: Ring::Cold,
        coordinator: false,
        task: None,
    };
    let removed = with(
        offered.clone(),
        [
            back.clone(),
            CircleEvent::MemberRemoved {
                person: VOLUNTEER,
                by: COORD,
                at: now(),
            },
        ],
    );
    assert_eq!(
        outcome(removed, by(VOLUNTEER, yes())),
        refused(Refusal::NoSuchCircle)
    );
    // Kept away since (a no-show on a later task): no place.
    let kept_away = with(
        offered.clone(),
        [CircleEvent::VolunteerDeclined {
            request: RequestId(uuid::Uuid::from_u128(7300)),
            volunteer: VOLUNTEER,
            by: COORD,
        }],
    );
    assert_eq!(
        outcome(kept_away, by(VOLUNTEER, yes())),
        refused(Refusal::NoSuchCircle)
    );
    // In the warm ring by another invitation since: nothing to accept, no move back.
    let warm = with(
        offered.clone(),
        [CircleEvent::MemberJoined {
            invitation: InvitationId(uuid::Uuid::from_u128(7501)),
            person: VOLUNTEER,
            ring: Ring::Warm,
            coordinator: false,
            task: None,
        }],
    );
    assert_eq!(
        outcome(warm, by(VOLUNTEER, yes())),
        refused(Refusal::NoPlaceOffered)
    );
    // A no is final: not offered again.
    let declined = with(
        offered,
        [CircleEvent::PlaceAnswered {
            volunteer: VOLUNTEER,
            accepted: false,
        }],
    );
    assert!(circle_after(declined.clone())
        .helpers_for_a_place()
        .is_empty());
    assert_eq!(
        outcome(declined, by(COORD, offer_place())),
        refused(Refusal::NotHelpedEnough)
    );
}
