//! A circle's start over real HTTP, on both backends: an intermediary sets a
//! circle up with a family from a template and hands it over when the
//! family's first coordinator joins; the person the circle is for claims their
//! place. Every refusal leaves the log as it was; a retried start stores
//! nothing twice.

mod common;

use chrono::{Days, Utc};
use common::{read, Browser, Server};
use kring_protocol::v1;
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    Server::start =>
    an_intermediary_sets_a_circle_up_from_a_template_and_hands_it_over,
    the_person_a_circle_is_for_claims_their_place,
    a_family_starts_from_a_template_in_dutch_and_a_retry_stores_it_once,
);

fn template(template: v1::CircleTemplate, language: v1::Language) -> v1::CreateCircle {
    v1::CreateCircle {
        focus_name: "Mam".into(),
        time_zone: None,
        for_myself: false,
        template: Some(template),
        language: Some(language),
    }
}

async fn organisation(s: &Server) -> (Browser, String, String) {
    let (worker, worker_id) = s.person("Wim", "wim@wijkteam.example").await;
    let org: v1::Created = worker
        .post_ok(
            "/api/v1/organisations",
            &v1::RegisterOrganisation {
                name: "Wijkteam Noord".into(),
            },
            StatusCode::CREATED,
        )
        .await;
    (worker, worker_id, org.id.to_string())
}

async fn invite(coordinator: &Browser, circle: &str, role: v1::Role) -> String {
    let invited: v1::InvitationCreated = coordinator
        .post_ok(
            &format!("/api/v1/circles/{circle}/invitations"),
            &v1::Invite {
                ring: v1::Ring::Warm,
                role,
                task: None,
                expires_in_days: None,
            },
            StatusCode::CREATED,
        )
        .await;
    invited.code
}

async fn accept(browser: &Browser, code: &str) -> (StatusCode, Value) {
    browser
        .post("/api/v1/invitations/accept", json!({ "code": code }))
        .await
}

async fn rota(browser: &Browser, circle: &str) -> v1::Rota {
    let tomorrow = Utc::now().date_naive() + Days::new(1);
    browser
        .get_ok(&format!(
            "/api/v1/circles/{circle}/rota?from={tomorrow}&days=7"
        ))
        .await
}

