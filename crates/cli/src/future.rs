//! Future value in `analyze`: the `models` object of the JSON and the text a reader follows —
//! which model, why, how sure.

use kundenwert_analysis::future::backtest::Backtest;
use kundenwert_analysis::future::calibration::Method;
use kundenwert_analysis::future::outcome::Outcome;
use kundenwert_analysis::future::NoDropout;
use kundenwert_analysis::future::{
    Boundary, Candidate, ChoiceBasis, Forecast, ModelFit, Source, TimeUnit,
};
use kundenwert_core::Lang;
use kundenwert_text as text;
use serde_json::{json, Map, Value};

use crate::fmt::{amount, count, date, percent};
use kundenwert_core::fmt::rounded;

fn named(names: &[&str], values: &[f64]) -> Value {
    let mut m = Map::new();
    for (n, v) in names.iter().zip(values) {
        m.insert((*n).to_string(), json!(rounded(*v, 6)));
    }
    Value::Object(m)
}

/// One candidate's JSON: its parameters, log-likelihood, BIC, standard errors, or why it
/// could not be fitted.
fn candidate_json(c: &Candidate, unit: TimeUnit, lang: Lang) -> Value {
    let fit = match &c.fit {
        Ok(f) => f,
        Err(e) => return json!({"error": e.message(lang)}),
    };
    let (names, values): (Vec<&str>, Vec<f64>) = fit.named_parameters().into_iter().unzip();
    let mut obj = match named(&names, &values) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let ModelFit::BgCnbd(f) = fit {
        obj.insert("k".into(), json!(f.params.k));
    }
    obj.insert(
        "log_likelihood".into(),
        json!(rounded(fit.log_likelihood(), 3)),
    );
    obj.insert("bic".into(), json!(c.bic.map(|v| rounded(v, 3))));
    obj.insert("time_unit".into(), json!(unit.id()));
    obj.insert(
        "std_errors".into(),
        fit.std_errors().map_or(Value::Null, |e| named(&names, e)),
    );
    obj.insert("at_boundary".into(), json!(fit.at_boundary()));
    obj.insert(
        "limit".into(),
        fit.limit().map_or(Value::Null, |l| {
            let (model, r, alpha) = match l.model {
                NoDropout::Nbd { r, alpha } => {
                    ("nbd", json!(rounded(r, 6)), json!(rounded(alpha, 6)))
                }
                NoDropout::Poisson { .. } => ("poisson", Value::Null, Value::Null),
            };
            json!({
                "model": model,
                "r": r,
                "alpha": alpha,
                "mean_rate": rounded(l.model.mean_rate(), 6),
                "log_likelihood": rounded(l.log_likelihood, 3),
            })
        }),
    );
    obj.insert("budget_used".into(), json!(fit.budget_used()));
    obj.insert("iterations".into(), json!(fit.iterations()));
    obj.insert("optimizer".into(), json!(fit.method()));
    Value::Object(obj)
}

