//! Who may see which event. The read side and the live push both ask this one
//! module; nothing else decides visibility.
//!
//! The audience is computed against the circle as it is *now*, so a change of
//! ring, role or consent applies at once, to old events too.

use chrono::{DateTime, Utc};

use crate::circle::commands::Actor;
use crate::circle::events::CircleEvent;
use crate::circle::state::Circle;
use crate::{ConsentScope, OrganisationId, PersonId, RequestId, Ring};

/// Someone looking at a circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    Member {
        person: PersonId,
        ring: Ring,
        coordinator: bool,
        focus: bool,
        task: Option<RequestId>,
    },
    /// Someone of an organisation the circle consented to.
    Intermediary {
        person: PersonId,
        organisation: OrganisationId,
        scope: ConsentScope,
    },
    /// Everyone else: sees nothing, not even that the circle exists.
    Outsider,
}

impl Viewer {
    /// Who `actor` is to `circle` at `now`.
    pub fn of(circle: &Circle, actor: Actor, now: DateTime<Utc>) -> Viewer {
        if !circle.exists() {
            return Viewer::Outsider;
        }
        if let Some(organisation) = actor.organisation {
            return match circle.consent_at(organisation, now) {
                Some(scope) => Viewer::Intermediary {
                    person: actor.person,
                    organisation,
                    scope,
                },
                None => Viewer::Outsider,
            };
        }
        match circle.member(actor.person) {
            Some(m) => Viewer::Member {
                person: actor.person,
                ring: m.ring,
                coordinator: m.coordinator,
                focus: circle.is_focus(actor.person),
                task: m.task,
            },
            None => Viewer::Outsider,
        }
    }

    pub fn sees_circle(&self) -> bool {
        !matches!(self, Viewer::Outsider)
    }
}

/// The people an event is for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    /// Members of this ring and every closer ring.
    pub rings_up_to: Option<Ring>,
    pub coordinators: bool,
    pub focus: bool,
    /// Named people, whatever their ring.
    pub people: Vec<PersonId>,
    /// Cold-ring volunteers matched to this request.
    pub task: Option<RequestId>,
    /// Intermediaries whose consent has at least this scope...
    pub intermediaries: Option<ConsentScope>,
    /// ...and, when set, only those of this organisation.
    pub organisation: Option<OrganisationId>,
}

impl Audience {
    pub fn includes(&self, viewer: &Viewer) -> bool {
        match *viewer {
            Viewer::Outsider => false,
            Viewer::Intermediary {
                scope,
                organisation,
                ..
            } => {
                self.intermediaries.is_some_and(|needed| scope >= needed)
                    && self.organisation.is_none_or(|only| only == organisation)
            }
            Viewer::Member {
                person,
                ring,
                coordinator,
                focus,
                task,
            } => {
                self.rings_up_to.is_some_and(|widest| ring <= widest)
                    || (self.coordinators && coordinator)
                    || (self.focus && focus)
                    || self.people.contains(&person)
                    || (self.task.is_some() && task == self.task)
            }
        }
    }
}

/// Whether `viewer` may see `event` in `circle` as it is now.
pub fn may_see(circle: &Circle, event: &CircleEvent, viewer: &Viewer) -> bool {
    audience(circle, event).includes(viewer)
}

