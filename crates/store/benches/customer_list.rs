//! The stored customer list at 1 M customers: every query shape a list page asks, through
//! `Workspace::analysis_customers` and the counts, and the refresh (`replace_analysis`) that
//! pays for the indexes.
//!
//! The workspace is generated once (deterministic: a seeded SplitMix64, `common/synthetic.rs`,
//! shared with `examples/list_workspace.rs`) and cached in
//! `target/kundenwert-bench/`, keyed by the schema version and the number of customers, so
//! later runs start at once. Criterion measures each shape; under `cargo bench` (which passes
//! `--bench`) a plain timed pass then prints p50/p95 of every shape for the current code and
//! for the query before the list indexes (`before`: the SQL the store built before schema
//! version 5, run on a copy of the workspace without that version's indexes and search table),
//! and the seconds of `replace_analysis` of all customers, interleaved with the insert of before
//! version 5 on its schema.
//!
//! ```sh
//! cargo bench -p kundenwert-store --bench customer_list
//! CUSTOMERS=100000 cargo bench -p kundenwert-store --bench customer_list   # smaller, faster
//! REFRESH=0 cargo bench -p kundenwert-store --bench customer_list          # skip the refresh timing
//! TABLE=0 cargo bench -p kundenwert-store --bench customer_list -- nothing # only the refresh
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;
use kundenwert_store::{
    Column, Comparison, Cursor, CustomerQuery, CustomerResult, Filter, FilterValue, Store,
    Workspace,
};

mod common;
use common::synthetic::{cache_dir, checkpoint, count, customers, run_record, workspace};

/// A copy of the workspace without schema version 5's objects: the schema the `before` queries
/// ran on.
fn before_workspace(path: &Path) -> PathBuf {
    let copy = path.with_extension("before.db");
    if !copy.exists() {
        let tmp = path.with_extension("before.tmp");
        std::fs::copy(path, &tmp).expect("copy workspace");
        let store = Store::open(&tmp).expect("open copy");
        let conn = store.connection();
        drop_list_objects(conn);
        conn.execute_batch("VACUUM").expect("vacuum");
        checkpoint(&store);
        drop(store);
        std::fs::rename(&tmp, &copy).expect("rename copy");
    }
    copy
}

/// Drops what schema version 5 added (the list's indexes and the search table), leaving the
/// schema the code before it ran on.
fn drop_list_objects(conn: &rusqlite::Connection) {
    let mut stmt = conn
        .prepare(
            "SELECT type, name FROM sqlite_schema WHERE sql IS NOT NULL AND \
             (name LIKE 'analysis_customers_%' AND name NOT IN \
             ('analysis_customers_current_value', 'analysis_customers_future_value', \
              'analysis_customers_revenue', 'analysis_customers_type_future_value')) \
             AND type IN ('index', 'table', 'trigger') \
             AND name NOT LIKE 'analysis_customers_search_%'",
        )
        .expect("list objects");
    let objects: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("objects")
        .collect::<Result<_, _>>()
        .expect("objects");
    drop(stmt);
    for (kind, name) in objects {
        conn.execute_batch(&format!("DROP {kind} IF EXISTS \"{name}\""))
            .expect("drop");
    }
}

/// `replace_analysis` as the store did it before schema version 5 (`results.rs` at `1057074`):
/// the rows inserted into the table and its four indexes as they come.
fn replace_before(conn: &rusqlite::Connection, n: i64) {
    use rusqlite::params;
    conn.execute_batch(
        "BEGIN IMMEDIATE; DELETE FROM analysis_run; DELETE FROM analysis_customers;",
    )
    .expect("begin");
    {
        let mut insert = conn
            .prepare(
                "INSERT INTO analysis_customers (id, number, name, type, confidence, reason_de, \
                 reason_en, status, abc, current_value, future_value, future_value_low, \
                 future_value_high, future_value_source, p_alive, expected_purchases, revenue, \
                 margin, orders, first_order, last_order, months) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
                 ?17, ?18, ?19, ?20, ?21, ?22)",
            )
            .expect("prepare");
        for (c, months) in customers(n) {
            insert
                .execute(params![
                    c.id,
                    c.number,
                    c.name,
                    c.customer_type,
                    c.confidence,
                    c.reason_de,
                    c.reason_en,
                    c.status,
                    c.abc,
                    c.current_value,
                    c.future_value,
                    c.future_value_low,
                    c.future_value_high,
                    c.future_value_source,
                    c.p_alive,
                    c.expected_purchases,
                    c.revenue,
                    c.margin,
                    c.orders as i64,
                    c.first_order.format("%Y-%m-%d").to_string(),
                    c.last_order.format("%Y-%m-%d").to_string(),
                    kundenwert_store::pack_months(&months),
                ])
                .expect("insert");
        }
    }
    conn.execute(
        "INSERT INTO analysis_run (id, data_version, settings, as_of, summary, customers, seconds) \
         VALUES (1, 1, '', '2024-12-31', '{}', ?1, 0)",
        [n],
    )
    .expect("run");
    conn.execute_batch("COMMIT").expect("commit");
}

