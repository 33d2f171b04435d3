//! Customer lifetime-value models ("buy till you die"): maximum likelihood fits on per-customer
//! summaries (frequency, recency, age) and per-customer predictions.
#![deny(missing_docs)]

pub mod bg_bb;
pub mod bg_cnbd;
pub mod bg_nbd;
mod error;
pub mod gamma_gamma;
mod hyp2f1;
pub mod mbg_nbd;
pub mod optim;
pub mod pareto_nbd;
mod special;
pub mod summary;

pub use error::FitError;
pub use optim::{minimize, standard_errors, FitOptions, Optimum};
pub use summary::{compress, validate, Summary};
