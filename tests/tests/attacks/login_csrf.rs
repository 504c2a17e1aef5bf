//! Attack 4, log-in CSRF: another site posts a log-in form (without a cookie,
//! so a check that only guards sessions lets it through) and the victim's
//! browser is signed in as the attacker. Every form and write is checked for
//! its origin, with or without a cookie.

use kring_e2e::{Backend, Client, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

use super::common::{address, node};

const EVIL: &str = "https://evil.example";

async fn another_site_cannot_sign_a_browser_in_or_up(backend: Backend) {
    let node = node(&backend, &[]).await;
    let attacker = address("attacker");
    let browser = Client::new(&node.base);
    browser.sign_up("Attacker", &attacker).await;

    let from_evil = browser.from_origin(EVIL);
    let fields = [("email", attacker.as_str()), ("password", PASSWORD)];
    let answer = from_evil.form("/login", &fields).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    assert!(
        answer.set_cookie.is_none(),
        "a session was handed out: {answer:?}"
    );
    // A browser that sends only Fetch Metadata is refused as well.
    let metadata_only = browser.with_header("sec-fetch-site", "cross-site");
    let answer = metadata_only.form("/login", &fields).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    assert!(answer.set_cookie.is_none(), "{answer:?}");
    // The API's log-in and sign-up too.
    let body = json!({"email": attacker, "password": PASSWORD});
    let answer = from_evil.post("/api/v1/session", body).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    assert!(answer.set_cookie.is_none(), "{answer:?}");
    let planted = address("planted");
    let answer = from_evil
        .form(
            "/signup",
            &[
                ("name", "Planted"),
                ("email", &planted),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    let answer = browser
        .post(
            "/api/v1/session",
            json!({"email": planted, "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNAUTHORIZED,
        "the account exists: {answer:?}"
    );
    // Kring's own page still signs in.
    let own = browser.from_origin(&node.base);
    let answer = own.form("/login", &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{answer:?}");
    assert!(answer.set_cookie.is_some(), "{answer:?}");
}

on_both!(another_site_cannot_sign_a_browser_in_or_up);
