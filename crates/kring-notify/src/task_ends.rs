//! A marketplace volunteer's place in a circle ends with their task: once it
//! is over and the days for thanks have passed (the domain's
//! `Request::task_over`), `TaskEnds` runs `EndTask` for them, so they leave
//! the cold ring and keep the thanks. One node at a time (lease `task-ends`),
//! every minute, from the organisations' listings: an accepted volunteer's
//! listing whose time is past is checked against its circle as it is now.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use kring_app::{CommandError, Commands};
use kring_domain::circle::state::{ProposalState, DAYS_FOR_THANKS};
use kring_domain::{Action, Actor, CircleCommand, CircleId, PersonId, RequestId, Ring, Services};
use kring_store::Store;
use kring_views::{ConsentedCircles, ORGANISATION_VIEW};

const LEASE: &str = "task-ends";

pub struct TaskEnds {
    store: Arc<dyn Store>,
    commands: Commands,
    /// Tasks whose volunteer is known to be gone: not looked at again.
    ended: HashSet<(CircleId, RequestId)>,
}

impl TaskEnds {
    pub fn new(store: Arc<dyn Store>) -> TaskEnds {
        TaskEnds {
            commands: Commands::new(store.clone(), Services::system()),
            store,
            ended: HashSet::new(),
        }
    }

    /// Ends every task that is over at `now`; answers how many volunteers left.
    pub async fn tick(&mut self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut left = 0;
        for row in self.store.load_views(ORGANISATION_VIEW).await? {
            let consented: ConsentedCircles = serde_json::from_str(&row.body)?;
            for listing in consented.listings.values() {
                let key = (listing.circle, listing.request);
                if self.ended.contains(&key)
                    || listing.window.end() + Duration::days(DAYS_FOR_THANKS) > now
                {
                    continue;
                }
                let accepted = listing
                    .proposals
                    .iter()
                    .find(|(_, p)| p.state == ProposalState::Accepted)
                    .map(|(v, _)| *v);
                match accepted {
                    Some(volunteer) => {
                        left += self
                            .end(listing.circle, listing.request, volunteer, now)
                            .await? as usize
                    }
                    None => {
                        self.ended.insert(key);
                    }
                }
            }
        }
        Ok(left)
    }

    /// Ends `volunteer`'s place if it is still there for this task and the task is over.
    async fn end(
        &mut self,
        circle: CircleId,
        request: RequestId,
        volunteer: PersonId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let Some(view) = self.commands.circle_view(circle).await? else {
            return Ok(false);
        };
        let member = view.state.member(volunteer);
        let still = member.is_some_and(|m| m.ring == Ring::Cold && m.task == Some(request));
        // An ended circle changes no more: its volunteers may still read it.
        if !still || view.state.life.ended() {
            self.ended.insert((circle, request));
            return Ok(false);
        }
        if !view
            .state
            .requests
            .get(&request)
            .is_some_and(|r| r.task_over(now))
        {
            return Ok(false);
        }
        let command = CircleCommand {
            actor: Actor::person(volunteer),
            action: Action::EndTask,
        };
        let metadata = kring_store::metadata::of(volunteer.0, None);
        match self.commands.circle(circle, command, metadata).await {
            Ok(_) => {
                self.ended.insert((circle, request));
                Ok(true)
            }
            Err(CommandError::Refused(e)) => {
                tracing::info!(%circle, error = %e, "a volunteer's task is not ending yet");
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Runs until the task is dropped: a tick a minute, on the one node that
    /// holds the lease.
    pub async fn run(mut self) {
        loop {
            let mut lease = match self.store.try_lead(LEASE).await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    tokio::time::sleep(StdDuration::from_secs(5)).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot ask who ends tasks; trying again");
                    tokio::time::sleep(StdDuration::from_secs(5)).await;
                    continue;
                }
            };
            while lease.still_held().await {
                if let Err(e) = self.tick(Utc::now()).await {
                    tracing::error!(error = %e, "ending volunteers' tasks failed; trying again");
                    metrics::counter!("kring_task_ends_failures_total").increment(1);
                }
                tokio::time::sleep(StdDuration::from_secs(60)).await;
            }
        }
    }
}
