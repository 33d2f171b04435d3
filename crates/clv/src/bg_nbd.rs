//! BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
//!
//! Purchases while alive follow a Poisson process with rate `lambda ~ Gamma(r, alpha)`; after each
//! purchase the customer drops out with probability `p ~ Beta(a, b)`.

use crate::indexed::{bg_family_pass, Indexed};
use crate::optim::{fit_objective_sampled, FitOptions, SummaryFit};
use crate::special::{
    bg_expectation, digamma, digamma_shift, inv_one_plus_exp, ln_beta_shift, ln_gamma,
    ln_gamma_shift_scaled, lse2_weights,
};
use crate::{FitError, Summary};
use serde::Serialize;

/// Parameters of the BG/NBD model (all positive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgNbdParams {
    /// Shape of the purchase-rate gamma distribution.
    pub r: f64,
    /// Scale (rate parameter) of the purchase-rate gamma distribution, in time units.
    pub alpha: f64,
    /// First shape of the dropout-probability beta distribution.
    pub a: f64,
    /// Second shape of the dropout-probability beta distribution.
    pub b: f64,
}

/// Result of [`fit`].
#[derive(Debug, Clone, Serialize)]
pub struct BgNbdFit {
    /// Maximum likelihood estimates.
    pub params: BgNbdParams,
    /// Total (weighted) log-likelihood at the estimates.
    pub log_likelihood: f64,
    /// Standard errors of `r, alpha, a, b`; `None` when the Hessian is not positive definite.
    pub std_errors: Option<Vec<f64>>,
    /// Optimiser iterations.
    pub iterations: u64,
    /// Optimiser that produced the estimates.
    pub method: &'static str,
    /// Likelihood passes over all customers (value and gradient) the fit made, standard
    /// errors included: with the pass time, what the fit cost.
    pub evaluations: u64,
    /// True when the optimiser (on all customers, or in the warm-start fit on a sample of
    /// them) stopped on a flat ridge towards the edge of the parameter space (see
    /// [`crate::Optimum::at_boundary`]): typically "nobody leaves", where the dropout
    /// distribution degenerates and the fit is the no-dropout limit up to a negligible part of
    /// the log-likelihood. The estimates along the ridge (the dropout parameters) are then not
    /// identified, and `std_errors` is `None`.
    pub at_boundary: bool,
    /// True when the pass budget ([`crate::FitOptions::max_passes`]) ran out before the
    /// optimiser converged: the estimates are the best point found.
    pub budget_used: bool,
    /// The no-dropout limit ([`crate::no_dropout`]) when the fit stands at that edge: the
    /// model gains no more than [`crate::no_dropout::EDGE_LOG_LIKELIHOOD`] over it (nobody is
    /// shown to leave). Predictions then come from the limit; `at_boundary` is true.
    pub limit: Option<crate::no_dropout::NoDropoutFit>,
    /// Number of customers (total weight).
    pub customers: f64,
}

impl BgNbdParams {
    fn from_log(x: &[f64]) -> Self {
        BgNbdParams {
            r: x[0].exp(),
            alpha: x[1].exp(),
            a: x[2].exp(),
            b: x[3].exp(),
        }
    }

    /// Conditional expected number of transactions in `(T, T + horizon]` (FHL 2005, eq. 10).
    pub fn expected_transactions(&self, s: &Summary, horizon: f64) -> f64 {
        let BgNbdParams { r, alpha, a, b } = *self;
        let (x, t) = (s.x, s.t);
        if horizon <= 0.0 {
            return 0.0;
        }
        let z = horizon / (alpha + t + horizon);
        let ln_1mz = (alpha + t).ln() - (alpha + t + horizon).ln();
        let bracket = bg_expectation(a + b + x - 1.0, a + b - 1.0 - r, a, z, ln_1mz);
        (bracket * self.p_alive(s)).max(0.0)
    }

    /// Probability that the customer is still alive at `T` (FHL 2005, eq. 11).
    pub fn p_alive(&self, s: &Summary) -> f64 {
        if s.x <= 0.0 {
            return 1.0;
        }
        let BgNbdParams { r, alpha, a, b } = *self;
        let d =
            a.ln() - (b + s.x - 1.0).ln() + (r + s.x) * ((alpha + s.t).ln() - (alpha + s.t_x).ln());
        inv_one_plus_exp(d)
    }

