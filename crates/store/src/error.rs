use kundenwert_core::Lang;
use kundenwert_text as text;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The workspace file cannot be opened or created.
    #[error("{}", text::store_open(Lang::En, .source, .path))]
    Open {
        /// File.
        path: String,
        /// Cause.
        source: rusqlite::Error,
    },
    /// The workspace was written by a newer Kundenwert whose schema this binary does not know.
    #[error("{}", text::store_schema_too_new(Lang::En, .found, .known, .path))]
    SchemaTooNew {
        /// File.
        path: String,
        /// Version found in the file.
        found: i64,
        /// Highest version this binary knows.
        known: i64,
    },
    /// A migration failed; the workspace stays at the version before it.
    #[error("{}", text::store_migration(Lang::En, .source, .path, .version))]
    Migration {
        /// File.
        path: String,
        /// Version that failed.
        version: i64,
        /// Cause.
        source: rusqlite::Error,
    },
    /// A row of an import cannot be stored; the import was rolled back.
    #[error("{}", text::store_invalid_row(Lang::En, .path, .reason, .row))]
    InvalidRow {
        /// File of the import.
        path: String,
        /// 1-based index of the row among the rows passed to the store.
        row: u64,
        /// What is wrong (English; see [`StoreError::localized`]).
        reason: InvalidRowReason,
    },
    /// Reading a file of a streamed import failed (the reader reports why); the import was
    /// rolled back.
    #[error("{}", text::store_read_failed(Lang::En, .path))]
    ReadFailed {
        /// The file.
        path: String,
    },
    /// The reader of a streamed import pushed rows of a reading attempt it had left for a
    /// later one, or named such an attempt as final (its rows were already undone); the
    /// import was rolled back. A fault of the reader, not of the file.
    #[error("{}", text::store_attempts_interleaved(Lang::En, .path))]
    AttemptsInterleaved {
        /// The file.
        path: String,
    },
    /// The temporary file an import sorts its documented lines in could not be written or
    /// read back; the import was rolled back.
    #[error("{}", text::store_temp_file(Lang::En, .source))]
    TempFile {
        /// Cause.
        source: std::io::Error,
    },
    /// A document to store is not JSON.
    #[error("{}", text::store_invalid_document(Lang::En, .kind, .message, .name))]
    InvalidDocument {
        /// `chain` or `plan`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// Parser message.
        message: String,
    },
    /// A stored row cannot be read back (edited by hand or by another program).
    #[error("{}", text::store_corrupt_row(Lang::En, .id, .message))]
    CorruptRow {
        /// Row id.
        id: i64,
        /// What is wrong.
        message: String,
    },
    /// A user of that name exists already (names are compared regardless of case).
    #[error("{}", text::store_user_exists(Lang::En, .name))]
    UserExists {
        /// The name asked for.
        name: String,
    },
    /// The user has a token of that name already.
    #[error("{}", text::store_token_exists(Lang::En, .name))]
    TokenExists {
        /// The token name asked for.
        name: String,
    },
    /// Any other database failure.
    #[error("{}", text::store_database(Lang::En, .0))]
    Database(#[from] rusqlite::Error),
}

/// Why a row cannot be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidRowReason {
    /// Revenue, cost or quantity is NaN or infinite.
    NotFinite,
    /// The customer number is empty.
    EmptyCustomer,
    /// The date's year is outside 0..=9999.
    DateOutOfRange,
}

impl std::fmt::Display for InvalidRowReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message(Lang::En))
    }
}

impl InvalidRowReason {
    /// The reason in the user's language.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            InvalidRowReason::NotFinite => text::store_row_not_finite(lang),
            InvalidRowReason::EmptyCustomer => text::store_row_empty_customer(lang),
            InvalidRowReason::DateOutOfRange => text::store_row_date_out_of_range(lang),
        }
    }
}

impl StoreError {
    /// The message in the user's language and a `hint:` line, when there is one.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        match self {
            StoreError::Open { path, source } => (
                text::store_open(lang, source, path),
                Some(text::store_open_hint(lang).to_string()),
            ),
            StoreError::SchemaTooNew { path, found, known } => (
                text::store_schema_too_new(lang, found, known, path),
                Some(text::store_schema_too_new_hint(lang).to_string()),
            ),
            StoreError::Migration {
                path,
                version,
                source,
            } => (text::store_migration(lang, source, path, version), None),
            StoreError::InvalidRow { path, row, reason } => (
                text::store_invalid_row_nothing_imported(lang, path, reason.message(lang), row),
                None,
            ),
            StoreError::ReadFailed { path } => (text::store_read_failed(lang, path), None),
            StoreError::AttemptsInterleaved { path } => {
                (text::store_attempts_interleaved(lang, path), None)
            }
            StoreError::TempFile { source } => (
                text::store_temp_file(lang, source),
                Some(text::store_temp_file_hint(lang).to_string()),
            ),
            StoreError::InvalidDocument {
                kind,
                name,
                message,
            } => (
                text::store_invalid_document(lang, kind, message, name),
                None,
            ),
            StoreError::CorruptRow { id, message } => {
                (text::store_corrupt_row(lang, id, message), None)
            }
            StoreError::UserExists { name } => (
                text::store_user_exists(lang, name),
                Some(text::store_user_exists_hint(lang).to_string()),
            ),
            StoreError::TokenExists { name } => (
                text::store_token_exists(lang, name),
                Some(text::store_token_exists_hint(lang).to_string()),
            ),
            StoreError::Database(source) => match source.sqlite_error_code() {
                // The transaction was rolled back: say what to do, not only SQLite's words.
                Some(rusqlite::ErrorCode::DiskFull) => (
                    text::store_disk_full(lang, source),
                    Some(text::store_disk_hint(lang).to_string()),
                ),
                Some(rusqlite::ErrorCode::SystemIoFailure) => (
                    text::store_disk_io(lang, source),
                    Some(text::store_disk_hint(lang).to_string()),
                ),
                _ => (text::store_database(lang, source), None),
            },
        }
    }
}
