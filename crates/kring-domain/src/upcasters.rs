//! Old event versions read as the current one. Events are never rewritten in
//! the log; they are upgraded as they are loaded.

use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster};
use serde_json::{json, Value};

/// Every upcaster of the domain, in the order they apply.
pub fn all() -> Vec<Box<dyn EventUpcaster>> {
    vec![
        Box::new(logbook_entry_v2()),
        Box::new(intermediary_looked_v2()),
        Box::new(account_v2("AccountRegistered")),
        Box::new(account_v2("EmailChanged")),
        Box::new(account_v2("EmailVerified")),
    ]
}

/// Version 1 of an account's `AccountRegistered`, `EmailChanged` and
/// `EmailVerified` held `email_lookup`, the keyed hash of the address; version
/// 2 does not (the lookup lives only in the credentials beside the log, so an
/// erased account leaves none behind in new events). The bytes of version 1
/// events stay in the log, as the hash chain covers them; no code reads the
/// field any more.
pub fn account_v2(event_type: &str) -> SemanticVersionEventUpcaster {
    SemanticVersionEventUpcaster::new(event_type, "2", Box::new(drop_email_lookup))
}

fn drop_email_lookup(mut payload: Value) -> Value {
    if let Some(fields) = payload
        .as_object_mut()
        .and_then(|o| o.values_mut().next())
        .and_then(Value::as_object_mut)
    {
        fields.remove("email_lookup");
    }
    payload
}

/// LogbookEntryWritten version 1 said `lukewarm_may_read: bool`; version 2 says
/// `visibility`. True meant warm and lukewarm, false warm only.
pub fn logbook_entry_v2() -> SemanticVersionEventUpcaster {
    SemanticVersionEventUpcaster::new("LogbookEntryWritten", "2", Box::new(upcast_logbook_entry))
}

/// IntermediaryLooked version 1 said `what` in an English sentence; version 2
/// says it as a code ([`crate::Looked`]). Sentences no longer known become
/// `other`.
pub fn intermediary_looked_v2() -> SemanticVersionEventUpcaster {
    SemanticVersionEventUpcaster::new(
        "IntermediaryLooked",
        "2",
        Box::new(upcast_intermediary_looked),
    )
}

fn upcast_intermediary_looked(mut payload: Value) -> Value {
    if let Some(fields) = payload
        .get_mut("IntermediaryLooked")
        .and_then(Value::as_object_mut)
    {
        let words = fields.get("what").and_then(Value::as_str).unwrap_or("");
        let looked = crate::Looked::of_old_words(words);
        fields.insert("what".into(), json!(looked.code()));
    }
    payload
}

fn upcast_logbook_entry(mut payload: Value) -> Value {
    if let Some(fields) = payload
        .get_mut("LogbookEntryWritten")
        .and_then(Value::as_object_mut)
    {
        let lukewarm = fields
            .remove("lukewarm_may_read")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let visibility = if lukewarm {
            "warm_and_lukewarm"
        } else {
            "warm_only"
        };
        fields.insert("visibility".into(), json!(visibility));
    }
    payload
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_account_event_loses_its_lookup() {
        let old = json!({"EmailVerified": {"email_lookup": "ab12"}});
        assert_eq!(drop_email_lookup(old), json!({"EmailVerified": {}}));
        let old =
            json!({"EmailChanged": {"email": {"owner": "o", "data": "d"}, "email_lookup": "ab12"}});
        assert_eq!(
            drop_email_lookup(old),
            json!({"EmailChanged": {"email": {"owner": "o", "data": "d"}}})
        );
    }

    #[test]
    fn an_old_look_says_what_as_a_code() {
        let old = |what: &str| {
            json!({"IntermediaryLooked": {"organisation": "o", "person": "p", "scope": "full",
                "what": what, "at": "2026-01-01T00:00:00Z"}})
        };
        let what = |payload: Value| payload["IntermediaryLooked"]["what"].clone();
        assert_eq!(
            what(upcast_intermediary_looked(old("the dashboard: signals"))),
            json!("dashboard")
        );
        assert_eq!(
            what(upcast_intermediary_looked(old(
                "the circle: signals, rota, open requests and shared logbook"
            ))),
            json!("circle-full")
        );
        assert_eq!(
            what(upcast_intermediary_looked(old("live updates"))),
            json!("live")
        );
        assert_eq!(
            what(upcast_intermediary_looked(old("logbook"))),
            json!("other")
        );
    }
}
