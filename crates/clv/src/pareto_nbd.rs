//! Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), in the integral-free form of
//! Fader & Hardie's note "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005).
//!
//! While alive, a customer buys as a Poisson process with rate `lambda ~ Gamma(r, alpha)`; the
//! lifetime is exponential with rate `mu ~ Gamma(s, beta)`. The likelihood of `(x, t_x, T)` is
//!
//! ```text
//! L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^-(r+x) (β+T)^-s  +  s ∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ ]
//! ```
//!
//! and the integral is `(1/a) [F(z(t_x)) / (m+t_x)^a - F(z(T)) / (m+T)^a]` with `a = r+s+x`,
//! `m = max(α, β)`, `z(t) = |α-β| / (m+t)` in [0, 1) and `F = 2F1(a, b; a+1; z)`, `b = s+1` when
//! `α >= β`, else `b = r+x`. Choosing the larger of α, β keeps `z` in [0, 1) (no divergent
//! series), 1-z is computed as `(min(α,β)+t)/(m+t)` rather than by subtraction, and the 2F1 comes
//! from the crate's own Gauss hypergeometric function (`hyp2f1`), which stays accurate up to
//! z -> 1. Everything is combined in log space, so the likelihood never overflows or becomes NaN
//! for positive finite inputs.
//!
//! The gradient is analytic: the derivatives of ln 2F1 w.r.t. its parameters come from the same
//! series or quadrature (term by term), see the `hyp2f1` module.

use crate::hyp2f1::{ln_hyp2f1_pnbd, LnHyp};
use crate::indexed::{map_chunks, map_chunks_sized, Indexed};
use crate::optim::{fit_objective_sampled, FitOptions};
use crate::special::{digamma, ln_gamma};
use crate::{FitError, Summary};
use serde::Serialize;

/// Parameters of the Pareto/NBD model (all positive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParetoNbdParams {
    /// Shape of the purchase-rate gamma distribution.
    pub r: f64,
    /// Rate parameter of the purchase-rate gamma distribution, in time units.
    pub alpha: f64,
    /// Shape of the dropout-rate gamma distribution.
    pub s: f64,
    /// Rate parameter of the dropout-rate gamma distribution, in time units.
    pub beta: f64,
}

/// Result of [`fit`].
#[derive(Debug, Clone, Serialize)]
pub struct ParetoNbdFit {
    /// Maximum likelihood estimates.
    pub params: ParetoNbdParams,
    /// Total (weighted) log-likelihood at the estimates.
    pub log_likelihood: f64,
    /// Standard errors of `r, alpha, s, beta`; `None` when the Hessian is not positive definite.
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

/// The parts of the likelihood that the predictions reuse.
struct Parts {
    /// ln of the "alive at T" term in the bracket.
    e1: f64,
    /// ln of the bracket (alive term plus the integral term).
    ln_bracket: f64,
}

impl ParetoNbdParams {
    fn from_log(x: &[f64]) -> Self {
        ParetoNbdParams {
            r: x[0].exp(),
            alpha: x[1].exp(),
            s: x[2].exp(),
            beta: x[3].exp(),
        }
    }

    /// Probability that the customer is still alive at `T`: the alive term of the bracket over
    /// the whole bracket (Fader & Hardie 2005 note, eq. 18). In [0, 1]; 0 for invalid inputs.
    pub fn p_alive(&self, s: &Summary) -> f64 {
        match ll_parts(self, s, None) {
            Some((_, parts)) => (parts.e1 - parts.ln_bracket).exp().clamp(0.0, 1.0),
            None => 0.0,
        }
    }

