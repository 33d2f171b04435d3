//! §2 (status) and §3 (type rules and confidence) of the typology specification.

use super::config::{TypologyConfig, TypologyModel};
use super::evidence::{Claim, Critical};
use super::features::Features;
use super::tree::{decide, feature_vector};
use super::{Classification, CustomerType, Status, RULE_EVIDENCE, RULE_NO_EVIDENCE, RULE_TREE};
use crate::typology::stats::median;

/// Status from the gap after the last order, measured in the customer's own rhythm (ADI): a
/// customer who orders every fourth month is not lost after six quiet months.
#[inline(always)]
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
    qualifies(f.n_active, f.span, f.level_life)
}

fn qualifies(n_active: usize, span: usize, level_life: f64) -> bool {
    n_active >= 4 && span >= 6 && level_life > 0.0
}

/// The lifetime level the monthly values `y` bring to the portfolio reference, `None` when
/// the customer does not qualify ([`qualifies_for_reference`]). The same value, bit for bit,
/// as [`Features::level_life`] (the same additions in the same order), without computing the
/// features: the reference is needed before anyone is classified, and keeping every
/// customer's features until then would take as much memory as the series themselves.
pub fn reference_level(y: &[f64]) -> Option<f64> {
    let first = y.iter().position(|v| *v != 0.0)?;
    let last = y.iter().rposition(|v| *v != 0.0)?;
    let act = &y[first..=last];
    let mut sum = -0.0;
    let mut n_active = 0;
    for v in act {
        sum += v;
        n_active += usize::from(*v != 0.0);
    }
    let level_life = sum / act.len() as f64;
    qualifies(n_active, act.len(), level_life).then_some(level_life)
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
#[inline(always)]
fn margin(v: f64, threshold: f64, scale: f64) -> f64 {
    ((v - threshold) / scale).clamp(0.0, 1.0)
}

/// Weak-evidence cap for a STABLE customer whose blocks vary a lot or who shows a significant
/// change the trend rules did not take.
const WEAK_EVIDENCE_CONFIDENCE: f64 = 0.35;

/// Applies the type rules in order (the first that fires wins) with the default thresholds
/// ([`TypologyConfig::default`]) and computes the confidence.
pub fn classify_features(f: Option<&Features>, reference: Option<f64>) -> Classification {
    classify_features_with(f, reference, super::config::default_config())
}

/// Applies the type rules in order (the first that fires wins) with the thresholds of
/// `config` and computes the confidence.
pub fn classify_features_with(
    f: Option<&Features>,
    reference: Option<f64>,
    config: &TypologyConfig,
) -> Classification {
    classify_owned_features(f.cloned(), reference, config)
}

/// [`classify_features_with`] taking the features by value, so that [`classify`](super::classify)
/// moves them into the result instead of copying them.
#[inline(always)]
pub(crate) fn classify_owned_features(
    features: Option<Features>,
    reference: Option<f64>,
    config: &TypologyConfig,
) -> Classification {
    let k = config;
    let status = status(features.as_ref());
    let insufficient = |f: Option<Features>| Classification {
        status,
        customer_type: CustomerType::Insufficient,
        rule: 0,
        unproven: None,
        levels: k.evidence,
        minimal_p: None,
        confidence: 1.0,
        weak_evidence: false,
        level_rel: None,
        cyclical_votes: None,
        leaf: None,
        conditions: Vec::new(),
        features: f,
    };
    let Some(owned) = features else {
        return insufficient(None);
    };
    let f = &owned;
    // Rule 0: too little history for any shape.
    if f.n_active < k.min_active || f.span < k.min_span {
        return insufficient(Some(owned));
    }
    let level_rel = reference.map(|r| f.level12 / r);
    if k.model == TypologyModel::Tree {
        // A malformed hand-edited tree falls through to the rules rather than failing.
        if let Some(d) = decide(&k.tree, &feature_vector(f, level_rel)) {
            return decide_by_evidence(
                Classification {
                    status,
                    customer_type: d.customer_type,
                    rule: RULE_TREE,
                    unproven: None,
                    levels: k.evidence,
                    minimal_p: None,
                    confidence: d.confidence.clamp(0.05, 1.0),
                    weak_evidence: false,
                    level_rel,
                    cyclical_votes: cyclical_votes(f, k),
                    leaf: Some(d.leaf),
                    conditions: d.conditions,
                    features: Some(owned),
                },
                reference,
                k,
            );
        }
    }
    let sig = f.p < k.sig_p;
    let rich = f.n_active >= k.rich_active;
    let up_shape =
        f.rise >= k.up_shape_rise && f.fall <= k.up_shape_fall && f.peak_pos >= k.up_shape_peak;
    let down_shape = f.fall >= k.down_shape_fall
        && f.rise <= k.down_shape_rise
        && f.peak_pos <= k.down_shape_peak;
    let up = f.tau >= k.up_tau && (sig || (rich && (f.ratio_31 >= k.up_ratio || up_shape)));
    let down = f.tau <= k.down_tau && (sig || (rich && (f.ratio_31 <= k.down_ratio || down_shape)));
    let loyal = f.tenure >= k.loyal_tenure
        && f.n_active as f64 / f.span as f64 >= k.loyal_density
        && matches!(status, Status::Active | Status::Dormant);
    let votes = cyclical_votes(f, k);
    let cyclical = votes.filter(|v| f.n_active >= k.cyclical_active && *v >= k.cyclical_votes);
    let cyclical_confidence = |votes: u32| (0.4 + 0.15 * votes as f64).min(1.0);
    let clear_cycle = k
        .early_cyclical_cv2
        .is_some_and(|cv2| f.cv2 >= cv2 && f.troughs >= k.early_cyclical_troughs);

    let mut weak_evidence = false;
    let (customer_type, rule, c) = if loyal && f.level12 <= 0.0 {
        (CustomerType::Barnacle, 1, 0.9)
    } else if let Some(votes) = cyclical.filter(|_| clear_cycle) {
        (CustomerType::Cyclical, 6, cyclical_confidence(votes))
    } else if up
        && f.ratio_31 >= k.growth_ratio
        && f.peak_pos >= k.growth_peak
        && f.fall <= k.growth_fall
    {
        let c = 0.5 + 0.5 * margin(-f.p.log10(), 1.0, 1.5).min(margin(f.ratio_31, 1.5, 1.5));
        (CustomerType::Growth, 2, c)
    } else if (!f.left_censored || f.rise >= k.bell_censored_rise)
        && (k.bell_peak_min..=k.bell_peak_max).contains(&f.peak_pos)
        && f.rise >= k.bell_rise
        && f.fall >= k.bell_fall
        && f.tau_pre >= k.bell_tau_pre
        && f.tau_post <= k.bell_tau_post
    {
        let c = 0.5
            + 0.5
                * margin(f.rise, 0.5, 0.4)
                    .min(margin(f.fall, 0.5, 0.4))
                    .min(margin(f.tau_pre.min(-f.tau_post), 0.2, 0.5));
        (CustomerType::Bell, 3, c)
    } else if down && f.ratio_31 <= k.shrink_ratio && f.rise < k.shrink_rise {
        let c = 0.5
            + 0.5 * margin(-f.p.log10(), 1.0, 1.5).min(margin(1.0 / f.ratio_31, 1.0 / 0.6, 3.0));
        (CustomerType::Shrink, 4, c)
    } else if let Some(rel) = level_rel.filter(|rel| loyal && *rel <= k.barnacle_rel) {
        (
            CustomerType::Barnacle,
            5,
            0.5 + 0.5 * margin(k.barnacle_rel - rel, 0.0, k.barnacle_rel),
        )
    } else if let Some(votes) = cyclical {
        (CustomerType::Cyclical, 6, cyclical_confidence(votes))
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
    decide_by_evidence(
        Classification {
            status,
            customer_type,
            rule,
            unproven: None,
            levels: k.evidence,
            minimal_p: None,
            confidence,
            weak_evidence,
            level_rel,
            cyclical_votes: votes,
            leaf: None,
            conditions: Vec::new(),
            features: Some(owned),
        },
        reference,
        k,
    )
}

/// The pattern a type claims, `None` for steady and new.
pub(super) fn claim_of(t: CustomerType) -> Option<Claim> {
    match t {
        CustomerType::Growth => Some(Claim::Rising),
        CustomerType::Shrink => Some(Claim::Falling),
        CustomerType::Bell => Some(Claim::Hump),
        CustomerType::Cyclical => Some(Claim::Cycle),
        CustomerType::Stable | CustomerType::Barnacle | CustomerType::Insufficient => None,
    }
}

/// The level below which a barnacle's margin counts as minimal: the relative bound of rule 5
/// against the portfolio reference, or zero without one.
pub fn barnacle_bound(reference: Option<f64>, k: &TypologyConfig) -> f64 {
    reference.map_or(0.0, |r| (k.barnacle_rel * r).max(0.0))
}

/// The type of a claim.
fn type_of(claim: Claim) -> CustomerType {
    match claim {
        Claim::Rising => CustomerType::Growth,
        Claim::Falling => CustomerType::Shrink,
        Claim::Hump => CustomerType::Bell,
        Claim::Cycle => CustomerType::Cyclical,
    }
}

/// A type is a claim that a pattern exists (`Levels`, `evidence`): the shape's suggestion `c`
/// (tree or rules) stands when its pattern is shown beyond chance — a barnacle's level below
/// its bound, growth, shrinking, bell and cyclical their trend, hump or cycle. Otherwise the
/// pattern shown most clearly beyond chance decides ([`RULE_EVIDENCE`]), and without any the
/// customer is steady ([`RULE_NO_EVIDENCE`] when the shape suggested a pattern). The
/// confidence then follows the evidence ([`TypologyConfig::confidence`]). With
/// [`Levels::OFF`](super::evidence::Levels::OFF) the suggestion stands as it is.
#[inline(always)]
fn decide_by_evidence(
    mut c: Classification,
    reference: Option<f64>,
    k: &TypologyConfig,
) -> Classification {
    if k.evidence.is_off() || c.customer_type == CustomerType::Insufficient {
        return c;
    }
    let Some((evidence, level12)) = c.features.as_ref().map(|f| (f.evidence, f.level12)) else {
        return c;
    };
    let critical = Critical::cached(&k.evidence);
    let proposed = c.customer_type;
    let e = evidence.unwrap_or(super::evidence::Evidence::NONE);
    let confidence = |t: CustomerType, x: f64, fallback: f64| {
        k.confidence.map_or(fallback, |m| m.of(t, x, e.purchases))
    };
    if proposed == CustomerType::Barnacle {
        let bound = barnacle_bound(reference, k);
        c.minimal_p = Some(e.p_minimal(level12, bound));
        let margin = e.minimal_margin(level12, bound, &critical);
        if margin > 0.0 {
            c.confidence = confidence(CustomerType::Barnacle, margin, c.confidence);
            return c;
        }
    }
    // The suggested pattern first: when it is shown, the other three are not needed.
    if let Some(claim) = claim_of(proposed) {
        let m = e.full_margin(claim, &critical);
        if m > 0.0 {
            c.confidence = confidence(proposed, m, c.confidence);
            return c;
        }
    }
    let margins = e.margins(&critical);
    // The pattern shown most clearly, if any.
    let best = Claim::ALL
        .into_iter()
        .zip(margins)
        .filter(|(_, m)| *m > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    c.weak_evidence = false;
    match best {
        Some((claim, m)) => {
            let t = type_of(claim);
            c.unproven = Some(proposed);
            c.customer_type = t;
            c.rule = RULE_EVIDENCE;
            c.confidence = confidence(t, m, c.confidence);
        }
        None => {
            if proposed != CustomerType::Stable {
                c.unproven = Some(proposed);
                c.rule = RULE_NO_EVIDENCE;
            }
            c.customer_type = CustomerType::Stable;
            let closest = margins.into_iter().fold(f64::NEG_INFINITY, f64::max);
            c.confidence = confidence(CustomerType::Stable, closest, c.confidence);
        }
    }
    c
}

/// Votes for CYCLICAL (rule 6), or `None` when its preconditions fail: the months must vary
/// (cv_month >= `cyclical_cv`), so must the order sizes (cv2 >= `cyclical_cv2`), and there
/// must be enough pauses between two high phases (`cyclical_troughs`; the spec asks for one).
#[inline(always)]
fn cyclical_votes(f: &Features, k: &TypologyConfig) -> Option<u32> {
    if f.cv_month < k.cyclical_cv || f.cv2 < k.cyclical_cv2 || f.troughs < k.cyclical_troughs {
        return None;
    }
    // 2 / sqrt(span) is the rough 95 % band of an autocorrelation of white noise.
    let acf_threshold = (2.0 / (f.span as f64).sqrt()).max(k.cyclical_acf);
    let votes = [
        f.acf_season.is_some_and(|a| a >= acf_threshold),
        f.runs_z <= k.cyclical_runs_z,
        f.troughs >= k.cyclical_troughs_vote,
        f.cv_month >= k.cyclical_cv_vote,
    ];
    Some(votes.iter().filter(|v| **v).count() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The reference is computed from the levels alone before anyone is classified; it
        /// must be the features' own value and qualification, bit for bit.
        #[test]
        fn reference_level_is_the_features_level(
            y in proptest::collection::vec(
                prop_oneof![3 => Just(0.0), 2 => -50.0..500.0f64, 1 => Just(1e-300)],
                0..60,
            ),
            left_censored in any::<bool>(),
        ) {
            let f = Features::compute(&y, left_censored);
            let expected = f
                .as_ref()
                .filter(|f| qualifies_for_reference(f))
                .map(|f| f.level_life.to_bits());
            prop_assert_eq!(reference_level(&y).map(f64::to_bits), expected);
        }
    }
}
