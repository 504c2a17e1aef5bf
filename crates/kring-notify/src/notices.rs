//! Who should hear of an event, and of what: a pure function of the circle
//! before and after it. Every notice is for someone the domain's `audience()`
//! lets see the event, and never for the person who did it.

use chrono::{DateTime, NaiveDate, Utc};
use kring_domain::{
    audience, Actor, Category, Circle, CircleEvent, CircleId, Kind, Neighbourhood, OrganisationId,
    PersonId, RequestId, Ring, ShiftId, SwapId, ThanksFor, Viewer,
};
use serde::{Deserialize, Serialize};

/// What a person can switch on or off (per circle) and have now or in a digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    /// A request open to your ring.
    RequestOpen,
    /// A request you took was confirmed, cancelled or thanked.
    MyRequests,
    /// Changes to your shifts: a swap proposed to you, the answer to yours,
    /// a date you were on cancelled.
    Swaps,
    /// Before your shifts and the requests you took.
    Reminders,
    /// For coordinators: new members, open places, unanswered requests, load.
    Coordination,
    /// For coordinators: each week, who of an organisation looked at the circle.
    Looks,
    /// For intermediaries: a consenting circle crossed a threshold the organisation set.
    Thresholds,
    /// For volunteers and matchmakers: an organisation's marketplace (no circle named).
    Marketplace,
    /// For every member: the circle paused, resumed or ended.
    CircleLife,
}

impl Topic {
    pub const ALL: [Topic; 9] = [
        Topic::RequestOpen,
        Topic::MyRequests,
        Topic::Swaps,
        Topic::Reminders,
        Topic::Coordination,
        Topic::Looks,
        Topic::Thresholds,
        Topic::Marketplace,
        Topic::CircleLife,
    ];

