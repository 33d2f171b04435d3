//! `kundenwert analyze`: value history, current value and rejected rows, as a terminal summary
//! or as the JSON document of `analyze --json` (its shape pinned by the `analyze_json_en`
//! snapshot).

use kundenwert_text as text;
use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;
use kundenwert_analysis::future::{CustomerForecast, Forecast, TimeUnit as ModelClock};
use kundenwert_analysis::typology::Features;
use kundenwert_analysis::{
    AbcClass, Classification, CustomerSeries, CustomerType, CustomerTypeLabel, Portfolio,
    ValueSeries,
};
use kundenwert_core::fmt::rounded;
use kundenwert_core::{par, Lang, PeriodKind, ValueBasis};
use kundenwert_ingest::ImportReport;
use kundenwert_workbench::{Analysis, AnalysisError, Request, Settings};
use serde::Serialize;
use serde_json::{json, Value};

use crate::fmt::{amount, count, percent};
use crate::input::InputArgs;

/// Period length of the value series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
    /// Calendar years.
    Year,
}

impl From<PeriodArg> for PeriodKind {
    fn from(p: PeriodArg) -> Self {
        match p {
            PeriodArg::Month => PeriodKind::Month,
            PeriodArg::Quarter => PeriodKind::Quarter,
            PeriodArg::Year => PeriodKind::Year,
        }
    }
}

/// Clock of the lifetime-value models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimeUnit {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
}

/// A purchase model `--models` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    #[value(name = "bg_nbd")]
    BgNbd,
    /// MBG/NBD (Batislam et al. 2007).
    #[value(name = "mbg_nbd")]
    MbgNbd,
    /// Pareto/NBD (Schmittlein et al. 1987).
    #[value(name = "pareto_nbd")]
    ParetoNbd,
    /// BG/CNBD-k for regular order intervals (Platzer & Reutterer 2016).
    #[value(name = "bg_cnbd_k")]
    BgCnbdK,
}

impl From<ModelArg> for kundenwert_analysis::future::Source {
    fn from(m: ModelArg) -> Self {
        use kundenwert_analysis::future::Source;
        match m {
            ModelArg::BgNbd => Source::BgNbd,
            ModelArg::MbgNbd => Source::MbgNbd,
            ModelArg::ParetoNbd => Source::ParetoNbd,
            ModelArg::BgCnbdK => Source::BgCnbdK,
        }
    }
}

/// Arguments of `kundenwert analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,

    /// Print the machine-readable JSON object on stdout (text goes to stderr).
    #[arg(long)]
    json: bool,

    /// Period length of the value series.
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    period: PeriodArg,

    /// Time unit of the lifetime-value models [default: the settings', week].
    #[arg(long, value_enum)]
    time_unit: Option<TimeUnit>,

    /// Months ahead for the future value [default: the settings', 12].
    #[arg(long, value_name = "MONTHS")]
    horizon: Option<u32>,

    /// Purchase models to fit and compare, comma-separated (default: all four). Gamma-Gamma
    /// for the spend and the type projection are always used.
    #[arg(long, value_enum, value_delimiter = ',', num_args = 1.., value_name = "MODEL,...")]
    models: Vec<ModelArg>,

    /// Annual discount rate of the future value, as a fraction (0.10 = 10 % a year) [default:
    /// the settings', 0.10].
    #[arg(long, value_name = "RATE")]
    discount_rate: Option<f64>,

    /// Skip the backtest (the same forecast made one horizon earlier and held against what
    /// then happened); choices and ranges are then not calibrated.
    #[arg(long)]
    no_backtest: bool,

    /// Cost to serve per order (document, or day without document numbers): values become
    /// contribution margin II.
    #[arg(long, value_name = "AMOUNT")]
    cost_per_order: Option<f64>,

    /// Also type every customer as of this earlier date (YYYY-MM-DD) and show how types moved
    /// since: the matrix of changes and who moved.
    #[arg(long, value_name = "DATE", value_parser = crate::input::parse_date_arg)]
    compare_as_of: Option<chrono::NaiveDate>,

    /// Cost to serve per invoice line.
    #[arg(long, value_name = "AMOUNT")]
    cost_per_line: Option<f64>,

    /// Assumed margin rate (e.g. 0.3) where the export has no cost or margin; every output then
    /// says the margin is estimated.
    #[arg(long, value_name = "RATE")]
    margin_rate: Option<f64>,

    /// CSV of yearly fixed costs per customer (customer number; amount), e.g. key-account
    /// visits: spread over each year's months with business, so values become margin II.
    #[arg(long, value_name = "FILE")]
    fixed_costs: Option<std::path::PathBuf>,

    /// Configuration file (TOML) with thresholds of the customer-type rules; see
    /// `config/kundenwert.toml` for every setting and its default.
    #[arg(long, value_name = "FILE", env = "KUNDENWERT_CONFIG")]
    config: Option<std::path::PathBuf>,

    /// How many customers the summary lists.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,

    /// Write the report of these files to FILE instead of the summary: `.html`, `.pdf` or `.xlsx`
    /// (as `kundenwert report`). The files are analysed in a temporary workspace with the same
    /// pipeline as the workspace's stored analysis.
    #[arg(long, value_name = "FILE", conflicts_with = "json")]
    report: Option<std::path::PathBuf>,

    /// With `--json`: include every customer's typology features (the measured values its
    /// type was decided on; about 1.7 kB a customer). `type_evidence` is always there.
    #[arg(long, requires = "json")]
    features: bool,
}

