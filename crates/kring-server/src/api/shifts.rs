//! The rota and its shifts:
//!
//! - `GET /api/v1/circles/{id}/rota?from=YYYY-MM-DD&days=N`: the dated places
//!   of the circle's shifts, who is on them, and the swaps waiting for an
//!   answer (warm and lukewarm rings and the coordinators; volunteers 403);
//! - `POST /api/v1/circles/{id}/shifts`: a coordinator schedules a shift;
//! - `POST .../shifts/{shift}/dates/{date}/claim`, `/release` and `/skip`: take
//!   a place, give it back with a reason, or (coordinators) cancel one date;
//! - `POST .../shifts/{shift}/dates/{date}/end-series`: (coordinators) a weekly
//!   shift takes place no more from that date on.
//!
//! Shift times are wall-clock times in the circle's time zone. A date in the
//! path or the query that is not a date is 422, like a date on which the shift
//! does not take place; a shift id that is not one is 404, like a shift the
//! circle does not have.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use kring_domain::circle::state::{local_date, local_to_utc};
use kring_domain::{Action, CircleEvent, Minutes, Recurrence, ShiftId, Viewer};
use kring_protocol::v1;
use kring_views::{CircleView, Slot};
use serde::Deserialize;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::extract::{Body, Query};
use super::policy::Resource;
use super::{command, idempotency::ids, wire, Problems};
use crate::{ApiError, AppState};

/// Days shown when the caller does not say.
const DEFAULT_DAYS: u32 = 7;
/// Most days one rota read covers: two months.
const MAX_DAYS: u32 = v1::limits::MAX_ROTA_DAYS;
/// Most characters of a shift's title.
const MAX_TITLE_CHARS: usize = v1::limits::TITLE_CHARS;
/// Most characters of the reason for releasing a shift.
const MAX_REASON_CHARS: usize = v1::limits::REASON_CHARS;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rota))
        .routes(routes!(schedule))
        .routes(routes!(claim))
        .routes(routes!(release))
        .routes(routes!(skip))
        .routes(routes!(end_series))
}

/// The query as sent, so that a wrong value gets a message of our own.
#[derive(Deserialize)]
struct RawRotaQuery {
    from: Option<String>,
    days: Option<String>,
}

/// The rota from `from` (today in the circle's time zone when left out) for
/// `days` days (7 when left out, at most 62): 403 for volunteers of the cold
/// ring, 422 for a date that is not one or a number of days out of range.
#[utoipa::path(get, path = "/circles/{id}/rota", tag = "rota",
    params(("id" = Uuid, Path, description = "the circle"), v1::RotaQuery, v1::ReadQuery),
    responses((status = 200, body = v1::Rota), Problems))]
async fn rota(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<RawRotaQuery>,
) -> Result<Json<v1::Rota>, ApiError> {
    member.may(Resource::Rota)?;
    let time_zone = member.view.state.time_zone.clone();
    let from = match query.from.as_deref() {
        Some(text) => date(text)?,
        None => local_date(Utc::now(), &time_zone),
    };
    let days = match query.days.as_deref() {
        None => DEFAULT_DAYS,
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|days| (1..=MAX_DAYS).contains(days))
            .ok_or_else(|| {
                ApiError::Invalid(
                    crate::error::Code::DaysRange,
                    format!("days is a number of days from 1 to {MAX_DAYS}, not {text:?}"),
                )
            })?,
    };
    let view = &member.view;
    let viewer = &member.viewer;
    let mut present = Presenter::new(&state, view);
    let mut slots = vec![];
    for slot in view.rota(viewer, from, days) {
        slots.push(present.slot(&slot, viewer).await?);
    }
    let swaps = present.swaps(viewer).await?;
    Ok(Json(v1::Rota {
        version: view.version,
        time_zone,
        from,
        days,
        slots,
        swaps,
    }))
}

