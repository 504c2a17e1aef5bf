//! The marketplace, as a circle sees it: naming the neighbourhood, listing a
//! request, volunteers proposed (by a matchmaker or by themselves), accepted
//! or declined, and a volunteer's access ending with their task.

use chrono::{DateTime, Utc};

use super::{own_writing, Decision};
use crate::circle::commands::{Action, Actor};
use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Member, ProposalState, Request, RequestStatus};
use crate::{DomainError, InvitationId, Kind, OrganisationId, PersonId, Refusal, RequestId, Ring};

impl Circle {
    /// What a member decides about the marketplace.
    pub(super) fn decide_marketplace(
        &self,
        action: Action,
        by: PersonId,
        me: &Member,
        now: DateTime<Utc>,
    ) -> Decision {
        match action {
            Action::NameNeighbourhood { neighbourhood } => {
                self.require_coordinator(by)?;
                Ok(vec![CircleEvent::NeighbourhoodNamed { neighbourhood, by }])
            }
            Action::ListRequest {
                request,
                organisation,
                summary,
            } => self.list(request, organisation, summary, by, now),
            Action::AcceptVolunteer {
                request,
                volunteer,
                invitation,
            } => self.accept_volunteer(request, volunteer, invitation, by, now),
            Action::DeclineVolunteer { request, volunteer } => {
                self.require_coordinator(by)?;
                self.waiting_proposal(request, volunteer)?;
                Ok(vec![CircleEvent::VolunteerDeclined {
                    request,
                    volunteer,
                    by,
                }])
            }
            Action::EndTask => self.end_task(by, me, now),
            Action::OfferPlace {
                volunteer,
                invitation,
            } => self.offer_place(volunteer, invitation, by),
            _ => unreachable!("decide dispatches by area"),
        }
    }

    /// What a matchmaker of `organisation`, or one of its volunteers, may do:
    /// propose a volunteer for a request on its marketplace, or take a proposal back.
    pub(super) fn decide_as_organisation(
        &self,
        actor: Actor,
        organisation: OrganisationId,
        action: Action,
        now: DateTime<Utc>,
    ) -> Decision {
        let by = actor.person;
        match action {
            Action::ProposeVolunteer {
                request,
                volunteer,
                note,
            } => {
                let r = self.listed(request, organisation)?;
                if !r.on_marketplace(organisation, now) {
                    return Err(Refusal::RequestNotOpen.into());
                }
                if self.member(volunteer).is_some() {
                    return Err(Refusal::VolunteerInCircle.into());
                }
                if self.kept_away.contains(&volunteer) {
                    return Err(Refusal::VolunteerKeptAway.into());
                }
                if r.proposals.contains_key(&volunteer) {
                    return Err(Refusal::AlreadyProposed.into());
                }
                if let Some(note) = &note {
                    own_writing(by, note)?;
                }
                Ok(vec![CircleEvent::VolunteerProposed {
                    request,
                    organisation,
                    volunteer,
                    note,
                    by,
                }])
            }
            Action::DeclineVolunteer { request, volunteer } => {
                self.listed(request, organisation)?;
                let proposal = self.waiting_proposal(request, volunteer)?;
                if by != volunteer && by != proposal {
                    return Err(Refusal::NoSuchProposal.into());
                }
                Ok(vec![CircleEvent::VolunteerDeclined {
                    request,
                    volunteer,
                    by,
                }])
            }
            _ => Err(Refusal::OnlyMembers.into()),
        }
    }

    /// A request on `organisation`'s marketplace; to anyone else it does not exist.
    fn listed(
        &self,
        request: RequestId,
        organisation: OrganisationId,
    ) -> Result<&Request, Refusal> {
        self.requests
            .get(&request)
            .filter(|r| r.listed_with == Some(organisation))
            .ok_or(Refusal::NoSuchRequest)
    }

    /// Who made the waiting proposal of `volunteer` for `request`.
    fn waiting_proposal(
        &self,
        request: RequestId,
        volunteer: PersonId,
    ) -> Result<PersonId, Refusal> {
        self.requests
            .get(&request)
            .and_then(|r| r.proposals.get(&volunteer))
            .filter(|p| p.state == ProposalState::Waiting)
            .map(|p| p.by)
            .ok_or(Refusal::NoSuchProposal)
    }

