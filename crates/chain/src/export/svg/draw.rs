//! Drawing: the boxes, the column headers, the lines between boxes with their labels, and the
//! legend, as SVG elements.

use std::fmt::Write as _;

use kundenwert_core::{fmt, Lang};
use kundenwert_text as text;

use super::route::{
    make_label, rounded, spread_labels, EdgeEnd, Label, Route, Routing, Side, LABEL_LINE,
};
use super::text::{Line, Metrics};
use super::{
    n, Below, BoxLayout, Edge, EdgeStyle, Slot, BOX_W, CONTACT_INK, GAP, HEADER_SIZE, LABEL_SIZE,
    MARGIN, MUTED, NAME_SIZE, NO_CONTACT, OTHER_HEADER_W, PAD, SMALL_SIZE, TEXT_SIZE,
};
use crate::export::common::xml_escape;
use crate::model::{Actor, Contact, FlowKind, Tier};

/// Colour of a flow kind; Okabe–Ito, distinguishable with the common colour-vision deficiencies.
pub(super) fn flow_colour(kind: FlowKind) -> &'static str {
    match kind {
        FlowKind::Goods => "#0072B2",
        FlowKind::Service => "#009E73",
        FlowKind::Money => "#E69F00",
        FlowKind::Information => "#CC79A7",
        FlowKind::Influence => "#56B4E9",
    }
}

/// Stroke attributes of a contact line (and of its sample in the person list and the legend).
pub(super) fn contact_stroke(contact: Contact) -> String {
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

/// A tier header over a column. The `other` row's header is left-aligned without a rule, so
/// that the lines entering those boxes from above (right of the text) cross nothing.
pub(super) fn header(
    s: &mut String,
    m: &Metrics,
    x: f32,
    y: f32,
    label: &str,
    own: bool,
    row: bool,
) {
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

/// An actor's box with its lines; the group's id is positional (`actor-<index>`).
pub(super) fn draw_box(s: &mut String, b: &BoxLayout, a: &Actor, i: usize) {
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

/// The drawn lines between boxes and the labels placed next to them.
pub(super) struct Lines {
    /// `<path>` elements of the flows.
    pub(super) flows: String,
    /// `<path>` elements of the contact lines, drawn below the flows.
    pub(super) contacts: String,
    pub(super) labels: Vec<Label>,
}

/// Every edge's path along its route, and its label: in the gap beside a curve, right of a
/// loop's apex, or on the lane of a channel route. Labels in one gap are then moved apart.
pub(super) fn draw_edges(
    m: &Metrics,
    edges: &[Edge],
    boxes: &[BoxLayout],
    routing: Routing,
    below: &Below,
) -> Lines {
    let Routing {
        routes,
        ports,
        tracks,
        mut channel_labels,
    } = routing;
    let mut paths = String::new();
    let mut contact_paths = String::new();
    let mut labels: Vec<Label> = Vec::new();
    for (k, (e, r)) in edges.iter().zip(&routes).enumerate() {
        let (Some(&p0), Some(&p1)) = (
            ports.get(&EdgeEnd::source(k)),
            ports.get(&EdgeEnd::target(k)),
        ) else {
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
                        m,
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
                        m,
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
                let ly = below.lane_y(lane);
                let t0 = tracks.get(&EdgeEnd::source(k)).copied().unwrap_or(p0.0);
                let t1 = tracks.get(&EdgeEnd::target(k)).copied().unwrap_or(p1.0);
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
    Lines {
        flows: paths,
        contacts: contact_paths,
        labels,
    }
}

/// A label: a white box in the line's colour with its lines centred in it.
pub(super) fn draw_label(s: &mut String, l: &Label) {
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

/// The legend (flow colours, contact styles, symbols) at `top`, wrapped to `width`; its SVG and
/// height.
pub(super) fn legend(m: &Metrics, lang: Lang, top: f32, width: f32) -> (String, f32) {
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
