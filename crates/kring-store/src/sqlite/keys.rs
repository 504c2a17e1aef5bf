//! Person keys on SQLite.

use async_trait::async_trait;
use uuid::Uuid;

use super::{begin_write, now_micros, queries, SqliteLog};
use crate::rows::one_row;
use crate::{KeyEraser, PersonKey, PersonKeys, StoreError};

#[async_trait]
impl PersonKeys for SqliteLog {
    async fn person_key(&self, person: Uuid) -> Result<PersonKey, StoreError> {
        queries::person_key(&self.reader, person).await
    }

    async fn person_keys(
        &self,
        people: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, PersonKey>, StoreError> {
        queries::person_keys(&self.reader, people).await
    }

    async fn ensure_person_key(
        &self,
        person: Uuid,
        new_key: &[u8],
    ) -> Result<PersonKey, StoreError> {
        // One writer, and IMMEDIATE for other processes: insert and read back
        // cannot interleave with another caller's.
        let mut tx = begin_write(&self.writer).await?;
        sqlx::query(
            "INSERT INTO person_keys (person_id, key, created_at) VALUES (?, ?, ?) \
             ON CONFLICT (person_id) DO NOTHING",
        )
        .bind(person)
        .bind(new_key)
        .bind(now_micros())
        .execute(&mut *tx)
        .await?;
        let key = queries::person_key(&mut *tx, person).await?;
        tx.commit().await?;
        Ok(key)
    }
}

#[async_trait]
impl KeyEraser for SqliteLog {
    async fn forget_person_key(&self, person: Uuid) -> Result<bool, StoreError> {
        let forgotten = one_row(
            sqlx::query(
                "UPDATE person_keys SET key = NULL, forgotten_at = ? \
                 WHERE person_id = ? AND key IS NOT NULL",
            )
            .bind(now_micros())
            .bind(person)
            .execute(&self.writer)
            .await?
            .rows_affected(),
        );
        if forgotten {
            self.scrub().await?;
        }
        Ok(forgotten)
    }

    async fn scrub(&self) -> Result<(), StoreError> {
        // Older copies of deleted rows' pages may still sit in the WAL file,
        // also in stale frames past its current end: copy the zeroed pages into
        // the database file and truncate the WAL to zero bytes.
        let checkpoint: Result<(i64, i64, i64), _> =
            sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.writer)
                .await;
        if !matches!(checkpoint, Ok((0, _, _))) {
            tracing::warn!(
                outcome = ?checkpoint,
                "SQLite could not clear its write-ahead log (a long read may be running); \
                 old copies of destroyed keys or deleted rows may stay in the -wal file \
                 until it is next cleared"
            );
        }
        Ok(())
    }
}
