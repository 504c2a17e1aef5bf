//! Waking the lukewarm ring: who could be asked for an open request, so the
//! family does not have to single anyone out.

use chrono::{DateTime, Utc};
use kring_domain::circle::state::{local_date, RequestStatus};
use kring_domain::{PersonId, RequestId, Ring, Viewer};
use serde::{Deserialize, Serialize};

use crate::{iso_week_start, CircleView};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub request: RequestId,
    /// Lukewarm members whose offers fit, least recently helped first.
    pub people: Vec<PersonId>,
}

impl CircleView {
    /// For coordinators: per open request, lukewarm members whose standing
    /// offers include its kind of help and who have room for it this week.
    pub fn lukewarm_suggestions(&self, viewer: &Viewer, now: DateTime<Utc>) -> Vec<Suggestion> {
        if !matches!(
            viewer,
            Viewer::Member {
                coordinator: true,
                ..
            }
        ) {
            return vec![];
        }
        let mut out = vec![];
        for r in self.requests.values().filter(|r| {
            r.status == RequestStatus::Open
                && r.window.end() > now
                // Personal matters and personal care can never be widened to the
                // lukewarm ring: nobody there can take them, so nobody is suggested.
                && r.category.widest_ring() >= Ring::Lukewarm
        }) {
            let week = iso_week_start(local_date(r.window.start(), &self.state.time_zone));
            let declared = self.capacity_hours();
            let committed = self.committed_minutes(week);
            let mut people: Vec<PersonId> = self
                .state
                .members
                .iter()
                .filter(|(p, m)| m.ring == Ring::Lukewarm && **p != r.asked_by)
                .filter(|(p, _)| has_room(declared.get(*p), committed.get(*p), r))
                .filter(|(p, _)| {
                    self.state
                        .offers
                        .values()
                        .any(|o| o.by == **p && !o.withdrawn && o.will.contains(&r.category))
                })
                .map(|(p, _)| *p)
                .collect();
            // Fair rotation: whoever helped least recently (or never) first.
            people.sort_by_key(|p| (self.last_helped.get(p).copied(), *p));
            if !people.is_empty() {
                out.push(Suggestion {
                    request: r.request,
                    people,
                });
            }
        }
        out
    }
}

/// Room this week against everything the member declared in hours (all their
/// offers together); capacity counted in tasks a month does not limit hours.
fn has_room(declared_hours: Option<&u32>, committed: Option<&u32>, r: &crate::RequestView) -> bool {
    match declared_hours {
        Some(h) => committed.copied().unwrap_or(0) + u32::from(r.duration.get()) <= h * 60,
        None => true,
    }
}
