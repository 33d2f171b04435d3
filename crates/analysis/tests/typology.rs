//! The customer-type classifier against the labelled synthetic panels in
//! `fixtures/typology/` (see the README there), plus hand-made series for each rule.

use std::collections::HashMap;
use std::path::PathBuf;

use kundenwert_analysis::typology::{
    classify, classify_features_with, classify_with, portfolio_reference, CustomerType, Features,
    Status, TypologyConfig, TypologyModel, RULE_TREE,
};

/// The tuned rules of the previous step: the default thresholds with the rules instead of the
/// tree.
fn tuned_rules() -> TypologyConfig {
    TypologyConfig {
        model: TypologyModel::Rules,
        ..TypologyConfig::default()
    }
}

/// Accuracy and macro-F1 that the specification reports for its rules on heldout/
/// (`shared/design/typology-spec.md`, `shared/data/typology/README.md`).
const SPEC_HELDOUT_ACCURACY: f64 = 0.700;
const SPEC_HELDOUT_MACRO_F1: f64 = 0.718;
/// Cyclical recall the specification reports on heldout/.
const SPEC_HELDOUT_CYCLICAL_RECALL: f64 = 0.46;
/// How close an independent implementation of the same rules must come to those figures.
const REPRODUCTION_TOLERANCE: f64 = 0.01;
/// Our own measurement on dev/ (the spec gives none): accuracy 0.7117, macro-F1 0.7310.
/// Pinned with the same tolerance so that a change to the features shows up here too.
const MEASURED_DEV_ACCURACY: f64 = 0.7117;
const MEASURED_DEV_MACRO_F1: f64 = 0.7310;
/// Status against the labels (ACTIVE, LOST, NEW; ONE_TIME counted as LOST, DORMANT as
/// ACTIVE). Measured 0.982 on heldout/ and 0.981 on dev/; the spec gives no figure, so this is
/// a floor against regressions, not a reproduction.
const MIN_STATUS_ACCURACY: f64 = 0.97;

struct Customer {
    id: u64,
    left_censored: bool,
    months: Vec<f64>,
    true_type: String,
    true_status: String,
}

fn fixture(panel: &str, file: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/typology",
        panel,
        file,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Data rows of a simple CSV file (no quoting in these fixtures), split on commas.
fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
}

/// Reads a panel: per customer the margins from its first observed month to month 0
/// inclusive, in month order, with missing months as 0.
fn load(panel: &str) -> Vec<Customer> {
    let mut points: HashMap<u64, Vec<(i64, f64)>> = HashMap::new();
    let series = fixture(panel, "series.csv");
    for r in rows(&series) {
        points
            .entry(r[0].parse().unwrap())
            .or_default()
            .push((r[1].parse().unwrap(), r[2].parse().unwrap()));
    }
    let customers = fixture(panel, "customers.csv");
    let censored: HashMap<u64, bool> = rows(&customers)
        .map(|r| (r[0].parse().unwrap(), r[1] == "1"))
        .collect();
    let labels = fixture(panel, "labels.csv");
    rows(&labels)
        .map(|r| {
            let id: u64 = r[0].parse().unwrap();
            let pts = points.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            let start = pts.iter().map(|p| p.0).min().unwrap_or(0).min(0);
            let mut months = vec![0.0; (1 - start) as usize];
            for (m, v) in pts {
                months[(m - start) as usize] += v;
            }
            Customer {
                id,
                left_censored: censored[&id],
                months,
                true_type: r[1].to_string(),
                true_status: r[3].to_string(),
            }
        })
        .collect()
}

struct Scores {
    accuracy: f64,
    macro_f1: f64,
    recall: Vec<(CustomerType, f64)>,
    status_accuracy: f64,
    /// Per confidence bin (upper bounds of [`CONFIDENCE_BINS`]): customers, correct ones and
    /// the sum of their confidences.
    calibration: Vec<(usize, usize, f64)>,
}

/// Upper bounds of the confidence bins of the reliability table: 0–0.5, 0.5–0.6, ..., 0.9–1.0
/// (a bin holds its upper bound; the last one includes 1).
const CONFIDENCE_BINS: [f64; 6] = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/// Expected calibration error over [`CONFIDENCE_BINS`]: the customer-weighted mean of
/// |share correct − mean confidence| per bin.
fn ece(s: &Scores) -> f64 {
    let total: usize = s.calibration.iter().map(|b| b.0).sum();
    s.calibration
        .iter()
        .filter(|b| b.0 > 0)
        .map(|(_, hits, conf)| (*hits as f64 - conf).abs() / total as f64)
        .sum()
}