/// The settings of this analysis: the `--config` file's, else (on the workspace) the
/// workspace's, else the defaults; options given on the command line win.
fn settings(args: &Args, lang: Lang) -> Result<Settings> {
    let mut settings = match &args.config {
        Some(path) => crate::settings::load_file(path, lang)?,
        None if args.input.files.is_empty() && crate::workspace::path().exists() => {
            let bench = crate::workspace::open_workbench(lang)?;
            bench
                .settings()
                .map_err(|e| crate::workspace::workbench_error(&e, lang))?
        }
        None => Settings::default(),
    };
    if let Some(rate) = args.discount_rate.filter(|r| !(0.0..=1.0).contains(r)) {
        return Err(crate::UserError::usage(
            text::analyze_discount_rate_range(lang, rate),
            Some(text::analyze_discount_rate_hint(lang).into()),
        )
        .into());
    }
    let f = &mut settings.forecast;
    if let Some(h) = args.horizon {
        f.horizon = h.clamp(1, kundenwert_workbench::settings::MAX_HORIZON);
    }
    if let Some(r) = args.discount_rate {
        f.discount_rate = r;
    }
    if let Some(t) = args.time_unit {
        f.time_unit = match t {
            TimeUnit::Day => ModelClock::Day,
            TimeUnit::Week => ModelClock::Week,
            TimeUnit::Month => ModelClock::Month,
        };
    }
    if !args.models.is_empty() {
        f.models = args
            .models
            .iter()
            .map(|m| {
                kundenwert_analysis::future::Source::from(*m)
                    .id()
                    .to_owned()
            })
            .collect();
    }
    if args.no_backtest {
        f.backtest = false;
    }
    let c = &mut settings.cost_to_serve;
    c.per_order = args.cost_per_order.or(c.per_order);
    c.per_line = args.cost_per_line.or(c.per_line);
    c.margin_rate = args.margin_rate.or(c.margin_rate);
    if args.fixed_costs.is_some() {
        c.fixed_costs.clone_from(&args.fixed_costs);
    }
    Ok(settings)
}

