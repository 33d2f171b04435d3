//! BG/CNBD-k model (Platzer & Reutterer 2016, "Ticking away the moments: timing regularity helps
//! to better predict customer activity", Marketing Science; R package BTYDplus `bgcnbd.*`).
//!
//! While alive, the times between purchases are Erlang-k: the sum of `k` exponential phases with
//! rate `lambda ~ Gamma(r, alpha)` each (so the purchase rate is `lambda / k`, and `k = 1` is
//! the BG/NBD). After each repeat purchase the customer drops out with probability
//! `p ~ Beta(a, b)`. Larger `k` means more regular purchase timing, which is what makes a long
//! silence more telling. The regularity enters the likelihood through `litt`, the sum of the
//! logarithms of the customer's inter-transaction times.
//!
//! Likelihood (Platzer & Reutterer 2016, eq. 6; BTYDplus `bgcnbd.LL`):
//!
//! ```text
//! LL = (k-1) litt - x ln((k-1)!) + ln B(a, b+x) - ln B(a, b) + ln Γ(r+kx) - ln Γ(r) + r ln α
//!      - (r+kx) ln(α+T) + ln( [x>0] a/(b+x-1) ((α+T)/(α+t_x))^(r+kx)
//!                             + Σ_{j<k} Γ(r+kx+j)/(Γ(r+kx) j!) ((T-t_x)/(α+T))^j )
//! ```
//!
//! The j-th term of the sum is the customer being alive with `j` of the `k` phases of the current
//! gap completed; that decomposition also gives the conditional expectation exactly (see
//! [`BgCnbdParams::expected_transactions`]), where BTYDplus uses an approximation for `k > 1`.

use crate::optim::{minimize, standard_errors, FitOptions};
use crate::special::{digamma, ln_beta, ln_gamma};
use crate::FitError;
use serde::Serialize;

/// Largest `k` tried when `k` is estimated; the search stops earlier as soon as the
/// log-likelihood stops improving (as BTYDplus `bgcnbd.EstimateParameters` does).
pub const MAX_K: u32 = 12;
/// Relative size at which the sums of [`BgCnbdParams::expected_transactions`] are truncated.
const SUM_TOL: f64 = 1e-15;
/// Cap on terms of those sums (reached only for horizons of thousands of purchase cycles).
const SUM_MAX_TERMS: usize = 10_000_000;

/// One customer (or `weight` identical customers) in the calibration period, with the timing
/// statistic of the BG/CNBD-k.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CnbdSummary {
    /// Number of repeat transactions (transactions after the first).
    pub x: f64,
    /// Time of the last transaction, measured from the first transaction (0 when `x = 0`).
    pub t_x: f64,
    /// Age `T`: time from the first transaction to the end of calibration.
    pub t: f64,
    /// Sum of the natural logarithms of the `x` inter-transaction times (0 when `x = 0`).
    pub litt: f64,
    /// Number of customers with these values.
    pub weight: f64,
}

impl CnbdSummary {
    /// A single customer (weight 1).
    pub fn new(x: f64, t_x: f64, t: f64, litt: f64) -> Self {
        CnbdSummary {
            x,
            t_x,
            t,
            litt,
            weight: 1.0,
        }
    }

    /// Summary of one customer from purchase times (any origin, ascending, first = first
    /// purchase) and the end of calibration; purchases after `calibration_end` are ignored.
    /// Purchases at the same time must be merged before (a zero gap has no logarithm).
    pub fn from_purchase_times(times: &[f64], calibration_end: f64) -> Result<Self, FitError> {
        let first = *times.first().ok_or(FitError::InvalidInput {
            what: "customer without purchases",
        })?;
        if !first.is_finite() || !calibration_end.is_finite() || first > calibration_end {
            return Err(FitError::InvalidInput {
                what: "first purchase after the end of calibration or not finite",
            });
        }
        let mut prev = first;
        let (mut x, mut litt) = (0.0, 0.0);
        for &tm in times
            .iter()
            .skip(1)
            .take_while(|&&tm| tm <= calibration_end)
        {
            if tm <= prev || tm.is_nan() {
                return Err(FitError::InvalidInput {
                    what: "purchase times not strictly increasing",
                });
            }
            litt += (tm - prev).ln();
            x += 1.0;
            prev = tm;
        }
        Ok(CnbdSummary::new(
            x,
            prev - first,
            calibration_end - first,
            litt,
        ))
    }

