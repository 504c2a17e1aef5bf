//! `/me/mail`: what a person receives by mail, and when (the page every mail's
//! footer links to): the mails' language, time zone, quiet hours, reminders,
//! each topic's delivery, and per circle what differs.

use axum::response::Response;
use http::StatusCode;
use kring_protocol::v1::{self, MailDelivery, MailLanguage, MailTopic};
use maud::{html, Markup};

use crate::ctx::{see_other, Ctx};
use crate::form::{word, word_of, Fields};
use crate::i18n::{self, T};
use crate::layout;

const PATH: &str = "/me/mail";

/// The zones offered; the person's own is kept whatever it is.
const ZONES: [&str; 12] = [
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Istanbul",
    "Africa/Casablanca",
    "America/Paramaribo",
    "America/Curacao",
    "Asia/Jakarta",
    "UTC",
];

pub async fn show(ctx: Ctx) -> Response {
    if !ctx.signed_in {
        return see_other(&crate::ctx::login_for(PATH));
    }
    let prefs = match ctx.client.get::<v1::MailPreferences>("/me/mail").await {
        Ok(prefs) => prefs,
        Err(failure) => return ctx.failure(failure),
    };
    let circles = match ctx.client.get::<Vec<v1::CircleSummary>>("/circles").await {
        Ok(circles) => circles,
        Err(failure) => return ctx.failure(failure),
    };
    ctx.html(
        StatusCode::OK,
        layout::page(
            &ctx,
            ctx.t(T::MailPrefsTitle),
            None,
            form(&ctx, &prefs, &circles),
        ),
    )
}

pub async fn save(ctx: Ctx, fields: Fields) -> Response {
    let prefs = read(&fields);
    let outcome = ctx
        .client
        .put::<_, v1::MailPreferences>("/me/mail", &prefs)
        .await
        .map(|_| None);
    ctx.after(outcome, PATH, T::Saved)
}

/// The preferences a posted form asks for.
fn read(fields: &Fields) -> v1::MailPreferences {
    let topics = MailTopic::ALL
        .into_iter()
        .filter_map(|topic| {
            let delivery = fields.word(&format!("topic-{}", word_of(&topic)))?;
            Some(v1::TopicDelivery { topic, delivery })
        })
        .collect();
    let mut circles: Vec<v1::CircleMail> = vec![];
    for circle in fields.all("circle") {
        let Ok(id) = circle.parse() else { continue };
        let topics: Vec<v1::TopicDelivery> = MailTopic::ALL
            .into_iter()
            .filter(|topic| topic.per_circle())
            .filter_map(|topic| {
                let name = format!("circle-{id}-{}", word_of(&topic));
                let delivery: MailDelivery = word(fields.get(&name)?)?;
                Some(v1::TopicDelivery { topic, delivery })
            })
            .collect();
        if !topics.is_empty() {
            circles.push(v1::CircleMail { circle: id, topics });
        }
    }
    v1::MailPreferences {
        language: fields.word("language").unwrap_or(MailLanguage::Nl),
        time_zone: fields
            .get("time_zone")
            .unwrap_or("Europe/Amsterdam")
            .to_owned(),
        quiet_from: fields.get("quiet_from").map(str::to_owned),
        quiet_until: fields.get("quiet_until").map(str::to_owned),
        evening_before: fields.checked("evening_before"),
        // Out of range is the API's to refuse, in its words.
        remind_hours_before: fields
            .get("remind_hours_before")
            .map_or(Some(0), |h| h.parse::<u16>().ok().map(|h| h.min(255) as u8))
            .unwrap_or(255),
        topics,
        circles,
    }
}

