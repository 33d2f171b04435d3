//! Domain types of Kundenwert, free of IO and async, shared by every crate.
//!
//! The import (`kundenwert-ingest`) turns files into [`Transaction`]s; the analysis
//! (`kundenwert-analysis`) aggregates them into value series per customer and [`Period`]
//! ([`PeriodKind`]: month, quarter, year), on the [`ValueBasis`] the export allows (margin, or
//! revenue when it has no cost), and gives each customer a [`CustomerType`]. [`Role`] names
//! what a column of an export means. [`Lang`] is the language of user-facing text; [`fmt`]
//! writes numbers, dates and labels in it; the texts themselves live in `kundenwert-text`.
//!
//! A reading hands its rows on through [`Pass`] and [`RowSink`]: the import calls them, the
//! analysis implements them, so neither crate depends on the other. [`closest`] (with
//! [`edit_distance`]) gives the typo hints of every "did you mean" message. [`cells`] keeps
//! text written into CSV cells from being run as a formula; [`markup`] is the one escape of text
//! for XML and HTML. [`par`] is the one way work runs on all cores, its results taken in order.
#![deny(missing_docs)]

pub mod cells;
mod customer_type;
pub mod fmt;
pub mod markup;
pub mod par;
mod pass;
mod period;
mod role;
mod typo;

pub use customer_type::CustomerType;
pub use pass::{Pass, RowSink};
pub use period::{Period, PeriodKind};
pub use role::{Role, UnknownRole};
pub use typo::{closest, edit_distance};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Language of every text a user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// German.
    De,
    /// English.
    #[default]
    En,
}

impl Lang {
    /// The language's code: `de` or `en` (as in files and HTML `lang` attributes).
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The date pattern (strftime) users read: `%d.%m.%Y` (de) or `%Y-%m-%d` (en).
    pub fn date_pattern(self) -> &'static str {
        match self {
            Lang::De => "%d.%m.%Y",
            Lang::En => "%Y-%m-%d",
        }
    }

    /// The thousands separator of whole amounts: `.` (de) or `,` (en).
    pub fn thousands_separator(self) -> &'static str {
        match self {
            Lang::De => ".",
            Lang::En => ",",
        }
    }

    /// The decimal separator: `,` (de) or `.` (en).
    pub fn decimal_separator(self) -> &'static str {
        match self {
            Lang::De => ",",
            Lang::En => ".",
        }
    }
}

/// One accepted line of an export, borrowed from the reader's buffers.
///
/// Amounts are in the file's currency. `cost` is `None` when the export has neither a cost nor a
/// margin column (the margin is then unknown, not zero).
#[derive(Debug, Clone, Copy)]
pub struct Transaction<'a> {
    /// Customer number as written in the export (trimmed).
    pub customer: &'a str,
    /// Customer name, when the export has one.
    pub name: Option<&'a str>,
    /// Invoice or order date.
    pub date: NaiveDate,
    /// Net revenue of the line; negative for credit notes and returns.
    pub revenue: f64,
    /// Cost of goods of the line, given or derived as revenue − margin.
    pub cost: Option<f64>,
    /// Quantity, when known.
    pub quantity: Option<f64>,
    /// Product or article number, when known.
    pub product: Option<&'a str>,
    /// Document (invoice or order) number, when known.
    pub document: Option<&'a str>,
}

impl Transaction<'_> {
    /// Contribution margin (DB I) of the line, when cost is known.
    pub fn margin(&self) -> Option<f64> {
        self.cost.map(|c| self.revenue - c)
    }
}

/// Which amount measures a customer's value: margin when cost or margin is known, else revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueBasis {
    /// Contribution margin (revenue − cost).
    Margin,
    /// Revenue, because the data has no cost or margin.
    Revenue,
}
