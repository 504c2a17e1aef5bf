//! The JSON API, version 1 (`/api/v1`). One module per resource, each with a
//! `router()` whose handlers carry their own OpenAPI description, so the
//! served routes and `proto/openapi.json` come from the same lines. The shared
//! parts: the extractors (`extract`), the session cookie (`auth`), who the
//! caller is to a circle (`access`) and what that lets them do (`policy`),
//! running commands (`command`), and the translation between domain and wire (`wire`).

mod access;
mod accounts;
mod addresses;
mod auth;
pub(crate) mod calendar;
mod circle_export;
mod circles;
mod command;
mod consent;
mod coordination;
mod email;
mod export;
mod extract;
mod figures;
pub(crate) mod idempotency;
mod invitations;
mod kitchen_table;
mod life;
mod links;
mod listing;
pub(crate) mod live;
mod logbook;
mod mail_settings;
pub(crate) mod marketplace;
mod me;
mod members;
mod offers;
mod openapi_links;
mod organisations;
mod page;
mod places;
mod plan;
pub(crate) mod policy;
mod requests;
mod session;
mod shift_changes;
mod shifts;
mod swaps;
mod thanks;
mod volunteering;
mod wire;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use kring_protocol::v1::{self, PROBLEM_JSON};
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::openapi::OpenApi as Description;
use utoipa::{IntoResponses, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use auth::SessionCookie;

use crate::{ApiError, AppState};

/// The largest request body the API reads: far above any form a person fills in.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every resource's routes with their descriptions.
fn resources() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::router())
        .merge(session::router())
        .merge(me::router())
        .merge(email::router())
        .merge(links::router())
        .merge(circles::router())
        .merge(members::router())
        .merge(invitations::router())
        .merge(requests::router())
        .merge(offers::router())
        .merge(thanks::router())
        .merge(shifts::router())
        .merge(swaps::router())
        .merge(logbook::router())
        .merge(consent::router())
        .merge(figures::router())
        .merge(calendar::router())
        .merge(export::router())
        .merge(circle_export::router())
        .merge(organisations::router())
        .merge(mail_settings::router())
        .merge(marketplace::router())
        .merge(volunteering::router())
        .merge(listing::router())
        .merge(places::router())
        .merge(life::router())
        .merge(coordination::router())
        .merge(kitchen_table::router())
        .merge(shift_changes::router())
}

/// The API's description: what `proto/openapi.json` holds.
pub fn openapi() -> Description {
    let mut description = resources().split_for_parts().1;
    name_operations(&mut description);
    openapi_links::add_links(&mut description);
    describe_session(&mut description);
    describe_idempotency_key(&mut description);
    description
}

/// Every write takes an `Idempotency-Key` (see `idempotency`). utoipa has no
/// shared parameters in its components, so each write names the same one.
fn describe_idempotency_key(description: &mut Description) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the same key with the same request answers the first \
             answer and writes nothing (replayed answers carry `Idempotent-Replayed: true`); \
             the same key with another request is 422 `idempotency-key-reused`. 1 to 255 \
             printable ASCII characters (400 `idempotency-key-malformed` otherwise), per \
             account; kept at least 24 hours.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(idempotency::MAX_KEY_CHARS)),
        ))
        .build();
    for item in description.paths.paths.values_mut() {
        for operation in [
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            operation
                .parameters
                .get_or_insert_with(Vec::new)
                .push(parameter.clone());
        }
    }
}

/// Operation ids from method and path (`get_circles_id_rota`): unique by
/// construction, where handler names (`list`, `create`) repeat across modules.
fn name_operations(description: &mut Description) {
    for (path, item) in description.paths.paths.iter_mut() {
        let slug: String = path
            .split('/')
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.trim_matches(|c| c == '{' || c == '}')
                    .replace('-', "_")
            })
            .collect::<Vec<_>>()
            .join("_");
        for (method, operation) in [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("put", &mut item.put),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ] {
            if let Some(operation) = operation {
                operation.operation_id = Some(format!("{method}_{slug}"));
            }
        }
    }
}

/// The session cookie is how every route but signing up and logging in knows
/// its caller.
fn describe_session(description: &mut Description) {
    use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
    let components = description.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SessionCookie::PLAIN_NAME,
            "set by POST /session; named __Host-kring_session behind HTTPS",
        ))),
    );
    description.security = Some(vec![SecurityRequirement::new(
        "session",
        Vec::<String>::new(),
    )]);
    for (path, item) in description.paths.paths.iter_mut() {
        // Open to anyone: signing up and logging in (and out, which works either
        // way), a forgotten password, and the links in mails (an invitation's
        // needs a session, which its answer says).
        let open = [
            "/accounts",
            "/session",
            "/password-reset",
            "/password-reset/{token}",
        ];
        if open.contains(&path.as_str()) || path == "/links/{token}" {
            for operation in [&mut item.get, &mut item.post, &mut item.delete]
                .into_iter()
                .flatten()
            {
                operation.security = Some(vec![SecurityRequirement::default()]);
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kring",
        description = "Care circles: the people around someone who needs care, their rota, requests and logbook.",
    ),
    servers((url = "/api/v1")),
    components(schemas(v1::Problem, v1::ClientMessage, v1::ServerMessage)),
)]
struct ApiDoc;

/// Every error answer: problem+json with a `detail` for the person who tried.
#[derive(IntoResponses)]
#[allow(dead_code)] // only describes the answers
pub(crate) enum Problems {
    #[response(
        status = "4XX",
        description = "the request cannot be done; `detail` says why",
        content_type = "application/problem+json"
    )]
    Client(#[to_schema] v1::Problem),
    #[response(
        status = "5XX",
        description = "a fault on the server or a busy moment; try again",
        content_type = "application/problem+json"
    )]
    Server(#[to_schema] v1::Problem),
}

pub(crate) fn router(state: &AppState) -> Router<AppState> {
    resources()
        .split_for_parts()
        .0
        // A WebSocket: its messages are described in kring-protocol (v1::live),
        // and as components of proto/openapi.json.
        .merge(live::router())
        .fallback(|| async { ApiError::nothing_here() })
        // Inside the body limit: it reads the body to tell requests apart.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        // One limit, enforced by tower-http whether or not the length is announced.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::map_response(api_response))
}

/// Every API answer: never cached (it is personal), and every error as
/// problem+json, including those made outside the handlers (axum's 405, the
/// body limit's 413).
async fn api_response(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes() == PROBLEM_JSON.as_bytes());
    let mut response = if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let (parts, _) = response.into_parts();
        let mut problem = ApiError::for_status(status).into_response();
        // Keep what the original said besides its body (such as 405's Allow).
        for (name, value) in &parts.headers {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                problem.headers_mut().insert(name, value.clone());
            }
        }
        problem
    } else {
        response
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
