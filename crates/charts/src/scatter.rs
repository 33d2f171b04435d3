//! The portfolio scatter: current value (x) against future value (y), one point per customer
//! coloured and shaped by its category (customer type), split into quadrants at the medians.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::plot::{self, Rect, GAP, RIGHT};
use crate::scale::{extent, finite, Axis, Linear, SymLog};
use crate::svg::{color, fit, n, Anchor, Svg, FONT, MUTED, WIDTH};
use crate::{ChartText, Format};

/// Most points [`scatter_quadrant`] draws: the first ones given; the caller samples larger
/// portfolios (a chart of more points is a blot, and its SVG megabytes).
pub const MAX_SCATTER_POINTS: usize = 5000;

/// One customer in the scatter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ScatterPoint {
    /// Current value (x).
    pub x: f64,
    /// Future value (y).
    pub y: f64,
    /// Index into [`ScatterChart::categories`]: the point's colour and marker shape.
    pub category: usize,
}

/// The labels written into the quadrants' outer corners (empty: none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuadrantLabels {
    /// Low x, high y (e.g. "develop").
    pub top_left: String,
    /// High x, high y (e.g. "keep and grow").
    pub top_right: String,
    /// Low x, low y (e.g. "serve efficiently").
    pub bottom_left: String,
    /// High x, low y (e.g. "secure").
    pub bottom_right: String,
}

/// A quadrant scatter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScatterChart {
    /// Title, description and "no data" text.
    pub text: ChartText,
    /// Title of the x axis, e.g. "Current value" (empty: none).
    pub x_axis: String,
    /// Title of the y axis, e.g. "Future value" (empty: none).
    pub y_axis: String,
    /// The categories' names for the legend (e.g. the customer types); a point's
    /// [`ScatterPoint::category`] indexes it. An index beyond it still gets its colour and
    /// shape, without a legend entry; empty names are left out of the legend.
    pub categories: Vec<String>,
    /// The points, drawn in this order (later ones on top); at most [`MAX_SCATTER_POINTS`]
    /// are drawn. Points with a non-finite coordinate are left out.
    pub points: Vec<ScatterPoint>,
    /// Where the vertical quadrant line stands (the median of x); not finite: no line.
    pub median_x: f64,
    /// Where the horizontal quadrant line stands (the median of y); not finite: no line.
    pub median_y: f64,
    /// The quadrants' labels.
    pub quadrants: QuadrantLabels,
    /// Both axes on a symmetric log scale, `sign(v) · log10(1 + |v|)`, for values spanning
    /// orders of magnitude: ticks at 0 and ±1, ±10, ±100, …; zero and negative values keep
    /// their place and order (nothing is clamped or dropped), and values between −1 and 1 are
    /// nearly linear.
    pub log: bool,
}

/// Height of the chart.
const HEIGHT: f64 = 420.0;

