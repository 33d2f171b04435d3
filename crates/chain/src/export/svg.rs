//! The chain diagram as SVG, with our own layout.
//!
//! Tiers are columns in chain order (supplier → self → customer → customer's customer → user, only
//! those present); `other` actors sit in a row below. Within a column the actors are ordered by
//! barycentre sweeps so that flows cross less. Flows between neighbouring columns are curves
//! through the gap between them; every other flow (and every flow touching an `other` actor) is
//! routed orthogonally through the gaps and a channel of lanes between the columns and the
//! `other` row, so no line runs over a box. Contact lines run from our own box to every actor
//! where we know persons; their style is the strongest contact there.
//!
//! Text is measured with the advance widths of the bundled DejaVu Sans, the same font the PNG
//! export renders with, so names wrap or get an ellipsis before they overflow their box.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kundenwert_core::{fmt, Lang};
use kundenwert_text as text;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider};

use super::common::{forbidden_in_xml, xml_escape};
use crate::model::{Actor, ActorFigures, Chain, Contact, FlowKind, Person, Tier};

/// Family name of the bundled font; the SVG names it and the PNG export loads it.
pub const FONT_FAMILY: &str = "DejaVu Sans";
/// DejaVu Sans (regular), bundled so that measuring and rendering never depend on system fonts.
pub(crate) static FONT_REGULAR: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub(crate) static FONT_BOLD: &[u8] = include_bytes!("../../assets/DejaVuSans-Bold.ttf");

// Geometry, in SVG user units (= CSS px at scale 1).
const MARGIN: f32 = 40.0;
const BOX_W: f32 = 240.0;
const GAP: f32 = 170.0;
const ROW_GAP: f32 = 34.0;
const OTHER_GAP: f32 = 70.0;
const PAD: f32 = 10.0;
const LANE_H: f32 = 26.0;
const TRACK_STEP: f32 = 8.0;
const MIN_WIDTH: f32 = 780.0;
/// Room for the `other` row's header text.
const OTHER_HEADER_W: f32 = 110.0;

// Type scale.
const TITLE_SIZE: f32 = 19.0;
const HEADER_SIZE: f32 = 14.0;
const NAME_SIZE: f32 = 13.5;
const TEXT_SIZE: f32 = 11.0;
const SMALL_SIZE: f32 = 10.0;
const LABEL_SIZE: f32 = 10.0;

const INK: &str = "#222222";
const MUTED: &str = "#5f5f5f";
const CONTACT_INK: &str = "#333333";
/// Okabe–Ito vermillion: "no contact" is the one warning colour of the diagram.
const NO_CONTACT: &str = "#D55E00";

/// Colour of a flow kind; Okabe–Ito, distinguishable with the common colour-vision deficiencies.
fn flow_colour(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Goods => "#0072B2",
        FlowKind::Service => "#009E73",
        FlowKind::Money => "#E69F00",
        FlowKind::Information => "#CC79A7",
        FlowKind::Influence => "#56B4E9",
    }
}

/// Stroke attributes of a contact line (and of its sample in the person list and the legend).
fn contact_stroke(contact: Contact) -> String {
    match contact {
        Contact::Direct => format!(r#"stroke="{CONTACT_INK}" stroke-width="3""#),
        Contact::Indirect => {
            format!(r#"stroke="{CONTACT_INK}" stroke-width="1.6" stroke-dasharray="7 4""#)
        }
        Contact::None => format!(
            r#"stroke="{NO_CONTACT}" stroke-width="2" stroke-dasharray="0.1 4.5" stroke-linecap="round""#
        ),
    }
}

/// Advance widths of the bundled fonts.
struct Metrics {
    regular: Option<Face>,
    bold: Option<Face>,
}

struct Face {
    charmap: Charmap<'static>,
    glyphs: GlyphMetrics<'static>,
}

impl Face {
    fn new(data: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(data).ok()?;
        Some(Face {
            charmap: font.charmap(),
            // Size 1 ppem: advances come out in ems.
            glyphs: font.glyph_metrics(FontSize::new(1.0), LocationRef::default()),
        })
    }

    fn em(&self, c: char) -> f32 {
        // What XML cannot carry is drawn as U+FFFD (see `xml_escape`), so it is measured as one.
        let c = if forbidden_in_xml(c) { '\u{fffd}' } else { c };
        let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
        self.glyphs.advance_width(glyph).unwrap_or(FALLBACK_EM)
    }
}

/// Average advance of DejaVu Sans; only used if the bundled font could not be read.
const FALLBACK_EM: f32 = 0.6;

impl Metrics {
    fn new() -> Metrics {
        Metrics {
            regular: Face::new(FONT_REGULAR),
            bold: Face::new(FONT_BOLD),
        }
    }

    /// Width of `text` at `size` px. Kerning is ignored, which only overestimates slightly.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let ems: f32 = match face {
            Some(face) => text.chars().map(|c| face.em(c)).sum(),
            None => text.chars().count() as f32 * FALLBACK_EM,
        };
        ems * size
    }

    /// `text` cut to `max` px, with an ellipsis when cut.
    fn fit(&self, text: &str, size: f32, bold: bool, max: f32) -> String {
        if self.width(text, size, bold) <= max {
            return text.to_owned();
        }
        let budget = max - self.width("…", size, bold);
        let mut used = 0.0;
        let mut out = String::new();
        for c in text.chars() {
            let w = self.width(c.encode_utf8(&mut [0; 4]), size, bold);
            if used + w > budget {
                break;
            }
            used += w;
            out.push(c);
        }
        let mut out = out.trim_end().to_owned();
        out.push('…');
        out
    }

    /// `text` wrapped at word boundaries into at most `max_lines` lines of `max` px; the last
    /// line ends with an ellipsis when text is left over.
    fn wrap(&self, text: &str, size: f32, bold: bool, max: f32, max_lines: usize) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut rest_from = words.len();
        for (i, word) in words.iter().enumerate() {
            let candidate = if current.is_empty() {
                (*word).to_owned()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate, size, bold) <= max || current.is_empty() {
                current = candidate;
                continue;
            }
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                rest_from = i;
                break;
            }
            current = (*word).to_owned();
        }
        if !current.is_empty() && lines.len() < max_lines {
            lines.push(current);
        }
        if rest_from < words.len() {
            // Text left over: the last line takes as much of it as fits, then the ellipsis.
            if let Some(last) = lines.last_mut() {
                let joined = format!("{last} {}", words[rest_from..].join(" "));
                *last = self.fit(&joined, size, bold, max);
            }
        }
        // A single word longer than the line is cut as well.
        for line in &mut lines {
            if self.width(line, size, bold) > max {
                *line = self.fit(line, size, bold, max);
            }
        }
        lines
    }
}