/// The query shapes of a list page, through the store's API.
struct Shapes {
    deep_id: Cursor,
    deep_future: Cursor,
}

fn growth() -> Filter {
    Filter::Compare {
        column: Column::Type,
        op: Comparison::Eq,
        value: FilterValue::Text("growth".into()),
    }
}

fn page(sort: Column, descending: bool) -> CustomerQuery {
    CustomerQuery {
        sort,
        descending,
        limit: Some(50),
        ..CustomerQuery::default()
    }
}

impl Shapes {
    fn new(store: &Store, n: i64) -> Shapes {
        let half = n / 2;
        let at = |q: CustomerQuery| -> CustomerResult {
            // The row after which a deep page starts, found once by walking pages of 10 k.
            let mut q = CustomerQuery {
                limit: Some(10_000),
                ..q
            };
            let mut seen = 0i64;
            loop {
                let rows = store.analysis_customers(&q).expect("walk");
                if seen + rows.len() as i64 >= half {
                    return rows[(half - seen - 1) as usize].clone();
                }
                seen += rows.len() as i64;
                let last = rows.last().expect("rows");
                q.after = Some(cursor(last, q.sort));
            }
        };
        let row = at(page(Column::Id, false));
        let deep_id = cursor(&row, Column::Id);
        let row = at(page(Column::FutureValue, true));
        let deep_future = cursor(&row, Column::FutureValue);
        Shapes {
            deep_id,
            deep_future,
        }
    }

    /// (name, query) of every list shape.
    fn queries(&self) -> Vec<(&'static str, CustomerQuery)> {
        vec![
            ("first_page", page(Column::Id, false)),
            ("by_future_value_desc", page(Column::FutureValue, true)),
            (
                "growth_by_future_value_desc",
                CustomerQuery {
                    filter: Some(growth()),
                    ..page(Column::FutureValue, true)
                },
            ),
            (
                "growth_by_current_value_desc",
                CustomerQuery {
                    filter: Some(growth()),
                    ..page(Column::CurrentValue, true)
                },
            ),
            (
                "growth_by_revenue_desc",
                CustomerQuery {
                    filter: Some(growth()),
                    ..page(Column::Revenue, true)
                },
            ),
            (
                "search_name_mueller",
                CustomerQuery {
                    search: Some("MÜLLER".into()),
                    ..page(Column::Id, false)
                },
            ),
            (
                "search_name_mueller_by_future_value_desc",
                CustomerQuery {
                    search: Some("MÜLLER".into()),
                    ..page(Column::FutureValue, true)
                },
            ),
            (
                "search_rare_name_by_future_value_desc",
                CustomerQuery {
                    search: Some("özdemir ug 4".into()),
                    ..page(Column::FutureValue, true)
                },
            ),
            (
                "search_number_12345",
                CustomerQuery {
                    search: Some("12345".into()),
                    ..page(Column::Id, false)
                },
            ),
            (
                "search_rare_name",
                CustomerQuery {
                    search: Some("özdemir ug 4".into()),
                    ..page(Column::Id, false)
                },
            ),
            (
                "search_short_k0",
                CustomerQuery {
                    search: Some("k0".into()),
                    ..page(Column::Id, false)
                },
            ),
            (
                "deep_page_id",
                CustomerQuery {
                    after: Some(self.deep_id.clone()),
                    ..page(Column::Id, false)
                },
            ),
            (
                "deep_page_future_value_desc",
                CustomerQuery {
                    after: Some(self.deep_future.clone()),
                    ..page(Column::FutureValue, true)
                },
            ),
        ]
    }

