//! `kundenwert plan`: the handbook's focus plan (Vorlage) kept in the workspace — which customer
//! type, product, service or chain to work on, why, which customers (listed, or a selection
//! re-evaluated on the current data), activities, coaching and priorities; exported as
//! Markdown or HTML in German or English. `kundenwert select` keeps named selections that plans
//! refer to as `@name`.

use crate::output::{out, outln};
use kundenwert_text as text;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use kundenwert_chain::plan::{
    self, parse_plan, plan_to_json, plan_to_yaml, Plan, PlanContext, PlanErrors,
};
use kundenwert_chain::Format;
use kundenwert_core::Lang;
use kundenwert_store::{Store, Workspace};

use crate::{resolve_lang, LangArg, UserError};

/// Arguments of `kundenwert plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Language of messages and exports: de or en (default: from LANG).
    #[arg(long, value_enum, global = true, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,

    #[command(subcommand)]
    command: PlanCommand,
}

#[derive(Debug, Subcommand)]
enum PlanCommand {
    /// Store a plan from a YAML or JSON file (replaces a stored plan of the same name).
    Import {
        /// The plan file (`.yaml`, `.yml` or `.json`).
        file: PathBuf,
    },
    /// Start a plan: `plan new "Wachstum Süd" --scope customer_type=growth --reason growth
    /// --select "type=growth and future_value>10000"`.
    New {
        /// Name of the plan.
        name: String,
        /// What the plan is about: customer_type=…, product=…, service=… or chain=….
        #[arg(long, value_name = "KIND=VALUE")]
        scope: String,
        /// Why: growth, profitability, innovation, retention or other, optionally `KIND:text`.
        #[arg(long = "reason", value_name = "KIND[:TEXT]")]
        reasons: Vec<String>,
        /// Target customers by a selection, re-evaluated on current data (or `@name` of a saved
        /// selection).
        #[arg(long, value_name = "EXPR")]
        select: Option<String>,
        /// Target customers by number.
        #[arg(long = "customer", value_name = "ID")]
        customers: Vec<String>,
    },
    /// List the stored plans.
    List,
    /// Show a plan with the customers it targets today.
    Show {
        /// Name of the plan.
        name: String,
    },
    /// Write a plan as Markdown, HTML, PDF, YAML or JSON.
    Export {
        /// Name of the plan.
        name: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
        format: PlanFormat,
        /// Output file (default: stdout; required for PDF).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Delete a stored plan.
    Rm {
        /// Name of the plan.
        name: String,
    },
}

/// Output formats of `plan export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Markdown.
    Markdown,
    /// A standalone, printable HTML page.
    Html,
    /// A one-page PDF (needs `-o`).
    Pdf,
    /// The plan file, YAML.
    Yaml,
    /// The plan file, JSON.
    Json,
}

/// A plan file or command that does not hold: one line per problem, exit code 2.
fn invalid(errors: &PlanErrors, lang: Lang) -> anyhow::Error {
    let problems: Vec<String> = errors.0.iter().map(|e| e.localized(lang)).collect();
    crate::invalid_document(text::file_invalid_plan, &problems, lang).into()
}

fn store_err(e: &kundenwert_store::StoreError, lang: Lang) -> anyhow::Error {
    crate::workspace::store_error(e, lang)
}

fn load(store: &Store, name: &str, lang: Lang) -> Result<Plan> {
    let Some(json) = store.get_plan(name).map_err(|e| store_err(&e, lang))? else {
        return Err(UserError::input(
            text::plan_cmd_no_such(lang, name),
            Some(text::plan_cmd_no_such_hint(lang).into()),
        )
        .into());
    };
    parse_plan(&json, Some(Format::Json)).map_err(|e| invalid(&e, lang))
}

