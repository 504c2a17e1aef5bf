//! The JSON API over real HTTP, as a browser or app uses it, on both backends.

mod common;

use std::time::Duration;

use common::{read, Server};
use kring_protocol::v1::{self, Visibility};
use kring_testkit::on_both_backends;
use reqwest::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A typed request body as the untyped `Browser` methods take it.
fn to_json(body: impl serde::Serialize) -> Value {
    serde_json::to_value(body).unwrap()
}

/// An answer read as the wire type it must be.
fn typed<A: serde::de::DeserializeOwned>(answer: &Value) -> A {
    serde_json::from_value(answer.clone()).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

fn log_in(email: &str, password: &str) -> v1::LogIn {
    v1::LogIn {
        email: email.into(),
        password: password.into(),
    }
}

fn sign_up(name: &str, email: &str, password: &str) -> v1::SignUp {
    v1::SignUp {
        name: name.into(),
        email: email.into(),
        password: password.into(),
    }
}

fn change_password(current: &str, new: &str) -> v1::ChangePassword {
    v1::ChangePassword {
        current_password: current.into(),
        new_password: new.into(),
    }
}

fn create(focus_name: &str, time_zone: Option<&str>) -> v1::CreateCircle {
    v1::CreateCircle {
        focus_name: focus_name.into(),
        time_zone: time_zone.map(Into::into),
        for_myself: false,
        template: None,
        language: None,
    }
}

fn entry(text: &str, visibility: Visibility) -> v1::WriteLogbookEntry {
    v1::WriteLogbookEntry {
        text: text.into(),
        visibility,
    }
}

on_both_backends!(
    Server::start =>
    sign_up_log_in_create_a_circle_and_write_in_its_logbook,
    a_wrong_password_is_401_and_leaves_the_log_as_it_was,
    a_second_account_with_the_same_address_is_409,
    a_stranger_gets_the_same_404_as_for_a_circle_that_does_not_exist,
    after_logging_out_the_session_is_gone,
    without_a_session_every_personal_address_is_401,
    a_body_over_64_kib_is_413,
    malformed_json_is_400_and_the_wrong_shape_422,
    input_that_cannot_be_right_is_422,
    unknown_addresses_and_methods_are_problems_too,
    a_version_the_circle_never_had_is_not_waited_for,
    changing_the_password_ends_every_other_session,
    deleting_ones_account_takes_the_password_and_leaves_the_circle,
);

async fn deleting_ones_account_takes_the_password_and_leaves_the_circle(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (_, created) = ann
        .post("/api/v1/circles", to_json(create("Mam", None)))
        .await;
    let circle = typed::<v1::Created>(&created).id.to_string();
    let (bob, bob_id) = s.person("Bob", "bob@example.org").await;
    let (_, invited) = ann
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "warm"}),
        )
        .await;
    let code = typed::<v1::InvitationCreated>(&invited).code;
    let (status, _) = bob
        .post("/api/v1/invitations/accept", json!({ "code": code }))
        .await;
    assert_eq!(status, StatusCode::OK);

    let events = s.events().await;
    let (status, wrong) = bob
        .post(
            "/api/v1/me/deletion",
            json!({"password": "not my password"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{wrong}");
    assert_eq!(typed::<v1::Problem>(&wrong).code, "wrong-password");
    assert_eq!(
        s.events().await,
        events,
        "a refusal leaves the log as it was"
    );
    let (status, _) = bob.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "still there");

    let (status, body) = bob
        .post(
            "/api/v1/me/deletion",
            json!({"password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = bob.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "signed out");
    kring_testkit::eventually(
        std::time::Duration::from_secs(10),
        "Bob is no member any more",
        || async {
            let members: v1::Members = ann
                .get_ok(&format!("/api/v1/circles/{circle}/members"))
                .await;
            let gone = members
                .members
                .iter()
                .all(|m| m.person.id.to_string() != bob_id);
            gone.then_some(()).ok_or(format!("{members:?}"))
        },
    )
    .await;
    // The address is free: a new, unrelated account, in no circle.
    let (again, again_id) = s.person("Bob again", "bob@example.org").await;
    assert_ne!(again_id, bob_id);
    let circles: Vec<v1::CircleSummary> = again.get_ok("/api/v1/circles").await;
    assert!(circles.is_empty(), "{circles:?}");
}

async fn changing_the_password_ends_every_other_session(s: Server) {
    let (laptop, _) = s.person("Ann", "ann@example.org").await;
    let phone = s.browser();
    let (status, _) = phone
        .post(
            "/api/v1/session",
            to_json(log_in("ann@example.org", "correct horse battery")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = laptop
        .put(
            "/api/v1/me/password",
            to_json(change_password("not my password", "a much longer secret")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = laptop
        .put(
            "/api/v1/me/password",
            to_json(change_password("correct horse battery", "short")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = phone.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "refusals change nothing");

    let (status, body) = laptop
        .put(
            "/api/v1/me/password",
            to_json(change_password(
                "correct horse battery",
                "a much longer secret",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = laptop.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "the session that changed it stays");
    let (status, _) = phone.get("/api/v1/me").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "every other session ended"
    );
    let (status, _) = phone
        .post(
            "/api/v1/session",
            to_json(log_in("ann@example.org", "correct horse battery")),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = phone
        .post(
            "/api/v1/session",
            to_json(log_in("ann@example.org", "a much longer secret")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn sign_up_log_in_create_a_circle_and_write_in_its_logbook(s: Server) {
    let ann = s.browser();
    let response = ann
        .client
        .post(s.url("/api/v1/accounts"))
        .json(&sign_up(
            "Ann de Vries",
            "Ann@Example.org",
            "correct horse battery",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()[LOCATION], "/api/v1/me");
    assert!(
        response.headers().get(SET_COOKIE).is_none(),
        "signing up does not log in"
    );
    let account: v1::AccountCreated = response.json().await.unwrap();
    let account_id = account.id;

    let response = ann
        .client
        .post(s.url("/api/v1/session"))
        .json(&(log_in("ann@example.org", "correct horse battery")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("kring_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert!(!cookie.contains("Secure"), "no TLS here: {cookie}");
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let me: v1::Me = response.json().await.unwrap();
    let expected_me = v1::Me {
        id: account_id,
        name: "Ann de Vries".into(),
        email: "Ann@Example.org".into(),
        email_verified: false,
    };
    assert_eq!(me, expected_me);
    assert_eq!(ann.get_ok::<v1::Me>("/api/v1/me").await, expected_me);

    let response = ann
        .client
        .post(s.url("/api/v1/circles"))
        .json(&create("Mam", None))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let created: v1::Created = response.json().await.unwrap();
    let circle = created.id;
    assert_eq!(location, format!("/api/v1/circles/{circle}"));
    assert_eq!(created.version, 1);

    let view: v1::Circle = ann
        .get_ok(&format!("/api/v1/circles/{circle}?min_version=1"))
        .await;
    assert_eq!(view.id, circle);
    assert_eq!(view.version, 1);
    assert_eq!(view.time_zone, "Europe/Amsterdam");
    assert_eq!(view.focus.name, "Mam");
    assert!(!view.focus.forgotten);
    assert_ne!(
        view.focus.id, account_id,
        "the focus is a person of their own"
    );
    assert_eq!(
        view.you,
        v1::Membership {
            person: account_id,
            ring: v1::Ring::Warm,
            coordinator: true,
            focus: false
        }
    );
    assert_eq!(
        view.members,
        v1::RingCounts {
            warm: 2,
            lukewarm: 0,
            cold: 0
        },
        "the focus person and the coordinator"
    );
    assert_eq!(view.logbook, vec![]);

    let written: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/logbook"),
            &entry(
                "Mam slept well and ate all her soup.",
                Visibility::WarmAndLukewarm,
            ),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(written.version, 2);
    let _: v1::Created = ann
        .post_ok(
            &format!("/api/v1/circles/{circle}/logbook"),
            &entry("The GP comes on Tuesday.", Visibility::WarmOnly),
            StatusCode::CREATED,
        )
        .await;

    // Read your own write: the view holds it as soon as the answer comes.
    let view: v1::Circle = ann
        .get_ok(&format!("/api/v1/circles/{circle}?min_version=3"))
        .await;
    assert_eq!(view.version, 3);
    let logbook = &view.logbook;
    assert_eq!(logbook.len(), 2, "{view:?}");
    assert_eq!(
        logbook[0].text.as_deref(),
        Some("The GP comes on Tuesday."),
        "newest first"
    );
    assert_eq!(logbook[0].visibility, Visibility::WarmOnly);
    let entry = &logbook[1];
    assert_eq!(entry.id, written.id);
    assert_eq!(
        entry.text.as_deref(),
        Some("Mam slept well and ate all her soup.")
    );
    assert_eq!(entry.visibility, Visibility::WarmAndLukewarm);
    assert_eq!(
        entry.author,
        v1::Person {
            id: account_id,
            name: "Ann de Vries".into(),
            forgotten: false
        }
    );
    assert!(!entry.redacted);
    assert_eq!(entry.thanks, 0);
    // `written_at` is a timestamp: reading it as `DateTime<Utc>` checks that.

    // What was written is sealed in the log, never in the clear.
    assert_eq!(s.events().await, 4, "account, circle and two entries");
    let mut stored = String::new();
    for stream in s.test.log.list_streams(None, 100).await.unwrap() {
        for event in s.test.log.read_stream(&stream, 1, 100).await.unwrap() {
            stored.push_str(&event.payload_text());
        }
    }
    // Phrases with a space, '@' or quotes: base64 ciphertext never holds those,
    // so a chance match inside it cannot make this fail.
    for secret in [
        "all her soup",
        "on Tuesday",
        "\"Mam\"",
        "Ann de Vries",
        "@example.org",
        "correct horse",
    ] {
        assert!(
            !stored.contains(secret),
            "{secret:?} is in the log: {stored}"
        );
    }
}

async fn a_wrong_password_is_401_and_leaves_the_log_as_it_was(s: Server) {
    s.person("Ann", "ann@example.org").await;
    let events = s.events().await;
    let stranger = s.browser();
    let (status, wrong) = stranger
        .post(
            "/api/v1/session",
            to_json(log_in("ann@example.org", "wrong horse battery")),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        typed::<v1::Problem>(&wrong).kind,
        "urn:kring:problem:wrong-credentials"
    );
    assert_eq!(typed::<v1::Problem>(&wrong).code, "wrong-credentials");
    let (status, unknown) = stranger
        .post(
            "/api/v1/session",
            to_json(log_in("nobody@example.org", "correct horse battery")),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown, wrong, "an unknown address is refused alike");
    assert_eq!(
        stranger.get("/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "no session was started"
    );
    assert_eq!(s.events().await, events);
}

async fn a_second_account_with_the_same_address_is_409(s: Server) {
    s.person("Ann", "ann@example.org").await;
    let events = s.events().await;
    let (status, problem) = s
        .browser()
        .post(
            "/api/v1/accounts",
            to_json(sign_up(
                "Another Ann",
                " ANN@example.org ",
                "another password",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:conflict"
    );
    assert_eq!(typed::<v1::Problem>(&problem).code, "email-taken");
    assert_eq!(s.events().await, events, "nothing was written");
}

async fn a_stranger_gets_the_same_404_as_for_a_circle_that_does_not_exist(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (_, created) = ann
        .post(
            "/api/v1/circles",
            to_json(create("Mam", Some("Europe/Brussels"))),
        )
        .await;
    let circle = typed::<v1::Created>(&created).id.to_string();
    let (status, view) = ann
        .get(&format!("/api/v1/circles/{circle}?min_version=1"))
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(typed::<v1::Circle>(&view).time_zone, "Europe/Brussels");
    let events = s.events().await;

    let (bob, _) = s.person("Bob", "bob@example.org").await;
    let events = events + 1; // Bob's account
    let nowhere = uuid::Uuid::new_v4();
    let (status, stranger) = bob.get(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        typed::<v1::Problem>(&stranger).kind,
        "urn:kring:problem:not-found"
    );
    assert_eq!(
        bob.get(&format!("/api/v1/circles/{nowhere}")).await,
        (status, stranger.clone())
    );
    assert_eq!(
        bob.get("/api/v1/circles/not-a-circle").await,
        (status, stranger.clone())
    );
    assert_eq!(
        ann.get(&format!("/api/v1/circles/{nowhere}")).await,
        (status, stranger.clone()),
        "a member of other circles gets the same"
    );
    assert_eq!(
        bob.get(&format!("/api/v1/circles/{circle}?min_version=1"))
            .await,
        (status, stranger.clone())
    );

    let entry = to_json(entry("I was here", Visibility::WholeCircle));
    for id in [circle.clone(), nowhere.to_string(), "not-a-circle".into()] {
        assert_eq!(
            bob.post(&format!("/api/v1/circles/{id}/logbook"), entry.clone())
                .await,
            (status, stranger.clone()),
            "writing to {id}"
        );
    }
    assert_eq!(s.events().await, events, "nothing was written");
}

async fn after_logging_out_the_session_is_gone(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let token = {
        // The token as a browser holds it, to try it again after logging out.
        let response = s
            .browser()
            .client
            .post(s.url("/api/v1/session"))
            .json(&(log_in("ann@example.org", "correct horse battery")))
            .send()
            .await
            .unwrap();
        let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        cookie.split(';').next().unwrap().to_owned()
    };
    let replay = || async {
        read(
            reqwest::Client::new()
                .get(s.url("/api/v1/me"))
                .header(reqwest::header::COOKIE, &token)
                .send()
                .await,
        )
        .await
    };
    assert_eq!(replay().await.0, StatusCode::OK);
    assert_eq!(ann.get("/api/v1/me").await.0, StatusCode::OK);

    let response = ann
        .client
        .delete(s.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cleared.starts_with("kring_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let (status, problem) = ann.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:not-logged-in"
    );
    assert_eq!(
        replay().await.0,
        StatusCode::OK,
        "logging out ends that session only"
    );

    let other = reqwest::Client::new();
    let response = other
        .delete(s.url("/api/v1/session"))
        .header(reqwest::header::COOKIE, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        replay().await.0,
        StatusCode::UNAUTHORIZED,
        "the token is dead"
    );
    assert_eq!(
        other
            .delete(s.url("/api/v1/session"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT,
        "logging out twice is fine"
    );
}

async fn without_a_session_every_personal_address_is_401(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (_, created) = ann
        .post("/api/v1/circles", to_json(create("Mam", None)))
        .await;
    let circle = typed::<v1::Created>(&created).id.to_string();
    let events = s.events().await;
    let nobody = s.browser();
    let forged = reqwest::Client::new();
    for (method, path, body) in [
        ("GET", "/api/v1/me".to_owned(), Value::Null),
        (
            "POST",
            "/api/v1/circles".to_owned(),
            to_json(create("Pa", None)),
        ),
        ("GET", format!("/api/v1/circles/{circle}"), Value::Null),
        (
            "POST",
            format!("/api/v1/circles/{circle}/logbook"),
            to_json(entry("hello", Visibility::WholeCircle)),
        ),
    ] {
        let (status, problem) = match method {
            "GET" => nobody.get(&path).await,
            _ => nobody.post(&path, body.clone()).await,
        };
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(typed::<v1::Problem>(&problem).code, "not-logged-in");
        let request = match method {
            "GET" => forged.get(s.url(&path)),
            _ => forged.post(s.url(&path)).json(&body),
        };
        let (status, _) = read(
            request
                .header(
                    reqwest::header::COOKIE,
                    format!("kring_session={}", "A".repeat(43)),
                )
                .send()
                .await,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "a made-up token: {method} {path}"
        );
    }
    assert_eq!(s.events().await, events);
}

async fn a_body_over_64_kib_is_413(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let events = s.events().await;
    let huge = "x".repeat(65 * 1024);
    let (status, problem) = ann
        .post("/api/v1/circles", to_json(create(&huge, None)))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:too-large"
    );
    assert_eq!(typed::<v1::Problem>(&problem).code, "too-large");
    let (status, _) = s
        .browser()
        .post(
            "/api/v1/accounts",
            to_json(sign_up("Ann", "ann2@example.org", &huge)),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Without a Content-Length the limit holds while the body streams in.
    let mut stream = tokio::net::TcpStream::connect(s.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let chunk = format!("{{\"name\": \"{}\"}}", "y".repeat(70 * 1024));
    let request = format!(
        "POST /api/v1/accounts HTTP/1.1\r\nHost: kring\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert_eq!(s.events().await, events);
}

async fn malformed_json_is_400_and_the_wrong_shape_422(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let events = s.events().await;
    let send = |path: &str, body: &'static str, content_type: Option<&'static str>| {
        let mut request = ann.client.post(s.url(path)).body(body);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        async move { read(request.send().await).await }
    };
    let json = Some("application/json");
    let (status, problem) = send("/api/v1/circles", "{\"focus_name\": ", json).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:malformed-json"
    );
    assert_eq!(typed::<v1::Problem>(&problem).title, "Malformed JSON");
    let (status, _) = send("/api/v1/accounts", "not json at all", json).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, problem) = send("/api/v1/circles", "{\"name\": \"Mam\"}", json).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = typed::<v1::Problem>(&problem).detail.unwrap();
    assert!(detail.contains("focus_name"), "{detail}");
    let (status, _) = send("/api/v1/circles", "[1, 2]", json).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, problem) = send("/api/v1/circles", "{\"focus_name\": \"Mam\"}", None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:unsupported-media-type"
    );
    let (status, _) = send(
        "/api/v1/circles",
        "focus_name=Mam",
        Some("application/x-www-form-urlencoded"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "no cross-site form posts"
    );

    let (status, problem) = ann
        .get(&format!(
            "/api/v1/circles/{}?min_version=soon",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:bad-request"
    );
    assert_eq!(s.events().await, events);
}

async fn input_that_cannot_be_right_is_422(s: Server) {
    let browser = s.browser();
    for (body, code) in [
        (
            to_json(sign_up("Ann", "ann@example.org", "too short")),
            "password-short",
        ),
        (
            to_json(sign_up(
                "Ann",
                "ann at example.org",
                "correct horse battery",
            )),
            "not-an-email",
        ),
        (
            to_json(sign_up("  ", "ann@example.org", "correct horse battery")),
            "name-length",
        ),
    ] {
        let (status, problem) = browser.post("/api/v1/accounts", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(
            typed::<v1::Problem>(&problem).kind,
            "urn:kring:problem:invalid"
        );
        assert_eq!(typed::<v1::Problem>(&problem).code, code);
    }
    assert_eq!(s.events().await, 0);

    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, problem) = ann
        .post(
            "/api/v1/circles",
            to_json(create("Mam", Some("Mars/Olympus"))),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let detail = typed::<v1::Problem>(&problem).detail.unwrap();
    assert!(
        detail.contains("Europe/Amsterdam"),
        "says what to use: {detail}"
    );
    let (_, created) = ann
        .post("/api/v1/circles", to_json(create("Mam", None)))
        .await;
    let circle = typed::<v1::Created>(&created).id.to_string();
    let events = s.events().await;
    let logbook = format!("/api/v1/circles/{circle}/logbook");
    let (status, problem) = ann
        // A visibility that does not exist: the types cannot say it.
        .post(&logbook, json!({"text": "hello", "visibility": "everyone"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = typed::<v1::Problem>(&problem).detail.unwrap();
    assert!(
        detail.contains("whole_circle"),
        "says what to use: {detail}"
    );
    let (status, problem) = ann
        .post(&logbook, to_json(entry("   ", Visibility::WarmOnly)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(typed::<v1::Problem>(&problem).code, "entry-length");
    assert_eq!(s.events().await, events);
}

async fn unknown_addresses_and_methods_are_problems_too(s: Server) {
    let browser = s.browser();
    let (status, problem) = browser.get("/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:not-found"
    );
    let response = browser
        .client
        .put(s.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = response.headers()[ALLOW].to_str().unwrap().to_owned();
    assert!(
        allow.contains("POST") && allow.contains("DELETE"),
        "{allow}"
    );
    let (status, problem) = read(Ok(response)).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        typed::<v1::Problem>(&problem).kind,
        "urn:kring:problem:method-not-allowed"
    );
    // The probes stay plain.
    let response = browser.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok\n");
}

async fn a_version_the_circle_never_had_is_not_waited_for(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (_, created) = ann
        .post("/api/v1/circles", to_json(create("Mam", None)))
        .await;
    let circle = typed::<v1::Created>(&created).id.to_string();
    let (status, problem) = ann
        .get(&format!("/api/v1/circles/{circle}?min_version=99"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let detail = typed::<v1::Problem>(&problem).detail.unwrap();
    assert!(detail.contains("version 1"), "{detail}");
    let (status, view) = ann.get(&format!("/api/v1/circles/{circle}")).await;
    assert_eq!(status, StatusCode::OK, "{view}");
}