    /// True when all fields are finite, non-negative (except `litt`) and `t_x <= T`.
    pub fn is_valid(&self) -> bool {
        [self.x, self.t_x, self.t, self.litt, self.weight]
            .iter()
            .all(|v| v.is_finite())
            && self.x >= 0.0
            && self.t_x >= 0.0
            && self.t_x <= self.t
            && self.weight >= 0.0
    }
}

/// Parameters of the BG/CNBD-k model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgCnbdParams {
    /// Number of exponential phases of an inter-purchase time (regularity; 1 = BG/NBD).
    pub k: u32,
    /// Shape of the phase-rate gamma distribution.
    pub r: f64,
    /// Rate parameter of the phase-rate gamma distribution, in time units.
    pub alpha: f64,
    /// First shape of the dropout-probability beta distribution.
    pub a: f64,
    /// Second shape of the dropout-probability beta distribution.
    pub b: f64,
}

/// Result of [`fit`].
#[derive(Debug, Clone, Serialize)]
pub struct BgCnbdFit {
    /// Maximum likelihood estimates (for the chosen or given `k`).
    pub params: BgCnbdParams,
    /// Total (weighted) log-likelihood at the estimates.
    pub log_likelihood: f64,
    /// Standard errors of `r, alpha, a, b` given `k`; `None` when the Hessian is not positive
    /// definite.
    pub std_errors: Option<Vec<f64>>,
    /// Optimiser iterations (all `k` together).
    pub iterations: u64,
    /// Optimiser that produced the estimates.
    pub method: &'static str,
    /// Number of customers (total weight).
    pub customers: f64,
    /// Total log-likelihood of every `k` tried, in order.
    pub log_likelihood_by_k: Vec<(u32, f64)>,
}

/// The terms of the bracket of the likelihood, in logs: `s1` (dropped out after the last
/// purchase) and `s2[j]` (alive with `j` phases of the current gap done).
struct Terms {
    s1: f64,
    s2: Vec<f64>,
    /// ln of the bracket.
    total: f64,
}

fn terms(p: &BgCnbdParams, c: &CnbdSummary) -> Terms {
    let BgCnbdParams { k, r, alpha, a, b } = *p;
    let (x, t_x, t) = (c.x, c.t_x, c.t);
    let rk = r + f64::from(k) * x;
    let s1 = if x > 0.0 {
        a.ln() - (b + x - 1.0).ln() + rk * ((alpha + t).ln() - (alpha + t_x).ln())
    } else {
        f64::NEG_INFINITY
    };
    let gap = t - t_x;
    let ln_ratio = gap.ln() - (alpha + t).ln();
    let mut s2 = Vec::with_capacity(k as usize);
    let mut lc = 0.0f64; // ln of term j: ln Γ(rk+j) - ln Γ(rk) - ln j! + j ln(gap/(α+T))
    for j in 0..k {
        if j > 0 {
            let jf = f64::from(j);
            lc += (rk + jf - 1.0).ln() - jf.ln() + ln_ratio;
        }
        // gap = 0 gives ln_ratio = -inf: the j > 0 terms vanish, as they should.
        s2.push(if j == 0 { 0.0 } else { lc });
    }
    let m = s2.iter().copied().fold(s1, f64::max);
    let sum: f64 = std::iter::once(s1)
        .chain(s2.iter().copied())
        .map(|v| (v - m).exp())
        .sum();
    Terms {
        s1,
        s2,
        total: m + sum.ln(),
    }
}

impl BgCnbdParams {
    fn from_log(k: u32, x: &[f64]) -> Self {
        BgCnbdParams {
            k,
            r: x[0].exp(),
            alpha: x[1].exp(),
            a: x[2].exp(),
            b: x[3].exp(),
        }
    }

    fn is_valid(&self) -> bool {
        self.k >= 1
            && [self.r, self.alpha, self.a, self.b]
                .iter()
                .all(|v| v.is_finite() && *v > 0.0)
    }

    /// Probability that the customer is still alive at `T`: the alive terms of the likelihood's
    /// bracket over the whole bracket. In [0, 1]; 0 for invalid inputs.
    pub fn p_alive(&self, c: &CnbdSummary) -> f64 {
        if !self.is_valid() || !c.is_valid() {
            return 0.0;
        }
        let tm = terms(self, c);
        let alive: f64 = tm.s2.iter().map(|v| (v - tm.total).exp()).sum();
        alive.clamp(0.0, 1.0)
    }

