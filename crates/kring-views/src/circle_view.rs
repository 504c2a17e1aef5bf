use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kring_domain::circle::state::RequestStatus;
use kring_domain::{
    may_see, Category, Circle, CircleEvent, EntryId, Minutes, OfferId, PersonId, RequestId, Ring,
    Sealed, ShiftId, ThanksFor, TimeWindow, Viewer, Visibility,
};
use serde::{Deserialize, Serialize};

use crate::page::{newest_first, Page, PageAt};

/// Everything the read side keeps about one circle. Fields added later read
/// as empty from rows stored before them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CircleView {
    /// The version of the last event folded in.
    pub version: u64,
    /// The domain's own state, which the audience function reads.
    pub state: Circle,
    pub focus_name: Option<Sealed>,
    pub entries: Vec<EntryView>,
    pub requests: BTreeMap<RequestId, RequestView>,
    pub places: BTreeMap<RequestId, Sealed>,
    /// Each shift's scheduling event (its title and who may see the rota).
    pub shifts: BTreeMap<ShiftId, CircleEvent>,
    /// Each standing offer's event, with what the domain state leaves out
    /// (what they won't do, their note).
    pub offers: BTreeMap<OfferId, CircleEvent>,
    pub thanks: Vec<ThanksView>,
    /// When each member last helped: suggestions ask whoever helped least recently.
    pub last_helped: BTreeMap<PersonId, DateTime<Utc>>,
    pub last_entry_at: Option<DateTime<Utc>>,
    /// "Who looked at our circle": (when, event).
    pub looks: Vec<(DateTime<Utc>, CircleEvent)>,
    /// What a matchmaker (or the volunteer) wrote with each proposal, for the coordinators.
    pub proposal_notes: BTreeMap<RequestId, BTreeMap<PersonId, Sealed>>,
    /// The event that paused or ended the circle (with its message), while it
    /// is paused or ended.
    pub life_event: Option<CircleEvent>,
    /// Indexes of what is stored above, made again when a stored view is read
    /// (see [`CircleView::reindex`]), so pages cost what they show.
    #[serde(skip)]
    index: Index,
}

/// What pages look up without going through a whole list. Derived from the
/// view's own fields, so two views are equal by those ([`CircleView::indexes_agree`]
/// checks the index against them).
#[derive(Clone, Debug, Default)]
struct Index {
    /// Every request, in the order asked (time, then id): the history's order.
    asked: Vec<(DateTime<Utc>, RequestId)>,
    /// Per entry, where its thanks are in `thanks`.
    entry_thanks: BTreeMap<EntryId, Vec<usize>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub entry: EntryId,
    pub author: PersonId,
    pub visibility: Visibility,
    pub text: Sealed,
    pub written_at: DateTime<Utc>,
    pub redacted: bool,
}

