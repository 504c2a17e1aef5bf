//! How each event changes the circle, by area, as `decide` is. `apply` only
//! records what happened; it never refuses (the rules were kept when the event
//! was decided, and old events stay valid as the rules change).

mod consent;
mod life;
mod logbook;
mod marketplace;
mod membership;
mod requests;
mod rota;

use crate::circle::events::CircleEvent;
use crate::circle::state::Circle;

impl Circle {
    /// Records `event` in the state. Every event of the circle's stream goes
    /// through here, in order, to rebuild the circle.
    pub fn apply(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            event @ (CircleCreated { .. }
            | InvitationIssued { .. }
            | InvitationRevoked { .. }
            | MemberJoined { .. }
            | MemberRingChanged { .. }
            | CoordinatorAppointed { .. }
            | CoordinatorStepped { .. }
            | CoordinationOffered { .. }
            | CoordinationAnswered { .. }
            | MemberLeft { .. }
            | MemberRemoved { .. }
            | FocusClaimed { .. }
            | CircleSetUp { .. }
            | CircleHandedOver { .. }) => self.apply_membership(event),
            event @ (HelpRequested { .. }
            | RequestPlaceNoted { .. }
            | RequestChanged { .. }
            | RequestWidened { .. }
            | RequestTaken { .. }
            | RequestConfirmed { .. }
            | RequestDone { .. }
            | RequestCancelled { .. }
            | NoShowRecorded { .. }
            | ThanksGiven { .. }
            | OfferMade { .. }
            | OfferWithdrawn { .. }
            | OfferChanged { .. }) => self.apply_requests(event),
            event @ (ShiftScheduled { .. }
            | ShiftDateSkipped { .. }
            | ShiftSeriesEnded { .. }
            | ShiftDateChanged { .. }
            | ShiftSeriesChanged { .. }
            | ShiftClaimed { .. }
            | ShiftReleased { .. }
            | SwapProposed { .. }
            | SwapAccepted { .. }
            | SwapDeclined { .. }) => self.apply_rota(event),
            event @ (LogbookEntryWritten { .. } | LogbookEntryRedacted { .. }) => {
                self.apply_logbook(event)
            }
            event @ (ConsentGranted { .. } | ConsentRevoked { .. } | IntermediaryLooked { .. }) => {
                self.apply_consent(event)
            }
            event @ (NeighbourhoodNamed { .. }
            | RequestListed { .. }
            | VolunteerProposed { .. }
            | VolunteerAccepted { .. }
            | VolunteerDeclined { .. }
            | PlaceOffered { .. }
            | PlaceAnswered { .. }) => self.apply_marketplace(event),
            event @ (CirclePaused { .. } | CircleResumed { .. } | CircleEnded { .. }) => {
                self.apply_life(event)
            }
        }
    }
}