fn form(ctx: &Ctx, prefs: &v1::MailPreferences, circles: &[v1::CircleSummary]) -> Markup {
    let own_zone = !ZONES.contains(&prefs.time_zone.as_str());
    let set_for = |circle: uuid::Uuid, topic: MailTopic| {
        prefs
            .circles
            .iter()
            .find(|c| c.circle == circle)
            .and_then(|c| c.topics.iter().find(|t| t.topic == topic))
            .map(|t| t.delivery)
    };
    html! {
        h1 { (ctx.t(T::MailPrefsTitle)) }
        p { (ctx.t(T::MailPrefsLead)) }
        form.stack method="post" action=(PATH) {
            div.field {
                label for="language" { (ctx.t(T::MailLanguage)) }
                select #language name="language" {
                    option value="nl" selected[prefs.language == MailLanguage::Nl] lang="nl" { "Nederlands" }
                    option value="en" selected[prefs.language == MailLanguage::En] lang="en" { "English" }
                }
            }
            div.field {
                label for="time_zone" { (ctx.t(T::TimeZone)) }
                select #time_zone name="time_zone" {
                    @if own_zone {
                        option value=(prefs.time_zone) selected { (prefs.time_zone) }
                    }
                    @for zone in ZONES {
                        option value=(zone) selected[zone == prefs.time_zone] { (zone) }
                    }
                }
            }
            fieldset {
                legend { (ctx.t(T::MailQuietHours)) }
                p.hint { (ctx.t(T::MailQuietHint)) }
                div.field {
                    label for="quiet_from" { (ctx.t(T::MailQuietFrom)) }
                    input #quiet_from type="time" name="quiet_from" value=(prefs.quiet_from.clone().unwrap_or_default());
                }
                div.field {
                    label for="quiet_until" { (ctx.t(T::MailQuietUntil)) }
                    input #quiet_until type="time" name="quiet_until" value=(prefs.quiet_until.clone().unwrap_or_default());
                }
            }
            fieldset {
                legend { (ctx.t(T::MailReminders)) }
                div.field.check {
                    input #evening_before type="checkbox" name="evening_before" value="on" checked[prefs.evening_before];
                    label for="evening_before" { (ctx.t(T::MailEveningBefore)) }
                }
                div.field {
                    label for="remind_hours_before" { (ctx.t(T::MailHoursBefore)) }
                    input #remind_hours_before type="number" name="remind_hours_before" min="0" max="48" step="1" value=(prefs.remind_hours_before);
                }
            }
            fieldset {
                legend { (ctx.t(T::MailTopics)) }
                @for t in &prefs.topics {
                    @let name = format!("topic-{}", word_of(&t.topic));
                    div.field {
                        label for=(name) { (capital(ctx.t(i18n::topic(t.topic)))) }
                        (deliveries(ctx, &name, &name, Some(t.delivery), false))
                    }
                }
            }
            @if !circles.is_empty() {
                section aria-labelledby="per-circle-caption" {
                    div.table-wrap role="region" aria-labelledby="per-circle-caption" tabindex="0" {
                        table {
                            caption #per-circle-caption { (ctx.t(T::MailPerCircle)) }
                            thead {
                                tr {
                                    th scope="col" { (ctx.t(T::MailCircle)) }
                                    @for topic in MailTopic::ALL.into_iter().filter(|t| t.per_circle()) {
                                        th scope="col" { (capital(ctx.t(i18n::topic(topic)))) }
                                    }
                                }
                            }
                            tbody {
                                @for circle in circles {
                                    @let around = i18n::fill(ctx.t(T::CircleAround), &[&circle.focus.name]);
                                    tr data-testid="circle-mail" {
                                        th scope="row" {
                                            (around)
                                            (layout::hidden("circle", circle.id))
                                        }
                                        @for topic in MailTopic::ALL.into_iter().filter(|t| t.per_circle()) {
                                            @let name = format!("circle-{}-{}", circle.id, word_of(&topic));
                                            @let label = format!("{around}: {}", ctx.t(i18n::topic(topic)));
                                            td { (deliveries(ctx, &name, &label, set_for(circle.id, topic), true)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { (ctx.t(T::MailSave)) }
        }
    }
}

/// A select of deliveries; in the per-circle table with "as above" first.
fn deliveries(
    ctx: &Ctx,
    name: &str,
    label: &str,
    chosen: Option<MailDelivery>,
    as_above: bool,
) -> Markup {
    html! {
        select id=(name) name=(name) aria-label=[as_above.then_some(label)] {
            @if as_above {
                option value="" selected[chosen.is_none()] { (ctx.t(T::DeliveryAsAbove)) }
            }
            @for delivery in MailDelivery::ALL {
                option value=(word_of(&delivery)) selected[chosen == Some(delivery)] {
                    (ctx.t(i18n::delivery(delivery)))
                }
            }
        }
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posted_form_is_read_as_preferences() {
        let circle = uuid::Uuid::new_v4();
        let as_above = format!("circle-{circle}-swaps");
        let off = format!("circle-{circle}-request_open");
        let fields = Fields::of(&[
            ("language", "en"),
            ("time_zone", "Europe/London"),
            ("quiet_from", ""),
            ("quiet_until", ""),
            ("remind_hours_before", "6"),
            ("topic-swaps", "daily"),
            ("topic-looks", "bogus"),
            ("circle", &circle.to_string()),
            (&off, "off"),
            (&as_above, ""),
        ]);
        let prefs = read(&fields);
        assert_eq!(prefs.language, MailLanguage::En);
        assert_eq!(prefs.time_zone, "Europe/London");
        assert_eq!((prefs.quiet_from, prefs.quiet_until), (None, None));
        assert!(!prefs.evening_before);
        assert_eq!(prefs.remind_hours_before, 6);
        assert_eq!(
            prefs.topics,
            vec![v1::TopicDelivery {
                topic: MailTopic::Swaps,
                delivery: MailDelivery::Daily
            }]
        );
        assert_eq!(
            prefs.circles,
            vec![v1::CircleMail {
                circle,
                topics: vec![v1::TopicDelivery {
                    topic: MailTopic::RequestOpen,
                    delivery: MailDelivery::Off
                }]
            }]
        );
        // Hours the API must refuse stay out of range rather than become valid.
        let many = read(&Fields::of(&[("remind_hours_before", "300")]));
        assert!(many.remind_hours_before > 48);
    }
}
