//! draw.io (diagrams.net) file: an uncompressed `mxGraphModel`, one column per tier in chain
//! order, actors as rounded boxes listing the persons we know, flows as coloured edges.

use std::fmt::Write as _;

use kundenwert_core::Lang;

use super::common::{actor_color, detail_line, flow_color, html_text, xml_escape};
use crate::model::{Chain, Contact, Tier};

const COL_WIDTH: usize = 240;
const BOX_WIDTH: usize = 190;
const ROW_HEIGHT: usize = 150;
const TOP: usize = 60;
const LEFT: usize = 20;

/// The chain as a draw.io file, labels in German or English.
pub fn to_drawio(chain: &Chain, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<mxfile host=\"kundenwert\" type=\"device\">\n");
    let _ = writeln!(
        out,
        "  <diagram id=\"chain\" name=\"{}\">",
        xml_escape(&chain.chain)
    );
    out.push_str("    <mxGraphModel grid=\"1\" gridSize=\"10\" arrows=\"1\" connect=\"1\" page=\"1\" pageWidth=\"1654\" pageHeight=\"1169\">\n");
    out.push_str(
        "      <root>\n        <mxCell id=\"0\"/>\n        <mxCell id=\"1\" parent=\"0\"/>\n",
    );
    for (col, tier) in chain.tiers_present().into_iter().enumerate() {
        let x = LEFT + col * COL_WIDTH;
        let _ = writeln!(
            out,
            "        <mxCell id=\"t_{}\" value=\"{}\" style=\"text;html=1;align=center;fontStyle=1;fontSize=13;\" vertex=\"1\" parent=\"1\"><mxGeometry x=\"{x}\" y=\"10\" width=\"{BOX_WIDTH}\" height=\"30\" as=\"geometry\"/></mxCell>",
            tier.id(),
            xml_escape(&html_text(tier.label(lang)))
        );
        for (row, (i, actor)) in chain
            .actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.tier == tier)
            .enumerate()
        {
            let y = TOP + row * ROW_HEIGHT;
            let mut label = format!("<b>{}</b>", html_text(&actor.name));
            let detail = detail_line(actor, lang);
            if !detail.is_empty() {
                let _ = write!(label, "<br/>{}", html_text(&detail));
            }
            for person in &actor.persons {
                let _ = write!(
                    label,
                    "<br/>• {} ({})",
                    html_text(&person.name),
                    html_text(person.contact.label(lang))
                );
            }
            let dashed = match actor.best_contact() {
                _ if tier == Tier::SelfTier => "",
                Some(Contact::Direct) => "",
                Some(Contact::Indirect) => "dashed=1;",
                Some(Contact::None) | None => "dashed=1;dashPattern=1 3;",
            };
            let fill = if tier == Tier::SelfTier {
                "#e3f2fd"
            } else {
                "#ffffff"
            };
            let _ = writeln!(
                out,
                "        <mxCell id=\"a{i}\" value=\"{}\" style=\"rounded=1;whiteSpace=wrap;html=1;verticalAlign=top;strokeWidth=2;strokeColor={};fillColor={fill};{dashed}\" vertex=\"1\" parent=\"1\"><mxGeometry x=\"{x}\" y=\"{y}\" width=\"{BOX_WIDTH}\" height=\"{}\" as=\"geometry\"/></mxCell>",
                xml_escape(&label),
                actor_color(actor),
                ROW_HEIGHT - 30,
            );
        }
    }
    for (k, flow) in chain.flows.iter().enumerate() {
        let from = chain.actors.iter().position(|a| a.id == flow.from);
        let to = chain.actors.iter().position(|a| a.id == flow.to);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let mut label = flow.kind.label(lang).to_string();
        if let Some(l) = &flow.label {
            let _ = write!(label, ": {l}");
        }
        let color = flow_color(flow.kind);
        let _ = writeln!(
            out,
            "        <mxCell id=\"f{k}\" value=\"{}\" style=\"edgeStyle=orthogonalEdgeStyle;rounded=1;html=1;strokeColor={color};fontColor={color};strokeWidth=2;\" edge=\"1\" parent=\"1\" source=\"a{from}\" target=\"a{to}\"><mxGeometry relative=\"1\" as=\"geometry\"/></mxCell>",
            xml_escape(&html_text(&label)),
        );
    }
    out.push_str("      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>\n");
    out
}
