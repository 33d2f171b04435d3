//! Future customer value: lifetime-value models fitted on the value series, a model choice the
//! user can follow, and per customer the expected purchases, the probability that the
//! customer is still active, and the discounted expected value over the horizon with an 80 %
//! interval.
//!
//! The candidates are the "buy till you die" models of [`kundenwert_clv`] (BG/NBD, MBG/NBD,
//! Pareto/NBD, BG/CNBD-k) with Gamma-Gamma for the spend per purchase, and the type-aware
//! projection of the typology specification §4 ([`projection`]).
//!
//! The choice is made on the [`backtest`](mod@backtest) whenever the history allows: the same forecast made
//! one horizon before as-of, held against what the customers then did. The model that
//! predicted their purchases best is the model; per type, the method (the model or the
//! projection with a damping of its trend) is the one that did best there, and the 80 % ranges
//! are calibrated there ([`calibration`]). Data after as-of is never used
//! for a choice then; it is the check ([`HoldoutCheck::outcomes`]). Without room for a
//! backtest, data after as-of chooses (the model that predicted the holdout purchases best,
//! then per type whichever of it and the projection predicted the holdout value best); without
//! either, the models are compared by BIC and the projection, which has no likelihood, is not
//! chosen.

pub mod backtest;
pub mod calibration;
mod candidates;
pub mod inputs;
pub mod interval;
pub mod outcome;
pub mod projection;

use chrono::NaiveDate;
use kundenwert_clv::{gamma_gamma, FitError, FitOptions};

pub use candidates::{Boundary, Candidate, ModelFit};
pub use inputs::{model_input, ModelInput, TimeUnit};
pub use kundenwert_clv::no_dropout::{NoDropout, NoDropoutFit};

use crate::typology::{Classification, CustomerType};
use crate::ValueSeries;

/// Settings of the forecast.
#[derive(Debug, Clone)]
pub struct FutureConfig {
    /// Months ahead (default 12).
    pub horizon_months: u32,
    /// Annual discount rate (default 0.10).
    pub discount_rate: f64,
    /// Clock of the models (default week).
    pub time_unit: TimeUnit,
    /// Optimiser settings.
    pub fit: FitOptions,
    /// Purchase models to fit (default all of [`Source::MODELS`]); the others are left out
    /// of the comparison. The projection is always a candidate.
    pub models: Vec<Source>,
    /// Whether to backtest and calibrate on it where the history allows (default yes).
    pub backtest: bool,
}

impl Default for FutureConfig {
    fn default() -> Self {
        FutureConfig {
            horizon_months: 12,
            discount_rate: 0.10,
            time_unit: TimeUnit::Week,
            fit: FitOptions::default(),
            models: Source::MODELS.to_vec(),
            backtest: true,
        }
    }
}

/// Where a customer's future value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// BG/NBD with Gamma-Gamma spend.
    BgNbd,
    /// MBG/NBD with Gamma-Gamma spend.
    MbgNbd,
    /// Pareto/NBD with Gamma-Gamma spend.
    ParetoNbd,
    /// BG/CNBD-k (regular purchase intervals) with Gamma-Gamma spend.
    BgCnbdK,
    /// The type-aware projection (typology specification §4).
    TypeProjection,
}

impl Source {
    /// The purchase models (every source but the projection), in the order they are listed.
    pub const MODELS: [Source; 4] = [
        Source::BgNbd,
        Source::MbgNbd,
        Source::ParetoNbd,
        Source::BgCnbdK,
    ];

    /// Identifier in JSON (`bg_nbd`, `mbg_nbd`, `pareto_nbd`, `bg_cnbd_k`, `type_projection`).
    pub fn id(self) -> &'static str {
        match self {
            Source::BgNbd => "bg_nbd",
            Source::MbgNbd => "mbg_nbd",
            Source::ParetoNbd => "pareto_nbd",
            Source::BgCnbdK => "bg_cnbd_k",
            Source::TypeProjection => "type_projection",
        }
    }

    /// Name for readers.
    pub fn label(self) -> &'static str {
        match self {
            Source::BgNbd => "BG/NBD",
            Source::MbgNbd => "MBG/NBD",
            Source::ParetoNbd => "Pareto/NBD",
            Source::BgCnbdK => "BG/CNBD-k",
            Source::TypeProjection => "Typ-Projektion / type projection",
        }
    }
}

/// How the model was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceBasis {
    /// By the purchases in the backtest's window (mean absolute error per customer).
    Backtest,
    /// By the purchases after as-of (mean absolute error per customer).
    Holdout,
    /// By the Bayesian information criterion (no data after as-of).
    Bic,
    /// Only one model could be fitted.
    OnlyOne,
    /// No model could be fitted; every customer gets the projection.
    NoModel,
}

