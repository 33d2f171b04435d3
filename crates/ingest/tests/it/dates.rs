//! Dates as exports write them: ISO with and without time, `DD.MM.YYYY`, `DD.MM.YY`, `M/D/YYYY`;
//! slash dates whose order the whole column cannot decide fail with `AmbiguousDates` and a
//! hint naming `--date-format`, which resolves them.

use kundenwert_core::Lang;
use kundenwert_ingest::{ImportError, ImportOptions};

use crate::fixtures::{lines, write_text, Col, DateFmt, Delim, Dialect, Enc, Row};
use crate::{date, read, read_err, threads};

#[test]
fn every_date_form_reads() {
    let dir = tempfile::tempdir().unwrap();
    let days = [
        date(2024, 3, 31),
        date(2024, 1, 5),
        date(2023, 12, 1),
        date(2024, 2, 29),
        date(2000, 1, 1),
        date(2069, 12, 31),
    ];
    for fmt in DateFmt::ALL {
        for delim in [Delim::Semicolon, Delim::Comma, Delim::Aligned] {
            if delim == Delim::Aligned && fmt == DateFmt::IsoTime {
                continue; // the time would be a column of its own
            }
            let rows: Vec<Row> = days
                .iter()
                .enumerate()
                .map(|(i, d)| Row::new(&format!("{}", 1 + i), *d, 1000))
                .collect();
            let dialect = Dialect::english().dates(fmt).delim(delim).columns(&[
                Col::Customer,
                Col::Date,
                Col::Revenue,
            ]);
            let path = dialect.write(dir.path(), "dates.csv", &rows);
            let (txs, report) = read(&path, &threads(2));
            assert_eq!(
                report.rows_rejected, 0,
                "{fmt:?} {delim:?}: {:?}",
                report.rejected
            );
            let mut got: Vec<_> = txs.iter().map(|t| t.date).collect();
            got.sort();
            let mut want = days.to_vec();
            want.sort();
            assert_eq!(got, want, "{fmt:?} {delim:?}");
            assert_eq!(
                report.files[0].date_format,
                fmt.reported(),
                "{fmt:?} {delim:?}"
            );
        }
    }
}

#[test]
fn single_values() {
    let cases: &[(&str, chrono::NaiveDate)] = &[
        ("2024-03-31", date(2024, 3, 31)),
        ("2024-03-31 23:59:59", date(2024, 3, 31)),
        ("2024-03-31T08:00:00Z", date(2024, 3, 31)),
        ("31.03.2024", date(2024, 3, 31)),
        ("1.3.2024", date(2024, 3, 1)),
        ("31.03.24", date(2024, 3, 31)),
        ("31.12.99", date(1999, 12, 31)),
        ("3/31/2024", date(2024, 3, 31)),
        ("12/13/2024", date(2024, 12, 13)),
        ("13/12/2024", date(2024, 12, 13)),
        ("20240331", date(2024, 3, 31)),
        ("45382", date(2024, 3, 31)),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (raw, want) in cases {
        let text = lines(&["customer|date|revenue", &format!("7|{raw}|1.00")], "\r\n");
        let path = write_text(dir.path(), "d.csv", &text, Enc::Utf8);
        let (txs, report) = read(&path, &threads(1));
        assert_eq!(report.rows_rejected, 0, "{raw}: {:?}", report.rejected);
        assert_eq!(txs[0].date, *want, "{raw}");
    }
}

fn ambiguous_file(dir: &std::path::Path) -> std::path::PathBuf {
    let text = lines(
        &[
            "Customer ID,Invoice Date,Amount",
            "1,01/02/2024,10.00",
            "2,03/04/2024,20.00",
            "3,12/11/2024,30.00",
            "4,05/05/2024,40.00",
        ],
        "\r\n",
    );
    write_text(dir, "us.csv", &text, Enc::Utf8)
}

#[test]
fn slash_dates_with_every_day_up_to_12_are_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let path = ambiguous_file(dir.path());
    let err = read_err(&path, &threads(1));
    let shown = path.display().to_string();
    match &err {
        ImportError::AmbiguousDates {
            path,
            column,
            example,
        } => {
            assert_eq!(path, &shown);
            assert_eq!(column, "Invoice Date");
            assert_eq!(example, "01/02/2024");
        }
        other => panic!("expected AmbiguousDates, got {other:?}"),
    }
    let (msg, hint) = err.localized(Lang::En);
    assert_eq!(
        msg,
        format!("`{shown}`, column `Invoice Date`: the order of day and month cannot be decided (every date such as `01/02/2024` fits both)")
    );
    assert_eq!(
        hint.as_deref(),
        Some("pass `--date-format %m/%d/%Y` (month first, US) or `--date-format %d/%m/%Y` (day first)")
    );
    let (msg, hint) = err.localized(Lang::De);
    assert_eq!(
        msg,
        format!("`{shown}`, Spalte `Invoice Date`: die Reihenfolge von Tag und Monat ist nicht zu entscheiden (jedes Datum wie `01/02/2024` passt zu beiden)")
    );
    assert!(hint.unwrap().contains("--date-format"));
}

