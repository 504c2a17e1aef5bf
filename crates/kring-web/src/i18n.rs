//! Every word the pages show, in plain Dutch (B1) and English, in one table;
//! and which language a visitor gets: the one they chose with the switch (the
//! `kring_lang` cookie), else the first of Dutch and English their browser
//! asks for (`Accept-Language`), else Dutch.
//!
//! A text with `{0}`, `{1}` ... is filled with [`fill`].

use kring_protocol::v1::{
    Attention, Category, MailDelivery, MailTopic, RequestStatus, Ring, Scope, Visibility,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    /// `nl` or `en`: for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::En => "English",
        }
    }

    fn of_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The cookie's choice, else the browser's preference, else Dutch.
    pub fn choose(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = cookie.and_then(Lang::of_tag) {
            return lang;
        }
        let Some(header) = accept_language else {
            return Lang::Nl;
        };
        // The highest `q` wins; among equals, the first named.
        let mut best: Option<(u32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::of_tag) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), |q| {
                    q.trim()
                        .parse::<f32>()
                        .ok()
                        .map(|q| (q.clamp(0.0, 1.0) * 1000.0) as u32)
                });
            let Some(q) = q.filter(|q| *q > 0) else {
                continue;
            };
            if best.is_none_or(|(top, _)| q > top) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Nl, |(_, lang)| lang)
    }

    pub fn t(self, key: T) -> &'static str {
        match self {
            Lang::Nl => key.nl(),
            Lang::En => key.en(),
        }
    }
}

/// `text` with `{0}`, `{1}` ... replaced by `args`.
pub fn fill(text: &str, args: &[&str]) -> String {
    let mut out = text.to_owned();
    for (i, arg) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), arg);
    }
    out
}

/// `one` for 1, `many` otherwise, filled with the number.
pub fn count(lang: Lang, n: impl Into<u64>, one: T, many: T) -> String {
    let n = n.into();
    fill(lang.t(if n == 1 { one } else { many }), &[&n.to_string()])
}

macro_rules! table {
    ($($key:ident => $nl:literal, $en:literal;)*) => {
        /// A text of the pages.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key,)* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$key,)*];

            pub fn nl(self) -> &'static str {
                match self { $(T::$key => $nl,)* }
            }

            pub fn en(self) -> &'static str {
                match self { $(T::$key => $en,)* }
            }
        }
    };
}

