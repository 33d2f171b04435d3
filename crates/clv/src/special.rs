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
