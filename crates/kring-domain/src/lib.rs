//! Kring's domain: the circle around a person who needs care, the accounts of
//! the people in it, the organisations that support circles and their volunteers.
//!
//! Pure: no IO, no clock, no randomness. Time comes in through [`Services`],
//! ids and sealed personal data come in with the commands.

mod account;
pub mod circle;
mod error;
mod ids;
pub mod matching;
mod organisation;
mod sealed;
mod services;
mod typed;
pub mod upcasters;
mod vocabulary;
mod volunteer;

pub use account::{Account, AccountCommand, AccountEvent};
pub use circle::audience::{audience, may_see, Audience, Viewer};
pub use circle::commands::{Action, Actor, CircleCommand};
pub use circle::events::{CircleEvent, EndReason, InvitedAs, Recurrence, ThanksFor};
pub use circle::Circle;
pub use error::{DomainError, Refusal, RefusalKind};
pub use ids::*;
pub use organisation::{
    Organisation, OrganisationAction, OrganisationCommand, OrganisationEvent, Thresholds,
};
pub use sealed::Sealed;
pub use services::{Clock, FixedClock, Services, SystemClock};
pub use typed::hidden_character;
pub use vocabulary::{
    Capacity, Category, ConsentScope, Kind, Looked, Minutes, Ring, TimeWindow, Visibility,
};
pub use volunteer::{
    Neighbourhood, PartOfDay, Profile, Slot, Status as VolunteerStatus, Volunteer, VolunteerAction,
    VolunteerCommand, VolunteerEvent,
};
