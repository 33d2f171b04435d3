//! Customer types from the shape of the monthly margin series, and the evidence that its
//! pattern exists (see `docs/typology.md`).
//!
//! A pure function of one series: [`Features::compute`] measures level, trend, peak shape,
//! variation and phases on the active span; [`status`] says whether the customer is still
//! buying; [`classify`] types it — rule 0 (too little history) first, then by default the
//! decision tree of [`TypologyConfig::tree`] ([`tree`]: learned from labelled panels, stored as
//! data, its leaf confidences calibrated), or the specification's rules 1–7 with
//! [`TypologyModel::Rules`] — and attaches a confidence and the conditions that decided. The
//! only portfolio input is the reference level `ref` ([`portfolio_reference`]), the median
//! lifetime level of the customers with enough history, against which rule 5 and the tree's
//! `level_rel` measure barnacles.
//!
//! A type other than steady is a claim that a pattern exists: [`evidence`] tests whether the
//! history shows a trend, hump, season or phases beyond a flat random buyer with the same
//! purchases and amounts, and the tree's (or the rules') suggestion stands only when its pattern
//! is shown; otherwise the pattern shown most clearly decides, and with none the customer is
//! steady. [`b2b_panels`] draws the labelled sparse B2B panels the tests measure this on.
//!
//! ```
//! use kundenwert_analysis::typology::{classify, CustomerType};
//! let y: Vec<f64> = (1..=24).map(|m| 100.0 * m as f64).collect();
//! let c = classify(&y, false, Some(1000.0));
//! assert_eq!(c.customer_type, CustomerType::Growth);
//! ```

pub mod b2b_panels;
mod config;
mod default_tree;
pub mod evidence;
mod features;
#[cfg(target_arch = "x86_64")]
mod pairs_avx2;
mod reasons;
mod rules;
pub(crate) mod stats;
pub mod tree;

pub use config::{Confidence, TypologyConfig, TypologyModel};
// The type is shared with the plan and the selection language, so it lives in core; its names
// come from the text catalog. Re-exported so that `typology::CustomerType` keeps working.
pub use features::Features;
pub use kundenwert_core::CustomerType;
pub use kundenwert_text::CustomerTypeLabel;
pub use rules::{
    barnacle_bound, classify_features, classify_features_with, portfolio_reference,
    qualifies_for_reference, reference_level, status,
};
pub use stats::{erfc, ERFC_RELATIVE_ACCURACY};

/// Where a customer stands at the as-of month (spec §2), from the gap since its last order
/// measured in its own ordering rhythm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Buying in its usual rhythm.
    Active,
    /// Quiet for longer than twice its usual interval (at least 3 months), not yet lost.
    Dormant,
    /// Quiet for at least three usual intervals (at least 6 months).
    Lost,
    /// Bought once and has been quiet long enough to count as lost.
    OneTime,
    /// First order less than 6 months before the as-of month.
    New,
    /// No month with a non-zero margin.
    NoData,
}

impl Status {
    /// The product's identifier: `active`, `dormant`, `lost`, `one_time`; a customer whose
    /// first order is recent is `active` (its type says `new`); `None` without any business.
    pub fn id(self) -> Option<&'static str> {
        match self {
            Status::Active | Status::New => Some("active"),
            Status::Dormant => Some("dormant"),
            Status::Lost => Some("lost"),
            Status::OneTime => Some("one_time"),
            Status::NoData => None,
        }
    }

    /// The specification's upper-case name (`ACTIVE`, `DORMANT`, ...).
    pub fn spec_name(self) -> &'static str {
        match self {
            Status::Active => "ACTIVE",
            Status::Dormant => "DORMANT",
            Status::Lost => "LOST",
            Status::OneTime => "ONE_TIME",
            Status::New => "NEW",
            Status::NoData => "NO_DATA",
        }
    }
}

/// [`Classification::rule`] of a type chosen by the decision tree
/// ([`TypologyModel::Tree`]).
pub const RULE_TREE: u8 = 8;

