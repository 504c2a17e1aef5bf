//! A circle's life: pausing, resuming and ending it, as given/when/then.
//!
//! The fixture's clock stands at Tuesday 2026-11-24 10:00 UTC; `saturday()`
//! is 2026-11-28.

mod common;

use chrono::Duration;
use common::*;
use kring_domain::*;

const SHIFT: ShiftId = ShiftId(uuid::Uuid::from_u128(7200));
const OPEN: RequestId = RequestId(uuid::Uuid::from_u128(7201));
const TAKEN: RequestId = RequestId(uuid::Uuid::from_u128(7202));
const PAST: RequestId = RequestId(uuid::Uuid::from_u128(7203));
const INVITATION: InvitationId = InvitationId(uuid::Uuid::from_u128(7204));
const OFFER: OfferId = OfferId(uuid::Uuid::from_u128(7205));

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

fn state_after(events: Vec<CircleEvent>) -> Circle {
    let mut circle = Circle::default();
    for event in events {
        circle.apply(event);
    }
    circle
}

fn pause() -> Action {
    Action::PauseCircle {
        message: Some(sealed(COORD, "Mam ligt in het ziekenhuis")),
    }
}

fn paused() -> CircleEvent {
    CircleEvent::CirclePaused {
        by: COORD,
        at: now(),
        message: Some(sealed(COORD, "Mam ligt in het ziekenhuis")),
    }
}

fn end(reason: EndReason) -> Action {
    Action::EndCircle {
        reason,
        message: Some(sealed(COORD, "Dank jullie wel, allemaal")),
    }
}

fn ended(reason: EndReason) -> CircleEvent {
    CircleEvent::CircleEnded {
        reason,
        message: Some(sealed(COORD, "Dank jullie wel, allemaal")),
        by: COORD,
        at: now(),
    }
}

/// `with_everything_open()` after a coordinator ended it, as decided.
fn ended_circle(reason: EndReason) -> Vec<CircleEvent> {
    let closing = outcome(with_everything_open(), by(COORD, end(reason))).unwrap();
    with(with_everything_open(), closing)
}

fn with_shift() -> Vec<CircleEvent> {
    with(
        circle_with_members(),
        [weekly_shift_scheduled(
            SHIFT,
            vec![Ring::Warm, Ring::Lukewarm],
            2,
        )],
    )
}

/// A circle with something of every kind still open: a request to come, one
/// taken, one long past, an invitation, an offer and a consent.
fn with_everything_open() -> Vec<CircleEvent> {
    let mut past = help_requested(PAST, Category::Groceries, WARM);
    if let CircleEvent::HelpRequested { window: w, .. } = &mut past {
        *w = window(-72, -48);
    }
    with(
        with_shift(),
        [
            help_requested(OPEN, Category::Groceries, WARM),
            help_requested(TAKEN, Category::Visit, WARM),
            taken(TAKEN, LUKEWARM),
            past,
            CircleEvent::InvitationIssued {
                invitation: INVITATION,
                ring: Ring::Warm,
                role: InvitedAs::Member,
                task: None,
                token_hash: TOKEN.into(),
                expires_at: now() + Duration::days(3),
                by: COORD,
            },
            CircleEvent::OfferMade {
                offer: OFFER,
                by: LUKEWARM,
                will: vec![Category::Visit],
                wont: vec![],
                capacity: Capacity::HoursPerWeek(2),
                note: None,
            },
            CircleEvent::ConsentGranted {
                organisation: ORG,
                scope: ConsentScope::Signals,
                from: now() - Duration::days(1),
                by: COORD,
            },
        ],
    )
}

// ------------------------------------------------------------ Pause and resume

#[test]
fn a_coordinator_pauses_and_resumes_the_circle() {
    circle()
        .given(with_shift())
        .when(by(COORD, pause()))
        .then_expect_events(vec![paused()]);
    circle()
        .given(with(with_shift(), [paused()]))
        .when(by(COORD, Action::ResumeCircle))
        .then_expect_events(vec![CircleEvent::CircleResumed {
            by: COORD,
            at: now(),
        }]);
}

