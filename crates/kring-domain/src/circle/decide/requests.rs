//! Requests for help, thanks and offers.

use chrono::{DateTime, Utc};

use super::{own_writing, Decision};
use crate::circle::commands::{Action, Actor};
use crate::circle::events::{CircleEvent, ThanksFor};
use crate::circle::state::{Circle, Member, RequestStatus};
use crate::Refusal;
use crate::Viewer;
use crate::{DomainError, Kind, Minutes, PersonId, Ring};

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
                    return Err(Refusal::RequestExists.into());
                }
                help_fits(window, duration, now)?;
                if on_behalf_of_focus && me.ring != Ring::Warm {
                    return Err(Refusal::OnlyWarmForFocus.into());
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
            Action::ChangeRequest {
                request,
                window,
                duration,
                details,
            } => {
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                if !(me.coordinator || r.asked_by == by) {
                    return Err(Refusal::OnlyCoordinatorOrAsker.into());
                }
                if !matches!(
                    r.status,
                    RequestStatus::Open | RequestStatus::Taken | RequestStatus::Confirmed
                ) {
                    return Err(Refusal::RequestClosed.into());
                }
                // Strangers on a marketplace read the listing as it was made.
                if r.listed_with.is_some() {
                    return Err(Refusal::ListedRequestStays.into());
                }
                help_fits(window, duration, now)?;
                own_writing(by, &details)?;
                Ok(vec![CircleEvent::RequestChanged {
                    request,
                    window,
                    duration,
                    details,
                    by,
                }])
            }
            Action::WidenRequest { request, to } => {
                self.require_coordinator(by)?;
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                if r.status != RequestStatus::Open {
                    return Err(Refusal::OnlyOpenRequestWidens.into());
                }
                if to <= r.reach {
                    return Err(Refusal::AlreadyOpenToRing.into());
                }
                if to > r.category.widest_ring() {
                    return Err(match r.category.kind() {
                        Kind::PersonalCare => {
                            DomainError::from(Refusal::PersonalCareIsProfessional)
                        }
                        _ => DomainError::from(Refusal::PersonalMattersStayWarm),
                    });
                }
                Ok(vec![CircleEvent::RequestWidened { request, to, by }])
            }
            Action::TakeRequest { request } => {
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                if r.status != RequestStatus::Open {
                    return Err(Refusal::RequestNotOpen.into());
                }
                if r.asked_by == by {
                    return Err(Refusal::OwnRequest.into());
                }
                if r.window.end() <= now {
                    return Err(Refusal::HelpTimePassed.into());
                }
                if me.ring > r.reach {
                    return Err(Refusal::OnlyRequestRings.into());
                }
                if me.ring == Ring::Cold && r.category.kind() == Kind::PersonalCare {
                    return Err(Refusal::PersonalCareIsProfessional.into());
                }
                Ok(vec![CircleEvent::RequestTaken { request, by }])
            }
            Action::ConfirmRequest { request } => {
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                if !(me.coordinator || r.asked_by == by) {
                    return Err(Refusal::OnlyCoordinatorOrAsker.into());
                }
                if r.status != RequestStatus::Taken {
                    return Err(Refusal::ConfirmUntaken.into());
                }
                Ok(vec![CircleEvent::RequestConfirmed { request, by }])
            }
            Action::MarkRequestDone { request } => {
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                if !(me.coordinator || r.asked_by == by || r.taker == Some(by)) {
                    return Err(Refusal::OnlyHelperAskerOrCoordinator.into());
                }
                if !matches!(r.status, RequestStatus::Taken | RequestStatus::Confirmed) {
                    return Err(Refusal::DoneUntaken.into());
                }
                Ok(vec![CircleEvent::RequestDone { request, by }])
            }
            Action::CancelRequest { request } => {
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                if !(me.coordinator || r.asked_by == by) {
                    return Err(Refusal::OnlyCoordinatorOrAsker.into());
                }
                if !matches!(
                    r.status,
                    RequestStatus::Open | RequestStatus::Taken | RequestStatus::Confirmed
                ) {
                    return Err(Refusal::RequestClosed.into());
                }
                Ok(vec![CircleEvent::RequestCancelled { request, by }])
            }
            Action::RecordNoShow { request } => {
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                if !(me.coordinator || r.asked_by == by) {
                    return Err(Refusal::OnlyCoordinatorOrAsker.into());
                }
                let (RequestStatus::Taken | RequestStatus::Confirmed, Some(helper)) =
                    (r.status, r.taker)
                else {
                    return Err(Refusal::NobodyTookRequest.into());
                };
                if now < r.window.start() {
                    return Err(Refusal::HelpNotDue.into());
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
                    return Err(Refusal::ThankSelf.into());
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
                    return Err(Refusal::OfferExists.into());
                }
                check_offer(me, by, &will, &wont, &capacity, &note)?;
                Ok(vec![CircleEvent::OfferMade {
                    offer,
                    by,
                    will,
                    wont,
                    capacity,
                    note,
                }])
            }
            Action::ChangeOffer {
                offer,
                will,
                wont,
                capacity,
                note,
            } => {
                let o = self.offers.get(&offer).ok_or(Refusal::NoSuchOffer)?;
                if o.by != by {
                    return Err(Refusal::OnlyOfferMaker.into());
                }
                if o.withdrawn {
                    return Err(Refusal::OfferWithdrawn.into());
                }
                check_offer(me, by, &will, &wont, &capacity, &note)?;
                Ok(vec![CircleEvent::OfferChanged {
                    offer,
                    by,
                    will,
                    wont,
                    capacity,
                    note,
                }])
            }
            Action::WithdrawOffer { offer } => {
                let o = self.offers.get(&offer).ok_or(Refusal::NoSuchOffer)?;
                if !(o.by == by || me.coordinator) {
                    return Err(Refusal::OnlyOfferMakerOrCoordinator.into());
                }
                if o.withdrawn {
                    return Err(Refusal::OfferWithdrawn.into());
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
                let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                // Only who may see the request may thank for it (the audience decides).
                let done = CircleEvent::RequestDone { request, by: to };
                let sees = crate::may_see(self, &done, &Viewer::of(self, Actor::person(by), now));
                if !sees {
                    return Err(Refusal::NoSuchRequest.into());
                }
                if r.status != RequestStatus::Done || r.taker != Some(to) {
                    return Err(Refusal::ThankHelperWhenDone.into());
                }
            }
            // Volunteers do not see the rota.
            ThanksFor::Shift(..) if me.ring == Ring::Cold => {
                return Err(Refusal::NoSuchShift.into());
            }
            ThanksFor::Shift(shift, date) => {
                let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
                if !s.claims_on(date).contains(&to) {
                    return Err(Refusal::NotOnThatShift.into());
                }
                let ends = s.start_on(date, &self.time_zone)
                    + chrono::Duration::minutes(i64::from(s.duration.get()));
                if ends > now {
                    return Err(Refusal::ThankAfterShift.into());
                }
            }
            ThanksFor::Entry(entry) => {
                let e = self.entries.get(&entry).ok_or(Refusal::NoSuchEntry)?;
                if me.ring > e.visibility.widest_ring() {
                    return Err(Refusal::NoSuchEntry.into());
                }
                if e.author != to || e.redacted {
                    return Err(Refusal::ThankEntryAuthor.into());
                }
            }
        }
        Ok(())
    }
}

