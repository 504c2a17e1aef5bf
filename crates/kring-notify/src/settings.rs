//! A person's mail settings as stored: JSON beside the log, read and written
//! only here. Someone who never chose gets the defaults.

use std::collections::HashMap;

use kring_store::{MailStore, StoreError};
use uuid::Uuid;

use crate::schedule::MailSettings;

/// One person's settings (the defaults when none are stored or they cannot be read).
pub async fn settings(store: &dyn MailStore, account: Uuid) -> Result<MailSettings, StoreError> {
    Ok(store
        .mail_settings(account)
        .await?
        .map(|body| parse(account, &body))
        .unwrap_or_default())
}

/// The settings of several people at once (the notifier's batch).
pub async fn settings_of(
    store: &dyn MailStore,
    accounts: &[Uuid],
) -> Result<HashMap<Uuid, MailSettings>, StoreError> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(store
        .mail_settings_of(accounts)
        .await?
        .into_iter()
        .map(|(account, body)| (account, parse(account, &body)))
        .collect())
}

pub async fn save(
    store: &dyn MailStore,
    account: Uuid,
    settings: &MailSettings,
) -> Result<(), StoreError> {
    let body = serde_json::to_string(settings).expect("settings serialise");
    store.save_mail_settings(account, &body).await
}

/// Settings written by a newer version may hold more than this one knows:
/// unknown fields are ignored, and unreadable ones fall back to the defaults.
fn parse(account: Uuid, body: &str) -> MailSettings {
    serde_json::from_str(body).unwrap_or_else(|e| {
        tracing::warn!(%account, error = %e, "mail settings cannot be read; using the defaults");
        MailSettings::default()
    })
}
