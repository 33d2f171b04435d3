//! The workspace store the commands share: where it is, opening it with messages a user can
//! act on, and reading its transactions into value series.

use kundenwert_text as text;
use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::Result;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use kundenwert_analysis::SeriesBuilder;
use kundenwert_core::Lang;
use kundenwert_ingest::ImportReport;
use kundenwert_store::{Store, StoreError};
use kundenwert_workbench::{Phase, Refreshed, Step, Workbench, WorkbenchError};

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
            text::workspace_missing(lang, p.display()),
            Some(text::workspace_missing_hint(lang).into()),
        )
        .into());
    }
    open(lang)
}

/// Streams the workspace's transactions into value-series accumulators.
pub fn read_series(as_of: Option<NaiveDate>, lang: Lang) -> Result<(SeriesBuilder, ImportReport)> {
    let store = open_existing(lang)?;
    let (builder, n) =
        kundenwert_workbench::read_series(&store, as_of).map_err(|e| store_error(&e, lang))?;
    if n == 0 {
        return Err(empty_workspace(lang));
    }
    let report = ImportReport {
        rows_read: n,
        rows_accepted: n,
        ..ImportReport::default()
    };
    Ok((builder, report))
}

fn empty_workspace(lang: Lang) -> anyhow::Error {
    UserError::input(
        text::workspace_empty(lang, path().display()),
        Some(text::workspace_empty_hint(lang).into()),
    )
    .into()
}

/// A workbench failure as a user error with its hint.
pub fn workbench_error(e: &WorkbenchError, lang: Lang) -> anyhow::Error {
    match e {
        WorkbenchError::Store(e) => store_error(e, lang),
        WorkbenchError::Settings(e) => {
            let (message, hint) = e.localized(lang);
            UserError::usage(message, hint).into()
        }
        WorkbenchError::FixedCosts(e) => {
            let (message, hint) = e.localized(lang);
            UserError::usage(message, hint).into()
        }
        WorkbenchError::Analysis(e) => UserError::usage(e.to_string(), None).into(),
        other => UserError::input(other.to_string(), None).into(),
    }
}

/// The existing workspace as a workbench.
pub fn open_workbench(lang: Lang) -> Result<Workbench<Store>> {
    Ok(Workbench::new(open_existing(lang)?))
}

/// Brings the workspace's stored analysis up to date, with a progress display on a terminal
/// and one line on stderr when it computed; nothing when it was current.
pub fn refresh(bench: &mut Workbench<Store>, lang: Lang) -> Result<()> {
    refresh_comparing(bench, None, lang)
}

/// [`refresh`], with the type migration from `compare_as_of` (`None`: the year before as-of).
pub fn refresh_comparing(
    bench: &mut Workbench<Store>,
    compare_as_of: Option<chrono::NaiveDate>,
    lang: Lang,
) -> Result<()> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let timer = crate::Timer::start();
    let outcome = bench.refresh_comparing(compare_as_of, &mut |step| {
        bar.tick();
        let message = match step {
            Step::Reading => {
                bar.enable_steady_tick(std::time::Duration::from_millis(200));
                text::workspace_step_reading(lang)
            }
            Step::Read { .. } => {
                timer.lap("read");
                text::workspace_step_backtest(lang)
            }
            Step::Analysed(phase) => {
                timer.lap(phase.id());
                match phase {
                    Phase::Months | Phase::Backtest => text::workspace_step_types(lang),
                    Phase::Types => text::workspace_step_forecast(lang),
                    Phase::Forecast | Phase::Portfolio => text::workspace_step_storing(lang),
                }
            }
            Step::Stored { .. } => {
                timer.lap("store");
                ""
            }
        };
        bar.set_message(message);
    });
    bar.finish_and_clear();
    match outcome.map_err(|e| workbench_error(&e, lang))? {
        Refreshed::Computed {
            run,
            unknown_fixed_cost_customers,
        } => {
            if !unknown_fixed_cost_customers.is_empty() {
                eprintln!(
                    "{}",
                    text::workspace_unknown_fixed_cost_customers(
                        lang,
                        unknown_fixed_cost_customers.len()
                    )
                );
            }
            eprintln!(
                "{}",
                text::workspace_refreshed(
                    lang,
                    crate::fmt::date(run.as_of, lang),
                    crate::fmt::count(run.customers, lang),
                )
            );
        }
        Refreshed::UpToDate | Refreshed::Empty => {}
    }
    Ok(())
}

/// The existing workspace with its stored analysis brought up to date (computed only when the
/// transactions or the settings changed since).
pub fn analysed(lang: Lang) -> Result<Workbench<Store>> {
    let mut bench = open_workbench(lang)?;
    refresh(&mut bench, lang)?;
    Ok(bench)
}

/// The line every output of the stored analysis starts with: as-of, when computed, and the
/// settings that differ from the defaults.
pub fn analysis_line(bench: &Workbench<Store>, lang: Lang) -> Result<Option<String>> {
    let Some(run) = bench.run().map_err(|e| workbench_error(&e, lang))? else {
        return Ok(None);
    };
    let settings = kundenwert_workbench::Settings::parse(&run.settings)
        .map(|s| crate::settings::changed_text(&s, lang))
        .unwrap_or_default();
    Ok(Some(text::workspace_analysis_line(
        lang,
        crate::fmt::date(run.as_of, lang),
        settings,
    )))
}
