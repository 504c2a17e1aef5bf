//! Calendar feeds on Postgres.

use uuid::Uuid;

use super::PgLog;
use crate::{CalendarScope, StoreError};

crate::shared::calendar_feeds_impl!(PgLog, read: pool, write: pool, own: {
    async fn add_calendar_feed(
        &self,
        id: Uuid,
        token_hash: &[u8],
        person: Uuid,
        circle: Uuid,
        scope: CalendarScope,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_feeds (id, token_hash, person_id, circle_id, scope) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(person)
        .bind(circle)
        .bind(scope.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
});
