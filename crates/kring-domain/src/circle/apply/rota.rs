//! The rota: shifts, claims and swaps.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::circle::events::CircleEvent;
use crate::circle::state::{Circle, Shift, Swap, Timing};
use crate::{PersonId, ShiftId};

impl Circle {
    pub(super) fn apply_rota(&mut self, event: CircleEvent) {
        use CircleEvent::*;
        match event {
            ShiftScheduled {
                shift,
                starts,
                duration,
                recurrence,
                helpers_needed,
                rings,
                ..
            } => {
                self.shifts.insert(
                    shift,
                    Shift {
                        starts,
                        duration,
                        recurrence,
                        helpers_needed,
                        rings,
                        skipped: BTreeSet::new(),
                        claims: BTreeMap::new(),
                        changed_dates: BTreeMap::new(),
                        series_changes: BTreeMap::new(),
                    },
                );
            }
            ShiftDateSkipped { shift, date, .. } => {
                if let Some(s) = self.shifts.get_mut(&shift) {
                    s.skipped.insert(date);
                    s.claims.remove(&date);
                }
            }
            ShiftSeriesEnded { shift, from, .. } => {
                if let Some(s) = self.shifts.get_mut(&shift) {
                    s.recurrence.end_by(from.pred_opt().unwrap_or(from));
                    s.claims.retain(|date, _| *date < from);
                }
                for swap in self.swaps.values_mut() {
                    if swap.shift == shift && swap.date >= from {
                        swap.open = false;
                    }
                }
            }
            ShiftDateChanged {
                shift,
                date,
                time,
                duration,
                ..
            } => {
                if let Some(s) = self.shifts.get_mut(&shift) {
                    s.changed_dates.insert(date, Timing { time, duration });
                }
            }
            ShiftSeriesChanged {
                shift,
                from,
                time,
                duration,
                ..
            } => {
                if let Some(s) = self.shifts.get_mut(&shift) {
                    // A later change of the series is overtaken by this one.
                    s.series_changes.retain(|date, _| *date < from);
                    s.series_changes.insert(from, Timing { time, duration });
                }
            }
            ShiftClaimed { shift, date, by } => {
                if let Some(s) = self.shifts.get_mut(&shift) {
                    s.claims.entry(date).or_default().push(by);
                }
            }
            ShiftReleased {
                shift, date, by, ..
            } => self.unclaim(shift, date, by),
            SwapProposed {
                swap,
                shift,
                date,
                from,
                to,
            } => {
                self.swaps.insert(
                    swap,
                    Swap {
                        shift,
                        date,
                        from,
                        to,
                        open: true,
                    },
                );
            }
            SwapAccepted { swap, .. } => {
                let Some(s) = self.swaps.get_mut(&swap) else {
                    return;
                };
                s.open = false;
                let (shift, date, from, to) = (s.shift, s.date, s.from, s.to);
                self.unclaim(shift, date, from);
                if let Some(shift) = self.shifts.get_mut(&shift) {
                    shift.claims.entry(date).or_default().push(to);
                }
            }
            SwapDeclined { swap, .. } => {
                if let Some(s) = self.swaps.get_mut(&swap) {
                    s.open = false;
                }
            }
            _ => unreachable!("apply dispatches by area"),
        }
    }

    fn unclaim(&mut self, shift: ShiftId, date: NaiveDate, person: PersonId) {
        if let Some(s) = self.shifts.get_mut(&shift) {
            if let Some(claims) = s.claims.get_mut(&date) {
                claims.retain(|p| *p != person);
                if claims.is_empty() {
                    s.claims.remove(&date);
                }
            }
        }
    }
}
