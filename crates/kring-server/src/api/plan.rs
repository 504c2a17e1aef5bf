//! A template's plan as commands: its words sealed with the creator's key
//! (they wrote them, by choosing the template), its times in the circle's
//! time zone, its ids made as every handler makes them (so a retried request
//! names the same shifts and requests).

use kring_app::templates::{Language, Plan, PlannedRequest, PlannedShift, Template};
use kring_domain::circle::events::Recurrence;
use kring_domain::circle::state::{local_date, local_to_utc};
use kring_domain::{
    Action, EntryId, Minutes, PersonId, RequestId, ShiftId, TimeWindow, Visibility,
};
use kring_protocol::v1;

use super::idempotency::ids;
use crate::{ApiError, AppState};

/// The plan of `template` for a circle created now by `creator` (an unknown
/// time zone is the domain's to refuse, with the circle).
pub(super) async fn actions(
    state: &AppState,
    creator: PersonId,
    template: Option<v1::CircleTemplate>,
    language: Option<v1::Language>,
    time_zone: &str,
) -> Result<Vec<Action>, ApiError> {
    let Some(template) = template else {
        return Ok(vec![]);
    };
    let today = local_date(chrono::Utc::now(), time_zone);
    let Plan {
        shifts,
        requests,
        welcome,
    } = template_of(template).plan(language_of(language), today);
    let mut actions = vec![];
    for shift in shifts {
        actions.push(shift_action(state, creator, shift).await?);
    }
    for request in requests {
        actions.push(request_action(state, creator, time_zone, request).await?);
    }
    actions.push(Action::WriteLogbookEntry {
        entry: EntryId(ids::new_id("entry")),
        visibility: Visibility::WarmAndLukewarm,
        text: state.app.vault.seal(creator, &welcome).await?,
    });
    Ok(actions)
}

async fn shift_action(
    state: &AppState,
    creator: PersonId,
    shift: PlannedShift,
) -> Result<Action, ApiError> {
    Ok(Action::ScheduleShift {
        shift: ShiftId(ids::new_id("shift")),
        title: state.app.vault.seal(creator, &shift.title).await?,
        starts: shift.starts,
        duration: Minutes::for_shift(shift.minutes)?,
        recurrence: Recurrence::Weekly { until: shift.until },
        helpers_needed: shift.helpers,
        rings: shift.rings,
    })
}

async fn request_action(
    state: &AppState,
    creator: PersonId,
    time_zone: &str,
    request: PlannedRequest,
) -> Result<Action, ApiError> {
    let utc = |local| local_to_utc(local, time_zone);
    Ok(Action::RequestHelp {
        request: RequestId(ids::new_id("request")),
        category: request.category,
        window: TimeWindow::new(utc(request.from), utc(request.until))?,
        duration: Minutes::new(request.minutes)?,
        details: state.app.vault.seal(creator, &request.details).await?,
        place: None,
        on_behalf_of_focus: true,
    })
}

fn template_of(template: v1::CircleTemplate) -> Template {
    match template {
        v1::CircleTemplate::HomeAfterHospital => Template::HomeAfterHospital,
        v1::CircleTemplate::DementiaAtHome => Template::DementiaAtHome,
        v1::CircleTemplate::RecoveryAfterSurgery => Template::RecoveryAfterSurgery,
        v1::CircleTemplate::LastPhase => Template::LastPhase,
    }
}

fn language_of(language: Option<v1::Language>) -> Language {
    match language.unwrap_or_default() {
        v1::Language::Nl => Language::Dutch,
        v1::Language::En => Language::English,
    }
}
