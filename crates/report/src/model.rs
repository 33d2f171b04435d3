//! The report model: everything a report shows, built once from the workspace's stored
//! analysis, its chains and its focus plans. It holds numbers and dates, not formatted text:
//! the renderers format them in the reader's language. Sentences the analysis wrote (a
//! customer's reason for its type) are taken in the report's language.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kundenwert_chain::gaps::Gaps;
use kundenwert_chain::plan::{Plan, PlanContext, TargetCustomer};
use kundenwert_chain::{ActorFigures, Chain};
use kundenwert_core::{CustomerType, Lang};
use kundenwert_store::{
    Column, Comparison, CustomerQuery, CustomerResult, Filter, FilterValue, Workspace,
};
use kundenwert_workbench::overview::{Overview, PortfolioPoint};
use kundenwert_workbench::{Settings, Workbench};
use serde::Serialize;

use crate::ReportError;

/// What a report covers beyond the stored analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The reader's language.
    pub lang: Lang,
    /// Customers listed per type (largest future value first); the workbook lists all.
    pub top_per_type: u64,
}

impl Options {
    /// The report in `lang` with the 25 customers of each type with the largest future value.
    pub fn new(lang: Lang) -> Options {
        Options {
            lang,
            top_per_type: 25,
        }
    }
}

/// Everything a report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The language the report's sentences (the customers' reasons) are in.
    pub lang: Lang,
    /// The stored analysis beyond its customers: sums, types, ABC, whale curve, quadrants,
    /// migration, model and backtest.
    pub overview: Overview,
    /// The months ahead the future value covers.
    pub horizon_months: u32,
    /// Every setting the analysis used, sorted by key, with whether it differs from the
    /// default.
    pub settings: Vec<SettingLine>,
    /// The customers the portfolio chart draws.
    pub portfolio_sample: Vec<PortfolioPoint>,
    /// Per type (in the overview's order): how many customers, and the largest by future value.
    pub types: Vec<TypeCustomers>,
    /// The problem-solving chains, by name.
    pub chains: Vec<ChainSection>,
    /// The focus plans, by name.
    pub plans: Vec<PlanSection>,
}

impl Report {
    /// The settings a reader is shown: every one but the typology's thresholds, which are the
    /// method's internals (dozens of them, a tree among them) and shown only where changed.
    /// The workbook's summary lists them all.
    pub fn shown_settings(&self) -> impl Iterator<Item = &SettingLine> {
        self.settings.iter().filter(|s| !s.is_internal_default())
    }

    /// Whether some settings changed and the typology's unchanged thresholds are left out of
    /// [`Report::shown_settings`] (the reader is told so).
    pub fn hides_typology_defaults(&self) -> bool {
        self.settings.iter().any(|s| s.changed)
            && self.settings.iter().any(SettingLine::is_internal_default)
    }
}

/// One setting the analysis used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingLine {
    /// Dotted key (`forecast.horizon`).
    pub key: String,
    /// Value as TOML (empty for an optional setting that is not set).
    pub value: String,
    /// Whether it differs from the default.
    pub changed: bool,
}

impl SettingLine {
    /// A typology threshold at its default.
    fn is_internal_default(&self) -> bool {
        !self.changed && self.key.starts_with("typology.")
    }
}

/// The customers of one type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeCustomers {
    /// The type.
    #[serde(rename = "type")]
    pub customer_type: CustomerType,
    /// How many customers have it.
    pub total: u64,
    /// The largest by future value (then by number), at most [`Options::top_per_type`].
    pub customers: Vec<CustomerRow>,
}

/// One customer as a report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRow {
    /// Customer number.
    pub number: String,
    /// Name.
    pub name: Option<String>,
    /// Type id.
    #[serde(rename = "type")]
    pub customer_type: String,
    /// Confidence of the type, 0..1.
    pub confidence: f64,
    /// Why the type, in the report's language.
    pub reason: String,
    /// Status id (`active`, `dormant`, `lost`, `one_time`).
    pub status: Option<String>,
    /// ABC class.
    pub abc: String,
    /// Current value.
    pub current_value: f64,
    /// Future value.
    pub future_value: Option<f64>,
    /// Lower end of its 80 % range.
    pub future_value_low: Option<f64>,
    /// Upper end of its 80 % range.
    pub future_value_high: Option<f64>,
    /// What the future value came from (a model's or the projection's id).
    pub future_value_source: Option<String>,
    /// Probability the customer still buys.
    pub p_alive: Option<f64>,
    /// Expected purchases over the horizon.
    pub expected_purchases: Option<f64>,
    /// Revenue.
    pub revenue: f64,
    /// Margin (`None` without cost in the data).
    pub margin: Option<f64>,
    /// Orders.
    pub orders: u64,
    /// First order.
    pub first_order: NaiveDate,
    /// Last order.
    pub last_order: NaiveDate,
}

