//! The words of every mail, in Dutch (plain B1) and English, as plain text and
//! HTML. A mail names the circle's focus person and the kind of thing with its
//! day and time; never logbook text, request details, places or health words
//! (personal care and personal matters are just "help").

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use kring_domain::{Category, Ring};
use maud::{html, Markup, DOCTYPE};

use crate::notices::{may_name, About, ThresholdSignal};
use crate::schedule::Language;

/// A mail's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A button in a mail: a one-tap link or a page to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub url: String,
}

/// What every notice mail needs besides what it is about.
pub struct Context<'a> {
    pub language: Language,
    /// The circle's focus person, opened with their key ("a former member" when forgotten);
    /// empty when the reader may not see it (an intermediary under `signals` consent).
    pub focus_name: &'a str,
    /// The circle's time zone: days and times as the family sees them.
    pub zone: Tz,
    /// Where the circle is in Kring.
    pub circle_url: &'a str,
    /// Where the person changes what they receive.
    pub settings_url: &'a str,
    /// The names of the organisations a notice names (organisations are not people).
    pub organisations: &'a std::collections::BTreeMap<kring_domain::OrganisationId, String>,
}

/// One notice as a mail, with its buttons.
pub fn notice(about: &About, ctx: &Context, buttons: &[Button]) -> Text {
    let line = headline(about, ctx);
    let subject = match about {
        // The line names the circle (or says "a circle") already; the
        // marketplace's never name one.
        About::Threshold { .. } | About::MarketListing { .. } | About::MarketOffer { .. } => {
            line.clone()
        }
        _ => format!("{} · {}", circle_of(ctx), line),
    };
    compose(ctx, subject, &[line], buttons, &why(about, ctx.language))
}

/// Several notices of one circle in one mail (a daily or weekly digest).
pub fn digest(items: &[About], ctx: &Context) -> Text {
    let lines: Vec<String> = items.iter().map(|a| headline(a, ctx)).collect();
    let market = items.iter().all(|a| !a.names_circle());
    let about = if market {
        say(ctx.language, "De marktplaats", "The marketplace").to_owned()
    } else {
        circle_of(ctx)
    };
    let subject = match ctx.language {
        Language::Nl => format!("{about}: {} berichten", items.len()),
        Language::En => format!("{about}: {} updates", items.len()),
    };
    let open = Button {
        label: if market {
            say(ctx.language, "Open de marktplaats", "Open the marketplace")
        } else {
            say(ctx.language, "Open de kring", "Open the circle")
        }
        .to_owned(),
        url: ctx.circle_url.to_owned(),
    };
    let why = if market {
        why(&items[0], ctx.language)
    } else if items.iter().all(|a| matches!(a, About::Threshold { .. })) {
        say(
            ctx.language,
            "Je krijgt deze samenvatting omdat je werkt voor een organisatie die deze kring volgt met toestemming, en een samenvatting koos.",
            "You receive this summary because you work for an organisation that follows this circle with its consent, and chose a summary.",
        )
    } else {
        say(
            ctx.language,
            "Je krijgt deze samenvatting omdat je lid bent van deze kring en een samenvatting koos.",
            "You receive this summary because you are a member of this circle and chose a summary.",
        )
    };
    compose(ctx, subject, &lines, &[open], why)
}

fn circle_of(ctx: &Context) -> String {
    if ctx.focus_name.is_empty() {
        return say(ctx.language, "Een kring", "A circle").to_owned();
    }
    match ctx.language {
        Language::Nl => format!("Kring van {}", ctx.focus_name),
        Language::En => format!("{}'s circle", ctx.focus_name),
    }
}

