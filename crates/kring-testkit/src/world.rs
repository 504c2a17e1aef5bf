//! The small fixed world of the hand-written tests (the domain's
//! given/when/then tests and the views' folds): a circle around FOCUS,
//! created by COORD, with fixed ids, and builders for the events they give.
//! Sealed text here is a marker, not ciphertext: the domain checks only its owner.

use chrono::{NaiveDate, NaiveDateTime};
use kring_domain::*;
use uuid::Uuid;

pub const FOCUS: PersonId = PersonId(Uuid::from_u128(1));
pub const COORD: PersonId = PersonId(Uuid::from_u128(2));
pub const WARM: PersonId = PersonId(Uuid::from_u128(3));
pub const LUKEWARM: PersonId = PersonId(Uuid::from_u128(4));
pub const VOLUNTEER: PersonId = PersonId(Uuid::from_u128(5));
pub const STRANGER: PersonId = PersonId(Uuid::from_u128(6));
pub const ORG: OrganisationId = OrganisationId(Uuid::from_u128(100));
/// ORG's intermediary.
pub const SOCIAL_WORKER: PersonId = PersonId(Uuid::from_u128(101));
pub const CIRCLE: CircleId = CircleId(Uuid::from_u128(1000));

/// Any id from a small number.
pub fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

/// `text` as if sealed with `owner`'s key.
pub fn sealed(owner: PersonId, text: &str) -> Sealed {
    Sealed {
        owner,
        data: format!("sealed:{text}"),
    }
}

pub fn mins(n: u16) -> Minutes {
    Minutes::new(n).unwrap()
}

/// `hour`:00 on `date`, in the circle's own time zone.
pub fn local(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0).unwrap()
}

/// `person` joins `ring` as a member (not a coordinator, without a task) on an
/// invitation of their own.
pub fn joined(person: PersonId, ring: Ring) -> CircleEvent {
    CircleEvent::MemberJoined {
        invitation: id(person.0.as_u128() + 500),
        person,
        ring,
        coordinator: false,
        task: None,
    }
}

pub fn written(entry: EntryId, author: PersonId, visibility: Visibility) -> CircleEvent {
    CircleEvent::LogbookEntryWritten {
        entry,
        author,
        visibility,
        text: sealed(author, "Mam heeft goed gegeten"),
    }
}

pub fn redacted(entry: EntryId, by: PersonId) -> CircleEvent {
    CircleEvent::LogbookEntryRedacted { entry, by }
}

/// COORD widens `request` to `to`.
pub fn widened(request: RequestId, to: Ring) -> CircleEvent {
    CircleEvent::RequestWidened {
        request,
        to,
        by: COORD,
    }
}

pub fn taken(request: RequestId, by: PersonId) -> CircleEvent {
    CircleEvent::RequestTaken { request, by }
}

pub fn done(request: RequestId, by: PersonId) -> CircleEvent {
    CircleEvent::RequestDone { request, by }
}
