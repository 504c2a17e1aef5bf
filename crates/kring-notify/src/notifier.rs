//! The notifier: one more reader of the log. For each circle event it asks
//! `notices` who should hear of it, each person's settings how and when, and
//! writes the messages (with their links) to the outbox in the same
//! transaction as its checkpoint. A crash replays from the checkpoint, and the
//! dedupe key (event, person, kind) keeps a replayed notice from being queued twice.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cqrs_es::persist::EventUpcaster;
use kring_domain::{upcasters, Circle, CircleEvent, CircleId, PersonId};
use kring_store::{
    metadata, GlobalCursor, MailLink, OutboxMessage, RecordedEvent, Store, StreamName, Subscription,
};
use kring_views::{decode, ProjectionError};
use tokio::sync::watch;
use uuid::Uuid;

use crate::links::{LinkKeys, Purpose};
use crate::market::Market;
use crate::notices::{notices, About, Notice};
use crate::schedule::{Delivery, MailSettings};
use crate::settings::settings_of;

/// The notifier's checkpoint and lease.
pub const CHECKPOINT: &str = "notifier";

/// Circle states kept between batches.
const MAX_CACHED_CIRCLES: usize = 20_000;

/// Names every outbox message id: the same notice always gets the same id.
pub(crate) const MESSAGE_IDS: Uuid = Uuid::from_u128(0x6b72_696e_675f_6d61_696c_5f6f_7574_626f);

pub struct Notifier {
    store: Arc<dyn Store>,
    subscription: Subscription,
    links: LinkKeys,
    /// Each circle as it is after the last event folded, with that version.
    circles: HashMap<CircleId, (u64, Circle)>,
    upcasters: Vec<Box<dyn EventUpcaster>>,
    progress: watch::Sender<GlobalCursor>,
    /// Who outside a circle hears of its listings (volunteers, matchmakers).
    market: Market,
}

impl Notifier {
    /// Resumes from the stored checkpoint.
    pub async fn open(store: Arc<dyn Store>, links: LinkKeys) -> Result<Notifier, ProjectionError> {
        let subscription = Subscription::open(store.clone(), CHECKPOINT)
            .await?
            .batch_size(2000)
            .poll_every(Duration::from_millis(500));
        let at = subscription.cursor();
        Ok(Notifier {
            store: store.clone(),
            subscription,
            links,
            circles: HashMap::new(),
            upcasters: upcasters::all(),
            progress: watch::channel(at).0,
            market: Market::new(store),
        })
    }

    /// Where the committed outbox stands in the log (moves after each commit).
    pub fn progress(&self) -> watch::Receiver<GlobalCursor> {
        self.progress.subscribe()
    }

    /// Waits for events, queues their notices and commits. Returns how many events it read.
    pub async fn step(&mut self) -> anyhow::Result<usize> {
        let batch = self.subscription.next_batch().await?;
        self.handle(batch).await
    }

    /// Handles whatever is readable now, without waiting (0: caught up).
    pub async fn catch_up_once(&mut self) -> anyhow::Result<usize> {
        let batch = self.subscription.try_batch().await?;
        self.handle(batch).await
    }

    /// Handles everything committed so far, then answers how many events it read.
    /// On Postgres, events committed behind a still-running transaction are not
    /// readable yet: it waits for them rather than stop short.
    pub async fn catch_up(&mut self) -> anyhow::Result<u64> {
        let mut read = 0u64;
        let mut nothing_hidden = false;
        loop {
            let n = self.catch_up_once().await?;
            if n > 0 {
                read += n as u64;
                nothing_hidden = false;
                continue;
            }
            if nothing_hidden {
                return Ok(read);
            }
            if self.store.held_back(self.subscription.cursor()).await? {
                tokio::time::sleep(Duration::from_millis(10)).await;
            } else {
                nothing_hidden = true;
            }
        }
    }

    async fn handle(&mut self, batch: Vec<RecordedEvent>) -> anyhow::Result<usize> {
        let Some(last) = batch.last().map(RecordedEvent::cursor) else {
            return Ok(0);
        };
        let outcome = self.queue(&batch, last).await;
        if outcome.is_err() {
            // Nothing of this batch was stored: read it again, from states that
            // were not half-folded.
            let stored = self.store.load_checkpoint(CHECKPOINT).await;
            self.subscription
                .rewind(stored.unwrap_or(GlobalCursor::START));
            self.circles.clear();
        }
        outcome.map(|()| batch.len())
    }

    async fn queue(&mut self, batch: &[RecordedEvent], last: GlobalCursor) -> anyhow::Result<()> {
        let mut found: Vec<(Notice, &RecordedEvent)> = vec![];
        for recorded in batch {
            let Some((circle, event)) = decode(&self.upcasters, recorded)? else {
                continue;
            };
            for notice in self.fold(circle, &event, recorded).await? {
                found.push((notice, recorded));
            }
        }
        let mut people: Vec<Uuid> = found.iter().map(|(n, _)| n.recipient.0).collect();
        people.sort();
        people.dedup();
        let settings = settings_of(self.store.as_ref(), &people).await?;
        let mut messages = vec![];
        let mut links = vec![];
        for (notice, recorded) in &found {
            let mine = settings
                .get(&notice.recipient.0)
                .cloned()
                .unwrap_or_default();
            if let Some((message, message_links)) = self.message(notice, recorded, &mine) {
                messages.push(message);
                links.extend(message_links);
            }
        }
        self.store
            .commit_notifications(CHECKPOINT, last, &messages, &links)
            .await?;
        if self.circles.len() > MAX_CACHED_CIRCLES {
            self.circles.clear();
        }
        self.progress.send_replace(last);
        if !messages.is_empty() {
            metrics::counter!("kring_notifications_queued_total").increment(messages.len() as u64);
        }
        Ok(())
    }

