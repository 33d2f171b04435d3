//! The report model laid out for the PDF: the sections of the HTML report, in the same order
//! and with the same sentences, numbers formatted in the reader's language.

use kundenwert_core::{fmt, Lang};
use kundenwert_text::{self as t, CustomerTypeLabel};
use kundenwert_workbench::overview::charts;

use super::doc::{Block, Document, Table};
use crate::format::{computed, count, money, money_opt, pct, range, status_name, type_name};
use crate::model::{CustomerRow, Report};

/// Movers the report lists (as many as the HTML report).
const MOVERS_SHOWN: usize = 20;

/// The report as a document.
pub(super) fn document(r: &Report) -> Document {
    let lang = r.lang;
    let ov = &r.overview;
    let mut d = Document::new(lang, t::report_title(lang).to_owned(), ov.as_of);
    d.subtitle = Some(t::report_meta(
        lang,
        fmt::date(ov.as_of, lang),
        computed(&ov.computed_at),
        count(ov.customers, lang),
        &ov.kundenwert,
    ));
    d.footer = format!(
        "{} – {}. {}",
        t::report_title(lang),
        fmt::date(ov.as_of, lang),
        t::report_lang_note(lang)
    );
    d.break_sections = true;
    d.blocks.push(Block::Outline {
        title: t::report_contents(lang).to_owned(),
    });
    summary(&mut d, r);
    types(&mut d, r);
    portfolio(&mut d, r);
    whale(&mut d, r);
    abc(&mut d, r);
    migration(&mut d, r);
    customers(&mut d, r);
    chains(&mut d, r);
    plans(&mut d, r);
    d
}

fn summary(d: &mut Document, r: &Report) {
    let lang = r.lang;
    let ov = &r.overview;
    d.heading(1, t::report_summary(lang));
    d.blocks.push(Block::Figures {
        items: vec![
            (
                t::report_summary_customers(lang).to_owned(),
                count(ov.customers, lang),
            ),
            (
                t::report_summary_current(lang).to_owned(),
                money(ov.current_value, lang),
            ),
            (
                t::report_summary_future(lang, r.horizon_months),
                money(ov.future_value, lang),
            ),
        ],
    });
    d.par(crate::format::value_basis(ov, lang));
    d.heading(2, t::report_model(lang));
    d.par(crate::format::model_in_words(ov, lang));
    d.heading(2, t::report_settings(lang));
    if r.settings.iter().all(|s| !s.changed) {
        d.par(t::report_settings_defaults(lang));
    }
    if r.hides_typology_defaults() {
        d.par(t::report_settings_typology_defaults(lang));
    }
    let mut table = Table::new(vec![
        t::report_setting(lang).into(),
        t::report_setting_value(lang).into(),
    ])
    .shares([(1, 1)]);
    for s in r.shown_settings() {
        let mark = if s.changed { " *" } else { "" };
        table.row(vec![s.key.clone(), format!("{}{mark}", s.value)]);
    }
    d.table(table);
}

fn types(d: &mut Document, r: &Report) {
    let lang = r.lang;
    let ov = &r.overview;
    d.heading(1, t::report_types(lang));
    d.svg(charts::types(lang, &ov.types));
    let mut table = Table::new(vec![
        t::report_col_type(lang).into(),
        t::report_col_customers(lang).into(),
        t::report_col_share(lang).into(),
        t::report_col_revenue(lang).into(),
        t::report_col_margin(lang).into(),
        t::report_col_current(lang).into(),
    ])
    .numeric(1..6)
    .shares([(0, 1)]);
    for l in &ov.types {
        table.row(vec![
            l.label(lang).to_owned(),
            count(l.customers, lang),
            pct(l.share, lang),
            money(l.revenue, lang),
            money_opt(l.margin, lang),
            money(l.current_value, lang),
        ]);
    }
    d.table(table);
}

