//! Lists that grow with a circle's life come a page at a time, newest first,
//! over real HTTP on both backends: the logbook, the finished requests and the
//! looks. The next page's address is in the `Link` header; walking the pages
//! gives every item the caller may see exactly once, and nothing else.

mod common;

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use common::{Browser, Server};
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    Server::start =>
    the_logbook_pages_through_what_each_member_may_read,
    finished_requests_have_a_history_of_their_own,
    a_page_that_cannot_be_is_refused_in_words,
    the_export_streams_whole_or_comes_in_pages_newest_first,
);

/// Ann's circle for Mam, with Lou in the lukewarm ring.
async fn circle(s: &Server) -> (Browser, Browser, String) {
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, created) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let circle = created["id"].as_str().unwrap().to_owned();
    let (lou, _) = s.join(&ann, &circle, "lukewarm").await;
    (ann, lou, circle)
}

/// Every page of `path` from the first on: the items' `key`s in order, and
/// how many pages there were.
async fn walk(browser: &Browser, path: &str, list: &str, key: &str) -> (Vec<String>, usize) {
    let mut next = Some(format!("/api/v1{path}"));
    let (mut seen, mut pages) = (vec![], 0);
    while let Some(address) = next.take() {
        let response = browser
            .client
            .get(format!("{}{address}", browser.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{address}");
        next = response
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_owned())
            .map(|link| {
                assert!(link.ends_with("; rel=\"next\""), "{link}");
                link[1..link.find('>').unwrap()].to_owned()
            });
        let body: Value = response.json().await.unwrap();
        let items = if list.is_empty() { &body } else { &body[list] };
        let items = items.as_array().expect("a list");
        assert!(!items.is_empty(), "an empty page at {address}");
        seen.extend(items.iter().map(|i| i[key].to_string()));
        pages += 1;
        assert!(pages < 100, "the pages do not end");
    }
    (seen, pages)
}

async fn the_logbook_pages_through_what_each_member_may_read(s: Server) {
    let (ann, lou, circle) = circle(&s).await;
    let mut written = vec![];
    for n in 0..130 {
        // Every third entry is for the warm ring only.
        let visibility = if n % 3 == 0 {
            "warm_only"
        } else {
            "whole_circle"
        };
        let (status, created) = ann
            .post(
                &format!("/api/v1/circles/{circle}/logbook"),
                json!({"text": format!("entry {n}"), "visibility": visibility}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        written.push((created["id"].to_string(), visibility));
    }
    let newest_first: Vec<String> = written.iter().rev().map(|(id, _)| id.clone()).collect();

    // Ann, warm: 130 entries in pages of 50, 50 and 30.
    let path = format!("/circles/{circle}/logbook");
    let (seen, pages) = walk(&ann, &path, "", "id").await;
    assert_eq!((seen.len(), pages), (130, 3));
    assert_eq!(seen, newest_first);
    // Pages of 7 walk to the same entries.
    let (small, pages) = walk(&ann, &format!("{path}?limit=7"), "", "id").await;
    assert_eq!((small, pages), (newest_first.clone(), 19));

    // Lou, lukewarm: only the whole circle's, however the pages fall.
    let theirs: Vec<String> = written
        .iter()
        .rev()
        .filter(|(_, v)| *v == "whole_circle")
        .map(|(id, _)| id.clone())
        .collect();
    let (seen, _) = walk(&lou, &format!("{path}?limit=9"), "", "id").await;
    assert_eq!(seen, theirs);
    // A cursor taken from Ann's pages shows Lou nothing of the warm ring's.
    let (status, page) = lou
        .get(&format!("/api/v1{path}?before=130&limit=100"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let texts: BTreeSet<String> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        texts
            .iter()
            .all(|t| t[6..].parse::<u32>().unwrap() % 3 != 0),
        "{texts:?}"
    );

    // The overview carries the newest ten.
    let (_, overview) = ann.get(&format!("/api/v1/circles/{circle}")).await;
    let overview: Vec<String> = overview["logbook"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].to_string())
        .collect();
    assert_eq!(overview, newest_first[..10]);

    // Someone outside the circle learns nothing, whatever the cursor.
    let (eve, _) = s.person("Eve", "eve@example.org").await;
    let (status, _) = eve.get(&format!("/api/v1{path}?before=5")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn finished_requests_have_a_history_of_their_own(s: Server) {
    let (ann, lou, circle) = circle(&s).await;
    let start = Utc::now() + Duration::days(1);
    let mut asked = vec![];
    for n in 0..12 {
        let (status, created) = ann
            .post(
                &format!("/api/v1/circles/{circle}/requests"),
                json!({"category": "groceries", "window_start": start,
                    "window_end": start + Duration::hours(3), "duration_minutes": 60,
                    "details": format!("request {n}"), "on_behalf_of_focus": false}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        asked.push(created["id"].as_str().unwrap().to_owned());
    }
    // Eight are cancelled; the other four stay open (and out of the history).
    for id in &asked[..8] {
        let (status, body) = ann
            .post(
                &format!("/api/v1/circles/{circle}/requests/{id}/cancel"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let history = format!("/circles/{circle}/requests/history");
    let (seen, pages) = walk(&ann, &format!("{history}?limit=3"), "requests", "id").await;
    let cancelled: Vec<String> = asked[..8]
        .iter()
        .rev()
        .map(|id| format!("\"{id}\""))
        .collect();
    assert_eq!((seen, pages), (cancelled, 3));
    let (_, open) = ann.get(&format!("/api/v1/circles/{circle}/requests")).await;
    assert_eq!(open["requests"].as_array().unwrap().len(), 4);
    // The warm ring's requests are not the lukewarm ring's, finished or not.
    let (status, theirs) = lou.get(&format!("/api/v1{history}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["requests"], json!([]));
}

async fn the_export_streams_whole_or_comes_in_pages_newest_first(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    // More events than the export reads from the log at once (500).
    for n in 0..520 {
        let (status, created) = ann
            .post(
                &format!("/api/v1/circles/{circle}/logbook"),
                json!({"text": format!("entry {n}"), "visibility": "whole_circle"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
    let (status, whole) = ann.get(&format!("/api/v1/circles/{circle}/export")).await;
    assert_eq!(status, StatusCode::OK, "{whole}");
    let versions: Vec<u64> = whole["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version"].as_u64().unwrap())
        .collect();
    let head = whole["version"].as_u64().unwrap();
    assert_eq!(
        versions,
        (1..=head).collect::<Vec<_>>(),
        "every event, oldest first"
    );
    let texts = whole["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["data"]["text"].is_string())
        .count();
    assert_eq!(texts, 520, "every entry opened");
    assert_eq!(
        whole["people"].as_array().unwrap().len(),
        3,
        "{}",
        whole["people"]
    );

    // In pages, newest first: the same events, backwards.
    let (paged, _) = walk(
        &ann,
        &format!("/circles/{circle}/export?limit=100"),
        "events",
        "version",
    )
    .await;
    let backwards: Vec<String> = versions.iter().rev().map(u64::to_string).collect();
    assert_eq!(paged, backwards);
}

async fn a_page_that_cannot_be_is_refused_in_words(s: Server) {
    let (ann, _, circle) = circle(&s).await;
    let events = s.events().await;
    for path in ["logbook", "looks", "requests/history", "export"] {
        for limit in ["0", "101"] {
            let (status, problem) = ann
                .get(&format!("/api/v1/circles/{circle}/{path}?limit={limit}"))
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {limit}");
            assert_eq!(problem["code"], "page-limit", "{problem}");
            assert_eq!(problem["detail"], "a page holds 1 to 100 items");
        }
        let (status, problem) = ann
            .get(&format!("/api/v1/circles/{circle}/{path}?before=yesterday"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(problem["code"], "query-unreadable", "{problem}");
    }
    // Nothing was written by any of it.
    assert_eq!(s.events().await, events);
}
