//! Writing the SVG: the root with its accessible name, coordinates, escaped text, the palette
//! with its hatching and dashes, legends and the "no data" chart.

use std::fmt::Write as _;

use kundenwert_core::markup::{escape, Markup};

use crate::ChartText;

/// Width of every chart's `viewBox`; heights vary by chart.
pub(crate) const WIDTH: f64 = 640.0;
/// Size of tick labels, legends and value labels.
pub(crate) const FONT: f64 = 12.0;
/// Size of axis titles.
pub(crate) const TITLE_FONT: f64 = 13.0;
/// Text colour.
pub(crate) const INK: &str = "#222222";
/// Axes and the muted text of ticks.
pub(crate) const MUTED: &str = "#555555";
/// Grid lines.
pub(crate) const GRID: &str = "#dddddd";

/// The Okabe–Ito palette, ordered so that neighbours differ most (blue, orange, bluish green,
/// vermillion, reddish purple, sky blue, yellow, black). The yellow, faint on white, comes late.
pub(crate) const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
];

/// The colour of series `i` (the palette repeats after eight).
pub(crate) fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Dash pattern of line series `i`: solid, dashed, dotted, dash-dot, long dash.
pub(crate) fn dash(i: usize) -> &'static str {
    ["", "6 4", "2 3", "8 3 2 3", "12 4"][i % 5]
}

/// Average advance of a sans-serif glyph in ems (DejaVu Sans is near 0.6, Helvetica 0.55):
/// text is measured by its length, erring wide.
const EM_PER_CHAR: f64 = 0.6;

/// Estimated width of `text` at `size`.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * EM_PER_CHAR
}

/// `text` shortened with "…" so that it is estimated to fit `width` at `size`.
pub(crate) fn fit(text: &str, size: f64, width: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let keep = ((width / (size * EM_PER_CHAR)).floor() as usize).saturating_sub(1);
    let mut out: String = text.chars().take(keep).collect();
    out.push('…');
    out
}

/// Text escaped for SVG content and attributes.
pub(crate) fn esc(text: &str) -> String {
    escape(text, Markup::Xml)
}

/// A coordinate with at most two decimals, no trailing zeros, no `-0`: `12`, `3.5`, `0.25`.
pub(crate) fn n(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let s = format!("{:.2}", v.clamp(-1e9, 1e9));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The chart's id prefix: ASCII letters, digits, `-` and `_`, starting with a letter.
fn id_prefix(id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
        clean
    } else {
        format!("c{clean}")
    }
}

/// An SVG being written.
pub(crate) struct Svg {
    /// The markup so far.
    pub out: String,
    /// The id prefix of this chart.
    pub id: String,
}

impl Svg {
    /// The root element (`role="img"`, `aria-labelledby` naming title and description) with
    /// `<title>` and `<desc>`, for a chart `height` high.
    pub(crate) fn new(text: &ChartText, height: f64) -> Svg {
        let id = id_prefix(&text.id);
        let mut out = String::with_capacity(8 * 1024);
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="sans-serif" font-size="{FONT}" fill="{INK}">"#,
            w = n(WIDTH),
            h = n(height),
        );
        let _ = writeln!(
            out,
            r#"<title id="{id}-title">{}</title>"#,
            esc(&text.title)
        );
        let _ = writeln!(out, r#"<desc id="{id}-desc">{}</desc>"#, esc(&text.desc));
        Svg { out, id }
    }

