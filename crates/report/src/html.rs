//! The report as one self-contained HTML file: inline CSS, inline SVG charts, no scripts, no
//! fonts to load, and a Content-Security-Policy that forbids every request, so the file opens
//! the same offline, mailed or archived. Print CSS starts each section on a new page and keeps
//! table rows whole. Numbers and dates are formatted here, in the reader's language.

use std::fmt::Write as _;

use kundenwert_core::markup::{escape, Markup};
use kundenwert_core::{fmt, Lang};
use kundenwert_text::{self as t, CustomerTypeLabel};
use kundenwert_workbench::overview::charts;

use crate::format::{computed, count, money, money_opt, pct, range, status_name, type_name};
use crate::model::{ChainSection, CustomerRow, PlanSection, Report};

/// Movers the report lists.
const MOVERS_SHOWN: usize = 20;

const CSS: &str = "\
:root{--ink:#1a1a1a;--muted:#555;--line:#c8c8c8;--head:#eef3f8;--accent:#1f4e79}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);max-width:62rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.7rem;border-bottom:2px solid var(--accent);padding-bottom:.3rem}
h2{font-size:1.3rem;color:var(--accent);margin-top:2.2rem;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem;margin-top:1.6rem}h4{font-size:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:var(--head)}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.customers tbody td{border-bottom:none}table.customers td.reason,table.customers th.reason{font-size:.85rem;color:var(--muted);font-weight:normal;border-top:none;border-bottom:1px solid var(--line)}
tfoot td{font-weight:600}.meta,.muted{color:var(--muted)}.changed{font-weight:600}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.8rem;margin:1rem 0}
.figure{border:1px solid var(--line);border-radius:4px;padding:.6rem .8rem}.figure b{display:block;font-size:1.35rem}
.chart{max-width:46rem;margin:.5rem 0}.chart svg{display:block;width:100%;height:auto}
.diagram svg{width:100%;height:auto}
.status-done{color:#2e7d32}.status-dropped{color:#888;text-decoration:line-through}.notes{white-space:pre-wrap}
nav ol{columns:2}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none;font-size:9.5pt}nav{display:none}h2{break-before:page}h2,h3,h4{break-after:avoid}tr,tbody,.chart,.figure{break-inside:avoid}thead{display:table-header-group}a{color:inherit;text-decoration:none}}
";

fn esc(s: &str) -> String {
    escape(s, Markup::Html)
}

/// A section heading with its anchor.
fn section(o: &mut String, id: &str, title: &str) {
    let _ = writeln!(o, "<section id=\"{id}\">\n<h2>{}</h2>", esc(title));
}

/// The report as one HTML document in `report.lang`.
pub fn render(report: &Report) -> String {
    let lang = report.lang;
    let ov = &report.overview;
    let mut o = String::with_capacity(256 * 1024);
    let title = t::report_title(lang);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} – {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        lang.code(),
        esc(title),
        fmt::date(ov.as_of, lang)
    );
    let _ = writeln!(o, "<header>\n<h1>{}</h1>", esc(title));
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}</p>\n</header>",
        esc(&t::report_meta(
            lang,
            fmt::date(ov.as_of, lang),
            computed(&ov.computed_at),
            count(ov.customers, lang),
            &ov.kundenwert
        ))
    );
    let mut toc: Vec<(&str, String)> = vec![
        ("summary", t::report_summary(lang).to_owned()),
        ("types", t::report_types(lang).to_owned()),
        ("portfolio", t::report_portfolio(lang).to_owned()),
        ("whale", t::report_whale(lang).to_owned()),
        ("abc", t::report_abc(lang).to_owned()),
    ];
    if let Some(m) = &ov.migration {
        toc.push((
            "migration",
            t::report_migration(lang, fmt::date(m.from, lang), fmt::date(m.to, lang)),
        ));
    }
    toc.push(("customers", t::report_customers(lang).to_owned()));
    toc.push(("chains", t::report_chains(lang).to_owned()));
    toc.push(("plans", t::report_plans(lang).to_owned()));
    let _ = writeln!(
        o,
        "<nav aria-label=\"{0}\">\n<h2>{0}</h2>\n<ol>",
        esc(t::report_contents(lang))
    );
    for (id, name) in &toc {
        let _ = writeln!(o, "<li><a href=\"#{id}\">{}</a></li>", esc(name));
    }
    o.push_str("</ol>\n</nav>\n");

    summary(&mut o, report);
    types(&mut o, report);
    portfolio(&mut o, report);
    whale(&mut o, report);
    abc(&mut o, report);
    migration(&mut o, report);
    customers(&mut o, report);
    chains(&mut o, report);
    plans(&mut o, report);
    let _ = writeln!(
        o,
        "<footer class=\"meta\"><p>{}</p></footer>",
        esc(t::report_lang_note(lang))
    );
    o.push_str("</body>\n</html>\n");
    o
}

