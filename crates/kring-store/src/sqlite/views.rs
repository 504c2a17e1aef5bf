//! Read models, checkpoints and leases on SQLite.

use super::{begin_write, now_micros, SqliteLog};
use crate::{GlobalCursor, Lease, StoreError, ViewRow};

const SAVE_CHECKPOINT: &str =
    "INSERT INTO checkpoints (name, xid, position, updated_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (name) DO UPDATE SET xid = $2, position = $3, updated_at = $4";

crate::shared::view_store_impl!(SqliteLog, read: reader, write: writer, own: {
    async fn save_checkpoint(&self, name: &str, at: GlobalCursor) -> Result<(), StoreError> {
        save_checkpoint(&self.writer, name, at).await
    }

    async fn try_lead(&self, name: &str) -> Result<Option<Lease>, StoreError> {
        let mut names = self.leases.lock().expect("lease set");
        if !names.insert(name.to_owned()) {
            return Ok(None);
        }
        Ok(Some(Lease::new(crate::leadership::LocalLease {
            names: self.leases.clone(),
            name: name.to_owned(),
        })))
    }

    async fn commit_views(
        &self,
        checkpoint: &str,
        at: GlobalCursor,
        rows: &[ViewRow],
    ) -> Result<(), StoreError> {
        let mut tx = begin_write(&self.writer).await?;
        for row in rows {
            sqlx::query(
                "INSERT INTO views (kind, key, version, body) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (kind, key) DO UPDATE SET version = ?3, body = ?4 WHERE views.version <= ?3",
            )
            .bind(&row.kind)
            .bind(&row.key)
            .bind(row.version as i64)
            .bind(&row.body)
            .execute(&mut *tx)
            .await?;
        }
        save_checkpoint(&mut *tx, checkpoint, at).await?;
        tx.commit().await?;
        Ok(())
    }
});

pub(super) async fn save_checkpoint<'c>(
    on: impl sqlx::SqliteExecutor<'c>,
    name: &str,
    at: GlobalCursor,
) -> Result<(), StoreError> {
    sqlx::query(SAVE_CHECKPOINT)
        .bind(name)
        .bind(at.xid as i64)
        .bind(at.position as i64)
        .bind(now_micros())
        .execute(on)
        .await?;
    Ok(())
}
