//! Between the domain's words and the wire's: every translation of a domain
//! event or enum into `kring_protocol::v1` (and back) lives here, once.
//!
//! Why here: kring-protocol knows no domain type (clients depend on it alone)
//! and kring-domain knows no wire, so the translation needs a crate above both.
//! kring-live is the lowest such crate (it depends on kring-domain and
//! kring-protocol, and makes every live frame); kring-server depends on
//! kring-live and uses this module for exports and for the words of every
//! handler (`kring-server/src/api/wire.rs` re-exports it), so neither keeps a
//! copy of its own. Nothing here does IO.
//!
//! Events: [`event`] maps a [`CircleEvent`] to the protocol's [`v1::Event`]
//! field by field, so renaming a field of a domain event does not change the
//! API. Sealed personal text passes through one function that the caller
//! chooses: left out in live frames ([`event_without_personal_text`]), opened
//! in exports (see [`sealed_in`]).

use kring_domain::{
    Capacity, Category, CircleEvent, ConsentScope, EndReason, InvitedAs, Recurrence, Ring, Sealed,
    ThanksFor, Visibility,
};
use kring_protocol::v1;

/// An event as clients see it; each sealed field becomes what `text`
/// makes of it (`None`: `null` on the wire).
pub fn event(event: &CircleEvent, mut text: impl FnMut(&Sealed) -> Option<String>) -> v1::Event {
    use v1::Event as W;
    use CircleEvent as E;
    // No wildcard: a new kind of event does not compile until it is mapped.
    match event {
        E::CircleCreated {
            circle,
            focus,
            focus_name,
            coordinator,
            time_zone,
            at,
        } => W::CircleCreated {
            circle: circle.0,
            focus: focus.0,
            focus_name: text(focus_name),
            coordinator: coordinator.0,
            time_zone: time_zone.clone(),
            at: *at,
        },
        E::InvitationIssued {
            invitation,
            ring: r,
            role: invited_as,
            task,
            token_hash,
            expires_at,
            by,
        } => W::InvitationIssued {
            invitation: invitation.0,
            ring: ring(*r),
            role: role(*invited_as),
            task: task.map(|t| t.0),
            token_hash: token_hash.clone(),
            expires_at: *expires_at,
            by: by.0,
        },
        E::InvitationRevoked { invitation, by } => W::InvitationRevoked {
            invitation: invitation.0,
            by: by.0,
        },
        E::MemberJoined {
            invitation,
            person,
            ring: r,
            coordinator,
            task,
        } => W::MemberJoined {
            invitation: invitation.0,
            person: person.0,
            ring: ring(*r),
            coordinator: *coordinator,
            task: task.map(|t| t.0),
        },
        E::MemberRingChanged {
            person,
            ring: r,
            by,
        } => W::MemberRingChanged {
            person: person.0,
            ring: ring(*r),
            by: by.0,
        },
        E::CoordinatorAppointed { person, by } => W::CoordinatorAppointed {
            person: person.0,
            by: by.0,
        },
        E::CoordinatorStepped { person, by } => W::CoordinatorStepped {
            person: person.0,
            by: by.0,
        },
        E::CoordinationOffered { to, by } => W::CoordinationOffered { to: to.0, by: by.0 },
        E::CoordinationAnswered { to, accepted } => W::CoordinationAnswered {
            to: to.0,
            accepted: *accepted,
        },
        E::MemberLeft { person, at } => W::MemberLeft {
            person: person.0,
            at: *at,
        },
        E::MemberRemoved { person, by, at } => W::MemberRemoved {
            person: person.0,
            by: by.0,
            at: *at,
        },
        E::HelpRequested {
            request,
            category: c,
            window,
            duration,
            details,
            asked_by,
            on_behalf_of_focus,
        } => W::HelpRequested {
            request: request.0,
            category: category(*c),
            window: v1::Window {
                start: window.start(),
                end: window.end(),
            },
            duration: duration.get(),
            details: text(details),
            asked_by: asked_by.0,
            on_behalf_of_focus: *on_behalf_of_focus,
        },
        E::RequestChanged {
            request,
            window,
            duration,
            details,
            by,
        } => W::RequestChanged {
            request: request.0,
            window: v1::Window {
                start: window.start(),
                end: window.end(),
            },
            duration: duration.get(),
            details: text(details),
            by: by.0,
        },
        E::RequestPlaceNoted { request, place } => W::RequestPlaceNoted {
            request: request.0,
            place: text(place),
        },
        E::RequestWidened { request, to, by } => W::RequestWidened {
            request: request.0,
            to: ring(*to),
            by: by.0,
        },
        E::RequestTaken { request, by } => W::RequestTaken {
            request: request.0,
            by: by.0,
        },
        E::RequestConfirmed { request, by } => W::RequestConfirmed {
            request: request.0,
            by: by.0,
        },
        E::RequestDone { request, by } => W::RequestDone {
            request: request.0,
            by: by.0,
        },
        E::RequestCancelled { request, by } => W::RequestCancelled {
            request: request.0,
            by: by.0,
        },
        E::NoShowRecorded {
            request,
            helper,
            by,
        } => W::NoShowRecorded {
            request: request.0,
            helper: helper.0,
            by: by.0,
        },
        E::ThanksGiven {
            thanks_for,
            from,
            to,
            note,
        } => W::ThanksGiven {
            thanks_for: match thanks_for {
                ThanksFor::Request(request) => v1::ThankedFor::Request(request.0),
                ThanksFor::Shift(shift, date) => {
                    v1::ThankedFor::Shift(v1::ShiftDate(shift.0, *date))
                }
                ThanksFor::Entry(entry) => v1::ThankedFor::Entry(entry.0),
            },
            from: from.0,
            to: to.0,
            note: note.as_ref().and_then(&mut text),
        },
        E::OfferMade {
            offer,
            by,
            will,
            wont,
            capacity: c,
            note,
        } => W::OfferMade {
            offer: offer.0,
            by: by.0,
            will: will.iter().copied().map(category).collect(),
            wont: wont.iter().copied().map(category).collect(),
            capacity: capacity(*c),
            note: note.as_ref().and_then(&mut text),
        },
        E::OfferWithdrawn { offer, by } => W::OfferWithdrawn {
            offer: offer.0,
            by: by.0,
        },
        E::OfferChanged {
            offer,
            by,
            will,
            wont,
            capacity: c,
            note,
        } => W::OfferChanged {
            offer: offer.0,
            by: by.0,
            will: will.iter().copied().map(category).collect(),
            wont: wont.iter().copied().map(category).collect(),
            capacity: capacity(*c),
            note: note.as_ref().and_then(&mut text),
        },
        E::ShiftScheduled {
            shift,
            title,
            starts,
            duration,
            recurrence,
            helpers_needed,
            rings,
            by,
        } => W::ShiftScheduled {
            shift: shift.0,
            title: text(title),
            starts: *starts,
            duration: duration.get(),
            recurrence: match recurrence {
                Recurrence::Once => v1::Recurrence::Once,
                Recurrence::Weekly { until } => v1::Recurrence::Weekly { until: *until },
                Recurrence::EveryWeeks { weeks, until } => v1::Recurrence::EveryWeeks {
                    weeks: *weeks,
                    until: *until,
                },
            },
            helpers_needed: *helpers_needed,
            rings: rings.iter().copied().map(ring).collect(),
            by: by.0,
        },
        E::ShiftDateSkipped { shift, date, by } => W::ShiftDateSkipped {
            shift: shift.0,
            date: *date,
            by: by.0,
        },
        E::ShiftSeriesEnded { shift, from, by } => W::ShiftSeriesEnded {
            shift: shift.0,
            from: *from,
            by: by.0,
        },
        E::ShiftDateChanged {
            shift,
            date,
            time,
            duration,
            by,
        } => W::ShiftDateChanged {
            shift: shift.0,
            date: *date,
            time: *time,
            duration: duration.get(),
            by: by.0,
        },
        E::ShiftSeriesChanged {
            shift,
            from,
            time,
            duration,
            by,
        } => W::ShiftSeriesChanged {
            shift: shift.0,
            from: *from,
            time: *time,
            duration: duration.get(),
            by: by.0,
        },
        E::ShiftClaimed { shift, date, by } => W::ShiftClaimed {
            shift: shift.0,
            date: *date,
            by: by.0,
        },
        E::ShiftReleased {
            shift,
            date,
            by,
            reason,
        } => W::ShiftReleased {
            shift: shift.0,
            date: *date,
            by: by.0,
            reason: text(reason),
        },
        E::SwapProposed {
            swap,
            shift,
            date,
            from,
            to,
        } => W::SwapProposed {
            swap: swap.0,
            shift: shift.0,
            date: *date,
            from: from.0,
            to: to.0,
        },
        E::SwapAccepted { swap, by } => W::SwapAccepted {
            swap: swap.0,
            by: by.0,
        },
        E::SwapDeclined { swap, by } => W::SwapDeclined {
            swap: swap.0,
            by: by.0,
        },
        E::LogbookEntryWritten {
            entry,
            author,
            visibility: v,
            text: written,
        } => W::LogbookEntryWritten {
            entry: entry.0,
            author: author.0,
            visibility: visibility(*v),
            text: text(written),
        },
        E::LogbookEntryRedacted { entry, by } => W::LogbookEntryRedacted {
            entry: entry.0,
            by: by.0,
        },
        E::ConsentGranted {
            organisation,
            scope: s,
            from,
            by,
        } => W::ConsentGranted {
            organisation: organisation.0,
            scope: scope(*s),
            from: *from,
            by: by.0,
        },
        E::ConsentRevoked { organisation, by } => W::ConsentRevoked {
            organisation: organisation.0,
            by: by.0,
        },
        E::IntermediaryLooked {
            organisation,
            person,
            scope: s,
            what,
            at,
        } => W::IntermediaryLooked {
            organisation: organisation.0,
            person: person.0,
            scope: scope(*s),
            what: what.code().to_owned(),
            at: *at,
        },
        E::NeighbourhoodNamed { neighbourhood, by } => W::NeighbourhoodNamed {
            neighbourhood: neighbourhood.as_ref().map(ToString::to_string),
            by: by.0,
        },
        E::RequestListed {
            request,
            organisation,
            summary,
            by,
        } => W::RequestListed {
            request: request.0,
            organisation: organisation.0,
            summary: text(summary),
            by: by.0,
        },
        E::VolunteerProposed {
            request,
            organisation,
            volunteer,
            note,
            by,
        } => W::VolunteerProposed {
            request: request.0,
            organisation: organisation.0,
            volunteer: volunteer.0,
            note: note.as_ref().and_then(&mut text),
            by: by.0,
        },
        E::VolunteerAccepted {
            request,
            volunteer,
            by,
        } => W::VolunteerAccepted {
            request: request.0,
            volunteer: volunteer.0,
            by: by.0,
        },
        E::VolunteerDeclined {
            request,
            volunteer,
            by,
        } => W::VolunteerDeclined {
            request: request.0,
            volunteer: volunteer.0,
            by: by.0,
        },
        E::PlaceOffered {
            volunteer,
            invitation,
            by,
        } => W::PlaceOffered {
            volunteer: volunteer.0,
            invitation: invitation.0,
            by: by.0,
        },
        E::PlaceAnswered {
            volunteer,
            accepted,
        } => W::PlaceAnswered {
            volunteer: volunteer.0,
            accepted: *accepted,
        },
        E::CirclePaused { by, at, message } => W::CirclePaused {
            by: by.0,
            at: *at,
            message: message.as_ref().and_then(&mut text),
        },
        E::CircleResumed { by, at } => W::CircleResumed { by: by.0, at: *at },
        E::CircleEnded {
            reason,
            message,
            by,
            at,
        } => W::CircleEnded {
            reason: end_reason(*reason),
            message: message.as_ref().and_then(&mut text),
            by: by.0,
            at: *at,
        },
        E::FocusClaimed {
            invitation,
            person,
            was,
            name,
        } => W::FocusClaimed {
            invitation: invitation.0,
            person: person.0,
            was: was.0,
            name: text(name),
        },
        E::CircleSetUp { organisation, by } => W::CircleSetUp {
            organisation: organisation.0,
            by: by.0,
        },
        E::CircleHandedOver {
            organisation,
            from,
            to,
        } => W::CircleHandedOver {
            organisation: organisation.0,
            from: from.0,
            to: to.0,
        },
    }
}

