//! Credentials, sessions and server secrets on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{begin_write, now_micros, SqliteLog};
use crate::rows::{self, one_row};
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
        let row: Option<(Uuid, String, String, i64)> = sqlx::query_as(rows::CREDENTIALS_BY_EMAIL)
            .bind(email_lookup)
            .fetch_optional(&self.reader)
            .await?;
        rows::credentials(row)
    }

    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError> {
        // Sessions go with them (ON DELETE CASCADE; connections enforce foreign keys).
        let result = sqlx::query(rows::REMOVE_CREDENTIALS)
            .bind(account)
            .execute(&self.writer)
            .await?;
        Ok(one_row(result.rows_affected()))
    }

    async fn change_password(
        &self,
        account: Uuid,
        password_hash: &str,
        keep: &[u8],
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query(rows::CHANGE_PASSWORD)
            .bind(password_hash)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        sqlx::query(rows::END_OTHER_SESSIONS)
            .bind(account)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(one_row(changed.rows_affected()))
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
        let row: Option<(Uuid, i64)> = sqlx::query_as(rows::SESSION)
            .bind(token_hash)
            .bind(now.timestamp_micros())
            .fetch_optional(&self.reader)
            .await?;
        rows::session(row)
    }

    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        let result = sqlx::query(rows::END_SESSION)
            .bind(token_hash)
            .execute(&self.writer)
            .await?;
        Ok(one_row(result.rows_affected()))
    }

    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sqlx::query(rows::END_EXPIRED_SESSIONS)
            .bind(now.timestamp_micros())
            .execute(&self.writer)
            .await?;
        Ok(result.rows_affected())
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
        let secret = sqlx::query_scalar(rows::SERVER_SECRET)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(secret)
    }
}
