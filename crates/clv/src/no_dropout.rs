//! The models' common limit where nobody leaves: a Gamma-Poisson (NBD) purchase process, and
//! its own limit where every customer buys at the same rate (Poisson).
//!
//! BG/NBD, MBG/NBD and Pareto/NBD all contain these as edges of their parameter space: a
//! dropout probability (BG, MBG: `p ~ Beta(a, b)`) or rate (Pareto: `mu ~ Gamma(s, beta)`)
//! that is zero for everyone, and a purchase-rate distribution `Gamma(r, alpha)` that
//! shrinks to a point (`r, alpha -> inf` with `r / alpha` fixed). On data where nobody leaves
//! (B2B invoice exports) the maximum likelihood lies there, at infinity in the models' own
//! parameters, and an optimiser in those parameters crawls for ever. Here the limits are fitted
//! directly, in parameters where they are finite, and their log-likelihoods are on the same
//! scale as the full models' (`lambda^x e^{-lambda T}` for the purchase times, mixed over the
//! rates), so that the full fit can be compared with them ([`prefer_limit`]).
//!
//! NBD, in the mean rate `m = r / alpha` and the shape `r`, for a customer with `x` repeat
//! purchases over an age `T`:
//!
//! ```text
//! LL = ln Γ(r + x) − ln Γ(r) + r ln α − (r + x) ln(α + T)
//!    = Σ_{j<x} ln(1 + j/r) + x ln m − (r + x) ln(1 + T m / r)
//! ```
//!
//! The second form stays exact as `r -> inf`, where it becomes the Poisson `x ln m − m T`.

use crate::optim::{minimize, FitOptions};
use crate::{FitError, Summary};
use serde::Serialize;

/// A purchase process in which nobody leaves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum NoDropout {
    /// Purchase rates `lambda ~ Gamma(r, alpha)` (rate parameter `alpha`), nobody leaves.
    Nbd {
        /// Shape of the purchase-rate gamma distribution.
        r: f64,
        /// Rate parameter of the purchase-rate gamma distribution, in time units.
        alpha: f64,
    },
    /// Every customer buys at the same rate `lambda` a time unit, nobody leaves.
    Poisson {
        /// Purchases a time unit.
        lambda: f64,
    },
}

impl NoDropout {
    /// Log-likelihood of one customer (weight ignored).
    pub fn log_likelihood(&self, s: &Summary) -> f64 {
        match *self {
            NoDropout::Nbd { r, alpha } => nbd_ll(r / alpha, r, s.x, s.t, None),
            NoDropout::Poisson { lambda } => s.x * lambda.ln() - lambda * s.t,
        }
    }

    /// Expected purchases in `(T, T + horizon]`: the posterior mean rate times the horizon.
    pub fn expected_transactions(&self, s: &Summary, horizon: f64) -> f64 {
        if horizon <= 0.0 {
            return 0.0;
        }
        match *self {
            NoDropout::Nbd { r, alpha } => (r + s.x) / (alpha + s.t) * horizon,
            NoDropout::Poisson { lambda } => lambda * horizon,
        }
    }

    /// Expected purchases in `(0, t]` of a new customer.
    pub fn expected_transactions_new(&self, t: f64) -> f64 {
        self.expected_transactions(&Summary::new(0.0, 0.0, 0.0), t)
    }

    /// The customer is alive: nobody leaves.
    pub fn p_alive(&self, _s: &Summary) -> f64 {
        1.0
    }

    /// Shape of a customer's posterior purchase rate (`r + x`; infinite for Poisson, whose
    /// rate is known).
    pub fn posterior_shape(&self, x: f64) -> f64 {
        match *self {
            NoDropout::Nbd { r, .. } => r + x,
            NoDropout::Poisson { .. } => f64::INFINITY,
        }
    }

    /// Mean purchase rate a time unit.
    pub fn mean_rate(&self) -> f64 {
        match *self {
            NoDropout::Nbd { r, alpha } => r / alpha,
            NoDropout::Poisson { lambda } => lambda,
        }
    }
}

/// Result of [`fit`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NoDropoutFit {
    /// The fitted limit: NBD, or Poisson where the spread of the rates is not shown.
    pub model: NoDropout,
    /// Total (weighted) log-likelihood.
    pub log_likelihood: f64,
    /// Passes over the (compressed) data.
    pub passes: u64,
}

/// Half the 95 % quantile of the likelihood-ratio statistic for one parameter on the edge of
/// its space (a 50:50 mixture of 0 and χ²₁, Self & Liang 1987: 2.706 / 2): a richer model whose
/// log-likelihood exceeds its limit's by no more than this does not show, at 5 %, the thing
/// the limit leaves out (customers leaving, rates differing).
pub const EDGE_LOG_LIKELIHOOD: f64 = 1.353;

