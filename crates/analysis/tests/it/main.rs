//! Tests of the analysis: the customer-type classifier against labelled panels and hand-made
//! series, and the future value held against what happened (the forecast's backtest).
//!
//! One test binary for the crate, with every file a module of it: each test binary is linked
//! on its own, and on a 2-core CI the link steps add up.

mod forecast_backtest;
mod typology;
