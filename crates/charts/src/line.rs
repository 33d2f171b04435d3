//! One customer's monthly values over time (solid), then the forecast (dashed) with its
//! low/high band (shaded and hatched).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::plot::{self, label_stride, Rect, GAP, RIGHT};
use crate::scale::{extent, finite, Axis, Linear};
use crate::svg::{color, dash, fit, n, text_width, Anchor, Svg, FONT, GRID, MUTED, WIDTH};
use crate::{ChartText, Format};

/// Most months drawn (past and forecast together); later ones are left out.
const MAX_MONTHS: usize = 1200;

/// One forecast month: the expected value and its range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ForecastPoint {
    /// The expected value (the dashed line); not finite: a gap.
    pub value: f64,
    /// The low end of the range; with `high`, the band (not finite: a gap in the band).
    pub low: f64,
    /// The high end of the range.
    pub high: f64,
}

/// A line over months with a forecast band.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineChart {
    /// Title, description and "no data" text.
    pub text: ChartText,
    /// The x labels, one per month: first those of [`past`](Self::past), then those of
    /// [`forecast`](Self::forecast), as the caller writes months (e.g. `03/2024`, `2024-03`).
    /// Missing labels stay blank; as many are shown as fit.
    pub months: Vec<String>,
    /// The values of the past months; a non-finite value is a gap in the line.
    pub past: Vec<f64>,
    /// The forecast months after the past ones.
    pub forecast: Vec<ForecastPoint>,
    /// Legend name of the past line, e.g. "Margin" (empty: not in the legend).
    pub past_name: String,
    /// Legend name of the forecast line, e.g. "Forecast" (empty: not in the legend).
    pub forecast_name: String,
    /// Legend name of the band, e.g. "Likely range" (empty: not in the legend).
    pub band_name: String,
    /// Title of the y axis (empty: none).
    pub y_axis: String,
}

/// Height of the chart.
const HEIGHT: f64 = 320.0;

