//! The customer list (filter, search, sort by any column, keyset paging, columns, saved views,
//! export of what is shown) and one customer's page.

mod customer;
mod export;
pub mod view;

use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use kundenwert_core::CustomerType;
use kundenwert_store::{
    Accounts, Column, Comparison, Cursor, CustomerResult, Filter, FilterValue, SavedView, Store,
};
use kundenwert_text::{self as t, CustomerTypeLabel};
use kundenwert_workbench::Workbench;

use crate::auth::Identity;
use crate::error::AppError;
use crate::page::{html, PageCtx};
use crate::state::AppState;
use view::{heading, status_label, ListView, COLUMNS, PAGE_SIZE, STATUSES};

pub use customer::{month_label, sort_value};

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![
        GET "/customers" Viewer => list,
        GET "/customers/export.csv" Viewer => export::csv,
        GET "/customers/export.xlsx" Viewer => export::xlsx,
        POST "/customers/views" Viewer => save_view,
        POST "/customers/views/delete" Viewer => delete_view,
        GET "/customers/{number}" Viewer => customer::page,
    ]
}

/// The stored row with id `id`, for the cursor of a page that continues after it.
pub fn cursor_after(
    bench: &Workbench<Store>,
    sort: Column,
    id: Option<i64>,
) -> Result<Option<Cursor>, AppError> {
    let Some(id) = id else { return Ok(None) };
    let rows = bench.customers(&kundenwert_store::CustomerQuery {
        filter: Some(Filter::Compare {
            column: Column::Id,
            op: Comparison::Eq,
            value: FilterValue::Number(id as f64),
        }),
        limit: Some(1),
        ..Default::default()
    })?;
    Ok(rows.first().map(|row| Cursor {
        value: sort_value(row, sort),
        id: row.id,
    }))
}

/// One row of the list as shown.
#[derive(Debug)]
pub struct Row {
    /// Customer number.
    pub number: String,
    /// Link to its page (carrying the list's state for previous/next).
    pub href: String,
    /// Cells in the shown columns' order: text and whether it is a figure.
    pub cells: Vec<(String, bool)>,
}

/// A cell's text for readers.
pub fn cell(c: &CustomerResult, id: &str, ctx: &PageCtx) -> String {
    let lang = ctx.lang;
    match id {
        "number" => c.number.clone(),
        "name" => c.name.clone().unwrap_or_default(),
        "type" => kundenwert_workbench::type_label(c, lang).to_owned(),
        "confidence" => ctx.pct(c.confidence),
        "status" => c
            .status
            .as_deref()
            .map(|s| status_label(s, lang))
            .unwrap_or("–")
            .to_owned(),
        "abc" => c.abc.clone(),
        "current_value" => ctx.money(c.current_value),
        "future_value" => ctx.money_opt(&c.future_value),
        "p_alive" => ctx.pct_opt(&c.p_alive),
        "revenue" => ctx.money(c.revenue),
        "margin" => ctx.money_opt(&c.margin),
        "orders" => ctx.count(c.orders),
        _ => ctx.date(&c.last_order),
    }
}

#[derive(Template)]
#[template(path = "customers.html")]
struct ListPage {
    ctx: PageCtx,
    view: ListView,
    state: String,
    headings: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<Row>,
    count: String,
    next: Option<String>,
    first: Option<String>,
    types: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    all_columns: Vec<(&'static str, &'static str)>,
    views: Vec<SavedView>,
    banner: Option<String>,
    flash: Option<String>,
}

impl ListPage {
    fn sort_href(&self, id: &str) -> String {
        format!("/customers?{}", self.view.sorted_by(id))
    }
}

/// The list counts its matches up to this many and shows "more than" it beyond: an exact count
/// of a broad search reads every matching row (half a second at 1 M customers), a capped one
/// stops after this many.
const COUNT_CAP: u64 = 10_000;

