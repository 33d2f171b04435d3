//! How chain files and plan files are read, side by side: duplicate keys, unknown keys with their
//! hint, wrong types and syntax errors, with the exact messages and their order. The two file
//! kinds share one reader; where their messages differ, that difference is pinned here on purpose.

use kundenwert_chain::plan::parse_plan;
use kundenwert_chain::{parse, Format, Lang};

const CHAIN: &str = "chain: A\nsubject: product\nactors:\n  - {id: w, tier: self, name: W}\n";
const PLAN: &str = "plan: a\nscope: {kind: product, value: x}\n";

/// The English messages of a chain file that must not parse, one per line.
fn chain_errors(text: &str) -> String {
    match parse(text, None) {
        Ok(_) => panic!("parsed: {text:?}"),
        Err(e) => e.localized(Lang::En),
    }
}

/// The English messages of a plan file that must not parse, one per line.
fn plan_errors(text: &str) -> String {
    match parse_plan(text, None) {
        Ok(_) => panic!("parsed: {text:?}"),
        Err(e) => e.localized(Lang::En),
    }
}

#[test]
fn a_repeated_key_is_reported_at_every_repeat_in_a_chain_and_once_in_a_plan() {
    assert_eq!(
        chain_errors(&format!("{CHAIN}chain: B\nchain: C\n")),
        "chain: key appears twice\nchain: key appears twice"
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}plan: b\nplan: c\n")),
        "plan: key appears twice"
    );
    let de = parse_plan(&format!("{PLAN}plan: b\n"), None).unwrap_err();
    assert_eq!(de.localized(Lang::De), "plan: Schlüssel kommt doppelt vor");
}

#[test]
fn a_repeated_unknown_key_is_unknown_twice_in_a_chain_but_unknown_and_repeated_in_a_plan() {
    assert_eq!(
        chain_errors(&format!("{CHAIN}chian: B\nchian: C\n")),
        "chian: unknown key (did you mean 'chain'?); allowed: chain, subject, description, actors, flows\n\
         chian: unknown key (did you mean 'chain'?); allowed: chain, subject, description, actors, flows"
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}plna: b\nplna: c\n")),
        "plna: unknown key (did you mean 'plan'?); allowed: plan, scope, reasons, targets, activities, coaching, priorities, notes\n\
         plna: key appears twice"
    );
    let de = parse_plan(&format!("{PLAN}plna: b\n"), None).unwrap_err();
    assert_eq!(
        de.localized(Lang::De),
        "plna: unbekannter Schlüssel (gemeint: 'plan'?); erlaubt: plan, scope, reasons, targets, activities, coaching, priorities, notes"
    );
}

#[test]
fn keys_that_are_not_text_are_named_as_each_reader_shows_them() {
    let keys = "1: x\n2.0: y\n1e20: z\n? [a, b]\n: q\n~: n\ntrue: t\n.inf: i\n";
    let allowed = "allowed: chain, subject, description, actors, flows";
    // The chain sorts root keys that read as numbers after the others (they look like indices).
    assert_eq!(
        chain_errors(&format!("{CHAIN}{keys}")),
        [
            "100000000000000000000",
            "[…]",
            "null",
            "true",
            "inf",
            "1",
            "2"
        ]
        .map(|k| format!("{k}: unknown key; {allowed}"))
        .join("\n")
    );
    let allowed = "allowed: plan, scope, reasons, targets, activities, coaching, priorities, notes";
    assert_eq!(
        plan_errors(&format!("{PLAN}{keys}")),
        ["1", "2.0", "1e+20", "[\"a\",\"b\"]", "null", "true", "inf"]
            .map(|k| format!("{k}: unknown key; {allowed}"))
            .join("\n")
    );
}

#[test]
fn an_unknown_root_key_is_sorted_by_its_section_in_a_chain() {
    // `actors_old` starts like `actors`, so it is reported with the actors, after `flowz`.
    assert_eq!(
        chain_errors(&format!("{CHAIN}actors_old: x\nflowz: y\n")),
        "flowz: unknown key (did you mean 'flows'?); allowed: chain, subject, description, actors, flows\n\
         actors_old: unknown key; allowed: chain, subject, description, actors, flows"
    );
}

