//! Invitations and joining.
//!
//! - `POST /api/v1/circles/{id}/invitations`: a coordinator invites someone;
//!   the answer holds the secret code and link, shown this once.
//! - `GET /api/v1/circles/{id}/invitations`: the open ones, without secrets.
//! - `DELETE /api/v1/circles/{id}/invitations/{invitation}`: revoke one.
//! - `POST /api/v1/invitations/accept`: the signed-in person joins with a code.
//!
//! The secret is 32 random bytes; the circle's log holds only its SHA-256
//! (`token_hash`), so neither the log nor the views can be used to join. The
//! code is `<circle>.<invitation>.<secret>` and the link carries it after `#`,
//! which browsers never send to a server: it stays out of access logs. A code
//! that does not work, for whatever reason (wrong, expired, revoked, used), is
//! answered with one 404 that does not say which.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{Duration, Utc};
use kring_app::LinkSecret;
use kring_app::Opened;
use kring_domain::circle::events::InvitedAs;
use kring_domain::circle::state::InvitationState;
use kring_domain::{Action, InvitationId, PersonId, Refusal, RefusalKind, RequestId, Sealed};
use kring_protocol::v1;
use uuid::Uuid;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access::{circle_id, Member};
use super::auth::SignedIn;
use super::command;
use super::extract::Body;
use super::policy::Resource;
use super::{addresses, idempotency::ids, wire, Problems};
use crate::{ApiError, AppState};

/// How long an invitation works when the coordinator does not say.
const DEFAULT_DAYS: u32 = 14;
/// The longest an invitation may work (the domain's limit too).
const LONGEST_DAYS: u32 = v1::limits::MAX_INVITATION_DAYS;

/// The one answer to every code that does not (or no longer) work.
const LINK_GONE: &str =
    "this invitation link does not work any more: ask whoever invited you for a new one";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invite, list))
        .routes(routes!(invite_by_mail))
        .routes(routes!(revoke))
        .routes(routes!(accept))
}

/// 201 with the invitation's id, the circle's version, and the secret code and
/// link (only in this answer). Coordinators only (403 for other members).
#[utoipa::path(post, path = "/circles/{id}/invitations", tag = "invitations",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::Invite,
    responses((status = 201, body = v1::InvitationCreated), Problems))]
async fn invite(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body<v1::Invite>,
) -> Result<(StatusCode, Json<v1::InvitationCreated>), ApiError> {
    let created = create(&state, me, &id, &headers, &body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The same, and the join link mailed to the address (sealed in the outbox
/// with the code until it is sent). 201 as for [`invite`].
#[utoipa::path(post, path = "/circles/{id}/invitations/mail", tag = "invitations",
    params(("id" = Uuid, Path, description = "the circle")),
    request_body = v1::InviteByMail,
    responses((status = 201, body = v1::InvitationCreated), Problems))]
async fn invite_by_mail(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body<v1::InviteByMail>,
) -> Result<(StatusCode, Json<v1::InvitationCreated>), ApiError> {
    // A typed address that can never be right is said before anything is made.
    state.app.accounts.lookup_of(&body.email)?;
    if !state.app.invitations_per_account.allows(&me.0.to_string()) {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: 600,
        });
    }
    let created = create(&state, me, &id, &headers, &body.invite).await?;
    let message = ids::new_id("invitation-mail");
    let direct = kring_notify::direct::Direct::CircleInvitation {
        circle: circle_id(&id)?.0,
        to_sealed: state.app.links.seal_address(message, &body.email),
        code_sealed: state.app.links.seal_address(message, &created.code),
        claim: body.invite.role == v1::Role::Focus,
    };
    kring_notify::direct::queue_invitation(
        state.log.as_ref(),
        &state.app.links,
        message,
        direct,
        None,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Makes an invitation; answers it with its secret code and link.
async fn create(
    state: &AppState,
    me: kring_domain::PersonId,
    id: &str,
    headers: &HeaderMap,
    body: &v1::Invite,
) -> Result<v1::InvitationCreated, ApiError> {
    let circle = circle_id(id)?;
    let days = body.expires_in_days.unwrap_or(DEFAULT_DAYS);
    if !(1..=LONGEST_DAYS).contains(&days) {
        return Err(ApiError::Invalid(
            crate::error::Code::InvitationDays,
            format!("an invitation works for 1 to {LONGEST_DAYS} days"),
        ));
    }
    focus_without_account(state, circle, me, body.role).await?;
    let invitation = InvitationId(ids::new_id("invitation"));
    let secret = match ids::new_secret("invitation") {
        Some(bytes) => LinkSecret::from_bytes(bytes),
        None => LinkSecret::generate()?,
    };
    let expires_at = Utc::now() + Duration::days(i64::from(days));
    let action = Action::Invite {
        invitation,
        ring: wire::domain_ring(body.ring),
        role: wire::domain_role(body.role),
        task: body.task.map(RequestId),
        token_hash: secret.hash_hex(),
        expires_at,
    };
    let version = command::run(state, circle, me, action).await?;
    let code = format!("{circle}.{invitation}.{}", secret.as_str());
    let link = format!("{}/join#{code}", addresses::public_base(state, headers)?);
    Ok(v1::InvitationCreated {
        id: invitation.0,
        version,
        code,
        link,
        expires_at,
    })
}

/// The open invitations, soonest to expire first, without their secrets.
/// Coordinators only. Each says who made it: an invitation ends when the
/// coordinator who made it leaves, is removed or steps down.
#[utoipa::path(get, path = "/circles/{id}/invitations", tag = "invitations",
    params(("id" = Uuid, Path, description = "the circle"), v1::ReadQuery),
    responses((status = 200, body = v1::Invitations), Problems))]