    /// Unconditional expected number of transactions in `(0, t]` of a new customer (FHL 2005, eq. 9).
    pub fn expected_transactions_new(&self, t: f64) -> f64 {
        // Eq. 9 is eq. 10 at x = t_x = T = 0 (where P(alive) = 1).
        self.expected_transactions(&Summary::new(0.0, 0.0, 0.0), t)
    }
}

/// Log-likelihood of one customer (weight ignored).
pub fn log_likelihood(params: &BgNbdParams, s: &Summary) -> f64 {
    ll_grad(params, s, None)
}

/// Log-likelihood of one customer and its gradient w.r.t. `(ln r, ln alpha, ln a, ln b)`.
pub fn log_likelihood_with_gradient(params: &BgNbdParams, s: &Summary) -> (f64, [f64; 4]) {
    let mut g = [0.0; 4];
    let v = ll_grad(params, s, Some(&mut g));
    (v, g)
}

/// FHL 2005, eq. 6: `LL = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4))`.
fn ll_grad(p: &BgNbdParams, s: &Summary, grad: Option<&mut [f64; 4]>) -> f64 {
    let BgNbdParams { r, alpha, a, b } = *p;
    let (x, t_x, t) = (s.x, s.t_x, s.t);
    let rx = r + x;
    let a1 = ln_gamma(rx) - ln_gamma(r) + r * alpha.ln();
    let a2 = ln_beta_shift(a, b, x);
    let a3 = -rx * (alpha + t).ln();
    let a4 = if x > 0.0 {
        a.ln() - (b + x - 1.0).ln() - rx * (alpha + t_x).ln()
    } else {
        f64::NEG_INFINITY
    };
    let (l34, w3, w4) = lse2_weights(a3, a4);
    if let Some(g) = grad {
        let w4 = if x > 0.0 { w4 } else { 0.0 };
        let w3 = if x > 0.0 { w3 } else { 1.0 };
        let d_r =
            digamma(rx) - digamma(r) + alpha.ln() - w3 * (alpha + t).ln() - w4 * (alpha + t_x).ln();
        let d_alpha = r / alpha - w3 * rx / (alpha + t) - w4 * rx / (alpha + t_x);
        let dab = -digamma_shift(a + b, x);
        let d_a = dab + w4 / a;
        let d_b = dab + digamma_shift(b, x) - if x > 0.0 { w4 / (b + x - 1.0) } else { 0.0 };
        // Chain rule to log-parameters: d/d ln(theta) = theta * d/d theta.
        *g = [d_r * r, d_alpha * alpha, d_a * a, d_b * b];
    }
    a1 + a2 + l34
}

