//! The logbook, thanks for an entry, the consent a circle gives an
//! organisation and the looks its intermediaries take; and the two other
//! aggregates, Account and Organisation. Given/when/then, every refusal.

mod common;

use chrono::Duration;
use common::*;
use cqrs_es::test::TestFramework;
use kring_domain::*;
use uuid::Uuid;

const ENTRY: EntryId = EntryId(Uuid::from_u128(40));
const OTHER_ORG: OrganisationId = OrganisationId(Uuid::from_u128(200));
const COLLEAGUE: PersonId = PersonId(Uuid::from_u128(102));

fn with(
    mut events: Vec<CircleEvent>,
    more: impl IntoIterator<Item = CircleEvent>,
) -> Vec<CircleEvent> {
    events.extend(more);
    events
}

fn write(entry: EntryId, visibility: Visibility, text: Sealed) -> Action {
    Action::WriteLogbookEntry {
        entry,
        visibility,
        text,
    }
}

fn granted(scope: ConsentScope, from: chrono::DateTime<chrono::Utc>) -> CircleEvent {
    CircleEvent::ConsentGranted {
        organisation: ORG,
        scope,
        from,
        by: COORD,
    }
}

fn revoked() -> CircleEvent {
    CircleEvent::ConsentRevoked {
        organisation: ORG,
        by: COORD,
    }
}

fn grant(scope: ConsentScope, from: chrono::DateTime<chrono::Utc>) -> Action {
    Action::GrantConsent {
        organisation: ORG,
        scope,
        from,
    }
}

fn look(what: Looked) -> Action {
    Action::RecordLook { what }
}

fn looked(scope: ConsentScope, what: Looked) -> CircleEvent {
    CircleEvent::IntermediaryLooked {
        organisation: ORG,
        person: SOCIAL_WORKER,
        scope,
        what,
        at: now(),
    }
}

fn thank_for_entry(entry: EntryId, to: PersonId, note: Option<Sealed>) -> Action {
    Action::Thank {
        thanks_for: ThanksFor::Entry(entry),
        to,
        note,
    }
}

fn outcome(
    given: Vec<CircleEvent>,
    command: CircleCommand,
) -> Result<Vec<CircleEvent>, DomainError> {
    circle().given(given).when(command).inspect_result()
}

/// The circle with members and a volunteer for a marketplace request.
fn circle_with_volunteer() -> Vec<CircleEvent> {
    let task: RequestId = id(20);
    with(
        circle_with_members(),
        [
            help_requested(task, Category::Groceries, WARM),
            CircleEvent::RequestWidened {
                request: task,
                to: Ring::Cold,
                by: COORD,
            },
            volunteer_joined(task),
        ],
    )
}

// ----------------------------------------------------------- WriteLogbookEntry

#[test]
fn every_member_writes_in_the_logbook_with_the_visibility_they_choose() {
    for (author, visibility) in [
        (FOCUS, Visibility::WarmOnly),
        (COORD, Visibility::WarmAndLukewarm),
        (WARM, Visibility::WholeCircle),
        (LUKEWARM, Visibility::WarmAndLukewarm),
        (VOLUNTEER, Visibility::WholeCircle),
    ] {
        circle()
            .given(circle_with_volunteer())
            .when(by(
                author,
                write(ENTRY, visibility, sealed(author, "Mam heeft goed gegeten")),
            ))
            .then_expect_events(vec![written(ENTRY, author, visibility)]);
    }
}

#[test]
fn a_logbook_entry_id_is_used_once() {
    circle()
        .given(with(
            circle_with_members(),
            [written(ENTRY, WARM, Visibility::WarmOnly)],
        ))
        .when(by(
            LUKEWARM,
            write(
                ENTRY,
                Visibility::WarmAndLukewarm,
                sealed(LUKEWARM, "Hallo"),
            ),
        ))
        .then_expect_error(DomainError::Refused(Refusal::EntryExists));
    // Also after it was redacted.
    circle()
        .given(with(
            circle_with_members(),
            [
                written(ENTRY, WARM, Visibility::WarmOnly),
                redacted(ENTRY, WARM),
            ],
        ))
        .when(by(
            WARM,
            write(ENTRY, Visibility::WarmOnly, sealed(WARM, "Opnieuw")),
        ))
        .then_expect_error(DomainError::Refused(Refusal::EntryExists));
}

