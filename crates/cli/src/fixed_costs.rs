//! `--fixed-costs FILE`: yearly fixed costs per customer (key-account care, visits, special
//! terms) from a small CSV — `Kundennr.;Fixkosten` with German numbers or
//! `customer,fixed_cost` with English ones. Every line that cannot be used is named; customers
//! the data does not know are reported, not silently dropped.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;
use kundenwert_analysis::ValueSeries;
use kundenwert_core::Lang;
use kundenwert_ingest::numbers::{parse, shape, DecimalStyle, NumberShape};

use crate::UserError;

/// Reads the file; the customer is the first column, the yearly amount the second.
pub fn read(path: &Path, series: &ValueSeries, lang: Lang) -> Result<HashMap<String, f64>> {
    let bytes = std::fs::read(path).map_err(|e| {
        UserError::usage(
            format!("`{}`: {e}", path.display()),
            Some(
                lang.pick(
                    "eine CSV-Datei mit Kundennummer und Fixkosten pro Jahr angeben",
                    "name a CSV file with customer number and fixed cost per year",
                )
                .into(),
            ),
        )
    })?;
    // UTF-8, or Windows-1252 as German Excel writes it.
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
    // Decimal style: what the amounts say, else the delimiter's convention.
    let says = |s: NumberShape| rows.iter().any(|(_, _, a)| shape(a) == s);
    let style = if says(NumberShape::Comma) {
        DecimalStyle::Comma
    } else if says(NumberShape::Point) || delimiter != b';' {
        DecimalStyle::Point
    } else {
        DecimalStyle::Comma
    };
    let mut out = HashMap::new();
    let mut problems = Vec::new();
    for (line, customer, amount) in rows {
        match parse(&amount, style) {
            Some(v) if v >= 0.0 && !customer.is_empty() => {
                *out.entry(customer).or_insert(0.0) += v;
            }
            _ => problems.push(match lang {
                Lang::De => format!(
                    "{}:{line}: `{customer}`/`{amount}` ist keine Kundennummer mit Betrag ≥ 0",
                    path.display()
                ),
                Lang::En => format!(
                    "{}:{line}: `{customer}`/`{amount}` is not a customer number with an amount ≥ 0",
                    path.display()
                ),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(UserError::usage(
            problems.join("\n"),
            Some(
                lang.pick(
                    "je Zeile Kundennummer und Fixkosten pro Jahr, z. B. `10007;1.200,00`",
                    "one customer number and yearly fixed cost per line, e.g. `10007,1200.00`",
                )
                .into(),
            ),
        )
        .into());
    }
    let unknown: Vec<&String> = out
        .keys()
        .filter(|k| !series.customers.iter().any(|c| c.id.as_str() == k.as_str()))
        .collect();
    if !unknown.is_empty() {
        let mut shown: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        shown.sort_unstable();
        shown.truncate(10);
        eprintln!(
            "{}: {} ({})",
            lang.pick(
                "Fixkosten für Kunden ohne Umsatz in den Daten",
                "fixed costs for customers without transactions in the data"
            ),
            unknown.len(),
            shown.join(", ")
        );
    }
    Ok(out)
}
