//! Membership: the circle is created, people are invited, join, change ring and role, and go.

use chrono::{DateTime, NaiveDate, Utc};

use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Invitation, InvitationState, Member, RequestStatus, SetUp};
use crate::{InvitationId, PersonId, Ring};

impl Circle {
    /// A request to take over coordinating lapses for good when the one
    /// asked changes ring, role or leaves, or the one who asked stops
    /// coordinating or leaves: it never comes back to life.
    fn lapse_coordination_offers(&mut self, event: &CircleEvent) {
        use CircleEvent::*;
        match event {
            MemberRingChanged { person, .. } | CoordinatorAppointed { person, .. } => {
                self.coordination_offers.remove(person);
            }
            CoordinatorStepped { person, .. }
            | MemberLeft { person, .. }
            | MemberRemoved { person, .. } => {
                self.coordination_offers
                    .retain(|to, from| to != person && from != person);
            }
            _ => {}
        }
    }

    pub(super) fn apply_membership(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        // Removed by the family: a place offered to them ends with it.
        if let CircleEvent::MemberRemoved { person, .. } = &event {
            self.places_offered.remove(person);
        }
        self.lapse_coordination_offers(&event);
        match event {
            CircleCreated {
                circle,
                focus,
                coordinator,
                time_zone,
                ..
            } => {
                self.id = Some(circle);
                self.focus = Some(focus);
                self.time_zone = time_zone;
                let warm = |coordinator| Member {
                    ring: Ring::Warm,
                    coordinator,
                    task: None,
                };
                self.members.insert(focus, warm(focus == coordinator));
                self.members.insert(coordinator, warm(true));
                self.focus_joined = focus == coordinator;
            }
            FocusClaimed {
                invitation,
                person,
                was,
                ..
            } => {
                self.set_invitation(invitation, InvitationState::Accepted);
                let place = self.members.remove(&was).unwrap_or(Member {
                    ring: Ring::Warm,
                    coordinator: false,
                    task: None,
                });
                self.members.insert(person, place);
                self.focus = Some(person);
                self.focus_joined = true;
            }
            CircleSetUp { organisation, by } => {
                self.set_up_by = Some(SetUp { organisation, by });
            }
            // The intermediary's leaving (the next event) ends the invitations
            // they made: they hold those codes, so none may outlive them.
            CircleHandedOver { .. } => self.set_up_by = None,
            InvitationIssued {
                invitation,
                ring,
                role,
                task,
                token_hash,
                expires_at,
                by,
            } => {
                self.invitations.insert(
                    invitation,
                    Invitation {
                        ring,
                        role,
                        task,
                        token_hash,
                        expires_at,
                        state: InvitationState::Open,
                        issued_by: Some(by),
                    },
                );
            }
            InvitationRevoked { invitation, .. } => {
                self.set_invitation(invitation, InvitationState::Revoked)
            }
            MemberJoined {
                invitation,
                person,
                ring,
                coordinator,
                task,
            } => {
                self.set_invitation(invitation, InvitationState::Accepted);
                self.former.remove(&person);
                self.members.insert(
                    person,
                    Member {
                        ring,
                        coordinator,
                        task,
                    },
                );
            }
            MemberRingChanged { person, ring, .. } => {
                if let Some(m) = self.members.get_mut(&person) {
                    m.ring = ring;
                }
            }
            CoordinatorAppointed { person, .. } => self.set_coordinator(person, true),
            CoordinationOffered { to, by } => {
                self.coordination_offers.insert(to, by);
            }
            CoordinationAnswered { to, .. } => {
                self.coordination_offers.remove(&to);
            }
            CoordinatorStepped { person, .. } => {
                self.set_coordinator(person, false);
                self.end_invitations_of(person);
            }
            MemberLeft { person, at } | MemberRemoved { person, at, .. } => {
                if self.set_up_by.is_some_and(|s| s.by == person) {
                    self.set_up_by = None;
                }
                self.end_invitations_of(person);
                self.members.remove(&person);
                self.former.insert(person);
                self.free_commitments(person, at);
            }
            _ => unreachable!("apply dispatches by area"),
        }
    }

    /// Someone who is gone cannot come: their shifts from `at` on open up again
    /// (past ones stay, as history), their open swaps close, and requests they
    /// had taken but not done are open again.
    fn free_commitments(&mut self, person: PersonId, at: DateTime<Utc>) {
        for shift in self.shifts.values_mut() {
            let coming: Vec<NaiveDate> = shift
                .claims
                .keys()
                .filter(|date| shift.start_on(**date, &self.time_zone) >= at)
                .copied()
                .collect();
            for date in coming {
                if let Some(claims) = shift.claims.get_mut(&date) {
                    claims.retain(|p| *p != person);
                    if claims.is_empty() {
                        shift.claims.remove(&date);
                    }
                }
            }
        }
        for swap in self.swaps.values_mut() {
            if swap.from == person || swap.to == person {
                swap.open = false;
            }
        }
        for request in self.requests.values_mut() {
            let running = matches!(
                request.status,
                RequestStatus::Taken | RequestStatus::Confirmed
            );
            if running && request.taker == Some(person) {
                request.status = RequestStatus::Open;
                request.taker = None;
            }
        }
    }

    /// An invitation speaks for the coordinator who made it: when they leave,
    /// are removed or stop coordinating, their open invitations are
    /// withdrawn with them, so nobody (they least of all) can come back
    /// through one in a role they no longer may give.
    pub(crate) fn end_invitations_of(&mut self, person: PersonId) {
        for invitation in self.invitations.values_mut() {
            if invitation.issued_by == Some(person) && invitation.state == InvitationState::Open {
                invitation.state = InvitationState::Revoked;
            }
        }
    }

    fn set_invitation(&mut self, invitation: InvitationId, state: InvitationState) {
        if let Some(i) = self.invitations.get_mut(&invitation) {
            i.state = state;
        }
    }

    fn set_coordinator(&mut self, person: PersonId, coordinator: bool) {
        if let Some(m) = self.members.get_mut(&person) {
            m.coordinator = coordinator;
        }
    }
}
