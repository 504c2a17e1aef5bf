//! Proving an address, resetting a password and inviting colleagues by mail,
//! over HTTP against a server whose mails go to a real SMTP server.

mod common;

use std::time::Duration;

use chrono::Utc;
use common::{Browser, Server};
use kring_notify::links::Purpose;
use kring_notify::LinkKeys;
use kring_protocol::v1;
use kring_store::OutboxMessage;
use kring_testkit::{on_both_backends, ReceivedMail, SmtpServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(30);
const PASSWORD: &str = "correct horse battery";

/// An address no other test uses: the SMTP server is shared.
fn fresh(name: &str) -> String {
    format!("{name}-{}@example.org", Uuid::new_v4().simple())
}

/// The `/m/` token in a mail's plain text.
fn token_in(mail: &ReceivedMail) -> String {
    let text = mail.part("text/plain").expect("a plain text part");
    let at = text.find("/m/").expect("a /m/ link") + 3;
    text[at..at + 43].to_owned()
}

/// The mails to `address` whose subject is `subject`, once `n` have come.
async fn mails(address: &str, subject: &str, n: usize) -> Vec<ReceivedMail> {
    kring_testkit::eventually(WAIT, &format!("{n} mails '{subject}'"), || async move {
        let found: Vec<ReceivedMail> = SmtpServer::shared()
            .messages_to(address)
            .into_iter()
            .filter(|m| m.subject.as_deref() == Some(subject))
            .collect();
        if found.len() >= n {
            Ok(found)
        } else {
            Err(format!("{} so far", found.len()))
        }
    })
    .await
}

const VERIFY_NL: &str = "Bevestig je e-mailadres voor Kring";
const RESET_NL: &str = "Een nieuw wachtwoord voor Kring";

async fn me(browser: &Browser) -> v1::Me {
    browser.get_ok("/api/v1/me").await
}

/// Follows the verification link mailed to `email`.
async fn verify(s: &Server, email: &str) {
    let mail = mails(email, VERIFY_NL, 1).await.remove(0);
    let (status, body) = s
        .browser()
        .post(&format!("/api/v1/links/{}", token_in(&mail)), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn signing_up_mails_a_link_that_proves_the_address(s: Server) {
    let email = fresh("ann");
    let (ann, _) = s.person("Ann Jansen", &email).await;
    assert!(!me(&ann).await.email_verified);

    let mail = mails(&email, VERIFY_NL, 1).await.remove(0);
    assert_eq!(mail.envelope_to, vec![email.clone()]);
    assert!(mail.header("To").unwrap().contains(&email));
    let text = mail.part("text/plain").unwrap();
    let token = token_in(&mail);
    assert!(text.contains(&format!("{}/m/{token}", s.base)), "{text}");
    // No name, nothing personal: only the link and why it came.
    assert!(!text.contains("Ann"), "{text}");
    assert!(!text.contains("Jansen"), "{text}");

    // Looking at the link (as a mail scanner does) changes nothing.
    let link = format!("/api/v1/links/{token}");
    let (status, info) = s.browser().get(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["purpose"], "verify_email");
    assert_eq!(info["state"], "valid");
    assert!(!me(&ann).await.email_verified);

    // Pressing the button proves the address, from any browser.
    let (status, used) = s.browser().post(&link, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{used}");
    assert!(me(&ann).await.email_verified);

    // Twice: kindly "used".
    let (status, again) = s.browser().post(&link, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["code"], "link-used");
    let (_, info) = s.browser().get(&link).await;
    assert_eq!(info["state"], "used");

    // Asking for another once proven: refused.
    let (status, body) = ann.post("/api/v1/me/email/verification", json!(null)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "email-already-verified");
}

async fn a_new_link_on_request_and_an_expired_one_refuses(s: Server) {
    let email = fresh("bob");
    let (bob, bob_id) = s.person("Bob", &email).await;
    mails(&email, VERIFY_NL, 1).await;
    let (status, body) = bob.post("/api/v1/me/email/verification", json!(null)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let sent = mails(&email, VERIFY_NL, 2).await;
    assert_ne!(token_in(&sent[0]), token_in(&sent[1]));

    // A link whose time is up, stored as the server would.
    let secret = kring_app::server_secret(s.test.log.as_ref(), None)
        .await
        .unwrap();
    let keys = LinkKeys::new(&secret);
    let id = Uuid::new_v4();
    let account: Uuid = bob_id.parse().unwrap();
    let message = OutboxMessage {
        id,
        dedupe_key: format!("test:{id}"),
        recipient: account,
        kind: "verify-email".into(),
        circle: None,
        body: json!({"direct": "verify-email"}).to_string(),
        batch: "now".into(),
        // Never sent during the test.
        due_at: Utc::now() + chrono::Duration::days(30),
    };
    let lookup = json!({"email_lookup": "0".repeat(64)});
    let expired = keys.link(
        id,
        Purpose::VerifyEmail,
        account,
        &lookup,
        Utc::now() - chrono::Duration::minutes(1),
    );
    s.test.log.enqueue(&[message], &[expired]).await.unwrap();
    let link = format!("/api/v1/links/{}", keys.token(id, Purpose::VerifyEmail));
    let (_, info) = s.browser().get(&link).await;
    assert_eq!(info["state"], "expired");
    let (status, body) = s.browser().post(&link, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "link-expired");
    assert!(!me(&bob).await.email_verified);

    // A token Kring never made.
    let (status, body) = s
        .browser()
        .get(&format!("/api/v1/links/{}", "A".repeat(43)))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "no-such-link");
}

async fn a_reset_answers_alike_for_every_address_and_works_once(s: Server) {
    let email = fresh("carla");
    let nobody = fresh("nobody");
    let (carla, _) = s.person("Carla", &email).await;
    // Another session of hers, on another device.
    let (phone, _) = {
        let phone = s.browser();
        let _: v1::Me = phone
            .post_ok(
                "/api/v1/session",
                &v1::LogIn {
                    email: email.clone(),
                    password: PASSWORD.into(),
                },
                StatusCode::OK,
            )
            .await;
        (phone, ())
    };

    let stranger = s.browser();
    let (known_status, known) = stranger
        .post("/api/v1/password-reset", json!({"email": email}))
        .await;
    let (unknown_status, unknown) = stranger
        .post("/api/v1/password-reset", json!({"email": nobody}))
        .await;
    assert_eq!(known_status, StatusCode::ACCEPTED);
    assert_eq!((known_status, &known), (unknown_status, &unknown));

    let mail = mails(&email, RESET_NL, 1).await.remove(0);
    let token = token_in(&mail);
    // Whatever was sent by now for the known address, nothing went to the unknown one.
    assert!(SmtpServer::shared().messages_to(&nobody).is_empty());

    // A password that cannot be right leaves the link working.
    let reset = format!("/api/v1/password-reset/{token}");
    let (status, _) = stranger.post(&reset, json!({"password": "short"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = stranger
        .post(&reset, json!({"password": "a brand new secret"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Every session ended; the old password no longer works, the new one does.
    for browser in [&carla, &phone] {
        let (status, _) = browser.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = s
        .browser()
        .post(
            "/api/v1/session",
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let again = s.browser();
    let (status, _) = again
        .post(
            "/api/v1/session",
            json!({"email": email, "password": "a brand new secret"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The mail reached her: the address is proven too.
    assert!(me(&again).await.email_verified);

    // Once only.
    let (status, body) = stranger
        .post(&reset, json!({"password": "another new secret"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "link-used");
}

async fn only_the_verified_owner_of_the_address_accepts_a_colleague_invitation(s: Server) {
    let wim_email = fresh("wim");
    let (wim, _) = s.person("Wim Wijkteam", &wim_email).await;
    let org: v1::Created = wim
        .post_ok(
            "/api/v1/organisations",
            &v1::RegisterOrganisation {
                name: "Wijkteam Noord".into(),
            },
            StatusCode::CREATED,
        )
        .await;
    let org = org.id;
    let cor_email = fresh("cor");
    // Cor has an account, not yet proven (as a squatter's would be).
    let (cor, _) = s.person("Cor Collega", &cor_email).await;
    let mallory_email = fresh("mallory");
    let (mallory, _) = s.person("Mallory", &mallory_email).await;
    verify(&s, &mallory_email).await;

    // The same answer for an address with an account and one without.
    let invite = format!("/api/v1/organisations/{org}/intermediaries");
    let (status_known, known) = wim.post(&invite, json!({"email": cor_email})).await;
    let (status_unknown, unknown) = wim.post(&invite, json!({"email": fresh("nobody")})).await;
    assert_eq!(status_known, StatusCode::ACCEPTED, "{known}");
    assert_eq!((status_known, known), (status_unknown, unknown));

    let subject = "Uitnodiging: werk in Kring voor Wijkteam Noord";
    let mail = mails(&cor_email, subject, 1).await.remove(0);
    let link = format!("/api/v1/links/{}", token_in(&mail));
    let (_, info) = s.browser().get(&link).await;
    assert_eq!(info["purpose"], "colleague_invitation");
    assert_eq!(info["organisation"], "Wijkteam Noord");

    // Nobody signed in: 401. A proven account of another address: refused.
    let (status, _) = s.browser().post(&link, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = mallory.post(&link, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "not-your-address");
    // The account of the address, unproven: refused too.
    let (status, body) = cor.post(&link, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "email-not-verified");
    let seen: v1::Organisation = wim.get_ok(&format!("/api/v1/organisations/{org}")).await;
    assert_eq!(seen.intermediaries.len(), 1);

    // Once Cor proved the address, the invitation is accepted.
    verify(&s, &cor_email).await;
    let (status, body) = cor.post(&link, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["organisation"], Value::String(org.to_string()));
    let seen: v1::Organisation = cor.get_ok(&format!("/api/v1/organisations/{org}")).await;
    let names: Vec<&str> = seen
        .intermediaries
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(names.contains(&"Cor Collega"), "{names:?}");
}

async fn a_changed_address_is_unproven_until_its_link_is_followed(s: Server) {
    let email = fresh("eva");
    let (eva, _) = s.person("Eva", &email).await;
    verify(&s, &email).await;
    assert!(me(&eva).await.email_verified);

    let new = fresh("eva-new");
    let (status, body) = eva
        .put(
            "/api/v1/me/email",
            json!({"email": new, "password": "not the password"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = eva
        .put(
            "/api/v1/me/email",
            json!({"email": new, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let now = me(&eva).await;
    assert_eq!(now.email, new);
    assert!(!now.email_verified);

    // Another account cannot take the new address; the old one is free again.
    let (status, body) = s
        .browser()
        .post(
            "/api/v1/accounts",
            json!({"name": "Someone", "email": new, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // Logging in goes by the new address.
    let (status, _) = s
        .browser()
        .post(
            "/api/v1/session",
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s
        .browser()
        .post(
            "/api/v1/session",
            json!({"email": new, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    verify(&s, &new).await;
    assert!(me(&eva).await.email_verified);
}

async fn a_coordinator_invites_by_mail_and_the_mailed_link_joins(s: Server) {
    let (ann, _) = s.person("Ann", &fresh("ann")).await;
    let circle: v1::Created = ann
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: "Oma Truus".into(),
                time_zone: None,
                for_myself: false,
                template: None,
                language: None,
            },
            StatusCode::CREATED,
        )
        .await;
    let dirk = fresh("dirk");
    let created: v1::InvitationCreated = ann
        .post_ok(
            &format!("/api/v1/circles/{}/invitations/mail", circle.id),
            &json!({"ring": "warm", "email": dirk}),
            StatusCode::CREATED,
        )
        .await;
    let mail = mails(&dirk, "Je bent uitgenodigd in de kring van Oma Truus", 1)
        .await
        .remove(0);
    let text = mail.part("text/plain").unwrap();
    assert!(
        text.contains(&format!("{}/join#{}", s.base, created.code)),
        "{text}"
    );
    // The outbox row kept neither the address nor the code in plaintext.
    let row = s
        .test
        .log
        .due_messages(Utc::now() + chrono::Duration::days(1), 1000)
        .await
        .unwrap();
    assert!(row.iter().all(|r| !r.message.body.contains(&dirk)));
    // Dirk signs up and joins with the code the link carries.
    let (joiner, _) = s.person("Dirk", &dirk).await;
    let joined: v1::Joined = joiner
        .post_ok(
            "/api/v1/invitations/accept",
            &v1::AcceptInvitation {
                code: created.code.clone(),
            },
            StatusCode::OK,
        )
        .await;
    assert_eq!(joined.circle, circle.id);

    // Oma Truus herself gets a mail to take her own place, not to help.
    let truus = fresh("truus");
    let created: v1::InvitationCreated = ann
        .post_ok(
            &format!("/api/v1/circles/{}/invitations/mail", circle.id),
            &json!({"ring": "warm", "role": "focus", "email": truus}),
            StatusCode::CREATED,
        )
        .await;
    let mail = mails(&truus, "Oma Truus, jouw plek in je eigen kring in Kring", 1)
        .await
        .remove(0);
    let text = mail.part("text/plain").unwrap();
    assert!(
        text.contains("neem je je eigen plek in de kring in"),
        "{text}"
    );
    assert!(text.contains(&format!("{}/join#{}", s.base, created.code)));
}

async fn reset_mails_to_one_address_are_limited_without_saying_so(s: Server) {
    let email = fresh("dora");
    let (_, dora) = s.person("Dora", &email).await;
    let stranger = s.browser();
    // Three at once; the fourth is answered alike, and sends nothing.
    for _ in 0..4 {
        let (status, body) = stranger
            .post("/api/v1/password-reset", json!({"email": email}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    mails(&email, RESET_NL, 3).await;
    let account: Uuid = dora.parse().unwrap();
    let resets = kring_testkit::eventually(WAIT, "three reset rows", || async {
        let rows = s.test.log.outbox_of(account).await.unwrap();
        let n = rows
            .iter()
            .filter(|r| r.message.kind == "reset-password")
            .count();
        if n >= 3 {
            Ok(n)
        } else {
            Err(format!("{n}"))
        }
    })
    .await;
    assert_eq!(resets, 3);
}

on_both_backends!(
    Server::start_with_mail =>
    reset_mails_to_one_address_are_limited_without_saying_so,
    a_changed_address_is_unproven_until_its_link_is_followed,
    a_reset_link_to_an_address_left_behind_resets_nothing,
    a_coordinator_invites_by_mail_and_the_mailed_link_joins,
    signing_up_mails_a_link_that_proves_the_address,
    a_new_link_on_request_and_an_expired_one_refuses,
    a_reset_answers_alike_for_every_address_and_works_once,
    only_the_verified_owner_of_the_address_accepts_a_colleague_invitation,
    a_mailed_volunteer_invitation_signs_up_one_volunteer_once,
);

async fn a_reset_link_to_an_address_left_behind_resets_nothing(s: Server) {
    let email = fresh("dirk");
    let (dirk, _) = s.person("Dirk", &email).await;
    let stranger = s.browser();
    let (status, _) = stranger
        .post("/api/v1/password-reset", json!({"email": email}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let token = token_in(&mails(&email, RESET_NL, 1).await.remove(0));
    // Dirk moves to a new address; whoever reads the old mailbox cannot take over.
    let (status, body) = dirk
        .put(
            "/api/v1/me/email",
            json!({"email": fresh("dirk-new"), "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let (status, body) = stranger
        .post(
            &format!("/api/v1/password-reset/{token}"),
            json!({"password": "taken over at last"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "email-changed-since");
    assert!(!me(&dirk).await.email_verified);
}

/// The sign-up code after `/volunteer/<org>#` in a volunteer invitation.
fn volunteer_code_in(mail: &ReceivedMail, org: Uuid) -> String {
    let text = mail.part("text/plain").expect("a plain text part");
    let marker = format!("/volunteer/{org}#");
    let at = text.find(&marker).expect("a sign-up link") + marker.len();
    text[at..at + 43].to_owned()
}

async fn a_mailed_volunteer_invitation_signs_up_one_volunteer_once(s: Server) {
    let (wim, _) = s.person("Wim Wijkteam", &fresh("wim")).await;
    let mut orgs = vec![];
    for name in ["Buurtteam Zuid", "Buurtteam West"] {
        let org: v1::Created = wim
            .post_ok(
                "/api/v1/organisations",
                &v1::RegisterOrganisation { name: name.into() },
                StatusCode::CREATED,
            )
            .await;
        orgs.push(org.id);
    }
    let (zuid, west) = (orgs[0], orgs[1]);
    // Only the organisation's own people invite; what is no address is refused.
    let invite = format!("/api/v1/organisations/{zuid}/volunteer-invitations");
    let (mallory, _) = s.person("Mallory", &fresh("mallory")).await;
    let (status, _) = mallory.post(&invite, json!({"email": fresh("x")})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = wim.post(&invite, json!({"email": "not an address"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let lotte_email = fresh("lotte");
    let (status, body) = wim.post(&invite, json!({"email": lotte_email})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    let mail = mails(
        &lotte_email,
        "Uitnodiging: vrijwilliger bij Buurtteam Zuid",
        1,
    )
    .await
    .remove(0);
    assert_eq!(mail.envelope_to, vec![lotte_email.clone()]);
    let code = volunteer_code_in(&mail, zuid);
    let join = |org: Uuid, neighbourhood: &str| {
        let available: Vec<Value> = (0..7)
            .map(|d| json!({"weekday": d, "part": "morning"}))
            .collect();
        json!({"organisation": org, "code": code,
               "profile": {"will": ["walk"], "neighbourhood": neighbourhood,
                           "available": available, "tasks_per_month": 2}})
    };
    let (lotte, _) = s.person("Lotte", &lotte_email).await;
    // Not for another organisation; a refused profile leaves it working.
    let (status, body) = lotte.post("/api/v1/volunteering", join(west, "3512")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "sign-up-link-gone");
    let (status, body) = lotte
        .post("/api/v1/volunteering", join(zuid, "Kerkstraat 12"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = lotte.post("/api/v1/volunteering", join(zuid, "3512")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mine: v1::Volunteering = lotte
        .get_ok(&format!("/api/v1/me/volunteering/{zuid}"))
        .await;
    assert_eq!(mine.status, v1::VolunteerStatus::Active);
    // Used once: forwarded to someone else, it signs nobody up.
    let before = s.events().await;
    let (status, body) = mallory
        .post("/api/v1/volunteering", join(zuid, "3512"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "sign-up-link-gone");
    assert_eq!(s.events().await, before, "nothing written");
    // Someone who volunteers here already does not use up an invitation.
    let piet_email = fresh("piet");
    let (status, _) = wim.post(&invite, json!({"email": piet_email})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let mail = mails(
        &piet_email,
        "Uitnodiging: vrijwilliger bij Buurtteam Zuid",
        1,
    )
    .await
    .remove(0);
    let piets = volunteer_code_in(&mail, zuid);
    let with_piets = |body: Value| {
        let mut body = body;
        body["code"] = json!(piets);
        body
    };
    let (status, body) = lotte
        .post("/api/v1/volunteering", with_piets(join(zuid, "3512")))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "already-volunteer");
    let (status, body) = mallory
        .post("/api/v1/volunteering", with_piets(join(zuid, "3512")))
        .await;
    assert_eq!(status, StatusCode::CREATED, "still working: {body}");

    // Lotte (her address proven, no quiet hours) hears of a walk near her,
    // naming no circle; its unsubscribe link turns the marketplace's mail off.
    verify(&s, &lotte_email).await;
    let mut prefs: v1::MailPreferences = lotte.get_ok("/api/v1/me/mail").await;
    (prefs.quiet_from, prefs.quiet_until) = (None, None);
    let _: v1::MailPreferences = lotte
        .put_ok("/api/v1/me/mail", &prefs, StatusCode::OK)
        .await;
    let (family, _) = s.person("Ann", &fresh("ann")).await;
    let circle: v1::Created = family
        .post_ok(
            "/api/v1/circles",
            &json!({"focus_name": "Mam"}),
            StatusCode::CREATED,
        )
        .await;
    let c = circle.id;
    for (path, body) in [
        (
            format!("/api/v1/circles/{c}/neighbourhood"),
            json!({"neighbourhood": "3512"}),
        ),
        (
            format!("/api/v1/circles/{c}/consents/{zuid}"),
            json!({"scope": "signals"}),
        ),
    ] {
        let _: v1::Changed = family.put_ok(&path, &body, StatusCode::OK).await;
    }
    let list_a_walk = || async {
        // A Tuesday morning, a week or more ahead, in Amsterdam.
        let mut day = Utc::now().date_naive() + chrono::Duration::days(7);
        while chrono::Datelike::weekday(&day) != chrono::Weekday::Tue {
            day += chrono::Duration::days(1);
        }
        let start = day.and_hms_opt(8, 0, 0).unwrap().and_utc();
        let asked: v1::Created = family
            .post_ok(
                &format!("/api/v1/circles/{c}/requests"),
                &json!({"category": "walk", "window_start": start,
                        "window_end": start + chrono::Duration::hours(2), "duration_minutes": 60,
                        "details": "Rondje park"}),
                StatusCode::CREATED,
            )
            .await;
        let _: v1::Changed = family
            .post_ok(
                &format!("/api/v1/circles/{c}/requests/{}/listing", asked.id),
                &json!({"organisation": zuid, "summary": "Een wandeling"}),
                StatusCode::OK,
            )
            .await;
    };
    // The first listing waits until the projector knows Lotte as a volunteer
    // (ranking reads it); the second then surely reaches her.
    list_a_walk().await;
    let board = format!("/api/v1/organisations/{zuid}/marketplace");
    let listed = wim
        .get_until(&board, |b| {
            b["listings"].as_array().is_some_and(|l| !l.is_empty())
        })
        .await;
    let listing = listed["listings"][0]["listing"]
        .as_str()
        .unwrap()
        .to_owned();
    wim.get_until(&format!("{board}/{listing}/candidates"), |c| {
        c.as_array().is_some_and(|c| !c.is_empty())
    })
    .await;
    list_a_walk().await;
    let heard = kring_testkit::eventually(WAIT, "a marketplace mail to Lotte", || async {
        SmtpServer::shared()
            .messages_to(&lotte_email)
            .into_iter()
            .find(|m| {
                m.subject
                    .as_deref()
                    .is_some_and(|t| t.starts_with("Iemand in 3512"))
            })
            .ok_or_else(|| "none yet".to_owned())
    })
    .await;
    let raw = String::from_utf8_lossy(&heard.raw).to_string();
    assert!(!raw.contains("Mam") && !raw.contains("Rondje park") && !raw.contains(&c.to_string()));
    let unsubscribe = heard
        .header("List-Unsubscribe")
        .expect("an unsubscribe link");
    let at = unsubscribe.find("/m/").expect("a /m/ link") + 3;
    let token = &unsubscribe[at..at + 43];
    let (status, body) = s
        .browser()
        .post(&format!("/api/v1/links/{token}"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let prefs: Value = lotte.get_ok("/api/v1/me/mail").await;
    let marketplace = prefs["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["topic"] == "marketplace")
        .cloned();
    assert_eq!(
        marketplace.map(|t| t["delivery"].clone()),
        Some(json!("off")),
        "{prefs}"
    );
}
