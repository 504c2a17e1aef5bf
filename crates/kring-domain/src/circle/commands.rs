//! What people ask a circle to do. Every command names its actor; ids and
//! sealed personal data are made by the caller.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::circle::events::{EndReason, InvitedAs, Recurrence, ThanksFor};
use crate::{
    Capacity, Category, CircleId, ConsentScope, EntryId, InvitationId, Minutes, Neighbourhood,
    OfferId, OrganisationId, PersonId, RequestId, Ring, Sealed, ShiftId, SwapId, TimeWindow,
    Visibility,
};

/// Who acts: a person, possibly on behalf of an organisation (an intermediary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub person: PersonId,
    pub organisation: Option<OrganisationId>,
}

impl Actor {
    pub fn person(person: PersonId) -> Actor {
        Actor {
            person,
            organisation: None,
        }
    }

    pub fn intermediary(person: PersonId, organisation: OrganisationId) -> Actor {
        Actor {
            person,
            organisation: Some(organisation),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CircleCommand {
    pub actor: Actor,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Made by a person, or at the kitchen table by an intermediary (the
    /// actor's `organisation`) who coordinates it until the family's first
    /// coordinator joins. `plan` (a template's shifts, requests and welcome
    /// entry) is decided as the creator right after, in the same step.
    CreateCircle {
        circle: CircleId,
        focus: PersonId,
        focus_name: Sealed,
        time_zone: String,
        #[serde(default)]
        plan: Vec<Action>,
    },
    Invite {
        invitation: InvitationId,
        ring: Ring,
        role: InvitedAs,
        task: Option<RequestId>,
        token_hash: String,
        expires_at: DateTime<Utc>,
    },
    RevokeInvitation {
        invitation: InvitationId,
    },
    AcceptInvitation {
        invitation: InvitationId,
        token_hash: String,
        /// Claiming the focus person's place: their name sealed with their own key.
        #[serde(default)]
        focus_name: Option<Sealed>,
    },
    ChangeRing {
        person: PersonId,
        ring: Ring,
    },
    AppointCoordinator {
        person: PersonId,
    },
    StepDownAsCoordinator,
    /// A coordinator asks a warm member to take over coordinating; once they
    /// accept, the coordinator who asked steps down (and stays a member).
    HandOverCoordination {
        to: PersonId,
    },
    /// The member asked answers.
    AnswerCoordination {
        accept: bool,
    },
    Leave,
    /// The actor's account is being erased: they leave, also as the focus
    /// person or the last coordinator (an erasure cannot be refused), their
    /// open invitations are revoked and their offers withdrawn. Outside the
    /// circle, nothing happens.
    Erase,
    RemoveMember {
        person: PersonId,
    },
    RequestHelp {
        request: RequestId,
        category: Category,
        window: TimeWindow,
        duration: Minutes,
        details: Sealed,
        place: Option<Sealed>,
        on_behalf_of_focus: bool,
    },
    /// The one who asked, or a coordinator, changes when, how long or what
    /// (the category and who may take it stay).
    ChangeRequest {
        request: RequestId,
        window: TimeWindow,
        duration: Minutes,
        details: Sealed,
    },
    WidenRequest {
        request: RequestId,
        to: Ring,
    },
    TakeRequest {
        request: RequestId,
    },
    ConfirmRequest {
        request: RequestId,
    },
    MarkRequestDone {
        request: RequestId,
    },
    CancelRequest {
        request: RequestId,
    },
    RecordNoShow {
        request: RequestId,
    },
    Thank {
        thanks_for: ThanksFor,
        to: PersonId,
        note: Option<Sealed>,
    },
    MakeOffer {
        offer: OfferId,
        will: Vec<Category>,
        wont: Vec<Category>,
        capacity: Capacity,
        note: Option<Sealed>,
    },
    WithdrawOffer {
        offer: OfferId,
    },
    /// The one who made an offer changes what they will do, their capacity
    /// or their note.
    ChangeOffer {
        offer: OfferId,
        will: Vec<Category>,
        wont: Vec<Category>,
        capacity: Capacity,
        note: Option<Sealed>,
    },
    ScheduleShift {
        shift: ShiftId,
        title: Sealed,
        starts: NaiveDateTime,
        duration: Minutes,
        recurrence: Recurrence,
        helpers_needed: u8,
        rings: Vec<Ring>,
    },
    SkipShiftDate {
        shift: ShiftId,
        date: NaiveDate,
    },
    /// A weekly shift takes place no more from `from` on.
    EndShiftSeries {
        shift: ShiftId,
        from: NaiveDate,
    },
    /// One date of a shift takes place at another time, or lasts longer or
    /// shorter; the day stays.
    ChangeShiftDate {
        shift: ShiftId,
        date: NaiveDate,
        time: NaiveTime,
        duration: Minutes,
    },
    /// A weekly shift takes place at another time, or lasts longer or
    /// shorter, from `from` on (a date changed on its own keeps its change).
    ChangeShiftSeries {
        shift: ShiftId,
        from: NaiveDate,
        time: NaiveTime,
        duration: Minutes,
    },
    ClaimShift {
        shift: ShiftId,
        date: NaiveDate,
    },
    ReleaseShift {
        shift: ShiftId,
        date: NaiveDate,
        reason: Sealed,
    },
    ProposeSwap {
        swap: SwapId,
        shift: ShiftId,
        date: NaiveDate,
        to: PersonId,
    },
    AcceptSwap {
        swap: SwapId,
    },
    DeclineSwap {
        swap: SwapId,
    },
    WriteLogbookEntry {
        entry: EntryId,
        visibility: Visibility,
        text: Sealed,
    },
    RedactLogbookEntry {
        entry: EntryId,
    },
    GrantConsent {
        organisation: OrganisationId,
        scope: ConsentScope,
        from: DateTime<Utc>,
    },
    RevokeConsent {
        organisation: OrganisationId,
    },
    /// Put an intermediary's look on the record (the server sends this with every read).
    RecordLook {
        what: crate::Looked,
    },
    /// Where the circle is, as matching sees it (never the address); `None` unnames it.
    NameNeighbourhood {
        neighbourhood: Option<Neighbourhood>,
    },
    /// Put an open request on an organisation's marketplace, opening it to the
    /// cold ring, with a summary for strangers (no name, place or details).
    ListRequest {
        request: RequestId,
        organisation: OrganisationId,
        summary: Sealed,
    },
    /// Of the listing's organisation (actor's `organisation`): a matchmaker
    /// proposes `volunteer`, or the volunteer offers themself (`volunteer` is the actor).
    ProposeVolunteer {
        request: RequestId,
        volunteer: PersonId,
        note: Option<Sealed>,
    },
    /// The volunteer joins the cold ring for this one request, and takes it.
    AcceptVolunteer {
        request: RequestId,
        volunteer: PersonId,
        invitation: InvitationId,
    },
    /// A coordinator says no to a proposal, or the volunteer withdraws their own
    /// (the actor's `organisation` set): either way they are not asked by this circle again.
    DeclineVolunteer {
        request: RequestId,
        volunteer: PersonId,
    },
    /// A volunteer's access ends with their task: run for them once the task is
    /// over and the days for thanks have passed.
    EndTask,
    /// A coordinator offers a volunteer who helped the circle at least
    /// [`crate::circle::state::TASKS_FOR_A_PLACE`] times a place in the
    /// lukewarm ring; `invitation` names the place if they take it.
    OfferPlace {
        volunteer: PersonId,
        invitation: InvitationId,
    },
    /// The volunteer's answer to a place offered to them (in the circle or not).
    /// A coordinator pauses the circle (a hospital stay): no shift takes
    /// place or can be claimed until it resumes.
    PauseCircle {
        message: Option<Sealed>,
    },
    ResumeCircle,
    /// A coordinator ends the circle for good: it can be read, not changed.
    EndCircle {
        reason: EndReason,
        message: Option<Sealed>,
    },
    AnswerPlace {
        accept: bool,
    },
}