impl EntryView {
    fn as_event(&self) -> CircleEvent {
        CircleEvent::LogbookEntryWritten {
            entry: self.entry,
            author: self.author,
            visibility: self.visibility,
            text: self.text.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub request: RequestId,
    pub category: Category,
    pub window: TimeWindow,
    pub duration: Minutes,
    pub details: Sealed,
    pub asked_by: PersonId,
    pub on_behalf_of_focus: bool,
    pub requested_at: DateTime<Utc>,
    pub reach: Ring,
    pub status: RequestStatus,
    pub taker: Option<PersonId>,
}

impl RequestView {
    fn as_event(&self) -> CircleEvent {
        CircleEvent::HelpRequested {
            request: self.request,
            category: self.category,
            window: self.window,
            duration: self.duration,
            details: self.details.clone(),
            asked_by: self.asked_by,
            on_behalf_of_focus: self.on_behalf_of_focus,
        }
    }

    /// Who the help was for: the focus person when asked on their behalf.
    pub fn receiver(&self, focus: Option<PersonId>) -> PersonId {
        match (self.on_behalf_of_focus, focus) {
            (true, Some(focus)) => focus,
            _ => self.asked_by,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThanksView {
    pub from: PersonId,
    pub to: PersonId,
    pub thanks_for: ThanksFor,
    pub at: DateTime<Utc>,
}

impl CircleView {
    /// Folds one event in. Events must come in version order.
    pub fn apply(&mut self, version: u64, at: DateTime<Utc>, event: &CircleEvent) {
        use CircleEvent::*;
        match event {
            CircleCreated { focus_name, .. } => self.focus_name = Some(focus_name.clone()),
            FocusClaimed { name, .. } => self.focus_name = Some(name.clone()),
            VolunteerProposed {
                request,
                volunteer,
                note: Some(note),
                ..
            } => {
                let notes = self.proposal_notes.entry(*request).or_default();
                notes.insert(*volunteer, note.clone());
            }
            LogbookEntryWritten {
                entry,
                author,
                visibility,
                text,
            } => {
                self.entries.push(EntryView {
                    entry: *entry,
                    author: *author,
                    visibility: *visibility,
                    text: text.clone(),
                    written_at: at,
                    redacted: false,
                });
                self.last_entry_at = Some(at);
            }
            LogbookEntryRedacted { entry, .. } => {
                if let Some(e) = self.entries.iter_mut().find(|e| e.entry == *entry) {
                    e.redacted = true;
                }
            }
            HelpRequested {
                request,
                category,
                window,
                duration,
                details,
                asked_by,
                on_behalf_of_focus,
            } => {
                self.index.ask(*request, at);
                self.requests.insert(
                    *request,
                    RequestView {
                        request: *request,
                        category: *category,
                        window: *window,
                        duration: *duration,
                        details: details.clone(),
                        asked_by: *asked_by,
                        on_behalf_of_focus: *on_behalf_of_focus,
                        requested_at: at,
                        reach: Ring::Warm,
                        status: RequestStatus::Open,
                        taker: None,
                    },
                );
            }
            RequestPlaceNoted { request, place } => {
                self.places.insert(*request, place.clone());
            }
            RequestChanged {
                request,
                window,
                duration,
                details,
                ..
            } => {
                if let Some(view) = self.requests.get_mut(request) {
                    view.window = *window;
                    view.duration = *duration;
                    view.details = details.clone();
                }
            }
            RequestTaken { by, .. } => {
                self.last_helped.insert(*by, at);
            }
            ShiftScheduled { shift, .. } => {
                self.shifts.insert(*shift, event.clone());
            }
            OfferMade { offer, .. } => {
                self.offers.insert(*offer, event.clone());
            }
            // Kept as the offer it now is, so readers know one shape.
            OfferChanged {
                offer,
                by,
                will,
                wont,
                capacity,
                note,
            } => {
                let now = OfferMade {
                    offer: *offer,
                    by: *by,
                    will: will.clone(),
                    wont: wont.clone(),
                    capacity: *capacity,
                    note: note.clone(),
                };
                self.offers.insert(*offer, now);
            }
            ShiftClaimed { by, .. } => {
                self.last_helped.insert(*by, at);
            }
            ThanksGiven {
                thanks_for,
                from,
                to,
                ..
            } => {
                if let ThanksFor::Entry(entry) = thanks_for {
                    let place = self.thanks.len();
                    self.index
                        .entry_thanks
                        .entry(*entry)
                        .or_default()
                        .push(place);
                }
                self.thanks.push(ThanksView {
                    from: *from,
                    to: *to,
                    thanks_for: *thanks_for,
                    at,
                });
            }
            IntermediaryLooked { .. } => self.looks.push((at, event.clone())),
            CirclePaused { .. } | CircleEnded { .. } => self.life_event = Some(event.clone()),
            CircleResumed { .. } => self.life_event = None,
            _ => {}
        }
        self.state.apply(event.clone());
        // A request's view mirrors the domain's status, reach and taker; someone
        // leaving reopens whatever they had taken.
        let affected: Vec<RequestId> = match (request_of(event), event) {
            (Some(id), _) => vec![id],
            (None, MemberLeft { .. } | MemberRemoved { .. }) => {
                self.requests.keys().copied().collect()
            }
            _ => vec![],
        };
        for id in affected {
            if let (Some(view), Some(r)) =
                (self.requests.get_mut(&id), self.state.requests.get(&id))
            {
                view.reach = r.reach;
                view.status = r.status;
                view.taker = r.taker;
            }
        }
        self.version = version;
    }

    pub fn viewer(&self, actor: kring_domain::Actor, now: DateTime<Utc>) -> Viewer {
        Viewer::of(&self.state, actor, now)
    }

    /// The logbook, newest first, as `viewer` may read it. Redacted entries are
    /// left out for everyone but their author.
    pub fn logbook(&self, viewer: &Viewer) -> Vec<&EntryView> {
        self.logbook_page(viewer, PageAt::newest(usize::MAX)).items
    }

    /// A page of the logbook, newest first, as `viewer` may read it.
    pub fn logbook_page(&self, viewer: &Viewer, at: PageAt) -> Page<&EntryView> {
        newest_first(&self.entries, at, |e| {
            may_see(&self.state, &e.as_event(), viewer)
        })
    }

    /// A page of the finished requests (done, cancelled, not turned up for)
    /// `viewer` may see, the last asked first.
    pub fn request_history(&self, viewer: &Viewer, at: PageAt) -> Page<&RequestView> {
        let page = newest_first(&self.index.asked, at, |(_, id)| {
            self.requests.get(id).is_some_and(|r| {
                matches!(
                    r.status,
                    RequestStatus::Done | RequestStatus::Cancelled | RequestStatus::NoShow
                ) && may_see(&self.state, &r.as_event(), viewer)
            })
        });
        Page {
            items: page
                .items
                .iter()
                .filter_map(|(_, id)| self.requests.get(id))
                .collect(),
            next: page.next,
        }
    }

    /// Whether the indexes kept while folding are those made from scratch.
    pub fn indexes_agree(&self) -> bool {
        let mut fresh = self.clone();
        fresh.reindex();
        fresh.index.asked == self.index.asked && fresh.index.entry_thanks == self.index.entry_thanks
    }

    /// Makes the indexes again after a view was read from its stored form.
    pub fn reindex(&mut self) {
        let mut index = Index::default();
        for r in self.requests.values() {
            index.asked.push((r.requested_at, r.request));
        }
        index.asked.sort_unstable();
        for (place, t) in self.thanks.iter().enumerate() {
            if let ThanksFor::Entry(entry) = t.thanks_for {
                index.entry_thanks.entry(entry).or_default().push(place);
            }
        }
        self.index = index;
    }

    /// Open and running requests `viewer` may see, soonest first, with who took what.
    pub fn requests(&self, viewer: &Viewer) -> Vec<&RequestView> {
        let mut visible: Vec<&RequestView> = self
            .requests
            .values()
            .filter(|r| {
                matches!(
                    r.status,
                    RequestStatus::Open | RequestStatus::Taken | RequestStatus::Confirmed
                )
            })
            .filter(|r| may_see(&self.state, &r.as_event(), viewer))
            .collect();
        visible.sort_by_key(|r| r.window.start());
        visible
    }

    /// How many thanks for `entry` the viewer may know of (thanks are private to
    /// the two people and the coordinators).
    pub fn entry_thanks(&self, entry: EntryId, viewer: &Viewer) -> usize {
        let places = self
            .index
            .entry_thanks
            .get(&entry)
            .map_or(&[][..], Vec::as_slice);
        places
            .iter()
            .filter_map(|place| self.thanks.get(*place))
            .filter(|t| {
                let event = CircleEvent::ThanksGiven {
                    thanks_for: t.thanks_for,
                    from: t.from,
                    to: t.to,
                    note: None,
                };
                may_see(&self.state, &event, viewer)
            })
            .count()
    }

    /// The address of a request, for those who may see it.
    pub fn place(&self, request: RequestId, viewer: &Viewer) -> Option<&Sealed> {
        let place = self.places.get(&request)?;
        let event = CircleEvent::RequestPlaceNoted {
            request,
            place: place.clone(),
        };
        may_see(&self.state, &event, viewer).then_some(place)
    }

    /// A page of intermediaries' looks, newest first, for those who may see them.
    pub fn looks(&self, viewer: &Viewer, at: PageAt) -> Page<&(DateTime<Utc>, CircleEvent)> {
        newest_first(&self.looks, at, |(_, e)| may_see(&self.state, e, viewer))
    }
}

impl PartialEq for Index {
    fn eq(&self, _: &Index) -> bool {
        true
    }
}

impl Index {
    /// Notes a request in its place: nearly always the end.
    fn ask(&mut self, request: RequestId, at: DateTime<Utc>) {
        let key = (at, request);
        let place = self.asked.partition_point(|k| *k < key);
        if self.asked.get(place) != Some(&key) {
            self.asked.insert(place, key);
        }
    }
}

fn request_of(event: &CircleEvent) -> Option<RequestId> {
    use CircleEvent::*;
    match event {
        RequestWidened { request, .. }
        | RequestTaken { request, .. }
        | RequestConfirmed { request, .. }
        | RequestDone { request, .. }
        | RequestCancelled { request, .. }
        | NoShowRecorded { request, .. } => Some(*request),
        _ => None,
    }
}
