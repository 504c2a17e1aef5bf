//! Who sees what: `may_see` for the circle as it is now, for a cast of
//! viewers; and the upcaster that reads version 1 logbook entries.

mod common;

use std::collections::BTreeSet;

use chrono::Duration;
use common::*;
use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use cqrs_es::DomainEvent;
use kring_domain::*;
use serde_json::json;
use uuid::Uuid;

/// The warm member's groceries, on the marketplace; the volunteer's task.
const TASK: RequestId = RequestId(Uuid::from_u128(20));
const REQUEST: RequestId = RequestId(Uuid::from_u128(21));
const ENTRY: EntryId = EntryId(Uuid::from_u128(40));
/// A second organisation, consented to with the Signals scope only.
const SIGNALS_ORG: OrganisationId = OrganisationId(Uuid::from_u128(200));
const SIGNALS_WORKER: PersonId = PersonId(Uuid::from_u128(201));
/// An organisation the circle never consented to.
const UNKNOWN_ORG: OrganisationId = OrganisationId(Uuid::from_u128(300));
const UNKNOWN_WORKER: PersonId = PersonId(Uuid::from_u128(301));

/// Everyone who might look, by a name for the assertions.
fn cast() -> Vec<(&'static str, Actor)> {
    vec![
        ("focus", Actor::person(FOCUS)),
        ("coordinator", Actor::person(COORD)),
        ("warm", Actor::person(WARM)),
        ("lukewarm", Actor::person(LUKEWARM)),
        ("volunteer", Actor::person(VOLUNTEER)),
        ("stranger", Actor::person(STRANGER)),
        ("full org", Actor::intermediary(SOCIAL_WORKER, ORG)),
        (
            "signals org",
            Actor::intermediary(SIGNALS_WORKER, SIGNALS_ORG),
        ),
        (
            "unknown org",
            Actor::intermediary(UNKNOWN_WORKER, UNKNOWN_ORG),
        ),
    ]
}