table! {
    // ---- the marketplace ----
    Marketplace => "Marktplaats", "Marketplace";
    MarketplaceText => "Hulpvragen die kringen met jullie deelden, zonder naam, adres of details. Elke keer dat je een hulpvraag bekijkt, ziet de kring dat terug.", "Requests circles shared with you, without a name, address or details. Each time you look at one, the circle sees it.";
    StageListed => "Gevraagd", "Listed";
    StageProposed => "Voorgesteld, wacht op de familie", "Proposed, waiting for the family";
    StageMatched => "Gekoppeld", "Matched";
    StageDone => "Gedaan", "Done";
    StageClosed => "Gesloten", "Closed";
    OfferedThemself => "bood zich zelf aan", "offered themself";
    ProposedByMatchmaker => "voorgesteld door de organisatie", "proposed by the organisation";
    FindVolunteers => "Vrijwilligers zoeken", "Find volunteers";
    MarketplaceWeeks => "Per week", "Week by week";
    MarketWeekOf => "Week van", "Week of";
    Listed => "Op de marktplaats gezet", "Put on the marketplace";
    Matched => "Gekoppeld", "Matched";
    HoursToMatch => "Uren tot een koppeling (mediaan)", "Hours until matched (median)";
    VolunteerSignUpLink => "Aanmeldlink voor vrijwilligers", "Sign-up link for volunteers";
    VolunteerSignUpText => "Deel deze link met mensen die vrijwilliger willen worden. Een nieuwe link maakt de vorige ongeldig.", "Share this link with people who want to volunteer. A new link makes the previous one stop working.";
    MakeSignUpLink => "Nieuwe aanmeldlink maken", "Make a new sign-up link";
    HelpersHeading => "Vrijwilligers die vaak hielpen", "Volunteers who helped often";
    HelpersText => "Deze vrijwilligers van de marktplaats hielpen drie keer of vaker. Je kunt ze een plek in de lauwe kring aanbieden: dan horen ze bij de buren en bekenden en zien ze meer dan één hulpvraag. Zij beslissen zelf.", "These volunteers from the marketplace helped three times or more. You can offer them a place in the lukewarm ring: then they belong with the neighbours and acquaintances and see more than one request. They decide themselves.";
    HelperTasks => "{0}: {1} keer geholpen", "{0}: helped {1} times";
    OfferPlace => "Plek in de lauwe kring aanbieden", "Offer a place in the lukewarm ring";
    PlaceOfferedWaiting => "Aangeboden; wacht op antwoord.", "Offered; waiting for their answer.";
    PlaceOfferedDone => "De plek is aangeboden. De vrijwilliger beslist.", "The place is offered. The volunteer decides.";
    PlacesHeading => "Een plek voor jou", "A place for you";
    PlaceInvite => "De kring rond {0} vraagt of je bij de lauwe kring wilt horen: je hielp vaak. Je ziet dan meer hulpvragen van deze kring, niet alleen die ene.", "The circle around {0} asks whether you would join its lukewarm ring: you helped often. You would then see more of this circle's requests, not just the one.";
    PlaceYes => "Ja, graag", "Yes, gladly";
    PlaceNo => "Nee, dank je", "No, thank you";
    PlaceTaken => "Welkom in de lauwe kring.", "Welcome to the lukewarm ring.";
    PlaceDeclined => "Je antwoord is doorgegeven.", "Your answer was passed on.";
    InviteVolunteerHeading => "Iemand uitnodigen per e-mail", "Invite someone by e-mail";
    InviteVolunteerText => "Kring stuurt een uitnodiging met een eigen link, die 14 dagen en één keer werkt.", "Kring sends an invitation with a link of its own, which works for 14 days, once.";
    InviteVolunteerEmail => "E-mailadres", "E-mail address";
    InviteVolunteer => "Uitnodiging sturen", "Send the invitation";
    VolunteerInvited => "De uitnodiging gaat naar dat adres.", "The invitation is on its way to that address.";
    BackToMarketplace => "Terug naar de marktplaats", "Back to the marketplace";
    Candidates => "Wie past", "Who fits";
    CandidatesText => "Eerst wie in dezelfde buurt woont, dan wie het langst niet gevraagd is.", "First who lives in the very neighbourhood, then who was asked longest ago.";
    NoCandidates => "Geen vrijwilliger past nu bij deze hulpvraag.", "No volunteer fits this request now.";
    TasksThisMonth => "Taken deze maand", "Tasks this month";
    NoteForFamily => "Voor de familie (waarom deze vrijwilliger)", "For the family (why this volunteer)";
    Propose => "Voorstellen", "Propose";
    Proposed => "Voorgesteld. De familie beslist.", "Proposed. The family decides.";
    VolunteerTitle => "Vrijwilliger", "Volunteer";
    VolunteerText => "Help mensen in je buurt met praktische dingen of gezelschap, zo vaak als jij wilt. Je ziet pas bij wie, als de familie ja zegt.", "Help people in your neighbourhood with practical things or company, as often as you like. You only learn whose request it is once the family says yes.";
    VolunteerSignedOut => "Log eerst in of maak een account. Daarna kom je hier terug om je aan te melden.", "Log in or sign up first. Then you come back here to sign up as a volunteer.";
    SignUpCode => "Aanmeldcode (uit de link)", "Sign-up code (from the link)";
    VolunteerJoin => "Aanmelden als vrijwilliger", "Sign up as a volunteer";
    VolunteerWelcome => "Welkom als vrijwilliger!", "Welcome as a volunteer!";
    VolunteerWill => "Waar wil je mee helpen?", "What will you help with?";
    Neighbourhood => "Buurt", "Neighbourhood";
    NeighbourhoodHint => "Een postcodegebied (zoals 3512) of de naam van een wijk. Nooit een adres.", "A postcode area (such as 3512) or a district's name. Never an address.";
    VolunteerWhen => "Wanneer kun je?", "When can you help?";
    Morning => "Ochtend", "Morning";
    Afternoon => "Middag", "Afternoon";
    Evening => "Avond", "Evening";
    Monday => "Maandag", "Monday";
    Tuesday => "Dinsdag", "Tuesday";
    Wednesday => "Woensdag", "Wednesday";
    Thursday => "Donderdag", "Thursday";
    Friday => "Vrijdag", "Friday";
    Saturday => "Zaterdag", "Saturday";
    Sunday => "Zondag", "Sunday";
    HowManyTasks => "Hoeveel taken per maand?", "How many tasks a month?";
    Save => "Opslaan", "Save";
    VolunteerAt => "Vrijwilliger bij {0}", "Volunteer at {0}";
    VolunteerActive => "Actief", "Active";
    VolunteerPaused => "Gepauzeerd", "Paused";
    VolunteerStopped => "Gestopt", "Stopped";
    OpenForYou => "Hulpvragen voor jou", "Requests for you";
    NothingOpenForYou => "Er staat nu niets open dat bij jou past.", "Nothing that fits you is open now.";
    IllDoIt => "Ik doe het", "I'll do it";
    Offered => "Aangeboden. De familie beslist.", "Offered. The family decides.";
    MyProposals => "Waar je voor bent voorgesteld", "What you were proposed for";
    NoProposals => "Nog niets.", "Nothing yet.";
    ProposalWaiting => "wacht op de familie", "waiting for the family";
    ProposalAccepted => "de familie zei ja", "the family said yes";
    ProposalDeclined => "niet nu", "not this time";
    GoToTheCircle => "Naar de kring", "Go to the circle";
    VolunteerProfile => "Wat je aanbiedt", "What you offer";
    VolunteerPause => "Even pauzeren", "Pause for now";
    VolunteerResume => "Weer meedoen", "Take part again";
    VolunteerStop => "Stoppen als vrijwilliger", "Stop volunteering";
    OnMarketplaceOf => "Op de marktplaats van {0}.", "On the marketplace of {0}.";
    AcceptVolunteer => "Ja, graag", "Yes, please";
    DeclineVolunteer => "Nee, dank je", "No, thank you";
    VolunteerAccepted => "De vrijwilliger doet mee voor deze hulpvraag.", "The volunteer joins for this request.";
    VolunteerDeclined => "Afgewezen. Deze vrijwilliger wordt niet meer gevraagd voor jullie kring.", "Declined. This volunteer will not be asked for your circle again.";
    PutOnMarketplace => "Op de marktplaats zetten", "Put on the marketplace";
    ListIt => "Plaatsen", "Put it on";
    WhichOrganisation => "Bij welke organisatie?", "With which organisation?";
    SummaryForVolunteers => "Korte tekst voor vrijwilligers", "A short text for volunteers";
    SummaryHint => "Vrijwilligers zien alleen dit, de soort hulp, de tijd en de buurt. Geen naam, adres of persoonlijke details.", "Volunteers see only this, the kind of help, the time and the neighbourhood. No name, address or personal details.";
    CircleNeighbourhoodText => "Zo kan een organisatie vrijwilligers uit de buurt vinden voor hulpvragen die jullie op de marktplaats zetten.", "So an organisation can find volunteers nearby for the requests you put on its marketplace.";
    // ---- frame ----
    SkipToContent => "Naar de inhoud", "Skip to content";
    NavMainLabel => "Hoofdmenu", "Main menu";
    MyCircles => "Mijn kringen", "My circles";
    LogIn => "Inloggen", "Log in";
    LogOut => "Uitloggen", "Log out";
    SignUp => "Account maken", "Sign up";
    FooterLine => "Kring: samen zorgen voor iemand die je lief is.", "Kring: caring together for someone you love.";
    CircleNavLabel => "Kring rond {0}", "Circle around {0}";
    NavHome => "Overzicht", "Overview";
    NavRota => "Rooster", "Rota";
    NavRequests => "Hulpvragen", "Requests";
    NavLogbook => "Logboek", "Logbook";
    NavMembers => "Leden", "Members";
    NavCalendar => "Agenda", "Calendar";
    NavFigures => "Cijfers", "Figures";
    NavConsent => "Toestemming", "Consent";
    LiveUpdated => "De pagina is bijgewerkt.", "The page was updated.";
    LiveRemoved => "Je hoort niet meer bij deze kring.", "You are no longer part of this circle.";
    LiveSignedOut => "Je bent uitgelogd. Log opnieuw in om verder te gaan.", "You are logged out. Log in again to go on.";
    LiveStarting => "Live bijwerken start…", "Live updates starting…";
    LiveOn => "Live: wijzigingen verschijnen vanzelf.", "Live: changes appear by themselves.";
    LiveOff => "Geen verbinding. We proberen het opnieuw…", "No connection. Trying again…";
    Copied => "Gekopieerd.", "Copied.";
    NotDone => "Dat lukte niet.", "That did not work.";
    Saved => "Opgeslagen.", "Saved.";
    TryAgainLater => "Er ging iets mis bij ons. Probeer het zo nog eens.", "Something went wrong on our side. Please try again in a moment.";
    NotFoundTitle => "Niet gevonden", "Not found";
    NotFoundText => "Deze pagina bestaat niet, of je mag hem niet zien.", "This page does not exist, or you may not see it.";
    NotFoundAction => "Dit bestaat niet (meer).", "This does not exist (any more).";
    ProblemTitle => "Dat lukte niet", "That did not work";
    BackToMyCircles => "Terug naar mijn kringen", "Back to my circles";
    FormIncomplete => "Vul alle verplichte velden in.", "Please fill in every required field.";
    FormerMember => "een oud-lid", "a former member";
    You => "jij", "you";
    Untitled => "(zonder titel)", "(untitled)";
    Today => "vandaag", "today";

    // ---- welcome, log-in, sign-up ----
    WelcomeLead => "Kring helpt families om samen de zorg te regelen voor iemand die hulp nodig heeft. Met vrienden, buren en vrijwilligers, in één besloten kring.", "Kring helps families arrange care together for someone who needs help. With friends, neighbours and volunteers, in one closed circle.";
    WelcomePoint1 => "Zie in één rooster wie wanneer komt, en waar nog iemand nodig is.", "See in one rota who comes when, and where someone is still needed.";
    WelcomePoint2 => "Vraag om hulp zonder dat je één persoon hoeft aan te spreken.", "Ask for help without having to single anyone out.";
    WelcomePoint3 => "Houd samen een logboek bij. Jij kiest wie wat mag lezen.", "Keep a logbook together. You choose who may read what.";
    WelcomeInvited => "Heb je een uitnodiging gekregen? Open de link. Daarna log je in of maak je een account.", "Did you get an invitation? Open its link. Then log in or sign up.";
    Email => "E-mailadres", "E-mail address";
    Password => "Wachtwoord", "Password";
    PasswordHint => "Minstens 10 tekens. Een zin van een paar woorden is goed te onthouden.", "At least 10 characters. A phrase of a few words is easy to remember.";
    YourName => "Je naam", "Your name";
    WrongLogIn => "Dit e-mailadres of wachtwoord klopt niet.", "This e-mail address or password is not right.";
    NoAccountYet => "Nog geen account?", "No account yet?";
    HaveAccount => "Heb je al een account?", "Already have an account?";
    LoggedInAs => "Je bent ingelogd als {0}.", "You are logged in as {0}.";

    // ---- my circles, new circle, organisations ----
    NoCirclesYet => "Je hoort nog bij geen enkele kring. Start een kring, of open de uitnodiging die je kreeg.", "You are not in any circle yet. Start a circle, or open the invitation you were sent.";
    CircleAround => "Kring rond {0}", "Circle around {0}";
    YourPlace => "Jouw plek", "Your place";
    Coordinator => "coördinator", "coordinator";
    FocusPerson => "voor wie de kring is", "the person the circle is for";
    StartCircle => "Start een kring", "Start a circle";
    StartCircleText => "Je start een kring rond iemand die zorg nodig heeft. Jij wordt de eerste coördinator. Daarna nodig je anderen uit.", "You start a circle around someone who needs care. You become its first coordinator. Then you invite others.";
    FocusName => "Voor wie is de kring?", "Who is the circle for?";
    FocusNameHint => "Een naam die iedereen in de kring kent, bijvoorbeeld ‘Mam’ of ‘Opa Jan’.", "A name everyone in the circle knows, such as ‘Mum’ or ‘Grandpa John’.";
    ForMyself => "De kring is voor mijzelf", "The circle is for myself";
    TimeZone => "Tijdzone", "Time zone";
    JoinWithInvitation => "Meedoen met een uitnodiging", "Join with an invitation";
    ForOrganisations => "Voor zorg- en welzijnsorganisaties", "For care and welfare organisations";
    ForOrganisationsText => "Werk je bij een organisatie die kringen steunt? Meld je organisatie aan. Kringen kunnen je daarna toestemming geven om mee te kijken.", "Do you work for an organisation that supports circles? Register your organisation. Circles can then give you consent to look along.";
    OrganisationName => "Naam van de organisatie", "Name of the organisation";
    RegisterOrganisation => "Organisatie aanmelden", "Register organisation";

    // ---- links in mails, mail preferences ----
    MailSettings => "E-mail", "E-mail";
    LinkGoneTitle => "Deze link werkt niet meer", "This link no longer works";
    LinkUnknown => "Deze link bestaat niet (meer). Misschien is hij niet helemaal goed overgenomen.", "This link does not exist (any more). Perhaps it was not copied in full.";
    LinkUsedText => "Deze link is al gebruikt. Wat hij deed, is gedaan.", "This link was used already. What it did is done.";
    LinkExpiredText => "Deze link is te oud. Kijk in de kring wat er nu nodig is.", "This link is too old. Look in the circle for what is needed now.";
    LinkTakenText => "Iemand anders zei al ja. Dank je wel dat je wilde helpen!", "Someone else already said yes. Thank you for wanting to help!";
    LinkSwapSettledText => "Deze ruil is al geregeld. Dank je wel!", "This swap is settled already. Thank you!";
    LinkOpenCircle => "Open de kring", "Open the circle";
    LinkHelp => "hulp", "help";
    LinkClaimQuestion => "Wil jij helpen met {0} op {1}?", "Take the request for {0} on {1}?";
    LinkClaimButton => "Ja, ik doe het", "Yes, I'll do it";
    LinkClaimDone => "Dank je wel! Jij helpt met {0} op {1}. De anderen zien dat het geregeld is.", "Thank you! You help with {0} on {1}. The others see that it is arranged.";
    LinkAcceptQuestion => "Neem je de dienst van {0} over?", "Accept the swap of {0}?";
    LinkAcceptButton => "Ja, ik neem de dienst over", "Yes, I'll take the shift";
    LinkAcceptDone => "Dank je wel! De dienst van {0} is nu van jou.", "Thank you! The shift of {0} is yours now.";
    LinkDeclineQuestion => "Zeg je nee tegen de ruil van {0}?", "Decline the swap of {0}?";
    LinkDeclineButton => "Nee, ik kan niet", "No, I can't";
    LinkDeclineDone => "Goed dat je het laat weten. De dienst van {0} blijft bij wie hem had.", "Thanks for letting us know. The shift of {0} stays with who had it.";
    LinkUnsubscribeQuestion => "Geen e-mails meer over {0} uit deze kring?", "Stop mails about {0} from this circle?";
    LinkUnsubscribeButton => "Stop deze e-mails", "Stop these mails";
    LinkUnsubscribeDone => "Je krijgt geen e-mails meer over {0} uit deze kring.", "You will no longer get mails about {0} from this circle.";
    LinkOther => "Open Kring om verder te gaan.", "Open Kring to go on.";
    LinkNothingYet => "Er gebeurt pas iets als je op de knop drukt.", "Nothing happens until you press the button.";
    MailPrefsLink => "Wat je per e-mail krijgt", "What you receive by mail";
    // ---- deleting one's account ----
    DeleteAccountLink => "Mijn account verwijderen", "Delete my account";
    DeleteAccountTitle => "Mijn account verwijderen", "Delete my account";
    DeleteAccountIntro => "Als je je account verwijdert, gebeurt dit meteen:", "If you delete your account, this happens at once:";
    DeleteAccountCircles => "Je verlaat al je kringen en organisaties. Wat je deed, blijft in hun geschiedenis staan als ‘een oud-lid’, zonder je naam.", "You leave all your circles and organisations. What you did stays in their history as “a former member”, without your name.";
    DeleteAccountOpen => "Uitnodigingen die je stuurde, werken niet meer. Diensten en hulpvragen die je op je had genomen, staan weer open voor anderen.", "Invitations you sent no longer work. Shifts and requests you had taken on are open to others again.";
    DeleteAccountData => "Niemand kan je naam, je e-mailadres en wat je schreef nog lezen. Je agenda-links, je e-mails en je instellingen worden gewist.", "Nobody can read your name, your e-mail address or what you wrote any more. Your calendar links, your mails and your settings are deleted.";
    DeleteAccountAddress => "Je kunt daarna met hetzelfde e-mailadres een nieuw account maken. Dat begint dan leeg.", "Afterwards you can make a new account with the same e-mail address. It starts empty.";
    DeleteAccountNoUndo => "Dit kun je niet ongedaan maken.", "This cannot be undone.";
    DeleteAccountPassword => "Je wachtwoord, om te bevestigen", "Your password, to confirm";
    DeleteAccountButton => "Verwijder mijn account", "Delete my account";
    AccountDeleted => "Je account is verwijderd en je bent uitgelogd.", "Your account is deleted and you are logged out.";
    TopicRequestOpen => "hulpvragen", "requests";
    TopicMyRequests => "hulpvragen die jij aannam", "requests you took";
    TopicSwaps => "je diensten: ruilen, en data die niet doorgaan", "your shifts: swaps, and dates cancelled";
    TopicReminders => "herinneringen", "reminders";
    TopicCoordination => "coördinatie", "coordination";
    TopicLooks => "wie meekeek", "who looked";
    TopicThresholds => "kringen die over een grens van je organisatie gaan", "circles crossing your organisation's thresholds";
    TopicMarketplace => "de marktplaats: hulpvragen die bij je passen, en aanbiedingen van vrijwilligers", "the marketplace: requests that fit you, and volunteers offering help";
    TopicCircleLife => "de kring pauzeert, gaat verder of wordt afgesloten", "the circle pauses, resumes or ends";
    DownloadMyData => "Download al je gegevens (een JSON-bestand)", "Download all your data (a JSON file)";
    DownloadCircleData => "Download alle gegevens van de kring (een JSON-bestand)", "Download all of the circle's data (a JSON file)";
    LifePaused => "gepauzeerd", "paused";
    LifeEnded => "afgesloten", "ended";
    HowOften => "Hoe vaak hij terugkomt", "How often it comes back";
    EveryOneWeek => "elke week", "every week";
    EveryOtherWeek => "om de week", "every other week";
    EveryThreeWeeks => "elke drie weken", "every three weeks";
    EveryFourWeeks => "elke vier weken", "every four weeks";
    ChangeOffer => "Verander je aanbod", "Change your offer";
    ChangeOfferButton => "Bewaar je aanbod", "Save your offer";
    OfferChanged => "Je aanbod is veranderd.", "Your offer is changed.";
    HandOver => "Vraag om de coördinatie over te nemen", "Ask to take over coordinating";
    CoordinationAskedDone => "Gevraagd. Zodra het lid ja zegt coördineert het de kring, en blijf jij lid.", "Asked. Once they say yes they coordinate the circle, and you stay a member.";
    CoordinationHeading => "De coördinatie overnemen", "Taking over coordination";
    CoordinationAsked => "{0} vraagt of jij de coördinatie van de kring wilt overnemen. Zeg je ja, dan word jij coördinator en blijft {0} lid.", "{0} asks whether you will take over coordinating the circle. If you say yes, you become coordinator and {0} stays a member.";
    CoordinationAccept => "Ja, ik neem het over", "Yes, I take it over";
    CoordinationDecline => "Nee, liever niet", "No, rather not";
    CoordinationWaiting => "{0} is gevraagd de coördinatie over te nemen en heeft nog niet geantwoord.", "{0} was asked to take over coordinating and has not answered yet.";
    CoordinationTaken => "Je coördineert nu de kring.", "You now coordinate the circle.";
    CoordinationDeclined => "Je hebt nee gezegd; er verandert niets.", "You said no; nothing changes.";
    PausedSince => "De kring is gepauzeerd sinds {0}", "The circle is paused since {0}";
    PausedMeaning => "Tot de kring weer verder gaat zijn er geen diensten en kun je er geen nemen. Het logboek en de hulpvragen blijven open.", "Until the circle resumes there are no shifts and none can be taken. The logbook and requests stay open.";
    ResumeCircle => "Laat de kring weer verder gaan", "Resume the circle";
    EndedOn => "De kring is afgesloten op {0}", "The circle ended on {0}";
    EndedMeaning => "Je kunt alles nog lezen, maar niets meer veranderen. Het rooster en de agenda-koppelingen zijn leeg.", "You can still read everything, but nothing can be changed. The rota and calendar feeds are empty.";
    Keepsake => "Aandenken: het logboek en de bedankjes om te bewaren of af te drukken", "Keepsake: the logbook and the thanks, to keep or print";
    CircleLifeHeading => "De kring pauzeren of afsluiten", "Pause or end the circle";
    PauseHint => "Bijvoorbeeld tijdens een ziekenhuisopname: er zijn dan geen diensten, tot je de kring weer verder laat gaan. Iedereen krijgt bericht.", "For instance during a hospital stay: there are no shifts until you resume the circle. Everyone is told.";
    MessageForMembers => "Bericht voor de leden (mag leeg)", "Message for the members (may be empty)";
    PauseCircle => "Pauzeer de kring", "Pause the circle";
    EndHint => "Als de zorg voorbij is. Wat nog open staat sluit, organisaties kijken niet meer mee, en de kring wordt alleen nog leesbaar. Dit kun je niet ongedaan maken.", "When care is over. What is still open closes, organisations stop looking along, and the circle can only be read. This cannot be undone.";
    EndReasonLabel => "Waarom", "Why";
    ClosingMessage => "Slotwoord voor de leden (mag leeg)", "Closing words for the members (may be empty)";
    EndSure => "Ik weet het zeker: sluit de kring af", "I am sure: end the circle";
    EndCircle => "Sluit de kring af", "End the circle";
    EndRecovered => "Hersteld", "Recovered";
    EndCareHome => "Verhuisd naar een verpleeghuis", "Moved to a care home";
    EndDied => "Overleden", "Passed away";
    EndOther => "Om een andere reden", "For another reason";
    CirclePausedDone => "De kring is gepauzeerd. Iedereen krijgt bericht.", "The circle is paused. Everyone is told.";
    CircleResumedDone => "De kring gaat weer verder.", "The circle has resumed.";
    EndNotSure => "De kring is niet afgesloten: kies waarom en vink aan dat je het zeker weet.", "The circle was not ended: choose why and tick that you are sure.";
    CircleEndedDone => "De kring is afgesloten. Dank voor alle zorg.", "The circle has ended. Thank you for all the care.";
    KeepsakeTitle => "Aandenken aan de kring van {0}", "Keepsake of {0}'s circle";
    ClosingWords => "Slotwoord", "Closing words";
    KeepsakeCounts => "{0} berichten in het logboek, {1} keer bedankt.", "{0} logbook entries, thanked {1} times.";
    Print => "Afdrukken", "Print";
    PrintWeek => "Druk deze week af (voor op de koelkast)", "Print this week (for the fridge)";
    ChangeTiming => "Tijd of duur veranderen", "Change the time or length";
    ChangeRequest => "Hulpvraag veranderen", "Change this request";
    ChangeRequestButton => "Bewaar de verandering", "Save the change";
    RequestChanged => "De hulpvraag is veranderd. Wie hem aannam, krijgt bericht.", "The request has changed. Whoever took it is told.";
    ChangeTime => "Begint om", "Starts at";
    ChangeMinutes => "Duurt (minuten)", "Lasts (minutes)";
    ChangeThisDate => "Alleen deze datum", "This date only";
    ChangeFromThisDate => "Deze en alle latere datums", "This and every later date";
    TimingChanged => "De dienst is veranderd. Wie erop staat, krijgt bericht.", "The shift has changed. Whoever is on it is told.";
    FocusHello => "Hallo {0}", "Hello {0}";
    FocusComing => "Vandaag en de komende dagen", "Today and the coming days";
    FocusNothingComing => "De komende dagen staat er niets op het rooster.", "Nothing is on the rota for the coming days.";
    FocusWhoComes => "komt: {0}", "coming: {0}";
    FocusNobodyYet => "nog niemand", "nobody yet";
    FocusAsk => "Iets vragen", "Ask for something";
    FocusOffer => "Iets aanbieden", "Offer something";
    FocusThanks => "Bedanken", "Say thank you";
    FocusThanksText => "Wie er de afgelopen dagen was:", "Who came in the last few days:";
    FocusNoOneToThank => "De afgelopen dagen was er niemand op het rooster.", "Nobody was on the rota in the last few days.";
    FocusWholeCircle => "Alles van de kring zien", "See everything in the circle";
    FocusSimpleView => "Terug naar het eenvoudige overzicht", "Back to the simple view";
    InviteFocusHeading => "{0} zelf laten meedoen", "Let {0} join in themself";
    InviteFocusText => "{0} krijgt een eigen account en neemt de eigen plek in de kring in: als degene om wie de kring draait, niet als nieuw lid. Je krijgt een link die één keer werkt; geef die aan {0}.", "{0} gets an account of their own and takes their own place: as the person the circle is for, not as a new member. You get a link that works once; give it to {0}.";
    InviteFocusButton => "Maak de link", "Make the link";
    SetUpByYou => "Je zette deze kring op met de familie. Nodig de eerste coördinator uit de familie uit: zodra die meedoet, is de kring van de familie en ga jij eruit. Je organisatie ziet daarna alleen wat de familie toestaat.", "You set this circle up with the family. Invite the family's first coordinator: once they join, the circle is the family's and you leave it. Your organisation then sees only what the family allows.";
    SetUpByOrganisation => "Een consulent zette deze kring op met de familie. Zodra de eerste coördinator uit de familie meedoet, gaat de consulent eruit.", "An intermediary set this circle up with the family. Once the family's first coordinator joins, the intermediary leaves it.";
    TemplateLabel => "Beginnen met een plan (mag leeg blijven)", "Start from a plan (optional)";
    TemplateHint => "Een plan zet voorgestelde vaste diensten, de eerste hulpvragen en een welkomstbericht klaar. Alles blijft aan te passen.", "A plan fills in suggested weekly shifts, the first requests and a welcome entry. Everything stays changeable.";
    TemplateNone => "Zonder plan", "No plan";
    TemplateHomeAfterHospital => "Thuis na het ziekenhuis (zes weken)", "Home after hospital (six weeks)";
    TemplateDementiaAtHome => "Dementie, thuis", "Dementia at home";
    TemplateRecoveryAfterSurgery => "Herstel na een operatie (vier weken)", "Recovery after surgery (four weeks)";
    TemplateLastPhase => "De laatste levensfase", "The last phase of life";
    KitchenTable => "Een kring opzetten met een familie", "Set up a circle with a family";
    KitchenTableText => "Aan de keukentafel: jij zet de kring op en nodigt de eerste coördinator uit de familie uit. Zodra die meedoet, is de kring van de familie en ga jij eruit. Je organisatie ziet daarna alleen wat de familie toestaat.", "At the kitchen table: you set the circle up and invite the family's first coordinator. Once they join, the circle is the family's and you leave it. Your organisation then sees only what the family allows.";
    DeliveryOff => "uit", "off";
    DeliveryNow => "meteen", "at once";
    DeliveryDaily => "elke dag samen", "daily summary";
    DeliveryWeekly => "elke week samen", "weekly summary";
    DeliveryAsAbove => "zoals hierboven", "as above";
    MailPrefsTitle => "Wat je per e-mail krijgt", "What you receive by mail";
    MailPrefsLead => "Kies waarover je e-mail krijgt, en wanneer. Een e-mail noemt nooit wat er in het logboek of in een hulpvraag staat.", "Choose what you receive mail about, and when. A mail never says what is in the logbook or in a request.";
    MailLanguage => "Taal van de e-mails", "Language of the mails";
    MailQuietHours => "Rustige uren: geen e-mail", "Quiet hours: no mail";
    MailQuietFrom => "Van", "From";
    MailQuietUntil => "Tot", "Until";
    MailQuietHint => "Laat allebei leeg voor geen rustige uren.", "Leave both empty for no quiet hours.";
    MailReminders => "Herinneringen", "Reminders";
    MailEveningBefore => "De avond ervoor (19:00)", "The evening before (19:00)";
    MailHoursBefore => "Aantal uur van tevoren (0 = geen)", "Hours before (0 = none)";
    MailTopics => "Waarover", "What about";
    MailTopic => "Onderwerp", "Topic";
    MailPerCircle => "Per kring anders", "Otherwise per circle";
    MailCircle => "Kring", "Circle";
    MailSave => "Opslaan", "Save";

    // ---- circle home ----
    WhatsNext => "Wat komt er voor jou", "What's next for you";
    NothingPlannedForYou => "Er staat de komende twee weken niets voor je gepland.", "Nothing is planned for you in the next two weeks.";
    OpenRequests => "Open hulpvragen", "Open requests";
    NoOpenRequests => "Er zijn nu geen open hulpvragen.", "There are no open requests now.";
    AllRequests => "Alle hulpvragen", "All requests";
    RotaGaps => "Gaten in het rooster", "Gaps in the rota";
    NoRotaGaps => "Geen gaten in de komende {0} dagen.", "No gaps in the next {0} days.";
    PlaceOpen => "nog {0} plek vrij", "{0} place open";
    PlacesOpen => "nog {0} plekken vrij", "{0} places open";
    WholeRota => "Het hele rooster", "The whole rota";
    RecentLogbook => "Laatste berichten in het logboek", "Latest in the logbook";
    NoEntries => "Er staat nog niets in het logboek.", "The logbook is still empty.";
    WholeLogbook => "Het hele logboek", "The whole logbook";
    OlderEntries => "Oudere berichten", "Older entries";
    NewestEntries => "Naar de nieuwste berichten", "To the newest entries";
    OlderLooks => "Eerdere keren", "Earlier looks";
    FinishedRequests => "Afgeronde hulpvragen", "Finished requests";
    NoFinishedRequests => "Er zijn nog geen afgeronde hulpvragen.", "There are no finished requests yet.";
    OlderRequests => "Eerdere hulpvragen", "Earlier requests";
    WhoIsInIt => "Wie doen er mee", "Who is in it";
    OnlyWarmHint => "Alleen de warme kring draagt nu de zorg. Nodig ook buren, kennissen of de sportclub uit: zij willen vaak best helpen.", "Only the warm ring carries the care now. Invite neighbours, acquaintances or the sports club too: they often want to help.";
    MembersAndOffers => "Leden en hun aanbod", "Members and their offers";

    // ---- rota ----
    WeekOf => "{0} tot en met {1}", "{0} to {1}";
    OtherWeeks => "Andere weken", "Other weeks";
    PreviousWeek => "Vorige week", "Previous week";
    ThisWeek => "Deze week", "This week";
    NextWeek => "Volgende week", "Next week";
    NothingPlanned => "Niets gepland.", "Nothing planned.";
    SwapsWaiting => "Ruilverzoeken", "Swap requests";
    SwapFromTo => "{0} vraagt {1} om het over te nemen", "{0} asks {1} to take over";
    AcceptSwap => "Overnemen", "Take over";
    DeclineSwap => "Liever niet", "Decline";
    Covered => "bezet", "covered";
    HelpersNeeded => "{0} nodig", "{0} needed";
    OpenTo => "Voor", "Open to";
    OnIt => "Wie komt", "Who comes";
    Nobody => "nog niemand", "nobody yet";
    Claim => "Ik doe het", "I'll do it";
    Release => "Toch niet", "Step down";
    ReleaseReason => "Waarom niet? (voor de coördinatoren)", "Why not? (for the coordinators)";
    AskSwap => "Vraag iemand om te ruilen", "Ask someone to swap";
    SwapWith => "Wie vraag je?", "Whom do you ask?";
    SendSwap => "Vraag het", "Ask";
    SkipDate => "Deze keer niet", "Skip this date";
    ThankPerson => "Bedank {0}", "Thank {0}";
    ScheduleShift => "Dienst plannen", "Schedule a shift";
    ShiftTitle => "Wat is het?", "What is it?";
    ShiftTitleHint => "Bijvoorbeeld ‘Avondeten met mam’.", "For example ‘Evening meal with Mum’.";
    Date => "Datum", "Date";
    StartTime => "Begintijd", "Start time";
    DurationMinutes => "Hoe lang (minuten)", "How long (minutes)";
    DurationHint => "Tot 3 dagen: een weekend van vrijdag 18:00 tot zondag 18:00 is 2880 minuten.", "Up to 3 days: a weekend from Friday 18:00 to Sunday 18:00 is 2880 minutes.";
    HelpersHint => "0: een bezoek van professionals (thuiszorg, huisarts). Het staat ter informatie op het rooster; niemand neemt het.", "0: a visit by professionals (home care, the GP). It is on the rota for everyone to know; nobody takes it.";
    ProfessionalsVisit => "professionals: ter informatie", "professionals: for everyone to know";
    EndSeries => "Stop deze wekelijkse dienst vanaf deze datum", "End this weekly shift from this date";
    SeriesEnded => "De wekelijkse dienst stopt vanaf die datum. Wie erop stond krijgt bericht.", "The weekly shift ends from that date. Whoever was on it is told.";
    HelpersNeededLabel => "Hoeveel mensen nodig", "How many people needed";
    WhoMayTakeIt => "Wie mag het doen?", "Who may take it?";
    RingWarm => "Warme kring (familie en goede vrienden)", "Warm ring (family and close friends)";
    RingLukewarm => "Lauwe kring (buren, kennissen)", "Lukewarm ring (neighbours, acquaintances)";
    EveryWeek => "Komt terug op dezelfde dag en tijd", "Comes back on the same day and time";
    WeeklyUntil => "Elke week tot en met (mag leeg)", "Every week until (may be empty)";
    WeeklyUntilHint => "Leeg: zonder einddatum.", "Empty: no end date.";
    ShiftScheduled => "De dienst staat in het rooster.", "The shift is on the rota.";
    Claimed => "Genoteerd: jij doet het. Dank je!", "Noted: you'll do it. Thank you!";
    Released => "Je staat er niet meer op. De coördinatoren zien waarom.", "You are off it. The coordinators see why.";
    Skipped => "Deze keer gaat niet door.", "This date is skipped.";
    SwapAsked => "Je ruilverzoek is verstuurd.", "Your swap request was sent.";
    SwapAccepted => "Je neemt het over. Dank je!", "You are taking over. Thank you!";
    SwapDeclined => "Je zei nee tegen de ruil.", "You declined the swap.";
    Thanked => "Je bedankje is verstuurd.", "Your thanks were sent.";

    // ---- requests ----
    When => "Wanneer", "When";
    HowLong => "Hoe lang", "How long";
    AskedBy => "Gevraagd door", "Asked by";
    OnBehalfOf => "(voor {0})", "(for {0})";
    TakenBy => "Wie helpt", "Who helps";
    Place => "Adres", "Address";
    SuggestedToAsk => "Misschien kunnen deze mensen helpen", "These people might help";
    Take => "Ik help", "I'll help";
    Confirm => "Bevestig de helper", "Confirm the helper";
    MarkDone => "Gedaan", "Done";
    NoShow => "Niet gekomen", "Did not come";
    CancelRequest => "Intrekken", "Call off";
    WidenTo => "Ook vragen aan", "Also ask";
    Widen => "Vraag breder", "Widen";
    SayThanksTo => "Wil je {0} bedanken?", "Would you like to thank {0}?";
    TheHelper => "de helper", "the helper";
    ThanksNote => "Een paar woorden (mag leeg)", "A few words (may be empty)";
    SayThanks => "Bedank", "Say thank you";
    NotNow => "Nu niet", "Not now";
    AskForHelp => "Vraag om hulp", "Ask for help";
    AskForHelpText => "Je vraag gaat eerst naar de warme kring. Een coördinator kan hem daarna breder uitzetten.", "Your request goes to the warm ring first. A coordinator can widen it later.";
    WhatKindOfHelp => "Wat voor hulp?", "What kind of help?";
    CategoryHint => "Persoonlijke verzorging (wassen, aankleden, medicijnen) is voor familie en professionals, niet voor buren of vrijwilligers.", "Personal care (washing, dressing, medication) is for family and professionals, not for neighbours or volunteers.";
    WhatIsNeeded => "Wat is er nodig?", "What is needed?";
    FromDate => "Vanaf (datum)", "From (date)";
    FromTime => "Vanaf (tijd)", "From (time)";
    UntilDate => "Uiterlijk (datum)", "At the latest (date)";
    UntilTime => "Uiterlijk (tijd)", "At the latest (time)";
    PlaceOptional => "Adres (mag leeg)", "Address (may be empty)";
    PlaceHint => "Alleen wie helpt en de coördinatoren zien het adres.", "Only whoever helps and the coordinators see the address.";
    AskOnBehalf => "Ik vraag het voor {0}", "I ask on behalf of {0}";
    GroupPractical => "Praktisch", "Practical";
    GroupCompany => "Gezelschap", "Company";
    GroupPersonal => "Persoonlijke zaken (alleen warme kring)", "Personal matters (warm ring only)";
    GroupCare => "Persoonlijke verzorging (alleen familie)", "Personal care (family only)";
    RequestAsked => "Je hulpvraag staat uit.", "Your request is out.";
    Taken => "Genoteerd: jij helpt. Dank je!", "Noted: you'll help. Thank you!";
    Confirmed => "De helper is bevestigd.", "The helper is confirmed.";
    MarkedDone => "Genoteerd als gedaan.", "Marked as done.";
    Cancelled => "De hulpvraag is ingetrokken.", "The request was called off.";
    NoShowNoted => "Genoteerd: de helper kwam niet.", "Noted: the helper did not come.";
    Widened => "De hulpvraag gaat nu naar meer mensen.", "The request now goes to more people.";

    // ---- calendar feeds ----
    CalendarTitle => "Diensten in je agenda", "Shifts in your calendar";
    CalendarIntro => "Zet de diensten in de agenda van je telefoon of computer. Je krijgt een herinnering twee uur van tevoren, en de avond ervoor om 19.00 uur.", "Put the shifts in the calendar on your phone or computer. You get a reminder two hours before, and at 7 pm the evening before.";
    CalendarLinkReady => "Je agenda-koppeling is klaar", "Your calendar link is ready";
    CalendarLinkLabel => "Adres voor je agenda-app", "Address for your calendar app";
    CalendarLinkOnce => "Je ziet dit adres maar één keer. Wie het heeft, kan de diensten zien. Geef het aan niemand anders.", "You see this address only once. Whoever has it can see the shifts. Give it to nobody else.";
    MakeCalendarLink => "Nieuwe agenda-koppeling", "New calendar link";
    CalendarWhichShifts => "Welke diensten?", "Which shifts?";
    CalendarScopeMine => "Alleen mijn diensten", "Only my shifts";
    CalendarScopeCircle => "Alle diensten van de kring", "All shifts of the circle";
    MakeCalendarLinkButton => "Maak een agenda-koppeling", "Make a calendar link";
    CalendarNoRota => "Je kunt het rooster niet zien. Daarom kun je geen agenda-koppeling maken.", "You cannot see the rota. So you cannot make a calendar link.";
    YourCalendarLinks => "Jouw agenda-koppelingen", "Your calendar links";
    NoCalendarLinks => "Je hebt nog geen agenda-koppelingen voor deze kring.", "You have no calendar links for this circle yet.";
    RevokeCalendarLink => "Intrekken", "Revoke";
    CalendarLinkMade => "gemaakt {0}", "made {0}";
    CalendarLinkRevoked => "De agenda-koppeling werkt niet meer.", "The calendar link no longer works.";

    // ---- logbook ----
    WriteEntry => "Schrijf in het logboek", "Write in the logbook";
    HowIsItGoing => "Hoe gaat het?", "How is it going?";
    WhoMayRead => "Wie mag dit lezen?", "Who may read this?";
    WriteEntryButton => "Plaats bericht", "Post entry";
    Entries => "Berichten", "Entries";
    Withdrawn => "Je hebt dit bericht ingetrokken. Alleen jij ziet het nog.", "You withdrew this entry. Only you still see it.";
    TextGone => "Deze tekst is niet meer te lezen.", "This text can no longer be read.";
    ThankedOnce => "{0} keer bedankt", "thanked {0} time";
    ThanksCount => "{0} keer bedankt", "thanked {0} times";
    Withdraw => "Intrekken", "Withdraw";
    EntryWritten => "Je bericht staat in het logboek.", "Your entry is in the logbook.";
    EntryWithdrawn => "Je bericht is ingetrokken.", "Your entry was withdrawn.";

    // ---- members, offers, invitations ----
    VolunteerForTask => "Vrijwilliger voor één taak", "Volunteer for one task";
    MoveToRing => "Naar {0}", "Move to {0}";
    MakeCoordinator => "Maak coördinator", "Make coordinator";
    StopCoordinator => "Stop als coördinator", "Step down as coordinator";
    RemoveMember => "Uit de kring halen", "Remove from the circle";
    LeaveCircle => "De kring verlaten", "Leave the circle";
    LeaveCircleText => "Je ziet daarna niets meer van deze kring.", "After this you see nothing of this circle any more.";
    LeaveCircleButton => "Ja, ik verlaat de kring", "Yes, I leave the circle";
    Offers => "Aanbod", "Offers";
    OffersText => "Wat mensen willen doen, en hoeveel tijd ze hebben.", "What people are willing to do, and how much time they have.";
    NoOffers => "Nog geen aanbod.", "No offers yet.";
    WillDo => "Wil doen", "Will do";
    WontDo => "Liever niet", "Rather not";
    WithdrawOffer => "Aanbod intrekken", "Withdraw offer";
    HourPerWeek => "{0} uur per week", "{0} hour a week";
    HoursPerWeek => "{0} uur per week", "{0} hours a week";
    TaskPerMonth => "{0} taak per maand", "{0} task a month";
    TasksPerMonth => "{0} taken per maand", "{0} tasks a month";
    MakeOffer => "Bied hulp aan", "Offer help";
    HowMuch => "Hoeveel tijd heb je?", "How much time do you have?";
    HoursPerWeekLabel => "Uren per week", "Hours a week";
    TasksPerMonthLabel => "Taken per maand", "Tasks a month";
    Amount => "Aantal", "Number";
    NoteOptional => "Toelichting (mag leeg)", "Note (may be empty)";
    OfferNoteHint => "Bijvoorbeeld ‘Ik kan op dinsdag rijden’.", "For example ‘I can drive on Tuesdays’.";
    MakeOfferButton => "Aanbod plaatsen", "Make offer";
    OfferMade => "Je aanbod staat erin. Dank je!", "Your offer is in. Thank you!";
    OfferWithdrawn => "Je aanbod is ingetrokken.", "Your offer was withdrawn.";
    Invite => "Iemand uitnodigen", "Invite someone";
    InviteText => "Je krijgt een link die één keer werkt. Stuur hem zelf door, bijvoorbeeld via de app of mail.", "You get a link that works once. Send it yourself, for example by message or e-mail.";
    Ring => "In welke kring?", "Which ring?";
    InviteAsCoordinator => "Ook als coördinator (alleen warme kring)", "As a coordinator too (warm ring only)";
    InviteTask => "Voor welke taak? (alleen koude kring)", "For which task? (cold ring only)";
    InviteTaskHint => "Een vrijwilliger ziet alleen de taak waarvoor hij of zij komt.", "A volunteer sees only the task they come for.";
    NoTask => "Geen taak", "No task";
    ValidForDays => "Hoeveel dagen geldig (1 tot 30)", "Valid for how many days (1 to 30)";
    MakeInvitation => "Maak de uitnodiging", "Make the invitation";
    InvitationReady => "De uitnodiging is klaar", "The invitation is ready";
    InvitationLinkLabel => "Link om door te sturen", "Link to send on";
    CopyLink => "Kopieer de link", "Copy the link";
    InvitationOnce => "Je ziet deze link maar één keer. Hij werkt voor één persoon.", "You see this link only once. It works for one person.";
    ValidUntil => "Geldig tot {0}.", "Valid until {0}.";
    ValidUntilShort => "geldig tot", "valid until";
    MadeBy => "gemaakt door", "made by";
    OpenInvitations => "Uitnodigingen die nog open staan", "Invitations still open";
    Revoke => "Intrekken", "Revoke";
    InvitationRevoked => "De uitnodiging werkt niet meer.", "The invitation no longer works.";
    RingChanged => "De kring van dit lid is aangepast.", "This member's ring was changed.";
    MemberRemoved => "Het lid is uit de kring.", "The member is out of the circle.";

    // ---- join ----
    JoinTitle => "Meedoen met een kring", "Join a circle";
    JoinText => "Je bent uitgenodigd voor een kring. Klik op de knop om mee te doen.", "You were invited to a circle. Press the button to join.";
    JoinSignedOut => "Je bent uitgenodigd voor een kring. Log eerst in, of maak een account. Daarna kom je hier terug.", "You were invited to a circle. Log in first, or sign up. Then you come back here.";
    InvitationCode => "Code van de uitnodiging", "Invitation code";
    InvitationCodeHint => "Staat al ingevuld als je de link opende. Anders: plak hier het deel van de link na het #-teken.", "Already filled in if you opened the link. Otherwise paste the part of the link after the # sign here.";
    JoinButton => "Doe mee", "Join";
    Joined => "Welkom in de kring!", "Welcome to the circle!";
    InvitationUnknown => "Deze uitnodiging werkt niet (meer). Vraag om een nieuwe.", "This invitation does not work (any more). Ask for a new one.";

    // ---- figures ----
    FiguresPrivate => "Alleen jij en de coördinatoren zien deze cijfers. Het is geen score: het laat zien of het werk eerlijk verdeeld is.", "Only you and the coordinators see these figures. They are not a score: they show whether the work is shared fairly.";
    Load => "Draaglast", "Load";
    LoadCaption => "Uren per lid in deze week", "Hours per member in this week";
    ReciprocityCaption => "Geven en krijgen per lid", "Giving and receiving per member";
    LooksCaption => "Elke keer dat iemand van een organisatie keek", "Every time someone of an organisation looked";
    NothingCommitted => "Niemand heeft deze week iets op zich genomen.", "Nobody has taken anything on this week.";
    Member => "Lid", "Member";
    HoursCommitted => "Uren toegezegd", "Hours committed";
    HoursOffered => "Uren aangeboden", "Hours offered";
    State => "Hoe gaat het", "How it is";
    OverCapacity => "Meer dan aangeboden", "More than offered";
    WithinCapacity => "Goed", "Fine";
    Reciprocity => "Geven en krijgen", "Giving and receiving";
    ReciprocityText => "Ook wie weinig kan geven, krijgt hulp. Een bedankje telt ook.", "Whoever can give little still gets help. A thank-you counts too.";
    Given => "Gegeven", "Given";
    Received => "Gekregen", "Received";
    ThanksReceived => "Bedankjes gekregen", "Thanks received";
    ThanksGiven => "Bedankjes gegeven", "Thanks given";
    Signals => "Hoe gaat het met de kring", "How the circle is doing";
    SignalOpenPlaces => "Open plekken in het rooster, komende 7 dagen: {0}", "Open places on the rota, next 7 days: {0}";
    SignalUnanswered => "Hulpvragen al 48 uur zonder antwoord: {0}", "Requests unanswered for 48 hours: {0}";
    SignalOverCapacity => "Leden die meer doen dan ze aanboden: {0}", "Members doing more than they offered: {0}";
    SignalPrimaryCarer => "Eén persoon draagt al weken het meeste werk.", "One person has carried most of the work for weeks.";
    SignalDaysSinceEntry => "Dagen sinds het laatste logboekbericht: {0}", "Days since the last logbook entry: {0}";
    SignalNoEntry => "Nog geen logboekbericht.", "No logbook entry yet.";
    SignalRings => "Leden: {0} warm, {1} lauw, {2} koud.", "Members: {0} warm, {1} lukewarm, {2} cold.";
    SignalOnlyWarm => "Alleen de warme kring: kwetsbaar.", "Only the warm ring: fragile.";
    SignalTrend => "Uren hulp deze week: {0} (vorige week: {1})", "Hours of help this week: {0} (last week: {1})";
    PrimaryCarerIs => "{0} draagt al drie weken het meeste werk. Kan iemand iets overnemen?", "{0} has carried most of the work for three weeks. Can someone take something over?";

    // ---- consent ----
    ConsentText => "Een zorg- of welzijnsorganisatie kan met jullie toestemming meekijken. Je kiest hoeveel. Elke keer dat iemand kijkt, zie je hier terug.", "A care or welfare organisation can look along with your consent. You choose how much. Every time someone looks, you see it here.";
    ConsentNotForYou => "De warme kring en de coördinatoren beslissen wat organisaties zien.", "The warm ring and the coordinators decide what organisations see.";
    Consents => "Organisaties met toestemming", "Organisations with consent";
    NoConsents => "Geen enkele organisatie kijkt mee.", "No organisation looks along.";
    ConsentActiveSince => "Kijkt mee sinds", "Looking along since";
    ConsentStartsAt => "Mag meekijken vanaf", "May look along from";
    RevokeConsent => "Toestemming intrekken", "Revoke consent";
    GrantConsent => "Toestemming geven", "Give consent";
    OrganisationCode => "Code van de organisatie", "Organisation code";
    OrganisationCodeHint => "De organisatie geeft je deze code.", "The organisation gives you this code.";
    OrganisationCodeWrong => "Deze code klopt niet. Vraag de organisatie om de juiste code.", "This code is not right. Ask the organisation for the right code.";
    HowMuchMaySee => "Wat mag de organisatie zien?", "What may the organisation see?";
    ConsentFrom => "Vanaf (mag leeg)", "From (may be empty)";
    ConsentFromHint => "Leeg: vanaf nu.", "Empty: from now on.";
    GrantConsentButton => "Geef toestemming", "Give consent";
    ConsentGiven => "De organisatie mag nu meekijken.", "The organisation may now look along.";
    ConsentRevoked => "De organisatie kijkt niet meer mee.", "The organisation no longer looks along.";
    WhoLooked => "Wie keek er mee", "Who looked at our circle";
    NobodyLooked => "Nog niemand heeft gekeken.", "Nobody has looked yet.";
    Who => "Wie", "Who";
    Organisation => "Organisatie", "Organisation";
    Scope => "Toestemming", "Consent";
    WhatTheySaw => "Wat", "What";

    // ---- organisations ----
    DashboardText => "De kringen die jullie toestemming gaven. Elke keer dat je deze pagina opent, ziet de kring dat terug.", "The circles that gave you consent. Each time you open this page, the circle sees it.";
    ConsentedCircles => "Kringen", "Circles";
    NoConsentedCircles => "Nog geen kring heeft jullie toestemming gegeven.", "No circle has given you consent yet.";
    NeedsAttention => "aandacht nodig", "needs attention";
    GiveCirclesCode => "Geef deze code aan een kring die jullie wil laten meekijken.", "Give this code to a circle that wants you to look along.";
    CopyCode => "Kopieer de code", "Copy the code";
    Colleagues => "Collega's", "Colleagues";
    ColleagueEmail => "E-mailadres van een collega", "E-mail address of a colleague";
    AddColleague => "Collega uitnodigen", "Invite colleague";
    ColleagueAdded => "We hebben een uitnodiging gemaild. Je collega staat hier zodra die de uitnodiging aanneemt.", "We mailed an invitation. Your colleague shows here once they accept it.";
    ForgotPassword => "Wachtwoord vergeten?", "Forgot your password?";
    ForgotTitle => "Een nieuw wachtwoord", "A new password";
    ForgotText => "Vul je e-mailadres in. Heb je een account bij Kring? Dan sturen we je een mail met een link. Met die link kies je een nieuw wachtwoord.", "Enter your e-mail address. Do you have an account at Kring? Then we send you a mail with a link. With that link you choose a new password.";
    SendMeALink => "Stuur mij een link", "Send me a link";
    ResetSent => "Is er een account met dit e-mailadres? Dan hebben we een mail gestuurd. Kijk in je mailbox, en ook bij de ongewenste mail. De link werkt 30 minuten.", "Is there an account with this e-mail address? Then we sent a mail. Look in your mailbox, and in spam too. The link works for 30 minutes.";
    VerifyNotice => "We hebben je een mail gestuurd. Klik op de link in die mail om je e-mailadres te bevestigen. Pas daarna krijg je berichten van Kring.", "We sent you a mail. Press the link in that mail to confirm your e-mail address. Only then do you receive messages from Kring.";
    SendAgain => "Stuur de mail opnieuw", "Send the mail again";
    VerificationSent => "We hebben een nieuwe mail gestuurd.", "We sent a new mail.";
    LinkVerifyTitle => "Je e-mailadres bevestigen", "Confirm your e-mail address";
    LinkVerifyText => "Klik op de knop. Dan weet Kring dat dit jouw e-mailadres is.", "Press the button. Then Kring knows that this is your e-mail address.";
    LinkVerifyButton => "Ja, dit is mijn adres", "Yes, this is my address";
    LinkVerified => "Dank je wel. Je e-mailadres is bevestigd.", "Thank you. Your e-mail address is confirmed.";
    LinkResetTitle => "Kies een nieuw wachtwoord", "Choose a new password";
    NewPassword => "Nieuw wachtwoord", "New password";
    LinkResetButton => "Bewaar mijn nieuwe wachtwoord", "Save my new password";
    LinkResetDone => "Je wachtwoord is veranderd. Je bent overal uitgelogd. Log nu in met je nieuwe wachtwoord.", "Your password is changed. You are logged out everywhere. Log in now with your new password.";
    LinkColleagueTitle => "Uitnodiging van {0}", "Invitation from {0}";
    LinkColleagueText => "Je bent uitgenodigd om in Kring mee te kijken voor deze organisatie. Dat doe je met het account waarmee je dit e-mailadres bevestigde.", "You are invited to work in Kring for this organisation. You do so with the account with which you confirmed this e-mail address.";
    LinkColleagueButton => "Uitnodiging aannemen", "Accept the invitation";
    LinkColleagueDone => "Welkom. Je werkt nu in Kring voor deze organisatie.", "Welcome. You now work in Kring for this organisation.";
    LinkUsedOnceText => "Deze link is al gebruikt. Een link uit een mail werkt één keer.", "This link was used already. A link from a mail works once.";
    LinkTimeUpText => "Deze link werkt niet meer: de tijd is om.", "This link no longer works: its time is up.";
    LinkUnknownText => "Deze link kennen we niet. Kijk of je de hele link uit de mail hebt gebruikt.", "We do not know this link. Check that you used the whole link from the mail.";
    LinkAskNewReset => "Vraag een nieuwe link aan", "Ask for a new link";
    LinkAskNewVerify => "Log in. Op de startpagina kun je een nieuwe mail laten sturen.", "Log in. On the home page you can have a new mail sent.";
    LinkAskNewInvitation => "Vraag je collega om een nieuwe uitnodiging.", "Ask your colleague for a new invitation.";
    GoToKring => "Naar Kring", "Go to Kring";
    SignUpMailHint => "We sturen je een mail met een link. Daarmee bevestig je dat dit jouw adres is.", "We send you a mail with a link. With it you confirm that this is your address.";
    InviteEmail => "E-mailadres (mag leeg blijven)", "E-mail address (may stay empty)";
    InviteEmailHint => "Vul je een adres in? Dan mailt Kring de link. Je kunt de link ook zelf kopiëren en sturen.", "Do you fill in an address? Then Kring mails the link. You can also copy the link and send it yourself.";
    InvitationMailed => "We hebben de link ook gemaild.", "We mailed the link as well.";
    Thresholds => "E-mail bij zorgen", "Mail when a circle needs attention";
    ThresholdsText => "Jullie krijgen één e-mail als een kring die toestemming gaf over een grens gaat, en pas weer een als het eerst beter ging. Alleen het signaal, nooit wat er in de kring staat. Een e-mail staat bij de kring in de lijst van wie keek.", "You get one mail when a circle that gave consent crosses a threshold, and another only after things were better first. Only the signal, never what is in the circle. Each mail is on the circle's list of who looked.";
    ThresholdOpenPlaces => "Open plekken in het rooster in de komende 7 dagen: e-mail vanaf (0 = nooit)", "Open places in the rota in the next 7 days: mail from (0 = never)";
    ThresholdCarerAtRisk => "E-mail als één persoon al drie weken het meeste werk doet", "Mail when one person has done most of the help for three weeks";
    ThresholdSilentDays => "Dagen zonder bericht in het logboek: e-mail vanaf (0 = nooit)", "Days without a logbook entry: mail from (0 = never)";
    SaveThresholds => "Grenzen opslaan", "Save thresholds";
    ThresholdsSaved => "De grenzen zijn opgeslagen.", "The thresholds were saved.";
    Cover => "Rooster, komende dagen", "Rota, coming days";
    BackToDashboard => "Terug naar het overzicht", "Back to the dashboard";
    LookRecorded => "De kring ziet dat je keek.", "The circle sees that you looked.";
    OpenRequestsCount => "Open hulpvragen: {0}", "Open requests: {0}";
    SharedLogbook => "Gedeelde logboekberichten", "Shared logbook entries";
    MyOrganisations => "Jouw organisaties", "Your organisations";
    MyOrganisationsText => "Je werkt voor deze organisaties. Open er een voor de kringen, de marktplaats en je collega's.", "You work for these organisations. Open one for its circles, its marketplace and your colleagues.";
    FindCircles => "Kringen zoeken", "Find circles";
    FilterNeedsAttention => "Alleen kringen die aandacht nodig hebben", "Only circles that need attention";
    FilterSignal => "Met dit signaal", "With this signal";
    FilterAnySignal => "Elk signaal", "Any signal";
    FilterName => "Naam van de persoon om wie de kring draait", "Name of the person the circle is for";
    FilterShow => "Zoeken", "Search";
    FilterClear => "Toon alle kringen", "Show all circles";
    NoCircleMatches => "Geen kring past bij wat je zoekt.", "No circle matches what you are looking for.";
    DashboardOrder => "Kringen die aandacht nodig hebben staan bovenaan: eerst die met de meeste signalen, dan die met de zwaarste. Daarna op naam.", "Circles that need attention come first: those with the most signals first, then those with the most serious. Then by name.";
    AttentionCarerAtRisk => "één persoon doet al drie weken het meeste", "one person has done most for three weeks";
    AttentionOverCapacity => "iemand doet meer dan aangeboden", "someone does more than offered";
    AttentionUnanswered => "hulpvraag 48 uur zonder antwoord", "request unanswered for 48 hours";
    AttentionOpenPlaces => "open plekken in het rooster", "open places in the rota";
    AttentionSilent => "stil in het logboek", "quiet logbook";
    AttentionOnlyWarm => "alleen de warme kring", "only the warm ring";
    ThresholdsOrderText => "Deze grenzen bepalen ook welke kringen hierboven aandacht nodig hebben. Open plekken tellen vanaf jullie grens; zonder grens telt elke open plek. Stilte in het logboek telt alleen als jullie een aantal dagen invullen. Een overbelaste mantelzorger, iemand die meer doet dan aangeboden, een hulpvraag zonder antwoord en een kring met alleen de warme kring tellen altijd.", "These thresholds also decide which circles above need attention. Open places count from your threshold; without one, every open place counts. A quiet logbook counts only when you fill in a number of days. A carer at risk, someone doing more than offered, an unanswered request and a circle with only the warm ring always count.";

    // ---- words of the API ----
    CatGroceries => "Boodschappen", "Groceries";
    CatTransport => "Vervoer", "Transport";
    CatChores => "Klusjes in huis", "Chores";
    CatOddJobs => "Kleine klussen", "Odd jobs";
    CatVisit => "Op bezoek", "A visit";
    CatWalk => "Wandelen", "A walk";
    CatCoffee => "Koffie drinken", "Coffee";
    CatFinances => "Geldzaken", "Finances";
    CatPaperwork => "Papierwerk", "Paperwork";
    CatEmotionalSupport => "Steun en een luisterend oor", "Emotional support";
    CatWashing => "Wassen", "Washing";
    CatDressing => "Aankleden", "Dressing";
    CatMedication => "Medicijnen", "Medication";
    StatusOpen => "open", "open";
    StatusTaken => "iemand helpt", "someone helps";
    StatusConfirmed => "bevestigd", "confirmed";
    StatusDone => "gedaan", "done";
    StatusCancelled => "ingetrokken", "called off";
    StatusNoShow => "niet gekomen", "did not come";
    RingWarmShort => "warm", "warm";
    RingLukewarmShort => "lauw", "lukewarm";
    RingColdShort => "koud", "cold";
    RingColdExplained => "Koude kring (vrijwilliger voor één taak)", "Cold ring (volunteer for one task)";
    ReachWarm => "de warme kring", "the warm ring";
    ReachLukewarm => "de warme en lauwe kring", "the warm and lukewarm rings";
    ReachCold => "ook vrijwilligers", "volunteers too";
    VisWarmOnly => "Alleen de warme kring", "Warm ring only";
    VisWarmAndLukewarm => "Warme en lauwe kring", "Warm and lukewarm rings";
    VisWholeCircle => "De hele kring", "The whole circle";
    ScopeSignals => "alleen signalen", "signals only";
    ScopeFull => "volledig", "full";
    ScopeSignalsExplained => "Alleen signalen: hoe het gaat met de kring, zonder namen of berichten.", "Signals only: how the circle is doing, without names or messages.";
    ScopeFullExplained => "Volledig: ook het rooster, de hulpvragen en berichten die buiten de warme kring gedeeld zijn.", "Full: also the rota, the requests and entries shared beyond the warm ring.";
    LookDashboard => "het overzicht: signalen", "the dashboard: signals";
    LookDashboardRota => "het overzicht: signalen en het rooster van volgende week", "the dashboard: signals and next week's rota";
    LookCircle => "de kring: signalen", "the circle: signals";
    LookCircleFull => "de kring: signalen, rooster, open hulpvragen en gedeeld logboek", "the circle: signals, rota, open requests and shared logbook";
    LookLive => "live bijwerken", "live updates";
    LookSignalsMail => "een e-mail: de kring kwam over een grens die de organisatie koos", "a mail: the circle crossed a threshold the organisation chose";
    LookMarketplace => "de marktplaats: een hulpvraag van de kring (soort hulp, tijd en buurt)", "the marketplace: a request of the circle (kind of help, time and neighbourhood)";
    LookMarketplaceVolunteer => "de marktplaats, als vrijwilliger: een hulpvraag van de kring (soort hulp, tijd en buurt)", "the marketplace, as a volunteer: a request of the circle (kind of help, time and neighbourhood)";
    LookOther => "iets anders", "something else";
}

