//! Reminders and the coordinators' time-based notices: due at a time, not on
//! an event. Each tick reads the projector's circle views and queues what has
//! come due. Nothing is kept but the outbox: a reminder's dedupe key names the
//! thing, the person and which reminder it is, so a second tick, a restart or
//! a second node never queues one twice. A reminder is queued only once its
//! time has come, so a shift released before then gets none.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use kring_domain::circle::state::{local_date, RequestStatus};
use kring_domain::{Actor, CircleId, PersonId};
use kring_store::{MailLink, OutboxMessage, Store};
use kring_views::{CircleView, CIRCLE_VIEW};
use uuid::Uuid;

use crate::links::LinkKeys;
use crate::notices::{About, Topic};
use crate::notifier::MESSAGE_IDS;
use crate::schedule::{Delivery, MailSettings};
use crate::settings::settings_of;

/// The lease: one node of several reminds.
pub const LEASE: &str = "reminders";

/// How far ahead a tick looks: the evening before is at most ~29 hours ahead,
/// and coordinators hear of open places 48 hours ahead. A reminder set more
/// hours before than this comes at this span.
const SPAN: Duration = Duration::hours(48);
/// Coordinators hear of open places this long before a shift.
const OPEN_PLACES_AHEAD: Duration = Duration::hours(48);
/// An unanswered swap is brought back to the one asked this long before its shift.
const SWAP_LAPSES_AHEAD: Duration = Duration::hours(24);

/// A request nobody took for this long is brought to the coordinators.
const UNANSWERED_AFTER: Duration = Duration::hours(24);
/// Rows per enqueue.
const CHUNK: usize = 500;

pub struct Reminders {
    store: Arc<dyn Store>,
    links: LinkKeys,
    /// Keys this worker queued (or found queued), with when their thing starts:
    /// not offered to the store again every minute. The store's dedupe is
    /// what makes it safe; this only spares it the work.
    queued: HashMap<String, DateTime<Utc>>,
}

/// Something a person may have to hear of, before their settings are read.
enum Wanted {
    /// A reminder of something the person is on: its times come from their settings.
    Reminder {
        circle: CircleId,
        person: PersonId,
        about: About,
        /// `reminder:<circle>:<thing>`; the person and which reminder follow.
        key: String,
        starts: DateTime<Utc>,
    },
    /// A coordinator's notice: due now (or after their quiet hours, or in their digest).
    Coordination {
        circle: CircleId,
        person: PersonId,
        about: About,
        key: String,
        starts: DateTime<Utc>,
    },
}

impl Wanted {
    fn person(&self) -> PersonId {
        match self {
            Wanted::Reminder { person, .. } | Wanted::Coordination { person, .. } => *person,
        }
    }
}

impl Reminders {
    pub fn new(store: Arc<dyn Store>, links: LinkKeys) -> Reminders {
        Reminders {
            store,
            links,
            queued: HashMap::new(),
        }
    }

    /// Queues everything due at `now`; answers how many messages were new.
    pub async fn tick(&mut self, now: DateTime<Utc>) -> anyhow::Result<u64> {
        self.queued.retain(|_, starts| *starts > now);
        let mut wanted = vec![];
        for row in self.store.load_views(CIRCLE_VIEW).await? {
            // One unreadable view must not stop everyone's reminders.
            let view: CircleView = match serde_json::from_str(&row.body) {
                Ok(view) => view,
                Err(e) => {
                    tracing::warn!(circle = %row.key, error = %e, "a circle view cannot be read; no reminders for it");
                    continue;
                }
            };
            let Some(circle) = view.state.id else {
                continue;
            };
            // A stored view may be some events behind its stream: fold in the rest.
            let view = match kring_views::complete(self.store.as_ref(), circle, view).await {
                Ok(view) => view,
                Err(e) => {
                    tracing::warn!(circle = %row.key, error = %e, "a circle's events cannot be read; no reminders for it");
                    continue;
                }
            };
            reminders_in(&view, circle, now, &mut wanted);
            coordination_in(&view, circle, now, &mut wanted);
            lapsing_swaps_in(&view, circle, now, &mut wanted);
        }
        let people: BTreeSet<Uuid> = wanted.iter().map(|w| w.person().0).collect();
        let people: Vec<Uuid> = people.into_iter().collect();
        let settings = settings_of(self.store.as_ref(), &people).await?;
        let defaults = MailSettings::default();
        let mut messages = vec![];
        let mut links = vec![];
        let mut starts_of = vec![];
        for w in wanted {
            let mine = settings.get(&w.person().0).unwrap_or(&defaults);
            let Some((message, topic, starts)) = self.message(w, mine, now) else {
                continue;
            };
            if self.queued.contains_key(&message.dedupe_key) {
                continue;
            }
            links.push(self.unsubscribe(&message, topic, now));
            starts_of.push((message.dedupe_key.clone(), starts));
            messages.push(message);
        }
        let mut new = 0;
        for (messages, links) in messages.chunks(CHUNK).zip(links.chunks(CHUNK)) {
            new += self.store.enqueue(messages, links).await?;
        }
        self.queued.extend(starts_of);
        if new > 0 {
            metrics::counter!("kring_reminders_queued_total").increment(new);
        }
        Ok(new)
    }

