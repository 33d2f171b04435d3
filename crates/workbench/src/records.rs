//! An analysis as the store keeps it: one record per customer (rounded as `analyze --json`
//! reports it) with its months, and the run's summary.

use kundenwert_analysis::portfolio::{Abc, AbcGroup, WhaleCurve, WhalePoint};
use kundenwert_core::{Lang, ValueBasis};
use kundenwert_store::{CustomerResult, MonthFigures};
use serde_json::{json, Value};

use crate::pipeline::Analysis;
use kundenwert_core::fmt::rounded;

/// Every customer of `a` as a stored record with its months, in series (customer-number) order.
pub(crate) fn customers(
    a: &Analysis,
) -> impl Iterator<Item = (CustomerResult, Vec<MonthFigures>)> + '_ {
    a.series
        .customers
        .iter()
        .zip(&a.types)
        .enumerate()
        .map(move |(i, (c, class))| {
            let f = a.forecast.customers.get(i);
            let record = CustomerResult {
                id: i as i64 + 1,
                number: c.id.to_string(),
                name: c.name.clone(),
                customer_type: class.customer_type.id().to_owned(),
                confidence: rounded(class.confidence, 2),
                reason_de: class.reason(Lang::De),
                reason_en: class.reason(Lang::En),
                status: class.status.id().map(str::to_owned),
                abc: a
                    .portfolio
                    .abc
                    .classes
                    .get(i)
                    .map_or("C", |k| k.as_str())
                    .to_owned(),
                current_value: rounded(c.current_value, 2),
                future_value: f.map(|f| rounded(f.future_value, 2)),
                future_value_low: f.map(|f| rounded(f.future_value_low, 2)),
                future_value_high: f.map(|f| rounded(f.future_value_high, 2)),
                future_value_source: f.map(|f| f.source.id().to_owned()),
                p_alive: f.map(|f| rounded(f.p_alive, 4)),
                expected_purchases: f
                    .and_then(|f| f.expected_transactions)
                    .map(|v| rounded(v, 4)),
                revenue: rounded(c.revenue, 2),
                margin: c.margin.map(|v| rounded(v, 2)),
                orders: c.orders,
                first_order: c.first_date,
                last_order: c.last_date,
            };
            let months = a
                .months
                .as_ref()
                .map_or_else(Vec::new, |m| m.of(i).to_vec());
            (record, months)
        })
}

/// The ABC classes as `analyze --json` and the stored summary write them.
pub fn abc_json(abc: &Abc) -> Value {
    let group = |g: &AbcGroup| {
        json!({
            "customers": g.customers,
            "current_value": rounded(g.current_value, 2),
        })
    };
    json!({
        "cutoff_a": abc.cutoff_a,
        "cutoff_b": abc.cutoff_b,
        "total_positive_current_value": rounded(abc.total_positive_value, 2),
        "A": group(&abc.a),
        "B": group(&abc.b),
        "C": group(&abc.c),
    })
}

/// The whale curve as `analyze --json` and the stored summary write them.
pub fn whale_json(w: &WhaleCurve) -> Value {
    let point = |p: &WhalePoint| {
        json!({
            "customers": p.customers,
            "customer_share": rounded(p.customer_share, 4),
            "margin_share": rounded(p.margin_share, 4),
        })
    };
    json!({
        "customers": w.customers,
        "total_margin": rounded(w.total_margin, 2),
        "negative_customers": w.negative_customers,
        "negative_share": rounded(w.negative_share, 4),
        "negative_margin": rounded(w.negative_margin, 2),
        "peak": w.peak.as_ref().map(point),
        "points": w.points.iter().map(point).collect::<Vec<_>>(),
    })
}

/// The sums per type as `analyze --json` and the stored summary write them: customers,
/// revenue, margin (null without cost) and current value, by type id.
pub fn by_type_json(a: &Analysis) -> Value {
    let by_type: serde_json::Map<String, Value> = a
        .totals_by_type()
        .into_iter()
        .map(|(t, sums)| {
            let sums = json!({
                "customers": sums.customers,
                "revenue": rounded(sums.revenue, 2),
                "margin": sums.margin.map(|v| rounded(v, 2)),
                "current_value": rounded(sums.current_value, 2),
            });
            (t.id().to_owned(), sums)
        })
        .collect();
    Value::Object(by_type)
}

/// How many of the customers whose type changed the stored summary keeps (largest current
/// value first): enough for a dashboard's "biggest movers", not every customer.
pub const MOVERS: usize = 100;

/// What the run found beyond the single customers, and what it was computed from beyond the
/// settings (the version, the fixed-costs file's stamp).
pub(crate) fn summary(a: &Analysis, fixed_costs: &Value, version: &str) -> Value {
    let by_type = by_type_json(a);
    let backtest = a.forecast.backtest.as_ref().map(|b| {
        let all = b.overall(true);
        json!({
            "as_of": b.origin,
            "customers": all.customers,
            "ratio": all.ratio().map(|v| rounded(v, 4)),
            "coverage": all.coverage().map(|v| rounded(v, 4)),
        })
    });
    json!({
        "kundenwert": version,
        "fixed_costs": fixed_costs,
        "as_of": a.series.as_of,
        "value_basis": match a.series.basis {
            ValueBasis::Margin => "margin",
            ValueBasis::Revenue => "revenue",
        },
        "margin_estimated": a.cost_to_serve.as_ref().is_some_and(|c| c.margin_rate.is_some()),
        "customers": a.series.customers.len(),
        "by_type": by_type,
        "current_value": rounded(a.series.customers.iter().map(|c| c.current_value).sum(), 2),
        "future_value": rounded(a.forecast.customers.iter().map(|c| c.future_value).sum(), 2),
        "model": a.forecast.chosen.map(|s| s.id()),
        "backtest": backtest,
        "migration": a.migration.as_ref().map(|m| json!({
            "from": m.from,
            "to": m.to,
            "types": m.types,
            "matrix": m.matrix,
            "new_customers": m.new_customers,
            "moved_total": m.moved.len(),
            "moved": m.moved.iter().take(MOVERS).map(|mv| json!({
                "id": mv.id,
                "name": mv.name,
                "from": mv.from,
                "to": mv.to,
                "current_value": rounded(mv.current_value, 2),
            })).collect::<Vec<_>>(),
        })),
        "portfolio": {
            "abc": abc_json(&a.portfolio.abc),
            "whale_curve": whale_json(&a.portfolio.whale_curve),
            "quadrants": a.portfolio.quadrants,
        },
    })
}
