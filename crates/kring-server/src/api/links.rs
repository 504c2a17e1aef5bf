//! The links in mails (`<public url>/m/<token>`), as the pages and clients use them:
//!
//! - `GET /api/v1/links/{token}`: what the link does and whether it still
//!   works, without using it: a mail scanner that fetches links changes nothing.
//! - `POST /api/v1/links/{token}`: does what it says, as the account it was
//!   mailed to. The token is the only authority for the one-tap answers and
//!   unsubscribing; accepting an invitation to an organisation also needs the
//!   session of the account that proved the invited address.
//!
//! The store knows a link by the SHA-256 of its token only (`MailLink`). A
//! one-tap link is used in the same step as its action, and only when the
//! action was done or refused for good (a busy circle can be tried again with
//! the same link); the account links (verification, reset, invitation) use
//! theirs as their own steps require.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Utc};
use kring_domain::circle::state::RequestStatus;
use kring_domain::{Action, CircleId, PersonId, RequestId, SwapId};
use kring_notify::links::{looks_like_token, token_hash, Purpose};
use kring_notify::notices::{may_name, Topic};
use kring_notify::schedule::Delivery;
use kring_protocol::v1;
use kring_store::{MailLink, MailStore};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{command, wire, Problems};
use crate::error::Code;
use crate::{ApiError, AppState};

mod account;
use account::{accept_colleague, subject, verify_email};
pub(super) use account::{reset_password, spend_volunteer_invitation};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show, follow))
}

/// What a link is: its purpose, whether it still works, and what it is about
/// as far as its mail said (the kind of help and its time; no more). 404 for a
/// token that is no link.
#[utoipa::path(get, path = "/links/{token}", tag = "mail",
    params(("token" = String, Path, description = "the token in the mail's link")),
    security(()),
    responses((status = 200, body = v1::LinkInfo), Problems))]
async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<v1::LinkInfo>, ApiError> {
    let (link, purpose) = find(&state, &token).await?;
    let now = Utc::now();
    let mut info = v1::LinkInfo {
        purpose: purpose_word(purpose),
        state: if link.used_at.is_some() {
            v1::LinkState::Used
        } else if link.expires_at <= now {
            v1::LinkState::Expired
        } else {
            v1::LinkState::Valid
        },
        circle: None,
        category: None,
        starts: None,
        time_zone: None,
        topic: None,
        organisation: None,
    };
    match purpose {
        Purpose::ClaimRequest | Purpose::AcceptSwap | Purpose::DeclineSwap => {
            let subject = subject_of(&link)?;
            info.circle = subject.circle.map(|c| c.0);
            let about = about(&state, &subject).await?;
            info.category = about.category;
            info.starts = about.starts;
            info.time_zone = about.time_zone;
            if about.settled && info.state == v1::LinkState::Valid {
                info.state = v1::LinkState::Settled;
            }
        }
        Purpose::Unsubscribe => {
            let subject = subject_of(&link)?;
            info.circle = subject.circle.map(|c| c.0);
            info.topic = subject.topic.map(topic_word);
        }
        Purpose::ColleagueInvitation => {
            info.organisation = subject(&link)["organisation_name"]
                .as_str()
                .map(str::to_owned);
        }
        // Links of other purposes say only what they are.
        _ => {}
    }
    Ok(Json(info))
}

/// Does what the link says, as the account it was mailed to. 404 for a token
/// that is no link; 409 `link-used` or `link-expired`; a refusal of the
/// domain (such as `request-not-open` when someone else was first) as for the
/// same action in the API. The body is not read: a mail client's one-click
/// unsubscribe (RFC 8058) posts `List-Unsubscribe=One-Click`.
#[utoipa::path(post, path = "/links/{token}", tag = "mail",
    params(("token" = String, Path, description = "the token in the mail's link")),
    security(()),
    request_body(content = Option<v1::UseLink>, description = "a reset link's new password; \
        nothing else reads a body (a mail client's one-click unsubscribe posts a form)"),
    responses((status = 200, body = v1::LinkUsed), Problems))]
