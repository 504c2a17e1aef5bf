//! Mails over a real SMTP server (aiosmtpd): who receives what, with which
//! headers and words, and the links in them followed over HTTP (one-tap
//! answers, one-click unsubscribe), on both backends.

mod common;

use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use common::{mail_address, verify_email, Browser, Empty, Server};
use kring_notify::schedule::Language;
use kring_protocol::v1::{self, Category, Ring};
use kring_store::{MailStore, OutboxRow, OutboxStatus};
use kring_testkit::{eventually, on_both_backends, ReceivedMail, SmtpServer};
use reqwest::StatusCode;
use uuid::Uuid;

on_both_backends!(
    Server::start_with_mail =>
    a_request_reaches_verified_members_and_its_link_takes_it,
    a_swap_is_accepted_from_its_mail,
    one_click_unsubscribe_stops_that_topic_of_that_circle_only,
    a_daily_digest_waits_for_its_time,
    an_expired_link_does_nothing,
);

const WAIT: Duration = Duration::from_secs(30);
/// Personal text the tests write: no mail may carry it.
const DETAILS: &str = "Cardiologie controle, rolstoel mee";
const PLACE: &str = "Dorpsstraat 17, Ede";
const LOGBOOK: &str = "Mam sliep slecht vannacht";

/// Ann (a coordinator with a proven address) starts a circle for `focus`.
async fn circle(s: &Server, focus: &str) -> (Browser, String) {
    let email = mail_address("ann");
    let (ann, _) = s.person("Ann", &email).await;
    let circle = start_circle(&ann, focus).await;
    (ann, circle)
}

async fn start_circle(ann: &Browser, focus: &str) -> String {
    let created: v1::Created = ann
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: focus.into(),
                time_zone: None,
                for_myself: false,
                template: None,
                language: None,
            },
            StatusCode::CREATED,
        )
        .await;
    created.id.to_string()
}

/// A member who receives mail: joined in `ring`, address proven, no quiet hours.
struct Member {
    browser: Browser,
    id: String,
    email: String,
}

async fn member(s: &Server, ann: &Browser, circle: &str, name: &str, verified: bool) -> Member {
    let email = mail_address(name);
    let (browser, id) = s.person(name, &email).await;
    join(s, ann, circle, &browser).await;
    if verified {
        verify_email(s, &email).await;
    }
    let mut prefs: v1::MailPreferences = browser.get_ok("/api/v1/me/mail").await;
    prefs.quiet_from = None;
    prefs.quiet_until = None;
    let _: v1::MailPreferences = browser
        .put_ok("/api/v1/me/mail", &prefs, StatusCode::OK)
        .await;
    Member { browser, id, email }
}

/// `browser` joins `circle` in the warm ring.
async fn join(_s: &Server, ann: &Browser, circle: &str, browser: &Browser) {
    let invited: v1::InvitationCreated = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/invitations"),
            &v1::Invite {
                ring: Ring::Warm,
                role: v1::Role::Member,
                task: None,
                expires_in_days: None,
            },
            StatusCode::CREATED,
        )
        .await;
    let _: v1::Joined = browser
        .post_ok(
            "/api/v1/invitations/accept",
            &v1::AcceptInvitation { code: invited.code },
            StatusCode::OK,
        )
        .await;
}

/// Two days from now at 09:00 UTC (10:00 in Amsterdam in winter, 11:00 in summer).
fn starts() -> DateTime<Utc> {
    (Utc::now() + Span::days(2))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc()
}

/// Ann asks for transport, with details and a place no mail may carry.
async fn ask(ann: &Browser, circle: &str) -> Uuid {
    let start = starts();
    let created: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/requests"),
            &v1::AskForHelp {
                category: Category::Transport,
                window_start: start,
                window_end: start + Span::hours(2),
                duration_minutes: 60,
                details: DETAILS.into(),
                place: Some(PLACE.into()),
                on_behalf_of_focus: false,
            },
            StatusCode::CREATED,
        )
        .await;
    created.id
}

fn smtp() -> &'static SmtpServer {
    SmtpServer::shared()
}