/// One sentence saying what happened, with its day and time.
fn headline(about: &About, ctx: &Context) -> String {
    let lang = ctx.language;
    let when = |at: &DateTime<Utc>| moment(*at, ctx.zone, lang);
    match about {
        About::RequestOpen {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "Wie kan helpen? {} op {}.",
                thing(*category, lang),
                when(starts)
            ),
            Language::En => format!(
                "Who can help? {} on {}.",
                thing(*category, lang),
                when(starts)
            ),
        },
        About::RequestConfirmed {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "Bevestigd: jij helpt met {} op {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
            Language::En => format!(
                "Confirmed: you help with {} on {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
        },
        About::RequestCancelled {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "Niet meer nodig: {} op {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
            Language::En => format!(
                "No longer needed: {} on {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
        },
        About::RequestChanged {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "Veranderd: {}, nu vanaf {}. Kijk wat er nodig is en of het je nog past.",
                lower(thing(*category, lang)),
                when(starts)
            ),
            Language::En => format!(
                "Changed: {}, now from {}. See what is needed and whether it still suits you.",
                lower(thing(*category, lang)),
                when(starts)
            ),
        },
        About::Thanked {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "Je kreeg een bedankje voor {} op {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
            Language::En => format!(
                "You were thanked for {} on {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
        },
        About::SwapProposed { starts, .. } => match lang {
            Language::Nl => format!(
                "Iemand vraagt of jij de dienst van {} wilt overnemen.",
                when(starts)
            ),
            Language::En => format!(
                "Someone asks whether you will take over the shift on {}.",
                when(starts)
            ),
        },
        About::ShiftCancelled { starts, .. } => match lang {
            Language::Nl => format!(
                "De dienst van {} gaat niet door: je hoeft niet te komen.",
                when(starts)
            ),
            Language::En => format!(
                "The shift on {} is cancelled: you need not come.",
                when(starts)
            ),
        },
        About::ShiftChanged {
            was,
            starts,
            minutes,
            ..
        } => match lang {
            Language::Nl => format!(
                "De dienst van {} is veranderd: hij begint nu {} en duurt {minutes} minuten.",
                when(was),
                when(starts)
            ),
            Language::En => format!(
                "The shift on {} has changed: it now starts {} and lasts {minutes} minutes.",
                when(was),
                when(starts)
            ),
        },
        About::SwapAccepted { starts, .. } => match lang {
            Language::Nl => format!(
                "Je ruil is aangenomen: de dienst van {} is overgenomen.",
                when(starts)
            ),
            Language::En => format!(
                "Your swap was accepted: the shift on {} is taken over.",
                when(starts)
            ),
        },
        About::SwapDeclined { starts, .. } => match lang {
            Language::Nl => format!(
                "Je ruil is niet aangenomen: de dienst van {} blijft van jou.",
                when(starts)
            ),
            Language::En => format!(
                "Your swap was declined: the shift on {} stays yours.",
                when(starts)
            ),
        },
        About::Looked { organisation, at } => {
            let name = ctx
                .organisations
                .get(organisation)
                .map(String::as_str)
                .unwrap_or(say(lang, "Een organisatie", "An organisation"));
            match lang {
                Language::Nl => format!("{name} keek mee in de kring op {}.", when(at)),
                Language::En => format!("{name} looked at the circle on {}.", when(at)),
            }
        }
        About::SwapLapsing { starts, .. } => match lang {
            Language::Nl => format!(
                "Je hebt nog niet geantwoord: wil jij de dienst van {} overnemen? De vraag vervalt als de dienst begint.",
                when(starts)
            ),
            Language::En => format!(
                "You have not answered yet: will you take over the shift on {}? The question lapses when the shift begins.",
                when(starts)
            ),
        },
        About::NewMember { ring } => match lang {
            Language::Nl => format!(
                "Er is een nieuw lid in de kring ({}).",
                ring_word(*ring, lang)
            ),
            Language::En => format!(
                "Someone new joined the circle ({}).",
                ring_word(*ring, lang)
            ),
        },
        About::VolunteerProposed {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "Er is een vrijwilliger voorgesteld voor de hulpvraag {} op {}. Kijk wie het is en zeg ja of nee.",
                lower(thing(*category, lang)),
                when(starts)
            ),
            Language::En => format!(
                "A volunteer was proposed for the request for {} on {}. See who it is and say yes or no.",
                lower(thing(*category, lang)),
                when(starts)
            ),
        },
        About::HelpedOften { .. } => say(
            lang,
            "Een vrijwilliger van de marktplaats heeft nu drie keer geholpen. Je kunt die een plek in de lauwe kring aanbieden, bij Leden.",
            "A volunteer from the marketplace has now helped three times. You could offer them a place in the lukewarm ring, under Members.",
        )
        .to_owned(),
        About::CoordinationOffered => say(
            lang,
            "Je wordt gevraagd de coördinatie van de kring over te nemen. Je antwoordt op de pagina van de kring.",
            "You are asked to take over coordinating the circle. You answer on the circle's page.",
        )
        .to_owned(),
        About::CoordinationAnswered { accepted: true } => say(
            lang,
            "De coördinatie is overgenomen: jij blijft lid van de kring.",
            "Coordination was taken over: you stay a member of the circle.",
        )
        .to_owned(),
        About::CoordinationAnswered { accepted: false } => say(
            lang,
            "Je vraag om de coördinatie over te nemen is niet aangenomen: jij blijft coördinator.",
            "Your request to take over coordinating was declined: you stay coordinator.",
        )
        .to_owned(),
        About::HandedOver => say(
            lang,
            "De kring is nu van de familie: de consulent die hem met jullie opzette, is eruit gegaan. Die organisatie ziet alleen nog wat jullie toestaan, bij Toestemming.",
            "The circle is the family's now: the intermediary who set it up with you has left it. Their organisation sees only what you allow, under Consent.",
        )
        .to_owned(),
        About::CirclePaused => say(
            lang,
            "De kring is gepauzeerd: geen diensten tot hij weer verder gaat.",
            "The circle is paused: no shifts until it resumes.",
        )
        .to_owned(),
        About::CircleResumed => say(
            lang,
            "De kring gaat weer verder: de diensten staan weer op het rooster.",
            "The circle has resumed: the shifts are back on the rota.",
        )
        .to_owned(),
        About::CircleEnded { reason } => {
            let why = match reason {
                kring_domain::EndReason::Recovered => say(lang, " (hersteld)", " (recovered)"),
                kring_domain::EndReason::MovedToCareHome => {
                    say(lang, " (verhuisd naar een verpleeghuis)", " (moved to a care home)")
                }
                kring_domain::EndReason::Died => say(lang, " (overleden)", " (passed away)"),
                kring_domain::EndReason::Other => "",
            };
            match lang {
                Language::Nl => format!("De kring is afgesloten{why}: dank voor alles wat je deed."),
                Language::En => format!("The circle has ended{why}: thank you for all you did."),
            }
        }
        About::PlaceOffered => say(
            lang,
            "Je hielp vaak: de kring vraagt of je bij de lauwe kring wilt horen. Je antwoordt op je startpagina in Kring.",
            "You helped often: the circle asks whether you would join its lukewarm ring. You answer on your home page in Kring.",
        )
        .to_owned(),
        About::VolunteerAccepted {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "De familie zegt ja: jij helpt met {} op {}. Je ziet nu de kring en wat er nodig is.",
                lower(thing(*category, lang)),
                when(starts)
            ),
            Language::En => format!(
                "The family said yes: you help with {} on {}. You now see the circle and what is needed.",
                lower(thing(*category, lang)),
                when(starts)
            ),
        },
        About::ShiftReminder { starts, .. } => match lang {
            Language::Nl => format!("Herinnering: jouw dienst is op {}.", when(starts)),
            Language::En => format!("Reminder: your shift is on {}.", when(starts)),
        },
        About::RequestReminder {
            category, starts, ..
        } => match lang {
            Language::Nl => format!(
                "Herinnering: jij helpt met {} op {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
            Language::En => format!(
                "Reminder: you help with {} on {}.",
                lower(thing(*category, lang)),
                when(starts)
            ),
        },
        About::OpenPlaces { starts, .. } => match lang {
            Language::Nl => format!("De dienst van {} heeft nog open plekken.", when(starts)),
            Language::En => format!("The shift on {} still has open places.", when(starts)),
        },
        About::RequestUnanswered {
            category,
            starts,
            can_widen,
            ..
        } => {
            let asked = match lang {
                Language::Nl => format!(
                    "Al een dag heeft niemand de vraag voor {} op {} aangenomen.",
                    lower(thing(*category, lang)),
                    when(starts)
                ),
                Language::En => format!(
                    "For a day nobody has taken the request for {} on {}.",
                    lower(thing(*category, lang)),
                    when(starts)
                ),
            };
            if *can_widen {
                let widen = say(
                    lang,
                    "Misschien kun je de vraag aan meer mensen laten zien.",
                    "You could show it to more people.",
                );
                format!("{asked} {widen}")
            } else {
                asked
            }
        }
        About::MemberOverCapacity => say(
            lang,
            "Iemand in de kring doet deze week meer dan die zei te kunnen. Misschien kan een ander iets overnemen.",
            "Someone in the circle gives more this week than they said they could. Perhaps someone else can take something over.",
        )
        .to_owned(),
        About::CarerAtRisk => say(
            lang,
            "Al drie weken doet één persoon het meeste werk in de kring. Kijk samen of anderen kunnen helpen.",
            "For three weeks one person has done most of the help in the circle. See together whether others can help.",
        )
        .to_owned(),
        About::MarketListing {
            organisation,
            category,
            starts,
            time_zone,
            neighbourhood,
            matchmaker,
            ..
        } => {
            let org = organisation_name(ctx, organisation);
            let (thing, when) = listed(*category, *starts, time_zone, lang);
            match (matchmaker, lang) {
                (false, Language::Nl) => format!(
                    "Iemand in {neighbourhood} vraagt hulp: {thing} op {when}. Past het jou? Zeg het op de marktplaats van {org}."
                ),
                (false, Language::En) => format!(
                    "Someone in {neighbourhood} asks for help: {thing} on {when}. Does it suit you? Say so on {org}'s marketplace."
                ),
                (true, Language::Nl) => format!(
                    "Nieuw op de marktplaats van {org}: {thing} op {when} in {neighbourhood}."
                ),
                (true, Language::En) => format!(
                    "New on {org}'s marketplace: {thing} on {when} in {neighbourhood}."
                ),
            }
        }
        About::MarketOffer {
            organisation,
            category,
            starts,
            time_zone,
            neighbourhood,
            ..
        } => {
            let org = organisation_name(ctx, organisation);
            let (thing, when) = listed(*category, *starts, time_zone, lang);
            match lang {
                Language::Nl => format!(
                    "Op de marktplaats van {org} biedt een vrijwilliger zich aan: {thing} op {when} in {neighbourhood}. De familie beslist."
                ),
                Language::En => format!(
                    "On {org}'s marketplace a volunteer offers to help: {thing} on {when} in {neighbourhood}. The family decides."
                ),
            }
        }
        About::Threshold { signal, .. } => {
            let circle = circle_of(ctx);
            match (signal, lang) {
                (ThresholdSignal::OpenPlaces { at_least }, Language::Nl) => format!(
                    "{circle}: in de komende 7 dagen zijn er {at_least} of meer open plekken in het rooster."
                ),
                (ThresholdSignal::OpenPlaces { at_least }, Language::En) => format!(
                    "{circle}: in the next 7 days the rota has {at_least} or more open places."
                ),
                (ThresholdSignal::CarerAtRisk, Language::Nl) => format!(
                    "{circle}: al drie weken doet één persoon het meeste werk."
                ),
                (ThresholdSignal::CarerAtRisk, Language::En) => format!(
                    "{circle}: for three weeks one person has done most of the help."
                ),
                (ThresholdSignal::Silence { days }, Language::Nl) => format!(
                    "{circle}: al {days} dagen of langer geen bericht in het logboek."
                ),
                (ThresholdSignal::Silence { days }, Language::En) => format!(
                    "{circle}: no logbook entry for {days} days or more."
                ),
            }
        }
    }
}

