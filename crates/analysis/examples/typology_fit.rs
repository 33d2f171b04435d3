//! Grows the default customer-type decision tree on the labelled panels `train/` and `dev/`
//! (never `heldout/`, which is only for reporting): its size chosen by 5-fold
//! cross-validation of the whole classifier (tree, then the evidence a pattern exists); the
//! confidences follow the evidence ([`Confidence`]): logistic curves fitted on B2B panels drawn
//! for training (`typology::b2b_panels`, seeds from [`B2B_TRAIN_SEED`], never used by a
//! test). Prints the size grid and the per-rate rates of
//! the training B2B panels; with `--write` it rewrites `src/typology/default_tree.rs` and the
//! `tree = [...]` block and `[typology.confidence]` table of `config/kundenwert.toml`.
//!
//! ```sh
//! cargo run --release -p kundenwert-analysis --example typology_fit -- --write
//! ```

use std::collections::HashMap;

#[path = "support/labelled.rs"]
mod labelled;

use kundenwert_analysis::typology::b2b_panels::{generate, PanelSpec, Pattern, ACQUIRED_SHARE};
use kundenwert_analysis::typology::evidence::{Claim, Critical};
use kundenwert_analysis::typology::tree::{
    calibrate, decide, feature_vector, fit_tree, logit, platt_scale, TreeNode, TreeParams,
    N_TREE_FEATURES,
};
use kundenwert_analysis::typology::{
    barnacle_bound, classify_features_with, portfolio_reference, Classification, Confidence,
    CustomerType, Features, TypologyConfig, TypologyModel,
};

/// Smoothing of a leaf's training purity towards the tree's overall training accuracy
/// (pseudo-customers): a leaf of 20 customers is not 100 % sure.
const CALIBRATION_M: f64 = 2.0;
/// Folds of the cross-validation.
const FOLDS: usize = 5;
/// Depths and least leaf sizes tried.
const DEPTHS: [usize; 6] = [6, 7, 8, 9, 10, 12];
const MIN_LEAVES: [usize; 4] = [5, 10, 20, 40];
/// First seed of the B2B training panels. The tests draw theirs from other seeds
/// (`tests/it/typology.rs`), so nothing they report was seen here.
const B2B_TRAIN_SEED: u64 = 5_000;
/// Customers per pattern and rate in the B2B training panels.
const B2B_CUSTOMERS: usize = 300;
/// Purchase rates of the B2B training panels.
const B2B_RATES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
/// Window lengths of the B2B training panels, in turn.
const B2B_MONTHS: [usize; 3] = [24, 36, 48];

/// Position of `t` in [`CustomerType::ALL`] (the rows of the per-class counts).
fn type_index(t: CustomerType) -> usize {
    CustomerType::ALL.iter().position(|u| *u == t).unwrap()
}

struct Panel {
    features: Vec<Option<Features>>,
    truth: Vec<CustomerType>,
    reference: Option<f64>,
    /// B2B panels: the pattern and the index of the rate in [`B2B_RATES`] of each customer.
    groups: Vec<(Pattern, usize)>,
}

fn load(panel: &str) -> Panel {
    assert!(panel != "heldout", "never tune on heldout/");
    let customers = labelled::load(panel);
    let features: Vec<Option<Features>> = customers
        .iter()
        .map(|c| Features::compute(&c.months, c.left_censored))
        .collect();
    let truth = customers
        .iter()
        .map(|c| {
            *CustomerType::ALL
                .iter()
                .find(|t| t.spec_name() == c.label)
                .unwrap()
        })
        .collect();
    let reference = portfolio_reference(features.iter().flatten());
    Panel {
        features,
        truth,
        reference,
        groups: Vec::new(),
    }
}

