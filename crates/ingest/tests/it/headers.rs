//! Headers and derivations: German and English synonyms (case- and
//! punctuation-insensitive), `--column ROLE=HEADER`, revenue = quantity × unit price,
//! cost = revenue − margin, DATEV `EXTF` files, several files combined.

use kundenwert_core::{Lang, Role};
use kundenwert_ingest::{ImportError, ImportOptions};

use crate::fixtures::{lines, sample_rows, write_text, Col, Dialect, Enc};
use crate::{cents, date, read, read_err, read_with, threads};

/// Role → header of a file's report.
fn column(report: &kundenwert_ingest::ImportReport, role: Role) -> Option<String> {
    report.files[0]
        .columns
        .iter()
        .find(|(r, _)| r == role.as_str())
        .map(|(_, h)| h.clone())
}

/// Every synonym `header.rs` knows, plus variants in case and punctuation.
#[test]
fn header_synonyms() {
    let synonyms: &[(Role, &[&str])] = &[
        (
            Role::Customer,
            &[
                "Kundennummer",
                "Kundennr.",
                "Kunden-Nr",
                "Debitor",
                "Debitorennummer",
                "Customer ID",
                "CustomerID",
                "customer_id",
                "KUNDEN-NR.",
                "kunden nr",
                "Kd.-Nr.",
            ],
        ),
        (
            Role::Name,
            &["Kundenname", "Name", "Firma", "Customer Name", "KUNDENNAME"],
        ),
        (
            Role::Date,
            &[
                "Datum",
                "Rechnungsdatum",
                "Belegdatum",
                "Buchungsdatum",
                "Auftragsdatum",
                "Order Date",
                "Invoice Date",
                "InvoiceDate",
                "date",
                "invoice_date",
                "BELEG-DATUM",
            ],
        ),
        (
            Role::Revenue,
            &[
                "Umsatz",
                "Nettoumsatz",
                "Nettobetrag",
                "Betrag",
                "Revenue",
                "Sales",
                "Amount",
                "Netto-Umsatz",
                "Nettoumsatz EUR",
            ],
        ),
        (
            Role::Cost,
            &["Wareneinsatz", "Einstandskosten", "Kosten", "Cost", "COGS"],
        ),
        (
            Role::Margin,
            &[
                "Deckungsbeitrag",
                "DB",
                "Rohertrag",
                "Marge",
                "Profit",
                "Margin",
                "DB I",
            ],
        ),
        (
            Role::Quantity,
            &["Menge", "Anzahl", "Quantity", "Qty", "QTY."],
        ),
        (
            Role::UnitPrice,
            &[
                "Einzelpreis",
                "Preis",
                "Stückpreis",
                "Unit Price",
                "UnitPrice",
                "Price",
                "STÜCKPREIS",
                "unit-price",
            ],
        ),
        (
            Role::Product,
            &[
                "Artikel",
                "Artikelnummer",
                "Produkt",
                "Product",
                "StockCode",
                "SKU",
            ],
        ),
        (
            Role::Document,
            &[
                "Belegnummer",
                "Rechnungsnummer",
                "Invoice",
                "InvoiceNo",
                "Order ID",
                "Beleg-Nr.",
            ],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let base = |role: Role| match role {
        Role::Customer => "Kundennr.",
        Role::Date => "Belegdatum",
        Role::Revenue => "Nettoumsatz",
        _ => unreachable!(),
    };
    for (role, headers) in synonyms {
        for header in *headers {
            let mut cols: Vec<(Role, String, &str)> = Vec::new();
            for required in [Role::Customer, Role::Date, Role::Revenue] {
                if required != *role {
                    let value = match required {
                        Role::Customer => "10001",
                        Role::Date => "31.03.2024",
                        _ => "12,50",
                    };
                    cols.push((required, base(required).to_string(), value));
                }
            }
            let value = match role {
                Role::Customer => "10001",
                Role::Date => "31.03.2024",
                Role::Name | Role::Product | Role::Document => "X-1",
                _ => "12,50",
            };
            cols.push((*role, header.to_string(), value));
            // When the role is unit price or quantity there is also a revenue column, so the
            // role is taken on its own merits.
            let text = lines(
                &[
                    &cols
                        .iter()
                        .map(|c| c.1.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    &cols.iter().map(|c| c.2).collect::<Vec<_>>().join(";"),
                ],
                "\r\n",
            );
            let path = write_text(dir.path(), "syn.csv", &text, Enc::Windows1252);
            let (txs, report) = read(&path, &threads(1));
            assert_eq!(
                column(&report, *role).as_deref(),
                Some(*header),
                "{header:?} should be {role}: {:?}",
                report.files[0].columns
            );
            assert_eq!(report.rows_accepted, 1, "{header:?}: {:?}", report.rejected);
            assert_eq!(txs[0].customer, "10001");
        }
    }
}

/// `--column ROLE=HEADER` maps a column no synonym knows, by exact header, by a loosely
/// written header, or by position (`#N`), and wins over a synonym.
#[test]
fn column_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "cust_no,when,dollar_value,Umsatz,number_of_cds",
            "00007,1997-01-01,11.77,999.00,1",
            "00008,1997-01-02,12.00,999.00,2",
        ],
        "\n",
    );
    let path = write_text(dir.path(), "odd.csv", &text, Enc::Utf8);
    let err = read_err(&path, &threads(1));
    assert!(
        matches!(&err, ImportError::MissingColumns { missing, .. } if missing == &[Role::Customer, Role::Date]),
        "{err:?}"
    );
    for overrides in [
        vec![
            (Role::Customer, "cust_no"),
            (Role::Date, "when"),
            (Role::Revenue, "dollar_value"),
        ],
        vec![
            (Role::Customer, "CUST-NO"),
            (Role::Date, " When "),
            (Role::Revenue, "Dollar Value"),
        ],
        vec![
            (Role::Customer, "#1"),
            (Role::Date, "2"),
            (Role::Revenue, "#3"),
        ],
    ] {
        let options = ImportOptions {
            columns: overrides.iter().map(|(r, h)| (*r, h.to_string())).collect(),
            ..threads(1)
        };
        let (txs, report) = read(&path, &options);
        assert_eq!(
            column(&report, Role::Revenue).as_deref(),
            Some("dollar_value"),
            "{overrides:?}"
        );
        assert_eq!(column(&report, Role::Customer).as_deref(), Some("cust_no"));
        assert_eq!(txs.iter().map(|t| t.revenue_cents()).sum::<i64>(), 2377);
        // Customer numbers keep their leading zeros.
        assert_eq!(txs[0].customer, "00007");
        // The override took `dollar_value`; `Umsatz` stays unused rather than taking another role.
        assert_eq!(column(&report, Role::Quantity).as_deref(), None);
    }
    let options = ImportOptions {
        columns: vec![
            (Role::Customer, "cust_no".into()),
            (Role::Date, "when".into()),
            (Role::Quantity, "number_of_cds".into()),
        ],
        ..threads(1)
    };
    let (txs, report) = read(&path, &options);
    assert_eq!(column(&report, Role::Revenue).as_deref(), Some("Umsatz"));
    assert_eq!(txs[1].quantity, Some(2.0));
}

