//! OpenAPI links: which answer's ids a client passes to which next request
//! (make a circle, invite, join; ask, widen, take, done; schedule, claim,
//! swap). Clients read them as documentation; the contract test
//! (`scripts/contract.sh`, schemathesis's stateful phase) walks them, so that
//! generated requests reach real circles, requests and shifts instead of 404.
//!
//! Added after the operations are named (`get_circles_id`), which is why they
//! are a table here and not `links(...)` in each handler's annotation. A link
//! to an operation or answer that does not exist panics, so the description
//! test (`tests/openapi.rs`) fails on it.

use serde_json::{json, Map, Value};
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::Operation;
use utoipa::openapi::RefOr;

use super::Description;

/// From an answer of one operation to a next request.
struct Link {
    from: &'static str,
    status: &'static str,
    name: &'static str,
    to: &'static str,
    /// `location.name` → runtime expression.
    parameters: &'static [(&'static str, &'static str)],
    body: Option<fn() -> Value>,
}

const CIRCLE: (&str, &str) = ("path.id", "$response.body#/id");
const SAME_CIRCLE: (&str, &str) = ("path.id", "$request.path.id");

const fn link(
    from: &'static str,
    status: &'static str,
    name: &'static str,
    to: &'static str,
    parameters: &'static [(&'static str, &'static str)],
) -> Link {
    Link {
        from,
        status,
        name,
        to,
        parameters,
        body: None,
    }
}

const LINKS: &[Link] = &[
    // A new circle: read it, and start everything that happens in it.
    link("post_circles", "201", "Read", "get_circles_id", &[CIRCLE]),
    link(
        "post_circles",
        "201",
        "Members",
        "get_circles_id_members",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Invite",
        "post_circles_id_invitations",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Ask",
        "post_circles_id_requests",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Requests",
        "get_circles_id_requests",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Schedule",
        "post_circles_id_shifts",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Rota",
        "get_circles_id_rota",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Write",
        "post_circles_id_logbook",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Offer",
        "post_circles_id_offers",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Feed",
        "post_circles_id_calendar_feeds",
        &[CIRCLE],
    ),
    link(
        "post_circles",
        "201",
        "Export",
        "get_circles_id_export",
        &[CIRCLE],
    ),
    // The caller's own membership, as the circle names it.
    link(
        "get_circles_id",
        "200",
        "ChangeMyRing",
        "put_circles_id_members_person_ring",
        &[SAME_CIRCLE, ("path.person", "$response.body#/you/person")],
    ),
    // An invitation: join with its code, or revoke it.
    Link {
        from: "post_circles_id_invitations",
        status: "201",
        name: "Join",
        to: "post_invitations_accept",
        parameters: &[],
        body: Some(|| json!({ "code": "$response.body#/code" })),
    },
    link(
        "post_circles_id_invitations",
        "201",
        "Revoke",
        "delete_circles_id_invitations_invitation",
        &[SAME_CIRCLE, ("path.invitation", "$response.body#/id")],
    ),
    link(
        "post_invitations_accept",
        "200",
        "Read",
        "get_circles_id",
        &[("path.id", "$response.body#/circle")],
    ),
    // A request for help: widen it, take it, confirm it, mark it done.
    link(
        "post_circles_id_requests",
        "201",
        "Widen",
        "post_circles_id_requests_request_widen",
        &[SAME_CIRCLE, ("path.request", "$response.body#/id")],
    ),
    link(
        "post_circles_id_requests",
        "201",
        "Step",
        "post_circles_id_requests_request_action",
        &[SAME_CIRCLE, ("path.request", "$response.body#/id")],
    ),
    link(
        "post_circles_id_requests_request_widen",
        "200",
        "Step",
        "post_circles_id_requests_request_action",
        &[SAME_CIRCLE, ("path.request", "$request.path.request")],
    ),
    link(
        "post_circles_id_requests_request_action",
        "200",
        "NextStep",
        "post_circles_id_requests_request_action",
        &[SAME_CIRCLE, ("path.request", "$request.path.request")],
    ),
    // A shift: claim or skip its first date, see it on the rota; once
    // claimed, release it or ask someone to swap.
    link(
        "post_circles_id_shifts",
        "201",
        "Claim",
        "post_circles_id_shifts_shift_dates_date_claim",
        &[
            SAME_CIRCLE,
            ("path.shift", "$response.body#/id"),
            ("path.date", "$response.body#/first_date"),
        ],
    ),
    link(
        "post_circles_id_shifts",
        "201",
        "Skip",
        "post_circles_id_shifts_shift_dates_date_skip",
        &[
            SAME_CIRCLE,
            ("path.shift", "$response.body#/id"),
            ("path.date", "$response.body#/first_date"),
        ],
    ),
    link(
        "post_circles_id_shifts",
        "201",
        "Rota",
        "get_circles_id_rota",
        &[SAME_CIRCLE, ("query.from", "$response.body#/first_date")],
    ),
    link(
        "post_circles_id_shifts_shift_dates_date_claim",
        "200",
        "Release",
        "post_circles_id_shifts_shift_dates_date_release",
        &[
            SAME_CIRCLE,
            ("path.shift", "$request.path.shift"),
            ("path.date", "$request.path.date"),
        ],
    ),
    Link {
        from: "post_circles_id_shifts_shift_dates_date_claim",
        status: "200",
        name: "Swap",
        to: "post_circles_id_swaps",
        parameters: &[SAME_CIRCLE],
        body: Some(|| json!({ "shift": "$request.path.shift", "date": "$request.path.date" })),
    },
    link(
        "post_circles_id_swaps",
        "201",
        "Accept",
        "post_circles_id_swaps_swap_accept",
        &[SAME_CIRCLE, ("path.swap", "$response.body#/id")],
    ),
    link(
        "post_circles_id_swaps",
        "201",
        "Decline",
        "post_circles_id_swaps_swap_decline",
        &[SAME_CIRCLE, ("path.swap", "$response.body#/id")],
    ),
    // What can be taken back.
    link(
        "post_circles_id_logbook",
        "201",
        "Redact",
        "delete_circles_id_logbook_entry",
        &[SAME_CIRCLE, ("path.entry", "$response.body#/id")],
    ),
    link(
        "post_circles_id_offers",
        "201",
        "Withdraw",
        "delete_circles_id_offers_offer",
        &[SAME_CIRCLE, ("path.offer", "$response.body#/id")],
    ),
    link(
        "post_circles_id_calendar_feeds",
        "201",
        "Revoke",
        "delete_circles_id_calendar_feeds_feed",
        &[SAME_CIRCLE, ("path.feed", "$response.body#/id")],
    ),
    // An organisation: read it, its dashboard, set its thresholds, invite a colleague.
    link(
        "post_organisations",
        "201",
        "Read",
        "get_organisations_org",
        &[("path.org", "$response.body#/id")],
    ),
    link(
        "post_organisations",
        "201",
        "Dashboard",
        "get_organisations_org_dashboard",
        &[("path.org", "$response.body#/id")],
    ),
    link(
        "post_organisations",
        "201",
        "Thresholds",
        "put_organisations_org_thresholds",
        &[("path.org", "$response.body#/id")],
    ),
    link(
        "post_organisations",
        "201",
        "Colleague",
        "post_organisations_org_intermediaries",
        &[("path.org", "$response.body#/id")],
    ),
];

