//! The `kring` binary as a person or a supervisor runs it.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use kring_store::{open, ExpectedVersion, NewEvent, OpenOptions};
use kring_testkit::TestDatabase;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn kring(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kring"));
    c.current_dir(dir)
        .env_remove("KRING_DATABASE_URL")
        .env_remove("KRING_LISTEN")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    c
}

/// A running `kring serve`, killed when dropped.
struct Server {
    _child: Child,
    _stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    url: String,
}

async fn start(mut command: Command) -> Server {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kring");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("kring prints its address in time")
        .unwrap()
        .expect("a line on stdout");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    Server {
        _child: child,
        _stdout: lines,
        url,
    }
}

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("request");
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn serve_without_configuration_uses_kring_db_here_and_says_where_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = kring(dir.path());
    command.env("KRING_LISTEN", "127.0.0.1:0");
    let server = start(command).await;
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_eq!(
        get(&format!("{}healthz", server.url)).await,
        (200, "ok\n".into())
    );
    assert_eq!(
        get(&format!("{}readyz", server.url)).await,
        (200, "ready\n".into())
    );
    let (status, page) = get(&server.url).await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Kring</h1>"), "{page}");
    assert!(
        dir.path().join("kring.db").is_file(),
        "the embedded database is created in the working directory"
    );
}

#[tokio::test]
async fn serve_takes_its_address_and_database_from_flags() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("elsewhere.db");
    let mut command = kring(dir.path());
    command
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .arg("--database-url")
        .arg(format!("sqlite:{}", db.display()));
    let server = start(command).await;
    assert_eq!(get(&format!("{}readyz", server.url)).await.0, 200);
    assert!(db.is_file());
    assert!(!dir.path().join("kring.db").exists());
}

#[tokio::test]
async fn serve_runs_on_postgres() {
    let pg = TestDatabase::postgres().await;
    let dir = tempfile::tempdir().unwrap();
    let mut command = kring(dir.path());
    command
        .env("KRING_DATABASE_URL", &pg.url)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let server = start(command).await;
    assert_eq!(
        get(&format!("{}readyz", server.url)).await,
        (200, "ready\n".into())
    );
}

#[tokio::test]
async fn migrate_prepares_a_postgres_database() {
    let pg = TestDatabase::postgres().await;
    let dir = tempfile::tempdir().unwrap();
    let out = kring(dir.path())
        .args(["migrate", "--database-url", &pg.url])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('events', 'streams', 'checkpoints')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(tables, 3);
}

#[tokio::test]
async fn verify_reports_an_intact_log_and_fails_on_a_broken_chain() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("kring.db").display());
    {
        let log = open(&url, &OpenOptions::default()).await.unwrap();
        for n in 0..3 {
            let event = NewEvent::new("Noted", json!({ "text": format!("visit {n}") }));
            log.append("circle-1", ExpectedVersion::Any, &[event])
                .await
                .unwrap();
        }
    }
    let out = kring(dir.path()).arg("verify").output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("Checked 1 streams with 3 events"),
        "{stdout}"
    );
    assert!(stdout.contains("intact"), "{stdout}");

    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(r#"UPDATE events SET payload = '{"text":"nothing happened"}' WHERE version = 2"#)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let out = kring(dir.path()).arg("verify").output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("BROKEN: circle-1 at version 3"), "{stdout}");
}

#[tokio::test]
async fn a_bad_database_url_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = kring(dir.path())
        .args(["migrate", "--database-url", "mysql://nowhere"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("use postgres://… or sqlite:…"), "{stderr}");
}

#[tokio::test]
async fn forget_destroys_a_persons_key_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("kring.db").display());
    let person: kring_domain::PersonId = "5b0c8d4e-1f2a-4c3b-9d8e-7f6a5b4c3d2e".parse().unwrap();
    let sealed = {
        let log = open(&url, &OpenOptions::default()).await.unwrap();
        let vault = kring_app::Vault::new(log);
        vault.seal(person, "Marjolein Uniekenaam").await.unwrap()
    };

    let out = kring(dir.path())
        .args(["forget", &person.to_string()])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("Erased {person}: they left 0 circle(s)"))
            && stdout.contains("their name, contact details and writing can no longer be read"),
        "{stdout}"
    );
    let vault = kring_app::Vault::new(open(&url, &OpenOptions::default()).await.unwrap());
    assert_eq!(
        vault.open(&sealed).await.unwrap(),
        kring_app::Opened::Forgotten
    );

    let unknown = "0e1d2c3b-4a59-4687-a5b4-c3d2e1f0a9b8";
    let out = kring(dir.path())
        .args(["forget", unknown])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "Nobody with id {unknown} has anything left to erase here."
        )),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_bad_listen_address_is_refused_even_without_a_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = kring(dir.path())
        .env("KRING_LISTEN", "not-an-address")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not-an-address"), "{stderr}");
}
