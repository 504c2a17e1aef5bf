//! A named reader of the whole log that remembers how far it got.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{EventLog, GlobalCursor, ReadSide, RecordedEvent, StoreError, ViewStore};

pub struct Subscription {
    log: Arc<dyn EventLog>,
    /// Where a named reader keeps its checkpoint; `None` for `from_end` readers.
    checkpoints: Option<Arc<dyn ViewStore>>,
    name: String,
    cursor: GlobalCursor,
    wake: watch::Receiver<u64>,
    poll_every: Duration,
    batch_size: usize,
    /// The page after a full one, being read while the caller works on that one.
    ahead: Option<Ahead>,
}

/// A read of the page after `after`, running in its own task.
struct Ahead {
    after: GlobalCursor,
    read: JoinHandle<Result<Vec<RecordedEvent>, StoreError>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(ahead) = self.ahead.take() {
            ahead.read.abort();
        }
    }
}

impl Subscription {
    /// Resumes from the checkpoint stored under `name` (the start of the log if none).
    pub async fn open(store: Arc<dyn ReadSide>, name: &str) -> Result<Self, StoreError> {
        let cursor = store.load_checkpoint(name).await?;
        let wake = store.wake_signal();
        Ok(Self {
            log: store.clone(),
            checkpoints: Some(store),
            name: name.to_owned(),
            cursor,
            wake,
            poll_every: Duration::from_secs(1),
            batch_size: 500,
            ahead: None,
        })
    }

    /// A reader that starts at the end of the log as it is now and remembers
    /// nothing: it hands out only events that become readable from here on.
    pub async fn from_end(log: Arc<dyn EventLog>) -> Result<Self, StoreError> {
        let cursor = log.end_cursor().await?;
        let wake = log.wake_signal();
        Ok(Self {
            log,
            checkpoints: None,
            name: String::new(),
            cursor,
            wake,
            poll_every: Duration::from_secs(1),
            batch_size: 500,
            ahead: None,
        })
    }

    /// How often to look for events when no hint arrives (hints can be lost).
    pub fn poll_every(mut self, every: Duration) -> Self {
        self.poll_every = every;
        self
    }

    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size.max(1);
        self
    }

    /// The position after the last event handed out.
    pub fn cursor(&self) -> GlobalCursor {
        self.cursor
    }

    /// The next events after the cursor; waits until there is at least one.
    pub async fn next_batch(&mut self) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut backoff = Duration::from_millis(2);
        loop {
            // Mark the doorbell seen *before* reading, so a ring during the read is not lost.
            self.wake.borrow_and_update();
            let batch = self.log.read_all(self.cursor, self.batch_size).await?;
            if let Some(last) = batch.last() {
                self.cursor = last.cursor();
                return Ok(batch);
            }
            // Committed events hidden behind an older, still running transaction
            // ring no second doorbell when they become readable: look again soon.
            if self.log.held_back(self.cursor).await? {
                tokio::time::sleep(backoff.min(self.poll_every)).await;
                backoff = (backoff * 2).min(Duration::from_millis(100));
                continue;
            }
            // The horizon may have moved between the read and that check: what
            // was hidden during the read is readable now, so read once more.
            let batch = self.log.read_all(self.cursor, self.batch_size).await?;
            if let Some(last) = batch.last() {
                self.cursor = last.cursor();
                return Ok(batch);
            }
            tokio::select! {
                changed = self.wake.changed() => {
                    if changed.is_err() {
                        // The log is gone; fall back to polling until the caller stops.
                        tokio::time::sleep(self.poll_every).await;
                    }
                }
                _ = tokio::time::sleep(self.poll_every) => {}
            }
        }
    }

    /// Goes back to `to` (a cursor handed out earlier): what came after is read again.
    pub fn rewind(&mut self, to: GlobalCursor) {
        if let Some(ahead) = self.ahead.take() {
            ahead.read.abort();
        }
        self.cursor = to;
    }

    /// The next events after the cursor, without waiting: empty when caught up.
    /// After a full page the next one is read meanwhile (a catch-up then reads
    /// the log while its caller folds), and handed out by the next call.
    pub async fn try_batch(&mut self) -> Result<Vec<RecordedEvent>, StoreError> {
        let batch = match self.ahead.take() {
            Some(ahead) if ahead.after == self.cursor => match ahead.read.await {
                Ok(read) => read?,
                // The runtime is stopping, or the read panicked: read here instead.
                Err(_) => self.log.read_all(self.cursor, self.batch_size).await?,
            },
            _ => self.log.read_all(self.cursor, self.batch_size).await?,
        };
        if let Some(last) = batch.last() {
            self.cursor = last.cursor();
        }
        if batch.len() == self.batch_size {
            let (log, after, limit) = (self.log.clone(), self.cursor, self.batch_size);
            self.ahead = Some(Ahead {
                after,
                read: tokio::spawn(async move { log.read_all(after, limit).await }),
            });
        }
        Ok(batch)
    }

    /// Stores the cursor durably: after a restart, reading resumes after the
    /// last batch handed out before this call.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        match &self.checkpoints {
            Some(checkpoints) => checkpoints.save_checkpoint(&self.name, self.cursor).await,
            // `from_end` readers remember nothing.
            None => Ok(()),
        }
    }
}
