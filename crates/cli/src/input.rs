//! The input options `analyze` and `series` share, and running the import with a progress bar,
//! rejected-row messages and the rejects file.

use kundenwert_text as text;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use kundenwert_analysis::{SeriesBuilder, SeriesPass};
use kundenwert_core::Lang;
use kundenwert_ingest::{import, DecimalStyle, ImportOptions, ImportReport, Pass};
use kundenwert_workbench::ImportSpec;

use crate::{resolve_lang, LangArg, UserError};

/// Decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecimalArg {
    /// `1.234,56`
    Comma,
    /// `1,234.56`
    Point,
}

/// Options for reading exports.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Export files (CSV, TXT, XLSX); several are combined, e.g. one per year. Without files,
    /// the transactions stored in the workspace (`kundenwert import`) are used.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Language of messages: de or en (default: from LANG).
    #[arg(long, value_enum, env = "KUNDENWERT_LANG")]
    pub lang: Option<LangArg>,

    /// Map a column by hand, e.g. `--column revenue=dollar_value` (roles: customer, name, date,
    /// revenue, cost, margin, quantity, unit_price, product, document); `#N` picks the N-th column.
    #[arg(long = "column", value_name = "ROLE=HEADER")]
    pub columns: Vec<String>,

    /// Field delimiter: `;` `,` `\t` (or `tab`) `|`, or `whitespace`; detected when not given.
    #[arg(long, value_name = "C")]
    pub delimiter: Option<String>,

    /// Decimal separator of all amounts; decided per column when not given.
    #[arg(long, value_enum)]
    pub decimal: Option<DecimalArg>,

    /// Date pattern in strftime form, e.g. `%d.%m.%Y` or `%m/%d/%Y`; detected when not given.
    #[arg(long, value_name = "FMT")]
    pub date_format: Option<String>,

    /// Character encoding, e.g. `windows-1252`, `utf-8`, `utf-16le`; detected when not given.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,

    /// Write every rejected row, with file, line and reason, to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// End of the history (YYYY-MM-DD, default: the last transaction); later rows are kept
    /// apart as holdout.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}

/// `YYYY-MM-DD` (or a German `DD.MM.YYYY`) on the command line.
pub fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    parse_date(s)
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let format = kundenwert_ingest::dates::DateFormat::Auto(
        kundenwert_ingest::dates::DayMonthOrder::DayFirst,
    );
    kundenwert_ingest::dates::parse(s, &format)
        .ok_or_else(|| format!("`{s}` is not a date; use YYYY-MM-DD"))
}

impl InputArgs {
    pub fn lang(&self) -> Lang {
        resolve_lang(self.lang)
    }

    /// The reading options these arguments state (the same building as the web preview's).
    pub fn options(&self) -> Result<ImportOptions, UserError> {
        let spec = ImportSpec {
            columns: self.columns.clone(),
            delimiter: self.delimiter.clone(),
            decimal: self.decimal.map(|d| match d {
                DecimalArg::Comma => DecimalStyle::Comma,
                DecimalArg::Point => DecimalStyle::Point,
            }),
            date_format: self.date_format.clone(),
            encoding: self.encoding.clone(),
        };
        spec.options().map_err(|e| {
            let (message, hint) = e.localized(self.lang());
            UserError::usage(message, hint)
        })
    }

    /// Reads all files into value-series accumulators, showing progress on large inputs, and
    /// reports rejected rows on stderr (and in the rejects file). Without files, the
    /// workspace's stored transactions are analysed.
    pub fn read(&self) -> Result<(SeriesBuilder, ImportReport)> {
        if self.files.is_empty() {
            return crate::workspace::read_series(self.as_of, self.lang());
        }
        let as_of = self.as_of;
        let (pass, report) = self.import_with(&self.files, &|| SeriesPass::new(as_of))?;
        Ok((pass.into_builder(), report))
    }

