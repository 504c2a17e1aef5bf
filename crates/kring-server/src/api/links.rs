//! The links in mails (`<public url>/m/<token>`), as the pages and clients use them:
//!
//! - `GET /api/v1/links/{token}`: what the link does and whether it still
//!   works (`valid`, `used`, `expired`), without using it: a mail scanner that
//!   fetches links changes nothing.
//! - `POST /api/v1/links/{token}`: use it. One arm per purpose.
//!
//! The store knows a link by the SHA-256 of its token only (`MailLink`).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Utc};
use kring_domain::{OrganisationAction, OrganisationCommand, OrganisationId, PersonId, Refusal};
use kring_notify::links::{looks_like_token, token_hash, Purpose};
use kring_protocol::v1;
use kring_store::MailLink;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::extract::Body;
use super::Problems;
use crate::error::Code;
use crate::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show, follow))
}

/// What a link is, without using it. 404 for a token Kring never made.
#[utoipa::path(get, path = "/links/{token}", tag = "links",
    params(("token" = String, Path, description = "the token after /m/ in the mail")),
    responses((status = 200, body = v1::LinkInfo), Problems))]
async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<v1::LinkInfo>, ApiError> {
    let link = find(&state, &token).await?;
    Ok(Json(v1::LinkInfo {
        purpose: link.purpose.clone(),
        state: link_state(&link, Utc::now()).to_owned(),
        organisation: subject(&link)["organisation_name"]
            .as_str()
            .map(str::to_owned),
    }))
}

/// Uses the link: proves an address, sets a new password (`password` in the
/// body), or accepts an invitation to an organisation (signed in, with the
/// verified address it was sent to). 409 `link-used` / `link-expired` for a
/// link that no longer works.
#[utoipa::path(post, path = "/links/{token}", tag = "links",
    params(("token" = String, Path, description = "the token after /m/ in the mail")),
    request_body = v1::UseLink,
    responses((status = 200, body = v1::LinkUsed), Problems))]
async fn follow(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Body(body): Body<v1::UseLink>,
) -> Result<Json<v1::LinkUsed>, ApiError> {
    let link = find(&state, &token).await?;
    let used = match Purpose::from_code(&link.purpose) {
        Some(Purpose::VerifyEmail) => verify_email(&state, &token, &link).await?,
        Some(Purpose::ResetPassword) => {
            let password = body.password.unwrap_or_default();
            reset_password(&state, &token, &link, &password).await?
        }
        Some(Purpose::ColleagueInvitation) => {
            accept_colleague(&state, &token, &link, &headers).await?
        }
        // One-tap answers, unsubscribing and circle invitations (whose mail
        // carries the join link) are not followed here.
        Some(_) | None => return Err(no_such_link()),
    };
    Ok(Json(used))
}

/// The link of a token, or 404 (the same for a malformed and an unknown token).
pub(super) async fn find(state: &AppState, token: &str) -> Result<MailLink, ApiError> {
    if !looks_like_token(token) {
        return Err(no_such_link());
    }
    state
        .log
        .link(&token_hash(token))
        .await?
        .ok_or_else(no_such_link)
}

fn no_such_link() -> ApiError {
    ApiError::NotFound(
        Code::NoSuchLink,
        "there is no such link: check that you used the whole link from the mail".into(),
    )
}

fn link_state(link: &MailLink, now: DateTime<Utc>) -> &'static str {
    if link.used_at.is_some() {
        "used"
    } else if link.expires_at <= now {
        "expired"
    } else {
        "valid"
    }
}

fn subject(link: &MailLink) -> serde_json::Value {
    serde_json::from_str(&link.subject).unwrap_or_default()
}

/// 409 unless the link still works at `now`.
fn still_works(link: &MailLink, now: DateTime<Utc>) -> Result<(), ApiError> {
    match link_state(link, now) {
        "used" => Err(ApiError::Conflict(
            Code::LinkUsed,
            "this link was used already: a link from a mail works once".into(),
        )),
        "expired" => Err(ApiError::Conflict(
            Code::LinkExpired,
            "this link has expired: ask for a new mail".into(),
        )),
        _ => Ok(()),
    }
}

