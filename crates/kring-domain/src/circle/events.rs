//! Everything that can happen in a circle, in the past tense. Each event is
//! appended to the circle's stream; `audience` says who may see it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::{
    Capacity, Category, CircleId, ConsentScope, EntryId, InvitationId, Looked, Minutes,
    Neighbourhood, OfferId, OrganisationId, PersonId, RequestId, Ring, Sealed, ShiftId, SwapId,
    TimeWindow, Visibility,
};

/// The role an invitation gives besides the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitedAs {
    Member,
    Coordinator,
    /// "Claim your place": the person the circle is for takes their place as
    /// its focus person with an account of their own (not as a new member).
    Focus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Once,
    /// Every week on the same weekday and local time, up to and including `until`.
    Weekly {
        until: Option<NaiveDate>,
    },
    /// Every `weeks` weeks (2 to 4: every other week, ...), otherwise as `Weekly`.
    EveryWeeks {
        weeks: u8,
        until: Option<NaiveDate>,
    },
}

/// The most weeks between two dates of a shift.
pub const MOST_WEEKS_APART: u8 = 4;

impl Recurrence {
    /// How many weeks apart its dates are; `None` for a shift that takes place once.
    pub fn weeks_apart(&self) -> Option<u8> {
        match self {
            Recurrence::Once => None,
            Recurrence::Weekly { .. } => Some(1),
            Recurrence::EveryWeeks { weeks, .. } => Some(*weeks),
        }
    }

    /// The last date a series may take place on, if it has one.
    pub fn until(&self) -> Option<NaiveDate> {
        match self {
            Recurrence::Once => None,
            Recurrence::Weekly { until } | Recurrence::EveryWeeks { until, .. } => *until,
        }
    }

    /// Ends a series on `last` at the latest (a shift that takes place once is left as it is).
    pub fn end_by(&mut self, last: NaiveDate) {
        if let Recurrence::Weekly { until } | Recurrence::EveryWeeks { until, .. } = self {
            *until = Some(until.map_or(last, |u| u.min(last)));
        }
    }
}

/// Why a circle ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Recovered,
    MovedToCareHome,
    Died,
    Other,
}

impl EndReason {
    pub const ALL: [EndReason; 4] = [
        EndReason::Recovered,
        EndReason::MovedToCareHome,
        EndReason::Died,
        EndReason::Other,
    ];
}

/// Where a thank-you points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThanksFor {
    Request(RequestId),
    Shift(ShiftId, NaiveDate),
    Entry(EntryId),
}

