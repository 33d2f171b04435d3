//! Bar charts of labelled values: one or more series side by side per category, horizontal or
//! vertical (customers per type; ABC classes with their share of customers and of value).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::plot::{self, Rect, GAP, RIGHT};
use crate::scale::{extent, finite, Axis, Linear};
use crate::svg::{fit, n, text_width, Anchor, Svg, FONT, MUTED, WIDTH};
use crate::{ChartText, Format};

/// Which way the bars run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    /// Bars run left to right, categories one under another (suits long labels and many
    /// categories).
    #[default]
    Horizontal,
    /// Columns rise from the bottom, categories side by side.
    Vertical,
}

/// One series of a bar chart: a value per category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BarSeries {
    /// The series' name in the legend (shown when there is more than one series; empty: left
    /// out of the legend).
    pub name: String,
    /// The value of each category, in the order of [`BarChart::categories`]; a missing or
    /// non-finite value draws no bar.
    pub values: Vec<f64>,
}

/// A bar chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    /// Title, description and "no data" text.
    pub text: ChartText,
    /// Which way the bars run.
    pub orientation: Orientation,
    /// The category labels, e.g. the customer types or `A`, `B`, `C`.
    pub categories: Vec<String>,
    /// The series, drawn side by side within each category (series 0 solid, the others
    /// hatched).
    pub series: Vec<BarSeries>,
    /// Title of the value axis (empty: none).
    pub value_axis: String,
    /// Whether each bar's value is written at its end.
    pub show_values: bool,
}

/// Height of the chart when the bars are vertical.
const VERTICAL_HEIGHT: f64 = 360.0;
/// Most categories drawn; more are left out (a chart of more bars is unreadable anyway).
const MAX_CATEGORIES: usize = 200;
/// Most series drawn.
const MAX_SERIES: usize = 16;

/// The bar chart as SVG; values, ticks and value labels written in `format`.
///
/// The value axis always includes zero, so bars start at it (negative values run the other
/// way). Nothing to draw (no category, or no finite value) gives the "no data" chart.
pub fn bars(chart: &BarChart, format: Format<'_>) -> String {
    let categories = &chart.categories[..chart.categories.len().min(MAX_CATEGORIES)];
    let series = &chart.series[..chart.series.len().min(MAX_SERIES)];
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().take(categories.len()).copied());
    let Some((lo, hi)) = extent(values).filter(|_| !categories.is_empty()) else {
        return Svg::no_data(&chart.text);
    };
    let axis = Axis::Linear(Linear::new(lo.min(0.0), hi.max(0.0), 5, format.min_step()));
    let layout = Layout {
        chart,
        categories,
        series,
        axis: &axis,
        format,
    };
    match chart.orientation {
        Orientation::Horizontal => layout.horizontal(),
        Orientation::Vertical => layout.vertical(),
    }
}

/// What both orientations draw from.
struct Layout<'a, 'f> {
    chart: &'a BarChart,
    categories: &'a [String],
    series: &'a [BarSeries],
    axis: &'a Axis,
    format: Format<'f>,
}

impl Layout<'_, '_> {
    /// The finite value of series `s` at category `c`.
    fn value(&self, s: usize, c: usize) -> Option<f64> {
        self.series[s].values.get(c).copied().and_then(finite)
    }

    /// The widest value label.
    fn value_room(&self) -> f64 {
        if !self.chart.show_values {
            return 0.0;
        }
        (0..self.series.len())
            .flat_map(|s| (0..self.categories.len()).map(move |c| (s, c)))
            .filter_map(|(s, c)| self.value(s, c))
            .map(|v| text_width(&self.format.value(v), FONT))
            .fold(0.0, f64::max)
            .min(WIDTH * 0.25)
            + GAP
    }