/// The line chart as SVG, y ticks written in `format`.
///
/// The y axis always includes zero. The forecast line and band start at the last past value
/// when it is finite, so the two lines join. No finite value at all gives the "no data" chart.
pub fn line_with_band(chart: &LineChart, format: Format<'_>) -> String {
    let past = &chart.past[..chart.past.len().min(MAX_MONTHS)];
    let forecast = &chart.forecast[..chart.forecast.len().min(MAX_MONTHS - past.len())];
    let all = past
        .iter()
        .copied()
        .chain(forecast.iter().flat_map(|f| [f.value, f.low, f.high]));
    let Some((lo, hi)) = extent(all) else {
        return Svg::no_data(&chart.text);
    };
    let total = past.len() + forecast.len();
    let ya = Axis::Linear(Linear::new(lo.min(0.0), hi.max(0.0), 5, format.min_step()));

    let mut svg = Svg::new(&chart.text, HEIGHT);
    svg.hatch_defs(2);
    let left = plot::left_for(&ya, format, &chart.y_axis);
    let names = [
        (0, chart.past_name.as_str()),
        (1, chart.forecast_name.as_str()),
        (2, chart.band_name.as_str()),
    ];
    let band_fill = svg.fill(1);
    let top = svg.legend(left, 6.0, WIDTH - RIGHT, &names, &|svg, i, x, y| {
        if i == 2 {
            let _ = writeln!(
                svg.out,
                r#"<rect x="{}" y="{}" width="22" height="12" fill="{band_fill}" fill-opacity="0.4"/>"#,
                n(x),
                n(y - 6.0)
            );
        } else {
            svg.line(x, y, x + 22.0, y, &line_attrs(i));
        }
    }) + 6.0;
    // Room for half the last month's label.
    let last_label = chart
        .months
        .get(total - 1)
        .map_or(0.0, |l| text_width(l, FONT).min(WIDTH * 0.3));
    let plot = Rect {
        left,
        top,
        right: WIDTH - RIGHT.max(last_label / 2.0 + 4.0),
        bottom: HEIGHT - plot::bottom_room(""),
    };
    plot::y_axis(&mut svg, &plot, &ya, format, &chart.y_axis);

    // Months are evenly spaced; a single month sits in the middle.
    let x_of = |i: usize| -> f64 {
        if total <= 1 {
            (plot.left + plot.right) / 2.0
        } else {
            plot.x(i as f64 / (total - 1) as f64)
        }
    };
    let y_of = |v: f64| plot.y(ya.fraction(v));

    // Month labels, as many as fit.
    let labels: Vec<&str> = (0..total)
        .map(|i| chart.months.get(i).map_or("", String::as_str))
        .collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.3);
    let every = label_stride(total, widest, plot.right - plot.left);
    for (i, label) in labels.iter().enumerate() {
        let x = x_of(i);
        svg.line(
            x,
            plot.bottom,
            x,
            plot.bottom + 4.0,
            &format!(r#"stroke="{MUTED}""#),
        );
        if i % every == 0 && !label.is_empty() {
            svg.text(
                x,
                plot.bottom + GAP + FONT,
                &fit(label, FONT, widest),
                Anchor::Middle,
                &format!(r#"fill="{MUTED}""#),
            );
        }
    }
    plot::frame(&mut svg, &plot);

    // Where past and forecast meet: the last past month, if its value is known.
    let join = past
        .last()
        .copied()
        .and_then(finite)
        .map(|v| (past.len() - 1, v));
    if !past.is_empty() && !forecast.is_empty() {
        let x = x_of(past.len() - 1);
        svg.line(
            x,
            plot.top,
            x,
            plot.bottom,
            &format!(r#"stroke="{GRID}" stroke-width="1.5""#),
        );
    }

    // The band: runs of forecast months whose low and high are both known.
    let mut run: Vec<(usize, f64, f64)> = join.iter().map(|&(i, v)| (i, v, v)).collect();
    let mut runs = Vec::new();
    for (k, f) in forecast.iter().enumerate() {
        match (finite(f.low), finite(f.high)) {
            (Some(l), Some(h)) => run.push((past.len() + k, l.min(h), l.max(h))),
            _ => runs.push(std::mem::take(&mut run)),
        }
    }
    runs.push(run);
    for run in runs.iter().filter(|r| r.len() >= 2) {
        let mut d = String::new();
        for (j, &(i, _, h)) in run.iter().enumerate() {
            let cmd = if j == 0 { 'M' } else { 'L' };
            let _ = write!(d, "{cmd}{} {} ", n(x_of(i)), n(y_of(h)));
        }
        for &(i, l, _) in run.iter().rev() {
            let _ = write!(d, "L{} {} ", n(x_of(i)), n(y_of(l)));
        }
        let _ = writeln!(
            svg.out,
            r#"<path d="{}Z" fill="{band_fill}" fill-opacity="0.4" stroke="none"/>"#,
            d
        );
    }

    // The past line, then the forecast line from where the past ends.
    let past_points: Vec<(usize, Option<f64>)> = past
        .iter()
        .enumerate()
        .map(|(i, &v)| (i, finite(v)))
        .collect();
    polyline(&mut svg, &past_points, &x_of, &y_of, 0);
    let forecast_points: Vec<(usize, Option<f64>)> = join
        .map(|(i, v)| (i, Some(v)))
        .into_iter()
        .chain(
            forecast
                .iter()
                .enumerate()
                .map(|(k, f)| (past.len() + k, finite(f.value))),
        )
        .collect();
    polyline(&mut svg, &forecast_points, &x_of, &y_of, 1);
    svg.finish()
}

/// Stroke attributes of line series `i`: its colour and dash pattern.
fn line_attrs(i: usize) -> String {
    let dash = dash(i);
    let dash = if dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{dash}""#)
    };
    format!(r#"stroke="{}" stroke-width="2.5"{dash}"#, color(i))
}

/// Series `s` as a line through the known points, broken at unknown ones; a known point with
/// no known neighbour is drawn as a dot.
fn polyline(
    svg: &mut Svg,
    points: &[(usize, Option<f64>)],
    x_of: &dyn Fn(usize) -> f64,
    y_of: &dyn Fn(f64) -> f64,
    s: usize,
) {
    let mut d = String::new();
    let mut dots = Vec::new();
    for (j, &(i, v)) in points.iter().enumerate() {
        let Some(v) = v else { continue };
        let before = j > 0 && points[j - 1].1.is_some();
        let after = points.get(j + 1).is_some_and(|p| p.1.is_some());
        let cmd = if before { 'L' } else { 'M' };
        let _ = write!(d, "{cmd}{} {} ", n(x_of(i)), n(y_of(v)));
        if !before && !after {
            dots.push((x_of(i), y_of(v)));
        }
    }
    if !d.is_empty() {
        let _ = writeln!(
            svg.out,
            r#"<path d="{}" fill="none" {} stroke-linejoin="round"/>"#,
            d.trim_end(),
            line_attrs(s)
        );
    }
    for (x, y) in dots {
        let _ = writeln!(
            svg.out,
            r#"<circle cx="{}" cy="{}" r="3" fill="{}"/>"#,
            n(x),
            n(y),
            color(s)
        );
    }
}
