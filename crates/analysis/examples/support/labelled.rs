//! The labelled panels of `tests/fixtures/typology/<panel>/` as the examples and
//! `tests/it/typology.rs` read them (included with `#[path]`; not an example of its own).

// Each example uses part of it.
#![allow(dead_code)]

use std::collections::HashMap;

/// One labelled customer: its monthly margins from its first observed month to month 0
/// (missing months 0), whether its start is cut off, its true type's spec name and its true
/// status.
pub struct Labelled {
    pub id: u64,
    pub months: Vec<f64>,
    pub left_censored: bool,
    pub label: String,
    pub status: String,
}

fn read(panel: &str, file: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/typology/{panel}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The data rows of a fixture file, split on commas (no quoting in these files).
fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().skip(1).map(|l| l.split(',').collect())
}

/// Every customer of `panel` in the order of its `labels.csv`.
pub fn load(panel: &str) -> Vec<Labelled> {
    let series = read(panel, "series.csv");
    let mut points: HashMap<u64, Vec<(i64, f64)>> = HashMap::new();
    for r in rows(&series) {
        points
            .entry(r[0].parse().unwrap())
            .or_default()
            .push((r[1].parse().unwrap(), r[2].parse().unwrap()));
    }
    let customers = read(panel, "customers.csv");
    let censored: HashMap<u64, bool> = rows(&customers)
        .map(|r| (r[0].parse().unwrap(), r[1] == "1"))
        .collect();
    let labels = read(panel, "labels.csv");
    rows(&labels)
        .map(|r| {
            let id: u64 = r[0].parse().unwrap();
            let pts = points.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            let start = pts.iter().map(|p| p.0).min().unwrap_or(0).min(0);
            let mut months = vec![0.0; (1 - start) as usize];
            for (m, v) in pts {
                months[(m - start) as usize] += v;
            }
            Labelled {
                id,
                months,
                left_censored: censored[&id],
                label: r[1].to_string(),
                status: r[3].to_string(),
            }
        })
        .collect()
}
