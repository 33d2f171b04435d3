//! `kundenwert chain`: the problem-solving chain kept in the workspace — import from a file,
//! export to every format, list, show, contact gaps, and editing actors, persons and flows.
//!
//! The workspace stores each chain as its canonical JSON document; every command loads it,
//! changes it through `kundenwert-chain` (which validates the result) and stores it back in one
//! statement, so a failed command changes nothing.

use crate::output::{out, outln};
use kundenwert_text as text;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use kundenwert_chain::edit::{self, EditError};
use kundenwert_chain::{export, gaps, parse, ActorFigures, Chain, ChainErrors, Format, Tier};
use kundenwert_core::Lang;
use kundenwert_store::{Store, Workspace};

use crate::{resolve_lang, LangArg, UserError};

/// Arguments of `kundenwert chain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Language of messages and diagram labels: de or en (default: from LANG).
    #[arg(long, value_enum, global = true, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,

    #[command(subcommand)]
    command: ChainCommand,
}

#[derive(Debug, Subcommand)]
enum ChainCommand {
    /// Store a chain from a YAML or JSON file (replaces a stored chain of the same name).
    Import {
        /// The chain file (`.yaml`, `.yml` or `.json`).
        file: PathBuf,
    },
    /// Start a new chain with our own company as its `self` actor.
    New {
        /// Name of the chain (e.g. the product, service or customer group).
        name: String,
        /// What the chain is about.
        #[arg(long, value_parser = ["product", "service", "customer_group"], default_value = "product")]
        subject: String,
        /// Id of our own company's actor.
        #[arg(long, default_value = "wir")]
        self_id: String,
        /// Name of our own company.
        #[arg(long)]
        self_name: String,
    },
    /// Write a stored chain as a file or diagram.
    Export {
        /// Name of the chain.
        name: String,
        /// Output format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Output file (default: stdout; required for PNG).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// PNG only: pixels per SVG unit.
        #[arg(long, default_value_t = 2.0)]
        scale: f32,
        /// PNG only: a font file (TTF/OTF) for characters the bundled DejaVu Sans lacks
        /// (e.g. Chinese or Japanese names).
        #[arg(long, value_name = "FILE")]
        font: Option<PathBuf>,
    },
    /// List the stored chains.
    List,
    /// Show a chain: its actors by tier, the persons we know, the flows.
    Show {
        /// Name of the chain.
        name: String,
    },
    /// Where contact is missing: actors without a named person, persons without contact,
    /// tiers where nobody has direct contact.
    Gaps {
        /// Name of the chain.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// List persons whose last contact is older than this many days as gone cold
        /// (default 365).
        #[arg(long, value_name = "DAYS")]
        stale_after: Option<i64>,
    },
    /// Delete a stored chain.
    Rm {
        /// Name of the chain.
        name: String,
    },
    /// Add, change or remove an actor.
    #[command(subcommand)]
    Actor(ActorCommand),
    /// Add, change or remove a person at an actor.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Add or remove a flow between actors.
    #[command(subcommand)]
    Flow(FlowCommand),
}