/// 201 with the shift's id, the circle's version and its first date. Coordinators only (403
/// for others); 422 for a title, start, duration, number of helpers or rings
/// that cannot be (a start in the past, the cold ring, more than 10 helpers).
#[utoipa::path(post, path = "/circles/{id}/shifts", tag = "rota",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::ScheduleShift,
    responses((status = 201, body = v1::ShiftScheduled), Problems))]
async fn schedule(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    Body(body): Body<v1::ScheduleShift>,
) -> Result<(StatusCode, Json<v1::ShiftScheduled>), ApiError> {
    let circle = circle_id(&id)?;
    let title = body.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(ApiError::Invalid(
            crate::error::Code::ShiftTitleLength,
            format!("the title of a shift has 1 to {MAX_TITLE_CHARS} characters"),
        ));
    }
    let starts = local_date_time(&body.starts)?;
    let duration = Minutes::for_shift(body.duration_minutes)?;
    let recurrence = match body.weekly {
        None => Recurrence::Once,
        Some(v1::WeeklyShift {
            until,
            every_weeks: None | Some(1),
        }) => Recurrence::Weekly { until },
        Some(v1::WeeklyShift {
            until,
            every_weeks: Some(weeks),
        }) => Recurrence::EveryWeeks { weeks, until },
    };
    let shift = ShiftId(ids::new_id("shift"));
    let title = state.app.vault.seal(me, title).await?;
    let action = Action::ScheduleShift {
        shift,
        title,
        starts,
        duration,
        recurrence,
        helpers_needed: body.helpers_needed,
        rings: body.rings.into_iter().map(wire::domain_ring).collect(),
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok((
        StatusCode::CREATED,
        Json(v1::ShiftScheduled {
            id: shift.0,
            version,
            first_date: starts.date(),
        }),
    ))
}

/// Take a place on the shift on `date`: 409 when it has all the helpers it
/// needs or you are on it already, 403 when your ring may not take it, 422
/// when it does not take place that day or has started.
#[utoipa::path(post, path = "/circles/{id}/shifts/{shift}/dates/{date}/claim", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("shift" = Uuid, Path, description = "the shift"),
        ("date" = NaiveDate, Path, description = "the local date it takes place on, YYYY-MM-DD"),
    ),
    responses((status = 200, body = v1::Changed), Problems))]
async fn claim(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, shift, date_text)): Path<(String, String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, shift, date) = shift_date(&id, &shift, &date_text)?;
    let version = command::run(&state, circle, me, Action::ClaimShift { shift, date }).await?;
    Ok(Json(v1::Changed { version }))
}

/// Give back your place on the shift on `date`, saying why (1 to 500
/// characters): 409 when you are not on it, 422 once it has started.
#[utoipa::path(post, path = "/circles/{id}/shifts/{shift}/dates/{date}/release", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("shift" = Uuid, Path, description = "the shift"),
        ("date" = NaiveDate, Path, description = "the local date it takes place on, YYYY-MM-DD"),
    ),
    request_body = v1::ReleaseShift,
    responses((status = 200, body = v1::Changed), Problems))]
async fn release(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, shift, date_text)): Path<(String, String, String)>,
    Body(body): Body<v1::ReleaseShift>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, shift, date) = shift_date(&id, &shift, &date_text)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::Invalid(
            crate::error::Code::ReasonLength,
            format!("say in 1 to {MAX_REASON_CHARS} characters why you cannot come"),
        ));
    }
    let reason = state.app.vault.seal(me, reason).await?;
    let action = Action::ReleaseShift {
        shift,
        date,
        reason,
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// Cancel the shift on one date (coordinators; 403 for others); whoever was
/// on it that day is free again. 422 when it does not take place that day or
/// has started.
#[utoipa::path(post, path = "/circles/{id}/shifts/{shift}/dates/{date}/skip", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("shift" = Uuid, Path, description = "the shift"),
        ("date" = NaiveDate, Path, description = "the local date it takes place on, YYYY-MM-DD"),
    ),
    responses((status = 200, body = v1::Changed), Problems))]