    /// Conditional expected number of transactions in `(T, T + horizon]`, exact.
    ///
    /// Given alive at `T` with `j` phases of the current gap completed (posterior weight: the
    /// j-th alive term of the likelihood's bracket), `lambda ~ Gamma(r+kx+j, alpha+T)`,
    /// `p ~ Beta(a, b+x)`, and the n-th future purchase happens at an Erlang(nk-j, lambda) time,
    /// provided the customer survived the n-1 future purchases before it. So
    /// `E = Σ_j w_j Σ_{n>=1} E[(1-p)^(n-1)] P(Erlang(nk-j) <= horizon)`. Mixing the Erlang over
    /// the gamma gives `P(N_j >= nk-j)` with `N_j` negative binomial (`r+kx+j`,
    /// `q = horizon/(alpha+T+horizon)`), and exchanging the sums turns the inner part into
    /// `Σ_i P(N_j = i) C(floor((i+j)/k))` with `C(m) = Σ_{n=1..m} E[(1-p)^(n-1)]`: only positive
    /// terms, no incomplete beta functions. Finite and non-negative; 0 for invalid inputs.
    /// The cost grows with the expected count (the negative binomial's mean); the sums are cut
    /// at `SUM_MAX_TERMS` terms, which only absurd inputs reach (millions of expected purchases
    /// in the horizon), and then the result is a lower bound.
    pub fn expected_transactions(&self, c: &CnbdSummary, horizon: f64) -> f64 {
        if !self.is_valid() || !c.is_valid() || horizon <= 0.0 || !horizon.is_finite() {
            return 0.0;
        }
        let BgCnbdParams { k, r, alpha, a, b } = *self;
        let kf = f64::from(k);
        let x = c.x;
        let tm = terms(self, c);
        let q = horizon / (alpha + c.t + horizon);
        let ln_1mq = (alpha + c.t).ln() - (alpha + c.t + horizon).ln();
        let ln_q = q.ln();
        let mut total = 0.0;
        for (j, &lw) in tm.s2.iter().enumerate() {
            let w = (lw - tm.total).exp();
            if w == 0.0 {
                continue;
            }
            let jf = j as f64;
            let shape = r + kf * x + jf;
            // Negative binomial pmf in logs, cumulative survival sums C(m) built as i advances.
            let mut ln_pmf = shape * ln_1mq;
            let mut sum = 0.0f64;
            let (mut c_m, mut rho, mut m_done) = (0.0f64, 1.0f64, 0u64);
            for i in 0..SUM_MAX_TERMS {
                let if64 = i as f64;
                let m = ((i + j) / k as usize) as u64;
                while m_done < m {
                    // rho_n = E[(1-p)^(n-1)] under Beta(a, b+x), for n = m_done + 1.
                    c_m += rho;
                    rho *= (b + x + m_done as f64) / (a + b + x + m_done as f64);
                    m_done += 1;
                }
                let pmf = ln_pmf.exp();
                sum += pmf * c_m;
                // Ratio of the next pmf to this one; beyond the mode it decreases towards q.
                let ratio = (shape + if64) / (if64 + 1.0) * q;
                // C grows by at most 1 per k steps of i, so the rest is bounded by a geometric
                // series in `ratio` with linearly growing weights.
                if ratio < 1.0 && i >= k as usize {
                    let g = 1.0 / (1.0 - ratio);
                    let bound = pmf * ratio * g * (c_m + g / kf + 1.0);
                    if bound <= SUM_TOL * sum || (sum == 0.0 && bound < f64::MIN_POSITIVE) {
                        break;
                    }
                }
                ln_pmf += (shape + if64).ln() - (if64 + 1.0).ln() + ln_q;
            }
            total += w * sum;
        }
        if total.is_finite() {
            total.max(0.0)
        } else {
            0.0
        }
    }

    /// Expected number of transactions in `(0, t]` of a customer who just made the first
    /// purchase (the conditional expectation at `x = t_x = T = 0`, where P(alive) = 1).
    pub fn expected_transactions_new(&self, t: f64) -> f64 {
        self.expected_transactions(&CnbdSummary::new(0.0, 0.0, 0.0, 0.0), t)
    }
}

