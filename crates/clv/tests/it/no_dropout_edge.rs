//! The models at the edge where nobody leaves (issue 16): on panels simulated at and near that
//! edge every fit ends within its pass budget, without an error, at the right limit, and
//! predicts the simulated next year.
//!
//! Panels (20,000 customers each, first purchases uniform over two years, calibration three
//! years, in weeks; the next 52 weeks simulated too):
//! - `nobody`: rates ~ Gamma(2, 40), nobody leaves: the NBD limit;
//! - `same`: every customer buys 0.06 times a week, nobody leaves: the Poisson limit;
//! - `almost`: rates ~ Gamma(2, 40), dropout 0.5 % per purchase (Beta(1, 199)).

use kundenwert_clv::no_dropout::NoDropout;
use kundenwert_clv::optim::DEFAULT_MAX_PASSES;
use kundenwert_clv::{bg_cnbd, bg_nbd, compress, mbg_nbd, pareto_nbd, FitOptions, Summary};

/// xorshift64* with the few distributions the panels need.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }
    fn normal(&mut self) -> f64 {
        (-2.0 * self.uniform().ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }
    /// Gamma(shape, 1) by Marsaglia & Tsang (shape ≥ 1; boosted below 1).
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let z = self.normal();
            let v = (1.0 + c * z).powi(3);
            if v > 0.0 && self.uniform().ln() < 0.5 * z * z + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
    fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        x / (x + self.gamma(b))
    }
}

/// Per customer: (x, t_x, T) in the calibration weeks and purchases in the 52 weeks after.
fn panel(
    rate: impl Fn(&mut Rng) -> f64,
    dropout: impl Fn(&mut Rng) -> f64,
    seed: u64,
) -> (Vec<Summary>, f64) {
    let mut rng = Rng(seed);
    let (end, horizon) = (156.0, 52.0);
    let mut rows = Vec::new();
    let mut future = 0.0;
    for _ in 0..20_000 {
        let lambda = rate(&mut rng);
        let p = dropout(&mut rng);
        let first = 104.0 * rng.uniform();
        let (mut t, mut x, mut t_x) = (first, 0.0, 0.0);
        loop {
            t += rng.exponential(lambda);
            if t > end + horizon {
                break;
            }
            if t <= end {
                x += 1.0;
                t_x = t - first;
            } else {
                future += 1.0;
            }
            // BG dropout: after each repeat purchase.
            if rng.uniform() < p {
                break;
            }
        }
        rows.push((x, t_x, end - first));
    }
    (compress(rows), future)
}

fn gamma_rates(rng: &mut Rng) -> f64 {
    rng.gamma(2.0) / 40.0
}

/// Predicted purchases of all customers in the 52 weeks after calibration.
fn predicted(data: &[Summary], f: impl Fn(&Summary) -> f64) -> f64 {
    data.iter().map(|s| s.weight * f(s)).sum()
}

