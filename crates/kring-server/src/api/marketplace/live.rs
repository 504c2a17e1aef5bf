//! Live marketplaces. A matchmaker's board and a volunteer's page watch their
//! organisation's marketplace over the live socket (`watch_marketplace`); a
//! tailer of the log on each node sees what changes a marketplace and, once
//! the projector has folded it (the pages read its views), tells the watching
//! sockets `marketplace_changed`. Nothing of the change travels: the page
//! fetches itself again, and that read decides what its reader sees and
//! records the look.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use kring_app::Commands;
use kring_domain::{upcasters, CircleEvent, CircleId, OrganisationId};
use kring_live::Outbox;
use kring_protocol::v1::ServerMessage;
use kring_store::{GlobalCursor, Store, Subscription};
use kring_views::{decode, marketplaces_touched};
use tokio::task::JoinHandle;

/// How long a change waits for the projector before the sockets are told anyway.
const PROJECTOR_PATIENCE: Duration = Duration::from_secs(10);
/// How often the projector's checkpoint is read while a change waits for it.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(25);

/// This node's sockets watching marketplaces, and the tailer that tells them.
#[derive(Default)]
pub(crate) struct MarketWatch {
    watchers: Mutex<HashMap<OrganisationId, Vec<Outbox>>>,
    tailer: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for MarketWatch {
    fn drop(&mut self) {
        if let Some(tailer) = self.tailer.get_mut().ok().and_then(Option::take) {
            tailer.abort();
        }
    }
}

impl MarketWatch {
    /// `outbox` hears of changes to `organisation`'s marketplace until its
    /// socket closes. The caller has checked that its person may see it.
    pub(crate) fn watch(
        self: &Arc<Self>,
        organisation: OrganisationId,
        outbox: Outbox,
        log: &Arc<dyn Store>,
        commands: &Arc<Commands>,
    ) {
        let mut watchers = self.lock();
        let sockets = watchers.entry(organisation).or_default();
        if !sockets.iter().any(|o| o.socket == outbox.socket) {
            sockets.push(outbox);
        }
        drop(watchers);
        let mut tailer = self.tailer.lock().unwrap_or_else(|e| e.into_inner());
        if tailer.as_ref().is_none_or(JoinHandle::is_finished) {
            let task = tail(Arc::downgrade(self), log.clone(), commands.clone());
            *tailer = Some(tokio::spawn(task));
        }
    }

    /// `socket` closed: it watches nothing more.
    pub(crate) fn unwatch(&self, organisation: OrganisationId, socket: kring_live::SocketId) {
        let mut watchers = self.lock();
        if let Some(sockets) = watchers.get_mut(&organisation) {
            sockets.retain(|outbox| outbox.socket != socket);
            if sockets.is_empty() {
                watchers.remove(&organisation);
            }
        }
    }

    /// Tells the sockets watching `organisation`; forgets those that closed.
    fn tell(&self, organisation: OrganisationId) {
        let text: Arc<str> = serde_json::to_string(&ServerMessage::MarketplaceChanged {
            organisation: organisation.0,
        })
        .expect("a server message serialises")
        .into();
        let mut watchers = self.lock();
        if let Some(sockets) = watchers.get_mut(&organisation) {
            sockets.retain(|outbox| outbox.offer_text(text.clone()));
            if sockets.is_empty() {
                watchers.remove(&organisation);
            }
        }
    }

    fn watched(&self, organisation: &OrganisationId) -> bool {
        self.lock().contains_key(organisation)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<OrganisationId, Vec<Outbox>>> {
        self.watchers.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Reads the log from its end as it goes; stops when the node's watch is gone.
async fn tail(watch: Weak<MarketWatch>, log: Arc<dyn Store>, commands: Arc<Commands>) {
    let mut subscription = match Subscription::from_end(log.clone()).await {
        Ok(s) => s.poll_every(Duration::from_millis(500)),
        Err(e) => {
            tracing::error!(error = %e, "live marketplaces cannot read the log");
            return;
        }
    };
    let upcasters = upcasters::all();
    loop {
        let batch = match subscription.next_batch().await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "live marketplaces: reading the log failed; trying again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Some(watch) = watch.upgrade() else {
            return;
        };
        if watch.lock().is_empty() {
            continue; // nobody on this node watches: nothing to look up
        }
        let mut changed: BTreeMap<OrganisationId, GlobalCursor> = BTreeMap::new();
        for recorded in &batch {
            let Ok(Some((circle, event))) = decode(&upcasters, recorded) else {
                continue;
            };
            for organisation in touched(&commands, circle, &event).await {
                if watch.watched(&organisation) {
                    changed.insert(organisation, recorded.cursor());
                }
            }
        }
        if let Some(last) = changed.values().max().copied() {
            projector_passed(log.as_ref(), last).await;
            for organisation in changed.keys() {
                watch.tell(*organisation);
            }
        }
    }
}

/// The marketplaces `event` of `circle` changes, judged on the circle as it is now.
async fn touched(
    commands: &Commands,
    circle: CircleId,
    event: &CircleEvent,
) -> Vec<OrganisationId> {
    if let CircleEvent::RequestListed { organisation, .. }
    | CircleEvent::VolunteerProposed { organisation, .. } = event
    {
        return vec![*organisation];
    }
    match commands.circle_view(circle).await {
        Ok(Some(view)) => marketplaces_touched(event, &view.state),
        _ => vec![],
    }
}

/// Waits (a while at most) until the projector has folded the log up to `cursor`.
async fn projector_passed(log: &dyn Store, cursor: GlobalCursor) {
    let deadline = tokio::time::Instant::now() + PROJECTOR_PATIENCE;
    while tokio::time::Instant::now() < deadline {
        match log.load_checkpoint(kring_views::CHECKPOINT).await {
            Ok(at) if at >= cursor => return,
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "cannot read the projector's checkpoint"),
        }
        tokio::time::sleep(CHECKPOINT_EVERY).await;
    }
}
