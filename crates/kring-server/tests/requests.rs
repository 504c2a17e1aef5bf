//! Requests for help, standing offers and thanks over real HTTP, on both backends.

mod common;

use std::collections::HashMap;

use chrono::{Duration, Utc};
use common::{Browser, Empty, Server};
use kring_protocol::v1::{self, Category, CategoryGroup, RequestStatus, Ring};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    Server::start =>
    post_and_widen_a_request,
    refused_requests_leave_the_log_as_it_was,
    offers_are_made_withdrawn_and_seen_by_the_right_people,
    a_place_is_seen_only_by_the_asker_the_taker_and_the_coordinators,
    requests_widen_only_as_far_as_their_kind_allows,
    a_request_changes_and_its_taker_keeps_it,
);

/// Ann starts a circle for Mam; answers Ann, her id and the circle's id.
async fn circle(s: &Server) -> (Browser, String, String) {
    let (ann, ann_id) = s.person("Ann", "ann@example.org").await;
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

/// A new account that joins the circle in `ring` through an invitation from
/// the coordinator `ann`; answers its browser and id.
async fn member(
    s: &Server,
    ann: &Browser,
    circle: &str,
    name: &str,
    ring: Ring,
) -> (Browser, String) {
    s.join_with(ann, circle, name, invite(ring, None)).await
}

fn invite(ring: Ring, task: Option<Uuid>) -> v1::Invite {
    v1::Invite {
        ring,
        role: v1::Role::Member,
        task,
        expires_in_days: None,
    }
}

/// A request body for tomorrow afternoon.
fn ask(category: Category, details: &str) -> v1::AskForHelp {
    let start = Utc::now() + Duration::days(1);
    let end = start + Duration::hours(3);
    v1::AskForHelp {
        category,
        window_start: start,
        window_end: end,
        duration_minutes: 60,
        details: details.into(),
        place: None,
        on_behalf_of_focus: false,
    }
}

fn person(id: &str, name: &str) -> v1::Person {
    v1::Person {
        id: id.parse().unwrap(),
        name: name.into(),
        forgotten: false,
    }
}

fn widen(to: Ring) -> v1::WidenRequest {
    v1::WidenRequest { to }
}

/// The requests `browser` sees once the view holds `at_least`.
async fn requests(browser: &Browser, circle: &str, at_least: u64) -> Vec<v1::HelpRequest> {
    let list: v1::Requests = browser
        .get_ok(&format!(
            "/api/v1/circles/{circle}/requests?min_version={at_least}"
        ))
        .await;
    assert!(list.version >= at_least, "{list:?}");
    list.requests
}

async fn offers(browser: &Browser, circle: &str, at_least: u64) -> Vec<v1::Offer> {
    let list: v1::Offers = browser
        .get_ok(&format!(
            "/api/v1/circles/{circle}/offers?min_version={at_least}"
        ))
        .await;
    list.offers
}

/// Posts `body` and expects a refusal with `status`; answers the problem's
/// code and detail.
async fn refused(
    s: &Server,
    browser: &Browser,
    path: &str,
    body: impl Serialize,
    status: StatusCode,
) -> (String, String) {
    let events = s.events().await;
    let problem = browser.post_refused(path, &body, status).await;
    assert_eq!(
        s.events().await,
        events,
        "a refusal writes nothing: {problem:?}"
    );
    (problem.code, problem.detail.expect("a detail"))
}

async fn post_and_widen_a_request(s: Server) {
    let (ann, ann_id, circle) = circle(&s).await;
    let (bob, bob_id) = member(&s, &ann, &circle, "Bob", Ring::Lukewarm).await;
    let base = format!("/api/v1/circles/{circle}/requests");

    let mut body = ask(Category::Groceries, "Milk, bread and the newspaper");
    body.place = Some("Dorpsstraat 1, Ede".into());
    let created: v1::Created = ann.post_ok(&base, &body, StatusCode::CREATED).await;
    let request = created.id;
    let asked = created.version;

    let mine = requests(&ann, &circle, asked).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    let r = &mine[0];
    assert_eq!(r.id, request);
    assert_eq!(r.category, Category::Groceries);
    assert_eq!(r.duration_minutes, 60);
    assert_eq!(r.details.as_deref(), Some("Milk, bread and the newspaper"));
    assert_eq!(r.asked_by, person(&ann_id, "Ann"));
    assert!(!r.on_behalf_of_focus);
    assert_eq!(r.reach, Ring::Warm);
    assert_eq!(r.status, RequestStatus::Open);
    assert_eq!(r.taker, None);
    assert_eq!(r.place.as_deref(), Some("Dorpsstraat 1, Ede"));

    // Open to the warm ring only: the neighbour neither sees nor takes it.
    assert_eq!(requests(&bob, &circle, asked).await, vec![]);
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{request}/take"),
        Empty {},
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(code, "only-request-rings");

    let widened: v1::Changed = ann
        .post_ok(
            &format!("{base}/{request}/widen"),
            &widen(Ring::Lukewarm),
            StatusCode::OK,
        )
        .await;
    let seen = requests(&bob, &circle, widened.version).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].reach, Ring::Lukewarm);
    assert_eq!(
        seen[0].details.as_deref(),
        Some("Milk, bread and the newspaper")
    );
    assert!(
        seen[0].place.is_none(),
        "not the neighbour's yet: {:?}",
        seen[0]
    );

    let taken: v1::Changed = bob
        .post_ok(&format!("{base}/{request}/take"), &Empty {}, StatusCode::OK)
        .await;
    let seen = requests(&bob, &circle, taken.version).await;
    assert_eq!(seen[0].status, RequestStatus::Taken);
    assert_eq!(seen[0].taker, Some(person(&bob_id, "Bob")));
    assert_eq!(
        seen[0].place.as_deref(),
        Some("Dorpsstraat 1, Ede"),
        "the helper needs the address"
    );

    let confirmed: v1::Changed = ann
        .post_ok(
            &format!("{base}/{request}/confirm"),
            &Empty {},
            StatusCode::OK,
        )
        .await;
    let seen = requests(&bob, &circle, confirmed.version).await;
    assert_eq!(seen[0].status, RequestStatus::Confirmed);

    // Thanks come once the help is done.
    let thanks = format!("/api/v1/circles/{circle}/thanks");
    let thank_bob = v1::Thank {
        to: bob_id.parse().unwrap(),
        thanks_for: v1::ThanksFor::Request { request },
        note: Some("Thank you, Bob!".into()),
    };
    let (code, _) = refused(
        &s,
        &ann,
        &thanks,
        &thank_bob,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "thank-helper-when-done");

    let done: v1::Changed = ann
        .post_ok(&format!("{base}/{request}/done"), &Empty {}, StatusCode::OK)
        .await;
    // Done requests leave the list of open and running ones.
    assert_eq!(requests(&ann, &circle, done.version).await, vec![]);
    assert_eq!(requests(&bob, &circle, done.version).await, vec![]);
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{request}/done"),
        Empty {},
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(code, "done-untaken");

    let events = s.events().await;
    let thanked: v1::Changed = ann.post_ok(&thanks, &thank_bob, StatusCode::OK).await;
    assert!(thanked.version > done.version);
    assert_eq!(s.events().await, events + 1);
    let (code, _) = refused(
        &s,
        &bob,
        &thanks,
        v1::Thank {
            to: bob_id.parse().unwrap(),
            thanks_for: v1::ThanksFor::Request { request },
            note: None,
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "thank-self");
    // A shift without its date: the types cannot say it.
    let (_, detail) = refused(
        &s,
        &ann,
        &thanks,
        json!({"to": bob_id, "for": {"shift": request}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(detail.contains("names one thing"), "{detail}");
}

async fn refused_requests_leave_the_log_as_it_was(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bob, _) = member(&s, &ann, &circle, "Bob", Ring::Lukewarm).await;
    let (eve, _) = s.person("Eve", "eve@example.org").await;
    let base = format!("/api/v1/circles/{circle}/requests");

    // Personal care is for the family and professionals, not the neighbours.
    let washing: v1::Created = ann
        .post_ok(
            &base,
            &ask(Category::Washing, "Help Mam shower"),
            StatusCode::CREATED,
        )
        .await;
    let washing = washing.id;
    let widen_path = format!("{base}/{washing}/widen");
    let (_, detail) = refused(
        &s,
        &ann,
        &widen_path,
        widen(Ring::Lukewarm),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        detail,
        "volunteers do not give personal care (washing, dressing, medication): \
         ask the home-care team or the GP (huisarts) for professional care"
    );
    let money: v1::Created = ann
        .post_ok(
            &base,
            &ask(Category::Finances, "Sort out the bank letters"),
            StatusCode::CREATED,
        )
        .await;
    let money = money.id;
    let (code, _) = refused(
        &s,
        &ann,
        &format!("{base}/{money}/widen"),
        widen(Ring::Lukewarm),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "personal-matters-stay-warm");

    // Only coordinators widen.
    let walk: v1::Created = ann
        .post_ok(
            &base,
            &ask(Category::Walk, "A walk in the park"),
            StatusCode::CREATED,
        )
        .await;
    let walk = walk.id;
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{walk}/widen"),
        widen(Ring::Lukewarm),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(code, "only-coordinators");
    let (code, _) = refused(
        &s,
        &ann,
        &format!("{base}/{walk}/widen"),
        widen(Ring::Warm),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(code, "already-open-to-ring");

    // Input that cannot be right.
    // An unknown category: the types cannot say it.
    let mut gardening = serde_json::to_value(ask(Category::Groceries, "Mow the lawn")).unwrap();
    gardening["category"] = json!("gardening");
    let (_, detail) = refused(&s, &ann, &base, gardening, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        detail.contains("gardening") && detail.contains("groceries"),
        "says what to use: {detail}"
    );
    let mut backwards = ask(Category::Groceries, "Milk");
    backwards.window_end = Utc::now() + Duration::hours(1);
    backwards.window_start = Utc::now() + Duration::hours(2);
    let (code, _) = refused(&s, &ann, &base, backwards, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(code, "window-ends-before-start");
    let mut quick = ask(Category::Groceries, "Milk");
    quick.duration_minutes = 2;
    let (code, _) = refused(&s, &ann, &base, quick, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(code, "duration");
    let (code, _) = refused(
        &s,
        &ann,
        &base,
        ask(Category::Groceries, "   "),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "details-length");
    let mut past = ask(Category::Groceries, "Milk");
    past.window_start = Utc::now() - Duration::hours(3);
    past.window_end = Utc::now() - Duration::hours(1);
    let (code, _) = refused(&s, &ann, &base, past, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(code, "window-passed");

    // Asking for Mam is for the warm ring.
    let mut for_mam = ask(Category::Visit, "Keep Mam company");
    for_mam.on_behalf_of_focus = true;
    let (code, _) = refused(&s, &bob, &base, for_mam, StatusCode::FORBIDDEN).await;
    assert_eq!(code, "only-warm-for-focus");

    // Unknown steps and requests are not there; a stranger learns nothing.
    refused(
        &s,
        &ann,
        &format!("{base}/{walk}/dance"),
        Empty {},
        StatusCode::NOT_FOUND,
    )
    .await;
    refused(
        &s,
        &ann,
        &format!("{base}/{walk}/no_show"),
        Empty {},
        StatusCode::NOT_FOUND,
    )
    .await;
    let (code, _) = refused(
        &s,
        &ann,
        &format!("{base}/not-an-id/take"),
        Empty {},
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(code, "no-such-request");
    let nobody = Uuid::new_v4();
    let (code, _) = refused(
        &s,
        &bob,
        &format!("{base}/{nobody}/take"),
        Empty {},
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(code, "no-such-request");
    let (_, no_circle) = eve
        .get_as::<v1::Requests>(&format!("/api/v1/circles/{}/requests", Uuid::new_v4()))
        .await;
    let (status, problem) = eve.get_as::<v1::Requests>(&base).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        problem.unwrap_err(),
        no_circle.unwrap_err(),
        "the same answer as for no circle at all"
    );
    refused(
        &s,
        &eve,
        &base,
        ask(Category::Groceries, "Milk"),
        StatusCode::NOT_FOUND,
    )
    .await;
    refused(
        &s,
        &eve,
        &format!("{base}/{walk}/take"),
        Empty {},
        StatusCode::NOT_FOUND,
    )
    .await;
}

async fn offers_are_made_withdrawn_and_seen_by_the_right_people(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (carol, _) = member(&s, &ann, &circle, "Carol", Ring::Warm).await;
    let (bob, bob_id) = member(&s, &ann, &circle, "Bob", Ring::Lukewarm).await;
    let (dave, _) = member(&s, &ann, &circle, "Dave", Ring::Lukewarm).await;
    let base = format!("/api/v1/circles/{circle}/offers");
    let offer = |will: Vec<Category>, capacity: v1::Capacity| v1::MakeOffer {
        will,
        wont: vec![],
        capacity,
        note: None,
    };

    let bobs: v1::Created = bob
        .post_ok(
            &base,
            &v1::MakeOffer {
                will: vec![Category::Groceries, Category::Transport],
                wont: vec![Category::Finances],
                capacity: v1::Capacity::HoursPerWeek(3),
                note: Some("Evenings are best".into()),
            },
            StatusCode::CREATED,
        )
        .await;
    let bobs_offer = bobs.id;
    let carols: v1::Created = carol
        .post_ok(
            &base,
            &offer(vec![Category::Visit], v1::Capacity::TasksPerMonth(2)),
            StatusCode::CREATED,
        )
        .await;
    let carols_offer = carols.id;
    let made = carols.version;
    assert!(made > bobs.version);

    // Refusals: personal care from a neighbour, nothing offered, odd capacities.
    let (_, detail) = refused(
        &s,
        &bob,
        &base,
        offer(vec![Category::Washing], v1::Capacity::HoursPerWeek(1)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        detail.starts_with("volunteers do not give personal care"),
        "{detail}"
    );
    let (code, _) = refused(
        &s,
        &bob,
        &base,
        offer(vec![], v1::Capacity::HoursPerWeek(1)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "offer-needs-help");
    let (code, _) = refused(
        &s,
        &bob,
        &base,
        offer(vec![Category::Walk], v1::Capacity::HoursPerWeek(0)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(code, "capacity");
    // A capacity kind that does not exist: the types cannot say it.
    let (_, detail) = refused(
        &s,
        &bob,
        &base,
        json!({"will": ["walk"], "capacity": {"days": 1}}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        detail.contains("hours_per_week"),
        "says what to use: {detail}"
    );

    // The warm ring and the coordinators see every offer; a neighbour their own.
    let ids = |offers: Vec<v1::Offer>| -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = offers.iter().map(|o| o.id).collect();
        ids.sort();
        ids
    };
    let mut both = vec![bobs_offer, carols_offer];
    both.sort();
    assert_eq!(ids(offers(&ann, &circle, made).await), both);
    assert_eq!(ids(offers(&carol, &circle, made).await), both);
    let own = offers(&bob, &circle, made).await;
    assert_eq!(
        own,
        vec![v1::Offer {
            id: bobs_offer,
            by: person(&bob_id, "Bob"),
            will: vec![Category::Groceries, Category::Transport],
            wont: vec![Category::Finances],
            capacity: v1::Capacity::HoursPerWeek(3),
            note: Some("Evenings are best".into()),
        }]
    );
    assert_eq!(offers(&dave, &circle, made).await, vec![]);

    // Bob changes his offer; nobody else may, not even a coordinator.
    let bobs_path = format!("{base}/{bobs_offer}");
    let changed = v1::MakeOffer {
        will: vec![Category::Walk],
        wont: vec![],
        capacity: v1::Capacity::HoursPerWeek(1),
        note: Some("Only on Sundays now".into()),
    };
    let events = s.events().await;
    for (other, status) in [
        (&ann, StatusCode::FORBIDDEN),
        (&dave, StatusCode::FORBIDDEN),
    ] {
        let (got, problem) = other.put_as::<v1::Changed>(&bobs_path, &changed).await;
        assert_eq!(got, status, "{problem:?}");
        assert_eq!(problem.unwrap_err().code, "only-offer-maker");
    }
    let (got, problem) = bob
        .put_as::<v1::Changed>(
            &bobs_path,
            &offer(vec![Category::Washing], v1::Capacity::HoursPerWeek(1)),
        )
        .await;
    assert_eq!(got, StatusCode::UNPROCESSABLE_ENTITY, "{problem:?}");
    assert_eq!(s.events().await, events, "refusals write nothing");
    let version = bob
        .put_ok::<v1::Changed>(&bobs_path, &changed, StatusCode::OK)
        .await
        .version;
    let own = offers(&bob, &circle, version).await;
    assert_eq!(own[0].will, vec![Category::Walk]);
    assert_eq!(own[0].capacity, v1::Capacity::HoursPerWeek(1));
    assert_eq!(own[0].note.as_deref(), Some("Only on Sundays now"));

    // Only whoever made it, or a coordinator, withdraws it.
    let events = s.events().await;
    let (status, problem) = dave.delete_as::<v1::Changed>(&bobs_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");
    assert_eq!(problem.unwrap_err().code, "only-offer-maker-or-coordinator");
    let (status, problem) = dave
        .delete_as::<v1::Changed>(&format!("{base}/not-an-offer"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem:?}");
    assert_eq!(problem.unwrap_err().code, "no-such-offer");
    assert_eq!(s.events().await, events);

    let (status, withdrawn) = bob.delete_as::<v1::Changed>(&bobs_path).await;
    assert_eq!(status, StatusCode::OK, "{withdrawn:?}");
    let withdrawn = withdrawn.unwrap().version;
    assert_eq!(
        ids(offers(&ann, &circle, withdrawn).await),
        vec![carols_offer]
    );
    assert_eq!(offers(&bob, &circle, withdrawn).await, vec![]);
    let (status, problem) = bob.delete_as::<v1::Changed>(&bobs_path).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem:?}");
    assert_eq!(problem.unwrap_err().code, "offer-withdrawn");

    // A coordinator may withdraw someone else's.
    let (status, answer) = ann
        .delete_as::<v1::Changed>(&format!("{base}/{carols_offer}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer:?}");
    assert_eq!(
        offers(&carol, &circle, answer.unwrap().version).await,
        vec![]
    );

    // A volunteer from the marketplace sees the task they joined for, not the offers.
    let requests_path = format!("/api/v1/circles/{circle}/requests");
    let walk: v1::Created = ann
        .post_ok(
            &requests_path,
            &ask(Category::Walk, "A walk along the river"),
            StatusCode::CREATED,
        )
        .await;
    let walk = walk.id;
    let _: v1::Changed = ann
        .post_ok(
            &format!("{requests_path}/{walk}/widen"),
            &widen(Ring::Cold),
            StatusCode::OK,
        )
        .await;
    let (vera, _) = s
        .join_with(&ann, &circle, "Vera", invite(Ring::Cold, Some(walk)))
        .await;
    let (status, problem) = vera.get_as::<v1::Offers>(&base).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem:?}");
    assert_eq!(problem.unwrap_err().code, "read-volunteers-no-rota");
    let list: v1::Requests = vera.get_ok(&requests_path).await;
    let seen = &list.requests;
    assert_eq!(seen.len(), 1, "{list:?}");
    assert_eq!(seen[0].id, walk);
    assert_eq!(seen[0].reach, Ring::Cold);
}

async fn a_place_is_seen_only_by_the_asker_the_taker_and_the_coordinators(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (carol, carol_id) = member(&s, &ann, &circle, "Carol", Ring::Warm).await;
    let (frank, _) = member(&s, &ann, &circle, "Frank", Ring::Warm).await;
    let (bob, _) = member(&s, &ann, &circle, "Bob", Ring::Lukewarm).await;
    let (dave, _) = member(&s, &ann, &circle, "Dave", Ring::Lukewarm).await;
    let base = format!("/api/v1/circles/{circle}/requests");

    let mut body = ask(Category::Transport, "A lift to the hospital");
    body.place = Some("  Kerkstraat 5, Ede  ".into());
    let created: v1::Created = carol.post_ok(&base, &body, StatusCode::CREATED).await;
    let request = created.id;
    let plain: v1::Created = carol
        .post_ok(
            &base,
            &ask(Category::Groceries, "Fruit"),
            StatusCode::CREATED,
        )
        .await;
    let widened: v1::Changed = ann
        .post_ok(
            &format!("{base}/{request}/widen"),
            &widen(Ring::Lukewarm),
            StatusCode::OK,
        )
        .await;
    let at = widened.version;

    let place_seen_by = |list: Vec<v1::HelpRequest>| -> Option<String> {
        let r = list
            .into_iter()
            .find(|r| r.id == request)
            .expect("the request is listed");
        assert_eq!(r.asked_by.id.to_string(), carol_id);
        r.place
    };
    let place = Some("Kerkstraat 5, Ede".to_owned());
    assert_eq!(
        place_seen_by(requests(&carol, &circle, at).await),
        place,
        "the asker"
    );
    assert_eq!(
        place_seen_by(requests(&ann, &circle, at).await),
        place,
        "a coordinator"
    );
    assert_eq!(
        place_seen_by(requests(&frank, &circle, at).await),
        None,
        "the warm ring is not enough"
    );
    assert_eq!(place_seen_by(requests(&bob, &circle, at).await), None);
    assert_eq!(place_seen_by(requests(&dave, &circle, at).await), None);
    // Without a place given, nobody sees one.
    let fruit = requests(&carol, &circle, at).await;
    let fruit = fruit.iter().find(|r| r.id == plain.id).unwrap();
    assert!(fruit.place.is_none(), "{fruit:?}");

    let taken: v1::Changed = bob
        .post_ok(&format!("{base}/{request}/take"), &Empty {}, StatusCode::OK)
        .await;
    let at = taken.version;
    assert_eq!(
        place_seen_by(requests(&bob, &circle, at).await),
        place,
        "the taker"
    );
    assert_eq!(place_seen_by(requests(&dave, &circle, at).await), None);
    assert_eq!(place_seen_by(requests(&frank, &circle, at).await), None);
    assert_eq!(place_seen_by(requests(&ann, &circle, at).await), place);

    // Someone else cannot take it now.
    let (code, _) = refused(
        &s,
        &dave,
        &format!("{base}/{request}/take"),
        Empty {},
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(code, "request-not-open");
    // The asker calls it off: it leaves everyone's list.
    let cancelled: v1::Changed = carol
        .post_ok(
            &format!("{base}/{request}/cancel"),
            &Empty {},
            StatusCode::OK,
        )
        .await;
    let left = requests(&bob, &circle, cancelled.version).await;
    assert!(left.iter().all(|r| r.id != request), "{left:?}");
}

/// Each request says how much farther it may go; practical help and company
/// as far as the cold ring, personal matters and care never beyond the warm.
async fn requests_widen_only_as_far_as_their_kind_allows(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let base = format!("/api/v1/circles/{circle}/requests");
    let mut ids = HashMap::new();
    let mut at = 0;
    for category in [
        Category::Groceries,
        Category::Walk,
        Category::Coffee,
        Category::Finances,
        Category::Washing,
    ] {
        let created: v1::Created = ann
            .post_ok(&base, &ask(category, "Something"), StatusCode::CREATED)
            .await;
        ids.insert(category, created.id);
        at = created.version;
    }
    for (category, to) in [
        (Category::Walk, Ring::Lukewarm),
        (Category::Coffee, Ring::Cold),
    ] {
        let widened: v1::Changed = ann
            .post_ok(
                &format!("{base}/{}/widen", ids[&category]),
                &widen(to),
                StatusCode::OK,
            )
            .await;
        at = widened.version;
    }
    let seen = requests(&ann, &circle, at).await;
    let widen_to = |category: Category| {
        seen.iter()
            .find(|r| r.id == ids[&category])
            .map(|r| r.widen_to.clone())
            .unwrap_or_else(|| panic!("{category:?} in {seen:?}"))
    };
    assert_eq!(
        widen_to(Category::Groceries),
        vec![Ring::Lukewarm, Ring::Cold]
    );
    assert_eq!(widen_to(Category::Walk), vec![Ring::Cold]);
    assert_eq!(widen_to(Category::Coffee), vec![]);
    assert_eq!(widen_to(Category::Finances), vec![]);
    assert_eq!(widen_to(Category::Washing), vec![]);

    // Only a coordinator may widen: a warm member is offered nothing, and
    // trying anyway is refused.
    let (wim, _) = member(&s, &ann, &circle, "Wim", Ring::Warm).await;
    let offered = requests(&wim, &circle, at).await;
    assert_eq!(offered.len(), 5, "{offered:?}");
    assert!(offered.iter().all(|r| r.widen_to.is_empty()), "{offered:?}");
    let refused = wim
        .post_refused(
            &format!("{base}/{}/widen", ids[&Category::Groceries]),
            &widen(Ring::Lukewarm),
            StatusCode::FORBIDDEN,
        )
        .await;
    assert_eq!(refused.code, "only-coordinators", "{refused:?}");

    // The bounds themselves, for a form that offers the kinds of help.
    let categories: v1::Categories = s.browser().get_ok("/api/v1/categories").await;
    let categories = categories.categories;
    assert_eq!(categories.len(), 13);
    let info = |category, group, widest_ring| v1::CategoryInfo {
        category,
        group,
        widest_ring,
    };
    assert_eq!(
        categories[0],
        info(Category::Groceries, CategoryGroup::Practical, Ring::Cold)
    );
    for (category, group, widest) in [
        (Category::Walk, CategoryGroup::Company, Ring::Cold),
        (
            Category::Finances,
            CategoryGroup::PersonalMatters,
            Ring::Warm,
        ),
        (
            Category::Medication,
            CategoryGroup::PersonalCare,
            Ring::Warm,
        ),
    ] {
        assert!(
            categories.contains(&info(category, group, widest)),
            "{category:?}"
        );
    }
}

/// Bea asks, Cas takes it; Bea moves it a day later and says more. Cas keeps
/// it and reads the new words; Cas may not change it; a refusal writes nothing.
async fn a_request_changes_and_its_taker_keeps_it(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let (bea, _) = member(&s, &ann, &circle, "Bea", Ring::Warm).await;
    let (cas, cas_id) = member(&s, &ann, &circle, "Cas", Ring::Warm).await;
    let base = format!("/api/v1/circles/{circle}/requests");
    let created: v1::Created = bea
        .post_ok(
            &base,
            &ask(Category::Groceries, "Melk"),
            StatusCode::CREATED,
        )
        .await;
    let request = format!("{base}/{}", created.id);
    let _: v1::Changed = cas
        .post_ok(&format!("{request}/take"), &(), StatusCode::OK)
        .await;
    let start = Utc::now() + Duration::days(2);
    let change = |details: &str, minutes: u16| v1::ChangeRequest {
        window_start: start,
        window_end: start + Duration::hours(2),
        duration_minutes: minutes,
        details: details.into(),
    };
    let events = s.events().await;
    let (status, _) = cas
        .put_as::<Value>(&request, &change("Melk en brood", 60))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) = bea
        .put_as::<Value>(&request, &change("Melk en brood", 180))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap_err().code, "help-longer-than-window");
    let (status, problem) = bea.put_as::<Value>(&request, &change(" ", 60)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem.unwrap_err().code, "details-length");
    assert_eq!(s.events().await, events, "nothing written");

    let changed: v1::Changed = bea
        .put_ok(&request, &change("Melk en brood", 45), StatusCode::OK)
        .await;
    let seen: v1::Requests = cas
        .get_ok(&format!("{base}?min_version={}", changed.version))
        .await;
    let r = seen
        .requests
        .iter()
        .find(|r| r.id == created.id)
        .expect("the request");
    assert_eq!(r.details.as_deref(), Some("Melk en brood"));
    assert_eq!(r.duration_minutes, 45);
    assert_eq!(r.window_start.timestamp(), start.timestamp());
    assert_eq!(r.taker.as_ref().map(|t| t.id.to_string()), Some(cas_id));
    // Done, it stays as it was.
    let _: v1::Changed = cas
        .post_ok(&format!("{request}/done"), &(), StatusCode::OK)
        .await;
    let (status, problem) = bea.put_as::<Value>(&request, &change("Nog iets", 45)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem.unwrap_err().code, "request-closed");
}
