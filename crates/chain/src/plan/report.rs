//! The plan for reading and printing: Markdown and self-contained HTML, with the customers its
//! targets resolve to today.

use std::fmt::Write as _;

use chrono::NaiveDate;
use kundenwert_core::{fmt, CustomerType, Lang};
use kundenwert_text::{self as text, CustomerTypeLabel};

use super::{Plan, Scope, ScopeKind};
use crate::export::common::html_escape;

/// The customers a plan's targets resolve to today, computed by the caller from the analysis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanContext {
    /// The date the figures refer to.
    pub as_of: Option<NaiveDate>,
    /// Matched customers, in the order to list them.
    pub customers: Vec<TargetCustomer>,
}

/// One resolved target customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetCustomer {
    /// Customer number.
    pub id: String,
    /// Name, when known.
    pub name: Option<String>,
    /// Customer type as the reader should see it (already localised).
    pub type_label: Option<String>,
    /// Current value.
    pub current_value: Option<f64>,
    /// Future value.
    pub future_value: Option<f64>,
}

struct Labels {
    title: &'static str,
    as_of: &'static str,
    scope: &'static str,
    why: &'static str,
    customers: &'static str,
    selection: &'static str,
    listed: &'static str,
    none: &'static str,
    not_found: &'static str,
    customer: &'static str,
    name: &'static str,
    ty: &'static str,
    current: &'static str,
    future: &'static str,
    total: &'static str,
    activities: &'static str,
    no_activities: &'static str,
    priority: &'static str,
    what: &'static str,
    owner: &'static str,
    due: &'static str,
    status: &'static str,
    actor: &'static str,
    person: &'static str,
    priorities: &'static str,
    coaching: &'static str,
    notes: &'static str,
    saved: &'static str,
}

fn labels(lang: Lang) -> Labels {
    Labels {
        title: text::plan_label_title(lang),
        as_of: text::plan_label_as_of(lang),
        scope: text::plan_label_scope(lang),
        why: text::plan_label_why(lang),
        customers: text::plan_label_customers(lang),
        selection: text::plan_label_selection(lang),
        listed: text::plan_label_listed(lang),
        none: text::plan_label_none(lang),
        not_found: text::plan_label_not_found(lang),
        customer: text::plan_label_customer(lang),
        name: text::plan_label_name(lang),
        ty: text::plan_label_type(lang),
        current: text::plan_label_current(lang),
        future: text::plan_label_future(lang),
        total: text::plan_label_total(lang),
        activities: text::plan_label_activities(lang),
        no_activities: text::plan_label_no_activities(lang),
        priority: text::plan_label_priority(lang),
        what: text::plan_label_what(lang),
        owner: text::plan_label_owner(lang),
        due: text::plan_label_due(lang),
        status: text::plan_label_status(lang),
        actor: text::plan_label_actor(lang),
        person: text::plan_label_person(lang),
        priorities: text::plan_label_priorities(lang),
        coaching: text::plan_label_coaching(lang),
        notes: text::plan_label_notes(lang),
        saved: text::plan_label_saved(lang),
    }
}

/// Whole currency units (`12.345` / `12,345`); `–` when unknown.
fn amount(x: Option<f64>, lang: Lang) -> String {
    x.map_or_else(|| "–".into(), |x| fmt::whole_amount(x, lang))
}

/// The plan's scope as a line: `Kind: value` (a customer type by its plural name).
pub fn scope_text(scope: &Scope, lang: Lang) -> String {
    format!(
        "{}: {}",
        fmt::capitalized(scope.kind.label(lang)),
        scope_value(scope, lang)
    )
}

/// The scope's value as the reader sees it: a customer type by its name in `lang`
/// ("Wachstumskunden", not `growth`), anything else as written.
pub fn scope_value(scope: &Scope, lang: Lang) -> String {
    match (scope.kind, CustomerType::from_id(&scope.value)) {
        (ScopeKind::CustomerType, Some(t)) => t.customers_label(lang).to_owned(),
        _ => scope.value.clone(),
    }
}

/// A Markdown code span; falls back to escaped text when the content has backticks.
fn md_code(s: &str) -> String {
    if s.contains('`') || s.contains('\n') {
        md(s)
    } else {
        format!("`{s}`")
    }
}

/// Customers listed by number that the context does not contain.
pub fn missing_ids<'a>(plan: &'a Plan, ctx: &PlanContext) -> Vec<&'a str> {
    plan.targets
        .customers
        .iter()
        .filter(|id| !ctx.customers.iter().any(|c| &c.id == *id))
        .map(String::as_str)
        .collect()
}

/// A customer as an activity or coaching line names it: its number, and its name when known.
pub fn customer_label(id: &str, ctx: &PlanContext) -> String {
    match ctx
        .customers
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.name.as_deref())
    {
        Some(name) => format!("{id} {name}"),
        None => id.to_owned(),
    }
}

/// The sum of the known values; `None` when none is known.
pub fn sum(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values.fold(None, |acc, v| match (acc, v) {
        (acc, None) => acc,
        (None, Some(v)) => Some(v),
        (Some(a), Some(v)) => Some(a + v),
    })
}

