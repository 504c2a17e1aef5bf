//! A small world for given/when/then tests: a circle around FOCUS, created by
//! COORD, on 2026-11-24 at 10:00 UTC. The people, ids and common event
//! builders are the test kit's [`kring_testkit::world`], shared with the views' tests.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use kring_domain::*;
pub use kring_testkit::world::*;

/// A sha256-sized invitation secret hash.
pub const TOKEN: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

pub fn circle() -> TestFramework<Circle> {
    TestFramework::with(Services::at(now()))
}

pub fn by(person: PersonId, action: Action) -> CircleCommand {
    CircleCommand {
        actor: Actor::person(person),
        action,
    }
}

pub fn looking(action: Action) -> CircleCommand {
    CircleCommand {
        actor: Actor::intermediary(SOCIAL_WORKER, ORG),
        action,
    }
}

pub fn created() -> CircleEvent {
    CircleEvent::CircleCreated {
        circle: CIRCLE,
        focus: FOCUS,
        focus_name: sealed(FOCUS, "Mam"),
        coordinator: COORD,
        time_zone: "Europe/Amsterdam".into(),
        at: now() - Duration::days(10),
    }
}

/// A volunteer in the cold ring for `task`.
pub fn volunteer_joined(task: RequestId) -> CircleEvent {
    CircleEvent::MemberJoined {
        invitation: id(900),
        person: VOLUNTEER,
        ring: Ring::Cold,
        coordinator: false,
        task: Some(task),
    }
}

/// The created circle with a warm and a lukewarm member.
pub fn circle_with_members() -> Vec<CircleEvent> {
    vec![
        created(),
        joined(WARM, Ring::Warm),
        joined(LUKEWARM, Ring::Lukewarm),
    ]
}

pub fn window(from_hours: i64, to_hours: i64) -> TimeWindow {
    TimeWindow::new(
        now() + Duration::hours(from_hours),
        now() + Duration::hours(to_hours),
    )
    .unwrap()
}

pub fn help_requested(request: RequestId, category: Category, asked_by: PersonId) -> CircleEvent {
    CircleEvent::HelpRequested {
        request,
        category,
        window: window(24, 48),
        duration: Minutes::new(60).unwrap(),
        details: sealed(asked_by, "boodschappen"),
        asked_by,
        on_behalf_of_focus: false,
    }
}

/// Saturday 2026-11-28, 10:00 in Amsterdam.
pub fn saturday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

pub fn weekly_shift_scheduled(shift: ShiftId, rings: Vec<Ring>, helpers_needed: u8) -> CircleEvent {
    CircleEvent::ShiftScheduled {
        shift,
        title: sealed(COORD, "Bij mam op bezoek"),
        starts: local(saturday(), 10),
        duration: Minutes::new(120).unwrap(),
        recurrence: Recurrence::Weekly { until: None },
        helpers_needed,
        rings,
        by: COORD,
    }
}

// ---- One command of every kind (membership, logbook and consent tests) ----

/// One command of every kind except `CreateCircle`, with `actor`'s own sealed
/// text and ids that name nothing in the fixture's circle. For "whoever this
/// is, every command is refused the same way" tests. `Erase` is not among
/// them: it is never refused (see `tests/erasure.rs`).
pub fn every_action_but_create(actor: PersonId) -> Vec<Action> {
    let invitation: InvitationId = id(7001);
    let request: RequestId = id(7002);
    let entry: EntryId = id(7003);
    let offer: OfferId = id(7004);
    let shift: ShiftId = id(7005);
    let swap: SwapId = id(7006);
    let date = saturday();
    vec![
        Action::Invite {
            invitation,
            ring: Ring::Warm,
            role: InvitedAs::Member,
            task: None,
            token_hash: TOKEN.into(),
            expires_at: now() + Duration::days(7),
        },
        Action::RevokeInvitation { invitation },
        Action::AcceptInvitation {
            invitation,
            token_hash: TOKEN.into(),
            focus_name: None,
        },
        Action::ChangeRing {
            person: WARM,
            ring: Ring::Lukewarm,
        },
        Action::AppointCoordinator { person: WARM },
        Action::StepDownAsCoordinator,
        Action::Leave,
        Action::RemoveMember { person: WARM },
        Action::RequestHelp {
            request,
            category: Category::Groceries,
            window: window(24, 48),
            duration: Minutes::new(60).unwrap(),
            details: sealed(actor, "boodschappen"),
            place: Some(sealed(actor, "Dorpsstraat 1")),
            on_behalf_of_focus: false,
        },
        Action::WidenRequest {
            request,
            to: Ring::Lukewarm,
        },
        Action::TakeRequest { request },
        Action::ConfirmRequest { request },
        Action::MarkRequestDone { request },
        Action::CancelRequest { request },
        Action::RecordNoShow { request },
        Action::Thank {
            thanks_for: ThanksFor::Entry(entry),
            to: COORD,
            note: None,
        },
        Action::MakeOffer {
            offer,
            will: vec![Category::Groceries],
            wont: vec![],
            capacity: Capacity::HoursPerWeek(2),
            note: None,
        },
        Action::WithdrawOffer { offer },
        Action::ScheduleShift {
            shift,
            title: sealed(actor, "Bij mam op bezoek"),
            starts: local(date, 14),
            duration: Minutes::new(60).unwrap(),
            recurrence: Recurrence::Once,
            helpers_needed: 1,
            rings: vec![Ring::Warm],
        },
        Action::SkipShiftDate { shift, date },
        Action::ClaimShift { shift, date },
        Action::ReleaseShift {
            shift,
            date,
            reason: sealed(actor, "ziek"),
        },
        Action::ProposeSwap {
            swap,
            shift,
            date,
            to: WARM,
        },
        Action::AcceptSwap { swap },
        Action::DeclineSwap { swap },
        Action::WriteLogbookEntry {
            entry,
            visibility: Visibility::WarmOnly,
            text: sealed(actor, "Mam sliep goed"),
        },
        Action::RedactLogbookEntry { entry },
        Action::GrantConsent {
            organisation: ORG,
            scope: ConsentScope::Full,
            from: now(),
        },
        Action::RevokeConsent { organisation: ORG },
        Action::RecordLook {
            what: Looked::CircleFull,
        },
        Action::NameNeighbourhood {
            neighbourhood: Some(Neighbourhood::Postcode(3512)),
        },
        Action::ListRequest {
            request,
            organisation: ORG,
            summary: sealed(actor, "Boodschappen op dinsdag"),
        },
        Action::ProposeVolunteer {
            request,
            volunteer: VOLUNTEER,
            note: None,
        },
        Action::AcceptVolunteer {
            request,
            volunteer: VOLUNTEER,
            invitation,
        },
        Action::DeclineVolunteer {
            request,
            volunteer: VOLUNTEER,
        },
        Action::EndTask,
        Action::OfferPlace {
            volunteer: VOLUNTEER,
            invitation,
        },
        Action::AnswerPlace { accept: true },
        Action::EndShiftSeries { shift, from: date },
        Action::ChangeRequest {
            request,
            window: TimeWindow::new(now() + Duration::hours(1), now() + Duration::hours(5))
                .unwrap(),
            duration: Minutes::new(60).unwrap(),
            details: sealed(actor, "anders"),
        },
        Action::ChangeShiftDate {
            shift,
            date,
            time: chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            duration: Minutes::new(60).unwrap(),
        },
        Action::ChangeShiftSeries {
            shift,
            from: date,
            time: chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            duration: Minutes::new(60).unwrap(),
        },
        Action::HandOverCoordination { to: WARM },
        Action::ChangeOffer {
            offer,
            will: vec![Category::Visit],
            wont: vec![],
            capacity: Capacity::HoursPerWeek(2),
            note: None,
        },
        Action::AnswerCoordination { accept: true },
        Action::PauseCircle {
            message: Some(sealed(actor, "even rust")),
        },
        Action::ResumeCircle,
        Action::EndCircle {
            reason: EndReason::Recovered,
            message: None,
        },
    ]
}

