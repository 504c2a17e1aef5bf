//! Idempotency keys on Postgres.

use super::PgLog;

crate::shared::idempotency_keys_impl!(PgLog, write: pool);
