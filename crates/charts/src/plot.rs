//! The plot area of a chart with axes: its rectangle, grid lines, tick labels and axis titles.

use crate::scale::Axis;
use crate::svg::{fit, n, text_width, Anchor, Svg, FONT, GRID, MUTED, TITLE_FONT, WIDTH};
use crate::Format;

/// Space between tick labels and the plot, and around axis titles.
pub(crate) const GAP: f64 = 6.0;
/// Right margin of every chart.
pub(crate) const RIGHT: f64 = 16.0;

/// The plot area, in `viewBox` units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rect {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl Rect {
    /// The x of a fraction `0..=1` of the width.
    pub(crate) fn x(&self, fraction: f64) -> f64 {
        self.left + fraction.clamp(-0.05, 1.05) * (self.right - self.left)
    }

    /// The y of a fraction `0..=1` of the height, from the bottom.
    pub(crate) fn y(&self, fraction: f64) -> f64 {
        self.bottom - fraction.clamp(-0.05, 1.05) * (self.bottom - self.top)
    }
}

/// The widest tick label of `axis` in `format`.
pub(crate) fn tick_label_width(axis: &Axis, format: Format<'_>) -> f64 {
    axis.ticks()
        .iter()
        .map(|&t| text_width(&format.tick(t, axis.step()), FONT))
        .fold(0.0, f64::max)
}

/// The left edge of a plot whose y axis is `axis` with title `title`: room for the rotated
/// title and the tick labels.
pub(crate) fn left_for(axis: &Axis, format: Format<'_>, title: &str) -> f64 {
    let title_room = if title.is_empty() {
        0.0
    } else {
        TITLE_FONT + GAP
    };
    (8.0 + title_room + tick_label_width(axis, format).min(WIDTH * 0.3) + GAP).max(32.0)
}

/// The ticks of `axis` in the order their labels are placed: zero first (the one label a
/// reader always looks for), then from low to high.
fn label_order(axis: &Axis) -> Vec<f64> {
    let ticks = axis.ticks();
    let zero = ticks.iter().copied().filter(|&t| t == 0.0);
    zero.chain(ticks.iter().copied().filter(|&t| t != 0.0))
        .collect()
}

/// Horizontal grid lines and tick labels of the y axis (a label too close to one already
/// placed is left out, which happens near zero on a log axis), and its rotated title.
pub(crate) fn y_axis(svg: &mut Svg, plot: &Rect, axis: &Axis, format: Format<'_>, title: &str) {
    let width = WIDTH * 0.3;
    for &t in axis.ticks() {
        let y = plot.y(axis.fraction(t));
        svg.line(plot.left, y, plot.right, y, &format!(r#"stroke="{GRID}""#));
    }
    let mut placed: Vec<f64> = Vec::new();
    for t in label_order(axis) {
        let y = plot.y(axis.fraction(t));
        if placed.iter().any(|p| (p - y).abs() < FONT + 2.0) {
            continue;
        }
        placed.push(y);
        let label = fit(&format.tick(t, axis.step()), FONT, width);
        svg.text(
            plot.left - GAP,
            y + FONT * 0.35,
            &label,
            Anchor::End,
            &format!(r#"fill="{MUTED}""#),
        );
    }
    if !title.is_empty() {
        let cy = (plot.top + plot.bottom) / 2.0;
        let label = fit(title, TITLE_FONT, plot.bottom - plot.top);
        svg.text(
            8.0 + TITLE_FONT * 0.8,
            cy,
            &label,
            Anchor::Middle,
            &format!(
                r#"font-size="{TITLE_FONT}" transform="rotate(-90 {} {})""#,
                n(8.0 + TITLE_FONT * 0.8),
                n(cy)
            ),
        );
    }
}

/// Vertical grid lines and tick labels of the x axis below the plot (a label that would touch
/// one already placed is left out), and its title below them.
pub(crate) fn x_axis(svg: &mut Svg, plot: &Rect, axis: &Axis, format: Format<'_>, title: &str) {
    for &t in axis.ticks() {
        let x = plot.x(axis.fraction(t));
        svg.line(x, plot.top, x, plot.bottom, &format!(r#"stroke="{GRID}""#));
    }
    // The extents of the labels placed so far.
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for t in label_order(axis) {
        let x = plot.x(axis.fraction(t));
        let label = format.tick(t, axis.step());
        let half = text_width(&label, FONT) / 2.0;
        let (from, to) = (x - half - 4.0, x + half + 4.0);
        if placed.iter().any(|&(a, b)| from < b && a < to) {
            continue;
        }
        placed.push((from, to));
        svg.text(
            x,
            plot.bottom + GAP + FONT,
            &label,
            Anchor::Middle,
            &format!(r#"fill="{MUTED}""#),
        );
    }
    x_title(svg, plot, title);
}

/// The right edge of a plot whose x axis is `axis`: room for half its last tick label.
pub(crate) fn right_for(axis: &Axis, format: Format<'_>) -> f64 {
    let half = axis.ticks().last().map_or(0.0, |&t| {
        text_width(&format.tick(t, axis.step()), FONT) / 2.0
    });
    WIDTH - RIGHT.max(half + 4.0)
}

/// The x axis's title, centred below the tick labels.
pub(crate) fn x_title(svg: &mut Svg, plot: &Rect, title: &str) {
    if !title.is_empty() {
        let label = fit(title, TITLE_FONT, plot.right - plot.left);
        svg.text(
            (plot.left + plot.right) / 2.0,
            plot.bottom + GAP + FONT + GAP + TITLE_FONT,
            &label,
            Anchor::Middle,
            &format!(r#"font-size="{TITLE_FONT}""#),
        );
    }
}

/// Room below the plot for x tick labels and, if there is one, the axis title.
pub(crate) fn bottom_room(title: &str) -> f64 {
    let title_room = if title.is_empty() {
        0.0
    } else {
        GAP + TITLE_FONT
    };
    GAP + FONT + title_room + 10.0
}

/// Show every `k`-th of `count` labels `widest` wide spread over `span`, so that they keep at
/// least a few units apart.
pub(crate) fn label_stride(count: usize, widest: f64, span: f64) -> usize {
    if count <= 1 {
        return 1;
    }
    let spacing = span / (count - 1) as f64;
    let need = widest + 8.0;
    if spacing >= need || spacing <= 0.0 {
        1
    } else {
        ((need / spacing).ceil() as usize).clamp(1, count)
    }
}

/// The axis lines along the plot's left and bottom edges.
pub(crate) fn frame(svg: &mut Svg, plot: &Rect) {
    let attrs = format!(r#"stroke="{MUTED}""#);
    svg.line(plot.left, plot.bottom, plot.right, plot.bottom, &attrs);
    svg.line(plot.left, plot.top, plot.left, plot.bottom, &attrs);
}