fn recall_of(s: &Scores, t: CustomerType) -> f64 {
    s.recall.iter().find(|(u, _)| *u == t).unwrap().1
}

/// Prints the reliability table: per confidence bin, how many customers, their mean
/// confidence and which share of them got the right type; then the ECE.
fn print_calibration(panel: &str, s: &Scores) {
    eprintln!("{panel}: reliability of the confidence");
    eprintln!(
        "{:>10} {:>6} {:>9} {:>9}",
        "bin", "count", "mean conf", "correct"
    );
    let mut lower = 0.0;
    for (upper, (n, hits, conf)) in CONFIDENCE_BINS.iter().zip(&s.calibration) {
        let share = *hits as f64 / *n as f64;
        let mean = conf / *n as f64;
        eprintln!(
            "{:>10} {n:>6} {mean:>9.3} {share:>9.3}",
            format!("{lower:.1}-{upper:.1}")
        );
        lower = *upper;
    }
    eprintln!("{panel}: ECE {:.4}", ece(s));
}

/// Classifies a whole panel with the spec's thresholds (ref computed over the panel) and
/// prints the confusion matrix.
fn evaluate(panel: &str) -> Scores {
    evaluate_with(panel, &TypologyConfig::spec())
}

/// Classifies a whole panel with `config` (ref computed over the panel) and prints the
/// confusion matrix.
fn evaluate_with(panel: &str, config: &TypologyConfig) -> Scores {
    let customers = load(panel);
    let features: Vec<Option<Features>> = customers
        .iter()
        .map(|c| Features::compute(&c.months, c.left_censored))
        .collect();
    let reference = portfolio_reference(features.iter().flatten());
    let types = CustomerType::ALL;
    let index = |name: &str| types.iter().position(|t| t.spec_name() == name).unwrap();
    let mut confusion = [[0usize; 7]; 7];
    let mut status_hits = 0;
    let mut rules = [0usize; 9];
    let mut calibration = vec![(0usize, 0usize, 0.0); CONFIDENCE_BINS.len()];
    for (c, f) in customers.iter().zip(&features) {
        let out = classify_features_with(f.as_ref(), reference, config);
        assert!(out.confidence.is_finite(), "customer {}: {out:?}", c.id);
        confusion[index(&c.true_type)][index(out.customer_type.spec_name())] += 1;
        let bin = CONFIDENCE_BINS
            .iter()
            .position(|upper| out.confidence <= *upper)
            .unwrap_or(CONFIDENCE_BINS.len() - 1);
        calibration[bin].0 += 1;
        calibration[bin].1 += usize::from(out.customer_type.spec_name() == c.true_type);
        calibration[bin].2 += out.confidence;
        rules[out.rule as usize] += 1;
        // Labels know ACTIVE, LOST and NEW only.
        let status = match out.status {
            Status::OneTime => Status::Lost,
            Status::Dormant => Status::Active,
            s => s,
        };
        status_hits += usize::from(status.spec_name() == c.true_status);
    }
    let n = customers.len() as f64;
    let correct: usize = (0..7).map(|i| confusion[i][i]).sum();
    let mut f1_sum = 0.0;
    let mut classes = 0;
    let mut recall = Vec::new();
    eprintln!(
        "\n{panel}: {} customers, ref = {reference:?}",
        customers.len()
    );
    eprintln!("confusion (rows = truth, columns = predicted):");
    let header: Vec<String> = types
        .iter()
        .map(|t| format!("{:>6.6}", t.spec_name()))
        .collect();
    eprintln!("{:>12} {}   recall", "", header.join(" "));
    for (i, t) in types.iter().enumerate() {
        let row_sum: usize = confusion[i].iter().sum();
        let col_sum: usize = (0..7).map(|r| confusion[r][i]).sum();
        let tp = confusion[i][i] as f64;
        let r = if row_sum > 0 {
            tp / row_sum as f64
        } else {
            0.0
        };
        let p = if col_sum > 0 {
            tp / col_sum as f64
        } else {
            0.0
        };
        if row_sum + col_sum > 0 {
            classes += 1;
            f1_sum += if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
        }
        recall.push((*t, r));
        let cells: Vec<String> = confusion[i].iter().map(|v| format!("{v:>6}")).collect();
        eprintln!("{:>12} {}   {r:.3}", t.spec_name(), cells.join(" "));
    }
    let scores = Scores {
        accuracy: correct as f64 / n,
        macro_f1: f1_sum / classes as f64,
        recall,
        status_accuracy: status_hits as f64 / n,
        calibration,
    };
    eprintln!(
        "accuracy {:.4}, macro-F1 {:.4}, status accuracy {:.4}; rules fired (0..=7, 8 = tree): {rules:?}",
        scores.accuracy, scores.macro_f1, scores.status_accuracy
    );
    scores
}

