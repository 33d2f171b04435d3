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

use crate::indexed::{map_chunks, Indexed};
use crate::optim::{fit_objective_sampled, FitOptions};
use crate::special::{
    digamma, digamma_shift, ln_beta, ln_beta_shift, ln_gamma, ln_gamma_shift_scaled,
};
use crate::{FitError, Summary};
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
    /// Likelihood passes over all customers (value and gradient), all `k` and standard errors
    /// included: with the pass time, what the fit cost.
    pub evaluations: u64,
    /// Number of customers (total weight).
    pub customers: f64,
    /// Total log-likelihood of every `k` tried, in order.
    pub log_likelihood_by_k: Vec<(u32, f64)>,
    /// The optimiser stopped on a flat ridge towards the edge of the parameter space (see
    /// [`crate::Optimum::at_boundary`]): typically "nobody leaves" (b / (a + b) → 1), where the
    /// dropout parameters are not identified and `std_errors` is `None`.
    pub at_boundary: bool,
    /// True when the pass budget ([`crate::FitOptions::max_passes`]) ran out before the
    /// optimiser converged: the estimates are the best point found.
    pub budget_used: bool,
    /// The no-dropout limit ([`crate::no_dropout`]) when `k = 1` (BG/CNBD-1 is MBG/NBD, whose
    /// edge that limit is) and the fit stands there; predictions then come from it. For
    /// `k > 1` the edge is a point of the model itself (`a = e^-40`, see `settle_edge`):
    /// `None`, with [`BgCnbdFit::params`] there and `at_boundary` set.
    pub limit: Option<crate::no_dropout::NoDropoutFit>,
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

/// The customers of a fit laid out for fast likelihood passes.
///
/// Why the histories can be compressed although each carries its own `litt`: `litt` enters the
/// log-likelihood only through `(k-1) litt`, which does not depend on `r, alpha, a, b`. So for a
/// given `k` customers with the same `(x, t_x, T)` contribute the same parameter-dependent
/// terms, the passes run over the distinct `(x, t_x, T)` rows of [`Indexed`] (weights summed;
/// on dates from a calendar far fewer rows than customers), and the `litt` terms add one
/// constant per `k`.
struct Prepared {
    /// Distinct `(x, t_x, T)` rows with their total weight, and the `x` and time tables.
    ix: Indexed,
    /// `Σ w litt` over customers with `x > 0` (where the timing term exists).
    litt: f64,
    /// `Σ w x`.
    wx: f64,
}

impl Prepared {
    /// From validated data; customers with weight 0 are left out.
    fn new(data: &[CnbdSummary]) -> Self {
        let summaries: Vec<Summary> = data
            .iter()
            .map(|c| Summary {
                x: c.x,
                t_x: c.t_x,
                t: c.t,
                weight: c.weight,
            })
            .collect();
        let mut ix = Indexed::new(&summaries);
        // Rows are sorted by their table indices, so equal histories are adjacent.
        ix.rows.dedup_by(|next, kept| {
            let same = (next.x, next.t_x, next.t) == (kept.x, kept.t_x, kept.t);
            if same {
                kept.w += next.w;
            }
            same
        });
        let (mut litt, mut wx) = (0.0, 0.0);
        for c in data.iter().filter(|c| c.weight > 0.0 && c.x > 0.0) {
            litt += c.weight * c.litt;
            wx += c.weight * c.x;
        }
        Prepared { ix, litt, wx }
    }

    /// A systematic sample of about [`SAMPLE_ROWS`] rows (see [`Indexed::sample`]) for the warm
    /// start of the optimiser; `None` on data too small to be worth it. The `litt` and `x` sums
    /// are scaled by the sample's share of the weight: they only shift the value by a constant,
    /// and scaled they keep the sample's mean log-likelihood on the full data's scale.
    fn sample(&self) -> Option<Prepared> {
        let ix = self.ix.sample(SAMPLE_ROWS)?;
        let share = ix.total / self.ix.total;
        Some(Prepared {
            ix,
            litt: self.litt * share,
            wx: self.wx * share,
        })
    }
}

/// Rows of the sample whose optimum and curvature start the optimiser on large data: the
/// sample's passes cost a few per cent of a full pass, and from its optimum with its inverse
/// Hessian L-BFGS needs a few full passes instead of crawling from a generic start.
const SAMPLE_ROWS: usize = 16_384;

