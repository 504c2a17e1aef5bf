//! Delivers the outbox: each due message (or a digest of several) is written
//! in its recipient's language at the moment it is sent, so the outbox holds
//! no address and no personal text, and sent over the transport. A message is
//! marked sent only after the SMTP server accepted it; a temporary failure is
//! tried again with a growing pause, a permanent one is given up and kept
//! with its reason. The Message-ID comes from the outbox row, so a retry
//! carries the same one.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use kring_app::{Accounts, Opened, Vault};
use kring_domain::{CircleEvent, CircleId, OrganisationEvent, OrganisationId, PersonId};
use kring_store::{OutboxRow, OutboxStatus, Store, StreamName};
use uuid::Uuid;

use crate::direct::{self, Direct};
use crate::links::{LinkKeys, Purpose};
use crate::notices::About;
use crate::schedule::{Delivery, Language, MailSettings};
use crate::settings::settings;
use crate::text::{self, Button, Context};
use crate::transport::{Mail, Transport};

/// Tries of one message before it is given up.
pub const MAX_ATTEMPTS: u32 = 8;
/// Rows fetched per round.
const BATCH: u32 = 50;

/// Where links point and who mails come from.
#[derive(Clone, Debug)]
pub struct MailSettingsOfServer {
    /// The address people open Kring at, e.g. "https://kring.example.org".
    pub public_url: String,
    /// The From: mailbox, e.g. "Kring <kring@example.org>".
    pub from: String,
}

/// What happened in one round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retried: usize,
    pub given_up: usize,
}

pub struct Sender {
    store: Arc<dyn Store>,
    accounts: Accounts,
    vault: Vault,
    transport: Transport,
    links: LinkKeys,
    server: MailSettingsOfServer,
    commands: kring_app::Commands,
    /// A circle's focus name and time zone do not change between rounds often
    /// enough to read them for every mail; a round reads each once.
    facts: HashMap<CircleId, CircleFacts>,
}

#[derive(Clone)]
struct CircleFacts {
    focus_name: Opened,
    zone: chrono_tz::Tz,
    /// Who is in the circle now: a notice queued for someone who has left
    /// since (or was removed) is not sent.
    members: std::collections::BTreeSet<PersonId>,
    /// Who is offered a place in the lukewarm ring now (from outside, most often).
    places_offered: std::collections::BTreeSet<PersonId>,
}

/// Why a message was not sent and will not be.
pub(crate) enum Skip {
    Because(OutboxStatus, &'static str),
    /// The rows were removed (their recipient is gone).
    Gone,
}

impl Sender {
    pub fn new(
        store: Arc<dyn Store>,
        accounts: Accounts,
        transport: Transport,
        links: LinkKeys,
        server: MailSettingsOfServer,
    ) -> Sender {
        Sender {
            vault: Vault::new(store.clone()),
            commands: kring_app::Commands::new(store.clone(), kring_domain::Services::system()),
            store,
            accounts,
            transport,
            links,
            server,
            facts: HashMap::new(),
        }
    }

    /// Sends what is due at `now`; answers what happened.
    pub async fn round(&mut self, now: DateTime<Utc>) -> anyhow::Result<Round> {
        self.facts.clear();
        let mut round = Round::default();
        let due = self.store.due_messages(now, BATCH).await?;
        let mut done: Vec<Uuid> = vec![];
        for row in due {
            if done.contains(&row.message.id) {
                continue;
            }
            let group = if row.message.batch == "now" {
                vec![row]
            } else {
                let m = &row.message;
                self.store
                    .digest_parts(m.recipient, &m.batch, m.due_at, m.circle)
                    .await?
            };
            let ids: Vec<Uuid> = group.iter().map(|r| r.message.id).collect();
            done.extend(&ids);
            match self.deliver(&group).await {
                Ok(Ok(())) => {
                    self.store.mark_sent(&ids, Utc::now()).await?;
                    round.sent += 1;
                }
                Ok(Err(Skip::Because(status, why))) => {
                    self.store.mark_given_up(&ids, status, why).await?;
                    round.given_up += 1;
                }
                Ok(Err(Skip::Gone)) => round.given_up += 1,
                Err(failure) => {
                    let attempts = group.iter().map(|r| r.attempts).max().unwrap_or(0) + 1;
                    let error = failure.to_string();
                    if failure.permanent || attempts >= MAX_ATTEMPTS {
                        tracing::warn!(error, attempts, "a mail could not be delivered; given up");
                        self.store
                            .mark_given_up(&ids, OutboxStatus::Failed, &error)
                            .await?;
                        round.given_up += 1;
                    } else {
                        tracing::info!(
                            error,
                            attempts,
                            "a mail could not be delivered yet; trying again later"
                        );
                        self.store
                            .mark_retry(&ids, now + backoff(attempts), &error)
                            .await?;
                        round.retried += 1;
                    }
                }
            }
        }
        Ok(round)
    }