/// The `models` object of the `analyze --json` document (issue 4).
pub fn models_json(f: &Forecast, lang: Lang) -> Value {
    let unit = f.config.time_unit;
    let mut m = Map::new();
    // Every model has its key; one left out with `--models` is null.
    for source in Source::MODELS {
        let value = f
            .candidates
            .iter()
            .find(|c| c.source == source)
            .map_or(Value::Null, |c| candidate_json(c, unit, lang));
        m.insert(source.id().to_string(), value);
    }
    m.insert(
        "gamma_gamma".into(),
        match &f.gamma_gamma {
            Ok(g) => json!({
                "p": rounded(g.params.p, 6),
                "q": rounded(g.params.q, 6),
                "gamma": rounded(g.params.gamma, 6),
                "log_likelihood": rounded(g.log_likelihood, 3),
                "customers": g.customers,
                "skipped_nonpositive": g.skipped_nonpositive,
                "at_boundary": g.at_boundary,
                "std_errors": g.std_errors.as_ref().map(|e| named(&["p", "q", "gamma"], e)),
            }),
            Err(e) => json!({"error": e.message(lang)}),
        },
    );
    m.insert("chosen".into(), json!(f.chosen.map(Source::id)));
    m.insert(
        "choice".into(),
        json!({
            "basis": match f.basis {
                ChoiceBasis::Backtest => "backtest",
                ChoiceBasis::Holdout => "holdout",
                ChoiceBasis::Bic => "bic",
                ChoiceBasis::OnlyOne => "only_model",
                ChoiceBasis::NoModel => "no_model",
            },
            "reason": choice_reason(f, lang),
        }),
    );
    let mut by_type = Map::new();
    for (t, s) in &f.source_by_type {
        by_type.insert(t.id().to_string(), json!(s.id()));
    }
    m.insert("source_by_type".into(), Value::Object(by_type));
    m.insert("horizon_months".into(), json!(f.config.horizon_months));
    m.insert("discount_rate".into(), json!(f.config.discount_rate));
    m.insert("time_unit".into(), json!(unit.id()));
    m.insert(
        "holdout".into(),
        match &f.holdout {
            None => Value::Null,
            Some(h) => {
                let mut predicted = Map::new();
                for (s, n) in &h.predicted_repeat_transactions {
                    predicted.insert(s.id().into(), json!(rounded(*n, 3)));
                }
                let mut mae = Map::new();
                for (s, e) in &h.transactions_mae {
                    mae.insert(s.id().into(), json!(rounded(*e, 6)));
                }
                let mut by_type = Map::new();
                for (t, model, projection, n) in &h.value_mae_by_type {
                    by_type.insert(
                        t.id().into(),
                        json!({"customers": n, "model": rounded(*model, 3), "type_projection": rounded(*projection, 3)}),
                    );
                }
                json!({
                    "from": h.from,
                    "to": h.to,
                    "length": rounded(h.length, 3),
                    "actual_repeat_transactions": h.actual_repeat_transactions,
                    "predicted_repeat_transactions": predicted,
                    "transactions_mae": mae,
                    "actual_value": rounded(h.actual_value, 3),
                    "value_mae_by_type": by_type,
                    "outcomes": h.outcomes.as_ref().map(|o| outcomes_json(o)),
                })
            }
        },
    );
    Value::Object(m)
}

/// An outcome's numbers: customers, predicted, actual, ratio, coverage.
fn outcome_json(o: &Outcome) -> Value {
    json!({
        "customers": o.customers,
        "predicted": rounded(o.predicted, 3),
        "actual": rounded(o.actual, 3),
        "ratio": o.ratio().map(|v| rounded(v, 3)),
        "coverage": o.coverage().map(|v| rounded(v, 3)),
    })
}

/// Outcomes by type id, all customers under `all`.
fn outcomes_json(outcomes: &[Outcome]) -> Value {
    let mut m = Map::new();
    for o in outcomes {
        m.insert(
            o.customer_type.map_or("all", |t| t.id()).to_string(),
            outcome_json(o),
        );
    }
    Value::Object(m)
}

/// The `backtest` object: where it stood, what it chose and, per type, how the forecast did
/// there before and after calibration; `null` without a backtest.
pub fn backtest_json(f: &Forecast, lang: Lang) -> Value {
    let Some(b) = &f.backtest else {
        return Value::Null;
    };
    let mut mae = Map::new();
    for (s, e) in &b.transactions_mae {
        mae.insert(s.id().into(), json!(rounded(*e, 6)));
    }
    let mut by_type = Map::new();
    for c in &b.calibration.types {
        let (method, damping) = match c.method {
            Method::Model(s) => (s.id(), None),
            Method::Projection { damping } => (Source::TypeProjection.id(), Some(damping)),
        };
        by_type.insert(
            c.customer_type.id().to_string(),
            json!({
                "method": method,
                "damping": damping,
                "chosen_on": if c.own { "type" } else { "all_customers" },
                "ranges": {"lower": rounded(c.ranges.lower, 6), "upper": rounded(c.ranges.upper, 6)},
                "before": outcome_json(&c.before),
                "after": outcome_json(&c.after),
            }),
        );
    }
    let r = b.calibration.ranges;
    json!({
        "as_of": b.origin,
        "until": b.until,
        "origins": b.origins,
        "customers": b.customers,
        "sampled_from": b.sampled_from,
        "chosen": b.chosen.map(Source::id),
        "transactions_mae": mae,
        "ranges": {"lower": rounded(r.lower, 6), "upper": rounded(r.upper, 6), "spread": rounded(r.spread, 3)},
        "by_type": by_type,
        "all": {
            "before": outcome_json(&b.overall(false)),
            "after": outcome_json(&b.overall(true)),
        },
        "summary": backtest_summary(b, lang),
    })
}

