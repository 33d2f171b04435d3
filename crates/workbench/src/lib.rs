//! The workspace, analysed: the application layer under the CLI, the web workbench and the
//! reports.
//!
//! A [`Workbench`] holds a workspace ([`kundenwert_store::Workspace`]). It keeps the settings an
//! analysis uses ([`Settings`], stored in the workspace), runs the analysis of the workspace's
//! transactions with them ([`pipeline::analyse`]: types, forecast, portfolio), stores the result
//! (one row per customer with its figures and months, and the run's summary) and answers
//! questions of the stored result: the customer list with filter, search, sort and keyset
//! paging, one customer, selections and the members of a chain's actors. The stored result is
//! brought up to date when the transactions or the settings changed ([`Workbench::refresh`]);
//! reading never recomputes.
//!
//! The analysis crate stays free of storage and the store free of analysis: this crate maps
//! between them.
//!
//! | module | what |
//! |---|---|
//! | [`settings`] | the workspace's settings ([`Settings`]: typology thresholds, cost to serve, forecast horizon, discount rate, time unit, models, backtest): TOML in the configuration file's format, checked, one key set with typo hints, listed for `settings show` |
//! | [`pipeline`] | [`analyse`]: series → backtest → types → forecast → portfolio (and the migration with a comparison date), the one pipeline `analyze` on files and the workspace's stored analysis both run |
//! | [`records`] | an analysis as stored rows (rounded as the JSON) and the run's summary |
//! | [`fixed_costs`] | the yearly fixed-costs CSV |
//! | [`focus`] | chains and focus plans on the workspace: actors' figures, a plan's references checked, a plan's targets today |
//! | [`overview`] | the stored analysis beyond its customers, typed ([`overview::Overview`]: sums per type, ABC, whale curve, quadrants, migration, model and backtest), the portfolio's sample and the overview's charts the web page and the reports share |
//! | [`import`] | exports into the workspace: the reading options as a user states them ([`ImportSpec`]), a preview that stores nothing, and the all-or-nothing streamed store the CLI's `import` and the web upload share |
//!
//! [`Workbench`] itself decides whether the stored analysis is current (data version,
//! settings, version of Kundenwert, fixed-costs file hash), refreshes it reporting each phase,
//! and answers the questions: the customer list, one customer with its months, the portfolio,
//! the type migration over the year before as-of (matrix, new customers, the 100 movers with the
//! largest current value), selections, chain actors' members and plan targets.
#![deny(missing_docs)]

pub mod fixed_costs;
pub mod focus;
pub mod import;
pub mod overview;
pub mod pipeline;
pub mod records;
pub mod settings;

use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use kundenwert_analysis::cost_to_serve::CostToServe;
use kundenwert_analysis::{
    CustomerType, CustomerTypeLabel, SeriesBuilder, SeriesPass, SeriesSink, ValueSeries,
};
use kundenwert_chain::selection::{self, Field, Op, Selection};
use kundenwert_core::{Lang, PeriodKind, Transaction};
use kundenwert_ingest::{Pass, RowSink};
use kundenwert_store::{
    AnalysisRun, Column, Comparison, Cursor, CustomerLines, CustomerQuery, CustomerResult, Filter,
    FilterValue, MonthFigures, StoreError, Workspace,
};

pub use focus::{plan_problems, PlanProblem};
pub use import::{demo_transactions, ImportSpec, SpecError, StoreImportError};
pub use overview::Overview;
pub use pipeline::{analyse, Analysis, AnalysisError, Phase, Request, Totals};
pub use settings::{Settings, SettingsError};

/// The version of Kundenwert that computed a stored analysis: another version recomputes it.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why the workbench cannot answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkbenchError {
    /// The workspace failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The settings cannot be used.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The analysis cannot run with these settings.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// The fixed-costs file named in the settings cannot be read.
    #[error(transparent)]
    FixedCosts(#[from] fixed_costs::FixedCostsError),
    /// A selection does not parse.
    #[error("`{expression}`: {error}")]
    Selection {
        /// The expression.
        expression: String,
        /// Why.
        error: selection::SelectionError,
    },
}