    /// The stable name used in settings, outbox rows and unsubscribe links.
    pub fn code(self) -> &'static str {
        match self {
            Topic::RequestOpen => "request-open",
            Topic::MyRequests => "my-requests",
            Topic::Swaps => "swaps",
            Topic::Reminders => "reminders",
            Topic::Coordination => "coordination",
            Topic::Looks => "looks",
            Topic::Thresholds => "thresholds",
            Topic::Marketplace => "marketplace",
            Topic::CircleLife => "circle-life",
        }
    }

    pub fn from_code(code: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// What a mail is about: only ids, kinds and times, never personal text.
/// Stored as the outbox row's body; the text is written when it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum About {
    RequestOpen {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    RequestConfirmed {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    RequestCancelled {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    /// For whoever took a request whose time, length or words changed.
    RequestChanged {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    Thanked {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    SwapProposed {
        swap: SwapId,
        shift: ShiftId,
        date: NaiveDate,
        starts: DateTime<Utc>,
    },
    SwapAccepted {
        swap: SwapId,
        starts: DateTime<Utc>,
    },
    SwapDeclined {
        swap: SwapId,
        starts: DateTime<Utc>,
    },
    /// A swap proposed to you, not yet answered, whose shift begins within a day.
    SwapLapsing {
        swap: SwapId,
        starts: DateTime<Utc>,
    },
    /// A date of a shift you were on is cancelled (on its own, or with the
    /// rest of the series).
    ShiftCancelled {
        shift: ShiftId,
        date: NaiveDate,
        starts: DateTime<Utc>,
    },
    /// For whoever is on a date whose time or length changed.
    ShiftChanged {
        shift: ShiftId,
        date: NaiveDate,
        /// When it was to start, and when it starts now.
        was: DateTime<Utc>,
        starts: DateTime<Utc>,
        minutes: u16,
    },
    NewMember {
        ring: Ring,
    },
    /// For the warm member a coordinator asked to take over coordinating.
    CoordinationOffered,
    /// For the coordinator who asked: the answer.
    CoordinationAnswered {
        accepted: bool,
    },
    /// For the family's coordinators: the intermediary who set the circle up
    /// handed it over; it is the family's now.
    HandedOver,
    /// For coordinators: a volunteer of the marketplace was proposed for a request.
    VolunteerProposed {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    /// For a volunteer: the family accepted them for a request; they are in the circle.
    VolunteerAccepted {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    /// For coordinators: a volunteer from the marketplace has now done
    /// enough tasks here to be offered a place in the lukewarm ring.
    HelpedOften {
        volunteer: PersonId,
    },
    /// For the volunteer (most often no longer in the circle): the circle
    /// offers them a place in its lukewarm ring.
    PlaceOffered,
    /// For every member but the coordinator who did it.
    CirclePaused,
    CircleResumed,
    CircleEnded {
        reason: kring_domain::EndReason,
    },
    /// For coordinators, weekly by default: an organisation looked at the circle.
    Looked {
        organisation: OrganisationId,
        at: DateTime<Utc>,
    },
    ShiftReminder {
        shift: ShiftId,
        date: NaiveDate,
        starts: DateTime<Utc>,
    },
    RequestReminder {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
    },
    /// For coordinators: a shift date in the next 48 hours still has open places.
    OpenPlaces {
        shift: ShiftId,
        date: NaiveDate,
        starts: DateTime<Utc>,
    },
    /// For coordinators: nobody took a request for 24 hours; `can_widen` when
    /// it may still be shown to a wider ring.
    RequestUnanswered {
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
        can_widen: bool,
    },
    /// For coordinators: a member gives more this week than they said they could.
    MemberOverCapacity,
    /// For coordinators: one member has carried most of the help for three weeks.
    CarerAtRisk,
    /// For an organisation's intermediaries: a consenting circle crossed one of
    /// its thresholds. `named` when the consent lets them see the focus
    /// person's name (`full`); else the mail says "a circle".
    Threshold {
        organisation: OrganisationId,
        signal: ThresholdSignal,
        named: bool,
    },
    /// For a volunteer or a matchmaker of `organisation`, who is no member of
    /// the circle: a request on its marketplace, told as the listing shows it
    /// (never the circle, a name, the place or the details).
    MarketListing {
        organisation: OrganisationId,
        /// The circle and request are for the sender's check when it writes
        /// the mail (is it still wanted?); no mail names them.
        circle: CircleId,
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
        /// The circle's zone, so the time reads as the family means it.
        time_zone: String,
        neighbourhood: Neighbourhood,
        /// For a matchmaker (the board); else for a volunteer it fits.
        matchmaker: bool,
    },
    /// For matchmakers: a volunteer offered themself for a listing.
    MarketOffer {
        organisation: OrganisationId,
        circle: CircleId,
        request: RequestId,
        category: Category,
        starts: DateTime<Utc>,
        time_zone: String,
        neighbourhood: Neighbourhood,
    },
}

/// Which of an organisation's thresholds a circle crossed, with the
/// organisation's own setting (never the circle's content).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "signal", rename_all = "kebab-case")]
pub enum ThresholdSignal {
    /// At least `at_least` open places on shifts in the next 7 days.
    OpenPlaces {
        at_least: u32,
    },
    CarerAtRisk,
    /// No logbook entry for `days` days or more.
    Silence {
        days: u32,
    },
}

impl ThresholdSignal {
    pub fn code(self) -> &'static str {
        match self {
            ThresholdSignal::OpenPlaces { .. } => "open-places",
            ThresholdSignal::CarerAtRisk => "carer-at-risk",
            ThresholdSignal::Silence { .. } => "silence",
        }
    }
}

impl About {
    /// The switch a person turns this off with.
    pub fn topic(&self) -> Topic {
        match self {
            About::RequestOpen { .. } => Topic::RequestOpen,
            About::RequestConfirmed { .. }
            | About::RequestCancelled { .. }
            | About::RequestChanged { .. }
            | About::Thanked { .. } => Topic::MyRequests,
            About::SwapProposed { .. }
            | About::SwapAccepted { .. }
            | About::SwapDeclined { .. }
            | About::SwapLapsing { .. }
            | About::ShiftCancelled { .. }
            | About::ShiftChanged { .. } => Topic::Swaps,
            About::NewMember { .. }
            | About::VolunteerProposed { .. }
            | About::OpenPlaces { .. }
            | About::RequestUnanswered { .. }
            | About::MemberOverCapacity
            | About::CarerAtRisk
            | About::HelpedOften { .. }
            | About::CoordinationOffered
            | About::CoordinationAnswered { .. }
            | About::HandedOver => Topic::Coordination,
            About::PlaceOffered => Topic::MyRequests,
            About::Threshold { .. } => Topic::Thresholds,
            About::MarketListing { .. } | About::MarketOffer { .. } => Topic::Marketplace,
            About::VolunteerAccepted { .. } => Topic::MyRequests,
            About::Looked { .. } => Topic::Looks,
            About::ShiftReminder { .. } | About::RequestReminder { .. } => Topic::Reminders,
            About::CirclePaused | About::CircleResumed | About::CircleEnded { .. } => {
                Topic::CircleLife
            }
        }
    }

    /// When the thing a notice is about begins, if it has a time.
    pub fn starts(&self) -> Option<DateTime<Utc>> {
        match self {
            About::RequestOpen { starts, .. }
            | About::RequestConfirmed { starts, .. }
            | About::RequestCancelled { starts, .. }
            | About::RequestChanged { starts, .. }
            | About::Thanked { starts, .. }
            | About::SwapProposed { starts, .. }
            | About::SwapAccepted { starts, .. }
            | About::SwapDeclined { starts, .. }
            | About::SwapLapsing { starts, .. }
            | About::ShiftCancelled { starts, .. }
            | About::ShiftChanged { starts, .. }
            | About::ShiftReminder { starts, .. }
            | About::RequestReminder { starts, .. }
            | About::OpenPlaces { starts, .. }
            | About::RequestUnanswered { starts, .. }
            | About::VolunteerProposed { starts, .. }
            | About::VolunteerAccepted { starts, .. }
            | About::MarketListing { starts, .. }
            | About::MarketOffer { starts, .. } => Some(*starts),
            About::NewMember { .. }
            | About::CoordinationOffered
            | About::CoordinationAnswered { .. }
            | About::HandedOver
            | About::HelpedOften { .. }
            | About::PlaceOffered
            | About::CirclePaused
            | About::CircleResumed
            | About::CircleEnded { .. }
            | About::Looked { .. }
            | About::MemberOverCapacity
            | About::CarerAtRisk
            | About::Threshold { .. } => None,
        }
    }

    /// A short stable name of the kind of mail (the outbox row's `kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            About::RequestOpen { .. } => "request-open",
            About::RequestConfirmed { .. } => "request-confirmed",
            About::RequestCancelled { .. } => "request-cancelled",
            About::RequestChanged { .. } => "request-changed",
            About::Thanked { .. } => "thanked",
            About::SwapProposed { .. } => "swap-proposed",
            About::SwapAccepted { .. } => "swap-accepted",
            About::SwapDeclined { .. } => "swap-declined",
            About::SwapLapsing { .. } => "swap-lapsing",
            About::ShiftCancelled { .. } => "shift-cancelled",
            About::ShiftChanged { .. } => "shift-changed",
            About::NewMember { .. } => "new-member",
            About::CoordinationOffered => "coordination-offered",
            About::CoordinationAnswered { .. } => "coordination-answered",
            About::HandedOver => "handed-over",
            About::VolunteerProposed { .. } => "volunteer-proposed",
            About::VolunteerAccepted { .. } => "volunteer-accepted",
            About::Looked { .. } => "looked",
            About::ShiftReminder { .. } => "reminder-shift",
            About::RequestReminder { .. } => "reminder-request",
            About::OpenPlaces { .. } => "open-places",
            About::RequestUnanswered { .. } => "request-unanswered",
            About::MemberOverCapacity => "member-over-capacity",
            About::CarerAtRisk => "carer-at-risk",
            About::Threshold { .. } => "threshold",
            About::HelpedOften { .. } => "helped-often",
            About::PlaceOffered => "place-offered",
            About::CirclePaused => "circle-paused",
            About::CircleResumed => "circle-resumed",
            About::CircleEnded { .. } => "circle-ended",
            About::MarketListing { .. } => "market-listing",
            About::MarketOffer { .. } => "market-offer",
        }
    }

    /// Whether the mail is about one circle (its row names it, its settings
    /// may be the circle's own); the marketplace's never are.
    pub fn names_circle(&self) -> bool {
        self.topic() != Topic::Marketplace
    }

    /// Whether it goes to someone outside the circle (a place offered to a
    /// volunteer whose task ended): they are told, and only that.
    pub fn for_outsider(&self) -> bool {
        matches!(self, About::PlaceOffered)
    }

    /// Whether it is for a matchmaker (a new listing or an offer on the board).
    pub fn is_for_matchmaker(&self) -> bool {
        matches!(
            self,
            About::MarketListing {
                matchmaker: true,
                ..
            } | About::MarketOffer { .. }
        )
    }

    /// The organisation whose marketplace a notice is about.
    pub fn marketplace(&self) -> Option<OrganisationId> {
        match self {
            About::MarketListing { organisation, .. } | About::MarketOffer { organisation, .. } => {
                Some(*organisation)
            }
            _ => None,
        }
    }
}

/// One person who should hear of something in a circle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub circle: CircleId,
    pub recipient: PersonId,
    pub about: About,
}

/// Who should hear of `event`, done by `actor`, given the circle just before
/// and just after it. Each recipient passes the domain's `audience()` for the
/// event against the circle after it. Nobody is asked to help with, or told
/// of a change to, something that has already begun (thanks excepted).
pub fn notices(
    before: &Circle,
    event: &CircleEvent,
    after: &Circle,
    actor: Option<PersonId>,
    at: DateTime<Utc>,
) -> Vec<Notice> {
    let Some(circle) = after.id else {
        return vec![];
    };
    let audience = audience(after, event);
    candidates(before, event, after)
        .into_iter()
        .filter(|(person, _)| Some(*person) != actor)
        .filter(|(_, about)| {
            matches!(about, About::Thanked { .. }) || about.starts().is_none_or(|s| s > at)
        })
        .filter(|(person, about)| {
            if about.for_outsider() {
                return after.places_offered.contains_key(person);
            }
            let viewer = Viewer::of(after, Actor::person(*person), at);
            viewer.sees_circle() && audience.includes(&viewer)
        })
        .map(|(recipient, about)| Notice {
            circle,
            recipient,
            about,
        })
        .collect()
}

fn candidates(before: &Circle, event: &CircleEvent, after: &Circle) -> Vec<(PersonId, About)> {
    use CircleEvent::*;
    match event {
        HelpRequested { request, .. } => newly_reached(after, *request, None),
        RequestWidened { request, .. } => {
            let was = before.requests.get(request).map(|r| r.reach);
            newly_reached(after, *request, was)
        }
        RequestConfirmed { request, .. } => {
            to_taker(before, *request, |request, category, starts| {
                About::RequestConfirmed {
                    request,
                    category,
                    starts,
                }
            })
        }
        // The taker, told of the request as it is now.
        RequestChanged { request, by, .. } => {
            to_taker(after, *request, |request, category, starts| {
                About::RequestChanged {
                    request,
                    category,
                    starts,
                }
            })
            .into_iter()
            .filter(|(p, _)| p != by)
            .collect()
        }
        RequestCancelled { request, .. } => {
            to_taker(before, *request, |request, category, starts| {
                About::RequestCancelled {
                    request,
                    category,
                    starts,
                }
            })
        }
        ThanksGiven {
            thanks_for: ThanksFor::Request(request),
            to,
            ..
        } => after
            .requests
            .get(request)
            .map(|r| {
                let about = About::Thanked {
                    request: *request,
                    category: r.category,
                    starts: r.window.start(),
                };
                vec![(*to, about)]
            })
            .unwrap_or_default(),
        SwapProposed {
            swap,
            shift,
            date,
            to,
            ..
        } => match after.shifts.get(shift) {
            Some(s) => vec![(
                *to,
                About::SwapProposed {
                    swap: *swap,
                    shift: *shift,
                    date: *date,
                    starts: s.start_on(*date, &after.time_zone),
                },
            )],
            None => vec![],
        },
        SwapAccepted { swap, .. } | SwapDeclined { swap, .. } => {
            let Some(s) = after.swaps.get(swap) else {
                return vec![];
            };
            let Some(shift) = after.shifts.get(&s.shift) else {
                return vec![];
            };
            let starts = shift.start_on(s.date, &after.time_zone);
            let about = if matches!(event, SwapAccepted { .. }) {
                About::SwapAccepted {
                    swap: *swap,
                    starts,
                }
            } else {
                About::SwapDeclined {
                    swap: *swap,
                    starts,
                }
            };
            vec![(s.from, about)]
        }
        IntermediaryLooked {
            organisation, at, ..
        } => coordinators(after)
            .map(|p| {
                let about = About::Looked {
                    organisation: *organisation,
                    at: *at,
                };
                (p, about)
            })
            .collect(),
        // The circle is the family's now: its coordinators hear so (the
        // intermediary leaves with the next event).
        CircleHandedOver { from, .. } => coordinators(after)
            .filter(|p| p != from)
            .map(|p| (p, About::HandedOver))
            .collect(),
        // The person the circle is for, with an account now: as a new warm member.
        FocusClaimed { person, .. } => after
            .members
            .iter()
            .filter(|(p, m)| m.coordinator && *p != person)
            .map(|(p, _)| (*p, About::NewMember { ring: Ring::Warm }))
            .collect(),
        MemberJoined {
            person, ring, task, ..
        } => {
            let mut to = after
                .members
                .iter()
                .filter(|(p, m)| m.coordinator && *p != person)
                .map(|(p, _)| (*p, About::NewMember { ring: *ring }))
                .collect::<Vec<_>>();
            // A volunteer the family accepted from the marketplace: now in the circle.
            let accepted = task.and_then(|t| after.requests.get(&t).map(|r| (t, r)));
            if let Some((request, r)) = accepted.filter(|(_, r)| {
                r.proposals.get(person).is_some_and(|p| {
                    p.state == kring_domain::circle::state::ProposalState::Accepted
                })
            }) {
                let about = About::VolunteerAccepted {
                    request,
                    category: r.category,
                    starts: r.window.start(),
                };
                to.push((*person, about));
            }
            to
        }
        RequestDone { request, .. } => helped_often(before, after, *request),
        PlaceOffered { volunteer, .. } => vec![(*volunteer, About::PlaceOffered)],
        CoordinationOffered { to, .. } => vec![(*to, About::CoordinationOffered)],
        CoordinationAnswered { to, accepted } => before
            .coordination_offers
            .get(to)
            .map(|from| {
                let about = About::CoordinationAnswered {
                    accepted: *accepted,
                };
                vec![(*from, about)]
            })
            .unwrap_or_default(),
        ShiftDateSkipped { shift, date, .. } => cancelled(before, *shift, |d| d == *date),
        ShiftSeriesEnded { shift, from, .. } => cancelled(before, *shift, |d| d >= *from),
        ShiftDateChanged { shift, date, .. } => rescheduled(before, after, *shift, |d| d == *date),
        ShiftSeriesChanged { shift, from, .. } => {
            rescheduled(before, after, *shift, |d| d >= *from)
        }
        CirclePaused { by, .. } => everyone_but(after, *by, About::CirclePaused),
        CircleResumed { by, .. } => everyone_but(after, *by, About::CircleResumed),
        CircleEnded { by, reason, .. } => {
            everyone_but(after, *by, About::CircleEnded { reason: *reason })
        }
        VolunteerProposed { request, .. } => after
            .requests
            .get(request)
            .map(|r| {
                coordinators(after)
                    .map(|p| {
                        let about = About::VolunteerProposed {
                            request: *request,
                            category: r.category,
                            starts: r.window.start(),
                        };
                        (p, about)
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// The coordinators, when `request` done makes its volunteer one who may be
/// offered a place in the lukewarm ring (once: on the task that crosses it).
fn helped_often(before: &Circle, after: &Circle, request: RequestId) -> Vec<(PersonId, About)> {
    let Some(volunteer) = after.requests.get(&request).and_then(|r| r.taker) else {
        return vec![];
    };
    let helper = |circle: &Circle| {
        circle
            .helpers_for_a_place()
            .iter()
            .any(|(p, _)| *p == volunteer)
    };
    if helper(before) || !helper(after) {
        return vec![];
    }
    coordinators(after)
        .map(|p| (p, About::HelpedOften { volunteer }))
        .collect()
}

fn coordinators(circle: &Circle) -> impl Iterator<Item = PersonId> + '_ {
    circle
        .members
        .iter()
        .filter(|(_, m)| m.coordinator)
        .map(|(p, _)| *p)
}

/// Members the open request reaches now and did not reach before (`was`),
/// other than its asker and the person it is for. Personal care and personal matters never go wider
/// than the domain lets them; the reach already says so.
fn newly_reached(after: &Circle, request: RequestId, was: Option<Ring>) -> Vec<(PersonId, About)> {
    let Some(r) = after.requests.get(&request) else {
        return vec![];
    };
    let about = About::RequestOpen {
        request,
        category: r.category,
        starts: r.window.start(),
    };
    after
        .members
        .iter()
        .filter(|(p, _)| **p != r.asked_by && !after.is_focus(**p))
        .filter(|(_, m)| m.ring <= r.reach && was.is_none_or(|was| m.ring > was))
        .filter(|(_, m)| m.task.is_none())
        .map(|(p, _)| (*p, about.clone()))
        .collect()
}

fn to_taker(
    before: &Circle,
    request: RequestId,
    about: impl Fn(RequestId, Category, DateTime<Utc>) -> About,
) -> Vec<(PersonId, About)> {
    before
        .requests
        .get(&request)
        .and_then(|r| {
            r.taker
                .map(|taker| (taker, about(request, r.category, r.window.start())))
        })
        .into_iter()
        .collect()
}

/// Whether a mail may name the kind of help: practical help and company yes;
/// personal care and personal matters are "help", never the health word.
pub fn may_name(category: Category) -> bool {
    matches!(category.kind(), Kind::Practical | Kind::Company)
}

/// Every member of the warm and lukewarm rings but `by`, each to hear
/// `about` (a volunteer hears of their own task, cancelled, not the family's news).
fn everyone_but(after: &Circle, by: PersonId, about: About) -> Vec<(PersonId, About)> {
    after
        .members
        .iter()
        .filter(|(p, m)| **p != by && m.ring != Ring::Cold)
        .map(|(p, _)| (*p, about.clone()))
        .collect()
}

/// Everyone who was on a date of `shift` that `dropped` says is cancelled.
/// Whoever is on a date `touched` whose time or length the event changed.
fn rescheduled(
    before: &Circle,
    after: &Circle,
    shift: ShiftId,
    touched: impl Fn(NaiveDate) -> bool,
) -> Vec<(PersonId, About)> {
    let (Some(old), Some(new)) = (before.shifts.get(&shift), after.shifts.get(&shift)) else {
        return vec![];
    };
    let zone = &after.time_zone;
    old.claims
        .iter()
        .filter(|(date, _)| touched(**date) && old.timing_on(**date) != new.timing_on(**date))
        .flat_map(|(date, people)| {
            let about = About::ShiftChanged {
                shift,
                date: *date,
                was: old.start_on(*date, zone),
                starts: new.start_on(*date, zone),
                minutes: new.timing_on(*date).duration.get(),
            };
            people.iter().map(move |p| (*p, about.clone()))
        })
        .collect()
}

fn cancelled(
    before: &Circle,
    shift: ShiftId,
    dropped: impl Fn(NaiveDate) -> bool,
) -> Vec<(PersonId, About)> {
    let Some(s) = before.shifts.get(&shift) else {
        return vec![];
    };
    s.claims
        .iter()
        .filter(|(date, _)| dropped(**date))
        .flat_map(|(date, people)| {
            let about = About::ShiftCancelled {
                shift,
                date: *date,
                starts: s.start_on(*date, &before.time_zone),
            };
            people.iter().map(move |p| (*p, about.clone()))
        })
        .collect()
}