    fn list(
        &self,
        request: RequestId,
        organisation: OrganisationId,
        summary: crate::Sealed,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> Decision {
        self.require_coordinator(by)?;
        let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
        if r.status != RequestStatus::Open {
            return Err(Refusal::RequestNotOpen.into());
        }
        if r.listed_with.is_some() {
            return Err(Refusal::AlreadyListed.into());
        }
        if r.category.widest_ring() < Ring::Cold {
            return Err(match r.category.kind() {
                Kind::PersonalCare => DomainError::from(Refusal::PersonalCareIsProfessional),
                _ => DomainError::from(Refusal::PersonalMattersStayWarm),
            });
        }
        if r.window.end() <= now {
            return Err(Refusal::HelpTimePassed.into());
        }
        if self.consent_at(organisation, now).is_none() {
            return Err(Refusal::ListingNeedsConsent.into());
        }
        if self.neighbourhood.is_none() {
            return Err(Refusal::ListingNeedsNeighbourhood.into());
        }
        own_writing(by, &summary)?;
        let mut events = vec![];
        if r.reach < Ring::Cold {
            events.push(CircleEvent::RequestWidened {
                request,
                to: Ring::Cold,
                by,
            });
        }
        events.push(CircleEvent::RequestListed {
            request,
            organisation,
            summary,
            by,
        });
        Ok(events)
    }

    fn accept_volunteer(
        &self,
        request: RequestId,
        volunteer: PersonId,
        invitation: InvitationId,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> Decision {
        self.require_coordinator(by)?;
        self.waiting_proposal(request, volunteer)?;
        let r = &self.requests[&request];
        if r.status != RequestStatus::Open {
            return Err(Refusal::RequestNotOpen.into());
        }
        if r.window.end() <= now {
            return Err(Refusal::HelpTimePassed.into());
        }
        if self.member(volunteer).is_some() {
            return Err(Refusal::VolunteerInCircle.into());
        }
        if self.invitations.contains_key(&invitation) {
            return Err(Refusal::InvitationExists.into());
        }
        Ok(vec![
            CircleEvent::VolunteerAccepted {
                request,
                volunteer,
                by,
            },
            CircleEvent::MemberJoined {
                invitation,
                person: volunteer,
                ring: Ring::Cold,
                coordinator: false,
                task: Some(request),
            },
            CircleEvent::RequestTaken {
                request,
                by: volunteer,
            },
        ])
    }

    /// A coordinator offers a volunteer who helped often enough a place in the lukewarm ring.
    fn offer_place(&self, volunteer: PersonId, invitation: InvitationId, by: PersonId) -> Decision {
        self.require_coordinator(by)?;
        if !self
            .helpers_for_a_place()
            .iter()
            .any(|(helper, _)| *helper == volunteer)
        {
            return Err(Refusal::NotHelpedEnough.into());
        }
        if self.places_offered.contains_key(&volunteer) {
            return Err(Refusal::PlaceAlreadyOffered.into());
        }
        if self.invitations.contains_key(&invitation) {
            return Err(Refusal::InvitationExists.into());
        }
        Ok(vec![CircleEvent::PlaceOffered {
            volunteer,
            invitation,
            by,
        }])
    }

    /// The volunteer answers a place offered to them: a yes joins the
    /// lukewarm ring (or moves them there, if their task keeps them in the
    /// cold ring still: `place_offered_to` stands only for someone in no
    /// other ring). Without an offer, someone outside learns nothing.
    pub(super) fn answer_place(&self, volunteer: PersonId, accept: bool) -> Decision {
        let offer = self
            .place_offered_to(volunteer)
            .filter(|_| !self.life.ended());
        let Some(offer) = offer else {
            return Err(match self.member(volunteer) {
                Some(_) => Refusal::NoPlaceOffered.into(),
                None => Refusal::NoSuchCircle.into(),
            });
        };
        let mut events = vec![CircleEvent::PlaceAnswered {
            volunteer,
            accepted: accept,
        }];
        if accept {
            events.push(match self.member(volunteer) {
                Some(_) => CircleEvent::MemberRingChanged {
                    person: volunteer,
                    ring: Ring::Lukewarm,
                    by: volunteer,
                },
                None => CircleEvent::MemberJoined {
                    invitation: offer.invitation,
                    person: volunteer,
                    ring: Ring::Lukewarm,
                    coordinator: false,
                    task: None,
                },
            });
        }
        Ok(events)
    }

    fn end_task(&self, by: PersonId, me: &Member, now: DateTime<Utc>) -> Decision {
        let task = me
            .task
            .filter(|_| me.ring == Ring::Cold)
            .and_then(|task| self.requests.get(&task));
        match task {
            Some(r) if r.task_over(now) => Ok(vec![CircleEvent::MemberLeft {
                person: by,
                at: now,
            }]),
            _ => Err(Refusal::TaskNotOver.into()),
        }
    }
}
