//! Why a command was refused. Every refusal has a stable code for machines
//! (problem+json's `code`, translations, tests) and an English sentence for
//! people; both are written once, in the table below.

/// What sort of refusal it is: which the API answers with which status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// The actor may not do this (403).
    NotAllowed,
    /// The command cannot be right, whatever the state (422).
    Invalid,
    /// The command does not fit the state as it is now (409).
    Conflict,
    /// What the command is about is not there, or not for the actor to know (404).
    NotFound,
}

macro_rules! refusals {
    ($($variant:ident = $code:literal, $kind:ident, $message:literal;)*) => {
        /// Every reason the domain refuses a command.
        ///
        /// Each has a code (kebab-case, stable: written out here, so renaming
        /// a variant does not change it; clients and translations key on it),
        /// a kind and an English message (its `Display`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Refusal {
            $(
                #[doc = $message]
                $variant,
            )*
        }

        impl Refusal {
            /// Every refusal, in the order of the table.
            pub const ALL: &'static [Refusal] = &[$(Refusal::$variant),*];

            /// The stable, machine-readable code.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Refusal::$variant => $code,)*
                }
            }

            /// What sort of refusal this is.
            pub const fn kind(self) -> RefusalKind {
                match self {
                    $(Refusal::$variant => RefusalKind::$kind,)*
                }
            }

            /// The English sentence, for the person who tried.
            pub const fn message(self) -> &'static str {
                match self {
                    $(Refusal::$variant => $message,)*
                }
            }
        }
    };
}

