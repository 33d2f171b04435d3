//! Text diagrams: snapshots on the fixtures, escaping, well-formed XML.

use std::path::Path;

use kundenwert_chain::{
    parse, to_dot, to_drawio, to_graphml, to_mermaid, Actor, Chain, Contact, Lang, Person, Tier,
};

fn load(name: &str) -> Chain {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let text = std::fs::read_to_string(path).expect("fixture readable");
    parse(&text, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn mermaid_snapshots() {
    insta::assert_snapshot!(
        "hydraulik_mermaid_de",
        to_mermaid(&load("hydraulik.yaml"), Lang::De)
    );
    insta::assert_snapshot!(
        "packaging_mermaid_en",
        to_mermaid(&load("packaging.json"), Lang::En)
    );
}

#[test]
fn dot_snapshots() {
    insta::assert_snapshot!(
        "hydraulik_dot_de",
        to_dot(&load("hydraulik.yaml"), Lang::De)
    );
    insta::assert_snapshot!(
        "packaging_dot_en",
        to_dot(&load("packaging.json"), Lang::En)
    );
}

#[test]
fn drawio_snapshots() {
    insta::assert_snapshot!(
        "hydraulik_drawio_de",
        to_drawio(&load("hydraulik.yaml"), Lang::De)
    );
    insta::assert_snapshot!(
        "packaging_drawio_en",
        to_drawio(&load("packaging.json"), Lang::En)
    );
}

#[test]
fn graphml_snapshot() {
    insta::assert_snapshot!("hydraulik_graphml", to_graphml(&load("hydraulik.yaml")));
}

/// A chain whose texts contain every character the formats treat specially.
fn nasty() -> Chain {
    let mut c = load("packaging.json");
    let evil = "A \"q\" <b>&amp; #35; |x| `t` 'a'\nline2\u{1}";
    c.chain = evil.to_string();
    c.actors[0].name = evil.to_string();
    c.actors[0].notes = Some(evil.to_string());
    c.actors[0].persons[0].name = evil.to_string();
    c.actors[0].persons[0].role = Some(evil.to_string());
    c.flows[0].label = Some(evil.to_string());
    c
}

#[test]
fn xml_exports_are_well_formed_and_keep_the_text() {
    for chain in [load("hydraulik.yaml"), load("packaging.json"), nasty()] {
        for lang in [Lang::De, Lang::En] {
            let drawio = to_drawio(&chain, lang);
            let doc = roxmltree::Document::parse(&drawio)
                .unwrap_or_else(|e| panic!("draw.io not well-formed: {e}\n{drawio}"));
            let cells = doc
                .descendants()
                .filter(|n| n.has_tag_name("mxCell"))
                .count();
            // Two root cells, one header per tier present, one per actor, one per flow.
            assert_eq!(
                cells,
                2 + chain.tiers_present().len() + chain.actors.len() + chain.flows.len()
            );
        }
        let graphml = to_graphml(&chain);
        let doc = roxmltree::Document::parse(&graphml)
            .unwrap_or_else(|e| panic!("GraphML not well-formed: {e}\n{graphml}"));
        let names: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("data") && n.attribute("key") == Some("n_name"))
            .filter_map(|n| n.text())
            .collect();
        // Names come back exactly (U+0001 cannot exist in XML 1.0 and becomes U+FFFD).
        for actor in &chain.actors {
            let expected = actor.name.replace('\u{1}', "\u{fffd}");
            assert!(
                names.contains(&expected.as_str()),
                "{expected:?} in {names:?}"
            );
        }
    }
}

#[test]
fn draw_io_labels_are_html_escaped_inside_the_attribute() {
    let drawio = to_drawio(&nasty(), Lang::En);
    let doc = roxmltree::Document::parse(&drawio).expect("well-formed");
    let cell = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("a0"))
        .expect("first actor");
    let value = cell.attribute("value").expect("label");
    // The attribute holds HTML: the name's markup characters are entities there, line breaks <br/>.
    assert!(value.starts_with("<b>A &quot;q&quot; &lt;b&gt;&amp;amp; #35; |x| `t` 'a'<br/>line2"));
}

