//! Keeps the stored circle views up to date by tailing the whole log. Each
//! batch's changed views and the checkpoint commit in one transaction.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use kring_domain::{
    upcasters, CircleEvent, CircleId, OrganisationEvent, OrganisationId, PersonId, VolunteerEvent,
    VolunteerId,
};
use kring_store::{
    ReadSide, RecordedEvent, StoreError, StreamKind, StreamName, Subscription, ViewRow, ViewStore,
};
use tokio::sync::watch;

use crate::dashboard::{consent_organisation, ConsentedCircles, ORGANISATION_VIEW};
use crate::intermediaries::{
    intermediary_change, organisations_of, PersonOrganisations, INTERMEDIARY_VIEW,
};
use crate::marketplace::{marketplaces_touched, Volunteers, VOLUNTEERS_VIEW};
use crate::memberships::{
    circles_of, membership_change, place_change, PersonCircles, MEMBERSHIP_VIEW,
};
use crate::CircleView;

/// While catching up, the checkpoint is stored after this many events, and
/// at least a hundred per view that changed, rather than after every batch:
/// with traffic spread over many circles a rebuild writes each view once.
const CATCH_UP_FLUSH_EVERY: usize = 100_000;
const CATCH_UP_EVENTS_PER_VIEW: usize = 100;

/// A circle's view is stored again once it has gained an eighth of its
/// version since it was last stored (every event while it is young). So
/// storing views costs the same per event however long a circle's history:
/// a view of 10,000 events is written once per 1,250. Whoever reads a stored
/// view folds in the rest of its stream ([`crate::CurrentViews`], [`current`]).
const SNAPSHOT_FRACTION: u64 = 8;

fn snapshot_due(version: u64, stored: u64) -> bool {
    version >= stored + (stored / SNAPSHOT_FRACTION).max(1)
}

/// A circle's view in the projector's memory, with the version last stored.
#[derive(Default)]
struct Cached {
    view: CircleView,
    stored: u64,
}

/// Views kept in memory between live batches.
const MAX_CACHED_VIEWS: usize = 10_000;

/// Which circle views a flush stores.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Snapshots {
    /// Those [`snapshot_due`].
    Due,
    /// Every one that changed (the end of a catch-up).
    All,
}

#[derive(Default)]
struct Pending {
    circles: BTreeSet<CircleId>,
    organisations: BTreeSet<OrganisationId>,
    volunteers: BTreeSet<OrganisationId>,
    people: BTreeSet<PersonId>,
    intermediaries: BTreeSet<PersonId>,
    cursor: Option<kring_store::GlobalCursor>,
    events: usize,
}

/// The projector's checkpoint name.
pub const CHECKPOINT: &str = "views";
/// The kind under which circle views are stored.
pub const CIRCLE_VIEW: &str = "circle";

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a running kring serve keeps the views up to date: stop it before rebuilding")]
    Busy,
    #[error("event {event} of {stream} cannot be read as a circle event")]
    Undecodable {
        stream: String,
        event: u64,
        #[source]
        source: serde_json::Error,
    },
    /// A newer version of Kring wrote the event: this one knows its type only
    /// up to an older schema version. Nothing is damaged; upgrade this node.
    #[error(
        "event {event} of {stream} is {event_type} version {schema_version}, newer than \
         version {known} that this version of Kring knows: upgrade Kring to read it"
    )]
    NewerVersion {
        stream: String,
        event: u64,
        event_type: String,
        schema_version: i32,
        known: u32,
        #[source]
        source: serde_json::Error,
    },
}

pub struct Projector {
    log: Arc<dyn ReadSide>,
    subscription: Subscription,
    /// Views folded so far, so a busy circle is not read back from the store each batch.
    cache: HashMap<CircleId, Cached>,
    /// Set while rebuilding from an empty store: there is nothing to look up.
    fresh: bool,
    organisations: HashMap<OrganisationId, ConsentedCircles>,
    volunteers: HashMap<OrganisationId, Volunteers>,
    /// Whose volunteering each volunteer stream is (from its first event).
    volunteer_streams: HashMap<VolunteerId, (OrganisationId, PersonId)>,
    people: HashMap<PersonId, PersonCircles>,
    /// Each person's organisations, by who works where.
    intermediaries: HashMap<PersonId, PersonOrganisations>,
    /// Folded but not yet stored.
    pending: Pending,
    /// Where the stored views stand: a failure goes back here.
    committed: kring_store::GlobalCursor,
    upcasters: Vec<Box<dyn EventUpcaster>>,
    progress: watch::Sender<u64>,
}