/// Log-likelihood of one customer (weight ignored); `-inf` for invalid inputs.
pub fn log_likelihood(params: &BgCnbdParams, c: &CnbdSummary) -> f64 {
    ll_grad(params, c, None)
}

/// Log-likelihood of one customer and its gradient w.r.t. `(ln r, ln alpha, ln a, ln b)`.
pub fn log_likelihood_with_gradient(params: &BgCnbdParams, c: &CnbdSummary) -> (f64, [f64; 4]) {
    let mut g = [0.0; 4];
    let v = ll_grad(params, c, Some(&mut g));
    (v, g)
}

fn ll_grad(p: &BgCnbdParams, c: &CnbdSummary, grad: Option<&mut [f64; 4]>) -> f64 {
    if !p.is_valid() || !c.is_valid() {
        return f64::NEG_INFINITY;
    }
    let BgCnbdParams { k, r, alpha, a, b } = *p;
    let kf = f64::from(k);
    let (x, t_x, t) = (c.x, c.t_x, c.t);
    let rk = r + kf * x;
    let timing = if x > 0.0 {
        (kf - 1.0) * c.litt - x * ln_gamma(kf)
    } else {
        0.0
    };
    let tm = terms(p, c);
    let value = timing + ln_beta(a, b + x) - ln_beta(a, b) + ln_gamma(rk) - ln_gamma(r)
        + r * alpha.ln()
        - rk * (alpha + t).ln()
        + tm.total;
    if let Some(g) = grad {
        let w1 = (tm.s1 - tm.total).exp();
        let (mut d_r_terms, mut d_alpha_terms) = (0.0, 0.0);
        // d ln(term j)/dr = Σ_{i<j} 1/(rk+i); d/dalpha = -j/(alpha+T).
        let mut h = 0.0;
        for (j, &lw) in tm.s2.iter().enumerate() {
            if j > 0 {
                h += 1.0 / (rk + j as f64 - 1.0);
            }
            let w = (lw - tm.total).exp();
            d_r_terms += w * h;
            d_alpha_terms -= w * j as f64 / (alpha + t);
        }
        let ln_ratio1 = (alpha + t).ln() - (alpha + t_x).ln();
        let d_r =
            digamma(rk) - digamma(r) + alpha.ln() - (alpha + t).ln() + w1 * ln_ratio1 + d_r_terms;
        let d_alpha = r / alpha - rk / (alpha + t)
            + w1 * rk * (1.0 / (alpha + t) - 1.0 / (alpha + t_x))
            + d_alpha_terms;
        let dab = digamma(a + b) - digamma(a + b + x);
        let d_a = dab + w1 / a;
        let d_b =
            dab + digamma(b + x) - digamma(b) - if x > 0.0 { w1 / (b + x - 1.0) } else { 0.0 };
        // Chain rule to log-parameters.
        *g = [d_r * r, d_alpha * alpha, d_a * a, d_b * b];
    }
    if value.is_finite() {
        value
    } else {
        f64::NEG_INFINITY
    }
}

/// Validates the data; returns the total weight.
fn validate(data: &[CnbdSummary]) -> Result<f64, FitError> {
    if data.iter().any(|c| !c.is_valid()) {
        return Err(FitError::InvalidInput {
            what: "summary with negative or non-finite value or t_x > T",
        });
    }
    let w: f64 = data.iter().map(|c| c.weight).sum();
    if w <= 0.0 {
        return Err(FitError::NoData);
    }
    if !data.iter().any(|c| c.weight > 0.0 && c.x > 0.0) {
        return Err(FitError::NoRepeatBuyers);
    }
    Ok(w)
}

/// Result of the fit for one `k`.
struct KFit {
    /// Optimum in log space.
    x: Vec<f64>,
    /// Total log-likelihood.
    ll: f64,
    iterations: u64,
    method: &'static str,
    std_errors: Option<Vec<f64>>,
}

