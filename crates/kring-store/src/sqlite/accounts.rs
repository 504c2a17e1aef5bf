//! Credentials, sessions and server secrets on SQLite.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{begin_write, now_micros, queries, SqliteLog};
use crate::rows::one_row;
use crate::StoreError;

crate::shared::account_store_impl!(SqliteLog, read: reader, write: writer, own: {
    async fn add_credentials(
        &self,
        account: Uuid,
        email_lookup: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO credentials (account_id, email_lookup, password_hash, created_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .bind(email_lookup)
        .bind(password_hash)
        .bind(now_micros())
        .execute(&self.writer)
        .await?;
        Ok(one_row(result.rows_affected()))
    }

    async fn start_session(
        &self,
        token_hash: &[u8],
        account: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(now_micros())
        .bind(expires_at.timestamp_micros())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn ensure_server_secret(
        &self,
        name: &str,
        new_secret: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        // As for person keys: insert and read back cannot interleave with another caller's.
        let mut tx = begin_write(&self.writer).await?;
        sqlx::query(
            "INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(new_secret)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
        let secret = queries::server_secret(&mut *tx, name).await?;
        tx.commit().await?;
        Ok(secret)
    }
});
