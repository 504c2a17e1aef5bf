//! Which of an organisation's volunteers to ask for one listed request, best
//! first. Pure: the caller gathers the volunteers and what they did before.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

use crate::{Category, Neighbourhood, PartOfDay, Slot, TimeWindow, Volunteer, VolunteerId};

/// What a listed request asks for, as matching sees it: never who or where exactly.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub category: Category,
    pub window: TimeWindow,
    /// The circle's time zone, in which volunteers' weekdays and parts of day are meant.
    pub time_zone: Tz,
    pub neighbourhood: Neighbourhood,
}

impl Wanted {
    /// `time_zone` by its name (a circle's); an unknown name counts as Amsterdam, as elsewhere.
    pub fn in_zone(
        category: Category,
        window: TimeWindow,
        time_zone: &str,
        neighbourhood: Neighbourhood,
    ) -> Wanted {
        Wanted {
            category,
            window,
            time_zone: time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam),
            neighbourhood,
        }
    }
}

/// One volunteer with what matching needs to know of their past.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: VolunteerId,
    /// The person behind the volunteering.
    pub person: crate::PersonId,
    pub volunteer: Volunteer,
    /// Tasks accepted for them in the request's month, across all circles.
    pub tasks_this_month: u32,
    /// When they were last asked for anything (`None`: never).
    pub last_asked: Option<DateTime<Utc>>,
    /// They declined this circle before, or did not come when they had said yes.
    pub kept_away: bool,
}

impl Candidate {
    /// Whether they may be asked for `wanted` at all.
    fn fits(&self, wanted: &Wanted) -> bool {
        let profile = &self.volunteer.profile;
        self.volunteer.may_be_asked()
            && !self.kept_away
            && profile.will.contains(&wanted.category)
            && self.tasks_this_month < u32::from(profile.tasks_per_month)
            && profile
                .neighbourhood
                .as_ref()
                .is_some_and(|n| n.is_near(&wanted.neighbourhood))
            && slots_of(wanted)
                .iter()
                .any(|slot| profile.available.contains(slot))
    }
}

/// The volunteers who fit, best first: those in the very neighbourhood before
/// those next to it, then whoever was asked least recently (never asked
/// first), so that asking goes round instead of falling on the same few.
/// Equal candidates keep the order they came in.
pub fn rank(wanted: &Wanted, candidates: &[Candidate]) -> Vec<VolunteerId> {
    let mut fitting: Vec<&Candidate> = candidates.iter().filter(|c| c.fits(wanted)).collect();
    fitting.sort_by_key(|c| {
        let nearby = c.volunteer.profile.neighbourhood.as_ref() != Some(&wanted.neighbourhood);
        (nearby, c.last_asked)
    });
    fitting.into_iter().map(|c| c.id).collect()
}

/// The parts of days (in the circle's time zone) the request's window touches.
fn slots_of(wanted: &Wanted) -> Vec<Slot> {
    let start = wanted.window.start().with_timezone(&wanted.time_zone);
    let end = wanted.window.end().with_timezone(&wanted.time_zone);
    let mut slots = vec![];
    let mut at = start;
    // By hours: parts of days are hours long; a week holds every slot there is.
    for _ in 0..MAX_HOURS {
        if at >= end {
            break;
        }
        let slot = Slot {
            weekday: at.weekday().num_days_from_monday() as u8,
            part: part_of_day(at.hour()),
        };
        if slots.last() != Some(&slot) {
            slots.push(slot);
        }
        at += chrono::Duration::hours(1);
        at = at.with_minute(0).unwrap_or(at);
    }
    slots
}

/// A week of hours: a longer window touches no slot a week does not.
const MAX_HOURS: usize = 7 * 24 + 1;

fn part_of_day(hour: u32) -> PartOfDay {
    match hour {
        0..=11 => PartOfDay::Morning,
        12..=17 => PartOfDay::Afternoon,
        _ => PartOfDay::Evening,
    }
}
