//! Erasing a person: what both "delete my account" and `kring forget` do.
//!
//! In this order, each step safe to repeat, so running it again (or after a
//! crash half-way) finishes the job and writes nothing twice:
//!
//! 1. the log records them leaving every circle they are in (found in the
//!    memberships view and the events its projector has not read yet; open invitations they issued revoked, offers
//!    withdrawn, shifts and taken requests freed: the domain's `Erase`) and
//!    every organisation they work for, then `AccountErased`;
//! 2. their credentials go, and with them (foreign keys) their sessions and
//!    calendar feeds: the address is free for a new, unrelated sign-up;
//! 3. their outbox rows, mail links and mail settings go;
//! 4. their key is destroyed: every sealed field they own (name, address,
//!    writing) becomes unreadable, and views show "a former member";
//! 5. the database is asked to drop the deleted rows' bytes from its files.
//!
//! What stays: their id (a UUID) in events, as "a former member", so that the
//! circle's history and hash chains stay whole. Events written before account
//! events stopped carrying the address's lookup hash still hold it (see
//! ARCHITECTURE.md).

use std::collections::BTreeSet;

use kring_domain::{
    AccountCommand, Action, Actor, CircleCommand, CircleId, OrganisationAction,
    OrganisationCommand, OrganisationId, PersonId, VolunteerAction, VolunteerCommand, VolunteerId,
};
use kring_store::{StreamKind, StreamName};

use crate::{CommandError, Forgetter, VaultError};

/// What an erasure did this time (all zero and false when it ran before).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    /// Circles whose log now records them leaving.
    pub circles: usize,
    /// Organisations whose log now records them leaving.
    pub organisations: usize,
    /// The account's log records its erasure now.
    pub account: bool,
    /// Log-in credentials were deleted (with sessions and feeds).
    pub credentials: bool,
    /// A key was destroyed.
    pub key: bool,
}

impl Erased {
    /// Whether anything at all was left to erase.
    pub fn anything(&self) -> bool {
        self.circles > 0 || self.organisations > 0 || self.account || self.credentials || self.key
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] kring_store::StoreError),
    #[error("the memberships view cannot be read: {0}")]
    Views(String),
    #[error(
        "the end of the log stayed out of reach (a long transaction holds it back): \
         nothing identifying was deleted yet; try again"
    )]
    HeldBack,
}

/// How long the erasure waits for events held back behind an open transaction.
const HELD_BACK_AT_MOST: std::time::Duration = std::time::Duration::from_secs(30);

/// Streams and the log are read a page at a time.
const PAGE: usize = 500;

/// The events that bring people into a circle or take them out (those
/// [`kring_views::membership_change`] answers for).
const MEMBERSHIP_EVENTS: [&str; 5] = [
    "CircleCreated",
    "MemberJoined",
    "FocusClaimed",
    "MemberLeft",
    "MemberRemoved",
];

impl Forgetter {
    /// Erases `person` (see the module's documentation). Cannot be refused.
    pub async fn forget(&self, person: PersonId) -> Result<Erased, ErasureError> {
        let mut erased = Erased {
            circles: self.leave_circles(person).await?,
            organisations: self.leave_organisations(person).await?,
            ..Erased::default()
        };
        let before = self.version(&StreamName::account(person.0)).await?;
        let after = self.commands.account(person, AccountCommand::Erase).await?;
        erased.account = after > before;
        erased.credentials = self.eraser.remove_credentials(person.0).await?;
        self.eraser.forget_mail(person.0).await?;
        erased.key = self.destroy_key(person).await?;
        self.eraser.scrub().await?;
        Ok(erased)
    }

    /// The key of the id a focus person was known by before they claimed
    /// their place with an account (it sealed only their name): destroyed, so
    /// forgetting them later forgets that name too. The caller makes sure
    /// `was` is no account's.
    pub async fn forget_placeholder(&self, was: PersonId) -> Result<bool, ErasureError> {
        Ok(self.destroy_key(was).await?)
    }

    async fn leave_circles(&self, person: PersonId) -> Result<usize, ErasureError> {
        let mut left = 0;
        for circle in self.circles_of(person).await? {
            let stream = StreamName::circle(circle.0);
            let before = self.version(&stream).await?;
            let command = CircleCommand {
                actor: Actor::person(person),
                action: Action::Erase,
            };
            let metadata = kring_store::metadata::of(person.0, None);
            let after = self.commands.circle(circle, command, metadata).await?;
            left += usize::from(after > before);
        }
        Ok(left)
    }

