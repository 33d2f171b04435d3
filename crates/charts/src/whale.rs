//! The whale curve: the cumulative share of margin against the cumulative share of customers,
//! most profitable first. It climbs above 100 % while profitable customers are added and comes
//! back down to 100 % as the unprofitable ones take their share away.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::plot::{self, Rect};
use crate::scale::{extent, finite, Axis, Linear};
use crate::svg::{color, n, Anchor, Svg, FONT, MUTED};
use crate::{ChartText, Format};

/// Most points [`whale_curve`] draws; longer inputs are thinned evenly (first, last and the
/// peak kept).
pub const MAX_WHALE_POINTS: usize = 2000;

/// A whale curve.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WhaleChart {
    /// Title, description and "no data" text.
    pub text: ChartText,
    /// `(share of customers, share of margin)` in order of x, both as fractions (`1.0` = 100 %),
    /// as [`whale_points`] computes them. Points with a non-finite coordinate are left out.
    pub points: Vec<(f64, f64)>,
    /// Title of the x axis, e.g. "Share of customers, most profitable first" (empty: none).
    pub x_axis: String,
    /// Title of the y axis, e.g. "Cumulative share of margin" (empty: none).
    pub y_axis: String,
}

/// Height of the chart.
const HEIGHT: f64 = 360.0;

