//! One backend, handed out by concern.
//!
//! Each concern kept in the database has its own trait: [`EventLog`] (the log),
//! [`ViewStore`] (read models, checkpoints, leases), [`PersonKeys`],
//! [`AccountStore`] (credentials, sessions, server secrets), [`CalendarFeeds`],
//! [`MailStore`] (the outbox, mail links and mail settings) and
//! [`IdempotencyKeys`] (what requests with an `Idempotency-Key` did).
//! Both backends implement all of them.
//!
//! The same backend is handed out as several trait objects through supertraits:
//! [`Store`] is every concern but one, [`ReadSide`] is the log with its views.
//! `Arc<dyn Store>` coerces to `Arc<dyn ReadSide>`, `Arc<dyn EventLog>`,
//! `Arc<dyn PersonKeys>` and so on (trait upcasting), so whoever opened the store
//! passes each crate the narrowest trait object it needs, without wrappers:
//! kring-live takes an `Arc<dyn EventLog>`, kring-views an `Arc<dyn ReadSide>`,
//! kring-app's vault an `Arc<dyn PersonKeys>`.
//!
//! Destroying a person key is the one concern [`Store`] leaves out: the
//! [`KeyEraser`] comes only from [`open_key_eraser`](crate::open_key_eraser), as
//! part of [`Forgetting`], and the application's `Forgetter` is its one user.

use crate::{
    AccountStore, CalendarFeeds, EventLog, IdempotencyKeys, KeyEraser, MailStore, PersonKeys,
    ViewStore,
};

/// The log and what its readers keep beside it: what a projector needs.
pub trait ReadSide: EventLog + ViewStore {}

impl<T: EventLog + ViewStore> ReadSide for T {}

/// Every concern of one database except destroying person keys.
pub trait Store:
    ReadSide + PersonKeys + AccountStore + CalendarFeeds + MailStore + IdempotencyKeys
{
}

impl<T: ReadSide + PersonKeys + AccountStore + CalendarFeeds + MailStore + IdempotencyKeys> Store
    for T
{
}

/// What erasing a person changes: everything [`Store`] can (their leaving is
/// recorded in the log, their credentials, sessions, feeds and mail go), and
/// their key is destroyed.
pub trait Forgetting: Store + KeyEraser {}

impl<T: Store + KeyEraser> Forgetting for T {}
