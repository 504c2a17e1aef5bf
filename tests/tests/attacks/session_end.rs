//! Attack 5, ending a session does not end its access: a socket opened with a
//! session kept receiving after log-out or a password change, and calendar
//! feeds made with a stolen session kept serving. A session's end closes its
//! sockets at once; a new password revokes the person's feeds; leaving or
//! being removed revokes their feeds of that circle.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use kring_e2e::{Backend, Client, Socket, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::common::{circle, id_of, invitation, join, member, roomy_node, verified};

/// How long a socket may take to close once its session ended.
const AT_ONCE: Duration = Duration::from_secs(5);

async fn subscribed(client: &Client, circle: &str) -> Socket {
    let mut socket = client.socket().await.expect("a live socket");
    let subscribe = json!({"type": "subscribe", "circle": circle});
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await
        .expect("subscribe");
    loop {
        match next(&mut socket, Duration::from_secs(30)).await {
            Some(Ok(message)) if message["type"] == "subscribed" => return socket,
            Some(Ok(_)) => continue,
            other => panic!("no subscription: {other:?}"),
        }
    }
}

/// The next JSON message (`Ok`), or how the socket ended (`Err`); `None` when
/// nothing came within `within`.
async fn next(socket: &mut Socket, within: Duration) -> Option<Result<Value, String>> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()?;
        return Some(match message {
            Some(Ok(Message::Text(text))) => Ok(serde_json::from_str(&text).expect("JSON")),
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Ok(Message::Close(frame))) => Err(format!("closed: {frame:?}")),
            Some(Ok(Message::Binary(_))) => Err("binary".into()),
            Some(Err(e)) => Err(format!("broke: {e}")),
            None => Err("ended".into()),
        });
    }
}

/// Panics unless the socket ends within [`AT_ONCE`] without delivering an
/// event of the circle first.
async fn closes_without_events(socket: &mut Socket, what: &str) {
    loop {
        match next(socket, AT_ONCE).await {
            Some(Err(_)) => return,
            Some(Ok(message)) if message["type"] == "event" => {
                panic!("{what}: an event arrived after the session ended: {message}")
            }
            Some(Ok(_)) => continue,
            None => panic!("{what}: the socket is still open {AT_ONCE:?} after its session ended"),
        }
    }
}

async fn write(client: &Client, circle: &str, text: &str) {
    client
        .post(
            &format!("/api/v1/circles/{circle}/logbook"),
            json!({"text": text, "visibility": "whole_circle"}),
        )
        .await
        .expect(StatusCode::CREATED);
}

/// A calendar feed's address, made by `client`, as a path on the node.
async fn feed(client: &Client, circle: &str) -> String {
    let body = client
        .post(
            &format!("/api/v1/circles/{circle}/calendar-feeds"),
            json!({"scope": "mine"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let url = body["url"].as_str().expect("a feed address");
    url[url.find("/calendar/").expect("a calendar path")..].to_owned()
}

async fn log_out_closes_the_sessions_sockets(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ann, email) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    let mut socket = subscribed(&ann, &family).await;
    write(&ann, &family, "voor het uitloggen").await;
    let first = next(&mut socket, Duration::from_secs(30)).await;
    assert!(
        matches!(&first, Some(Ok(m)) if m["type"] == "event"),
        "{first:?}"
    );

    ann.delete("/api/v1/session")
        .await
        .expect(StatusCode::NO_CONTENT);
    let again = Client::new(&node.base).log_in(&email).await;
    write(&again, &family, "na het uitloggen").await;
    closes_without_events(&mut socket, "log-out").await;
    assert!(
        ann.socket().await.is_err(),
        "a socket opened with the ended session"
    );
}

async fn a_new_password_ends_a_stolen_sessions_socket_and_feeds(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ann, email) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    let thief = Client::new(&node.base).log_in(&email).await;
    let mut stolen = subscribed(&thief, &family).await;
    let stolen_feed = feed(&thief, &family).await;
    let reader = Client::new(&node.base);
    reader.get(&stolen_feed).await.expect(StatusCode::OK);

    ann.put(
        "/api/v1/me/password",
        json!({"current_password": PASSWORD, "new_password": "another long passphrase"}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    write(&ann, &family, "na de wachtwoordwissel").await;
    closes_without_events(&mut stolen, "password change").await;
    assert_eq!(
        thief.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let answer = reader.get(&stolen_feed).await;
    assert_eq!(
        answer.status,
        StatusCode::NOT_FOUND,
        "the stolen feed still serves: {answer:?}"
    );
    // The owner's own session lives on, and new feeds work.
    let fresh = feed(&ann, &family).await;
    reader.get(&fresh).await.expect(StatusCode::OK);
    let mut own = subscribed(&ann, &family).await;
    write(&ann, &family, "nog steeds live").await;
    let event = next(&mut own, Duration::from_secs(30)).await;
    assert!(
        matches!(&event, Some(Ok(m)) if m["type"] == "event"),
        "{event:?}"
    );
}

async fn leaving_or_removal_revokes_the_feeds_of_the_circle(backend: Backend) {
    let node = roomy_node(&backend).await;
    let (ann, _) = verified(&node, "Ann").await;
    let family = circle(&ann).await;
    let (carol, _) = member(&node, &ann, &family, "Carol", "warm", "member").await;
    let (dan, _) = member(&node, &ann, &family, "Dan", "warm", "member").await;
    let carols = feed(&carol, &family).await;
    let dans = feed(&dan, &family).await;
    let reader = Client::new(&node.base);
    reader.get(&carols).await.expect(StatusCode::OK);
    reader.get(&dans).await.expect(StatusCode::OK);

    let carol_id = id_of(&carol).await;
    carol
        .delete(&format!("/api/v1/circles/{family}/members/{carol_id}"))
        .await
        .expect(StatusCode::OK);
    let dan_id = id_of(&dan).await;
    ann.delete(&format!("/api/v1/circles/{family}/members/{dan_id}"))
        .await
        .expect(StatusCode::OK);
    for (who, address) in [("Carol", &carols), ("Dan", &dans)] {
        let answer = reader.get(address).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{who}'s feed: {answer:?}"
        );
    }
    // Back in the circle, the old addresses stay dead.
    join(&carol, &invitation(&ann, &family, "warm", "member").await).await;
    let answer = reader.get(&carols).await;
    assert_eq!(
        answer.status,
        StatusCode::NOT_FOUND,
        "a rejoin revived a feed: {answer:?}"
    );
    reader
        .get(&feed(&carol, &family).await)
        .await
        .expect(StatusCode::OK);
}

on_both!(
    log_out_closes_the_sessions_sockets,
    a_new_password_ends_a_stolen_sessions_socket_and_feeds,
    leaving_or_removal_revokes_the_feeds_of_the_circle,
);
