//! The backtest: the same forecast made one horizon earlier, on the history before, compared
//! with what the customers then did — and the calibration taken from it.
//!
//! With as-of `T` and a horizon of `H` months the backtest stands at `T − H` (month ends: a
//! partial as-of month is left out unless only its last days are missing), types every customer as it stood then, fits the purchase
//! models on that history, forecasts the `H` months up to `T` with every candidate method, and
//! holds each forecast against the value the customer actually brought. The forecast at `T`
//! then uses, per type, the method that did best there, and ranges calibrated there
//! ([`super::calibration`]); nothing after `T` is ever looked at.
//!
//! It needs [`MIN_HISTORY_MONTHS`] months before `T − H`. On very large portfolios it runs on a
//! fixed random sample of [`SAMPLE`] customers: the calibration is a handful of numbers per
//! type, which a hundred thousand customers settle as well as ten million.

use chrono::NaiveDate;
use kundenwert_core::par::par_map;
use kundenwert_core::Period;

use super::calibration::{calibrate, Calibration, CandidateBands, Method, TypeCalibration};
use super::candidates::{
    fit_candidates, model_band, prepare, purchase_error, spend_model, Candidate,
};
use super::outcome::{Band, Outcome};
use super::projection::{DAMPING, DAMPINGS};
use super::{FutureConfig, Prepared, Source};
use crate::earlier::{month_end, series_at};
use crate::typology::{classify_series_with, CustomerType, TypologyConfig};
use crate::ValueSeries;

/// Months of history the backtest needs before its own as-of: fewer, and the types it
/// calibrates are not the types of the real forecast.
pub const MIN_HISTORY_MONTHS: i32 = 12;

/// Customers above which the backtest runs on a sample of about this many. Enough for a
/// method per type and the ranges' three numbers (a type of 2 % still has 500 customers), few
/// enough that fitting four models once more costs a fraction of the analysis: on random
/// buyers a Pareto/NBD fit on twelve months takes several passes before it settles at its
/// no-dropout limit (6 s for 100,000 customers).
pub const SAMPLE: usize = 25_000;

/// The backtest of a forecast.
#[derive(Debug, Clone)]
pub struct Backtest {
    /// The backtest's as-of: the real as-of's month end minus the horizon.
    pub origin: NaiveDate,
    /// Last day of the months it forecast.
    pub until: NaiveDate,
    /// Every origin it stood at, latest (`origin`) first: more when the history allows
    /// ([`windows`]).
    pub origins: Vec<NaiveDate>,
    /// Customers compared over all origins (each with business up to its origin).
    pub customers: usize,
    /// Customers of the whole series when the backtest ran on a sample of them.
    pub sampled_from: Option<usize>,
    /// The purchase model that predicted the customers' purchases in the window best (mean
    /// absolute error per customer), if any could be fitted.
    pub chosen: Option<Source>,
    /// Mean absolute error of purchases per customer, per fitted model.
    pub transactions_mae: Vec<(Source, f64)>,
    /// Per type the method and how it did, and the calibrated ranges.
    pub calibration: Calibration,
}

impl Backtest {
    /// The method of `t` and how it did.
    pub fn for_type(&self, t: CustomerType) -> Option<&TypeCalibration> {
        self.calibration.types.iter().find(|c| c.customer_type == t)
    }

    /// All customers' outcome with the methods' own ranges (`false`) or the calibrated ones
    /// (`true`): the sum of the types' outcomes.
    pub fn overall(&self, calibrated: bool) -> Outcome {
        let mut all = Outcome::empty(None);
        for c in &self.calibration.types {
            let o = if calibrated { &c.after } else { &c.before };
            all.customers += o.customers;
            all.predicted += o.predicted;
            all.actual += o.actual;
            all.inside += o.inside;
        }
        all
    }
}

/// Days before a month's end from which an as-of counts as the end of its month: an export
/// made in the last week of a month (the last invoices are often dated a few days before the
/// end) has the month nearly whole, and the window ends with it.
pub const MONTH_NEARLY_WHOLE_DAYS: i64 = 7;

/// The backtest's as-of and the last day of its window for a series ending at `as_of` whose
/// data starts in month `first_month`; `None` when the history before is too short. The window
/// ends with the as-of month when as-of lies in its last week, else with the month before.
pub fn window(as_of: NaiveDate, first_month: i32, horizon: u32) -> Option<(NaiveDate, NaiveDate)> {
    let end = if (month_end(as_of) - as_of).num_days() < MONTH_NEARLY_WHOLE_DAYS {
        month_end(as_of)
    } else {
        // The day before the as-of month began.
        chrono::Datelike::with_day(&as_of, 1)?.pred_opt()?
    };
    let origin = month_end(end.checked_sub_months(chrono::Months::new(horizon))?);
    let history = Period::month_index_of(origin) - first_month + 1;
    (horizon > 0 && history >= MIN_HISTORY_MONTHS).then_some((origin, end))
}

