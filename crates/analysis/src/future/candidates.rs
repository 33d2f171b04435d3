//! Fitting the candidates, choosing among them, and the per-customer forecast.

use std::collections::BTreeMap;

use kundenwert_clv::{
    bg_cnbd, bg_nbd, gamma_gamma, mbg_nbd, no_dropout, pareto_nbd, FitError, Summary,
};
use kundenwert_core::par::{self, par_map};

use super::backtest::Backtest;
use super::calibration::{Method, Ranges};
use super::inputs::{holdout_end, model_input, ModelInput};
use super::interval::count_quantile;
use super::outcome::{self, actual_value, Band};
use super::projection::{project, Projection, DAMPING};
use super::{
    ChoiceBasis, CustomerForecast, Forecast, FutureConfig, HoldoutCheck, Prepared, Source,
};
use crate::typology::{Classification, CustomerType};
use crate::ValueSeries;

/// What a fit at the edge of its parameter space means ([`ModelFit::boundary`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Boundary {
    /// Everyone buys at the same rate and nobody leaves: the Poisson limit, `lambda` purchases
    /// per time unit.
    Poisson {
        /// Purchases per time unit.
        lambda: f64,
    },
    /// Nobody seems to leave.
    NobodyLeaves,
    /// Every customer leaves at the same rate: `rate` per time unit (Pareto/NBD) or per
    /// purchase (the BG/NBD family, `per_purchase`).
    SameDropout {
        /// The common dropout rate or probability.
        rate: f64,
        /// Whether `rate` is a probability per purchase rather than a rate per time unit.
        per_purchase: bool,
    },
    /// A flat ridge elsewhere: some parameters are not identified.
    Ridge,
}

/// A fitted purchase model.
#[derive(Debug, Clone)]
pub enum ModelFit {
    /// BG/NBD.
    BgNbd(bg_nbd::BgNbdFit),
    /// MBG/NBD.
    MbgNbd(mbg_nbd::MbgNbdFit),
    /// Pareto/NBD.
    ParetoNbd(pareto_nbd::ParetoNbdFit),
    /// BG/CNBD-k.
    BgCnbd(bg_cnbd::BgCnbdFit),
}

impl ModelFit {
    /// Total log-likelihood.
    pub fn log_likelihood(&self) -> f64 {
        match self {
            ModelFit::BgNbd(f) => f.log_likelihood,
            ModelFit::MbgNbd(f) => f.log_likelihood,
            ModelFit::ParetoNbd(f) => f.log_likelihood,
            ModelFit::BgCnbd(f) => f.log_likelihood,
        }
    }

