//! One customer's page: the monthly chart with the forecast band, the type and its reason, key
//! figures, P(alive), the months with business, the chains and plans it appears in, and
//! previous/next within the list it was opened from.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use kundenwert_store::{Column, CustomerResult, FilterValue, MonthFigures};
#[allow(unused_imports)]
use kundenwert_text as t;
use kundenwert_workbench::Appearances;

use super::view::{status_label, ListView};
use super::{customer_href, join_query};
use crate::error::AppError;
use crate::page::{html, urlencode, PageCtx};
use crate::state::AppState;

/// The value a row has in a sort column, as a keyset cursor holds it.
pub fn sort_value(row: &CustomerResult, column: Column) -> Option<FilterValue> {
    let text = |s: &str| Some(FilterValue::Text(s.to_owned()));
    let number = |v: f64| Some(FilterValue::Number(v));
    match column {
        Column::Number => text(&row.number),
        Column::Name => row.name.as_deref().and_then(text),
        Column::Type => text(&row.customer_type),
        Column::Status => row.status.as_deref().and_then(text),
        Column::Abc => text(&row.abc),
        Column::CurrentValue => number(row.current_value),
        Column::FutureValue => row.future_value.and_then(number),
        Column::Revenue => number(row.revenue),
        Column::Margin => row.margin.and_then(number),
        Column::PAlive => row.p_alive.and_then(number),
        Column::Orders => number(row.orders as f64),
        Column::Confidence => number(row.confidence),
        Column::LastOrder => text(&row.last_order.to_string()),
        _ => number(row.id as f64),
    }
}

/// A month of the table.
#[derive(Debug)]
pub struct MonthRow {
    /// `2024-03`.
    pub month: String,
    /// Revenue.
    pub revenue: String,
    /// Margin.
    pub margin: String,
    /// Orders.
    pub orders: String,
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    ctx: PageCtx,
    c: CustomerResult,
    type_label: String,
    reason: String,
    status: String,
    months: Vec<MonthRow>,
    chart: String,
    appearances: Appearances,
    previous: Option<String>,
    next: Option<String>,
    back: String,
}

impl CustomerPage {
    fn range(&self) -> String {
        match (self.c.future_value_low, self.c.future_value_high) {
            (Some(lo), Some(hi)) => format!("{} – {}", self.ctx.money(lo), self.ctx.money(hi)),
            _ => "–".to_owned(),
        }
    }

    fn expected_purchases(&self) -> String {
        self.c
            .expected_purchases
            .map_or_else(|| "–".to_owned(), |v| self.ctx.num(v, 1))
    }

    /// Where the future value comes from, for readers (`BG/NBD`, `type projection`) instead
    /// of the stored id (`kundenwert_analysis::future::Source::id`).
    fn source(&self) -> String {
        match self.c.future_value_source.as_deref() {
            None => "–".to_owned(),
            Some("type_projection") => t::future_source_type_projection(self.ctx.lang).to_owned(),
            Some("bg_nbd") => "BG/NBD".to_owned(),
            Some("mbg_nbd") => "MBG/NBD".to_owned(),
            Some("pareto_nbd") => "Pareto/NBD".to_owned(),
            Some("bg_cnbd_k") => "BG/CNBD-k".to_owned(),
            Some(other) => other.to_owned(),
        }
    }

    fn chain_href(&self, name: &str) -> String {
        format!("/chains/{}", urlencode(name))
    }

    fn plan_href(&self, name: &str) -> String {
        format!("/plans/{}", urlencode(name))
    }
}

/// `2024-03` for a stored month index.
pub fn month_label(index: i32) -> String {
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let view = ListView::parse(raw.as_deref());
    let n = number.clone();
    let v = view.clone();
    let found = state
        .read(move |bench| {
            let Some((c, months)) = bench.customer(&n)? else {
                return Ok(None);
            };
            let sort = v.sort_column().column;
            let cursor = kundenwert_store::Cursor {
                value: sort_value(&c, sort),
                id: c.id,
            };
            let next = bench.customers(&v.query(Some(cursor.clone()), 1))?;
            let mut backwards = v.query(Some(cursor), 1);
            backwards.descending = !backwards.descending;
            let previous = bench.customers(&backwards)?;
            let appearances = bench.appearances(&n)?;
            let horizon = bench.settings()?.forecast.horizon;
            Ok(Some((c, months, next, previous, appearances, horizon)))
        })
        .await?;
    let Some((c, months, next, previous, appearances, horizon)) = found else {
        return Err(AppError::NotFound);
    };
    let lang = ctx.lang;
    let state_q = view.state();
    let chart = super::super::charts::customer_chart(&ctx, &c, &months, horizon);
    let page = CustomerPage {
        type_label: kundenwert_workbench::type_label(&c, lang).to_owned(),
        reason: kundenwert_workbench::reason(&c, lang).to_owned(),
        status: c
            .status
            .as_deref()
            .map_or("–", |s| status_label(s, lang))
            .to_owned(),
        months: months
            .iter()
            .rev()
            .map(|m: &MonthFigures| MonthRow {
                month: month_label(m.month_index),
                revenue: ctx.money(f64::from(m.revenue)),
                margin: m
                    .margin
                    .map_or_else(|| "–".to_owned(), |v| ctx.money(f64::from(v))),
                orders: ctx.count(u64::from(m.orders)),
            })
            .collect(),
        chart,
        appearances,
        previous: previous.first().map(|p| customer_href(&p.number, &state_q)),
        next: next.first().map(|p| customer_href(&p.number, &state_q)),
        back: format!("/customers?{}", join_query(&state_q, "")),
        c,
        ctx,
    };
    Ok(html(&page))
}