/// Months between rolling origins.
pub const ROLLING_STEP_MONTHS: u32 = 3;

/// Most origins a backtest rolls over.
pub const MAX_ORIGINS: usize = 3;

/// History an earlier origin needs to join: two years, so that its types see a year against
/// the one before. Shorter, and they would be weaker claims than the forecast's own.
pub const ROLLING_MIN_HISTORY_MONTHS: i32 = 24;

/// Every origin of the backtest, latest first: [`window`], then up to [`MAX_ORIGINS`] − 1
/// more, [`ROLLING_STEP_MONTHS`] apart, while each has [`ROLLING_MIN_HISTORY_MONTHS`] of
/// history.
pub fn windows(as_of: NaiveDate, first_month: i32, horizon: u32) -> Vec<(NaiveDate, NaiveDate)> {
    let Some(latest) = window(as_of, first_month, horizon) else {
        return Vec::new();
    };
    let mut out = vec![latest];
    for k in 1..MAX_ORIGINS as u32 {
        let Some(origin) = latest
            .0
            .checked_sub_months(chrono::Months::new(k * ROLLING_STEP_MONTHS))
            .map(month_end)
        else {
            break;
        };
        if Period::month_index_of(origin) - first_month + 1 < ROLLING_MIN_HISTORY_MONTHS {
            break;
        }
        let Some(until) = origin
            .checked_add_months(chrono::Months::new(horizon))
            .map(month_end)
        else {
            break;
        };
        out.push((origin, until));
    }
    out
}

/// What one origin of the backtest gives: its customers' types and what the forecast took of
/// them (model inputs, projections, actual values), the fits, and each fitted model's error of
/// purchases.
struct AtOrigin {
    types: Vec<CustomerType>,
    prepared: Prepared,
    spends: Vec<f64>,
    fits: Vec<Candidate>,
    /// Per fitted model, the absolute error of purchases summed over the customers.
    transaction_errors: Vec<(Source, f64)>,
}

impl AtOrigin {
    fn of(earlier: &ValueSeries, typology: &TypologyConfig, config: &FutureConfig) -> AtOrigin {
        let classifications = classify_series_with(earlier, typology);
        let types = classifications.iter().map(|c| c.customer_type).collect();
        let prepared = prepare(earlier, &classifications, config);
        drop(classifications);
        let inputs = &prepared.inputs;
        let fits = fit_candidates(inputs, config);
        let (_, spends) = spend_model(inputs, config);
        let length = config
            .time_unit
            .per_months(f64::from(config.horizon_months));
        let transaction_errors = fits
            .iter()
            .filter_map(|c| {
                let fit = c.fit.as_ref().ok()?;
                Some((
                    c.source,
                    purchase_error(&fit.expected_all(inputs, length), inputs),
                ))
            })
            .collect();
        AtOrigin {
            types,
            prepared,
            spends,
            fits,
            transaction_errors,
        }
    }

    /// Every customer's band from the projection with `damping`.
    fn projected(&self, damping: f64, config: &FutureConfig) -> impl Iterator<Item = Band> + '_ {
        let (horizon, rate) = (config.horizon_months, config.discount_rate);
        self.prepared
            .projections
            .iter()
            .map(move |p| p.map_or(Band::default(), |p| p.value(horizon, rate, damping)))
    }
}

