//! The report on a small deterministic workspace (the demo company with 120 customers, its
//! chain and focus plan, and a customer whose name is a formula): the model and the HTML
//! pinned as snapshots, the HTML self-contained, the workbook read back with calamine.

use calamine::{open_workbook, Data, DataType, Reader, Xlsx};
use chrono::Datelike;
use kundenwert_core::Lang;
use kundenwert_report::{html, xlsx};
use kundenwert_store::Workspace;

mod common;

use common::{report, stored_figures, workspace, FORMULA_NAME, FORMULA_NUMBER};

#[test]
fn the_model_and_the_html_are_pinned_in_both_languages() {
    let (_dir, bench) = workspace();
    for lang in [Lang::De, Lang::En] {
        let report = report(&bench, lang);
        let code = lang.code();
        insta::assert_json_snapshot!(format!("model_{code}"), report);
        insta::assert_snapshot!(format!("html_{code}"), html::render(&report));
    }
}

#[test]
fn the_html_needs_nothing_from_outside() {
    let (_dir, bench) = workspace();
    let page = html::render(&report(&bench, Lang::De));
    assert!(page.contains("default-src 'none'"));
    // `url(#…)` (a hatch pattern inside the same SVG) fetches nothing; any other `url(` would.
    assert_eq!(page.matches("url(").count(), page.matches("url(#").count());
    for outside in ["http://", "https://", "<script", "<link", "@import"] {
        // Namespaces of inline SVG are names, not requests.
        let requests = page
            .match_indices(outside)
            .filter(|(i, _)| {
                !page[..*i].ends_with("xmlns=\"") && !page[..*i].ends_with("xmlns:xlink=\"")
            })
            .count();
        assert_eq!(requests, 0, "{outside} in the report");
    }
    assert!(page.contains("@media print"));
    // German numbers and dates in the German report.
    assert!(page.contains("Kundentypen"));
    assert!(!page.contains("=HYPERLINK(\"x\")"), "names are escaped");
}

#[test]
fn the_workbook_holds_every_customer_with_numbers_and_formulas_stay_text() {
    let (dir, bench) = workspace();
    let report = report(&bench, Lang::En);
    let path = dir.path().join("report.xlsx");
    xlsx::write(&bench, &report, &path).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Customers", "Value per month"]
    );
    let customers = book.worksheet_range("Customers").unwrap();
    let header: Vec<String> = customers
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "Number",
            "Name",
            "Type",
            "Reason",
            "Status",
            "ABC",
            "Current value",
            "Future value",
            "Future value, low",
            "Future value, high",
            "P(alive)",
            "Revenue",
            "Margin",
            "Orders",
            "First order",
            "Last order"
        ]
    );
    assert_eq!(customers.height() as u64 - 1, report.overview.customers);
    let row = customers
        .rows()
        .find(|r| r[0] == Data::String(FORMULA_NUMBER.into()))
        .expect("the customer is listed");
    assert_eq!(
        row[1],
        Data::String(FORMULA_NAME.into()),
        "a formula name stays a string"
    );
    let (stored, _) = bench.customer(FORMULA_NUMBER).unwrap().unwrap();
    assert_eq!(row[6], Data::Float(stored.current_value));
    assert_eq!(row[11], Data::Float(stored.revenue));
    assert_eq!(row[13], Data::Float(stored.orders as f64));
    assert_eq!(row[10], Data::Float(stored.p_alive.unwrap()));

    let months = book.worksheet_range("Value per month").unwrap();
    assert_eq!(months.height(), customers.height());
    let header: Vec<String> = months
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[..2], ["Number", "Name"]);
    let row = months
        .rows()
        .find(|r| r[0] == Data::String(FORMULA_NUMBER.into()))
        .unwrap();
    // Four months with business, 1000 + i revenue and 600 cost each, the latest (i = 0)
    // last: margins 403, 402, 401, 400 in month order.
    let values: Vec<f64> = row[2..].iter().filter_map(|c| c.get_float()).collect();
    assert_eq!(values, [403.0, 402.0, 401.0, 400.0]);
    // Every month's value to the cent, as the reader's money is (the store keeps months in
    // single precision; widened as they are, 6,587.80 would read 6,587.7998046875).
    let mut amounts = 0;
    for v in months
        .rows()
        .skip(1)
        .flat_map(|r| r[2..].iter().filter_map(|c| c.get_float()))
    {
        amounts += 1;
        let cents = v * 100.0;
        assert!(
            (cents - cents.round()).abs() < 1e-6,
            "{v} is not to the cent"
        );
    }
    assert!(amounts > 100, "{amounts} month values");

    let summary = book.worksheet_range("Summary").unwrap();
    assert!(summary
        .rows()
        .any(|r| r[0] == Data::String("Customers".into())
            && r[1] == Data::Float(report.overview.customers as f64)));
}