    /// Conditional expected number of transactions in `(T, T + horizon]` (Schmittlein et al.
    /// 1987; Fader & Hardie 2005 note, eq. 22):
    /// `P(alive) · (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+horizon))^(s-1)]`,
    /// evaluated with `expm1` so that `s` near 1 (where the bracket over `s-1` tends to a
    /// logarithm) loses no accuracy. Finite and non-negative; 0 for invalid inputs.
    pub fn expected_transactions(&self, s: &Summary, horizon: f64) -> f64 {
        if horizon <= 0.0 || !horizon.is_finite() {
            return 0.0;
        }
        self.expected_transactions_with(s, horizon, self.p_alive(s))
    }

    /// [`ParetoNbdParams::expected_transactions`] with the customer's `p_alive` already known:
    /// the probability needs two Gauss hypergeometric functions, the rest is closed form, so a
    /// forecast over many horizons computes it once.
    pub fn expected_transactions_with(&self, s: &Summary, horizon: f64, p_alive: f64) -> f64 {
        if horizon <= 0.0 || !horizon.is_finite() {
            return 0.0;
        }
        let pa = p_alive;
        let ParetoNbdParams {
            r,
            alpha,
            s: sh,
            beta,
        } = *self;
        let ln_ratio = -(horizon / (beta + s.t)).ln_1p();
        let ln_e = (r + s.x).ln() + (beta + s.t).ln() - (alpha + s.t).ln()
            + ln_one_minus_pow_over(sh - 1.0, ln_ratio);
        finite_non_negative(pa * ln_e.exp())
    }

    /// Expected number of transactions in `(0, t]` of a customer who just made the first
    /// purchase: `r β / (α (s-1)) · [1 - (β/(β+t))^(s-1)]` (Fader & Hardie 2005 note, eq. 17).
    pub fn expected_transactions_new(&self, t: f64) -> f64 {
        if t <= 0.0 || !t.is_finite() {
            return 0.0;
        }
        let ParetoNbdParams { r, alpha, s, beta } = *self;
        let ln_ratio = -(t / beta).ln_1p();
        let ln_e = r.ln() + beta.ln() - alpha.ln() + ln_one_minus_pow_over(s - 1.0, ln_ratio);
        finite_non_negative(ln_e.exp())
    }
}

/// `ln( (1 - exp(d * l)) / d )` for `l < 0`, continuous at `d = 0` (where it is `ln(-l)`).
fn ln_one_minus_pow_over(d: f64, l: f64) -> f64 {
    let x = d * l;
    if x.abs() < 1e-8 {
        // (1 - e^x)/d = -l (1 + x/2 + x^2/6 + ...); the x^2 term is below rounding here.
        (-l).ln() + (0.5 * x).ln_1p()
    } else if x > 700.0 {
        // e^x dominates: (e^x - 1)/(-d) with -d > 0; avoids overflow of expm1.
        x + (1.0 - (-x).exp()).ln() - (-d).ln()
    } else {
        (-(x.exp_m1()) / d).ln()
    }
}

/// Clamps a prediction into [0, f64::MAX] (it is infinite only for absurd horizons).
fn finite_non_negative(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(0.0, f64::MAX)
    }
}

