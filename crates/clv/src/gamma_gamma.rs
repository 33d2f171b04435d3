//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for
//! customer base analysis"; Colombo & Jiang 1999).
//!
//! The value of each transaction is gamma(p, nu) distributed, and `nu ~ Gamma(q, gamma)` across
//! customers; spend is assumed independent of the transaction process. Fitted on customers with
//! at least one repeat transaction and their mean repeat-transaction value.

use crate::indexed::map_chunks;
use crate::optim::{fit_objective_sampled, FitOptions};
use crate::special::{digamma, ln_gamma};
use crate::FitError;
use serde::Serialize;

/// One customer's spend summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpendSummary {
    /// Number of transactions the mean is taken over (repeat transactions, `x >= 1`).
    pub x: f64,
    /// Mean value of these transactions.
    pub m: f64,
}

/// Parameters of the Gamma-Gamma model (all positive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GammaGammaParams {
    /// Shape of the per-transaction gamma distribution.
    pub p: f64,
    /// Shape of the gamma mixing distribution of the per-customer scale `nu`.
    pub q: f64,
    /// Scale of the mixing distribution (`gamma` in the paper, `v` in lifetimes).
    pub gamma: f64,
}

/// Result of [`fit`].
#[derive(Debug, Clone, Serialize)]
pub struct GammaGammaFit {
    /// Maximum likelihood estimates.
    pub params: GammaGammaParams,
    /// Total log-likelihood at the estimates.
    pub log_likelihood: f64,
    /// Standard errors of `p, q, gamma`; `None` when the Hessian is not positive definite.
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
    /// Customers used in the fit.
    pub customers: f64,
    /// Customers left out because `x = 0` or `m <= 0` (their spend carries no information for
    /// this model; lifetimes raises an error instead).
    pub skipped_nonpositive: usize,
}

impl GammaGammaParams {
    fn from_log(v: &[f64]) -> Self {
        GammaGammaParams {
            p: v[0].exp(),
            q: v[1].exp(),
            gamma: v[2].exp(),
        }
    }

    /// Expected mean transaction value of a customer with `x` transactions of mean value `m`:
    /// `p (gamma + x m) / (p x + q - 1)`, a weighted average of the population mean
    /// `p gamma / (q - 1)` and `m`. `x = 0` (or a non-positive/non-finite `m`, treated as no
    /// information) gives the population mean. Infinite when the posterior mean does not exist
    /// (`p x + q <= 1`).
    pub fn conditional_expected_spend(&self, x: f64, m: f64) -> f64 {
        let (x, m) = if x.is_finite() && x > 0.0 && m.is_finite() && m > 0.0 {
            (x, m)
        } else {
            (0.0, 0.0)
        };
        let den = self.p * x + self.q - 1.0;
        if den <= 0.0 {
            return f64::INFINITY;
        }
        self.p * (self.gamma + x * m) / den
    }

    /// Population mean transaction value `p gamma / (q - 1)`; infinite for `q <= 1`.
    pub fn population_mean_spend(&self) -> f64 {
        self.conditional_expected_spend(0.0, 0.0)
    }
}

/// Log-density of the mean spend `m` of one customer with `x` transactions.
pub fn log_likelihood(params: &GammaGammaParams, s: &SpendSummary) -> f64 {
    ll_grad(params, s, None)
}

/// Log-density and its gradient w.r.t. `(ln p, ln q, ln gamma)`.
pub fn log_likelihood_with_gradient(
    params: &GammaGammaParams,
    s: &SpendSummary,
) -> (f64, [f64; 3]) {
    let mut g = [0.0; 3];
    let v = ll_grad(params, s, Some(&mut g));
    (v, g)
}

/// `ln f(m | x) = ln Gamma(px+q) - ln Gamma(px) - ln Gamma(q) + q ln gamma + (px-1) ln m`
/// `  + px ln x - (px+q) ln(gamma + x m)`.
fn ll_grad(par: &GammaGammaParams, s: &SpendSummary, grad: Option<&mut [f64; 3]>) -> f64 {
    let GammaGammaParams { p, q, gamma } = *par;
    let (x, m) = (s.x, s.m);
    let px = p * x;
    let ln_xm_g = (x * m + gamma).ln();
    if let Some(g) = grad {
        let d_p = x * (digamma(px + q) - digamma(px) + m.ln() + x.ln() - ln_xm_g);
        let d_q = digamma(px + q) - digamma(q) + gamma.ln() - ln_xm_g;
        let d_g = q / gamma - (px + q) / (x * m + gamma);
        *g = [d_p * p, d_q * q, d_g * gamma];
    }
    ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
        + q * gamma.ln()
        + (px - 1.0) * m.ln()
        + px * x.ln()
        - (px + q) * ln_xm_g
}