/// [`Classification::rule`] of a customer typed steady because the pattern its shape
/// suggested ([`Classification::unproven`]) is not shown beyond chance.
pub const RULE_NO_EVIDENCE: u8 = 9;

/// [`Classification::rule`] of a type chosen by its evidence: the pattern shown most clearly
/// beyond chance, where the shape (tree or rules) suggested a pattern that is not shown or
/// none ([`Classification::unproven`] holds the suggestion).
pub const RULE_EVIDENCE: u8 = 10;

/// The outcome for one customer: status, type, the rule that decided it and how sure it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// Status at the as-of month (§2).
    pub status: Status,
    /// Customer type (§3).
    pub customer_type: CustomerType,
    /// Number of the rule in §3 that fired: 0 = INSUFFICIENT (also for no data), 1 and 5 =
    /// BARNACLE (absolute / relative), 2 = GROWTH, 3 = BELL, 4 = SHRINK, 6 = CYCLICAL,
    /// 7 = STABLE (default); [`RULE_TREE`] = the decision tree of the configuration;
    /// [`RULE_NO_EVIDENCE`] = steady because the pattern was not shown beyond chance.
    pub rule: u8,
    /// The type the shape suggested (tree or rules) when the evidence decided otherwise: its
    /// pattern is not shown beyond chance, so the customer is steady ([`RULE_NO_EVIDENCE`]) or
    /// has the pattern shown most clearly ([`RULE_EVIDENCE`]); `None` otherwise.
    pub unproven: Option<CustomerType>,
    /// The evidence levels the type was checked at (for the p-values of the reason).
    pub levels: evidence::Levels,
    /// Barnacle (shown or not): the one-sided p-value of a margin below the barnacle's bound.
    pub minimal_p: Option<f64>,
    /// The tree's leaf that decided (index into [`TypologyConfig::tree`]); `None` when a rule
    /// decided.
    pub leaf: Option<usize>,
    /// The tree's conditions on the way to the leaf, one per feature, root first (named in the
    /// reason); empty when a rule decided.
    pub conditions: Vec<tree::Condition>,
    /// Confidence in 0.05..=1 (§3); INSUFFICIENT is a count, not an estimate, and gets 1.
    pub confidence: f64,
    /// STABLE only: the default was taken despite strong block variation or a significant
    /// change; the confidence is then capped at 0.35.
    pub weak_evidence: bool,
    /// level12 / ref, the recent level relative to the portfolio's typical level (rule 5);
    /// `None` without a reference or for INSUFFICIENT.
    pub level_rel: Option<f64>,
    /// How many of the four signs of a cycle (rule 6) the series shows; `None` when the
    /// cycle's preconditions fail or for INSUFFICIENT. Named in the CYCLICAL reason.
    pub cyclical_votes: Option<u32>,
    /// The features the decision was made on; `None` for NO_DATA.
    pub features: Option<Features>,
}

/// Classifies every customer of a finished value series: its monthly values (margin, or
/// revenue when the data has no cost) from its first month to the as-of month, zeros where it
/// bought nothing, against the portfolio reference of all customers. A customer already
/// buying in the first month of the data is taken as left-censored: the export cuts off the
/// start of the relationship.
pub fn classify_series(series: &crate::ValueSeries) -> Vec<Classification> {
    classify_series_with(series, config::default_config())
}

/// [`classify_series`] with the rule thresholds of `config`.
pub fn classify_series_with(
    series: &crate::ValueSeries,
    config: &TypologyConfig,
) -> Vec<Classification> {
    let portfolio = SeriesPortfolio::of(series);
    kundenwert_core::par::par_map(&series.customers, |_, c| {
        portfolio.classify(c, series.as_of, config)
    })
}

/// What typing one customer of a series needs of all the others: the portfolio reference
/// level and the data's first month (a customer buying then is left-censored).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeriesPortfolio {
    reference: Option<f64>,
    data_start: i32,
    as_of_month: i32,
}