pub fn run(args: Args) -> Result<()> {
    let lang = args.input.lang();
    // Broken settings fail before the (possibly long) import.
    let settings = settings(&args, lang)?;
    if let Some(path) = &args.report {
        return report(&args, settings, path, lang);
    }
    let timer = crate::Timer::start();
    let (builder, report) = args.input.read()?;
    timer.lap("read");
    let series = builder.finish(args.period.into());
    timer.lap("series");
    let (serve, unknown) =
        kundenwert_workbench::cost_to_serve(&settings, &series).map_err(|e| {
            let (message, hint) = e.localized(lang);
            crate::UserError::usage(message, hint)
        })?;
    if !unknown.is_empty() {
        let shown: Vec<&str> = unknown.iter().take(10).map(String::as_str).collect();
        eprintln!(
            "{} ({})",
            text::workspace_unknown_fixed_cost_customers(lang, unknown.len()),
            shown.join(", ")
        );
    }
    let analysis = kundenwert_workbench::analyse(
        series,
        &settings,
        Request {
            cost_to_serve: serve,
            compare_as_of: args.compare_as_of,
            keep_months: false,
        },
        &mut |phase| timer.lap(phase.id()),
    )
    .map_err(|e| analysis_error(&e, lang))?;
    for c in &analysis.forecast.candidates {
        timer.note(&format!("fit {} {:.3} s", c.source.id(), c.seconds));
    }
    if args.json {
        let document = to_json(&analysis, &report, &args, &settings, lang)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        document.write_pretty(&mut out)?;
        writeln!(out)?;
        out.flush()?;
        timer.lap("json");
    } else {
        // Written, not printed: a reader that stops early (`| head`) is an error to return,
        // where `print!` would panic.
        let mut out = std::io::stdout().lock();
        out.write_all(summary(&analysis, &report, args.top, &settings, lang).as_bytes())?;
        if let Some(m) = &analysis.migration {
            out.write_all(migration_text(m, args.top, lang).as_bytes())?;
        }
        out.flush()?;
    }
    Ok(())
}

/// `analyze FILES --report FILE`: the files stored in a temporary workspace with these
/// settings, analysed there as `kundenwert import` analyses a workspace (the type migration
/// from `--compare-as-of` when given), and the report written from its stored analysis — the
/// one path every report takes. Without files, the workspace's own analysis (with its
/// settings) is reported. `--as-of` is refused: a workspace analyses every row it holds.
fn report(args: &Args, settings: Settings, path: &std::path::Path, lang: Lang) -> Result<()> {
    let format = crate::report::format_of(path, lang)?;
    if args.input.files.is_empty() {
        let bench = crate::workspace::analysed(lang)?;
        return crate::report::write(&bench, path, format, lang, 25);
    }
    if let Some(date) = args.input.as_of {
        return Err(crate::UserError::usage(
            text::analyze_report_as_of(lang, date.to_string()),
            Some(text::analyze_report_as_of_hint(lang).into()),
        )
        .into());
    }
    crate::import::check_files(&args.input)?;
    let dir = tempfile::tempdir()?;
    let mut store = kundenwert_store::Store::open(dir.path().join("analyze.db"))
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    kundenwert_store::Workspace::put_settings(&mut store, &settings.to_toml())
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    crate::import::store_into(&args.input, &mut store)?;
    let mut bench = kundenwert_workbench::Workbench::new(store);
    crate::workspace::refresh_comparing(&mut bench, args.compare_as_of, lang)?;
    crate::report::write(&bench, path, format, lang, 25)
}

/// An analysis that cannot run, as the user's error.
fn analysis_error(e: &AnalysisError, lang: Lang) -> anyhow::Error {
    use kundenwert_analysis::cost_to_serve::CostToServeError;
    match e {
        AnalysisError::CostToServe(CostToServeError::NoCost) => crate::UserError::usage(
            text::analyze_no_cost(lang).into(),
            Some(text::analyze_no_cost_hint(lang).into()),
        ),
        AnalysisError::CostToServe(_) => {
            crate::UserError::usage(text::analyze_cost_to_serve_negative(lang).into(), None)
        }
        AnalysisError::CompareNotBefore { compare, as_of } => crate::UserError::usage(
            text::analyze_compare_not_before(lang, as_of, compare),
            Some(text::analyze_compare_not_before_hint(lang).into()),
        ),
        // `AnalysisError` is non-exhaustive: errors added later still reach the user, in English.
        other => crate::UserError::usage(other.to_string(), None),
    }
    .into()
}

