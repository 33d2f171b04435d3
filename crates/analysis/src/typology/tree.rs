//! The learned type decision: a small classification tree (CART) over the features of §1,
//! stored as data in [`TypologyConfig::tree`](super::TypologyConfig::tree) so that every split
//! can be read, changed in the TOML file and named in the reason sentence.
//!
//! The tree replaces rules 1–7 of the specification when
//! [`TypologyModel::Tree`](super::TypologyModel) is chosen (the default); rule 0 (too little
//! history) stays a count. [`fit_tree`] grows it from labelled feature vectors (Gini impurity,
//! exhaustive thresholds, a depth and a least leaf size), [`calibrate`] sets each leaf's
//! confidence to the smoothed share of customers it typed correctly on data the tree was not
//! grown on. The default tree and how it was chosen: `examples/typology_fit.rs`.

use kundenwert_core::Lang;
use kundenwert_text as text;
use serde::{Deserialize, Serialize};

use super::evidence::Evidence;
use super::{CustomerType, Features};

/// A feature the tree may split on: the fields of [`Features`] that do not depend on the
/// currency or size of the business, plus the relative level and the share of active months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TreeFeature {
    /// 1 if the start of the relationship is cut off, else 0.
    LeftCensored,
    /// [`Features::tenure`].
    Tenure,
    /// [`Features::span`].
    Span,
    /// [`Features::n_active`].
    NActive,
    /// [`Features::gap_end`].
    GapEnd,
    /// [`Features::adi`].
    Adi,
    /// Share of active months in the span, n_active / span.
    Density,
    /// [`Features::cv2`].
    Cv2,
    /// level12 / portfolio reference (rule 5's level_rel); +∞ without a reference.
    LevelRel,
    /// level12 / level_life: the last 12 months against the whole life (0 if level_life <= 0).
    Recent,
    /// [`Features::n_blocks`].
    NBlocks,
    /// [`Features::tau`].
    Tau,
    /// [`Features::p`].
    P,
    /// [`Features::ratio_31`].
    #[serde(rename = "ratio_31")]
    Ratio31,
    /// [`Features::peak_pos`].
    PeakPos,
    /// [`Features::rise`].
    Rise,
    /// [`Features::fall`].
    Fall,
    /// [`Features::tau_pre`].
    TauPre,
    /// [`Features::tau_post`].
    TauPost,
    /// [`Features::cv_block`].
    CvBlock,
    /// [`Features::cv_month`].
    CvMonth,
    /// [`Features::acf_season`]; [`NO_SEASON`] when the span fits no seasonal lag.
    AcfSeason,
    /// [`Features::runs_z`].
    RunsZ,
    /// [`Features::highs`].
    Highs,
    /// [`Features::troughs`].
    Troughs,
    /// [`Features::acf1`].
    Acf1,
    /// [`Features::season_power`].
    SeasonPower,
    /// [`Features::slope_rel`].
    SlopeRel,
    /// [`Features::curvature`].
    Curvature,
    /// [`Features::season_evidence`].
    SeasonEvidence,
    /// [`Features::low_share`].
    LowShare,
    /// [`Features::longest_pause`].
    LongestPause,
    /// Trend of the purchase counts against a flat Poisson buyer, z ([`Evidence`]).
    TrendCount,
    /// Trend of the monthly values over the orders of the months, z.
    TrendValue,
    /// Hump of the purchase counts, z.
    HumpCount,
    /// Hump of the monthly values, z.
    HumpValue,
    /// Seasonal wave of the purchase counts: √ of the largest χ²₂ over the periods.
    SeasonCount,
    /// Seasonal wave of the monthly values: √ of the largest χ²₂.
    SeasonValue,
    /// Lag-1 clustering of the monthly values, z.
    ClusterValue,
    /// Purchases after the first month.
    Purchases,
}

/// The value of [`TreeFeature::AcfSeason`] when the span is too short for every seasonal lag:
/// below any autocorrelation, so such customers fall on the "at most" side of every split.
pub const NO_SEASON: f64 = -2.0;

/// Number of [`TreeFeature`]s.
pub const N_TREE_FEATURES: usize = TreeFeature::ALL.len();

