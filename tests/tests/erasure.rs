//! Attack 7: an erasure that leaves the account alive. Two members of a circle,
//! each with a logbook entry, a calendar feed, a mail preference, an
//! invitation they issued and a session, are erased: one deletes her own
//! account over the API (with her password), the other is erased by the
//! operator's `kring forget <id>`, run as a process against the same database
//! while the node serves. Afterwards neither can log in, their old session
//! cookies are 401, their feeds 404, the circle shows "a former member", and
//! a scan of every text column of every table (listed from the catalogue, so
//! tables added later are covered) and, on SQLite, of the raw database files
//! finds none of their identifiers: address, name, the address's lookup hash,
//! the session token and its hash, the feed's secret. Then the address signs
//! up again: a new, unrelated account.
//!
//! What legitimately stays: each person's id (a UUID) in the events, as "a
//! former member", so that the circle's history and hash chains stay whole.
//! It is not among the identifiers scanned for.

use std::process::Command;

use kring_e2e::{binary, Backend, Client, Node, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

#[tokio::test]
async fn erasure_on_sqlite() {
    erasure(Backend::sqlite()).await;
}

#[tokio::test]
async fn erasure_on_postgres() {
    erasure(Backend::postgres().await).await;
}

/// Someone about to be erased, and everything that identifies them.
struct Person {
    client: Client,
    id: String,
    email: String,
    name: String,
    /// The path of their calendar feed (`/calendar/<secret>.ics`).
    feed: String,
    lookup: String,
    token: String,
    /// Text they wrote (sealed; must not appear in the clear either).
    writing: String,
}

impl Person {
    /// Strings none of which may be found anywhere afterwards.
    fn identifiers(&self) -> Vec<(String, String)> {
        let token_hash = hex::encode(Sha256::digest(self.token.as_bytes()));
        let feed_secret = self
            .feed
            .trim_start_matches("/calendar/")
            .trim_end_matches(".ics")
            .to_owned();
        vec![
            ("address".into(), self.email.clone()),
            ("name".into(), self.name.clone()),
            ("lookup hash".into(), self.lookup.clone()),
            ("session token".into(), self.token.clone()),
            ("session token's hash (hex)".into(), token_hash),
            ("feed secret".into(), feed_secret),
            ("writing".into(), self.writing.clone()),
        ]
    }
}

async fn erasure(backend: Backend) {
    let node = Node::start("erase", &backend, &[]).await;
    let anon = Client::new(&node.base);
    let coord = anon
        .person("Cora Coordinator", "cora.erasure@example.org")
        .await;
    let circle = coord.create_circle("Mam").await;
    let db = Db::connect(&backend).await;

    let wendelien = join(
        &anon,
        &coord,
        &circle,
        &db,
        "Wendelien Uniekenaam",
        "wendelien.uniek@example.org",
    )
    .await;
    let gerrit = join(
        &anon,
        &coord,
        &circle,
        &db,
        "Gerrit Zeldzaamnaam",
        "gerrit.zeldzaam@example.org",
    )
    .await;
    for person in [&wendelien, &gerrit] {
        let feed = anon.get(&person.feed).await;
        assert_eq!(
            feed.status,
            StatusCode::OK,
            "the feed works before: {}",
            feed.body
        );
        db.assert_found(
            &person.lookup,
            "the lookup hash is in the credentials before",
        )
        .await;
        // The scan of the files finds what is there (the password hash is
        // argon2id text; the lookup hash is in the credentials).
        if let Backend::Sqlite(dir) = &backend {
            assert!(file_holding(dir.path(), &person.lookup).is_some());
        }
    }

    // She deletes her own account; a wrong password first.
    let wrong = wendelien
        .client
        .post(
            "/api/v1/me/deletion",
            json!({"password": "not my password"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{}", wrong.body);
    assert_eq!(wrong.code(), Some("wrong-password"));
    let deleted = wendelien
        .client
        .post("/api/v1/me/deletion", json!({"password": PASSWORD}))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    let cleared = deleted.set_cookie.expect("the cookie is cleared");
    assert!(cleared.ends_with('='), "{cleared}");

    // He is erased by the operator, with the node running.
    let out = Command::new(binary())
        .args(["forget", &gerrit.id, "--database-url", &backend.url()])
        .env_remove("KRING_DATABASE_URL")
        .output()
        .expect("run kring forget");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("they left 1 circle(s)"), "{stdout}");
    // Again: nothing left to do, nothing written twice.
    let again = Command::new(binary())
        .args(["forget", &gerrit.id, "--database-url", &backend.url()])
        .output()
        .expect("run kring forget again");
    assert_eq!(
        again.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );

    for person in [&wendelien, &gerrit] {
        let log_in = anon
            .post(
                "/api/v1/session",
                json!({"email": person.email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(log_in.status, StatusCode::UNAUTHORIZED, "{}", log_in.body);
        let me = person.client.get("/api/v1/me").await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.body);
        let feed = anon.get(&person.feed).await;
        assert_eq!(feed.status, StatusCode::NOT_FOUND, "{}", feed.body);
    }
    // The circle keeps their entries, by "a former member"; they are no members.
    let logbook = kring_testkit::eventually(
        std::time::Duration::from_secs(20),
        "the logbook shows former members",
        || async {
            let body = coord
                .get(&format!("/api/v1/circles/{circle}/logbook"))
                .await
                .expect(StatusCode::OK);
            let text = body.to_string();
            (text.matches("a former member").count() >= 2)
                .then_some(body)
                .ok_or(text)
        },
    )
    .await;
    for person in [&wendelien, &gerrit] {
        assert!(!logbook.to_string().contains(&person.name), "{logbook}");
    }
    // The node sees the operator's erasure when its projector has read it
    // (another process wrote it); then neither is a member, and the
    // invitations they issued no longer work.
    let (ids, circle_path) = (
        [wendelien.id.clone(), gerrit.id.clone()],
        format!("/api/v1/circles/{circle}"),
    );
    kring_testkit::eventually(
        std::time::Duration::from_secs(20),
        "both erased people gone from the members and their invitations revoked",
        || async {
            let members = coord
                .get(&format!("{circle_path}/members"))
                .await
                .expect(StatusCode::OK)
                .to_string();
            let invitations = coord
                .get(&format!("{circle_path}/invitations"))
                .await
                .expect(StatusCode::OK);
            let gone = ids.iter().all(|id| !members.contains(id.as_str()));
            (gone && invitations["invitations"] == json!([]))
                .then_some(())
                .ok_or(format!("{members} {invitations}"))
        },
    )
    .await;

    // Nothing that identifies them is left: every table, then the files.
    let identifiers: Vec<_> = [&wendelien, &gerrit]
        .iter()
        .flat_map(|p| p.identifiers())
        .collect();
    db.assert_nowhere(&identifiers).await;
    if let Backend::Sqlite(dir) = &backend {
        assert_not_in_files(dir.path(), &identifiers);
    }

    // The address is free: a new account, in no circle.
    let again = anon.person("Wendelien Opnieuw", &wendelien.email).await;
    let me = again.get("/api/v1/me").await.expect(StatusCode::OK);
    assert_ne!(
        me["id"].as_str(),
        Some(wendelien.id.as_str()),
        "a new account"
    );
    let circles = again.get("/api/v1/circles").await.expect(StatusCode::OK);
    assert_eq!(circles, json!([]), "the new account is in no circle");
    drop(node);
}

/// A member who joins `circle` as a coordinator (so they can invite), writes in
/// the logbook, makes a calendar feed, sets a mail preference and issues an
/// invitation.
async fn join(
    anon: &Client,
    coord: &Client,
    circle: &str,
    db: &Db,
    name: &str,
    email: &str,
) -> Person {
    let invitation = coord
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "warm", "role": "coordinator"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let client = anon.person(name, email).await;
    let accepted = client
        .post(
            "/api/v1/invitations/accept",
            json!({"code": invitation["code"]}),
        )
        .await;
    assert!(accepted.status.is_success(), "{}", accepted.body);
    let writing = format!("{name} schreef: mam sliep goed");
    let written = client
        .post(
            &format!("/api/v1/circles/{circle}/logbook"),
            json!({"text": writing, "visibility": "whole_circle"}),
        )
        .await;
    assert!(written.status.is_success(), "{}", written.body);
    // Reads (and feeds, which check membership in the view) wait for it.
    let version = written.body["version"].as_u64().expect("a version");
    client
        .get(&format!("/api/v1/circles/{circle}?min_version={version}"))
        .await
        .expect(StatusCode::OK);
    let feed = client
        .post(
            &format!("/api/v1/circles/{circle}/calendar-feeds"),
            json!({"scope": "mine"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let url = feed["url"].as_str().expect("the feed's address");
    let feed = url[url.find("/calendar/").expect("a feed path")..].to_owned();
    let prefs = json!({"language": "en", "time_zone": "Europe/Amsterdam",
        "quiet_from": "22:00", "quiet_until": "07:00", "evening_before": true,
        "remind_hours_before": 2, "topics": [{"topic": "swaps", "delivery": "daily"}]});
    let saved = client.put("/api/v1/me/mail", prefs).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let issued = client
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": "lukewarm"}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let me = client.get("/api/v1/me").await.expect(StatusCode::OK);
    let id = me["id"].as_str().expect("an id").to_owned();
    let lookup = db.lookup_of(&id).await;
    let cookie = client.cookie.clone().expect("signed in");
    let token = cookie.split_once('=').expect("name=value").1.to_owned();
    Person {
        client,
        id,
        email: email.to_owned(),
        name: name.to_owned(),
        feed,
        lookup,
        token,
        writing,
    }
}

/// The database behind the node, read directly.
enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Db {
    async fn connect(backend: &Backend) -> Db {
        match backend {
            Backend::Sqlite(_) => Db::Sqlite(
                sqlx::SqlitePool::connect(&backend.url())
                    .await
                    .expect("open the SQLite file"),
            ),
            Backend::Postgres(_) => Db::Postgres(
                sqlx::PgPool::connect(&backend.url())
                    .await
                    .expect("connect to Postgres"),
            ),
        }
    }

    /// The lookup hash of an account's address, as its credentials hold it.
    async fn lookup_of(&self, account: &str) -> String {
        let account: uuid::Uuid = account.parse().expect("a uuid");
        let sql = "SELECT email_lookup FROM credentials WHERE account_id = $1";
        match self {
            Db::Sqlite(pool) => sqlx::query_scalar(sql).bind(account).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(sql).bind(account).fetch_one(pool).await,
        }
        .expect("the account's credentials")
    }

    /// Every column of every table, as text (Postgres) or hex (SQLite, where
    /// blobs and text alike are read as bytes): `(table.column, value)`.
    async fn every_value(&self) -> Vec<(String, String)> {
        let mut values = vec![];
        match self {
            Db::Postgres(pool) => {
                let columns: Vec<(String, String)> = sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
                )
                .fetch_all(pool)
                .await
                .expect("the catalogue");
                assert!(columns.iter().any(|(t, _)| t == "credentials"));
                for (table, column) in columns {
                    let sql = format!(
                        "SELECT \"{column}\"::text FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                    );
                    let rows: Vec<String> = sqlx::query_scalar(&sql)
                        .fetch_all(pool)
                        .await
                        .unwrap_or_else(|e| panic!("{sql}: {e}"));
                    values.extend(rows.into_iter().map(|v| (format!("{table}.{column}"), v)));
                }
            }
            Db::Sqlite(pool) => {
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                        .fetch_all(pool)
                        .await
                        .expect("the catalogue");
                assert!(tables.iter().any(|t| t == "credentials"));
                for table in tables {
                    let columns =
                        sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                            .fetch_all(pool)
                            .await
                            .expect("the table's columns");
                    for column in columns {
                        let column: String = column.get(0);
                        let sql = format!(
                            "SELECT hex(\"{column}\") FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                        );
                        let rows: Vec<String> = sqlx::query_scalar(&sql)
                            .fetch_all(pool)
                            .await
                            .unwrap_or_else(|e| panic!("{sql}: {e}"));
                        values.extend(rows.into_iter().map(|v| (format!("{table}.{column}"), v)));
                    }
                }
            }
        }
        values
    }

    /// How `needle` looks in [`Db::every_value`]'s values.
    fn spelled(&self, needle: &str) -> Vec<String> {
        match self {
            Db::Postgres(_) => vec![needle.to_owned(), needle.to_lowercase()],
            Db::Sqlite(_) => {
                let mut forms = vec![hex::encode_upper(needle)];
                // A hex string stored as a blob (a hash as bytes).
                if let Ok(bytes) = hex::decode(needle) {
                    forms.push(hex::encode_upper(bytes));
                }
                forms
            }
        }
    }

    async fn assert_found(&self, needle: &str, what: &str) {
        let values = self.every_value().await;
        let forms = self.spelled(needle);
        assert!(
            values
                .iter()
                .any(|(_, v)| forms.iter().any(|f| v.contains(f.as_str()))),
            "{what}"
        );
    }

    async fn assert_nowhere(&self, identifiers: &[(String, String)]) {
        let values = self.every_value().await;
        assert!(!values.is_empty());
        for (what, needle) in identifiers {
            for form in self.spelled(needle) {
                for (column, value) in &values {
                    assert!(
                        !value.contains(form.as_str()),
                        "the {what} ({needle}) is still in {column}"
                    );
                }
            }
        }
    }
}

/// The SQLite files (`kring.db`, `-wal`, `-shm`, any other file beside them),
/// read as bytes: none holds an identifier, in text or (for hashes) as bytes.
/// (The folder of .eml files that a node without SMTP writes beside the
/// database is mail already sent, not the database: it is not scanned.)
fn assert_not_in_files(dir: &std::path::Path, identifiers: &[(String, String)]) {
    for (what, needle) in identifiers {
        if let Some(file) = file_holding(dir, needle) {
            panic!("the {what} ({needle}) is still in {}", file.display());
        }
    }
}

/// The first database file holding `needle`, as text or (a hex string) as bytes.
fn file_holding(dir: &std::path::Path, needle: &str) -> Option<std::path::PathBuf> {
    let mut forms = vec![needle.as_bytes().to_vec()];
    if let Ok(raw) = hex::decode(needle) {
        forms.push(raw);
    }
    let mut files = 0;
    for entry in std::fs::read_dir(dir).expect("the database's directory") {
        let path = entry.expect("a directory entry").path();
        if !path.is_file() {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).expect("read a database file");
        if forms
            .iter()
            .any(|form| bytes.windows(form.len()).any(|w| w == form.as_slice()))
        {
            return Some(path);
        }
    }
    assert!(files >= 1, "no database files in {}", dir.display());
    None
}

/// The account page's way: the page explains (in the visitor's language) and
/// asks for the password; a wrong one comes back with the reason, the right
/// one signs out and says it is done.
#[tokio::test]
async fn deleting_through_the_page() {
    let backend = Backend::sqlite();
    let node = Node::start("erase-page", &backend, &[]).await;
    let anon = Client::new(&node.base);
    let petra = anon
        .person("Petra Paginanaam", "petra.pagina@example.org")
        .await
        .with_header("accept-language", "nl");
    let page = petra.get("/me/delete").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("a page").to_owned();
    assert!(html.contains("Mijn account verwijderen"), "{html}");
    assert!(html.contains("Dit kun je niet ongedaan maken."), "{html}");
    assert!(html.contains(r#"name="password""#), "{html}");

    let wrong = petra
        .form("/me/delete", &[("password", "not my password")])
        .await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER);
    let me = petra.get("/api/v1/me").await;
    assert_eq!(
        me.status,
        StatusCode::OK,
        "a wrong password deletes nothing"
    );

    let done = petra.form("/me/delete", &[("password", PASSWORD)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let me = petra.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.body);
    let log_in = anon
        .post(
            "/api/v1/session",
            json!({"email": "petra.pagina@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(log_in.status, StatusCode::UNAUTHORIZED);
}