#[test]
fn an_override_naming_a_missing_header_fails_with_the_headers_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_text(
        dir.path(),
        "x.csv",
        &lines(&["Kundennr.;Datum;Umsatz", "1;01.01.2024;1,00"], "\n"),
        Enc::Utf8,
    );
    let options = ImportOptions {
        columns: vec![(Role::Revenue, "Nettoumsatz".into())],
        ..threads(1)
    };
    let err = read_err(&path, &options);
    let shown = path.display().to_string();
    let (msg, hint) = err.localized(Lang::En);
    assert_eq!(
        msg,
        format!("`{shown}` has no column `Nettoumsatz` (asked for as `revenue`); found: `Kundennr.`, `Datum`, `Umsatz`")
    );
    assert_eq!(
        hint.as_deref(),
        Some("give the header exactly as in the file, or `#N` for the N-th column")
    );
    let (msg, _) = err.localized(Lang::De);
    assert_eq!(
        msg,
        format!("`{shown}` hat keine Spalte `Nettoumsatz` (angegeben für `revenue`); gefunden: `Kundennr.`, `Datum`, `Umsatz`")
    );
}

/// Two overrides naming one column, or one role for two columns: the import is refused naming
/// both, in German and English, rather than dropping one override silently.
// See: issue 20 (found by the `header` fuzz target: the earlier override was dropped and the
// import then failed only because that role was missing, or not at all for an optional role).
#[test]
fn contradicting_overrides_are_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_text(
        dir.path(),
        "x.csv",
        &lines(
            &["Kunde;Datum;Umsatz;Kosten", "1;01.01.2024;1,00;0,50"],
            "\n",
        ),
        Enc::Utf8,
    );
    let shown = path.display().to_string();
    let cases = [
        (
            vec![(Role::Customer, "Kunde"), (Role::Revenue, "#1")],
            format!("`{shown}`: the column `Kunde` is given for two roles, `customer` and `revenue`"),
            format!("`{shown}`: die Spalte `Kunde` ist für zwei Rollen angegeben, `customer` und `revenue`"),
        ),
        (
            vec![(Role::Cost, "Umsatz"), (Role::Cost, "Kosten")],
            format!("`{shown}`: two columns are given for `cost`, `Umsatz` and `Kosten`"),
            format!("`{shown}`: für `cost` sind zwei Spalten angegeben, `Umsatz` und `Kosten`"),
        ),
    ];
    for (overrides, en, de) in cases {
        let options = ImportOptions {
            columns: overrides.iter().map(|(r, h)| (*r, h.to_string())).collect(),
            ..threads(1)
        };
        let err = read_err(&path, &options);
        assert!(
            matches!(err, ImportError::ConflictingColumns { .. }),
            "{err:?}"
        );
        let (msg, hint) = err.localized(Lang::En);
        assert_eq!(msg, en);
        assert!(hint.is_some_and(|h| h.contains("leave out one of the two")));
        assert_eq!(err.localized(Lang::De).0, de);
    }
}

