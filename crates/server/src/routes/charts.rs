//! The pages' charts, drawn by `kundenwert-charts` from the stored analysis: the texts (title,
//! a description that says the data in a sentence) in the reader's language, numbers in their
//! format. Every chart also has a table beside it on its page.

use kundenwert_charts::{
    bars, line_with_band, scatter_quadrant, whale_curve, BarChart, BarSeries, ChartText,
    ForecastPoint, Format, LineChart, Orientation, QuadrantLabels, ScatterChart, ScatterPoint,
    WhaleChart,
};
use kundenwert_core::CustomerType;
use kundenwert_store::{CustomerResult, MonthFigures};
use kundenwert_text::{self as t, CustomerTypeLabel};
use serde_json::Value;

use super::customers::month_label;
use super::dashboard::{AbcLine, TypeLine};
use crate::page::PageCtx;

fn text(ctx: &PageCtx, id: &str, title: &str, desc: String) -> ChartText {
    ChartText {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        no_data: t::web_chart_no_data(ctx.lang).to_owned(),
    }
}

/// Customers per type.
pub fn types_chart(ctx: &PageCtx, types: &[TypeLine]) -> String {
    let lang = ctx.lang;
    let summary = types
        .iter()
        .map(|l| format!("{} {}", l.label, ctx.count(l.customers)))
        .collect::<Vec<_>>()
        .join(", ");
    bars(
        &BarChart {
            text: text(
                ctx,
                "types",
                t::web_dashboard_types(lang),
                t::web_dashboard_types_desc(lang, summary),
            ),
            orientation: Orientation::Horizontal,
            categories: types.iter().map(|l| l.label.to_owned()).collect(),
            series: vec![BarSeries {
                name: t::web_col_customers(lang).to_owned(),
                values: types.iter().map(|l| l.customers as f64).collect(),
            }],
            value_axis: t::web_col_customers(lang).to_owned(),
            show_values: true,
        },
        Format::Number(lang),
    )
}