#[test]
fn a_circle_is_paused_once_and_resumed_only_when_paused() {
    assert_eq!(
        outcome(with(with_shift(), [paused()]), by(COORD, pause())),
        refused(Refusal::CircleAlreadyPaused)
    );
    assert_eq!(
        outcome(with_shift(), by(COORD, Action::ResumeCircle)),
        refused(Refusal::CircleNotPaused)
    );
}

#[test]
fn only_a_coordinator_pauses_resumes_or_ends() {
    for person in [FOCUS, WARM, LUKEWARM] {
        for action in [pause(), Action::ResumeCircle, end(EndReason::Recovered)] {
            assert_eq!(
                outcome(with(with_shift(), [paused()]), by(person, action)),
                refused(Refusal::OnlyCoordinators),
            );
        }
    }
    assert_eq!(
        outcome(with_shift(), by(STRANGER, pause())),
        refused(Refusal::NoSuchCircle)
    );
}

#[test]
fn a_message_is_sealed_with_the_writers_own_key() {
    let action = Action::PauseCircle {
        message: Some(sealed(WARM, "niet van mij")),
    };
    assert_eq!(
        outcome(with_shift(), by(COORD, action)),
        refused(Refusal::TextKeyNotOwn)
    );
    let action = Action::EndCircle {
        reason: EndReason::Died,
        message: Some(sealed(WARM, "niet van mij")),
    };
    assert_eq!(
        outcome(with_shift(), by(COORD, action)),
        refused(Refusal::TextKeyNotOwn)
    );
}

#[test]
fn while_paused_no_shift_is_taken_or_handed_on() {
    let given = with(with_shift(), [paused()]);
    let claim = Action::ClaimShift {
        shift: SHIFT,
        date: saturday(),
    };
    assert_eq!(
        outcome(given.clone(), by(WARM, claim.clone())),
        refused(Refusal::CirclePaused)
    );
    let swap = Action::ProposeSwap {
        swap: id(7300),
        shift: SHIFT,
        date: saturday(),
        to: LUKEWARM,
    };
    assert_eq!(
        outcome(given.clone(), by(WARM, swap)),
        refused(Refusal::CirclePaused)
    );
    // Life goes on otherwise: the logbook, and claims again after resuming.
    let entry = Action::WriteLogbookEntry {
        entry: id(7301),
        visibility: Visibility::WholeCircle,
        text: sealed(WARM, "Mam is geopereerd, het ging goed"),
    };
    assert!(outcome(given.clone(), by(WARM, entry)).is_ok());
    let resumed = with(
        given,
        [CircleEvent::CircleResumed {
            by: COORD,
            at: now(),
        }],
    );
    circle()
        .given(resumed)
        .when(by(WARM, claim))
        .then_expect_events(vec![CircleEvent::ShiftClaimed {
            shift: SHIFT,
            date: saturday(),
            by: WARM,
        }]);
}

#[test]
fn no_shift_takes_place_from_the_pause_or_the_end() {
    let state = state_after(with(with_shift(), [paused()]));
    assert_eq!(state.life.no_shifts_from(), Some(now()));
    let state = state_after(with(with_shift(), [ended(EndReason::Recovered)]));
    assert_eq!(state.life.no_shifts_from(), Some(now()));
    assert!(state.life.ended());
    assert_eq!(state_after(with_shift()).life.no_shifts_from(), None);
}

// ------------------------------------------------------------------- Ending

#[test]
fn ending_closes_what_is_still_open_and_then_ends() {
    for reason in EndReason::ALL {
        circle()
            .given(with_everything_open())
            .when(by(COORD, end(reason)))
            .then_expect_events(vec![
                CircleEvent::RequestCancelled {
                    request: OPEN,
                    by: COORD,
                },
                CircleEvent::RequestCancelled {
                    request: TAKEN,
                    by: COORD,
                },
                CircleEvent::InvitationRevoked {
                    invitation: INVITATION,
                    by: COORD,
                },
                CircleEvent::OfferWithdrawn {
                    offer: OFFER,
                    by: COORD,
                },
                CircleEvent::ConsentRevoked {
                    organisation: ORG,
                    by: COORD,
                },
                ended(reason),
            ]);
    }
}