/// No revenue column: revenue = quantity × unit price, reported as derived; the decimal
/// reported is the unit price column's.
#[test]
fn revenue_from_quantity_and_unit_price() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
            "536365,85123A,6,12/1/2010 8:26,2.55,17850,United Kingdom",
            "536365,71053,6,12/1/2010 8:26,3.39,17850,United Kingdom",
            "C536379,D,-1,12/1/2010 9:41,27.50,14527,United Kingdom",
            "536520,21123,1,12/13/2010 12:43,1.25,14729,United Kingdom",
        ],
        "\r\n",
    );
    let path = write_text(dir.path(), "online-retail.csv", &text, Enc::Utf8);
    let (txs, report) = read(&path, &threads(2));
    assert_eq!(report.rows_rejected, 0, "{:?}", report.rejected);
    let f = &report.files[0];
    assert_eq!(f.derived, ["revenue = quantity × unit_price"]);
    assert_eq!(f.decimal.as_deref(), Some("."));
    assert_eq!(f.date_format, "%m/%d/%Y");
    let got: Vec<(String, i64, Option<f64>)> = txs
        .iter()
        .map(|t| (t.customer.clone(), t.revenue_cents(), t.quantity))
        .collect();
    assert_eq!(
        got,
        [
            ("14527".to_string(), -2750, Some(-1.0)),
            ("14729".to_string(), 125, Some(1.0)),
            ("17850".to_string(), 2034, Some(6.0)),
            ("17850".to_string(), 1530, Some(6.0)),
        ]
    );
    assert_eq!(txs[0].date, date(2010, 12, 1));
    assert_eq!(txs[1].date, date(2010, 12, 13));
    assert_eq!(txs[0].document.as_deref(), Some("C536379"));
    assert_eq!(txs[0].cost, None);
    assert!(!report.has_cost());
}

