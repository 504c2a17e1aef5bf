//! Calendar feeds on SQLite.

use uuid::Uuid;

use super::{now_micros, SqliteLog};
use crate::{CalendarScope, StoreError};

crate::shared::calendar_feeds_impl!(SqliteLog, read: reader, write: writer, own: {
    async fn add_calendar_feed(
        &self,
        id: Uuid,
        token_hash: &[u8],
        person: Uuid,
        circle: Uuid,
        scope: CalendarScope,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO calendar_feeds (id, token_hash, person_id, circle_id, scope, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(person)
        .bind(circle)
        .bind(scope.as_str())
        .bind(now_micros())
        .execute(&self.writer)
        .await?;
        Ok(())
    }
});