pub fn topic(topic: MailTopic) -> T {
    match topic {
        MailTopic::RequestOpen => T::TopicRequestOpen,
        MailTopic::MyRequests => T::TopicMyRequests,
        MailTopic::Swaps => T::TopicSwaps,
        MailTopic::Reminders => T::TopicReminders,
        MailTopic::Coordination => T::TopicCoordination,
        MailTopic::Looks => T::TopicLooks,
        MailTopic::Thresholds => T::TopicThresholds,
        MailTopic::Marketplace => T::TopicMarketplace,
        MailTopic::CircleLife => T::TopicCircleLife,
    }
}

pub fn delivery(delivery: MailDelivery) -> T {
    match delivery {
        MailDelivery::Off => T::DeliveryOff,
        MailDelivery::Now => T::DeliveryNow,
        MailDelivery::Daily => T::DeliveryDaily,
        MailDelivery::Weekly => T::DeliveryWeekly,
    }
}

pub fn category(category: Category) -> T {
    match category {
        Category::Groceries => T::CatGroceries,
        Category::Transport => T::CatTransport,
        Category::Chores => T::CatChores,
        Category::OddJobs => T::CatOddJobs,
        Category::Visit => T::CatVisit,
        Category::Walk => T::CatWalk,
        Category::Coffee => T::CatCoffee,
        Category::Finances => T::CatFinances,
        Category::Paperwork => T::CatPaperwork,
        Category::EmotionalSupport => T::CatEmotionalSupport,
        Category::Washing => T::CatWashing,
        Category::Dressing => T::CatDressing,
        Category::Medication => T::CatMedication,
    }
}