#[test]
fn heldout_reproduces_the_spec_figures() {
    let s = evaluate("heldout");
    print_calibration("heldout (spec)", &s);
    assert!(
        (s.accuracy - SPEC_HELDOUT_ACCURACY).abs() <= REPRODUCTION_TOLERANCE,
        "accuracy {:.4}, spec {SPEC_HELDOUT_ACCURACY}",
        s.accuracy
    );
    assert!(
        (s.macro_f1 - SPEC_HELDOUT_MACRO_F1).abs() <= REPRODUCTION_TOLERANCE,
        "macro-F1 {:.4}, spec {SPEC_HELDOUT_MACRO_F1}",
        s.macro_f1
    );
    let cyclical = recall_of(&s, CustomerType::Cyclical);
    assert!(
        (cyclical - SPEC_HELDOUT_CYCLICAL_RECALL).abs() <= REPRODUCTION_TOLERANCE,
        "cyclical recall {cyclical:.4}, spec {SPEC_HELDOUT_CYCLICAL_RECALL}"
    );
    assert!(
        s.status_accuracy >= MIN_STATUS_ACCURACY,
        "status accuracy {:.4}",
        s.status_accuracy
    );
}

#[test]
fn dev_panel_scores() {
    let s = evaluate("dev");
    assert!(
        (s.accuracy - MEASURED_DEV_ACCURACY).abs() <= REPRODUCTION_TOLERANCE,
        "accuracy {:.4}",
        s.accuracy
    );
    assert!(
        (s.macro_f1 - MEASURED_DEV_MACRO_F1).abs() <= REPRODUCTION_TOLERANCE,
        "macro-F1 {:.4}",
        s.macro_f1
    );
    assert!(
        s.status_accuracy >= MIN_STATUS_ACCURACY,
        "status accuracy {:.4}",
        s.status_accuracy
    );
}

/// The tuned rule thresholds ([`tuned_rules`]) on the panels they were tuned on,
/// dev/ and train/ (measured, pinned with [`REPRODUCTION_TOLERANCE`]). The spec's rules
/// reach 0.7117 on dev/ and 0.6978 on train/.
const TUNED_DEV_ACCURACY: f64 = 0.7413;
const TUNED_TRAIN_ACCURACY: f64 = 0.7583;

#[test]
fn tuned_rules_on_dev_and_train() {
    let config = tuned_rules();
    assert_ne!(config, TypologyConfig::spec());
    for (panel, pinned) in [("dev", TUNED_DEV_ACCURACY), ("train", TUNED_TRAIN_ACCURACY)] {
        let s = evaluate_with(panel, &config);
        assert!(
            (s.accuracy - pinned).abs() <= REPRODUCTION_TOLERANCE,
            "{panel}: accuracy {:.4}, pinned {pinned}",
            s.accuracy
        );
        assert!(s.status_accuracy >= MIN_STATUS_ACCURACY);
    }
}