    /// Applies one event to its circle and answers who should hear of it.
    async fn fold(
        &mut self,
        circle: CircleId,
        event: &CircleEvent,
        recorded: &RecordedEvent,
    ) -> anyhow::Result<Vec<Notice>> {
        let before = self.state_before(circle, recorded.version).await?;
        let mut after = before.clone();
        after.apply(event.clone());
        let actor = metadata::actor(recorded.metadata())
            .and_then(|a| a.parse().ok())
            .map(PersonId);
        let at = recorded.recorded_at;
        let mut found = notices(&before, event, &after, actor, at);
        let store = self.store.as_ref();
        found.extend(
            self.market
                .notices(store, circle, event, &after, actor, at)
                .await?,
        );
        self.circles.insert(circle, (recorded.version, after));
        Ok(found)
    }

    /// The circle just before `version`: from the cache when it is there,
    /// else folded from its stream (after a restart, or a cache that was cleared).
    async fn state_before(
        &mut self,
        circle: CircleId,
        version: u64,
    ) -> Result<Circle, ProjectionError> {
        if let Some((at, state)) = self.circles.get(&circle) {
            if *at + 1 == version {
                return Ok(state.clone());
            }
        }
        let mut state = Circle::default();
        let stream = StreamName::circle(circle.0).to_string();
        let mut from = 1;
        while from < version {
            let events = self
                .store
                .read_stream(&stream, from, (version - from) as usize)
                .await?;
            if events.is_empty() {
                break;
            }
            for recorded in events.iter().filter(|e| e.version < version) {
                if let Some((_, event)) = decode(&self.upcasters, recorded)? {
                    state.apply(event);
                }
                from = recorded.version + 1;
            }
            if events.last().is_some_and(|e| e.version + 1 >= version) {
                break;
            }
        }
        Ok(state)
    }

    /// The outbox row of one notice and its links, unless the person turned it off.
    fn message(
        &self,
        notice: &Notice,
        recorded: &RecordedEvent,
        settings: &MailSettings,
    ) -> Option<(OutboxMessage, Vec<MailLink>)> {
        let at = recorded.recorded_at;
        let about = &notice.about;
        let delivery = if about.names_circle() {
            settings.delivery(notice.circle, about.topic())
        } else {
            settings.general_delivery(about.topic())
        };
        let due_at = settings.due(delivery, at)?;
        let dedupe_key = format!(
            "{}:{}:{}",
            recorded.event_id,
            notice.recipient,
            notice.about.kind()
        );
        let id = Uuid::new_v5(&MESSAGE_IDS, dedupe_key.as_bytes());
        let links = self.links_of(id, notice, at, delivery);
        let message = OutboxMessage {
            id,
            dedupe_key,
            recipient: notice.recipient.0,
            kind: notice.about.kind().to_owned(),
            circle: about.names_circle().then_some(notice.circle.0),
            body: serde_json::to_string(&notice.about).expect("a notice serialises"),
            batch: delivery.batch().to_owned(),
            due_at,
        };
        Some((message, links))
    }

    /// The one-tap links a notice mail carries, and its unsubscribe link.
    fn links_of(
        &self,
        id: Uuid,
        notice: &Notice,
        at: DateTime<Utc>,
        delivery: Delivery,
    ) -> Vec<MailLink> {
        let account = notice.recipient.0;
        let circle = notice.circle.0;
        let mut links = vec![];
        let until = |purpose: Purpose, starts: DateTime<Utc>| starts.min(at + purpose.lifetime());
        // One-tap answers only in a mail of their own: a digest links to the circle.
        if delivery == Delivery::Now {
            match &notice.about {
                About::RequestOpen {
                    request, starts, ..
                } => {
                    let subject = serde_json::json!({ "circle": circle, "request": request });
                    let p = Purpose::ClaimRequest;
                    links.push(self.links.link(id, p, account, &subject, until(p, *starts)));
                }
                About::SwapProposed { swap, starts, .. } => {
                    let subject = serde_json::json!({ "circle": circle, "swap": swap });
                    for p in [Purpose::AcceptSwap, Purpose::DeclineSwap] {
                        links.push(self.links.link(id, p, account, &subject, until(p, *starts)));
                    }
                }
                _ => {}
            }
        }
        let topic = notice.about.topic();
        let of_circle = notice.about.names_circle().then_some(circle);
        links.push(self.links.unsubscribe(id, account, of_circle, topic, at));
        links
    }

    /// Runs until the task is dropped. Of several nodes only the one holding
    /// the lease notifies; a failing batch is retried from the checkpoint.
    pub async fn run(mut self) {
        loop {
            let mut lease = match self.store.try_lead(CHECKPOINT).await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot ask who notifies; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            match Notifier::open(self.store.clone(), self.links.clone()).await {
                Ok(fresh) => {
                    self.subscription = fresh.subscription;
                    self.circles.clear();
                }
                Err(e) => {
                    tracing::error!(error = %e, "notifier cannot open");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
            while lease.still_held().await {
                if let Err(e) = self.step().await {
                    tracing::error!(error = %e, "notifier failed; retrying from its checkpoint");
                    metrics::counter!("kring_notifier_failures_total").increment(1);
                    drop(lease);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}
