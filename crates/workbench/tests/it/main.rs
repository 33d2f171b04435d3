//! The workspace, analysed: the stored analysis is what the pipeline computes, it is computed
//! again only when the transactions, the settings or the version changed, and selections read
//! from it mean what the selection language means.

use chrono::Datelike;

use kundenwert_analysis::demo::{generate, DemoConfig};
use kundenwert_chain::selection::{self, CustomerFields, Field};
use kundenwert_core::PeriodKind;
use kundenwert_store::{
    CustomerQuery, CustomerResult, ImportMeta, Store, StoredTransaction, Workspace,
};
use kundenwert_workbench::{
    analyse, demo_transactions, read_series, Freshness, Refreshed, Request, Settings, Step,
    Workbench,
};

/// A workspace with a small demo company: `customers` customers, `part` of 2 halves of its
/// lines (0: first half, 1: second half, 2: all).
fn import_demo(store: &mut Store, customers: usize, part: usize) {
    let demo = generate(&DemoConfig {
        customers,
        ..DemoConfig::default()
    });
    let rows = demo_transactions(&demo);
    let half = rows.len() / 2;
    let rows: Vec<StoredTransaction> = match part {
        0 => rows[..half].to_vec(),
        1 => rows[half..].to_vec(),
        _ => rows,
    };
    store
        .import_file(
            &ImportMeta {
                path: format!("demo-{part}.csv"),
                content_hash: format!("demo-{customers}-{part}"),
                rows_read: rows.len() as u64,
                rows_rejected: 0,
            },
            &mut rows.into_iter(),
        )
        .expect("import");
}

fn refresh(bench: &mut Workbench<Store>) -> Refreshed {
    let mut steps = Vec::new();
    let out = bench.refresh(&mut |s| steps.push(s)).expect("refresh");
    if let Refreshed::Computed { run, .. } = &out {
        assert_eq!(steps.first(), Some(&Step::Reading));
        assert_eq!(
            steps.last(),
            Some(&Step::Stored {
                customers: run.customers
            })
        );
    } else {
        assert!(steps.is_empty(), "{steps:?}");
    }
    out
}

fn all(bench: &Workbench<Store>) -> Vec<CustomerResult> {
    bench
        .customers(&CustomerQuery::default())
        .expect("customers")
}

#[test]
fn computed_once_and_again_only_after_an_import_or_a_settings_change() {
    let mut bench = Workbench::new(Store::open_in_memory().expect("open"));
    assert_eq!(bench.freshness().expect("freshness"), Freshness::Empty);
    assert_eq!(refresh(&mut bench), Refreshed::Empty);

    import_demo(bench.store_mut(), 300, 0);
    assert_eq!(bench.freshness().expect("freshness"), Freshness::Missing);
    let Refreshed::Computed { run, .. } = refresh(&mut bench) else {
        panic!("the first refresh computes")
    };
    let first_as_of = run.as_of;
    assert_eq!(bench.freshness().expect("freshness"), Freshness::Current);
    assert_eq!(refresh(&mut bench), Refreshed::UpToDate);
    let computed_at = bench.run().expect("run").expect("run").computed_at;

    // The same file again stores nothing: still current.
    import_demo(bench.store_mut(), 300, 0);
    assert_eq!(bench.freshness().expect("freshness"), Freshness::Current);

    // The second half of the lines: stale, and the new analysis reaches further.
    import_demo(bench.store_mut(), 300, 1);
    assert_eq!(bench.freshness().expect("freshness"), Freshness::Stale);
    let Refreshed::Computed { run, .. } = refresh(&mut bench) else {
        panic!("an import makes it stale")
    };
    assert!(run.as_of > first_as_of, "{} vs {first_as_of}", run.as_of);

    // A settings change makes it stale; the analysis then uses the new settings.
    let before: Vec<Option<f64>> = all(&bench).iter().map(|c| c.future_value).collect();
    bench.set_setting("forecast.horizon", "3").expect("set");
    assert_eq!(bench.freshness().expect("freshness"), Freshness::Stale);
    assert!(matches!(refresh(&mut bench), Refreshed::Computed { .. }));
    let run = bench.run().expect("run").expect("run");
    assert!(run.settings.contains("horizon = 3"), "{}", run.settings);
    let after: Vec<Option<f64>> = all(&bench).iter().map(|c| c.future_value).collect();
    let total = |v: &[Option<f64>]| v.iter().flatten().sum::<f64>();
    assert!(
        total(&after) < 0.5 * total(&before),
        "3 months ahead are worth less than 12: {} vs {}",
        total(&after),
        total(&before)
    );
    let _ = computed_at;
}

