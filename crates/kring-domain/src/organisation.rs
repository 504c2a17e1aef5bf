//! A care or welfare organisation and the intermediaries who work for it.
//! Which circles it may see is decided by each circle's consent, not here.

use std::collections::BTreeSet;

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::Refusal;
use crate::{DomainError, OrganisationId, PersonId, Services};

/// An organisation that supports circles, and the people who work for it (intermediaries).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: Option<OrganisationId>,
    #[serde(default)]
    pub name: String,
    pub intermediaries: BTreeSet<PersonId>,
    /// When its intermediaries hear of a consenting circle by mail.
    #[serde(default)]
    pub thresholds: Thresholds,
    /// The SHA-256 of the secret in its public volunteer sign-up link (none: closed).
    #[serde(default)]
    pub volunteer_sign_up: Option<String>,
}

/// The signals of a consenting circle an organisation wants to hear of by
/// mail, once each time a circle crosses one. The default: none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// At least this many open places on shifts in the next 7 days (0: off).
    pub open_places: u32,
    /// One member has carried most of the help for three weeks.
    pub carer_at_risk: bool,
    /// No logbook entry for this many days (0: off).
    pub silent_days: u32,
}

impl Thresholds {
    pub const MAX_OPEN_PLACES: u32 = 500;
    pub const MAX_SILENT_DAYS: u32 = 365;

    /// Whether any signal is switched on.
    pub fn any(&self) -> bool {
        self.open_places > 0 || self.carer_at_risk || self.silent_days > 0
    }
}

/// Something an intermediary (`by`) asks of an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationCommand {
    pub actor: PersonId,
    pub action: OrganisationAction,
}

/// What an intermediary can do in an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrganisationAction {
    Register {
        organisation: OrganisationId,
        name: String,
    },
    AddIntermediary {
        person: PersonId,
    },
    RemoveIntermediary {
        person: PersonId,
    },
    SetThresholds {
        thresholds: Thresholds,
    },
    /// A new public link for volunteers to sign up with; the previous one stops working.
    OpenVolunteerSignUp {
        token_hash: String,
    },
    CloseVolunteerSignUp,
    /// The actor's account is being erased: they stop working for the
    /// organisation, also as its last intermediary (an erasure cannot be
    /// refused). Outside the organisation, nothing happens.
    Erase,
}

/// What happened in an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrganisationEvent {
    /// The organisation's name is public, not personal data.
    OrganisationRegistered {
        organisation: OrganisationId,
        name: String,
        by: PersonId,
    },
    IntermediaryAdded {
        person: PersonId,
        by: PersonId,
    },
    IntermediaryRemoved {
        person: PersonId,
        by: PersonId,
    },
    ThresholdsSet {
        thresholds: Thresholds,
        by: PersonId,
    },
    /// The hash of the sign-up link's secret; never the secret.
    VolunteerSignUpOpened {
        token_hash: String,
        by: PersonId,
    },
    VolunteerSignUpClosed {
        by: PersonId,
    },
}