/// The backtest in words a sales leader follows: how last year's forecast did, overall and
/// per type, and what this forecast takes from it.
pub fn backtest_summary(b: &Backtest, lang: Lang) -> String {
    let before = b.overall(false);
    let after = b.overall(true);
    let mut s = text::future_backtest(
        lang,
        count(b.customers as u64, lang),
        date(b.origin, lang),
        date(b.until, lang),
    );
    if b.origins.len() > 1 {
        let earlier: Vec<String> = b.origins[1..].iter().map(|d| date(*d, lang)).collect();
        s += &text::future_backtest_earlier(
            lang,
            earlier.join(text::future_backtest_earlier_and(lang)),
        );
    }
    if let Some(n) = b.sampled_from {
        s += &text::future_backtest_sample(lang, count(n as u64, lang));
    }
    if let (Some(r), Some(c0), Some(c1)) = (before.ratio(), before.coverage(), after.coverage()) {
        s += &text::future_backtest_result(
            lang,
            percent(c1, lang),
            percent(c0, lang),
            deviation(r, lang),
        );
    } else {
        s.push('.');
    }
    s += &by_type_sentence(
        b.calibration.types.iter().map(|c| &c.before),
        &before,
        false,
        lang,
    );
    s
}

/// " By type: growth 8 % too low (55 %), …." for the outcomes worth naming beside `all`
/// ([`reportable`]), with each type's share inside its range when `coverage`; empty when
/// there are none.
fn by_type_sentence<'a>(
    outcomes: impl Iterator<Item = &'a Outcome>,
    all: &Outcome,
    coverage: bool,
    lang: Lang,
) -> String {
    let parts: Vec<String> = outcomes
        .filter(|o| reportable(o, all))
        .filter_map(|o| {
            let mut part = format!(
                "{} {}",
                crate::analyze::type_name(o.customer_type?, lang),
                deviation(o.ratio()?, lang)
            );
            if coverage {
                part += &format!(" ({})", percent(o.coverage()?, lang));
            }
            Some(part)
        })
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    text::future_by_type(lang, parts.join(", "))
}

/// Customers a type needs before a summary names how it did.
pub const MIN_REPORTED: usize = 30;

/// Share of all customers' actual value a type needs before a summary names its ratio: the
/// ratio of two sums near zero (barnacles, say) says nothing.
pub const MIN_REPORTED_SHARE: f64 = 0.02;

/// Whether a type's outcome is worth a sentence beside all customers' `all`.
fn reportable(o: &Outcome, all: &Outcome) -> bool {
    o.customers >= MIN_REPORTED
        && all.actual > 0.0
        && o.actual >= MIN_REPORTED_SHARE * all.actual
        && o.ratio().is_some()
}

/// The forecast against what happened after as-of, in one sentence with the types worth
/// naming; `None` when the data after as-of does not cover the horizon.
pub fn check_summary(f: &Forecast, lang: Lang) -> Option<String> {
    let outcomes = f.holdout.as_ref()?.outcomes.as_ref()?;
    let all = outcomes.iter().find(|o| o.customer_type.is_none())?;
    let (ratio, coverage) = (all.ratio()?, all.coverage()?);
    let mut s = text::future_check(
        lang,
        percent(coverage, lang),
        count(all.customers as u64, lang),
        deviation(ratio, lang),
        f.config.horizon_months,
    );
    s += &by_type_sentence(outcomes.iter(), all, true, lang);
    if f.basis == ChoiceBasis::Holdout {
        // Without a backtest these months also chose the model: the check is not independent.
        s += text::future_check_not_independent(lang);
    }
    Some(s)
}

