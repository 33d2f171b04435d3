//! Natural logarithm of the Gauss hypergeometric function 2F1(a, b; c; z), for the parameter
//! region of the Pareto/NBD model, with derivatives for the likelihood gradient.
//!
//! Why our own: the Pareto/NBD likelihood needs 2F1(a, b; a+1; z) with `a = r+s+x` up to ~1e4 and
//! `z` anywhere in [0, 1), often very close to 1. Generic implementations lose accuracy or
//! return NaN there (lifetimes issue 302; scirs2-special was off by >1e-8 on most Pareto/NBD
//! shaped cases in earlier measurements). Everything here works in log space and only sums
//! positive terms, so it cannot cancel, overflow or produce NaN inside its domain.
//!
//! Domain: `a > 0`, `b > 0`, `c > max(a, b)`, `z < 1`. Methods:
//! - `z < 0`: Pfaff transformation 2F1(a,b;c;z) = (1-z)^(-a) 2F1(a, c-b; c; z/(z-1)), which maps
//!   into [0, 1) and stays in the domain.
//! - `0 <= z < 1`: Euler transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z), whose
//!   series has only positive terms because c-a, c-b, c > 0.
//!   - `z <= SERIES_MAX_Z`: that series, summed with a running log scale.
//!   - closer to 1, when one upper parameter is 1 (always so for the Pareto/NBD, where c = a+1),
//!     Euler's integral 2F1(1, A; C; z) = (C-1) ∫_0^1 u^(C-2) (1-z+zu)^(-A) du, in the variable
//!     y = ln u, by composite Gauss-Legendre quadrature with panels sized to the integrand's
//!     log-slope and curvature, plus the exact tail for y -> -inf. The series would need
//!     ~ 1/(1-z) terms there.
//!   - otherwise (not needed by the models) the series with a cap on the number of terms.

use std::sync::OnceLock;

/// Series are used up to this `z`; beyond it the quadrature is cheaper (the series needs about
/// ln(1e-17)/ln(z) terms: ~140 at 0.75, but ~3.9e4 at 0.999).
const SERIES_MAX_Z: f64 = 0.75;
/// Relative size of the last series term (bounded tail included) at which summation stops.
const SERIES_TOL: f64 = 1e-17;
/// Cap on series terms (only reachable in the general, non-model case near z = 1).
const SERIES_MAX_TERMS: usize = 2_000_000;
/// Terms the series may take beyond [`SERIES_MAX_Z`] before the quadrature takes over.
const QUICK_SERIES_TERMS: usize = 400;
/// Gauss-Legendre nodes per panel.
const GL_NODES: usize = 20;
/// A panel may span at most this change of the log-integrand (slope times width, and square root
/// of curvature times width). The integrand is analytic in a strip of half-width pi around the
/// real axis (its only singularities are at y = ln((1-z)/z) ± i pi), so 20-node Gauss-Legendre on
/// such panels is accurate to rounding.
const PANEL_SPAN: f64 = 2.0;
/// Widest panel, for the same reason.
const PANEL_MAX: f64 = 2.0;
/// The quadrature stops once the remaining integral is below this fraction of what was summed.
const QUAD_TOL: f64 = 1e-18;
/// Relative error allowed for the closed-form tail of the quadrature.
const TAIL_TOL: f64 = 1e-16;
/// Cap on panels (a safety net; typical calls use 5 to 80).
const MAX_PANELS: usize = 20_000;

/// ln 2F1(a, b; a+1; z) and its derivatives, as needed by the Pareto/NBD likelihood.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LnHyp {
    /// ln 2F1(a, b; a+1; z).
    pub value: f64,
    /// Derivative w.r.t. `a` with `c = a+1` moving along.
    pub d_a: f64,
    /// Derivative w.r.t. `b`.
    pub d_b: f64,
    /// Derivative w.r.t. `z` (with `1-z` moving along).
    pub d_z: f64,
}

