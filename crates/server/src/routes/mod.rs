//! The one route table: every route with its method, path and the least role it needs. It
//! builds the router ([`router`]), and the tests walk it with every role, so a route cannot be
//! added without its access being stated and checked.
//!
//! One module per area, each with its `routes()`: `health`, `session` (login, logout, language),
//! `dashboard`, `customers` (the list, one customer, exports, saved views), `chains` (the chain
//! editor and its exports), `plans` (the focus plans, their forms and exports), `import`
//! (upload, preview, confirm, status and `POST /api/v1/imports`), `settings` (analysis settings,
//! own password, users, tokens, audit log), `api` (the REST API under `/api/v1` and its OpenAPI
//! document).

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use axum::Router;
use kundenwert_store::Role;

use crate::auth::Identity;
use crate::error::{self, AppError};
use crate::page::urlencode;
use crate::security;
use crate::state::AppState;

pub mod api;
pub mod chains;
pub mod charts;
pub mod customers;
pub mod dashboard;
pub mod health;
pub mod import;
pub mod plans;
pub mod reports;
pub mod session;
pub mod settings;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Everybody, signed in or not.
    Public,
    /// At least this role.
    Least(Role),
}

/// One route of the table.
#[derive(Debug, Clone)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path, in axum's syntax (`/customers/{number}`).
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// Builds its handler.
    pub handler: fn() -> MethodRouter<AppState>,
}

/// Declares routes: `GET "/path" Viewer => handler`.
#[macro_export]
#[doc(hidden)]
macro_rules! routes {
    ($($method:ident $path:literal $access:ident => $handler:path),* $(,)?) => {
        vec![$($crate::routes::Route {
            method: ::axum::http::Method::$method,
            path: $path,
            access: $crate::routes::access!($access),
            handler: || ::axum::routing::on(
                ::axum::routing::MethodFilter::try_from(::axum::http::Method::$method)
                    .expect("a method axum routes"),
                $handler,
            ),
        }),*]
    };
}
pub use routes;

/// `Public`, `Viewer`, `Editor`, `Admin` as an [`Access`].
#[macro_export]
#[doc(hidden)]
macro_rules! access {
    (Public) => {
        $crate::routes::Access::Public
    };
    ($role:ident) => {
        $crate::routes::Access::Least(::kundenwert_store::Role::$role)
    };
}
pub use access;

/// Every route of the workbench.
pub fn table() -> Vec<Route> {
    let mut all = Vec::new();
    all.extend(health::routes());
    all.extend(session::routes());
    all.extend(dashboard::routes());
    all.extend(customers::routes());
    all.extend(chains::routes());
    all.extend(plans::routes());
    all.extend(api::routes());
    all.extend(import::routes());
    all.extend(settings::routes());
    all.extend(reports::routes());
    all
}

/// The router: the table's routes behind their gates, the assets, the error pages and the
/// security layers.
pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for route in table() {
        let access = route.access;
        let handler = (route.handler)().route_layer(middleware::from_fn(
            move |request: Request, next: Next| gate(access, request, next),
        ));
        router = router.route(route.path, handler);
    }
    router
        .route("/assets/{file}", axum::routing::get(crate::assets::serve))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::identify,
        ))
        .layer(middleware::from_fn(error::render_errors))
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}

/// The largest request body: an upload of an export (larger files: `kundenwert import`).
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// Lets a request through when its user's role is enough; else the login (pages), 401 (API)
/// or 403.
async fn gate(access: Access, request: Request, next: Next) -> Response {
    let Access::Least(least) = access else {
        return next.run(request).await;
    };
    match request.extensions().get::<Identity>() {
        Some(identity) if identity.user.role >= least => next.run(request).await,
        Some(_) => AppError::Forbidden.into_response(),
        None if request.uri().path().starts_with("/api/") => AppError::Unauthorized.into_response(),
        None => {
            let back = request
                .uri()
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_owned();
            let mut response =
                Redirect::to(&format!("/login?next={}", urlencode(&back))).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}