/// A coordinate, rounded to 0.1 so the output is stable and compact.
fn n(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// One line of an actor box.
enum Line {
    Name(String),
    Text {
        text: String,
        size: f32,
        colour: &'static str,
        italic: bool,
    },
    Rule,
    Person {
        contact: Contact,
        name: String,
        detail: Option<String>,
        title: String,
    },
}

impl Line {
    fn height(&self) -> f32 {
        match self {
            Line::Name(_) => 17.0,
            Line::Text { .. } => 15.0,
            Line::Rule => 9.0,
            Line::Person { detail, .. } => {
                if detail.is_some() {
                    29.0
                } else {
                    16.0
                }
            }
        }
    }
}

/// Where a box is: a tier column or the `other` row.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Column(usize),
    Other,
}

struct BoxLayout {
    slot: Slot,
    x: f32,
    y: f32,
    h: f32,
    badge: Option<(String, f32)>,
    lines: Vec<Line>,
    tooltip: String,
}

impl BoxLayout {
    fn cx(&self) -> f32 {
        self.x + BOX_W / 2.0
    }
    fn cy(&self) -> f32 {
        self.y + self.h / 2.0
    }
}

/// What a line between two boxes shows.
#[derive(Debug, Clone, Copy)]
enum EdgeStyle {
    Flow(FlowKind),
    Contact(Contact),
}

struct Edge {
    from: usize,
    to: usize,
    style: EdgeStyle,
    label: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Left,
    Right,
    Top,
}

/// How an edge is drawn.
#[derive(Debug, Clone, Copy)]
enum Route {
    /// A curve between facing sides of neighbouring columns.
    Direct { from: Side, to: Side },
    /// A loop through the gap right of one column.
    Loop,
    /// Orthogonal through the gaps and lane `lane` of the channel.
    Channel { from: Side, to: Side, lane: usize },
}

/// A label placed next to a line.
struct Label {
    x: f32,
    y: f32,
    lines: Vec<String>,
    w: f32,
    colour: &'static str,
    /// Gap index for collision handling of labels in the same gap; `None` in the channel.
    gap: Option<usize>,
}

const LABEL_LINE: f32 = 12.5;

/// An edge end on a box side: sort key (where the other end lies), edge index, is-from end.
type PortUser = (f32, usize, bool);

