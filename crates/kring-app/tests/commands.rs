//! The circle's commands written through cqrs-es onto the real log, on both backends.

use std::sync::Arc;

use chrono::{Duration, Utc};
use kring_app::{CommandError, Commands, Forgetter, Opened, Vault};
use kring_domain::*;
use kring_store::{
    verify_all, ExpectedVersion, GlobalCursor, NewEvent, Store, StreamKind, StreamName,
};
use kring_testkit::{on_both_backends, TestLog};
use serde_json::json;
use uuid::Uuid;

struct World {
    test: TestLog,
    commands: Commands,
    vault: Vault,
    circle: CircleId,
    focus: PersonId,
    coordinator: PersonId,
}

impl World {
    async fn new(test: TestLog) -> World {
        let commands = Commands::new(test.log.clone(), Services::system());
        let vault = Vault::new(test.log.clone());
        World {
            test,
            commands,
            vault,
            circle: CircleId(Uuid::new_v4()),
            focus: PersonId(Uuid::new_v4()),
            coordinator: PersonId(Uuid::new_v4()),
        }
    }

    fn log(&self) -> &Arc<dyn Store> {
        &self.test.log
    }

    async fn run(&self, actor: PersonId, action: Action) -> Result<u64, CommandError> {
        let command = CircleCommand {
            actor: Actor::person(actor),
            action,
        };
        let metadata = kring_store::metadata::of(actor.0, None);
        self.commands.circle(self.circle, command, metadata).await
    }

    async fn create(&self) -> u64 {
        let focus_name = self.vault.seal(self.focus, "Mam").await.unwrap();
        self.run(
            self.coordinator,
            Action::CreateCircle {
                circle: self.circle,
                focus: self.focus,
                focus_name,
                time_zone: "Europe/Amsterdam".into(),
                plan: vec![],
            },
        )
        .await
        .unwrap()
    }

    /// Invites and admits a new member; returns their id.
    async fn admit(&self, ring: Ring) -> PersonId {
        let person = PersonId(Uuid::new_v4());
        let invitation = InvitationId(Uuid::new_v4());
        let token_hash = format!("{:064x}", Uuid::new_v4().as_u128());
        self.run(
            self.coordinator,
            Action::Invite {
                invitation,
                ring,
                role: InvitedAs::Member,
                task: None,
                token_hash: token_hash.clone(),
                expires_at: Utc::now() + Duration::days(7),
            },
        )
        .await
        .unwrap();
        self.run(
            person,
            Action::AcceptInvitation {
                invitation,
                token_hash,
                focus_name: None,
            },
        )
        .await
        .unwrap();
        person
    }

    fn stream(&self) -> StreamName {
        StreamName::circle(self.circle.0)
    }

    async fn types(&self) -> Vec<String> {
        self.log()
            .read_stream(&self.stream(), 1, 1000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event_type)
            .collect()
    }
}

on_both_backends!(
    World::new =>
    a_family_journey_lands_in_the_circle_stream,
    a_refused_command_leaves_the_log_as_it_was,
    concurrent_claims_never_overfill_a_shift,
    an_old_event_version_is_read_as_the_new_one,
    a_forgotten_member_leaves_a_consistent_circle,
    a_command_run_again_with_its_seed_is_stored_once,
    an_erased_coordinator_leaves_though_no_projector_ran,
    a_forgotten_volunteer_stops_volunteering,
);