/// An event for many readers at once (a live frame): every sealed field `null`.
pub fn event_without_personal_text(event: &CircleEvent) -> v1::Event {
    self::event(event, |_| None)
}

/// The sealed fields of an event, in the order [`event`] meets them: what an
/// export opens (asynchronously) before it maps the event with the texts.
pub fn sealed_in(event: &CircleEvent) -> Vec<Sealed> {
    let mut sealed = vec![];
    self::event(event, |s| {
        sealed.push(s.clone());
        None
    });
    sealed
}

// ---- words ----------------------------------------------------------------

pub fn ring(ring: Ring) -> v1::Ring {
    match ring {
        Ring::Warm => v1::Ring::Warm,
        Ring::Lukewarm => v1::Ring::Lukewarm,
        Ring::Cold => v1::Ring::Cold,
    }
}

pub fn domain_ring(ring: v1::Ring) -> Ring {
    match ring {
        v1::Ring::Warm => Ring::Warm,
        v1::Ring::Lukewarm => Ring::Lukewarm,
        v1::Ring::Cold => Ring::Cold,
    }
}

pub fn category(category: Category) -> v1::Category {
    use Category::*;
    match category {
        Groceries => v1::Category::Groceries,
        Transport => v1::Category::Transport,
        Chores => v1::Category::Chores,
        OddJobs => v1::Category::OddJobs,
        Visit => v1::Category::Visit,
        Walk => v1::Category::Walk,
        Coffee => v1::Category::Coffee,
        Finances => v1::Category::Finances,
        Paperwork => v1::Category::Paperwork,
        EmotionalSupport => v1::Category::EmotionalSupport,
        Washing => v1::Category::Washing,
        Dressing => v1::Category::Dressing,
        Medication => v1::Category::Medication,
    }
}