refusals! {
    NoSuchCircle = "no-such-circle", NotFound, "there is no such circle";
    AlreadyExists = "already-exists", Conflict, "this circle already exists";
    PersonalCareIsProfessional = "personal-care-is-professional", Invalid, "volunteers do not give personal care (washing, dressing, medication): ask the home-care team or the GP (huisarts) for professional care";
    PersonalMattersStayWarm = "personal-matters-stay-warm", Invalid, "finances, paperwork and emotional support stay within the warm ring";
    UnknownRing = "unknown-ring", Invalid, "this ring is unknown: use warm, lukewarm or cold";
    UnknownCategory = "unknown-category", Invalid, "this category is unknown: use groceries, transport, chores, odd_jobs, visit, walk, coffee, finances, paperwork, emotional_support, washing, dressing or medication";
    UnknownCapacity = "unknown-capacity", Invalid, "this capacity is unknown: use hours_per_week or tasks_per_month";
    UnknownTimeZone = "unknown-time-zone", Invalid, "this time zone is unknown: use a name such as Europe/Amsterdam";
    OnlyCoordinators = "only-coordinators", NotAllowed, "only a coordinator of the circle may do this";
    OnlyCoordinatorsOrFocus = "only-coordinators-or-focus", NotAllowed, "only a coordinator or the focus person may do this";
    OnlyIntermediaryUnderConsent = "only-intermediary-under-consent", NotAllowed, "only an intermediary under consent may do this";
    OnlyAuthor = "only-author", NotAllowed, "only the author of the entry may do this";
    OnlyPerson = "only-person", NotAllowed, "a circle is for someone in the family: an intermediary sets it up for them, not for themself";
    OnlyMembers = "only-members", NotAllowed, "only members of the circle may do this";
    OnlyWarmAndLukewarm = "only-warm-and-lukewarm", NotAllowed, "only members of the warm and lukewarm rings may do this; volunteers act on their own task";
    OnlyWarmForFocus = "only-warm-for-focus", NotAllowed, "only the warm ring (asking for the focus person) may do this";
    OnlyRequestRings = "only-request-rings", NotAllowed, "only the rings this request is open to may do this";
    OnlyCoordinatorOrAsker = "only-coordinator-or-asker", NotAllowed, "only a coordinator or whoever asked may do this";
    OnlyHelperAskerOrCoordinator = "only-helper-asker-or-coordinator", NotAllowed, "only the helper, whoever asked, or a coordinator may do this";
    OnlyOfferMakerOrCoordinator = "only-offer-maker-or-coordinator", NotAllowed, "only whoever made the offer, or a coordinator may do this";
    OnlyAskedToSwap = "only-asked-to-swap", NotAllowed, "only the member who was asked to swap may do this";
    OnlyShiftRings = "only-shift-rings", NotAllowed, "only the rings this shift is open to may do this";
    OnlySwapMembers = "only-swap-members", NotAllowed, "only the two members of the swap may do this";
    OnlyIntermediaries = "only-intermediaries", NotAllowed, "only an intermediary of the organisation may do this";
    NoSuchAccount = "no-such-account", NotFound, "there is no such account in this circle";
    NoSuchConsent = "no-such-consent", NotFound, "there is no such consent in this circle";
    NoSuchEntry = "no-such-entry", NotFound, "there is no such logbook entry in this circle";
    NoSuchRequest = "no-such-request", NotFound, "there is no such request in this circle";
    NoSuchInvitation = "no-such-invitation", NotFound, "there is no such invitation in this circle";
    NoSuchMember = "no-such-member", NotFound, "there is no such member in this circle";
    NoSuchOffer = "no-such-offer", NotFound, "there is no such offer in this circle";
    NoSuchShift = "no-such-shift", NotFound, "there is no such shift in this circle";
    NoSuchSwap = "no-such-swap", NotFound, "there is no such swap in this circle";
    NoSuchOrganisation = "no-such-organisation", NotFound, "there is no such organisation in this circle";
    NoSuchIntermediary = "no-such-intermediary", NotFound, "there is no such intermediary in this circle";
    AccountKeysNotOwn = "account-keys-not-own", Invalid, "a name and e-mail address are sealed with their owner's key";
    NameKeyNotOwn = "name-key-not-own", Invalid, "a name is sealed with its owner's key";
    EmailKeyNotOwn = "email-key-not-own", Invalid, "an e-mail address is sealed with its owner's key";
    EmailUnchanged = "email-unchanged", Conflict, "this is already the e-mail address of the account";
    EmailChangedSince = "email-changed-since", Conflict, "the e-mail address of the account changed since this link was sent";
    EmailAlreadyVerified = "email-already-verified", Conflict, "this e-mail address is already confirmed";
    EmailLookupMalformed = "email-lookup-malformed", Invalid, "the e-mail lookup key is malformed";
    ConsentInPast = "consent-in-past", Invalid, "consent cannot start in the past";
    ConsentAlreadyGiven = "consent-already-given", Conflict, "this consent is already given";
    EntryExists = "entry-exists", Conflict, "this logbook entry already exists";
    EntryAlreadyRedacted = "entry-already-redacted", Conflict, "this entry was already redacted";
    InvitationExists = "invitation-exists", Conflict, "this invitation already exists";
    InvitationExpiry = "invitation-expiry", Invalid, "an invitation must expire within 30 days from now";
    CoordinatorsAreWarm = "coordinators-are-warm", Invalid, "coordinators belong to the warm ring";
    VolunteerNeedsTask = "volunteer-needs-task", Invalid, "a volunteer in the cold ring is invited for one request";
    VolunteerTaskNotOnMarketplace = "volunteer-task-not-on-marketplace", Invalid, "a volunteer can only be invited for an open request that was widened to the marketplace";
    TaskOnlyForColdRing = "task-only-for-cold-ring", Invalid, "only cold-ring invitations are for one request";
    InvitationSecretTooShort = "invitation-secret-too-short", Invalid, "the invitation secret is too short";
    InvitationUsedOrRevoked = "invitation-used-or-revoked", Conflict, "this invitation was already used or revoked";
    AlreadyInRing = "already-in-ring", Conflict, "this member is already in that ring";
    FocusAndCoordinatorsStayWarm = "focus-and-coordinators-stay-warm", Invalid, "the focus person and coordinators stay in the warm ring";
    ColdRingThroughMarketplace = "cold-ring-through-marketplace", Invalid, "volunteers join and leave the cold ring through the marketplace, not by a change of ring";
    AlreadyCoordinator = "already-coordinator", Conflict, "this member is already a coordinator";
    FocusCannotLeave = "focus-cannot-leave", Invalid, "the circle is there for you; you cannot leave it";
    RemoveSelf = "remove-self", Invalid, "to leave the circle yourself, choose leave";
    FocusCannotBeRemoved = "focus-cannot-be-removed", Invalid, "the circle is there for its focus person, who cannot be removed";
    FocusNameKeyNotOwn = "focus-name-key-not-own", Invalid, "the focus person's name must be sealed with their own key";
    InvitationUsed = "invitation-used", Conflict, "this invitation was already used";
    InvitationWithdrawn = "invitation-withdrawn", Conflict, "this invitation was withdrawn";
    InvitationExpired = "invitation-expired", Conflict, "this invitation has expired: ask for a new one";
    AlreadyMember = "already-member", Conflict, "you are already a member of this circle";
    LastCoordinator = "last-coordinator", Conflict, "a circle needs a coordinator: appoint another one first";
    TextKeyNotOwn = "text-key-not-own", Invalid, "text must be sealed with its writer's own key";
    RequestExists = "request-exists", Conflict, "this request already exists";
    WindowPassed = "window-passed", Invalid, "the time window has already passed";
    HelpLongerThanWindow = "help-longer-than-window", Invalid, "the help takes longer than the time window";
    OnlyOpenRequestWidens = "only-open-request-widens", Conflict, "only an open request can be widened";
    AlreadyOpenToRing = "already-open-to-ring", Conflict, "the request is already open to that ring";
    RequestNotOpen = "request-not-open", Conflict, "someone already took this request, or it is closed";
    OwnRequest = "own-request", Invalid, "you asked for this help yourself";
    HelpTimePassed = "help-time-passed", Invalid, "the time for this help has passed";
    ConfirmUntaken = "confirm-untaken", Conflict, "only a request someone took can be confirmed";
    DoneUntaken = "done-untaken", Conflict, "only a request someone took can be done";
    RequestClosed = "request-closed", Conflict, "this request is already closed";
    NobodyTookRequest = "nobody-took-request", Conflict, "nobody had taken this request";
    HelpNotDue = "help-not-due", Invalid, "the help was not due yet";
    ThankSelf = "thank-self", Invalid, "you cannot thank yourself";
    OfferExists = "offer-exists", Conflict, "this offer already exists";
    OfferNeedsHelp = "offer-needs-help", Invalid, "say at least one kind of help you will give";
    OfferedAndDeclined = "offered-and-declined", Invalid, "a kind of help cannot be both offered and declined";
    OfferWithdrawn = "offer-withdrawn", Conflict, "this offer was already withdrawn";
    ThankHelperWhenDone = "thank-helper-when-done", Invalid, "thank the helper once the help is done";
    NotOnThatShift = "not-on-that-shift", Invalid, "that member was not on this shift";
    ThankAfterShift = "thank-after-shift", Invalid, "thank them once the shift has taken place";
    ThankEntryAuthor = "thank-entry-author", Invalid, "thank the author of a logbook entry";
    ShiftExists = "shift-exists", Conflict, "this shift already exists";
    ShiftHelpers = "shift-helpers", Invalid, "a shift needs between 1 and 10 helpers, or 0 for a visit by professionals that is on the rota for everyone to know";
    ShiftDuration = "shift-duration", Invalid, "a shift lasts from 5 minutes to 3 days";
    ShiftRings = "shift-rings", Invalid, "a shift is open to the warm ring, the lukewarm ring, or both";
    WeeklyShiftEndsBeforeStart = "weekly-shift-ends-before-start", Invalid, "a weekly shift cannot end before it starts";
    ShiftInPast = "shift-in-past", Invalid, "a shift must start in the future";
    NoShiftOnDate = "no-shift-on-date", Invalid, "the shift does not take place on that date";
    OnlyOfferMaker = "only-offer-maker", NotAllowed, "only the one who made an offer can change it";
    ShiftWeeksApart = "shift-weeks-apart", Invalid, "a shift comes back every week, or every 2, 3 or 4 weeks";
    ShiftNotWeekly = "shift-not-weekly", Invalid, "only a weekly shift has a series to end: cancel its one date instead";
    NoShiftFromThen = "no-shift-from-then", Invalid, "the shift has no dates from then on";
    ShiftStarted = "shift-started", Invalid, "this shift has already started";
    YouAreNotOnShift = "you-are-not-on-shift", Conflict, "you are not on this shift that day";
    SwapExists = "swap-exists", Conflict, "this swap already exists";
    SwapWithSelf = "swap-with-self", Invalid, "choose someone else to swap with";
    SwapRingNotOnShift = "swap-ring-not-on-shift", Invalid, "that member's ring may not take this shift";
    SwapMemberAlreadyOnShift = "swap-member-already-on-shift", Conflict, "that member is already on this shift that day";
    SwapAlreadyAsked = "swap-already-asked", Conflict, "you already asked someone to swap this shift";
    SwapSettled = "swap-settled", Conflict, "this swap is already settled";
    ShiftChangedSinceSwap = "shift-changed-since-swap", Conflict, "the shift changed since the swap was proposed";
    AlreadyOnShift = "already-on-shift", Conflict, "you are already on this shift that day";
    ShiftFull = "shift-full", Conflict, "this shift already has all the helpers it needs";
    OrganisationName = "organisation-name", Invalid, "an organisation's name has 1 to 120 characters";
    HiddenCharacters = "hidden-characters", Invalid, "this text holds an invisible or control character (such as a direction override) that can disguise what it says: remove it";
    AlreadyIntermediary = "already-intermediary", Conflict, "this person already works for the organisation";
    Neighbourhood = "neighbourhood", Invalid, "a neighbourhood is a four-digit postcode area (such as 3512) or a district's name of up to 60 letters, never an address";
    VolunteerNothingToDo = "volunteer-nothing-to-do", Invalid, "choose at least one kind of help you will give";
    VolunteerCategory = "volunteer-category", Invalid, "volunteers help with practical things and company only: money, paperwork, feelings and personal care stay with the family and professionals";
    VolunteerAvailability = "volunteer-availability", Invalid, "choose at least one part of a day of the week when you can help";
    VolunteerCapacity = "volunteer-capacity", Invalid, "say how many tasks a month you can take on: 1 to 31";
    AlreadyVolunteer = "already-volunteer", Conflict, "you already volunteer for this organisation";
    NotYourVolunteering = "not-your-volunteering", NotAllowed, "only the volunteer themself may change their volunteering";
    VolunteerLeft = "volunteer-left", Conflict, "you stopped volunteering here: join again first";
    AlreadyListed = "already-listed", Conflict, "this request is already on a marketplace";
    ListingNeedsConsent = "listing-needs-consent", Conflict, "a request goes on an organisation's marketplace only when the circle has given that organisation consent";
    ListingNeedsNeighbourhood = "listing-needs-neighbourhood", Conflict, "name the circle's neighbourhood first (a postcode area or district, never the address): volunteers are matched by it";
    VolunteerInCircle = "volunteer-in-circle", Conflict, "this volunteer is already in the circle";
    VolunteerKeptAway = "volunteer-kept-away", Conflict, "this volunteer will not be asked by this circle again";
    AlreadyProposed = "already-proposed", Conflict, "this volunteer was already proposed for this request";
    NoSuchProposal = "no-such-proposal", NotFound, "there is no waiting proposal of this volunteer for this request";
    TaskNotOver = "task-not-over", Conflict, "a volunteer's place in the circle ends only after their task is over and the days for thanks have passed";
    NotHelpedEnough = "not-helped-enough", Conflict, "only a volunteer who helped the circle three times or more, and is in no warm or lukewarm ring, can be offered a place in the lukewarm ring";
    PlaceAlreadyOffered = "place-already-offered", Conflict, "a place was offered to this volunteer already: they have not answered yet";
    NoPlaceOffered = "no-place-offered", NotFound, "no place in the lukewarm ring is offered to you in this circle";
    HandOverToSelf = "hand-over-to-self", Invalid, "choose another member to take over coordinating";
    CoordinationAlreadyOffered = "coordination-already-offered", Conflict, "this member was already asked to take over coordinating: they have not answered yet";
    NoCoordinationOffered = "no-coordination-offered", NotFound, "nobody asked you to take over coordinating this circle";
    FocusIsWarm = "focus-is-warm", Invalid, "the person the circle is for claims their place in the warm ring, without a task";
    FocusHasAccount = "focus-has-account", Conflict, "the person this circle is for has their own account in it already";
    ClaimFromFamily = "claim-from-family", NotAllowed, "the family invites the person the circle is for to claim their place, once the circle is handed over to them";
    ConsentFromFamily = "consent-from-family", NotAllowed, "consent is the family's to give: the organisation that set the circle up gets it only after the hand-over, and never from its own intermediary";
    PlanHoldsOnlyRotaRequestsAndLogbook = "plan-holds-only-rota-requests-and-logbook", Invalid, "a new circle's plan holds only shifts, requests and logbook entries";
    ListedRequestStays = "listed-request-stays", Conflict, "this request is on a marketplace, where volunteers read it as it was listed: cancel it and ask again instead";
    CircleEnded = "circle-ended", Conflict, "this circle has ended: it can still be read, but nothing in it can be changed";
    CirclePaused = "circle-paused", Conflict, "the circle is paused: no shift takes place or can be taken until a coordinator resumes it";
    CircleAlreadyPaused = "circle-already-paused", Conflict, "the circle is paused already";
    CircleNotPaused = "circle-not-paused", Conflict, "the circle is not paused";
    LastIntermediary = "last-intermediary", Conflict, "an organisation needs an intermediary: add another one first";
    ThresholdOpenPlaces = "threshold-open-places", Invalid, "open places in the next 7 days: a number from 1 to 500, or 0 for no mail";
    ThresholdSilence = "threshold-silence", Invalid, "days without a logbook entry: a number from 1 to 365, or 0 for no mail";
    Capacity = "capacity", Invalid, "a capacity is between 1 and 80 hours a week, or between 1 and 60 tasks a month";
    WindowEndsBeforeStart = "window-ends-before-start", Invalid, "a time window must end after it starts";
    WindowTooLong = "window-too-long", Invalid, "a time window can be at most two months long";
    Duration = "duration", Invalid, "a duration is between 5 minutes and 12 hours";
}

