//! Customer lifetime-value models ("buy till you die"): maximum likelihood fits on per-customer
//! summaries (frequency, recency, age) and per-customer predictions.
//!
//! Every transaction model has the same shape: a `Params` struct of natural parameters with
//! `expected_transactions`, `p_alive` and `expected_transactions_new`, a per-customer
//! `log_likelihood`, and `fit(&[Summary], &FitOptions)` returning a `Fit` with the estimates,
//! the total log-likelihood and standard errors. Fits minimise the mean negative log-likelihood
//! over log-parameters ([`minimize`]); [`compress`] groups identical customers first.
//!
//! | module | model | time |
//! |---|---|---|
//! | [`bg_nbd`] | BG/NBD (Fader, Hardie & Lee 2005) | continuous |
//! | [`mbg_nbd`] | MBG/NBD (Batislam, Denizel & Filiztekin 2007) | continuous |
//! | [`pareto_nbd`] | Pareto/NBD (Schmittlein, Morrison & Colombo 1987) | continuous |
//! | [`bg_cnbd`] | BG/CNBD-k (Platzer & Reutterer 2016) | continuous |
//! | [`bg_bb`] | BG/BB (Fader, Hardie & Shang 2010) | discrete opportunities |
//! | [`gamma_gamma`] | Gamma-Gamma spend (Fader, Hardie & Lee 2005) | - |
//! | [`no_dropout`] | NBD and Poisson: the limit of the first three where nobody leaves | continuous |
//!
//! ```
//! use kundenwert_clv::{bg_nbd, compress, FitOptions, Summary};
//! // (repeat transactions x, time of the last one t_x, age T), in weeks.
//! let rows = [(2.0, 30.4, 38.9), (0.0, 0.0, 38.9), (5.0, 20.0, 25.0), (0.0, 0.0, 30.0),
//!             (1.0, 3.0, 36.0), (3.0, 33.0, 35.0), (0.0, 0.0, 37.0), (1.0, 10.0, 31.0)];
//! let fit = bg_nbd::fit(&compress(rows), &FitOptions::default())?;
//! let customer = Summary::new(2.0, 30.4, 38.9);
//! let next_quarter = fit.params.expected_transactions(&customer, 13.0);
//! assert!(next_quarter.is_finite() && next_quarter >= 0.0);
//! # Ok::<(), kundenwert_clv::FitError>(())
//! ```
#![deny(missing_docs)]

pub mod bg_bb;
pub mod bg_cnbd;
pub mod bg_nbd;
mod error;
pub mod gamma_gamma;
mod hyp2f1;
mod indexed;
pub mod mbg_nbd;
pub mod no_dropout;
pub mod optim;
pub mod pareto_nbd;
mod special;
pub mod summary;

pub use error::FitError;
pub use optim::{minimize, standard_errors, FitOptions, Optimum};
pub use summary::{compress, validate, Summary};