/// Escapes text for Markdown so names like `Müller *Söhne* | GmbH` stay literal, also in tables.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The plan as Markdown, in German or English.
pub fn to_markdown(plan: &Plan, ctx: &PlanContext, lang: Lang) -> String {
    let l = labels(lang);
    let mut o = String::new();
    // Writing into a String cannot fail; the results are ignored throughout.
    let _ = writeln!(o, "# {}: {}\n", l.title, md(&plan.plan));
    if let Some(d) = ctx.as_of {
        let _ = writeln!(o, "{}: {}\n", l.as_of, fmt::date(d, lang));
    }
    let _ = writeln!(
        o,
        "## {}\n\n{}\n",
        l.scope,
        md(&scope_text(&plan.scope, lang))
    );
    if !plan.reasons.is_empty() {
        let _ = writeln!(o, "## {}\n", l.why);
        for r in &plan.reasons {
            match &r.text {
                Some(t) => {
                    let _ = writeln!(
                        o,
                        "- **{}**: {}",
                        fmt::capitalized(r.kind.label(lang)),
                        md(t)
                    );
                }
                None => {
                    let _ = writeln!(o, "- **{}**", fmt::capitalized(r.kind.label(lang)));
                }
            }
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## {}\n", l.customers);
    if let Some(sel) = &plan.targets.selection {
        match plan.targets.saved_selection() {
            Some(name) => {
                let _ = writeln!(o, "{}: {} {}\n", l.selection, l.saved, md_code(name));
            }
            None => {
                let _ = writeln!(o, "{}: {}\n", l.selection, md_code(sel));
            }
        }
    }
    if !plan.targets.customers.is_empty() {
        let ids: Vec<String> = plan.targets.customers.iter().map(|c| md(c)).collect();
        let _ = writeln!(o, "{}: {}\n", l.listed, ids.join(", "));
    }
    if ctx.customers.is_empty() {
        let _ = writeln!(o, "{}\n", l.none);
    } else {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            l.customer, l.name, l.ty, l.current, l.future
        );
        o.push_str("|---|---|---|---:|---:|\n");
        for c in &ctx.customers {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                md(&c.id),
                md(c.name.as_deref().unwrap_or("")),
                md(c.type_label.as_deref().unwrap_or("")),
                amount(c.current_value, lang),
                amount(c.future_value, lang)
            );
        }
        let _ = writeln!(
            o,
            "| **{}** ({}) | | | **{}** | **{}** |\n",
            l.total,
            ctx.customers.len(),
            amount(sum(ctx.customers.iter().map(|c| c.current_value)), lang),
            amount(sum(ctx.customers.iter().map(|c| c.future_value)), lang)
        );
    }
    let missing = missing_ids(plan, ctx);
    if !missing.is_empty() {
        let ids: Vec<String> = missing.iter().map(|c| md(c)).collect();
        let _ = writeln!(o, "{}: {}\n", l.not_found, ids.join(", "));
    }
    let _ = writeln!(o, "## {}\n", l.activities);
    if plan.activities.is_empty() {
        let _ = writeln!(o, "{}\n", l.no_activities);
    } else {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            l.priority, l.what, l.owner, l.due, l.status, l.actor, l.customer, l.person
        );
        o.push_str("|---:|---|---|---|---|---|---|---|\n");
        for a in &plan.activities {
            let opt = |s: &Option<String>| md(s.as_deref().unwrap_or(""));
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                a.priority.map(|p| p.to_string()).unwrap_or_default(),
                md(&a.what),
                opt(&a.owner),
                a.due.map(|d| fmt::date(d, lang)).unwrap_or_default(),
                fmt::capitalized(a.status.label(lang)),
                opt(&a.actor),
                a.customer
                    .as_deref()
                    .map(|c| md(&customer_label(c, ctx)))
                    .unwrap_or_default(),
                opt(&a.person)
            );
        }
        o.push('\n');
    }
    if !plan.priorities.is_empty() {
        let _ = writeln!(o, "## {}\n", l.priorities);
        for (i, p) in plan.priorities.iter().enumerate() {
            let _ = writeln!(o, "{}. {}", i + 1, md(p));
        }
        o.push('\n');
    }
    if !plan.coaching.is_empty() {
        let _ = writeln!(o, "## {}\n", l.coaching);
        for c in &plan.coaching {
            let _ = writeln!(o, "- {}", md(&customer_label(c, ctx)));
        }
        o.push('\n');
    }
    if let Some(notes) = &plan.notes {
        // Notes keep their line breaks; each line is escaped on its own.
        let _ = writeln!(o, "## {}\n", l.notes);
        for line in notes.lines() {
            let _ = writeln!(o, "{}  ", md(line));
        }
        o.push('\n');
    }
    while o.ends_with("\n\n") {
        o.pop();
    }
    o
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\
h1{font-size:1.6rem;border-bottom:2px solid #1f4e79;padding-bottom:.3rem}\
h2{font-size:1.15rem;color:#1f4e79;margin-top:1.6rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eef3f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
tfoot td{font-weight:600}.meta{color:#555}.status-done{color:#2e7d32}.status-dropped{color:#888;text-decoration:line-through}\
.notes{white-space:pre-wrap}\
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit}}";

/// The plan as a standalone, printable HTML page (inline CSS, no scripts), in German or English.
pub fn to_html(plan: &Plan, ctx: &PlanContext, lang: Lang) -> String {
    let l = labels(lang);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        lang.code(),
        l.title,
        html_escape(&plan.plan)
    );
    let _ = writeln!(o, "<h1>{}: {}</h1>", l.title, html_escape(&plan.plan));
    if let Some(d) = ctx.as_of {
        let _ = writeln!(
            o,
            "<p class=\"meta\">{}: {}</p>",
            l.as_of,
            fmt::date(d, lang)
        );
    }
    let _ = writeln!(
        o,
        "<h2>{}</h2>\n<p>{}</p>",
        l.scope,
        html_escape(&scope_text(&plan.scope, lang))
    );
    if !plan.reasons.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ul>", l.why);
        for r in &plan.reasons {
            match &r.text {
                Some(t) => {
                    let _ = writeln!(
                        o,
                        "<li><strong>{}</strong>: {}</li>",
                        fmt::capitalized(r.kind.label(lang)),
                        html_escape(t)
                    );
                }
                None => {
                    let _ = writeln!(
                        o,
                        "<li><strong>{}</strong></li>",
                        fmt::capitalized(r.kind.label(lang))
                    );
                }
            }
        }
        o.push_str("</ul>\n");
    }
    let _ = writeln!(o, "<h2>{}</h2>", l.customers);
    if let Some(sel) = &plan.targets.selection {
        match plan.targets.saved_selection() {
            Some(name) => {
                let _ = writeln!(
                    o,
                    "<p>{}: {} <code>{}</code></p>",
                    l.selection,
                    l.saved,
                    html_escape(name)
                );
            }
            None => {
                let _ = writeln!(
                    o,
                    "<p>{}: <code>{}</code></p>",
                    l.selection,
                    html_escape(sel)
                );
            }
        }
    }
    if !plan.targets.customers.is_empty() {
        let ids: Vec<String> = plan
            .targets
            .customers
            .iter()
            .map(|c| html_escape(c))
            .collect();
        let _ = writeln!(o, "<p>{}: {}</p>", l.listed, ids.join(", "));
    }
    if ctx.customers.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l.none);
    } else {
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
            l.customer, l.name, l.ty, l.current, l.future
        );
        for c in &ctx.customers {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                html_escape(&c.id),
                html_escape(c.name.as_deref().unwrap_or("")),
                html_escape(c.type_label.as_deref().unwrap_or("")),
                amount(c.current_value, lang),
                amount(c.future_value, lang)
            );
        }
        let _ = writeln!(
            o,
            "</tbody>\n<tfoot><tr><td colspan=\"3\">{} ({})</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></tfoot>\n</table>",
            l.total,
            ctx.customers.len(),
            amount(sum(ctx.customers.iter().map(|c| c.current_value)), lang),
            amount(sum(ctx.customers.iter().map(|c| c.future_value)), lang)
        );
    }
    let missing = missing_ids(plan, ctx);
    if !missing.is_empty() {
        let ids: Vec<String> = missing.iter().map(|c| html_escape(c)).collect();
        let _ = writeln!(
            o,
            "<p class=\"meta\">{}: {}</p>",
            l.not_found,
            ids.join(", ")
        );
    }
    let _ = writeln!(o, "<h2>{}</h2>", l.activities);
    if plan.activities.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", l.no_activities);
    } else {
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th class=\"n\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            l.priority, l.what, l.owner, l.due, l.status, l.actor, l.customer, l.person
        );
        for a in &plan.activities {
            let opt = |s: &Option<String>| html_escape(s.as_deref().unwrap_or(""));
            let _ = writeln!(
                o,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"status-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                a.priority.map(|p| p.to_string()).unwrap_or_default(),
                html_escape(&a.what),
                opt(&a.owner),
                a.due.map(|d| fmt::date(d, lang)).unwrap_or_default(),
                a.status.id(),
                fmt::capitalized(a.status.label(lang)),
                opt(&a.actor),
                a.customer.as_deref().map(|c| html_escape(&customer_label(c, ctx))).unwrap_or_default(),
                opt(&a.person)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    if !plan.priorities.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ol>", l.priorities);
        for p in &plan.priorities {
            let _ = writeln!(o, "<li>{}</li>", html_escape(p));
        }
        o.push_str("</ol>\n");
    }
    if !plan.coaching.is_empty() {
        let _ = writeln!(o, "<h2>{}</h2>\n<ul>", l.coaching);
        for c in &plan.coaching {
            let _ = writeln!(o, "<li>{}</li>", html_escape(&customer_label(c, ctx)));
        }
        o.push_str("</ul>\n");
    }
    if let Some(notes) = &plan.notes {
        let _ = writeln!(
            o,
            "<h2>{}</h2>\n<p class=\"notes\">{}</p>",
            l.notes,
            html_escape(notes.trim_end())
        );
    }
    o.push_str("</body>\n</html>\n");
    o
}
