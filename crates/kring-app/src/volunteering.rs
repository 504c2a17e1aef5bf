//! What stopping as a volunteer does beyond the volunteer's own stream: their
//! proposals still waiting for a family are withdrawn, so no family is left
//! answering someone who is gone.

use kring_domain::circle::state::ProposalState;
use kring_domain::{Action, Actor, CircleCommand, OrganisationId, PersonId};
use kring_store::ViewStore;

use crate::{CommandError, Commands};

/// Withdraws every proposal of `person` on `organisation`'s marketplace that
/// still waits for a family (as the projector stored them); answers how many.
/// A circle that no longer lets it (consent ended, answered meanwhile) is left.
pub async fn withdraw_proposals(
    commands: &Commands,
    views: &dyn ViewStore,
    organisation: OrganisationId,
    person: PersonId,
) -> Result<usize, CommandError> {
    let listings = kring_views::marketplace(views, organisation)
        .await
        .map_err(|e| CommandError::Store(Box::new(e)))?;
    let mut withdrawn = 0;
    for listing in listings.values() {
        let waiting = listing
            .proposals
            .get(&person)
            .is_some_and(|p| p.state == ProposalState::Waiting);
        if !waiting {
            continue;
        }
        let command = CircleCommand {
            actor: Actor::intermediary(person, organisation),
            action: Action::DeclineVolunteer {
                request: listing.request,
                volunteer: person,
            },
        };
        let metadata = kring_store::metadata::of(person.0, Some(organisation.0));
        match commands.circle(listing.circle, command, metadata).await {
            Ok(_) => withdrawn += 1,
            Err(CommandError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(withdrawn)
}