/// One customer of the JSON document, in the field order the `analyze_json_en` snapshot pins.
#[derive(Serialize)]
struct CustomerJson<'a> {
    id: &'a str,
    name: Option<&'a str>,
    revenue: f64,
    cost: Option<f64>,
    margin: Option<f64>,
    transactions: u64,
    lines: u64,
    first_date: chrono::NaiveDate,
    last_date: chrono::NaiveDate,
    #[serde(rename = "type")]
    customer_type: &'static str,
    type_confidence: f64,
    type_reason: String,
    type_rule: u8,
    type_evidence: Option<TypeEvidence>,
    status: Option<&'static str>,
    /// Outer `None`: not asked for (`--features`), so not written at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    features: Option<Option<&'a Features>>,
    current_value: f64,
    abc: &'static str,
    expected_transactions: Option<f64>,
    p_alive: Option<f64>,
    expected_spend: Option<f64>,
    future_value: Option<f64>,
    future_value_low: Option<f64>,
    future_value_high: Option<f64>,
    future_value_source: Option<&'static str>,
}

/// How much evidence stood behind the type: the history tested, the p-value of the type's
/// pattern against a flat random buyer with the same purchases and amounts (for steady: of
/// the strongest pattern), the level it is held against, and the type the shape suggested
/// when the evidence decided otherwise.
#[derive(Serialize)]
struct TypeEvidence {
    purchases: u64,
    months: usize,
    p_value: Option<f64>,
    level: Option<f64>,
    suggested: Option<&'static str>,
}

fn type_evidence(class: &Classification) -> Option<TypeEvidence> {
    let e = class.features.as_ref()?.evidence?;
    if class.customer_type == kundenwert_analysis::CustomerType::Insufficient {
        return None;
    }
    Some(TypeEvidence {
        purchases: e.purchases,
        months: e.months,
        p_value: class.evidence_p().map(|v| rounded(v, 4)),
        level: class.evidence_level(),
        suggested: class.unproven.map(|t| t.id()),
    })
}

fn customer_json<'a>(
    c: &'a CustomerSeries,
    class: &'a Classification,
    abc: AbcClass,
    future: Option<&CustomerForecast>,
    with_features: bool,
    lang: Lang,
) -> CustomerJson<'a> {
    CustomerJson {
        id: &c.id,
        name: c.name.as_deref(),
        revenue: rounded(c.revenue, 2),
        cost: c.cost.map(|v| rounded(v, 2)),
        margin: c.margin.map(|v| rounded(v, 2)),
        transactions: c.orders,
        lines: c.lines,
        first_date: c.first_date,
        last_date: c.last_date,
        customer_type: class.customer_type.id(),
        type_confidence: rounded(class.confidence, 2),
        type_reason: class.reason(lang),
        type_rule: class.rule,
        type_evidence: type_evidence(class),
        status: class.status.id(),
        features: with_features.then_some(class.features.as_ref()),
        current_value: rounded(c.current_value, 2),
        abc: abc.as_str(),
        expected_transactions: future
            .and_then(|f| f.expected_transactions)
            .map(|v| rounded(v, 4)),
        p_alive: future.map(|f| rounded(f.p_alive, 4)),
        expected_spend: future.and_then(|f| f.expected_spend).map(|v| rounded(v, 2)),
        future_value: future.map(|f| rounded(f.future_value, 2)),
        future_value_low: future.map(|f| rounded(f.future_value_low, 2)),
        future_value_high: future.map(|f| rounded(f.future_value_high, 2)),
        future_value_source: future.map(|f| f.source.id()),
    }
}

/// The `customers` array, turned into JSON block by block while it is written
/// ([`AnalyzeJson::write_pretty`]): as one `serde_json::Value` tree, 600 k customers with their
/// features held several GB.
struct CustomersJson<'a> {
    series: &'a ValueSeries,
    types: &'a [Classification],
    abc: &'a [AbcClass],
    forecast: &'a Forecast,
    with_features: bool,
    lang: Lang,
}

/// The rejected rows, written one at a time (a broken export can have millions).
struct RejectedJson<'a> {
    report: &'a ImportReport,
    lang: Lang,
}

impl Serialize for RejectedJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.report.rejected.iter().map(|r| {
            json!({"file": r.file, "line": r.line, "column": r.column, "reason": r.reason.message(self.lang)})
        }))
    }
}

#[derive(Serialize)]
struct InputJson<'a> {
    rows_read: u64,
    rows_accepted: u64,
    rows_rejected: u64,
    blank_lines: u64,
    rejected: RejectedJson<'a>,
    files: &'a [kundenwert_ingest::FileReport],
    holdout: &'a kundenwert_analysis::HoldoutSummary,
}

