//! The frame of every page: `<html lang>`, a skip link, the header with its
//! navigation and the language switch, `<main>`, the footer; and the small
//! pieces pages share (badges, times, hidden fields, failure pages).
//!
//! No inline script or style: the CSS and the JavaScript are files under
//! `/assets/`, and the script finds what it works on by `data-` attributes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use kring_protocol::v1;
use maud::{html, Markup, DOCTYPE};

use crate::assets;
use crate::ctx::{Ctx, Flash};
use crate::i18n::{self, Lang, T};
use crate::time;

/// The parts of a circle, one page each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Home,
    Rota,
    Requests,
    Logbook,
    Members,
    Calendar,
    Figures,
    Consent,
}

impl Section {
    const ALL: [Section; 8] = [
        Section::Home,
        Section::Rota,
        Section::Requests,
        Section::Logbook,
        Section::Members,
        Section::Calendar,
        Section::Figures,
        Section::Consent,
    ];

    fn path(self, circle: uuid::Uuid) -> String {
        let tail = match self {
            Section::Home => "",
            Section::Rota => "/rota",
            Section::Requests => "/requests",
            Section::Logbook => "/logbook",
            Section::Members => "/members",
            Section::Calendar => "/calendar",
            Section::Figures => "/figures",
            Section::Consent => "/consent",
        };
        format!("/circles/{circle}{tail}")
    }

    fn name(self) -> T {
        match self {
            Section::Home => T::NavHome,
            Section::Rota => T::NavRota,
            Section::Requests => T::NavRequests,
            Section::Logbook => T::NavLogbook,
            Section::Members => T::NavMembers,
            Section::Calendar => T::NavCalendar,
            Section::Figures => T::NavFigures,
            Section::Consent => T::NavConsent,
        }
    }

    /// Whether the caller may open this part at all (the API says so in the
    /// circle's `may`; this only leaves out links that would be refused).
    fn open_to(self, may: &v1::May) -> bool {
        match self {
            Section::Rota => may.read_rota,
            Section::Consent => may.read_consents || may.read_looks,
            _ => true,
        }
    }
}

/// A page of one circle: which circle, which part, and the circle's version
/// the page shows (what the live script subscribes after).
pub struct CirclePage<'a> {
    pub circle: &'a v1::Circle,
    pub section: Section,
    pub version: u64,
}

/// A whole page.
pub fn page(ctx: &Ctx, title: &str, circle: Option<CirclePage<'_>>, content: Markup) -> Markup {
    page_of(ctx, title, circle, None, content)
}

/// A page that stays live with an organisation's marketplace (the board, a
/// volunteer's page): the live script watches it and fetches the page again
/// when it changes.
pub fn marketplace_page(
    ctx: &Ctx,
    title: &str,
    organisation: uuid::Uuid,
    content: Markup,
) -> Markup {
    page_of(ctx, title, None, Some(organisation), content)
}

fn page_of(
    ctx: &Ctx,
    title: &str,
    circle: Option<CirclePage<'_>>,
    marketplace: Option<uuid::Uuid>,
    content: Markup,
) -> Markup {
    let lang = ctx.lang;
    let full_title = match &circle {
        Some(c) => format!("{title} · {} · Kring", c.circle.focus.name),
        None if title == "Kring" => "Kring".to_owned(),
        None => format!("{title} · Kring"),
    };
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // Under the server's `Referrer-Policy: no-referrer` a browser
                // sends `Origin: null` with a form post, which the same-origin
                // check refuses. Within Kring the page may be named; other
                // sites still learn nothing of Kring's addresses.
                meta name="referrer" content="same-origin";
                title { (full_title) }
                link rel="icon" href=(assets::icon_href()) type="image/svg+xml";
                link rel="stylesheet" href=(assets::css_href());
                script src=(assets::js_href()) defer {}
            }
            body {
                a.skip href="#main" { (ctx.t(T::SkipToContent)) }
                header.top {
                    div.bar {
                        a.brand href="/" { "Kring" }
                        nav aria-label=(ctx.t(T::NavMainLabel)) {
                            ul {
                                @if ctx.signed_in {
                                    li { a href="/" { (ctx.t(T::MyCircles)) } }
                                    li { a href="/me/mail" { (ctx.t(T::MailSettings)) } }
                                    li {
                                        form method="post" action="/logout" {
                                            button.link type="submit" { (ctx.t(T::LogOut)) }
                                        }
                                    }
                                } @else {
                                    li { a href=(crate::ctx::login_for(&ctx.here)) { (ctx.t(T::LogIn)) } }
                                    li { a href="/signup" { (ctx.t(T::SignUp)) } }
                                }
                            }
                        }
                        (lang_switch(ctx))
                    }
                    @if let Some(c) = &circle {
                        (circle_nav(ctx, c))
                    }
                }
                @match &circle {
                    Some(c) => {
                        main #main tabindex="-1" data-circle=(c.circle.id) data-version=(c.version) {
                            (flash(ctx))
                            (crate::pages::life::banner(ctx, c.circle))
                            (content)
                        }
                    }
                    None => {
                        main #main tabindex="-1" data-marketplace=[marketplace] {
                            (flash(ctx))
                            (content)
                        }
                    }
                }
                div #live-status .vh role="status" aria-live="polite"
                    data-updated=(ctx.t(T::LiveUpdated))
                    data-removed=(ctx.t(T::LiveRemoved))
                    data-signed-out=(ctx.t(T::LiveSignedOut))
                    data-copied=(ctx.t(T::Copied)) {}
                footer.bottom {
                    p { (ctx.t(T::FooterLine)) }
                    @if circle.is_some() || marketplace.is_some() {
                        p #live-state .live-state data-on=(ctx.t(T::LiveOn)) data-off=(ctx.t(T::LiveOff)) {
                            (ctx.t(T::LiveStarting))
                        }
                    }
                }
            }
        }
    }
}

