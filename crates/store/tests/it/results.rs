//! The stored analysis: replaced as a whole, read back exactly, filtered with the selection
//! language's meaning (case-insensitive text, unknown figures compare false), sorted and paged.

use kundenwert_store::{
    pack_months, unpack_months, AnalysisRun, Column, Comparison, Cursor, CustomerQuery,
    CustomerResult, Filter, FilterValue, MonthFigures, Store, Workspace,
};

use super::{date, import, meta, row};

fn customer(
    id: i64,
    number: &str,
    name: Option<&str>,
    ty: &str,
    future: Option<f64>,
) -> CustomerResult {
    CustomerResult {
        id,
        number: number.into(),
        name: name.map(str::to_owned),
        customer_type: ty.into(),
        confidence: 0.8,
        reason_de: format!("Grund {number}"),
        reason_en: format!("reason {number}"),
        status: Some("active".into()),
        abc: if id == 1 { "A".into() } else { "C".into() },
        current_value: 100.0 * id as f64,
        future_value: future,
        future_value_low: future.map(|v| v * 0.5),
        future_value_high: future.map(|v| v * 1.5),
        future_value_source: future.map(|_| "bg_nbd".to_owned()),
        p_alive: future.map(|_| 0.9),
        expected_purchases: future.map(|_| 3.5),
        revenue: 1000.0 * id as f64,
        margin: Some(300.0 * id as f64),
        orders: id as u64,
        first_order: date(2022, 1, 3),
        last_order: date(2024, 11, 30),
    }
}

fn months() -> Vec<MonthFigures> {
    vec![
        MonthFigures {
            month_index: 2024 * 12,
            revenue: 10.5,
            margin: Some(3.25),
            orders: 2,
        },
        MonthFigures {
            month_index: 2024 * 12 + 5,
            revenue: -4.0,
            margin: None,
            orders: 1,
        },
    ]
}

fn run(version: i64) -> AnalysisRun {
    AnalysisRun {
        data_version: version,
        settings: "[forecast]\nhorizon = 12\n".into(),
        as_of: date(2024, 12, 31),
        summary: "{\"customers\":4}".into(),
        customers: 0,
        seconds: 1.5,
        computed_at: String::new(),
    }
}

/// Four customers: Müller (growth, 500), müller-2 (steady, no forecast), Zeta (growth, 500),
/// Öko (shrinking, -20).
fn stored() -> Store {
    let mut store = Store::open_in_memory().expect("open");
    let rows = vec![
        (
            customer(1, "K1", Some("Müller GmbH"), "growth", Some(500.0)),
            months(),
        ),
        (
            customer(2, "K2", Some("MÜLLER-2 AG"), "steady", None),
            Vec::new(),
        ),
        (
            customer(3, "K3", Some("Zeta"), "growth", Some(500.0)),
            Vec::new(),
        ),
        (
            customer(4, "k4", None, "shrinking", Some(-20.0)),
            Vec::new(),
        ),
    ];
    let n = store
        .replace_analysis(&run(7), &mut rows.into_iter())
        .expect("store");
    assert_eq!(n, 4);
    store
}

fn numbers(rows: &[CustomerResult]) -> Vec<&str> {
    rows.iter().map(|c| c.number.as_str()).collect()
}

fn text(column: Column, op: Comparison, v: &str) -> Filter {
    Filter::Compare {
        column,
        op,
        value: FilterValue::Text(v.into()),
    }
}

fn number(column: Column, op: Comparison, v: f64) -> Filter {
    Filter::Compare {
        column,
        op,
        value: FilterValue::Number(v),
    }
}

fn select(store: &Store, filter: Filter) -> Vec<String> {
    let q = CustomerQuery {
        filter: Some(filter),
        ..CustomerQuery::default()
    };
    let rows = store.analysis_customers(&q).expect("query");
    assert_eq!(
        store.count_analysis_customers(&q).expect("count"),
        rows.len() as u64
    );
    rows.into_iter().map(|c| c.number).collect()
}

#[test]
fn an_analysis_round_trips_exactly_and_replaces_the_one_before() {
    let mut store = stored();
    let run_back = store.analysis_run().expect("run").expect("a run");
    assert_eq!(run_back.data_version, 7);
    assert_eq!(run_back.customers, 4);
    assert_eq!(run_back.as_of, date(2024, 12, 31));
    assert_eq!(run_back.settings, run(7).settings);
    assert_eq!(run_back.computed_at.len(), 20, "{}", run_back.computed_at);
    let (c, m) = store.analysis_customer("K1").expect("read").expect("K1");
    assert_eq!(
        c,
        customer(1, "K1", Some("Müller GmbH"), "growth", Some(500.0))
    );
    assert_eq!(m, months());
    assert!(store.analysis_customer("nope").expect("read").is_none());

    // A second analysis replaces the first as a whole.
    let rows = vec![(customer(1, "N1", None, "steady", None), Vec::new())];
    store
        .replace_analysis(&run(8), &mut rows.into_iter())
        .expect("replace");
    assert_eq!(
        store
            .analysis_run()
            .expect("run")
            .expect("run")
            .data_version,
        8
    );
    let all = store
        .analysis_customers(&CustomerQuery::default())
        .expect("all");
    assert_eq!(numbers(&all), ["N1"]);
}

