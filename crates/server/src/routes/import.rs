//! The import: the imports stored so far and an upload form; the preview of an upload (the
//! detected formats and column roles, the first rows as read, every rejected row with line,
//! column and reason, the counts) with a form correcting each detection as the CLI's
//! `--encoding`, `--delimiter`, `--decimal`, `--date-format` and `--column` do; confirm (stored
//! as `kundenwert import` stores, all or nothing, deduplicated; then the analysis refreshes in
//! the background) and the status page; and `POST /api/v1/imports`.
//!
//! Reading and storing are `kundenwert_workbench::import` — the same calls as the CLI's. An
//! upload waits in [`crate::staging`] until it is stored or discarded (at most an hour). The
//! store runs within the confirming request; the status page then follows the analysis'
//! refresh, reloading itself every two seconds (no JavaScript) until it is done.

use std::path::{Path, PathBuf};

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{FromRequest, Multipart, Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use kundenwert_core::Role as ColumnRole;
use kundenwert_ingest::ImportError;
use kundenwert_store::{Accounts, ImportRecord, StoredTransaction, Workspace};
use kundenwert_text as t;
use kundenwert_workbench::import::{self as wb_import, FileToStore, Preview, StoredFile};
use kundenwert_workbench::StoreImportError;
use serde_json::{json, Value};

use crate::auth::Identity;
use crate::error::AppError;
use crate::page::{html, PageCtx};
use crate::staging::{self, Corrections, Outcome, Staged};
use crate::state::{AppState, RefreshState};

/// Rows of the preview's first-rows table.
const FIRST_ROWS: usize = 20;
/// Rejected rows per page of the preview.
const REJECTED_PAGE: usize = 100;
/// Bytes of an upload collected before they are written.
const WRITE_BLOCK: usize = 4 << 20;

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![
        GET "/import" Editor => index,
        POST "/import" Editor => upload,
        GET "/import/{id}" Editor => show_preview,
        POST "/import/{id}" Editor => correct,
        POST "/import/{id}/confirm" Editor => confirm,
        POST "/import/{id}/cancel" Editor => cancel,
        GET "/import/{id}/status" Editor => status,
        POST "/api/v1/imports" Editor => api_import,
    ]
}

