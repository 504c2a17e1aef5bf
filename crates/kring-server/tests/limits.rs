//! The bounds `proto/openapi.json` states are the ones the server holds. The
//! request types spell them in schema attributes (utoipa takes only literals);
//! here each stated bound is compared with the constant the code checks
//! (`kring_protocol::v1::limits`, and kring-app's and kring-domain's own), and
//! then sent to the real server: a value at the bound is accepted, one just
//! past it refused with 422. So the description and the code cannot part ways
//! without this test failing.

mod common;

use chrono::{Duration, Utc};
use common::{Browser, Server};
use kring_protocol::v1::limits;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn description() -> Value {
    serde_json::to_value(kring_server::openapi()).expect("the description serialises")
}

/// `keyword` of `property` of component `schema` (or a JSON pointer below the
/// components' schemas when `property` starts with `/`).
fn stated(doc: &Value, schema: &str, property: &str, keyword: &str) -> u64 {
    let at = if property.starts_with('/') {
        format!("/components/schemas/{schema}{property}/{keyword}")
    } else {
        format!("/components/schemas/{schema}/properties/{property}/{keyword}")
    };
    doc.pointer(&at)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("the description states no {at}"))
}

#[test]
fn the_description_states_the_bounds_the_code_checks() {
    let doc = description();
    let max_len = |s: &str, p: &str| stated(&doc, s, p, "maxLength") as usize;
    let min_len = |s: &str, p: &str| stated(&doc, s, p, "minLength") as usize;
    let max = |s: &str, p: &str| stated(&doc, s, p, "maximum");
    let min = |s: &str, p: &str| stated(&doc, s, p, "minimum");

    for (schema, property) in [("SignUp", "name"), ("CreateCircle", "focus_name")] {
        assert_eq!(max_len(schema, property), limits::NAME_CHARS);
        assert_eq!(min_len(schema, property), 1);
    }
    for schema in [
        "SignUp",
        "ChangeEmail",
        "PasswordResetRequest",
        "AddIntermediary",
    ] {
        assert_eq!(max_len(schema, "email"), limits::EMAIL_CHARS, "{schema}");
    }
    let by_mail = "/allOf/1/properties/email";
    assert_eq!(max_len("InviteByMail", by_mail), limits::EMAIL_CHARS);
    for (schema, property) in [
        ("SignUp", "password"),
        ("ChangePassword", "new_password"),
        ("NewPassword", "password"),
    ] {
        assert_eq!(min_len(schema, property), limits::PASSWORD_MIN_CHARS);
        assert_eq!(min_len(schema, property), kring_app::MIN_PASSWORD_CHARS);
        assert_eq!(max_len(schema, property), limits::PASSWORD_MAX_CHARS);
    }
    assert_eq!(
        max_len("RegisterOrganisation", "name"),
        limits::ORGANISATION_NAME_CHARS
    );
    assert_eq!(max_len("WriteLogbookEntry", "text"), limits::ENTRY_CHARS);
    assert_eq!(max_len("AskForHelp", "details"), limits::DETAILS_CHARS);
    assert_eq!(max_len("AskForHelp", "place"), limits::PLACE_CHARS);
    assert_eq!(max_len("MakeOffer", "note"), limits::NOTE_CHARS);
    assert_eq!(max_len("Thank", "note"), limits::NOTE_CHARS);
    assert_eq!(max_len("ScheduleShift", "title"), limits::TITLE_CHARS);
    assert_eq!(max_len("ReleaseShift", "reason"), limits::REASON_CHARS);
    for (schema, most) in [
        ("AskForHelp", limits::MAX_MINUTES),
        ("ScheduleShift", limits::MAX_SHIFT_MINUTES),
    ] {
        assert_eq!(
            min(schema, "duration_minutes"),
            u64::from(limits::MIN_MINUTES)
        );
        assert_eq!(max(schema, "duration_minutes"), u64::from(most));
    }
    assert_eq!(
        max("ScheduleShift", "helpers_needed"),
        u64::from(limits::MAX_HELPERS)
    );
    let hours = "/oneOf/0/properties/hours_per_week";
    let tasks = "/oneOf/1/properties/tasks_per_month";
    assert_eq!(
        max("Capacity", hours),
        u64::from(limits::MAX_HOURS_PER_WEEK)
    );
    assert_eq!(
        max("Capacity", tasks),
        u64::from(limits::MAX_TASKS_PER_MONTH)
    );
    assert_eq!(
        max("Invite", "expires_in_days"),
        u64::from(limits::MAX_INVITATION_DAYS)
    );
    assert_eq!(
        max("MailPreferences", "remind_hours_before"),
        u64::from(limits::MAX_REMIND_HOURS)
    );
    assert_eq!(
        max("Thresholds", "open_places"),
        u64::from(limits::MAX_OPEN_PLACES)
    );
    assert_eq!(
        limits::MAX_OPEN_PLACES,
        kring_domain::Thresholds::MAX_OPEN_PLACES
    );
    assert_eq!(
        max("Thresholds", "silent_days"),
        u64::from(limits::MAX_SILENT_DAYS)
    );
    assert_eq!(
        limits::MAX_SILENT_DAYS,
        kring_domain::Thresholds::MAX_SILENT_DAYS
    );
    let rota_days = doc
        .pointer("/paths/~1circles~1{id}~1rota/get/parameters")
        .and_then(Value::as_array)
        .and_then(|ps| ps.iter().find(|p| p["name"] == "days"))
        .map(|p| p["schema"]["maximum"].as_u64().unwrap())
        .expect("the rota's days parameter");
    assert_eq!(rota_days, u64::from(limits::MAX_ROTA_DAYS));
}