/// The outbox rows of `account`, once `done` holds for them.
async fn outbox_until(
    s: &Server,
    account: &str,
    what: &str,
    done: impl Fn(&[OutboxRow]) -> bool,
) -> Vec<OutboxRow> {
    let account: Uuid = account.parse().unwrap();
    let store: &dyn MailStore = s.test.log.as_ref();
    eventually(WAIT, what, || async {
        let rows = store.outbox_of(account).await.map_err(|e| e.to_string())?;
        // Sign-up's verification mail is not what these tests look at.
        let rows: Vec<OutboxRow> = rows
            .into_iter()
            .filter(|r| r.message.kind != "verify-email")
            .collect();
        if done(&rows) {
            Ok(rows)
        } else {
            Err(format!("{rows:?}"))
        }
    })
    .await
}

/// At least `n` notice mails to `email` (a notice carries List-Unsubscribe;
/// the verification mail of sign-up does not).
async fn notices_to(email: &str, n: usize) -> Vec<ReceivedMail> {
    eventually(WAIT, &format!("{n} notice mails to {email}"), || async {
        let notices = notices_now(email);
        if notices.len() >= n {
            Ok(notices)
        } else {
            Err(format!("{} of {n}", notices.len()))
        }
    })
    .await
}

/// The notice mails `email` received so far.
fn notices_now(email: &str) -> Vec<ReceivedMail> {
    smtp()
        .messages_to(email)
        .into_iter()
        .filter(|m| m.header("List-Unsubscribe").is_some())
        .collect()
}

fn all_sent(rows: &[OutboxRow], n: usize) -> bool {
    rows.len() == n && rows.iter().all(|r| r.status == OutboxStatus::Sent)
}

fn text_of(mail: &ReceivedMail) -> &str {
    mail.part("text/plain").expect("a plain text part")
}

/// The token of the link after `label: ` in a mail's plain text.
fn token_after(mail: &ReceivedMail, base: &str, label: &str) -> String {
    let text = text_of(mail);
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no {label:?} in {text}"));
    let url = line.split_once(": ").unwrap().1.trim();
    url.strip_prefix(&format!("{base}/m/"))
        .unwrap_or_else(|| panic!("{url} is no link page of {base}"))
        .to_owned()
}

/// The mail names no personal text the test wrote, in any part.
fn carries_nothing_personal(mail: &ReceivedMail) {
    let mut all = mail.subject.clone().unwrap_or_default();
    for (_, text) in &mail.parts {
        all.push_str(text);
    }
    all.push_str(&String::from_utf8_lossy(&mail.raw));
    for secret in [
        DETAILS,
        PLACE,
        LOGBOOK,
        "Cardiologie",
        "Dorpsstraat",
        "sliep",
    ] {
        assert!(!all.contains(secret), "the mail carries {secret:?}: {all}");
    }
}

/// A client without cookies, as a mail client or a scanner.
fn stranger(s: &Server) -> reqwest::Client {
    let _ = s;
    reqwest::Client::new()
}

async fn link_info(s: &Server, token: &str) -> (StatusCode, serde_json::Value) {
    common::read(
        stranger(s)
            .get(s.url(&format!("/api/v1/links/{token}")))
            .send()
            .await,
    )
    .await
}

async fn use_link(s: &Server, token: &str) -> (StatusCode, serde_json::Value) {
    common::read(
        stranger(s)
            .post(s.url(&format!("/api/v1/links/{token}")))
            .send()
            .await,
    )
    .await
}

async fn request_of(ann: &Browser, circle: &str, request: Uuid, at_least: u64) -> v1::HelpRequest {
    // The request is in the views once the projector has it (read-your-writes
    // by `min_version` where the caller knows the version, else by waiting).
    let path = format!("/api/v1/circles/{circle}/requests?min_version={at_least}");
    eventually(WAIT, "the request in the views", || async {
        let list: v1::Requests = ann.get_ok(&path).await;
        list.requests
            .into_iter()
            .find(|r| r.id == request)
            .ok_or_else(|| "not yet".to_owned())
    })
    .await
}

