//! Tests of the lifetime-value models against published estimates (CDNOW, the donation data),
//! against data simulated from the models, at extreme inputs (property tests) and at the edge
//! where nobody leaves.
//!
//! One test binary for the crate, with every file a module of it: each test binary is linked
//! on its own, and on a 2-core CI the link steps add up.

mod bg_bb_donations;
mod bg_cnbd_cdnow;
mod bg_cnbd_props;
mod bg_cnbd_simulated;
mod bg_cnbd_warm_start;
mod cdnow_published;
mod demo_company_edge;
mod no_dropout_edge;
mod pareto_nbd_cdnow;
mod pareto_nbd_props;
mod pareto_nbd_simulated;
mod props;
mod sampled_warm_start;
mod simulation;
