//! Signals once per crossing, on both backends: a circle built through its
//! commands, its views projected, then ticks. Coordinators hear of a member
//! over capacity once per crossing; an organisation's intermediaries hear of
//! a consenting circle crossing its thresholds, and each such mail is on the
//! circle's record as a look.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kring_app::{Commands, Vault};
use kring_domain::*;
use kring_notify::links::LinkKeys;
use kring_notify::notices::{About, ThresholdSignal};
use kring_notify::schedule::Language;
use kring_notify::signals::Signals;
use kring_notify::text::{notice, Context};
use kring_store::{OutboxRow, Store, StreamName};
use kring_testkit::{on_both_backends, TestLog};
use kring_views::Projector;
use uuid::Uuid;

on_both_backends!(
    World::new =>
    coordinators_hear_of_a_member_over_capacity_once_per_crossing,
    intermediaries_hear_of_a_crossed_threshold_once_and_it_is_a_look,
    a_silent_circle_is_heard_of_once_its_days_have_passed,
    a_carer_at_risk_is_heard_of_by_coordinators_and_an_organisation_that_asked,
);

/// The domain's clock: Monday 1 March 2027, 09:00 in Amsterdam (UTC+1).
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap()
}

/// The shift's date: Tuesday 2 March, 10:00 local, 90 minutes, 3 helpers.
fn tuesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 2).unwrap()
}

struct World {
    test: TestLog,
    commands: Commands,
    vault: Vault,
    links: LinkKeys,
    circle: CircleId,
    coordinator: PersonId,
    shift: ShiftId,
}

impl World {
    async fn new(test: TestLog) -> World {
        let w = World {
            commands: Commands::new(test.log.clone(), Services::at(t0())),
            vault: Vault::new(test.log.clone()),
            links: LinkKeys::new(b"a server secret of the test, 32b"),
            circle: CircleId(Uuid::new_v4()),
            coordinator: PersonId(Uuid::new_v4()),
            shift: ShiftId(Uuid::new_v4()),
            test,
        };
        let focus = PersonId(Uuid::new_v4());
        let focus_name = w.vault.seal(focus, "Mam").await.unwrap();
        w.run(
            w.coordinator,
            Action::CreateCircle {
                circle: w.circle,
                focus,
                focus_name,
                time_zone: "Europe/Amsterdam".into(),
                plan: vec![],
            },
        )
        .await;
        let title = w.vault.seal(w.coordinator, "Koken").await.unwrap();
        w.run(
            w.coordinator,
            Action::ScheduleShift {
                shift: w.shift,
                title,
                starts: tuesday().and_hms_opt(10, 0, 0).unwrap(),
                duration: Minutes::new(90).unwrap(),
                recurrence: Recurrence::Once,
                helpers_needed: 3,
                rings: vec![Ring::Warm],
            },
        )
        .await;
        w
    }

    fn store(&self) -> &Arc<dyn Store> {
        &self.test.log
    }

