//! Reading chain files: the fixtures parse, broken files report every problem, exports round-trip.

use std::path::Path;

use kundenwert_chain::{parse, to_json, to_yaml, Chain, Contact, Format, Lang, Tier};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(path).expect("fixture readable")
}

fn load(name: &str) -> Chain {
    let format = Format::from_path(Path::new(name));
    match parse(&fixture(name), format) {
        Ok(c) => c,
        Err(e) => panic!("{name}: {}", e.localized(Lang::En)),
    }
}

#[test]
fn hydraulik_fixture_covers_the_handbook_case() {
    let c = load("hydraulik.yaml");
    assert_eq!(c.chain, "Hydraulikzylinder für Landmaschinen");
    assert!(c.actors.len() >= 7);
    for tier in Tier::ALL {
        assert!(
            c.actors.iter().any(|a| a.tier == *tier),
            "tier {tier} present"
        );
    }
    let contacts: Vec<Contact> = c
        .actors
        .iter()
        .flat_map(|a| a.persons.iter().map(|p| p.contact))
        .collect();
    for contact in Contact::ALL {
        assert!(contacts.contains(contact));
    }
    assert!(c.actors.iter().any(|a| a.persons.is_empty()));
    let oem = c.actor("oem").expect("oem");
    assert_eq!(
        oem.name,
        "Landmaschinenbau \"Ährenfeld\" <Werk Süd> GmbH & Co. KG"
    );
    assert_eq!(oem.success_factors[1], "Qualität: 0 ppm");
    assert_eq!(
        c.description.as_deref(),
        Some("Kette vom Stahlrohr bis zum Lohnunternehmer auf dem Feld.\nStand: Herbst 2025")
    );
    for kind in kundenwert_chain::FlowKind::ALL {
        assert!(c.flows.iter().any(|f| f.kind == *kind), "flow kind {kind}");
    }
}

#[test]
fn format_is_sniffed_when_not_given() {
    let json = load("packaging.json");
    assert_eq!(parse(&fixture("packaging.json"), None).as_ref(), Ok(&json));
    let yaml = load("hydraulik.yaml");
    assert_eq!(parse(&fixture("hydraulik.yaml"), None).as_ref(), Ok(&yaml));
}

#[test]
fn json_and_yaml_of_the_same_chain_agree() {
    for name in ["hydraulik.yaml", "packaging.json"] {
        let c = load(name);
        assert_eq!(parse(&to_json(&c), Some(Format::Json)).as_ref(), Ok(&c));
        assert_eq!(parse(&to_yaml(&c), Some(Format::Yaml)).as_ref(), Ok(&c));
        // Cross: the JSON export read as YAML (JSON is valid YAML here) gives the same chain.
        assert_eq!(parse(&to_json(&c), Some(Format::Yaml)).as_ref(), Ok(&c));
    }
}

#[test]
fn canonical_exports_are_fixed_points() {
    for name in ["hydraulik.yaml", "packaging.json"] {
        let c = load(name);
        let y = to_yaml(&c);
        let j = to_json(&c);
        assert_eq!(to_yaml(&parse(&y, None).unwrap()), y);
        assert_eq!(to_json(&parse(&j, None).unwrap()), j);
    }
}

#[test]
fn canonical_yaml_snapshot() {
    insta::assert_snapshot!("hydraulik_canonical_yaml", to_yaml(&load("hydraulik.yaml")));
}

#[test]
fn canonical_json_snapshot() {
    insta::assert_snapshot!("packaging_canonical_json", to_json(&load("packaging.json")));
}

#[test]
fn broken_file_reports_every_problem() {
    let errors = parse(&fixture("broken.yaml"), None).expect_err("broken");
    insta::assert_snapshot!("broken_en", errors.localized(Lang::En));
    insta::assert_snapshot!("broken_de", errors.localized(Lang::De));
    let text = errors.localized(Lang::En);
    assert!(text.contains(
        "actors[2].tier: 'kunde' is not one of supplier, self, customer, customer_of_customer, user, other"
    ));
    assert!(text.contains("flows[0].to: unknown actor 'xyz'"));
}

#[test]
fn syntax_errors_are_one_message_with_position() {
    let e = parse("chain: [unclosed\n", Some(Format::Yaml)).unwrap_err();
    assert_eq!(e.errors().len(), 1);
    assert!(e.localized(Lang::De).starts_with("Datei nicht lesbar"));
    let e = parse("{\"chain\": }", Some(Format::Json)).unwrap_err();
    assert!(e.localized(Lang::En).contains("line 1"));
}

#[test]
fn duplicate_keys_are_reported_not_merged() {
    let text = "chain: A\nchain: B\nsubject: product\nactors:\n  - {id: w, tier: self, name: W}\n";
    let e = parse(text, None).unwrap_err();
    assert_eq!(e.localized(Lang::En), "chain: key appears twice");
    let json = r#"{"chain": "A", "subject": "service", "subject": "product", "actors": [{"id": "w", "tier": "self", "name": "W"}]}"#;
    let e = parse(json, None).unwrap_err();
    assert_eq!(e.localized(Lang::En), "subject: key appears twice");
}

