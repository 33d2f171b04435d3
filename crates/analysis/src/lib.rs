//! The analysis of a customer base: value series per customer and period, customer types,
//! future value, portfolio, cost to serve and type migration. Pure computation on what the
//! import hands on: no IO, no storage (`kundenwert-workbench` runs the pipeline and stores it).
//!
//! | module | what |
//! |---|---|
//! | `series` (re-exported) | value series built while the file is read: the import streams into a [`SeriesPass`] (its reading threads into [`SeriesSink`]s), the [`SeriesBuilder`] keeps one small accumulator per customer and month (memory grows with customers × months, not rows), [`SeriesBuilder::finish`] gives the [`ValueSeries`] (months, periods, totals, orders, current value; holdout after as-of) and [`SeriesBuilder::finish_in_order`] hands runs of customers on in order for `series` |
//! | [`typology`] | customer types as pure functions of a monthly series: features, status, the decision tree or the specification's rules, the evidence that a pattern exists beyond a flat random buyer, confidence and a reason in German and English ([`classify`], [`classify_series`] over a whole [`ValueSeries`]) |
//! | [`future`] | future value: the candidate purchase models of `kundenwert-clv` with Gamma-Gamma and the type-aware projection, chosen and calibrated on a backtest one horizon earlier (`future::backtest`, `future::calibration`, `future::outcome`), per customer expected purchases, P(alive), discounted future value and its 80 % range |
//! | [`portfolio`](mod@portfolio) | ABC classes by current value, the whale curve of the margin, quadrants of current × future value |
//! | [`cost_to_serve`] | contribution margin II: cost per order, per line and yearly fixed costs per customer; an assumed margin rate where the export has no cost |
//! | [`earlier`] | the series as it stood at an earlier month end (optionally with the months after as holdout, or a sample), for the migration and the backtest |
//! | [`migration`] | types at an earlier date against now: the matrix of changes and who moved |
//! | [`demo`] | the deterministic generator of the demo company (`kundenwert demo`) with each customer's true type |
//!
//! The criterion bench `benches/classify.rs` times classifying 1 M customers × 36 months on
//! one core; `docs/benchmarks.md` has where it stands.
#![deny(missing_docs)]

pub mod cost_to_serve;
pub mod demo;
pub mod earlier;
pub mod future;
pub mod migration;
pub mod portfolio;
mod series;
pub mod typology;

pub use portfolio::{portfolio, AbcClass, Portfolio, PortfolioConfig};
pub use series::{
    CustomerSeries, HoldoutSummary, PeriodValue, SeriesBuilder, SeriesPass, SeriesSink,
    SeriesSummary, SharedSeries, ValueSeries,
};
pub use typology::{
    classify, classify_series, classify_series_with, Classification, CustomerType,
    CustomerTypeLabel, Features, Status, TypologyConfig,
};