/// The tuned thresholds on heldout/, measured once after tuning on dev/ and train/ had
/// finished (heldout/ was never used to choose a threshold): accuracy 0.7333, macro-F1 0.7481
/// (spec: 0.700 / 0.718). Below the issue's goal of 0.80; see the README of the fixtures.
const TUNED_HELDOUT_ACCURACY: f64 = 0.7333;
/// Per-class recall on heldout/ with the tuned thresholds, in the order of
/// [`CustomerType::ALL`]: STABLE, CYCLICAL, BELL, GROWTH, SHRINK, BARNACLE, INSUFFICIENT.
const TUNED_HELDOUT_RECALL: [f64; 7] = [0.6707, 0.6363, 0.6468, 0.6740, 0.7492, 0.8696, 1.0];
/// How far the heldout accuracy may drop below its measurement before the test fails.
const HELDOUT_ACCURACY_TOLERANCE: f64 = 0.01;
/// How far a class recall on heldout/ may drop below its measurement.
const HELDOUT_RECALL_TOLERANCE: f64 = 0.02;

#[test]
fn tuned_rules_on_heldout() {
    let s = evaluate_with("heldout", &tuned_rules());
    print_calibration("heldout (tuned rules)", &s);
    assert!(
        s.accuracy >= TUNED_HELDOUT_ACCURACY - HELDOUT_ACCURACY_TOLERANCE,
        "accuracy {:.4}, measured {TUNED_HELDOUT_ACCURACY}",
        s.accuracy
    );
    for (t, measured) in CustomerType::ALL.iter().zip(TUNED_HELDOUT_RECALL) {
        let r = recall_of(&s, *t);
        assert!(
            r >= measured - HELDOUT_RECALL_TOLERANCE,
            "{} recall {r:.4}, measured {measured}",
            t.spec_name()
        );
    }
    assert!(s.status_accuracy >= MIN_STATUS_ACCURACY);
}

#[test]
fn spec_config_is_the_spec() {
    // The thresholds of typology-spec.md §3 that the reproduction test relies on.
    let k = TypologyConfig::spec();
    assert_eq!((k.min_active, k.min_span, k.rich_active), (4, 6, 6));
    assert_eq!((k.sig_p, k.up_tau, k.down_tau), (0.10, 0.15, -0.15));
    assert_eq!((k.barnacle_rel, k.cyclical_votes), (0.10, 2));
    assert_eq!((k.cyclical_cv2, k.early_cyclical_cv2), (0.0, None));
    // Both rule sets agree on a clear trend.
    let y: Vec<f64> = (1..=24).map(|m| 100.0 + 20.0 * m as f64).collect();
    for config in [TypologyConfig::spec(), tuned_rules()] {
        let c = classify_with(&y, false, Some(300.0), &config);
        assert_eq!((c.customer_type, c.rule), (CustomerType::Growth, 2));
    }
}

#[test]
fn cyclical_reason_names_its_numbers() {
    use kundenwert_core::Lang;
    // Four months on, four off, with alternating order sizes: varying months and sizes,
    // pauses between high phases.
    let y: Vec<f64> = (0..36)
        .map(|m| match (m % 8, m % 16 < 8) {
            (0..=3, true) => 1000.0,
            (0..=3, false) => 200.0,
            _ => 0.0,
        })
        .collect();
    let c = classify_with(&y, true, Some(300.0), &tuned_rules());
    let f = c.features.as_ref().unwrap();
    assert_eq!(
        (c.customer_type, c.rule),
        (CustomerType::Cyclical, 6),
        "{f:?}"
    );
    assert!(c.reason(Lang::En).starts_with("Cyclical: months vary by "));
    assert!(c
        .reason(Lang::De)
        .starts_with("Zyklisch: Monate schwanken um "));
}

#[test]
fn degenerate_series_do_not_panic() {
    for y in [vec![], vec![0.0; 10], vec![5.0], vec![0.0, 0.0, -3.0]] {
        let c = classify(&y, false, Some(100.0));
        assert_eq!(c.customer_type, CustomerType::Insufficient, "{y:?}");
        assert_eq!(c.rule, 0);
    }
    assert_eq!(classify(&[], true, None).status, Status::NoData);
    assert_eq!(classify(&[0.0; 4], false, None).status, Status::NoData);
    // One order 8 months ago: lost after max(6, 3 * 3) = 9 months, so dormant is not reached
    // because tenure 9 >= 6 and gap 8 >= max(3, 6) = 6.
    let mut y = vec![0.0; 9];
    y[0] = 50.0;
    assert_eq!(classify(&y, false, None).status, Status::Dormant);
    y.push(0.0);
    assert_eq!(classify(&y, false, None).status, Status::OneTime);
}

