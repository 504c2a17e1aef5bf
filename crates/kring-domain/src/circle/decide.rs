//! The rules: a command against the current circle either becomes events or is
//! refused with a reason a person understands. Pure: `now` comes in.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::circle::commands::{Action, Actor, CircleCommand};
use crate::circle::events::{CircleEvent, InvitedAs, Recurrence, ThanksFor};
use crate::circle::state::{Circle, InvitationState, Member, RequestStatus};
use crate::Viewer;
use crate::{DomainError, Kind, PersonId, Ring, Sealed, ShiftId};

type Decision = Result<Vec<CircleEvent>, DomainError>;

const COORDINATORS: &str = "a coordinator of the circle";
const LONGEST_INVITATION: i64 = 30;

impl Circle {
    pub fn decide(&self, command: CircleCommand, now: DateTime<Utc>) -> Decision {
        let CircleCommand { actor, action } = command;
        if let Action::CreateCircle {
            circle,
            focus,
            focus_name,
            time_zone,
        } = action
        {
            return self.create(actor, circle, focus, focus_name, time_zone, now);
        }
        if !self.exists() {
            return Err(DomainError::NoSuchCircle);
        }
        if let Some(organisation) = actor.organisation {
            // Intermediaries only ever look, and only under consent.
            let Some(scope) = self.consent_at(organisation, now) else {
                return Err(DomainError::NoSuchCircle);
            };
            return match action {
                Action::RecordLook { what } => Ok(vec![CircleEvent::IntermediaryLooked {
                    organisation,
                    person: actor.person,
                    scope,
                    what,
                    at: now,
                }]),
                _ => Err(DomainError::NotAllowed("members of the circle")),
            };
        }
        if let Action::AcceptInvitation {
            invitation,
            token_hash,
        } = action
        {
            return self.accept(actor.person, invitation, &token_hash, now);
        }
        // A non-member learns nothing, not even that the circle exists.
        let Some(me) = self.member(actor.person).cloned() else {
            return Err(DomainError::NoSuchCircle);
        };
        let by = actor.person;
        if me.ring == Ring::Cold && !cold_may(&action, &me) {
            return Err(DomainError::NotAllowed(
                "members of the warm and lukewarm rings; volunteers act on their own task",
            ));
        }
        match action {
            Action::CreateCircle { .. } | Action::AcceptInvitation { .. } => {
                unreachable!("handled above")
            }
            Action::Invite {
                invitation,
                ring,
                role,
                task,
                token_hash,
                expires_at,
            } => {
                self.require_coordinator(by)?;
                if self.invitations.contains_key(&invitation) {
                    return Err(DomainError::Conflict("this invitation already exists"));
                }
                if expires_at <= now || expires_at > now + Duration::days(LONGEST_INVITATION) {
                    return Err(DomainError::Invalid(
                        "an invitation must expire within 30 days from now",
                    ));
                }
                if role == InvitedAs::Coordinator && ring != Ring::Warm {
                    return Err(DomainError::Invalid("coordinators belong to the warm ring"));
                }
                match (ring, task) {
                    (Ring::Cold, None) => {
                        return Err(DomainError::Invalid(
                            "a volunteer in the cold ring is invited for one request",
                        ))
                    }
                    (Ring::Cold, Some(request)) => {
                        let r = self
                            .requests
                            .get(&request)
                            .ok_or(DomainError::NotFound("request"))?;
                        if r.reach != Ring::Cold || r.status != RequestStatus::Open {
                            return Err(DomainError::Invalid(
                                "a volunteer can only be invited for an open request that was widened to the marketplace",
                            ));
                        }
                    }
                    (_, Some(_)) => {
                        return Err(DomainError::Invalid(
                            "only cold-ring invitations are for one request",
                        ))
                    }
                    (_, None) => {}
                }
                if token_hash.len() < 32 {
                    return Err(DomainError::Invalid("the invitation secret is too short"));
                }
                Ok(vec![CircleEvent::InvitationIssued {
                    invitation,
                    ring,
                    role,
                    task,
                    token_hash,
                    expires_at,
                    by,
                }])
            }
            Action::RevokeInvitation { invitation } => {
                self.require_coordinator(by)?;
                let i = self
                    .invitations
                    .get(&invitation)
                    .ok_or(DomainError::NotFound("invitation"))?;
                if i.state != InvitationState::Open {
                    return Err(DomainError::Conflict(
                        "this invitation was already used or revoked",
                    ));
                }
                Ok(vec![CircleEvent::InvitationRevoked { invitation, by }])
            }
            Action::ChangeRing { person, ring } => {
                self.require_coordinator(by)?;
                let m = self.member(person).ok_or(DomainError::NotFound("member"))?;
                if m.ring == ring {
                    return Err(DomainError::Conflict("this member is already in that ring"));
                }
                if (self.is_focus(person) || m.coordinator) && ring != Ring::Warm {
                    return Err(DomainError::Invalid(
                        "the focus person and coordinators stay in the warm ring",
                    ));
                }
                if ring == Ring::Cold || m.ring == Ring::Cold {
                    return Err(DomainError::Invalid(
                        "volunteers join and leave the cold ring through the marketplace, not by a change of ring",
                    ));
                }
                Ok(vec![CircleEvent::MemberRingChanged { person, ring, by }])
            }
            Action::AppointCoordinator { person } => {
                self.require_coordinator(by)?;
                let m = self.member(person).ok_or(DomainError::NotFound("member"))?;
                if m.coordinator {
                    return Err(DomainError::Conflict(
                        "this member is already a coordinator",
                    ));
                }
                if m.ring != Ring::Warm {
                    return Err(DomainError::Invalid("coordinators belong to the warm ring"));
                }
                Ok(vec![CircleEvent::CoordinatorAppointed { person, by }])
            }
            Action::StepDownAsCoordinator => {
                self.require_coordinator(by)?;
                self.require_other_coordinator()?;
                Ok(vec![CircleEvent::CoordinatorStepped { person: by, by }])
            }
            Action::Leave => {
                if self.is_focus(by) {
                    return Err(DomainError::Invalid(
                        "the circle is there for you; you cannot leave it",
                    ));
                }
                if me.coordinator {
                    self.require_other_coordinator()?;
                }
                Ok(vec![CircleEvent::MemberLeft {
                    person: by,
                    at: now,
                }])
            }
            Action::RemoveMember { person } => {
                self.require_coordinator(by)?;
                if person == by {
                    return Err(DomainError::Invalid(
                        "to leave the circle yourself, choose leave",
                    ));
                }
                if self.member(person).is_none() {
                    return Err(DomainError::NotFound("member"));
                }
                if self.is_focus(person) {
                    return Err(DomainError::Invalid(
                        "the circle is there for its focus person, who cannot be removed",
                    ));
                }
                Ok(vec![CircleEvent::MemberRemoved {
                    person,
                    by,
                    at: now,
                }])
            }
            Action::RequestHelp {
                request,
                category,
                window,
                duration,
                details,
                place,
                on_behalf_of_focus,
            } => {
                if self.requests.contains_key(&request) {
                    return Err(DomainError::Conflict("this request already exists"));
                }
                if window.end() <= now {
                    return Err(DomainError::Invalid("the time window has already passed"));
                }
                if i64::from(duration.get()) > (window.end() - window.start()).num_minutes() {
                    return Err(DomainError::Invalid(
                        "the help takes longer than the time window",
                    ));
                }
                if on_behalf_of_focus && me.ring != Ring::Warm {
                    return Err(DomainError::NotAllowed(
                        "the warm ring (asking for the focus person)",
                    ));
                }
                own_writing(by, &details)?;
                if let Some(place) = &place {
                    own_writing(by, place)?;
                }
                let mut events = vec![CircleEvent::HelpRequested {
                    request,
                    category,
                    window,
                    duration,
                    details,
                    asked_by: by,
                    on_behalf_of_focus,
                }];
                events.extend(place.map(|place| CircleEvent::RequestPlaceNoted { request, place }));
                Ok(events)
            }
            Action::WidenRequest { request, to } => {
                self.require_coordinator(by)?;
                let r = self
                    .requests
                    .get(&request)
                    .ok_or(DomainError::NotFound("request"))?;
                if r.status != RequestStatus::Open {
                    return Err(DomainError::Conflict("only an open request can be widened"));
                }
                if to <= r.reach {
                    return Err(DomainError::Conflict(
                        "the request is already open to that ring",
                    ));
                }
                if to > r.category.widest_ring() {
                    return Err(match r.category.kind() {
                        Kind::PersonalCare => DomainError::PersonalCareIsProfessional,
                        _ => DomainError::PersonalMattersStayWarm,
                    });
                }
                Ok(vec![CircleEvent::RequestWidened { request, to, by }])
            }
            Action::TakeRequest { request } => {
                let r = self
                    .requests
                    .get(&request)
                    .ok_or(DomainError::NotFound("request"))?;
                if r.status != RequestStatus::Open {
                    return Err(DomainError::Conflict(
                        "someone already took this request, or it is closed",
                    ));
                }
                if r.asked_by == by {
                    return Err(DomainError::Invalid("you asked for this help yourself"));
                }
                if r.window.end() <= now {
                    return Err(DomainError::Invalid("the time for this help has passed"));
                }
                if me.ring > r.reach {
                    return Err(DomainError::NotAllowed("the rings this request is open to"));
                }
                if me.ring == Ring::Cold && r.category.kind() == Kind::PersonalCare {
                    return Err(DomainError::PersonalCareIsProfessional);
                }
                Ok(vec![CircleEvent::RequestTaken { request, by }])
            }
            Action::ConfirmRequest { request } => {
                let r = self
                    .requests
                    .get(&request)
                    .ok_or(DomainError::NotFound("request"))?;
                if !(me.coordinator || r.asked_by == by) {
                    return Err(DomainError::NotAllowed("a coordinator or whoever asked"));
                }
                if r.status != RequestStatus::Taken {
                    return Err(DomainError::Conflict(
                        "only a request someone took can be confirmed",
                    ));
                }
                Ok(vec![CircleEvent::RequestConfirmed { request, by }])
            }
            Action::MarkRequestDone { request } => {
                let r = self
                    .requests
                    .get(&request)
                    .ok_or(DomainError::NotFound("request"))?;
                if !(me.coordinator || r.asked_by == by || r.taker == Some(by)) {
                    return Err(DomainError::NotAllowed(
                        "the helper, whoever asked, or a coordinator",
                    ));
                }
                if !matches!(r.status, RequestStatus::Taken | RequestStatus::Confirmed) {
                    return Err(DomainError::Conflict(
                        "only a request someone took can be done",
                    ));
                }
                Ok(vec![CircleEvent::RequestDone { request, by }])
            }
            Action::CancelRequest { request } => {
                let r = self
                    .requests
                    .get(&request)
                    .ok_or(DomainError::NotFound("request"))?;
                if !(me.coordinator || r.asked_by == by) {
                    return Err(DomainError::NotAllowed("a coordinator or whoever asked"));
                }
                if !matches!(
                    r.status,
                    RequestStatus::Open | RequestStatus::Taken | RequestStatus::Confirmed
                ) {
                    return Err(DomainError::Conflict("this request is already closed"));
                }
                Ok(vec![CircleEvent::RequestCancelled { request, by }])
            }
            Action::RecordNoShow { request } => {
                let r = self
                    .requests
                    .get(&request)
                    .ok_or(DomainError::NotFound("request"))?;
                if !(me.coordinator || r.asked_by == by) {
                    return Err(DomainError::NotAllowed("a coordinator or whoever asked"));
                }
                let (RequestStatus::Taken | RequestStatus::Confirmed, Some(helper)) =
                    (r.status, r.taker)
                else {
                    return Err(DomainError::Conflict("nobody had taken this request"));
                };
                if now < r.window.start() {
                    return Err(DomainError::Invalid("the help was not due yet"));
                }
                Ok(vec![CircleEvent::NoShowRecorded {
                    request,
                    helper,
                    by,
                }])
            }
            Action::Thank {
                thanks_for,
                to,
                note,
            } => {
                if to == by {
                    return Err(DomainError::Invalid("you cannot thank yourself"));
                }
                if let Some(note) = &note {
                    own_writing(by, note)?;
                }
                self.check_thanks(thanks_for, to, by, &me, now)?;
                Ok(vec![CircleEvent::ThanksGiven {
                    thanks_for,
                    from: by,
                    to,
                    note,
                }])
            }
            Action::MakeOffer {
                offer,
                will,
                wont,
                capacity,
                note,
            } => {
                if self.offers.contains_key(&offer) {
                    return Err(DomainError::Conflict("this offer already exists"));
                }
                if will.is_empty() {
                    return Err(DomainError::Invalid(
                        "say at least one kind of help you will give",
                    ));
                }
                if will.iter().any(|c| wont.contains(c)) {
                    return Err(DomainError::Invalid(
                        "a kind of help cannot be both offered and declined",
                    ));
                }
                if me.ring != Ring::Warm && will.iter().any(|c| c.kind() == Kind::PersonalCare) {
                    return Err(DomainError::PersonalCareIsProfessional);
                }
                capacity.validate()?;
                if let Some(note) = &note {
                    own_writing(by, note)?;
                }
                Ok(vec![CircleEvent::OfferMade {
                    offer,
                    by,
                    will,
                    wont,
                    capacity,
                    note,
                }])
            }
            Action::WithdrawOffer { offer } => {
                let o = self
                    .offers
                    .get(&offer)
                    .ok_or(DomainError::NotFound("offer"))?;
                if !(o.by == by || me.coordinator) {
                    return Err(DomainError::NotAllowed(
                        "whoever made the offer, or a coordinator",
                    ));
                }
                if o.withdrawn {
                    return Err(DomainError::Conflict("this offer was already withdrawn"));
                }
                Ok(vec![CircleEvent::OfferWithdrawn { offer, by }])
            }
            Action::ScheduleShift {
                shift,
                title,
                starts,
                duration,
                recurrence,
                helpers_needed,
                rings,
            } => {
                self.require_coordinator(by)?;
                if self.shifts.contains_key(&shift) {
                    return Err(DomainError::Conflict("this shift already exists"));
                }
                if !(1..=10).contains(&helpers_needed) {
                    return Err(DomainError::Invalid(
                        "a shift needs between 1 and 10 helpers",
                    ));
                }
                if rings.is_empty() || rings.contains(&Ring::Cold) {
                    return Err(DomainError::Invalid(
                        "a shift is open to the warm ring, the lukewarm ring, or both",
                    ));
                }
                let mut unique = rings.clone();
                unique.sort();
                unique.dedup();
                if let Recurrence::Weekly { until: Some(until) } = recurrence {
                    if until < starts.date() {
                        return Err(DomainError::Invalid(
                            "a weekly shift cannot end before it starts",
                        ));
                    }
                }
                if crate::circle::state::local_to_utc(starts, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("a shift must start in the future"));
                }
                own_writing(by, &title)?;
                Ok(vec![CircleEvent::ShiftScheduled {
                    shift,
                    title,
                    starts,
                    duration,
                    recurrence,
                    helpers_needed,
                    rings: unique,
                    by,
                }])
            }
            Action::SkipShiftDate { shift, date } => {
                self.require_coordinator(by)?;
                let s = self
                    .shifts
                    .get(&shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.occurs_on(date) {
                    return Err(DomainError::Invalid(
                        "the shift does not take place on that date",
                    ));
                }
                // What happened stays on the record (and can be thanked for).
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                Ok(vec![CircleEvent::ShiftDateSkipped { shift, date, by }])
            }
            Action::ClaimShift { shift, date } => {
                self.check_open_slot(shift, date, by, &me, now)?;
                Ok(vec![CircleEvent::ShiftClaimed { shift, date, by }])
            }
            Action::ReleaseShift {
                shift,
                date,
                reason,
            } => {
                let s = self
                    .shifts
                    .get(&shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.claims_on(date).contains(&by) {
                    return Err(DomainError::Conflict("you are not on this shift that day"));
                }
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                own_writing(by, &reason)?;
                Ok(vec![CircleEvent::ShiftReleased {
                    shift,
                    date,
                    by,
                    reason,
                }])
            }
            Action::ProposeSwap {
                swap,
                shift,
                date,
                to,
            } => {
                if self.swaps.contains_key(&swap) {
                    return Err(DomainError::Conflict("this swap already exists"));
                }
                let s = self
                    .shifts
                    .get(&shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.claims_on(date).contains(&by) {
                    return Err(DomainError::Conflict("you are not on this shift that day"));
                }
                if to == by {
                    return Err(DomainError::Invalid("choose someone else to swap with"));
                }
                let other = self.member(to).ok_or(DomainError::NotFound("member"))?;
                if !s.rings.contains(&other.ring) {
                    return Err(DomainError::Invalid(
                        "that member's ring may not take this shift",
                    ));
                }
                if s.claims_on(date).contains(&to) {
                    return Err(DomainError::Conflict(
                        "that member is already on this shift that day",
                    ));
                }
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                if self
                    .swaps
                    .values()
                    .any(|w| w.open && w.shift == shift && w.date == date && w.from == by)
                {
                    return Err(DomainError::Conflict(
                        "you already asked someone to swap this shift",
                    ));
                }
                Ok(vec![CircleEvent::SwapProposed {
                    swap,
                    shift,
                    date,
                    from: by,
                    to,
                }])
            }
            Action::AcceptSwap { swap } => {
                let w = self.swaps.get(&swap).ok_or(DomainError::NotFound("swap"))?;
                if w.to != by {
                    return Err(DomainError::NotAllowed("the member who was asked to swap"));
                }
                if !w.open {
                    return Err(DomainError::Conflict("this swap is already settled"));
                }
                let s = self
                    .shifts
                    .get(&w.shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.claims_on(w.date).contains(&w.from) || s.claims_on(w.date).contains(&by) {
                    return Err(DomainError::Conflict(
                        "the shift changed since the swap was proposed",
                    ));
                }
                if !s.rings.contains(&me.ring) {
                    return Err(DomainError::NotAllowed("the rings this shift is open to"));
                }
                if s.start_on(w.date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                Ok(vec![CircleEvent::SwapAccepted { swap, by }])
            }
            Action::DeclineSwap { swap } => {
                let w = self.swaps.get(&swap).ok_or(DomainError::NotFound("swap"))?;
                if w.to != by && w.from != by {
                    return Err(DomainError::NotAllowed("the two members of the swap"));
                }
                if !w.open {
                    return Err(DomainError::Conflict("this swap is already settled"));
                }
                Ok(vec![CircleEvent::SwapDeclined { swap, by }])
            }
            Action::WriteLogbookEntry {
                entry,
                visibility,
                text,
            } => {
                if self.entries.contains_key(&entry) {
                    return Err(DomainError::Conflict("this logbook entry already exists"));
                }
                own_writing(by, &text)?;
                Ok(vec![CircleEvent::LogbookEntryWritten {
                    entry,
                    author: by,
                    visibility,
                    text,
                }])
            }
            Action::RedactLogbookEntry { entry } => {
                let e = self
                    .entries
                    .get(&entry)
                    .ok_or(DomainError::NotFound("logbook entry"))?;
                if e.author != by {
                    return Err(DomainError::NotAllowed("the author of the entry"));
                }
                if e.redacted {
                    return Err(DomainError::Conflict("this entry was already redacted"));
                }
                Ok(vec![CircleEvent::LogbookEntryRedacted { entry, by }])
            }
            Action::GrantConsent {
                organisation,
                scope,
                from,
            } => {
                self.require_coordinator_or_focus(by)?;
                if from < now - Duration::minutes(5) {
                    return Err(DomainError::Invalid("consent cannot start in the past"));
                }
                if let Some(c) = self.consents.get(&organisation) {
                    if !c.revoked && c.scope == scope && c.from == from {
                        return Err(DomainError::Conflict("this consent is already given"));
                    }
                }
                Ok(vec![CircleEvent::ConsentGranted {
                    organisation,
                    scope,
                    from,
                    by,
                }])
            }
            Action::RevokeConsent { organisation } => {
                self.require_coordinator_or_focus(by)?;
                match self.consents.get(&organisation) {
                    Some(c) if !c.revoked => {
                        Ok(vec![CircleEvent::ConsentRevoked { organisation, by }])
                    }
                    _ => Err(DomainError::NotFound("consent")),
                }
            }
            Action::RecordLook { .. } => {
                Err(DomainError::NotAllowed("an intermediary under consent"))
            }
        }
    }

    fn create(
        &self,
        actor: Actor,
        circle: crate::CircleId,
        focus: PersonId,
        focus_name: Sealed,
        time_zone: String,
        now: DateTime<Utc>,
    ) -> Decision {
        if self.exists() {
            return Err(DomainError::AlreadyExists);
        }
        if actor.organisation.is_some() {
            return Err(DomainError::NotAllowed(
                "a person (the family creates the circle)",
            ));
        }
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(DomainError::UnknownWord {
                what: "time zone",
                word: time_zone,
                expected: "a name such as Europe/Amsterdam",
            });
        }
        if focus_name.owner != focus {
            return Err(DomainError::Invalid(
                "the focus person's name must be sealed with their own key",
            ));
        }
        Ok(vec![CircleEvent::CircleCreated {
            circle,
            focus,
            focus_name,
            coordinator: actor.person,
            time_zone,
            at: now,
        }])
    }

    fn accept(
        &self,
        person: PersonId,
        invitation: crate::InvitationId,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Decision {
        // Without the right secret, the invitation (and the circle) does not exist.
        let i = self
            .invitations
            .get(&invitation)
            .filter(|i| i.token_hash == token_hash)
            .ok_or(DomainError::NoSuchCircle)?;
        match i.state {
            InvitationState::Accepted => {
                return Err(DomainError::Conflict("this invitation was already used"))
            }
            InvitationState::Revoked => {
                return Err(DomainError::Conflict("this invitation was withdrawn"))
            }
            InvitationState::Open => {}
        }
        if now >= i.expires_at {
            return Err(DomainError::Conflict(
                "this invitation has expired: ask for a new one",
            ));
        }
        if self.members.contains_key(&person) {
            return Err(DomainError::Conflict(
                "you are already a member of this circle",
            ));
        }
        Ok(vec![CircleEvent::MemberJoined {
            invitation,
            person,
            ring: i.ring,
            coordinator: i.role == InvitedAs::Coordinator,
            task: i.task,
        }])
    }

    fn require_coordinator(&self, person: PersonId) -> Result<(), DomainError> {
        if self.is_coordinator(person) {
            Ok(())
        } else {
            Err(DomainError::NotAllowed(COORDINATORS))
        }
    }

    fn require_coordinator_or_focus(&self, person: PersonId) -> Result<(), DomainError> {
        if self.is_coordinator(person) || self.is_focus(person) {
            Ok(())
        } else {
            Err(DomainError::NotAllowed("a coordinator or the focus person"))
        }
    }

    fn require_other_coordinator(&self) -> Result<(), DomainError> {
        if self.coordinator_count() > 1 {
            Ok(())
        } else {
            Err(DomainError::Conflict(
                "a circle needs a coordinator: appoint another one first",
            ))
        }
    }

    fn check_open_slot(
        &self,
        shift: ShiftId,
        date: NaiveDate,
        by: PersonId,
        me: &Member,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let s = self
            .shifts
            .get(&shift)
            .ok_or(DomainError::NotFound("shift"))?;
        if !s.rings.contains(&me.ring) {
            return Err(DomainError::NotAllowed("the rings this shift is open to"));
        }
        if !s.occurs_on(date) {
            return Err(DomainError::Invalid(
                "the shift does not take place on that date",
            ));
        }
        if s.start_on(date, &self.time_zone) <= now {
            return Err(DomainError::Invalid("this shift has already started"));
        }
        let claims = s.claims_on(date);
        if claims.contains(&by) {
            return Err(DomainError::Conflict(
                "you are already on this shift that day",
            ));
        }
        if claims.len() >= usize::from(s.helpers_needed) {
            return Err(DomainError::Conflict(
                "this shift already has all the helpers it needs",
            ));
        }
        Ok(())
    }

    fn check_thanks(
        &self,
        thanks_for: ThanksFor,
        to: PersonId,
        by: PersonId,
        me: &Member,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        match thanks_for {
            ThanksFor::Request(request) => {
                let r = self
                    .requests
                    .get(&request)
                    .ok_or(DomainError::NotFound("request"))?;
                // Only who may see the request may thank for it (the audience decides).
                let done = CircleEvent::RequestDone { request, by: to };
                let sees = crate::may_see(self, &done, &Viewer::of(self, Actor::person(by), now));
                if !sees {
                    return Err(DomainError::NotFound("request"));
                }
                if r.status != RequestStatus::Done || r.taker != Some(to) {
                    return Err(DomainError::Invalid(
                        "thank the helper once the help is done",
                    ));
                }
            }
            // Volunteers do not see the rota.
            ThanksFor::Shift(..) if me.ring == Ring::Cold => {
                return Err(DomainError::NotFound("shift"));
            }
            ThanksFor::Shift(shift, date) => {
                let s = self
                    .shifts
                    .get(&shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.claims_on(date).contains(&to) {
                    return Err(DomainError::Invalid("that member was not on this shift"));
                }
                let ends = s.start_on(date, &self.time_zone)
                    + chrono::Duration::minutes(i64::from(s.duration.get()));
                if ends > now {
                    return Err(DomainError::Invalid(
                        "thank them once the shift has taken place",
                    ));
                }
            }
            ThanksFor::Entry(entry) => {
                let e = self
                    .entries
                    .get(&entry)
                    .ok_or(DomainError::NotFound("logbook entry"))?;
                if me.ring > e.visibility.widest_ring() {
                    return Err(DomainError::NotFound("logbook entry"));
                }
                if e.author != to || e.redacted {
                    return Err(DomainError::Invalid("thank the author of a logbook entry"));
                }
            }
        }
        Ok(())
    }
}

/// What a cold-ring volunteer may do: act on their own task, write and thank.
fn cold_may(action: &Action, me: &Member) -> bool {
    match action {
        Action::TakeRequest { request } | Action::MarkRequestDone { request } => {
            me.task == Some(*request)
        }
        Action::Thank { .. }
        | Action::WriteLogbookEntry { .. }
        | Action::RedactLogbookEntry { .. } => true,
        Action::Leave => true,
        _ => false,
    }
}

/// Text a person wrote is sealed with that person's own key, so forgetting them forgets it.
fn own_writing(by: PersonId, sealed: &Sealed) -> Result<(), DomainError> {
    if sealed.owner == by {
        Ok(())
    } else {
        Err(DomainError::Invalid(
            "text must be sealed with its writer's own key",
        ))
    }
}
