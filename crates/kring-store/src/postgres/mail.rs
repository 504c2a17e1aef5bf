//! The outbox, mail links and mail settings on Postgres.

use super::{begin_write, queries, views::save_checkpoint, PgLog};
use crate::{GlobalCursor, MailLink, OutboxMessage, StoreError};

crate::shared::mail_store_impl!(PgLog, read: pool, write: pool, own: {
    async fn commit_notifications(
        &self,
        checkpoint: &str,
        at: GlobalCursor,
        messages: &[OutboxMessage],
        links: &[MailLink],
    ) -> Result<u64, StoreError> {
        let mut tx = begin_write(&self.pool).await?;
        let new = queries::enqueue(&mut tx, messages, links).await?;
        save_checkpoint(&mut *tx, checkpoint, at).await?;
        tx.commit().await?;
        Ok(new)
    }
});
