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
//!
//! [`to_svg`] runs in phases, each a function here: edges, columns, box contents
//! ([`text`]), vertical layout of the columns, routes, ports and tracks ([`route`]), lanes, the
//! `other` row, then the lines and boxes ([`draw`]) and the document.

mod draw;
mod route;
mod text;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kundenwert_core::Lang;

use self::draw::{draw_box, draw_edges, draw_label, flow_colour, header, legend, Lines};
use self::route::{allocate_ports, channel_labels, tracks, EdgeEnd, Label, Route, Routing, Side};
use self::text::{box_content, Line, Metrics};
use super::common::xml_escape;
use crate::model::{Actor, ActorFigures, Chain, Contact, FlowKind, Tier};

/// Family name of the bundled font; the SVG names it and the PNG export loads it.
pub const FONT_FAMILY: &str = "DejaVu Sans";
/// DejaVu Sans (regular), bundled so that measuring and rendering never depend on system fonts.
pub(crate) static FONT_REGULAR: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub(crate) static FONT_BOLD: &[u8] = include_bytes!("../../../assets/DejaVuSans-Bold.ttf");

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

/// A coordinate, rounded to 0.1 so the output is stable and compact.
fn n(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Where a box is: a tier column or the `other` row.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Column(usize),
    Other,
}

