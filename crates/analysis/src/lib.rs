//! Value series per customer and period, and the current customer value.
//!
//! The import streams into a [`SeriesPass`] (its reading threads into [`SeriesSink`]s); the
//! resulting [`SeriesBuilder`] keeps one small accumulator per customer and month (memory grows
//! with customers × months, not rows), and [`SeriesBuilder::finish`] or
//! [`SeriesBuilder::finish_in_order`] turns it into value series. [`typology`] classifies
//! a monthly margin series into a customer type ([`classify`]); later modules fit lifetime-value
//! models.
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
    classify, classify_series, classify_series_with, Classification, CustomerType, Features,
    Status, TypologyConfig,
};
