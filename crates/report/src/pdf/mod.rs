//! The report, a chain diagram and a focus plan as PDF: typst embedded as a library. Each is
//! first laid out as a [`doc::Document`] (headings, paragraphs, tables, SVG images; every
//! number formatted here, in the reader's language), which typst then typesets with one small
//! layout (`layout.typ`) and the bundled DejaVu Sans: paginated, tables with repeating
//! headers, text selectable, fonts embedded as subsets, charts as vector graphics with real
//! text. The PDF states the date of the analysis as its creation date and carries no clock
//! time, so the same analysis gives the same file.

mod doc;
mod report;
mod world;

use chrono::NaiveDate;
use kundenwert_chain::plan::PlanContext;
use kundenwert_chain::{ActorFigures, Chain};
use kundenwert_core::{fmt, Lang};
use kundenwert_text as t;
use std::collections::BTreeMap;

use crate::format::money_opt;
use crate::Report;
use doc::{Document, Table};

const LAYOUT: &str = include_str!("layout.typ");

/// Why typst could not make the PDF (a defect of ours: the content is plain text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The layout failed.
    #[error("PDF layout: {0}")]
    Layout(String),
    /// The PDF could not be written.
    #[error("PDF export: {0}")]
    Pdf(String),
}

fn compile(document: &Document) -> Result<Vec<u8>, PdfError> {
    world::compile(LAYOUT, document.to_json())
}

/// The report as a PDF in `report.lang`: the same sections as the HTML report.
///
/// # Errors
/// When typst fails (a defect, not a property of the data).
pub fn render(report: &Report) -> Result<Vec<u8>, PdfError> {
    compile(&report::document(report))
}

/// A chain's diagram (the SVG of [`kundenwert_chain::export::to_svg`], with the actors'
/// `figures`) on one landscape page under the chain's name and description, with `stated`
/// (the line naming the analysis the figures come from) above it; `date` is the PDF's
/// creation date.
///
/// # Errors
/// When typst fails.
pub fn chain(
    chain: &Chain,
    figures: &BTreeMap<String, ActorFigures>,
    stated: Option<&str>,
    date: NaiveDate,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    let mut d = Document::new(lang, chain.chain.clone(), date);
    d.subtitle = chain.description.clone();
    d.landscape = true;
    if let Some(line) = stated {
        d.muted(line);
    }
    d.svg_filling(kundenwert_chain::export::to_svg(chain, lang, figures));
    compile(&d)
}

/// A focus plan on one page (a plan with many activities or long notes continues on the
/// next): its scope, reasons, the first [`PLAN_TOP`] target customers (`ctx` lists them best
/// future value first) with the total of all, activities, priorities, coaching and notes;
/// `date` is the PDF's creation date (the analysis's as-of when there is one, for the same
/// file each time).
///
/// # Errors
/// When typst fails.
pub fn plan(
    plan: &kundenwert_chain::plan::Plan,
    ctx: &PlanContext,
    date: NaiveDate,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    let title = format!("{}: {}", t::plan_label_title(lang), plan.plan);
    let mut d = Document::new(lang, title, date);
    d.subtitle = ctx
        .as_of
        .map(|a| format!("{}: {}", t::plan_label_as_of(lang), fmt::date(a, lang)));
    plan_blocks(&mut d, plan, ctx, 1, lang);
    compile(&d)
}

/// How many of a plan's customers its PDF lists (the best future value first), so that a plan
/// fits one page; the total row still sums them all, and the HTML and Markdown list every one.
pub const PLAN_TOP: usize = 10;

