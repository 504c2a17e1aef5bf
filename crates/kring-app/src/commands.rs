//! Commands through cqrs-es onto the log: load the aggregate, decide, append
//! with the expected version. A refused command writes nothing.
//!
//! A circle is not replayed from its stream for every command: its state comes
//! from the node's [`CurrentViews`], which reads only what the stream gained
//! since, so a command costs the same on a circle of five years as on a new
//! one. The append's expected version still decides: a state that another
//! node moved on meanwhile is a conflict, read again and decided again.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;

use cqrs_es::persist::{EventStoreAggregateContext, PersistedEventStore};
use cqrs_es::{Aggregate, AggregateError, CqrsFramework, EventStore};
use kring_domain::{
    upcasters, Account, AccountCommand, Circle, CircleCommand, CircleId, DomainError, Organisation,
    OrganisationCommand, OrganisationId, PersonId, Services, Volunteer, VolunteerCommand,
    VolunteerId,
};
use kring_store::{EventLog, IdSeed, LogRepository, ReadSide, StoreError, StreamName};
use kring_views::{CircleView, CurrentViews};

type Framework<A> = CqrsFramework<A, PersistedEventStore<LogRepository, A>>;

/// A command's outcome for whoever sent it.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Refused by the rules; nothing was written.
    #[error(transparent)]
    Refused(#[from] DomainError),
    /// Others kept changing the same circle; nothing was written. Try again.
    #[error("the circle is busy: please try again")]
    Busy,
    #[error("the event log failed")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// How often a command is decided again when another one got in first.
const ATTEMPTS: u32 = 8;

/// Circles whose current state a node keeps in memory (the most recently used).
const CURRENT_CIRCLES: usize = 4_096;

pub struct Commands {
    log: Arc<dyn EventLog>,
    services: Services,
    circles: PersistedEventStore<LogRepository, Circle>,
    views: Arc<CurrentViews>,
    accounts: Framework<Account>,
    organisations: Framework<Organisation>,
    volunteers: Framework<Volunteer>,
}

fn framework<A: Aggregate<Services = Services>>(
    log: &Arc<dyn EventLog>,
    services: &Services,
) -> Framework<A> {
    let store = PersistedEventStore::new_event_store(LogRepository::new(log.clone()))
        .with_upcasters(upcasters::all());
    CqrsFramework::new(store, vec![], services.clone())
}

impl Commands {
    pub fn new(log: Arc<dyn ReadSide>, services: Services) -> Self {
        let capacity = NonZeroUsize::new(CURRENT_CIRCLES).expect("a positive number");
        let views = Arc::new(CurrentViews::new(log.clone(), capacity));
        let log: Arc<dyn EventLog> = log;
        Self {
            circles: PersistedEventStore::new_event_store(LogRepository::new(log.clone()))
                .with_upcasters(upcasters::all()),
            views,
            accounts: framework(&log, &services),
            organisations: framework(&log, &services),
            volunteers: framework(&log, &services),
            services,
            log,
        }
    }

    /// The node's current circle views, which the commands decide against:
    /// reads share them.
    pub fn views(&self) -> &Arc<CurrentViews> {
        &self.views
    }

    /// Runs a circle command; answers the circle's version after it, which a
    /// read can wait for (read-your-writes).
    pub async fn circle(
        &self,
        circle: CircleId,
        command: CircleCommand,
        metadata: HashMap<String, String>,
    ) -> Result<u64, CommandError> {
        for tried in 0..ATTEMPTS {
            if let Some(version) = self
                .try_circle(circle, command.clone(), metadata.clone())
                .await?
            {
                return Ok(version);
            }
            // Writers of one circle that collided would collide again in
            // lockstep: wait a random while that grows with each try.
            tokio::time::sleep(backoff(tried)).await;
        }
        Err(CommandError::Busy)
    }

    /// Decides against the circle as it stands and appends what happened:
    /// the circle's version after it, or `None` when another command got in
    /// first (decide again).
    async fn try_circle(
        &self,
        circle: CircleId,
        command: CircleCommand,
        metadata: HashMap<String, String>,
    ) -> Result<Option<u64>, CommandError> {
        let view = self.circle_view(circle).await?;
        let empty = CircleView::default();
        let view = view.as_deref().unwrap_or(&empty);
        let events = view.state.decide(command, self.services.clock.now())?;
        if events.is_empty() {
            return Ok(Some(view.version));
        }
        let after = view.version + events.len() as u64;
        // With the log as the only source of truth, cqrs-es reads nothing of the
        // context but the stream and its version.
        let context = EventStoreAggregateContext {
            aggregate_id: circle.to_string(),
            aggregate: Circle::default(),
            current_sequence: view.version as usize,
            current_snapshot: None,
        };
        let stored = self.circles.commit(events, context, metadata).await;
        Ok(outcome_of(stored.map(|_| ()))?.then_some(after))
    }

    /// Runs a circle command of a request with an idempotency key at most once:
    /// its event ids come from `seed`, so when they are already in the log (the
    /// request ran before, perhaps on a node that died before it answered) it
    /// is not decided again and answers the version its events were stored at;
    /// and of two runs at once the log stores one.
    pub async fn circle_once(
        &self,
        circle: CircleId,
        command: CircleCommand,
        metadata: HashMap<String, String>,
        seed: IdSeed,
    ) -> Result<u64, CommandError> {
        let id = circle.to_string();
        let stream = StreamName::of(Circle::TYPE, &id);
        let mut metadata = metadata;
        metadata.insert(kring_store::metadata::IDS_FROM.to_owned(), seed.to_hex());
        for tried in 0..ATTEMPTS {
            if let Some(version) = self.stored_at(&stream, seed).await? {
                return Ok(version);
            }
            let outcome = self
                .try_circle(circle, command.clone(), metadata.clone())
                .await;
            // Another run of the same request that got in first shows as a
            // conflict (its ids are taken), or as a refusal when this run read
            // the circle after it (the entry exists): either way, its events.
            match outcome {
                Ok(Some(version)) => return Ok(version),
                Ok(None) => {}
                Err(refused) => {
                    return match self.stored_at(&stream, seed).await? {
                        Some(version) => Ok(version),
                        None => Err(refused),
                    }
                }
            }
            tokio::time::sleep(backoff(tried)).await;
        }
        Err(CommandError::Busy)
    }

    /// The version of the last event `seed`'s command stored in `stream`, if it did.
    async fn stored_at(&self, stream: &str, seed: IdSeed) -> Result<Option<u64>, CommandError> {
        let mut last = None;
        for index in 0.. {
            match self
                .log
                .find_event(seed.event_id(stream, index))
                .await
                .map_err(store_error)?
            {
                Some((found, version)) if found == stream => last = Some(version),
                _ => break,
            }
        }
        Ok(last)
    }

    pub async fn account(
        &self,
        account: PersonId,
        command: AccountCommand,
    ) -> Result<u64, CommandError> {
        let id = account.to_string();
        retry(|| self.accounts.execute(&id, command.clone())).await?;
        self.version_of(Account::TYPE, &id).await
    }

    pub async fn organisation(
        &self,
        organisation: OrganisationId,
        command: OrganisationCommand,
    ) -> Result<u64, CommandError> {
        let id = organisation.to_string();
        retry(|| self.organisations.execute(&id, command.clone())).await?;
        self.version_of(Organisation::TYPE, &id).await
    }

    /// A person's volunteering for an organisation (`VolunteerId::of`).
    pub async fn volunteer(
        &self,
        volunteer: VolunteerId,
        command: VolunteerCommand,
    ) -> Result<u64, CommandError> {
        let id = volunteer.to_string();
        retry(|| self.volunteers.execute(&id, command.clone())).await?;
        self.version_of(Volunteer::TYPE, &id).await
    }

    /// A volunteering as its events left it (the default when there is none).
    pub async fn volunteer_state(&self, volunteer: VolunteerId) -> Result<Volunteer, CommandError> {
        self.state_of(&volunteer.to_string()).await
    }

    /// An organisation as its events left it; `None` when it was never registered.
    /// The server asks this before it lets someone read a circle as an intermediary.
    pub async fn organisation_state(
        &self,
        organisation: OrganisationId,
    ) -> Result<Option<Organisation>, CommandError> {
        let organisation: Organisation = self.state_of(&organisation.to_string()).await?;
        Ok(organisation.id.is_some().then_some(organisation))
    }

    /// A circle as its events left it, up to the head of its stream. `None`
    /// when it does not exist.
    pub async fn circle_state(&self, circle: CircleId) -> Result<Option<Circle>, CommandError> {
        let view = self.circle_view(circle).await?;
        Ok(view.filter(|v| v.state.exists()).map(|v| v.state.clone()))
    }

    /// The circle's view up to the head of its stream; `None` without events.
    pub async fn circle_view(
        &self,
        circle: CircleId,
    ) -> Result<Option<Arc<CircleView>>, CommandError> {
        self.views
            .current(circle)
            .await
            .map_err(|e| CommandError::Store(Box::new(e)))
    }

    async fn state_of<A: Aggregate<Error = DomainError>>(
        &self,
        id: &str,
    ) -> Result<A, CommandError> {
        let store = PersistedEventStore::<LogRepository, A>::new_event_store(LogRepository::new(
            self.log.clone(),
        ))
        .with_upcasters(upcasters::all());
        let context = store
            .load_aggregate(id)
            .await
            .map_err(|e| CommandError::Store(Box::new(e)))?;
        Ok(context.aggregate)
    }

    async fn version_of(&self, aggregate_type: &str, id: &str) -> Result<u64, CommandError> {
        let head = self
            .log
            .stream_head(&StreamName::of(aggregate_type, id))
            .await
            .map_err(store_error)?;
        Ok(head.map_or(0, |h| h.version))
    }
}

/// Decides again on a version conflict: the rules see the newer state.
async fn retry<F, Fut>(mut attempt: F) -> Result<(), CommandError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), AggregateError<DomainError>>>,
{
    for tried in 0..ATTEMPTS {
        if outcome_of(attempt().await)? {
            return Ok(());
        }
        // Writers of one circle that collided would collide again in
        // lockstep: wait a random while that grows with each try.
        tokio::time::sleep(backoff(tried)).await;
    }
    Err(CommandError::Busy)
}

