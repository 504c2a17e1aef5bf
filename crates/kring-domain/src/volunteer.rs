//! A volunteer of an organisation's marketplace (the cold ring): what they will
//! do, in which neighbourhood, when, and how much across all circles. One
//! aggregate per volunteer and organisation; the person behind it is an
//! account, and a circle learns of them only when it accepts them for a task.

use std::collections::BTreeSet;

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::{Category, DomainError, OrganisationId, PersonId, Refusal, Ring, Services};

/// One person volunteering for one organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volunteer {
    pub organisation: Option<OrganisationId>,
    pub person: Option<PersonId>,
    pub profile: Profile,
    pub status: Status,
}

/// Whether a volunteer can be asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not (yet) a volunteer.
    #[default]
    None,
    Active,
    /// Asked for nothing until they resume.
    Paused,
    /// Gone: asked for nothing, and may join again.
    Left,
}

/// What a volunteer offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The categories they will help with; every other one they won't.
    pub will: BTreeSet<Category>,
    pub neighbourhood: Option<Neighbourhood>,
    /// The parts of the week they can help in.
    pub available: BTreeSet<Slot>,
    /// Tasks a month across all circles.
    pub tasks_per_month: u8,
}

/// Where a volunteer helps or a circle is: never an address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Neighbourhood {
    /// A four-digit postcode area, such as 3512.
    Postcode(u16),
    /// A district name the organisation uses, such as "Lombok".
    District(String),
}

impl Neighbourhood {
    pub const MAX_DISTRICT_CHARS: usize = 60;

    /// Reads "3512" as a postcode area and anything else as a district's name.
    pub fn parse(text: &str) -> Result<Neighbourhood, DomainError> {
        let text = text.trim();
        if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
            let area: u16 = text.parse().map_err(|_| Refusal::Neighbourhood)?;
            if area < 1000 {
                return Err(Refusal::Neighbourhood.into());
            }
            return Ok(Neighbourhood::Postcode(area));
        }
        if text.is_empty()
            || text.chars().count() > Self::MAX_DISTRICT_CHARS
            || text.chars().any(|c| c.is_ascii_digit())
        {
            return Err(Refusal::Neighbourhood.into());
        }
        if crate::hidden_character(text, false).is_some() {
            return Err(Refusal::HiddenCharacters.into());
        }
        Ok(Neighbourhood::District(text.to_owned()))
    }

    /// Whether someone in `self` helps in `other` without going far: the same
    /// area or district, or postcode areas next to each other in number (in
    /// the Netherlands neighbouring areas mostly are).
    pub fn is_near(&self, other: &Neighbourhood) -> bool {
        match (self, other) {
            (Neighbourhood::Postcode(a), Neighbourhood::Postcode(b)) => a.abs_diff(*b) <= 1,
            (a, b) => a == b,
        }
    }
}

/// As people write it: "3512" or "Lombok" (what [`Neighbourhood::parse`] reads back).
impl std::fmt::Display for Neighbourhood {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Neighbourhood::Postcode(area) => write!(f, "{area:04}"),
            Neighbourhood::District(name) => f.write_str(name),
        }
    }
}

/// A part of a day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub part: PartOfDay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartOfDay {
    /// Until noon.
    Morning,
    /// Noon to six.
    Afternoon,
    /// From six.
    Evening,
}

impl Profile {
    pub const MAX_TASKS_PER_MONTH: u8 = 31;

    /// A profile as a volunteer may set it: something to do, somewhere, some
    /// time, at least one task a month; only what may go to the cold ring.
    pub fn check(&self) -> Result<(), DomainError> {
        if self.will.is_empty() {
            return Err(Refusal::VolunteerNothingToDo.into());
        }
        if self.will.iter().any(|c| c.widest_ring() != Ring::Cold) {
            return Err(Refusal::VolunteerCategory.into());
        }
        if self.neighbourhood.is_none() {
            return Err(Refusal::Neighbourhood.into());
        }
        if self.available.is_empty() || self.available.iter().any(|s| s.weekday > 6) {
            return Err(Refusal::VolunteerAvailability.into());
        }
        if self.tasks_per_month == 0 || self.tasks_per_month > Self::MAX_TASKS_PER_MONTH {
            return Err(Refusal::VolunteerCapacity.into());
        }
        Ok(())
    }
}