pub fn status(status: RequestStatus) -> T {
    match status {
        RequestStatus::Open => T::StatusOpen,
        RequestStatus::Taken => T::StatusTaken,
        RequestStatus::Confirmed => T::StatusConfirmed,
        RequestStatus::Done => T::StatusDone,
        RequestStatus::Cancelled => T::StatusCancelled,
        RequestStatus::NoShow => T::StatusNoShow,
    }
}

/// A ring in one word, for badges.
pub fn ring(ring: Ring) -> T {
    match ring {
        Ring::Warm => T::RingWarmShort,
        Ring::Lukewarm => T::RingLukewarmShort,
        Ring::Cold => T::RingColdShort,
    }
}

/// A ring with who is in it, for choices.
pub fn ring_explained(ring: Ring) -> T {
    match ring {
        Ring::Warm => T::RingWarm,
        Ring::Lukewarm => T::RingLukewarm,
        Ring::Cold => T::RingColdExplained,
    }
}

/// Who a request with this reach goes to.
pub fn reach(ring: Ring) -> T {
    match ring {
        Ring::Warm => T::ReachWarm,
        Ring::Lukewarm => T::ReachLukewarm,
        Ring::Cold => T::ReachCold,
    }
}

pub fn visibility(visibility: Visibility) -> T {
    match visibility {
        Visibility::WarmOnly => T::VisWarmOnly,
        Visibility::WarmAndLukewarm => T::VisWarmAndLukewarm,
        Visibility::WholeCircle => T::VisWholeCircle,
    }
}