/// The name of an organisation a notice names.
fn organisation_name<'a>(ctx: &'a Context, organisation: &kring_domain::OrganisationId) -> &'a str {
    ctx.organisations
        .get(organisation)
        .map(String::as_str)
        .unwrap_or(say(ctx.language, "je organisatie", "your organisation"))
}

/// A listing's kind and time, in the zone of the circle that listed it.
fn listed(
    category: Category,
    starts: DateTime<Utc>,
    time_zone: &str,
    lang: Language,
) -> (String, String) {
    let zone: Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    (lower(thing(category, lang)), moment(starts, zone, lang))
}

/// Why the person receives a mail about this (the footer).
fn why(about: &About, lang: Language) -> &'static str {
    use crate::notices::Topic::*;
    match about.topic() {
        Marketplace if matches!(about, About::MarketListing { matchmaker: false, .. }) => say(
            lang,
            "Je krijgt dit bericht omdat je vrijwilliger bent en deze hulpvraag past bij wat, waar en wanneer je wilt helpen.",
            "You receive this because you volunteer and this request fits what, where and when you help.",
        ),
        Marketplace => say(
            lang,
            "Je krijgt dit bericht omdat je de marktplaats van je organisatie beheert.",
            "You receive this because you run your organisation's marketplace.",
        ),
        RequestOpen => say(
            lang,
            "Je krijgt dit bericht omdat een hulpvraag open staat voor jouw kring-ring.",
            "You receive this because a request is open to your ring of the circle.",
        ),
        MyRequests if about.for_outsider() => say(
            lang,
            "Je krijgt dit bericht omdat je deze kring als vrijwilliger hielp.",
            "You receive this because you helped this circle as a volunteer.",
        ),
        MyRequests => say(
            lang,
            "Je krijgt dit bericht omdat jij deze hulpvraag op je nam.",
            "You receive this because you took this request.",
        ),
        CircleLife => say(
            lang,
            "Je krijgt dit bericht omdat je lid bent van deze kring.",
            "You receive this because you are a member of this circle.",
        ),
        Swaps => say(
            lang,
            "Je krijgt dit bericht omdat het over jouw dienst gaat.",
            "You receive this because it is about your shift.",
        ),
        Reminders => say(
            lang,
            "Je krijgt deze herinnering omdat jij hierbij helpt.",
            "You receive this reminder because you help with this.",
        ),
        Coordination if matches!(about, About::CoordinationAnswered { accepted: true }) => say(
            lang,
            "Je krijgt dit bericht omdat je vroeg of een ander de coördinatie overneemt.",
            "You receive this because you asked someone to take over coordinating.",
        ),
        Coordination if matches!(about, About::CoordinationOffered) => say(
            lang,
            "Je krijgt dit bericht omdat een coördinator van deze kring het je vraagt.",
            "You receive this because a coordinator of this circle asks you.",
        ),
        Coordination | Looks => say(
            lang,
            "Je krijgt dit bericht omdat je deze kring coördineert.",
            "You receive this because you coordinate this circle.",
        ),
        Thresholds => say(
            lang,
            "Je krijgt dit bericht omdat je werkt voor een organisatie die deze kring volgt met toestemming van de kring, en je organisatie deze grens koos. Je krijgt het één keer, tot het weer beter gaat.",
            "You receive this because you work for an organisation that follows this circle with the circle's consent, and your organisation chose this threshold. You receive it once, until things are better again.",
        ),
    }
}