/// A stored import as the list shows it.
#[derive(Debug)]
struct ImportRow {
    file: String,
    read: String,
    rejected: String,
    inserted: String,
    duplicates: String,
    when: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct IndexPage {
    ctx: PageCtx,
    imports: Vec<ImportRow>,
    error: Option<String>,
}

fn staging_root(state: &AppState) -> PathBuf {
    staging::root(state.path())
}

async fn render_index(
    state: &AppState,
    ctx: PageCtx,
    error: Option<String>,
) -> Result<Response, AppError> {
    let list: Vec<ImportRecord> = state.read(|bench| Ok(bench.store().imports()?)).await?;
    let imports = list
        .iter()
        .rev()
        .map(|i| ImportRow {
            file: i.path.clone(),
            read: ctx.count(i.rows_read),
            rejected: ctx.count(i.rows_rejected),
            inserted: ctx.count(i.inserted),
            duplicates: ctx.count(i.duplicates_skipped),
            when: i
                .imported_at
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_owned(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = html(&IndexPage {
        ctx,
        imports,
        error,
    });
    *response.status_mut() = status;
    Ok(response)
}

async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let root = staging_root(&state);
    blocking(move || staging::sweep(&root)).await?;
    render_index(&state, ctx, None).await
}

/// Runs `f` on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)
}

/// An error's message and hint with the staged file's path replaced by the uploaded name (the
/// server's directories are nobody's business).
fn shown(message: (String, Option<String>), staged: &Path, name: &str) -> (String, Option<String>) {
    let path = staged.display().to_string();
    let fix = |s: String| s.replace(&path, name);
    (fix(message.0), message.1.map(fix))
}

fn joined((message, hint): (String, Option<String>)) -> String {
    match hint {
        Some(hint) => format!("{message}\nhint: {hint}"),
        None => message,
    }
}

/// Receives the multipart field `file` (the first field with a file name) into a new upload.
async fn receive(
    root: PathBuf,
    mut multipart: Multipart,
    ctx: &PageCtx,
) -> Result<Option<Staged>, AppError> {
    let failed = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(t::web_import_upload_failed(ctx.lang, e.body_text()))
    };
    while let Some(mut field) = multipart.next_field().await.map_err(failed)? {
        let Some(name) = field.file_name().map(str::to_owned) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let r = root.clone();
        let staged = blocking(move || staging::create(&r, &name))
            .await?
            .map_err(AppError::internal)?;
        // Written in blocks of a few MB on the blocking pool (no file IO on the runtime).
        let path = staged.file();
        let mut file = blocking(move || std::fs::File::create(path))
            .await?
            .map_err(AppError::internal)?;
        let mut size = 0u64;
        let mut buffer: Vec<u8> = Vec::new();
        loop {
            let chunk = match field.chunk().await {
                Ok(chunk) => chunk,
                Err(e) => {
                    staging::remove(&staged);
                    return Err(failed(e));
                }
            };
            let done = chunk.is_none();
            if let Some(chunk) = chunk {
                size += chunk.len() as u64;
                buffer.extend_from_slice(&chunk);
            }
            if done || buffer.len() >= WRITE_BLOCK {
                let block = std::mem::take(&mut buffer);
                file = blocking(move || {
                    std::io::Write::write_all(&mut file, &block)?;
                    Ok::<_, std::io::Error>(file)
                })
                .await?
                .map_err(AppError::internal)?;
            }
            if done {
                break;
            }
        }
        drop(file);
        if size == 0 {
            staging::remove(&staged);
            return Ok(None);
        }
        return Ok(Some(staged));
    }
    Ok(None)
}

async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let root = staging_root(&state);
    let r = root.clone();
    blocking(move || staging::sweep(&r)).await?;
    let multipart = multipart
        .map_err(|e| AppError::BadRequest(t::web_import_upload_failed(ctx.lang, e.body_text())))?;
    let Some(staged) = receive(root, multipart, &ctx).await? else {
        let text = t::web_import_no_file(ctx.lang).to_owned();
        return render_index(&state, ctx, Some(text)).await;
    };
    // A PDF, an image, an archive that is no workbook: named as such before anything else.
    let s = staged.clone();
    let kind = blocking(move || kundenwert_ingest::check_kind(&s.file())).await?;
    if let Err(e) = kind {
        staging::remove(&staged);
        let text = joined(shown(
            e.localized(ctx.lang),
            &staged.file(),
            &staged.meta.name,
        ));
        return render_index(&state, ctx, Some(text)).await;
    }
    Ok(Redirect::to(&format!("/import/{}", staging::id_of(&staged))).into_response())
}

/// An option of a select.
#[derive(Debug)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices(options: &[(&str, String)], current: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).to_owned(),
            label: label.clone(),
            selected: *value == current,
        })
        .collect()
}

/// A message and its hint.
type Message = (String, Option<String>);

/// Builds the column form's rows from the headers and each header's detected role.
type ColumnRows<'a> = dyn Fn(&[String], &dyn Fn(&str) -> String) -> Vec<ColumnRow> + 'a;

/// A column of the header with its role.
#[derive(Debug)]
struct ColumnRow {
    index: usize,
    header: String,
    detected: String,
    roles: Vec<Choice>,
}

/// A rejected row.
#[derive(Debug)]
struct RejectedRow {
    line: u64,
    column: String,
    reason: String,
    raw: String,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    ctx: PageCtx,
    id: String,
    name: String,
    detected: Vec<(String, String)>,
    encodings: Vec<Choice>,
    delimiters: Vec<Choice>,
    decimals: Vec<Choice>,
    date_format: String,
    date_formats: Vec<&'static str>,
    columns: Vec<ColumnRow>,
    counts: Option<String>,
    first_rows_title: String,
    rows: Vec<Vec<(String, bool)>>,
    row_headings: Vec<&'static str>,
    rejected: Vec<RejectedRow>,
    rejected_total: String,
    page_label: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
    can_confirm: bool,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    page: Option<usize>,
}

