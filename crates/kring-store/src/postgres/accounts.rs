//! Credentials, sessions and server secrets on Postgres.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PgLog;
use crate::rows::{self, one_row};
use crate::{AccountStore, Credentials, Session, StoreError};

#[async_trait]
impl AccountStore for PgLog {
    async fn add_credentials(
        &self,
        account: Uuid,
        email_lookup: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO credentials (account_id, email_lookup, password_hash) \
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(account)
        .bind(email_lookup)
        .bind(password_hash)
        .execute(&self.pool)
        .await?;
        Ok(one_row(result.rows_affected()))
    }

    async fn credentials_by_email(
        &self,
        email_lookup: &str,
    ) -> Result<Option<Credentials>, StoreError> {
        let row: Option<(Uuid, String, String, DateTime<Utc>)> =
            sqlx::query_as(rows::CREDENTIALS_BY_EMAIL)
                .bind(email_lookup)
                .fetch_optional(&self.pool)
                .await?;
        rows::credentials(row)
    }

    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError> {
        // Sessions go with them (ON DELETE CASCADE).
        let result = sqlx::query(rows::REMOVE_CREDENTIALS)
            .bind(account)
            .execute(&self.pool)
            .await?;
        Ok(one_row(result.rows_affected()))
    }

    async fn change_password(
        &self,
        account: Uuid,
        password_hash: &str,
        keep: &[u8],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
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
            "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<(Uuid, DateTime<Utc>)> = sqlx::query_as(rows::SESSION)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        rows::session(row)
    }

    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        let result = sqlx::query(rows::END_SESSION)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(one_row(result.rows_affected()))
    }

    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sqlx::query(rows::END_EXPIRED_SESSIONS)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    async fn ensure_server_secret(
        &self,
        name: &str,
        new_secret: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        // DO NOTHING waits for a racing insert of the same name to commit; the
        // next statement then sees the winner's secret.
        sqlx::query(
            "INSERT INTO server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(new_secret)
        .execute(&self.pool)
        .await?;
        let secret = sqlx::query_scalar(rows::SERVER_SECRET)
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(secret)
    }
}
