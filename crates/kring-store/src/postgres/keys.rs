//! Person keys on Postgres.

use async_trait::async_trait;
use uuid::Uuid;

use super::{queries, PgLog};
use crate::rows;
use crate::{KeyEraser, PersonKey, PersonKeys, StoreError};

#[async_trait]
impl PersonKeys for PgLog {
    async fn person_key(&self, person: Uuid) -> Result<PersonKey, StoreError> {
        queries::person_key(&self.pool, person).await
    }

    async fn person_keys(
        &self,
        people: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, PersonKey>, StoreError> {
        queries::person_keys(&self.pool, people).await
    }

    async fn ensure_person_key(
        &self,
        person: Uuid,
        new_key: &[u8],
    ) -> Result<PersonKey, StoreError> {
        // DO NOTHING waits for a racing insert of the same person to commit; the
        // next statement then sees the winner's key. (DO UPDATE would return it in
        // one statement but write a new copy of the key on every call.)
        sqlx::query(
            "INSERT INTO person_keys (person_id, key) VALUES ($1, $2) \
             ON CONFLICT (person_id) DO NOTHING",
        )
        .bind(person)
        .bind(new_key)
        .execute(&self.pool)
        .await?;
        self.person_key(person).await
    }
}

#[async_trait]
impl KeyEraser for PgLog {
    async fn forget_person_key(&self, person: Uuid) -> Result<bool, StoreError> {
        let forgotten = rows::one_row(
            sqlx::query(
                "UPDATE person_keys SET key = NULL, forgotten_at = now() \
                 WHERE person_id = $1 AND key IS NOT NULL",
            )
            .bind(person)
            .execute(&self.pool)
            .await?
            .rows_affected(),
        );
        if forgotten {
            // The UPDATE left the old row version, key included, in the table
            // file; VACUUM removes it and compacts the page over it (it cannot run
            // inside a transaction, hence after the commit). PostgreSQL does not
            // promise to zero freed space, and while an older snapshot is open the
            // old version stays until a later (auto)vacuum. WAL segments keep the
            // old page until they are recycled; archived WAL and backups keep it
            // as long as they are kept.
            if let Err(e) = sqlx::raw_sql("VACUUM person_keys")
                .execute(&self.pool)
                .await
            {
                tracing::warn!(
                    %person,
                    error = %e,
                    "the key is destroyed, but VACUUM failed; autovacuum will remove \
                     the old key bytes from the table later"
                );
            }
        }
        Ok(forgotten)
    }

    async fn scrub(&self) -> Result<(), StoreError> {
        // As for a key: VACUUM removes the deleted rows' old versions from the
        // table files (see above for what it does not promise).
        let tables = "credentials, sessions, calendar_feeds, mail_outbox, mail_links, \
                      mail_settings, person_keys";
        if let Err(e) = sqlx::raw_sql(&format!("VACUUM {tables}"))
            .execute(&self.pool)
            .await
        {
            tracing::warn!(
                error = %e,
                "VACUUM after an erasure failed; autovacuum will remove the deleted \
                 rows' bytes from the table files later"
            );
        }
        Ok(())
    }
}
