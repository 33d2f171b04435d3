//! Grows the default customer-type decision tree on `train/` and `dev/` together (never
//! `heldout/`, which is only for reporting): its size chosen by 5-fold cross-validation, its
//! leaf confidences calibrated on the out-of-fold decisions (Platt scaling of the leaf
//! purity). Prints the size grid; with `--write` it rewrites `src/typology/default_tree.rs`
//! and the `tree = [...]` block of `config/kundenwert.toml`.
//!
//! ```sh
//! cargo run --release -p kundenwert-analysis --example typology_fit -- --write
//! ```

use std::collections::HashMap;

use kundenwert_analysis::typology::tree::{
    calibrate, decide, feature_vector, fit_tree, logit, platt_scale, TreeNode, TreeParams,
    N_TREE_FEATURES,
};
use kundenwert_analysis::typology::{
    classify_features_with, portfolio_reference, CustomerType, Features, TypologyConfig,
    TypologyModel,
};

/// Smoothing of a leaf's training purity towards the tree's overall training accuracy
/// (pseudo-customers) before the Platt scaling: a leaf of 20 customers is not 100 % sure.
const CALIBRATION_M: f64 = 2.0;
/// Folds of the cross-validation.
const FOLDS: usize = 5;
/// Depths and least leaf sizes tried.
const DEPTHS: [usize; 6] = [6, 7, 8, 9, 10, 12];
const MIN_LEAVES: [usize; 4] = [5, 10, 20, 40];
/// The issue's floor for every class recall; a size whose cross-validated recalls stay above
/// it is preferred.
const MIN_RECALL: f64 = 0.65;

/// Position of `t` in [`CustomerType::ALL`] (the rows of the per-class counts).
fn type_index(t: CustomerType) -> usize {
    CustomerType::ALL.iter().position(|u| *u == t).unwrap()
}

fn read(panel: &str, file: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/typology/{panel}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Panel {
    features: Vec<Option<Features>>,
    truth: Vec<CustomerType>,
    reference: Option<f64>,
}

fn load(panel: &str) -> Panel {
    assert!(panel != "heldout", "never tune on heldout/");
    let mut points: HashMap<u64, Vec<(i64, f64)>> = HashMap::new();
    for l in read(panel, "series.csv").lines().skip(1) {
        let r: Vec<&str> = l.split(',').collect();
        points
            .entry(r[0].parse().unwrap())
            .or_default()
            .push((r[1].parse().unwrap(), r[2].parse().unwrap()));
    }
    let censored: HashMap<u64, bool> = read(panel, "customers.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let r: Vec<&str> = l.split(',').collect();
            (r[0].parse().unwrap(), r[1] == "1")
        })
        .collect();
    let mut features = Vec::new();
    let mut truth = Vec::new();
    for l in read(panel, "labels.csv").lines().skip(1) {
        let r: Vec<&str> = l.split(',').collect();
        let id: u64 = r[0].parse().unwrap();
        let pts = points.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        let start = pts.iter().map(|p| p.0).min().unwrap_or(0).min(0);
        let mut y = vec![0.0; (1 - start) as usize];
        for (m, v) in pts {
            y[(m - start) as usize] += v;
        }
        features.push(Features::compute(&y, censored[&id]));
        truth.push(
            *CustomerType::ALL
                .iter()
                .find(|t| t.spec_name() == r[1])
                .unwrap(),
        );
    }
    let reference = portfolio_reference(features.iter().flatten());
    Panel {
        features,
        truth,
        reference,
    }
}

/// Feature vectors and labels of the customers the tree decides (rule 0 passed).
fn tree_rows(
    p: &Panel,
    config: &TypologyConfig,
) -> (Vec<[f64; N_TREE_FEATURES]>, Vec<CustomerType>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (f, t) in p.features.iter().zip(&p.truth) {
        let Some(f) = f else { continue };
        if f.n_active < config.min_active || f.span < config.min_span {
            continue;
        }
        x.push(feature_vector(f, p.reference.map(|r| f.level12 / r)));
        y.push(*t);
    }
    (x, y)
}

