//! Live updates over a real WebSocket: resume without gap or duplicate, what
//! each viewer receives, removal, and a consumer that falls behind.

mod common;

use std::time::Duration;

use common::live::{connect, next, send, session_cookie, silent, until_subscribed};
use common::{Browser, Server};
use futures::{SinkExt, StreamExt};
use kring_protocol::v1::{self, ClientMessage, Ring, Scope, ServerMessage, Visibility};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

async fn circle(s: &Server) -> (Browser, String, String) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let circle = create(&ann, "Mam").await;
    let cookie = session_cookie(&s.base, "ann@example.org").await;
    (ann, circle, cookie)
}

async fn create(ann: &Browser, focus_name: &str) -> String {
    let created: v1::Created = ann
        .post_ok(
            "/api/v1/circles",
            &v1::CreateCircle {
                focus_name: focus_name.into(),
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

async fn write(browser: &Browser, circle: &str, text: &str, visibility: Visibility) -> u64 {
    let body: v1::Created = browser
        .post_ok(
            &format!("/api/v1/circles/{circle}/logbook"),
            &v1::WriteLogbookEntry {
                text: text.into(),
                visibility,
            },
            StatusCode::CREATED,
        )
        .await;
    body.version
}

fn subscribe(circle: &str, after: u64, epoch: Option<uuid::Uuid>) -> ClientMessage {
    ClientMessage::Subscribe {
        circle: circle.parse().unwrap(),
        after,
        epoch,
        organisation: None,
    }
}

fn invite(ring: Ring, task: Option<uuid::Uuid>) -> v1::Invite {
    v1::Invite {
        ring,
        role: v1::Role::Member,
        task,
        expires_in_days: None,
    }
}

/// A message the server sent, read as the wire type.
fn typed(message: &Value) -> ServerMessage {
    serde_json::from_value(message.clone()).unwrap_or_else(|e| panic!("{e}: {message}"))
}

fn versions(messages: &[Value]) -> Vec<u64> {
    messages
        .iter()
        .filter(|m| m["type"] == "event")
        .map(|m| m["version"].as_u64().unwrap())
        .collect()
}

async fn a_client_resumes_with_exactly_what_it_missed(s: Server) {
    let (ann, circle, cookie) = circle(&s).await;
    let mut socket = connect(&s.base, &cookie).await;
    send(&mut socket, subscribe(&circle, 0, None)).await;
    let first = until_subscribed(&mut socket).await;
    assert_eq!(versions(&first), [1], "{first:?}");
    assert_eq!(first[0]["kind"], "CircleCreated");
    assert_eq!(
        first[0]["data"]["focus_name"],
        Value::Null,
        "no personal text"
    );
    let ServerMessage::Subscribed { version, epoch, .. } = typed(first.last().unwrap()) else {
        panic!("subscribed last: {first:?}")
    };
    assert_eq!(version, 1);

    let live = write(&ann, &circle, "first", Visibility::WholeCircle).await;
    let event = next(&mut socket).await;
    assert_eq!(
        (event["type"].as_str(), event["version"].as_u64()),
        (Some("event"), Some(live))
    );
    drop(socket);

    // Gone through a tunnel: three entries meanwhile.
    let mut last = live;
    for text in ["second", "third", "fourth"] {
        last = write(&ann, &circle, text, Visibility::WholeCircle).await;
    }
    let mut socket = connect(&s.base, &cookie).await;
    send(&mut socket, subscribe(&circle, live, Some(epoch))).await;
    let missed = until_subscribed(&mut socket).await;
    assert_eq!(
        versions(&missed),
        [live + 1, live + 2, live + 3],
        "{missed:?}"
    );
    assert_eq!(missed.last().unwrap()["version"], last);
    let then = write(&ann, &circle, "fifth", Visibility::WholeCircle).await;
    let event = next(&mut socket).await;
    assert_eq!(event["version"], then, "live after the replay: {event}");
    assert_eq!(
        silent(&mut socket, Duration::from_millis(300)).await,
        None,
        "no duplicate"
    );

    // Another epoch: told to reload instead of replaying.
    send(
        &mut socket,
        ClientMessage::Unsubscribe {
            circle: circle.parse().unwrap(),
        },
    )
    .await;
    send(
        &mut socket,
        subscribe(&circle, 2, Some(uuid::Uuid::new_v4())),
    )
    .await;
    let answer = next(&mut socket).await;
    assert_eq!(answer["type"], "reload", "{answer}");
}

/// `name` signs up with `email` and joins through an invitation; answers the
/// cookie of a fresh session of theirs.
async fn member(
    s: &Server,
    ann: &Browser,
    circle: &str,
    email: &str,
    invitation: v1::Invite,
) -> (String, String) {
    let (browser, id) = s.person(email, email).await;
    let invited: v1::InvitationCreated = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/invitations"),
            &invitation,
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
    (session_cookie(&s.base, email).await, id)
}

/// An organisation registered by `email`, with consent of `scope` from the circle.
async fn intermediary(
    s: &Server,
    ann: &Browser,
    circle: &str,
    email: &str,
    scope: Scope,
) -> (String, String) {
    let (worker, _) = s.person(email, email).await;
    let org: v1::Created = worker
        .post_ok(
            "/api/v1/organisations",
            &v1::RegisterOrganisation {
                name: format!("Team {email}"),
            },
            StatusCode::CREATED,
        )
        .await;
    let org = org.id.to_string();
    let _: v1::Changed = ann
        .put_ok(
            &format!("/api/v1/circles/{circle}/consents/{org}"),
            &v1::GrantConsent { scope, from: None },
            StatusCode::OK,
        )
        .await;
    (session_cookie(&s.base, email).await, org)
}

/// Subscribes from the circle's current version; answers the socket.
async fn follow(
    s: &Server,
    cookie: &str,
    circle: &str,
    organisation: Option<&str>,
) -> common::live::Socket {
    let mut socket = connect(&s.base, cookie).await;
    // From where the log stands now: nothing to replay.
    let head = s
        .test
        .log
        .stream_head(&kring_store::StreamName::circle(circle.parse().unwrap()))
        .await
        .unwrap()
        .unwrap()
        .version;
    let message = ClientMessage::Subscribe {
        circle: circle.parse().unwrap(),
        after: head,
        epoch: None,
        organisation: organisation.map(|org| org.parse().unwrap()),
    };
    send(&mut socket, message).await;
    let got = until_subscribed(&mut socket).await;
    assert_eq!(got.last().unwrap()["type"], "subscribed", "{got:?}");
    socket
}

/// Every message a socket receives up to and including the event at version
/// `last`, which this viewer is known to see; `next` fails after ten seconds.
async fn receive_through(socket: &mut common::live::Socket, last: u64) -> Vec<Value> {
    let mut got = vec![];
    loop {
        let message = next(socket).await;
        let done = message["version"].as_u64() == Some(last);
        got.push(message);
        if done {
            return got;
        }
    }
}

/// What a socket has received and nothing more: after every other socket
/// of the same room received a later event, its frames are already sent.
async fn drain(socket: &mut common::live::Socket) -> Vec<Value> {
    let mut got = vec![];
    while let Some(message) = silent(socket, Duration::from_millis(700)).await {
        got.push(message);
    }
    got
}

async fn each_viewer_receives_what_they_may_see(s: Server) {
    let (ann, circle, ann_cookie) = circle(&s).await;
    let (wim, _) = member(
        &s,
        &ann,
        &circle,
        "wim@example.org",
        invite(Ring::Warm, None),
    )
    .await;
    let (lia, _) = member(
        &s,
        &ann,
        &circle,
        "lia@example.org",
        invite(Ring::Lukewarm, None),
    )
    .await;
    let soon = chrono::Utc::now() + chrono::Duration::days(1);
    let asked: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/requests"),
            &v1::AskForHelp {
                category: v1::Category::Groceries,
                window_start: soon,
                window_end: soon + chrono::Duration::hours(2),
                duration_minutes: 60,
                details: "Bread".into(),
                place: None,
                on_behalf_of_focus: false,
            },
            StatusCode::CREATED,
        )
        .await;
    let request = asked.id;
    let _: v1::Changed = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/requests/{request}/widen"),
            &v1::WidenRequest { to: Ring::Cold },
            StatusCode::OK,
        )
        .await;
    let (cas, _) = member(
        &s,
        &ann,
        &circle,
        "cas@example.org",
        invite(Ring::Cold, Some(request)),
    )
    .await;
    let (olga, full) = intermediary(&s, &ann, &circle, "olga@team.example", Scope::Full).await;
    let (sid, signals) = intermediary(&s, &ann, &circle, "sid@team.example", Scope::Signals).await;

    // The organisations first: their subscribing is on the record (a look,
    // which the coordinators would receive), and that is not what this checks.
    let full = follow(&s, &olga, &circle, Some(&full)).await;
    let signals = follow(&s, &sid, &circle, Some(&signals)).await;
    let mut sockets = vec![
        ("coordinator", follow(&s, &ann_cookie, &circle, None).await),
        ("warm", follow(&s, &wim, &circle, None).await),
        ("lukewarm", follow(&s, &lia, &circle, None).await),
        ("cold", follow(&s, &cas, &circle, None).await),
        ("full", full),
        ("signals", signals),
    ];
    let warm_only = write(
        &ann,
        &circle,
        "The cardiologist says rest",
        Visibility::WarmOnly,
    )
    .await;
    let everyone = write(&ann, &circle, "Thank you all", Visibility::WholeCircle).await;
    let next_week = (chrono::Utc::now() + chrono::Duration::days(8)).date_naive();
    let shift: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/shifts"),
            &v1::ScheduleShift {
                title: "Evening meal".into(),
                starts: format!("{next_week}T18:00"),
                duration_minutes: 90,
                weekly: None,
                helpers_needed: 1,
                rings: vec![Ring::Warm, Ring::Lukewarm],
            },
            StatusCode::CREATED,
        )
        .await;
    let rota = shift.version;
    // A closing entry for the whole circle: each socket reads up to it, so
    // the test waits for delivery, not for a quiet moment.
    let last = write(&ann, &circle, "Sleep well", Visibility::WholeCircle).await;

    let expected: [(&str, Vec<u64>); 6] = [
        ("coordinator", vec![warm_only, everyone, rota, last]),
        ("warm", vec![warm_only, everyone, rota, last]),
        ("lukewarm", vec![everyone, rota, last]),
        ("cold", vec![everyone, last]),
        ("full", vec![everyone, rota, last]),
        ("signals", vec![]),
    ];
    for ((who, socket), (_, want)) in sockets.iter_mut().zip(expected) {
        let got = match want.last() {
            Some(&last) => receive_through(socket, last).await,
            None => drain(socket).await,
        };
        assert_eq!(versions(&got), want, "{who}: {got:?}");
        assert!(got.iter().all(|m| m["type"] == "event"), "{who}: {got:?}");
    }
}