fn portfolio(d: &mut Document, r: &Report) {
    let lang = r.lang;
    let ov = &r.overview;
    d.heading(1, t::report_portfolio(lang));
    d.svg(charts::portfolio(
        lang,
        ov.quadrants.as_ref(),
        &r.portfolio_sample,
    ));
    let Some(q) = &ov.quadrants else {
        return;
    };
    d.par(t::report_portfolio_split(
        lang,
        money(q.split_current, lang),
        money(q.split_future, lang),
    ));
    let mut table = Table::new(vec![
        t::report_quadrant(lang).into(),
        t::report_col_customers(lang).into(),
        t::report_col_current(lang).into(),
        t::report_col_future(lang).into(),
    ])
    .numeric(1..4)
    .shares([(0, 1)]);
    for (name, g) in [
        (t::web_dashboard_quadrant_stars(lang), &q.star),
        (t::web_dashboard_quadrant_potential(lang), &q.question_mark),
        (t::web_dashboard_quadrant_harvest(lang), &q.cash_cow),
        (t::web_dashboard_quadrant_question(lang), &q.dog),
    ] {
        table.row(vec![
            fmt::capitalized(name),
            count(g.customers, lang),
            money(g.current_value, lang),
            money(g.future_value, lang),
        ]);
    }
    d.table(table);
}

fn whale(d: &mut Document, r: &Report) {
    let lang = r.lang;
    let w = &r.overview.whale;
    d.heading(1, t::report_whale(lang));
    d.svg(charts::whale(lang, w));
    if let Some(p) = &w.peak {
        d.par(t::report_whale_total(
            lang,
            pct(p.customer_share, lang),
            pct(p.margin_share, lang),
            money(w.total_margin, lang),
        ));
    }
    if w.negative_customers > 0 {
        d.par(t::report_whale_negative(
            lang,
            count(w.negative_customers, lang),
            pct(w.negative_share, lang),
            money(w.negative_margin, lang),
        ));
    }
}

fn abc(d: &mut Document, r: &Report) {
    let lang = r.lang;
    let a = &r.overview.abc;
    d.heading(1, t::report_abc(lang));
    d.svg(charts::abc(lang, &a.classes));
    d.par(t::report_abc_cutoffs(
        lang,
        pct(a.cutoff_a, lang),
        pct(a.cutoff_b, lang),
    ));
    let mut table = Table::new(vec![
        t::report_abc_class(lang).into(),
        t::report_col_customers(lang).into(),
        t::report_col_current(lang).into(),
        t::report_col_share(lang).into(),
    ])
    .numeric(1..4)
    .shares([(0, 1)]);
    for l in &a.classes {
        table.row(vec![
            l.class.clone(),
            count(l.customers, lang),
            money(l.current_value, lang),
            pct(l.share, lang),
        ]);
    }
    d.table(table);
}

fn migration(d: &mut Document, r: &Report) {
    let lang = r.lang;
    let Some(m) = &r.overview.migration else {
        return;
    };
    let (from, to) = (fmt::date(m.from, lang), fmt::date(m.to, lang));
    d.heading(1, t::report_migration(lang, &from, &to));
    d.par(t::report_migration_intro(
        lang,
        &from,
        count(m.new_customers, lang),
        &to,
    ));
    let mut head = vec![t::report_migration_then_now(lang).to_owned()];
    head.extend(m.types.iter().map(|ty| type_name(ty, lang)));
    let mut table = Table::new(head).numeric(1..=m.types.len());
    for (ty, row) in m.types.iter().zip(&m.matrix) {
        let mut cells = vec![type_name(ty, lang)];
        cells.extend(row.iter().map(|v| count(*v, lang)));
        table.row(cells);
    }
    d.table(table);
    if m.moved.is_empty() {
        return;
    }
    let shown = m.moved.len().min(MOVERS_SHOWN);
    d.heading(
        2,
        t::report_migration_movers(lang, count(shown as u64, lang), count(m.moved_total, lang)),
    );
    let mut table = Table::new(vec![
        t::report_col_number(lang).into(),
        t::report_col_name(lang).into(),
        t::report_col_type_then(lang).into(),
        t::report_col_type_now(lang).into(),
        t::report_col_current(lang).into(),
    ])
    .numeric([4])
    .shares([(1, 1)]);
    for mv in m.moved.iter().take(shown) {
        table.row(vec![
            mv.id.clone(),
            mv.name.clone().unwrap_or_default(),
            type_name(&mv.from, lang),
            type_name(&mv.to, lang),
            money(mv.current_value, lang),
        ]);
    }
    d.table(table);
}