async fn an_intermediary_sets_a_circle_up_from_a_template_and_hands_it_over(s: Server) {
    let (worker, worker_id, org) = organisation(&s).await;
    let set_up_path = format!("/api/v1/organisations/{org}/circles");
    let body = template(v1::CircleTemplate::HomeAfterHospital, v1::Language::En);

    // Someone who does not work for the organisation: 404, nothing written.
    let (outsider, _) = s.person("Otto", "otto@example.org").await;
    let before = s.events().await;
    let problem = outsider
        .post_refused(&set_up_path, &body, StatusCode::NOT_FOUND)
        .await;
    assert_eq!(problem.code, "not-your-organisation");
    // Nor may the intermediary set up a circle for themself.
    let mut for_myself = body.clone();
    for_myself.for_myself = true;
    let problem = worker
        .post_refused(&set_up_path, &for_myself, StatusCode::FORBIDDEN)
        .await;
    assert_eq!(problem.code, "only-person");
    assert_eq!(s.events().await, before);

    let created: v1::Created = worker
        .post_ok(&set_up_path, &body, StatusCode::CREATED)
        .await;
    let circle = created.id.to_string();
    let seen: v1::Circle = worker
        .get_ok(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            created.version
        ))
        .await;
    assert!(seen.you.coordinator);
    let set_up = seen.set_up_by.expect("set up at the kitchen table");
    assert_eq!(set_up.intermediary.to_string(), worker_id);
    assert_eq!(set_up.organisation.to_string(), org);
    assert!(!seen.may.invite_focus, "the family makes the claim link");
    assert!(!seen.may.decide_consent, "consent is the family's");

    // The template's plan: five weekly shifts in the next week, two requests
    // asked for the focus person, and a welcome entry, in English.
    let rota = rota(&worker, &circle).await;
    let titles: std::collections::BTreeSet<_> =
        rota.slots.iter().filter_map(|s| s.title.clone()).collect();
    assert_eq!(rota.slots.len(), 5, "{titles:?}");
    assert!(titles.contains("Cook and eat together"), "{titles:?}");
    let requests: v1::Requests = worker
        .get_ok(&format!("/api/v1/circles/{circle}/requests"))
        .await;
    assert_eq!(requests.requests.len(), 2);
    assert!(requests.requests.iter().all(|r| r.on_behalf_of_focus));
    assert!(seen.logbook[0]
        .text
        .as_deref()
        .is_some_and(|t| t.starts_with("Welcome to this circle")));

    // The intermediary may not give their organisation consent.
    let before = s.events().await;
    let (status, problem) = worker
        .put(
            &format!("/api/v1/circles/{circle}/consents/{org}"),
            json!({ "scope": "signals" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "consent-from-family");
    assert_eq!(s.events().await, before);

    // They invite the family's first coordinator; the claim link is the family's to make.
    let coordinator_code = invite(&worker, &circle, v1::Role::Coordinator).await;
    let before = s.events().await;
    let (status, problem) = worker
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({ "ring": "warm", "role": "focus" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "claim-from-family");
    assert_eq!(s.events().await, before);
    let (daughter, _) = s.person("Dochter", "dochter@example.org").await;
    let (status, joined) = accept(&daughter, &coordinator_code).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    let version = joined["version"].as_u64().unwrap();
    let seen: v1::Circle = daughter
        .get_ok(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await;
    assert!(seen.you.coordinator);
    assert_eq!(seen.set_up_by, None);
    assert_eq!(seen.members.warm, 2, "the daughter and the focus person");

    // Handed over: the intermediary is out, and sees nothing without consent.
    let (status, _) = worker.get(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = worker
        .get(&format!("/api/v1/organisations/{org}/circles/{circle}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The hand-over is on the circle's record.
    let export: Value = daughter
        .get_ok(&format!("/api/v1/circles/{circle}/export"))
        .await;
    let kinds: Vec<&str> = export["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"CircleSetUp"), "{kinds:?}");
    assert!(kinds.contains(&"CircleHandedOver"), "{kinds:?}");

    // A used code opens nothing; the daughter makes Mam's claim link.
    let (mother, mother_id) = s.person("Mam", "mam@example.org").await;
    let (again, _) = s.person("Wim again", "wim2@wijkteam.example").await;
    let (status, _) = accept(&again, &coordinator_code).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a used code opens nothing");
    let focus_code = invite(&daughter, &circle, v1::Role::Focus).await;
    let (status, joined) = accept(&mother, &focus_code).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    let version = joined["version"].as_u64().unwrap();
    let seen: v1::Circle = mother
        .get_ok(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await;
    assert!(seen.you.focus);
    assert_eq!(seen.focus.id.to_string(), mother_id);
    assert_eq!(seen.focus.name, "Mam");
    assert_eq!(seen.members.warm, 2, "her own place, not a new one");
    // The name as the family typed it, under the old id's key, is gone: her
    // name now lives under her own key alone, and goes with her account.
    let export: Value = daughter
        .get_ok(&format!("/api/v1/circles/{circle}/export"))
        .await;
    let events = export["events"].as_array().unwrap();
    let created = events
        .iter()
        .find(|e| e["kind"] == "CircleCreated")
        .unwrap();
    assert_eq!(created["data"]["focus_name"], Value::Null, "{created}");
    let claimed = events.iter().find(|e| e["kind"] == "FocusClaimed").unwrap();
    assert_eq!(claimed["data"]["name"], "Mam");
}

async fn the_person_a_circle_is_for_claims_their_place(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let created: v1::Created = ann
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: "Opa Henk".into(),
                time_zone: None,
                for_myself: false,
                template: None,
                language: None,
            },
            StatusCode::CREATED,
        )
        .await;
    let circle = created.id.to_string();
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let invitations = format!("/api/v1/circles/{circle}/invitations");
    let before = s.events().await;
    // Only into the warm ring, and only by a coordinator.
    let lukewarm = json!({ "ring": "lukewarm", "role": "focus" });
    let (status, problem) = ann.post(&invitations, lukewarm).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "focus-is-warm");
    let (status, _) = bob
        .post(&invitations, json!({ "ring": "warm", "role": "focus" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(s.events().await, before);

    let code = invite(&ann, &circle, v1::Role::Focus).await;
    // A member already in the circle cannot take the focus person's place.
    let (status, problem) = accept(&bob, &code).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "already-member");
    // A code with a wrong secret opens nothing.
    let (henk, henk_id) = s.person("Henk", "henk@example.org").await;
    let forged = format!("{}x", &code[..code.len() - 1]);
    let (status, _) = accept(&henk, &forged).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, joined) = accept(&henk, &code).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    let version = joined["version"].as_u64().unwrap();
    let seen: v1::Circle = henk
        .get_ok(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await;
    assert!(seen.you.focus && !seen.you.coordinator);
    assert_eq!(seen.focus.name, "Opa Henk");
    assert!(
        seen.may.decide_consent,
        "the focus person decides on consent"
    );
    // Claimed once: the coordinator may not invite the place again.
    let after: v1::Circle = ann
        .get_ok(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await;
    assert!(!after.may.invite_focus);
    assert_eq!(after.focus.id.to_string(), henk_id);
    let before = s.events().await;
    let (status, problem) = ann
        .post(&invitations, json!({ "ring": "warm", "role": "focus" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "focus-has-account");
    assert_eq!(s.events().await, before);
    // Their circles list it.
    let mine = henk
        .get_until("/api/v1/circles", |v| {
            v.as_array().is_some_and(|c| !c.is_empty())
        })
        .await;
    assert_eq!(mine[0]["id"], circle.as_str());
    assert_eq!(mine[0]["you"]["focus"], true);

    // A circle someone started for themself has no place to claim.
    let (carla, _) = s.person("Carla", "carla@example.org").await;
    let own: v1::Created = carla
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: "Carla".into(),
                time_zone: None,
                for_myself: true,
                template: None,
                language: None,
            },
            StatusCode::CREATED,
        )
        .await;
    let (status, problem) = carla
        .post(
            &format!("/api/v1/circles/{}/invitations", own.id),
            json!({ "ring": "warm", "role": "focus" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "focus-has-account");
}

async fn a_family_starts_from_a_template_in_dutch_and_a_retry_stores_it_once(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let body = serde_json::to_value(template(
        v1::CircleTemplate::DementiaAtHome,
        v1::Language::Nl,
    ))
    .unwrap();
    let post = || {
        ann.client
            .post(format!("{}/api/v1/circles", ann.base))
            .header("idempotency-key", "template-start-1")
            .json(&body)
            .send()
    };
    let before = s.events().await;
    let (status, first) = read(post().await).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let events = s.events().await;
    // Created, four weekly shifts, two requests, one welcome entry.
    assert_eq!(events - before, 8);
    let (status, again) = read(post().await).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(s.events().await, events, "a retry stores nothing twice");

    let circle = first["id"].as_str().unwrap();
    let rota = rota(&ann, circle).await;
    assert!(rota
        .slots
        .iter()
        .any(|s| s.title.as_deref() == Some("Samen lunchen en een korte wandeling")));
    let requests: v1::Requests = ann
        .get_ok(&format!("/api/v1/circles/{circle}/requests"))
        .await;
    assert!(requests
        .requests
        .iter()
        .any(|r| r.details.as_deref()
            == Some("Papieren op een rij zetten voor de casemanager dementie")));
    // Everything it made is an ordinary shift: a coordinator ends its series.
    let slot = &rota.slots[0];
    let _: v1::Changed = ann
        .post_ok(
            &format!(
                "/api/v1/circles/{circle}/shifts/{}/dates/{}/end-series",
                slot.shift, slot.date
            ),
            &json!({}),
            StatusCode::OK,
        )
        .await;
}
