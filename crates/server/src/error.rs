//! What goes wrong while answering: one enum, turned into a status and — by the
//! [`render_errors`] layer, which knows the reader's language and whether the API was asked —
//! into an error page or a JSON problem.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kundenwert_core::Lang;
use kundenwert_text as t;

use crate::i18n;
use crate::page::{self, PageCtx};

/// One problem of a refused request body: where (a JSON pointer or field name) and why.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Problem {
    /// Where: a path into the document (`/actors/2/tier`) or a form field.
    pub path: String,
    /// Why, in the reader's language.
    pub message: String,
}

/// Why a request gets no regular answer.
#[derive(Debug)]
pub enum AppError {
    /// No such page or record.
    NotFound,
    /// Not logged in (the API; pages redirect to the login instead).
    Unauthorized,
    /// The role may not do this.
    Forbidden,
    /// A writing request from another site riding the session cookie.
    CrossSite,
    /// The request cannot be understood (a message for the reader).
    BadRequest(String),
    /// A document was refused: every problem with its path (status 422).
    Unprocessable(Vec<Problem>),
    /// Too many requests (login throttling).
    TooMany,
    /// Something failed inside (logged; the reader sees a generic page).
    Internal(String),
}

impl AppError {
    /// An internal error from anything displayable; logged to stderr.
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<kundenwert_workbench::WorkbenchError> for AppError {
    fn from(e: kundenwert_workbench::WorkbenchError) -> Self {
        AppError::internal(e)
    }
}

impl From<kundenwert_store::StoreError> for AppError {
    fn from(e: kundenwert_store::StoreError) -> Self {
        AppError::internal(e)
    }
}

/// The error, carried to [`render_errors`] in the response's extensions.
#[derive(Debug, Clone)]
struct Carried(std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(message) = &self {
            eprintln!("kundenwert serve: {message}");
        }
        let mut response = self.status().into_response();
        response
            .extensions_mut()
            .insert(Carried(std::sync::Arc::new(self)));
        response
    }
}

/// Layer: an [`AppError`] becomes an error page in the reader's language, or a JSON problem
/// under `/api/`.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let lang = i18n::lang_of(&request);
    let api = request.uri().path().starts_with("/api/");
    let path = request.uri().path().to_owned();
    let ctx = request.extensions().get::<PageCtx>().cloned();
    let response = next.run(request).await;
    // The reader as `security::identify` (inside this layer) found them.
    let ctx = response.extensions().get::<PageCtx>().cloned().or(ctx);
    let Some(Carried(error)) = response.extensions().get::<Carried>().cloned() else {
        if response.status() == StatusCode::NOT_FOUND
            && response.headers().get(header::CONTENT_TYPE).is_none()
        {
            return render(&AppError::NotFound, lang, api, &path, ctx);
        }
        return response;
    };
    render(&error, lang, api, &path, ctx)
}

fn render(error: &AppError, lang: Lang, api: bool, path: &str, ctx: Option<PageCtx>) -> Response {
    let status = error.status();
    if api {
        let (title, problems) = match error {
            AppError::Unprocessable(problems) => {
                (t::web_error_bad_request(lang).to_owned(), problems.clone())
            }
            _ => (message(error, lang, path).0, Vec::new()),
        };
        let body = serde_json::json!({
            "status": status.as_u16(),
            "title": title,
            "problems": problems,
        });
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"kundenwert\""),
            );
        }
        return response;
    }
    let (title, text) = message(error, lang, path);
    let ctx = ctx.unwrap_or_else(|| PageCtx::anonymous(lang, path));
    let html = page::error_page(&ctx, &title, &text);
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn message(error: &AppError, lang: Lang, path: &str) -> (String, String) {
    match error {
        AppError::NotFound => (
            t::web_error_not_found(lang).to_owned(),
            t::web_error_not_found_text(lang, path),
        ),
        AppError::Unauthorized => (
            t::web_login_title(lang).to_owned(),
            t::web_login_title(lang).to_owned(),
        ),
        AppError::Forbidden => (
            t::web_error_forbidden(lang).to_owned(),
            t::web_error_forbidden_text(lang).to_owned(),
        ),
        AppError::CrossSite => (
            t::web_error_forbidden(lang).to_owned(),
            t::web_error_cross_site(lang).to_owned(),
        ),
        AppError::BadRequest(text) => (t::web_error_bad_request(lang).to_owned(), text.clone()),
        AppError::Unprocessable(problems) => (
            t::web_error_bad_request(lang).to_owned(),
            problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        AppError::TooMany => (
            t::web_login_title(lang).to_owned(),
            t::web_login_throttled(lang).to_owned(),
        ),
        AppError::Internal(_) => (
            t::web_error_internal(lang).to_owned(),
            t::web_error_internal_text(lang).to_owned(),
        ),
    }
}
