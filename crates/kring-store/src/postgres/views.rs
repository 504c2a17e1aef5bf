//! Read models, checkpoints and leases on Postgres.

use super::PgLog;
use crate::{GlobalCursor, Lease, StoreError, ViewRow};

const SAVE_CHECKPOINT: &str = "INSERT INTO checkpoints (name, xid, position) VALUES ($1, $2, $3) \
     ON CONFLICT (name) DO UPDATE SET xid = $2, position = $3, updated_at = now()";

/// Views per `INSERT` (a circle's view is tens of kilobytes).
const ROWS_PER_INSERT: usize = 256;

crate::shared::view_store_impl!(PgLog, read: pool, write: pool, own: {
    async fn save_checkpoint(&self, name: &str, at: GlobalCursor) -> Result<(), StoreError> {
        save_checkpoint(&self.pool, name, at).await
    }

    async fn try_lead(&self, name: &str) -> Result<Option<Lease>, StoreError> {
        // The lock belongs to the session: keep that connection for as long as we lead.
        let mut conn = self.pool.acquire().await?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 1))")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
        if !got {
            return Ok(None);
        }
        Ok(Some(Lease::new(crate::leadership::PgLease(conn.detach()))))
    }

    async fn commit_views(
        &self,
        checkpoint: &str,
        at: GlobalCursor,
        rows: &[ViewRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // In chunks: one array value may not exceed 1 GB, and a rebuild stores
        // every view at once.
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let kinds: Vec<&str> = chunk.iter().map(|r| r.kind.as_str()).collect();
            let keys: Vec<&str> = chunk.iter().map(|r| r.key.as_str()).collect();
            let versions: Vec<i64> = chunk.iter().map(|r| r.version as i64).collect();
            let bodies: Vec<&str> = chunk.iter().map(|r| r.body.as_str()).collect();
            sqlx::query(
                "INSERT INTO views (kind, key, version, body) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) \
                 ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, body = excluded.body \
                 WHERE views.version <= excluded.version",
            )
            .bind(&kinds)
            .bind(&keys)
            .bind(&versions)
            .bind(&bodies)
            .execute(&mut *tx)
            .await?;
        }
        save_checkpoint(&mut *tx, checkpoint, at).await?;
        tx.commit().await?;
        Ok(())
    }
});

pub(super) async fn save_checkpoint<'c>(
    on: impl sqlx::PgExecutor<'c>,
    name: &str,
    at: GlobalCursor,
) -> Result<(), StoreError> {
    sqlx::query(SAVE_CHECKPOINT)
        .bind(name)
        .bind(at.xid as i64)
        .bind(at.position as i64)
        .execute(on)
        .await?;
    Ok(())
}
