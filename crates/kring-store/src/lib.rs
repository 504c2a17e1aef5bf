//! Kring's event log.
//!
//! One [`EventLog`] trait, two backends: [`PgLog`] (production) and [`SqliteLog`] (the embedded
//! default). Every event lives in one stream, has a gapless version in that stream, a unique id,
//! a global position, and the hash of its predecessor in the stream (a hash chain).
//! This crate knows no domain type: payloads are JSON values.

mod accounts;
mod calendar;
mod chain;
mod cqrs;
mod error;
mod event;
mod leadership;
mod log;
mod open;
mod postgres;
mod sqlite;
mod subscription;
mod verify;

pub use accounts::{Credentials, Session};
pub use calendar::{CalendarFeed, CalendarScope};
pub use chain::{event_hash, Hash, GENESIS_HASH};
pub use cqrs::{stream_name, LogRepository};
pub use error::StoreError;
pub use event::{Appended, ExpectedVersion, GlobalCursor, NewEvent, RecordedEvent, StreamHead};
pub use leadership::Lease;
pub use log::{Backend, EventLog, PersonKey, ViewRow};
pub use open::{open, Durability, OpenOptions};
pub use postgres::PgLog;
pub use sqlite::SqliteLog;
pub use subscription::Subscription;
pub use verify::{verify_all, verify_stream, ChainBreak, VerifyReport};