    /// Every organisation is asked (there is no index of whom an organisation
    /// employs; there are few organisations, and erasures are rare); the person
    /// stops working for it and volunteering for it.
    async fn leave_organisations(&self, person: PersonId) -> Result<usize, ErasureError> {
        let prefix = format!("{}-", StreamKind::Organisation.aggregate_type());
        let mut after: Option<String> = Some(prefix.clone());
        let mut left = 0;
        while let Some(from) = after.take() {
            let streams = self.eraser.list_streams(Some(&from), PAGE).await?;
            for stream in &streams {
                if !stream.starts_with(&prefix) {
                    return Ok(left);
                }
                let Some((StreamKind::Organisation, id)) = StreamName::parse(stream) else {
                    continue;
                };
                let before = self.version(stream).await?;
                let command = OrganisationCommand {
                    actor: person,
                    action: OrganisationAction::Erase,
                };
                let now = self
                    .commands
                    .organisation(OrganisationId(id), command)
                    .await?;
                left += usize::from(now > before);
                left += self.stop_volunteering(OrganisationId(id), person).await?;
            }
            if streams.len() == PAGE {
                after = streams.last().cloned();
            }
        }
        Ok(left)
    }

    /// Ends `person`'s volunteering for `organisation`, if any: 1 if it did.
    async fn stop_volunteering(
        &self,
        organisation: OrganisationId,
        person: PersonId,
    ) -> Result<usize, ErasureError> {
        let volunteer = VolunteerId::of(organisation, person);
        let stream = StreamName::new(StreamKind::Volunteer, volunteer.0);
        let before = self.version(&stream).await?;
        if before == 0 {
            return Ok(0);
        }
        let command = VolunteerCommand {
            actor: person,
            action: VolunteerAction::Erase,
        };
        let now = self.commands.volunteer(volunteer, command).await?;
        let views = self.eraser.as_ref() as &dyn kring_store::ViewStore;
        crate::volunteering::withdraw_proposals(&self.commands, views, organisation, person)
            .await?;
        Ok(usize::from(now > before))
    }

    /// The circles `person` is in now: the memberships view, brought up to
    /// the end of the log with the events the projector has not read yet (it
    /// may lag, or not run at all while `kring forget` runs on a stopped node).
    /// The checkpoint is read before the view, so the view is at least as new;
    /// replaying joins and leaves from the checkpoint on, in order, leaves
    /// each circle as its last such event says. It reads until it has passed
    /// the last event committed when it began (on Postgres one may be hidden
    /// behind an older, still open transaction for a while).
    async fn circles_of(&self, person: PersonId) -> Result<BTreeSet<CircleId>, ErasureError> {
        let views = |e: kring_views::ProjectionError| ErasureError::Views(e.to_string());
        let target = self.eraser.last_committed().await?;
        let mut cursor = self.eraser.load_checkpoint(kring_views::CHECKPOINT).await?;
        let mut circles = kring_views::circles_of(self.eraser.as_ref(), person)
            .await
            .map_err(views)?
            .circles;
        let deadline = std::time::Instant::now() + HELD_BACK_AT_MOST;
        loop {
            let page = self.eraser.read_all(cursor, PAGE).await?;
            let Some(last) = page.last() else {
                // Missing a committed event could miss a circle: wait for it.
                if cursor >= target {
                    return Ok(circles);
                }
                if std::time::Instant::now() > deadline {
                    return Err(ErasureError::HeldBack);
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            };
            cursor = last.cursor();
            for recorded in &page {
                if !MEMBERSHIP_EVENTS.contains(&recorded.event_type.as_str()) {
                    continue;
                }
                // One event no circle can read must not stop an erasure.
                let (circle, event) = match kring_views::decode(&self.upcasters[..], recorded) {
                    Ok(Some(decoded)) => decoded,
                    Ok(None) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "an erasure skips an event it cannot read");
                        continue;
                    }
                };
                match kring_views::membership_change(&event) {
                    Some((who, true)) if who == person => circles.insert(circle),
                    Some((who, false)) if who == person => circles.remove(&circle),
                    _ => false,
                };
            }
        }
    }

    async fn version(&self, stream: &str) -> Result<u64, ErasureError> {
        Ok(self
            .eraser
            .stream_head(stream)
            .await?
            .map_or(0, |h| h.version))
    }
}
