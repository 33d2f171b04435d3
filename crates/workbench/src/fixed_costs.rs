//! Yearly fixed costs per customer (key-account care, visits, special terms) from a small CSV —
//! `Kundennr.;Fixkosten` with German numbers or `customer,fixed_cost` with English ones. Every
//! line that cannot be used is named; customers the data does not know are reported, not
//! silently dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kundenwert_analysis::ValueSeries;
use kundenwert_core::Lang;
use kundenwert_ingest::numbers::{parse, shape, DecimalStyle, NumberShape};

/// The fixed costs of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FixedCosts {
    /// Per customer number, per year (lines of one customer added up).
    pub per_year: HashMap<String, f64>,
    /// Customer numbers of the file the data has no transactions of, sorted.
    pub unknown: Vec<String>,
}

/// A line of the file that cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    /// Physical line number.
    pub line: u64,
    /// The customer field as written.
    pub customer: String,
    /// The amount field as written.
    pub amount: String,
}

/// Why the fixed costs cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixedCostsError {
    /// The file cannot be read.
    #[error("`{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Lines that are not a customer number with an amount ≥ 0.
    #[error("`{}`: {} lines are not a customer number with an amount ≥ 0", path.display(), lines.len())]
    BadLines {
        /// The file.
        path: PathBuf,
        /// The lines.
        lines: Vec<BadLine>,
    },
}

impl FixedCostsError {
    /// The message in the user's language and a `hint:` line.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        match self {
            FixedCostsError::Read { path, source } => (
                format!("`{}`: {source}", path.display()),
                Some(kundenwert_text::fixed_costs_read_hint(lang).into()),
            ),
            FixedCostsError::BadLines { path, lines } => (
                lines
                    .iter()
                    .map(|b| {
                        let (line, customer, amount) = (b.line, &b.customer, &b.amount);
                        kundenwert_text::fixed_costs_bad_line(
                            lang,
                            amount,
                            customer,
                            line,
                            path.display(),
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                Some(kundenwert_text::fixed_costs_bad_lines_hint(lang).into()),
            ),
        }
    }
}

/// Reads the fixed costs of `path` for the customers of `series`.
///
/// # Errors
/// When the file cannot be read or a line is not a customer number with an amount ≥ 0.
pub fn read(path: &Path, series: &ValueSeries) -> Result<FixedCosts, FixedCostsError> {
    let bytes = std::fs::read(path).map_err(|source| FixedCostsError::Read {
        path: path.to_owned(),
        source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => encoding_rs::WINDOWS_1252
            .decode(e.as_bytes())
            .0
            .into_owned(),
    };
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') {
        b';'
    } else if first.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rows: Vec<(u64, String, String)> = reader
        .records()
        .filter_map(|r| r.ok())
        .map(|r| {
            let line = r.position().map_or(0, |p| p.line());
            (
                line,
                r.get(0).unwrap_or_default().trim().to_string(),
                r.get(1).unwrap_or_default().trim().to_string(),
            )
        })
        .filter(|(_, c, a)| !(c.is_empty() && a.is_empty()))
        .collect();
    let says = |s: NumberShape| rows.iter().any(|(_, _, a)| shape(a) == s);
    let style = if says(NumberShape::Comma) {
        DecimalStyle::Comma
    } else if says(NumberShape::Point) || delimiter != b';' {
        DecimalStyle::Point
    } else {
        DecimalStyle::Comma
    };
    let mut per_year = HashMap::new();
    let mut bad = Vec::new();
    for (line, customer, amount) in rows {
        match parse(&amount, style) {
            Some(v) if v >= 0.0 && v.is_finite() && !customer.is_empty() => {
                *per_year.entry(customer).or_insert(0.0) += v;
            }
            _ => bad.push(BadLine {
                line,
                customer,
                amount,
            }),
        }
    }
    if !bad.is_empty() {
        return Err(FixedCostsError::BadLines {
            path: path.to_owned(),
            lines: bad,
        });
    }
    let known: std::collections::HashSet<&str> =
        series.customers.iter().map(|c| c.id.as_str()).collect();
    let mut unknown: Vec<String> = per_year
        .keys()
        .filter(|k| !known.contains(k.as_str()))
        .cloned()
        .collect();
    unknown.sort_unstable();
    Ok(FixedCosts { per_year, unknown })
}
