//! A person's mail settings and when a notice may go out: now, after their
//! quiet hours, or in the next daily or weekly digest, all in their own time
//! zone (so a digest stays at 08:00 across a change to or from summer time).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use kring_domain::CircleId;
use serde::{Deserialize, Serialize};

use crate::notices::Topic;

/// How a person wants to hear of a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    Off,
    Now,
    Daily,
    Weekly,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [
        Delivery::Off,
        Delivery::Now,
        Delivery::Daily,
        Delivery::Weekly,
    ];

    /// The outbox row's `batch`.
    pub fn batch(self) -> &'static str {
        match self {
            Delivery::Off | Delivery::Now => "now",
            Delivery::Daily => "daily",
            Delivery::Weekly => "weekly",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Delivery::Off => "off",
            Delivery::Now => "now",
            Delivery::Daily => "daily",
            Delivery::Weekly => "weekly",
        }
    }

    pub fn from_code(code: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// The language of a person's mails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }
}

/// When digests go out, in the person's time zone.
pub const DIGEST_AT: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => panic!("08:00 is a time"),
};
/// The reminder the evening before a shift.
pub const EVENING_BEFORE_AT: NaiveTime = match NaiveTime::from_hms_opt(19, 0, 0) {
    Some(t) => t,
    None => panic!("19:00 is a time"),
};

/// A person's mail settings, stored as JSON beside the log (`MailStore`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    pub language: Language,
    /// An IANA time zone name, e.g. "Europe/Amsterdam".
    pub time_zone: String,
    /// No mail from `quiet_from` until `quiet_until` (local times; may span midnight).
    pub quiet_from: Option<NaiveTime>,
    pub quiet_until: Option<NaiveTime>,
    /// A reminder this many hours before a shift or a request one took (0: none).
    pub remind_hours_before: u8,
    /// A reminder at 19:00 the evening before.
    pub evening_before: bool,
    /// How each topic is delivered, for every circle...
    pub topics: BTreeMap<Topic, Delivery>,
    /// ...unless set for one circle.
    pub circles: BTreeMap<CircleId, BTreeMap<Topic, Delivery>>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            language: Language::Nl,
            time_zone: "Europe/Amsterdam".to_owned(),
            quiet_from: NaiveTime::from_hms_opt(22, 0, 0),
            quiet_until: NaiveTime::from_hms_opt(7, 0, 0),
            remind_hours_before: 2,
            evening_before: true,
            topics: BTreeMap::new(),
            circles: BTreeMap::new(),
        }
    }
}

impl MailSettings {
    /// How `topic` of `circle` reaches this person.
    pub fn delivery(&self, circle: CircleId, topic: Topic) -> Delivery {
        self.circles
            .get(&circle)
            .and_then(|topics| topics.get(&topic))
            .or_else(|| self.topics.get(&topic))
            .copied()
            .unwrap_or(default_delivery(topic))
    }

    /// How `topic` reaches this person in a circle they set nothing else for.
    pub fn general_delivery(&self, topic: Topic) -> Delivery {
        self.topics
            .get(&topic)
            .copied()
            .unwrap_or(default_delivery(topic))
    }

    /// Whether `name` is an IANA time zone this server knows.
    pub fn zone_is_known(name: &str) -> bool {
        name.parse::<Tz>().is_ok()
    }

    pub fn zone(&self) -> Tz {
        self.time_zone
            .parse()
            .unwrap_or(chrono_tz::Europe::Amsterdam)
    }

    /// When a notice delivered as `delivery`, noticed at `now`, is due; `None` when off.
    pub fn due(&self, delivery: Delivery, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match delivery {
            Delivery::Off => None,
            Delivery::Now => Some(self.after_quiet(now)),
            Delivery::Daily => Some(self.after_quiet(self.next_local(now, |_| true))),
            Delivery::Weekly => {
                Some(self.after_quiet(self.next_local(now, |date| date.weekday() == Weekday::Mon)))
            }
        }
    }

    /// `at`, or the end of the quiet hours it falls in.
    pub fn after_quiet(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        match self.quiet_span(at) {
            Some((_, end)) => end,
            None => at,
        }
    }

    /// `at`, or the start of the quiet hours it falls in (a reminder goes
    /// out early rather than after what it reminds of).
    pub fn before_quiet(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        match self.quiet_span(at) {
            Some((start, _)) => start,
            None => at,
        }
    }

    /// The quiet hours `at` falls in, as instants.
    fn quiet_span(&self, at: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (from, until) = (self.quiet_from?, self.quiet_until?);
        if from == until {
            return None;
        }
        let zone = self.zone();
        let local = at.with_timezone(&zone).date_naive();
        // The span that started today or yesterday (it may cross midnight).
        for start_day in [local, local - Duration::days(1)] {
            let end_day = if until > from {
                start_day
            } else {
                start_day + Duration::days(1)
            };
            let start = local_instant(zone, start_day, from);
            let end = local_instant(zone, end_day, until);
            if start <= at && at < end {
                return Some((start, end));
            }
        }
        None
    }

    /// The first `DIGEST_AT` after `now` on a local day that `day_fits`.
    fn next_local(
        &self,
        now: DateTime<Utc>,
        day_fits: impl Fn(NaiveDate) -> bool,
    ) -> DateTime<Utc> {
        let zone = self.zone();
        let mut day = now.with_timezone(&zone).date_naive();
        loop {
            let at = local_instant(zone, day, DIGEST_AT);
            if at > now && day_fits(day) {
                return at;
            }
            day += Duration::days(1);
        }
    }

    /// The reminders of something starting at `starts`, each with its name.
    pub fn reminders(&self, starts: DateTime<Utc>) -> Vec<(&'static str, DateTime<Utc>)> {
        let mut due = vec![];
        if self.evening_before {
            let zone = self.zone();
            let day = starts.with_timezone(&zone).date_naive() - Duration::days(1);
            due.push(("evening", local_instant(zone, day, EVENING_BEFORE_AT)));
        }
        if self.remind_hours_before > 0 {
            let at = starts - Duration::hours(i64::from(self.remind_hours_before));
            due.push(("hours", self.before_quiet(at)));
        }
        due
    }
}

/// What a person hears of without having chosen: everything at once, but
/// "who looked" once a week.
fn default_delivery(topic: Topic) -> Delivery {
    match topic {
        Topic::Looks => Delivery::Weekly,
        _ => Delivery::Now,
    }
}

/// A local wall-clock time as an instant. In the hour skipped when clocks go
/// forward, the first instant after the gap; in the hour that repeats, the first.
pub fn local_instant(zone: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let mut local = day.and_time(time);
    for _ in 0..180 {
        if let Some(at) = zone.from_local_datetime(&local).earliest() {
            return at.with_timezone(&Utc);
        }
        local += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&day.and_time(time))
}
