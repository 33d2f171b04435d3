//! The customer-type classifier against the labelled synthetic panels in
//! `fixtures/typology/` (see the README there), plus hand-made series for each rule.

use kundenwert_analysis::typology::evidence::Levels;
use kundenwert_analysis::typology::{
    classify, classify_features_with, classify_with, portfolio_reference, CustomerType,
    CustomerTypeLabel, Features, Status, TypologyConfig, TypologyModel, RULE_TREE,
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
/// (as `tests/fixtures/typology/README.md` records them).
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

#[path = "../../examples/support/labelled.rs"]
mod labelled;

/// Reads a panel: per customer the margins from its first observed month to month 0
/// inclusive, in month order, with missing months as 0.
fn load(panel: &str) -> Vec<Customer> {
    labelled::load(panel)
        .into_iter()
        .map(|l| Customer {
            id: l.id,
            left_censored: l.left_censored,
            months: l.months,
            true_type: l.label,
            true_status: l.status,
        })
        .collect()
}

struct Scores {
    accuracy: f64,
    macro_f1: f64,
    recall: Vec<(CustomerType, f64)>,
    /// Per type, the share of the customers given it that have it (0 when none is given).
    precision: Vec<(CustomerType, f64)>,
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
    let mut rules = [0usize; 11];
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
    let mut precision = Vec::new();
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
        precision.push((*t, p));
        let cells: Vec<String> = confusion[i].iter().map(|v| format!("{v:>6}")).collect();
        eprintln!("{:>12} {}   {r:.3}", t.spec_name(), cells.join(" "));
    }
    eprintln!(
        "precision: {}",
        precision
            .iter()
            .map(|(t, p)| format!("{} {p:.3}", t.id()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let scores = Scores {
        accuracy: correct as f64 / n,
        macro_f1: f1_sum / classes as f64,
        recall,
        precision,
        status_accuracy: status_hits as f64 / n,
        calibration,
    };
    eprintln!(
        "accuracy {:.4}, macro-F1 {:.4}, status accuracy {:.4}; rules fired (0..=7, 8 = tree, 9 = no evidence, 10 = evidence): {rules:?}",
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

/// The tuned rule thresholds ([`tuned_rules`]) on the panels they were tuned on, dev/ and
/// train/, and on heldout/ — with the evidence a pattern exists switched off, as they were
/// tuned (measured then, unchanged since: the rules decide exactly as before), and as the
/// product runs them (measured, pinned with [`REPRODUCTION_TOLERANCE`]). The drop is the
/// evidence: most labelled patterns are no more than a flat buyer shows by chance
/// (`docs/typology.md`).
const TUNED_ALONE_ACCURACY: [(&str, f64); 3] =
    [("dev", 0.7413), ("train", 0.7583), ("heldout", 0.7333)];
const TUNED_ACCURACY: [(&str, f64); 3] = [("dev", 0.5303), ("train", 0.5163), ("heldout", 0.5143)];

#[test]
fn tuned_rules_on_the_labelled_panels() {
    let alone = TypologyConfig {
        evidence: Levels::OFF,
        confidence: None,
        ..tuned_rules()
    };
    for ((panel, without), (_, with)) in TUNED_ALONE_ACCURACY.into_iter().zip(TUNED_ACCURACY) {
        let s = evaluate_with(panel, &alone);
        assert!(
            (s.accuracy - without).abs() <= REPRODUCTION_TOLERANCE,
            "{panel}: accuracy {:.4} without evidence, pinned {without}",
            s.accuracy
        );
        assert!(s.status_accuracy >= MIN_STATUS_ACCURACY);
        let s = evaluate_with(panel, &tuned_rules());
        assert!(
            (s.accuracy - with).abs() <= REPRODUCTION_TOLERANCE,
            "{panel}: accuracy {:.4}, pinned {with}",
            s.accuracy
        );
    }
}

#[test]
fn spec_config_is_the_spec() {
    // The thresholds of the specification's rules that the reproduction test relies on.
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
    // Every month far below the bound: the level is shown below it beyond doubt.
    assert!(c.confidence > 0.9, "{}", c.confidence);
    assert!(c.minimal_p.is_some_and(|p| p < 1e-6), "{:?}", c.minimal_p);
    // The specification's rule gives 0.9.
    let spec_like = TypologyConfig {
        evidence: Levels::OFF,
        confidence: None,
        ..tuned_rules()
    };
    assert_eq!(
        classify_with(&y, true, Some(300.0), &spec_like).confidence,
        0.9
    );
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
        "Growing: Mann-Kendall tau 1.00 (p = 0.00), last third 2.01 times the first, peak at 100 % of the span. Beyond chance: p < 0.001 in 23 purchases over 23 months."
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

/// The default decision tree alone — the evidence a pattern exists switched off, its leaf
/// confidences — on the panels it was grown on (in-sample) and on the two it never saw. Grown
/// on train/ + dev/ with the evidence statistics among its features, its size chosen by
/// cross-validation there (`examples/typology_fit.rs`); heldout/ and fresh777/ measured once
/// afterwards. Issue 3's floors for the shape classifier hold on both test panels.
const TREE_ALONE_ACCURACY: [(&str, f64); 4] = [
    ("train", 0.8475),
    ("dev", 0.8457),
    ("heldout", 0.8225),
    ("fresh777", 0.8213),
];
/// Issue 3's floors (accuracy ≥ 0.80, no class recall below 0.65), checked on both test panels.
const ISSUE_MIN_ACCURACY: f64 = 0.80;
const ISSUE_MIN_RECALL: f64 = 0.65;
/// Expected calibration error of the leaf confidences allowed on the test panels (measured
/// 0.037 on both).
const MAX_TREE_ALONE_ECE: f64 = 0.04;
/// Bins with fewer customers than this are too noisy to demand a monotone share correct.
const MIN_BIN_COUNT: usize = 100;

fn tree_alone() -> TypologyConfig {
    TypologyConfig {
        evidence: Levels::OFF,
        confidence: None,
        ..TypologyConfig::default()
    }
}

#[test]
fn tree_alone_on_the_labelled_panels() {
    for (panel, pinned) in TREE_ALONE_ACCURACY {
        let s = evaluate_with(panel, &tree_alone());
        print_calibration(panel, &s);
        assert!(
            (s.accuracy - pinned).abs() <= REPRODUCTION_TOLERANCE,
            "{panel}: accuracy {:.4}, pinned {pinned}",
            s.accuracy
        );
        assert!(s.status_accuracy >= MIN_STATUS_ACCURACY);
        if panel == "heldout" || panel == "fresh777" {
            assert!(
                s.accuracy >= ISSUE_MIN_ACCURACY,
                "{panel}: accuracy {:.4}",
                s.accuracy
            );
            for t in CustomerType::ALL {
                let r = recall_of(&s, t);
                assert!(
                    r >= ISSUE_MIN_RECALL,
                    "{panel}: {} recall {r:.4}",
                    t.spec_name()
                );
            }
            let e = ece(&s);
            assert!(e <= MAX_TREE_ALONE_ECE, "{panel}: ECE {e:.4}");
            let shares: Vec<f64> = s
                .calibration
                .iter()
                .filter(|b| b.0 >= MIN_BIN_COUNT)
                .map(|(n, hits, _)| *hits as f64 / *n as f64)
                .collect();
            assert!(shares.len() >= 4, "{shares:?}");
            // A higher bin is right more often (checked on heldout/ as before; fresh777/ has
            // one dip of 1 point between two middle bins).
            if panel == "heldout" {
                assert!(
                    shares.windows(2).all(|w| w[0] < w[1]),
                    "{panel}: {shares:?}"
                );
            }
        }
    }
}

/// The default classifier (tree, then the evidence a pattern exists) on the labelled panels,
/// measured and pinned with [`REPRODUCTION_TOLERANCE`]: accuracy falls to about half, because
/// most labelled patterns are no more than a flat buyer with the same months in another order
/// would show (the tree's own verdict survives a shuffle of the months for half of the
/// cyclical customers, `examples/typology_shuffle.rs`). What it claims it claims rightly: the
/// precision of each pattern type on heldout/ is pinned as a floor.
const DEFAULT_ACCURACY: [(&str, f64); 4] = [
    ("train", 0.5269),
    ("dev", 0.5443),
    ("heldout", 0.5252),
    ("fresh777", 0.5265),
];
/// Least share of the customers given a type on heldout/ that have it (measured 0.912 bell,
/// 0.929 growth, 0.791 shrinking, 0.996 barnacle; cyclical 0.523, where labelled bells that
/// end in a stop look like a phase).
const DEFAULT_HELDOUT_PRECISION: [(CustomerType, f64); 4] = [
    (CustomerType::Bell, 0.89),
    (CustomerType::Growth, 0.90),
    (CustomerType::Shrink, 0.76),
    (CustomerType::Barnacle, 0.98),
];

#[test]
fn default_on_the_labelled_panels() {
    let config = TypologyConfig::default();
    assert_eq!(config.model, TypologyModel::Tree);
    for (panel, pinned) in DEFAULT_ACCURACY {
        let s = evaluate_with(panel, &config);
        assert!(
            (s.accuracy - pinned).abs() <= REPRODUCTION_TOLERANCE,
            "{panel}: accuracy {:.4}, pinned {pinned}",
            s.accuracy
        );
        assert!(s.status_accuracy >= MIN_STATUS_ACCURACY);
        // Steady customers are not given patterns.
        assert!(recall_of(&s, CustomerType::Stable) >= 0.95, "{panel}");
        if panel == "heldout" {
            for (t, floor) in DEFAULT_HELDOUT_PRECISION {
                let p = s.precision.iter().find(|(u, _)| *u == t).unwrap().1;
                assert!(
                    p >= floor,
                    "{} precision {p:.3}, floor {floor}",
                    t.spec_name()
                );
            }
        }
    }
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
        // The tree's conditions, then the evidence: how much history and how far beyond
        // chance.
        assert!(
            en.contains(&format!("→ {}. Beyond chance: p ", want.label(Lang::En))),
            "{en}"
        );
        assert!(
            de.contains(&format!(
                "→ {}. Über den Zufall hinaus: p ",
                want.label(Lang::De)
            )),
            "{de}"
        );
        assert!(
            en.contains(" purchases over ") && de.contains(" Käufen über "),
            "{en}"
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
    let text = include_str!("../../../../config/kundenwert.toml");
    let table: toml::Table = toml::from_str(text).unwrap();
    let typology: TypologyConfig = table["typology"].clone().try_into().unwrap();
    assert_eq!(typology, TypologyConfig::default());
}

/// The B2B panels of the tests (`typology::b2b_panels`): every pattern at every rate, 36
/// months of existing customers as in issue 15 (customers uniform over the data, days
/// uniform), drawn with seeds from [`B2B_TEST_SEED`] on. The classifier's tree, levels and
/// confidence curves were fitted on other seeds (`examples/typology_fit.rs`), so these rates
/// are measured on panels nothing was tuned on.
mod b2b {
    use kundenwert_analysis::typology::b2b_panels::{generate, PanelSpec, Pattern};
    use kundenwert_analysis::typology::evidence::normal_sf;
    use kundenwert_analysis::typology::{
        classify_features_with, portfolio_reference, CustomerType, Features, TypologyConfig,
        TypologyModel,
    };

    /// First seed of the test panels (the fit uses seeds from 5,000 on).
    pub const B2B_TEST_SEED: u64 = 9_100;
    /// Customers drawn per pattern and rate.
    pub const CUSTOMERS: usize = 2_000;
    /// The rates of issue 15: purchases a month (the low end for trends and bells).
    pub const RATES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

    /// One group's outcome: customers, how many got each type (in [`CustomerType::ALL`]
    /// order), and how many the Laplace trend test on the exact purchase times after the first
    /// purchase flags at 3 % in the pattern's direction (the best trend test on the same
    /// information, for the trending groups).
    pub struct Group {
        pub pattern: Pattern,
        pub rate: f64,
        pub n: usize,
        pub types: [usize; 7],
        pub oracle: usize,
    }

    impl Group {
        pub fn share(&self, t: CustomerType) -> f64 {
            self.types[CustomerType::ALL.iter().position(|u| *u == t).unwrap()] as f64
                / self.n as f64
        }

        /// Share typed anything but steady or new.
        pub fn claimed(&self) -> f64 {
            1.0 - self.share(CustomerType::Stable) - self.share(CustomerType::Insufficient)
        }

        pub fn right(&self) -> f64 {
            self.share(self.pattern.truth())
        }
    }

    /// Every group, and per confidence bin of [`super::CONFIDENCE_BINS`] the customers, the
    /// right ones and the summed confidence over the whole panel (for the ECE).
    pub struct Outcome {
        pub groups: Vec<Group>,
        pub calibration: Vec<(usize, usize, f64)>,
    }

    pub fn evaluate(rules: bool) -> Outcome {
        let config = if rules {
            TypologyConfig {
                model: TypologyModel::Rules,
                ..TypologyConfig::default()
            }
        } else {
            TypologyConfig::default()
        };
        let mut panels = Vec::new();
        for pattern in Pattern::ALL {
            for (i, rate) in RATES.iter().enumerate() {
                let customers = generate(&PanelSpec {
                    pattern,
                    rate: *rate,
                    customers: CUSTOMERS,
                    months: 36,
                    acquired: 0.0,
                    seed: B2B_TEST_SEED + 10 * pattern as u64 + i as u64,
                });
                let features: Vec<Option<Features>> = customers
                    .iter()
                    .map(|c| {
                        Features::compute_with_purchases(
                            &c.values,
                            Some(&c.purchases),
                            c.left_censored,
                        )
                    })
                    .collect();
                panels.push((pattern, *rate, customers, features));
            }
        }
        // One portfolio: the reference level over every group.
        let reference = portfolio_reference(panels.iter().flat_map(|p| p.3.iter().flatten()));
        let mut calibration = vec![(0usize, 0usize, 0.0); super::CONFIDENCE_BINS.len()];
        let groups = panels
            .iter()
            .map(|(pattern, rate, customers, features)| {
                let mut g = Group {
                    pattern: *pattern,
                    rate: *rate,
                    n: customers.len(),
                    types: [0; 7],
                    oracle: 0,
                };
                for (c, f) in customers.iter().zip(features) {
                    let k = classify_features_with(f.as_ref(), reference, &config);
                    let i = CustomerType::ALL
                        .iter()
                        .position(|t| *t == k.customer_type)
                        .unwrap();
                    g.types[i] += 1;
                    let bin = super::CONFIDENCE_BINS
                        .iter()
                        .position(|upper| k.confidence <= *upper)
                        .unwrap_or(super::CONFIDENCE_BINS.len() - 1);
                    calibration[bin].0 += 1;
                    calibration[bin].1 += usize::from(k.customer_type == c.truth());
                    calibration[bin].2 += k.confidence;
                    let later = &c.times[1..];
                    if !later.is_empty() {
                        let from = c.times[0];
                        let k = later.len() as f64;
                        let u = later
                            .iter()
                            .map(|t| (t - from) / (36.0 - from))
                            .sum::<f64>()
                            / k;
                        let z = (u - 0.5) * (12.0 * k).sqrt();
                        let z = if *pattern == Pattern::Falling { -z } else { z };
                        g.oracle += usize::from(normal_sf(z) < 0.03);
                    }
                }
                g
            })
            .collect();
        Outcome {
            groups,
            calibration,
        }
    }

    pub fn print(o: &Outcome, title: &str) {
        eprintln!("\n{title}: share of each type by pattern and rate (oracle: Laplace on the exact times at 3 %)");
        eprint!("{:<9} {:>18}", "pattern", "rate");
        for t in CustomerType::ALL {
            eprint!(" {:>9}", t.id());
        }
        eprintln!(" {:>7}", "oracle");
        for g in &o.groups {
            eprint!("{:<9} {:>18}", g.pattern.id(), g.pattern.rate_label(g.rate));
            for t in CustomerType::ALL {
                eprint!(" {:>8.1}%", 100.0 * g.share(t));
            }
            eprintln!(" {:>6.1}%", 100.0 * g.oracle as f64 / g.n as f64);
        }
    }

    pub fn group(o: &Outcome, pattern: Pattern, rate: f64) -> &Group {
        o.groups
            .iter()
            .find(|g| g.pattern == pattern && g.rate == rate)
            .unwrap()
    }
}

/// ECE over the bins of a B2B outcome.
fn b2b_ece(o: &b2b::Outcome) -> f64 {
    let total: usize = o.calibration.iter().map(|b| b.0).sum();
    o.calibration
        .iter()
        .filter(|b| b.0 > 0)
        .map(|(_, hits, conf)| (*hits as f64 - conf).abs() / total as f64)
        .sum()
}

/// Per rate of [`b2b::RATES`], for the tree and for the rules: the measured share of flat
/// buyers given any type but steady or new (pinned: may rise by [`B2B_TOLERANCE`] at most; the
/// bound of issue 15 is 10 %).
const FLAT_CLAIMED: [[f64; 5]; 2] = [
    [0.055, 0.056, 0.062, 0.062, 0.073],
    [0.055, 0.056, 0.062, 0.062, 0.073],
];
/// How far a pinned B2B rate may move against us (2,000 customers a group: about one
/// standard error of a rate near 50 %).
const B2B_TOLERANCE: f64 = 0.012;
/// Issue 15's bound on flat buyers with a type, at every rate.
const ISSUE_MAX_FLAT_CLAIMED: f64 = 0.10;
/// Bursty buyers (orders in bursts of part deliveries): not in issue 15, our own bound.
const MAX_BURSTY_CLAIMED: f64 = 0.16;
/// Seasonal buyers from 0.5 purchases a month: issue 15's floor for cyclical.
const ISSUE_MIN_SEASONAL: f64 = 0.85;
/// Per rate, for tree and rules, the measured share of rising buyers typed growth and of
/// falling ones typed shrinking (pinned: may fall by [`B2B_TOLERANCE`] at most).
const RISING_GROWTH: [[f64; 5]; 2] = [
    [0.278, 0.550, 0.864, 0.994, 1.0],
    [0.279, 0.552, 0.867, 0.992, 1.0],
];
const FALLING_SHRINKING: [[f64; 5]; 2] = [
    [0.321, 0.611, 0.878, 0.990, 0.997],
    [0.319, 0.614, 0.878, 0.992, 0.999],
];
/// How far below the best trend test on the same information (Laplace on the exact purchase
/// times after the first purchase, at the same 3 %) the trending groups may fall: monthly
/// counts, a part of the level for the monthly values and the guard against bursts cost
/// about 6 points (measured 3.6 to 7.8 below it at 0.25 to 1 purchases a month).
const MAX_BELOW_ORACLE: f64 = 0.08;
/// Per rate, for tree and rules, the measured share of bell buyers typed bell.
const BELL: [[f64; 5]; 2] = [
    [0.148, 0.386, 0.755, 0.968, 0.996],
    [0.148, 0.389, 0.758, 0.960, 0.993],
];
/// Per rate, for tree and rules, the measured share of barnacles typed barnacle. The rules'
/// loyalty needs 40 % of the months active, which a buyer four times a year does not reach.
const BARNACLE: [[f64; 5]; 2] = [
    [0.507, 0.742, 0.908, 0.975, 0.993],
    [0.028, 0.416, 0.803, 0.911, 0.968],
];
/// Issue 15's bound on the expected calibration error on the sparse panels.
const ISSUE_MAX_B2B_ECE: f64 = 0.05;

/// The B2B panels meet issue 15's numbers where a valid test can, and the measured rates stay
/// where they were, for the tree and for the rules.
#[test]
fn b2b_panels() {
    use kundenwert_analysis::typology::b2b_panels::Pattern;
    for (model, rules) in [(0, false), (1, true)] {
        let o = b2b::evaluate(rules);
        b2b::print(
            &o,
            if rules {
                "B2B panels (rules)"
            } else {
                "B2B panels (tree)"
            },
        );
        for (i, rate) in b2b::RATES.into_iter().enumerate() {
            let flat = b2b::group(&o, Pattern::Flat, rate).claimed();
            assert!(
                flat <= ISSUE_MAX_FLAT_CLAIMED,
                "{model}: flat {rate}: {flat:.3}"
            );
            assert!(
                flat <= FLAT_CLAIMED[model][i] + B2B_TOLERANCE,
                "{model}: flat {rate}: {flat:.3}"
            );
            let bursty = b2b::group(&o, Pattern::Bursty, rate).claimed();
            assert!(
                bursty <= MAX_BURSTY_CLAIMED,
                "{model}: bursty {rate}: {bursty:.3}"
            );
            if rate >= 0.5 {
                let seasonal = b2b::group(&o, Pattern::Seasonal, rate).right();
                assert!(
                    seasonal >= ISSUE_MIN_SEASONAL,
                    "{model}: seasonal {rate}: {seasonal:.3}"
                );
            }
            for (pattern, pinned) in [
                (Pattern::Rising, RISING_GROWTH[model][i]),
                (Pattern::Falling, FALLING_SHRINKING[model][i]),
                (Pattern::Bell, BELL[model][i]),
                (Pattern::Barnacle, BARNACLE[model][i]),
            ] {
                let g = b2b::group(&o, pattern, rate);
                let right = g.right();
                assert!(
                    right >= pinned - B2B_TOLERANCE,
                    "{model}: {} {rate}: {right:.3}, pinned {pinned}",
                    pattern.id()
                );
                if matches!(pattern, Pattern::Rising | Pattern::Falling) {
                    let oracle = g.oracle as f64 / g.n as f64;
                    assert!(
                        right >= oracle - MAX_BELOW_ORACLE,
                        "{model}: {} {rate}: {right:.3}, the best test {oracle:.3}",
                        pattern.id()
                    );
                }
            }
        }
        for (upper, (n, hits, conf)) in CONFIDENCE_BINS.iter().zip(&o.calibration) {
            eprintln!(
                "confidence up to {upper}: {n} customers, mean {:.3}, right {:.3}",
                conf / *n as f64,
                *hits as f64 / *n as f64
            );
        }
        let e = b2b_ece(&o);
        eprintln!("ECE {e:.4}");
        assert!(e <= ISSUE_MAX_B2B_ECE, "{model}: ECE {e:.4}");
    }
}
