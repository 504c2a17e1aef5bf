//! Kring's node inside a bench's own process, as `kring serve` runs it: the real
//! server (`AppState::new` + `serve` on 127.0.0.1:0) with rate limits roomy enough
//! for a load generator on one address, and a projector the bench can stop and
//! step itself. And what a lived-in history (`traffic`) needs to be used over HTTP:
//! fields really sealed by the vault, accounts and sessions, made without argon2.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context};
use chrono::Utc;
use kring_app::{Commands, SessionToken, Vault, SESSION_LIFETIME};
use kring_domain::{AccountCommand, PersonId, Sealed, Services};
use kring_server::{AppState, Limit, RateLimits, Settings};
use kring_store::{Durability, ExpectedVersion, OpenOptions, PgLog, SqliteLog, Store};
use kring_views::Projector;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::traffic::Batch;
use crate::{Database, ScratchDir};

// ------------------------------------------------------------------ the database

/// A fresh database of one backend, kept until [`Db::close`].
pub struct Db {
    pub log: Arc<dyn Store>,
    pub label: &'static str,
    inner: Inner,
}

enum Inner {
    Sqlite(Arc<SqliteLog>, ScratchDir),
    Postgres(Arc<PgLog>, Database),
}

impl Db {
    /// `sqlite` (a file in a scratch directory) or `postgres` (a database of its
    /// own on `kring_testkit::server_url()`). SQLite starts with `synchronous =
    /// NORMAL` for the setup; [`Db::ready`] makes it durable again.
    pub async fn open(backend: &str, label: &str) -> anyhow::Result<Db> {
        match backend {
            "sqlite" => {
                let dir = ScratchDir::create(label)?;
                let url = format!("sqlite:{}", dir.path().join("kring.db").display());
                let log = Arc::new(SqliteLog::connect(&url).await?);
                sqlx::query("PRAGMA synchronous = NORMAL")
                    .execute(log.writer_pool())
                    .await?;
                Ok(Db {
                    log: log.clone(),
                    label: "sqlite",
                    inner: Inner::Sqlite(log, dir),
                })
            }
            "postgres" => {
                let db = Database::create(label).await?;
                // As `kring serve` opens it (20 connections), but a machine without
                // synchronous_commit still runs the bench.
                let options = OpenOptions {
                    durability: Durability::WarnOnly,
                    ..OpenOptions::default()
                };
                let log = Arc::new(PgLog::connect(&db.url, options.max_connections).await?);
                Ok(Db {
                    log: log.clone(),
                    label: "postgres",
                    inner: Inner::Postgres(log, db),
                })
            }
            other => anyhow::bail!("backend {other:?}: sqlite or postgres"),
        }
    }

    /// More setup to write: SQLite leaves out the fsync per commit until [`Db::ready`].
    pub async fn setting_up(&self) -> anyhow::Result<()> {
        if let Inner::Sqlite(log, _) = &self.inner {
            sqlx::query("PRAGMA synchronous = NORMAL")
                .execute(log.writer_pool())
                .await?;
        }
        Ok(())
    }

    /// The setup is written: SQLite syncs every commit again (and its WAL is
    /// emptied), Postgres gets the statistics a database that ran a while has
    /// (autovacuum is off on these machines: see the rebuild bench).
    pub async fn ready(&self) -> anyhow::Result<()> {
        match &self.inner {
            Inner::Sqlite(log, _) => {
                sqlx::query("PRAGMA synchronous = FULL")
                    .execute(log.writer_pool())
                    .await?;
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(log.writer_pool())
                    .await?;
                let warnings = log.check_durability().await?;
                ensure!(warnings.is_empty(), "SQLite is not durable: {warnings:?}");
            }
            Inner::Postgres(log, db) => {
                sqlx::query("VACUUM ANALYZE").execute(log.pool()).await?;
                db.checkpoint().await;
            }
        }
        Ok(())
    }

    /// The version of a stored view, read without its body.
    pub async fn stored_version(&self, kind: &str, key: &str) -> anyhow::Result<Option<u64>> {
        let version: Option<i64> = match &self.inner {
            Inner::Sqlite(log, _) => {
                sqlx::query_scalar("SELECT version FROM views WHERE kind = ? AND key = ?")
                    .bind(kind)
                    .bind(key)
                    .fetch_optional(log.writer_pool())
                    .await?
            }
            Inner::Postgres(log, _) => {
                sqlx::query_scalar("SELECT version FROM views WHERE kind = $1 AND key = $2")
                    .bind(kind)
                    .bind(key)
                    .fetch_optional(log.pool())
                    .await?
            }
        };
        Ok(version.map(|v| v as u64))
    }

