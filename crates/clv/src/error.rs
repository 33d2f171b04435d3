//! Errors of the model fits.

use kundenwert_core::Lang;
use kundenwert_text as text;

/// Why a model could not be fitted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// No customers (or only customers with zero weight) were given.
    #[error("no data to fit")]
    NoData,
    /// Every customer has zero repeat transactions, so the purchase process is not identified.
    #[error("no customer made a repeat transaction")]
    NoRepeatBuyers,
    /// The optimiser stopped without reaching its convergence criterion.
    #[error("optimiser did not converge after {iterations} iterations (mean negative log-likelihood {value})")]
    NotConverged {
        /// Iterations spent.
        iterations: u64,
        /// Best mean negative log-likelihood reached.
        value: f64,
    },
    /// The log-likelihood or a result was not a finite number.
    #[error("non-finite value in {what}")]
    NonFinite {
        /// Where the non-finite value appeared.
        what: &'static str,
    },
    /// Too few customers or repeat buyers for the estimates to mean anything.
    #[error("too few repeat buyers ({found}; at least {needed} needed) to fit a purchase model")]
    TooFewCustomers {
        /// Customers (or repeat buyers) available.
        found: usize,
        /// At least this many are needed.
        needed: usize,
    },
    /// An input value is outside the model's domain (e.g. negative, NaN, t_x > T).
    #[error("invalid input: {what}")]
    InvalidInput {
        /// Which input and why.
        what: &'static str,
    },
}

impl FitError {
    /// Message for a reader in German or English.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FitError::NoData => text::clv_no_data(lang).to_string(),
            FitError::NoRepeatBuyers => text::clv_no_repeat_buyers(lang).to_string(),
            FitError::NotConverged { iterations, .. } => text::clv_not_converged(lang, iterations),
            FitError::NonFinite { what } => text::clv_non_finite(lang, what),
            FitError::TooFewCustomers { found, needed } => {
                text::clv_too_few_customers(lang, found, needed)
            }
            FitError::InvalidInput { what } => text::clv_invalid_input(lang, what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_exist_in_both_languages() {
        let all = [
            FitError::NoData,
            FitError::NoRepeatBuyers,
            FitError::NotConverged {
                iterations: 7,
                value: 1.0,
            },
            FitError::NonFinite { what: "x" },
            FitError::TooFewCustomers {
                found: 3,
                needed: 10,
            },
            FitError::InvalidInput { what: "y" },
        ];
        for e in &all {
            let (de, en) = (e.message(Lang::De), e.message(Lang::En));
            assert!(!de.is_empty() && !en.is_empty() && de != en, "{e:?}");
        }
    }
}