    /// Writes and sends one mail for `group` (one message, or a digest's parts).
    async fn deliver(&mut self, group: &[OutboxRow]) -> Result<Result<(), Skip>, Failure> {
        let mail = match self.write(group).await.map_err(Failure::internal)? {
            Ok(mail) => mail,
            Err(skip) => return Ok(Err(skip)),
        };
        self.transport.send(&mail).await.map_err(Failure::from)?;
        metrics::counter!("kring_mails_sent_total").increment(1);
        Ok(Ok(()))
    }

    /// The mail for `group`, or why there is none.
    async fn write(&mut self, group: &[OutboxRow]) -> anyhow::Result<Result<Mail, Skip>> {
        let first = &group[0].message;
        if let Some(direct) = Direct::parse(&first.body) {
            return direct::write(self, first.id, first.recipient, &direct).await;
        }
        let Some(address) = self
            .accounts
            .mail_address(PersonId(first.recipient))
            .await?
        else {
            return Ok(Err(self.nobody(first.recipient).await?));
        };
        if !address.verified {
            return Ok(Err(Skip::Because(
                OutboxStatus::Skipped,
                "address not verified",
            )));
        }
        let Some(circle) = first.circle.map(CircleId) else {
            if let Ok(about) = serde_json::from_str::<About>(&first.body) {
                if !about.names_circle() {
                    return crate::market::write(self, group, address.email).await;
                }
            }
            return Ok(Err(Skip::Because(
                OutboxStatus::Failed,
                "a notice without a circle",
            )));
        };
        let settings = settings(self.store.as_ref(), first.recipient).await?;
        let mut items: Vec<About> = vec![];
        for row in group {
            let about: About = serde_json::from_str(&row.message.body)?;
            // Turned off since it was queued: not sent.
            if settings.delivery(circle, about.topic()) != Delivery::Off {
                items.push(about);
            }
        }
        if items.is_empty() {
            return Ok(Err(Skip::Because(OutboxStatus::Skipped, "turned off")));
        }
        let facts = self.circle_facts(circle).await?;
        // Members hear of their circle only while they are in it; an
        // intermediary's signals follow the organisation (checked when
        // queued); someone outside hears of a place only while it is offered.
        let reader = PersonId(first.recipient);
        let member = facts.members.contains(&reader);
        let offered = facts.places_offered.contains(&reader);
        items.retain(|a| {
            if a.for_outsider() {
                offered
            } else {
                a.topic() == crate::notices::Topic::Thresholds || member
            }
        });
        if items.is_empty() {
            return Ok(Err(Skip::Because(
                OutboxStatus::Skipped,
                "no longer in the circle",
            )));
        }
        // An intermediary under `signals` consent is not told whose circle it is.
        let unnamed = items
            .iter()
            .any(|a| matches!(a, About::Threshold { named: false, .. }));
        let focus_name = match &facts.focus_name {
            _ if unnamed => String::new(),
            Opened::Text(name) => name.clone(),
            Opened::Forgotten => {
                text::say(settings.language, "een voormalig lid", "a former member").to_owned()
            }
        };
        // Intermediaries open the circle from their organisation's page.
        let circle_url = match &items[0] {
            About::Threshold { organisation, .. } => {
                format!(
                    "{}/organisations/{}",
                    self.server.public_url, organisation.0
                )
            }
            // Someone outside answers on their home page.
            about if about.for_outsider() => format!("{}/", self.server.public_url),
            _ => format!("{}/circles/{}", self.server.public_url, circle.0),
        };
        let settings_url = format!("{}/me/mail", self.server.public_url);
        let organisations = self.organisation_names(&items).await?;
        let ctx = Context {
            language: settings.language,
            focus_name: &focus_name,
            zone: facts.zone,
            circle_url: &circle_url,
            settings_url: &settings_url,
            organisations: &organisations,
        };
        let words = if group.len() == 1 && first.batch == "now" {
            let buttons = self.buttons(first.id, &items[0], settings.language, &circle_url);
            text::notice(&items[0], &ctx, &buttons)
        } else {
            text::digest(&items, &ctx)
        };
        Ok(Ok(Mail {
            to: address.email,
            from: self.server.from.clone(),
            subject: words.subject,
            text: words.text,
            html: words.html,
            message_id: self.message_id(group),
            language: settings.language.code().to_owned(),
            unsubscribe: Some(self.link_url(first.id, Purpose::Unsubscribe)),
        }))
    }

