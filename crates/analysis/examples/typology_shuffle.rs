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

use std::collections::HashMap;

use kundenwert_analysis::demo::Rng;
use kundenwert_analysis::typology::evidence::Levels;
use kundenwert_analysis::typology::{classify_with, portfolio_reference, Features, TypologyConfig};

/// Random orders per customer.
const SHUFFLES: usize = 200;
/// Customers per type looked at.
const PER_TYPE: usize = 150;

fn read(file: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/typology/dev/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn main() {
    let mut points: HashMap<u64, Vec<(i64, f64)>> = HashMap::new();
    for l in read("series.csv").lines().skip(1) {
        let r: Vec<&str> = l.split(',').collect();
        points
            .entry(r[0].parse().unwrap())
            .or_default()
            .push((r[1].parse().unwrap(), r[2].parse().unwrap()));
    }
    let censored: HashMap<u64, bool> = read("customers.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let r: Vec<&str> = l.split(',').collect();
            (r[0].parse().unwrap(), r[1] == "1")
        })
        .collect();
    let alone = TypologyConfig {
        evidence: Levels::OFF,
        confidence: None,
        ..TypologyConfig::default()
    };
    let mut customers = Vec::new();
    for l in read("labels.csv").lines().skip(1) {
        let r: Vec<&str> = l.split(',').collect();
        let id: u64 = r[0].parse().unwrap();
        let pts = points.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        let start = pts.iter().map(|p| p.0).min().unwrap_or(0).min(0);
        let mut y = vec![0.0; (1 - start) as usize];
        for (m, v) in pts {
            y[(m - start) as usize] += v;
        }
        customers.push((y, censored[&id], r[1].to_string()));
    }
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