#[test]
fn wrong_types_name_what_was_found() {
    let chain = |value: &str| chain_errors(&format!("{CHAIN}description: {value}\n"));
    assert_eq!(chain("3.0"), "description: expected a text, found 3");
    assert_eq!(
        chain("1e20"),
        "description: expected a text, found 100000000000000000000"
    );
    assert_eq!(chain(".inf"), "description: expected a text, found inf");
    assert_eq!(chain("[a]"), "description: expected a text, found […]");
    assert_eq!(chain("{a: b}"), "description: expected a text, found {…}");
    assert_eq!(
        chain("-99999999999999999999"),
        "description: expected a text, found -99999999999999999999"
    );
    assert_eq!(
        chain_errors(&format!("{CHAIN}flows: '{}'\n", "ü".repeat(41))),
        format!("flows: expected a list, found '{}…'", "ü".repeat(40))
    );
    assert_eq!(
        chain_errors("actors: 5\nflows: x\n"),
        "chain: missing (required)\nsubject: missing (required)\nactors: expected a list, found 5\nflows: expected a list, found 'x'"
    );
    let de = parse(&format!("{CHAIN}description: 3\n"), None).unwrap_err();
    assert_eq!(
        de.localized(Lang::De),
        "description: erwartet einen Text, gefunden 3"
    );

    let plan = |value: &str| plan_errors(&format!("{PLAN}notes: {value}\n"));
    assert_eq!(plan("3.0"), "notes: expected a text, found 3.0");
    assert_eq!(plan("1e20"), "notes: expected a text, found 1e+20");
    assert_eq!(plan("[a]"), "notes: expected a text, found […]");
    assert_eq!(plan("{a: b}"), "notes: expected a text, found {…}");
    assert_eq!(
        plan_errors(&format!("{PLAN}activities: '{}'\n", "ü".repeat(41))),
        format!("activities: expected a list, found '{}…'", "ü".repeat(40))
    );
    assert_eq!(
        plan_errors(&format!(
            "{PLAN}activities: [{{what: y, priority: 3.0}}, {{what: z, priority: -1}}, {{what: z, priority: 300}}]\n"
        )),
        "activities[0].priority: expected a whole number, found 3.0\n\
         activities[1].priority: -1 is not between 1 and 3\n\
         activities[2].priority: 300 is not between 1 and 3"
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}coaching: [10007, ~, 2.5]\npriorities: [a, 3]\n")),
        "coaching[1]: expected a text, found null\ncoaching[2]: expected a text, found 2.5\npriorities[1]: expected a text, found 3"
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}targets: {{customers: [[1]], selection: 5}}\n")),
        "targets.customers[0]: expected a text, found […]\ntargets.selection: expected a text, found 5"
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}activities: [{{what: y, due: 5}}]\n")),
        "activities[0].due: expected a text, found 5"
    );
    assert_eq!(
        plan_errors("- a\n"),
        "expected a mapping (key: value), found […]"
    );
    assert_eq!(
        plan_errors("# c\n"),
        "expected a mapping (key: value), found null"
    );
}

#[test]
fn syntax_errors_keep_the_parser_message_with_line_and_column() {
    let syntax = "file not readable (syntax error): ";
    assert_eq!(
        chain_errors("chain: [unclosed\n"),
        format!("{syntax}did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence at line 1 column 8")
    );
    assert_eq!(
        plan_errors("plan: [unclosed\n"),
        format!("{syntax}did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence at line 1 column 7")
    );
    assert_eq!(
        chain_errors("chain: a\n  bad: indent\n"),
        format!("{syntax}mapping values are not allowed in this context at line 2 column 6")
    );
    assert_eq!(
        plan_errors("plan: a\n  bad: indent\n"),
        format!("{syntax}mapping values are not allowed in this context at line 2 column 6")
    );
    assert_eq!(
        chain_errors("chain: 'x\n"),
        format!("{syntax}found unexpected end of stream at line 2 column 1, while scanning a quoted scalar at line 1 column 8")
    );
    let de = parse("chain: a\n  bad: indent\n", None).unwrap_err();
    assert_eq!(
        de.localized(Lang::De),
        "Datei nicht lesbar (Syntaxfehler): mapping values are not allowed in this context at line 2 column 6"
    );
    // JSON: both readers name the place; a guessed JSON chain file that is valid YAML is read as
    // YAML, a guessed JSON plan file is not.
    assert_eq!(
        chain_errors("{chain: A"),
        format!("{syntax}key must be a string at line 1 column 2")
    );
    assert_eq!(
        chain_errors("{\"chain\": }"),
        "chain: missing (required)\nsubject: missing (required)\nactors: no actor with tier 'self' (exactly one is required: our own company)"
    );
    assert_eq!(
        plan_errors("{\"plan\": }"),
        format!("{syntax}expected value at line 1 column 10")
    );
    assert_eq!(
        plan_errors("{plan: a, scope: {kind: product, value: x}}"),
        format!("{syntax}key must be a string at line 1 column 2")
    );
    let json = parse("{\"chain\": }", Some(Format::Json)).unwrap_err();
    assert_eq!(
        json.localized(Lang::En),
        format!("{syntax}expected value at line 1 column 11")
    );
}

