//! Once per crossing: coordinators hear when a member goes over capacity or
//! the primary carer is at risk, and an organisation's intermediaries when a
//! consenting circle crosses one of the organisation's thresholds (open
//! places, carer at risk, silence) — once each time a signal turns on, not on
//! every event or tick.
//!
//! Each tick computes every circle's health and compares each signal with
//! what is stored for it (a view row of kind [`SIGNALS_VIEW`], keyed by the
//! circle: per signal on/off and an episode number). A signal that turns on
//! is queued for its people with the dedupe key
//! `signal:<circle>:<signal>:<episode>:<person>`, and only then is "on"
//! stored: a crash in between queues the same keys again, so nothing doubles.
//! A signal that turns off is stored off with the next episode, so a later
//! crossing is heard of again.
//!
//! A mail to an intermediary about a circle tells them something of it, so it
//! is a look: before it is queued, an `IntermediaryLooked` with the code
//! `signals-mail` is recorded in the circle, as the dashboard records a read
//! (the circle sees it under "who looked"). A look whose mail is queued
//! already is not recorded again; one recorded just before a crash may be
//! recorded once more. Under `signals` consent the mail does not name the
//! focus person ("a circle"); under `full` it does.
//!
//! A rebuild of the views clears the stored state: a circle's episodes then
//! start from the minute of the rebuild, so no old key is reused, and a
//! signal that is on is heard of once more.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use kring_app::{CommandError, Commands};
use kring_domain::{
    Action, Actor, CircleCommand, CircleId, ConsentScope, Looked, Organisation, OrganisationId,
    PersonId, Services, Viewer,
};
use kring_store::{MailLink, OutboxMessage, Store, ViewRow};
use kring_views::{CircleView, ConsentedCircles, Health, CIRCLE_VIEW, ORGANISATION_VIEW};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::links::LinkKeys;
use crate::notices::{About, ThresholdSignal, Topic};
use crate::notifier::MESSAGE_IDS;
use crate::schedule::MailSettings;
use crate::settings::settings_of;

/// The lease: one node of several watches the signals.
pub const LEASE: &str = "signals";
/// The kind of the stored state, one row per circle.
pub const SIGNALS_VIEW: &str = "signals";
/// The stored rows need a checkpoint name to be committed under; nothing reads it.
const CHECKPOINT: &str = "signals";
/// How often the signals are looked at.
const EVERY: StdDuration = StdDuration::from_secs(5 * 60);

/// What is stored of one circle's signals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Crossings {
    /// The episode a signal first seen here starts at: the minute the row was
    /// made, so a row made again after a rebuild never reuses an old key.
    base: u64,
    signals: BTreeMap<String, Crossing>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Crossing {
    on: bool,
    episode: u64,
}

/// A signal of one circle and who hears when it turns on.
struct Watch {
    /// `over-capacity`, `carer-at-risk`, or `<organisation>:<threshold>`.
    name: String,
    on: bool,
    hears: Hears,
}

enum Hears {
    Coordinators(About),
    Intermediaries {
        organisation: OrganisationId,
        intermediaries: BTreeSet<PersonId>,
        signal: ThresholdSignal,
    },
}

/// One recipient's notice, before their settings are read.
struct Wanted {
    person: PersonId,
    about: About,
    key: String,
    /// Recorded as a look before it is queued (a mail to an intermediary).
    look_as: Option<OrganisationId>,
}

pub struct Signals {
    store: Arc<dyn Store>,
    links: LinkKeys,
    commands: Commands,
}

impl Signals {
    pub fn new(store: Arc<dyn Store>, links: LinkKeys) -> Signals {
        Signals::with_services(store, links, Services::system())
    }

    /// With the clock the looks are recorded by (tests).
    pub fn with_services(store: Arc<dyn Store>, links: LinkKeys, services: Services) -> Signals {
        Signals {
            commands: Commands::new(store.clone(), services),
            store,
            links,
        }
    }

    /// Looks at every circle at `now`; answers how many messages were new.
    pub async fn tick(&mut self, now: DateTime<Utc>) -> anyhow::Result<u64> {
        let watchers = self.watchers(now).await?;
        // Every circle's stored signals in one read, not one per circle.
        let mut stored: HashMap<String, ViewRow> = self
            .store
            .load_views(SIGNALS_VIEW)
            .await?
            .into_iter()
            .map(|row| (row.key.clone(), row))
            .collect();
        let mut new = 0;
        for row in self.store.load_views(CIRCLE_VIEW).await? {
            let view: CircleView = match serde_json::from_str(&row.body) {
                Ok(view) => view,
                Err(e) => {
                    tracing::warn!(circle = %row.key, error = %e, "a circle view cannot be read; no signals for it");
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
                    tracing::warn!(circle = %row.key, error = %e, "a circle's events cannot be read; no signals for it");
                    continue;
                }
            };
            let organisations = watchers.get(&circle).map(Vec::as_slice).unwrap_or(&[]);
            let watches = watches(&view, organisations, now);
            let stored = stored.remove(&circle.0.to_string());
            new += self.circle(&view, circle, stored, watches, now).await?;
        }
        if new > 0 {
            metrics::counter!("kring_signals_queued_total").increment(new);
        }
        Ok(new)
    }

