//! Membership: invitations, joining, rings, coordinators, leaving.

use chrono::{DateTime, Duration, Utc};

use super::Decision;
use crate::circle::commands::{Action, Actor};
use crate::circle::events::{CircleEvent, InvitedAs};
use crate::circle::state::{Circle, InvitationState, Member, RequestStatus};
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
                    return Err(DomainError::Conflict("this invitation already exists"));
                }
                if expires_at <= now || expires_at > now + Duration::days(super::LONGEST_INVITATION)
                {
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

    pub(super) fn accept(
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

    pub(super) fn require_coordinator(&self, person: PersonId) -> Result<(), DomainError> {
        if self.is_coordinator(person) {
            Ok(())
        } else {
            Err(DomainError::NotAllowed(super::COORDINATORS))
        }
    }

    pub(super) fn require_other_coordinator(&self) -> Result<(), DomainError> {
        if self.coordinator_count() > 1 {
            Ok(())
        } else {
            Err(DomainError::Conflict(
                "a circle needs a coordinator: appoint another one first",
            ))
        }
    }
}