/// Every pattern at every rate, twice: 36 months of existing customers (as the issue draws
/// them), and the windows of [`B2B_MONTHS`] in turn with a share of customers won during the
/// data; as one portfolio (one reference).
fn b2b_training_panel() -> Panel {
    let (mut features, mut truth, mut groups) = (Vec::new(), Vec::new(), Vec::new());
    let mut seed = B2B_TRAIN_SEED;
    for pattern in Pattern::ALL {
        for (i, rate) in B2B_RATES.iter().enumerate() {
            for (months, acquired) in [
                (36, 0.0),
                (B2B_MONTHS[i % B2B_MONTHS.len()], ACQUIRED_SHARE),
            ] {
                seed += 1;
                for c in generate(&PanelSpec {
                    pattern,
                    rate: *rate,
                    customers: B2B_CUSTOMERS,
                    months,
                    acquired,
                    seed,
                }) {
                    features.push(Features::compute_with_purchases(
                        &c.values,
                        Some(&c.purchases),
                        c.left_censored,
                    ));
                    truth.push(c.truth());
                    groups.push((pattern, i));
                }
            }
        }
    }
    let reference = portfolio_reference(features.iter().flatten());
    Panel {
        features,
        truth,
        reference,
        groups,
    }
}

/// The customers of the labelled panels the tree decides (rule 0 passed), with their
/// feature vectors and truth, and the totals and rule-0 hits per class.
struct Rows {
    at: Vec<(usize, usize)>,
    x: Vec<[f64; N_TREE_FEATURES]>,
    y: Vec<CustomerType>,
    rule0_hits: [usize; 7],
    totals: [usize; 7],
}

fn rows(panels: &[&Panel], config: &TypologyConfig) -> Rows {
    let mut r = Rows {
        at: Vec::new(),
        x: Vec::new(),
        y: Vec::new(),
        rule0_hits: [0; 7],
        totals: [0; 7],
    };
    for (pi, p) in panels.iter().enumerate() {
        for (ci, (f, t)) in p.features.iter().zip(&p.truth).enumerate() {
            let i = type_index(*t);
            r.totals[i] += 1;
            match f {
                Some(f) if f.n_active >= config.min_active && f.span >= config.min_span => {
                    r.at.push((pi, ci));
                    r.x.push(feature_vector(f, p.reference.map(|v| f.level12 / v)));
                    r.y.push(*t);
                }
                _ => {
                    let c = classify_features_with(f.as_ref(), p.reference, config);
                    r.rule0_hits[i] += usize::from(c.customer_type == *t);
                }
            }
        }
    }
    r
}

/// The fold of every tree row (round robin within each class, so every fold holds the same
/// mix) and the tree grown and calibrated without each fold.
fn fold_trees(r: &Rows, params: TreeParams) -> (Vec<usize>, Vec<Vec<TreeNode>>) {
    let mut seen = [0usize; 7];
    let fold: Vec<usize> =
        r.y.iter()
            .map(|t| {
                let i = type_index(*t);
                seen[i] += 1;
                seen[i] % FOLDS
            })
            .collect();
    let trees = (0..FOLDS)
        .map(|k| {
            let (mut xt, mut yt) = (Vec::new(), Vec::new());
            for ((x, y), f) in r.x.iter().zip(&r.y).zip(&fold) {
                if *f != k {
                    xt.push(*x);
                    yt.push(*y);
                }
            }
            let mut tree = fit_tree(&xt, &yt, params);
            calibrate(&mut tree, &xt, &yt, CALIBRATION_M);
            tree
        })
        .collect();
    (fold, trees)
}

