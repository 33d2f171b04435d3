//! The workspace store the commands share: where it is, opening it with messages a user can
//! act on, and reading its transactions into value series.

use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::Result;
use chrono::NaiveDate;
use kundenwert_analysis::{SeriesBuilder, SeriesPass, SeriesSink};
use kundenwert_core::{Lang, Transaction};
use kundenwert_ingest::{ImportReport, Pass, RowSink};
use kundenwert_store::{Store, StoreError, Workspace};

use crate::UserError;

/// The default workspace file, in the current directory.
pub const DEFAULT_WORKSPACE: &str = "kundenwert.db";

static WORKSPACE: OnceLock<PathBuf> = OnceLock::new();

/// Remembers `--workspace` / `KUNDENWERT_WORKSPACE` for the commands.
pub fn set_path(path: Option<PathBuf>) {
    let _ = WORKSPACE.set(path.unwrap_or_else(|| PathBuf::from(DEFAULT_WORKSPACE)));
}

/// The workspace file.
pub fn path() -> PathBuf {
    WORKSPACE
        .get()
        .cloned()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_WORKSPACE))
}

/// A store failure as a user error (exit code 1) with its hint.
pub fn store_error(e: &StoreError, lang: Lang) -> anyhow::Error {
    let (message, hint) = e.localized(lang);
    UserError::input(message, hint).into()
}

/// Opens (or creates) the workspace.
pub fn open(lang: Lang) -> Result<Store> {
    Store::open(path()).map_err(|e| store_error(&e, lang))
}

/// Opens the workspace only if it exists: reading commands must not leave an empty file
/// behind when the user mistyped the path.
pub fn open_existing(lang: Lang) -> Result<Store> {
    let p = path();
    if !p.exists() {
        return Err(UserError::input(
            match lang {
                Lang::De => format!("der Arbeitsbereich `{}` existiert nicht", p.display()),
                Lang::En => format!("the workspace `{}` does not exist", p.display()),
            },
            Some(
                lang.pick(
                    "zuerst Daten mit `kundenwert import DATEI` übernehmen, oder Dateien direkt angeben: `kundenwert analyze DATEI`",
                    "import data first with `kundenwert import FILE`, or name files directly: `kundenwert analyze FILE`",
                )
                .into(),
            ),
        )
        .into());
    }
    open(lang)
}

/// Streams the workspace's transactions into value-series accumulators.
pub fn read_series(as_of: Option<NaiveDate>, lang: Lang) -> Result<(SeriesBuilder, ImportReport)> {
    let store = open_existing(lang)?;
    // One range of the table per core, read at the same time into one shared builder, as the
    // reading threads of a file do.
    let mut pass = SeriesPass::new(as_of);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut sinks: Vec<SeriesSink> = (0..threads).map(|_| pass.sink()).collect();
    let mut pushes: Vec<_> = sinks
        .iter_mut()
        .map(|sink| move |t: Transaction<'_>| sink.push(&t))
        .collect();
    let mut parts: Vec<&mut (dyn FnMut(Transaction<'_>) + Send)> = pushes
        .iter_mut()
        .map(|p| p as &mut (dyn FnMut(Transaction<'_>) + Send))
        .collect();
    let n = store
        .for_each_transaction_in_parts(&mut parts)
        .map_err(|e| store_error(&e, lang))?;
    drop(parts);
    drop(pushes);
    pass.close(sinks);
    let builder = pass.into_builder();
    if n == 0 {
        return Err(UserError::input(
            match lang {
                Lang::De => format!(
                    "der Arbeitsbereich `{}` enthält noch keine Buchungen",
                    path().display()
                ),
                Lang::En => format!(
                    "the workspace `{}` holds no transactions yet",
                    path().display()
                ),
            },
            Some(
                lang.pick(
                    "Daten mit `kundenwert import DATEI` übernehmen",
                    "import data with `kundenwert import FILE`",
                )
                .into(),
            ),
        )
        .into());
    }
    let report = ImportReport {
        rows_read: n,
        rows_accepted: n,
        ..ImportReport::default()
    };
    Ok((builder, report))
}