    async fn run(&self, actor: PersonId, action: Action) -> u64 {
        let command = CircleCommand {
            actor: Actor::person(actor),
            action,
        };
        let metadata = kring_store::metadata::of(actor.0, None);
        self.commands
            .circle(self.circle, command, metadata)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    async fn admit(&self) -> PersonId {
        let person = PersonId(Uuid::new_v4());
        let invitation = InvitationId(Uuid::new_v4());
        let token_hash = format!("{:064x}", Uuid::new_v4().as_u128());
        self.run(
            self.coordinator,
            Action::Invite {
                invitation,
                ring: Ring::Warm,
                role: InvitedAs::Member,
                task: None,
                token_hash: token_hash.clone(),
                expires_at: t0() + Duration::days(7),
            },
        )
        .await;
        self.run(
            person,
            Action::AcceptInvitation {
                invitation,
                token_hash,
                focus_name: None,
            },
        )
        .await;
        person
    }

    async fn claim(&self, person: PersonId) {
        let action = Action::ClaimShift {
            shift: self.shift,
            date: tuesday(),
        };
        self.run(person, action).await;
    }

    /// `person` says they can give one hour a week.
    async fn offer_an_hour(&self, person: PersonId) -> OfferId {
        let offer = OfferId(Uuid::new_v4());
        let action = Action::MakeOffer {
            offer,
            will: vec![Category::Visit],
            wont: vec![],
            capacity: Capacity::HoursPerWeek(1),
            note: None,
        };
        self.run(person, action).await;
        offer
    }

    /// An organisation of `intermediaries` (the first registers it) with these thresholds.
    async fn organisation(
        &self,
        intermediaries: &[PersonId],
        thresholds: Thresholds,
    ) -> OrganisationId {
        let id = OrganisationId(Uuid::new_v4());
        let first = intermediaries[0];
        let mut actions = vec![OrganisationAction::Register {
            organisation: id,
            name: "Buurtzorg".into(),
        }];
        for person in &intermediaries[1..] {
            actions.push(OrganisationAction::AddIntermediary { person: *person });
        }
        if thresholds != Thresholds::default() {
            actions.push(OrganisationAction::SetThresholds { thresholds });
        }
        for action in actions {
            let command = OrganisationCommand {
                actor: first,
                action,
            };
            self.commands.organisation(id, command).await.unwrap();
        }
        id
    }

    async fn consent(&self, organisation: OrganisationId, scope: ConsentScope) {
        let action = Action::GrantConsent {
            organisation,
            scope,
            from: t0(),
        };
        self.run(self.coordinator, action).await;
    }

    async fn project(&self) {
        let mut projector = Projector::open(self.store().clone()).await.unwrap();
        projector.catch_up(|_| {}).await.unwrap();
    }

    /// The stored signals of the circle as if none had turned on (their
    /// episodes kept): what a crash between queueing and storing leaves.
    async fn forget_that_signals_are_on(&self) {
        let key = self.circle.0.to_string();
        let row = self
            .store()
            .load_view("signals", &key)
            .await
            .unwrap()
            .unwrap();
        let mut body: serde_json::Value = serde_json::from_str(&row.body).unwrap();
        for crossing in body["signals"].as_object_mut().unwrap().values_mut() {
            crossing["on"] = false.into();
        }
        let row = kring_store::ViewRow {
            version: row.version + 1,
            body: body.to_string(),
            ..row
        };
        let at = self.store().load_checkpoint("signals").await.unwrap();
        self.store()
            .commit_views("signals", at, &[row])
            .await
            .unwrap();
    }

    fn signals(&self) -> Signals {
        Signals::with_services(self.store().clone(), self.links.clone(), Services::at(t0()))
    }

    async fn outbox(&self, person: PersonId) -> Vec<OutboxRow> {
        self.store().outbox_of(person.0).await.unwrap()
    }

    /// The looks by mail on the circle's record: who, of which organisation.
    async fn looks_by_mail(&self) -> Vec<(PersonId, OrganisationId, ConsentScope)> {
        let stream = StreamName::circle(self.circle.0).to_string();
        let events = self.store().read_stream(&stream, 1, 10_000).await.unwrap();
        let upcasters = upcasters::all();
        events
            .iter()
            .filter_map(|e| kring_views::decode(&upcasters, e).unwrap())
            .filter_map(|(_, event)| match event {
                CircleEvent::IntermediaryLooked {
                    person,
                    organisation,
                    scope,
                    what: Looked::SignalsMail,
                    ..
                } => Some((person, organisation, scope)),
                _ => None,
            })
            .collect()
    }
}

fn about(row: &OutboxRow) -> About {
    serde_json::from_str(&row.message.body).unwrap()
}

async fn coordinators_hear_of_a_member_over_capacity_once_per_crossing(w: World) {
    let second = w.admit().await;
    w.run(w.coordinator, Action::AppointCoordinator { person: second })
        .await;
    let helper = w.admit().await;
    let offer = w.offer_an_hour(helper).await;
    // 90 minutes this week against one hour offered: over capacity.
    w.claim(helper).await;
    w.project().await;

    let mut signals = w.signals();
    assert_eq!(signals.tick(t0()).await.unwrap(), 2, "one per coordinator");
    for coordinator in [w.coordinator, second] {
        let rows = w.outbox(coordinator).await;
        assert_eq!(rows.len(), 1);
        let m = &rows[0].message;
        assert_eq!(m.kind, "member-over-capacity");
        assert_eq!(about(&rows[0]), About::MemberOverCapacity);
        assert_eq!(m.circle, Some(w.circle.0));
        assert!(
            m.dedupe_key
                .starts_with(&format!("signal:{}:over-capacity:", w.circle.0))
                && m.dedupe_key.ends_with(&format!(":{coordinator}")),
            "{}",
            m.dedupe_key
        );
        // No name, no figure: only the signal.
        assert!(!m.body.contains(&helper.to_string()), "{}", m.body);
    }
    assert!(w.outbox(helper).await.is_empty(), "not the member themself");

    // Again, and after a restart: nothing.
    assert_eq!(signals.tick(t0() + Duration::minutes(5)).await.unwrap(), 0);
    let mut restarted =
        Signals::with_services(w.test.reopen().await, w.links.clone(), Services::at(t0()));
    assert_eq!(
        restarted.tick(t0() + Duration::minutes(10)).await.unwrap(),
        0
    );
    assert_eq!(w.outbox(w.coordinator).await.len(), 1);

    // The offer withdrawn: no capacity said, so not over it. Off, silently.
    w.run(helper, Action::WithdrawOffer { offer }).await;
    w.project().await;
    assert_eq!(
        restarted.tick(t0() + Duration::minutes(15)).await.unwrap(),
        0
    );
    // Offered again: over capacity again, a new crossing, one more each.
    w.offer_an_hour(helper).await;
    w.project().await;
    assert_eq!(
        restarted.tick(t0() + Duration::minutes(20)).await.unwrap(),
        2
    );
    assert_eq!(
        restarted.tick(t0() + Duration::minutes(25)).await.unwrap(),
        0
    );
    for coordinator in [w.coordinator, second] {
        let rows = w.outbox(coordinator).await;
        assert_eq!(rows.len(), 2);
        assert_ne!(rows[0].message.dedupe_key, rows[1].message.dedupe_key);
        assert!(rows
            .iter()
            .all(|r| r.message.kind == "member-over-capacity"));
    }
}

async fn intermediaries_hear_of_a_crossed_threshold_once_and_it_is_a_look(w: World) {
    // One helper on the shift of three: two open places in the next 7 days.
    let helper = w.admit().await;
    w.claim(helper).await;
    let person = || PersonId(Uuid::new_v4());
    let (full_1, full_2, signals_only, no_threshold, no_consent, too_high) =
        (person(), person(), person(), person(), person(), person());
    let two = Thresholds {
        open_places: 2,
        ..Thresholds::default()
    };
    let full = w.organisation(&[full_1, full_2], two).await;
    let signals_org = w.organisation(&[signals_only], two).await;
    let quiet = w.organisation(&[no_threshold], Thresholds::default()).await;
    w.organisation(&[no_consent], two).await;
    let three = Thresholds {
        open_places: 3,
        carer_at_risk: true,
        silent_days: 14,
    };
    let high = w.organisation(&[too_high], three).await;
    w.consent(full, ConsentScope::Full).await;
    w.consent(signals_org, ConsentScope::Signals).await;
    w.consent(quiet, ConsentScope::Full).await;
    w.consent(high, ConsentScope::Signals).await;
    w.project().await;

    let mut signals = w.signals();
    assert_eq!(signals.tick(t0()).await.unwrap(), 3);
    let crossed = |organisation, named| About::Threshold {
        organisation,
        signal: ThresholdSignal::OpenPlaces { at_least: 2 },
        named,
    };
    for (intermediary, organisation, named) in [
        (full_1, full, true),
        (full_2, full, true),
        (signals_only, signals_org, false),
    ] {
        let rows = w.outbox(intermediary).await;
        assert_eq!(rows.len(), 1, "one notice for {intermediary}");
        assert_eq!(rows[0].message.kind, "threshold");
        assert_eq!(about(&rows[0]), crossed(organisation, named));
        assert!(rows[0]
            .message
            .dedupe_key
            .ends_with(&format!(":{intermediary}")));
    }
    for nobody in [no_threshold, no_consent, too_high] {
        assert!(w.outbox(nobody).await.is_empty(), "nothing for {nobody}");
    }
    // Each mail is a look on the circle's record, with the consent it was under.
    let mut looks = w.looks_by_mail().await;
    looks.sort_by_key(|(p, ..)| p.0);
    let mut expected = vec![
        (full_1, full, ConsentScope::Full),
        (full_2, full, ConsentScope::Full),
        (signals_only, signals_org, ConsentScope::Signals),
    ];
    expected.sort_by_key(|(p, ..)| p.0);
    assert_eq!(looks, expected);

    // A crash after the mails were queued and before "on" was stored: the
    // stored state is as before, the next tick queues the same keys again,
    // and nothing doubles: no mail, no look.
    w.forget_that_signals_are_on().await;
    assert_eq!(signals.tick(t0() + Duration::minutes(1)).await.unwrap(), 0);
    for intermediary in [full_1, full_2, signals_only] {
        assert_eq!(w.outbox(intermediary).await.len(), 1);
    }
    assert_eq!(w.looks_by_mail().await.len(), 3);

    // Once per crossing: a second tick queues nothing and records no look.
    assert_eq!(signals.tick(t0() + Duration::minutes(5)).await.unwrap(), 0);
    assert_eq!(w.looks_by_mail().await.len(), 3);

    // A second helper: one open place, under the threshold; off, silently.
    let second = w.admit().await;
    w.claim(second).await;
    w.project().await;
    assert_eq!(signals.tick(t0() + Duration::minutes(10)).await.unwrap(), 0);
    // They step back: two open places again, a new crossing: one more each,
    // and one more look each.
    let reason = w.vault.seal(second, "Ik kan niet").await.unwrap();
    let release = Action::ReleaseShift {
        shift: w.shift,
        date: tuesday(),
        reason,
    };
    w.run(second, release).await;
    w.project().await;
    assert_eq!(signals.tick(t0() + Duration::minutes(15)).await.unwrap(), 3);
    assert_eq!(signals.tick(t0() + Duration::minutes(20)).await.unwrap(), 0);
    for intermediary in [full_1, full_2, signals_only] {
        assert_eq!(w.outbox(intermediary).await.len(), 2);
    }
    assert_eq!(w.looks_by_mail().await.len(), 6);

    // Consent revoked: nothing more, even when it crosses again.
    w.run(
        w.coordinator,
        Action::RevokeConsent {
            organisation: signals_org,
        },
    )
    .await;
    w.claim(second).await;
    w.project().await;
    signals.tick(t0() + Duration::minutes(25)).await.unwrap();
    let reason = w.vault.seal(second, "Toch niet").await.unwrap();
    let release = Action::ReleaseShift {
        shift: w.shift,
        date: tuesday(),
        reason,
    };
    w.run(second, release).await;
    w.project().await;
    assert_eq!(signals.tick(t0() + Duration::minutes(30)).await.unwrap(), 2);
    assert_eq!(w.outbox(signals_only).await.len(), 2);
    assert_eq!(w.looks_by_mail().await.len(), 8);

    // Under `signals` consent the mail says "a circle", never the name.
    let words = |about: &About, focus_name: &str, language| {
        let ctx = Context {
            language,
            focus_name,
            zone: chrono_tz::Europe::Amsterdam,
            circle_url: "https://kring.test/organisations/1",
            settings_url: "https://kring.test/me/mail",
            organisations: &std::collections::BTreeMap::new(),
        };
        notice(about, &ctx, &[])
    };
    let nl = words(&crossed(signals_org, false), "", Language::Nl);
    assert!(
        nl.subject
            .starts_with("Een kring: in de komende 7 dagen zijn er 2 of meer open plekken"),
        "{}",
        nl.subject
    );
    let en = words(&crossed(full, true), "Mam", Language::En);
    assert!(
        en.text
            .contains("Mam's circle: in the next 7 days the rota has 2 or more open places."),
        "{}",
        en.text
    );
    assert!(en.text.contains("your organisation chose this threshold"));
}

async fn a_silent_circle_is_heard_of_once_its_days_have_passed(w: World) {
    let text = w.vault.seal(w.coordinator, "Rustige dag").await.unwrap();
    let entry = Action::WriteLogbookEntry {
        entry: EntryId(Uuid::new_v4()),
        visibility: Visibility::WholeCircle,
        text,
    };
    w.run(w.coordinator, entry).await;
    let intermediary = PersonId(Uuid::new_v4());
    // The view dates an entry by when it was stored (the wall clock), and the
    // consent runs from the domain's t0: a silence long enough to reach past both.
    let silence = Thresholds {
        silent_days: 200,
        ..Thresholds::default()
    };
    let organisation = w.organisation(&[intermediary], silence).await;
    w.consent(organisation, ConsentScope::Signals).await;
    w.project().await;
    let view = kring_views::load(w.store().as_ref(), w.circle)
        .await
        .unwrap()
        .unwrap();
    let written = view.last_entry_at.unwrap();
    assert!(written + Duration::days(199) > t0());
    let mut signals = w.signals();
    let early = signals.tick(written + Duration::days(199)).await.unwrap();
    assert_eq!(early, 0, "not silent long enough yet");
    assert_eq!(
        signals.tick(written + Duration::days(200)).await.unwrap(),
        1
    );
    assert_eq!(
        signals.tick(written + Duration::days(230)).await.unwrap(),
        0
    );
    let rows = w.outbox(intermediary).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        about(&rows[0]),
        About::Threshold {
            organisation,
            signal: ThresholdSignal::Silence { days: 200 },
            named: false,
        }
    );
    // The body says which signal, nothing of what was written.
    assert!(!rows[0].message.body.contains("Rustige"));
    assert_eq!(w.looks_by_mail().await.len(), 1);
}

