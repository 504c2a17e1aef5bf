//! Templates for common situations: a new circle's suggested weekly shifts,
//! first requests and welcome entry, in Dutch or English. A template is only
//! a start: everything it fills in is an ordinary shift, request or entry the
//! family changes, ends or cancels like any other. [`Template::plan`] is pure;
//! [`actions`] seals its words with the creator's key (they chose them) and
//! names its parts with the ids the caller makes.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use kring_domain::circle::events::Recurrence;
use kring_domain::circle::state::local_to_utc;
use kring_domain::{
    Action, Category, EntryId, Minutes, PersonId, RequestId, Ring, ShiftId, TimeWindow, Visibility,
};
use uuid::Uuid;

use crate::{Vault, VaultError};

/// The situations a circle can start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// Six weeks of help at home after a stay in hospital.
    HomeAfterHospital,
    /// Ongoing care for someone with dementia who lives at home.
    DementiaAtHome,
    /// A few weeks of recovery after an operation.
    RecoveryAfterSurgery,
    /// Being there in the last phase of life.
    LastPhase,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Dutch,
    English,
}

/// What a template fills in, in one language, from a given day on.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub shifts: Vec<PlannedShift>,
    pub requests: Vec<PlannedRequest>,
    pub welcome: String,
}

/// A weekly shift, from its first date (local time).
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedShift {
    pub title: String,
    pub starts: NaiveDateTime,
    pub minutes: u16,
    /// The last date, for a template that lasts some weeks.
    pub until: Option<NaiveDate>,
    pub helpers: u8,
    pub rings: Vec<Ring>,
}

/// A first request, asked for the focus person, with its window (local time).
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRequest {
    pub category: Category,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
    pub minutes: u16,
    pub details: String,
}

/// Words in both languages.
type Words = (&'static str, &'static str);

struct Shift {
    day: Weekday,
    at: (u32, u32),
    minutes: u16,
    helpers: u8,
    /// Personal care stays in the warm ring.
    warm_only: bool,
    title: Words,
}

struct Request {
    category: Category,
    /// The window: from this many days after the start, for this many days.
    after_days: u64,
    for_days: u64,
    minutes: u16,
    details: Words,
}

struct Content {
    /// How long the template's shifts run; `None`: until the family ends them.
    weeks: Option<u64>,
    shifts: &'static [Shift],
    requests: &'static [Request],
    welcome: Words,
}

impl Template {
    pub const ALL: [Template; 4] = [
        Template::HomeAfterHospital,
        Template::DementiaAtHome,
        Template::RecoveryAfterSurgery,
        Template::LastPhase,
    ];

    /// The plan in `language`, its shifts starting on the first fitting day
    /// after `today` (the circle's local date).
    pub fn plan(self, language: Language, today: NaiveDate) -> Plan {
        let content = self.content();
        let say = |words: Words| match language {
            Language::Dutch => words.0.to_owned(),
            Language::English => words.1.to_owned(),
        };
        let start = today + Days::new(1);
        let until = content.weeks.map(|w| today + Days::new(7 * w));
        let shifts = content
            .shifts
            .iter()
            .map(|s| PlannedShift {
                title: say(s.title),
                starts: first_on(start, s.day).and_time(at(s.at)),
                minutes: s.minutes,
                until,
                helpers: s.helpers,
                rings: if s.warm_only {
                    vec![Ring::Warm]
                } else {
                    vec![Ring::Warm, Ring::Lukewarm]
                },
            })
            .collect();
        let requests = content
            .requests
            .iter()
            .map(|r| {
                let from = today + Days::new(r.after_days);
                PlannedRequest {
                    category: r.category,
                    from: from.and_time(at((9, 0))),
                    until: (from + Days::new(r.for_days)).and_time(at((18, 0))),
                    minutes: r.minutes,
                    details: say(r.details),
                }
            })
            .collect();
        Plan {
            shifts,
            requests,
            welcome: say(content.welcome),
        }
    }

    fn content(self) -> &'static Content {
        match self {
            Template::HomeAfterHospital => &HOME_AFTER_HOSPITAL,
            Template::DementiaAtHome => &DEMENTIA_AT_HOME,
            Template::RecoveryAfterSurgery => &RECOVERY_AFTER_SURGERY,
            Template::LastPhase => &LAST_PHASE,
        }
    }
}

