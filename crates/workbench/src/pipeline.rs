//! One analysis, from value series to every customer's type and forecast: cost to serve, the
//! backtest, the types, the forecast and the portfolio, in the order that lets the months be
//! dropped as soon as nothing reads them. `analyze` on files and the workspace's stored analysis
//! both run this.

use chrono::NaiveDate;
use kundenwert_analysis::cost_to_serve::{self, CostToServe, CostToServeError};
use kundenwert_analysis::future::{self, Forecast};
use kundenwert_analysis::migration::{self, Migration};
use kundenwert_analysis::{
    portfolio, Classification, CustomerType, Portfolio, PortfolioConfig, ValueSeries,
};
use kundenwert_core::ValueBasis;
use kundenwert_store::MonthFigures;

use crate::Settings;

/// A step of the analysis, reported when it is done (for progress bars and timings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The months kept for charts were taken.
    Months,
    /// The forecast was made again one horizon earlier and held against what followed.
    Backtest,
    /// Every customer was typed (and its model inputs taken).
    Types,
    /// The models were fitted and every customer forecast.
    Forecast,
    /// ABC classes, whale curve and quadrants.
    Portfolio,
}

impl Phase {
    /// A short name for timings (`KUNDENWERT_TIMINGS`).
    pub fn id(self) -> &'static str {
        match self {
            Phase::Months => "months",
            Phase::Backtest => "backtest",
            Phase::Types => "types",
            Phase::Forecast => "forecast",
            Phase::Portfolio => "portfolio",
        }
    }
}

/// What an analysis is asked for beyond its settings.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The cost to serve (built from the settings and the fixed-costs file by the caller).
    pub cost_to_serve: CostToServe,
    /// Also type every customer at this earlier date and compare.
    pub compare_as_of: Option<NaiveDate>,
    /// Keep every customer's months with business for its chart (the stored analysis does).
    pub keep_months: bool,
}

/// Every customer's months with business, in customer order, in one arena.
#[derive(Debug, Clone, Default)]
pub struct Months {
    figures: Vec<MonthFigures>,
    /// Where customer `i`'s months end in `figures`.
    ends: Vec<usize>,
}

impl Months {
    /// The months of customer `i` (in series order).
    pub fn of(&self, i: usize) -> &[MonthFigures] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.ends
            .get(i)
            .map_or(&[], |&end| &self.figures[start..end])
    }

    fn take(series: &ValueSeries) -> Months {
        let mut m = Months {
            figures: Vec::new(),
            ends: Vec::with_capacity(series.customers.len()),
        };
        for c in &series.customers {
            m.figures.extend(c.months.iter().map(|p| MonthFigures {
                month_index: p.period.first_month_index(),
                revenue: p.revenue as f32,
                margin: p.margin.map(|v| v as f32),
                orders: u32::try_from(p.orders).unwrap_or(u32::MAX),
            }));
            m.ends.push(m.figures.len());
        }
        m
    }
}

/// The result of one analysis. The series keeps its customers' totals; its periods are gone.
#[derive(Debug)]
pub struct Analysis {
    /// The value series (totals per customer; the periods were released).
    pub series: ValueSeries,
    /// Every customer's type, in series order.
    pub types: Vec<Classification>,
    /// The forecast.
    pub forecast: Forecast,
    /// ABC classes, whale curve and quadrants.
    pub portfolio: Portfolio,
    /// The type migration, when a comparison date was asked for.
    pub migration: Option<Migration>,
    /// The cost to serve applied, when any.
    pub cost_to_serve: Option<CostToServe>,
    /// The months for charts, when asked for.
    pub months: Option<Months>,
}

/// Sums over a group of customers, as the summaries report them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    /// Customers in the group.
    pub customers: usize,
    /// Their revenue.
    pub revenue: f64,
    /// Their cost, when the data has cost (value basis margin).
    pub cost: Option<f64>,
    /// Their margin, when the data has cost.
    pub margin: Option<f64>,
    /// Their current value.
    pub current_value: f64,
}