    /// The recipient has no account or was forgotten: a notice queued before
    /// (or while) they were forgotten goes, with the rest of their mail.
    pub(crate) async fn nobody(&self, recipient: Uuid) -> anyhow::Result<Skip> {
        self.store.forget_mail(recipient).await?;
        Ok(Skip::Gone)
    }

    /// The one-tap answers of a notice, and a button to the circle.
    fn buttons(&self, id: Uuid, about: &About, lang: Language, circle_url: &str) -> Vec<Button> {
        let button = |purpose: Purpose, nl: &'static str, en: &'static str| Button {
            label: text::say(lang, nl, en).to_owned(),
            url: self.link_url(id, purpose),
        };
        let mut buttons = match about {
            About::RequestOpen { .. } => {
                vec![button(Purpose::ClaimRequest, "Ik doe het", "I'll do it")]
            }
            About::SwapProposed { .. } => vec![
                button(
                    Purpose::AcceptSwap,
                    "Ja, ik neem de dienst over",
                    "Yes, I'll take the shift",
                ),
                button(Purpose::DeclineSwap, "Ik kan niet", "I can't"),
            ],
            _ => vec![],
        };
        let open = match about.for_outsider() {
            true => text::say(lang, "Antwoord geven", "Answer"),
            false => text::say(lang, "Open de kring", "Open the circle"),
        };
        buttons.push(Button {
            label: open.to_owned(),
            url: circle_url.to_owned(),
        });
        buttons
    }

    /// `<public url>/m/<token>`: the page that shows what the link does and
    /// does it only when its button is pressed.
    pub(crate) fn link_url(&self, message: Uuid, purpose: Purpose) -> String {
        format!(
            "{}/m/{}",
            self.server.public_url,
            self.links.token(message, purpose)
        )
    }

    /// `<id>@<host>`: the Message-ID of outbox message `id`.
    pub(crate) fn message_id_of(&self, id: Uuid) -> String {
        format!("{id}@{}", host_of(&self.server.public_url))
    }

    /// The same for every try: a digest's from its parts, a message's from its id.
    pub(crate) fn message_id(&self, group: &[OutboxRow]) -> String {
        let id = if group.len() == 1 {
            group[0].message.id
        } else {
            let mut key = String::new();
            for row in group {
                key.push_str(&row.message.id.to_string());
            }
            Uuid::new_v5(&Uuid::NAMESPACE_OID, key.as_bytes())
        };
        self.message_id_of(id)
    }

    /// The names of the organisations notices name, from their first event.
    pub(crate) async fn organisation_names(
        &self,
        items: &[About],
    ) -> anyhow::Result<BTreeMap<OrganisationId, String>> {
        let mut names = BTreeMap::new();
        for item in items {
            let organisation = match item {
                About::Looked { organisation, .. } => organisation,
                About::MarketListing { organisation, .. }
                | About::MarketOffer { organisation, .. } => organisation,
                _ => continue,
            };
            if names.contains_key(organisation) {
                continue;
            }
            let stream = StreamName::organisation(organisation.0).to_string();
            let first = self.store.read_stream(&stream, 1, 1).await?;
            if let Some(event) = first.first() {
                if let Ok(OrganisationEvent::OrganisationRegistered { name, .. }) =
                    event.decode_payload()
                {
                    names.insert(*organisation, name);
                }
            }
        }
        Ok(names)
    }