/// The JSON document of `analyze --json` (shape pinned by the `analyze_json_en` snapshot): small parts as values, the
/// per-customer and per-row arrays streamed.
pub struct AnalyzeJson<'a> {
    head: HeadJson<'a>,
    customers: CustomersJson<'a>,
    models: Value,
    backtest: Value,
}

/// Everything before `customers`, in the document's order.
#[derive(Serialize)]
struct HeadJson<'a> {
    as_of: chrono::NaiveDate,
    period: &'static str,
    time_unit: &'static str,
    settings: Value,
    value_basis: ValueBasis,
    cost_to_serve: Value,
    input: InputJson<'a>,
    summary: Value,
    portfolio: Value,
}

/// Customers per block formatted on one thread: large enough that threads rarely wait, small
/// enough that the blocks waiting to be written stay a few MB.
const JSON_BLOCK: usize = 2_048;

impl AnalyzeJson<'_> {
    /// Writes the document as `serde_json::to_writer_pretty` would (two-space indent), with
    /// the customers — nearly all of the bytes on large files — formatted on every core in
    /// blocks and written in order.
    pub fn write_pretty(&self, out: &mut impl Write) -> Result<()> {
        let head = serde_json::to_vec_pretty(&self.head)?;
        // `head` ends with "\n}"; the document continues inside that object.
        let open = head.len().saturating_sub(2);
        out.write_all(&head[..open])?;
        out.write_all(b",\n  \"customers\": ")?;
        let c = &self.customers;
        let n = c.series.customers.len();
        if n == 0 {
            out.write_all(b"[]")?;
        } else {
            out.write_all(b"[\n")?;
            let blocks: Vec<std::ops::Range<usize>> = (0..n)
                .step_by(JSON_BLOCK)
                .map(|start| start..(start + JSON_BLOCK).min(n))
                .collect();
            // Formatted on every core and written in order as they come, so only a few
            // blocks wait in memory at a time.
            par::try_in_order(
                blocks.len(),
                par::cores(),
                |b| {
                    let range = blocks[b].clone();
                    // A bug in the formatting ends the command with an error, not a panic.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.format_block(range)))
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("JSON formatting failed")))
                },
                |block| Ok(out.write_all(&block)?),
            )?;
            out.write_all(b"\n  ]")?;
        }
        out.write_all(b",\n  \"models\": ")?;
        write_pretty_at(out, &self.models, 1)?;
        out.write_all(b",\n  \"backtest\": ")?;
        write_pretty_at(out, &self.backtest, 1)?;
        out.write_all(b"\n}")?;
        Ok(())
    }
}

impl CustomersJson<'_> {
    /// The customers of `range`, each pretty-printed at the depth of the `customers` array
    /// (four spaces), separated by commas; a leading comma unless the block is the first.
    fn format_block(&self, range: std::ops::Range<usize>) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(range.len() * 2_048);
        for i in range {
            if i > 0 {
                buf.extend_from_slice(b",\n");
            }
            let customer = customer_json(
                &self.series.customers[i],
                &self.types[i],
                self.abc[i],
                self.forecast.customers.get(i),
                self.with_features,
                self.lang,
            );
            buf.extend_from_slice(b"    ");
            // Two levels deep: in the document and its `customers` array.
            write_pretty_at(&mut buf, &customer, 2)?;
        }
        Ok(buf)
    }
}

/// serde_json's pretty printer as it stands `depth` levels deep in a document, so a part
/// formatted on its own fits where it is written (its closing bracket, too).
fn pretty_at_depth(depth: usize) -> serde_json::ser::PrettyFormatter<'static> {
    use serde_json::ser::Formatter as _;
    let mut f = serde_json::ser::PrettyFormatter::new();
    for _ in 0..depth {
        // Opening a level only counts the indent; nothing reaches the sink.
        let _ = f.begin_object(&mut std::io::sink());
    }
    f
}

/// `value` pretty-printed `depth` levels deep (see [`pretty_at_depth`]).
fn write_pretty_at(out: &mut impl Write, value: &impl Serialize, depth: usize) -> Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, pretty_at_depth(depth));
    value.serialize(&mut ser)?;
    Ok(())
}

