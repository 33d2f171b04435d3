//! Labelled panels of B2B buying: customers who order a few times a year at random days,
//! with a known pattern behind their purchases — the data the customer types must hold on.
//!
//! The labelled panels of `tests/fixtures/typology/` (their README names the generator)
//! model a customer as one order chance a month, mostly between 45 % and 100 %, with the
//! pattern in the order sizes. Most B2B customers look different: a handful of purchases a
//! year at irregular times, the pattern (if any) in how often they buy. This generator draws
//! such customers: purchases from a Poisson process whose intensity follows the pattern,
//! amounts from the customer's own log-normal size distribution, a credit note now and then,
//! and monthly margins and purchase counts as an ERP export would give them after the value
//! series.
//!
//! Pure and deterministic ([`Rng`], SplitMix64): the same [`PanelSpec`] gives the same panel on
//! every machine. Tests pin the types' rates on panels drawn with seeds that were never used
//! to choose anything (`docs/typology.md`).
//!
//! ```
//! use kundenwert_analysis::typology::b2b_panels::{generate, Pattern, PanelSpec};
//! let panel = generate(&PanelSpec { pattern: Pattern::Flat, rate: 0.25, customers: 100, months: 36, acquired: 0.3, seed: 1 });
//! assert!(panel.len() <= 100);
//! assert!(panel.iter().all(|c| c.values.len() == c.purchases.len()));
//! ```

use crate::demo::Rng;
use crate::typology::CustomerType;

/// The pattern behind a customer's purchases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// A flat random buyer: purchases at a constant rate (homogeneous Poisson). Steady.
    Flat,
    /// Buys only in one calendar quarter each year, at four times its yearly mean rate there.
    /// Cyclical.
    Seasonal,
    /// The rate rises four-fold over the customer's life (linear or exponential). Growth.
    Rising,
    /// The rate falls four-fold over the customer's life. Shrinking.
    Falling,
    /// The rate rises four-fold to a peak between 35 % and 65 % of the life and falls back.
    /// Bell.
    Bell,
    /// A flat buyer whose purchases bring almost nothing: the monthly margin is 1–6 % of the
    /// portfolio's typical level, or below zero (costs above the margin). Barnacle.
    Barnacle,
    /// A flat buyer whose orders come in bursts: each order brings one to three days with
    /// business within a week (part deliveries, follow-up orders), at half the rate, so the
    /// months vary more than a Poisson buyer's. Steady: the check that bursts are not taken
    /// for a pattern.
    Bursty,
}

impl Pattern {
    /// Every pattern, in the order of the tables.
    pub const ALL: [Pattern; 7] = [
        Pattern::Flat,
        Pattern::Seasonal,
        Pattern::Rising,
        Pattern::Falling,
        Pattern::Bell,
        Pattern::Barnacle,
        Pattern::Bursty,
    ];

    /// The customer type a classifier should find.
    pub fn truth(self) -> CustomerType {
        match self {
            Pattern::Flat | Pattern::Bursty => CustomerType::Stable,
            Pattern::Seasonal => CustomerType::Cyclical,
            Pattern::Rising => CustomerType::Growth,
            Pattern::Falling => CustomerType::Shrink,
            Pattern::Bell => CustomerType::Bell,
            Pattern::Barnacle => CustomerType::Barnacle,
        }
    }

    /// Short name for tables: `flat`, `seasonal`, `rising`, `falling`, `bell`, `barnacle`.
    pub fn id(self) -> &'static str {
        match self {
            Pattern::Flat => "flat",
            Pattern::Bursty => "bursty",
            Pattern::Seasonal => "seasonal",
            Pattern::Rising => "rising",
            Pattern::Falling => "falling",
            Pattern::Bell => "bell",
            Pattern::Barnacle => "barnacle",
        }
    }

    /// How `rate` reads for this pattern in a table: `0.5/month`, `0.5→2/month`,
    /// `0.5→2→0.5/month`.
    pub fn rate_label(self, rate: f64) -> String {
        let high = TREND_FACTOR * rate;
        match self {
            Pattern::Rising => format!("{rate}→{high}/month"),
            Pattern::Falling => format!("{high}→{rate}/month"),
            Pattern::Bell => format!("{rate}→{high}→{rate}/month"),
            _ => format!("{rate}/month"),
        }
    }
}

/// How many times the rate of a trending or bell customer changes between its low and its
/// high end.
pub const TREND_FACTOR: f64 = 4.0;