async fn a_request_reaches_verified_members_and_its_link_takes_it(s: Server) {
    let (ann, circle) = circle(&s, "Mam").await;
    let _: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/logbook"),
            &v1::WriteLogbookEntry {
                text: LOGBOOK.into(),
                visibility: v1::Visibility::WholeCircle,
            },
            StatusCode::CREATED,
        )
        .await;
    let bob = member(&s, &ann, &circle, "bob", true).await;
    let cas = member(&s, &ann, &circle, "cas", false).await;
    let dia = member(&s, &ann, &circle, "dia", true).await;
    let request = ask(&ann, &circle).await;

    let rows = outbox_until(&s, &bob.id, "Bob's mail sent", |r| all_sent(r, 1)).await;
    let mails = notices_to(&bob.email, 1).await;
    assert_eq!(mails.len(), 1, "exactly one mail");
    let mail = &mails[0];
    let when = kring_notify::text::moment(
        starts(),
        kring_notify::schedule::MailSettings::default().zone(),
        Language::Nl,
    );
    assert_eq!(mail.header("To"), Some(bob.email.as_str()));
    assert_eq!(mail.header("From"), Some("Kring <kring@example.org>"));
    assert_eq!(
        mail.subject.as_deref(),
        Some(format!("Kring van Mam · Wie kan helpen? Vervoer op {when}.").as_str())
    );
    assert_eq!(
        mail.header("Message-ID"),
        Some(format!("<{}@127.0.0.1>", rows[0].message.id).as_str())
    );
    let unsubscribe = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with(&format!("<{}/m/", s.base)) && unsubscribe.ends_with('>'),
        "{unsubscribe}"
    );
    assert_eq!(
        mail.header("List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    // The focus person is named in the subject; the kind and time in the text too.
    let text = text_of(mail);
    for word in ["Vervoer", when.as_str()] {
        assert!(text.contains(word), "{word:?} in {text}");
    }
    carries_nothing_personal(mail);

    // Cas never proved his address: nothing for him.
    outbox_until(&s, &cas.id, "Cas's notice skipped", |rows| {
        rows.len() == 1 && rows[0].status == OutboxStatus::Skipped
    })
    .await;
    assert!(notices_now(&cas.email).is_empty());

    // Looking at the link (as a mail scanner does) changes nothing.
    let claim = token_after(mail, &s.base, "Ik doe het");
    let (status, info) = link_info(&s, &claim).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    let info: v1::LinkInfo = serde_json::from_value(info).unwrap();
    assert_eq!(info.purpose, v1::LinkPurpose::ClaimRequest);
    assert_eq!(info.state, v1::LinkState::Valid);
    assert_eq!(info.category, Some(Category::Transport));
    assert_eq!(info.starts, Some(starts()));
    assert_eq!(info.circle.map(|c| c.to_string()), Some(circle.clone()));
    let events = s.events().await;
    assert_eq!(
        request_of(&ann, &circle, request, 0).await.status,
        v1::RequestStatus::Open
    );
    assert_eq!(s.events().await, events);

    // Pressing the button takes it, as Bob, without a session.
    let (status, used) = use_link(&s, &claim).await;
    assert_eq!(status, StatusCode::OK, "{used}");
    let used: v1::LinkUsed = serde_json::from_value(used).unwrap();
    let taken = request_of(&ann, &circle, request, used.version.unwrap()).await;
    assert_eq!(taken.taker.map(|p| p.id.to_string()), Some(bob.id.clone()));

    // The same link again: used.
    let (status, again) = use_link(&s, &claim).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("link-used"))
    );
    let (_, info) = link_info(&s, &claim).await;
    assert_eq!(info["state"], "used");

    // Dia's link for the same request: someone else was first.
    let dia_mail = &notices_to(&dia.email, 1).await[0];
    let late = token_after(dia_mail, &s.base, "Ik doe het");
    let (_, info) = link_info(&s, &late).await;
    assert_eq!(info["state"], "settled");
    let (status, refused) = use_link(&s, &late).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("request-not-open"))
    );
    let _ = &dia.browser;

    // A token made up or changed by one letter is no link, and says nothing more.
    let mut tampered = claim.clone().into_bytes();
    tampered[10] = if tampered[10] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let random = "x".repeat(43);
    let mut answers = vec![];
    for token in [tampered.as_str(), random.as_str(), "short"] {
        for (status, body) in [link_info(&s, token).await, use_link(&s, token).await] {
            assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
            assert_eq!(body["code"], "no-such-link");
            answers.push(body);
        }
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    let _ = &bob.browser;
}