#[test]
fn clear_growth() {
    let y: Vec<f64> = (1..=24).map(|m| 100.0 + 20.0 * m as f64).collect();
    let c = classify_with(&y, false, Some(300.0), &tuned_rules());
    let f = c.features.as_ref().unwrap();
    assert_eq!(
        (c.customer_type, c.rule),
        (CustomerType::Growth, 2),
        "{f:?}"
    );
    assert_eq!(f.tau, 1.0);
    assert_eq!(f.peak_pos, 1.0);
    assert_eq!(c.status, Status::Active);
}

#[test]
fn clear_bell() {
    // Up for 12 months, down for 12.
    let y: Vec<f64> = (0..25)
        .map(|m| 1000.0 - 80.0 * (m as f64 - 12.0).abs() + 10.0)
        .collect();
    let c = classify_with(&y, false, Some(300.0), &tuned_rules());
    let f = c.features.as_ref().unwrap();
    assert_eq!((c.customer_type, c.rule), (CustomerType::Bell, 3), "{f:?}");
    assert!(f.tau_pre > 0.9 && f.tau_post < -0.9 && (f.peak_pos - 0.5).abs() < 1e-9);
}

#[test]
fn barnacle_with_negative_level() {
    let y: Vec<f64> = (0..24)
        .map(|m| if m % 2 == 0 { -40.0 } else { 15.0 })
        .collect();
    let c = classify_with(&y, true, Some(300.0), &tuned_rules());
    assert_eq!((c.customer_type, c.rule), (CustomerType::Barnacle, 1));
    assert_eq!(c.confidence, 0.9);
}

#[test]
fn small_positive_level_is_a_relative_barnacle() {
    let y: Vec<f64> = (0..24)
        .map(|m| if m % 2 == 0 { 20.0 } else { 25.0 })
        .collect();
    let c = classify_with(&y, true, Some(1000.0), &tuned_rules());
    assert_eq!((c.customer_type, c.rule), (CustomerType::Barnacle, 5));
    // Without a portfolio reference the same customer is just steady.
    assert_eq!(
        classify_with(&y, true, None, &tuned_rules()).customer_type,
        CustomerType::Stable
    );
}

#[test]
fn reasons_name_the_numbers_in_both_languages() {
    use kundenwert_core::Lang;
    // Trim 3 ramp-up months, b = 1: B = 180..=580; thirds of 7 blocks average 240 and 520,
    // d = 0.1 * 380, so ratio_31 = 558 / 278 = 2.007.
    let y: Vec<f64> = (1..=24).map(|m| 100.0 + 20.0 * m as f64).collect();
    let c = classify_with(&y, false, Some(300.0), &tuned_rules());
    assert_eq!(
        c.reason(Lang::En),
        "Growing: Mann-Kendall tau 1.00 (p = 0.00), last third 2.01 times the first, peak at 100 % of the span."
    );
    assert!(c
        .reason(Lang::De)
        .starts_with("Wachsend: Mann-Kendall-tau 1,00"));
    assert_eq!(
        classify(&[], false, None).reason(Lang::De),
        "Kein Monat mit Deckungsbeitrag."
    );
}

proptest::proptest! {
    /// Any finite series (empty, all zero, sparse, negative) classifies without a panic, no
    /// feature is NaN (acf_season is an `Option` instead) and the confidence is in range.
    #[test]
    fn any_series_classifies_without_nan(
        y in proptest::collection::vec(
            proptest::prop_oneof![
                3 => proptest::strategy::Just(0.0),
                5 => -200.0f64..2000.0,
                1 => proptest::strategy::Just(100.0),
            ],
            0..90,
        ),
        left_censored: bool,
        reference in proptest::option::of(1.0f64..1000.0),
    ) {
        let c = classify(&y, left_censored, reference);
        proptest::prop_assert!((0.05..=1.0).contains(&c.confidence), "{c:?}");
        if let Some(f) = &c.features {
            let values = [
                f.adi, f.cv2, f.level12, f.level_life, f.tau, f.p, f.ratio_31, f.peak_pos,
                f.rise, f.fall, f.tau_pre, f.tau_post, f.cv_block, f.cv_month, f.runs_z,
            ];
            proptest::prop_assert!(values.iter().all(|v| !v.is_nan()), "{f:?}");
            proptest::prop_assert!(f.acf_season.is_none_or(|a| a.is_finite()), "{f:?}");
            proptest::prop_assert!((0.0..=1.0).contains(&f.p));
        } else {
            proptest::prop_assert_eq!(c.status, Status::NoData);
        }
    }
}