async fn removal_and_revoked_consent_stop_a_socket_at_once(s: Server) {
    let (ann, circle, _) = circle(&s).await;
    let (lia, lia_id) = member(
        &s,
        &ann,
        &circle,
        "lia@example.org",
        invite(Ring::Lukewarm, None),
    )
    .await;
    let (olga, org) = intermediary(&s, &ann, &circle, "olga@team.example", Scope::Full).await;
    let mut lias = follow(&s, &lia, &circle, None).await;
    let mut olgas = follow(&s, &olga, &circle, Some(&org)).await;

    let (status, body) = ann
        .delete(&format!("/api/v1/circles/{circle}/members/{lia_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let removed = next(&mut lias).await;
    assert_eq!(removed["type"], "removed", "{removed}");
    let (status, body) = ann
        .delete(&format!("/api/v1/circles/{circle}/consents/{org}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Olga saw the removal (full consent), then her consent ended.
    let mut olga_got = vec![next(&mut olgas).await];
    while olga_got.last().unwrap()["type"] == "event" {
        olga_got.push(next(&mut olgas).await);
    }
    assert_eq!(olga_got.last().unwrap()["type"], "removed", "{olga_got:?}");

    write(
        &ann,
        &circle,
        "Nobody outside hears this",
        Visibility::WholeCircle,
    )
    .await;
    assert_eq!(silent(&mut lias, Duration::from_millis(700)).await, None);
    assert_eq!(silent(&mut olgas, Duration::from_millis(700)).await, None);
    // Subscribing again is refused like for any stranger.
    send(&mut lias, subscribe(&circle, 0, None)).await;
    let answer = next(&mut lias).await;
    assert_eq!(answer["type"], "error", "{answer}");
}

async fn an_intermediary_who_leaves_the_organisation_hears_nothing_more(s: Server) {
    let (ann, circle, _) = circle(&s).await;
    let (olga, org) = intermediary(&s, &ann, &circle, "olga@team.example", Scope::Full).await;
    let (cor, olga_id) = {
        let (cor, _) = s.person("Cor", "cor@team.example").await;
        let olga_browser = s.browser();
        let me: v1::Me = olga_browser
            .post_ok(
                "/api/v1/session",
                &v1::LogIn {
                    email: "olga@team.example".into(),
                    password: "correct horse battery".into(),
                },
                StatusCode::OK,
            )
            .await;
        let cor_id = cor.get_ok::<v1::Me>("/api/v1/me").await.id.to_string();
        s.add_colleague(&org, &me.id.to_string(), &cor_id).await;
        (cor, me.id.to_string())
    };
    let mut olgas = follow(&s, &olga, &circle, Some(&org)).await;
    let (status, body) = cor
        .delete(&format!(
            "/api/v1/organisations/{org}/intermediaries/{olga_id}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let removed = next(&mut olgas).await;
    assert_eq!(removed["type"], "removed", "{removed}");
    write(
        &ann,
        &circle,
        "Only the family now",
        Visibility::WholeCircle,
    )
    .await;
    assert_eq!(silent(&mut olgas, Duration::from_millis(700)).await, None);
}

async fn a_socket_from_another_site_is_refused(s: Server) {
    let (_, _, cookie) = circle(&s).await;
    let url = format!("{}/api/v1/live", s.base.replacen("http://", "ws://", 1));
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!("expected 403, got {other:?}"),
    }
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", s.base.parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(request).await.is_ok(),
        "own origin"
    );
    // Without a session: 401.
    let request = format!("{}/api/v1/live", s.base.replacen("http://", "ws://", 1));
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected 401, got {other:?}"),
    }
}

/// A queue of two frames: a replay of more overflows it while the socket's task
/// is busy subscribing, so the socket is the slow consumer, deterministically.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_that_falls_behind_is_closed_with_its_positions() {
    let mut settings = kring_server::Settings::default();
    settings.live.queue = 2;
    let s = Server::start_with(kring_testkit::TestLog::sqlite().await, settings).await;
    let (ann, first, cookie) = circle(&s).await;
    let second = create(&ann, "Pa").await;
    for n in 0..5 {
        write(
            &ann,
            &second,
            &format!("entry {n}"),
            Visibility::WholeCircle,
        )
        .await;
    }
    let mut socket = connect(&s.base, &cookie).await;
    send(&mut socket, subscribe(&first, 1, None)).await;
    let subscribed = next(&mut socket).await;
    assert_eq!(subscribed["type"], "subscribed", "{subscribed}");
    // A bystander on the same circle keeps receiving.
    let mut bystander = connect(&s.base, &session_cookie(&s.base, "ann@example.org").await).await;
    send(&mut bystander, subscribe(&second, 6, None)).await;
    assert_eq!(next(&mut bystander).await["type"], "subscribed");

    send(&mut socket, subscribe(&second, 0, None)).await;
    let mut got = vec![];
    loop {
        let message = next(&mut socket).await;
        let kind = message["type"].as_str().unwrap().to_owned();
        got.push(message);
        if kind == "closing" || kind == "closed" {
            break;
        }
    }
    let closing = got
        .iter()
        .find(|m| m["type"] == "closing")
        .expect("a closing message");
    let ServerMessage::Closing { positions, .. } = typed(closing) else {
        unreachable!()
    };
    assert!(
        positions.contains(&v1::Position {
            circle: first.parse().unwrap(),
            version: 1
        }),
        "{closing}"
    );
    let closed = next(&mut socket).await;
    assert_eq!(closed["type"], "closed", "{closed}");
    assert!(
        closed["frame"].as_str().unwrap().contains("4008"),
        "{closed}"
    );

    let later = write(
        &ann,
        &second,
        "after the slow one left",
        Visibility::WholeCircle,
    )
    .await;
    let event = next(&mut bystander).await;
    assert_eq!(event["version"], later, "{event}");
}

/// A server that stops tells its sockets where to resume, instead of
/// dropping them as a crash would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_server_says_goodbye_with_positions() {
    let test = kring_testkit::TestLog::sqlite().await;
    let projector = kring_views::Projector::open(test.log.clone())
        .await
        .unwrap();
    let projector = tokio::spawn(projector.run());
    let state = kring_server::AppState::new(test.log.clone(), kring_server::Settings::default())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(kring_server::serve(
        listener,
        state,
        axum::Router::new(),
        async {
            let _ = stopped.await;
        },
    ));
    let s = Server::detached(base, test);
    let (_, circle, cookie) = circle(&s).await;
    let mut socket = connect(&s.base, &cookie).await;
    send(&mut socket, subscribe(&circle, 0, None)).await;
    let got = until_subscribed(&mut socket).await;
    assert_eq!(got.last().unwrap()["type"], "subscribed", "{got:?}");

    stop.send(()).unwrap();
    let closing = next(&mut socket).await;
    assert_eq!(closing["type"], "closing", "{closing}");
    let ServerMessage::Closing { positions, .. } = typed(&closing) else {
        panic!("closing: {closing}")
    };
    assert_eq!(
        positions,
        [v1::Position {
            circle: circle.parse().unwrap(),
            version: 1
        }]
    );
    let closed = next(&mut socket).await;
    assert!(
        closed["frame"].as_str().unwrap().contains("Restart"),
        "{closed}"
    );
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
    projector.abort();
}

async fn a_stranger_cannot_subscribe(s: Server) {
    let (_, circle, _) = circle(&s).await;
    s.person("Eve", "eve@example.org").await;
    let eve = session_cookie(&s.base, "eve@example.org").await;
    let mut socket = connect(&s.base, &eve).await;
    for subscribe in [
        subscribe(&circle, 0, None),
        subscribe(&uuid::Uuid::new_v4().to_string(), 0, None),
    ] {
        send(&mut socket, subscribe).await;
        let answer = next(&mut socket).await;
        assert_eq!(answer["type"], "error", "{answer}");
        assert_eq!(
            answer["message"],
            "there is no such circle, or it is not yours to see"
        );
    }
    // A message that does not exist: the types cannot say it.
    send(&mut socket, json!({"type": "dance"})).await;
    let answer = next(&mut socket).await;
    assert_eq!(answer["type"], "error", "{answer}");
}

/// A client's message may be as large as 4 KiB, four times the socket's read
/// buffer: it is read whole, in several reads. One byte more ends the socket.
async fn a_large_client_message_is_read_whole_and_a_larger_one_refused(s: Server) {
    let (_, circle, cookie) = circle(&s).await;
    let mut socket = connect(&s.base, &cookie).await;
    // A subscription, padded with the whitespace JSON allows to the limit.
    let message = serde_json::to_string(&subscribe(&circle, 0, None)).unwrap();
    let largest = format!("{message:<4096}");
    assert_eq!(largest.len(), 4 * 1024);
    socket.send(Message::Text(largest.into())).await.unwrap();
    let first = until_subscribed(&mut socket).await;
    assert_eq!(versions(&first), [1], "{first:?}");
    assert_eq!(first.last().unwrap()["type"], "subscribed", "{first:?}");

    let too_large = format!("{message:<4097}");
    socket.send(Message::Text(too_large.into())).await.unwrap();
    let deadline = Duration::from_secs(10);
    loop {
        let read = kring_testkit::within(deadline, "the socket to end", socket.next()).await;
        match read {
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(other)) => panic!("{other:?} instead of the end"),
        }
    }
}

on_both_backends!(
    Server::start =>
    a_large_client_message_is_read_whole_and_a_larger_one_refused,
    a_client_resumes_with_exactly_what_it_missed,
    each_viewer_receives_what_they_may_see,
    removal_and_revoked_consent_stop_a_socket_at_once,
    an_intermediary_who_leaves_the_organisation_hears_nothing_more,
    a_stranger_cannot_subscribe,
    a_socket_from_another_site_is_refused,
);
