//! Forgetting a person, checked where it matters: in the database itself.
//! Their name, e-mail and writing were only ever stored sealed; once their key is
//! destroyed nothing in the database can give them back, and the log still verifies.
//! Their mail (queued mails, links, settings) goes with them.

use std::path::Path;

use chrono::{Duration, Utc};
use kring_app::{Forgetter, Opened, Vault};
use kring_domain::{PersonId, Sealed};
use kring_store::{
    verify_all, ExpectedVersion, MailLink, MailStore, NewEvent, OutboxMessage, PersonKey,
    PersonKeys, StreamName,
};
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
    for table in [
        "events",
        "streams",
        "person_keys",
        "mail_outbox",
        "mail_links",
        "mail_settings",
    ] {
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

/// A queued mail for `person`, a link in it (`token_byte` repeated) and their settings.
async fn give_mail(mail: &dyn MailStore, person: PersonId, token_byte: u8) -> Uuid {
    let id = Uuid::new_v4();
    let queued = OutboxMessage {
        id,
        dedupe_key: format!("request-open/{id}"),
        recipient: person.0,
        kind: "request-open".into(),
        circle: Some(Uuid::new_v4()),
        body: "{}".into(),
        batch: "now".into(),
        due_at: Utc::now() + Duration::hours(1),
    };
    let link = MailLink {
        token_hash: vec![token_byte; 32],
        purpose: "claim-request".into(),
        account: person.0,
        subject: "{}".into(),
        expires_at: Utc::now() + Duration::days(1),
        used_at: None,
    };
    assert_eq!(mail.enqueue(&[queued], &[link]).await.unwrap(), 1);
    mail.save_mail_settings(person.0, r#"{"digest":"daily"}"#)
        .await
        .unwrap();
    id
}

/// What the store keeps of a person's mail: queued mails, whether their link is
/// stored, and their settings.
async fn mail_of(
    mail: &dyn MailStore,
    person: PersonId,
    token_byte: u8,
) -> (usize, bool, Option<String>) {
    (
        mail.outbox_of(person.0).await.unwrap().len(),
        mail.link(&[token_byte; 32]).await.unwrap().is_some(),
        mail.mail_settings(person.0).await.unwrap(),
    )
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
    let mail = h.0.log.as_ref();
    let marjoleins_mail = give_mail(mail, marjolein, 1).await;
    give_mail(mail, neighbour, 2).await;
    let daily = Some(r#"{"digest":"daily"}"#.to_owned());
    assert_eq!(mail_of(mail, marjolein, 1).await, (1, true, daily.clone()));

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
    assert!(forgetter.forget(marjolein).await.unwrap().key);

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

    assert_eq!(
        mail_of(mail, marjolein, 1).await,
        (0, false, None),
        "her queued mail, links and settings are gone"
    );
    assert_eq!(mail.outbox_message(marjoleins_mail).await.unwrap(), None);
    assert_eq!(
        mail_of(mail, neighbour, 2).await,
        (1, true, daily),
        "other people's mail stays"
    );

    let stored = h.0.log.read_stream(&circle, 1, 10).await.unwrap();
    let payloads: Vec<_> = stored.iter().map(|e| e.payload().clone()).collect();
    let appended: Vec<_> = events.iter().map(|e| e.payload.clone()).collect();
    assert_eq!(payloads, appended, "the events themselves are untouched");
    let report = verify_all(h.0.log.as_ref()).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.breaks);
    assert_eq!((report.streams, report.events), (1, 3));
}

on_both_backends!(Harness::new => forgetting_leaves_nothing_to_read);
