//! The overview: type distribution, portfolio of current × future value, whale curve, ABC
//! classes and the biggest movers between the comparison date and as-of — from the stored
//! analysis's summary, never recomputed.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use kundenwert_core::CustomerType;
use kundenwert_text::{self as t, CustomerTypeLabel};
use kundenwert_workbench::overview::{charts as overview_charts, AbcLine, TypeLine};

use crate::error::AppError;
use crate::page::{html, urlencode, PageCtx};
use crate::state::{AppState, RefreshState};

/// The routes of this module.
pub fn routes() -> Vec<super::Route> {
    super::routes![GET "/" Viewer => dashboard]
}

/// A customer whose type changed, as the page lists it.
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

async fn dashboard(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (overview, sample) = state
        .read(|bench| {
            let overview = bench.overview()?;
            let sample = match overview {
                Some(_) => bench.portfolio_sample()?,
                None => Vec::new(),
            };
            Ok((overview, sample))
        })
        .await?;
    let refreshing = state.refresh_state() == RefreshState::Running;
    let Some(overview) = overview else {
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
    let migration = overview.migration.as_ref();
    let movers_title =
        migration.map(|m| t::web_dashboard_movers(lang, ctx.date(&m.from), ctx.date(&m.to)));
    let movers = migration
        .map(|m| {
            m.moved
                .iter()
                .take(20)
                .map(|m| Mover {
                    number: m.id.clone(),
                    name: m.name.clone().unwrap_or_default(),
                    from: type_name(&m.from, lang),
                    to: type_name(&m.to, lang),
                    current_value: m.current_value,
                })
                .collect()
        })
        .unwrap_or_default();
    let computed = overview
        .computed_at
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_owned();
    let page = Dashboard {
        intro: Some(t::web_analysis_as_of(
            lang,
            ctx.date(&overview.as_of),
            computed.clone(),
            ctx.count(overview.customers),
        )),
        banner: refreshing.then(|| t::web_analysis_stale(lang, computed)),
        types_chart: overview_charts::types(lang, &overview.types),
        abc_chart: overview_charts::abc(lang, &overview.abc.classes),
        whale_chart: overview_charts::whale(lang, &overview.whale),
        portfolio_chart: overview_charts::portfolio(lang, overview.quadrants.as_ref(), &sample),
        types: overview.types,
        abc: overview.abc.classes,
        movers,
        movers_title,
        ctx,
    };
    Ok(html(&page))
}
