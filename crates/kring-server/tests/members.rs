//! Members and rings, invitations and joining, consent and "who looked", and
//! the figures (load, reciprocity, health, suggestions), over real HTTP on
//! both backends. What other slices of the API do (organisations, requests,
//! thanks) is set up with the domain's commands on the server's log directly.

mod common;

use chrono::{Duration, Utc};
use common::{Browser, Empty, Server};
use kring_app::{Commands, SessionToken, Vault};
use kring_domain::{
    Action, Actor, Category, CircleCommand, CircleId, InvitationId, InvitedAs, Looked, Minutes,
    OrganisationAction, OrganisationCommand, OrganisationId, PersonId, RequestId, Ring, Services,
    ThanksFor, TimeWindow,
};
use kring_protocol::v1;
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::json;
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
    (ann, ann_id, created.id.to_string())
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
    ring: v1::Ring,
) -> (Browser, String) {
    s.join_with(coordinator, circle, name, invite(ring)).await
}

/// An invitation into `ring`, as a member, for the default time.
fn invite(ring: v1::Ring) -> v1::Invite {
    v1::Invite {
        ring,
        role: v1::Role::Member,
        task: None,
        expires_in_days: None,
    }
}

fn accept(code: &str) -> v1::AcceptInvitation {
    v1::AcceptInvitation { code: code.into() }
}

fn change_ring(ring: v1::Ring) -> v1::ChangeRing {
    v1::ChangeRing { ring }
}

fn grant(scope: v1::Scope) -> v1::GrantConsent {
    v1::GrantConsent { scope, from: None }
}

fn someone(id: &str, name: &str) -> v1::Person {
    v1::Person {
        id: id.parse().unwrap(),
        name: name.into(),
        forgotten: false,
    }
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
) -> Vec<(String, v1::Ring, bool, bool)> {
    let body: v1::Members = browser
        .get_ok(&format!(
            "/api/v1/circles/{circle}/members?min_version={version}"
        ))
        .await;
    assert!(body.version >= version);
    body.members
        .into_iter()
        .map(|m| (m.person.name, m.ring, m.coordinator, m.focus))
        .collect()
}

fn row(
    name: &str,
    ring: v1::Ring,
    coordinator: bool,
    focus: bool,
) -> (String, v1::Ring, bool, bool) {
    (name.to_owned(), ring, coordinator, focus)
}

