//! Who hears of what: each notice goes to the people the event concerns,
//! within the domain's audience, and never to the one who did it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kring_domain::*;
use kring_notify::notices::{notices, About, Notice, Topic};
use kring_testkit::world::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

fn circle_of(events: &[CircleEvent]) -> Circle {
    let mut circle = Circle::default();
    for e in events {
        circle.apply(e.clone());
    }
    circle
}

fn base() -> Vec<CircleEvent> {
    vec![
        CircleEvent::CircleCreated {
            circle: CIRCLE,
            focus: FOCUS,
            focus_name: sealed(FOCUS, "Mam"),
            coordinator: COORD,
            time_zone: "Europe/Amsterdam".into(),
            at: now() - Duration::days(10),
        },
        joined(WARM, Ring::Warm),
        joined(LUKEWARM, Ring::Lukewarm),
    ]
}

fn requested(request: RequestId, category: Category, by: PersonId) -> CircleEvent {
    CircleEvent::HelpRequested {
        request,
        category,
        window: TimeWindow::new(now() + Duration::hours(24), now() + Duration::hours(26)).unwrap(),
        duration: mins(60),
        details: sealed(by, "boodschappen bij de Jumbo"),
        asked_by: by,
        on_behalf_of_focus: false,
    }
}

/// The notices of `event` after `history`, done by `actor`.
fn after(history: &[CircleEvent], event: CircleEvent, actor: PersonId) -> Vec<Notice> {
    let before = circle_of(history);
    let mut after = before.clone();
    after.apply(event.clone());
    notices(&before, &event, &after, Some(actor), now())
}

fn recipients(notices: &[Notice]) -> Vec<PersonId> {
    let mut people: Vec<PersonId> = notices.iter().map(|n| n.recipient).collect();
    people.sort();
    people
}

#[test]
fn a_request_reaches_its_ring_but_not_its_asker() {
    let request: RequestId = id(50);
    let notices = after(
        &base(),
        requested(request, Category::Groceries, COORD),
        COORD,
    );
    assert_eq!(recipients(&notices), vec![WARM]);
    assert_eq!(notices[0].about.topic(), Topic::RequestOpen);
    assert!(matches!(
        notices[0].about,
        About::RequestOpen {
            category: Category::Groceries,
            ..
        }
    ));
}

#[test]
fn widening_tells_only_those_newly_reached() {
    let request: RequestId = id(50);
    let mut history = base();
    history.push(requested(request, Category::Groceries, COORD));
    let notices = after(&history, widened(request, Ring::Lukewarm), COORD);
    assert_eq!(recipients(&notices), vec![LUKEWARM]);
}

#[test]
fn the_taker_hears_of_confirmation_cancellation_and_thanks() {
    let request: RequestId = id(50);
    let mut history = base();
    history.push(requested(request, Category::Transport, COORD));
    history.push(taken(request, WARM));
    let confirmed = CircleEvent::RequestConfirmed { request, by: COORD };
    let n = after(&history, confirmed, COORD);
    assert_eq!(recipients(&n), vec![WARM]);
    assert!(matches!(n[0].about, About::RequestConfirmed { .. }));

    let cancelled = CircleEvent::RequestCancelled { request, by: COORD };
    let n = after(&history, cancelled, COORD);
    assert_eq!(recipients(&n), vec![WARM]);
    assert!(matches!(n[0].about, About::RequestCancelled { .. }));

    // Changed: the taker hears of it as it is now; whoever changed it does not.
    let later = chrono::Utc::now() + Duration::days(3);
    let changed = |by| CircleEvent::RequestChanged {
        request,
        window: TimeWindow::new(later, later + Duration::hours(2)).unwrap(),
        duration: mins(60),
        details: sealed(by, "Ook de apotheek"),
        by,
    };
    let n = after(&history, changed(COORD), COORD);
    assert_eq!(recipients(&n), vec![WARM]);
    assert!(matches!(n[0].about, About::RequestChanged { starts, .. } if starts == later));
    assert_eq!(n[0].about.topic(), Topic::MyRequests);

    // The taker cancelling it themself hears nothing.
    let own = CircleEvent::RequestCancelled { request, by: WARM };
    assert!(after(&history, own, WARM).is_empty());

    history.push(done(request, WARM));
    let thanks = CircleEvent::ThanksGiven {
        thanks_for: ThanksFor::Request(request),
        from: COORD,
        to: WARM,
        note: Some(sealed(COORD, "dank je wel")),
    };
    let n = after(&history, thanks, COORD);
    assert_eq!(recipients(&n), vec![WARM]);
    assert!(matches!(n[0].about, About::Thanked { .. }));
}

