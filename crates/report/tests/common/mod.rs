//! The small deterministic workspace every report test reads: the demo company with 120
//! customers, its chain and focus plan, and a customer whose name is a formula.

use kundenwert_analysis::demo::{generate, DemoConfig};
use kundenwert_core::Lang;
use kundenwert_report::{build, Options, Report};
use kundenwert_store::{ImportMeta, Store, StoredTransaction, Workspace};
use kundenwert_workbench::Workbench;

/// The customer whose name would run as a formula in a spreadsheet.
pub const FORMULA_NUMBER: &str = "99999";
pub const FORMULA_NAME: &str = "=HYPERLINK(\"x\")";

pub fn workspace() -> (tempfile::TempDir, Workbench<Store>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("kundenwert.db")).unwrap();
    let demo = generate(&DemoConfig {
        customers: 120,
        ..DemoConfig::default()
    });
    let mut rows = kundenwert_workbench::demo_transactions(&demo);
    let last = rows.iter().map(|r| r.date).max().unwrap();
    for (i, months_back) in [1u32, 4, 7, 10].iter().enumerate() {
        rows.push(StoredTransaction {
            customer: FORMULA_NUMBER.into(),
            name: Some(FORMULA_NAME.into()),
            date: last - chrono::Months::new(*months_back),
            revenue: 1000.0 + i as f64,
            cost: Some(600.0),
            quantity: Some(1.0),
            product: Some("X".into()),
            document: Some(format!("H{i}")),
            position: Some(0),
        });
    }
    store
        .import_file(
            &ImportMeta {
                path: "demo.csv".into(),
                content_hash: "demo-120".into(),
                rows_read: rows.len() as u64,
                rows_rejected: 0,
            },
            &mut rows.into_iter(),
        )
        .unwrap();
    let chain_yaml = include_str!("../../../../data/demo/kette_hydraulik.yaml");
    let chain = kundenwert_chain::parse(chain_yaml, Some(kundenwert_chain::Format::Yaml)).unwrap();
    store
        .put_chain(&chain.chain, &kundenwert_chain::export::to_json(&chain))
        .unwrap();
    let plan_yaml = include_str!("../../../chain/fixtures/plan_growth.yaml");
    let plan = kundenwert_chain::plan::parse_plan(plan_yaml, Some(kundenwert_chain::Format::Yaml))
        .unwrap();
    store
        .put_plan(&plan.plan, &kundenwert_chain::plan::plan_to_json(&plan))
        .unwrap();
    let mut bench = Workbench::new(store);
    bench.refresh(&mut |_| {}).unwrap();
    (dir, bench)
}

/// The report with the moment of computing fixed, so snapshots hold across runs.
pub fn report(bench: &Workbench<Store>, lang: Lang) -> Report {
    let mut report = build(
        bench,
        Options {
            lang,
            top_per_type: 3,
        },
    )
    .unwrap();
    report.overview.computed_at = "2025-01-31T12:00:00Z".into();
    report
}

/// One figure of the stored analysis as the reader sees it, and what it is.
pub struct Figure {
    /// The figure in the reader's number format.
    pub text: String,
    /// What it is, for the failure message.
    pub what: String,
    /// Whether it stands in a cell or figure box of its own (the HTML shows it as
    /// `>{text}<`); a figure inside a sentence is only contained.
    pub own_cell: bool,
}

/// The stored analysis's figures (what `analyze --json` writes under `summary` and
/// `portfolio`) in `lang`'s number format: customers and current value per type, the
/// quadrants, the ABC classes, the whale curve's negative customers, the backtest, and every
/// cell of the type migration. Every report format must carry each of them.
pub fn stored_figures(bench: &Workbench<Store>, lang: Lang) -> Vec<Figure> {
    use kundenwert_core::fmt;
    let run = bench.run().unwrap().unwrap();
    let s: serde_json::Value = serde_json::from_str(&run.summary).unwrap();
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or_else(|| panic!("a count: {v}"));
    let x = |v: &serde_json::Value| v.as_f64().unwrap_or_else(|| panic!("a number: {v}"));
    let mut out = Vec::new();
    let mut push = |text: String, what: &str, own_cell: bool| {
        out.push(Figure {
            text,
            what: what.to_owned(),
            own_cell,
        });
    };
    push(fmt::count(n(&s["customers"]), lang), "customers", true);
    for key in ["current_value", "future_value"] {
        push(fmt::whole_amount(x(&s[key]), lang), key, true);
    }
    let mut types = 0;
    for (id, t) in s["by_type"].as_object().unwrap() {
        if n(&t["customers"]) == 0 {
            continue;
        }
        types += 1;
        push(fmt::count(n(&t["customers"]), lang), id, true);
        push(fmt::whole_amount(x(&t["current_value"]), lang), id, true);
    }
    assert!(types >= 4, "{types} types with customers");
    let p = &s["portfolio"];
    for q in ["star", "cash_cow", "question_mark", "dog"] {
        let q_ = &p["quadrants"][q];
        push(fmt::count(n(&q_["customers"]), lang), q, true);
        push(fmt::whole_amount(x(&q_["current_value"]), lang), q, true);
        push(fmt::whole_amount(x(&q_["future_value"]), lang), q, true);
    }
    for class in ["A", "B", "C"] {
        push(
            fmt::count(n(&p["abc"][class]["customers"]), lang),
            class,
            true,
        );
    }
    let whale = &p["whale_curve"];
    push(
        fmt::count(n(&whale["negative_customers"]), lang),
        "negative customers",
        false,
    );
    if let Some(b) = s["backtest"].as_object() {
        push(
            fmt::count(n(&b["customers"]), lang),
            "backtest customers",
            false,
        );
        push(
            fmt::percent(x(&b["coverage"]), lang),
            "backtest coverage",
            false,
        );
    }
    let migration = &s["migration"];
    assert!(
        migration.is_object(),
        "the demo's history covers a year's migration"
    );
    for row in migration["matrix"].as_array().unwrap() {
        for cell in row.as_array().unwrap() {
            push(fmt::count(n(cell), lang), "a migration cell", true);
        }
    }
    out
}