pub fn scope(scope: Scope) -> T {
    match scope {
        Scope::Signals => T::ScopeSignals,
        Scope::Full => T::ScopeFull,
    }
}

/// Why a circle on the dashboard needs attention, in a few words.
pub fn attention(attention: Attention) -> T {
    match attention {
        Attention::CarerAtRisk => T::AttentionCarerAtRisk,
        Attention::OverCapacity => T::AttentionOverCapacity,
        Attention::UnansweredRequests => T::AttentionUnanswered,
        Attention::OpenPlaces => T::AttentionOpenPlaces,
        Attention::Silent => T::AttentionSilent,
        Attention::OnlyWarm => T::AttentionOnlyWarm,
    }
}

pub fn scope_explained(scope: Scope) -> T {
    match scope {
        Scope::Signals => T::ScopeSignalsExplained,
        Scope::Full => T::ScopeFullExplained,
    }
}

/// What an intermediary looked at, by its code (`Look::code`), in the
/// reader's language; `None` for a code the pages do not know.
pub fn look_what_known(lang: Lang, code: &str) -> Option<&'static str> {
    let key = match code {
        "dashboard" => T::LookDashboard,
        "dashboard-rota" => T::LookDashboardRota,
        "circle" => T::LookCircle,
        "circle-full" => T::LookCircleFull,
        "live" => T::LookLive,
        "signals-mail" => T::LookSignalsMail,
        "marketplace" => T::LookMarketplace,
        "marketplace-volunteer" => T::LookMarketplaceVolunteer,
        "other" => T::LookOther,
        _ => return None,
    };
    Some(lang.t(key))
}