/// Mean negative log-likelihood of all rows of `ix` at log-parameters `xl` and its gradient:
/// the sum of [`ll_grad`] over the rows, with everything that depends only on `x` or only on a
/// time computed once per pass (see [`crate::indexed`]).
fn objective(ix: &Indexed, xl: &[f64], grad: &mut [f64]) -> f64 {
    let BgNbdParams { r, alpha, a, b } = BgNbdParams::from_log(xl);
    let ln_a = a.ln();
    let c4: Vec<f64> = ix
        .xs
        .iter()
        .map(|&x| {
            if x > 0.0 {
                ln_a - (b + x - 1.0).ln()
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let sums = bg_family_pass(ix, r, alpha, &c4);
    let mut ll = sums.lse;
    let mut d_r = -sums.d_r;
    let d_alpha = r / alpha * ix.total - sums.d_alpha;
    let (mut d_a, mut d_b) = (0.0, 0.0);
    for ((&x, &w), &w4) in ix.xs.iter().zip(&ix.x_weight).zip(&sums.w4) {
        // ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln α; the pass holds −(r+x) ln(1 + t/α).
        let a1 = ln_gamma_shift_scaled(r, x, alpha);
        let a2 = ln_beta_shift(a, b, x);
        ll += w * (a1 + a2);
        d_r += w * digamma_shift(r, x);
        let dab = -digamma_shift(a + b, x);
        d_a += w * dab + w4 / a;
        d_b += w * (dab + digamma_shift(b, x));
        if x > 0.0 {
            d_b -= w4 / (b + x - 1.0);
        }
    }
    let n = ix.total;
    grad.copy_from_slice(&[
        -d_r * r / n,
        -d_alpha * alpha / n,
        -d_a * a / n,
        -d_b * b / n,
    ]);
    -ll / n
}

/// Rows of the warm-start sample on large data: its fit costs about a tenth of a full pass
/// per iteration and lands close enough for a few Newton-like steps on all rows.
const SAMPLE_ROWS: usize = 16_384;

/// Maximum likelihood fit on (compressed) summaries.
pub fn fit(data: &[Summary], opts: &FitOptions) -> Result<BgNbdFit, FitError> {
    let full = fit_bg_family(data, opts, objective);
    let (res, limit) = crate::no_dropout::settle(data, opts, full, |l| {
        let [ln_r, ln_alpha] = crate::no_dropout::rate_point(l);
        // a = e^-40, b = 1: a dropout probability of ~4e-18, nobody leaves.
        vec![ln_r, ln_alpha, -40.0, 0.0]
    })?;
    Ok(BgNbdFit {
        params: BgNbdParams::from_log(&res.x),
        log_likelihood: res.log_likelihood,
        std_errors: res.std_errors,
        iterations: res.iterations,
        method: res.method,
        evaluations: res.evaluations,
        at_boundary: res.at_boundary,
        budget_used: res.budget_used,
        limit,
        customers: res.customers,
    })
}

/// The fit of a BG-family model (BG/NBD, MBG/NBD: log r, log alpha, log a, log b) whose mean
/// negative log-likelihood over the indexed histories is `objective`, warm-started from a
/// sample on large data.
pub(crate) fn fit_bg_family(
    data: &[Summary],
    opts: &FitOptions,
    objective: fn(&Indexed, &[f64], &mut [f64]) -> f64,
) -> Result<SummaryFit, FitError> {
    crate::summary::validate(data)?;
    let (mean_x, mean_t) = crate::summary::weighted_means(data);
    // Start at r = 1 with the observed purchase rate r / alpha, and a = b = 1 (uniform dropout).
    let alpha0 = (mean_t.max(1e-6) / mean_x.max(1e-6)).clamp(1e-6, 1e6);
    let x0 = [0.0, alpha0.ln(), 0.0, 0.0];
    let ix = Indexed::new(data);
    let sample = ix.sample(SAMPLE_ROWS);
    fit_objective_sampled(
        |x, g| objective(&ix, x, g),
        sample
            .as_ref()
            .map(|s| |x: &[f64], g: &mut [f64]| objective(s, x, g)),
        ix.total,
        &x0,
        opts,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tests_support::{beta_expectation, check_gradient};

    const P: BgNbdParams = BgNbdParams {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    #[test]
    fn gradient_matches_finite_differences() {
        for s in [
            Summary::new(0.0, 0.0, 38.86),
            Summary::new(2.0, 30.43, 38.86),
            Summary::new(14.0, 25.0, 33.0),
        ] {
            check_gradient(
                |x: &[f64]| {
                    let mut g = [0.0; 4];
                    let v = ll_grad(&BgNbdParams::from_log(x), &s, Some(&mut g));
                    (v, g.to_vec())
                },
                &[P.r.ln(), P.alpha.ln(), P.a.ln(), P.b.ln()],
            );
        }
    }

    /// The indexed, chunked pass equals the plain sum of per-customer log-likelihoods and
    /// gradients (to 1e-12 relative: only the order of the additions differs), and its gradient
    /// matches finite differences of itself.
    #[test]
    fn indexed_pass_equals_per_row_sum() {
        use crate::indexed::tests_support::{assert_pass_equals_rows, random_summaries};
        // 60k rows: above the threshold where the pass runs on several threads.
        for (n, seed) in [(500, 3), (60_000, 11)] {
            let data = random_summaries(n, seed);
            let ix = Indexed::new(&data);
            for p in [
                P,
                BgNbdParams {
                    r: 1.7,
                    alpha: 0.3,
                    a: 4.0,
                    b: 0.2,
                },
            ] {
                let xl = [p.r.ln(), p.alpha.ln(), p.a.ln(), p.b.ln()];
                let mut g = [0.0; 4];
                let v = objective(&ix, &xl, &mut g);
                let rows = data.iter().map(|s| {
                    let (l, gi) = log_likelihood_with_gradient(&p, s);
                    (s.weight, l, gi)
                });
                assert_pass_equals_rows(v, &g, rows, ix.total);
            }
            check_gradient(
                |x: &[f64]| {
                    let mut g = [0.0; 4];
                    let v = objective(&ix, x, &mut g);
                    (v, g.to_vec())
                },
                &[P.r.ln(), P.alpha.ln(), P.a.ln(), P.b.ln()],
            );
        }
    }

    /// Direct evaluation of eq. 10 with the textbook series of 2F1, valid for moderate z.
    fn eq10_direct(p: &BgNbdParams, s: &Summary, t: f64) -> f64 {
        let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b);
        let (aa, bb, cc) = (r + s.x, b + s.x, a + b + s.x - 1.0);
        let z = t / (alpha + s.t + t);
        let mut term = 1.0;
        let mut f = 1.0;
        for k in 0..5000 {
            let kf = k as f64;
            term *= (aa + kf) * (bb + kf) / ((cc + kf) * (kf + 1.0)) * z;
            f += term;
        }
        let num = cc / (a - 1.0) * (1.0 - ((alpha + s.t) / (alpha + s.t + t)).powf(r + s.x) * f);
        let den = if s.x > 0.0 {
            1.0 + a / (b + s.x - 1.0) * ((alpha + s.t) / (alpha + s.t_x)).powf(r + s.x)
        } else {
            1.0
        };
        num / den
    }

    #[test]
    fn expectation_matches_direct_series() {
        for s in [
            Summary::new(0.0, 0.0, 38.86),
            Summary::new(2.0, 30.43, 38.86),
            Summary::new(14.0, 25.0, 33.0),
        ] {
            let got = P.expected_transactions(&s, 39.0);
            let want = eq10_direct(&P, &s, 39.0);
            assert!(
                (got - want).abs() <= 1e-10 * want.abs().max(1.0),
                "{got} vs {want}"
            );
        }
        // At a = 1 eq. 10 is 0/0; the rearranged form must be continuous there.
        let near = |a: f64| {
            BgNbdParams { a, ..P }.expected_transactions(&Summary::new(3.0, 20.0, 30.0), 10.0)
        };
        assert!((near(1.0) - near(1.0 + 1e-7)).abs() < 1e-5);
        assert!(near(1.0).is_finite() && near(1.0) > 0.0);
    }

    /// Independent reference: E[Y(t) | alive] = E[(1 - (1 + p t / (alpha+T))^-(r+x)) / p] over the
    /// posterior p ~ Beta(a, b + x) of an alive customer, times P(alive).
    #[test]
    fn expectations_match_numerical_integration() {
        for (s, h) in [
            (Summary::new(0.0, 0.0, 0.0), 1.0),
            (Summary::new(0.0, 0.0, 0.0), 78.0),
            (Summary::new(2.0, 30.43, 38.86), 39.0),
            (Summary::new(7.0, 10.0, 35.0), 52.0),
            // z = 4000 / 4004.4: close to 1, where the series needs ~1e4 terms.
            (Summary::new(0.0, 0.0, 0.0), 4000.0),
        ] {
            let got = P.expected_transactions(&s, h);
            let q = h / (P.alpha + s.t);
            let want = P.p_alive(&s)
                * beta_expectation(P.a, P.b + s.x, |p| {
                    -(-(P.r + s.x) * (p * q).ln_1p()).exp_m1() / p
                });
            assert!(
                (got - want).abs() < 1e-8 * want.max(1e-3),
                "{s:?} {h}: {got} vs {want}"
            );
        }
    }

    /// With a = b = 1e4 the dropout probability is ~0.5 for everyone, so E[Y | alive] is close to
    /// f(0.5) = (1 - (1 + 0.5 q)^-(r+x)) / 0.5. The series terms reach ~1e2700 here and must be
    /// rescaled rather than overflow.
    #[test]
    fn large_beta_shapes_do_not_overflow() {
        let p = BgNbdParams {
            a: 1e4,
            b: 1e4,
            ..P
        };
        let s = Summary::new(3.0, 20.0, 39.0);
        let got = p.expected_transactions(&s, 39.0) / p.p_alive(&s);
        let q = 39.0 / (p.alpha + s.t);
        let want = -(-(p.r + s.x) * (0.5 * q).ln_1p()).exp_m1() / 0.5;
        assert!((got / want - 1.0).abs() < 1e-3, "{got} vs {want}");
    }
}