#[derive(Debug, Subcommand)]
enum ActorCommand {
    /// Add an actor: `chain actor add CHAIN ID tier=customer name="Landtechnik Süd" count=40`.
    Add {
        /// Name of the chain.
        chain: String,
        /// Fields as KEY=VALUE (keys as in the chain file: tier, name, count, size,
        /// importance, competitive_position, relationship, success_factors, notes, customer,
        /// segment).
        #[arg(required = true, value_name = "KEY=VALUE")]
        fields: Vec<String>,
    },
    /// Change fields of an actor; an empty value removes an optional field.
    Set {
        /// Name of the chain.
        chain: String,
        /// Id of the actor.
        actor: String,
        /// Fields as KEY=VALUE.
        #[arg(required = true, value_name = "KEY=VALUE")]
        fields: Vec<String>,
    },
    /// Remove an actor.
    Rm {
        /// Name of the chain.
        chain: String,
        /// Id of the actor.
        actor: String,
        /// Also remove the flows from and to it.
        #[arg(long)]
        cascade: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PersonCommand {
    /// Add a person: `chain person add CHAIN ACTOR name="Anna Berg" contact=direct role=Einkauf`.
    Add {
        /// Name of the chain.
        chain: String,
        /// Id of the actor.
        actor: String,
        /// Fields as KEY=VALUE (name, role, contact, known_by, last_contact, notes).
        #[arg(required = true, value_name = "KEY=VALUE")]
        fields: Vec<String>,
    },
    /// Change fields of a person.
    Set {
        /// Name of the chain.
        chain: String,
        /// Id of the actor.
        actor: String,
        /// Name of the person.
        person: String,
        /// Fields as KEY=VALUE.
        #[arg(required = true, value_name = "KEY=VALUE")]
        fields: Vec<String>,
    },
    /// Remove a person.
    Rm {
        /// Name of the chain.
        chain: String,
        /// Id of the actor.
        actor: String,
        /// Name of the person.
        person: String,
    },
}

#[derive(Debug, Subcommand)]
enum FlowCommand {
    /// Add a flow: `chain flow add CHAIN FROM TO KIND [--label TEXT]`.
    Add {
        /// Name of the chain.
        chain: String,
        /// Id of the actor it comes from.
        from: String,
        /// Id of the actor it goes to.
        to: String,
        /// goods, service, money, information or influence.
        kind: String,
        /// Label on the arrow.
        #[arg(long)]
        label: Option<String>,
    },
    /// Remove a flow.
    Rm {
        /// Name of the chain.
        chain: String,
        /// Id of the actor it comes from.
        from: String,
        /// Id of the actor it goes to.
        to: String,
        /// goods, service, money, information or influence.
        kind: String,
    },
}

/// Output formats of `chain export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The chain file, YAML.
    Yaml,
    /// The chain file, JSON.
    Json,
    /// Diagram, SVG.
    Svg,
    /// Diagram, PNG.
    Png,
    /// Diagram, PDF: one landscape A4 page with the chain's name (needs `-o`).
    Pdf,
    /// Mermaid `flowchart LR`.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// draw.io (diagrams.net) XML.
    Drawio,
    /// GraphML.
    Graphml,
}

/// A chain file or edit that does not hold: one line per problem, exit code 2.
pub(crate) fn invalid(errors: &ChainErrors, lang: Lang) -> anyhow::Error {
    let problems: Vec<String> = errors.0.iter().map(|e| e.localized(lang)).collect();
    crate::invalid_document(text::file_invalid_chain, &problems, lang).into()
}

fn edit_error(e: EditError, lang: Lang) -> anyhow::Error {
    match e {
        EditError::Invalid(errors) => invalid(&errors, lang),
        other => UserError::usage(other.localized(lang), None).into(),
    }
}

fn load(store: &Store, name: &str, lang: Lang) -> Result<Chain> {
    let json = store
        .get_chain(name)
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    let Some(json) = json else {
        let names: Vec<String> = store
            .list_chains()
            .map_err(|e| crate::workspace::store_error(&e, lang))?
            .into_iter()
            .map(|c| format!("`{}`", c.name))
            .collect();
        return Err(UserError::input(
            text::chain_cmd_no_such(lang, name),
            Some(if names.is_empty() {
                text::chain_cmd_no_such_hint(lang).to_string()
            } else {
                text::chain_cmd_stored_list(lang, names.join(", "))
            }),
        )
        .into());
    };
    // A stored document is canonical JSON written by this program; if it was edited by hand
    // into something invalid, say so instead of guessing.
    parse(&json, Some(Format::Json)).map_err(|e| invalid(&e, lang))
}

fn save(store: &mut Store, chain: &Chain, lang: Lang) -> Result<()> {
    store
        .put_chain(&chain.chain, &export::to_json(chain))
        .map_err(|e| crate::workspace::store_error(&e, lang))
}

/// Splits `KEY=VALUE` arguments.
fn fields(args: &[String], lang: Lang) -> Result<Vec<(String, String)>> {
    args.iter()
        .map(|a| {
            a.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| {
                    UserError::usage(
                        text::chain_cmd_not_key_value(lang, a),
                        Some(text::chain_cmd_not_key_value_hint(lang).into()),
                    )
                    .into()
                })
        })
        .collect()
}