async fn follow(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<v1::LinkUsed>, ApiError> {
    let (link, purpose) = find(&state, &token).await?;
    let now = Utc::now();
    if link.used_at.is_some() {
        return Err(ApiError::Conflict(
            Code::LinkUsed,
            "this link was used already".into(),
        ));
    }
    if link.expires_at <= now {
        return Err(ApiError::Conflict(
            Code::LinkExpired,
            "this link no longer works".into(),
        ));
    }
    let outcome = match purpose {
        Purpose::VerifyEmail => verify_email(&state, &token, &link).await,
        Purpose::ResetPassword => {
            let password = serde_json::from_slice::<v1::UseLink>(&body)
                .ok()
                .and_then(|b| b.password)
                .unwrap_or_default();
            reset_password(&state, &token, &link, &password).await
        }
        Purpose::ColleagueInvitation => accept_colleague(&state, &token, &link, &headers).await,
        _ => act(&state, purpose, &link).await,
    };
    if purpose.single_use() && one_tap(purpose) && settled_by(&outcome) {
        state.log.use_link(&link.token_hash, now).await?;
    }
    outcome.map(Json)
}

/// The one-tap answers and unsubscribing, one arm per purpose; a purpose
/// whose link is followed elsewhere (a circle invitation's mail carries the
/// join link) is no link here.
async fn act(
    state: &AppState,
    purpose: Purpose,
    link: &MailLink,
) -> Result<v1::LinkUsed, ApiError> {
    let account = PersonId(link.account);
    let mut used = used(purpose);
    match purpose {
        Purpose::ClaimRequest => {
            let subject = subject_of(link)?;
            let request = subject.request.ok_or_else(|| unreadable(link))?;
            let circle = subject.circle.ok_or_else(|| unreadable(link))?;
            let version =
                command::run(state, circle, account, Action::TakeRequest { request }).await?;
            used.circle = Some(circle.0);
            used.version = Some(version);
        }
        Purpose::AcceptSwap | Purpose::DeclineSwap => {
            let subject = subject_of(link)?;
            let swap = subject.swap.ok_or_else(|| unreadable(link))?;
            let circle = subject.circle.ok_or_else(|| unreadable(link))?;
            let action = if purpose == Purpose::AcceptSwap {
                Action::AcceptSwap { swap }
            } else {
                Action::DeclineSwap { swap }
            };
            let version = command::run(state, circle, account, action).await?;
            used.circle = Some(circle.0);
            used.version = Some(version);
        }
        Purpose::Unsubscribe => {
            let subject = subject_of(link)?;
            let topic = subject.topic.ok_or_else(|| unreadable(link))?;
            let store: &dyn MailStore = state.log.as_ref();
            let mut settings = kring_notify::settings::settings(store, link.account).await?;
            // Of one circle, or (the marketplace's, of none) everywhere.
            match subject.circle {
                Some(circle) => settings.circles.entry(circle).or_default(),
                None => &mut settings.topics,
            }
            .insert(topic, Delivery::Off);
            kring_notify::settings::save(store, link.account, &settings).await?;
            used.circle = subject.circle.map(|c| c.0);
            used.topic = Some(topic_word(topic));
        }
        _ => return Err(no_such_link()),
    }
    Ok(used)
}

/// What using a link of `purpose` did, before the details.
fn used(purpose: Purpose) -> v1::LinkUsed {
    v1::LinkUsed {
        purpose: purpose_word(purpose),
        circle: None,
        version: None,
        topic: None,
        organisation: None,
    }
}

/// The links [`act`] answers (the others use their links as their steps require).
fn one_tap(purpose: Purpose) -> bool {
    matches!(
        purpose,
        Purpose::ClaimRequest | Purpose::AcceptSwap | Purpose::DeclineSwap | Purpose::Unsubscribe
    )
}

/// Whether the outcome ends a link of one use: done, or refused in a way that
/// trying again cannot change. A busy moment or a fault leaves it working.
fn settled_by(outcome: &Result<v1::LinkUsed, ApiError>) -> bool {
    match outcome {
        Ok(_) => true,
        // A purpose not followed here leaves its link as it was.
        Err(ApiError::NotFound(Code::NoSuchLink, _)) => false,
        Err(e) => matches!(
            e,
            ApiError::Refused(_)
                | ApiError::NoSuchCircle
                | ApiError::NotFound(..)
                | ApiError::Conflict(..)
                | ApiError::NotAllowed(..)
                | ApiError::Invalid(..)
        ),
    }
}

/// The stored link of a token, with its purpose. Anything else, a tampered
/// token included, is one answer that tells nothing.
pub(super) async fn find(state: &AppState, token: &str) -> Result<(MailLink, Purpose), ApiError> {
    if !looks_like_token(token) {
        return Err(no_such_link());
    }
    let link = state
        .log
        .link(&token_hash(token))
        .await?
        .ok_or_else(no_such_link)?;
    let purpose = Purpose::from_code(&link.purpose).ok_or_else(no_such_link)?;
    Ok((link, purpose))
}

fn no_such_link() -> ApiError {
    ApiError::NotFound(
        Code::NoSuchLink,
        "there is no such link: check that you used the whole link from the mail".into(),
    )
}

/// What a link of a circle acts on, as the notifier wrote it.
#[derive(Deserialize)]
struct Subject {
    /// None for a marketplace notice's unsubscribe link.
    #[serde(default)]
    circle: Option<CircleId>,
    #[serde(default)]
    request: Option<RequestId>,
    #[serde(default)]
    swap: Option<SwapId>,
    #[serde(default)]
    topic: Option<Topic>,
}

fn subject_of(link: &MailLink) -> Result<Subject, ApiError> {
    serde_json::from_str(&link.subject).map_err(|_| unreadable(link))
}

fn unreadable(link: &MailLink) -> ApiError {
    ApiError::internal(format!(
        "a {} link whose subject cannot be read",
        link.purpose
    ))
}

/// What the mail of a one-tap link showed, and whether it is settled since.
#[derive(Default)]
struct About {
    category: Option<v1::Category>,
    starts: Option<DateTime<Utc>>,
    time_zone: Option<String>,
    settled: bool,
}

async fn about(state: &AppState, subject: &Subject) -> Result<About, ApiError> {
    let Some(circle) = subject.circle else {
        return Ok(About::default());
    };
    let Some(circle) = state.app.commands.circle_state(circle).await? else {
        return Ok(About {
            settled: true,
            ..About::default()
        });
    };
    let mut about = About {
        time_zone: Some(circle.time_zone.clone()),
        ..About::default()
    };
    if let Some(request) = subject.request {
        match circle.requests.get(&request) {
            Some(r) => {
                about.category = may_name(r.category).then(|| wire::category(r.category));
                about.starts = Some(r.window.start());
                about.settled = r.status != RequestStatus::Open;
            }
            None => about.settled = true,
        }
    }
    if let Some(swap) = subject.swap {
        match circle.swaps.get(&swap) {
            Some(s) => {
                about.starts = circle
                    .shifts
                    .get(&s.shift)
                    .map(|shift| shift.start_on(s.date, &circle.time_zone));
                about.settled = !s.open;
            }
            None => about.settled = true,
        }
    }
    Ok(about)
}

fn purpose_word(purpose: Purpose) -> v1::LinkPurpose {
    match purpose {
        Purpose::VerifyEmail => v1::LinkPurpose::VerifyEmail,
        Purpose::ResetPassword => v1::LinkPurpose::ResetPassword,
        Purpose::ClaimRequest => v1::LinkPurpose::ClaimRequest,
        Purpose::AcceptSwap => v1::LinkPurpose::AcceptSwap,
        Purpose::DeclineSwap => v1::LinkPurpose::DeclineSwap,
        Purpose::Unsubscribe => v1::LinkPurpose::Unsubscribe,
        Purpose::CircleInvitation => v1::LinkPurpose::CircleInvitation,
        Purpose::ColleagueInvitation => v1::LinkPurpose::ColleagueInvitation,
        Purpose::VolunteerInvitation => v1::LinkPurpose::VolunteerInvitation,
    }
}

pub(super) fn topic_word(topic: Topic) -> v1::MailTopic {
    match topic {
        Topic::RequestOpen => v1::MailTopic::RequestOpen,
        Topic::MyRequests => v1::MailTopic::MyRequests,
        Topic::Swaps => v1::MailTopic::Swaps,
        Topic::Reminders => v1::MailTopic::Reminders,
        Topic::Coordination => v1::MailTopic::Coordination,
        Topic::Looks => v1::MailTopic::Looks,
        Topic::Thresholds => v1::MailTopic::Thresholds,
        Topic::Marketplace => v1::MailTopic::Marketplace,
        Topic::CircleLife => v1::MailTopic::CircleLife,
    }
}

pub(super) fn domain_topic(topic: v1::MailTopic) -> Topic {
    match topic {
        v1::MailTopic::RequestOpen => Topic::RequestOpen,
        v1::MailTopic::MyRequests => Topic::MyRequests,
        v1::MailTopic::Swaps => Topic::Swaps,
        v1::MailTopic::Reminders => Topic::Reminders,
        v1::MailTopic::Coordination => Topic::Coordination,
        v1::MailTopic::Looks => Topic::Looks,
        v1::MailTopic::Thresholds => Topic::Thresholds,
        v1::MailTopic::Marketplace => Topic::Marketplace,
        v1::MailTopic::CircleLife => Topic::CircleLife,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_ends_only_when_its_action_is_settled() {
        let done = v1::LinkUsed {
            purpose: v1::LinkPurpose::ClaimRequest,
            circle: None,
            version: Some(3),
            topic: None,
            organisation: None,
        };
        assert!(settled_by(&Ok(done)));
        let refused = ApiError::from(kring_domain::Refusal::RequestNotOpen);
        assert!(settled_by(&Err(refused)));
        // Trying again may work: the link keeps working.
        assert!(!settled_by(&Err(ApiError::Busy)));
        assert!(!settled_by(&Err(ApiError::internal("a fault"))));
        // A purpose followed elsewhere is not burnt here.
        assert!(!settled_by(&Err(no_such_link())));
    }
}