/// True when the command was stored, false on a version conflict (decide again).
fn outcome_of(outcome: Result<(), AggregateError<DomainError>>) -> Result<bool, CommandError> {
    match outcome {
        Ok(()) => Ok(true),
        Err(AggregateError::AggregateConflict) => Ok(false),
        Err(AggregateError::UserError(e)) => Err(CommandError::Refused(e)),
        Err(AggregateError::DatabaseConnectionError(e))
        | Err(AggregateError::DeserializationError(e))
        | Err(AggregateError::UnexpectedError(e)) => Err(CommandError::Store(e)),
    }
}

/// Up to 2^tried milliseconds, at random (1 ms, then up to 2, 4, ... 128).
fn backoff(tried: u32) -> std::time::Duration {
    let mut bytes = [0u8; 2];
    // Without randomness the fixed floor still spreads the tries out.
    let random = getrandom::fill(&mut bytes).map_or(0, |()| u16::from_le_bytes(bytes));
    let ceiling = 1u64 << tried.min(7);
    std::time::Duration::from_micros(1000 + u64::from(random) % (ceiling * 1000))
}

fn store_error(e: StoreError) -> CommandError {
    CommandError::Store(Box::new(e))
}

#[cfg(test)]
mod tests {
    use cqrs_es::Aggregate;
    use kring_domain::{Account, Circle, Organisation, Volunteer};
    use kring_store::StreamKind;

    /// The store spells stream names by kind; cqrs-es by the aggregate's type.
    #[test]
    fn each_aggregate_lives_in_the_stream_kind_of_its_name() {
        assert_eq!(Circle::TYPE, StreamKind::Circle.aggregate_type());
        assert_eq!(
            Organisation::TYPE,
            StreamKind::Organisation.aggregate_type()
        );
        assert_eq!(Account::TYPE, StreamKind::Account.aggregate_type());
        assert_eq!(Volunteer::TYPE, StreamKind::Volunteer.aggregate_type());
    }
}
