//! Accessible, server-rendered SVG charts, shared by the web workbench and the reports.
//!
//! Each chart is one function that takes a small serde-friendly input and returns the SVG as a
//! `String`: [`bars`] (grouped bars, horizontal or vertical), [`whale_curve`] (cumulative
//! margin share against cumulative customer share, with [`whale_points`] to compute and thin
//! its points), [`scatter_quadrant`] (current × future value with quadrant lines, optionally on
//! a symmetric log scale) and [`line_with_band`] (monthly values, then a forecast with its
//! low/high band).
//!
//! Every chart:
//! - is an `<svg role="img">` whose `aria-labelledby` names its `<title>` and `<desc>`; the
//!   caller gives both texts in [`ChartText`], and the text shown when there is nothing to draw.
//!   The crate has no user-facing text of its own: names, labels and axis titles come from the
//!   caller, tick numbers from a [`Format`] (the reader's language through
//!   [`kundenwert_core::fmt`], or the caller's own function);
//! - sizes itself by its `viewBox` and fills the width of its container (`width="100%"`);
//!   text is real `<text>` in `sans-serif`;
//! - tells series apart by the Okabe–Ito colour-blind-safe palette and, for grey print, by
//!   hatching (bars, bands), dash patterns (lines) and marker shapes (points);
//! - escapes every text through [`kundenwert_core::markup::escape`];
//! - never panics: values that are NaN or infinite are left out (a bar not drawn, a gap in a
//!   line), finite values beyond ±10³⁰⁰ are clamped to it, and input with nothing to draw gives
//!   an accessible chart that shows [`ChartText::no_data`];
//! - is deterministic: the same input gives the same bytes.
//!
//! No IO, no async. A data table beside the chart is the caller's (the page's or report's).
#![deny(missing_docs)]

mod bars;
mod line;
mod plot;
mod scale;
mod scatter;
mod svg;
mod whale;

use kundenwert_core::{fmt, Lang};
use serde::{Deserialize, Serialize};

pub use bars::{bars, BarChart, BarSeries, Orientation};
pub use line::{line_with_band, ForecastPoint, LineChart};
pub use scatter::{
    scatter_quadrant, QuadrantLabels, ScatterChart, ScatterPoint, MAX_SCATTER_POINTS,
};
pub use whale::{whale_curve, whale_points, WhaleChart, MAX_WHALE_POINTS};

/// The texts every chart carries; the caller writes them in the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartText {
    /// Prefix of the ids inside the chart (`{id}-title`, `{id}-desc`, hatch patterns): unique
    /// among the charts of one page. Characters other than ASCII letters, digits, `-` and `_`
    /// are replaced by `_`; an empty id or one not starting with a letter gets a `c` in front.
    pub id: String,
    /// The chart's accessible name (`<title>`), e.g. "Customers per type".
    pub title: String,
    /// One sentence summarising the data (`<desc>`), e.g. "Most customers are steady; 12 % are
    /// growing."
    pub desc: String,
    /// Shown in place of the chart when there is nothing to draw, e.g. "No data yet.".
    pub no_data: String,
}

/// How the numbers at the ticks (and the values written beside bars and peaks) read.
#[derive(Clone, Copy)]
pub enum Format<'a> {
    /// Numbers with grouped thousands in the language ([`fmt::amount`]): `1.234` (de), `1,234`
    /// (en); as many decimals as the tick step needs.
    Number(Lang),
    /// Shares (`0.38`) as whole percentages ([`fmt::percent`]): `38 %` (de), `38%` (en). Ticks
    /// are at least one percentage point apart.
    Percent(Lang),
    /// The caller's own formatter, called with the tick's value.
    Custom(&'a dyn Fn(f64) -> String),
}

impl std::fmt::Debug for Format<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Format::Number(lang) => f.debug_tuple("Number").field(lang).finish(),
            Format::Percent(lang) => f.debug_tuple("Percent").field(lang).finish(),
            Format::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

impl Format<'_> {
    /// The smallest tick step this format can tell apart (percent ticks are whole points).
    fn min_step(&self) -> f64 {
        match self {
            Format::Percent(_) => 0.01,
            _ => 0.0,
        }
    }

    /// `value` as a tick on an axis whose ticks are `step` apart.
    fn tick(&self, value: f64, step: f64) -> String {
        match self {
            Format::Number(lang) => fmt::amount(value, decimals_for(step), *lang),
            Format::Percent(lang) => fmt::percent(value, *lang),
            Format::Custom(f) => f(value),
        }
    }

    /// `value` on its own (a bar's value, a peak), with up to two decimals for numbers
    /// below 100.
    fn value(&self, value: f64) -> String {
        match self {
            Format::Number(lang) => {
                let decimals = if value.fract() == 0.0 || value.abs() >= 100.0 {
                    0
                } else {
                    2
                };
                fmt::amount(value, decimals, *lang)
            }
            Format::Percent(lang) => fmt::percent(value, *lang),
            Format::Custom(f) => f(value),
        }
    }
}

/// Decimals that tell ticks `step` apart: none for steps of 1 and more, else enough for the
/// step's first significant digit (at most 6).
fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        return 0;
    }
    let d = (-step.log10() - 1e-9).ceil();
    (d.max(0.0) as usize).min(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_decimals_follow_the_step() {
        assert_eq!(decimals_for(1000.0), 0);
        assert_eq!(decimals_for(1.0), 0);
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(0.1), 1);
        assert_eq!(decimals_for(0.25), 1);
        assert_eq!(decimals_for(0.02), 2);
        assert_eq!(decimals_for(1e-12), 6);
        assert_eq!(decimals_for(f64::NAN), 0);
    }

    #[test]
    fn ticks_read_as_the_language_writes_numbers() {
        assert_eq!(Format::Number(Lang::De).tick(1234.0, 500.0), "1.234");
        assert_eq!(Format::Number(Lang::En).tick(1234.0, 500.0), "1,234");
        assert_eq!(Format::Number(Lang::De).tick(0.5, 0.5), "0,5");
        assert_eq!(Format::Percent(Lang::De).tick(0.4, 0.2), "40 %");
        assert_eq!(Format::Percent(Lang::En).tick(0.4, 0.2), "40%");
        let euro = |v: f64| format!("{v} €");
        assert_eq!(Format::Custom(&euro).tick(3.0, 1.0), "3 €");
    }
}
