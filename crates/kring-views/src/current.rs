//! Circle views as they are now, kept per node. Each view stays in memory and
//! is brought to the head of its stream before use by reading only what was
//! appended since, so a command or a page costs one small read of the log: not
//! a replay of the circle's history, nor a parse of its whole stored view.
//!
//! Nothing here can serve stale rights: every use reads the stream first, on
//! whichever node appended. A view not in memory starts from the projector's
//! stored snapshot (or from nothing) and reads the rest of its stream.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use cqrs_es::persist::EventUpcaster;
use hashlink::LruCache;
use kring_domain::{upcasters, CircleId};
use kring_store::{ReadSide, StreamName};

use crate::projector::{decode, load};
use crate::{CircleView, ProjectionError};

/// Events read from a stream per query while catching a view up.
const PAGE: usize = 1_000;

type Slot = Arc<tokio::sync::Mutex<Option<Arc<CircleView>>>>;

/// The node's current circle views, the most recently used `capacity` of them.
pub struct CurrentViews {
    log: Arc<dyn ReadSide>,
    slots: Mutex<LruCache<CircleId, Slot>>,
    upcasters: Vec<Box<dyn EventUpcaster>>,
}

impl CurrentViews {
    pub fn new(log: Arc<dyn ReadSide>, capacity: NonZeroUsize) -> CurrentViews {
        CurrentViews {
            log,
            slots: Mutex::new(LruCache::new(capacity.get())),
            upcasters: upcasters::all(),
        }
    }

    /// The circle as its stream stands now; `None` when it has no events.
    /// Callers of one circle take turns, so they share one read of the log.
    pub async fn current(
        &self,
        circle: CircleId,
    ) -> Result<Option<Arc<CircleView>>, ProjectionError> {
        let slot = self.slot(circle);
        let mut slot = slot.lock().await;
        // Taken out while it changes: a failure leaves the slot empty, and the
        // next caller starts again from the store.
        let mut view = match slot.take() {
            Some(view) => view,
            None => Arc::new(load(self.log.as_ref(), circle).await?.unwrap_or_default()),
        };
        catch_up(self.log.as_ref(), &self.upcasters, circle, &mut view).await?;
        *slot = Some(view.clone());
        Ok((view.version > 0).then_some(view))
    }

    /// Forgets every view (tests and tools that rewrite the log beneath).
    pub fn clear(&self) {
        self.slots().clear();
    }

    fn slot(&self, circle: CircleId) -> Slot {
        let mut slots = self.slots();
        if let Some(slot) = slots.get(&circle) {
            return slot.clone();
        }
        let slot = Slot::default();
        slots.insert(circle, slot.clone());
        slot
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, LruCache<CircleId, Slot>> {
        // A panic while holding the map leaves it whole: go on with it.
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The circle's stored view with the rest of its stream folded in: the circle
/// as it stands now, for readers without a [`CurrentViews`] (workers that go
/// over every circle now and then). `None` when it has no events.
pub async fn current(
    log: &dyn ReadSide,
    circle: CircleId,
) -> Result<Option<CircleView>, ProjectionError> {
    let stored = load(log, circle).await?.unwrap_or_default();
    Ok(Some(complete(log, circle, stored).await?).filter(|v| v.version > 0))
}

/// `view`, a stored view of `circle`, with the rest of its stream folded in.
pub async fn complete(
    log: &dyn ReadSide,
    circle: CircleId,
    mut view: CircleView,
) -> Result<CircleView, ProjectionError> {
    view.reindex();
    let mut view = Arc::new(view);
    catch_up(log, &upcasters::all(), circle, &mut view).await?;
    Ok(Arc::unwrap_or_clone(view))
}

/// Folds in what the stream holds beyond the view. The view is copied only
/// when a reader still holds the older one.
async fn catch_up(
    log: &dyn ReadSide,
    upcasters: &[Box<dyn EventUpcaster>],
    circle: CircleId,
    view: &mut Arc<CircleView>,
) -> Result<(), ProjectionError> {
    let stream = StreamName::circle(circle.0);
    loop {
        let events = log.read_stream(&stream, view.version + 1, PAGE).await?;
        for recorded in &events {
            if let Some((_, event)) = decode(upcasters, recorded)? {
                Arc::make_mut(view).apply(recorded.version, recorded.recorded_at, &event);
            }
        }
        if events.len() < PAGE {
            return Ok(());
        }
    }
}
