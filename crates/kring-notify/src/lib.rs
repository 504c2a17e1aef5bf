//! Reaching people when Kring is not open: notifications are one more
//! projection of the log. See ARCHITECTURE.md ("kring-notify").
//!
//! [`start`] runs, beside the server: the [`notifier::Notifier`] (log → outbox),
//! the [`reminders::Reminders`] (views and the clock → outbox), the
//! [`signals::Signals`] (circles crossing a threshold → outbox, once per
//! crossing) and the
//! [`sender::Sender`] (outbox → SMTP, or .eml files).

pub mod direct;
pub mod links;
pub mod market;
pub mod notices;
pub mod notifier;
pub mod reminders;
pub mod schedule;
pub mod sender;
pub mod settings;
pub mod signals;
pub mod task_ends;
pub mod text;
pub mod transport;

use std::sync::Arc;

use kring_app::{Accounts, Commands, EmailLookup};
use kring_domain::Services;
use kring_store::Store;
use tokio::task::JoinHandle;

pub use links::LinkKeys;
pub use sender::MailSettingsOfServer;
pub use transport::Transport;

/// The background work of mail; aborted when dropped.
pub struct MailTasks {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for MailTasks {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Starts the notifier, the reminders, the signals and the sender on `store`. `secret` is the server
/// secret ([`kring_app::server_secret`]): it keys the links in mails.
pub async fn start(
    store: Arc<dyn Store>,
    secret: &[u8],
    transport: Transport,
    server: MailSettingsOfServer,
) -> anyhow::Result<MailTasks> {
    let links = LinkKeys::new(secret);
    let notifier = notifier::Notifier::open(store.clone(), links.clone()).await?;
    let commands = Arc::new(Commands::new(store.clone(), Services::system()));
    let accounts = Accounts::new(store.clone(), commands, EmailLookup::new(secret));
    let reminders = reminders::Reminders::new(store.clone(), links.clone());
    let signals = signals::Signals::new(store.clone(), links.clone());
    let task_ends = task_ends::TaskEnds::new(store.clone());
    let sender = sender::Sender::new(store, accounts, transport, links, server);
    Ok(MailTasks {
        tasks: vec![
            tokio::spawn(notifier.run()),
            tokio::spawn(reminders.run()),
            tokio::spawn(signals.run()),
            tokio::spawn(task_ends.run()),
            tokio::spawn(sender.run()),
        ],
    })
}

/// Queues and sends, once, everything the log holds so far (`kring demo`,
/// which runs no server): answers how many mails went out.
pub async fn deliver_pending(
    store: Arc<dyn Store>,
    secret: &[u8],
    transport: Transport,
    server: MailSettingsOfServer,
) -> anyhow::Result<usize> {
    let links = LinkKeys::new(secret);
    let mut notifier = notifier::Notifier::open(store.clone(), links.clone()).await?;
    notifier.catch_up().await?;
    let commands = Arc::new(Commands::new(store.clone(), Services::system()));
    let accounts = Accounts::new(store.clone(), commands, EmailLookup::new(secret));
    let mut sender = sender::Sender::new(store, accounts, transport, links, server);
    let mut sent = 0;
    loop {
        let round = sender.round(chrono::Utc::now()).await?;
        sent += round.sent;
        if round.sent + round.retried + round.given_up == 0 {
            return Ok(sent);
        }
    }
}