#[test]
fn the_stored_analysis_is_what_the_pipeline_computes() {
    let mut bench = Workbench::new(Store::open_in_memory().expect("open"));
    import_demo(bench.store_mut(), 400, 2);
    refresh(&mut bench);
    let stored = all(&bench);

    // The same transactions through the pipeline directly.
    let (builder, n) = read_series(bench.store(), None).expect("read");
    assert!(n > 0);
    let a = analyse(
        builder.finish(PeriodKind::Month),
        &Settings::default(),
        Request::default(),
        &mut |_| {},
    )
    .expect("analyse");
    assert_eq!(stored.len(), a.series.customers.len());
    let run = bench.run().expect("run").expect("run");
    assert_eq!(run.as_of, a.series.as_of);
    assert_eq!(run.customers, stored.len() as u64);
    let portfolio = bench.portfolio().expect("read").expect("a run");
    let abc = &a.portfolio.abc;
    for (class, group) in [("A", &abc.a), ("B", &abc.b), ("C", &abc.c)] {
        assert_eq!(
            portfolio["abc"][class]["customers"], group.customers,
            "{class}"
        );
    }
    assert_eq!(
        portfolio["whale_curve"]["customers"],
        a.portfolio.whale_curve.customers
    );
    assert!(portfolio["quadrants"].is_object(), "{portfolio}");
    // The type migration over the year before as-of: every customer counted once, either in
    // the matrix or as new since; the movers are those whose type changed.
    let migration = bench
        .migration()
        .expect("read")
        .expect("two years of history");
    let from = migration["from"].as_str().expect("from");
    let year_before = a.series.as_of.with_day(1).unwrap() - chrono::Months::new(11);
    assert_eq!(from, year_before.pred_opt().unwrap().to_string());
    let in_matrix: u64 = migration["matrix"]
        .as_array()
        .expect("matrix")
        .iter()
        .flat_map(|row| row.as_array().expect("row").iter())
        .map(|n| n.as_u64().expect("count"))
        .sum();
    let new = migration["new_customers"].as_u64().expect("new");
    assert_eq!(in_matrix + new, stored.len() as u64);
    let moved = migration["moved"].as_array().expect("moved");
    assert!(!moved.is_empty() && moved.len() <= kundenwert_workbench::records::MOVERS);
    for m in moved {
        assert_ne!(m["from"], m["to"], "{m}");
        let now = stored.iter().find(|s| s.number == m["id"]).expect("mover");
        assert_eq!(m["to"], now.customer_type.as_str(), "{m}");
    }
    let cents = |x: f64, y: f64| (x - y).abs() <= 0.011;
    for (i, s) in stored.iter().enumerate() {
        let (c, k) = (&a.series.customers[i], &a.types[i]);
        let f = &a.forecast.customers[i];
        assert_eq!(s.id, i as i64 + 1);
        assert_eq!(s.number, c.id.as_str());
        assert_eq!(s.customer_type, k.customer_type.id(), "{}", s.number);
        assert_eq!(s.reason_en, k.reason(kundenwert_core::Lang::En));
        assert_eq!(s.abc, a.portfolio.abc.classes[i].as_str());
        assert!(cents(s.current_value, c.current_value), "{}", s.number);
        assert!(cents(s.revenue, c.revenue), "{}", s.number);
        let fv = s.future_value.expect("forecast");
        assert!(
            (fv - f.future_value).abs() <= 0.011 + 1e-6 * f.future_value.abs(),
            "{}: {fv} vs {}",
            s.number,
            f.future_value
        );
        assert_eq!(s.future_value_source.as_deref(), Some(f.source.id()));
        assert_eq!((s.first_order, s.last_order), (c.first_date, c.last_date));
        assert_eq!(s.orders, c.orders);
    }
    // Each customer's months add up to its revenue.
    for s in stored.iter().step_by(37) {
        let (_, months) = bench.customer(&s.number).expect("read").expect("customer");
        assert!(!months.is_empty());
        let sum: f64 = months.iter().map(|m| f64::from(m.revenue)).sum();
        assert!(
            (sum - s.revenue).abs() <= 1e-4 * s.revenue.abs().max(100.0),
            "{}: {sum} vs {}",
            s.number,
            s.revenue
        );
        assert!(months
            .windows(2)
            .all(|w| w[0].month_index < w[1].month_index));
    }
}

/// A stored customer as the selection language reads it (the reference the SQL is held to).
struct Fields<'a>(&'a CustomerResult);

impl CustomerFields for Fields<'_> {
    fn text(&self, field: Field) -> Option<&str> {
        let c = self.0;
        match field {
            Field::Id => Some(&c.number),
            Field::Name => c.name.as_deref(),
            Field::Type => Some(&c.customer_type),
            Field::Status => c.status.as_deref(),
            Field::Abc => Some(&c.abc),
            _ => None,
        }
    }

    fn number(&self, field: Field) -> Option<f64> {
        let c = self.0;
        match field {
            Field::CurrentValue => Some(c.current_value),
            Field::FutureValue => c.future_value,
            Field::Revenue => Some(c.revenue),
            Field::Margin => c.margin,
            Field::PAlive => c.p_alive,
            Field::Transactions => Some(c.orders as f64),
            _ => None,
        }
    }
}

