//! The rota: shifts, claims and swaps.

use chrono::{DateTime, NaiveDate, Utc};

use super::{own_writing, Decision};
use crate::circle::commands::Action;
use crate::circle::events::{CircleEvent, Recurrence};
use crate::circle::state::{local_to_utc, Circle, Member};
use crate::Refusal;
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
                    return Err(Refusal::ShiftExists.into());
                }
                // 0: professionals' visit, on the rota for context, not to take.
                if helpers_needed > 10 {
                    return Err(Refusal::ShiftHelpers.into());
                }
                if rings.is_empty() || rings.contains(&Ring::Cold) {
                    return Err(Refusal::ShiftRings.into());
                }
                let mut unique = rings.clone();
                unique.sort();
                unique.dedup();
                if let Recurrence::EveryWeeks { weeks, .. } = recurrence {
                    if !(2..=crate::circle::events::MOST_WEEKS_APART).contains(&weeks) {
                        return Err(Refusal::ShiftWeeksApart.into());
                    }
                }
                if recurrence
                    .until()
                    .is_some_and(|until| until < starts.date())
                {
                    return Err(Refusal::WeeklyShiftEndsBeforeStart.into());
                }
                if crate::circle::state::local_to_utc(starts, &self.time_zone) <= now {
                    return Err(Refusal::ShiftInPast.into());
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
                let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
                if !s.occurs_on(date) {
                    return Err(Refusal::NoShiftOnDate.into());
                }
                // What happened stays on the record (and can be thanked for).
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(Refusal::ShiftStarted.into());
                }
                Ok(vec![CircleEvent::ShiftDateSkipped { shift, date, by }])
            }
            Action::EndShiftSeries { shift, from } => {
                self.require_coordinator(by)?;
                let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
                if s.recurrence.weeks_apart().is_none() {
                    return Err(Refusal::ShiftNotWeekly.into());
                }
                if s.recurrence.until().is_some_and(|until| until < from) {
                    return Err(Refusal::NoShiftFromThen.into());
                }
                // What happened stays on the record: the series ends from a
                // date that has not begun.
                let from = from.max(s.starts.date());
                if s.start_on(from, &self.time_zone) <= now {
                    return Err(Refusal::ShiftStarted.into());
                }
                Ok(vec![CircleEvent::ShiftSeriesEnded { shift, from, by }])
            }
            Action::ChangeShiftDate {
                shift,
                date,
                time,
                duration,
            } => {
                self.require_coordinator(by)?;
                let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
                if !s.occurs_on(date) {
                    return Err(Refusal::NoShiftOnDate.into());
                }
                self.require_not_begun(s, date, time, now)?;
                Ok(vec![CircleEvent::ShiftDateChanged {
                    shift,
                    date,
                    time,
                    duration,
                    by,
                }])
            }
            Action::ChangeShiftSeries {
                shift,
                from,
                time,
                duration,
            } => {
                self.require_coordinator(by)?;
                let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
                if s.recurrence.weeks_apart().is_none() {
                    return Err(Refusal::ShiftNotWeekly.into());
                }
                if !s.occurs_on(from) && !s.skipped.contains(&from) {
                    return Err(Refusal::NoShiftOnDate.into());
                }
                self.require_not_begun(s, from, time, now)?;
                Ok(vec![CircleEvent::ShiftSeriesChanged {
                    shift,
                    from,
                    time,
                    duration,
                    by,
                }])
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
                let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
                if !s.claims_on(date).contains(&by) {
                    return Err(Refusal::YouAreNotOnShift.into());
                }
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(Refusal::ShiftStarted.into());
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
                self.refuse_while_paused()?;
                if self.swaps.contains_key(&swap) {
                    return Err(Refusal::SwapExists.into());
                }
                let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
                if !s.claims_on(date).contains(&by) {
                    return Err(Refusal::YouAreNotOnShift.into());
                }
                if to == by {
                    return Err(Refusal::SwapWithSelf.into());
                }
                let other = self.member(to).ok_or(Refusal::NoSuchMember)?;
                if !s.rings.contains(&other.ring) {
                    return Err(Refusal::SwapRingNotOnShift.into());
                }
                if s.claims_on(date).contains(&to) {
                    return Err(Refusal::SwapMemberAlreadyOnShift.into());
                }
                if s.start_on(date, &self.time_zone) <= now {
                    return Err(Refusal::ShiftStarted.into());
                }
                if self
                    .swaps
                    .values()
                    .any(|w| w.open && w.shift == shift && w.date == date && w.from == by)
                {
                    return Err(Refusal::SwapAlreadyAsked.into());
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
                self.refuse_while_paused()?;
                let w = self.swaps.get(&swap).ok_or(Refusal::NoSuchSwap)?;
                if w.to != by {
                    return Err(Refusal::OnlyAskedToSwap.into());
                }
                if !w.open {
                    return Err(Refusal::SwapSettled.into());
                }
                let s = self.shifts.get(&w.shift).ok_or(Refusal::NoSuchShift)?;
                if !s.claims_on(w.date).contains(&w.from) || s.claims_on(w.date).contains(&by) {
                    return Err(Refusal::ShiftChangedSinceSwap.into());
                }
                if !s.rings.contains(&me.ring) {
                    return Err(Refusal::OnlyShiftRings.into());
                }
                if s.start_on(w.date, &self.time_zone) <= now {
                    return Err(Refusal::ShiftStarted.into());
                }
                Ok(vec![CircleEvent::SwapAccepted { swap, by }])
            }
            Action::DeclineSwap { swap } => {
                let w = self.swaps.get(&swap).ok_or(Refusal::NoSuchSwap)?;
                if w.to != by && w.from != by {
                    return Err(Refusal::OnlySwapMembers.into());
                }
                if !w.open {
                    return Err(Refusal::SwapSettled.into());
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
        let s = self.shifts.get(&shift).ok_or(Refusal::NoSuchShift)?;
        self.refuse_while_paused()?;
        if !s.rings.contains(&me.ring) {
            return Err(Refusal::OnlyShiftRings.into());
        }
        if !s.occurs_on(date) {
            return Err(Refusal::NoShiftOnDate.into());
        }
        if s.start_on(date, &self.time_zone) <= now {
            return Err(Refusal::ShiftStarted.into());
        }
        let claims = s.claims_on(date);
        if claims.contains(&by) {
            return Err(Refusal::AlreadyOnShift.into());
        }
        if claims.len() >= usize::from(s.helpers_needed) {
            return Err(Refusal::ShiftFull.into());
        }
        Ok(())
    }

    /// While paused no shift takes place, so none is taken or handed on.
    fn refuse_while_paused(&self) -> Result<(), DomainError> {
        match self.life {
            crate::circle::state::Life::Paused { .. } => Err(Refusal::CirclePaused.into()),
            _ => Ok(()),
        }
    }
}

impl Circle {
    /// What happened stays as it was: a change applies to a date that has
    /// not begun, at its old time nor at its new one.
    fn require_not_begun(
        &self,
        shift: &crate::circle::state::Shift,
        date: NaiveDate,
        time: chrono::NaiveTime,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let new_start = local_to_utc(date.and_time(time), &self.time_zone);
        if shift.start_on(date, &self.time_zone) <= now || new_start <= now {
            return Err(Refusal::ShiftStarted.into());
        }
        Ok(())
    }
}