/// Every model on the panel: no error, within the pass budget (plus the limit's own passes),
/// at the expected edge, and the next year's purchases within `tol` of the simulation.
fn check(name: &str, data: &[Summary], future: f64, expect: Option<&str>, tol: f64) {
    let opts = FitOptions::default();
    let bg = bg_nbd::fit(data, &opts).unwrap_or_else(|e| panic!("{name} BG/NBD: {e}"));
    let mbg = mbg_nbd::fit(data, &opts).unwrap_or_else(|e| panic!("{name} MBG/NBD: {e}"));
    let pnbd = pareto_nbd::fit(data, &opts).unwrap_or_else(|e| panic!("{name} Pareto/NBD: {e}"));
    let cnbd_data: Vec<bg_cnbd::CnbdSummary> = data
        .iter()
        .map(|s| bg_cnbd::CnbdSummary {
            x: s.x,
            t_x: s.t_x,
            t: s.t,
            litt: 0.0,
            weight: s.weight,
        })
        .collect();
    let cnbd = bg_cnbd::fit(&cnbd_data, Some(1), &opts)
        .unwrap_or_else(|e| panic!("{name} BG/CNBD-1: {e}"));
    let limit_kind = |l: Option<&NoDropout>| match l {
        Some(NoDropout::Nbd { .. }) => Some("nbd"),
        Some(NoDropout::Poisson { .. }) => Some("poisson"),
        None => None,
    };
    let rows: [(&str, Option<NoDropout>, u64, bool, f64); 4] = [
        (
            "BG/NBD",
            bg.limit.map(|l| l.model),
            bg.evaluations,
            bg.at_boundary,
            predicted(data, |s| match &bg.limit {
                Some(l) => l.model.expected_transactions(s, 52.0),
                None => bg.params.expected_transactions(s, 52.0),
            }),
        ),
        (
            "MBG/NBD",
            mbg.limit.map(|l| l.model),
            mbg.evaluations,
            mbg.at_boundary,
            predicted(data, |s| match &mbg.limit {
                Some(l) => l.model.expected_transactions(s, 52.0),
                None => mbg.params.expected_transactions(s, 52.0),
            }),
        ),
        (
            "Pareto/NBD",
            pnbd.limit.map(|l| l.model),
            pnbd.evaluations,
            pnbd.at_boundary,
            predicted(data, |s| match &pnbd.limit {
                Some(l) => l.model.expected_transactions(s, 52.0),
                None => pnbd.params.expected_transactions(s, 52.0),
            }),
        ),
        (
            "BG/CNBD-1",
            cnbd.limit.map(|l| l.model),
            cnbd.evaluations,
            cnbd.at_boundary,
            f64::NAN,
        ),
    ];
    for (model, limit, passes, at_boundary, pred) in rows {
        println!(
            "{name:7} {model:10} limit {:?} passes {passes:4} predicted {pred:9.0} simulated {future:9.0}",
            limit
        );
        // Sample fit and full fit have a budget each; the limit adds its own (cheap) passes.
        assert!(
            passes <= 3 * DEFAULT_MAX_PASSES,
            "{name} {model}: {passes} passes"
        );
        if let Some(kind) = expect {
            assert_eq!(limit_kind(limit.as_ref()), Some(kind), "{name} {model}");
            assert!(at_boundary, "{name} {model}");
        }
        if pred.is_finite() {
            assert!(
                (pred / future - 1.0).abs() <= tol,
                "{name} {model}: predicted {pred:.0}, simulated {future:.0}"
            );
        }
    }
}

#[test]
fn nobody_leaves_is_the_nbd_limit() {
    let (data, future) = panel(gamma_rates, |_| 0.0, 11);
    check("nobody", &data, future, Some("nbd"), 0.05);
    // The limit's estimates are the simulated ones (r = 2, mean rate 0.05 a week).
    let l = bg_nbd::fit(&data, &FitOptions::default())
        .unwrap()
        .limit
        .unwrap();
    let NoDropout::Nbd { r, alpha } = l.model else {
        panic!("{l:?}")
    };
    assert!((r - 2.0).abs() < 0.2, "r = {r}");
    assert!((r / alpha - 0.05).abs() < 0.0025, "mean rate {}", r / alpha);
}

#[test]
fn the_same_rate_for_everyone_is_the_poisson_limit() {
    let (data, future) = panel(|_| 0.06, |_| 0.0, 12);
    check("same", &data, future, Some("poisson"), 0.05);
    let l = bg_nbd::fit(&data, &FitOptions::default())
        .unwrap()
        .limit
        .unwrap();
    assert!((l.model.mean_rate() - 0.06).abs() < 0.001, "{l:?}");
}

#[test]
fn almost_nobody_leaving_ends_too() {
    let (data, future) = panel(gamma_rates, |rng| rng.beta(1.0, 199.0), 13);
    // Either the limit or an interior fit: both must predict the next year.
    check("almost", &data, future, None, 0.06);
}