#[test]
fn an_entry_is_sealed_with_its_writers_own_key() {
    for owner in [FOCUS, COORD, LUKEWARM] {
        circle()
            .given(circle_with_members())
            .when(by(
                WARM,
                write(
                    ENTRY,
                    Visibility::WarmOnly,
                    sealed(owner, "Mam sliep slecht"),
                ),
            ))
            .then_expect_error(DomainError::Refused(Refusal::TextKeyNotOwn));
    }
}

// ---------------------------------------------------------- RedactLogbookEntry

#[test]
fn the_author_withdraws_their_entry() {
    for author in [WARM, LUKEWARM, VOLUNTEER] {
        circle()
            .given(with(
                circle_with_volunteer(),
                [written(ENTRY, author, Visibility::WholeCircle)],
            ))
            .when(by(author, Action::RedactLogbookEntry { entry: ENTRY }))
            .then_expect_events(vec![redacted(ENTRY, author)]);
    }
}

#[test]
fn only_the_author_withdraws_an_entry() {
    for person in [FOCUS, COORD, LUKEWARM] {
        circle()
            .given(with(
                circle_with_members(),
                [written(ENTRY, WARM, Visibility::WarmAndLukewarm)],
            ))
            .when(by(person, Action::RedactLogbookEntry { entry: ENTRY }))
            .then_expect_error(DomainError::Refused(Refusal::OnlyAuthor));
    }
}

#[test]
fn an_entry_is_withdrawn_once() {
    circle()
        .given(with(
            circle_with_members(),
            [
                written(ENTRY, WARM, Visibility::WarmOnly),
                redacted(ENTRY, WARM),
            ],
        ))
        .when(by(WARM, Action::RedactLogbookEntry { entry: ENTRY }))
        .then_expect_error(DomainError::Refused(Refusal::EntryAlreadyRedacted));
}

#[test]
fn an_unknown_entry_cannot_be_withdrawn() {
    circle()
        .given(circle_with_members())
        .when(by(WARM, Action::RedactLogbookEntry { entry: ENTRY }))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchEntry));
}

// --------------------------------------------------------- Thank for an entry

#[test]
fn a_reader_thanks_the_author_of_an_entry() {
    let given = with(
        circle_with_volunteer(),
        [written(ENTRY, WARM, Visibility::WholeCircle)],
    );
    for reader in [FOCUS, COORD, LUKEWARM, VOLUNTEER] {
        circle()
            .given(given.clone())
            .when(by(reader, thank_for_entry(ENTRY, WARM, None)))
            .then_expect_events(vec![CircleEvent::ThanksGiven {
                thanks_for: ThanksFor::Entry(ENTRY),
                from: reader,
                to: WARM,
                note: None,
            }]);
    }
    circle()
        .given(given)
        .when(by(
            COORD,
            thank_for_entry(ENTRY, WARM, Some(sealed(COORD, "Dank je!"))),
        ))
        .then_expect_events(vec![CircleEvent::ThanksGiven {
            thanks_for: ThanksFor::Entry(ENTRY),
            from: COORD,
            to: WARM,
            note: Some(sealed(COORD, "Dank je!")),
        }]);
}

#[test]
fn a_thank_you_note_is_sealed_with_the_thankers_own_key() {
    circle()
        .given(with(
            circle_with_members(),
            [written(ENTRY, WARM, Visibility::WarmOnly)],
        ))
        .when(by(
            COORD,
            thank_for_entry(ENTRY, WARM, Some(sealed(WARM, "Dank je!"))),
        ))
        .then_expect_error(DomainError::Refused(Refusal::TextKeyNotOwn));
}

