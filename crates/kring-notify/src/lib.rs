//! Reaching people when Kring is not open: notifications are one more
//! projection of the log. See ARCHITECTURE.md ("kring-notify").

pub mod direct;
pub mod links;
pub mod notices;
pub mod notifier;
pub mod reminders;
pub mod schedule;
pub mod sender;
pub mod settings;
pub mod text;
pub mod transport;
