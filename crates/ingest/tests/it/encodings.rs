//! Encodings: every encoding × delimiter × line end reads the same rows and totals, and
//! umlauts in names survive.

use std::collections::BTreeSet;

use crate::fixtures::{
    compact, expected_keys, keys, sample_rows, Col, DateFmt, Delim, Dialect, Enc, Headers,
    NumberFormat,
};
use crate::{cents, read, threads};

#[test]
fn every_encoding_and_delimiter_reads_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let rows = sample_rows(120);
    let want_revenue: i64 = rows.iter().map(|r| r.revenue).sum();
    let want_cost: i64 = rows.iter().filter_map(|r| r.cost).sum();
    let mut n = 0;
    for enc in Enc::ALL {
        for delim in Delim::ALL {
            for german in [true, false] {
                n += 1;
                let base = if german {
                    Dialect::german()
                } else {
                    Dialect::english()
                };
                let dialect = base.enc(enc).delim(delim).crlf(n % 2 == 0);
                let rows = if delim == Delim::Aligned {
                    compact(&rows)
                } else {
                    rows.clone()
                };
                let path = dialect.write(dir.path(), &format!("export-{n}.csv"), &rows);
                let case = format!("{enc:?} {delim:?} german={german} crlf={}", dialect.crlf);
                let (txs, report) = read(&path, &threads(1 + n % 3));
                assert_eq!(report.rows_read, rows.len() as u64, "{case}");
                assert_eq!(report.rows_rejected, 0, "{case}: {:?}", report.rejected);
                assert_eq!(report.blank_lines, 0, "{case}");
                assert_eq!(keys(&txs), expected_keys(&rows), "{case}");
                assert_eq!(
                    txs.iter().map(|t| t.revenue_cents()).sum::<i64>(),
                    want_revenue,
                    "{case}"
                );
                assert_eq!(
                    txs.iter().map(|t| cents(t.cost.unwrap())).sum::<i64>(),
                    want_cost,
                    "{case}"
                );
                let names: BTreeSet<_> = txs.iter().filter_map(|t| t.name.clone()).collect();
                let want: BTreeSet<_> = rows.iter().filter_map(|r| r.name.clone()).collect();
                assert_eq!(names, want, "{case}: umlauts survive");
                let f = &report.files[0];
                assert_eq!(f.encoding, enc.reported(), "{case}");
                assert_eq!(f.delimiter.as_deref(), Some(delim.reported()), "{case}");
                let decimal = if german { "," } else { "." };
                assert_eq!(f.decimal.as_deref(), Some(decimal), "{case}");
                assert_eq!(f.date_format, dialect.dates.reported(), "{case}");
                // Every column of the fixture is found by its German or English header.
                let roles: Vec<&str> = f.columns.iter().map(|(r, _)| r.as_str()).collect();
                assert_eq!(
                    roles,
                    [
                        "customer", "name", "date", "revenue", "cost", "quantity", "product",
                        "document"
                    ],
                    "{case}"
                );
                // Optional values come through too.
                let first = rows
                    .iter()
                    .find(|r| r.customer == txs[0].customer && r.date == txs[0].date)
                    .unwrap();
                assert_eq!(txs[0].quantity, first.quantity.map(|q| q as f64), "{case}");
            }
        }
    }
}

/// Names with umlauts and `ß`, in upper and lower case, read back byte for byte in every
/// encoding, also when quoted and containing the delimiter.
#[test]
fn umlauts_in_quoted_names_survive() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "Müller; Söhne \"Öl\" GmbH",
        "ÄÖÜ äöü ß – Straße",
        "Café Zürich, Inh. J. Groß",
        "Pipe|Tab\tCo",
    ];
    for enc in Enc::ALL {
        for delim in [Delim::Semicolon, Delim::Comma, Delim::Tab, Delim::Pipe] {
            let rows: Vec<_> = names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    crate::fixtures::Row::new(
                        &format!("K{i}"),
                        crate::date(2024, 5, 1 + i as u32),
                        1000,
                    )
                    .name(n)
                })
                .collect();
            let dialect = Dialect::german().enc(enc).delim(delim).columns(&[
                Col::Customer,
                Col::Name,
                Col::Date,
                Col::Revenue,
            ]);
            let path = dialect.write(dir.path(), "names.csv", &rows);
            let (txs, report) = read(&path, &threads(2));
            assert_eq!(
                report.rows_rejected, 0,
                "{enc:?} {delim:?}: {:?}",
                report.rejected
            );
            let got: Vec<_> = txs.iter().map(|t| t.name.clone().unwrap()).collect();
            assert_eq!(got, names, "{enc:?} {delim:?}");
        }
    }
}

/// A Windows-1252 export whose only umlauts are far into the file: the encoding is decided
/// by the first non-ASCII block, not taken as UTF-8 from the ASCII start.
#[test]
fn windows_1252_with_late_umlauts() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows: Vec<_> = (0..3000)
        .map(|i| {
            crate::fixtures::Row::new(
                &format!("{}", 20000 + i % 40),
                crate::date(2023, 1, 1) + chrono::Days::new(i % 365),
                1234,
            )
        })
        .map(|r| r.name("Plain Name"))
        .collect();
    rows.push(crate::fixtures::Row::new("30000", crate::date(2023, 12, 31), 99).name("Jörg Weiß"));
    let dialect = Dialect::german().columns(&[Col::Customer, Col::Name, Col::Date, Col::Revenue]);
    let path = dialect.write(dir.path(), "late.csv", &rows);
    let (txs, report) = read(&path, &threads(2));
    assert_eq!(report.files[0].encoding, "windows-1252");
    let last = txs.iter().find(|t| t.customer == "30000").unwrap();
    assert_eq!(last.name.as_deref(), Some("Jörg Weiß"));
}

