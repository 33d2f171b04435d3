//! The chain diagram (SVG and PNG) on a seven-actor chain with hostile names.

use std::collections::BTreeMap;

use kundenwert_chain::export::{to_png, to_png_with_fallback_font, to_svg, PngError};
use kundenwert_chain::{
    Actor, ActorFigures, Chain, CompetitivePosition, Contact, Flow, FlowKind, Person, Relationship,
    Size, Subject, Tier,
};
use kundenwert_core::Lang;
use resvg::{tiny_skia, usvg};

fn person(name: &str, role: Option<&str>, contact: Contact, known_by: Option<&str>) -> Person {
    let mut p = Person::new(name, contact);
    p.role = role.map(str::to_owned);
    p.known_by = known_by.map(str::to_owned);
    p
}

fn flow(from: &str, to: &str, kind: FlowKind, label: Option<&str>) -> Flow {
    Flow {
        from: from.to_owned(),
        to: to.to_owned(),
        kind,
        label: label.map(str::to_owned),
    }
}

/// Seven actors over all tiers, names with `&`, `<`, quotes and umlauts, persons with every
/// contact strength, one actor without persons, every flow kind, one `other` actor.
fn chain() -> Chain {
    let mut stahl = Actor::new("stahlwerk", Tier::Supplier, "Stahlwerke Nord & Söhne");
    stahl.count = Some(3);
    stahl.size = Some(Size::Large);
    stahl.importance = Some(4);
    stahl.competitive_position = Some(CompetitivePosition::Leader);
    stahl.relationship = Some(Relationship::Supplier);
    stahl.success_factors = vec!["Preis".into(), "Liefertreue".into()];
    stahl.persons = vec![person(
        "Anna Berg",
        Some("Vertriebsleitung"),
        Contact::Direct,
        Some("Max Weber"),
    )];

    let mut wir = Actor::new("wir", Tier::SelfTier, "Hydraulik <Müller> GmbH");
    wir.size = Some(Size::Medium);
    wir.importance = Some(5);
    wir.persons = vec![person(
        "Max Weber",
        Some("Key-Account"),
        Contact::Direct,
        None,
    )];

    let mut oem = Actor::new(
        "oem",
        Tier::Customer,
        "Landmaschinenwerk \"Grüner Acker\" AG & Co. KGaA mit sehr langem Namen",
    );
    oem.importance = Some(5);
    oem.size = Some(Size::Large);
    oem.competitive_position = Some(CompetitivePosition::Challenger);
    oem.relationship = Some(Relationship::Customer);
    oem.customer = Some("K-1001".into());
    oem.persons = vec![
        person(
            "Jörg Schäfer",
            Some("Einkauf"),
            Contact::Direct,
            Some("Max Weber"),
        ),
        person(
            "Dr. Ülkü Öztürk",
            Some("Entwicklung <Hydraulik>"),
            Contact::Indirect,
            Some("Anna Berg"),
        ),
    ];

    let mut handel = Actor::new("handel", Tier::Customer, "Landtechnik-Händler 'Süd'");
    handel.count = Some(40);
    handel.importance = Some(2);
    handel.size = Some(Size::Small);
    handel.segment = Some("type=growth".into());

    let mut lohn = Actor::new("lohn", Tier::CustomerOfCustomer, "Lohnunternehmer");
    lohn.count = Some(250);
    lohn.importance = Some(3);
    lohn.persons = vec![person("Bernd Groß", None, Contact::None, None)];

    let mut bauer = Actor::new("landwirt", Tier::User, "Landwirte & Agrarbetriebe");
    bauer.count = Some(12_000);
    bauer.importance = Some(4);
    bauer.size = Some(Size::Micro);
    bauer.persons = vec![person(
        "Familie Kühn",
        Some("Betriebsleitung"),
        Contact::Indirect,
        Some("Jörg Schäfer"),
    )];

    let mut dlg = Actor::new("pruefstelle", Tier::Other, "Prüfstelle für Landtechnik");
    dlg.importance = Some(3);
    dlg.relationship = Some(Relationship::None);
    dlg.persons = vec![person(
        "Prüfer N.N.",
        Some("Zulassung"),
        Contact::None,
        None,
    )];

    Chain {
        chain: "Hydraulikzylinder für Landmaschinen".into(),
        subject: Subject::Product,
        description: Some(
            "Vom Stahlrohr bis zum Feld: wer entscheidet über unseren Zylinder?".into(),
        ),
        actors: vec![stahl, wir, oem, handel, lohn, bauer, dlg],
        flows: vec![
            flow(
                "stahlwerk",
                "wir",
                FlowKind::Goods,
                Some("liefert Stahlrohre"),
            ),
            flow("wir", "stahlwerk", FlowKind::Money, None),
            flow(
                "wir",
                "oem",
                FlowKind::Goods,
                Some("Zylinder & Service-Kits"),
            ),
            flow("oem", "wir", FlowKind::Money, Some("zahlt <netto 30>")),
            flow("wir", "handel", FlowKind::Service, Some("Schulung")),
            flow("oem", "lohn", FlowKind::Goods, Some("Traktoren")),
            flow("handel", "lohn", FlowKind::Service, Some("Wartung")),
            flow("lohn", "landwirt", FlowKind::Service, Some("Ernte")),
            flow(
                "landwirt",
                "wir",
                FlowKind::Information,
                Some("Feldausfälle melden"),
            ),
            flow("pruefstelle", "oem", FlowKind::Influence, Some("Zulassung")),
            flow("pruefstelle", "landwirt", FlowKind::Information, None),
        ],
    }
}

