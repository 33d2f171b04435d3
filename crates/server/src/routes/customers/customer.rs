//! One customer's page: the monthly chart with the forecast band, the type and its reason, key
//! figures, P(alive), the months with business, the newest invoice lines, the chains and plans it appears in, and
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

/// An invoice line of the table, as shown.
#[derive(Debug)]
pub struct LineRow {
    /// Date in the reader's format.
    pub date: String,
    /// Document number.
    pub document: String,
    /// Line within the document (1-based, as people count).
    pub position: String,
    /// Product.
    pub product: String,
    /// Quantity.
    pub quantity: String,
    /// Revenue.
    pub revenue: String,
    /// Cost.
    pub cost: String,
    /// Revenue minus cost, when the cost is known.
    pub margin: String,
}

/// The newest invoice lines and how many are shown of how many.
#[derive(Debug)]
pub struct Lines {
    /// "The newest 100 of 1,234 lines."
    pub summary: String,
    /// The lines, newest first.
    pub rows: Vec<LineRow>,
}

/// How many invoice lines a customer page shows (the newest).
const LINES_SHOWN: u64 = 100;

fn lines(found: &kundenwert_store::CustomerLines, ctx: &PageCtx) -> Lines {
    let lang = ctx.lang;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    // Invoice amounts to the cent (customer values elsewhere are rounded to whole units).
    let cents = |v: f64| ctx.num(v, 2);
    let money = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), cents);
    let shown = found.lines.len() as u64;
    Lines {
        summary: if shown < found.total {
            t::web_customer_lines_shown(lang, ctx.count(shown), ctx.count(found.total))
        } else {
            t::web_customer_lines_all(lang, ctx.count(found.total))
        },
        rows: found
            .lines
            .iter()
            .map(|l| LineRow {
                date: ctx.date(&l.date),
                document: text(&l.document),
                position: l
                    .position
                    .map_or_else(String::new, |p| ctx.count(u64::from(p) + 1)),
                product: text(&l.product),
                quantity: l.quantity.map_or_else(String::new, |q| {
                    ctx.num(q, if q.fract() == 0.0 { 0 } else { 2 })
                }),
                revenue: cents(l.revenue),
                cost: money(l.cost),
                margin: money(l.cost.map(|c| l.revenue - c)),
            })
            .collect(),
    }
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
    lines: Option<Lines>,
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

    fn source(&self) -> String {
        self.c.future_value_source.as_deref().map_or_else(
            || "–".to_owned(),
            |id| kundenwert_workbench::source_label(id, self.ctx.lang),
        )
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
            let lines = bench.customer_lines(&n, LINES_SHOWN)?;
            Ok(Some((
                c,
                months,
                next,
                previous,
                appearances,
                horizon,
                lines,
            )))
        })
        .await?;
    let Some((c, months, next, previous, appearances, horizon, found_lines)) = found else {
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
        lines: found_lines.as_ref().map(|l| lines(l, &ctx)),
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