impl TreeFeature {
    /// Every feature, in the order of [`feature_vector`].
    pub const ALL: [TreeFeature; 40] = [
        TreeFeature::LeftCensored,
        TreeFeature::Tenure,
        TreeFeature::Span,
        TreeFeature::NActive,
        TreeFeature::GapEnd,
        TreeFeature::Adi,
        TreeFeature::Density,
        TreeFeature::Cv2,
        TreeFeature::LevelRel,
        TreeFeature::Recent,
        TreeFeature::NBlocks,
        TreeFeature::Tau,
        TreeFeature::P,
        TreeFeature::Ratio31,
        TreeFeature::PeakPos,
        TreeFeature::Rise,
        TreeFeature::Fall,
        TreeFeature::TauPre,
        TreeFeature::TauPost,
        TreeFeature::CvBlock,
        TreeFeature::CvMonth,
        TreeFeature::AcfSeason,
        TreeFeature::RunsZ,
        TreeFeature::Highs,
        TreeFeature::Troughs,
        TreeFeature::Acf1,
        TreeFeature::SeasonPower,
        TreeFeature::SlopeRel,
        TreeFeature::Curvature,
        TreeFeature::SeasonEvidence,
        TreeFeature::LowShare,
        TreeFeature::LongestPause,
        TreeFeature::TrendCount,
        TreeFeature::TrendValue,
        TreeFeature::HumpCount,
        TreeFeature::HumpValue,
        TreeFeature::SeasonCount,
        TreeFeature::SeasonValue,
        TreeFeature::ClusterValue,
        TreeFeature::Purchases,
    ];

    /// The identifier used in the configuration file (`tau`, `ratio_31`, ...).
    pub fn id(self) -> &'static str {
        match self {
            TreeFeature::LeftCensored => "left_censored",
            TreeFeature::Tenure => "tenure",
            TreeFeature::Span => "span",
            TreeFeature::NActive => "n_active",
            TreeFeature::GapEnd => "gap_end",
            TreeFeature::Adi => "adi",
            TreeFeature::Density => "density",
            TreeFeature::Cv2 => "cv2",
            TreeFeature::LevelRel => "level_rel",
            TreeFeature::Recent => "recent",
            TreeFeature::NBlocks => "n_blocks",
            TreeFeature::Tau => "tau",
            TreeFeature::P => "p",
            TreeFeature::Ratio31 => "ratio_31",
            TreeFeature::PeakPos => "peak_pos",
            TreeFeature::Rise => "rise",
            TreeFeature::Fall => "fall",
            TreeFeature::TauPre => "tau_pre",
            TreeFeature::TauPost => "tau_post",
            TreeFeature::CvBlock => "cv_block",
            TreeFeature::CvMonth => "cv_month",
            TreeFeature::AcfSeason => "acf_season",
            TreeFeature::RunsZ => "runs_z",
            TreeFeature::Highs => "highs",
            TreeFeature::Troughs => "troughs",
            TreeFeature::Acf1 => "acf1",
            TreeFeature::SeasonPower => "season_power",
            TreeFeature::SlopeRel => "slope_rel",
            TreeFeature::Curvature => "curvature",
            TreeFeature::SeasonEvidence => "season_evidence",
            TreeFeature::LowShare => "low_share",
            TreeFeature::LongestPause => "longest_pause",
            TreeFeature::TrendCount => "trend_count",
            TreeFeature::TrendValue => "trend_value",
            TreeFeature::HumpCount => "hump_count",
            TreeFeature::HumpValue => "hump_value",
            TreeFeature::SeasonCount => "season_count",
            TreeFeature::SeasonValue => "season_value",
            TreeFeature::ClusterValue => "cluster_value",
            TreeFeature::Purchases => "purchases",
        }
    }

    /// What the feature measures, for the reason sentence.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TreeFeature::LeftCensored => text::typology_feature_left_censored(lang),
            TreeFeature::Tenure => text::typology_feature_tenure(lang),
            TreeFeature::Span => text::typology_feature_span(lang),
            TreeFeature::NActive => text::typology_feature_n_active(lang),
            TreeFeature::GapEnd => text::typology_feature_gap_end(lang),
            TreeFeature::Adi => text::typology_feature_adi(lang),
            TreeFeature::Density => text::typology_feature_density(lang),
            TreeFeature::Cv2 => text::typology_feature_cv2(lang),
            TreeFeature::LevelRel => text::typology_feature_level_rel(lang),
            TreeFeature::Recent => text::typology_feature_recent(lang),
            TreeFeature::NBlocks => text::typology_feature_n_blocks(lang),
            TreeFeature::Tau => text::typology_feature_tau(lang),
            TreeFeature::P => text::typology_feature_p(lang),
            TreeFeature::Ratio31 => text::typology_feature_ratio31(lang),
            TreeFeature::PeakPos => text::typology_feature_peak_pos(lang),
            TreeFeature::Rise => text::typology_feature_rise(lang),
            TreeFeature::Fall => text::typology_feature_fall(lang),
            TreeFeature::TauPre => text::typology_feature_tau_pre(lang),
            TreeFeature::TauPost => text::typology_feature_tau_post(lang),
            TreeFeature::CvBlock => text::typology_feature_cv_block(lang),
            TreeFeature::CvMonth => text::typology_feature_cv_month(lang),
            TreeFeature::AcfSeason => text::typology_feature_acf_season(lang),
            TreeFeature::RunsZ => text::typology_feature_runs_z(lang),
            TreeFeature::Highs => text::typology_feature_highs(lang),
            TreeFeature::Troughs => text::typology_feature_troughs(lang),
            TreeFeature::Acf1 => text::typology_feature_acf1(lang),
            TreeFeature::SeasonPower => text::typology_feature_season_power(lang),
            TreeFeature::SlopeRel => text::typology_feature_slope_rel(lang),
            TreeFeature::Curvature => text::typology_feature_curvature(lang),
            TreeFeature::SeasonEvidence => text::typology_feature_season_evidence(lang),
            TreeFeature::LowShare => text::typology_feature_low_share(lang),
            TreeFeature::LongestPause => text::typology_feature_longest_pause(lang),
            TreeFeature::TrendCount => text::typology_feature_trend_count(lang),
            TreeFeature::TrendValue => text::typology_feature_trend_value(lang),
            TreeFeature::HumpCount => text::typology_feature_hump_count(lang),
            TreeFeature::HumpValue => text::typology_feature_hump_value(lang),
            TreeFeature::SeasonCount => text::typology_feature_season_count(lang),
            TreeFeature::SeasonValue => text::typology_feature_season_value(lang),
            TreeFeature::ClusterValue => text::typology_feature_cluster_value(lang),
            TreeFeature::Purchases => text::typology_feature_purchases(lang),
        }
    }

    /// Whether the feature counts something (shown without decimals).
    pub fn is_count(self) -> bool {
        matches!(
            self,
            TreeFeature::LeftCensored
                | TreeFeature::Tenure
                | TreeFeature::Span
                | TreeFeature::NActive
                | TreeFeature::GapEnd
                | TreeFeature::NBlocks
                | TreeFeature::Highs
                | TreeFeature::Troughs
                | TreeFeature::LongestPause
                | TreeFeature::Purchases
        )
    }
}