#[test]
fn a_german_workbook_has_german_headers() {
    let (dir, bench) = workspace();
    let report = report(&bench, Lang::De);
    let path = dir.path().join("bericht.xlsx");
    xlsx::write(&bench, &report, &path).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Überblick", "Kunden", "Wert je Monat"]);
    let customers = book.worksheet_range("Kunden").unwrap();
    assert_eq!(
        customers.rows().next().unwrap()[0],
        Data::String("Nummer".into())
    );
}

/// The workbook of a million customers, written a page at a time: how long it takes and what
/// memory it peaks at. `cargo test -p kundenwert-report --release -- --ignored --nocapture
/// a_million`; the customers are the small workspace's summary with a million synthetic
/// stored customers of 12 months each.
#[test]
#[ignore = "a million customers: minutes, run by hand"]
fn a_million_customers_stream_into_the_workbook() {
    use kundenwert_store::{CustomerResult, MonthFigures};
    let (dir, mut bench) = workspace();
    let run = bench.run().unwrap().unwrap();
    let as_of = run.as_of;
    let n: i64 = 1_000_000;
    let mut customers = (1..=n).map(|i| {
        let c = CustomerResult {
            id: i,
            number: format!("K{i:07}"),
            name: Some(format!("Kunde {i} GmbH")),
            customer_type: "steady".into(),
            confidence: 0.8,
            reason_de: "kein Muster".into(),
            reason_en: "no pattern".into(),
            status: Some("active".into()),
            abc: "B".into(),
            current_value: (i % 5000) as f64,
            future_value: Some((i % 4000) as f64),
            future_value_low: Some(0.0),
            future_value_high: Some(9000.0),
            future_value_source: Some("bg_nbd".into()),
            p_alive: Some(0.9),
            expected_purchases: Some(3.0),
            revenue: (i % 9000) as f64,
            margin: Some((i % 3000) as f64),
            orders: 12,
            first_order: as_of - chrono::Months::new(11),
            last_order: as_of,
        };
        let last = as_of.year() * 12 + as_of.month0() as i32;
        let months = (0..12)
            .map(|k| MonthFigures {
                month_index: last - 11 + k,
                revenue: 100.0,
                margin: Some(40.0),
                orders: 1,
            })
            .collect();
        (c, months)
    });
    bench
        .store_mut()
        .replace_analysis(&run, &mut customers)
        .unwrap();
    let started = std::time::Instant::now();
    let report = report(&bench, Lang::De);
    let path = dir.path().join("million.xlsx");
    xlsx::write(&bench, &report, &path).unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("");
    eprintln!(
        "1 M customers: workbook written in {:.1} s, {} MB, {peak}",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).unwrap().len() >> 20
    );
}

/// The stored analysis's figures (what `analyze --json` writes under `summary` and
/// `portfolio`, listed by `common::stored_figures`) appear in the HTML report, in the
/// reader's number format, each in a cell or figure box of its own where it has one.
#[test]
fn the_html_carries_the_figures_of_the_stored_analysis() {
    let (_dir, bench) = workspace();
    for lang in [Lang::De, Lang::En] {
        let page = html::render(&report(&bench, lang));
        for f in stored_figures(&bench, lang) {
            let shown = if f.own_cell {
                page.contains(&format!(">{}<", f.text))
            } else {
                page.contains(&f.text)
            };
            assert!(
                shown,
                "{lang:?}: {} {} is not in the report",
                f.what, f.text
            );
        }
    }
}