/// "3 % too low" for a predicted / actual ratio of 0.97.
fn deviation(ratio: f64, lang: Lang) -> String {
    let off = ratio - 1.0;
    let size = percent(off.abs(), lang);
    if off >= 0.0 {
        text::future_too_high(lang, size)
    } else {
        text::future_too_low(lang, size)
    }
}

fn unit_name(unit: TimeUnit, n: f64, lang: Lang) -> &'static str {
    let one = (n - 1.0).abs() < 1e-9;
    match (unit, one) {
        (TimeUnit::Day, true) => text::future_unit_day(lang),
        (TimeUnit::Day, false) => text::future_unit_days(lang),
        (TimeUnit::Week, true) => text::future_unit_week(lang),
        (TimeUnit::Week, false) => text::future_unit_weeks(lang),
        (TimeUnit::Month, true) => text::future_unit_month(lang),
        (TimeUnit::Month, false) => text::future_unit_months(lang),
    }
}

/// Why the model was chosen, in one or two sentences with the numbers.
pub fn choice_reason(f: &Forecast, lang: Lang) -> String {
    let mut reason = basis_reason(f, lang);
    let chosen_fit = f
        .candidates
        .iter()
        .find(|c| Some(c.source) == f.chosen)
        .and_then(|c| c.fit.as_ref().ok());
    if let Some(fit) = chosen_fit.filter(|f| f.at_boundary()) {
        reason += &boundary_note(fit, f.config.time_unit, lang);
    }
    if chosen_fit.is_some_and(ModelFit::budget_used) {
        reason += text::future_budget_used(lang);
    }
    reason
}

/// The boundary of the chosen model's fit in words ([`ModelFit::boundary`] says which).
fn boundary_note(fit: &ModelFit, unit: TimeUnit, lang: Lang) -> String {
    match fit.boundary() {
        Boundary::Poisson { lambda } => {
            text::future_boundary_poisson(lang, per_time_unit(unit, lang), amount(lambda, 4, lang))
        }
        Boundary::NobodyLeaves => text::future_boundary_nobody_leaves(lang).to_string(),
        Boundary::SameDropout { rate, per_purchase } => {
            let per = if per_purchase {
                text::future_per_purchase(lang)
            } else {
                per_time_unit(unit, lang)
            };
            text::future_boundary_same_rate(lang, per, amount(rate, 4, lang))
        }
        Boundary::Ridge => text::future_boundary_ridge(lang).to_string(),
    }
}

/// "a week" and its kin, for rates.
fn per_time_unit(unit: TimeUnit, lang: Lang) -> &'static str {
    match unit {
        TimeUnit::Day => text::future_per_day(lang),
        TimeUnit::Week => text::future_per_week(lang),
        TimeUnit::Month => text::future_per_month(lang),
    }
}

