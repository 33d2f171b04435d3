//! §2 (status) and §3 (type rules and confidence) of the typology specification.

use super::features::Features;
use super::{Classification, CustomerType, Status};
use crate::typology::stats::median;

/// Status from the gap after the last order, measured in the customer's own rhythm (ADI): a
/// customer who orders every fourth month is not lost after six quiet months.
pub fn status(f: Option<&Features>) -> Status {
    let Some(f) = f else { return Status::NoData };
    // One order gives no rhythm; assume a quarterly one.
    let adi = if f.n_active == 1 { 3.0 } else { f.adi };
    let lost_gap = ((3.0 * adi).ceil() as usize).max(6);
    let dormant_gap = ((2.0 * adi).ceil() as usize).max(3);
    if f.n_active == 1 && f.gap_end >= lost_gap {
        Status::OneTime
    } else if f.gap_end >= lost_gap {
        Status::Lost
    } else if f.tenure < 6 {
        Status::New
    } else if f.gap_end >= dormant_gap {
        Status::Dormant
    } else {
        Status::Active
    }
}

/// Whether a customer enters the portfolio reference: enough history for a type and a
/// positive lifetime level.
pub fn qualifies_for_reference(f: &Features) -> bool {
    f.n_active >= 4 && f.span >= 6 && f.level_life > 0.0
}

/// The portfolio reference `ref`: median `level_life` over the customers with
/// `n_active >= 4`, `span >= 6` and `level_life > 0`. `None` if no customer qualifies (then
/// rule 5, the relative barnacle, never fires).
pub fn portfolio_reference<'a>(features: impl IntoIterator<Item = &'a Features>) -> Option<f64> {
    let levels: Vec<f64> = features
        .into_iter()
        .filter(|f| qualifies_for_reference(f))
        .map(|f| f.level_life)
        .collect();
    median(&levels)
}

/// m(v, thr, s) = clip((v - thr) / s, 0, 1): how far past a threshold, in units of `s`.
fn margin(v: f64, threshold: f64, scale: f64) -> f64 {
    ((v - threshold) / scale).clamp(0.0, 1.0)
}

/// Weak-evidence cap for a STABLE customer whose blocks vary a lot or who shows a significant
/// change the trend rules did not take.
const WEAK_EVIDENCE_CONFIDENCE: f64 = 0.35;

/// Applies the type rules in order (the first that fires wins) and computes the confidence.
pub fn classify_features(f: Option<&Features>, reference: Option<f64>) -> Classification {
    let status = status(f);
    let insufficient = |f: Option<&Features>| Classification {
        status,
        customer_type: CustomerType::Insufficient,
        rule: 0,
        confidence: 1.0,
        weak_evidence: false,
        level_rel: None,
        features: f.cloned(),
    };
    let Some(f) = f else {
        return insufficient(None);
    };
    // Rule 0: too little history for any shape.
    if f.n_active < 4 || f.span < 6 {
        return insufficient(Some(f));
    }
    let sig = f.p < 0.10;
    let rich = f.n_active >= 6;
    let up_shape = f.rise >= 0.5 && f.fall <= 0.25 && f.peak_pos >= 0.7;
    let down_shape = f.fall >= 0.6 && f.rise <= 0.25 && f.peak_pos <= 0.3;
    let up = f.tau >= 0.15 && (sig || (rich && (f.ratio_31 >= 2.0 || up_shape)));
    let down = f.tau <= -0.15 && (sig || (rich && (f.ratio_31 <= 0.5 || down_shape)));
    let loyal = f.tenure >= 12
        && f.n_active as f64 / f.span as f64 >= 0.5
        && matches!(status, Status::Active | Status::Dormant);
    let level_rel = reference.map(|r| f.level12 / r);

    let mut weak_evidence = false;
    let (customer_type, rule, c) = if loyal && f.level12 <= 0.0 {
        (CustomerType::Barnacle, 1, 0.9)
    } else if up && f.ratio_31 >= 1.5 && f.peak_pos >= 0.6 && f.fall <= 0.35 {
        let c = 0.5 + 0.5 * margin(-f.p.log10(), 1.0, 1.5).min(margin(f.ratio_31, 1.5, 1.5));
        (CustomerType::Growth, 2, c)
    } else if (!f.left_censored || f.rise >= 0.6)
        && (0.15..=0.85).contains(&f.peak_pos)
        && f.rise >= 0.5
        && f.fall >= 0.5
        && f.tau_pre >= 0.0
        && f.tau_post <= 0.0
    {
        let c = 0.5
            + 0.5
                * margin(f.rise, 0.5, 0.4)
                    .min(margin(f.fall, 0.5, 0.4))
                    .min(margin(f.tau_pre.min(-f.tau_post), 0.2, 0.5));
        (CustomerType::Bell, 3, c)
    } else if down && f.ratio_31 <= 0.6 && f.rise < 0.5 {
        let c = 0.5
            + 0.5 * margin(-f.p.log10(), 1.0, 1.5).min(margin(1.0 / f.ratio_31, 1.0 / 0.6, 3.0));
        (CustomerType::Shrink, 4, c)
    } else if let Some(rel) = level_rel.filter(|rel| loyal && *rel <= 0.10) {
        (
            CustomerType::Barnacle,
            5,
            0.5 + 0.5 * margin(0.1 - rel, 0.0, 0.1),
        )
    } else if let Some(votes) = cyclical_votes(f).filter(|v| rich && *v >= 2) {
        (CustomerType::Cyclical, 6, 0.4 + 0.15 * votes as f64)
    } else {
        weak_evidence = f.cv_block > 1.0 || (sig && f.ratio_31.ln().abs() > 1.5f64.ln());
        let c = 0.5 + 0.5 * margin(1.0 - f.cv_block, 0.0, 0.5).min(margin(f.p, 0.10, 0.3));
        (CustomerType::Stable, 7, c)
    };
    let sufficiency = (0.5 + f.n_blocks as f64 / 24.0).min(1.0);
    let mut confidence = (c * sufficiency).clamp(0.05, 1.0);
    if weak_evidence {
        confidence = confidence.min(WEAK_EVIDENCE_CONFIDENCE);
    }
    Classification {
        status,
        customer_type,
        rule,
        confidence,
        weak_evidence,
        level_rel,
        features: Some(f.clone()),
    }
}

/// Votes for CYCLICAL (rule 6), or `None` when its preconditions fail: the months must vary
/// (cv_month >= 0.5) and there must be a real pause between two high phases.
pub(crate) fn cyclical_votes(f: &Features) -> Option<u32> {
    if f.cv_month < 0.5 || f.troughs < 1 {
        return None;
    }
    // 2 / sqrt(span) is the rough 95 % band of an autocorrelation of white noise.
    let acf_threshold = (2.0 / (f.span as f64).sqrt()).max(0.3);
    let votes = [
        f.acf_season.is_some_and(|a| a >= acf_threshold),
        f.runs_z <= -1.64,
        f.troughs >= 2,
        f.cv_month >= 1.0,
    ];
    Some(votes.iter().filter(|v| **v).count() as u32)
}
