//! From the log to a real SMTP server (aiosmtpd), on both backends: the
//! notifier queues, the sender writes and sends. The exact mails are read back
//! from the server: headers, language, and that no personal text is in them.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kring_app::{Accounts, Commands, EmailLookup, Vault};
use kring_domain::*;
use kring_notify::links::LinkKeys;
use kring_notify::notifier::Notifier;
use kring_notify::schedule::{Delivery, Language, MailSettings};
use kring_notify::sender::{MailSettingsOfServer, Sender, MAX_ATTEMPTS};
use kring_notify::signals::Signals;
use kring_notify::{notices::Topic, settings, Transport};
use kring_store::{OutboxStatus, Store};
use kring_testkit::{on_both_backends, ReceivedMail, SmtpServer, TestLog};
use uuid::Uuid;

on_both_backends!(
    World::new =>
    a_request_reaches_the_ring_in_each_ones_language_without_personal_text,
    an_unproven_address_gets_nothing,
    a_daily_digest_gathers_the_days_notices_into_one_mail,
    quiet_hours_hold_a_mail_until_the_morning,
    a_refusing_server_is_given_up_and_a_busy_one_tried_again,
    a_forgotten_persons_queued_mail_goes_with_them,
    an_intermediary_hears_of_a_crossed_threshold_named_only_under_full_consent,
    a_notice_for_someone_removed_since_is_not_sent,
    the_marketplace_reaches_fitting_volunteers_and_matchmakers_naming_no_circle,
    a_volunteer_whose_tasks_ended_hears_of_a_place_offered,
    an_ended_circle_tells_every_member_without_its_closing_words,
);

const SECRET: &[u8] = b"a server secret of the test, 32 bytes or more";
/// Words the test puts in sealed fields: none may reach a mail.
const PRIVATE: [&str; 3] = ["Apotheek", "Kerkstraat", "hartoperatie"];

/// Tuesday 9 March 2027, 10:00 in Amsterdam: the request's time.
fn starts() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 9, 9, 0, 0).unwrap()
}

struct World {
    test: TestLog,
    commands: Arc<Commands>,
    accounts: Accounts,
    circle: CircleId,
    coordinator: PersonId,
    /// A tag of this test's own in every address: the SMTP server is shared.
    tag: String,
}

impl World {
    async fn new(test: TestLog) -> World {
        let commands = Arc::new(Commands::new(test.log.clone(), Services::system()));
        let accounts = Accounts::new(test.log.clone(), commands.clone(), EmailLookup::new(SECRET));
        let tag = Uuid::new_v4().simple().to_string()[..10].to_owned();
        let mut w = World {
            test,
            commands,
            accounts,
            circle: CircleId(Uuid::new_v4()),
            coordinator: PersonId(Uuid::nil()),
            tag,
        };
        w.coordinator = w.person("sanne", true, Language::Nl).await;
        // Sanne coordinates: what the tests look at is what the members hear.
        let mut hers = settings::settings(w.store().as_ref(), w.coordinator.0)
            .await
            .unwrap();
        hers.topics.insert(Topic::Coordination, Delivery::Off);
        settings::save(w.store().as_ref(), w.coordinator.0, &hers)
            .await
            .unwrap();
        let vault = Vault::new(w.store().clone());
        let focus = PersonId(Uuid::new_v4());
        let focus_name = vault.seal(focus, "Ria").await.unwrap();
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
        w
    }

    fn store(&self) -> &Arc<dyn Store> {
        &self.test.log
    }

    fn address(&self, name: &str) -> String {
        format!("{name}-{}@example.org", self.tag)
    }

