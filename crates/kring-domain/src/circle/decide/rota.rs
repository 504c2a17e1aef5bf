//! The rota: shifts, claims and swaps.

use chrono::{DateTime, NaiveDate, Utc};

use super::{own_writing, Decision};
use crate::circle::commands::Action;
use crate::circle::events::{CircleEvent, Recurrence};
use crate::circle::state::{Circle, Member};
use crate::{DomainError, PersonId, Ring, ShiftId};

impl Circle {
    pub(super) fn decide_rota(
        &self,
        action: Action,
        by: PersonId,
        me: &Member,
        now: DateTime<Utc>,
    ) -> Decision {
        match action {
            Action::ScheduleShift {
                shift,
                title,
                starts,
                duration,
                recurrence,
                helpers_needed,
                rings,
            } => {
                self.require_coordinator(by)?;
                if self.shifts.contains_key(&shift) {
                    return Err(DomainError::Conflict("this shift already exists"));
                }
                if !(1..=10).contains(&helpers_needed) {
                    return Err(DomainError::Invalid(
                        "a shift needs between 1 and 10 helpers",
                    ));
                }
                if rings.is_empty() || rings.contains(&Ring::Cold) {
                    return Err(DomainError::Invalid(
                        "a shift is open to the warm ring, the lukewarm ring, or both",
                    ));
                }
                let mut unique = rings.clone();
                unique.sort();
                unique.dedup();
                if let Recurrence::Weekly { until: Some(until) } = recurrence {
                    if until < starts.date() {
                        return Err(DomainError::Invalid(
                            "a weekly shift cannot end before it starts",
                        ));
                    }
                }
                if crate::circle::state::local_to_utc(starts, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("a shift must start in the future"));
                }
                own_writing(by, &title)?;
                Ok(vec![CircleEvent::ShiftScheduled {
                    shift,
                    title,
                    starts,
                    duration,
                    recurrence,
                    helpers_needed,
                    rings: unique,
                    by,
                }])
            }
            Action::SkipShiftDate { shift, date } => {
                self.require_coordinator(by)?;
                let s = self
                    .shifts
                    .get(&shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.occurs_on(date) {
                    return Err(DomainError::Invalid(
                        "the shift does not take place on that date",
                    ));
                }
                // What happened stays on the record (and can be thanked for).
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                Ok(vec![CircleEvent::ShiftDateSkipped { shift, date, by }])
            }
            Action::ClaimShift { shift, date } => {
                self.check_open_slot(shift, date, by, &me, now)?;
                Ok(vec![CircleEvent::ShiftClaimed { shift, date, by }])
            }
            Action::ReleaseShift {
                shift,
                date,
                reason,
            } => {
                let s = self
                    .shifts
                    .get(&shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.claims_on(date).contains(&by) {
                    return Err(DomainError::Conflict("you are not on this shift that day"));
                }
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                own_writing(by, &reason)?;
                Ok(vec![CircleEvent::ShiftReleased {
                    shift,
                    date,
                    by,
                    reason,
                }])
            }
            Action::ProposeSwap {
                swap,
                shift,
                date,
                to,
            } => {
                if self.swaps.contains_key(&swap) {
                    return Err(DomainError::Conflict("this swap already exists"));
                }
                let s = self
                    .shifts
                    .get(&shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.claims_on(date).contains(&by) {
                    return Err(DomainError::Conflict("you are not on this shift that day"));
                }
                if to == by {
                    return Err(DomainError::Invalid("choose someone else to swap with"));
                }
                let other = self.member(to).ok_or(DomainError::NotFound("member"))?;
                if !s.rings.contains(&other.ring) {
                    return Err(DomainError::Invalid(
                        "that member's ring may not take this shift",
                    ));
                }
                if s.claims_on(date).contains(&to) {
                    return Err(DomainError::Conflict(
                        "that member is already on this shift that day",
                    ));
                }
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                if self
                    .swaps
                    .values()
                    .any(|w| w.open && w.shift == shift && w.date == date && w.from == by)
                {
                    return Err(DomainError::Conflict(
                        "you already asked someone to swap this shift",
                    ));
                }
                Ok(vec![CircleEvent::SwapProposed {
                    swap,
                    shift,
                    date,
                    from: by,
                    to,
                }])
            }
            Action::AcceptSwap { swap } => {
                let w = self.swaps.get(&swap).ok_or(DomainError::NotFound("swap"))?;
                if w.to != by {
                    return Err(DomainError::NotAllowed("the member who was asked to swap"));
                }
                if !w.open {
                    return Err(DomainError::Conflict("this swap is already settled"));
                }
                let s = self
                    .shifts
                    .get(&w.shift)
                    .ok_or(DomainError::NotFound("shift"))?;
                if !s.claims_on(w.date).contains(&w.from) || s.claims_on(w.date).contains(&by) {
                    return Err(DomainError::Conflict(
                        "the shift changed since the swap was proposed",
                    ));
                }
                if !s.rings.contains(&me.ring) {
                    return Err(DomainError::NotAllowed("the rings this shift is open to"));
                }
                if s.start_on(w.date, &self.time_zone) <= now {
                    return Err(DomainError::Invalid("this shift has already started"));
                }
                Ok(vec![CircleEvent::SwapAccepted { swap, by }])
            }
            Action::DeclineSwap { swap } => {
                let w = self.swaps.get(&swap).ok_or(DomainError::NotFound("swap"))?;
                if w.to != by && w.from != by {
                    return Err(DomainError::NotAllowed("the two members of the swap"));
                }
                if !w.open {
                    return Err(DomainError::Conflict("this swap is already settled"));
                }
                Ok(vec![CircleEvent::SwapDeclined { swap, by }])
            }
            _ => unreachable!("decide dispatches by area"),
        }
    }

    pub(super) fn check_open_slot(
        &self,
        shift: ShiftId,
        date: NaiveDate,
        by: PersonId,
        me: &Member,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let s = self
            .shifts
            .get(&shift)
            .ok_or(DomainError::NotFound("shift"))?;
        if !s.rings.contains(&me.ring) {
            return Err(DomainError::NotAllowed("the rings this shift is open to"));
        }
        if !s.occurs_on(date) {
            return Err(DomainError::Invalid(
                "the shift does not take place on that date",
            ));
        }
        if s.start_on(date, &self.time_zone) <= now {
            return Err(DomainError::Invalid("this shift has already started"));
        }
        let claims = s.claims_on(date);
        if claims.contains(&by) {
            return Err(DomainError::Conflict(
                "you are already on this shift that day",
            ));
        }
        if claims.len() >= usize::from(s.helpers_needed) {
            return Err(DomainError::Conflict(
                "this shift already has all the helpers it needs",
            ));
        }
        Ok(())
    }
}