/// What happened in a circle, in the past tense: the only thing stored. The
/// state ([`crate::Circle::apply`]), every view and everything anyone sees are
/// computed from these. Stored as JSON with the variant's name as the event
/// type and [`schema_version`] as its version; old versions are read through
/// [`crate::upcasters`]. Personal text is [`crate::Sealed`] with its writer's key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CircleEvent {
    CircleCreated {
        circle: CircleId,
        /// The person the circle is for; their name is sealed with their own key.
        focus: PersonId,
        focus_name: Sealed,
        /// The first coordinator, in the warm ring.
        coordinator: PersonId,
        time_zone: String,
        at: DateTime<Utc>,
    },
    InvitationIssued {
        invitation: InvitationId,
        ring: Ring,
        role: InvitedAs,
        /// A cold-ring volunteer joins for this one request.
        task: Option<RequestId>,
        /// sha256 of the secret in the link; the secret itself is never stored.
        token_hash: String,
        expires_at: DateTime<Utc>,
        by: PersonId,
    },
    InvitationRevoked {
        invitation: InvitationId,
        by: PersonId,
    },
    MemberJoined {
        invitation: InvitationId,
        person: PersonId,
        ring: Ring,
        coordinator: bool,
        task: Option<RequestId>,
    },
    MemberRingChanged {
        person: PersonId,
        ring: Ring,
        by: PersonId,
    },
    CoordinatorAppointed {
        person: PersonId,
        by: PersonId,
    },
    /// A coordinator asked `to` to take over coordinating.
    CoordinationOffered {
        to: PersonId,
        by: PersonId,
    },
    /// The answer; a yes is followed by `to` appointed and the one who asked
    /// stepping down.
    CoordinationAnswered {
        to: PersonId,
        accepted: bool,
    },
    CoordinatorStepped {
        person: PersonId,
        by: PersonId,
    },
    /// Leaving frees the member's coming shifts and the requests they had taken.
    MemberLeft {
        person: PersonId,
        at: DateTime<Utc>,
    },
    MemberRemoved {
        person: PersonId,
        by: PersonId,
        at: DateTime<Utc>,
    },
    HelpRequested {
        request: RequestId,
        category: Category,
        window: TimeWindow,
        duration: Minutes,
        /// What is needed, sealed with the asker's key.
        details: Sealed,
        asked_by: PersonId,
        /// Asked by the family for the focus person.
        on_behalf_of_focus: bool,
    },
    /// The address, in an event of its own so that only the asker, the
    /// coordinators and whoever takes the request can see it.
    RequestPlaceNoted {
        request: RequestId,
        place: Sealed,
    },
    /// When, how long or what changed; whoever took it keeps it (and is told).
    RequestChanged {
        request: RequestId,
        window: TimeWindow,
        duration: Minutes,
        /// Sealed with the key of whoever changed it.
        details: Sealed,
        by: PersonId,
    },
    RequestWidened {
        request: RequestId,
        to: Ring,
        by: PersonId,
    },
    RequestTaken {
        request: RequestId,
        by: PersonId,
    },
    RequestConfirmed {
        request: RequestId,
        by: PersonId,
    },
    RequestDone {
        request: RequestId,
        by: PersonId,
    },
    RequestCancelled {
        request: RequestId,
        by: PersonId,
    },
    NoShowRecorded {
        request: RequestId,
        helper: PersonId,
        by: PersonId,
    },
    ThanksGiven {
        thanks_for: ThanksFor,
        from: PersonId,
        to: PersonId,
        note: Option<Sealed>,
    },
    OfferMade {
        offer: OfferId,
        by: PersonId,
        will: Vec<Category>,
        wont: Vec<Category>,
        capacity: Capacity,
        note: Option<Sealed>,
    },
    OfferWithdrawn {
        offer: OfferId,
        by: PersonId,
    },
    /// The offer as its maker changed it (all of it, as `OfferMade` has it).
    OfferChanged {
        offer: OfferId,
        by: PersonId,
        will: Vec<Category>,
        wont: Vec<Category>,
        capacity: Capacity,
        note: Option<Sealed>,
    },
    ShiftScheduled {
        shift: ShiftId,
        title: Sealed,
        /// Local wall-clock start in the circle's time zone.
        starts: NaiveDateTime,
        duration: Minutes,
        recurrence: Recurrence,
        helpers_needed: u8,
        rings: Vec<Ring>,
        by: PersonId,
    },
    ShiftDateSkipped {
        shift: ShiftId,
        date: NaiveDate,
        by: PersonId,
    },
    /// A weekly shift takes place no more from `from` on; claims from then
    /// on lapse.
    ShiftSeriesEnded {
        shift: ShiftId,
        from: NaiveDate,
        by: PersonId,
    },
    /// The date `date` of the shift starts at `time` (local) and lasts `duration`.
    ShiftDateChanged {
        shift: ShiftId,
        date: NaiveDate,
        time: NaiveTime,
        duration: Minutes,
        by: PersonId,
    },
    /// From `from` on, the shift starts at `time` (local) and lasts `duration`.
    ShiftSeriesChanged {
        shift: ShiftId,
        from: NaiveDate,
        time: NaiveTime,
        duration: Minutes,
        by: PersonId,
    },
    ShiftClaimed {
        shift: ShiftId,
        date: NaiveDate,
        by: PersonId,
    },
    ShiftReleased {
        shift: ShiftId,
        date: NaiveDate,
        by: PersonId,
        reason: Sealed,
    },
    SwapProposed {
        swap: SwapId,
        shift: ShiftId,
        date: NaiveDate,
        from: PersonId,
        to: PersonId,
    },
    SwapAccepted {
        swap: SwapId,
        by: PersonId,
    },
    SwapDeclined {
        swap: SwapId,
        by: PersonId,
    },
    LogbookEntryWritten {
        entry: EntryId,
        author: PersonId,
        visibility: Visibility,
        text: Sealed,
    },
    LogbookEntryRedacted {
        entry: EntryId,
        by: PersonId,
    },
    ConsentGranted {
        organisation: OrganisationId,
        scope: ConsentScope,
        from: DateTime<Utc>,
        by: PersonId,
    },
    ConsentRevoked {
        organisation: OrganisationId,
        by: PersonId,
    },
    /// An intermediary read part of the circle: every look is on the record.
    IntermediaryLooked {
        organisation: OrganisationId,
        person: PersonId,
        scope: ConsentScope,
        /// Since version 2 a code; version 1 said it in English.
        what: Looked,
        at: DateTime<Utc>,
    },
    NeighbourhoodNamed {
        neighbourhood: Option<Neighbourhood>,
        by: PersonId,
    },
    /// On `organisation`'s marketplace, where its volunteers and intermediaries
    /// see the category, time, neighbourhood and this summary, never the circle.
    RequestListed {
        request: RequestId,
        organisation: OrganisationId,
        /// Written for strangers by the coordinator, sealed with their key.
        summary: Sealed,
        by: PersonId,
    },
    /// `by` is a matchmaker of `organisation`, or the volunteer themself.
    VolunteerProposed {
        request: RequestId,
        organisation: OrganisationId,
        volunteer: PersonId,
        note: Option<Sealed>,
        by: PersonId,
    },
    /// Followed by the volunteer joining the cold ring and taking the request.
    VolunteerAccepted {
        request: RequestId,
        volunteer: PersonId,
        by: PersonId,
    },
    /// By a coordinator, or by the volunteer (withdrawing): not asked here again.
    VolunteerDeclined {
        request: RequestId,
        volunteer: PersonId,
        by: PersonId,
    },
    /// A coordinator offers a volunteer who helped several times a place in the lukewarm ring.
    PlaceOffered {
        volunteer: PersonId,
        invitation: InvitationId,
        by: PersonId,
    },
    /// The volunteer's answer; a yes is followed by their joining (or moving to) the ring.
    PlaceAnswered {
        volunteer: PersonId,
        accepted: bool,
    },
    /// No shift takes place from `at` until the circle resumes.
    CirclePaused {
        by: PersonId,
        at: DateTime<Utc>,
        message: Option<Sealed>,
    },
    CircleResumed {
        by: PersonId,
        at: DateTime<Utc>,
    },
    /// The circle ended for good; preceded by the events that close what was
    /// still open (requests, invitations, consents, offers).
    CircleEnded {
        reason: EndReason,
        message: Option<Sealed>,
        by: PersonId,
        at: DateTime<Utc>,
    },
    /// The person the circle is for joined with an account of their own and
    /// took the focus person's place (`was`, the id the circle knew them by
    /// until now); their name is sealed again with their own key.
    FocusClaimed {
        invitation: InvitationId,
        person: PersonId,
        was: PersonId,
        name: Sealed,
    },
    /// Started at the kitchen table: an intermediary of `organisation` set the
    /// circle up with the family and coordinates it until its first
    /// coordinator from the family joins.
    CircleSetUp {
        organisation: OrganisationId,
        by: PersonId,
    },
    /// The family's first coordinator joined: the intermediary who set the
    /// circle up hands it over and leaves (they keep only what a consent
    /// of the family gives their organisation).
    CircleHandedOver {
        organisation: OrganisationId,
        from: PersonId,
        to: PersonId,
    },
}

