//! A circle's events as clients see them: in live frames
//! ([`ServerMessage::Event`](super::ServerMessage)) and in exports
//! ([`ExportedEvent`](super::ExportedEvent)).
//!
//! These are the public shape of what happened, kept apart from how the
//! server stores events: the server maps each stored event to one of these,
//! so a change to its own events cannot change the API unnoticed. Each event
//! is `kind` (what happened, such as `ShiftClaimed`) and `data` (its fields).
//!
//! Personal text (names, details, places, notes, writing) is `null` in live
//! frames, which go to many readers at once; exports open it for the one who
//! exports, and show `null` for what a forgotten person wrote.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Capacity, Category, Ring, Role, Scope, Visibility};

/// One event of a circle: `kind` names what happened, `data` holds its fields.
/// Ids are those of the API's resources (people, requests, shifts, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", content = "data")]
pub enum Event {
    /// The circle was made, for `focus`, by its first coordinator.
    CircleCreated {
        circle: Uuid,
        focus: Uuid,
        /// Personal text.
        focus_name: Option<String>,
        coordinator: Uuid,
        time_zone: String,
        at: DateTime<Utc>,
    },
    InvitationIssued {
        invitation: Uuid,
        ring: Ring,
        role: Role,
        /// A cold-ring volunteer joins for this one request.
        task: Option<Uuid>,
        /// SHA-256 of the link's secret (hex); the secret itself is never kept.
        token_hash: String,
        expires_at: DateTime<Utc>,
        by: Uuid,
    },
    InvitationRevoked {
        invitation: Uuid,
        by: Uuid,
    },
    MemberJoined {
        invitation: Uuid,
        person: Uuid,
        ring: Ring,
        coordinator: bool,
        task: Option<Uuid>,
    },
    MemberRingChanged {
        person: Uuid,
        ring: Ring,
        by: Uuid,
    },
    CoordinatorAppointed {
        person: Uuid,
        by: Uuid,
    },
    CoordinatorStepped {
        person: Uuid,
        by: Uuid,
    },
    /// A coordinator asked `to` to take over coordinating.
    CoordinationOffered {
        to: Uuid,
        by: Uuid,
    },
    /// The answer; a yes is followed by `to` appointed and the one who asked stepping down.
    CoordinationAnswered {
        to: Uuid,
        accepted: bool,
    },
    MemberLeft {
        person: Uuid,
        at: DateTime<Utc>,
    },
    MemberRemoved {
        person: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
    },
    HelpRequested {
        request: Uuid,
        category: Category,
        window: Window,
        /// Minutes.
        duration: u16,
        /// Personal text: what is needed.
        details: Option<String>,
        asked_by: Uuid,
        /// Asked by the family for the focus person.
        on_behalf_of_focus: bool,
    },
    /// When, how long or what changed; whoever took it keeps it.
    RequestChanged {
        request: Uuid,
        window: Window,
        /// Minutes.
        duration: u16,
        /// Personal text: what is needed now.
        details: Option<String>,
        by: Uuid,
    },
    /// Where help is needed; seen only by the asker, the coordinators and
    /// whoever takes the request.
    RequestPlaceNoted {
        request: Uuid,
        /// Personal text: the address.
        place: Option<String>,
    },
    RequestWidened {
        request: Uuid,
        to: Ring,
        by: Uuid,
    },
    RequestTaken {
        request: Uuid,
        by: Uuid,
    },
    RequestConfirmed {
        request: Uuid,
        by: Uuid,
    },
    RequestDone {
        request: Uuid,
        by: Uuid,
    },
    RequestCancelled {
        request: Uuid,
        by: Uuid,
    },
    NoShowRecorded {
        request: Uuid,
        helper: Uuid,
        by: Uuid,
    },
    ThanksGiven {
        thanks_for: ThankedFor,
        from: Uuid,
        to: Uuid,
        /// Personal text.
        note: Option<String>,
    },
    OfferMade {
        offer: Uuid,
        by: Uuid,
        will: Vec<Category>,
        wont: Vec<Category>,
        capacity: Capacity,
        /// Personal text.
        note: Option<String>,
    },
    OfferWithdrawn {
        offer: Uuid,
        by: Uuid,
    },
    /// The offer as its maker changed it.
    OfferChanged {
        offer: Uuid,
        by: Uuid,
        will: Vec<Category>,
        wont: Vec<Category>,
        capacity: Capacity,
        /// Personal text.
        note: Option<String>,
    },
    ShiftScheduled {
        shift: Uuid,
        /// Personal text.
        title: Option<String>,
        /// Local wall-clock start in the circle's time zone.
        #[schema(value_type = String, example = "2026-12-05T10:00:00")]
        starts: NaiveDateTime,
        /// Minutes.
        duration: u16,
        recurrence: Recurrence,
        helpers_needed: u8,
        rings: Vec<Ring>,
        by: Uuid,
    },
    ShiftDateSkipped {
        shift: Uuid,
        date: NaiveDate,
        by: Uuid,
    },
    /// A weekly shift takes place no more from `from` on.
    ShiftSeriesEnded {
        shift: Uuid,
        from: NaiveDate,
        by: Uuid,
    },
    /// The date `date` starts at `time` (local, `HH:MM:SS`) and lasts `duration` minutes.
    ShiftDateChanged {
        shift: Uuid,
        date: NaiveDate,
        #[schema(value_type = String, example = "14:30:00")]
        time: NaiveTime,
        duration: u16,
        by: Uuid,
    },
    /// From `from` on, the shift starts at `time` (local) and lasts `duration` minutes.
    ShiftSeriesChanged {
        shift: Uuid,
        from: NaiveDate,
        #[schema(value_type = String, example = "14:30:00")]
        time: NaiveTime,
        duration: u16,
        by: Uuid,
    },
    ShiftClaimed {
        shift: Uuid,
        date: NaiveDate,
        by: Uuid,
    },
    ShiftReleased {
        shift: Uuid,
        date: NaiveDate,
        by: Uuid,
        /// Personal text.
        reason: Option<String>,
    },
    SwapProposed {
        swap: Uuid,
        shift: Uuid,
        date: NaiveDate,
        from: Uuid,
        to: Uuid,
    },
    SwapAccepted {
        swap: Uuid,
        by: Uuid,
    },
    SwapDeclined {
        swap: Uuid,
        by: Uuid,
    },
    LogbookEntryWritten {
        entry: Uuid,
        author: Uuid,
        visibility: Visibility,
        /// Personal text.
        text: Option<String>,
    },
    LogbookEntryRedacted {
        entry: Uuid,
        by: Uuid,
    },
    ConsentGranted {
        organisation: Uuid,
        scope: Scope,
        from: DateTime<Utc>,
        by: Uuid,
    },
    ConsentRevoked {
        organisation: Uuid,
        by: Uuid,
    },
    /// An intermediary of `organisation` read part of the circle.
    IntermediaryLooked {
        organisation: Uuid,
        person: Uuid,
        scope: Scope,
        /// What they looked at: one of the look codes (`LOOK_CODES`).
        what: String,
        at: DateTime<Utc>,
    },
    /// Where the circle is for the marketplace: a four-digit postcode area or
    /// a district's name (`null`: no longer named).
    NeighbourhoodNamed {
        neighbourhood: Option<String>,
        by: Uuid,
    },
    /// On `organisation`'s marketplace, with a summary for its volunteers.
    RequestListed {
        request: Uuid,
        organisation: Uuid,
        summary: Option<String>,
        by: Uuid,
    },
    /// `by`: a matchmaker of `organisation`, or the volunteer themself.
    VolunteerProposed {
        request: Uuid,
        organisation: Uuid,
        volunteer: Uuid,
        note: Option<String>,
        by: Uuid,
    },
    /// The volunteer joins the cold ring for the request and takes it.
    VolunteerAccepted {
        request: Uuid,
        volunteer: Uuid,
        by: Uuid,
    },
    /// By a coordinator, or the volunteer withdrawing.
    VolunteerDeclined {
        request: Uuid,
        volunteer: Uuid,
        by: Uuid,
    },
    /// A coordinator offers a volunteer who helped several times a place in the lukewarm ring.
    PlaceOffered {
        volunteer: Uuid,
        invitation: Uuid,
        by: Uuid,
    },
    /// The volunteer's answer; a yes is followed by their joining (or moving to) the ring.
    PlaceAnswered {
        volunteer: Uuid,
        accepted: bool,
    },
    /// No shift takes place from `at` until the circle resumes.
    CirclePaused {
        by: Uuid,
        at: DateTime<Utc>,
        /// Personal text.
        message: Option<String>,
    },
    CircleResumed {
        by: Uuid,
        at: DateTime<Utc>,
    },
    /// The circle ended for good: read-only from `at`.
    CircleEnded {
        reason: super::EndReason,
        /// Personal text.
        message: Option<String>,
        by: Uuid,
        at: DateTime<Utc>,
    },
    /// The person the circle is for joined with an account of their own and
    /// took the place of `was`, the id the circle knew them by until now.
    FocusClaimed {
        invitation: Uuid,
        person: Uuid,
        was: Uuid,
        /// Personal text: their name.
        name: Option<String>,
    },
    /// An intermediary of `organisation` set the circle up with the family
    /// (at the kitchen table) and coordinates it until the family's first
    /// coordinator joins.
    CircleSetUp {
        organisation: Uuid,
        by: Uuid,
    },
    /// The family's first coordinator joined: the intermediary handed the
    /// circle over and left it.
    CircleHandedOver {
        organisation: Uuid,
        from: Uuid,
        to: Uuid,
    },
}