/// Whether the stored analysis answers for the workspace as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// The workspace holds no transactions: there is nothing to analyse.
    Empty,
    /// No analysis is stored yet.
    Missing,
    /// The stored analysis was made from other transactions, settings or version.
    Stale,
    /// The stored analysis answers for the workspace as it is.
    Current,
}

/// A step of [`Workbench::refresh`], for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The stored transactions are being read.
    Reading,
    /// The transactions were read into value series.
    Read {
        /// How many.
        transactions: u64,
    },
    /// A phase of the analysis ended.
    Analysed(Phase),
    /// The result was stored.
    Stored {
        /// Customers stored.
        customers: u64,
    },
}

/// What [`Workbench::refresh`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Refreshed {
    /// The stored analysis was current; nothing was computed.
    UpToDate,
    /// The workspace holds no transactions.
    Empty,
    /// The analysis was computed and stored.
    Computed {
        /// The stored run.
        run: AnalysisRun,
        /// Customers of the fixed-costs file the data has no transactions of.
        unknown_fixed_cost_customers: Vec<String>,
    },
}

/// The workspace, analysed.
#[derive(Debug)]
pub struct Workbench<W: Workspace> {
    store: W,
}

impl<W: Workspace> Workbench<W> {
    /// A workbench on `store`.
    pub fn new(store: W) -> Self {
        Workbench { store }
    }

    /// The workspace.
    pub fn store(&self) -> &W {
        &self.store
    }

    /// The workspace, to change it.
    pub fn store_mut(&mut self) -> &mut W {
        &mut self.store
    }

    /// The workspace's settings (the defaults where none are stored).
    ///
    /// # Errors
    /// On a database failure, or stored settings this version cannot read.
    pub fn settings(&self) -> Result<Settings, WorkbenchError> {
        Ok(match self.store.settings()? {
            Some(text) => Settings::parse(&text)?,
            None => Settings::default(),
        })
    }

