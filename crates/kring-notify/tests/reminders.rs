//! Reminders on both backends: a circle built through its commands, its views
//! projected, then ticks at chosen moments. What is queued is read back from
//! the outbox: kind, due time, body and dedupe key.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kring_app::{Commands, Vault};
use kring_domain::*;
use kring_notify::links::{token_hash, LinkKeys, Purpose};
use kring_notify::notices::{About, Topic};
use kring_notify::reminders::Reminders;
use kring_notify::schedule::{Delivery, MailSettings};
use kring_notify::settings;
use kring_store::{OutboxRow, Store};
use kring_testkit::{on_both_backends, TestLog};
use kring_views::Projector;
use uuid::Uuid;

on_both_backends!(
    World::new =>
    a_shift_is_reminded_the_evening_before_and_hours_before_once_each,
    a_shift_released_before_its_reminder_time_gets_none,
    someone_who_turned_reminders_off_gets_none,
    a_late_claim_hears_once_not_twice,
    a_request_someone_took_is_reminded,
    coordinators_hear_of_open_places_and_unanswered_requests_once,
    an_unanswered_swap_is_brought_back_a_day_before_once,
    a_paused_circles_shift_is_not_reminded,
);

/// The domain's clock: Monday 1 March 2027, 09:00 in Amsterdam (UTC+1).
fn t0() -> DateTime<Utc> {
    utc(2027, 3, 1, 8, 0)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// The shift's date: Tuesday 2 March, 10:00 local = 09:00 UTC.
fn tuesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 2).unwrap()
}

fn shift_starts() -> DateTime<Utc> {
    utc(2027, 3, 2, 9, 0)
}

/// 19:00 local the evening before.
fn evening_before() -> DateTime<Utc> {
    utc(2027, 3, 1, 18, 0)
}

struct World {
    test: TestLog,
    commands: Commands,
    vault: Vault,
    links: LinkKeys,
    circle: CircleId,
    focus: PersonId,
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
            focus: PersonId(Uuid::new_v4()),
            coordinator: PersonId(Uuid::new_v4()),
            shift: ShiftId(Uuid::new_v4()),
            test,
        };
        let focus_name = w.vault.seal(w.focus, "Mam").await.unwrap();
        w.run(
            w.coordinator,
            Action::CreateCircle {
                circle: w.circle,
                focus: w.focus,
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

    /// Invites and admits a new warm member; returns their id.
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
        self.run(
            person,
            Action::ClaimShift {
                shift: self.shift,
                date: tuesday(),
            },
        )
        .await;
    }

    /// `asker` asks for transport on Tuesday 15:00 local (14:00 UTC).
    async fn request(&self, asker: PersonId, category: Category) -> RequestId {
        let request = RequestId(Uuid::new_v4());
        let start = utc(2027, 3, 2, 14, 0);
        self.run(
            asker,
            Action::RequestHelp {
                request,
                category,
                window: TimeWindow::new(start, start + Duration::hours(2)).unwrap(),
                duration: Minutes::new(60).unwrap(),
                details: self.vault.seal(asker, "Naar het ziekenhuis").await.unwrap(),
                place: None,
                on_behalf_of_focus: true,
            },
        )
        .await;
        request
    }

    /// The projector's views, up to date with the log.
    async fn project(&self) {
        let mut projector = Projector::open(self.store().clone()).await.unwrap();
        projector.catch_up(|_| {}).await.unwrap();
    }

    fn reminders(&self) -> Reminders {
        Reminders::new(self.store().clone(), self.links.clone())
    }

    async fn outbox(&self, person: PersonId) -> Vec<OutboxRow> {
        self.store().outbox_of(person.0).await.unwrap()
    }

    async fn outbox_of_kind(&self, person: PersonId, kind: &str) -> Vec<OutboxRow> {
        let mut rows = self.outbox(person).await;
        rows.retain(|r| r.message.kind == kind);
        rows
    }
}

fn about(row: &OutboxRow) -> About {
    serde_json::from_str(&row.message.body).unwrap()
}