#[test]
fn nobody_thanks_themself_for_their_own_entry() {
    circle()
        .given(with(
            circle_with_members(),
            [written(ENTRY, WARM, Visibility::WarmOnly)],
        ))
        .when(by(WARM, thank_for_entry(ENTRY, WARM, None)))
        .then_expect_error(DomainError::Refused(Refusal::ThankSelf));
}

#[test]
fn thanks_for_an_entry_go_to_its_author_while_it_stands() {
    circle()
        .given(with(
            circle_with_members(),
            [written(ENTRY, WARM, Visibility::WarmOnly)],
        ))
        .when(by(COORD, thank_for_entry(ENTRY, FOCUS, None)))
        .then_expect_error(DomainError::Refused(Refusal::ThankEntryAuthor));
    circle()
        .given(with(
            circle_with_members(),
            [
                written(ENTRY, WARM, Visibility::WarmOnly),
                redacted(ENTRY, WARM),
            ],
        ))
        .when(by(COORD, thank_for_entry(ENTRY, WARM, None)))
        .then_expect_error(DomainError::Refused(Refusal::ThankEntryAuthor));
}

#[test]
fn an_unknown_entry_or_one_you_cannot_read_is_not_found() {
    circle()
        .given(circle_with_members())
        .when(by(COORD, thank_for_entry(ENTRY, WARM, None)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchEntry));
    circle()
        .given(with(
            circle_with_members(),
            [written(ENTRY, WARM, Visibility::WarmOnly)],
        ))
        .when(by(LUKEWARM, thank_for_entry(ENTRY, WARM, None)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchEntry));
    circle()
        .given(with(
            circle_with_volunteer(),
            [written(ENTRY, WARM, Visibility::WarmAndLukewarm)],
        ))
        .when(by(VOLUNTEER, thank_for_entry(ENTRY, WARM, None)))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchEntry));
}

// ---------------------------------------------------------------- GrantConsent

#[test]
fn a_coordinator_or_the_focus_person_gives_an_organisation_consent() {
    for (person, scope) in [(COORD, ConsentScope::Full), (FOCUS, ConsentScope::Signals)] {
        circle()
            .given(circle_with_members())
            .when(by(person, grant(scope, now())))
            .then_expect_events(vec![CircleEvent::ConsentGranted {
                organisation: ORG,
                scope,
                from: now(),
                by: person,
            }]);
    }
    // From a moment to come.
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            grant(ConsentScope::Full, now() + Duration::days(3)),
        ))
        .then_expect_events(vec![granted(ConsentScope::Full, now() + Duration::days(3))]);
}

#[test]
fn only_a_coordinator_or_the_focus_person_gives_consent() {
    for person in [WARM, LUKEWARM] {
        circle()
            .given(circle_with_members())
            .when(by(person, grant(ConsentScope::Full, now())))
            .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinatorsOrFocus));
    }
}

#[test]
fn consent_does_not_start_in_the_past() {
    for from in [now() - Duration::days(30), now() - Duration::minutes(6)] {
        circle()
            .given(circle_with_members())
            .when(by(COORD, grant(ConsentScope::Full, from)))
            .then_expect_error(DomainError::Refused(Refusal::ConsentInPast));
    }
    // A form that took a few minutes to fill in is not "the past".
    circle()
        .given(circle_with_members())
        .when(by(
            COORD,
            grant(ConsentScope::Full, now() - Duration::minutes(5)),
        ))
        .then_expect_events(vec![granted(
            ConsentScope::Full,
            now() - Duration::minutes(5),
        )]);
}

#[test]
fn the_same_consent_is_not_given_twice() {
    circle()
        .given(with(
            circle_with_members(),
            [granted(ConsentScope::Full, now())],
        ))
        .when(by(COORD, grant(ConsentScope::Full, now())))
        .then_expect_error(DomainError::Refused(Refusal::ConsentAlreadyGiven));
    // Given again after it was revoked, it is new.
    circle()
        .given(with(
            circle_with_members(),
            [granted(ConsentScope::Full, now()), revoked()],
        ))
        .when(by(COORD, grant(ConsentScope::Full, now())))
        .then_expect_events(vec![granted(ConsentScope::Full, now())]);
}

