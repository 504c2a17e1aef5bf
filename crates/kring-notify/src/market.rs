//! Marketplace news. Volunteers and matchmakers are no members of the circles
//! whose requests they see, so a circle's own notices never reach them: when
//! a coordinator lists a request, the organisation's matchmakers and the
//! volunteers it fits (the domain's ranking, the best [`MAX_VOLUNTEERS`]) hear
//! of it; when a volunteer offers themself, the matchmakers do. A notice tells
//! only what the listing shows. It is queued only while the request still
//! wants someone, written only if it still does when it is sent, and then it
//! is on the circle's record of who looked, as opening the listing is.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use kring_app::{CommandError, Commands};
use kring_domain::circle::state::RequestStatus;
use kring_domain::{
    Action, Actor, Circle, CircleCommand, CircleEvent, CircleId, Looked, OrganisationId, PersonId,
    RequestId, Services,
};
use kring_store::{OutboxRow, OutboxStatus, Store};
use kring_views::{ranked, Listing, ParsedViews, Volunteers, VOLUNTEERS_VIEW};

use crate::links::Purpose;
use crate::notices::{About, Notice};
use crate::schedule::Delivery;
use crate::sender::{Sender, Skip};
use crate::text::{self, Button, Context};
use crate::transport::Mail;

/// Volunteers told of one listing at most: those it fits best.
pub const MAX_VOLUNTEERS: usize = 50;

/// What the notifier needs to find who of an organisation hears of its marketplace.
pub(crate) struct Market {
    commands: Commands,
    volunteers: ParsedViews<Volunteers>,
}

/// One person to tell, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Told {
    pub person: PersonId,
    pub about: About,
}

impl Market {
    pub(crate) fn new(store: Arc<dyn Store>) -> Market {
        Market {
            commands: Commands::new(store, Services::system()),
            volunteers: ParsedViews::new(VOLUNTEERS_VIEW),
        }
    }