async fn a_shift_is_reminded_the_evening_before_and_hours_before_once_each(w: World) {
    let helper = w.admit().await;
    w.claim(helper).await;
    w.project().await;
    let mut reminders = w.reminders();

    reminders
        .tick(evening_before() - Duration::minutes(1))
        .await
        .unwrap();
    assert!(w.outbox(helper).await.is_empty(), "nothing before its time");

    assert_eq!(reminders.tick(evening_before()).await.unwrap(), 1);
    let rows = w.outbox(helper).await;
    assert_eq!(rows.len(), 1);
    let evening = &rows[0].message;
    assert_eq!(evening.kind, "reminder-shift");
    assert_eq!(evening.due_at, evening_before());
    assert_eq!(evening.batch, "now");
    assert_eq!(evening.circle, Some(w.circle.0));
    assert_eq!(
        evening.dedupe_key,
        format!(
            "reminder:{}:{}:{}:{}:evening",
            w.circle.0,
            w.shift.0,
            tuesday(),
            helper
        )
    );
    assert_eq!(
        about(&rows[0]),
        About::ShiftReminder {
            shift: w.shift,
            date: tuesday(),
            starts: shift_starts(),
        }
    );
    // It carries an unsubscribe link for reminders of this circle.
    let token = w.links.token(evening.id, Purpose::Unsubscribe);
    let link = w.store().link(&token_hash(&token)).await.unwrap().unwrap();
    assert_eq!(link.purpose, "unsubscribe");
    assert_eq!(link.account, helper.0);
    assert!(link.subject.contains("reminders"), "{}", link.subject);

    // Again, and after a restart: nothing more.
    assert_eq!(
        reminders
            .tick(evening_before() + Duration::minutes(1))
            .await
            .unwrap(),
        0
    );
    let mut restarted = Reminders::new(w.test.reopen().await, w.links.clone());
    assert_eq!(
        restarted
            .tick(evening_before() + Duration::minutes(2))
            .await
            .unwrap(),
        0
    );
    assert_eq!(w.outbox(helper).await.len(), 1);

    // Two hours before (08:00 local), the second one.
    let hours_before = shift_starts() - Duration::hours(2);
    restarted
        .tick(hours_before - Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(w.outbox(helper).await.len(), 1);
    assert_eq!(restarted.tick(hours_before).await.unwrap(), 1);
    let rows = w.outbox_of_kind(helper, "reminder-shift").await;
    assert_eq!(rows.len(), 2);
    let hours = rows
        .iter()
        .find(|r| r.message.dedupe_key.ends_with(":hours"))
        .expect("the hours-before reminder");
    assert_eq!(hours.message.due_at, hours_before);
    assert_ne!(hours.message.id, evening.id);

    // Once it has started, nothing.
    assert_eq!(restarted.tick(shift_starts()).await.unwrap(), 0);
    assert_eq!(w.outbox(helper).await.len(), 2);
}

async fn a_shift_released_before_its_reminder_time_gets_none(w: World) {
    let staying = w.admit().await;
    let leaving = w.admit().await;
    w.claim(staying).await;
    w.claim(leaving).await;
    let reason = w.vault.seal(leaving, "Ik ben ziek").await.unwrap();
    w.run(
        leaving,
        Action::ReleaseShift {
            shift: w.shift,
            date: tuesday(),
            reason,
        },
    )
    .await;
    w.project().await;
    let mut reminders = w.reminders();
    reminders.tick(evening_before()).await.unwrap();
    reminders
        .tick(shift_starts() - Duration::hours(2))
        .await
        .unwrap();
    assert!(w.outbox(leaving).await.is_empty());
    assert_eq!(w.outbox(staying).await.len(), 2);
}

async fn someone_who_turned_reminders_off_gets_none(w: World) {
    let off = w.admit().await;
    let evening_only = w.admit().await;
    w.claim(off).await;
    w.claim(evening_only).await;
    let mut settings = MailSettings::default();
    settings.topics.insert(Topic::Reminders, Delivery::Off);
    settings::save(w.store().as_ref(), off.0, &settings)
        .await
        .unwrap();
    let settings = MailSettings {
        remind_hours_before: 0,
        ..MailSettings::default()
    };
    settings::save(w.store().as_ref(), evening_only.0, &settings)
        .await
        .unwrap();
    w.project().await;
    let mut reminders = w.reminders();
    for at in [
        evening_before(),
        shift_starts() - Duration::hours(2),
        shift_starts() - Duration::minutes(1),
    ] {
        reminders.tick(at).await.unwrap();
    }
    assert!(w.outbox(off).await.is_empty());
    let rows = w.outbox(evening_only).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].message.dedupe_key.ends_with(":evening"));
}

