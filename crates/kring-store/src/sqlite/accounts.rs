//! Credentials, sessions and server secrets on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{begin_write, now_micros, queries, SqliteLog};
use crate::rows::one_row;
use crate::{AccountStore, Credentials, Session, StoreError};

#[async_trait]
impl AccountStore for SqliteLog {
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

    async fn credentials_by_email(
        &self,
        email_lookup: &str,
    ) -> Result<Option<Credentials>, StoreError> {
        queries::credentials_by_email(&self.reader, email_lookup).await
    }

    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError> {
        queries::remove_credentials(&self.writer, account).await
    }

    async fn change_password(
        &self,
        account: Uuid,
        password_hash: &str,
        keep: &[u8],
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let changed = queries::change_password(&mut tx, account, password_hash, keep).await?;
        tx.commit().await?;
        Ok(changed)
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

    async fn session(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        queries::session(&self.reader, token_hash, now).await
    }

    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        queries::end_session(&self.writer, token_hash).await
    }

    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        queries::end_expired_sessions(&self.writer, now).await
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
}
