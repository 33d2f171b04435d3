//! The customer page's chart, drawn by `kundenwert-charts` from the stored analysis: the texts
//! (title, a description that says the data in a sentence) in the reader's language, numbers in
//! their format. The overview's charts are the workbench's (`kundenwert_workbench::overview::
//! charts`), shared with the reports. Every chart also has a table beside it on its page.

use kundenwert_charts::{line_with_band, ChartText, ForecastPoint, Format, LineChart};
use kundenwert_store::{CustomerResult, MonthFigures};
use kundenwert_text as t;

use super::customers::month_label;
use crate::page::PageCtx;

fn text(ctx: &PageCtx, id: &str, title: &str, desc: String) -> ChartText {
    ChartText {
        id: id.to_owned(),
        title: title.to_owned(),
        desc,
        no_data: t::web_chart_no_data(ctx.lang).to_owned(),
    }
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