fn load(state: &AppState, id: &str) -> Result<Staged, AppError> {
    staging::load(&staging_root(state), id).ok_or(AppError::NotFound)
}

async fn show_preview(
    State(state): State<AppState>,
    ctx: PageCtx,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let staged = load(&state, &id)?;
    if !staged.has_file() {
        return Ok(Redirect::to(&format!("/import/{id}/status")).into_response());
    }
    render_preview(ctx, staged, q.page.unwrap_or(1)).await
}

async fn correct(
    State(state): State<AppState>,
    ctx: PageCtx,
    UrlPath(id): UrlPath<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut staged = load(&state, &id)?;
    if !staged.has_file() {
        return Err(AppError::NotFound);
    }
    staged.meta.corrections = Corrections::from_form(&fields);
    let s = staged.clone();
    blocking(move || s.save())
        .await?
        .map_err(AppError::internal)?;
    render_preview(ctx, staged, 1).await
}

async fn render_preview(ctx: PageCtx, staged: Staged, page: usize) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let c = staged.meta.corrections.clone();
    let file = staged.file();
    let name = staged.meta.name.clone();
    // A failed reading keeps the headers it found, for the column form.
    let read: Result<Preview, (Message, Vec<String>)> = match c.spec().options() {
        Err(e) => Err((e.localized(lang), Vec::new())),
        Ok(options) => {
            let f = file.clone();
            blocking(move || wb_import::preview(&f, &options, FIRST_ROWS))
                .await?
                .map_err(|e| {
                    let headers = match &e {
                        ImportError::MissingColumns { found, .. }
                        | ImportError::UnknownHeader { found, .. }
                        | ImportError::ConflictingColumns { found, .. } => found.clone(),
                        _ => Vec::new(),
                    };
                    (shown(e.localized(lang), &file, &name), headers)
                })
        }
    };
    let role_options: Vec<(&str, String)> =
        std::iter::once(("", t::web_import_auto(lang).to_owned()))
            .chain(
                ColumnRole::ALL
                    .iter()
                    .map(|r| (r.as_str(), r.as_str().to_owned())),
            )
            .collect();
    let auto = t::web_import_auto(lang).to_owned();
    let mut page_out = PreviewPage {
        id: staging::id_of(&staged),
        name: name.clone(),
        detected: Vec::new(),
        encodings: choices(
            &[
                ("", auto.clone()),
                ("utf-8", "UTF-8".into()),
                ("windows-1252", "Windows-1252".into()),
                ("iso-8859-15", "ISO-8859-15".into()),
                ("utf-16le", "UTF-16LE".into()),
                ("utf-16be", "UTF-16BE".into()),
            ],
            &c.encoding,
        ),
        delimiters: choices(
            &[
                ("", auto.clone()),
                (";", ";".into()),
                (",", ",".into()),
                ("tab", t::web_import_delimiter_tab(lang).into()),
                ("|", "|".into()),
                (
                    "whitespace",
                    t::web_import_delimiter_whitespace(lang).into(),
                ),
            ],
            &c.delimiter,
        ),
        decimals: choices(
            &[
                ("", auto.clone()),
                ("comma", t::web_import_decimal_comma(lang).into()),
                ("point", t::web_import_decimal_point(lang).into()),
            ],
            &c.decimal,
        ),
        date_format: c.date_format.clone(),
        date_formats: vec![
            "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d",
        ],
        columns: Vec::new(),
        counts: None,
        first_rows_title: t::web_import_first_rows(lang, FIRST_ROWS),
        rows: Vec::new(),
        row_headings: vec![
            t::web_import_row_customer(lang),
            t::web_import_row_name(lang),
            t::web_import_row_date(lang),
            t::web_import_row_revenue(lang),
            t::web_import_row_cost(lang),
            t::web_import_row_quantity(lang),
            t::web_import_row_product(lang),
            t::web_import_row_document(lang),
        ],
        rejected: Vec::new(),
        rejected_total: String::new(),
        page_label: None,
        previous: None,
        next: None,
        error: None,
        can_confirm: false,
        ctx,
    };
    let column_rows = |headers: &[String], detected: &dyn Fn(&str) -> String| {
        headers
            .iter()
            .enumerate()
            .map(|(index, header)| ColumnRow {
                index,
                header: header.clone(),
                detected: detected(header),
                roles: choices(
                    &role_options,
                    c.columns.get(index).map_or("", String::as_str),
                ),
            })
            .collect::<Vec<_>>()
    };
    let status = match read {
        Err((message, headers)) => {
            page_out.error = Some(joined(message));
            page_out.columns = column_rows(&headers, &|_| String::new());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(preview) => {
            fill(&mut page_out, &preview, page, &column_rows);
            StatusCode::OK
        }
    };
    let mut response = html(&page_out);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    Ok(response)
}