/// What an offer must be, made or changed: some help, none both offered and
/// declined, personal care from the warm ring only, a capacity in range, a
/// note in its writer's own key.
fn check_offer(
    me: &Member,
    by: PersonId,
    will: &[crate::Category],
    wont: &[crate::Category],
    capacity: &crate::Capacity,
    note: &Option<crate::Sealed>,
) -> Result<(), DomainError> {
    if will.is_empty() {
        return Err(Refusal::OfferNeedsHelp.into());
    }
    if will.iter().any(|c| wont.contains(c)) {
        return Err(Refusal::OfferedAndDeclined.into());
    }
    if me.ring != Ring::Warm && will.iter().any(|c| c.kind() == Kind::PersonalCare) {
        return Err(Refusal::PersonalCareIsProfessional.into());
    }
    capacity.validate()?;
    if let Some(note) = note {
        own_writing(by, note)?;
    }
    Ok(())
}

/// A piece of help fits its window, which has not passed. (`Minutes` also
/// holds a shift's days; a piece of help is at most half a day.)
fn help_fits(
    window: crate::TimeWindow,
    duration: Minutes,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if window.end() <= now {
        return Err(Refusal::WindowPassed.into());
    }
    if Minutes::new(duration.get()).is_err() {
        return Err(Refusal::Duration.into());
    }
    if i64::from(duration.get()) > (window.end() - window.start()).num_minutes() {
        return Err(Refusal::HelpLongerThanWindow.into());
    }
    Ok(())
}
