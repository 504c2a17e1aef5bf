//! A circle's life over real HTTP, on both backends: a coordinator pauses it
//! (no shifts, none taken), resumes it, and ends it (what is open closes, the
//! rota and calendar feeds empty, every change refused, reading still open).
//! Every refusal leaves the log as it was.

mod common;

use chrono::{Duration, NaiveDate, Utc};
use common::{Browser, Server};
use kring_protocol::v1;
use kring_testkit::on_both_backends;
use reqwest::StatusCode;

on_both_backends!(
    Server::start =>
    a_circle_pauses_resumes_and_ends,
    only_its_coordinators_change_a_circles_life,
    coordination_is_handed_over_in_one_step,
);

async fn circle(s: &Server) -> (Browser, String) {
    let (ann, _) = s.person("Ann de Vries", "ann@example.org").await;
    let created: v1::Created = ann
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
    (ann, created.id.to_string())
}

/// A date a few days ahead: its shifts have surely not started.
fn soon() -> NaiveDate {
    (Utc::now() + Duration::days(3)).date_naive()
}

async fn read_circle(browser: &Browser, circle: &str, version: u64) -> v1::Circle {
    browser
        .get_ok(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await
}

async fn slots(browser: &Browser, circle: &str, version: u64) -> Vec<v1::RotaSlot> {
    let rota: v1::Rota = browser
        .get_ok(&format!(
            "/api/v1/circles/{circle}/rota?from={}&days=21&min_version={version}",
            soon()
        ))
        .await;
    rota.slots
}

async fn changed(browser: &Browser, path: &str, body: &impl serde::Serialize) -> u64 {
    let changed: v1::Changed = browser.post_ok(path, body, StatusCode::OK).await;
    changed.version
}

fn pause(message: &str) -> v1::PauseCircle {
    v1::PauseCircle {
        message: Some(message.into()),
    }
}

async fn a_circle_pauses_resumes_and_ends(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let base = format!("/api/v1/circles/{circle}");
    let shift: v1::Created = ann
        .post_ok(
            &format!("{base}/shifts"),
            &v1::ScheduleShift {
                title: "Koffie met mam".into(),
                starts: format!("{}T10:00", soon()),
                duration_minutes: 90,
                weekly: Some(v1::WeeklyShift::default()),
                helpers_needed: 2,
                rings: vec![v1::Ring::Warm],
            },
            StatusCode::CREATED,
        )
        .await;
    let claim = format!("{base}/shifts/{}/dates/{}/claim", shift.id, soon());
    let version = changed(&bob, &claim, &()).await;
    assert_eq!(slots(&bob, &circle, version).await.len(), 3);
    let start = Utc::now() + Duration::days(2);
    let asked: v1::Created = bob
        .post_ok(
            &format!("{base}/requests"),
            &v1::AskForHelp {
                category: v1::Category::Groceries,
                window_start: start,
                window_end: start + Duration::hours(3),
                duration_minutes: 60,
                details: "Brood en fruit".into(),
                place: None,
                on_behalf_of_focus: false,
            },
            StatusCode::CREATED,
        )
        .await;
    let feed: v1::CalendarFeedCreated = bob
        .post_ok(
            &format!("{base}/calendar-feeds"),
            &v1::CreateCalendarFeed {
                scope: v1::CalendarScope::Circle,
            },
            StatusCode::CREATED,
        )
        .await;
    assert!(ics(&feed.url).await.contains("BEGIN:VEVENT"));

    // Paused: no shifts, none taken, the message for everyone.
    let too_long = "x".repeat(501);
    let events = s.events().await;
    let problem = ann
        .post_refused(
            &format!("{base}/pause"),
            &pause(&too_long),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(problem.code, "message-length");
    assert_eq!(s.events().await, events, "nothing written");
    let version = changed(
        &ann,
        &format!("{base}/pause"),
        &pause("Mam ligt in het ziekenhuis"),
    )
    .await;
    let seen = read_circle(&bob, &circle, version).await;
    assert_eq!(seen.life.state, v1::LifeState::Paused);
    assert_eq!(
        seen.life.message.as_deref(),
        Some("Mam ligt in het ziekenhuis")
    );
    assert!(seen.life.since.is_some());
    assert!(slots(&bob, &circle, version).await.is_empty());
    let events = s.events().await;
    let problem = bob.post_refused(&claim, &(), StatusCode::CONFLICT).await;
    assert_eq!(problem.code, "circle-paused");
    let problem = ann
        .post_refused(
            &format!("{base}/pause"),
            &pause("nog eens"),
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(problem.code, "circle-already-paused");
    assert_eq!(s.events().await, events, "nothing written");
    let mine: Vec<v1::CircleSummary> = bob.get_ok("/api/v1/circles").await;
    assert_eq!(mine[0].life, v1::LifeState::Paused);

    // Resumed: the rota as it was, Bob still on his date.
    let version = changed(&ann, &format!("{base}/resume"), &()).await;
    let back = slots(&bob, &circle, version).await;
    assert_eq!(back.len(), 3);
    assert!(back[0].you_are_on);
    assert_eq!(
        read_circle(&bob, &circle, version).await.life.state,
        v1::LifeState::Active
    );
    let problem = ann
        .post_refused(&format!("{base}/resume"), &(), StatusCode::CONFLICT)
        .await;
    assert_eq!(problem.code, "circle-not-paused");

    // An invitation made before the end is no way in after it.
    let invited: v1::InvitationCreated = ann
        .post_ok(
            &format!("{base}/invitations"),
            &v1::Invite {
                ring: v1::Ring::Warm,
                role: v1::Role::Member,
                task: None,
                expires_in_days: None,
            },
            StatusCode::CREATED,
        )
        .await;

    // Ended: what is open closes, the rota and the feed empty, read-only.
    let end = v1::EndCircle {
        reason: v1::EndReason::Died,
        message: Some("Dank jullie wel, voor alles".into()),
    };
    let version = changed(&ann, &format!("{base}/end"), &end).await;
    let seen = read_circle(&bob, &circle, version).await;
    assert_eq!(seen.life.state, v1::LifeState::Ended);
    assert_eq!(seen.life.reason, Some(v1::EndReason::Died));
    assert_eq!(
        seen.life.message.as_deref(),
        Some("Dank jullie wel, voor alles")
    );
    assert!(slots(&bob, &circle, version).await.is_empty());
    let requests: v1::Requests = bob
        .get_ok(&format!("{base}/requests?min_version={version}"))
        .await;
    assert!(
        requests
            .requests
            .iter()
            .all(|r| r.id != asked.id || r.status == v1::RequestStatus::Cancelled),
        "the open request was cancelled: {:?}",
        requests.requests
    );
    let calendar = ics(&feed.url).await;
    assert!(
        calendar.contains("BEGIN:VCALENDAR"),
        "the feed still answers"
    );
    assert!(
        !calendar.contains("BEGIN:VEVENT"),
        "and is empty: {calendar}"
    );

    let (stranger, _) = s.person("Sam", "sam@example.org").await;
    let events = s.events().await;
    let problem = bob
        .post_refused(
            &format!("{base}/logbook"),
            &v1::WriteLogbookEntry {
                text: "Nog één ding".into(),
                visibility: v1::Visibility::WholeCircle,
            },
            StatusCode::CONFLICT,
        )
        .await;
    assert_eq!(problem.code, "circle-ended");
    for path in ["pause", "resume", "end"] {
        let (status, _) = ann
            .post_as::<serde_json::Value>(&format!("{base}/{path}"), &end)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}");
    }
    let (status, _) = stranger
        .post_as::<serde_json::Value>(
            "/api/v1/invitations/accept",
            &v1::AcceptInvitation { code: invited.code },
        )
        .await;
    assert!(!status.is_success(), "{status}");
    assert_eq!(s.events().await, events, "nothing written");
    // Reading stays open to the members: the logbook for the keepsake.
    let (status, _) = bob.get(&format!("{base}/logbook")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = stranger.get(&format!("{base}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn only_its_coordinators_change_a_circles_life(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let (sam, _) = s.person("Sam", "sam@example.org").await;
    let base = format!("/api/v1/circles/{circle}");
    let events = s.events().await;
    let problem = bob
        .post_refused(
            &format!("{base}/pause"),
            &pause("mag ik?"),
            StatusCode::FORBIDDEN,
        )
        .await;
    assert_eq!(problem.code, "only-coordinators");
    let end = v1::EndCircle {
        reason: v1::EndReason::Recovered,
        message: None,
    };
    bob.post_refused(&format!("{base}/end"), &end, StatusCode::FORBIDDEN)
        .await;
    // A stranger learns nothing: the same 404 as for no circle at all.
    let hidden = sam
        .post_refused(&format!("{base}/end"), &end, StatusCode::NOT_FOUND)
        .await;
    let none = sam
        .post_refused(
            &format!("/api/v1/circles/{}/end", uuid::Uuid::new_v4()),
            &end,
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(hidden, none);
    assert_eq!(s.events().await, events, "nothing written");
}

/// A calendar feed's text, fetched as a calendar app would (no session).
async fn ics(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

async fn coordination_is_handed_over_in_one_step(s: Server) {
    let (ann, circle) = circle(&s).await;
    let (bob, bob_id) = s.join(&ann, &circle, "warm").await;
    let (lisa, lisa_id) = s.join(&ann, &circle, "lukewarm").await;
    let base = format!("/api/v1/circles/{circle}");
    let ask = |person: &str| format!("{base}/members/{person}/hand-over");
    let answer = format!("{base}/coordination");
    let yes = v1::AnswerCoordination { accept: true };

    // Nobody asked Bob yet: his answer is a 404 that writes nothing; the
    // lukewarm ring is not asked; Bob cannot ask on Ann's behalf.
    let events = s.events().await;
    let problem = bob.post_refused(&answer, &yes, StatusCode::NOT_FOUND).await;
    assert_eq!(problem.code, "no-coordination-offered");
    let problem = ann
        .post_refused(&ask(&lisa_id), &(), StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    assert_eq!(problem.code, "coordinators-are-warm");
    bob.post_refused(&ask(&lisa_id), &(), StatusCode::FORBIDDEN)
        .await;
    assert_eq!(s.events().await, events, "nothing written");

    let version = changed(&ann, &ask(&bob_id), &()).await;
    let seen = read_circle(&bob, &circle, version).await;
    let offer = seen.coordination_offer.expect("Bob sees he is asked");
    assert_eq!(offer.from.name, "Ann de Vries");
    assert_eq!(offer.to.id.to_string(), bob_id);
    // Lisa does not see who was asked; Ann does.
    assert!(read_circle(&lisa, &circle, version)
        .await
        .coordination_offer
        .is_none());
    assert!(read_circle(&ann, &circle, version)
        .await
        .coordination_offer
        .is_some());
    let problem = ann
        .post_refused(&ask(&bob_id), &(), StatusCode::CONFLICT)
        .await;
    assert_eq!(problem.code, "coordination-already-offered");
    lisa.post_refused(&answer, &yes, StatusCode::NOT_FOUND)
        .await;

    // Bob says yes: he coordinates, Ann stays, in the warm ring.
    let version = changed(&bob, &answer, &yes).await;
    let members: v1::Members = bob
        .get_ok(&format!("{base}/members?min_version={version}"))
        .await;
    let role = |name: &str| {
        let m = members
            .members
            .iter()
            .find(|m| m.person.name == name)
            .unwrap();
        (m.ring, m.coordinator)
    };
    assert_eq!(role("Ann de Vries"), (v1::Ring::Warm, false));
    assert!(role("A warm member").1);
    assert!(read_circle(&bob, &circle, version)
        .await
        .coordination_offer
        .is_none());
    // Answering again: nothing stands any more.
    bob.post_refused(&answer, &yes, StatusCode::NOT_FOUND).await;
}