/// Maximum likelihood for a fixed `k`.
fn fit_k(data: &[CnbdSummary], k: u32, total: f64, opts: &FitOptions) -> Result<KFit, FitError> {
    let objective = |x: &[f64], grad: &mut [f64]| -> f64 {
        let p = BgCnbdParams::from_log(k, x);
        grad.iter_mut().for_each(|v| *v = 0.0);
        let mut sum = 0.0;
        for c in data.iter().filter(|c| c.weight > 0.0) {
            let (v, g) = log_likelihood_with_gradient(&p, c);
            sum -= c.weight * v;
            for (acc, gi) in grad.iter_mut().zip(g) {
                *acc -= c.weight * gi;
            }
        }
        grad.iter_mut().for_each(|v| *v /= total);
        sum / total
    };
    let (mut sx, mut st) = (0.0, 0.0);
    for c in data {
        sx += c.weight * c.x;
        st += c.weight * c.t;
    }
    // Start at r = 1 with the observed purchase rate: lambda/k per time unit, so
    // alpha = r / E[lambda] = T / (k x) on average; a = b = 1 (uniform dropout).
    let alpha0 = (st.max(1e-6) / (f64::from(k) * sx.max(1e-6))).clamp(1e-6, 1e6);
    let x0 = [0.0, alpha0.ln(), 0.0, 0.0];
    let opt = minimize(objective, &x0, opts)?;
    let std_errors = standard_errors(objective, &opt.x, total);
    Ok(KFit {
        ll: -opt.value * total,
        x: opt.x,
        iterations: opt.iterations,
        method: opt.method,
        std_errors,
    })
}