impl Refusal {
    /// The refusal with this code, if any.
    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.iter().copied().find(|r| r.code() == code)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// Why a command was refused: a [`Refusal`], and for a word that was not
/// understood, the word itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A refusal with nothing more to say than its code and message.
    #[error("{0}")]
    Refused(Refusal),
    /// A word at the edge (a ring, a category, a capacity, a time zone) that
    /// is not one of ours; `refusal` says which kind of word.
    #[error("{}", unknown_word(*.refusal, .word))]
    UnknownWord { refusal: Refusal, word: String },
}

impl DomainError {
    /// The refusal, without the word.
    pub fn refusal(&self) -> Refusal {
        match self {
            DomainError::Refused(r) | DomainError::UnknownWord { refusal: r, .. } => *r,
        }
    }

    /// The stable code of the refusal.
    pub fn code(&self) -> &'static str {
        self.refusal().code()
    }

    /// What sort of refusal it is.
    pub fn kind(&self) -> RefusalKind {
        self.refusal().kind()
    }
}

impl From<Refusal> for DomainError {
    fn from(refusal: Refusal) -> Self {
        DomainError::Refused(refusal)
    }
}

/// "ring \"hot\" is unknown: use warm, lukewarm or cold".
fn unknown_word(refusal: Refusal, word: &str) -> String {
    let what = match refusal {
        Refusal::UnknownRing => "ring",
        Refusal::UnknownCategory => "category",
        Refusal::UnknownCapacity => "capacity",
        Refusal::UnknownTimeZone => "time zone",
        other => return format!("{other} ({word:?})"),
    };
    let message = refusal.message();
    let rest = message.split_once(": ").map_or(message, |(_, use_)| use_);
    format!("{what} {word:?} is unknown: {rest}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for r in Refusal::ALL {
            assert!(seen.insert(r.code()), "{} twice", r.code());
            assert!(
                r.code()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.code()
            );
            assert_eq!(Refusal::from_code(r.code()), Some(*r));
        }
    }

    #[test]
    fn an_unknown_word_is_named_in_the_message() {
        let e = DomainError::UnknownWord {
            refusal: Refusal::UnknownRing,
            word: "hot".into(),
        };
        assert_eq!(
            e.to_string(),
            "ring \"hot\" is unknown: use warm, lukewarm or cold"
        );
        assert_eq!(e.code(), "unknown-ring");
    }
}