    /// An account, its address proven or not, with these settings (no quiet hours).
    async fn person(&self, name: &str, verified: bool, language: Language) -> PersonId {
        let person = self
            .accounts
            .sign_up(name, &self.address(name), "a long enough password")
            .await
            .unwrap();
        if verified {
            let lookup = self.accounts.current_lookup(person).await.unwrap().unwrap();
            self.accounts.verify_email(person, &lookup).await.unwrap();
        }
        let mine = MailSettings {
            language,
            quiet_from: None,
            quiet_until: None,
            ..MailSettings::default()
        };
        settings::save(self.store().as_ref(), person.0, &mine)
            .await
            .unwrap();
        person
    }

    async fn run(&self, actor: PersonId, action: Action) {
        let command = CircleCommand {
            actor: Actor::person(actor),
            action,
        };
        let metadata = kring_store::metadata::of(actor.0, None);
        self.commands
            .circle(self.circle, command, metadata)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A member of the warm ring, invited and admitted.
    async fn member(&self, name: &str, verified: bool, language: Language) -> PersonId {
        let person = self.person(name, verified, language).await;
        let invitation = InvitationId(Uuid::new_v4());
        let token_hash = format!("{:064x}", Uuid::new_v4().as_u128());
        let invite = Action::Invite {
            invitation,
            ring: Ring::Warm,
            role: InvitedAs::Member,
            task: None,
            token_hash: token_hash.clone(),
            expires_at: Utc::now() + Duration::days(7),
        };
        self.run(self.coordinator, invite).await;
        let accept = Action::AcceptInvitation {
            invitation,
            token_hash,
            focus_name: None,
        };
        self.run(person, accept).await;
        person
    }

    /// Sanne asks for a lift, with details and a place nobody may be mailed.
    async fn ask_for_transport(&self) {
        let vault = Vault::new(self.store().clone());
        let details = vault
            .seal(self.coordinator, "Naar de Apotheek na de hartoperatie")
            .await
            .unwrap();
        let place = vault.seal(self.coordinator, "Kerkstraat 12").await.unwrap();
        let action = Action::RequestHelp {
            request: RequestId(Uuid::new_v4()),
            category: Category::Transport,
            window: TimeWindow::new(starts(), starts() + Duration::hours(2)).unwrap(),
            duration: Minutes::new(60).unwrap(),
            details,
            place: Some(place),
            on_behalf_of_focus: true,
        };
        self.run(self.coordinator, action).await;
    }

    async fn notify(&self) {
        let mut notifier = Notifier::open(self.store().clone(), LinkKeys::new(SECRET))
            .await
            .unwrap();
        notifier.catch_up().await.unwrap();
    }

    fn sender(&self, smtp_url: &str) -> Sender {
        Sender::new(
            self.store().clone(),
            self.accounts.clone(),
            Transport::from_url(smtp_url).unwrap(),
            LinkKeys::new(SECRET),
            MailSettingsOfServer {
                public_url: "https://kring.example.org".into(),
                from: "Kring <kring@example.org>".into(),
            },
        )
    }

    async fn mails_to(&self, name: &str, n: usize) -> Vec<ReceivedMail> {
        SmtpServer::shared()
            .wait_for_mails_to(&self.address(name), n, StdDuration::from_secs(20))
            .await
    }
}

fn smtp() -> String {
    SmtpServer::shared().url()
}

fn assert_no_personal_text(mail: &ReceivedMail) {
    let raw = String::from_utf8_lossy(&mail.raw);
    let mut seen = vec![raw.to_string(), mail.subject.clone().unwrap_or_default()];
    seen.extend(mail.parts.iter().map(|(_, text)| text.clone()));
    for word in PRIVATE {
        assert!(seen.iter().all(|t| !t.contains(word)), "{word} in {seen:?}");
    }
}

async fn a_request_reaches_the_ring_in_each_ones_language_without_personal_text(w: World) {
    w.member("henk", true, Language::Nl).await;
    w.member("joost", true, Language::En).await;
    w.ask_for_transport().await;
    w.notify().await;
    let round = w.sender(&smtp()).round(Utc::now()).await.unwrap();
    assert_eq!(round.sent, 2, "{round:?}");

    let henk = w.mails_to("henk", 1).await.remove(0);
    assert_eq!(henk.header("From"), Some("Kring <kring@example.org>"));
    assert_eq!(henk.header("Content-Language"), Some("nl"));
    assert_eq!(
        henk.subject.as_deref().unwrap(),
        "Kring van Ria · Wie kan helpen? Vervoer op dinsdag 9 maart 10:00."
    );
    assert!(henk
        .header("Message-ID")
        .unwrap()
        .ends_with("@kring.example.org>"));
    let unsubscribe = henk.header("List-Unsubscribe").unwrap();
    assert!(
        unsubscribe.starts_with("<https://kring.example.org/m/"),
        "{unsubscribe}"
    );
    assert_eq!(
        henk.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    let text = henk.part("text/plain").unwrap();
    assert!(
        text.contains("Ik doe het: https://kring.example.org/m/"),
        "{text}"
    );
    assert!(text.contains("https://kring.example.org/me/mail"), "{text}");
    assert_no_personal_text(&henk);

    let joost = w.mails_to("joost", 1).await.remove(0);
    assert_eq!(joost.header("Content-Language"), Some("en"));
    assert_eq!(
        joost.subject.as_deref().unwrap(),
        "Ria's circle · Who can help? Transport on Tuesday 9 March 10:00."
    );
    assert_no_personal_text(&joost);

    // The coordinator asked: she hears nothing of her own request.
    assert!(SmtpServer::shared()
        .messages_to(&w.address("sanne"))
        .is_empty());
    // Sent once: another round sends nothing more.
    assert_eq!(w.sender(&smtp()).round(Utc::now()).await.unwrap().sent, 0);
}

async fn an_unproven_address_gets_nothing(w: World) {
    let anna = w.member("anna", false, Language::Nl).await;
    w.ask_for_transport().await;
    w.notify().await;
    w.sender(&smtp()).round(Utc::now()).await.unwrap();
    let rows = w.store().outbox_of(anna.0).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, OutboxStatus::Skipped);
    assert!(SmtpServer::shared()
        .messages_to(&w.address("anna"))
        .is_empty());
}

async fn a_daily_digest_gathers_the_days_notices_into_one_mail(w: World) {
    let henk = w.member("henk", true, Language::Nl).await;
    let mut mine = settings::settings(w.store().as_ref(), henk.0)
        .await
        .unwrap();
    mine.topics.insert(Topic::RequestOpen, Delivery::Daily);
    settings::save(w.store().as_ref(), henk.0, &mine)
        .await
        .unwrap();
    w.ask_for_transport().await;
    w.ask_for_transport().await;
    w.notify().await;
    let rows = w.store().outbox_of(henk.0).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.message.batch == "daily"));
    let due = rows[0].message.due_at;
    assert_eq!(due, rows[1].message.due_at);
    // Not before its time...
    assert_eq!(
        w.sender(&smtp())
            .round(due - Duration::seconds(1))
            .await
            .unwrap()
            .sent,
        0
    );
    // ...then one mail with both.
    assert_eq!(w.sender(&smtp()).round(due).await.unwrap().sent, 1);
    let digest = w.mails_to("henk", 1).await.remove(0);
    assert_eq!(
        digest.subject.as_deref().unwrap(),
        "Kring van Ria: 2 berichten"
    );
    let text = digest.part("text/plain").unwrap();
    assert_eq!(
        text.matches("Vervoer op dinsdag 9 maart 10:00").count(),
        2,
        "{text}"
    );
    assert_no_personal_text(&digest);
    let rows = w.store().outbox_of(henk.0).await.unwrap();
    assert!(rows.iter().all(|r| r.status == OutboxStatus::Sent));
}