/// Accuracy and per-class recall of the whole classifier (rule 0 + tree) on a panel.
fn score(p: &Panel, config: &TypologyConfig) -> (f64, [f64; 7]) {
    let mut hits = [0usize; 7];
    let mut totals = [0usize; 7];
    for (f, t) in p.features.iter().zip(&p.truth) {
        let c = classify_features_with(f.as_ref(), p.reference, config);
        let i = type_index(*t);
        totals[i] += 1;
        hits[i] += usize::from(c.customer_type == *t);
    }
    let mut recall = [0.0; 7];
    for i in 0..7 {
        recall[i] = hits[i] as f64 / totals[i].max(1) as f64;
    }
    (
        hits.iter().sum::<usize>() as f64 / p.truth.len() as f64,
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

/// Labelled rows of the tree part (rule 0 passed) and how the whole classifier does on the
/// customers rule 0 decides (their hits and count per class), which no tree changes.
struct Rows {
    x: Vec<[f64; N_TREE_FEATURES]>,
    y: Vec<CustomerType>,
    rule0_hits: [usize; 7],
    totals: [usize; 7],
}

fn rows(panels: &[&Panel], config: &TypologyConfig) -> Rows {
    let mut r = Rows {
        x: Vec::new(),
        y: Vec::new(),
        rule0_hits: [0; 7],
        totals: [0; 7],
    };
    for p in panels {
        let (x, y) = tree_rows(p, config);
        r.x.extend(x);
        r.y.extend(y);
        for (f, t) in p.features.iter().zip(&p.truth) {
            let i = type_index(*t);
            r.totals[i] += 1;
            let decided_by_tree = f
                .as_ref()
                .is_some_and(|f| f.n_active >= config.min_active && f.span >= config.min_span);
            if !decided_by_tree {
                let c = classify_features_with(f.as_ref(), p.reference, config);
                r.rule0_hits[i] += usize::from(c.customer_type == *t);
            }
        }
    }
    r
}

/// Out-of-fold decisions of trees of size `params`: for every tree row, (fold tree's type,
/// logit of the smoothed training purity of the leaf it reached). Folds are assigned round
/// robin within each class, so every fold holds the same mix.
fn out_of_fold(r: &Rows, params: TreeParams) -> Vec<(CustomerType, f64)> {
    let mut seen = [0usize; 7];
    let fold: Vec<usize> =
        r.y.iter()
            .map(|t| {
                let i = type_index(*t);
                seen[i] += 1;
                seen[i] % FOLDS
            })
            .collect();
    let mut out = vec![(CustomerType::Stable, 0.0); r.y.len()];
    for k in 0..FOLDS {
        let (mut xt, mut yt) = (Vec::new(), Vec::new());
        for ((x, y), f) in r.x.iter().zip(&r.y).zip(&fold) {
            if *f != k {
                xt.push(*x);
                yt.push(*y);
            }
        }
        let mut tree = fit_tree(&xt, &yt, params);
        calibrate(&mut tree, &xt, &yt, CALIBRATION_M);
        for (i, x) in r.x.iter().enumerate() {
            if fold[i] == k {
                let d = decide(&tree, x).expect("a fitted tree decides");
                out[i] = (d.customer_type, logit(d.confidence));
            }
        }
    }
    out
}

/// Whole-classifier accuracy and per-class recall when the tree part decides as `decided`.
fn cv_score(r: &Rows, decided: &[(CustomerType, f64)]) -> (f64, [f64; 7]) {
    let mut hits = r.rule0_hits;
    for ((t, _), truth) in decided.iter().zip(&r.y) {
        let i = type_index(*truth);
        hits[i] += usize::from(t == truth);
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

fn main() {
    let write = std::env::args().any(|a| a == "--write");
    let train = load("train");
    let dev = load("dev");
    let base = TypologyConfig {
        model: TypologyModel::Tree,
        tree: Vec::new(),
        ..TypologyConfig::default()
    };
    let r = rows(&[&train, &dev], &base);
    println!(
        "train + dev: {} customers, {} for the tree; {FOLDS}-fold cross-validation",
        r.totals.iter().sum::<usize>(),
        r.x.len()
    );
    println!("depth min_leaf cv_acc cv_min_recall");
    // (meets the recall floor, cross-validated accuracy, shallower) decides.
    type Key = (bool, f64, i64);
    type Decided = Vec<(CustomerType, f64)>;
    let mut best: Option<(Key, TreeParams, Decided)> = None;
    for depth in DEPTHS {
        for min_leaf in MIN_LEAVES {
            let params = TreeParams {
                max_depth: depth,
                min_leaf,
            };
            let decided = out_of_fold(&r, params);
            let (acc, recall) = cv_score(&r, &decided);
            let min_recall = recall.iter().copied().fold(1.0, f64::min);
            println!("{depth:>5} {min_leaf:>8} {acc:>6.4} {min_recall:>13.3}");
            let key = (min_recall >= MIN_RECALL, acc, -(depth as i64));
            if best.as_ref().is_none_or(|(k, _, _)| key > *k) {
                best = Some((key, params, decided));
            }
        }
    }
    let (key, params, decided) = best.expect("a grid");
    // Platt scaling on the out-of-fold decisions: how often a leaf of a given training purity
    // is right on customers its tree did not see.
    let points: Vec<(f64, bool)> = decided
        .iter()
        .zip(&r.y)
        .map(|((t, z), truth)| (*z, t == truth))
        .collect();
    let (a, b) = platt_scale(&points);
    let mut tree = fit_tree(&r.x, &r.y, params);
    calibrate(&mut tree, &r.x, &r.y, CALIBRATION_M);
    for n in &mut tree {
        if let TreeNode::Leaf { confidence, .. } = n {
            let q = 1.0 / (1.0 + (-(a + b * logit(*confidence))).exp());
            *confidence = (q * 1000.0).round() / 1000.0;
        }
    }
    let leaves = tree
        .iter()
        .filter(|n| matches!(n, TreeNode::Leaf { .. }))
        .count();
    let config = TypologyConfig {
        tree: tree.clone(),
        ..base.clone()
    };
    let (train_acc, _) = score(&train, &config);
    let (dev_acc, _) = score(&dev, &config);
    println!(
        "chosen: depth {}, min_leaf {}, {} nodes ({leaves} leaves); cross-validated accuracy {:.4}, recall floor met: {}; Platt a = {a:.4}, b = {b:.4}; in-sample train {train_acc:.4}, dev {dev_acc:.4}",
        params.max_depth,
        params.min_leaf,
        tree.len(),
        key.1,
        key.0
    );
    let toml = toml_nodes(&tree);
    if !write {
        print!("{toml}");
        return;
    }
    let dir = env!("CARGO_MANIFEST_DIR");
    let rust = format!(
        "//! The default decision tree, written by `examples/typology_fit.rs` (do not edit by hand):\n\
         //! grown on `train/` and `dev/` with depth {} and at least {} customers per leaf (chosen by\n\
         //! {FOLDS}-fold cross-validation), leaf confidences calibrated on the out-of-fold decisions\n\
         //! (Platt scaling of the leaf purity, smoothed with m = {CALIBRATION_M}).\n\n\
         use super::tree::{{TreeFeature, TreeNode}};\n\
         use super::CustomerType;\n\n\
         /// The tree of [`TypologyConfig::default`](super::TypologyConfig).\n\
         #[rustfmt::skip]\n\
         pub(crate) fn default_tree() -> Vec<TreeNode> {{\n    vec![\n{}    ]\n}}\n",
        params.max_depth,
        params.min_leaf,
        rust_nodes(&tree)
    );
    std::fs::write(format!("{dir}/src/typology/default_tree.rs"), rust).unwrap();
    let path = format!("{dir}/../../config/kundenwert.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let begin = text.find("tree = [\n").expect("a tree block in the config");
    let end = begin + text[begin..].find("\n]\n").expect("end of the tree block") + 3;
    let text = format!("{}{toml}{}", &text[..begin], &text[end..]);
    std::fs::write(&path, text).unwrap();
    println!("wrote src/typology/default_tree.rs and config/kundenwert.toml");
}