/// Whether a richer model with total log-likelihood `full` is at its edge `limit`: it gains
/// at most [`EDGE_LOG_LIKELIHOOD`] over it (or did not even reach it, when its optimiser
/// stopped early on the ridge towards it).
pub fn prefer_limit(full: f64, limit: f64) -> bool {
    !(full.is_finite()) || full - limit <= EDGE_LOG_LIKELIHOOD
}

/// `Σ_{j<x} ln(1 + j/r) + x ln m − (r + x) ln(1 + T m / r)` and, when asked, its gradient
/// w.r.t. `(ln m, ln r)`. `x` is a whole number of purchases; a fractional part (weights of
/// compressed data never reach `x`) is handled through the gamma function.
fn nbd_ll(m: f64, r: f64, x: f64, t: f64, grad: Option<&mut [f64; 2]>) -> f64 {
    let (mut lg, mut d_lg) = (0.0, 0.0);
    if x.fract() == 0.0 && x < 1e4 {
        for j in 0..x as u64 {
            let j = j as f64;
            lg += (j / r).ln_1p();
            d_lg -= j / (r + j);
        }
    } else {
        lg = crate::special::ln_gamma(r + x) - crate::special::ln_gamma(r) - x * r.ln();
        d_lg = r * (crate::special::digamma(r + x) - crate::special::digamma(r)) - x;
    }
    let q = t * m / r;
    let l1p = q.ln_1p();
    if let Some(g) = grad {
        // d/d ln m and d/d ln r = r d/dr of the terms above.
        let share = (r + x) * t * m / (r + t * m);
        g[0] = x - share;
        g[1] = d_lg - r * l1p + share;
    }
    lg + x * m.ln() - (r + x) * l1p
}

/// Fits the no-dropout limit to (compressed) summaries: NBD by maximum likelihood in
/// `(ln m, ln r)`, then Poisson when NBD does not beat it by [`EDGE_LOG_LIKELIHOOD`] (its rates'
/// spread is not shown). Only `x` and `T` matter: without dropout the time of the last purchase
/// says nothing.
pub fn fit(data: &[Summary], opts: &FitOptions) -> Result<NoDropoutFit, FitError> {
    crate::summary::validate(data)?;
    // Compress to (x, T): far fewer rows than (x, t_x, T).
    let mut rows: Vec<(f64, f64, f64)> = data
        .iter()
        .filter(|s| s.weight > 0.0)
        .map(|s| (s.x, s.t, s.weight))
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    rows.dedup_by(|next, kept| {
        if next.0 == kept.0 && next.1 == kept.1 {
            kept.2 += next.2;
            true
        } else {
            false
        }
    });
    let total: f64 = rows.iter().map(|r| r.2).sum();
    let sx: f64 = rows.iter().map(|r| r.0 * r.2).sum();
    let st: f64 = rows.iter().map(|r| r.1 * r.2).sum();
    if total <= 0.0 {
        return Err(FitError::NoData);
    }
    if sx <= 0.0 {
        return Err(FitError::NoRepeatBuyers);
    }
    // Poisson: lambda = Σx / ΣT in closed form.
    let lambda = sx / st;
    let poisson_ll = sx * lambda.ln() - lambda * st;
    let objective = |xl: &[f64], g: &mut [f64]| -> f64 {
        let (m, r) = (xl[0].exp(), xl[1].exp());
        let mut sum = 0.0;
        let mut acc = [0.0; 2];
        let mut gi = [0.0; 2];
        for &(x, t, w) in &rows {
            sum += w * nbd_ll(m, r, x, t, Some(&mut gi));
            acc[0] += w * gi[0];
            acc[1] += w * gi[1];
        }
        g[0] = -acc[0] / total;
        g[1] = -acc[1] / total;
        -sum / total
    };
    // Start at the Poisson rate with r = 1 (exponentially distributed rates).
    let nbd = minimize(objective, &[lambda.ln(), 0.0], opts);
    let poisson = NoDropoutFit {
        model: NoDropout::Poisson { lambda },
        log_likelihood: poisson_ll,
        passes: 1,
    };
    Ok(match nbd {
        Ok(o) => {
            let ll = -o.value * total;
            let (m, r) = (o.x[0].exp(), o.x[1].exp());
            if prefer_limit(ll, poisson_ll) || !(m.is_finite() && r.is_finite()) {
                NoDropoutFit {
                    passes: o.passes + 1,
                    ..poisson
                }
            } else {
                NoDropoutFit {
                    model: NoDropout::Nbd { r, alpha: r / m },
                    log_likelihood: ll,
                    passes: o.passes + 1,
                }
            }
        }
        // NBD contains Poisson: whatever stopped its optimiser, Poisson is a valid answer.
        Err(_) => poisson,
    })
}