/// The mail around its lines: greeting, lines, buttons, footer.
fn compose(
    ctx: &Context,
    subject: String,
    lines: &[String],
    buttons: &[Button],
    why: &str,
) -> Text {
    let lang = ctx.language;
    let settings = say(
        lang,
        "Wat je ontvangt, stel je hier in:",
        "Choose what you receive here:",
    );
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push_str("\n\n");
    }
    for b in buttons {
        text.push_str(&format!("{}: {}\n", b.label, b.url));
    }
    text.push_str(&format!("\n-- \n{why}\n{settings} {}\n", ctx.settings_url));
    let html = page(
        &subject,
        lang,
        lines,
        buttons,
        why,
        settings,
        ctx.settings_url,
    );
    Text {
        subject,
        text,
        html,
    }
}

fn page(
    subject: &str,
    lang: Language,
    lines: &[String],
    buttons: &[Button],
    why: &str,
    settings: &str,
    settings_url: &str,
) -> String {
    let markup: Markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family: sans-serif; font-size: 18px; line-height: 1.5; max-width: 36em" {
                @for line in lines { p { (line) } }
                @for b in buttons {
                    p { a href=(b.url) style="display: inline-block; padding: 0.6em 1.2em; background: #1f5f8b; color: #fff; text-decoration: none; border-radius: 0.3em" { (b.label) } }
                }
                hr;
                p style="font-size: 15px; color: #444" {
                    (why) br; (settings) " " a href=(settings_url) { (settings_url) }
                }
            }
        }
    };
    markup.into_string()
}