#[test]
fn a_swap_reaches_the_one_asked_and_its_answer_the_one_who_asked() {
    let shift: ShiftId = id(60);
    let swap: SwapId = id(61);
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let mut history = base();
    history.push(CircleEvent::ShiftScheduled {
        shift,
        title: sealed(COORD, "Bij mam"),
        starts: local(date, 10),
        duration: mins(120),
        recurrence: Recurrence::Once,
        helpers_needed: 1,
        rings: vec![Ring::Warm, Ring::Lukewarm],
        by: COORD,
    });
    history.push(CircleEvent::ShiftClaimed {
        shift,
        date,
        by: WARM,
    });
    let proposed = CircleEvent::SwapProposed {
        swap,
        shift,
        date,
        from: WARM,
        to: LUKEWARM,
    };
    let n = after(&history, proposed.clone(), WARM);
    assert_eq!(recipients(&n), vec![LUKEWARM]);
    // 10:00 in Amsterdam in November is 09:00 UTC.
    assert!(matches!(n[0].about, About::SwapProposed { starts, .. }
        if starts == Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()));

    history.push(proposed);
    let n = after(
        &history,
        CircleEvent::SwapAccepted { swap, by: LUKEWARM },
        LUKEWARM,
    );
    assert_eq!(recipients(&n), vec![WARM]);
    assert!(matches!(n[0].about, About::SwapAccepted { .. }));
    let n = after(
        &history,
        CircleEvent::SwapDeclined { swap, by: LUKEWARM },
        LUKEWARM,
    );
    assert!(matches!(n[0].about, About::SwapDeclined { .. }));
}

#[test]
fn coordinators_hear_of_new_members() {
    let n = after(&base(), joined(STRANGER, Ring::Lukewarm), STRANGER);
    assert_eq!(recipients(&n), vec![COORD]);
    assert_eq!(
        n[0].about,
        About::NewMember {
            ring: Ring::Lukewarm
        }
    );
}

#[test]
fn the_logbook_and_looks_send_nothing() {
    let entry: EntryId = id(70);
    assert!(after(&base(), written(entry, WARM, Visibility::WholeCircle), WARM).is_empty());
}

#[test]
fn nobody_outside_the_circle_hears_anything() {
    // A removed member no longer hears of requests.
    let mut history = base();
    history.push(CircleEvent::MemberRemoved {
        person: WARM,
        by: COORD,
        at: now(),
    });
    let n = after(
        &history,
        requested(id(51), Category::Groceries, COORD),
        COORD,
    );
    assert!(recipients(&n).is_empty(), "{n:?}");
}

#[test]
fn nobody_hears_of_what_has_already_begun() {
    let request: RequestId = id(52);
    let past = CircleEvent::HelpRequested {
        request,
        category: Category::Groceries,
        window: TimeWindow::new(now() - Duration::hours(2), now() - Duration::hours(1)).unwrap(),
        duration: mins(60),
        details: sealed(COORD, "boodschappen"),
        asked_by: COORD,
        on_behalf_of_focus: false,
    };
    assert!(after(&base(), past, COORD).is_empty());
}

#[test]
fn coordinators_hear_who_looked_weekly_by_default() {
    let looked = CircleEvent::IntermediaryLooked {
        organisation: ORG,
        person: SOCIAL_WORKER,
        scope: ConsentScope::Signals,
        what: Looked::Dashboard,
        at: now(),
    };
    let n = after(&base(), looked, SOCIAL_WORKER);
    assert_eq!(recipients(&n), vec![COORD]);
    assert_eq!(
        n[0].about,
        About::Looked {
            organisation: ORG,
            at: now()
        }
    );
    assert_eq!(n[0].about.topic(), Topic::Looks);
    let settings = kring_notify::schedule::MailSettings::default();
    assert_eq!(
        settings.delivery(CIRCLE, Topic::Looks),
        kring_notify::schedule::Delivery::Weekly
    );
}

