//! The one place that decides what each kind of viewer may do with each part
//! of a circle: (role, ring, consent scope) × (resource, action).
//!
//! What is *inside* a resource is filtered further, event by event, by the
//! domain's audience function (`kring_domain::may_see`). Changes are not in
//! this table: every command goes to the domain, whose rules (only
//! coordinators invite, nobody claims a started shift...) answer a non-member
//! "no such circle" (404) like the reads here. This table decides whether a
//! read answers at all:
//!
//! - an outsider learns nothing: 404, exactly as for a circle that does not exist;
//! - a member is told what they may not see (403), because they know the circle;
//! - an intermediary reads only through the organisation's routes, under the
//!   circle's consent, and never changes anything.

use kring_domain::{ConsentScope, Ring, Viewer};

use crate::error::Code;
use crate::ApiError;

/// A part of a circle, as the routes expose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resource {
    /// The summary: focus person, your membership, ring counts.
    Circle,
    Members,
    Invitations,
    Requests,
    Offers,
    /// Shifts, the rota and swaps.
    Rota,
    Logbook,
    Consent,
    /// "Who looked at our circle".
    Looks,
    /// Committed hours against capacity; reciprocity.
    Figures,
    /// Signals of how the circle is doing, and whom to ask next.
    Health,
    /// Everything, readable, for keeping or moving elsewhere.
    Export,
    /// An iCalendar feed of shifts.
    Calendar,
    /// The volunteers proposed for a request on a marketplace.
    Proposals,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Allow,
    /// 403 with a reason the viewer can read.
    Forbid(Code, &'static str),
    /// 404: the viewer may not even know the circle exists.
    Hide,
}

impl Decision {
    pub(crate) fn check(self) -> Result<(), ApiError> {
        match self {
            Decision::Allow => Ok(()),
            Decision::Forbid(code, why) => Err(ApiError::NotAllowed(code, why.to_owned())),
            Decision::Hide => Err(ApiError::NoSuchCircle),
        }
    }
}

/// Whether `viewer` may read `resource` (changes are the domain's: see above).
pub(crate) fn decide(viewer: &Viewer, resource: Resource) -> Decision {
    use Decision::*;
    use Resource::*;
    match *viewer {
        Viewer::Outsider => Hide,
        Viewer::Intermediary { scope, .. } => match (resource, scope) {
            (Health, _) => Allow,
            (Circle | Members | Requests | Rota | Logbook, ConsentScope::Full) => Allow,
            (Circle | Members | Requests | Rota | Logbook, ConsentScope::Signals) => Forbid(
                Code::ReadSignalsOnly,
                "this circle shares only its signals with your organisation",
            ),
            _ => Forbid(
                Code::ReadMembersOnly,
                "this part of a circle is for its members only",
            ),
        },
        Viewer::Member {
            ring,
            coordinator,
            focus,
            ..
        } => match resource {
            Circle | Members | Requests | Logbook | Figures => Allow,
            Rota | Offers | Calendar if ring == Ring::Cold && !coordinator => Forbid(
                Code::ReadVolunteersNoRota,
                "volunteers see the task they joined for, not the rota",
            ),
            Rota | Offers | Calendar => Allow,
            Invitations | Health | Export | Proposals if coordinator => Allow,
            Proposals => Forbid(
                Code::ReadProposalsCoordinators,
                "the coordinators answer the volunteers proposed to the circle",
            ),
            Invitations => Forbid(
                Code::ReadInvitationsCoordinators,
                "only the coordinators of the circle see its invitations",
            ),
            Health => Forbid(
                Code::ReadHealthCoordinators,
                "the coordinators watch over the circle's signals",
            ),
            Export => Forbid(
                Code::ReadExportCoordinators,
                "a coordinator exports the whole circle; export your own data from your account",
            ),
            Consent if coordinator || ring == Ring::Warm => Allow,
            Consent => Forbid(
                Code::ReadConsentWarm,
                "the warm ring and the coordinators decide what organisations see",
            ),
            Looks if coordinator || focus => Allow,
            Looks => Forbid(
                Code::ReadLooksCoordinatorsFocus,
                "the coordinators and the person the circle is for see who looked",
            ),
        },
    }
}