impl Event {
    /// What happened, as in `kind`: such as `ShiftClaimed`.
    pub fn kind(&self) -> &'static str {
        use Event::*;
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

/// When help may be given: `start` before `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// How a shift repeats: `"once"`, `{"weekly": {"until": date or null}}`
/// (every week on the same weekday and local time, up to and including
/// `until`), or `{"every_weeks": {"weeks": 2, "until": date or null}}` (every
/// other week, or every 3 or 4 weeks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Once,
    Weekly { until: Option<NaiveDate> },
    EveryWeeks { weeks: u8, until: Option<NaiveDate> },
}

/// What a thank-you is for: `{"request": id}`, `{"shift": [id, date]}` or
/// `{"entry": id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThankedFor {
    Request(Uuid),
    Shift(ShiftDate),
    Entry(Uuid),
}

/// One date of a shift, as a pair: `[shift id, date]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftDate(pub Uuid, pub NaiveDate);

impl utoipa::PartialSchema for ShiftDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            ArrayBuilder, ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
        };
        let string = |format| {
            Schema::Object(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(format)))
                    .build(),
            )
        };
        ArrayBuilder::new()
            .description(Some("One date of a shift, as a pair: `[shift id, date]`."))
            .prefix_items([string(KnownFormat::Uuid), string(KnownFormat::Date)])
            .items(ArrayItems::False)
            .min_items(Some(2))
            .max_items(Some(2))
            .into()
    }
}

impl ToSchema for ShiftDate {}
