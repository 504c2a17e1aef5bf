//! Live pages: two browsers side by side on the same circle's rota. What one
//! does shows in the other within a second, without a reload; and when the
//! server drops the socket, the page reconnects and catches up by itself.

mod common;

use std::time::{Duration, Instant};

use common::{eventually, Browser, Kring, Person, Server, Size, PASSWORD, WAIT};
use serde_json::json;

/// A circle with Ann (coordinator) and Bob (lukewarm), and one evening meal
/// two days from now: (Ann, Bob, the week's rota page, the slot's CSS id).
async fn a_circle_with_a_shift(server: &Server) -> (Person, Person, String, String, String) {
    let ann = Person::sign_up(server, "Ann").await;
    let circle = ann.circle("Mam").await;
    let bob = Person::sign_up(server, "Bob Buur").await;
    ann.bring_in(&circle, &bob, "lukewarm").await;
    let day = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let shift = ann
        .weekly_shift(&circle, "Evening meal with Mam", &day, "18:00")
        .await;
    let page = format!("/circles/{circle}/rota?week={day}");
    let slot = format!("#slot-{shift}-{day}");
    (ann, bob, circle, page, slot)
}

/// Opens the rota page and waits until it follows the circle live; then
/// marks the window, so that a reload (which would clear the mark) shows.
async fn follow(browser: &Browser, page: &str) {
    browser.go(page).await;
    browser
        .wait_for_text("Live: changes appear by themselves.")
        .await;
    browser
        .script("window.kringTestMark = 'no reload since'", vec![])
        .await;
}

async fn not_reloaded(browser: &Browser) {
    let mark = browser
        .script("return window.kringTestMark || null", vec![])
        .await;
    assert_eq!(
        mark,
        json!("no reload since"),
        "the page was reloaded instead of updated in place"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_in_one_browser_shows_in_the_other_within_a_second() {
    let (_kring, server) = Kring::with_server().await;
    let (ann, bob, _circle, page, slot) = a_circle_with_a_shift(&server).await;
    let left = Browser::open(&server, Size::Desktop).await;
    let mut right = Browser::open(&server, Size::Phone).await;
    left.log_in(&ann.email, PASSWORD).await;
    right.log_in(&bob.email, PASSWORD).await;
    follow(&left, &page).await;
    follow(&right, &page).await;
    let before = right.wait_for(&slot).await.text().await.unwrap();
    assert!(before.contains("nobody yet"), "{before}");

    let card = left.wait_for(&slot).await;
    let clicked = Instant::now();
    left.click_in(&card, "I'll do it").await;
    shows_within_a_second(&right, &slot, "Ann", clicked).await;
    not_reloaded(&right).await;
    right.wait_for_text("The page was updated.").await;
    right.look("rota-live-updated").await;

    // And back: Ann steps down in her window, Bob sees the gap again and
    // takes it in his, and Ann sees that in hers.
    left.wait_for_text("Noted: you'll do it. Thank you!").await;
    follow(&left, &page).await;
    let card = left.wait_for(&slot).await;
    left.click_in(&card, "Step down").await;
    let form = left
        .find(&format!("{slot} form[action$='/rota/release']"))
        .await;
    left.fill_in(&form, "Why not?", "Something came up").await;
    let clicked = Instant::now();
    left.click_in(&form, "Step down").await;
    shows_within_a_second(&right, &slot, "nobody yet", clicked).await;
    not_reloaded(&right).await;
    // Ann's own window went to the page her form answered with: follow again.
    left.wait_for_text("You are off it.").await;
    follow(&left, &page).await;
    let card = right.wait_for(&slot).await;
    let clicked = Instant::now();
    right.click_in(&card, "I'll do it").await;
    shows_within_a_second(&left, &slot, "Bob Buur", clicked).await;
    not_reloaded(&left).await;
}

/// Waits a second at most, from `since`, for `text` in the element `css`.
async fn shows_within_a_second(browser: &Browser, css: &str, text: &str, since: Instant) {
    let rest = Duration::from_secs(1).saturating_sub(since.elapsed());
    eventually(rest, &format!("{text:?} in {css} (live)"), || async {
        let shown = browser.text_of(css).await;
        if shown.contains(text) {
            Ok(())
        } else {
            Err(shown)
        }
    })
    .await;
    println!("{text:?} showed {:?} after the click", since.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_server_drops_the_socket_the_page_catches_up_by_itself() {
    let kring = Kring::start().await;
    let server = kring.serve().await;
    let address = server.address;
    let (mut ann, bob, circle, page, slot) = a_circle_with_a_shift(&server).await;
    let watcher = Browser::open(&server, Size::Desktop).await;
    watcher.log_in(&bob.email, PASSWORD).await;
    follow(&watcher, &page).await;

    // The server goes away (as on a restart): the socket is dropped.
    server.stop().await;
    watcher.wait_for_text("No connection. Trying again…").await;

    // Meanwhile Ann takes the shift through another server on the same log.
    let elsewhere = kring.serve().await;
    ann.via(&elsewhere);
    let (_, rota) = ann
        .get(&format!(
            "/circles/{circle}/rota?from={}&days=1",
            &slot[slot.len() - 10..]
        ))
        .await;
    let shift = rota["slots"][0]["shift"]
        .as_str()
        .expect("the shift")
        .to_owned();
    let date = rota["slots"][0]["date"]
        .as_str()
        .expect("its date")
        .to_owned();
    ann.ok(
        &format!("/circles/{circle}/shifts/{shift}/dates/{date}/claim"),
        json!(null),
    )
    .await;
    elsewhere.stop().await;
    assert!(watcher.text_of(&slot).await.contains("nobody yet"));

    // Back on the same address: the page reconnects and catches up, by itself.
    let back = kring.serve_at(address).await;
    let started = Instant::now();
    eventually(WAIT, "the missed claim in the page", || async {
        let shown = watcher.text_of(&slot).await;
        if shown.contains("Ann") {
            Ok(())
        } else {
            Err(shown)
        }
    })
    .await;
    println!(
        "caught up {:?} after the server was back",
        started.elapsed()
    );
    not_reloaded(&watcher).await;
    watcher
        .wait_for_text("Live: changes appear by themselves.")
        .await;
    drop(back);
}