/// Current value and type of the actors linked to customers, when the workspace holds
/// transactions; empty otherwise (the diagram then shows the chain alone).
fn figures(chain: &Chain, lang: Lang) -> BTreeMap<String, ActorFigures> {
    figures_stated(chain, lang).0
}

/// [`figures`], and the line stating the analysis they come from (as-of and settings) when
/// there are any.
fn figures_stated(chain: &Chain, lang: Lang) -> (BTreeMap<String, ActorFigures>, Option<String>) {
    if !chain
        .actors
        .iter()
        .any(|a| a.customer.is_some() || a.segment.is_some())
    {
        return (BTreeMap::new(), None);
    }
    let Ok(bench) = crate::workspace::analysed(lang) else {
        return (BTreeMap::new(), None);
    };
    let out = bench.actor_figures(chain, lang).unwrap_or_default();
    let stated = if out.is_empty() {
        None
    } else {
        crate::workspace::analysis_line(&bench, lang).ok().flatten()
    };
    (out, stated)
}

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    match args.command {
        ChainCommand::Import { file } => import_file(&file, lang),
        ChainCommand::New {
            name,
            subject,
            self_id,
            self_name,
        } => create(&name, &subject, &self_id, &self_name, lang),
        ChainCommand::Export {
            name,
            format,
            output,
            scale,
            font,
        } => export_chain(&name, format, output.as_ref(), scale, font.as_ref(), lang),
        ChainCommand::List => list(lang),
        ChainCommand::Show { name } => show_chain(&name, lang),
        ChainCommand::Gaps {
            name,
            json,
            stale_after,
        } => contact_gaps(&name, json, stale_after, lang),
        ChainCommand::Rm { name } => rm(&name, lang),
        ChainCommand::Actor(cmd) => actor(cmd, lang),
        ChainCommand::Person(cmd) => person(cmd, lang),
        ChainCommand::Flow(cmd) => flow(cmd, lang),
    }
}

/// `chain import FILE`: store a chain file, replacing a stored chain of the same name.
fn import_file(file: &Path, lang: Lang) -> Result<()> {
    let text = std::fs::read(file)
        .with_context(|| kundenwert_text::file_cannot_read(lang, file.display()))?;
    let text = String::from_utf8(text).map_err(|_| {
        UserError::usage(
            text::file_not_utf8(lang, file.display()),
            Some(text::chain_cmd_not_utf8_hint(lang).into()),
        )
    })?;
    let chain = parse(&text, Format::from_path(file)).map_err(|e| invalid(&e, lang))?;
    let mut store = crate::workspace::open(lang)?;
    let existed = store
        .get_chain(&chain.chain)
        .map_err(|e| crate::workspace::store_error(&e, lang))?
        .is_some();
    save(&mut store, &chain, lang)?;
    let persons: usize = chain.actors.iter().map(|a| a.persons.len()).sum();
    let (actors, flows) = (chain.actors.len(), chain.flows.len());
    outln!(
        "{}",
        if existed {
            text::chain_cmd_replaced(lang, actors, flows, &chain.chain, persons)
        } else {
            text::chain_cmd_stored(lang, actors, flows, &chain.chain, persons)
        }
    );
    Ok(())
}