/// [`ParetoNbdParams::p_alive`] of every customer of `data`, in the same order and with the
/// same values. A customer's two hypergeometric endpoint terms depend only on `(x, t_x)` and
/// `(x, T)`; here each is computed once per distinct pair, on all cores. On B2B data, where
/// the fit runs to "nobody leaves" and every endpoint needs the slow near-`z = 1` branch, this
/// turns minutes into seconds.
pub fn p_alive_all(params: &ParetoNbdParams, data: &[Summary]) -> Vec<f64> {
    let mut index: std::collections::HashMap<(u64, u64), u32> = std::collections::HashMap::new();
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    let mut id = |x: f64, t: f64| {
        *index.entry((x.to_bits(), t.to_bits())).or_insert_with(|| {
            pairs.push((x, t));
            (pairs.len() - 1) as u32
        })
    };
    let per_customer: Vec<[u32; 2]> = data
        .iter()
        .map(|s| [id(s.x, s.t_x), id(s.x, s.t)])
        .collect();
    let ends: Vec<Option<(f64, [f64; 4])>> =
        map_chunks_sized(&pairs, PAIR_CHUNK, 4 * PAIR_CHUNK, |c| {
            c.iter()
                .map(|&(x, t)| endpoint(params, x, t))
                .collect::<Vec<_>>()
        })
        .concat();
    let idx: Vec<usize> = (0..data.len()).collect();
    map_chunks(&idx, |chunk| {
        chunk
            .iter()
            .map(|&i| {
                let sm = &data[i];
                let valid = [params.r, params.alpha, params.s, params.beta]
                    .iter()
                    .all(|v| v.is_finite() && *v > 0.0)
                    && sm.is_valid();
                let [a, b] = per_customer[i];
                let parts = match (valid, ends[a as usize], ends[b as usize]) {
                    (true, Some(e1), Some(e2)) => ll_core(
                        params,
                        sm.x,
                        &XTerms::new(params, sm.x),
                        &TTerms::new(params, sm.t),
                        e1,
                        e2,
                        None,
                    ),
                    _ => None,
                };
                parts.map_or(0.0, |(_, p)| (p.e1 - p.ln_bracket).exp().clamp(0.0, 1.0))
            })
            .collect::<Vec<f64>>()
    })
    .concat()
}

/// Log-likelihood of one customer (weight ignored); `-inf` for invalid inputs.
pub fn log_likelihood(params: &ParetoNbdParams, s: &Summary) -> f64 {
    ll_parts(params, s, None).map_or(f64::NEG_INFINITY, |(v, _)| v)
}

/// Log-likelihood of one customer and its gradient w.r.t. `(ln r, ln alpha, ln s, ln beta)`.
pub fn log_likelihood_with_gradient(params: &ParetoNbdParams, s: &Summary) -> (f64, [f64; 4]) {
    let mut g = [0.0; 4];
    match ll_parts(params, s, Some(&mut g)) {
        Some((v, _)) => (v, g),
        None => (f64::NEG_INFINITY, [0.0; 4]),
    }
}

/// ln of one integral endpoint term, `ln F(a, b; a+1; z(t)) - a ln(m + t)`, and its derivatives
/// w.r.t. `(r, alpha, s, beta)` (natural parameters).
fn endpoint(p: &ParetoNbdParams, x: f64, t: f64) -> Option<(f64, [f64; 4])> {
    let ParetoNbdParams { r, alpha, s, beta } = *p;
    let a = r + s + x;
    if alpha >= beta {
        let (m, eps) = (alpha + t, (beta + t) / (alpha + t));
        let z = (alpha - beta) / m;
        let LnHyp {
            value,
            d_a,
            d_b,
            d_z,
        } = ln_hyp2f1_pnbd(a, s + 1.0, z, eps)?;
        let ln_m = m.ln();
        Some((
            value - a * ln_m,
            [
                d_a - ln_m,
                d_z * eps / m - a / m,
                d_a + d_b - ln_m,
                -d_z / m,
            ],
        ))
    } else {
        let (m, eps) = (beta + t, (alpha + t) / (beta + t));
        let z = (beta - alpha) / m;
        let LnHyp {
            value,
            d_a,
            d_b,
            d_z,
        } = ln_hyp2f1_pnbd(a, r + x, z, eps)?;
        let ln_m = m.ln();
        Some((
            value - a * ln_m,
            [
                d_a + d_b - ln_m,
                -d_z / m,
                d_a - ln_m,
                d_z * eps / m - a / m,
            ],
        ))
    }
}

