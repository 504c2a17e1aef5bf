//! The rota: shifts expanded into dated slots, with who is on them and what is still open.

use chrono::{DateTime, NaiveDate, Utc};
use kring_domain::{may_see, Minutes, PersonId, Ring, Sealed, ShiftId, Viewer};
use serde::{Deserialize, Serialize};

use crate::CircleView;

/// The longest stretch a rota is expanded for in one query.
const MAX_DAYS: u32 = 400;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub shift: ShiftId,
    pub title: Sealed,
    pub date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub duration: Minutes,
    pub helpers_needed: u8,
    pub rings: Vec<Ring>,
    pub claimed_by: Vec<PersonId>,
}

impl Slot {
    pub fn open_places(&self) -> u8 {
        self.helpers_needed
            .saturating_sub(self.claimed_by.len() as u8)
    }
}

impl CircleView {
    /// Every slot from `from` for `days` days, in time order, for a viewer who may
    /// see the rota (empty otherwise).
    pub fn rota(&self, viewer: &Viewer, from: NaiveDate, days: u32) -> Vec<Slot> {
        let Some((_, first)) = self.shifts.iter().next() else {
            return vec![];
        };
        if !may_see(&self.state, first, viewer) {
            return vec![];
        }
        self.slots(from, days)
    }

    /// All slots, unfiltered: for load, health and suggestions. None while
    /// the circle is or was paused, nor after it ended.
    pub(crate) fn slots(&self, from: NaiveDate, days: u32) -> Vec<Slot> {
        let mut slots = vec![];
        for (id, shift) in &self.state.shifts {
            let Some(kring_domain::CircleEvent::ShiftScheduled { title, .. }) = self.shifts.get(id)
            else {
                continue;
            };
            for offset in 0..days.min(MAX_DAYS) {
                let Some(date) = from.checked_add_days(chrono::Days::new(u64::from(offset))) else {
                    break;
                };
                if !shift.occurs_on(date) {
                    continue;
                }
                let starts_at = shift.start_on(date, &self.state.time_zone);
                if self.state.shifts_suspended_at(starts_at) {
                    continue;
                }
                slots.push(Slot {
                    shift: *id,
                    title: title.clone(),
                    date,
                    starts_at,
                    duration: shift.timing_on(date).duration,
                    helpers_needed: shift.helpers_needed,
                    rings: shift.rings.clone(),
                    claimed_by: shift.claims_on(date).to_vec(),
                });
            }
        }
        slots.sort_by_key(|s| (s.starts_at, s.shift));
        slots
    }
}