/// `chain new NAME`: a chain with only ourselves in it, to be filled by the edit commands.
fn create(name: &str, subject: &str, self_id: &str, self_name: &str, lang: Lang) -> Result<()> {
    let mut store = crate::workspace::open(lang)?;
    if store
        .get_chain(name)
        .map_err(|e| crate::workspace::store_error(&e, lang))?
        .is_some()
    {
        return Err(UserError::usage(
            text::chain_cmd_exists(lang, name),
            Some(text::chain_cmd_exists_hint(lang).into()),
        )
        .into());
    }
    let chain =
        edit::new_chain(name, subject, self_id, self_name).map_err(|e| invalid(&e, lang))?;
    save(&mut store, &chain, lang)?;
    outln!("{}", text::chain_cmd_created(lang, &chain.chain));
    Ok(())
}

/// `chain export NAME --format F`: the stored chain as a file or a diagram.
fn export_chain(
    name: &str,
    format: ExportFormat,
    output: Option<&PathBuf>,
    scale: f32,
    font: Option<&PathBuf>,
    lang: Lang,
) -> Result<()> {
    let store = crate::workspace::open_existing(lang)?;
    let chain = load(&store, name, lang)?;
    let bytes = match format {
        ExportFormat::Yaml => export::to_yaml(&chain).into_bytes(),
        ExportFormat::Json => export::to_json(&chain).into_bytes(),
        ExportFormat::Mermaid => export::to_mermaid(&chain, lang).into_bytes(),
        ExportFormat::Dot => export::to_dot(&chain, lang).into_bytes(),
        ExportFormat::Drawio => export::to_drawio(&chain, lang).into_bytes(),
        ExportFormat::Graphml => export::to_graphml(&chain).into_bytes(),
        ExportFormat::Svg => {
            let figures = figures(&chain, lang);
            export::to_svg(&chain, lang, &figures).into_bytes()
        }
        ExportFormat::Png => {
            if output.is_none() {
                return Err(UserError::usage(
                    text::chain_cmd_png_needs_output(lang).into(),
                    Some(text::chain_cmd_png_needs_output_hint(lang).into()),
                )
                .into());
            }
            let figures = figures(&chain, lang);
            match font {
                Some(f) => export::to_png_with_fallback_font(&chain, lang, &figures, scale, f),
                None => export::to_png(&chain, lang, &figures, scale),
            }
            .map_err(|e| UserError::usage(e.message(lang), None))?
        }
        ExportFormat::Pdf => {
            let Some(path) = output else {
                return Err(UserError::usage(
                    text::chain_cmd_pdf_needs_output(lang).into(),
                    Some(text::chain_cmd_pdf_needs_output_hint(lang).into()),
                )
                .into());
            };
            pdf(&chain, path, lang)?
        }
    };
    crate::output::write_out(output, &bytes, lang)
}

/// The chain's diagram as a one-page PDF, dated today.
#[cfg(feature = "pdf")]
fn pdf(chain: &Chain, _path: &Path, lang: Lang) -> Result<Vec<u8>> {
    let (figures, stated) = figures_stated(chain, lang);
    Ok(kundenwert_report::pdf::chain(
        chain,
        &figures,
        stated.as_deref(),
        crate::fmt::today(),
        lang,
    )?)
}

#[cfg(not(feature = "pdf"))]
fn pdf(_chain: &Chain, path: &Path, lang: Lang) -> Result<Vec<u8>> {
    Err(crate::report::no_pdf(path, lang))
}

/// `chain list`: the stored chains with their size and last change.
fn list(lang: Lang) -> Result<()> {
    // No workspace yet is not an error here: it simply holds no chains.
    if !crate::workspace::path().exists() {
        outln!("{}", text::chain_cmd_none_stored(lang));
        return Ok(());
    }
    let store = crate::workspace::open_existing(lang)?;
    let chains = store
        .list_chains()
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    if chains.is_empty() {
        outln!("{}", text::chain_cmd_none_stored(lang));
    }
    for c in chains {
        let chain = load(&store, &c.name, lang)?;
        let persons: usize = chain.actors.iter().map(|a| a.persons.len()).sum();
        outln!(
            "{}",
            text::chain_cmd_list_entry(
                lang,
                chain.actors.len(),
                &c.name,
                persons,
                chain.subject.label(lang),
                &c.updated_at,
            )
        );
    }
    Ok(())
}

