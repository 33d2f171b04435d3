//! `kundenwert import`: reads exports with the same import as `analyze` and stores their
//! transactions in the workspace, so later commands work without naming files again.
//!
//! All files are stored in one SQLite transaction while they are read (lines without a
//! document go straight in, documented ones are sorted on disk in bounded runs and numbered, so
//! memory does not grow with the file), and a file that cannot be read rolls the whole import
//! back: the workspace is then unchanged. A file whose content was imported before adds
//! nothing, and lines of a document that is already stored (overlapping re-exports) are
//! skipped and counted.

use crate::output::out;
use kundenwert_text as text;

use anyhow::{Context, Result};
use kundenwert_store::{Store, Workspace};
use kundenwert_workbench::import::{FileToStore, StoredFile};
use kundenwert_workbench::StoreImportError;

use crate::fmt::count;
use crate::input::InputArgs;
use crate::UserError;

/// Arguments of `kundenwert import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,

    /// Store only: leave bringing the workspace's analysis up to date to the next command that
    /// reads it (e.g. when importing several files one after another).
    #[arg(long)]
    no_analysis: bool,
}

pub fn run(args: Args) -> Result<()> {
    out!("{}", store_files(&args.input)?);
    if !args.no_analysis {
        // The types and forecasts every other command reads, computed once now.
        let lang = args.input.lang();
        let mut bench = crate::workspace::open_workbench(lang)?;
        crate::workspace::refresh(&mut bench, lang)?;
    }
    Ok(())
}

/// The files' kinds are checked first: a file that cannot be opened, or a PDF or an image,
/// stops before the workspace is touched (or created).
pub fn check_files(input: &InputArgs) -> Result<()> {
    let lang = input.lang();
    if input.files.is_empty() {
        return Err(UserError::usage(
            text::import_no_file(lang).into(),
            Some(text::import_no_file_hint(lang).into()),
        )
        .into());
    }
    if input.as_of.is_some() {
        return Err(UserError::usage(text::import_as_of_not_here(lang).into(), None).into());
    }
    for file in &input.files {
        std::fs::File::open(file)
            .with_context(|| kundenwert_text::file_cannot_read(lang, file.display()))?;
        kundenwert_ingest::check_kind(file).map_err(|e| {
            let (message, hint) = e.localized(lang);
            UserError::input(message, hint)
        })?;
    }
    Ok(())
}

/// Reads `input.files` into `store` (the workspace, or the temporary one of `analyze
/// --report`) with the progress bar, reporting rejected rows on stderr; the caller checked
/// them with [`check_files`] before it opened the store.
pub fn store_into(input: &InputArgs, store: &mut Store) -> Result<Vec<StoredFile>> {
    let lang = input.lang();
    let options = input.options()?;
    let files: Vec<FileToStore> = input
        .files
        .iter()
        .map(|path| FileToStore {
            path: path.clone(),
            name: path.display().to_string(),
        })
        .collect();
    let stored = input.with_progress(&input.files, |progress| {
        kundenwert_workbench::import::store_files(store, &files, &options, progress)
    });
    let timer = crate::Timer::start();
    for (phase, took) in store.import_phases() {
        timer.note(&format!("import: {phase} {:.3} s", took.as_secs_f64()));
    }
    let stored = match stored {
        Ok(stored) => stored,
        Err(StoreImportError::Store(e)) => return Err(crate::workspace::store_error(&e, lang)),
        Err(StoreImportError::Read(e)) => return Err(input.import_error(&e).into()),
        Err(StoreImportError::NoUsableRow { report, .. }) => {
            input.report_rejections(&report)?;
            return Err(crate::input::no_usable_row(lang).into());
        }
        Err(e) => return Err(e.into()),
    };
    for file in &stored {
        input.report_rejections(&file.report)?;
    }
    Ok(stored)
}

/// Reads `input.files` and stores them in the workspace; returns the report for the user.
pub fn store_files(input: &InputArgs) -> Result<String> {
    let lang = input.lang();
    check_files(input)?;
    let mut store = crate::workspace::open(lang)?;
    let stored = store_into(input, &mut store)?;
    let mut out = String::new();
    for StoredFile {
        name: path,
        report,
        outcome,
    } in stored
    {
        out += &text::import_file_counts(
            lang,
            count(report.rows_accepted, lang),
            path,
            count(report.rows_read, lang),
            count(report.rows_rejected, lang),
        );
        out.push('\n');
        if outcome.already_imported {
            out += &format!("  {}\n", text::import_already_imported(lang));
        } else {
            out += "  ";
            out += &text::import_stored(lang, count(outcome.inserted, lang));
            if outcome.duplicates_skipped > 0 {
                out +=
                    &text::import_duplicates_skipped(lang, count(outcome.duplicates_skipped, lang));
            }
            out += "\n";
        }
    }
    let total = store
        .transaction_count()
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    out +=
        &text::import_workspace_total(lang, count(total, lang), crate::workspace::path().display());
    out.push('\n');
    Ok(out)
}
