//! `kring demo` and `kring serve --demo`, with the real binary on a SQLite
//! file: the demo is made once, and what a person sees over the API is the
//! living circle the README promises.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const PASSWORD: &str = "kring-demo-wachtwoord";

fn kring(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kring"));
    c.current_dir(dir)
        .env_remove("KRING_DATABASE_URL")
        .env_remove("KRING_LISTEN")
        .env_remove("KRING_SECRET")
        .env_remove("KRING_DEMO")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    c
}

fn database(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("demo.db").display())
}

/// Runs `kring demo` to the end; its stdout.
async fn demo(dir: &Path) -> String {
    let out = tokio::time::timeout(
        Duration::from_secs(120),
        kring(dir)
            .args(["demo", "--database-url", &database(dir)])
            .output(),
    )
    .await
    .expect("kring demo ends in time")
    .expect("run kring demo");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "kring demo failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A running `kring serve`, killed when dropped (also when a test fails).
struct Server {
    _child: Child,
    url: String,
    /// What it printed before its address.
    before: Vec<String>,
    client: Client,
}

async fn serve(dir: &Path, extra: &[&str]) -> Server {
    let mut child = kring(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url"])
        .arg(database(dir))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kring serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut before = vec![];
    let url = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("kring serve prints its address");
            if line.starts_with("Kring is running") {
                let url = line
                    .split_whitespace()
                    .find(|w| w.starts_with("http://"))
                    .unwrap_or_else(|| panic!("no address in {line:?}"));
                return url.trim_end_matches('/').to_owned();
            }
            before.push(line);
        }
    })
    .await
    .expect("kring serve says where it runs in time");
    // Keep reading stdout, so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server {
        _child: child,
        url,
        before,
        client: Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
    }
}

/// A signed-in person: the session cookie, as a browser would keep it.
struct Session<'a> {
    server: &'a Server,
    cookie: String,
}

impl Server {
    async fn log_in(&self, email: &str) -> Session<'_> {
        let response = self
            .client
            .post(format!("{}/api/v1/session", self.url))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "log in as {email}");
        let cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.contains("kring_session="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        Session {
            server: self,
            cookie,
        }
    }
}

