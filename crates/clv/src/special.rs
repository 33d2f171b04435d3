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

/// Most terms summed by [`bg_expectation`]'s series; the terms decay like `k^-(2+r+x-a) z^k`,
/// so this is only reached when the horizon dwarfs `alpha + T` and `z` is within ~1e-4 of 1.
const MAX_SERIES_TERMS: usize = 200_000;

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
    for k in 1..MAX_SERIES_TERMS {
        let kf = k as f64;
        term *= (c_minus_a + kf) * (a + kf - 1.0) * z / ((c + kf) * (kf + 1.0));
        s += term;
        if term.abs() <= 1e-17 * s.abs() || !term.is_finite() {
            break;
        }
        if s.abs() > RESCALE {
            s /= RESCALE;
            term /= RESCALE;
            scale += RESCALE.ln();
        }
    }
    let v = c * (first - (el + scale).exp() * s);
    if v.is_finite() {
        v
    } else {
        0.0
    }
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
