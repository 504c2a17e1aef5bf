//! Calendar feeds: the shifts as iCalendar (RFC 5545), at a secret address a
//! calendar app subscribes to. Calendar apps carry no cookie, so the address
//! itself is the key: 256 random bits, of which only the SHA-256 is stored
//! (like a session token), shown once when the feed is made and revocable.
//!
//! - `POST /api/v1/circles/{id}/calendar-feeds {scope}`: a member the policy lets
//!   read the calendar makes a feed; 201 with its address.
//! - `GET /api/v1/circles/{id}/calendar-feeds`: the caller's own feeds (no addresses).
//! - `DELETE /api/v1/circles/{id}/calendar-feeds/{feed}`: revoke one of your own.
//! - `GET /calendar/{token}.ics` (outside `/api/v1`, see [`feeds`]): the feed,
//!   worked out when asked against the circle as it is now. A feed whose
//!   owner is no longer a member (or may no longer read the calendar), a
//!   revoked feed and an unknown address all get the same 404.
//!
//! Listing and revoking need only membership, not the policy: whoever made a
//! feed can always see it and turn it off, even after a change of ring.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Days, NaiveTime, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, EventStatus, Property};
use kring_app::calendar_feeds::FeedError;
use kring_domain::circle::state::{local_date, local_to_utc};
use kring_domain::{Actor, PersonId, ShiftId, Viewer};
use kring_protocol::v1;
use kring_store::CalendarScope;
use kring_views::{CircleView, Slot};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::access::Member;
use super::extract::Body;
use super::policy::{decide, Decision, Resource};
use super::{addresses, wire, Problems};
use crate::{ApiError, AppState};

/// How far back a feed reaches, so the recent past stays in the calendar.
const DAYS_BEFORE: u64 = 30;

/// How many days a feed holds, from `DAYS_BEFORE` ago (the rota's own limit).
const DAYS: u32 = 400;

/// The title shown for a shift whose author was forgotten.
const FORGOTTEN_TITLE: &str = "a shift";

/// The first alarm: this long before a shift starts.
const SOON: chrono::Duration = chrono::Duration::hours(2);

/// The second alarm: at this time, in the circle's time zone, the evening
/// before the day a shift starts.
const EVENING: NaiveTime = match NaiveTime::from_hms_opt(19, 0, 0) {
    Some(time) => time,
    None => panic!("19:00 is a time"),
};

/// The media type of a feed.
const TEXT_CALENDAR: &str = "text/calendar; charset=utf-8";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
}

/// `GET /calendar/{token}.ics`: outside `/api/v1` and its description, merged
/// into the server's top-level router. Never cached, like every API answer.
pub(crate) fn feeds() -> Router<AppState> {
    Router::new()
        .route("/calendar/{file}", get(feed))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// 201 with the feed's secret address, shown this once; 403 for a member
/// who may not read the rota (a volunteer), 404 for a non-member; 422 when
/// the caller already keeps the most feeds of this circle.
#[utoipa::path(post, path = "/circles/{id}/calendar-feeds", tag = "calendar",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::CreateCalendarFeed,
    responses((status = 201, body = v1::CalendarFeedCreated), Problems))]
async fn create(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Body(body): Body<v1::CreateCalendarFeed>,
) -> Result<(StatusCode, Json<v1::CalendarFeedCreated>), ApiError> {
    member.may(Resource::Calendar)?;
    let base = addresses::public_base(&state, &headers)?;
    let feed = state
        .app
        .calendar_feeds
        .create(member.me, member.circle, store_scope(body.scope))
        .await
        .map_err(|e| match e {
            FeedError::TooMany => {
                ApiError::Invalid(crate::error::Code::TooManyFeeds, e.to_string())
            }
            FeedError::Secret(e) => e.into(),
            FeedError::Store(e) => e.into(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(v1::CalendarFeedCreated {
            id: feed.id,
            url: format!("{base}/calendar/{}.ics", feed.secret.as_str()),
            scope: body.scope,
        }),
    ))
}

/// Your feeds of this circle that are not revoked, oldest first (their
/// addresses were shown once and are not stored).
#[utoipa::path(get, path = "/circles/{id}/calendar-feeds", tag = "calendar",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::CalendarFeeds), Problems))]
async fn list(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::CalendarFeeds>, ApiError> {
    let feeds = state
        .app
        .calendar_feeds
        .list(member.me, member.circle)
        .await?
        .into_iter()
        .map(|feed| v1::CalendarFeed {
            id: feed.id,
            scope: wire_scope(feed.scope),
            created_at: feed.created_at,
        })
        .collect();
    Ok(Json(v1::CalendarFeeds { feeds }))
}

/// 204: the feed's address answers 404 from now on. 404 for a feed that is
/// not yours, not of this circle, or already revoked.
#[utoipa::path(delete, path = "/circles/{id}/calendar-feeds/{feed}", tag = "calendar",
    params(("id" = Uuid, Path, description = "the circle"),
        ("feed" = Uuid, Path, description = "the calendar feed")),
    responses((status = 204, description = "the feed is revoked"), Problems))]