    /// For each circle, the organisations it consents to now that set a threshold.
    async fn watchers(
        &self,
        now: DateTime<Utc>,
    ) -> anyhow::Result<HashMap<CircleId, Vec<Organisation>>> {
        let mut watchers: HashMap<CircleId, Vec<Organisation>> = HashMap::new();
        for row in self.store.load_views(ORGANISATION_VIEW).await? {
            let Ok(id) = row.key.parse::<Uuid>() else {
                continue;
            };
            let consented: ConsentedCircles = match serde_json::from_str(&row.body) {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(organisation = %row.key, error = %e, "an organisation's consents cannot be read");
                    continue;
                }
            };
            if consented
                .circles
                .values()
                .all(|c| c.revoked || c.from > now)
            {
                continue;
            }
            let Some(organisation) = self.commands.organisation_state(OrganisationId(id)).await?
            else {
                continue;
            };
            if !organisation.thresholds.any() {
                continue;
            }
            // Each recipient is judged against the circle itself too (its
            // viewer), as the dashboard does.
            for (circle, _) in consented
                .circles
                .iter()
                .filter(|(_, c)| !c.revoked && c.from <= now)
            {
                watchers
                    .entry(*circle)
                    .or_default()
                    .push(organisation.clone());
            }
        }
        Ok(watchers)
    }

    /// Compares one circle's signals with what is stored; queues, then stores.
    async fn circle(
        &self,
        view: &CircleView,
        circle: CircleId,
        stored: Option<ViewRow>,
        watches: Vec<Watch>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        let key = circle.0.to_string();
        let (mut state, version) = match &stored {
            Some(row) => (
                serde_json::from_str::<Crossings>(&row.body).unwrap_or_else(|e| {
                    tracing::warn!(%circle, error = %e, "stored signals cannot be read; starting again");
                    fresh(now)
                }),
                row.version,
            ),
            None => (fresh(now), 0),
        };
        let before = state.clone();
        let mut wanted = vec![];
        let seen: BTreeSet<&str> = watches.iter().map(|w| w.name.as_str()).collect();
        for watch in &watches {
            let base = state.base;
            let crossing = state.signals.entry(watch.name.clone()).or_insert(Crossing {
                on: false,
                episode: base,
            });
            if watch.on && !crossing.on {
                crossing.on = true;
                let prefix = format!("signal:{}:{}:{}", circle.0, watch.name, crossing.episode);
                wanted.extend(recipients(view, watch, &prefix, now));
            } else if !watch.on && crossing.on {
                crossing.on = false;
                crossing.episode += 1;
            }
        }
        // A signal no longer watched (a threshold switched off, consent
        // ended) is off: if it comes back, that is a new crossing.
        for (name, crossing) in state.signals.iter_mut() {
            if crossing.on && !seen.contains(name.as_str()) {
                crossing.on = false;
                crossing.episode += 1;
            }
        }
        if state == before {
            return Ok(0);
        }
        let new = self.queue(circle, wanted, now).await?;
        let at = self.store.load_checkpoint(CHECKPOINT).await?;
        let row = ViewRow {
            kind: SIGNALS_VIEW.to_owned(),
            key,
            version: version + 1,
            body: serde_json::to_string(&state).expect("signals serialise"),
        };
        self.store.commit_views(CHECKPOINT, at, &[row]).await?;
        Ok(new)
    }

    /// Queues the notices each person wants; an intermediary's is recorded as a look first.
    async fn queue(
        &self,
        circle: CircleId,
        wanted: Vec<Wanted>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        if wanted.is_empty() {
            return Ok(0);
        }
        let people: Vec<Uuid> = wanted
            .iter()
            .map(|w| w.person.0)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let settings = settings_of(self.store.as_ref(), &people).await?;
        let defaults = MailSettings::default();
        let mut messages = vec![];
        let mut links = vec![];
        for w in wanted {
            let mine = settings.get(&w.person.0).unwrap_or(&defaults);
            let topic = w.about.topic();
            let delivery = mine.delivery(circle, topic);
            let Some(due_at) = mine.due(delivery, now) else {
                continue;
            };
            let message = OutboxMessage {
                id: Uuid::new_v5(&MESSAGE_IDS, w.key.as_bytes()),
                dedupe_key: w.key,
                recipient: w.person.0,
                kind: w.about.kind().to_owned(),
                circle: Some(circle.0),
                body: serde_json::to_string(&w.about).expect("a notice serialises"),
                batch: delivery.batch().to_owned(),
                due_at,
            };
            if let Some(organisation) = w.look_as {
                if self.store.outbox_message(message.id).await?.is_some() {
                    continue;
                }
                if !self.record_look(circle, w.person, organisation).await? {
                    continue;
                }
            }
            links.push(self.unsubscribe(&message, topic, now));
            messages.push(message);
        }
        Ok(self.store.enqueue(&messages, &links).await?)
    }

    /// Records that `person` of `organisation` learns of the circle by mail;
    /// false when the circle refuses it (consent ended in between).
    async fn record_look(
        &self,
        circle: CircleId,
        person: PersonId,
        organisation: OrganisationId,
    ) -> anyhow::Result<bool> {
        let actor = Actor::intermediary(person, organisation);
        let command = CircleCommand {
            actor,
            action: Action::RecordLook {
                what: Looked::SignalsMail,
            },
        };
        let metadata = kring_store::metadata::of(person.0, Some(organisation.0));
        match self.commands.circle(circle, command, metadata).await {
            Ok(_) => Ok(true),
            Err(CommandError::Refused(e)) => {
                tracing::info!(%circle, error = %e, "no mail to an intermediary: the circle refuses the look");
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn unsubscribe(&self, message: &OutboxMessage, topic: Topic, now: DateTime<Utc>) -> MailLink {
        let (id, account, circle) = (message.id, message.recipient, message.circle);
        self.links.unsubscribe(id, account, circle, topic, now)
    }

    /// Runs until the task is dropped: a tick every few minutes, on the one
    /// node that holds the lease.
    pub async fn run(mut self) {
        loop {
            let mut lease = match self.store.try_lead(LEASE).await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    tokio::time::sleep(StdDuration::from_secs(5)).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot ask who watches the signals; trying again");
                    tokio::time::sleep(StdDuration::from_secs(5)).await;
                    continue;
                }
            };
            while lease.still_held().await {
                if let Err(e) = self.tick(Utc::now()).await {
                    tracing::error!(error = %e, "signals failed; trying again");
                    metrics::counter!("kring_signals_failures_total").increment(1);
                }
                tokio::time::sleep(EVERY).await;
            }
        }
    }
}

