//! GraphML: actors and persons as nodes with every attribute as a declared key, flows and
//! actor–person links as edges. Identifiers only (no labels), so it needs no language.

use std::fmt::Write as _;

use super::common::xml_escape;
use crate::model::Chain;

/// Node keys: (key id, attribute name).
const NODE_KEYS: &[(&str, &str, &str)] = &[
    ("n_type", "type", "string"),
    ("n_id", "id", "string"),
    ("n_tier", "tier", "string"),
    ("n_name", "name", "string"),
    ("n_count", "count", "int"),
    ("n_size", "size", "string"),
    ("n_importance", "importance", "int"),
    ("n_competitive_position", "competitive_position", "string"),
    ("n_relationship", "relationship", "string"),
    ("n_success_factors", "success_factors", "string"),
    ("n_notes", "notes", "string"),
    ("n_customer", "customer", "string"),
    ("n_segment", "segment", "string"),
    ("n_role", "role", "string"),
    ("n_contact", "contact", "string"),
    ("n_known_by", "known_by", "string"),
    ("n_last_contact", "last_contact", "string"),
];
const EDGE_KEYS: &[(&str, &str, &str)] = &[
    ("e_type", "type", "string"),
    ("e_kind", "kind", "string"),
    ("e_label", "label", "string"),
];

/// The chain as GraphML. `success_factors` is one string joined with "; " (GraphML has no lists).
pub fn to_graphml(chain: &Chain) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (domain, keys) in [("node", NODE_KEYS), ("edge", EDGE_KEYS)] {
        for (id, name, ty) in keys {
            let _ = writeln!(
                out,
                "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
            );
        }
    }
    out.push_str("  <key id=\"g_name\" for=\"graph\" attr.name=\"chain\" attr.type=\"string\"/>\n");
    out.push_str(
        "  <key id=\"g_subject\" for=\"graph\" attr.name=\"subject\" attr.type=\"string\"/>\n",
    );
    out.push_str("  <key id=\"g_description\" for=\"graph\" attr.name=\"description\" attr.type=\"string\"/>\n");
    out.push_str("  <graph id=\"chain\" edgedefault=\"directed\">\n");
    data(&mut out, 4, "g_name", Some(&chain.chain));
    data(&mut out, 4, "g_subject", Some(chain.subject.id()));
    data(&mut out, 4, "g_description", chain.description.as_deref());
    for (i, a) in chain.actors.iter().enumerate() {
        let _ = writeln!(out, "    <node id=\"a{i}\">");
        data(&mut out, 6, "n_type", Some("actor"));
        data(&mut out, 6, "n_id", Some(&a.id));
        data(&mut out, 6, "n_tier", Some(a.tier.id()));
        data(&mut out, 6, "n_name", Some(&a.name));
        data(
            &mut out,
            6,
            "n_count",
            a.count.map(|c| c.to_string()).as_deref(),
        );
        data(&mut out, 6, "n_size", a.size.map(|s| s.id()));
        data(
            &mut out,
            6,
            "n_importance",
            a.importance.map(|c| c.to_string()).as_deref(),
        );
        data(
            &mut out,
            6,
            "n_competitive_position",
            a.competitive_position.map(|s| s.id()),
        );
        data(
            &mut out,
            6,
            "n_relationship",
            a.relationship.map(|s| s.id()),
        );
        let factors = a.success_factors.join("; ");
        data(
            &mut out,
            6,
            "n_success_factors",
            Some(factors.as_str()).filter(|s| !s.is_empty()),
        );
        data(&mut out, 6, "n_notes", a.notes.as_deref());
        data(&mut out, 6, "n_customer", a.customer.as_deref());
        data(&mut out, 6, "n_segment", a.segment.as_deref());
        out.push_str("    </node>\n");
        for (j, p) in a.persons.iter().enumerate() {
            let _ = writeln!(out, "    <node id=\"a{i}p{j}\">");
            data(&mut out, 6, "n_type", Some("person"));
            data(&mut out, 6, "n_name", Some(&p.name));
            data(&mut out, 6, "n_role", p.role.as_deref());
            data(&mut out, 6, "n_contact", Some(p.contact.id()));
            data(&mut out, 6, "n_known_by", p.known_by.as_deref());
            let date = p.last_contact.map(|d| d.format("%Y-%m-%d").to_string());
            data(&mut out, 6, "n_last_contact", date.as_deref());
            data(&mut out, 6, "n_notes", p.notes.as_deref());
            out.push_str("    </node>\n");
            let _ = writeln!(
                out,
                "    <edge id=\"a{i}p{j}e\" source=\"a{i}\" target=\"a{i}p{j}\">"
            );
            data(&mut out, 6, "e_type", Some("person"));
            out.push_str("    </edge>\n");
        }
    }
    for (k, f) in chain.flows.iter().enumerate() {
        let from = chain.actors.iter().position(|a| a.id == f.from);
        let to = chain.actors.iter().position(|a| a.id == f.to);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let _ = writeln!(
            out,
            "    <edge id=\"f{k}\" source=\"a{from}\" target=\"a{to}\">"
        );
        data(&mut out, 6, "e_type", Some("flow"));
        data(&mut out, 6, "e_kind", Some(f.kind.id()));
        data(&mut out, 6, "e_label", f.label.as_deref());
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

fn data(out: &mut String, indent: usize, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = writeln!(
            out,
            "{:indent$}<data key=\"{key}\">{}</data>",
            "",
            xml_escape(v)
        );
    }
}