/// The chain diagram as a standalone SVG document.
///
/// `figures` (keyed by actor id, may be empty) adds the current value, customer type and number
/// of customers to the boxes of actors linked to transaction data. All text is in `lang`.
pub fn to_svg(chain: &Chain, lang: Lang, figures: &BTreeMap<String, ActorFigures>) -> String {
    let m = Metrics::new();
    let actors = &chain.actors;
    let index: BTreeMap<&str, usize> = actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();

    // Columns: tiers present, in chain order; `other` is the row below.
    let tiers: Vec<Tier> = Tier::ALL
        .iter()
        .copied()
        .filter(|t| *t != Tier::Other && actors.iter().any(|a| a.tier == *t))
        .collect();
    let column_of = |a: &Actor| tiers.iter().position(|t| *t == a.tier);

    // Edges: flows (skipping ids that name no actor: the file check reports those), then contact
    // lines from our box to every other actor where we know persons.
    let mut edges: Vec<Edge> = Vec::new();
    for flow in &chain.flows {
        if let (Some(&from), Some(&to)) =
            (index.get(flow.from.as_str()), index.get(flow.to.as_str()))
        {
            edges.push(Edge {
                from,
                to,
                style: EdgeStyle::Flow(flow.kind),
                label: flow.label.clone().filter(|l| !l.trim().is_empty()),
            });
        }
    }
    let self_idx = actors.iter().position(|a| a.tier == Tier::SelfTier);
    if let Some(s) = self_idx {
        for (i, a) in actors.iter().enumerate() {
            if i != s {
                if let Some(best) = a.best_contact() {
                    edges.push(Edge {
                        from: s,
                        to: i,
                        style: EdgeStyle::Contact(best),
                        label: None,
                    });
                }
            }
        }
    }

    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); tiers.len()];
    let mut others: Vec<usize> = Vec::new();
    for (i, a) in actors.iter().enumerate() {
        match column_of(a) {
            Some(c) => columns[c].push(i),
            None => others.push(i),
        }
    }
    order_columns(&mut columns, &mut others, &edges, actors.len());

    // Box contents and heights.
    let mut boxes: Vec<BoxLayout> = actors
        .iter()
        .map(|a| box_content(&m, a, lang, figures.get(&a.id)))
        .collect();
    for (c, col) in columns.iter().enumerate() {
        for &i in col {
            boxes[i].slot = Slot::Column(c);
        }
    }

    // Vertical layout: title, column headers, columns, channel, `other` row, legend.
    let mut y = 20.0;
    let title_y = y + TITLE_SIZE;
    y = title_y + 8.0;
    let subtitle_y = y + 12.0;
    y = subtitle_y + 4.0;
    let content_w = (tiers.len() as f32 * BOX_W + tiers.len().saturating_sub(1) as f32 * GAP)
        .max(others.len() as f32 * BOX_W + others.len().saturating_sub(1) as f32 * OTHER_GAP);
    let description: Vec<String> = chain
        .description
        .as_deref()
        .map(|d| {
            m.wrap(
                d,
                TEXT_SIZE,
                false,
                content_w.max(MIN_WIDTH - 2.0 * MARGIN),
                2,
            )
        })
        .unwrap_or_default();
    let description_y = y + 14.0;
    y += description.len() as f32 * 14.0 + 14.0;
    let header_y = y + HEADER_SIZE;
    y = header_y + 16.0;
    let main_top = y;
    let col_h: Vec<f32> = columns
        .iter()
        .map(|col| {
            col.iter().map(|&i| boxes[i].h).sum::<f32>()
                + col.len().saturating_sub(1) as f32 * ROW_GAP
        })
        .collect();
    let main_h = col_h.iter().copied().fold(0.0, f32::max);
    for (c, col) in columns.iter().enumerate() {
        let x = MARGIN + c as f32 * (BOX_W + GAP);
        let mut by = main_top + (main_h - col_h[c]) / 2.0;
        for &i in col {
            boxes[i].x = x;
            boxes[i].y = by;
            by += boxes[i].h + ROW_GAP;
        }
    }
    // The `other` row's x is known now; its y follows once the channel's height is.
    for (k, &i) in others.iter().enumerate() {
        boxes[i].x = MARGIN + k as f32 * (BOX_W + OTHER_GAP);
    }

    // Routes: neighbouring columns face each other, one column loops through its right gap,
    // everything else goes through the channel, leaving a column box on the side facing the
    // other end and an `other` box on top.
    let routes: Vec<Route> = edges
        .iter()
        .map(|e| {
            let (a, b) = (&boxes[e.from], &boxes[e.to]);
            match (a.slot, b.slot) {
                (Slot::Column(ca), Slot::Column(cb)) if ca.abs_diff(cb) == 1 => {
                    let (from, to) = if ca < cb {
                        (Side::Right, Side::Left)
                    } else {
                        (Side::Left, Side::Right)
                    };
                    Route::Direct { from, to }
                }
                (Slot::Column(ca), Slot::Column(cb)) if ca == cb => Route::Loop,
                _ => {
                    let side = |me: &BoxLayout, other: &BoxLayout| match me.slot {
                        Slot::Other => Side::Top,
                        Slot::Column(_) if other.cx() > me.cx() => Side::Right,
                        Slot::Column(_) => Side::Left,
                    };
                    Route::Channel {
                        from: side(a, b),
                        to: side(b, a),
                        lane: 0,
                    }
                }
            }
        })
        .collect();

    // Ports (x final; the `other` row's y is patched below).
    let mut ports = allocate_ports(&boxes, &edges, &routes);

    // Vertical tracks in the gaps for channel routes: right exits keep to the left part of a
    // gap and left entries to the right part, leaving the middle to the labels. Per column side,
    // the lowest port takes the track nearest the boxes, so the lines leaving one side nest
    // instead of crossing.
    let mut tracks: BTreeMap<(usize, bool), f32> = BTreeMap::new();
    let mut by_side: BTreeMap<(usize, Side), Vec<PortUser>> = BTreeMap::new();
    for (k, (e, r)) in edges.iter().zip(&routes).enumerate() {
        if let Route::Channel { from, to, .. } = *r {
            for (b, side, is_from) in [(e.from, from, true), (e.to, to, false)] {
                match (boxes[b].slot, side) {
                    (Slot::Column(c), Side::Left | Side::Right) => {
                        let py = ports.get(&(k, is_from)).map_or(0.0, |p| p.1);
                        by_side.entry((c, side)).or_default().push((py, k, is_from));
                    }
                    _ => {
                        let px = ports.get(&(k, is_from)).map_or(0.0, |p| p.0);
                        tracks.insert((k, is_from), px);
                    }
                }
            }
        }
    }
    for ((c, side), mut users) in by_side {
        users.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let col_x = MARGIN + c as f32 * (BOX_W + GAP);
        for (j, (_, k, is_from)) in users.into_iter().enumerate() {
            let offset = 16.0 + j as f32 * TRACK_STEP;
            let x = if side == Side::Right {
                col_x + BOX_W + offset
            } else {
                col_x - offset
            };
            tracks.insert((k, is_from), x);
        }
    }

    // Labels of channel routes sit on their lane's horizontal segment.
    let mut channel_labels: BTreeMap<usize, Label> = BTreeMap::new();
    for (k, (e, r)) in edges.iter().zip(&routes).enumerate() {
        if let (Route::Channel { .. }, Some(text)) = (r, &e.label) {
            let (t0, t1) = (tracks[&(k, true)], tracks[&(k, false)]);
            let max = ((t1 - t0).abs() - 16.0).clamp(150.0, 320.0);
            let mut l = make_label(&m, text, e.style, (t0 + t1) / 2.0, 0.0, max, None);
            l.lines.truncate(1);
            channel_labels.insert(k, l);
        }
    }

    // Lanes: first-fit by left end over the horizontal extents (with their labels), the
    // classic interval colouring, so routes that do not overlap share a lane.
    let mut spans: Vec<(f32, f32, usize)> = Vec::new();
    for (k, r) in routes.iter().enumerate() {
        if let Route::Channel { .. } = r {
            let (t0, t1) = (tracks[&(k, true)], tracks[&(k, false)]);
            let (mut lo, mut hi) = (t0.min(t1), t0.max(t1));
            if let Some(l) = channel_labels.get(&k) {
                lo = lo.min(l.x - l.w / 2.0 - 6.0);
                hi = hi.max(l.x + l.w / 2.0 + 6.0);
            }
            spans.push((lo - 8.0, hi + 8.0, k));
        }
    }
    spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    let mut lane_ends: Vec<f32> = Vec::new();
    let mut lane_of: BTreeMap<usize, usize> = BTreeMap::new();
    for (lo, hi, k) in spans {
        let lane = match lane_ends.iter().position(|&end| end <= lo) {
            Some(free) => free,
            None => {
                lane_ends.push(f32::MIN);
                lane_ends.len() - 1
            }
        };
        lane_ends[lane] = hi;
        lane_of.insert(k, lane);
    }
    let lanes = lane_ends.len();
    let routes: Vec<Route> = routes
        .into_iter()
        .enumerate()
        .map(|(k, r)| match r {
            Route::Channel { from, to, .. } => Route::Channel {
                from,
                to,
                lane: lane_of.get(&k).copied().unwrap_or(0),
            },
            r => r,
        })
        .collect();

    y = main_top + main_h;
    let channel_top = y + 10.0;
    if lanes > 0 {
        y = channel_top + lanes as f32 * LANE_H + 8.0;
    }
    let mut other_header_y = None;
    if !others.is_empty() {
        let hy = y + 18.0 + HEADER_SIZE;
        other_header_y = Some(hy);
        let top = hy + 14.0;
        let mut row_h: f32 = 0.0;
        for &i in &others {
            boxes[i].y = top;
            row_h = row_h.max(boxes[i].h);
        }
        y = top + row_h;
        ports = allocate_ports(&boxes, &edges, &routes);
    }

    let width = (MARGIN * 2.0 + content_w + 40.0).max(MIN_WIDTH);
    let (legend, legend_h) = legend(&m, lang, y + 30.0, width);
    let height = y + 30.0 + legend_h + 20.0;
    let lane_y = |lane: usize| channel_top + 20.0 + lane as f32 * LANE_H;

    let mut paths = String::new();
    let mut contact_paths = String::new();
    let mut labels: Vec<Label> = Vec::new();
    for (k, (e, r)) in edges.iter().zip(&routes).enumerate() {
        let (Some(&p0), Some(&p1)) = (ports.get(&(k, true)), ports.get(&(k, false))) else {
            continue;
        };
        let d = match *r {
            Route::Direct { .. } => {
                let mx = (p0.0 + p1.0) / 2.0;
                if let Some(text) = &e.label {
                    let c = match boxes[e.from].slot {
                        Slot::Column(a) => match boxes[e.to].slot {
                            Slot::Column(b) => a.min(b),
                            Slot::Other => a,
                        },
                        Slot::Other => 0,
                    };
                    labels.push(make_label(
                        &m,
                        text,
                        e.style,
                        mx,
                        (p0.1 + p1.1) / 2.0,
                        GAP - 24.0,
                        Some(c),
                    ));
                }
                format!(
                    "M{},{} C{},{} {},{} {},{}",
                    n(p0.0),
                    n(p0.1),
                    n(mx),
                    n(p0.1),
                    n(mx),
                    n(p1.1),
                    n(p1.0),
                    n(p1.1)
                )
            }
            Route::Loop => {
                let bulge = p0.0 + 44.0;
                if let (Some(text), Slot::Column(c)) = (&e.label, boxes[e.from].slot) {
                    // Just right of the loop's apex (3/4 of the control offset).
                    let mut l = make_label(
                        &m,
                        text,
                        e.style,
                        0.0,
                        (p0.1 + p1.1) / 2.0,
                        GAP - 60.0,
                        Some(c),
                    );
                    l.x = p0.0 + 33.0 + 8.0 + l.w / 2.0;
                    labels.push(l);
                }
                format!(
                    "M{},{} C{},{} {},{} {},{}",
                    n(p0.0),
                    n(p0.1),
                    n(bulge),
                    n(p0.1),
                    n(bulge),
                    n(p1.1),
                    n(p1.0),
                    n(p1.1)
                )
            }
            Route::Channel { from, to, lane } => {
                let ly = lane_y(lane);
                let t0 = tracks.get(&(k, true)).copied().unwrap_or(p0.0);
                let t1 = tracks.get(&(k, false)).copied().unwrap_or(p1.0);
                let mut pts = vec![p0];
                if from != Side::Top {
                    pts.push((t0, p0.1));
                }
                pts.push((t0, ly));
                pts.push((t1, ly));
                if to != Side::Top {
                    pts.push((t1, p1.1));
                }
                pts.push(p1);
                if let Some(mut l) = channel_labels.remove(&k) {
                    l.y = ly - 3.0 - LABEL_LINE / 2.0;
                    labels.push(l);
                }
                rounded(&pts, 7.0)
            }
        };
        match e.style {
            EdgeStyle::Flow(kind) => {
                let _ = writeln!(
                    paths,
                    r#"<path d="{d}" fill="none" stroke="{}" stroke-width="2" marker-end="url(#arrow-{})"/>"#,
                    flow_colour(kind),
                    kind.id()
                );
            }
            EdgeStyle::Contact(c) => {
                let _ = writeln!(
                    contact_paths,
                    r#"<path d="{d}" fill="none" {} opacity="0.75"/>"#,
                    contact_stroke(c)
                );
            }
        }
    }
    spread_labels(&mut labels);

    // Emit.
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="'{FONT_FAMILY}', sans-serif" fill="{INK}">"#,
        w = n(width),
        h = n(height)
    );
    let title = text::chain_svg_title(lang, &chain.chain);
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&title));
    s.push_str("<defs>\n");
    for kind in FlowKind::ALL {
        let _ = writeln!(
            s,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            kind.id(),
            flow_colour(*kind)
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        n(width),
        n(height)
    );
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="{TITLE_SIZE}" font-weight="bold">{}</text>"#,
        n(MARGIN),
        n(title_y),
        xml_escape(&m.fit(&chain.chain, TITLE_SIZE, true, width - 2.0 * MARGIN))
    );
    let subtitle = text::chain_svg_subtitle(lang, chain.subject.label(lang));
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="12" fill="{MUTED}">{}</text>"#,
        n(MARGIN),
        n(subtitle_y),
        xml_escape(&subtitle)
    );
    for (i, line) in description.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="{TEXT_SIZE}" fill="{MUTED}" font-style="italic">{}</text>"#,
            n(MARGIN),
            n(description_y + i as f32 * 14.0),
            xml_escape(line)
        );
    }
    for (c, tier) in tiers.iter().enumerate() {
        let x = MARGIN + c as f32 * (BOX_W + GAP);
        header(
            &mut s,
            &m,
            x,
            header_y,
            tier.label(lang),
            *tier == Tier::SelfTier,
            false,
        );
    }
    if let Some(hy) = other_header_y {
        header(&mut s, &m, MARGIN, hy, Tier::Other.label(lang), false, true);
    }
    s.push_str("<g class=\"contacts\">\n");
    s.push_str(&contact_paths);
    s.push_str("</g>\n<g class=\"flows\">\n");
    s.push_str(&paths);
    s.push_str("</g>\n<g class=\"actors\">\n");
    for (i, a) in actors.iter().enumerate() {
        draw_box(&mut s, &boxes[i], a, i);
    }
    s.push_str("</g>\n<g class=\"labels\">\n");
    for l in &labels {
        let h = l.lines.len() as f32 * LABEL_LINE + 4.0;
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" fill-opacity="0.92" stroke="{}" stroke-width="1"/>"##,
            n(l.x - l.w / 2.0 - 4.0),
            n(l.y - h / 2.0),
            n(l.w + 8.0),
            n(h),
            l.colour
        );
        for (j, line) in l.lines.iter().enumerate() {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="{LABEL_SIZE}" text-anchor="middle">{}</text>"#,
                n(l.x),
                n(l.y - h / 2.0 + 2.0 + (j as f32 + 1.0) * LABEL_LINE - 3.0),
                xml_escape(line)
            );
        }
    }
    s.push_str("</g>\n");
    s.push_str(&legend);
    s.push_str("</svg>\n");
    s
}

