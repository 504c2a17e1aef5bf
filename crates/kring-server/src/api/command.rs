//! Running a circle command for a request: who acted goes into the event's
//! metadata; the answer is the circle's version after it (read-your-writes).

use kring_domain::{Action, Actor, CircleCommand, CircleId, PersonId};

use crate::{ApiError, AppState};

/// Runs `action` by `me` in `circle`. A refusal writes nothing and is answered
/// with the domain's reason; a non-member is told there is no such circle.
pub(crate) async fn run(
    state: &AppState,
    circle: CircleId,
    me: PersonId,
    action: Action,
) -> Result<u64, ApiError> {
    run_as(state, circle, Actor::person(me), action).await
}

pub(crate) async fn run_as(
    state: &AppState,
    circle: CircleId,
    actor: Actor,
    action: Action,
) -> Result<u64, ApiError> {
    let metadata = kring_store::metadata::of(actor.person.0, actor.organisation.map(|o| o.0));
    let command = CircleCommand { actor, action };
    let commands = &state.app.commands;
    // With an idempotency key, at most once (see `idempotency`).
    Ok(match super::idempotency::ids::next_command() {
        Some(seed) => {
            commands
                .circle_once(circle, command, metadata, seed)
                .await?
        }
        None => commands.circle(circle, command, metadata).await?,
    })
}