/// The log-likelihood, its parts and (optionally) its gradient w.r.t. the log-parameters.
/// `None` for invalid inputs (non-positive or non-finite parameters, invalid summary).
fn ll_parts(
    p: &ParetoNbdParams,
    sm: &Summary,
    grad: Option<&mut [f64; 4]>,
) -> Option<(f64, Parts)> {
    let ParetoNbdParams { r, alpha, s, beta } = *p;
    let params_ok = [r, alpha, s, beta]
        .iter()
        .all(|v| v.is_finite() && *v > 0.0);
    if !params_ok || !sm.is_valid() {
        return None;
    }
    let (x, t_x, t) = (sm.x, sm.t_x, sm.t);
    let xt = XTerms::new(p, x);
    let tt = TTerms::new(p, t);
    let ep1 = endpoint(p, x, t_x)?;
    let ep2 = endpoint(p, x, t)?;
    ll_core(p, x, &xt, &tt, ep1, ep2, grad)
}

/// What [`ll_core`] needs that depends only on `x` (shared by all customers with that `x`).
#[derive(Debug, Clone, Copy)]
struct XTerms {
    /// `ln Γ(r+x) - ln Γ(r) + r ln α + s ln β`.
    ln_pre: f64,
    /// Its derivative w.r.t. `r`: `ψ(r+x) - ψ(r) + ln α`.
    d_pre_r: f64,
    /// `ln s - ln(r+s+x)`.
    ls: f64,
}

impl XTerms {
    fn new(p: &ParetoNbdParams, x: f64) -> Self {
        let ParetoNbdParams { r, alpha, s, beta } = *p;
        XTerms {
            ln_pre: ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln(),
            d_pre_r: digamma(r + x) - digamma(r) + alpha.ln(),
            ls: s.ln() - (r + s + x).ln(),
        }
    }
}

/// What [`ll_core`] needs that depends only on `T`.
#[derive(Debug, Clone, Copy)]
struct TTerms {
    /// `ln(α+T)`.
    ln_a: f64,
    /// `ln(β+T)`.
    ln_b: f64,
    /// `1/(α+T)`.
    inv_a: f64,
    /// `1/(β+T)`.
    inv_b: f64,
}

impl TTerms {
    fn new(p: &ParetoNbdParams, t: f64) -> Self {
        TTerms {
            ln_a: (p.alpha + t).ln(),
            ln_b: (p.beta + t).ln(),
            inv_a: 1.0 / (p.alpha + t),
            inv_b: 1.0 / (p.beta + t),
        }
    }
}

/// The log-likelihood from its `x`-, `T`- and endpoint parts (see [`ll_parts`]); the fit's pass
/// computes those parts once per distinct `x`, `T` and `(x, t)` and combines them here per row.
fn ll_core(
    p: &ParetoNbdParams,
    x: f64,
    xt: &XTerms,
    tt: &TTerms,
    (l1, dl1): (f64, [f64; 4]),
    (l2, dl2): (f64, [f64; 4]),
    grad: Option<&mut [f64; 4]>,
) -> Option<(f64, Parts)> {
    let ParetoNbdParams { r, alpha, s, beta } = *p;
    let a = r + s + x;
    let ln_pre = xt.ln_pre;
    let e1 = -(r + x) * tt.ln_a - s * tt.ln_b;
    // The integral term (s/a)[e^{l1} - e^{l2}], as u_i = ln(s/a) + l_i.
    let ls = xt.ls;
    let (u1, u2) = (ls + l1, ls + l2);
    let m = e1.max(u1);
    let w1 = (e1 - m).exp();
    // e^{u1-M} - e^{u2-M} without cancellation; mathematically >= 0 since t_x <= T, so rounding
    // below 0 (t_x within rounding of T) means the integral is 0.
    let (k1, k2) = if u2 < u1 {
        ((u1 - m).exp(), (u2 - m).exp())
    } else {
        (0.0, 0.0)
    };
    let k = if u2 < u1 {
        k1 * -(u2 - u1).exp_m1()
    } else {
        0.0
    };
    let bracket = w1 + k;
    if bracket <= 0.0 || !bracket.is_finite() {
        return None;
    }
    let ln_bracket = m + bracket.ln();
    let value = ln_pre + ln_bracket;
    if !value.is_finite() {
        return None;
    }
    if let Some(g) = grad {
        let de1 = [-tt.ln_a, -(r + x) * tt.inv_a, -tt.ln_b, -s * tt.inv_b];
        let dls = [-1.0 / a, 0.0, 1.0 / s - 1.0 / a, 0.0];
        let dpre = [xt.d_pre_r, r / alpha, beta.ln(), s / beta];
        let theta = [r, alpha, s, beta];
        for i in 0..4 {
            let d_int = k1 * (dls[i] + dl1[i]) - k2 * (dls[i] + dl2[i]);
            let d = dpre[i] + (w1 * de1[i] + d_int) / bracket;
            // Chain rule to log-parameters.
            g[i] = d * theta[i];
        }
        if !g.iter().all(|v| v.is_finite()) {
            return None;
        }
    }
    Some((value, Parts { e1, ln_bracket }))
}

