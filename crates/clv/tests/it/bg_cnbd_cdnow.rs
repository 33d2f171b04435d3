//! BG/CNBD-k on the CDNOW sample: with k = 1 it must reproduce the published BG/NBD estimates
//! (Fader, Hardie & Lee 2005: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4),
//! since the timing term (k-1) litt - x ln((k-1)!) vanishes at k = 1; with k estimated, the
//! chosen k must not fit worse than k = 1.
//!
//! Data: `tests/fixtures/CDNOW_sample.txt` (source: `tests/fixtures/README.md`); week unit,
//! calibration to 1997-09-30, same-day purchases merged.

use kundenwert_clv::bg_cnbd::{self, CnbdSummary};
use kundenwert_clv::FitOptions;
use std::collections::{BTreeMap, BTreeSet};

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days(ymd: u32) -> i64 {
    let (y, m, d) = (
        (ymd / 10000) as i64,
        ((ymd / 100) % 100) as i64,
        (ymd % 100) as i64,
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn summaries() -> Vec<CnbdSummary> {
    let text = include_str!("../fixtures/CDNOW_sample.txt");
    let mut by_id: BTreeMap<u32, BTreeSet<i64>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f.len(), 5, "malformed fixture line {line:?}");
        let id: u32 = f[1].parse().expect("sample id");
        by_id
            .entry(id)
            .or_default()
            .insert(days(f[2].parse().expect("date")));
    }
    let end = days(19970930) as f64 / 7.0;
    by_id
        .into_values()
        .map(|d| {
            let weeks: Vec<f64> = d.iter().map(|&day| day as f64 / 7.0).collect();
            CnbdSummary::from_purchase_times(&weeks, end).expect("distinct days")
        })
        .collect()
}

/// Relative tolerance on the published parameters (printed with 3-4 significant digits).
const PARAM_REL_TOL: f64 = 0.005;
/// Absolute tolerance on the published log-likelihood (printed with one decimal).
const LL_TOL: f64 = 0.05;

#[test]
fn k1_reproduces_published_bg_nbd_and_k_is_estimated() {
    let data = summaries();
    assert_eq!(data.len(), 2357);
    let opts = FitOptions::default();
    let fit1 = bg_cnbd::fit(&data, Some(1), &opts).expect("k = 1 fit");
    let p = fit1.params;
    for (got, want, name) in [
        (p.r, 0.243, "r"),
        (p.alpha, 4.414, "alpha"),
        (p.a, 0.793, "a"),
        (p.b, 2.426, "b"),
    ] {
        assert!(
            (got - want).abs() / want < PARAM_REL_TOL,
            "{name}: {got} vs published {want}"
        );
    }
    assert!(
        (fit1.log_likelihood - -9582.4).abs() < LL_TOL,
        "LL {} vs published -9582.4",
        fit1.log_likelihood
    );
    let fit = bg_cnbd::fit(&data, None, &opts).expect("k estimated");
    eprintln!("BG/CNBD-k CDNOW: {fit:?}");
    assert!(fit.log_likelihood >= fit1.log_likelihood - 1e-6);
    assert_eq!(fit.log_likelihood_by_k[0].0, 1);
}
