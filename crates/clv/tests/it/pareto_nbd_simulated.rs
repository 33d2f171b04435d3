//! Pareto/NBD predictions against a Monte-Carlo simulation of the model: by the tower property,
//! E[holdout - E(holdout | data)] = 0 and E[alive - P(alive | data)] = 0 in every group of
//! customers defined by their data.

use crate::simulation::{mean_se, Rng};
use kundenwert_clv::pareto_nbd::ParetoNbdParams;
use kundenwert_clv::Summary;

/// Number of standard errors a Monte-Carlo mean may deviate from its expectation (two-sided
/// normal tail probability 6e-5; the seeds are fixed).
const Z: f64 = 4.0;

struct Sim {
    cal: Summary,
    holdout: f64,
    alive_at_t: bool,
}

/// lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta), exponential lifetime with rate mu, Poisson
/// purchases with rate lambda while alive; ages uniform on [t_lo, t_hi].
fn simulate(
    p: &ParetoNbdParams,
    n: usize,
    t_lo: f64,
    t_hi: f64,
    horizon: f64,
    seed: u64,
) -> Vec<Sim> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let lambda = rng.gamma(p.r, p.alpha);
            let mu = rng.gamma(p.s, p.beta);
            let death = rng.exponential(mu);
            let t = t_lo + (t_hi - t_lo) * rng.uniform();
            let (mut now, mut x, mut t_x, mut holdout) = (0.0, 0.0, 0.0, 0.0);
            loop {
                now += rng.exponential(lambda);
                if now > death || now > t + horizon {
                    break;
                }
                if now <= t {
                    x += 1.0;
                    t_x = now;
                } else {
                    holdout += 1.0;
                }
            }
            Sim {
                cal: Summary::new(x, t_x, t),
                holdout,
                alive_at_t: death > t,
            }
        })
        .collect()
}

/// A named subset of customers, by frequency.
type Group = (&'static str, fn(f64) -> bool);

#[test]
fn predictions_match_simulation() {
    let cases = [
        // CDNOW estimates (FHL 2005): alpha < beta, 2F1 by the series.
        ParetoNbdParams {
            r: 0.55,
            alpha: 10.58,
            s: 0.61,
            beta: 11.67,
        },
        // alpha >> beta: z = (alpha - beta)/(alpha + t) > 0.9, 2F1 by the quadrature.
        ParetoNbdParams {
            r: 40.0,
            alpha: 400.0,
            s: 0.5,
            beta: 2.0,
        },
    ];
    let groups: [Group; 3] = [
        ("all", |_| true),
        ("x = 0", |x| x == 0.0),
        ("x >= 1", |x| x >= 1.0),
    ];
    for (ci, p) in cases.iter().enumerate() {
        let horizon = 39.0;
        let sims = simulate(p, 20_000, 20.0, 52.0, horizon, 100 + ci as u64);
        for (name, keep) in groups {
            let sel: Vec<&Sim> = sims.iter().filter(|s| keep(s.cal.x)).collect();
            assert!(sel.len() >= 1000, "{name}: only {} customers", sel.len());
            let d_e: Vec<f64> = sel
                .iter()
                .map(|s| s.holdout - p.expected_transactions(&s.cal, horizon))
                .collect();
            let d_a: Vec<f64> = sel
                .iter()
                .map(|s| f64::from(u8::from(s.alive_at_t)) - p.p_alive(&s.cal))
                .collect();
            let (me, se_e) = mean_se(&d_e);
            let (ma, se_a) = mean_se(&d_a);
            eprintln!(
                "case {ci} {name}: n {}, holdout - E = {me:.4} (se {se_e:.4}), alive - P = {ma:.4} (se {se_a:.4})",
                sel.len()
            );
            assert!(
                me.abs() <= Z * se_e,
                "case {ci} {name}: expectation bias {me} (se {se_e})"
            );
            assert!(
                ma.abs() <= Z * se_a,
                "case {ci} {name}: P(alive) bias {ma} (se {se_a})"
            );
        }
        // New customers: E[X(t)] of a cohort from time 0.
        let fresh = simulate(p, 20_000, 0.0, 0.0, horizon, 200 + ci as u64);
        let d: Vec<f64> = fresh
            .iter()
            .map(|s| s.holdout - p.expected_transactions_new(horizon))
            .collect();
        let (m, se) = mean_se(&d);
        eprintln!("case {ci} new customers: X - E = {m:.4} (se {se:.4})");
        assert!(
            m.abs() <= Z * se,
            "case {ci}: new-customer bias {m} (se {se})"
        );
    }
}

/// 0.9999 quantile of the chi-square distribution with 4 degrees of freedom.
const CHI2_4_Q9999: f64 = 23.51;

/// Recovery in the regime alpha >> beta, where most 2F1 evaluations go through the quadrature
/// near z = 1: the true parameters lie in the 99.99 % likelihood-ratio region of the fit,
/// 2 (LL(fit) - LL(true)) <= chi2_4 quantile, and the fit is not worse than the truth.
#[test]
fn fit_recovers_parameters_with_alpha_much_larger_than_beta() {
    let p = ParetoNbdParams {
        r: 5.0,
        alpha: 50.0,
        s: 0.5,
        beta: 2.0,
    };
    let sims = simulate(&p, 3000, 26.0, 52.0, 0.0, 31);
    let data = kundenwert_clv::compress(sims.iter().map(|s| (s.cal.x, s.cal.t_x, s.cal.t)));
    let fit = kundenwert_clv::pareto_nbd::fit(&data, &kundenwert_clv::FitOptions::default())
        .expect("fit");
    let ll_true: f64 = data
        .iter()
        .map(|c| c.weight * kundenwert_clv::pareto_nbd::log_likelihood(&p, c))
        .sum();
    let lr = 2.0 * (fit.log_likelihood - ll_true);
    eprintln!("true {p:?}\nfit {fit:?}\nLR statistic {lr:.2}");
    assert!(
        lr >= -1e-6,
        "the fit is worse than the truth: optimiser failure ({lr})"
    );
    assert!(
        lr <= CHI2_4_Q9999,
        "truth outside the 99.99 % LR region ({lr})"
    );
}