pub(crate) fn say(lang: Language, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Nl => nl,
        Language::En => en,
    }
}

/// "Vervoer" / "Transport" for kinds a mail may name, else "Hulp" / "Help".
fn thing(category: Category, lang: Language) -> &'static str {
    if !may_name(category) {
        return say(lang, "Hulp", "Help");
    }
    match category {
        Category::Groceries => say(lang, "Boodschappen", "Groceries"),
        Category::Transport => say(lang, "Vervoer", "Transport"),
        Category::Chores => say(lang, "Klusjes in huis", "Chores"),
        Category::OddJobs => say(lang, "Kleine klussen", "Odd jobs"),
        Category::Visit => say(lang, "Op bezoek", "A visit"),
        Category::Walk => say(lang, "Wandelen", "A walk"),
        Category::Coffee => say(lang, "Koffie drinken", "Coffee"),
        _ => say(lang, "Hulp", "Help"),
    }
}

fn lower(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn ring_word(ring: Ring, lang: Language) -> &'static str {
    match ring {
        Ring::Warm => say(lang, "familie en vrienden", "family and friends"),
        Ring::Lukewarm => say(lang, "buren en bekenden", "neighbours and acquaintances"),
        Ring::Cold => say(lang, "vrijwilliger", "volunteer"),
    }
}