/// Something a person asks of their volunteering. Who may join (a mailed
/// invitation or the organisation's sign-up link) the server checks first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerCommand {
    pub actor: PersonId,
    pub action: VolunteerAction,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolunteerAction {
    Join {
        organisation: OrganisationId,
        profile: Profile,
    },
    SetProfile {
        profile: Profile,
    },
    Pause,
    Resume,
    Leave,
    /// The person's account is being erased: they leave, if they had not.
    Erase,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolunteerEvent {
    VolunteerJoined {
        organisation: OrganisationId,
        person: PersonId,
        profile: Profile,
    },
    VolunteerProfileSet {
        profile: Profile,
    },
    VolunteerPaused,
    VolunteerResumed,
    VolunteerLeft,
}

impl DomainEvent for VolunteerEvent {
    fn event_type(&self) -> String {
        match self {
            VolunteerEvent::VolunteerJoined { .. } => "VolunteerJoined",
            VolunteerEvent::VolunteerProfileSet { .. } => "VolunteerProfileSet",
            VolunteerEvent::VolunteerPaused => "VolunteerPaused",
            VolunteerEvent::VolunteerResumed => "VolunteerResumed",
            VolunteerEvent::VolunteerLeft => "VolunteerLeft",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

impl Volunteer {
    /// Whether matching may ask this volunteer for anything.
    pub fn may_be_asked(&self) -> bool {
        self.status == Status::Active
    }

    /// The rules of volunteering: `command` becomes events or is refused.
    pub fn decide(&self, command: VolunteerCommand) -> Result<Vec<VolunteerEvent>, DomainError> {
        let VolunteerCommand { actor, action } = command;
        let theirs = self.person == Some(actor);
        match action {
            VolunteerAction::Erase => Ok(match (theirs, self.status) {
                (true, Status::Active | Status::Paused) => vec![VolunteerEvent::VolunteerLeft],
                _ => vec![],
            }),
            VolunteerAction::Join {
                organisation,
                profile,
            } => {
                if self.person.is_some_and(|p| p != actor)
                    || self.organisation.is_some_and(|o| o != organisation)
                {
                    return Err(Refusal::NotYourVolunteering.into());
                }
                if matches!(self.status, Status::Active | Status::Paused) {
                    return Err(Refusal::AlreadyVolunteer.into());
                }
                profile.check()?;
                Ok(vec![VolunteerEvent::VolunteerJoined {
                    organisation,
                    person: actor,
                    profile,
                }])
            }
            _ if !theirs => Err(Refusal::NotYourVolunteering.into()),
            _ if self.status == Status::Left => Err(Refusal::VolunteerLeft.into()),
            VolunteerAction::SetProfile { profile } => {
                profile.check()?;
                if profile == self.profile {
                    return Ok(vec![]);
                }
                Ok(vec![VolunteerEvent::VolunteerProfileSet { profile }])
            }
            VolunteerAction::Pause => Ok(match self.status {
                Status::Paused => vec![],
                _ => vec![VolunteerEvent::VolunteerPaused],
            }),
            VolunteerAction::Resume => Ok(match self.status {
                Status::Active => vec![],
                _ => vec![VolunteerEvent::VolunteerResumed],
            }),
            VolunteerAction::Leave => Ok(vec![VolunteerEvent::VolunteerLeft]),
        }
    }
}

impl Aggregate for Volunteer {
    const TYPE: &'static str = "volunteer";
    type Command = VolunteerCommand;
    type Event = VolunteerEvent;
    type Error = DomainError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: VolunteerCommand,
        _services: &Services,
        sink: &EventSink<Self>,
    ) -> Result<(), DomainError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: VolunteerEvent) {
        match event {
            VolunteerEvent::VolunteerJoined {
                organisation,
                person,
                profile,
            } => {
                self.organisation = Some(organisation);
                self.person = Some(person);
                self.profile = profile;
                self.status = Status::Active;
            }
            VolunteerEvent::VolunteerProfileSet { profile } => self.profile = profile,
            VolunteerEvent::VolunteerPaused => self.status = Status::Paused,
            VolunteerEvent::VolunteerResumed => self.status = Status::Active,
            VolunteerEvent::VolunteerLeft => self.status = Status::Left,
        }
    }
}
