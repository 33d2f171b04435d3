//! What every page's layout needs ([`PageCtx`]: language, user, where we are, the assets), the
//! number and date formats templates use, and the error page.

use std::borrow::Borrow;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kundenwert_core::{fmt, Lang};
use kundenwert_store::Role;
use kundenwert_text as t;

use crate::assets;
use crate::error::AppError;
use crate::i18n;

/// The signed-in user as the layout shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// What the layout of every page needs.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// The reader's language.
    pub lang: Lang,
    /// Who is signed in.
    pub user: Option<UserView>,
    /// The request's path.
    pub path: String,
    /// The request's path and query (for the language switch's way back).
    pub path_and_query: String,
}

impl PageCtx {
    /// A context without a user (the login page, errors before identification).
    pub fn anonymous(lang: Lang, path: &str) -> PageCtx {
        PageCtx {
            lang,
            user: None,
            path: path.to_owned(),
            path_and_query: path.to_owned(),
        }
    }

    /// The reader's language (a method, so that templates pass it by value).
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// `de` or `en`.
    pub fn code(&self) -> &'static str {
        i18n::code(self.lang)
    }

    /// The other language's code, for the switch.
    pub fn other_code(&self) -> &'static str {
        i18n::code(i18n::other(self.lang))
    }

    /// The link switching the language and coming back here.
    pub fn switch_href(&self) -> String {
        format!(
            "/lang/{}?back={}",
            self.other_code(),
            urlencode(&self.path_and_query)
        )
    }

    /// URL of the stylesheet.
    pub fn css(&self) -> &'static str {
        assets::css_url()
    }

    /// URL of the script.
    pub fn js(&self) -> &'static str {
        assets::js_url()
    }

    /// Whether the user may change things.
    pub fn can_edit(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role >= Role::Editor)
    }

    /// Whether the user administers.
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role >= Role::Admin)
    }

    /// `aria-current` for a navigation link to `prefix`.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        };
        if here {
            "page"
        } else {
            "false"
        }
    }

    /// "Signed in as …".
    pub fn signed_in(&self) -> String {
        self.user
            .as_ref()
            .map(|u| t::web_signed_in_as(self.lang, &u.name, role_label(u.role, self.lang)))
            .unwrap_or_default()
    }

    /// An amount without decimals, in the reader's format.
    pub fn money(&self, value: impl Borrow<f64>) -> String {
        fmt::whole_amount(*value.borrow(), self.lang)
    }

    /// An optional amount; `–` without one.
    pub fn money_opt(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "–".to_owned(), |v| self.money(v))
    }

    /// A count with thousands separators.
    pub fn count(&self, value: impl Borrow<u64>) -> String {
        fmt::count(*value.borrow(), self.lang)
    }

    /// A share 0..1 as a percentage.
    pub fn pct(&self, share: impl Borrow<f64>) -> String {
        fmt::percent(*share.borrow(), self.lang)
    }

    /// An optional share; `–` without one.
    pub fn pct_opt(&self, share: &Option<f64>) -> String {
        share.map_or_else(|| "–".to_owned(), |v| self.pct(v))
    }

    /// A number with `decimals` places.
    pub fn num(&self, value: impl Borrow<f64>, decimals: usize) -> String {
        fmt::amount(*value.borrow(), decimals, self.lang)
    }

    /// A date in the reader's format.
    pub fn date(&self, date: &NaiveDate) -> String {
        fmt::date(*date, self.lang)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<PageCtx>()
            .cloned()
            .ok_or_else(|| AppError::internal("the page context was not set"))
    }
}

/// The reader's name of a role.
pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Admin => t::web_role_admin(lang),
        Role::Editor => t::web_role_editor(lang),
        Role::Viewer => t::web_role_viewer(lang),
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Renders a template as an HTML response.
pub fn html(template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    title: &'a str,
    text: &'a str,
}

/// The error page's HTML.
pub fn error_page(ctx: &PageCtx, title: &str, text: &str) -> String {
    ErrorPage { ctx, title, text }
        .render()
        .unwrap_or_else(|_| title.to_owned())
}