async fn list(
    State(state): State<AppState>,
    member: Member,
) -> Result<Json<v1::Invitations>, ApiError> {
    member.may(Resource::Invitations)?;
    let now = Utc::now();
    let mut people = super::members::People::of(&member.view);
    let mut invitations = Vec::new();
    for (id, i) in &member.view.state.invitations {
        if i.state != InvitationState::Open || i.expires_at <= now {
            continue;
        }
        let issued_by = match i.issued_by {
            Some(person) => Some(people.person(&state, person).await?),
            None => None,
        };
        invitations.push(v1::Invitation {
            id: id.0,
            ring: wire::ring(i.ring),
            role: wire::role(i.role),
            task: i.task.map(|t| t.0),
            expires_at: i.expires_at,
            issued_by,
        });
    }
    invitations.sort_by_key(|i| (i.expires_at, i.id));
    Ok(Json(v1::Invitations {
        version: member.view.version,
        invitations,
    }))
}

/// Revokes an open invitation: its link stops working. Coordinators only;
/// 404 for an invitation the circle does not have, 409 for one already used
/// or revoked.
#[utoipa::path(delete, path = "/circles/{id}/invitations/{invitation}", tag = "invitations",
    params(("id" = Uuid, Path, description = "the circle"),
        ("invitation" = Uuid, Path, description = "the invitation")),
    responses((status = 200, body = v1::Changed), Problems))]
async fn revoke(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Path((id, invitation)): Path<(String, String)>,
) -> Result<Json<v1::Changed>, ApiError> {
    let circle = circle_id(&id)?;
    // An id that cannot be one is like one the circle does not have; the
    // domain answers that, after it has checked that the caller is a member.
    let invitation = invitation.parse().unwrap_or(Uuid::nil());
    let action = Action::RevokeInvitation {
        invitation: InvitationId(invitation),
    };
    let version = command::run(&state, circle, me, action).await?;
    Ok(Json(v1::Changed { version }))
}

/// Joins the circle of the code, in the invitation's ring. Every code that
/// does not work (wrong, expired, revoked, already used) gets the same 404;
/// 409 when the caller is a member already.
#[utoipa::path(post, path = "/invitations/accept", tag = "invitations",
    request_body = v1::AcceptInvitation,
    responses((status = 200, body = v1::Joined), Problems))]