    /// The size of a stored view's body, in bytes.
    pub async fn stored_bytes(&self, kind: &str, key: &str) -> anyhow::Result<u64> {
        let bytes: Option<i64> = match &self.inner {
            Inner::Sqlite(log, _) => {
                sqlx::query_scalar(
                    "SELECT length(CAST(body AS BLOB)) FROM views WHERE kind = ? AND key = ?",
                )
                .bind(kind)
                .bind(key)
                .fetch_optional(log.writer_pool())
                .await?
            }
            Inner::Postgres(log, _) => {
                sqlx::query_scalar(
                    "SELECT octet_length(body)::int8 FROM views WHERE kind = $1 AND key = $2",
                )
                .bind(kind)
                .bind(key)
                .fetch_optional(log.pool())
                .await?
            }
        };
        Ok(bytes.unwrap_or(0) as u64)
    }

    /// Drops a Postgres database; SQLite's directory goes with the value.
    pub async fn close(self) -> anyhow::Result<()> {
        drop(self.log);
        match self.inner {
            Inner::Sqlite(log, dir) => {
                log.writer_pool().close().await;
                drop(dir);
            }
            Inner::Postgres(log, db) => {
                log.pool().close().await;
                db.drop().await?;
            }
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ the node

/// Kring's server on 127.0.0.1:0, serving the API, until [`Node::stop`].
pub struct Node {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

/// Kring's defaults, but rate limits that a load generator on one address
/// (and a few accounts writing at machine speed) never reaches.
pub fn roomy_settings() -> Settings {
    let roomy = Limit::per_minute(1_000_000);
    Settings {
        rate_limits: RateLimits {
            log_in: roomy,
            sign_up: roomy,
            invitations: roomy,
            writes: roomy,
            writes_per_account: roomy,
            password_checks: roomy,
        },
        ..Settings::default()
    }
}

impl Node {
    pub async fn start(log: Arc<dyn Store>) -> anyhow::Result<Node> {
        let state = AppState::new(log, roomy_settings()).await?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(kring_server::serve(
            listener,
            state,
            axum::Router::new(),
            async {
                let _ = stopped.await;
            },
        ));
        Ok(Node { base, stop, server })
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.server.await??;
        Ok(())
    }
}

/// The projector in a task of its own, as `kring serve` runs it (one node: no
/// lease), until [`Projecting::stop`] hands it back to be stepped by hand.
///
/// `Projector::step` waits until there are events, so a task running it cannot
/// be stopped between steps; this one folds what is readable
/// (`catch_up_once`) whenever the log's doorbell rings, and at least every
/// 100 ms (as `step` looks again when events hide behind a running
/// transaction), and is only stopped while it waits.
pub struct Projecting {
    stop: Arc<Notify>,
    task: JoinHandle<anyhow::Result<Projector>>,
}

impl Projecting {
    pub fn start(log: &Arc<dyn Store>, mut projector: Projector) -> Projecting {
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        let mut wake = log.wake_signal();
        let task = tokio::spawn(async move {
            loop {
                wake.borrow_and_update();
                if projector.catch_up_once().await? > 0 {
                    continue;
                }
                tokio::select! {
                    _ = stopped.notified() => return anyhow::Ok(projector),
                    _ = wake.changed() => {}
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                }
            }
        });
        Projecting { stop, task }
    }

    pub async fn stop(self) -> anyhow::Result<Projector> {
        // A permit waits for the task if it is folding now.
        self.stop.notify_one();
        self.task.await?
    }
}

/// Folds what the log holds until the projector reads nothing more.
pub async fn caught_up(projector: &mut Projector) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while projector.catch_up_once().await? > 0 {
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the projector did not catch up"
        );
    }
    Ok(())
}

// ------------------------------------------------------------------ people

/// Accounts, sessions and sealed fields for the people of a `traffic` history.
#[derive(Clone)]
pub struct People {
    log: Arc<dyn Store>,
    commands: Arc<Commands>,
    vault: Vault,
}

impl People {
    pub fn new(log: Arc<dyn Store>) -> People {
        People {
            commands: Arc::new(Commands::new(log.clone(), Services::system())),
            vault: Vault::new(log.clone()),
            log,
        }
    }

    /// Appends a history's batch as a command would: its sender in the
    /// metadata and its fields sealed for real (the traffic model fakes them),
    /// so the server opens them as it opens any. A command that changed
    /// nothing appends nothing.
    pub async fn append(&self, batch: Batch) -> anyhow::Result<()> {
        if batch.events.is_empty() {
            return Ok(());
        }
        let mut batch = batch.with_actor();
        for event in &mut batch.events {
            self.seal_fields(&mut event.payload).await?;
        }
        self.log
            .append(
                &batch.stream,
                ExpectedVersion::Exact(batch.expected),
                &batch.events,
            )
            .await
            .with_context(|| format!("append to {}", batch.stream))?;
        Ok(())
    }

    /// Replaces each fake sealed field (`{"owner", "data"}`) by the same
    /// length of text sealed with the owner's key.
    async fn seal_fields(&self, payload: &mut Value) -> anyhow::Result<()> {
        let mut wanted = vec![];
        fake_fields(payload, &mut |sealed| wanted.push(sealed.clone()));
        let mut sealed = Vec::with_capacity(wanted.len());
        for fake in wanted {
            // The traffic model's length: base64 of a 24-byte nonce, the text and a 16-byte tag.
            let plain = (fake.data.len() / 4 * 3).saturating_sub(40).max(1);
            sealed.push(self.vault.seal(fake.owner, &words(plain)).await?);
        }
        let mut sealed = sealed.into_iter();
        fake_fields(payload, &mut |field| {
            if let Some(real) = sealed.next() {
                *field = real;
            }
        });
        Ok(())
    }

    /// What signing up stores, but for argon2: the e-mail claim (with a hash
    /// nobody checks), the person's key and the account's event. A person
    /// registered before (by another writer) is left as is.
    pub async fn register(&self, person: PersonId, name: &str) -> anyhow::Result<()> {
        let lookup = format!("bench-{}", person.0.simple());
        let new = self
            .log
            .add_credentials(person.0, &lookup, "$argon2id$not-used-by-this-bench")
            .await?;
        if !new {
            return Ok(());
        }
        let register = AccountCommand::Register {
            account: person,
            name: self.vault.seal(person, name).await?,
            email: self
                .vault
                .seal(person, &format!("{}@example.org", person.0.simple()))
                .await?,
        };
        self.commands.account(person, register).await?;
        Ok(())
    }

    /// A session of a registered person: the `Cookie` header that carries it.
    pub async fn session(&self, person: PersonId) -> anyhow::Result<String> {
        let token = SessionToken::generate()?;
        self.log
            .start_session(&token.hash(), person.0, Utc::now() + SESSION_LIFETIME)
            .await?;
        Ok(format!("kring_session={}", token.as_str()))
    }
}

/// Registers each person the first time `ensure` meets them.
#[derive(Default)]
pub struct Registered(HashSet<PersonId>);

impl Registered {
    pub async fn ensure(&mut self, people: &People, person: PersonId) -> anyhow::Result<()> {
        if self.0.insert(person) {
            let name = format!("Member {}", self.0.len());
            people.register(person, &name).await?;
        }
        Ok(())
    }
}

/// Calls `each` on every `{"owner": <uuid>, "data": <string>}` in `value`, depth first.
fn fake_fields(value: &mut Value, each: &mut impl FnMut(&mut Sealed)) {
    match value {
        Value::Object(map) => {
            let is_sealed = map.len() == 2
                && map.get("data").is_some_and(Value::is_string)
                && map.get("owner").is_some_and(Value::is_string);
            if is_sealed {
                if let Ok(mut sealed) = serde_json::from_value::<Sealed>(Value::Object(map.clone()))
                {
                    each(&mut sealed);
                    if let Ok(Value::Object(new)) = serde_json::to_value(&sealed) {
                        *map = new;
                    }
                    return;
                }
            }
            for v in map.values_mut() {
                fake_fields(v, each);
            }
        }
        Value::Array(items) => {
            for v in items {
                fake_fields(v, each);
            }
        }
        _ => {}
    }
}

/// `n` bytes of plain words.
fn words(n: usize) -> String {
    const TEXT: &str = "Visited Mam this morning, she ate well and slept after lunch. \
        The pharmacy delivers on Thursday; someone needs to be home. ";
    TEXT.chars()
        .cycle()
        .take(n)
        .collect::<String>()
        .trim()
        .to_owned()
        + "."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sealed_fields_are_replaced_and_in_order() {
        let owner = uuid::Uuid::from_u128(7);
        let mut payload = serde_json::json!({
            "type": "X",
            "text": {"owner": owner, "data": "AAAA"},
            "nested": [{"note": {"owner": owner, "data": "BBBB"}}, {"owner": 3, "data": "no"}],
            "other": {"owner": owner, "data": "CCCC", "more": 1},
        });
        let mut seen = vec![];
        fake_fields(&mut payload, &mut |s| seen.push(s.data.clone()));
        assert_eq!(seen.len(), 2, "{seen:?}");
        let mut n = 0;
        fake_fields(&mut payload, &mut |s| {
            n += 1;
            s.data = format!("sealed {n}");
        });
        // The second pass meets the fields in the order of the first.
        let place = |data: &str| seen.iter().position(|d| d == data).unwrap() + 1;
        assert_eq!(payload["text"]["data"], format!("sealed {}", place("AAAA")));
        assert_eq!(
            payload["nested"][0]["note"]["data"],
            format!("sealed {}", place("BBBB"))
        );
        assert_eq!(payload["nested"][1]["data"], "no");
        assert_eq!(payload["other"]["data"], "CCCC");
        assert!(words(30).starts_with("Visited") && words(30).ends_with('.'));
    }
}
