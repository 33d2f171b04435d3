//! The 80 % interval of a customer's future value under a "buy till you die" model.
//!
//! The future value is `spend × discounted count`. Its uncertainty is dominated by the count:
//! the customer is either gone (probability `1 − p_alive`: nothing more) or alive, and then
//! buys a Gamma-Poisson (negative binomial) number of times whose shape is the posterior shape
//! of its purchase rate (`r + x` in BG/NBD and Pareto/NBD) and whose mean matches the model's
//! conditional expectation. The quantiles of that mixture, times the expected spend and the
//! average discount of the expected purchases, give the band. Spend per purchase is taken at
//! its conditional expectation; the band therefore shows how many purchases may come, not
//! how large each will be.

/// Quantile `q` of the count mixture: 0 with probability `1 − p_alive`, else negative
/// binomial with mean `mean_alive` and shape `shape`.
pub fn count_quantile(q: f64, p_alive: f64, mean_alive: f64, shape: f64) -> f64 {
    let p_alive = p_alive.clamp(0.0, 1.0);
    // Written so that NaN inputs also end here.
    if mean_alive.is_nan() || shape.is_nan() || mean_alive <= 0.0 || shape <= 0.0 || p_alive <= 0.0
    {
        return 0.0;
    }
    let dead = 1.0 - p_alive;
    if q <= dead {
        return 0.0;
    }
    let target = ((q - dead) / p_alive).clamp(0.0, 1.0);
    nb_quantile(target, mean_alive, shape)
}

/// Smallest `n` with P(N ≤ n) ≥ `target` for a negative binomial with mean `mean` and shape
/// `shape` (success probability `shape / (shape + mean)`), summed from its recurrence in log
/// space so large means neither overflow nor underflow.
fn nb_quantile(target: f64, mean: f64, shape: f64) -> f64 {
    let p = shape / (shape + mean);
    // ln P(N = 0) = shape · ln p.
    let mut ln_pmf = shape * p.ln();
    let ln_q = (1.0 - p).ln();
    let mut cdf = 0.0;
    // Far beyond the mean the tail is negligible; the cap keeps a pathological input finite.
    let sd = (mean + mean * mean / shape).sqrt();
    let cap = (mean + 20.0 * sd + 50.0).min(1e7) as u64;
    let mut n = 0u64;
    loop {
        cdf += ln_pmf.exp();
        if cdf >= target || n >= cap {
            return n as f64;
        }
        // P(n+1) / P(n) = (n + shape) / (n + 1) · (1 − p).
        ln_pmf += ((n as f64 + shape) / (n as f64 + 1.0)).ln() + ln_q;
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_customer_has_a_zero_band() {
        assert_eq!(count_quantile(0.9, 0.0, 5.0, 2.0), 0.0);
        assert_eq!(count_quantile(0.1, 0.5, 5.0, 2.0), 0.0);
    }

    #[test]
    fn large_shape_approaches_poisson_quantiles() {
        // Poisson(4): P(N ≤ 1) = 0.0916, P(N ≤ 2) = 0.2381, P(N ≤ 6) = 0.8893, P(N ≤ 7) = 0.9489
        // (independent reference: Poisson cdf tables).
        assert_eq!(count_quantile(0.10, 1.0, 4.0, 1e9), 2.0);
        assert_eq!(count_quantile(0.90, 1.0, 4.0, 1e9), 7.0);
    }

    #[test]
    fn geometric_case_matches_its_closed_form() {
        // Shape 1: geometric with P(N ≤ n) = 1 − (1 − p)^(n+1), p = 1 / (1 + mean).
        let mean = 9.0;
        let q: f64 = 0.9;
        let p: f64 = 1.0 / (1.0 + mean);
        let expected = ((1.0 - q).ln() / (1.0 - p).ln() - 1.0).ceil();
        assert_eq!(count_quantile(q, 1.0, mean, 1.0), expected);
    }

    #[test]
    fn huge_means_stay_finite() {
        let v = count_quantile(0.9, 0.99, 1e6, 0.5);
        assert!(v.is_finite() && v > 0.0);
    }
}