    /// Sets one setting (`forecast.horizon`, `6`) and stores the settings; the stored analysis
    /// is then out of date. Returns the new settings.
    ///
    /// # Errors
    /// On an unknown key, a value of the wrong kind or range, or a database failure; nothing is
    /// stored then.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<Settings, WorkbenchError> {
        let settings = self.settings()?.with(key, value)?;
        self.store.put_settings(&settings.to_toml())?;
        Ok(settings)
    }

    /// Replaces the settings by those of a TOML file's text (what it leaves out takes its
    /// default). Returns them.
    ///
    /// # Errors
    /// On text that is not TOML of the settings, or a database failure; nothing is stored then.
    pub fn import_settings(&mut self, text: &str) -> Result<Settings, WorkbenchError> {
        let settings = Settings::parse(text)?;
        self.store.put_settings(&settings.to_toml())?;
        Ok(settings)
    }

    /// Whether the stored analysis answers for the workspace as it is now.
    ///
    /// # Errors
    /// On a database failure or unreadable settings.
    pub fn freshness(&self) -> Result<Freshness, WorkbenchError> {
        // A current run answers without counting the transactions: counting 10 M rows alone
        // takes most of a second.
        let run = self.store.analysis_run()?;
        if let Some(run) = &run {
            let settings = self.settings()?;
            let summary: serde_json::Value = serde_json::from_str(&run.summary).unwrap_or_default();
            if run.data_version == self.store.data_version()?
                && run.settings == settings.to_toml()
                && summary["kundenwert"] == VERSION
                && summary["fixed_costs"] == fixed_costs_stamp(&settings)
            {
                return Ok(Freshness::Current);
            }
        }
        Ok(if self.store.transaction_count()? == 0 {
            Freshness::Empty
        } else if run.is_some() {
            Freshness::Stale
        } else {
            Freshness::Missing
        })
    }

    /// Brings the stored analysis up to date: when the transactions, the settings or the
    /// version changed since it was made (or there is none), reads every transaction, analyses
    /// them with the workspace's settings and stores the result in one transaction. `step` is
    /// told what happens.
    ///
    /// # Errors
    /// On a database failure, settings the analysis cannot use, or an unreadable fixed-costs
    /// file; the stored analysis is then unchanged.
    pub fn refresh(&mut self, step: &mut dyn FnMut(Step)) -> Result<Refreshed, WorkbenchError> {
        self.refresh_comparing(None, step)
    }

    /// [`refresh`](Self::refresh), with the type migration measured from `compare_as_of`
    /// instead of the year before as-of (`None`: the year before, when the history reaches
    /// back that far). `analyze FILES --compare-as-of DATE --report FILE` reports this way from
    /// its temporary workspace; a lasting workspace keeps the year before, which is what its
    /// freshness assumes.
    ///
    /// # Errors
    /// As [`refresh`](Self::refresh); also when `compare_as_of` is not before as-of.
    pub fn refresh_comparing(
        &mut self,
        compare_as_of: Option<NaiveDate>,
        step: &mut dyn FnMut(Step),
    ) -> Result<Refreshed, WorkbenchError> {
        match self.freshness()? {
            Freshness::Current => return Ok(Refreshed::UpToDate),
            Freshness::Empty => return Ok(Refreshed::Empty),
            Freshness::Missing | Freshness::Stale => {}
        }
        let started = Instant::now();
        let settings = self.settings()?;
        // The data version is read before the transactions: an import landing meanwhile makes
        // the stored run stale instead of passing for current.
        let data_version = self.store.data_version()?;
        step(Step::Reading);
        let (builder, transactions) = read_series(&self.store, None)?;
        if transactions == 0 {
            return Ok(Refreshed::Empty);
        }
        step(Step::Read { transactions });
        let series = builder.finish(PeriodKind::Month);
        let (serve, unknown) = cost_to_serve(&settings, &series)?;
        let compare_as_of = compare_as_of.or_else(|| comparison_date(&series));
        let analysis = analyse(
            series,
            &settings,
            Request {
                cost_to_serve: serve,
                compare_as_of,
                keep_months: true,
            },
            &mut |phase| step(Step::Analysed(phase)),
        )?;
        let mut run = AnalysisRun {
            data_version,
            settings: settings.to_toml(),
            as_of: analysis.series.as_of,
            summary: records::summary(&analysis, &fixed_costs_stamp(&settings), VERSION)
                .to_string(),
            customers: 0,
            seconds: 0.0,
            computed_at: String::new(),
        };
        run.seconds = started.elapsed().as_secs_f64();
        let customers = self
            .store
            .replace_analysis(&run, &mut records::customers(&analysis))?;
        step(Step::Stored { customers });
        let run = self.store.analysis_run()?.unwrap_or(run);
        Ok(Refreshed::Computed {
            run,
            unknown_fixed_cost_customers: unknown,
        })
    }

    /// The stored analysis, without its customers.
    ///
    /// # Errors
    /// On a database failure.
    pub fn run(&self) -> Result<Option<AnalysisRun>, WorkbenchError> {
        Ok(self.store.analysis_run()?)
    }

    /// The stored analysis's portfolio: ABC classes, whale curve and the quadrants of current ×
    /// future value, as `analyze --json` writes them under `portfolio`.
    ///
    /// # Errors
    /// On a database failure.
    pub fn portfolio(&self) -> Result<Option<serde_json::Value>, WorkbenchError> {
        self.summary_part("portfolio")
    }

    /// The stored analysis's type migration over the year before as-of (when the history
    /// reaches back that far): `from`, `to`, the type ids, the matrix (rows: then, columns:
    /// now), the customers new since, and the movers with the largest current value
    /// ([`records::MOVERS`] of `moved_total`).
    ///
    /// # Errors
    /// On a database failure.
    pub fn migration(&self) -> Result<Option<serde_json::Value>, WorkbenchError> {
        self.summary_part("migration")
    }

    /// One part of the stored run's summary; `None` without a run or without that part.
    fn summary_part(&self, key: &str) -> Result<Option<serde_json::Value>, WorkbenchError> {
        Ok(self.run()?.and_then(|run| {
            serde_json::from_str::<serde_json::Value>(&run.summary)
                .ok()
                .map(|mut summary| summary[key].take())
                .filter(|part| !part.is_null())
        }))
    }

    /// The stored customers a query asks for.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customers(&self, query: &CustomerQuery) -> Result<Vec<CustomerResult>, WorkbenchError> {
        Ok(self.store.analysis_customers(query)?)
    }

    /// How many stored customers match a query (its paging aside).
    ///
    /// # Errors
    /// On a database failure.
    pub fn count(&self, query: &CustomerQuery) -> Result<u64, WorkbenchError> {
        Ok(self.store.count_analysis_customers(query)?)
    }

    /// How many stored customers match a query (its paging aside), counting no further than
    /// `cap`: the exact count below `cap`, else `cap`. A page that shows "more than 10,000"
    /// passes 10,001, and a broad search over a million customers then costs what reading
    /// 10,001 of them costs instead of reading them all.
    ///
    /// # Errors
    /// On a database failure.
    pub fn count_capped(&self, query: &CustomerQuery, cap: u64) -> Result<u64, WorkbenchError> {
        Ok(self.store.count_analysis_customers_capped(query, cap)?)
    }

    /// Builds the index a customer's invoice lines are read through when an import dropped
    /// it (see [`Workspace::index_customer_lines`]); whether it had to.
    ///
    /// # Errors
    /// On a database failure.
    pub fn index_customer_lines(&mut self) -> Result<bool, WorkbenchError> {
        Ok(self.store.index_customer_lines()?)
    }

    /// The newest `limit` invoice lines of a customer and how many it has; `None` until
    /// [`Workbench::index_customer_lines`] has run after the last import.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customer_lines(
        &self,
        number: &str,
        limit: u64,
    ) -> Result<Option<CustomerLines>, WorkbenchError> {
        Ok(self.store.customer_lines(number, limit)?)
    }

    /// A list page: the stored customers a query asks for and how many match it, counted no
    /// further than `cap` (see [`Workbench::count_capped`]), with a search looked up once for
    /// both.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customers_counted(
        &self,
        query: &CustomerQuery,
        cap: u64,
    ) -> Result<(Vec<CustomerResult>, u64), WorkbenchError> {
        Ok(self.store.analysis_customers_counted(query, cap)?)
    }

    /// One customer with its months with business.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customer(
        &self,
        number: &str,
    ) -> Result<Option<(CustomerResult, Vec<MonthFigures>)>, WorkbenchError> {
        Ok(self.store.analysis_customer(number)?)
    }

    /// Every stored customer with its months, in customer-number order, handed to `page` a
    /// page of at most `page_size` at a time (keyset paging on the id): a million customers are
    /// never held at once. Stops at the first error `page` returns.
    ///
    /// # Errors
    /// On a database failure, or what `page` returns.
    pub fn for_each_customer_page<E: From<WorkbenchError>>(
        &self,
        page_size: u64,
        page: &mut dyn FnMut(&[CustomerWithMonths]) -> Result<(), E>,
    ) -> Result<(), E> {
        let size = page_size.max(1);
        let mut after = 0;
        loop {
            let rows = self
                .store
                .analysis_customers_with_months(after, size)
                .map_err(WorkbenchError::from)?;
            page(&rows)?;
            match rows.last() {
                Some((last, _)) if rows.len() as u64 == size => after = last.id,
                _ => return Ok(()),
            }
        }
    }

    /// The customers a selection matches, in customer-number order.
    ///
    /// # Errors
    /// On a database failure.
    pub fn select(&self, selection: &Selection) -> Result<Vec<CustomerResult>, WorkbenchError> {
        self.customers(&CustomerQuery {
            filter: Some(filter_of(selection)),
            ..CustomerQuery::default()
        })
    }

    /// The customers a selection matches, in customer-number order, a page of at most
    /// `page_size` at a time, with how many there are in all: a selection of a million customers
    /// is then never held at once.
    ///
    /// # Errors
    /// On a database failure.
    pub fn select_pages(
        &self,
        selection: &Selection,
        page_size: u64,
    ) -> Result<(u64, SelectionPages<'_, W>), WorkbenchError> {
        let query = CustomerQuery {
            filter: Some(filter_of(selection)),
            limit: Some(page_size.max(1)),
            ..CustomerQuery::default()
        };
        let total = self.count(&query)?;
        Ok((
            total,
            SelectionPages {
                bench: self,
                query,
                done: false,
            },
        ))
    }

    /// The customers a focus plan targets: those it lists by number and those its selection
    /// matches, best future value first (customers without one last; ties in number order).
    ///
    /// # Errors
    /// On a database failure.
    pub fn plan_targets(
        &self,
        targets: &kundenwert_chain::plan::TargetFilter,
    ) -> Result<Vec<CustomerResult>, WorkbenchError> {
        let mut either = vec![Filter::Numbers(targets.customers().to_vec())];
        either.extend(targets.selection().map(filter_of));
        let mut chosen = self.customers(&CustomerQuery {
            filter: Some(Filter::Or(either)),
            ..CustomerQuery::default()
        })?;
        // A stable sort keeps number order among equals.
        chosen.sort_by(|a, b| {
            b.future_value
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.future_value.unwrap_or(f64::NEG_INFINITY))
        });
        Ok(chosen)
    }

    /// The customers an actor of a chain stands for: one customer number, or a selection
    /// (an expression that does not parse stands for nobody).
    ///
    /// # Errors
    /// On a database failure.
    pub fn members(
        &self,
        customer: Option<&str>,
        segment: Option<&str>,
    ) -> Result<Vec<CustomerResult>, WorkbenchError> {
        if let Some(number) = customer {
            return Ok(self.customer(number)?.map(|(c, _)| c).into_iter().collect());
        }
        match segment.map(selection::parse) {
            Some(Ok(sel)) => self.select(&sel),
            _ => Ok(Vec::new()),
        }
    }
}

