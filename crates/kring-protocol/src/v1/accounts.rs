//! Signing up, logging in, the account holder.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /api/v1/accounts`: sign up.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignUp {
    /// 1 to 100 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 10 to 1000 characters.
    #[schema(min_length = 10, max_length = 1000)]
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
    /// 10 to 1000 characters.
    #[schema(min_length = 10, max_length = 1000)]
    pub new_password: String,
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePassword").finish_non_exhaustive()
    }
}

/// `POST /api/v1/me/deletion`: delete one's own account, confirmed with the
/// password. Kring records the person leaving every circle and organisation,
/// deletes their credentials, sessions, calendar feeds and mail, and destroys
/// the key of their personal data; the address is free for a new account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeleteAccount {
    pub password: String,
}

impl std::fmt::Debug for DeleteAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeleteAccount").finish_non_exhaustive()
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
    #[schema(format = Email, max_length = 254)]
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
    #[schema(format = Email, max_length = 254)]
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
    /// 10 to 1000 characters.
    #[schema(min_length = 10, max_length = 1000)]
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
