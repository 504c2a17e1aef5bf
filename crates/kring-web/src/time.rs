//! Dates and times as people read them: in the circle's time zone
//! (Europe/Amsterdam unless the circle says otherwise), with Dutch or English
//! day and month names, 24-hour clock.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

use crate::i18n::Lang;

/// The zone of circles that name none, or name one this build does not know.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Amsterdam;

/// The zone a circle names, or the default.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(DEFAULT_ZONE)
}

const DAYS_NL: [&str; 7] = [
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];
const DAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const SHORT_DAYS_NL: [&str; 7] = ["ma", "di", "wo", "do", "vr", "za", "zo"];
const SHORT_DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn weekday(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Nl => DAYS_NL[i],
        Lang::En => DAYS_EN[i],
    }
}

fn short_weekday(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Nl => SHORT_DAYS_NL[i],
        Lang::En => SHORT_DAYS_EN[i],
    }
}

fn month(lang: Lang, date: NaiveDate) -> &'static str {
    let i = date.month0() as usize;
    match lang {
        Lang::Nl => MONTHS_NL[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// "dinsdag 5 mei 2026" / "Tuesday 5 May 2026".
pub fn date_long(lang: Lang, date: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        weekday(lang, date.weekday()),
        date.day(),
        month(lang, date),
        date.year()
    )
}

/// "di 5 mei" / "Tue 5 May", with the year when it is not `today`'s.
pub fn date_short(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let mut text = format!(
        "{} {} {}",
        short_weekday(lang, date.weekday()),
        date.day(),
        month(lang, date)
    );
    if date.year() != today.year() {
        text.push_str(&format!(" {}", date.year()));
    }
    text
}

/// "vandaag", "morgen", "gisteren" (or the English), else [`date_short`].
pub fn day_name(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let words = match lang {
        Lang::Nl => ["gisteren", "vandaag", "morgen"],
        Lang::En => ["yesterday", "today", "tomorrow"],
    };
    match (date - today).num_days() {
        -1 => words[0].to_owned(),
        0 => words[1].to_owned(),
        1 => words[2].to_owned(),
        _ => date_short(lang, date, today),
    }
}

/// "18:00".
pub fn clock(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// A moment in the zone: "di 5 mei, 18:00" / "today, 18:00".
pub fn moment(lang: Lang, at: DateTime<Utc>, tz: Tz, today: NaiveDate) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{}, {}",
        day_name(lang, local.date_naive(), today),
        clock(local.time())
    )
}

/// From one moment to another: "di 5 mei, 10:00 – 12:00", or with both days
/// when they differ.
pub fn span(
    lang: Lang,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: Tz,
    today: NaiveDate,
) -> String {
    let (start, end) = (from.with_timezone(&tz), to.with_timezone(&tz));
    if start.date_naive() == end.date_naive() {
        format!("{} – {}", moment(lang, from, tz, today), clock(end.time()))
    } else {
        format!(
            "{} – {}",
            moment(lang, from, tz, today),
            moment(lang, to, tz, today)
        )
    }
}

/// "1 uur 30 min" / "1 h 30 min", "45 min".
pub fn duration(lang: Lang, minutes: u32) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    let hour_word = match lang {
        Lang::Nl => "uur",
        Lang::En => "h",
    };
    match (hours, rest) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} {hour_word}"),
        (h, m) => format!("{h} {hour_word} {m} min"),
    }
}

/// Hours with one decimal at most, in the language's notation: "2,5" / "2.5".
pub fn hours(lang: Lang, minutes: u32) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let text = if tenth == 0 {
        format!("{whole}")
    } else {
        format!("{whole}.{tenth}")
    };
    match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

/// The machine-readable form for `<time datetime>`.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today in the zone.
pub fn today(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// The Monday of the week `date` lies in.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// A wall-clock time in the zone as a moment. A time the clocks skip (the
/// spring change) is read as the same time an hour later; a time that happens
/// twice (autumn) as its first occurrence.
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => match tz.from_local_datetime(&(local + Duration::hours(1))) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
            LocalResult::None => Utc.from_utc_datetime(&local),
        },
    }
}

