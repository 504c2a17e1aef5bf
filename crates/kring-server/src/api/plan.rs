//! A template's plan as commands of the circle's creator (see
//! `kring_app::templates::actions`), its ids made as every handler makes them,
//! so a retried request names the same shifts and requests.

use kring_app::templates::{self, Language, Template};
use kring_domain::circle::state::local_date;
use kring_domain::{Action, PersonId};
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
    let plan = template_of(template).plan(language_of(language), today);
    let mut new_id = ids::new_id;
    Ok(templates::actions(plan, creator, time_zone, &state.app.vault, &mut new_id).await?)
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