    /// (name, query) of the counts a list page shows.
    fn counts(&self) -> Vec<(&'static str, CustomerQuery)> {
        vec![
            ("count_all", CustomerQuery::default()),
            (
                "count_growth",
                CustomerQuery {
                    filter: Some(growth()),
                    ..CustomerQuery::default()
                },
            ),
            (
                "count_search_mueller",
                CustomerQuery {
                    search: Some("MÜLLER".into()),
                    ..CustomerQuery::default()
                },
            ),
            (
                "count_search_rare_name",
                CustomerQuery {
                    search: Some("özdemir ug 4".into()),
                    ..CustomerQuery::default()
                },
            ),
            (
                "count_search_12345",
                CustomerQuery {
                    search: Some("12345".into()),
                    ..CustomerQuery::default()
                },
            ),
        ]
    }
}

fn cursor(c: &CustomerResult, sort: Column) -> Cursor {
    let value = match sort {
        Column::Id => None,
        Column::FutureValue => c.future_value.map(FilterValue::Number),
        Column::CurrentValue => Some(FilterValue::Number(c.current_value)),
        other => panic!("bench cursor for {other:?}"),
    };
    Cursor { value, id: c.id }
}

const COLUMNS: &str = "id, number, name, type, confidence, reason_de, reason_en, status, \
     abc, current_value, future_value, future_value_low, future_value_high, future_value_source, \
     p_alive, expected_purchases, revenue, margin, orders, first_order, last_order";

/// The SQL the store built for each shape before schema version 5 (`results.rs` at `1057074`),
/// with its arguments.
fn before_sql(shapes: &Shapes) -> Vec<(&'static str, String, Vec<rusqlite::types::Value>)> {
    use rusqlite::types::Value as V;
    let sel = format!("SELECT {COLUMNS} FROM analysis_customers");
    let search = "(instr(kw_fold(number), ?1) > 0 OR coalesce(instr(kw_fold(name), ?1) > 0, 0))";
    let fv = match &shapes.deep_future.value {
        Some(FilterValue::Number(v)) => V::Real(*v),
        _ => V::Null,
    };
    vec![
        (
            "first_page",
            format!("{sel} ORDER BY id ASC LIMIT 50"),
            vec![],
        ),
        (
            "by_future_value_desc",
            format!("{sel} ORDER BY future_value DESC, id DESC LIMIT 50"),
            vec![],
        ),
        (
            "growth_by_future_value_desc",
            format!("{sel} WHERE (type = ?1) ORDER BY future_value DESC, id DESC LIMIT 50"),
            vec![V::Text("growth".into())],
        ),
        (
            "growth_by_current_value_desc",
            format!("{sel} WHERE (type = ?1) ORDER BY current_value DESC, id DESC LIMIT 50"),
            vec![V::Text("growth".into())],
        ),
        (
            "growth_by_revenue_desc",
            format!("{sel} WHERE (type = ?1) ORDER BY revenue DESC, id DESC LIMIT 50"),
            vec![V::Text("growth".into())],
        ),
        (
            "search_name_mueller",
            format!("{sel} WHERE {search} ORDER BY id ASC LIMIT 50"),
            vec![V::Text("müller".into())],
        ),
        (
            "search_name_mueller_by_future_value_desc",
            format!("{sel} WHERE {search} ORDER BY future_value DESC, id DESC LIMIT 50"),
            vec![V::Text("müller".into())],
        ),
        (
            "search_rare_name_by_future_value_desc",
            format!("{sel} WHERE {search} ORDER BY future_value DESC, id DESC LIMIT 50"),
            vec![V::Text("özdemir ug 4".into())],
        ),
        (
            "search_number_12345",
            format!("{sel} WHERE {search} ORDER BY id ASC LIMIT 50"),
            vec![V::Text("12345".into())],
        ),
        (
            "search_rare_name",
            format!("{sel} WHERE {search} ORDER BY id ASC LIMIT 50"),
            vec![V::Text("özdemir ug 4".into())],
        ),
        (
            "search_short_k0",
            format!("{sel} WHERE {search} ORDER BY id ASC LIMIT 50"),
            vec![V::Text("k0".into())],
        ),
        (
            "deep_page_id",
            format!("{sel} WHERE id > ?1 ORDER BY id ASC LIMIT 50"),
            vec![V::Integer(shapes.deep_id.id)],
        ),
        (
            "deep_page_future_value_desc",
            format!(
                "{sel} WHERE ((future_value, id) < (?2, ?1) OR future_value IS NULL) \
                 ORDER BY future_value DESC, id DESC LIMIT 50"
            ),
            vec![V::Integer(shapes.deep_future.id), fv],
        ),
        (
            "count_all",
            "SELECT count(*) FROM analysis_customers".into(),
            vec![],
        ),
        (
            "count_growth",
            "SELECT count(*) FROM analysis_customers WHERE (type = ?1)".into(),
            vec![V::Text("growth".into())],
        ),
        (
            "count_search_mueller",
            format!("SELECT count(*) FROM analysis_customers WHERE {search}"),
            vec![V::Text("müller".into())],
        ),
        (
            "count_search_rare_name",
            format!("SELECT count(*) FROM analysis_customers WHERE {search}"),
            vec![V::Text("özdemir ug 4".into())],
        ),
        (
            "count_search_12345",
            format!("SELECT count(*) FROM analysis_customers WHERE {search}"),
            vec![V::Text("12345".into())],
        ),
    ]
}

