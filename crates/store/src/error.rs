use kundenwert_core::Lang;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The workspace file cannot be opened or created.
    #[error("cannot open the workspace `{path}`: {source}")]
    Open {
        /// File.
        path: String,
        /// Cause.
        source: rusqlite::Error,
    },
    /// The workspace was written by a newer Kundenwert whose schema this binary does not know.
    #[error("the workspace `{path}` has schema version {found}; this version of Kundenwert knows up to {known}")]
    SchemaTooNew {
        /// File.
        path: String,
        /// Version found in the file.
        found: i64,
        /// Highest version this binary knows.
        known: i64,
    },
    /// A migration failed; the workspace stays at the version before it.
    #[error("cannot upgrade the workspace `{path}` to schema version {version}: {source}")]
    Migration {
        /// File.
        path: String,
        /// Version that failed.
        version: i64,
        /// Cause.
        source: rusqlite::Error,
    },
    /// A row of an import cannot be stored; the import was rolled back.
    #[error("row {row} of `{path}` cannot be stored: {reason}")]
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
    #[error("reading `{path}` failed; nothing was imported")]
    ReadFailed {
        /// The file.
        path: String,
    },
    /// The reader of a streamed import pushed rows of a reading attempt it had left for a
    /// later one, or named such an attempt as final (its rows were already undone); the
    /// import was rolled back. A fault of the reader, not of the file.
    #[error(
        "the reader of `{path}` went back to an earlier reading attempt; nothing was imported"
    )]
    AttemptsInterleaved {
        /// The file.
        path: String,
    },
    /// The temporary file an import sorts its documented lines in could not be written or
    /// read back; the import was rolled back.
    #[error("cannot use a temporary file to sort the import: {source}; nothing was imported")]
    TempFile {
        /// Cause.
        source: std::io::Error,
    },
    /// A document to store is not JSON.
    #[error("the {kind} `{name}` is not a JSON document: {message}")]
    InvalidDocument {
        /// `chain` or `plan`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// Parser message.
        message: String,
    },
    /// A stored row cannot be read back (edited by hand or by another program).
    #[error("a stored transaction (id {id}) is unreadable: {message}")]
    CorruptRow {
        /// Row id.
        id: i64,
        /// What is wrong.
        message: String,
    },
    /// Any other database failure.
    #[error("workspace database error: {0}")]
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
            InvalidRowReason::NotFinite => lang.pick(
                "Umsatz, Kosten oder Menge ist keine endliche Zahl",
                "revenue, cost or quantity is not a finite number",
            ),
            InvalidRowReason::EmptyCustomer => {
                lang.pick("die Kundennummer ist leer", "the customer number is empty")
            }
            InvalidRowReason::DateOutOfRange => lang.pick(
                "das Jahr des Datums liegt nicht zwischen 0 und 9999",
                "the date's year is not between 0 and 9999",
            ),
        }
    }
}

impl StoreError {
    /// The message in the user's language and a `hint:` line, when there is one.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        let de = lang == Lang::De;
        match self {
            StoreError::Open { path, source } => (
                if de {
                    format!("der Arbeitsbereich `{path}` kann nicht geöffnet werden: {source}")
                } else {
                    self.to_string()
                },
                Some(
                    lang.pick(
                        "prüfen, ob das Verzeichnis existiert und beschreibbar ist",
                        "check that the directory exists and is writable",
                    )
                    .to_string(),
                ),
            ),
            StoreError::SchemaTooNew { path, found, known } => (
                if de {
                    format!("der Arbeitsbereich `{path}` hat Schema-Version {found}; diese Kundenwert-Version kennt höchstens {known}")
                } else {
                    self.to_string()
                },
                Some(
                    lang.pick(
                        "Kundenwert aktualisieren; der Arbeitsbereich wurde von einer neueren Version angelegt",
                        "update Kundenwert; the workspace was written by a newer version",
                    )
                    .to_string(),
                ),
            ),
            StoreError::Migration { path, version, source } => (
                if de {
                    format!("der Arbeitsbereich `{path}` kann nicht auf Schema-Version {version} gebracht werden: {source}")
                } else {
                    self.to_string()
                },
                None,
            ),
            StoreError::InvalidRow { path, row, reason } => (
                if de {
                    format!(
                        "Zeile {row} aus `{path}` kann nicht gespeichert werden: {}; nichts wurde importiert",
                        reason.message(lang)
                    )
                } else {
                    format!("{self}; nothing was imported")
                },
                None,
            ),
            StoreError::ReadFailed { path } => (
                if de {
                    format!("`{path}` konnte nicht gelesen werden; nichts wurde importiert")
                } else {
                    self.to_string()
                },
                None,
            ),
            StoreError::AttemptsInterleaved { path } => (
                if de {
                    format!("der Leser von `{path}` ist zu einem früheren Leseversuch zurückgekehrt; nichts wurde importiert")
                } else {
                    self.to_string()
                },
                None,
            ),
            StoreError::TempFile { source } => (
                if de {
                    format!("eine temporäre Datei zum Sortieren des Imports ist nicht nutzbar: {source}; nichts wurde importiert")
                } else {
                    self.to_string()
                },
                Some(
                    lang.pick(
                        "freien Platz im temporären Verzeichnis prüfen (TMPDIR)",
                        "check the free space in the temporary directory (TMPDIR)",
                    )
                    .to_string(),
                ),
            ),
            StoreError::InvalidDocument { kind, name, message } => (
                if de {
                    let kind = if *kind == "chain" { "Kette" } else { "Plan" };
                    format!("{kind} `{name}` ist kein JSON-Dokument: {message}")
                } else {
                    self.to_string()
                },
                None,
            ),
            StoreError::CorruptRow { id, message } => (
                if de {
                    format!("ein gespeicherter Umsatz (id {id}) ist nicht lesbar: {message}")
                } else {
                    self.to_string()
                },
                None,
            ),
            StoreError::Database(source) => (
                if de {
                    format!("Datenbankfehler im Arbeitsbereich: {source}")
                } else {
                    self.to_string()
                },
                None,
            ),
        }
    }
}