/// The attachment point of every edge end, per `(edge, is-from end)`: the ends on one box side
/// are spread along it, ordered by where the other end lies so that they do not cross.
fn allocate_ports(
    boxes: &[BoxLayout],
    edges: &[Edge],
    routes: &[Route],
) -> BTreeMap<(usize, bool), (f32, f32)> {
    let mut side_users: BTreeMap<(usize, Side), Vec<PortUser>> = BTreeMap::new();
    for (k, (e, r)) in edges.iter().zip(routes).enumerate() {
        let (sf, st, key_from, key_to) = match *r {
            Route::Direct { from, to } => (from, to, boxes[e.to].cy(), boxes[e.from].cy()),
            Route::Loop => (
                Side::Right,
                Side::Right,
                boxes[e.to].cy(),
                boxes[e.from].cy(),
            ),
            Route::Channel { from, to, .. } => {
                // Side ports head down to the channel: they take the lowest places. Top ports
                // are ordered by the horizontal position of the other end.
                let key = |side: Side, other: &BoxLayout| {
                    if side == Side::Top {
                        other.cx()
                    } else {
                        1.0e6 + k as f32
                    }
                };
                (from, to, key(from, &boxes[e.to]), key(to, &boxes[e.from]))
            }
        };
        side_users
            .entry((e.from, sf))
            .or_default()
            .push((key_from, k, true));
        side_users
            .entry((e.to, st))
            .or_default()
            .push((key_to, k, false));
    }
    let mut ports = BTreeMap::new();
    for ((b, side), users) in &mut side_users {
        users.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let bx = &boxes[*b];
        let count = users.len() as f32;
        for (j, &(_, k, is_from)) in users.iter().enumerate() {
            let p = match side {
                Side::Left | Side::Right => {
                    let span = (bx.h - 2.0 * PAD).max(0.0);
                    let step = (span / count).min(22.0);
                    let y = bx.cy() + (j as f32 - (count - 1.0) / 2.0) * step;
                    let x = if *side == Side::Left {
                        bx.x
                    } else {
                        bx.x + BOX_W
                    };
                    (x, y)
                }
                Side::Top => {
                    // Right of the row header's text (see `header`).
                    let (lo, hi) = (bx.x + OTHER_HEADER_W + 16.0, bx.x + BOX_W - PAD);
                    let step = ((hi - lo) / count).min(30.0);
                    (
                        (lo + hi) / 2.0 + (j as f32 - (count - 1.0) / 2.0) * step,
                        bx.y,
                    )
                }
            };
            ports.insert((k, is_from), p);
        }
    }
    ports
}