fn figures() -> BTreeMap<String, ActorFigures> {
    let mut f = BTreeMap::new();
    f.insert(
        "oem".to_owned(),
        ActorFigures {
            current_value: Some(1_234_567.8),
            customer_type: Some("Wachstumskunde".into()),
            customers: None,
        },
    );
    f.insert(
        "handel".to_owned(),
        ActorFigures {
            current_value: Some(88_000.0),
            customer_type: None,
            customers: Some(40),
        },
    );
    f
}

/// The usvg tree of an SVG, laid out with the bundled fonts (as the PNG export does).
fn tree(svg: &str) -> usvg::Tree {
    let mut options = usvg::Options::default();
    let db = options.fontdb_mut();
    db.load_font_data(include_bytes!("../../assets/DejaVuSans.ttf").to_vec());
    db.load_font_data(include_bytes!("../../assets/DejaVuSans-Bold.ttf").to_vec());
    usvg::Tree::from_str(svg, &options).expect("usvg parses the diagram")
}

/// Bounding boxes of all text nodes under `group`, with their text.
fn texts(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => texts(g, out),
            usvg::Node::Text(t) => {
                let content = t.chunks().iter().map(|c| c.text()).collect::<String>();
                out.push((content, t.abs_bounding_box()));
            }
            _ => {}
        }
    }
}

fn find_group<'a>(group: &'a usvg::Group, id: &str) -> Option<&'a usvg::Group> {
    for node in group.children() {
        if let usvg::Node::Group(g) = node {
            if g.id() == id {
                return Some(g);
            }
            if let Some(found) = find_group(g, id) {
                return Some(found);
            }
        }
    }
    None
}

/// The first path of a group (an actor box's frame).
fn frame(group: &usvg::Group) -> usvg::Rect {
    group
        .children()
        .iter()
        .find_map(|n| match n {
            usvg::Node::Path(p) => Some(p.abs_bounding_box()),
            _ => None,
        })
        .expect("actor group starts with its frame")
}

#[test]
fn svg_snapshot_de() {
    insta::assert_snapshot!(to_svg(&chain(), Lang::De, &figures()));
}

#[test]
fn svg_is_well_formed_with_escaped_text() {
    let svg = to_svg(&chain(), Lang::De, &figures());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let width: f32 = root.attribute("width").unwrap().parse().unwrap();
    let height: f32 = root.attribute("height").unwrap().parse().unwrap();
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {width} {height}").as_str())
    );
    assert!(root
        .attribute("font-family")
        .unwrap()
        .contains("DejaVu Sans"));

    let text: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    let all = text.join("\n");
    // Parsed back, the escaped names are the originals, umlauts included.
    for expected in [
        "Hydraulik <Müller> GmbH",
        "Landtechnik-Händler 'Süd'",
        "zahlt <netto 30>",
        "Zylinder & Service-Kits",
        "Jörg Schäfer",
        "Kundenwert: 1.234.568",
        "Kundentyp: Wachstumskunde",
        "Kunden: 40",
        "Lieferant",
        "Kunde des Kunden",
        "Sonstige",
        "Flüsse",
        "kein Kontakt",
    ] {
        assert!(
            all.contains(expected),
            "{expected:?} missing from the diagram text"
        );
    }
    // The long name is cut in the box but complete in the box's tooltip.
    let long = "Landmaschinenwerk \"Grüner Acker\" AG & Co. KGaA mit sehr langem Namen";
    assert!(!text
        .iter()
        .any(|t| t.contains("sehr langem Namen") && !t.starts_with(long)));
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("title") && n.text() == Some(long)));
    assert!(all.contains('…'));
    // One arrowhead per flow kind, used by the flows.
    for kind in FlowKind::ALL {
        let marker = format!("url(#arrow-{})", kind.id());
        assert!(doc
            .descendants()
            .any(|n| n.has_tag_name("marker")
                && n.attribute("id") == Some(&marker[5..marker.len() - 1])));
        assert!(doc
            .descendants()
            .any(|n| n.attribute("marker-end") == Some(marker.as_str())));
    }
}