/// Per-row sums of one pass (see [`objective`]).
#[derive(Default)]
struct RowSums {
    /// `Σ w (ln bracket - (r+kx) ln(alpha+T))`.
    ll: f64,
    /// Row part of `d/dr`.
    d_r: f64,
    /// Row part of `d/dalpha`.
    d_alpha: f64,
    /// `Σ w w1` (`w1`: share of the dropped-out term in the bracket).
    w1: f64,
    /// `Σ w w1 / (b+x-1)`.
    w1_b: f64,
}

/// The bracket of one row in logs and the shares its gradient needs: `(ln bracket, w1,
/// Σ_j w_j H_j, Σ_j w_j j)` with `w_j` the share of alive term `j` and `H_j = Σ_{i<j}
/// 1/(r+kx+i)`. The slow log-space path of [`terms`], for rows where the linear sums of
/// [`objective`] overflow.
fn bracket_logspace(p: &BgCnbdParams, x: f64, t_x: f64, t: f64, harm: &[f64]) -> [f64; 4] {
    let tm = terms(p, &CnbdSummary::new(x, t_x, t, 0.0));
    let w1 = (tm.s1 - tm.total).exp();
    let (mut ah, mut aj) = (0.0, 0.0);
    for (j, (&lw, &h)) in tm.s2.iter().zip(harm).enumerate() {
        let w = (lw - tm.total).exp();
        ah += w * h;
        aj += w * j as f64;
    }
    [tm.total, w1, ah, aj]
}

/// The same as [`bracket_logspace`] from the dropped-out term `ln_s1` (`-inf` at `x = 0`), the
/// time ratio `(T-t_x)/(alpha+T)` and the per-`x` tables `coef[j] = (r+kx+j-1)/j` and
/// `harm[j] = H_j` (index 0 unused): the alive terms relative to term 0 (which is 1) by `k-1`
/// multiplications instead of `k` exponentials, then one `ln`, one `exp` and one `ln_1p` to
/// combine them with the dropped-out term in log space (that term can be far outside the double
/// range). `None` when the alive terms overflow.
#[inline]
fn bracket_linear(ln_s1: f64, ratio: f64, coef: &[f64], harm: &[f64]) -> Option<[f64; 4]> {
    let (mut term, mut sum, mut sum_h, mut sum_j) = (1.0, 1.0, 0.0, 0.0);
    for j in 1..coef.len() {
        term *= coef[j] * ratio;
        sum += term;
        sum_h += term * harm[j];
        sum_j += j as f64 * term;
    }
    if !(sum.is_finite() && sum_h.is_finite() && sum_j.is_finite()) {
        return None;
    }
    let ln_sum = sum.ln();
    if ln_s1 == f64::NEG_INFINITY {
        return Some([ln_sum, 0.0, sum_h / sum, sum_j / sum]);
    }
    // ln(e^s1 + sum) = ln_sum + softplus(d); w1 = sigmoid(d).
    let d = ln_s1 - ln_sum;
    let e = (-d.abs()).exp();
    let inv = 1.0 / (1.0 + e);
    let (w1, alive) = if d > 0.0 {
        (inv, e * inv)
    } else {
        (e * inv, inv)
    };
    Some([
        ln_sum + d.max(0.0) + e.ln_1p(),
        w1,
        alive * sum_h / sum,
        alive * sum_j / sum,
    ])
}

