//! Spreadsheets: real date cells, dates and amounts stored as text, numeric
//! customer ids (`10002.0` → `10002`), Excel serial numbers, rejections by sheet row.

use std::path::{Path, PathBuf};

use kundenwert_core::Lang;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::{cents, date, read, read_with, threads};

/// A cell of a generated sheet.
enum C<'a> {
    S(&'a str),
    N(f64),
    /// A real date cell: a serial number with a date format.
    D(u16, u8, u8),
    Blank,
}

fn sheet(dir: &Path, name: &str, rows: &[Vec<C<'_>>]) -> PathBuf {
    sheet_at(dir, name, 0, rows)
}

/// A sheet whose first row is sheet row `first + 1`: rows above it are empty.
fn sheet_at(dir: &Path, name: &str, first: u32, rows: &[Vec<C<'_>>]) -> PathBuf {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("dd.mm.yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (first + r as u32, c as u16);
            match cell {
                C::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                C::N(v) => {
                    ws.write_number(r, c, *v).unwrap();
                }
                C::D(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &date_format)
                        .unwrap();
                }
                C::Blank => {}
            }
        }
    }
    let path = dir.join(name);
    workbook.save(&path).unwrap();
    path
}

#[test]
fn real_date_cells_and_numeric_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = sheet(
        dir.path(),
        "umsatz.xlsx",
        &[
            vec![
                C::S("Kundennr."),
                C::S("Kundenname"),
                C::S("Belegdatum"),
                C::S("Nettoumsatz"),
                C::S("Wareneinsatz"),
            ],
            vec![
                C::N(10002.0),
                C::S("Müller GmbH"),
                C::D(2024, 3, 31),
                C::N(1234.56),
                C::N(800.0),
            ],
            vec![
                C::N(10003.0),
                C::S("Bäckerei Groß"),
                C::D(2024, 1, 2),
                C::N(-250.0),
                C::N(-100.0),
            ],
            vec![
                C::S("K-7"),
                C::S("Öl AG"),
                C::N(45382.0),
                C::N(10.0),
                C::Blank,
            ],
        ],
    );
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(report.rows_rejected, 0, "{:?}", report.rejected);
    let f = &report.files[0];
    assert_eq!(f.encoding, "xlsx");
    assert_eq!(f.delimiter, None);
    let got: Vec<_> = txs
        .iter()
        .map(|t| {
            (
                t.customer.as_str(),
                t.name.as_deref(),
                t.date,
                t.revenue_cents(),
                t.cost.map(cents),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "10002",
                Some("Müller GmbH"),
                date(2024, 3, 31),
                123_456,
                Some(80_000)
            ),
            (
                "10003",
                Some("Bäckerei Groß"),
                date(2024, 1, 2),
                -25_000,
                Some(-10_000)
            ),
            ("K-7", Some("Öl AG"), date(2024, 3, 31), 1_000, Some(0)),
        ]
    );
}

#[test]
fn dates_and_amounts_stored_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = sheet(
        dir.path(),
        "text.xlsx",
        &[
            vec![
                C::S("Customer ID"),
                C::S("Invoice Date"),
                C::S("Revenue"),
                C::S("Invoice No"),
            ],
            vec![
                C::S("00123"),
                C::S("31.03.2024"),
                C::S("1.234,56"),
                C::N(4711.0),
            ],
            vec![
                C::S("00124"),
                C::S("01.04.2024"),
                C::S("250,00-"),
                C::S("GS-1"),
            ],
            vec![
                C::S("00125"),
                C::S("2024-04-02"),
                C::S("EUR 5,00"),
                C::N(4712.0),
            ],
        ],
    );
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(report.rows_rejected, 0, "{:?}", report.rejected);
    assert_eq!(report.files[0].decimal.as_deref(), Some(","));
    let got: Vec<_> = txs
        .iter()
        .map(|t| {
            (
                t.customer.as_str(),
                t.date,
                t.revenue_cents(),
                t.document.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("00123", date(2024, 3, 31), 123_456, Some("4711")),
            ("00124", date(2024, 4, 1), -25_000, Some("GS-1")),
            ("00125", date(2024, 4, 2), 500, Some("4712")),
        ]
    );
}

#[test]
fn rejected_spreadsheet_rows_name_the_sheet_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = sheet(
        dir.path(),
        "fehler.xlsx",
        &[
            vec![
                C::S("Kundennr."),
                C::S("Belegdatum"),
                C::S("Menge"),
                C::S("Einzelpreis"),
            ],
            vec![C::N(1.0), C::D(2024, 2, 1), C::N(3.0), C::N(2.5)],
            vec![C::Blank, C::D(2024, 2, 1), C::N(3.0), C::N(2.5)],
            vec![],
            vec![C::N(2.0), C::S("30.02.2024"), C::N(1.0), C::N(1.0)],
            vec![C::N(3.0), C::D(2024, 2, 2), C::N(1.0), C::S("n/a")],
            vec![C::N(4.0), C::S("03.02.2024"), C::N(2.0), C::S("1,5")],
        ],
    );
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(report.files[0].derived, ["revenue = quantity × unit_price"]);
    assert_eq!(
        txs.iter().map(|t| t.revenue_cents()).collect::<Vec<_>>(),
        [750, 300]
    );
    assert_eq!(report.blank_lines, 1);
    let msgs: Vec<String> = report
        .rejected
        .iter()
        .map(|r| r.message(Lang::En))
        .collect();
    assert_eq!(
        msgs,
        [
            "Line 3: customer number missing; row skipped",
            "Line 5, Belegdatum: '30.02.2024' is not a valid date (DD.MM.YYYY)",
            "Line 6, Einzelpreis: 'n/a' is not a number (format 1.234,56)",
        ]
    );
}

