//! The vendored stylesheet and script, compiled into the binary and served under URLs that
//! carry a hash of their content, so browsers may keep them forever (`immutable`) and a new
//! version is a new URL. Nothing is loaded from elsewhere: the workbench works offline.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::AppError;

const CSS: &[u8] = include_bytes!("../assets/app.css");
const JS: &[u8] = include_bytes!("../assets/app.js");

struct Asset {
    url: String,
    body: &'static [u8],
    mime: &'static str,
}

fn assets() -> &'static [Asset; 2] {
    static ASSETS: OnceLock<[Asset; 2]> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let url = |stem: &str, ext: &str, body: &[u8]| {
            let hash = Sha256::digest(body);
            let short: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
            format!("/assets/{stem}.{short}.{ext}")
        };
        [
            Asset {
                url: url("app", "css", CSS),
                body: CSS,
                mime: "text/css; charset=utf-8",
            },
            Asset {
                url: url("app", "js", JS),
                body: JS,
                mime: "text/javascript; charset=utf-8",
            },
        ]
    })
}

/// URL of the stylesheet.
pub fn css_url() -> &'static str {
    &assets()[0].url
}

/// URL of the script.
pub fn js_url() -> &'static str {
    &assets()[1].url
}

/// `GET /assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let wanted = format!("/assets/{file}");
    let asset = assets()
        .iter()
        .find(|a| a.url == wanted)
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.mime)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.body,
    )
        .into_response())
}
