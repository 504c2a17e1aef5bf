//! A person's mail preferences: `GET` and `PUT /api/v1/me/mail` (the page
//! every mail's footer links to). Stored by kring-notify as JSON beside the
//! log; here they are read, checked and written in the protocol's words.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use chrono::NaiveTime;
use kring_domain::{CircleId, Refusal};
use kring_notify::schedule::{Delivery, Language, MailSettings};
use kring_protocol::v1;
use kring_store::MailStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::SignedIn;
use super::extract::Body;
use super::links::{domain_topic, topic_word};
use super::Problems;
use crate::error::Code;
use crate::{ApiError, AppState};

/// The most hours before a shift a reminder may come.
const MAX_REMIND_HOURS: u8 = v1::limits::MAX_REMIND_HOURS;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show, change))
}

/// Your mail preferences: every topic's delivery, and per circle what you set otherwise.
#[utoipa::path(get, path = "/me/mail", tag = "mail",
    responses((status = 200, body = v1::MailPreferences), Problems))]
async fn show(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
) -> Result<Json<v1::MailPreferences>, ApiError> {
    let store: &dyn MailStore = state.log.as_ref();
    let settings = kring_notify::settings::settings(store, me.0).await?;
    Ok(Json(preferences(&settings)))
}

/// Replaces your mail preferences; answers them as saved. 422 for an unknown
/// time zone (`unknown-time-zone`), a time that is not `HH:MM`
/// (`not-a-time-of-day`), one end of the quiet hours without the other
/// (`quiet-hours-incomplete`), or reminder hours above 48 (`reminder-hours-range`).
#[utoipa::path(put, path = "/me/mail", tag = "mail", request_body = v1::MailPreferences,
    responses((status = 200, body = v1::MailPreferences), Problems))]
async fn change(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Body(body): Body<v1::MailPreferences>,
) -> Result<Json<v1::MailPreferences>, ApiError> {
    let settings = checked(&body)?;
    let store: &dyn MailStore = state.log.as_ref();
    kring_notify::settings::save(store, me.0, &settings).await?;
    let saved = kring_notify::settings::settings(store, me.0).await?;
    Ok(Json(preferences(&saved)))
}

/// The settings `body` asks for, or why they cannot be.
fn checked(body: &v1::MailPreferences) -> Result<MailSettings, ApiError> {
    if !MailSettings::zone_is_known(&body.time_zone) {
        return Err(Refusal::UnknownTimeZone.into());
    }
    if body.remind_hours_before > MAX_REMIND_HOURS {
        return Err(ApiError::Invalid(
            Code::ReminderHoursRange,
            format!("a reminder can come 0 to {MAX_REMIND_HOURS} hours before"),
        ));
    }
    let quiet_from = time_of_day(body.quiet_from.as_deref())?;
    let quiet_until = time_of_day(body.quiet_until.as_deref())?;
    if quiet_from.is_some() != quiet_until.is_some() {
        return Err(ApiError::Invalid(
            Code::QuietHoursIncomplete,
            "give quiet hours both a start and an end, or neither".into(),
        ));
    }
    let topics = |list: &[v1::TopicDelivery]| {
        list.iter()
            .map(|t| (domain_topic(t.topic), domain_delivery(t.delivery)))
            .collect::<BTreeMap<_, _>>()
    };
    Ok(MailSettings {
        language: match body.language {
            v1::MailLanguage::Nl => Language::Nl,
            v1::MailLanguage::En => Language::En,
        },
        time_zone: body.time_zone.clone(),
        quiet_from,
        quiet_until,
        remind_hours_before: body.remind_hours_before,
        evening_before: body.evening_before,
        topics: topics(&body.topics),
        circles: body
            .circles
            .iter()
            .map(|c| {
                let per_circle: Vec<v1::TopicDelivery> = c
                    .topics
                    .iter()
                    .filter(|t| t.topic.per_circle())
                    .cloned()
                    .collect();
                (CircleId(c.circle), topics(&per_circle))
            })
            .filter(|(_, topics)| !topics.is_empty())
            .collect(),
    })
}