/// Barycentre ordering: a few sweeps over the columns, each sorting a column by the mean
/// relative position of its actors' neighbours in the other columns. Actors without neighbours
/// elsewhere keep their place. `other` actors are ordered by the mean column of their neighbours.
fn order_columns(
    columns: &mut [Vec<usize>],
    others: &mut [usize],
    edges: &[Edge],
    n_actors: usize,
) {
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n_actors];
    for e in edges {
        if let EdgeStyle::Flow(_) = e.style {
            if e.from != e.to {
                neighbours[e.from].push(e.to);
                neighbours[e.to].push(e.from);
            }
        }
    }
    let mut column = vec![usize::MAX; n_actors];
    let mut pos = vec![0.5f32; n_actors];
    let place = |columns: &[Vec<usize>], pos: &mut [f32], column: &mut [usize]| {
        for (c, col) in columns.iter().enumerate() {
            for (r, &i) in col.iter().enumerate() {
                pos[i] = (r as f32 + 0.5) / col.len() as f32;
                column[i] = c;
            }
        }
    };
    place(columns, &mut pos, &mut column);
    let sweep: Vec<usize> = (0..columns.len()).chain((0..columns.len()).rev()).collect();
    for _ in 0..3 {
        for &c in &sweep {
            let keys: Vec<(f32, usize)> = columns[c]
                .iter()
                .map(|&i| {
                    let others: Vec<f32> = neighbours[i]
                        .iter()
                        .filter(|&&j| column[j] != c && column[j] != usize::MAX)
                        .map(|&j| pos[j])
                        .collect();
                    let key = if others.is_empty() {
                        pos[i]
                    } else {
                        others.iter().sum::<f32>() / others.len() as f32
                    };
                    (key, i)
                })
                .collect();
            let mut sorted = keys;
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            columns[c] = sorted.into_iter().map(|(_, i)| i).collect();
            place(columns, &mut pos, &mut column);
        }
    }
    let mean_column = |i: usize| -> f32 {
        let cs: Vec<f32> = neighbours[i]
            .iter()
            .filter(|&&j| column[j] != usize::MAX)
            .map(|&j| column[j] as f32)
            .collect();
        if cs.is_empty() {
            f32::MAX
        } else {
            cs.iter().sum::<f32>() / cs.len() as f32
        }
    };
    others.sort_by(|&a, &b| mean_column(a).total_cmp(&mean_column(b)));
}

