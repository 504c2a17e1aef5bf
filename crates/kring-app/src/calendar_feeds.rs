//! Calendar feeds: a person's secret addresses at which a calendar app fetches
//! a circle's shifts. Calendar apps carry no cookie, so the address is the key:
//! a [`LinkSecret`], of which only the SHA-256 is stored, shown once when the
//! feed is made and revocable. What a feed shows is worked out when it is
//! fetched; this module keeps who may fetch it, and how many feeds one keeps.

use std::sync::Arc;

use chrono::Utc;
use kring_domain::{CircleId, PersonId};
use kring_store::{CalendarFeed, CalendarScope, StoreError};
use uuid::Uuid;

use crate::{AccountError, LinkSecret};

/// The most feeds one person keeps for one circle: enough for a phone, a
/// laptop and a shared family calendar, few enough to keep track of.
pub const MAX_FEEDS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(
        "you already have {MAX_FEEDS} calendar feeds of this circle: revoke one you no longer use first"
    )]
    TooMany,
    /// No randomness for the secret.
    #[error(transparent)]
    Secret(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A feed just made, with its secret: shown this once, never stored.
#[derive(Debug)]
pub struct NewFeed {
    pub id: Uuid,
    pub secret: LinkSecret,
    pub scope: CalendarScope,
}

/// Makes, lists, revokes and finds calendar feeds.
#[derive(Clone)]
pub struct Feeds {
    store: Arc<dyn kring_store::CalendarFeeds>,
}

impl Feeds {
    pub fn new(store: Arc<dyn kring_store::CalendarFeeds>) -> Self {
        Self { store }
    }

    /// A new feed of `circle` for `person`, unless they already keep [`MAX_FEEDS`]
    /// of it. Whether they may read the calendar is the caller's to check first.
    pub async fn create(
        &self,
        person: PersonId,
        circle: CircleId,
        scope: CalendarScope,
    ) -> Result<NewFeed, FeedError> {
        if self.list(person, circle).await?.len() >= MAX_FEEDS {
            return Err(FeedError::TooMany);
        }
        let secret = LinkSecret::generate()?;
        let id = Uuid::new_v4();
        self.store
            .add_calendar_feed(id, &secret.hash(), person.0, circle.0, scope)
            .await?;
        Ok(NewFeed { id, secret, scope })
    }

    /// `person`'s feeds of `circle` that are not revoked, oldest first.
    pub async fn list(
        &self,
        person: PersonId,
        circle: CircleId,
    ) -> Result<Vec<CalendarFeed>, StoreError> {
        self.store.calendar_feeds(person.0, circle.0).await
    }

    /// Revokes `person`'s feed `feed` of `circle` now. False when there is no
    /// such feed, or it was revoked already.
    pub async fn revoke(
        &self,
        feed: Uuid,
        person: PersonId,
        circle: CircleId,
    ) -> Result<bool, StoreError> {
        self.store
            .revoke_calendar_feed(feed, person.0, circle.0, Utc::now())
            .await
    }

    /// Revokes every feed `person` keeps: their password changed, so a feed
    /// made with a stolen session stops serving (they can make new ones).
    pub async fn revoke_all_of(&self, person: PersonId) -> Result<u64, StoreError> {
        self.store
            .revoke_calendar_feeds_of(person.0, None, Utc::now())
            .await
    }

    /// Revokes `person`'s feeds of `circle`: they left or were removed.
    pub async fn revoke_in(&self, person: PersonId, circle: CircleId) -> Result<u64, StoreError> {
        self.store
            .revoke_calendar_feeds_of(person.0, Some(circle.0), Utc::now())
            .await
    }

    /// The feed whose address holds `secret`, unless it was revoked.
    pub async fn find(&self, secret: &str) -> Result<Option<CalendarFeed>, StoreError> {
        match LinkSecret::hash_of(secret) {
            Some(hash) => self.store.calendar_feed(&hash).await,
            None => Ok(None),
        }
    }
}