/// The JSON document of `analyze --json`.
pub fn to_json<'a>(
    analysis: &'a Analysis,
    report: &'a ImportReport,
    args: &Args,
    settings: &Settings,
    lang: Lang,
) -> Result<AnalyzeJson<'a>> {
    let (series, types, forecast, portfolio) = (
        &analysis.series,
        &analysis.types[..],
        &analysis.forecast,
        &analysis.portfolio,
    );
    let serve = analysis.cost_to_serve.as_ref();
    let migration = analysis.migration.as_ref();
    let by_type = kundenwert_workbench::records::by_type_json(analysis);
    let all = analysis.totals();
    Ok(AnalyzeJson {
        head: HeadJson {
            as_of: series.as_of,
            period: series.period.as_str(),
            time_unit: settings.forecast.time_unit.id(),
            settings: crate::settings::json(settings),
            value_basis: series.basis,
            cost_to_serve: json!(serve.map(|c| json!({
                "per_order": c.per_order,
                "per_line": c.per_line,
                "assumed_margin_rate": c.margin_rate,
                "fixed_costs_customers": c.fixed_per_year.len(),
                "fixed_costs_per_year": rounded(c.fixed_per_year.values().sum(), 2),
            }))),
            input: InputJson {
                rows_read: report.rows_read,
                rows_accepted: report.rows_accepted,
                rows_rejected: report.rows_rejected,
                blank_lines: report.blank_lines,
                rejected: RejectedJson { report, lang },
                files: &report.files,
                holdout: &series.holdout,
            },
            summary: json!({
                "customers": all.customers,
                "revenue": rounded(all.revenue, 2),
                "cost": all.cost.map(|v| rounded(v, 2)),
                "margin": all.cost.map(|c| rounded(all.revenue - c, 2)),
                "current_value": rounded(all.current_value, 2),
                "by_type": by_type,
            }),
            portfolio: json!({
                "abc": kundenwert_workbench::records::abc_json(&portfolio.abc),
                "whale_curve": kundenwert_workbench::records::whale_json(&portfolio.whale_curve),
                "quadrants": portfolio.quadrants,
                "migration": serde_json::to_value(migration)?,
            }),
        },
        customers: CustomersJson {
            series,
            types,
            abc: &portfolio.abc.classes,
            forecast,
            with_features: args.features,
            lang,
        },
        models: crate::future::models_json(forecast, lang),
        backtest: crate::future::backtest_json(forecast, lang),
    })
}

/// The type migration as text: the matrix (rows: before, columns: now) and the largest movers.
fn migration_text(m: &kundenwert_analysis::migration::Migration, top: usize, lang: Lang) -> String {
    let name = |id: &'static str| -> &'static str {
        CustomerType::ALL
            .iter()
            .find(|t| t.id() == id)
            .map_or(id, |t| type_name(*t, lang))
    };
    let mut s = format!(
        "\n{}\n",
        text::analyze_migration_title(
            lang,
            crate::fmt::date(m.from, lang),
            crate::fmt::date(m.to, lang)
        )
    );
    let width = m
        .types
        .iter()
        .map(|t| name(t).chars().count())
        .max()
        .unwrap_or(5)
        .max(12);
    s += &format!("  {:<width$}", text::analyze_migration_corner(lang));
    for t in &m.types {
        s += &format!(" {:>12}", name(t));
    }
    s += "\n";
    for (i, row) in m.matrix.iter().enumerate() {
        s += &format!("  {:<width$}", name(m.types[i]));
        for v in row {
            s += &format!(" {:>12}", count(*v, lang));
        }
        s += "\n";
    }
    s += &format!(
        "  {}\n",
        text::analyze_migration_new(lang, count(m.new_customers, lang))
    );
    if !m.moved.is_empty() {
        s += &format!(
            "{}\n",
            text::analyze_migration_moved(lang, count(m.moved.len() as u64, lang))
        );
        for mv in m.moved.iter().take(top) {
            s += &format!(
                "  {:<10} {:<28} {} → {}  {}\n",
                one_line(&mv.id),
                one_line(mv.name.as_deref().unwrap_or_default())
                    .chars()
                    .take(28)
                    .collect::<String>(),
                name(mv.from),
                name(mv.to),
                amount(mv.current_value, 2, lang)
            );
        }
    }
    s
}

