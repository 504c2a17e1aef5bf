//! Dev-only support for Kring's tests.
//!
//! [`TestDatabase::postgres`] hands each test a fresh, empty Postgres database,
//! dropped again when the test ends. The server is, in order: `TEST_DATABASE_URL`;
//! 127.0.0.1:5432 as user postgres if it answers; a private throw-away cluster
//! started with the machine's `initdb` and `pg_ctl` under `target/`, stopped when
//! the test process exits. Without any of those the test fails and says what to install.
//!
//! [`on_both_backends!`] declares a test once for Postgres and once for SQLite
//! on a [`TestLog`]; [`within`] and [`eventually`] wait with a deadline;
//! [`history`] makes large random but valid histories, [`world`] the small
//! fixed circle of the hand-written tests. [`SmtpServer`] is a real SMTP server
//! (aiosmtpd) that keeps what it receives for the test to read.

mod cluster;
pub mod history;
mod log;
mod smtp;
mod wait;
pub mod world;

use std::sync::OnceLock;

use sqlx::{Connection, PgConnection};

pub use cluster::find_pg_bin;
pub use log::{Backing, TestLog};
pub use smtp::{ReceivedMail, SmtpServer};
pub use wait::{as_it_is, eventually, within};

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    name: String,
    server: &'static str,
}

impl TestDatabase {
    pub async fn postgres() -> TestDatabase {
        let server = server_url();
        let name = format!("kring_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap_or_else(|e| panic!("cannot reach the test Postgres at {server}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        TestDatabase {
            url: format!("{server}/{name}"),
            name,
            server,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = format!("{}/postgres", self.server);
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut c) = PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&sql).execute(&mut c).await;
                }
            });
        })
        .join();
    }
}

/// `postgres://user@host:port` of the server the tests use (no database part).
pub fn server_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
            return url.trim_end_matches('/').to_owned();
        }
        let local = "postgres://postgres@127.0.0.1:5432";
        if answers(local) {
            return local.to_owned();
        }
        cluster::start_private_cluster()
    })
}

fn answers(server: &str) -> bool {
    let url = format!("{server}/postgres");
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(async {
                tokio::time::timeout(
                    std::time::Duration::from_secs(3),
                    PgConnection::connect(&url),
                )
                .await
                .is_ok_and(|c| c.is_ok())
            })
    })
    .join()
    .unwrap_or(false)
}