pub fn domain_category(category: v1::Category) -> Category {
    use v1::Category::*;
    match category {
        Groceries => Category::Groceries,
        Transport => Category::Transport,
        Chores => Category::Chores,
        OddJobs => Category::OddJobs,
        Visit => Category::Visit,
        Walk => Category::Walk,
        Coffee => Category::Coffee,
        Finances => Category::Finances,
        Paperwork => Category::Paperwork,
        EmotionalSupport => Category::EmotionalSupport,
        Washing => Category::Washing,
        Dressing => Category::Dressing,
        Medication => Category::Medication,
    }
}

pub fn visibility(visibility: Visibility) -> v1::Visibility {
    match visibility {
        Visibility::WarmOnly => v1::Visibility::WarmOnly,
        Visibility::WarmAndLukewarm => v1::Visibility::WarmAndLukewarm,
        Visibility::WholeCircle => v1::Visibility::WholeCircle,
    }
}

pub fn domain_visibility(visibility: v1::Visibility) -> Visibility {
    match visibility {
        v1::Visibility::WarmOnly => Visibility::WarmOnly,
        v1::Visibility::WarmAndLukewarm => Visibility::WarmAndLukewarm,
        v1::Visibility::WholeCircle => Visibility::WholeCircle,
    }
}

pub fn scope(scope: ConsentScope) -> v1::Scope {
    match scope {
        ConsentScope::Signals => v1::Scope::Signals,
        ConsentScope::Full => v1::Scope::Full,
    }
}

