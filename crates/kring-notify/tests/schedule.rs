//! When a notice may go out: quiet hours, digests and reminders in the
//! person's own time zone, across the changes to and from summer time.

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use kring_domain::CircleId;
use kring_notify::notices::Topic;
use kring_notify::schedule::{Delivery, MailSettings};
use uuid::Uuid;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn amsterdam() -> MailSettings {
    MailSettings::default()
}

#[test]
fn outside_quiet_hours_now_is_now() {
    let at = utc(2026, 12, 7, 12, 0);
    assert_eq!(amsterdam().due(Delivery::Now, at), Some(at));
    assert_eq!(amsterdam().due(Delivery::Off, at), None);
}

#[test]
fn in_quiet_hours_a_mail_waits_for_the_morning() {
    // 23:30 in Amsterdam in winter (UTC+1) waits until 07:00, which is 06:00 UTC.
    let at = utc(2026, 12, 7, 22, 30);
    assert_eq!(
        amsterdam().due(Delivery::Now, at),
        Some(utc(2026, 12, 8, 6, 0))
    );
    // 03:00 local, after midnight: the same morning.
    assert_eq!(
        amsterdam().due(Delivery::Now, utc(2026, 12, 8, 2, 0)),
        Some(utc(2026, 12, 8, 6, 0))
    );
}

#[test]
fn quiet_hours_across_the_night_clocks_go_forward() {
    // 29 March 2026: 02:00 local becomes 03:00. At 01:30 UTC (03:30 summer time) it is
    // quiet until 07:00 summer time, which is 05:00 UTC.
    assert_eq!(
        amsterdam().due(Delivery::Now, utc(2026, 3, 29, 1, 30)),
        Some(utc(2026, 3, 29, 5, 0))
    );
}

#[test]
fn the_daily_digest_stays_at_eight_across_the_autumn_change() {
    let s = amsterdam();
    // Saturday 24 October 2026, summer time: 08:00 local is 06:00 UTC.
    assert_eq!(
        s.due(Delivery::Daily, utc(2026, 10, 23, 12, 0)),
        Some(utc(2026, 10, 24, 6, 0))
    );
    // Sunday 25 October clocks go back: 08:00 local is 07:00 UTC.
    assert_eq!(
        s.due(Delivery::Daily, utc(2026, 10, 24, 12, 0)),
        Some(utc(2026, 10, 25, 7, 0))
    );
    // Just before the digest: today's; just after: tomorrow's.
    assert_eq!(
        s.due(Delivery::Daily, utc(2026, 10, 26, 6, 59)),
        Some(utc(2026, 10, 26, 7, 0))
    );
    assert_eq!(
        s.due(Delivery::Daily, utc(2026, 10, 26, 7, 0)),
        Some(utc(2026, 10, 27, 7, 0))
    );
}

#[test]
fn the_weekly_digest_comes_on_monday_morning() {
    // Wednesday 25 March 2026 (winter time) → Monday 30 March 08:00 summer time = 06:00 UTC.
    assert_eq!(
        amsterdam().due(Delivery::Weekly, utc(2026, 3, 25, 12, 0)),
        Some(utc(2026, 3, 30, 6, 0))
    );
}

#[test]
fn digests_follow_the_persons_own_time_zone() {
    let s = MailSettings {
        time_zone: "America/New_York".into(),
        ..MailSettings::default()
    };
    // 08:00 in New York in December is 13:00 UTC.
    assert_eq!(
        s.due(Delivery::Daily, utc(2026, 12, 7, 14, 0)),
        Some(utc(2026, 12, 8, 13, 0))
    );
}

#[test]
fn reminders_come_the_evening_before_and_hours_before_but_not_at_night() {
    let s = amsterdam();
    // A shift at 09:00 local (08:00 UTC) on 8 December.
    let starts = utc(2026, 12, 8, 8, 0);
    let due = s.reminders(starts);
    assert_eq!(due[0], ("evening", utc(2026, 12, 7, 18, 0)));
    // Two hours before is 07:00 local: just outside the quiet hours.
    assert_eq!(due[1], ("hours", utc(2026, 12, 8, 6, 0)));
    // A shift at 08:00 local: two hours before is 06:00, quiet; it comes at 22:00 the evening before.
    let early = s.reminders(utc(2026, 12, 8, 7, 0));
    assert_eq!(early[1], ("hours", utc(2026, 12, 7, 21, 0)));
    let none = MailSettings {
        evening_before: false,
        remind_hours_before: 0,
        ..s
    };
    assert!(none.reminders(starts).is_empty());
}

#[test]
fn a_circle_setting_overrides_the_general_one() {
    let circle = CircleId(Uuid::from_u128(9));
    let other = CircleId(Uuid::from_u128(10));
    let mut s = amsterdam();
    assert_eq!(s.delivery(circle, Topic::RequestOpen), Delivery::Now);
    assert_eq!(s.delivery(circle, Topic::Looks), Delivery::Weekly);
    s.topics.insert(Topic::RequestOpen, Delivery::Daily);
    s.circles
        .entry(circle)
        .or_default()
        .insert(Topic::RequestOpen, Delivery::Off);
    assert_eq!(s.delivery(circle, Topic::RequestOpen), Delivery::Off);
    assert_eq!(s.delivery(other, Topic::RequestOpen), Delivery::Daily);
    s.quiet_from = NaiveTime::from_hms_opt(0, 0, 0);
    s.quiet_until = s.quiet_from;
    assert_eq!(
        s.due(Delivery::Now, utc(2026, 12, 7, 23, 0)),
        Some(utc(2026, 12, 7, 23, 0))
    );
}
