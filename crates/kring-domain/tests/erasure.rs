//! Erasing a person: they leave every circle and organisation whatever their
//! role, and nothing they left open keeps others waiting. An erasure is never
//! refused, and erasing again writes nothing.

mod common;

use chrono::Duration;
use common::*;
use cqrs_es::test::TestFramework;
use kring_domain::*;

fn with(
    mut events: Vec<CircleEvent>,
    more: impl IntoIterator<Item = CircleEvent>,
) -> Vec<CircleEvent> {
    events.extend(more);
    events
}

fn left(person: PersonId) -> CircleEvent {
    CircleEvent::MemberLeft { person, at: now() }
}

fn erase(person: PersonId) -> CircleCommand {
    by(person, Action::Erase)
}

#[test]
fn an_erased_member_leaves_the_circle() {
    for person in [WARM, LUKEWARM] {
        circle()
            .given(circle_with_members())
            .when(erase(person))
            .then_expect_events(vec![left(person)]);
    }
}

#[test]
fn the_focus_person_and_the_last_coordinator_leave_when_erased() {
    // Leaving is refused to both; an erasure is not.
    circle()
        .given(circle_with_members())
        .when(erase(FOCUS))
        .then_expect_events(vec![left(FOCUS)]);
    circle()
        .given(circle_with_members())
        .when(erase(COORD))
        .then_expect_events(vec![left(COORD)]);
}

#[test]
fn erasing_someone_outside_the_circle_or_gone_already_writes_nothing() {
    circle()
        .given(circle_with_members())
        .when(erase(STRANGER))
        .then_expect_events(vec![]);
    circle()
        .given(with(circle_with_members(), [left(WARM)]))
        .when(erase(WARM))
        .then_expect_events(vec![]);
}

#[test]
fn their_open_invitations_are_revoked_and_their_offers_withdrawn() {
    let open: InvitationId = id(40);
    let used: InvitationId = id(41);
    let others: InvitationId = id(42);
    let issued = |invitation, by| CircleEvent::InvitationIssued {
        invitation,
        ring: Ring::Warm,
        role: InvitedAs::Member,
        task: None,
        token_hash: TOKEN.into(),
        expires_at: now() + Duration::days(7),
        by,
    };
    let offer: OfferId = id(50);
    let withdrawn: OfferId = id(51);
    let offered = |offer| CircleEvent::OfferMade {
        offer,
        by: COORD,
        will: vec![Category::Groceries],
        wont: vec![],
        capacity: Capacity::HoursPerWeek(2),
        note: None,
    };
    let given = with(
        circle_with_members(),
        [
            issued(open, COORD),
            issued(used, COORD),
            CircleEvent::MemberJoined {
                invitation: used,
                person: STRANGER,
                ring: Ring::Warm,
                coordinator: false,
                task: None,
            },
            issued(others, WARM),
            offered(offer),
            offered(withdrawn),
            CircleEvent::OfferWithdrawn {
                offer: withdrawn,
                by: COORD,
            },
        ],
    );
    circle()
        .given(given)
        .when(erase(COORD))
        .then_expect_events(vec![
            CircleEvent::InvitationRevoked {
                invitation: open,
                by: COORD,
            },
            CircleEvent::OfferWithdrawn { offer, by: COORD },
            left(COORD),
        ]);
}

#[test]
fn a_request_they_had_taken_is_open_to_others_again() {
    let request: RequestId = id(60);
    let given = with(
        circle_with_members(),
        [
            help_requested(request, Category::Groceries, COORD),
            taken(request, WARM),
            CircleEvent::RequestConfirmed { request, by: COORD },
        ],
    );
    let events = circle()
        .given(given.clone())
        .when(erase(WARM))
        .inspect_result()
        .expect("never refused");
    assert_eq!(events, vec![left(WARM)]);
    circle()
        .given(with(given, events))
        .when(by(FOCUS, Action::TakeRequest { request }))
        .then_expect_events(vec![taken(request, FOCUS)]);
}

#[test]
fn a_shift_they_had_claimed_is_open_to_others_again() {
    let shift: ShiftId = id(70);
    let date = saturday();
    let given = with(
        circle_with_members(),
        [
            weekly_shift_scheduled(shift, vec![Ring::Warm], 1),
            CircleEvent::ShiftClaimed {
                shift,
                date,
                by: WARM,
            },
        ],
    );
    circle()
        .given(with(given, [left(WARM)]))
        .when(by(COORD, Action::ClaimShift { shift, date }))
        .then_expect_events(vec![CircleEvent::ShiftClaimed {
            shift,
            date,
            by: COORD,
        }]);
}

// ---------------------------------------------------------------- Organisation

fn organisation() -> TestFramework<Organisation> {
    TestFramework::<Organisation>::with(Services::at(now()))
}

