//! Numbers: every form users bring, and the decimal separator decided per
//! column from the whole column (including the re-read when late rows decide).

use crate::fixtures::{
    amount, lines, write_text, Currency, Delim, Dialect, Enc, Grouping, Minus, NumberFormat, Row,
};
use crate::{date, read, threads};

/// One value in a German (`;`, dotted dates) or a neutral (tab, ISO dates) file, read alone.
fn read_one(value: &str, german: bool) -> Result<f64, String> {
    let dir = tempfile::tempdir().unwrap();
    let text = if german {
        lines(
            &[
                "Kundennr.;Belegdatum;Nettoumsatz",
                &format!("1;31.03.2024;{value}"),
            ],
            "\r\n",
        )
    } else {
        lines(
            &["customer\tdate\tamount", &format!("1\t2024-03-31\t{value}")],
            "\n",
        )
    };
    let path = write_text(dir.path(), "one.csv", &text, Enc::Utf8);
    let (txs, report) = read(&path, &threads(1));
    match txs.first() {
        Some(t) => Ok(t.revenue),
        None => Err(report.rejected[0].message(kundenwert_core::Lang::En)),
    }
}

#[test]
fn forms_users_bring() {
    let cases: &[(&str, f64)] = &[
        ("1.234,56", 1234.56),
        ("1234,56", 1234.56),
        ("-250,00", -250.0),
        ("250,00-", -250.0),
        ("1.250,00-", -1250.0),
        ("1 234,56 €", 1234.56),
        ("1\u{a0}234,56\u{a0}€", 1234.56),
        ("1\u{a0}234,56 €", 1234.56),
        ("1\u{202f}234,56\u{a0}€", 1234.56),
        ("EUR 5,00", 5.0),
        ("EUR -5,00", -5.0),
        ("-1.234,56 €", -1234.56),
        ("0,99", 0.99),
        ("1.234.567,89", 1_234_567.89),
        (" 17,50 ", 17.5),
    ];
    for (raw, want) in cases {
        for german in [true, false] {
            assert_eq!(read_one(raw, german), Ok(*want), "{raw:?} german={german}");
        }
    }
    let english: &[(&str, f64)] = &[
        ("1,234.56", 1234.56),
        ("1234.56", 1234.56),
        ("-250.00", -250.0),
        ("250.00-", -250.0),
        ("$1,234.56", 1234.56),
        ("(12.50)", -12.5),
        ("1,234,567.89", 1_234_567.89),
    ];
    for (raw, want) in english {
        assert_eq!(read_one(raw, false), Ok(*want), "{raw:?}");
    }
}

/// A column written in one generated style reads back exactly, for every style.
#[test]
fn every_number_format_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let values: Vec<i64> = vec![123_456, -25_000, 99, 0, 100_000_000, -1, 5_000, 123_456_789];
    let rows: Vec<Row> = values
        .iter()
        .enumerate()
        .map(|(i, v)| Row::new(&format!("{i}"), date(2024, 1, 1 + i as u32), *v))
        .collect();
    let mut n = 0;
    for decimal_comma in [true, false] {
        for grouping in [
            Grouping::None,
            Grouping::Separator,
            Grouping::Space,
            Grouping::NoBreakSpace,
        ] {
            for minus in [Minus::Leading, Minus::Trailing] {
                for currency in [Currency::None, Currency::EuroSuffix, Currency::EurPrefix] {
                    n += 1;
                    let f = NumberFormat {
                        decimal_comma,
                        grouping,
                        minus,
                        currency,
                    };
                    let dialect = Dialect::english()
                        .delim(if n % 2 == 0 {
                            Delim::Semicolon
                        } else {
                            Delim::Pipe
                        })
                        .numbers(f)
                        .enc(Enc::Utf8)
                        .columns(&[
                            crate::fixtures::Col::Customer,
                            crate::fixtures::Col::Date,
                            crate::fixtures::Col::Revenue,
                        ]);
                    let path = dialect.write(dir.path(), &format!("n{n}.csv"), &rows);
                    let (txs, report) = read(&path, &threads(1));
                    assert_eq!(report.rows_rejected, 0, "{f:?}: {:?}", report.rejected);
                    let mut got: Vec<(String, i64)> = txs
                        .iter()
                        .map(|t| (t.customer.clone(), t.revenue_cents()))
                        .collect();
                    got.sort();
                    let mut want: Vec<(String, i64)> = rows
                        .iter()
                        .map(|r| (r.customer.clone(), r.revenue))
                        .collect();
                    want.sort();
                    assert_eq!(got, want, "{f:?}: {}", amount(123_456, f));
                    let sep = if decimal_comma { "," } else { "." };
                    assert_eq!(report.files[0].decimal.as_deref(), Some(sep), "{f:?}");
                }
            }
        }
    }
}

/// Credit notes and returns are negative lines and count in the totals.
#[test]
fn credit_notes_count() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "Kundennr.;Belegdatum;Nettoumsatz;Wareneinsatz",
            "10001;02.01.2024;1.000,00;600,00",
            "10001;05.01.2024;250,00-;150,00-",
            "10001;06.01.2024;-100,00;-60,00",
            "10002;07.01.2024;50,00;20,00",
        ],
        "\r\n",
    );
    let path = write_text(dir.path(), "gs.csv", &text, Enc::Windows1252);
    let (txs, report) = read(&path, &threads(2));
    assert_eq!(report.rows_accepted, 4);
    let revenue: f64 = txs.iter().map(|t| t.revenue).sum();
    let cost: f64 = txs.iter().filter_map(|t| t.cost).sum();
    assert_eq!(crate::cents(revenue), 70_000);
    assert_eq!(crate::cents(cost), 41_000);
    let margins: Vec<i64> = txs.iter().map(|t| crate::cents(t.margin())).collect();
    assert_eq!(margins, [40_000, -10_000, -4_000, 3_000]);
}