/// One row of [`ParetoIndex`]: table indices and weight.
#[derive(Debug, Clone, Copy)]
struct PRow {
    x: u32,
    t: u32,
    /// Index of the `(x, t_x)` endpoint.
    e1: u32,
    /// Index of the `(x, T)` endpoint.
    e2: u32,
    w: f64,
}

/// Summaries laid out for the fit's pass: per pass the `x` terms, the time terms and the
/// hypergeometric endpoint terms are computed once per distinct `x`, time and `(x, t)` pair
/// (on 1 M CDNOW-like customers: 265 k distinct rows but 14 k pairs), then combined per row.
struct ParetoIndex {
    xs: Vec<f64>,
    times: Vec<f64>,
    pairs: Vec<(u32, u32)>,
    rows: Vec<PRow>,
    total: f64,
}

/// Endpoint pairs per chunk: each is a 2F1 of a few hundred ns to tens of µs.
const PAIR_CHUNK: usize = 64;

impl ParetoIndex {
    #[cfg(test)]
    fn new(data: &[Summary]) -> Self {
        Self::from_indexed(Indexed::new(data))
    }

    fn from_indexed(ix: Indexed) -> Self {
        let (pairs, per_row) = ix.pairs();
        let rows = ix
            .rows
            .iter()
            .zip(&per_row)
            .map(|(r, e)| PRow {
                x: r.x,
                t: r.t,
                e1: e[0],
                e2: e[1],
                w: r.w,
            })
            .collect();
        ParetoIndex {
            xs: ix.xs,
            times: ix.times,
            pairs,
            rows,
            total: ix.total,
        }
    }

    /// Mean negative log-likelihood at log-parameters `xl` and its gradient: the weighted sum of
    /// [`ll_parts`] over the rows; NaN where any row's likelihood is undefined.
    fn objective(&self, xl: &[f64], grad: &mut [f64]) -> f64 {
        let p = ParetoNbdParams::from_log(xl);
        if ![p.r, p.alpha, p.s, p.beta]
            .iter()
            .all(|v| v.is_finite() && *v > 0.0)
        {
            return f64::NAN;
        }
        let xt: Vec<XTerms> = self.xs.iter().map(|&x| XTerms::new(&p, x)).collect();
        let tt: Vec<TTerms> = self.times.iter().map(|&t| TTerms::new(&p, t)).collect();
        let ends: Vec<Option<(f64, [f64; 4])>> =
            map_chunks_sized(&self.pairs, PAIR_CHUNK, 4 * PAIR_CHUNK, |c| {
                c.iter()
                    .map(|&(xi, ti)| endpoint(&p, self.xs[xi as usize], self.times[ti as usize]))
                    .collect::<Vec<_>>()
            })
            .concat();
        let parts = map_chunks(&self.rows, |rows| {
            let (mut v, mut g) = (0.0, [0.0; 4]);
            let mut gi = [0.0; 4];
            for row in rows {
                let (e1, e2) = (ends[row.e1 as usize]?, ends[row.e2 as usize]?);
                let xi = row.x as usize;
                let (l, _) = ll_core(
                    &p,
                    self.xs[xi],
                    &xt[xi],
                    &tt[row.t as usize],
                    e1,
                    e2,
                    Some(&mut gi),
                )?;
                v += row.w * l;
                for (a, b) in g.iter_mut().zip(&gi) {
                    *a += row.w * b;
                }
            }
            Some((v, g))
        });
        let (mut v, mut g) = (0.0, [0.0; 4]);
        for part in parts {
            let Some((pv, pg)) = part else {
                return f64::NAN;
            };
            v += pv;
            for (a, b) in g.iter_mut().zip(&pg) {
                *a += b;
            }
        }
        for (o, gi) in grad.iter_mut().zip(&g) {
            *o = -gi / self.total;
        }
        -v / self.total
    }
}