/// The typical monthly margin of a customer of the panels (the median customer's level), the
/// yardstick of the barnacles' "almost nothing".
pub const TYPICAL_MONTHLY_MARGIN: f64 = 400.0;

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelSpec {
    /// The pattern of every customer of the panel.
    pub pattern: Pattern,
    /// Purchases a month: the constant rate of flat buyers and barnacles, the yearly mean of
    /// seasonal ones, the low end of trending and bell customers (the high end is
    /// [`TREND_FACTOR`] times it).
    pub rate: f64,
    /// Customers to draw (those without any purchase in the window are left out).
    pub customers: usize,
    /// Months of data (the window; the last one is the as-of month).
    pub months: usize,
    /// Share of customers won during the window (at a random month that leaves them at least a
    /// year of history); the others were customers before the data start.
    pub acquired: f64,
    /// Seed of the random generator.
    pub seed: u64,
}

/// The share of [`PanelSpec::acquired`] customers in the panels of the tests: most B2B
/// customers of an export were customers before it starts.
pub const ACQUIRED_SHARE: f64 = 0.3;

/// One drawn customer, as the classifier sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelCustomer {
    /// Monthly margin from the month of the first purchase in the window to the as-of month.
    pub values: Vec<f64>,
    /// Purchases (invoices, credit notes not counted) in each month of [`values`](Self::values).
    pub purchases: Vec<u32>,
    /// The first purchase falls into the first month of the data: as in `analyze`, the start
    /// of the relationship counts as cut off.
    pub left_censored: bool,
    /// The time of every purchase in months since the start of the window (month `m` covers
    /// `m..m + 1`), for reference tests that see the exact times.
    pub times: Vec<f64>,
    /// When the customer's life began, in months since the start of the window (0 for a
    /// customer who was there before the data).
    pub born: f64,
    /// The pattern it was drawn with.
    pub pattern: Pattern,
}

impl PanelCustomer {
    /// The customer type a classifier should find.
    pub fn truth(&self) -> CustomerType {
        self.pattern.truth()
    }
}

/// Chance that a purchase is followed by a credit note in the same month.
const CREDIT_NOTE_CHANCE: f64 = 0.02;

/// Draws a panel.
pub fn generate(spec: &PanelSpec) -> Vec<PanelCustomer> {
    let mut rng = Rng(spec.seed ^ 0x5EED_B2B0_0000_0000);
    let months = spec.months.max(1);
    (0..spec.customers)
        .filter_map(|_| customer(&mut rng, spec, months))
        .collect()
}

