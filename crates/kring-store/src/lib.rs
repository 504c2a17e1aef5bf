//! Kring's store: the event log and what is kept beside it, in one database.
//!
//! Two backends: [`PgLog`] (production) and [`SqliteLog`] (the embedded default).
//! Every event lives in one stream, has a gapless version in that stream, a
//! unique id, a global position, and the hash of its predecessor in the stream
//! (a hash chain). This crate knows no domain type: payloads are JSON values.
//!
//! Each concern has its own trait ([`EventLog`], [`ViewStore`], [`PersonKeys`],
//! [`AccountStore`], [`CalendarFeeds`], [`MailStore`], [`IdempotencyKeys`], [`KeyEraser`]); [`Store`] and
//! [`ReadSide`] bundle them, so one backend is handed out as the narrow trait
//! objects each crate needs (see the `store` module).

mod accounts;
mod calendar;
mod chain;
mod cqrs;
mod error;
mod event;
mod id_seed;
mod idempotency;
mod keys;
mod leadership;
mod log;
mod mail;
pub mod metadata;
mod open;
mod postgres;
mod rows;
mod shared;
mod sqlite;
mod store;
mod stream_name;
mod subscription;
mod verify;
mod views;

pub use accounts::{AccountStore, Credentials, Session};
pub use calendar::{CalendarFeed, CalendarFeeds, CalendarScope};
pub use chain::{event_hash, Hash, GENESIS_HASH};
pub use cqrs::LogRepository;
pub use error::StoreError;
pub use event::{Appended, ExpectedVersion, GlobalCursor, NewEvent, RecordedEvent, StreamHead};
pub use id_seed::IdSeed;
pub use idempotency::{IdempotencyKeys, KeyRecord};
pub use keys::{KeyEraser, PersonKey, PersonKeys};
pub use leadership::Lease;
pub use log::{Backend, EventLog};
pub use mail::{MailLink, MailStore, OutboxMessage, OutboxRow, OutboxStatus};
pub use open::{open, open_key_eraser, Durability, OpenOptions};
pub use postgres::PgLog;
pub use sqlite::SqliteLog;
pub use store::{Forgetting, ReadSide, Store};
pub use stream_name::{StreamKind, StreamName};
pub use subscription::Subscription;
pub use verify::{verify_all, verify_stream, ChainBreak, VerifyReport};
pub use views::{ViewRow, ViewStore};