    async fn circle_facts(&mut self, circle: CircleId) -> anyhow::Result<CircleFacts> {
        if let Some(facts) = self.facts.get(&circle) {
            return Ok(facts.clone());
        }
        let state = self.circle_now(circle).await?;
        let Some(name) = self.focus_name_of(circle).await? else {
            anyhow::bail!("circle {} has no CircleCreated event", circle.0);
        };
        let facts = CircleFacts {
            focus_name: self.vault.open(&name).await?,
            zone: state
                .time_zone
                .parse()
                .unwrap_or(chrono_tz::Europe::Amsterdam),
            members: state.members.keys().copied().collect(),
            places_offered: state
                .places_offered
                .keys()
                .copied()
                .filter(|p| state.place_offered_to(*p).is_some())
                .collect(),
        };
        self.facts.insert(circle, facts.clone());
        Ok(facts)
    }

    /// The circle as its events leave it now.
    async fn circle_now(&self, circle: CircleId) -> anyhow::Result<kring_domain::Circle> {
        let stream = StreamName::circle(circle.0).to_string();
        let upcasters = kring_domain::upcasters::all();
        let mut state = kring_domain::Circle::default();
        let mut from = 1;
        loop {
            let page = self.store.read_stream(&stream, from, 1000).await?;
            let Some(last) = page.last() else { break };
            from = last.version + 1;
            for recorded in &page {
                if let Some((_, event)) = kring_views::decode(&upcasters, recorded)? {
                    state.apply(event);
                }
            }
        }
        Ok(state)
    }

    /// The focus person's sealed name, from the circle's first event.
    async fn focus_name_of(
        &self,
        circle: CircleId,
    ) -> anyhow::Result<Option<kring_domain::Sealed>> {
        let stream = StreamName::circle(circle.0).to_string();
        let first = self.store.read_stream(&stream, 1, 1).await?;
        let decoded = first
            .first()
            .map(|e| kring_views::decode(&kring_domain::upcasters::all(), e))
            .transpose()?;
        Ok(match decoded {
            Some(Some((_, CircleEvent::CircleCreated { focus_name, .. }))) => Some(focus_name),
            _ => None,
        })
    }

    /// For what a mail checks when it is written (is the reader still a volunteer?).
    pub(crate) fn commands(&self) -> &kring_app::Commands {
        &self.commands
    }

    pub(crate) fn server(&self) -> &MailSettingsOfServer {
        &self.server
    }

    pub(crate) fn links(&self) -> &LinkKeys {
        &self.links
    }

    /// The focus person's name of a circle, opened.
    pub(crate) async fn circle_focus(&mut self, circle: CircleId) -> anyhow::Result<Opened> {
        Ok(self.circle_facts(circle).await?.focus_name)
    }

    pub(crate) fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    pub(crate) async fn settings_of(&self, account: Uuid) -> anyhow::Result<MailSettings> {
        Ok(settings(self.store.as_ref(), account).await?)
    }

    /// Runs until the task is dropped: a round, then a pause (shorter while busy).
    pub async fn run(mut self) {
        loop {
            let pause = match self.round(Utc::now()).await {
                Ok(round) if round.sent + round.retried + round.given_up > 0 => {
                    StdDuration::from_millis(50)
                }
                Ok(_) => StdDuration::from_secs(1),
                Err(e) => {
                    tracing::error!(error = %e, "the mail sender failed; trying again");
                    StdDuration::from_secs(5)
                }
            };
            tokio::time::sleep(pause).await;
        }
    }
}

/// One minute, doubling per try, at most six hours.
pub fn backoff(attempts: u32) -> Duration {
    let minutes = 1i64 << attempts.min(9).saturating_sub(1);
    Duration::minutes(minutes.min(360))
}

fn host_of(url: &str) -> &str {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host.is_empty() {
        "kring.invalid"
    } else {
        host
    }
}

/// A delivery that did not happen, and whether trying again could help.
#[derive(Debug)]
struct Failure {
    permanent: bool,
    message: String,
}

impl Failure {
    fn internal(e: anyhow::Error) -> Failure {
        Failure {
            permanent: false,
            message: e.to_string(),
        }
    }
}

impl From<crate::transport::SendError> for Failure {
    fn from(e: crate::transport::SendError) -> Failure {
        Failure {
            permanent: e.is_permanent(),
            message: e.to_string(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
