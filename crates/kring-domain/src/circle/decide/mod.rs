//! The rules: a command against the current circle either becomes events or is
//! refused with a reason a person understands. Pure: `now` comes in.
//! One module per area, as the tests are; this one checks who is asking and
//! dispatches.

use chrono::{DateTime, Utc};

use crate::circle::commands::{Action, CircleCommand};
use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Member};
use crate::Refusal;
use crate::{DomainError, PersonId, Ring, Sealed};

mod consent;
mod life;
mod logbook;
mod marketplace;
mod membership;
mod requests;
mod rota;

type Decision = Result<Vec<CircleEvent>, DomainError>;

const LONGEST_INVITATION: i64 = 30;

impl Circle {
    /// The rules of the circle: what `command` becomes, judged against the
    /// circle as it is, at `now`. Either the events that record what happened
    /// (applied in order with [`Circle::apply`]) or the refusal.
    ///
    /// Pure: no clock, no IO. A circle that does not exist, and one the actor
    /// may not know, both answer `NoSuchCircle`. Intermediaries of an
    /// organisation, and its volunteers, may only record a look and propose
    /// for its marketplace, and only under consent; cold-ring
    /// volunteers act on their own task. The rest is dispatched by area
    /// (membership, requests, rota, logbook, consent, marketplace, life), one
    /// module each. An ended circle refuses its members everything.
    pub fn decide(&self, command: CircleCommand, now: DateTime<Utc>) -> Decision {
        let CircleCommand { actor, action } = command;
        if let Action::CreateCircle {
            circle,
            focus,
            focus_name,
            time_zone,
            plan,
        } = action
        {
            let created = self.create(actor, circle, focus, focus_name, time_zone, now)?;
            return self.then_plan(created, actor.person, plan, now);
        }
        if !self.exists() {
            return Err(Refusal::NoSuchCircle.into());
        }
        if let Action::Erase = action {
            return Ok(self.erase(actor.person, now));
        }
        if let Some(organisation) = actor.organisation {
            // Intermediaries only ever look, and only under consent.
            let Some(scope) = self.consent_at(organisation, now) else {
                return Err(Refusal::NoSuchCircle.into());
            };
            return match action {
                action @ (Action::ProposeVolunteer { .. } | Action::DeclineVolunteer { .. }) => {
                    self.decide_as_organisation(actor, organisation, action, now)
                }
                Action::RecordLook { what } if self.dashboard_looked_today(actor, what, now) => {
                    Ok(vec![]) // on the record already today
                }
                Action::RecordLook { what } => Ok(vec![CircleEvent::IntermediaryLooked {
                    organisation,
                    person: actor.person,
                    scope,
                    what,
                    at: now,
                }]),
                _ => Err(Refusal::OnlyMembers.into()),
            };
        }
        if let Action::AcceptInvitation {
            invitation,
            token_hash,
            focus_name,
        } = action
        {
            return self.accept(actor.person, invitation, &token_hash, focus_name, now);
        }
        if let Action::AnswerPlace { accept } = action {
            // Most often no longer in the circle: their task ended.
            return self.answer_place(actor.person, accept);
        }
        // A non-member learns nothing, not even that the circle exists.
        let Some(me) = self.member(actor.person).cloned() else {
            return Err(Refusal::NoSuchCircle.into());
        };
        let by = actor.person;
        if self.life.ended() {
            return Err(Refusal::CircleEnded.into());
        }
        if me.ring == Ring::Cold && !cold_may(&action, &me) {
            return Err(Refusal::OnlyWarmAndLukewarm.into());
        }
        match action {
            Action::CreateCircle { .. }
            | Action::AcceptInvitation { .. }
            | Action::AnswerPlace { .. }
            | Action::Erase => {
                unreachable!("handled above")
            }
            action @ (Action::Invite { .. }
            | Action::RevokeInvitation { .. }
            | Action::ChangeRing { .. }
            | Action::AppointCoordinator { .. }
            | Action::StepDownAsCoordinator
            | Action::HandOverCoordination { .. }
            | Action::AnswerCoordination { .. }
            | Action::Leave
            | Action::RemoveMember { .. }) => self.decide_membership(action, by, &me, now),
            action @ (Action::RequestHelp { .. }
            | Action::ChangeRequest { .. }
            | Action::WidenRequest { .. }
            | Action::TakeRequest { .. }
            | Action::ConfirmRequest { .. }
            | Action::MarkRequestDone { .. }
            | Action::CancelRequest { .. }
            | Action::RecordNoShow { .. }
            | Action::Thank { .. }
            | Action::MakeOffer { .. }
            | Action::WithdrawOffer { .. }
            | Action::ChangeOffer { .. }) => self.decide_requests(action, by, &me, now),
            action @ (Action::ScheduleShift { .. }
            | Action::SkipShiftDate { .. }
            | Action::EndShiftSeries { .. }
            | Action::ChangeShiftDate { .. }
            | Action::ChangeShiftSeries { .. }
            | Action::ClaimShift { .. }
            | Action::ReleaseShift { .. }
            | Action::ProposeSwap { .. }
            | Action::AcceptSwap { .. }
            | Action::DeclineSwap { .. }) => self.decide_rota(action, by, &me, now),
            action @ (Action::WriteLogbookEntry { .. } | Action::RedactLogbookEntry { .. }) => {
                self.decide_logbook(action, by)
            }
            action @ (Action::GrantConsent { .. }
            | Action::RevokeConsent { .. }
            | Action::RecordLook { .. }) => self.decide_consent(action, by, now),
            action @ (Action::NameNeighbourhood { .. }
            | Action::ListRequest { .. }
            | Action::AcceptVolunteer { .. }
            | Action::DeclineVolunteer { .. }
            | Action::EndTask
            | Action::OfferPlace { .. }) => self.decide_marketplace(action, by, &me, now),
            action @ (Action::PauseCircle { .. }
            | Action::ResumeCircle
            | Action::EndCircle { .. }) => self.decide_life(action, by, now),
            Action::ProposeVolunteer { .. } => Err(Refusal::OnlyIntermediaries.into()),
        }
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
        Action::Leave | Action::EndTask => true,
        _ => false,
    }
}