async fn quiet_hours_hold_a_mail_until_the_morning(w: World) {
    let henk = w.member("henk", true, Language::Nl).await;
    let mut mine = settings::settings(w.store().as_ref(), henk.0)
        .await
        .unwrap();
    // Quiet all day but one minute: whenever the test runs, the mail waits.
    let now_local = Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .time();
    mine.quiet_from = Some(now_local - Duration::minutes(1));
    mine.quiet_until = Some(now_local - Duration::minutes(2));
    settings::save(w.store().as_ref(), henk.0, &mine)
        .await
        .unwrap();
    w.ask_for_transport().await;
    w.notify().await;
    let row = w.store().outbox_of(henk.0).await.unwrap().remove(0);
    assert!(
        row.message.due_at > Utc::now() + Duration::hours(23),
        "{row:?}"
    );
    assert_eq!(w.sender(&smtp()).round(Utc::now()).await.unwrap().sent, 0);
    assert_eq!(
        w.sender(&smtp())
            .round(row.message.due_at)
            .await
            .unwrap()
            .sent,
        1
    );
    w.mails_to("henk", 1).await;
}

async fn a_refusing_server_is_given_up_and_a_busy_one_tried_again(w: World) {
    let refused = w.member("refuse-henk", true, Language::Nl).await;
    let busy = w.member("later-joost", true, Language::Nl).await;
    w.ask_for_transport().await;
    w.notify().await;
    let round = w.sender(&smtp()).round(Utc::now()).await.unwrap();
    assert_eq!(
        (round.sent, round.retried, round.given_up),
        (0, 1, 1),
        "{round:?}"
    );
    let gone = w.store().outbox_of(refused.0).await.unwrap().remove(0);
    assert_eq!(gone.status, OutboxStatus::Failed);
    assert!(
        gone.last_error
            .as_deref()
            .is_some_and(|e| e.contains("550")),
        "{gone:?}"
    );
    assert!(
        !gone.last_error.unwrap().contains("refuse-henk"),
        "no address in the stored error"
    );
    // The busy server: tried again later, then given up after MAX_ATTEMPTS.
    let mut at = Utc::now();
    for _ in 1..MAX_ATTEMPTS {
        let row = w.store().outbox_of(busy.0).await.unwrap().remove(0);
        assert_eq!(row.status, OutboxStatus::Pending);
        assert!(row.next_attempt_at > at);
        at = row.next_attempt_at;
        w.sender(&smtp()).round(at).await.unwrap();
    }
    let row = w.store().outbox_of(busy.0).await.unwrap().remove(0);
    assert_eq!(
        (row.status, row.attempts),
        (OutboxStatus::Failed, MAX_ATTEMPTS - 1),
        "{row:?}"
    );
}

