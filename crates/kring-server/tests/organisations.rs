//! Organisations over real HTTP: registering, colleagues, the dashboard, one
//! consented circle as far as its consent goes, and every look on the record.

mod common;

use common::{Browser, Server};
use kring_protocol::v1::{self, Scope, Visibility};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::Value;

/// A circle with a coordinator, a warm-only and a whole-circle logbook entry,
/// and an organisation with one intermediary. Returns (coordinator, circle,
/// intermediary, organisation).
async fn setting(s: &Server) -> (Browser, String, Browser, String) {
    let (family, _) = s.person("Ann", "ann@example.org").await;
    let created: v1::Created = family
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: "Mam".into(),
                time_zone: None,
                for_myself: false,
            },
            StatusCode::CREATED,
        )
        .await;
    let circle = created.id.to_string();
    for (text, visibility) in [
        ("Mam slept badly", Visibility::WarmOnly),
        ("Thanks all for the soup", Visibility::WholeCircle),
    ] {
        let _: v1::Created = family
            .post_ok(
                &format!("/api/v1/circles/{circle}/logbook"),
                &v1::WriteLogbookEntry {
                    text: text.into(),
                    visibility,
                },
                StatusCode::CREATED,
            )
            .await;
    }
    let (worker, _) = s.person("Wim", "wim@wijkteam.example").await;
    let org: v1::Created = worker
        .post_ok(
            "/api/v1/organisations",
            &register("Wijkteam Noord"),
            StatusCode::CREATED,
        )
        .await;
    (family, circle, worker, org.id.to_string())
}

fn register(name: &str) -> v1::RegisterOrganisation {
    v1::RegisterOrganisation { name: name.into() }
}

fn add(email: &str) -> v1::AddIntermediary {
    v1::AddIntermediary {
        email: email.into(),
    }
}

async fn consent(family: &Browser, circle: &str, org: &str, scope: Scope) -> u64 {
    let changed: v1::Changed = family
        .put_ok(
            &format!("/api/v1/circles/{circle}/consents/{org}"),
            &v1::GrantConsent { scope, from: None },
            StatusCode::OK,
        )
        .await;
    changed.version
}

async fn looks(family: &Browser, circle: &str, min_version: u64) -> Vec<v1::Look> {
    let body: v1::Looks = family
        .get_ok(&format!(
            "/api/v1/circles/{circle}/looks?min_version={min_version}"
        ))
        .await;
    body.looks
}

