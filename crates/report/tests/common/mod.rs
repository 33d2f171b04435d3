//! The small deterministic workspace every report test reads: the demo company with 120
//! customers, its chain and focus plan, and a customer whose name is a formula.

use std::collections::HashMap;

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
    let mut positions: HashMap<String, u32> = HashMap::new();
    let mut rows: Vec<StoredTransaction> = demo
        .lines
        .iter()
        .map(|l| {
            let p = positions.entry(l.document.clone()).or_insert(0);
            *p += 1;
            StoredTransaction {
                customer: l.customer_id.clone(),
                name: Some(l.customer_name.clone()),
                date: l.date,
                revenue: l.revenue_cents as f64 / 100.0,
                cost: Some(l.cost_cents as f64 / 100.0),
                quantity: Some(l.quantity as f64),
                product: Some(l.article.to_owned()),
                document: Some(l.document.clone()),
                position: Some(*p - 1),
            }
        })
        .collect();
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
    let plan_yaml = include_str!("../../../../data/demo/fokusplan_wachstum.yaml");
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