#[test]
fn date_format_option_resolves_ambiguity() {
    let dir = tempfile::tempdir().unwrap();
    let path = ambiguous_file(dir.path());
    for (pattern, first) in [
        ("%m/%d/%Y", date(2024, 1, 2)),
        ("%d/%m/%Y", date(2024, 2, 1)),
    ] {
        let options = ImportOptions {
            date_format: Some(pattern.into()),
            ..threads(2)
        };
        let (txs, report) = read(&path, &options);
        assert_eq!(report.rows_accepted, 4);
        assert_eq!(txs[0].date, first, "{pattern}");
        assert_eq!(report.files[0].date_format, pattern);
    }
    // Any chrono pattern works, also one the detection does not know.
    let text = lines(
        &[
            "customer;date;revenue",
            "1;05-Mar-2024;1,00",
            "2;31-Dec-2023;2,00",
        ],
        "\n",
    );
    let path = write_text(dir.path(), "mon.csv", &text, Enc::Utf8);
    let options = ImportOptions {
        date_format: Some("%d-%b-%Y".into()),
        ..threads(1)
    };
    let (txs, _) = read(&path, &options);
    assert_eq!(
        txs.iter().map(|t| t.date).collect::<Vec<_>>(),
        [date(2024, 3, 5), date(2023, 12, 31)]
    );
}

/// One date with a day above 12 anywhere in the column decides the order for all of them,
/// even when it comes after thousands of ambiguous ones (the file is read again).
#[test]
fn a_late_unambiguous_date_decides_the_order() {
    let dir = tempfile::tempdir().unwrap();
    for (late, first) in [
        ("13/01/2024", date(2024, 2, 1)),
        ("01/13/2024", date(2024, 1, 2)),
    ] {
        let mut text = String::from("customer,date,revenue\n");
        for i in 0..6000 {
            text.push_str(&format!("{},01/02/2024,1.00\n", 10 + i % 20));
        }
        text.push_str(&format!("1,{late},1.00\n"));
        let path = write_text(dir.path(), "late.csv", &text, Enc::Utf8);
        let (txs, report) = read(&path, &threads(2));
        assert_eq!(report.rows_accepted, 6001, "{late}");
        assert!(
            txs.iter()
                .filter(|t| t.customer != "1")
                .all(|t| t.date == first),
            "{late}"
        );
        assert_eq!(txs[0].date, date(2024, 1, 13), "{late}");
    }
}

/// Dates that do not exist or have no known form are rejected with the column's pattern.
#[test]
fn invalid_dates_name_the_column_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "Kundennr.;Belegdatum;Nettoumsatz",
            "1;28.02.2024;1,00",
            "2;31.02.2024;1,00",
            "3;29.02.2023;1,00",
            "4;2024-13-01;1,00",
            "5;gestern;1,00",
        ],
        "\r\n",
    );
    let path = write_text(dir.path(), "bad-dates.csv", &text, Enc::Windows1252);
    let (_, report) = read(&path, &threads(1));
    let msgs: Vec<String> = report
        .rejected
        .iter()
        .map(|r| r.message(Lang::En))
        .collect();
    assert_eq!(
        msgs,
        [
            "Line 3, Belegdatum: '31.02.2024' is not a valid date (DD.MM.YYYY)",
            "Line 4, Belegdatum: '29.02.2023' is not a valid date (DD.MM.YYYY)",
            "Line 5, Belegdatum: '2024-13-01' is not a valid date (DD.MM.YYYY)",
            "Line 6, Belegdatum: 'gestern' is not a valid date (DD.MM.YYYY)",
        ]
    );
}

/// When no value of the date column is a date at all, the message still names a date pattern
/// a user can read, not an internal name.
#[test]
fn a_column_without_any_valid_date_names_a_readable_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let de = write_text(
        dir.path(),
        "de.csv",
        &lines(
            &["Kundennr.;Belegdatum;Nettoumsatz", "1;gestern;1,00"],
            "\r\n",
        ),
        Enc::Utf8,
    );
    let (_, report) = read(&de, &threads(1));
    assert_eq!(
        report.rejected[0].message(Lang::De),
        "Zeile 2, Belegdatum: 'gestern' ist kein gültiges Datum (TT.MM.JJJJ)"
    );
    let en = write_text(
        dir.path(),
        "en.csv",
        &lines(&["customer,date,revenue", "1,yesterday,1.00"], "\n"),
        Enc::Utf8,
    );
    let (_, report) = read(&en, &threads(1));
    assert_eq!(
        report.rejected[0].message(Lang::En),
        "Line 2, date: 'yesterday' is not a valid date (YYYY-MM-DD)"
    );
}
