//! The HTTP protections over real HTTP: same-origin writes, rate limits per
//! client address (behind a trusted proxy, the address it forwards), and the
//! security headers. (The request timeout is tested
//! on a tiny router in `src/protect/timeout.rs`: no handler here is slow.)

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::{read, Browser, Server};
use kring_server::{Limit, RateLimits, Settings};
use kring_testkit::on_both_backends;
use kring_testkit::TestLog;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    Server::start =>
    a_cross_site_write_with_the_session_cookie_is_403_and_writes_nothing,
    a_write_from_kring_s_own_pages_works,
    a_write_without_origin_headers_works_like_curl,
    without_the_session_cookie_a_cross_site_write_is_refused_too,
    every_response_carries_the_security_headers,
);

const FROM_ELSEWHERE: &str =
    "this request came from another site; Kring refuses it to protect your account";

/// Sends `method path` with extra headers (and a JSON body); answers the
/// status, the response headers and the body (checked by `read`).
async fn send(
    browser: &Browser,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = browser
        .client
        .request(method, format!("{}{path}", browser.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("the server answers");
    let headers = response.headers().clone();
    let (status, body) = read(Ok(response)).await;
    (status, headers, body)
}

async fn a_cross_site_write_with_the_session_cookie_is_403_and_writes_nothing(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let logbook = format!(
        "/api/v1/circles/{}/logbook",
        created["id"].as_str().unwrap()
    );
    let events = s.events().await;

    let circle = json!({"focus_name": "Forged"});
    let entry = json!({"text": "Forged.", "visibility": "warm_only"});
    for elsewhere in [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("origin", "https://evil.example:8443"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        for (path, body) in [("/api/v1/circles", &circle), (logbook.as_str(), &entry)] {
            let (status, headers, problem) =
                send(&ann, Method::POST, path, &[elsewhere], Some(body)).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{elsewhere:?} {path}: {problem}"
            );
            assert_eq!(problem["type"], "urn:kring:problem:not-allowed");
            assert_eq!(problem["code"], "cross-site");
            assert_eq!(problem["detail"], FROM_ELSEWHERE);
            assert_eq!(headers["cache-control"], "no-store");
        }
    }
    // Another site cannot log Ann out either.
    let (status, _, _) = send(
        &ann,
        Method::DELETE,
        "/api/v1/session",
        &[("origin", "http://evil.example")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Reads are not writes: they pass, and Ann is still logged in.
    let (status, _, me) = send(
        &ann,
        Method::GET,
        "/api/v1/me",
        &[("sec-fetch-site", "cross-site")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["name"], "Ann");

    assert_eq!(s.events().await, events, "a refused write writes nothing");
}

async fn a_write_from_kring_s_own_pages_works(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let events = s.events().await;
    let own = [
        ("origin", s.base.as_str()),
        ("sec-fetch-site", "same-origin"),
    ];
    let (status, _, created) = send(
        &ann,
        Method::POST,
        "/api/v1/circles",
        &own,
        Some(&json!({"focus_name": "Mam"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(s.events().await > events);
    let (status, _, _) = send(&ann, Method::DELETE, "/api/v1/session", &own, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(ann.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
}

async fn a_write_without_origin_headers_works_like_curl(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let events = s.events().await;
    // reqwest, like curl, sends neither Origin nor Sec-Fetch-Site.
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(s.events().await > events);
}

/// Log-in CSRF: another site signing the visitor up or in as the attacker,
/// so that what the visitor does next lands in the attacker's account.
async fn without_the_session_cookie_a_cross_site_write_is_refused_too(s: Server) {
    let stranger = s.browser();
    let elsewhere = [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ];
    let events = s.events().await;
    let body =
        json!({"name": "Ann", "email": "ann@example.org", "password": "correct horse battery"});
    let (status, _, problem) = send(
        &stranger,
        Method::POST,
        "/api/v1/accounts",
        &elsewhere,
        Some(&body),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "cross-site");
    assert_eq!(s.events().await, events, "no account was made");
    // The attacker's own account, then a cross-site log-in into it: refused,
    // and no session cookie is handed to the visitor's browser.
    let (status, _) = s.browser().post("/api/v1/accounts", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let log_in = json!({"email": "ann@example.org", "password": "correct horse battery"});
    for (name, value) in elsewhere {
        let (status, headers, problem) = send(
            &stranger,
            Method::POST,
            "/api/v1/session",
            &[(name, value)],
            Some(&log_in),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {problem}");
        assert!(headers.get("set-cookie").is_none(), "{name}: no session");
    }
    // The pages' log-in form, posted from another site: refused as well.
    let (status, headers, _) = send(&stranger, Method::POST, "/login", &elsewhere, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(headers.get("set-cookie").is_none());
}

fn assert_security_headers(what: &str, headers: &HeaderMap) {
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(
            headers.get(name).map(|v| v.to_str().unwrap()),
            Some(value),
            "{what}: {name}"
        );
    }
}

async fn every_response_carries_the_security_headers(s: Server) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let stranger = s.browser();
    for (browser, path, status) in [
        (&stranger, "/", StatusCode::OK),
        (&stranger, "/healthz", StatusCode::OK),
        (&stranger, "/readyz", StatusCode::OK),
        (&stranger, "/nothing-here", StatusCode::NOT_FOUND),
        (&stranger, "/api/v1/me", StatusCode::UNAUTHORIZED),
        (&stranger, "/api/v1/nothing-here", StatusCode::NOT_FOUND),
        (&ann, "/api/v1/me", StatusCode::OK),
    ] {
        let response = browser
            .client
            .get(s.url(path))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), status, "{path}");
        assert_security_headers(path, response.headers());
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "not over plain HTTP: {path}"
        );
        if path.starts_with("/api/") {
            assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        }
    }
}

/// Settings whose limits a test can reach in a few requests; each allowance
/// comes back only after minutes, so no test depends on how fast it runs.
fn tight(rate_limits: RateLimits) -> Settings {
    Settings {
        rate_limits,
        ..Settings::default()
    }
}

async fn sign_up(browser: &Browser, email: &str) -> StatusCode {
    let body = json!({"name": "Ann", "email": email, "password": "correct horse battery"});
    browser.post("/api/v1/accounts", body).await.0
}

/// A stolen session cannot guess the password (or mail address after address)
/// through the routes that check it: they share the log-in's allowance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_the_password_with_a_session_is_limited_like_logging_in() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        tight(RateLimits {
            log_in: Limit::per_hour(4),
            ..RateLimits::default()
        }),
    )
    .await;
    let ann = s.browser();
    assert_eq!(sign_up(&ann, "ann@example.org").await, StatusCode::CREATED);
    let (status, _) = ann
        .post(
            "/api/v1/session",
            json!({"email": "ann@example.org", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut statuses = vec![];
    for attempt in 1..=2 {
        let guess = json!({"current_password": format!("guess {attempt}"), "new_password": "a new long password"});
        statuses.push(ann.put("/api/v1/me/password", guess).await.0);
        let move_to = json!({"email": format!("victim{attempt}@example.org"), "password": format!("guess {attempt}")});
        statuses.push(ann.put("/api/v1/me/email", move_to).await.0);
    }
    let delete = json!({"password": "a last guess"});
    statuses.push(ann.post("/api/v1/me/deletion", delete).await.0);
    // One log-in and three guesses used the allowance of four: the fourth
    // guess is refused, and so is deleting the account with a guess.
    assert!(
        statuses[..3]
            .iter()
            .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eleventh_log_in_in_a_minute_is_429_with_retry_after() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        tight(RateLimits {
            log_in: Limit::per_hour(10),
            ..RateLimits::default()
        }),
    )
    .await;
    let ann = s.browser();
    assert_eq!(sign_up(&ann, "ann@example.org").await, StatusCode::CREATED);
    let events = s.events().await;
    for attempt in 1..=10 {
        let (status, problem) = ann
            .post(
                "/api/v1/session",
                json!({"email": "ann@example.org", "password": format!("guess number {attempt}")}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}: {problem}"
        );
    }
    // The eleventh is refused before the password is even looked at.
    let right = json!({"email": "ann@example.org", "password": "correct horse battery"});
    let (status, headers, problem) =
        send(&ann, Method::POST, "/api/v1/session", &[], Some(&right)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(
        (1..=360).contains(&wait),
        "one attempt comes back every 6 minutes: {wait}"
    );
    assert_eq!(problem["type"], "urn:kring:problem:too-many-requests");
    assert_eq!(problem["title"], "Too many requests");
    assert_eq!(problem["code"], "too-many-requests");
    assert_eq!(
        problem["detail"],
        format!("too many attempts: try again in {wait} seconds")
    );
    assert!(headers.get("set-cookie").is_none(), "no session");
    assert_eq!(headers["cache-control"], "no-store");
    assert_security_headers("429", &headers);
    assert_eq!(ann.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    // Signing up has an allowance of its own.
    assert_eq!(sign_up(&ann, "bob@example.org").await, StatusCode::CREATED);
    assert!(s.events().await > events);
}

/// The pages are mounted beside the API (the binary hands them in): a log-in
/// by the page's form counts against the same allowance as the API's, and a
/// cross-site form post with the cookie never reaches the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_forms_stand_behind_the_same_protection() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        tight(RateLimits {
            log_in: Limit::per_hour(2),
            ..RateLimits::default()
        }),
    )
    .await;
    let ann = s.browser();
    let wrong = json!({"email": "ann@example.org", "password": "not the password"});
    assert_eq!(
        ann.post("/api/v1/session", wrong).await.0,
        StatusCode::UNAUTHORIZED
    );
    let form = |browser: &Browser| {
        browser
            .client
            .post(s.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=ann%40example.org&password=x")
    };
    let response = form(&ann).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_security_headers("/login", response.headers());
    let response = form(&ann).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_security_headers("/login", response.headers());
    let response = form(&s.browser_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2))))
        .header("origin", "http://evil.test")
        .header("cookie", "kring_session=abc")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_client_address_has_its_own_allowance() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        tight(RateLimits {
            log_in: Limit::per_hour(1),
            ..RateLimits::default()
        }),
    )
    .await;
    let here = s.browser_from(IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(sign_up(&here, "ann@example.org").await, StatusCode::CREATED);
    let log_in = json!({"email": "ann@example.org", "password": "correct horse battery"});
    assert_eq!(
        here.post("/api/v1/session", log_in.clone()).await.0,
        StatusCode::OK
    );
    assert_eq!(
        here.post("/api/v1/session", log_in.clone()).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let neighbour = s.browser_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
    assert_eq!(
        neighbour.post("/api/v1/session", log_in.clone()).await.0,
        StatusCode::OK,
        "another address is another client"
    );
    assert_eq!(
        neighbour.post("/api/v1/session", log_in).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_invitations_are_limited_too() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        tight(RateLimits {
            sign_up: Limit::per_hour(2),
            invitations: Limit::per_hour(2),
            ..RateLimits::default()
        }),
    )
    .await;
    let browser = s.browser();
    assert_eq!(
        sign_up(&browser, "ann@example.org").await,
        StatusCode::CREATED
    );
    assert_eq!(
        sign_up(&browser, "bob@example.org").await,
        StatusCode::CREATED
    );
    let events = s.events().await;
    assert_eq!(
        sign_up(&browser, "cas@example.org").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(s.events().await, events, "a refused sign-up writes nothing");

    // Sending and accepting invitations share one allowance, whatever each
    // answers by itself (nobody is logged in here).
    let circle = uuid::Uuid::new_v4();
    let invite = format!("/api/v1/circles/{circle}/invitations");
    let body = json!({"token": "not-a-token"});
    for path in ["/api/v1/invitations/accept", invite.as_str()] {
        let (status, problem) = browser.post(path, body.clone()).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{path}: {problem}");
    }
    for path in ["/api/v1/invitations/accept", invite.as_str()] {
        let (status, _) = browser.post(path, body.clone()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{path}");
    }
    // Reading is not limited.
    let (status, _) = browser.get(&invite).await;
    assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_url_decides_which_origin_may_write() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        Settings {
            public_url: Some("http://kring.test:8080/".into()),
            ..Settings::default()
        },
    )
    .await;
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let body = json!({"focus_name": "Mam"});
    let (status, _, problem) = send(
        &ann,
        Method::POST,
        "/api/v1/circles",
        &[("origin", s.base.as_str())],
        Some(&body),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the address it was reached at is not the public one: {problem}"
    );
    let (status, _, created) = send(
        &ann,
        Method::POST,
        "/api/v1/circles",
        &[("origin", "http://kring.test:8080")],
        Some(&body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_browsers_are_told_to_keep_to_https() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        Settings {
            public_url: Some("https://kring.test".into()),
            ..Settings::default()
        },
    )
    .await;
    for path in ["/", "/healthz", "/api/v1/me"] {
        let response = s.browser().client.get(s.url(path)).send().await.unwrap();
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000",
            "{path}"
        );
        assert_security_headers(path, response.headers());
    }
}

/// Behind a trusted reverse proxy on 127.0.0.1, clients that reach Kring from
/// 127.0.0.2 come straight in.
fn behind_a_proxy_on_localhost(log_in: Limit) -> Settings {
    Settings {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..tight(RateLimits {
            log_in,
            ..RateLimits::default()
        })
    }
}

/// A log-in attempt (a wrong one: it counts all the same) with the given
/// `X-Forwarded-For`, if any; answers the status.
async fn log_in_forwarded_for(browser: &Browser, forwarded_for: Option<&str>) -> StatusCode {
    let body = json!({"email": "nobody@example.org", "password": "not the password"});
    let headers: Vec<(&str, &str)> = forwarded_for
        .map(|f| ("x-forwarded-for", f))
        .into_iter()
        .collect();
    send(
        browser,
        Method::POST,
        "/api/v1/session",
        &headers,
        Some(&body),
    )
    .await
    .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        behind_a_proxy_on_localhost(Limit::per_hour(1)),
    )
    .await;
    let proxy = s.browser_from(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let ann = Some("198.51.100.7");
    assert_eq!(
        log_in_forwarded_for(&proxy, ann).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in_forwarded_for(&proxy, ann).await,
        StatusCode::TOO_MANY_REQUESTS,
        "Ann's allowance is used up"
    );
    // What Ann writes into the header herself stands left of what the proxy
    // appended: she cannot pose as someone else.
    assert_eq!(
        log_in_forwarded_for(&proxy, Some("203.0.113.50, 198.51.100.7")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client of the same proxy still has its own.
    assert_eq!(
        log_in_forwarded_for(&proxy, Some("198.51.100.8")).await,
        StatusCode::UNAUTHORIZED
    );
    // Through a second trusted proxy the client is still the one it saw.
    assert_eq!(
        log_in_forwarded_for(&proxy, Some("198.51.100.9, 127.0.0.1")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in_forwarded_for(&proxy, Some("198.51.100.9")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The proxy's own requests (no header) count against the proxy, not
    // against any client.
    assert_eq!(
        log_in_forwarded_for(&proxy, None).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in_forwarded_for(&proxy, None).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_an_untrusted_peer_x_forwarded_for_is_ignored() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        behind_a_proxy_on_localhost(Limit::per_hour(1)),
    )
    .await;
    let direct = s.browser_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
    assert_eq!(
        log_in_forwarded_for(&direct, Some("198.51.100.7")).await,
        StatusCode::UNAUTHORIZED
    );
    // A new made-up address every time gains nothing: the peer counts.
    for made_up in ["198.51.100.8", "203.0.113.1", "127.0.0.1"] {
        assert_eq!(
            log_in_forwarded_for(&direct, Some(made_up)).await,
            StatusCode::TOO_MANY_REQUESTS,
            "{made_up}"
        );
    }
    // Nor did it spend the allowance of the address it claimed.
    let proxy = s.browser_from(IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(
        log_in_forwarded_for(&proxy, Some("198.51.100.7")).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_the_header_changes_nothing() {
    let s = Server::start_with(
        TestLog::sqlite().await,
        tight(RateLimits {
            log_in: Limit::per_hour(1),
            ..RateLimits::default()
        }),
    )
    .await;
    let proxy = s.browser_from(IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(
        log_in_forwarded_for(&proxy, Some("198.51.100.7")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in_forwarded_for(&proxy, Some("198.51.100.8")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "every client of an untrusted proxy shares its allowance"
    );
}
