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
//! How the fits work:
//!
//! - **Likelihoods** with analytic gradients in log-parameter space; Pareto/NBD's Gauss
//!   hypergeometric function is our own, in log space, golden-tested against mpmath.
//! - **Minimiser** ([`optim`]): our own L-BFGS (Armijo backtracking plus an approximate-Wolfe
//!   acceptance at noise level, the mean negative log-likelihood, non-finite values as +∞, the
//!   last point cached), argmin's Nelder-Mead as fallback; standard errors by forward
//!   differences of the analytic gradient.
//! - **Passes over tables** (`indexed`): rows of indices into tables of the distinct x, times
//!   and (for Pareto/NBD's hypergeometric endpoints) (x, t) pairs, in fixed chunks on all
//!   cores, so results do not depend on the thread count. Above 60 k distinct histories a fit
//!   starts from a 16 k-row sample's optimum and inverse Hessian.
//! - **The edge is a result.** Every minimisation has a pass budget
//!   ([`FitOptions::max_passes`]; the best point then, marked `budget_used`). A fit that runs
//!   along a flat ridge to the edge of the parameter space stops and says so (`at_boundary`).
//!   [`no_dropout`] fits the common limit where nobody leaves directly, and it is taken instead
//!   of BG/NBD, MBG/NBD, Pareto/NBD and BG/CNBD-1 when they gain no more than the 5 % boundary
//!   likelihood-ratio test allows (or failed).
//! - **Digits where B2B fits end.** The purchase-rate terms are written as
//!   ln Γ(r+x) − ln Γ(r) − x ln α and −(r+x) ln(1+T/α), so nothing cancels where r, α → 10⁹
//!   (everyone buys at the same rate); the Beta-dropout terms ln B(a, b+x) − ln B(a, b) and their
//!   digamma differences are summed exactly once b ≥ 10⁴ (`special::ln_beta_shift`), where
//!   differences of ln Γ lose their digits.
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
