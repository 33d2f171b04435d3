//! Routing the lines between boxes: the kinds of route, where edge ends attach to the boxes
//! (ports), the vertical tracks of channel routes in the gaps, the labels next to the lines and
//! the rounded path of a channel route.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::draw::flow_colour;
use super::text::Metrics;
use super::{
    column_x, n, BoxLayout, Edge, EdgeStyle, Slot, BOX_W, CONTACT_INK, LABEL_SIZE, OTHER_HEADER_W,
    PAD, TRACK_STEP,
};

/// Which side of a box an edge end attaches to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Side {
    Left,
    Right,
    /// Only `other` boxes: their lines come down the channel from above.
    Top,
}

/// How an edge is drawn.
#[derive(Debug, Clone, Copy)]
pub(super) enum Route {
    /// A curve between facing sides of neighbouring columns.
    Direct { from: Side, to: Side },
    /// A loop through the gap right of one column.
    Loop,
    /// Orthogonal through the gaps and lane `lane` of the channel.
    Channel { from: Side, to: Side, lane: usize },
}

/// A label placed next to a line, centred on `(x, y)`.
pub(super) struct Label {
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) lines: Vec<String>,
    /// Width of the longest line.
    pub(super) w: f32,
    pub(super) colour: &'static str,
    /// Gap index for collision handling of labels in the same gap; `None` in the channel.
    gap: Option<usize>,
}

/// Line height of a label.
pub(super) const LABEL_LINE: f32 = 12.5;

/// A point `(x, y)`.
pub(super) type Point = (f32, f32);

/// One end of an edge: the edge's index and whether it is the end the edge starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct EdgeEnd {
    edge: usize,
    is_source: bool,
}

impl EdgeEnd {
    /// The end edge `edge` starts from.
    pub(super) fn source(edge: usize) -> EdgeEnd {
        EdgeEnd {
            edge,
            is_source: true,
        }
    }

    /// The end edge `edge` points to.
    pub(super) fn target(edge: usize) -> EdgeEnd {
        EdgeEnd {
            edge,
            is_source: false,
        }
    }
}

/// An edge end waiting for its place along one box side, with the key that orders it there.
#[derive(Debug, Clone, Copy)]
struct PortUser {
    key: f32,
    end: EdgeEnd,
}

/// How every edge is drawn, once all boxes stand where they stand.
pub(super) struct Routing {
    pub(super) routes: Vec<Route>,
    /// Where each edge end attaches to its box.
    pub(super) ports: BTreeMap<EdgeEnd, Point>,
    /// The x of the vertical segment at each end of a channel route ([`tracks`]).
    pub(super) tracks: BTreeMap<EdgeEnd, f32>,
    /// The labels of channel routes; their y follows from the lane ([`channel_labels`]).
    pub(super) channel_labels: BTreeMap<usize, Label>,
}

/// The attachment point of every edge end: the ends on one box side are spread along it,
/// ordered by where the other end lies so that they do not cross.
pub(super) fn allocate_ports(
    boxes: &[BoxLayout],
    edges: &[Edge],
    routes: &[Route],
) -> BTreeMap<EdgeEnd, Point> {
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
        side_users.entry((e.from, sf)).or_default().push(PortUser {
            key: key_from,
            end: EdgeEnd::source(k),
        });
        side_users.entry((e.to, st)).or_default().push(PortUser {
            key: key_to,
            end: EdgeEnd::target(k),
        });
    }
    let mut ports = BTreeMap::new();
    for ((b, side), users) in &mut side_users {
        users.sort_by(|x, y| x.key.total_cmp(&y.key).then(x.end.edge.cmp(&y.end.edge)));
        let bx = &boxes[*b];
        let count = users.len() as f32;
        for (j, user) in users.iter().enumerate() {
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
            ports.insert(user.end, p);
        }
    }
    ports
}

/// Vertical tracks in the gaps for channel routes: the x of the vertical segment at each end.
/// Right exits keep to the left part of a gap and left entries to the right part, leaving the
/// middle to the labels. Per column side, the lowest port takes the track nearest the boxes, so
/// the lines leaving one side nest instead of crossing. An end on an `other` box goes straight
/// up from its port.
pub(super) fn tracks(
    edges: &[Edge],
    routes: &[Route],
    boxes: &[BoxLayout],
    ports: &BTreeMap<EdgeEnd, Point>,
) -> BTreeMap<EdgeEnd, f32> {
    let mut tracks: BTreeMap<EdgeEnd, f32> = BTreeMap::new();
    let mut by_side: BTreeMap<(usize, Side), Vec<PortUser>> = BTreeMap::new();
    for (k, (e, r)) in edges.iter().zip(routes).enumerate() {
        if let Route::Channel { from, to, .. } = *r {
            for (b, side, end) in [
                (e.from, from, EdgeEnd::source(k)),
                (e.to, to, EdgeEnd::target(k)),
            ] {
                match (boxes[b].slot, side) {
                    (Slot::Column(c), Side::Left | Side::Right) => {
                        let py = ports.get(&end).map_or(0.0, |p| p.1);
                        by_side
                            .entry((c, side))
                            .or_default()
                            .push(PortUser { key: py, end });
                    }
                    _ => {
                        let px = ports.get(&end).map_or(0.0, |p| p.0);
                        tracks.insert(end, px);
                    }
                }
            }
        }
    }
    for ((c, side), mut users) in by_side {
        users.sort_by(|a, b| b.key.total_cmp(&a.key).then(a.end.edge.cmp(&b.end.edge)));
        let col_x = column_x(c);
        for (j, user) in users.into_iter().enumerate() {
            let offset = 16.0 + j as f32 * TRACK_STEP;
            let x = if side == Side::Right {
                col_x + BOX_W + offset
            } else {
                col_x - offset
            };
            tracks.insert(user.end, x);
        }
    }
    tracks
}

/// Labels of channel routes, by edge: one line each, as wide as the route's horizontal segment
/// allows. Their y is set when the lane is known.
pub(super) fn channel_labels(
    m: &Metrics,
    edges: &[Edge],
    routes: &[Route],
    tracks: &BTreeMap<EdgeEnd, f32>,
) -> BTreeMap<usize, Label> {
    let mut labels = BTreeMap::new();
    for (k, (e, r)) in edges.iter().zip(routes).enumerate() {
        if let (Route::Channel { .. }, Some(text)) = (r, &e.label) {
            let (t0, t1) = (tracks[&EdgeEnd::source(k)], tracks[&EdgeEnd::target(k)]);
            let max = ((t1 - t0).abs() - 16.0).clamp(150.0, 320.0);
            let mut l = make_label(m, text, e.style, (t0 + t1) / 2.0, 0.0, max, None);
            l.lines.truncate(1);
            labels.insert(k, l);
        }
    }
    labels
}

/// A label for an edge at `(x, y)`, wrapped to two lines of `max` px, in the edge's colour;
/// `gap` is the column gap it sits in, if any.
pub(super) fn make_label(
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
pub(super) fn spread_labels(labels: &mut [Label]) {
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
pub(super) fn rounded(pts: &[(f32, f32)], radius: f32) -> String {
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
