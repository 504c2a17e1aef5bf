//! The outbox, mail links and mail settings on SQLite.

use super::{begin_write, queries, views::save_checkpoint, SqliteLog};
use crate::{GlobalCursor, MailLink, OutboxMessage, StoreError};

crate::shared::mail_store_impl!(SqliteLog, read: reader, write: writer, own: {
    async fn commit_notifications(
        &self,
        checkpoint: &str,
        at: GlobalCursor,
        messages: &[OutboxMessage],
        links: &[MailLink],
    ) -> Result<u64, StoreError> {
        let mut tx = begin_write(&self.writer).await?;
        let new = queries::enqueue(&mut tx, messages, links).await?;
        save_checkpoint(&mut *tx, checkpoint, at).await?;
        tx.commit().await?;
        Ok(new)
    }
});