#[test]
fn a_new_scope_replaces_the_consent() {
    circle()
        .given(with(
            circle_with_members(),
            [granted(ConsentScope::Full, now())],
        ))
        .when(by(FOCUS, grant(ConsentScope::Signals, now())))
        .then_expect_events(vec![CircleEvent::ConsentGranted {
            organisation: ORG,
            scope: ConsentScope::Signals,
            from: now(),
            by: FOCUS,
        }]);
    // From then on, the organisation looks with the new scope.
    circle()
        .given(with(
            circle_with_members(),
            [
                granted(ConsentScope::Full, now() - Duration::days(2)),
                granted(ConsentScope::Signals, now() - Duration::days(1)),
            ],
        ))
        .when(looking(look(Looked::Circle)))
        .then_expect_events(vec![looked(ConsentScope::Signals, Looked::Circle)]);
}

// --------------------------------------------------------------- RevokeConsent

#[test]
fn a_coordinator_or_the_focus_person_revokes_consent() {
    for person in [COORD, FOCUS] {
        circle()
            .given(with(
                circle_with_members(),
                [granted(ConsentScope::Full, now())],
            ))
            .when(by(person, Action::RevokeConsent { organisation: ORG }))
            .then_expect_events(vec![CircleEvent::ConsentRevoked {
                organisation: ORG,
                by: person,
            }]);
    }
}

#[test]
fn only_a_coordinator_or_the_focus_person_revokes_consent() {
    for person in [WARM, LUKEWARM] {
        circle()
            .given(with(
                circle_with_members(),
                [granted(ConsentScope::Full, now())],
            ))
            .when(by(person, Action::RevokeConsent { organisation: ORG }))
            .then_expect_error(DomainError::Refused(Refusal::OnlyCoordinatorsOrFocus));
    }
}

#[test]
fn consent_that_is_not_in_force_cannot_be_revoked() {
    for (given, organisation) in [
        // Never given.
        (circle_with_members(), ORG),
        // Given to another organisation only.
        (
            with(circle_with_members(), [granted(ConsentScope::Full, now())]),
            OTHER_ORG,
        ),
        // Already revoked.
        (
            with(
                circle_with_members(),
                [granted(ConsentScope::Full, now()), revoked()],
            ),
            ORG,
        ),
    ] {
        circle()
            .given(given)
            .when(by(COORD, Action::RevokeConsent { organisation }))
            .then_expect_error(DomainError::Refused(Refusal::NoSuchConsent));
    }
}

// ------------------------------------------------------------------ RecordLook

#[test]
fn an_intermediary_under_consent_looks_and_it_is_on_the_record() {
    for scope in [ConsentScope::Signals, ConsentScope::Full] {
        circle()
            .given(with(
                circle_with_members(),
                [granted(scope, now() - Duration::days(1))],
            ))
            .when(looking(look(Looked::DashboardRota)))
            .then_expect_events(vec![looked(scope, Looked::DashboardRota)]);
    }
    // From the very moment consent starts.
    circle()
        .given(with(
            circle_with_members(),
            [granted(ConsentScope::Full, now())],
        ))
        .when(looking(look(Looked::CircleFull)))
        .then_expect_events(vec![looked(ConsentScope::Full, Looked::CircleFull)]);
    // Every intermediary of the organisation, each on the record by name.
    circle()
        .given(with(
            circle_with_members(),
            [granted(ConsentScope::Full, now())],
        ))
        .when(CircleCommand {
            actor: Actor::intermediary(COLLEAGUE, ORG),
            action: look(Looked::CircleFull),
        })
        .then_expect_events(vec![CircleEvent::IntermediaryLooked {
            organisation: ORG,
            person: COLLEAGUE,
            scope: ConsentScope::Full,
            what: Looked::CircleFull,
            at: now(),
        }]);
}

