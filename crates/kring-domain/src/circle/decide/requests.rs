//! Requests for help, thanks and offers.

use chrono::{DateTime, Utc};

use super::{own_writing, Decision};
use crate::circle::commands::{Action, Actor};
use crate::circle::events::{CircleEvent, ThanksFor};
use crate::circle::state::{Circle, Member, RequestStatus};
use crate::Viewer;
use crate::{DomainError, Kind, PersonId, Ring};

impl Circle {
    pub(super) fn decide_requests(
        &self,
        action: Action,
        by: PersonId,
        me: &Member,
        now: DateTime<Utc>,
    ) -> Decision {
        match action {
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
            _ => unreachable!("decide dispatches by area"),
        }
    }

    pub(super) fn check_thanks(
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