    /// The chart that says there is nothing to draw: the frame and [`ChartText::no_data`].
    pub(crate) fn no_data(text: &ChartText) -> String {
        let height = 160.0;
        let mut s = Svg::new(text, height);
        let _ = writeln!(
            s.out,
            r##"<rect x="0.5" y="0.5" width="{}" height="{}" fill="#ffffff" stroke="{GRID}"/>"##,
            n(WIDTH - 1.0),
            n(height - 1.0)
        );
        s.text(
            WIDTH / 2.0,
            height / 2.0 + FONT / 2.0,
            &fit(&text.no_data, TITLE_FONT, WIDTH - 40.0),
            Anchor::Middle,
            &format!(r#"font-size="{TITLE_FONT}" fill="{MUTED}""#),
        );
        s.finish()
    }

    /// `<text>` at (`x`, `y`) with extra attributes `attrs` (written as given).
    pub(crate) fn text(&mut self, x: f64, y: f64, text: &str, anchor: Anchor, attrs: &str) {
        let anchor = match anchor {
            Anchor::Start => "",
            Anchor::Middle => r#" text-anchor="middle""#,
            Anchor::End => r#" text-anchor="end""#,
        };
        let sep = if attrs.is_empty() { "" } else { " " };
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}"{anchor}{sep}{attrs}>{}</text>"#,
            n(x),
            n(y),
            esc(text)
        );
    }

    /// A line from (`x1`, `y1`) to (`x2`, `y2`) with attributes `attrs`.
    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, attrs: &str) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    /// Hatch patterns for fill series `0..count`, in `<defs>`: series 0 is solid, the others
    /// their colour crossed by white lines at different angles and spacings, so that bars and
    /// bands stay apart in grey print.
    pub(crate) fn hatch_defs(&mut self, count: usize) {
        if count <= 1 {
            return;
        }
        self.out.push_str("<defs>\n");
        for i in 1..count {
            // (angle, spacing, line width); the pattern repeats after five.
            let (angle, size, width) = [
                (45, 6.0, 2.0),
                (-45, 6.0, 2.0),
                (0, 5.0, 1.5),
                (90, 5.0, 1.5),
                (45, 4.0, 1.0),
            ][(i - 1) % 5];
            let _ = writeln!(
                self.out,
                r##"<pattern id="{id}-h{i}" patternUnits="userSpaceOnUse" width="{s}" height="{s}" patternTransform="rotate({angle})"><rect width="{s}" height="{s}" fill="{c}"/><line x1="0" y1="0" x2="{s}" y2="0" stroke="#ffffff" stroke-width="{w}"/></pattern>"##,
                id = self.id,
                s = n(size),
                c = color(i),
                w = n(width),
            );
        }
        self.out.push_str("</defs>\n");
    }

    /// The fill of series `i`: its colour (series 0) or its hatch pattern.
    pub(crate) fn fill(&self, i: usize) -> String {
        if i == 0 {
            color(0).to_string()
        } else {
            format!("url(#{}-h{i})", self.id)
        }
    }

    /// A legend row from `x` at `y`: a swatch drawn by `swatch` (given its left x and the
    /// row's middle y) and each name; wraps to a new row before `right`. Returns the y below
    /// the last row. Empty names are left out.
    pub(crate) fn legend(
        &mut self,
        x: f64,
        y: f64,
        right: f64,
        names: &[(usize, &str)],
        swatch: &dyn Fn(&mut Svg, usize, f64, f64),
    ) -> f64 {
        const ROW: f64 = 18.0;
        const SWATCH: f64 = 22.0;
        let mut cx = x;
        let mut cy = y;
        let mut any = false;
        for &(i, name) in names {
            if name.is_empty() {
                continue;
            }
            let label = fit(name, FONT, right - x - SWATCH - 6.0);
            let w = SWATCH + 6.0 + text_width(&label, FONT) + 16.0;
            if cx > x && cx + w > right {
                cx = x;
                cy += ROW;
            }
            swatch(self, i, cx, cy + ROW / 2.0);
            self.text(
                cx + SWATCH + 6.0,
                cy + ROW / 2.0 + FONT * 0.35,
                &label,
                Anchor::Start,
                "",
            );
            cx += w;
            any = true;
        }
        if any {
            cy + ROW + 4.0
        } else {
            y
        }
    }

    /// Closes the root element and returns the markup.
    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// Where a text's `x` is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Anchor {
    /// Its start.
    Start,
    /// Its middle.
    Middle,
    /// Its end.
    End,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_short_and_signless_at_zero() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(3.5), "3.5");
        assert_eq!(n(0.254), "0.25");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(n(1e300), "1000000000");
    }

    #[test]
    fn ids_are_names() {
        assert_eq!(id_prefix("types"), "types");
        assert_eq!(id_prefix(""), "c");
        assert_eq!(id_prefix("1 a\"b"), "c1_a_b");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(fit("short", 12.0, 100.0), "short");
        let cut = fit("a rather long customer name indeed", 12.0, 100.0);
        assert!(
            cut.ends_with('…') && text_width(&cut, 12.0) <= 100.0,
            "{cut}"
        );
    }
}