/// A full model's fit brought to its edge where the data put it there: the full fit `full`
/// (or why it failed) against the no-dropout limit of the same data. Returns the fit to report
/// and the limit to predict from, if any.
///
/// The limit is taken when the full model gains no more than [`EDGE_LOG_LIKELIHOOD`] over it,
/// and when the full fit failed (the full model nests the limit, so the limit's estimate is a
/// valid restricted maximum). `limit_point` maps the limit to a point of the full model's
/// log-parameters close to it, so that the reported parameters read as the edge (dropout zero,
/// or a rate spread that has vanished).
pub(crate) fn settle(
    data: &[Summary],
    opts: &FitOptions,
    full: Result<crate::optim::SummaryFit, FitError>,
    limit_point: impl Fn(&NoDropout) -> Vec<f64>,
) -> Result<(crate::optim::SummaryFit, Option<NoDropoutFit>), FitError> {
    let limit = match fit(data, opts) {
        Ok(l) => l,
        // Without a limit (no repeat buyers, ...) the full fit stands as it is.
        Err(_) => return full.map(|f| (f, None)),
    };
    let take = |mut f: crate::optim::SummaryFit, method: &'static str| {
        f.x = limit_point(&limit.model);
        f.log_likelihood = limit.log_likelihood;
        f.std_errors = None;
        f.at_boundary = true;
        f.method = method;
        f.evaluations += limit.passes;
        (f, Some(limit))
    };
    match full {
        Ok(f) if prefer_limit(f.log_likelihood, limit.log_likelihood) => {
            Ok(take(f, "no-dropout limit"))
        }
        Ok(f) => Ok((f, None)),
        Err(e @ (FitError::NotConverged { .. } | FitError::NonFinite { .. }))
            if limit.log_likelihood.is_finite() =>
        {
            let iterations = match e {
                FitError::NotConverged { iterations, .. } => iterations,
                _ => 0,
            };
            let failed = crate::optim::SummaryFit {
                x: Vec::new(),
                log_likelihood: f64::NAN,
                std_errors: None,
                iterations,
                method: "",
                customers: data.iter().map(|s| s.weight).sum(),
                evaluations: 0,
                at_boundary: true,
                budget_used: false,
            };
            Ok(take(failed, "no-dropout limit (the full fit failed)"))
        }
        Err(e) => Err(e),
    }
}

/// Shape of a gamma rate distribution so narrow (a coefficient of variation of 0.01 %) that
/// it is the same rate for every customer: where a model's own parameters stand for a Poisson
/// limit.
pub(crate) const SAME_RATE_R: f64 = 1e8;

/// The log-parameters `(ln r, ln alpha)` of a Gamma purchase-rate distribution that stands for
/// `limit`: its own for NBD; for Poisson one with shape [`SAME_RATE_R`].
pub(crate) fn rate_point(limit: &NoDropout) -> [f64; 2] {
    match *limit {
        NoDropout::Nbd { r, alpha } => [r.ln(), alpha.ln()],
        NoDropout::Poisson { lambda } => [SAME_RATE_R.ln(), (SAME_RATE_R / lambda).ln()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tests_support::check_gradient;

    #[test]
    fn the_stable_form_is_the_textbook_form() {
        for (r, alpha, x, t) in [
            (0.5, 3.0, 0.0, 10.0),
            (2.0, 40.0, 7.0, 150.0),
            (30.0, 5.0, 3.0, 2.5),
        ] {
            let s = Summary::new(x, 0.0, t);
            let textbook = crate::special::ln_gamma(r + x) - crate::special::ln_gamma(r)
                + r * f64::ln(alpha)
                - (r + x) * f64::ln(alpha + t);
            let ours = NoDropout::Nbd { r, alpha }.log_likelihood(&s);
            assert!(
                (ours - textbook).abs() <= 1e-12 * (1.0 + textbook.abs()),
                "{ours} {textbook}"
            );
        }
    }

    #[test]
    fn nbd_tends_to_poisson_without_losing_digits() {
        // r = 1e12 with the mean rate 0.1: the textbook form cancels ~1e13-sized terms.
        let s = Summary::new(6.0, 0.0, 52.0);
        let nbd = NoDropout::Nbd {
            r: 1e12,
            alpha: 1e13,
        }
        .log_likelihood(&s);
        let poisson = NoDropout::Poisson { lambda: 0.1 }.log_likelihood(&s);
        assert!((nbd - poisson).abs() < 1e-9, "{nbd} {poisson}");
    }

    #[test]
    fn gradient_matches_finite_differences() {
        for (x, t) in [(0.0, 30.0), (4.0, 100.0), (25.0, 12.0)] {
            for xl in [[-2.0, 0.5], [-4.0, 8.0], [0.3, -1.0]] {
                check_gradient(
                    |p: &[f64]| {
                        let mut g = [0.0; 2];
                        let v = nbd_ll(p[0].exp(), p[1].exp(), x, t, Some(&mut g));
                        (v, g.to_vec())
                    },
                    &xl,
                );
            }
        }
    }
}