/// The values of every [`TreeFeature`] for one customer, in the order of
/// [`TreeFeature::ALL`]. `level_rel` is level12 / portfolio reference (`None` without one).
#[inline(always)]
pub fn feature_vector(f: &Features, level_rel: Option<f64>) -> [f64; N_TREE_FEATURES] {
    // Without evidence (too short a history) the tests show nothing: zeros.
    let e = f.evidence.unwrap_or(Evidence::NONE);
    let recent = if f.level_life > 0.0 {
        f.level12 / f.level_life
    } else {
        0.0
    };
    [
        f64::from(u8::from(f.left_censored)),
        f.tenure as f64,
        f.span as f64,
        f.n_active as f64,
        f.gap_end as f64,
        f.adi,
        f.n_active as f64 / f.span.max(1) as f64,
        f.cv2,
        level_rel.unwrap_or(f64::INFINITY),
        recent,
        f.n_blocks as f64,
        f.tau,
        f.p,
        f.ratio_31,
        f.peak_pos,
        f.rise,
        f.fall,
        f.tau_pre,
        f.tau_post,
        f.cv_block,
        f.cv_month,
        f.acf_season.unwrap_or(NO_SEASON),
        f.runs_z,
        f.highs as f64,
        f.troughs as f64,
        f.acf1,
        f.season_power,
        f.slope_rel,
        f.curvature,
        f.season_evidence,
        f.low_share,
        f.longest_pause as f64,
        e.trend_count,
        e.trend_value,
        e.hump_count,
        e.hump_value,
        e.season_count
            .iter()
            .fold(0.0, |a: f64, q| a.max(*q))
            .sqrt(),
        e.season_value
            .iter()
            .fold(0.0, |a: f64, q| a.max(*q))
            .sqrt(),
        e.cluster_value,
        e.purchases as f64,
    ]
}