#[test]
fn without_consent_in_force_an_intermediary_finds_no_circle() {
    let without = [
        // Never consented.
        circle_with_members(),
        // Consented to another organisation.
        with(
            circle_with_members(),
            [CircleEvent::ConsentGranted {
                organisation: OTHER_ORG,
                scope: ConsentScope::Full,
                from: now() - Duration::days(1),
                by: COORD,
            }],
        ),
        // Revoked.
        with(
            circle_with_members(),
            [
                granted(ConsentScope::Full, now() - Duration::days(1)),
                revoked(),
            ],
        ),
        // Not yet: consent starts tomorrow.
        with(
            circle_with_members(),
            [granted(ConsentScope::Full, now() + Duration::days(1))],
        ),
        // Not yet, by one second.
        with(
            circle_with_members(),
            [granted(ConsentScope::Full, now() + Duration::seconds(1))],
        ),
    ];
    for given in without {
        circle()
            .given(given)
            .when(looking(look(Looked::CircleFull)))
            .then_expect_error(DomainError::Refused(Refusal::NoSuchCircle));
    }
}

/// A dashboard shows forty circles at once and is loaded all day: each
/// circle's record gets one dashboard look per intermediary per day (the
/// circle's day), while opening the circle itself is recorded every time.
#[test]
fn a_dashboard_look_is_on_the_record_once_a_day() {
    let earlier_today = with(
        circle_with_members(),
        [
            granted(ConsentScope::Full, now() - Duration::days(1)),
            looked(ConsentScope::Full, Looked::DashboardRota),
        ],
    );
    circle()
        .given(earlier_today.clone())
        .when(looking(look(Looked::DashboardRota)))
        .then_expect_events(vec![]);
    // Another kind of look, or opening the circle: on the record again.
    for what in [Looked::Dashboard, Looked::CircleFull, Looked::Live] {
        circle()
            .given(earlier_today.clone())
            .when(looking(look(what)))
            .then_expect_events(vec![looked(ConsentScope::Full, what)]);
    }
    // A colleague's dashboard is their own look.
    circle()
        .given(earlier_today.clone())
        .when(CircleCommand {
            actor: Actor::intermediary(COLLEAGUE, ORG),
            action: look(Looked::DashboardRota),
        })
        .then_expect_events(vec![CircleEvent::IntermediaryLooked {
            organisation: ORG,
            person: COLLEAGUE,
            scope: ConsentScope::Full,
            what: Looked::DashboardRota,
            at: now(),
        }]);
    // Yesterday's dashboard look does not cover today.
    let yesterday = CircleEvent::IntermediaryLooked {
        organisation: ORG,
        person: SOCIAL_WORKER,
        scope: ConsentScope::Full,
        what: Looked::DashboardRota,
        at: now() - Duration::days(1),
    };
    circle()
        .given(with(
            circle_with_members(),
            [
                granted(ConsentScope::Full, now() - Duration::days(2)),
                yesterday,
            ],
        ))
        .when(looking(look(Looked::DashboardRota)))
        .then_expect_events(vec![looked(ConsentScope::Full, Looked::DashboardRota)]);
}

#[test]
fn a_member_does_not_record_looks() {
    for person in [FOCUS, COORD, WARM] {
        circle()
            .given(with(
                circle_with_members(),
                [granted(ConsentScope::Full, now())],
            ))
            .when(by(person, look(Looked::CircleFull)))
            .then_expect_error(DomainError::Refused(Refusal::OnlyIntermediaryUnderConsent));
    }
}

#[test]
fn an_intermediary_under_consent_does_nothing_but_look_and_propose_for_its_marketplace() {
    let given = with(circle_with_members(), [granted(ConsentScope::Full, now())]);
    for action in every_action_but_create(SOCIAL_WORKER) {
        let name = action_name(&action);
        if name == "RecordLook" {
            continue;
        }
        if name == "ProposeVolunteer" || name == "DeclineVolunteer" {
            // Only for a request on its marketplace (tests/marketplace.rs); this one is not.
            assert_eq!(
                outcome(given.clone(), looking(action)),
                Err(DomainError::Refused(Refusal::NoSuchRequest)),
                "{name}"
            );
            continue;
        }
        assert_eq!(
            outcome(given.clone(), looking(action)),
            Err(DomainError::Refused(Refusal::OnlyMembers)),
            "{name}"
        );
    }
}