/// English headers in a German-style file and German headers in an English-style file: the
/// header language does not decide the formats, the values do.
#[test]
fn header_language_is_independent_of_formats() {
    let dir = tempfile::tempdir().unwrap();
    let rows = sample_rows(30);
    for (headers, numbers, dates) in [
        (Headers::English, NumberFormat::GERMAN, DateFmt::Dotted),
        (Headers::German, NumberFormat::ENGLISH, DateFmt::Iso),
    ] {
        let mut d = Dialect::english()
            .delim(Delim::Tab)
            .numbers(numbers)
            .dates(dates);
        d.headers = headers;
        let path = d.write(dir.path(), "mixed.tsv", &rows);
        let (txs, report) = read(&path, &threads(1));
        assert_eq!(report.rows_rejected, 0, "{:?}", report.rejected);
        assert_eq!(keys(&txs), expected_keys(&rows), "{headers:?}");
    }
}

/// A tiny German Windows-1252 export whose only non-ASCII text is `ÖÜ`: the bytes are no UTF-8,
/// and a German ERP export should be read as Windows-1252 (the German
/// default), not as a Greek or Cyrillic code page.
#[test]

fn short_windows_1252_file_with_rare_umlauts() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["ÖÜ GmbH", "öÜ"] {
        let text = crate::fixtures::lines(
            &[
                "Kundennr.;Kundenname;Belegdatum;Nettoumsatz",
                &format!("1;{name};01.01.2024;1,00"),
            ],
            "\r\n",
        );
        let path = crate::fixtures::write_text(dir.path(), "kurz.csv", &text, Enc::Windows1252);
        let (txs, report) = read(&path, &threads(1));
        assert_eq!(report.files[0].encoding, "windows-1252", "{name}");
        assert_eq!(txs[0].name.as_deref(), Some(name));
    }
}

/// A Windows-1252 export whose only non-ASCII bytes are Excel's currency format `12,50 €` with a
/// no-break space (bytes `A0 80`): both the encoding and the amount form are
/// what German exports bring.
#[test]

fn windows_1252_with_only_euro_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::fixtures::lines(
        &[
            "Kundennr.;Kundenname;Belegdatum;Nettoumsatz",
            "1;Meyer;01.01.2024;1\u{a0}234,56\u{a0}€",
            "2;Schmidt;02.01.2024;12,50\u{a0}€",
        ],
        "\r\n",
    );
    let path = crate::fixtures::write_text(dir.path(), "euro.csv", &text, Enc::Windows1252);
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(report.files[0].encoding, "windows-1252");
    assert_eq!(report.rows_rejected, 0, "{:?}", report.rejected);
    assert_eq!(txs.iter().map(|t| t.revenue_cents()).sum::<i64>(), 124_706);
}

/// `--encoding` overrides the detection (the way round the detection bugs above), and a UTF-16
/// file without BOM reads when named.
#[test]
fn encoding_option_overrides_detection() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::fixtures::lines(
        &[
            "Kundennr.;Kundenname;Belegdatum;Nettoumsatz",
            "1;ÖÜ GmbH;01.01.2024;1\u{a0}234,56\u{a0}€",
            "2;Schmidt;02.01.2024;12,50\u{a0}€",
        ],
        "\r\n",
    );
    let path = crate::fixtures::write_text(dir.path(), "euro.csv", &text, Enc::Windows1252);
    for label in ["windows-1252", "latin1", " CP1252 "] {
        let options = kundenwert_ingest::ImportOptions {
            encoding: Some(label.into()),
            ..threads(1)
        };
        let (txs, report) = read(&path, &options);
        assert_eq!(report.files[0].encoding, "windows-1252", "{label}");
        assert_eq!(report.rows_rejected, 0, "{label}: {:?}", report.rejected);
        assert_eq!(txs[0].name.as_deref(), Some("ÖÜ GmbH"));
        assert_eq!(txs.iter().map(|t| t.revenue_cents()).sum::<i64>(), 124_706);
    }
    let mut utf16 = Vec::new();
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let path = dir.path().join("utf16.txt");
    std::fs::write(&path, utf16).unwrap();
    let options = kundenwert_ingest::ImportOptions {
        encoding: Some("utf-16le".into()),
        ..threads(2)
    };
    let (txs, report) = read(&path, &options);
    assert_eq!(report.files[0].encoding, "utf-16le");
    assert_eq!(txs.len(), 2);
    // Fixed dialect: `--delimiter` skips sniffing.
    let options = kundenwert_ingest::ImportOptions {
        encoding: Some("utf-16le".into()),
        dialect: Some(kundenwert_ingest::Dialect::Delimited(b';')),
        ..threads(1)
    };
    let (txs, _) = read(&path, &options);
    assert_eq!(txs[1].name.as_deref(), Some("Schmidt"));
}