/// One node of a decision tree ([`TypologyConfig::tree`](super::TypologyConfig::tree)): a split or a leaf. Children always have a larger index than
/// their parent (the tree is stored in pre-order), which is what keeps a hand-edited tree from
/// looping: a walk that would go back is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum TreeNode {
    /// Go to node `yes` if `feature <= le`, else to node `no`.
    Split {
        /// The feature compared.
        feature: TreeFeature,
        /// The threshold: at most this goes to `yes`.
        le: f64,
        /// Index of the node for `feature <= le`.
        yes: usize,
        /// Index of the node for `feature > le`.
        no: usize,
    },
    /// The decision, with the share of customers this leaf typed correctly on the calibration
    /// data (smoothed).
    Leaf {
        /// The type of every customer reaching this leaf.
        leaf: CustomerType,
        /// Calibrated confidence in 0..=1.
        confidence: f64,
    },
}

/// One condition on the path to a leaf, merged per feature: the customer's value and the
/// tightest bounds the splits put on it (`lower < value <= upper`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    /// The feature.
    pub feature: TreeFeature,
    /// The customer's value.
    pub value: f64,
    /// The largest threshold the value lies above.
    pub lower: Option<f64>,
    /// The smallest threshold the value lies at or below.
    pub upper: Option<f64>,
}

/// Where a customer landed in the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeDecision {
    /// The leaf's type.
    pub customer_type: CustomerType,
    /// The leaf's calibrated confidence.
    pub confidence: f64,
    /// Index of the leaf.
    pub leaf: usize,
    /// The conditions that decided it, one per feature, root first.
    pub conditions: Vec<Condition>,
}

/// Walks `tree` with the feature values `x`. `None` if the tree is empty or malformed (a child
/// index out of range or not after its parent, a leaf typed INSUFFICIENT, a confidence outside
/// 0..=1): the caller then falls back to the rules.
#[inline(always)]
pub fn decide(tree: &[TreeNode], x: &[f64; N_TREE_FEATURES]) -> Option<TreeDecision> {
    let mut node = 0;
    let mut conditions: Vec<Condition> = Vec::with_capacity(8);
    loop {
        match tree.get(node)? {
            TreeNode::Leaf { leaf, confidence } => {
                if *leaf == CustomerType::Insufficient || !(0.0..=1.0).contains(confidence) {
                    return None;
                }
                // Kept with every customer's classification: no spare room for a million.
                conditions.shrink_to_fit();
                return Some(TreeDecision {
                    customer_type: *leaf,
                    confidence: *confidence,
                    leaf: node,
                    conditions,
                });
            }
            TreeNode::Split {
                feature,
                le,
                yes,
                no,
            } => {
                let value = x[*feature as usize];
                let below = value <= *le;
                let next = if below { *yes } else { *no };
                if next <= node {
                    return None;
                }
                let c = match conditions.iter_mut().find(|c| c.feature == *feature) {
                    Some(c) => c,
                    None => {
                        conditions.push(Condition {
                            feature: *feature,
                            value,
                            lower: None,
                            upper: None,
                        });
                        conditions.last_mut()?
                    }
                };
                if below {
                    c.upper = Some(c.upper.map_or(*le, |u| u.min(*le)));
                } else {
                    c.lower = Some(c.lower.map_or(*le, |l| l.max(*le)));
                }
                node = next;
            }
        }
    }
}

/// What is wrong with a configured tree (see [`check`]).
#[derive(Debug, Clone, PartialEq)]
pub enum TreeProblem {
    /// The tree has no nodes.
    Empty,
    /// A split's child is not a later node of the tree.
    BadChild {
        /// The split.
        node: usize,
        /// The child index it names.
        child: usize,
        /// Nodes in the tree.
        len: usize,
    },
    /// A split's threshold is not a finite number.
    BadThreshold {
        /// The split.
        node: usize,
    },
    /// A leaf gives the type `new`, which only the history-length rule may give.
    NewLeaf {
        /// The leaf.
        node: usize,
    },
    /// A leaf's confidence is outside 0..=1.
    BadConfidence {
        /// The leaf.
        node: usize,
    },
}