/// "dinsdag 8 december 10:00" / "Tuesday 8 December 10:00", in the circle's time zone.
pub fn moment(at: DateTime<Utc>, zone: Tz, lang: Language) -> String {
    let local = at.with_timezone(&zone);
    let day = weekday(local.weekday(), lang);
    let month = month(local.month(), lang);
    format!(
        "{day} {} {month} {:02}:{:02}",
        local.day(),
        local.hour(),
        local.minute()
    )
}

fn weekday(day: Weekday, lang: Language) -> &'static str {
    const NL: [&str; 7] = [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ];
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let i = day.num_days_from_monday() as usize;
    say(lang, NL[i], EN[i])
}

fn month(month: u32, lang: Language) -> &'static str {
    const NL: [&str; 12] = [
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
    const EN: [&str; 12] = [
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
    let i = (month.clamp(1, 12) - 1) as usize;
    say(lang, NL[i], EN[i])
}

/// A mail about a person's account or an invitation: always sent, whatever
/// their settings (they asked for it, or someone invited this address).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountMail {
    VerifyEmail,
    ResetPassword,
    /// An invitation to a circle; the focus person's name says which.
    CircleInvitation {
        focus_name: String,
        /// Mailed to the person the circle is for, to claim their own place.
        claim: bool,
    },
    /// An invitation to work for an organisation as an intermediary.
    ColleagueInvitation {
        organisation: String,
    },
    /// An invitation to volunteer on an organisation's marketplace.
    VolunteerInvitation {
        organisation: String,
    },
}