async fn a_late_claim_hears_once_not_twice(w: World) {
    let helper = w.admit().await;
    w.claim(helper).await;
    w.project().await;
    // The first tick comes when both reminders are due (say the node was down):
    // only the latest goes, and the earlier one never follows.
    let late = shift_starts() - Duration::minutes(90);
    w.reminders().tick(late).await.unwrap();
    assert_eq!(w.reminders().tick(late).await.unwrap(), 0);
    w.reminders()
        .tick(late + Duration::minutes(1))
        .await
        .unwrap();
    let rows = w.outbox(helper).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].message.dedupe_key.ends_with(":hours"));
    assert_eq!(rows[0].message.due_at, shift_starts() - Duration::hours(2));
}

async fn a_request_someone_took_is_reminded(w: World) {
    let helper = w.admit().await;
    let request = w.request(w.coordinator, Category::Transport).await;
    w.run(helper, Action::TakeRequest { request }).await;
    w.project().await;
    let starts = utc(2027, 3, 2, 14, 0);
    let mut reminders = w.reminders();
    reminders
        .tick(evening_before() - Duration::minutes(1))
        .await
        .unwrap();
    assert!(w.outbox(helper).await.is_empty());
    assert_eq!(reminders.tick(evening_before()).await.unwrap(), 1);
    let rows = w.outbox(helper).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].message.kind, "reminder-request");
    assert_eq!(rows[0].message.due_at, evening_before());
    assert_eq!(
        rows[0].message.dedupe_key,
        format!("reminder:{}:{}:{}:evening", w.circle.0, request.0, helper)
    );
    assert_eq!(
        about(&rows[0]),
        About::RequestReminder {
            request,
            category: Category::Transport,
            starts,
        }
    );
    // The body says what and when, nothing of the details.
    assert!(!rows[0].message.body.contains("ziekenhuis"));
    assert_eq!(
        reminders.tick(starts - Duration::hours(2)).await.unwrap(),
        1
    );
    assert_eq!(w.outbox_of_kind(helper, "reminder-request").await.len(), 2);
    assert_eq!(reminders.tick(starts).await.unwrap(), 0);
}

async fn coordinators_hear_of_open_places_and_unanswered_requests_once(w: World) {
    let helper = w.admit().await;
    w.claim(helper).await;
    let request = w.request(helper, Category::Groceries).await;
    w.project().await;
    let coordinator = w.coordinator;

    // The request was asked when the log recorded it: a day later nobody took it.
    let view = kring_views::load(w.store().as_ref(), w.circle)
        .await
        .unwrap()
        .unwrap();
    let asked = view.requests[&request].requested_at;
    let mut reminders = w.reminders();
    reminders.tick(asked + Duration::hours(23)).await.unwrap();
    assert!(w
        .outbox_of_kind(coordinator, "request-unanswered")
        .await
        .is_empty());
    let a_day_later = asked + Duration::hours(24);
    reminders.tick(a_day_later).await.unwrap();
    w.reminders()
        .tick(a_day_later + Duration::hours(2))
        .await
        .unwrap();
    let unanswered = w.outbox_of_kind(coordinator, "request-unanswered").await;
    assert_eq!(unanswered.len(), 1, "once per request");
    assert_eq!(
        about(&unanswered[0]),
        About::RequestUnanswered {
            request,
            category: Category::Groceries,
            starts: utc(2027, 3, 2, 14, 0),
            can_widen: true,
        }
    );
    let expected_due = MailSettings::default()
        .due(Delivery::Now, a_day_later)
        .unwrap();
    assert_eq!(unanswered[0].message.due_at, expected_due);
    assert!(w
        .outbox_of_kind(helper, "request-unanswered")
        .await
        .is_empty());

    // The shift on Tuesday starts within 48 hours of the domain's Monday morning
    // and has two of its three places open.
    let mut reminders = w.reminders();
    reminders.tick(t0()).await.unwrap();
    reminders.tick(t0() + Duration::minutes(1)).await.unwrap();
    w.reminders().tick(t0() + Duration::hours(1)).await.unwrap();
    let open = w.outbox_of_kind(coordinator, "open-places").await;
    assert_eq!(open.len(), 1, "once per shift date");
    assert_eq!(open[0].message.due_at, t0());
    assert_eq!(
        about(&open[0]),
        About::OpenPlaces {
            shift: w.shift,
            date: tuesday(),
            starts: shift_starts(),
        }
    );
    assert!(
        w.outbox_of_kind(helper, "open-places").await.is_empty(),
        "members who do not coordinate hear nothing of it"
    );
}