impl TreeProblem {
    /// The problem in the user's language (the path is `[typology] tree`).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            TreeProblem::Empty => text::typology_tree_empty(lang).into(),
            TreeProblem::BadChild { node, child, len } => {
                text::typology_tree_bad_child(lang, child, len, node)
            }
            TreeProblem::BadThreshold { node } => text::typology_tree_bad_threshold(lang, node),
            TreeProblem::NewLeaf { node } => text::typology_tree_new_leaf(lang, node),
            TreeProblem::BadConfidence { node } => text::typology_tree_bad_confidence(lang, node),
        }
    }
}

/// Every problem of a configured tree, so a broken configuration is refused with its reasons
/// instead of [`decide`] quietly falling back to the rules for every customer.
pub fn check(tree: &[TreeNode]) -> Vec<TreeProblem> {
    if tree.is_empty() {
        return vec![TreeProblem::Empty];
    }
    let len = tree.len();
    let mut problems = Vec::new();
    for (node, n) in tree.iter().enumerate() {
        match n {
            TreeNode::Split { le, yes, no, .. } => {
                if !le.is_finite() {
                    problems.push(TreeProblem::BadThreshold { node });
                }
                for &child in [yes, no] {
                    if child <= node || child >= len {
                        problems.push(TreeProblem::BadChild { node, child, len });
                    }
                }
            }
            TreeNode::Leaf { leaf, confidence } => {
                if *leaf == CustomerType::Insufficient {
                    problems.push(TreeProblem::NewLeaf { node });
                }
                if !(0.0..=1.0).contains(confidence) {
                    problems.push(TreeProblem::BadConfidence { node });
                }
            }
        }
    }
    problems
}

