//! Reaching people when Kring is not open: notifications are one more
//! projection of the log. See ARCHITECTURE.md ("kring-notify").

pub mod notices;
pub mod schedule;
pub mod text;
pub mod transport;