impl<W: Workspace> Workbench<W> {
    /// The chains and focus plans customer `number` appears in: a chain when one of its actors
    /// is the customer or a segment whose selection matches it; a plan when it lists the
    /// customer or its selection (or saved selection) matches it. Documents that no longer
    /// read are skipped (their own commands report them).
    ///
    /// # Errors
    /// On a database failure.
    pub fn appearances(&self, number: &str) -> Result<Appearances, WorkbenchError> {
        let matches = |sel: &Selection| -> Result<bool, WorkbenchError> {
            Ok(!self
                .customers(&CustomerQuery {
                    filter: Some(Filter::And(vec![
                        Filter::Numbers(vec![number.to_owned()]),
                        filter_of(sel),
                    ])),
                    limit: Some(1),
                    ..CustomerQuery::default()
                })?
                .is_empty())
        };
        let mut found = Appearances::default();
        for entry in self.store.list_chains()? {
            let Some(json) = self.store.get_chain(&entry.name)? else {
                continue;
            };
            let Ok(chain) = kundenwert_chain::parse(&json, Some(kundenwert_chain::Format::Json))
            else {
                continue;
            };
            let mut hit = false;
            for actor in &chain.actors {
                hit = actor.customer.as_deref() == Some(number)
                    || match actor.segment.as_deref().map(selection::parse) {
                        Some(Ok(sel)) => matches(&sel)?,
                        _ => false,
                    };
                if hit {
                    break;
                }
            }
            if hit {
                found.chains.push(entry.name);
            }
        }
        for entry in self.store.list_plans()? {
            let Some(json) = self.store.get_plan(&entry.name)? else {
                continue;
            };
            let Ok(plan) =
                kundenwert_chain::plan::parse_plan(&json, Some(kundenwert_chain::Format::Json))
            else {
                continue;
            };
            let saved = match plan.targets.saved_selection() {
                Some(name) => self.store.get_selection(name)?,
                None => None,
            };
            let Ok(filter) = plan.targets.filter(saved.as_deref()) else {
                continue;
            };
            let listed = filter.customers().iter().any(|c| c == number);
            if listed
                || filter
                    .selection()
                    .map(matches)
                    .transpose()?
                    .unwrap_or(false)
            {
                found.plans.push(entry.name);
            }
        }
        Ok(found)
    }
}

