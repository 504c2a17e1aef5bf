//! The account links of `/links/{token}`: proving an address, choosing a new
//! password, accepting an invitation to an organisation. Each uses its link as
//! its own steps require (a reset refused for a weak password leaves it working).

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use kring_domain::{OrganisationAction, OrganisationCommand, OrganisationId, PersonId, Refusal};
use kring_notify::links::{token_hash, Purpose};
use kring_protocol::v1;
use kring_store::MailLink;
use uuid::Uuid;

use super::{find, no_such_link, used};
use crate::error::Code;
use crate::{ApiError, AppState};

fn link_state(link: &MailLink, now: DateTime<Utc>) -> &'static str {
    if link.used_at.is_some() {
        "used"
    } else if link.expires_at <= now {
        "expired"
    } else {
        "valid"
    }
}

pub(super) fn subject(link: &MailLink) -> serde_json::Value {
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
    let (again, _) = find(state, token).await?;
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

pub(super) async fn verify_email(
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
    Ok(used(Purpose::VerifyEmail))
}

/// Sets the new password, ends every session and every other reset link. The
/// mail reached the address, so it is proven too (when it is still the account's).
pub(in crate::api) async fn reset_password(
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
    // A link mailed to an address the account has left behind resets nothing.
    let now_at = state
        .app
        .accounts
        .email_state(PersonId(link.account))
        .await?;
    if now_at.map(|e| e.lookup) != Some(lookup_of(link)) {
        return Err(Refusal::EmailChangedSince.into());
    }
    use_once(state, token, link).await?;
    let account = PersonId(link.account);
    state.app.accounts.reset_password(account, password).await?;
    crate::api::me::password_changed(state, account).await?;
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
    Ok(used(Purpose::ResetPassword))
}

/// The signed-in account joins the organisation, when the address it proved
/// is the one the invitation was mailed to. The inviter adds them (and must
/// still work there).
pub(super) async fn accept_colleague(
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
        organisation: Some(organisation.0),
        ..used(Purpose::ColleagueInvitation)
    })
}

/// Whether `code` is an unused, unexpired volunteer invitation to
/// `organisation` from someone who still works for it; if so it is used up
/// now (a second join with it, or one for another organisation, finds nothing).
pub(in crate::api) async fn spend_volunteer_invitation(
    state: &AppState,
    organisation: OrganisationId,
    code: &str,
) -> Result<bool, ApiError> {
    let Ok((link, purpose)) = find(state, code).await else {
        return Ok(false);
    };
    let for_this = subject(&link)["organisation"].as_str() == Some(&organisation.0.to_string());
    if purpose != Purpose::VolunteerInvitation || !for_this {
        return Ok(false);
    }
    // An invitation from someone who no longer works for it signs nobody up.
    let inviter_stays = state
        .app
        .commands
        .organisation_state(organisation)
        .await?
        .is_some_and(|o| o.intermediaries.contains(&PersonId(link.account)));
    if !inviter_stays {
        return Ok(false);
    }
    match use_once(state, code, &link).await {
        Ok(()) => Ok(true),
        Err(ApiError::Conflict(..)) => Ok(false),
        Err(e) => Err(e),
    }
}
