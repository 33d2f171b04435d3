//! BG/BB model (Fader, Hardie & Shang 2010, "Customer-base analysis in a discrete-time
//! noncontractual setting") for discrete transaction opportunities (e.g. yearly events).
//!
//! While alive, a customer transacts at each opportunity with probability `p ~ Beta(alpha, beta)`;
//! before each opportunity after the first, an alive customer drops out with probability
//! `theta ~ Beta(gamma, delta)`.
//!
//! A [`Summary`] is read in whole periods: `x` repeat transactions, `t_x` the opportunity of the
//! last one (0 when `x = 0`), `t` the number of opportunities `n`. Values are rounded down to whole
//! periods and clamped to `0 <= x <= t_x <= n` by the predictions; [`fit`] rejects other data.
//! The likelihood costs `O(n - t_x)` per customer.

use crate::optim::{fit_summaries, FitOptions};
use crate::special::{digamma, ln_beta, ln_gamma};
use crate::{FitError, Summary};
use serde::Serialize;

/// Parameters of the BG/BB model (all positive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgBbParams {
    /// First shape of the transaction-probability beta distribution.
    pub alpha: f64,
    /// Second shape of the transaction-probability beta distribution.
    pub beta: f64,
    /// First shape of the dropout-probability beta distribution.
    pub gamma: f64,
    /// Second shape of the dropout-probability beta distribution.
    pub delta: f64,
}

/// Result of [`fit`].
#[derive(Debug, Clone, Serialize)]
pub struct BgBbFit {
    /// Maximum likelihood estimates.
    pub params: BgBbParams,
    /// Total (weighted) log-likelihood at the estimates.
    pub log_likelihood: f64,
    /// Standard errors of `alpha, beta, gamma, delta`; `None` when the Hessian is not positive definite.
    pub std_errors: Option<Vec<f64>>,
    /// Optimiser iterations.
    pub iterations: u64,
    /// Optimiser that produced the estimates.
    pub method: &'static str,
    /// Number of customers (total weight).
    pub customers: f64,
}

/// Whole-period `(x, t_x, n)` with `0 <= x <= t_x <= n` (see the module docs).
fn periods(s: &Summary) -> (f64, f64, f64) {
    let clean = |v: f64| {
        if v.is_finite() {
            v.max(0.0).floor()
        } else {
            0.0
        }
    };
    let n = clean(s.t);
    let x = clean(s.x).min(n);
    let t_x = clean(s.t_x).clamp(x, n);
    (x, t_x, n)
}

impl BgBbParams {
    fn from_log(v: &[f64]) -> Self {
        BgBbParams {
            alpha: v[0].exp(),
            beta: v[1].exp(),
            gamma: v[2].exp(),
            delta: v[3].exp(),
        }
    }