/// An account mail with its one link.
pub fn account_mail(mail: &AccountMail, lang: Language, url: &str, home_url: &str) -> Text {
    let (subject, line, label, why): (String, String, &str, &str) = match mail {
        AccountMail::VerifyEmail => (
            say(lang, "Bevestig je e-mailadres voor Kring", "Confirm your e-mail address for Kring").to_owned(),
            say(lang, "Klik op de knop om te laten zien dat dit jouw e-mailadres is. De link werkt 48 uur en één keer.", "Press the button to show that this is your e-mail address. The link works for 48 hours, once.").to_owned(),
            say(lang, "Ja, dit is mijn adres", "Yes, this is my address"),
            say(lang, "Je krijgt dit bericht omdat iemand dit adres opgaf bij Kring. Was jij dat niet? Dan hoef je niets te doen.", "You receive this because someone entered this address at Kring. Was it not you? Then you need not do anything."),
        ),
        AccountMail::ResetPassword => (
            say(lang, "Een nieuw wachtwoord voor Kring", "A new password for Kring").to_owned(),
            say(lang, "Met deze knop kies je een nieuw wachtwoord. De link werkt 30 minuten en één keer.", "With this button you choose a new password. The link works for 30 minutes, once.").to_owned(),
            say(lang, "Kies een nieuw wachtwoord", "Choose a new password"),
            say(lang, "Je krijgt dit bericht omdat iemand een nieuw wachtwoord vroeg voor dit adres. Was jij dat niet? Dan blijft je wachtwoord zoals het is.", "You receive this because someone asked for a new password for this address. Was it not you? Then your password stays as it is."),
        ),
        AccountMail::CircleInvitation {
            focus_name,
            claim: true,
        } => (
            match lang {
                Language::Nl => format!("{focus_name}, jouw plek in je eigen kring in Kring"),
                Language::En => format!("{focus_name}, your place in your own circle in Kring"),
            },
            say(lang, "Je familie regelt in Kring samen de zorg rond jou. Met deze link maak je een account en neem je je eigen plek in de kring in: je ziet wie er komt, en je kunt zelf iets vragen, aanbieden of iemand bedanken.", "Your family arranges the care around you together in Kring. With this link you make an account and take your own place in the circle: you see who is coming, and you can ask for something, offer something or thank someone yourself.").to_owned(),
            say(lang, "Neem je plek in", "Take your place"),
            say(lang, "Je krijgt dit bericht omdat een coördinator van je kring jouw adres intypte.", "You receive this because a coordinator of your circle typed in your address."),
        ),
        AccountMail::CircleInvitation {
            focus_name,
            claim: false,
        } => (
            match lang {
                Language::Nl => format!("Je bent uitgenodigd in de kring van {focus_name}"),
                Language::En => format!("You are invited to {focus_name}'s circle"),
            },
            match lang {
                Language::Nl => format!("Je bent uitgenodigd om mee te helpen in de kring rond {focus_name}."),
                Language::En => format!("You are invited to help in the circle around {focus_name}."),
            },
            say(lang, "Bekijk de uitnodiging", "See the invitation"),
            say(lang, "Je krijgt dit bericht omdat een coördinator van deze kring jouw adres intypte.", "You receive this because a coordinator of this circle typed in your address."),
        ),
        AccountMail::ColleagueInvitation { organisation } => (
            match lang {
                Language::Nl => format!("Uitnodiging: werk in Kring voor {organisation}"),
                Language::En => format!("Invitation: work in Kring for {organisation}"),
            },
            match lang {
                Language::Nl => format!("Een collega nodigt je uit om in Kring mee te kijken voor {organisation}. Je neemt de uitnodiging aan met het account dat dit e-mailadres bevestigde."),
                Language::En => format!("A colleague invites you to work in Kring for {organisation}. You accept with the account that confirmed this e-mail address."),
            },
            say(lang, "Bekijk de uitnodiging", "See the invitation"),
            say(lang, "Je krijgt dit bericht omdat een collega jouw adres intypte.", "You receive this because a colleague typed in your address."),
        ),
        AccountMail::VolunteerInvitation { organisation } => (
            match lang {
                Language::Nl => format!("Uitnodiging: vrijwilliger bij {organisation}"),
                Language::En => format!("Invitation: volunteer with {organisation}"),
            },
            match lang {
                Language::Nl => format!("{organisation} vraagt of je vrijwilliger wilt zijn in de buurt: af en toe een boodschap, een wandeling of een klusje voor iemand die hulp nodig heeft. Jij kiest wat, waar en wanneer, en hoe vaak. De link werkt 14 dagen en één keer."),
                Language::En => format!("{organisation} asks whether you would volunteer in the neighbourhood: now and then some shopping, a walk or a small job for someone who needs help. You choose what, where, when and how often. The link works for 14 days, once."),
            },
            say(lang, "Meld je aan als vrijwilliger", "Sign up as a volunteer"),
            say(lang, "Je krijgt dit bericht omdat iemand van deze organisatie jouw adres intypte. Wil je niet? Dan hoef je niets te doen.", "You receive this because someone of this organisation typed in your address. Not interested? Then you need not do anything."),
        ),
    };
    let button = Button {
        label: label.to_owned(),
        url: url.to_owned(),
    };
    let ctx_settings = say(lang, "Kring:", "Kring:");
    let mut text = format!("{line}\n\n{}: {url}\n", button.label);
    text.push_str(&format!("\n-- \n{why}\n{ctx_settings} {home_url}\n"));
    let html = page(
        &subject,
        lang,
        &[line],
        &[button],
        why,
        ctx_settings,
        home_url,
    );
    Text {
        subject,
        text,
        html,
    }
}