pub fn domain_scope(scope: v1::Scope) -> ConsentScope {
    match scope {
        v1::Scope::Signals => ConsentScope::Signals,
        v1::Scope::Full => ConsentScope::Full,
    }
}

pub fn capacity(capacity: Capacity) -> v1::Capacity {
    match capacity {
        Capacity::HoursPerWeek(hours) => v1::Capacity::HoursPerWeek(hours),
        Capacity::TasksPerMonth(tasks) => v1::Capacity::TasksPerMonth(tasks),
    }
}

pub fn domain_capacity(capacity: v1::Capacity) -> Capacity {
    match capacity {
        v1::Capacity::HoursPerWeek(hours) => Capacity::HoursPerWeek(hours),
        v1::Capacity::TasksPerMonth(tasks) => Capacity::TasksPerMonth(tasks),
    }
}

pub fn role(role: InvitedAs) -> v1::Role {
    match role {
        InvitedAs::Member => v1::Role::Member,
        InvitedAs::Coordinator => v1::Role::Coordinator,
        InvitedAs::Focus => v1::Role::Focus,
    }
}

pub fn domain_role(role: v1::Role) -> InvitedAs {
    match role {
        v1::Role::Member => InvitedAs::Member,
        v1::Role::Coordinator => InvitedAs::Coordinator,
        v1::Role::Focus => InvitedAs::Focus,
    }
}

