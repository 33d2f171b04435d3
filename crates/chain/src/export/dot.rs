//! Graphviz DOT: left to right, one cluster per tier, HTML labels, flows coloured by kind; the
//! persons we know hang off their actor, the edge style showing the contact (bold = direct,
//! dashed = indirect, dotted red = none).

use std::fmt::Write as _;

use kundenwert_core::Lang;
use kundenwert_text as text;

use super::common::{actor_color, contact_color, detail_line, flow_color, html_text};
use crate::model::{Chain, Contact, FlowKind, Tier};

/// The chain as a Graphviz digraph, labels in German or English.
pub fn to_dot(chain: &Chain, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str("digraph chain {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", label=<<b>{}</b>>, labelloc=t];",
        html_text(&chain.chain)
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for tier in chain.tiers_present() {
        let _ = writeln!(out, "  subgraph \"cluster_{}\" {{", tier.id());
        let _ = writeln!(
            out,
            "    label=<{}>; style=rounded; color=\"#9e9e9e\";",
            html_text(tier.label(lang))
        );
        for (i, actor) in chain.actors.iter().enumerate() {
            if actor.tier != tier {
                continue;
            }
            let peripheries = if tier == Tier::SelfTier { 2 } else { 1 };
            let _ = writeln!(
                out,
                "    \"a{i}\" [shape=box, style=rounded, peripheries={peripheries}, color=\"{}\", label=<<b>{}</b>{}>];",
                actor_color(actor),
                html_text(&actor.name),
                detail_html(&detail_line(actor, lang)),
            );
            for (j, person) in actor.persons.iter().enumerate() {
                let mut label = html_text(&person.name);
                if let Some(role) = &person.role {
                    let _ = write!(label, "<br/><i>{}</i>", html_text(role));
                }
                let _ = writeln!(
                    out,
                    "    \"a{i}p{j}\" [shape=plaintext, fontsize=9, label=<{label}>];"
                );
                let style = match person.contact {
                    Contact::Direct => "bold",
                    Contact::Indirect => "dashed",
                    Contact::None => "dotted",
                };
                let _ = writeln!(
                    out,
                    "    \"a{i}\" -> \"a{i}p{j}\" [dir=none, style={style}, color=\"{}\", tooltip=\"{}\"];",
                    contact_color(Some(person.contact)),
                    person.contact.label(lang),
                );
            }
        }
        out.push_str("  }\n");
    }
    for flow in &chain.flows {
        let from = chain.actors.iter().position(|a| a.id == flow.from);
        let to = chain.actors.iter().position(|a| a.id == flow.to);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let mut label = html_text(flow.kind.label(lang));
        if let Some(l) = &flow.label {
            let _ = write!(label, ": {}", html_text(l));
        }
        let style = match flow.kind {
            FlowKind::Money => "bold",
            FlowKind::Information | FlowKind::Influence => "dashed",
            FlowKind::Goods | FlowKind::Service => "solid",
        };
        let color = flow_color(flow.kind);
        let _ = writeln!(
            out,
            "  \"a{from}\" -> \"a{to}\" [style={style}, color=\"{color}\", fontcolor=\"{color}\", label=<{label}>];"
        );
    }
    legend(&mut out, lang);
    out.push_str("}\n");
    out
}

fn legend(out: &mut String, lang: Lang) {
    let mut rows = String::new();
    for kind in FlowKind::ALL {
        let _ = write!(
            rows,
            "<tr><td><font color=\"{}\">━━</font></td><td align=\"left\">{}</td></tr>",
            flow_color(*kind),
            html_text(kind.label(lang))
        );
    }
    for (contact, line) in [
        (Contact::Direct, "━━"),
        (Contact::Indirect, "╌╌"),
        (Contact::None, "┈┈"),
    ] {
        let _ = write!(
            rows,
            "<tr><td><font color=\"{}\">{line}</font></td><td align=\"left\">{}: {}</td></tr>",
            contact_color(Some(contact)),
            html_text(text::chain_contact(lang)),
            html_text(contact.label(lang))
        );
    }
    let _ = writeln!(
        out,
        "  \"legend\" [shape=plaintext, fontsize=9, label=<<table border=\"0\" cellborder=\"0\"><tr><td colspan=\"2\"><b>{}</b></td></tr>{rows}</table>>];",
        html_text(text::chain_legend(lang))
    );
}

/// The detail line after a line break, or nothing when there is no detail.
fn detail_html(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!("<br/>{}", html_text(detail))
    }
}