/// (page, count) shapes a list page asks for together.
const PAGES_COUNTED: [(&str, &str); 5] = [
    ("first_page", "count_all"),
    ("growth_by_future_value_desc", "count_growth"),
    (
        "search_name_mueller_by_future_value_desc",
        "count_search_mueller",
    ),
    (
        "search_rare_name_by_future_value_desc",
        "count_search_rare_name",
    ),
    ("search_number_12345", "count_search_12345"),
];

/// The cap a list page counts up to ("> 10.000").
const CAP: u64 = 10_001;

fn bench_list(c: &mut Criterion, store: &Store, shapes: &Shapes) {
    let mut g = c.benchmark_group("customer_list");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, q) in shapes.queries() {
        g.bench_function(name, |b| {
            b.iter(|| black_box(store.analysis_customers(black_box(&q)).expect("page")))
        });
    }
    let queries = shapes.queries();
    for (page, _) in PAGES_COUNTED {
        let (_, q) = queries
            .iter()
            .find(|(n, _)| *n == page)
            .expect("page shape");
        g.bench_function(format!("{page}_counted"), |b| {
            b.iter(|| {
                black_box(
                    store
                        .analysis_customers_counted(black_box(q), CAP)
                        .expect("page"),
                )
            })
        });
    }
    for (name, q) in shapes.counts() {
        g.bench_function(format!("{name}_capped"), |b| {
            b.iter(|| {
                black_box(
                    store
                        .count_analysis_customers_capped(black_box(&q), CAP)
                        .expect("count"),
                )
            })
        });
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    store
                        .count_analysis_customers(black_box(&q))
                        .expect("count"),
                )
            })
        });
    }
    g.finish();
}

/// p50 and p95 of `runs` timings of `f`, in milliseconds.
fn percentiles(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    let at = |p: f64| t[((t.len() as f64 * p).ceil() as usize).clamp(1, t.len()) - 1];
    (at(0.5), at(0.95))
}

/// Runs for a shape: fewer for a slow one, so the whole table takes minutes, not hours.
fn runs_for(probe_ms: f64) -> usize {
    if probe_ms > 200.0 {
        10
    } else if probe_ms > 20.0 {
        30
    } else {
        100
    }
}

fn probe(mut f: impl FnMut()) -> f64 {
    let s = Instant::now();
    f();
    s.elapsed().as_secs_f64() * 1e3
}

