//! `kundenwert report -o FILE`: the workspace's stored analysis (brought up to date first) as a
//! report to hand on, in the format the file's extension names: `.html` (one self-contained
//! file to read, mail and print), `.pdf` (the same report paginated, when built with the `pdf`
//! feature) or `.xlsx` (the workbook with every customer). `analyze FILES
//! --report FILE` writes the same report from files, through a temporary workspace.

use std::path::{Path, PathBuf};

use anyhow::Result;
use kundenwert_core::Lang;
use kundenwert_report::{FormatError, ReportError, ReportFormat};
use kundenwert_store::Store;
use kundenwert_text as text;
use kundenwert_workbench::Workbench;

use crate::output::outln;
use crate::{resolve_lang, LangArg, UserError};

/// Arguments of `kundenwert report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The report file; its extension names the format: `.html`, `.pdf` or `.xlsx`.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// Language of the report: de or en (default: from LANG).
    #[arg(long, value_enum, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,

    /// Customers the HTML and PDF reports list per type (largest future value first); the workbook
    /// lists all.
    #[arg(long, default_value_t = 25, value_name = "N")]
    top: u64,
}

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    // A file name the report cannot be written as fails before the (possibly long) refresh.
    let format = format_of(&args.output, lang)?;
    let bench = crate::workspace::analysed(lang)?;
    write(&bench, &args.output, format, lang, args.top)
}

/// The format `path` names, or the user's error saying which names work.
pub fn format_of(path: &Path, lang: Lang) -> Result<ReportFormat> {
    let format = ReportFormat::of_path(path).map_err(|e| {
        let message = match &e {
            FormatError::NoExtension(p) => text::report_cmd_no_extension(lang, p),
            FormatError::Unknown(ext) => text::report_cmd_unknown_format(lang, ext),
        };
        UserError::usage(
            message,
            Some(text::report_cmd_unknown_format_hint(lang).into()),
        )
    })?;
    if format == ReportFormat::Pdf && !cfg!(feature = "pdf") {
        return Err(no_pdf(path, lang));
    }
    Ok(format)
}

/// The error of a build without the `pdf` feature asked for a PDF.
pub fn no_pdf(path: &Path, lang: Lang) -> anyhow::Error {
    UserError::usage(
        text::report_cmd_pdf_not_built(lang, path.display()),
        Some(text::report_cmd_pdf_not_built_hint(lang).into()),
    )
    .into()
}

/// Builds the report of `bench`'s stored analysis and writes it to `path` as `format`.
pub fn write(
    bench: &Workbench<Store>,
    path: &Path,
    format: ReportFormat,
    lang: Lang,
    top: u64,
) -> Result<()> {
    let options = kundenwert_report::Options {
        lang,
        top_per_type: top,
    };
    let report = kundenwert_report::build(bench, options).map_err(|e| report_error(e, lang))?;
    match format {
        ReportFormat::Html => {
            crate::output::write_file(
                path,
                kundenwert_report::html::render(&report).as_bytes(),
                lang,
            )?;
        }
        ReportFormat::Xlsx => {
            kundenwert_report::xlsx::write(bench, &report, path).map_err(|e| match e {
                ReportError::Xlsx(_) | ReportError::Io(_) => {
                    anyhow::Error::from(e).context(text::file_cannot_write(lang, path.display()))
                }
                other => report_error(other, lang),
            })?;
        }
        #[cfg(feature = "pdf")]
        ReportFormat::Pdf => {
            let pdf = kundenwert_report::pdf::render(&report)?;
            crate::output::write_file(path, &pdf, lang)?;
        }
        // Refused by `format_of` before anything was computed.
        #[cfg(not(feature = "pdf"))]
        ReportFormat::Pdf => return Err(no_pdf(path, lang)),
    }
    outln!("{}", text::report_cmd_written(lang, path.display()));
    Ok(())
}

fn report_error(e: ReportError, lang: Lang) -> anyhow::Error {
    match e {
        ReportError::NoAnalysis => UserError::input(
            text::report_cmd_no_analysis(lang).into(),
            Some(text::report_cmd_no_analysis_hint(lang).into()),
        )
        .into(),
        ReportError::Workbench(e) => crate::workspace::workbench_error(&e, lang),
        ReportError::Store(e) => crate::workspace::store_error(&e, lang),
        other => other.into(),
    }
}