async fn a_forgotten_persons_queued_mail_goes_with_them(w: World) {
    let henk = w.member("henk", true, Language::Nl).await;
    w.ask_for_transport().await;
    w.notify().await;
    assert_eq!(w.store().outbox_of(henk.0).await.unwrap().len(), 1);
    let forgetter = kring_app::Forgetter::open(&w.test.url, &kring_store::OpenOptions::default())
        .await
        .unwrap();
    let erased = forgetter.forget(henk).await.unwrap();
    assert!(erased.key && erased.circles == 1, "{erased:?}");
    // His queued notice went with him, unsent...
    assert!(w.store().outbox_of(henk.0).await.unwrap().is_empty());
    // ...and, gone from the circle, he is queued nothing new.
    w.ask_for_transport().await;
    w.notify().await;
    assert!(w.store().outbox_of(henk.0).await.unwrap().is_empty());
    w.sender(&smtp())
        .round(Utc::now() + Duration::days(2))
        .await
        .unwrap();
    assert!(SmtpServer::shared()
        .messages_to(&w.address("henk"))
        .is_empty());
}

/// Two organisations follow Ria's circle, one with `full` consent and one with
/// `signals`; both mail at 2 open places. The shift of three has none taken.
async fn an_intermediary_hears_of_a_crossed_threshold_named_only_under_full_consent(w: World) {
    let vault = Vault::new(w.store().clone());
    let title = vault.seal(w.coordinator, "hartoperatie").await.unwrap();
    let day = (Utc::now() + Duration::days(2)).date_naive();
    w.run(
        w.coordinator,
        Action::ScheduleShift {
            shift: ShiftId(Uuid::new_v4()),
            title,
            starts: day.and_hms_opt(10, 0, 0).unwrap(),
            duration: Minutes::new(90).unwrap(),
            recurrence: Recurrence::Once,
            helpers_needed: 3,
            rings: vec![Ring::Warm],
        },
    )
    .await;
    let mut organisations = vec![];
    for (name, scope) in [("wim", ConsentScope::Full), ("els", ConsentScope::Signals)] {
        let intermediary = w.person(name, true, Language::Nl).await;
        let organisation = OrganisationId(Uuid::new_v4());
        for action in [
            OrganisationAction::Register {
                organisation,
                name: "Wijkteam".into(),
            },
            OrganisationAction::SetThresholds {
                thresholds: Thresholds {
                    open_places: 2,
                    ..Thresholds::default()
                },
            },
        ] {
            let command = OrganisationCommand {
                actor: intermediary,
                action,
            };
            w.commands
                .organisation(organisation, command)
                .await
                .unwrap();
        }
        let consent = Action::GrantConsent {
            organisation,
            scope,
            from: Utc::now(),
        };
        w.run(w.coordinator, consent).await;
        organisations.push(organisation);
    }
    let mut projector = kring_views::Projector::open(w.store().clone())
        .await
        .unwrap();
    projector.catch_up(|_| {}).await.unwrap();
    let mut signals = Signals::new(w.store().clone(), LinkKeys::new(SECRET));
    assert_eq!(signals.tick(Utc::now()).await.unwrap(), 2);
    let round = w.sender(&smtp()).round(Utc::now()).await.unwrap();
    assert_eq!(round.sent, 2, "{round:?}");

    let wim = w.mails_to("wim", 1).await.remove(0);
    assert_eq!(
        wim.subject.as_deref().unwrap(),
        "Kring van Ria: in de komende 7 dagen zijn er 2 of meer open plekken in het rooster."
    );
    let text = wim.part("text/plain").unwrap();
    let page = format!(
        "https://kring.example.org/organisations/{}",
        organisations[0].0
    );
    assert!(text.contains(&page), "{text}");
    assert!(text.contains("je organisatie deze grens koos"), "{text}");
    assert_no_personal_text(&wim);

    let els = w.mails_to("els", 1).await.remove(0);
    assert_eq!(
        els.subject.as_deref().unwrap(),
        "Een kring: in de komende 7 dagen zijn er 2 of meer open plekken in het rooster."
    );
    let raw = String::from_utf8_lossy(&els.raw);
    assert!(!raw.contains("Ria"), "{raw}");
    assert_no_personal_text(&els);
    // Sent once: another tick and round send nothing more.
    assert_eq!(signals.tick(Utc::now()).await.unwrap(), 0);
    assert_eq!(w.sender(&smtp()).round(Utc::now()).await.unwrap().sent, 0);
}