#[test]
fn mermaid_escapes_label_breakers() {
    let m = to_mermaid(&nasty(), Lang::En);
    let line = m
        .lines()
        .find(|l| l.trim_start().starts_with("a0[\""))
        .expect("node a0");
    assert_eq!(
        line.trim(),
        "a0[\"<b>A #quot;q#quot; #lt;b#gt;#amp;amp; #35;35; #124;x#124; #96;t#96; 'a'<br/>line2 </b><br/>×2 · ★★★★☆ · direct contact\"]"
    );
    // Every node label opens and closes its quotes on the same line.
    for l in m.lines().filter(|l| l.contains("[\"")) {
        assert!(
            l.trim_end().ends_with("\"]") || l.trim_end().ends_with("\"]]"),
            "{l}"
        );
    }
}

#[test]
fn dot_labels_are_html_escaped() {
    let d = to_dot(&nasty(), Lang::De);
    assert!(d.contains("label=<<b>A &quot;q&quot; &lt;b&gt;&amp;amp; #35; |x| `t` 'a'<br/>line2\u{fffd}</b><br/>×2 · ★★★★☆ · direkter Kontakt>"));
    // Balanced braces: one digraph, one cluster per tier present.
    assert_eq!(d.matches('{').count(), d.matches('}').count());
    assert_eq!(
        d.matches("subgraph \"cluster_").count(),
        nasty().tiers_present().len()
    );
}

#[test]
fn persons_in_dot_show_contact_by_line_style() {
    let mut c = Chain {
        chain: "C".into(),
        subject: kundenwert_chain::Subject::Service,
        description: None,
        actors: vec![
            Actor::new("w", Tier::SelfTier, "W"),
            Actor::new("k", Tier::Customer, "K"),
        ],
        flows: vec![],
    };
    c.actors[1].persons = vec![
        Person::new("D", Contact::Direct),
        Person::new("I", Contact::Indirect),
        Person::new("N", Contact::None),
    ];
    let d = to_dot(&c, Lang::En);
    assert!(d.contains("\"a1\" -> \"a1p0\" [dir=none, style=bold"));
    assert!(d.contains("\"a1\" -> \"a1p1\" [dir=none, style=dashed"));
    assert!(d.contains("\"a1\" -> \"a1p2\" [dir=none, style=dotted, color=\"#c62828\""));
}

/// The HTML-like labels of a DOT file (`label=<...>`), found by balancing angle brackets; escaped
/// text never contains raw `<` or `>`, so the depth count is exact.
fn dot_html_labels(dot: &str) -> Vec<&str> {
    let mut labels = Vec::new();
    let mut rest = dot;
    while let Some(start) = rest.find("label=<") {
        let body = &rest[start + "label=<".len()..];
        let mut depth = 1;
        let mut end = None;
        for (i, c) in body.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.expect("label closes");
        labels.push(&body[..end]);
        rest = &body[end..];
    }
    labels
}

#[test]
fn dot_html_labels_are_well_formed_markup() {
    for chain in [load("hydraulik.yaml"), load("packaging.json"), nasty()] {
        for lang in [Lang::De, Lang::En] {
            let dot = to_dot(&chain, lang);
            let labels = dot_html_labels(&dot);
            // Graph title, tier clusters, actors, persons, flows, legend.
            let persons: usize = chain.actors.iter().map(|a| a.persons.len()).sum();
            assert_eq!(
                labels.len(),
                1 + chain.tiers_present().len()
                    + chain.actors.len()
                    + persons
                    + chain.flows.len()
                    + 1
            );
            for label in labels {
                let xml = format!("<x>{label}</x>");
                roxmltree::Document::parse(&xml)
                    .unwrap_or_else(|e| panic!("label not well-formed: {e}\n{label}"));
            }
        }
    }
}
