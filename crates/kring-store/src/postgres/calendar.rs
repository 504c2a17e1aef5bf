//! Calendar feeds on Postgres.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PgLog;
use crate::rows::{self, one_row};
use crate::{CalendarFeed, CalendarFeeds, CalendarScope, StoreError};

type FeedRow = (Uuid, Uuid, Uuid, String, DateTime<Utc>);

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
        let row: Option<FeedRow> = sqlx::query_as(rows::CALENDAR_FEED)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(CalendarFeed::from_row).transpose()
    }

    async fn calendar_feeds(
        &self,
        person: Uuid,
        circle: Uuid,
    ) -> Result<Vec<CalendarFeed>, StoreError> {
        let found: Vec<FeedRow> = sqlx::query_as(rows::CALENDAR_FEEDS)
            .bind(person)
            .bind(circle)
            .fetch_all(&self.pool)
            .await?;
        found.into_iter().map(CalendarFeed::from_row).collect()
    }

    async fn revoke_calendar_feed(
        &self,
        id: Uuid,
        person: Uuid,
        circle: Uuid,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(rows::REVOKE_CALENDAR_FEED)
            .bind(id)
            .bind(person)
            .bind(circle)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(one_row(result.rows_affected()))
    }
}