/// German headers: Menge × Einzelpreis; a row without a price is rejected for the price column.
#[test]
fn german_quantity_times_price_and_missing_parts() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "Kundennr.;Belegdatum;Menge;Stückpreis",
            "1;02.01.2024;3;1.000,50",
            "2;02.01.2024;2;",
            "3;02.01.2024;;5,00",
            "4;02.01.2024;x;5,00",
        ],
        "\r\n",
    );
    let path = write_text(dir.path(), "menge.csv", &text, Enc::Windows1252);
    let (txs, report) = read(&path, &threads(1));
    assert_eq!(txs.len(), 1);
    assert_eq!(txs[0].revenue_cents(), 300_150);
    let msgs: Vec<String> = report
        .rejected
        .iter()
        .map(|r| r.message(Lang::De))
        .collect();
    assert_eq!(
        msgs,
        [
            "Zeile 3, Stückpreis: Betrag fehlt; Zeile übersprungen",
            "Zeile 4, Menge: Betrag fehlt; Zeile übersprungen",
            "Zeile 5, Menge: 'x' ist keine Zahl (Format 1.234,56)",
        ]
    );
}

/// A margin column and no cost column: cost = revenue − margin.
#[test]
fn cost_from_margin() {
    let dir = tempfile::tempdir().unwrap();
    for (header, lang_rows) in [
        (
            "Kundennr.;Belegdatum;Nettoumsatz;Deckungsbeitrag",
            [
                "1;02.01.2024;1.000,00;300,00",
                "1;03.01.2024;200,00-;50,00-",
                "2;04.01.2024;10,00;",
            ],
        ),
        (
            "Customer ID;Invoice Date;Sales;Profit",
            [
                "1;2024-01-02;1000.00;300.00",
                "1;2024-01-03;-200.00;-50.00",
                "2;2024-01-04;10.00;",
            ],
        ),
    ] {
        let text = lines(&[header, lang_rows[0], lang_rows[1], lang_rows[2]], "\n");
        let path = write_text(dir.path(), "db.csv", &text, Enc::Utf8);
        let (txs, report) = read(&path, &threads(1));
        assert_eq!(report.rows_rejected, 0, "{:?}", report.rejected);
        assert_eq!(report.files[0].derived, ["cost = revenue − margin"]);
        assert!(report.has_cost());
        let costs: Vec<i64> = txs.iter().map(|t| cents(t.cost.unwrap())).collect();
        // An empty margin cell means no margin: the whole revenue is cost.
        assert_eq!(costs, [70_000, -15_000, 1_000], "{header}");
    }
}

