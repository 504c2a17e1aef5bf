//! Changing plans on the rota: one date of a shift, or a weekly shift from a
//! date on, at another time of day or for another length (coordinators).
//! Whoever is on a date that changes hears of it.

use axum::extract::{Path, State};
use axum::Json;
use chrono::NaiveTime;
use kring_domain::{Action, Minutes};
use kring_protocol::v1;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::SignedIn;
use super::extract::Body;
use super::shifts::shift_date;
use super::{command, Problems};
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_date))
        .routes(routes!(change_series))
}

/// The shift on `date` starts at another time or lasts longer or shorter
/// (coordinators; 403 for others). 422 `no-shift-on-date` when it does not
/// take place that day, `shift-started` when it began or the new time has
/// passed.
#[utoipa::path(post, path = "/circles/{id}/shifts/{shift}/dates/{date}/change", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("shift" = Uuid, Path, description = "the shift"),
        ("date" = NaiveDate, Path, description = "the local date it takes place on, YYYY-MM-DD"),
    ),
    request_body = v1::ChangeShiftTiming,
    responses((status = 200, body = v1::Changed), Problems))]
async fn change_date(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, shift, date_text)): Path<(String, String, String)>,
    Body(body): Body<v1::ChangeShiftTiming>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, shift, date) = shift_date(&id, &shift, &date_text)?;
    let (time, duration) = timing(&body)?;
    let action = Action::ChangeShiftDate {
        shift,
        date,
        time,
        duration,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// A weekly shift starts at another time or lasts longer or shorter from
/// `date` on (coordinators). A date changed on its own keeps its change.
/// 422 `shift-not-weekly` for a shift that takes place once,
/// `no-shift-on-date` when `date` is not one of its dates, `shift-started`
/// when that date began.
#[utoipa::path(post, path = "/circles/{id}/shifts/{shift}/dates/{date}/change-series", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("shift" = Uuid, Path, description = "the shift"),
        ("date" = NaiveDate, Path, description = "the first local date that changes, YYYY-MM-DD"),
    ),
    request_body = v1::ChangeShiftTiming,
    responses((status = 200, body = v1::Changed), Problems))]
async fn change_series(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, shift, date_text)): Path<(String, String, String)>,
    Body(body): Body<v1::ChangeShiftTiming>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, shift, from) = shift_date(&id, &shift, &date_text)?;
    let (time, duration) = timing(&body)?;
    let action = Action::ChangeShiftSeries {
        shift,
        from,
        time,
        duration,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

fn timing(body: &v1::ChangeShiftTiming) -> Result<(NaiveTime, Minutes), ApiError> {
    let text = body.time.trim();
    let time = NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| {
        ApiError::Invalid(
            crate::error::Code::NotALocalTime,
            format!("{text:?} is not a time of day: write it as HH:MM, such as 14:30"),
        )
    })?;
    Ok((time, Minutes::for_shift(body.duration_minutes)?))
}