/// The lines of an actor's box and its height.
fn box_content(m: &Metrics, a: &Actor, lang: Lang, fig: Option<&ActorFigures>) -> BoxLayout {
    let inner = BOX_W - 2.0 * PAD;
    let badge = a.count.map(|c| {
        let text = format!("×{}", fmt::count(u64::from(c), lang));
        let w = m.width(&text, SMALL_SIZE, true) + 10.0;
        (text, w)
    });
    let badge_w = badge.as_ref().map(|(_, w)| w + 4.0).unwrap_or(0.0);
    let mut lines: Vec<Line> = m
        .wrap(&a.name, NAME_SIZE, true, inner - badge_w, 2)
        .into_iter()
        .map(Line::Name)
        .collect();
    let text = |lines: &mut Vec<Line>, t: String, size: f32, colour: &'static str, italic: bool| {
        lines.push(Line::Text {
            text: m.fit(&t, size, false, inner),
            size,
            colour,
            italic,
        });
    };
    if let Some(imp) = a.importance {
        let imp = imp.min(5) as usize;
        let dots = format!("{}{}", "●".repeat(imp), "○".repeat(5 - imp));
        text(
            &mut lines,
            text::chain_importance_dots(lang, dots),
            TEXT_SIZE,
            INK,
            false,
        );
    }
    let profile: Vec<&str> = [
        a.size.map(|s| s.label(lang)),
        a.competitive_position.map(|p| p.label(lang)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !profile.is_empty() {
        let profile = profile.join(" · ");
        text(
            &mut lines,
            if a.size.is_some() {
                text::chain_actor_profile_with_size(lang, profile)
            } else {
                profile
            },
            TEXT_SIZE,
            INK,
            false,
        );
    }
    if let Some(r) = a.relationship {
        text(
            &mut lines,
            text::chain_actor_relationship(lang, r.label(lang)),
            TEXT_SIZE,
            INK,
            false,
        );
    }
    if let Some(f) = fig {
        if let Some(v) = f.current_value {
            if v.is_finite() {
                text(
                    &mut lines,
                    text::chain_actor_customer_value(lang, fmt::whole_amount(v, lang)),
                    TEXT_SIZE,
                    INK,
                    false,
                );
            }
        }
        if let Some(t) = &f.customer_type {
            text(
                &mut lines,
                text::chain_actor_customer_type(lang, t),
                TEXT_SIZE,
                INK,
                false,
            );
        }
        if let Some(c) = f.customers {
            text(
                &mut lines,
                text::chain_actor_customers(lang, fmt::count(c, lang)),
                TEXT_SIZE,
                INK,
                false,
            );
        }
    }
    if !a.success_factors.is_empty() {
        text(
            &mut lines,
            text::chain_actor_success_factors(lang, a.success_factors.join(", ")),
            SMALL_SIZE,
            MUTED,
            true,
        );
    }
    if !a.persons.is_empty() {
        lines.push(Line::Rule);
        for p in &a.persons {
            lines.push(person_line(m, p, lang, inner - 28.0));
        }
    }
    let h = PAD + lines.iter().map(Line::height).sum::<f32>() + PAD - 2.0;
    let mut tooltip = a.name.clone();
    if let Some(notes) = &a.notes {
        tooltip.push_str(" — ");
        tooltip.push_str(notes);
    }
    BoxLayout {
        slot: Slot::Other,
        x: 0.0,
        y: 0.0,
        h,
        badge,
        lines,
        tooltip,
    }
}

fn person_line(m: &Metrics, p: &Person, lang: Lang, max: f32) -> Line {
    let mut detail: Vec<String> = Vec::new();
    if let Some(r) = &p.role {
        detail.push(r.clone());
    }
    if let Some(k) = &p.known_by {
        detail.push(text::chain_person_known_by(lang, k));
    }
    let mut title = text::chain_person_tooltip(lang, p.contact.label(lang), &p.name);
    for d in &detail {
        title.push_str(", ");
        title.push_str(d);
    }
    if let Some(date) = p.last_contact {
        title.push_str(", ");
        title.push_str(&text::chain_person_last_contact(
            lang,
            fmt::date(date, lang),
        ));
    }
    if let Some(notes) = &p.notes {
        title.push_str(" — ");
        title.push_str(notes);
    }
    let detail = if detail.is_empty() {
        None
    } else {
        Some(m.fit(&detail.join(" · "), SMALL_SIZE, false, max))
    };
    Line::Person {
        contact: p.contact,
        name: m.fit(&p.name, TEXT_SIZE, false, max),
        detail,
        title,
    }
}

/// A tier header over a column. The `other` row's header is left-aligned without a rule, so
/// that the lines entering those boxes from above (right of the text) cross nothing.
fn header(s: &mut String, m: &Metrics, x: f32, y: f32, label: &str, own: bool, row: bool) {
    let colour = if own { "#8a5a00" } else { "#444444" };
    let (tx, anchor) = if row {
        (x, "start")
    } else {
        (x + BOX_W / 2.0, "middle")
    };
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="{HEADER_SIZE}" font-weight="bold" text-anchor="{anchor}" fill="{colour}">{}</text>"#,
        n(tx),
        n(y),
        xml_escape(&m.fit(
            &fmt::capitalized(label),
            HEADER_SIZE,
            true,
            if row { OTHER_HEADER_W } else { BOX_W }
        ))
    );
    if !row {
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="2" fill="{colour}"/>"#,
            n(x),
            n(y + 6.0),
            n(BOX_W)
        );
    }
}

