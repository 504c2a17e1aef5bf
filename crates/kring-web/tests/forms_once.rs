//! A form sent twice stores once, without a browser: the logbook page's form
//! carries a hidden key made when the page was shown; posting that form twice
//! (a double click, a resubmitted page) leaves one entry, while the same form
//! loaded again gets a new key and stores a new entry.

#[allow(unused_imports)] // the browser parts of the harness are not needed here
mod common;

use std::time::Duration;

use common::{Kring, PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The hidden key of the form that posts to `action` on `page`.
fn key_of_form(page: &str, action: &str) -> String {
    let form = page
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("a form to {action}"));
    let rest = &page[form..];
    let at = rest
        .find("name=\"idempotency_key\" value=\"")
        .expect("a key in the form")
        + 30;
    rest[at..at + 36].to_owned()
}

#[tokio::test]
async fn posting_the_same_logbook_form_twice_stores_one_entry() {
    let (kring, server) = Kring::with_server().await;
    let events = || async { kring.test.log.event_count().await.unwrap() };
    let ann = client();
    let email = common::email("ann");
    let signed_up = ann
        .post(server.url("/api/v1/accounts"))
        .json(&json!({"name": "Ann", "email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), StatusCode::CREATED);
    ann.post(server.url("/api/v1/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let created: Value = ann
        .post(server.url("/api/v1/circles"))
        .json(&json!({"focus_name": "Mam"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let circle = created["id"].as_str().unwrap();
    let action = format!("/circles/{circle}/logbook");

    let shown = |ann: Client, url: String| async move {
        let page = ann.get(url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        page.text().await.unwrap()
    };
    let page = shown(ann.clone(), server.url(&action)).await;
    let key = key_of_form(&page, &action);
    let post = |key: String, text: &'static str| {
        let ann = ann.clone();
        let url = server.url(&action);
        async move {
            ann.post(url)
                .form(&[
                    ("text", text),
                    ("visibility", "whole_circle"),
                    ("idempotency_key", key.as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let before = events().await;
    for _ in 0..2 {
        let answer = post(key.clone(), "Mam slaapt goed").await;
        assert_eq!(
            answer.status(),
            StatusCode::SEE_OTHER,
            "a form answers with a redirect"
        );
    }
    let entries = |ann: Client| {
        let url = server.url(&format!("/api/v1/circles/{circle}/logbook"));
        async move {
            ann.get(url)
                .send()
                .await
                .unwrap()
                .json::<Vec<Value>>()
                .await
                .unwrap()
        }
    };
    let once = kring_testkit::eventually(common::WAIT, "the entry in the logbook", || async {
        let entries = entries(ann.clone()).await;
        if entries.is_empty() {
            Err("no entry yet".to_owned())
        } else {
            Ok(entries)
        }
    })
    .await;
    assert_eq!(once.len(), 1, "the second post stored nothing: {once:?}");
    assert_eq!(events().await, before + 1, "one event for two posts");

    // The page shown again has a new key: a new entry is a new entry.
    let again = shown(ann.clone(), server.url(&action)).await;
    let second_key = key_of_form(&again, &action);
    assert_ne!(second_key, key);
    let answer = post(second_key, "Mam slaapt goed").await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let twice = kring_testkit::eventually(common::WAIT, "the second entry", || async {
        let entries = entries(ann.clone()).await;
        if entries.len() < 2 {
            Err(format!("{} entries", entries.len()))
        } else {
            Ok(entries)
        }
    })
    .await;
    assert_eq!(twice.len(), 2);
    assert_eq!(events().await, before + 2);
}
