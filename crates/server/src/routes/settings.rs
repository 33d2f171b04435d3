//! Settings: the analysis settings (everyone reads them as `kundenwert settings show` lists
//! them, with what differs from the default marked; an administrator changes them one by one,
//! a refused value comes back with its message), changing one's own password, and for
//! administrators the users, the API tokens and the audit log. Every change is audited in the
//! same write; a settings change starts the analysis' refresh in the background.
//!
//! A password change ends every session of the user (a stolen session must not outlive the
//! password) and signs the browser that changed it in again with a fresh session.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use kundenwert_core::Lang;
use kundenwert_store::{Accounts, ApiTokenInfo, AuditEntry, Role, StoreError, User};
use kundenwert_text as t;
use kundenwert_workbench::{Settings, WorkbenchError};

use crate::auth::{
    self, AuthError, Identity, Via, ABSOLUTE_SECS, MIN_PASSWORD_CHARS, SESSION_COOKIE,
};
use crate::error::AppError;
use crate::page::{html, role_label, PageCtx};
use crate::state::AppState;

/// Audit entries per page.
const AUDIT_PAGE: u32 = 50;

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![
        GET "/settings" Viewer => show,
        POST "/settings" Admin => set,
        POST "/settings/password" Viewer => change_password,
        GET "/settings/users" Admin => users,
        POST "/settings/users" Admin => add_user,
        POST "/settings/users/role" Admin => set_role,
        POST "/settings/users/delete" Admin => remove_user,
        GET "/settings/tokens" Admin => tokens,
        POST "/settings/tokens" Admin => create_token,
        POST "/settings/tokens/revoke" Admin => revoke_token,
        GET "/settings/audit" Admin => audit,
    ]
}

