//! Rejected rows and why, in German and English: every row that cannot be used is reported.

use kundenwert_core::Lang;
use kundenwert_text as text;
use serde::Serialize;

/// Why a row was not used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// A date that does not exist or has an unknown form.
    InvalidDate {
        /// The value as written.
        value: String,
        /// The column's `strftime` pattern.
        format: String,
    },
    /// A number that cannot be read in the column's style.
    InvalidNumber {
        /// The value as written.
        value: String,
        /// An example of the column's style, `1.234,56`.
        example: String,
    },
    /// A number that is not finite or larger than [`MAX_ABS_VALUE`]: a misread column (article
    /// numbers, barcodes) or a runaway value, never an invoice line's amount.
    ImplausibleNumber {
        /// The value as written, shortened to its start when it is long.
        value: String,
    },
    /// The customer number is empty.
    CustomerMissing,
    /// The date is empty.
    DateMissing,
    /// The amount (revenue, or quantity and unit price) is empty.
    AmountMissing,
    /// The row splits into a different number of fields than the header.
    FieldCount {
        /// Fields in this row.
        found: usize,
        /// Fields in the header.
        expected: usize,
        /// Another delimiter the row seems to use.
        other_delimiter: Option<char>,
    },
    /// A quote opens a field that runs over line breaks into whole rows: a stray quote. The
    /// following lines are read on their own.
    StrayQuote {
        /// Lines after this one that the quote would have swallowed.
        lines: u64,
    },
    /// A quoted field is never closed.
    UnclosedQuote {
        /// Physical lines from this row to the end of the file, none of which could be read.
        lines_not_read: u64,
    },
}

/// The largest absolute value a numeric cell (amount, quantity, price, cost, margin) may have:
/// a trillion. No invoice line comes near it, even in a currency of small units; beyond it a
/// value is a misread column, and sums of such values would no longer hold cents exactly. The
/// messages `import-reject-implausible-number` state it.
pub const MAX_ABS_VALUE: f64 = 1e12;

/// A rejected cell's value as a message shows it: whole when short, else its first 40
/// characters and `…`, so that a cell of millions of characters does not flood the report (the
/// rejects file keeps the whole row).
pub(crate) fn shown_value(raw: &str) -> String {
    const SHOWN: usize = 40;
    let raw = raw.trim();
    match raw.char_indices().nth(SHOWN) {
        None => raw.to_string(),
        Some((end, _)) => format!("{}…", &raw[..end]),
    }
}

/// Shows `%d.%m.%Y` as `DD.MM.YYYY` (or `TT.MM.JJJJ`).
fn human_pattern(pattern: &str, lang: Lang) -> String {
    let (d, y) = (
        text::import_pattern_day(lang),
        text::import_pattern_year(lang),
    );
    pattern
        .replace("%d", d)
        .replace("%m", "MM")
        .replace("%Y", y)
        .replace("%y", &y[..2])
}

impl Reason {
    /// The message a user reads.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Reason::InvalidDate { value, format } => {
                text::import_reject_invalid_date(lang, human_pattern(format, lang), value)
            }
            Reason::InvalidNumber { value, example } => {
                text::import_reject_invalid_number(lang, example, value)
            }
            Reason::ImplausibleNumber { value } => {
                text::import_reject_implausible_number(lang, value)
            }
            Reason::CustomerMissing => text::import_reject_customer_missing(lang).into(),
            Reason::DateMissing => text::import_reject_date_missing(lang).into(),
            Reason::AmountMissing => text::import_reject_amount_missing(lang).into(),
            Reason::FieldCount {
                found,
                expected,
                other_delimiter,
            } => {
                let mut m = text::import_reject_field_count(lang, expected, found);
                if let Some(c) = other_delimiter {
                    m.push_str(&text::import_reject_other_delimiter(lang, show(*c)));
                }
                m
            }
            Reason::StrayQuote { lines } => text::import_reject_stray_quote(lang, lines),
            Reason::UnclosedQuote { lines_not_read } => {
                text::import_reject_unclosed_quote(lang, lines_not_read)
            }
        }
    }
}

fn show(c: char) -> String {
    match c {
        '\t' => "\\t".into(),
        c => c.to_string(),
    }
}

/// One row that was not used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    /// File as given on the command line.
    pub file: String,
    /// Physical line (1-based; for XLSX the sheet row) where the row starts.
    pub line: u64,
    /// Header of the column at fault, if one is.
    pub column: Option<String>,
    /// Why.
    pub reason: Reason,
    /// The row as it stood in the file (decoded), for the rejects file.
    #[serde(skip)]
    pub raw: String,
}

impl Rejection {
    /// `Line 301, Belegdatum: '31.02.2024' is not a valid date (DD.MM.YYYY)`.
    pub fn message(&self, lang: Lang) -> String {
        match &self.column {
            Some(col) => {
                text::import_rejection_in_column(lang, col, self.line, self.reason.message(lang))
            }
            None => text::import_rejection(lang, self.line, self.reason.message(lang)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_the_product_notes() {
        let r = Rejection {
            file: "export.csv".into(),
            line: 301,
            column: Some("Belegdatum".into()),
            reason: Reason::InvalidDate {
                value: "31.02.2024".into(),
                format: "%d.%m.%Y".into(),
            },
            raw: String::new(),
        };
        assert_eq!(
            r.message(Lang::En),
            "Line 301, Belegdatum: '31.02.2024' is not a valid date (DD.MM.YYYY)"
        );
        assert_eq!(
            r.message(Lang::De),
            "Zeile 301, Belegdatum: '31.02.2024' ist kein gültiges Datum (TT.MM.JJJJ)"
        );
        let r = Rejection {
            line: 903,
            column: None,
            reason: Reason::CustomerMissing,
            ..r
        };
        assert_eq!(
            r.message(Lang::En),
            "Line 903: customer number missing; row skipped"
        );
    }
}