async fn a_carer_at_risk_is_heard_of_by_coordinators_and_an_organisation_that_asked(w: World) {
    let carer = w.admit().await;
    w.admit().await;
    // Two weeks before t0 a weekly shift on Mondays, which the carer takes
    // three weeks running: all of the help, three weeks long.
    let early = Commands::new(w.test.log.clone(), Services::at(t0() - Duration::days(15)));
    let weekly = ShiftId(Uuid::new_v4());
    let first = NaiveDate::from_ymd_opt(2027, 2, 15).unwrap();
    let title = w.vault.seal(w.coordinator, "Boodschappen").await.unwrap();
    let mut steps = vec![(
        w.coordinator,
        Action::ScheduleShift {
            shift: weekly,
            title,
            starts: first.and_hms_opt(10, 0, 0).unwrap(),
            duration: Minutes::new(120).unwrap(),
            recurrence: Recurrence::Weekly { until: None },
            helpers_needed: 1,
            rings: vec![Ring::Warm],
        },
    )];
    for week in 0..3 {
        let date = first + Duration::days(7 * week);
        steps.push((
            carer,
            Action::ClaimShift {
                shift: weekly,
                date,
            },
        ));
    }
    for (actor, action) in steps {
        let command = CircleCommand {
            actor: Actor::person(actor),
            action,
        };
        let metadata = kring_store::metadata::of(actor.0, None);
        early.circle(w.circle, command, metadata).await.unwrap();
    }
    let intermediary = PersonId(Uuid::new_v4());
    let asked = Thresholds {
        carer_at_risk: true,
        ..Thresholds::default()
    };
    let organisation = w.organisation(&[intermediary], asked).await;
    w.consent(organisation, ConsentScope::Full).await;
    w.project().await;

    let mut signals = w.signals();
    assert_eq!(signals.tick(t0()).await.unwrap(), 2);
    let rows = w.outbox(w.coordinator).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(about(&rows[0]), About::CarerAtRisk);
    assert!(w.outbox(carer).await.is_empty());
    let rows = w.outbox(intermediary).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        about(&rows[0]),
        About::Threshold {
            organisation,
            signal: ThresholdSignal::CarerAtRisk,
            named: true,
        }
    );
    assert_eq!(signals.tick(t0() + Duration::minutes(5)).await.unwrap(), 0);
}
