//! The attack suite: each attack an outside review found against a running
//! `kring serve`, performed the same way, over real HTTP and WebSocket against
//! the real binary, on both backends. Each test fails if its attack works.
//! SECURITY.md maps them to OWASP ASVS.
//!
//! One module per attack; `on_both!` declares each `async fn x(backend)` as
//! the tests `sqlite::x` and `postgres::x`. The attack on stale authorisation
//! is a test binary of its own (`stale_authorisation.rs`): it holds back
//! Postgres' read horizon, which is the whole cluster's, so nothing else may
//! run beside it.

/// Declares `sqlite::<name>` and `postgres::<name>` for each
/// `async fn <name>(backend: Backend)` of the module.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(kring_e2e::Backend::sqlite()).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(kring_e2e::Backend::postgres().await).await
                }
            )*
        }
    };
}

mod common;

mod dashboard_looks;
mod hidden_characters;
mod login_csrf;
mod oracle;
mod password_guessing;
mod removed_coordinator;
mod seat_squatting;
mod session_end;
mod write_quotas;