#[test]
fn a_failed_replacement_keeps_the_analysis_before() {
    let mut store = stored();
    // The same customer number twice breaks the UNIQUE constraint half-way.
    let rows = vec![
        (customer(1, "X", None, "steady", None), Vec::new()),
        (customer(2, "X", None, "steady", None), Vec::new()),
    ];
    assert!(store
        .replace_analysis(&run(9), &mut rows.into_iter())
        .is_err());
    assert_eq!(
        store
            .analysis_run()
            .expect("run")
            .expect("run")
            .data_version,
        7
    );
    assert_eq!(
        store
            .analysis_customers(&CustomerQuery::default())
            .expect("all")
            .len(),
        4
    );
}

#[test]
fn filters_mean_what_the_selection_language_means() {
    let store = stored();
    // Text compares case-insensitively over all of Unicode (SQLite's `lower` knows ASCII only).
    assert_eq!(
        select(&store, text(Column::Name, Comparison::Contains, "müller")),
        ["K1", "K2"]
    );
    assert_eq!(
        select(&store, text(Column::Number, Comparison::Eq, "K4")),
        ["k4"]
    );
    assert_eq!(
        select(&store, text(Column::Type, Comparison::Eq, "GROWTH")),
        ["K1", "K3"]
    );
    // An unknown figure compares false, and its negation is true.
    assert_eq!(
        select(&store, number(Column::FutureValue, Comparison::Gt, 0.0)),
        ["K1", "K3"]
    );
    assert_eq!(
        select(
            &store,
            Filter::Not(Box::new(number(Column::FutureValue, Comparison::Gt, 0.0)))
        ),
        ["K2", "k4"]
    );
    assert_eq!(
        select(
            &store,
            Filter::Not(Box::new(text(Column::Name, Comparison::Contains, "z")))
        ),
        ["K1", "K2", "k4"]
    );
    assert_eq!(
        select(
            &store,
            Filter::And(vec![
                text(Column::Type, Comparison::Eq, "growth"),
                Filter::Or(vec![
                    number(Column::CurrentValue, Comparison::Le, 100.0),
                    text(Column::Abc, Comparison::Ne, "a"),
                ]),
            ])
        ),
        ["K1", "K3"]
    );
    assert_eq!(
        select(
            &store,
            Filter::In {
                column: Column::Type,
                values: vec![
                    FilterValue::Text("Steady".into()),
                    FilterValue::Text("shrinking".into())
                ],
            }
        ),
        ["K2", "k4"]
    );
    // A text against a number column matches nothing.
    assert!(select(&store, text(Column::Revenue, Comparison::Eq, "x")).is_empty());
}

#[test]
fn search_sort_and_keyset_pages_visit_every_customer_once() {
    let store = stored();
    let q = CustomerQuery {
        search: Some("MÜL".into()),
        ..CustomerQuery::default()
    };
    assert_eq!(
        numbers(&store.analysis_customers(&q).expect("search")),
        ["K1", "K2"]
    );
    let q = CustomerQuery {
        search: Some("k".into()),
        ..CustomerQuery::default()
    };
    assert_eq!(store.count_analysis_customers(&q).expect("count"), 4);

    // By future value, largest first, NULL last; ties (K1, K3 at 500) by id in the same direction.
    for descending in [true, false] {
        let mut seen = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let q = CustomerQuery {
                sort: Column::FutureValue,
                descending,
                after: after.clone(),
                limit: Some(1),
                ..CustomerQuery::default()
            };
            let page = store.analysis_customers(&q).expect("page");
            let Some(last) = page.last() else { break };
            seen.push(last.number.clone());
            after = Some(Cursor {
                value: last.future_value.map(FilterValue::Number),
                id: last.id,
            });
        }
        let expected = if descending {
            ["K3", "K1", "k4", "K2"]
        } else {
            ["K2", "k4", "K1", "K3"]
        };
        assert_eq!(seen, expected, "descending {descending}");
    }
}

#[test]
fn the_data_version_moves_with_stored_rows_only() {
    let mut store = Store::open_in_memory().expect("open");
    let v0 = store.data_version().expect("version");
    import(
        &mut store,
        &meta("a.csv", "h1", 1),
        vec![row("K1", date(2024, 1, 1), 5.0, Some(("R1", 0)))],
    );
    let v1 = store.data_version().expect("version");
    assert_ne!(v0, v1);
    // The same file again, and a file whose only line is already stored, change nothing.
    import(
        &mut store,
        &meta("a.csv", "h1", 1),
        vec![row("K1", date(2024, 1, 1), 5.0, Some(("R1", 0)))],
    );
    import(
        &mut store,
        &meta("b.csv", "h2", 1),
        vec![row("K1", date(2024, 1, 1), 5.0, Some(("R1", 0)))],
    );
    assert_eq!(store.data_version().expect("version"), v1);
    // Settings are kept as given and do not move the data version.
    assert_eq!(store.settings().expect("settings"), None);
    store
        .put_settings("[forecast]\nhorizon = 6\n")
        .expect("put");
    store
        .put_settings("[forecast]\nhorizon = 9\n")
        .expect("put");
    assert_eq!(
        store.settings().expect("settings").as_deref(),
        Some("[forecast]\nhorizon = 9\n")
    );
    assert_eq!(store.data_version().expect("version"), v1);
}

#[test]
fn packed_months_round_trip_and_a_torn_blob_is_refused() {
    let bytes = pack_months(&months());
    assert_eq!(unpack_months(&bytes), Some(months()));
    assert_eq!(unpack_months(&bytes[..bytes.len() - 1]), None);
    assert_eq!(unpack_months(&[]), Some(Vec::new()));
}