#[test]
fn tags_and_numbers_too_wide_are_syntax_errors_worded_per_file_kind() {
    let syntax = "file not readable (syntax error): ";
    assert_eq!(
        chain_errors(&format!("{CHAIN}description: !tag x\n")),
        format!("{syntax}description: invalid type: enum, expected a plain value (YAML tags such as !name are not supported) at line 5 column 14")
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}notes: !tag x\n")),
        format!(
            "{syntax}notes: invalid type: enum, expected a YAML or JSON value at line 3 column 8"
        )
    );
    assert_eq!(
        chain_errors(&format!("{CHAIN}description: 99999999999999999999\n")),
        format!("{syntax}description: invalid type: integer `99999999999999999999` as u128, expected a plain value (YAML tags such as !name are not supported) at line 5 column 14")
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}notes: 99999999999999999999\n")),
        format!("{syntax}notes: invalid type: integer `99999999999999999999` as u128, expected a YAML or JSON value at line 3 column 8")
    );
    assert_eq!(
        plan_errors(&format!("{PLAN}notes: -99999999999999999999\n")),
        format!("{syntax}notes: invalid type: integer `-99999999999999999999` as i128, expected a YAML or JSON value at line 3 column 8")
    );
}

#[test]
fn errors_inside_actors_and_activities_keep_their_paths() {
    let actor = |extra: &str| {
        chain_errors(&format!(
            "chain: A\nsubject: product\nactors:\n  - id: w\n    tier: self\n    name: W\n{extra}"
        ))
    };
    assert_eq!(
        actor("    success_factors: [a, ~, 3]\n"),
        "actors[0].success_factors[1]: missing (required)\nactors[0].success_factors[2]: expected a text, found 3"
    );
    assert_eq!(
        actor("    count: 1e20\n    count: 2\n    tier: self\n"),
        "actors[0].count: expected a whole number, found 100000000000000000000\nactors[0].count: key appears twice\nactors[0].tier: key appears twice"
    );
    assert_eq!(
        actor("    persons:\n      - {name: P, contact: direct, last_contact: 5, nmae: Q}\n"),
        "actors[0].persons[0].last_contact: '5' is not a date of the form YYYY-MM-DD\n\
         actors[0].persons[0].nmae: unknown key (did you mean 'name'?); allowed: name, role, contact, known_by, last_contact, notes"
    );
    assert_eq!(
        plan_errors(&format!(
            "{PLAN}activities: [{{what: x, wat: y, what: z, priority: 2}}, 7]\n"
        )),
        "activities[0].wat: unknown key (did you mean 'what'?); allowed: what, owner, due, status, priority, actor, customer, person\n\
         activities[0].what: key appears twice\n\
         activities[1]: expected a mapping (key: value), found 7"
    );
}

#[test]
fn a_plan_says_what_it_expected_in_correct_german() {
    // Plans said "erwartet ein Text" (nominative); chains always said "erwartet einen Text".
    let e = parse_plan(&format!("{PLAN}notes: 3\n"), None).unwrap_err();
    assert_eq!(
        e.localized(Lang::De),
        "notes: erwartet einen Text, gefunden 3"
    );
}

#[test]
fn a_plan_key_that_is_a_mapping_does_not_show_the_reader_s_inner_markers() {
    // The plan reader used to mark repeated keys with a hidden key, which leaked into this name.
    assert_eq!(
        plan_errors(&format!("{PLAN}? {{a: 1, a: 2}}\n: w\n")),
        "{\"a\":1}: unknown key; allowed: plan, scope, reasons, targets, activities, coaching, priorities, notes"
    );
}

#[test]
fn dates_are_strictly_iso_in_plans_as_in_chains() {
    // chrono alone reads " 2025-1-03" as 3 January; chains always refused it, plans now do too.
    assert_eq!(
        plan_errors(&format!(
            "{PLAN}activities: [{{what: x, due: ' 2025-1-03'}}, {{what: y, due: '2025-02-30'}}]\n"
        )),
        "activities[0].due: ' 2025-1-03' is not a date of the form YYYY-MM-DD\n\
         activities[1].due: '2025-02-30' is not a date of the form YYYY-MM-DD"
    );
    assert_eq!(
        chain_errors(
            "chain: A\nsubject: product\nactors:\n  - id: w\n    tier: self\n    name: W\n    persons:\n      - {name: P, contact: direct, last_contact: ' 2025-1-03'}\n"
        ),
        "actors[0].persons[0].last_contact: ' 2025-1-03' is not a date of the form YYYY-MM-DD"
    );
    let ok = parse_plan(
        &format!("{PLAN}activities: [{{what: x, due: 2025-01-03}}]\n"),
        None,
    );
    assert_eq!(
        ok.unwrap().activities[0].due.map(|d| d.to_string()),
        Some("2025-01-03".into())
    );
}

#[test]
fn an_infinite_number_is_a_number_in_plans_as_in_chains() {
    // The plan reader's JSON tree had no room for YAML's `.inf`, so it became the text "inf" and a
    // plan's note or activity silently read "inf"; now it is refused like any other number.
    assert_eq!(
        plan_errors(&format!("{PLAN}notes: .inf\n")),
        "notes: expected a text, found inf"
    );
    assert_eq!(
        plan_errors(&format!(
            "{PLAN}activities: [{{what: x, priority: .nan}}]\n"
        )),
        "activities[0].priority: expected a whole number, found NaN"
    );
    assert_eq!(
        chain_errors(&format!("{CHAIN}description: .nan\n")),
        "description: expected a text, found NaN"
    );
}