/// An actor's box: where it stands, its height and what it shows.
struct BoxLayout {
    slot: Slot,
    /// Top left corner.
    x: f32,
    y: f32,
    h: f32,
    /// The count badge (`×3`) and its width.
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

/// A line between two boxes, by actor index.
struct Edge {
    from: usize,
    to: usize,
    style: EdgeStyle,
    label: Option<String>,
}

/// The chain diagram as a standalone SVG document.
///
/// `figures` (keyed by actor id, may be empty) adds the current value, customer type and number
/// of customers to the boxes of actors linked to transaction data. All text is in `lang`.
pub fn to_svg(chain: &Chain, lang: Lang, figures: &BTreeMap<String, ActorFigures>) -> String {
    let m = Metrics::new();
    let edges = edges(chain);
    let columns = Columns::new(&chain.actors, &edges);
    let mut boxes: Vec<BoxLayout> = chain
        .actors
        .iter()
        .map(|a| box_content(&m, a, lang, figures.get(&a.id)))
        .collect();
    let top = place_columns(&m, chain, &columns, &mut boxes);

    // The channel's lanes need the tracks, the tracks need the ports, and the `other` row sits
    // below the lanes: ports are allocated for the tracks before that row has its y, and again
    // for drawing once it has.
    let routes = choose_routes(&edges, &boxes);
    let ports = allocate_ports(&boxes, &edges, &routes);
    let tracks = tracks(&edges, &routes, &boxes, &ports);
    let channel_labels = channel_labels(&m, &edges, &routes, &tracks);
    let (routes, lanes) = assign_lanes(routes, &tracks, &channel_labels);
    let below = place_other_row(&columns.others, &mut boxes, top.main_bottom, lanes);
    let routing = Routing {
        ports: allocate_ports(&boxes, &edges, &routes),
        routes,
        tracks,
        channel_labels,
    };

    let width = (MARGIN * 2.0 + top.content_w + 40.0).max(MIN_WIDTH);
    let (legend, legend_h) = legend(&m, lang, below.bottom + 30.0, width);
    let page = Page {
        width,
        height: below.bottom + 30.0 + legend_h + 20.0,
        top,
        other_header_y: below.other_header_y,
        legend,
    };
    let lines = draw_edges(&m, &edges, &boxes, routing, &below);
    emit(chain, lang, &m, &page, &columns.tiers, &boxes, &lines)
}

/// The lines between boxes: the flows (skipping ids that name no actor: the file check reports
/// those), then contact lines from our box to every other actor where we know persons.
fn edges(chain: &Chain) -> Vec<Edge> {
    let actors = &chain.actors;
    let index: BTreeMap<&str, usize> = actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
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
    edges
}

/// Which actor stands where: the tiers present are the columns, in chain order; `other` actors
/// form the row below.
struct Columns {
    /// The tier of each column.
    tiers: Vec<Tier>,
    /// The actors of each column, top to bottom.
    columns: Vec<Vec<usize>>,
    /// The actors of the `other` row, left to right.
    others: Vec<usize>,
}

impl Columns {
    /// Actors by tier, each column and the row ordered so that `edges` cross less.
    fn new(actors: &[Actor], edges: &[Edge]) -> Columns {
        let tiers: Vec<Tier> = Tier::ALL
            .iter()
            .copied()
            .filter(|t| *t != Tier::Other && actors.iter().any(|a| a.tier == *t))
            .collect();
        let mut columns: Vec<Vec<usize>> = vec![Vec::new(); tiers.len()];
        let mut others: Vec<usize> = Vec::new();
        for (i, a) in actors.iter().enumerate() {
            match tiers.iter().position(|t| *t == a.tier) {
                Some(c) => columns[c].push(i),
                None => others.push(i),
            }
        }
        order_columns(&mut columns, &mut others, edges, actors.len());
        Columns {
            tiers,
            columns,
            others,
        }
    }
}

/// Where the parts above the channel go: title, subtitle, description, column headers and the
/// columns' band.
struct Top {
    title_y: f32,
    subtitle_y: f32,
    /// The description, wrapped to at most two lines.
    description: Vec<String>,
    description_y: f32,
    header_y: f32,
    /// Width of the widest of the columns and the `other` row.
    content_w: f32,
    /// The bottom of the tallest column.
    main_bottom: f32,
}

/// Vertical layout of the upper part: title, column headers and the columns, each column
/// centred on the tallest. Puts every column box in its place; `other` boxes get their x only,
/// since their y depends on the channel below the columns.
fn place_columns(m: &Metrics, chain: &Chain, columns: &Columns, boxes: &mut [BoxLayout]) -> Top {
    for (c, col) in columns.columns.iter().enumerate() {
        for &i in col {
            boxes[i].slot = Slot::Column(c);
        }
    }
    let (tiers, others) = (columns.tiers.len(), columns.others.len());
    let mut y = 20.0;
    let title_y = y + TITLE_SIZE;
    y = title_y + 8.0;
    let subtitle_y = y + 12.0;
    y = subtitle_y + 4.0;
    let content_w = (tiers as f32 * BOX_W + tiers.saturating_sub(1) as f32 * GAP)
        .max(others as f32 * BOX_W + others.saturating_sub(1) as f32 * OTHER_GAP);
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
        .columns
        .iter()
        .map(|col| {
            col.iter().map(|&i| boxes[i].h).sum::<f32>()
                + col.len().saturating_sub(1) as f32 * ROW_GAP
        })
        .collect();
    let main_h = col_h.iter().copied().fold(0.0, f32::max);
    for (c, col) in columns.columns.iter().enumerate() {
        let x = column_x(c);
        let mut by = main_top + (main_h - col_h[c]) / 2.0;
        for &i in col {
            boxes[i].x = x;
            boxes[i].y = by;
            by += boxes[i].h + ROW_GAP;
        }
    }
    for (k, &i) in columns.others.iter().enumerate() {
        boxes[i].x = MARGIN + k as f32 * (BOX_W + OTHER_GAP);
    }
    Top {
        title_y,
        subtitle_y,
        description,
        description_y,
        header_y,
        content_w,
        main_bottom: main_top + main_h,
    }
}

/// The left edge of column `c`.
fn column_x(c: usize) -> f32 {
    MARGIN + c as f32 * (BOX_W + GAP)
}

/// Routes: neighbouring columns face each other, one column loops through its right gap,
/// everything else goes through the channel, leaving a column box on the side facing the other
/// end and an `other` box on top. Channel routes get their lane later ([`assign_lanes`]).
fn choose_routes(edges: &[Edge], boxes: &[BoxLayout]) -> Vec<Route> {
    edges
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
        .collect()
}

/// Lanes: first-fit by left end over the horizontal extents (with their labels), the classic
/// interval colouring, so channel routes that do not overlap share a lane. The routes with their
/// lanes, and the number of lanes.
fn assign_lanes(
    routes: Vec<Route>,
    tracks: &BTreeMap<EdgeEnd, f32>,
    channel_labels: &BTreeMap<usize, Label>,
) -> (Vec<Route>, usize) {
    let mut spans: Vec<(f32, f32, usize)> = Vec::new();
    for (k, r) in routes.iter().enumerate() {
        if let Route::Channel { .. } = r {
            let (t0, t1) = (tracks[&EdgeEnd::source(k)], tracks[&EdgeEnd::target(k)]);
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
    let routes = routes
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
    (routes, lane_ends.len())
}

/// The part below the columns: the channel, then the `other` row.
struct Below {
    channel_top: f32,
    /// The `other` row's header, when there is the row.
    other_header_y: Option<f32>,
    /// The bottom of the `other` row (or of the channel, or of the columns).
    bottom: f32,
}

impl Below {
    /// The y of lane `lane`'s horizontal segments.
    fn lane_y(&self, lane: usize) -> f32 {
        self.channel_top + 20.0 + lane as f32 * LANE_H
    }
}

/// Vertical layout of the lower part: the channel with `lanes` lanes below the columns, then the
/// `other` row, whose boxes get their y.
fn place_other_row(
    others: &[usize],
    boxes: &mut [BoxLayout],
    main_bottom: f32,
    lanes: usize,
) -> Below {
    let mut y = main_bottom;
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
        for &i in others {
            boxes[i].y = top;
            row_h = row_h.max(boxes[i].h);
        }
        y = top + row_h;
    }
    Below {
        channel_top,
        other_header_y,
        bottom: y,
    }
}

/// The document's size and the parts that are not boxes or lines.
struct Page {
    width: f32,
    height: f32,
    top: Top,
    other_header_y: Option<f32>,
    /// The legend's SVG.
    legend: String,
}

/// The SVG document: title and description, column headers, then contact lines below flows
/// below boxes below labels, then the legend.
fn emit(
    chain: &Chain,
    lang: Lang,
    m: &Metrics,
    page: &Page,
    tiers: &[Tier],
    boxes: &[BoxLayout],
    lines: &Lines,
) -> String {
    let (width, height, top) = (page.width, page.height, &page.top);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="'{FONT_FAMILY}', sans-serif" fill="{INK}">"#,
        w = n(width),
        h = n(height)
    );
    let title = kundenwert_text::chain_svg_title(lang, &chain.chain);
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
        n(top.title_y),
        xml_escape(&m.fit(&chain.chain, TITLE_SIZE, true, width - 2.0 * MARGIN))
    );
    let subtitle = kundenwert_text::chain_svg_subtitle(lang, chain.subject.label(lang));
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="12" fill="{MUTED}">{}</text>"#,
        n(MARGIN),
        n(top.subtitle_y),
        xml_escape(&subtitle)
    );
    for (i, line) in top.description.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="{TEXT_SIZE}" fill="{MUTED}" font-style="italic">{}</text>"#,
            n(MARGIN),
            n(top.description_y + i as f32 * 14.0),
            xml_escape(line)
        );
    }
    for (c, tier) in tiers.iter().enumerate() {
        header(
            &mut s,
            m,
            column_x(c),
            top.header_y,
            tier.label(lang),
            *tier == Tier::SelfTier,
            false,
        );
    }
    if let Some(hy) = page.other_header_y {
        header(&mut s, m, MARGIN, hy, Tier::Other.label(lang), false, true);
    }
    s.push_str("<g class=\"contacts\">\n");
    s.push_str(&lines.contacts);
    s.push_str("</g>\n<g class=\"flows\">\n");
    s.push_str(&lines.flows);
    s.push_str("</g>\n<g class=\"actors\">\n");
    for (i, a) in chain.actors.iter().enumerate() {
        draw_box(&mut s, &boxes[i], a, i);
    }
    s.push_str("</g>\n<g class=\"labels\">\n");
    for l in &lines.labels {
        draw_label(&mut s, l);
    }
    s.push_str("</g>\n");
    s.push_str(&page.legend);
    s.push_str("</svg>\n");
    s
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