/// Rows of the warm-start sample on large data. Smaller than the BG/NBD models' sample: a pass
/// costs mostly its distinct `(x, t)` endpoint pairs, which a sample thins out less than rows.
const SAMPLE_ROWS: usize = 8_192;

/// Maximum likelihood fit on (compressed) summaries.
pub fn fit(data: &[Summary], opts: &FitOptions) -> Result<ParetoNbdFit, FitError> {
    let (mean_x, mean_t) = crate::summary::weighted_means(data);
    // Start at r = s = 1 with the observed purchase rate r/alpha and a mean lifetime s/beta of
    // the mean age: a sensible scale for both gamma distributions.
    let alpha0 = (mean_t.max(1e-6) / mean_x.max(1e-6)).clamp(1e-6, 1e6);
    let beta0 = mean_t.clamp(1e-6, 1e6);
    let start = ParetoNbdParams {
        r: 1.0,
        alpha: alpha0,
        s: 1.0,
        beta: beta0,
    };
    fit_from(data, &start, opts)
}

/// [`fit`] starting from `start` instead of the default start: a fit on a sample of the
/// customers, refined on all of them, needs only a few full passes.
///
/// # Errors
/// As [`fit`].
pub fn fit_from(
    data: &[Summary],
    start: &ParetoNbdParams,
    opts: &FitOptions,
) -> Result<ParetoNbdFit, FitError> {
    let x0 = [
        start.r.ln(),
        start.alpha.ln(),
        start.s.ln(),
        start.beta.ln(),
    ];
    crate::summary::validate(data)?;
    let indexed = Indexed::new(data);
    let sample = indexed.sample(SAMPLE_ROWS).map(ParetoIndex::from_indexed);
    let ix = ParetoIndex::from_indexed(indexed);
    let full = fit_objective_sampled(
        |x, g| ix.objective(x, g),
        sample
            .as_ref()
            .map(|s| |x: &[f64], g: &mut [f64]| s.objective(x, g)),
        ix.total,
        &x0,
        opts,
    );
    let (res, limit) = crate::no_dropout::settle(data, opts, full, |l| {
        let [ln_r, ln_alpha] = crate::no_dropout::rate_point(l);
        // s = e^-40, beta = 1: a mean dropout rate of ~4e-18, nobody leaves.
        vec![ln_r, ln_alpha, -40.0, 0.0]
    })?;
    Ok(ParetoNbdFit {
        params: ParetoNbdParams::from_log(&res.x),
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
    #[test]
    fn p_alive_all_equals_p_alive_per_customer() {
        // Many customers sharing (x, t) pairs, some invalid, on the parallel path.
        let p = ParetoNbdParams {
            r: 0.55,
            alpha: 10.58,
            s: 0.61,
            beta: 11.67,
        };
        let mut data = Vec::new();
        for i in 0..60_000u32 {
            let x = f64::from(i % 7);
            let t = 20.0 + f64::from(i % 13);
            let t_x = if x == 0.0 {
                0.0
            } else {
                t * f64::from(i % 5) / 5.0
            };
            data.push(Summary {
                x,
                t_x,
                t,
                weight: 1.0,
            });
        }
        data.push(Summary {
            x: 1.0,
            t_x: 5.0,
            t: 2.0,
            weight: 1.0,
        }); // t_x > T: invalid
        let all = p_alive_all(&p, &data);
        assert_eq!(all.len(), data.len());
        for (s, a) in data.iter().zip(&all) {
            assert_eq!(a.to_bits(), p.p_alive(s).to_bits(), "{s:?}");
        }
        // Near "nobody leaves" (every endpoint on the slow branch) too.
        let edge = ParetoNbdParams {
            r: 0.55,
            alpha: 13.0,
            s: 1e-8,
            beta: 6.7e7,
        };
        for (s, a) in data.iter().zip(p_alive_all(&edge, &data)).step_by(997) {
            assert_eq!(a.to_bits(), edge.p_alive(s).to_bits(), "{s:?}");
        }
    }

    use super::*;
    use crate::optim::tests_support::check_gradient;

    /// CDNOW estimates (Fader, Hardie & Lee 2005).
    const P: ParetoNbdParams = ParetoNbdParams {
        r: 0.55,
        alpha: 10.58,
        s: 0.61,
        beta: 11.67,
    };

    fn ln_p(p: &ParetoNbdParams) -> [f64; 4] {
        [p.r.ln(), p.alpha.ln(), p.s.ln(), p.beta.ln()]
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let params = [
            P,
            // alpha >> beta: z near 1, quadrature path of the 2F1.
            ParetoNbdParams {
                r: 2.0,
                alpha: 5e3,
                s: 0.3,
                beta: 0.01,
            },
            // beta >> alpha.
            ParetoNbdParams {
                r: 0.01,
                alpha: 0.02,
                s: 3.0,
                beta: 900.0,
            },
            // alpha == beta: z = 0, both branches meet.
            ParetoNbdParams {
                r: 1.3,
                alpha: 7.0,
                s: 0.9,
                beta: 7.0,
            },
        ];
        let summaries = [
            Summary::new(0.0, 0.0, 38.86),
            Summary::new(2.0, 30.43, 38.86),
            Summary::new(14.0, 25.0, 33.0),
            Summary::new(3.0, 38.0, 38.0),
            Summary::new(200.0, 1.0, 500.0),
        ];
        for p in &params {
            for s in &summaries {
                check_gradient(
                    |x: &[f64]| {
                        let (v, g) = log_likelihood_with_gradient(&ParetoNbdParams::from_log(x), s);
                        (v, g.to_vec())
                    },
                    &ln_p(p),
                );
            }
        }
    }

    /// The indexed, chunked pass equals the plain sum of per-customer log-likelihoods and
    /// gradients (to 1e-12 relative: only the order of the additions differs), and its gradient
    /// matches finite differences of itself.
    #[test]
    fn indexed_pass_equals_per_row_sum() {
        use crate::indexed::tests_support::{assert_pass_equals_rows, random_summaries};
        for (n, seed) in [(400, 5), (60_000, 19)] {
            let data = random_summaries(n, seed);
            let ix = ParetoIndex::new(&data);
            let params = [
                P,
                ParetoNbdParams {
                    r: 2.0,
                    alpha: 5e3,
                    s: 0.3,
                    beta: 0.01,
                },
            ];
            for p in params {
                let mut g = [0.0; 4];
                let v = ix.objective(&ln_p(&p), &mut g);
                let rows = data.iter().map(|s| {
                    let (l, gi) = log_likelihood_with_gradient(&p, s);
                    (s.weight, l, gi)
                });
                assert_pass_equals_rows(v, &g, rows, ix.total);
            }
            check_gradient(
                |x: &[f64]| {
                    let mut g = [0.0; 4];
                    let v = ix.objective(x, &mut g);
                    (v, g.to_vec())
                },
                &ln_p(&P),
            );
        }
    }

    /// Independent check of the closed form: the bracket's integral by brute-force Simpson
    /// quadrature in tau, on a fine grid (error ~h^4, far below the tolerance).
    #[test]
    fn likelihood_matches_direct_integration() {
        for (p, s) in [
            (P, Summary::new(2.0, 30.43, 38.86)),
            (P, Summary::new(0.0, 0.0, 38.86)),
            (
                ParetoNbdParams {
                    r: 2.0,
                    alpha: 300.0,
                    s: 0.3,
                    beta: 0.5,
                },
                Summary::new(5.0, 3.0, 20.0),
            ),
        ] {
            let ParetoNbdParams {
                r,
                alpha,
                s: sh,
                beta,
            } = p;
            let (x, t_x, t) = (s.x, s.t_x, s.t);
            let n = 200_000;
            let h = (t - t_x) / n as f64;
            let f = |tau: f64| {
                sh * beta.powf(sh) * (alpha + tau).powf(-(r + x)) * (beta + tau).powf(-(sh + 1.0))
            };
            let mut integral = 0.0;
            if h > 0.0 {
                integral = f(t_x) + f(t);
                for i in 1..n {
                    integral += f(t_x + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
                }
                integral *= h / 3.0;
            }
            let alive = (alpha + t).powf(-(r + x)) * (beta / (beta + t)).powf(sh);
            let direct = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + (alive + integral).ln();
            let got = log_likelihood(&p, &s);
            assert!((got - direct).abs() < 1e-9, "{got} vs {direct}");
        }
    }

    #[test]
    fn predictions_limits() {
        // s -> 1 is continuous.
        let near = ParetoNbdParams { s: 1.0 + 1e-9, ..P };
        let at = ParetoNbdParams { s: 1.0, ..P };
        let c = Summary::new(2.0, 30.43, 38.86);
        let (a, b) = (
            near.expected_transactions(&c, 39.0),
            at.expected_transactions(&c, 39.0),
        );
        assert!((a - b).abs() < 1e-7 * b, "{a} {b}");
        // A new customer at T = 0 is alive, and the conditional formula agrees with eq. 17.
        let new = Summary::new(0.0, 0.0, 0.0);
        assert!((P.p_alive(&new) - 1.0).abs() < 1e-14);
        let e_new = P.expected_transactions_new(39.0);
        assert!((P.expected_transactions(&new, 39.0) - e_new).abs() < 1e-12 * e_new);
        // Someone who bought at T is more likely alive than someone silent since t_x = 1.
        assert!(
            P.p_alive(&Summary::new(3.0, 38.0, 38.0)) > P.p_alive(&Summary::new(3.0, 1.0, 38.0))
        );
        // Invalid input never yields NaN.
        let bad = Summary::new(1.0, 5.0, 2.0);
        assert_eq!(P.p_alive(&bad), 0.0);
        assert_eq!(log_likelihood(&P, &bad), f64::NEG_INFINITY);
    }

    /// Eq. 17 against its definition, integrated numerically: with lambda and mu independent,
    /// E[X(t)] = E[lambda] ∫_0^t P(alive at tau) dtau = (r/alpha) ∫_0^t (beta/(beta+tau))^s dtau.
    #[test]
    fn expected_new_matches_integration() {
        for p in [
            P,
            ParetoNbdParams { s: 1.0, ..P },
            ParetoNbdParams {
                s: 4.0,
                beta: 2.0,
                ..P
            },
        ] {
            let t = 39.0;
            let n = 20_000;
            let h = t / n as f64;
            let f = |tau: f64| (p.beta / (p.beta + tau)).powf(p.s);
            let mut acc = f(0.0) + f(t);
            for i in 1..n {
                acc += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
            }
            let e = p.r / p.alpha * acc * h / 3.0;
            let got = p.expected_transactions_new(t);
            assert!((got - e).abs() < 1e-10 * e, "{got} vs {e}");
        }
    }
}
