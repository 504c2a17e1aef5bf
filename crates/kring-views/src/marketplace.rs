//! An organisation's marketplace, kept by the projector: the requests its
//! consenting circles listed (anonymised: never the circle, a name, the place
//! or the details) and its volunteers with what matching needs of their past.
//!
//! Listings live in the organisation's view (`ConsentedCircles::listings`),
//! volunteers in a view of their own (`VOLUNTEERS_VIEW`), so the dashboard
//! does not read ten thousand profiles.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use kring_domain::circle::state::{ProposalState, RequestStatus};
use kring_domain::matching::{rank, Candidate, Wanted};
use kring_domain::{
    Category, Circle, CircleEvent, CircleId, Minutes, Neighbourhood, OrganisationId, PersonId,
    RequestId, Sealed, TimeWindow, Volunteer, VolunteerEvent, VolunteerId,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ConsentedCircles;

/// The kind under which each organisation's volunteers are stored.
pub const VOLUNTEERS_VIEW: &str = "volunteers";

/// How long a closed listing stays on the board (for the week's figures).
const CLOSED_LISTINGS_KEPT: i64 = 35;

/// The one id of a listing: names neither the circle nor the request to
/// anyone without both ids (a name-based UUID of the three).
pub fn listing_id(organisation: OrganisationId, circle: CircleId, request: RequestId) -> Uuid {
    let mut name = [0u8; 48];
    name[..16].copy_from_slice(organisation.0.as_bytes());
    name[16..32].copy_from_slice(circle.0.as_bytes());
    name[32..].copy_from_slice(request.0.as_bytes());
    Uuid::new_v5(&LISTING_NAMESPACE, &name)
}

const LISTING_NAMESPACE: Uuid = uuid::uuid!("2f0c9a57-4e1b-4d8a-9b63-7c5e8d1a2b90");

/// A request on the marketplace. `circle` and `request` are for the server
/// only: no answer to a volunteer carries them before the family accepts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub circle: CircleId,
    pub request: RequestId,
    pub category: Category,
    pub window: TimeWindow,
    pub duration: Minutes,
    pub time_zone: String,
    pub neighbourhood: Option<Neighbourhood>,
    /// Written for strangers by a coordinator, sealed with their key.
    pub summary: Sealed,
    pub listed_at: DateTime<Utc>,
    pub stage: Stage,
    /// When a volunteer was accepted for it.
    pub matched_at: Option<DateTime<Utc>>,
    pub proposals: BTreeMap<PersonId, ListedProposal>,
    /// Volunteers the circle will not ask again: they do not see the listing.
    pub kept_away: Vec<PersonId>,
    /// Whether the circle's consent to the organisation is in force.
    pub consent: bool,
}

/// Where a listing stands on the matchmaker's board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Open, nobody proposed.
    Listed,
    /// Someone proposed, the family has not answered.
    Proposed,
    /// Taken by a volunteer the family accepted.
    Matched,
    Done,
    /// Taken by someone in the circle, cancelled, or a no-show.
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedProposal {
    pub by: PersonId,
    pub state: ProposalState,
    pub at: DateTime<Utc>,
}

impl Listing {
    /// `request` of `circle` as it is listed, at `at`, on the circle `after` listing it.
    pub fn new(
        circle: CircleId,
        request: RequestId,
        summary: &Sealed,
        after: &Circle,
        at: DateTime<Utc>,
    ) -> Option<Listing> {
        let r = after.requests.get(&request)?;
        Some(Listing {
            circle,
            request,
            category: r.category,
            window: r.window,
            duration: r.duration,
            time_zone: after.time_zone.clone(),
            neighbourhood: after.neighbourhood.clone(),
            summary: summary.clone(),
            listed_at: at,
            stage: Stage::Listed,
            matched_at: None,
            proposals: BTreeMap::new(),
            kept_away: after.kept_away.iter().copied().collect(),
            consent: true,
        })
    }

    /// Whether volunteers and matchmakers still see it as wanting someone.
    pub fn wanted(&self, now: DateTime<Utc>) -> bool {
        self.consent
            && matches!(self.stage, Stage::Listed | Stage::Proposed)
            && self.window.end() > now
    }

    /// Whether `volunteer` may see it: wanted and not kept away from its circle.
    pub fn open_to(&self, volunteer: PersonId, now: DateTime<Utc>) -> bool {
        self.wanted(now) && !self.kept_away.contains(&volunteer)
    }
}