/// Who may see `event`, judged against `circle` as it is after the event:
/// the one table of visibility that the views, the API, exports and the live
/// hub all follow. Rings, coordinators, the focus person, the people an event
/// names, and organisations under consent each get what the rules allow;
/// personal text never reaches further than its writer chose.
pub fn audience(circle: &Circle, event: &CircleEvent) -> Audience {
    use CircleEvent::*;
    let coordinators = Audience {
        coordinators: true,
        ..Audience::default()
    };
    match event {
        // Which circle this is: every member, and organisations with any consent.
        // The whole circle hears of its life; organisations that look along
        // see that it paused (an ending revokes their consent first).
        CirclePaused { .. } | CircleResumed { .. } | CircleEnded { .. } => Audience {
            rings_up_to: Some(Ring::Cold),
            intermediaries: Some(ConsentScope::Signals),
            ..coordinators
        },
        CircleCreated { .. } => Audience {
            rings_up_to: Some(Ring::Cold),
            intermediaries: Some(ConsentScope::Signals),
            ..coordinators
        },
        // Invitations carry the hash of a secret link: coordinators only.
        InvitationIssued { .. } | InvitationRevoked { .. } => coordinators,
        // Who is in the circle: warm and lukewarm rings, the person concerned,
        // and organisations with full consent. A volunteer sees only themself.
        // Asking someone to take over: the coordinators and the one asked.
        CoordinationOffered { to, .. } | CoordinationAnswered { to, .. } => Audience {
            people: vec![*to],
            ..coordinators
        },
        // Who set the circle up, and its hand-over to the family: on the
        // circle's record for the same people as who is in it.
        CircleSetUp { by: from, .. } | CircleHandedOver { from, .. } => Audience {
            rings_up_to: Some(Ring::Lukewarm),
            people: vec![*from],
            intermediaries: Some(ConsentScope::Full),
            ..coordinators
        },
        MemberJoined { person, .. }
        | FocusClaimed { person, .. }
        | MemberRingChanged { person, .. }
        | CoordinatorAppointed { person, .. }
        | CoordinatorStepped { person, .. }
        | MemberLeft { person, .. }
        | MemberRemoved { person, .. } => Audience {
            rings_up_to: Some(Ring::Lukewarm),
            people: vec![*person],
            intermediaries: Some(ConsentScope::Full),
            ..coordinators
        },
        HelpRequested { request, .. }
        | RequestChanged { request, .. }
        | RequestWidened { request, .. }
        | RequestTaken { request, .. }
        | RequestConfirmed { request, .. }
        | RequestDone { request, .. }
        | RequestCancelled { request, .. } => request_audience(circle, *request),
        // The address: only whoever asked, whoever took it, and the coordinators.
        RequestPlaceNoted { request, .. } => {
            let mut people = vec![];
            if let Some(r) = circle.requests.get(request) {
                people.push(r.asked_by);
                people.extend(r.taker);
            }
            Audience {
                people,
                ..coordinators
            }
        }
        // Not a public mark against anyone.
        NoShowRecorded {
            request,
            helper,
            by,
        } => {
            let mut people = vec![*helper, *by];
            people.extend(circle.requests.get(request).map(|r| r.asked_by));
            Audience {
                people,
                ..coordinators
            }
        }
        // Reciprocity is private: the two people and the coordinators.
        ThanksGiven { from, to, .. } => Audience {
            people: vec![*from, *to],
            ..coordinators
        },
        OfferMade { by, .. } | OfferWithdrawn { by, .. } | OfferChanged { by, .. } => Audience {
            rings_up_to: Some(Ring::Warm),
            people: vec![offer_owner(circle, event).unwrap_or(*by)],
            ..coordinators
        },
        // The rota: warm and lukewarm rings; organisations with full consent.
        ShiftScheduled { .. }
        | ShiftDateSkipped { .. }
        | ShiftSeriesEnded { .. }
        | ShiftDateChanged { .. }
        | ShiftSeriesChanged { .. }
        | ShiftClaimed { .. }
        | ShiftReleased { .. } => Audience {
            rings_up_to: Some(Ring::Lukewarm),
            intermediaries: Some(ConsentScope::Full),
            ..coordinators
        },
        SwapProposed { from, to, .. } => Audience {
            people: vec![*from, *to],
            ..coordinators
        },
        SwapAccepted { swap, .. } | SwapDeclined { swap, .. } => Audience {
            people: circle
                .swaps
                .get(swap)
                .map(|w| vec![w.from, w.to])
                .unwrap_or_default(),
            ..coordinators
        },
        LogbookEntryWritten { entry, .. } => entry_audience(circle, *entry, false),
        // Whoever could read the entry learns it was withdrawn (the event holds no text).
        LogbookEntryRedacted { entry, .. } => entry_audience(circle, *entry, true),
        // Consent concerns the family: the warm ring and the organisation itself
        // (not other organisations: which ones a family involves is private).
        ConsentGranted { organisation, .. } | ConsentRevoked { organisation, .. } => Audience {
            rings_up_to: Some(Ring::Warm),
            intermediaries: Some(ConsentScope::Signals),
            organisation: Some(*organisation),
            ..coordinators
        },
        // "Who looked at our circle": the coordinators and the focus person.
        IntermediaryLooked { .. } => Audience {
            focus: true,
            ..coordinators
        },
        // Where the circle is, coarsely: those who see the rota, and organisations
        // with any consent (their marketplace matches by it).
        NeighbourhoodNamed { .. } => Audience {
            rings_up_to: Some(Ring::Lukewarm),
            intermediaries: Some(ConsentScope::Signals),
            ..coordinators
        },
        // The request's own audience, and the organisation whose marketplace lists it.
        RequestListed {
            request,
            organisation,
            ..
        } => Audience {
            intermediaries: Some(ConsentScope::Signals),
            organisation: Some(*organisation),
            ..request_audience(circle, *request)
        },
        // A proposal: the coordinators, the volunteer, whoever proposed them,
        // and the listing's organisation.
        VolunteerProposed {
            request, volunteer, ..
        }
        | VolunteerAccepted {
            request, volunteer, ..
        }
        | VolunteerDeclined {
            request, volunteer, ..
        } => proposal_audience(circle, *request, *volunteer),
        // A place offered: the coordinators and the volunteer.
        PlaceOffered { volunteer, .. } | PlaceAnswered { volunteer, .. } => Audience {
            people: vec![*volunteer],
            ..coordinators
        },
    }
}

