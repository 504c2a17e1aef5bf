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
                template: None,
                language: None,
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

/// The organisations `who` sees at home, by name.
async fn mine(who: &Browser) -> Vec<String> {
    let mine: Vec<v1::MyOrganisation> = who.get_ok("/api/v1/me/organisations").await;
    mine.into_iter().map(|o| o.name).collect()
}

async fn my_organisations_are_mine_alone_and_go_when_i_leave(s: Server) {
    let (_family, _circle, worker, north) = setting(&s).await;
    let east: v1::Created = worker
        .post_ok(
            "/api/v1/organisations",
            &register("Buurtzorg Oost"),
            StatusCode::CREATED,
        )
        .await;
    let path = "/api/v1/me/organisations";
    let listed: Vec<v1::MyOrganisation> = worker
        .get_until_as(path, |mine: &Vec<v1::MyOrganisation>| mine.len() == 2)
        .await;
    let expected = [
        (east.id.to_string(), "Buurtzorg Oost"),
        (north.clone(), "Wijkteam Noord"),
    ];
    let got: Vec<(String, &str)> = listed
        .iter()
        .map(|o| (o.id.to_string(), o.name.as_str()))
        .collect();
    assert_eq!(got, expected, "by name");

    // Someone else signed in reads their own list, whatever they ask for.
    let worker_id = worker.get_ok::<v1::Me>("/api/v1/me").await.id.to_string();
    let (eve, _) = s.person("Eve", "eve@example.org").await;
    for attempt in [
        path.to_owned(),
        format!("{path}?person={worker_id}"),
        format!("{path}?id={worker_id}&as={worker_id}"),
    ] {
        let theirs: Vec<v1::MyOrganisation> = eve.get_ok(&attempt).await;
        assert_eq!(theirs, vec![], "{attempt}");
    }
    let (status, _) = s.browser().get(path).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "signed out");

    // A colleague added sees the organisation; removed, at once no more.
    let (colleague, colleague_id) = s.person("Cor", "cor@wijkteam.example").await;
    s.add_colleague(&north, &worker_id, &colleague_id).await;
    colleague
        .get_until_as(path, |mine: &Vec<v1::MyOrganisation>| mine.len() == 1)
        .await;
    assert_eq!(mine(&colleague).await, ["Wijkteam Noord"]);
    let (status, body) = worker
        .delete_as::<v1::Changed>(&format!(
            "/api/v1/organisations/{north}/intermediaries/{colleague_id}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    assert_eq!(mine(&colleague).await, Vec::<String>::new(), "left: gone");
    assert_eq!(mine(&worker).await, ["Buurtzorg Oost", "Wijkteam Noord"]);

    // Erased: the worker leaves both, and the index holds nothing of them.
    let (status, body) = worker
        .post(
            "/api/v1/me/deletion",
            serde_json::json!({"password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = worker.get(path).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let person = kring_domain::PersonId(worker_id.parse().unwrap());
    kring_testkit::eventually(
        std::time::Duration::from_secs(10),
        "the erased worker's organisations to be none",
        || async {
            let kept = kring_views::organisations_of(s.test.log.as_ref(), person)
                .await
                .unwrap();
            match kept.organisations.is_empty() {
                true => Ok(()),
                false => Err(format!("{kept:?}")),
            }
        },
    )
    .await;
}

/// A circle around `focus` consenting to `org` (signals), with a shift in two
/// days that needs `helpers` (none: no shift) and, when `lukewarm`, a member
/// of the lukewarm ring. Returns its id and the version after the consent.
async fn consenting(
    s: &Server,
    family: &Browser,
    org: &str,
    focus: &str,
    helpers: u8,
    lukewarm: bool,
) -> (String, u64) {
    let (status, created) = family
        .post("/api/v1/circles", serde_json::json!({"focus_name": focus}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let circle = created["id"].as_str().unwrap().to_owned();
    if lukewarm {
        s.join(family, &circle, "lukewarm").await;
    }
    if helpers > 0 {
        let day = (chrono::Utc::now() + chrono::Duration::days(2)).date_naive();
        let (status, body) = family
            .post(
                &format!("/api/v1/circles/{circle}/shifts"),
                serde_json::json!({"title": "Dinner", "starts": format!("{day}T12:00"),
                    "duration_minutes": 60, "helpers_needed": helpers, "rings": ["warm"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let version = consent(family, &circle, org, Scope::Signals).await;
    (circle, version)
}

/// The focus names of a dashboard's answer, in its order.
fn names(rows: &[v1::DashboardCircle]) -> Vec<&str> {
    rows.iter().map(|r| r.focus.name.as_str()).collect()
}

async fn the_dashboard_puts_what_needs_attention_first_and_filters(s: Server) {
    let (family, _, worker, org) = setting(&s).await;
    let thresholds = v1::Thresholds {
        open_places: 2,
        carer_at_risk: false,
        silent_days: 0,
    };
    let _: v1::Changed = worker
        .put_ok(
            &format!("/api/v1/organisations/{org}/thresholds"),
            &thresholds,
            StatusCode::OK,
        )
        .await;
    // Anna: one open place, under the threshold, and only the warm ring.
    // Bert: three open places and only the warm ring. Cees: all well.
    let (anna, anna_version) = consenting(&s, &family, &org, "Anna", 1, false).await;
    consenting(&s, &family, &org, "Bert", 3, false).await;
    consenting(&s, &family, &org, "Cees", 0, true).await;
    let dashboard = format!("/api/v1/organisations/{org}/dashboard");

    // Filtered first: every consenting circle is looked at all the same.
    let only_cees: Vec<v1::DashboardCircle> = worker
        .get_until_as(&format!("{dashboard}?q=%20ee%20"), |rows: &Vec<_>| {
            !rows.is_empty()
        })
        .await;
    assert_eq!(names(&only_cees), ["Cees"]);
    assert_eq!(only_cees[0].attention, vec![]);
    let looked = looks(&family, &anna, anna_version + 1).await;
    assert!(
        looked.iter().any(|l| l.code == "dashboard"),
        "a circle the filter left out was looked at too: {looked:?}"
    );

    let all: Vec<v1::DashboardCircle> = worker.get_ok(&dashboard).await;
    assert_eq!(names(&all), ["Bert", "Anna", "Cees"], "{all:?}");
    use v1::Attention::{OnlyWarm, OpenPlaces};
    let reasons: Vec<_> = all.iter().map(|r| r.attention.clone()).collect();
    assert_eq!(
        reasons,
        [vec![OpenPlaces, OnlyWarm], vec![OnlyWarm], vec![]]
    );
    assert_eq!(all[1].signals.open_shift_places_next_7_days, 1);
    for (query, expected) in [
        ("needs_attention=true", vec!["Bert", "Anna"]),
        ("needs_attention=false", vec!["Bert", "Anna", "Cees"]),
        ("signal=open_places", vec!["Bert"]),
        ("signal=only_warm&q=ANN", vec!["Anna"]),
        ("needs_attention=true&q=cees", vec![]),
        ("q=", vec!["Bert", "Anna", "Cees"]),
    ] {
        let rows: Vec<v1::DashboardCircle> = worker.get_ok(&format!("{dashboard}?{query}")).await;
        assert_eq!(names(&rows), expected, "{query}");
    }
    // A signal the API does not know is refused, not ignored.
    let (status, body) = worker.get(&format!("{dashboard}?signal=bogus")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // With the threshold at one open place, Anna's counts too.
    let _: v1::Changed = worker
        .put_ok(
            &format!("/api/v1/organisations/{org}/thresholds"),
            &v1::Thresholds {
                open_places: 1,
                ..thresholds
            },
            StatusCode::OK,
        )
        .await;
    let rows: Vec<v1::DashboardCircle> = worker
        .get_ok(&format!("{dashboard}?signal=open_places"))
        .await;
    assert_eq!(names(&rows), ["Bert", "Anna"], "{rows:?}");
}

on_both_backends!(
    Server::start =>
    my_organisations_are_mine_alone_and_go_when_i_leave,
    the_dashboard_puts_what_needs_attention_first_and_filters,
    intermediaries_set_thresholds_and_nobody_else_can,
    an_intermediary_sees_nothing_before_consent_and_signals_after,
    full_consent_shows_shared_writing_but_not_the_warm_ring_s,
    the_dashboard_lists_consented_circles_and_records_each_look,
    only_intermediaries_reach_an_organisation,
);