/// Adds [`LINKS`] to the named operations' answers.
///
/// Written as the answer's `links` through its extensions: utoipa's own
/// `Link` serialises its fields in snake case (`operation_id`), which no
/// OpenAPI reader knows. The JSON map keeps its keys sorted, so the file is
/// the same at every run.
pub(super) fn add_links(description: &mut Description) {
    for link in LINKS {
        assert!(
            operation(description, link.to).is_some(),
            "a link to {} names no operation",
            link.to
        );
        let from = operation(description, link.from)
            .unwrap_or_else(|| panic!("a link from {} names no operation", link.from));
        let Some(RefOr::T(response)) = from.responses.responses.get_mut(link.status) else {
            panic!("{} has no {} answer to link from", link.from, link.status);
        };
        let mut made = Map::new();
        made.insert("operationId".into(), json!(link.to));
        if !link.parameters.is_empty() {
            let parameters: Map<String, Value> = link
                .parameters
                .iter()
                .map(|(name, expression)| ((*name).to_owned(), json!(expression)))
                .collect();
            made.insert("parameters".into(), Value::Object(parameters));
        }
        if let Some(body) = link.body {
            made.insert("requestBody".into(), body());
        }
        let extensions = response
            .extensions
            .get_or_insert_with(|| Extensions::from_iter([("links", json!({}))]));
        let links = extensions
            .entry("links".to_owned())
            .or_insert_with(|| json!({}));
        links
            .as_object_mut()
            .expect("links are an object")
            .insert(link.name.to_owned(), Value::Object(made));
    }
}

fn operation<'a>(description: &'a mut Description, id: &str) -> Option<&'a mut Operation> {
    description
        .paths
        .paths
        .values_mut()
        .flat_map(|item| {
            [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
        })
        .filter_map(Option::as_mut)
        .find(|operation| operation.operation_id.as_deref() == Some(id))
}