impl Session<'_> {
    /// A page (HTML) as the browser with this session gets it.
    async fn page(&self, path: &str) -> String {
        let response = self
            .server
            .client
            .get(format!("{}{path}", self.server.url))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .server
            .client
            .get(format!("{}/api/v1{path}", self.server.url))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

/// The events in the database but the looks on a circle's record: a server
/// that sends a marketplace mail queued before it stopped records one then.
async fn events_in(dir: &Path) -> i64 {
    let pool = sqlx::SqlitePool::connect(&database(dir)).await.unwrap();
    let count =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE event_type != 'IntermediaryLooked'")
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    count
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item[field]["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_makes_a_living_circle_once_and_serve_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = demo(dir.path()).await;
    assert!(first.contains("Made the demo circle"), "{first}");
    for account in [
        "sanne@kring.example",
        "joost@kring.example",
        "henk@kring.example",
        "marijke@kring.example",
        "fatima@kring.example",
        "esther@kring.example",
        PASSWORD,
        "/organisations/",
        "http://127.0.0.1:8080/",
    ] {
        assert!(first.contains(account), "{account} in {first}");
    }
    let events = events_in(dir.path()).await;
    assert!(events > 80, "{events} events");

    // Twice: nothing more.
    let second = demo(dir.path()).await;
    assert!(second.contains("nothing added"), "{second}");
    assert!(second.contains("sanne@kring.example"), "{second}");
    assert_eq!(
        events_in(dir.path()).await,
        events,
        "a second run adds nothing"
    );

    let server = serve(dir.path(), &[]).await;
    let sanne = server.log_in("sanne@kring.example").await;
    let circles = sanne.get("/circles").await;
    assert_eq!(circles.as_array().unwrap().len(), 1, "{circles}");
    let circle = circles[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(circles[0]["focus"]["name"], "Ria de Vries");
    assert_eq!(circles[0]["you"]["coordinator"], true);
    assert_eq!(circles[0]["you"]["ring"], "warm");

    // The circle: warm, lukewarm and cold members, two weeks of logbook in
    // each visibility, one entry withdrawn.
    let home = sanne.get(&format!("/circles/{circle}")).await;
    assert_eq!(
        home["members"],
        json!({"warm": 3, "lukewarm": 2, "cold": 1})
    );
    // The overview carries the newest ten; the logbook's first page the rest.
    assert_eq!(home["logbook"].as_array().unwrap().len(), 10);
    let logbook = sanne.get(&format!("/circles/{circle}/logbook")).await;
    let logbook = logbook.as_array().unwrap();
    assert!(logbook.len() >= 12, "{}", logbook.len());
    assert_eq!(logbook[..10], home["logbook"].as_array().unwrap()[..]);
    for visibility in ["warm_only", "warm_and_lukewarm", "whole_circle"] {
        assert!(
            logbook.iter().any(|e| e["visibility"] == visibility),
            "an entry {visibility}"
        );
    }
    assert!(logbook.iter().any(|e| e["redacted"] == true));
    let members = sanne.get(&format!("/circles/{circle}/members")).await;
    let mut people = names(&members["members"], "person");
    people.sort();
    assert_eq!(
        people,
        [
            "Fatima El Amrani",
            "Henk Bakker",
            "Joost de Vries",
            "Marijke Jansen",
            "Ria de Vries",
            "Sanne de Vries"
        ]
    );

    // The rota of the coming two weeks has gaps: evening meals and a Saturday visit.
    let rota = sanne.get(&format!("/circles/{circle}/rota?days=14")).await;
    let slots = rota["slots"].as_array().unwrap();
    assert!(slots.len() >= 14, "{rota}");
    let gaps: Vec<&str> = slots
        .iter()
        .filter(|s| s["open_places"].as_u64().unwrap() > 0)
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert!(gaps.contains(&"Avondeten koken en samen eten"), "{gaps:?}");
    assert!(gaps.contains(&"Zaterdagmiddag op bezoek"), "{gaps:?}");
    assert!(
        slots.iter().any(|s| s["claimed_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Henk Bakker")),
        "the neighbour has turns: {rota}"
    );
    assert!(
        !rota["swaps"].as_array().unwrap().is_empty(),
        "a swap asked"
    );

    // Requests: open ones, a grocery run a volunteer took; done ones thanked.
    let requests = sanne.get(&format!("/circles/{circle}/requests")).await;
    let requests = requests["requests"].as_array().unwrap();
    assert!(requests.iter().filter(|r| r["status"] == "open").count() >= 2);
    let groceries = requests
        .iter()
        .find(|r| r["category"] == "groceries")
        .expect("the grocery run");
    assert_eq!(groceries["reach"], "cold");
    assert_eq!(groceries["taker"]["name"], "Fatima El Amrani");
    // The marketplace: the walk waits for Sanne's answer to Daan's offer.
    let walk = requests
        .iter()
        .find(|r| r["category"] == "walk")
        .expect("the walk");
    assert!(walk["listed_with"].is_string(), "{walk}");
    let proposals = sanne
        .get(&format!(
            "/circles/{circle}/requests/{}/proposals",
            walk["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(proposals[0]["first_name"], "Daan", "{proposals}");
    assert_eq!(proposals[0]["state"], "waiting", "{proposals}");
    let reciprocity = sanne.get(&format!("/circles/{circle}/reciprocity")).await;
    let thanked: u64 = reciprocity["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["thanks_received"].as_u64().unwrap())
        .sum();
    assert!(thanked >= 4, "{reciprocity}");

    // Standing offers with capacity; the daughter carries the most hours.
    let offers = sanne.get(&format!("/circles/{circle}/offers")).await;
    assert_eq!(offers["offers"].as_array().unwrap().len(), 4, "{offers}");
    let load = sanne.get(&format!("/circles/{circle}/load")).await;
    let loads = load["members"].as_array().unwrap();
    let most = loads
        .iter()
        .max_by_key(|m| m["committed_minutes"].as_u64().unwrap())
        .unwrap();
    assert_eq!(most["person"]["name"], "Sanne de Vries", "{load}");
    assert_eq!(most["over_capacity"], true, "{load}");
    let health = sanne.get(&format!("/circles/{circle}/health")).await;
    assert_eq!(health["signals"]["primary_carer_at_risk"], true, "{health}");
    assert!(
        health["signals"]["open_shift_places_next_7_days"]
            .as_u64()
            .unwrap()
            > 0
    );

    // The Buurtteam: full consent, looks on the record, and its dashboard.
    let consents = sanne.get(&format!("/circles/{circle}/consents")).await;
    let consent = &consents["consents"][0];
    assert_eq!(consent["organisation"]["name"], "Buurtteam Oost");
    assert_eq!(consent["scope"], "full");
    assert_eq!(consent["active"], true);
    let organisation = consent["organisation"]["id"].as_str().unwrap().to_owned();
    assert!(
        first.contains(&format!("/organisations/{organisation}")),
        "the demo prints the dashboard's address: {first}"
    );
    let looks = sanne.get(&format!("/circles/{circle}/looks")).await;
    assert!(!looks["looks"].as_array().unwrap().is_empty(), "{looks}");
    let esther = server.log_in("esther@kring.example").await;
    let dashboard = esther
        .get(&format!("/organisations/{organisation}/dashboard"))
        .await;
    let rows = dashboard.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{dashboard}");
    assert_eq!(rows[0]["circle"], circle.as_str());
    assert_eq!(rows[0]["focus"]["name"], "Ria de Vries");
    assert_eq!(rows[0]["scope"], "full");
    assert_eq!(rows[0]["signals"]["primary_carer_at_risk"], true);
    assert!(rows[0]["rota"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["open_places"].as_u64().unwrap() > 0));

    // Fatima did three grocery runs: Sanne may offer her a place in the lukewarm ring.
    let helpers = sanne.get(&format!("/circles/{circle}/helpers")).await;
    assert_eq!(helpers[0]["first_name"], "Fatima", "{helpers}");
    assert_eq!(helpers[0]["tasks"], 3, "{helpers}");
    assert_eq!(helpers[0]["offered"], false, "{helpers}");

    // Each volunteer and member logs in with the one demo password.
    for email in ["joost", "henk", "marijke", "fatima"] {
        let person = server.log_in(&format!("{email}@kring.example")).await;
        let theirs = person.get("/circles").await;
        let ids: Vec<&str> = theirs
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["id"].as_str())
            .collect();
        assert!(ids.contains(&circle.as_str()), "{email}: {theirs}");
    }

    // Marijke's earlier circle, for her father, ended when he recovered:
    // readable, with her closing words, and nothing in it can change.
    let marijke = server.log_in("marijke@kring.example").await;
    let theirs = marijke.get("/circles").await;
    let earlier = theirs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["focus"]["name"] == "Kees Jansen")
        .unwrap_or_else(|| panic!("{theirs}"));
    assert_eq!(earlier["life"], "ended");
    let ended = marijke
        .get(&format!("/circles/{}", earlier["id"].as_str().unwrap()))
        .await;
    assert_eq!(ended["life"]["reason"], "recovered", "{ended}");
    assert!(ended["life"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Pa redt zich weer zelf"));
    assert_eq!(ended["logbook"].as_array().unwrap().len(), 3);

    // Esther set up Gerrit's circle at the kitchen table, from the template
    // for dementia at home, and coordinates it until his son joins.
    let theirs = esther.get("/circles").await;
    let gerrit = theirs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["focus"]["name"] == "Gerrit Bakker")
        .unwrap_or_else(|| panic!("{theirs}"));
    let id = gerrit["id"].as_str().unwrap();
    let set_up = esther.get(&format!("/circles/{id}")).await;
    assert_eq!(set_up["set_up_by"]["organisation"], organisation.as_str());
    assert_eq!(
        set_up["may"]["invite_focus"], false,
        "the claim link is the family's to make"
    );
    assert!(set_up["logbook"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("Welkom in deze kring."));
    let invitations = esther.get(&format!("/circles/{id}/invitations")).await;
    let roles: Vec<&str> = invitations["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["role"].as_str())
        .collect();
    assert_eq!(roles, ["coordinator"], "{invitations}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_demo_opens_on_the_living_circle_and_a_restart_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let events = {
        let server = serve(dir.path(), &["--demo"]).await;
        let printed = server.before.join("\n");
        assert!(printed.contains("sanne@kring.example"), "{printed}");
        assert!(printed.contains(PASSWORD), "{printed}");
        let sanne = server.log_in("sanne@kring.example").await;
        let circles = sanne.get("/circles").await;
        assert_eq!(circles[0]["focus"]["name"], "Ria de Vries");
        // The address it prints opens, once logged in, on the circle.
        let circle = circles[0]["id"].as_str().unwrap();
        let page = sanne.page("/").await;
        assert!(page.contains("Ria de Vries"), "{page}");
        assert!(page.contains(&format!("/circles/{circle}")), "{page}");
        let home = sanne.page(&format!("/circles/{circle}")).await;
        assert!(
            home.contains("Avondeten koken en samen eten"),
            "a gap: {home}"
        );
        assert!(home.contains("Ik ben Fatima"), "the logbook: {home}");
        drop(sanne);
        drop(server);
        events_in(dir.path()).await
    };
    let again = serve(dir.path(), &["--demo"]).await;
    assert!(
        again.before.join("\n").contains("nothing added"),
        "{:?}",
        again.before
    );
    let sanne = again.log_in("sanne@kring.example").await;
    assert_eq!(sanne.get("/circles").await.as_array().unwrap().len(), 1);
    drop(sanne);
    drop(again);
    assert_eq!(events_in(dir.path()).await, events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_leaves_a_store_that_holds_circles_alone() {
    let dir = tempfile::tempdir().unwrap();
    {
        let server = serve(dir.path(), &[]).await;
        let client = &server.client;
        let api = format!("{}/api/v1", server.url);
        let signed_up = client
            .post(format!("{api}/accounts"))
            .json(&json!({"name": "Ann", "email": "ann@example.org", "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        assert_eq!(signed_up.status(), StatusCode::CREATED);
        let logged_in = client
            .post(format!("{api}/session"))
            .json(&json!({"email": "ann@example.org", "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        let cookie = logged_in.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let created = client
            .post(format!("{api}/circles"))
            .header(COOKIE, cookie)
            .json(&json!({"focus_name": "Mam"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let events = events_in(dir.path()).await;
    let out = demo(dir.path()).await;
    assert!(out.contains("no demo added"), "{out}");
    assert!(!out.contains(PASSWORD), "{out}");
    assert_eq!(events_in(dir.path()).await, events);
}

#[tokio::test]
async fn demo_writes_the_mails_its_people_receive_without_their_private_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(dir.path()).await;
    let folder = dir.path().join("demo-mail");
    assert!(
        out.contains("mails Kring sent the demo's people into"),
        "{out}"
    );
    let mails: Vec<kring_testkit::ReceivedMail> = std::fs::read_dir(&folder)
        .expect("the demo's mail folder")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| kring_testkit::ReceivedMail::parse(vec![], std::fs::read(e.path()).unwrap()))
        .collect();
    assert!(mails.len() >= 10, "{} mails", mails.len());
    let languages: Vec<&str> = mails
        .iter()
        .filter_map(|m| m.header("Content-Language"))
        .collect();
    assert!(
        languages.contains(&"nl") && languages.contains(&"en"),
        "{languages:?}"
    );
    for mail in &mails {
        let to = mail.header("To").unwrap_or_default();
        assert!(to.ends_with("@kring.example"), "{to}");
        let text = mail.part("text/plain").unwrap_or_default();
        assert!(text.contains("http://127.0.0.1:8080/"), "{text}");
        // The logbook's and requests' words stay in Kring.
        for private in [
            "operatie",
            "bypass",
            "bloedverdunner",
            "Lissabon",
            "containers",
            "Pa redt zich",
        ] {
            assert!(!text.contains(private), "{private} in {text}");
            assert!(!mail.subject.clone().unwrap_or_default().contains(private));
        }
    }
    // Henk heard that Marijke's circle for her father ended, and why.
    assert!(
        mails.iter().any(|m| m.header("To") == Some("henk@kring.example")
            && m.subject.as_deref()
                == Some("Kring van Kees Jansen · De kring is afgesloten (hersteld): dank voor alles wat je deed.")),
        "{:?}",
        mails.iter().map(|m| (m.header("To"), m.subject.clone())).collect::<Vec<_>>()
    );
}