// ---- the marketplace

/// A groceries request of WARM on ORG's marketplace, with VOLUNTEER proposed.
fn proposed() -> (Vec<CircleEvent>, CircleEvent) {
    let request: RequestId = id(80);
    let mut history = base();
    history.extend([
        CircleEvent::ConsentGranted {
            organisation: ORG,
            scope: ConsentScope::Signals,
            from: now() - Duration::days(1),
            by: COORD,
        },
        requested(request, Category::Groceries, WARM),
        widened(request, Ring::Cold),
        CircleEvent::RequestListed {
            request,
            organisation: ORG,
            summary: sealed(COORD, "Boodschappen"),
            by: COORD,
        },
    ]);
    let proposal = CircleEvent::VolunteerProposed {
        request,
        organisation: ORG,
        volunteer: VOLUNTEER,
        note: None,
        by: SOCIAL_WORKER,
    };
    (history, proposal)
}

#[test]
fn the_coordinators_hear_of_a_proposed_volunteer_and_no_one_else() {
    let (history, proposal) = proposed();
    let sent = after(&history, proposal, SOCIAL_WORKER);
    assert_eq!(recipients(&sent), vec![COORD]);
    assert!(matches!(
        sent[0].about,
        About::VolunteerProposed {
            category: Category::Groceries,
            ..
        }
    ));
    assert_eq!(sent[0].about.topic(), Topic::Coordination);
}

#[test]
fn an_accepted_volunteer_hears_they_are_in_the_circle_and_an_invited_one_does_not() {
    let (mut history, proposal) = proposed();
    let request: RequestId = id(80);
    history.extend([
        proposal,
        CircleEvent::VolunteerAccepted {
            request,
            volunteer: VOLUNTEER,
            by: COORD,
        },
    ]);
    let joined = CircleEvent::MemberJoined {
        invitation: id(81),
        person: VOLUNTEER,
        ring: Ring::Cold,
        coordinator: false,
        task: Some(request),
    };
    let sent = after(&history, joined.clone(), COORD);
    let to_volunteer: Vec<&Notice> = sent.iter().filter(|n| n.recipient == VOLUNTEER).collect();
    assert_eq!(to_volunteer.len(), 1, "{sent:?}");
    assert!(matches!(
        to_volunteer[0].about,
        About::VolunteerAccepted { .. }
    ));
    assert_eq!(to_volunteer[0].about.topic(), Topic::MyRequests);
    // Joining through an invitation link (no accepted proposal): no such notice.
    let (history, _) = proposed();
    let sent = after(&history, joined, VOLUNTEER);
    assert!(sent
        .iter()
        .all(|n| !matches!(n.about, About::VolunteerAccepted { .. })));
}

/// VOLUNTEER did `tasks` grocery runs the family accepted, leaving after each;
/// the last one is taken but not yet done. Answers the history and the done event.
fn helping(tasks: u128) -> (Vec<CircleEvent>, CircleEvent) {
    let mut history = base();
    history.push(CircleEvent::ConsentGranted {
        organisation: ORG,
        scope: ConsentScope::Signals,
        from: now() - Duration::days(1),
        by: COORD,
    });
    let mut last = None;
    for n in 0..tasks {
        let request: RequestId = id(90 + n);
        history.extend([
            requested(request, Category::Groceries, WARM),
            widened(request, Ring::Cold),
            CircleEvent::RequestListed {
                request,
                organisation: ORG,
                summary: sealed(COORD, "Boodschappen"),
                by: COORD,
            },
            CircleEvent::VolunteerProposed {
                request,
                organisation: ORG,
                volunteer: VOLUNTEER,
                note: None,
                by: SOCIAL_WORKER,
            },
            CircleEvent::VolunteerAccepted {
                request,
                volunteer: VOLUNTEER,
                by: COORD,
            },
            CircleEvent::MemberJoined {
                invitation: id(190 + n),
                person: VOLUNTEER,
                ring: Ring::Cold,
                coordinator: false,
                task: Some(request),
            },
            CircleEvent::RequestTaken {
                request,
                by: VOLUNTEER,
            },
        ]);
        let done = CircleEvent::RequestDone {
            request,
            by: VOLUNTEER,
        };
        if n + 1 < tasks {
            history.push(done);
            history.push(CircleEvent::MemberLeft {
                person: VOLUNTEER,
                at: now(),
            });
        } else {
            last = Some(done);
        }
    }
    (history, last.expect("at least one task"))
}