async fn a_notice_for_someone_removed_since_is_not_sent(w: World) {
    let henk = w.member("henk", true, Language::Nl).await;
    w.ask_for_transport().await;
    w.notify().await;
    assert_eq!(w.store().outbox_of(henk.0).await.unwrap().len(), 1);
    // Removed before the mail went out: it no longer goes.
    w.run(w.coordinator, Action::RemoveMember { person: henk })
        .await;
    w.sender(&smtp()).round(Utc::now()).await.unwrap();
    let row = w.store().outbox_of(henk.0).await.unwrap().remove(0);
    assert_eq!(row.status, OutboxStatus::Skipped, "{row:?}");
    assert_eq!(row.last_error.as_deref(), Some("no longer in the circle"));
    assert!(SmtpServer::shared()
        .messages_to(&w.address("henk"))
        .is_empty());
}

/// Buurtteam Oost's marketplace, with Esther as matchmaker and three volunteers.
struct Market {
    organisation: OrganisationId,
    esther: PersonId,
    fatima: PersonId,
    daan: PersonId,
    kees: PersonId,
}

impl World {
    async fn market(&self) -> Market {
        let organisation = OrganisationId(Uuid::new_v4());
        let esther = self.person("esther", true, Language::En).await;
        let register = OrganisationAction::Register {
            organisation,
            name: "Buurtteam Oost".into(),
        };
        let command = OrganisationCommand {
            actor: esther,
            action: register,
        };
        self.commands
            .organisation(organisation, command)
            .await
            .unwrap();
        let near = Neighbourhood::Postcode(3512);
        let market = Market {
            organisation,
            esther,
            fatima: self.volunteer(organisation, "fatima", near.clone()).await,
            daan: self
                .volunteer(organisation, "daan", Neighbourhood::Postcode(9999))
                .await,
            kees: self.volunteer(organisation, "kees", near.clone()).await,
        };
        for action in [
            Action::GrantConsent {
                organisation,
                scope: ConsentScope::Signals,
                from: Utc::now(),
            },
            Action::NameNeighbourhood {
                neighbourhood: Some(near),
            },
        ] {
            self.run(self.coordinator, action).await;
        }
        market
    }