/// ln 2F1(a, b; c; z) on the domain `a > 0, b > 0, c > max(a, b), z < 1`; `None` outside it
/// (or, for parameters the models never use, if the capped series does not converge).
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "the models need only the c = a+1 form; the general one is tested against the golden file"
    )
)]
pub(crate) fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(a.is_finite() && b.is_finite() && c.is_finite() && z.is_finite()) {
        return None;
    }
    if !(a > 0.0 && b > 0.0 && c > a && c > b && z < 1.0) {
        return None;
    }
    if z == 0.0 {
        return Some(0.0);
    }
    if z < 0.0 {
        // Pfaff: w = z/(z-1) = -z/(1-z) in (0,1), 1-w = 1/(1-z) exactly representable enough.
        let omz = 1.0 - z;
        let w = -z / omz;
        let inner = ln_positive(a, c - b, c, w, 1.0 / omz)?;
        return Some(-a * omz.ln() + inner);
    }
    ln_positive(a, b, c, z, 1.0 - z)
}

/// ln 2F1(a, b; c; z) for `0 < z < 1`, with `eps = 1 - z` passed separately so callers that know
/// `1-z` more accurately than by subtraction (z close to 1) keep that accuracy.
fn ln_positive(a: f64, b: f64, c: f64, z: f64, eps: f64) -> Option<f64> {
    let pre = (c - a - b) * eps.ln();
    let (p, q) = (c - a, c - b);
    let g = if z <= SERIES_MAX_Z {
        series(p, q, c, z)?.value
    } else if is_one(p, c) {
        unit_quadrature(q, c, z, eps)?.value
    } else if is_one(q, c) {
        unit_quadrature(p, c, z, eps)?.value
    } else if is_one(a, c) {
        // No Euler transformation: 2F1(1, b; c; z) directly.
        return Some(unit_quadrature(b, c, z, eps)?.value);
    } else if is_one(b, c) {
        return Some(unit_quadrature(a, c, z, eps)?.value);
    } else {
        series(p, q, c, z)?.value
    };
    finite(pre + g)
}