fn fill(p: &mut PreviewPage, preview: &Preview, page: usize, column_rows: &ColumnRows<'_>) {
    let ctx = p.ctx.clone();
    let lang = ctx.lang;
    let report = &preview.report;
    if let Some(f) = report.files.first() {
        let delimiter = match f.delimiter.as_deref() {
            Some("\t") => t::web_import_delimiter_tab(lang).to_owned(),
            Some("whitespace") => t::web_import_delimiter_whitespace(lang).to_owned(),
            Some(d) => d.to_owned(),
            None => "–".to_owned(),
        };
        let decimal = match f.decimal.as_deref() {
            Some(",") => t::web_import_decimal_comma(lang).to_owned(),
            Some(".") => t::web_import_decimal_point(lang).to_owned(),
            _ => "–".to_owned(),
        };
        p.detected = vec![
            (t::web_import_encoding(lang).to_owned(), f.encoding.clone()),
            (t::web_import_delimiter(lang).to_owned(), delimiter),
            (t::web_import_decimal(lang).to_owned(), decimal),
            (
                t::web_import_date_format(lang).to_owned(),
                f.date_format.clone(),
            ),
        ];
        let roles = f.columns.clone();
        p.columns = column_rows(&f.headers, &|header: &str| {
            roles
                .iter()
                .filter(|(_, h)| h == header)
                .map(|(r, _)| r.clone())
                .collect::<Vec<_>>()
                .join(", ")
        });
    }
    p.counts = Some(t::web_import_counts(
        lang,
        ctx.count(report.rows_accepted),
        ctx.count(report.blank_lines),
        ctx.count(report.rows_read),
        ctx.count(report.rows_rejected),
    ));
    let amount = |v: Option<f64>| v.map_or_else(String::new, |v| ctx.num(v, 2));
    p.rows = preview
        .rows
        .iter()
        .map(|r: &StoredTransaction| {
            vec![
                (r.customer.clone(), false),
                (r.name.clone().unwrap_or_default(), false),
                (ctx.date(&r.date), false),
                (amount(Some(r.revenue)), true),
                (amount(r.cost), true),
                (amount(r.quantity), true),
                (r.product.clone().unwrap_or_default(), false),
                (r.document.clone().unwrap_or_default(), false),
            ]
        })
        .collect();
    let total = report.rejected.len();
    let pages = total.div_ceil(REJECTED_PAGE).max(1);
    let page = page.clamp(1, pages);
    p.rejected = report
        .rejected
        .iter()
        .skip((page - 1) * REJECTED_PAGE)
        .take(REJECTED_PAGE)
        .map(|r| RejectedRow {
            line: r.line,
            column: r.column.clone().unwrap_or_default(),
            reason: r.reason.message(lang),
            raw: r.raw.clone(),
        })
        .collect();
    p.rejected_total = ctx.count(total as u64);
    if pages > 1 {
        p.page_label = Some(t::web_import_page(lang, page, pages));
        p.previous = (page > 1).then(|| format!("/import/{}?page={}#rejected", p.id, page - 1));
        p.next = (page < pages).then(|| format!("/import/{}?page={}#rejected", p.id, page + 1));
    }
    if report.rows_accepted == 0 {
        p.error = Some(t::web_import_no_usable_row(lang).to_owned());
    } else {
        p.can_confirm = true;
    }
}