/// One bound to try: where, and the body with the value put in.
struct Bound {
    what: &'static str,
    method: &'static str,
    path: String,
    at: Value,
    past: Value,
    body: Box<dyn Fn(Value) -> Value>,
}

impl Bound {
    async fn send(&self, who: &Browser, value: Value) -> (StatusCode, Value) {
        let body = (self.body)(value);
        match self.method {
            "put" => who.put(&self.path, body).await,
            _ => who.post(&self.path, body).await,
        }
    }
}

fn text(n: u64) -> Value {
    json!("x".repeat(usize::try_from(n).unwrap()))
}

kring_testkit::on_both_backends!(Server::start => the_server_holds_every_stated_bound);

async fn the_server_holds_every_stated_bound(s: Server) {
    let doc = description();
    let bound =
        |schema: &str, property: &str, keyword: &str| stated(&doc, schema, property, keyword);
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let circle: Value = ann
        .post_ok(
            "/api/v1/circles",
            &json!({"focus_name": "Mam"}),
            StatusCode::CREATED,
        )
        .await;
    let c = format!("/api/v1/circles/{}", circle["id"].as_str().unwrap());
    let organisation: Value = ann
        .post_ok(
            "/api/v1/organisations",
            &json!({"name": "Buurtzorg"}),
            StatusCode::CREATED,
        )
        .await;
    let org = organisation["id"].as_str().unwrap().to_owned();
    let tomorrow = Utc::now() + Duration::days(1);
    let request = move |details: Value, place: Value, minutes: Value| {
        json!({
            "category": "groceries",
            "window_start": tomorrow,
            "window_end": tomorrow + Duration::days(1),
            "duration_minutes": minutes,
            "details": details,
            "place": place,
        })
    };
    let starts = (tomorrow + Duration::days(1))
        .format("%Y-%m-%dT10:00")
        .to_string();
    let shift = move |title: Value, minutes: Value, helpers: Value| {
        json!({"title": title, "starts": starts, "duration_minutes": minutes,
               "helpers_needed": helpers, "rings": ["warm"]})
    };
    let mail: Value = ann.get_ok("/api/v1/me/mail").await;
    let max_len = |schema: &str, property: &str| bound(schema, property, "maxLength");
    let max = |schema: &str, property: &str| bound(schema, property, "maximum");
    let min = |schema: &str, property: &str| bound(schema, property, "minimum");
    let (r1, r2, r3, r4) = (request, request, request, request);
    let (s1, s2, s3, s4) = (shift.clone(), shift.clone(), shift.clone(), shift);

    let bounds = vec![
        Bound {
            what: "a circle's focus name",
            method: "post",
            path: "/api/v1/circles".into(),
            at: text(max_len("CreateCircle", "focus_name")),
            past: text(max_len("CreateCircle", "focus_name") + 1),
            body: Box::new(|v| json!({"focus_name": v})),
        },
        Bound {
            what: "an organisation's name",
            method: "post",
            path: "/api/v1/organisations".into(),
            at: text(max_len("RegisterOrganisation", "name")),
            past: text(max_len("RegisterOrganisation", "name") + 1),
            body: Box::new(|v| json!({"name": v})),
        },
        Bound {
            what: "a logbook entry",
            method: "post",
            path: format!("{c}/logbook"),
            at: text(max_len("WriteLogbookEntry", "text")),
            past: text(max_len("WriteLogbookEntry", "text") + 1),
            body: Box::new(|v| json!({"text": v, "visibility": "whole_circle"})),
        },
        Bound {
            what: "a request's details",
            method: "post",
            path: format!("{c}/requests"),
            at: text(max_len("AskForHelp", "details")),
            past: text(max_len("AskForHelp", "details") + 1),
            body: Box::new(move |v| r1(v, Value::Null, json!(60))),
        },
        Bound {
            what: "a request's place",
            method: "post",
            path: format!("{c}/requests"),
            at: text(max_len("AskForHelp", "place")),
            past: text(max_len("AskForHelp", "place") + 1),
            body: Box::new(move |v| r2(json!("Boodschappen"), v, json!(60))),
        },
        Bound {
            what: "a request's longest duration",
            method: "post",
            path: format!("{c}/requests"),
            at: json!(max("AskForHelp", "duration_minutes")),
            past: json!(max("AskForHelp", "duration_minutes") + 1),
            body: Box::new(move |v| r3(json!("Boodschappen"), Value::Null, v)),
        },
        Bound {
            what: "a request's shortest duration",
            method: "post",
            path: format!("{c}/requests"),
            at: json!(min("AskForHelp", "duration_minutes")),
            past: json!(min("AskForHelp", "duration_minutes") - 1),
            body: Box::new(move |v| r4(json!("Boodschappen"), Value::Null, v)),
        },
        Bound {
            what: "an offer's note",
            method: "post",
            path: format!("{c}/offers"),
            at: text(max_len("MakeOffer", "note")),
            past: text(max_len("MakeOffer", "note") + 1),
            body: Box::new(
                |v| json!({"will": ["groceries"], "capacity": {"hours_per_week": 2}, "note": v}),
            ),
        },
        Bound {
            what: "hours a week",
            method: "post",
            path: format!("{c}/offers"),
            at: json!(max("Capacity", "/oneOf/0/properties/hours_per_week")),
            past: json!(max("Capacity", "/oneOf/0/properties/hours_per_week") + 1),
            body: Box::new(|v| json!({"will": ["groceries"], "capacity": {"hours_per_week": v}})),
        },
        Bound {
            what: "tasks a month",
            method: "post",
            path: format!("{c}/offers"),
            at: json!(max("Capacity", "/oneOf/1/properties/tasks_per_month")),
            past: json!(max("Capacity", "/oneOf/1/properties/tasks_per_month") + 1),
            body: Box::new(|v| json!({"will": ["groceries"], "capacity": {"tasks_per_month": v}})),
        },
        Bound {
            what: "a shift's title",
            method: "post",
            path: format!("{c}/shifts"),
            at: text(max_len("ScheduleShift", "title")),
            past: text(max_len("ScheduleShift", "title") + 1),
            body: Box::new(move |v| s1(v, json!(60), json!(1))),
        },
        Bound {
            what: "a shift's longest duration",
            method: "post",
            path: format!("{c}/shifts"),
            at: json!(max("ScheduleShift", "duration_minutes")),
            past: json!(max("ScheduleShift", "duration_minutes") + 1),
            body: Box::new(move |v| s2(json!("Koken"), v, json!(1))),
        },
        Bound {
            what: "a shift's most helpers",
            method: "post",
            path: format!("{c}/shifts"),
            at: json!(max("ScheduleShift", "helpers_needed")),
            past: json!(max("ScheduleShift", "helpers_needed") + 1),
            body: Box::new(move |v| s3(json!("Koken"), json!(60), v)),
        },
        Bound {
            what: "a shift's fewest helpers",
            method: "post",
            path: format!("{c}/shifts"),
            at: json!(min("ScheduleShift", "helpers_needed")),
            // 0 (a professionals' visit) is the fewest: -1 is no number of helpers.
            past: json!(min("ScheduleShift", "helpers_needed") as i64 - 1),
            body: Box::new(move |v| s4(json!("Koken"), json!(60), v)),
        },
        Bound {
            what: "an invitation's days",
            method: "post",
            path: format!("{c}/invitations"),
            at: json!(max("Invite", "expires_in_days")),
            past: json!(max("Invite", "expires_in_days") + 1),
            body: Box::new(|v| json!({"ring": "warm", "expires_in_days": v})),
        },
        Bound {
            what: "a reminder's hours",
            method: "put",
            path: "/api/v1/me/mail".into(),
            at: json!(max("MailPreferences", "remind_hours_before")),
            past: json!(max("MailPreferences", "remind_hours_before") + 1),
            body: Box::new(move |v| {
                let mut body = mail.clone();
                body["remind_hours_before"] = v;
                body
            }),
        },
        Bound {
            what: "open places",
            method: "put",
            path: format!("/api/v1/organisations/{org}/thresholds"),
            at: json!(max("Thresholds", "open_places")),
            past: json!(max("Thresholds", "open_places") + 1),
            body: Box::new(|v| json!({"open_places": v, "carer_at_risk": false, "silent_days": 0})),
        },
        Bound {
            what: "silent days",
            method: "put",
            path: format!("/api/v1/organisations/{org}/thresholds"),
            at: json!(max("Thresholds", "silent_days")),
            past: json!(max("Thresholds", "silent_days") + 1),
            body: Box::new(|v| json!({"open_places": 0, "carer_at_risk": false, "silent_days": v})),
        },
    ];
    for bound in &bounds {
        let (status, body) = bound.send(&ann, bound.past.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{} past its bound: {body}",
            bound.what
        );
        let (status, body) = bound.send(&ann, bound.at.clone()).await;
        assert!(
            status.is_success(),
            "{} at its bound: {status} {body}",
            bound.what
        );
    }

    // A name and a password at and past their bounds, at sign-up.
    let name = max_len("SignUp", "name");
    let longest = max_len("SignUp", "password");
    let shortest = bound("SignUp", "password", "minLength");
    for (n, (name, password, ok)) in [
        (text(name), text(shortest), true),
        (text(name + 1), text(shortest), false),
        (json!("Bea"), text(shortest - 1), false),
        (json!("Bea"), text(longest), true),
        (json!("Bea"), text(longest + 1), false),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, body) = s
            .browser()
            .post(
                "/api/v1/accounts",
                json!({"name": name, "email": format!("bea{n}@example.org"), "password": password}),
            )
            .await;
        assert_eq!(status.is_success(), ok, "sign-up {n}: {status} {body}");
        if !ok {
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "sign-up {n}: {body}"
            );
        }
    }

    // The reason for stepping down from a shift.
    let scheduled: Value = ann
        .post_ok(
            &format!("{c}/shifts"),
            &(bounds[10].body)(json!("Koken")),
            StatusCode::CREATED,
        )
        .await;
    let date = format!(
        "{c}/shifts/{}/dates/{}",
        scheduled["id"].as_str().unwrap(),
        scheduled["first_date"].as_str().unwrap()
    );
    let reason = max_len("ReleaseShift", "reason");
    let (status, body) = ann.post(&format!("{date}/claim"), json!({})).await;
    assert!(status.is_success(), "claim: {status} {body}");
    let (status, body) = ann
        .post(
            &format!("{date}/release"),
            json!({"reason": text(reason + 1)}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = ann
        .post(&format!("{date}/release"), json!({"reason": text(reason)}))
        .await;
    assert!(status.is_success(), "release: {status} {body}");

    // The rota's days.
    let (status, _) = ann
        .get(&format!("{c}/rota?days={}", limits::MAX_ROTA_DAYS))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = ann
        .get(&format!("{c}/rota?days={}", limits::MAX_ROTA_DAYS + 1))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
