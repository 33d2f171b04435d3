//! Value series per customer and period, and the current customer value.
//!
//! [`SeriesBuilder`] is the [`RowSink`](kundenwert_ingest::RowSink) the import streams into: it
//! keeps one small accumulator per customer and month (memory grows with customers × months,
//! not rows) and [`SeriesBuilder::finish`] turns it into [`ValueSeries`]. Later modules classify
//! the series into customer types and fit lifetime-value models.
#![deny(missing_docs)]

mod series;

pub use series::{
    CustomerSeries, HoldoutSummary, PeriodValue, SeriesBuilder, SeriesPass, SeriesSink,
    SharedSeries, ValueSeries,
};