impl DomainEvent for OrganisationEvent {
    fn event_type(&self) -> String {
        match self {
            OrganisationEvent::OrganisationRegistered { .. } => "OrganisationRegistered",
            OrganisationEvent::IntermediaryAdded { .. } => "IntermediaryAdded",
            OrganisationEvent::IntermediaryRemoved { .. } => "IntermediaryRemoved",
            OrganisationEvent::ThresholdsSet { .. } => "ThresholdsSet",
            OrganisationEvent::VolunteerSignUpOpened { .. } => "VolunteerSignUpOpened",
            OrganisationEvent::VolunteerSignUpClosed { .. } => "VolunteerSignUpClosed",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

impl Organisation {
    /// Whether `token_hash` is that of its open volunteer sign-up link.
    pub fn signs_up_volunteers_with(&self, token_hash: &str) -> bool {
        self.volunteer_sign_up.as_deref().is_some_and(|h| {
            h.len() == token_hash.len()
                && h.bytes()
                    .zip(token_hash.bytes())
                    .fold(0u8, |d, (a, b)| d | (a ^ b))
                    == 0
        })
    }

    /// The rules of an organisation: `command` becomes events or is refused.
    pub fn decide(
        &self,
        command: OrganisationCommand,
    ) -> Result<Vec<OrganisationEvent>, DomainError> {
        let by = command.actor;
        if let OrganisationAction::Erase = command.action {
            if !self.intermediaries.contains(&by) {
                return Ok(vec![]);
            }
            return Ok(vec![OrganisationEvent::IntermediaryRemoved {
                person: by,
                by,
            }]);
        }
        match command.action {
            OrganisationAction::Register { organisation, name } => {
                if self.id.is_some() {
                    return Err(Refusal::AlreadyExists.into());
                }
                let name = name.trim().to_owned();
                if name.is_empty() || name.chars().count() > 120 {
                    return Err(Refusal::OrganisationName.into());
                }
                if crate::hidden_character(&name, false).is_some() {
                    return Err(Refusal::HiddenCharacters.into());
                }
                Ok(vec![OrganisationEvent::OrganisationRegistered {
                    organisation,
                    name,
                    by,
                }])
            }
            action => {
                if self.id.is_none() {
                    return Err(Refusal::NoSuchOrganisation.into());
                }
                if !self.intermediaries.contains(&by) {
                    return Err(Refusal::OnlyIntermediaries.into());
                }
                match action {
                    OrganisationAction::AddIntermediary { person } => {
                        if self.intermediaries.contains(&person) {
                            return Err(Refusal::AlreadyIntermediary.into());
                        }
                        Ok(vec![OrganisationEvent::IntermediaryAdded { person, by }])
                    }
                    OrganisationAction::RemoveIntermediary { person } => {
                        if !self.intermediaries.contains(&person) {
                            return Err(Refusal::NoSuchIntermediary.into());
                        }
                        if self.intermediaries.len() == 1 {
                            return Err(Refusal::LastIntermediary.into());
                        }
                        Ok(vec![OrganisationEvent::IntermediaryRemoved { person, by }])
                    }
                    OrganisationAction::SetThresholds { thresholds } => {
                        if thresholds.open_places > Thresholds::MAX_OPEN_PLACES {
                            return Err(Refusal::ThresholdOpenPlaces.into());
                        }
                        if thresholds.silent_days > Thresholds::MAX_SILENT_DAYS {
                            return Err(Refusal::ThresholdSilence.into());
                        }
                        Ok(vec![OrganisationEvent::ThresholdsSet { thresholds, by }])
                    }
                    OrganisationAction::OpenVolunteerSignUp { token_hash } => {
                        if token_hash.len() < 32 {
                            return Err(Refusal::InvitationSecretTooShort.into());
                        }
                        Ok(vec![OrganisationEvent::VolunteerSignUpOpened {
                            token_hash,
                            by,
                        }])
                    }
                    OrganisationAction::CloseVolunteerSignUp => Ok(match self.volunteer_sign_up {
                        Some(_) => vec![OrganisationEvent::VolunteerSignUpClosed { by }],
                        None => vec![],
                    }),
                    OrganisationAction::Register { .. } => Err(Refusal::AlreadyExists.into()),
                    OrganisationAction::Erase => unreachable!("handled above"),
                }
            }
        }
    }
}

impl Aggregate for Organisation {
    const TYPE: &'static str = "organisation";
    type Command = OrganisationCommand;
    type Event = OrganisationEvent;
    type Error = DomainError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: OrganisationCommand,
        _services: &Services,
        sink: &EventSink<Self>,
    ) -> Result<(), DomainError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: OrganisationEvent) {
        match event {
            OrganisationEvent::OrganisationRegistered {
                organisation,
                name,
                by,
            } => {
                self.id = Some(organisation);
                self.name = name;
                self.intermediaries.insert(by);
            }
            OrganisationEvent::IntermediaryAdded { person, .. } => {
                self.intermediaries.insert(person);
            }
            OrganisationEvent::IntermediaryRemoved { person, .. } => {
                self.intermediaries.remove(&person);
            }
            OrganisationEvent::ThresholdsSet { thresholds, .. } => {
                self.thresholds = thresholds;
            }
            OrganisationEvent::VolunteerSignUpOpened { token_hash, .. } => {
                self.volunteer_sign_up = Some(token_hash);
            }
            OrganisationEvent::VolunteerSignUpClosed { .. } => self.volunteer_sign_up = None,
        }
    }
}