/// The plan's sections as headings of `level` with their content, as the plan's Markdown and
/// HTML reports have them.
fn plan_blocks(
    d: &mut Document,
    plan: &kundenwert_chain::plan::Plan,
    ctx: &PlanContext,
    level: u8,
    lang: Lang,
) {
    use kundenwert_chain::plan::{customer_label, missing_ids, scope_text, sum};
    d.heading(level, t::plan_label_scope(lang));
    d.par(scope_text(&plan.scope, lang));
    if !plan.reasons.is_empty() {
        d.heading(level, t::plan_label_why(lang));
        let items = plan
            .reasons
            .iter()
            .map(|r| {
                let kind = fmt::capitalized(r.kind.label(lang));
                match &r.text {
                    Some(text) => format!("{kind}: {text}"),
                    None => kind,
                }
            })
            .collect();
        d.list(items, false);
    }
    d.heading(level, t::plan_label_customers(lang));
    if let Some(sel) = &plan.targets.selection {
        d.par(match plan.targets.saved_selection() {
            Some(name) => format!(
                "{}: {} {name}",
                t::plan_label_selection(lang),
                t::plan_label_saved(lang)
            ),
            None => format!("{}: {sel}", t::plan_label_selection(lang)),
        });
    }
    if !plan.targets.customers.is_empty() {
        d.par(format!(
            "{}: {}",
            t::plan_label_listed(lang),
            plan.targets.customers.join(", ")
        ));
    }
    if ctx.customers.is_empty() {
        d.par(t::plan_label_none(lang));
    } else {
        let mut table = Table::new(vec![
            t::plan_label_customer(lang).into(),
            t::plan_label_name(lang).into(),
            t::plan_label_type(lang).into(),
            t::plan_label_current(lang).into(),
            t::plan_label_future(lang).into(),
        ])
        .numeric([3, 4])
        .shares([(1, 1)]);
        for c in ctx.customers.iter().take(PLAN_TOP) {
            table.row(vec![
                c.id.clone(),
                c.name.clone().unwrap_or_default(),
                c.type_label.clone().unwrap_or_default(),
                money_opt(c.current_value, lang),
                money_opt(c.future_value, lang),
            ]);
        }
        table.foot(vec![
            format!("{} ({})", t::plan_label_total(lang), ctx.customers.len()),
            String::new(),
            String::new(),
            money_opt(sum(ctx.customers.iter().map(|c| c.current_value)), lang),
            money_opt(sum(ctx.customers.iter().map(|c| c.future_value)), lang),
        ]);
        d.table(table);
        if ctx.customers.len() > PLAN_TOP {
            d.muted(t::report_plan_top(
                lang,
                fmt::count(PLAN_TOP as u64, lang),
                fmt::count(ctx.customers.len() as u64, lang),
            ));
        }
    }
    let missing = missing_ids(plan, ctx);
    if !missing.is_empty() {
        d.muted(format!(
            "{}: {}",
            t::plan_label_not_found(lang),
            missing.join(", ")
        ));
    }
    d.heading(level, t::plan_label_activities(lang));
    if plan.activities.is_empty() {
        d.par(t::plan_label_no_activities(lang));
    } else {
        let mut table = Table::new(vec![
            t::plan_label_priority(lang).into(),
            t::plan_label_what(lang).into(),
            t::plan_label_owner(lang).into(),
            t::plan_label_due(lang).into(),
            t::plan_label_status(lang).into(),
            t::plan_label_actor(lang).into(),
            t::plan_label_customer(lang).into(),
            t::plan_label_person(lang).into(),
        ])
        .numeric([0])
        .shares([(1, 3), (2, 1), (5, 1), (6, 2), (7, 1)]);
        for a in &plan.activities {
            table.row(vec![
                a.priority.map(|p| p.to_string()).unwrap_or_default(),
                a.what.clone(),
                a.owner.clone().unwrap_or_default(),
                a.due.map(|d| fmt::date(d, lang)).unwrap_or_default(),
                fmt::capitalized(a.status.label(lang)),
                a.actor.clone().unwrap_or_default(),
                a.customer
                    .as_deref()
                    .map(|c| customer_label(c, ctx))
                    .unwrap_or_default(),
                a.person.clone().unwrap_or_default(),
            ]);
        }
        d.table(table);
    }
    if !plan.priorities.is_empty() {
        d.heading(level, t::plan_label_priorities(lang));
        d.list(plan.priorities.clone(), true);
    }
    if !plan.coaching.is_empty() {
        d.heading(level, t::plan_label_coaching(lang));
        d.list(
            plan.coaching
                .iter()
                .map(|c| customer_label(c, ctx))
                .collect(),
            false,
        );
    }
    if let Some(notes) = &plan.notes {
        d.heading(level, t::plan_label_notes(lang));
        for line in notes.trim_end().lines() {
            d.par(line);
        }
    }
}
