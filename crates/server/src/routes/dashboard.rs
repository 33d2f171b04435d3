//! The overview: type distribution, portfolio of current × future value, whale curve, ABC
//! classes and the biggest movers between the comparison date and as-of — from the stored
//! analysis's summary, never recomputed.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use kundenwert_core::CustomerType;
use kundenwert_store::{Column, CustomerQuery, CustomerResult};
use kundenwert_text::{self as t, CustomerTypeLabel};
use serde_json::Value;

use crate::error::AppError;
use crate::page::{html, urlencode, PageCtx};
use crate::routes::charts;
use crate::state::{AppState, RefreshState};

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![GET "/" Viewer => dashboard]
}

/// One type's line of the distribution.
#[derive(Debug)]
pub struct TypeLine {
    /// Type id.
    pub id: &'static str,
    /// Name.
    pub label: &'static str,
    /// Customers.
    pub customers: u64,
    /// Share of customers.
    pub share: f64,
    /// Current value.
    pub current_value: f64,
}

/// One ABC class.
#[derive(Debug)]
pub struct AbcLine {
    /// `A`, `B`, `C`.
    pub class: &'static str,
    /// Customers.
    pub customers: u64,
    /// Share of the positive current value.
    pub share: f64,
}

/// A customer whose type changed.
#[derive(Debug)]
pub struct Mover {
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Type then.
    pub from: String,
    /// Type now.
    pub to: String,
    /// Current value.
    pub current_value: f64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    ctx: PageCtx,
    intro: Option<String>,
    banner: Option<String>,
    types: Vec<TypeLine>,
    abc: Vec<AbcLine>,
    movers: Vec<Mover>,
    movers_title: Option<String>,
    types_chart: String,
    abc_chart: String,
    whale_chart: String,
    portfolio_chart: String,
}

impl Dashboard {
    fn type_href(&self, id: &str) -> String {
        format!("/customers?type={}", urlencode(id))
    }

    fn customer_href(&self, number: &str) -> String {
        format!("/customers/{}", urlencode(number))
    }
}

fn type_name(id: &str, lang: kundenwert_core::Lang) -> String {
    CustomerType::from_id(id).map_or_else(|| id.to_owned(), |t| t.label(lang).to_owned())
}

/// Customers drawn in the portfolio: the largest by current and by future value (the ones a
/// reader asks about), at most this many of each.
const PORTFOLIO_POINTS: u64 = 300;

async fn dashboard(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (run, sample) = state
        .read(|bench| {
            let run = bench.run()?;
            let mut sample: Vec<CustomerResult> = Vec::new();
            if run.is_some() {
                for sort in [Column::CurrentValue, Column::FutureValue] {
                    sample.extend(bench.customers(&CustomerQuery {
                        sort,
                        descending: true,
                        limit: Some(PORTFOLIO_POINTS),
                        ..CustomerQuery::default()
                    })?);
                }
                sample.sort_by_key(|c| c.id);
                sample.dedup_by_key(|c| c.id);
            }
            Ok((run, sample))
        })
        .await?;
    let refreshing = state.refresh_state() == RefreshState::Running;
    let Some(run) = run else {
        let page = Dashboard {
            intro: None,
            banner: Some(t::web_no_analysis(lang).to_owned()),
            types: Vec::new(),
            abc: Vec::new(),
            movers: Vec::new(),
            movers_title: None,
            types_chart: String::new(),
            abc_chart: String::new(),
            whale_chart: String::new(),
            portfolio_chart: String::new(),
            ctx,
        };
        return Ok(html(&page));
    };
    let summary: Value = serde_json::from_str(&run.summary).map_err(AppError::internal)?;
    let total = run.customers.max(1) as f64;
    let types: Vec<TypeLine> = CustomerType::ALL
        .iter()
        .filter_map(|ty| {
            let part = &summary["by_type"][ty.id()];
            let customers = part["customers"].as_u64()?;
            Some(TypeLine {
                id: ty.id(),
                label: ty.label(lang),
                customers,
                share: customers as f64 / total,
                current_value: part["current_value"].as_f64().unwrap_or(0.0),
            })
        })
        .collect();
    let abc_part = &summary["portfolio"]["abc"];
    let positive = abc_part["total_positive_current_value"]
        .as_f64()
        .unwrap_or(0.0);
    let abc: Vec<AbcLine> = ["A", "B", "C"]
        .into_iter()
        .map(|class| AbcLine {
            class,
            customers: abc_part[class]["customers"].as_u64().unwrap_or(0),
            share: if positive > 0.0 {
                abc_part[class]["current_value"]
                    .as_f64()
                    .unwrap_or(0.0)
                    .max(0.0)
                    / positive
            } else {
                0.0
            },
        })
        .collect();
    let migration = &summary["migration"];
    let movers_title = migration["from"]
        .as_str()
        .zip(migration["to"].as_str())
        .map(|(from, to)| {
            let date = |s: &str| {
                s.parse::<chrono::NaiveDate>()
                    .map_or_else(|_| s.to_owned(), |d| ctx.date(&d))
            };
            t::web_dashboard_movers(lang, date(from), date(to))
        });
    let movers = migration["moved"]
        .as_array()
        .map(|moved| {
            moved
                .iter()
                .take(20)
                .map(|m| Mover {
                    number: m["id"].as_str().unwrap_or("").to_owned(),
                    name: m["name"].as_str().unwrap_or("").to_owned(),
                    from: type_name(m["from"].as_str().unwrap_or(""), lang),
                    to: type_name(m["to"].as_str().unwrap_or(""), lang),
                    current_value: m["current_value"].as_f64().unwrap_or(0.0),
                })
                .collect()
        })
        .unwrap_or_default();
    let computed = run
        .computed_at
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_owned();
    let page = Dashboard {
        intro: Some(t::web_analysis_as_of(
            lang,
            ctx.date(&run.as_of),
            computed.clone(),
            ctx.count(run.customers),
        )),
        banner: refreshing.then(|| t::web_analysis_stale(lang, computed)),
        types_chart: charts::types_chart(&ctx, &types),
        abc_chart: charts::abc_chart(&ctx, &abc),
        whale_chart: charts::whale_chart(&ctx, &summary["portfolio"]["whale_curve"]),
        portfolio_chart: charts::portfolio_chart(&ctx, &summary["portfolio"]["quadrants"], &sample),
        types,
        abc,
        movers,
        movers_title,
        ctx,
    };
    Ok(html(&page))
}
