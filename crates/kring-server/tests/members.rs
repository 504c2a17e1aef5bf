//! Members and rings, invitations and joining, consent and "who looked", and
//! the figures (load, reciprocity, health, suggestions), over real HTTP on
//! both backends. What other slices of the API do (organisations, requests,
//! thanks) is set up with the domain's commands on the server's log directly.

mod common;

use chrono::{Duration, Utc};
use common::{Browser, Server};
use kring_app::{Commands, SessionToken, Vault};
use kring_domain::{
    Action, Actor, Category, CircleCommand, CircleId, InvitationId, InvitedAs, Looked, Minutes,
    OrganisationAction, OrganisationCommand, OrganisationId, PersonId, RequestId, Ring, Services,
    ThanksFor, TimeWindow,
};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    Server::start =>
    invite_and_join,
    a_code_that_does_not_work_is_one_404_whatever_the_reason,
    only_coordinators_invite_and_see_invitations,
    a_volunteer_joins_for_one_task_and_sees_only_themself,
    a_coordinator_moves_members_between_rings,
    coordinators_are_appointed_and_step_down_but_never_the_last,
    members_leave_and_are_removed,
    consent_is_granted_listed_and_revoked,
    looks_are_for_the_coordinators_and_the_focus_person,
    load_and_reciprocity_are_private_to_each_member,
    health_and_suggestions_are_for_coordinators,
    the_circle_says_what_each_member_may_read,
);

const LINK_GONE: &str =
    "this invitation link does not work any more: ask whoever invited you for a new one";