fn fresh(now: DateTime<Utc>) -> Crossings {
    Crossings {
        base: u64::try_from(now.timestamp() / 60).unwrap_or(0),
        signals: BTreeMap::new(),
    }
}

/// The signals of one circle: the coordinators' two, and each watching
/// organisation's thresholds.
fn watches(view: &CircleView, organisations: &[Organisation], now: DateTime<Utc>) -> Vec<Watch> {
    let health: Health = view.health(now);
    let mut out = vec![
        Watch {
            name: "over-capacity".to_owned(),
            on: health.members_over_capacity > 0,
            hears: Hears::Coordinators(About::MemberOverCapacity),
        },
        Watch {
            name: "carer-at-risk".to_owned(),
            on: health.primary_carer_at_risk,
            hears: Hears::Coordinators(About::CarerAtRisk),
        },
    ];
    for organisation in organisations {
        let Some(id) = organisation.id else {
            continue;
        };
        let t = organisation.thresholds;
        let mut threshold = |signal: ThresholdSignal, on: bool| {
            out.push(Watch {
                name: format!("{}:{}", id.0, signal.code()),
                on,
                hears: Hears::Intermediaries {
                    organisation: id,
                    intermediaries: organisation.intermediaries.clone(),
                    signal,
                },
            })
        };
        if t.open_places > 0 {
            threshold(
                ThresholdSignal::OpenPlaces {
                    at_least: t.open_places,
                },
                health.open_shift_places_next_7_days >= t.open_places,
            );
        }
        if t.carer_at_risk {
            threshold(ThresholdSignal::CarerAtRisk, health.primary_carer_at_risk);
        }
        if t.silent_days > 0 {
            // A circle that never wrote in its logbook is not counted as silent:
            // there is no day it went quiet.
            let silent = health
                .days_since_last_entry
                .is_some_and(|days| days >= i64::from(t.silent_days));
            threshold(
                ThresholdSignal::Silence {
                    days: t.silent_days,
                },
                silent,
            );
        }
    }
    out
}

/// Who hears of `watch` turning on: the coordinators who see the circle, or
/// the intermediaries the circle's consent lets see its signals now.
fn recipients(view: &CircleView, watch: &Watch, prefix: &str, now: DateTime<Utc>) -> Vec<Wanted> {
    match &watch.hears {
        Hears::Coordinators(about) => view
            .state
            .members
            .iter()
            .filter(|(_, m)| m.coordinator)
            .filter(|(p, _)| view.viewer(Actor::person(**p), now).sees_circle())
            .map(|(p, _)| Wanted {
                person: *p,
                about: about.clone(),
                key: format!("{prefix}:{p}"),
                look_as: None,
            })
            .collect(),
        Hears::Intermediaries {
            organisation,
            intermediaries,
            signal,
        } => intermediaries
            .iter()
            .filter_map(|p| {
                let viewer = view.viewer(Actor::intermediary(*p, *organisation), now);
                let Viewer::Intermediary { scope, .. } = viewer else {
                    return None;
                };
                Some(Wanted {
                    person: *p,
                    about: About::Threshold {
                        organisation: *organisation,
                        signal: *signal,
                        named: scope == ConsentScope::Full,
                    },
                    key: format!("{prefix}:{p}"),
                    look_as: Some(*organisation),
                })
            })
            .collect(),
    }
}