impl CircleEvent {
    pub fn name(&self) -> &'static str {
        use CircleEvent::*;
        match self {
            CircleCreated { .. } => "CircleCreated",
            InvitationIssued { .. } => "InvitationIssued",
            InvitationRevoked { .. } => "InvitationRevoked",
            MemberJoined { .. } => "MemberJoined",
            MemberRingChanged { .. } => "MemberRingChanged",
            CoordinatorAppointed { .. } => "CoordinatorAppointed",
            CoordinatorStepped { .. } => "CoordinatorStepped",
            CoordinationOffered { .. } => "CoordinationOffered",
            CoordinationAnswered { .. } => "CoordinationAnswered",
            MemberLeft { .. } => "MemberLeft",
            MemberRemoved { .. } => "MemberRemoved",
            HelpRequested { .. } => "HelpRequested",
            RequestPlaceNoted { .. } => "RequestPlaceNoted",
            RequestChanged { .. } => "RequestChanged",
            RequestWidened { .. } => "RequestWidened",
            RequestTaken { .. } => "RequestTaken",
            RequestConfirmed { .. } => "RequestConfirmed",
            RequestDone { .. } => "RequestDone",
            RequestCancelled { .. } => "RequestCancelled",
            NoShowRecorded { .. } => "NoShowRecorded",
            ThanksGiven { .. } => "ThanksGiven",
            OfferMade { .. } => "OfferMade",
            OfferWithdrawn { .. } => "OfferWithdrawn",
            OfferChanged { .. } => "OfferChanged",
            ShiftScheduled { .. } => "ShiftScheduled",
            ShiftDateSkipped { .. } => "ShiftDateSkipped",
            ShiftSeriesEnded { .. } => "ShiftSeriesEnded",
            ShiftDateChanged { .. } => "ShiftDateChanged",
            ShiftSeriesChanged { .. } => "ShiftSeriesChanged",
            ShiftClaimed { .. } => "ShiftClaimed",
            ShiftReleased { .. } => "ShiftReleased",
            SwapProposed { .. } => "SwapProposed",
            SwapAccepted { .. } => "SwapAccepted",
            SwapDeclined { .. } => "SwapDeclined",
            LogbookEntryWritten { .. } => "LogbookEntryWritten",
            LogbookEntryRedacted { .. } => "LogbookEntryRedacted",
            ConsentGranted { .. } => "ConsentGranted",
            ConsentRevoked { .. } => "ConsentRevoked",
            IntermediaryLooked { .. } => "IntermediaryLooked",
            NeighbourhoodNamed { .. } => "NeighbourhoodNamed",
            RequestListed { .. } => "RequestListed",
            VolunteerProposed { .. } => "VolunteerProposed",
            VolunteerAccepted { .. } => "VolunteerAccepted",
            VolunteerDeclined { .. } => "VolunteerDeclined",
            PlaceOffered { .. } => "PlaceOffered",
            PlaceAnswered { .. } => "PlaceAnswered",
            CirclePaused { .. } => "CirclePaused",
            CircleResumed { .. } => "CircleResumed",
            CircleEnded { .. } => "CircleEnded",
            FocusClaimed { .. } => "FocusClaimed",
            CircleSetUp { .. } => "CircleSetUp",
            CircleHandedOver { .. } => "CircleHandedOver",
        }
    }
}

/// The schema version of each event type. Version 2 of LogbookEntryWritten
/// replaced the boolean `lukewarm_may_read` by `visibility`; see `upcasters`.
pub fn schema_version(event_type: &str) -> u32 {
    match event_type {
        "LogbookEntryWritten" => 2,
        "IntermediaryLooked" => 2,
        _ => 1,
    }
}

impl DomainEvent for CircleEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        schema_version(self.name()).to_string()
    }
}