/// The organisations whose marketplace `event` changes, judged on the circle after it.
pub fn marketplaces_touched(event: &CircleEvent, after: &Circle) -> Vec<OrganisationId> {
    use CircleEvent::*;
    let of_request = |request: &RequestId| {
        after
            .requests
            .get(request)
            .and_then(|r| r.listed_with)
            .into_iter()
            .collect()
    };
    match event {
        RequestListed { organisation, .. } | VolunteerProposed { organisation, .. } => {
            vec![*organisation]
        }
        RequestTaken { request, .. }
        | RequestConfirmed { request, .. }
        | RequestDone { request, .. }
        | RequestCancelled { request, .. }
        | NoShowRecorded { request, .. }
        | VolunteerAccepted { request, .. }
        | VolunteerDeclined { request, .. } => of_request(request),
        NeighbourhoodNamed { .. }
        | MemberLeft { .. }
        | MemberRemoved { .. }
        | ConsentGranted { .. }
        | ConsentRevoked { .. } => {
            let mut orgs: Vec<OrganisationId> = after
                .requests
                .values()
                .filter_map(|r| r.listed_with)
                .collect();
            orgs.sort();
            orgs.dedup();
            orgs
        }
        _ => vec![],
    }
}

impl ConsentedCircles {
    /// Brings `circle`'s listings on this organisation's marketplace up to
    /// `after`, the circle once `event` (recorded `at`) is applied.
    pub fn apply_listing(
        &mut self,
        organisation: OrganisationId,
        circle: CircleId,
        event: &CircleEvent,
        after: &Circle,
        at: DateTime<Utc>,
    ) {
        self.revision += 1;
        match event {
            CircleEvent::RequestListed {
                request, summary, ..
            } => {
                let Some(listing) = Listing::new(circle, *request, summary, after, at) else {
                    return;
                };
                self.listings
                    .insert(listing_id(organisation, circle, *request), listing);
            }
            CircleEvent::VolunteerProposed {
                request,
                volunteer,
                by,
                ..
            } => {
                if let Some(l) = self
                    .listings
                    .get_mut(&listing_id(organisation, circle, *request))
                {
                    let proposal = ListedProposal {
                        by: *by,
                        state: ProposalState::Waiting,
                        at,
                    };
                    l.proposals.insert(*volunteer, proposal);
                }
            }
            CircleEvent::VolunteerAccepted { request, .. } => {
                if let Some(l) = self
                    .listings
                    .get_mut(&listing_id(organisation, circle, *request))
                {
                    l.matched_at = Some(at);
                }
            }
            _ => {}
        }
        self.refresh(organisation, circle, after, at);
    }

    /// Every listing of `circle` as the circle now stands; closed listings
    /// leave the board some weeks after their time.
    fn refresh(
        &mut self,
        organisation: OrganisationId,
        circle: CircleId,
        after: &Circle,
        now: DateTime<Utc>,
    ) {
        let consent = after.consent_at(organisation, now).is_some();
        for (request, r) in &after.requests {
            if r.listed_with != Some(organisation) {
                continue;
            }
            let Some(l) = self
                .listings
                .get_mut(&listing_id(organisation, circle, *request))
            else {
                continue;
            };
            l.neighbourhood = after.neighbourhood.clone();
            l.consent = consent;
            l.kept_away = after.kept_away.iter().copied().collect();
            for (volunteer, p) in &r.proposals {
                if let Some(listed) = l.proposals.get_mut(volunteer) {
                    listed.state = p.state;
                }
            }
            let accepted = r
                .proposals
                .values()
                .any(|p| p.state == ProposalState::Accepted);
            let volunteer_took = r.taker.is_some_and(|t| {
                r.proposals
                    .get(&t)
                    .is_some_and(|p| p.state == ProposalState::Accepted)
            });
            l.stage = match r.status {
                RequestStatus::Open
                    if r.proposals
                        .values()
                        .any(|p| p.state == ProposalState::Waiting) =>
                {
                    Stage::Proposed
                }
                RequestStatus::Open => Stage::Listed,
                RequestStatus::Taken | RequestStatus::Confirmed if volunteer_took => Stage::Matched,
                RequestStatus::Done if accepted && volunteer_took => Stage::Done,
                _ => Stage::Closed,
            };
        }
        let horizon = now - Duration::days(CLOSED_LISTINGS_KEPT);
        self.listings
            .retain(|_, l| l.circle != circle || l.window.end() > horizon || l.wanted(now));
    }
}

/// An organisation's volunteers, with what matching needs of their past.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Volunteers {
    pub volunteers: BTreeMap<PersonId, VolunteerEntry>,
    /// Grows with every change: the stored row's version.
    pub revision: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VolunteerEntry {
    pub volunteer: Volunteer,
    pub last_asked: Option<DateTime<Utc>>,
    /// Tasks accepted for them, by the month of the task (year * 12 + month - 1).
    pub tasks: BTreeMap<i32, u32>,
}

/// A month as one number (year * 12 + month - 1), as tasks are counted by.
pub fn month_of(at: DateTime<Utc>) -> i32 {
    at.year() * 12 + at.month0() as i32
}