/// Volunteering lives in a stream of its own per organisation and person;
/// forgetting the person ends it, and a second forget changes nothing.
async fn a_forgotten_volunteer_stops_volunteering(w: World) {
    let organisation = OrganisationId(Uuid::new_v4());
    w.commands
        .organisation(
            organisation,
            OrganisationCommand {
                actor: w.coordinator,
                action: OrganisationAction::Register {
                    organisation,
                    name: "Buurtkracht".into(),
                },
            },
        )
        .await
        .unwrap();
    let sanne = PersonId(Uuid::new_v4());
    let volunteer = VolunteerId::of(organisation, sanne);
    let profile = Profile {
        will: [Category::Groceries].into(),
        neighbourhood: Some(Neighbourhood::Postcode(3512)),
        available: [Slot {
            weekday: 5,
            part: PartOfDay::Morning,
        }]
        .into(),
        tasks_per_month: 2,
    };
    let join = VolunteerCommand {
        actor: sanne,
        action: VolunteerAction::Join {
            organisation,
            profile,
        },
    };
    assert_eq!(w.commands.volunteer(volunteer, join).await.unwrap(), 1);
    assert!(w
        .commands
        .volunteer_state(volunteer)
        .await
        .unwrap()
        .may_be_asked());

    let forgetter = Forgetter::open(&w.test.url, &Default::default())
        .await
        .unwrap();
    let erased = forgetter.forget(sanne).await.unwrap();
    assert_eq!(erased.organisations, 1, "{erased:?}");
    let state = w.commands.volunteer_state(volunteer).await.unwrap();
    assert_eq!(state.status, VolunteerStatus::Left);
    assert_eq!(forgetter.forget(sanne).await.unwrap().organisations, 0);
    let stream = StreamName::new(StreamKind::Volunteer, volunteer.0);
    let types: Vec<String> = w
        .log()
        .read_stream(&stream, 1, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(types, ["VolunteerJoined", "VolunteerLeft"]);
}

/// No projector runs here, so the memberships view is empty: the erasure
/// finds the circles in the log itself. The last coordinator leaves too.
async fn an_erased_coordinator_leaves_though_no_projector_ran(w: World) {
    w.create().await;
    let daughter = w.admit(Ring::Warm).await;
    let forgetter = Forgetter::open(&w.test.url, &Default::default())
        .await
        .unwrap();
    for person in [daughter, w.coordinator] {
        let erased = forgetter.forget(person).await.unwrap();
        assert_eq!(erased.circles, 1, "{erased:?}");
        let circle = w.commands.circle_state(w.circle).await.unwrap().unwrap();
        assert!(!circle.members.contains_key(&person));
        assert!(circle.former.contains(&person));
        assert_eq!(forgetter.forget(person).await.unwrap().circles, 0);
    }
    let types = w.types().await;
    assert_eq!(
        types.iter().filter(|t| *t == "MemberLeft").count(),
        2,
        "{types:?}"
    );
    assert!(verify_all(w.log().as_ref()).await.unwrap().is_intact());
}

/// A join committed behind an older, still open transaction is not readable
/// yet when the erasure starts: it waits for it rather than miss the circle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_erasure_waits_for_a_join_still_held_back() {
    let w = World::new(TestLog::postgres().await).await;
    w.create().await;
    let holder = sqlx::PgPool::connect(&w.test.url).await.unwrap();
    let mut open = holder.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *open)
        .await
        .unwrap();
    let daughter = w.admit(Ring::Warm).await;
    let forgetter = Forgetter::open(&w.test.url, &Default::default())
        .await
        .unwrap();
    // The erasure starts while the join is still held back; the holder ends
    // as it runs (whichever comes first, it must find the circle).
    let erasure = tokio::spawn(async move { forgetter.forget(daughter).await });
    tokio::task::yield_now().await;
    open.rollback().await.unwrap();
    let erased = erasure.await.unwrap().unwrap();
    assert_eq!(erased.circles, 1, "{erased:?}");
    let circle = w.commands.circle_state(w.circle).await.unwrap().unwrap();
    assert!(!circle.members.contains_key(&daughter));
}

async fn a_family_journey_lands_in_the_circle_stream(w: World) {
    assert_eq!(w.create().await, 1);
    let daughter = w.admit(Ring::Warm).await;
    let neighbour = w.admit(Ring::Lukewarm).await;
    let request = RequestId(Uuid::new_v4());
    let start = Utc::now() + Duration::days(1);
    w.run(
        daughter,
        Action::RequestHelp {
            request,
            category: Category::Groceries,
            window: TimeWindow::new(start, start + Duration::hours(4)).unwrap(),
            duration: Minutes::new(60).unwrap(),
            details: w
                .vault
                .seal(daughter, "Boodschappen voor mam")
                .await
                .unwrap(),
            place: Some(w.vault.seal(daughter, "Dorpsstraat 1").await.unwrap()),
            on_behalf_of_focus: true,
        },
    )
    .await
    .unwrap();
    w.run(
        w.coordinator,
        Action::WidenRequest {
            request,
            to: Ring::Lukewarm,
        },
    )
    .await
    .unwrap();
    let version = w
        .run(neighbour, Action::TakeRequest { request })
        .await
        .unwrap();

    assert_eq!(
        w.types().await,
        [
            "CircleCreated",
            "InvitationIssued",
            "MemberJoined",
            "InvitationIssued",
            "MemberJoined",
            "HelpRequested",
            "RequestPlaceNoted",
            "RequestWidened",
            "RequestTaken",
        ]
    );
    assert_eq!(version, 9, "a command answers the circle's new version");
    let stored = w.log().read_stream(&w.stream(), 9, 1).await.unwrap();
    assert_eq!(
        stored[0].metadata(),
        &json!({ "actor": neighbour.to_string() })
    );
    assert_eq!(stored[0].schema_version, 1);
    assert!(verify_all(w.log().as_ref()).await.unwrap().is_intact());
}

