//! `kundenwert plan`: the handbook's focus plan (Vorlage) kept in the workspace — which customer
//! type, product, service or chain to work on, why, which customers (listed, or a selection
//! re-evaluated on the current data), activities, coaching and priorities; exported as
//! Markdown or HTML in German or English. `kundenwert select` keeps named selections that plans
//! refer to as `@name`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use kundenwert_chain::plan::{
    self, parse_plan, plan_to_json, plan_to_yaml, Plan, PlanContext, PlanErrors, TargetCustomer,
};
use kundenwert_chain::Format;
use kundenwert_core::Lang;
use kundenwert_store::{Store, Workspace};

use crate::fmt::amount;
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
    /// Write a plan as Markdown, HTML, YAML or JSON.
    Export {
        /// Name of the plan.
        name: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
        format: PlanFormat,
        /// Output file (default: stdout).
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
    /// The plan file, YAML.
    Yaml,
    /// The plan file, JSON.
    Json,
}

/// A plan file or command that does not hold: one line per problem, exit code 2.
fn invalid(errors: &PlanErrors, lang: Lang) -> anyhow::Error {
    let problems: Vec<String> = errors.0.iter().map(|e| e.localized(lang)).collect();
    crate::invalid_document("der Plan", "the plan", &problems, lang).into()
}

fn store_err(e: &kundenwert_store::StoreError, lang: Lang) -> anyhow::Error {
    crate::workspace::store_error(e, lang)
}

fn load(store: &Store, name: &str, lang: Lang) -> Result<Plan> {
    let Some(json) = store.get_plan(name).map_err(|e| store_err(&e, lang))? else {
        return Err(UserError::input(
            match lang {
                Lang::De => format!("kein Plan namens `{name}` im Arbeitsbereich"),
                Lang::En => format!("no plan named `{name}` in the workspace"),
            },
            Some(
                lang.pick(
                    "`kundenwert plan list` zeigt die gespeicherten Pläne",
                    "`kundenwert plan list` shows the stored plans",
                )
                .into(),
            ),
        )
        .into());
    };
    parse_plan(&json, Some(Format::Json)).map_err(|e| invalid(&e, lang))
}

/// A saved selection a plan refers to must exist: otherwise its targets would silently shrink
/// to the listed customers.
fn check_saved_selection(store: &Store, plan: &Plan, lang: Lang) -> Result<Option<String>> {
    let Some(name) = plan.targets.saved_selection() else {
        return Ok(None);
    };
    match store.get_selection(name).map_err(|e| store_err(&e, lang))? {
        Some(expr) => Ok(Some(expr)),
        None => Err(UserError::usage(
            match lang {
                Lang::De => format!("targets.selection: keine gespeicherte Auswahl `@{name}`"),
                Lang::En => format!("targets.selection: no saved selection `@{name}`"),
            },
            Some(
                lang.pick(
                    "mit `kundenwert select save NAME AUSDRUCK` anlegen",
                    "create it with `kundenwert select save NAME EXPRESSION`",
                )
                .into(),
            ),
        )
        .into()),
    }
}