/// The evidence a decision's confidence follows ([`Confidence`]): the claim's margin for a
/// pattern, the level's margin below the bound for a barnacle, the largest margin of the
/// patterns for steady; and ln(1 + purchases).
fn evidence_x(
    c: &Classification,
    f: &Features,
    reference: Option<f64>,
    k: &TypologyConfig,
) -> [f64; 2] {
    let critical = Critical::of(&k.evidence);
    let Some(e) = f.evidence else {
        return [0.0, 0.0];
    };
    let purchases = (e.purchases as f64).ln_1p();
    let claim = |claim: Claim| e.margins(&critical)[claim as usize];
    let x = match c.customer_type {
        CustomerType::Stable => e
            .margins(&critical)
            .into_iter()
            .fold(f64::NEG_INFINITY, f64::max),
        CustomerType::Growth => claim(Claim::Rising),
        CustomerType::Shrink => claim(Claim::Falling),
        CustomerType::Bell => claim(Claim::Hump),
        CustomerType::Cyclical => claim(Claim::Cycle),
        CustomerType::Barnacle => {
            e.minimal_margin(f.level12, barnacle_bound(reference, k), &critical)
        }
        CustomerType::Insufficient => 0.0,
    };
    [x, purchases]
}

/// One decision of the whole classifier: its type, the truth, and the evidence its
/// confidence follows.
#[derive(Clone, Copy)]
struct Decided {
    customer_type: CustomerType,
    truth: CustomerType,
    x: [f64; 2],
}

/// Out-of-fold decisions of the fold trees, through the evidence.
fn out_of_fold(
    panels: &[&Panel],
    r: &Rows,
    fold: &[usize],
    trees: &[Vec<TreeNode>],
    base: &TypologyConfig,
) -> Vec<Decided> {
    let configs: Vec<TypologyConfig> = trees
        .iter()
        .map(|tree| TypologyConfig {
            tree: tree.clone(),
            ..base.clone()
        })
        .collect();
    r.at.iter()
        .zip(fold)
        .map(|((pi, ci), k)| {
            let p = panels[*pi];
            let f = p.features[*ci].as_ref().expect("a tree row has features");
            let c = classify_features_with(Some(f), p.reference, &configs[*k]);
            Decided {
                customer_type: c.customer_type,
                truth: p.truth[*ci],
                x: evidence_x(&c, f, p.reference, &configs[*k]),
            }
        })
        .collect()
}

/// Accuracy and per-class recall of the whole classifier when the tree rows decide as
/// `decided`.
fn cv_score(r: &Rows, decided: &[Decided]) -> (f64, [f64; 7]) {
    let mut hits = r.rule0_hits;
    for d in decided {
        hits[type_index(d.truth)] += usize::from(d.customer_type == d.truth);
    }
    let mut recall = [0.0; 7];
    for i in 0..7 {
        recall[i] = hits[i] as f64 / r.totals[i].max(1) as f64;
    }
    (
        hits.iter().sum::<usize>() as f64 / r.totals.iter().sum::<usize>() as f64,
        recall,
    )
}

fn rust_nodes(tree: &[TreeNode]) -> String {
    let mut s = String::new();
    for n in tree {
        match n {
            TreeNode::Split {
                feature,
                le,
                yes,
                no,
            } => s.push_str(&format!(
                "        TreeNode::Split {{ feature: TreeFeature::{feature:?}, le: {le:?}, yes: {yes}, no: {no} }},\n"
            )),
            TreeNode::Leaf { leaf, confidence } => s.push_str(&format!(
                "        TreeNode::Leaf {{ leaf: CustomerType::{leaf:?}, confidence: {confidence:?} }},\n"
            )),
        }
    }
    s
}

fn toml_nodes(tree: &[TreeNode]) -> String {
    let mut s = String::from("tree = [\n");
    for (i, n) in tree.iter().enumerate() {
        match n {
            TreeNode::Split {
                feature,
                le,
                yes,
                no,
            } => s.push_str(&format!(
                "  {{ feature = \"{}\", le = {le:?}, yes = {yes}, no = {no} }}, # {i}\n",
                feature.id()
            )),
            TreeNode::Leaf { leaf, confidence } => s.push_str(&format!(
                "  {{ leaf = \"{}\", confidence = {confidence:?} }}, # {i}\n",
                leaf.id()
            )),
        }
    }
    s.push_str("]\n");
    s
}