/// The default decision tree (grown on train/ + dev/, size chosen by cross-validation there,
/// confidences calibrated on the out-of-fold decisions, `examples/typology_fit.rs`) on those
/// panels — in-sample figures, so above the held-out ones; measured and pinned with
/// [`REPRODUCTION_TOLERANCE`].
const TREE_DEV_ACCURACY: f64 = 0.8640;
const TREE_TRAIN_ACCURACY: f64 = 0.8570;

#[test]
fn tree_on_dev_and_train() {
    let config = TypologyConfig::default();
    assert_eq!(config.model, TypologyModel::Tree);
    for (panel, pinned) in [("dev", TREE_DEV_ACCURACY), ("train", TREE_TRAIN_ACCURACY)] {
        let s = evaluate_with(panel, &config);
        print_calibration(panel, &s);
        assert!(
            (s.accuracy - pinned).abs() <= REPRODUCTION_TOLERANCE,
            "{panel}: accuracy {:.4}, pinned {pinned}",
            s.accuracy
        );
        assert!(s.status_accuracy >= MIN_STATUS_ACCURACY);
    }
}

/// The default tree on heldout/, measured once after the tree, its features, its size and its
/// confidences had been fixed on train/ and dev/ (heldout/ was not used to choose anything):
/// accuracy 0.8160, macro-F1 0.8233 (the first tree 0.7995 / 0.8079, tuned rules
/// 0.7333 / 0.7481, spec 0.700 / 0.718). The issue asks for 0.80.
const TREE_HELDOUT_ACCURACY: f64 = 0.8160;
/// Per-class recall on heldout/ with the tree, in the order of [`CustomerType::ALL`]: every
/// one above the issue's floor of 0.65.
const TREE_HELDOUT_RECALL: [f64; 7] = [0.682, 0.794, 0.745, 0.777, 0.818, 0.974, 1.0];
/// Expected calibration error of the tree's confidence on heldout/ over [`CONFIDENCE_BINS`]:
/// measured 0.0205; the test allows up to this.
const MAX_HELDOUT_ECE: f64 = 0.04;
/// The issue's floors, checked on both test panels beside the pinned measurements.
const ISSUE_MIN_ACCURACY: f64 = 0.80;
const ISSUE_MIN_RECALL: f64 = 0.65;
/// Bins with fewer customers than this are too noisy to demand a monotone share correct.
const MIN_BIN_COUNT: usize = 100;

#[test]
fn tree_on_heldout() {
    let s = evaluate_with("heldout", &TypologyConfig::default());
    print_calibration("heldout (tree)", &s);
    assert!(
        s.accuracy >= TREE_HELDOUT_ACCURACY - HELDOUT_ACCURACY_TOLERANCE,
        "accuracy {:.4}, measured {TREE_HELDOUT_ACCURACY}",
        s.accuracy
    );
    for (t, measured) in CustomerType::ALL.iter().zip(TREE_HELDOUT_RECALL) {
        let r = recall_of(&s, *t);
        assert!(
            r >= measured - HELDOUT_RECALL_TOLERANCE,
            "{} recall {r:.4}, measured {measured}",
            t.spec_name()
        );
    }
    assert!(s.status_accuracy >= MIN_STATUS_ACCURACY);
    assert_meets_issue_floors(&s);
    // Calibration: a higher confidence bin is right more often, and the confidence says how
    // often.
    let e = ece(&s);
    assert!(e <= MAX_HELDOUT_ECE, "ECE {e:.4}");
    let shares: Vec<f64> = s
        .calibration
        .iter()
        .filter(|b| b.0 >= MIN_BIN_COUNT)
        .map(|(n, hits, _)| *hits as f64 / *n as f64)
        .collect();
    assert!(shares.len() >= 5, "{shares:?}");
    assert!(shares.windows(2).all(|w| w[0] < w[1]), "{shares:?}");
}

fn assert_meets_issue_floors(s: &Scores) {
    assert!(
        s.accuracy >= ISSUE_MIN_ACCURACY,
        "accuracy {:.4}",
        s.accuracy
    );
    for t in CustomerType::ALL {
        let r = recall_of(s, t);
        assert!(r >= ISSUE_MIN_RECALL, "{} recall {r:.4}", t.spec_name());
    }
}