/// Text a person wrote is sealed with that person's own key, so forgetting them forgets it.
fn own_writing(by: PersonId, sealed: &Sealed) -> Result<(), DomainError> {
    if sealed.owner == by {
        Ok(())
    } else {
        Err(Refusal::TextKeyNotOwn.into())
    }
}

/// Questions clients ask before they offer an action, answered by the same
/// rules that decide it, so no client keeps a copy of them.
impl Circle {
    /// The rings `person` could open `request` to now: each ring `decide`
    /// would accept a `WidenRequest` to (none for someone who may not widen).
    pub fn widen_choices(
        &self,
        person: PersonId,
        request: crate::RequestId,
        now: DateTime<Utc>,
    ) -> Vec<Ring> {
        Ring::ALL
            .into_iter()
            .filter(|&to| {
                let action = Action::WidenRequest { request, to };
                let command = CircleCommand {
                    actor: crate::Actor::person(person),
                    action,
                };
                self.decide(command, now).is_ok()
            })
            .collect()
    }

    /// The organisations whose marketplace `person` could put `request` on now:
    /// each one `decide` would accept a `ListRequest` for.
    pub fn list_choices(
        &self,
        person: PersonId,
        request: crate::RequestId,
        now: DateTime<Utc>,
    ) -> Vec<crate::OrganisationId> {
        self.consents
            .keys()
            .copied()
            .filter(|&organisation| {
                let action = Action::ListRequest {
                    request,
                    organisation,
                    summary: Sealed {
                        owner: person,
                        data: String::new(),
                    },
                };
                let command = CircleCommand {
                    actor: crate::Actor::person(person),
                    action,
                };
                self.decide(command, now).is_ok()
            })
            .collect()
    }

    /// Whether `person` may invite the focus person to claim their place.
    pub fn may_invite_focus(&self, person: PersonId, now: DateTime<Utc>) -> bool {
        let action = Action::Invite {
            invitation: crate::InvitationId(uuid::Uuid::nil()),
            ring: Ring::Warm,
            role: crate::circle::events::InvitedAs::Focus,
            task: None,
            token_hash: "0".repeat(64),
            expires_at: now + chrono::Duration::days(1),
        };
        let command = CircleCommand {
            actor: crate::Actor::person(person),
            action,
        };
        self.decide(command, now).is_ok()
    }

    /// Whether `person` may grant or revoke an organisation's consent.
    pub fn may_decide_consent(&self, person: PersonId) -> bool {
        self.require_coordinator_or_focus(person).is_ok()
    }
}