#[test]
fn text_stays_in_its_box_and_never_overlaps() {
    let c = chain();
    for lang in [Lang::De, Lang::En] {
        let svg = to_svg(&c, lang, &figures());
        let tree = tree(&svg);
        // Measured by usvg's own text layout with the bundled font, not by our estimate.
        for i in 0..c.actors.len() {
            let group = find_group(tree.root(), &format!("actor-{i}")).expect("actor group");
            let frame = frame(group);
            let mut inside = Vec::new();
            texts(group, &mut inside);
            assert!(!inside.is_empty());
            for (t, bbox) in &inside {
                assert!(
                    bbox.left() >= frame.left() + 2.0
                        && bbox.right() <= frame.right() - 2.0
                        && bbox.top() >= frame.top()
                        && bbox.bottom() <= frame.bottom(),
                    "{lang:?}: {t:?} {bbox:?} leaves its box {frame:?}"
                );
            }
        }
        let mut all = Vec::new();
        texts(tree.root(), &mut all);
        for (i, (a, ra)) in all.iter().enumerate() {
            for (b, rb) in &all[i + 1..] {
                // Touching is fine; 1 px of overlap is the tolerance for glyph extents.
                let overlap_x = ra.right().min(rb.right()) - ra.left().max(rb.left());
                let overlap_y = ra.bottom().min(rb.bottom()) - ra.top().max(rb.top());
                assert!(
                    overlap_x <= 1.0 || overlap_y <= 1.0,
                    "{lang:?}: {a:?} {ra:?} overlaps {b:?} {rb:?}"
                );
            }
        }
    }
}

