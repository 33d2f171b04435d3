//! What every answer carries and every request passes: the security headers (a strict CSP:
//! only our own scripts and styles, no frames, forms only to us), who is asking (session cookie
//! or API token), and the refusal of a writing request another site sent riding the session
//! cookie (Fetch-Metadata, else `Origin`).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kundenwert_store::Accounts;

use crate::auth::{self, Identity, Via, ABSOLUTE_SECS, IDLE_SECS, SESSION_COOKIE};
use crate::error::AppError;
use crate::i18n;
use crate::page::{PageCtx, UserView};
use crate::state::AppState;

/// The content security policy of every answer.
pub const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Layer: the security headers.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The bearer token of a request, when it sends one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Layer: finds who is asking and the language, refuses cross-site writes, and hands the
/// handlers an [`Identity`] (when signed in) and a [`PageCtx`].
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let lang = i18n::lang_of(&request);
    let token = bearer(request.headers()).map(str::to_owned);
    let cookie = i18n::cookie(request.headers(), SESSION_COOKIE);
    let identity = match (token, cookie) {
        (Some(token), _) => {
            let hash = auth::token_hash(&token);
            state
                .read(move |bench| Ok(bench.store_mut().token_user(&hash, auth::now())?))
                .await
                .ok()
                .flatten()
                .map(|user| Identity {
                    user,
                    via: Via::Token,
                })
        }
        (None, Some(cookie)) => {
            let hash = auth::token_hash(&cookie);
            state
                .read(move |bench| {
                    Ok(bench.store_mut().session_user(
                        &hash,
                        auth::now(),
                        IDLE_SECS,
                        ABSOLUTE_SECS,
                    )?)
                })
                .await
                .ok()
                .flatten()
                .map(|user| Identity {
                    user,
                    via: Via::Session,
                })
        }
        (None, None) => None,
    };
    let writing = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let by_token = identity.as_ref().is_some_and(|i| i.via == Via::Token);
    if writing && !by_token && cross_site(request.headers()) {
        return AppError::CrossSite.into_response();
    }
    let path = request.uri().path().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    let ctx = PageCtx {
        lang,
        user: identity.as_ref().map(|i| UserView {
            name: i.user.name.clone(),
            role: i.user.role,
        }),
        path,
        path_and_query,
    };
    request.extensions_mut().insert(ctx.clone());
    if let Some(identity) = identity {
        request.extensions_mut().insert(identity);
    }
    let mut response = next.run(request).await;
    // For the error pages, rendered outside this layer: they show the signed-in navigation.
    response.extensions_mut().insert(ctx);
    response
}

/// Whether a request says it comes from another site: `Sec-Fetch-Site` other than
/// `same-origin` or `none` (typed by the user), or, from browsers without Fetch Metadata, an
/// `Origin` whose host is not the `Host` asked. A request with neither (curl, scripts) is not
/// a browser riding a cookie.
pub fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest.trim_end_matches('/'));
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let cases: [(&[(&str, &str)], bool); 8] = [
            (&[("sec-fetch-site", "same-origin")], false),
            (&[("sec-fetch-site", "none")], false),
            (&[("sec-fetch-site", "cross-site")], true),
            (&[("sec-fetch-site", "same-site")], true),
            (
                &[
                    ("origin", "http://127.0.0.1:8080"),
                    ("host", "127.0.0.1:8080"),
                ],
                false,
            ),
            (
                &[
                    ("origin", "http://evil.example"),
                    ("host", "127.0.0.1:8080"),
                ],
                true,
            ),
            (&[("origin", "null"), ("host", "127.0.0.1:8080")], true),
            (&[], false),
        ];
        for (headers, expected) in cases {
            assert_eq!(cross_site(&h(headers)), expected, "{headers:?}");
        }
    }
}