/// A stored customer with its months with business.
pub type CustomerWithMonths = (CustomerResult, Vec<MonthFigures>);

/// Where a customer appears ([`Workbench::appearances`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appearances {
    /// Names of the chains.
    pub chains: Vec<String>,
    /// Names of the focus plans.
    pub plans: Vec<String>,
}

/// The date the stored analysis compares types with: the end of the month a year before as-of,
/// when some customer had business by then (else there is nothing to compare).
fn comparison_date(series: &ValueSeries) -> Option<NaiveDate> {
    let as_of = series.as_of;
    let first_of_month = as_of.with_day(1)?;
    let year_before = first_of_month.checked_sub_months(chrono::Months::new(11))?;
    let date = year_before.pred_opt()?;
    let earliest = series.customers.iter().map(|c| c.first_date).min()?;
    (earliest <= date).then_some(date)
}

/// The fixed-costs file's part of what makes a stored analysis current: its path and a hash of
/// its bytes (a changed file changes the analysis); JSON null without one.
fn fixed_costs_stamp(settings: &Settings) -> serde_json::Value {
    match &settings.cost_to_serve.fixed_costs {
        None => serde_json::Value::Null,
        Some(path) => {
            let hash = std::fs::read(path)
                .map(|b| format!("{:016x}", fnv1a(&b)))
                .unwrap_or_else(|_| "unreadable".to_owned());
            serde_json::json!({ "path": path.display().to_string(), "hash": hash })
        }
    }
}