/// Whether a parameter computed as a difference (like `c - a` with `c = a + 1`) is 1 up to the
/// rounding of that difference.
fn is_one(v: f64, scale: f64) -> bool {
    (v - 1.0).abs() <= 8.0 * f64::EPSILON * scale.abs().max(1.0)
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// ln 2F1(a, b; a+1; z) with its derivatives, for `a > 0`, `0 < b < a+1`, `0 <= z < 1`,
/// `eps = 1 - z` (passed separately, see [`ln_positive`]).
pub(crate) fn ln_hyp2f1_pnbd(a: f64, b: f64, z: f64, eps: f64) -> Option<LnHyp> {
    if !(a > 0.0 && b > 0.0 && b < a + 1.0 && (0.0..1.0).contains(&z) && eps > 0.0) {
        return None;
    }
    // Euler: F = eps^(1-b) * G, G = 2F1(1, q; a+1; z), q = a+1-b > 0.
    let q = a + 1.0 - b;
    let c = a + 1.0;
    let ln_eps = eps.ln();
    // Near z = 1 the series still converges fast when c − q = b is large (terms fall like
    // n^-b z^n, as for frequent buyers whose b = r + x): try it with a small cap before the
    // quadrature, whose panels shrink as 1/c and cost thousands of nodes for such customers.
    let quick = if z <= SERIES_MAX_Z {
        Some(series_capped(1.0, q, c, z, SERIES_MAX_TERMS)?)
    } else {
        series_capped(1.0, q, c, z, QUICK_SERIES_TERMS)
    };
    let (g, g_q, g_c, g_z) = if let Some(s) = quick {
        (s.value, s.d_q, s.d_c, s.d_z)
    } else {
        let u = unit_quadrature(q, c, z, eps)?;
        (u.value, u.d_a, u.d_c, u.d_z)
    };
    let out = LnHyp {
        value: (1.0 - b) * ln_eps + g,
        // q and c both move with a.
        d_a: g_q + g_c,
        d_b: -ln_eps - g_q,
        // d/dz of (1-b) ln(1-z) is -(1-b)/(1-z).
        d_z: g_z - (1.0 - b) / eps,
    };
    (out.value.is_finite() && out.d_a.is_finite() && out.d_b.is_finite() && out.d_z.is_finite())
        .then_some(out)
}

/// ln of an all-positive 2F1 series and its derivatives w.r.t. p, q, c and z.
struct Series {
    value: f64,
    d_q: f64,
    d_c: f64,
    d_z: f64,
}

/// Sums sum_n (p)_n (q)_n / ((c)_n n!) z^n for `p, q >= 0`, `c > 0`, `0 <= z < 1`.
///
/// Terms are kept relative to a running scale (the largest log-term so far) so that neither huge
/// nor tiny magnitudes overflow; derivatives are accumulated term by term:
/// d ln t_n / dq = sum_{k<n} 1/(q+k), d ln t_n / dc = -sum_{k<n} 1/(c+k), d ln t_n / dz = n/z.
fn series(p: f64, q: f64, c: f64, z: f64) -> Option<Series> {
    series_capped(p, q, c, z, SERIES_MAX_TERMS)
}

/// [`series`] with at most `max_terms` terms; `None` when they do not reach the tolerance.
fn series_capped(p: f64, q: f64, c: f64, z: f64, max_terms: usize) -> Option<Series> {
    if !(p >= 0.0 && q >= 0.0 && c > 0.0 && (0.0..1.0).contains(&z)) {
        return None;
    }
    if z == 0.0 {
        return Some(Series {
            value: 0.0,
            d_q: 0.0,
            d_c: 0.0,
            d_z: p * q / c,
        });
    }
    // Running sums, all scaled by exp(-scale).
    let mut scale = 0.0f64;
    let (mut s, mut sq, mut sc, mut sz) = (1.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut ln_t = 0.0f64; // ln of term n
    let (mut hq, mut hc) = (0.0f64, 0.0f64); // harmonic-type sums for term n
    for n in 0..max_terms {
        let nf = n as f64;
        // Ratio t_{n+1}/t_n.
        let ratio = (p + nf) * (q + nf) / ((c + nf) * (nf + 1.0)) * z;
        if ratio == 0.0 {
            // A zero upper parameter or an underflowing z: the series ends here.
            return Some(Series {
                value: scale + s.ln(),
                d_q: sq / s,
                d_c: sc / s,
                d_z: if n == 0 { p * q / c } else { sz / s / z },
            });
        }
        ln_t += ratio.ln();
        hq += 1.0 / (q + nf);
        hc -= 1.0 / (c + nf);
        let m = nf + 1.0;
        if ln_t > scale {
            let f = (scale - ln_t).exp();
            s *= f;
            sq *= f;
            sc *= f;
            sz *= f;
            scale = ln_t;
        }
        let t = (ln_t - scale).exp();
        s += t;
        sq += t * hq;
        sc += t * hc;
        sz += t * m;
        // Tail bound: later ratios stay below max(ratio, z) < 1 once the terms decrease
        // (the ratio tends to z monotonically for large n). The derivative sums carry factors
        // growing like n and ln n, hence the extra (1 + m)/(1 - rho) factor.
        let rho = ratio.max(z);
        if ratio < 1.0 && rho < 1.0 {
            let tail = t * rho / (1.0 - rho) * (1.0 + m / (1.0 - rho) + hq.abs() + hc.abs());
            if tail <= SERIES_TOL * s {
                return Some(Series {
                    value: scale + s.ln(),
                    d_q: sq / s,
                    d_c: sc / s,
                    d_z: sz / s / z,
                });
            }
        }
    }
    None
}

/// ln 2F1(1, A; C; z) by quadrature, with derivatives w.r.t. A, C and z.
struct Unit {
    value: f64,
    d_a: f64,
    d_c: f64,
    d_z: f64,
}

/// Quadrature sums kept relative to `exp(scale)`, the largest log-weight seen, so that
/// integrands of any magnitude neither overflow nor underflow: the integral and the integrals of
/// the log-integrand's derivatives w.r.t. A (`-ln w`), C (`y`) and z.
#[derive(Debug)]
struct Acc {
    scale: f64,
    s: f64,
    s_a: f64,
    s_c: f64,
    s_z: f64,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            scale: f64::NEG_INFINITY,
            s: 0.0,
            s_a: 0.0,
            s_c: 0.0,
            s_z: 0.0,
        }
    }
}

