//! A person's account: who they are to Kring, apart from any circle.
//! Name and e-mail are sealed with the person's own key.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::Refusal;
use crate::{DomainError, PersonId, Sealed, Services};

/// A person's account: their sealed name and e-mail address. The keyed lookup
/// hash of the address lives only beside the log (the credentials), so that
/// erasing an account leaves no hash of the address in the log: the aggregate
/// knows only which of its addresses is the current one (`address`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: Option<PersonId>,
    /// How many times the address changed: a verification link proves the
    /// address it was sent for, and only while that is still the current one.
    #[serde(default)]
    pub address: u32,
    /// Whether the owner proved that the current address is theirs (a link
    /// mailed to it). Changing the address makes it unproven again.
    #[serde(default)]
    pub email_verified: bool,
    /// The account was erased: nothing more happens to it.
    #[serde(default)]
    pub erased: bool,
}

/// What can be asked of an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountCommand {
    Register {
        account: PersonId,
        name: Sealed,
        email: Sealed,
    },
    Rename {
        name: Sealed,
    },
    /// The caller checked that the address is another one than the current
    /// (comparing lookups, which the aggregate does not hold).
    ChangeEmail {
        email: Sealed,
    },
    /// The owner followed the link mailed to the account's `address`-th
    /// address (counted from 0 at registration).
    VerifyEmail {
        address: u32,
    },
    /// The owner deleted their account, or an operator erased it. Cannot be
    /// refused; erasing again changes nothing.
    Erase,
}

/// What happened to an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountEvent {
    /// Version 1 also held `email_lookup`, the keyed hash of the address;
    /// [`crate::upcasters`] drops it.
    AccountRegistered {
        account: PersonId,
        name: Sealed,
        email: Sealed,
    },
    AccountRenamed {
        name: Sealed,
    },
    /// Version 1 also held `email_lookup` (dropped when read).
    EmailChanged {
        email: Sealed,
    },
    /// The current address is proven to be the owner's. Version 1 held the
    /// address's `email_lookup` (dropped when read).
    EmailVerified {},
    /// The account is gone: its owner's key is destroyed beside the log and
    /// their credentials deleted; the events stay as "a former member".
    AccountErased {},
}

impl DomainEvent for AccountEvent {
    fn event_type(&self) -> String {
        match self {
            AccountEvent::AccountRegistered { .. } => "AccountRegistered",
            AccountEvent::AccountRenamed { .. } => "AccountRenamed",
            AccountEvent::EmailChanged { .. } => "EmailChanged",
            AccountEvent::EmailVerified { .. } => "EmailVerified",
            AccountEvent::AccountErased { .. } => "AccountErased",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        match self {
            AccountEvent::AccountRegistered { .. }
            | AccountEvent::EmailChanged { .. }
            | AccountEvent::EmailVerified { .. } => "2",
            AccountEvent::AccountRenamed { .. } | AccountEvent::AccountErased { .. } => "1",
        }
        .to_owned()
    }
}

impl Account {
    /// The rules of an account: `command` becomes events or is refused.
    pub fn decide(&self, command: AccountCommand) -> Result<Vec<AccountEvent>, DomainError> {
        if let AccountCommand::Erase = command {
            // Nothing to erase, or erased already: done (an interrupted erasure
            // runs again without writing twice).
            if self.id.is_none() || self.erased {
                return Ok(vec![]);
            }
            return Ok(vec![AccountEvent::AccountErased {}]);
        }
        if let AccountCommand::Register {
            account,
            name,
            email,
        } = command
        {
            if self.id.is_some() {
                return Err(Refusal::AlreadyExists.into());
            }
            if name.owner != account || email.owner != account {
                return Err(Refusal::AccountKeysNotOwn.into());
            }
            return Ok(vec![AccountEvent::AccountRegistered {
                account,
                name,
                email,
            }]);
        }
        let id = self
            .id
            .filter(|_| !self.erased)
            .ok_or(Refusal::NoSuchAccount)?;
        match command {
            AccountCommand::Rename { name } => {
                if name.owner != id {
                    return Err(Refusal::NameKeyNotOwn.into());
                }
                Ok(vec![AccountEvent::AccountRenamed { name }])
            }
            AccountCommand::ChangeEmail { email } => {
                if email.owner != id {
                    return Err(Refusal::EmailKeyNotOwn.into());
                }
                Ok(vec![AccountEvent::EmailChanged { email }])
            }
            AccountCommand::VerifyEmail { address } => {
                // A link mailed to an earlier address proves nothing about this one.
                if address != self.address {
                    return Err(Refusal::EmailChangedSince.into());
                }
                if self.email_verified {
                    return Err(Refusal::EmailAlreadyVerified.into());
                }
                Ok(vec![AccountEvent::EmailVerified {}])
            }
            AccountCommand::Register { .. } | AccountCommand::Erase => {
                unreachable!("handled above")
            }
        }
    }
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
            AccountEvent::AccountRegistered { account, .. } => self.id = Some(account),
            AccountEvent::AccountRenamed { .. } => {}
            AccountEvent::EmailChanged { .. } => {
                self.address += 1;
                self.email_verified = false;
            }
            AccountEvent::EmailVerified {} => self.email_verified = true,
            AccountEvent::AccountErased {} => self.erased = true,
        }
    }
}
