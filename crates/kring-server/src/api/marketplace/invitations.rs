//! `POST /organisations/{org}/volunteer-invitations`: an intermediary invites
//! someone by mail to volunteer. The mail's link opens the organisation's
//! sign-up page with the link's own token as the code, which works once and
//! for this organisation only (`links::spend_volunteer_invitation`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use kring_notify::direct::{self, Direct};
use kring_protocol::v1;
use serde_json::json;
use uuid::Uuid;

use crate::api::access::organisation_id;
use crate::api::auth::SignedIn;
use crate::api::extract::Body;
use crate::api::organisations::may_mail_invitation;
use crate::api::Problems;
use crate::{ApiError, AppState};

/// 202 whatever the address (it is not looked up); 404 for anyone but the
/// organisation's intermediaries; 429 past the mails an account may send.
#[utoipa::path(post, path = "/organisations/{org}/volunteer-invitations", tag = "marketplace",
    params(("org" = Uuid, Path, description = "the organisation")),
    request_body = v1::InviteVolunteer,
    responses((status = 202, body = v1::MailAccepted), Problems))]
pub(crate) async fn invite_volunteer(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(org): Path<String>,
    Body(body): Body<v1::InviteVolunteer>,
) -> Result<(StatusCode, Json<v1::MailAccepted>), ApiError> {
    let organisation = organisation_id(&org)?;
    let (_, name) = may_mail_invitation(&state, me, organisation, &body.email).await?;
    let invitation = Uuid::new_v4();
    let direct = Direct::VolunteerInvitation {
        organisation: organisation.0,
        organisation_name: name,
        to_sealed: state.app.links.seal_address(invitation, &body.email),
    };
    let subject = json!({ "organisation": organisation.0 });
    direct::queue_invitation(
        state.log.as_ref(),
        &state.app.links,
        invitation,
        direct,
        Some((me.0, subject)),
        Utc::now(),
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(v1::MailAccepted { accepted: true }),
    ))
}