    /// Imports `files` into passes made by `new_pass`, with the progress bar, the rejected
    /// rows on stderr and in the rejects file; fails when not a single row is usable.
    pub fn import_with<P: Pass>(
        &self,
        files: &[PathBuf],
        new_pass: &dyn Fn() -> P,
    ) -> Result<(P, ImportReport)> {
        let options = self.options()?;
        let result = self.with_progress(files, |progress| {
            import(files, &options, new_pass, progress)
        });
        let (pass, report) = result.map_err(|e| self.import_error(&e))?;
        self.report_rejections(&report)?;
        if report.rows_accepted == 0 {
            return Err(no_usable_row(self.lang()).into());
        }
        Ok((pass, report))
    }

    /// Runs `work` with a progress bar over `files`' bytes (shown on large inputs only).
    pub fn with_progress<T>(
        &self,
        files: &[PathBuf],
        work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> T,
    ) -> T {
        let total: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let bar = if total > 32 << 20 {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {wide_bar} {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        } else {
            ProgressBar::hidden()
        };
        let result = work(&|n| bar.inc(n));
        bar.finish_and_clear();
        result
    }

    /// A file that could not be read, for the user: an option that does not fit (a
    /// `--column` header the file lacks or overrides that contradict each other, an unknown
    /// `--encoding`) is a wrong command line, not
    /// bad input.
    pub fn import_error(&self, e: &kundenwert_ingest::ImportError) -> UserError {
        let (message, hint) = e.localized(self.lang());
        if matches!(
            e,
            kundenwert_ingest::ImportError::UnknownHeader { .. }
                | kundenwert_ingest::ImportError::ConflictingColumns { .. }
                | kundenwert_ingest::ImportError::UnknownEncoding { .. }
        ) {
            UserError::usage(message, hint)
        } else {
            UserError::input(message, hint)
        }
    }

    /// The rejected rows on stderr and in the rejects file (`--rejects`).
    pub fn report_rejections(&self, report: &ImportReport) -> Result<()> {
        let lang = self.lang();
        if let Some(path) = &self.rejects {
            write_rejects(path, report, lang)
                .with_context(|| kundenwert_text::file_cannot_write(lang, path.display()))?;
        }
        print_rejections(report, lang, self.rejects.is_some());
        Ok(())
    }
}

/// Not a single row is usable.
pub fn no_usable_row(lang: Lang) -> UserError {
    UserError::input(
        text::input_no_usable_row(lang).to_string(),
        Some(text::input_no_usable_row_hint(lang).to_string()),
    )
}

const SHOWN_REJECTIONS: usize = 20;

/// Rejected rows on stderr: the first ones in full, then a count.
fn print_rejections(report: &ImportReport, lang: Lang, written: bool) {
    if report.rejected.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{}",
        text::input_rejected_rows(lang, crate::fmt::count(report.rows_rejected, lang))
    );
    for r in report.rejected.iter().take(SHOWN_REJECTIONS) {
        let _ = writeln!(err, "  {}: {}", r.file, r.message(lang));
    }
    if report.rejected.len() > SHOWN_REJECTIONS {
        let more = report.rejected.len() - SHOWN_REJECTIONS;
        let _ = writeln!(
            err,
            "{}",
            text::input_rejected_more(lang, crate::fmt::count(more as u64, lang))
        );
        if !written {
            let _ = writeln!(err, "hint: {}", text::input_rejects_file_hint(lang));
        }
    }
}

/// The rejects file: UTF-8 with BOM (so Excel reads umlauts), `;` for German users, `,` else.
fn write_rejects(path: &PathBuf, report: &ImportReport, lang: Lang) -> Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all("\u{feff}".as_bytes())?;
    let delimiter = if lang == Lang::De { b';' } else { b',' };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(out);
    w.write_record([
        text::input_rejects_header_file(lang),
        text::input_rejects_header_line(lang),
        text::input_rejects_header_column(lang),
        text::input_rejects_header_reason(lang),
        text::input_rejects_header_row(lang),
    ])?;
    // Cells are data: a rejected row (or a column named `=…`) must not run as a formula when
    // the file is opened in Excel.
    use kundenwert_core::cells::text_cell;
    for r in &report.rejected {
        w.write_record([
            &*text_cell(&r.file),
            &r.line.to_string(),
            &text_cell(r.column.as_deref().unwrap_or("")),
            &text_cell(&r.reason.message(lang)),
            &text_cell(&r.raw),
        ])?;
    }
    w.flush()?;
    Ok(())
}