impl Acc {
    /// Adds exp(lw) with the derivative factors (-ln_w for A, y for C, dz for z).
    fn add(&mut self, lw: f64, ln_w: f64, y: f64, dz: f64) {
        if lw > self.scale {
            let f = if self.scale.is_finite() {
                (self.scale - lw).exp()
            } else {
                0.0
            };
            self.s *= f;
            self.s_a *= f;
            self.s_c *= f;
            self.s_z *= f;
            self.scale = lw;
        }
        let t = (lw - self.scale).exp();
        self.s += t;
        self.s_a -= t * ln_w;
        self.s_c += t * y;
        self.s_z += t * dz;
    }
}

/// Gauss-Legendre nodes and weights on [-1, 1], computed once by Newton's method on P_n.
fn gauss_legendre() -> &'static [(f64, f64)] {
    static NODES: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    NODES.get_or_init(|| {
        let n = GL_NODES;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
            let mut dp = 1.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0f64, x);
                for k in 2..=n {
                    let kf = k as f64;
                    let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n as f64 * (x * p1 - p0) / (x * x - 1.0);
                let dx = p1 / dp;
                x -= dx;
                if dx.abs() < 1e-16 {
                    break;
                }
            }
            out.push((x, 2.0 / ((1.0 - x * x) * dp * dp)));
        }
        out
    })
}