/// Maximum likelihood fit. With `k = Some(k)` the regularity is fixed; with `None` it is
/// estimated: `k = 1, 2, ...` are fitted until the log-likelihood stops improving (at most
/// [`MAX_K`]) and the best is kept.
pub fn fit(data: &[CnbdSummary], k: Option<u32>, opts: &FitOptions) -> Result<BgCnbdFit, FitError> {
    let total = validate(data)?;
    let ks: Vec<u32> = match k {
        Some(0) => {
            return Err(FitError::InvalidInput {
                what: "k must be at least 1",
            })
        }
        Some(k) => vec![k],
        None => (1..=MAX_K).collect(),
    };
    let mut best: Option<(u32, KFit)> = None;
    let mut by_k = Vec::new();
    let mut iterations = 0;
    for kk in ks {
        let kfit = match fit_k(data, kk, total, opts) {
            Ok(v) => v,
            // A failing larger k ends the search; the best smaller k stands.
            Err(e) => match best {
                Some(_) => break,
                None => return Err(e),
            },
        };
        iterations += kfit.iterations;
        by_k.push((kk, kfit.ll));
        match &best {
            Some((_, b)) if kfit.ll <= b.ll => break,
            _ => best = Some((kk, kfit)),
        }
    }
    let (kk, kfit) = best.ok_or(FitError::NoData)?;
    Ok(BgCnbdFit {
        params: BgCnbdParams::from_log(kk, &kfit.x),
        log_likelihood: kfit.ll,
        std_errors: kfit.std_errors,
        iterations,
        method: kfit.method,
        customers: total,
        log_likelihood_by_k: by_k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tests_support::check_gradient;
    use crate::{bg_nbd, Summary};

    const P: BgCnbdParams = BgCnbdParams {
        k: 3,
        r: 0.9,
        alpha: 5.0,
        a: 0.8,
        b: 3.5,
    };

    fn customers() -> Vec<CnbdSummary> {
        vec![
            CnbdSummary::new(0.0, 0.0, 38.86, 0.0),
            CnbdSummary::new(2.0, 30.43, 38.86, 2.0 * 15.2f64.ln()),
            CnbdSummary::new(14.0, 25.0, 33.0, 14.0 * 1.7f64.ln()),
            CnbdSummary::new(3.0, 38.0, 38.0, 3.0 * 12.0f64.ln()),
        ]
    }

    #[test]
    fn gradient_matches_finite_differences() {
        for k in [1, 2, 5] {
            let p = BgCnbdParams { k, ..P };
            for c in customers() {
                check_gradient(
                    |x: &[f64]| {
                        let (v, g) =
                            log_likelihood_with_gradient(&BgCnbdParams::from_log(k, x), &c);
                        (v, g.to_vec())
                    },
                    &[p.r.ln(), p.alpha.ln(), p.a.ln(), p.b.ln()],
                );
            }
        }
    }

    /// k = 1 is the BG/NBD: likelihood, P(alive) and the conditional expectation agree with
    /// the BG/NBD module (closed forms with a 2F1 for the expectation, FHL 2005 eq. 10).
    #[test]
    fn k1_is_bg_nbd() {
        let p1 = BgCnbdParams { k: 1, ..P };
        let bg = bg_nbd::BgNbdParams {
            r: P.r,
            alpha: P.alpha,
            a: P.a,
            b: P.b,
        };
        for c in customers() {
            let s = Summary::new(c.x, c.t_x, c.t);
            let (l1, l2) = (log_likelihood(&p1, &c), bg_nbd::log_likelihood(&bg, &s));
            assert!((l1 - l2).abs() < 1e-12, "{l1} vs {l2}");
            assert!((p1.p_alive(&c) - bg.p_alive(&s)).abs() < 1e-12);
            for h in [1.0, 39.0, 500.0] {
                let (e1, e2) = (
                    p1.expected_transactions(&c, h),
                    bg.expected_transactions(&s, h),
                );
                assert!((e1 - e2).abs() < 1e-9 * (1.0 + e2), "h={h}: {e1} vs {e2}");
            }
        }
    }

    /// Likelihood by brute force for k = 2: integrate the individual-level likelihood over the
    /// gamma and beta mixing distributions numerically (2-D midpoint rule on transformed axes).
    #[test]
    fn likelihood_matches_numerical_mixing() {
        let p = BgCnbdParams {
            k: 2,
            r: 2.0,
            alpha: 4.0,
            a: 1.5,
            b: 2.5,
        };
        let c = CnbdSummary::new(3.0, 20.0, 30.0, 3.0 * 6.0f64.ln());
        let (x, t_x, t) = (c.x, c.t_x, c.t);
        // Individual likelihood for k = 2 (Erlang-2 gaps: lambda^2 g e^{-lambda g}).
        let indiv = |lam: f64, pp: f64| {
            let dens = (2.0 * x * lam.ln() + c.litt - lam * t_x).exp();
            let u = t - t_x;
            let alive = (1.0 - pp).powf(x) * (-lam * u).exp() * (1.0 + lam * u);
            let dead = pp * (1.0 - pp).powf(x - 1.0);
            dens * (alive + dead)
        };
        let gamma_pdf = |lam: f64| {
            (p.r * p.alpha.ln() + (p.r - 1.0) * lam.ln() - p.alpha * lam - ln_gamma(p.r)).exp()
        };
        let beta_pdf = |pp: f64| {
            ((p.a - 1.0) * pp.ln() + (p.b - 1.0) * (1.0 - pp).ln() - ln_beta(p.a, p.b)).exp()
        };
        let n = 2000;
        let mut acc = 0.0;
        let lam_max = 4.0; // Gamma(2, 4) has negligible mass beyond 4 (mean 0.5)
        for i in 0..n {
            let lam = (i as f64 + 0.5) / n as f64 * lam_max;
            let gl = gamma_pdf(lam);
            let mut inner = 0.0;
            for jj in 0..n {
                let pp = (jj as f64 + 0.5) / n as f64;
                inner += beta_pdf(pp) * indiv(lam, pp);
            }
            acc += gl * inner / n as f64;
        }
        let direct = (acc * lam_max / n as f64).ln();
        let got = log_likelihood(&p, &c);
        assert!((got - direct).abs() < 1e-5, "{got} vs {direct}");
    }

    #[test]
    fn summary_from_times() {
        let c = CnbdSummary::from_purchase_times(&[2.0, 5.0, 9.0, 40.0], 20.0).expect("valid");
        assert_eq!(c.x, 2.0);
        assert_eq!(c.t_x, 7.0);
        assert_eq!(c.t, 18.0);
        assert!((c.litt - (3.0f64.ln() + 4.0f64.ln())).abs() < 1e-15);
        assert!(CnbdSummary::from_purchase_times(&[1.0, 1.0], 5.0).is_err());
        assert!(CnbdSummary::from_purchase_times(&[], 5.0).is_err());
    }

    #[test]
    fn invalid_inputs_never_nan() {
        let bad = CnbdSummary::new(1.0, 5.0, 2.0, 0.0);
        assert_eq!(P.p_alive(&bad), 0.0);
        assert_eq!(P.expected_transactions(&bad, 10.0), 0.0);
        assert_eq!(log_likelihood(&P, &bad), f64::NEG_INFINITY);
        let c = customers()[1];
        assert!(P.expected_transactions(&c, 1e6).is_finite());
        assert!(fit(&[], None, &FitOptions::default()).is_err());
    }
}
