//! Membership: invitations, joining, rings, coordinators, leaving.

use chrono::{DateTime, Duration, Utc};

use super::Decision;
use crate::circle::commands::{Action, Actor};
use crate::circle::events::{CircleEvent, InvitedAs};
use crate::circle::state::{Circle, InvitationState, Member, RequestStatus};
use crate::Refusal;
use crate::{DomainError, PersonId, Ring, Sealed};

impl Circle {
    pub(super) fn decide_membership(
        &self,
        action: Action,
        by: PersonId,
        me: &Member,
        now: DateTime<Utc>,
    ) -> Decision {
        match action {
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
                    return Err(Refusal::InvitationExists.into());
                }
                if expires_at <= now || expires_at > now + Duration::days(super::LONGEST_INVITATION)
                {
                    return Err(Refusal::InvitationExpiry.into());
                }
                if role == InvitedAs::Coordinator && ring != Ring::Warm {
                    return Err(Refusal::CoordinatorsAreWarm.into());
                }
                if role == InvitedAs::Focus {
                    self.focus_invitation_fits(by, ring, task)?;
                }
                match (ring, task) {
                    (Ring::Cold, None) => return Err(Refusal::VolunteerNeedsTask.into()),
                    (Ring::Cold, Some(request)) => {
                        let r = self.requests.get(&request).ok_or(Refusal::NoSuchRequest)?;
                        if r.reach != Ring::Cold || r.status != RequestStatus::Open {
                            return Err(Refusal::VolunteerTaskNotOnMarketplace.into());
                        }
                    }
                    (_, Some(_)) => return Err(Refusal::TaskOnlyForColdRing.into()),
                    (_, None) => {}
                }
                if token_hash.len() < 32 {
                    return Err(Refusal::InvitationSecretTooShort.into());
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
                    .ok_or(Refusal::NoSuchInvitation)?;
                if i.state != InvitationState::Open {
                    return Err(Refusal::InvitationUsedOrRevoked.into());
                }
                Ok(vec![CircleEvent::InvitationRevoked { invitation, by }])
            }
            Action::ChangeRing { person, ring } => {
                self.require_coordinator(by)?;
                let m = self.member(person).ok_or(Refusal::NoSuchMember)?;
                if m.ring == ring {
                    return Err(Refusal::AlreadyInRing.into());
                }
                if (self.is_focus(person) || m.coordinator) && ring != Ring::Warm {
                    return Err(Refusal::FocusAndCoordinatorsStayWarm.into());
                }
                if ring == Ring::Cold || m.ring == Ring::Cold {
                    return Err(Refusal::ColdRingThroughMarketplace.into());
                }
                Ok(vec![CircleEvent::MemberRingChanged { person, ring, by }])
            }
            Action::AppointCoordinator { person } => {
                self.require_coordinator(by)?;
                let m = self.member(person).ok_or(Refusal::NoSuchMember)?;
                if m.coordinator {
                    return Err(Refusal::AlreadyCoordinator.into());
                }
                if m.ring != Ring::Warm {
                    return Err(Refusal::CoordinatorsAreWarm.into());
                }
                let appointed = CircleEvent::CoordinatorAppointed { person, by };
                Ok([appointed]
                    .into_iter()
                    .chain(self.hand_over(person, now))
                    .collect())
            }
            Action::HandOverCoordination { to } => {
                self.require_coordinator(by)?;
                if to == by {
                    return Err(Refusal::HandOverToSelf.into());
                }
                let m = self.member(to).ok_or(Refusal::NoSuchMember)?;
                if m.coordinator {
                    return Err(Refusal::AlreadyCoordinator.into());
                }
                if m.ring != Ring::Warm {
                    return Err(Refusal::CoordinatorsAreWarm.into());
                }
                if self.coordination_offered_to(to).is_some() {
                    return Err(Refusal::CoordinationAlreadyOffered.into());
                }
                Ok(vec![CircleEvent::CoordinationOffered { to, by }])
            }
            Action::AnswerCoordination { accept } => {
                let from = self
                    .coordination_offered_to(by)
                    .ok_or(Refusal::NoCoordinationOffered)?;
                let answered = CircleEvent::CoordinationAnswered {
                    to: by,
                    accepted: accept,
                };
                if !accept {
                    return Ok(vec![answered]);
                }
                let mut events = vec![
                    answered,
                    CircleEvent::CoordinatorAppointed { person: by, by },
                    CircleEvent::CoordinatorStepped { person: from, by },
                ];
                events.extend(self.hand_over(by, now));
                Ok(events)
            }
            Action::StepDownAsCoordinator => {
                self.require_coordinator(by)?;
                self.require_other_coordinator()?;
                Ok(vec![CircleEvent::CoordinatorStepped { person: by, by }])
            }
            Action::Leave => {
                if self.is_focus(by) {
                    return Err(Refusal::FocusCannotLeave.into());
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
                    return Err(Refusal::RemoveSelf.into());
                }
                if self.member(person).is_none() {
                    return Err(Refusal::NoSuchMember.into());
                }
                if self.is_focus(person) {
                    return Err(Refusal::FocusCannotBeRemoved.into());
                }
                Ok(vec![CircleEvent::MemberRemoved {
                    person,
                    by,
                    at: now,
                }])
            }
            _ => unreachable!("decide dispatches by area"),
        }
    }

    pub(super) fn create(
        &self,
        actor: Actor,
        circle: crate::CircleId,
        focus: PersonId,
        focus_name: Sealed,
        time_zone: String,
        now: DateTime<Utc>,
    ) -> Decision {
        if self.exists() {
            return Err(Refusal::AlreadyExists.into());
        }
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(DomainError::UnknownWord {
                refusal: Refusal::UnknownTimeZone,
                word: time_zone,
            });
        }
        if focus_name.owner != focus {
            return Err(Refusal::FocusNameKeyNotOwn.into());
        }
        if actor.organisation.is_some() && focus == actor.person {
            return Err(Refusal::OnlyPerson.into());
        }
        let created = CircleEvent::CircleCreated {
            circle,
            focus,
            focus_name,
            coordinator: actor.person,
            time_zone,
            at: now,
        };
        let set_up = actor
            .organisation
            .map(|organisation| CircleEvent::CircleSetUp {
                organisation,
                by: actor.person,
            });
        Ok([created].into_iter().chain(set_up).collect())
    }

    /// A new circle's plan (a template's shifts, requests and welcome entry),
    /// decided one by one as its creator against the circle the events before
    /// leave, so a plan is judged by the same rules as what people do later
    /// and is stored with the circle in one step, or not at all.
    pub(super) fn then_plan(
        &self,
        mut events: Vec<CircleEvent>,
        creator: PersonId,
        plan: Vec<Action>,
        now: DateTime<Utc>,
    ) -> Decision {
        let mut circle = self.clone();
        for event in &events {
            circle.apply(event.clone());
        }
        for action in plan {
            let planned = matches!(
                action,
                Action::ScheduleShift { .. }
                    | Action::RequestHelp { .. }
                    | Action::WriteLogbookEntry { .. }
            );
            if !planned {
                return Err(Refusal::PlanHoldsOnlyRotaRequestsAndLogbook.into());
            }
            let command = crate::CircleCommand {
                actor: Actor::person(creator),
                action,
            };
            for event in circle.decide(command, now)? {
                circle.apply(event.clone());
                events.push(event);
            }
        }
        Ok(events)
    }

    /// A "claim your place" invitation: in the warm ring, for a focus person
    /// who has no account of their own yet.
    fn focus_invitation_fits(
        &self,
        by: PersonId,
        ring: Ring,
        task: Option<crate::RequestId>,
    ) -> Result<(), DomainError> {
        // The intermediary's codes end with the hand-over: this one is the family's to make.
        if self.set_up_by.is_some_and(|s| s.by == by) {
            return Err(Refusal::ClaimFromFamily.into());
        }
        if ring != Ring::Warm || task.is_some() {
            return Err(Refusal::FocusIsWarm.into());
        }
        if self.focus_has_account() {
            return Err(Refusal::FocusHasAccount.into());
        }
        Ok(())
    }

    pub(super) fn accept(
        &self,
        person: PersonId,
        invitation: crate::InvitationId,
        token_hash: &str,
        focus_name: Option<Sealed>,
        now: DateTime<Utc>,
    ) -> Decision {
        // Without the right secret, the invitation (and the circle) does not exist.
        let i = self
            .invitations
            .get(&invitation)
            .filter(|i| i.token_hash == token_hash)
            .ok_or(Refusal::NoSuchCircle)?;
        match i.state {
            InvitationState::Accepted => return Err(Refusal::InvitationUsed.into()),
            InvitationState::Revoked => return Err(Refusal::InvitationWithdrawn.into()),
            // Ending revokes every open invitation; this holds if one slipped by.
            InvitationState::Open if self.life.ended() => {
                return Err(Refusal::InvitationWithdrawn.into())
            }
            InvitationState::Open => {}
        }
        if now >= i.expires_at {
            return Err(Refusal::InvitationExpired.into());
        }
        if self.members.contains_key(&person) {
            return Err(Refusal::AlreadyMember.into());
        }
        if i.role == InvitedAs::Focus {
            return self.claim_focus(person, invitation, focus_name);
        }
        let joined = CircleEvent::MemberJoined {
            invitation,
            person,
            ring: i.ring,
            coordinator: i.role == InvitedAs::Coordinator,
            task: i.task,
        };
        let mut events = vec![joined];
        if i.role == InvitedAs::Coordinator {
            events.extend(self.hand_over(person, now));
        }
        Ok(events)
    }

    /// The focus person takes their place; their name comes sealed with
    /// their own key, so forgetting them forgets it.
    fn claim_focus(
        &self,
        person: PersonId,
        invitation: crate::InvitationId,
        name: Option<Sealed>,
    ) -> Decision {
        let (Some(was), false) = (self.focus, self.focus_has_account()) else {
            return Err(Refusal::FocusHasAccount.into());
        };
        let name = name.ok_or(Refusal::FocusNameKeyNotOwn)?;
        if name.owner != person {
            return Err(Refusal::FocusNameKeyNotOwn.into());
        }
        Ok(vec![CircleEvent::FocusClaimed {
            invitation,
            person,
            was,
            name,
        }])
    }

    /// Set up at the kitchen table, a circle is handed over when someone of
    /// the family first becomes a coordinator (joining as one, appointed, or
    /// taking coordination over): the intermediary leaves it (what they had
    /// claimed is freed and their open invitations end, as for anyone leaving).
    fn hand_over(&self, to: PersonId, now: DateTime<Utc>) -> Vec<CircleEvent> {
        let Some(set_up) = self.set_up_by.filter(|s| s.by != to) else {
            return vec![];
        };
        vec![
            CircleEvent::CircleHandedOver {
                organisation: set_up.organisation,
                from: set_up.by,
                to,
            },
            CircleEvent::MemberLeft {
                person: set_up.by,
                at: now,
            },
        ]
    }

    /// An erased person leaves whatever their role: the rules that keep the
    /// focus person and the last coordinator in the circle give way, as nobody
    /// may be kept against their erasure. What they left open is closed first,
    /// so nobody waits on someone gone: invitations they issued are revoked,
    /// their offers withdrawn; leaving then frees their coming shifts and the
    /// requests they had taken. Requests they asked stay open (they are often
    /// asked for the focus person; a coordinator may cancel them). A circle
    /// left without a coordinator stays as it is (nobody is appointed on
    /// anyone's behalf).
    pub(super) fn erase(&self, person: PersonId, now: DateTime<Utc>) -> Vec<CircleEvent> {
        if self.member(person).is_none() {
            return vec![];
        }
        let invitations = self
            .invitations
            .iter()
            .filter(|(_, i)| i.issued_by == Some(person) && i.state == InvitationState::Open)
            .map(|(invitation, _)| CircleEvent::InvitationRevoked {
                invitation: *invitation,
                by: person,
            });
        let offers = self
            .offers
            .iter()
            .filter(|(_, o)| o.by == person && !o.withdrawn)
            .map(|(offer, _)| CircleEvent::OfferWithdrawn {
                offer: *offer,
                by: person,
            });
        invitations
            .chain(offers)
            .chain([CircleEvent::MemberLeft { person, at: now }])
            .collect()
    }

    pub(super) fn require_coordinator(&self, person: PersonId) -> Result<(), DomainError> {
        if self.is_coordinator(person) {
            Ok(())
        } else {
            Err(Refusal::OnlyCoordinators.into())
        }
    }

    pub(super) fn require_other_coordinator(&self) -> Result<(), DomainError> {
        if self.coordinator_count() > 1 {
            Ok(())
        } else {
            Err(Refusal::LastCoordinator.into())
        }
    }

    /// Who asked `person` to take over coordinating, while that stands: the
    /// one who asked still coordinates, and `person` is a warm member who
    /// does not.
    pub fn coordination_offered_to(&self, person: PersonId) -> Option<PersonId> {
        let from = *self.coordination_offers.get(&person)?;
        let to = self.member(person)?;
        let stands = self.is_coordinator(from) && to.ring == Ring::Warm && !to.coordinator;
        stands.then_some(from)
    }
}
