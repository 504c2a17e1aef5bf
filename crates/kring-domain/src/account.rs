//! A person's account: who they are to Kring, apart from any circle.
//! Name and e-mail are sealed with the person's own key.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::Refusal;
use crate::{DomainError, PersonId, Sealed, Services};

/// A person's account: their sealed name and e-mail address, and the lookup key of the address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: Option<PersonId>,
    /// A keyed hash of the normalised e-mail address, to find the account at log-in
    /// without storing the address in the clear.
    pub email_lookup: String,
    /// Whether the owner proved that the current address is theirs (a link
    /// mailed to it). Changing the address makes it unproven again.
    #[serde(default)]
    pub email_verified: bool,
}

/// What can be asked of an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountCommand {
    Register {
        account: PersonId,
        name: Sealed,
        email: Sealed,
        email_lookup: String,
    },
    Rename {
        name: Sealed,
    },
    ChangeEmail {
        email: Sealed,
        email_lookup: String,
    },
    /// The owner followed the link mailed to the address with this lookup.
    VerifyEmail {
        email_lookup: String,
    },
}

/// What happened to an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountEvent {
    AccountRegistered {
        account: PersonId,
        name: Sealed,
        email: Sealed,
        email_lookup: String,
    },
    AccountRenamed {
        name: Sealed,
    },
    EmailChanged {
        email: Sealed,
        email_lookup: String,
    },
    /// The address with this lookup is proven to be the owner's.
    EmailVerified {
        email_lookup: String,
    },
}

impl DomainEvent for AccountEvent {
    fn event_type(&self) -> String {
        match self {
            AccountEvent::AccountRegistered { .. } => "AccountRegistered",
            AccountEvent::AccountRenamed { .. } => "AccountRenamed",
            AccountEvent::EmailChanged { .. } => "EmailChanged",
            AccountEvent::EmailVerified { .. } => "EmailVerified",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

impl Account {
    /// The rules of an account: `command` becomes events or is refused.
    pub fn decide(&self, command: AccountCommand) -> Result<Vec<AccountEvent>, DomainError> {
        match command {
            AccountCommand::Register {
                account,
                name,
                email,
                email_lookup,
            } => {
                if self.id.is_some() {
                    return Err(Refusal::AlreadyExists.into());
                }
                if name.owner != account || email.owner != account {
                    return Err(Refusal::AccountKeysNotOwn.into());
                }
                check_lookup(&email_lookup)?;
                Ok(vec![AccountEvent::AccountRegistered {
                    account,
                    name,
                    email,
                    email_lookup,
                }])
            }
            AccountCommand::Rename { name } => {
                let id = self.id.ok_or(Refusal::NoSuchAccount)?;
                if name.owner != id {
                    return Err(Refusal::NameKeyNotOwn.into());
                }
                Ok(vec![AccountEvent::AccountRenamed { name }])
            }
            AccountCommand::ChangeEmail {
                email,
                email_lookup,
            } => {
                let id = self.id.ok_or(Refusal::NoSuchAccount)?;
                if email.owner != id {
                    return Err(Refusal::EmailKeyNotOwn.into());
                }
                check_lookup(&email_lookup)?;
                if email_lookup == self.email_lookup {
                    return Err(Refusal::EmailUnchanged.into());
                }
                Ok(vec![AccountEvent::EmailChanged {
                    email,
                    email_lookup,
                }])
            }
            AccountCommand::VerifyEmail { email_lookup } => {
                self.id.ok_or(Refusal::NoSuchAccount)?;
                // A link mailed to an earlier address proves nothing about this one.
                if email_lookup != self.email_lookup {
                    return Err(Refusal::EmailChangedSince.into());
                }
                if self.email_verified {
                    return Err(Refusal::EmailAlreadyVerified.into());
                }
                Ok(vec![AccountEvent::EmailVerified { email_lookup }])
            }
        }
    }
}

fn check_lookup(lookup: &str) -> Result<(), DomainError> {
    if lookup.len() < 32 {
        return Err(Refusal::EmailLookupMalformed.into());
    }
    Ok(())
}

impl Aggregate for Account {
    const TYPE: &'static str = "account";
    type Command = AccountCommand;
    type Event = AccountEvent;
    type Error = DomainError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: AccountCommand,
        _services: &Services,
        sink: &EventSink<Self>,
    ) -> Result<(), DomainError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: AccountEvent) {
        match event {
            AccountEvent::AccountRegistered {
                account,
                email_lookup,
                ..
            } => {
                self.id = Some(account);
                self.email_lookup = email_lookup;
            }
            AccountEvent::AccountRenamed { .. } => {}
            AccountEvent::EmailChanged { email_lookup, .. } => {
                self.email_lookup = email_lookup;
                self.email_verified = false;
            }
            AccountEvent::EmailVerified { .. } => self.email_verified = true,
        }
    }
}
