//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for
//! customer base analysis"; Colombo & Jiang 1999).
//!
//! The value of each transaction is gamma(p, nu) distributed, and `nu ~ Gamma(q, gamma)` across
//! customers; spend is assumed independent of the transaction process. Fitted on customers with
//! at least one repeat transaction and their mean repeat-transaction value.

use crate::optim::{fit_weighted, FitOptions};
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
    let res = fit_weighted(
        &used,
        |_| 1.0,
        &x0,
        opts,
        |v, s, g| {
            let mut g3 = [0.0; 3];
            let ll = ll_grad(&GammaGammaParams::from_log(v), s, Some(&mut g3));
            g.copy_from_slice(&g3);
            ll
        },
    )?;
    Ok(GammaGammaFit {
        params: GammaGammaParams::from_log(&res.x),
        log_likelihood: res.log_likelihood,
        std_errors: res.std_errors,
        iterations: res.iterations,
        method: res.method,
        evaluations: res.evaluations,
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