/// The list's query string plus a saved-view confirmation.
#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
struct Flash {
    saved: String,
}

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    RawQuery(raw): RawQuery,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let view = ListView::parse(raw.as_deref());
    let owner = identity.user.name.clone();
    let v = view.clone();
    let lang = ctx.lang;
    let (rows, count, views, run) = state
        .read(move |bench| {
            let sort = v.sort_column().column;
            let cursor = cursor_after(bench, sort, v.after_id())?;
            let (mut rows, count) =
                bench.customers_counted(&v.query(cursor, PAGE_SIZE + 1), COUNT_CAP + 1)?;
            let views = bench.store().views(&owner)?;
            rows.truncate((PAGE_SIZE + 1) as usize);
            Ok((rows, count, views, bench.run()?))
        })
        .await?;
    let more = rows.len() as u64 > PAGE_SIZE;
    let shown = &rows[..rows.len().min(PAGE_SIZE as usize)];
    let state_q = view.state();
    let columns = view.columns();
    let table_rows = shown
        .iter()
        .map(|c| Row {
            number: c.number.clone(),
            href: customer_href(&c.number, &state_q),
            cells: columns
                .iter()
                .map(|id| {
                    (
                        cell(c, id, &ctx),
                        view::column(id).is_some_and(|col| col.numeric),
                    )
                })
                .collect(),
        })
        .collect();
    let next = more
        .then(|| shown.last())
        .flatten()
        .map(|last| join_query(&state_q, &format!("after={}", last.id)));
    let first = view.after_id().map(|_| state_q.clone());
    let page = ListPage {
        headings: columns
            .iter()
            .map(|id| {
                (
                    *id,
                    heading(id, lang),
                    view::column(id).is_some_and(|c| c.numeric),
                )
            })
            .collect(),
        rows: table_rows,
        count: if count > COUNT_CAP {
            t::web_customers_count_capped(lang, ctx.count(COUNT_CAP))
        } else {
            t::web_customers_count(lang, ctx.count(count))
        },
        next,
        first,
        types: CustomerType::ALL
            .iter()
            .map(|t| (t.id(), t.label(lang)))
            .collect(),
        statuses: STATUSES
            .iter()
            .map(|s| (*s, status_label(s, lang)))
            .collect(),
        all_columns: COLUMNS
            .iter()
            .map(|c| (c.id, heading(c.id, lang)))
            .collect(),
        views,
        banner: run.is_none().then(|| t::web_no_analysis(lang).to_owned()),
        flash: (!flash.saved.is_empty()).then(|| t::web_customers_view_saved(lang, &flash.saved)),
        state: state_q,
        view,
        ctx,
    };
    Ok(html(&page))
}

/// `a&b`, leaving out empty parts.
pub fn join_query(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_owned(),
        (_, true) => a.to_owned(),
        _ => format!("{a}&{b}"),
    }
}

/// The link to a customer's page carrying the list's state.
pub fn customer_href(number: &str, state: &str) -> String {
    let path = format!("/customers/{}", crate::page::urlencode(number));
    if state.is_empty() {
        path
    } else {
        format!("{path}?{state}")
    }
}

#[derive(Debug, serde::Deserialize)]
struct SaveView {
    name: String,
    state: String,
}

async fn save_view(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Form(form): Form<SaveView>,
) -> Result<Response, AppError> {
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::BadRequest(name));
    }
    // Only the view's own fields are kept (no page position, nothing foreign).
    let view = ListView::parse(Some(&form.state));
    let query = ListView {
        after: String::new(),
        ..view
    }
    .state();
    let owner = identity.user.name.clone();
    let (n, q) = (name.clone(), query.clone());
    state
        .write(move |bench| {
            let store = bench.store_mut();
            store.put_view(&owner, &n, &q)?;
            store.audit(&owner, "view.save", &n, &q)?;
            Ok(())
        })
        .await?;
    let back = join_query(&query, &format!("saved={}", crate::page::urlencode(&name)));
    Ok(Redirect::to(&format!("/customers?{back}")).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct DeleteView {
    name: String,
}

async fn delete_view(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Form(form): Form<DeleteView>,
) -> Result<Response, AppError> {
    let owner = identity.user.name.clone();
    state
        .write(move |bench| {
            let store = bench.store_mut();
            if store.delete_view(&owner, &form.name)? {
                store.audit(&owner, "view.delete", &form.name, "")?;
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/customers").into_response())
}
