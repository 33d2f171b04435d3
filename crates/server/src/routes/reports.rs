//! The report to hand on, from the web: the same report as `kundenwert report -o FILE`
//! (`kundenwert-report`: one model, rendered as one self-contained HTML file, as a PDF with the
//! feature `pdf`, or written as the XLSX workbook with every customer), in the reader's
//! language, as a download.

use axum::extract::State;
use axum::response::Response;
use kundenwert_core::Lang;
use kundenwert_report::{html, xlsx, Options, ReportError};
use kundenwert_store::Store;
use kundenwert_workbench::Workbench;

use super::chains::download;
use crate::error::AppError;
use crate::page::PageCtx;
use crate::state::AppState;

/// The report downloads, for any reader.
pub fn routes() -> Vec<super::Route> {
    #[allow(unused_mut)]
    let mut routes = super::routes![
        GET "/report.html" Viewer => report_html,
        GET "/report.xlsx" Viewer => report_xlsx,
    ];
    #[cfg(feature = "pdf")]
    routes.extend(super::routes![GET "/report.pdf" Viewer => report_pdf,]);
    routes
}

/// Whether this build writes PDF reports (the overview links them only then).
pub const PDF: bool = cfg!(feature = "pdf");

/// The file name of a report: `Kundenwert-Bericht-2025-12-31.html`.
fn file_name(as_of: chrono::NaiveDate, lang: Lang, extension: &str) -> String {
    let stem = match lang {
        Lang::De => "Kundenwert-Bericht",
        Lang::En => "Kundenwert-report",
    };
    format!("{stem}-{}.{extension}", as_of.format("%Y-%m-%d"))
}

fn report_error(e: ReportError) -> AppError {
    match e {
        // Nothing analysed yet: there is no report to give.
        ReportError::NoAnalysis => AppError::NotFound,
        other => AppError::internal(other),
    }
}

fn build(bench: &Workbench<Store>, lang: Lang) -> Result<kundenwert_report::Report, AppError> {
    kundenwert_report::build(bench, Options::new(lang)).map_err(report_error)
}

/// `GET /report.html`: the report as one self-contained file (styles and charts inline).
async fn report_html(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (page, as_of) = state
        .read(move |bench| {
            let report = build(bench, lang)?;
            Ok((html::render(&report), report.overview.as_of))
        })
        .await?;
    download(
        "text/html; charset=utf-8",
        &file_name(as_of, lang, "html"),
        page.into_bytes(),
    )
}

/// `GET /report.xlsx`: the workbook with every customer and their months, written in constant
/// memory to a temporary file and answered from there.
async fn report_xlsx(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (body, as_of) = state
        .read(move |bench| {
            let report = build(bench, lang)?;
            let dir = tempfile::tempdir().map_err(AppError::internal)?;
            let path = dir.path().join("report.xlsx");
            xlsx::write(bench, &report, &path).map_err(report_error)?;
            let body = std::fs::read(&path).map_err(AppError::internal)?;
            Ok((body, report.overview.as_of))
        })
        .await?;
    download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name(as_of, lang, "xlsx"),
        body,
    )
}

/// `GET /report.pdf`: the report as a PDF (pages, selectable text, fonts embedded).
#[cfg(feature = "pdf")]
async fn report_pdf(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (body, as_of) = state
        .read(move |bench| {
            let report = build(bench, lang)?;
            let body = kundenwert_report::pdf::render(&report).map_err(AppError::internal)?;
            Ok((body, report.overview.as_of))
        })
        .await?;
    download("application/pdf", &file_name(as_of, lang, "pdf"), body)
}
