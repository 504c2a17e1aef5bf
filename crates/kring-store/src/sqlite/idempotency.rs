//! Idempotency keys on SQLite.

use super::SqliteLog;

crate::shared::idempotency_keys_impl!(SqliteLog, write: writer);