    /// Probability of being alive at the next opportunity `n + 1` (FHS 2010, eq. 11).
    pub fn p_alive(&self, s: &Summary) -> f64 {
        let (x, _, n) = periods(s);
        let BgBbParams {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        let ln_num = ln_beta(alpha + x, beta + n - x) - ln_beta(alpha, beta)
            + ln_beta(gamma, delta + n + 1.0)
            - ln_beta(gamma, delta);
        (ln_num - ll_grad(self, s, None)).exp().clamp(0.0, 1.0)
    }

    /// Conditional expected number of transactions in the next `horizon` opportunities
    /// `n+1 ..= n+horizon` (FHS 2010, eq. 13).
    pub fn expected_transactions(&self, s: &Summary, horizon: f64) -> f64 {
        let (x, _, n) = periods(s);
        let BgBbParams {
            alpha,
            beta,
            gamma,
            delta,
        } = *self;
        // E[p | alive path] part: B(alpha+x+1, beta+n-x) / B(alpha, beta) / L.
        let ln_p = ln_beta(alpha + x + 1.0, beta + n - x) - ln_beta(alpha, beta);
        let ln_l = ll_grad(self, s, None);
        let v = (ln_p - ln_l).exp() * survival_sum(gamma, delta, n, horizon);
        if v.is_finite() {
            v.max(0.0)
        } else {
            0.0
        }
    }

    /// Unconditional expected number of transactions in the first `t` opportunities of a new
    /// customer (FHS 2010, eq. 7).
    pub fn expected_transactions_new(&self, t: f64) -> f64 {
        let v =
            self.alpha / (self.alpha + self.beta) * survival_sum(self.gamma, self.delta, 0.0, t);
        if v.is_finite() {
            v.max(0.0)
        } else {
            0.0
        }
    }
}

/// `sum_{i=1}^{k} B(gamma, delta+m+i) / B(gamma, delta)`: expected opportunities `m+1..=m+k` at
/// which a customer alive at `m` is still alive. Closed form
/// `delta/(gamma-1) Gamma(gamma+delta)/Gamma(1+delta) [G(m) - G(m+k)]` with
/// `G(j) = Gamma(1+delta+j)/Gamma(gamma+delta+j)`; the `1/(gamma-1)` is cancelled analytically
/// (difference quotient of `ln Gamma` differences) so that `gamma` near 1 stays accurate.
fn survival_sum(gamma: f64, delta: f64, m: f64, k: f64) -> f64 {
    let k = if k.is_finite() {
        k.max(0.0).floor()
    } else {
        0.0
    };
    if k == 0.0 {
        return 0.0;
    }
    let ln_k0 = delta.ln() + ln_gamma(gamma + delta) - ln_gamma(1.0 + delta);
    let f_m = ln_gamma(1.0 + delta + m) - ln_gamma(gamma + delta + m);
    // g(c) = ln Gamma(c+delta+m+k) - ln Gamma(c+delta+m); Delta = f(m+k) - f(m) = g(1) - g(gamma).
    let g = |c: f64| ln_gamma(c + delta + m + k) - ln_gamma(c + delta + m);
    let eps = gamma - 1.0;
    let (big_delta, quotient) = if eps.abs() < 1e-5 {
        // Delta / (gamma - 1) = -g'(mid) up to O(eps^2), with g' a digamma difference.
        let mid = 1.0 + 0.5 * eps;
        let d = digamma(mid + delta + m + k) - digamma(mid + delta + m);
        (-eps * d, -d)
    } else {
        let bd = g(1.0) - g(gamma);
        (bd, bd / eps)
    };
    // -expm1(D) / (gamma-1) = [-expm1(D)/D] * [D/(gamma-1)].
    let ratio = if big_delta == 0.0 {
        -1.0
    } else {
        -big_delta.exp_m1() / big_delta
    };
    (ln_k0 + f_m).exp() * ratio * quotient
}

/// Log-likelihood of one customer (weight ignored).
pub fn log_likelihood(params: &BgBbParams, s: &Summary) -> f64 {
    ll_grad(params, s, None)
}

/// Log-likelihood of one customer and its gradient w.r.t. `(ln alpha, ln beta, ln gamma, ln delta)`.
pub fn log_likelihood_with_gradient(params: &BgBbParams, s: &Summary) -> (f64, [f64; 4]) {
    let mut g = [0.0; 4];
    let v = ll_grad(params, s, Some(&mut g));
    (v, g)
}

/// `d ln B(p, q) / dp` and `/ dq`.
fn dlnb(p: f64, q: f64) -> (f64, f64) {
    let d = digamma(p + q);
    (digamma(p) - d, digamma(q) - d)
}

/// FHS 2010, eq. 5, summed in log space:
/// `L = B(alpha+x, beta+n-x)/B(alpha,beta) B(gamma, delta+n)/B(gamma,delta)`
/// `  + sum_{i=0}^{n-t_x-1} B(alpha+x, beta+t_x-x+i)/B(alpha,beta) B(gamma+1, delta+t_x+i)/B(gamma,delta)`.
fn ll_grad(p: &BgBbParams, s: &Summary, grad: Option<&mut [f64; 4]>) -> f64 {
    let BgBbParams {
        alpha,
        beta,
        gamma,
        delta,
    } = *p;
    let (x, t_x, n) = periods(s);
    let base = ln_beta(alpha, beta) + ln_beta(gamma, delta);
    let m = (n - t_x) as usize;
    // Terms: (ln value, purchase-beta second argument, dropout-beta arguments).
    let mut terms: Vec<(f64, f64, f64, f64)> = Vec::with_capacity(m + 1);
    terms.push((
        ln_beta(alpha + x, beta + n - x) + ln_beta(gamma, delta + n) - base,
        beta + n - x,
        gamma,
        delta + n,
    ));
    for i in 0..m {
        let q1 = beta + t_x - x + i as f64;
        let q2 = delta + t_x + i as f64;
        terms.push((
            ln_beta(alpha + x, q1) + ln_beta(gamma + 1.0, q2) - base,
            q1,
            gamma + 1.0,
            q2,
        ));
    }
    let max = terms.iter().fold(f64::NEG_INFINITY, |a, t| a.max(t.0));
    let sum: f64 = terms.iter().map(|t| (t.0 - max).exp()).sum();
    let ll = max + sum.ln();
    if let Some(g) = grad {
        let (ca, cb) = dlnb(alpha, beta);
        let (cg, cd) = dlnb(gamma, delta);
        let mut acc = [0.0; 4];
        for &(lv, q1, p2, q2) in &terms {
            let w = (lv - ll).exp();
            let (da, db) = dlnb(alpha + x, q1);
            let (dg, dd) = dlnb(p2, q2);
            acc[0] += w * (da - ca);
            acc[1] += w * (db - cb);
            acc[2] += w * (dg - cg);
            acc[3] += w * (dd - cd);
        }
        *g = [
            acc[0] * alpha,
            acc[1] * beta,
            acc[2] * gamma,
            acc[3] * delta,
        ];
    }
    ll
}

/// Maximum likelihood fit. `data` must hold whole periods with `x <= t_x <= n`
/// (and `t_x >= 1` when `x >= 1`).
pub fn fit(data: &[Summary], opts: &FitOptions) -> Result<BgBbFit, FitError> {
    let whole = |v: f64| v.fract() == 0.0;
    if data.iter().any(|s| {
        s.is_valid()
            && !(whole(s.x)
                && whole(s.t_x)
                && whole(s.t)
                && s.x <= s.t_x
                && (s.x == 0.0 || s.t_x >= 1.0))
    }) {
        return Err(FitError::InvalidInput {
            what: "BG/BB needs whole periods with x <= t_x <= n",
        });
    }
    let res = fit_summaries(data, &[0.0; 4], opts, |v, s, g| {
        let mut g4 = [0.0; 4];
        let ll = ll_grad(&BgBbParams::from_log(v), s, Some(&mut g4));
        g.copy_from_slice(&g4);
        ll
    })?;
    Ok(BgBbFit {
        params: BgBbParams::from_log(&res.x),
        log_likelihood: res.log_likelihood,
        std_errors: res.std_errors,
        iterations: res.iterations,
        method: res.method,
        customers: res.customers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tests_support::check_gradient;

    /// FHS 2010 estimates on the donation data.
    const P: BgBbParams = BgBbParams {
        alpha: 1.204,
        beta: 0.750,
        gamma: 0.657,
        delta: 2.783,
    };

    #[test]
    fn gradient_matches_finite_differences() {
        for s in [
            Summary::new(0.0, 0.0, 6.0),
            Summary::new(2.0, 4.0, 6.0),
            Summary::new(6.0, 6.0, 6.0),
        ] {
            check_gradient(
                |v: &[f64]| {
                    let mut g = [0.0; 4];
                    let ll = ll_grad(&BgBbParams::from_log(v), &s, Some(&mut g));
                    (ll, g.to_vec())
                },
                &[P.alpha.ln(), P.beta.ln(), P.gamma.ln(), P.delta.ln()],
            );
        }
    }

    /// The likelihoods of all possible histories over n opportunities sum to 1 — an independent
    /// check of eq. 5 (each (x, t_x) summary stands for C(t_x - 1, x - 1) equally likely paths).
    #[test]
    fn likelihood_sums_to_one_over_histories() {
        let n = 6u32;
        let choose = |a: u32, b: u32| -> f64 {
            (0..b)
                .map(|i| f64::from(a - i) / f64::from(i + 1))
                .product()
        };
        let mut total = (log_likelihood(&P, &Summary::new(0.0, 0.0, 6.0))).exp();
        for t_x in 1..=n {
            for x in 1..=t_x {
                let paths = choose(t_x - 1, x - 1);
                total +=
                    paths * log_likelihood(&P, &Summary::new(x.into(), t_x.into(), n.into())).exp();
            }
        }
        assert!((total - 1.0).abs() < 1e-12, "{total}");
    }

    /// Closed-form survival sum against the direct sum, including gamma at and near 1.
    #[test]
    fn survival_sum_matches_direct_sum() {
        for gamma in [0.657, 1.0, 1.0 + 1e-7, 1.0 - 3e-6, 2.5] {
            for (m, k) in [(0.0, 6.0), (6.0, 5.0), (100.0, 40.0)] {
                let direct: f64 = (1..=k as u32)
                    .map(|i| {
                        (ln_beta(gamma, 2.783 + m + f64::from(i)) - ln_beta(gamma, 2.783)).exp()
                    })
                    .sum();
                let got = survival_sum(gamma, 2.783, m, k);
                assert!(
                    (got - direct).abs() < 1e-9 * direct,
                    "gamma {gamma} m {m} k {k}: {got} vs {direct}"
                );
            }
        }
    }

    /// FHS 2010, Table 6 (P(alive in 2002)) as also asserted by lifetimes, printed to 2 decimals.
    #[test]
    fn p_alive_matches_table_6() {
        for (x, t_x, want) in [(0.0, 0.0, 0.11), (2.0, 4.0, 0.59), (6.0, 6.0, 0.93)] {
            let got = P.p_alive(&Summary::new(x, t_x, 6.0));
            assert!(
                (got - want).abs() < 0.005,
                "x {x} t_x {t_x}: {got} vs {want}"
            );
        }
    }
}