/// `chain show NAME`: the chain as text, with the analysis its figures come from.
fn show_chain(name: &str, lang: Lang) -> Result<()> {
    let store = crate::workspace::open_existing(lang)?;
    let chain = load(&store, name, lang)?;
    let (figures, stated) = figures_stated(&chain, lang);
    if let Some(line) = stated {
        outln!("{line}");
    }
    out!("{}", chain_text(&chain, &figures, lang));
    Ok(())
}

/// `chain gaps NAME`: where we have no or only stale contact.
fn contact_gaps(name: &str, json: bool, stale_after: Option<i64>, lang: Lang) -> Result<()> {
    let store = crate::workspace::open_existing(lang)?;
    let chain = load(&store, name, lang)?;
    let today = crate::fmt::today();
    let days = stale_after.unwrap_or(i64::from(gaps::DEFAULT_STALE_DAYS));
    let g = gaps::gaps_with(
        &chain,
        Some(today),
        days.clamp(0, i64::from(u32::MAX)) as u32,
    );
    if json {
        outln!("{}", g.to_json());
    } else {
        out!("{}", g.render(lang));
    }
    Ok(())
}

/// `chain rm NAME`.
fn rm(name: &str, lang: Lang) -> Result<()> {
    let mut store = crate::workspace::open_existing(lang)?;
    let removed = store
        .delete_chain(name)
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    if !removed {
        // Says which chains there are.
        load(&store, name, lang)?;
    }
    outln!("{}", text::chain_cmd_deleted(lang, name));
    Ok(())
}

/// One edit of a stored chain: load it, change it, store it back, say what changed.
fn edit_stored(
    name: &str,
    lang: Lang,
    change: impl FnOnce(&mut Chain) -> Result<String>,
) -> Result<()> {
    let mut store = crate::workspace::open_existing(lang)?;
    let mut chain = load(&store, name, lang)?;
    let message = change(&mut chain)?;
    save(&mut store, &chain, lang)?;
    outln!("{message} ({name})");
    Ok(())
}

/// `chain actor add|set|rm`.
fn actor(cmd: ActorCommand, lang: Lang) -> Result<()> {
    match cmd {
        ActorCommand::Add { chain, fields: f } => edit_stored(&chain, lang, |chain| {
            let f = fields(&f, lang)?;
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let actor = edit::actor_from_fields(&refs).map_err(|e| edit_error(e, lang))?;
            let id = actor.id.clone();
            edit::add_actor(chain, actor).map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_actor_added(lang, &id))
        }),
        ActorCommand::Set {
            chain,
            actor,
            fields: f,
        } => edit_stored(&chain, lang, |chain| {
            let f = fields(&f, lang)?;
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let id =
                edit::set_actor_fields(chain, &actor, &refs).map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_actor_changed(lang, &id))
        }),
        ActorCommand::Rm {
            chain,
            actor,
            cascade,
        } => edit_stored(&chain, lang, |chain| {
            edit::remove_actor(chain, &actor, cascade).map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_actor_removed(lang, &actor))
        }),
    }
}

/// `chain person add|set|rm`.
fn person(cmd: PersonCommand, lang: Lang) -> Result<()> {
    match cmd {
        PersonCommand::Add {
            chain,
            actor,
            fields: f,
        } => edit_stored(&chain, lang, |chain| {
            let f = fields(&f, lang)?;
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let person = edit::person_from_fields(&refs).map_err(|e| edit_error(e, lang))?;
            let who = person.name.clone();
            edit::add_person(chain, &actor, person).map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_person_added(lang, &actor, &who))
        }),
        PersonCommand::Set {
            chain,
            actor,
            person,
            fields: f,
        } => edit_stored(&chain, lang, |chain| {
            let f = fields(&f, lang)?;
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let who = edit::set_person_fields(chain, &actor, &person, &refs)
                .map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_person_changed(lang, &actor, &who))
        }),
        PersonCommand::Rm {
            chain,
            actor,
            person,
        } => edit_stored(&chain, lang, |chain| {
            edit::remove_person(chain, &actor, &person).map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_person_removed(lang, &actor, &person))
        }),
    }
}