fn lang_switch(ctx: &Ctx) -> Markup {
    let other = match ctx.lang {
        Lang::Nl => Lang::En,
        Lang::En => Lang::Nl,
    };
    html! {
        form.lang method="post" action="/lang" {
            input type="hidden" name="back" value=(ctx.here);
            button type="submit" name="lang" value=(other.code()) lang=(other.code()) {
                (other.name())
            }
        }
    }
}

fn circle_nav(ctx: &Ctx, c: &CirclePage<'_>) -> Markup {
    let label = i18n::fill(ctx.t(T::CircleNavLabel), &[&c.circle.focus.name]);
    html! {
        nav.circle-nav aria-label=(label) {
            ul {
                @for section in Section::ALL {
                    @if section.open_to(&c.circle.may) {
                        li {
                            @if section == c.section {
                                a href=(section.path(c.circle.id)) aria-current="page" { (ctx.t(section.name())) }
                            } @else {
                                a href=(section.path(c.circle.id)) { (ctx.t(section.name())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the last form did, once: a refusal as an alert, success as a status.
fn flash(ctx: &Ctx) -> Markup {
    html! {
        @match &ctx.flash {
            Some(Flash::Problem(detail)) => {
                div #flash .flash.problem role="alert" data-keep {
                    p { strong { (ctx.t(T::NotDone)) } " " (detail) }
                }
            }
            Some(Flash::Done(text)) => {
                div #flash .flash.done role="status" data-keep { p { (text) } }
            }
            None => {}
        }
    }
}

/// A refusal shown right on the page that was posted (log-in, sign-up).
pub fn alert(ctx: &Ctx, detail: Option<&str>) -> Markup {
    html! {
        @if let Some(detail) = detail {
            div.flash.problem role="alert" {
                p { strong { (ctx.t(T::NotDone)) } " " (detail) }
            }
        }
    }
}

pub fn not_found(ctx: &Ctx) -> Markup {
    page(
        ctx,
        ctx.t(T::NotFoundTitle),
        None,
        html! {
            h1 { (ctx.t(T::NotFoundTitle)) }
            p { (ctx.t(T::NotFoundText)) }
            p { a href="/" { (ctx.t(T::BackToMyCircles)) } }
        },
    )
}

pub fn problem(ctx: &Ctx, detail: &str) -> Markup {
    page(
        ctx,
        ctx.t(T::ProblemTitle),
        None,
        html! {
            h1 { (ctx.t(T::ProblemTitle)) }
            div.flash.problem role="alert" { p { (detail) } }
            p { a href="/" { (ctx.t(T::BackToMyCircles)) } }
        },
    )
}

/// A moment in the circle's zone, machine-readable too.
pub fn moment(lang: Lang, at: DateTime<Utc>, tz: Tz) -> Markup {
    html! {
        time datetime=(time::iso(at)) { (time::moment(lang, at, tz, time::today(tz))) }
    }
}

/// From one moment to another, in the circle's zone.
pub fn span(lang: Lang, from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> Markup {
    html! {
        time datetime=(time::iso(from)) { (time::span(lang, from, to, tz, time::today(tz))) }
    }
}

/// A person's name; a forgotten one in italics, as "a former member".
pub fn person(ctx: &Ctx, person: &v1::Person) -> Markup {
    html! {
        @if person.forgotten {
            em.forgotten { (ctx.t(T::FormerMember)) }
        } @else {
            (person.name)
        }
    }
}

pub fn ring_badge(ctx: &Ctx, ring: v1::Ring) -> Markup {
    let class = match ring {
        v1::Ring::Warm => "badge warm",
        v1::Ring::Lukewarm => "badge lukewarm",
        v1::Ring::Cold => "badge cold",
    };
    html! { span class=(class) { (ctx.t(i18n::ring(ring))) } }
}

/// Text a person wrote, with its line breaks kept (by CSS, not by markup).
pub fn written(text: &str) -> Markup {
    html! { p.written { (text) } }
}

/// A hidden field.
pub fn hidden(name: &str, value: impl std::fmt::Display) -> Markup {
    html! { input type="hidden" name=(name) value=(value.to_string()); }
}

/// Text only a screen reader reads (it makes repeated buttons tell apart).
pub fn for_reader(text: &str) -> Markup {
    html! { span.vh { (text) } }
}
