//! Why an import could not be done at all.

use kundenwert_core::{Lang, Role};
use kundenwert_text as text;

use crate::header::ColumnConflict;

/// Why an import could not be done at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file cannot be opened or read.
    #[error("{}", kundenwert_text::import_io(Lang::En, .source, .path))]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// `--encoding` names no encoding.
    #[error("{}", kundenwert_text::import_unknown_encoding(Lang::En, .label))]
    UnknownEncoding {
        /// The label given.
        label: String,
    },
    /// Nothing but blank lines.
    #[error("{}", kundenwert_text::import_empty(Lang::En, .path))]
    Empty {
        /// File.
        path: String,
    },
    /// Required roles have no column.
    #[error("`{path}` has no usable {} column", missing.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))]
    MissingColumns {
        /// File.
        path: String,
        /// Headers found.
        found: Vec<String>,
        /// Roles without a column.
        missing: Vec<Role>,
    },
    /// A `--column` override names a header the file does not have.
    #[error("{}", kundenwert_text::import_unknown_header(Lang::En, .header, .path, .role))]
    UnknownHeader {
        /// File.
        path: String,
        /// Role asked for.
        role: Role,
        /// Header given.
        header: String,
        /// Headers found.
        found: Vec<String>,
    },
    /// The `--column` overrides contradict each other: one column for two roles, or one role
    /// for two columns.
    #[error("{}", conflict_message(Lang::En, .path, .conflict))]
    ConflictingColumns {
        /// File.
        path: String,
        /// Which overrides contradict each other.
        conflict: ColumnConflict,
        /// Headers found.
        found: Vec<String>,
    },
    /// The day/month order of slash dates cannot be decided from the whole column.
    #[error("{}", kundenwert_text::import_ambiguous_dates(Lang::En, .column, .example, .path))]
    AmbiguousDates {
        /// File.
        path: String,
        /// Date column header.
        column: String,
        /// Example value.
        example: String,
    },
    /// The spreadsheet cannot be read.
    #[error("{}", kundenwert_text::import_spreadsheet(Lang::En, .message, .path))]
    Spreadsheet {
        /// File.
        path: String,
        /// Cause.
        message: String,
    },
    /// The workbook's parts are there but its cells cannot be read (the spreadsheet reader
    /// gave up on them).
    #[error("{}", kundenwert_text::import_damaged_workbook(Lang::En, .path))]
    DamagedWorkbook {
        /// File.
        path: String,
    },
    /// The workbook has no worksheet to read.
    #[error("{}", kundenwert_text::import_no_worksheet(Lang::En, .path))]
    NoWorksheet {
        /// File.
        path: String,
    },
    /// The file is of another kind than an export: a PDF, an image, an archive, a program, an
    /// encrypted workbook, or text under a spreadsheet's extension.
    #[error("{}", kundenwert_text::import_not_an_export(Lang::En, .kind.label(Lang::En), .path))]
    NotAnExport {
        /// File.
        path: String,
        /// What it is.
        kind: crate::kind::FileKind,
    },
    /// A format we do not read (yet).
    #[error("{}", kundenwert_text::import_unsupported(Lang::En, .format, .path))]
    Unsupported {
        /// File.
        path: String,
        /// Format.
        format: String,
    },
}

impl ImportError {
    /// The message in the user's language and a `hint:` line, when there is one.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        use kundenwert_text as text;
        let list = |found: &[String]| {
            found
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            ImportError::Io { path, source } => (text::import_io(lang, source, path), None),
            ImportError::UnknownEncoding { label } => (
                text::import_unknown_encoding(lang, label),
                Some(text::import_unknown_encoding_hint(lang).to_string()),
            ),
            ImportError::Empty { path } => (text::import_empty(lang, path), None),
            ImportError::MissingColumns {
                path,
                found,
                missing,
            } => {
                let roles = missing
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let msg = text::import_missing_columns(lang, list(found), path, roles);
                let example = missing.first().map_or("revenue", |r| r.as_str());
                let hint = text::import_missing_columns_hint(lang, example);
                (msg, Some(hint))
            }
            ImportError::UnknownHeader {
                path,
                role,
                header,
                found,
            } => (
                text::import_unknown_header_found(lang, list(found), header, path, role),
                Some(text::import_unknown_header_hint(lang).to_string()),
            ),
            ImportError::ConflictingColumns { path, conflict, .. } => (
                conflict_message(lang, path, conflict),
                Some(conflict_hint(lang, conflict).to_string()),
            ),
            ImportError::AmbiguousDates {
                path,
                column,
                example,
            } => (
                text::import_ambiguous_dates(lang, column, example, path),
                Some(text::import_ambiguous_dates_hint(lang).to_string()),
            ),
            ImportError::Spreadsheet { path, message } => {
                (text::import_spreadsheet(lang, message, path), None)
            }
            ImportError::DamagedWorkbook { path } => (
                text::import_damaged_workbook(lang, path),
                Some(text::import_damaged_workbook_hint(lang).to_string()),
            ),
            ImportError::NoWorksheet { path } => (text::import_no_worksheet(lang, path), None),
            ImportError::NotAnExport { path, kind } => (
                text::import_not_an_export(lang, kind.label(lang), path),
                Some(kind.hint(lang).to_string()),
            ),
            ImportError::Unsupported { path, format } => (
                text::import_unsupported(lang, format, path),
                Some(text::import_unsupported_hint(lang).to_string()),
            ),
        }
    }
}

fn conflict_message(lang: Lang, path: &str, conflict: &ColumnConflict) -> String {
    match conflict {
        ColumnConflict::ColumnTwice {
            column,
            first,
            second,
        } => text::import_column_two_roles(lang, column, first, path, second),
        ColumnConflict::RoleTwice {
            role,
            first,
            second,
        } => text::import_role_two_columns(lang, first, path, role, second),
    }
}

fn conflict_hint(lang: Lang, conflict: &ColumnConflict) -> &'static str {
    match conflict {
        ColumnConflict::ColumnTwice { .. } => text::import_column_two_roles_hint(lang),
        ColumnConflict::RoleTwice { .. } => text::import_role_two_columns_hint(lang),
    }
}