    /// A volunteer for groceries on any day, in `neighbourhood`.
    async fn volunteer(
        &self,
        organisation: OrganisationId,
        name: &str,
        neighbourhood: Neighbourhood,
    ) -> PersonId {
        let person = self.person(name, true, Language::Nl).await;
        let mut available = std::collections::BTreeSet::new();
        for weekday in 0..7 {
            for part in [PartOfDay::Morning, PartOfDay::Afternoon, PartOfDay::Evening] {
                available.insert(Slot { weekday, part });
            }
        }
        let profile = Profile {
            will: [Category::Groceries].into(),
            neighbourhood: Some(neighbourhood),
            available,
            tasks_per_month: 4,
        };
        self.volunteering(
            organisation,
            person,
            VolunteerAction::Join {
                organisation,
                profile,
            },
        )
        .await;
        person
    }

    async fn volunteering(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        action: VolunteerAction,
    ) {
        let command = VolunteerCommand {
            actor: person,
            action,
        };
        self.commands
            .volunteer(VolunteerId::of(organisation, person), command)
            .await
            .unwrap();
    }

    /// Sanne lists a grocery run (with details nobody may be mailed).
    async fn list_groceries(&self, organisation: OrganisationId) -> RequestId {
        let vault = Vault::new(self.store().clone());
        let request = RequestId(Uuid::new_v4());
        let details = vault
            .seal(
                self.coordinator,
                "Apotheek en boodschappen na de hartoperatie",
            )
            .await
            .unwrap();
        let place = vault.seal(self.coordinator, "Kerkstraat 12").await.unwrap();
        let summary = vault
            .seal(self.coordinator, "Boodschappen voor een oudere buurvrouw")
            .await
            .unwrap();
        for action in [
            Action::RequestHelp {
                request,
                category: Category::Groceries,
                window: TimeWindow::new(starts(), starts() + Duration::hours(2)).unwrap(),
                duration: Minutes::new(60).unwrap(),
                details,
                place: Some(place),
                on_behalf_of_focus: true,
            },
            Action::ListRequest {
                request,
                organisation,
                summary,
            },
        ] {
            self.run(self.coordinator, action).await;
        }
        request
    }

    /// The projector keeps the organisation's volunteers, which ranking reads.
    async fn project(&self) {
        let mut projector = kring_views::Projector::open(self.store().clone())
            .await
            .unwrap();
        // Everything committed so far, also what Postgres still hides behind
        // a running transaction (`catch_up` waits for it).
        projector.catch_up(|_| {}).await.unwrap();
    }