/// A DATEV export: the `EXTF` line comes first, the column names from line 2, and line
/// numbers still count the `EXTF` line.
#[test]
fn datev_extf_header() {
    let dir = tempfile::tempdir().unwrap();
    let text = lines(
        &[
            "\"EXTF\";700;21;\"Buchungsstapel\";13;20240105103000000;;\"RE\";\"\";\"\";12345;67890;20240101;4;20240101;20240131;\"Januar\";\"\";1;;0;\"EUR\"",
            "Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen;WKZ Umsatz;Konto;Gegenkonto (ohne BU-Schlüssel);Belegdatum;Belegfeld 1;Buchungstext",
            "1190,00;S;EUR;10001;8400;03.01.2024;RE-1;Müller GmbH",
            "595,00;S;EUR;10002;8400;04.01.2024;RE-2;Bäcker KG",
            "119,00;H;EUR;10001;8400;32.01.2024;GS-1;Müller GmbH",
        ],
        "\r\n",
    );
    let path = write_text(
        dir.path(),
        "EXTF_Buchungsstapel.csv",
        &text,
        Enc::Windows1252,
    );
    let options = ImportOptions {
        columns: vec![(Role::Customer, "Konto".into())],
        ..threads(1)
    };
    let (txs, report) = read(&path, &options);
    let f = &report.files[0];
    assert!(f.datev);
    assert_eq!(
        column(&report, Role::Revenue).as_deref(),
        Some("Umsatz (ohne Soll/Haben-Kz)")
    );
    assert_eq!(column(&report, Role::Date).as_deref(), Some("Belegdatum"));
    assert_eq!(
        column(&report, Role::Document).as_deref(),
        Some("Belegfeld 1")
    );
    assert_eq!(f.rows_read, 3);
    assert_eq!(txs.iter().map(|t| t.revenue_cents()).sum::<i64>(), 178_500);
    assert_eq!(txs[0].document.as_deref(), Some("RE-1"));
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(
        report.rejected[0].message(Lang::En),
        "Line 5, Belegdatum: '32.01.2024' is not a valid date (DD.MM.YYYY)"
    );
    // Without the override the file names what it found.
    let err = read_err(&path, &threads(1));
    match err {
        ImportError::MissingColumns { found, missing, .. } => {
            assert_eq!(missing, [Role::Customer]);
            assert_eq!(found[3], "Konto");
            assert_eq!(found.len(), 8);
        }
        other => panic!("{other:?}"),
    }
}

/// Several files are combined: one German (Windows-1252, `;`, CRLF), one English (UTF-8, `,`,
/// LF), one with quantity × price; totals, per-file reports and rejections per file.
#[test]
fn several_files_combined() {
    let dir = tempfile::tempdir().unwrap();
    let rows = sample_rows(60);
    let a = Dialect::german().write(dir.path(), "2022.csv", &rows[..30]);
    let b = Dialect::english()
        .columns(&[Col::Customer, Col::Date, Col::Revenue, Col::Name])
        .write(dir.path(), "2023.csv", &rows[30..]);
    let c = write_text(
        dir.path(),
        "2024.csv",
        &lines(
            &[
                "Kundennr.;Belegdatum;Menge;Einzelpreis",
                "10001;02.01.2024;2;10,00",
                "10009;31.02.2024;1;1,00",
            ],
            "\r\n",
        ),
        Enc::Windows1252,
    );
    let (txs, report) = read_with(&[a.clone(), b.clone(), c.clone()], &threads(2)).unwrap();
    assert_eq!(report.files.len(), 3);
    assert_eq!(report.rows_read, 62);
    assert_eq!(report.rows_accepted, 61);
    let want: i64 = rows.iter().map(|r| r.revenue).sum::<i64>() + 2000;
    assert_eq!(txs.iter().map(|t| t.revenue_cents()).sum::<i64>(), want);
    assert_eq!(report.files[0].path, a.display().to_string());
    assert_eq!(report.files[0].encoding, "windows-1252");
    assert_eq!(report.files[1].encoding, "utf-8");
    assert_eq!(report.files[1].delimiter.as_deref(), Some(","));
    assert_eq!(report.files[2].derived, ["revenue = quantity × unit_price"]);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].file, c.display().to_string());
    assert_eq!(report.rejected[0].line, 3);
    // Not every file has cost: the import says so.
    assert!(!report.has_cost());
    // Customers from different files are the same customers.
    assert!(txs.iter().filter(|t| t.customer == "10001").count() > 10);
    // One failing file fails the whole import.
    let bad = write_text(dir.path(), "bad.csv", "a;b;c\n1;2;3\n", Enc::Utf8);
    assert!(matches!(
        read_with(&[a, bad], &threads(1)),
        Err(ImportError::MissingColumns { .. })
    ));
}