#[test]
fn missing_self_and_second_self() {
    let none = "chain: A\nsubject: service\nactors:\n  - {id: k, tier: customer, name: K}\n";
    assert_eq!(
        parse(none, None).unwrap_err().localized(Lang::En),
        "actors: no actor with tier 'self' (exactly one is required: our own company)"
    );
    let two = "chain: A\nsubject: service\nactors:\n  - {id: a, tier: self, name: A}\n  - {id: b, tier: self, name: B}\n";
    assert_eq!(
        parse(two, None).unwrap_err().localized(Lang::En),
        "actors[1].tier: a second actor with tier 'self' (first: actors[0]); exactly one is allowed"
    );
}

#[test]
fn importance_count_and_dates_are_checked() {
    let base = |extra: &str| {
        format!(
            "chain: A\nsubject: product\nactors:\n  - id: w\n    tier: self\n    name: W\n{extra}"
        )
    };
    let msg = |extra: &str| parse(&base(extra), None).unwrap_err().localized(Lang::En);
    assert_eq!(
        msg("    importance: 0\n"),
        "actors[0].importance: 0 is not between 1 and 5"
    );
    assert_eq!(
        msg("    importance: 6\n"),
        "actors[0].importance: 6 is not between 1 and 5"
    );
    assert_eq!(
        msg("    importance: high\n"),
        "actors[0].importance: expected a whole number, found 'high'"
    );
    assert_eq!(msg("    count: 0\n"), "actors[0].count: 0 is less than 1");
    assert_eq!(
        msg("    count: 2.5\n"),
        "actors[0].count: expected a whole number, found 2.5"
    );
    assert_eq!(
        msg("    persons:\n      - {name: P, contact: direct, last_contact: 2025-02-30}\n"),
        "actors[0].persons[0].last_contact: '2025-02-30' is not a date of the form YYYY-MM-DD"
    );
    assert!(parse(&base("    importance: 5\n    count: 1\n"), None).is_ok());
    // A whole number written as 3.0 is still a whole number.
    assert_eq!(
        parse(&base("    count: 3.0\n"), None).unwrap().actors[0].count,
        Some(3)
    );
}

#[test]
fn unknown_keys_get_a_suggestion() {
    let text =
        "chain: A\nsubject: product\nactors:\n  - {id: w, tier: self, name: W, importence: 3}\n";
    assert_eq!(
        parse(text, None).unwrap_err().localized(Lang::De),
        "actors[0].importence: unbekannter Schlüssel (gemeint: 'importance'?); erlaubt: id, tier, name, count, size, importance, competitive_position, relationship, success_factors, notes, customer, segment, persons"
    );
}

#[test]
fn awkward_names_survive_both_formats() {
    let names = [
        "Müller & Söhne <GmbH>",
        "\"Quoted\" and 'single'",
        "key: value # not a comment",
        "  leading and trailing  ",
        "two\nlines\r\nand\ttab",
        "- looks like a list",
        "true",
        "123",
        "null",
        "~",
        "",
        "@at `tick` %pct !bang *star &anchor |pipe >fold",
        "NEL\u{85}LS\u{2028}PS\u{2029}BOM\u{feff}bell\u{7}",
        "emoji 🚜 and ß",
    ];
    for name in names {
        let mut c = load("packaging.json");
        c.actors[0].notes = Some(name.to_string());
        c.description = Some(name.to_string());
        c.actors[1].success_factors = vec![name.to_string()];
        for text in [to_yaml(&c), to_json(&c)] {
            let back = parse(&text, None).unwrap_or_else(|e| panic!("{name:?}: {e}\n{text}"));
            assert_eq!(back, c, "{name:?}");
        }
    }
}

#[test]
fn empty_files_tags_and_self_loops() {
    assert_eq!(
        parse("", None).unwrap_err().localized(Lang::En),
        "file: is empty"
    );
    assert_eq!(
        parse("# nur Kommentar\n", None)
            .unwrap_err()
            .localized(Lang::De),
        "Datei: ist leer"
    );
    assert_eq!(
        parse("- a\n", None).unwrap_err().localized(Lang::En),
        "file: expected a mapping (key: value), found […]"
    );
    let tagged = parse("chain: !tag x\nsubject: product\n", None).unwrap_err();
    assert!(tagged
        .localized(Lang::En)
        .contains("YAML tags such as !name are not supported"));
    let looped = "chain: A\nsubject: product\nactors:\n  - {id: w, tier: self, name: W}\nflows:\n  - {from: w, to: w, kind: money}\n";
    assert_eq!(
        parse(looped, None).unwrap_err().localized(Lang::En),
        "flows[0].to: flow from an actor to itself"
    );
}

#[test]
fn yaml_in_flow_style_is_not_mistaken_for_json() {
    let flow = "{chain: A, subject: product, actors: [{id: w, tier: self, name: W}]}";
    assert_eq!(parse(flow, None).unwrap().actors[0].id, "w");
    // Given explicitly as JSON, it is a JSON syntax error.
    assert!(parse(flow, Some(Format::Json)).is_err());
}