/// A plan about a chain names a stored chain, and its activities' actors and persons exist
/// there (or, for other scopes, in some stored chain): a typo must not leave an activity
/// pointing at nobody. One message per problem, with its path.
fn check_chain_links(store: &Store, plan: &Plan, lang: Lang) -> Result<()> {
    let err = |e: kundenwert_store::StoreError| store_err(&e, lang);
    let mut chains = Vec::new();
    if plan.scope.kind == plan::ScopeKind::Chain {
        match store.get_chain(&plan.scope.value).map_err(err)? {
            Some(json) => chains.push(json),
            None => {
                return Err(UserError::usage(
                    match lang {
                        Lang::De => format!(
                            "scope.value: keine Kette namens `{}` im Arbeitsbereich",
                            plan.scope.value
                        ),
                        Lang::En => format!(
                            "scope.value: no chain named `{}` in the workspace",
                            plan.scope.value
                        ),
                    },
                    Some(
                        lang.pick(
                            "`kundenwert chain list` zeigt die gespeicherten Ketten",
                            "`kundenwert chain list` shows the stored chains",
                        )
                        .into(),
                    ),
                )
                .into())
            }
        }
    } else if plan.activities.iter().any(|a| a.actor.is_some()) {
        for c in store.list_chains().map_err(err)? {
            if let Some(json) = store.get_chain(&c.name).map_err(err)? {
                chains.push(json);
            }
        }
    }
    let chains: Vec<kundenwert_chain::Chain> = chains
        .iter()
        .filter_map(|j| kundenwert_chain::parse(j, Some(Format::Json)).ok())
        .collect();
    let mut problems = Vec::new();
    for (i, a) in plan.activities.iter().enumerate() {
        let Some(actor) = &a.actor else { continue };
        let found = chains.iter().find_map(|c| c.actor(actor));
        match found {
            None => problems.push(match lang {
                Lang::De => format!(
                    "activities[{i}].actor: kein Akteur `{actor}` in den gespeicherten Ketten"
                ),
                Lang::En => {
                    format!("activities[{i}].actor: no actor `{actor}` in the stored chains")
                }
            }),
            Some(act) => {
                if let Some(person) = &a.person {
                    if !act.persons.iter().any(|p| &p.name == person) {
                        problems.push(match lang {
                            Lang::De => format!(
                                "activities[{i}].person: `{person}` ist bei `{actor}` nicht bekannt"
                            ),
                            Lang::En => format!(
                                "activities[{i}].person: `{person}` is not known at `{actor}`"
                            ),
                        });
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(UserError::usage(
        format!(
            "{}\n  {}",
            lang.pick(
                "der Plan verweist auf Unbekanntes:",
                "the plan refers to what does not exist:"
            ),
            problems.join("\n  ")
        ),
        Some(
            lang.pick(
                "nichts wurde gespeichert; zuerst die Kette importieren oder den Verweis korrigieren",
                "nothing was stored; import the chain first or correct the reference",
            )
            .into(),
        ),
    )
    .into())
}

fn save(store: &mut Store, plan: &Plan, lang: Lang) -> Result<()> {
    check_saved_selection(store, plan, lang)?;
    check_chain_links(store, plan, lang)?;
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
    let saved = check_saved_selection(store, plan, lang)?;
    let filter = plan
        .targets
        .filter(saved.as_deref())
        .map_err(|e| UserError::usage(e.localized(lang), None))?;
    let (chosen, as_of, stated) = if crate::workspace::path().exists() {
        let bench = crate::workspace::analysed(lang)?;
        let stated = crate::workspace::analysis_line(&bench, lang)?;
        let as_of = bench
            .run()
            .map_err(|e| crate::workspace::workbench_error(&e, lang))?
            .map(|r| r.as_of);
        let chosen = bench
            .plan_targets(&filter)
            .map_err(|e| crate::workspace::workbench_error(&e, lang))?;
        (chosen, as_of, stated)
    } else {
        (Vec::new(), None, None)
    };
    let context = PlanContext {
        as_of,
        customers: chosen
            .into_iter()
            .map(|r| TargetCustomer {
                type_label: Some(kundenwert_workbench::type_label(&r, lang).to_owned()),
                id: r.number,
                name: r.name,
                current_value: Some(r.current_value),
                future_value: r.future_value,
            })
            .collect(),
    };
    Ok((context, stated))
}

fn write_out(output: Option<&PathBuf>, text: &str) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    match args.command {
        PlanCommand::Import { file } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("cannot read `{}`", file.display()))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                UserError::usage(
                    match lang {
                        Lang::De => format!("`{}` ist kein UTF-8-Text", file.display()),
                        Lang::En => format!("`{}` is not UTF-8 text", file.display()),
                    },
                    None,
                )
            })?;
            let plan =
                parse_plan(&text, Format::from_path(&file)).map_err(|e| invalid(&e, lang))?;
            let mut store = crate::workspace::open(lang)?;
            save(&mut store, &plan, lang)?;
            println!(
                "{} `{}`: {} {} · {} {}",
                lang.pick("Plan gespeichert", "Plan stored"),
                plan.plan,
                plan.activities.len(),
                lang.pick("Aktivitäten", "activities"),
                plan.coaching.len(),
                lang.pick("Kunden im Coaching", "customers to coach"),
            );
            Ok(())
        }
        PlanCommand::New {
            name,
            scope,
            reasons,
            select,
            customers,
        } => {
            let Some((kind, value)) = scope.split_once('=') else {
                return Err(UserError::usage(
                    match lang {
                        Lang::De => format!("`--scope {scope}` braucht die Form ART=WERT"),
                        Lang::En => format!("`--scope {scope}` needs the form KIND=VALUE"),
                    },
                    Some(
                        lang.pick(
                            "z. B. `--scope customer_type=growth` oder `--scope product=Hydraulikzylinder`",
                            "e.g. `--scope customer_type=growth` or `--scope product=cylinders`",
                        )
                        .into(),
                    ),
                )
                .into());
            };
            let reasons: Vec<serde_json::Value> = reasons
                .iter()
                .map(|r| match r.split_once(':') {
                    Some((k, t)) => serde_json::json!({"kind": k.trim(), "text": t.trim()}),
                    None => serde_json::json!(r.trim()),
                })
                .collect();
            let mut target_doc = serde_json::Map::new();
            if !customers.is_empty() {
                target_doc.insert("customers".into(), serde_json::json!(customers));
            }
            if let Some(s) = &select {
                target_doc.insert("selection".into(), serde_json::json!(s));
            }
            let doc = serde_json::json!({
                "plan": name,
                "scope": {"kind": kind.trim(), "value": value.trim()},
                "reasons": reasons,
                "targets": target_doc,
            });
            // Built as a document so that it is checked exactly like a file.
            let plan =
                parse_plan(&doc.to_string(), Some(Format::Json)).map_err(|e| invalid(&e, lang))?;
            let mut store = crate::workspace::open(lang)?;
            if store
                .get_plan(&plan.plan)
                .map_err(|e| store_err(&e, lang))?
                .is_some()
            {
                return Err(UserError::usage(
                    match lang {
                        Lang::De => format!("einen Plan namens `{}` gibt es schon", plan.plan),
                        Lang::En => format!("a plan named `{}` already exists", plan.plan),
                    },
                    Some(
                        lang.pick(
                            "anderen Namen wählen oder `kundenwert plan rm` verwenden",
                            "choose another name or use `kundenwert plan rm`",
                        )
                        .into(),
                    ),
                )
                .into());
            }
            save(&mut store, &plan, lang)?;
            let ctx = targets(&store, &plan, lang)?;
            println!(
                "{} `{}`: {} {}",
                lang.pick("Plan angelegt", "Plan created"),
                plan.plan,
                ctx.customers.len(),
                lang.pick("Zielkunden heute", "target customers today"),
            );
            Ok(())
        }
        PlanCommand::List => {
            if !crate::workspace::path().exists() {
                println!(
                    "{}",
                    lang.pick("Keine Pläne gespeichert", "No plans stored")
                );
                return Ok(());
            }
            let store = crate::workspace::open_existing(lang)?;
            let plans = store.list_plans().map_err(|e| store_err(&e, lang))?;
            if plans.is_empty() {
                println!(
                    "{}",
                    lang.pick("Keine Pläne gespeichert", "No plans stored")
                );
            }
            for p in plans {
                let plan = load(&store, &p.name, lang)?;
                println!(
                    "{}  ({}: {}, {} {}, {} {})",
                    p.name,
                    plan.scope.kind.label(lang),
                    plan.scope.value,
                    plan.activities.len(),
                    lang.pick("Aktivitäten", "activities"),
                    lang.pick("geändert", "updated"),
                    p.updated_at
                );
            }
            Ok(())
        }
        PlanCommand::Show { name } => {
            let store = crate::workspace::open_existing(lang)?;
            let plan = load(&store, &name, lang)?;
            let (ctx, stated) = targets_stated(&store, &plan, lang)?;
            if let Some(line) = stated {
                println!("{line}");
            }
            print!("{}", show(&plan, &ctx, lang));
            Ok(())
        }
        PlanCommand::Export {
            name,
            format,
            output,
        } => {
            let store = crate::workspace::open_existing(lang)?;
            let plan = load(&store, &name, lang)?;
            let text = match format {
                PlanFormat::Yaml => plan_to_yaml(&plan),
                PlanFormat::Json => plan_to_json(&plan),
                PlanFormat::Markdown => {
                    plan::to_markdown(&plan, &targets(&store, &plan, lang)?, lang)
                }
                PlanFormat::Html => plan::to_html(&plan, &targets(&store, &plan, lang)?, lang),
            };
            write_out(output.as_ref(), &text)
        }
        PlanCommand::Rm { name } => {
            let mut store = crate::workspace::open_existing(lang)?;
            if !store.delete_plan(&name).map_err(|e| store_err(&e, lang))? {
                load(&store, &name, lang)?;
            }
            println!("{} `{name}`", lang.pick("Plan gelöscht", "Plan deleted"));
            Ok(())
        }
    }
}

