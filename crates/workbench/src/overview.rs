//! The stored analysis as a whole, typed: what the web workbench's overview and the reports
//! show beyond the single customers (sums per type, ABC classes, whale curve, the portfolio's
//! quadrants, the type migration, the model and its backtest), read from the run's summary,
//! and the overview's charts drawn from it by `kundenwert-charts` with their texts in the
//! reader's language. The web page and the report both ask here, so they read and draw the
//! same figures the same way.

use chrono::NaiveDate;
use kundenwert_charts::{
    bars, scatter_quadrant, whale_curve, BarChart, BarSeries, ChartText, Format, Orientation,
    QuadrantLabels, ScatterChart, ScatterPoint, WhaleChart,
};
use kundenwert_core::{fmt, CustomerType, Lang, ValueBasis};
use kundenwert_store::{AnalysisRun, Column, CustomerQuery, CustomerResult, Workspace};
use kundenwert_text::{self as t, CustomerTypeLabel};
use serde::{Deserialize, Serialize};

use crate::{Workbench, WorkbenchError};

/// The stored analysis beyond its single customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// End of the history the values refer to.
    pub as_of: NaiveDate,
    /// When it was computed (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub computed_at: String,
    /// The version of Kundenwert that computed it.
    pub kundenwert: String,
    /// Customers analysed.
    pub customers: u64,
    /// Whether values are margin or (without cost in the data) revenue.
    pub value_basis: ValueBasis,
    /// Whether the margin was estimated with an assumed margin rate.
    pub margin_estimated: bool,
    /// Sum of the current values.
    pub current_value: f64,
    /// Sum of the future values.
    pub future_value: f64,
    /// The purchase model chosen (its id, e.g. `bg_nbd`); `None` when none could be fitted.
    pub model: Option<String>,
    /// How last year's forecast did, when there was room for a backtest.
    pub backtest: Option<Backtest>,
    /// Customers and sums per type, in [`CustomerType::ALL`] order (types without customers
    /// left out).
    pub types: Vec<TypeLine>,
    /// The ABC classes.
    pub abc: Abc,
    /// The whale curve.
    pub whale: Whale,
    /// The quadrants of current × future value; `None` without forecasts.
    pub quadrants: Option<Quadrants>,
    /// How types moved over the year before as-of; `None` when the history is shorter.
    pub migration: Option<Migration>,
}

/// How the forecast made one horizon before as-of did against what followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// The date the backtest's forecast was made as of.
    pub as_of: NaiveDate,
    /// Customers held against what they did.
    pub customers: u64,
    /// Predicted ÷ actual value, over all customers.
    pub ratio: Option<f64>,
    /// Share of customers whose outcome fell inside their 80 % range.
    pub coverage: Option<f64>,
}

/// One type's customers and sums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeLine {
    /// The type.
    #[serde(rename = "type")]
    pub customer_type: CustomerType,
    /// Customers of the type.
    pub customers: u64,
    /// Their share of all customers.
    pub share: f64,
    /// Their revenue.
    pub revenue: f64,
    /// Their margin (`None` without cost in the data).
    pub margin: Option<f64>,
    /// Their current value.
    pub current_value: f64,
}

impl TypeLine {
    /// The type's id (`growth`).
    pub fn id(&self) -> &'static str {
        self.customer_type.id()
    }

    /// The type's name in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        self.customer_type.label(lang)
    }
}

/// The ABC classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Abc {
    /// Share of the positive current value class A takes.
    pub cutoff_a: f64,
    /// Share classes A and B take together.
    pub cutoff_b: f64,
    /// Sum of the positive current values, the base of the shares.
    pub total_positive_current_value: f64,
    /// A, B and C.
    pub classes: Vec<AbcLine>,
}

/// One ABC class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbcLine {
    /// `A`, `B` or `C`.
    pub class: String,
    /// Customers in the class.
    pub customers: u64,
    /// Their current value.
    pub current_value: f64,
    /// Their share of the positive current value.
    pub share: f64,
}

/// The whale curve: cumulative margin share against cumulative customer share, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Whale {
    /// Customers.
    pub customers: u64,
    /// Sum of the margins.
    pub total_margin: f64,
    /// Customers with a negative value.
    pub negative_customers: u64,
    /// Their share of all customers.
    pub negative_share: f64,
    /// Their (negative) sum.
    pub negative_margin: f64,
    /// The top of the curve.
    pub peak: Option<WhalePoint>,
    /// The curve, thinned.
    pub points: Vec<WhalePoint>,
}

/// A point of the whale curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WhalePoint {
    /// Customers up to here.
    pub customers: u64,
    /// Their share of all customers.
    pub customer_share: f64,
    /// Their share of the total margin.
    pub margin_share: f64,
}

