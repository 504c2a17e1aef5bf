//! Who the caller is to a circle, established once per request.
//!
//! - [`Member`]: routes under `/circles/{id}`: the signed-in person as a member.
//! - [`Intermediary`]: routes under `/organisations/{org}/circles/{id}`: the
//!   signed-in person on behalf of an organisation they work for, under the
//!   circle's consent. Every such read is put on the circle's record first
//!   (`RecordLook`), so "who looked at our circle" misses nothing.
//!
//! Both take the node's current view of the circle, caught up to the head of
//! its stream (so a removal or a narrowed consent applies to the very next
//! read), and answer 404 to anyone the circle does not know, as for no circle
//! at all.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use chrono::Utc;
use kring_domain::{Action, Actor, CircleId, OrganisationId, PersonId, Viewer};
use kring_protocol::v1;
use kring_views::CircleView;

use super::auth::SignedIn;
use super::command;
use super::extract::Query;
use super::policy::{decide, Resource};
use crate::{ApiError, AppState};

/// A circle id from the path. Anything that is not one is "no such circle",
/// like an id nobody uses.
pub(crate) fn circle_id(text: &str) -> Result<CircleId, ApiError> {
    text.parse().map_err(|_| ApiError::NoSuchCircle)
}

/// An organisation id from the path; anything else is no such organisation.
pub(crate) fn organisation_id(text: &str) -> Result<OrganisationId, ApiError> {
    text.parse().map_err(|_| no_such_organisation())
}

pub(crate) fn no_such_organisation() -> ApiError {
    ApiError::NotFound(
        crate::error::Code::NotYourOrganisation,
        "there is no such organisation, or you do not work for it".into(),
    )
}

/// The signed-in caller as a member of the circle in the path (`{id}`).
pub(crate) struct Member {
    pub circle: CircleId,
    pub me: PersonId,
    pub view: Arc<CircleView>,
    pub viewer: Viewer,
}

impl Member {
    /// 403/404 unless the policy lets this member read `resource`.
    pub(crate) fn may(&self, resource: Resource) -> Result<(), ApiError> {
        decide(&self.viewer, resource).check()
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SignedIn(me) = SignedIn::from_request_parts(parts, state).await?;
        let circle = circle_id(&path_param(parts, state, "id").await?)?;
        let Query(query) = Query::<v1::ReadQuery>::from_request_parts(parts, state).await?;
        let actor = Actor::person(me);
        let (view, viewer) = view_as(state, circle, actor, query.min_version.unwrap_or(0)).await?;
        Ok(Member {
            circle,
            me,
            view,
            viewer,
        })
    }
}

/// The signed-in caller reading the circle `{id}` for the organisation `{org}`.
pub(crate) struct Intermediary {
    pub circle: CircleId,
    pub organisation: OrganisationId,
    pub me: PersonId,
    pub view: Arc<CircleView>,
    pub viewer: Viewer,
}

impl Intermediary {
    /// Checks the policy, then records the look (`what`) before anything is shown.
    pub(crate) async fn look(
        &self,
        state: &AppState,
        resource: Resource,
        what: kring_domain::Looked,
    ) -> Result<(), ApiError> {
        decide(&self.viewer, resource).check()?;
        record_look(state, self.circle, self.me, self.organisation, what).await
    }
}

impl FromRequestParts<AppState> for Intermediary {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SignedIn(me) = SignedIn::from_request_parts(parts, state).await?;
        let organisation = organisation_id(&path_param(parts, state, "org").await?)?;
        works_for(state, me, organisation).await?;
        not_from_elsewhere(&parts.headers)?;
        let circle = circle_id(&path_param(parts, state, "id").await?)?;
        let Query(query) = Query::<v1::ReadQuery>::from_request_parts(parts, state).await?;
        let actor = Actor::intermediary(me, organisation);
        let (view, viewer) = view_as(state, circle, actor, query.min_version.unwrap_or(0)).await?;
        Ok(Intermediary {
            circle,
            organisation,
            me,
            view,
            viewer,
        })
    }
}

/// A look puts an entry on a family's record, so another site must not be able
/// to make an intermediary's browser look (a link or an image that sends the
/// cookie along): a request a browser marks as coming from another site
/// (`Sec-Fetch-Site: cross-site` or `same-site`) is refused before anything is
/// recorded. A link followed from a mail or typed in (`none`) is the person's own.
pub(crate) fn not_from_elsewhere(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
        return Err(ApiError::NotAllowed(
            crate::error::Code::CrossSiteLook,
            "open this from Kring itself: every look at a family's circle is on their record, \
             so a link or page from another site opens nothing"
                .into(),
        ));
    }
    Ok(())
}

/// 404 unless `person` is an intermediary of `organisation` now.
pub(crate) async fn works_for(
    state: &AppState,
    person: PersonId,
    organisation: OrganisationId,
) -> Result<(), ApiError> {
    match state.app.commands.organisation_state(organisation).await? {
        Some(org) if org.intermediaries.contains(&person) => Ok(()),
        _ => Err(no_such_organisation()),
    }
}

/// Puts an intermediary's look on the circle's record. The domain checks the
/// consent again, against the circle as it is at that moment.
pub(crate) async fn record_look(
    state: &AppState,
    circle: CircleId,
    person: PersonId,
    organisation: OrganisationId,
    what: kring_domain::Looked,
) -> Result<(), ApiError> {
    command::run_as(
        state,
        circle,
        Actor::intermediary(person, organisation),
        Action::RecordLook { what },
    )
    .await
    .map(|_| ())
}

async fn path_param(parts: &mut Parts, state: &AppState, name: &str) -> Result<String, ApiError> {
    let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::nothing_here())?;
    params
        .get(name)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("the route has no {{{name}}} in its path")))
}

/// The circle's view and who `actor` is in it, as the circle stands now: who
/// may read what (membership, ring, consent) is decided against the head of
/// its stream, so a removal or a narrowed consent applies to the very next
/// read, on any node. A `min_version` the circle has not reached is refused.
async fn view_as(
    state: &AppState,
    circle: CircleId,
    actor: Actor,
    min_version: u64,
) -> Result<(Arc<CircleView>, Viewer), ApiError> {
    let view = current_view(state, circle)
        .await?
        .ok_or(ApiError::NoSuchCircle)?;
    let viewer = view.viewer(actor, Utc::now());
    if !viewer.sees_circle() {
        return Err(ApiError::NoSuchCircle);
    }
    if view.version < min_version {
        let head = view.version;
        return Err(ApiError::Invalid(
            crate::error::Code::MinVersionAhead,
            format!("this circle is at version {head}: min_version {min_version} has not happened"),
        ));
    }
    Ok((view, viewer))
}

/// The circle's view up to the head of its stream: for reads that decide who
/// may see something outside the extractors (calendar feeds, exports, "my
/// circles"). `None` when there is no such circle.
pub(crate) async fn current_view(
    state: &AppState,
    circle: CircleId,
) -> Result<Option<Arc<CircleView>>, ApiError> {
    let view = state.app.commands.circle_view(circle).await?;
    Ok(view.filter(|v| v.state.exists()))
}