/// A request is seen by the rings it is open to, whoever asked or took it, a
/// volunteer matched to it, and organisations with full consent.
fn request_audience(circle: &Circle, request: RequestId) -> Audience {
    let Some(r) = circle.requests.get(&request) else {
        return Audience {
            coordinators: true,
            ..Audience::default()
        };
    };
    let mut people = vec![r.asked_by];
    people.extend(r.taker);
    Audience {
        rings_up_to: Some(r.reach.min(Ring::Lukewarm)),
        coordinators: true,
        people,
        task: Some(request),
        intermediaries: Some(ConsentScope::Full),
        ..Audience::default()
    }
}

fn proposal_audience(circle: &Circle, request: RequestId, volunteer: PersonId) -> Audience {
    let r = circle.requests.get(&request);
    let mut people = vec![volunteer];
    people.extend(r.and_then(|r| r.proposals.get(&volunteer)).map(|p| p.by));
    let listed_with = r.and_then(|r| r.listed_with);
    Audience {
        coordinators: true,
        people,
        intermediaries: listed_with.map(|_| ConsentScope::Signals),
        organisation: listed_with,
        ..Audience::default()
    }
}

/// A logbook entry is seen as its author chose; a redacted one by its author only. Organisations with full consent see what is
/// shared beyond the warm ring.
fn entry_audience(circle: &Circle, entry: crate::EntryId, as_written: bool) -> Audience {
    let Some(e) = circle.entries.get(&entry) else {
        return Audience {
            coordinators: true,
            ..Audience::default()
        };
    };
    if e.redacted && !as_written {
        return Audience {
            people: vec![e.author],
            ..Audience::default()
        };
    }
    let widest = e.visibility.widest_ring();
    Audience {
        rings_up_to: Some(widest),
        people: vec![e.author],
        intermediaries: (widest > Ring::Warm).then_some(ConsentScope::Full),
        ..Audience::default()
    }
}

fn offer_owner(circle: &Circle, event: &CircleEvent) -> Option<PersonId> {
    match event {
        CircleEvent::OfferWithdrawn { offer, .. } => circle.offers.get(offer).map(|o| o.by),
        _ => None,
    }
}