async fn a_refused_command_leaves_the_log_as_it_was(w: World) {
    w.create().await;
    let stranger = PersonId(Uuid::new_v4());
    let before = w.log().read_all(GlobalCursor::START, 1000).await.unwrap();
    let err = w.run(stranger, Action::Leave).await.unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::Refused(DomainError::Refused(Refusal::NoSuchCircle))
        ),
        "{err:?}"
    );
    let warm = w.admit(Ring::Warm).await;
    let request = RequestId(Uuid::new_v4());
    let start = Utc::now() + Duration::days(1);
    w.run(
        warm,
        Action::RequestHelp {
            request,
            category: Category::Washing,
            window: TimeWindow::new(start, start + Duration::hours(2)).unwrap(),
            duration: Minutes::new(30).unwrap(),
            details: w.vault.seal(warm, "Mam douchen").await.unwrap(),
            place: None,
            on_behalf_of_focus: true,
        },
    )
    .await
    .unwrap();
    let head = w.log().stream_head(&w.stream()).await.unwrap().unwrap();
    let err = w
        .run(
            w.coordinator,
            Action::WidenRequest {
                request,
                to: Ring::Cold,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::Refused(DomainError::Refused(Refusal::PersonalCareIsProfessional))
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("professional care"), "{err}");
    assert_eq!(
        w.log().stream_head(&w.stream()).await.unwrap().unwrap(),
        head,
        "nothing was written"
    );
    assert!(before.len() < head.version as usize);
}

async fn concurrent_claims_never_overfill_a_shift(w: World) {
    w.create().await;
    let mut members = vec![];
    for _ in 0..6 {
        members.push(w.admit(Ring::Warm).await);
    }
    let shift = ShiftId(Uuid::new_v4());
    let date = (Utc::now() + Duration::days(3)).date_naive();
    w.run(
        w.coordinator,
        Action::ScheduleShift {
            shift,
            title: w.vault.seal(w.coordinator, "Koken").await.unwrap(),
            starts: date.and_hms_opt(17, 0, 0).unwrap(),
            duration: Minutes::new(90).unwrap(),
            recurrence: Recurrence::Once,
            helpers_needed: 2,
            rings: vec![Ring::Warm],
        },
    )
    .await
    .unwrap();
    let w = Arc::new(w);
    let claims = members.iter().map(|&m| {
        let w = w.clone();
        async move { w.run(m, Action::ClaimShift { shift, date }).await }
    });
    let outcomes = futures::future::join_all(claims).await;
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(won, 2, "{outcomes:?}");
    for o in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        assert!(
            matches!(
                o,
                CommandError::Refused(e) if e.kind() == RefusalKind::Conflict)
                || matches!(o, CommandError::Busy),
            "{o:?}"
        );
    }
    let claimed = w
        .types()
        .await
        .iter()
        .filter(|t| *t == "ShiftClaimed")
        .count();
    assert_eq!(claimed, 2);
}

async fn an_old_event_version_is_read_as_the_new_one(w: World) {
    w.create().await;
    let entry = EntryId(Uuid::new_v4());
    let text = w
        .vault
        .seal(w.coordinator, "Goede dag gehad")
        .await
        .unwrap();
    // Written by an older Kring: schema version 1 had a boolean instead of a visibility.
    let old = NewEvent {
        schema_version: 1,
        ..NewEvent::new(
            "LogbookEntryWritten",
            json!({ "LogbookEntryWritten": {
                "entry": entry, "author": w.coordinator, "lukewarm_may_read": true, "text": text
            }}),
        )
    };
    w.log()
        .append(&w.stream(), ExpectedVersion::Exact(1), &[old])
        .await
        .unwrap();
    // Loading the circle upcasts the old event; the author can then redact it.
    w.run(w.coordinator, Action::RedactLogbookEntry { entry })
        .await
        .unwrap();
    let err = w
        .run(w.coordinator, Action::RedactLogbookEntry { entry })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CommandError::Refused(e) if e.code() == "entry-already-redacted"),
        "{err:?}"
    );
}