fn basis_reason(f: &Forecast, lang: Lang) -> String {
    let label = |s: Source| s.label_for(lang);
    match (f.basis, f.chosen) {
        (ChoiceBasis::NoModel, _) | (_, None) => {
            let mut why: Vec<String> = f
                .candidates
                .iter()
                .filter_map(|c| c.fit.as_ref().err().map(|e| e.message(lang)))
                .map(|m| m.trim_end_matches('.').to_string())
                .collect();
            // The models usually fail for the same reason (too few repeat buyers): say it once.
            why.dedup();
            text::future_no_model(lang, why.join("; "))
        }
        (ChoiceBasis::OnlyOne, Some(s)) => text::future_only_one(lang, label(s)),
        (ChoiceBasis::Backtest, Some(s)) => {
            let Some(b) = f.backtest.as_ref() else {
                return String::new();
            };
            let mut maes = b.transactions_mae.clone();
            maes.sort_by(|a, b| a.1.total_cmp(&b.1));
            let list: Vec<String> = maes
                .iter()
                .map(|(src, e)| format!("{} {}", label(*src), amount(*e, 3, lang)))
                .collect();
            text::future_chosen_backtest(
                lang,
                list.join(", "),
                label(s),
                date(b.origin, lang),
                date(b.until, lang),
            )
        }
        (ChoiceBasis::Holdout, Some(s)) => {
            let h = f.holdout.as_ref();
            let length = h.map_or(0.0, |h| h.length);
            let mut maes: Vec<(Source, f64)> =
                h.map(|h| h.transactions_mae.clone()).unwrap_or_default();
            maes.sort_by(|a, b| a.1.total_cmp(&b.1));
            let list: Vec<String> = maes
                .iter()
                .map(|(src, e)| format!("{} {}", label(*src), amount(*e, 3, lang)))
                .collect();
            let predicted = h
                .and_then(|h| {
                    h.predicted_repeat_transactions
                        .iter()
                        .find(|(x, _)| *x == s)
                })
                .map_or(0.0, |(_, n)| *n);
            let actual = h.map_or(0.0, |h| h.actual_repeat_transactions);
            let projection_types: Vec<&str> = f
                .source_by_type
                .iter()
                .filter(|(_, src)| *src == Source::TypeProjection)
                .filter(|(t, _)| {
                    h.is_some_and(|h| h.value_mae_by_type.iter().any(|(ty, ..)| ty == t))
                })
                .map(|(t, _)| t.id())
                .collect();
            let mut reason = text::future_chosen_holdout(
                lang,
                count(actual as u64, lang),
                list.join(", "),
                amount(length, 1, lang),
                label(s),
                amount(predicted, 1, lang),
                unit_name(f.config.time_unit, length, lang),
            );
            if !projection_types.is_empty() {
                reason += &text::future_projection_types(lang, projection_types.join(", "));
            }
            reason
        }
        (ChoiceBasis::Bic, Some(s)) => {
            let mut bics: Vec<(Source, f64)> = f
                .candidates
                .iter()
                .filter_map(|c| c.bic.map(|b| (c.source, b)))
                .collect();
            bics.sort_by(|a, b| a.1.total_cmp(&b.1));
            let list: Vec<String> = bics
                .iter()
                .map(|(src, b)| format!("{} {}", label(*src), amount(*b, 1, lang)))
                .collect();
            text::future_chosen_bic(lang, list.join(", "), label(s))
        }
    }
}

/// The future-value lines of the terminal summary.
pub fn summary_lines(f: &Forecast, lang: Lang) -> String {
    let total: f64 = f.customers.iter().map(|c| c.future_value).sum();
    let low: f64 = f.customers.iter().map(|c| c.future_value_low).sum();
    let high: f64 = f.customers.iter().map(|c| c.future_value_high).sum();
    let alive: f64 = f.customers.iter().map(|c| c.p_alive).sum();
    let mut s = format!(
        "\n{}\n",
        text::future_summary(
            lang,
            amount(high, 2, lang),
            amount(low, 2, lang),
            f.config.horizon_months,
            amount(f.config.discount_rate * 100.0, 1, lang),
            amount(total, 2, lang),
        )
    );
    s += &format!(
        "{}\n",
        text::future_expected_active(lang, amount(alive, 0, lang))
    );
    s += &format!("{}\n", text::future_model(lang, choice_reason(f, lang)));
    match &f.backtest {
        Some(b) => s += &format!("{}\n", backtest_summary(b, lang)),
        None if f.config.backtest => {
            s += text::future_backtest_impossible(lang);
            s.push('\n');
        }
        None => {}
    }
    if let Some(check) = check_summary(f, lang) {
        s += &format!("{check}\n");
    }
    s
}

/// A source's name for readers.
pub trait SourceLabel {
    /// The name in the reader's language.
    fn label_for(self, lang: Lang) -> &'static str;
}

impl SourceLabel for Source {
    fn label_for(self, lang: Lang) -> &'static str {
        match self {
            Source::TypeProjection => text::future_source_type_projection(lang),
            other => other.label(),
        }
    }
}