async fn skip(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, shift, date_text)): Path<(String, String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, shift, date) = shift_date(&id, &shift, &date_text)?;
    let version = command::run(&state, circle, me, Action::SkipShiftDate { shift, date }).await?;
    Ok(Json(v1::Changed { version }))
}

/// End a weekly shift from `date` on (coordinators; 403 for others): it
/// takes place no more from then, and whoever was on a later date is free and
/// told. 422 `shift-not-weekly` for a shift that takes place once,
/// `no-shift-from-then` when it ends before, `shift-started` when that date began.
#[utoipa::path(post, path = "/circles/{id}/shifts/{shift}/dates/{date}/end-series", tag = "rota",
    params(
        ("id" = Uuid, Path, description = "the circle"),
        ("shift" = Uuid, Path, description = "the shift"),
        ("date" = NaiveDate, Path, description = "the first local date it no longer takes place, YYYY-MM-DD"),
    ),
    responses((status = 200, body = v1::Changed), Problems))]
async fn end_series(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, shift, date_text)): Path<(String, String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let (circle, shift, from) = shift_date(&id, &shift, &date_text)?;
    let action = Action::EndShiftSeries { shift, from };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// The circle, shift and date of a path under `/shifts/{shift}/dates/{date}`.
pub(super) fn shift_date(
    id: &str,
    shift: &str,
    date_text: &str,
) -> Result<(kring_domain::CircleId, ShiftId, NaiveDate), ApiError> {
    Ok((circle_id(id)?, shift_id(shift)?, date(date_text)?))
}

/// A shift id from the path; anything else is a shift the circle does not have.
pub(super) fn shift_id(text: &str) -> Result<ShiftId, ApiError> {
    text.parse()
        .map_err(|_| ApiError::from(kring_domain::Refusal::NoSuchShift))
}

/// A calendar date as `YYYY-MM-DD`.
pub(super) fn date(text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::Invalid(
            crate::error::Code::NotADate,
            format!("{text:?} is not a date: write it as YYYY-MM-DD, such as 2026-12-05"),
        )
    })
}

/// A local date and time without an offset: `YYYY-MM-DDTHH:MM`, seconds allowed.
fn local_date_time(text: &str) -> Result<NaiveDateTime, ApiError> {
    let text = text.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| {
            ApiError::Invalid(
                crate::error::Code::NotALocalTime,
                format!(
                    "{text:?} is not a local date and time: write it as YYYY-MM-DDTHH:MM, such as \
                 2026-12-05T10:00, in the circle's time zone and without an offset"
                ),
            )
        })
}

/// The wall-clock time a slot starts at. A start the clocks skip (02:30 on the
/// night summer time begins) is held an hour later, as the domain does: that
/// is when the start in the zone and the start an hour later are one moment.
fn wall_clock(date: NaiveDate, time: NaiveTime, time_zone: &str) -> NaiveDateTime {
    let planned = date.and_time(time);
    let later = planned + Duration::hours(1);
    if local_to_utc(planned, time_zone) == local_to_utc(later, time_zone) {
        later
    } else {
        planned
    }
}

/// Translates the rota for one request, opening each title once.
struct Presenter<'a> {
    state: &'a AppState,
    view: &'a CircleView,
    names: wire::Names,
    titles: HashMap<ShiftId, Option<String>>,
}

impl<'a> Presenter<'a> {
    fn new(state: &'a AppState, view: &'a CircleView) -> Self {
        Presenter {
            state,
            view,
            names: wire::Names::default(),
            titles: HashMap::new(),
        }
    }

    async fn title(&mut self, shift: ShiftId) -> Result<Option<String>, ApiError> {
        if let Some(title) = self.titles.get(&shift) {
            return Ok(title.clone());
        }
        let title = match self.view.shifts.get(&shift) {
            Some(CircleEvent::ShiftScheduled { title, .. }) => {
                wire::text(self.state.app.vault.open(title).await?)
            }
            _ => None,
        };
        self.titles.insert(shift, title.clone());
        Ok(title)
    }