async fn accept(
    State(state): State<AppState>,
    SignedIn(me): SignedIn,
    Body(body): Body<v1::AcceptInvitation>,
) -> Result<Json<v1::Joined>, ApiError> {
    let gone = || ApiError::NotFound(crate::error::Code::InvitationLinkGone, LINK_GONE.to_owned());
    let (circle, invitation, token_hash) = parse_code(&body.code).ok_or_else(gone)?;
    let claim = focus_claim(&state, circle, invitation, &token_hash, me).await?;
    let action = Action::AcceptInvitation {
        invitation,
        token_hash,
        focus_name: claim.as_ref().map(|(_, name)| name.clone()),
    };
    match command::run(&state, circle, me, action).await {
        Ok(version) => {
            if let Some((was, _)) = claim {
                forget_placeholder(&state, was).await;
            }
            Ok(Json(v1::Joined {
                circle: circle.0,
                version,
            }))
        }
        Err(ApiError::Refused(e)) if e.refusal() == Refusal::AlreadyMember => {
            Err(ApiError::Refused(e))
        }
        // Wrong secret or circle (404), or used, revoked, expired (409): the
        // same answer for each, so a code reveals nothing about its invitation.
        Err(ApiError::Refused(e))
            if matches!(e.kind(), RefusalKind::Conflict | RefusalKind::NotFound) =>
        {
            Err(gone())
        }
        Err(ApiError::NoSuchCircle | ApiError::Conflict(..) | ApiError::NotFound(..)) => {
            Err(gone())
        }
        Err(other) => Err(other),
    }
}

/// For an open invitation to claim the focus person's place, with the right
/// secret: the id the circle knew that person by, and their name sealed again
/// with the key of the one claiming it. For any other code nothing is opened
/// (the domain checks the secret again when it decides).
async fn focus_claim(
    state: &AppState,
    circle: kring_domain::CircleId,
    invitation: InvitationId,
    token_hash: &str,
    me: PersonId,
) -> Result<Option<(PersonId, Sealed)>, ApiError> {
    let Some(view) = super::access::current_view(state, circle).await? else {
        return Ok(None);
    };
    let claims_focus = view.state.invitations.get(&invitation).is_some_and(|i| {
        i.role == InvitedAs::Focus && i.state == InvitationState::Open && i.token_hash == token_hash
    });
    let (true, Some(was), Some(name)) = (claims_focus, view.state.focus, &view.focus_name) else {
        return Ok(None);
    };
    let Opened::Text(name) = state.app.vault.open(name).await? else {
        return Ok(None);
    };
    Ok(Some((was, state.app.vault.seal(me, &name).await?)))
}

/// Once the focus person claimed their place, the key of the id the circle
/// knew them by (it sealed only their name, as the family typed it) goes, so
/// forgetting them later forgets that too. Never the key of an account.
async fn forget_placeholder(state: &AppState, was: PersonId) {
    let Some(forgetter) = &state.app.forgetter else {
        return;
    };
    match state.app.accounts.sealed_name(was).await {
        Ok(None) => {
            if let Err(e) = forgetter.forget_placeholder(was).await {
                tracing::warn!(error = %e, "the key of a claimed place stays");
            }
        }
        Ok(Some(_)) => {}
        Err(e) => tracing::warn!(error = %e, "the key of a claimed place stays"),
    }
}

/// A claim of the focus person's place is made only while that person has no
/// account. The domain knows who started the circle; a view stored before it
/// kept that may not, so the accounts are asked too (for coordinators only:
/// anyone else learns nothing of the circle).
async fn focus_without_account(
    state: &AppState,
    circle: kring_domain::CircleId,
    me: PersonId,
    role: v1::Role,
) -> Result<(), ApiError> {
    if role != v1::Role::Focus {
        return Ok(());
    }
    let Some(view) = super::access::current_view(state, circle).await? else {
        return Ok(());
    };
    let Some(focus) = view.state.focus.filter(|_| view.state.is_coordinator(me)) else {
        return Ok(());
    };
    if state.app.accounts.sealed_name(focus).await?.is_some() {
        return Err(Refusal::FocusHasAccount.into());
    }
    Ok(())
}

