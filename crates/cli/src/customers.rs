//! The customers of the workspace as the chain and the focus plan see them: value, type,
//! status, ABC class and future value, one row each, testable by saved selections.

use anyhow::Result;
use kundenwert_analysis::{
    classify_series, portfolio, Classification, PortfolioConfig, ValueSeries,
};
use kundenwert_chain::selection::{CustomerFields, Field, Selection};
use kundenwert_core::{Lang, PeriodKind};
use kundenwert_store::{Store, Workspace};

/// One customer.
#[derive(Debug, Clone)]
pub struct CustomerRow {
    pub id: String,
    pub name: Option<String>,
    pub type_id: &'static str,
    pub type_label: String,
    pub status: &'static str,
    pub abc: &'static str,
    pub current_value: f64,
    pub future_value: Option<f64>,
    pub revenue: f64,
    pub margin: Option<f64>,
    pub p_alive: Option<f64>,
    pub transactions: u64,
}

impl CustomerFields for CustomerRow {
    fn text(&self, field: Field) -> Option<&str> {
        match field {
            Field::Id => Some(&self.id),
            Field::Name => self.name.as_deref(),
            Field::Type => Some(self.type_id),
            Field::Status => Some(self.status),
            Field::Abc => Some(self.abc),
            _ => None,
        }
    }

    fn number(&self, field: Field) -> Option<f64> {
        match field {
            Field::CurrentValue => Some(self.current_value),
            Field::FutureValue => self.future_value,
            Field::Revenue => Some(self.revenue),
            Field::Margin => self.margin,
            Field::PAlive => self.p_alive,
            Field::Transactions => Some(self.transactions as f64),
            _ => None,
        }
    }
}

/// All customers of one analysis.
#[derive(Debug, Clone, Default)]
pub struct Customers {
    pub rows: Vec<CustomerRow>,
    /// End of the history the values refer to.
    pub as_of: Option<chrono::NaiveDate>,
}

impl Customers {
    /// The customers an actor stands for: one customer number, or a selection.
    pub fn members(&self, customer: Option<&str>, segment: Option<&str>) -> Vec<&CustomerRow> {
        if let Some(id) = customer {
            return self.rows.iter().filter(|r| r.id == id).collect();
        }
        match segment.map(kundenwert_chain::selection::parse) {
            Some(Ok(sel)) => self.select(&sel),
            _ => Vec::new(),
        }
    }

    /// The customers a selection matches.
    pub fn select(&self, selection: &Selection) -> Vec<&CustomerRow> {
        self.rows.iter().filter(|r| selection.matches(*r)).collect()
    }
}

/// The customers of a finished analysis.
pub fn from_series(
    series: &ValueSeries,
    types: &[Classification],
    future: Option<&kundenwert_analysis::future::Forecast>,
    lang: Lang,
) -> Customers {
    let future_values: Vec<Option<f64>> = future
        .map(|f| f.customers.iter().map(|c| Some(c.future_value)).collect())
        .unwrap_or_default();
    let portfolio = portfolio(series, &future_values, &PortfolioConfig::default());
    let rows = series
        .customers
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (c, k))| {
            let fc = future.and_then(|f| f.customers.get(i));
            CustomerRow {
                id: c.id.to_string(),
                name: c.name.clone(),
                type_id: k.customer_type.id(),
                type_label: crate::analyze::type_name(k.customer_type, lang).to_string(),
                status: k.status.id().unwrap_or("no_data"),
                abc: portfolio.abc.classes.get(i).map_or("C", |a| a.as_str()),
                current_value: c.current_value,
                future_value: fc.map(|f| f.future_value),
                revenue: c.revenue,
                margin: c.margin,
                p_alive: fc.map(|f| f.p_alive),
                transactions: c.orders,
            }
        })
        .collect();
    Customers {
        rows,
        as_of: Some(series.as_of),
    }
}

/// The workspace's customers with their future values; `None` when it holds no
/// transactions.
pub fn load_from_store(store: &Store, lang: Lang) -> Result<Option<Customers>> {
    let mut builder = kundenwert_analysis::SeriesBuilder::new(None);
    let n = store
        .for_each_transaction(&mut |t| builder.add(&t))
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    if n == 0 {
        return Ok(None);
    }
    let series = builder.finish(PeriodKind::Month);
    let types = classify_series(&series);
    let forecast = kundenwert_analysis::future::forecast(
        &series,
        &types,
        &kundenwert_analysis::TypologyConfig::default(),
        &kundenwert_analysis::future::FutureConfig::default(),
    );
    Ok(Some(from_series(&series, &types, Some(&forecast), lang)))
}
