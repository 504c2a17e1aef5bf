//! Requests for help, thanks and offers.

use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Offer, Request, RequestStatus};
use crate::{RequestId, Ring};

impl Circle {
    pub(super) fn apply_requests(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            HelpRequested {
                request,
                category,
                window,
                duration,
                asked_by,
                ..
            } => {
                self.requests.insert(
                    request,
                    Request {
                        category,
                        window,
                        duration,
                        reach: Ring::Warm,
                        asked_by,
                        status: RequestStatus::Open,
                        taker: None,
                        listed_with: None,
                        proposals: Default::default(),
                    },
                );
            }
            RequestPlaceNoted { .. } => {}
            RequestChanged {
                request,
                window,
                duration,
                ..
            } => {
                if let Some(r) = self.requests.get_mut(&request) {
                    r.window = window;
                    r.duration = duration;
                }
            }
            RequestWidened { request, to, .. } => {
                if let Some(r) = self.requests.get_mut(&request) {
                    r.reach = to;
                }
            }
            RequestTaken { request, by } => {
                if let Some(r) = self.requests.get_mut(&request) {
                    r.status = RequestStatus::Taken;
                    r.taker = Some(by);
                }
            }
            RequestConfirmed { request, .. } => self.set_request(request, RequestStatus::Confirmed),
            RequestDone { request, .. } => self.set_request(request, RequestStatus::Done),
            RequestCancelled { request, .. } => self.set_request(request, RequestStatus::Cancelled),
            NoShowRecorded {
                request, helper, ..
            } => {
                self.set_request(request, RequestStatus::NoShow);
                // A volunteer who did not come is not asked by this circle again.
                if self.member(helper).is_some_and(|m| m.ring == Ring::Cold) {
                    self.kept_away.insert(helper);
                }
            }
            ThanksGiven { .. } => {}
            OfferMade {
                offer,
                by,
                will,
                capacity,
                ..
            } => {
                self.offers.insert(
                    offer,
                    Offer {
                        by,
                        will,
                        capacity,
                        withdrawn: false,
                    },
                );
            }
            OfferWithdrawn { offer, .. } => {
                if let Some(o) = self.offers.get_mut(&offer) {
                    o.withdrawn = true;
                }
            }
            OfferChanged {
                offer,
                will,
                capacity,
                ..
            } => {
                if let Some(o) = self.offers.get_mut(&offer) {
                    o.will = will;
                    o.capacity = capacity;
                }
            }
            _ => unreachable!("apply dispatches by area"),
        }
    }

    fn set_request(&mut self, request: RequestId, status: RequestStatus) {
        if let Some(r) = self.requests.get_mut(&request) {
            r.status = status;
        }
    }
}