    async fn looks(&self) -> Vec<(PersonId, Looked)> {
        let view = self
            .commands
            .circle_view(self.circle)
            .await
            .unwrap()
            .unwrap();
        view.looks
            .iter()
            .filter_map(|(_, e)| match e {
                CircleEvent::IntermediaryLooked { person, what, .. } => Some((*person, *what)),
                _ => None,
            })
            .collect()
    }
}

async fn the_marketplace_reaches_fitting_volunteers_and_matchmakers_naming_no_circle(w: World) {
    let m = w.market().await;
    w.project().await;
    let request = w.list_groceries(m.organisation).await;
    w.notify().await;
    // Kees pauses before the mail goes out: it is not sent to him.
    w.volunteering(m.organisation, m.kees, VolunteerAction::Pause)
        .await;
    let round = w.sender(&smtp()).round(Utc::now()).await.unwrap();
    assert_eq!(round.sent, 2, "Esther and Fatima: {round:?}");
    assert_eq!(round.given_up, 1, "Kees paused: {round:?}");

    let esther = w.mails_to("esther", 1).await.remove(0);
    assert_eq!(
        esther.subject.as_deref().unwrap(),
        "New on Buurtteam Oost's marketplace: groceries on Tuesday 9 March 10:00 in 3512."
    );
    let text = esther.part("text/plain").unwrap();
    let board = format!(
        "https://kring.example.org/organisations/{}/marketplace",
        m.organisation.0
    );
    assert!(text.contains(&board), "{text}");
    let fatima = w.mails_to("fatima", 1).await.remove(0);
    assert_eq!(fatima.header("Content-Language"), Some("nl"));
    let text = fatima.part("text/plain").unwrap();
    assert!(
        text.starts_with("Iemand in 3512 vraagt hulp: boodschappen op dinsdag 9 maart 10:00."),
        "{text}"
    );
    let page = format!("https://kring.example.org/volunteer/{}", m.organisation.0);
    assert!(text.contains(&page), "{text}");
    assert!(fatima.header("List-Unsubscribe").is_some());
    for mail in [&esther, &fatima] {
        assert_no_personal_text(mail);
        let raw = String::from_utf8_lossy(&mail.raw);
        for secret in ["Ria", "oudere buurvrouw", &w.circle.0.to_string()] {
            assert!(!raw.contains(secret), "{secret} in a marketplace mail");
        }
    }
    // Daan helps far away, Sanne listed it herself: nothing for them.
    let outbox = |person: PersonId| {
        let store = w.store().clone();
        async move { store.outbox_of(person.0).await.unwrap() }
    };
    assert!(outbox(m.daan).await.is_empty());
    assert!(outbox(w.coordinator)
        .await
        .iter()
        .all(|r| r.message.kind != "market-listing"));
    // Each mail is a look on the circle's record, as opening the board is.
    let looks = w.looks().await;
    assert!(
        looks.contains(&(m.esther, Looked::Marketplace)),
        "{looks:?}"
    );
    assert!(
        looks.contains(&(m.fatima, Looked::MarketplaceVolunteer)),
        "{looks:?}"
    );
    assert!(!looks.iter().any(|(p, _)| *p == m.daan), "{looks:?}");

    // Fatima offers herself: Esther hears of it; nobody else.
    let offer = Action::ProposeVolunteer {
        request,
        volunteer: m.fatima,
        note: None,
    };
    let command = CircleCommand {
        actor: Actor::intermediary(m.fatima, m.organisation),
        action: offer,
    };
    let metadata = kring_store::metadata::of(m.fatima.0, Some(m.organisation.0));
    w.commands
        .circle(w.circle, command, metadata)
        .await
        .unwrap();
    w.notify().await;
    w.sender(&smtp()).round(Utc::now()).await.unwrap();
    let offered = w.mails_to("esther", 2).await.remove(1);
    assert_eq!(
        offered.subject.as_deref().unwrap(),
        "On Buurtteam Oost's marketplace a volunteer offers to help: groceries on Tuesday 9 March 10:00 in 3512. The family decides."
    );
    assert_no_personal_text(&offered);
    assert_eq!(
        outbox(m.fatima).await.len(),
        1,
        "only the listing, not her own offer"
    );
}

