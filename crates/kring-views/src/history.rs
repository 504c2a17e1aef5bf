//! A circle's whole history, decoded and upcast: for exports, which show
//! every event a viewer may see, not only what the views keep.

use chrono::{DateTime, Utc};
use kring_domain::{upcasters, CircleEvent, CircleId};
use kring_store::{metadata, EventLog, StreamName};

use crate::projector::decode;
use crate::ProjectionError;

/// One event of a circle's log, as the domain reads it today.
#[derive(Clone, Debug)]
pub struct HistoryEvent {
    pub version: u64,
    pub recorded_at: DateTime<Utc>,
    /// Who sent the command, from the event's metadata (absent on old events).
    pub actor: Option<String>,
    pub event: CircleEvent,
}

/// Events of `circle` from version `from` on, oldest first: at most `limit`
/// of them, read in one query.
pub async fn circle_history_from(
    log: &dyn EventLog,
    circle: CircleId,
    from: u64,
    limit: usize,
) -> Result<Vec<HistoryEvent>, ProjectionError> {
    let upcasters = upcasters::all();
    let page = log
        .read_stream(&StreamName::circle(circle.0), from, limit)
        .await?;
    let mut history = Vec::with_capacity(page.len());
    for recorded in &page {
        if let Some((_, event)) = decode(&upcasters, recorded)? {
            history.push(HistoryEvent {
                version: recorded.version,
                recorded_at: recorded.recorded_at,
                actor: metadata::actor(recorded.metadata()).map(str::to_owned),
                event,
            });
        }
    }
    Ok(history)
}

/// Every event of `circle`, oldest first.
pub async fn circle_history(
    log: &dyn EventLog,
    circle: CircleId,
) -> Result<Vec<HistoryEvent>, ProjectionError> {
    let mut history = vec![];
    loop {
        let from = history.last().map_or(1, |e: &HistoryEvent| e.version + 1);
        let page = circle_history_from(log, circle, from, 1000).await?;
        if page.is_empty() {
            return Ok(history);
        }
        history.extend(page);
    }
}