#[test]
fn the_coordinators_hear_once_that_a_volunteer_helped_three_times() {
    let (history, third) = helping(3);
    let sent = after(&history, third, VOLUNTEER);
    let often: Vec<Notice> = sent
        .into_iter()
        .filter(|n| matches!(n.about, About::HelpedOften { .. }))
        .collect();
    assert_eq!(recipients(&often), vec![COORD]);
    assert_eq!(often[0].about.topic(), Topic::Coordination);
    // The second task: not yet.
    let (history, second) = helping(2);
    assert!(after(&history, second, VOLUNTEER)
        .iter()
        .all(|n| !matches!(n.about, About::HelpedOften { .. })));
}

#[test]
fn a_volunteer_outside_the_circle_hears_a_place_is_offered_and_no_one_else() {
    let (mut history, third) = helping(3);
    history.extend([
        third,
        CircleEvent::MemberLeft {
            person: VOLUNTEER,
            at: now(),
        },
    ]);
    let offered = CircleEvent::PlaceOffered {
        volunteer: VOLUNTEER,
        invitation: id(199),
        by: COORD,
    };
    let sent = after(&history, offered, COORD);
    assert_eq!(recipients(&sent), vec![VOLUNTEER]);
    assert_eq!(sent[0].about, About::PlaceOffered);
    assert!(sent[0].about.for_outsider());
}

#[test]
fn every_member_but_the_coordinator_hears_the_circle_paused_resumed_or_ended() {
    let mut history = base();
    let paused = CircleEvent::CirclePaused {
        by: COORD,
        at: now(),
        message: Some(sealed(COORD, "Mam ligt in het ziekenhuis")),
    };
    let sent = after(&history, paused.clone(), COORD);
    let mut everyone_else = vec![FOCUS, WARM, LUKEWARM];
    everyone_else.sort();
    assert_eq!(recipients(&sent), everyone_else);
    assert!(sent.iter().all(|n| n.about == About::CirclePaused));
    assert!(sent.iter().all(|n| n.about.topic() == Topic::CircleLife));
    history.push(paused);
    let resumed = CircleEvent::CircleResumed {
        by: COORD,
        at: now(),
    };
    assert_eq!(recipients(&after(&history, resumed, COORD)), everyone_else);
    let ended = CircleEvent::CircleEnded {
        reason: EndReason::Died,
        message: None,
        by: COORD,
        at: now(),
    };
    let sent = after(&history, ended, COORD);
    assert_eq!(recipients(&sent), everyone_else);
    assert!(sent.iter().all(|n| n.about
        == About::CircleEnded {
            reason: EndReason::Died
        }));
    // A stranger, or someone who left, hears nothing.
    assert!(!recipients(&sent).contains(&STRANGER));
}

