//! A circle's life: pausing, resuming and ending it.

use chrono::{DateTime, Utc};

use super::{own_writing, Decision};
use crate::circle::commands::Action;
use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, InvitationState, Life, RequestStatus};
use crate::{PersonId, Refusal, Sealed};

impl Circle {
    pub(super) fn decide_life(&self, action: Action, by: PersonId, now: DateTime<Utc>) -> Decision {
        self.require_coordinator(by)?;
        match action {
            Action::PauseCircle { message } => {
                if matches!(self.life, Life::Paused { .. }) {
                    return Err(Refusal::CircleAlreadyPaused.into());
                }
                check_message(by, &message)?;
                Ok(vec![CircleEvent::CirclePaused {
                    by,
                    at: now,
                    message,
                }])
            }
            Action::ResumeCircle => {
                if !matches!(self.life, Life::Paused { .. }) {
                    return Err(Refusal::CircleNotPaused.into());
                }
                Ok(vec![CircleEvent::CircleResumed { by, at: now }])
            }
            Action::EndCircle { reason, message } => {
                check_message(by, &message)?;
                let mut events = self.close_what_is_open(by, now);
                events.push(CircleEvent::CircleEnded {
                    reason,
                    message,
                    by,
                    at: now,
                });
                Ok(events)
            }
            _ => unreachable!("decide dispatches by area"),
        }
    }

    /// What an ending closes, as the events that close each thing one by one
    /// (so views and mail treat them as they always do): requests still to
    /// come, open invitations, standing offers and consents.
    fn close_what_is_open(&self, by: PersonId, now: DateTime<Utc>) -> Vec<CircleEvent> {
        let requests = self.requests.iter().filter(|(_, r)| {
            matches!(
                r.status,
                RequestStatus::Open | RequestStatus::Taken | RequestStatus::Confirmed
            ) && r.window.end() > now
        });
        let requests = requests.map(|(&request, _)| CircleEvent::RequestCancelled { request, by });
        let invitations = self
            .invitations
            .iter()
            .filter(|(_, i)| i.state == InvitationState::Open && i.expires_at > now)
            .map(|(&invitation, _)| CircleEvent::InvitationRevoked { invitation, by });
        let offers = self
            .offers
            .iter()
            .filter(|(_, o)| !o.withdrawn)
            .map(|(&offer, _)| CircleEvent::OfferWithdrawn { offer, by });
        let consents = self
            .consents
            .iter()
            .filter(|(_, c)| !c.revoked)
            .map(|(&organisation, _)| CircleEvent::ConsentRevoked { organisation, by });
        requests
            .chain(invitations)
            .chain(offers)
            .chain(consents)
            .collect()
    }
}

fn check_message(by: PersonId, message: &Option<Sealed>) -> Result<(), crate::DomainError> {
    message.as_ref().map_or(Ok(()), |m| own_writing(by, m))
}