// --------------------------------------------------------------------- Account
// (erasing an account: tests/erasure.rs)

const ME: PersonId = PersonId(Uuid::from_u128(300));

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

fn register(name: Sealed, email: Sealed) -> AccountCommand {
    AccountCommand::Register {
        account: ME,
        name,
        email,
    }
}

#[test]
fn a_person_registers_an_account() {
    account()
        .given_no_previous_events()
        .when(register(sealed(ME, "Anna"), sealed(ME, "anna@example.nl")))
        .then_expect_events(vec![registered()]);
}

#[test]
fn an_account_is_registered_once() {
    account()
        .given(vec![registered()])
        .when(register(sealed(ME, "Anna"), sealed(ME, "anna@example.nl")))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyExists));
}

#[test]
fn a_name_and_address_are_sealed_with_the_owners_key() {
    let refused = DomainError::Refused(Refusal::AccountKeysNotOwn);
    account()
        .given_no_previous_events()
        .when(register(
            sealed(COORD, "Anna"),
            sealed(ME, "anna@example.nl"),
        ))
        .then_expect_error(refused.clone());
    account()
        .given_no_previous_events()
        .when(register(
            sealed(ME, "Anna"),
            sealed(COORD, "anna@example.nl"),
        ))
        .then_expect_error(refused);
}

#[test]
fn a_person_renames_their_account() {
    account()
        .given(vec![registered()])
        .when(AccountCommand::Rename {
            name: sealed(ME, "Anna de Vries"),
        })
        .then_expect_events(vec![AccountEvent::AccountRenamed {
            name: sealed(ME, "Anna de Vries"),
        }]);
}

#[test]
fn a_new_name_is_sealed_with_the_owners_key() {
    account()
        .given(vec![registered()])
        .when(AccountCommand::Rename {
            name: sealed(COORD, "Anna de Vries"),
        })
        .then_expect_error(DomainError::Refused(Refusal::NameKeyNotOwn));
}

#[test]
fn an_account_that_does_not_exist_is_not_renamed_or_readdressed() {
    account()
        .given_no_previous_events()
        .when(AccountCommand::Rename {
            name: sealed(ME, "Anna"),
        })
        .then_expect_error(DomainError::Refused(Refusal::NoSuchAccount));
    account()
        .given_no_previous_events()
        .when(AccountCommand::ChangeEmail {
            email: sealed(ME, "anna@example.org"),
        })
        .then_expect_error(DomainError::Refused(Refusal::NoSuchAccount));
}

#[test]
fn a_person_changes_their_email_address() {
    account()
        .given(vec![registered()])
        .when(AccountCommand::ChangeEmail {
            email: sealed(ME, "anna@example.org"),
        })
        .then_expect_events(vec![AccountEvent::EmailChanged {
            email: sealed(ME, "anna@example.org"),
        }]);
}

#[test]
fn a_new_email_address_is_sealed_with_the_owners_key() {
    account()
        .given(vec![registered()])
        .when(AccountCommand::ChangeEmail {
            email: sealed(COORD, "anna@example.org"),
        })
        .then_expect_error(DomainError::Refused(Refusal::EmailKeyNotOwn));
}