/// Mean negative log-likelihood of all customers at log-parameters `xl` for a fixed `k`, and
/// its gradient: the weighted sum of [`log_likelihood_with_gradient`], arranged so that a pass
/// costs little per row.
///
/// Everything that depends only on `x` (the lgamma, digamma and beta terms, the ratios
/// `(r+kx+j-1)/j` of consecutive alive terms and their harmonic sums) is computed once per
/// distinct `x`, `ln(alpha+t)` and `1/(alpha+t)` once per distinct time; per row the bracket
/// needs only multiplications and three transcendental calls ([`bracket_linear`]). Rows are split into fixed chunks summed in chunk order on several threads
/// ([`map_chunks`]), so the result does not depend on the number of threads.
fn objective(prep: &Prepared, k: u32, xl: &[f64], grad: &mut [f64]) -> f64 {
    let p = BgCnbdParams::from_log(k, xl);
    if !p.is_valid() {
        grad.iter_mut().for_each(|g| *g = 0.0);
        return f64::INFINITY;
    }
    let BgCnbdParams { r, alpha, a, b, .. } = p;
    let ix = &prep.ix;
    let kf = f64::from(k);
    let ku = k as usize;
    let nx = ix.xs.len();
    let ln_a = a.ln();
    // Per distinct x: r+kx, s1 without its time part, 1/(b+x-1), and per alive term j the
    // ratio to term j-1 (without the time ratio) and H_j.
    let mut rkx = Vec::with_capacity(nx);
    let mut s1c = Vec::with_capacity(nx);
    let mut inv_bx1 = Vec::with_capacity(nx);
    let mut coef = Vec::with_capacity(nx * ku);
    let mut harm = Vec::with_capacity(nx * ku);
    for &x in &ix.xs {
        let rk = r + kf * x;
        rkx.push(rk);
        if x > 0.0 {
            s1c.push(ln_a - (b + x - 1.0).ln());
            inv_bx1.push(1.0 / (b + x - 1.0));
        } else {
            s1c.push(f64::NEG_INFINITY);
            inv_bx1.push(0.0);
        }
        let mut h = 0.0;
        coef.push(0.0);
        harm.push(0.0);
        for j in 1..k {
            let jf = f64::from(j);
            h += 1.0 / (rk + jf - 1.0);
            coef.push((rk + jf - 1.0) / jf);
            harm.push(h);
        }
    }
    // ln(1 + t/alpha) rather than ln(alpha + t), with (r + kx) ln(alpha) taken into the per-x
    // part below: no term grows with r (see `special::ln_gamma_shift_scaled`).
    let ln_t: Vec<f64> = ix.times.iter().map(|t| (t / alpha).ln_1p()).collect();
    let inv_t: Vec<f64> = ix.times.iter().map(|t| 1.0 / (alpha + t)).collect();
    let parts = map_chunks(&ix.rows, |rows| {
        let mut s = RowSums::default();
        for row in rows {
            let (xi, ti, txi) = (row.x as usize, row.t as usize, row.t_x as usize);
            let rk = rkx[xi];
            let (lt, ltx, it, itx) = (ln_t[ti], ln_t[txi], inv_t[ti], inv_t[txi]);
            let (cf, hm) = (&coef[xi * ku..(xi + 1) * ku], &harm[xi * ku..(xi + 1) * ku]);
            let ratio = (ix.times[ti] - ix.times[txi]) * it;
            let ln_s1 = s1c[xi] + rk * (lt - ltx);
            let [total, w1, alive_h, alive_j] = bracket_linear(ln_s1, ratio, cf, hm)
                .unwrap_or_else(|| {
                    bracket_logspace(&p, ix.xs[xi], ix.times[txi], ix.times[ti], hm)
                });
            let w = row.w;
            s.ll += w * (total - rk * lt);
            s.d_r += w * (w1 * (lt - ltx) + alive_h - lt);
            s.d_alpha += w * (w1 * rk * (it - itx) - rk * it - alive_j * it);
            s.w1 += w * w1;
            s.w1_b += w * w1 * inv_bx1[xi];
        }
        s
    });
    let mut rs = RowSums::default();
    for q in parts {
        rs.ll += q.ll;
        rs.d_r += q.d_r;
        rs.d_alpha += q.d_alpha;
        rs.w1 += q.w1;
        rs.w1_b += q.w1_b;
    }
    // Terms that depend on x only, weighted by the customers with that x.
    let mut ll = rs.ll + (kf - 1.0) * prep.litt - ln_gamma(kf) * prep.wx;
    let mut d_r = rs.d_r;
    let d_alpha = rs.d_alpha + ix.total * r / alpha;
    let mut d_a = rs.w1 / a;
    let mut d_b = -rs.w1_b;
    for (&x, &w) in ix.xs.iter().zip(&ix.x_weight) {
        ll += w * (ln_beta_shift(a, b, x) + ln_gamma_shift_scaled(r, kf * x, alpha));
        d_r += w * digamma_shift(r, kf * x);
        let dab = -digamma_shift(a + b, x);
        d_a += w * dab;
        d_b += w * (dab + digamma_shift(b, x));
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

/// Result of the fit for one `k`.
struct KFit {
    /// Optimum in log space.
    x: Vec<f64>,
    /// Total log-likelihood.
    ll: f64,
    iterations: u64,
    method: &'static str,
    std_errors: Option<Vec<f64>>,
    evaluations: u64,
    at_boundary: bool,
    budget_used: bool,
}

/// Start of the optimiser for `k`, in log space: r = 1 with the observed purchase rate
/// (lambda/k per time unit, so alpha = r / E[lambda] = T / (k x) on average) and a = b = 1
/// (uniform dropout).
///
/// Why not a better start (measured with `examples/cnbd_bench.rs`, 100 k simulated customers,
/// k = 1, 3, 6, with and without dropout): r and alpha from moments of the per-customer rates
/// and b from the share of customers that look dead saved at most a tenth of the iterations,
/// and where nobody drops out it put the start near the edge (b large), where L-BFGS stalled
/// and the Nelder-Mead fallback took ~100 000 passes. Starting k+1 at the optimum of k (alpha
/// scaled by k/(k+1)) saved passes only without dropout and there ended one fit at a
/// log-likelihood 276 lower. The neutral start is as fast elsewhere and never stalled.
fn start(prep: &Prepared, k: u32) -> [f64; 4] {
    let st: f64 = prep
        .ix
        .rows
        .iter()
        .map(|row| row.w * prep.ix.times[row.t as usize])
        .sum();
    let alpha0 = (st.max(1e-6) / (f64::from(k) * prep.wx.max(1e-6))).clamp(1e-6, 1e6);
    [0.0, alpha0.ln(), 0.0, 0.0]
}

/// Maximum likelihood for a fixed `k` from `x0` (log-parameters); on large data via a fit on a
/// sample first ([`Prepared::sample`]).
fn fit_k(prep: &Prepared, k: u32, x0: &[f64], opts: &FitOptions) -> Result<KFit, FitError> {
    let sample = prep.sample();
    let res = fit_objective_sampled(
        |x: &[f64], g: &mut [f64]| objective(prep, k, x, g),
        sample
            .as_ref()
            .map(|s| move |x: &[f64], g: &mut [f64]| objective(s, k, x, g)),
        prep.ix.total,
        x0,
        opts,
    )?;
    Ok(KFit {
        x: res.x,
        ll: res.log_likelihood,
        iterations: res.iterations,
        method: res.method,
        std_errors: res.std_errors,
        evaluations: res.evaluations,
        at_boundary: res.at_boundary,
        budget_used: res.budget_used,
    })
}

/// `ln a` of the full model's point that stands for "nobody leaves": a dropout probability
/// of about 4e-18 a purchase. There the likelihood equals its `a = 0` limit to ~1e-17: the
/// dropout's beta terms vanish like `a`.
const EDGE_LN_A: f64 = -40.0;

/// The full model's log-parameters at the no-dropout edge, from the mean phase rate
/// `m = r / alpha` and the shape `r`.
fn edge_point(ln_m: f64, ln_r: f64) -> [f64; 4] {
    [ln_r, ln_r - ln_m, EDGE_LN_A, 0.0]
}

/// The no-dropout limit of BG/CNBD-k for `k > 1`: a gamma mixture of Erlang-k renewal
/// processes, the full likelihood at `a = 0` (the dropout's terms vanish; the `Σ_j` alive terms
/// stay). Fitted where it is finite, in the mean phase rate and the shape `(ln m, ln r)`: along
/// `(ln r, ln alpha)` the ridge towards its own limit (every customer at the same rate, `r -> inf`
/// with `m` fixed) is diagonal and L-BFGS crawls; in `(ln m, ln r)` the likelihood flattens in
/// `ln r` alone and the optimiser stops. That same-rate limit is fitted too (in `ln m` alone) and
/// taken unless the mixture beats it by [`crate::no_dropout::EDGE_LOG_LIKELIHOOD`].
///
/// Returns the full model's log-parameters there, the total log-likelihood and the passes.
fn limit_k(prep: &Prepared, k: u32, opts: &FitOptions) -> Option<([f64; 4], f64, u64)> {
    let total = prep.ix.total;
    let [_, ln_alpha0, _, _] = start(prep, k);
    // The start's r = 1: mean phase rate 1 / alpha.
    let ln_m0 = -ln_alpha0;
    let same_ln_r = crate::no_dropout::SAME_RATE_R.ln();
    let usable =
        |o: &crate::optim::Optimum| o.value.is_finite() && o.x.iter().all(|v| v.is_finite());
    let mixed = crate::optim::minimize(
        |y: &[f64], g: &mut [f64]| {
            let mut gf = [0.0; 4];
            let v = objective(prep, k, &edge_point(y[0], y[1]), &mut gf);
            // ln r = y1, ln alpha = y1 - y0.
            g[0] = -gf[1];
            g[1] = gf[0] + gf[1];
            v
        },
        &[ln_m0, 0.0],
        opts,
    )
    .ok()
    .filter(usable);
    let same = crate::optim::minimize(
        |y: &[f64], g: &mut [f64]| {
            let mut gf = [0.0; 4];
            let v = objective(prep, k, &edge_point(y[0], same_ln_r), &mut gf);
            g[0] = -gf[1];
            v
        },
        &[ln_m0],
        opts,
    )
    .ok()
    .filter(usable);
    let passes = mixed.as_ref().map_or(0, |o| o.passes) + same.as_ref().map_or(0, |o| o.passes);
    let ll = |o: &crate::optim::Optimum| -o.value * total;
    let (point, ll) = match (mixed, same) {
        (Some(m), Some(s)) if !crate::no_dropout::prefer_limit(ll(&m), ll(&s)) => {
            (edge_point(m.x[0], m.x[1]), ll(&m))
        }
        (_, Some(s)) => (edge_point(s.x[0], same_ln_r), ll(&s)),
        (Some(m), None) => (edge_point(m.x[0], m.x[1]), ll(&m)),
        (None, None) => return None,
    };
    Some((point, ll, passes))
}

/// For `k > 1`: the fit for `k` (or why it failed) brought to the no-dropout edge where the
/// data put it there, as [`crate::no_dropout::settle`] does for the other models: the limit
/// ([`limit_k`]) is taken when the full model gains no more than
/// [`crate::no_dropout::EDGE_LOG_LIKELIHOOD`] over it, or when the full fit did not converge.
/// Predictions then come from the full model at the edge point (`a = e^-40`), where they are
/// the limit's.
fn settle_edge(
    prep: &Prepared,
    k: u32,
    full: Result<KFit, FitError>,
    opts: &FitOptions,
) -> Result<KFit, FitError> {
    let interior = |f: &KFit| {
        let p = BgCnbdParams::from_log(k, &f.x);
        !f.at_boundary && !f.budget_used && p.a / (p.a + p.b) >= 1e-3
    };
    match &full {
        _ if k == 1 => return full,
        // An optimum that converged inside, with customers leaving, is no edge: the limit
        // would lose by far more than the threshold, and fitting it would cost passes.
        Ok(f) if interior(f) => return full,
        Err(FitError::NotConverged { .. } | FitError::NonFinite { .. }) | Ok(_) => {}
        Err(_) => return full,
    }
    let Some((x, ll, passes)) = limit_k(prep, k, opts) else {
        return full;
    };
    let edge = |f: KFit, method: &'static str| KFit {
        x: x.to_vec(),
        ll,
        std_errors: None,
        at_boundary: true,
        method,
        evaluations: f.evaluations + passes,
        ..f
    };
    match full {
        Ok(f) if crate::no_dropout::prefer_limit(f.ll, ll) => Ok(edge(f, "no-dropout limit")),
        Ok(f) => Ok(f),
        Err(e) if ll.is_finite() => {
            let iterations = match e {
                FitError::NotConverged { iterations, .. } => iterations,
                _ => 0,
            };
            let failed = KFit {
                x: Vec::new(),
                ll: f64::NAN,
                iterations,
                method: "",
                std_errors: None,
                evaluations: 0,
                at_boundary: true,
                budget_used: false,
            };
            Ok(edge(failed, "no-dropout limit (the full fit failed)"))
        }
        Err(e) => Err(e),
    }
}

/// For `k = 1`, where BG/CNBD-k is MBG/NBD, the fit brought to the no-dropout edge as the
/// other models are ([`crate::no_dropout::settle`]). Larger `k` have their own limit
/// ([`settle_edge`]).
fn settle_k1(
    data: &[CnbdSummary],
    k: u32,
    kfit: KFit,
    opts: &FitOptions,
) -> Result<(KFit, Option<crate::no_dropout::NoDropoutFit>), FitError> {
    if k != 1 {
        return Ok((kfit, None));
    }
    let summaries: Vec<crate::Summary> = data
        .iter()
        .map(|c| crate::Summary {
            x: c.x,
            t_x: c.t_x,
            t: c.t,
            weight: c.weight,
        })
        .collect();
    let full = crate::optim::SummaryFit {
        x: kfit.x,
        log_likelihood: kfit.ll,
        std_errors: kfit.std_errors,
        iterations: kfit.iterations,
        method: kfit.method,
        customers: 0.0,
        evaluations: kfit.evaluations,
        at_boundary: kfit.at_boundary,
        budget_used: kfit.budget_used,
    };
    let (f, limit) = crate::no_dropout::settle(&summaries, opts, Ok(full), |l| {
        let [ln_r, ln_alpha] = crate::no_dropout::rate_point(l);
        vec![ln_r, ln_alpha, -40.0, 0.0]
    })?;
    Ok((
        KFit {
            x: f.x,
            ll: f.log_likelihood,
            iterations: f.iterations,
            method: f.method,
            std_errors: f.std_errors,
            evaluations: f.evaluations,
            at_boundary: f.at_boundary,
            budget_used: f.budget_used,
        },
        limit,
    ))
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
    let prep = Prepared::new(data);
    let mut best: Option<(u32, KFit, Option<crate::no_dropout::NoDropoutFit>)> = None;
    let mut by_k = Vec::new();
    let (mut iterations, mut evaluations) = (0, 0);
    for kk in ks {
        // Every k brought to its edge before the comparison, so that a fit stopped short on
        // the ridge towards its limit is not compared with another k's limit.
        let settled = settle_edge(&prep, kk, fit_k(&prep, kk, &start(&prep, kk), opts), opts)
            .and_then(|f| settle_k1(data, kk, f, opts));
        let (kfit, limit) = match settled {
            Ok(v) => v,
            // A failing larger k ends the search; the best smaller k stands.
            Err(e) => match best {
                Some(_) => break,
                None => return Err(e),
            },
        };
        iterations += kfit.iterations;
        evaluations += kfit.evaluations;
        by_k.push((kk, kfit.ll));
        match &best {
            Some((_, b, _)) if kfit.ll <= b.ll => break,
            _ => best = Some((kk, kfit, limit)),
        }
    }
    let (kk, kfit, limit) = best.ok_or(FitError::NoData)?;
    Ok(BgCnbdFit {
        params: BgCnbdParams::from_log(kk, &kfit.x),
        log_likelihood: kfit.ll,
        std_errors: kfit.std_errors,
        iterations,
        method: kfit.method,
        evaluations,
        customers: total,
        log_likelihood_by_k: by_k,
        at_boundary: kfit.at_boundary,
        budget_used: kfit.budget_used,
        limit,
    })
}

/// Maximum likelihood fit for the fixed `k = start.k`, with the optimiser started at `start`'s
/// `r, alpha, a, b` instead of the default start of [`fit`]: a warm start, e.g. from a fit on a
/// sample of the same customers, which needs fewer passes over all of them. The optimum is the
/// same as that of `fit(data, Some(start.k), opts)` (the likelihood is unimodal in practice;
/// the start only changes the path).
pub fn fit_from(
    data: &[CnbdSummary],
    start: &BgCnbdParams,
    opts: &FitOptions,
) -> Result<BgCnbdFit, FitError> {
    let total = validate(data)?;
    if !start.is_valid() {
        return Err(FitError::InvalidInput {
            what: "start parameters not positive and finite, or k = 0",
        });
    }
    let prep = Prepared::new(data);
    let x0 = [start.r.ln(), start.alpha.ln(), start.a.ln(), start.b.ln()];
    let kfit = settle_edge(&prep, start.k, fit_k(&prep, start.k, &x0, opts), opts)?;
    let (kfit, limit) = settle_k1(data, start.k, kfit, opts)?;
    Ok(BgCnbdFit {
        params: BgCnbdParams::from_log(start.k, &kfit.x),
        log_likelihood: kfit.ll,
        std_errors: kfit.std_errors,
        iterations: kfit.iterations,
        method: kfit.method,
        evaluations: kfit.evaluations,
        customers: total,
        log_likelihood_by_k: vec![(start.k, kfit.ll)],
        at_boundary: kfit.at_boundary,
        budget_used: kfit.budget_used,
        limit,
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

    /// Random customers with repeated histories (from the shared generator of the indexed
    /// passes) and a `litt` that differs between customers of the same history.
    fn random_customers(n: usize, seed: u64) -> Vec<CnbdSummary> {
        crate::indexed::tests_support::random_summaries(n, seed)
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                // Any value with a spread works: litt only enters as a constant per k.
                let litt = if s.x > 0.0 {
                    s.x * (s.t_x / s.x).max(1e-3).ln() - 0.1 * (i % 7) as f64
                } else {
                    0.0
                };
                CnbdSummary {
                    x: s.x,
                    t_x: s.t_x,
                    t: s.t,
                    litt,
                    weight: s.weight,
                }
            })
            .collect()
    }

    /// The pass of the fits equals the plain weighted sum of per-customer log-likelihoods and
    /// gradients to 1e-12 relative (only the order of additions differs), for several `k`, on
    /// one thread and on several, and its gradient matches finite differences of itself.
    #[test]
    fn pass_equals_per_customer_sum() {
        use crate::indexed::tests_support::assert_close;
        // 60k rows: above the threshold where the pass runs on several threads.
        for (n, seed) in [(500, 5), (60_000, 17)] {
            let data = random_customers(n, seed);
            let prep = Prepared::new(&data);
            assert!(prep.ix.rows.len() < n, "equal histories are merged");
            for k in [1, 2, 3, 7, 12] {
                for p in [
                    BgCnbdParams { k, ..P },
                    BgCnbdParams {
                        k,
                        r: 0.05,
                        alpha: 0.4,
                        a: 40.0,
                        b: 0.3,
                    },
                    BgCnbdParams {
                        k,
                        r: 30.0,
                        alpha: 90.0,
                        a: 0.02,
                        b: 500.0,
                    },
                    // Alive terms beyond the double range for k > 8: the log-space fallback.
                    BgCnbdParams {
                        k,
                        r: 1e40,
                        alpha: 1.0,
                        a: 2.0,
                        b: 3.0,
                    },
                ] {
                    let xl = [p.r.ln(), p.alpha.ln(), p.a.ln(), p.b.ln()];
                    let mut g = [0.0; 4];
                    let v = objective(&prep, k, &xl, &mut g);
                    let (mut want, mut want_g, mut abs_g) = (0.0, [0.0; 4], [0.0; 4]);
                    for c in &data {
                        let (l, gi) = log_likelihood_with_gradient(&p, c);
                        want -= c.weight * l / prep.ix.total;
                        for i in 0..4 {
                            want_g[i] -= c.weight * gi[i] / prep.ix.total;
                            abs_g[i] += (c.weight * gi[i] / prep.ix.total).abs();
                        }
                    }
                    assert_close(v, want, want, 1e-12, "value");
                    for i in 0..4 {
                        assert_close(g[i], want_g[i], abs_g[i], 1e-12, "gradient");
                    }
                }
                let p = BgCnbdParams { k, ..P };
                check_gradient(
                    |x: &[f64]| {
                        let mut g = [0.0; 4];
                        let v = objective(&prep, k, x, &mut g);
                        (v, g.to_vec())
                    },
                    &[p.r.ln(), p.alpha.ln(), p.a.ln(), p.b.ln()],
                );
            }
        }
    }

    /// The log-space fallback of the pass (for rows whose alive terms overflow in linear space)
    /// gives the same bracket and shares as the linear path where both work.
    #[test]
    fn logspace_bracket_matches_linear() {
        for c in random_customers(300, 23) {
            for k in [1, 4, 12] {
                let p = BgCnbdParams { k, ..P };
                let rk = p.r + f64::from(k) * c.x;
                let (mut coef, mut harm) = (vec![0.0], vec![0.0]);
                for j in 1..k {
                    let jf = f64::from(j);
                    coef.push((rk + jf - 1.0) / jf);
                    harm.push(harm[j as usize - 1] + 1.0 / (rk + jf - 1.0));
                }
                let ln_s1 = if c.x > 0.0 {
                    p.a.ln() - (p.b + c.x - 1.0).ln()
                        + rk * ((p.alpha + c.t).ln() - (p.alpha + c.t_x).ln())
                } else {
                    f64::NEG_INFINITY
                };
                let ratio = (c.t - c.t_x) / (p.alpha + c.t);
                let lin = bracket_linear(ln_s1, ratio, &coef, &harm).expect("no overflow here");
                let log = bracket_logspace(&p, c.x, c.t_x, c.t, &harm);
                for (u, v) in lin.iter().zip(&log) {
                    assert!(
                        (u - v).abs() <= 1e-12 * (1.0 + v.abs()),
                        "{lin:?} vs {log:?}"
                    );
                }
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

    /// At the edge point (`a = e^-40`) the indexed pass is the no-dropout limit: a gamma
    /// mixture of Erlang-k renewals, written out independently here (the `j`-th term: `j` of
    /// the `k` phases of the open gap done), and for `r = 1e8` the renewal with one rate for
    /// everyone (`lambda = m`), whose likelihood needs no gamma function.
    #[test]
    fn the_edge_point_is_the_erlang_renewal_limit() {
        let customers = [
            CnbdSummary::new(0.0, 0.0, 40.0, 0.0),
            CnbdSummary::new(1.0, 9.0, 40.0, 9f64.ln()),
            CnbdSummary::new(5.0, 31.0, 52.0, 5.0 * 6.2f64.ln() - 0.3),
            CnbdSummary::new(12.0, 70.0, 78.0, 12.0 * 5.8f64.ln() - 0.1),
        ];
        let prep = Prepared::new(&customers);
        let n = customers.len() as f64;
        let ln_fact = |j: u32| ln_gamma(f64::from(j) + 1.0);
        for k in [2u32, 3, 5] {
            let kf = f64::from(k);
            let constant = |c: &CnbdSummary| (kf - 1.0) * c.litt - c.x * ln_fact(k - 1);
            // A spread of rates: r = 2.5, m = 0.5.
            let (r, m) = (2.5f64, 0.5f64);
            let alpha = r / m;
            let mixed: f64 = customers
                .iter()
                .map(|c| {
                    let terms: Vec<f64> = (0..k)
                        .map(|j| {
                            let n_ev = kf * c.x + f64::from(j);
                            f64::from(j) * (c.t - c.t_x).ln() - ln_fact(j) + ln_gamma(r + n_ev)
                                - ln_gamma(r)
                                + r * alpha.ln()
                                - (r + n_ev) * (alpha + c.t).ln()
                        })
                        .map(|v| if v.is_nan() { f64::NEG_INFINITY } else { v })
                        .collect();
                    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    constant(c) + top + terms.iter().map(|v| (v - top).exp()).sum::<f64>().ln()
                })
                .sum();
            let mut g = [0.0; 4];
            let ours = -objective(&prep, k, &edge_point(m.ln(), r.ln()), &mut g) * n;
            assert!(
                (ours - mixed).abs() <= 1e-9 * mixed.abs(),
                "k = {k}: {ours} vs {mixed}"
            );
            // One rate for everyone.
            let lambda = 0.5f64;
            let renewal: f64 = customers
                .iter()
                .map(|c| {
                    let u = lambda * (c.t - c.t_x);
                    let open: f64 = (0..k)
                        .map(|j| (f64::from(j) * u.ln() - ln_fact(j)).exp())
                        .map(|v| if v.is_nan() { 1.0 } else { v })
                        .sum();
                    constant(c) + kf * c.x * lambda.ln() - lambda * c.t + open.ln()
                })
                .sum();
            let ours = -objective(
                &prep,
                k,
                &edge_point(lambda.ln(), crate::no_dropout::SAME_RATE_R.ln()),
                &mut g,
            ) * n;
            assert!(
                (ours - renewal).abs() <= 1e-5,
                "k = {k}: {ours} vs {renewal}"
            );
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
