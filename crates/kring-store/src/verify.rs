//! Walks each stream's hash chain. An edited, removed or reordered event, or a
//! stream head that does not match its events, is reported as a [`ChainBreak`].

use crate::{EventLog, StoreError, StreamHead};

const PAGE: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub stream_id: String,
    /// The version at which the chain stops matching.
    pub version: u64,
    pub reason: String,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at version {}: {}",
            self.stream_id, self.version, self.reason
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub streams: u64,
    pub events: u64,
    pub breaks: Vec<ChainBreak>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.breaks.is_empty()
    }
}

/// Checks one stream; `Ok(None)` when it is intact. Returns the number of events read too.
pub async fn verify_stream(
    log: &dyn EventLog,
    stream: &str,
) -> Result<(u64, Option<ChainBreak>), StoreError> {
    let head = log
        .stream_head(stream)
        .await?
        .ok_or_else(|| StoreError::StreamNotFound(stream.to_owned()))?;
    let broken = |version: u64, reason: String| ChainBreak {
        stream_id: stream.to_owned(),
        version,
        reason,
    };
    let mut expected_version = head.first_version;
    let mut hash = head.base_hash;
    let mut count = 0;
    // Walk only up to the head read above: events appended meanwhile are not
    // covered by it and would look like a mismatch.
    while expected_version <= head.version {
        let wanted = PAGE.min((head.version - expected_version + 1) as usize);
        let page = log.read_stream(stream, expected_version, wanted).await?;
        let full = page.len() == wanted;
        for event in page {
            count += 1;
            if event.version != expected_version {
                return Ok((
                    count,
                    Some(broken(
                        expected_version,
                        format!(
                            "event {expected_version} is missing (the next stored one is {})",
                            event.version
                        ),
                    )),
                ));
            }
            if event.prev_hash != hash {
                let reason = if event.version == head.first_version {
                    "the first event does not continue from the stream's base".to_owned()
                } else {
                    format!("event {} was changed, removed or moved", event.version - 1)
                };
                return Ok((count, Some(broken(event.version, reason))));
            }
            hash = event.hash();
            expected_version += 1;
        }
        if !full {
            break;
        }
    }
    let last = expected_version - 1;
    if last != head.version {
        return Ok((
            count,
            Some(broken(
                last + 1,
                format!(
                    "the stream says it ends at version {}, but its events end at {last}",
                    head.version
                ),
            )),
        ));
    }
    if hash != head.head_hash {
        return Ok((
            count,
            Some(broken(
                last,
                format!("event {last} was changed after it was written"),
            )),
        ));
    }
    Ok((count, None))
}

/// Checks every stream in the log.
pub async fn verify_all(log: &dyn EventLog) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let mut after: Option<String> = None;
    loop {
        let streams = log.list_streams(after.as_deref(), PAGE).await?;
        for stream in &streams {
            let (events, problem) = verify_stream(log, stream).await?;
            report.streams += 1;
            report.events += events;
            report.breaks.extend(problem);
        }
        match streams.last() {
            Some(last) if streams.len() == PAGE => after = Some(last.clone()),
            _ => return Ok(report),
        }
    }
}

pub(crate) fn check_truncation(head: &StreamHead, version: u64) -> Result<(), StoreError> {
    let reason = if version <= head.first_version {
        "nothing before it is stored"
    } else if version > head.version {
        "the stream has no event with that version"
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidTruncation {
        stream: head.stream_id.clone(),
        version,
        reason,
    })
}