#[test]
fn a_person_proves_their_current_address_once() {
    let verified = AccountEvent::EmailVerified {};
    account()
        .given(vec![registered()])
        .when(AccountCommand::VerifyEmail { address: 0 })
        .then_expect_events(vec![verified.clone()]);
    account()
        .given(vec![registered(), verified.clone()])
        .when(AccountCommand::VerifyEmail { address: 0 })
        .then_expect_error(DomainError::Refused(Refusal::EmailAlreadyVerified));
    // A link mailed to the old address proves nothing about the new one...
    let changed = AccountEvent::EmailChanged {
        email: sealed(ME, "anna@example.org"),
    };
    account()
        .given(vec![registered(), verified.clone(), changed.clone()])
        .when(AccountCommand::VerifyEmail { address: 0 })
        .then_expect_error(DomainError::Refused(Refusal::EmailChangedSince));
    // ...and the new address must be proven again.
    account()
        .given(vec![registered(), verified, changed])
        .when(AccountCommand::VerifyEmail { address: 1 })
        .then_expect_events(vec![AccountEvent::EmailVerified {}]);
    account()
        .given_no_previous_events()
        .when(AccountCommand::VerifyEmail { address: 0 })
        .then_expect_error(DomainError::Refused(Refusal::NoSuchAccount));
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

fn colleague_added() -> OrganisationEvent {
    OrganisationEvent::IntermediaryAdded {
        person: COLLEAGUE,
        by: SOCIAL_WORKER,
    }
}

fn org_by(actor: PersonId, action: OrganisationAction) -> OrganisationCommand {
    OrganisationCommand { actor, action }
}

fn register_org(name: &str) -> OrganisationAction {
    OrganisationAction::Register {
        organisation: ORG,
        name: name.into(),
    }
}

#[test]
fn a_social_worker_registers_their_organisation_and_is_its_first_intermediary() {
    organisation()
        .given_no_previous_events()
        .when(org_by(SOCIAL_WORKER, register_org("  Welzijn Noord \n")))
        .then_expect_events(vec![org_registered()]);
    // As its intermediary, they may add a colleague.
    organisation()
        .given(vec![org_registered()])
        .when(org_by(
            SOCIAL_WORKER,
            OrganisationAction::AddIntermediary { person: COLLEAGUE },
        ))
        .then_expect_events(vec![colleague_added()]);
}

#[test]
fn an_organisation_is_registered_once() {
    for actor in [SOCIAL_WORKER, STRANGER] {
        organisation()
            .given(vec![org_registered()])
            .when(org_by(actor, register_org("Welzijn Zuid")))
            .then_expect_error(DomainError::Refused(Refusal::AlreadyExists));
    }
}

#[test]
fn an_organisation_has_a_name_of_one_to_120_characters() {
    let refused = DomainError::Refused(Refusal::OrganisationName);
    for name in [String::new(), "   ".to_owned(), "é".repeat(121)] {
        organisation()
            .given_no_previous_events()
            .when(org_by(SOCIAL_WORKER, register_org(&name)))
            .then_expect_error(refused.clone());
    }
    organisation()
        .given_no_previous_events()
        .when(org_by(SOCIAL_WORKER, register_org(&"é".repeat(120))))
        .then_expect_events(vec![OrganisationEvent::OrganisationRegistered {
            organisation: ORG,
            name: "é".repeat(120),
            by: SOCIAL_WORKER,
        }]);
}

#[test]
fn an_organisation_that_does_not_exist_does_nothing() {
    for action in [
        OrganisationAction::AddIntermediary { person: COLLEAGUE },
        OrganisationAction::RemoveIntermediary {
            person: SOCIAL_WORKER,
        },
    ] {
        organisation()
            .given_no_previous_events()
            .when(org_by(SOCIAL_WORKER, action))
            .then_expect_error(DomainError::Refused(Refusal::NoSuchOrganisation));
    }
}

#[test]
fn only_an_intermediary_adds_or_removes_intermediaries() {
    let refused = DomainError::Refused(Refusal::OnlyIntermediaries);
    for action in [
        OrganisationAction::AddIntermediary { person: STRANGER },
        OrganisationAction::RemoveIntermediary { person: COLLEAGUE },
    ] {
        organisation()
            .given(vec![org_registered(), colleague_added()])
            .when(org_by(STRANGER, action))
            .then_expect_error(refused.clone());
    }
    // Someone who was removed is no intermediary any more.
    organisation()
        .given(vec![
            org_registered(),
            colleague_added(),
            OrganisationEvent::IntermediaryRemoved {
                person: COLLEAGUE,
                by: SOCIAL_WORKER,
            },
        ])
        .when(org_by(
            COLLEAGUE,
            OrganisationAction::AddIntermediary { person: STRANGER },
        ))
        .then_expect_error(refused);
}

#[test]
fn an_intermediary_is_added_once() {
    organisation()
        .given(vec![org_registered(), colleague_added()])
        .when(org_by(
            SOCIAL_WORKER,
            OrganisationAction::AddIntermediary { person: COLLEAGUE },
        ))
        .then_expect_error(DomainError::Refused(Refusal::AlreadyIntermediary));
}

#[test]
fn an_intermediary_removes_a_colleague_or_themself() {
    organisation()
        .given(vec![org_registered(), colleague_added()])
        .when(org_by(
            SOCIAL_WORKER,
            OrganisationAction::RemoveIntermediary { person: COLLEAGUE },
        ))
        .then_expect_events(vec![OrganisationEvent::IntermediaryRemoved {
            person: COLLEAGUE,
            by: SOCIAL_WORKER,
        }]);
    organisation()
        .given(vec![org_registered(), colleague_added()])
        .when(org_by(
            SOCIAL_WORKER,
            OrganisationAction::RemoveIntermediary {
                person: SOCIAL_WORKER,
            },
        ))
        .then_expect_events(vec![OrganisationEvent::IntermediaryRemoved {
            person: SOCIAL_WORKER,
            by: SOCIAL_WORKER,
        }]);
}

#[test]
fn only_an_intermediary_is_removed() {
    organisation()
        .given(vec![org_registered(), colleague_added()])
        .when(org_by(
            SOCIAL_WORKER,
            OrganisationAction::RemoveIntermediary { person: STRANGER },
        ))
        .then_expect_error(DomainError::Refused(Refusal::NoSuchIntermediary));
}

#[test]
fn the_last_intermediary_cannot_be_removed() {
    organisation()
        .given(vec![org_registered()])
        .when(org_by(
            SOCIAL_WORKER,
            OrganisationAction::RemoveIntermediary {
                person: SOCIAL_WORKER,
            },
        ))
        .then_expect_error(DomainError::Refused(Refusal::LastIntermediary));
    organisation()
        .given(vec![
            org_registered(),
            colleague_added(),
            OrganisationEvent::IntermediaryRemoved {
                person: SOCIAL_WORKER,
                by: COLLEAGUE,
            },
        ])
        .when(org_by(
            COLLEAGUE,
            OrganisationAction::RemoveIntermediary { person: COLLEAGUE },
        ))
        .then_expect_error(DomainError::Refused(Refusal::LastIntermediary));
}

#[test]
fn an_intermediary_sets_the_organisations_thresholds_within_bounds() {
    let wanted = Thresholds {
        open_places: 500,
        carer_at_risk: true,
        silent_days: 365,
    };
    organisation()
        .given(vec![org_registered(), colleague_added()])
        .when(org_by(
            COLLEAGUE,
            OrganisationAction::SetThresholds { thresholds: wanted },
        ))
        .then_expect_events(vec![OrganisationEvent::ThresholdsSet {
            thresholds: wanted,
            by: COLLEAGUE,
        }]);
    // All off is a choice too.
    organisation()
        .given(vec![org_registered()])
        .when(org_by(
            SOCIAL_WORKER,
            OrganisationAction::SetThresholds {
                thresholds: Thresholds::default(),
            },
        ))
        .then_expect_events(vec![OrganisationEvent::ThresholdsSet {
            thresholds: Thresholds::default(),
            by: SOCIAL_WORKER,
        }]);
    for (thresholds, refusal) in [
        (
            Thresholds {
                open_places: 501,
                ..wanted
            },
            Refusal::ThresholdOpenPlaces,
        ),
        (
            Thresholds {
                silent_days: 366,
                ..wanted
            },
            Refusal::ThresholdSilence,
        ),
    ] {
        organisation()
            .given(vec![org_registered()])
            .when(org_by(
                SOCIAL_WORKER,
                OrganisationAction::SetThresholds { thresholds },
            ))
            .then_expect_error(DomainError::Refused(refusal));
    }
    organisation()
        .given(vec![org_registered()])
        .when(org_by(
            STRANGER,
            OrganisationAction::SetThresholds { thresholds: wanted },
        ))
        .then_expect_error(DomainError::Refused(Refusal::OnlyIntermediaries));
}