/// ln 2F1(1, A; C; z) = ln(C-1) + ln ∫_{-inf}^0 exp(phi(y)) dy with
/// phi(y) = (C-1) y - A ln(eps + z e^y), for `A >= 0`, `C > 1`, `0 < z < 1`, `eps = 1-z`.
///
/// phi is concave (phi'' = -A z eps e^y / (eps + z e^y)^2), so once phi' > 0 going left the
/// integrand only decreases and the rest is bounded by exp(phi)/phi'. Below `y0`, where
/// z e^y / eps < TAIL_TOL / A, the integrand is exp(kappa y) eps^(-A) to relative TAIL_TOL and
/// that tail is integrated exactly. Derivatives are integrals of d phi/d theta against the same
/// weights, so they come from the same nodes.
fn unit_quadrature(a_par: f64, c: f64, z: f64, eps: f64) -> Option<Unit> {
    let kappa = c - 1.0;
    if !(a_par >= 0.0 && kappa > 0.0 && z > 0.0 && z < 1.0 && eps > 0.0) {
        return None;
    }
    let ln_eps = eps.ln();
    let eval = |y: f64| {
        let ey = y.exp();
        let w = eps + z * ey;
        let ln_w = w.ln();
        let phi = kappa * y - a_par * ln_w;
        let slope = kappa - a_par * z * ey / w;
        let curv = a_par * z * eps * ey / (w * w);
        // d phi / dz with eps = 1 - z: -A (e^y - 1)/w.
        let dz = a_par * (-(y.exp_m1())) / w;
        (phi, slope, curv, ln_w, dz)
    };
    // Start of the closed-form tail.
    let y0 = if a_par * z > 0.0 {
        (TAIL_TOL * eps / (a_par * z)).ln().min(0.0)
    } else {
        0.0
    };
    let nodes = gauss_legendre();
    let mut acc = Acc::default();
    let mut right = 0.0f64;
    let mut reached_tail = right <= y0;
    for _ in 0..MAX_PANELS {
        if right <= y0 {
            reached_tail = true;
            break;
        }
        let (phi_r, slope, curv, _, _) = eval(right);
        // Remaining integral bound when the integrand decreases to the left (concavity).
        if slope > 0.0 && acc.scale.is_finite() {
            let bound = (phi_r - acc.scale).exp() / slope;
            if bound <= QUAD_TOL * acc.s {
                break;
            }
        }
        let mut h = PANEL_MAX
            .min(PANEL_SPAN / slope.abs().max(1e-300))
            .min(PANEL_SPAN / curv.sqrt().max(1e-300));
        if right - h < y0 {
            h = right - y0;
        }
        let mid = right - 0.5 * h;
        for &(x, wgt) in nodes {
            let y = mid + 0.5 * h * x;
            let (phi, _, _, ln_w, dz) = eval(y);
            acc.add(phi + (0.5 * h * wgt).ln(), ln_w, y, dz);
        }
        right -= h;
    }
    if !reached_tail && right > y0 {
        // Either the early-stop bound fired (fine) or the panel cap was hit.
        let (phi_r, slope, _, _, _) = eval(right);
        if !(slope > 0.0
            && acc.scale.is_finite()
            && (phi_r - acc.scale).exp() / slope <= QUAD_TOL * acc.s)
        {
            return None;
        }
    } else {
        // Tail: ∫_{-inf}^{y0} exp(kappa y) eps^(-A) dy = eps^(-A) e^(kappa y0) / kappa.
        let lt = -a_par * ln_eps + kappa * y0 - kappa.ln();
        // d/dA: -ln eps; d/dC: y0 - 1/kappa; d/dz: A/eps. Passed through `add` as
        // (-ln w, y, dz) values that produce exactly those derivatives.
        acc.add(lt, ln_eps, y0 - 1.0 / kappa, a_par / eps);
    }
    if !(acc.s > 0.0 && acc.scale.is_finite()) {
        return None;
    }
    let out = Unit {
        value: kappa.ln() + acc.scale + acc.s.ln(),
        d_a: acc.s_a / acc.s,
        d_c: 1.0 / kappa + acc.s_c / acc.s,
        d_z: acc.s_z / acc.s,
    };
    (out.value.is_finite() && out.d_a.is_finite() && out.d_c.is_finite() && out.d_z.is_finite())
        .then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Closed forms: 2F1(1, 1; 2; z) = -ln(1-z)/z and 2F1(a, b; b; z) = (1-z)^(-a).
    #[test]
    fn closed_forms() {
        for &z in &[
            0.1f64,
            0.5,
            0.74,
            0.76,
            0.9,
            0.999,
            1.0 - 1e-9,
            -0.5,
            -100.0,
        ] {
            let exact = (-(-z).ln_1p() / z).ln();
            let got = ln_hyp2f1(1.0, 1.0, 2.0, z).expect("in domain");
            assert!((got - exact).abs() < 1e-12, "z={z}: {got} vs {exact}");
        }
        // 2F1(1/2, 1; 3/2; z) = atanh(sqrt z)/sqrt z, and atan(sqrt(-z))/sqrt(-z) for z < 0.
        for &z in &[0.2f64, 0.7, 0.8, 0.99, 1.0 - 1e-10, -0.3, -50.0] {
            let exact = if z > 0.0 {
                // atanh(sqrt z) = ln(1 + sqrt z) - ln(1 - z)/2, conditioned well near z = 1.
                let atanh = z.sqrt().ln_1p() - 0.5 * (1.0 - z).ln();
                (atanh / z.sqrt()).ln()
            } else {
                ((-z).sqrt().atan() / (-z).sqrt()).ln()
            };
            let got = ln_hyp2f1(0.5, 1.0, 1.5, z).expect("in domain");
            assert!((got - exact).abs() < 1e-12, "z={z}: {got} vs {exact}");
        }
    }

    #[test]
    fn tiny_z_and_zero_parameter() {
        // 2F1(a, b; c; z) = 1 + ab/c z + ... for subnormal z: ln F = 0 to rounding.
        let v = ln_hyp2f1(1.5, 0.5, 2.5, 1e-320).expect("in domain");
        assert!(v.abs() < 1e-300);
        let s = series(0.0, 2.0, 3.0, 0.5).expect("terminating series");
        assert_eq!(s.value, 0.0);
    }

    #[test]
    fn outside_domain_is_none() {
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0).is_none());
        assert!(ln_hyp2f1(1.0, 1.0, 0.5, 0.5).is_none());
        assert!(ln_hyp2f1(f64::NAN, 1.0, 2.0, 0.5).is_none());
        assert!(ln_hyp2f1_pnbd(1.0, 3.0, 0.5, 0.5).is_none());
    }

    /// Series and quadrature agree where both work, values and derivatives.
    #[test]
    fn series_and_quadrature_agree() {
        for &(q, c, z) in &[
            (0.5, 1.7, 0.6),
            (30.0, 32.0, 0.7),
            (1e-3, 1.2, 0.5),
            (3.0, 2.5, 0.4),
        ] {
            let s = series(1.0, q, c, z).expect("series");
            let u = unit_quadrature(q, c, z, 1.0 - z).expect("quad");
            assert!((s.value - u.value).abs() < 1e-13, "{q} {c} {z}");
            assert!((s.d_q - u.d_a).abs() < 1e-10 * (1.0 + s.d_q.abs()));
            assert!((s.d_c - u.d_c).abs() < 1e-10 * (1.0 + s.d_c.abs()));
            assert!((s.d_z - u.d_z).abs() < 1e-10 * (1.0 + s.d_z.abs()));
        }
    }

    /// Derivatives of the Pareto/NBD form against central differences of the value.
    #[test]
    fn pnbd_derivatives_match_differences() {
        for &(a, b, z) in &[
            (1.16, 1.61, 0.3),
            (1.16, 1.61, 0.95),
            (20.5, 0.55, 0.999),
            (3.0, 3.5, 1e-3),
            (1e4, 1e4, 0.99999),
        ] {
            let f =
                |a: f64, b: f64, z: f64| ln_hyp2f1_pnbd(a, b, z, 1.0 - z).expect("domain").value;
            let g = ln_hyp2f1_pnbd(a, b, z, 1.0 - z).expect("domain");
            // Central differences with h ~ eps^(1/3) * scale: truncation and rounding balance.
            let ha = 1e-5 * a.max(1.0);
            let hb = 1e-5 * b.max(1.0);
            let hz = 1e-5 * z.min(1.0 - z);
            let da = (f(a + ha, b, z) - f(a - ha, b, z)) / (2.0 * ha);
            let db = (f(a, b + hb, z) - f(a, b - hb, z)) / (2.0 * hb);
            let dz = (f(a, b, z + hz) - f(a, b, z - hz)) / (2.0 * hz);
            assert!(
                (g.d_a - da).abs() < 1e-6 * (1.0 + da.abs()),
                "d_a {a} {b} {z}: {} {da}",
                g.d_a
            );
            assert!(
                (g.d_b - db).abs() < 1e-6 * (1.0 + db.abs()),
                "d_b {a} {b} {z}: {} {db}",
                g.d_b
            );
            assert!(
                (g.d_z - dz).abs() < 1e-6 * (1.0 + dz.abs()),
                "d_z {a} {b} {z}: {} {dz}",
                g.d_z
            );
        }
    }
}