/// The quadrants of current × future value, split at the medians.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quadrants {
    /// Median current value.
    pub split_current: f64,
    /// Median future value.
    pub split_future: f64,
    /// High now, high later.
    pub star: QuadrantGroup,
    /// High now, low later.
    pub cash_cow: QuadrantGroup,
    /// Low now, high later.
    pub question_mark: QuadrantGroup,
    /// Low now, low later.
    pub dog: QuadrantGroup,
}

/// The customers of one quadrant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuadrantGroup {
    /// Customers.
    pub customers: u64,
    /// Their current value.
    pub current_value: f64,
    /// Their future value.
    pub future_value: f64,
}

/// How types moved between a comparison date and as-of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// The comparison date.
    pub from: NaiveDate,
    /// As-of.
    pub to: NaiveDate,
    /// Type ids in matrix order.
    pub types: Vec<String>,
    /// `matrix[i][j]`: customers of `types[i]` then and `types[j]` now.
    pub matrix: Vec<Vec<u64>>,
    /// Customers without business by `from`.
    pub new_customers: u64,
    /// Customers whose type changed.
    pub moved_total: u64,
    /// The movers with the largest current value ([`crate::records::MOVERS`] at most).
    pub moved: Vec<Mover>,
}

/// A customer whose type changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    /// Customer number.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Type id then.
    pub from: String,
    /// Type id now.
    pub to: String,
    /// Current value.
    pub current_value: f64,
}

/// The summary as `records::summary` writes it (the parts read here).
#[derive(Deserialize)]
struct Summary {
    kundenwert: String,
    value_basis: ValueBasis,
    #[serde(default)]
    margin_estimated: bool,
    by_type: serde_json::Map<String, serde_json::Value>,
    current_value: f64,
    future_value: f64,
    model: Option<String>,
    backtest: Option<Backtest>,
    migration: Option<Migration>,
    portfolio: PortfolioPart,
}

#[derive(Deserialize)]
struct PortfolioPart {
    abc: AbcPart,
    whale_curve: Whale,
    quadrants: Option<Quadrants>,
}

#[derive(Deserialize)]
struct AbcPart {
    cutoff_a: f64,
    cutoff_b: f64,
    total_positive_current_value: f64,
    #[serde(rename = "A")]
    a: AbcGroupPart,
    #[serde(rename = "B")]
    b: AbcGroupPart,
    #[serde(rename = "C")]
    c: AbcGroupPart,
}

#[derive(Deserialize)]
struct AbcGroupPart {
    customers: u64,
    current_value: f64,
}

#[derive(Deserialize)]
struct TypePart {
    customers: u64,
    revenue: f64,
    margin: Option<f64>,
    current_value: f64,
}

impl Overview {
    /// The overview of a stored run; `None` when its summary does not read (written by a
    /// version with another shape: the run is then stale and recomputed).
    pub fn of_run(run: &AnalysisRun) -> Option<Overview> {
        let s: Summary = serde_json::from_str(&run.summary).ok()?;
        let total = run.customers.max(1) as f64;
        let types = CustomerType::ALL
            .iter()
            .filter_map(|ty| {
                let part: TypePart =
                    serde_json::from_value(s.by_type.get(ty.id())?.clone()).ok()?;
                Some(TypeLine {
                    customer_type: *ty,
                    customers: part.customers,
                    share: part.customers as f64 / total,
                    revenue: part.revenue,
                    margin: part.margin,
                    current_value: part.current_value,
                })
            })
            .collect();
        let a = &s.portfolio.abc;
        let positive = a.total_positive_current_value;
        let line = |class: &str, g: &AbcGroupPart| AbcLine {
            class: class.to_owned(),
            customers: g.customers,
            current_value: g.current_value,
            share: if positive > 0.0 {
                g.current_value.max(0.0) / positive
            } else {
                0.0
            },
        };
        let abc = Abc {
            cutoff_a: a.cutoff_a,
            cutoff_b: a.cutoff_b,
            total_positive_current_value: positive,
            classes: vec![line("A", &a.a), line("B", &a.b), line("C", &a.c)],
        };
        Some(Overview {
            as_of: run.as_of,
            computed_at: run.computed_at.clone(),
            kundenwert: s.kundenwert,
            customers: run.customers,
            value_basis: s.value_basis,
            margin_estimated: s.margin_estimated,
            current_value: s.current_value,
            future_value: s.future_value,
            model: s.model,
            backtest: s.backtest,
            types,
            abc,
            whale: s.portfolio.whale_curve,
            quadrants: s.portfolio.quadrants,
            migration: s.migration,
        })
    }
}

/// Customers drawn in the portfolio chart: the largest by current and by future value (the
/// ones a reader asks about), at most this many of each.
pub const PORTFOLIO_POINTS: u64 = 300;

impl<W: Workspace> Workbench<W> {
    /// The stored analysis beyond its single customers; `None` before the first analysis.
    ///
    /// # Errors
    /// On a database failure.
    pub fn overview(&self) -> Result<Option<Overview>, WorkbenchError> {
        Ok(self.run()?.as_ref().and_then(Overview::of_run))
    }