/// The plan's references that do not hold in the workspace (`kundenwert_workbench::plan_problems`),
/// said as the commands say them: the first of a saved selection or a chain, else every
/// unknown actor or person of the activities, one line each with its path.
fn check_references(store: &Store, plan: &Plan, lang: Lang) -> Result<()> {
    use kundenwert_workbench::PlanProblem;
    let problems = kundenwert_workbench::plan_problems(store, plan)
        .map_err(|e| crate::workspace::workbench_error(&e, lang))?;
    let mut links = Vec::new();
    for p in problems {
        match p {
            PlanProblem::NoSuchSelection(name) => {
                return Err(UserError::usage(
                    text::plan_cmd_no_such_selection(lang, &name),
                    Some(text::plan_cmd_no_such_selection_hint(lang).into()),
                )
                .into())
            }
            PlanProblem::NoSuchChain(name) => {
                return Err(UserError::usage(
                    text::plan_cmd_no_such_chain(lang, &name),
                    Some(text::plan_cmd_no_such_chain_hint(lang).into()),
                )
                .into())
            }
            PlanProblem::BrokenChain { errors, .. } => {
                return Err(crate::chain::invalid(&errors, lang))
            }
            PlanProblem::BadSelection(e) => {
                return Err(UserError::usage(e.localized(lang), None).into())
            }
            PlanProblem::Link(l) => links.push(l.localized(lang)),
        }
    }
    if links.is_empty() {
        return Ok(());
    }
    Err(UserError::usage(
        format!(
            "{}\n  {}",
            text::plan_cmd_unknown_references(lang),
            links.join("\n  ")
        ),
        Some(text::plan_cmd_unknown_references_hint(lang).into()),
    )
    .into())
}

fn save(store: &mut Store, plan: &Plan, lang: Lang) -> Result<()> {
    check_references(store, plan, lang)?;
    store
        .put_plan(&plan.plan, &plan_to_json(plan))
        .map_err(|e| store_err(&e, lang))
}

/// The customers the plan targets on the workspace's current data, best future value first.
fn targets(store: &Store, plan: &Plan, lang: Lang) -> Result<PlanContext> {
    Ok(targets_stated(store, plan, lang)?.0)
}

/// [`targets`], and the line stating the analysis they come from (as-of and settings), when
/// the workspace has one.
fn targets_stated(store: &Store, plan: &Plan, lang: Lang) -> Result<(PlanContext, Option<String>)> {
    use kundenwert_workbench::PlanProblem;
    let refused = |p: PlanProblem| -> anyhow::Error {
        match p {
            PlanProblem::NoSuchSelection(name) => UserError::usage(
                text::plan_cmd_no_such_selection(lang, &name),
                Some(text::plan_cmd_no_such_selection_hint(lang).into()),
            )
            .into(),
            other => UserError::usage(other.localized(lang), None).into(),
        }
    };
    if !crate::workspace::path().exists() {
        // Without a workspace nothing is targeted; a wrong selection is still said.
        let saved = match plan.targets.saved_selection() {
            Some(name) => match store.get_selection(name).map_err(|e| store_err(&e, lang))? {
                Some(expr) => Some(expr),
                None => return Err(refused(PlanProblem::NoSuchSelection(name.to_owned()))),
            },
            None => None,
        };
        plan.targets
            .filter(saved.as_deref())
            .map_err(|e| refused(PlanProblem::BadSelection(e)))?;
        return Ok((PlanContext::default(), None));
    }
    let bench = crate::workspace::analysed(lang)?;
    let stated = crate::workspace::analysis_line(&bench, lang)?;
    let context = bench
        .plan_context(plan, lang)
        .map_err(|e| crate::workspace::workbench_error(&e, lang))?
        .map_err(refused)?;
    Ok((context, stated))
}

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    match args.command {
        PlanCommand::Import { file } => import_file(&file, lang),
        PlanCommand::New {
            name,
            scope,
            reasons,
            select,
            customers,
        } => create(&name, &scope, &reasons, select.as_deref(), &customers, lang),
        PlanCommand::List => list(lang),
        PlanCommand::Show { name } => show_plan(&name, lang),
        PlanCommand::Export {
            name,
            format,
            output,
        } => export_plan(&name, format, output.as_ref(), lang),
        PlanCommand::Rm { name } => rm(&name, lang),
    }
}

