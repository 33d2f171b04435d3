//! Tests of the analysis: the customer-type classifier against labelled panels and hand-made
//! series, and the future value held against what happened (the forecast's backtest).
//!
//! One test binary for the crate (see style-by-example.md) to keep link time down.

mod forecast_backtest;
mod typology;