/// The plan as commands of `creator` in a circle in `time_zone`: weekly
/// shifts, requests asked for the focus person, and the welcome entry for the
/// warm and lukewarm rings. `new_id` names each part (by its kind: "shift",
/// "request", "entry"), so a retried request can name them the same.
pub async fn actions(
    plan: Plan,
    creator: PersonId,
    time_zone: &str,
    vault: &Vault,
    new_id: &mut (dyn FnMut(&'static str) -> Uuid + Send),
) -> Result<Vec<Action>, VaultError> {
    let mut actions = vec![];
    for shift in plan.shifts {
        actions.push(Action::ScheduleShift {
            shift: ShiftId(new_id("shift")),
            title: vault.seal(creator, &shift.title).await?,
            starts: shift.starts,
            duration: Minutes::for_shift(shift.minutes).expect("a template's shifts fit"),
            recurrence: Recurrence::Weekly { until: shift.until },
            helpers_needed: shift.helpers,
            rings: shift.rings,
        });
    }
    for request in plan.requests {
        let utc = |local| local_to_utc(local, time_zone);
        actions.push(Action::RequestHelp {
            request: RequestId(new_id("request")),
            category: request.category,
            window: TimeWindow::new(utc(request.from), utc(request.until))
                .expect("a template's windows are days long"),
            duration: Minutes::new(request.minutes).expect("a template's requests fit"),
            details: vault.seal(creator, &request.details).await?,
            place: None,
            on_behalf_of_focus: true,
        });
    }
    actions.push(Action::WriteLogbookEntry {
        entry: EntryId(new_id("entry")),
        visibility: Visibility::WarmAndLukewarm,
        text: vault.seal(creator, &plan.welcome).await?,
    });
    Ok(actions)
}

fn first_on(from: NaiveDate, day: Weekday) -> NaiveDate {
    let ahead = (7 + day.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    from + Days::new(ahead.into())
}

fn at((hour, minute): (u32, u32)) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).expect("a template's times are valid")
}

static HOME_AFTER_HOSPITAL: Content = Content {
    weeks: Some(6),
    shifts: &[
        Shift { day: Weekday::Mon, at: (9, 0), minutes: 60, helpers: 1, warm_only: false,
            title: ("Ochtendbezoek: ontbijt en medicijnen nalopen", "Morning visit: breakfast and a check on medication") },
        Shift { day: Weekday::Wed, at: (9, 0), minutes: 60, helpers: 1, warm_only: false,
            title: ("Ochtendbezoek: ontbijt en medicijnen nalopen", "Morning visit: breakfast and a check on medication") },
        Shift { day: Weekday::Fri, at: (9, 0), minutes: 60, helpers: 1, warm_only: false,
            title: ("Ochtendbezoek: ontbijt en medicijnen nalopen", "Morning visit: breakfast and a check on medication") },
        Shift { day: Weekday::Tue, at: (17, 30), minutes: 90, helpers: 1, warm_only: false,
            title: ("Samen koken en eten", "Cook and eat together") },
        Shift { day: Weekday::Sat, at: (10, 0), minutes: 120, helpers: 1, warm_only: false,
            title: ("Boodschappen en het huis op orde", "Groceries and keeping the house in order") },
    ],
    requests: &[
        Request { category: Category::Groceries, after_days: 0, for_days: 2, minutes: 60,
            details: ("De koelkast vullen voor de eerste week thuis", "Fill the fridge for the first week home") },
        Request { category: Category::Transport, after_days: 7, for_days: 7, minutes: 180,
            details: ("Rijden naar de controle in het ziekenhuis, en erbij blijven", "A ride to the check-up at the hospital, and staying for it") },
    ],
    welcome: (
        "Welkom in deze kring. De komende zes weken na het ziekenhuis delen we de zorg: kies een dienst op het rooster, neem een verzoek aan en schrijf hier hoe het gaat. Alles in dit plan kan worden aangepast.",
        "Welcome to this circle. For the six weeks after the hospital we share the care: pick a shift on the rota, take a request, and write here how things go. Everything in this plan can be changed.",
    ),
};

static DEMENTIA_AT_HOME: Content = Content {
    weeks: None,
    shifts: &[
        Shift { day: Weekday::Mon, at: (12, 0), minutes: 90, helpers: 1, warm_only: false,
            title: ("Samen lunchen en een korte wandeling", "Lunch together and a short walk") },
        Shift { day: Weekday::Thu, at: (12, 0), minutes: 90, helpers: 1, warm_only: false,
            title: ("Samen lunchen en een korte wandeling", "Lunch together and a short walk") },
        Shift { day: Weekday::Wed, at: (20, 0), minutes: 30, helpers: 1, warm_only: true,
            title: ("Avondronde: deuren, fornuis en medicijnen", "Evening round: doors, stove and medication") },
        Shift { day: Weekday::Sun, at: (14, 0), minutes: 180, helpers: 1, warm_only: false,
            title: ("Middagbezoek, zodat de mantelzorger even vrij is", "Afternoon visit, so the main carer has time off") },
    ],
    requests: &[
        Request { category: Category::Paperwork, after_days: 1, for_days: 14, minutes: 90,
            details: ("Papieren op een rij zetten voor de casemanager dementie", "Put the papers in order for the dementia case manager") },
        Request { category: Category::Coffee, after_days: 2, for_days: 7, minutes: 60,
            details: ("Koffie drinken en oude foto's bekijken", "Coffee and looking at old photographs") },
    ],
    welcome: (
        "Welkom in deze kring. Zorg bij dementie duurt lang: door de zorg te delen houdt iedereen het vol. Het rooster geeft vaste momenten; wie iets ziet of merkt, schrijft het hier. Alles in dit plan kan worden aangepast.",
        "Welcome to this circle. Care with dementia lasts a long time: sharing it keeps everyone going. The rota gives fixed moments; whoever notices something writes it here. Everything in this plan can be changed.",
    ),
};

static RECOVERY_AFTER_SURGERY: Content = Content {
    weeks: Some(4),
    shifts: &[
        Shift { day: Weekday::Mon, at: (8, 30), minutes: 45, helpers: 1, warm_only: true,
            title: ("Hulp bij wassen en aankleden", "Help with washing and dressing") },
        Shift { day: Weekday::Thu, at: (8, 30), minutes: 45, helpers: 1, warm_only: true,
            title: ("Hulp bij wassen en aankleden", "Help with washing and dressing") },
        Shift { day: Weekday::Wed, at: (17, 30), minutes: 60, helpers: 1, warm_only: false,
            title: ("Een warme maaltijd brengen", "Bring a hot meal") },
        Shift { day: Weekday::Sat, at: (11, 0), minutes: 60, helpers: 1, warm_only: false,
            title: ("Boodschappen en de was", "Groceries and the laundry") },
    ],
    requests: &[
        Request { category: Category::Transport, after_days: 10, for_days: 5, minutes: 120,
            details: ("Rijden naar de afspraak om de hechtingen te laten verwijderen", "A ride to the appointment to have the stitches removed") },
        Request { category: Category::Chores, after_days: 1, for_days: 3, minutes: 60,
            details: ("Het bed verschonen en het huis valbestendig maken", "Change the bed and make the house safe from falls") },
    ],
    welcome: (
        "Welkom in deze kring. De eerste weken na de operatie is er hulp nodig bij wat vanzelf ging. Kies een dienst, neem een verzoek aan en schrijf hier hoe het herstel gaat. Alles in dit plan kan worden aangepast.",
        "Welcome to this circle. In the first weeks after the operation, help is needed with what used to come naturally. Pick a shift, take a request, and write here how the recovery goes. Everything in this plan can be changed.",
    ),
};

static LAST_PHASE: Content = Content {
    weeks: None,
    shifts: &[
        Shift { day: Weekday::Mon, at: (14, 0), minutes: 120, helpers: 1, warm_only: true,
            title: ("Erbij zijn in de middag", "Being there in the afternoon") },
        Shift { day: Weekday::Wed, at: (14, 0), minutes: 120, helpers: 1, warm_only: true,
            title: ("Erbij zijn in de middag", "Being there in the afternoon") },
        Shift { day: Weekday::Fri, at: (22, 0), minutes: 600, helpers: 1, warm_only: true,
            title: ("Nachtwake, zodat de naasten kunnen slapen", "Night watch, so those closest can sleep") },
        Shift { day: Weekday::Tue, at: (17, 30), minutes: 60, helpers: 1, warm_only: false,
            title: ("Een maaltijd voor het huishouden", "A meal for the household") },
    ],
    requests: &[Request { category: Category::Chores, after_days: 1, for_days: 7, minutes: 90,
        details: ("Het huis op orde houden, zodat er rust is voor bezoek", "Keep the house in order, so there is calm for visitors") }],
    welcome: (
        "Welkom in deze kring. Dit is een tijd om er te zijn, en om de zorg niet alleen te dragen. Het rooster laat zien wie wanneer komt; schrijf hier wat anderen moeten weten. Alles in dit plan kan worden aangepast.",
        "Welcome to this circle. This is a time to be there, and not to carry the care alone. The rota shows who comes when; write here what others should know. Everything in this plan can be changed.",
    ),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_starts_after_today_on_its_weekdays_in_both_languages() {
        let today = NaiveDate::from_ymd_opt(2026, 10, 20).unwrap(); // a Tuesday
        for template in Template::ALL {
            let dutch = template.plan(Language::Dutch, today);
            let english = template.plan(Language::English, today);
            assert_eq!(dutch.shifts.len(), english.shifts.len());
            assert_ne!(dutch.welcome, english.welcome);
            for (shift, words) in dutch.shifts.iter().zip(&template.content().shifts[..]) {
                assert!(shift.starts.date() > today);
                assert!(shift.starts.date() <= today + Days::new(7));
                assert_eq!(shift.starts.weekday(), words.day);
            }
            for request in &english.requests {
                assert!(request.from.date() >= today && request.until > request.from);
            }
        }
        // Every part fits the domain's bounds (`actions` counts on it).
        for template in Template::ALL {
            let plan = template.plan(Language::English, today);
            for shift in &plan.shifts {
                assert!(Minutes::for_shift(shift.minutes).is_ok());
            }
            for request in &plan.requests {
                assert!(Minutes::new(request.minutes).is_ok());
                let (from, until) = (request.from.and_utc(), request.until.and_utc());
                assert!(TimeWindow::new(from, until).is_ok());
            }
        }
        let hospital = Template::HomeAfterHospital.plan(Language::English, today);
        assert_eq!(
            hospital.shifts[0].until,
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        // Tuesday's shift of a plan made on a Tuesday is a week later, not today.
        let tuesday = &hospital.shifts[3];
        assert_eq!(
            tuesday.starts.date(),
            NaiveDate::from_ymd_opt(2026, 10, 27).unwrap()
        );
    }
}
