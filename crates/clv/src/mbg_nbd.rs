//! MMBG/NBD model (Batislam, Denizel & Filiztekin 2007), as in lifetimes' `ModifiedBetaGeoFitter`.
//!
//! Like MBG/NBD, but a customer may also drop out right after the first purchase (at time 0), so
//! customers without repeat purchases are not automatically alive.

use crate::indexed::{bg_family_pass, Indexed};
use crate::optim::FitOptions;
use crate::special::{
    bg_expectation, digamma, digamma_shift, inv_one_plus_exp, ln_beta_shift, ln_gamma,
    ln_gamma_shift_scaled, lse2_weights,
};
use crate::{FitError, Summary};
use serde::Serialize;

/// Parameters of the MBG/NBD model (all positive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MbgNbdParams {
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
pub struct MbgNbdFit {
    /// Maximum likelihood estimates.
    pub params: MbgNbdParams,
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

impl MbgNbdParams {
    fn from_log(x: &[f64]) -> Self {
        MbgNbdParams {
            r: x[0].exp(),
            alpha: x[1].exp(),
            a: x[2].exp(),
            b: x[3].exp(),
        }
    }

    /// Conditional expected number of transactions in `(T, T + horizon]`:
    /// `(a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive)`.
    pub fn expected_transactions(&self, s: &Summary, horizon: f64) -> f64 {
        let MbgNbdParams { r, alpha, a, b } = *self;
        let (x, t) = (s.x, s.t);
        if horizon <= 0.0 {
            return 0.0;
        }
        let z = horizon / (alpha + t + horizon);
        let ln_1mz = (alpha + t).ln() - (alpha + t + horizon).ln();
        let bracket = bg_expectation(a + b + x, a + b - r, a, z, ln_1mz);
        (bracket * self.p_alive(s)).max(0.0)
    }

    /// Probability that the customer is still alive at `T`.
    pub fn p_alive(&self, s: &Summary) -> f64 {
        let MbgNbdParams { r, alpha, a, b } = *self;
        // Unlike BG/NBD this also applies at x = 0: the customer may have left at time 0.
        let d = a.ln() - (b + s.x).ln() + (r + s.x) * ((alpha + s.t).ln() - (alpha + s.t_x).ln());
        inv_one_plus_exp(d)
    }