async fn a_swap_is_accepted_from_its_mail(s: Server) {
    let (ann, circle) = circle(&s, "Opa").await;
    let bob = member(&s, &ann, &circle, "bob", true).await;
    let dia = member(&s, &ann, &circle, "dia", true).await;
    let date = (Utc::now() + Span::days(3)).date_naive();
    let shift: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/shifts"),
            &v1::ScheduleShift {
                title: "Koffie".into(),
                starts: format!("{date}T10:00"),
                duration_minutes: 60,
                weekly: None,
                helpers_needed: 1,
                rings: vec![Ring::Warm],
            },
            StatusCode::CREATED,
        )
        .await;
    let shift = shift.id;
    let _: v1::Changed = bob
        .browser
        .post_ok(
            &format!("/api/v1/circles/{circle}/shifts/{shift}/dates/{date}/claim"),
            &Empty {},
            StatusCode::OK,
        )
        .await;
    let _: v1::Created = bob
        .browser
        .post_ok(
            &format!("/api/v1/circles/{circle}/swaps"),
            &v1::ProposeSwap {
                shift,
                date,
                to: dia.id.parse().unwrap(),
            },
            StatusCode::CREATED,
        )
        .await;

    let mail = &notices_to(&dia.email, 1).await[0];
    assert!(
        text_of(mail).contains("10:00"),
        "the shift's local time: {}",
        text_of(mail)
    );
    let accept = token_after(mail, &s.base, "Ja, ik neem de dienst over");
    let (_, info) = link_info(&s, &accept).await;
    assert_eq!(info["purpose"], "accept_swap");
    assert_eq!(info["state"], "valid");
    let (status, used) = use_link(&s, &accept).await;
    assert_eq!(status, StatusCode::OK, "{used}");
    let used: v1::LinkUsed = serde_json::from_value(used).unwrap();
    let rota: v1::Rota = ann
        .get_ok(&format!(
            "/api/v1/circles/{circle}/rota?from={date}&days=1&min_version={}",
            used.version.unwrap()
        ))
        .await;
    let on: Vec<String> = rota.slots[0]
        .claimed_by
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    assert_eq!(on, vec![dia.id.clone()]);
    // The other button of the same mail: the swap is settled.
    let decline = token_after(mail, &s.base, "Ik kan niet");
    let (status, refused) = use_link(&s, &decline).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("swap-settled"))
    );
}