/// The default tree on fresh777/, a panel from the same generator that nobody tuned on
/// (generated after heldout/ had been seen once), measured once: accuracy 0.8125, lowest
/// recall 0.669 (steady), ECE 0.023. A second, independent check of the issue's floors.
const TREE_FRESH_ACCURACY: f64 = 0.8125;
/// Expected calibration error on fresh777/ allowed by the test (measured 0.023).
const MAX_FRESH_ECE: f64 = 0.04;

#[test]
fn tree_on_a_fresh_panel() {
    let s = evaluate_with("fresh777", &TypologyConfig::default());
    print_calibration("fresh777 (tree)", &s);
    assert!(
        (s.accuracy - TREE_FRESH_ACCURACY).abs() <= REPRODUCTION_TOLERANCE,
        "accuracy {:.4}, measured {TREE_FRESH_ACCURACY}",
        s.accuracy
    );
    assert_meets_issue_floors(&s);
    let e = ece(&s);
    assert!(e <= MAX_FRESH_ECE, "ECE {e:.4}");
}

/// The tree types the hand-made shapes like the rules do, and its reason names the deciding
/// conditions with their values in both languages.
#[test]
fn tree_on_clear_shapes_and_its_reason() {
    use kundenwert_core::Lang;
    let growth: Vec<f64> = (1..=24).map(|m| 100.0 + 20.0 * m as f64).collect();
    let bell: Vec<f64> = (0..25)
        .map(|m| 1000.0 - 80.0 * (m as f64 - 12.0).abs() + 10.0)
        .collect();
    let barnacle: Vec<f64> = (0..24)
        .map(|m| if m % 2 == 0 { -40.0 } else { 15.0 })
        .collect();
    for (y, censored, want) in [
        (&growth, false, CustomerType::Growth),
        (&bell, false, CustomerType::Bell),
        (&barnacle, true, CustomerType::Barnacle),
    ] {
        let c = classify(y, censored, Some(300.0));
        assert_eq!((c.customer_type, c.rule), (want, RULE_TREE), "{c:?}");
        assert!(c.leaf.is_some() && !c.conditions.is_empty());
        let en = c.reason(Lang::En);
        let de = c.reason(Lang::De);
        assert!(
            en.ends_with(&format!("→ {}.", want.label(Lang::En))),
            "{en}"
        );
        assert!(
            de.ends_with(&format!("→ {}.", want.label(Lang::De))),
            "{de}"
        );
        eprintln!("{en}\n{de}");
        // Every condition appears with its label (the first one capitalised).
        for cond in &c.conditions {
            for (text, lang) in [(&en, Lang::En), (&de, Lang::De)] {
                let label = cond.feature.label(lang).to_lowercase();
                assert!(text.to_lowercase().contains(&label), "{text}");
            }
        }
        assert!(en.starts_with(char::is_uppercase), "{en}");
    }
}

/// A tree that loops or points outside itself is not followed: the rules decide instead.
#[test]
fn malformed_tree_falls_back_to_the_rules() {
    use kundenwert_analysis::typology::tree::{TreeFeature, TreeNode};
    let y: Vec<f64> = (1..=24).map(|m| 100.0 + 20.0 * m as f64).collect();
    let config = TypologyConfig {
        tree: vec![TreeNode::Split {
            feature: TreeFeature::Tau,
            le: 0.5,
            yes: 7,
            no: 0,
        }],
        ..TypologyConfig::default()
    };
    let c = classify_with(&y, false, Some(300.0), &config);
    assert_eq!((c.customer_type, c.rule), (CustomerType::Growth, 2));
}

/// `config/kundenwert.toml` documents the defaults: its `[typology]` table, tree included, is
/// exactly [`TypologyConfig::default`] (the CLI checks the whole file the same way).
#[test]
fn shipped_config_holds_the_default_tree() {
    let text = include_str!("../../../config/kundenwert.toml");
    let table: toml::Table = toml::from_str(text).unwrap();
    let typology: TypologyConfig = table["typology"].clone().try_into().unwrap();
    assert_eq!(typology, TypologyConfig::default());
}
