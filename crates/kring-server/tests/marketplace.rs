//! The marketplace over real HTTP, on both backends: an organisation opens a
//! sign-up link, three volunteers join, a family names its neighbourhood and
//! lists a request; the board and the volunteers see it without the circle,
//! names, place or details; ranking puts the very neighbourhood first; a
//! volunteer offers, the matchmaker proposes another; the family declines one
//! and accepts the other, who then is in the circle for that task. Every look
//! is on the circle's record; another organisation sees nothing.

mod common;

use chrono::{Duration, Utc};
use common::{Browser, Empty, Server};
use kring_protocol::v1;
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::json;

const DETAILS: &str = "Brood en melk van de Appie, pinpas ligt in de la";
const PLACE: &str = "Lange Nieuwstraat 12";
const SUMMARY: &str = "Boodschappen doen, ongeveer een uur";

fn profile(will: &[&str], neighbourhood: &str) -> serde_json::Value {
    let available: Vec<_> = (0..7)
        .flat_map(|d| ["morning", "afternoon", "evening"].map(|p| json!({"weekday": d, "part": p})))
        .collect();
    json!({"will": will, "neighbourhood": neighbourhood, "available": available, "tasks_per_month": 4})
}

struct Market {
    family: Browser,
    circle: String,
    request: String,
    matchmaker: Browser,
    org: String,
    code: String,
}

async fn market(s: &Server) -> Market {
    let (family, _) = s.person("Ann Jansen", "ann@example.org").await;
    let created: v1::Created = family
        .post_ok(
            "/api/v1/circles",
            &json!({"focus_name": "Mam Jansen"}),
            StatusCode::CREATED,
        )
        .await;
    let circle = created.id.to_string();
    let (matchmaker, _) = s.person("Wim Makelaar", "wim@welzijn.example").await;
    let org: v1::Created = matchmaker
        .post_ok(
            "/api/v1/organisations",
            &json!({"name": "Welzijn Oost"}),
            StatusCode::CREATED,
        )
        .await;
    let org = org.id.to_string();
    let link: v1::SignUpLink = matchmaker
        .post_ok(
            &format!("/api/v1/organisations/{org}/volunteer-sign-up"),
            &Empty {},
            StatusCode::CREATED,
        )
        .await;
    assert!(
        link.url
            .ends_with(&format!("/volunteer/{org}#{}", link.code)),
        "{}",
        link.url
    );
    let soon = Utc::now() + Duration::days(2);
    let asked: v1::Created = family
        .post_ok(
            &format!("/api/v1/circles/{circle}/requests"),
            &json!({"category": "groceries", "window_start": soon, "window_end": soon + Duration::hours(3),
                    "duration_minutes": 60, "details": DETAILS, "place": PLACE}),
            StatusCode::CREATED,
        )
        .await;
    Market {
        family,
        circle,
        request: asked.id.to_string(),
        matchmaker,
        org,
        code: link.code,
    }
}

async fn volunteer(
    s: &Server,
    m: &Market,
    name: &str,
    will: &[&str],
    area: &str,
) -> (Browser, String) {
    let first = name.split_whitespace().next().unwrap().to_lowercase();
    let email = format!("{first}@vrijwilliger.example");
    let (browser, id) = s.person(name, &email).await;
    let _: v1::Created = browser
        .post_ok(
            "/api/v1/volunteering",
            &json!({"organisation": m.org, "code": m.code, "profile": profile(will, area)}),
            StatusCode::CREATED,
        )
        .await;
    (browser, id)
}

async fn list(m: &Market) {
    let c = &m.circle;
    let _: v1::Changed = m
        .family
        .put_ok(
            &format!("/api/v1/circles/{c}/neighbourhood"),
            &json!({"neighbourhood": "3512"}),
            StatusCode::OK,
        )
        .await;
    let _: v1::Changed = m
        .family
        .put_ok(
            &format!("/api/v1/circles/{c}/consents/{}", m.org),
            &json!({"scope": "signals"}),
            StatusCode::OK,
        )
        .await;
    let _: v1::Changed = m
        .family
        .post_ok(
            &format!("/api/v1/circles/{c}/requests/{}/listing", m.request),
            &json!({"organisation": m.org, "summary": SUMMARY}),
            StatusCode::OK,
        )
        .await;
}