/// The plan as text with its target customers today.
fn show(plan: &Plan, ctx: &PlanContext, lang: Lang) -> String {
    let mut s = format!(
        "{}\n{} {}: {}\n",
        plan.plan,
        lang.pick("Schwerpunkt", "Scope"),
        plan.scope.kind.label(lang),
        plan.scope.value
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
        s += &format!("{} {}\n", lang.pick("Warum:", "Why:"), reasons.join("; "));
    }
    if let Some(sel) = &plan.targets.selection {
        s += &format!("{} {sel}\n", lang.pick("Auswahl:", "Selection:"));
    }
    s += &format!(
        "\n{} ({})\n",
        lang.pick("Zielkunden heute", "Target customers today"),
        ctx.customers.len()
    );
    for c in &ctx.customers {
        s += &format!(
            "  {:<10} {:<30} {:<14} {:>14} {:>14}\n",
            c.id,
            c.name
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(30)
                .collect::<String>(),
            c.type_label.as_deref().unwrap_or(""),
            c.current_value
                .map_or(String::new(), |v| amount(v, 0, lang)),
            c.future_value.map_or(String::new(), |v| amount(v, 0, lang)),
        );
    }
    if !plan.activities.is_empty() {
        s += &format!("\n{}\n", lang.pick("Aktivitäten", "Activities"));
        for a in &plan.activities {
            s += &format!("  [{}] {}", a.status.label(lang), a.what);
            if let Some(o) = &a.owner {
                s += &format!(" — {o}");
            }
            if let Some(d) = a.due {
                s += &format!(
                    ", {} {}",
                    lang.pick("bis", "due"),
                    crate::fmt::date(d, lang)
                );
            }
            s += "\n";
        }
    }
    if !plan.coaching.is_empty() {
        s += &format!(
            "\n{} {}\n",
            lang.pick("Kundencoaching:", "Customer coaching:"),
            plan.coaching.join(", ")
        );
    }
    if !plan.priorities.is_empty() {
        s += &format!("\n{}\n", lang.pick("Prioritäten", "Priorities"));
        for (i, p) in plan.priorities.iter().enumerate() {
            s += &format!("  {}. {p}\n", i + 1);
        }
    }
    s
}
