//! Tests of the problem-solving chain: reading chain files (every problem reported), editing,
//! exports and their round trips, the diagram (SVG and PNG), contact gaps, the focus plan and
//! the selection language.
//!
//! One test binary for the crate, with every file a module of it: each test binary is linked
//! on its own, and on a 2-core CI the link steps add up.

mod diagram;
mod edit;
mod exports;
mod formats;
mod gaps;
mod plan;
mod reading;
mod roundtrip;
mod selection;
