//! Signing up, logging in, the account holder.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /api/v1/accounts`: sign up.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    /// At least 10 characters.
    pub password: String,
}

/// `POST /api/v1/session`: log in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LogIn {
    pub email: String,
    pub password: String,
}

/// `PUT /api/v1/me/password`: change one's password. Every other session of
/// the account ends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePassword").finish_non_exhaustive()
    }
}

// By hand, so a password never ends up in a log line or a panic message.
impl std::fmt::Debug for SignUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignUp").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for LogIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogIn").finish_non_exhaustive()
    }
}

/// The answer to signing up (201).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountCreated {
    pub id: Uuid,
}

/// `GET /api/v1/me`, and the answer to logging in: the account holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// Proven by following the link mailed to it. Until then Kring mails the
    /// address nothing but that link, and the account cannot be an intermediary.
    #[serde(default)]
    pub email_verified: bool,
}

/// `PUT /api/v1/me/email`: a new address, with the password. The new address
/// is unproven until its mailed link is followed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangeEmail {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for ChangeEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeEmail").finish_non_exhaustive()
    }
}

/// `POST /api/v1/password-reset`: mail a reset link to this address if it has
/// an account. The answer (202) is the same either way.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    pub email: String,
}

impl std::fmt::Debug for PasswordResetRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordResetRequest")
            .finish_non_exhaustive()
    }
}

/// `POST /api/v1/password-reset/{token}`: the new password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewPassword {
    /// At least 10 characters.
    pub password: String,
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewPassword").finish_non_exhaustive()
    }
}

/// The answer to asking for a mail (a reset link, a new verification link, an
/// invitation): accepted, whatever the address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MailAccepted {
    /// Always true: it says nothing about whether the address has an account.
    pub accepted: bool,
}

/// `GET /api/v1/links/{token}`: what a link in a mail does, without using it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LinkInfo {
    /// "verify-email", "reset-password", "colleague-invitation", ...
    pub purpose: String,
    /// "valid", "used" or "expired".
    pub state: String,
    /// For an invitation to an organisation: its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

/// `POST /api/v1/links/{token}`: use the link. A reset link needs the new password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UseLink {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl std::fmt::Debug for UseLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UseLink").finish_non_exhaustive()
    }
}

/// The answer to using a link: what it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LinkUsed {
    pub purpose: String,
    /// What the link acted on, when that is something to open next (an organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
}
