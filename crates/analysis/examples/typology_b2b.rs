//! Customer types on B2B-like panels (`typology::b2b_panels`): per pattern and purchase rate,
//! the share of each type.
//!
//! ```sh
//! cargo run --release -p kundenwert-analysis --example typology_b2b -- [SEED] [CUSTOMERS]
//! ```

use kundenwert_analysis::typology::b2b_panels::{generate, PanelSpec, Pattern};
use kundenwert_analysis::typology::{
    classify_features_with, portfolio_reference, CustomerType, Features, TypologyConfig,
    TypologyModel,
};

const RATES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed: u64 = args.get(1).map_or(1, |s| s.parse().unwrap());
    let customers: usize = args.get(2).map_or(2000, |s| s.parse().unwrap());
    let rules = args.iter().any(|a| a == "--rules");
    let config = if rules {
        TypologyConfig {
            model: TypologyModel::Rules,
            ..TypologyConfig::default()
        }
    } else {
        TypologyConfig::default()
    };
    let mut panels = Vec::new();
    for pattern in Pattern::ALL {
        for (i, rate) in RATES.iter().enumerate() {
            let panel = generate(&PanelSpec {
                pattern,
                rate: *rate,
                customers,
                months: 36,
                acquired: 0.3,
                seed: seed * 1000 + (pattern as u64) * 10 + i as u64,
            });
            let features: Vec<Option<Features>> = panel
                .iter()
                .map(|c| Features::compute(&c.values, c.left_censored))
                .collect();
            panels.push((pattern, *rate, features));
        }
    }
    let reference = portfolio_reference(panels.iter().flat_map(|p| p.2.iter().flatten()));
    println!("reference {reference:?}");
    print!("{:<10} {:>14}", "pattern", "rate");
    for t in CustomerType::ALL {
        print!(" {:>9}", t.id());
    }
    println!("  right");
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
        print!("{:<10} {:>14}", pattern.id(), pattern.rate_label(*rate));
        for c in counts {
            print!(" {:>8.1}%", 100.0 * c as f64 / n);
        }
        let right = counts[CustomerType::ALL
            .iter()
            .position(|t| *t == pattern.truth())
            .unwrap()];
        println!("  {:.1}%", 100.0 * right as f64 / n);
    }
}