/// A value as one table cell: a quoted field may hold line breaks or tabs, which would tear the
/// table apart; runs of whitespace become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A type's name for readers.
pub fn type_name(t: CustomerType, lang: Lang) -> &'static str {
    t.label(lang)
}

/// The ABC line and the whale-curve headline of the summary.
fn portfolio_lines(p: &Portfolio, basis: ValueBasis, lang: Lang) -> String {
    let abc = &p.abc;
    let mut s = text::analyze_abc(
        lang,
        count(abc.a.customers as u64, lang),
        count(abc.b.customers as u64, lang),
        count(abc.c.customers as u64, lang),
        percent(abc.cutoff_a, lang),
        percent(abc.cutoff_b, lang),
    );
    s.push('\n');
    let w = &p.whale_curve;
    let margin = match basis {
        ValueBasis::Margin => text::analyze_of_margin(lang),
        ValueBasis::Revenue => text::analyze_of_revenue(lang),
    };
    let headline = match &w.peak {
        Some(peak) => text::analyze_whale_peak(
            lang,
            margin,
            percent(peak.customer_share, lang),
            percent(peak.margin_share, lang),
        ),
        None => text::analyze_whale_not_positive(lang, margin),
    };
    s += &text::analyze_whale_line(lang, headline, percent(w.negative_share, lang));
    s.push('\n');
    s
}

