//! Customer types of the demo company (`kundenwert demo`, default seed) against the types it
//! was generated with, for the default tree and the tuned rules, without the CLI: monthly
//! margins (revenue − cost) per customer from its first month to the as-of month, the start
//! left-censored when it is the first month of the data (as `classify_series` does).
//!
//! ```sh
//! cargo run --release -p kundenwert-analysis --example typology_demo
//! ```

use std::collections::HashMap;

use chrono::Datelike;
use kundenwert_analysis::demo::{generate, DemoConfig};
use kundenwert_analysis::typology::{
    classify_features_with, portfolio_reference, CustomerType, Features, TypologyConfig,
    TypologyModel,
};

fn main() {
    let demo = generate(&DemoConfig::default());
    let month = |d: chrono::NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    let as_of = month(demo.as_of);
    let mut margins: HashMap<&str, HashMap<i64, f64>> = HashMap::new();
    for l in &demo.lines {
        *margins
            .entry(l.customer_id.as_str())
            .or_default()
            .entry(month(l.date))
            .or_default() += (l.revenue_cents - l.cost_cents) as f64 / 100.0;
    }
    let first = |id: &str| margins[id].keys().copied().min().unwrap_or(as_of);
    let data_start = demo
        .truth
        .iter()
        .map(|(id, _)| first(id))
        .min()
        .unwrap_or(as_of);
    let features: Vec<Option<Features>> = demo
        .truth
        .iter()
        .map(|(id, _)| {
            let start = first(id);
            let y: Vec<f64> = (start..=as_of)
                .map(|m| margins[id.as_str()].get(&m).copied().unwrap_or(0.0))
                .collect();
            Features::compute(&y, start == data_start)
        })
        .collect();
    let reference = portfolio_reference(features.iter().flatten());
    let tree = TypologyConfig::default();
    let rules = TypologyConfig {
        model: TypologyModel::Rules,
        ..TypologyConfig::default()
    };
    for (name, config) in [("tree", &tree), ("tuned rules", &rules)] {
        let mut confusion = [[0usize; 7]; 7];
        for ((_, truth), f) in demo.truth.iter().zip(&features) {
            let c = classify_features_with(f.as_ref(), reference, config);
            let i = CustomerType::ALL.iter().position(|t| t == truth).unwrap();
            let j = CustomerType::ALL
                .iter()
                .position(|t| *t == c.customer_type)
                .unwrap();
            confusion[i][j] += 1;
        }
        let correct: usize = (0..7).map(|i| confusion[i][i]).sum();
        println!(
            "{name}: accuracy {:.4} on {} customers",
            correct as f64 / demo.truth.len() as f64,
            demo.truth.len()
        );
        for (i, t) in CustomerType::ALL.iter().enumerate() {
            let n: usize = confusion[i].iter().sum();
            println!(
                "  {:<10} n {n:>5} recall {:.3} {:?}",
                t.id(),
                confusion[i][i] as f64 / n.max(1) as f64,
                confusion[i]
            );
        }
    }
}
