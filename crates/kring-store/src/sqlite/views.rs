//! Read models, checkpoints and leases on SQLite.

use super::{begin_write, now_micros, SqliteLog};
use crate::{GlobalCursor, Lease, StoreError, ViewRow};

const SAVE_CHECKPOINT: &str =
    "INSERT INTO checkpoints (name, xid, position, updated_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (name) DO UPDATE SET xid = $2, position = $3, updated_at = $4";

/// Rows per `INSERT` when views are stored (four parameters a row, well under
/// SQLite's 32,766).
const ROWS_PER_INSERT: usize = 256;

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
        // Many rows to a statement: each statement is a trip to SQLite's thread.
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut insert = sqlx::QueryBuilder::new("INSERT INTO views (kind, key, version, body) ");
            insert.push_values(chunk, |mut values, row| {
                values
                    .push_bind(&row.kind)
                    .push_bind(&row.key)
                    .push_bind(row.version as i64)
                    .push_bind(&row.body);
            });
            insert.push(
                " ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, \
                 body = excluded.body WHERE views.version <= excluded.version",
            );
            insert.build().execute(&mut *tx).await?;
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