async fn a_forgotten_member_leaves_a_consistent_circle(w: World) {
    w.create().await;
    let daughter = w.admit(Ring::Warm).await;
    let entry = EntryId(Uuid::new_v4());
    let text = w
        .vault
        .seal(daughter, "Mam was vrolijk vandaag")
        .await
        .unwrap();
    w.run(
        daughter,
        Action::WriteLogbookEntry {
            entry,
            visibility: Visibility::WarmOnly,
            text: text.clone(),
        },
    )
    .await
    .unwrap();
    let forgetter = Forgetter::open(&w.test.url, &Default::default())
        .await
        .unwrap();
    assert!(forgetter.forget(daughter).await.unwrap().key);
    assert_eq!(w.vault.open(&text).await.unwrap(), Opened::Forgotten);
    // The circle still loads and works: the forgotten member's events stay in place.
    let warm = w.admit(Ring::Warm).await;
    w.run(
        warm,
        Action::Thank {
            thanks_for: ThanksFor::Entry(entry),
            to: daughter,
            note: None,
        },
    )
    .await
    .unwrap();
    assert!(verify_all(w.log().as_ref()).await.unwrap().is_intact());
}

/// A request with an idempotency key runs its command with a seed: run again
/// (its node died before it answered, and it was decided anew, with another
/// sealed text), it finds its events and answers their version; run at once
/// twice, the log stores one.
async fn a_command_run_again_with_its_seed_is_stored_once(w: World) {
    w.create().await;
    let seed = kring_store::IdSeed::new([3; 32]);
    let entry = EntryId(seed.id("entry"));
    let write = |text: Sealed| CircleCommand {
        actor: Actor::person(w.coordinator),
        action: Action::WriteLogbookEntry {
            entry,
            visibility: Visibility::WarmOnly,
            text,
        },
    };
    let metadata = kring_store::metadata::of(w.coordinator.0, None);
    let first = w.vault.seal(w.coordinator, "Goede dag").await.unwrap();
    let version = w
        .commands
        .circle_once(w.circle, write(first), metadata.clone(), seed)
        .await
        .unwrap();
    let events = w.log().event_count().await.unwrap();
    w.run(w.coordinator, Action::RedactLogbookEntry { entry })
        .await
        .unwrap();
    let again = w.vault.seal(w.coordinator, "Goede dag").await.unwrap();
    let answered = w
        .commands
        .circle_once(w.circle, write(again), metadata.clone(), seed)
        .await
        .unwrap();
    assert_eq!(answered, version, "the version its events were stored at");
    assert_eq!(
        w.log().event_count().await.unwrap(),
        events + 1,
        "only the redaction"
    );
    let stored = w
        .log()
        .read_stream(&StreamName::circle(w.circle.0), version, 1)
        .await
        .unwrap();
    assert_eq!(
        stored[0].event_id,
        seed.event_id(&StreamName::circle(w.circle.0), 0)
    );
    assert!(
        !stored[0]
            .metadata()
            .to_string()
            .contains(kring_store::metadata::IDS_FROM),
        "the seed is never stored"
    );

    // Two runs at once of another request: one entry.
    let seed = kring_store::IdSeed::new([4; 32]);
    let entry = EntryId(seed.id("entry"));
    let runs = (0..4).map(|_| {
        let metadata = metadata.clone();
        let w = &w;
        async move {
            let text = w.vault.seal(w.coordinator, "Samen").await.unwrap();
            let command = CircleCommand {
                actor: Actor::person(w.coordinator),
                action: Action::WriteLogbookEntry {
                    entry,
                    visibility: Visibility::WarmOnly,
                    text,
                },
            };
            w.commands
                .circle_once(w.circle, command, metadata, seed)
                .await
        }
    });
    let before = w.log().event_count().await.unwrap();
    let answers = futures::future::join_all(runs).await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    assert_eq!(w.log().event_count().await.unwrap(), before + 1);
    assert!(verify_all(w.log().as_ref()).await.unwrap().is_intact());
}
