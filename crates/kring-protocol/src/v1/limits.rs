//! The bounds the server holds what clients send to, as numbers a client can
//! read. The request types spell the same numbers in their schema attributes
//! (utoipa takes only literals there), so `proto/openapi.json` states them;
//! `kring-server/tests/limits.rs` checks that each attribute is the constant
//! and that the real server accepts a value at each bound and refuses one
//! just past it. Texts count characters (Unicode scalar values, as JSON
//! Schema's `maxLength` does), after trimming.

/// A person's name, and the name of the person a circle is for.
pub const NAME_CHARS: usize = 100;
/// An e-mail address.
pub const EMAIL_CHARS: usize = 254;
/// The fewest characters of a password.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// The most characters of a password.
pub const PASSWORD_MAX_CHARS: usize = 1000;
/// An organisation's public name.
pub const ORGANISATION_NAME_CHARS: usize = 120;
/// A logbook entry.
pub const ENTRY_CHARS: usize = 5000;
/// What a request for help asks.
pub const DETAILS_CHARS: usize = 2000;
/// The address of a request for help.
pub const PLACE_CHARS: usize = 300;
/// The note of an offer or a thank-you.
pub const NOTE_CHARS: usize = 1000;
/// A shift's title.
pub const TITLE_CHARS: usize = 200;
/// Why someone steps down from a shift.
pub const REASON_CHARS: usize = 500;
/// The fewest minutes a request or a shift takes.
pub const MIN_MINUTES: u16 = 5;
/// The most minutes a request takes.
pub const MAX_MINUTES: u16 = 720;
/// A shift's longest: three days (a weekend's stay and more).
pub const MAX_SHIFT_MINUTES: u16 = 4320;
/// The most people one date of a shift needs.
pub const MAX_HELPERS: u8 = 10;
/// The most hours a week someone can offer.
pub const MAX_HOURS_PER_WEEK: u16 = 80;
/// The most tasks a month someone can offer.
pub const MAX_TASKS_PER_MONTH: u16 = 60;
/// The most days an invitation works.
pub const MAX_INVITATION_DAYS: u32 = 30;
/// The most days one read of the rota covers.
pub const MAX_ROTA_DAYS: u32 = 62;
/// The most hours before a shift a reminder can come.
pub const MAX_REMIND_HOURS: u8 = 48;
/// The highest threshold of open places an organisation can set.
pub const MAX_OPEN_PLACES: u32 = 500;
/// The highest threshold of silent days an organisation can set.
pub const MAX_SILENT_DAYS: u32 = 365;
/// The most items of one page of a list (logbook, request history, looks, export).
pub const PAGE_ITEMS: usize = 100;
/// The items of a page when the client does not say.
pub const PAGE_DEFAULT_ITEMS: usize = 50;
/// The newest logbook entries a circle's overview carries (the rest: its logbook's pages).
pub const OVERVIEW_ENTRIES: usize = 10;
/// What a coordinator writes for strangers when listing a request on a marketplace.
pub const SUMMARY_CHARS: usize = 280;
/// A neighbourhood: a four-digit postcode area or a district's name.
pub const NEIGHBOURHOOD_CHARS: usize = 60;
