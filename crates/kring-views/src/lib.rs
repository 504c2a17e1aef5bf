//! Kring's read side. Every view is a pure fold over a circle's events
//! ([`CircleView::apply`]) plus queries that filter for the viewer through the
//! domain's audience function, so a view can always be rebuilt from the log.

mod circle_view;
mod current;
mod dashboard;
mod health;
mod history;
mod intermediaries;
mod load;
mod marketplace;
mod memberships;
mod page;
mod projector;
mod rota;
mod suggestions;

pub use circle_view::{CircleView, EntryView, RequestView, ThanksView};
pub use current::{complete, current, CurrentViews};
pub use dashboard::{
    attention, dashboard, urgency, Attention, ConsentEntry, ConsentedCircles, DashboardRow,
    Urgency, ORGANISATION_VIEW,
};
pub use health::Health;
pub use history::{circle_history, circle_history_from, HistoryEvent};
pub use intermediaries::{
    backfill as backfill_intermediaries, intermediary_change, organisations_of,
    PersonOrganisations, INTERMEDIARY_VIEW,
};
pub use load::{iso_week_start, MemberLoad, Reciprocity};
pub use marketplace::{
    listing_id, marketplace, marketplaces_touched, month_of, ranked, ListedProposal, Listing,
    ParsedViews, Stage, VolunteerEntry, Volunteers, VOLUNTEERS_VIEW,
};
pub use memberships::{circles_of, membership_change, PersonCircles, MEMBERSHIP_VIEW};
pub use page::{newest_first, Page, PageAt};
pub use projector::{
    caught_up, decode, load, rebuild, ProjectionError, Projector, CHECKPOINT, CIRCLE_VIEW,
};
pub use rota::Slot;
pub use suggestions::Suggestion;