/// The whale curve as SVG, ticks written in `format` (normally [`Format::Percent`]), with a
/// dashed reference line at 100 % and the peak marked with its value.
///
/// Both axes span at least 0 to 100 %. No point with finite coordinates gives the "no data"
/// chart.
pub fn whale_curve(chart: &WhaleChart, format: Format<'_>) -> String {
    let finite_points: Vec<(f64, f64)> = chart
        .points
        .iter()
        .filter_map(|&(x, y)| Some((finite(x)?, finite(y)?)))
        .collect();
    let peak = peak_index(finite_points.iter().map(|p| p.1));
    let points: Vec<(f64, f64)> = thin(finite_points.len(), MAX_WHALE_POINTS, peak)
        .into_iter()
        .map(|i| finite_points[i])
        .collect();
    let (Some((xlo, xhi)), Some((ylo, yhi))) = (
        extent(points.iter().map(|p| p.0)),
        extent(points.iter().map(|p| p.1)),
    ) else {
        return Svg::no_data(&chart.text);
    };
    let xa = Axis::Linear(Linear::new(
        xlo.min(0.0),
        xhi.max(1.0),
        5,
        format.min_step(),
    ));
    // Headroom above the peak for its label.
    let (ylo, yhi) = (ylo.min(0.0), yhi.max(1.0));
    let ya = Axis::Linear(Linear::new(
        ylo,
        yhi + (yhi - ylo) * 0.08,
        5,
        format.min_step(),
    ));

    let mut svg = Svg::new(&chart.text, HEIGHT);
    let plot = Rect {
        left: plot::left_for(&ya, format, &chart.y_axis),
        top: 16.0,
        right: plot::right_for(&xa, format),
        bottom: HEIGHT - plot::bottom_room(&chart.x_axis),
    };
    plot::y_axis(&mut svg, &plot, &ya, format, &chart.y_axis);
    plot::x_axis(&mut svg, &plot, &xa, format, &chart.x_axis);
    plot::frame(&mut svg, &plot);

    // The 100 % line.
    let y100 = plot.y(ya.fraction(1.0));
    svg.line(
        plot.left,
        y100,
        plot.right,
        y100,
        &format!(r#"stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="6 4""#),
    );

    let mut d = String::new();
    for (i, &(x, y)) in points.iter().enumerate() {
        let cmd = if i == 0 { 'M' } else { 'L' };
        let _ = write!(
            d,
            "{cmd}{} {} ",
            n(plot.x(xa.fraction(x))),
            n(plot.y(ya.fraction(y)))
        );
    }
    let _ = writeln!(
        svg.out,
        r#"<path d="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>"#,
        d.trim_end(),
        color(0)
    );

    if let Some(&(px, py)) = peak_index(points.iter().map(|p| p.1)).map(|i| &points[i]) {
        let (cx, cy) = (plot.x(xa.fraction(px)), plot.y(ya.fraction(py)));
        let _ = writeln!(
            svg.out,
            r##"<circle cx="{}" cy="{}" r="4" fill="#ffffff" stroke="{}" stroke-width="2"/>"##,
            n(cx),
            n(cy),
            color(0)
        );
        // Above the peak (the axis has room there), kept inside the plot.
        let label = format.value(py);
        let half = crate::svg::text_width(&label, FONT) / 2.0;
        let ty = (cy - 10.0).max(plot.top + FONT);
        let (tx, anchor) = if cx + half > plot.right {
            (plot.right, Anchor::End)
        } else if cx - half < plot.left {
            (plot.left + 4.0, Anchor::Start)
        } else {
            (cx, Anchor::Middle)
        };
        svg.text(
            tx,
            ty,
            &label,
            anchor,
            r##"font-weight="bold" stroke="#ffffff" stroke-width="3" paint-order="stroke""##,
        );
    }
    svg.finish()
}

/// The index of the largest of `values` (the first one on a tie), `None` when empty.
fn peak_index(values: impl Iterator<Item = f64>) -> Option<usize> {
    values
        .enumerate()
        .fold(None, |best: Option<(usize, f64)>, (i, v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((i, v)),
        })
        .map(|(i, _)| i)
}

/// At most `max` of the indices `0..len`, evenly spread, always with the first, the last and
/// `keep`; `max` below 3 counts as 3.
fn thin(len: usize, max: usize, keep: Option<usize>) -> Vec<usize> {
    let max = max.max(3);
    if len <= max {
        return (0..len).collect();
    }
    // `max - 1` evenly spread indices from the first to the last, then `keep` in its place.
    let slots = max - 2;
    let mut out: Vec<usize> = (0..=slots)
        .map(|j| ((j as u128 * (len - 1) as u128 + slots as u128 / 2) / slots as u128) as usize)
        .collect();
    if let Some(k) = keep {
        if let Err(pos) = out.binary_search(&k) {
            out.insert(pos, k);
        }
    }
    out.dedup();
    out
}

/// The whale curve's points from the customers' margins: sorted from the largest margin down,
/// `(i / n, cumulative margin of the first i / total margin)` for `i = 0..=n`, starting at
/// `(0, 0)` and ending at `(1, 1)`. At most `max_points` points (below 3 counts as 3): evenly
/// thinned, always keeping the start, the end and the peak, so that the curve's height is
/// exact.
///
/// Non-finite margins are left out. When the total margin is not positive, shares of it mean
/// nothing and the result is empty (the chart then shows its "no data" text).
pub fn whale_points(margins: &[f64], max_points: usize) -> Vec<(f64, f64)> {
    let mut sorted: Vec<f64> = margins.iter().copied().filter_map(finite).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = sorted.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return Vec::new();
    }
    let count = sorted.len() as f64;
    let mut cumulative = Vec::with_capacity(sorted.len() + 1);
    cumulative.push(0.0);
    let mut sum = 0.0;
    for m in &sorted {
        sum += m;
        cumulative.push(sum);
    }
    let peak = peak_index(cumulative.iter().copied());
    thin(cumulative.len(), max_points, peak)
        .into_iter()
        .map(|i| {
            // The last point is exactly (1, 1), whatever the float error of the running sum.
            if i + 1 == cumulative.len() {
                (1.0, 1.0)
            } else {
                (i as f64 / count, cumulative[i] / total)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_climb_to_the_peak_and_end_at_one() {
        let p = whale_points(&[-20.0, 50.0, 10.0, 60.0], 100);
        assert_eq!(
            p,
            vec![(0.0, 0.0), (0.25, 0.6), (0.5, 1.1), (0.75, 1.2), (1.0, 1.0)]
        );
    }

    #[test]
    fn thinning_keeps_start_end_and_peak() {
        let mut margins = vec![1.0; 999];
        margins.push(-500.0);
        let p = whale_points(&margins, 10);
        assert!(p.len() <= 10, "{}", p.len());
        assert_eq!(p.first(), Some(&(0.0, 0.0)));
        assert_eq!(p.last(), Some(&(1.0, 1.0)));
        let peak = p.iter().map(|q| q.1).fold(f64::MIN, f64::max);
        assert!((peak - 999.0 / 499.0).abs() < 1e-12, "{peak}");
        assert!(p.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn nothing_to_share() {
        assert!(whale_points(&[], 200).is_empty());
        assert!(whale_points(&[-1.0, 0.0], 200).is_empty());
        assert!(whale_points(&[f64::NAN, f64::INFINITY], 200).is_empty());
        assert_eq!(whale_points(&[5.0, f64::NAN], 0).len(), 2);
    }

    #[test]
    fn thin_spreads_evenly() {
        assert_eq!(thin(5, 10, None), vec![0, 1, 2, 3, 4]);
        assert_eq!(thin(101, 6, None), vec![0, 25, 50, 75, 100]);
        assert_eq!(thin(101, 6, Some(33)), vec![0, 25, 33, 50, 75, 100]);
        assert_eq!(thin(101, 0, Some(100)), vec![0, 100]);
        assert_eq!(thin(101, 0, Some(7)), vec![0, 7, 100]);
    }
}