/// One customer, or `None` when it bought nothing in the window.
fn customer(rng: &mut Rng, spec: &PanelSpec, months: usize) -> Option<PanelCustomer> {
    let (pattern, rate) = (spec.pattern, spec.rate);
    let window = months as f64;
    let born = if !rng.chance(spec.acquired) || months <= 13 {
        0.0
    } else {
        rng.range(1.0, window - 12.0)
    };
    let life = window - born;
    // The customer's size: the median margin of one purchase, such that its monthly level
    // (rate × size) is log-normal around the typical level whatever its rate.
    let mean_rate = match pattern {
        Pattern::Rising | Pattern::Falling | Pattern::Bell => rate * (1.0 + TREND_FACTOR) / 2.0,
        _ => rate,
    };
    let spread = rng.range(0.3, 1.0);
    // The log-normal's mean is median · exp(σ²/2); divide it out so the level is as drawn.
    let level = TYPICAL_MONTHLY_MARGIN * rng.lognormal(1.0, 0.8);
    let size = level / mean_rate / (spread * spread / 2.0).exp();
    let barnacle_size = if pattern == Pattern::Barnacle {
        let minimal = TYPICAL_MONTHLY_MARGIN / rate / (spread * spread / 2.0).exp();
        if rng.chance(0.35) {
            // Costs above the margin: every purchase loses a little.
            -minimal * rng.range(0.01, 0.08)
        } else {
            minimal * rng.range(0.01, 0.06)
        }
    } else {
        0.0
    };
    let season_start = rng.int(0, 11) as f64;
    let exponential = rng.chance(0.5);
    let peak_at = rng.range(0.35, 0.65);
    // Intensity at time t (months since the window start), relative to `rate`.
    let intensity = |t: f64| -> f64 {
        let u = ((t - born) / life).clamp(0.0, 1.0);
        let trend = |u: f64| {
            if exponential {
                TREND_FACTOR.powf(u)
            } else {
                1.0 + (TREND_FACTOR - 1.0) * u
            }
        };
        match pattern {
            Pattern::Flat | Pattern::Barnacle | Pattern::Bursty => 1.0,
            Pattern::Seasonal => {
                let month_of_year = (t.floor() - season_start).rem_euclid(12.0);
                if month_of_year < 3.0 {
                    4.0
                } else {
                    0.0
                }
            }
            Pattern::Rising => trend(u),
            Pattern::Falling => trend(1.0 - u),
            Pattern::Bell => {
                let side = if u <= peak_at {
                    u / peak_at
                } else {
                    (1.0 - u) / (1.0 - peak_at)
                };
                trend(side)
            }
        }
    };
    // Thinning (Lewis and Shedler): candidates at the highest rate, each kept with the
    // intensity's share of it.
    let max_intensity = match pattern {
        Pattern::Flat | Pattern::Barnacle | Pattern::Bursty => 1.0,
        _ => TREND_FACTOR,
    };
    // A bursty buyer's orders come at half the rate, each with two days on average.
    let burst = pattern == Pattern::Bursty;
    let top = rate * max_intensity / if burst { 2.0 } else { 1.0 };
    let mut times = Vec::new();
    let mut t = born;
    loop {
        t += -(1.0 - rng.f64()).ln() / top;
        if t >= window {
            break;
        }
        if rng.f64() * max_intensity < intensity(t) {
            times.push(t);
            if burst {
                for _ in 0..rng.int(0, 2) {
                    let later = t + rng.range(0.0, 0.25);
                    if later < window {
                        times.push(later);
                    }
                }
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let first = times.first()?.floor() as usize;
    let mut values = vec![0.0; months - first];
    let mut purchases = vec![0u32; months - first];
    for &t in &times {
        let m = t.floor() as usize - first;
        let amount = if pattern == Pattern::Barnacle {
            barnacle_size * rng.lognormal(1.0, spread)
        } else {
            size * rng.lognormal(1.0, spread)
        };
        values[m] += amount;
        purchases[m] += 1;
        if rng.chance(CREDIT_NOTE_CHANCE) {
            values[m] -= amount * rng.range(0.1, 0.5);
        }
    }
    for v in &mut values {
        // Cents, as margins in an export; a month with business never rounds to nothing.
        let cents = (*v * 100.0).round() / 100.0;
        *v = if cents == 0.0 && *v != 0.0 {
            0.01f64.copysign(*v)
        } else {
            cents
        };
    }
    Some(PanelCustomer {
        values,
        purchases,
        left_censored: first == 0,
        times,
        born,
        pattern,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(pattern: Pattern, rate: f64) -> PanelSpec {
        PanelSpec {
            pattern,
            rate,
            customers: 4_000,
            months: 36,
            acquired: ACQUIRED_SHARE,
            seed: 9,
        }
    }

    /// The drawn purchases have the rate asked for: the mean count per customer-month of the
    /// life (flat) and the seasonal buyers' share of purchases inside their quarter.
    #[test]
    fn rates_are_as_specified() {
        for rate in [0.25, 1.0, 4.0] {
            let panel = generate(&spec(Pattern::Flat, rate));
            let (count, exposure) = panel.iter().fold((0.0, 0.0), |(n, e), c| {
                (n + c.times.len() as f64, e + 36.0 - c.born)
            });
            // Customers without any purchase are left out, so the mean is a little high at the
            // lowest rate.
            let measured = count / exposure;
            assert!((measured / rate - 1.0).abs() < 0.03, "{rate}: {measured}");
        }
        let panel = generate(&spec(Pattern::Rising, 0.5));
        let early: usize = panel
            .iter()
            .map(|c| c.times.iter().filter(|t| **t < 12.0).count())
            .sum();
        let late: usize = panel
            .iter()
            .map(|c| c.times.iter().filter(|t| **t >= 24.0).count())
            .sum();
        assert!(late as f64 > 2.0 * early as f64, "{early} {late}");
    }

    #[test]
    fn monthly_values_add_up_the_purchases() {
        for pattern in Pattern::ALL {
            for c in generate(&PanelSpec {
                customers: 300,
                ..spec(pattern, 0.5)
            }) {
                assert_eq!(c.values.len(), c.purchases.len());
                assert!(c.purchases[0] > 0, "the series starts with a purchase");
                assert_eq!(
                    c.purchases.iter().sum::<u32>() as usize,
                    c.times.len(),
                    "{pattern:?}"
                );
                for (v, n) in c.values.iter().zip(&c.purchases) {
                    assert_eq!(*n == 0, *v == 0.0, "{pattern:?} {c:?}");
                }
                assert_eq!(c.left_censored, c.values.len() == 36);
            }
        }
    }

    #[test]
    fn same_seed_same_panel() {
        let a = generate(&spec(Pattern::Bell, 0.5));
        let b = generate(&spec(Pattern::Bell, 0.5));
        assert_eq!(a, b);
        let c = generate(&PanelSpec {
            seed: 10,
            ..spec(Pattern::Bell, 0.5)
        });
        assert_ne!(a, c);
    }
}