    /// The outbox row of what is wanted, if it is due at `now` and not turned off.
    fn message(
        &self,
        wanted: Wanted,
        settings: &MailSettings,
        now: DateTime<Utc>,
    ) -> Option<(OutboxMessage, Topic, DateTime<Utc>)> {
        let (circle, person, about, dedupe_key, due_at, starts) = match wanted {
            Wanted::Reminder {
                circle,
                person,
                about,
                key,
                starts,
            } => {
                if settings.delivery(circle, Topic::Reminders) == Delivery::Off {
                    return None;
                }
                // Of the reminders due, only the latest: someone who took a
                // shift late hears of it once, not twice in one minute. Which
                // one is latest never changes as time goes on, so an earlier
                // one left out now is left out after a restart too.
                let (which, at) = settings
                    .reminders(starts)
                    .into_iter()
                    .filter(|(_, at)| *at <= now)
                    .max_by_key(|(_, at)| *at)?;
                let key = format!("{key}:{person}:{which}");
                (circle, person, about, key, at, starts)
            }
            Wanted::Coordination {
                circle,
                person,
                about,
                key,
                starts,
            } => {
                let delivery = settings.delivery(circle, about.topic());
                let due_at = settings.due(delivery, now)?;
                (circle, person, about, key, due_at, starts)
            }
        };
        if now >= starts {
            return None;
        }
        let batch = match &about {
            About::ShiftReminder { .. } | About::RequestReminder { .. } => Delivery::Now,
            _ => settings.delivery(circle, about.topic()),
        };
        let message = OutboxMessage {
            id: Uuid::new_v5(&MESSAGE_IDS, dedupe_key.as_bytes()),
            dedupe_key,
            recipient: person.0,
            kind: about.kind().to_owned(),
            circle: Some(circle.0),
            body: serde_json::to_string(&about).expect("a notice serialises"),
            batch: batch.batch().to_owned(),
            due_at,
        };
        Some((message, about.topic(), starts))
    }

    /// The message's unsubscribe link (its topic in its circle), as the notifier makes it.
    fn unsubscribe(&self, message: &OutboxMessage, topic: Topic, now: DateTime<Utc>) -> MailLink {
        let (id, account, circle) = (message.id, message.recipient, message.circle);
        self.links.unsubscribe(id, account, circle, topic, now)
    }

    /// Runs until the task is dropped: a tick a minute, on the one node that
    /// holds the lease.
    pub async fn run(mut self) {
        loop {
            let mut lease = match self.store.try_lead(LEASE).await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    tokio::time::sleep(StdDuration::from_secs(5)).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot ask who reminds; trying again");
                    tokio::time::sleep(StdDuration::from_secs(5)).await;
                    continue;
                }
            };
            while lease.still_held().await {
                if let Err(e) = self.tick(Utc::now()).await {
                    tracing::error!(error = %e, "reminders failed; trying again");
                    metrics::counter!("kring_reminders_failures_total").increment(1);
                }
                tokio::time::sleep(StdDuration::from_secs(60)).await;
            }
        }
    }
}