    /// Unconditional expected number of transactions in `(0, t]` of a new customer:
    /// `b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]`.
    pub fn expected_transactions_new(&self, t: f64) -> f64 {
        // The conditional expectation at x = t_x = T = 0 equals this: its P(alive) = b/(a+b)
        // turns the prefactor (a+b)/(a-1) into b/(a-1).
        self.expected_transactions(&Summary::new(0.0, 0.0, 0.0), t)
    }
}

/// Log-likelihood of one customer (weight ignored).
pub fn log_likelihood(params: &MbgNbdParams, s: &Summary) -> f64 {
    ll_grad(params, s, None)
}

/// Log-likelihood of one customer and its gradient w.r.t. `(ln r, ln alpha, ln a, ln b)`.
pub fn log_likelihood_with_gradient(params: &MbgNbdParams, s: &Summary) -> (f64, [f64; 4]) {
    let mut g = [0.0; 4];
    let v = ll_grad(params, s, Some(&mut g));
    (v, g)
}

/// `LL = A1 + A2 + ln(exp(A3) + exp(A4))` with `A2` over `B(a, b+x+1)` and the dropout-at-last-
/// purchase term `A4 = ln a - ln(b+x) - (r+x) ln(alpha+t_x)` present for every customer.
fn ll_grad(p: &MbgNbdParams, s: &Summary, grad: Option<&mut [f64; 4]>) -> f64 {
    let MbgNbdParams { r, alpha, a, b } = *p;
    let (x, t_x, t) = (s.x, s.t_x, s.t);
    let rx = r + x;
    let a1 = ln_gamma(rx) - ln_gamma(r) + r * alpha.ln();
    let a2 = ln_beta_shift(a, b, x + 1.0);
    let a3 = -rx * (alpha + t).ln();
    let a4 = a.ln() - (b + x).ln() - rx * (alpha + t_x).ln();
    let (l34, w3, w4) = lse2_weights(a3, a4);
    if let Some(g) = grad {
        let d_r =
            digamma(rx) - digamma(r) + alpha.ln() - w3 * (alpha + t).ln() - w4 * (alpha + t_x).ln();
        let d_alpha = r / alpha - w3 * rx / (alpha + t) - w4 * rx / (alpha + t_x);
        let dab = -digamma_shift(a + b, x + 1.0);
        let d_a = dab + w4 / a;
        let d_b = dab + digamma_shift(b, x + 1.0) - w4 / (b + x);
        // Chain rule to log-parameters: d/d ln(theta) = theta * d/d theta.
        *g = [d_r * r, d_alpha * alpha, d_a * a, d_b * b];
    }
    a1 + a2 + l34
}

/// Mean negative log-likelihood of all rows of `ix` at log-parameters `xl` and its gradient:
/// the sum of [`ll_grad`] over the rows, with everything that depends only on `x` or only on a
/// time computed once per pass (see [`crate::indexed`]).
fn objective(ix: &Indexed, xl: &[f64], grad: &mut [f64]) -> f64 {
    let MbgNbdParams { r, alpha, a, b } = MbgNbdParams::from_log(xl);
    let ln_a = a.ln();
    let c4: Vec<f64> = ix.xs.iter().map(|&x| ln_a - (b + x).ln()).collect();
    let sums = bg_family_pass(ix, r, alpha, &c4);
    let mut ll = sums.lse;
    let mut d_r = -sums.d_r;
    let d_alpha = r / alpha * ix.total - sums.d_alpha;
    let (mut d_a, mut d_b) = (0.0, 0.0);
    for ((&x, &w), &w4) in ix.xs.iter().zip(&ix.x_weight).zip(&sums.w4) {
        // ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln α; the pass holds −(r+x) ln(1 + t/α).
        let a1 = ln_gamma_shift_scaled(r, x, alpha);
        let a2 = ln_beta_shift(a, b, x + 1.0);
        ll += w * (a1 + a2);
        d_r += w * digamma_shift(r, x);
        let dab = -digamma_shift(a + b, x + 1.0);
        d_a += w * dab + w4 / a;
        d_b += w * (dab + digamma_shift(b, x + 1.0)) - w4 / (b + x);
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

/// Maximum likelihood fit on (compressed) summaries (the BG family's start and warm start).
pub fn fit(data: &[Summary], opts: &FitOptions) -> Result<MbgNbdFit, FitError> {
    let full = crate::bg_nbd::fit_bg_family(data, opts, objective);
    let (res, limit) = crate::no_dropout::settle(data, opts, full, |l| {
        let [ln_r, ln_alpha] = crate::no_dropout::rate_point(l);
        // a = e^-40, b = 1: a dropout probability of ~4e-18, nobody leaves.
        vec![ln_r, ln_alpha, -40.0, 0.0]
    })?;
    Ok(MbgNbdFit {
        params: MbgNbdParams::from_log(&res.x),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tests_support::{beta_expectation, check_gradient};

    /// BTYDplus / lifetimes estimates on CDNOW.
    const P: MbgNbdParams = MbgNbdParams {
        r: 0.525,
        alpha: 6.183,
        a: 0.891,
        b: 1.614,
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
                    let v = ll_grad(&MbgNbdParams::from_log(x), &s, Some(&mut g));
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
        for (n, seed) in [(500, 5), (60_000, 13)] {
            let data = random_summaries(n, seed);
            let ix = Indexed::new(&data);
            for p in [
                P,
                MbgNbdParams {
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

    /// Independent reference: E[Y(t) | alive] = E[(1 - (1 + p t / (alpha+T))^-(r+x)) / p] over the
    /// posterior p ~ Beta(a, b + x + 1) of an alive customer (x purchases plus time 0 survived).
    #[test]
    fn expectations_match_numerical_integration() {
        for (s, h) in [
            (Summary::new(0.0, 0.0, 0.0), 1.0),
            (Summary::new(0.0, 0.0, 0.0), 78.0),
            (Summary::new(2.0, 30.43, 38.86), 39.0),
            (Summary::new(7.0, 10.0, 35.0), 52.0),
        ] {
            let got = P.expected_transactions(&s, h);
            let q = h / (P.alpha + s.t);
            let want = P.p_alive(&s)
                * beta_expectation(P.a, P.b + s.x + 1.0, |p| {
                    -(-(P.r + s.x) * (p * q).ln_1p()).exp_m1() / p
                });
            assert!(
                (got - want).abs() < 1e-8 * want.max(1e-3),
                "{s:?} {h}: {got} vs {want}"
            );
        }
        // lifetimes' own test lists E[X(1)] = 0.0532 and E[X(78)] = 1.8576 for these parameters
        // with a loose simulation tolerance; the exact values are 0.053085 and 1.804758.
        assert!((P.expected_transactions_new(1.0) - 0.053085).abs() < 1e-6);
    }
}