async fn revoke(
    State(state): State<AppState>,
    member: Member,
    Path((_, feed)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let feed: Uuid = feed.parse().map_err(|_| no_such_feed())?;
    let revoked = state
        .app
        .calendar_feeds
        .revoke(feed, member.me, member.circle)
        .await?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_such_feed())
    }
}

fn no_such_feed() -> ApiError {
    ApiError::NotFound(
        crate::error::Code::NoSuchFeed,
        "you have no such calendar feed in this circle".into(),
    )
}

/// The one answer for every feed that cannot be shown: it does not say whether
/// the address never existed, was revoked, or its owner left the circle.
fn no_such_calendar() -> ApiError {
    ApiError::NotFound(
        crate::error::Code::NoCalendar,
        "there is no calendar at this address".into(),
    )
}

/// The feed at `/calendar/{token}.ics`, as its owner may see the circle now.
async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let secret = file.strip_suffix(".ics").ok_or_else(no_such_calendar)?;
    let feed = state
        .app
        .calendar_feeds
        .find(secret)
        .await?
        .ok_or_else(no_such_calendar)?;
    let view = super::access::current_view(&state, feed.circle.into())
        .await?
        .ok_or_else(no_such_calendar)?;
    let now = Utc::now();
    let person = PersonId(feed.person);
    let viewer = view.viewer(Actor::person(person), now);
    if decide(&viewer, Resource::Calendar) != Decision::Allow {
        return Err(no_such_calendar());
    }
    let calendar = render(&state, &view, &viewer, person, feed.scope, now).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(TEXT_CALENDAR),
        )],
        calendar.to_string(),
    )
        .into_response())
}

/// One VEVENT per slot from 30 days ago for 400 days; `mine`: only the slots
/// `person` is on. Times in UTC, so no time zone definitions are needed.
async fn render(
    state: &AppState,
    view: &CircleView,
    viewer: &Viewer,
    person: PersonId,
    scope: CalendarScope,
    now: DateTime<Utc>,
) -> Result<Calendar, ApiError> {
    let today = local_date(now, &view.state.time_zone);
    let from = today
        .checked_sub_days(Days::new(DAYS_BEFORE))
        .unwrap_or(today);
    let focus = match &view.focus_name {
        Some(sealed) => wire::text(state.app.vault.open(sealed).await?),
        None => None,
    };
    let name = match (scope, focus) {
        (CalendarScope::Mine, Some(focus)) => format!("Kring: my shifts for {focus}"),
        (CalendarScope::Circle, Some(focus)) => format!("Kring: shifts for {focus}"),
        (CalendarScope::Mine, None) => "Kring: my shifts".to_owned(),
        (CalendarScope::Circle, None) => "Kring: shifts".to_owned(),
    };
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Kring//Calendar feed//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        // Not `Calendar::name`: it also writes NAME, which icalendar does not
        // escape. X-WR-CALNAME is escaped as text and understood widely.
        .append_property(Property::new("X-WR-CALNAME", one_line(&name)))
        // A hint for how often to ask again.
        .ttl(&chrono::Duration::hours(1));

    let mut titles: HashMap<ShiftId, String> = HashMap::new();
    let mut names = wire::Names::default();
    // An ended circle's feed empties, so calendars drop its shifts.
    let slots = match view.state.life.ended() {
        true => vec![],
        false => view.rota(viewer, from, DAYS),
    };
    for slot in slots {
        if scope == CalendarScope::Mine && !slot.claimed_by.contains(&person) {
            continue;
        }
        let title = match titles.get(&slot.shift) {
            Some(title) => title.clone(),
            None => {
                let title = wire::text(state.app.vault.open(&slot.title).await?)
                    .map_or_else(|| FORGOTTEN_TITLE.to_owned(), |t| plain_text(&t));
                titles.insert(slot.shift, title.clone());
                title
            }
        };
        let mut on_it = Vec::with_capacity(slot.claimed_by.len());
        for helper in &slot.claimed_by {
            on_it.push(plain_text(&names.of(state, *helper).await?.name));
        }
        let evening = evening_before(&slot, &view.state.time_zone);
        calendar.push(event(&slot, &title, &on_it, evening, now));
    }
    Ok(calendar.done())
}