/// A date from a form (`YYYY-MM-DD`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A time from a form (`HH:MM`, or with seconds).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn dates_read_in_dutch_and_english() {
        let day = date(2026, 5, 5);
        assert_eq!(date_long(Lang::Nl, day), "dinsdag 5 mei 2026");
        assert_eq!(date_long(Lang::En, day), "Tuesday 5 May 2026");
        assert_eq!(date_short(Lang::Nl, day, date(2026, 1, 1)), "di 5 mei");
        assert_eq!(
            date_short(Lang::En, day, date(2025, 12, 31)),
            "Tue 5 May 2026"
        );
        assert_eq!(day_name(Lang::Nl, day, day), "vandaag");
        assert_eq!(day_name(Lang::En, day, date(2026, 5, 4)), "tomorrow");
        assert_eq!(day_name(Lang::Nl, day, date(2026, 5, 6)), "gisteren");
        assert_eq!(
            day_name(Lang::Nl, date(2026, 12, 25), day),
            "vr 25 december"
        );
    }

    #[test]
    fn moments_are_shown_in_the_circles_zone_across_the_clock_change() {
        let amsterdam = zone("Europe/Amsterdam");
        let today = date(2026, 3, 1);
        // Winter: UTC+1; summer (from 29 March 2026): UTC+2.
        assert_eq!(
            moment(Lang::Nl, utc("2026-03-28T17:00:00Z"), amsterdam, today),
            "za 28 maart, 18:00"
        );
        assert_eq!(
            moment(Lang::En, utc("2026-03-29T16:00:00Z"), amsterdam, today),
            "Sun 29 March, 18:00"
        );
        assert_eq!(
            span(
                Lang::Nl,
                utc("2026-03-28T09:00:00Z"),
                utc("2026-03-28T11:30:00Z"),
                amsterdam,
                today
            ),
            "za 28 maart, 10:00 – 12:30"
        );
        assert_eq!(
            moment(
                Lang::En,
                utc("2026-03-28T17:00:00Z"),
                zone("Europe/London"),
                today
            ),
            "Sat 28 March, 17:00"
        );
        // An unknown zone falls back to Amsterdam.
        assert_eq!(zone("Mars/Olympus"), DEFAULT_ZONE);
    }

    #[test]
    fn form_times_become_moments_even_when_the_clocks_jump() {
        let amsterdam = DEFAULT_ZONE;
        let at = |d: NaiveDate, t: &str| d.and_time(parse_time(t).unwrap());
        assert_eq!(
            local_to_utc(at(date(2026, 1, 10), "10:00"), amsterdam),
            utc("2026-01-10T09:00:00Z")
        );
        assert_eq!(
            local_to_utc(at(date(2026, 7, 10), "10:00"), amsterdam),
            utc("2026-07-10T08:00:00Z")
        );
        // 02:30 does not exist on 29 March 2026: it is read as 03:30 summer time.
        assert_eq!(
            local_to_utc(at(date(2026, 3, 29), "02:30"), amsterdam),
            utc("2026-03-29T01:30:00Z")
        );
        // 02:30 happens twice on 25 October 2026: the first one counts.
        assert_eq!(
            local_to_utc(at(date(2026, 10, 25), "02:30"), amsterdam),
            utc("2026-10-25T00:30:00Z")
        );
        assert_eq!(parse_date(" 2026-05-05 "), Some(date(2026, 5, 5)));
        assert_eq!(parse_date("5-5-2026"), None);
        assert_eq!(parse_time("18:00:00"), parse_time("18:00"));
    }

    #[test]
    fn durations_hours_and_weeks() {
        assert_eq!(duration(Lang::Nl, 90), "1 uur 30 min");
        assert_eq!(duration(Lang::En, 120), "2 h");
        assert_eq!(duration(Lang::En, 45), "45 min");
        assert_eq!(hours(Lang::Nl, 150), "2,5");
        assert_eq!(hours(Lang::En, 150), "2.5");
        assert_eq!(hours(Lang::En, 120), "2");
        assert_eq!(monday_of(date(2026, 5, 10)), date(2026, 5, 4));
        assert_eq!(monday_of(date(2026, 5, 4)), date(2026, 5, 4));
        assert_eq!(iso(utc("2026-05-04T08:00:00Z")), "2026-05-04T08:00:00Z");
    }
}