/// Customers and value share per ABC class.
pub fn abc_chart(ctx: &PageCtx, abc: &[AbcLine]) -> String {
    let lang = ctx.lang;
    let total: u64 = abc.iter().map(|l| l.customers).sum::<u64>().max(1);
    let summary = abc
        .iter()
        .map(|l| {
            format!(
                "{} {} / {}",
                l.class,
                ctx.count(l.customers),
                ctx.pct(l.share)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    bars(
        &BarChart {
            text: text(
                ctx,
                "abc",
                t::web_dashboard_abc(lang),
                t::web_dashboard_abc_desc(lang, summary),
            ),
            orientation: Orientation::Vertical,
            categories: abc.iter().map(|l| l.class.to_owned()).collect(),
            series: vec![
                BarSeries {
                    name: t::web_chart_abc_customers(lang).to_owned(),
                    values: abc
                        .iter()
                        .map(|l| l.customers as f64 / total as f64)
                        .collect(),
                },
                BarSeries {
                    name: t::web_chart_abc_value(lang).to_owned(),
                    values: abc.iter().map(|l| l.share).collect(),
                },
            ],
            value_axis: t::web_chart_share(lang).to_owned(),
            show_values: true,
        },
        Format::Percent(lang),
    )
}

/// The whale curve of the stored summary.
pub fn whale_chart(ctx: &PageCtx, whale: &Value) -> String {
    let lang = ctx.lang;
    let points: Vec<(f64, f64)> = whale["points"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| Some((p["customer_share"].as_f64()?, p["margin_share"].as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    let peak = &whale["peak"];
    let desc = t::web_dashboard_whale_desc(
        lang,
        ctx.pct(peak["customer_share"].as_f64().unwrap_or(0.0)),
        ctx.pct(peak["margin_share"].as_f64().unwrap_or(0.0)),
    );
    whale_curve(
        &WhaleChart {
            text: text(ctx, "whale", t::web_dashboard_whale(lang), desc),
            points,
            x_axis: t::web_chart_share_of_customers(lang).to_owned(),
            y_axis: t::web_chart_share_of_margin(lang).to_owned(),
        },
        Format::Percent(lang),
    )
}

/// Current × future value of the sampled customers, split at the medians, coloured by type.
pub fn portfolio_chart(ctx: &PageCtx, quadrants: &Value, sample: &[CustomerResult]) -> String {
    let lang = ctx.lang;
    let types: Vec<CustomerType> = CustomerType::ALL.to_vec();
    let points: Vec<ScatterPoint> = sample
        .iter()
        .filter_map(|c| {
            Some(ScatterPoint {
                x: c.current_value,
                y: c.future_value?,
                category: types.iter().position(|t| t.id() == c.customer_type)?,
            })
        })
        .collect();
    let spread = points
        .iter()
        .map(|p| p.x.abs().max(p.y.abs()))
        .fold(0.0_f64, f64::max);
    scatter_quadrant(
        &ScatterChart {
            text: text(
                ctx,
                "portfolio",
                t::web_dashboard_portfolio(lang),
                t::web_dashboard_portfolio_desc(lang, ctx.count(points.len() as u64)),
            ),
            x_axis: t::web_col_current_value(lang).to_owned(),
            y_axis: t::web_col_future_value(lang).to_owned(),
            categories: types.iter().map(|t| t.label(lang).to_owned()).collect(),
            points,
            median_x: quadrants["split_current"].as_f64().unwrap_or(0.0),
            median_y: quadrants["split_future"].as_f64().unwrap_or(0.0),
            quadrants: QuadrantLabels {
                top_left: t::web_dashboard_quadrant_potential(lang).to_owned(),
                top_right: t::web_dashboard_quadrant_stars(lang).to_owned(),
                bottom_left: t::web_dashboard_quadrant_question(lang).to_owned(),
                bottom_right: t::web_dashboard_quadrant_harvest(lang).to_owned(),
            },
            // Values over three orders of magnitude crowd into a corner on a linear scale.
            log: spread > 1_000.0,
        },
        Format::Number(lang),
    )
}

/// One customer's monthly margin (revenue without cost) over its history, and the forecast:
/// the future value spread evenly over the horizon's months, with its range.
pub fn customer_chart(
    ctx: &PageCtx,
    c: &CustomerResult,
    months: &[MonthFigures],
    horizon: u32,
) -> String {
    let lang = ctx.lang;
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return String::new();
    };
    let span = (last.month_index - first.month_index + 1).max(1) as usize;
    let mut past = vec![0.0; span];
    for m in months {
        let value = m.margin.unwrap_or(m.revenue);
        past[(m.month_index - first.month_index) as usize] = f64::from(value);
    }
    let h = horizon.max(1) as usize;
    let per_month = |v: Option<f64>| v.map(|v| v / h as f64);
    let forecast: Vec<ForecastPoint> = match per_month(c.future_value) {
        Some(value) => (0..h)
            .map(|_| ForecastPoint {
                value,
                low: per_month(c.future_value_low).unwrap_or(value),
                high: per_month(c.future_value_high).unwrap_or(value),
            })
            .collect(),
        None => Vec::new(),
    };
    let labels: Vec<String> = (first.month_index..=last.month_index + h as i32)
        .map(month_label)
        .collect();
    let desc = t::web_customer_chart_desc(
        lang,
        ctx.money_opt(&c.future_value),
        month_label(first.month_index),
        month_label(last.month_index),
    );
    line_with_band(
        &LineChart {
            text: text(ctx, "customer", t::web_customer_chart(lang), desc),
            months: labels,
            past,
            forecast,
            past_name: t::web_chart_past(lang).to_owned(),
            forecast_name: t::web_customer_forecast(lang).to_owned(),
            band_name: t::web_customer_range(lang).to_owned(),
            y_axis: t::web_col_margin(lang).to_owned(),
        },
        Format::Number(lang),
    )
}