#[test]
fn a_paused_circle_can_end() {
    circle()
        .given(with(with_shift(), [paused()]))
        .when(by(COORD, end(EndReason::MovedToCareHome)))
        .then_expect_events(vec![ended(EndReason::MovedToCareHome)]);
}

#[test]
fn an_ended_circle_refuses_its_members_everything() {
    let given = ended_circle(EndReason::Died);
    for person in [COORD, FOCUS, WARM, LUKEWARM] {
        for action in every_action_but_create(person) {
            let name = action_name(&action);
            let refusal = outcome(given.clone(), by(person, action));
            // An invitation (by its secret) and a place (by the offer) are
            // answered before membership: none survives the end.
            if matches!(name, "AcceptInvitation" | "AnswerPlace") {
                assert!(refusal.is_err(), "{person:?} {name}");
                continue;
            }
            assert_eq!(refusal, refused(Refusal::CircleEnded), "{person:?} {name}");
        }
    }
}

#[test]
fn outsiders_still_learn_nothing_of_an_ended_circle() {
    let given = ended_circle(EndReason::Recovered);
    for action in every_action_but_create(STRANGER) {
        let name = action_name(&action);
        if matches!(name, "AcceptInvitation" | "AnswerPlace") {
            continue; // answered by the secret or the offer, as before the end
        }
        assert_eq!(
            outcome(given.clone(), by(STRANGER, action)),
            refused(Refusal::NoSuchCircle),
            "{name}"
        );
    }
    // The organisation's consent ended with the circle.
    let look = CircleCommand {
        actor: Actor::intermediary(SOCIAL_WORKER, ORG),
        action: Action::RecordLook {
            what: Looked::Circle,
        },
    };
    assert_eq!(outcome(given, look), refused(Refusal::NoSuchCircle));
}

#[test]
fn an_invitation_from_before_the_end_no_longer_opens_the_circle() {
    let given = ended_circle(EndReason::Recovered);
    let accept = Action::AcceptInvitation {
        invitation: INVITATION,
        token_hash: TOKEN.into(),
        focus_name: None,
    };
    assert!(outcome(with_everything_open(), by(STRANGER, accept.clone())).is_ok());
    assert!(outcome(given, by(STRANGER, accept)).is_err());
}

#[test]
fn a_member_of_an_ended_circle_can_still_be_forgotten() {
    let given = ended_circle(EndReason::Recovered);
    let events = outcome(given, by(LUKEWARM, Action::Erase)).unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        CircleEvent::MemberLeft { person, .. } if *person == LUKEWARM
    )));
}

#[test]
fn the_whole_circle_hears_of_its_life() {
    let state = state_after(with_everything_open());
    for event in [paused(), ended(EndReason::Recovered)] {
        let audience = audience(&state, &event);
        assert_eq!(audience.rings_up_to, Some(Ring::Cold), "every member");
        assert_eq!(audience.intermediaries, Some(ConsentScope::Signals));
    }
}

#[test]
fn a_pause_stays_on_the_record_after_the_circle_resumes() {
    let resumed = CircleEvent::CircleResumed {
        by: COORD,
        at: now() + Duration::days(7),
    };
    let state = state_after(with(with_shift(), [paused(), resumed]));
    assert_eq!(state.life, circle::state::Life::Active);
    assert!(state.shifts_suspended_at(now() + Duration::days(3)));
    assert!(!state.shifts_suspended_at(now() - Duration::hours(1)));
    assert!(!state.shifts_suspended_at(now() + Duration::days(8)));
}

#[test]
fn an_open_invitation_that_slipped_past_the_end_opens_nothing() {
    // Ending revokes open invitations; should one stay open, it still fails.
    let given = with(with_everything_open(), [ended(EndReason::Other)]);
    let accept = Action::AcceptInvitation {
        invitation: INVITATION,
        token_hash: TOKEN.into(),
        focus_name: None,
    };
    assert_eq!(
        outcome(given, by(STRANGER, accept)),
        refused(Refusal::InvitationWithdrawn)
    );
}