#[test]
fn selections_read_from_the_store_match_the_selection_language() {
    let mut bench = Workbench::new(Store::open_in_memory().expect("open"));
    import_demo(bench.store_mut(), 400, 2);
    refresh(&mut bench);
    let everyone = all(&bench);
    let mut nonempty = 0;
    for expr in [
        "type=growth",
        "type = Wachstum",
        "type in (growth, shrinking) and future_value > 2000",
        "not future_value > 1000",
        "abc=A or (status=dormant and revenue >= 10000)",
        "name ~ gmbh",
        "name ~ \"MÜLLER\"",
        "id ~ 10",
        "p_alive < 0.5 and transactions > 3",
        "margin < 0",
        "not (type=steady or type=cyclical)",
        "current_value != 0 and not abc in (B, C)",
        // Ids in any case, and `not` over figures some customers lack.
        "type = GROWTH or abc = a",
        "abc in (a, b) and not type in (Steady)",
        "not status = lost",
        "status != active",
        "not status in (active, dormant)",
        "not margin > 0",
    ] {
        let sel = selection::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let want: Vec<&str> = everyone
            .iter()
            .filter(|c| sel.matches(&Fields(c)))
            .map(|c| c.number.as_str())
            .collect();
        let got: Vec<String> = bench
            .select(&sel)
            .expect("select")
            .into_iter()
            .map(|c| c.number)
            .collect();
        assert_eq!(got, want, "{expr}");
        // Page by page (pages of 7, the last one short or exactly full): the same customers.
        let (total, mut pages) = bench.select_pages(&sel, 7).expect("pages");
        let mut paged = Vec::new();
        while let Some(page) = pages.next_page().expect("page") {
            assert!(!page.is_empty() && page.len() <= 7, "{expr}");
            paged.extend(page.into_iter().map(|c| c.number));
        }
        assert_eq!(paged, want, "{expr}: paged");
        assert_eq!(total, want.len() as u64, "{expr}: total");
        nonempty += usize::from(!want.is_empty());
    }
    assert!(
        nonempty >= 9,
        "the expressions must select someone: {nonempty}"
    );
    // An actor's members: one customer, or a selection; a broken expression stands for nobody.
    let first = &everyone[0].number;
    assert_eq!(bench.members(Some(first), None).expect("members").len(), 1);
    assert_eq!(
        bench
            .members(None, Some("type=growth"))
            .expect("members")
            .len(),
        everyone
            .iter()
            .filter(|c| c.customer_type == "growth")
            .count()
    );
    assert!(bench
        .members(None, Some("type="))
        .expect("members")
        .is_empty());
}

#[test]
fn settings_are_kept_in_the_workspace_and_checked() {
    let mut bench = Workbench::new(Store::open_in_memory().expect("open"));
    assert_eq!(bench.settings().expect("settings"), Settings::default());
    bench
        .set_setting("cost_to_serve.per_order", "25")
        .expect("set");
    assert_eq!(
        bench.settings().expect("settings").cost_to_serve.per_order,
        Some(25.0)
    );
    // A refused value stores nothing.
    assert!(bench.set_setting("forecast.discount_rate", "1.5").is_err());
    assert!(bench.set_setting("forecast.horizonn", "5").is_err());
    assert!(bench
        .import_settings("[forecast]\nhorizon = \"x\"\n")
        .is_err());
    let s = bench.settings().expect("settings");
    assert_eq!(s.forecast.discount_rate, 0.1);
    assert_eq!(s.cost_to_serve.per_order, Some(25.0));
    // An import replaces them: what the file leaves out takes its default.
    bench
        .import_settings("[forecast]\nhorizon = 6\n")
        .expect("import");
    let s = bench.settings().expect("settings");
    assert_eq!((s.forecast.horizon, s.cost_to_serve.per_order), (6, None));
}

#[test]
fn a_capped_count_is_exact_below_its_cap_and_the_cap_above() {
    let mut bench = Workbench::new(Store::open_in_memory().expect("open"));
    import_demo(bench.store_mut(), 300, 2);
    refresh(&mut bench);
    let everyone = CustomerQuery::default();
    let some = CustomerQuery {
        search: Some("1".into()),
        ..CustomerQuery::default()
    };
    for q in [&everyone, &some] {
        let exact = bench.count(q).expect("count");
        assert!(exact > 10, "{exact}");
        assert_eq!(bench.count_capped(q, exact + 1).expect("count"), exact);
        assert_eq!(bench.count_capped(q, exact).expect("count"), exact);
        assert_eq!(bench.count_capped(q, 10).expect("count"), 10);
    }
}