impl Analysis {
    /// Sums over every customer.
    pub fn totals(&self) -> Totals {
        self.totals_where(|_| true)
    }

    /// Sums over the customers of each type, in [`CustomerType::ALL`] order.
    pub fn totals_by_type(&self) -> Vec<(CustomerType, Totals)> {
        CustomerType::ALL
            .into_iter()
            .map(|t| (t, self.totals_where(|k| k.customer_type == t)))
            .collect()
    }

    fn totals_where(&self, keep: impl Fn(&Classification) -> bool) -> Totals {
        let has_cost = self.series.basis == ValueBasis::Margin;
        let mut t = Totals {
            cost: has_cost.then_some(0.0),
            margin: has_cost.then_some(0.0),
            ..Totals::default()
        };
        for (c, k) in self.series.customers.iter().zip(&self.types) {
            if !keep(k) {
                continue;
            }
            t.customers += 1;
            t.revenue += c.revenue;
            t.current_value += c.current_value;
            if let (Some(sum), Some(cost)) = (t.cost.as_mut(), c.cost) {
                *sum += cost;
            }
            if let (Some(sum), Some(margin)) = (t.margin.as_mut(), c.margin) {
                *sum += margin;
            }
        }
        t
    }
}

/// Why an analysis cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The cost to serve cannot be applied.
    #[error(transparent)]
    CostToServe(#[from] CostToServeError),
    /// The comparison date is not before as-of.
    #[error("the comparison date {compare} is not before the as-of date {as_of}")]
    CompareNotBefore {
        /// The comparison date.
        compare: NaiveDate,
        /// As-of.
        as_of: NaiveDate,
    },
}

/// Analyses `series` with `settings`; `done` is told each phase as it ends.
///
/// # Errors
/// When the cost to serve cannot be applied (no cost in the data and no margin rate, or values
/// out of range) or the comparison date is not before as-of.
pub fn analyse(
    mut series: ValueSeries,
    settings: &Settings,
    request: Request,
    done: &mut dyn FnMut(Phase),
) -> Result<Analysis, AnalysisError> {
    let serve = request.cost_to_serve;
    if serve.is_active() {
        cost_to_serve::apply(&mut series, &serve)?;
    }
    let serve = serve.is_active().then_some(serve);
    if let Some(d) = request.compare_as_of.filter(|d| *d >= series.as_of) {
        return Err(AnalysisError::CompareNotBefore {
            compare: d,
            as_of: series.as_of,
        });
    }
    let config = settings.future_config();
    let months = request.keep_months.then(|| Months::take(&series));
    if months.is_some() {
        done(Phase::Months);
    }
    // The backtest reads the months as they stood a horizon ago: before they are dropped.
    let backtest = future::backtest(&series, &settings.typology, &config);
    done(Phase::Backtest);
    // The types as of the comparison date first: a small list, so the periods can then be
    // dropped while the customers are typed and their model inputs taken — nothing after reads
    // them.
    let earlier = request
        .compare_as_of
        .map(|d| (d, migration::types_at(&series, d, &settings.typology)));
    let (types, prepared) =
        future::classify_and_prepare_releasing(&mut series, &settings.typology, &config);
    let migration = earlier.map(|(d, before)| migration::compare(&series, &types, d, &before));
    done(Phase::Types);
    let forecast = future::forecast_prepared(prepared, &types, &config, backtest);
    done(Phase::Forecast);
    let future_values: Vec<Option<f64>> = forecast
        .customers
        .iter()
        .map(|c| Some(c.future_value))
        .collect();
    let portfolio = portfolio(&series, &future_values, &PortfolioConfig::default());
    done(Phase::Portfolio);
    Ok(Analysis {
        series,
        types,
        forecast,
        portfolio,
        migration,
        cost_to_serve: serve,
        months,
    })
}
