//! `GET /healthz`: answers 200 without login while the workspace can be read.

use axum::extract::State;

use crate::error::AppError;
use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![GET "/healthz" Public => healthz]
}

async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state
        .read(|bench| Ok(bench.store().schema_version()?))
        .await?;
    Ok("ok\n")
}