async fn an_intermediary_sees_nothing_before_consent_and_signals_after(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let path = format!("/api/v1/organisations/{org}/circles/{circle}");
    let before = s.events().await;
    let (status, _) = worker.get_as::<v1::ConsentedCircle>(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no consent: no circle");
    let rows: Vec<v1::DashboardCircle> = worker
        .get_ok(&format!("/api/v1/organisations/{org}/dashboard"))
        .await;
    assert_eq!(rows, vec![]);
    assert_eq!(s.events().await, before, "a refused look writes nothing");

    let version = consent(&family, &circle, &org, Scope::Signals).await;
    let (status, raw) = worker.get(&format!("{path}?min_version={version}")).await;
    assert_eq!(status, StatusCode::OK, "{raw}");
    // The whole answer as sent, to be sure no content is anywhere in it.
    assert!(
        !raw.to_string().contains("soup"),
        "signals carry no content"
    );
    let seen: v1::ConsentedCircle = serde_json::from_value(raw).unwrap();
    assert_eq!(seen.scope, Scope::Signals);
    assert_eq!(seen.focus.name, "Mam");
    // Mam herself and Ann.
    assert_eq!(seen.signals.members.warm, 2);
    assert!(seen.rota.is_none() && seen.logbook.is_none(), "{seen:?}");

    let looked = looks(&family, &circle, version + 1).await;
    assert_eq!(looked.len(), 1, "{looked:?}");
    assert_eq!(looked[0].who.name, "Wim");
    assert_eq!(looked[0].scope, Scope::Signals);
    assert_eq!(looked[0].organisation.name, "Wijkteam Noord");
}

async fn full_consent_shows_shared_writing_but_not_the_warm_ring_s(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let version = consent(&family, &circle, &org, Scope::Full).await;
    let seen: v1::ConsentedCircle = worker
        .get_ok(&format!(
            "/api/v1/organisations/{org}/circles/{circle}?min_version={version}"
        ))
        .await;
    assert_eq!(seen.scope, Scope::Full);
    let texts: Vec<&str> = seen
        .logbook
        .as_ref()
        .expect("a logbook under full consent")
        .iter()
        .map(|e| e.text.as_deref().unwrap())
        .collect();
    assert_eq!(texts, ["Thanks all for the soup"]);
    assert_eq!(seen.open_requests, Some(0));
    assert!(seen.rota.is_some());
}

async fn the_dashboard_lists_consented_circles_and_records_each_look(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let version = consent(&family, &circle, &org, Scope::Signals).await;
    let dashboard = format!("/api/v1/organisations/{org}/dashboard");
    let rows: Vec<v1::DashboardCircle> = worker
        .get_until_as(&dashboard, |rows: &Vec<v1::DashboardCircle>| {
            rows.len() == 1
        })
        .await;
    assert_eq!(rows[0].circle.to_string(), circle);
    assert_eq!(rows[0].focus.name, "Mam");
    assert!(rows[0].rota.is_none(), "signals only: {rows:?}");
    let looked = looks(&family, &circle, version + 1).await;
    assert!(
        looked.iter().all(|l| l.what.contains("dashboard")),
        "{looked:?}"
    );

    // Revoked: the circle leaves the dashboard and its routes are closed again.
    let (status, body) = family
        .delete_as::<v1::Changed>(&format!("/api/v1/circles/{circle}/consents/{org}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    worker
        .get_until_as(&dashboard, |rows: &Vec<v1::DashboardCircle>| {
            rows.is_empty()
        })
        .await;
    let (status, _) = worker
        .get_as::<v1::ConsentedCircle>(&format!("/api/v1/organisations/{org}/circles/{circle}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn only_intermediaries_reach_an_organisation(s: Server) {
    let (family, circle, worker, org) = setting(&s).await;
    let version = consent(&family, &circle, &org, Scope::Full).await;
    // The family's coordinator is not of the organisation: 404 everywhere.
    for path in [
        format!("/api/v1/organisations/{org}"),
        format!("/api/v1/organisations/{org}/dashboard"),
        format!("/api/v1/organisations/{org}/circles/{circle}?min_version={version}"),
    ] {
        // Three routes with three answers: only the refusal is read.
        let (status, body) = family.get_as::<Value>(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body:?}");
    }
    // Inviting a colleague answers the same whether or not the address has
    // an account, and writes nothing to the log: no address oracle.
    let (colleague, colleague_id) = s.person("Cor", "cor@wijkteam.example").await;
    let intermediaries = format!("/api/v1/organisations/{org}/intermediaries");
    let before = s.events().await;
    let mut answers = vec![];
    for email in ["COR@wijkteam.example", "nobody@example.org"] {
        let answer: v1::MailAccepted = worker
            .post_ok(&intermediaries, &add(email), StatusCode::ACCEPTED)
            .await;
        answers.push(answer);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(s.events().await, before);
    // Nobody shows on the organisation's page before accepting.
    let seen: v1::Organisation = worker.get_ok(&format!("/api/v1/organisations/{org}")).await;
    assert_eq!(seen.intermediaries.len(), 1);
    // Once added (as accepting the mailed invitation does), the colleague gets in.
    let worker_id = worker.get_ok::<v1::Me>("/api/v1/me").await.id.to_string();
    s.add_colleague(&org, &worker_id, &colleague_id).await;
    let seen: v1::Organisation = colleague
        .get_ok(&format!("/api/v1/organisations/{org}"))
        .await;
    assert_eq!(seen.name, "Wijkteam Noord");
    assert_eq!(seen.intermediaries.len(), 2);
    // Removed again: the colleague is out.
    let (status, body) = worker
        .delete_as::<v1::Changed>(&format!("{intermediaries}/{colleague_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    let (status, _) = colleague
        .get_as::<v1::Organisation>(&format!("/api/v1/organisations/{org}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An organisation's name is checked.
    worker
        .post_refused(
            "/api/v1/organisations",
            &register("  "),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
}

async fn intermediaries_set_thresholds_and_nobody_else_can(s: Server) {
    let (family, _circle, worker, org) = setting(&s).await;
    let path = format!("/api/v1/organisations/{org}/thresholds");
    let seen: v1::Organisation = worker.get_ok(&format!("/api/v1/organisations/{org}")).await;
    assert_eq!(seen.thresholds, v1::Thresholds::default(), "none at first");
    let wanted = v1::Thresholds {
        open_places: 3,
        carer_at_risk: true,
        silent_days: 14,
    };
    let _: v1::Changed = worker.put_ok(&path, &wanted, StatusCode::OK).await;
    let seen: v1::Organisation = worker.get_ok(&format!("/api/v1/organisations/{org}")).await;
    assert_eq!(seen.thresholds, wanted);
    // Not an intermediary of it: as if there were no organisation.
    let (status, body) = family.put_as::<v1::Changed>(&path, &wanted).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body:?}");
    // Nonsense is refused with its code, and nothing is written.
    let before = s.events().await;
    for (bad, code) in [
        (
            v1::Thresholds {
                open_places: 501,
                ..wanted
            },
            "threshold-open-places",
        ),
        (
            v1::Thresholds {
                silent_days: 366,
                ..wanted
            },
            "threshold-silence",
        ),
    ] {
        let (status, body) = worker.put_as::<v1::Changed>(&path, &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:?}");
        assert_eq!(body.expect_err("a refusal").code, code);
    }
    let (status, body) = worker
        .put_as::<v1::Changed>(&path, &serde_json::json!({"open_places": -1}))
        .await;
    assert!(status.is_client_error(), "{status}: {body:?}");
    assert_eq!(s.events().await, before);
    // Zero switches a signal off.
    let _: v1::Changed = worker
        .put_ok(&path, &v1::Thresholds::default(), StatusCode::OK)
        .await;
    let seen: v1::Organisation = worker.get_ok(&format!("/api/v1/organisations/{org}")).await;
    assert_eq!(seen.thresholds, v1::Thresholds::default());
}

on_both_backends!(
    Server::start =>
    intermediaries_set_thresholds_and_nobody_else_can,
    an_intermediary_sees_nothing_before_consent_and_signals_after,
    full_consent_shows_shared_writing_but_not_the_warm_ring_s,
    the_dashboard_lists_consented_circles_and_records_each_look,
    only_intermediaries_reach_an_organisation,
);