trait Margin {
    fn margin(&self) -> f64;
}

impl Margin for crate::Tx {
    fn margin(&self) -> f64 {
        self.revenue - self.cost.expect("cost")
    }
}

/// The first 6000 values of the column are `1.234`, readable as 1234 or as 1.234; the
/// provisional decision from the first rows (a tab file with ISO dates: decimal point) is
/// wrong. Only late rows (`12,5`) decide for the decimal comma: the file is read again, and
/// every value comes out right, none is rejected, and counts are not doubled.
#[test]
fn decimal_decided_by_late_rows_rereads_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for threads_n in [1, 3] {
        let mut text = String::from("customer\tdate\tamount\tqty\n");
        let mut want_cents = 0i64;
        for i in 0..6000u32 {
            let thousands = 1 + i % 9;
            text.push_str(&format!(
                "C{}\t2024-02-{:02}\t{thousands}.234\t1.000\n",
                i % 50,
                1 + i % 28
            ));
            want_cents += i64::from(thousands) * 100_000 + 23_400;
        }
        for i in 0..30u32 {
            text.push_str(&format!("C{i}\t2024-03-01\t12,5\t2\n"));
            want_cents += 1250;
        }
        let path = write_text(dir.path(), "late-comma.tsv", &text, Enc::Utf8);
        let (txs, report) = read(&path, &threads(threads_n));
        assert_eq!(report.rows_read, 6030);
        assert_eq!(report.rows_accepted, 6030, "{:?}", report.rejected.first());
        assert_eq!(report.files[0].decimal.as_deref(), Some(","));
        let total: i64 = txs.iter().map(|t| t.revenue_cents()).sum();
        assert_eq!(total, want_cents);
        assert!(txs.iter().any(|t| t.revenue == 1234.0));
        // Quantity `1.000` has no decisive value of its own: it follows the file (comma).
        assert!(txs
            .iter()
            .filter(|t| t.revenue != 12.5)
            .all(|t| t.quantity == Some(1000.0)));
    }
}

/// The opposite: a German-looking `;` file whose first rows are ambiguous `1.234` and whose
/// late rows are `12.50`: the decimal point wins from the whole column.
#[test]
fn decimal_point_decided_late_in_a_semicolon_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Kundennr.;Rechnungsdatum;Betrag\r\n");
    for i in 0..6000u32 {
        text.push_str(&format!(
            "{};2024-01-{:02};2.500\r\n",
            100 + i % 7,
            1 + i % 28
        ));
    }
    for _ in 0..10 {
        text.push_str("200;2024-02-01;12.50\r\n");
    }
    let path = write_text(dir.path(), "late-point.csv", &text, Enc::Utf8);
    let (txs, report) = read(&path, &threads(2));
    assert_eq!(report.rows_rejected, 0, "{:?}", report.rejected.first());
    assert_eq!(report.files[0].decimal.as_deref(), Some("."));
    assert!(txs
        .iter()
        .filter(|t| t.customer != "200")
        .all(|t| t.revenue == 2.5));
    assert!(txs
        .iter()
        .filter(|t| t.customer == "200")
        .all(|t| t.revenue == 12.5));
}

/// Only ambiguous values: a `;` file with dotted dates is German (1.234 = 1234), a `,` file
/// with ISO dates is English (1.234 = 1.234). `--decimal` overrides.
#[test]
fn ambiguous_columns_follow_the_file_and_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let de = write_text(
        dir.path(),
        "de.csv",
        &lines(
            &[
                "Kundennr.;Datum;Umsatz",
                "1;01.02.2024;1.234",
                "2;02.02.2024;2.500",
            ],
            "\n",
        ),
        Enc::Utf8,
    );
    let en = write_text(
        dir.path(),
        "en.csv",
        &lines(
            &[
                "customer,date,amount",
                "1,2024-02-01,1.234",
                "2,2024-02-02,2.500",
            ],
            "\n",
        ),
        Enc::Utf8,
    );
    let (txs, _) = read(&de, &threads(1));
    assert_eq!(txs[0].revenue, 1234.0);
    let (txs, _) = read(&en, &threads(1));
    assert_eq!(txs[0].revenue, 1.234);
    let forced = kundenwert_ingest::ImportOptions {
        decimal: Some(kundenwert_ingest::DecimalStyle::Comma),
        ..threads(1)
    };
    let (txs, report) = read(&en, &forced);
    assert_eq!(txs[0].revenue, 1234.0);
    assert_eq!(report.files[0].decimal.as_deref(), Some(","));
}

/// A value that does not fit the column's style is rejected rather than misread: `12,5` in a
/// column of decimal points is not 125.
#[test]
fn values_against_the_column_style_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "customer,date,amount",
            "1,2024-02-01,1234.50",
            "2,2024-02-02,99.95",
            "3,2024-02-03,\"12,5\"",
            "4,2024-02-04,7.25",
        ],
        "\n",
    );
    let path = write_text(dir.path(), "mixed.csv", &text, Enc::Utf8);
    let (_, report) = read(&path, &threads(1));
    assert_eq!(report.rows_rejected, 1);
    assert_eq!(
        report.rejected[0].message(kundenwert_core::Lang::En),
        "Line 4, amount: '12,5' is not a number (format 1,234.56)"
    );
}