#[test]
fn coordinators_notices_read_in_both_languages_with_kind_and_time_only() {
    use kring_notify::schedule::Language;
    use kring_notify::text::{notice, Context};
    let open = About::OpenPlaces {
        shift: ShiftId(Uuid::from_u128(7)),
        date: tuesday(),
        starts: shift_starts(),
    };
    let unanswered = |category, can_widen| About::RequestUnanswered {
        request: RequestId(Uuid::from_u128(8)),
        category,
        starts: utc(2027, 3, 2, 14, 0),
        can_widen,
    };
    let words = |about: &About, language| {
        let ctx = Context {
            language,
            focus_name: "Mam",
            zone: chrono_tz::Europe::Amsterdam,
            circle_url: "https://kring.test/circles/1",
            settings_url: "https://kring.test/me/mail",
            organisations: &std::collections::BTreeMap::new(),
        };
        notice(about, &ctx, &[]).text
    };
    assert!(words(&open, Language::Nl)
        .contains("De dienst van dinsdag 2 maart 10:00 heeft nog open plekken."));
    assert!(words(&open, Language::En)
        .contains("The shift on Tuesday 2 March 10:00 still has open places."));
    let nl = words(&unanswered(Category::Transport, true), Language::Nl);
    assert!(nl.contains("vervoer op dinsdag 2 maart 15:00"), "{nl}");
    assert!(nl.contains("aan meer mensen laten zien"), "{nl}");
    assert!(nl.contains("coördineert"), "{nl}");
    let en = words(&unanswered(Category::Transport, true), Language::En);
    assert!(en.contains("transport on Tuesday 2 March 15:00"), "{en}");
    assert!(en.contains("show it to more people"), "{en}");
    // Personal care is "help", and cannot go wider: no suggestion to widen.
    let en = words(&unanswered(Category::Washing, false), Language::En);
    assert!(en.contains("request for help on"), "{en}");
    assert!(
        !en.contains("more people") && !en.to_lowercase().contains("wash"),
        "{en}"
    );
}

async fn an_unanswered_swap_is_brought_back_a_day_before_once(w: World) {
    let asker = w.admit().await;
    let asked = w.admit().await;
    let answered = w.admit().await;
    w.claim(asker).await;
    w.claim(answered).await;
    for (from, to) in [(asker, asked), (answered, asked)] {
        let swap = SwapId(Uuid::new_v4());
        w.run(
            from,
            Action::ProposeSwap {
                swap,
                shift: w.shift,
                date: tuesday(),
                to,
            },
        )
        .await;
        if from == answered {
            w.run(to, Action::DeclineSwap { swap }).await;
        }
    }
    w.project().await;
    let mut reminders = w.reminders();
    let day_before = shift_starts() - Duration::hours(24);
    reminders
        .tick(day_before - Duration::minutes(1))
        .await
        .unwrap();
    assert!(w.outbox_of_kind(asked, "swap-lapsing").await.is_empty());
    reminders.tick(day_before).await.unwrap();
    let rows = w.outbox_of_kind(asked, "swap-lapsing").await;
    assert_eq!(
        rows.len(),
        1,
        "the open swap only, not the declined one: {rows:?}"
    );
    assert!(
        matches!(about(&rows[0]), About::SwapLapsing { starts, .. } if starts == shift_starts())
    );
    reminders
        .tick(day_before + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(w.outbox_of_kind(asked, "swap-lapsing").await.len(), 1);
}

/// Paused before the evening: no shift takes place, so nobody is reminded
/// (their claim stays, for when the circle resumes).
async fn a_paused_circles_shift_is_not_reminded(w: World) {
    let helper = w.admit().await;
    w.claim(helper).await;
    w.run(w.coordinator, Action::PauseCircle { message: None })
        .await;
    w.project().await;
    let mut reminders = w.reminders();
    reminders.tick(evening_before()).await.unwrap();
    reminders
        .tick(shift_starts() - Duration::hours(2))
        .await
        .unwrap();
    assert!(w.outbox_of_kind(helper, "reminder-shift").await.is_empty());
}