/// A stored file as the audit log's detail states it.
fn audit_detail(f: &StoredFile) -> String {
    format!(
        "read {}, rejected {}, inserted {}, duplicates {}{}",
        f.report.rows_read,
        f.report.rows_rejected,
        f.outcome.inserted,
        f.outcome.duplicates_skipped,
        if f.outcome.already_imported {
            ", already imported"
        } else {
            ""
        }
    )
}

/// Stores `files` as `kundenwert import` does, audits, and starts the analysis' refresh.
async fn store(
    state: &AppState,
    identity: &Identity,
    files: Vec<FileToStore>,
    options: kundenwert_ingest::ImportOptions,
    via: &'static str,
) -> Result<Result<Vec<StoredFile>, StoreImportError>, AppError> {
    let who = identity.user.name.clone();
    let result = state
        .write(move |bench| {
            let stored = wb_import::store_files(bench.store_mut(), &files, &options, &|_| {});
            if let Ok(stored) = &stored {
                for f in stored {
                    bench.store_mut().audit(
                        &who,
                        "import",
                        &f.name,
                        &format!("{}; {via}", audit_detail(f)),
                    )?;
                }
            }
            Ok(stored)
        })
        .await?;
    if result.is_ok() {
        state.refresh_in_background();
    }
    Ok(result)
}

async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, AppError> {
    let staged = load(&state, &id)?;
    if !staged.has_file() {
        return Ok(Redirect::to(&format!("/import/{id}/status")).into_response());
    }
    let options = match staged.meta.corrections.spec().options() {
        Ok(options) => options,
        Err(_) => return Ok(Redirect::to(&format!("/import/{id}")).into_response()),
    };
    let files = vec![FileToStore {
        path: staged.file(),
        name: staged.meta.name.clone(),
    }];
    let outcome = match store(&state, &identity, files, options, "web").await? {
        Ok(stored) => {
            let f = &stored[0];
            Outcome {
                ok: true,
                read: f.report.rows_read,
                rejected: f.report.rows_rejected,
                inserted: f.outcome.inserted,
                duplicates: f.outcome.duplicates_skipped,
                already: f.outcome.already_imported,
                ..Outcome::default()
            }
        }
        Err(e) => {
            let (message, hint) = shown(e.localized(ctx.lang), &staged.file(), &staged.meta.name);
            Outcome {
                ok: false,
                message,
                hint,
                ..Outcome::default()
            }
        }
    };
    let s = staged.clone();
    blocking(move || s.finish(&outcome))
        .await?
        .map_err(AppError::internal)?;
    Ok(Redirect::to(&format!("/import/{id}/status")).into_response())
}

