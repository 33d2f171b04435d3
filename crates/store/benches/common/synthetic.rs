//! The synthetic 1 M-customer workspace of the list benchmarks: a stored analysis of generated
//! customers (deterministic: a seeded SplitMix64), without transactions. Shared by the store's
//! criterion bench (`benches/customer_list.rs`) and the example that writes it for the web
//! benchmark (`examples/list_workspace.rs`, used by `bench/web_list.sh`), so both measure the
//! same rows.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use kundenwert_store::{
    AnalysisRun, CustomerResult, MonthFigures, Store, Workspace, SCHEMA_VERSION,
};

/// Seeded SplitMix64 (no dependency).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.f64().max(1e-300);
        let v = self.f64();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    pub fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        (mu + sigma * self.normal()).exp()
    }
}

/// Frequent German surnames (with umlauts), the first ones far more common than the last.
const SURNAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Jäger",
    "Groß",
    "Weiß",
    "Köhler",
    "Özdemir",
    "Böhm",
    "Kühn",
    "Vogel",
    "Fuchs",
    "Möller",
];
const FORMS: &[&str] = &["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "OHG", "UG"];
/// Six types with skewed shares (cumulative).
const TYPES: &[(&str, f64)] = &[
    ("steady", 0.38),
    ("shrinking", 0.60),
    ("growth", 0.75),
    ("barnacle", 0.87),
    ("cyclical", 0.96),
    ("bell", 1.0),
];
const STATUSES: &[&str] = &["active", "active", "active", "dormant", "lost", "one_time"];

fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Customer `id` (1-based; numbers `K0000001`… so that id is the rank in number order).
pub fn customer(rng: &mut Rng, id: i64) -> (CustomerResult, Vec<MonthFigures>) {
    // Zipf-like choice of the surname: index ~ floor(n^u) - 1.
    let n = SURNAMES.len() as f64;
    let surname = SURNAMES[((n + 1.0).powf(rng.f64()) as usize).saturating_sub(1) % SURNAMES.len()];
    let form = FORMS[rng.below(FORMS.len() as u64) as usize];
    let name = (rng.f64() >= 0.02).then(|| format!("{surname} {form} {:05}", rng.below(100_000)));
    let u = rng.f64();
    let ty = TYPES
        .iter()
        .find(|(_, c)| u < *c)
        .map_or("bell", |(t, _)| t);
    let current = cents(rng.lognormal(7.0, 1.6));
    let future = (rng.f64() >= 0.12).then(|| cents(current * rng.lognormal(0.0, 0.8)));
    let margin = (rng.f64() >= 0.2).then(|| cents(current * (0.1 + 0.4 * rng.f64())));
    let status =
        (rng.f64() >= 0.03).then(|| STATUSES[rng.below(STATUSES.len() as u64) as usize].to_owned());
    let orders = 1 + (rng.lognormal(1.5, 1.0) as u64).min(5000);
    let first =
        NaiveDate::from_ymd_opt(2019, 1, 1).expect("date") + chrono::Days::new(rng.below(1500));
    let last = first + chrono::Days::new(rng.below(700));
    let n_months = 1 + rng.below(12) as i32;
    let months = (0..n_months)
        .map(|i| MonthFigures {
            month_index: 2023 * 12 + i * 2,
            revenue: (current / f64::from(n_months)) as f32,
            margin: margin.map(|m| (m / f64::from(n_months)) as f32),
            orders: 1 + (i as u32 % 3),
        })
        .collect();
    let c = CustomerResult {
        id,
        number: format!("K{id:07}"),
        name,
        customer_type: ty.to_owned(),
        confidence: (rng.f64() * 10_000.0).round() / 10_000.0,
        reason_de: format!("Umsatz über {} Monate stabil, Abweichung gering", n_months),
        reason_en: format!("revenue stable over {} months, small deviation", n_months),
        status,
        abc: if current > 5_000.0 {
            "A"
        } else if current > 1_000.0 {
            "B"
        } else {
            "C"
        }
        .to_owned(),
        current_value: current,
        future_value: future,
        future_value_low: future.map(|f| cents(f * 0.7)),
        future_value_high: future.map(|f| cents(f * 1.4)),
        future_value_source: future.map(|_| "bg_nbd".to_owned()),
        p_alive: future.map(|_| (rng.f64() * 10_000.0).round() / 10_000.0),
        expected_purchases: future.map(|_| (rng.f64() * 2_000.0).round() / 100.0),
        revenue: cents(current * 1.3),
        margin,
        orders,
        first_order: first,
        last_order: last,
    };
    (c, months)
}

pub fn run_record() -> AnalysisRun {
    AnalysisRun {
        data_version: 1,
        settings: String::new(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"),
        summary: "{}".into(),
        customers: 0,
        seconds: 0.0,
        computed_at: String::new(),
    }
}

pub fn customers(n: i64) -> impl Iterator<Item = (CustomerResult, Vec<MonthFigures>)> {
    let mut rng = Rng(20_261_208);
    (1..=n).map(move |id| customer(&mut rng, id))
}

pub fn count() -> i64 {
    std::env::var("CUSTOMERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

pub fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("kundenwert-bench")
}

/// The cached workspace of `n` customers in [`cache_dir`] (built when missing or incomplete),
/// keyed by the schema version so that a migration makes a new one.
pub fn workspace(n: i64) -> PathBuf {
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).expect("bench cache dir");
    let path = dir.join(format!("customer_list_v{SCHEMA_VERSION}_{n}.db"));
    ensure(&path, n);
    path
}

/// Makes the workspace at `path` hold the stored analysis of the `n` generated customers,
/// unless it already holds `n` of them (then nothing is written).
pub fn ensure(path: &Path, n: i64) {
    if let Ok(store) = Store::open(path) {
        if store
            .analysis_run()
            .ok()
            .flatten()
            .is_some_and(|r| r.customers == n as u64)
        {
            return;
        }
    }
    let mut store = Store::open(path).expect("open bench workspace");
    let t = Instant::now();
    store
        .replace_analysis(&run_record(), &mut customers(n))
        .expect("store customers");
    eprintln!(
        "customer_list: generated {n} customers in {:.1} s ({})",
        t.elapsed().as_secs_f64(),
        path.display()
    );
    checkpoint(&store);
}

pub fn checkpoint(store: &Store) {
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
}