fn org_registered() -> OrganisationEvent {
    OrganisationEvent::OrganisationRegistered {
        organisation: ORG,
        name: "Welzijn Noord".into(),
        by: SOCIAL_WORKER,
    }
}

fn erase_from_org(person: PersonId) -> OrganisationCommand {
    OrganisationCommand {
        actor: person,
        action: OrganisationAction::Erase,
    }
}

#[test]
fn an_erased_intermediary_stops_working_for_the_organisation_even_as_the_last() {
    let removed = OrganisationEvent::IntermediaryRemoved {
        person: SOCIAL_WORKER,
        by: SOCIAL_WORKER,
    };
    organisation()
        .given(vec![org_registered()])
        .when(erase_from_org(SOCIAL_WORKER))
        .then_expect_events(vec![removed.clone()]);
    organisation()
        .given(vec![org_registered(), removed])
        .when(erase_from_org(SOCIAL_WORKER))
        .then_expect_events(vec![]);
    organisation()
        .given(vec![org_registered()])
        .when(erase_from_org(STRANGER))
        .then_expect_events(vec![]);
}

// --------------------------------------------------------------------- Account

const ME: PersonId = PersonId(uuid::Uuid::from_u128(300));

fn account() -> TestFramework<Account> {
    TestFramework::<Account>::with(Services::at(now()))
}

fn registered() -> AccountEvent {
    AccountEvent::AccountRegistered {
        account: ME,
        name: sealed(ME, "Anna"),
        email: sealed(ME, "anna@example.nl"),
    }
}

#[test]
fn an_account_is_erased_once_and_then_takes_no_more_commands() {
    let erased = AccountEvent::AccountErased {};
    account()
        .given(vec![registered()])
        .when(AccountCommand::Erase)
        .then_expect_events(vec![erased.clone()]);
    account()
        .given(vec![registered(), erased.clone()])
        .when(AccountCommand::Erase)
        .then_expect_events(vec![]);
    account()
        .given_no_previous_events()
        .when(AccountCommand::Erase)
        .then_expect_events(vec![]);
    for command in [
        AccountCommand::Rename {
            name: sealed(ME, "Anna"),
        },
        AccountCommand::ChangeEmail {
            email: sealed(ME, "anna@example.org"),
        },
        AccountCommand::VerifyEmail { address: 0 },
    ] {
        account()
            .given(vec![registered(), erased.clone()])
            .when(command)
            .then_expect_error(DomainError::Refused(Refusal::NoSuchAccount));
    }
    // Its id is never registered again: a new sign-up is a new account.
    account()
        .given(vec![registered(), erased])
        .when(AccountCommand::Register {
            account: ME,
            name: sealed(ME, "Anna"),
            email: sealed(ME, "anna@example.nl"),
        })
        .then_expect_error(DomainError::Refused(Refusal::AlreadyExists));
}

#[test]
fn no_account_event_holds_a_hash_of_the_address() {
    let events = [
        registered(),
        AccountEvent::EmailChanged {
            email: sealed(ME, "anna@example.org"),
        },
        AccountEvent::EmailVerified {},
        AccountEvent::AccountErased {},
    ];
    for event in events {
        let json = serde_json::to_string(&event).unwrap();
        assert!(!json.contains("lookup"), "{json}");
    }
}

#[test]
fn account_events_of_version_1_are_read_without_their_lookup() {
    use cqrs_es::persist::EventUpcaster;
    let v1 = serde_json::json!({"AccountRegistered": {
        "account": ME, "name": sealed(ME, "Anna"), "email": sealed(ME, "a@b.nl"),
        "email_lookup": "7c4a8d09ca3762af61e59520943dc26494f8941b7c4a8d09ca3762af61e59520"}});
    let upcaster = upcasters::account_v2("AccountRegistered");
    assert!(upcaster.can_upcast("AccountRegistered", "1"));
    assert!(!upcaster.can_upcast("AccountRegistered", "2"));
    let stored = cqrs_es::persist::SerializedEvent {
        aggregate_id: ME.to_string(),
        sequence: 1,
        aggregate_type: "account".into(),
        event_type: "AccountRegistered".into(),
        event_version: "1".into(),
        payload: v1,
        metadata: serde_json::json!({}),
    };
    let read = upcaster.upcast(stored);
    let event: AccountEvent = serde_json::from_value(read.payload.clone()).unwrap();
    assert_eq!(
        event,
        AccountEvent::AccountRegistered {
            account: ME,
            name: sealed(ME, "Anna"),
            email: sealed(ME, "a@b.nl"),
        }
    );
    assert!(read.payload["AccountRegistered"]
        .get("email_lookup")
        .is_none());
}