impl CustomerRow {
    /// A stored customer as a report lists it, its reason in `lang`.
    pub fn of(c: &CustomerResult, lang: Lang) -> CustomerRow {
        CustomerRow {
            number: c.number.clone(),
            name: c.name.clone(),
            customer_type: c.customer_type.clone(),
            confidence: c.confidence,
            reason: kundenwert_workbench::reason(c, lang).to_owned(),
            status: c.status.clone(),
            abc: c.abc.clone(),
            current_value: c.current_value,
            future_value: c.future_value,
            future_value_low: c.future_value_low,
            future_value_high: c.future_value_high,
            future_value_source: c.future_value_source.clone(),
            p_alive: c.p_alive,
            expected_purchases: c.expected_purchases,
            revenue: c.revenue,
            margin: c.margin,
            orders: c.orders,
            first_order: c.first_order,
            last_order: c.last_order,
        }
    }
}

/// A problem-solving chain with the figures of its actors and its contact gaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainSection {
    /// The chain's name in the workspace.
    pub name: String,
    /// The chain.
    pub chain: Chain,
    /// Figures of the actors linked to customers (by actor id), from the stored analysis.
    pub figures: BTreeMap<String, ActorFigures>,
    /// Its contact gaps as of the analysis's as-of.
    pub gaps: Gaps,
}

/// A focus plan with the customers it targets today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSection {
    /// The plan's name in the workspace.
    pub name: String,
    /// The plan.
    pub plan: Plan,
    /// The customers it targets on the stored analysis, best future value first.
    pub targets: Vec<PlanTarget>,
    /// Why its targets cannot be resolved (a missing saved selection), in the report's
    /// language; `None` when they resolve.
    pub problem: Option<String>,
}

impl PlanSection {
    /// The plan's targets as the plan's own reports take them, with the figures as of `as_of`.
    pub fn context(&self, as_of: NaiveDate) -> PlanContext {
        PlanContext {
            as_of: Some(as_of),
            customers: self
                .targets
                .iter()
                .map(|c| TargetCustomer {
                    id: c.number.clone(),
                    name: c.name.clone(),
                    type_label: c.type_label.clone(),
                    current_value: c.current_value,
                    future_value: c.future_value,
                })
                .collect(),
        }
    }
}

/// A customer a plan targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanTarget {
    /// Customer number.
    pub number: String,
    /// Name.
    pub name: Option<String>,
    /// Type name in the report's language.
    pub type_label: Option<String>,
    /// Current value.
    pub current_value: Option<f64>,
    /// Future value.
    pub future_value: Option<f64>,
}

/// Builds the report of `bench`'s stored analysis.
///
/// # Errors
/// [`ReportError::NoAnalysis`] when the workspace holds no analysis (bring it up to date with
/// [`Workbench::refresh`] first); on a database failure.
pub fn build<W: Workspace>(bench: &Workbench<W>, options: Options) -> Result<Report, ReportError> {
    let lang = options.lang;
    let run = bench.run()?.ok_or(ReportError::NoAnalysis)?;
    let overview = kundenwert_workbench::Overview::of_run(&run).ok_or(ReportError::NoAnalysis)?;
    let settings = Settings::parse(&run.settings).unwrap_or_default();
    let setting_lines = settings
        .lines()
        .into_iter()
        .map(|(key, value, changed)| SettingLine {
            key,
            value,
            changed,
        })
        .collect();
    let mut types = Vec::new();
    for line in &overview.types {
        let customers = bench.customers(&CustomerQuery {
            filter: Some(Filter::Compare {
                column: Column::Type,
                op: Comparison::Eq,
                value: FilterValue::Text(line.id().to_owned()),
            }),
            sort: Column::FutureValue,
            descending: true,
            limit: Some(options.top_per_type),
            ..CustomerQuery::default()
        })?;
        types.push(TypeCustomers {
            customer_type: line.customer_type,
            total: line.customers,
            customers: customers.iter().map(|c| CustomerRow::of(c, lang)).collect(),
        });
    }
    let mut chains = Vec::new();
    for entry in bench.store().list_chains()? {
        let Some(json) = bench.store().get_chain(&entry.name)? else {
            continue;
        };
        // A chain that no longer reads is reported by its own commands.
        let Ok(chain) = kundenwert_chain::parse(&json, Some(kundenwert_chain::Format::Json)) else {
            continue;
        };
        let figures = bench.actor_figures(&chain, lang)?;
        let gaps = kundenwert_chain::gaps(&chain, Some(run.as_of));
        chains.push(ChainSection {
            name: entry.name,
            chain,
            figures,
            gaps,
        });
    }
    let mut plans = Vec::new();
    for entry in bench.store().list_plans()? {
        let Some(json) = bench.store().get_plan(&entry.name)? else {
            continue;
        };
        let Ok(plan) =
            kundenwert_chain::plan::parse_plan(&json, Some(kundenwert_chain::Format::Json))
        else {
            continue;
        };
        let (targets, problem) = match bench.plan_context(&plan, lang)? {
            Ok(ctx) => (
                ctx.customers
                    .into_iter()
                    .map(|c| PlanTarget {
                        number: c.id,
                        name: c.name,
                        type_label: c.type_label,
                        current_value: c.current_value,
                        future_value: c.future_value,
                    })
                    .collect(),
                None,
            ),
            Err(problem) => (Vec::new(), Some(problem.localized(lang))),
        };
        plans.push(PlanSection {
            name: entry.name,
            plan,
            targets,
            problem,
        });
    }
    Ok(Report {
        lang,
        horizon_months: settings.forecast.horizon,
        settings: setting_lines,
        portfolio_sample: bench.portfolio_sample()?,
        overview,
        types,
        chains,
        plans,
    })
}
