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

/// A small deterministic generator (SplitMix64) for the tests below.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Names and numbers in mixed case, with umlauts, ß, Greek, Turkish İ and the Kelvin sign.
const NAME_PARTS: &[&str] = &[
    "Müller",
    "MÜLLER",
    "müller",
    "Mueller",
    "Straße",
    "STRASSE",
    "Özdemir",
    "ÖZ",
    "Weiß",
    "Ärzte",
    "ÄRZTE",
    "Σοφία",
    "ΟΔΟΣ",
    "İstanbul",
    "Kelvin",
    "GmbH",
    "AG",
    "& Co.",
    "\"Q\"",
];
const NUMBER_STARTS: &[&str] = &["K", "k", "\u{212A}", "Ü", "ü", "A", "İ", "12", "σ", "Σ"];

/// `n` customers with generated names and numbers, ties and missing figures.
fn generated(n: usize, seed: u64) -> Vec<CustomerResult> {
    let mut g = Gen(seed);
    let mut numbers: Vec<String> = Vec::new();
    while numbers.len() < n {
        let number = format!("{}{:03}", g.pick(NUMBER_STARTS), g.below(1000));
        if !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    numbers.sort();
    let values = [-5.0, 0.0, 10.0, 10.0, 250.5, 1e6];
    let types = ["steady", "growth", "growth", "shrinking"];
    numbers
        .into_iter()
        .enumerate()
        .map(|(i, number)| {
            let id = i as i64 + 1;
            let name = (g.below(6) != 0).then(|| {
                format!(
                    "{} {} {}",
                    g.pick(NAME_PARTS),
                    g.pick(NAME_PARTS),
                    g.below(100)
                )
            });
            let future = (g.below(4) != 0).then(|| values[g.below(values.len())]);
            let mut c = customer(id, &number, name.as_deref(), types[g.below(4)], future);
            c.current_value = values[g.below(values.len())];
            c.revenue = values[g.below(values.len())];
            c.margin = (g.below(3) != 0).then(|| values[g.below(values.len())]);
            c.p_alive = (g.below(3) != 0).then(|| [0.1, 0.5, 0.5][g.below(3)]);
            c.status = (g.below(5) != 0).then(|| ["active", "lost"][g.below(2)].to_owned());
            c.abc = ["A", "B", "C"][g.below(3)].to_owned();
            c.orders = g.below(4) as u64;
            c.confidence = [0.25, 0.5][g.below(2)];
            c.last_order = date(2024, 1 + g.below(3) as u32, 1);
            c
        })
        .collect()
}

fn store_of(rows: &[CustomerResult]) -> Store {
    let mut store = Store::open_in_memory().expect("open");
    store
        .replace_analysis(&run(1), &mut rows.iter().cloned().map(|c| (c, Vec::new())))
        .expect("store");
    store
}

/// What a search means, in Rust: a folded prefix of the number for one or two characters,
/// otherwise a folded part of the number or the name.
fn brute_force_search(c: &CustomerResult, search: &str) -> bool {
    let q = search.to_lowercase();
    if q.chars().count() < 3 {
        return c.number.to_lowercase().starts_with(&q);
    }
    c.number.to_lowercase().contains(&q)
        || c.name
            .as_ref()
            .is_some_and(|n| n.to_lowercase().contains(&q))
}

/// A search holding NUL characters (which nobody types, but a URL's `%00` carries) answers as
/// the search without them: the trigram index's query language ends a string at a NUL and
/// failed with "unterminated string" (a server error on the customer list).
// See: issue 20 (found by the `http_requests` fuzz target)
#[test]
fn a_search_with_nul_characters_answers_as_without_them() {
    let rows = generated(300, 11);
    let store = store_of(&rows);
    let name = rows
        .iter()
        .find_map(|c| c.name.clone())
        .expect("a named customer");
    let piece: String = name.chars().take(5).collect();
    for (with, without) in [
        (format!("{piece}\0"), piece.clone()),
        (format!("\0{piece}"), piece.clone()),
        (
            piece
                .chars()
                .enumerate()
                .flat_map(|(i, c)| if i == 1 { vec!['\0', '\0', c] } else { vec![c] })
                .collect(),
            piece.clone(),
        ),
        ("\0\0\0".to_owned(), String::new()),
        ("k\0".to_owned(), "k".to_owned()),
    ] {
        let query = |search: String| CustomerQuery {
            search: Some(search),
            sort: Column::FutureValue,
            descending: true,
            ..CustomerQuery::default()
        };
        let expected = store
            .analysis_customers(&query(without.clone()))
            .expect("search");
        let found = store
            .analysis_customers(&query(with.clone()))
            .expect("search with NUL");
        assert_eq!(numbers(&found), numbers(&expected), "{with:?}");
        let (page, counted) = store
            .analysis_customers_counted(&query(with.clone()), 1_000)
            .expect("a page with NUL");
        assert_eq!(numbers(&page), numbers(&expected), "{with:?}");
        assert_eq!(counted, expected.len() as u64, "{with:?}");
    }
}

#[test]
fn search_finds_exactly_what_the_folded_texts_contain() {
    let rows = generated(300, 11);
    let store = store_of(&rows);
    let mut g = Gen(5);
    let mut searches: Vec<String> = [
        "k",
        "K",
        "\u{212A}",
        "k0",
        "ü",
        "Ü",
        "i",
        "i̇",
        "σ",
        "ς",
        "12",
        "1",
        "müller",
        "MÜLLER",
        "mueller",
        "muller",
        "straße",
        "STRASSE",
        "ss",
        "öz",
        "ÖZDEMIR",
        "οδοσ",
        "ΟΔΟΣ",
        "οδος",
        "σοφία",
        "istanbul",
        "i̇stanbul",
        "İSTANBUL",
        "gmbh ",
        " & co",
        "\"q\"",
        "\"",
        "zzz",
        "ümüller",
        "K00",
        "gmbh müller",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // Pieces of the stored texts, in their own case, upper and lower case.
    for _ in 0..120 {
        let c = &rows[g.below(rows.len())];
        let text: Vec<char> = match (&c.name, g.below(2)) {
            (Some(name), 0) => name.chars().collect(),
            _ => c.number.chars().collect(),
        };
        let start = g.below(text.len());
        let len = 1 + g.below(6.min(text.len() - start));
        let piece: String = text[start..start + len].iter().collect();
        searches.push(match g.below(3) {
            0 => piece.to_uppercase(),
            1 => piece.to_lowercase(),
            _ => piece,
        });
    }
    for search in &searches {
        let expected: Vec<&str> = rows
            .iter()
            .filter(|c| brute_force_search(c, search))
            .map(|c| c.number.as_str())
            .collect();
        let q = CustomerQuery {
            search: Some(search.clone()),
            ..CustomerQuery::default()
        };
        let found = store.analysis_customers(&q).expect("search");
        assert_eq!(numbers(&found), expected, "search {search:?}");
        let n = expected.len() as u64;
        assert_eq!(store.count_analysis_customers(&q).expect("count"), n);
        assert_eq!(
            store.count_analysis_customers_capped(&q, 5).expect("count"),
            n.min(5),
            "search {search:?}"
        );
        // A list page: the same rows and count from one call.
        for cap in [5, 1_000] {
            let (page, counted) = store.analysis_customers_counted(&q, cap).expect("page");
            assert_eq!(numbers(&page), expected, "search {search:?}");
            assert_eq!(counted, n.min(cap), "search {search:?} capped at {cap}");
        }
        // With a filter and another order, the same rows.
        let q = CustomerQuery {
            filter: Some(text(Column::Type, Comparison::Eq, "growth")),
            sort: Column::FutureValue,
            descending: true,
            ..q
        };
        let found = store.analysis_customers(&q).expect("search");
        let mut filtered: Vec<&str> = numbers(&found);
        filtered.sort_unstable();
        let mut expected: Vec<&str> = rows
            .iter()
            .filter(|c| c.customer_type == "growth" && brute_force_search(c, search))
            .map(|c| c.number.as_str())
            .collect();
        expected.sort_unstable();
        assert_eq!(filtered, expected, "search {search:?} among growth");
        let (page, counted) = store.analysis_customers_counted(&q, 1_000).expect("page");
        assert_eq!(page, found, "search {search:?} among growth");
        assert_eq!(
            counted,
            expected.len() as u64,
            "search {search:?} among growth"
        );
    }
}

/// The cursor of a row for a sort.
fn cursor_of(c: &CustomerResult, sort: Column) -> Cursor {
    let text = |s: &str| Some(FilterValue::Text(s.to_owned()));
    let num = |v: f64| Some(FilterValue::Number(v));
    let value = match sort {
        Column::Number => text(&c.number),
        Column::Name => c.name.as_deref().and_then(text),
        Column::Type => text(&c.customer_type),
        Column::Status => c.status.as_deref().and_then(text),
        Column::Abc => text(&c.abc),
        Column::CurrentValue => num(c.current_value),
        Column::FutureValue => c.future_value.and_then(num),
        Column::Revenue => num(c.revenue),
        Column::Margin => c.margin.and_then(num),
        Column::PAlive => c.p_alive.and_then(num),
        Column::Orders => num(c.orders as f64),
        Column::Confidence => num(c.confidence),
        Column::LastOrder => text(&c.last_order.format("%Y-%m-%d").to_string()),
        _ => None,
    };
    Cursor { value, id: c.id }
}

/// The sort key as SQLite orders it: NULL first, then numbers, then text (byte order).
fn sort_key(c: &CustomerResult, sort: Column) -> (u8, f64, String) {
    match cursor_of(c, sort).value {
        None if sort == Column::Id => (1, c.id as f64, String::new()),
        None => (0, 0.0, String::new()),
        Some(FilterValue::Number(v)) => (1, v, String::new()),
        Some(FilterValue::Text(t)) => (2, 0.0, t),
    }
}

#[test]
fn keyset_pages_visit_every_customer_exactly_once_in_every_order() {
    let rows = generated(120, 23);
    let store = store_of(&rows);
    let growth = Some(text(Column::Type, Comparison::Eq, "growth"));
    for (filter, search) in [
        (None, None),
        (growth.clone(), None),
        (None, Some("gmbh")),
        (growth, Some("k")),
    ] {
        for sort in Column::ALL {
            for descending in [false, true] {
                let mut expected: Vec<&CustomerResult> = rows
                    .iter()
                    .filter(|c| filter.is_none() || c.customer_type == "growth")
                    .filter(|c| search.is_none_or(|s| brute_force_search(c, s)))
                    .collect();
                expected.sort_by(|a, b| {
                    let (ka, kb) = (sort_key(a, sort), sort_key(b, sort));
                    let o =
                        ka.0.cmp(&kb.0)
                            .then(ka.1.total_cmp(&kb.1))
                            .then(ka.2.cmp(&kb.2))
                            .then(a.id.cmp(&b.id));
                    if descending {
                        o.reverse()
                    } else {
                        o
                    }
                });
                let expected: Vec<i64> = expected.iter().map(|c| c.id).collect();
                for page_size in [1, 7, 50] {
                    let mut seen = Vec::new();
                    let mut after = None;
                    loop {
                        let q = CustomerQuery {
                            filter: filter.clone(),
                            search: search.map(str::to_owned),
                            sort,
                            descending,
                            after: after.clone(),
                            limit: Some(page_size),
                        };
                        let page = store.analysis_customers(&q).expect("page");
                        assert!(page.len() as u64 <= page_size);
                        let Some(last) = page.last() else { break };
                        after = Some(cursor_of(last, sort));
                        seen.extend(page.iter().map(|c| c.id));
                    }
                    assert_eq!(
                        seen, expected,
                        "{sort:?} descending {descending}, pages of {page_size}, {filter:?} {search:?}"
                    );
                }
            }
        }
    }
}

/// The plan of every statement a list page runs, with a failure message naming the query.
fn assert_ordered_by_index(store: &Store, q: &CustomerQuery) {
    // (No statement at all when nothing can follow the cursor, e.g. a NULL one, descending,
    // on a column that is never NULL.)
    let plan = store.analysis_customers_plan(q).expect("plan");
    if std::env::var_os("SHOW_PLANS").is_some() {
        println!("{:?} {} {:?}: {plan:?}", q.sort, q.descending, q.after);
    }
    assert!(
        plan.iter().all(|step| !step.contains("TEMP B-TREE")),
        "{q:?} sorts outside an index:\n{}",
        plan.join("\n")
    );
}

#[test]
fn every_sort_and_the_type_filter_read_an_index_in_order() {
    let rows = generated(50, 3);
    let store = store_of(&rows);
    let growth = Some(text(Column::Type, Comparison::Eq, "growth"));
    for sort in Column::ALL {
        for descending in [false, true] {
            let row = &rows[20];
            let mut cursors = vec![None, Some(cursor_of(row, sort))];
            // A cursor on a NULL as well (its own statements).
            cursors.push(Some(Cursor {
                value: None,
                id: row.id,
            }));
            for after in cursors {
                let q = CustomerQuery {
                    sort,
                    descending,
                    after,
                    limit: Some(50),
                    ..CustomerQuery::default()
                };
                assert_ordered_by_index(&store, &q);
            }
        }
    }
    // The type filter with the sorts a list uses most, first pages and later ones.
    for sort in [
        Column::Id,
        Column::FutureValue,
        Column::CurrentValue,
        Column::Revenue,
    ] {
        for descending in [false, true] {
            for after in [None, Some(cursor_of(&rows[20], sort))] {
                let q = CustomerQuery {
                    filter: growth.clone(),
                    sort,
                    descending,
                    after,
                    limit: Some(50),
                    ..CustomerQuery::default()
                };
                assert_ordered_by_index(&store, &q);
            }
        }
    }
    // A search of three characters and more reads the trigram index, in id order.
    let q = CustomerQuery {
        search: Some("müller".into()),
        limit: Some(50),
        ..CustomerQuery::default()
    };
    let plan = store.analysis_customers_plan(&q).expect("plan").join("\n");
    assert!(plan.contains("VIRTUAL TABLE"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    // A short one with few rows is looked up once (in the number's index), and the page reads
    // the rows of the ids found (and sorts that few), also with a filter whose index would
    // otherwise be walked row by row.
    for filter in [None, growth.clone()] {
        for search in ["k0", "müller"] {
            let q = CustomerQuery {
                filter: filter.clone(),
                search: Some(search.into()),
                sort: Column::FutureValue,
                descending: true,
                limit: Some(50),
                ..CustomerQuery::default()
            };
            let plan = store.analysis_customers_plan(&q).expect("plan").join("\n");
            assert!(plan.contains("json_each"), "{search}: {plan}");
            assert!(
                plan.contains("USING INTEGER PRIMARY KEY"),
                "{search}: {plan}"
            );
        }
    }
}

#[test]
fn a_short_search_matching_many_rows_walks_the_order() {
    // 6,000 numbers, all starting with a k: more than a sort is allowed to take.
    let rows: Vec<CustomerResult> = (1..=6_000)
        .map(|id| {
            let number = format!("{}{id:05}", if id % 7 == 0 { "k" } else { "K" });
            customer(id, &number, Some("Firma"), "steady", Some(id as f64))
        })
        .collect();
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| a.number.cmp(&b.number));
    let rows: Vec<CustomerResult> = sorted
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c.id = i as i64 + 1;
            c
        })
        .collect();
    let store = store_of(&rows);
    for (search, sort) in [
        ("k", Column::Id),
        ("K0", Column::FutureValue),
        ("x", Column::Id),
    ] {
        let q = CustomerQuery {
            search: Some(search.into()),
            sort,
            descending: true,
            limit: Some(50),
            ..CustomerQuery::default()
        };
        let plan = store.analysis_customers_plan(&q).expect("plan").join("\n");
        if search != "x" {
            assert!(!plan.contains("TEMP B-TREE"), "{search}: {plan}");
        }
        let mut expected: Vec<&CustomerResult> = rows
            .iter()
            .filter(|c| brute_force_search(c, search))
            .collect();
        expected.sort_by(|a, b| sort_key(b, sort).1.total_cmp(&sort_key(a, sort).1));
        let expected: Vec<i64> = expected.iter().take(50).map(|c| c.id).collect();
        let found: Vec<i64> = store
            .analysis_customers(&q)
            .expect("page")
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(found, expected, "{search}");
    }
}

#[test]
fn a_long_search_matching_many_rows_walks_a_value_order() {
    // 6,300 Müllers (more than a sort is allowed to take) and 700 Webers.
    let rows: Vec<CustomerResult> = (1..=7_000)
        .map(|id| {
            let name = if id % 10 == 0 {
                "Weber AG"
            } else {
                "Müller GmbH"
            };
            customer(
                id,
                &format!("K{id:05}"),
                Some(name),
                "steady",
                Some(((id * 7_919) % 7_001) as f64),
            )
        })
        .collect();
    let store = store_of(&rows);
    let by_future = |c: &&CustomerResult| (sort_key(c, Column::FutureValue).1, c.id);
    let mut order: Vec<&CustomerResult> = rows.iter().collect();
    order.sort_by(|a, b| by_future(b).partial_cmp(&by_future(a)).expect("numbers"));
    for (search, walks) in [
        ("MÜLLER", true),
        ("weber", false),
        ("k00", false),
        ("x", false),
    ] {
        let matching: Vec<&CustomerResult> = order
            .iter()
            .copied()
            .filter(|c| brute_force_search(c, search))
            .collect();
        for after in [
            None,
            matching.get(100).map(|c| cursor_of(c, Column::FutureValue)),
        ] {
            let skip = if after.is_some() { 101 } else { 0 };
            let q = CustomerQuery {
                search: Some(search.into()),
                sort: Column::FutureValue,
                descending: true,
                after,
                limit: Some(50),
                ..CustomerQuery::default()
            };
            let plan = store.analysis_customers_plan(&q).expect("plan").join("\n");
            if walks {
                assert!(!plan.contains("TEMP B-TREE"), "{search}: {plan}");
                assert!(!plan.contains("VIRTUAL TABLE"), "{search}: {plan}");
            }
            let expected: Vec<i64> = matching.iter().skip(skip).take(50).map(|c| c.id).collect();
            let found: Vec<i64> = store
                .analysis_customers(&q)
                .expect("page")
                .iter()
                .map(|c| c.id)
                .collect();
            assert_eq!(found, expected, "{search} after {skip}");
            // A list page from one call: the same rows, and the count of every match, also
            // among a type (joined to the rows) and capped.
            let (page, n) = store.analysis_customers_counted(&q, 10_000).expect("page");
            let ids: Vec<i64> = page.iter().map(|c| c.id).collect();
            assert_eq!(ids, expected, "{search} after {skip}");
            assert_eq!(n, matching.len() as u64, "{search}");
            let (_, n) = store.analysis_customers_counted(&q, 10).expect("page");
            assert_eq!(n, matching.len().min(10) as u64, "{search}");
            let among = CustomerQuery {
                filter: Some(text(Column::Type, Comparison::Eq, "steady")),
                ..q.clone()
            };
            let (page, n) = store
                .analysis_customers_counted(&among, 10_000)
                .expect("page");
            assert_eq!(page.iter().map(|c| c.id).collect::<Vec<_>>(), expected);
            assert_eq!(n, matching.len() as u64, "{search} among steady");
        }
    }
}

#[test]
fn the_migration_indexes_the_customers_an_older_workspace_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.kundenwert");
    {
        let mut store = Store::open(&path).expect("open");
        let rows = vec![(
            customer(1, "K1", Some("Müller GmbH"), "growth", Some(5.0)),
            Vec::new(),
        )];
        store
            .replace_analysis(&run(1), &mut rows.into_iter())
            .expect("store");
        // Back to the schema before 0005, with its customers kept.
        let conn = store.connection();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        conn.execute_batch(
            "DROP TABLE analysis_customers_search; DROP INDEX analysis_customers_name; \
             DROP INDEX analysis_customers_type; DROP INDEX analysis_customers_status; \
             DROP INDEX analysis_customers_abc; DROP INDEX analysis_customers_margin; \
             DROP INDEX analysis_customers_p_alive; DROP INDEX analysis_customers_orders; \
             DROP INDEX analysis_customers_confidence; DROP INDEX analysis_customers_last_order; \
             DROP INDEX analysis_customers_type_current_value; \
             DROP INDEX analysis_customers_type_revenue;",
        )
        .expect("drop");
        conn.pragma_update(None, "user_version", version - 1)
            .expect("version");
    }
    let store = Store::open(&path).expect("migrate");
    let q = CustomerQuery {
        search: Some("MÜLLER".into()),
        ..CustomerQuery::default()
    };
    assert_eq!(
        numbers(&store.analysis_customers(&q).expect("search")),
        ["K1"]
    );
}