/// Each claim of a shift date and each request someone took, starting within the span.
fn reminders_in(view: &CircleView, circle: CircleId, now: DateTime<Utc>, out: &mut Vec<Wanted>) {
    let state = &view.state;
    let soon = |starts: DateTime<Utc>| now < starts && starts <= now + SPAN;
    // Every local date the span touches (a day either side for zones far from UTC).
    let first = local_date(now, &state.time_zone) - Duration::days(1);
    let last = local_date(now + SPAN, &state.time_zone) + Duration::days(1);
    for (shift_id, shift) in &state.shifts {
        for date in first.iter_days().take_while(|d| *d <= last) {
            if !shift.occurs_on(date) {
                continue;
            }
            let starts = shift.start_on(date, &state.time_zone);
            if !soon(starts) || state.shifts_suspended_at(starts) {
                continue;
            }
            for person in shift.claims_on(date) {
                if state.member(*person).is_none() {
                    continue;
                }
                out.push(Wanted::Reminder {
                    circle,
                    person: *person,
                    about: About::ShiftReminder {
                        shift: *shift_id,
                        date,
                        starts,
                    },
                    key: format!("reminder:{}:{}:{}", circle.0, shift_id.0, date),
                    starts,
                });
            }
        }
    }
    for request in view.requests.values() {
        if !matches!(
            request.status,
            RequestStatus::Taken | RequestStatus::Confirmed
        ) {
            continue;
        }
        let (Some(taker), starts) = (request.taker, request.window.start()) else {
            continue;
        };
        if !soon(starts) || state.member(taker).is_none() {
            continue;
        }
        out.push(Wanted::Reminder {
            circle,
            person: taker,
            about: About::RequestReminder {
                request: request.request,
                category: request.category,
                starts,
            },
            key: format!("reminder:{}:{}", circle.0, request.request.0),
            starts,
        });
    }
}

/// A swap proposed and not yet answered, whose shift begins within a day:
/// the one asked hears it is about to lapse (once).
fn lapsing_swaps_in(
    view: &CircleView,
    circle: CircleId,
    now: DateTime<Utc>,
    out: &mut Vec<Wanted>,
) {
    let state = &view.state;
    for (swap_id, swap) in state.swaps.iter().filter(|(_, s)| s.open) {
        let Some(shift) = state.shifts.get(&swap.shift) else {
            continue;
        };
        let starts = shift.start_on(swap.date, &state.time_zone);
        if starts <= now
            || starts - SWAP_LAPSES_AHEAD > now
            || state.member(swap.to).is_none()
            || state.shifts_suspended_at(starts)
        {
            continue;
        }
        out.push(Wanted::Coordination {
            circle,
            person: swap.to,
            about: About::SwapLapsing {
                swap: *swap_id,
                starts,
            },
            key: format!("swap-lapsing:{}:{}:{}", circle.0, swap_id.0, swap.to),
            starts,
        });
    }
}

/// For each coordinator: shift dates in the next 48 hours with open places,
/// and requests nobody took for 24 hours, as far as they may see them.
fn coordination_in(view: &CircleView, circle: CircleId, now: DateTime<Utc>, out: &mut Vec<Wanted>) {
    let state = &view.state;
    let from = local_date(now, &state.time_zone) - Duration::days(1);
    let days = (OPEN_PLACES_AHEAD.num_days() + 3) as u32;
    for (person, _) in state.members.iter().filter(|(_, m)| m.coordinator) {
        let viewer = view.viewer(Actor::person(*person), now);
        if !viewer.sees_circle() {
            continue;
        }
        for slot in view.rota(&viewer, from, days) {
            if slot.open_places() == 0
                || slot.starts_at <= now
                || slot.starts_at - OPEN_PLACES_AHEAD > now
            {
                continue;
            }
            out.push(Wanted::Coordination {
                circle,
                person: *person,
                about: About::OpenPlaces {
                    shift: slot.shift,
                    date: slot.date,
                    starts: slot.starts_at,
                },
                key: format!(
                    "open-places:{}:{}:{}:{}",
                    circle.0, slot.shift.0, slot.date, person
                ),
                starts: slot.starts_at,
            });
        }
        for request in view.requests(&viewer) {
            let starts = request.window.start();
            if request.status != RequestStatus::Open
                || request.requested_at + UNANSWERED_AFTER > now
                || starts <= now
            {
                continue;
            }
            out.push(Wanted::Coordination {
                circle,
                person: *person,
                about: About::RequestUnanswered {
                    request: request.request,
                    category: request.category,
                    starts,
                    can_widen: request.reach < request.category.widest_ring(),
                },
                key: format!("unanswered:{}:{}:{}", circle.0, request.request.0, person),
                starts,
            });
        }
    }
}
