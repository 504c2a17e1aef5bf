//! Load (committed hours against declared capacity) and reciprocity (given,
//! received, thanks). Both are private: a member sees their own, coordinators see all.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use kring_domain::circle::state::{local_date, RequestStatus};
use kring_domain::{Capacity, PersonId, Viewer};
use serde::{Deserialize, Serialize};

use crate::CircleView;

/// The Monday of the ISO week `date` is in.
pub fn iso_week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLoad {
    pub person: PersonId,
    pub week: NaiveDate,
    pub committed_minutes: u32,
    /// Hours a week the member said they can give (None: no capacity in hours declared).
    pub capacity_hours: Option<u32>,
    pub over_capacity: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reciprocity {
    pub person: PersonId,
    /// Help given: requests done, shifts served, and (for the focus person) standing offers.
    pub given: u32,
    /// Help received: requests done for them; the focus person receives the rota.
    pub received: u32,
    pub thanks_received: u32,
    pub thanks_given: u32,
}

/// Private figures: a member sees their own, coordinators see everyone's.
fn may_see_figures_of(viewer: &Viewer, person: PersonId) -> bool {
    match viewer {
        Viewer::Member {
            coordinator: true, ..
        } => true,
        Viewer::Member { person: me, .. } => *me == person,
        _ => false,
    }
}

impl CircleView {
    /// Minutes each member committed in the week starting `week` (a Monday):
    /// shifts claimed that week and requests taken for that week.
    pub fn committed_minutes(&self, week: NaiveDate) -> BTreeMap<PersonId, u32> {
        let mut minutes: BTreeMap<PersonId, u32> = BTreeMap::new();
        for slot in self.slots(week, 7) {
            for person in &slot.claimed_by {
                *minutes.entry(*person).or_default() += u32::from(slot.duration.get());
            }
        }
        for r in self.requests.values() {
            let committed = matches!(
                r.status,
                RequestStatus::Taken | RequestStatus::Confirmed | RequestStatus::Done
            );
            if let (true, Some(taker)) = (committed, r.taker) {
                if iso_week_start(local_date(r.window.start(), &self.state.time_zone)) == week {
                    *minutes.entry(taker).or_default() += u32::from(r.duration.get());
                }
            }
        }
        minutes
    }

    /// Declared hours a week per member, from their standing offers.
    pub fn capacity_hours(&self) -> BTreeMap<PersonId, u32> {
        let mut hours: BTreeMap<PersonId, u32> = BTreeMap::new();
        for offer in self.state.offers.values().filter(|o| !o.withdrawn) {
            if let Capacity::HoursPerWeek(h) = offer.capacity {
                *hours.entry(offer.by).or_default() += u32::from(h);
            }
        }
        hours
    }

    /// Load per current member in the week starting `week`, for whom `viewer` may see it.
    pub fn load(&self, viewer: &Viewer, week: NaiveDate) -> Vec<MemberLoad> {
        let committed = self.committed_minutes(week);
        let capacity = self.capacity_hours();
        self.state
            .members
            .keys()
            .filter(|p| may_see_figures_of(viewer, **p))
            .map(|&person| {
                let committed_minutes = committed.get(&person).copied().unwrap_or(0);
                let capacity_hours = capacity.get(&person).copied();
                MemberLoad {
                    person,
                    week,
                    committed_minutes,
                    capacity_hours,
                    over_capacity: capacity_hours.is_some_and(|h| committed_minutes > h * 60),
                }
            })
            .collect()
    }

    /// Given, received and thanks per member up to `now`, for whom `viewer` may see them.
    pub fn reciprocity(&self, viewer: &Viewer, now: DateTime<Utc>) -> Vec<Reciprocity> {
        let mut rows: BTreeMap<PersonId, Reciprocity> = BTreeMap::new();
        fn row(rows: &mut BTreeMap<PersonId, Reciprocity>, person: PersonId) -> &mut Reciprocity {
            rows.entry(person).or_insert(Reciprocity {
                person,
                given: 0,
                received: 0,
                thanks_received: 0,
                thanks_given: 0,
            })
        }
        let focus = self.state.focus;
        for r in self
            .requests
            .values()
            .filter(|r| r.status == RequestStatus::Done)
        {
            if let Some(taker) = r.taker {
                row(&mut rows, taker).given += 1;
            }
            row(&mut rows, r.receiver(focus)).received += 1;
        }
        // From the claims themselves, not from every day since the first
        // shift: the work is what people did, however long the rota runs.
        for shift in self.state.shifts.values() {
            for (date, claimed_by) in &shift.claims {
                let served = shift.occurs_on(*date)
                    && !claimed_by.is_empty()
                    && shift.start_on(*date, &self.state.time_zone) <= now;
                if !served {
                    continue;
                }
                for person in claimed_by {
                    row(&mut rows, *person).given += 1;
                }
                if let Some(focus) = focus {
                    row(&mut rows, focus).received += 1;
                }
            }
        }
        // Giving something back makes asking easier: the focus person's offers count.
        if let Some(focus) = focus {
            let offers = self
                .state
                .offers
                .values()
                .filter(|o| o.by == focus && !o.withdrawn)
                .count() as u32;
            row(&mut rows, focus).given += offers;
        }
        for t in &self.thanks {
            row(&mut rows, t.to).thanks_received += 1;
            row(&mut rows, t.from).thanks_given += 1;
        }
        rows.into_values()
            .filter(|r| {
                self.state.members.contains_key(&r.person) && may_see_figures_of(viewer, r.person)
            })
            .collect()
    }
}
