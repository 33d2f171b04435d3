//! The web workbench: `kundenwert serve` gives a team the whole method in a browser, on the
//! same workspace as the CLI, reading the stored results of [`kundenwert_workbench`].
//!
//! Server-rendered HTML (askama templates, checked at compile time and escaped by default),
//! a little own JavaScript as progressive enhancement (every page works without it), charts as
//! server-rendered SVG, German and English from the shared catalog ([`kundenwert_text`]), and a
//! REST API under `/api/v1` described by an OpenAPI document.
//!
//! | module | what |
//! |---|---|
//! | [`state`] | the shared state: the workspace path, a small pool of read connections, the one writer, the background refresh |
//! | [`auth`] | passwords (Argon2id), sessions (random token in an HttpOnly cookie, only its SHA-256 stored), API tokens, login throttling, who is asking |
//! | [`routes`] | the one route table (method, path, least role) that builds the router and that the tests walk; one module per area |
//! | `security` | the headers every answer carries (CSP and friends) and the cross-site check of writing requests |
//! | `i18n` | the reader's language: `?lang=`, the language cookie, `Accept-Language` |
//! | `error` | what goes wrong, as an error page in the reader's language or a JSON problem for the API |
//! | `page` | what every page's layout needs, and number/date formatting for templates |
//! | `assets` | the vendored CSS and JavaScript under content-hashed URLs |
//! | [`staging`] | uploads waiting for their import, next to the workspace, swept after an hour |
#![deny(missing_docs)]

mod assets;
pub mod auth;
mod error;
mod i18n;
mod page;
pub mod routes;
mod security;
pub mod staging;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use auth::{add_user, create_token, generate_password, AuthError};
pub use state::{AppState, ServerError};

/// How `kundenwert serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The workspace file.
    pub workspace: PathBuf,
    /// Where to listen.
    pub bind: SocketAddr,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

/// The router of the whole workbench on `state`.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Binds `config.bind`, then serves until Ctrl-C; `ready` is told the address actually bound
/// (port 0 picks a free one) before the first request is answered.
///
/// # Errors
/// When the workspace cannot be opened or the address cannot be bound.
pub async fn serve(config: Config, ready: impl FnOnce(SocketAddr)) -> Result<(), ServerError> {
    let state = AppState::open(&config.workspace, config.secure_cookies)?;
    state.refresh_in_background();
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServerError::Bind {
            address: config.bind.to_string(),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| ServerError::Bind {
        address: config.bind.to_string(),
        source,
    })?;
    ready(local);
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|source| ServerError::Bind {
        address: local.to_string(),
        source,
    })
}