async fn a_volunteer_whose_tasks_ended_hears_of_a_place_offered(w: World) {
    let m = w.market().await;
    w.project().await;
    for _ in 0..3 {
        let request = w.list_groceries(m.organisation).await;
        let command = CircleCommand {
            actor: Actor::intermediary(m.esther, m.organisation),
            action: Action::ProposeVolunteer {
                request,
                volunteer: m.fatima,
                note: None,
            },
        };
        let metadata = kring_store::metadata::of(m.esther.0, Some(m.organisation.0));
        w.commands
            .circle(w.circle, command, metadata)
            .await
            .unwrap();
        let accept = Action::AcceptVolunteer {
            request,
            volunteer: m.fatima,
            invitation: InvitationId(Uuid::new_v4()),
        };
        w.run(w.coordinator, accept).await;
        w.run(m.fatima, Action::MarkRequestDone { request }).await;
        w.run(m.fatima, Action::Leave).await;
    }
    let offer = Action::OfferPlace {
        volunteer: m.fatima,
        invitation: InvitationId(Uuid::new_v4()),
    };
    w.run(w.coordinator, offer).await;
    w.notify().await;
    w.sender(&smtp()).round(Utc::now()).await.unwrap();
    // Outside the circle now, Fatima is still told of this, and only this.
    let place = kring_testkit::eventually(
        StdDuration::from_secs(20),
        "Fatima's mail of a place",
        || async {
            SmtpServer::shared()
                .messages_to(&w.address("fatima"))
                .into_iter()
                .find(|m| {
                    m.subject
                        .as_deref()
                        .is_some_and(|s| s.contains("lauwe kring"))
                })
                .ok_or_else(|| "not yet".to_owned())
        },
    )
    .await;
    assert_eq!(
        place.subject.as_deref().unwrap(),
        "Kring van Ria · Je hielp vaak: de kring vraagt of je bij de lauwe kring wilt horen. Je antwoordt op je startpagina in Kring."
    );
    let text = place.part("text/plain").unwrap();
    assert!(
        text.lines()
            .any(|l| l.trim_end() == "Antwoord geven: https://kring.example.org/"),
        "to the home page, where she answers: {text}"
    );
    assert!(text.contains("als vrijwilliger hielp"), "{text}");
    assert_no_personal_text(&place);
}

/// The closing words stay in Kring: the mail says the circle ended, and why.
async fn an_ended_circle_tells_every_member_without_its_closing_words(w: World) {
    w.member("henk", true, Language::Nl).await;
    w.member("joost", true, Language::En).await;
    let vault = Vault::new(w.store().clone());
    let message = vault
        .seal(w.coordinator, "Na de hartoperatie is Ria rustig ingeslapen")
        .await
        .unwrap();
    let end = Action::EndCircle {
        reason: EndReason::Died,
        message: Some(message),
    };
    w.run(w.coordinator, end).await;
    w.notify().await;
    let round = w.sender(&smtp()).round(Utc::now()).await.unwrap();
    assert_eq!(round.sent, 2, "{round:?}");
    let henk = w.mails_to("henk", 1).await.remove(0);
    assert_eq!(
        henk.subject.as_deref().unwrap(),
        "Kring van Ria · De kring is afgesloten (overleden): dank voor alles wat je deed."
    );
    assert_no_personal_text(&henk);
    let joost = w.mails_to("joost", 1).await.remove(0);
    assert_eq!(
        joost.subject.as_deref().unwrap(),
        "Ria's circle · The circle has ended (passed away): thank you for all you did."
    );
    assert_no_personal_text(&joost);
    // The coordinator who ended it hears nothing of it.
    assert!(SmtpServer::shared()
        .messages_to(&w.address("sanne"))
        .is_empty());
}
