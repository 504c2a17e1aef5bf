//! Calendar feeds on Postgres.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{queries, PgLog};
use crate::{CalendarFeed, CalendarFeeds, CalendarScope, StoreError};

#[async_trait]
impl CalendarFeeds for PgLog {
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

    async fn calendar_feed(&self, token_hash: &[u8]) -> Result<Option<CalendarFeed>, StoreError> {
        queries::calendar_feed(&self.pool, token_hash).await
    }

    async fn calendar_feeds(
        &self,
        person: Uuid,
        circle: Uuid,
    ) -> Result<Vec<CalendarFeed>, StoreError> {
        queries::calendar_feeds(&self.pool, person, circle).await
    }

    async fn revoke_calendar_feed(
        &self,
        id: Uuid,
        person: Uuid,
        circle: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        queries::revoke_calendar_feed(&self.pool, id, person, circle, at).await
    }
}