fn draw_box(s: &mut String, b: &BoxLayout, a: &Actor, i: usize) {
    let own = a.tier == Tier::SelfTier;
    let (fill, stroke, width) = if own {
        ("#fff3d6", "#b07d00", "2.5")
    } else if b.slot == Slot::Other {
        ("#f4f4f4", "#777777", "1.2")
    } else {
        ("#ffffff", "#777777", "1.2")
    };
    // Actor ids are free text, not XML names: the element id is positional.
    let _ = writeln!(
        s,
        r#"<g id="actor-{i}" data-actor="{}">"#,
        xml_escape(&a.id)
    );
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&b.tooltip));
    let _ = writeln!(
        s,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>"#,
        n(b.x),
        n(b.y),
        n(BOX_W),
        n(b.h)
    );
    if let Some((badge, w)) = &b.badge {
        let w = *w;
        let x = b.x + BOX_W - PAD - w;
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="16" rx="8" fill="#555555"/><text x="{}" y="{}" font-size="{SMALL_SIZE}" font-weight="bold" fill="#ffffff" text-anchor="middle">{}</text>"##,
            n(x),
            n(b.y + PAD - 2.0),
            n(w),
            n(x + w / 2.0),
            n(b.y + PAD + 9.5),
            xml_escape(badge)
        );
    }
    let x = b.x + PAD;
    let mut y = b.y + PAD;
    for line in &b.lines {
        let h = line.height();
        match line {
            Line::Name(t) => {
                let _ = writeln!(
                    s,
                    r#"<text x="{}" y="{}" font-size="{NAME_SIZE}" font-weight="bold">{}</text>"#,
                    n(x),
                    n(y + 13.0),
                    xml_escape(t)
                );
            }
            Line::Text {
                text,
                size,
                colour,
                italic,
            } => {
                let style = if *italic {
                    r#" font-style="italic""#
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    r#"<text x="{}" y="{}" font-size="{size}" fill="{colour}"{style}>{}</text>"#,
                    n(x),
                    n(y + 12.0),
                    xml_escape(text)
                );
            }
            Line::Rule => {
                let _ = writeln!(
                    s,
                    r##"<rect x="{}" y="{}" width="{}" height="1" fill="#cccccc"/>"##,
                    n(x),
                    n(y + 4.0),
                    n(BOX_W - 2.0 * PAD)
                );
            }
            Line::Person {
                contact,
                name,
                detail,
                title,
            } => {
                let _ = writeln!(s, "<g><title>{}</title>", xml_escape(title));
                let _ = writeln!(
                    s,
                    r#"<path d="M{},{} H{}" {}/>"#,
                    n(x + 1.0),
                    n(y + 8.5),
                    n(x + 21.0),
                    contact_stroke(*contact)
                );
                let _ = writeln!(
                    s,
                    r#"<text x="{}" y="{}" font-size="{TEXT_SIZE}">{}</text>"#,
                    n(x + 28.0),
                    n(y + 12.5),
                    xml_escape(name)
                );
                if let Some(d) = detail {
                    let _ = writeln!(
                        s,
                        r#"<text x="{}" y="{}" font-size="{SMALL_SIZE}" fill="{MUTED}">{}</text>"#,
                        n(x + 28.0),
                        n(y + 25.5),
                        xml_escape(d)
                    );
                }
                s.push_str("</g>\n");
            }
        }
        y += h;
    }
    s.push_str("</g>\n");
}

fn make_label(
    m: &Metrics,
    text: &str,
    style: EdgeStyle,
    x: f32,
    y: f32,
    max: f32,
    gap: Option<usize>,
) -> Label {
    let lines = m.wrap(text, LABEL_SIZE, false, max, 2);
    let w = lines
        .iter()
        .map(|l| m.width(l, LABEL_SIZE, false))
        .fold(0.0, f32::max);
    let colour = match style {
        EdgeStyle::Flow(k) => flow_colour(k),
        EdgeStyle::Contact(_) => CONTACT_INK,
    };
    Label {
        x,
        y,
        lines,
        w,
        colour,
        gap,
    }
}