async fn invite_and_join(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let invited: v1::InvitationCreated = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/invitations"),
            &invite(v1::Ring::Lukewarm),
            StatusCode::CREATED,
        )
        .await;
    let invitation = invited.id.to_string();
    let code = invited.code.clone();
    let parts: Vec<&str> = code.split('.').collect();
    assert_eq!(parts.len(), 3, "{code}");
    assert_eq!((parts[0], parts[1]), (circle.as_str(), invitation.as_str()));
    assert_eq!(parts[2].len(), 43, "32 random bytes, base64url: {code}");
    assert_eq!(invited.link, format!("{}/join#{code}", s.base));
    let expires_at = invited.expires_at;
    let hours = (expires_at - Utc::now()).num_hours();
    assert!(
        (13 * 24..=14 * 24).contains(&hours),
        "14 days by default: {expires_at}"
    );

    // Coordinators see it open, without its secret; the log has only its hash.
    let (status, open) = ann
        .get(&format!(
            "/api/v1/circles/{circle}/invitations?min_version={}",
            invited.version
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{open}");
    // The whole answer as sent, to be sure the secret is nowhere in it.
    assert!(!open.to_string().contains(parts[2]), "{open}");
    let open: v1::Invitations = serde_json::from_value(open).unwrap();
    assert_eq!(open.invitations.len(), 1, "{open:?}");
    assert_eq!(open.invitations[0].id, invited.id);
    assert_eq!(open.invitations[0].ring, v1::Ring::Lukewarm);
    assert_eq!(open.invitations[0].role, v1::Role::Member);
    let stream = kring_store::StreamName::circle(circle.parse().unwrap());
    let stored = s.test.log.read_stream(&stream, 0, 1000).await.unwrap();
    assert!(stored.iter().any(|e| e.event_type == "InvitationIssued"));
    assert!(stored.iter().all(|e| {
        !e.payload_text().contains(parts[2]) && !e.metadata().to_string().contains(parts[2])
    }));

    let (bob, bob_id) = s.person("Bob Jansen", "bob@example.org").await;
    let joined: v1::Joined = bob
        .post_ok("/api/v1/invitations/accept", &accept(&code), StatusCode::OK)
        .await;
    assert_eq!(joined.circle.to_string(), circle);
    let joined_at = joined.version;

    let expected = vec![
        row("Mam", v1::Ring::Warm, false, true),
        row("Ann de Vries", v1::Ring::Warm, true, false),
        row("Bob Jansen", v1::Ring::Lukewarm, false, false),
    ];
    assert_eq!(members(&ann, &circle, joined_at).await, expected);
    assert_eq!(members(&bob, &circle, joined_at).await, expected);
    let body: v1::Members = bob
        .get_ok(&format!("/api/v1/circles/{circle}/members"))
        .await;
    let me = body
        .members
        .iter()
        .find(|m| m.person.name == "Bob Jansen")
        .unwrap();
    assert_eq!(me.person.id.to_string(), bob_id);
    let seen: v1::Circle = bob.get_ok(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(seen.you.ring, v1::Ring::Lukewarm);

    // Used: the same code again, by someone else or by Bob, writes nothing.
    let before = s.events().await;
    let (carol, _) = s.person("Carol", "carol@example.org").await;
    let before_carol = s.events().await;
    for browser in [&carol, &bob] {
        let problem = browser
            .post_refused(
                "/api/v1/invitations/accept",
                &accept(&code),
                StatusCode::NOT_FOUND,
            )
            .await;
        assert_eq!(problem.code, "invitation-link-gone");
        assert_eq!(problem.detail.as_deref(), Some(LINK_GONE));
    }
    assert_eq!(s.events().await, before_carol);
    assert!(before_carol > before, "signing up Carol wrote her account");
    let (status, carol_sees) = carol
        .get_as::<v1::Circle>(&format!("/api/v1/circles/{circle}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{carol_sees:?}");

    // A used invitation is no longer open.
    let open: v1::Invitations = ann
        .get_ok(&format!("/api/v1/circles/{circle}/invitations"))
        .await;
    assert_eq!(open.invitations, vec![]);
}

async fn a_code_that_does_not_work_is_one_404_whatever_the_reason(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (carol, _) = s.person("Carol", "carol@example.org").await;
    let accept = |code: String| {
        let carol = &carol;
        async move {
            carol
                .post_as::<v1::Joined>("/api/v1/invitations/accept", &accept(&code))
                .await
        }
    };
    let invitations = format!("/api/v1/circles/{circle}/invitations");

    // Revoked.
    let invited: v1::InvitationCreated = ann
        .post_ok(
            &invitations,
            &v1::Invite {
                expires_in_days: Some(1),
                ..invite(v1::Ring::Warm)
            },
            StatusCode::CREATED,
        )
        .await;
    let revoked = invited.code.clone();
    let (status, body) = ann
        .delete_as::<v1::Changed>(&format!("{invitations}/{}", invited.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    // Revoking it again is a conflict; an unknown invitation is 404.
    let (status, body) = ann
        .delete_as::<v1::Changed>(&format!("{invitations}/{}", invited.id))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body:?}");
    let (status, body) = ann
        .delete_as::<v1::Changed>(&format!("{invitations}/{}", Uuid::new_v4()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body:?}");

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
    let invited: v1::InvitationCreated = ann
        .post_ok(
            &invitations,
            &invite(v1::Ring::Lukewarm),
            StatusCode::CREATED,
        )
        .await;
    let good = invited.code;
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
        assert_eq!(status, StatusCode::NOT_FOUND, "{code}: {problem:?}");
        assert_eq!(problem.unwrap_err().code, "invitation-link-gone", "{code}");
    }
    assert_eq!(s.events().await, before, "nothing was written");

    // The good code still works; a member who is in already is told so.
    let joined = common::expect("accept", StatusCode::OK, accept(good.clone()).await);
    let invited: v1::InvitationCreated = ann
        .post_ok(&invitations, &invite(v1::Ring::Warm), StatusCode::CREATED)
        .await;
    let before = s.events().await;
    let (status, problem) = accept(invited.code).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem:?}");
    assert_eq!(s.events().await, before);
    let in_circle = members(&ann, &circle, joined.version).await;
    assert!(in_circle.contains(&row("Carol", v1::Ring::Lukewarm, false, false)));
}

async fn only_coordinators_invite_and_see_invitations(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bob, _) = s.join(&ann, &circle, "warm").await;
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let invitations = format!("/api/v1/circles/{circle}/invitations");
    let before = s.events().await;

    let lukewarm = invite(v1::Ring::Lukewarm);
    bob.post_refused(&invitations, &lukewarm, StatusCode::FORBIDDEN)
        .await;
    let (status, problem) = bob.get_as::<v1::Invitations>(&invitations).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");
    stranger
        .post_refused(&invitations, &lukewarm, StatusCode::NOT_FOUND)
        .await;
    let (status, not_mine) = stranger.get_as::<v1::Invitations>(&invitations).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{not_mine:?}");
    let (_, missing) = stranger
        .get_as::<v1::Invitations>(&format!("/api/v1/circles/{}/invitations", Uuid::new_v4()))
        .await;
    assert_eq!(not_mine, missing, "the same 404 as for no circle at all");

    // Input that cannot be right.
    for (body, why) in [
        (
            v1::Invite {
                expires_in_days: Some(0),
                ..invite(v1::Ring::Lukewarm)
            },
            "invitation-days",
        ),
        (
            v1::Invite {
                expires_in_days: Some(31),
                ..invite(v1::Ring::Lukewarm)
            },
            "invitation-days",
        ),
        (
            v1::Invite {
                role: v1::Role::Coordinator,
                ..invite(v1::Ring::Lukewarm)
            },
            "coordinators-are-warm",
        ),
        (invite(v1::Ring::Cold), "volunteer-needs-task"),
        (
            v1::Invite {
                task: Some(Uuid::new_v4()),
                ..invite(v1::Ring::Warm)
            },
            "task-only-for-cold-ring",
        ),
    ] {
        let problem = ann
            .post_refused(&invitations, &body, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(problem.code, why, "{body:?}: {problem:?}");
    }
    assert_eq!(s.events().await, before);

    // A coordinator can invite another coordinator.
    let (dora, _) = s
        .join_with(
            &ann,
            &circle,
            "Dora",
            v1::Invite {
                role: v1::Role::Coordinator,
                expires_in_days: Some(30),
                ..invite(v1::Ring::Warm)
            },
        )
        .await;
    let _: v1::Invitations = dora.get_ok(&invitations).await;
}

async fn a_volunteer_joins_for_one_task_and_sees_only_themself(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", v1::Ring::Lukewarm).await;
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
            v1::Invite {
                task: Some(request.0),
                ..invite(v1::Ring::Cold)
            },
        )
        .await;
    let body: v1::Members = vera
        .get_ok(&format!("/api/v1/circles/{circle}/members"))
        .await;
    assert_eq!(
        body.members,
        vec![v1::Member {
            person: someone(&vera_id, "Vera Volunteer"),
            ring: v1::Ring::Cold,
            coordinator: false,
            focus: false,
            task: Some(request.0),
        }]
    );
    let at = body.version;
    let seen_by_bob = members(&bob, &circle, at).await;
    assert!(seen_by_bob.contains(&row("Vera Volunteer", v1::Ring::Cold, false, false)));
    assert_eq!(
        seen_by_bob.last().unwrap().0,
        "Vera Volunteer",
        "cold comes last"
    );

    // Volunteers come and go through the marketplace, not by a change of ring.
    let before = s.events().await;
    let (status, problem) = ann
        .put_as::<v1::Changed>(
            &format!("/api/v1/circles/{circle}/members/{vera_id}/ring"),
            &change_ring(v1::Ring::Lukewarm),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem:?}");
    assert_eq!(s.events().await, before);
}

async fn a_coordinator_moves_members_between_rings(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, bob_id) = join(&s, &ann, &circle, "Bob", v1::Ring::Lukewarm).await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", v1::Ring::Lukewarm).await;
    let ring_of = |id: &str| format!("/api/v1/circles/{circle}/members/{id}/ring");

    let changed: v1::Changed = ann
        .put_ok(
            &ring_of(&bob_id),
            &change_ring(v1::Ring::Warm),
            StatusCode::OK,
        )
        .await;
    let seen = members(&carol, &circle, changed.version).await;
    assert_eq!(
        seen[2],
        row("Bob", v1::Ring::Warm, false, false),
        "{seen:?}"
    );
    let me: v1::Circle = bob
        .get_ok(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            changed.version
        ))
        .await;
    assert_eq!(me.you.ring, v1::Ring::Warm);

    let before = s.events().await;
    let focus = members_raw(&ann, &circle).await.members[0]
        .person
        .id
        .to_string();
    for (who, path, ring, status) in [
        // Only coordinators change rings.
        (
            &bob,
            ring_of(&carol_id),
            v1::Ring::Warm,
            StatusCode::FORBIDDEN,
        ),
        // Already there.
        (&ann, ring_of(&bob_id), v1::Ring::Warm, StatusCode::CONFLICT),
        // The focus person and coordinators stay warm.
        (
            &ann,
            ring_of(&focus),
            v1::Ring::Lukewarm,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &ann,
            ring_of(&ann_id),
            v1::Ring::Lukewarm,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Nobody of that id.
        (
            &ann,
            ring_of(&Uuid::new_v4().to_string()),
            v1::Ring::Warm,
            StatusCode::NOT_FOUND,
        ),
        (
            &ann,
            ring_of("nobody"),
            v1::Ring::Warm,
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (got, problem) = who.put_as::<v1::Changed>(&path, &change_ring(ring)).await;
        assert_eq!(got, status, "{path} {ring:?}: {problem:?}");
    }
    // A ring that does not exist: the types cannot say it.
    let (status, problem) = ann.put(&ring_of(&bob_id), json!({"ring": "hot"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let before_stranger = s.events().await;
    let (status, problem) = stranger
        .put_as::<v1::Changed>(&ring_of(&bob_id), &change_ring(v1::Ring::Lukewarm))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
    assert_eq!(s.events().await, before_stranger);
    assert!(before_stranger > before);
}

async fn members_raw(browser: &Browser, circle: &str) -> v1::Members {
    browser
        .get_ok(&format!("/api/v1/circles/{circle}/members"))
        .await
}

async fn coordinators_are_appointed_and_step_down_but_never_the_last(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let coordinator = |id: &str| format!("/api/v1/circles/{circle}/members/{id}/coordinator");

    // Ann is the only coordinator.
    let before = s.events().await;
    let (status, problem) = ann.delete_as::<v1::Changed>(&coordinator(&ann_id)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem:?}");
    assert_eq!(problem.unwrap_err().code, "last-coordinator");
    assert_eq!(s.events().await, before);

    let (bob, bob_id) = join(&s, &ann, &circle, "Bob", v1::Ring::Warm).await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", v1::Ring::Lukewarm).await;
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
        let (got, problem) = who.post_as::<v1::Changed>(&path, &Empty {}).await;
        assert_eq!(got, status, "{path}: {problem:?}");
    }
    assert_eq!(s.events().await, before);

    let appointed: v1::Changed = ann
        .post_ok(&coordinator(&bob_id), &Empty {}, StatusCode::OK)
        .await;
    let seen = members(&carol, &circle, appointed.version).await;
    assert!(
        seen.contains(&row("Bob", v1::Ring::Warm, true, false)),
        "{seen:?}"
    );

    // Bob cannot step Ann down: only oneself.
    let before = s.events().await;
    let (status, problem) = bob.delete_as::<v1::Changed>(&coordinator(&ann_id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let before_stranger = s.events().await;
    let (status, problem) = stranger
        .delete_as::<v1::Changed>(&coordinator(&ann_id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
    assert_eq!(problem.unwrap_err().code, "no-such-circle");
    assert_eq!(s.events().await, before_stranger);
    assert!(before_stranger > before);

    let stepped = common::expect(
        "step down",
        StatusCode::OK,
        ann.delete_as::<v1::Changed>(&coordinator(&ann_id)).await,
    );
    let seen = members(&ann, &circle, stepped.version).await;
    assert!(
        seen.contains(&row("Ann de Vries", v1::Ring::Warm, false, false)),
        "{seen:?}"
    );
    let me: v1::Circle = ann
        .get_ok(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            stepped.version
        ))
        .await;
    assert!(!me.you.coordinator);

    // Now Bob is the last one.
    let before = s.events().await;
    let (status, problem) = bob.delete_as::<v1::Changed>(&coordinator(&bob_id)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem:?}");
    ann.post_refused(&coordinator(&ann_id), &Empty {}, StatusCode::FORBIDDEN)
        .await;
    assert_eq!(s.events().await, before);
}

async fn members_leave_and_are_removed(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", v1::Ring::Warm).await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", v1::Ring::Lukewarm).await;
    let (dave, dave_id) = join(&s, &ann, &circle, "Dave", v1::Ring::Lukewarm).await;
    let member = |id: &str| format!("/api/v1/circles/{circle}/members/{id}");
    let focus = members_raw(&ann, &circle).await.members[0]
        .person
        .id
        .to_string();

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
        let (got, problem) = who.delete_as::<v1::Changed>(&path).await;
        assert_eq!(got, status, "{path}: {problem:?}");
    }
    assert_eq!(s.events().await, before);

    // Carol leaves.
    let left = common::expect(
        "leave",
        StatusCode::OK,
        carol.delete_as::<v1::Changed>(&member(&carol_id)).await,
    );
    let (status, problem) = carol
        .get_as::<v1::Circle>(&format!(
            "/api/v1/circles/{circle}?min_version={}",
            left.version
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");

    // Dave is removed, and then the circle is not his to see or change.
    let removed = common::expect(
        "remove",
        StatusCode::OK,
        ann.delete_as::<v1::Changed>(&member(&dave_id)).await,
    );
    let at = removed.version;
    let (status, problem) = dave
        .get_as::<v1::Circle>(&format!("/api/v1/circles/{circle}?min_version={at}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
    let (status, problem) = dave
        .get_as::<v1::Members>(&format!(
            "/api/v1/circles/{circle}/members?min_version={at}"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
    let before = s.events().await;
    let (status, problem) = dave.delete_as::<v1::Changed>(&member(&dave_id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
    assert_eq!(s.events().await, before);

    assert_eq!(
        members(&bob, &circle, at).await,
        vec![
            row("Mam", v1::Ring::Warm, false, true),
            row("Ann de Vries", v1::Ring::Warm, true, false),
            row("Bob", v1::Ring::Warm, false, false),
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
    let (bob, _) = join(&s, &ann, &circle, "Bob", v1::Ring::Warm).await;
    let (carol, _) = join(&s, &ann, &circle, "Carol", v1::Ring::Lukewarm).await;
    let (_, _, org) = organisation(&s, "Wijkteam Noord").await;
    let consents = format!("/api/v1/circles/{circle}/consents");
    let consent = format!("{consents}/{org}");

    let before = s.events().await;
    let typed = |grant: v1::GrantConsent| serde_json::to_value(grant).unwrap();
    for (who, path, body, status) in [
        // The coordinators and the focus person decide.
        (
            &bob,
            consent.clone(),
            typed(grant(v1::Scope::Signals)),
            StatusCode::FORBIDDEN,
        ),
        (
            &carol,
            consent.clone(),
            typed(grant(v1::Scope::Full)),
            StatusCode::FORBIDDEN,
        ),
        (
            &ann,
            format!("{consents}/{}", Uuid::new_v4()),
            typed(grant(v1::Scope::Signals)),
            StatusCode::NOT_FOUND,
        ),
        (
            &ann,
            consent.clone(),
            typed(v1::GrantConsent {
                scope: v1::Scope::Signals,
                from: Some(Utc::now() - Duration::days(1)),
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &ann,
            consent.clone(),
            // A scope that does not exist: the types cannot say it.
            json!({"scope": "everything"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (got, problem) = who.put(&path, body.clone()).await;
        assert_eq!(got, status, "{path} {body}: {problem}");
    }
    assert_eq!(s.events().await, before);

    let granted: v1::Changed = ann
        .put_ok(&consent, &grant(v1::Scope::Signals), StatusCode::OK)
        .await;
    let at = granted.version;
    for reader in [&ann, &bob] {
        let body: v1::Consents = reader.get_ok(&format!("{consents}?min_version={at}")).await;
        let list = &body.consents;
        assert_eq!(list.len(), 1, "{body:?}");
        assert_eq!(
            list[0].organisation,
            v1::OrganisationName {
                id: org.0,
                name: "Wijkteam Noord".into()
            }
        );
        assert_eq!(list[0].scope, v1::Scope::Signals);
        assert!(list[0].active);
    }
    // The lukewarm ring does not decide what organisations see.
    let (status, problem) = carol.get_as::<v1::Consents>(&consents).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");

    // Widened to full, from tomorrow: listed, not in force yet.
    let tomorrow = Utc::now() + Duration::days(1);
    let widened: v1::Changed = ann
        .put_ok(
            &consent,
            &v1::GrantConsent {
                scope: v1::Scope::Full,
                from: Some(tomorrow),
            },
            StatusCode::OK,
        )
        .await;
    let body: v1::Consents = ann
        .get_ok(&format!("{consents}?min_version={}", widened.version))
        .await;
    assert_eq!(body.consents[0].scope, v1::Scope::Full);
    assert!(!body.consents[0].active);

    let revoked = common::expect(
        "revoke",
        StatusCode::OK,
        ann.delete_as::<v1::Changed>(&consent).await,
    );
    let body: v1::Consents = ann
        .get_ok(&format!("{consents}?min_version={}", revoked.version))
        .await;
    assert_eq!(body.consents, vec![]);
    let before = s.events().await;
    let (status, problem) = ann.delete_as::<v1::Changed>(&consent).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
    let (status, problem) = bob.delete_as::<v1::Changed>(&consent).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");
    assert_eq!(s.events().await, before);
}

async fn looks_are_for_the_coordinators_and_the_focus_person(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", v1::Ring::Warm).await;
    let (carol, _) = join(&s, &ann, &circle, "Carol", v1::Ring::Lukewarm).await;
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let (_, olga_id, org) = organisation(&s, "Wijkteam Noord").await;
    let granted: v1::Changed = ann
        .put_ok(
            &format!("/api/v1/circles/{circle}/consents/{org}"),
            &grant(v1::Scope::Full),
            StatusCode::OK,
        )
        .await;
    let looks = format!("/api/v1/circles/{circle}/looks");
    let body: v1::Looks = ann
        .get_ok(&format!("{looks}?min_version={}", granted.version))
        .await;
    assert_eq!(body.looks, vec![]);

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

    let body: v1::Looks = ann.get_ok(&format!("{looks}?min_version={at}")).await;
    let list = &body.looks;
    assert_eq!(list.len(), 2, "{body:?}");
    assert_eq!(list[0].code, "circle-full", "newest first");
    assert_eq!(list[1].code, "circle");
    assert_eq!(
        list[0].what,
        "the circle: signals, rota, open requests and shared logbook"
    );
    assert_eq!(list[0].who, someone(&olga_id, "Olga Wijkteam"));
    assert_eq!(
        list[0].organisation,
        v1::OrganisationName {
            id: org.0,
            name: "Wijkteam Noord".into()
        }
    );
    assert_eq!(list[0].scope, v1::Scope::Full);
    // `at` is a timestamp: reading it as `DateTime<Utc>` above checks that.

    for member in [&bob, &carol] {
        let (status, problem) = member.get_as::<v1::Looks>(&looks).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");
    }
    let (status, problem) = stranger.get_as::<v1::Looks>(&looks).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
}

async fn load_and_reciprocity_are_private_to_each_member(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, bob_id) = join(&s, &ann, &circle, "Bob", v1::Ring::Warm).await;
    let (carol, _) = join(&s, &ann, &circle, "Carol", v1::Ring::Lukewarm).await;
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
    let load: v1::Load = bob
        .get_ok(&format!(
            "/api/v1/circles/{circle}/load?week={week}&min_version={at}"
        ))
        .await;
    let monday = kring_views::iso_week_start(week);
    assert_eq!(load.week, monday);
    assert_eq!(
        load.members,
        vec![v1::MemberLoad {
            person: someone(&bob_id, "Bob"),
            committed_minutes: 60,
            capacity_hours: Some(3),
            over_capacity: false,
        }]
    );
    let reciprocity: v1::Reciprocities = bob
        .get_ok(&format!("/api/v1/circles/{circle}/reciprocity"))
        .await;
    assert_eq!(
        reciprocity.members,
        vec![v1::Reciprocity {
            person: someone(&bob_id, "Bob"),
            given: 1,
            received: 0,
            thanks_received: 1,
            thanks_given: 0,
        }]
    );
    // Carol has no figures yet but her own (empty) load.
    let load: v1::Load = carol
        .get_ok(&format!(
            "/api/v1/circles/{circle}/load?week={week}&min_version={at}"
        ))
        .await;
    let rows = &load.members;
    assert_eq!(rows.len(), 1, "{load:?}");
    assert_eq!(rows[0].committed_minutes, 0);
    assert_eq!(rows[0].capacity_hours, None);
    let reciprocity: v1::Reciprocities = carol
        .get_ok(&format!("/api/v1/circles/{circle}/reciprocity"))
        .await;
    assert_eq!(reciprocity.members, vec![]);

    // A coordinator sees everyone's.
    let load: v1::Load = ann
        .get_ok(&format!(
            "/api/v1/circles/{circle}/load?week={monday}&min_version={at}"
        ))
        .await;
    let rows = &load.members;
    assert_eq!(rows.len(), 4, "Mam, Ann, Bob and Carol: {load:?}");
    let bobs = rows
        .iter()
        .find(|r| r.person.id.to_string() == bob_id)
        .unwrap();
    assert_eq!(bobs.committed_minutes, 60);
    let reciprocity: v1::Reciprocities = ann
        .get_ok(&format!("/api/v1/circles/{circle}/reciprocity"))
        .await;
    let rows = &reciprocity.members;
    let anns = rows
        .iter()
        .find(|r| r.person.id.to_string() == ann_id)
        .unwrap();
    assert_eq!((anns.received, anns.thanks_given), (1, 1));
    assert!(
        rows.iter().any(|r| r.person.name == "Mam"),
        "{reciprocity:?}"
    );

    // This week by default; a date that is not one is 400.
    let load: v1::Load = carol
        .get_ok(&format!("/api/v1/circles/{circle}/load"))
        .await;
    let this_week = kring_views::iso_week_start(kring_domain::circle::state::local_date(
        Utc::now(),
        "Europe/Amsterdam",
    ));
    assert_eq!(load.week, this_week);
    let (status, problem) = carol
        .get_as::<v1::Load>(&format!("/api/v1/circles/{circle}/load?week=monday"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem:?}");
}

async fn health_and_suggestions_are_for_coordinators(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, _) = join(&s, &ann, &circle, "Bob", v1::Ring::Warm).await;
    let (carol, carol_id) = join(&s, &ann, &circle, "Carol", v1::Ring::Lukewarm).await;
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

    let health: v1::Health = ann
        .get_ok(&format!("/api/v1/circles/{circle}/health?min_version={at}"))
        .await;
    assert_eq!(health.version, at);
    assert_eq!(
        health.signals.members,
        v1::RingCounts {
            warm: 3,
            lukewarm: 1,
            cold: 0
        }
    );
    assert!(!health.signals.only_warm);
    assert!(!health.signals.primary_carer_at_risk);
    assert!(health.primary_carer.is_none(), "{health:?}");
    let suggestions: v1::Suggestions = ann
        .get_ok(&format!("/api/v1/circles/{circle}/suggestions"))
        .await;
    assert_eq!(
        suggestions.suggestions,
        vec![v1::Suggestion {
            request: request.0,
            people: vec![someone(&carol_id, "Carol")],
        }]
    );

    for member in [&bob, &carol] {
        let path = format!("/api/v1/circles/{circle}/health");
        let (status, problem) = member.get_as::<v1::Health>(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "health: {problem:?}");
        let path = format!("/api/v1/circles/{circle}/suggestions");
        let (status, problem) = member.get_as::<v1::Suggestions>(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "suggestions: {problem:?}");
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
    let invited: v1::InvitationCreated = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/invitations"),
            &invite(v1::Ring::Warm),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        invited.link,
        format!("http://kring.example.org:8080/join#{}", invited.code)
    );
}

/// The circle's `may` is the policy's answer: each flag agrees with what the
/// route itself answers to the same member.
async fn the_circle_says_what_each_member_may_read(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (warm, _) = s.join(&ann, &circle, "warm").await;
    let (lukewarm, _) = s.join(&ann, &circle, "lukewarm").await;
    let reads: [(fn(&v1::May) -> bool, &str); 6] = [
        (|may| may.read_rota, "rota"),
        (|may| may.read_invitations, "invitations"),
        (|may| may.read_consents, "consents"),
        (|may| may.read_looks, "looks"),
        (|may| may.read_health, "health"),
        (|may| may.export, "export"),
    ];
    for (who, browser, decides) in [
        ("coordinator", &ann, true),
        ("warm", &warm, false),
        ("lukewarm", &lukewarm, false),
    ] {
        let seen: v1::Circle = browser.get_ok(&format!("/api/v1/circles/{circle}")).await;
        let may = seen.may;
        assert_eq!(may.decide_consent, decides, "{who}: {may:?}");
        for (flag, route) in reads {
            let (status, answer) = browser
                .get(&format!("/api/v1/circles/{circle}/{route}"))
                .await;
            let allowed = match status {
                StatusCode::OK => true,
                StatusCode::FORBIDDEN => false,
                other => panic!("{who} {route}: {other} {answer}"),
            };
            assert_eq!(flag(&may), allowed, "{who}: may against /{route}");
        }
    }
    let seen: v1::Circle = warm.get_ok(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(
        seen.may,
        v1::May {
            read_rota: true,
            read_invitations: false,
            read_consents: true,
            read_looks: false,
            read_health: false,
            export: false,
            decide_consent: false,
            invite_focus: false,
        }
    );
}
