//! Numerically safe helpers shared by the models.

/// `ln(exp(a) + exp(b))` without overflow; `-inf` inputs are handled.
pub(crate) fn log_add_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// `ln Gamma(x)` for `x > 0`.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    statrs::function::gamma::ln_gamma(x)
}

/// Digamma function `psi(x)` for `x > 0`.
pub(crate) fn digamma(x: f64) -> f64 {
    statrs::function::gamma::digamma(x)
}

/// `ln B(a, b)` for `a, b > 0`.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Beyond this `b` the dropout terms of BG/NBD-type models are summed exactly (see
/// [`ln_beta_shift`]): there the `ln Γ` values reach 10⁵ and more, and their differences start
/// to lose digits (at b = 10¹⁴, `ln Γ(b)` is 3·10¹⁵, whose spacing of doubles is 0.5).
const SHIFT_SUM_FROM: f64 = 1e4;
/// Longest shift summed term by term (a purchase count); longer ones use `ln Γ`.
const SHIFT_SUM_MAX: f64 = 100_000.0;

fn summable(b: f64, n: f64) -> bool {
    b >= SHIFT_SUM_FROM && (0.0..=SHIFT_SUM_MAX).contains(&n) && n.fract() == 0.0
}

/// `ln B(a, b + n) − ln B(a, b)` = `Σ_{i<n} ln((b+i)/(a+b+i))` for a whole number `n`.
///
/// The dropout parameters of BG/NBD, MBG/NBD and BG/CNBD-k run to 10⁶…10¹⁴ on B2B data where
/// (nearly) nobody leaves or everybody leaves at the same rate; the difference of four `ln Γ`
/// values then carries rounding errors of order 1 per customer, which an optimiser follows
/// as if it were a slope. For large `b` the exact sum is used.
pub(crate) fn ln_beta_shift(a: f64, b: f64, n: f64) -> f64 {
    if summable(b, n) {
        (0..n as u64).map(|i| -(a / (b + i as f64)).ln_1p()).sum()
    } else {
        ln_gamma(a + b) + ln_gamma(b + n) - ln_gamma(b) - ln_gamma(a + b + n)
    }
}

/// `ln Γ(z + n) − ln Γ(z) − n ln(scale)` = `Σ_{i<n} ln((z+i)/scale)` for a whole number `n`,
/// summed exactly for large `z` (see [`ln_beta_shift`]).
///
/// The purchase-rate part of the BG family's likelihood, `ln Γ(r+x) − ln Γ(r) + r ln α −
/// (r+x) ln(α+T)`, is rewritten as this (with `scale = α`) minus `(r+x) ln(1 + T/α)`: where
/// every customer buys at the same rate, r and α run to 10⁹ and beyond, and the textbook
/// form subtracts numbers of 10¹⁰ whose rounding errors a fit mistook for gains.
pub(crate) fn ln_gamma_shift_scaled(z: f64, n: f64, scale: f64) -> f64 {
    if summable(z, n) {
        let ln_ratio = z.ln() - scale.ln();
        (0..n as u64)
            .map(|i| ln_ratio + (i as f64 / z).ln_1p())
            .sum()
    } else {
        ln_gamma(z + n) - ln_gamma(z) - n * scale.ln()
    }
}

/// `ψ(z + n) − ψ(z)` = `Σ_{i<n} 1/(z+i)` for a whole number `n`, summed exactly for large
/// `z` (see [`ln_beta_shift`]).
pub(crate) fn digamma_shift(z: f64, n: f64) -> f64 {
    if summable(z, n) {
        (0..n as u64).map(|i| 1.0 / (z + i as f64)).sum()
    } else {
        digamma(z + n) - digamma(z)
    }
}

/// Weights for the sum of two log terms: returns `(ln(e^a + e^b), w_a, w_b)` with
/// `w_a = e^a / (e^a + e^b)`, used to differentiate a log-sum-exp.
pub(crate) fn lse2_weights(a: f64, b: f64) -> (f64, f64, f64) {
    let l = log_add_exp(a, b);
    if l == f64::NEG_INFINITY {
        return (l, 0.5, 0.5);
    }
    ((l), (a - l).exp(), (b - l).exp())
}

