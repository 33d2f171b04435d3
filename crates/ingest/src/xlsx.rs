//! Spreadsheets through calamine: real date cells, amounts and dates stored as text, and
//! numeric ids (`10002.0` → `10002`).

use crate::row::{decide, Cell, Evidence, Outcome, RowCache, RowPlan};
use crate::{FileReport, ImportError, ImportOptions, Pass, Rejection, RowSink};
use calamine::{open_workbook_auto, Data, Reader};
use kundenwert_core::Role;
use std::path::Path;

/// A cell turned into text the way a user sees it: whole numbers without `.0`.
fn cell_text(data: &Data) -> String {
    match data {
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => crate::dates::serial_to_date(d.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        // As Excel shows it: `#DIV/0!`, `#N/A`.
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

pub fn import<P: Pass>(
    path: &Path,
    shown: &str,
    options: &ImportOptions,
    new_pass: &dyn Fn() -> P,
) -> Result<(P, FileReport, Vec<Rejection>), ImportError> {
    let spreadsheet_error = |message: String| ImportError::Spreadsheet {
        path: shown.to_string(),
        message,
    };
    // calamine 0.31 panics on some damaged workbooks (a shared-string index beyond the table,
    // found by fuzzing, issue 20): such a workbook fails as a damaged one, and the panic's
    // own message stays quiet (`quiet_reader_panics`).
    let read = std::panic::catch_unwind(|| {
        let mut workbook =
            open_workbook_auto(path).map_err(|e| spreadsheet_error(e.to_string()))?;
        workbook
            .worksheet_range_at(0)
            .ok_or_else(|| ImportError::NoWorksheet {
                path: shown.to_string(),
            })?
            .map_err(|e| spreadsheet_error(e.to_string()))
    });
    let range = read.map_err(|_| ImportError::DamagedWorkbook {
        path: shown.to_string(),
    })??;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let rows: Vec<&[Data]> = range.rows().collect();
    let Some(header_idx) = rows
        .iter()
        .position(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
    else {
        return Err(ImportError::Empty {
            path: shown.to_string(),
        });
    };
    let headers: Vec<String> = rows[header_idx].iter().map(cell_text).collect();
    let map = crate::usable_columns(&headers, options, shown)?;
    let text_roles = [Role::Customer, Role::Name, Role::Product, Role::Document];
    // Identifiers may be numeric cells; render them as text once per row.
    let rendered: Vec<Vec<Option<String>>> = rows[header_idx + 1..]
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    let is_text_role = map.iter().any(|(r, c)| c == i && text_roles.contains(&r));
                    match &row[i] {
                        Data::String(_) | Data::DateTimeIso(_) => Some(cell_text(&row[i])),
                        d if is_text_role && !matches!(d, Data::Empty) => Some(cell_text(d)),
                        Data::Bool(_) | Data::Error(_) | Data::DurationIso(_) => {
                            Some(cell_text(&row[i]))
                        }
                        _ => None,
                    }
                })
                .collect()
        })
        .collect();
    let cells_of = |k: usize| -> Vec<Cell<'_>> {
        let row = rows[header_idx + 1 + k];
        row.iter()
            .zip(&rendered[k])
            .map(|(data, text)| match (text, data) {
                (Some(t), _) => Cell::Text(t.as_str()),
                (None, Data::Int(i)) => Cell::Number(*i as f64),
                (None, Data::Float(f)) => Cell::Number(*f),
                (None, Data::DateTime(d)) => {
                    crate::dates::serial_to_date(d.as_f64()).map_or(Cell::Empty, Cell::Date)
                }
                _ => Cell::Empty,
            })
            .collect()
    };
    let mut plan = RowPlan {
        file: shown.to_string(),
        headers: headers.clone(),
        map: map.clone(),
        dialect: None,
        decisions: decide(
            &Evidence::default(),
            &map,
            crate::Dialect::Delimited(b','),
            None,
            None,
            false,
        )
        .expect("lenient"),
    };
    // The whole sheet is in memory: take the evidence of every row first.
    let mut evidence = Evidence::default();
    let mut cache = RowCache::default();
    for k in 0..rendered.len() {
        plan.observe(&cells_of(k), &mut evidence, &mut cache);
    }
    // Dates parsed while observing were read with provisional formats.
    let mut cache = RowCache::default();
    plan.decisions = decide(
        &evidence,
        &map,
        crate::Dialect::Delimited(b','),
        options.decimal,
        options.date_format.as_deref(),
        true,
    )
    .map_err(|e| ImportError::AmbiguousDates {
        path: shown.to_string(),
        column: map
            .get(Role::Date)
            .and_then(|i| headers.get(i).cloned())
            .unwrap_or_default(),
        example: e.example,
    })?;
    let mut pass = new_pass();
    let mut sink = pass.sink();
    let (mut rows_read, mut accepted, mut blank) = (0, 0, 0);
    let mut rejected = Vec::new();
    for k in 0..rendered.len() {
        let cells = cells_of(k);
        let line = first_row + (header_idx + 1 + k) as u64 + 1;
        let raw = || rendered_row(rows[header_idx + 1 + k]);
        match plan.process(&mut cache, &cells, line, &raw) {
            Outcome::Accepted(tx) => {
                rows_read += 1;
                accepted += 1;
                sink.push(&tx);
            }
            Outcome::Rejected(r) => {
                rows_read += 1;
                rejected.push(r);
            }
            Outcome::Blank => blank += 1,
        }
    }
    let report = crate::file_report(
        shown,
        "xlsx".into(),
        None,
        &plan,
        false,
        (
            rows_read,
            accepted,
            rejected.len() as u64,
            blank + header_idx as u64,
        ),
    );
    pass.close(vec![sink]);
    Ok((pass, report, rejected))
}

fn rendered_row(row: &[Data]) -> String {
    row.iter().map(cell_text).collect::<Vec<_>>().join(";")
}

/// Keeps the spreadsheet reader's caught panics quiet: `import` turns a panic inside calamine
/// into [`ImportError::DamagedWorkbook`], but the default panic hook would first print the
/// panic's message ("index out of bounds …", a thread name and a backtrace hint) to standard
/// error, ahead of the clean error. Binaries call this once at start; every other panic still
/// goes to the hook that was installed before.
pub fn quiet_reader_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let earlier = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_reader = info.location().is_some_and(|l| is_reader_source(l.file()));
            if !in_reader {
                earlier(info);
            }
        }));
    });
}

/// Whether a source path is calamine's (a registry or vendored copy: `…/calamine-0.31.0/src/…`).
fn is_reader_source(file: &str) -> bool {
    file.split(['/', '\\'])
        .any(|part| part.starts_with("calamine-"))
}

#[cfg(test)]
mod tests {
    use super::is_reader_source;

    #[test]
    fn reader_sources_are_told_apart() {
        for (file, reader) in [
            (
                "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/calamine-0.31.0/src/xlsx/mod.rs",
                true,
            ),
            (r"C:\cargo\registry\src\x\calamine-0.31.0\src\xlsx\mod.rs", true),
            ("crates/ingest/src/xlsx.rs", false),
            ("/rustc/abc/library/core/src/slice/index.rs", false),
            ("src/calamine.rs", false),
        ] {
            assert_eq!(is_reader_source(file), reader, "{file}");
        }
    }
}
