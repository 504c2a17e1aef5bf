//! The log on Postgres.

use uuid::Uuid;

use super::queries::{self, event_from_row, EVENT_COLUMNS};
use super::PgLog;
use crate::rows::{self, sql_limit};
use crate::{
    Appended, Backend, ExpectedVersion, GlobalCursor, NewEvent, RecordedEvent, StoreError,
    StreamHead,
};

crate::shared::event_log_impl!(PgLog, read: pool, own: {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn append(
        &self,
        stream: &str,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, StoreError> {
        if events.is_empty() {
            return Err(StoreError::EmptyBatch);
        }
        let encoded = events
            .iter()
            .map(NewEvent::encoded)
            .collect::<Result<Vec<_>, _>>()?;
        let appended = self.appender.append(stream, expected, encoded).await?;
        metrics::counter!("kring_appends_total", "backend" => "postgres").increment(1);
        // A retried batch (`duplicate`) wrote no event.
        metrics::counter!("kring_appended_events_total", "backend" => "postgres")
            .increment(u64::from(!appended.duplicate) * events.len() as u64);
        self.wake.send_modify(|n| *n += 1);
        self.appended_here.notify_one();
        Ok(appended)
    }

    async fn read_all(
        &self,
        after: GlobalCursor,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        // Every transaction with an xid below the snapshot's xmin has finished, so
        // no row can still appear below that horizon: reading in (xid, position)
        // order up to it never skips an event that commits late. The ORDER BY names
        // the table columns: bare `xid` would bind to the text-cast output alias
        // and sort every page instead of walking the (xid, position) index.
        let sql = format!(
            "SELECT {} FROM events \
             WHERE (xid, position) > ($1::text::xid8, $2) \
               AND xid < pg_snapshot_xmin(pg_current_snapshot()) \
             ORDER BY events.xid, events.position LIMIT $3",
            *EVENT_COLUMNS
        );
        sqlx::query(&sql)
            .bind(after.xid.to_string())
            .bind(after.position as i64)
            .bind(sql_limit(limit))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(event_from_row)
            .collect()
    }

    async fn end_cursor(&self) -> Result<GlobalCursor, StoreError> {
        // Below the horizon every transaction has ended: what appears later has
        // a larger xid, so it sorts after this cursor.
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT xid::text, position FROM events \
             WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) \
             ORDER BY events.xid DESC, events.position DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        cursor_from(row)
    }

    async fn last_committed(&self) -> Result<GlobalCursor, StoreError> {
        // Read order is (xid, position): the largest such key among committed
        // rows is the last a reader must pass to have read them all.
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT xid::text, position FROM events \
             ORDER BY events.xid DESC, events.position DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        cursor_from(row)
    }

    async fn held_back(&self, after: GlobalCursor) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM events WHERE (xid, position) > ($1::text::xid8, $2) \
               AND xid >= pg_snapshot_xmin(pg_current_snapshot()))",
        )
        .bind(after.xid.to_string())
        .bind(after.position as i64)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn truncate_before(&self, stream: &str, version: u64) -> Result<StreamHead, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(stream)
            .execute(&mut *tx)
            .await?;
        let head = queries::stream_head(&mut *tx, stream)
            .await?
            .ok_or_else(|| StoreError::StreamNotFound(stream.to_owned()))?;
        crate::verify::check_truncation(&head, version)?;
        let base = queries::delete_before(&mut tx, stream, version).await?;
        let row = sqlx::query(
            "UPDATE streams SET first_version = $2, base_hash = $3, epoch = $4 WHERE stream_id = $1 RETURNING *",
        )
        .bind(stream)
        .bind(version as i64)
        .bind(&base)
        .bind(Uuid::new_v4())
        .fetch_one(&mut *tx)
        .await?;
        let head = rows::head_from_row(&row)?;
        tx.commit().await?;
        Ok(head)
    }
});

/// A cursor from an `(xid::text, position)` row; none is the start.
fn cursor_from(row: Option<(String, i64)>) -> Result<GlobalCursor, StoreError> {
    Ok(match row {
        Some((xid, position)) => GlobalCursor {
            xid: xid
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("xid {xid:?}")))?,
            position: position as u64,
        },
        None => GlobalCursor::START,
    })
}