impl SeriesPortfolio {
    /// The reference from the customers' levels alone (no features kept for it).
    pub(crate) fn of(series: &crate::ValueSeries) -> Self {
        let as_of_month = kundenwert_core::Period::month_index_of(series.as_of);
        let data_start = series.first_month_index().unwrap_or(as_of_month);
        let levels: Vec<f64> = kundenwert_core::par::par_map(&series.customers, |_, c| {
            rules::reference_level(&monthly_values(c, series.as_of))
        })
        .into_iter()
        .flatten()
        .collect();
        SeriesPortfolio {
            reference: stats::median(&levels),
            data_start,
            as_of_month,
        }
    }

    /// One customer's classification.
    pub(crate) fn classify(
        &self,
        c: &crate::CustomerSeries,
        as_of: chrono::NaiveDate,
        config: &TypologyConfig,
    ) -> Classification {
        let first = c
            .months
            .first()
            .map_or(self.as_of_month, |m| m.period.first_month_index());
        let features = Features::compute_with_purchases(
            &monthly_values(c, as_of),
            Some(&monthly_purchases(c, as_of)),
            first == self.data_start,
        );
        classify_features_with(features.as_ref(), self.reference, config)
    }
}

/// A customer's monthly values (margin, or revenue without cost) from its first month to the
/// month of `as_of`, zeros where it bought nothing: the series the rules classify.
pub fn monthly_values(c: &crate::CustomerSeries, as_of: chrono::NaiveDate) -> Vec<f64> {
    by_month(c, as_of, crate::PeriodValue::value)
}

/// A customer's purchases per month (days with business, as the lifetime-value models count
/// them), aligned with [`monthly_values`].
pub fn monthly_purchases(c: &crate::CustomerSeries, as_of: chrono::NaiveDate) -> Vec<u32> {
    by_month(c, as_of, |m| m.active_days)
}

/// `of` of every month from the customer's first month to the month of `as_of`, the default
/// value (zero) where it bought nothing.
fn by_month<T: Default + Clone>(
    c: &crate::CustomerSeries,
    as_of: chrono::NaiveDate,
    of: impl Fn(&crate::PeriodValue) -> T,
) -> Vec<T> {
    let as_of_month = kundenwert_core::Period::month_index_of(as_of);
    let first = c
        .months
        .first()
        .map_or(as_of_month, |m| m.period.first_month_index());
    let len = (as_of_month - first + 1).max(0) as usize;
    let mut out = vec![T::default(); len];
    for m in &c.months {
        let i = (m.period.first_month_index() - first) as usize;
        if let Some(slot) = out.get_mut(i) {
            *slot = of(m);
        }
    }
    out
}

/// Classifies one monthly margin series `y` (index `len - 1` = as-of month, 0 = no business,
/// values finite) against the portfolio reference level `reference` (see
/// [`portfolio_reference`]; `None` disables rule 5). Never panics: an empty or all-zero series
/// is NO_DATA / INSUFFICIENT.
/// Uses [`TypologyConfig::default`]; see [`classify_with`] for other thresholds.
pub fn classify(y: &[f64], left_censored: bool, reference: Option<f64>) -> Classification {
    classify_with(y, left_censored, reference, config::default_config())
}

/// [`classify`] with the rule thresholds of `config` (e.g. [`TypologyConfig::spec`]).
pub fn classify_with(
    y: &[f64],
    left_censored: bool,
    reference: Option<f64>,
    config: &TypologyConfig,
) -> Classification {
    features::classify_fastest(y, None, left_censored, reference, config)
}

/// [`classify_with`] with the purchases (days with business) of each month of `y`, the same
/// length as `y`: the evidence then measures the purchase rate on them instead of counting
/// each month with business once.
pub fn classify_with_purchases(
    y: &[f64],
    purchases: &[u32],
    left_censored: bool,
    reference: Option<f64>,
    config: &TypologyConfig,
) -> Classification {
    features::classify_fastest(y, Some(purchases), left_censored, reference, config)
}