/// `plan import FILE`: store a plan file, replacing a stored plan of the same name.
fn import_file(file: &Path, lang: Lang) -> Result<()> {
    let bytes = std::fs::read(file)
        .with_context(|| kundenwert_text::file_cannot_read(lang, file.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| UserError::usage(text::file_not_utf8(lang, file.display()), None))?;
    let plan = parse_plan(&text, Format::from_path(file)).map_err(|e| invalid(&e, lang))?;
    let mut store = crate::workspace::open(lang)?;
    save(&mut store, &plan, lang)?;
    outln!(
        "{}",
        text::plan_cmd_stored(lang, plan.activities.len(), plan.coaching.len(), &plan.plan,)
    );
    Ok(())
}

/// `plan new NAME --scope KIND=VALUE`: a plan from the command line, checked like a file.
fn create(
    name: &str,
    scope: &str,
    reasons: &[String],
    select: Option<&str>,
    customers: &[String],
    lang: Lang,
) -> Result<()> {
    let Some((kind, value)) = scope.split_once('=') else {
        return Err(UserError::usage(
            text::plan_cmd_scope_form(lang, scope),
            Some(text::plan_cmd_scope_form_hint(lang).into()),
        )
        .into());
    };
    // Built as a document so that it is checked exactly like a file.
    let plan = plan::edit::new_plan(name, kind, value, reasons, select, customers)
        .map_err(|e| invalid(&e, lang))?;
    let mut store = crate::workspace::open(lang)?;
    if store
        .get_plan(&plan.plan)
        .map_err(|e| store_err(&e, lang))?
        .is_some()
    {
        return Err(UserError::usage(
            text::plan_cmd_exists(lang, &plan.plan),
            Some(text::plan_cmd_exists_hint(lang).into()),
        )
        .into());
    }
    save(&mut store, &plan, lang)?;
    let ctx = targets(&store, &plan, lang)?;
    outln!(
        "{}",
        text::plan_cmd_created(lang, ctx.customers.len(), &plan.plan)
    );
    Ok(())
}

/// `plan list`: the stored plans with their scope and last change.
fn list(lang: Lang) -> Result<()> {
    if !crate::workspace::path().exists() {
        outln!("{}", text::plan_cmd_none_stored(lang));
        return Ok(());
    }
    let store = crate::workspace::open_existing(lang)?;
    let plans = store.list_plans().map_err(|e| store_err(&e, lang))?;
    if plans.is_empty() {
        outln!("{}", text::plan_cmd_none_stored(lang));
    }
    for p in plans {
        let plan = load(&store, &p.name, lang)?;
        outln!(
            "{}",
            text::plan_cmd_list_entry(
                lang,
                plan.activities.len(),
                &p.name,
                plan.scope.kind.label(lang),
                &p.updated_at,
                &plan.scope.value,
            )
        );
    }
    Ok(())
}

/// `plan show NAME`: the plan with its target customers in the stored analysis.
fn show_plan(name: &str, lang: Lang) -> Result<()> {
    let store = crate::workspace::open_existing(lang)?;
    let plan = load(&store, name, lang)?;
    let (ctx, stated) = targets_stated(&store, &plan, lang)?;
    if let Some(line) = stated {
        outln!("{line}");
    }
    out!("{}", plan_text(&plan, &ctx, lang));
    Ok(())
}

/// `plan export NAME --format F`.
fn export_plan(name: &str, format: PlanFormat, output: Option<&PathBuf>, lang: Lang) -> Result<()> {
    let store = crate::workspace::open_existing(lang)?;
    let plan = load(&store, name, lang)?;
    let text = match format {
        PlanFormat::Yaml => plan_to_yaml(&plan),
        PlanFormat::Json => plan_to_json(&plan),
        PlanFormat::Markdown => plan::to_markdown(&plan, &targets(&store, &plan, lang)?, lang),
        PlanFormat::Html => plan::to_html(&plan, &targets(&store, &plan, lang)?, lang),
        PlanFormat::Pdf => {
            let Some(path) = output else {
                return Err(UserError::usage(
                    text::plan_cmd_pdf_needs_output(lang).into(),
                    Some(text::plan_cmd_pdf_needs_output_hint(lang).into()),
                )
                .into());
            };
            let bytes = pdf(&plan, &targets(&store, &plan, lang)?, path, lang)?;
            return crate::output::write_file(path, &bytes, lang);
        }
    };
    crate::output::write_out(output, text.as_bytes(), lang)
}

/// The plan as a one-page PDF, dated with the analysis's as-of (today without one).
#[cfg(feature = "pdf")]
fn pdf(plan: &Plan, ctx: &PlanContext, _path: &Path, lang: Lang) -> Result<Vec<u8>> {
    let date = ctx.as_of.unwrap_or_else(crate::fmt::today);
    Ok(kundenwert_report::pdf::plan(plan, ctx, date, lang)?)
}

#[cfg(not(feature = "pdf"))]
fn pdf(_plan: &Plan, _ctx: &PlanContext, path: &Path, lang: Lang) -> Result<Vec<u8>> {
    Err(crate::report::no_pdf(path, lang))
}

/// `plan rm NAME`.
fn rm(name: &str, lang: Lang) -> Result<()> {
    let mut store = crate::workspace::open_existing(lang)?;
    if !store.delete_plan(name).map_err(|e| store_err(&e, lang))? {
        // Says which plans there are.
        load(&store, name, lang)?;
    }
    outln!("{}", text::plan_cmd_deleted(lang, name));
    Ok(())
}

/// The plan as text with its target customers today.
fn plan_text(plan: &Plan, ctx: &PlanContext, lang: Lang) -> String {
    let mut s = format!(
        "{}\n{}\n",
        plan.plan,
        text::plan_show_scope(
            lang,
            plan.scope.kind.label(lang),
            kundenwert_chain::plan::scope_value(&plan.scope, lang),
        )
    );
    if !plan.reasons.is_empty() {
        let reasons: Vec<String> = plan
            .reasons
            .iter()
            .map(|r| match &r.text {
                Some(t) => format!("{} ({t})", r.kind.label(lang)),
                None => r.kind.label(lang).to_string(),
            })
            .collect();
        s += &format!("{}\n", text::plan_show_why(lang, reasons.join("; ")));
    }
    if let Some(sel) = &plan.targets.selection {
        s += &format!("{}\n", text::plan_show_selection(lang, sel));
    }
    s += &format!("\n{}\n", text::plan_show_targets(lang, ctx.customers.len()));
    for c in &ctx.customers {
        s += &crate::fmt::customer_row(
            &c.id,
            c.name.as_deref(),
            c.type_label.as_deref().unwrap_or(""),
            c.current_value,
            c.future_value,
            lang,
        );
        s.push('\n');
    }
    if !plan.activities.is_empty() {
        s += &format!("\n{}\n", text::plan_label_activities(lang));
        for a in &plan.activities {
            s += &format!("  [{}] {}", a.status.label(lang), a.what);
            if let Some(o) = &a.owner {
                s += &format!(" — {o}");
            }
            if let Some(d) = a.due {
                s += &text::plan_show_due(lang, crate::fmt::date(d, lang));
            }
            s += "\n";
        }
    }
    if !plan.coaching.is_empty() {
        s += &format!(
            "\n{}\n",
            text::plan_show_coaching(lang, plan.coaching.join(", "))
        );
    }
    if !plan.priorities.is_empty() {
        s += &format!("\n{}\n", text::plan_show_priorities(lang));
        for (i, p) in plan.priorities.iter().enumerate() {
            s += &format!("  {}. {p}\n", i + 1);
        }
    }
    s
}