#[test]
fn png_has_the_svg_size_and_shows_every_flow_colour() {
    let c = chain();
    let svg = to_svg(&c, Lang::De, &figures());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let width: f32 = doc
        .root_element()
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    let height: f32 = doc
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    let scale = 1.5;
    let png = to_png(&c, Lang::De, &figures(), scale).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let pixmap = tiny_skia::Pixmap::decode_png(&png).expect("a valid PNG");
    assert_eq!(pixmap.width(), (width * scale).ceil() as u32);
    assert_eq!(pixmap.height(), (height * scale).ceil() as u32);
    let pixels = pixmap.pixels();
    let ink = pixels
        .iter()
        .filter(|p| p.red() < 200 || p.green() < 200 || p.blue() < 200)
        .count();
    // Boxes, text and lines cover a few percent of a white canvas; a blank or failed
    // rendering has none, a fully dark one would exceed the upper bound.
    let share = ink as f64 / pixels.len() as f64;
    assert!((0.02..0.5).contains(&share), "ink share {share}");
    // Every flow colour (Okabe–Ito) appears: the arrows are drawn. Tolerance covers
    // anti-aliasing; the pure colour is found along each 2 px line.
    for (name, rgb) in [
        ("goods", (0x00, 0x72, 0xB2)),
        ("service", (0x00, 0x9E, 0x73)),
        ("money", (0xE6, 0x9F, 0x00)),
        ("information", (0xCC, 0x79, 0xA7)),
        ("influence", (0x56, 0xB4, 0xE9)),
    ] {
        let hits = pixels
            .iter()
            .filter(|p| {
                p.alpha() == 255
                    && (p.red() as i32 - rgb.0).abs() <= 6
                    && (p.green() as i32 - rgb.1).abs() <= 6
                    && (p.blue() as i32 - rgb.2).abs() <= 6
            })
            .count();
        assert!(hits > 50, "{name}: only {hits} pixels of its colour");
    }
    if std::env::var_os("KUNDENWERT_KEEP_PNG").is_some() {
        // To look at the diagram: the files land in the system's temporary folder.
        let keep = std::env::temp_dir();
        std::fs::write(keep.join("chain_de.png"), &png).unwrap();
        std::fs::write(
            keep.join("chain_en.png"),
            to_png(&c, Lang::En, &figures(), 1.0).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn png_rejects_bad_scales() {
    let c = chain();
    let f = BTreeMap::new();
    for scale in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        assert!(matches!(
            to_png(&c, Lang::De, &f, scale),
            Err(PngError::InvalidScale(_))
        ));
    }
    let err = to_png(&c, Lang::De, &f, 100.0).unwrap_err();
    assert!(matches!(err, PngError::TooLarge { .. }));
    assert!(err.message(Lang::De).contains("kleineren Maßstab"));
    assert!(err.message(Lang::En).contains("smaller scale"));
}

#[test]
fn english_labels() {
    let svg = to_svg(&chain(), Lang::En, &BTreeMap::new());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let all: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    let all = all.join("\n");
    for expected in [
        "Supplier",
        "Customer's customer",
        "Flows",
        "Importance",
        "no contact",
        "Other",
    ] {
        assert!(all.contains(expected), "{expected:?} missing");
    }
    for german in ["Lieferant", "Flüsse", "Bedeutung", "Kundenwert"] {
        assert!(!all.contains(german), "{german:?} in the English diagram");
    }
}

/// y of actor `i`'s frame.
fn box_top(svg: &str, i: usize) -> f32 {
    let tree = tree(svg);
    frame(find_group(tree.root(), &format!("actor-{i}")).unwrap()).top()
}

#[test]
fn columns_are_ordered_against_crossings() {
    // Customers a, b feed users in crossed file order: a → user-b, b → user-a.
    let mut c = Chain {
        chain: "x".into(),
        subject: Subject::Service,
        description: None,
        actors: vec![
            Actor::new("wir", Tier::SelfTier, "Wir"),
            Actor::new("a", Tier::Customer, "A"),
            Actor::new("b", Tier::Customer, "B"),
            Actor::new("ua", Tier::User, "Nutzer von B"),
            Actor::new("ub", Tier::User, "Nutzer von A"),
        ],
        flows: vec![
            flow("wir", "a", FlowKind::Service, None),
            flow("wir", "b", FlowKind::Service, None),
            flow("a", "ub", FlowKind::Goods, None),
            flow("b", "ua", FlowKind::Goods, None),
        ],
    };
    let svg = to_svg(&c, Lang::De, &BTreeMap::new());
    // Either column may give way; what counts is that the two flows no longer cross.
    let a_above_b = box_top(&svg, 1) < box_top(&svg, 2);
    let user_of_a_above = box_top(&svg, 4) < box_top(&svg, 3);
    assert_eq!(a_above_b, user_of_a_above, "the goods flows cross");
    // Without the flows the file order stands.
    c.flows.clear();
    let svg = to_svg(&c, Lang::De, &BTreeMap::new());
    assert!(box_top(&svg, 1) < box_top(&svg, 2));
    assert!(box_top(&svg, 3) < box_top(&svg, 4));
}

#[test]
fn degenerate_chains_still_draw() {
    let empty = Chain {
        chain: String::new(),
        subject: Subject::CustomerGroup,
        description: None,
        actors: Vec::new(),
        flows: Vec::new(),
    };
    let mut broken = chain();
    broken
        .flows
        .push(flow("wir", "nobody", FlowKind::Money, Some("ins Leere")));
    broken
        .flows
        .push(flow("wir", "wir", FlowKind::Information, Some("intern")));
    broken.actors[0].importance = Some(9);
    broken.actors[0].name = "Steuerzeichen\u{1}\u{7} & Tab\tweg".into();
    let mut others_only = chain();
    others_only.actors.retain(|a| a.tier == Tier::Other);
    for c in [empty, broken, others_only] {
        for lang in [Lang::De, Lang::En] {
            let svg = to_svg(&c, lang, &BTreeMap::new());
            roxmltree::Document::parse(&svg).expect("well-formed XML");
            let png = to_png(&c, lang, &BTreeMap::new(), 0.5).unwrap();
            assert!(tiny_skia::Pixmap::decode_png(&png).is_ok());
        }
    }
}

#[test]
fn fallback_font_is_read_or_reported() {
    let c = chain();
    let f = BTreeMap::new();
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let missing = assets.join("no-such-font.ttf");
    let err = to_png_with_fallback_font(&c, Lang::De, &f, 1.0, &missing).unwrap_err();
    assert!(matches!(err, PngError::FontRead { .. }));
    assert!(err.message(Lang::De).contains("Schriftdatei"));
    let license = assets.join("DejaVu-LICENSE.txt");
    let err = to_png_with_fallback_font(&c, Lang::De, &f, 1.0, &license).unwrap_err();
    assert!(matches!(err, PngError::NotAFont(_)));
    let bold = assets.join("DejaVuSans-Bold.ttf");
    let png = to_png_with_fallback_font(&c, Lang::De, &f, 1.0, &bold).unwrap();
    assert_eq!(
        png,
        to_png(&c, Lang::De, &f, 1.0).unwrap(),
        "a fallback changes no glyph DejaVu has"
    );

    // Mathematical bold capitals (U+1D400…) are missing from DejaVu Sans but present in the
    // DejaVu math font that Debian's fonts-dejavu-core ships next to it; where that font is
    // installed, the fallback must draw them (they render as empty boxes without it).
    let math = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf");
    if math.exists() {
        let mut c = c;
        c.chain = "𝐀𝐁𝐂𝐃𝐄𝐅 𝐀𝐁𝐂𝐃𝐄𝐅".into();
        let plain = to_png(&c, Lang::De, &f, 1.0).unwrap();
        let with = to_png_with_fallback_font(&c, Lang::De, &f, 1.0, math).unwrap();
        assert_ne!(plain, with);
    }
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        // Latin text with XML specials, umlauts, long words and the odd control character.
        proptest::string::string_regex("[A-Za-zÄÖÜäöüß&<>\"' .,()/\\-–\u{1}]{0,60}").unwrap()
    }

    fn tier() -> impl Strategy<Value = Tier> {
        proptest::sample::select(Tier::ALL.to_vec())
    }

    fn contact() -> impl Strategy<Value = Contact> {
        proptest::sample::select(Contact::ALL.to_vec())
    }

    fn chains() -> impl Strategy<Value = Chain> {
        let actor = (
            tier(),
            text(),
            proptest::option::of(1u32..100_000),
            proptest::option::of(0u8..9),
            proptest::collection::vec((text(), proptest::option::of(text()), contact()), 0..4),
        );
        (proptest::collection::vec(actor, 0..9), text())
            .prop_flat_map(|(actors, name)| {
                let n = actors.len().max(1);
                let flows = proptest::collection::vec(
                    (
                        0..n,
                        0..n,
                        proptest::sample::select(FlowKind::ALL.to_vec()),
                        proptest::option::of(text()),
                    ),
                    0..12,
                );
                (Just(actors), Just(name), flows)
            })
            .prop_map(|(actors, name, flows)| Chain {
                chain: name,
                subject: Subject::Product,
                description: None,
                actors: actors
                    .into_iter()
                    .enumerate()
                    .map(|(i, (tier, name, count, importance, persons))| {
                        let mut a = Actor::new(format!("a{i}"), tier, name);
                        a.count = count;
                        a.importance = importance;
                        a.persons = persons
                            .into_iter()
                            .map(|(name, role, contact)| {
                                let mut p = Person::new(name, contact);
                                p.role = role;
                                p
                            })
                            .collect();
                        a
                    })
                    .collect(),
                flows: flows
                    .into_iter()
                    .map(|(a, b, kind, label)| Flow {
                        from: format!("a{a}"),
                        to: format!("a{b}"),
                        kind,
                        label,
                    })
                    .collect(),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any chain gives well-formed XML whose box texts stay inside their boxes.
        #[test]
        fn any_chain_draws_within_its_boxes(c in chains()) {
            let svg = to_svg(&c, Lang::De, &BTreeMap::new());
            prop_assert!(roxmltree::Document::parse(&svg).is_ok());
            let tree = tree(&svg);
            for i in 0..c.actors.len() {
                let group = find_group(tree.root(), &format!("actor-{i}")).expect("actor group");
                let frame = frame(group);
                let mut inside = Vec::new();
                texts(group, &mut inside);
                for (t, bbox) in &inside {
                    prop_assert!(
                        bbox.left() >= frame.left() && bbox.right() <= frame.right(),
                        "{:?} {:?} leaves its box {:?}", t, bbox, frame
                    );
                }
            }
        }
    }
}