impl Projector {
    /// Resumes from the stored checkpoint.
    pub async fn open(log: Arc<dyn ReadSide>) -> Result<Projector, ProjectionError> {
        let subscription = Subscription::open(log.clone(), CHECKPOINT)
            .await?
            .batch_size(5000)
            .poll_every(Duration::from_millis(500));
        let committed = subscription.cursor();
        Ok(Projector {
            log,
            subscription,
            cache: HashMap::new(),
            fresh: false,
            organisations: HashMap::new(),
            volunteers: HashMap::new(),
            volunteer_streams: HashMap::new(),
            people: HashMap::new(),
            intermediaries: HashMap::new(),
            pending: Pending::default(),
            committed,
            upcasters: upcasters::all(),
            progress: watch::channel(0).0,
        })
    }

    /// Moves on every commit: readers waiting for a version look again.
    pub fn progress(&self) -> watch::Receiver<u64> {
        self.progress.subscribe()
    }

    /// Waits for the next events, folds them in and commits. Returns how many it read.
    pub async fn step(&mut self) -> Result<usize, ProjectionError> {
        let outcome = match self.subscription.next_batch().await {
            Ok(batch) => self.fold_and_commit(batch).await,
            Err(e) => Err(e.into()),
        };
        self.recover(outcome).await
    }

    /// Folds whatever is readable now, without waiting. Returns how many it read (0: caught up).
    pub async fn catch_up_once(&mut self) -> Result<usize, ProjectionError> {
        let outcome = match self.subscription.try_batch().await {
            Ok(batch) => self.fold_and_commit(batch).await,
            Err(e) => Err(e.into()),
        };
        self.recover(outcome).await
    }

    /// After a failure the cursor may be past events that were not stored and
    /// the caches half-folded: go back to what is stored, without touching the
    /// database (which may be what failed).
    async fn recover<T>(
        &mut self,
        outcome: Result<T, ProjectionError>,
    ) -> Result<T, ProjectionError> {
        if outcome.is_err() {
            self.subscription.rewind(self.committed);
            self.fresh = false;
            self.cache.clear();
            self.forget_folded();
            self.pending = Pending::default();
        }
        outcome
    }

    /// Folds everything committed so far, then returns how many events it read.
    /// Calls `progress` with the running count after each batch.
    pub async fn catch_up(&mut self, progress: impl FnMut(u64)) -> Result<u64, ProjectionError> {
        let outcome = self.catch_up_inner(progress).await;
        self.recover(outcome).await
    }

    async fn catch_up_inner(
        &mut self,
        mut progress: impl FnMut(u64),
    ) -> Result<u64, ProjectionError> {
        let mut read = 0u64;
        // Set once nothing was hidden behind a running transaction: the next
        // empty read means caught up (the horizon may move between the two).
        let mut nothing_hidden = false;
        loop {
            let batch = self.subscription.try_batch().await?;
            let n = self.fold(batch).await?;
            if self.pending.events >= CATCH_UP_FLUSH_EVERY
                && self.pending.events >= CATCH_UP_EVENTS_PER_VIEW * self.pending.circles.len()
            {
                self.flush(Snapshots::Due).await?;
            }
            if n == 0 {
                self.flush(Snapshots::All).await?;
                // On Postgres, events committed behind a still-running transaction are
                // not readable yet: wait for them rather than stop short.
                if nothing_hidden {
                    return Ok(read);
                }
                if self.log.held_back(self.subscription.cursor()).await? {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                } else {
                    nothing_hidden = true;
                }
                continue;
            }
            nothing_hidden = false;
            read += n as u64;
            progress(read);
        }
    }

