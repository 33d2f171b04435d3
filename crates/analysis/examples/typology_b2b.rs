//! Customer types on the B2B panels (`typology::b2b_panels`): per pattern and purchase rate,
//! the share of each type — the confusion tables of `docs/typology.md`.
//!
//! ```sh
//! cargo run --release -p kundenwert-analysis --example typology_b2b -- [--seed N] [--customers N] [--acquired SHARE] [--rules] [--before CONFIG.toml]
//! ```
//!
//! `--before FILE` classifies with the `[typology]` table of an earlier `config/kundenwert.toml`
//! (its tree or rules, without the evidence a pattern exists), for the tables before and after.

use kundenwert_analysis::typology::b2b_panels::{generate, PanelSpec, Pattern};
use kundenwert_analysis::typology::evidence::Levels;
use kundenwert_analysis::typology::{
    classify_features_with, portfolio_reference, CustomerType, Features, TypologyConfig,
    TypologyModel,
};

const RATES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed: u64 = arg(&args, "--seed", 9_100);
    let customers: usize = arg(&args, "--customers", 2_000);
    let acquired: f64 = arg(&args, "--acquired", 0.0);
    let rules = args.iter().any(|a| a == "--rules");
    let before: Option<String> = args
        .iter()
        .position(|a| a == "--before")
        .and_then(|i| args.get(i + 1).cloned());
    let mut config = match &before {
        Some(path) => {
            let text = std::fs::read_to_string(path).expect("a readable config");
            let table: toml::Table = toml::from_str(&text).expect("TOML");
            let mut c: TypologyConfig = table["typology"]
                .clone()
                .try_into()
                .expect("a typology table");
            c.evidence = Levels::OFF;
            c.confidence = None;
            c
        }
        None => TypologyConfig::default(),
    };
    if rules {
        config.model = TypologyModel::Rules;
    }
    let mut panels = Vec::new();
    for pattern in Pattern::ALL {
        for (i, rate) in RATES.iter().enumerate() {
            let panel = generate(&PanelSpec {
                pattern,
                rate: *rate,
                customers,
                months: 36,
                acquired,
                // The seeds of `tests/it/typology.rs` by default.
                seed: seed + 10 * pattern as u64 + i as u64,
            });
            let features: Vec<Option<Features>> = panel
                .iter()
                .map(|c| {
                    Features::compute_with_purchases(&c.values, Some(&c.purchases), c.left_censored)
                })
                .collect();
            panels.push((pattern, *rate, features));
        }
    }
    let reference = portfolio_reference(panels.iter().flat_map(|p| p.2.iter().flatten()));
    println!(
        "seed {seed}, {customers} customers a group, 36 months, {acquired} won during the data; model {:?}{}",
        config.model,
        if before.is_some() { ", before" } else { "" }
    );
    print!("| pattern | purchases a month |");
    for t in CustomerType::ALL {
        print!(" {} |", t.id());
    }
    println!();
    println!("|---|---|{}", "---|".repeat(CustomerType::ALL.len()));
    for (pattern, rate, features) in &panels {
        let mut counts = [0usize; 7];
        for f in features {
            let c = classify_features_with(f.as_ref(), reference, &config);
            counts[CustomerType::ALL
                .iter()
                .position(|t| *t == c.customer_type)
                .unwrap()] += 1;
        }
        let n = features.len() as f64;
        print!(
            "| {} | {} |",
            pattern.id(),
            pattern.rate_label(*rate).trim_end_matches("/month")
        );
        for (t, c) in CustomerType::ALL.iter().zip(counts) {
            let share = 100.0 * c as f64 / n;
            if *t == pattern.truth() {
                print!(" **{share:.1}** |");
            } else {
                print!(" {share:.1} |");
            }
        }
        println!();
    }
}