/// Marks the link used, or says why it cannot be (used or expired meanwhile).
async fn use_once(state: &AppState, token: &str, link: &MailLink) -> Result<(), ApiError> {
    let now = Utc::now();
    still_works(link, now)?;
    if state.log.use_link(&token_hash(token), now).await? {
        return Ok(());
    }
    // Another request used it, or it expired, in between.
    let again = find(state, token).await?;
    still_works(&again, now)?;
    Err(ApiError::Conflict(
        Code::LinkUsed,
        "this link was used already: a link from a mail works once".into(),
    ))
}

fn lookup_of(link: &MailLink) -> String {
    subject(link)["email_lookup"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn verify_email(
    state: &AppState,
    token: &str,
    link: &MailLink,
) -> Result<v1::LinkUsed, ApiError> {
    use_once(state, token, link).await?;
    state
        .app
        .accounts
        .verify_email(PersonId(link.account), &lookup_of(link))
        .await?;
    Ok(v1::LinkUsed {
        purpose: link.purpose.clone(),
        id: None,
    })
}

/// Sets the new password, ends every session and every other reset link. The
/// mail reached the address, so it is proven too (when it is still the account's).
pub(super) async fn reset_password(
    state: &AppState,
    token: &str,
    link: &MailLink,
    password: &str,
) -> Result<v1::LinkUsed, ApiError> {
    if link.purpose != Purpose::ResetPassword.code() {
        return Err(no_such_link());
    }
    still_works(link, Utc::now())?;
    // Before using the link: a password that cannot be right leaves it working.
    kring_app::check_password(password).map_err(ApiError::from)?;
    use_once(state, token, link).await?;
    let account = PersonId(link.account);
    state.app.accounts.reset_password(account, password).await?;
    state
        .log
        .end_links(account.0, Purpose::ResetPassword.code(), Utc::now())
        .await?;
    match state
        .app
        .accounts
        .verify_email(account, &lookup_of(link))
        .await
    {
        Ok(()) => {}
        // Proven already, or the address changed since the mail: nothing to record.
        Err(kring_app::AccountError::Command(kring_app::CommandError::Refused(_))) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(v1::LinkUsed {
        purpose: link.purpose.clone(),
        id: None,
    })
}

/// The signed-in account joins the organisation, when the address it proved
/// is the one the invitation was mailed to. The inviter adds them (and must
/// still work there).
async fn accept_colleague(
    state: &AppState,
    token: &str,
    link: &MailLink,
    headers: &HeaderMap,
) -> Result<v1::LinkUsed, ApiError> {
    let token_of_session = state
        .app
        .cookie
        .token(headers)
        .ok_or(ApiError::NotLoggedIn)?;
    let me = state
        .app
        .accounts
        .session(&token_of_session)
        .await?
        .ok_or(ApiError::NotLoggedIn)?;
    still_works(link, Utc::now())?;
    let email = state
        .app
        .accounts
        .email_state(me)
        .await?
        .ok_or(ApiError::NotLoggedIn)?;
    if !email.verified {
        return Err(ApiError::NotAllowed(
            Code::EmailNotVerified,
            "confirm your e-mail address first, with the link in the mail we sent you".into(),
        ));
    }
    if email.lookup != lookup_of(link) {
        return Err(ApiError::NotAllowed(
            Code::NotYourAddress,
            "this invitation was sent to another e-mail address".into(),
        ));
    }
    let organisation = subject(link)["organisation"]
        .as_str()
        .and_then(|id| id.parse::<Uuid>().ok())
        .map(OrganisationId)
        .ok_or_else(no_such_link)?;
    let command = OrganisationCommand {
        actor: PersonId(link.account),
        action: OrganisationAction::AddIntermediary { person: me },
    };
    match state.app.commands.organisation(organisation, command).await {
        Ok(_) => {}
        // Accepted before: the link did its work.
        Err(kring_app::CommandError::Refused(e)) if e.refusal() == Refusal::AlreadyIntermediary => {
        }
        Err(e) => return Err(e.into()),
    }
    use_once(state, token, link).await.or_else(|e| match e {
        ApiError::Conflict(Code::LinkUsed, _) => Ok(()),
        e => Err(e),
    })?;
    Ok(v1::LinkUsed {
        purpose: link.purpose.clone(),
        id: Some(organisation.0),
    })
}