/// `sigmoid(-d) = 1 / (1 + e^d)` without overflow.
pub(crate) fn inv_one_plus_exp(d: f64) -> f64 {
    if d > 0.0 {
        let e = (-d).exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + d.exp())
    }
}

/// Most terms summed by [`bg_expectation`]'s series before it switches to quadrature. The terms
/// decay like `k^(a-2-r-x) z^k`, so about `40 / (1 - z)` terms are needed: the cap is reached when
/// the horizon exceeds ~100 times `alpha + T`, where the quadrature (~1500 evaluations) is cheaper.
const MAX_SERIES_TERMS: usize = 5_000;

/// The bracket of the BG/NBD-type conditional expectation,
/// `C / (a - 1) * [1 - (1-z)^A 2F1(A, B; C; z)]` with `C - B = a - 1`, given `C`, `C - A` and `a`,
/// `z in [0, 1)` and `ln_1mz = ln(1 - z)` (passed separately because `1 - z` loses digits).
///
/// Why this form: Euler's transformation `2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z)` turns
/// `(1-z)^A 2F1(A,B;C;z)` into `(1-z)^e 2F1(C-A, e; C; z)` with `e = a - 1`. Its parameters do not
/// grow with the customer's frequency (no huge intermediate terms), and because the series of
/// `2F1(.., e; ..)` is `1 + e * S`, the factor `1/(a-1)` cancels analytically: the bracket is
/// `C * [-expm1(e ln(1-z)) / e - (1-z)^e S]`, finite also at `a = 1`.
pub(crate) fn bg_expectation(c: f64, c_minus_a: f64, a: f64, z: f64, ln_1mz: f64) -> f64 {
    if z <= 0.0 {
        return 0.0;
    }
    let e = a - 1.0;
    let el = e * ln_1mz;
    let first = if e == 0.0 { -ln_1mz } else { -el.exp_m1() / e };
    // S = sum_{k>=1} (C-A)_k (a)_{k-1} z^k / ((C)_k k!), kept as s * e^scale: with large `a` and
    // z near 1 the terms grow like (1-z)^(1-a) before (1-z)^(a-1) brings the product back to O(1),
    // so they are rescaled instead of overflowing to inf (and inf * 0 = NaN).
    const RESCALE: f64 = 1e200;
    let mut scale = 0.0;
    let mut term = c_minus_a * z / c;
    let mut s = term;
    let mut converged = false;
    for k in 1..MAX_SERIES_TERMS {
        let kf = k as f64;
        term *= (c_minus_a + kf) * (a + kf - 1.0) * z / ((c + kf) * (kf + 1.0));
        s += term;
        if term.abs() <= 1e-17 * s.abs() || !term.is_finite() {
            converged = term.is_finite();
            break;
        }
        if s.abs() > RESCALE {
            s /= RESCALE;
            term /= RESCALE;
            scale += RESCALE.ln();
        }
    }
    let v = c * (first - (el + scale).exp() * s);
    if converged && v.is_finite() {
        return v;
    }
    // z so close to 1 that the series would need more than MAX_SERIES_TERMS terms: integrate
    // over the dropout probability instead (posterior shapes a and b' = C - a + 1, R = r + x).
    let q = (z.ln() - ln_1mz).exp();
    let v = beta_posterior_expectation(a, c - a + 1.0, c - c_minus_a, q);
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// Gauss-Legendre nodes and weights on [-1, 1] (16 points), by Newton's method on P_16.
fn gauss_legendre_16() -> [(f64, f64); 16] {
    const N: usize = 16;
    let mut out = [(0.0, 0.0); N];
    for (i, slot) in out.iter_mut().enumerate() {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (N as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            // P_N(x) and its derivative by the three-term recurrence.
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=N {
                let kf = k as f64;
                let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
                p0 = p1;
                p1 = p2;
            }
            dp = N as f64 * (x * p1 - p0) / (x * x - 1.0);
            let dx = p1 / dp;
            x -= dx;
            if dx.abs() < 1e-16 {
                break;
            }
        }
        *slot = (x, 2.0 / ((1.0 - x * x) * dp * dp));
    }
    out
}

/// `E[(1 - (1 + p q)^-R) / p]` for `p ~ Beta(a, b)`: the expected transactions of an alive
/// BG/NBD-type customer over a horizon `q` in units of `alpha + T`. Integrated in `y = ln p` by
/// composite Gauss-Legendre, with both ends in closed form: for tiny `p` the integrand is
/// `R q p^(a-1)`, next to `p = 1` it is `f(1) (1-p)^(b-1)`. Used where the series is too slow.
pub(crate) fn beta_posterior_expectation(a: f64, b: f64, r: f64, q: f64) -> f64 {
    let ln_b = ln_beta(a, b);
    let f = |p: f64| -(-r * (p * q).ln_1p()).exp_m1() / p;
    // Left end: below p0 both f and (1-p)^(b-1) are constant to 1e-10 relative.
    let p0 = 1e-10 / (q * (r + 1.0)).max((b - 1.0).abs()).max(1.0);
    let y0 = p0.ln();
    let mut total = r * q * (a * y0 - ln_b).exp() / a;
    // Right end: (1 - e^y) = -y to 1e-8 relative on [-EPS, 0].
    const EPS: f64 = 1e-8;
    total += f(1.0) * (b * EPS.ln() - ln_b).exp() / b;
    let nodes = gauss_legendre_16();
    let integrand = |y: f64| {
        let p = y.exp();
        f(p) * (a * y + (b - 1.0) * (-y.exp_m1()).ln() - ln_b).exp()
    };
    let panel = |lo: f64, hi: f64| -> f64 {
        let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
        nodes
            .iter()
            .map(|(x, w)| w * integrand(mid + half * x))
            .sum::<f64>()
            * half
    };
    // Uniform panels up to y = -1 narrow enough for the bell of the Beta density in y (its width
    // is about 1/sqrt(a b / (a + b))), then panels halving towards the endpoint singularity.
    let width = (0.5f64).min(1.0 / (a * b / (a + b)).sqrt());
    // Where the Beta density of y = ln p lives: mean ψ(a) − ψ(a+b), variance ψ'(a) − ψ'(a+b)
    // < 1/a + 1/a². Beyond 20 of those standard deviations (the log-density is concave in y)
    // it is below e^-200 of its peak, so panels there are skipped: a fit where nobody leaves
    // (a, b → ∞) concentrates p in a sliver that uniform panels over the whole range would need
    // tens of thousands of panels to cross.
    let centre = digamma(a) - digamma(a + b);
    let half = 20.0 * (1.0 / a + 1.0 / (a * a)).sqrt();
    let (w_lo, w_hi) = (centre - half, centre + half);
    let needed = |lo: f64, hi: f64| !(centre.is_finite() && (hi < w_lo || lo > w_hi));
    let upper = -1.0f64;
    if y0 < upper {
        let n = ((upper - y0) / width).ceil().min(1e6);
        let h = (upper - y0) / n;
        // Only the panels that meet the window.
        let (first, last) = if centre.is_finite() {
            (
                (((w_lo - y0) / h).floor().max(0.0)).min(n),
                (((w_hi - y0) / h).ceil().max(0.0)).min(n),
            )
        } else {
            (0.0, n)
        };
        for i in first as usize..last as usize {
            total += panel(y0 + i as f64 * h, y0 + (i + 1) as f64 * h);
        }
    }
    let mut hi = upper.max(y0);
    while -hi > EPS {
        let lo = hi;
        let next = (0.5 * lo).min(-EPS);
        if needed(lo, next) {
            let steps = ((next - lo) / width).ceil().max(1.0);
            let h = (next - lo) / steps;
            for i in 0..steps as usize {
                total += panel(lo + i as f64 * h, lo + (i + 1) as f64 * h);
            }
        }
        hi = next;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_add_exp_is_stable() {
        assert!((log_add_exp(1000.0, 1000.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(
            log_add_exp(f64::NEG_INFINITY, f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
        assert!((log_add_exp(0.0, f64::NEG_INFINITY)).abs() < 1e-15);
    }
}

#[cfg(test)]
mod quadrature_tests {
    use super::*;
    use crate::optim::tests_support::beta_expectation;

    /// The fallback quadrature against the independent midpoint reference where the latter is
    /// accurate (moderate q), including a < 1, b < 1 and large shapes.
    #[test]
    fn beta_posterior_expectation_matches_midpoint_reference() {
        for (a, b, r, q) in [
            (0.793, 2.426, 0.243, 8.8),
            (0.793, 4.426, 2.243, 100.0),
            (2.5, 0.6, 1.0, 30.0),
        ] {
            let got = beta_posterior_expectation(a, b, r, q);
            let want = beta_expectation(a, b, |p| -(-r * (p * q).ln_1p()).exp_m1() / p);
            // The midpoint reference itself is good to ~1e-7 relative (checked for b = 0.6
            // against 1e6 points: 1.3176099882; this quadrature 1.3176099961).
            assert!(
                (got / want - 1.0).abs() < 1e-6,
                "{a} {b} {r} {q}: {got} vs {want}"
            );
        }
    }

    /// Large shapes: p is nearly fixed, so E[f(p)] = f(mu) + f''(mu) var / 2 up to O(var^2)
    /// (var = 3.5e-4 here, so the neglected terms are ~1e-7 relative; 1e-5 allows for them and
    /// the finite-difference f'').
    #[test]
    fn beta_posterior_expectation_with_large_shapes() {
        let (a, b, r, q) = (400.0, 300.0, 5.0, 3.0);
        let f = |p: f64| -(-r * (p * q).ln_1p()).exp_m1() / p;
        let mu = a / (a + b);
        let var = a * b / ((a + b) * (a + b) * (a + b + 1.0));
        let h = 1e-4;
        let f2 = (f(mu + h) - 2.0 * f(mu) + f(mu - h)) / (h * h);
        let want = f(mu) + 0.5 * f2 * var;
        let got = beta_posterior_expectation(a, b, r, q);
        assert!((got / want - 1.0).abs() < 1e-5, "{got} vs {want}");
    }

    /// For an endless horizon an alive customer buys until the dropout: E[1/p] = (a+b-1)/(a-1).
    #[test]
    fn series_fallback_reaches_the_infinite_horizon_limit() {
        let (a, b, r) = (2.5, 3.0, 0.5);
        // z = 1 - 1e-12: far beyond what the series can sum.
        let ln_1mz = -12.0 * std::f64::consts::LN_10;
        let z = -ln_1mz.exp_m1();
        let got = bg_expectation(a + b - 1.0, a + b - 1.0 - r, a, z, ln_1mz);
        let want = (a + b - 1.0) / (a - 1.0);
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
    }
}

#[cfg(test)]
mod shift_tests {
    use super::*;

    /// Where `ln Γ` differences are still accurate (moderate b) the sums agree with them, and
    /// at huge b they agree with a first-order expansion that has no cancellation.
    #[test]
    fn shifts_match_gamma_differences_and_stay_accurate_at_huge_b() {
        for &(a, b, n) in &[(2.0, 1.5e4, 7.0), (0.3, 2.0e4, 40.0), (5e3, 3e4, 1.0)] {
            let direct = ln_gamma(a + b) + ln_gamma(b + n) - ln_gamma(b) - ln_gamma(a + b + n);
            assert!(
                (ln_beta_shift(a, b, n) - direct).abs() < 1e-9,
                "{a} {b} {n}"
            );
            let psi = digamma(b + n) - digamma(b);
            assert!(
                (digamma_shift(b, n) - psi).abs() < 1e-9 * psi.abs(),
                "{b} {n}"
            );
        }
        // a = 3e10, b = 8e13, n = 5: each term is -ln(1 + a/(b+i)) ≈ -a/b.
        let (a, b) = (3e10, 8e13);
        let v = ln_beta_shift(a, b, 5.0);
        assert!((v - 5.0 * -(a / b)).abs() < 1e-6, "{v}");
        // The Γ form there is off by far more (the reason for the sum).
        let direct = ln_gamma(a + b) + ln_gamma(b + 5.0) - ln_gamma(b) - ln_gamma(a + b + 5.0);
        assert!((direct - v).abs() > 1e-3, "{direct} {v}");
        // Non-integer n or small b: the Γ form.
        assert_eq!(
            ln_beta_shift(2.0, 3.0, 1.5),
            ln_gamma(5.0) + ln_gamma(4.5) - ln_gamma(3.0) - ln_gamma(6.5)
        );
    }
}