/// The comparison on the data after as-of.
#[derive(Debug, Clone)]
pub struct HoldoutCheck {
    /// First day after as-of.
    pub from: NaiveDate,
    /// Last row after as-of.
    pub to: NaiveDate,
    /// Length in model time units.
    pub length: f64,
    /// Repeat purchases (distinct days) after as-of by the customers known at as-of.
    pub actual_repeat_transactions: f64,
    /// Predicted by each fitted model.
    pub predicted_repeat_transactions: Vec<(Source, f64)>,
    /// Mean absolute error of purchases per customer, per model.
    pub transactions_mae: Vec<(Source, f64)>,
    /// Actual value after as-of by the customers known at as-of.
    pub actual_value: f64,
    /// Mean absolute error of the value per customer (chosen model and projection) per type:
    /// `(type, model MAE, projection MAE, customers)`.
    pub value_mae_by_type: Vec<(CustomerType, f64, f64, usize)>,
    /// The forecast against what happened in the horizon's months after as-of, per type at
    /// as-of and for all customers: only when the data covers them and as-of is a month end.
    pub outcomes: Option<Vec<outcome::Outcome>>,
}

/// The forecast of one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerForecast {
    /// Expected purchases over the horizon (models only).
    pub expected_transactions: Option<f64>,
    /// Probability that the customer still buys.
    pub p_alive: f64,
    /// Expected value per purchase (models only).
    pub expected_spend: Option<f64>,
    /// Discounted expected value over the horizon.
    pub future_value: f64,
    /// Lower end of the 80 % interval.
    pub future_value_low: f64,
    /// Upper end of the 80 % interval.
    pub future_value_high: f64,
    /// Where it comes from.
    pub source: Source,
}

impl CustomerForecast {
    /// The value with its 80 % range.
    pub fn band(&self) -> outcome::Band {
        outcome::Band {
            value: self.future_value,
            low: self.future_value_low,
            high: self.future_value_high,
        }
    }
}

/// The forecast of all customers.
#[derive(Debug)]
pub struct Forecast {
    /// Settings used.
    pub config: FutureConfig,
    /// Every candidate model, fitted or with the reason it could not be.
    pub candidates: Vec<Candidate>,
    /// Gamma-Gamma spend model.
    pub gamma_gamma: Result<gamma_gamma::GammaGammaFit, FitError>,
    /// The chosen purchase model, if any could be fitted.
    pub chosen: Option<Source>,
    /// How it was chosen.
    pub basis: ChoiceBasis,
    /// Per customer type, the source of the future values (the chosen model or the projection).
    pub source_by_type: Vec<(CustomerType, Source)>,
    /// The holdout comparison, when data after as-of exists.
    pub holdout: Option<HoldoutCheck>,
    /// The backtest the choices and ranges were calibrated on, when the history allowed one.
    pub backtest: Option<backtest::Backtest>,
    /// Per customer, in the order of the series.
    pub customers: Vec<CustomerForecast>,
}

/// Backtests (see [`backtest()`]), fits the candidates on `series` (classified with `typology`
/// as `types`, same order) and forecasts every customer: [`backtest()`], [`prepare`], then
/// [`forecast_prepared`].
pub fn forecast(
    series: &ValueSeries,
    types: &[Classification],
    typology: &crate::TypologyConfig,
    config: &FutureConfig,
) -> Forecast {
    let backtest = backtest(series, typology, config);
    forecast_prepared(prepare(series, types, config), types, config, backtest)
}

/// The backtest of forecasting `series` with `config`, its types made with `typology`: `None`
/// when `config` asks for none or the history before as-of minus the horizon is too short.
/// It reads the customers' months, so it runs before they are released.
pub fn backtest(
    series: &ValueSeries,
    typology: &crate::TypologyConfig,
    config: &FutureConfig,
) -> Option<backtest::Backtest> {
    config
        .backtest
        .then(|| backtest::run(series, typology, config))
        .flatten()
}

/// What the forecast needs of each customer's periods: the models' inputs (purchases, times,
/// spend, holdout) and the type's projection. Once it is taken, the periods can go
/// ([`prepare_releasing`]) before the fits, where a million customers' months would otherwise
/// sit in memory beside everything the forecast builds.
#[derive(Debug)]
pub struct Prepared {
    as_of: chrono::NaiveDate,
    holdout_end: Option<chrono::NaiveDate>,
    inputs: Vec<ModelInput>,
    projections: Vec<Option<projection::Projection>>,
    /// Per customer, the value of the horizon's months after as-of, discounted as forecast.
    actual: Vec<f64>,
}