/// `chain flow add|rm`.
fn flow(cmd: FlowCommand, lang: Lang) -> Result<()> {
    match cmd {
        FlowCommand::Add {
            chain,
            from,
            to,
            kind,
            label,
        } => edit_stored(&chain, lang, |chain| {
            let flow = edit::flow_from_fields(&from, &to, &kind, label.as_deref())
                .map_err(|e| edit_error(e, lang))?;
            edit::add_flow(chain, flow).map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_flow_added(lang, &from, &kind, &to))
        }),
        FlowCommand::Rm {
            chain,
            from,
            to,
            kind,
        } => edit_stored(&chain, lang, |chain| {
            let k = edit::flow_from_fields(&from, &to, &kind, None)
                .map_err(|e| edit_error(e, lang))?
                .kind;
            edit::remove_flow(chain, &from, &to, k).map_err(|e| edit_error(e, lang))?;
            Ok(text::chain_cmd_flow_removed(lang, &from, &kind, &to))
        }),
    }
}

/// The chain as text: tiers in chain order, each actor with its characteristics and persons,
/// then the flows.
fn chain_text(chain: &Chain, figures: &BTreeMap<String, ActorFigures>, lang: Lang) -> String {
    let mut s = format!("{} ({})\n", chain.chain, chain.subject.label(lang));
    if let Some(d) = &chain.description {
        s += &format!("{d}\n");
    }
    for &tier in Tier::ALL {
        let actors: Vec<_> = chain.actors.iter().filter(|a| a.tier == tier).collect();
        if actors.is_empty() {
            continue;
        }
        s += &format!("\n{}\n", tier.label(lang));
        for a in actors {
            let mut facts = Vec::new();
            if let Some(c) = a.count {
                facts.push(format!("×{c}"));
            }
            if let Some(i) = a.importance {
                facts.push(text::chain_show_importance(lang, i));
            }
            if let Some(v) = a.size {
                facts.push(v.label(lang).to_string());
            }
            if let Some(v) = a.competitive_position {
                facts.push(v.label(lang).to_string());
            }
            if let Some(v) = a.relationship {
                facts.push(v.label(lang).to_string());
            }
            if let Some(f) = figures.get(&a.id) {
                if let Some(v) = f.current_value {
                    facts.push(text::chain_show_current_value(
                        lang,
                        crate::fmt::amount(v, 0, lang),
                    ));
                }
                if let Some(t) = &f.customer_type {
                    facts.push(t.clone());
                }
            }
            s += &format!("  [{}] {}", a.id, a.name);
            if !facts.is_empty() {
                s += &format!(" — {}", facts.join(", "));
            }
            s += "\n";
            if !a.success_factors.is_empty() {
                s += &format!(
                    "      {}\n",
                    text::chain_show_success_factors(lang, a.success_factors.join(", "))
                );
            }
            if a.persons.is_empty() {
                s += &format!("      {}\n", text::chain_show_nobody_known(lang));
            }
            for p in &a.persons {
                s += &format!("      • {}", p.name);
                if let Some(r) = &p.role {
                    s += &format!(", {r}");
                }
                s += &format!(" — {}", p.contact.label(lang));
                if let Some(k) = &p.known_by {
                    s += &text::chain_show_known_by(lang, k);
                }
                if let Some(d) = p.last_contact {
                    s += &text::chain_show_last_contact(lang, crate::fmt::date(d, lang));
                }
                s += "\n";
            }
        }
    }
    if !chain.flows.is_empty() {
        s += &format!("\n{}\n", text::chain_legend_flows(lang));
        for f in &chain.flows {
            s += &format!("  {} → {}  {}", f.from, f.to, f.kind.label(lang));
            if let Some(l) = &f.label {
                s += &format!(": {l}");
            }
            s += "\n";
        }
    }
    s
}
