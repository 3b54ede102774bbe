//! The HTTPS API under `/api/v1`, and its OpenAPI 3 description at `/api/v1/openapi.json`.
//!
//! Every route authenticates its caller and checks its roles in a [`gate`] that runs before the
//! handler reads the request (no token: 401; no role: 403, whatever the body), and the handler
//! makes the finer checks that need the body or the stored resource. Each operation declares the roles it accepts as the scopes of
//! its `bearer` security requirement (`any` = every authenticated user); a test walks the
//! document and checks that every route enforces what it declares. Errors are
//! `application/problem+json` ([`crate::problem`]). No route ever returns a share or a
//! patient-level value: datasets are described by metadata only.
pub mod audit;
pub mod datasets;
pub mod gate;
pub mod health;
pub mod jobs;
pub mod studies;
pub mod uploads;
pub mod users;

use crate::state::AppState;
use axum::Router;
use axum::routing::{delete, get, post, put};
use gate::{Gate, gated};
use sharestat_store::Role;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "sharestat node API", description = "One node of a sharestat consortium: studies, datasets (metadata only), accounts, jobs and the audit log."),
    paths(
        health::health, health::whoami,
        studies::list, studies::create, studies::show,
        datasets::list, datasets::show,
        uploads::begin, uploads::chunk, uploads::show, uploads::commit, uploads::abort, uploads::withdraw,
        uploads::relay_begin, uploads::relay_chunk,
        users::list, users::create, users::show, users::add_token, users::revoke_token,
        users::grant, users::revoke_grant, users::disable,
        jobs::submit, jobs::list, jobs::show, jobs::cancel,
        audit::list, audit::verify,
    ),
    components(schemas(crate::problem::Problem)),
    modifiers(&BearerScheme),
    tags(
        (name = "node", description = "Health and identity"),
        (name = "studies", description = "Studies: data dictionary and disclosure policy"),
        (name = "datasets", description = "Datasets: metadata, uploads (two-phase commit) and withdrawal"),
        (name = "accounts", description = "Users, tokens and roles (administrators)"),
        (name = "jobs", description = "Computations across the three nodes"),
        (name = "audit", description = "The hash-chained audit log"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Adds `Server-Timing: app;dur=<ms>` (time spent in the node) to every response.
async fn server_timing(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let t = std::time::Instant::now();
    let mut resp = next.run(req).await;
    let value = format!("app;dur={:.3}", t.elapsed().as_secs_f64() * 1e3);
    if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
        resp.headers_mut().append("server-timing", v);
    }
    resp
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// The router with every route. Each operation is [`gated`]: authentication and its role
/// check run before the handler reads anything of the request (see [`gate`]).
pub fn router(state: AppState) -> Router {
    use Role::{Admin, Auditor, DataOwner, Researcher};
    let s = &state;
    let any = Gate::Any;
    let admin = Gate::Node(&[Admin]);
    let readers = Gate::Study(&studies::READERS);
    let owner_here = Gate::Study(&[DataOwner]);
    let owner = Gate::Anywhere(&[DataOwner]);
    let runs_jobs = Gate::Anywhere(&[Researcher, Admin]);
    let sees_jobs = Gate::Anywhere(&[Admin, Auditor, Researcher]);
    let v1 = Router::new()
        .route("/health", gated(s, any, get(health::health)))
        .route("/whoami", gated(s, any, get(health::whoami)))
        .route(
            "/studies",
            gated(s, any, get(studies::list)).merge(gated(s, admin, post(studies::create))),
        )
        .route("/studies/{study}", gated(s, readers, get(studies::show)))
        .route(
            "/studies/{study}/datasets",
            gated(s, readers, get(datasets::list)),
        )
        .route(
            "/studies/{study}/datasets/{dataset}",
            gated(s, readers, get(datasets::show)).merge(gated(
                s,
                owner_here,
                delete(uploads::withdraw),
            )),
        )
        .route(
            "/studies/{study}/uploads",
            gated(s, owner_here, post(uploads::begin)),
        )
        .route(
            "/studies/{study}/uploads/relay",
            gated(s, owner_here, post(uploads::relay_begin)),
        )
        .route(
            "/uploads/{upload}/relay/{chunk}",
            gated(s, owner, put(uploads::relay_chunk)),
        )
        .route(
            "/uploads/{upload}",
            gated(s, Gate::Anywhere(&[DataOwner, Admin]), get(uploads::show)),
        )
        .route(
            "/uploads/{upload}/chunks/{chunk}",
            gated(s, owner, put(uploads::chunk)),
        )
        .route(
            "/uploads/{upload}/commit",
            gated(s, owner, post(uploads::commit)),
        )
        .route(
            "/uploads/{upload}/abort",
            gated(s, owner, post(uploads::abort)),
        )
        .route(
            "/users",
            gated(s, admin, get(users::list)).merge(gated(s, admin, post(users::create))),
        )
        .route("/users/{user}", gated(s, admin, get(users::show)))
        .route(
            "/users/{user}/tokens",
            gated(s, admin, post(users::add_token)),
        )
        .route(
            "/tokens/{token}",
            gated(s, admin, delete(users::revoke_token)),
        )
        .route("/users/{user}/grants", gated(s, admin, post(users::grant)))
        .route(
            "/users/{user}/disable",
            gated(s, admin, post(users::disable)),
        )
        .route(
            "/users/{user}/grants/revoke",
            gated(s, admin, post(users::revoke_grant)),
        )
        .route(
            "/jobs",
            gated(s, sees_jobs, get(jobs::list)).merge(gated(s, runs_jobs, post(jobs::submit))),
        )
        .route("/jobs/{job}", gated(s, sees_jobs, get(jobs::show)))
        .route(
            "/jobs/{job}/cancel",
            gated(s, runs_jobs, post(jobs::cancel)),
        )
        .route(
            "/audit",
            gated(
                s,
                Gate::Anywhere(&[Admin, Auditor, DataOwner]),
                get(audit::list),
            ),
        )
        .route(
            "/audit/verify",
            gated(s, Gate::Node(&[Admin, Auditor]), get(audit::verify)),
        )
        .route("/openapi.json", get(openapi_json));
    Router::new()
        .nest("/api/v1", v1)
        .fallback(|| async {
            crate::problem::ApiError::not_found("no such route; the API is under /api/v1")
        })
        .layer(axum::extract::DefaultBodyLimit::max(1 << 30))
        .layer(axum::middleware::from_fn(server_timing))
        .with_state(state)
}