fn names<const N: usize>(names: [&'static str; N]) -> BTreeSet<&'static str> {
    names.into_iter().collect()
}

fn state_after(events: &[CircleEvent]) -> Circle {
    let mut state = Circle::default();
    for event in events {
        state.apply(event.clone());
    }
    state
}

/// Who in the cast may see `event`, in the circle `events` leave.
fn seen_by(events: &[CircleEvent], event: &CircleEvent) -> BTreeSet<&'static str> {
    let state = state_after(events);
    cast()
        .into_iter()
        .filter(|(_, actor)| may_see(&state, event, &Viewer::of(&state, *actor, now())))
        .map(|(name, _)| name)
        .collect()
}

fn consent(organisation: OrganisationId, scope: ConsentScope) -> CircleEvent {
    CircleEvent::ConsentGranted {
        organisation,
        scope,
        from: now() - Duration::days(1),
        by: COORD,
    }
}

/// Focus, coordinator, warm, lukewarm, a volunteer for TASK, and two
/// organisations: ORG with full consent, SIGNALS_ORG with signals only.
fn world() -> Vec<CircleEvent> {
    let mut events = circle_with_members();
    events.extend([
        help_requested(TASK, Category::Groceries, WARM),
        CircleEvent::RequestWidened {
            request: TASK,
            to: Ring::Cold,
            by: COORD,
        },
        volunteer_joined(TASK),
        consent(ORG, ConsentScope::Full),
        consent(SIGNALS_ORG, ConsentScope::Signals),
    ]);
    events
}

fn then(
    mut events: Vec<CircleEvent>,
    more: impl IntoIterator<Item = CircleEvent>,
) -> Vec<CircleEvent> {
    events.extend(more);
    events
}

fn written(author: PersonId, visibility: Visibility) -> CircleEvent {
    CircleEvent::LogbookEntryWritten {
        entry: ENTRY,
        author,
        visibility,
        text: sealed(author, "Mam heeft goed gegeten"),
    }
}

// ------------------------------------------------------------------ The cast

#[test]
fn the_cast_is_who_it_says() {
    let state = state_after(&world());
    let viewer = |actor| Viewer::of(&state, actor, now());
    assert_eq!(
        viewer(Actor::person(VOLUNTEER)),
        Viewer::Member {
            person: VOLUNTEER,
            ring: Ring::Cold,
            coordinator: false,
            focus: false,
            task: Some(TASK),
        }
    );
    assert_eq!(
        viewer(Actor::person(FOCUS)),
        Viewer::Member {
            person: FOCUS,
            ring: Ring::Warm,
            coordinator: false,
            focus: true,
            task: None,
        }
    );
    assert_eq!(
        viewer(Actor::intermediary(SIGNALS_WORKER, SIGNALS_ORG)),
        Viewer::Intermediary {
            person: SIGNALS_WORKER,
            organisation: SIGNALS_ORG,
            scope: ConsentScope::Signals,
        }
    );
    assert_eq!(viewer(Actor::person(STRANGER)), Viewer::Outsider);
    assert_eq!(
        viewer(Actor::intermediary(UNKNOWN_WORKER, UNKNOWN_ORG)),
        Viewer::Outsider
    );
    // A circle that does not exist has only outsiders.
    assert_eq!(
        Viewer::of(&Circle::default(), Actor::person(COORD), now()),
        Viewer::Outsider
    );
}

// ------------------------------------------------------------------- Logbook

#[test]
fn a_warm_only_entry_is_for_the_warm_ring() {
    let entry = written(WARM, Visibility::WarmOnly);
    let events = then(world(), [entry.clone()]);
    assert_eq!(
        seen_by(&events, &entry),
        names(["focus", "coordinator", "warm"])
    );
}

#[test]
fn its_author_sees_an_entry_whatever_its_visibility() {
    let entry = written(LUKEWARM, Visibility::WarmOnly);
    let events = then(world(), [entry.clone()]);
    assert_eq!(
        seen_by(&events, &entry),
        names(["focus", "coordinator", "warm", "lukewarm"])
    );
}

#[test]
fn a_warm_and_lukewarm_entry_is_also_for_an_organisation_with_full_consent() {
    let entry = written(WARM, Visibility::WarmAndLukewarm);
    let events = then(world(), [entry.clone()]);
    assert_eq!(
        seen_by(&events, &entry),
        names(["focus", "coordinator", "warm", "lukewarm", "full org"])
    );
}

#[test]
fn a_whole_circle_entry_reaches_the_volunteer_too() {
    let entry = written(WARM, Visibility::WholeCircle);
    let events = then(world(), [entry.clone()]);
    assert_eq!(
        seen_by(&events, &entry),
        names([
            "focus",
            "coordinator",
            "warm",
            "lukewarm",
            "volunteer",
            "full org"
        ])
    );
}

#[test]
fn a_redacted_entry_is_left_to_its_author_and_its_readers_learn_it_was_withdrawn() {
    let entry = written(LUKEWARM, Visibility::WarmAndLukewarm);
    let redaction = CircleEvent::LogbookEntryRedacted {
        entry: ENTRY,
        by: LUKEWARM,
    };
    let events = then(world(), [entry.clone(), redaction.clone()]);
    assert_eq!(seen_by(&events, &entry), names(["lukewarm"]));
    assert_eq!(
        seen_by(&events, &redaction),
        names(["focus", "coordinator", "warm", "lukewarm", "full org"])
    );
    // Before the redaction, the text was for all its readers.
    assert_eq!(
        seen_by(&then(world(), [entry.clone()]), &entry),
        names(["focus", "coordinator", "warm", "lukewarm", "full org"])
    );
}

// ------------------------------------------------------------------ Requests

#[test]
fn the_address_of_a_request_is_for_whoever_asked_whoever_took_it_and_the_coordinators() {
    let asked = help_requested(REQUEST, Category::Groceries, LUKEWARM);
    let place = CircleEvent::RequestPlaceNoted {
        request: REQUEST,
        place: sealed(LUKEWARM, "Dorpsstraat 1"),
    };
    let events = then(world(), [asked.clone(), place.clone()]);
    assert_eq!(seen_by(&events, &place), names(["lukewarm", "coordinator"]));
    // The request itself is for the warm ring and whoever asked.
    assert_eq!(
        seen_by(&events, &asked),
        names(["focus", "coordinator", "warm", "lukewarm", "full org"])
    );
    let taken = then(
        events,
        [CircleEvent::RequestTaken {
            request: REQUEST,
            by: WARM,
        }],
    );
    assert_eq!(
        seen_by(&taken, &place),
        names(["lukewarm", "coordinator", "warm"])
    );
}

#[test]
fn the_volunteer_learns_the_address_of_their_task_when_they_take_it() {
    let place = CircleEvent::RequestPlaceNoted {
        request: TASK,
        place: sealed(WARM, "Dorpsstraat 1"),
    };
    let events = then(world(), [place.clone()]);
    assert_eq!(seen_by(&events, &place), names(["warm", "coordinator"]));
    let taken = then(
        events,
        [CircleEvent::RequestTaken {
            request: TASK,
            by: VOLUNTEER,
        }],
    );
    assert_eq!(
        seen_by(&taken, &place),
        names(["warm", "coordinator", "volunteer"])
    );
}

#[test]
fn widening_a_request_to_the_lukewarm_ring_shows_it_to_them_at_once() {
    let asked = help_requested(REQUEST, Category::Visit, WARM);
    let widened = CircleEvent::RequestWidened {
        request: REQUEST,
        to: Ring::Lukewarm,
        by: COORD,
    };
    let before = then(world(), [asked.clone()]);
    assert_eq!(
        seen_by(&before, &asked),
        names(["focus", "coordinator", "warm", "full org"])
    );
    let after = then(before, [widened.clone()]);
    let lukewarm_too = names(["focus", "coordinator", "warm", "lukewarm", "full org"]);
    assert_eq!(seen_by(&after, &asked), lukewarm_too);
    assert_eq!(seen_by(&after, &widened), lukewarm_too);
}

#[test]
fn a_volunteer_sees_their_own_task_and_no_other_request() {
    let other = help_requested(REQUEST, Category::Transport, WARM);
    let other_widened = CircleEvent::RequestWidened {
        request: REQUEST,
        to: Ring::Cold,
        by: COORD,
    };
    let taken = CircleEvent::RequestTaken {
        request: TASK,
        by: VOLUNTEER,
    };
    let done = CircleEvent::RequestDone {
        request: TASK,
        by: VOLUNTEER,
    };
    let events = then(
        world(),
        [
            other.clone(),
            other_widened.clone(),
            taken.clone(),
            done.clone(),
        ],
    );
    let task_events = [
        help_requested(TASK, Category::Groceries, WARM),
        CircleEvent::RequestWidened {
            request: TASK,
            to: Ring::Cold,
            by: COORD,
        },
        taken,
        done,
    ];
    for event in &task_events {
        assert!(seen_by(&events, event).contains("volunteer"), "{event:?}");
    }
    // Another request, even one on the marketplace, is not theirs to see.
    for event in [&other, &other_widened] {
        assert_eq!(
            seen_by(&events, event),
            names(["focus", "coordinator", "warm", "lukewarm", "full org"]),
            "{event:?}"
        );
    }
    // Of the members, the volunteer sees only themself join.
    assert!(seen_by(&events, &volunteer_joined(TASK)).contains("volunteer"));
    assert!(!seen_by(&events, &joined(LUKEWARM, Ring::Lukewarm)).contains("volunteer"));
}

// ---------------------------------------------------- Thanks, invitations, looks

#[test]
fn thanks_are_between_the_two_people_and_the_coordinators() {
    let thanks = CircleEvent::ThanksGiven {
        thanks_for: ThanksFor::Entry(ENTRY),
        from: LUKEWARM,
        to: WARM,
        note: Some(sealed(LUKEWARM, "Dank je!")),
    };
    let events = then(
        world(),
        [written(WARM, Visibility::WarmAndLukewarm), thanks.clone()],
    );
    assert_eq!(
        seen_by(&events, &thanks),
        names(["lukewarm", "warm", "coordinator"])
    );
}

#[test]
fn invitations_are_for_the_coordinators() {
    let issued = CircleEvent::InvitationIssued {
        invitation: id(10),
        ring: Ring::Warm,
        role: InvitedAs::Member,
        task: None,
        token_hash: TOKEN.into(),
        expires_at: now() + Duration::days(7),
        by: COORD,
    };
    let revoked = CircleEvent::InvitationRevoked {
        invitation: id(10),
        by: COORD,
    };
    let events = then(world(), [issued.clone(), revoked.clone()]);
    assert_eq!(seen_by(&events, &issued), names(["coordinator"]));
    assert_eq!(seen_by(&events, &revoked), names(["coordinator"]));
}

#[test]
fn who_looked_is_for_the_coordinators_and_the_focus_person() {
    let looked = CircleEvent::IntermediaryLooked {
        organisation: ORG,
        person: SOCIAL_WORKER,
        scope: ConsentScope::Full,
        what: Looked::CircleFull,
        at: now(),
    };
    let events = then(world(), [looked.clone()]);
    assert_eq!(seen_by(&events, &looked), names(["coordinator", "focus"]));
}

#[test]
fn consent_is_for_the_warm_ring_and_the_organisation_it_concerns() {
    // Which other organisations a family involves (debt counselling, say)
    // is not for an organisation to see: only its own consent is.
    let granted = consent(ORG, ConsentScope::Full);
    let events = world();
    assert_eq!(
        seen_by(&events, &granted),
        names(["focus", "coordinator", "warm", "full org"])
    );
    let signals = consent(SIGNALS_ORG, ConsentScope::Signals);
    assert_eq!(
        seen_by(&events, &signals),
        names(["focus", "coordinator", "warm", "signals org"])
    );
}

// ------------------------------------------------------------------ Outsiders

/// A circle with something of every sort in it.
fn rich_history() -> Vec<CircleEvent> {
    let shift: ShiftId = id(30);
    then(
        world(),
        [
            CircleEvent::InvitationIssued {
                invitation: id(10),
                ring: Ring::Lukewarm,
                role: InvitedAs::Member,
                task: None,
                token_hash: TOKEN.into(),
                expires_at: now() + Duration::days(7),
                by: COORD,
            },
            CircleEvent::CoordinatorAppointed {
                person: WARM,
                by: COORD,
            },
            help_requested(REQUEST, Category::Visit, LUKEWARM),
            CircleEvent::RequestPlaceNoted {
                request: REQUEST,
                place: sealed(LUKEWARM, "Dorpsstraat 1"),
            },
            CircleEvent::RequestWidened {
                request: REQUEST,
                to: Ring::Lukewarm,
                by: COORD,
            },
            CircleEvent::RequestTaken {
                request: REQUEST,
                by: WARM,
            },
            CircleEvent::RequestDone {
                request: REQUEST,
                by: WARM,
            },
            CircleEvent::ThanksGiven {
                thanks_for: ThanksFor::Request(REQUEST),
                from: LUKEWARM,
                to: WARM,
                note: None,
            },
            CircleEvent::OfferMade {
                offer: id(50),
                by: LUKEWARM,
                will: vec![Category::Walk],
                wont: vec![],
                capacity: Capacity::HoursPerWeek(2),
                note: None,
            },
            weekly_shift_scheduled(shift, vec![Ring::Warm, Ring::Lukewarm], 2),
            CircleEvent::ShiftClaimed {
                shift,
                date: saturday(),
                by: LUKEWARM,
            },
            written(WARM, Visibility::WholeCircle),
            CircleEvent::IntermediaryLooked {
                organisation: ORG,
                person: SOCIAL_WORKER,
                scope: ConsentScope::Full,
                what: Looked::DashboardRota,
                at: now(),
            },
        ],
    )
}

fn assert_sees_nothing(events: &[CircleEvent], actor: Actor, who: &str) {
    let state = state_after(events);
    let viewer = Viewer::of(&state, actor, now());
    assert_eq!(viewer, Viewer::Outsider, "{who}");
    assert!(!viewer.sees_circle(), "{who}");
    for event in events {
        assert!(!may_see(&state, event, &viewer), "{who} sees {event:?}");
    }
}

#[test]
fn a_non_member_sees_nothing_at_all() {
    let events = rich_history();
    assert_sees_nothing(&events, Actor::person(STRANGER), "a stranger");
    assert_sees_nothing(
        &events,
        Actor::person(NEWCOMER_WITH_A_LINK),
        "someone with a link",
    );
}

/// Invited (the link is in `rich_history`) but not joined.
const NEWCOMER_WITH_A_LINK: PersonId = PersonId(Uuid::from_u128(7));

#[test]
fn an_intermediary_without_consent_in_force_sees_nothing_at_all() {
    let events = rich_history();
    assert_sees_nothing(
        &events,
        Actor::intermediary(UNKNOWN_WORKER, UNKNOWN_ORG),
        "an organisation never consented to",
    );
    let revoked = then(
        rich_history(),
        [CircleEvent::ConsentRevoked {
            organisation: ORG,
            by: FOCUS,
        }],
    );
    assert_sees_nothing(
        &revoked,
        Actor::intermediary(SOCIAL_WORKER, ORG),
        "an organisation after revocation",
    );
    let not_yet = then(
        rich_history(),
        [CircleEvent::ConsentGranted {
            organisation: ORG,
            scope: ConsentScope::Full,
            from: now() + Duration::days(1),
            by: COORD,
        }],
    );
    assert_sees_nothing(
        &not_yet,
        Actor::intermediary(SOCIAL_WORKER, ORG),
        "an organisation before its consent starts",
    );
    // A person of a consented organisation who comes as a private person is a stranger.
    assert_sees_nothing(
        &events,
        Actor::person(SOCIAL_WORKER),
        "a social worker off duty",
    );
}

#[test]
fn a_member_who_was_removed_or_left_sees_nothing_at_all() {
    let removed = then(
        rich_history(),
        [CircleEvent::MemberRemoved {
            person: LUKEWARM,
            by: COORD,
            at: now(),
        }],
    );
    assert_sees_nothing(&removed, Actor::person(LUKEWARM), "a removed member");
    let left = then(
        rich_history(),
        [CircleEvent::MemberLeft {
            person: VOLUNTEER,
            at: now(),
        }],
    );
    assert_sees_nothing(&left, Actor::person(VOLUNTEER), "a volunteer who left");
}

// ------------------------------------------------------------------ Upcaster

fn logbook_entry_v1(lukewarm_may_read: Option<bool>) -> SerializedEvent {
    let mut fields = json!({
        "entry": ENTRY,
        "author": WARM,
        "text": { "owner": WARM, "data": "sealed:Mam heeft goed gegeten" },
    });
    if let Some(flag) = lukewarm_may_read {
        fields["lukewarm_may_read"] = json!(flag);
    }
    SerializedEvent::new(
        CIRCLE.to_string(),
        7,
        "circle".into(),
        "LogbookEntryWritten".into(),
        "1".into(),
        json!({ "LogbookEntryWritten": fields }),
        json!({}),
    )
}

fn read_v1(lukewarm_may_read: Option<bool>) -> CircleEvent {
    let upcaster = kring_domain::upcasters::logbook_entry_v2();
    let old = logbook_entry_v1(lukewarm_may_read);
    assert!(upcaster.can_upcast(&old.event_type, &old.event_version));
    let new = upcaster.upcast(old);
    assert_eq!(new.event_type, "LogbookEntryWritten");
    // The version is now the current one ("2.0.0", as cqrs-es writes it).
    assert!(!upcaster.can_upcast(&new.event_type, &new.event_version));
    assert_eq!(new.event_version.split('.').next(), Some("2"));
    assert_eq!(new.sequence, 7);
    assert_eq!(new.aggregate_id, CIRCLE.to_string());
    assert!(new.payload["LogbookEntryWritten"]
        .get("lukewarm_may_read")
        .is_none());
    serde_json::from_value(new.payload).expect("an upcast entry reads as the current event")
}

#[test]
fn a_version_1_entry_the_lukewarm_ring_may_read_is_for_warm_and_lukewarm() {
    let event = read_v1(Some(true));
    assert_eq!(event, written(WARM, Visibility::WarmAndLukewarm));
    let events = then(world(), [event.clone()]);
    assert_eq!(
        seen_by(&events, &event),
        names(["focus", "coordinator", "warm", "lukewarm", "full org"])
    );
}

#[test]
fn a_version_1_entry_the_lukewarm_ring_may_not_read_is_warm_only() {
    let event = read_v1(Some(false));
    assert_eq!(event, written(WARM, Visibility::WarmOnly));
    let events = then(world(), [event.clone()]);
    assert_eq!(
        seen_by(&events, &event),
        names(["focus", "coordinator", "warm"])
    );
}

#[test]
fn a_version_1_entry_without_the_flag_stays_warm_only() {
    assert_eq!(read_v1(None), written(WARM, Visibility::WarmOnly));
}

#[test]
fn only_old_logbook_entries_are_upcast() {
    let upcaster = kring_domain::upcasters::logbook_entry_v2();
    assert!(upcaster.can_upcast("LogbookEntryWritten", "1"));
    assert!(upcaster.can_upcast("LogbookEntryWritten", "1.9"));
    assert!(!upcaster.can_upcast("LogbookEntryWritten", "2"));
    assert!(!upcaster.can_upcast("LogbookEntryRedacted", "1"));
    assert!(!upcaster.can_upcast("HelpRequested", "1"));
    // What is written today is version 2 and reads back as it was.
    let today = written(WARM, Visibility::WholeCircle);
    assert_eq!(today.event_version(), "2");
    assert_eq!(today.event_type(), "LogbookEntryWritten");
    let payload = serde_json::to_value(&today).unwrap();
    assert_eq!(
        serde_json::from_value::<CircleEvent>(payload).unwrap(),
        today
    );
    // The domain's list of upcasters includes it.
    assert!(kring_domain::upcasters::all()
        .iter()
        .any(|u| u.can_upcast("LogbookEntryWritten", "1")));
}