/// `HH:MM` (blank: none).
fn time_of_day(text: Option<&str>) -> Result<Option<NaiveTime>, ApiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    NaiveTime::parse_from_str(text, "%H:%M")
        .map(Some)
        .map_err(|_| {
            ApiError::Invalid(
                Code::NotATimeOfDay,
                format!("{text:?} is not a time of day: write it as HH:MM, such as 22:00"),
            )
        })
}

fn preferences(settings: &MailSettings) -> v1::MailPreferences {
    let hhmm = |t: Option<NaiveTime>| t.map(|t| t.format("%H:%M").to_string());
    v1::MailPreferences {
        language: match settings.language {
            Language::Nl => v1::MailLanguage::Nl,
            Language::En => v1::MailLanguage::En,
        },
        time_zone: settings.time_zone.clone(),
        quiet_from: hhmm(settings.quiet_from),
        quiet_until: hhmm(settings.quiet_until),
        evening_before: settings.evening_before,
        remind_hours_before: settings.remind_hours_before,
        topics: kring_notify::notices::Topic::ALL
            .into_iter()
            .map(|topic| v1::TopicDelivery {
                topic: topic_word(topic),
                delivery: delivery_word(settings.general_delivery(topic)),
            })
            .collect(),
        circles: settings
            .circles
            .iter()
            .map(|(circle, topics)| v1::CircleMail {
                circle: circle.0,
                topics: topics
                    .iter()
                    .map(|(topic, delivery)| v1::TopicDelivery {
                        topic: topic_word(*topic),
                        delivery: delivery_word(*delivery),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn delivery_word(delivery: Delivery) -> v1::MailDelivery {
    match delivery {
        Delivery::Off => v1::MailDelivery::Off,
        Delivery::Now => v1::MailDelivery::Now,
        Delivery::Daily => v1::MailDelivery::Daily,
        Delivery::Weekly => v1::MailDelivery::Weekly,
    }
}

fn domain_delivery(delivery: v1::MailDelivery) -> Delivery {
    match delivery {
        v1::MailDelivery::Off => Delivery::Off,
        v1::MailDelivery::Now => Delivery::Now,
        v1::MailDelivery::Daily => Delivery::Daily,
        v1::MailDelivery::Weekly => Delivery::Weekly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> v1::MailPreferences {
        preferences(&MailSettings::default())
    }

    #[test]
    fn preferences_are_checked() {
        assert!(checked(&body()).is_ok());
        let code = |b: v1::MailPreferences| checked(&b).unwrap_err().code();
        assert_eq!(
            code(v1::MailPreferences {
                time_zone: "Mars/Olympus".into(),
                ..body()
            }),
            "unknown-time-zone"
        );
        assert_eq!(
            code(v1::MailPreferences {
                remind_hours_before: 49,
                ..body()
            }),
            "reminder-hours-range"
        );
        assert_eq!(
            code(v1::MailPreferences {
                quiet_from: Some("25:00".into()),
                ..body()
            }),
            "not-a-time-of-day"
        );
        assert_eq!(
            code(v1::MailPreferences {
                quiet_until: None,
                ..body()
            }),
            "quiet-hours-incomplete"
        );
        let round = checked(&body()).unwrap();
        assert_eq!(round, MailSettings::default().tap_topics());
    }

    trait TapTopics {
        fn tap_topics(self) -> Self;
    }

    /// The defaults, with every topic written out as the page sends them.
    impl TapTopics for MailSettings {
        fn tap_topics(mut self) -> Self {
            for topic in kring_notify::notices::Topic::ALL {
                let d = self.general_delivery(topic);
                self.topics.insert(topic, d);
            }
            self
        }
    }
}
