//! Where the circle is, its requests on a marketplace, and volunteers proposed for them.

use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, PlaceOffer, Proposal, ProposalState};
use crate::{PersonId, RequestId};

impl Circle {
    pub(super) fn apply_marketplace(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            NeighbourhoodNamed { neighbourhood, .. } => self.neighbourhood = neighbourhood,
            RequestListed {
                request,
                organisation,
                ..
            } => {
                if let Some(r) = self.requests.get_mut(&request) {
                    r.listed_with = Some(organisation);
                }
            }
            VolunteerProposed {
                request,
                volunteer,
                by,
                ..
            } => {
                if let Some(r) = self.requests.get_mut(&request) {
                    let proposal = Proposal {
                        by,
                        state: ProposalState::Waiting,
                    };
                    r.proposals.insert(volunteer, proposal);
                }
            }
            VolunteerAccepted {
                request, volunteer, ..
            } => self.settle_proposal(request, volunteer, ProposalState::Accepted),
            VolunteerDeclined {
                request, volunteer, ..
            } => {
                self.settle_proposal(request, volunteer, ProposalState::Declined);
                self.kept_away.insert(volunteer);
            }
            PlaceOffered {
                volunteer,
                invitation,
                by,
            } => {
                let offer = PlaceOffer { invitation, by };
                self.places_offered.insert(volunteer, offer);
            }
            PlaceAnswered {
                volunteer,
                accepted,
            } => {
                self.places_offered.remove(&volunteer);
                if !accepted {
                    self.places_declined.insert(volunteer);
                }
            }
            _ => unreachable!("apply dispatches by area"),
        }
    }

    fn settle_proposal(&mut self, request: RequestId, volunteer: PersonId, state: ProposalState) {
        if let Some(p) = self
            .requests
            .get_mut(&request)
            .and_then(|r| r.proposals.get_mut(&volunteer))
        {
            p.state = state;
        }
    }
}