/// Logistic regression P(correct) = 1 / (1 + exp(-(a + b x + c w))) for points ([x, w],
/// correct), by Newton's method with step halving and a weak ridge (1e-3 per point) that keeps
/// it finite when the points separate.
fn logistic_fit(points: &[([f64; 2], bool)]) -> [f64; 3] {
    let n = points.len().max(1) as f64;
    let ridge = 1e-3 * n;
    let row = |x: [f64; 2]| [1.0, x[0], x[1]];
    let nll = |beta: [f64; 3]| -> f64 {
        points
            .iter()
            .map(|&(x, y)| {
                let r = row(x);
                let t: f64 = (0..3).map(|i| beta[i] * r[i]).sum();
                // ln(1 + e^t) - y t, stably.
                t.max(0.0) + (-t.abs()).exp().ln_1p() - if y { t } else { 0.0 }
            })
            .sum::<f64>()
            + 0.5 * ridge * beta.iter().map(|b| b * b).sum::<f64>()
    };
    let mut beta = [0.0f64; 3];
    for _ in 0..200 {
        let mut g = [0.0; 3];
        let mut h = [[0.0; 3]; 3];
        for i in 0..3 {
            g[i] = ridge * beta[i];
            h[i][i] = ridge;
        }
        for &(x, y) in points {
            let r = row(x);
            let t: f64 = (0..3).map(|i| beta[i] * r[i]).sum();
            let q = 1.0 / (1.0 + (-t).exp());
            let d = q - f64::from(u8::from(y));
            let w = q * (1.0 - q);
            for i in 0..3 {
                g[i] += d * r[i];
                for j in 0..3 {
                    h[i][j] += w * r[i] * r[j];
                }
            }
        }
        let Some(step) = solve3(h, g) else { break };
        let before = nll(beta);
        let mut s = 1.0;
        let moved = |s: f64| {
            [
                beta[0] - s * step[0],
                beta[1] - s * step[1],
                beta[2] - s * step[2],
            ]
        };
        while s > 1e-6 && nll(moved(s)) > before {
            s /= 2.0;
        }
        beta = moved(s);
        if step.iter().all(|d| (s * d).abs() < 1e-10) {
            break;
        }
    }
    beta.map(round3)
}

/// Solves h x = g for a symmetric positive definite 3 × 3 `h` (Gaussian elimination).
fn solve3(mut h: [[f64; 3]; 3], mut g: [f64; 3]) -> Option<[f64; 3]> {
    for i in 0..3 {
        let p = h[i][i];
        if p.abs() < 1e-300 {
            return None;
        }
        for j in i + 1..3 {
            let f = h[j][i] / p;
            let pivot_row = h[i];
            for (hjk, hik) in h[j].iter_mut().zip(pivot_row).skip(i) {
                *hjk -= f * hik;
            }
            g[j] -= f * g[i];
        }
    }
    let mut x = [0.0; 3];
    for i in (0..3).rev() {
        let s: f64 = (i + 1..3).map(|k| h[i][k] * x[k]).sum();
        x[i] = (g[i] - s) / h[i][i];
    }
    Some(x)
}

/// Rounds to three decimals, as the stored numbers are.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The confidence curves fitted on `decided`: per type, P(right) against its evidence.
fn fit_confidence(decided: &[Decided]) -> Confidence {
    let curve = |t: CustomerType| {
        let points: Vec<([f64; 2], bool)> = decided
            .iter()
            .filter(|d| d.customer_type == t)
            .map(|d| (d.x, d.truth == t))
            .collect();
        logistic_fit(&points)
    };
    Confidence {
        steady: curve(CustomerType::Stable),
        cyclical: curve(CustomerType::Cyclical),
        bell: curve(CustomerType::Bell),
        growth: curve(CustomerType::Growth),
        shrinking: curve(CustomerType::Shrink),
        barnacle: curve(CustomerType::Barnacle),
    }
}