async fn cancel(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, AppError> {
    if let Some(staged) = staging::load(&staging_root(&state), &id) {
        blocking(move || staging::remove(&staged)).await?;
    }
    Ok(Redirect::to("/import").into_response())
}

#[derive(Template)]
#[template(path = "import_status.html")]
struct StatusPage {
    ctx: PageCtx,
    id: String,
    title: String,
    outcome: Outcome,
    summary: String,
    refreshing: bool,
    refresh_failed: Option<String>,
    file_left: bool,
}

async fn status(
    State(state): State<AppState>,
    ctx: PageCtx,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, AppError> {
    let staged = load(&state, &id)?;
    let Some(outcome) = staged.outcome() else {
        return Ok(Redirect::to(&format!("/import/{id}")).into_response());
    };
    let lang = ctx.lang;
    let summary = if !outcome.ok {
        t::web_import_status_failed(lang).to_owned()
    } else if outcome.already {
        t::web_import_status_already(lang).to_owned()
    } else {
        t::web_import_status_stored(
            lang,
            ctx.count(outcome.duplicates),
            ctx.count(outcome.inserted),
            ctx.count(outcome.read),
            ctx.count(outcome.rejected),
        )
    };
    let refresh = state.refresh_state();
    let page = StatusPage {
        title: t::web_import_status_title(lang, &staged.meta.name),
        id: staging::id_of(&staged),
        refreshing: outcome.ok && refresh == RefreshState::Running,
        refresh_failed: match refresh {
            RefreshState::Failed(reason) if outcome.ok => {
                Some(t::web_import_status_refresh_failed(lang, reason))
            }
            _ => None,
        },
        file_left: staged.has_file(),
        outcome,
        summary,
        ctx,
    };
    let mut response = html(&page);
    if !page.outcome.ok {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct NameQuery {
    name: Option<String>,
}

/// `POST /api/v1/imports`: the file as the raw body with `?name=FILE.csv`, or as multipart
/// form data; read with detection as the CLI reads it and stored as `kundenwert import`
/// stores it. Answers the counts and every rejected row; 422 when the file cannot be read,
/// is not an export or has not a single usable row (nothing is stored then).
async fn api_import(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Query(q): Query<NameQuery>,
    request: Request,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let root = staging_root(&state);
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let staged = if multipart {
        let parts = Multipart::from_request(request, &state)
            .await
            .map_err(|e| AppError::BadRequest(t::web_import_upload_failed(lang, e.body_text())))?;
        receive(root, parts, &ctx).await?
    } else {
        let Some(name) = q.name.filter(|n| !n.trim().is_empty()) else {
            return Err(AppError::BadRequest(
                t::web_import_api_name_missing(lang).to_owned(),
            ));
        };
        let body = axum::body::to_bytes(request.into_body(), super::UPLOAD_LIMIT)
            .await
            .map_err(|e| AppError::BadRequest(t::web_import_upload_failed(lang, e)))?;
        if body.is_empty() {
            None
        } else {
            let staged = blocking(move || {
                let staged = staging::create(&root, &name)?;
                std::fs::write(staged.file(), &body)?;
                Ok::<_, std::io::Error>(staged)
            })
            .await?
            .map_err(AppError::internal)?;
            Some(staged)
        }
    };
    let Some(staged) = staged else {
        return Err(AppError::BadRequest(t::web_import_no_file(lang).to_owned()));
    };
    let files = vec![FileToStore {
        path: staged.file(),
        name: staged.meta.name.clone(),
    }];
    let options = kundenwert_workbench::ImportSpec::default()
        .options()
        .map_err(AppError::internal)?;
    let result = store(&state, &identity, files, options, "api").await;
    let file = staged.file();
    let name = staged.meta.name.clone();
    blocking(move || staging::remove(&staged)).await?;
    let rejected_json = |report: &kundenwert_ingest::ImportReport| -> Vec<Value> {
        report
            .rejected
            .iter()
            .map(|r| {
                json!({
                    "line": r.line,
                    "column": r.column,
                    "reason": r.reason.message(lang),
                    "row": r.raw,
                })
            })
            .collect()
    };
    match result? {
        Ok(stored) => {
            let f = &stored[0];
            let r = &f.report;
            let file_report = r.files.first();
            let body = json!({
                "name": f.name,
                "import_id": f.outcome.import_id,
                "encoding": file_report.map(|x| x.encoding.clone()),
                "delimiter": file_report.and_then(|x| x.delimiter.clone()),
                "decimal": file_report.and_then(|x| x.decimal.clone()),
                "date_format": file_report.map(|x| x.date_format.clone()),
                "columns": file_report.map(|x| x.columns.iter().map(|(r, h)| (r.clone(), Value::String(h.clone()))).collect::<serde_json::Map<_, _>>()),
                "rows_read": r.rows_read,
                "rows_accepted": r.rows_accepted,
                "rows_rejected": r.rows_rejected,
                "blank_lines": r.blank_lines,
                "inserted": f.outcome.inserted,
                "duplicates_skipped": f.outcome.duplicates_skipped,
                "already_imported": f.outcome.already_imported,
                "rejected": rejected_json(r),
            });
            let status = if f.outcome.inserted > 0 {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, Json(body)).into_response())
        }
        Err(StoreImportError::Store(e)) => Err(AppError::internal(e)),
        Err(e) => {
            let rejected = match &e {
                StoreImportError::NoUsableRow { report, .. } => rejected_json(report),
                _ => Vec::new(),
            };
            let (message, hint) = shown(e.localized(lang), &file, &name);
            let body = json!({
                "status": 422,
                "title": t::web_import_cannot_read(lang),
                "problems": [{ "path": "file", "message": message }],
                "hint": hint,
                "rejected": rejected,
            });
            let mut response = (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
    }
}