/// A spreadsheet and a CSV file combined.
#[test]
fn spreadsheet_and_csv_combined() {
    let dir = tempfile::tempdir().unwrap();
    let x = sheet(
        dir.path(),
        "a.xlsx",
        &[
            vec![C::S("Kundennr."), C::S("Belegdatum"), C::S("Umsatz")],
            vec![C::N(10001.0), C::D(2023, 12, 31), C::N(100.0)],
        ],
    );
    let c = crate::fixtures::write_text(
        dir.path(),
        "b.csv",
        "Kundennr.;Belegdatum;Umsatz\r\n10001;01.01.2024;50,00\r\n",
        crate::fixtures::Enc::Windows1252,
    );
    let (txs, report) = read_with(&[x, c], &threads(2)).unwrap();
    assert_eq!(report.files.len(), 2);
    assert_eq!(txs.len(), 2);
    assert!(txs.iter().all(|t| t.customer == "10001"));
    assert_eq!(txs.iter().map(|t| t.revenue_cents()).sum::<i64>(), 15_000);
}

#[test]
fn a_broken_spreadsheet_fails_with_one_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kaputt.xlsx");
    // A workbook's archive cut off after its first entry's header (text under `.xlsx` is
    // named as text before the spreadsheet reader sees it: see `kind`).
    let mut damaged = b"PK\x03\x04\x14\0\0\0\x08\0".to_vec();
    damaged.resize(30, 0);
    damaged.extend_from_slice(b"[Content_Types].xml");
    std::fs::write(&path, damaged).unwrap();
    let err = match read_with(std::slice::from_ref(&path), &threads(1)) {
        Err(e) => e,
        Ok(_) => panic!("a broken spreadsheet imports"),
    };
    assert!(
        matches!(err, kundenwert_ingest::ImportError::Spreadsheet { .. }),
        "{err:?}"
    );
    let (msg, _) = err.localized(Lang::De);
    assert!(
        msg.starts_with(&format!(
            "die Tabelle `{}` kann nicht gelesen werden: ",
            path.display()
        )),
        "{msg}"
    );
    std::fs::write(&path, b"this is not a zip file").unwrap();
    let err = read_with(std::slice::from_ref(&path), &threads(1)).unwrap_err();
    assert!(
        matches!(
            err,
            kundenwert_ingest::ImportError::NotAnExport {
                kind: kundenwert_ingest::FileKind::Text,
                ..
            }
        ),
        "{err:?}"
    );
}

/// A cell that refers to a shared string beyond the workbook's table: the spreadsheet reader
/// (calamine 0.31) panics on it; the import fails with the damaged-workbook message instead.
/// The workbook is written by `fuzz/make_xlsx_seeds.py`.
// See: issue 20 (found by the `xlsx_import` fuzz target)
#[test]
fn a_shared_string_beyond_the_table_fails_as_a_damaged_workbook() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/shared_string_out_of_range.xlsx");
    let err = match read_with(std::slice::from_ref(&path), &threads(1)) {
        Err(e) => e,
        Ok(_) => panic!("a damaged spreadsheet imports"),
    };
    for (lang, msg) in [
        (Lang::En, "is a damaged workbook: its cells cannot be read"),
        (
            Lang::De,
            "ist eine beschädigte Arbeitsmappe: ihre Zellen können nicht gelesen werden",
        ),
    ] {
        let (text, hint) = err.localized(lang);
        assert_eq!(text, format!("`{}` {msg}", path.display()));
        assert!(hint.is_some_and(|h| h.contains("CSV")), "{lang:?}");
    }
}

/// A sheet that starts lower down: line numbers are sheet rows all the same.
#[test]
fn sheet_starting_below_row_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = sheet_at(
        dir.path(),
        "tief.xlsx",
        3,
        &[
            vec![C::S("Kundennr."), C::S("Belegdatum"), C::S("Umsatz")],
            vec![C::N(1.0), C::D(2024, 2, 1), C::N(10.0)],
            vec![C::N(2.0), C::S("gestern"), C::N(10.0)],
        ],
    );
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(txs.len(), 1);
    assert_eq!(report.rejected[0].line, 6);
}

/// See: issue 20. A formula whose result is an error (`#DIV/0!`) in the amount column rejects
/// that row with the sheet row, the column and the error as written; the other rows are read.
#[test]
fn a_formula_error_cell_rejects_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    for (c, h) in ["Kundennr.", "Belegdatum", "Nettoumsatz"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        ws.write_number(r, 0, f64::from(10_000 + r)).unwrap();
        ws.write_string(r, 1, "05.03.2024").unwrap();
    }
    ws.write_number(1, 2, 120.5).unwrap();
    ws.write_formula(
        2,
        2,
        rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!"),
    )
    .unwrap();
    ws.write_number(3, 2, 80.0).unwrap();
    let path = dir.path().join("fehler.xlsx");
    workbook.save(&path).unwrap();

    let (txs, report) = read(&path, &threads(1));
    assert_eq!(
        (report.rows_read, report.rows_accepted, report.rows_rejected),
        (3, 2, 1)
    );
    assert_eq!(txs.len(), 2);
    let r = &report.rejected[0];
    assert_eq!((r.line, r.column.as_deref()), (3, Some("Nettoumsatz")));
    assert_eq!(
        r.reason.message(Lang::En),
        "'#DIV/0!' is not a number (format 1.234,56)"
    );
}
