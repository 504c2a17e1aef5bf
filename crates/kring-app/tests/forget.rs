//! Forgetting a person, checked where it matters: in the database itself.
//! Their name, e-mail and writing were only ever stored sealed; once their key is
//! destroyed nothing in the database can give them back, and the log still verifies.

use std::path::Path;

use kring_app::{Forgetter, Opened, Vault};
use kring_domain::{PersonId, Sealed};
use kring_store::{verify_all, ExpectedVersion, NewEvent, PersonKey, PersonKeys, StreamName};
use kring_testkit::{on_both_backends, Backing, TestLog};
use serde_json::json;
use uuid::Uuid;

const NAME: &str = "Marjolein Uniekenaam";
const EMAIL: &str = "marjolein.uniek@example.org";
const NOTE: &str = "Mam sliep vannacht onrustig, zegt Marjolein";

/// Searches the stored bytes of a test database.
struct Harness(TestLog);

impl Harness {
    async fn new(test: TestLog) -> Harness {
        Harness(test)
    }

    /// Whether the stored data contains `text` anywhere.
    async fn holds_text(&self, text: &str) -> bool {
        match &self.0.backing {
            Backing::Sqlite(dir) => contains(&sqlite_files(dir.path()), text.as_bytes()),
            Backing::Postgres(db) => postgres_rows(&db.url).await.contains(text),
        }
    }

    /// Whether the stored data contains the key's bytes anywhere.
    async fn holds_key(&self, key: &[u8]) -> bool {
        match &self.0.backing {
            Backing::Sqlite(dir) => contains(&sqlite_files(dir.path()), key),
            // bytea renders as hex in a row's text.
            Backing::Postgres(db) => postgres_rows(&db.url).await.contains(&hex::encode(key)),
        }
    }
}

/// The raw bytes of the database file and of its WAL and shared-memory files.
fn sqlite_files(dir: &Path) -> Vec<u8> {
    let mut bytes = vec![];
    for name in ["kring.db", "kring.db-wal", "kring.db-shm"] {
        if let Ok(file) = std::fs::read(dir.join(name)) {
            bytes.extend(file);
        }
    }
    assert!(!bytes.is_empty(), "the database files are where expected");
    bytes
}

/// Every row of every table that could hold personal data, as text.
async fn postgres_rows(url: &str) -> String {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut rows = vec![];
    for table in ["events", "streams", "person_keys"] {
        let sql = format!("SELECT t::text FROM {table} t");
        rows.extend(
            sqlx::query_scalar::<_, String>(&sql)
                .fetch_all(&pool)
                .await
                .unwrap(),
        );
    }
    pool.close().await;
    rows.join("\n")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn active_key(log: &dyn PersonKeys, person: PersonId) -> Vec<u8> {
    match log.person_key(person.0).await.unwrap() {
        PersonKey::Active(key) => key,
        other => panic!("expected a key for {person}, found {other:?}"),
    }
}

async fn opened(vault: &Vault, sealed: &Sealed) -> Opened {
    vault.open(sealed).await.unwrap()
}

async fn forgetting_leaves_nothing_to_read(h: Harness) {
    let vault = Vault::new(h.0.log.clone());
    // Other people's keys share the page with hers, as they would in real use.
    for _ in 0..3 {
        let earlier = PersonId(Uuid::new_v4());
        vault.seal(earlier, "Een eerder lid").await.unwrap();
    }
    let marjolein = PersonId(Uuid::new_v4());
    let neighbour = PersonId(Uuid::new_v4());
    let name = vault.seal(marjolein, NAME).await.unwrap();
    let email = vault.seal(marjolein, EMAIL).await.unwrap();
    let note = vault.seal(marjolein, NOTE).await.unwrap();
    let neighbours_name = vault.seal(neighbour, "Kees Buurman").await.unwrap();

    let circle = StreamName::circle(Uuid::new_v4());
    let events = [
        NewEvent::new(
            "MemberJoined",
            json!({ "person": marjolein, "name": name, "email": email }),
        ),
        NewEvent::new(
            "MemberJoined",
            json!({ "person": neighbour, "name": neighbours_name }),
        ),
        NewEvent::new(
            "LogbookEntryWritten",
            json!({ "author": marjolein, "text": note }),
        ),
    ];
    h.0.log
        .append(&circle, ExpectedVersion::Exact(0), &events)
        .await
        .unwrap();

    assert_eq!(opened(&vault, &name).await, Opened::Text(NAME.into()));
    assert_eq!(opened(&vault, &email).await, Opened::Text(EMAIL.into()));
    assert_eq!(opened(&vault, &note).await, Opened::Text(NOTE.into()));
    let key = active_key(h.0.log.as_ref(), marjolein).await;
    let neighbours_key = active_key(h.0.log.as_ref(), neighbour).await;
    for text in [NAME, EMAIL, NOTE] {
        assert!(!h.holds_text(text).await, "{text:?} was stored unsealed");
    }
    assert!(
        h.holds_key(&key).await,
        "the search finds the key while it exists (else it proves nothing)"
    );

    let forgetter = Forgetter::open(&h.0.url, &Default::default())
        .await
        .unwrap();
    assert!(forgetter.forget(marjolein).await.unwrap());

    for sealed in [&name, &email, &note] {
        assert_eq!(opened(&vault, sealed).await, Opened::Forgotten);
    }
    for text in [NAME, EMAIL, NOTE] {
        assert!(!h.holds_text(text).await, "{text:?} is in the database");
    }
    assert!(
        !h.holds_key(&key).await,
        "the destroyed key is still stored"
    );

    assert_eq!(
        opened(&vault, &neighbours_name).await,
        Opened::Text("Kees Buurman".into()),
        "other people are not forgotten"
    );
    assert!(h.holds_key(&neighbours_key).await);

    let stored = h.0.log.read_stream(&circle, 1, 10).await.unwrap();
    let payloads: Vec<_> = stored.iter().map(|e| e.payload.clone()).collect();
    let appended: Vec<_> = events.iter().map(|e| e.payload.clone()).collect();
    assert_eq!(payloads, appended, "the events themselves are untouched");
    let report = verify_all(h.0.log.as_ref()).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.breaks);
    assert_eq!((report.streams, report.events), (1, 3));
}

on_both_backends!(Harness::new => forgetting_leaves_nothing_to_read);