/// Ann, who starts a circle for Mam: her browser, her id and the circle's id.
async fn circle(s: &Server) -> (Browser, String, String) {
    let (ann, ann_id) = s.person("Ann de Vries", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (ann, ann_id, created["id"].as_str().unwrap().to_owned())
}

fn commands(s: &Server) -> Commands {
    Commands::new(s.test.log.clone(), Services::system())
}

/// Runs a circle command directly (for the parts of the API others write).
async fn run(commands: &Commands, circle: &str, actor: Actor, action: Action) -> u64 {
    let circle: CircleId = circle.parse().unwrap();
    let metadata = kring_store::metadata::of(actor.person.0, None);
    commands
        .circle(circle, CircleCommand { actor, action }, metadata)
        .await
        .expect("the command is accepted")
}

/// Signs up `name` and has them join through the invitation routes.
async fn join(
    s: &Server,
    coordinator: &Browser,
    circle: &str,
    name: &str,
    ring: &str,
) -> (Browser, String) {
    s.join_with(coordinator, circle, name, json!({"ring": ring}))
        .await
}

fn person(id: &str) -> PersonId {
    id.parse().unwrap()
}

/// The members list as `browser` sees it, once it holds `version`:
/// (name, ring, coordinator, focus) each.
async fn members(
    browser: &Browser,
    circle: &str,
    version: u64,
) -> Vec<(String, String, bool, bool)> {
    let (status, body) = browser
        .get(&format!(
            "/api/v1/circles/{circle}/members?min_version={version}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["version"].as_u64().unwrap() >= version);
    body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["person"]["name"].as_str().unwrap().to_owned(),
                m["ring"].as_str().unwrap().to_owned(),
                m["coordinator"].as_bool().unwrap(),
                m["focus"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn row(name: &str, ring: &str, coordinator: bool, focus: bool) -> (String, String, bool, bool) {
    (name.to_owned(), ring.to_owned(), coordinator, focus)
}

fn version(body: &Value) -> u64 {
    body["version"]
        .as_u64()
        .unwrap_or_else(|| panic!("no version in {body}"))
}

async fn invite_and_join(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (status, invited) = ann
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "lukewarm"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    let invitation = invited["id"].as_str().unwrap().to_owned();
    let code = invited["code"].as_str().unwrap().to_owned();
    let parts: Vec<&str> = code.split('.').collect();
    assert_eq!(parts.len(), 3, "{code}");
    assert_eq!((parts[0], parts[1]), (circle.as_str(), invitation.as_str()));
    assert_eq!(parts[2].len(), 43, "32 random bytes, base64url: {code}");
    assert_eq!(invited["link"], format!("{}/join#{code}", s.base));
    let expires_at: chrono::DateTime<Utc> =
        serde_json::from_value(invited["expires_at"].clone()).unwrap();
    let hours = (expires_at - Utc::now()).num_hours();
    assert!(
        (13 * 24..=14 * 24).contains(&hours),
        "14 days by default: {expires_at}"
    );

    // Coordinators see it open, without its secret; the log has only its hash.
    let (status, open) = ann
        .get(&format!(
            "/api/v1/circles/{circle}/invitations?min_version={}",
            version(&invited)
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{open}");
    assert_eq!(open["invitations"].as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open["invitations"][0]["id"], invitation.as_str());
    assert_eq!(open["invitations"][0]["ring"], "lukewarm");
    assert_eq!(open["invitations"][0]["role"], "member");
    assert!(!open.to_string().contains(parts[2]), "{open}");
    let stream = kring_store::StreamName::circle(circle.parse().unwrap());
    let stored = s.test.log.read_stream(&stream, 0, 1000).await.unwrap();
    assert!(stored.iter().any(|e| e.event_type == "InvitationIssued"));
    assert!(stored.iter().all(|e| {
        !e.payload.to_string().contains(parts[2]) && !e.metadata.to_string().contains(parts[2])
    }));

    let (bob, bob_id) = s.person("Bob Jansen", "bob@example.org").await;
    let (status, joined) = bob
        .post("/api/v1/invitations/accept", json!({"code": code}))
        .await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["circle"], circle.as_str());
    let joined_at = version(&joined);

    let expected = vec![
        row("Mam", "warm", false, true),
        row("Ann de Vries", "warm", true, false),
        row("Bob Jansen", "lukewarm", false, false),
    ];
    assert_eq!(members(&ann, &circle, joined_at).await, expected);
    assert_eq!(members(&bob, &circle, joined_at).await, expected);
    let (_, body) = bob.get(&format!("/api/v1/circles/{circle}/members")).await;
    let me = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"]["name"] == "Bob Jansen")
        .unwrap()
        .clone();
    assert_eq!(me["person"]["id"], bob_id.as_str());
    let (status, seen) = bob.get(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["you"]["ring"], "lukewarm");

    // Used: the same code again, by someone else or by Bob, writes nothing.
    let before = s.events().await;
    let (carol, _) = s.person("Carol", "carol@example.org").await;
    let before_carol = s.events().await;
    for browser in [&carol, &bob] {
        let (status, problem) = browser
            .post("/api/v1/invitations/accept", json!({"code": code}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
        assert_eq!(problem["code"], "invitation-link-gone");
        assert_eq!(problem["detail"], LINK_GONE);
    }
    assert_eq!(s.events().await, before_carol);
    assert!(before_carol > before, "signing up Carol wrote her account");
    let (status, carol_sees) = carol.get(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{carol_sees}");

    // A used invitation is no longer open.
    let (_, open) = ann
        .get(&format!("/api/v1/circles/{circle}/invitations"))
        .await;
    assert_eq!(open["invitations"], json!([]));
}

async fn a_code_that_does_not_work_is_one_404_whatever_the_reason(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (carol, _) = s.person("Carol", "carol@example.org").await;
    let accept = |code: String| {
        let carol = &carol;
        async move {
            carol
                .post("/api/v1/invitations/accept", json!({"code": code}))
                .await
        }
    };

    // Revoked.
    let (status, invited) = ann
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "warm", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    let revoked = invited["code"].as_str().unwrap().to_owned();
    let (status, body) = ann
        .delete(&format!(
            "/api/v1/circles/{circle}/invitations/{}",
            invited["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Revoking it again is a conflict; an unknown invitation is 404.
    let (status, body) = ann
        .delete(&format!(
            "/api/v1/circles/{circle}/invitations/{}",
            invited["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = ann
        .delete(&format!(
            "/api/v1/circles/{circle}/invitations/{}",
            Uuid::new_v4()
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Expired: issued two days ago for one day, by the domain's own rules.
    let secret = SessionToken::generate().unwrap();
    let hash: String = secret.hash().iter().map(|b| format!("{b:02x}")).collect();
    let invitation = InvitationId(Uuid::new_v4());
    let past = Commands::new(
        s.test.log.clone(),
        Services::at(Utc::now() - Duration::days(2)),
    );
    run(
        &past,
        &circle,
        Actor::person(person(&ann_id)),
        Action::Invite {
            invitation,
            ring: Ring::Lukewarm,
            role: InvitedAs::Member,
            task: None,
            token_hash: hash,
            expires_at: Utc::now() - Duration::days(1),
        },
    )
    .await;
    let expired = format!("{circle}.{invitation}.{}", secret.as_str());

    // A good invitation, with its secret changed; a circle that does not exist.
    let (status, invited) = ann
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "lukewarm"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    let good = invited["code"].as_str().unwrap().to_owned();
    let (head, secret_part) = good.rsplit_once('.').unwrap();
    let first = if secret_part.starts_with('A') {
        "B"
    } else {
        "A"
    };
    let wrong_secret = format!("{head}.{first}{}", &secret_part[1..]);
    let other_circle = format!("{}.{}", Uuid::new_v4(), good.split_once('.').unwrap().1);

    let before = s.events().await;
    for code in [
        revoked,
        expired,
        wrong_secret,
        other_circle,
        "not a code".to_owned(),
        String::new(),
    ] {
        let (status, problem) = accept(code.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{code}: {problem}");
        assert_eq!(problem["code"], "invitation-link-gone", "{code}");
    }
    assert_eq!(s.events().await, before, "nothing was written");

    // The good code still works; a member who is in already is told so.
    let (status, joined) = accept(good.clone()).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    let (status, invited) = ann
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "warm"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    let before = s.events().await;
    let (status, problem) = accept(invited["code"].as_str().unwrap().to_owned()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(s.events().await, before);
    let in_circle = members(&ann, &circle, version(&joined)).await;
    assert!(in_circle.contains(&row("Carol", "lukewarm", false, false)));
}

async fn only_coordinators_invite_and_see_invitations(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let invitations = format!("/api/v1/circles/{circle}/invitations");
    let before = s.events().await;

    let (status, problem) = bob.post(&invitations, json!({"ring": "lukewarm"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, problem) = bob.get(&invitations).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, problem) = stranger
        .post(&invitations, json!({"ring": "lukewarm"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, not_mine) = stranger.get(&invitations).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{not_mine}");
    let (_, missing) = stranger
        .get(&format!("/api/v1/circles/{}/invitations", Uuid::new_v4()))
        .await;
    assert_eq!(not_mine, missing, "the same 404 as for no circle at all");

    // Input that cannot be right.
    for (body, why) in [
        (
            json!({"ring": "lukewarm", "expires_in_days": 0}),
            "invitation-days",
        ),
        (
            json!({"ring": "lukewarm", "expires_in_days": 31}),
            "invitation-days",
        ),
        (
            json!({"ring": "lukewarm", "role": "coordinator"}),
            "coordinators-are-warm",
        ),
        (json!({"ring": "cold"}), "volunteer-needs-task"),
        (
            json!({"ring": "warm", "task": Uuid::new_v4()}),
            "task-only-for-cold-ring",
        ),
    ] {
        let (status, problem) = ann.post(&invitations, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem["code"], why, "{problem}");
    }
    assert_eq!(s.events().await, before);

    // A coordinator can invite another coordinator.
    let (dora, _) = s
        .join_with(
            &ann,
            &circle,
            "Dora",
            json!({"ring": "warm", "role": "coordinator", "expires_in_days": 30}),
        )
        .await;
    let (status, open) = dora.get(&invitations).await;
    assert_eq!(status, StatusCode::OK, "{open}");
}

async fn a_volunteer_joins_for_one_task_and_sees_only_themself(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", "lukewarm").await;
    let commands = commands(&s);
    let request = RequestId(Uuid::new_v4());
    let ann_actor = Actor::person(person(&ann_id));
    let start = Utc::now() + Duration::days(2);
    run(
        &commands,
        &circle,
        ann_actor,
        Action::RequestHelp {
            request,
            category: Category::Groceries,
            window: TimeWindow::new(start, start + Duration::hours(2)).unwrap(),
            duration: Minutes::new(60).unwrap(),
            details: Vault::new(s.test.log.clone())
                .seal(person(&ann_id), "milk and bread")
                .await
                .unwrap(),
            place: None,
            on_behalf_of_focus: false,
        },
    )
    .await;
    run(
        &commands,
        &circle,
        ann_actor,
        Action::WidenRequest {
            request,
            to: Ring::Cold,
        },
    )
    .await;

    let (vera, vera_id) = s
        .join_with(
            &ann,
            &circle,
            "Vera Volunteer",
            json!({"ring": "cold", "task": request.0}),
        )
        .await;
    let (status, body) = vera.get(&format!("/api/v1/circles/{circle}/members")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["members"],
        json!([{
            "person": {"id": vera_id, "name": "Vera Volunteer", "forgotten": false},
            "ring": "cold", "coordinator": false, "focus": false, "task": request.0,
        }])
    );
    let at = version(&body);
    let seen_by_bob = members(&bob, &circle, at).await;
    assert!(seen_by_bob.contains(&row("Vera Volunteer", "cold", false, false)));
    assert_eq!(
        seen_by_bob.last().unwrap().0,
        "Vera Volunteer",
        "cold comes last"
    );

    // Volunteers come and go through the marketplace, not by a change of ring.
    let before = s.events().await;
    let (status, problem) = ann
        .put(
            &format!("/api/v1/circles/{circle}/members/{vera_id}/ring"),
            json!({"ring": "lukewarm"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(s.events().await, before);
}

async fn a_coordinator_moves_members_between_rings(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, bob_id) = join(&s, &ann, &circle, "Bob", "lukewarm").await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", "lukewarm").await;
    let ring_of = |id: &str| format!("/api/v1/circles/{circle}/members/{id}/ring");

    let (status, changed) = ann.put(&ring_of(&bob_id), json!({"ring": "warm"})).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let seen = members(&carol, &circle, version(&changed)).await;
    assert_eq!(seen[2], row("Bob", "warm", false, false), "{seen:?}");
    let (_, me) = bob
        .get(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            version(&changed)
        ))
        .await;
    assert_eq!(me["you"]["ring"], "warm");

    let before = s.events().await;
    let focus = members_raw(&ann, &circle).await["members"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (who, path, ring, status) in [
        // Only coordinators change rings.
        (&bob, ring_of(&carol_id), "warm", StatusCode::FORBIDDEN),
        // Already there.
        (&ann, ring_of(&bob_id), "warm", StatusCode::CONFLICT),
        // The focus person and coordinators stay warm.
        (
            &ann,
            ring_of(&focus),
            "lukewarm",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &ann,
            ring_of(&ann_id),
            "lukewarm",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Nobody of that id.
        (
            &ann,
            ring_of(&Uuid::new_v4().to_string()),
            "warm",
            StatusCode::NOT_FOUND,
        ),
        (&ann, ring_of("nobody"), "warm", StatusCode::NOT_FOUND),
    ] {
        let (got, problem) = who.put(&path, json!({"ring": ring})).await;
        assert_eq!(got, status, "{path} {ring}: {problem}");
    }
    let (status, problem) = ann.put(&ring_of(&bob_id), json!({"ring": "hot"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let before_stranger = s.events().await;
    let (status, problem) = stranger
        .put(&ring_of(&bob_id), json!({"ring": "lukewarm"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(s.events().await, before_stranger);
    assert!(before_stranger > before);
}

async fn members_raw(browser: &Browser, circle: &str) -> Value {
    let (status, body) = browser
        .get(&format!("/api/v1/circles/{circle}/members"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn coordinators_are_appointed_and_step_down_but_never_the_last(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let coordinator = |id: &str| format!("/api/v1/circles/{circle}/members/{id}/coordinator");

    // Ann is the only coordinator.
    let before = s.events().await;
    let (status, problem) = ann.delete(&coordinator(&ann_id)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "last-coordinator");
    assert_eq!(s.events().await, before);

    let (bob, bob_id) = join(&s, &ann, &circle, "Bob", "warm").await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", "lukewarm").await;
    let before = s.events().await;
    for (who, path, status) in [
        // Coordinators are warm.
        (
            &ann,
            coordinator(&carol_id),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Only coordinators appoint.
        (&carol, coordinator(&bob_id), StatusCode::FORBIDDEN),
        (&ann, coordinator(&ann_id), StatusCode::CONFLICT),
    ] {
        let (got, problem) = who.post(&path, json!({})).await;
        assert_eq!(got, status, "{path}: {problem}");
    }
    assert_eq!(s.events().await, before);

    let (status, appointed) = ann.post(&coordinator(&bob_id), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{appointed}");
    let seen = members(&carol, &circle, version(&appointed)).await;
    assert!(seen.contains(&row("Bob", "warm", true, false)), "{seen:?}");

    // Bob cannot step Ann down: only oneself.
    let before = s.events().await;
    let (status, problem) = bob.delete(&coordinator(&ann_id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let before_stranger = s.events().await;
    let (status, problem) = stranger.delete(&coordinator(&ann_id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(problem["code"], "no-such-circle");
    assert_eq!(s.events().await, before_stranger);
    assert!(before_stranger > before);

    let (status, stepped) = ann.delete(&coordinator(&ann_id)).await;
    assert_eq!(status, StatusCode::OK, "{stepped}");
    let seen = members(&ann, &circle, version(&stepped)).await;
    assert!(
        seen.contains(&row("Ann de Vries", "warm", false, false)),
        "{seen:?}"
    );
    let (_, me) = ann
        .get(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            version(&stepped)
        ))
        .await;
    assert_eq!(me["you"]["coordinator"], false);

    // Now Bob is the last one.
    let before = s.events().await;
    let (status, problem) = bob.delete(&coordinator(&bob_id)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (status, problem) = ann.post(&coordinator(&ann_id), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(s.events().await, before);
}

async fn members_leave_and_are_removed(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", "warm").await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", "lukewarm").await;
    let (dave, dave_id) = join(&s, &ann, &circle, "Dave", "lukewarm").await;
    let member = |id: &str| format!("/api/v1/circles/{circle}/members/{id}");
    let focus = members_raw(&ann, &circle).await["members"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let before = s.events().await;
    for (who, path, status) in [
        // Only coordinators remove others.
        (&bob, member(&dave_id), StatusCode::FORBIDDEN),
        // The circle is there for its focus person.
        (&ann, member(&focus), StatusCode::UNPROCESSABLE_ENTITY),
        // The last coordinator cannot leave.
        (&ann, member(&ann_id), StatusCode::CONFLICT),
        (
            &ann,
            member(&Uuid::new_v4().to_string()),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (got, problem) = who.delete(&path).await;
        assert_eq!(got, status, "{path}: {problem}");
    }
    assert_eq!(s.events().await, before);

    // Carol leaves.
    let (status, left) = carol.delete(&member(&carol_id)).await;
    assert_eq!(status, StatusCode::OK, "{left}");
    let (status, problem) = carol
        .get(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            version(&left)
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");

    // Dave is removed, and then the circle is not his to see or change.
    let (status, removed) = ann.delete(&member(&dave_id)).await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    let at = version(&removed);
    let (status, problem) = dave
        .get(&format!("/api/v1/circles/{circle}?min_version={at}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, problem) = dave
        .get(&format!(
            "/api/v1/circles/{circle}/members?min_version={at}"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let before = s.events().await;
    let (status, problem) = dave.delete(&member(&dave_id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert_eq!(s.events().await, before);

    assert_eq!(
        members(&bob, &circle, at).await,
        vec![
            row("Mam", "warm", false, true),
            row("Ann de Vries", "warm", true, false),
            row("Bob", "warm", false, false),
        ]
    );
}

/// An organisation with Olga as its intermediary, registered through the
/// domain directly.
async fn organisation(s: &Server, name: &str) -> (Browser, String, OrganisationId) {
    let (olga, olga_id) = s.person("Olga Wijkteam", "olga@example.org").await;
    let organisation = OrganisationId(Uuid::new_v4());
    commands(s)
        .organisation(
            organisation,
            OrganisationCommand {
                actor: person(&olga_id),
                action: OrganisationAction::Register {
                    organisation,
                    name: name.to_owned(),
                },
            },
        )
        .await
        .expect("register the organisation");
    (olga, olga_id, organisation)
}

async fn consent_is_granted_listed_and_revoked(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", "warm").await;
    let (carol, _) = join(&s, &ann, &circle, "Carol", "lukewarm").await;
    let (_, _, org) = organisation(&s, "Wijkteam Noord").await;
    let consents = format!("/api/v1/circles/{circle}/consents");
    let consent = format!("{consents}/{org}");

    let before = s.events().await;
    for (who, path, body, status) in [
        // The coordinators and the focus person decide.
        (
            &bob,
            consent.clone(),
            json!({"scope": "signals"}),
            StatusCode::FORBIDDEN,
        ),
        (
            &carol,
            consent.clone(),
            json!({"scope": "full"}),
            StatusCode::FORBIDDEN,
        ),
        (
            &ann,
            format!("{consents}/{}", Uuid::new_v4()),
            json!({"scope": "signals"}),
            StatusCode::NOT_FOUND,
        ),
        (
            &ann,
            consent.clone(),
            json!({"scope": "signals", "from": Utc::now() - Duration::days(1)}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &ann,
            consent.clone(),
            json!({"scope": "everything"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (got, problem) = who.put(&path, body.clone()).await;
        assert_eq!(got, status, "{path} {body}: {problem}");
    }
    assert_eq!(s.events().await, before);

    let (status, granted) = ann.put(&consent, json!({"scope": "signals"})).await;
    assert_eq!(status, StatusCode::OK, "{granted}");
    let at = version(&granted);
    for reader in [&ann, &bob] {
        let (status, body) = reader.get(&format!("{consents}?min_version={at}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let list = body["consents"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{body}");
        assert_eq!(
            list[0]["organisation"],
            json!({"id": org.0, "name": "Wijkteam Noord"})
        );
        assert_eq!(list[0]["scope"], "signals");
        assert_eq!(list[0]["active"], true);
    }
    // The lukewarm ring does not decide what organisations see.
    let (status, problem) = carol.get(&consents).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");

    // Widened to full, from tomorrow: listed, not in force yet.
    let tomorrow = Utc::now() + Duration::days(1);
    let (status, widened) = ann
        .put(&consent, json!({"scope": "full", "from": tomorrow}))
        .await;
    assert_eq!(status, StatusCode::OK, "{widened}");
    let (_, body) = ann
        .get(&format!("{consents}?min_version={}", version(&widened)))
        .await;
    assert_eq!(body["consents"][0]["scope"], "full");
    assert_eq!(body["consents"][0]["active"], false);

    let (status, revoked) = ann.delete(&consent).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    let (_, body) = ann
        .get(&format!("{consents}?min_version={}", version(&revoked)))
        .await;
    assert_eq!(body["consents"], json!([]));
    let before = s.events().await;
    let (status, problem) = ann.delete(&consent).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, problem) = bob.delete(&consent).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(s.events().await, before);
}

async fn looks_are_for_the_coordinators_and_the_focus_person(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", "warm").await;
    let (carol, _) = join(&s, &ann, &circle, "Carol", "lukewarm").await;
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let (_, olga_id, org) = organisation(&s, "Wijkteam Noord").await;
    let (status, granted) = ann
        .put(
            &format!("/api/v1/circles/{circle}/consents/{org}"),
            json!({"scope": "full"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{granted}");
    let looks = format!("/api/v1/circles/{circle}/looks");
    let (status, body) = ann
        .get(&format!("{looks}?min_version={}", version(&granted)))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["looks"], json!([]));

    // Olga looks (the organisation's routes put every read on the record).
    let commands = commands(&s);
    let olga = Actor::intermediary(person(&olga_id), org);
    run(
        &commands,
        &circle,
        olga,
        Action::RecordLook {
            what: Looked::Circle,
        },
    )
    .await;
    let at = run(
        &commands,
        &circle,
        olga,
        Action::RecordLook {
            what: Looked::CircleFull,
        },
    )
    .await;

    let (status, body) = ann.get(&format!("{looks}?min_version={at}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list = body["looks"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{body}");
    assert_eq!(list[0]["code"], "circle-full", "newest first");
    assert_eq!(list[1]["code"], "circle");
    assert_eq!(
        list[0]["what"],
        "the circle: signals, rota, open requests and shared logbook"
    );
    assert_eq!(
        list[0]["who"],
        json!({"id": olga_id, "name": "Olga Wijkteam", "forgotten": false})
    );
    assert_eq!(
        list[0]["organisation"],
        json!({"id": org.0, "name": "Wijkteam Noord"})
    );
    assert_eq!(list[0]["scope"], "full");
    assert!(list[0]["at"].is_string());

    for member in [&bob, &carol] {
        let (status, problem) = member.get(&looks).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }
    let (status, problem) = stranger.get(&looks).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
}

async fn load_and_reciprocity_are_private_to_each_member(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, bob_id) = join(&s, &ann, &circle, "Bob", "warm").await;
    let (carol, _) = join(&s, &ann, &circle, "Carol", "lukewarm").await;
    let commands = commands(&s);
    let vault = Vault::new(s.test.log.clone());
    let ann_actor = Actor::person(person(&ann_id));
    let bob_actor = Actor::person(person(&bob_id));

    // Bob offers three hours a week, takes Ann's request for an hour and does
    // it; Ann thanks him.
    run(
        &commands,
        &circle,
        bob_actor,
        Action::MakeOffer {
            offer: kring_domain::OfferId(Uuid::new_v4()),
            will: vec![Category::Groceries],
            wont: vec![],
            capacity: kring_domain::Capacity::parse(3, "week").unwrap(),
            note: None,
        },
    )
    .await;
    let request = RequestId(Uuid::new_v4());
    let start = Utc::now() + Duration::minutes(5);
    run(
        &commands,
        &circle,
        ann_actor,
        Action::RequestHelp {
            request,
            category: Category::Groceries,
            window: TimeWindow::new(start, start + Duration::hours(2)).unwrap(),
            duration: Minutes::new(60).unwrap(),
            details: vault.seal(person(&ann_id), "milk").await.unwrap(),
            place: None,
            on_behalf_of_focus: false,
        },
    )
    .await;
    run(
        &commands,
        &circle,
        bob_actor,
        Action::TakeRequest { request },
    )
    .await;
    run(
        &commands,
        &circle,
        bob_actor,
        Action::MarkRequestDone { request },
    )
    .await;
    let at = run(
        &commands,
        &circle,
        ann_actor,
        Action::Thank {
            thanks_for: ThanksFor::Request(request),
            to: person(&bob_id),
            note: None,
        },
    )
    .await;
    let week = kring_domain::circle::state::local_date(start, "Europe/Amsterdam");

    // Bob sees his own figures only.
    let (status, load) = bob
        .get(&format!(
            "/api/v1/circles/{circle}/load?week={week}&min_version={at}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{load}");
    let monday = kring_views::iso_week_start(week);
    assert_eq!(load["week"], monday.to_string());
    assert_eq!(
        load["members"],
        json!([{
            "person": {"id": bob_id, "name": "Bob", "forgotten": false},
            "committed_minutes": 60, "capacity_hours": 3, "over_capacity": false,
        }])
    );
    let (status, reciprocity) = bob
        .get(&format!("/api/v1/circles/{circle}/reciprocity"))
        .await;
    assert_eq!(status, StatusCode::OK, "{reciprocity}");
    assert_eq!(
        reciprocity["members"],
        json!([{
            "person": {"id": bob_id, "name": "Bob", "forgotten": false},
            "given": 1, "received": 0, "thanks_received": 1, "thanks_given": 0,
        }])
    );
    // Carol has no figures yet but her own (empty) load.
    let (_, load) = carol
        .get(&format!(
            "/api/v1/circles/{circle}/load?week={week}&min_version={at}"
        ))
        .await;
    let rows = load["members"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{load}");
    assert_eq!(rows[0]["committed_minutes"], 0);
    assert_eq!(rows[0]["capacity_hours"], Value::Null);
    let (_, reciprocity) = carol
        .get(&format!("/api/v1/circles/{circle}/reciprocity"))
        .await;
    assert_eq!(reciprocity["members"], json!([]));

    // A coordinator sees everyone's.
    let (status, load) = ann
        .get(&format!(
            "/api/v1/circles/{circle}/load?week={monday}&min_version={at}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{load}");
    let rows = load["members"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "Mam, Ann, Bob and Carol: {load}");
    let bobs = rows
        .iter()
        .find(|r| r["person"]["id"] == bob_id.as_str())
        .unwrap();
    assert_eq!(bobs["committed_minutes"], 60);
    let (_, reciprocity) = ann
        .get(&format!("/api/v1/circles/{circle}/reciprocity"))
        .await;
    let rows = reciprocity["members"].as_array().unwrap();
    let anns = rows
        .iter()
        .find(|r| r["person"]["id"] == ann_id.as_str())
        .unwrap();
    assert_eq!(
        (anns["received"].as_u64(), anns["thanks_given"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        rows.iter().any(|r| r["person"]["name"] == "Mam"),
        "{reciprocity}"
    );

    // This week by default; a date that is not one is 400.
    let (status, load) = carol.get(&format!("/api/v1/circles/{circle}/load")).await;
    assert_eq!(status, StatusCode::OK, "{load}");
    let this_week = kring_views::iso_week_start(kring_domain::circle::state::local_date(
        Utc::now(),
        "Europe/Amsterdam",
    ));
    assert_eq!(load["week"], this_week.to_string());
    let (status, problem) = carol
        .get(&format!("/api/v1/circles/{circle}/load?week=monday"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
}

async fn health_and_suggestions_are_for_coordinators(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", "warm").await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", "lukewarm").await;
    let commands = commands(&s);
    let ann_actor = Actor::person(person(&ann_id));

    // Carol offers to do groceries; Ann asks for groceries, open to the lukewarm ring.
    run(
        &commands,
        &circle,
        Actor::person(person(&carol_id)),
        Action::MakeOffer {
            offer: kring_domain::OfferId(Uuid::new_v4()),
            will: vec![Category::Groceries],
            wont: vec![],
            capacity: kring_domain::Capacity::parse(2, "week").unwrap(),
            note: None,
        },
    )
    .await;
    let request = RequestId(Uuid::new_v4());
    let start = Utc::now() + Duration::days(1);
    run(
        &commands,
        &circle,
        ann_actor,
        Action::RequestHelp {
            request,
            category: Category::Groceries,
            window: TimeWindow::new(start, start + Duration::hours(2)).unwrap(),
            duration: Minutes::new(60).unwrap(),
            details: Vault::new(s.test.log.clone())
                .seal(person(&ann_id), "potatoes")
                .await
                .unwrap(),
            place: None,
            on_behalf_of_focus: false,
        },
    )
    .await;
    let at = run(
        &commands,
        &circle,
        ann_actor,
        Action::WidenRequest {
            request,
            to: Ring::Lukewarm,
        },
    )
    .await;

    let (status, health) = ann
        .get(&format!("/api/v1/circles/{circle}/health?min_version={at}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{health}");
    assert_eq!(health["version"], at);
    assert_eq!(
        health["signals"]["members"],
        json!({"warm": 3, "lukewarm": 1, "cold": 0})
    );
    assert_eq!(health["signals"]["only_warm"], false);
    assert_eq!(health["signals"]["primary_carer_at_risk"], false);
    assert!(health.get("primary_carer").is_none(), "{health}");
    let (status, suggestions) = ann
        .get(&format!("/api/v1/circles/{circle}/suggestions"))
        .await;
    assert_eq!(status, StatusCode::OK, "{suggestions}");
    assert_eq!(
        suggestions["suggestions"],
        json!([{
            "request": request.0,
            "people": [{"id": carol_id, "name": "Carol", "forgotten": false}],
        }])
    );

    for member in [&bob, &carol] {
        for what in ["health", "suggestions"] {
            let (status, problem) = member
                .get(&format!("/api/v1/circles/{circle}/{what}"))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {problem}");
        }
    }
}

/// With a public URL set, invitation links point there, not at whatever host
/// the request named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_links_use_the_public_url() {
    let settings = kring_server::Settings {
        public_url: Some("http://kring.example.org:8080/".into()),
        ..kring_server::Settings::default()
    };
    let s = Server::start_with(kring_testkit::TestLog::sqlite().await, settings).await;
    let (ann, _, circle) = circle(&s).await;
    let (status, invited) = ann
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "warm"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    let link = invited["link"].as_str().unwrap();
    let code = invited["code"].as_str().unwrap();
    assert_eq!(link, format!("http://kring.example.org:8080/join#{code}"));
}

/// The circle's `may` is the policy's answer: each flag agrees with what the
/// route itself answers to the same member.
async fn the_circle_says_what_each_member_may_read(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (warm, _) = s.join(&ann, &circle, "warm").await;
    let (lukewarm, _) = s.join(&ann, &circle, "lukewarm").await;
    let reads = [
        ("read_rota", "rota"),
        ("read_invitations", "invitations"),
        ("read_consents", "consents"),
        ("read_looks", "looks"),
        ("read_health", "health"),
        ("export", "export"),
    ];
    for (who, browser, decides) in [
        ("coordinator", &ann, true),
        ("warm", &warm, false),
        ("lukewarm", &lukewarm, false),
    ] {
        let (status, seen) = browser.get(&format!("/api/v1/circles/{circle}")).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        let may = &seen["may"];
        assert_eq!(may["decide_consent"], decides, "{who}: {may}");
        for (flag, route) in reads {
            let (status, answer) = browser
                .get(&format!("/api/v1/circles/{circle}/{route}"))
                .await;
            let allowed = match status {
                StatusCode::OK => true,
                StatusCode::FORBIDDEN => false,
                other => panic!("{who} {route}: {other} {answer}"),
            };
            assert_eq!(may[flag], allowed, "{who}: {flag} against /{route}");
        }
    }
    let (_, seen) = warm.get(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(
        seen["may"],
        json!({"read_rota": true, "read_invitations": false, "read_consents": true,
            "read_looks": false, "read_health": false, "export": false, "decide_consent": false})
    );
}