/// The terminal summary.
pub fn summary(
    analysis: &Analysis,
    report: &ImportReport,
    top: usize,
    settings: &Settings,
    lang: Lang,
) -> String {
    let (series, types, forecast) = (&analysis.series, &analysis.types[..], &analysis.forecast);
    let serve = analysis.cost_to_serve.as_ref();
    let mut s = String::new();
    let as_of = crate::fmt::date(series.as_of, lang);
    let period = match series.period {
        PeriodKind::Month => text::analyze_period_months(lang),
        PeriodKind::Quarter => text::analyze_period_quarters(lang),
        PeriodKind::Year => text::analyze_period_years(lang),
    };
    s += &format!("{}\n\n", text::analyze_title(lang, &as_of, period));
    if report.files.is_empty() {
        s += &format!(
            "{}\n",
            text::analyze_workspace(lang, crate::workspace::path().display())
        );
    }
    for f in &report.files {
        s += &format!("{}\n", text::analyze_file(lang, &f.path));
        let delimiter = match f.delimiter.as_deref() {
            Some("\t") => "tab".to_string(),
            Some(d) => d.to_string(),
            None => "xlsx".to_string(),
        };
        s += &format!(
            "       {}\n",
            text::analyze_file_formats(
                lang,
                &f.date_format,
                if f.datev { ", DATEV" } else { "" },
                f.decimal.as_deref().unwrap_or("?"),
                delimiter,
                &f.encoding,
            )
        );
        let cols: Vec<String> = f.columns.iter().map(|(r, h)| format!("{r}={h}")).collect();
        s += &format!(
            "       {}\n",
            text::analyze_file_columns(lang, cols.join(", "))
        );
        for d in &f.derived {
            s += &format!("       {}\n", text::analyze_file_derived(lang, d));
        }
    }
    s += &format!(
        "{}\n",
        text::analyze_settings(lang, crate::settings::changed_text(settings, lang))
    );
    s += &format!(
        "\n{}\n",
        text::analyze_rows(
            lang,
            count(report.rows_accepted, lang),
            count(report.blank_lines, lang),
            count(report.rows_read, lang),
            count(report.rows_rejected, lang),
        )
    );
    if series.holdout.rows > 0 {
        s += &format!(
            "{}\n",
            text::analyze_holdout(lang, count(series.holdout.rows, lang))
        );
    }
    let all = analysis.totals();
    let revenue = all.revenue;
    s += &text::analyze_revenue(lang, amount(revenue, 2, lang));
    if let Some(cost) = all.cost {
        s += &text::analyze_cost_and_margin(
            lang,
            amount(cost, 2, lang),
            amount(revenue - cost, 2, lang),
        );
    }
    s += "\n";
    s += &format!(
        "{}\n",
        text::analyze_customers(lang, count(series.customers.len() as u64, lang))
    );
    let by_type: Vec<String> = analysis
        .totals_by_type()
        .into_iter()
        .filter(|(_, sums)| sums.customers > 0)
        .map(|(t, sums)| {
            format!(
                "{} {}",
                count(sums.customers as u64, lang),
                type_name(t, lang)
            )
        })
        .collect();
    s += &format!("{}\n", text::analyze_types(lang, by_type.join(" · ")));
    s += &portfolio_lines(&analysis.portfolio, series.basis, lang);
    s += &crate::future::summary_lines(forecast, lang);
    let basis = match (series.basis, serve) {
        (ValueBasis::Margin, Some(c)) => {
            text::analyze_basis_margin_ii(
                lang,
                amount(c.per_line, 2, lang),
                amount(c.per_order, 2, lang),
            ) + &c.margin_rate.map_or(String::new(), |m| {
                text::analyze_basis_estimated_cost(lang, percent(m, lang))
            }) + &if c.fixed_per_year.is_empty() {
                String::new()
            } else {
                text::analyze_basis_fixed_costs(lang, c.fixed_per_year.len())
            }
        }
        (ValueBasis::Margin, None) => text::analyze_basis_margin(lang).to_string(),
        (ValueBasis::Revenue, _) => text::analyze_basis_revenue(lang).to_string(),
    };
    let window_start = kundenwert_core::Period::containing(PeriodKind::Month, series.as_of)
        .first_month_index()
        - 11;
    let start = kundenwert_core::Period::containing_month(PeriodKind::Month, window_start).start();
    s += &format!(
        "\n{}\n",
        text::analyze_top_customers(lang, basis, crate::fmt::date(start, lang), &as_of)
    );
    let mut ranked: Vec<(&CustomerSeries, &Classification, Option<&CustomerForecast>)> = series
        .customers
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (c, k))| (c, k, forecast.customers.get(i)))
        .collect();
    ranked.sort_by(|a, b| b.0.current_value.total_cmp(&a.0.current_value));
    let headers = [
        "#",
        text::analyze_col_customer(lang),
        text::analyze_col_name(lang),
        text::analyze_col_current_value(lang),
        text::analyze_col_total_revenue(lang),
        text::analyze_col_orders(lang),
        text::analyze_col_last_order(lang),
        text::analyze_col_type(lang),
        text::analyze_col_future_value(lang),
        text::analyze_col_active(lang),
    ];
    let rows: Vec<[String; 10]> = ranked
        .iter()
        .take(top)
        .enumerate()
        .map(|(i, (c, k, f))| {
            [
                (i + 1).to_string(),
                one_line(&c.id),
                one_line(c.name.as_deref().unwrap_or_default())
                    .chars()
                    .take(28)
                    .collect(),
                amount(c.current_value, 2, lang),
                amount(c.revenue, 2, lang),
                count(c.orders, lang),
                crate::fmt::date(c.last_date, lang),
                type_name(k.customer_type, lang).to_string(),
                f.map_or(String::new(), |f| {
                    format!(
                        "{} ({}–{})",
                        amount(f.future_value, 0, lang),
                        amount(f.future_value_low, 0, lang),
                        amount(f.future_value_high, 0, lang)
                    )
                }),
                f.map_or(String::new(), |f| percent(f.p_alive, lang)),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let right = [
        true, false, false, true, true, true, false, false, true, true,
    ];
    // Exports without a name column (CDNOW) get no empty Name column.
    let show_name = series.customers.iter().any(|c| c.name.is_some());
    let line = |cells: &[String]| {
        let mut l = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            if i == 2 && !show_name {
                continue;
            }
            let pad = widths[i] - cell.chars().count();
            l.push(' ');
            if right[i] {
                l += &" ".repeat(pad);
                l += cell;
            } else {
                l += cell;
                l += &" ".repeat(pad);
            }
            l.push(' ');
        }
        l.trim_end().to_string() + "\n"
    };
    s += &line(&headers.map(String::from));
    for r in &rows {
        s += &line(r);
    }
    if report.rows_rejected > 0 {
        s += &format!(
            "\n{}\n",
            text::analyze_rows_rejected(lang, count(report.rows_rejected, lang))
        );
    }
    s
}
