//! Signals of how a circle is doing, without content: what an organisation
//! with `signals` consent sees, and what warns the coordinators.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use kring_domain::circle::state::{local_date, RequestStatus};
use kring_domain::{PersonId, Ring};
use serde::{Deserialize, Serialize};

use crate::{iso_week_start, CircleView};

/// One member carrying more than this share of the hours...
const PRIMARY_CARER_SHARE: f64 = 0.6;
/// ...for this many weeks running is at risk.
const PRIMARY_CARER_WEEKS: i64 = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Places still open on shifts that start in the next 7 days.
    pub open_shift_places_next_7_days: u32,
    /// Requests nobody answered for 48 hours.
    pub requests_unanswered_48h: u32,
    pub members_over_capacity: u32,
    /// One member carried more than 60% of the hours for 3 weeks running.
    pub primary_carer_at_risk: bool,
    pub days_since_last_entry: Option<i64>,
    pub members_per_ring: BTreeMap<Ring, u32>,
    /// Only the warm ring carries the circle: fragile.
    pub only_warm: bool,
    /// Minutes of help committed this week and the week before (the trend).
    pub minutes_this_week: u32,
    pub minutes_last_week: u32,
}

impl CircleView {
    pub fn health(&self, now: DateTime<Utc>) -> Health {
        let today = local_date(now, &self.state.time_zone);
        let open_shift_places_next_7_days = self
            // Slots are dated in the circle's time zone, which can be a day behind
            // or ahead of UTC: expand a day either side and filter by the instant.
            .slots(today - Duration::days(1), 9)
            .iter()
            .filter(|s| s.starts_at >= now && s.starts_at < now + Duration::days(7))
            .map(|s| u32::from(s.open_places()))
            .sum();
        let requests_unanswered_48h = self
            .requests
            .values()
            .filter(|r| {
                r.status == RequestStatus::Open
                    && r.requested_at <= now - Duration::hours(48)
                    && r.window.end() > now
            })
            .count() as u32;
        let this_week = iso_week_start(today);
        let committed = self.committed_minutes(this_week);
        let capacity = self.capacity_hours();
        let members_over_capacity = committed
            .iter()
            .filter(|(p, m)| {
                capacity.get(p).is_some_and(|h| **m > h * 60) && self.state.members.contains_key(p)
            })
            .count() as u32;
        let mut members_per_ring: BTreeMap<Ring, u32> = BTreeMap::new();
        for m in self.state.members.values() {
            *members_per_ring.entry(m.ring).or_default() += 1;
        }
        let only_warm = members_per_ring.keys().all(|r| *r == Ring::Warm);
        Health {
            open_shift_places_next_7_days,
            requests_unanswered_48h,
            members_over_capacity,
            primary_carer_at_risk: self.primary_carer(now).is_some(),
            days_since_last_entry: self.last_entry_at.map(|at| (now - at).num_days()),
            members_per_ring,
            only_warm,
            minutes_this_week: committed.values().sum(),
            minutes_last_week: self
                .committed_minutes(this_week - Duration::days(7))
                .values()
                .sum(),
        }
    }

    /// The member who carried more than 60% of the hours in each of the last
    /// three weeks (this week included), if there is one.
    pub fn primary_carer(&self, now: DateTime<Utc>) -> Option<PersonId> {
        let this_week = iso_week_start(local_date(now, &self.state.time_zone));
        let mut carer = None;
        for back in 0..PRIMARY_CARER_WEEKS {
            let week = self.committed_minutes(this_week - Duration::days(7 * back));
            let total: u32 = week.values().sum();
            let (top, minutes) = week.into_iter().max_by_key(|(_, m)| *m)?;
            if total == 0 || f64::from(minutes) <= PRIMARY_CARER_SHARE * f64::from(total) {
                return None;
            }
            if carer.is_some_and(|c| c != top) {
                return None;
            }
            carer = Some(top);
        }
        // Someone who left carries nothing any more.
        carer.filter(|c| self.state.members.contains_key(c))
    }
}