/// FNV-1a, 64 bit: enough to notice a changed file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The cost to serve of `settings` for `series` (the fixed-costs file read), with the customers
/// of that file the series does not know.
///
/// # Errors
/// When the fixed-costs file cannot be read.
pub fn cost_to_serve(
    settings: &Settings,
    series: &ValueSeries,
) -> Result<(CostToServe, Vec<String>), fixed_costs::FixedCostsError> {
    let c = &settings.cost_to_serve;
    let fixed = match &c.fixed_costs {
        Some(path) => fixed_costs::read(path, series)?,
        None => fixed_costs::FixedCosts::default(),
    };
    Ok((
        CostToServe {
            per_order: c.per_order.unwrap_or(0.0),
            per_line: c.per_line.unwrap_or(0.0),
            margin_rate: c.margin_rate,
            fixed_per_year: fixed.per_year,
        },
        fixed.unknown,
    ))
}

/// Streams the workspace's transactions into value-series accumulators, one range of the table
/// per core read at the same time into one shared builder (as the reading threads of a file
/// do). Returns the builder and how many transactions it read.
///
/// # Errors
/// On a database failure.
pub fn read_series(
    store: &dyn Workspace,
    as_of: Option<NaiveDate>,
) -> Result<(SeriesBuilder, u64), StoreError> {
    let mut pass = SeriesPass::new(as_of);
    let threads = kundenwert_core::par::cores();
    let mut sinks: Vec<SeriesSink> = (0..threads).map(|_| pass.sink()).collect();
    let mut pushes: Vec<_> = sinks
        .iter_mut()
        .map(|sink| move |t: Transaction<'_>| sink.push(&t))
        .collect();
    let mut parts: Vec<&mut (dyn FnMut(Transaction<'_>) + Send)> = pushes
        .iter_mut()
        .map(|p| p as &mut (dyn FnMut(Transaction<'_>) + Send))
        .collect();
    let n = store.for_each_transaction_in_parts(&mut parts)?;
    drop(parts);
    drop(pushes);
    pass.close(sinks);
    Ok((pass.into_builder(), n))
}

/// A customer type by its id (`growth`).
pub fn customer_type(id: &str) -> Option<CustomerType> {
    CustomerType::from_id(id)
}

/// A stored customer's type for readers (`Wachstum` / `growth`); the id itself when unknown.
pub fn type_label(c: &CustomerResult, lang: Lang) -> &str {
    customer_type(&c.customer_type).map_or(c.customer_type.as_str(), |t| t.label(lang))
}

/// A stored future value's source for readers: the model's name (`BG/NBD`) or the type
/// projection in `lang`; an unknown id as it is.
pub fn source_label(id: &str, lang: Lang) -> String {
    use kundenwert_analysis::future::Source;
    if id == Source::TypeProjection.id() {
        return kundenwert_text::future_source_type_projection(lang).to_owned();
    }
    Source::MODELS
        .iter()
        .find(|s| s.id() == id)
        .map_or_else(|| id.to_owned(), |s| s.label().to_owned())
}

/// A stored customer's reason for its type, in `lang`.
pub fn reason(c: &CustomerResult, lang: Lang) -> &str {
    match lang {
        Lang::De => &c.reason_de,
        Lang::En => &c.reason_en,
    }
}

/// The store's filter for a selection (same meaning; the store evaluates it).
pub fn filter_of(selection: &Selection) -> Filter {
    let column = |f: Field| match f {
        Field::Id => Column::Number,
        Field::Name => Column::Name,
        Field::Type => Column::Type,
        Field::Status => Column::Status,
        Field::Abc => Column::Abc,
        Field::CurrentValue => Column::CurrentValue,
        Field::FutureValue => Column::FutureValue,
        Field::Revenue => Column::Revenue,
        Field::Margin => Column::Margin,
        Field::PAlive => Column::PAlive,
        Field::Transactions => Column::Orders,
    };
    let value = |v: &selection::Value| match v {
        selection::Value::Text(t) => FilterValue::Text(t.clone()),
        selection::Value::Number(n) => FilterValue::Number(*n),
    };
    match selection {
        Selection::Compare {
            field,
            op,
            value: v,
        } => Filter::Compare {
            column: column(*field),
            op: match op {
                Op::Eq => Comparison::Eq,
                Op::Ne => Comparison::Ne,
                Op::Lt => Comparison::Lt,
                Op::Le => Comparison::Le,
                Op::Gt => Comparison::Gt,
                Op::Ge => Comparison::Ge,
                Op::Contains => Comparison::Contains,
            },
            value: value(v),
        },
        Selection::In { field, values } => Filter::In {
            column: column(*field),
            values: values.iter().map(value).collect(),
        },
        Selection::Not(inner) => Filter::Not(Box::new(filter_of(inner))),
        Selection::And(parts) => Filter::And(parts.iter().map(filter_of).collect()),
        Selection::Or(parts) => Filter::Or(parts.iter().map(filter_of).collect()),
    }
}

/// The pages of a selection's customers ([`Workbench::select_pages`]), by keyset paging in
/// customer-number order.
#[derive(Debug)]
pub struct SelectionPages<'a, W: Workspace> {
    bench: &'a Workbench<W>,
    query: CustomerQuery,
    done: bool,
}

impl<W: Workspace> SelectionPages<'_, W> {
    /// The next page; `None` after the last.
    ///
    /// # Errors
    /// On a database failure.
    pub fn next_page(&mut self) -> Result<Option<Vec<CustomerResult>>, WorkbenchError> {
        if self.done {
            return Ok(None);
        }
        let page = self.bench.customers(&self.query)?;
        // A short page is the last one.
        match page.last() {
            Some(last) if Some(page.len() as u64) == self.query.limit => {
                self.query.after = Some(Cursor {
                    value: None,
                    id: last.id,
                });
            }
            _ => self.done = true,
        }
        Ok(if page.is_empty() { None } else { Some(page) })
    }
}
