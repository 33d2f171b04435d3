//! Reproduces the published Pareto/NBD estimates on the CDNOW sample (Fader, Hardie & Lee 2005,
//! "Counting your customers the easy way": r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67,
//! LL = -9595.0).
//!
//! Data: `tests/fixtures/CDNOW_sample.txt` (shared with `cdnow_published.rs`;
//! `tests/fixtures/README.md` names the source). Set-up of the paper: week unit, calibration to
//! 1997-09-30, purchases by one customer on one day merged, `T` and `t_x` day differences / 7.

use kundenwert_clv::{compress, pareto_nbd, FitOptions, Summary};
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

const CAL_END: u32 = 19970930;

/// Calibration summaries, one per customer.
fn summaries() -> Vec<Summary> {
    let text = include_str!("../fixtures/CDNOW_sample.txt");
    let mut by_id: BTreeMap<u32, BTreeSet<i64>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f.len(), 5, "malformed fixture line {line:?}");
        let id: u32 = f[1].parse().expect("sample id");
        let day = days(f[2].parse().expect("date"));
        // A set of days: same-day purchases are one transaction.
        by_id.entry(id).or_default().insert(day);
    }
    let end = days(CAL_END);
    by_id
        .into_values()
        .map(|d| {
            let first = *d.first().expect("customer has a purchase");
            let cal: Vec<i64> = d.range(..=end).copied().collect();
            let x = (cal.len() - 1) as f64;
            let t_x = (cal[cal.len() - 1] - first) as f64 / 7.0;
            let t = (end - first) as f64 / 7.0;
            Summary::new(x, t_x, t)
        })
        .collect()
}

/// Relative tolerance on the parameters. The published values have two decimals, i.e. up to
/// 0.005 / 0.55 = 0.9 % rounding for r, so 0.5 % relative is not always attainable from the
/// printed digits; we assert both: 0.5 % relative where the rounding allows it (alpha, beta:
/// 0.005/10.58 = 0.05 %) and, for all, that rounding to two decimals gives the published value.
const PARAM_REL_TOL: f64 = 0.005;
/// Absolute tolerance on the published log-likelihood, printed with one decimal.
const LL_TOL: f64 = 0.05;

#[test]
fn pareto_nbd_reproduces_fader_hardie_lee_2005() {
    let all = summaries();
    assert_eq!(all.len(), 2357);
    let data = compress(all.iter().map(|c| (c.x, c.t_x, c.t)));
    let fit = pareto_nbd::fit(&data, &FitOptions::default()).expect("fit converges");
    eprintln!("Pareto/NBD CDNOW: {fit:?}");
    let p = fit.params;
    for (got, want, name) in [
        (p.r, 0.55, "r"),
        (p.alpha, 10.58, "alpha"),
        (p.s, 0.61, "s"),
        (p.beta, 11.67, "beta"),
    ] {
        assert_eq!(
            (got * 100.0).round() / 100.0,
            want,
            "{name}: {got} does not round to published {want}"
        );
        // Relative check only where two printed decimals can support 0.5 %.
        if 0.005 / want <= PARAM_REL_TOL {
            assert!(
                (got - want).abs() / want < PARAM_REL_TOL,
                "{name}: {got} vs published {want}"
            );
        }
    }
    assert!(
        (fit.log_likelihood - -9595.0).abs() < LL_TOL,
        "LL {} vs published -9595.0",
        fit.log_likelihood
    );
    assert_eq!(fit.customers, 2357.0);
    let se = fit
        .std_errors
        .expect("Hessian positive definite at the optimum");
    assert!(se.iter().all(|v| v.is_finite() && *v > 0.0));
}