pub fn end_reason(reason: EndReason) -> v1::EndReason {
    match reason {
        EndReason::Recovered => v1::EndReason::Recovered,
        EndReason::MovedToCareHome => v1::EndReason::MovedToCareHome,
        EndReason::Died => v1::EndReason::Died,
        EndReason::Other => v1::EndReason::Other,
    }
}

pub fn domain_end_reason(reason: v1::EndReason) -> EndReason {
    match reason {
        v1::EndReason::Recovered => EndReason::Recovered,
        v1::EndReason::MovedToCareHome => EndReason::MovedToCareHome,
        v1::EndReason::Died => EndReason::Died,
        v1::EndReason::Other => EndReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each word crosses the wire and back, and is the same word on both sides.
    macro_rules! same_word {
        ($domain:expr, $to:ident, $back:ident) => {{
            let domain = $domain;
            assert_eq!($back($to(domain)), domain);
            assert_eq!(
                serde_json::to_value(domain).unwrap(),
                serde_json::to_value($to(domain)).unwrap(),
                "{domain:?}"
            );
        }};
    }

    #[test]
    fn every_word_crosses_the_wire_and_back() {
        for c in Category::ALL {
            same_word!(c, category, domain_category);
        }
        for r in Ring::ALL {
            same_word!(r, ring, domain_ring);
        }
        for v in [
            Visibility::WarmOnly,
            Visibility::WarmAndLukewarm,
            Visibility::WholeCircle,
        ] {
            same_word!(v, visibility, domain_visibility);
        }
        for s in [ConsentScope::Signals, ConsentScope::Full] {
            same_word!(s, scope, domain_scope);
        }
        for c in [Capacity::HoursPerWeek(4), Capacity::TasksPerMonth(2)] {
            same_word!(c, capacity, domain_capacity);
        }
        for r in [InvitedAs::Member, InvitedAs::Coordinator] {
            same_word!(r, role, domain_role);
        }
        for r in EndReason::ALL {
            same_word!(r, end_reason, domain_end_reason);
        }
    }
}
