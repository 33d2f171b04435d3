//! Login, logout and the language switch.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kundenwert_store::Accounts;
use kundenwert_text as t;

use crate::auth::{self, Identity, Via, ABSOLUTE_SECS, SESSION_COOKIE};
use crate::error::AppError;
use crate::i18n::{self, LANG_COOKIE};
use crate::page::{html, PageCtx};
use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![
        GET "/login" Public => login_form,
        POST "/login" Public => login,
        POST "/logout" Public => logout,
        GET "/lang/{code}" Public => switch_language,
    ]
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageCtx,
    next: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
    out: Option<String>,
}

async fn login_form(ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    let notice = q
        .out
        .is_some()
        .then(|| t::web_logged_out(ctx.lang).to_owned());
    html(&LoginPage {
        next: local(q.next.as_deref()).to_owned(),
        username: String::new(),
        error: None,
        notice,
        ctx,
    })
}

#[derive(Debug, serde::Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// The client's address, when the server knows it (not in in-process tests).
#[derive(Debug)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let name_key = format!("user:{}", form.username.trim().to_lowercase());
    let addr_key = addr.map(|a| format!("addr:{a}"));
    let now = Instant::now();
    let next = local(form.next.as_deref()).to_owned();
    let blocked = {
        let throttle = state.throttle();
        throttle.blocked(&name_key, now)
            || addr_key.as_ref().is_some_and(|k| throttle.blocked(k, now))
    };
    let refuse =
        |ctx: PageCtx, status: StatusCode, error: String, username: String, next: String| {
            let mut response = html(&LoginPage {
                ctx,
                next,
                username,
                error: Some(error),
                notice: None,
            });
            *response.status_mut() = status;
            response
        };
    if blocked {
        let text = t::web_login_throttled(ctx.lang).to_owned();
        return Ok(refuse(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            text,
            form.username,
            next,
        ));
    }
    let (name, password) = (form.username.clone(), form.password.clone());
    let user = state
        .read(move |bench| Ok(auth::check_login(bench.store(), &name, &password)?))
        .await?;
    let Some(user) = user else {
        let mut throttle = state.throttle();
        throttle.failed(&name_key, now);
        if let Some(k) = &addr_key {
            throttle.failed(k, now);
        }
        drop(throttle);
        let text = t::web_login_failed(ctx.lang).to_owned();
        return Ok(refuse(
            ctx,
            StatusCode::UNAUTHORIZED,
            text,
            form.username,
            next,
        ));
    };
    state.throttle().succeeded(&name_key);
    let (token, hash) = auth::new_session_token().map_err(AppError::internal)?;
    let (id, who) = (user.id, user.name.clone());
    state
        .write(move |bench| {
            let store = bench.store_mut();
            store.create_session(&hash, id, auth::now())?;
            store.audit(&who, "login", "", "")?;
            Ok(())
        })
        .await?;
    let mut cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={ABSOLUTE_SECS}"
    );
    if state.secure_cookies() {
        cookie.push_str("; Secure");
    }
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    identity: Option<axum::Extension<Identity>>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if let Some(cookie) = i18n::cookie(&headers, SESSION_COOKIE) {
        let hash = auth::token_hash(&cookie);
        let who = identity
            .filter(|i| i.via == Via::Session)
            .map(|i| i.user.name.clone());
        state
            .write(move |bench| {
                let store = bench.store_mut();
                store.delete_session(&hash)?;
                if let Some(who) = who {
                    store.audit(&who, "logout", "", "")?;
                }
                Ok(())
            })
            .await?;
    }
    let mut response = Redirect::to("/login?out=1").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kw_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"),
    );
    Ok(response)
}

#[derive(Debug, serde::Deserialize)]
struct Back {
    back: Option<String>,
}

async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<Back>,
) -> Result<Response, AppError> {
    if code != "de" && code != "en" {
        return Err(AppError::NotFound);
    }
    let mut response = Redirect::to(local(q.back.as_deref())).into_response();
    let cookie = format!("{LANG_COOKIE}={code}; SameSite=Lax; Path=/; Max-Age=31536000");
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    Ok(response)
}

/// `next` when it is a path on this server (never another site: no open redirect), else `/`.
/// A `lang=` in it is dropped, so the switch is not undone by the way back.
pub fn local(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed() {
        for (given, expected) in [
            (Some("/customers?type=growth"), "/customers?type=growth"),
            (Some("//evil.example/"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("/\\evil.example"), "/"),
            (None, "/"),
        ] {
            assert_eq!(super::local(given), expected);
        }
    }
}