#[test]
fn those_on_a_cancelled_date_hear_of_it_and_no_one_else() {
    let shift: ShiftId = id(300);
    let saturday = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let next = saturday + Duration::days(7);
    let mut history = base();
    history.extend([
        CircleEvent::ShiftScheduled {
            shift,
            title: sealed(COORD, "Koffie met mam"),
            starts: local(saturday, 10),
            duration: mins(90),
            recurrence: Recurrence::Weekly { until: None },
            helpers_needed: 2,
            rings: vec![Ring::Warm, Ring::Lukewarm],
            by: COORD,
        },
        CircleEvent::ShiftClaimed {
            shift,
            date: saturday,
            by: WARM,
        },
        CircleEvent::ShiftClaimed {
            shift,
            date: next,
            by: LUKEWARM,
        },
    ]);
    let skipped = CircleEvent::ShiftDateSkipped {
        shift,
        date: saturday,
        by: COORD,
    };
    let sent = after(&history, skipped, COORD);
    assert_eq!(recipients(&sent), vec![WARM]);
    assert!(matches!(sent[0].about, About::ShiftCancelled { date, .. } if date == saturday));
    assert_eq!(sent[0].about.topic(), Topic::Swaps);
    let ended = CircleEvent::ShiftSeriesEnded {
        shift,
        from: next,
        by: COORD,
    };
    let sent = after(&history, ended, COORD);
    assert_eq!(recipients(&sent), vec![LUKEWARM]);
    assert!(matches!(sent[0].about, About::ShiftCancelled { date, .. } if date == next));

    // Another time for one date: whoever is on it hears the old and new start.
    let moved = CircleEvent::ShiftDateChanged {
        shift,
        date: saturday,
        time: chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
        duration: mins(60),
        by: COORD,
    };
    let sent = after(&history, moved, COORD);
    assert_eq!(recipients(&sent), vec![WARM]);
    let About::ShiftChanged {
        was,
        starts,
        minutes,
        ..
    } = sent[0].about
    else {
        panic!("{:?}", sent[0].about);
    };
    assert_eq!(starts - was, Duration::hours(4));
    assert_eq!(minutes, 60);
    assert_eq!(sent[0].about.topic(), Topic::Swaps);
    // The series from the next date: those on later dates; a change that
    // changes nothing for a date tells nobody.
    let series = |minutes| CircleEvent::ShiftSeriesChanged {
        shift,
        from: next,
        time: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        duration: mins(minutes),
        by: COORD,
    };
    let sent = after(&history, series(60), COORD);
    assert_eq!(recipients(&sent), vec![LUKEWARM]);
    assert!(after(&history, series(90), COORD).is_empty());
}

#[test]
fn the_member_asked_to_coordinate_hears_it_and_the_asker_hears_the_answer() {
    let offered = CircleEvent::CoordinationOffered {
        to: WARM,
        by: COORD,
    };
    let sent = after(&base(), offered.clone(), COORD);
    assert_eq!(recipients(&sent), vec![WARM]);
    assert_eq!(sent[0].about, About::CoordinationOffered);
    let mut history = base();
    history.push(offered);
    for accepted in [true, false] {
        let answered = CircleEvent::CoordinationAnswered { to: WARM, accepted };
        let sent = after(&history, answered, WARM);
        assert_eq!(recipients(&sent), vec![COORD]);
        assert_eq!(sent[0].about, About::CoordinationAnswered { accepted });
    }
}

#[test]
fn the_familys_coordinators_hear_that_the_circle_is_handed_over_to_them() {
    // Set up by the social worker, who appointed the warm member.
    let mut history = vec![
        CircleEvent::CircleCreated {
            circle: CIRCLE,
            focus: FOCUS,
            focus_name: sealed(FOCUS, "Mam"),
            coordinator: SOCIAL_WORKER,
            time_zone: "Europe/Amsterdam".into(),
            at: now(),
        },
        CircleEvent::CircleSetUp {
            organisation: ORG,
            by: SOCIAL_WORKER,
        },
        joined(WARM, Ring::Warm),
        CircleEvent::CoordinatorAppointed {
            person: WARM,
            by: SOCIAL_WORKER,
        },
    ];
    let handed = CircleEvent::CircleHandedOver {
        organisation: ORG,
        from: SOCIAL_WORKER,
        to: WARM,
    };
    let sent = after(&history, handed.clone(), SOCIAL_WORKER);
    assert_eq!(recipients(&sent), vec![WARM]);
    assert_eq!(sent[0].about, About::HandedOver);
    assert_eq!(sent[0].about.topic(), Topic::Coordination);
    history.push(handed);
    assert!(circle_of(&history).set_up_by.is_none());
}