fn summary(o: &mut String, r: &Report) {
    let lang = r.lang;
    let ov = &r.overview;
    section(o, "summary", t::report_summary(lang));
    let _ = writeln!(
        o,
        "<div class=\"figures\">\n<div class=\"figure\">{}<b>{}</b></div>\n<div class=\"figure\">{}<b>{}</b></div>\n<div class=\"figure\">{}<b>{}</b></div>\n</div>",
        esc(t::report_summary_customers(lang)),
        count(ov.customers, lang),
        esc(t::report_summary_current(lang)),
        money(ov.current_value, lang),
        esc(&t::report_summary_future(lang, r.horizon_months)),
        money(ov.future_value, lang),
    );
    let _ = writeln!(o, "<p>{}</p>", esc(&crate::format::value_basis(ov, lang)));
    let _ = writeln!(o, "<h3>{}</h3>", esc(t::report_model(lang)));
    let _ = writeln!(
        o,
        "<p>{}</p>",
        esc(&crate::format::model_in_words(ov, lang))
    );
    let _ = writeln!(o, "<h3>{}</h3>", esc(t::report_settings(lang)));
    if r.settings.iter().all(|s| !s.changed) {
        let _ = writeln!(o, "<p>{}</p>", esc(t::report_settings_defaults(lang)));
    }
    if r.hides_typology_defaults() {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            esc(t::report_settings_typology_defaults(lang))
        );
    }
    let _ = writeln!(
        o,
        "<table>\n<thead><tr><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        esc(t::report_setting(lang)),
        esc(t::report_setting_value(lang))
    );
    for s in r.shown_settings() {
        let class = if s.changed { " class=\"changed\"" } else { "" };
        let _ = writeln!(
            o,
            "<tr{class}><td><code>{}</code></td><td>{}{}</td></tr>",
            esc(&s.key),
            esc(&s.value),
            if s.changed { " *" } else { "" }
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn chart(o: &mut String, svg: &str) {
    let _ = writeln!(o, "<figure class=\"chart\">\n{svg}\n</figure>");
}

fn types(o: &mut String, r: &Report) {
    let lang = r.lang;
    let ov = &r.overview;
    section(o, "types", t::report_types(lang));
    chart(o, &charts::types(lang, &ov.types));
    let _ = writeln!(
        o,
        "<table>\n<thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        esc(t::report_col_type(lang)),
        esc(t::report_col_customers(lang)),
        esc(t::report_col_share(lang)),
        esc(t::report_col_revenue(lang)),
        esc(t::report_col_margin(lang)),
        esc(t::report_col_current(lang)),
    );
    for l in &ov.types {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(l.label(lang)),
            count(l.customers, lang),
            pct(l.share, lang),
            money(l.revenue, lang),
            money_opt(l.margin, lang),
            money(l.current_value, lang)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn portfolio(o: &mut String, r: &Report) {
    let lang = r.lang;
    let ov = &r.overview;
    section(o, "portfolio", t::report_portfolio(lang));
    chart(
        o,
        &charts::portfolio(lang, ov.quadrants.as_ref(), &r.portfolio_sample),
    );
    if let Some(q) = &ov.quadrants {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            esc(&t::report_portfolio_split(
                lang,
                money(q.split_current, lang),
                money(q.split_future, lang)
            ))
        );
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
            esc(t::report_quadrant(lang)),
            esc(t::report_col_customers(lang)),
            esc(t::report_col_current(lang)),
            esc(t::report_col_future(lang)),
        );
        for (name, g) in [
            (t::web_dashboard_quadrant_stars(lang), &q.star),
            (t::web_dashboard_quadrant_potential(lang), &q.question_mark),
            (t::web_dashboard_quadrant_harvest(lang), &q.cash_cow),
            (t::web_dashboard_quadrant_question(lang), &q.dog),
        ] {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&fmt::capitalized(name)),
                count(g.customers, lang),
                money(g.current_value, lang),
                money(g.future_value, lang)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

fn whale(o: &mut String, r: &Report) {
    let lang = r.lang;
    let w = &r.overview.whale;
    section(o, "whale", t::report_whale(lang));
    chart(o, &charts::whale(lang, w));
    if let Some(p) = &w.peak {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            esc(&t::report_whale_total(
                lang,
                pct(p.customer_share, lang),
                pct(p.margin_share, lang),
                money(w.total_margin, lang)
            ))
        );
    }
    if w.negative_customers > 0 {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            esc(&t::report_whale_negative(
                lang,
                count(w.negative_customers, lang),
                pct(w.negative_share, lang),
                money(w.negative_margin, lang)
            ))
        );
    }
    o.push_str("</section>\n");
}

fn abc(o: &mut String, r: &Report) {
    let lang = r.lang;
    let a = &r.overview.abc;
    section(o, "abc", t::report_abc(lang));
    chart(o, &charts::abc(lang, &a.classes));
    let _ = writeln!(
        o,
        "<p>{}</p>",
        esc(&t::report_abc_cutoffs(
            lang,
            pct(a.cutoff_a, lang),
            pct(a.cutoff_b, lang)
        ))
    );
    let _ = writeln!(
        o,
        "<table>\n<thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        esc(t::report_abc_class(lang)),
        esc(t::report_col_customers(lang)),
        esc(t::report_col_current(lang)),
        esc(t::report_col_share(lang)),
    );
    for l in &a.classes {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&l.class),
            count(l.customers, lang),
            money(l.current_value, lang),
            pct(l.share, lang)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn migration(o: &mut String, r: &Report) {
    let lang = r.lang;
    let Some(m) = &r.overview.migration else {
        return;
    };
    let (from, to) = (fmt::date(m.from, lang), fmt::date(m.to, lang));
    section(o, "migration", &t::report_migration(lang, &from, &to));
    let _ = writeln!(
        o,
        "<p>{}</p>",
        esc(&t::report_migration_intro(
            lang,
            &from,
            count(m.new_customers, lang),
            &to
        ))
    );
    let _ = write!(
        o,
        "<table>\n<thead><tr><th>{}</th>",
        esc(t::report_migration_then_now(lang))
    );
    for ty in &m.types {
        let _ = write!(o, "<th class=\"n\">{}</th>", esc(&type_name(ty, lang)));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for (ty, row) in m.types.iter().zip(&m.matrix) {
        let _ = write!(o, "<tr><th>{}</th>", esc(&type_name(ty, lang)));
        for v in row {
            let _ = write!(o, "<td class=\"n\">{}</td>", count(*v, lang));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
    if !m.moved.is_empty() {
        let shown = m.moved.len().min(MOVERS_SHOWN);
        let _ = writeln!(
            o,
            "<h3>{}</h3>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
            esc(&t::report_migration_movers(lang, count(shown as u64, lang), count(m.moved_total, lang))),
            esc(t::report_col_number(lang)),
            esc(t::report_col_name(lang)),
            esc(t::report_col_type_then(lang)),
            esc(t::report_col_type_now(lang)),
            esc(t::report_col_current(lang)),
        );
        for mv in m.moved.iter().take(shown) {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&mv.id),
                esc(mv.name.as_deref().unwrap_or("")),
                esc(&type_name(&mv.from, lang)),
                esc(&type_name(&mv.to, lang)),
                money(mv.current_value, lang)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");
}

/// The customers of a type: a row of figures and, below it across the table, the reason in
/// words (a column of its own squeezed the reasons into a few characters a line in print, one
/// customer a page). Each customer is its own `tbody`, kept on one page.
fn customer_table(o: &mut String, rows: &[CustomerRow], lang: Lang) {
    let _ = writeln!(
        o,
        "<table class=\"customers\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr><tr><th colspan=\"8\" class=\"reason\">{}</th></tr></thead>",
        esc(t::report_col_number(lang)),
        esc(t::report_col_name(lang)),
        esc(t::report_col_status(lang)),
        esc(t::report_col_abc(lang)),
        esc(t::report_col_current(lang)),
        esc(t::report_col_future(lang)),
        esc(t::report_col_range(lang)),
        esc(t::report_col_p_alive(lang)),
        esc(t::report_col_reason(lang)),
    );
    for c in rows {
        let _ = writeln!(
            o,
            "<tbody><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr><tr><td colspan=\"8\" class=\"reason\">{}</td></tr></tbody>",
            esc(&c.number),
            esc(c.name.as_deref().unwrap_or("")),
            esc(&fmt::capitalized(status_name(c.status.as_deref(), lang))),
            esc(&c.abc),
            money(c.current_value, lang),
            money_opt(c.future_value, lang),
            range(c.future_value_low, c.future_value_high, lang),
            c.p_alive.map_or_else(|| "–".to_owned(), |p| pct(p, lang)),
            esc(&c.reason)
        );
    }
    o.push_str("</table>\n");
}

fn customers(o: &mut String, r: &Report) {
    let lang = r.lang;
    section(o, "customers", t::report_customers(lang));
    for ty in &r.types {
        let _ = writeln!(
            o,
            "<h3>{}</h3>",
            esc(&fmt::capitalized(ty.customer_type.label(lang)))
        );
        let shown = ty.customers.len() as u64;
        let note = if shown < ty.total {
            t::report_customers_top(lang, count(shown, lang), count(ty.total, lang))
        } else {
            t::report_customers_all(lang, count(ty.total, lang))
        };
        let _ = writeln!(o, "<p class=\"muted\">{}</p>", esc(&note));
        if !ty.customers.is_empty() {
            customer_table(o, &ty.customers, lang);
        }
    }
    o.push_str("</section>\n");
}

/// The chain's contact gaps as HTML: the chain crate's text report, its heading lines as
/// paragraphs and its `  - ` lines as list items.
fn gaps_html(text: &str) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for line in text.lines() {
        if let Some(item) = line.strip_prefix("  - ") {
            if !in_list {
                out.push_str("<ul>\n");
                in_list = true;
            }
            let _ = writeln!(out, "<li>{}</li>", esc(item));
        } else {
            if in_list {
                out.push_str("</ul>\n");
                in_list = false;
            }
            let _ = writeln!(out, "<p>{}</p>", esc(line));
        }
    }
    if in_list {
        out.push_str("</ul>\n");
    }
    out
}

fn chain(o: &mut String, c: &ChainSection, lang: Lang) {
    let _ = writeln!(o, "<h3>{}</h3>", esc(&c.name));
    let svg = kundenwert_chain::export::to_svg(&c.chain, lang, &c.figures);
    // Inline SVG takes no XML declaration.
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, s)| s).trim_start(),
        None => svg.as_str(),
    };
    let _ = writeln!(o, "<figure class=\"diagram\">\n{svg}\n</figure>");
    let _ = writeln!(o, "<h4>{}</h4>", esc(t::report_chain_gaps(lang)));
    o.push_str(&gaps_html(&c.gaps.render(lang)));
}

fn chains(o: &mut String, r: &Report) {
    let lang = r.lang;
    section(o, "chains", t::report_chains(lang));
    if r.chains.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(t::report_chains_none(lang)));
    }
    for c in &r.chains {
        chain(o, c, lang);
    }
    o.push_str("</section>\n");
}

/// A plan as the plan report writes it (`kundenwert_chain::plan::report::to_html`), its body
/// taken into the report with the headings moved two levels down.
fn plan(o: &mut String, p: &PlanSection, r: &Report) {
    let lang = r.lang;
    let ctx = p.context(r.overview.as_of);
    let page = kundenwert_chain::plan::to_html(&p.plan, &ctx, lang);
    let body = page
        .split_once("<body>\n")
        .map_or(page.as_str(), |(_, b)| b)
        .trim_end()
        .trim_end_matches("</html>")
        .trim_end()
        .trim_end_matches("</body>");
    let body = body
        .replace("<h2>", "<h4>")
        .replace("</h2>", "</h4>")
        .replace("<h1>", "<h3>")
        .replace("</h1>", "</h3>");
    let _ = writeln!(o, "<article>\n{}", body.trim_end());
    if let Some(problem) = &p.problem {
        let _ = writeln!(o, "<p class=\"meta\">{}</p>", esc(problem));
    }
    o.push_str("</article>\n");
}

fn plans(o: &mut String, r: &Report) {
    let lang = r.lang;
    section(o, "plans", t::report_plans(lang));
    if r.plans.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(t::report_plans_none(lang)));
    }
    for p in &r.plans {
        plan(o, p, r);
    }
    o.push_str("</section>\n");
}