impl Volunteers {
    /// Folds one event of `person`'s volunteering in.
    pub fn apply_volunteering(&mut self, person: PersonId, event: VolunteerEvent) {
        self.revision += 1;
        let entry = self.volunteers.entry(person).or_default();
        cqrs_es::Aggregate::apply(&mut entry.volunteer, event);
    }

    /// Notes a proposal (someone was asked) or an acceptance (a task for that month).
    pub fn apply_circle(&mut self, event: &CircleEvent, after: &Circle, at: DateTime<Utc>) {
        match event {
            CircleEvent::VolunteerProposed { volunteer, .. } => {
                self.revision += 1;
                if let Some(v) = self.volunteers.get_mut(volunteer) {
                    v.last_asked = Some(at);
                }
            }
            CircleEvent::VolunteerAccepted {
                request, volunteer, ..
            } => {
                self.revision += 1;
                let Some(r) = after.requests.get(request) else {
                    return;
                };
                if let Some(v) = self.volunteers.get_mut(volunteer) {
                    *v.tasks.entry(month_of(r.window.start())).or_default() += 1;
                }
            }
            _ => {}
        }
    }

    /// Every volunteer as a candidate for `listing` (the domain's `rank` filters and orders).
    pub fn candidates(&self, organisation: OrganisationId, listing: &Listing) -> Vec<Candidate> {
        let month = month_of(listing.window.start());
        // Only who could fit at all: the domain's `rank` decides the rest.
        self.volunteers
            .iter()
            .filter(|(_, entry)| {
                entry.volunteer.may_be_asked()
                    && entry.volunteer.profile.will.contains(&listing.category)
            })
            .map(|(person, entry)| Candidate {
                id: VolunteerId::of(organisation, *person),
                person: *person,
                volunteer: entry.volunteer.clone(),
                tasks_this_month: entry.tasks.get(&month).copied().unwrap_or(0),
                last_asked: entry.last_asked,
                kept_away: listing.kept_away.contains(person)
                    || listing.proposals.contains_key(person),
            })
            .collect()
    }
}

/// Who of `volunteers` fits `listing`, best first (the domain's `rank`).
pub fn ranked(
    organisation: OrganisationId,
    listing: &Listing,
    volunteers: &Volunteers,
) -> Vec<PersonId> {
    let Some(neighbourhood) = listing.neighbourhood.clone() else {
        return vec![];
    };
    let wanted = Wanted::in_zone(
        listing.category,
        listing.window,
        &listing.time_zone,
        neighbourhood,
    );
    let candidates = volunteers.candidates(organisation, listing);
    let people: std::collections::HashMap<VolunteerId, PersonId> =
        candidates.iter().map(|c| (c.id, c.person)).collect();
    rank(&wanted, &candidates)
        .into_iter()
        .filter_map(|id| people.get(&id).copied())
        .collect()
}

/// An organisation's listings as the projector stored them (none: empty).
pub async fn marketplace(
    log: &dyn kring_store::ViewStore,
    organisation: OrganisationId,
) -> Result<BTreeMap<Uuid, Listing>, crate::ProjectionError> {
    Ok(crate::projector::load_consented(log, organisation)
        .await?
        .listings)
}

/// A node's parsed copies of stored views, each used again while the stored
/// row keeps its version (one small query instead of reading and parsing ten
/// thousand volunteers for every ranking).
pub struct ParsedViews<T> {
    kind: &'static str,
    parsed: std::sync::Mutex<std::collections::HashMap<String, (u64, std::sync::Arc<T>)>>,
}

impl<T: serde::de::DeserializeOwned + Default> ParsedViews<T> {
    pub fn new(kind: &'static str) -> ParsedViews<T> {
        ParsedViews {
            kind,
            parsed: Default::default(),
        }
    }

    /// The stored view of `key` as it is now (the default when none is stored).
    pub async fn get(
        &self,
        log: &dyn kring_store::ViewStore,
        key: &str,
    ) -> Result<std::sync::Arc<T>, crate::ProjectionError> {
        let Some(version) = log.view_version(self.kind, key).await? else {
            return Ok(std::sync::Arc::new(T::default()));
        };
        if let Some((held, view)) = self.lock().get(key) {
            if *held == version {
                return Ok(view.clone());
            }
        }
        let Some(row) = log.load_view(self.kind, key).await? else {
            return Ok(std::sync::Arc::new(T::default()));
        };
        let view: std::sync::Arc<T> = std::sync::Arc::new(
            serde_json::from_str(&row.body).map_err(kring_store::StoreError::Json)?,
        );
        self.lock()
            .insert(key.to_owned(), (row.version, view.clone()));
        Ok(view)
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (u64, std::sync::Arc<T>)>>
    {
        self.parsed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
