//! Tests of the problem-solving chain: reading chain files (every problem reported), editing,
//! exports and their round trips, the diagram (SVG and PNG), contact gaps, the focus plan and
//! the selection language.
//!
//! One test binary for the crate (see style-by-example.md) to keep link time down.

mod diagram;
mod edit;
mod exports;
mod formats;
mod gaps;
mod plan;
mod reading;
mod roundtrip;
mod selection;