/// Spend summaries laid out for fast likelihood passes: everything but `ln(gamma + x m)` depends
/// only on `x` (a few hundred distinct values) or is a constant of the data (`sum ln m` per `x`),
/// so a pass is one `ln` and one division per customer plus a loop over the distinct `x`.
struct SpendIndex {
    /// Distinct `x`, in order of first appearance.
    xs: Vec<f64>,
    /// Customers per entry of `xs`.
    count: Vec<f64>,
    /// `sum ln m` per entry of `xs`.
    sum_ln_m: Vec<f64>,
    /// Per customer: index into `xs` and `x m`.
    rows: Vec<(u32, f64)>,
    /// Number of customers.
    total: f64,
}

impl SpendIndex {
    fn new(data: &[SpendSummary]) -> Self {
        let mut index: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        let (mut xs, mut count, mut sum_ln_m) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = Vec::with_capacity(data.len());
        for s in data {
            let i = *index.entry(s.x.to_bits()).or_insert_with(|| {
                xs.push(s.x);
                count.push(0.0);
                sum_ln_m.push(0.0);
                (xs.len() - 1) as u32
            });
            count[i as usize] += 1.0;
            sum_ln_m[i as usize] += s.m.ln();
            rows.push((i, s.x * s.m));
        }
        SpendIndex {
            xs,
            count,
            sum_ln_m,
            rows,
            total: data.len() as f64,
        }
    }

    /// Mean negative log-likelihood at log-parameters `v` and its gradient: the sum of
    /// [`ll_grad`] over the customers, regrouped by `x`.
    fn objective(&self, v: &[f64], grad: &mut [f64]) -> f64 {
        let GammaGammaParams { p, q, gamma } = GammaGammaParams::from_log(v);
        let nx = self.xs.len();
        // Per x: sum ln(gamma + x m) and sum 1 / (gamma + x m).
        let parts = map_chunks(&self.rows, |rows| {
            let mut s = vec![(0.0, 0.0); nx];
            for &(xi, xm) in rows {
                let u = xm + gamma;
                let acc = &mut s[xi as usize];
                acc.0 += u.ln();
                acc.1 += 1.0 / u;
            }
            s
        });
        let mut sums = vec![(0.0, 0.0); nx];
        for part in parts {
            for (o, v) in sums.iter_mut().zip(part) {
                o.0 += v.0;
                o.1 += v.1;
            }
        }
        let (ln_g, lg_q, psi_q) = (gamma.ln(), ln_gamma(q), digamma(q));
        let (mut ll, mut d_p, mut d_q, mut d_g) = (0.0, 0.0, 0.0, 0.0);
        for (i, &(s_ln, s_inv)) in sums.iter().enumerate() {
            let (x, n, slm) = (self.xs[i], self.count[i], self.sum_ln_m[i]);
            let px = p * x;
            let ln_x = x.ln();
            ll += n * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_g + px * ln_x)
                + (px - 1.0) * slm
                - (px + q) * s_ln;
            let psi_pq = digamma(px + q);
            d_p += x * (n * (psi_pq - digamma(px) + ln_x) + slm - s_ln);
            d_q += n * (psi_pq - psi_q + ln_g) - s_ln;
            d_g += n * q / gamma - (px + q) * s_inv;
        }
        let n = self.total;
        grad.copy_from_slice(&[-d_p * p / n, -d_q * q / n, -d_g * gamma / n]);
        -ll / n
    }
}

/// Customers from which the fit starts from a fit on a sample.
const SAMPLE_FROM: usize = 60_000;
/// Customers in that sample.
const SAMPLE_ROWS: usize = 16_384;