/// A threshold as written in the configuration: shortest form, decimal comma in German.
fn threshold_text(v: f64, lang: Lang) -> String {
    let s = format!("{v}");
    match lang {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

/// The customer's value with as few decimals (2 to 6) as keep it visibly on its side of the
/// bounds, so a sentence never reads "0.15 (above 0.15)".
fn value_text(c: &Condition, lang: Lang) -> String {
    let s = if c.feature == TreeFeature::AcfSeason && c.value <= NO_SEASON {
        text::typology_no_season(lang).to_string()
    } else if c.feature.is_count() || c.value.is_infinite() {
        format!("{}", c.value)
    } else {
        let mut s = format!("{:.2}", c.value);
        for d in 2..=6 {
            s = format!("{:.*}", d, c.value);
            let shown: f64 = s.parse().unwrap_or(c.value);
            if c.lower.is_none_or(|l| shown > l) && c.upper.is_none_or(|u| shown <= u) {
                break;
            }
        }
        s
    };
    match lang {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

/// The sentence part for the conditions: "trend τ 0.42 (above 0.15), ... and ...".
pub fn conditions_text(conditions: &[Condition], lang: Lang) -> String {
    let parts: Vec<String> = conditions
        .iter()
        .map(|c| {
            let bounds = match (c.lower, c.upper) {
                (Some(l), Some(u)) => text::typology_bounds_between(
                    lang,
                    threshold_text(l, lang),
                    threshold_text(u, lang),
                ),
                (Some(l), None) => text::typology_bounds_above(lang, threshold_text(l, lang)),
                (None, Some(u)) => text::typology_bounds_at_most(lang, threshold_text(u, lang)),
                (None, None) => String::new(),
            };
            format!(
                "{} {} ({bounds})",
                c.feature.label(lang),
                value_text(c, lang)
            )
        })
        .collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => text::typology_conditions_and(lang, last, rest.join(", ")),
    }
}

/// How large a tree [`fit_tree`] grows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeParams {
    /// Deepest level of a leaf (the root is level 0).
    pub max_depth: usize,
    /// Fewest training customers in a leaf.
    pub min_leaf: usize,
}

/// The types a tree may choose (all but INSUFFICIENT, which rule 0 decides by counting).
const TREE_TYPES: [CustomerType; 6] = [
    CustomerType::Stable,
    CustomerType::Cyclical,
    CustomerType::Bell,
    CustomerType::Growth,
    CustomerType::Shrink,
    CustomerType::Barnacle,
];

fn class_index(t: CustomerType) -> Option<usize> {
    TREE_TYPES.iter().position(|u| *u == t)
}

/// Gini impurity times the count: n - sum c² / n (smaller is purer).
fn weighted_gini(counts: &[usize; 6], n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let sq: f64 = counts.iter().map(|c| (*c as f64) * (*c as f64)).sum();
    n as f64 - sq / n as f64
}

/// The number with the fewest decimals in `[lo, hi)`, so that thresholds read like "0.4"
/// rather than "0.40127": every training value at most `lo` stays at or below it, every value
/// from `hi` on above it.
pub fn round_threshold(lo: f64, hi: f64) -> f64 {
    if !lo.is_finite() || !hi.is_finite() {
        return lo;
    }
    for d in 0..=8 {
        let scale = 10f64.powi(d);
        let mut t = (lo * scale).ceil() / scale;
        if t < lo {
            t = ((lo * scale).ceil() + 1.0) / scale;
        }
        if t >= lo && t < hi {
            return t;
        }
    }
    lo
}

/// Grows a classification tree on `x` (feature vectors) and `y` (true types; INSUFFICIENT
/// rows are ignored): every node takes the split with the largest drop in Gini impurity over
/// all features and thresholds that leaves at least `min_leaf` customers on each side, down to
/// `max_depth`. Sibling leaves with the same type are merged (they change no decision). Leaf
/// confidences are the training share correct; use [`calibrate`] on other data.
pub fn fit_tree(
    x: &[[f64; N_TREE_FEATURES]],
    y: &[CustomerType],
    params: TreeParams,
) -> Vec<TreeNode> {
    let rows: Vec<(usize, usize)> = y
        .iter()
        .enumerate()
        .filter_map(|(i, t)| class_index(*t).map(|c| (i, c)))
        .collect();
    let mut nodes = Vec::new();
    grow(x, &rows, 0, params, &mut nodes);
    let mut merged = Vec::new();
    copy_merged(&nodes, 0, &mut merged);
    merged
}

fn grow(
    x: &[[f64; N_TREE_FEATURES]],
    rows: &[(usize, usize)],
    depth: usize,
    params: TreeParams,
    nodes: &mut Vec<TreeNode>,
) -> usize {
    let mut counts = [0usize; 6];
    for (_, c) in rows {
        counts[*c] += 1;
    }
    let n = rows.len();
    let (best_class, best_count) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
        .map(|(i, c)| (i, *c))
        .unwrap_or((0, 0));
    let index = nodes.len();
    nodes.push(TreeNode::Leaf {
        leaf: TREE_TYPES[best_class],
        confidence: if n > 0 {
            best_count as f64 / n as f64
        } else {
            0.0
        },
    });
    if depth >= params.max_depth || n < 2 * params.min_leaf.max(1) || best_count == n {
        return index;
    }
    let parent = weighted_gini(&counts, n);
    let mut best: Option<(f64, usize, f64)> = None;
    let mut sorted: Vec<(f64, usize)> = Vec::with_capacity(n);
    for feature in TreeFeature::ALL.map(|f| f as usize) {
        sorted.clear();
        sorted.extend(rows.iter().map(|(i, c)| (x[*i][feature], *c)));
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut left = [0usize; 6];
        for k in 0..n - 1 {
            left[sorted[k].1] += 1;
            let nl = k + 1;
            if nl < params.min_leaf || n - nl < params.min_leaf {
                continue;
            }
            if sorted[k].0 == sorted[k + 1].0 {
                continue;
            }
            let mut right = counts;
            for (r, l) in right.iter_mut().zip(&left) {
                *r -= l;
            }
            let g = weighted_gini(&left, nl) + weighted_gini(&right, n - nl);
            if best.is_none_or(|(bg, _, _)| g < bg - 1e-12) {
                best = Some((g, feature, round_threshold(sorted[k].0, sorted[k + 1].0)));
            }
        }
    }
    let Some((g, feature, le)) = best else {
        return index;
    };
    if g >= parent - 1e-12 {
        return index;
    }
    let (yes_rows, no_rows): (Vec<_>, Vec<_>) =
        rows.iter().partition(|(i, _)| x[*i][feature] <= le);
    let yes = grow(x, &yes_rows, depth + 1, params, nodes);
    let no = grow(x, &no_rows, depth + 1, params, nodes);
    nodes[index] = TreeNode::Split {
        feature: TreeFeature::ALL[feature],
        le,
        yes,
        no,
    };
    index
}

/// The type a subtree gives when all its leaves agree.
fn uniform_type(nodes: &[TreeNode], i: usize) -> Option<CustomerType> {
    match &nodes[i] {
        TreeNode::Leaf { leaf, .. } => Some(*leaf),
        TreeNode::Split { yes, no, .. } => {
            let a = uniform_type(nodes, *yes)?;
            (uniform_type(nodes, *no)? == a).then_some(a)
        }
    }
}

/// Copies the subtree at `i` into `out` in pre-order, replacing subtrees whose leaves all give
/// the same type by one leaf.
fn copy_merged(nodes: &[TreeNode], i: usize, out: &mut Vec<TreeNode>) -> usize {
    let index = out.len();
    if let Some(t) = uniform_type(nodes, i) {
        out.push(TreeNode::Leaf {
            leaf: t,
            confidence: 0.0,
        });
        return index;
    }
    match &nodes[i] {
        TreeNode::Split {
            feature,
            le,
            yes,
            no,
        } => {
            out.push(TreeNode::Leaf {
                leaf: CustomerType::Stable,
                confidence: 0.0,
            });
            let y = copy_merged(nodes, *yes, out);
            let n = copy_merged(nodes, *no, out);
            out[index] = TreeNode::Split {
                feature: *feature,
                le: *le,
                yes: y,
                no: n,
            };
        }
        leaf => out.push(leaf.clone()),
    }
    index
}

/// Sets every leaf's confidence to its smoothed share of correct types on `(x, y)` (data the
/// tree was not grown on): (correct + m · overall) / (reached + m), an m-estimate that pulls a
/// leaf few customers reach towards the tree's overall accuracy on that data. Returns the
/// overall accuracy. Rows typed INSUFFICIENT are ignored.
pub fn calibrate(
    tree: &mut [TreeNode],
    x: &[[f64; N_TREE_FEATURES]],
    y: &[CustomerType],
    m: f64,
) -> f64 {
    let mut reached = vec![0usize; tree.len()];
    let mut correct = vec![0usize; tree.len()];
    for (xi, yi) in x.iter().zip(y) {
        if *yi == CustomerType::Insufficient {
            continue;
        }
        if let Some(d) = decide(tree, xi) {
            reached[d.leaf] += 1;
            correct[d.leaf] += usize::from(d.customer_type == *yi);
        }
    }
    let total: usize = reached.iter().sum();
    let overall = correct.iter().sum::<usize>() as f64 / total.max(1) as f64;
    for (i, node) in tree.iter_mut().enumerate() {
        if let TreeNode::Leaf { confidence, .. } = node {
            *confidence = (correct[i] as f64 + m * overall) / (reached[i] as f64 + m);
        }
    }
    overall
}

/// Logistic (Platt) calibration: the `(a, b)` maximising the likelihood of
/// P(correct) = 1 / (1 + exp(-(a + b z))) over `points` of (z, correct). Used with z = the logit
/// of a leaf's training purity, fitted on out-of-fold decisions, so that a tree grown on all the
/// labelled data still gets confidences measured on customers it was not grown on. Newton's
/// method on the two parameters; `(0, 1)` (the identity on the logit) when the points cannot
/// decide (empty, or all of one outcome).
pub fn platt_scale(points: &[(f64, bool)]) -> (f64, f64) {
    let (mut a, mut b) = (0.0f64, 1.0f64);
    let hits = points.iter().filter(|p| p.1).count();
    if hits == 0 || hits == points.len() {
        return (a, b);
    }
    for _ in 0..100 {
        // Gradient and Hessian of the negative log-likelihood.
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(z, correct) in points {
            let q = 1.0 / (1.0 + (-(a + b * z)).exp());
            let r = q - f64::from(u8::from(correct));
            let w = q * (1.0 - q);
            ga += r;
            gb += r * z;
            haa += w;
            hab += w * z;
            hbb += w * z * z;
        }
        let det = haa * hbb - hab * hab;
        if det <= 0.0 || !det.is_finite() {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() < 1e-12 && db.abs() < 1e-12 {
            break;
        }
    }
    (a, b)
}

/// The logit of a share, clamped away from 0 and 1 (a pure leaf would otherwise be infinitely
/// sure).
pub fn logit(share: f64) -> f64 {
    let s = share.clamp(1e-3, 1.0 - 1e-3);
    (s / (1.0 - s)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration file names features by [`TreeFeature::id`].
    /// Tolerance of the recovered Platt parameters: the outcomes below hold the known
    /// probabilities exactly up to rounding to whole points (1 in 1000), which moves the
    /// optimum by far less than this.
    const PLATT_TOLERANCE: f64 = 0.01;

    #[test]
    fn platt_scale_recovers_known_parameters() {
        // Deterministic outcomes with exactly the known probabilities: for each z, a share
        // q(z) of 1000 points is correct.
        let (a, b) = (-0.4, 0.7);
        let mut points = Vec::new();
        for k in 0..40 {
            let z = -3.0 + 0.15 * f64::from(k);
            let q = 1.0 / (1.0 + (-(a + b * z)).exp());
            let hits = (q * 1000.0).round() as usize;
            points.extend((0..1000).map(|i| (z, i < hits)));
        }
        let (fa, fb) = platt_scale(&points);
        assert!((fa - a).abs() < PLATT_TOLERANCE, "a = {fa}");
        assert!((fb - b).abs() < PLATT_TOLERANCE, "b = {fb}");
        // Nothing to learn from one outcome only: the identity.
        assert_eq!(platt_scale(&[(0.3, true), (1.0, true)]), (0.0, 1.0));
    }

    #[test]
    fn ids_are_the_serde_names() {
        for f in TreeFeature::ALL {
            let parsed: TreeFeature = toml::Value::String(f.id().into()).try_into().unwrap();
            assert_eq!(parsed, f);
        }
    }

    #[test]
    fn thresholds_are_short_and_between_the_values() {
        assert_eq!(round_threshold(0.4013, 0.4391), 0.41);
        assert_eq!(round_threshold(2.0, 5.0), 2.0);
        assert_eq!(round_threshold(2.5, 3.7), 3.0);
        assert_eq!(round_threshold(-0.151, -0.149), -0.15);
        assert_eq!(round_threshold(NO_SEASON, 0.1), NO_SEASON);
    }

    /// Two features, three types in separate corners: the tree finds both splits, merges
    /// nothing it should keep, and calibration counts per leaf.
    #[test]
    fn fits_separable_data() {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..30 {
            let mut v = [0.0; N_TREE_FEATURES];
            let t = i as f64 / 30.0;
            v[TreeFeature::Tau as usize] = if i < 10 { -0.5 - t } else { 0.5 + t };
            v[TreeFeature::Cv2 as usize] = if i < 20 { t } else { 2.0 + t };
            x.push(v);
            y.push(match i {
                0..10 => CustomerType::Shrink,
                10..20 => CustomerType::Growth,
                _ => CustomerType::Cyclical,
            });
        }
        let mut tree = fit_tree(
            &x,
            &y,
            TreeParams {
                max_depth: 3,
                min_leaf: 2,
            },
        );
        let leaves = tree
            .iter()
            .filter(|n| matches!(n, TreeNode::Leaf { .. }))
            .count();
        assert_eq!(leaves, 3, "{tree:?}");
        let acc = calibrate(&mut tree, &x, &y, 2.0);
        assert_eq!(acc, 1.0);
        for (xi, yi) in x.iter().zip(&y) {
            let d = decide(&tree, xi).unwrap();
            assert_eq!(d.customer_type, *yi);
            assert_eq!(d.confidence, 1.0);
        }
        // A loop or an index out of range is refused, not followed.
        let looping = vec![TreeNode::Split {
            feature: TreeFeature::Tau,
            le: 0.0,
            yes: 0,
            no: 0,
        }];
        assert!(decide(&looping, &x[0]).is_none());
    }

    #[test]
    fn reason_merges_bounds_per_feature() {
        let c = [
            Condition {
                feature: TreeFeature::Tau,
                value: 0.4213,
                lower: Some(0.15),
                upper: Some(0.8),
            },
            Condition {
                feature: TreeFeature::Ratio31,
                value: 1.5004,
                lower: Some(1.5),
                upper: None,
            },
        ];
        assert_eq!(
            conditions_text(&c, Lang::En),
            "trend τ 0.42 (above 0.15 and at most 0.8) and last/first third 1.5004 (above 1.5)"
        );
        assert_eq!(
            conditions_text(&c, Lang::De),
            "Trend τ 0,42 (über 0,15 und höchstens 0,8) und letztes/erstes Drittel 1,5004 (über 1,5)"
        );
    }
}