async fn one_click_unsubscribe_stops_that_topic_of_that_circle_only(s: Server) {
    let (ann, mam) = circle(&s, "Mam").await;
    let opa = start_circle(&ann, "Opa").await;
    let bob = member(&s, &ann, &mam, "bob", true).await;
    join(&s, &ann, &opa, &bob.browser).await;
    ask(&ann, &mam).await;
    let mail = notices_to(&bob.email, 1).await[0].clone();
    let header = mail.header("List-Unsubscribe").unwrap();
    let token = header
        .trim_matches(['<', '>'])
        .strip_prefix(&format!("{}/m/", s.base))
        .unwrap()
        .to_owned();

    // RFC 8058: a POST without cookies and with the one-click form body, as
    // the page `/m/<token>` passes it on (the page itself takes it from
    // other sites; the browser journey and csrf.rs test that).
    let (status, body) = common::read(
        stranger(&s)
            .post(s.url(&format!("/api/v1/links/{token}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["topic"], "request_open");
    // Posted twice (mail clients may): still fine.
    assert_eq!(use_link(&s, &token).await.0, StatusCode::OK);

    let mut prefs: v1::MailPreferences = bob.browser.get_ok("/api/v1/me/mail").await;
    assert_eq!(
        prefs.circles,
        vec![v1::CircleMail {
            circle: mam.parse().unwrap(),
            topics: vec![v1::TopicDelivery {
                topic: v1::MailTopic::RequestOpen,
                delivery: v1::MailDelivery::Off,
            }],
        }]
    );
    // English from now on.
    prefs.language = v1::MailLanguage::En;
    let saved: v1::MailPreferences = bob
        .browser
        .put_ok("/api/v1/me/mail", &prefs, StatusCode::OK)
        .await;
    assert_eq!(saved, prefs);

    // Mam's next request reaches Bob no more; Opa's does, in English.
    ask(&ann, &mam).await;
    ask(&ann, &opa).await;
    outbox_until(&s, &bob.id, "Opa's mail sent", |r| all_sent(r, 2)).await;
    let mails = notices_now(&bob.email);
    assert_eq!(mails.len(), 2);
    let when = kring_notify::text::moment(
        starts(),
        kring_notify::schedule::MailSettings::default().zone(),
        Language::En,
    );
    assert_eq!(
        mails[1].subject.as_deref(),
        Some(format!("Opa's circle · Who can help? Transport on {when}.").as_str())
    );
    assert_eq!(mails[1].header("Content-Language"), Some("en"));
}

async fn a_daily_digest_waits_for_its_time(s: Server) {
    let (ann, circle) = circle(&s, "Mam").await;
    let bob = member(&s, &ann, &circle, "bob", true).await;
    let mut prefs: v1::MailPreferences = bob.browser.get_ok("/api/v1/me/mail").await;
    for t in &mut prefs.topics {
        if t.topic == v1::MailTopic::RequestOpen {
            t.delivery = v1::MailDelivery::Daily;
        }
    }
    let _: v1::MailPreferences = bob
        .browser
        .put_ok("/api/v1/me/mail", &prefs, StatusCode::OK)
        .await;
    let asked = Utc::now();
    ask(&ann, &circle).await;
    let rows = outbox_until(&s, &bob.id, "Bob's notice queued", |r| r.len() == 1).await;
    let row = &rows[0];
    assert_eq!(row.message.batch, "daily");
    assert_eq!(row.status, OutboxStatus::Pending);
    assert!(row.message.due_at > asked, "{row:?}");
    assert!(row.message.due_at <= asked + Span::hours(25), "{row:?}");
    // 08:00 in Bob's time zone.
    let local = row
        .message
        .due_at
        .with_timezone(&kring_notify::schedule::MailSettings::default().zone());
    assert_eq!(local.format("%H:%M").to_string(), "08:00");
    assert!(notices_now(&bob.email).is_empty());

    // Preferences are checked.
    for (change, code) in [
        (
            v1::MailPreferences {
                time_zone: "Europe/Atlantis".into(),
                ..prefs.clone()
            },
            "unknown-time-zone",
        ),
        (
            v1::MailPreferences {
                remind_hours_before: 49,
                ..prefs.clone()
            },
            "reminder-hours-range",
        ),
        (
            v1::MailPreferences {
                quiet_from: Some("7 uur".into()),
                quiet_until: Some("08:00".into()),
                ..prefs.clone()
            },
            "not-a-time-of-day",
        ),
        (
            v1::MailPreferences {
                quiet_from: Some("22:00".into()),
                quiet_until: None,
                ..prefs.clone()
            },
            "quiet-hours-incomplete",
        ),
    ] {
        let (status, answer) = bob
            .browser
            .put_as::<v1::MailPreferences>("/api/v1/me/mail", &change)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer.unwrap_err().code, code);
    }
    let (status, _) = s.browser().get("/api/v1/me/mail").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn an_expired_link_does_nothing(s: Server) {
    let (ann, circle) = circle(&s, "Mam").await;
    let bob = member(&s, &ann, &circle, "bob", true).await;
    let request = ask(&ann, &circle).await;
    // A claim link whose time is over, in a message that is not due for
    // years (so nothing is sent): as the notifier writes them.
    let secret = kring_app::server_secret(s.test.log.as_ref(), None)
        .await
        .unwrap();
    let keys = kring_notify::LinkKeys::new(&secret);
    let message = Uuid::new_v4();
    let purpose = kring_notify::links::Purpose::ClaimRequest;
    let subject = serde_json::json!({ "circle": circle, "request": request });
    let link = keys.link(
        message,
        purpose,
        bob.id.parse().unwrap(),
        &subject,
        Utc::now() - Span::minutes(1),
    );
    let store: &dyn MailStore = s.test.log.as_ref();
    store
        .enqueue(
            &[kring_store::OutboxMessage {
                id: message,
                dedupe_key: format!("test:{message}"),
                recipient: bob.id.parse().unwrap(),
                kind: "request-open".into(),
                circle: Some(circle.parse().unwrap()),
                body: "{}".into(),
                batch: "now".into(),
                due_at: Utc::now() + Span::days(3650),
            }],
            &[link],
        )
        .await
        .unwrap();
    let token = keys.token(message, purpose);
    let (_, info) = link_info(&s, &token).await;
    assert_eq!(info["state"], "expired");
    let events = s.events().await;
    let (status, refused) = use_link(&s, &token).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("link-expired"))
    );
    assert_eq!(s.events().await, events, "an expired link writes nothing");
    assert_eq!(
        request_of(&ann, &circle, request, 0).await.status,
        v1::RequestStatus::Open
    );
}
