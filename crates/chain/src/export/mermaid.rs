//! Mermaid `flowchart LR`: one subgraph per tier in chain order, actors with count, importance and
//! contact strength, flows labelled and coloured by kind.

use std::fmt::Write as _;

use kundenwert_core::Lang;
use kundenwert_text as text;

use super::common::{contact_color, detail_line, flow_color, OWN_COLOR};
use crate::model::{Chain, Contact, FlowKind, Tier};

/// The chain as a Mermaid flowchart, labels in German or English.
pub fn to_mermaid(chain: &Chain, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str("flowchart LR\n");
    let _ = writeln!(out, "%% {}", comment(&chain.chain));
    legend(&mut out, lang);
    let node = |id: &str| {
        chain
            .actors
            .iter()
            .position(|a| a.id == id)
            .map(|i| format!("a{i}"))
    };
    for tier in chain.tiers_present() {
        let _ = writeln!(
            out,
            "  subgraph t_{}[\"{}\"]",
            tier.id(),
            escape(tier.label(lang))
        );
        for (i, actor) in chain.actors.iter().enumerate() {
            if actor.tier != tier {
                continue;
            }
            let shape = if tier == Tier::SelfTier {
                ("[[\"", "\"]]")
            } else {
                ("[\"", "\"]")
            };
            let mut label = format!("<b>{}</b>", escape(&actor.name));
            let detail = detail_line(actor, lang);
            if !detail.is_empty() {
                label = format!("{label}<br/>{}", escape(&detail));
            }
            let _ = writeln!(out, "    a{i}{}{label}{}", shape.0, shape.1);
        }
        out.push_str("  end\n");
    }
    for flow in &chain.flows {
        let (Some(from), Some(to)) = (node(&flow.from), node(&flow.to)) else {
            continue;
        };
        let arrow = match flow.kind {
            FlowKind::Money => "==>",
            FlowKind::Information | FlowKind::Influence => "-.->",
            FlowKind::Goods | FlowKind::Service => "-->",
        };
        let mut label = flow.kind.label(lang).to_string();
        if let Some(l) = &flow.label {
            label = format!("{label}: {l}");
        }
        let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", escape(&label));
    }
    for (i, flow) in chain
        .flows
        .iter()
        .filter(|f| node(&f.from).is_some() && node(&f.to).is_some())
        .enumerate()
    {
        let _ = writeln!(
            out,
            "  linkStyle {i} stroke:{},color:{}",
            flow_color(flow.kind),
            flow_color(flow.kind)
        );
    }
    for (class, contact, dash) in [
        ("direct", Some(Contact::Direct), ""),
        ("indirect", Some(Contact::Indirect), ",stroke-dasharray:6 3"),
        ("nocontact", None, ",stroke-dasharray:2 3"),
    ] {
        let _ = writeln!(
            out,
            "  classDef {class} stroke:{},stroke-width:2px{dash}",
            contact_color(contact)
        );
    }
    let _ = writeln!(out, "  classDef own stroke:{OWN_COLOR},stroke-width:2px");
    for (i, actor) in chain.actors.iter().enumerate() {
        let class = match actor.best_contact() {
            _ if actor.tier == Tier::SelfTier => "own",
            Some(Contact::Direct) => "direct",
            Some(Contact::Indirect) => "indirect",
            Some(Contact::None) | None => "nocontact",
        };
        let _ = writeln!(out, "  class a{i} {class}");
    }
    out
}

fn legend(out: &mut String, lang: Lang) {
    let _ = writeln!(out, "%% {}", text::chain_mermaid_legend_contacts(lang));
    let _ = writeln!(out, "%% {}", text::chain_mermaid_legend_symbols(lang));
}

/// Mermaid comments end at the line break; keep a name on one line.
fn comment(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// Escapes text inside a quoted Mermaid label: Mermaid's entity codes for the characters that
/// end a label or start markup or an entity, `<br/>` for line breaks.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
