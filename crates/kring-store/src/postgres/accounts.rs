//! Credentials, sessions and server secrets on Postgres.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{queries, PgLog};
use crate::rows::one_row;
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
        queries::credentials_by_email(&self.pool, email_lookup).await
    }

    async fn remove_credentials(&self, account: Uuid) -> Result<bool, StoreError> {
        queries::remove_credentials(&self.pool, account).await
    }

    async fn change_password(
        &self,
        account: Uuid,
        password_hash: &str,
        keep: &[u8],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
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
        queries::session(&self.pool, token_hash, now).await
    }

    async fn end_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        queries::end_session(&self.pool, token_hash).await
    }

    async fn end_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        queries::end_expired_sessions(&self.pool, now).await
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
        queries::server_secret(&self.pool, name).await
    }
}
