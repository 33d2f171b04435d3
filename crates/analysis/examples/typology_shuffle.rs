//! How much of the labelled panels' patterns is more than chance: for customers of `dev/`
//! whose type the shape classifier alone (the default tree, evidence switched off) gets
//! right, the share of 200 random orders of the same months after the first for which it
//! says the same type — the permutation p-value of its own verdict against a flat buyer with
//! the same purchases and amounts. A verdict that survives shuffling the months is not about
//! their course. `docs/typology.md` has the numbers.
//!
//! ```sh
//! cargo run --release -p kundenwert-analysis --example typology_shuffle
//! ```

#[path = "support/labelled.rs"]
mod labelled;

use kundenwert_analysis::demo::Rng;
use kundenwert_analysis::typology::evidence::Levels;
use kundenwert_analysis::typology::{classify_with, portfolio_reference, Features, TypologyConfig};

/// Random orders per customer.
const SHUFFLES: usize = 200;
/// Customers per type looked at.
const PER_TYPE: usize = 150;

fn main() {
    let alone = TypologyConfig {
        evidence: Levels::OFF,
        confidence: None,
        ..TypologyConfig::default()
    };
    let customers: Vec<(Vec<f64>, bool, String)> = labelled::load("dev")
        .into_iter()
        .map(|c| (c.months, c.left_censored, c.label))
        .collect();
    let features: Vec<Features> = customers
        .iter()
        .filter_map(|(y, c, _)| Features::compute(y, *c))
        .collect();
    let reference = portfolio_reference(features.iter());
    let mut rng = Rng(1);
    println!("type      typed right  p <= 0.05  p <= 0.10  p <= 0.20  median p");
    for want in ["CYCLICAL", "GROWTH", "BELL", "SHRINK"] {
        let mut ps = Vec::new();
        for (y, c, _) in customers.iter().filter(|c| c.2 == want).take(PER_TYPE) {
            let verdict = classify_with(y, *c, reference, &alone).customer_type;
            if verdict.spec_name() != want {
                continue;
            }
            let first = y
                .iter()
                .position(|v| *v != 0.0)
                .expect("a month with business");
            let mut z = y.clone();
            let mut same = 0;
            for _ in 0..SHUFFLES {
                let tail = &mut z[first + 1..];
                for i in (1..tail.len()).rev() {
                    let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                    tail.swap(i, j);
                }
                same +=
                    usize::from(classify_with(&z, *c, reference, &alone).customer_type == verdict);
            }
            ps.push((same + 1) as f64 / (SHUFFLES + 1) as f64);
        }
        ps.sort_by(f64::total_cmp);
        let n = ps.len();
        let share = |t: f64| 100.0 * ps.iter().filter(|p| **p <= t).count() as f64 / n as f64;
        println!(
            "{want:<9} {n:>11} {:>9.0}% {:>9.0}% {:>9.0}% {:>9.3}",
            share(0.05),
            share(0.10),
            share(0.20),
            ps[n / 2]
        );
    }
}