fn main() {
    let write = std::env::args().any(|a| a == "--write");
    let (train, dev, b2b) = (load("train"), load("dev"), b2b_training_panel());
    let labelled = [&train, &dev];
    let base = TypologyConfig {
        model: TypologyModel::Tree,
        tree: Vec::new(),
        confidence: None,
        ..TypologyConfig::default()
    };
    let r = rows(&labelled, &base);
    println!(
        "train + dev: {} customers, {} for the tree; {FOLDS}-fold cross-validation of the whole classifier",
        r.totals.iter().sum::<usize>(),
        r.x.len()
    );
    println!("depth min_leaf cv_acc cv_min_recall");
    // (cross-validated accuracy, shallower) decides.
    let mut best: Option<((f64, i64), TreeParams, Vec<Decided>)> = None;
    for depth in DEPTHS {
        for min_leaf in MIN_LEAVES {
            let params = TreeParams {
                max_depth: depth,
                min_leaf,
            };
            let (fold, trees) = fold_trees(&r, params);
            let decided = out_of_fold(&labelled, &r, &fold, &trees, &base);
            let (acc, recall) = cv_score(&r, &decided);
            let min_recall = recall.iter().copied().fold(1.0, f64::min);
            println!("{depth:>5} {min_leaf:>8} {acc:>6.4} {min_recall:>13.3}");
            let key = (acc, -(depth as i64));
            if best.as_ref().is_none_or(|(k, ..)| key > *k) {
                best = Some((key, params, decided));
            }
        }
    }
    let (key, params, _) = best.expect("a grid");
    // The leaves' own confidences (the tree without the evidence, `Levels::OFF`): Platt
    // scaling of the out-of-fold leaf purities, as how often a leaf of that training purity
    // is right on customers its tree did not see.
    let (fold, trees) = fold_trees(&r, params);
    let leaf_points: Vec<(f64, bool)> =
        r.x.iter()
            .zip(&r.y)
            .zip(&fold)
            .map(|((x, y), k)| {
                let d = decide(&trees[*k], x).expect("a fitted tree decides");
                (logit(d.confidence), d.customer_type == *y)
            })
            .collect();
    let (pa, pb) = platt_scale(&leaf_points);
    // The confidences are fitted on the B2B training panels only: the labelled panels hold
    // mostly patterns a flat buyer would show by chance (docs/typology.md), so their
    // "steady" is wrong far more often than in a B2B portfolio, and one set of curves cannot
    // serve both; the B2B panels are the world the product is for.
    let mut decided = Vec::new();
    let mut tree = fit_tree(&r.x, &r.y, params);
    calibrate(&mut tree, &r.x, &r.y, CALIBRATION_M);
    for n in &mut tree {
        if let TreeNode::Leaf { confidence, .. } = n {
            *confidence = round3(1.0 / (1.0 + (-(pa + pb * logit(*confidence))).exp()));
        }
    }
    // The B2B training panels through the final tree (it never saw them).
    let config = TypologyConfig {
        tree: tree.clone(),
        ..base.clone()
    };
    let mut rates: HashMap<(Pattern, usize), [usize; 3]> = HashMap::new();
    for ((f, t), g) in b2b.features.iter().zip(&b2b.truth).zip(&b2b.groups) {
        let c = classify_features_with(f.as_ref(), b2b.reference, &config);
        let e = rates.entry(*g).or_default();
        e[0] += 1;
        e[1] += usize::from(c.customer_type == *t);
        e[2] += usize::from(!matches!(
            c.customer_type,
            CustomerType::Stable | CustomerType::Insufficient
        ));
        if let Some(f) = f
            .as_ref()
            .filter(|_| c.customer_type != CustomerType::Insufficient)
        {
            decided.push(Decided {
                customer_type: c.customer_type,
                truth: *t,
                x: evidence_x(&c, f, b2b.reference, &config),
            });
        }
    }
    let confidence = fit_confidence(&decided);
    let leaves = tree
        .iter()
        .filter(|n| matches!(n, TreeNode::Leaf { .. }))
        .count();
    println!(
        "chosen: depth {}, min_leaf {}, {} nodes ({leaves} leaves); cross-validated accuracy {:.4}; leaves' Platt a = {pa:.4}, b = {pb:.4}\nconfidence {confidence:?}",
        params.max_depth,
        params.min_leaf,
        tree.len(),
        key.0,
    );
    println!(
        "B2B training panels (typed right / any type but steady or new), by rate {B2B_RATES:?}:"
    );
    for pattern in Pattern::ALL {
        print!("  {:<9}", pattern.id());
        for i in 0..B2B_RATES.len() {
            let [n, right, claimed] = rates[&(pattern, i)];
            print!(
                " {:>5.1}%/{:>4.1}%",
                100.0 * right as f64 / n as f64,
                100.0 * claimed as f64 / n as f64
            );
        }
        println!();
    }
    let toml = toml_nodes(&tree);
    if !write {
        print!("{toml}");
        return;
    }
    let dir = env!("CARGO_MANIFEST_DIR");
    let rust = format!(
        "//! The default decision tree and confidence curves, written by `examples/typology_fit.rs`\n\
         //! (do not edit by hand): the tree grown on `train/` and `dev/` with depth {} and at least {}\n\
         //! customers per leaf (chosen by {FOLDS}-fold cross-validation of the whole classifier), its\n\
         //! leaf confidences calibrated on the out-of-fold decisions (Platt scaling of the leaf purity,\n\
         //! smoothed with m = {CALIBRATION_M}), the confidences of the evidence fitted on B2B training\n\
         //! panels.\n\n\
         use super::config::Confidence;\n\
         use super::tree::{{TreeFeature, TreeNode}};\n\
         use super::CustomerType;\n\n\
         /// [`TypologyConfig::confidence`](super::TypologyConfig::confidence) of the default.\n\
         pub(crate) const CONFIDENCE: Confidence = Confidence {{\n    steady: {:?},\n    cyclical: {:?},\n    bell: {:?},\n    growth: {:?},\n    shrinking: {:?},\n    barnacle: {:?},\n}};\n\n\
         /// The tree of [`TypologyConfig::default`](super::TypologyConfig).\n\
         #[rustfmt::skip]\n\
         pub(crate) fn default_tree() -> Vec<TreeNode> {{\n    vec![\n{}    ]\n}}\n",
        params.max_depth,
        params.min_leaf,
        confidence.steady,
        confidence.cyclical,
        confidence.bell,
        confidence.growth,
        confidence.shrinking,
        confidence.barnacle,
        rust_nodes(&tree)
    );
    std::fs::write(format!("{dir}/src/typology/default_tree.rs"), rust).unwrap();
    let path = format!("{dir}/../../config/kundenwert.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let begin = text.find("tree = [\n").expect("a tree block in the config");
    let end = begin + text[begin..].find("\n]\n").expect("end of the tree block") + 3;
    let mut text = format!("{}{toml}{}", &text[..begin], &text[end..]);
    for (key, value) in [
        ("steady", confidence.steady),
        ("cyclical", confidence.cyclical),
        ("bell", confidence.bell),
        ("growth", confidence.growth),
        ("shrinking", confidence.shrinking),
        ("barnacle", confidence.barnacle),
    ] {
        let table = text
            .find("[typology.confidence]")
            .expect("a [typology.confidence] table in the config");
        let line = table
            + text[table..]
                .find(&format!("\n{key} = "))
                .expect("a line per type")
            + 1;
        let line_end = line + text[line..].find('\n').expect("end of line");
        text.replace_range(
            line..line_end,
            &format!("{key} = [{:?}, {:?}, {:?}]", value[0], value[1], value[2]),
        );
    }
    std::fs::write(&path, text).unwrap();
    println!("wrote src/typology/default_tree.rs and config/kundenwert.toml");
}