    async fn slot(&mut self, slot: &Slot, viewer: &Viewer) -> Result<v1::RotaSlot, ApiError> {
        let time_zone = &self.view.state.time_zone;
        let shift = self.view.state.shifts.get(&slot.shift);
        let time = shift.map_or(slot.starts_at.time(), |shift| {
            shift.timing_on(slot.date).time
        });
        let weekly = shift.is_some_and(|s| s.recurrence.weeks_apart().is_some());
        let mut claimed_by = Vec::with_capacity(slot.claimed_by.len());
        for person in &slot.claimed_by {
            claimed_by.push(self.names.of(self.state, *person).await?);
        }
        let you_are_on = match viewer {
            Viewer::Member { person, .. } => slot.claimed_by.contains(person),
            _ => false,
        };
        Ok(v1::RotaSlot {
            shift: slot.shift.0,
            title: self.title(slot.shift).await?,
            date: slot.date,
            starts_at: slot.starts_at,
            starts_local: wall_clock(slot.date, time, time_zone),
            duration_minutes: slot.duration.get(),
            helpers_needed: slot.helpers_needed,
            open_places: slot.open_places(),
            rings: slot.rings.iter().copied().map(wire::ring).collect(),
            claimed_by,
            you_are_on,
            weekly,
        })
    }

    /// Open swaps of shifts still to come that the viewer may see (the two
    /// members and the coordinators, by the domain's audience).
    async fn swaps(&mut self, viewer: &Viewer) -> Result<Vec<v1::RotaSwap>, ApiError> {
        let state = &self.view.state;
        let now = Utc::now();
        let mut waiting = vec![];
        for (id, swap) in &state.swaps {
            let Some(shift) = state.shifts.get(&swap.shift) else {
                continue;
            };
            let starts_at = shift.start_on(swap.date, &state.time_zone);
            let proposed = CircleEvent::SwapProposed {
                swap: *id,
                shift: swap.shift,
                date: swap.date,
                from: swap.from,
                to: swap.to,
            };
            if !swap.open || starts_at <= now || !kring_domain::may_see(state, &proposed, viewer) {
                continue;
            }
            waiting.push((starts_at, *id, swap));
        }
        waiting.sort_by_key(|(starts_at, id, _)| (*starts_at, *id));
        let mut swaps = Vec::with_capacity(waiting.len());
        for (starts_at, id, swap) in waiting {
            swaps.push(v1::RotaSwap {
                id: id.0,
                shift: swap.shift.0,
                title: self.title(swap.shift).await?,
                date: swap.date,
                starts_at,
                from: self.names.of(self.state, swap.from).await?,
                to: self.names.of(self.state, swap.to).await?,
            });
        }
        Ok(swaps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_local_times_are_read_as_people_write_them() {
        assert_eq!(
            date("2026-12-05").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
        );
        for wrong in ["2026-13-01", "05-12-2026", "tomorrow", ""] {
            let error = date(wrong).unwrap_err();
            assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
        }
        let ten = NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(local_date_time("2026-12-05T10:00").unwrap(), ten);
        assert_eq!(local_date_time("2026-12-05T10:00:00").unwrap(), ten);
        for wrong in [
            "2026-12-05T10:00Z",
            "2026-12-05T10:00+01:00",
            "2026-12-05",
            "10:00",
        ] {
            assert!(local_date_time(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_start_the_clocks_skip_is_held_an_hour_later() {
        let zone = "Europe/Amsterdam";
        let spring = NaiveDate::from_ymd_opt(2027, 3, 28).unwrap();
        let autumn = NaiveDate::from_ymd_opt(2027, 10, 31).unwrap();
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(
            wall_clock(spring, at(2, 30), zone),
            spring.and_time(at(3, 30))
        );
        assert_eq!(
            wall_clock(spring, at(10, 0), zone),
            spring.and_time(at(10, 0))
        );
        assert_eq!(
            wall_clock(autumn, at(2, 30), zone),
            autumn.and_time(at(2, 30))
        );
        assert_eq!(
            wall_clock(autumn, at(10, 0), zone),
            autumn.and_time(at(10, 0))
        );
    }
}