/// `<circle>.<invitation>.<secret>` → the ids and the secret's stored form.
fn parse_code(code: &str) -> Option<(kring_domain::CircleId, InvitationId, String)> {
    let mut parts = code.trim().splitn(3, '.');
    let circle = parts.next()?.parse().ok()?;
    let invitation = InvitationId(parts.next()?.parse().ok()?);
    let hash = LinkSecret::hex_hash_of(parts.next()?)?;
    Some((circle, invitation, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_parsed_back_into_the_hash_the_invitation_stored() {
        let secret = LinkSecret::generate().unwrap();
        let circle = Uuid::new_v4();
        let invitation = Uuid::new_v4();
        let code = format!("{circle}.{invitation}.{}", secret.as_str());
        let (c, i, hash) = parse_code(&code).unwrap();
        assert_eq!((c.0, i.0), (circle, invitation));
        assert_eq!(hash, secret.hash_hex());
        assert_eq!(hash.len(), 64);
        for broken in [
            "",
            "x.y.z",
            &format!("{circle}.{invitation}"),
            &format!("{circle}.{invitation}.short"),
        ] {
            assert!(parse_code(broken).is_none(), "{broken}");
        }
    }

    /// Fuzzing the code a stranger pastes (`POST /invitations/accept`), with a
    /// fixed case count and seed: no panic; every code an invitation hands out
    /// reads back (whitespace around it too); anything else reads as nothing.
    mod fuzz {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64_URL;
        use base64::Engine;
        use proptest::prelude::*;
        use proptest::test_runner::RngSeed;
        use sha2::{Digest, Sha256};

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 512,
                failure_persistence: None,
                rng_seed: RngSeed::Fixed(0x6b72_696e_6704),
                ..ProptestConfig::default()
            })]

            #[test]
            fn every_code_handed_out_reads_back(
                circle in any::<u128>(),
                invitation in any::<u128>(),
                secret in any::<[u8; 32]>(),
                space in "[ \t\n]{0,3}",
            ) {
                let (circle, invitation) = (Uuid::from_u128(circle), Uuid::from_u128(invitation));
                let code = format!("{space}{circle}.{invitation}.{}{space}", BASE64_URL.encode(secret));
                let (c, i, hash) = parse_code(&code).expect("a code we hand out");
                prop_assert_eq!((c.0, i.0), (circle, invitation));
                prop_assert_eq!(hash, hex::encode(Sha256::digest(secret)));
            }

            #[test]
            fn any_text_reads_as_a_code_only_when_it_is_one(text in any::<String>()) {
                if let Some((circle, invitation, hash)) = parse_code(&text) {
                    let mut parts = text.trim().splitn(3, '.');
                    prop_assert_eq!(parts.next().unwrap().parse::<Uuid>().unwrap(), circle.0);
                    prop_assert_eq!(parts.next().unwrap().parse::<Uuid>().unwrap(), invitation.0);
                    prop_assert_eq!(LinkSecret::hex_hash_of(parts.next().unwrap()), Some(hash));
                }
            }

            #[test]
            fn a_code_with_a_part_spoiled_reads_as_nothing(
                circle in any::<u128>(),
                secret in any::<[u8; 32]>(),
                part in 0usize..3,
                spoil in prop_oneof![Just(""), Just("x"), Just("=="), Just("."), Just(" ")],
            ) {
                let mut parts = [
                    Uuid::from_u128(circle).to_string(),
                    Uuid::from_u128(!circle).to_string(),
                    BASE64_URL.encode(secret),
                ];
                if spoil.is_empty() {
                    parts[part].clear();
                } else {
                    let middle = parts[part].len() / 2;
                    parts[part].insert_str(middle, spoil);
                }
                let code = parts.join(".");
                prop_assert!(parse_code(&code).is_none(), "{code}");
            }
        }
    }
}