    /// The customers the portfolio chart draws: the [`PORTFOLIO_POINTS`] largest by current
    /// and by future value, each once, in customer-number order (those without a future value
    /// left out).
    ///
    /// # Errors
    /// On a database failure.
    pub fn portfolio_sample(&self) -> Result<Vec<PortfolioPoint>, WorkbenchError> {
        let mut sample: Vec<CustomerResult> = Vec::new();
        for sort in [Column::CurrentValue, Column::FutureValue] {
            sample.extend(self.customers(&CustomerQuery {
                sort,
                descending: true,
                limit: Some(PORTFOLIO_POINTS),
                ..CustomerQuery::default()
            })?);
        }
        sample.sort_by_key(|c| c.id);
        sample.dedup_by_key(|c| c.id);
        Ok(sample
            .into_iter()
            .filter_map(|c| {
                Some(PortfolioPoint {
                    future_value: c.future_value?,
                    number: c.number,
                    customer_type: c.customer_type,
                    current_value: c.current_value,
                })
            })
            .collect())
    }
}

/// A customer in the portfolio chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioPoint {
    /// Customer number.
    pub number: String,
    /// Type id.
    #[serde(rename = "type")]
    pub customer_type: String,
    /// Current value.
    pub current_value: f64,
    /// Future value.
    pub future_value: f64,
}

/// The overview's charts as SVG, with their texts in `lang`.
pub mod charts {
    use super::*;

    fn text(lang: Lang, id: &str, title: &str, desc: String) -> ChartText {
        ChartText {
            id: id.to_owned(),
            title: title.to_owned(),
            desc,
            no_data: t::web_chart_no_data(lang).to_owned(),
        }
    }

    /// Customers per type.
    pub fn types(lang: Lang, types: &[TypeLine]) -> String {
        let summary = types
            .iter()
            .map(|l| format!("{} {}", l.label(lang), fmt::count(l.customers, lang)))
            .collect::<Vec<_>>()
            .join(", ");
        bars(
            &BarChart {
                text: text(
                    lang,
                    "types",
                    t::web_dashboard_types(lang),
                    t::web_dashboard_types_desc(lang, summary),
                ),
                orientation: Orientation::Horizontal,
                categories: types.iter().map(|l| l.label(lang).to_owned()).collect(),
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

    /// Share of customers and of the value per ABC class.
    pub fn abc(lang: Lang, abc: &[AbcLine]) -> String {
        let total: u64 = abc.iter().map(|l| l.customers).sum::<u64>().max(1);
        let summary = abc
            .iter()
            .map(|l| {
                format!(
                    "{} {} / {}",
                    l.class,
                    fmt::count(l.customers, lang),
                    fmt::percent(l.share, lang)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        bars(
            &BarChart {
                text: text(
                    lang,
                    "abc",
                    t::web_dashboard_abc(lang),
                    t::web_dashboard_abc_desc(lang, summary),
                ),
                orientation: Orientation::Vertical,
                categories: abc.iter().map(|l| l.class.clone()).collect(),
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

    /// The whale curve.
    pub fn whale(lang: Lang, whale: &Whale) -> String {
        let points: Vec<(f64, f64)> = whale
            .points
            .iter()
            .map(|p| (p.customer_share, p.margin_share))
            .collect();
        let (at, peak) = whale
            .peak
            .map_or((0.0, 0.0), |p| (p.customer_share, p.margin_share));
        let desc =
            t::web_dashboard_whale_desc(lang, fmt::percent(at, lang), fmt::percent(peak, lang));
        whale_curve(
            &WhaleChart {
                text: text(lang, "whale", t::web_dashboard_whale(lang), desc),
                points,
                x_axis: t::web_chart_share_of_customers(lang).to_owned(),
                y_axis: t::web_chart_share_of_margin(lang).to_owned(),
            },
            Format::Percent(lang),
        )
    }

    /// Current × future value of `sample` ([`Workbench::portfolio_sample`]), split at the
    /// medians of all customers, coloured by type.
    pub fn portfolio(
        lang: Lang,
        quadrants: Option<&Quadrants>,
        sample: &[PortfolioPoint],
    ) -> String {
        let types: Vec<CustomerType> = CustomerType::ALL.to_vec();
        let points: Vec<ScatterPoint> = sample
            .iter()
            .filter_map(|c| {
                Some(ScatterPoint {
                    x: c.current_value,
                    y: c.future_value,
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
                    lang,
                    "portfolio",
                    t::web_dashboard_portfolio(lang),
                    t::web_dashboard_portfolio_desc(lang, fmt::count(points.len() as u64, lang)),
                ),
                x_axis: t::web_col_current_value(lang).to_owned(),
                y_axis: t::web_col_future_value(lang).to_owned(),
                categories: types.iter().map(|t| t.label(lang).to_owned()).collect(),
                points,
                median_x: quadrants.map_or(0.0, |q| q.split_current),
                median_y: quadrants.map_or(0.0, |q| q.split_future),
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
}