fn customer_table(rows: &[CustomerRow], lang: Lang) -> Table {
    let mut table = Table::new(vec![
        t::report_col_number(lang).into(),
        t::report_col_name(lang).into(),
        t::report_col_status(lang).into(),
        t::report_col_abc(lang).into(),
        t::report_col_current(lang).into(),
        t::report_col_future(lang).into(),
        t::report_col_range(lang).into(),
        t::report_col_p_alive(lang).into(),
    ])
    .numeric(4..8)
    .shares([(1, 1)]);
    for c in rows {
        // The reason, a sentence or two, runs under the row across the table.
        let reason = format!("{}: {}", t::report_col_reason(lang), c.reason);
        table.row_with_note(
            vec![
                c.number.clone(),
                c.name.clone().unwrap_or_default(),
                fmt::capitalized(status_name(c.status.as_deref(), lang)),
                c.abc.clone(),
                money(c.current_value, lang),
                money_opt(c.future_value, lang),
                range(c.future_value_low, c.future_value_high, lang),
                c.p_alive.map_or_else(|| "–".to_owned(), |p| pct(p, lang)),
            ],
            reason,
        );
    }
    table
}

fn customers(d: &mut Document, r: &Report) {
    let lang = r.lang;
    d.heading(1, t::report_customers(lang));
    for ty in &r.types {
        d.heading(2, fmt::capitalized(ty.customer_type.label(lang)));
        let shown = ty.customers.len() as u64;
        d.muted(if shown < ty.total {
            t::report_customers_top(lang, count(shown, lang), count(ty.total, lang))
        } else {
            t::report_customers_all(lang, count(ty.total, lang))
        });
        if !ty.customers.is_empty() {
            d.table(customer_table(&ty.customers, lang));
        }
    }
}

/// The chain's contact gaps: the chain crate's text report, its heading lines as paragraphs
/// and its `  - ` lines as list items.
fn gaps(d: &mut Document, text: &str) {
    let mut items = Vec::new();
    for line in text.lines() {
        if let Some(item) = line.strip_prefix("  - ") {
            items.push(item.to_owned());
        } else {
            d.list(std::mem::take(&mut items), false);
            d.par(line);
        }
    }
    d.list(items, false);
}

fn chains(d: &mut Document, r: &Report) {
    let lang = r.lang;
    if r.chains.is_empty() {
        d.heading(1, t::report_chains(lang));
        d.par(t::report_chains_none(lang));
    }
    for (i, c) in r.chains.iter().enumerate() {
        // A chain diagram is wide: on a landscape page of its own it prints at about 1.4
        // times the size a portrait page's width allows (the section's heading goes with the
        // first one).
        d.landscape_pages(|d| {
            if i == 0 {
                d.heading(1, t::report_chains(lang));
            }
            d.heading(2, c.name.clone());
            d.svg_filling(kundenwert_chain::export::to_svg(&c.chain, lang, &c.figures));
        });
        // On the page after the diagram: the heading names the chain again.
        d.heading(3, format!("{}: {}", t::report_chain_gaps(lang), c.name));
        gaps(d, &c.gaps.render(lang));
    }
}

fn plans(d: &mut Document, r: &Report) {
    let lang = r.lang;
    d.heading(1, t::report_plans(lang));
    if r.plans.is_empty() {
        d.par(t::report_plans_none(lang));
    }
    for p in &r.plans {
        d.heading(2, format!("{}: {}", t::plan_label_title(lang), p.plan.plan));
        if let Some(problem) = &p.problem {
            d.muted(problem.clone());
        }
        super::plan_blocks(d, &p.plan, &p.context(r.overview.as_of), 3, lang);
    }
}