    /// Who outside the circle hears of `event` (by `actor`, at `at`): nobody
    /// for events the marketplace does not announce, or once the request no
    /// longer wants anyone (the notifier may be reading the past).
    pub(crate) async fn notices(
        &self,
        store: &dyn Store,
        circle: CircleId,
        event: &CircleEvent,
        after: &Circle,
        actor: Option<PersonId>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<Vec<Notice>> {
        let (organisation, request, fitting) = match event {
            CircleEvent::RequestListed {
                request,
                organisation,
                summary,
                ..
            } => {
                let Some(listing) = Listing::new(circle, *request, summary, after, at) else {
                    return Ok(vec![]);
                };
                let key = organisation.to_string();
                let volunteers = self.volunteers.get(store, &key).await?;
                let mut fitting = ranked(*organisation, &listing, &volunteers);
                fitting.truncate(MAX_VOLUNTEERS);
                (*organisation, *request, fitting)
            }
            CircleEvent::VolunteerProposed {
                organisation,
                request,
                volunteer,
                by,
                ..
            } if volunteer == by => (*organisation, *request, vec![]),
            _ => return Ok(vec![]),
        };
        let Some(org) = self.commands.organisation_state(organisation).await? else {
            return Ok(vec![]);
        };
        let Some(now) = self.commands.circle_view(circle).await? else {
            return Ok(vec![]);
        };
        if !wanted(&now.state, request, organisation, Utc::now()) {
            return Ok(vec![]);
        }
        let told = news(
            circle,
            event,
            after,
            &org.intermediaries,
            &fitting,
            actor,
            at,
        );
        Ok(told
            .into_iter()
            .filter(|t| t.about.is_for_matchmaker() || !kept_from(&now.state, request, t.person))
            .map(|t| Notice {
                circle,
                recipient: t.person,
                about: t.about,
            })
            .collect())
    }
}

/// Puts `person`'s look on the circle's record; false when the circle
/// refuses it (its consent ended meanwhile), and then no mail.
async fn record_look(
    commands: &Commands,
    circle: CircleId,
    person: PersonId,
    organisation: OrganisationId,
    what: Looked,
) -> anyhow::Result<bool> {
    let command = CircleCommand {
        actor: Actor::intermediary(person, organisation),
        action: Action::RecordLook { what },
    };
    let metadata = kring_store::metadata::of(person.0, Some(organisation.0));
    match commands.circle(circle, command, metadata).await {
        Ok(_) => Ok(true),
        Err(CommandError::Refused(e)) => {
            tracing::info!(%circle, error = %e, "no marketplace mail: the circle refuses the look");
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Who hears of `event` on the circle `after` it: for a listing, the
/// matchmakers and the `fitting` volunteers (a matchmaker who also
/// volunteers hears once, as matchmaker); for a volunteer's own offer, the
/// matchmakers. Never the one who did it, nothing that has begun.
pub fn news(
    circle: CircleId,
    event: &CircleEvent,
    after: &Circle,
    matchmakers: &BTreeSet<PersonId>,
    fitting: &[PersonId],
    actor: Option<PersonId>,
    at: DateTime<Utc>,
) -> Vec<Told> {
    let (request, organisation) = match event {
        CircleEvent::RequestListed {
            request,
            organisation,
            ..
        }
        | CircleEvent::VolunteerProposed {
            request,
            organisation,
            ..
        } => (*request, *organisation),
        _ => return vec![],
    };
    let Some(what) = Shown::of(circle, request, organisation, after, at) else {
        return vec![];
    };
    let mut told = vec![];
    match event {
        CircleEvent::RequestListed { .. } => {
            for person in matchmakers {
                told.push(Told {
                    person: *person,
                    about: what.listing(true),
                });
            }
            for person in fitting.iter().filter(|p| !matchmakers.contains(p)) {
                told.push(Told {
                    person: *person,
                    about: what.listing(false),
                });
            }
        }
        CircleEvent::VolunteerProposed { volunteer, by, .. } if volunteer == by => {
            for person in matchmakers {
                told.push(Told {
                    person: *person,
                    about: what.offer(),
                });
            }
        }
        _ => {}
    }
    told.retain(|t| Some(t.person) != actor);
    told
}

/// What a marketplace notice shows of a listed request.
struct Shown {
    organisation: OrganisationId,
    circle: CircleId,
    request: RequestId,
    category: kring_domain::Category,
    starts: DateTime<Utc>,
    time_zone: String,
    neighbourhood: kring_domain::Neighbourhood,
}

impl Shown {
    /// The request as listed with `organisation`, while it is still ahead.
    fn of(
        circle: CircleId,
        request: RequestId,
        organisation: OrganisationId,
        after: &Circle,
        at: DateTime<Utc>,
    ) -> Option<Shown> {
        let r = after.requests.get(&request)?;
        let starts = r.window.start();
        (r.listed_with == Some(organisation) && starts > at).then_some(())?;
        Some(Shown {
            organisation,
            circle,
            request,
            category: r.category,
            starts,
            time_zone: after.time_zone.clone(),
            neighbourhood: after.neighbourhood.clone()?,
        })
    }

    fn listing(&self, matchmaker: bool) -> About {
        About::MarketListing {
            organisation: self.organisation,
            circle: self.circle,
            request: self.request,
            category: self.category,
            starts: self.starts,
            time_zone: self.time_zone.clone(),
            neighbourhood: self.neighbourhood.clone(),
            matchmaker,
        }
    }

    fn offer(&self) -> About {
        About::MarketOffer {
            organisation: self.organisation,
            circle: self.circle,
            request: self.request,
            category: self.category,
            starts: self.starts,
            time_zone: self.time_zone.clone(),
            neighbourhood: self.neighbourhood.clone(),
        }
    }
}

/// The mail of marketplace notices (one, or a digest), written when it is
/// sent: only what still stands then. A volunteer who paused or stopped, a
/// matchmaker who left the organisation, or a listing no longer wanted (taken,
/// cancelled, kept away from) is not mailed.
pub(crate) async fn write(
    sender: &mut Sender,
    group: &[OutboxRow],
    to: String,
) -> anyhow::Result<Result<Mail, Skip>> {
    let first = &group[0].message;
    let person = PersonId(first.recipient);
    let settings = sender.settings_of(first.recipient).await?;
    let now = Utc::now();
    let mut items: Vec<About> = vec![];
    for row in group {
        let about: About = serde_json::from_str(&row.message.body)?;
        if settings.general_delivery(about.topic()) == Delivery::Off {
            continue;
        }
        if still_stands(sender.commands(), person, &about, now).await? {
            items.push(about);
        }
    }
    let Some(organisation) = items.first().and_then(About::marketplace) else {
        return Ok(Err(Skip::Because(
            OutboxStatus::Skipped,
            "no longer on the marketplace",
        )));
    };
    let public = &sender.server().public_url;
    let url = match &items[0] {
        About::MarketListing {
            matchmaker: false, ..
        } => format!("{public}/volunteer/{}", organisation.0),
        _ => format!("{public}/organisations/{}/marketplace", organisation.0),
    };
    let settings_url = format!("{public}/me/mail");
    let organisations = sender.organisation_names(&items).await?;
    let ctx = Context {
        language: settings.language,
        focus_name: "",
        zone: settings.zone(),
        circle_url: &url,
        settings_url: &settings_url,
        organisations: &organisations,
    };
    let words = if group.len() == 1 && first.batch == "now" {
        let open = Button {
            label: text::say(
                settings.language,
                "Open de marktplaats",
                "Open the marketplace",
            )
            .to_owned(),
            url: url.clone(),
        };
        text::notice(&items[0], &ctx, &[open])
    } else {
        text::digest(&items, &ctx)
    };
    Ok(Ok(Mail {
        to,
        from: sender.server().from.clone(),
        subject: words.subject,
        text: words.text,
        html: words.html,
        message_id: sender.message_id(group),
        language: settings.language.code().to_owned(),
        unsubscribe: Some(sender.link_url(first.id, Purpose::Unsubscribe)),
    }))
}

/// Whether `about` may still go to `person`: they still volunteer (and may
/// be asked) or still work for the organisation, and the circle, as it is
/// now, still wants someone for the request and has not kept them away. If
/// so, their look goes on the circle's record (the mail shows the listing).
async fn still_stands(
    commands: &Commands,
    person: PersonId,
    about: &About,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let (organisation, circle, request, matchmaker) = match about {
        About::MarketListing {
            organisation,
            circle,
            request,
            matchmaker,
            ..
        } => (*organisation, *circle, *request, *matchmaker),
        About::MarketOffer {
            organisation,
            circle,
            request,
            ..
        } => (*organisation, *circle, *request, true),
        _ => return Ok(false),
    };
    let in_role = if matchmaker {
        commands
            .organisation_state(organisation)
            .await?
            .is_some_and(|o| o.intermediaries.contains(&person))
    } else {
        let id = kring_domain::VolunteerId::of(organisation, person);
        commands.volunteer_state(id).await?.may_be_asked()
    };
    if !in_role {
        return Ok(false);
    }
    let Some(view) = commands.circle_view(circle).await? else {
        return Ok(false);
    };
    let state = &view.state;
    if !wanted(state, request, organisation, now)
        || (!matchmaker && kept_from(state, request, person))
    {
        return Ok(false);
    }
    let what = match matchmaker {
        true => Looked::Marketplace,
        false => Looked::MarketplaceVolunteer,
    };
    record_look(commands, circle, person, organisation, what).await
}

/// Whether `person` is not to be told of `request` as a volunteer: kept away
/// from the circle, or proposed for it already (they know).
fn kept_from(circle: &Circle, request: RequestId, person: PersonId) -> bool {
    circle.kept_away.contains(&person)
        || circle
            .requests
            .get(&request)
            .is_some_and(|r| r.proposals.contains_key(&person))
}

/// Whether `request` of `circle` is on `organisation`'s marketplace and still
/// wants someone at `now`: open, ahead, and the circle's consent in force.
fn wanted(
    circle: &Circle,
    request: RequestId,
    organisation: OrganisationId,
    now: DateTime<Utc>,
) -> bool {
    circle.requests.get(&request).is_some_and(|r| {
        r.listed_with == Some(organisation)
            && r.status == RequestStatus::Open
            && r.window.start() > now
    }) && circle.consent_at(organisation, now).is_some()
}