#[cfg(test)]
mod golden {
    use super::*;

    /// Largest accepted relative error of 2F1 itself, i.e. absolute error of ln 2F1, against the
    /// 50-digit mpmath values of `bench/hyp2f1_golden.py`; scaled by the condition of ln 2F1 with
    /// respect to rounding its inputs to doubles (|ln F| ~ 3e4 for x = 1e4 and z = -17, where one
    /// ulp of `a` alone moves ln F by ~1e-11), i.e. `TOL * max(1, |ln F| / 1e3)`.
    const GOLDEN_REL_TOL: f64 = 1e-10;

    #[test]
    fn matches_mpmath_golden_file() {
        let text = include_str!("../tests/golden/hyp2f1.csv");
        let mut n = 0;
        let mut worst = (0.0f64, String::new());
        let mut worst_abs = 0.0f64;
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let p = |i: usize| f[i].parse::<f64>().expect("golden file number");
            let (a, b, c, z, want) = (p(0), p(1), p(2), p(3), p(4));
            let got = ln_hyp2f1(a, b, c, z).unwrap_or(f64::NAN);
            let err = (got - want).abs() / (want.abs() / 1e3).max(1.0);
            assert!(
                err <= GOLDEN_REL_TOL,
                "2F1({a}, {b}; {c}; {z}): ln {got} vs {want} (err {err:e})"
            );
            worst_abs = worst_abs.max((got - want).abs());
            if err > worst.0 {
                worst = (err, line.to_string());
            }
            n += 1;
        }
        assert!(n >= 500, "golden file has {n} cases");
        eprintln!(
            "hyp2f1 golden: {n} cases, worst scaled error {:e} at {}; worst unscaled |d ln F| {worst_abs:e}",
            worst.0, worst.1
        );
    }
}
