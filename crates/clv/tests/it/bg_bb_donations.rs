//! BG/BB on the donation data of Fader, Hardie & Shang (2010): 11,104 first-time supporters of
//! 1995, six yearly opportunities 1996-2001, given as (frequency, recency, n, count).

use kundenwert_clv::{bg_bb, FitOptions, Summary};

fn data() -> Vec<Summary> {
    include_str!("../fixtures/donations.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Vec<f64> = l.split(',').map(|f| f.trim().parse().unwrap()).collect();
            Summary {
                x: v[0],
                t_x: v[1],
                t: v[2],
                weight: v[3],
            }
        })
        .collect()
}

/// Relative tolerance on the published parameters, printed with 3-4 significant digits.
const PARAM_TOL: f64 = 0.005;

#[test]
fn reproduces_fader_hardie_shang_2010() {
    let d = data();
    let fit = bg_bb::fit(&d, &FitOptions::default()).unwrap();
    eprintln!("BG/BB {fit:?}");
    assert_eq!(fit.customers, 11104.0);
    let p = fit.params;
    for (got, want, name) in [
        (p.alpha, 1.204, "alpha"),
        (p.beta, 0.750, "beta"),
        (p.gamma, 0.657, "gamma"),
        (p.delta, 2.783, "delta"),
    ] {
        assert!(
            (got - want).abs() / want < PARAM_TOL,
            "{name}: {got} vs published {want}"
        );
    }
    // Published log-likelihood -33,225.6 (one decimal).
    assert!(
        (fit.log_likelihood - -33225.6).abs() < 0.05,
        "LL {}",
        fit.log_likelihood
    );
}