/// Takes from `series` (classified as `types`, same order) what [`forecast_prepared`] needs.
pub fn prepare(series: &ValueSeries, types: &[Classification], config: &FutureConfig) -> Prepared {
    candidates::prepare(series, types, config)
}

/// [`prepare`], dropping every customer's periods (months and longer ones) as soon as they are
/// taken; totals, dates, current value and holdout stay. For when nothing after the forecast
/// reads the periods (types and migration are done): they are the largest part of an
/// analysis's memory.
pub fn prepare_releasing(
    series: &mut ValueSeries,
    types: &[Classification],
    config: &FutureConfig,
) -> Prepared {
    candidates::prepare_releasing(series, types, config)
}

/// Types every customer of `series` (as [`crate::classify_series_with`] with `typology`) and
/// takes what the forecast needs ([`prepare`]), block by block, dropping each block's periods
/// right after: the periods and the classifications never peak together. For when nothing
/// later reads the periods (no migration between two dates, say).
pub fn classify_and_prepare_releasing(
    series: &mut ValueSeries,
    typology: &crate::TypologyConfig,
    config: &FutureConfig,
) -> (Vec<Classification>, Prepared) {
    candidates::classify_and_prepare_releasing(series, typology, config, candidates::RELEASE_BLOCK)
}

/// Fits the candidates and forecasts every customer from what [`prepare`] took, with the same
/// `types` and `config`, calibrated on `backtest` when there is one.
pub fn forecast_prepared(
    prepared: Prepared,
    types: &[Classification],
    config: &FutureConfig,
    backtest: Option<backtest::Backtest>,
) -> Forecast {
    candidates::run(prepared, types, config, backtest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, DemoConfig};

    /// The demo company's series as of a date with two years before it and one after, so the
    /// backtest and the check after as-of take part too.
    fn demo_series(customers: usize) -> ValueSeries {
        let demo = generate(&DemoConfig {
            customers,
            ..DemoConfig::default()
        });
        demo.series(demo.as_of - chrono::Days::new(365))
    }

    /// Typing and preparing block by block while dropping the months must give what typing
    /// the whole series and then forecasting it gives, customer for customer.
    #[test]
    fn typing_and_preparing_by_blocks_changes_nothing() {
        let series = demo_series(1_500);
        let typology = crate::TypologyConfig::default();
        let config = FutureConfig {
            models: vec![Source::BgNbd],
            ..FutureConfig::default()
        };
        let types = crate::classify_series_with(&series, &typology);
        let whole = forecast(&series, &types, &typology, &config);

        let mut released = series.clone();
        // Blocks of 64 customers, so that many blocks and a short last one are exercised.
        let (blocked_types, prepared) =
            candidates::classify_and_prepare_releasing(&mut released, &typology, &config, 64);
        assert!(released.customers.iter().all(|c| c.months.is_empty()));
        assert_eq!(blocked_types, types);
        let backtest = backtest(&series, &typology, &config);
        let blocked = forecast_prepared(prepared, &blocked_types, &config, backtest);
        assert!(whole.holdout.is_some() && whole.backtest.is_some());
        assert_eq!(blocked.customers, whole.customers);
        assert_eq!(blocked.source_by_type, whole.source_by_type);
    }

    /// With room for rolling origins, the backtest stands at several dates, each with its own
    /// share of the customers, and pools them.
    #[test]
    fn a_long_history_backtests_at_rolling_origins() {
        let demo = generate(&DemoConfig {
            customers: 1_500,
            ..DemoConfig::default()
        });
        let series = demo.series(demo.as_of);
        let typology = crate::TypologyConfig::default();
        let config = FutureConfig {
            models: vec![Source::BgNbd, Source::MbgNbd],
            horizon_months: 6,
            ..FutureConfig::default()
        };
        let b = backtest(&series, &typology, &config).expect("a backtest");
        let d = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
        assert_eq!(
            b.origins,
            vec![d("2025-06-30"), d("2025-03-31"), d("2024-12-31")]
        );
        // Disjoint shares: each customer with business by its origin counts once.
        let known_by_earliest = series
            .customers
            .iter()
            .filter(|c| c.first_date <= d("2024-12-31"))
            .count();
        assert!(b.customers >= known_by_earliest && b.customers <= series.customers.len());
        assert!(b.chosen.is_some() && b.transactions_mae.len() == 2);
        let f = forecast(
            &series,
            &crate::classify_series_with(&series, &typology),
            &typology,
            &config,
        );
        assert_eq!(f.basis, ChoiceBasis::Backtest);
    }
}