/// 19:00 in the circle's time zone on the day before the shift's date.
fn evening_before(slot: &Slot, time_zone: &str) -> DateTime<Utc> {
    let day_before = slot.date.pred_opt().unwrap_or(slot.date);
    local_to_utc(day_before.and_time(EVENING), time_zone)
}

/// One occurrence of a shift. The UID stays the same for the same shift and
/// date, so a calendar app updates the event instead of adding another.
fn event(
    slot: &Slot,
    title: &str,
    on_it: &[String],
    evening: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Event {
    let ends = slot.starts_at + chrono::Duration::minutes(i64::from(u16::from(slot.duration)));
    let open = slot.open_places();
    // A visit by professionals is there to know of: nobody takes it.
    let professionals = slot.helpers_needed == 0;
    let description = if professionals {
        "A visit by professionals, on the rota for everyone to know.".to_owned()
    } else {
        helpers_line(slot, on_it)
    };
    let mut event = Event::new();
    event
        .uid(&format!("{}-{}@kring", slot.shift, slot.date))
        .timestamp(now)
        .starts(slot.starts_at)
        .ends(ends)
        .summary(title)
        .description(&description);
    if !professionals {
        // Tentative while places are open: the shift may not happen as planned.
        event
            .status(if open == 0 {
                EventStatus::Confirmed
            } else {
                EventStatus::Tentative
            })
            // Two reminders, each saying no more than the title above: two hours
            // before, and the evening before. One relative trigger cannot say
            // "the evening before" for every shift, so each event has its own.
            .alarm(reminder(title, -SOON))
            .alarm(reminder(title, evening - slot.starts_at));
    }
    event.done()
}

/// Who is on a shift and how many places are open.
fn helpers_line(slot: &Slot, on_it: &[String]) -> String {
    let mut description = if on_it.is_empty() {
        "Nobody is on it yet.".to_owned()
    } else {
        format!("On it: {}.", on_it.join(", "))
    };
    description.push('\n');
    description.push_str(&match slot.open_places() {
        0 => "Every place is taken.".to_owned(),
        1 => format!("1 of {} places is open.", slot.helpers_needed),
        n => format!("{n} of {} places are open.", slot.helpers_needed),
    });
    description
}

/// A DISPLAY alarm `offset` from the start (negative: before). The trigger is
/// written in hours and minutes (`-PT15H`), which RFC 5545 reads as an exact
/// duration, so a clock change in between does not move the alarm.
fn reminder(title: &str, offset: chrono::Duration) -> Alarm {
    let mut alarm = Alarm::display(title, offset);
    alarm.append_property(Property::new("TRIGGER", trigger(offset)));
    alarm.done()
}

/// `-PT15H`, `-PT24H30M`, `PT0S`: a duration in RFC 5545's dur-time form
/// (no days: a day is nominal there and could stretch over a clock change).
fn trigger(offset: chrono::Duration) -> String {
    let sign = if offset < chrono::Duration::zero() {
        "-"
    } else {
        ""
    };
    let minutes = offset.num_minutes().abs();
    match (minutes / 60, minutes % 60) {
        (0, 0) => "PT0S".to_owned(),
        (0, m) => format!("{sign}PT{m}M"),
        (h, 0) => format!("{sign}PT{h}H"),
        (h, m) => format!("{sign}PT{h}H{m}M"),
    }
}

/// Text as iCalendar keeps it: icalendar escapes `\`, `,`, `;` and line feeds,
/// but a carriage return would end the content line, so every line break
/// becomes a line feed.
fn plain_text(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Text that must stay on one line (the calendar's name).
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn store_scope(scope: v1::CalendarScope) -> CalendarScope {
    match scope {
        v1::CalendarScope::Mine => CalendarScope::Mine,
        v1::CalendarScope::Circle => CalendarScope::Circle,
    }
}

fn wire_scope(scope: CalendarScope) -> v1::CalendarScope {
    match scope {
        CalendarScope::Mine => v1::CalendarScope::Mine,
        CalendarScope::Circle => v1::CalendarScope::Circle,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::trigger;

    #[test]
    fn triggers_are_hours_and_minutes() {
        assert_eq!(trigger(-Duration::hours(2)), "-PT2H");
        assert_eq!(trigger(-Duration::hours(15)), "-PT15H");
        assert_eq!(trigger(-Duration::minutes(24 * 60 + 30)), "-PT24H30M");
        assert_eq!(trigger(-Duration::minutes(45)), "-PT45M");
        assert_eq!(trigger(Duration::zero()), "PT0S");
    }
}