fn table(store: &Store, before: &Store, shapes: &Shapes) {
    println!("\ncustomer_list p50 / p95 in ms (ours | before | before p95 / ours p95):");
    let old = before_sql(shapes);
    let run_before = |name: &str| {
        let (_, sql, args) = old
            .iter()
            .find(|(n, _, _)| *n == name)
            .expect("before shape");
        let conn = before.connection();
        move || {
            let mut stmt = conn.prepare_cached(sql).expect("prepare");
            let mut rows = stmt
                .query(rusqlite::params_from_iter(args.iter()))
                .expect("query");
            let mut k = 0usize;
            while let Some(r) = rows.next().expect("row") {
                black_box(r.get_ref(0).expect("col"));
                k += 1;
            }
            black_box(k);
        }
    };
    let line = |name: String, ours: &mut dyn FnMut(), old: &mut dyn FnMut()| {
        let (o50, o95) = percentiles(runs_for(probe(&mut *ours)), &mut *ours);
        let (b50, b95) = percentiles(runs_for(probe(&mut *old)), &mut *old);
        println!(
            "  {name:<36} {o50:>9.3} / {o95:>9.3} | {b50:>9.3} / {b95:>9.3} | {:>8.1}×",
            b95 / o95
        );
    };
    for (name, q) in shapes.queries() {
        let mut old = run_before(name);
        line(
            name.to_owned(),
            &mut || {
                black_box(store.analysis_customers(&q).expect("page"));
            },
            &mut old,
        );
    }
    // A list page as the web asks for it: the page and its capped count in one call, against
    // the two statements before 0005.
    let queries = shapes.queries();
    for (page, count) in PAGES_COUNTED {
        let (_, q) = queries
            .iter()
            .find(|(n, _)| *n == page)
            .expect("page shape");
        let old_page = run_before(page);
        let old_count = run_before(count);
        line(
            format!("{page}+count"),
            &mut || {
                black_box(store.analysis_customers_counted(q, CAP).expect("page"));
            },
            &mut || {
                old_page();
                old_count();
            },
        );
    }
    for (name, q) in shapes.counts() {
        let n = store.count_analysis_customers(&q).expect("count");
        let mut old = run_before(name);
        line(
            format!("{name}_capped ({n})"),
            &mut || {
                black_box(
                    store
                        .count_analysis_customers_capped(&q, CAP)
                        .expect("count"),
                );
            },
            &mut old,
        );
        let mut old = run_before(name);
        line(
            format!("{name}_exact"),
            &mut || {
                black_box(store.count_analysis_customers(&q).expect("count"));
            },
            &mut old,
        );
    }
}

/// One `replace_analysis` of all customers into a fresh workspace, and one replacing them (the
/// refresh a changed import causes), in seconds; interleaved with the same for the store before
/// schema version 5 (its schema and its insert), so that the machine's drift hits both alike.
fn refresh(n: i64) {
    let dir = tempfile::tempdir_in(cache_dir()).expect("temp dir");
    let mut ours = Store::open(dir.path().join("ours.db")).expect("open");
    let before = Store::open(dir.path().join("before.db")).expect("open");
    drop_list_objects(before.connection());
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    };
    let mut ours_replace = || {
        ours.replace_analysis(&run_record(), &mut customers(n))
            .expect("store");
    };
    let before_replace = || replace_before(before.connection(), n);
    let ours_fresh = time(&mut ours_replace);
    let before_fresh = time(&mut { before_replace });
    let ours_again = time(&mut ours_replace);
    let before_again = time(&mut { before_replace });
    // The rows alone, to tell the store's share from generating them.
    let t = Instant::now();
    let k = customers(n).count();
    let generate = t.elapsed().as_secs_f64();
    println!(
        "customer_list/replace_analysis_{k}: fresh workspace {ours_fresh:.2} s (before 0005: \
         {before_fresh:.2} s), replacing {ours_again:.2} s (before 0005: {before_again:.2} s); \
         generating the rows {generate:.2} s"
    );
}

fn main() {
    let n = count();
    let path = workspace(n);
    let store = Store::open(&path).expect("open");
    let shapes = Shapes::new(&store, n);
    let mut c = Criterion::default().configure_from_args();
    bench_list(&mut c, &store, &shapes);
    c.final_summary();
    if std::env::args().any(|a| a == "--bench") {
        if std::env::var("TABLE").as_deref() != Ok("0") {
            let before = Store::open(before_workspace(&path)).expect("open before");
            table(&store, &before, &shapes);
        }
        if std::env::var("REFRESH").as_deref() != Ok("0") {
            refresh(n);
        }
    }
}
