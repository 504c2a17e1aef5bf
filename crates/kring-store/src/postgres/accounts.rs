//! Credentials, sessions and server secrets on Postgres.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{queries, PgLog};
use crate::rows::one_row;
use crate::StoreError;

crate::shared::account_store_impl!(PgLog, read: pool, write: pool, own: {
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
});
