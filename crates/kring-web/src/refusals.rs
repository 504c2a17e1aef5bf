//! Every code the API answers a problem with (`Problem::code`), in plain
//! Dutch (B1) and English: what the pages show when the API refuses.

use crate::i18n::Lang;

/// `(code, Dutch, English)`, for every code in `kring_protocol::v1::PROBLEM_CODES`.
const REFUSALS: &[(&str, &str, &str)] = &[
    (
        "account-keys-not-own",
        "Naam en e-mailadres horen bij de eigenaar van het account.",
        "A name and e-mail address are sealed with their owner's key.",
    ),
    (
        "already-coordinator",
        "Dit lid is al coördinator.",
        "This member is already a coordinator.",
    ),
    (
        "already-exists",
        "Dit bestaat al.",
        "This circle already exists.",
    ),
    (
        "already-in-ring",
        "Dit lid zit al in die kring.",
        "This member is already in that ring.",
    ),
    (
        "already-intermediary",
        "Deze persoon werkt al voor de organisatie.",
        "This person already works for the organisation.",
    ),
    (
        "already-listed",
        "Deze hulpvraag staat al op een marktplaats.",
        "This request is already on a marketplace.",
    ),
    (
        "already-member",
        "Je bent al lid van deze kring.",
        "You are already a member of this circle.",
    ),
    (
        "already-on-shift",
        "Je hebt deze dienst die dag al.",
        "You are already on this shift that day.",
    ),
    (
        "already-open-to-ring",
        "De vraag staat al open voor die kring.",
        "The request is already open to that ring.",
    ),
    (
        "already-proposed",
        "Deze vrijwilliger is al voorgesteld voor deze hulpvraag.",
        "This volunteer was already proposed for this request.",
    ),
    (
        "already-volunteer",
        "Je bent al vrijwilliger bij deze organisatie.",
        "You already volunteer for this organisation.",
    ),
    (
        "bad-request",
        "Dit verzoek is niet goed leesbaar.",
        "The request cannot be read.",
    ),
    (
        "body-fields",
        "Er ontbreekt iets in het formulier, of iets klopt niet.",
        "The request body does not have the expected fields.",
    ),
    (
        "body-unreadable",
        "Dit verzoek is niet goed leesbaar.",
        "The request body cannot be read.",
    ),
    (
        "busy",
        "De kring is even druk. Probeer het opnieuw.",
        "The circle is busy: please try again.",
    ),
    (
        "capacity",
        "Kies 1 tot 80 uur per week, of 1 tot 60 taken per maand.",
        "A capacity is between 1 and 80 hours a week, or between 1 and 60 tasks a month.",
    ),
    (
        "circle-already-paused",
        "De kring is al gepauzeerd.",
        "The circle is paused already.",
    ),
    (
        "circle-ended",
        "Deze kring is afgesloten: je kunt alles nog lezen, maar niets meer veranderen.",
        "This circle has ended: you can still read everything, but nothing can be changed.",
    ),
    (
        "circle-not-paused",
        "De kring is niet gepauzeerd.",
        "The circle is not paused.",
    ),
    (
        "circle-paused",
        "De kring is gepauzeerd: er zijn geen diensten tot een coördinator de kring weer hervat.",
        "The circle is paused: no shift takes place or can be taken until a coordinator resumes it.",
    ),
    (
        "claim-from-family",
        "De familie nodigt degene om wie de kring draait uit om de eigen plek in te nemen, zodra de kring aan hen is overgedragen.",
        "The family invites the person the circle is for to claim their place, once the circle is handed over to them.",
    ),
    (
        "cold-ring-through-marketplace",
        "Vrijwilligers komen en gaan via de marktplaats, niet door hun kring te veranderen.",
        "Volunteers join and leave the cold ring through the marketplace, not by a change of ring.",
    ),
    (
        "confirm-untaken",
        "Je kunt alleen een vraag bevestigen die iemand heeft aangenomen.",
        "Only a request someone took can be confirmed.",
    ),
    (
        "consent-already-given",
        "Deze toestemming is al gegeven.",
        "This consent is already given.",
    ),
    (
        "consent-from-family",
        "Toestemming geeft de familie: de organisatie die de kring opzette, krijgt die pas na de overdracht, en nooit van haar eigen consulent.",
        "Consent is the family's to give: the organisation that set the circle up gets it only after the hand-over, and never from its own intermediary.",
    ),
    (
        "consent-in-past",
        "Toestemming kan niet in het verleden beginnen.",
        "Consent cannot start in the past.",
    ),
    (
        "coordination-already-offered",
        "Dit lid is al gevraagd de coördinatie over te nemen en heeft nog niet geantwoord.",
        "This member was already asked to take over coordinating: they have not answered yet.",
    ),
    (
        "coordinators-are-warm",
        "Coördinatoren horen bij de warme kring.",
        "Coordinators belong to the warm ring.",
    ),
    (
        "cross-site",
        "Dit verzoek kwam van een andere website. Kring weigert het om je account te beschermen.",
        "This request came from another site; Kring refuses it to protect your account.",
    ),
    (
        "cross-site-look",
        "Open dit vanuit Kring zelf. Elke keer dat je bij een kring kijkt, ziet de familie dat. Daarom opent een link van een andere website niets.",
        "Open this from Kring itself. Every look at a circle is shown to the family, so a link from another website opens nothing.",
    ),
    (
        "days-range",
        "Kies 1 tot 62 dagen.",
        "Days is a number of days from 1 to 62.",
    ),
    (
        "details-length",
        "Zeg in 1 tot 2000 tekens wat er nodig is.",
        "Say what is needed in 1 to 2000 characters.",
    ),
    (
        "done-untaken",
        "Alleen een vraag die iemand heeft aangenomen kan klaar zijn.",
        "Only a request someone took can be done.",
    ),
    (
        "duration",
        "Hulp duurt tussen 5 minuten en 12 uur.",
        "A duration is between 5 minutes and 12 hours.",
    ),
    (
        "email-already-verified",
        "Dit e-mailadres is al bevestigd.",
        "This e-mail address is already confirmed.",
    ),
    (
        "email-changed-since",
        "Je e-mailadres is veranderd nadat deze link werd verstuurd. Gebruik de link in de nieuwste mail.",
        "Your e-mail address changed after this link was sent. Use the link in the newest mail.",
    ),
    (
        "email-key-not-own",
        "Een e-mailadres hoort bij de eigenaar van het account.",
        "An e-mail address is sealed with its owner's key.",
    ),
    (
        "email-lookup-malformed",
        "Er ging iets mis met het e-mailadres. Probeer het opnieuw.",
        "The e-mail lookup key is malformed.",
    ),
    (
        "email-not-verified",
        "Bevestig eerst je e-mailadres. Klik op de link in de mail die we je stuurden, of vraag een nieuwe mail aan.",
        "Confirm your e-mail address first. Press the link in the mail we sent you, or ask for a new mail.",
    ),
    (
        "email-taken",
        "Er is al een account met dit e-mailadres.",
        "An account with this e-mail address already exists.",
    ),
    (
        "email-too-long",
        "Een e-mailadres heeft hoogstens 254 tekens.",
        "An e-mail address has at most 254 characters.",
    ),
    (
        "email-unchanged",
        "Dit is al het e-mailadres van het account.",
        "This is already the e-mail address of the account.",
    ),
    (
        "entry-already-redacted",
        "Dit bericht is al ingetrokken.",
        "This entry was already redacted.",
    ),
    (
        "entry-exists",
        "Dit bericht in het logboek bestaat al.",
        "This logbook entry already exists.",
    ),
    (
        "entry-length",
        "Een bericht in het logboek heeft 1 tot 5000 tekens.",
        "A logbook entry has 1 to 5000 characters.",
    ),
    (
        "focus-and-coordinators-stay-warm",
        "De persoon voor wie de kring is en de coördinatoren blijven in de warme kring.",
        "The focus person and coordinators stay in the warm ring.",
    ),
    (
        "focus-cannot-be-removed",
        "De kring is er voor deze persoon. Hij of zij kan niet weg worden gehaald.",
        "The circle is there for its focus person, who cannot be removed.",
    ),
    (
        "focus-cannot-leave",
        "De kring is er voor jou. Je kunt hem niet verlaten.",
        "The circle is there for you; you cannot leave it.",
    ),
    (
        "focus-has-account",
        "Degene voor wie deze kring is, heeft er al een eigen account in.",
        "The person this circle is for has their own account in it already.",
    ),
    (
        "focus-is-warm",
        "Wie de kring voor zich heeft, neemt zijn plek in de warme kring in, zonder taak.",
        "The person the circle is for claims their place in the warm ring, without a task.",
    ),
    (
        "focus-name-key-not-own",
        "De naam van de persoon voor wie de kring is hoort bij die persoon zelf.",
        "The focus person's name must be sealed with their own key.",
    ),
    (
        "forgotten",
        "Deze persoon is vergeten. Er kan niets nieuws op zijn of haar naam worden geschreven.",
        "This person was forgotten: nothing new can be written in their name.",
    ),
    (
        "hand-over-to-self",
        "Kies een ander lid om de coördinatie over te nemen.",
        "Choose another member to take over coordinating.",
    ),
    (
        "help-longer-than-window",
        "De hulp duurt langer dan de tijd die je gaf.",
        "The help takes longer than the time window.",
    ),
    (
        "help-not-due",
        "De hulp was nog niet begonnen.",
        "The help was not due yet.",
    ),
    (
        "help-time-passed",
        "De tijd voor deze hulp is voorbij.",
        "The time for this help has passed.",
    ),
    (
        "hidden-characters",
        "Deze tekst heeft een onzichtbaar teken of stuurteken (bijvoorbeeld een teken dat de leesrichting omdraait). Zulke tekens kunnen verbergen wat er echt staat. Haal het weg en probeer het opnieuw.",
        "This text holds an invisible or control character (for example one that reverses the reading direction). Such characters can hide what it really says. Remove it and try again.",
    ),
    (
        "idempotency-key-malformed",
        "De sleutel tegen dubbel opslaan klopt niet (1 tot 255 gewone tekens). Laad de pagina opnieuw.",
        "The Idempotency-Key header is malformed (1 to 255 printable ASCII characters). Reload the page.",
    ),
    (
        "idempotency-key-reused",
        "Dit formulier is al eens met andere gegevens verstuurd. Laad de pagina opnieuw en probeer het nog eens.",
        "This Idempotency-Key was already used for a different request. Reload the page and try again.",
    ),
    (
        "internal",
        "Er ging bij ons iets mis. We hebben het genoteerd.",
        "Something went wrong on our side; it has been logged.",
    ),
    (
        "invitation-days",
        "Een uitnodiging werkt 1 tot 30 dagen.",
        "An invitation works for 1 to 30 days.",
    ),
    (
        "invitation-exists",
        "Deze uitnodiging bestaat al.",
        "This invitation already exists.",
    ),
    (
        "invitation-expired",
        "Deze uitnodiging is verlopen. Vraag om een nieuwe.",
        "This invitation has expired: ask for a new one.",
    ),
    (
        "invitation-expiry",
        "Een uitnodiging moet binnen 30 dagen verlopen.",
        "An invitation must expire within 30 days from now.",
    ),
    (
        "invitation-link-gone",
        "Deze uitnodiging werkt niet meer. Vraag wie je uitnodigde om een nieuwe.",
        "This invitation link does not work any more: ask whoever invited you for a new one.",
    ),
    (
        "invitation-secret-too-short",
        "De geheime code van de uitnodiging is te kort.",
        "The invitation secret is too short.",
    ),
    (
        "invitation-used",
        "Deze uitnodiging is al gebruikt.",
        "This invitation was already used.",
    ),
    (
        "invitation-used-or-revoked",
        "Deze uitnodiging is al gebruikt of ingetrokken.",
        "This invitation was already used or revoked.",
    ),
    (
        "invitation-withdrawn",
        "Deze uitnodiging is ingetrokken.",
        "This invitation was withdrawn.",
    ),
    (
        "last-coordinator",
        "Een kring heeft een coördinator nodig. Maak eerst iemand anders coördinator.",
        "A circle needs a coordinator: appoint another one first.",
    ),
    (
        "last-intermediary",
        "Een organisatie heeft een consulent nodig. Voeg eerst iemand anders toe.",
        "An organisation needs an intermediary: add another one first.",
    ),
    (
        "link-expired",
        "Deze link werkt niet meer: hij is verlopen. Vraag een nieuwe mail aan.",
        "This link no longer works: it has expired. Ask for a new mail.",
    ),
    (
        "link-used",
        "Deze link is al gebruikt. Een link uit een mail werkt één keer. Vraag zo nodig een nieuwe mail aan.",
        "This link was used already. A link from a mail works once. Ask for a new mail if you need one.",
    ),
    (
        "listed-request-stays",
        "Deze hulpvraag staat op een marktplaats, waar vrijwilligers hem lezen zoals hij werd geplaatst. Trek hem in en vraag opnieuw.",
        "This request is on a marketplace, where volunteers read it as it was listed: cancel it and ask again instead.",
    ),
    (
        "listing-needs-consent",
        "Een hulpvraag komt alleen op de marktplaats van een organisatie als de kring die organisatie toestemming heeft gegeven.",
        "A request goes on an organisation's marketplace only when the circle has given that organisation consent.",
    ),
    (
        "listing-needs-neighbourhood",
        "Vul eerst de buurt van de kring in (een postcodegebied of wijk, nooit het adres): vrijwilligers worden daarop gekoppeld.",
        "Name the circle's neighbourhood first (a postcode area or district, never the address): volunteers are matched by it.",
    ),
    (
        "live-origin",
        "Live bijwerken kan alleen vanaf de pagina's van Kring zelf.",
        "Live updates open only from Kring's own pages.",
    ),
    (
        "malformed-json",
        "Dit verzoek is niet goed leesbaar (geen geldige JSON).",
        "The request body is not valid JSON.",
    ),
    (
        "message-length",
        "Een bericht heeft hoogstens 500 tekens.",
        "A message has at most 500 characters.",
    ),
    (
        "method-not-allowed",
        "Dit adres werkt niet op deze manier.",
        "This address does not take that method.",
    ),
    (
        "min-version-ahead",
        "De kring is nog niet zo ver. Laad de pagina opnieuw.",
        "This circle has not reached that version yet.",
    ),
    (
        "name-control",
        "Een naam mag geen regeleinden, stuurtekens of onzichtbare tekens (zoals een teken dat de leesrichting omdraait) hebben.",
        "A name cannot contain line breaks, control characters or invisible characters (such as one that reverses the reading direction).",
    ),
    (
        "name-key-not-own",
        "Een naam hoort bij de eigenaar van het account.",
        "A name is sealed with its owner's key.",
    ),
    (
        "name-length",
        "Een naam heeft 1 tot 100 tekens.",
        "A name has 1 to 100 characters.",
    ),
    (
        "neighbourhood",
        "Een buurt is een postcodegebied van vier cijfers (zoals 3512) of de naam van een wijk van hoogstens 60 letters, nooit een adres.",
        "A neighbourhood is a four-digit postcode area (such as 3512) or a district's name of up to 60 letters, never an address.",
    ),
    (
        "no-calendar",
        "Op dit adres is geen agenda.",
        "There is no calendar at this address.",
    ),
    (
        "no-coordination-offered",
        "Niemand vroeg je de coördinatie van deze kring over te nemen.",
        "Nobody asked you to take over coordinating this circle.",
    ),
    (
        "no-host",
        "Het verzoek zegt niet bij welk adres het hoort.",
        "The request names no host to make an address with.",
    ),
    (
        "no-place-offered",
        "Er staat in deze kring geen plek in de lauwe kring voor je klaar.",
        "No place in the lukewarm ring is offered to you in this circle.",
    ),
    (
        "no-shift-from-then",
        "Vanaf die datum heeft deze dienst al geen data meer.",
        "The shift has no dates from then on.",
    ),
    (
        "no-shift-on-date",
        "Op die dag is er geen dienst.",
        "The shift does not take place on that date.",
    ),
    (
        "no-such-account",
        "Dit account bestaat niet.",
        "There is no such account in this circle.",
    ),
    (
        "no-such-circle",
        "Deze kring bestaat niet, of je hoort er niet bij.",
        "There is no such circle.",
    ),
    (
        "no-such-consent",
        "Er is geen toestemming om in te trekken.",
        "There is no such consent in this circle.",
    ),
    (
        "no-such-entry",
        "Dit bericht staat niet in het logboek van deze kring.",
        "There is no such logbook entry in this circle.",
    ),
    (
        "no-such-feed",
        "Je hebt zo'n agenda-koppeling niet in deze kring.",
        "You have no such calendar feed in this circle.",
    ),
    (
        "no-such-intermediary",
        "Deze consulent bestaat niet.",
        "There is no such intermediary in this circle.",
    ),
    (
        "no-such-invitation",
        "Deze uitnodiging bestaat niet.",
        "There is no such invitation in this circle.",
    ),
    (
        "no-such-link",
        "Deze link kennen we niet. Kijk of je de hele link uit de mail hebt gebruikt.",
        "We do not know this link. Check that you used the whole link from the mail.",
    ),
    (
        "no-such-listing",
        "Deze hulpvraag staat niet (meer) op de marktplaats.",
        "This request is no longer on the marketplace.",
    ),
    (
        "no-such-member",
        "Dit lid bestaat niet.",
        "There is no such member in this circle.",
    ),
    (
        "no-such-offer",
        "Dit aanbod bestaat niet.",
        "There is no such offer in this circle.",
    ),
    (
        "no-such-organisation",
        "Deze organisatie bestaat niet.",
        "There is no such organisation in this circle.",
    ),
    (
        "no-such-proposal",
        "Er is geen wachtend voorstel van deze vrijwilliger voor deze hulpvraag.",
        "There is no waiting proposal of this volunteer for this request.",
    ),
    (
        "no-such-request",
        "Deze hulpvraag bestaat niet.",
        "There is no such request in this circle.",
    ),
    (
        "no-such-shift",
        "Deze dienst bestaat niet.",
        "There is no such shift in this circle.",
    ),
    (
        "no-such-swap",
        "Deze ruil bestaat niet.",
        "There is no such swap in this circle.",
    ),
    (
        "no-such-volunteer",
        "Deze vrijwilliger is er niet, of neemt nu geen taken aan.",
        "There is no such volunteer here, or they are not taking tasks now.",
    ),
    (
        "nobody-took-request",
        "Niemand had deze vraag aangenomen.",
        "Nobody had taken this request.",
    ),
    (
        "not-a-date",
        "Dit is geen datum. Schrijf hem als JJJJ-MM-DD, zoals 2026-12-05.",
        "This is not a date: write it as YYYY-MM-DD, such as 2026-12-05.",
    ),
    (
        "not-a-local-time",
        "Dit is geen datum en tijd. Schrijf het als JJJJ-MM-DDTUU:MM, zoals 2026-12-05T10:00.",
        "This is not a local date and time: write it as YYYY-MM-DDTHH:MM, such as 2026-12-05T10:00, in the circle's time zone and without an offset.",
    ),
    (
        "not-a-time-of-day",
        "Schrijf een tijd als uu:mm, bijvoorbeeld 22:00.",
        "Write a time as HH:MM, such as 22:00.",
    ),
    (
        "not-a-volunteer",
        "Je bent (nog) geen vrijwilliger bij deze organisatie.",
        "You do not volunteer for this organisation (yet).",
    ),
    (
        "not-an-email",
        "Dit is geen e-mailadres. Het lijkt op naam@voorbeeld.nl.",
        "This is not an e-mail address (it looks like name@example.org).",
    ),
    (
        "not-helped-enough",
        "Alleen een vrijwilliger die de kring drie keer of vaker hielp, en nog niet in de warme of lauwe kring zit, kun je een plek in de lauwe kring aanbieden.",
        "Only a volunteer who helped the circle three times or more, and is in no warm or lukewarm ring, can be offered a place in the lukewarm ring.",
    ),
    (
        "not-logged-in",
        "Je bent niet ingelogd. Log eerst in.",
        "You are not logged in: log in first.",
    ),
    (
        "not-on-that-shift",
        "Dit lid had deze dienst niet.",
        "That member was not on this shift.",
    ),
    (
        "not-ready",
        "De kring wordt bijgewerkt. Probeer het zo opnieuw.",
        "The circle is being updated: try again in a moment.",
    ),
    (
        "not-your-address",
        "Deze uitnodiging is voor een ander e-mailadres. Log in met het account van dat adres, en bevestig dat adres eerst.",
        "This invitation is for another e-mail address. Log in with the account of that address, and confirm that address first.",
    ),
    (
        "not-your-organisation",
        "Deze organisatie bestaat niet, of je werkt er niet.",
        "There is no such organisation, or you do not work for it.",
    ),
    (
        "not-your-volunteering",
        "Alleen de vrijwilliger zelf kan het vrijwilligerswerk veranderen.",
        "Only the volunteer themself may change their volunteering.",
    ),
    (
        "note-length",
        "Een briefje heeft hoogstens 1000 tekens.",
        "A note has at most 1000 characters.",
    ),
    (
        "nothing-here",
        "Op dit adres is niets.",
        "There is nothing at this address.",
    ),
    (
        "offer-exists",
        "Dit aanbod bestaat al.",
        "This offer already exists.",
    ),
    (
        "offer-needs-help",
        "Kies minstens één soort hulp die je wilt geven.",
        "Say at least one kind of help you will give.",
    ),
    (
        "offer-withdrawn",
        "Dit aanbod is al ingetrokken.",
        "This offer was already withdrawn.",
    ),
    (
        "offered-and-declined",
        "Je kunt een soort hulp niet tegelijk aanbieden en weigeren.",
        "A kind of help cannot be both offered and declined.",
    ),
    (
        "only-asked-to-swap",
        "Alleen wie gevraagd is om te ruilen mag dit doen.",
        "Only the member who was asked to swap may do this.",
    ),
    (
        "only-author",
        "Alleen wie dit bericht schreef mag dit doen.",
        "Only the author of the entry may do this.",
    ),
    (
        "only-coordinator-or-asker",
        "Alleen een coördinator of wie de vraag stelde mag dit doen.",
        "Only a coordinator or whoever asked may do this.",
    ),
    (
        "only-coordinators",
        "Alleen een coördinator van de kring mag dit doen.",
        "Only a coordinator of the circle may do this.",
    ),
    (
        "only-coordinators-or-focus",
        "Alleen een coördinator of de persoon voor wie de kring is mag dit doen.",
        "Only a coordinator or the focus person may do this.",
    ),
    (
        "only-helper-asker-or-coordinator",
        "Alleen de helper, wie de vraag stelde of een coördinator mag dit doen.",
        "Only the helper, whoever asked, or a coordinator may do this.",
    ),
    (
        "only-intermediaries",
        "Alleen een consulent van de organisatie mag dit doen.",
        "Only an intermediary of the organisation may do this.",
    ),
    (
        "only-intermediary-under-consent",
        "Alleen een consulent met toestemming mag dit doen.",
        "Only an intermediary under consent may do this.",
    ),
    (
        "only-members",
        "Alleen leden van de kring mogen dit doen.",
        "Only members of the circle may do this.",
    ),
    (
        "only-offer-maker",
        "Alleen wie een aanbod deed kan het veranderen.",
        "Only the one who made an offer can change it.",
    ),
    (
        "only-offer-maker-or-coordinator",
        "Alleen wie het aanbod deed of een coördinator mag dit doen.",
        "Only whoever made the offer, or a coordinator may do this.",
    ),
    (
        "only-open-request-widens",
        "Alleen een open vraag kun je aan meer mensen voorleggen.",
        "Only an open request can be widened.",
    ),
    (
        "only-person",
        "Een kring is voor iemand uit de familie: een consulent zet hem voor diegene op, niet voor zichzelf.",
        "A circle is for someone in the family: an intermediary sets it up for them, not for themself.",
    ),
    (
        "only-request-rings",
        "Deze vraag staat niet open voor je kring.",
        "Only the rings this request is open to may do this.",
    ),
    (
        "only-shift-rings",
        "Deze dienst staat niet open voor je kring.",
        "Only the rings this shift is open to may do this.",
    ),
    (
        "only-swap-members",
        "Alleen de twee mensen van de ruil mogen dit doen.",
        "Only the two members of the swap may do this.",
    ),
    (
        "only-warm-and-lukewarm",
        "Alleen leden van de warme en lauwe kring mogen dit doen. Vrijwilligers doen alleen hun eigen taak.",
        "Only members of the warm and lukewarm rings may do this; volunteers act on their own task.",
    ),
    (
        "only-warm-for-focus",
        "Alleen de warme kring mag hulp vragen namens de persoon voor wie de kring is.",
        "Only the warm ring (asking for the focus person) may do this.",
    ),
    (
        "organisation-name",
        "De naam van een organisatie heeft 1 tot 120 tekens.",
        "An organisation's name has 1 to 120 characters.",
    ),
    (
        "own-request",
        "Je vroeg deze hulp zelf.",
        "You asked for this help yourself.",
    ),
    (
        "page-limit",
        "Een pagina toont 1 tot 100 onderdelen.",
        "A page holds 1 to 100 items.",
    ),
    (
        "password-long",
        "Een wachtwoord heeft hoogstens 1000 tekens.",
        "A password has at most 1000 characters.",
    ),
    (
        "password-short",
        "Een wachtwoord heeft minstens 10 tekens.",
        "A password has at least 10 characters.",
    ),
    (
        "personal-care-is-professional",
        "Vrijwilligers geven geen persoonlijke verzorging (wassen, aankleden, medicijnen). Vraag dit aan de thuiszorg of de huisarts.",
        "Volunteers do not give personal care (washing, dressing, medication): ask the home-care team or the GP (huisarts) for professional care.",
    ),
    (
        "personal-matters-stay-warm",
        "Geldzaken, papieren en steun bij verdriet blijven in de warme kring.",
        "Finances, paperwork and emotional support stay within the warm ring.",
    ),
    (
        "place-already-offered",
        "Deze vrijwilliger kreeg al een plek aangeboden en heeft nog niet geantwoord.",
        "A place was offered to this volunteer already: they have not answered yet.",
    ),
    (
        "place-length",
        "Een adres heeft hoogstens 300 tekens.",
        "An address has at most 300 characters.",
    ),
    (
        "plan-holds-only-rota-requests-and-logbook",
        "Het plan van een nieuwe kring bevat alleen diensten, verzoeken en logboekberichten.",
        "A new circle's plan holds only shifts, requests and logbook entries.",
    ),
    (
        "query-unreadable",
        "Het adres van dit verzoek is niet goed leesbaar.",
        "The query string cannot be read.",
    ),
    (
        "quiet-hours-incomplete",
        "Geef de rustige uren een begin én een eind, of laat ze allebei leeg.",
        "Give the quiet hours both a start and an end, or leave both empty.",
    ),
    (
        "read-consent-warm",
        "De warme kring en de coördinatoren beslissen wat organisaties zien.",
        "The warm ring and the coordinators decide what organisations see.",
    ),
    (
        "read-export-coordinators",
        "Een coördinator haalt de hele kring op. Je eigen gegevens haal je op bij je account.",
        "A coordinator exports the whole circle; export your own data from your account.",
    ),
    (
        "read-health-coordinators",
        "De coördinatoren letten op de signalen van de kring.",
        "The coordinators watch over the circle's signals.",
    ),
    (
        "read-invitations-coordinators",
        "Alleen de coördinatoren van de kring zien de uitnodigingen.",
        "Only the coordinators of the circle see its invitations.",
    ),
    (
        "read-looks-coordinators-focus",
        "De coördinatoren en de persoon voor wie de kring is zien wie er keek.",
        "The coordinators and the person the circle is for see who looked.",
    ),
    (
        "read-members-only",
        "Dit deel van de kring is alleen voor leden.",
        "This part of a circle is for its members only.",
    ),
    (
        "read-proposals-coordinators",
        "Alleen de coördinatoren beantwoorden de vrijwilligers die voor de kring zijn voorgesteld.",
        "The coordinators answer the volunteers proposed to the circle.",
    ),
    (
        "read-signals-only",
        "Deze kring deelt alleen de signalen met je organisatie.",
        "This circle shares only its signals with your organisation.",
    ),
    (
        "read-volunteers-no-rota",
        "Vrijwilligers zien hun eigen taak, niet het rooster.",
        "Volunteers see the task they joined for, not the rota.",
    ),
    (
        "reason-length",
        "Zeg in 1 tot 500 tekens waarom je niet kunt komen.",
        "Say in 1 to 500 characters why you cannot come.",
    ),
    (
        "reminder-hours-range",
        "Een herinnering kan 0 tot 48 uur van tevoren komen.",
        "A reminder can come 0 to 48 hours before.",
    ),
    (
        "remove-self",
        "Wil je zelf uit de kring? Kies dan 'kring verlaten'.",
        "To leave the circle yourself, choose leave.",
    ),
    (
        "request-closed",
        "Deze vraag is al gesloten.",
        "This request is already closed.",
    ),
    (
        "request-exists",
        "Deze hulpvraag bestaat al.",
        "This request already exists.",
    ),
    (
        "request-not-open",
        "Iemand anders heeft deze vraag al aangenomen, of de vraag is gesloten.",
        "Someone already took this request, or it is closed.",
    ),
    (
        "secret-short",
        "Het geheim van de server (KRING_SECRET) moet minstens 32 tekens hebben.",
        "The server secret (KRING_SECRET) must be at least 32 characters long.",
    ),
    (
        "shift-changed-since-swap",
        "De dienst is veranderd sinds de vraag om te ruilen.",
        "The shift changed since the swap was proposed.",
    ),
    (
        "shift-duration",
        "Een dienst duurt 5 minuten tot 3 dagen.",
        "A shift lasts from 5 minutes to 3 days.",
    ),
    (
        "shift-exists",
        "Deze dienst bestaat al.",
        "This shift already exists.",
    ),
    (
        "shift-full",
        "Deze dienst heeft al genoeg helpers.",
        "This shift already has all the helpers it needs.",
    ),
    (
        "shift-helpers",
        "Een dienst heeft 1 tot 10 helpers nodig, of 0 voor een bezoek van professionals dat alleen ter informatie op het rooster staat.",
        "A shift needs between 1 and 10 helpers, or 0 for a visit by professionals that is on the rota for everyone to know.",
    ),
    (
        "shift-in-past",
        "Een dienst moet in de toekomst beginnen.",
        "A shift must start in the future.",
    ),
    (
        "shift-not-weekly",
        "Alleen een wekelijkse dienst heeft een reeks om te stoppen: zeg de ene datum af.",
        "Only a weekly shift has a series to end: cancel its one date instead.",
    ),
    (
        "shift-rings",
        "Een dienst staat open voor de warme kring, de lauwe kring of allebei.",
        "A shift is open to the warm ring, the lukewarm ring, or both.",
    ),
    (
        "shift-started",
        "Deze dienst is al begonnen.",
        "This shift has already started.",
    ),
    (
        "shift-title-length",
        "De naam van een dienst heeft 1 tot 200 tekens.",
        "The title of a shift has 1 to 200 characters.",
    ),
    (
        "shift-weeks-apart",
        "Een dienst komt elke week terug, of elke 2, 3 of 4 weken.",
        "A shift comes back every week, or every 2, 3 or 4 weeks.",
    ),
    (
        "sign-up-link-gone",
        "Deze aanmeldlink werkt niet meer. Vraag de organisatie om een nieuwe.",
        "This sign-up link no longer works. Ask the organisation for a new one.",
    ),
    (
        "step-down-yourself",
        "Een coördinator stopt alleen zelf als coördinator. Een andere coördinator kun je uit de kring halen.",
        "Only a coordinator themself can step down; another can be removed from the circle.",
    ),
    (
        "summary-length",
        "Schrijf een korte samenvatting voor vrijwilligers: 1 tot 280 tekens, zonder naam, adres of persoonlijke details.",
        "Write a short summary for volunteers: 1 to 280 characters, without a name, address or personal details.",
    ),
    (
        "swap-already-asked",
        "Je vroeg al iemand om deze dienst te ruilen.",
        "You already asked someone to swap this shift.",
    ),
    (
        "swap-exists",
        "Deze ruil bestaat al.",
        "This swap already exists.",
    ),
    (
        "swap-member-already-on-shift",
        "Dit lid heeft deze dienst die dag al.",
        "That member is already on this shift that day.",
    ),
    (
        "swap-ring-not-on-shift",
        "De kring van dit lid mag deze dienst niet doen.",
        "That member's ring may not take this shift.",
    ),
    (
        "swap-settled",
        "Over deze ruil is al beslist.",
        "This swap is already settled.",
    ),
    (
        "swap-with-self",
        "Kies iemand anders om mee te ruilen.",
        "Choose someone else to swap with.",
    ),
    (
        "task-not-over",
        "De plek van een vrijwilliger in de kring eindigt pas als de taak voorbij is en de dagen om te bedanken om zijn.",
        "A volunteer's place in the circle ends only after their task is over and the days for thanks have passed.",
    ),
    (
        "task-only-for-cold-ring",
        "Alleen uitnodigingen voor de koude kring gaan over één hulpvraag.",
        "Only cold-ring invitations are for one request.",
    ),
    (
        "text-key-not-own",
        "Een tekst hoort bij wie hem schreef.",
        "Text must be sealed with its writer's own key.",
    ),
    (
        "thank-after-shift",
        "Bedank iemand als de dienst voorbij is.",
        "Thank them once the shift has taken place.",
    ),
    (
        "thank-entry-author",
        "Bedank de schrijver van een bericht in het logboek.",
        "Thank the author of a logbook entry.",
    ),
    (
        "thank-helper-when-done",
        "Bedank de helper als de hulp klaar is.",
        "Thank the helper once the help is done.",
    ),
    (
        "thank-self",
        "Je kunt jezelf niet bedanken.",
        "You cannot thank yourself.",
    ),
    (
        "threshold-open-places",
        "Kies voor open plekken een getal van 1 tot 500, of 0 voor geen e-mail.",
        "For open places, choose a number from 1 to 500, or 0 for no mail.",
    ),
    (
        "threshold-silence",
        "Kies voor dagen zonder logboekbericht een getal van 1 tot 365, of 0 voor geen e-mail.",
        "For days without a logbook entry, choose a number from 1 to 365, or 0 for no mail.",
    ),
    (
        "timed-out",
        "De server deed er te lang over. Kijk eerst of je wijziging toch gelukt is.",
        "The server took too long to answer: try again in a moment (a change you sent may have been made all the same, so look first).",
    ),
    (
        "too-large",
        "Dit verzoek is te groot.",
        "The request body is too large: at most 64 KiB.",
    ),
    (
        "too-many-feeds",
        "Je hebt al 10 agenda-koppelingen van deze kring. Stop eerst een koppeling die je niet meer gebruikt.",
        "You already have 10 calendar feeds of this circle: revoke one you no longer use first.",
    ),
    (
        "too-many-requests",
        "Te veel pogingen. Wacht even en probeer het dan opnieuw.",
        "Too many attempts: try again in a moment.",
    ),
    (
        "unknown-capacity",
        "Dit kennen we niet. Kies uren per week of taken per maand.",
        "This capacity is unknown: use hours_per_week or tasks_per_month.",
    ),
    (
        "unknown-category",
        "Dit soort hulp kennen we niet. Kies een soort uit de lijst.",
        "This category is unknown: use groceries, transport, chores, odd_jobs, visit, walk, coffee, finances, paperwork, emotional_support, washing, dressing or medication.",
    ),
    (
        "unknown-organisation",
        "Deze organisatie bestaat niet.",
        "There is no such organisation.",
    ),
    (
        "unknown-ring",
        "Deze kring kennen we niet. Kies warm, lauw of koud.",
        "This ring is unknown: use warm, lukewarm or cold.",
    ),
    (
        "unknown-time-zone",
        "Deze tijdzone kennen we niet. Gebruik een naam zoals Europe/Amsterdam.",
        "This time zone is unknown: use a name such as Europe/Amsterdam.",
    ),
    (
        "unsupported-media-type",
        "Dit verzoek heeft de verkeerde vorm (stuur JSON).",
        "Send the request body as JSON, with Content-Type: application/json.",
    ),
    (
        "volunteer-availability",
        "Kies ten minste één dagdeel in de week waarop je kunt helpen.",
        "Choose at least one part of a day of the week when you can help.",
    ),
    (
        "volunteer-capacity",
        "Zeg hoeveel taken per maand je op je kunt nemen: 1 tot 31.",
        "Say how many tasks a month you can take on: 1 to 31.",
    ),
    (
        "volunteer-category",
        "Vrijwilligers helpen alleen met praktische dingen en gezelschap: geld, papierwerk, gevoelens en persoonlijke verzorging blijven bij de familie en professionals.",
        "Volunteers help with practical things and company only: money, paperwork, feelings and personal care stay with the family and professionals.",
    ),
    (
        "volunteer-in-circle",
        "Deze vrijwilliger zit al in de kring.",
        "This volunteer is already in the circle.",
    ),
    (
        "volunteer-kept-away",
        "Deze vrijwilliger wordt niet meer gevraagd voor deze kring.",
        "This volunteer will not be asked by this circle again.",
    ),
    (
        "volunteer-left",
        "Je bent hier gestopt als vrijwilliger: meld je eerst opnieuw aan.",
        "You stopped volunteering here: join again first.",
    ),
    (
        "volunteer-needs-task",
        "Een vrijwilliger in de koude kring wordt voor één hulpvraag uitgenodigd.",
        "A volunteer in the cold ring is invited for one request.",
    ),
    (
        "volunteer-nothing-to-do",
        "Kies ten minste één soort hulp die je wilt geven.",
        "Choose at least one kind of help you will give.",
    ),
    (
        "volunteer-task-not-on-marketplace",
        "Je kunt een vrijwilliger alleen uitnodigen voor een open vraag die op de marktplaats staat.",
        "A volunteer can only be invited for an open request that was widened to the marketplace.",
    ),
    (
        "weekly-shift-ends-before-start",
        "Een wekelijkse dienst kan niet stoppen voordat hij begint.",
        "A weekly shift cannot end before it starts.",
    ),
    (
        "window-ends-before-start",
        "Het einde moet na het begin komen.",
        "A time window must end after it starts.",
    ),
    (
        "window-passed",
        "Deze tijd is al voorbij.",
        "The time window has already passed.",
    ),
    (
        "window-too-long",
        "De periode mag hoogstens twee maanden lang zijn.",
        "A time window can be at most two months long.",
    ),
    (
        "wrong-credentials",
        "Het e-mailadres of het wachtwoord klopt niet.",
        "The e-mail address or the password is wrong.",
    ),
    (
        "wrong-password",
        "Je huidige wachtwoord klopt niet.",
        "Your current password is not right.",
    ),
    (
        "you-are-not-on-shift",
        "Je hebt deze dienst die dag niet.",
        "You are not on this shift that day.",
    ),
];

/// What a problem with `code` says, in `lang`; `None` for a code the pages do
/// not know (a newer server): then the API's own `detail` is shown.
pub fn refusal(lang: Lang, code: &str) -> Option<&'static str> {
    REFUSALS
        .iter()
        .find(|(c, ..)| *c == code)
        .map(|(_, nl, en)| match lang {
            Lang::Nl => *nl,
            Lang::En => *en,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kring_protocol::v1::{LOOK_CODES, PROBLEM_CODES};

    #[test]
    fn every_code_the_api_answers_has_a_translation_in_both_languages() {
        for code in PROBLEM_CODES {
            for lang in [Lang::Nl, Lang::En] {
                let text = refusal(lang, code);
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "no {lang:?} text for the problem code {code}"
                );
            }
        }
        assert_eq!(
            REFUSALS.len(),
            PROBLEM_CODES.len(),
            "a translation for a code the API no longer has"
        );
    }

    #[test]
    fn every_look_code_has_a_translation_in_both_languages() {
        for code in LOOK_CODES {
            for lang in [Lang::Nl, Lang::En] {
                assert!(
                    crate::i18n::look_what_known(lang, code).is_some(),
                    "no {lang:?} text for the look code {code}"
                );
            }
        }
    }
}
