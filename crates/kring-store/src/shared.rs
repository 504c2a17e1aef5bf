//! Statements both backends run the same way, written once.
//!
//! [`backend_queries!`] expands in each backend's module into functions over
//! that backend's executors. The caller picks the executor: on Postgres the
//! pool, on SQLite the reader or the single writer, or an open transaction;
//! which transaction, if any, stays the caller's. The SQL is in [`crate::rows`].
//! Times go in as the backend stores them (`time` and `bind_time`) and come
//! out through [`crate::rows::StoredTime`].

/// Expands to the shared statements for one backend: `db` is its
/// `sqlx::Database`, `time` the type it stores a time as, `bind_time` turns a
/// `DateTime<Utc>` into that type, `xid` is the SQL for an event's `xid`.
macro_rules! backend_queries {
    (db: $Db:ty, time: $Time:ty, bind_time: $bind_time:expr, xid: $xid:expr $(,)?) => {
        /// Statements shared with the other backend (see `crate::shared`).
        pub(super) mod queries {
            use std::sync::LazyLock;

            use chrono::{DateTime, Utc};
            use sqlx::Executor;
            use uuid::Uuid;

            use crate::calendar::CalendarFeed;
            use crate::rows::{self, one_row, sql_limit};
            use crate::{
                Credentials, GlobalCursor, MailLink, OutboxMessage, OutboxRow, OutboxStatus,
                PersonKey, RecordedEvent, Session, StoreError, StreamHead, ViewRow,
            };

            type Connection = <$Db as sqlx::Database>::Connection;
            type FeedRow = (Uuid, Uuid, Uuid, String, $Time);

            fn bind_time(at: DateTime<Utc>) -> $Time {
                ($bind_time)(at)
            }

            pub(crate) static EVENT_COLUMNS: LazyLock<String> =
                LazyLock::new(|| rows::event_columns($xid));

            pub(crate) fn event_from_row(
                row: &<$Db as sqlx::Database>::Row,
            ) -> Result<RecordedEvent, StoreError> {
                rows::event_from_row::<_, $Time>(row)
            }

            pub(crate) async fn read_stream<'e>(
                on: impl Executor<'e, Database = $Db>,
                stream: &str,
                from_version: u64,
                limit: usize,
            ) -> Result<Vec<RecordedEvent>, StoreError> {
                let sql = format!(
                    "SELECT {} FROM events WHERE stream_id = $1 AND version >= $2 \
                     ORDER BY version LIMIT $3",
                    *EVENT_COLUMNS
                );
                sqlx::query(&sql)
                    .bind(stream)
                    .bind(from_version as i64)
                    .bind(sql_limit(limit))
                    .fetch_all(on)
                    .await?
                    .iter()
                    .map(event_from_row)
                    .collect()
            }

            pub(crate) async fn stream_head<'e>(
                on: impl Executor<'e, Database = $Db>,
                stream: &str,
            ) -> Result<Option<StreamHead>, StoreError> {
                sqlx::query(rows::STREAM_HEAD)
                    .bind(stream)
                    .fetch_optional(on)
                    .await?
                    .as_ref()
                    .map(rows::head_from_row)
                    .transpose()
            }

            pub(crate) async fn list_streams<'e>(
                on: impl Executor<'e, Database = $Db>,
                after: Option<&str>,
                limit: usize,
            ) -> Result<Vec<String>, StoreError> {
                Ok(sqlx::query_scalar(rows::LIST_STREAMS)
                    .bind(after)
                    .bind(limit as i64)
                    .fetch_all(on)
                    .await?)
            }

            /// Deletes a stream's events before `version` and returns the hash
            /// the first kept event chains from: the stream's new base. Run
            /// inside the caller's transaction, with the stream locked.
            pub(crate) async fn delete_before(
                tx: &mut Connection,
                stream: &str,
                version: u64,
            ) -> Result<Vec<u8>, StoreError> {
                let base: Vec<u8> = sqlx::query_scalar(rows::BASE_HASH)
                    .bind(stream)
                    .bind(version as i64)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(rows::DELETE_BEFORE)
                    .bind(stream)
                    .bind(version as i64)
                    .execute(&mut *tx)
                    .await?;
                Ok(base)
            }

            pub(crate) async fn ping<'e>(
                on: impl Executor<'e, Database = $Db>,
            ) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(on).await?;
                Ok(())
            }

            pub(crate) async fn find_event<'e>(
                on: impl Executor<'e, Database = $Db>,
                event_id: Uuid,
            ) -> Result<Option<(String, u64)>, StoreError> {
                let row: Option<(String, i64)> = sqlx::query_as(rows::FIND_EVENT)
                    .bind(event_id)
                    .fetch_optional(on)
                    .await?;
                Ok(row.map(|(stream, version)| (stream, version as u64)))
            }

            /// Inserts the claim, or answers what the key already holds. A
            /// claim released between the two statements is claimed again.
            pub(crate) async fn claim_key(
                pool: &sqlx::Pool<$Db>,
                key: &[u8],
                fingerprint: &[u8],
            ) -> Result<Option<crate::KeyRecord>, StoreError> {
                loop {
                    let inserted = sqlx::query(rows::CLAIM_KEY)
                        .bind(key)
                        .bind(fingerprint)
                        .bind(bind_time(Utc::now()))
                        .execute(pool)
                        .await?;
                    if one_row(inserted.rows_affected()) {
                        return Ok(None);
                    }
                    let held: Option<(Vec<u8>, Option<Vec<u8>>)> = sqlx::query_as(rows::KEY_RECORD)
                        .bind(key)
                        .fetch_optional(pool)
                        .await?;
                    if let Some(held) = held {
                        return Ok(Some(crate::KeyRecord::from_row(held)));
                    }
                }
            }

            pub(crate) async fn finish_key<'e>(
                on: impl Executor<'e, Database = $Db>,
                key: &[u8],
                answer: &[u8],
            ) -> Result<(), StoreError> {
                sqlx::query(rows::FINISH_KEY)
                    .bind(key)
                    .bind(answer)
                    .execute(on)
                    .await?;
                Ok(())
            }

            pub(crate) async fn release_key<'e>(
                on: impl Executor<'e, Database = $Db>,
                key: &[u8],
            ) -> Result<(), StoreError> {
                sqlx::query(rows::RELEASE_KEY).bind(key).execute(on).await?;
                Ok(())
            }

            pub(crate) async fn sweep_keys<'e>(
                on: impl Executor<'e, Database = $Db>,
                before: DateTime<Utc>,
            ) -> Result<u64, StoreError> {
                let result = sqlx::query(rows::SWEEP_KEYS)
                    .bind(bind_time(before))
                    .execute(on)
                    .await?;
                Ok(result.rows_affected())
            }

            pub(crate) async fn event_count<'e>(
                on: impl Executor<'e, Database = $Db>,
            ) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar(rows::EVENT_COUNT).fetch_one(on).await?;
                Ok(n as u64)
            }

            pub(crate) async fn person_key<'e>(
                on: impl Executor<'e, Database = $Db>,
                person: Uuid,
            ) -> Result<PersonKey, StoreError> {
                let row = sqlx::query_scalar(rows::PERSON_KEY)
                    .bind(person)
                    .fetch_optional(on)
                    .await?;
                Ok(PersonKey::from_row(row))
            }

            /// The keys of `people`, in one query per 500 of them.
            pub(crate) async fn person_keys<'e>(
                on: impl Executor<'e, Database = $Db> + Copy,
                people: &[Uuid],
            ) -> Result<std::collections::HashMap<Uuid, PersonKey>, StoreError> {
                let mut found = std::collections::HashMap::new();
                for chunk in people.chunks(500) {
                    let mut query = sqlx::QueryBuilder::<$Db>::new(rows::PERSON_KEYS);
                    let mut list = query.separated(", ");
                    for person in chunk {
                        list.push_bind(*person);
                    }
                    list.push_unseparated(")");
                    let rows: Vec<(Uuid, Option<Vec<u8>>)> =
                        query.build_query_as().fetch_all(on).await?;
                    for (person, key) in rows {
                        found.insert(person, PersonKey::from_row(Some(key)));
                    }
                }
                Ok(people
                    .iter()
                    .map(|p| (*p, found.remove(p).unwrap_or(PersonKey::Missing)))
                    .collect())
            }

            pub(crate) async fn credentials_by_email<'e>(
                on: impl Executor<'e, Database = $Db>,
                email_lookup: &str,
            ) -> Result<Option<Credentials>, StoreError> {
                let row: Option<(Uuid, String, String, $Time)> =
                    sqlx::query_as(rows::CREDENTIALS_BY_EMAIL)
                        .bind(email_lookup)
                        .fetch_optional(on)
                        .await?;
                rows::credentials(row)
            }

            pub(crate) async fn credentials_of<'e>(
                on: impl Executor<'e, Database = $Db>,
                account: Uuid,
            ) -> Result<Option<Credentials>, StoreError> {
                let row: Option<(Uuid, String, String, $Time)> =
                    sqlx::query_as(rows::CREDENTIALS_OF_ACCOUNT)
                        .bind(account)
                        .fetch_optional(on)
                        .await?;
                rows::credentials(row)
            }

            /// Sessions go with them (ON DELETE CASCADE; SQLite connections enforce
            /// foreign keys).
            pub(crate) async fn remove_credentials<'e>(
                on: impl Executor<'e, Database = $Db>,
                account: Uuid,
            ) -> Result<bool, StoreError> {
                let result = sqlx::query(rows::REMOVE_CREDENTIALS)
                    .bind(account)
                    .execute(on)
                    .await?;
                Ok(one_row(result.rows_affected()))
            }

            /// Run inside the caller's transaction: the new hash and the end of
            /// the other sessions commit together.
            pub(crate) async fn change_password(
                tx: &mut Connection,
                account: Uuid,
                password_hash: &str,
                keep: &[u8],
            ) -> Result<bool, StoreError> {
                let changed = sqlx::query(rows::CHANGE_PASSWORD)
                    .bind(password_hash)
                    .bind(account)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(rows::END_OTHER_SESSIONS)
                    .bind(account)
                    .bind(keep)
                    .execute(&mut *tx)
                    .await?;
                Ok(one_row(changed.rows_affected()))
            }

            pub(crate) async fn change_email_lookup<'e>(
                on: impl Executor<'e, Database = $Db>,
                account: Uuid,
                email_lookup: &str,
            ) -> Result<bool, StoreError> {
                let result = sqlx::query(rows::CHANGE_EMAIL_LOOKUP)
                    .bind(email_lookup)
                    .bind(account)
                    .execute(on)
                    .await;
                match result {
                    Ok(result) => Ok(one_row(result.rows_affected())),
                    // Taken by a change that committed in between.
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
                    Err(e) => Err(e.into()),
                }
            }

            pub(crate) async fn session<'e>(
                on: impl Executor<'e, Database = $Db>,
                token_hash: &[u8],
                now: DateTime<Utc>,
            ) -> Result<Option<Session>, StoreError> {
                let row: Option<(Uuid, $Time)> = sqlx::query_as(rows::SESSION)
                    .bind(token_hash)
                    .bind(bind_time(now))
                    .fetch_optional(on)
                    .await?;
                rows::session(row)
            }

            pub(crate) async fn end_session<'e>(
                on: impl Executor<'e, Database = $Db>,
                token_hash: &[u8],
            ) -> Result<bool, StoreError> {
                let result = sqlx::query(rows::END_SESSION)
                    .bind(token_hash)
                    .execute(on)
                    .await?;
                Ok(one_row(result.rows_affected()))
            }

            pub(crate) async fn end_expired_sessions<'e>(
                on: impl Executor<'e, Database = $Db>,
                now: DateTime<Utc>,
            ) -> Result<u64, StoreError> {
                let result = sqlx::query(rows::END_EXPIRED_SESSIONS)
                    .bind(bind_time(now))
                    .execute(on)
                    .await?;
                Ok(result.rows_affected())
            }

            pub(crate) async fn server_secret<'e>(
                on: impl Executor<'e, Database = $Db>,
                name: &str,
            ) -> Result<Vec<u8>, StoreError> {
                Ok(sqlx::query_scalar(rows::SERVER_SECRET)
                    .bind(name)
                    .fetch_one(on)
                    .await?)
            }

            pub(crate) async fn calendar_feed<'e>(
                on: impl Executor<'e, Database = $Db>,
                token_hash: &[u8],
            ) -> Result<Option<CalendarFeed>, StoreError> {
                let row: Option<FeedRow> = sqlx::query_as(rows::CALENDAR_FEED)
                    .bind(token_hash)
                    .fetch_optional(on)
                    .await?;
                row.map(CalendarFeed::from_row).transpose()
            }

            pub(crate) async fn calendar_feeds<'e>(
                on: impl Executor<'e, Database = $Db>,
                person: Uuid,
                circle: Uuid,
            ) -> Result<Vec<CalendarFeed>, StoreError> {
                let found: Vec<FeedRow> = sqlx::query_as(rows::CALENDAR_FEEDS)
                    .bind(person)
                    .bind(circle)
                    .fetch_all(on)
                    .await?;
                found.into_iter().map(CalendarFeed::from_row).collect()
            }

            pub(crate) async fn revoke_calendar_feed<'e>(
                on: impl Executor<'e, Database = $Db>,
                id: Uuid,
                person: Uuid,
                circle: Uuid,
                at: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let result = sqlx::query(rows::REVOKE_CALENDAR_FEED)
                    .bind(id)
                    .bind(person)
                    .bind(circle)
                    .bind(bind_time(at))
                    .execute(on)
                    .await?;
                Ok(one_row(result.rows_affected()))
            }

            pub(crate) async fn revoke_calendar_feeds_of<'e>(
                on: impl Executor<'e, Database = $Db>,
                person: Uuid,
                circle: Option<Uuid>,
                at: DateTime<Utc>,
            ) -> Result<u64, StoreError> {
                let result = match circle {
                    None => {
                        sqlx::query(rows::REVOKE_CALENDAR_FEEDS_OF_PERSON)
                            .bind(person)
                            .bind(bind_time(at))
                            .execute(on)
                            .await?
                    }
                    Some(circle) => {
                        sqlx::query(rows::REVOKE_CALENDAR_FEEDS_IN_CIRCLE)
                            .bind(person)
                            .bind(circle)
                            .bind(bind_time(at))
                            .execute(on)
                            .await?
                    }
                };
                Ok(result.rows_affected())
            }

            pub(crate) async fn load_checkpoint<'e>(
                on: impl Executor<'e, Database = $Db>,
                name: &str,
            ) -> Result<GlobalCursor, StoreError> {
                let row = sqlx::query_as(rows::LOAD_CHECKPOINT)
                    .bind(name)
                    .fetch_optional(on)
                    .await?;
                Ok(rows::checkpoint(row))
            }

            pub(crate) async fn load_view<'e>(
                on: impl Executor<'e, Database = $Db>,
                kind: &str,
                key: &str,
            ) -> Result<Option<ViewRow>, StoreError> {
                let row: Option<(i64, String)> = sqlx::query_as(rows::LOAD_VIEW)
                    .bind(kind)
                    .bind(key)
                    .fetch_optional(on)
                    .await?;
                Ok(row.map(|(version, body)| rows::view_row(kind, key.to_owned(), version, body)))
            }

            pub(crate) async fn view_version<'e>(
                on: impl Executor<'e, Database = $Db>,
                kind: &str,
                key: &str,
            ) -> Result<Option<u64>, StoreError> {
                let row: Option<(i64,)> = sqlx::query_as(rows::VIEW_VERSION)
                    .bind(kind)
                    .bind(key)
                    .fetch_optional(on)
                    .await?;
                Ok(row.map(|(version,)| version as u64))
            }

            pub(crate) async fn load_views<'e>(
                on: impl Executor<'e, Database = $Db>,
                kind: &str,
            ) -> Result<Vec<ViewRow>, StoreError> {
                let found = sqlx::query_as(rows::LOAD_VIEWS)
                    .bind(kind)
                    .fetch_all(on)
                    .await?;
                Ok(rows::view_rows(kind, found))
            }

            /// Run inside the caller's transaction. A message whose dedupe key
            /// is stored already is skipped; a link already stored is left as it
            /// is (its hash comes from its message's id and action). Answers how
            /// many messages were new.
            pub(crate) async fn enqueue(
                tx: &mut Connection,
                messages: &[OutboxMessage],
                links: &[MailLink],
            ) -> Result<u64, StoreError> {
                let now = bind_time(Utc::now());
                let mut new = 0;
                for m in messages {
                    let result = sqlx::query(rows::ENQUEUE_MESSAGE)
                        .bind(m.id)
                        .bind(&m.dedupe_key)
                        .bind(m.recipient)
                        .bind(&m.kind)
                        .bind(m.circle)
                        .bind(&m.body)
                        .bind(&m.batch)
                        .bind(bind_time(m.due_at))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    new += result.rows_affected();
                }
                for link in links {
                    sqlx::query(rows::ADD_LINK)
                        .bind(&link.token_hash)
                        .bind(&link.purpose)
                        .bind(link.account)
                        .bind(&link.subject)
                        .bind(bind_time(link.expires_at))
                        .execute(&mut *tx)
                        .await?;
                }
                Ok(new)
            }

            async fn outbox_rows<'e>(
                on: impl Executor<'e, Database = $Db>,
                query: sqlx::query::QueryAs<
                    'e,
                    $Db,
                    rows::OutboxTuple<$Time>,
                    <$Db as sqlx::Database>::Arguments<'e>,
                >,
            ) -> Result<Vec<OutboxRow>, StoreError> {
                let found = query.fetch_all(on).await?;
                found.into_iter().map(rows::outbox_row).collect()
            }

            pub(crate) async fn due_messages<'e>(
                on: impl Executor<'e, Database = $Db>,
                now: DateTime<Utc>,
                limit: u32,
            ) -> Result<Vec<OutboxRow>, StoreError> {
                let query = sqlx::query_as(&rows::DUE_MESSAGES)
                    .bind(bind_time(now))
                    .bind(i64::from(limit));
                outbox_rows(on, query).await
            }

            pub(crate) async fn digest_parts<'e>(
                on: impl Executor<'e, Database = $Db>,
                recipient: Uuid,
                batch: &'e str,
                due_at: DateTime<Utc>,
                circle: Option<Uuid>,
            ) -> Result<Vec<OutboxRow>, StoreError> {
                let query = sqlx::query_as(&rows::DIGEST_PARTS)
                    .bind(recipient)
                    .bind(batch)
                    .bind(bind_time(due_at))
                    .bind(circle);
                outbox_rows(on, query).await
            }

            pub(crate) async fn outbox_message<'e>(
                on: impl Executor<'e, Database = $Db>,
                id: Uuid,
            ) -> Result<Option<OutboxRow>, StoreError> {
                let query = sqlx::query_as(&rows::OUTBOX_MESSAGE).bind(id);
                Ok(outbox_rows(on, query).await?.pop())
            }

            pub(crate) async fn outbox_of<'e>(
                on: impl Executor<'e, Database = $Db>,
                recipient: Uuid,
            ) -> Result<Vec<OutboxRow>, StoreError> {
                let query = sqlx::query_as(&rows::OUTBOX_OF).bind(recipient);
                outbox_rows(on, query).await
            }

            /// Run inside the caller's transaction: every row changes, or none.
            pub(crate) async fn mark_sent(
                tx: &mut Connection,
                ids: &[Uuid],
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                for id in ids {
                    sqlx::query(rows::MARK_SENT)
                        .bind(id)
                        .bind(bind_time(at))
                        .execute(&mut *tx)
                        .await?;
                }
                Ok(())
            }

            /// Run inside the caller's transaction: every row changes, or none.
            pub(crate) async fn mark_retry(
                tx: &mut Connection,
                ids: &[Uuid],
                next_attempt_at: DateTime<Utc>,
                error: &str,
            ) -> Result<(), StoreError> {
                for id in ids {
                    sqlx::query(rows::MARK_RETRY)
                        .bind(id)
                        .bind(bind_time(next_attempt_at))
                        .bind(error)
                        .execute(&mut *tx)
                        .await?;
                }
                Ok(())
            }

            /// Run inside the caller's transaction: every row changes, or none.
            pub(crate) async fn mark_given_up(
                tx: &mut Connection,
                ids: &[Uuid],
                status: OutboxStatus,
                error: &str,
            ) -> Result<(), StoreError> {
                for id in ids {
                    sqlx::query(rows::MARK_GIVEN_UP)
                        .bind(id)
                        .bind(status.as_str())
                        .bind(error)
                        .execute(&mut *tx)
                        .await?;
                }
                Ok(())
            }

            pub(crate) async fn link<'e>(
                on: impl Executor<'e, Database = $Db>,
                token_hash: &[u8],
            ) -> Result<Option<MailLink>, StoreError> {
                let row: Option<rows::LinkTuple<$Time>> = sqlx::query_as(rows::LINK)
                    .bind(token_hash)
                    .fetch_optional(on)
                    .await?;
                row.map(rows::mail_link).transpose()
            }

            pub(crate) async fn use_link<'e>(
                on: impl Executor<'e, Database = $Db>,
                token_hash: &[u8],
                now: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                let result = sqlx::query(rows::USE_LINK)
                    .bind(token_hash)
                    .bind(bind_time(now))
                    .execute(on)
                    .await?;
                Ok(one_row(result.rows_affected()))
            }

            pub(crate) async fn end_links<'e>(
                on: impl Executor<'e, Database = $Db>,
                account: Uuid,
                purpose: &str,
                now: DateTime<Utc>,
            ) -> Result<u64, StoreError> {
                let result = sqlx::query(rows::END_LINKS)
                    .bind(account)
                    .bind(purpose)
                    .bind(bind_time(now))
                    .execute(on)
                    .await?;
                Ok(result.rows_affected())
            }

            pub(crate) async fn mail_settings<'e>(
                on: impl Executor<'e, Database = $Db>,
                account: Uuid,
            ) -> Result<Option<String>, StoreError> {
                Ok(sqlx::query_scalar(rows::MAIL_SETTINGS)
                    .bind(account)
                    .fetch_optional(on)
                    .await?)
            }

            /// A few hundred accounts per statement, well below either
            /// backend's limit on bound values.
            pub(crate) async fn mail_settings_of(
                pool: &sqlx::Pool<$Db>,
                accounts: &[Uuid],
            ) -> Result<Vec<(Uuid, String)>, StoreError> {
                let mut found = vec![];
                for chunk in accounts.chunks(500) {
                    let sql = format!(
                        "{} {}",
                        rows::MAIL_SETTINGS_OF,
                        rows::placeholders(chunk.len())
                    );
                    let mut query = sqlx::query_as::<_, (Uuid, String)>(&sql);
                    for account in chunk {
                        query = query.bind(account);
                    }
                    found.extend(query.fetch_all(pool).await?);
                }
                Ok(found)
            }

            pub(crate) async fn save_mail_settings<'e>(
                on: impl Executor<'e, Database = $Db>,
                account: Uuid,
                body: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(rows::SAVE_MAIL_SETTINGS)
                    .bind(account)
                    .bind(body)
                    .bind(bind_time(Utc::now()))
                    .execute(on)
                    .await?;
                Ok(())
            }

            /// Run inside the caller's transaction: the outbox rows, links and
            /// settings go together.
            pub(crate) async fn forget_mail(
                tx: &mut Connection,
                account: Uuid,
            ) -> Result<(), StoreError> {
                for sql in [
                    rows::FORGET_OUTBOX,
                    rows::FORGET_LINKS,
                    rows::FORGET_SETTINGS,
                ] {
                    sqlx::query(sql).bind(account).execute(&mut *tx).await?;
                }
                Ok(())
            }

            /// Run inside the caller's transaction: the views and the
            /// checkpoint go together.
            pub(crate) async fn clear_views(
                tx: &mut Connection,
                checkpoint: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(rows::DELETE_VIEWS).execute(&mut *tx).await?;
                sqlx::query(rows::DELETE_CHECKPOINT)
                    .bind(checkpoint)
                    .execute(&mut *tx)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use backend_queries;

/// Implements [`crate::CalendarFeeds`] for a backend: the methods in `own`, and
/// those that run a shared statement on the pool field `read` or `write`.
macro_rules! calendar_feeds_impl {
    ($Log:ty, read: $read:ident, write: $write:ident, own: { $($own:tt)* }) => {
        #[async_trait::async_trait]
        impl crate::CalendarFeeds for $Log {
            $($own)*

            async fn calendar_feed(
                &self,
                token_hash: &[u8],
            ) -> Result<Option<crate::CalendarFeed>, crate::StoreError> {
                super::queries::calendar_feed(&self.$read, token_hash).await
            }

            async fn calendar_feeds(
                &self,
                person: uuid::Uuid,
                circle: uuid::Uuid,
            ) -> Result<Vec<crate::CalendarFeed>, crate::StoreError> {
                super::queries::calendar_feeds(&self.$read, person, circle).await
            }

            async fn revoke_calendar_feed(
                &self,
                id: uuid::Uuid,
                person: uuid::Uuid,
                circle: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, crate::StoreError> {
                super::queries::revoke_calendar_feed(&self.$write, id, person, circle, at).await
            }

            async fn revoke_calendar_feeds_of(
                &self,
                person: uuid::Uuid,
                circle: Option<uuid::Uuid>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, crate::StoreError> {
                super::queries::revoke_calendar_feeds_of(&self.$write, person, circle, at).await
            }
        }
    };
}

/// Implements [`crate::MailStore`] for a backend: the methods in `own`, and
/// those that run shared statements on the pool field `read` or `write`.
macro_rules! mail_store_impl {
    ($Log:ty, read: $read:ident, write: $write:ident, own: { $($own:tt)* }) => {
        #[async_trait::async_trait]
        impl crate::MailStore for $Log {
            $($own)*

            async fn enqueue(
                &self,
                messages: &[crate::OutboxMessage],
                links: &[crate::MailLink],
            ) -> Result<u64, crate::StoreError> {
                let mut tx = super::begin_write(&self.$write).await?;
                let new = super::queries::enqueue(&mut tx, messages, links).await?;
                tx.commit().await?;
                Ok(new)
            }

            async fn due_messages(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: u32,
            ) -> Result<Vec<crate::OutboxRow>, crate::StoreError> {
                super::queries::due_messages(&self.$read, now, limit).await
            }

            async fn digest_parts(
                &self,
                recipient: uuid::Uuid,
                batch: &str,
                due_at: chrono::DateTime<chrono::Utc>,
                circle: Option<uuid::Uuid>,
            ) -> Result<Vec<crate::OutboxRow>, crate::StoreError> {
                super::queries::digest_parts(&self.$read, recipient, batch, due_at, circle).await
            }

            async fn mark_sent(
                &self,
                ids: &[uuid::Uuid],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), crate::StoreError> {
                let mut tx = super::begin_write(&self.$write).await?;
                super::queries::mark_sent(&mut tx, ids, at).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn mark_retry(
                &self,
                ids: &[uuid::Uuid],
                next_attempt_at: chrono::DateTime<chrono::Utc>,
                error: &str,
            ) -> Result<(), crate::StoreError> {
                let mut tx = super::begin_write(&self.$write).await?;
                super::queries::mark_retry(&mut tx, ids, next_attempt_at, error).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn mark_given_up(
                &self,
                ids: &[uuid::Uuid],
                status: crate::OutboxStatus,
                error: &str,
            ) -> Result<(), crate::StoreError> {
                let mut tx = super::begin_write(&self.$write).await?;
                super::queries::mark_given_up(&mut tx, ids, status, error).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn outbox_message(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<crate::OutboxRow>, crate::StoreError> {
                super::queries::outbox_message(&self.$read, id).await
            }

            async fn outbox_of(
                &self,
                recipient: uuid::Uuid,
            ) -> Result<Vec<crate::OutboxRow>, crate::StoreError> {
                super::queries::outbox_of(&self.$read, recipient).await
            }

            async fn link(
                &self,
                token_hash: &[u8],
            ) -> Result<Option<crate::MailLink>, crate::StoreError> {
                super::queries::link(&self.$read, token_hash).await
            }

            async fn use_link(
                &self,
                token_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, crate::StoreError> {
                super::queries::use_link(&self.$write, token_hash, now).await
            }

            async fn end_links(
                &self,
                account: uuid::Uuid,
                purpose: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, crate::StoreError> {
                super::queries::end_links(&self.$write, account, purpose, now).await
            }

            async fn mail_settings(
                &self,
                account: uuid::Uuid,
            ) -> Result<Option<String>, crate::StoreError> {
                super::queries::mail_settings(&self.$read, account).await
            }

            async fn mail_settings_of(
                &self,
                accounts: &[uuid::Uuid],
            ) -> Result<Vec<(uuid::Uuid, String)>, crate::StoreError> {
                super::queries::mail_settings_of(&self.$read, accounts).await
            }

            async fn save_mail_settings(
                &self,
                account: uuid::Uuid,
                body: &str,
            ) -> Result<(), crate::StoreError> {
                super::queries::save_mail_settings(&self.$write, account, body).await
            }

            async fn forget_mail(&self, account: uuid::Uuid) -> Result<(), crate::StoreError> {
                let mut tx = super::begin_write(&self.$write).await?;
                super::queries::forget_mail(&mut tx, account).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

/// Implements [`crate::ViewStore`] for a backend: the methods in `own`, and
/// those that run shared statements on the pool field `read` or `write`.
macro_rules! view_store_impl {
    ($Log:ty, read: $read:ident, write: $write:ident, own: { $($own:tt)* }) => {
        #[async_trait::async_trait]
        impl crate::ViewStore for $Log {
            $($own)*

            async fn load_checkpoint(
                &self,
                name: &str,
            ) -> Result<crate::GlobalCursor, crate::StoreError> {
                super::queries::load_checkpoint(&self.$read, name).await
            }

            async fn load_view(
                &self,
                kind: &str,
                key: &str,
            ) -> Result<Option<crate::ViewRow>, crate::StoreError> {
                super::queries::load_view(&self.$read, kind, key).await
            }

            async fn view_version(
                &self,
                kind: &str,
                key: &str,
            ) -> Result<Option<u64>, crate::StoreError> {
                super::queries::view_version(&self.$read, kind, key).await
            }

            async fn load_views(&self, kind: &str) -> Result<Vec<crate::ViewRow>, crate::StoreError> {
                super::queries::load_views(&self.$read, kind).await
            }

            async fn clear_views(&self, checkpoint: &str) -> Result<(), crate::StoreError> {
                let mut tx = super::begin_write(&self.$write).await?;
                super::queries::clear_views(&mut tx, checkpoint).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

/// Implements [`crate::AccountStore`] for a backend: the methods in `own`, and
/// those that run shared statements on the pool field `read` or `write`.
macro_rules! account_store_impl {
    ($Log:ty, read: $read:ident, write: $write:ident, own: { $($own:tt)* }) => {
        #[async_trait::async_trait]
        impl crate::AccountStore for $Log {
            $($own)*

            async fn credentials_by_email(
                &self,
                email_lookup: &str,
            ) -> Result<Option<crate::Credentials>, crate::StoreError> {
                super::queries::credentials_by_email(&self.$read, email_lookup).await
            }

            async fn credentials_of(
                &self,
                account: uuid::Uuid,
            ) -> Result<Option<crate::Credentials>, crate::StoreError> {
                super::queries::credentials_of(&self.$read, account).await
            }

            async fn remove_credentials(&self, account: uuid::Uuid) -> Result<bool, crate::StoreError> {
                super::queries::remove_credentials(&self.$write, account).await
            }

            async fn change_password(
                &self,
                account: uuid::Uuid,
                password_hash: &str,
                keep: &[u8],
            ) -> Result<bool, crate::StoreError> {
                let mut tx = self.$write.begin().await?;
                let changed =
                    super::queries::change_password(&mut tx, account, password_hash, keep).await?;
                tx.commit().await?;
                Ok(changed)
            }

            async fn change_email_lookup(
                &self,
                account: uuid::Uuid,
                email_lookup: &str,
            ) -> Result<bool, crate::StoreError> {
                super::queries::change_email_lookup(&self.$write, account, email_lookup).await
            }

            async fn session(
                &self,
                token_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<crate::Session>, crate::StoreError> {
                super::queries::session(&self.$read, token_hash, now).await
            }

            async fn end_session(&self, token_hash: &[u8]) -> Result<bool, crate::StoreError> {
                super::queries::end_session(&self.$write, token_hash).await
            }

            async fn end_expired_sessions(
                &self,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, crate::StoreError> {
                super::queries::end_expired_sessions(&self.$write, now).await
            }
        }
    };
}

/// Implements [`crate::EventLog`] for a backend: the methods in `own`, and
/// those that run a shared statement on the pool field `read`.
macro_rules! event_log_impl {
    ($Log:ty, read: $read:ident, own: { $($own:tt)* }) => {
        #[async_trait::async_trait]
        impl crate::EventLog for $Log {
            $($own)*

            async fn read_stream(
                &self,
                stream: &str,
                from_version: u64,
                limit: usize,
            ) -> Result<Vec<crate::RecordedEvent>, crate::StoreError> {
                super::queries::read_stream(&self.$read, stream, from_version, limit).await
            }

            async fn stream_head(
                &self,
                stream: &str,
            ) -> Result<Option<crate::StreamHead>, crate::StoreError> {
                super::queries::stream_head(&self.$read, stream).await
            }

            async fn list_streams(
                &self,
                after: Option<&str>,
                limit: usize,
            ) -> Result<Vec<String>, crate::StoreError> {
                super::queries::list_streams(&self.$read, after, limit).await
            }

            fn wake_signal(&self) -> tokio::sync::watch::Receiver<u64> {
                self.wake.subscribe()
            }

            async fn ping(&self) -> Result<(), crate::StoreError> {
                super::queries::ping(&self.$read).await
            }

            async fn event_count(&self) -> Result<u64, crate::StoreError> {
                super::queries::event_count(&self.$read).await
            }

            async fn find_event(
                &self,
                event_id: uuid::Uuid,
            ) -> Result<Option<(String, u64)>, crate::StoreError> {
                super::queries::find_event(&self.$read, event_id).await
            }
        }
    };
}

/// Implements [`crate::IdempotencyKeys`] for a backend on its pool field
/// `write` (SQLite's single writer: a claim and its check see each other).
macro_rules! idempotency_keys_impl {
    ($Log:ty, write: $write:ident) => {
        #[async_trait::async_trait]
        impl crate::IdempotencyKeys for $Log {
            async fn claim_key(
                &self,
                key: &[u8],
                fingerprint: &[u8],
            ) -> Result<Option<crate::KeyRecord>, crate::StoreError> {
                super::queries::claim_key(&self.$write, key, fingerprint).await
            }

            async fn finish_key(&self, key: &[u8], answer: &[u8]) -> Result<(), crate::StoreError> {
                super::queries::finish_key(&self.$write, key, answer).await
            }

            async fn release_key(&self, key: &[u8]) -> Result<(), crate::StoreError> {
                super::queries::release_key(&self.$write, key).await
            }

            async fn sweep_keys(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, crate::StoreError> {
                super::queries::sweep_keys(&self.$write, before).await
            }
        }
    };
}

pub(crate) use {
    account_store_impl, calendar_feeds_impl, event_log_impl, idempotency_keys_impl,
    mail_store_impl, view_store_impl,
};