/// What an intermediary looked at, in the reader's language when the pages
/// know its code, else the API's English words.
pub fn look_what(lang: Lang, code: &str, what: &str) -> String {
    look_what_known(lang, code).map_or_else(|| what.to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_wins_then_the_browser_then_dutch() {
        assert_eq!(Lang::choose(Some("en"), Some("nl-NL")), Lang::En);
        assert_eq!(Lang::choose(Some("nl"), Some("en")), Lang::Nl);
        assert_eq!(Lang::choose(Some("fr"), Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::choose(None, None), Lang::Nl);
        assert_eq!(
            Lang::choose(None, Some("en-US,en;q=0.9,nl;q=0.8")),
            Lang::En
        );
        assert_eq!(
            Lang::choose(None, Some("nl-BE,nl;q=0.9,en;q=0.8")),
            Lang::Nl
        );
        assert_eq!(
            Lang::choose(None, Some("de-DE,de;q=0.9,en;q=0.7,nl;q=0.5")),
            Lang::En
        );
        assert_eq!(Lang::choose(None, Some("fr, nl;q=0.3, en;q=0.4")), Lang::En);
        assert_eq!(Lang::choose(None, Some("en;q=0, nl;q=0.1")), Lang::Nl);
        assert_eq!(Lang::choose(None, Some("de, fr")), Lang::Nl);
        assert_eq!(Lang::choose(None, Some("EN_gb")), Lang::En);
        assert_eq!(Lang::choose(None, Some("*")), Lang::Nl);
    }

    #[test]
    fn every_text_exists_in_both_languages_with_the_same_blanks() {
        let blanks = |text: &str| -> Vec<usize> {
            (0..4)
                .filter(|i| text.contains(&format!("{{{i}}}")))
                .collect()
        };
        for key in T::ALL {
            let (nl, en) = (key.nl(), key.en());
            assert!(!nl.trim().is_empty() && !en.trim().is_empty(), "{key:?}");
            assert_eq!(blanks(nl), blanks(en), "{key:?}");
            assert!(
                !nl.contains('<') && !en.contains('<'),
                "{key:?}: text, not markup"
            );
        }
    }

    #[test]
    fn texts_are_filled_in() {
        assert_eq!(
            fill(Lang::Nl.t(T::CircleAround), &["Mam"]),
            "Kring rond Mam"
        );
        assert_eq!(
            fill(Lang::En.t(T::SignalRings), &["3", "1", "0"]),
            "Members: 3 warm, 1 lukewarm, 0 cold."
        );
        assert_eq!(Lang::En.t(T::LogIn), "Log in");
        assert_eq!(
            count(Lang::Nl, 1u8, T::PlaceOpen, T::PlacesOpen),
            "nog 1 plek vrij"
        );
        assert_eq!(
            count(Lang::En, 3u8, T::PlaceOpen, T::PlacesOpen),
            "3 places open"
        );
        assert_eq!(Lang::Nl.t(T::LogIn), "Inloggen");
    }

    #[test]
    fn what_was_looked_at_is_translated_when_known() {
        assert_eq!(
            look_what(Lang::Nl, "circle", "the circle: signals"),
            "de kring: signalen"
        );
        assert_eq!(
            look_what(Lang::Nl, "newer", "something new"),
            "something new"
        );
    }
}