    /// The legend at the top (only with more than one series); returns the y below it.
    fn legend(&self, svg: &mut Svg, left: f64) -> f64 {
        if self.series.len() < 2 {
            return 12.0;
        }
        let names: Vec<(usize, &str)> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.name.as_str()))
            .collect();
        svg.legend(left, 6.0, WIDTH - RIGHT, &names, &|svg, i, x, y| {
            let fill = svg.fill(i);
            let _ = writeln!(
                svg.out,
                r#"<rect x="{}" y="{}" width="22" height="12" fill="{fill}" stroke="{}" stroke-width="0.5"/>"#,
                n(x),
                n(y - 6.0),
                crate::svg::color(i)
            );
        }) + 4.0
    }

    /// One bar of series `s` at `(x, y, width, height)`.
    fn bar(&self, svg: &mut Svg, s: usize, rect: (f64, f64, f64, f64)) {
        let (x, y, w, h) = rect;
        let fill = svg.fill(s);
        let _ = writeln!(
            svg.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="{}" stroke-width="0.5"/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            crate::svg::color(s)
        );
    }

    /// A category label, cut to `width`; the full label as a tooltip when cut.
    fn label(svg: &mut Svg, x: f64, y: f64, label: &str, width: f64, anchor: Anchor) {
        let cut = fit(label, FONT, width);
        if cut != *label {
            let _ = writeln!(svg.out, "<g><title>{}</title>", crate::svg::esc(label));
            svg.text(x, y, &cut, anchor, "");
            svg.out.push_str("</g>\n");
        } else {
            svg.text(x, y, label, anchor, "");
        }
    }

    fn horizontal(&self) -> String {
        let nser = self.series.len().max(1) as f64;
        let bar = if nser > 1.0 { 12.0 } else { 18.0 };
        let band = nser * bar + 10.0;
        let labels = self
            .categories
            .iter()
            .map(|c| text_width(c, FONT))
            .fold(0.0, f64::max)
            .min(WIDTH * 0.35);
        let left = 10.0 + labels + GAP;
        let right =
            (WIDTH - RIGHT - self.value_room()).min(plot::right_for(self.axis, self.format));
        // The legend's height is known only once drawn: draw it into a scratch chart first.
        let mut scratch = Svg::new(&self.chart.text, 0.0);
        let top = self.legend(&mut scratch, left);
        let height =
            top + band * self.categories.len() as f64 + plot::bottom_room(&self.chart.value_axis);
        let mut svg = Svg::new(&self.chart.text, height);
        svg.hatch_defs(self.series.len());
        self.legend(&mut svg, left);
        let plot = Rect {
            left,
            top,
            right,
            bottom: top + band * self.categories.len() as f64,
        };
        plot::x_axis(
            &mut svg,
            &plot,
            self.axis,
            self.format,
            &self.chart.value_axis,
        );
        let zero = plot.x(self.axis.fraction(0.0));
        for (c, label) in self.categories.iter().enumerate() {
            let y0 = plot.top + band * c as f64 + 5.0;
            Self::label(
                &mut svg,
                left - GAP,
                y0 + nser * bar / 2.0 + FONT * 0.35,
                label,
                labels,
                Anchor::End,
            );
            for s in 0..self.series.len() {
                let Some(v) = self.value(s, c) else { continue };
                let x = plot.x(self.axis.fraction(v));
                let y = y0 + bar * s as f64;
                self.bar(&mut svg, s, (zero.min(x), y, (x - zero).abs(), bar - 1.0));
                if self.chart.show_values {
                    let (tx, anchor) = if v < 0.0 {
                        (x - 4.0, Anchor::End)
                    } else {
                        (x + 4.0, Anchor::Start)
                    };
                    svg.text(
                        tx,
                        y + bar / 2.0 + FONT * 0.3,
                        &self.format.value(v),
                        anchor,
                        "",
                    );
                }
            }
        }
        svg.line(
            zero,
            plot.top,
            zero,
            plot.bottom,
            &format!(r#"stroke="{MUTED}""#),
        );
        svg.finish()
    }

    fn vertical(&self) -> String {
        let nser = self.series.len().max(1) as f64;
        let height = VERTICAL_HEIGHT;
        let left = plot::left_for(self.axis, self.format, &self.chart.value_axis);
        let mut svg = Svg::new(&self.chart.text, height);
        svg.hatch_defs(self.series.len());
        let top = self.legend(&mut svg, left) + if self.chart.show_values { FONT } else { 0.0 };
        let plot = Rect {
            left,
            top,
            right: WIDTH - RIGHT,
            bottom: height - GAP - FONT - 12.0,
        };
        plot::y_axis(
            &mut svg,
            &plot,
            self.axis,
            self.format,
            &self.chart.value_axis,
        );
        let band = (plot.right - plot.left) / self.categories.len() as f64;
        let bar = (band * 0.8 / nser).min(48.0);
        let zero = plot.y(self.axis.fraction(0.0));
        for (c, label) in self.categories.iter().enumerate() {
            let cx = plot.left + band * (c as f64 + 0.5);
            Self::label(
                &mut svg,
                cx,
                plot.bottom + GAP + FONT,
                label,
                band - 4.0,
                Anchor::Middle,
            );
            let x0 = cx - bar * nser / 2.0;
            for s in 0..self.series.len() {
                let Some(v) = self.value(s, c) else { continue };
                let y = plot.y(self.axis.fraction(v));
                let x = x0 + bar * s as f64;
                self.bar(&mut svg, s, (x, zero.min(y), bar - 1.0, (y - zero).abs()));
                if self.chart.show_values {
                    let label = self.format.value(v);
                    // Value labels wider than their bar would overlap their neighbours'.
                    let room = if nser == 1.0 { band - 2.0 } else { bar + 6.0 };
                    if text_width(&label, FONT) <= room {
                        let ty = if v < 0.0 { y + FONT + 2.0 } else { y - 4.0 };
                        svg.text(x + bar / 2.0, ty, &label, Anchor::Middle, "");
                    }
                }
            }
        }
        svg.line(
            plot.left,
            zero,
            plot.right,
            zero,
            &format!(r#"stroke="{MUTED}""#),
        );
        svg.finish()
    }
}
