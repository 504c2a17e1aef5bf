//! Which organisations each person works for (as an intermediary): the index
//! behind "my organisations". Kept by the projector from the organisation
//! streams, one row per person, as [`crate::memberships`] keeps their circles.
//! Only ids: the name, and whether they still work there, are the
//! organisation's own say as it is now (its aggregate), read by whoever shows it.

use std::collections::{BTreeSet, HashMap};

use kring_domain::{OrganisationEvent, OrganisationId, PersonId};
use kring_store::{GlobalCursor, ReadSide, StreamKind, StreamName, ViewRow, ViewStore};
use serde::{Deserialize, Serialize};

use crate::ProjectionError;

/// The kind under which a person's organisations are stored.
pub const INTERMEDIARY_VIEW: &str = "intermediary";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonOrganisations {
    pub organisations: BTreeSet<OrganisationId>,
    /// Grows with every change: the stored row's version.
    pub revision: u64,
}

/// Whom `event` makes an intermediary (`true`) or stops being one (`false`).
/// An erasure is an `IntermediaryRemoved` of the person themself.
pub fn intermediary_change(event: &OrganisationEvent) -> Option<(PersonId, bool)> {
    match event {
        OrganisationEvent::OrganisationRegistered { by, .. } => Some((*by, true)),
        OrganisationEvent::IntermediaryAdded { person, .. } => Some((*person, true)),
        OrganisationEvent::IntermediaryRemoved { person, .. } => Some((*person, false)),
        OrganisationEvent::ThresholdsSet { .. }
        | OrganisationEvent::VolunteerSignUpOpened { .. }
        | OrganisationEvent::VolunteerSignUpClosed { .. } => None,
    }
}

impl PersonOrganisations {
    pub fn apply(&mut self, organisation: OrganisationId, works_there: bool) {
        if works_there {
            self.organisations.insert(organisation);
        } else {
            self.organisations.remove(&organisation);
        }
        self.revision += 1;
    }
}

/// The organisations `person` works for, as far as the projector got.
pub async fn organisations_of(
    log: &dyn ViewStore,
    person: PersonId,
) -> Result<PersonOrganisations, ProjectionError> {
    match log
        .load_view(INTERMEDIARY_VIEW, &person.to_string())
        .await?
    {
        Some(row) => {
            let mut organisations: PersonOrganisations =
                serde_json::from_str(&row.body).map_err(kring_store::StoreError::Json)?;
            organisations.revision = organisations.revision.max(row.version);
            Ok(organisations)
        }
        None => Ok(PersonOrganisations::default()),
    }
}

/// The row saying the index holds every organisation event (see [`backfill`]).
const COMPLETE: &str = "complete";

/// Streams and events are read this many at a time.
const PAGE: usize = 500;

/// A store kept before this index existed has organisation events its
/// projector read past: the projector (holding its lease, at its checkpoint
/// `at`) fills the index from every organisation's stream once, then marks it
/// complete. Each person's organisations follow from the streams alone, so a
/// row already there is only ever brought up to date. Answers how many rows
/// it wrote.
pub async fn backfill(log: &dyn ReadSide, at: GlobalCursor) -> Result<usize, ProjectionError> {
    if log.load_view(INTERMEDIARY_VIEW, COMPLETE).await?.is_some() {
        return Ok(0);
    }
    let mut people: HashMap<PersonId, PersonOrganisations> = HashMap::new();
    for stream in organisation_streams(log).await? {
        let Some((StreamKind::Organisation, id)) = StreamName::parse(&stream) else {
            continue;
        };
        let mut from = 0;
        loop {
            let events = log.read_stream(&stream, from, PAGE).await?;
            for recorded in &events {
                let event: OrganisationEvent =
                    recorded
                        .decode_payload()
                        .map_err(|source| ProjectionError::Undecodable {
                            stream: stream.clone(),
                            event: recorded.version,
                            source,
                        })?;
                let Some((person, works_there)) = intermediary_change(&event) else {
                    continue;
                };
                if !people.contains_key(&person) {
                    people.insert(person, organisations_of(log, person).await?);
                }
                let row = people.get_mut(&person).expect("just loaded");
                row.apply(OrganisationId(id), works_there);
            }
            match events.last() {
                Some(last) if events.len() == PAGE => from = last.version + 1,
                _ => break,
            }
        }
    }
    let mut rows = Vec::with_capacity(people.len() + 1);
    for (person, organisations) in &people {
        rows.push(ViewRow {
            kind: INTERMEDIARY_VIEW.into(),
            key: person.to_string(),
            version: organisations.revision,
            body: serde_json::to_string(organisations).map_err(kring_store::StoreError::Json)?,
        });
    }
    rows.push(ViewRow {
        kind: INTERMEDIARY_VIEW.into(),
        key: COMPLETE.into(),
        version: 1,
        body: "{}".into(),
    });
    log.commit_views(crate::CHECKPOINT, at, &rows).await?;
    Ok(people.len())
}

/// Every organisation stream's name (they sort together, after their prefix).
async fn organisation_streams(log: &dyn ReadSide) -> Result<Vec<String>, ProjectionError> {
    let prefix = StreamKind::Organisation.prefix();
    let mut streams: Vec<String> = vec![];
    let mut after = prefix.clone();
    loop {
        let page = log.list_streams(Some(&after), PAGE).await?;
        let ours: Vec<String> = page
            .iter()
            .take_while(|s| s.starts_with(&prefix))
            .cloned()
            .collect();
        let more = ours.len() == PAGE;
        streams.extend(ours);
        match streams.last() {
            Some(last) if more => after = last.clone(),
            _ => return Ok(streams),
        }
    }
}