/// The name of a command's kind. The match is exhaustive, so a new kind of
/// command does not compile until it is named here (and added above).
pub fn action_name(action: &Action) -> &'static str {
    match action {
        Action::CreateCircle { .. } => "CreateCircle",
        Action::Invite { .. } => "Invite",
        Action::RevokeInvitation { .. } => "RevokeInvitation",
        Action::AcceptInvitation { .. } => "AcceptInvitation",
        Action::ChangeRing { .. } => "ChangeRing",
        Action::AppointCoordinator { .. } => "AppointCoordinator",
        Action::StepDownAsCoordinator => "StepDownAsCoordinator",
        Action::Leave => "Leave",
        Action::Erase => "Erase",
        Action::RemoveMember { .. } => "RemoveMember",
        Action::RequestHelp { .. } => "RequestHelp",
        Action::WidenRequest { .. } => "WidenRequest",
        Action::TakeRequest { .. } => "TakeRequest",
        Action::ConfirmRequest { .. } => "ConfirmRequest",
        Action::MarkRequestDone { .. } => "MarkRequestDone",
        Action::CancelRequest { .. } => "CancelRequest",
        Action::RecordNoShow { .. } => "RecordNoShow",
        Action::Thank { .. } => "Thank",
        Action::MakeOffer { .. } => "MakeOffer",
        Action::WithdrawOffer { .. } => "WithdrawOffer",
        Action::ScheduleShift { .. } => "ScheduleShift",
        Action::SkipShiftDate { .. } => "SkipShiftDate",
        Action::ClaimShift { .. } => "ClaimShift",
        Action::EndShiftSeries { .. } => "EndShiftSeries",
        Action::ChangeRequest { .. } => "ChangeRequest",
        Action::ChangeShiftDate { .. } => "ChangeShiftDate",
        Action::ChangeShiftSeries { .. } => "ChangeShiftSeries",
        Action::HandOverCoordination { .. } => "HandOverCoordination",
        Action::ChangeOffer { .. } => "ChangeOffer",
        Action::AnswerCoordination { .. } => "AnswerCoordination",
        Action::ReleaseShift { .. } => "ReleaseShift",
        Action::ProposeSwap { .. } => "ProposeSwap",
        Action::AcceptSwap { .. } => "AcceptSwap",
        Action::DeclineSwap { .. } => "DeclineSwap",
        Action::WriteLogbookEntry { .. } => "WriteLogbookEntry",
        Action::RedactLogbookEntry { .. } => "RedactLogbookEntry",
        Action::GrantConsent { .. } => "GrantConsent",
        Action::RevokeConsent { .. } => "RevokeConsent",
        Action::RecordLook { .. } => "RecordLook",
        Action::NameNeighbourhood { .. } => "NameNeighbourhood",
        Action::ListRequest { .. } => "ListRequest",
        Action::ProposeVolunteer { .. } => "ProposeVolunteer",
        Action::AcceptVolunteer { .. } => "AcceptVolunteer",
        Action::DeclineVolunteer { .. } => "DeclineVolunteer",
        Action::EndTask => "EndTask",
        Action::OfferPlace { .. } => "OfferPlace",
        Action::AnswerPlace { .. } => "AnswerPlace",
        Action::PauseCircle { .. } => "PauseCircle",
        Action::ResumeCircle => "ResumeCircle",
        Action::EndCircle { .. } => "EndCircle",
    }
}
