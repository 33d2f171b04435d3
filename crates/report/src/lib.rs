//! Reports people can hand on: one report model of the workspace's stored analysis, rendered
//! as a self-contained HTML file and a PDF, and written as an XLSX workbook.
//!
//! | module | what |
//! |---|---|
//! | [`model`] | the report model ([`Report`], serde): the analysis's overview, the settings used, the largest customers per type with their reasons, the chains with their actors' figures and contact gaps, the focus plans with their targets — numbers and dates, formatted only by the renderers |
//! | [`html`] | one HTML file: inline CSS and SVG charts (`kundenwert-charts`, the same as the web's overview), a CSP that blocks every request, print CSS with a page break before each section, in German or English |
//! | [`pdf`] | the same report as a PDF (and a chain diagram or a focus plan on its own), typeset by typst embedded as a library with the bundled DejaVu fonts: paginated, text selectable, fonts embedded; behind the default-on feature `pdf` |
//! | [`xlsx`] | the workbook: summary, every customer (autofilter, frozen header, number formats) and the customer × month values, streamed from the store a page at a time in constant memory |
//!
//! The model is built from a [`kundenwert_workbench::Workbench`] whose analysis is current
//! (the caller refreshes it); the workbook reads the store itself, page by page, so a million
//! customers never sit in memory. Text cells are written as strings, never as formulas.
#![deny(missing_docs)]

mod format;
pub mod html;
pub mod model;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod xlsx;

use std::path::Path;

pub use model::{build, Options, Report};

/// Why a report cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The workspace holds no (readable) analysis.
    #[error("the workspace holds no analysis")]
    NoAnalysis,
    /// The workbench failed.
    #[error(transparent)]
    Workbench(#[from] kundenwert_workbench::WorkbenchError),
    /// The workspace failed.
    #[error(transparent)]
    Store(#[from] kundenwert_store::StoreError),
    /// The workbook could not be written.
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// typst could not make the PDF.
    #[cfg(feature = "pdf")]
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// The file could not be written.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The formats a report file can have, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// `.html` / `.htm`.
    Html,
    /// `.xlsx`.
    Xlsx,
    /// `.pdf` (written when the crate is built with its `pdf` feature).
    Pdf,
}

/// Why a file name names no report format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The name has no extension.
    #[error("`{0}` has no extension")]
    NoExtension(String),
    /// The extension is none of `.html`, `.xlsx`, `.pdf`.
    #[error("`{0}` is not a report format")]
    Unknown(String),
}

impl ReportFormat {
    /// The format `path`'s extension names (case-insensitively).
    ///
    /// # Errors
    /// When it has no extension or another one.
    pub fn of_path(path: &Path) -> Result<ReportFormat, FormatError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .ok_or_else(|| FormatError::NoExtension(path.display().to_string()))?;
        match ext.as_str() {
            "html" | "htm" => Ok(ReportFormat::Html),
            "xlsx" => Ok(ReportFormat::Xlsx),
            "pdf" => Ok(ReportFormat::Pdf),
            _ => Err(FormatError::Unknown(format!(".{ext}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_names_the_format() {
        let of = |p: &str| ReportFormat::of_path(Path::new(p));
        assert_eq!(of("r.html"), Ok(ReportFormat::Html));
        assert_eq!(of("R.HTM"), Ok(ReportFormat::Html));
        assert_eq!(of("r.xlsx"), Ok(ReportFormat::Xlsx));
        assert_eq!(of("r.pdf"), Ok(ReportFormat::Pdf));
        assert_eq!(of("r.docx"), Err(FormatError::Unknown(".docx".into())));
        assert_eq!(of("report"), Err(FormatError::NoExtension("report".into())));
    }
}