    /// Runs until the task is dropped. Of several nodes on one database only the
    /// one holding the lease projects; the others wait to take over. A failing
    /// batch is retried from the durable checkpoint after a pause.
    pub async fn run(mut self) {
        loop {
            let mut lease = match self.log.try_lead(CHECKPOINT).await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot ask who projects; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Another node may have moved the views on while we waited. A
            // store from before the organisations index gets it now, once.
            let reopened = match self.reopen().await {
                Ok(()) => crate::intermediaries::backfill(self.log.as_ref(), self.committed)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            match reopened {
                Ok(()) => {}
                Err(e) => {
                    tracing::error!(error = %e, "projector cannot open");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
            while lease.still_held().await {
                if let Err(e) = self.step().await {
                    tracing::error!(error = %e, "projector failed; retrying from its checkpoint");
                    metrics::counter!("kring_projector_failures_total").increment(1);
                    // An event this version cannot read (a newer node wrote it): let
                    // another node lead, and look again later.
                    let pause = match e {
                        ProjectionError::Undecodable { .. }
                        | ProjectionError::NewerVersion { .. } => Duration::from_secs(30),
                        _ => Duration::from_secs(1),
                    };
                    drop(lease);
                    tokio::time::sleep(pause).await;
                    break;
                }
            }
        }
    }

    /// Starts again from the durable checkpoint, with nothing half-folded.
    async fn reopen(&mut self) -> Result<(), ProjectionError> {
        let fresh = Projector::open(self.log.clone()).await?;
        self.subscription = fresh.subscription;
        self.committed = fresh.committed;
        self.fresh = false;
        self.forget_folded();
        self.pending = Pending::default();
        Ok(())
    }

    /// Drops every view folded in memory: the store has them as committed.
    fn forget_folded(&mut self) {
        self.cache.clear();
        self.organisations.clear();
        self.volunteers.clear();
        self.people.clear();
        self.intermediaries.clear();
    }

    /// Brings the organisation's consented circles and listings into memory.
    async fn load_consented(
        &mut self,
        organisation: OrganisationId,
    ) -> Result<(), ProjectionError> {
        if !self.organisations.contains_key(&organisation) {
            let stored = match self.fresh {
                true => ConsentedCircles::default(),
                false => load_consented(self.log.as_ref(), organisation).await?,
            };
            self.organisations.insert(organisation, stored);
        }
        Ok(())
    }

    /// Brings the organisation's volunteers into memory.
    async fn load_volunteers(
        &mut self,
        organisation: OrganisationId,
    ) -> Result<(), ProjectionError> {
        if !self.volunteers.contains_key(&organisation) {
            let stored = match self.fresh {
                true => Volunteers::default(),
                false => load_volunteers(self.log.as_ref(), organisation)
                    .await?
                    .unwrap_or_default(),
            };
            self.volunteers.insert(organisation, stored);
        }
        Ok(())
    }

    /// Folds a circle's event (already applied to its cached view) into the
    /// organisation's listings, and a proposal or acceptance into its volunteers.
    async fn fold_listing(
        &mut self,
        organisation: OrganisationId,
        circle: CircleId,
        event: &CircleEvent,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ProjectionError> {
        self.load_consented(organisation).await?;
        let after = &self.cache[&circle].view.state;
        let consented = self.organisations.get_mut(&organisation).expect("loaded");
        consented.apply_listing(organisation, circle, event, after, at);
        self.pending.organisations.insert(organisation);
        if matches!(
            event,
            CircleEvent::VolunteerProposed { .. } | CircleEvent::VolunteerAccepted { .. }
        ) {
            self.load_volunteers(organisation).await?;
            let after = &self.cache[&circle].view.state;
            let volunteers = self.volunteers.get_mut(&organisation).expect("loaded");
            volunteers.apply_circle(event, after, at);
            self.pending.volunteers.insert(organisation);
        }
        Ok(())
    }

    /// Folds an event of a person's volunteering into their organisation's volunteers.
    async fn fold_volunteering(
        &mut self,
        id: VolunteerId,
        recorded: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let undecodable = |source| ProjectionError::Undecodable {
            stream: recorded.stream_id.clone(),
            event: recorded.version,
            source,
        };
        let event: VolunteerEvent = recorded.decode_payload().map_err(undecodable)?;
        let whose = match (&event, self.volunteer_streams.get(&id)) {
            (
                VolunteerEvent::VolunteerJoined {
                    organisation,
                    person,
                    ..
                },
                _,
            ) => (*organisation, *person),
            (_, Some(whose)) => *whose,
            // Its first event says whose it is.
            (_, None) => {
                let first = self.log.read_stream(&recorded.stream_id, 1, 1).await?;
                let Some(first) = first.first() else {
                    return Ok(());
                };
                match first.decode_payload().map_err(undecodable)? {
                    VolunteerEvent::VolunteerJoined {
                        organisation,
                        person,
                        ..
                    } => (organisation, person),
                    _ => return Ok(()),
                }
            }
        };
        self.volunteer_streams.insert(id, whose);
        let (organisation, person) = whose;
        self.load_volunteers(organisation).await?;
        let volunteers = self.volunteers.get_mut(&organisation).expect("loaded");
        volunteers.apply_volunteering(person, event);
        self.pending.volunteers.insert(organisation);
        Ok(())
    }

    async fn fold_and_commit(
        &mut self,
        batch: Vec<RecordedEvent>,
    ) -> Result<usize, ProjectionError> {
        let n = self.fold(batch).await?;
        self.flush(Snapshots::Due).await?;
        Ok(n)
    }

    /// Folds a batch into the cached views and notes what must be stored.
    async fn fold(&mut self, batch: Vec<RecordedEvent>) -> Result<usize, ProjectionError> {
        let Some(last) = batch.last().map(RecordedEvent::cursor) else {
            return Ok(0);
        };
        for recorded in &batch {
            if let Some(id) = StreamName::id_of(StreamKind::Volunteer, &recorded.stream_id) {
                self.fold_volunteering(VolunteerId(id), recorded).await?;
                continue;
            }
            if let Some(id) = StreamName::id_of(StreamKind::Organisation, &recorded.stream_id) {
                self.fold_organisation(OrganisationId(id), recorded).await?;
                continue;
            }
            let Some((circle, event)) = decode(&self.upcasters, recorded)? else {
                continue;
            };
            let cached = match self.cache.get_mut(&circle) {
                Some(cached) => cached,
                None => {
                    let view = match self.fresh {
                        true => None,
                        false => load(self.log.as_ref(), circle).await?,
                    }
                    .unwrap_or_default();
                    let stored = view.version;
                    self.cache.entry(circle).or_insert(Cached { view, stored })
                }
            };
            let view = &mut cached.view;
            // At-least-once delivery after a crash: skip what the view already holds.
            if recorded.version <= view.version {
                continue;
            }
            // Who joined or left, in the missing events too.
            let mut joins_and_leaves = vec![];
            let mut places = vec![];
            // A view that misses earlier events (stored by someone who started
            // from an empty view, say during a rebuild) is completed from its stream.
            if recorded.version > view.version + 1 {
                let missing = self
                    .log
                    .read_stream(
                        &recorded.stream_id,
                        view.version + 1,
                        (recorded.version - view.version - 1) as usize,
                    )
                    .await?;
                for earlier in &missing {
                    if let Some((_, e)) = decode(&self.upcasters, earlier)? {
                        view.apply(earlier.version, earlier.recorded_at, &e);
                        joins_and_leaves.extend(membership_change(&e));
                        places.extend(place_change(&e));
                    }
                }
            }
            view.apply(recorded.version, recorded.recorded_at, &event);
            self.pending.circles.insert(circle);
            if let Some(organisation) = consent_organisation(&event) {
                self.load_consented(organisation).await?;
                let consented = self.organisations.get_mut(&organisation).expect("loaded");
                consented.apply(circle, &event);
                self.pending.organisations.insert(organisation);
            }
            let touched = marketplaces_touched(&event, &self.cache[&circle].view.state);
            for organisation in touched {
                self.fold_listing(organisation, circle, &event, recorded.recorded_at)
                    .await?;
            }
            joins_and_leaves.extend(membership_change(&event));
            places.extend(place_change(&event));
            for (person, joined) in joins_and_leaves {
                self.person_circles(person).await?.apply(circle, joined);
            }
            for (person, open) in places {
                self.person_circles(person).await?.offer(circle, open);
            }
        }
        self.pending.cursor = Some(last);
        self.pending.events += batch.len();
        Ok(batch.len())
    }

    /// Folds an organisation's event into the organisations of whom it takes
    /// on or lets go. Organisation events have no older versions to upcast.
    async fn fold_organisation(
        &mut self,
        organisation: OrganisationId,
        recorded: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let event: OrganisationEvent =
            recorded
                .decode_payload()
                .map_err(|source| ProjectionError::Undecodable {
                    stream: recorded.stream_id.clone(),
                    event: recorded.version,
                    source,
                })?;
        let Some((person, works_there)) = intermediary_change(&event) else {
            return Ok(());
        };
        self.pending.intermediaries.insert(person);
        if !self.intermediaries.contains_key(&person) {
            let stored = match self.fresh {
                true => PersonOrganisations::default(),
                false => organisations_of(self.log.as_ref(), person).await?,
            };
            self.intermediaries.insert(person, stored);
        }
        let organisations = self.intermediaries.get_mut(&person).expect("just loaded");
        organisations.apply(organisation, works_there);
        Ok(())
    }

    /// `person`'s circles, to be changed (stored at the next flush).
    async fn person_circles(
        &mut self,
        person: PersonId,
    ) -> Result<&mut PersonCircles, ProjectionError> {
        self.pending.people.insert(person);
        if !self.people.contains_key(&person) {
            let stored = match self.fresh {
                true => PersonCircles::default(),
                false => circles_of(self.log.as_ref(), person).await?,
            };
            self.people.insert(person, stored);
        }
        Ok(self.people.get_mut(&person).expect("just loaded"))
    }

    /// Stores the checkpoint with every organisation's and person's view that
    /// changed, and the circle views `which` asks for. A circle view not
    /// stored now stays pending: it is stored later, or folded again from its
    /// stream by whoever reads it.
    async fn flush(&mut self, which: Snapshots) -> Result<(), ProjectionError> {
        let Some(cursor) = self.pending.cursor else {
            return Ok(());
        };
        let mut pending = std::mem::take(&mut self.pending);
        let mut rows = Vec::with_capacity(pending.circles.len() + pending.organisations.len());
        let mut stored = vec![];
        for circle in std::mem::take(&mut pending.circles) {
            let cached = &self.cache[&circle];
            let (version, due) = (
                cached.view.version,
                snapshot_due(cached.view.version, cached.stored),
            );
            if which == Snapshots::All || due {
                rows.push(row(CIRCLE_VIEW, circle.to_string(), version, &cached.view)?);
                stored.push((circle, version));
            } else {
                self.pending.circles.insert(circle);
            }
        }
        for organisation in &pending.organisations {
            let consented = &self.organisations[organisation];
            rows.push(row(
                ORGANISATION_VIEW,
                organisation.to_string(),
                consented.revision,
                consented,
            )?);
        }
        for organisation in &pending.volunteers {
            let volunteers = &self.volunteers[organisation];
            rows.push(row(
                VOLUNTEERS_VIEW,
                organisation.to_string(),
                volunteers.revision,
                volunteers,
            )?);
        }
        for person in &pending.people {
            let circles = &self.people[person];
            rows.push(row(
                MEMBERSHIP_VIEW,
                person.to_string(),
                circles.revision,
                circles,
            )?);
        }
        for person in &pending.intermediaries {
            let organisations = &self.intermediaries[person];
            rows.push(row(
                INTERMEDIARY_VIEW,
                person.to_string(),
                organisations.revision,
                organisations,
            )?);
        }
        if let Err(e) = self.log.commit_views(CHECKPOINT, cursor, &rows).await {
            // What was folded was not stored: forget it, and start again from the store.
            self.forget_folded();
            return Err(e.into());
        }
        self.committed = cursor;
        for (circle, version) in stored {
            if let Some(cached) = self.cache.get_mut(&circle) {
                cached.stored = version;
            }
        }
        // How far behind the views are is measured where it is scraped, from the
        // stored checkpoint (kring-server's metrics.rs): right on every node.
        metrics::counter!("kring_projector_batches_total").increment(1);
        metrics::counter!("kring_projector_events_total").increment(pending.events as u64);
        metrics::gauge!("kring_projector_committed_position").set(cursor.position as f64);
        // Tailing live, keep memory bounded: views are read back when needed.
        if self.cache.len() > MAX_CACHED_VIEWS && pending.events < CATCH_UP_FLUSH_EVERY {
            self.cache.clear();
            self.pending.circles.clear();
            self.organisations.clear();
            self.people.clear();
            self.intermediaries.clear();
        }
        self.progress.send_modify(|n| *n += 1);
        Ok(())
    }
}

/// A circle event from the log, upcast to the current version; `None` for other streams.
/// The live hub reads the log with it too.
pub fn decode(
    upcasters: &[Box<dyn EventUpcaster>],
    recorded: &RecordedEvent,
) -> Result<Option<(CircleId, CircleEvent)>, ProjectionError> {
    let Some(id) = StreamName::id_of(StreamKind::Circle, &recorded.stream_id) else {
        return Ok(None);
    };
    let circle = CircleId(id);
    let version = recorded.schema_version.to_string();
    // Most events are of the current version: read them straight from the stored text.
    let decoded = if upcasters
        .iter()
        .any(|u| u.can_upcast(&recorded.event_type, &version))
    {
        let mut serialized = SerializedEvent::new(
            id.to_string(),
            recorded.version as usize,
            StreamKind::Circle.aggregate_type().into(),
            recorded.event_type.clone(),
            version,
            recorded.payload().clone(),
            recorded.metadata().clone(),
        );
        for upcaster in upcasters {
            if upcaster.can_upcast(&serialized.event_type, &serialized.event_version) {
                serialized = upcaster.upcast(serialized);
            }
        }
        serde_json::from_value(serialized.payload)
    } else {
        recorded.decode_payload()
    };
    let event = decoded.map_err(|source| {
        let known = kring_domain::circle::events::schema_version(&recorded.event_type);
        if i64::from(recorded.schema_version) > i64::from(known) {
            ProjectionError::NewerVersion {
                stream: recorded.stream_id.clone(),
                event: recorded.version,
                event_type: recorded.event_type.clone(),
                schema_version: recorded.schema_version,
                known,
                source,
            }
        } else {
            ProjectionError::Undecodable {
                stream: recorded.stream_id.clone(),
                event: recorded.version,
                source,
            }
        }
    })?;
    Ok(Some((circle, event)))
}

fn row(
    kind: &str,
    key: String,
    version: u64,
    body: &impl serde::Serialize,
) -> Result<ViewRow, ProjectionError> {
    Ok(ViewRow {
        kind: kind.into(),
        key,
        version,
        body: serde_json::to_string(body).map_err(StoreError::Json)?,
    })
}

/// The stored volunteers of an organisation, if it has any.
async fn load_volunteers(
    log: &dyn ViewStore,
    organisation: OrganisationId,
) -> Result<Option<Volunteers>, ProjectionError> {
    let Some(row) = log
        .load_view(VOLUNTEERS_VIEW, &organisation.to_string())
        .await?
    else {
        return Ok(None);
    };
    let mut volunteers: Volunteers = serde_json::from_str(&row.body).map_err(StoreError::Json)?;
    volunteers.revision = volunteers.revision.max(row.version);
    Ok(Some(volunteers))
}

pub(crate) async fn load_consented(
    log: &dyn ViewStore,
    organisation: OrganisationId,
) -> Result<ConsentedCircles, ProjectionError> {
    match log
        .load_view(ORGANISATION_VIEW, &organisation.to_string())
        .await?
    {
        Some(row) => {
            let mut consented: ConsentedCircles =
                serde_json::from_str(&row.body).map_err(StoreError::Json)?;
            // The stored row's version is the floor: revisions only grow.
            consented.revision = consented.revision.max(row.version);
            Ok(consented)
        }
        None => Ok(ConsentedCircles::default()),
    }
}

/// The stored view of a circle, if the projector has seen it.
pub async fn load(
    log: &dyn ViewStore,
    circle: CircleId,
) -> Result<Option<CircleView>, ProjectionError> {
    let Some(row) = log.load_view(CIRCLE_VIEW, &circle.to_string()).await? else {
        return Ok(None);
    };
    let mut view: CircleView = serde_json::from_str(&row.body).map_err(StoreError::Json)?;
    view.reindex();
    Ok(Some(view))
}

/// Waits until the projector has stored what the log held when asked, at
/// most `patience`: for reads of views only the projector keeps ("my
/// circles"). True when it got there.
pub async fn caught_up(log: &dyn ReadSide, patience: Duration) -> Result<bool, ProjectionError> {
    let end = log.end_cursor().await?;
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        if log.load_checkpoint(CHECKPOINT).await? >= end {
            return Ok(true);
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Drops every view and folds the whole log again. Calls `progress` with the
/// number of events read so far after each batch.
pub async fn rebuild(
    log: Arc<dyn ReadSide>,
    mut progress: impl FnMut(u64),
) -> Result<u64, ProjectionError> {
    // A projector running meanwhile would store views folded from nothing.
    let Some(_lease) = log.try_lead(CHECKPOINT).await? else {
        return Err(ProjectionError::Busy);
    };
    log.clear_views(CHECKPOINT).await?;
    let mut projector = Projector::open(log).await?;
    projector.fresh = true;
    projector.catch_up(&mut progress).await
}