/// Nothing that names or places the family, in any answer a stranger gets.
fn anonymous(body: &str, m: &Market) {
    for secret in [
        DETAILS,
        PLACE,
        "Jansen",
        "Ann",
        m.circle.as_str(),
        m.request.as_str(),
    ] {
        assert!(!body.contains(secret), "{secret:?} in {body}");
    }
}

on_both_backends!(Server::start => a_request_goes_from_the_listing_to_a_volunteer_in_the_circle,
    a_sign_up_link_works_until_a_new_one_is_made,
    the_board_and_a_volunteers_page_hear_of_changes_live,
    after_three_tasks_the_family_offers_the_volunteer_a_place_in_the_lukewarm_ring,
    two_circles_on_one_marketplace_each_decide_for_themselves,
    another_organisation_and_strangers_learn_nothing_of_a_listing);

async fn a_request_goes_from_the_listing_to_a_volunteer_in_the_circle(s: Server) {
    let m = market(&s).await;
    let (kees, kees_id) = volunteer(&s, &m, "Kees Buur", &["groceries", "visit"], "3512").await;
    let (lot, lot_id) = volunteer(&s, &m, "Lot Verderop", &["groceries"], "3513").await;
    let (_piet, _) = volunteer(&s, &m, "Piet Bezoek", &["visit"], "3512").await;
    list(&m).await;

    // The board: the listing, anonymised.
    let board_path = format!("/api/v1/organisations/{}/marketplace", m.org);
    let board = m
        .matchmaker
        .get_until(&board_path, |b| {
            b["listings"].as_array().is_some_and(|l| l.len() == 1)
        })
        .await;
    anonymous(&board.to_string(), &m);
    let listing = board["listings"][0]["listing"].as_str().unwrap().to_owned();
    assert_eq!(board["listings"][0]["summary"], SUMMARY);
    assert_eq!(board["listings"][0]["neighbourhood"], "3512");
    assert_eq!(board["listings"][0]["stage"], "listed");
    assert_eq!(
        board["weeks"].as_array().unwrap().last().unwrap()["listed"],
        1
    );

    // Ranking: the very neighbourhood first, the one next to it after; not
    // whoever does not do groceries.
    let candidates: Vec<v1::Candidate> = m
        .matchmaker
        .get_ok(&format!(
            "/api/v1/organisations/{}/marketplace/{listing}/candidates",
            m.org
        ))
        .await;
    let names: Vec<&str> = candidates
        .iter()
        .map(|c| c.volunteer.name.as_str())
        .collect();
    assert_eq!(names, ["Kees", "Lot"], "first names only, nearest first");

    // A volunteer sees it too, without the circle.
    let mine = format!("/api/v1/me/volunteering/{}", m.org);
    // Another site cannot make Lot's browser read it (that would record looks).
    let events = s.events().await;
    for path in [mine.clone(), board_path.clone()] {
        let who = if path == mine { &lot } else { &m.matchmaker };
        let answer = who
            .client
            .get(s.url(&path))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(s.events().await, events, "a refused look writes nothing");
    let seen = lot
        .get_until(&mine, |b| {
            b["listings"].as_array().is_some_and(|l| l.len() == 1)
        })
        .await;
    anonymous(&seen.to_string(), &m);
    assert_eq!(seen["listings"][0]["listing"], listing.as_str());

    // Lot offers himself; the matchmaker proposes Kees with a note.
    let proposals = format!(
        "/api/v1/organisations/{}/marketplace/{listing}/proposals",
        m.org
    );
    let _: v1::Changed = lot.post_ok(&proposals, &json!({}), StatusCode::OK).await;
    let again = lot
        .post_refused(&proposals, &json!({}), StatusCode::CONFLICT)
        .await;
    assert_eq!(again.code, "already-proposed");
    let _: v1::Changed = m
        .matchmaker
        .post_ok(
            &proposals,
            &json!({"volunteer": kees_id, "note": "Kees woont om de hoek"}),
            StatusCode::OK,
        )
        .await;

    // The family sees both, by first name, with the note.
    let theirs = format!(
        "/api/v1/circles/{}/requests/{}/proposals",
        m.circle, m.request
    );
    let proposed: Vec<v1::CircleProposal> = m.family.get_ok(&theirs).await;
    let mut seen: Vec<(String, bool, Option<String>)> = proposed
        .iter()
        .map(|p| (p.first_name.clone(), p.offered, p.note.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("Kees".into(), false, Some("Kees woont om de hoek".into())),
            ("Lot".into(), true, None)
        ]
    );

    // The family declines Lot and accepts Kees.
    let answer = |who: &str| {
        format!(
            "/api/v1/circles/{}/requests/{}/proposals/{who}",
            m.circle, m.request
        )
    };
    let _: v1::Changed = m
        .family
        .post_ok(&answer(&lot_id), &json!({"accept": false}), StatusCode::OK)
        .await;
    let _: v1::Changed = m
        .family
        .post_ok(&answer(&kees_id), &json!({"accept": true}), StatusCode::OK)
        .await;

    // Kees is in the circle for this task, and now learns which circle it is.
    let circles = kees
        .get_until("/api/v1/circles", |b| b.to_string().contains(&m.circle))
        .await;
    assert!(circles.to_string().contains(&m.circle));
    let kees_view = kees
        .get_until(&mine, |b| b["proposals"][0]["state"] == "accepted")
        .await;
    assert_eq!(kees_view["proposals"][0]["circle"], m.circle.as_str());
    let (status, request) = kees
        .get(&format!("/api/v1/circles/{}/requests", m.circle))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(request.to_string().contains(&m.request), "{request}");
    // Lot was declined: he never learns the circle, and the listing is gone for him.
    let lot_view = lot
        .get_until(&mine, |b| b["proposals"][0]["state"] == "declined")
        .await;
    assert!(lot_view["proposals"][0]["circle"].is_null());
    anonymous(&lot_view.to_string(), &m);
    let (status, _) = lot.get(&format!("/api/v1/circles/{}", m.circle)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The board moved on: matched, with a time to match.
    let board = m
        .matchmaker
        .get_until(&board_path, |b| b["listings"][0]["stage"] == "matched")
        .await;
    assert_eq!(
        board["weeks"].as_array().unwrap().last().unwrap()["matched"],
        1
    );

    // Every look is on the circle's record, once a day per person and kind.
    let looks: v1::Looks = m
        .family
        .get_ok(&format!("/api/v1/circles/{}/looks", m.circle))
        .await;
    let whats: Vec<(&str, String)> = looks
        .looks
        .iter()
        .map(|l| (l.code.as_str(), l.who.name.clone()))
        .collect();
    let marketplace = whats.iter().filter(|(w, _)| *w == "marketplace").count();
    let by_volunteers: Vec<&String> = whats
        .iter()
        .filter(|(w, _)| *w == "marketplace-volunteer")
        .map(|(_, who)| who)
        .collect();
    assert!(
        by_volunteers.iter().any(|who| *who == "Lot Verderop"),
        "a volunteer's look at the listing is on the record: {whats:?}"
    );
    assert_eq!(
        marketplace, 1,
        "board, candidates and board again are one look today: {whats:?}"
    );
}

async fn a_sign_up_link_works_until_a_new_one_is_made(s: Server) {
    let m = market(&s).await;
    let (someone, _) = s.person("Sara", "sara@example.org").await;
    let join = |code: &str| json!({"organisation": m.org, "code": code, "profile": profile(&["groceries"], "3512")});
    let wrong = someone
        .post_refused(
            "/api/v1/volunteering",
            &join("made-up"),
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(wrong.code, "sign-up-link-gone");
    let newer: v1::SignUpLink = m
        .matchmaker
        .post_ok(
            &format!("/api/v1/organisations/{}/volunteer-sign-up", m.org),
            &Empty {},
            StatusCode::CREATED,
        )
        .await;
    let old = someone
        .post_refused(
            "/api/v1/volunteering",
            &join(&m.code),
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(old.code, "sign-up-link-gone");
    // A profile that cannot be is refused in the person's terms, and nothing is stored.
    let care = json!({"organisation": m.org, "code": newer.code, "profile": profile(&["washing"], "3512")});
    let refused = someone
        .post_refused(
            "/api/v1/volunteering",
            &care,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(refused.code, "volunteer-category");
    let address = json!({"organisation": m.org, "code": newer.code, "profile": profile(&["groceries"], "Lange Nieuwstraat 12")});
    let refused = someone
        .post_refused(
            "/api/v1/volunteering",
            &address,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(refused.code, "neighbourhood");
    let (status, _) = someone
        .get(&format!("/api/v1/me/volunteering/{}", m.org))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let _: v1::Created = someone
        .post_ok(
            "/api/v1/volunteering",
            &join(&newer.code),
            StatusCode::CREATED,
        )
        .await;
    let mine: v1::Volunteering = someone
        .get_ok(&format!("/api/v1/me/volunteering/{}", m.org))
        .await;
    assert_eq!(mine.status, v1::VolunteerStatus::Active);
    assert_eq!(mine.organisation_name, "Welzijn Oost");
    // Paused: asked for nothing, and sees no listings.
    let status_path = format!("/api/v1/me/volunteering/{}/status", m.org);
    let _: v1::Changed = someone
        .put_ok(&status_path, &json!({"status": "paused"}), StatusCode::OK)
        .await;
    list(&m).await;
    let mine: v1::Volunteering = someone
        .get_ok(&format!("/api/v1/me/volunteering/{}", m.org))
        .await;
    assert_eq!(mine.status, v1::VolunteerStatus::Paused);
    assert!(mine.listings.is_empty());
}

async fn another_organisation_and_strangers_learn_nothing_of_a_listing(s: Server) {
    let m = market(&s).await;
    let (kees, _) = volunteer(&s, &m, "Kees", &["groceries"], "3512").await;
    list(&m).await;
    let board = m
        .matchmaker
        .get_until(
            &format!("/api/v1/organisations/{}/marketplace", m.org),
            |b| b["listings"].as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    let listing = board["listings"][0]["listing"].as_str().unwrap().to_owned();
    // Another organisation's matchmaker, even one the family also consented to.
    let (other, _) = s.person("Olga", "olga@anders.example").await;
    let other_org: v1::Created = other
        .post_ok(
            "/api/v1/organisations",
            &json!({"name": "Anders"}),
            StatusCode::CREATED,
        )
        .await;
    let other_org = other_org.id.to_string();
    let _: v1::Changed = m
        .family
        .put_ok(
            &format!("/api/v1/circles/{}/consents/{other_org}", m.circle),
            &json!({"scope": "full"}),
            StatusCode::OK,
        )
        .await;
    let theirs: v1::Board = other
        .get_ok(&format!("/api/v1/organisations/{other_org}/marketplace"))
        .await;
    assert!(theirs.listings.is_empty());
    for path in [
        format!("/api/v1/organisations/{other_org}/marketplace/{listing}/candidates"),
        format!(
            "/api/v1/organisations/{}/marketplace/{listing}/candidates",
            m.org
        ),
        format!("/api/v1/organisations/{}/marketplace", m.org),
    ] {
        let (status, body) = other.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    // A volunteer cannot rank, and cannot propose someone else.
    let (status, _) = kees
        .get(&format!(
            "/api/v1/organisations/{}/marketplace/{listing}/candidates",
            m.org
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, stranger_id) = s.person("Stranger", "stranger@example.org").await;
    let before = s.events().await;
    let proposals = format!(
        "/api/v1/organisations/{}/marketplace/{listing}/proposals",
        m.org
    );
    let _: v1::Changed = kees
        .post_ok(
            &proposals,
            &json!({"volunteer": stranger_id}),
            StatusCode::OK,
        )
        .await;
    let proposed: Vec<v1::CircleProposal> = m
        .family
        .get_ok(&format!(
            "/api/v1/circles/{}/requests/{}/proposals",
            m.circle, m.request
        ))
        .await;
    assert_eq!(proposed.len(), 1);
    assert_eq!(
        proposed[0].first_name, "Kees",
        "a volunteer naming someone else offers themself"
    );
    assert!(s.events().await > before);
    // A volunteer of another organisation sees nothing of this marketplace.
    let other_link: v1::SignUpLink = other
        .post_ok(
            &format!("/api/v1/organisations/{other_org}/volunteer-sign-up"),
            &Empty {},
            StatusCode::CREATED,
        )
        .await;
    let (elsewhere, _) = s.person("Els", "els@anders.example").await;
    let _: v1::Created = elsewhere
        .post_ok(
            "/api/v1/volunteering",
            &json!({"organisation": other_org, "code": other_link.code, "profile": profile(&["groceries"], "3512")}),
            StatusCode::CREATED,
        )
        .await;
    for path in [
        format!("/api/v1/me/volunteering/{}", m.org),
        format!("/api/v1/organisations/{}/marketplace", m.org),
        format!(
            "/api/v1/organisations/{}/marketplace/{listing}/candidates",
            m.org
        ),
    ] {
        let (status, body) = elsewhere.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, _) = elsewhere.post(&proposals, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let theirs: v1::Volunteering = elsewhere
        .get_ok(&format!("/api/v1/me/volunteering/{other_org}"))
        .await;
    assert!(theirs.listings.is_empty(), "another marketplace's listing");
    // The matchmaker cannot propose someone who is no volunteer of theirs.
    let refused = m
        .matchmaker
        .post_refused(
            &proposals,
            &json!({"volunteer": stranger_id}),
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(refused.code, "no-such-volunteer");

    // Kees stops volunteering: his offer, still waiting, is withdrawn.
    let board = format!("/api/v1/organisations/{}/marketplace", m.org);
    m.matchmaker
        .get_until(&board, |b| b["listings"][0]["stage"] == "proposed")
        .await;
    let _: v1::Changed = kees
        .put_ok(
            &format!("/api/v1/me/volunteering/{}/status", m.org),
            &json!({"status": "left"}),
            StatusCode::OK,
        )
        .await;
    let proposed: Vec<v1::CircleProposal> = m
        .family
        .get_ok(&format!(
            "/api/v1/circles/{}/requests/{}/proposals",
            m.circle, m.request
        ))
        .await;
    assert_eq!(proposed[0].state, v1::ProposalState::Declined, "withdrawn");
}

/// The matchmaker's and a volunteer's sockets watch the marketplace: a listing
/// and an offer reach them as `marketplace_changed` once the board shows it,
/// carrying nothing of the listing; another organisation's matchmaker and a
/// stranger cannot watch it.
async fn the_board_and_a_volunteers_page_hear_of_changes_live(s: Server) {
    use common::live::{connect, next, send, session_cookie, silent};
    let m = market(&s).await;
    let (kees, _) = volunteer(&s, &m, "Kees", &["groceries"], "3512").await;
    let watch = json!({"type": "watch_marketplace", "organisation": m.org});
    let mut board = connect(
        &s.base,
        &session_cookie(&s.base, "wim@welzijn.example").await,
    )
    .await;
    send(&mut board, &watch).await;
    let kees_cookie = session_cookie(&s.base, "kees@vrijwilliger.example").await;
    let mut page = connect(&s.base, &kees_cookie).await;
    send(&mut page, &watch).await;
    // Neither another organisation's matchmaker nor a stranger may watch.
    let (olga, _) = s.person("Olga", "olga@anders.example").await;
    let _: v1::Created = olga
        .post_ok(
            "/api/v1/organisations",
            &json!({"name": "Anders"}),
            StatusCode::CREATED,
        )
        .await;
    let mut other = connect(
        &s.base,
        &session_cookie(&s.base, "olga@anders.example").await,
    )
    .await;
    send(&mut other, &watch).await;
    let refused = next(&mut other).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("no such marketplace"),
        "{refused}"
    );

    list(&m).await;
    let board_path = format!("/api/v1/organisations/{}/marketplace", m.org);
    // Each message says "changed up to here"; one of them (the listing's
    // events may come in more than one) leaves the board showing it, with no
    // waiting for the projector after it.
    let shown = told_until(&mut board, &m, &board_path, |b| b.listings.len() == 1).await;
    told_until(&mut page, &m, &board_path, |b| b.listings.len() == 1).await;
    let listing = shown.listings[0].request.listing;
    assert!(silent(&mut other, std::time::Duration::from_millis(300))
        .await
        .is_none());

    // Kees offers himself: both hear of it again.
    let _: v1::Changed = kees
        .post_ok(
            &format!(
                "/api/v1/organisations/{}/marketplace/{listing}/proposals",
                m.org
            ),
            &json!({}),
            StatusCode::OK,
        )
        .await;
    let proposed = |b: &v1::Board| b.listings[0].stage == v1::ListingStage::Proposed;
    told_until(&mut board, &m, &board_path, proposed).await;
    told_until(&mut page, &m, &board_path, proposed).await;
    assert!(silent(&mut other, std::time::Duration::from_millis(300))
        .await
        .is_none());
}

/// Reads `socket`'s messages, each exactly `marketplace_changed` for the
/// organisation and nothing more, until the board read after one satisfies
/// `shows` (a few at most); answers that board.
async fn told_until(
    socket: &mut common::live::Socket,
    m: &Market,
    board_path: &str,
    shows: impl Fn(&v1::Board) -> bool,
) -> v1::Board {
    for _ in 0..5 {
        let changed = common::live::next(socket).await;
        assert_eq!(
            changed,
            json!({"type": "marketplace_changed", "organisation": m.org})
        );
        let board: v1::Board = m.matchmaker.get_ok(board_path).await;
        if shows(&board) {
            return board;
        }
    }
    panic!("five changes told, and the board never showed it");
}

/// Kees does three grocery runs for the family through the marketplace,
/// leaving after each; then the coordinators see him as a helper and offer
/// him a place in the lukewarm ring, which he takes from his own page.
async fn after_three_tasks_the_family_offers_the_volunteer_a_place_in_the_lukewarm_ring(s: Server) {
    let m = market(&s).await;
    let (kees, kees_id) = volunteer(&s, &m, "Kees Buur", &["groceries"], "3512").await;
    list(&m).await;
    let c = m.circle.clone();
    let helpers = format!("/api/v1/circles/{c}/helpers");
    let offer = format!("/api/v1/circles/{c}/helpers/{kees_id}/place");
    for task in 0..3 {
        let request = if task == 0 {
            m.request.clone()
        } else {
            let soon = Utc::now() + Duration::days(2 + task);
            let asked: v1::Created = m
                .family
                .post_ok(
                    &format!("/api/v1/circles/{c}/requests"),
                    &json!({"category": "groceries", "window_start": soon,
                            "window_end": soon + Duration::hours(3), "duration_minutes": 60,
                            "details": DETAILS}),
                    StatusCode::CREATED,
                )
                .await;
            let _: v1::Changed = m
                .family
                .post_ok(
                    &format!("/api/v1/circles/{c}/requests/{}/listing", asked.id),
                    &json!({"organisation": m.org, "summary": SUMMARY}),
                    StatusCode::OK,
                )
                .await;
            asked.id.to_string()
        };
        // Before the third task is done, he is no helper yet.
        let none: Vec<v1::Helper> = m.family.get_ok(&helpers).await;
        assert!(none.is_empty(), "{none:?}");
        let refused = m
            .family
            .post_refused(&offer, &json!(null), StatusCode::CONFLICT)
            .await;
        assert_eq!(refused.code, "not-helped-enough");
        let proposals = format!("/api/v1/circles/{c}/requests/{request}/proposals");
        let _: v1::Changed = m
            .matchmaker
            .post_ok(
                &format!(
                    "/api/v1/organisations/{}/marketplace/{}/proposals",
                    m.org,
                    listed_now(&m, task as usize + 1).await
                ),
                &json!({"volunteer": kees_id}),
                StatusCode::OK,
            )
            .await;
        let _: v1::Changed = m
            .family
            .post_ok(
                &format!("{proposals}/{kees_id}"),
                &json!({"accept": true}),
                StatusCode::OK,
            )
            .await;
        let _: v1::Changed = kees
            .post_ok(
                &format!("/api/v1/circles/{c}/requests/{request}/done"),
                &json!(null),
                StatusCode::OK,
            )
            .await;
        if task < 2 {
            // His place ends with the task (the days for thanks cut short).
            let (status, body) = kees
                .delete(&format!("/api/v1/circles/{c}/members/{kees_id}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }

    // Three tasks: the coordinators see him, by first name; others may not.
    let seen: Vec<v1::Helper> = m.family.get_ok(&helpers).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].first_name.as_str(), seen[0].tasks, seen[0].offered),
        ("Kees", 3, false)
    );
    let (status, _) = kees.get(&helpers).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a volunteer does not see the helpers"
    );
    let (status, _) = m.matchmaker.get(&helpers).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let _: v1::Changed = m.family.post_ok(&offer, &json!(null), StatusCode::OK).await;
    let again = m
        .family
        .post_refused(&offer, &json!(null), StatusCode::CONFLICT)
        .await;
    assert_eq!(again.code, "place-already-offered");

    // Kees sees the offer (the family's name, no more) and takes it; a stranger
    // cannot answer it for him.
    let places = kees
        .get_until("/api/v1/me/places", |p| {
            p.as_array().is_some_and(|p| p.len() == 1)
        })
        .await;
    assert_eq!(places[0]["circle"], c.as_str());
    assert_eq!(places[0]["focus"]["name"], "Mam Jansen");
    let (stranger, _) = s.person("Stranger", "stranger@example.org").await;
    let before = s.events().await;
    let (status, _) = stranger
        .post(&format!("/api/v1/me/places/{c}"), json!({"accept": true}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(s.events().await, before, "nothing written");
    let _: v1::Changed = kees
        .post_ok(
            &format!("/api/v1/me/places/{c}"),
            &json!({"accept": true}),
            StatusCode::OK,
        )
        .await;
    let circle: v1::Circle = kees.get_ok(&format!("/api/v1/circles/{c}")).await;
    assert_eq!(circle.you.ring, v1::Ring::Lukewarm);
    let answered_again = kees
        .post_refused(
            &format!("/api/v1/me/places/{c}"),
            &json!({"accept": true}),
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(answered_again.code, "no-place-offered");
    let gone: Vec<v1::Helper> = m.family.get_ok(&helpers).await;
    assert!(gone.is_empty(), "in the lukewarm ring now: {gone:?}");
}

/// The id of the one listing on the board that nobody was proposed for yet
/// (the board names no request), once the board shows `listings` of them:
/// the projector folds in order, so the others are past "listed" by then.
async fn listed_now(m: &Market, listings: usize) -> String {
    let board = m
        .matchmaker
        .get_until(
            &format!("/api/v1/organisations/{}/marketplace", m.org),
            |b| {
                b["listings"]
                    .as_array()
                    .is_some_and(|l| l.len() == listings)
            },
        )
        .await;
    board["listings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["stage"] == "listed")
        .expect("a listed request")["listing"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Two families list on the same marketplace. Kees offers himself for both;
/// one family says no, the other yes: he is in the second circle only, the
/// first stays unknown to him, and his access ends when he leaves after the task.
async fn two_circles_on_one_marketplace_each_decide_for_themselves(s: Server) {
    let m = market(&s).await;
    let (kees, kees_id) = volunteer(&s, &m, "Kees Buur", &["groceries"], "3512").await;
    list(&m).await;
    let (bea, _) = s.person("Bea de Wit", "bea@example.org").await;
    let other: v1::Created = bea
        .post_ok(
            "/api/v1/circles",
            &json!({"focus_name": "Opa de Wit"}),
            StatusCode::CREATED,
        )
        .await;
    let b = other.id.to_string();
    for (path, body) in [
        (
            format!("/api/v1/circles/{b}/neighbourhood"),
            json!({"neighbourhood": "3512"}),
        ),
        (
            format!("/api/v1/circles/{b}/consents/{}", m.org),
            json!({"scope": "signals"}),
        ),
    ] {
        let _: v1::Changed = bea.put_ok(&path, &body, StatusCode::OK).await;
    }
    let soon = Utc::now() + Duration::days(3);
    let asked: v1::Created = bea
        .post_ok(
            &format!("/api/v1/circles/{b}/requests"),
            &json!({"category": "groceries", "window_start": soon,
                    "window_end": soon + Duration::hours(2), "duration_minutes": 45,
                    "details": "Melk en brood voor opa"}),
            StatusCode::CREATED,
        )
        .await;
    let b_request = asked.id.to_string();
    let _: v1::Changed = bea
        .post_ok(
            &format!("/api/v1/circles/{b}/requests/{b_request}/listing"),
            &json!({"organisation": m.org, "summary": "Boodschappen voor een buurman"}),
            StatusCode::OK,
        )
        .await;

    // Kees sees both listings, neither naming its circle, and offers for both.
    let mine = format!("/api/v1/me/volunteering/{}", m.org);
    let seen = kees
        .get_until(&mine, |v| {
            v["listings"].as_array().is_some_and(|l| l.len() == 2)
        })
        .await;
    anonymous(&seen.to_string(), &m);
    for secret in [
        b.as_str(),
        b_request.as_str(),
        "Opa",
        "Bea",
        "Melk en brood",
    ] {
        assert!(!seen.to_string().contains(secret), "{secret:?} in {seen}");
    }
    for listing in seen["listings"].as_array().unwrap() {
        let offer = format!(
            "/api/v1/organisations/{}/marketplace/{}/proposals",
            m.org,
            listing["listing"].as_str().unwrap()
        );
        let _: v1::Changed = kees.post_ok(&offer, &json!({}), StatusCode::OK).await;
    }
    // The first family says no, the second yes.
    let answer = |circle: &str, request: &str| {
        format!("/api/v1/circles/{circle}/requests/{request}/proposals/{kees_id}")
    };
    let _: v1::Changed = m
        .family
        .post_ok(
            &answer(&m.circle, &m.request),
            &json!({"accept": false}),
            StatusCode::OK,
        )
        .await;
    let _: v1::Changed = bea
        .post_ok(
            &answer(&b, &b_request),
            &json!({"accept": true}),
            StatusCode::OK,
        )
        .await;

    // He is in the second circle only; the first he never learns.
    let (status, _) = kees.get(&format!("/api/v1/circles/{}", m.circle)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let circle: v1::Circle = kees.get_ok(&format!("/api/v1/circles/{b}")).await;
    assert_eq!(circle.you.ring, v1::Ring::Cold);
    let proposals = kees
        .get_until(&mine, |v| {
            v["proposals"].as_array().is_some_and(|p| {
                p.iter().any(|p| p["state"] == "declined")
                    && p.iter().any(|p| p["state"] == "accepted")
            })
        })
        .await;
    let declined: Vec<&serde_json::Value> = proposals["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["state"] == "declined")
        .collect();
    assert!(declined[0]["circle"].is_null(), "{proposals}");
    anonymous(&proposals.to_string(), &m);

    // The task done, his place ends: the circle is gone for him.
    let _: v1::Changed = kees
        .post_ok(
            &format!("/api/v1/circles/{b}/requests/{b_request}/done"),
            &json!(null),
            StatusCode::OK,
        )
        .await;
    let (status, body) = kees
        .delete(&format!("/api/v1/circles/{b}/members/{kees_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = kees.get(&format!("/api/v1/circles/{b}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