    /// The estimated parameters by name (k of BG/CNBD-k apart: it is an integer).
    /// At the no-dropout limit: the limit's `r, alpha` (infinite for Poisson: every customer
    /// buys at the same rate), the dropout's first parameter 0 and its second undefined (NaN).
    pub fn named_parameters(&self) -> Vec<(&'static str, f64)> {
        if let Some(l) = self.limit() {
            let (r, alpha) = match l.model {
                no_dropout::NoDropout::Nbd { r, alpha } => (r, alpha),
                no_dropout::NoDropout::Poisson { .. } => (f64::INFINITY, f64::INFINITY),
            };
            let (first, second) = match self {
                ModelFit::ParetoNbd(_) => ("s", "beta"),
                _ => ("a", "b"),
            };
            return vec![("r", r), ("alpha", alpha), (first, 0.0), (second, f64::NAN)];
        }
        match self {
            ModelFit::BgNbd(f) => {
                let p = &f.params;
                vec![("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)]
            }
            ModelFit::MbgNbd(f) => {
                let p = &f.params;
                vec![("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)]
            }
            ModelFit::ParetoNbd(f) => {
                let p = &f.params;
                vec![("r", p.r), ("alpha", p.alpha), ("s", p.s), ("beta", p.beta)]
            }
            ModelFit::BgCnbd(f) => {
                let p = &f.params;
                vec![("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)]
            }
        }
    }

    /// Standard errors of [`ModelFit::named_parameters`], in the same order.
    pub fn std_errors(&self) -> Option<&[f64]> {
        match self {
            ModelFit::BgNbd(f) => f.std_errors.as_deref(),
            ModelFit::MbgNbd(f) => f.std_errors.as_deref(),
            ModelFit::ParetoNbd(f) => f.std_errors.as_deref(),
            ModelFit::BgCnbd(f) => f.std_errors.as_deref(),
        }
    }

    /// Whether the fit stopped on a flat ridge at the edge of the parameter space (typically
    /// "nobody leaves": the dropout parameters are then not identified).
    pub fn at_boundary(&self) -> bool {
        match self {
            ModelFit::BgNbd(f) => f.at_boundary,
            ModelFit::MbgNbd(f) => f.at_boundary,
            ModelFit::ParetoNbd(f) => f.at_boundary,
            ModelFit::BgCnbd(f) => f.at_boundary,
        }
    }

    /// What it means that the fit ran to the edge of its parameter space (see
    /// [`ModelFit::at_boundary`]): the no-dropout limit it predicts from, or — read from the
    /// dropout parameters — nobody seeming to leave, or every customer leaving at the same rate
    /// (the spread of the dropout between customers vanishes), or else a flat ridge.
    pub fn boundary(&self) -> Boundary {
        if let Some(no_dropout::NoDropout::Poisson { lambda }) = self.limit().map(|l| l.model) {
            return Boundary::Poisson { lambda };
        }
        let p: BTreeMap<&str, f64> = self.named_parameters().into_iter().collect();
        let get = |k: &str| p.get(k).copied().unwrap_or(f64::NAN);
        // Pareto/NBD: dropout rate ~ Gamma(s, beta); the BG/NBD family: dropout probability
        // after each purchase ~ Beta(a, b). A shape near 0 puts all mass at "never"; a huge one
        // (or a + b) leaves no spread between customers.
        let (nobody, same, rate, per_purchase) = match self {
            ModelFit::ParetoNbd(_) => {
                let (s, beta) = (get("s"), get("beta"));
                (s < 1e-3, s > 1e3, s / beta, false)
            }
            _ => {
                let (a, b) = (get("a"), get("b"));
                (a < 1e-3, a + b > 1e4, a / (a + b), true)
            }
        };
        if nobody {
            Boundary::NobodyLeaves
        } else if same {
            Boundary::SameDropout { rate, per_purchase }
        } else {
            Boundary::Ridge
        }
    }

    /// The no-dropout limit the fit stands at, if any: predictions then come from it.
    pub fn limit(&self) -> Option<&no_dropout::NoDropoutFit> {
        match self {
            ModelFit::BgNbd(f) => f.limit.as_ref(),
            ModelFit::MbgNbd(f) => f.limit.as_ref(),
            ModelFit::ParetoNbd(f) => f.limit.as_ref(),
            ModelFit::BgCnbd(f) => f.limit.as_ref(),
        }
    }

    /// Whether the pass budget ran out before the optimiser converged.
    pub fn budget_used(&self) -> bool {
        match self {
            ModelFit::BgNbd(f) => f.budget_used,
            ModelFit::MbgNbd(f) => f.budget_used,
            ModelFit::ParetoNbd(f) => f.budget_used,
            ModelFit::BgCnbd(f) => f.budget_used,
        }
    }

    /// Optimiser iterations.
    pub fn iterations(&self) -> u64 {
        match self {
            ModelFit::BgNbd(f) => f.iterations,
            ModelFit::MbgNbd(f) => f.iterations,
            ModelFit::ParetoNbd(f) => f.iterations,
            ModelFit::BgCnbd(f) => f.iterations,
        }
    }

    /// The optimiser that found the optimum.
    pub fn method(&self) -> &'static str {
        match self {
            ModelFit::BgNbd(f) => f.method,
            ModelFit::MbgNbd(f) => f.method,
            ModelFit::ParetoNbd(f) => f.method,
            ModelFit::BgCnbd(f) => f.method,
        }
    }

    /// Free parameters (k of BG/CNBD-k counts as one, it was chosen by likelihood).
    pub fn parameters(&self) -> usize {
        match self {
            ModelFit::BgCnbd(_) => 5,
            _ => 4,
        }
    }

    fn summary(m: &ModelInput) -> Summary {
        Summary {
            x: m.x,
            t_x: m.t_x,
            t: m.t,
            weight: 1.0,
        }
    }

    fn cnbd_summary(m: &ModelInput) -> bg_cnbd::CnbdSummary {
        bg_cnbd::CnbdSummary {
            x: m.x,
            t_x: m.t_x,
            t: m.t,
            litt: m.litt,
            weight: 1.0,
        }
    }

    /// Expected purchases in `(T, T + horizon]`.
    pub fn expected(&self, m: &ModelInput, horizon: f64) -> f64 {
        let e = match self {
            _ if self.limit().is_some() => self.limit().map_or(0.0, |l| {
                l.model.expected_transactions(&Self::summary(m), horizon)
            }),
            ModelFit::BgNbd(f) => f.params.expected_transactions(&Self::summary(m), horizon),
            ModelFit::MbgNbd(f) => f.params.expected_transactions(&Self::summary(m), horizon),
            ModelFit::ParetoNbd(f) => f.params.expected_transactions(&Self::summary(m), horizon),
            ModelFit::BgCnbd(f) => f
                .params
                .expected_transactions(&Self::cnbd_summary(m), horizon),
        };
        if e.is_finite() {
            e.max(0.0)
        } else {
            0.0
        }
    }

    /// Expected purchases in `(T, T + h]` for each `h` of `horizons` (what
    /// [`ModelFit::expected`] gives for each), sharing the work the horizons have in common:
    /// Pareto/NBD's P(alive), two hypergeometric functions per customer, is computed once.
    ///
    /// `p_alive`, when given, is this customer's P(alive) from [`ModelFit::p_alive_all`].
    pub fn expected_at(&self, m: &ModelInput, horizons: &[f64], p_alive: Option<f64>) -> Vec<f64> {
        let clean = |e: f64| if e.is_finite() { e.max(0.0) } else { 0.0 };
        match self {
            ModelFit::ParetoNbd(f) if f.limit.is_none() => {
                let s = Self::summary(m);
                let p = p_alive.unwrap_or_else(|| f.params.p_alive(&s));
                horizons
                    .iter()
                    .map(|&h| clean(f.params.expected_transactions_with(&s, h, p)))
                    .collect()
            }
            _ => horizons.iter().map(|&h| self.expected(m, h)).collect(),
        }
    }

    /// P(alive) of every customer where computing it for all at once saves work: Pareto/NBD's
    /// needs two hypergeometric functions per customer, shared by customers with the same
    /// `(x, t)` pairs. `None` for the other models (theirs is cheap).
    pub fn p_alive_all(&self, inputs: &[ModelInput]) -> Option<Vec<f64>> {
        match self {
            ModelFit::ParetoNbd(f) if f.limit.is_none() => {
                let summaries: Vec<Summary> = inputs.iter().map(Self::summary).collect();
                let clean = |p: f64| {
                    if p.is_finite() {
                        p.clamp(0.0, 1.0)
                    } else {
                        0.0
                    }
                };
                Some(
                    pareto_nbd::p_alive_all(&f.params, &summaries)
                        .into_iter()
                        .map(clean)
                        .collect(),
                )
            }
            _ => None,
        }
    }

    /// Expected purchases in `(T, T + horizon]` of every customer (see [`ModelFit::expected`]).
    pub fn expected_all(&self, inputs: &[ModelInput], horizon: f64) -> Vec<f64> {
        let alive = self.p_alive_all(inputs);
        par_map(inputs, |i, m| {
            self.expected_at(m, &[horizon], alive.as_ref().map(|a| a[i]))[0]
        })
    }

    /// Probability that the customer is still active at as-of.
    pub fn p_alive(&self, m: &ModelInput) -> f64 {
        let p = match self {
            _ if self.limit().is_some() => 1.0,
            ModelFit::BgNbd(f) => f.params.p_alive(&Self::summary(m)),
            ModelFit::MbgNbd(f) => f.params.p_alive(&Self::summary(m)),
            ModelFit::ParetoNbd(f) => f.params.p_alive(&Self::summary(m)),
            ModelFit::BgCnbd(f) => f.params.p_alive(&Self::cnbd_summary(m)),
        };
        if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Shape of the posterior purchase rate (for the interval): `r + x` (`r + k·x` for
    /// BG/CNBD-k, whose purchases are k Poisson events each).
    fn posterior_shape(&self, m: &ModelInput) -> f64 {
        if let Some(l) = self.limit() {
            // Poisson's rate is known: a shape so large that the band is Poisson's.
            return l.model.posterior_shape(m.x).min(POISSON_SHAPE);
        }
        match self {
            ModelFit::BgNbd(f) => f.params.r + m.x,
            ModelFit::MbgNbd(f) => f.params.r + m.x,
            ModelFit::ParetoNbd(f) => f.params.r + m.x,
            ModelFit::BgCnbd(f) => f.params.r + f64::from(f.params.k) * m.x,
        }
    }
}

/// Shape of the negative binomial that stands for a Poisson count in the band: at 10⁹ their
/// quantiles agree for any mean a customer can have.
const POISSON_SHAPE: f64 = 1e9;

/// One candidate model: fitted, or why not.
#[derive(Debug)]
pub struct Candidate {
    /// Which model.
    pub source: Source,
    /// The fit.
    pub fit: Result<ModelFit, FitError>,
    /// BIC = −2 LL + parameters · ln(customers), when fitted.
    pub bic: Option<f64>,
    /// Wall time of the fit.
    pub seconds: f64,
}

/// A fit and its wall time in seconds.
type TimedFit = (Result<ModelFit, FitError>, f64);

/// Repeat buyers below which no purchase model is fitted: with a handful of customers the
/// four parameters are not identified (fits run to the edge of the parameter space), and the
/// type projection serves them better.
pub const MIN_REPEAT_BUYERS: usize = 10;

pub(super) fn fit_candidates(inputs: &[ModelInput], config: &FutureConfig) -> Vec<Candidate> {
    let repeat = inputs.iter().filter(|m| m.x >= 1.0).count();
    if repeat < MIN_REPEAT_BUYERS {
        return config
            .models
            .iter()
            .map(|&source| Candidate {
                source,
                fit: Err(FitError::TooFewCustomers {
                    found: repeat,
                    needed: MIN_REPEAT_BUYERS,
                }),
                bic: None,
                seconds: 0.0,
            })
            .collect();
    }
    let summaries = kundenwert_clv::compress(inputs.iter().map(|m| (m.x, m.t_x, m.t)));
    // Only BG/CNBD-k needs the per-customer summaries with inter-purchase times.
    let cnbd: Vec<bg_cnbd::CnbdSummary> = if config.models.contains(&Source::BgCnbdK) {
        inputs.iter().map(ModelFit::cnbd_summary).collect()
    } else {
        Vec::new()
    };
    let opts = &config.fit;
    let timed = |f: &dyn Fn() -> Result<ModelFit, FitError>| {
        let start = std::time::Instant::now();
        let fit = f();
        (fit, start.elapsed().as_secs_f64())
    };
    let fit = |source: Source| -> TimedFit {
        match source {
            Source::BgNbd => timed(&|| bg_nbd::fit(&summaries, opts).map(ModelFit::BgNbd)),
            Source::MbgNbd => timed(&|| mbg_nbd::fit(&summaries, opts).map(ModelFit::MbgNbd)),
            Source::ParetoNbd => {
                timed(&|| pareto_nbd::fit(&summaries, opts).map(ModelFit::ParetoNbd))
            }
            Source::BgCnbdK => timed(&|| fit_bg_cnbd(&cnbd, opts).map(ModelFit::BgCnbd)),
            // Not a purchase model; never in `models`.
            Source::TypeProjection => (Err(FitError::NoData), 0.0),
        }
    };
    // Every model on a thread of its own: the fits take very different times, and each
    // spreads its likelihood over the cores as well.
    let models = &config.models;
    let fits = par::map_in_order(models.len(), models.len(), |i| {
        let source = models[i];
        // A model whose fit panics is reported as not fitted; the others still count.
        let fit = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fit(source)))
            .unwrap_or((Err(FitError::NoData), 0.0));
        (source, fit)
    });
    let n = inputs.len() as f64;
    fits.into_iter()
        .map(|(source, (fit, seconds))| {
            let bic = fit
                .as_ref()
                .ok()
                .map(|f| -2.0 * f.log_likelihood() + f.parameters() as f64 * n.ln());
            Candidate {
                source,
                fit,
                bic,
                seconds,
            }
        })
        .collect()
}

/// A deterministic random sample of `n` items (reservoir sampling: every item has the same
/// chance, independent of its position). `items` must hold more than `n`.
fn reservoir_sample<T: Copy>(items: &[T], n: usize) -> Vec<T> {
    let mut rng = crate::demo::Rng(0x5EED_CAFE);
    let mut sample: Vec<T> = items[..n].to_vec();
    for (i, s) in items.iter().enumerate().skip(n) {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        if j < n {
            sample[j] = *s;
        }
    }
    sample
}

/// Customers above which BG/CNBD-k's regularity k is chosen on a sample.
pub const CNBD_K_SAMPLE: usize = 20_000;

/// BG/CNBD-k with k chosen on a sample when there are many customers.
///
/// Choosing k means one fit per k (k = 1, 2, ... until the likelihood stops improving), each
/// over every distinct history. k is a single integer shape parameter that 20,000 customers
/// identify as well as all of them do; the other parameters are then fitted on every
/// customer with that k, starting from the sample's estimates.
fn fit_bg_cnbd(
    data: &[bg_cnbd::CnbdSummary],
    opts: &kundenwert_clv::FitOptions,
) -> Result<bg_cnbd::BgCnbdFit, FitError> {
    if data.len() <= CNBD_K_SAMPLE {
        return bg_cnbd::fit(data, None, opts);
    }
    let sample = reservoir_sample(data, CNBD_K_SAMPLE);
    let start = bg_cnbd::fit(&sample, None, opts)?.params;
    // The sample's estimates for that k are a warm start on everyone.
    bg_cnbd::fit_from(data, &start, opts)
}

/// Spend per purchase: Gamma-Gamma's conditional expectation for customers with repeat
/// purchases of positive mean value, the customer's own mean where that mean is not positive
/// (a customer who costs money keeps costing it), the population mean without repeats.
fn spend(
    gg: &Result<gamma_gamma::GammaGammaFit, FitError>,
    m: &ModelInput,
    population: f64,
) -> f64 {
    match (m.repeat_spend, gg) {
        (Some(s), Ok(fit)) if s > 0.0 => fit.params.conditional_expected_spend(m.x, s),
        (Some(s), _) => s,
        (None, _) => population,
    }
}

pub(super) fn prepare(
    series: &ValueSeries,
    types: &[Classification],
    config: &FutureConfig,
) -> Prepared {
    let mut inputs = Vec::with_capacity(series.customers.len());
    let mut projections = Vec::with_capacity(series.customers.len());
    let mut actual = Vec::with_capacity(series.customers.len());
    prepare_block(
        series,
        0..series.customers.len(),
        types,
        config,
        &mut inputs,
        &mut projections,
        &mut actual,
    );
    Prepared::of(series, inputs, projections, actual)
}

pub(super) fn prepare_releasing(
    series: &mut ValueSeries,
    types: &[Classification],
    config: &FutureConfig,
) -> Prepared {
    // Block by block, each block's periods dropped once taken: the freed months make room for
    // the inputs and projections instead of the two sitting side by side.
    const BLOCK: usize = 1 << 16;
    let n = series.customers.len();
    let mut inputs = Vec::with_capacity(n);
    let mut projections = Vec::with_capacity(n);
    let mut actual = Vec::with_capacity(n);
    for start in (0..n).step_by(BLOCK) {
        let range = start..(start + BLOCK).min(n);
        prepare_block(
            series,
            range.clone(),
            types,
            config,
            &mut inputs,
            &mut projections,
            &mut actual,
        );
        release_periods(series, range);
    }
    Prepared::of(series, inputs, projections, actual)
}

/// Customers typed and prepared together before their months are dropped.
pub(super) const RELEASE_BLOCK: usize = 1 << 16;

pub(super) fn classify_and_prepare_releasing(
    series: &mut ValueSeries,
    typology: &crate::TypologyConfig,
    config: &FutureConfig,
    block: usize,
) -> (Vec<Classification>, Prepared) {
    // One block at a time: typed, its inputs and projections taken, its months dropped. The
    // series' months shrink while the classifications grow, instead of peaking together.
    let portfolio = crate::typology::SeriesPortfolio::of(series);
    let n = series.customers.len();
    let mut types = Vec::with_capacity(n);
    let mut inputs = Vec::with_capacity(n);
    let mut projections = Vec::with_capacity(n);
    let mut actual = Vec::with_capacity(n);
    for start in (0..n).step_by(block.max(1)) {
        let range = start..(start + block.max(1)).min(n);
        types.extend(par_map(&series.customers[range.clone()], |_, c| {
            portfolio.classify(c, series.as_of, typology)
        }));
        prepare_block(
            series,
            range.clone(),
            &types,
            config,
            &mut inputs,
            &mut projections,
            &mut actual,
        );
        release_periods(series, range);
    }
    (types, Prepared::of(series, inputs, projections, actual))
}

impl Prepared {
    fn of(
        series: &ValueSeries,
        inputs: Vec<ModelInput>,
        projections: Vec<Option<Projection>>,
        actual: Vec<f64>,
    ) -> Self {
        Prepared {
            as_of: series.as_of,
            holdout_end: holdout_end(series),
            inputs,
            projections,
            actual,
        }
    }
}

/// Drops the periods of the customers in `range` (taken by then; totals, dates and holdout
/// stay).
fn release_periods(series: &mut ValueSeries, range: std::ops::Range<usize>) {
    for c in &mut series.customers[range] {
        c.months = Vec::new();
        c.other_periods = None;
    }
}

/// The model inputs and the type's projection of the customers in `range`, appended.
fn prepare_block(
    series: &ValueSeries,
    range: std::ops::Range<usize>,
    types: &[Classification],
    config: &FutureConfig,
    inputs: &mut Vec<ModelInput>,
    projections: &mut Vec<Option<Projection>>,
    actual: &mut Vec<f64>,
) {
    let offset = range.start;
    let customers = &series.customers[range];
    inputs.extend(par_map(customers, |_, c| {
        model_input(c, series.as_of, config.time_unit)
    }));
    // The projection for everyone: a candidate per type, and the fallback.
    projections.extend(par_map(customers, |i, c| {
        let cls = types.get(offset + i)?;
        let f = cls.features.as_ref()?;
        let y = crate::typology::monthly_values(c, series.as_of);
        Some(project(&y, f, cls.customer_type))
    }));
    // What happened in the horizon's months after as-of, for the check against it.
    let as_of_month = kundenwert_core::Period::month_index_of(series.as_of);
    actual.extend(par_map(customers, |_, c| {
        actual_value(
            &c.holdout,
            as_of_month,
            config.horizon_months,
            config.discount_rate,
        )
    }));
}

/// The Gamma-Gamma spend model fitted on the customers with repeat purchases, and every
/// customer's expected spend per purchase under it ([`spend`]).
pub(super) fn spend_model(
    inputs: &[ModelInput],
    config: &FutureConfig,
) -> (Result<gamma_gamma::GammaGammaFit, FitError>, Vec<f64>) {
    let gg_input: Vec<gamma_gamma::SpendSummary> = inputs
        .iter()
        .filter_map(|m| {
            m.repeat_spend
                .map(|s| gamma_gamma::SpendSummary { x: m.x, m: s })
        })
        .collect();
    let positive = gg_input.iter().filter(|g| g.m > 0.0).count();
    let gamma_gamma = if positive < MIN_REPEAT_BUYERS {
        Err(FitError::TooFewCustomers {
            found: positive,
            needed: MIN_REPEAT_BUYERS,
        })
    } else {
        gamma_gamma::fit(&gg_input, &config.fit)
    };
    let population_spend = match &gamma_gamma {
        Ok(f) => f.params.population_mean_spend(),
        Err(_) => {
            let (sum, n) = gg_input
                .iter()
                .fold((0.0, 0.0), |(s, n), g| (s + g.x * g.m, n + g.x));
            if n > 0.0 {
                sum / n
            } else {
                0.0
            }
        }
    };
    let spends = inputs
        .iter()
        .map(|m| spend(&gamma_gamma, m, population_spend))
        .collect();
    (gamma_gamma, spends)
}

/// A model's value and 80 % range for one customer over the configured horizon.
pub(super) fn model_band(
    fit: &ModelFit,
    m: &ModelInput,
    spend: f64,
    p_alive: Option<f64>,
    config: &FutureConfig,
) -> Band {
    model_forecast(fit, m, spend, p_alive, config).band()
}

/// The absolute error of `expected` purchases against each customer's purchases after as-of,
/// summed over the customers.
pub(super) fn purchase_error(expected: &[f64], inputs: &[ModelInput]) -> f64 {
    expected
        .iter()
        .zip(inputs)
        .map(|(e, m)| (e - m.holdout_transactions).abs())
        .sum()
}

pub(super) fn run(
    prepared: Prepared,
    types: &[Classification],
    config: &FutureConfig,
    backtest: Option<Backtest>,
) -> Forecast {
    let Prepared {
        as_of,
        holdout_end: end,
        inputs,
        projections,
        actual,
    } = prepared;
    let unit = config.time_unit;
    let candidates = fit_candidates(&inputs, config);
    let (gamma_gamma, spends) = spend_model(&inputs, config);

    let holdout = end.map(|to| {
        let length = ((to - as_of).num_days() as f64) / unit.days();
        check_holdout(
            as_of,
            types,
            &inputs,
            &candidates,
            &spends,
            &projections,
            to,
            length,
            config,
        )
    });

    let fitted: Vec<&Candidate> = candidates.iter().filter(|c| c.fit.is_ok()).collect();
    let fit_of = |s: Source| {
        candidates
            .iter()
            .find(|c| c.source == s)
            .and_then(|c| c.fit.as_ref().ok())
    };
    let backtest_choice = backtest
        .as_ref()
        .and_then(|b| b.chosen)
        .filter(|s| fit_of(*s).is_some());
    let (chosen, basis) = match (&holdout, fitted.len()) {
        (_, 0) => (None, ChoiceBasis::NoModel),
        (_, 1) => (Some(fitted[0].source), ChoiceBasis::OnlyOne),
        _ if backtest_choice.is_some() => (backtest_choice, ChoiceBasis::Backtest),
        (Some(h), _) => {
            let best = h
                .transactions_mae
                .iter()
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(s, _)| *s);
            (best, ChoiceBasis::Holdout)
        }
        (None, _) => {
            let best = fitted
                .iter()
                .filter_map(|c| c.bic.map(|b| (c.source, b)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(s, _)| s);
            (best, ChoiceBasis::Bic)
        }
    };
    let model = chosen.and_then(fit_of);

    // Per type: with a backtest, the method chosen there (a model that cannot be fitted now
    // gives way to the projection) and its calibrated ranges; without one, the projection
    // where it predicted the holdout value better, else the chosen model.
    let by_type: Vec<(CustomerType, Method, Option<Ranges>)> = CustomerType::ALL
        .iter()
        .map(|&t| {
            let calibrated = backtest.as_ref().and_then(|b| b.for_type(t));
            let from_backtest = calibrated.map(|c| match c.method {
                Method::Model(s) if fit_of(s).is_none() => Method::Projection { damping: DAMPING },
                m => m,
            });
            let method = match (from_backtest, &holdout, model) {
                (Some(m), ..) => m,
                (None, _, None) => Method::Projection { damping: DAMPING },
                (None, Some(h), Some(_)) => {
                    let projection_better = h
                        .value_mae_by_type
                        .iter()
                        .find(|(ty, ..)| *ty == t)
                        .is_some_and(|(_, model_mae, proj_mae, _)| proj_mae < model_mae);
                    if projection_better {
                        Method::Projection { damping: DAMPING }
                    } else {
                        Method::Model(chosen.unwrap_or(Source::TypeProjection))
                    }
                }
                (None, None, Some(_)) => Method::Model(chosen.unwrap_or(Source::TypeProjection)),
            };
            (t, method, calibrated.map(|c| c.ranges))
        })
        .collect();
    let source_by_type: Vec<(CustomerType, Source)> =
        by_type.iter().map(|(t, m, _)| (*t, m.source())).collect();
    let type_of = |i: usize| {
        types
            .get(i)
            .map_or(CustomerType::Insufficient, |c| c.customer_type)
    };

    // P(alive) of every customer for each model in use where computing it for all at once
    // saves work (Pareto/NBD).
    let mut alive_by_model: Vec<(Source, Option<Vec<f64>>)> = Vec::new();
    for (_, method, _) in &by_type {
        if let Method::Model(s) = method {
            if !alive_by_model.iter().any(|(x, _)| x == s) {
                let alive = fit_of(*s).and_then(|fit| fit.p_alive_all(&inputs));
                alive_by_model.push((*s, alive));
            }
        }
    }
    let customers = par_map(&inputs, |i, m| {
        let t = type_of(i);
        let (method, ranges) = by_type.iter().find(|(ty, ..)| *ty == t).map_or(
            (Method::Projection { damping: DAMPING }, None),
            |(_, m, r)| (*m, *r),
        );
        let mut forecast = match method {
            Method::Model(s) => match fit_of(s) {
                Some(fit) => {
                    let alive = alive_by_model
                        .iter()
                        .find(|(x, _)| *x == s)
                        .and_then(|(_, a)| a.as_ref().map(|a| a[i]));
                    model_forecast(fit, m, spends[i], alive, config)
                }
                None => projection_forecast(projections[i].as_ref(), DAMPING, config),
            },
            Method::Projection { damping } => {
                projection_forecast(projections[i].as_ref(), damping, config)
            }
        };
        if let Some(r) = ranges {
            let band = r.apply(forecast.band());
            forecast.future_value_low = band.low;
            forecast.future_value_high = band.high;
        }
        forecast
    });

    // The check against what happened: only when the data after as-of covers the horizon and
    // as-of is a month end, so that predicted and actual speak of the same months.
    let covered = end.is_some_and(|e| {
        crate::earlier::month_end(as_of) == as_of
            && kundenwert_core::Period::month_index_of(e)
                >= kundenwert_core::Period::month_index_of(as_of) + config.horizon_months as i32
    });
    let holdout = holdout.map(|mut h| {
        if covered {
            let ty: Vec<CustomerType> = (0..inputs.len()).map(type_of).collect();
            let bands: Vec<Band> = customers.iter().map(CustomerForecast::band).collect();
            h.outcomes = Some(outcome::by_type(&ty, &bands, &actual));
        }
        h
    });

    Forecast {
        config: config.clone(),
        candidates,
        gamma_gamma,
        chosen,
        basis,
        source_by_type,
        holdout,
        backtest,
        customers,
    }
}

fn projection_forecast(
    p: Option<&Projection>,
    damping: f64,
    config: &FutureConfig,
) -> CustomerForecast {
    match p {
        Some(p) => {
            let v = p.value(config.horizon_months, config.discount_rate, damping);
            CustomerForecast {
                expected_transactions: None,
                p_alive: p.p_alive,
                expected_spend: None,
                future_value: v.value,
                future_value_low: v.low,
                future_value_high: v.high,
                source: Source::TypeProjection,
            }
        }
        None => CustomerForecast {
            expected_transactions: None,
            p_alive: 0.0,
            expected_spend: None,
            future_value: 0.0,
            future_value_low: 0.0,
            future_value_high: 0.0,
            source: Source::TypeProjection,
        },
    }
}

/// The chosen model's forecast: purchases month by month over the horizon, each month's
/// expected purchases × spend discounted to today.
fn model_forecast(
    fit: &ModelFit,
    m: &ModelInput,
    spend: f64,
    p_alive: Option<f64>,
    config: &FutureConfig,
) -> CustomerForecast {
    let unit = config.time_unit;
    let horizon = unit.per_months(f64::from(config.horizon_months));
    let months = config.horizon_months.max(1);
    let mut previous = 0.0;
    let mut discounted = 0.0;
    let mut untils: Vec<f64> = (1..=months)
        .map(|h| unit.per_months(f64::from(h)))
        .collect();
    untils.push(horizon);
    let path = fit.expected_at(m, &untils, p_alive);
    for (h, &e) in (1..=months).zip(&path) {
        let step = (e - previous).max(0.0);
        previous = previous.max(e);
        discounted += step * (1.0 + config.discount_rate).powf(-f64::from(h) / 12.0);
    }
    let expected = path.last().copied().unwrap_or(0.0);
    let p_alive = p_alive.unwrap_or_else(|| fit.p_alive(m));
    let future_value = discounted * spend;
    // The average discount of the expected purchases turns a count into a value.
    let per_purchase = if expected > 0.0 {
        spend * discounted / expected
    } else {
        0.0
    };
    let mean_alive = if p_alive > 0.0 {
        expected / p_alive
    } else {
        0.0
    };
    let shape = fit.posterior_shape(m);
    let q10 = count_quantile(0.10, p_alive, mean_alive, shape) * per_purchase;
    let q90 = count_quantile(0.90, p_alive, mean_alive, shape) * per_purchase;
    CustomerForecast {
        expected_transactions: Some(expected),
        p_alive,
        expected_spend: Some(spend),
        future_value,
        future_value_low: q10.min(q90).min(future_value),
        future_value_high: q10.max(q90).max(future_value),
        source: fit_source(fit),
    }
}

/// The source a fit stands for.
fn fit_source(fit: &ModelFit) -> Source {
    match fit {
        ModelFit::BgNbd(_) => Source::BgNbd,
        ModelFit::MbgNbd(_) => Source::MbgNbd,
        ModelFit::ParetoNbd(_) => Source::ParetoNbd,
        ModelFit::BgCnbd(_) => Source::BgCnbdK,
    }
}

#[allow(clippy::too_many_arguments)]
fn check_holdout(
    as_of: chrono::NaiveDate,
    types: &[Classification],
    inputs: &[ModelInput],
    candidates: &[Candidate],
    spends: &[f64],
    projections: &[Option<Projection>],
    to: chrono::NaiveDate,
    length: f64,
    config: &FutureConfig,
) -> HoldoutCheck {
    let n = inputs.len().max(1) as f64;
    let actual: f64 = inputs.iter().map(|m| m.holdout_transactions).sum();
    let actual_value: f64 = inputs.iter().map(|m| m.holdout_value).sum();
    let mut predicted = Vec::new();
    let mut mae = Vec::new();
    let mut per_model_predictions: BTreeMap<Source, Vec<f64>> = BTreeMap::new();
    for c in candidates {
        let Ok(fit) = &c.fit else { continue };
        let p: Vec<f64> = fit.expected_all(inputs, length);
        predicted.push((c.source, p.iter().sum()));
        mae.push((c.source, purchase_error(&p, inputs) / n));
        per_model_predictions.insert(c.source, p);
    }
    let best = mae
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(s, _)| *s);
    // The projection's value over the holdout months, undiscounted, for a fair comparison
    // with what was actually bought.
    let months = (length * config.time_unit.days() / (365.25 / 12.0)).max(0.0);
    let mut errors_by_type: BTreeMap<CustomerType, (f64, f64, usize)> = BTreeMap::new();
    if let Some(p) = best.and_then(|b| per_model_predictions.get(&b)) {
        for (i, m) in inputs.iter().enumerate() {
            let Some(cls) = types.get(i) else { continue };
            let model_value = p[i] * spends[i];
            let proj_value = projections[i].as_ref().map_or(0.0, |pr| {
                let whole = months.floor() as u32;
                let v: f64 = (1..=whole).map(|h| pr.month(h, DAMPING)).sum();
                v + pr.month(whole + 1, DAMPING) * (months - months.floor())
            });
            let e = errors_by_type
                .entry(cls.customer_type)
                .or_insert((0.0, 0.0, 0));
            e.0 += (model_value - m.holdout_value).abs();
            e.1 += (proj_value - m.holdout_value).abs();
            e.2 += 1;
        }
    }
    HoldoutCheck {
        from: as_of.succ_opt().unwrap_or(as_of),
        to,
        length,
        actual_repeat_transactions: actual,
        predicted_repeat_transactions: predicted,
        transactions_mae: mae,
        actual_value,
        value_mae_by_type: errors_by_type
            .into_iter()
            .map(|(t, (a, b, k))| (t, a / k as f64, b / k as f64, k))
            .collect(),
        outcomes: None,
    }
}

#[cfg(test)]
mod boundary_tests {
    use kundenwert_clv::{bg_nbd, FitOptions, Summary};

    use super::{Boundary, ModelFit};

    /// Everyone buys at one rate and nobody leaves: a Poisson panel (counts spread as Poisson
    /// with mean 0.1 × T, the last purchase near the end) lands on the Poisson limit, and the
    /// boundary says so with the rate.
    #[test]
    fn a_poisson_panel_is_read_as_the_poisson_limit() {
        let mut data = Vec::new();
        // Poisson(5) frequencies, as weights of 1,000 customers, all 50 weeks old.
        let mut p = (-5.0f64).exp();
        for x in 0..20u32 {
            let weight = (p * 1000.0).round();
            if weight > 0.0 {
                let t_x = if x == 0 {
                    0.0
                } else {
                    50.0 * f64::from(x) / f64::from(x + 1)
                };
                data.push(Summary {
                    x: f64::from(x),
                    t_x,
                    t: 50.0,
                    weight,
                });
            }
            p *= 5.0 / f64::from(x + 1);
        }
        let fit = bg_nbd::fit(&data, &FitOptions::default()).expect("fit");
        match ModelFit::BgNbd(fit).boundary() {
            Boundary::Poisson { lambda } => assert!((lambda - 0.1).abs() < 0.01, "{lambda}"),
            other => panic!("{other:?}"),
        }
    }
}