/// Moves labels in the same gap apart vertically until they no longer overlap.
fn spread_labels(labels: &mut [Label]) {
    let mut by_gap: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        if let Some(g) = l.gap {
            by_gap.entry(g).or_default().push(i);
        }
    }
    for idx in by_gap.values_mut() {
        idx.sort_by(|&a, &b| labels[a].y.total_cmp(&labels[b].y));
        let height = |l: &Label| l.lines.len() as f32 * LABEL_LINE + 4.0;
        // Push down what overlaps, then centre the group on where the labels wanted to be.
        let wanted: f32 = idx.iter().map(|&i| labels[i].y).sum::<f32>() / idx.len() as f32;
        for w in 1..idx.len() {
            let (prev, cur) = (idx[w - 1], idx[w]);
            let min = labels[prev].y + (height(&labels[prev]) + height(&labels[cur])) / 2.0 + 3.0;
            if labels[cur].y < min {
                labels[cur].y = min;
            }
        }
        let now: f32 = idx.iter().map(|&i| labels[i].y).sum::<f32>() / idx.len() as f32;
        let shift = now - wanted;
        for &i in idx.iter() {
            labels[i].y -= shift;
        }
    }
}

/// An orthogonal polyline with rounded corners.
fn rounded(pts: &[(f32, f32)], radius: f32) -> String {
    let mut d = String::new();
    let Some(first) = pts.first() else {
        return d;
    };
    let _ = write!(d, "M{},{}", n(first.0), n(first.1));
    for w in 1..pts.len() {
        let (prev, cur) = (pts[w - 1], pts[w]);
        if w + 1 == pts.len() {
            let _ = write!(d, " L{},{}", n(cur.0), n(cur.1));
            break;
        }
        let next = pts[w + 1];
        let len_in = ((cur.0 - prev.0).abs() + (cur.1 - prev.1).abs()).max(0.0);
        let len_out = ((next.0 - cur.0).abs() + (next.1 - cur.1).abs()).max(0.0);
        let r = radius.min(len_in / 2.0).min(len_out / 2.0);
        let dir = |a: (f32, f32), b: (f32, f32)| {
            let dx = b.0 - a.0;
            let dy = b.1 - a.1;
            let l = (dx * dx + dy * dy).sqrt();
            if l == 0.0 {
                (0.0, 0.0)
            } else {
                (dx / l, dy / l)
            }
        };
        let din = dir(prev, cur);
        let dout = dir(cur, next);
        let a = (cur.0 - din.0 * r, cur.1 - din.1 * r);
        let b = (cur.0 + dout.0 * r, cur.1 + dout.1 * r);
        let _ = write!(
            d,
            " L{},{} Q{},{} {},{}",
            n(a.0),
            n(a.1),
            n(cur.0),
            n(cur.1),
            n(b.0),
            n(b.1)
        );
    }
    d
}

/// The legend (flow colours, contact styles, symbols) at `top`, wrapped to `width`; its SVG and
/// height.
fn legend(m: &Metrics, lang: Lang, top: f32, width: f32) -> (String, f32) {
    let mut s = String::new();
    let left = MARGIN;
    let right = width - MARGIN;
    let mut y = top + 22.0;
    let _ = writeln!(s, r#"<g class="legend">"#);
    let sample = 30.0;
    let mut rows: Vec<(String, Vec<(String, String)>)> = Vec::new();
    rows.push((
        text::chain_legend_flows(lang).to_owned(),
        FlowKind::ALL
            .iter()
            .map(|k| {
                (
                    format!(
                        r#"stroke="{}" stroke-width="2" marker-end="url(#arrow-{})""#,
                        flow_colour(*k),
                        k.id()
                    ),
                    k.label(lang).to_owned(),
                )
            })
            .collect(),
    ));
    rows.push((
        text::chain_legend_contact_line(lang).to_owned(),
        Contact::ALL
            .iter()
            .map(|c| (contact_stroke(*c), c.label(lang).to_owned()))
            .collect(),
    ));
    for (heading, items) in &rows {
        // Items follow their heading; a long heading does not push the other rows apart.
        let heading_w = m.width(heading, TEXT_SIZE, true) + 18.0;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="{TEXT_SIZE}" font-weight="bold">{}</text>"#,
            n(left + 10.0),
            n(y),
            xml_escape(heading)
        );
        let mut x = left + 10.0 + heading_w;
        for (stroke, label) in items {
            let w = sample + 6.0 + m.width(label, TEXT_SIZE, false) + 22.0;
            if x + w > right && x > left + 10.0 + heading_w {
                x = left + 10.0 + heading_w;
                y += 20.0;
            }
            let _ = writeln!(
                s,
                r#"<path d="M{},{} H{}" fill="none" {stroke}/><text x="{}" y="{}" font-size="{TEXT_SIZE}">{}</text>"#,
                n(x),
                n(y - 4.0),
                n(x + sample),
                n(x + sample + 6.0),
                n(y),
                xml_escape(label)
            );
            x += w;
        }
        y += 22.0;
    }
    let symbols = [
        text::chain_legend_importance(lang),
        text::chain_legend_count(lang),
        text::chain_legend_highlighted(lang),
    ];
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="{TEXT_SIZE}" fill="{MUTED}">{}</text>"#,
        n(left + 10.0),
        n(y),
        xml_escape(&m.fit(
            &symbols.join("   ·   "),
            TEXT_SIZE,
            false,
            right - left - 20.0
        ))
    );
    y += 12.0;
    let h = y - top;
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="none" stroke="#bbbbbb"/>"##,
        n(left),
        n(top),
        n(right - left),
        n(h)
    );
    s.push_str("</g>\n");
    (s, h)
}