/// One setting as listed.
#[derive(Debug)]
struct Line {
    key: String,
    value: String,
    default: String,
    differs: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    lines: Vec<Line>,
    flash: Option<String>,
    password_error: Option<String>,
    min: usize,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct Flash {
    saved: Option<String>,
    password: Option<String>,
}

fn shown_value(value: String, lang: Lang) -> String {
    if value.is_empty() {
        t::web_settings_not_set(lang).to_owned()
    } else {
        value
    }
}

fn lines(settings: &Settings, lang: Lang) -> Vec<Line> {
    let defaults = Settings::default().lines();
    settings
        .lines()
        .into_iter()
        .map(|(key, value, differs)| {
            let default = defaults
                .iter()
                .find(|(k, _, _)| *k == key)
                .map(|(_, v, _)| shown_value(v.clone(), lang))
                .unwrap_or_default();
            Line {
                key,
                value,
                default,
                differs,
                error: None,
            }
        })
        .collect()
}

async fn render(
    state: &AppState,
    ctx: PageCtx,
    flash: Option<String>,
    password_error: Option<String>,
    refused: Option<(String, String, String)>,
) -> Result<Response, AppError> {
    let settings = state.read(|bench| Ok(bench.settings()?)).await?;
    let mut lines = lines(&settings, ctx.lang);
    let mut status = StatusCode::OK;
    if let Some((key, value, message)) = refused {
        status = StatusCode::UNPROCESSABLE_ENTITY;
        if let Some(line) = lines.iter_mut().find(|l| l.key == key) {
            line.value = value;
            line.error = Some(message);
        }
    }
    if password_error.is_some() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let mut response = html(&SettingsPage {
        ctx,
        lines,
        flash,
        password_error,
        min: MIN_PASSWORD_CHARS,
    });
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    Ok(response)
}

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<Flash>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let flash = if let Some(key) = q.saved {
        let settings = state.read(|bench| Ok(bench.settings()?)).await?;
        settings
            .lines()
            .into_iter()
            .find(|(k, _, _)| *k == key)
            .map(|(k, v, _)| t::web_settings_saved(lang, &k, shown_value(v, lang)))
    } else {
        q.password
            .map(|_| t::web_settings_password_changed(lang).to_owned())
    };
    render(&state, ctx, flash, None, None).await
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct SetForm {
    key: String,
    value: String,
}

async fn set(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<SetForm>,
) -> Result<Response, AppError> {
    let who = identity.user.name.clone();
    let (key, value) = (form.key.trim().to_owned(), form.value.trim().to_owned());
    let (k, v) = (key.clone(), value.clone());
    let outcome = state
        .write(move |bench| match bench.set_setting(&k, &v) {
            Ok(_) => {
                bench.store_mut().audit(&who, "settings.set", &k, &v)?;
                Ok(Ok(()))
            }
            Err(WorkbenchError::Settings(e)) => Ok(Err(e)),
            Err(e) => Err(e.into()),
        })
        .await?;
    match outcome {
        Ok(()) => {
            state.refresh_in_background();
            Ok(
                Redirect::to(&format!("/settings?saved={}", crate::page::urlencode(&key)))
                    .into_response(),
            )
        }
        Err(e) => {
            let (message, hint) = e.localized(ctx.lang);
            let message = match hint {
                Some(hint) => format!("{message}\nhint: {hint}"),
                None => message,
            };
            render(&state, ctx, None, None, Some((key, value, message))).await
        }
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new: String,
}

async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let name = identity.user.name.clone();
    let current = form.current.clone();
    let checked = state
        .read(move |bench| Ok(auth::check_login(bench.store(), &name, &current)?))
        .await?;
    if checked.is_none() {
        let text = t::web_settings_password_wrong(lang).to_owned();
        return render(&state, ctx, None, Some(text), None).await;
    }
    if form.new.chars().count() < MIN_PASSWORD_CHARS {
        let text = t::web_password_too_short(lang, MIN_PASSWORD_CHARS);
        return render(&state, ctx, None, Some(text), None).await;
    }
    let new = form.new;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let (session, session_hash) = auth::new_session_token().map_err(AppError::internal)?;
    let (who, id) = (identity.user.name.clone(), identity.user.id);
    state
        .write(move |bench| {
            let store = bench.store_mut();
            store.set_password(&who, &hash)?;
            // Every session of the user ends; this browser gets a fresh one.
            store.delete_user_sessions(id)?;
            store.create_session(&session_hash, id, auth::now())?;
            store.audit(&who, "password.change", &who, "")?;
            Ok(())
        })
        .await?;
    let mut response = Redirect::to("/settings?password=changed").into_response();
    if identity.via == Via::Session {
        let mut cookie = format!(
            "{SESSION_COOKIE}={session}; HttpOnly; SameSite=Lax; Path=/; Max-Age={ABSOLUTE_SECS}"
        );
        if state.secure_cookies() {
            cookie.push_str("; Secure");
        }
        response.headers_mut().insert(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
        );
    }
    Ok(response)
}

/// A role for a select.
#[derive(Debug)]
struct RoleChoice {
    id: &'static str,
    label: &'static str,
}

fn role_choices(lang: Lang) -> Vec<RoleChoice> {
    [Role::Viewer, Role::Editor, Role::Admin]
        .into_iter()
        .map(|r| RoleChoice {
            id: r.as_str(),
            label: role_label(r, lang),
        })
        .collect()
}

/// A user as listed.
#[derive(Debug)]
struct UserRow {
    name: String,
    role: &'static str,
    role_label: &'static str,
    created: String,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "settings_users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<UserRow>,
    roles: Vec<RoleChoice>,
    flash: Option<String>,
    error: Option<String>,
    name: String,
    role: String,
    min: usize,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct UsersFlash {
    done: Option<String>,
}

fn time(at: &str) -> String {
    at.replace('T', " ").trim_end_matches('Z').to_owned()
}

async fn render_users(
    state: &AppState,
    ctx: PageCtx,
    me: &str,
    flash: Option<String>,
    error: Option<String>,
    typed: (String, String),
) -> Result<Response, AppError> {
    let list: Vec<User> = state.read(|bench| Ok(bench.store().users()?)).await?;
    let lang = ctx.lang;
    let users = list
        .into_iter()
        .map(|u| UserRow {
            is_me: u.name.to_lowercase() == me.to_lowercase(),
            role: u.role.as_str(),
            role_label: role_label(u.role, lang),
            created: time(&u.created_at),
            name: u.name,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = html(&UsersPage {
        roles: role_choices(lang),
        users,
        flash,
        error,
        name: typed.0,
        role: typed.1,
        min: MIN_PASSWORD_CHARS,
        ctx,
    });
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    Ok(response)
}

async fn users(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Query(q): Query<UsersFlash>,
) -> Result<Response, AppError> {
    render_users(
        &state,
        ctx,
        &identity.user.name,
        q.done,
        None,
        (String::new(), "viewer".into()),
    )
    .await
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct UserForm {
    name: String,
    role: String,
    password: String,
}

fn message_of(e: &AuthError, lang: Lang) -> String {
    match e {
        AuthError::Store(e @ (StoreError::UserExists { .. } | StoreError::TokenExists { .. })) => {
            let (message, hint) = e.localized(lang);
            match hint {
                Some(hint) => format!("{message}\nhint: {hint}"),
                None => message,
            }
        }
        other => other.to_string(),
    }
}

/// A refusal that is the user's to correct, or a failure inside.
enum Refused {
    Message(String),
    Inside(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Refused::Inside(e)
    }
}

async fn add_user(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<UserForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let me = identity.user.name.clone();
    let typed = (form.name.clone(), form.role.clone());
    let Some(role) = Role::parse(&form.role) else {
        let text = t::web_settings_role_unknown(lang, &form.role);
        return render_users(&state, ctx, &me, None, Some(text), typed).await;
    };
    let (name, password, who) = (form.name.trim().to_owned(), form.password, me.clone());
    let outcome = state
        .write(move |bench| {
            let store = bench.store_mut();
            match auth::add_user(store, &name, role, &password, lang) {
                Ok(user) => {
                    store.audit(&who, "user.add", &user.name, role.as_str())?;
                    Ok(Ok(user))
                }
                Err(AuthError::Store(e)) if !matches!(e, StoreError::UserExists { .. }) => {
                    Err(e.into())
                }
                Err(e) => Ok(Err(message_of(&e, lang))),
            }
        })
        .await?;
    match outcome {
        Ok(user) => {
            let done = t::web_user_added(lang, &user.name, role_label(role, lang));
            Ok(Redirect::to(&format!(
                "/settings/users?done={}",
                crate::page::urlencode(&done)
            ))
            .into_response())
        }
        Err(text) => render_users(&state, ctx, &me, None, Some(text), typed).await,
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct NameForm {
    name: String,
    role: String,
}

/// Role changes and removals of others (an administrator cannot lock themselves out).
async fn change_user(
    state: &AppState,
    ctx: &PageCtx,
    identity: &Identity,
    form: NameForm,
    remove: bool,
) -> Result<Result<String, String>, AppError> {
    let lang = ctx.lang;
    if form.name.trim().to_lowercase() == identity.user.name.to_lowercase() {
        return Ok(Err(t::web_settings_user_not_yourself(lang).to_owned()));
    }
    let role = if remove {
        None
    } else {
        match Role::parse(&form.role) {
            Some(role) => Some(role),
            None => return Ok(Err(t::web_settings_role_unknown(lang, &form.role))),
        }
    };
    let who = identity.user.name.clone();
    let name = form.name.trim().to_owned();
    state
        .write(move |bench| {
            let store = bench.store_mut();
            let found = match role {
                Some(role) => store.set_role(&name, role)?,
                None => store.delete_user(&name)?,
            };
            if !found {
                return Ok(Err(t::web_no_such_user(lang, &name)));
            }
            Ok(Ok(match role {
                Some(role) => {
                    store.audit(&who, "user.role", &name, role.as_str())?;
                    t::web_user_role_set(lang, &name, role_label(role, lang))
                }
                None => {
                    store.audit(&who, "user.remove", &name, "")?;
                    t::web_user_removed(lang, &name)
                }
            }))
        })
        .await
}

async fn set_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    users_answer(&state, ctx, &identity, form, false).await
}

async fn remove_user(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    users_answer(&state, ctx, &identity, form, true).await
}

async fn users_answer(
    state: &AppState,
    ctx: PageCtx,
    identity: &Identity,
    form: NameForm,
    remove: bool,
) -> Result<Response, AppError> {
    match change_user(state, &ctx, identity, form, remove).await? {
        Ok(done) => Ok(Redirect::to(&format!(
            "/settings/users?done={}",
            crate::page::urlencode(&done)
        ))
        .into_response()),
        Err(text) => {
            render_users(
                state,
                ctx,
                &identity.user.name,
                None,
                Some(text),
                (String::new(), "viewer".into()),
            )
            .await
        }
    }
}

/// A token as listed.
#[derive(Debug)]
struct TokenRow {
    id: i64,
    name: String,
    user: String,
    prefix: String,
    created: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "settings_tokens.html")]
struct TokensPage {
    ctx: PageCtx,
    tokens: Vec<TokenRow>,
    users: Vec<String>,
    created: Option<(String, String)>,
    flash: Option<String>,
    error: Option<String>,
    name: String,
    user: String,
}

async fn render_tokens(
    state: &AppState,
    ctx: PageCtx,
    created: Option<(String, String)>,
    flash: Option<String>,
    error: Option<String>,
    typed: (String, String),
) -> Result<Response, AppError> {
    let (list, users): (Vec<ApiTokenInfo>, Vec<User>) = state
        .read(|bench| Ok((bench.store().tokens()?, bench.store().users()?)))
        .await?;
    let never = t::web_settings_never(ctx.lang).to_owned();
    let tokens = list
        .into_iter()
        .map(|tk| TokenRow {
            id: tk.id,
            name: tk.name,
            user: tk.user,
            prefix: tk.prefix,
            created: time(&tk.created_at),
            last_used: tk.last_used.as_deref().map_or_else(|| never.clone(), time),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = html(&TokensPage {
        ctx,
        tokens,
        users: users.into_iter().map(|u| u.name).collect(),
        created,
        flash,
        error,
        name: typed.0,
        user: typed.1,
    });
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    // A page showing a secret is not kept anywhere.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn tokens(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Query(q): Query<UsersFlash>,
) -> Result<Response, AppError> {
    render_tokens(
        &state,
        ctx,
        None,
        q.done,
        None,
        (String::new(), identity.user.name.clone()),
    )
    .await
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    name: String,
    user: String,
}

async fn create_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let typed = (form.name.clone(), form.user.clone());
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        let text = t::web_settings_token_name_missing(lang).to_owned();
        return render_tokens(&state, ctx, None, None, Some(text), typed).await;
    }
    let user = if form.user.trim().is_empty() {
        identity.user.name.clone()
    } else {
        form.user.trim().to_owned()
    };
    let who = identity.user.name.clone();
    let outcome: Result<(ApiTokenInfo, String), Refused> = async {
        let r = state
            .write(move |bench| {
                let store = bench.store_mut();
                match auth::create_token(store, &user, &name, lang) {
                    Ok((info, token)) => {
                        store.audit(
                            &who,
                            "token.create",
                            &format!("{}/{}", info.user, info.name),
                            &info.prefix,
                        )?;
                        Ok(Ok((info, token)))
                    }
                    Err(AuthError::Store(e)) if !matches!(e, StoreError::TokenExists { .. }) => {
                        Err(e.into())
                    }
                    Err(e) => Ok(Err(message_of(&e, lang))),
                }
            })
            .await?;
        r.map_err(Refused::Message)
    }
    .await;
    match outcome {
        Ok((info, token)) => {
            let text = t::web_settings_token_created(lang, &info.name, &info.user);
            render_tokens(
                &state,
                ctx,
                Some((text, token)),
                None,
                None,
                (String::new(), identity.user.name.clone()),
            )
            .await
        }
        Err(Refused::Message(text)) => {
            render_tokens(&state, ctx, None, None, Some(text), typed).await
        }
        Err(Refused::Inside(e)) => Err(e),
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct RevokeForm {
    id: String,
}

async fn revoke_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let Ok(id) = form.id.trim().parse::<i64>() else {
        let text = t::web_token_no_such(lang, &form.id);
        return render_tokens(
            &state,
            ctx,
            None,
            None,
            Some(text),
            (String::new(), identity.user.name.clone()),
        )
        .await;
    };
    let who = identity.user.name.clone();
    let found = state
        .write(move |bench| {
            let store = bench.store_mut();
            let found = store.revoke_token(id)?;
            if found {
                store.audit(&who, "token.revoke", &id.to_string(), "")?;
            }
            Ok(found)
        })
        .await?;
    if found {
        let done = t::web_token_revoked(lang, id);
        Ok(Redirect::to(&format!(
            "/settings/tokens?done={}",
            crate::page::urlencode(&done)
        ))
        .into_response())
    } else {
        let text = t::web_token_no_such(lang, id);
        render_tokens(
            &state,
            ctx,
            None,
            None,
            Some(text),
            (String::new(), identity.user.name.clone()),
        )
        .await
    }
}

#[derive(Template)]
#[template(path = "settings_audit.html")]
struct AuditPage {
    ctx: PageCtx,
    entries: Vec<AuditEntry>,
    older: Option<String>,
    newest: bool,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct AuditQuery {
    before: Option<String>,
}

async fn audit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let before = q
        .before
        .as_deref()
        .and_then(|b| b.trim().parse::<i64>().ok());
    let mut entries = state
        .read(move |bench| Ok(bench.store().audit_log(AUDIT_PAGE + 1, before)?))
        .await?;
    let more = entries.len() > AUDIT_PAGE as usize;
    entries.truncate(AUDIT_PAGE as usize);
    for e in &mut entries {
        e.at = time(&e.at);
    }
    let older = more
        .then(|| {
            entries
                .last()
                .map(|e| format!("/settings/audit?before={}", e.id))
        })
        .flatten();
    Ok(html(&AuditPage {
        ctx,
        entries,
        older,
        newest: before.is_some(),
    }))
}