/// Runs the backtest of forecasting `series` (typed with `typology`) with `config`; `None`
/// when the history is too short or nobody had business by the backtest's as-of.
///
/// With several origins ([`windows`]) each takes its own share of the customers (by a hash of
/// the number, so the shares are disjoint and the cost is that of one origin); the model is
/// the one that predicted the purchases best over all of them, and the calibration pools them.
pub fn run(
    series: &ValueSeries,
    typology: &TypologyConfig,
    config: &FutureConfig,
) -> Option<Backtest> {
    let windows = windows(
        series.as_of,
        series.first_month_index()?,
        config.horizon_months,
    );
    let (origin, until) = *windows.first()?;
    let n = series.customers.len();
    let sampled = n > SAMPLE;
    let shares = windows.len() as u64;
    let origins: Vec<AtOrigin> = windows
        .iter()
        .enumerate()
        .filter_map(|(j, &(o, u))| {
            let earlier = series_at(series, o, Some(u), |c| {
                let h = customer_hash(&c.id);
                h % shares == j as u64 && (!sampled || ((h / shares) % n as u64) < SAMPLE as u64)
            });
            (!earlier.customers.is_empty()).then(|| AtOrigin::of(&earlier, typology, config))
        })
        .collect();
    let customers: usize = origins.iter().map(|o| o.types.len()).sum();
    if customers == 0 {
        return None;
    }
    // The model: the smallest error of purchases per customer over every origin where it
    // could be fitted at all of them.
    let mut transactions_mae: Vec<(Source, f64)> = Vec::new();
    for source in config.models.iter().copied() {
        let errors: Option<Vec<f64>> = origins
            .iter()
            .map(|o| {
                o.transaction_errors
                    .iter()
                    .find(|(s, _)| *s == source)
                    .map(|(_, e)| *e)
            })
            .collect();
        if let Some(errors) = errors {
            transactions_mae.push((source, errors.iter().sum::<f64>() / customers as f64));
        }
    }
    let chosen = transactions_mae
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(s, _)| *s);
    // Pooled over the origins, in origin order: types, actual values, and each candidate's
    // bands (the model's first, when there is one).
    let types: Vec<CustomerType> = origins
        .iter()
        .flat_map(|o| o.types.iter().copied())
        .collect();
    let actual: Vec<f64> = origins
        .iter()
        .flat_map(|o| o.prepared.actual.iter().copied())
        .collect();
    let mut candidates = Vec::new();
    if let Some(source) = chosen {
        let mut bands = Vec::with_capacity(customers);
        for o in &origins {
            let fit = o
                .fits
                .iter()
                .find(|c| c.source == source)
                .and_then(|c| c.fit.as_ref().ok());
            match fit {
                Some(fit) => {
                    let inputs = &o.prepared.inputs;
                    let alive = fit.p_alive_all(inputs);
                    bands.extend(par_map(inputs, |i, m| {
                        model_band(fit, m, o.spends[i], alive.as_ref().map(|a| a[i]), config)
                    }));
                }
                // Never so (the model was fitted at every origin), but the bands must stay
                // aligned with the customers: the forecast's own fallback.
                None => bands.extend(o.projected(DAMPING, config)),
            }
        }
        candidates.push(CandidateBands {
            method: Method::Model(source),
            bands,
        });
    }
    for damping in DAMPINGS {
        candidates.push(CandidateBands {
            method: Method::Projection { damping },
            bands: origins
                .iter()
                .flat_map(|o| o.projected(damping, config))
                .collect(),
        });
    }
    let calibration = calibrate(&types, &candidates, &actual)?;
    Some(Backtest {
        origin,
        until,
        origins: windows.iter().map(|w| w.0).collect(),
        customers,
        sampled_from: sampled.then_some(n),
        chosen,
        transactions_mae,
        calibration,
    })
}

/// A well-mixed hash of a customer number: FNV-1a, then a SplitMix64 finaliser to spread the
/// low bits. The backtest's sample and its shares between origins follow from it, so they do
/// not depend on the order of the customers or on the file they came from.
fn customer_hash(id: &str) -> u64 {
    let fnv = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    crate::demo::mix64(fnv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_ends_at_the_last_whole_month_and_needs_a_year_before() {
        let jan_2023 = Period::month_index_of(d("2023-01-01"));
        assert_eq!(
            window(d("2024-12-31"), jan_2023, 12),
            Some((d("2023-12-31"), d("2024-12-31")))
        );
        // A partial as-of month is left out, unless it lacks only its last days.
        assert_eq!(
            window(d("2024-12-15"), jan_2023, 6),
            Some((d("2024-05-31"), d("2024-11-30")))
        );
        assert_eq!(
            window(d("2024-12-27"), jan_2023, 12),
            Some((d("2023-12-31"), d("2024-12-31")))
        );
        // Eleven months before the backtest's as-of are not enough.
        assert_eq!(window(d("2024-11-30"), jan_2023, 12), None);
        assert_eq!(window(d("2024-12-31"), jan_2023, 0), None);
    }

    #[test]
    fn rolling_origins_need_two_years_of_history() {
        let jan_2023 = Period::month_index_of(d("2023-01-01"));
        // Two years before as-of minus the horizon: one origin.
        assert_eq!(windows(d("2025-12-31"), jan_2023, 12).len(), 1);
        // Three years: the latest and two more, three months apart.
        assert_eq!(
            windows(d("2026-12-31"), jan_2023, 12),
            vec![
                (d("2025-12-31"), d("2026-12-31")),
                (d("2025-09-30"), d("2026-09-30")),
                (d("2025-06-30"), d("2026-06-30")),
            ]
        );
        assert!(windows(d("2024-06-30"), jan_2023, 12).is_empty());
    }

    #[test]
    fn the_sample_takes_about_its_size() {
        let n: u64 = 1_000_000;
        let taken = (0..n)
            .filter(|i| customer_hash(&format!("K{i:07}")) % n < SAMPLE as u64)
            .count();
        let expected = SAMPLE as f64;
        assert!(
            (taken as f64 - expected).abs() < 5.0 * expected.sqrt(),
            "{taken}"
        );
    }
}