/// Maximum likelihood fit; customers with `x = 0` or `m <= 0` are skipped and counted.
pub fn fit(data: &[SpendSummary], opts: &FitOptions) -> Result<GammaGammaFit, FitError> {
    if data
        .iter()
        .any(|s| !s.x.is_finite() || !s.m.is_finite() || s.x < 0.0)
    {
        return Err(FitError::InvalidInput {
            what: "spend summary with negative or non-finite value",
        });
    }
    let used: Vec<SpendSummary> = data
        .iter()
        .copied()
        .filter(|s| s.x > 0.0 && s.m > 0.0)
        .collect();
    let skipped = data.len() - used.len();
    if used.is_empty() {
        return Err(if data.is_empty() {
            FitError::NoData
        } else {
            FitError::NoRepeatBuyers
        });
    }
    // Start at p = 1, q = 2 (finite mean) and gamma matching the average spend: p gamma/(q-1) = m.
    let mean_m = used.iter().map(|s| s.m).sum::<f64>() / used.len() as f64;
    let x0 = [0.0, 2f64.ln(), mean_m.clamp(1e-12, 1e12).ln()];
    let ix = SpendIndex::new(&used);
    // Warm start from a systematic sample on large data (see `fit_objective_sampled`).
    let sample = (used.len() >= SAMPLE_FROM).then(|| {
        let every = used.len().div_ceil(SAMPLE_ROWS);
        let rows: Vec<SpendSummary> = used.iter().copied().step_by(every).collect();
        SpendIndex::new(&rows)
    });
    let res = fit_objective_sampled(
        |v, g| ix.objective(v, g),
        sample
            .as_ref()
            .map(|s| |v: &[f64], g: &mut [f64]| s.objective(v, g)),
        ix.total,
        &x0,
        opts,
    )?;
    Ok(GammaGammaFit {
        params: GammaGammaParams::from_log(&res.x),
        log_likelihood: res.log_likelihood,
        std_errors: res.std_errors,
        iterations: res.iterations,
        method: res.method,
        evaluations: res.evaluations,
        at_boundary: res.at_boundary,
        customers: res.customers,
        skipped_nonpositive: skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tests_support::check_gradient;

    const P: GammaGammaParams = GammaGammaParams {
        p: 6.25,
        q: 3.74,
        gamma: 15.44,
    };

    #[test]
    fn gradient_matches_finite_differences() {
        for s in [
            SpendSummary { x: 1.0, m: 20.0 },
            SpendSummary { x: 7.0, m: 112.5 },
            SpendSummary { x: 30.0, m: 0.5 },
        ] {
            check_gradient(
                |v: &[f64]| {
                    let mut g = [0.0; 3];
                    let ll = ll_grad(&GammaGammaParams::from_log(v), &s, Some(&mut g));
                    (ll, g.to_vec())
                },
                &[P.p.ln(), P.q.ln(), P.gamma.ln()],
            );
        }
    }

    /// The regrouped, chunked pass equals the plain sum of per-customer log-likelihoods and
    /// gradients (to 1e-12 relative: only the order of the additions differs), and its gradient
    /// matches finite differences of itself.
    #[test]
    fn indexed_pass_equals_per_row_sum() {
        use crate::indexed::tests_support::{assert_close, random_summaries};
        for (n, seed) in [(500, 5), (90_000, 17)] {
            let data: Vec<SpendSummary> = random_summaries(n, seed)
                .iter()
                .filter(|s| s.x > 0.0)
                .map(|s| SpendSummary {
                    x: s.x,
                    m: 0.5 + 200.0 * s.t_x / s.t.max(1.0),
                })
                .filter(|s| s.m > 0.0)
                .collect();
            let ix = SpendIndex::new(&data);
            for par in [
                P,
                GammaGammaParams {
                    p: 0.4,
                    q: 0.9,
                    gamma: 0.02,
                },
            ] {
                let v = [par.p.ln(), par.q.ln(), par.gamma.ln()];
                let mut g = [0.0; 3];
                let got = ix.objective(&v, &mut g);
                let (mut want, mut want_g, mut abs_g) = (0.0, [0.0; 3], [0.0; 3]);
                for s in &data {
                    let (l, gi) = log_likelihood_with_gradient(&par, s);
                    want -= l / ix.total;
                    for k in 0..3 {
                        want_g[k] -= gi[k] / ix.total;
                        abs_g[k] += (gi[k] / ix.total).abs();
                    }
                }
                let abs_ll: f64 = data
                    .iter()
                    .map(|s| log_likelihood(&par, s).abs() / ix.total)
                    .sum();
                assert_close(got, want, abs_ll, 1e-12, "value");
                for k in 0..3 {
                    assert_close(g[k], want_g[k], abs_g[k], 1e-12, "gradient");
                }
            }
            check_gradient(
                |v: &[f64]| {
                    let mut g = [0.0; 3];
                    let ll = ix.objective(v, &mut g);
                    (ll, g.to_vec())
                },
                &[P.p.ln(), P.q.ln(), P.gamma.ln()],
            );
        }
    }

    /// The density of m integrates to 1 (independent check of the normalising constants).
    #[test]
    fn density_integrates_to_one() {
        for x in [1.0, 3.0] {
            // Substitute m = e^u: integral of f(e^u) e^u du by the midpoint rule over a wide range.
            let (lo, hi, n) = (-15.0f64, 15.0f64, 200_000);
            let h = (hi - lo) / n as f64;
            let total: f64 = (0..n)
                .map(|i| {
                    let u = lo + (i as f64 + 0.5) * h;
                    (log_likelihood(&P, &SpendSummary { x, m: u.exp() }) + u).exp() * h
                })
                .sum();
            assert!((total - 1.0).abs() < 1e-8, "x {x}: {total}");
        }
    }

    #[test]
    fn conditional_spend_is_a_weighted_average() {
        let pop = P.population_mean_spend();
        assert!((pop - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        let c = P.conditional_expected_spend(2.0, 50.0);
        assert!(c > pop && c < 50.0);
        assert!(GammaGammaParams { q: 0.5, ..P }
            .population_mean_spend()
            .is_infinite());
    }
}
