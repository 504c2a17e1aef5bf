//! A large random but valid history of circles, for tests and benchmarks that
//! need realistic logs: every event comes out of `Circle::decide`.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kring_domain::circle::state::{ProposalState, RequestStatus};
use kring_domain::*;
use kring_store::{EventLog, ExpectedVersion, GlobalCursor, NewEvent};
use uuid::Uuid;

/// splitmix64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// From 0 to `n`, `n` left out (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// From `low` to `high`, both included.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as usize) as i64
    }

    /// True `percent` times out of a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with the given probability (from 0 to 1).
    pub fn happens(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        if items.is_empty() {
            None
        } else {
            Some(items[self.below(items.len())].clone())
        }
    }

    pub fn uuid(&mut self) -> Uuid {
        Uuid::from_u64_pair(self.next(), self.next())
    }

    pub fn id<T: From<Uuid>>(&mut self) -> T {
        T::from(self.uuid())
    }

    /// `len` characters drawn from `alphabet`.
    pub fn text(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

fn sealed(owner: PersonId, rng: &mut Rng) -> Sealed {
    Sealed {
        owner,
        data: format!("{:016x}", rng.next()),
    }
}

/// One circle's history as the domain decided it.
pub struct CircleHistory {
    pub id: CircleId,
    pub state: Circle,
    /// The events of each accepted command, in order.
    pub decisions: Vec<Vec<CircleEvent>>,
    pub events: usize,
    now: DateTime<Utc>,
    invitations: Vec<(InvitationId, String)>,
    organisations: Vec<(OrganisationId, PersonId)>,
    /// People volunteering for the organisations' marketplaces.
    volunteers: Vec<PersonId>,
}

/// `circles` circles of at least `events` events each.
pub fn generate(rng: &mut Rng, circles: usize, events: usize) -> Vec<CircleHistory> {
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    (0..circles)
        .map(|i| CircleHistory::generate(rng, start + Duration::minutes(i as i64 * 7), events))
        .collect()
}

impl CircleHistory {
    pub fn stream(&self) -> String {
        kring_store::StreamName::circle(self.id.0).into()
    }

    fn generate(rng: &mut Rng, start: DateTime<Utc>, target: usize) -> CircleHistory {
        let id: CircleId = rng.id();
        let focus: PersonId = rng.id();
        let coordinator: PersonId = rng.id();
        let organisations = vec![(rng.id(), rng.id()), (rng.id(), rng.id())];
        let mut h = CircleHistory {
            id,
            state: Circle::default(),
            decisions: vec![],
            events: 0,
            now: start,
            invitations: vec![],
            organisations,
            volunteers: vec![rng.id(), rng.id(), rng.id()],
        };
        let focus_name = sealed(focus, rng);
        // Some circles are set up at the kitchen table by an intermediary,
        // handed over when a coordinator from the family joins.
        let creator = if rng.chance(25) {
            let (organisation, intermediary) = h.organisations[0];
            Actor::intermediary(intermediary, organisation)
        } else {
            Actor::person(coordinator)
        };
        h.decide(
            creator,
            Action::CreateCircle {
                circle: id,
                focus,
                focus_name,
                time_zone: "Europe/Amsterdam".into(),
                plan: vec![],
            },
        );
        assert!(h.events >= 1, "the circle is created");
        let mut attempts = 0;
        while h.events < target {
            attempts += 1;
            assert!(attempts < target * 100, "stuck at {} events", h.events);
            h.now += Duration::minutes(rng.range(1, 120));
            if let Some((actor, action)) = h.command(rng) {
                h.decide(actor, action);
            }
        }
        h
    }

    /// Runs the command through the domain's rules; a refusal changes nothing.
    fn decide(&mut self, actor: Actor, action: Action) {
        let Ok(events) = self.state.decide(CircleCommand { actor, action }, self.now) else {
            return;
        };
        if events.is_empty() {
            return;
        }
        for event in &events {
            self.state.apply(event.clone());
        }
        self.events += events.len();
        self.decisions.push(events);
    }

    /// A command that has a fair chance of being allowed (most are; the
    /// domain refuses the rest).
    fn command(&mut self, rng: &mut Rng) -> Option<(Actor, Action)> {
        use RequestStatus::*;
        let now = self.now;
        let state = &self.state;
        let members: Vec<PersonId> = state.members.keys().copied().collect();
        let coordinators: Vec<PersonId> = state
            .members
            .iter()
            .filter(|(_, m)| m.coordinator)
            .map(|(p, _)| *p)
            .collect();
        let focus = state.focus?;
        let anyone = rng.pick(&members)?;
        let other = rng.pick(&members)?;
        let coordinator = rng.pick(&coordinators)?;
        let person = Actor::person;
        let requests = |statuses: &[RequestStatus]| -> Vec<RequestId> {
            state
                .requests
                .iter()
                .filter(|(_, r)| statuses.contains(&r.status))
                .map(|(id, _)| *id)
                .collect()
        };
        let claims: Vec<(ShiftId, NaiveDate, PersonId)> = state
            .shifts
            .iter()
            .flat_map(|(id, s)| {
                s.claims
                    .iter()
                    .flat_map(move |(date, people)| people.iter().map(move |p| (*id, *date, *p)))
            })
            .collect();
        let entries: Vec<(EntryId, PersonId)> = state
            .entries
            .iter()
            .filter(|(_, e)| !e.redacted)
            .map(|(id, e)| (*id, e.author))
            .collect();
        let command = match rng.below(52) {
            0..=2 => {
                let cold: Vec<RequestId> = state
                    .requests
                    .iter()
                    .filter(|(_, r)| r.reach == Ring::Cold && r.status == Open)
                    .map(|(id, _)| *id)
                    .collect();
                let (ring, role, task) = match rng.pick(&cold) {
                    Some(task) if rng.chance(40) => (Ring::Cold, InvitedAs::Member, Some(task)),
                    _ if rng.chance(35) => {
                        let role = if rng.chance(30) {
                            InvitedAs::Coordinator
                        } else if rng.chance(30) && !state.focus_has_account() {
                            InvitedAs::Focus
                        } else {
                            InvitedAs::Member
                        };
                        (Ring::Warm, role, None)
                    }
                    _ => (Ring::Lukewarm, InvitedAs::Member, None),
                };
                let invitation: InvitationId = rng.id();
                let token_hash = format!(
                    "{:016x}{:016x}{:016x}{:016x}",
                    rng.next(),
                    rng.next(),
                    rng.next(),
                    rng.next()
                );
                self.invitations.push((invitation, token_hash.clone()));
                let expires_at = now + Duration::days(rng.range(1, 14));
                (
                    person(coordinator),
                    Action::Invite {
                        invitation,
                        ring,
                        role,
                        task,
                        token_hash,
                        expires_at,
                    },
                )
            }
            3..=6 => {
                let (invitation, token_hash) = rng.pick(&self.invitations)?;
                if rng.chance(15) {
                    (person(coordinator), Action::RevokeInvitation { invitation })
                } else {
                    // Claiming the focus person's place needs their name
                    // under the newcomer's key; other invitations ignore it.
                    let newcomer: PersonId = rng.id();
                    (
                        person(newcomer),
                        Action::AcceptInvitation {
                            invitation,
                            token_hash,
                            focus_name: Some(sealed(newcomer, rng)),
                        },
                    )
                }
            }
            7 => {
                let ring = if rng.chance(50) {
                    Ring::Warm
                } else {
                    Ring::Lukewarm
                };
                (
                    person(coordinator),
                    Action::ChangeRing {
                        person: other,
                        ring,
                    },
                )
            }
            8 => (
                person(coordinator),
                Action::AppointCoordinator { person: other },
            ),
            9 if rng.chance(30) => (person(coordinator), Action::StepDownAsCoordinator),
            10 if rng.chance(30) => (person(anyone), Action::Leave),
            11 if rng.chance(15) => (person(coordinator), Action::RemoveMember { person: other }),
            12..=15 => {
                let category = rng.pick(&Category::ALL)?;
                let start = now + Duration::minutes(rng.range(30, 4 * 24 * 60));
                let hours = rng.range(1, 8);
                let window = TimeWindow::new(start, start + Duration::hours(hours)).ok()?;
                let duration =
                    Minutes::new((rng.range(3, (hours * 12).min(36)) * 5) as u16).ok()?;
                let place = if rng.chance(50) {
                    Some(sealed(anyone, rng))
                } else {
                    None
                };
                let details = sealed(anyone, rng);
                (
                    person(anyone),
                    Action::RequestHelp {
                        request: rng.id(),
                        category,
                        window,
                        duration,
                        details,
                        place,
                        on_behalf_of_focus: rng.chance(30),
                    },
                )
            }
            16 => {
                let request = rng.pick(&requests(&[Open]))?;
                let to = if rng.chance(50) {
                    Ring::Lukewarm
                } else {
                    Ring::Cold
                };
                (person(coordinator), Action::WidenRequest { request, to })
            }
            17..=19 => {
                let request = rng.pick(&requests(&[Open]))?;
                let r = &state.requests[&request];
                let takers: Vec<PersonId> = state
                    .members
                    .iter()
                    .filter(|(p, m)| {
                        **p != r.asked_by
                            && m.ring <= r.reach
                            && (m.ring != Ring::Cold || m.task == Some(request))
                    })
                    .map(|(p, _)| *p)
                    .collect();
                (person(rng.pick(&takers)?), Action::TakeRequest { request })
            }
            20 => {
                let request = rng.pick(&requests(&[Taken]))?;
                let by = if rng.chance(50) {
                    state.requests[&request].asked_by
                } else {
                    coordinator
                };
                (person(by), Action::ConfirmRequest { request })
            }
            21..=22 => {
                let request = rng.pick(&requests(&[Taken, Confirmed]))?;
                let taker = state.requests[&request].taker?;
                (person(taker), Action::MarkRequestDone { request })
            }
            23 if rng.chance(40) => {
                let request = rng.pick(&requests(&[Open, Taken, Confirmed]))?;
                (
                    person(state.requests[&request].asked_by),
                    Action::CancelRequest { request },
                )
            }
            // The one who asked moves it a few hours and says it anew.
            23 if rng.chance(40) => {
                let request = rng.pick(&requests(&[Open, Taken, Confirmed]))?;
                let r = &state.requests[&request];
                let later = Duration::hours(rng.range(1, 24));
                let window =
                    TimeWindow::new(r.window.start() + later, r.window.end() + later).ok()?;
                let asker = r.asked_by;
                (
                    person(asker),
                    Action::ChangeRequest {
                        request,
                        window,
                        duration: r.duration,
                        details: sealed(asker, rng),
                    },
                )
            }
            24 if rng.chance(30) => {
                let request = rng.pick(&requests(&[Taken, Confirmed]))?;
                (
                    person(state.requests[&request].asked_by),
                    Action::RecordNoShow { request },
                )
            }
            25..=27 => {
                let (from, thanks_for, to) = match rng.below(3) {
                    0 => {
                        let request = rng.pick(&requests(&[Done]))?;
                        let r = &state.requests[&request];
                        let to = r.taker?;
                        let from = if r.asked_by != to {
                            r.asked_by
                        } else {
                            coordinator
                        };
                        (from, ThanksFor::Request(request), to)
                    }
                    1 => {
                        let (shift, date, to) = rng.pick(&claims)?;
                        (anyone, ThanksFor::Shift(shift, date), to)
                    }
                    _ => {
                        let (entry, author) = rng.pick(&entries)?;
                        (anyone, ThanksFor::Entry(entry), author)
                    }
                };
                let note = if rng.chance(30) {
                    Some(sealed(from, rng))
                } else {
                    None
                };
                (
                    person(from),
                    Action::Thank {
                        thanks_for,
                        to,
                        note,
                    },
                )
            }
            28 => {
                let mut will = vec![];
                for _ in 0..rng.range(1, 3) {
                    will.push(rng.pick(&Category::ALL)?);
                }
                will.sort();
                will.dedup();
                let capacity = if rng.chance(60) {
                    Capacity::HoursPerWeek(rng.range(1, 12) as u16)
                } else {
                    Capacity::TasksPerMonth(rng.range(1, 8) as u16)
                };
                (
                    person(anyone),
                    Action::MakeOffer {
                        offer: rng.id(),
                        will,
                        wont: vec![],
                        capacity,
                        note: None,
                    },
                )
            }
            29 => {
                let offers: Vec<(OfferId, PersonId)> = state
                    .offers
                    .iter()
                    .filter(|(_, o)| !o.withdrawn)
                    .map(|(id, o)| (*id, o.by))
                    .collect();
                let (offer, by) = rng.pick(&offers)?;
                if rng.chance(50) {
                    (person(by), Action::WithdrawOffer { offer })
                } else {
                    let will = vec![rng.pick(&Category::ALL)?];
                    let capacity = Capacity::HoursPerWeek(rng.range(1, 12) as u16);
                    let note = rng.chance(50).then(|| sealed(by, rng));
                    let change = Action::ChangeOffer {
                        offer,
                        will,
                        wont: vec![],
                        capacity,
                        note,
                    };
                    (person(by), change)
                }
            }
            30 => {
                let day = (now + Duration::days(rng.range(1, 10))).date_naive();
                let starts = day.and_hms_opt(rng.range(8, 20) as u32, 0, 0)?;
                let recurrence = match rng.below(4) {
                    0 => Recurrence::Once,
                    1 => Recurrence::Weekly { until: None },
                    2 => Recurrence::EveryWeeks {
                        weeks: 2,
                        until: None,
                    },
                    _ => Recurrence::Weekly {
                        until: Some(day + Duration::weeks(rng.range(1, 8))),
                    },
                };
                let rings = rng.pick(&[
                    vec![Ring::Warm],
                    vec![Ring::Lukewarm],
                    vec![Ring::Warm, Ring::Lukewarm],
                ])?;
                let title = sealed(coordinator, rng);
                (
                    person(coordinator),
                    Action::ScheduleShift {
                        shift: rng.id(),
                        title,
                        starts,
                        duration: Minutes::new((rng.range(2, 16) * 15) as u16).ok()?,
                        recurrence,
                        helpers_needed: rng.range(1, 3) as u8,
                        rings,
                    },
                )
            }
            31 => {
                let (shift, date) = occurrence(state, now, rng)?;
                (person(coordinator), Action::SkipShiftDate { shift, date })
            }
            32..=35 => {
                let (shift, date) = occurrence(state, now, rng)?;
                let rings = &state.shifts[&shift].rings;
                let helpers: Vec<PersonId> = state
                    .members
                    .iter()
                    .filter(|(_, m)| rings.contains(&m.ring))
                    .map(|(p, _)| *p)
                    .collect();
                (
                    person(rng.pick(&helpers)?),
                    Action::ClaimShift { shift, date },
                )
            }
            36 => {
                let (shift, date, by) = rng.pick(&claims)?;
                let reason = sealed(by, rng);
                (
                    person(by),
                    Action::ReleaseShift {
                        shift,
                        date,
                        reason,
                    },
                )
            }
            37 => {
                let (shift, date, from) = rng.pick(&claims)?;
                let rings = &state.shifts[&shift].rings;
                let others: Vec<PersonId> = state
                    .members
                    .iter()
                    .filter(|(p, m)| **p != from && rings.contains(&m.ring))
                    .map(|(p, _)| *p)
                    .collect();
                (
                    person(from),
                    Action::ProposeSwap {
                        swap: rng.id(),
                        shift,
                        date,
                        to: rng.pick(&others)?,
                    },
                )
            }
            38 => {
                let open: Vec<(SwapId, PersonId, PersonId)> = state
                    .swaps
                    .iter()
                    .filter(|(_, w)| w.open)
                    .map(|(id, w)| (*id, w.from, w.to))
                    .collect();
                let (swap, from, to) = rng.pick(&open)?;
                match rng.below(4) {
                    0 => (person(from), Action::DeclineSwap { swap }),
                    1 => (person(to), Action::DeclineSwap { swap }),
                    _ => (person(to), Action::AcceptSwap { swap }),
                }
            }
            39..=40 => {
                let visibility = rng.pick(&[
                    Visibility::WarmOnly,
                    Visibility::WarmAndLukewarm,
                    Visibility::WholeCircle,
                ])?;
                let text = sealed(anyone, rng);
                (
                    person(anyone),
                    Action::WriteLogbookEntry {
                        entry: rng.id(),
                        visibility,
                        text,
                    },
                )
            }
            41 => {
                let (entry, author) = rng.pick(&entries)?;
                (person(author), Action::RedactLogbookEntry { entry })
            }
            42 => {
                let (organisation, _) = rng.pick(&self.organisations)?;
                let by = if rng.chance(30) { focus } else { coordinator };
                if rng.chance(70) {
                    let scope = if rng.chance(50) {
                        ConsentScope::Full
                    } else {
                        ConsentScope::Signals
                    };
                    let from = now + Duration::minutes(rng.range(0, 120));
                    (
                        person(by),
                        Action::GrantConsent {
                            organisation,
                            scope,
                            from,
                        },
                    )
                } else {
                    (person(by), Action::RevokeConsent { organisation })
                }
            }
            43 => {
                let (organisation, worker) = rng.pick(&self.organisations)?;
                let what = rng.pick(&kring_domain::Looked::ALL)?;
                (
                    Actor::intermediary(worker, organisation),
                    Action::RecordLook { what },
                )
            }
            44..=48 => return self.marketplace_command(rng, coordinator),
            // A pause is short: once paused, the next pick of this arm resumes.
            49 => match state.life {
                kring_domain::circle::state::Life::Paused { .. } => {
                    (person(coordinator), Action::ResumeCircle)
                }
                _ if rng.chance(20) => {
                    let message = rng.chance(50).then(|| sealed(coordinator, rng));
                    (person(coordinator), Action::PauseCircle { message })
                }
                _ => return None,
            },
            50 if rng.chance(30) => {
                let (shift, from) = occurrence(state, now, rng)?;
                (person(coordinator), Action::EndShiftSeries { shift, from })
            }
            // Another time or length: for one date, or the series from a date.
            50 => {
                let (shift, date) = occurrence(state, now, rng)?;
                let time = chrono::NaiveTime::from_hms_opt(rng.range(7, 21) as u32, 30, 0)?;
                let duration = kring_domain::Minutes::for_shift(rng.range(30, 240) as u16).ok()?;
                let action = if rng.chance(50) {
                    Action::ChangeShiftDate {
                        shift,
                        date,
                        time,
                        duration,
                    }
                } else {
                    Action::ChangeShiftSeries {
                        shift,
                        from: date,
                        time,
                        duration,
                    }
                };
                (person(coordinator), action)
            }
            51 => match state.coordination_offers.keys().next() {
                Some(&to) => (
                    person(to),
                    Action::AnswerCoordination {
                        accept: rng.chance(60),
                    },
                ),
                None => (
                    person(coordinator),
                    Action::HandOverCoordination { to: other },
                ),
            },
            _ => return None,
        };
        Some(command)
    }
}

impl CircleHistory {
    /// Naming the neighbourhood, listing, proposing, accepting or declining,
    /// and a volunteer's task ending.
    fn marketplace_command(&self, rng: &mut Rng, coordinator: PersonId) -> Option<(Actor, Action)> {
        let state = &self.state;
        let now = self.now;
        let person = Actor::person;
        let consenting: Vec<OrganisationId> = self
            .organisations
            .iter()
            .map(|(o, _)| *o)
            .filter(|o| state.consent_at(*o, now).is_some())
            .collect();
        let worker_of = |org: OrganisationId| {
            self.organisations
                .iter()
                .find(|(o, _)| *o == org)
                .map(|(_, w)| *w)
        };
        let listed: Vec<(RequestId, OrganisationId)> = state
            .requests
            .iter()
            .filter_map(|(id, r)| Some((*id, r.listed_with?)))
            .filter(|(id, org)| state.requests[id].on_marketplace(*org, now))
            .collect();
        let waiting: Vec<(RequestId, OrganisationId, PersonId)> = listed
            .iter()
            .flat_map(|(id, org)| {
                state.requests[id]
                    .proposals
                    .iter()
                    .filter(|(_, p)| p.state == ProposalState::Waiting)
                    .map(move |(v, _)| (*id, *org, *v))
            })
            .collect();
        // A proposal waits for the family far less long than a random pick takes.
        let arm = if !waiting.is_empty() && rng.chance(50) {
            3
        } else {
            rng.below(6)
        };
        Some(match arm {
            0 => {
                let neighbourhood = if rng.chance(90) {
                    Some(kring_domain::Neighbourhood::Postcode(
                        1000 + rng.below(9000) as u16,
                    ))
                } else {
                    None
                };
                (
                    person(coordinator),
                    Action::NameNeighbourhood { neighbourhood },
                )
            }
            1 => {
                let open: Vec<RequestId> = state
                    .requests
                    .iter()
                    .filter(|(_, r)| {
                        r.status == RequestStatus::Open
                            && r.listed_with.is_none()
                            && r.category.widest_ring() == Ring::Cold
                            && r.window.end() > now
                    })
                    .map(|(id, _)| *id)
                    .collect();
                let request = rng.pick(&open)?;
                let organisation = rng.pick(&consenting)?;
                let summary = sealed(coordinator, rng);
                (
                    person(coordinator),
                    Action::ListRequest {
                        request,
                        organisation,
                        summary,
                    },
                )
            }
            2 => {
                let (request, organisation) = rng.pick(&listed)?;
                let volunteer = rng.pick(&self.volunteers)?;
                let by = if rng.chance(50) {
                    worker_of(organisation)?
                } else {
                    volunteer
                };
                let note = rng.chance(50).then(|| sealed(by, rng));
                (
                    Actor::intermediary(by, organisation),
                    Action::ProposeVolunteer {
                        request,
                        volunteer,
                        note,
                    },
                )
            }
            3 | 4 => {
                let (request, organisation, volunteer) = rng.pick(&waiting)?;
                if rng.chance(70) {
                    let invitation = rng.id();
                    (
                        person(coordinator),
                        Action::AcceptVolunteer {
                            request,
                            volunteer,
                            invitation,
                        },
                    )
                } else if rng.chance(50) {
                    (
                        person(coordinator),
                        Action::DeclineVolunteer { request, volunteer },
                    )
                } else {
                    (
                        Actor::intermediary(volunteer, organisation),
                        Action::DeclineVolunteer { request, volunteer },
                    )
                }
            }
            _ => (person(rng.pick(&self.volunteers)?), Action::EndTask),
        })
    }
}

/// A date a shift takes place on, from this week on.
fn occurrence(state: &Circle, now: DateTime<Utc>, rng: &mut Rng) -> Option<(ShiftId, NaiveDate)> {
    let shifts: Vec<ShiftId> = state.shifts.keys().copied().collect();
    let shift = rng.pick(&shifts)?;
    let s = &state.shifts[&shift];
    let first = s.starts.date();
    let date = match s.recurrence.weeks_apart() {
        None => first,
        Some(apart) => {
            let apart = i64::from(apart);
            let periods =
                ((now.date_naive() - first).num_days().max(0) + 7 * apart - 1) / (7 * apart);
            first + Duration::weeks(apart * (periods + rng.range(0, 3)))
        }
    };
    Some((shift, date))
}

pub fn new_event(rng: &mut Rng, event: &CircleEvent) -> NewEvent {
    let name = event.name();
    NewEvent {
        event_id: rng.uuid(),
        event_type: name.to_owned(),
        schema_version: kring_domain::circle::events::schema_version(name) as i32,
        payload: serde_json::to_value(event).expect("an event serialises"),
        metadata: serde_json::json!({}),
    }
}

/// Appends the histories to the log in a pseudo-random interleaving of the
/// circles, a few decisions per append, each with the exact expected version.
pub struct Appender {
    rng: Rng,
    next: Vec<usize>,
    versions: Vec<u64>,
    per_append: i64,
    appended: usize,
}

impl Appender {
    pub fn new(seed: u64, histories: &[CircleHistory], per_append: i64) -> Appender {
        Appender {
            rng: Rng::new(seed),
            next: vec![0; histories.len()],
            versions: vec![0; histories.len()],
            per_append,
            appended: 0,
        }
    }

    /// Appends whole decisions until at least `events` more events are in
    /// (or none are left). Returns how many it appended.
    pub async fn append(
        &mut self,
        log: &dyn EventLog,
        histories: &[CircleHistory],
        events: usize,
    ) -> usize {
        let mut appended = 0;
        while appended < events {
            let open: Vec<usize> = (0..histories.len())
                .filter(|&i| self.next[i] < histories[i].decisions.len())
                .collect();
            let Some(i) = self.rng.pick(&open) else {
                break;
            };
            let h = &histories[i];
            let take = self.rng.range(1, self.per_append) as usize;
            let end = (self.next[i] + take).min(h.decisions.len());
            let batch: Vec<NewEvent> = h.decisions[self.next[i]..end]
                .iter()
                .flatten()
                .map(|e| new_event(&mut self.rng, e))
                .collect();
            let done = log
                .append(
                    &h.stream(),
                    ExpectedVersion::Exact(self.versions[i]),
                    &batch,
                )
                .await
                .expect("append");
            assert_eq!(done.stream_version, self.versions[i] + batch.len() as u64);
            self.versions[i] = done.stream_version;
            self.next[i] = end;
            appended += batch.len();
        }
        self.appended += appended;
        appended
    }

    pub fn appended(&self) -> usize {
        self.appended
    }

    /// Each circle's view key and the version its stream is at.
    pub fn heads(&self, histories: &[CircleHistory]) -> Vec<(String, u64)> {
        histories
            .iter()
            .zip(&self.versions)
            .map(|(h, v)| (h.id.to_string(), *v))
            .collect()
    }
}

/// A circle's stream as stored: each event with its version and the moment it
/// was recorded, for a fold done by the test itself.
pub async fn stored_events(
    log: &dyn EventLog,
    stream: &str,
) -> Vec<(u64, DateTime<Utc>, CircleEvent)> {
    let mut events = vec![];
    let mut from = 1;
    loop {
        let page = log.read_stream(stream, from, 1000).await.unwrap();
        let Some(last) = page.last() else {
            return events;
        };
        from = last.version + 1;
        for recorded in page {
            let event: CircleEvent = recorded.decode_payload().unwrap();
            events.push((recorded.version, recorded.recorded_at, event));
        }
    }
}

/// The cursor of the last event in the log.
pub async fn last_cursor(log: &dyn EventLog) -> GlobalCursor {
    let mut cursor = GlobalCursor::START;
    loop {
        let page = log.read_all(cursor, 5000).await.unwrap();
        match page.last() {
            Some(last) => cursor = last.cursor(),
            None => return cursor,
        }
    }
}