/// The scatter as SVG, ticks written in `format`.
///
/// No point with finite coordinates gives the "no data" chart.
pub fn scatter_quadrant(chart: &ScatterChart, format: Format<'_>) -> String {
    let points: Vec<ScatterPoint> = chart
        .points
        .iter()
        .take(MAX_SCATTER_POINTS)
        .filter_map(|p| {
            Some(ScatterPoint {
                x: finite(p.x)?,
                y: finite(p.y)?,
                category: p.category,
            })
        })
        .collect();
    if points.is_empty() {
        return Svg::no_data(&chart.text);
    }
    let mx = finite(chart.median_x);
    let my = finite(chart.median_y);
    let axis = |values: &mut dyn Iterator<Item = f64>| -> Axis {
        let (lo, hi) = extent(values).unwrap_or((0.0, 1.0));
        if chart.log {
            Axis::SymLog(SymLog::new(lo, hi))
        } else {
            Axis::Linear(Linear::new(lo, hi, 5, format.min_step()))
        }
    };
    let xa = axis(&mut points.iter().map(|p| p.x).chain(mx));
    let ya = axis(&mut points.iter().map(|p| p.y).chain(my));

    let mut svg = Svg::new(&chart.text, HEIGHT);
    let left = plot::left_for(&ya, format, &chart.y_axis);
    let mut used: Vec<usize> = points.iter().map(|p| p.category).collect();
    used.sort_unstable();
    used.dedup();
    let names: Vec<(usize, &str)> = used
        .iter()
        .filter_map(|&c| chart.categories.get(c).map(|name| (c, name.as_str())))
        .collect();
    let top = svg.legend(left, 6.0, WIDTH - RIGHT, &names, &|svg, c, x, y| {
        marker(svg, c, x + 11.0, y, 5.0);
    }) + 6.0;
    let plot = Rect {
        left,
        top,
        right: plot::right_for(&xa, format),
        bottom: HEIGHT - plot::bottom_room(&chart.x_axis),
    };
    plot::y_axis(&mut svg, &plot, &ya, format, &chart.y_axis);
    plot::x_axis(&mut svg, &plot, &xa, format, &chart.x_axis);
    plot::frame(&mut svg, &plot);

    let quadrant_line = format!(r#"stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="6 4""#);
    if let Some(m) = mx {
        let x = plot.x(xa.fraction(m));
        svg.line(x, plot.top, x, plot.bottom, &quadrant_line);
    }
    if let Some(m) = my {
        let y = plot.y(ya.fraction(m));
        svg.line(plot.left, y, plot.right, y, &quadrant_line);
    }

    svg.out.push_str(r#"<g fill-opacity="0.75">"#);
    svg.out.push('\n');
    for p in &points {
        let (x, y) = (plot.x(xa.fraction(p.x)), plot.y(ya.fraction(p.y)));
        marker(&mut svg, p.category, x, y, 3.5);
    }
    svg.out.push_str("</g>\n");

    // The quadrant labels in the plot's corners, over the points with a white halo.
    let q = &chart.quadrants;
    let half = (plot.right - plot.left) / 2.0 - 2.0 * GAP;
    let halo = r##"font-weight="bold" fill="#333333" stroke="#ffffff" stroke-width="3" paint-order="stroke""##;
    let (ty, by) = (plot.top + GAP + FONT, plot.bottom - GAP - 2.0);
    let (lx, rx) = (plot.left + GAP, plot.right - GAP);
    for (label, x, y, anchor) in [
        (&q.top_left, lx, ty, Anchor::Start),
        (&q.top_right, rx, ty, Anchor::End),
        (&q.bottom_left, lx, by, Anchor::Start),
        (&q.bottom_right, rx, by, Anchor::End),
    ] {
        if !label.is_empty() {
            svg.text(x, y, &fit(label, FONT, half), anchor, halo);
        }
    }
    svg.finish()
}

/// The marker of category `c` centred at (`x`, `y`) with "radius" `r`: circle, square,
/// triangle, diamond, inverted triangle, repeating after five (with the colour after eight).
fn marker(svg: &mut Svg, c: usize, x: f64, y: f64, r: f64) {
    let col = color(c);
    let paint = format!(r#"fill="{col}" stroke="{col}" stroke-width="0.75""#);
    let poly = |pts: &[(f64, f64)]| -> String {
        pts.iter()
            .map(|&(dx, dy)| format!("{},{}", n(x + dx * r), n(y + dy * r)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = match c % 5 {
        0 => writeln!(
            svg.out,
            r#"<circle cx="{}" cy="{}" r="{}" {paint}/>"#,
            n(x),
            n(y),
            n(r)
        ),
        1 => writeln!(
            svg.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {paint}/>"#,
            n(x - r * 0.9),
            n(y - r * 0.9),
            n(r * 1.8),
            n(r * 1.8)
        ),
        2 => writeln!(
            svg.out,
            r#"<polygon points="{}" {paint}/>"#,
            poly(&[(0.0, -1.2), (1.1, 0.8), (-1.1, 0.8)])
        ),
        3 => writeln!(
            svg.out,
            r#"<polygon points="{}" {paint}/>"#,
            poly(&[(0.0, -1.3), (1.3, 0.0), (0.0, 1.3), (-1.3, 0.0)])
        ),
        _ => writeln!(
            svg.out,
            r#"<polygon points="{}" {paint}/>"#,
            poly(&[(0.0, 1.2), (1.1, -0.8), (-1.1, -0.8)])
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrant_labels_fit_half_the_plot() {
        let q = QuadrantLabels {
            top_left: "x".repeat(200),
            ..QuadrantLabels::default()
        };
        let svg = scatter_quadrant(
            &ScatterChart {
                points: vec![ScatterPoint {
                    x: 1.0,
                    y: 2.0,
                    category: 0,
                }],
                quadrants: q,
                median_x: f64::NAN,
                median_y: f64::NAN,
                ..ScatterChart::default()
            },
            Format::Number(kundenwert_core::Lang::En),
        );
        assert!(svg.contains('…'));
        assert!(!svg.contains(&"x".repeat(100)));
    }
}
